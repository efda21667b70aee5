import { LRUCache } from "lru-cache";
import { CACHE_LIMITS } from "./limits.ts";

/** Sorted-key JSON: the same request written with its keys in another order gives the same key. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** Content encodings the server sends compressed answers in. */
export type AnswerEncoding = "br" | "gzip";

/** A kept answer: its JSON text, and its compressed bytes in each encoding asked for so far. */
interface Entry {
  text: string;
  br?: Buffer;
  gzip?: Buffer;
}

const entrySize = (e: Entry, key: string) =>
  // JSON text as the engine stores it: one byte per character for ASCII, two otherwise; plus the key.
  Math.max(1, e.text.length + key.length + (e.br?.length ?? 0) + (e.gzip?.length ?? 0));

/**
 * Answers computed once and kept as JSON text: an LRU bounded by the bytes it holds (not by a count), keyed by
 * the validated, normalised request (never the raw URL, so `?x=1..N` cannot fill it: unknown parameters are
 * refused before this). Concurrent requests for the same key share one computation. The data cannot change
 * under a read-only server, so nothing expires. An answer's compressed bytes are kept beside its text (and
 * counted in the cap), so a kept answer is compressed once, not at every request.
 */
export class AnswerCache {
  private readonly lru: LRUCache<string, Entry>;
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly encoding = new Map<string, Promise<Buffer>>();

  constructor(
    readonly maxBytes: number = CACHE_LIMITS.maxBytes,
    readonly maxEntryBytes: number = Math.min(CACHE_LIMITS.maxEntryBytes, maxBytes),
  ) {
    this.lru = new LRUCache<string, Entry>({
      maxSize: maxBytes,
      maxEntrySize: this.maxEntryBytes,
      sizeCalculation: entrySize,
    });
  }

  /** The answer for `key`: kept, being computed, or computed now by `compute` (JSON text). */
  async get(key: string, compute: () => Promise<string>): Promise<{ body: string; hit: boolean }> {
    const kept = this.lru.get(key);
    if (kept !== undefined) return { body: kept.text, hit: true };
    let p = this.inFlight.get(key);
    const hit = p !== undefined;
    if (!p) {
      p = compute().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, p);
      // Kept only if it fits (maxEntrySize): a large answer is computed for each request that asks.
      p.then((text) => this.lru.set(key, { text })).catch(() => undefined);
    }
    return { body: await p, hit };
  }

  /** The kept answer for `key`, if there is one (counts as a use). */
  peek(key: string): string | undefined {
    return this.lru.get(key)?.text;
  }

  /**
   * The kept answer of `key` in `encoding`: compressed by `encode` the first time and kept with it while the
   * whole entry stays under the per-answer cap; undefined when `key` is not kept (compress it per request).
   */
  async encoded(
    key: string,
    encoding: AnswerEncoding,
    encode: (text: string) => Promise<Buffer>,
  ): Promise<Buffer | undefined> {
    const e = this.lru.peek(key);
    if (!e) return undefined;
    const ready = e[encoding];
    if (ready) return ready;
    const k = `${encoding} ${key}`;
    let p = this.encoding.get(k);
    if (!p) {
      p = encode(e.text).finally(() => this.encoding.delete(k));
      this.encoding.set(k, p);
      void p
        .then((bytes) => {
          const now = this.lru.peek(key);
          if (now !== e) return;
          const next = { ...e, [encoding]: bytes };
          if (entrySize(next, key) <= this.maxEntryBytes) this.lru.set(key, next);
        })
        .catch(() => undefined);
    }
    return p;
  }

  /** Bytes and answers held now. */
  get stats(): { bytes: number; entries: number; maxBytes: number } {
    return { bytes: this.lru.calculatedSize, entries: this.lru.size, maxBytes: this.maxBytes };
  }
}
