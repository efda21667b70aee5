import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { InputError, NotFoundError, TooCostlyError, UnavailableError } from "../domain/errors.ts";
import type { WorkerAnswer, WorkerTask } from "./scenario-worker.ts";
import { SCENARIO_LIMITS } from "./limits.ts";
import { mostDrawsWithin } from "../model/index.ts";
import { workerModule } from "../services/worker-module.ts";

/** Limits of scenario runs through the API (docs/api.md "Limits"). */
export interface ScenarioPoolOptions {
  /** Worker threads (default: cores − 1, at least 1, so the main thread keeps a core for other requests). */
  threads?: number;
  /** Runs waiting for a thread; one more is refused with 503 and Retry-After (default 4 per thread). */
  maxQueue?: number;
  /** A run that takes longer stops at its next 50 draws and is answered with 503 (default 30 s). */
  timeLimitMs?: number;
  /** Most flow-days ((draws + 1) × flows × days) a run may cost (default: SCENARIO_LIMITS.budget). */
  budget?: number;
}

/**
 * Runs scenarios on worker threads (piscina), off the event loop: a bounded queue, a time limit per run and a
 * cost budget checked before a run starts, so that no request can freeze the server.
 */
export class ScenarioPool {
  readonly threads: number;
  readonly maxQueue: number;
  readonly timeLimitMs: number;
  readonly budget: number;
  private readonly pool: Piscina<WorkerTask, WorkerAnswer>;

  constructor(opts: ScenarioPoolOptions = {}) {
    this.threads = Math.max(1, opts.threads ?? availableParallelism() - 1);
    this.maxQueue = opts.maxQueue ?? SCENARIO_LIMITS.queuePerThread * this.threads;
    this.timeLimitMs = opts.timeLimitMs ?? SCENARIO_LIMITS.timeLimitMs;
    this.budget = opts.budget ?? SCENARIO_LIMITS.budget;
    const w = workerModule(import.meta.url, "scenario-worker");
    this.pool = new Piscina<WorkerTask, WorkerAnswer>({
      filename: w.filename,
      execArgv: w.execArgv,
      minThreads: 0,
      maxThreads: this.threads,
      maxQueue: this.maxQueue,
      idleTimeout: 30_000,
    });
  }

  /**
   * Runs a scenario (prepared already, or validated with the database file to prepare it from on the worker);
   * resolves to the answer as JSON text.
   */
  async run(
    job: WorkerTask["job"],
    draws: number,
    seed: number,
    opts: { fit?: boolean; drawsIn?: "query" | "body" } = {},
  ): Promise<string> {
    if (this.pool.queueSize >= this.maxQueue)
      throw new UnavailableError(
        `the server is busy: ${this.maxQueue} scenario runs are already waiting`,
        "try again in a few seconds",
        5,
      );
    let answer: WorkerAnswer;
    try {
      answer = await this.pool.run({
        job,
        draws,
        seed,
        budget: this.budget,
        timeLimitMs: this.timeLimitMs,
      });
    } catch (e) {
      if (/queue.*(limit|full)/i.test((e as Error).message))
        throw new UnavailableError(
          `the server is busy: ${this.maxQueue} scenario runs are already waiting`,
          "try again in a few seconds",
          5,
          { cause: e },
        );
      throw e;
    }
    if ("refused" in answer) {
      const r = answer.refused;
      throw r.notFound ? new NotFoundError(r.message, r.hint) : new InputError(r.message, r.hint);
    }
    if ("timedOut" in answer)
      throw new UnavailableError(
        `the scenario run was stopped after ${this.timeLimitMs / 1000} s (${answer.drawsDone} of ${draws} draws), the longest a run may take here`,
        "ask for fewer draws, fewer ports or a shorter horizonDays, or run it with the CLI (borderflow scenario run), which has no limit",
      );
    if (!answer.ok) {
      const most = mostDrawsWithin(this.budget, answer);
      // Asked to fit the budget (the dashboard does): the same run with the most draws it allows.
      if (opts.fit && most >= 1 && most < draws) return this.run(job, most, seed);
      throw new TooCostlyError(
        `the run would cost ${fmt(answer.cost)} flow-days ((${draws} draws + 1) × ${answer.flows} flows × ${answer.days} days), over the budget of ${fmt(this.budget)}`,
        most > 0
          ? `this scenario can run with at most ${fmt(most)} draws here (${opts.drawsIn === "body" ? `"draws": ${most}` : `?draws=${most}`}); or run it with the CLI (borderflow scenario run), which has no budget`
          : "name fewer ports or modes, or run it with the CLI (borderflow scenario run), which has no budget",
      );
    }
    return answer.json;
  }

  /** Tasks the threads have finished since the pool started. */
  get completed(): number {
    return this.pool.completed;
  }

  /** Lets running tasks finish (a thread is never stopped in the middle of a DuckDB call), then ends the threads. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}

const fmt = (n: number) => new Intl.NumberFormat("en-US").format(n);
