import type { Month } from "../domain/units.ts";
import { addMonths } from "../domain/units.ts";
import type { Store } from "../store/db.ts";
import { memoPerStore } from "./cache.ts";

/**
 * Every BTS crossings count of a store, in memory: one Float64Array of months per port and measure (NaN where
 * BTS has no row), about 4 MB for the snapshot. A long-running server keeps it (`keepCrossingsInMemory`), so
 * a series nobody asked for before is read from memory instead of a DuckDB query: measured in bench/api.ts
 * against an index and a sorted table (docs/api.md "Speed"). One-shot CLI commands query DuckDB instead.
 */
export interface CrossingsCube {
  first: Month;
  months: number;
  series: Map<string, Float64Array>;
}

/** Stores whose crossings are loaded in memory, with them. */
const loaded = new WeakMap<Store, CrossingsCube>();

/**
 * Loads the store's crossings into memory now and answers crossings rows from memory from then on. The load is
 * a few small reads (one per measure, about 10 ms each), checking `signal` between them: a server that is
 * stopping abandons it after the read in progress instead of waiting for the whole load.
 */
export function keepCrossingsInMemory(store: Store, signal?: AbortSignal): Promise<CrossingsCube> {
  return memoPerStore(store, "crossings-cube", async () => {
    const cube = await loadCube(store, signal);
    loaded.set(store, cube);
    return cube;
  });
}

/**
 * The store's crossings in memory once a server has loaded them; undefined otherwise (a CLI command, or a
 * server still loading them: a request then queries DuckDB, which gives the same answer, instead of waiting).
 */
export function keptCrossingsCube(store: Store): CrossingsCube | undefined {
  return loaded.get(store);
}

async function loadCube(store: Store, signal?: AbortSignal): Promise<CrossingsCube> {
  const [span] = await store.all<{ first: Month | null; last: Month | null; measures: string[] | null }>({
    sql: "SELECT min(month) AS first, max(month) AS last, list(DISTINCT measure ORDER BY measure) AS measures FROM crossings",
    params: [],
  });
  if (!span?.first || !span.last || !span.measures)
    return { first: "9999-12" as Month, months: 0, series: new Map() };
  const first = span.first;
  const months = monthIndex(first, span.last) + 1;
  const base = monthNumber(first);
  const series = new Map<string, Float64Array>();
  for (const measure of span.measures) {
    signal?.throwIfAborted();
    // One row per port with its months and values as "month:value,..." text: parsing it is a third of the
    // cost of DuckDB's list values as JS arrays, and the main thread is what a starting server waits for.
    const rows = await store.all<{ port_code: string; s: string }>({
      sql: `SELECT port_code, string_agg((substr(month, 1, 4)::INTEGER * 12 + substr(month, 6, 2)::INTEGER)::VARCHAR
          || ':' || value::VARCHAR, ',') AS s
        FROM crossings WHERE measure = ? GROUP BY port_code`,
      params: [measure],
    });
    for (const r of rows) {
      const a = new Float64Array(months).fill(NaN);
      const s = r.s;
      for (let pos = 0; pos < s.length;) {
        const colon = s.indexOf(":", pos);
        let end = s.indexOf(",", colon);
        if (end < 0) end = s.length;
        const i = Number(s.slice(pos, colon)) - base;
        const v = Number(s.slice(colon + 1, end));
        // Two rows for one port, measure and month are summed.
        a[i] = Number.isNaN(a[i]!) ? v : a[i]! + v;
        pos = end + 1;
      }
      series.set(`${r.port_code}|${measure}`, a);
    }
  }
  // In port order (the reads come back in any order), so ports listed from the keys come sorted.
  return { first, months, series: new Map([...series].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

/** A month as a count of months (year × 12 + month). */
const monthNumber = (m: Month) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));

/**
 * Crossings summed over `ports` (or kept per port) by measure and month, as the SQL of `crossingsMonthly`
 * returns them, from memory when the store keeps its crossings there; undefined otherwise (query DuckDB).
 * Only port-month-measures with a BTS row give a row.
 */
export async function crossingsRowsInMemory(
  store: Store,
  req: { ports: readonly string[]; measures: readonly string[]; from: Month; to: Month; byPort?: boolean },
): Promise<{ port: string; measure: string; month: Month; value: number }[] | undefined> {
  const cube = keptCrossingsCube(store);
  if (!cube) return undefined;
  const ports = req.ports.length
    ? req.ports
    : [...new Set([...cube.series.keys()].map((k) => k.slice(0, k.indexOf("|"))))];
  const out: { port: string; measure: string; month: Month; value: number }[] = [];
  const lo = Math.max(0, monthIndex(cube.first, req.from));
  const hi = Math.min(cube.months - 1, monthIndex(cube.first, req.to));
  if (hi < lo) return out;
  const groups = req.byPort ? ports.map((p) => [p]) : [ports];
  for (const group of groups) {
    for (const measure of req.measures) {
      const arrays = group.map((p) => cube.series.get(`${p}|${measure}`)).filter((a) => a !== undefined);
      if (arrays.length === 0) continue;
      for (let i = lo; i <= hi; i++) {
        let sum = NaN;
        for (const a of arrays) {
          const v = a[i]!;
          if (!Number.isNaN(v)) sum = Number.isNaN(sum) ? v : sum + v;
        }
        if (!Number.isNaN(sum))
          out.push({
            port: req.byPort ? group[0]! : "",
            measure,
            month: addMonths(cube.first, i),
            value: sum,
          });
      }
    }
  }
  return out;
}

/** Months from `first` to `m` (negative before `first`). */
export function monthIndex(first: Month, m: Month): number {
  return (
    (Number(m.slice(0, 4)) - Number(first.slice(0, 4))) * 12 +
    (Number(m.slice(5, 7)) - Number(first.slice(5, 7)))
  );
}
