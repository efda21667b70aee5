// Calibration of a few structural parameters on the registry's events, with leave-one-event-out folds:
// each event is scored with the parameters fitted on all the others, so every reported figure is out of
// sample. Pure: the events' inputs are prepared once from the store and the model reruns on them.
import type { ParameterName } from "../domain/scenario.ts";
import { lossOf, type BacktestInput } from "./backtest.ts";
import type { Params } from "./parameters.ts";

/** A parameter the calibration fits, and the grid it searches (its documented range, in steps). */
export interface CalibratedParameter {
  name: ParameterName;
  grid: number[];
}

/**
 * The structural parameters fitted: how much of a capacity cut binds (a capacity factor), the shares of
 * blocked trucks that divert and of blocked trips that are cancelled, and the ramp of diversion. Nothing
 * else is fitted, and nothing per event.
 */
export const CALIBRATED: readonly CalibratedParameter[] = [
  { name: "cutBinding", grid: [0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1] },
  { name: "divertShareTruck", grid: [0.3, 0.5, 0.7, 0.9, 1] },
  { name: "cancelShareTravellers", grid: [0.1, 0.3, 0.5, 0.7, 0.9] },
  { name: "leadTimeDays", grid: [0.5, 1, 2] },
];

/** One event of the calibration: its prepared input and the parameters it runs with otherwise. */
export interface CalibrationEvent {
  id: string;
  bi: BacktestInput;
  base: Params;
}

/** What one fold fitted (all events but `heldOut`) and the held-out event's loss with it. */
export interface Fold {
  heldOut: string;
  params: Partial<Record<ParameterName, number>>;
  /** Mean event-month model loss over the training events at the fit. */
  trainLoss: number;
}

/** The calibration: one fold per event, the fit on all events, and each parameter's spread over folds. */
export interface Calibration {
  parameters: readonly CalibratedParameter[];
  objective: string;
  folds: Fold[];
  /** The fit on every event (what a scenario would use); reported beside, never scored. */
  all: Partial<Record<ParameterName, number>>;
  spread: Record<string, { min: number; max: number; mean: number; values: number[] }>;
  combinations: number;
}

/** Every combination of the grids. */
function combinations(spec: readonly CalibratedParameter[]): Partial<Record<ParameterName, number>>[] {
  let out: Partial<Record<ParameterName, number>>[] = [{}];
  for (const p of spec) out = out.flatMap((c) => p.grid.map((v) => ({ ...c, [p.name]: v })));
  return out;
}

/**
 * Leave-one-event-out calibration. The objective is the event-month model loss (Σ|error| ÷ Σ counterfactual
 * per scored series, averaged over the event's series) summed over the training events: the same figure the
 * skill is computed from. Ties go to the grid's middle (the first combination closest to it).
 */
export function calibrateLoo(
  events: readonly CalibrationEvent[],
  spec: readonly CalibratedParameter[] = CALIBRATED,
  onProgress?: (done: number, total: number) => void,
): Calibration {
  const combos = combinations(spec);
  // Loss of each event at each combination (events without a scored series count 0).
  const loss: number[][] = events.map(() => new Array<number>(combos.length).fill(0));
  let done = 0;
  events.forEach((e, i) => {
    combos.forEach((c, k) => {
      const l = lossOf(e.bi, { ...e.base, ...c } as Params).event.modelLoss;
      loss[i]![k] = l ?? 0;
    });
    onProgress?.(++done, events.length);
  });
  const middle = (c: Partial<Record<ParameterName, number>>) =>
    spec.reduce((s, p) => {
      const i = p.grid.indexOf(c[p.name]!);
      return s + Math.abs(i - (p.grid.length - 1) / 2);
    }, 0);
  const fit = (skip: number) => {
    let best = -1;
    let bestLoss = Infinity;
    for (let k = 0; k < combos.length; k++) {
      let l = 0;
      for (let i = 0; i < events.length; i++) if (i !== skip) l += loss[i]![k]!;
      if (
        l < bestLoss - 1e-12 ||
        (Math.abs(l - bestLoss) <= 1e-12 && middle(combos[k]!) < middle(combos[best]!))
      ) {
        best = k;
        bestLoss = l;
      }
    }
    const n = events.length - (skip >= 0 ? 1 : 0);
    return { params: combos[best]!, trainLoss: n ? bestLoss / n : 0 };
  };
  const folds = events.map((e, i) => ({ heldOut: e.id, ...fit(i) }));
  const spread: Calibration["spread"] = {};
  for (const p of spec) {
    const values = folds.map((f) => f.params[p.name]!);
    spread[p.name] = {
      min: Math.min(...values),
      max: Math.max(...values),
      mean: values.reduce((a, b) => a + b, 0) / values.length,
      values,
    };
  }
  return {
    parameters: spec,
    objective:
      "sum over the training events of the event-month model loss (mean over scored series of Σ|error| ÷ Σ counterfactual)",
    folds,
    all: fit(-1).params,
    spread,
    combinations: combos.length,
  };
}

/**
 * The Monte Carlo range of a fitted parameter around a fold's value: from the grid step below to the step
 * above (the fit is only known to a grid step).
 */
export function fittedRange(p: CalibratedParameter, value: number): [number, number] {
  const i = p.grid.indexOf(value);
  const lo = p.grid[Math.max(0, i - 1)]!;
  const hi = p.grid[Math.min(p.grid.length - 1, i + 1)]!;
  return [(lo + value) / 2, (value + hi) / 2];
}
