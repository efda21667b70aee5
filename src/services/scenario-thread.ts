/**
 * A worker thread's task: run a prepared scenario with the pure model (Monte Carlo, then the report). Used by
 * the watchlist's scenario runner (`watchlist-scenario.ts`) so that a long run can be stopped at its time limit
 * (the thread is terminated) and never blocks the watcher's event loop.
 */
import { runMonteCarlo } from "../model/monte-carlo.ts";
import { summarizeScenario, type PreparedScenario, type ScenarioResult } from "../model/report.ts";

export interface ScenarioThreadTask {
  prepared: PreparedScenario;
  draws: number;
  seed: number;
}

export default function runPreparedScenario(task: ScenarioThreadTask): ScenarioResult {
  const mc = runMonteCarlo(task.prepared.input, task.prepared.ranges, { draws: task.draws, seed: task.seed });
  return summarizeScenario(task.prepared, mc);
}
