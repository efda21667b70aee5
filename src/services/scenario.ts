import {
  MAX_EVENTS,
  MAX_HORIZON_DAYS,
  MODE_UNITS,
  ScenarioEventSchema,
  ScenarioSpecSchema,
  type DirectionWord,
  type ScenarioEvent,
  type FlowDirection,
  type Scenario,
  type ScenarioMode,
} from "../domain/scenario.ts";
import { SERIES_BREAKS } from "../domain/port-identity.ts";
import { addMonths, toMonth, type Month } from "../domain/units.ts";
import {
  buildEffects,
  closureHours,
  gridStartDate,
  lastEventDay,
  localMidnight,
  midParams,
  officerCut,
  resolveRanges,
  runPrepared,
  type ResolvedEvent,
} from "../model/index.ts";
import { DateTime } from "luxon";
import { hasOffset, PORT_LOCAL } from "../domain/scenario.ts";
import { modelData, zoneOf, type ModelData } from "./model-data.ts";
import type { ScenarioText } from "../sources/scenario-file.ts";
import type { PreparedScenario, ScenarioResult } from "../model/report.ts";
import type { Store } from "../store/db.ts";
import { getCoverage } from "./coverage.ts";
import { loadNetwork } from "./network.ts";
import { matchPort, portNames } from "./resolve.ts";
import { portsOfFieldOffice } from "./port-areas.ts";

const DAY_MS = 86_400_000;

/** One problem with a scenario: where in the file, and what is wrong. */
export interface ScenarioIssue {
  path: string;
  line?: number;
  message: string;
}

/** A scenario that passed every check, with its events resolved to port codes and instants. */
export interface ValidScenario {
  scenario: Scenario;
  events: ResolvedEvent[];
}

/** A scenario's problems: `issues` lists the first MAX_ISSUES of them, `problems` counts them all. */
export type ScenarioValidation =
  ({ ok: true } & ValidScenario) | { ok: false; issues: ScenarioIssue[]; problems: number };

const fmtPath = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (s, k) => (typeof k === "number" ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)),
    "",
  );

interface PortRow {
  port_code: string;
  port_name: string;
  state: string;
  border: "mexico" | "canada";
  crossing_modes: string[];
}

/** Which flow directions of a port a direction word covers. */
function directionsOf(word: DirectionWord, border: "mexico" | "canada"): FlowDirection[] {
  if (word === "both") return ["inbound", "outbound"];
  if (word === "inbound" || word === "outbound") return [word];
  const north: FlowDirection = border === "mexico" ? "inbound" : "outbound";
  const south: FlowDirection = north === "inbound" ? "outbound" : "inbound";
  return [word === "northbound" ? north : south];
}

/** Most problems one validation lists; the rest are counted in a last line. */
export const MAX_ISSUES = 100;

function capIssues(issues: ScenarioIssue[]): ScenarioIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  return [
    ...issues.slice(0, MAX_ISSUES),
    {
      path: "",
      message: `and ${(issues.length - MAX_ISSUES).toLocaleString("en-US")} more problems (the first ${MAX_ISSUES} are listed)`,
    },
  ];
}

/**
 * Checks a scenario against its schema and against the data: ports that exist, modes they have, windows
 * that make sense, events that do not contradict each other, a horizon and dates the data can support.
 * Returns every problem at once, each with its path (and line, when the text is known).
 */
