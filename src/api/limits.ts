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
   * corridors, hourly capacity) spends 7–18 µs a flow-day on the shared 2-core machine under load (Laredo
   * rail closed 5 days: 32 flows × 30 days; Laredo trucks: 50 × 16; every truck crossing closed a week: 224 ×
   * 23). At this budget a one-crossing scenario runs its default 1,000 draws (Laredo rail: 961k flow-days,
   * about 7 s) and the heaviest network about 190 draws (about 18 s), within the 30 s time limit.
   */
  budget: 1_000_000,
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
