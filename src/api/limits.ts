// The server's documented limits and names, in a module that loads nothing else (the CLI reads them for
// `serve --help` without loading fastify). docs/api.md "Limits" lists them.

/** Answer cache. */
export const CACHE_LIMITS = {
  /** Bytes of JSON text kept in all (override: `borderflow serve --cache-mb`, $BORDERFLOW_CACHE_MB). */
  maxBytes: 64 * 1024 * 1024,
  /** An answer larger than this is sent but not kept (large scenario answers). */
  maxEntryBytes: 2 * 1024 * 1024,
} as const;

/** Scenario runs through the API. */
export const SCENARIO_LIMITS = {
  /** A run that takes longer stops at its next progress report (every 50 draws) and is answered with 503. */
  timeLimitMs: 30_000,
  /**
   * Most flow-days ((draws + 1) × flows × days until every backlog clears) a run may cost. The model (v2:
   * corridors, hourly capacity) spends about 18 µs a flow-day on the shared 2-core machine under load
   * (measured on every truck crossing closed for a week, 224 flows × 23 days, and on the December 2023 rail
   * closure, 32 flows × 15 days): this budget is about 9 s there, the heaviest network running 96 draws.
   */
  budget: 500_000,
  /** Runs that may wait per worker thread; one more is refused with 503 and Retry-After. */
  queuePerThread: 4,
} as const;

/** Log levels of `borderflow serve --log-level`. */
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
export const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** Addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) || h === "::ffff:127.0.0.1";
}

/** The Host names a loopback server answers to (anything else is DNS rebinding or a misdirected request). */
export const LOOPBACK_NAMES: readonly string[] = ["localhost", "127.0.0.1", "[::1]", "::1"];
