import { runMonteCarlo } from "./monte-carlo.ts";
import { midParams } from "./parameters.ts";
import { runModel } from "./simulate.ts";
import { summarizeScenario, type PreparedScenario, type ScenarioResult } from "./report.ts";

/** How a prepared scenario is run: Monte Carlo draws and seed, and progress for long runs. */
export interface RunOptions {
  draws: number;
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs a prepared scenario (the model input the services built from the store) and reports it: the one
 * entry point of a run, used in-process by the CLI, in the server's worker threads and in the browser.
 * Pure: no I/O, JSON in, JSON out.
 */
export function runPrepared(prepared: PreparedScenario, opts: RunOptions): ScenarioResult {
  const mc = runMonteCarlo(prepared.input, prepared.ranges, {
    draws: opts.draws,
    seed: opts.seed,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  return summarizeScenario(prepared, mc);
}

/**
 * The work a run will cost, in flow-days: (draws + 1) × flows × the days the deterministic run needs until
 * every backlog has cleared (one run of the model, a small share of the whole). The server refuses a run
 * above its budget before drawing anything (docs/api.md).
 */
export function estimateRunCost(
  prepared: PreparedScenario,
  draws: number,
): { cost: number; days: number; flows: number } {
  const det = runModel(prepared.input, midParams(prepared.ranges));
  const flows = prepared.input.flows.length;
  return { cost: (draws + 1) * flows * det.days, days: det.days, flows };
}

/** The most draws a run of `flows` flows over `days` days may take within `budget` flow-days (0: not one). */
export function mostDrawsWithin(budget: number, est: { days: number; flows: number }): number {
  return Math.max(0, Math.floor(budget / (est.flows * est.days)) - 1);
}
