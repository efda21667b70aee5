import { addMonths, daysInMonth, monthRange, type Month } from "../domain/units.ts";
import { percentile } from "./rng.ts";

const monthIndex = (m: Month) => Number(m.slice(5)) - 1;
const median = (xs: readonly number[]) => percentile(xs, 0.5);

/**
 * A robust mean of a few values: with five or more, the median of three and more of them is steadier
 * against one odd year than the mean, but for four or fewer the median of two is a plain mean of the
 * middle two, which throws away half the data; the trimmed mean keeps both virtues.
 */
const robustMean = (xs: readonly number[]) => (xs.length >= 5 ? median(xs) : trimmedMean(xs));

/** The mean without the lowest and highest tenth (one each of 10–19 values): robust, and efficient on clean data. */
export function trimmedMean(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const k = Math.floor(s.length / 10);
  const kept = s.slice(k, s.length - k);
  return kept.reduce((a, b) => a + b, 0) / kept.length;
}

/**
 * Seasonal factor of each calendar month from earlier years, robust to months left out (undefined: holes,
 * events, anomalous periods): a year counts when it has at least `minYearMonths` usable months; its level
 * is the mean of its months divided by their factors (so a missing month does not bias it), each month's
 * ratio to that level is taken, and a month's factor is a robust mean of its ratios over the years (the
 * median from five years, else the mean; three passes). Clamped to 0.5..2 and normalised to mean 1. A calendar month with no ratio gets 1.
 */
export function seasonalFactors(
  history: readonly Month[],
  rate: (m: Month) => number | undefined,
  minYearMonths = 12,
): number[] {
  const years = new Map<string, { k: number; r: number }[]>();
  for (const m of history) {
    const r = rate(m);
    if (r === undefined) continue;
    const y = m.slice(0, 4);
    const list = years.get(y) ?? [];
    list.push({ k: monthIndex(m), r });
    years.set(y, list);
  }
  const usable = [...years.values()].filter((ms) => ms.length >= minYearMonths);
  let factors = new Array<number>(12).fill(1);
  for (let pass = 0; pass < 3; pass++) {
    const ratios: number[][] = Array.from({ length: 12 }, () => []);
    for (const ms of usable) {
      const level = ms.reduce((s, x) => s + x.r / factors[x.k]!, 0) / ms.length;
      if (level <= 0) continue;
      for (const x of ms) ratios[x.k]!.push(x.r / level);
    }
    const raw = ratios.map((rs) => (rs.length ? Math.min(2, Math.max(0.5, robustMean(rs))) : 1));
    const avg = raw.reduce((s, x) => s + x, 0) / 12;
    factors = raw.map((x) => x / avg);
  }
  return factors;
}

/** How the counterfactual is built. */
export interface ForecastOptions {
  /** Usable months before the origin whose trimmed mean de-seasonalised daily rate is the level. */
  levelMonths: number;
  /** How far back (months) the level window may reach to find them when some are left out. */
  maxLevelSpan: number;
  /** Fewer usable months than this: no forecast. */
  minLevelMonths: number;
  /** Usable years the seasonal factors come from (before the level window). */
  seasonYears: number;
  /** How many years back the seasonal factors may reach to find them. */
  maxSeasonSpanYears: number;
  /** A year with fewer usable months than this does not count for the seasonal factors. */
  minYearMonths: number;
  /** How many past forecasts of the same horizon give the residuals of the interval. */
  residualOrigins: number;
  /** Central share of residuals the interval covers (0.9: from the 5th to the 95th percentile). */
  coverage: number;
}

export const DEFAULT_FORECAST: ForecastOptions = {
  levelMonths: 12,
  maxLevelSpan: 24,
  minLevelMonths: 6,
  seasonYears: 4,
  maxSeasonSpanYears: 6,
  minYearMonths: 9,
  residualOrigins: 36,
  coverage: 0.9,
};

/** A fitted forecaster: the de-seasonalised level at an origin and the seasonal factors. */
export interface Fit {
  level: number;
  season: number[];
  /** The usable months the level comes from, newest first. */
  levelMonths: Month[];
  /** The calendar years the seasonal factors come from. */
  seasonYears: string[];
}

/**
 * Fits the forecaster at `origin` from usable months only (the rate is undefined for months left out):
 * the level is the trimmed mean de-seasonalised rate of the `levelMonths` newest usable months within
 * `maxLevelSpan` months of the origin; the seasonal factors come from the `seasonYears` newest usable
 * calendar years before the level window (complete years first, then the newest), within
 * `maxSeasonSpanYears`. Undefined with too few months.
 */
