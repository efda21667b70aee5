import { DataError } from "../domain/errors.ts";
import { formatBytes } from "./limits.ts";

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
  /** Refuse a body larger than this many bytes (read no further than that). */
  maxBytes = Infinity,
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
  const declaredLength = Number(res.headers.get("content-length"));
  const tooBig = () =>
    new DataError(
      `${url}: the response is larger than ${formatBytes(maxBytes)}, the most accepted; not read`,
    );
  if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooBig();
  }
  let body: Buffer;
  try {
    if (maxBytes === Infinity || !res.body) body = Buffer.from(await res.arrayBuffer());
    else {
      // Read in chunks and stop at the cap: a 300 MB body never sits in memory.
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.length;
        // Leaving the loop by a throw cancels the stream.
        if (size > maxBytes) throw tooBig();
        chunks.push(Buffer.from(chunk));
      }
      body = Buffer.concat(chunks, size);
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
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
