/**
 * The held-out evaluation of the wait forecast (docs/forecast.md), shared by scripts/evaluate-forecast.ts (the
 * whole raw files) and its test (small excerpts of the same files in test/fixtures/forecast).
 *
 * - Peace Arch southbound cars, hourly average delay (WCOG detectors): weights fitted on 2013–2018, the
 *   interval's error quantiles on 2018 forecasts by weights fitted on 2013–2017, scored on 2019.
 * - El Paso (BOTA, Paso del Norte, Ysleta), CBP's hourly waits in ten holiday windows of 2024–25, scored
 *   against CBP's own historical average for the month, weekday and hour, which is also the model's profile
 *   there (no other history exists); the weights are Peace Arch's, untouched.
 */
import { holidaysOn, type HolidayCountry } from "../src/domain/holidays.ts";
import {
  ERROR_PROBS,
  HOUR_BLOCKS,
  MAX_HORIZON_HOURS,
  type WaitForecastParams,
} from "../src/model/wait-forecast.ts";
import {
  errorQuantiles,
  fitWeights,
  scoreForecasts,
  type EvalSeries,
  type HorizonScore,
} from "../src/model/wait-forecast-eval.ts";

/** Hour index of a local clock time: hours since 1970-01-01 00:00 on the same clock. */
export const clockHour = (date: string, hour: number) => Date.parse(`${date}T00:00:00Z`) / 3_600_000 + hour;
const dates = new Map<number, string>();
/** The date of an hour index (kept per day: the splits ask it for every origin). */
const dateOf = (h: number) => {
  const d = Math.floor(h / 24);
  let x = dates.get(d);
  if (x === undefined) dates.set(d, (x = new Date(d * 86_400_000).toISOString().slice(0, 10)));
  return x;
};
const hourOf = (h: number) => ((h % 24) + 24) % 24;
const monthOf = (h: number) => Number(dateOf(h).slice(5, 7));
/** 1970-01-01 (hour 0) was a Thursday. */
const weekdayOf = (h: number) => (((Math.floor(h / 24) + 4) % 7) + 7) % 7;
const yearOf = (h: number) => Number(dateOf(h).slice(0, 4));

/** Forecast levels (minutes) that split the interval's error quantiles. */
export const LEVEL_BREAKS = [2, 5, 10, 20, 30];

/** Reads the Peace Arch CSVs (`Group Starts,Avg - Delay (…)`): hour index → minutes; empty cells are missing. */
export function parsePeaceArch(texts: readonly string[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const text of texts)
    for (const line of text.split("\n").slice(1)) {
      const [time, value] = line.trim().split(",");
      if (!time || value === undefined || value === "") continue;
      const h = clockHour(time.slice(0, 10), Number(time.slice(11, 13)));
      if (!out.has(h)) out.set(h, Number(value));
    }
  return out;
}

type Cell = { sum: number; n: number };
const mean = (c: Cell | undefined) => (c && c.n ? c.sum / c.n : undefined);
function add(m: Map<string, Cell>, k: string, v: number) {
  const c = m.get(k) ?? { sum: 0, n: 0 };
  c.sum += v;
  c.n++;
  m.set(k, c);
}

/** Which holiday class a date is in at a border (none, one side's, or both sides'). */
function holidayClass(date: string, sides: readonly HolidayCountry[]): string | null {
  const on = new Set(holidaysOn(date, sides).map((h) => h.country));
  return on.size === 0 ? null : [...on].sort().join("+");
}

/** The sides with a holiday on an hour's date (cached by date). */
function holidaySidesOf(sides: readonly HolidayCountry[]): (h: number) => readonly string[] {
  const cache = new Map<string, readonly string[]>();
  return (h) => {
    const d = dateOf(h);
    let x = cache.get(d);
    if (!x) cache.set(d, (x = [...new Set(holidaysOn(d, sides).map((y) => y.country))]));
    return x;
  };
}

/**
 * The Peace Arch series with the model's profile: for each year, the mean by month, weekday and hour of the
 * non-holiday hours of the other training years from three years before (falling back to weekday and hour),
 * and on holidays the mean by hour of the same holiday class (U.S., Canadian, both) of the other training
 * years from five years before. The baseline is the historical average by month, weekday and hour over all
 * training years, as CBP's page shows it.
 */
