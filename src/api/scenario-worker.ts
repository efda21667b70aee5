// A worker thread of the server's scenario pool (src/api/scenario-pool.ts). It takes a validated scenario
// and prepares it here, on its own read-only connection to the database file (the store's queries and the
// network building stay off the server's event loop), or takes an already prepared one (the model input:
// plain JSON); then it checks the run's cost against the budget, runs it and returns the answer already
// serialized, so the server's main thread neither computes nor stringifies anything large.
import { InputError, NotFoundError } from "../domain/errors.ts";
import { estimateRunCost, mostDrawsWithin, runPrepared, type PreparedScenario } from "../model/index.ts";
import { prepareScenario, type ValidScenario } from "../services/scenario.ts";
import { surgeWhatIf, type SurgeRequest } from "../services/surge.ts";
import { Store } from "../store/db.ts";

export interface WorkerTask {
  /** A prepared scenario, or a validated one with the database to prepare it from. */
  job:
    | { prepared: PreparedScenario }
    | { scenario: ValidScenario; db: { path: string; snapshotDir: string } }
    /** The surge what-if, whole (the sector's encounters, the rule, its officer event's run). */
    | { surge: SurgeRequest; db: { path: string; snapshotDir: string } };
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
  | { ok: false; timedOut: true; drawsDone: number }
  /** The request refused (an InputError: its class does not cross the thread, so its kind is said). */
  | { ok: false; refused: { notFound: boolean; message: string; hint?: string } };

/** Thrown from the progress callback to stop a run past its deadline. */
class PastDeadline extends Error {
  constructor(readonly drawsDone: number) {
    super("past the deadline");
  }
}

/** This thread's read-only store, opened at its first task and kept. */
let store: Promise<Store> | undefined;

/** Thrown from a surge's scenario run when the run would cost more than the budget. */
class OverBudget extends Error {
  constructor(readonly est: { cost: number; days: number; flows: number }) {
    super("over the budget");
  }
}

export default async function run(task: WorkerTask): Promise<WorkerAnswer> {
  const deadline = Date.now() + task.timeLimitMs;
  // The time limit is kept here, between draws, rather than by terminating the thread: a thread stopped in
  // the middle of a DuckDB call would take the whole process down.
  const onProgress = (done: number, total: number) => {
    if (done < total && Date.now() > deadline) throw new PastDeadline(done);
  };
  if ("surge" in task.job) return runSurge(task.job, task.budget, onProgress);
  let prepared: PreparedScenario;
  if ("prepared" in task.job) prepared = task.job.prepared;
  else {
    const { path, snapshotDir } = task.job.db;
    store ??= Store.open({ path, snapshotDir, readOnly: true, onNotice: () => undefined });
    prepared = await prepareScenario(await store, task.job.scenario);
  }
  const est = estimateRunCost(prepared, task.draws);
  if (est.cost > task.budget) return { ok: false, ...est };
  try {
    const result = runPrepared(prepared, { draws: task.draws, seed: task.seed, onProgress });
    return { ok: true, json: JSON.stringify(result), cost: est.cost };
  } catch (e) {
    if (e instanceof PastDeadline) return { ok: false, timedOut: true, drawsDone: e.drawsDone };
    throw e;
  }
}

/** The surge what-if on this thread: its queries, its officer event's run (under the budget and time limit). */
async function runSurge(
  job: { surge: SurgeRequest; db: { path: string; snapshotDir: string } },
  budget: number,
  onProgress: (done: number, total: number) => void,
): Promise<WorkerAnswer> {
  store ??= Store.open({ ...job.db, readOnly: true, onNotice: () => undefined });
  let cost = 0;
  try {
    const result = await surgeWhatIf(await store, job.surge, {
      runScenario: async (s, v) => {
        const prepared = await prepareScenario(s, v);
        const { seed } = prepared.scenario.options;
        let draws = prepared.scenario.options.draws;
        const est = estimateRunCost(prepared, draws);
        // Over the budget, a surge runs the most draws the budget allows (as the dashboard's scenario runs do,
        // with ?fit=budget): the answer's scenario.monteCarlo.draws says how many.
        if (est.cost > budget) {
          const most = mostDrawsWithin(budget, est);
          if (most < 1) throw new OverBudget(est);
          draws = Math.min(draws, most);
        }
        cost = (draws + 1) * est.flows * est.days;
        return runPrepared(prepared, { draws, seed, onProgress });
      },
    });
    return { ok: true, json: JSON.stringify(result), cost };
  } catch (e) {
    if (e instanceof PastDeadline) return { ok: false, timedOut: true, drawsDone: e.drawsDone };
    if (e instanceof OverBudget) return { ok: false, ...e.est };
    if (e instanceof InputError)
      return {
        ok: false,
        refused: {
          notFound: e instanceof NotFoundError,
          message: e.message,
          ...(e.hint ? { hint: e.hint } : {}),
        },
      };
    throw e;
  }
}
