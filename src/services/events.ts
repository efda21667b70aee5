import { existsSync } from "node:fs";
import { join } from "node:path";
import { InputError, NotFoundError } from "../domain/errors.ts";
import {
  deriveScenario,
  type DerivedScenario,
  type DisruptionEvent,
  type EventFigure,
} from "../domain/events.ts";
import { modelData } from "./model-data.ts";
import {
  MODE_UNITS,
  eventModes,
  eventPorts,
  type ScenarioEventSpec,
  type ScenarioMode,
} from "../domain/scenario.ts";
import { addMonths, daysInMonth, monthRange, type Month } from "../domain/units.ts";
import { counterfactual, distanceKm, type Counterfactual } from "../model/index.ts";
import { readEventRegistry } from "../sources/events.ts";
import type { Store } from "../store/db.ts";
import { portsWithModeQuery, portTradeMonthlyQuery } from "../store/event-queries.ts";
import { getCoverage, windowCoverage } from "./coverage.ts";
import { parseMonth } from "./crossings.ts";
import { crossingsMonthly } from "./status.ts";
import { matchPort, portNames } from "./resolve.ts";
import type { StudyRow, EventStudy } from "../domain/answers.ts";
export type { StudyRow, EventStudy } from "../domain/answers.ts";

/**
 * Registry events whose sources give the officers moved: they are modelled as the officer event built from
 * those numbers (the snapshot's officer-events.json: officers by field office and date, through the staffing
 * model) instead of the rule for their closure type (a "partial" closure: a 50% facilities cut at every
 * listed port, a size no source gives).
 */
export const OFFICER_EVENT_OF: Readonly<Record<string, string>> = {
  "cbp-officer-reassignment-2019": "officers-2019-reassignment",
};

/** An event as a scenario, each port's times read in its own zone (the snapshot's port_zones). */
export async function eventScenario(store: Store, e: DisruptionEvent): Promise<DerivedScenario> {
  const officers = OFFICER_EVENT_OF[e.id];
  const o =
    officers && !e.scenario?.length ? loadOfficerEvents(store).find((x) => x.id === officers) : undefined;
  if (o?.scenario?.length) {
    const d = await eventScenario(store, o);
    if (d.ok)
      return {
        ...d,
        rules: [
          `modelled from the sources' officer numbers: the officer event ${o.id} (officers by field office and date, through the staffing model) instead of the rule for its closure type ("${e.closure_type}")`,
          ...d.rules,
        ],
      };
  }
  const data = await modelData(store);
  return deriveScenario(
    e,
    (p) => data.zones.get(p),
    (p) =>
      data.lanes.get(p)?.crossings.map((c) => ({
        crossing: c.crossing,
        lanes: c.lanes,
        openHours: c.openTo - c.openFrom,
      })),
  );
}

/** How a published figure compares with borderflow's numbers: trade value held up, or something else. */
export function comparability(f: EventFigure): string | undefined {
  if (f.unit !== "USD per day") return undefined;
  const m = `${f.measures} ${f.note ?? ""}`.toLowerCase();
  const goods =
    "comparable to (a) trade value held up per closure day (goods delayed: a gross flow, not a loss)";
  if (/value of goods|trade value|commerce|shipments/.test(m)) return goods;
  if (/loss|losing|hit to the economy|wages|gdp/.test(m))
    return "not comparable to trade value: an estimate of economic loss, which counts more than goods (wages, transport)";
  return goods;
}

/**
 * The disruption registry: the one vendored with the snapshot plus, optionally, a user's file of the same
 * layout (validated; its ids must not repeat the registry's).
 */
export function loadEvents(store: Store, extraFile?: string): DisruptionEvent[] {
  const file = join(store.snapshotDir, "events.json");
  const base = existsSync(file) ? readEventRegistry(file) : [];
  if (!extraFile) return base;
  if (!existsSync(extraFile)) throw new InputError(`events file ${extraFile} does not exist`);
  const extra = readEventRegistry(extraFile);
  const ids = new Set(base.map((e) => e.id));
  const clash = extra.filter((e) => ids.has(e.id)).map((e) => e.id);
  if (clash.length)
    throw new InputError(
      `${extraFile}: event id(s) already in the registry: ${clash.join(", ")}`,
      "give your events ids of their own",
    );
  return [...base, ...extra];
}

/**
 * The officer redeployments expressed as officer events (the snapshot's officer-events.json, built from
 * data/reference): the 2019 reassignment with the sources' officer numbers, the 2023 closure lists.
 */
export function loadOfficerEvents(store: Store): DisruptionEvent[] {
  const file = join(store.snapshotDir, "officer-events.json");
  return existsSync(file) ? readEventRegistry(file) : [];
}

/** Finds one event by id, with a suggestion when it is unknown. */
export function findEvent(events: DisruptionEvent[], id: string): DisruptionEvent {
  const hit = events.find((e) => e.id === id);
  if (hit) return hit;
  const near = events
    .filter((e) => e.id.includes(id) || id.split("-").some((w) => w.length > 3 && e.id.includes(w)))
    .slice(0, 3);
  throw new NotFoundError(
    `unknown event "${id}"${near.length ? ` (did you mean ${near.map((e) => e.id).join(", ")}?)` : " (list them with: borderflow events)"}`,
  );
}

