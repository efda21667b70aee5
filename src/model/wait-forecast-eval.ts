import {
  ERROR_PROBS,
  fitLeastAbsolute,
  forecastHour,
  HOUR_BLOCKS,
  levelCount,
  levelIndex,
  LOG_RESIDUAL_FLOOR,
  MAX_HORIZON_HOURS,
  modelInputs,
  outcomeScore,
  RECALIBRATION,
  recalibratedAlpha,
  sortedQuantile,
  toScale,
  type HourlySeries,
  type WaitForecastParams,
  weightIndex,
} from "./wait-forecast.ts";

/**
 * Fitting and scoring the wait forecast on held-out hourly series (scripts/evaluate-forecast.ts and its test).
 * A series is a run of consecutive local clock hours with observed waits (some missing), the model's profile
 * and the historical-average baseline for each hour.
 */
export interface EvalSeries extends HourlySeries {
  /** First and last hour index. */
  first: number;
  last: number;
  /** The historical average for the hour's month, weekday and hour (CBP's, or computed the same way). */
  historicalAverage(hour: number): number | undefined;
  /** The year of an hour (for train / calibrate / test splits). */
  year(hour: number): number;
}

/** Forecast origins of a series: hours with a reading whose target `horizon` later has one too. */
export function origins(s: EvalSeries, horizon: number, keep: (origin: number) => boolean): number[] {
  const out: number[] = [];
  for (let o = s.first; o + horizon <= s.last; o++)
    if (s.observed(o) !== undefined && s.observed(o + horizon) !== undefined && keep(o)) out.push(o);
  return out;
}

/**
 * Weights per horizon, lane group (`laneGroups`), block of the day (`blocks` a day) and level of the last
 * reading (`lastWaitBreaks`), fitted on the origins `keep` lets in. A level with too few origins (< 100) takes
 * its group and block's pooled weights.
 */
export function fitWeights(
  series: readonly EvalSeries[],
  keep: (s: EvalSeries, origin: number, horizon: number) => boolean,
  model: Partial<
    Pick<
      WaitForecastParams,
      "hourBlocks" | "features" | "lastWaitBreaks" | "laneGroups" | "scale" | "excessBreaks"
    >
  > & { shrink?: number } = {},
  maxHorizon: number = MAX_HORIZON_HOURS,
): number[][][] {
  const lastWaitBreaks = model.lastWaitBreaks ?? [];
  const blocks = model.hourBlocks ?? HOUR_BLOCKS;
  const layout = { ...model, hourBlocks: blocks, lastWaitBreaks };
  const cells = (model.laneGroups?.length ?? 1) * blocks * levelCount(model);
  const fit = (X: number[][], y: number[]) =>
    fitLeastAbsolute(X, y, 30, model.scale === "log" ? LOG_RESIDUAL_FLOOR : undefined);
  const weights: number[][][] = [];
  for (let h = 1; h <= maxHorizon; h++) {
    const X: number[][][] = Array.from({ length: cells }, () => []);
    const y: number[][] = Array.from({ length: cells }, () => []);
    for (const s of series)
      for (const o of origins(s, h, (o) => keep(s, o, h))) {
        const b = weightIndex(s, o, h, layout);
        X[b]!.push(modelInputs(s, o, h, layout));
        y[b]!.push(toScale(s.observed(o + h)!, layout));
      }
    const levels = levelCount(model);
    const pooled = new Map<number, number[]>();
    let all: number[] | undefined;
    const pooledOf = (b: number) => {
      let w = pooled.get(b);
      if (!w) {
        const cellsOf = Array.from({ length: levels }, (_, l) => b * levels + l);
        const xs = cellsOf.flatMap((c) => X[c]!);
        // A group and block with too few origins of its own takes the weights of every origin.
        w =
          xs.length >= 100
            ? fit(
                xs,
                cellsOf.flatMap((c) => y[c]!),
              )
            : (all ??= fit(X.flat(), y.flat()));
        pooled.set(b, w);
      }
      return w;
    };
    if (model.shrink !== undefined) {
      // Each cell's weights pulled towards its level's weights over every group and block.
      const byLevel = Array.from({ length: levels }, (_, l) => {
        const cs = X.map((_, c) => c).filter((c) => c % levels === l);
        return fit(
          cs.flatMap((c) => X[c]!),
          cs.flatMap((c) => y[c]!),
        );
      });
      weights.push(
        X.map((xb, c) =>
          xb.length < 20
            ? byLevel[c % levels]!
            : fitLeastAbsolute(xb, y[c]!, 30, model.scale === "log" ? LOG_RESIDUAL_FLOOR : undefined, {
                weights: byLevel[c % levels]!,
                observations: model.shrink!,
              }),
        ),
      );
      continue;
    }
    weights.push(
      X.map((xb, c) =>
        levels === 1 || xb.length >= 100 ? fit(xb, y[c]!) : pooledOf(Math.floor(c / levels)),
      ),
    );
  }
  return weights;
}

