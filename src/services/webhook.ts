/** How a webhook is POSTed: `globalThis.fetch` by default, injectable for tests. */
export type Poster = (
  url: string,
  init: {
    method: "POST";
    headers: Record<string, string>;
    body: string;
    signal: AbortSignal;
    redirect: "manual";
  },
) => Promise<Response>;

/** Retries and timing of a webhook delivery. */
export interface WebhookOptions {
  poster?: Poster;
  /** Tries in all, the first included (default 5). */
  attempts?: number;
  /** The wait before the first retry; it doubles each time (default 1 s: 1, 2, 4, 8 s). */
  baseDelayMs?: number;
  /** The time one POST may take (default 10 s). */
  timeoutMs?: number;
  sleep: (ms: number) => Promise<void>;
}

/** How a delivery ended. */
export type WebhookOutcome =
  | { ok: true; attempts: number; status: number }
  | { ok: false; attempts: number; error: string; retryable: boolean };

const defaultPoster: Poster = (url, init) => fetch(url, init);

/** Redirects followed within one delivery (same origin, 307/308 only). */
const MAX_REDIRECTS = 3;

/**
 * POSTs a JSON payload, retrying with exponential backoff on network errors, timeouts, HTTP 429 and 5xx.
 * Another 4xx is not retried (the receiver refuses the payload; sending it again will not help). Redirects
 * are followed only to the same origin (scheme, host and port) and only when they keep the POST (307, 308):
 * detections are never sent to a host the user did not name.
 */
export async function postWebhook(
  url: string,
  payload: unknown,
  opts: WebhookOptions,
): Promise<WebhookOutcome> {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseDelayMs ?? 1000;
  const body = JSON.stringify(payload);
  let last: WebhookOutcome = { ok: false, attempts: 0, error: "not sent", retryable: true };
  for (let i = 1; i <= attempts; i++) {
    try {
      let target = url;
      let res: Response;
      for (let hop = 0; ; hop++) {
        res = await (opts.poster ?? defaultPoster)(target, {
          method: "POST",
          headers: { "content-type": "application/json", "user-agent": "borderflow-watch" },
          body,
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
          redirect: "manual",
        });
        if (res.status < 300 || res.status >= 400) break;
        await res.arrayBuffer().catch(() => undefined);
        const location = res.headers.get("location");
        const next = location && URL.canParse(location, target) ? new URL(location, target) : undefined;
        const why = !next
          ? "without a valid Location"
          : next.origin !== new URL(url).origin
            ? `to another host (${next.origin})`
            : res.status !== 307 && res.status !== 308
              ? "that would turn the POST into a GET"
              : hop >= MAX_REDIRECTS
                ? `more than ${MAX_REDIRECTS} times`
                : undefined;
        if (why)
          return {
            ok: false,
            attempts: i,
            error: `HTTP ${res.status} redirect ${why} not followed`,
            retryable: false,
          };
        target = next!.href;
      }
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, attempts: i, status: res.status };
      const retryable = res.status === 429 || res.status >= 500;
      last = { ok: false, attempts: i, error: `HTTP ${res.status}`, retryable };
      if (!retryable) return last;
    } catch (e) {
      const err = e as Error;
      last = {
        ok: false,
        attempts: i,
        error:
          err.name === "TimeoutError"
            ? "timed out"
            : `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ""}`,
        retryable: true,
      };
    }
    if (i < attempts) await opts.sleep(base * 2 ** (i - 1));
  }
  return last;
}
