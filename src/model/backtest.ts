// Scoring the model against what happened: pure (no store, no Node), so the calibration can rerun the
// model many times on inputs prepared once, and any caller (CLI, API, a worker) gets the same figures.
import type { ParameterName, Range, ScenarioMode } from "../domain/scenario.ts";
import type { Month } from "../domain/units.ts";
import { drawParams, type Params } from "./parameters.ts";
import { createRng, percentile } from "./rng.ts";
import { runModel } from "./simulate.ts";
import type { ModelInput, RunResult } from "./types.ts";

/** Months an event touches ("event") or the months after it ("after"); scored apart. */
export type Phase = "event" | "after";

/** One month of one observed series, with the counterfactual built from earlier data only. */
export interface SeriesMonth {
  month: Month;
  phase: Phase;
  /** BTS inbound units; null when the month is missing (a hole, or after the data ends). */
  observed: number | null;
  counterfactual: number;
  /** 90% prediction interval of the counterfactual (null with too few past errors). */
  lo: number | null;
  hi: number | null;
  /** Relative errors (observed ÷ forecast − 1) of the same method's past forecasts at this horizon. */
  errors: number[];
}

/** A port × mode series of an event study, in the mode's unit (railcars, trucks, vehicles, people, buses). */
export interface BacktestSeries {
  port: string;
  portName: string;
  mode: ScenarioMode;
  unit: string;
  /** "affected": the event acts on it; "alternative": a crossing of the same mode and border. */
  role: "affected" | "alternative";
  /** Shown in the backtest's table even when the model sends nothing there (the nearest alternatives). */
  shown: boolean;
  /** Why the series cannot be scored (e.g. no clean counterfactual); undefined when it is scored. */
  unscored?: string;
  /**
   * The counterfactual's own error on quiet months: median |observed ÷ forecast − 1| of the same method's
   * past forecasts (no event). How much of an error is the baseline's, not the model's.
   */
  quietError: number | null;
  months: SeriesMonth[];
}

/** Everything a backtest of one event needs, prepared once from the store. JSON-safe. */
export interface BacktestInput {
  input: ModelInput;
  series: BacktestSeries[];
}

/** One scored (or shown) port-month. */
export interface ScoredMonth {
  port: string;
  portName: string;
  role: "affected" | "alternative";
  mode: ScenarioMode;
  unit: string;
  month: Month;
  phase: Phase;
  observed: number | null;
  counterfactual: number;
  lo: number | null;
  hi: number | null;
  /** The model's change against the counterfactual (deterministic run). */
  modelledEffect: number;
  /** counterfactual + modelled effect. */
  modelled: number;
  /** The model's 80% band for the observation: the model's draws combined with the errors (see scoreBacktest). */
  bandLo: number | null;
  bandHi: number | null;
  /** The counterfactual's own noise at this month (noiseScale): the scale of the band's pooled errors. */
  noiseScale: number | null;
  /** modelled − observed. */
  error: number | null;
  /** counterfactual − observed: the error of "no effect". */
  nullError: number | null;
  /** True when the 80% band holds the observation (null when there is no band or no observation). */
  inBand: boolean | null;
  /** False when the series is not scored (reason in the series' `unscored`). */
  scored: boolean;
}

/** Model and null losses over one phase of one event. */
export interface PhaseScore {
  /** Scored port × mode series with observed months in the phase. */
  series: number;
  /** Scored port-months. */
  months: number;
  /** Mean over series of Σ|model error| ÷ Σ counterfactual (a unit-free share). */
  modelLoss: number | null;
  /** The same for the null ("no effect": the counterfactual). */
  nullLoss: number | null;
  /** 1 − modelLoss ÷ nullLoss: above 0 the model beats "no effect". */
  skill: number | null;
}

/** Where the model sent diverted flow, and whether observed traffic rose there. */
export interface DestinationScore {
  port: string;
  portName: string;
  mode: ScenarioMode;
  unit: string;
  /** Units the model sent there (inbound) and their share of all the event's diverted units of that unit. */
  units: number;
  share: number;
  /** The month the model sent most there. */
  month: Month;
  observed: number | null;
  counterfactual: number | null;
  hi: number | null;
  /** Observed above the counterfactual in that month (null when unobserved or not scorable). */
  rose: boolean | null;
  /** Observed above the counterfactual's 90% interval in that month. */
  aboveInterval: boolean | null;
  /** Why it is not judged, when it is not. */
  note?: string;
}

