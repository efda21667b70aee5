// Monthly series of BTS inbound units per port and mode, as rate functions (units per day) that the
// model's baselines and the backtest's counterfactuals read. Two views of the same series:
// - observed: every month with a value (observed or zero); holes and months outside a port's series are
//   undefined, never zero (statuses from services/status.ts);
// - baseline: the observed months minus those that are not a clean baseline: the registry's event windows at
//   the port and mode, documented anomalous periods (COVID restrictions; data/model/anomalous-periods.csv),
//   and, when the window reaches past a series break, the months before it (El Paso 2402 before Ysleta was
//   split out in 2020-03; a window wholly before the break keeps them: they are one series there).
import { SERIES_BREAKS } from "../domain/port-identity.ts";
import { MODE_UNITS, eventModes, eventPorts, type ScenarioMode } from "../domain/scenario.ts";
import { sumMonth } from "../domain/status.ts";
import { daysInMonth, monthRange, type Month } from "../domain/units.ts";
import type { Store } from "../store/db.ts";
import { memoPerStore } from "./cache.ts";
import { modelTable } from "./model-data.ts";
import { eventScenario, loadEvents } from "./events.ts";
import { crossingsCells } from "./status.ts";

/** Units per day in a month, or undefined when the month is not usable. */
export type RateFn = (m: Month) => number | undefined;

/** One port × mode series: observed months, the clean baseline, and why months are left out of it. */
export interface PortModeSeries {
  observed: RateFn;
  baseline: RateFn;
  /** Months kept out of the baseline although observed, with the reason. */
  excluded: Map<Month, string>;
}

/** A documented anomalous period (data/model/anomalous-periods.csv, vendored in the snapshot). */
export interface AnomalousPeriod {
  id: string;
  from: Month;
  to: Month;
  border: "mexico" | "canada" | "both";
  modes: ScenarioMode[];
  reason: string;
  sources: string;
  verification: string;
}

/** The anomalous periods of the store's snapshot. */
export function anomalousPeriods(store: Store): Promise<AnomalousPeriod[]> {
  return memoPerStore(store, "anomalous-periods", async () => {
    const rows = await modelTable<{
      id: string;
      from_month: Month;
      to_month: Month;
      border: AnomalousPeriod["border"];
      modes: string;
      reason: string;
      source_urls: string;
      verification: string;
    }>(store, "anomalous_periods");
    return rows.map((r) => ({
      id: r.id,
      from: r.from_month,
      to: r.to_month,
      border: r.border,
      modes: r.modes.split(";") as ScenarioMode[],
      reason: r.reason,
      sources: r.source_urls,
      verification: r.verification,
    }));
  });
}

/** Months of the registry's events at each port × mode (`port/mode` → months), from the derived scenarios. */
export function registryEventMonths(store: Store): Promise<Map<string, Map<Month, string>>> {
  return memoPerStore(store, "registry-event-months", async () => {
    const out = new Map<string, Map<Month, string>>();
    for (const e of loadEvents(store)) {
      const d = await eventScenario(store, e);
      if (!d.ok) continue;
      for (const ev of d.events) {
        const months = monthRange(
          new Date(ev.start).toISOString().slice(0, 7) as Month,
          new Date(ev.end).toISOString().slice(0, 7) as Month,
        );
        for (const port of eventPorts(ev))
          for (const mode of eventModes(ev)) {
            const m = out.get(`${port}/${mode}`) ?? new Map<Month, string>();
            for (const x of months) if (!m.has(x)) m.set(x, `registry event ${e.id}`);
            out.set(`${port}/${mode}`, m);
          }
      }
    }
    return out;
  });
}

/** The observed and baseline series of one mode at several ports of one border, from `from` to `to`. */
export async function portModeSeries(
  store: Store,
  ports: readonly string[],
  mode: ScenarioMode,
  border: "mexico" | "canada",
  from: Month,
  to: Month,
): Promise<Map<string, PortModeSeries>> {
  const out = new Map<string, PortModeSeries>();
  if (ports.length === 0) return out;
  const cells = await crossingsCells(store, { ports, measures: MODE_UNITS[mode].measures, from, to });
  const byPortMonth = new Map<string, Map<Month, (typeof cells)[number][]>>();
  for (const c of cells) {
    const m = byPortMonth.get(c.port) ?? new Map<Month, (typeof cells)[number][]>();
    const list = m.get(c.month) ?? [];
    list.push(c);
    m.set(c.month, list);
    byPortMonth.set(c.port, m);
  }
  const anomalies = (await anomalousPeriods(store)).filter(
    (a) => (a.border === "both" || a.border === border) && a.modes.includes(mode),
  );
  const events = await registryEventMonths(store);
  for (const port of ports) {
    const months = byPortMonth.get(port) ?? new Map();
    const values = new Map<Month, number>();
    for (const [month, list] of months) {
      const total = sumMonth(list);
      if (total.value !== null && (total.status === "observed" || total.status === "zero"))
        values.set(month, total.value);
    }
    const excluded = new Map<Month, string>();
    for (const a of anomalies)
      for (const m of monthRange(a.from, a.to))
        if (values.has(m)) excluded.set(m, `anomalous period ${a.id}`);
    for (const [m, why] of events.get(`${port}/${mode}`) ?? [])
      if (values.has(m) && !excluded.has(m)) excluded.set(m, why);
    // A parent port's months before its break are another series (they include the child's traffic): they
    // leave the baseline only when the window reaches past the break, so a window wholly before it keeps them.
    for (const b of SERIES_BREAKS)
      if (b.port === port && b.role === "parent" && to >= b.month)
        for (const m of values.keys())
          if (m < b.month) excluded.set(m, `before the series break at ${b.month}`);
    const observed: RateFn = (m) => {
      const v = values.get(m);
      return v === undefined ? undefined : v / daysInMonth(m);
    };
    out.set(port, {
      observed,
      baseline: (m) => (excluded.has(m) ? undefined : observed(m)),
      excluded,
    });
  }
  return out;
}