export async function validateScenario(
  store: Store,
  raw: unknown,
  text?: ScenarioText,
): Promise<ScenarioValidation> {
  const issues: ScenarioIssue[] = [];
  const add = (path: (string | number)[], message: string) => {
    const line = text?.lineOf(path);
    issues.push({ path: fmtPath(path), ...(line ? { line } : {}), message });
  };
  // Too many events: refused before any of them is parsed or checked.
  const count = (raw as { events?: unknown } | null)?.events;
  if (Array.isArray(count) && count.length > MAX_EVENTS)
    return {
      ok: false,
      problems: 1,
      issues: [
        {
          path: "events",
          ...(text?.lineOf(["events"]) ? { line: text.lineOf(["events"])! } : {}),
          message: `${count.length.toLocaleString("en-US")} events: a scenario has at most ${MAX_EVENTS.toLocaleString("en-US")} events; split it`,
        },
      ],
    };
  const parsed = ScenarioSpecSchema.safeParse(raw);
  if (!parsed.success) for (const i of parsed.error.issues) add(i.path as (string | number)[], i.message);
  // The data checks run on every event that passes its own schema, so one run lists all problems.
  const rawEvents = (raw as { events?: unknown } | null)?.events;
  const eventList: [number, ScenarioEvent][] = parsed.success
    ? parsed.data.events.map((e, i) => [i, e])
    : Array.isArray(rawEvents)
      ? rawEvents.flatMap((e, i) => {
          const r = ScenarioEventSchema.safeParse(e);
          return r.success ? [[i, r.data] as [number, ScenarioEvent]] : [];
        })
      : [];
  const baselineMonths = parsed.success ? parsed.data.options.baselineMonths : 12;
  const ports = await store.all<PortRow>({
    sql: "SELECT port_code, port_name, state, border, crossing_modes FROM ports ORDER BY port_code",
    params: [],
  });
  const names = await portNames(store);
  const cov = (await getCoverage(store)).crossings;
  const data = await modelData(store);
  const events: ResolvedEvent[] = [];
  const eventIndex: number[] = [];
  for (const [i, ev] of eventList) {
    const codes: string[] = [];
    (ev.ports ?? []).forEach((p, j) => {
      try {
        const hit = matchPort(p, names);
        codes.push(hit.port_code);
      } catch (e) {
        add(["events", i, "ports", j], (e as Error).message);
      }
    });
    let closureList: { port: string; mode: ScenarioMode; share: number }[] | undefined;
    if (ev.kind === "officer-redeployment") {
      // An officer event acts on the modes each of its ports has; a field office means its land ports.
      if (ev.fieldOffice) {
        try {
          const fo = await portsOfFieldOffice(store, ev.fieldOffice);
          codes.push(...fo.ports.map((p) => p.portCode).filter((c) => ports.some((p) => p.port_code === c)));
        } catch (e) {
          add(["events", i, "fieldOffice"], (e as Error).message);
        }
      }
      closureList = [];
      (ev.closureList ?? []).forEach((c, j) => {
        try {
          const code = matchPort(c.port, names).port_code;
          const port = ports.find((p) => p.port_code === code)!;
          if (!codes.includes(code))
            add(
              ["events", i, "closureList", j, "port"],
              `${port.port_name} (${code}) is not one of the event's ports`,
            );
          else if (!port.crossing_modes.includes(c.mode))
            add(
              ["events", i, "closureList", j, "mode"],
              `${port.port_name} (${code}) has never had ${c.mode} crossings in BTS data`,
            );
          closureList!.push({ port: code, mode: c.mode, share: c.share });
        } catch (e) {
          add(["events", i, "closureList", j, "port"], (e as Error).message);
        }
      });
    } else {
      for (const code of codes) {
        const port = ports.find((p) => p.port_code === code)!;
        ev.modes.forEach((m, k) => {
          if (!port.crossing_modes.includes(m)) {
            add(
              ["events", i, "modes", k],
              `${port.port_name} (${code}) has never had ${m} crossings in BTS data (it has: ${port.crossing_modes.join(", ") || "none"})`,
            );
          }
        });
      }
    }
    // Times: with an offset, one instant; with a timeZone, local times in it; "local": each port's own zone
    // (one resolved event per port whose window differs).
    const windows = eventWindows(ev, codes, data);
    const startMs = Math.min(...windows.map((w) => w.startMs));
    const endMs = Math.max(...windows.map((w) => w.endMs));
    if (windows.some((w) => w.endMs <= w.startMs))
      add(["events", i, "end"], `end ${ev.end} is not after start ${ev.start}`);
    if (endMs - startMs > MAX_HORIZON_DAYS * DAY_MS)
      add(["events", i, "end"], `an event may last at most ${MAX_HORIZON_DAYS} days`);
    const month = toMonth(new Date(startMs).getUTCFullYear(), new Date(startMs).getUTCMonth() + 1);
    // A port reported apart only from a series break (Ysleta 2401 from 2020-03) is inside its parent before:
    // an event there names the parent (an officer event spreads over the ports that exist, so it may list it).
    if (ev.kind !== "officer-redeployment")
      for (const b of SERIES_BREAKS)
        if (b.role === "child" && codes.includes(b.port) && month < b.month)
          add(
            ["events", i, "ports"],
            `${b.port} is reported apart only from ${b.month}; before that its traffic is in ${SERIES_BREAKS.find((x) => x.combined === b.combined && x.role === "parent")!.port}'s figures: name that port`,
          );
    if (addMonths(month, -baselineMonths) < cov.first) {
      add(
        ["events", i, "start"],
        `${ev.start} is too early: the baseline needs ${baselineMonths} months of BTS data before it, which starts ${cov.first}`,
      );
    }
    if (addMonths(cov.last, 24) < month) {
      add(
        ["events", i, "start"],
        `${ev.start} is more than two years after the data ends (${cov.last}); the baseline would be stale`,
      );
    }
    if (
      ev.kind === "officer-redeployment" &&
      codes.length === 0 &&
      !issues.some((x) => x.path.startsWith(`events[${i}]`))
    )
      add(
        ["events", i, "ports"],
        "the event names no land port (give ports, or a field office with land ports)",
      );
    windows.forEach((w, k) => {
      const { timeZone: _tz, ...rest } = ev;
      events.push({
        ...rest,
        ports: w.ports,
        ...(windows.length > 1 ? { group: { ports: windows.flatMap((x) => x.ports), index: k } } : {}),
        ...(closureList ? { closureList } : {}),
        startMs: w.startMs,
        endMs: w.endMs,
      } as ResolvedEvent);
      eventIndex.push(i);
    });
  }
  // Contradictions: two capacity events (closure, capacity-cut) or two demand shocks on the same port, mode
  // and direction at the same time. A sweep over each crossing's windows sorted by start (O(n log n)), each
  // event reported once: with the first earlier event it overlaps and how many crossings are concerned.
  const group = (k: string) => (k === "demand-shock" ? "demand" : "capacity");
  const portOf = new Map(ports.map((p) => [p.port_code, p]));
  const lanes = new Map<string, number[]>();
  events.forEach((e, k) => {
    for (const code of e.ports) {
      const port = portOf.get(code);
      if (!port) continue;
      for (const m of e.modes as string[])
        for (const d of directionsOf(e.direction, port.border)) {
          const key = `${group(e.kind)}|${code}|${m}|${d}`;
          let list = lanes.get(key);
          if (!list) lanes.set(key, (list = []));
          list.push(k);
        }
    }
  });
  const clashes = new Map<number, { with: number; code: string; mode: string; dir: string; n: number }>();
  for (const [key, list] of lanes) {
    if (list.length < 2) continue;
    list.sort((a, b) => events[a]!.startMs - events[b]!.startMs || a - b);
    let open = list[0]!; // the earlier window that reaches furthest
    for (const k of list.slice(1)) {
      const e = events[k]!;
      if (e.startMs < events[open]!.endMs && eventIndex[k] !== eventIndex[open]) {
        const [, code, mode, dir] = key.split("|") as [string, string, string, string];
        const c = clashes.get(k);
        if (c) c.n++;
        else clashes.set(k, { with: open, code, mode, dir, n: 1 });
      }
      if (e.endMs > events[open]!.endMs) open = k;
    }
  }
  const reported = new Set<number>();
  for (const [k, c] of [...clashes].sort((a, b) => eventIndex[a[0]]! - eventIndex[b[0]]!)) {
    if (reported.has(eventIndex[k]!)) continue;
    reported.add(eventIndex[k]!);
    const ea = events[c.with]!;
    const eb = events[k]!;
    const port = portOf.get(c.code)!;
    add(
      ["events", eventIndex[k]!],
      `overlaps events[${eventIndex[c.with]}] at ${port.port_name} (${c.code}) ${c.mode} ${c.dir}${c.n > 1 ? ` (and ${c.n - 1} more crossing-mode-directions)` : ""} between ${new Date(Math.max(ea.startMs, eb.startMs)).toISOString()} and ${new Date(Math.min(ea.endMs, eb.endMs)).toISOString()}: two ${group(eb.kind)} events at once contradict each other; merge them or make them consecutive`,
    );
  }
  // The model runs one grid of at most MAX_HORIZON_DAYS days from the first event's day: events farther
  // apart are refused here, never dropped from the run.
  if (events.length > 1) {
    let first = 0;
    let last = 0;
    events.forEach((e, k) => {
      if (e.startMs < events[first]!.startMs) first = k;
      if (e.endMs > events[last]!.endMs) last = k;
    });
    const span = (events[last]!.endMs - events[first]!.startMs) / DAY_MS;
    if (span > MAX_HORIZON_DAYS - 1)
      add(
        ["events", eventIndex[last]!],
        `ends ${Math.ceil(span)} days after events[${eventIndex[first]}] starts; one scenario covers at most ${MAX_HORIZON_DAYS - 1} days from its first event (its run lasts at most ${MAX_HORIZON_DAYS} days): run the events far apart as separate scenarios`,
      );
  }
  const byLine = () => ({
    ok: false as const,
    problems: issues.length,
    issues: capIssues(issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))),
  });
  if (!parsed.success || issues.length) return byLine();
  const scenario = parsed.data;
  if (scenario.horizonDays !== undefined && events.length) {
    const start = localMidnight(
      gridStartDate(events, (p) => zoneOf(data, p)),
      zoneOf(data, events[0]!.ports[0]!),
    );
    const lastEnd = Math.max(...events.map((e) => e.endMs));
    if (lastEnd > start + scenario.horizonDays * DAY_MS) {
      add(
        ["horizonDays"],
        `horizonDays ${scenario.horizonDays} ends before the last event does (${Math.ceil((lastEnd - start) / DAY_MS)} days after day 0)`,
      );
    }
  }
  if (issues.length) return byLine();
  return { ok: true, scenario, events };
}

