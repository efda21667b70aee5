// Runs the pure scenario model in a worker, so a long Monte Carlo does not freeze the page. The same
// functions the server runs (src/model): the same prepared input, draws and seed give the same figures.
import { runMonteCarlo, summarizeScenario, type PreparedScenario } from "../../src/model/index.ts";

/** What the page sends: a prepared scenario (POST /api/scenarios/input) and the run's draws and seed. */
export interface ModelRequest {
  prepared: PreparedScenario;
  draws: number;
  seed: number;
}

/** What the worker sends back. */
export type ModelMessage =
  | { type: "progress"; done: number; total: number }
  | { type: "done"; result: ReturnType<typeof summarizeScenario> }
  | { type: "error"; message: string };

const post = (m: ModelMessage) => postMessage(m);

addEventListener("message", (e: MessageEvent<ModelRequest>) => {
  try {
    const { prepared, draws, seed } = e.data;
    const mc = runMonteCarlo(prepared.input, prepared.ranges, {
      draws,
      seed,
      onProgress: (done, total) => post({ type: "progress", done, total }),
    });
    post({ type: "done", result: summarizeScenario(prepared, mc) });
  } catch (err) {
    post({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
});