export function peaceArchSeries(values: Map<number, number>, lastTrainYear: number): EvalSeries {
  const hours = [...values.keys()].sort((a, b) => a - b);
  const first = hours[0]!;
  const last = hours.at(-1)!;
  const sides: HolidayCountry[] = ["us", "ca"];
  const classOf = new Map<string, string | null>();
  const cls = (h: number) => {
    const d = dateOf(h);
    if (!classOf.has(d)) classOf.set(d, holidayClass(d, sides));
    return classOf.get(d)!;
  };
  const firstYear = yearOf(first);
  const lastYear = yearOf(last);
  // Cells per training year, so each year's profile can leave itself out.
  const mwh = new Map<number, Map<string, Cell>>();
  const wh = new Map<number, Map<string, Cell>>();
  const hol = new Map<number, Map<string, Cell>>();
  const ha = new Map<string, Cell>();
  for (const [h, v] of values) {
    const y = yearOf(h);
    if (y > lastTrainYear) continue;
    add(ha, `${monthOf(h)}|${weekdayOf(h)}|${hourOf(h)}`, v);
    const c = cls(h);
    const get = (m: Map<number, Map<string, Cell>>) => m.get(y) ?? m.set(y, new Map()).get(y)!;
    if (c) add(get(hol), `${c}|${hourOf(h)}`, v);
    else {
      add(get(mwh), `${monthOf(h)}|${weekdayOf(h)}|${hourOf(h)}`, v);
      add(get(wh), `${weekdayOf(h)}|${hourOf(h)}`, v);
    }
  }
  const pooled = (m: Map<number, Map<string, Cell>>, years: number[], k: string) => {
    const c: Cell = { sum: 0, n: 0 };
    for (const y of years) {
      const x = m.get(y)?.get(k);
      if (x) {
        c.sum += x.sum;
        c.n += x.n;
      }
    }
    return mean(c);
  };
  const profileCache = new Map<number, number>();
  const profile = (h: number): number => {
    let p = profileCache.get(h);
    if (p !== undefined) return p;
    const y = Math.min(yearOf(h), lastTrainYear + 1);
    const others = (back: number) => {
      const ys: number[] = [];
      for (let x = Math.max(firstYear, y - back); x <= lastTrainYear; x++) if (x !== y) ys.push(x);
      return ys;
    };
    const c = cls(h);
    p =
      (c ? pooled(hol, others(5), `${c}|${hourOf(h)}`) : undefined) ??
      pooled(mwh, others(3), `${monthOf(h)}|${weekdayOf(h)}|${hourOf(h)}`) ??
      pooled(wh, others(lastYear - firstYear), `${weekdayOf(h)}|${hourOf(h)}`) ??
      0;
    profileCache.set(h, p);
    return p;
  };
  return {
    first,
    last,
    observed: (h) => values.get(h),
    profile,
    hourOfDay: hourOf,
    holidays: holidaySidesOf(sides),
    historicalAverage: (h) => mean(ha.get(`${monthOf(h)}|${weekdayOf(h)}|${hourOf(h)}`)),
    year: yearOf,
  };
}

/** Fits the model on Peace Arch: weights on ≤ lastTrain, interval on lastTrain's forecasts by weights on ≤ lastTrain − 1. */
export function fitPeaceArch(s: EvalSeries, lastTrain: number, fittedOn: string): WaitForecastParams {
  const warm = s.first + 24 * 8;
  const upTo = (y: number) => (x: EvalSeries, o: number, h: number) => o >= warm && x.year(o + h) <= y;
  const calibrationWeights = fitWeights([s], upTo(lastTrain - 1), { hourBlocks: HOUR_BLOCKS });
  const errorQ = errorQuantiles([s], calibrationWeights, LEVEL_BREAKS, (x, o) => x.year(o) === lastTrain, {
    hourBlocks: HOUR_BLOCKS,
  });
  return {
    fittedOn,
    hourBlocks: HOUR_BLOCKS,
    weights: fitWeights([s], upTo(lastTrain), { hourBlocks: HOUR_BLOCKS }),
    levelBreaks: LEVEL_BREAKS,
    errorQuantiles: errorQ,
    coverage: 0.8,
  };
}

/** Scores on the test year (origins in `testYear`). */
export const scorePeaceArch = (s: EvalSeries, p: WaitForecastParams, testYear: number) =>
  scoreForecasts([s], p, (x, o) => x.year(o) === testYear);

/** One row of the El Paso hourly file or the averages file. */
interface ElPasoKey {
  port: string;
  lane: string;
  subLane: string;
}

const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function csvRows(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split("\n");
  const cols = header!.split(",");
  // The files quote no field; port names hold no commas.
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i]!, v])));
}

/**
 * The El Paso series: one per crossing, lane and sub-lane, hourly over the holiday windows (gaps between
 * windows are missing hours), with CBP's historical average as both the profile and the baseline.
 */
