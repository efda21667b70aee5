import {
  fitLeastAbsolute,
  forecastFeatures,
  forecastHour,
  hourBlock,
  HOUR_BLOCKS,
  levelIndex,
  MAX_HORIZON_HOURS,
  sortedQuantile,
  type HourlySeries,
  type WaitForecastParams,
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

/** Weights per horizon and block, fitted on the given origins of each series (targets' years in `fitYears`). */
export function fitWeights(
  series: readonly EvalSeries[],
  keep: (s: EvalSeries, origin: number, horizon: number) => boolean,
): number[][][] {
  const weights: number[][][] = [];
  for (let h = 1; h <= MAX_HORIZON_HOURS; h++) {
    const X: number[][][] = Array.from({ length: HOUR_BLOCKS }, () => []);
    const y: number[][] = Array.from({ length: HOUR_BLOCKS }, () => []);
    for (const s of series)
      for (const o of origins(s, h, (o) => keep(s, o, h))) {
        const b = hourBlock(s.hourOfDay(o + h));
        X[b]!.push(forecastFeatures(s, o, h));
        y[b]!.push(s.observed(o + h)!);
      }
    weights.push(X.map((xb, b) => fitLeastAbsolute(xb, y[b]!)));
  }
  return weights;
}

/** The 10th and 90th percentiles of errors (observed − forecast) per horizon and forecast level. */
export function errorQuantiles(
  series: readonly EvalSeries[],
  weights: number[][][],
  levelBreaks: number[],
  keep: (s: EvalSeries, origin: number) => boolean,
  coverage = 0.8,
): [number, number][][] {
  const p: WaitForecastParams = {
    fittedOn: "",
    weights,
    levelBreaks,
    errorQuantiles: weights.map(() => levelBreaks.concat(0).map(() => [0, 0] as [number, number])),
    coverage,
  };
  const tail = (1 - coverage) / 2;
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
      return [sortedQuantile(sorted, tail), sortedQuantile(sorted, 1 - tail)] as [number, number];
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
  /** Share of observations inside the 80% interval, and its mean width (minutes). */
  coverage: number;
  width: number;
}

/** Scores the model and the baselines at each horizon on the held-out origins. */
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
    for (const s of series)
      for (const o of origins(s, h, (o) => keep(s, o))) {
        const avg = s.historicalAverage(o + h);
        if (avg === undefined) continue;
        const y = s.observed(o + h)!;
        const f = forecastHour(s, o, h, p);
        n++;
        model += Math.abs(f.expectedMinutes - y);
        ha += Math.abs(avg - y);
        last += Math.abs(s.observed(o)! - y);
        if (y >= f.lowMinutes && y <= f.highMinutes) inside++;
        width += f.highMinutes - f.lowMinutes;
        const w = s.observed(o + h - 168);
        if (w !== undefined) {
          nWeek++;
          week += Math.abs(w - y);
          modelWeek += Math.abs(f.expectedMinutes - y);
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
    };
  });
}
