// A worker thread of the server's scenario pool (src/api/scenario-pool.ts). It takes a validated scenario
// and prepares it here, on its own read-only connection to the database file (the store's queries and the
// network building stay off the server's event loop), or takes an already prepared one (the model input:
// plain JSON); then it checks the run's cost against the budget, runs it and returns the answer already
// serialized, so the server's main thread neither computes nor stringifies anything large.
import { estimateRunCost, runPrepared, type PreparedScenario } from "../model/index.ts";
import { prepareScenario, type ValidScenario } from "../services/scenario.ts";
import { Store } from "../store/db.ts";

export interface WorkerTask {
  /** A prepared scenario, or a validated one with the database to prepare it from. */
  job:
    { prepared: PreparedScenario } | { scenario: ValidScenario; db: { path: string; snapshotDir: string } };
  draws: number;
  seed: number;
  /** Most flow-days a run may cost; above it the run is refused before any draw. */
  budget: number;
  /**
   * Longest the task may take on this thread, preparing included (waiting in the queue is not counted): past
   * it the run stops at its next progress report (every 50 draws). A run that has drawn everything is kept.
   */
  timeLimitMs: number;
}

export type WorkerAnswer =
  | { ok: true; json: string; cost: number }
  | { ok: false; cost: number; days: number; flows: number }
  | { ok: false; timedOut: true; drawsDone: number };

/** Thrown from the progress callback to stop a run past its deadline. */
class PastDeadline extends Error {
  constructor(readonly drawsDone: number) {
    super("past the deadline");
  }
}

/** This thread's read-only store, opened at its first task and kept. */
let store: Promise<Store> | undefined;

export default async function run(task: WorkerTask): Promise<WorkerAnswer> {
  const deadline = Date.now() + task.timeLimitMs;
  let prepared: PreparedScenario;
  if ("prepared" in task.job) prepared = task.job.prepared;
  else {
    const { path, snapshotDir } = task.job.db;
    store ??= Store.open({ path, snapshotDir, readOnly: true, onNotice: () => undefined });
    prepared = await prepareScenario(await store, task.job.scenario);
  }
  const est = estimateRunCost(prepared, task.draws);
  if (est.cost > task.budget) return { ok: false, ...est };
  // The time limit is kept here, between draws, rather than by terminating the thread: a thread stopped in
  // the middle of a DuckDB call would take the whole process down.
  try {
    const result = runPrepared(prepared, {
      draws: task.draws,
      seed: task.seed,
      onProgress: (done, total) => {
        if (done < total && Date.now() > deadline) throw new PastDeadline(done);
      },
    });
    return { ok: true, json: JSON.stringify(result), cost: est.cost };
  } catch (e) {
    if (e instanceof PastDeadline) return { ok: false, timedOut: true, drawsDone: e.drawsDone };
    throw e;
  }
}
