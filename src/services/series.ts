// Monthly series of BTS inbound units per port and mode, as rate functions (units per day) the model's
// forecasts read. A month that is not a usable observation (before the port had the mode, a hole in the
// data, after coverage) is undefined, never zero.
import { MODE_UNITS, type ScenarioMode } from "../domain/scenario.ts";
import { daysInMonth, type Month } from "../domain/units.ts";
import type { Store } from "../store/db.ts";
import { portsMonthlyQuery } from "../store/event-queries.ts";
import { getCoverage } from "./coverage.ts";

/** Units per day in a month, or undefined when the month is not a usable observation. */
export type RateFn = (m: Month) => number | undefined;

/**
 * A month with no BTS row is a hole (undefined), not a zero, when the series is large around it:
 * BTS stopped publishing zero rows after 2016, so an absent month of a small series is a zero, but a
 * crossing of thousands a month does not fall to nothing for one month and back.
 */
const HOLE_MIN_NEIGHBOUR = 100;

/** Monthly totals of one mode's measures at several ports, one query. */
export async function portModeMonthly(
  store: Store,
  ports: readonly string[],
  mode: ScenarioMode,
  from: Month,
  to: Month,
): Promise<Map<string, Map<Month, number>>> {
  const out = new Map<string, Map<Month, number>>();
  if (ports.length === 0) return out;
  const rows = await store.all<{ port_code: string; month: Month; value: number }>(
    portsMonthlyQuery(ports, MODE_UNITS[mode].measures, from, to),
  );
  for (const r of rows) {
    const m = out.get(r.port_code) ?? new Map<Month, number>();
    m.set(r.month, r.value);
    out.set(r.port_code, m);
  }
  return out;
}

/**
 * Rate functions for one mode at several ports: undefined before the port's first month with traffic
 * of the mode, after BTS coverage, and in a hole (no row while the neighbouring months are large).
 */
export async function portModeRates(
  store: Store,
  ports: readonly string[],
  mode: ScenarioMode,
  from: Month,
  to: Month,
): Promise<Map<string, RateFn>> {
  const cov = (await getCoverage(store)).crossings;
  const monthly = await portModeMonthly(store, ports, mode, from, to);
  const out = new Map<string, RateFn>();
  for (const port of ports) {
    const byMonth = monthly.get(port) ?? new Map<Month, number>();
    const positive = [...byMonth]
      .filter(([, v]) => v > 0)
      .map(([m]) => m)
      .sort();
    const first = positive[0];
    out.set(port, (m) => {
      if (first === undefined || m < first || m < cov.first || m > cov.last) return undefined;
      const v = byMonth.get(m);
      if (v !== undefined) return v / daysInMonth(m);
      return isHole(byMonth, m) ? undefined : 0;
    });
  }
  return out;
}

function isHole(byMonth: Map<Month, number>, m: Month): boolean {
  const y = Number(m.slice(0, 4));
  const k = Number(m.slice(5, 7));
  const near = (dm: number) => {
    const t = y * 12 + (k - 1) + dm;
    const mm = `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, "0")}` as Month;
    return byMonth.get(mm);
  };
  const before = near(-1) ?? near(-2);
  const after = near(1) ?? near(2);
  return (before ?? 0) >= HOLE_MIN_NEIGHBOUR || (after ?? 0) >= HOLE_MIN_NEIGHBOUR;
}