/** The quantiles (at ERROR_PROBS) of errors (observed − forecast) per horizon and forecast level. */
export function errorQuantiles(
  series: readonly EvalSeries[],
  weights: number[][][],
  levelBreaks: number[],
  keep: (s: EvalSeries, origin: number) => boolean,
  model: Pick<
    WaitForecastParams,
    "features" | "hourBlocks" | "lastWaitBreaks" | "rounding" | "laneGroups" | "scale" | "excessBreaks"
  >,
): number[][][] {
  const p: WaitForecastParams = {
    ...model,
    fittedOn: "",
    weights,
    levelBreaks,
    errorQuantiles: weights.map(() => levelBreaks.concat(0).map(() => ERROR_PROBS.map(() => 0))),
    coverage: 0.8,
  };
  return weights.map((_, i) => {
    const h = i + 1;
    const errs: number[][] = levelBreaks.concat(0).map(() => []);
    for (const s of series)
      for (const o of origins(s, h, (o) => keep(s, o))) {
        const f = forecastHour(s, o, h, p).expectedMinutes;
        errs[levelIndex(f, levelBreaks)]!.push(s.observed(o + h)! - f);
      }
    return errs.map((e) => {
      const sorted = e.sort((a, b) => a - b);
      return ERROR_PROBS.map((q) => sortedQuantile(sorted, q));
    });
  });
}

/** Scores of one horizon: MAE of the model and each baseline (minutes), on the same origins. */
export interface HorizonScore {
  horizon: number;
  /** Origins scored (model, historical average and last reading). */
  n: number;
  model: number;
  historicalAverage: number;
  lastReading: number;
  /** Same hour a week earlier: on the origins where that hour has a reading (nWeek of them). */
  weekEarlier: number | null;
  nWeek: number;
  /** The model's MAE on the week-earlier origins, to compare like with like. */
  modelOnWeek: number | null;
  /** Share of observations inside the 80% interval (recalibrated on recent outcomes), its mean width (minutes). */
  coverage: number;
  width: number;
  /** The same without the recalibration: the calibration period's 10th–90th percentile errors. */
  coverageFixed: number;
  widthFixed: number;
}

/** The first index of an ascending array whose value is not below x. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (a[m]! < x) lo = m + 1;
    else hi = m;
  }
  return lo;
}
/** Inserts into / removes from an ascending array, keeping it sorted. */
const sortedInsert = (a: number[], x: number) => a.splice(lowerBound(a, x), 0, x);
function sortedRemove(a: number[], x: number): void {
  const i = lowerBound(a, x);
  if (a[i] === x) a.splice(i, 1);
}

/**
 * Scores the model and the baselines at each horizon on the held-out origins. The interval is recalibrated
 * as `recentAlpha` does in the product: from the outcome scores of the same horizon's forecasts whose target
 * hour lies in the last RECALIBRATION.windowHours before the origin, whether or not those origins are scored
 * (a forecaster running then would have seen them).
 */
export function scoreForecasts(
  series: readonly EvalSeries[],
  p: WaitForecastParams,
  keep: (s: EvalSeries, origin: number) => boolean,
  horizons: readonly number[] = Array.from({ length: MAX_HORIZON_HOURS }, (_, i) => i + 1),
): HorizonScore[] {
  return horizons.map((h) => {
    let n = 0;
    let model = 0;
    let ha = 0;
    let last = 0;
    let nWeek = 0;
    let week = 0;
    let modelWeek = 0;
    let inside = 0;
    let width = 0;
    let insideFixed = 0;
    let widthFixed = 0;
    for (const s of series) {
      const all = origins(s, h, () => true);
      const kept = new Set(origins(s, h, (o) => keep(s, o)));
      if (kept.size === 0) continue;
      const firstKept = [...kept].reduce((a, b) => Math.min(a, b), Infinity);
      // The window: outcomes (target hour, score) in target order; targets of earlier origins come first.
      const outcomes: { t: number; score: number }[] = [];
      const window: number[] = [];
      let added = 0;
      let removed = 0;
      for (const o of all) {
        if (o + h <= firstKept - RECALIBRATION.windowHours) continue;
        const f0 = forecastHour(s, o, h, p);
        const y = s.observed(o + h)!;
        outcomes.push({ t: o + h, score: outcomeScore(p, h, f0.expectedMinutes, y) });
        if (!kept.has(o)) continue;
        while (added < outcomes.length && outcomes[added]!.t <= o)
          sortedInsert(window, outcomes[added++]!.score);
        while (removed < added && outcomes[removed]!.t <= o - RECALIBRATION.windowHours)
          sortedRemove(window, outcomes[removed++]!.score);
        const avg = s.historicalAverage(o + h);
        if (avg === undefined) continue;
        const f = forecastHour(s, o, h, p, recalibratedAlpha(window, p.coverage));
        n++;
        model += Math.abs(f.expectedMinutes - y);
        ha += Math.abs(avg - y);
        last += Math.abs(s.observed(o)! - y);
        if (y >= f.lowMinutes && y <= f.highMinutes) inside++;
        width += f.highMinutes - f.lowMinutes;
        if (y >= f0.lowMinutes && y <= f0.highMinutes) insideFixed++;
        widthFixed += f0.highMinutes - f0.lowMinutes;
        const w = s.observed(o + h - 168);
        if (w !== undefined) {
          nWeek++;
          week += Math.abs(w - y);
          modelWeek += Math.abs(f.expectedMinutes - y);
        }
      }
    }
    return {
      horizon: h,
      n,
      model: model / n,
      historicalAverage: ha / n,
      lastReading: last / n,
      weekEarlier: nWeek ? week / nWeek : null,
      nWeek,
      modelOnWeek: nWeek ? modelWeek / nWeek : null,
      coverage: inside / n,
      width: width / n,
      coverageFixed: insideFixed / n,
      widthFixed: widthFixed / n,
    };
  });
}