export function elPasoSeries(hourlyCsv: string, averagesCsv: string): (EvalSeries & ElPasoKey)[] {
  const avg = new Map<string, number>();
  for (const r of csvRows(averagesCsv)) {
    if (r.avg_wait_minutes === "" || r.avg_wait_minutes === undefined) continue;
    const m = MONTH_NAMES.indexOf(r.month!) + 1;
    const w = WEEKDAY_NAMES.indexOf(r.weekday!);
    avg.set(`${r.port}|${r.lane}|${r.sub_lane}|${m}|${w}|${r.hour}`, Number(r.avg_wait_minutes));
  }
  const bySeries = new Map<string, { key: ElPasoKey; values: Map<number, number> }>();
  for (const r of csvRows(hourlyCsv)) {
    if (r.wait_minutes === "" || r.wait_minutes === undefined) continue;
    const id = `${r.port}|${r.lane}|${r.sub_lane}`;
    const s = bySeries.get(id) ?? {
      key: { port: r.port!, lane: r.lane!, subLane: r.sub_lane! },
      values: new Map(),
    };
    s.values.set(clockHour(r.date!, Number(r.hour)), Number(r.wait_minutes));
    bySeries.set(id, s);
  }
  const epHolidays = holidaySidesOf(["us", "mx"]);
  return [...bySeries.values()]
    .filter((s) => s.values.size >= 48)
    .map(({ key, values }) => {
      const hours = [...values.keys()].sort((a, b) => a - b);
      // Looked up for every input of every forecast: kept per hour (the key costs three date formats).
      const averages = new Map<number, number | undefined>();
      const average = (h: number) => {
        if (averages.has(h)) return averages.get(h);
        const a = avg.get(
          `${key.port}|${key.lane}|${key.subLane}|${monthOf(h)}|${weekdayOf(h)}|${hourOf(h)}`,
        );
        averages.set(h, a);
        return a;
      };
      return {
        ...key,
        first: hours[0]!,
        last: hours.at(-1)!,
        observed: (h: number) => values.get(h),
        profile: (h: number) => average(h) ?? 0,
        hourOfDay: hourOf,
        holidays: epHolidays,
        historicalAverage: average,
        year: yearOf,
      };
    });
}

/** El Paso's layout chosen in the previous round: weights by the last reading's level, CBP's steps. */
export const PREVIOUS_EL_PASO_LAYOUT: ModelLayout = { lastWaitBreaks: [10, 30], rounding: "cbp-steps" };

/**
 * How El Paso's model is laid out beyond the nine inputs: its own weights for a last reading more than 10
 * minutes below its hour's usual wait, up to 10 below, up to 10 above, and more; the expected wait rounded to
 * CBP's steps, or the last reading itself when the forecast is within 1.5 minutes of it. Chosen by
 * leave-one-window-out over the five training windows (`crossValidateElPaso`; docs/forecast.md); the test
 * windows played no part in the choice.
 */
export const EL_PASO_LAYOUT: ModelLayout = {
  excessBreaks: [-10, 0, 10],
  rounding: "cbp-steps",
  snapToLast: 1.5,
};

/** The model's structure beyond its weights. */
export type ModelLayout = Pick<
  WaitForecastParams,
  "features" | "lastWaitBreaks" | "rounding" | "laneGroups" | "scale" | "snapToLast" | "excessBreaks"
> & { shrink?: number };

/** The parameters of a model tried in a cross-validation fold or a choice of blocks (no interval fitted). */
function trialParams(
  blocks: number,
  layout: ModelLayout,
  weights: WaitForecastParams["weights"],
): WaitForecastParams {
  return {
    fittedOn: "",
    hourBlocks: blocks,
    ...layout,
    weights,
    levelBreaks: LEVEL_BREAKS,
    errorQuantiles: emptyQuantiles(weights),
    coverage: 0.8,
  };
}

const emptyQuantiles = (weights: number[][][]) =>
  weights.map(() => LEVEL_BREAKS.concat(0).map(() => ERROR_PROBS.map(() => 0)));

/**
 * Fits the model on El Paso's own CBP readings, windows before `testFrom` (weights) with the interval from
 * forecasts of the windows in [calibrateFrom, testFrom) by weights fitted before `calibrateFrom`.
 */
export function fitElPaso(
  series: readonly EvalSeries[],
  calibrateFrom: string,
  testFrom: string,
  fittedOn: string,
  blocks: number = HOUR_BLOCKS,
  layout: ModelLayout = EL_PASO_LAYOUT,
): WaitForecastParams {
  const before = (d: string) => (_s: EvalSeries, o: number, h: number) => dateOf(o + h) < d;
  const fit = (d: string) => fitWeights(series, before(d), { ...layout, hourBlocks: blocks });
  const calibrationWeights = fit(calibrateFrom);
  return {
    fittedOn,
    hourBlocks: blocks,
    ...layout,
    weights: fit(testFrom),
    levelBreaks: LEVEL_BREAKS,
    errorQuantiles: errorQuantiles(
      series,
      calibrationWeights,
      LEVEL_BREAKS,
      (_s, o) => dateOf(o) >= calibrateFrom && dateOf(o) < testFrom,
      { hourBlocks: blocks, ...layout },
    ),
    coverage: 0.8,
  };
}