/** Filters for `borderflow events`. */
export interface EventFilter {
  border?: string;
  port?: string;
  from?: string;
  to?: string;
}

/** Lists events, filtered by border (mexico|canada), port (code or name) and start month. */
export async function listEvents(
  store: Store,
  events: DisruptionEvent[],
  f: EventFilter,
): Promise<DisruptionEvent[]> {
  const border = f.border?.toLowerCase();
  if (border && border !== "mexico" && border !== "canada")
    throw new InputError(`--border "${f.border}" is not valid (expected mexico or canada)`);
  const port = f.port ? matchPort(f.port, await portNames(store)).port_code : undefined;
  const from = f.from ? parseMonth(f.from, "--from") : undefined;
  const to = f.to ? parseMonth(f.to, "--to") : undefined;
  return events
    .filter((e) => !border || e.border.toLowerCase().includes(border))
    .filter((e) => !port || e.ports.some((p) => p.cbp_port_code === port))
    .filter((e) => !from || e.start.date.slice(0, 7) >= from)
    .filter((e) => !to || e.start.date.slice(0, 7) <= to)
    .sort((a, b) => a.start.date.localeCompare(b.start.date));
}

interface Target {
  port: string;
  mode: ScenarioMode;
}

const monthOf = (iso: string) => iso.slice(0, 7) as Month;

