import type { ParameterName, Range } from "../domain/scenario.ts";
import { drawParams, midParams } from "./parameters.ts";
import { createRng, percentile } from "./rng.ts";
import { runModel } from "./simulate.ts";
import type { ModelInput, RunResult } from "./types.ts";

/** P10, P50 and P90 of a headline figure over the draws. */
export interface Band {
  p10: number;
  p50: number;
  p90: number;
}

/**
 * Headline figures of one run, the ones that get uncertainty bands. Unit counts are kept per unit
 * (`peakBacklog:railcars`, `unitDays:trucks` ...): railcars and trucks are never added together.
 */
export function headline(r: RunResult): Record<string, number> {
  const c = r.costs;
  const clear = r.flows.map((f) => f.clearDay ?? r.days);
  const out: Record<string, number> = {
    valueHeldUpPerClosureDayUsd: c.valueHeldUpPerClosureDayUsd,
    valueHeldUpUsd: c.valueHeldUpUsd,
    carryingUsd: c.carryingUsd,
    equipmentUsd: c.equipmentUsd,
    spoilageUsd: c.spoilageUsd,
    detourUsd: c.detourUsd,
    directUsd: c.directUsd,
    widerUsd: c.widerUsd ?? 0,
    clearDay: clear.length ? Math.max(...clear) : 0,
  };
  for (const f of r.flows) {
    for (const [k, v] of [
      [`peakBacklog:${f.unit}`, f.peakQueue],
      [`unitDays:${f.unit}`, f.unitDays],
      [`diverted:${f.unit}`, f.totals.diverted],
      [`shifted:${f.unit}`, f.totals.shifted],
      [`cancelled:${f.unit}`, f.totals.cancelled],
      [`late:${f.unit}`, f.totals.servedLate],
    ] as const) {
      out[k] = (out[k] ?? 0) + v;
    }
  }
  return out;
}

/** A drawn parameter a figure moves with: its rank correlation with the figure over the draws (−1..1). */
export interface Driver {
  parameter: string;
  rankCorrelation: number;
}

/**
 * Where the deterministic run (every parameter at its middle, or its fitted value) falls outside the draws'
 * P10–P90 band: the side, and the drawn parameters the figure moves with most (|rank correlation| ≥
 * DRIVER_MIN_CORRELATION, at most MAX_DRIVERS; empty when no single parameter does).
 */
export interface OutsideBand {
  side: "above" | "below";
  sensitiveTo: Driver[];
}

/** The result of a seeded Monte Carlo: the deterministic run (middle of every range) and bands over draws. */
export interface MonteCarloResult {
  deterministic: RunResult;
  draws: number;
  seed: number;
  bands: Record<string, Band>;
  /** The headline figures whose deterministic value lies outside their own P10–P90 band. */
  outside?: Record<string, OutsideBand>;
}

/** Weakest rank correlation that names a parameter as a driver of a figure outside its band. */
export const DRIVER_MIN_CORRELATION = 0.3;
/** Most drivers named for one figure. */
export const MAX_DRIVERS = 2;

/** Ranks of values (1..n), ties given their average rank. */
function ranks(v: readonly number[]): number[] {
  const idx = v.map((_, i) => i).sort((a, b) => v[a]! - v[b]!);
  const r = new Array<number>(v.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]!] === v[idx[i]!]) j++;
    for (let k = i; k <= j; k++) r[idx[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman's rank correlation of two equally long lists (0 when either is constant). */
export function rankCorrelation(a: readonly number[], b: readonly number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = ra.length;
  const ma = ra.reduce((s, x) => s + x, 0) / n;
  const mb = rb.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i]! - ma) * (rb[i]! - mb);
    saa += (ra[i]! - ma) ** 2;
    sbb += (rb[i]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * The figures whose deterministic value lies outside the draws' P10–P90 band, each with the drawn parameters
 * it moves with most. `drawn` holds each ranged parameter's value in every draw.
 */
export function outsideBands(
  base: Record<string, number>,
  bands: Record<string, Band>,
  samples: Record<string, number[]>,
  drawn: Record<string, number[]>,
): Record<string, OutsideBand> {
  const out: Record<string, OutsideBand> = {};
  // A relative tolerance keeps float noise (a value equal to P90 up to rounding) from counting as outside.
  const tol = (x: number) => 1e-9 * Math.max(1, Math.abs(x));
  for (const [k, v] of Object.entries(base)) {
    const b = bands[k];
    const s = samples[k];
    if (!b || !s?.length) continue;
    const side = v > b.p90 + tol(b.p90) ? "above" : v < b.p10 - tol(b.p10) ? "below" : null;
    if (!side) continue;
    const sensitiveTo = Object.entries(drawn)
      .map(([parameter, xs]) => ({ parameter, rankCorrelation: rankCorrelation(xs, s) }))
      .filter((d) => Math.abs(d.rankCorrelation) >= DRIVER_MIN_CORRELATION)
      .sort((a, b) => Math.abs(b.rankCorrelation) - Math.abs(a.rankCorrelation))
      .slice(0, MAX_DRIVERS);
    out[k] = { side, sensitiveTo };
  }
  return out;
}

/**
 * Runs the model once with the middle of every range, then `draws` times with each range drawn uniformly
 * from a generator seeded with `seed`: the same seed gives the same bands.
 */
export function runMonteCarlo(
  input: ModelInput,
  ranges: Record<ParameterName, Range>,
  opts: { draws: number; seed: number; onProgress?: (done: number, total: number) => void },
): MonteCarloResult {
  const deterministic = runModel(input, midParams(ranges));
  const rng = createRng(opts.seed);
  const samples: Record<string, number[]> = {};
  // Each ranged parameter's value in every draw (fixed numbers are not drawn), for outsideBands.
  const drawn: Record<string, number[]> = {};
  for (let i = 0; i < opts.draws; i++) {
    const params = drawParams(ranges, rng);
    for (const [k, r] of Object.entries(ranges))
      if (typeof r !== "number" && r[0] !== r[1]) (drawn[k] ??= []).push(params[k as ParameterName]);
    const h = headline(runModel(input, params));
    for (const [k, v] of Object.entries(h)) (samples[k] ??= []).push(v);
    if (opts.onProgress && (i % 50 === 49 || i === opts.draws - 1)) opts.onProgress(i + 1, opts.draws);
  }
  const base = headline(deterministic);
  const bands: Record<string, Band> = {};
  for (const k of Object.keys(base)) {
    const s = samples[k];
    bands[k] = s?.length
      ? { p10: percentile(s, 0.1), p50: percentile(s, 0.5), p90: percentile(s, 0.9) }
      : { p10: base[k]!, p50: base[k]!, p90: base[k]! };
  }
  const outside = outsideBands(base, bands, samples, drawn);
  return { deterministic, draws: opts.draws, seed: opts.seed, bands, outside };
}
