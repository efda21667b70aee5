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

const kept = new WeakSet<Store>();

/** Loads the store's crossings into memory now and answers crossings rows from memory from then on. */
export function keepCrossingsInMemory(store: Store): Promise<CrossingsCube> {
  kept.add(store);
  return crossingsCube(store);
}

/** The store's crossings in memory when it keeps them there (a server); undefined otherwise. */
export function keptCrossingsCube(store: Store): Promise<CrossingsCube> | undefined {
  return kept.has(store) ? crossingsCube(store) : undefined;
}

function crossingsCube(store: Store): Promise<CrossingsCube> {
  return memoPerStore(store, "crossings-cube", async () => {
    // One row per port and measure with its months as offsets and its values as lists: a few thousand rows
    // instead of 400,000 row objects with three strings each (1.3 s of the server's start on the main thread).
    const rows = await store.all<{
      port_code: string;
      measure: string;
      first: Month;
      last: Month;
      at: number[];
      v: number[];
    }>({
      sql: `WITH span AS (SELECT min(month) AS first, max(month) AS last FROM crossings)
        SELECT port_code, measure, any_value(span.first) AS first, any_value(span.last) AS last,
          list(date_diff('month', strptime(span.first, '%Y-%m'), strptime(month, '%Y-%m'))::INTEGER) AS at,
          list(value::DOUBLE) AS v
        FROM crossings, span GROUP BY port_code, measure`,
      params: [],
    });
    if (rows.length === 0) return { first: "9999-12" as Month, months: 0, series: new Map() };
    const first = rows[0]!.first;
    const months = monthIndex(first, rows[0]!.last) + 1;
    const series = new Map<string, Float64Array>();
    for (const r of rows) {
      const a = new Float64Array(months).fill(NaN);
      for (let j = 0; j < r.at.length; j++) {
        const i = r.at[j]!;
        a[i] = Number.isNaN(a[i]!) ? r.v[j]! : a[i]! + r.v[j]!;
      }
      series.set(`${r.port_code}|${r.measure}`, a);
    }
    return { first, months, series };
  });
}

/**
 * Crossings summed over `ports` (or kept per port) by measure and month, as the SQL of `crossingsMonthly`
 * returns them, from memory when the store keeps its crossings there; undefined otherwise (query DuckDB).
 * Only port-month-measures with a BTS row give a row.
 */
export async function crossingsRowsInMemory(
  store: Store,
  req: { ports: readonly string[]; measures: readonly string[]; from: Month; to: Month; byPort?: boolean },
): Promise<{ port: string; measure: string; month: Month; value: number }[] | undefined> {
  if (!kept.has(store)) return undefined;
  const cube = await crossingsCube(store);
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
