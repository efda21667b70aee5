/**
 * borderflow as a library: `import { Store, portProfile, runScenario } from "borderflow"`.
 *
 * Open a store (built from the vendored snapshot on first use), then ask the same questions as the CLI:
 *
 * ```ts
 * const store = await Store.open({ path: ":memory:" });
 * const profile = await portProfile(store, "Eagle Pass");
 * const v = await validateScenario(store, scenarioObject);
 * if (v.ok) console.log((await runScenario(store, v, { draws: 200 })).impact);
 * store.close();
 * ```
 *
 * Every answer has the shape of the CLI's `--json` (types in `src/domain/answers.ts`).
 */
export * from "./domain/index.ts";
export type * from "./domain/answers.ts";
export {
  ScenarioSpecSchema,
  SCENARIO_MODES,
  PARAMETER_NAMES,
  type Scenario,
  type ScenarioSpec,
  type ScenarioEvent,
} from "./domain/scenario.ts";
export { Store, defaultDbPath, DEFAULT_SNAPSHOT_DIR, type OpenOptions } from "./store/db.ts";
export { listPorts, portProfile } from "./services/ports.ts";
export { crossingsSeries } from "./services/crossings.ts";
export { tradeSummary } from "./services/trade.ts";
export { overview } from "./services/overview.ts";
export { getCoverage } from "./services/coverage.ts";
export { resolvePort, resolvePorts } from "./services/resolve.ts";
export {
  validateScenario,
  prepareScenario,
  runScenario,
  type ScenarioIssue,
  type ScenarioValidation,
  type ValidScenario,
  type PreparedScenario,
  type ScenarioResult,
} from "./services/scenario.ts";
export { parseScenarioText, readScenarioFile } from "./sources/scenario-file.ts";
export { loadEvents, findEvent, listEvents, eventStudy } from "./services/events.ts";
export { backtestEvent, backtestAll } from "./services/backtest.ts";
export { waitSummary } from "./services/waits.ts";
export { runCli } from "./cli/main.ts";
export { buildApp, type AppOptions } from "./api/server.ts";