/** The scored backtest of one event under one parameter set. */
export interface EventScore {
  rows: ScoredMonth[];
  event: PhaseScore;
  after: PhaseScore;
  band: { covered: number; scored: number };
  destinations: DestinationScore[];
  /** Median quiet-month error of the scored series' counterfactuals. */
  baselineError: number | null;
  valueHeldUpPerClosureDayUsd: number;
  run: RunResult;
}

/** Destinations are judged when they get at least this share of the event's diverted units. */
export const DESTINATION_MIN_SHARE = 0.1;
/** Central coverage of the model's band. */
export const BAND_COVERAGE = 0.8;

const DAY_MS = 86_400_000;

/** The calendar month of each day of a run, from the grid's first date. */
export function dayMonths(startDate: string, days: number): Month[] {
  const t0 = Date.parse(`${startDate}T00:00:00Z`);
  return Array.from({ length: days }, (_, d) => new Date(t0 + d * DAY_MS).toISOString().slice(0, 7) as Month);
}

const keyOf = (port: string, mode: string) => `${port}/${mode}`;

/**
 * The model's change per port × mode and month, inbound only (BTS counts inbound): at an affected
 * crossing, what it served (on time and late) minus what was expected; at an alternative, what was
 * diverted or shifted to it.
 */
export function monthlyEffects(input: ModelInput, r: RunResult): Map<string, Map<Month, number>> {
  const months = dayMonths(input.startDate, r.days);
  const out = new Map<string, Map<Month, number>>();
  const add = (key: string, d: number, v: number) => {
    if (v === 0) return;
    const m = out.get(key) ?? new Map<Month, number>();
    m.set(months[d]!, (m.get(months[d]!) ?? 0) + v);
    out.set(key, m);
  };
  for (const f of r.flows) {
    if (f.direction !== "inbound") continue;
    const k = keyOf(f.port, f.mode);
    for (let d = 0; d < r.days; d++) add(k, d, f.servedHome[d]! - f.expected[d]!);
    for (const dv of f.diversions) {
      const dk = keyOf(dv.to, dv.mode);
      dv.daily.forEach((u, d) => add(dk, d, u));
    }
  }
  return out;
}

/** Phase losses of the scored affected series under one run's effects (the calibration's fast path). */
export function phaseLosses(
  bi: BacktestInput,
  effects: Map<string, Map<Month, number>>,
): Record<Phase, PhaseScore> {
  const out = {} as Record<Phase, PhaseScore>;
  for (const phase of ["event", "after"] as const) {
    const model: number[] = [];
    const nul: number[] = [];
    let months = 0;
    for (const s of bi.series) {
      if (s.role !== "affected" || s.unscored) continue;
      const e = effects.get(keyOf(s.port, s.mode));
      let cf = 0;
      let me = 0;
      let ne = 0;
      let n = 0;
      for (const m of s.months) {
        if (m.phase !== phase || m.observed === null) continue;
        const eff = e?.get(m.month) ?? 0;
        cf += m.counterfactual;
        me += Math.abs(m.counterfactual + eff - m.observed);
        ne += Math.abs(m.counterfactual - m.observed);
        n++;
      }
      if (n === 0 || cf <= 0) continue;
      months += n;
      model.push(me / cf);
      nul.push(ne / cf);
    }
    const mean = (a: number[]) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : null);
    const ml = mean(model);
    const nl = mean(nul);
    out[phase] = {
      series: model.length,
      months,
      modelLoss: ml,
      nullLoss: nl,
      skill: ml !== null && nl !== null && nl > 0 ? 1 - ml / nl : null,
    };
  }
  return out;
}

/** Fewer past forecasts than this at a horizon give no noise scale there (as they give no interval). */
export const MIN_SCALE_ERRORS = 8;

/**
 * The counterfactual's own noise at one month of a series: the median |error| of the same method's past
 * forecasts at that month's horizon (how far off an ordinary month of this crossing is, that far ahead). A
 * month with fewer than 8 past forecasts takes the scale of the nearest earlier month of the series that has
 * them (a shorter horizon: a smaller scale, never a made-up one); null when none has.
 */
export function noiseScale(s: BacktestSeries, month: Month): number | null {
  const i = s.months.findIndex((m) => m.month === month);
  for (let j = i; j >= 0; j--) {
    const errs = s.months[j]!.errors;
    if (errs.length < MIN_SCALE_ERRORS) continue;
    const scale = percentile(
      errs.map((e) => Math.abs(e)),
      0.5,
    );
    return scale > 0 ? scale : null;
  }
  return null;
}

