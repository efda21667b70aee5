/**
 * Wait forecasts for the coming hours: the usual wait for the target hour (a profile by month, weekday and
 * hour, with holidays apart), corrected by what the last readings say. For each horizon (1..24 h) and each
 * three-hour block of the target's local time of day, the forecast is a linear combination of nine numbers a
 * person can read off the archive:
 *
 *   the profile at the target hour, the last reading and the one before it, the profile at those two hours,
 *   the reading at the target's hour yesterday and a week ago, the mean excess over the profile in the last
 *   24 hours, and a constant.
 *
 * The weights are fitted by least absolute deviations (the forecast is a median, as MAE rewards) on the
 * Peace Arch hourly delays of 2013–2018 (`scripts/evaluate-forecast.ts`, docs/forecast.md); the 80% interval
 * adds the 10th and 90th percentiles of out-of-sample errors of the same horizon and forecast level.
 * Pure: no I/O, so the dashboard can run it.
 */

/** The forecast's inputs at one origin, in minutes; a missing reading is replaced by its hour's profile. */
export const FORECAST_FEATURES = [
  "profileTarget",
  "lastWait",
  "previousWait",
  "profileLast",
  "profilePrevious",
  "sameHourYesterday",
  "sameHourLastWeek",
  "recentExcess",
  "constant",
] as const;

/** Hours ahead a forecast reaches. */
export const MAX_HORIZON_HOURS = 24;
/** Blocks of the target's local time of day with weights of their own (8: three hours each). */
export const HOUR_BLOCKS = 8;

/** The fitted model: weights per horizon and block, and the error quantiles that make the interval. */
export interface WaitForecastParams {
  /** Where and how the weights were fitted (one sentence). */
  fittedOn: string;
  /** weights[horizon - 1][block][feature], in FORECAST_FEATURES order. */
  weights: number[][][];
  /** Forecast levels (minutes) that split the error quantiles: below the first, between, above the last. */
  levelBreaks: number[];
  /** errorQuantiles[horizon - 1][level] = [10th, 90th percentile] of out-of-sample errors (observed − forecast). */
  errorQuantiles: [number, number][][];
  /** Central share of observations the interval is meant to hold. */
  coverage: number;
}

/** An hourly series as the model sees it: hours are consecutive integers (local clock hours). */
export interface HourlySeries {
  /** The observed wait of an hour (its readings' mean), or undefined. */
  observed(hour: number): number | undefined;
  /** The usual wait of an hour (profile; holidays apart). */
  profile(hour: number): number;
  /** The local hour of day (0-23) of an hour. */
  hourOfDay(hour: number): number;
}

/** The nine inputs of the forecast of `origin + horizon` made at `origin` (the last hour with a reading). */
export function forecastFeatures(s: HourlySeries, origin: number, horizon: number): number[] {
  const value = (h: number) => s.observed(h) ?? s.profile(h);
  let excess = 0;
  let n = 0;
  for (let h = origin - 23; h <= origin; h++) {
    const v = s.observed(h);
    if (v === undefined) continue;
    excess += v - s.profile(h);
    n++;
  }
  const target = origin + horizon;
  return [
    s.profile(target),
    value(origin),
    value(origin - 1),
    s.profile(origin),
    s.profile(origin - 1),
    horizon < 24 ? value(target - 24) : value(origin),
    value(target - 168),
    n ? excess / n : 0,
    1,
  ];
}

/** The block of a local hour of day. */
export const hourBlock = (hourOfDay: number) => Math.floor((hourOfDay * HOUR_BLOCKS) / 24);

/** One forecast hour: the expected wait, its 80% interval, and the parts it is made of. */
export interface WaitForecastPoint {
  horizon: number;
  expectedMinutes: number;
  lowMinutes: number;
  highMinutes: number;
  /** The usual wait for that hour (the profile). */
  profileMinutes: number;
}

/** The level index of a forecast for the error quantiles. */
export function levelIndex(forecast: number, breaks: readonly number[]): number {
  let i = 0;
  while (i < breaks.length && forecast >= breaks[i]!) i++;
  return i;
}

/** The forecast of one hour ahead of `origin`, with its interval (never below zero). */
export function forecastHour(
  s: HourlySeries,
  origin: number,
  horizon: number,
  p: WaitForecastParams,
): WaitForecastPoint {
  const x = forecastFeatures(s, origin, horizon);
  const w = p.weights[horizon - 1]![hourBlock(s.hourOfDay(origin + horizon))]!;
  const raw = x.reduce((sum, xi, i) => sum + xi * w[i]!, 0);
  const expected = Math.max(0, raw);
  const [lo, hi] = p.errorQuantiles[horizon - 1]![levelIndex(expected, p.levelBreaks)]!;
  return {
    horizon,
    expectedMinutes: expected,
    lowMinutes: Math.max(0, expected + lo),
    highMinutes: Math.max(0, expected + hi),
    profileMinutes: x[0]!,
  };
}

/**
 * Least absolute deviations by iteratively reweighted least squares: the weights w minimising Σ|y − Xw|
 * (each residual's weight 1/max(|r|, 0.5 min), 30 rounds). Small dense systems (9 unknowns).
 */
export function fitLeastAbsolute(X: readonly number[][], y: readonly number[], rounds = 30): number[] {
  const k = X[0]?.length ?? 0;
  let w = solveWeighted(X, y, null, k);
  for (let r = 0; r < rounds; r++) {
    const weights = X.map((row, i) => 1 / Math.max(Math.abs(y[i]! - dot(row, w)), 0.5));
    w = solveWeighted(X, y, weights, k);
  }
  return w;
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

/** Weighted least squares through the normal equations, with a tiny ridge so a constant column never breaks it. */
function solveWeighted(
  X: readonly number[][],
  y: readonly number[],
  wts: number[] | null,
  k: number,
): number[] {
  const A = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  for (let i = 0; i < X.length; i++) {
    const row = X[i]!;
    const wi = wts ? wts[i]! : 1;
    for (let a = 0; a < k; a++) {
      const ra = row[a]! * wi;
      b[a]! += ra * y[i]!;
      const Aa = A[a]!;
      for (let c = a; c < k; c++) Aa[c]! += ra * row[c]!;
    }
  }
  for (let a = 0; a < k; a++) {
    A[a]![a]! += 1e-6;
    for (let c = 0; c < a; c++) A[a]![c] = A[c]![a]!;
  }
  // Gaussian elimination with partial pivoting.
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(A[r]![col]!) > Math.abs(A[piv]![col]!)) piv = r;
    [A[col], A[piv]] = [A[piv]!, A[col]!];
    [b[col], b[piv]] = [b[piv]!, b[col]!];
    for (let r = col + 1; r < k; r++) {
      const f = A[r]![col]! / A[col]![col]!;
      for (let c = col; c < k; c++) A[r]![c]! -= f * A[col]![c]!;
      b[r]! -= f * b[col]!;
    }
  }
  const w = new Array<number>(k).fill(0);
  for (let r = k - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let c = r + 1; c < k; c++) s -= A[r]![c]! * w[c]!;
    w[r] = s / A[r]![r]!;
  }
  return w;
}

/** Quantile (linear between order statistics) of a sorted array. */
export function sortedQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = q * (sorted.length - 1);
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}