/** Builds a validated scenario's model input from the store (JSON-safe: the browser can run it). */
export async function prepareScenario(store: Store, v: ValidScenario): Promise<PreparedScenario> {
  const { scenario, events } = v;
  const o = scenario.options;
  const data = await modelData(store);
  const startDate = gridStartDate(events, (p) => zoneOf(data, p));
  const eventMonth = startDate.slice(0, 7) as Month;
  const modes = [...new Set(events.flatMap((e) => e.modes as ScenarioMode[]))];
  if (o.railToTruck && modes.includes("rail") && !modes.includes("truck")) modes.push("truck");
  const portBorders = await store.all<{ border: "mexico" | "canada" }>({
    sql: `SELECT DISTINCT border FROM ports WHERE port_code IN (${events
      .flatMap((e) => e.ports)
      .map(() => "?")
      .join(", ")})`,
    params: events.flatMap((e) => e.ports),
  });
  const days = scenario.horizonDays ?? MAX_HORIZON_DAYS;
  const network = await loadNetwork(store, {
    eventMonth,
    baselineMonths: o.baselineMonths,
    modes,
    borders: portBorders.map((b) => b.border),
    startDate,
    days,
  });
  const ranges = resolveRanges(o.parameters);
  const mid = midParams(ranges);
  const effects = buildEffects(events, network.flows, startDate, days, mid);
  // The officer events' staffing cuts, for the answer (the effects above already hold their multipliers); an
  // event split by zone is one cut over all its ports, given once (with its first window).
  const officers = events.flatMap((ev, i) =>
    ev.kind === "officer-redeployment" && !ev.group?.index
      ? [{ event: i, ...officerCut(ev, network.flows, mid) }]
      : [],
  );
  const input = {
    startDate,
    days,
    closureHours: closureHours(events),
    lastEventDay: lastEventDay(events, startDate, (p) => zoneOf(data, p)),
    ...(scenario.horizonDays !== undefined ? { horizonDays: scenario.horizonDays } : {}),
    flows: network.flows,
    effects,
    options: {
      rerouting: o.rerouting.enabled,
      policy: o.rerouting.policy,
      railToTruck: o.railToTruck,
      multiplier: o.multiplier,
    },
  };
  return {
    scenario: { name: scenario.name, description: scenario.description, options: o },
    input,
    ranges,
    officers,
    network: {
      baselineMonths: network.baselineMonths,
      seasonalYears: network.seasonalYears,
      valueNotes: network.valueNotes,
    },
  };
}

