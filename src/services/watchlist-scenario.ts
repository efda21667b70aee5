import { existsSync } from "node:fs";
import { Piscina } from "piscina";
import { InputError, StoreError } from "../domain/errors.ts";
import { defaultDbPath, Store } from "../store/db.ts";
import type { ScenarioThreadTask } from "./scenario-thread.ts";
import { prepareScenario, validateScenario, type ScenarioResult } from "./scenario.ts";
import { workerModule } from "./worker-module.ts";

/** Runs a scenario for an alert within a time limit; the watcher owns it and closes it when it stops. */
export interface ScenarioRunner {
  run(spec: unknown, opts: { timeLimitMs: number }): Promise<ScenarioRunOutcome>;
  close(): Promise<void>;
}

export interface ScenarioRunOutcome {
  result: ScenarioResult;
  /** Where the figures came from: the database (read-only) or the vendored snapshot. */
  source: string;
}

/** A run that went over its time limit. */
export class TimeLimitError extends Error {
  override name = "TimeLimitError";
}

/** Resolves with `p`, or rejects with a TimeLimitError when `deadline` (epoch ms) passes first. */
function within<T>(p: Promise<T>, deadline: number, what: string, limitMs: number): Promise<T> {
  const left = deadline - Date.now();
  if (left <= 0)
    return Promise.reject(new TimeLimitError(`${what}: over the ${limitMs / 1000} s time limit`));
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, fail) => {
      timer = setTimeout(
        () => fail(new TimeLimitError(`${what} took longer than the ${limitMs / 1000} s time limit`)),
        left,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The runner `borderflow watch --watchlist` uses: for each run it opens the borderflow database **read-only**
 * (never the write lock: a watcher must not stop `ingest` for long, nor hold DuckDB's single-writer lock), or,
 * when the database file does not exist yet, an in-memory copy of the vendored snapshot; validates and prepares
 * the scenario there and closes it; then runs the Monte Carlo on a worker thread that is terminated at the time
 * limit. A database that another process is writing cannot be opened read-only: the run fails and says so.
 */
export function storeScenarioRunner(opts: { dbPath?: string; snapshotDir?: string } = {}): ScenarioRunner {
  let pool: Piscina<ScenarioThreadTask, ScenarioResult> | undefined;
  const threads = () => {
    if (!pool) {
      const t = workerModule(import.meta.url, "scenario-thread");
      pool = new Piscina({
        filename: t.filename,
        execArgv: t.execArgv,
        minThreads: 0,
        maxThreads: 1,
        maxQueue: 4,
        idleTimeout: 10_000,
      });
    }
    return pool;
  };
  return {
    async run(spec, { timeLimitMs }) {
      const deadline = Date.now() + timeLimitMs;
      const path = opts.dbPath ?? defaultDbPath();
      const onFile = existsSync(path);
      const source = onFile
        ? `the database ${path} (read-only)`
        : `the vendored snapshot (no database at ${path} yet)`;
      const opening = Store.open({
        path: onFile ? path : ":memory:",
        ...(opts.snapshotDir ? { snapshotDir: opts.snapshotDir } : {}),
        readOnly: onFile,
      });
      // A store whose opening or queries outlive the time limit is closed when they finish.
      let store: Store;
      try {
        store = await within(opening, deadline, "opening the database", timeLimitMs);
      } catch (e) {
        void opening.then((s) => s.close()).catch(() => undefined);
        throw e instanceof StoreError || e instanceof TimeLimitError
          ? e
          : new StoreError(`cannot open ${source}: ${(e as Error).message}`, { cause: e });
      }
      const preparing = (async () => {
        const v = await validateScenario(store, spec);
        if (!v.ok)
          throw new InputError(
            `the scenario is not valid here: ${v.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
          );
        return { prepared: await prepareScenario(store, v), v };
      })();
      void preparing.then(
        () => store.close(),
        () => store.close(),
      );
      const { prepared, v } = await within(preparing, deadline, "preparing the scenario", timeLimitMs);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new TimeLimitError(`preparing the scenario used the whole ${timeLimitMs / 1000} s time limit`);
      try {
        const result = await threads().run(
          { prepared, draws: v.scenario.options.draws, seed: v.scenario.options.seed },
          { signal: AbortSignal.timeout(left) },
        );
        return { result, source };
      } catch (e) {
        const err = e as Error;
        if (err.name === "TimeoutError" || err.name === "AbortError" || /abort/i.test(err.message))
          throw new TimeLimitError(
            `the Monte Carlo run was stopped at the ${timeLimitMs / 1000} s time limit (${v.scenario.options.draws} draws)`,
            { cause: e },
          );
        throw e;
      }
    },
    async close() {
      await pool?.destroy();
      pool = undefined;
    },
  };
}