/** El Paso's training windows (dates [from, to)): everything before the test windows of August–December 2025. */
export const EL_PASO_TRAINING_WINDOWS: readonly (readonly [string, string])[] = [
  ["2024-12-28", "2025-01-10"],
  ["2025-01-10", "2025-02-01"],
  ["2025-02-01", "2025-03-01"],
  ["2025-05-01", "2025-06-01"],
  ["2025-06-01", "2025-08-01"],
];

/**
 * Leave-one-window-out over El Paso's training windows (before `testFrom`): for each window, weights fitted
 * on the other training windows, 1–3 h forecasts scored on it. Returns how far the model's 1–3 h MAE is below
 * the best baseline's at each horizon, pooled over the windows (forecast-weighted), and per window.
 */
export function crossValidateElPaso(
  series: readonly EvalSeries[],
  layout: ModelLayout,
  blocks = 1,
  testFrom = "2025-08-01",
): { skill: number; perWindow: number[] } {
  let model = 0;
  let best = 0;
  const perWindow: number[] = [];
  for (const [from, to] of EL_PASO_TRAINING_WINDOWS) {
    const inside = (d: string) => d >= from && d < to;
    const weights = fitWeights(
      series,
      (_s, o, h) => dateOf(o + h) < testFrom && !inside(dateOf(o)) && !inside(dateOf(o + h)),
      { ...layout, hourBlocks: blocks },
      3,
    );
    const p = trialParams(blocks, layout, weights);
    const scores = scoreForecasts(series, p, (_s, o) => inside(dateOf(o)), [1, 2, 3]);
    const m = scores.reduce((a, s) => a + s.model * s.n, 0);
    const b = scores.reduce((a, s) => a + Math.min(s.historicalAverage, s.lastReading) * s.n, 0);
    model += m;
    best += b;
    perWindow.push(1 - m / b);
  }
  return { skill: 1 - model / best, perWindow };
}

/**
 * Chooses the blocks of the day with weights of their own for El Paso (8, 4, 2 or 1) by the 1–3 h mean MAE
 * on the validation windows in [validateFrom, validateTo) of weights fitted before `validateFrom`: the
 * windows after `validateTo` are never looked at.
 */
export function chooseElPasoBlocks(
  series: readonly EvalSeries[],
  validateFrom: string,
  validateTo: string,
  layout: ModelLayout = EL_PASO_LAYOUT,
): { blocks: number; tried: { blocks: number; mae13: number; best13: number }[] } {
  const tried = [8, 4, 2, 1].map((blocks) => {
    const weights = fitWeights(
      series,
      (_s, o, h) => dateOf(o + h) < validateFrom,
      { ...layout, hourBlocks: blocks },
      3,
    );
    const p = trialParams(blocks, layout, weights);
    const scores = scoreForecasts(
      series,
      p,
      (_s, o) => dateOf(o) >= validateFrom && dateOf(o) < validateTo,
      [1, 2, 3],
    );
    return {
      blocks,
      mae13: mean13(scores, (s) => s.model)!,
      best13: mean13(scores, (s) => Math.min(s.historicalAverage, s.lastReading))!,
    };
  });
  const best = tried.reduce((a, b) => (b.mae13 < a.mae13 ? b : a));
  return { blocks: best.blocks, tried };
}

/** Scores the El Paso series from a date on (every origin with a CBP average for its target). */
export const scoreElPasoFrom = (
  series: readonly EvalSeries[],
  p: WaitForecastParams,
  from: string,
  horizons?: readonly number[],
) => scoreForecasts(series, p, (_s, o) => dateOf(o) >= from, horizons);

/** Scores the El Paso series (every origin with a CBP average for its target). */
export const scoreElPaso = (
  series: readonly EvalSeries[],
  p: WaitForecastParams,
  horizons?: readonly number[],
) => scoreForecasts(series, p, () => true, horizons);

/** The horizons the tables show. */
export const TABLE_HORIZONS = [1, 2, 3, 6, 12, 24] as const;

/** Mean of a score field over horizons 1–3. */
export function mean13(
  scores: readonly HorizonScore[],
  f: (s: HorizonScore) => number | null,
): number | null {
  const xs = scores.filter((s) => s.horizon <= 3).map(f);
  if (xs.some((x) => x === null)) return null;
  return (xs as number[]).reduce((a, b) => a + b, 0) / xs.length;
}

export { MAX_HORIZON_HOURS };
