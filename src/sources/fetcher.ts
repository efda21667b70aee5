import { DataError } from "../domain/errors.ts";

/** How sources reach the network: `globalThis.fetch` by default, injectable for tests. */
export type Fetcher = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

/** Progress callback for long downloads and ingests. `total` is known only sometimes. */
export type Progress = (p: { done: number; total?: number; label?: string }) => void;

/** Default time a single request may take. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * GETs a URL and returns its whole body, or throws a DataError that names the URL and what went wrong:
 * an HTTP error status, a body shorter than its Content-Length (a truncated download), a timeout.
 */
export async function fetchBytes(
  fetcher: Fetcher,
  url: string,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetcher(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new DataError(`${url}: request failed (${describe(e)})`, [], { cause: e });
  }
  if (!res.ok) {
    const text = await res.text().catch(() => "");
    throw new DataError(
      `${url}: HTTP ${res.status} ${res.statusText}`.trim(),
      text ? [text.slice(0, 200)] : [],
    );
  }
  let body: Buffer;
  try {
    body = Buffer.from(await res.arrayBuffer());
  } catch (e) {
    throw new DataError(`${url}: the download was cut off (${describe(e)})`, [], { cause: e });
  }
  const declared = Number(res.headers.get("content-length"));
  const encoded = res.headers.get("content-encoding");
  if (!encoded && Number.isFinite(declared) && declared > 0 && body.length < declared) {
    throw new DataError(`${url}: the download was cut off (${body.length} of ${declared} bytes)`);
  }
  return body;
}

/** GETs a URL and parses it as JSON; a truncated or malformed body is a DataError. */
export async function fetchJson(fetcher: Fetcher, url: string): Promise<unknown> {
  const body = await fetchBytes(fetcher, url);
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (e) {
    throw new DataError(
      `${url}: the response is not valid JSON (${describe(e)}); it may be truncated (${body.length} bytes)`,
      [],
      { cause: e },
    );
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = e.cause instanceof Error ? `: ${e.cause.message}` : "";
    return e.name === "TimeoutError" ? "timed out" : `${e.message}${cause}`;
  }
  return String(e);
}
