import { addMonths, daysInMonth, monthRange, type Month } from "../domain/units.ts";
import { percentile } from "./rng.ts";

/**
 * Seasonal factor of each calendar month from earlier years: the month's daily rate over its year's mean
 * daily rate, averaged over the complete years in `history`, clamped to 0.5..2 and normalised to mean 1.
 * Months without a rate make their year incomplete.
 */
export function seasonalFactors(history: readonly Month[], rate: (m: Month) => number | undefined): number[] {
  const sums = new Array<number>(12).fill(0);
  const counts = new Array<number>(12).fill(0);
  const years = [...new Set(history.map((m) => m.slice(0, 4)))];
  for (const y of years) {
    const ms = history.filter((m) => m.startsWith(y));
    const rates = ms.map(rate);
    if (ms.length < 12 || rates.some((r) => r === undefined)) continue;
    const mean = (rates as number[]).reduce((s, r) => s + r, 0) / 12;
    if (mean <= 0) continue;
    ms.forEach((m, i) => {
      const k = Number(m.slice(5)) - 1;
      sums[k]! += rates[i]! / mean;
      counts[k]!++;
    });
  }
  const raw = sums.map((s, k) => (counts[k] ? Math.min(2, Math.max(0.5, s / counts[k]!)) : 1));
  const avg = raw.reduce((s, x) => s + x, 0) / 12;
  return raw.map((x) => x / avg);
}

const monthIndex = (m: Month) => Number(m.slice(5)) - 1;

/** How the counterfactual is built. */
export interface ForecastOptions {
  /** Months before the origin whose mean (de-seasonalised) daily rate is the level. */
  levelMonths: number;
  /** Years before the level window the seasonal factors come from. */
  seasonYears: number;
  /** How many past forecasts of the same horizon give the residuals of the interval. */
  residualOrigins: number;
  /** Central share of residuals the interval covers (0.9: from the 5th to the 95th percentile). */
  coverage: number;
}

export const DEFAULT_FORECAST: ForecastOptions = {
  levelMonths: 12,
  seasonYears: 4,
  residualOrigins: 36,
  coverage: 0.9,
};

/** A fitted forecaster: the de-seasonalised level at an origin and the seasonal factors. */
interface Fit {
  level: number;
  season: number[];
}

/** Fits the level (mean de-seasonalised rate of the `levelMonths` to `origin`) and seasonal factors. */
function fit(rate: (m: Month) => number | undefined, origin: Month, o: ForecastOptions): Fit | undefined {
  const window = monthRange(addMonths(origin, -(o.levelMonths - 1)), origin).filter(
    (m) => rate(m) !== undefined,
  );
  if (window.length < Math.ceil(o.levelMonths / 2)) return undefined;
  const histEnd = addMonths(origin, -o.levelMonths);
  const season = seasonalFactors(monthRange(addMonths(histEnd, -(12 * o.seasonYears - 1)), histEnd), rate);
  const level = window.reduce((s, m) => s + rate(m)! / season[monthIndex(m)]!, 0) / window.length;
  return { level, season };
}

/**
 * Forecast of the daily rate in `target` using only months up to `origin`: the mean de-seasonalised rate
 * of the `levelMonths` to `origin`, times the target month's seasonal factor. Undefined with fewer than
 * half the level months.
 */
export function forecastRate(
  rate: (m: Month) => number | undefined,
  origin: Month,
  target: Month,
  o: ForecastOptions = DEFAULT_FORECAST,
): number | undefined {
  const f = fit(rate, origin, o);
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
    if (!fits.has(at)) fits.set(at, fit(rate, at, o));
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