/** The port × mode pairs an event's scenario acts on, limited to modes each port has. */
export async function targetsOf(
  store: Store,
  events: ScenarioEventSpec[],
): Promise<{ targets: Target[]; dropped: string[] }> {
  const modes = new Map(
    (
      await store.all<{ port_code: string; crossing_modes: string[] }>({
        sql: "SELECT port_code, crossing_modes FROM ports",
        params: [],
      })
    ).map((p) => [p.port_code, p.crossing_modes]),
  );
  const seen = new Set<string>();
  const targets: Target[] = [];
  const dropped: string[] = [];
  for (const ev of events) {
    for (const port of eventPorts(ev)) {
      for (const mode of eventModes(ev)) {
        const key = `${port}/${mode}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (!modes.has(port)) dropped.push(`${port} is not a BTS crossings port`);
        else if (!modes.get(port)!.includes(mode)) dropped.push(`${port} has no ${mode} crossings`);
        else targets.push({ port, mode });
      }
    }
  }
  return { targets, dropped };
}

/**
 * A monthly rate function for one port and mode (units per day): undefined for a month where one of the
 * mode's measures is a hole or the port is not reported (issue 9: never read as zero), and before the
 * port's first reported month of the mode.
 */
async function unitRates(
  store: Store,
  port: string,
  mode: ScenarioMode,
  from: Month,
  to: Month,
): Promise<(m: Month) => number | undefined> {
  const cells = await crossingsMonthly(store, {
    ports: [port],
    measures: MODE_UNITS[mode].measures,
    from,
    to,
  });
  const byMonth = new Map<Month, number | null>();
  for (const c of cells) {
    const prev = byMonth.get(c.month);
    byMonth.set(c.month, prev === null || c.value === null ? null : (prev ?? 0) + c.value);
  }
  const first =
    cells
      .filter((c) => c.status === "observed")
      .map((c) => c.month)
      .sort()[0] ?? to;
  return (m) => {
    const v = byMonth.get(m);
    return m < first || v === null || v === undefined ? undefined : v / daysInMonth(m);
  };
}

/** Monthly trade value rates of a port and mode (defined only in months with port-level data). */
async function valueRates(
  store: Store,
  port: string,
  mode: string,
  from: Month,
  to: Month,
): Promise<(m: Month) => number | undefined> {
  const cov = (await getCoverage(store)).trade;
  const rows = await store.all<{ month: Month; value: number }>(portTradeMonthlyQuery(port, mode, from, to));
  const byMonth = new Map(rows.map((r) => [r.month, r.value]));
  const ok = new Set(windowCoverage(cov, from, to).months);
  return (m) => (ok.has(m) ? (byMonth.get(m) ?? 0) / daysInMonth(m) : undefined);
}

function studyRows(
  meta: Omit<
    StudyRow,
    "month" | "observed" | "counterfactual" | "lo" | "hi" | "effect" | "effectShare" | "outside"
  >,
  cf: Counterfactual[],
  rate: (m: Month) => number | undefined,
): StudyRow[] {
  return cf.map((c) => {
    const r = rate(c.month);
    const observed = r === undefined ? null : r * daysInMonth(c.month);
    const effect = observed === null ? null : observed - c.point;
    return {
      ...meta,
      month: c.month,
      observed,
      counterfactual: c.point,
      lo: c.lo,
      hi: c.hi,
      effect,
      effectShare: effect === null || c.point === 0 ? null : effect / c.point,
      outside:
        observed === null || c.lo === null || c.hi === null ? null : observed < c.lo || observed > c.hi,
    };
  });
}

/** The nearest ports of the same border and mode (alternatives to look at). */
export async function nearest(store: Store, port: string, mode: ScenarioMode, exclude: string[], n: number) {
  const border = (
    await store.all<{ border: string; latitude: number; longitude: number }>({
      sql: "SELECT border, latitude, longitude FROM ports WHERE port_code = ?",
      params: [port],
    })
  )[0];
  if (!border) return [];
  const all = await store.all<{ port_code: string; port_name: string; latitude: number; longitude: number }>(
    portsWithModeQuery(border.border, mode),
  );
  return all
    .filter((p) => !exclude.includes(p.port_code))
    .map((p) => ({ ...p, km: distanceKm(border.latitude, border.longitude, p.latitude, p.longitude) }))
    .sort((a, b) => a.km - b.km)
    .slice(0, n);
}

/** Months an event study looks at: from the start month to two months after the end month (at most 12). */
export function studyMonths(events: ScenarioEventSpec[]): { origin: Month; months: Month[] } {
  const start = monthOf(events.map((e) => new Date(e.start).toISOString()).sort()[0]!);
  const end = monthOf(
    events
      .map((e) => new Date(e.end).toISOString())
      .sort()
      .at(-1)!,
  );
  const last = addMonths(end, 2) < addMonths(start, 11) ? addMonths(end, 2) : addMonths(start, 11);
  return { origin: addMonths(start, -1), months: monthRange(start, last) };
}

/** Why an event's months cannot be studied with the BTS coverage, or undefined when they can. */
export function outsideCoverage(
  cov: { first: Month; last: Month },
  origin: Month,
  months: Month[],
): string | undefined {
  if (months[0]! > cov.last) return `starts ${months[0]}, after BTS crossings end (${cov.last})`;
  if (addMonths(origin, -5) < cov.first)
    return `too early: a counterfactual needs months of BTS data before ${months[0]}, which starts ${cov.first}`;
  return undefined;
}

/**
 * An event study: for the affected ports and modes, and the three nearest alternatives of each, observed
 * monthly BTS crossings (and TransBorder value where covered) against a seasonal counterfactual from data
 * before the event only, with a 90% prediction interval from the same method's past errors.
 */
export async function eventStudy(store: Store, e: DisruptionEvent): Promise<EventStudy> {
  const d = await eventScenario(store, e);
  const head = { id: e.id, title: e.title };
  if (!d.ok) return { ...head, status: "not-modelled", reason: d.reason, months: [], rows: [], notes: [] };
  const cov = await getCoverage(store);
  const { origin, months } = studyMonths(d.events);
  const outside = outsideCoverage(cov.crossings, origin, months);
  if (outside)
    return { ...head, status: "outside-coverage", reason: outside, origin, months, rows: [], notes: [] };
  const { targets, dropped } = await targetsOf(store, d.events);
  const names = new Map((await portNames(store)).map((p) => [p.port_code as string, p.port_name]));
  const histFrom = addMonths(origin, -(12 * 5 + 36 + 12));
  const rows: StudyRow[] = [];
  const affectedPorts = targets.map((t) => t.port);
  const end = months.at(-1)!;
  // One series of the study: its rows against the counterfactual from data to the origin.
  const study = (
    port: string,
    portName: string,
    role: StudyRow["role"],
    mode: ScenarioMode,
    series: string,
    rate: (m: Month) => number | undefined,
  ) =>
    rows.push(
      ...studyRows({ port, portName, role, mode, series }, counterfactual(rate, origin, months), rate),
    );
  for (const t of targets) {
    const name = names.get(t.port) ?? t.port;
    study(
      t.port,
      name,
      "affected",
      t.mode,
      MODE_UNITS[t.mode].unit,
      await unitRates(store, t.port, t.mode, histFrom, end),
    );
    const tradeMode = MODE_UNITS[t.mode].tradeMode;
    if (tradeMode && months[0]! <= cov.trade.last && origin >= cov.trade.first) {
      study(
        t.port,
        name,
        "affected",
        t.mode,
        "trade value USD",
        await valueRates(store, t.port, tradeMode, histFrom, end),
      );
    }
    for (const alt of await nearest(store, t.port, t.mode, affectedPorts, 3)) {
      if (rows.some((r) => r.port === alt.port_code && r.mode === t.mode)) continue;
      study(
        alt.port_code,
        alt.port_name,
        "alternative",
        t.mode,
        MODE_UNITS[t.mode].unit,
        await unitRates(store, alt.port_code, t.mode, histFrom, end),
      );
    }
  }
  const notes = [
    `counterfactual: the mean seasonally adjusted daily rate of the 12 months to ${origin}, times each month's seasonal factor from the 4 years before; 90% prediction interval from the same method's errors at the same horizon over the 36 months before`,
    "BTS crossings count inbound units only; trade value is exports + imports",
    ...dropped.map((x) => `not studied: ${x}`),
  ];
  const late = months.filter((m) => m > cov.crossings.last);
  if (late.length) notes.push(`no BTS data yet for ${late.join(", ")}`);
  return { ...head, status: "ok", origin, months, rows, notes };
}