/**
 * The model's errors at the scored affected port-months of one event, by phase, each in units of that
 * month's own noise scale: (observed − modelled) ÷ (counterfactual × noiseScale). A crossing's ordinary
 * months scatter by 2% (Laredo trucks) or by 30% (a small crossing's pedestrians), so a relative error means
 * different things at each; scaled, the errors of different crossings and horizons can be pooled (a locally
 * weighted conformal band). Summarised as `k` evenly spaced quantiles so that every event weighs the same in
 * a pool of several events' errors.
 */
export function scaledErrors(bi: BacktestInput, p: Params, k = 20): Record<Phase, number[]> {
  const effects = monthlyEffects(bi.input, runModel(bi.input, p));
  const out: Record<Phase, number[]> = { event: [], after: [] };
  for (const s of bi.series) {
    if (s.role !== "affected" || s.unscored) continue;
    const e = effects.get(keyOf(s.port, s.mode));
    for (const m of s.months) {
      if (m.observed === null || m.counterfactual <= 0) continue;
      const scale = noiseScale(s, m.month);
      if (scale === null) continue;
      const rel = (m.observed - m.counterfactual - (e?.get(m.month) ?? 0)) / m.counterfactual;
      out[m.phase].push(rel / scale);
    }
  }
  for (const phase of ["event", "after"] as const) {
    const xs = out[phase];
    out[phase] = xs.length ? Array.from({ length: k }, (_, i) => percentile(xs, (i + 0.5) / k)) : [];
  }
  return out;
}

/** The model's losses for one parameter set (deterministic run only): what the calibration minimises. */
export function lossOf(bi: BacktestInput, p: Params): Record<Phase, PhaseScore> {
  const r = runModel(bi.input, p);
  return phaseLosses(bi, monthlyEffects(bi.input, r));
}

/**
 * Scores one event: the deterministic run (parameters `params`) against the null at every scored
 * affected port-month, each phase apart; an 80% band per month from `draws` Monte Carlo runs over
 * `ranges` combined with the counterfactual's own past errors; and the destinations the model sent
 * diverted flow to.
 */
