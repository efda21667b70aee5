import type { Month } from "../domain/units.ts";
import { addMonths, monthRange } from "../domain/units.ts";
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
    const rows = await store.all<{ port_code: string; measure: string; month: Month; value: number }>({
      sql: "SELECT port_code, measure, month, value::DOUBLE AS value FROM crossings",
      params: [],
    });
    let first = "9999-12" as Month;
    let last = "0000-01" as Month;
    for (const r of rows) {
      if (r.month < first) first = r.month;
      if (r.month > last) last = r.month;
    }
    const months = rows.length ? monthRange(first, last).length : 0;
    const series = new Map<string, Float64Array>();
    const at = new Map(rows.length ? monthRange(first, last).map((m, i) => [m, i]) : []);
    for (const r of rows) {
      const k = `${r.port_code}|${r.measure}`;
      let a = series.get(k);
      if (!a) series.set(k, (a = new Float64Array(months).fill(NaN)));
      const i = at.get(r.month)!;
      a[i] = Number.isNaN(a[i]!) ? r.value : a[i]! + r.value;
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
