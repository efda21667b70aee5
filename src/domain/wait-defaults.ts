/**
 * The defaults of `watch` and `forecast` that their help text names, in a module with no imports, so the
 * CLI can list its commands without loading the watcher, the feed parsers or the forecast model
 * (src/cli/commands/waits.ts loads those only when their command runs).
 */

/** The JSON feed of CBP Border Wait Times (all crossings, one object each). */
export const CBP_WAIT_TIMES_URL = "https://bwt.cbp.gov/api/bwtnew";
/** A reading older than this many hours when fetched is stale (CBP's manual readings are hourly). */
export const DEFAULT_STALE_HOURS = 3;
/** How often the feed is polled unless told otherwise. */
export const DEFAULT_INTERVAL_MS = 5 * 60_000;
/** Hours forecast unless asked otherwise. */
export const DEFAULT_FORECAST_HOURS = 6;

/** `300000` → `5m`, `1500` → `1.5s`. */
export function formatMs(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(1))}s`;
  return `${ms}ms`;
}
