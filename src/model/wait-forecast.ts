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
 * The weights are fitted by least absolute deviations (the forecast is a median, as MAE rewards)
 * (`scripts/evaluate-forecast.ts`, docs/forecast.md). The 80% interval adds quantiles of out-of-sample errors
 * of the same horizon and forecast level (a calibration period held out from the fit), at a level recalibrated
 * on the outcomes of the last three weeks' forecasts (rolling conformal: if recent forecasts missed more often
 * than 20%, the interval widens; if less, it narrows). Pure: no I/O, so the dashboard can run it.
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

/**
 * Every input a model can use (a fitted model names its own list, `WaitForecastParams.features`; the nine of
 * FORECAST_FEATURES when it names none). All of them are read off the series at the origin: readings at or
 * before it, usual waits and the holiday calendar (known in advance) at any hour.
 */
export const FEATURE_LIBRARY = {
  /** The usual wait at the target hour. */
  profileTarget: (c) => c.s.profile(c.target),
  /** The last reading (the origin's) and the one before (its usual wait if none). */
  lastWait: (c) => c.value(c.origin),
  previousWait: (c) => c.value(c.origin - 1),
  profileLast: (c) => c.s.profile(c.origin),
  profilePrevious: (c) => c.s.profile(c.origin - 1),
  /** The reading at the target's hour a day and a week before (at most the origin). */
  sameHourYesterday: (c) => (c.horizon < 24 ? c.value(c.target - 24) : c.value(c.origin)),
  sameHourLastWeek: (c) => c.value(c.target - 168),
  /** The mean excess of the readings over the usual wait in the last 24 hours. */
  recentExcess: (c) => c.excess(24),
  constant: () => 1,
  /** The mean excess over the usual wait in the last 3 hours. */
  recentExcess3: (c) => c.excess(3),
  /** The usual wait at the target's hour yesterday (pairs with sameHourYesterday). */
  profileYesterday: (c) => c.s.profile(c.horizon < 24 ? c.target - 24 : c.origin),
  /** The usual wait at the target scaled by the last 24 hours' readings over their usual waits (¼..4). */
  scaledProfile: (c) => {
    let obs = 0;
    let usual = 0;
    for (let h = c.origin - 23; h <= c.origin; h++) {
      const v = c.s.observed(h);
      if (v === undefined) continue;
      obs += v;
      usual += c.s.profile(h);
    }
    const ratio = usual > 1 ? Math.min(4, Math.max(0.25, obs / usual)) : 1;
    return c.s.profile(c.target) * ratio;
  },
  /** The mean excess over the usual wait at the target's hour of day on the last 7 days with a reading there. */
  sameHourExcess: (c) => sameHourExcessOver(c, 7),
  /** 1 when the target's date is a public holiday of the U.S. / of the other side (Mexico or Canada). */
  holidayUs: (c) => (c.holidays(c.target).includes("us") ? 1 : 0),
  holidayOther: (c) => (c.holidays(c.target).some((x) => x !== "us") ? 1 : 0),
  /** 1 when the day after / before the target's date is a holiday of either side (and the target's is not). */
  holidayEve: (c) => (c.holidays(c.target).length === 0 && c.holidays(c.target + 24).length ? 1 : 0),
  holidayAfter: (c) => (c.holidays(c.target).length === 0 && c.holidays(c.target - 24).length ? 1 : 0),
  /** The usual wait at the target's hour and the hours either side (a profile smoothed along the day). */
  profileSmooth3: (c) => (c.s.profile(c.target - 1) + c.s.profile(c.target) + c.s.profile(c.target + 1)) / 3,
  /** The usual wait at the target's hour of day averaged over the seven days up to the target (weekdays pooled). */
  profileWeekMean: (c) => {
    let sum = 0;
    for (let d = 0; d < 7; d++) sum += c.s.profile(c.target - 24 * d);
    return sum / 7;
  },
  /** The median reading at the target's hour of day over the past year up to the origin (the usual wait without a reading). */
  pastSameHourMedian: (c) => {
    const xs = pastSameHour(c);
    return xs.length ? median(xs) : c.s.profile(c.target);
  },
  /** The mean excess over the usual wait at the target's hour of day over the past year up to the origin. */
  pastSameHourExcess: (c) => sameHourExcessOver(c, PAST_DAYS),
  /** The mean excess over the usual wait in the last 6 hours. */
  recentExcess6: (c) => c.excess(6),
  /** The usual wait at the target on a holiday of either side (0 otherwise): lets holidays scale it. */
  holidayProfile: (c) => (c.holidays(c.target).length ? c.s.profile(c.target) : 0),
} satisfies Record<string, (c: FeatureContext) => number>;