export function fitForecast(
  rate: (m: Month) => number | undefined,
  origin: Month,
  o: ForecastOptions = DEFAULT_FORECAST,
): Fit | undefined {
  const window: Month[] = [];
  for (let k = 0; k < o.maxLevelSpan && window.length < o.levelMonths; k++) {
    const m = addMonths(origin, -k);
    if (rate(m) !== undefined) window.push(m);
  }
  if (window.length < o.minLevelMonths) return undefined;
  const histEnd = addMonths(window.at(-1)!, -1);
  const span = monthRange(addMonths(histEnd, -(12 * o.maxSeasonSpanYears - 1)), histEnd);
  const counts = new Map<string, number>();
  for (const m of span)
    if (rate(m) !== undefined) counts.set(m.slice(0, 4), (counts.get(m.slice(0, 4)) ?? 0) + 1);
  // Complete years first, then the newest.
  const years = [...counts]
    .filter(([, n]) => n >= o.minYearMonths)
    .sort((a, b) => b[1] - a[1] || b[0].localeCompare(a[0]))
    .slice(0, o.seasonYears)
    .map(([y]) => y)
    .sort();
  const season = seasonalFactors(
    span.filter((m) => years.includes(m.slice(0, 4))),
    rate,
    o.minYearMonths,
  );
  const level = trimmedMean(window.map((m) => rate(m)! / season[monthIndex(m)]!));
  return { level, season, levelMonths: window, seasonYears: years };
}

/**
 * Forecast of the daily rate in `target` using only months up to `origin` (see fitForecast).
 * Undefined with too few usable months.
 */
export function forecastRate(
  rate: (m: Month) => number | undefined,
  origin: Month,
  target: Month,
  o: ForecastOptions = DEFAULT_FORECAST,
): number | undefined {
  const f = fitForecast(rate, origin, o);
  return f ? f.level * f.season[monthIndex(target)]! : undefined;
}

/** A counterfactual month: point forecast and prediction interval, as monthly totals. */
export interface Counterfactual {
  month: Month;
  point: number;
  lo: number | null;
  hi: number | null;
  /** Past forecasts of the same horizon behind the interval. */
  residuals: number;
  /** Their relative errors (observed ÷ forecast − 1), for bands of other coverages. */
  errors: number[];
}

/** z of the normal distribution for central coverages we use. */
const Z: Record<string, number> = { "0.8": 1.2816, "0.9": 1.6449, "0.95": 1.96, "0.99": 2.5758 };

/**
 * The band of relative errors that covers `coverage` of them: the wider of the empirical quantiles and a
 * normal band (mean ± z·sd) of the same errors. With a few dozen errors the empirical tails alone are too
 * narrow about as often as not; the normal band steadies them. Undefined with fewer than 8 errors.
 */
export function errorBand(errors: readonly number[], coverage: number): [number, number] | undefined {
  if (errors.length < 8) return undefined;
  const tail = (1 - coverage) / 2;
  const mean = errors.reduce((s, e) => s + e, 0) / errors.length;
  const sd = Math.sqrt(errors.reduce((s, e) => s + (e - mean) ** 2, 0) / (errors.length - 1));
  const z = Z[String(coverage)] ?? 1.6449;
  return [
    Math.min(percentile(errors, tail), mean - z * sd),
    Math.max(percentile(errors, 1 - tail), mean + z * sd),
  ];
}

/**
 * Counterfactual totals for `targets` from data up to `origin`, each with a prediction interval from
 * the relative errors of the same method's past forecasts at the same horizon (origins before `origin`
 * whose target is not after it; see errorBand). Fewer than 8 past errors give no interval.
 */
export function counterfactual(
  rate: (m: Month) => number | undefined,
  origin: Month,
  targets: readonly Month[],
  o: ForecastOptions = DEFAULT_FORECAST,
): Counterfactual[] {
  const out: Counterfactual[] = [];
  // Past origins repeat across targets: fit each once.
  const fits = new Map<Month, Fit | undefined>();
  const forecast = (at: Month, target: Month) => {
    if (!fits.has(at)) fits.set(at, fitForecast(rate, at, o));
    const f = fits.get(at);
    return f ? f.level * f.season[monthIndex(target)]! : undefined;
  };
  for (const target of targets) {
    const point = forecast(origin, target);
    if (point === undefined) continue;
    const h = monthRange(origin, target).length - 1;
    const errors: number[] = [];
    for (let k = 0; k < o.residualOrigins; k++) {
      const past = addMonths(origin, -(h + k));
      const t = addMonths(past, h);
      const f = forecast(past, t);
      const obs = rate(t);
      if (f !== undefined && f > 0 && obs !== undefined) errors.push(obs / f - 1);
    }
    const days = daysInMonth(target);
    const band = errorBand(errors, o.coverage);
    out.push({
      month: target,
      point: point * days,
      lo: band ? Math.max(0, point * (1 + band[0])) * days : null,
      hi: band ? point * (1 + band[1]) * days : null,
      residuals: errors.length,
      errors,
    });
  }
  return out;
}