export function scoreBacktest(
  bi: BacktestInput,
  params: Params,
  opts: {
    ranges?: Record<ParameterName, Range>;
    draws: number;
    seed: number;
    /**
     * The model's own out-of-sample errors on other events, by phase, in units of each month's noise scale
     * (`scaledErrors`): when given, the band draws from them, rescaled by this month's own noise scale,
     * instead of the counterfactual's past errors (they hold the counterfactual's noise and the model's
     * error both).
     */
    residuals?: Record<Phase, number[]>;
  },
): EventScore {
  const run = runModel(bi.input, params);
  const effects = monthlyEffects(bi.input, run);
  const drawEffects: Map<string, Map<Month, number>>[] = [];
  if (opts.ranges && opts.draws > 0) {
    const rng = createRng(opts.seed);
    for (let i = 0; i < opts.draws; i++) {
      const r = runModel(bi.input, drawParams(opts.ranges, rng));
      drawEffects.push(monthlyEffects(bi.input, r));
    }
  } else drawEffects.push(effects);

  // Destinations: by unit, the share of the event's diverted (inbound) units each alternative got.
  const affectedKeys = new Set(
    bi.series.filter((s) => s.role === "affected").map((s) => keyOf(s.port, s.mode)),
  );
  const sent = new Map<
    string,
    { port: string; portName: string; mode: ScenarioMode; units: number; byMonth: Map<Month, number> }
  >();
  const months = dayMonths(bi.input.startDate, run.days);
  const unitOfMode = new Map(bi.input.flows.map((f) => [f.mode, f.unit]));
  for (const f of run.flows) {
    if (f.direction !== "inbound") continue;
    for (const dv of f.diversions) {
      const k = keyOf(dv.to, dv.mode);
      const e = sent.get(k) ?? {
        port: dv.to,
        portName: dv.toName,
        mode: dv.mode,
        units: 0,
        byMonth: new Map(),
      };
      e.units += dv.units;
      dv.daily.forEach((u, d) => e.byMonth.set(months[d]!, (e.byMonth.get(months[d]!) ?? 0) + u));
      sent.set(k, e);
    }
  }
  const totalByUnit = new Map<string, number>();
  for (const e of sent.values()) {
    const u = unitOfMode.get(e.mode) ?? e.mode;
    totalByUnit.set(u, (totalByUnit.get(u) ?? 0) + e.units);
  }
  const seriesOf = new Map(bi.series.map((s) => [keyOf(s.port, s.mode), s]));
  const destinations: DestinationScore[] = [];
  for (const [k, e] of sent) {
    const unit = unitOfMode.get(e.mode) ?? e.mode;
    const share = e.units / (totalByUnit.get(unit) || 1);
    if (share < DESTINATION_MIN_SHARE || e.units <= 0) continue;
    const month = [...e.byMonth].sort((a, b) => b[1] - a[1])[0]![0];
    const s = seriesOf.get(k);
    const sm = s?.months.find((m) => m.month === month);
    const base = { port: e.port, portName: e.portName, mode: e.mode, unit, units: e.units, share, month };
    const note = affectedKeys.has(k)
      ? "also affected by the event: its change is not only diversion"
      : !s || !sm
        ? "no counterfactual for this crossing"
        : s.unscored
          ? s.unscored
          : sm.observed === null
            ? "not observed that month"
            : undefined;
    destinations.push({
      ...base,
      observed: sm?.observed ?? null,
      counterfactual: sm?.counterfactual ?? null,
      hi: sm?.hi ?? null,
      rose: note ? null : sm!.observed! > sm!.counterfactual,
      aboveInterval: note || sm!.hi === null ? null : sm!.observed! > sm!.hi,
      ...(note ? { note } : {}),
    });
  }
  destinations.sort((a, b) => b.units - a.units);

  // Rows: affected series, and the alternatives that are shown (nearest ones, or ones the model sent to).
  const rows: ScoredMonth[] = [];
  let covered = 0;
  let bandScored = 0;
  const tail = (1 - BAND_COVERAGE) / 2;
  for (const s of bi.series) {
    const k = keyOf(s.port, s.mode);
    if (s.role === "alternative" && !sent.has(k) && !s.shown) continue;
    const e = effects.get(k);
    for (const m of s.months) {
      const eff = e?.get(m.month) ?? 0;
      const modelled = m.counterfactual + eff;
      let bandLo: number | null = null;
      let bandHi: number | null = null;
      // Pooled scaled errors of other events × this month's own noise scale, or (no pool) this month's own
      // past errors as they are.
      const pooled = opts.residuals?.[m.phase]?.length ? opts.residuals[m.phase]! : null;
      const own = noiseScale(s, m.month);
      const scale = pooled ? own : 1;
      const errs = pooled ?? m.errors;
      if (errs.length >= MIN_SCALE_ERRORS && scale !== null) {
        const samples: number[] = [];
        for (const de of drawEffects) {
          const x = de.get(k)?.get(m.month) ?? 0;
          for (const err of errs) samples.push(m.counterfactual * (1 + scale * err) + x);
        }
        bandLo = Math.max(0, percentile(samples, tail));
        bandHi = percentile(samples, 1 - tail);
      }
      const scored = s.role === "affected" && !s.unscored;
      const inBand =
        m.observed === null || bandLo === null || bandHi === null
          ? null
          : m.observed >= bandLo && m.observed <= bandHi;
      if (scored && inBand !== null) {
        bandScored++;
        if (inBand) covered++;
      }
      rows.push({
        port: s.port,
        portName: s.portName,
        role: s.role,
        mode: s.mode,
        unit: s.unit,
        month: m.month,
        phase: m.phase,
        observed: m.observed,
        counterfactual: m.counterfactual,
        lo: m.lo,
        hi: m.hi,
        modelledEffect: eff,
        modelled,
        bandLo,
        bandHi,
        noiseScale: own,
        error: m.observed === null ? null : modelled - m.observed,
        nullError: m.observed === null ? null : m.counterfactual - m.observed,
        inBand,
        scored,
      });
    }
  }
  const losses = phaseLosses(bi, effects);
  const quiet = bi.series
    .filter((s) => s.role === "affected" && !s.unscored && s.quietError !== null)
    .map((s) => s.quietError!);
  return {
    rows,
    event: losses.event,
    after: losses.after,
    band: { covered, scored: bandScored },
    destinations,
    baselineError: quiet.length ? percentile(quiet, 0.5) : null,
    valueHeldUpPerClosureDayUsd: run.costs.valueHeldUpPerClosureDayUsd,
    run,
  };
}
