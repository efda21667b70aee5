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

/**
 * Answers computed once and kept as JSON text: an LRU bounded by the bytes it holds (not by a count), keyed by
 * the validated, normalised request (never the raw URL, so `?x=1..N` cannot fill it: unknown parameters are
 * refused before this). Concurrent requests for the same key share one computation. The data cannot change
 * under a read-only server, so nothing expires.
 */
export class AnswerCache {
  private readonly lru: LRUCache<string, string>;
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    readonly maxBytes: number = CACHE_LIMITS.maxBytes,
    readonly maxEntryBytes: number = Math.min(CACHE_LIMITS.maxEntryBytes, maxBytes),
  ) {
    this.lru = new LRUCache<string, string>({
      maxSize: maxBytes,
      maxEntrySize: this.maxEntryBytes,
      // JSON text as the engine stores it: one byte per character for ASCII, two otherwise; plus the key.
      sizeCalculation: (v, k) => Math.max(1, v.length + k.length),
    });
  }

  /** The answer for `key`: kept, being computed, or computed now by `compute` (JSON text). */
  async get(key: string, compute: () => Promise<string>): Promise<{ body: string; hit: boolean }> {
    const kept = this.lru.get(key);
    if (kept !== undefined) return { body: kept, hit: true };
    let p = this.inFlight.get(key);
    const hit = p !== undefined;
    if (!p) {
      p = compute().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, p);
      // Kept only if it fits (maxEntrySize): a large answer is computed for each request that asks.
      p.then((body) => this.lru.set(key, body)).catch(() => undefined);
    }
    return { body: await p, hit };
  }

  /** Bytes and answers held now. */
  get stats(): { bytes: number; entries: number; maxBytes: number } {
    return { bytes: this.lru.calculatedSize, entries: this.lru.size, maxBytes: this.maxBytes };
  }
}