/** Days back the past-year features look. */
const PAST_DAYS = 365;

/** The readings at the target's hour of day on the `days` days before it, up to the origin, with their hours. */
function sameHourReadings(c: FeatureContext, days: number): { hour: number; minutes: number }[] {
  const out: { hour: number; minutes: number }[] = [];
  for (let d = 1; d <= days; d++) {
    const hour = c.target - 24 * d;
    if (hour > c.origin) continue;
    const minutes = c.s.observed(hour);
    if (minutes !== undefined) out.push({ hour, minutes });
  }
  return out;
}

/** The mean excess over the usual wait at the target's hour of day on the `days` days before it (0: none). */
function sameHourExcessOver(c: FeatureContext, days: number): number {
  const xs = sameHourReadings(c, days);
  return xs.length ? xs.reduce((a, x) => a + x.minutes - c.s.profile(x.hour), 0) / xs.length : 0;
}

/** The readings at the target's hour of day over the past year up to the origin. */
const pastSameHour = (c: FeatureContext) => sameHourReadings(c, PAST_DAYS).map((x) => x.minutes);

function median(xs: number[]): number {
  const s = xs.sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A feature's name. */
export type FeatureName = keyof typeof FEATURE_LIBRARY;

/** What a feature reads. */
export interface FeatureContext {
  s: HourlySeries;
  origin: number;
  horizon: number;
  target: number;
  /** The reading of an hour, else its usual wait. */
  value(hour: number): number;
  /** The mean excess of readings over usual waits in the `hours` up to the origin (0 without a reading). */
  excess(hours: number): number;
  /** The sides with a public holiday on the hour's local date (none when the series has no calendar). */
  holidays(hour: number): readonly string[];
}

/** Hours ahead a forecast reaches. */
export const MAX_HORIZON_HOURS = 24;
/** Blocks of the target's local time of day with weights of their own, at most (8: three hours each). */
export const HOUR_BLOCKS = 8;

/** Probabilities at which the calibration errors' quantiles are kept: the interval's table. */
export const ERROR_PROBS = [
  0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85,
  0.875, 0.9, 0.925, 0.95, 0.97, 0.98, 0.99, 0.995,
] as const;

/**
 * Rolling recalibration of the interval: the outcomes of the forecasts whose target hour fell in the last
 * `windowHours` set the interval's level, once there are `minOutcomes` of them; the share left outside
 * (alpha) stays within `alphaRange` (an interval never wider than the calibration's 99%, never narrower
 * than its 50%). Chosen on Peace Arch 2018 with weights fitted on 2013–2016 (docs/forecast.md).
 */
export const RECALIBRATION = { windowHours: 21 * 24, minOutcomes: 48, alphaRange: [0.01, 0.5] } as const;

/** The fitted model: weights per horizon and block, and the error quantiles that make the interval. */
export interface WaitForecastParams {
  /** Where and how the weights were fitted (one sentence). */
  fittedOn: string;
  /** Blocks of the target's local time of day with weights of their own (1..HOUR_BLOCKS, dividing 24). */
  hourBlocks: number;
  /** weights[horizon - 1][block][feature], in FORECAST_FEATURES order. */
  weights: number[][][];
  /** Forecast levels (minutes) that split the error quantiles: below the first, between, above the last. */
  levelBreaks: number[];
  /**
   * errorQuantiles[horizon - 1][level][i] = the ERROR_PROBS[i] quantile of out-of-sample errors (observed −
   * forecast, minutes) in the calibration period.
   */
  errorQuantiles: number[][][];
  /** Central share of observations the interval is meant to hold. */
  coverage: number;
  /** The inputs the weights apply to, in order (FORECAST_FEATURES when absent). */
  features?: readonly FeatureName[];
  /**
   * Breaks (minutes) of the last reading that give each level its own weights (absent: one level): a long
   * wait and a short one do not persist alike. weights[horizon - 1][block × levels + level].
   */
  lastWaitBreaks?: readonly number[];
  /** "cbp-steps": the expected wait is rounded to CBP's steps (0, 1, then multiples of 5 minutes). */
  rounding?: "cbp-steps";
  /**
   * Lane groups with weights of their own (a lane type's group is its first word: "passenger" for
   * passenger-sentri); absent: one set for every lane. weights[horizon − 1][(group × blocks + block) × levels
   * + level]. A series whose group is not listed (or that names no lane) takes the first group's weights.
   */
  laneGroups?: readonly string[];
  /**
   * Breaks (minutes) of the last reading's excess over its hour's usual wait that give each level its own
   * weights, within each level of lastWaitBreaks (a wait far above the usual one falls back differently).
   */
  excessBreaks?: readonly number[];
  /** Minutes: a forecast this close to the last reading is the last reading (waits stick). */
  snapToLast?: number;
  /**
   * "log": inputs and the fitted wait are on a log scale (sign(x)·ln(1 + |x|), the constant stays 1), so the
   * weights combine ratios rather than minutes; a median is a median on either scale. Absent: minutes.
   */
  scale?: "log";
}

/** The residual below which least absolute deviations stops down-weighting, on the log scale (minutes: 0.5). */
export const LOG_RESIDUAL_FLOOR = 0.05;

const signedLog = (x: number) => Math.sign(x) * Math.log1p(Math.abs(x));

/** A wait on the model's scale. */
export const toScale = (minutes: number, p: Pick<WaitForecastParams, "scale">) =>
  p.scale === "log" ? signedLog(minutes) : minutes;

/** What the weights multiply: the inputs on the model's scale. */
export function modelInputs(
  s: HourlySeries,
  origin: number,
  horizon: number,
  p: Pick<WaitForecastParams, "features" | "scale">,
): number[] {
  const names = p.features ?? FORECAST_FEATURES;
  const x = forecastFeatures(s, origin, horizon, names);
  return p.scale === "log" ? x.map((v, i) => (names[i] === "constant" ? 1 : signedLog(v))) : x;
}

/** A lane type's group: its first word (passenger-sentri → passenger). */
export const laneGroupOf = (lane: string) => lane.split("-")[0]!.toLowerCase();

/** The weights' index for a forecast: the target's block of the day, then the last reading's level. */
export function weightIndex(
  s: HourlySeries,
  origin: number,
  horizon: number,
  p: Pick<WaitForecastParams, "hourBlocks" | "lastWaitBreaks" | "laneGroups" | "excessBreaks">,
): number {
  const last = s.observed(origin) ?? s.profile(origin);
  const excessBreaks = p.excessBreaks ?? [];
  const level =
    levelIndex(last, p.lastWaitBreaks ?? []) * (excessBreaks.length + 1) +
    levelIndex(last - s.profile(origin), excessBreaks);
  const group = p.laneGroups && s.lane ? Math.max(0, p.laneGroups.indexOf(laneGroupOf(s.lane))) : 0;
  return (
    (group * p.hourBlocks + hourBlock(s.hourOfDay(origin + horizon), p.hourBlocks)) * levelCount(p) + level
  );
}

/** How many levels of the last reading have weights of their own (lastWaitBreaks × excessBreaks). */
export const levelCount = (p: Pick<WaitForecastParams, "lastWaitBreaks" | "excessBreaks">) =>
  ((p.lastWaitBreaks?.length ?? 0) + 1) * ((p.excessBreaks?.length ?? 0) + 1);

/**
 * CBP's waits come in steps: 0 and 1 minute (no delay), then multiples of 5 (97% of El Paso's 2024–25
 * readings are 0, 1 or a multiple of 5). With readings on a grid, the median — what mean absolute error
 * rewards — lies on the grid too: the nearest step.
 */
export function roundToCbpStep(minutes: number): number {
  if (minutes < 0.5) return 0;
  if (minutes < 3) return 1;
  return Math.max(5, Math.round(minutes / 5) * 5);
}

/** An hourly series as the model sees it: hours are consecutive integers (local clock hours). */
export interface HourlySeries {
  /** The observed wait of an hour (its readings' mean), or undefined. */
  observed(hour: number): number | undefined;
  /** The usual wait of an hour (profile; holidays apart). */
  profile(hour: number): number;
  /** The local hour of day (0-23) of an hour. */
  hourOfDay(hour: number): number;
  /** The sides ("us", "mx", "ca") with a public holiday on the hour's local date; none when absent. */
  holidays?(hour: number): readonly string[];
  /** The lane type (passenger-standard, …), for a model with weights by lane group. */
  lane?: string;
}

/** The inputs (`features`, FORECAST_FEATURES by default) of the forecast of `origin + horizon` made at `origin`. */
export function forecastFeatures(
  s: HourlySeries,
  origin: number,
  horizon: number,
  features: readonly FeatureName[] = FORECAST_FEATURES,
): number[] {
  const excessCache = new Map<number, number>();
  const c: FeatureContext = {
    s,
    origin,
    horizon,
    target: origin + horizon,
    value: (h) => s.observed(h) ?? s.profile(h),
    excess: (hours) => {
      let e = excessCache.get(hours);
      if (e !== undefined) return e;
      let sum = 0;
      let n = 0;
      for (let h = origin - hours + 1; h <= origin; h++) {
        const v = s.observed(h);
        if (v === undefined) continue;
        sum += v - s.profile(h);
        n++;
      }
      e = n ? sum / n : 0;
      excessCache.set(hours, e);
      return e;
    },
    holidays: (h) => s.holidays?.(h) ?? [],
  };
  return features.map((f) => FEATURE_LIBRARY[f](c));
}

/** The block of a local hour of day, for a model with `blocks` blocks a day. */
export const hourBlock = (hourOfDay: number, blocks: number = HOUR_BLOCKS) =>
  Math.floor((hourOfDay * blocks) / 24);

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

/** The error of a forecast at probability `prob` (linear between the table's probabilities, flat beyond). */
export function errorQuantile(p: WaitForecastParams, horizon: number, level: number, prob: number): number {
  const q = p.errorQuantiles[horizon - 1]![level]!;
  if (prob <= ERROR_PROBS[0]) return q[0]!;
  for (let i = 1; i < ERROR_PROBS.length; i++)
    if (prob <= ERROR_PROBS[i]!) {
      const a = ERROR_PROBS[i - 1]!;
      return q[i - 1]! + ((q[i]! - q[i - 1]!) * (prob - a)) / (ERROR_PROBS[i]! - a);
    }
  return q.at(-1)!;
}

/**
 * Where an error falls in the calibration errors of its horizon and level: the lowest and highest probability
 * whose quantile is that error (the same unless the table is flat there: CBP's waits come in steps).
 */
export function errorRank(
  p: WaitForecastParams,
  horizon: number,
  level: number,
  error: number,
): [number, number] {
  const q = p.errorQuantiles[horizon - 1]![level]!;
  if (error < q[0]!) return [0, 0];
  if (error > q.at(-1)!) return [1, 1];
  let below = 0;
  let atOrBelow = 0;
  for (const v of q) {
    if (v < error) below++;
    if (v <= error) atOrBelow++;
  }
  if (atOrBelow > below) return [ERROR_PROBS[below]!, ERROR_PROBS[atOrBelow - 1]!];
  const a = q[below - 1]!;
  const pa = ERROR_PROBS[below - 1]!;
  const u = pa + ((ERROR_PROBS[below]! - pa) * (error - a)) / (q[below]! - a);
  return [u, u];
}

/**
 * How far out an observation fell: the largest share outside the interval (alpha) at which the interval
 * would still have held it (at most 1: the forecast's median; 0: beyond the calibration's extremes).
 */
export function outcomeScore(
  p: WaitForecastParams,
  horizon: number,
  forecast: number,
  observed: number,
): number {
  const [low, high] = errorRank(p, horizon, levelIndex(forecast, p.levelBreaks), observed - forecast);
  return Math.min(1, 2 * Math.min(high, 1 - low));
}

/**
 * The share to leave outside the interval, from the outcome scores (sorted ascending) of recent forecasts:
 * the one that would have held `coverage` of them, within RECALIBRATION.alphaRange; the nominal 1 − coverage
 * while there are fewer than RECALIBRATION.minOutcomes.
 */
export function recalibratedAlpha(sortedScores: readonly number[], coverage: number): number {
  if (sortedScores.length < RECALIBRATION.minOutcomes) return 1 - coverage;
  const [lo, hi] = RECALIBRATION.alphaRange;
  return Math.min(hi, Math.max(lo, sortedQuantile(sortedScores, 1 - coverage)));
}

/**
 * The alpha of a forecast made at `origin` for `horizon` hours ahead: the outcome scores of the same
 * horizon's forecasts whose target hour is in the last RECALIBRATION.windowHours up to `origin` (both hours
 * with a reading), replayed on `s` (whose usual waits should not have seen those weeks).
 */
export function recentAlpha(s: HourlySeries, origin: number, horizon: number, p: WaitForecastParams): number {
  const scores: number[] = [];
  for (let t = origin - RECALIBRATION.windowHours + 1; t <= origin; t++) {
    const y = s.observed(t);
    if (y === undefined || s.observed(t - horizon) === undefined) continue;
    scores.push(outcomeScore(p, horizon, forecastHour(s, t - horizon, horizon, p).expectedMinutes, y));
  }
  return recalibratedAlpha(
    scores.sort((a, b) => a - b),
    p.coverage,
  );
}

/**
 * The forecast of one hour ahead of `origin`, with its interval (never below zero) leaving `alpha` outside
 * (the nominal 1 − coverage unless a recalibrated one is given).
 */
export function forecastHour(
  s: HourlySeries,
  origin: number,
  horizon: number,
  p: WaitForecastParams,
  alpha: number = 1 - p.coverage,
): WaitForecastPoint {
  const x = modelInputs(s, origin, horizon, p);
  const w = p.weights[horizon - 1]![weightIndex(s, origin, horizon, p)]!;
  const fitted = x.reduce((sum, xi, i) => sum + xi * w[i]!, 0);
  const raw = Math.max(0, p.scale === "log" ? Math.expm1(fitted) : fitted);
  const last = s.observed(origin);
  const expected =
    p.snapToLast !== undefined && last !== undefined && Math.abs(raw - last) <= p.snapToLast
      ? last
      : p.rounding === "cbp-steps"
        ? roundToCbpStep(raw)
        : raw;
  const level = levelIndex(expected, p.levelBreaks);
  const lo = errorQuantile(p, horizon, level, alpha / 2);
  const hi = errorQuantile(p, horizon, level, 1 - alpha / 2);
  return {
    horizon,
    expectedMinutes: expected,
    lowMinutes: Math.max(0, expected + lo),
    highMinutes: Math.max(0, expected + hi),
    profileMinutes: s.profile(origin + horizon),
  };
}

/**
 * Least absolute deviations by iteratively reweighted least squares: the weights w minimising Σ|y − Xw|
 * (each residual's weight 1/max(|r|, floor), 30 rounds; floor 0.5 min). Small dense systems (9 unknowns).
 */
export function fitLeastAbsolute(
  X: readonly number[][],
  y: readonly number[],
  rounds = 30,
  floor = 0.5,
  prior?: { weights: readonly number[]; observations: number },
): number[] {
  const k = X[0]?.length ?? 0;
  let w = solveWeighted(X, y, null, k, prior);
  for (let r = 0; r < rounds; r++) {
    const weights = X.map((row, i) => 1 / Math.max(Math.abs(y[i]! - dot(row, w)), floor));
    w = solveWeighted(X, y, weights, k, prior);
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
  prior?: { weights: readonly number[]; observations: number },
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
  // A prior pulls each weight towards its own, as much as `observations` average rows would (scale-free).
  if (prior && X.length)
    for (let a = 0; a < k; a++) {
      const lam = (prior.observations * A[a]![a]!) / X.length;
      A[a]![a]! += lam;
      b[a]! += lam * prior.weights[a]!;
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
