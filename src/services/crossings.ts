import { InputError } from "../domain/errors.ts";
import {
  MEASURES,
  MEASURE_INFO,
  normaliseMeasure,
  type Measure,
  type MeasureUnit,
} from "../domain/measures.ts";
import { daysInMonth, MonthSchema, type Month } from "../domain/units.ts";
import type { Store } from "../store/db.ts";
import { crossingsQuery } from "../store/queries.ts";
import { coverageNotes, getCoverage, last12, windowCoverage } from "./coverage.ts";
import { resolvePorts } from "./resolve.ts";
import type { CrossingsPoint, CrossingsResult } from "../domain/answers.ts";
export type { CrossingsPoint, CrossingsResult } from "../domain/answers.ts";

/** What a user asks of the crossings series. */
export interface CrossingsRequest {
  ports: string[];
  measures: string[];
  from?: string;
  to?: string;
  /** month or year: a series summed over the ports; port: one total per port over the window. */
  by?: "month" | "year" | "port";
  /** Also sum the measures together (refused unless they share a unit). */
  total?: boolean;
}

/** Parses a user's month, or throws an InputError naming the flag. */
export function parseMonth(value: string, flag: string): Month {
  const r = MonthSchema.safeParse(value.trim());
  if (!r.success)
    throw new InputError(
      `${flag} "${value}" is not a month: ${r.error.issues[0]?.message ?? "expected YYYY-MM"}`,
    );
  return r.data;
}

/** Parses measure names (any case, legacy "Full" names); unknown ones are refused with the list. */
export function parseMeasures(inputs: readonly string[]): Measure[] {
  return inputs.map((m) => {
    const hit = normaliseMeasure(m);
    if (!hit) throw new InputError(`unknown measure "${m}" (valid: ${MEASURES.join(", ")})`);
    return hit;
  });
}

/** Refuses to add up measures with different units, with a message that says why. */
export function assertSummable(measures: readonly Measure[]): MeasureUnit {
  const units = new Map(measures.map((m) => [m, MEASURE_INFO[m].unit]));
  const distinct = [...new Set(units.values())];
  if (distinct.length > 1) {
    const list = [...units].map(([m, u]) => `${m} (${u})`).join(", ");
    throw new InputError(
      `refusing to sum ${list}: they count different units, so a total would mean nothing`,
      "ask for one unit at a time, e.g. the passenger measures together, or drop --total",
    );
  }
  return distinct[0]!;
}

/** Monthly or yearly inbound crossings at one or more ports (summed over ports), per measure. */
export async function crossingsSeries(store: Store, req: CrossingsRequest): Promise<CrossingsResult> {
  const ports = await resolvePorts(store, req.ports);
  const measures = req.measures.length ? parseMeasures(req.measures) : [...MEASURES];
  const unit = req.total ? assertSummable(measures) : undefined;
  const cov = (await getCoverage(store)).crossings;
  const def = last12(cov.last);
  const from = req.from ? parseMonth(req.from, "--from") : def.from;
  const to = req.to ? parseMonth(req.to, "--to") : def.to;
  if (from > to) throw new InputError(`--from ${from} is after --to ${to}`);
  const by = req.by ?? "month";
  const rows = await store.all<{ period: string; measure: Measure; value: number }>(
    crossingsQuery({ ports: ports.map((p) => p.port_code), measures, from, to, by }),
  );
  const { months } = windowCoverage(cov, from, to);
  const periodDays = new Map<string, number>();
  let windowDays = 0;
  for (const m of months) {
    const key = by === "month" ? m : m.slice(0, 4);
    periodDays.set(key, (periodDays.get(key) ?? 0) + daysInMonth(m));
    windowDays += daysInMonth(m);
  }
  // By port, a "period" is a port code and every port's days are the window's.
  const daysOf = (period: string) => (by === "port" ? windowDays : (periodDays.get(period) ?? 0));
  // Since 2017 BTS leaves out zero counts: a month without a row is a zero, shown as one so a series
  // has no holes. Only measures with at least one row in the window are filled.
  const points: CrossingsPoint[] = [];
  let zeros = 0;
  const periods =
    by === "port"
      ? [...new Set(rows.map((r) => r.period))]
      : by === "month"
        ? months
        : [...new Set(months.map((m) => m.slice(0, 4)))];
  for (const measure of measures) {
    const have = new Map<string, number>();
    for (const r of rows) if (r.measure === measure) have.set(r.period, r.value);
    if (have.size === 0) continue;
    const unit = MEASURE_INFO[measure].unit;
    for (const period of periods) {
      const v = have.get(period);
      if (v === undefined) zeros++;
      const value = v ?? 0;
      const days = daysOf(period);
      points.push({ period, measure, unit, value, days, perDay: days ? value / days : 0 });
    }
  }
  points.sort((a, b) =>
    a.period < b.period
      ? -1
      : a.period > b.period
        ? 1
        : a.measure < b.measure
          ? -1
          : a.measure > b.measure
            ? 1
            : 0,
  );
  const notes = coverageNotes("crossings", cov, from, to);
  if (zeros)
    notes.push(`${zeros} ${by}(s) with no BTS row are shown as 0 (BTS leaves out zero counts since 2017)`);
  if (points.length === 0 && notes.length === 0) {
    const where = ports.length ? ports.map((p) => p.port_name).join(" + ") : "any port";
    notes.push(
      `no ${measures.join(", ")} rows at ${where} in ${from}..${to}; since 2017 BTS leaves out zero counts, so this means none were reported`,
    );
  }
  if (measures.some((m) => m === "Trucks")) notes.push("Trucks counts loaded and empty trucks together");
  notes.push("BTS counts inbound crossings only (into the U.S.), not unique vehicles or people");
  const result: CrossingsResult = {
    ports,
    measures: measures.map((m) => ({ measure: m, unit: MEASURE_INFO[m].unit })),
    from,
    to,
    by,
    points,
    notes,
  };
  if (unit) {
    const byPeriod = new Map<string, number>();
    for (const p of points) byPeriod.set(p.period, (byPeriod.get(p.period) ?? 0) + p.value);
    result.totals = [...byPeriod].map(([period, value]) => {
      const days = daysOf(period);
      return { period, unit, value, perDay: days ? value / days : 0 };
    });
  }
  return result;
}