/** What a browser needs to run a scenario with the pure model: the prepared input and the run's draws and seed. */
export const scenarioModelInput = prepareScenario;

/** Runs a validated scenario: builds the network from the store, runs the model and the Monte Carlo. */
export async function runScenario(
  store: Store,
  v: ValidScenario,
  opts: { draws?: number; seed?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<ScenarioResult> {
  const prepared = await prepareScenario(store, v);
  const o = prepared.scenario.options;
  return runPrepared(prepared, {
    draws: opts.draws ?? o.draws,
    seed: opts.seed ?? o.seed,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
}

/** Units of each mode, for messages. */
export const unitOf = (m: ScenarioMode) => MODE_UNITS[m].unit;

export type { Figure, PreparedScenario, ScenarioResult } from "../model/report.ts";

/** An event's window at each of its ports: one instant with an offset, local times in a named zone, or each port's own zone. */
function eventWindows(
  ev: ScenarioEvent,
  ports: string[],
  data: ModelData,
): { ports: string[]; startMs: number; endMs: number }[] {
  const at = (t: string, zone: string | undefined) =>
    hasOffset(t) || !zone ? Date.parse(t) : DateTime.fromISO(t, { zone }).toMillis();
  if (ev.timeZone !== PORT_LOCAL || ports.length === 0)
    return [{ ports, startMs: at(ev.start, ev.timeZone), endMs: at(ev.end, ev.timeZone) }];
  const byWindow = new Map<string, { ports: string[]; startMs: number; endMs: number }>();
  for (const p of ports) {
    const zone = zoneOf(data, p);
    const w = { startMs: at(ev.start, zone), endMs: at(ev.end, zone) };
    const k = `${w.startMs}/${w.endMs}`;
    const e = byWindow.get(k) ?? { ports: [], ...w };
    e.ports.push(p);
    byWindow.set(k, e);
  }
  return [...byWindow.values()];
}
