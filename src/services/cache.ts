import type { Store } from "../store/db.ts";

const caches = new WeakMap<Store, Map<string, Promise<unknown>>>();

/**
 * Computes a value once per open store and keeps it (coverage spans, port names): things that change only
 * when an ingest writes, which calls {@link invalidateStoreCaches}.
 */
export function memoPerStore<T>(store: Store, key: string, compute: () => Promise<T>): Promise<T> {
  let m = caches.get(store);
  if (!m) caches.set(store, (m = new Map()));
  let p = m.get(key) as Promise<T> | undefined;
  if (!p) {
    p = compute();
    m.set(key, p);
    p.catch(() => m.delete(key));
  }
  return p;
}

/** Forgets everything cached for a store (after it was written to). */
export function invalidateStoreCaches(store: Store): void {
  caches.delete(store);
}
