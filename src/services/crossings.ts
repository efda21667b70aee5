import { InputError } from "../domain/errors.ts";
import {
  MEASURES,
  MEASURE_INFO,
  normaliseMeasure,
  type Measure,
  type MeasureUnit,
} from "../domain/measures.ts";
import { MonthSchema, type Month } from "../domain/units.ts";
import { STATUS_INFO, periodFigure, sumMonth, type StatusValue } from "../domain/status.ts";
import type { Store } from "../store/db.ts";
import { coverageNotes, getCoverage, last12 } from "./coverage.ts";
import { resolvePorts } from "./resolve.ts";
import { crossingsMonthly, crossingsStatusNotes, crossingStatusIndex, type MonthValue } from "./status.ts";
import type { CrossingsPoint, CrossingsResult } from "../domain/answers.ts";
export type { CrossingsPoint, CrossingsResult, PeriodFigure } from "../domain/answers.ts";

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

/** Monthly or yearly inbound crossings at one or more ports (summed over ports), per measure, with statuses. */
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
  const codes = ports.map((p) => p.port_code as string);
  const monthly = await crossingsMonthly(store, {
    ports: codes,
    measures,
    from,
    to,
    byPort: by === "port",
  });
  // Measures shown: the ones asked for; by default those with a row or a hole in the window (or, when the
  // whole window is outside the ports' series, every measure, so the answer says "not reported").
  const active = new Set(
    monthly.filter((m) => m.status === "observed" || m.status === "missing").map((m) => m.measure),
  );
  const shown = req.measures.length
    ? measures
    : active.size
      ? measures.filter((m) => active.has(m))
      : monthly.every((m) => m.status === "not-reported") && ports.length
        ? measures
        : [];
  const keyOf = (m: MonthValue) => (by === "month" ? m.month : by === "year" ? m.month.slice(0, 4) : m.port!);
  const groups = new Map<string, { month: Month; cell: StatusValue }[]>();
  for (const m of monthly) {
    if (!shown.includes(m.measure as Measure)) continue;
    const k = `${keyOf(m)}|${m.measure}`;
    const list = groups.get(k) ?? [];
    list.push({ month: m.month, cell: { value: m.value, status: m.status } });
    groups.set(k, list);
  }
  const points: CrossingsPoint[] = [...groups].map(([k, months]) => {
    const [period, measure] = k.split("|") as [string, Measure];
    return { ...periodFigure(period, months, by), measure, unit: MEASURE_INFO[measure].unit };
  });
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
  const index = await crossingStatusIndex(store);
  const inAnswer = new Set(codes);
  const holes = index.holeList.filter(
    (h) =>
      (codes.length === 0 || inAnswer.has(h.port)) &&
      shown.includes(h.measure as Measure) &&
      h.month >= from &&
      h.month <= to,
  );
  const notes = coverageNotes("crossings", cov, from, to);
  const zeros = monthly.filter((m) => m.status === "zero" && shown.includes(m.measure as Measure)).length;
  if (zeros && points.some((p) => p.status !== "zero"))
    notes.push(
      `${STATUS_INFO.zero.marker} ${zeros} ${by === "port" ? "port-month" : "month"}(s) with no BTS row are counted as 0 (BTS leaves out zero counts since 2016-08)`,
    );
  notes.push(...crossingsStatusNotes(index, ports, holes, from, to));
  if (shown.length === 0 || points.every((p) => p.status === "zero")) {
    const where = ports.length ? ports.map((p) => p.port_name).join(" + ") : "any port";
    notes.push(
      `no ${(req.measures.length ? measures : ["crossings"]).join(", ")} rows at ${where} in ${from}..${to}; BTS leaves out zero counts since 2016-08, so this means none were reported`,
    );
  }
  if (shown.some((m) => m === "Trucks")) notes.push("Trucks counts loaded and empty trucks together");
  notes.push("BTS counts inbound crossings only (into the U.S.), not unique vehicles or people");
  const result: CrossingsResult = {
    ports,
    measures: shown.map((m) => ({ measure: m, unit: MEASURE_INFO[m].unit })),
    from,
    to,
    by,
    points,
    holes,
    notes,
  };
  if (unit) {
    // A total of the measures: each month summed over the measures (a hole in one makes the month missing).
    const byKey = new Map<string, Map<Month, StatusValue[]>>();
    for (const m of monthly) {
      const k = keyOf(m);
      const months = byKey.get(k) ?? new Map<Month, StatusValue[]>();
      months.set(m.month, [...(months.get(m.month) ?? []), { value: m.value, status: m.status }]);
      byKey.set(k, months);
    }
    result.totals = [...byKey].map(([period, months]) => ({
      ...periodFigure(
        period,
        [...months].map(([month, cells]) => ({ month, cell: sumMonth(cells) })),
        by,
      ),
      unit,
    }));
  }
  return result;
}
