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

/** The result of a seeded Monte Carlo: the deterministic run (middle of every range) and bands over draws. */
export interface MonteCarloResult {
  deterministic: RunResult;
  draws: number;
  seed: number;
  bands: Record<string, Band>;
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
  for (let i = 0; i < opts.draws; i++) {
    const h = headline(runModel(input, drawParams(ranges, rng)));
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
  return { deterministic, draws: opts.draws, seed: opts.seed, bands };
}
