import {
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
import { addMonths, toMonth, type Month } from "../domain/units.ts";
import {
  buildEffects,
  gridStart,
  headline,
  PARAMETERS,
  resolveRanges,
  runMonteCarlo,
  type Band,
  type ResolvedEvent,
} from "../model/index.ts";
import type { ParameterInfo } from "../model/parameters.ts";
import type { ScenarioText } from "../sources/scenario-file.ts";
import type { Store } from "../store/db.ts";
import { getCoverage } from "./coverage.ts";
import { loadNetwork } from "./network.ts";
import { matchPort, portNames } from "./resolve.ts";

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

export type ScenarioValidation = ({ ok: true } & ValidScenario) | { ok: false; issues: ScenarioIssue[] };

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
  const events: ResolvedEvent[] = [];
  const eventIndex: number[] = [];
  for (const [i, ev] of eventList) {
    const codes: string[] = [];
    ev.ports.forEach((p, j) => {
      try {
        const hit = matchPort(p, names);
        codes.push(hit.port_code);
      } catch (e) {
        add(["events", i, "ports", j], (e as Error).message);
      }
    });
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
    const startMs = Date.parse(ev.start);
    const endMs = Date.parse(ev.end);
    if (endMs <= startMs) add(["events", i, "end"], `end ${ev.end} is not after start ${ev.start}`);
    if (endMs - startMs > MAX_HORIZON_DAYS * DAY_MS)
      add(["events", i, "end"], `an event may last at most ${MAX_HORIZON_DAYS} days`);
    const month = toMonth(new Date(startMs).getUTCFullYear(), new Date(startMs).getUTCMonth() + 1);
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
    events.push({ ...ev, ports: codes, startMs, endMs } as ResolvedEvent);
    eventIndex.push(i);
  }
  // Contradictions: two capacity events (closure, capacity-cut) or two demand shocks on the same
  // port, mode and direction at the same time.
  const group = (k: string) => (k === "demand-shock" ? "demand" : "capacity");
  for (let a = 0; a < events.length; a++) {
    for (let b = a + 1; b < events.length; b++) {
      const ea = events[a]!;
      const eb = events[b]!;
      if (group(ea.kind) !== group(eb.kind)) continue;
      if (!(ea.startMs < eb.endMs && eb.startMs < ea.endMs)) continue;
      for (const code of ea.ports.filter((p) => eb.ports.includes(p))) {
        const port = ports.find((p) => p.port_code === code)!;
        const modes = (ea.modes as string[]).filter((m) => (eb.modes as string[]).includes(m));
        const dirs = directionsOf(ea.direction, port.border).filter((d) =>
          directionsOf(eb.direction, port.border).includes(d),
        );
        if (modes.length && dirs.length) {
          add(
            ["events", eventIndex[b]!],
            `overlaps events[${eventIndex[a]}] at ${port.port_name} (${code}) ${modes.join("/")} ${dirs.join("/")} between ${new Date(Math.max(ea.startMs, eb.startMs)).toISOString()} and ${new Date(Math.min(ea.endMs, eb.endMs)).toISOString()}: two ${group(ea.kind)} events at once contradict each other; merge them or make them consecutive`,
          );
        }
      }
    }
  }
  const byLine = () => issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (!parsed.success || issues.length) return { ok: false, issues: byLine() };
  const scenario = parsed.data;
  if (scenario.horizonDays !== undefined && events.length) {
    const start = gridStart(events);
    const lastEnd = Math.max(...events.map((e) => e.endMs));
    if (lastEnd > start + scenario.horizonDays * DAY_MS) {
      add(
        ["horizonDays"],
        `horizonDays ${scenario.horizonDays} ends before the last event does (${Math.ceil((lastEnd - start) / DAY_MS)} days after day 0)`,
      );
    }
  }
  if (issues.length) return { ok: false, issues: byLine() };
  return { ok: true, scenario, events };
}

/** A headline figure: the deterministic value (middle of every range) and its P10–P50–P90 band. */
export interface Figure extends Band {
  value: number;
}

/** What a scenario run reports. */
export interface ScenarioResult {
  scenario: { name: string; description: string };
  grid: { start: string; days: number; closureDays: number };
  baseline: { months: string; seasonalYears: string; valueNotes: string[] };
  flows: {
    key: string;
    port: string;
    portName: string;
    mode: ScenarioMode;
    direction: FlowDirection;
    unit: string;
    baselinePerDay: number;
    capacityPerDay: number;
    blockedPerClosureDay: number;
    /** Other units blocked per closure day (trains, passengers ...). */
    mixPerClosureDay: Record<string, number>;
    blocked: number;
    diverted: number;
    shifted: number;
    waitedAtHome: number;
    diversions: { to: string; toName: string; mode: string; units: number; km: number; daily: number[] }[];
    peakBacklog: number;
    peakDate: string;
    clearDate: string | null;
    unitDays: number;
    daily: {
      date: string;
      arrivals: number;
      blocked: number;
      servedHome: number;
      diverted: number;
      shifted: number;
      queue: number;
    }[];
  }[];
  costs: {
    valueHeldUpPerClosureDayUsd: Figure;
    valueHeldUpUsd: Figure;
    byCommodity: { hs2: string; label: string; valueUsd: number; share: number }[];
    carryingUsd: Figure;
    equipmentUsd: Figure;
    spoilageUsd: Figure;
    detourUsd: Figure;
    directUsd: Figure;
    widerUsd: Figure | null;
  };
  backlog: { peakUnits: Figure; clearDay: Figure; unitDays: Figure };
  monteCarlo: { draws: number; seed: number };
  assumptions: {
    name: string;
    value: string;
    unit: string;
    basis: string;
    source: string;
    meaning: string;
  }[];
  notes: string[];
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Runs a validated scenario: builds the network from the store, runs the model and the Monte Carlo. */
export async function runScenario(
  store: Store,
  v: ValidScenario,
  opts: { draws?: number; seed?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<ScenarioResult> {
  const { scenario, events } = v;
  const o = scenario.options;
  const startMs = gridStart(events);
  const eventMonth = isoDate(startMs).slice(0, 7) as Month;
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
    startMs,
    days,
  });
  const effects = buildEffects(events, network.flows, startMs, days);
  const input = {
    startDate: isoDate(startMs),
    days,
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
  const ranges = resolveRanges(o.parameters);
  const draws = opts.draws ?? o.draws;
  const seed = opts.seed ?? o.seed;
  const mc = runMonteCarlo(input, ranges, {
    draws,
    seed,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const det = mc.deterministic;
  const h = headline(det);
  const fig = (k: string): Figure => ({ value: h[k]!, ...mc.bands[k]! });
  const dateOf = (d: number) => isoDate(startMs + d * DAY_MS);
  const closure = det.closureDays || 1;
  const totalHeld = det.costs.valueByCommodity.reduce((s, c) => s + c.valueUsd, 0);

  const flows = det.flows.map((f) => {
    const affectedDays = effects[f.key]!.capacity.slice(0, det.days);
    const blockedDuring = f.blocked.reduce((s, b, d) => s + (affectedDays[d]! < 1 ? b : 0), 0);
    const perClosureDay = blockedDuring / closure;
    return {
      key: f.key,
      port: f.port,
      portName: f.portName,
      mode: f.mode,
      direction: f.direction,
      unit: f.unit,
      baselinePerDay: f.baselinePerDay,
      capacityPerDay: f.capacityPerDay,
      blockedPerClosureDay: perClosureDay,
      mixPerClosureDay: Object.fromEntries(Object.entries(f.unitMix).map(([k, r]) => [k, perClosureDay * r])),
      blocked: f.totals.blocked,
      diverted: f.totals.diverted,
      shifted: f.totals.shifted,
      waitedAtHome: f.totals.blocked - f.totals.diverted - f.totals.shifted,
      diversions: f.diversions,
      peakBacklog: f.peakQueue,
      peakDate: dateOf(f.peakDay),
      clearDate: f.clearDay === null ? null : dateOf(f.clearDay),
      unitDays: f.unitDays,
      daily: f.arrivals.map((a, d) => ({
        date: dateOf(d),
        arrivals: a,
        blocked: f.blocked[d]!,
        servedHome: f.servedHome[d]!,
        diverted: f.diverted[d]!,
        shifted: f.shifted[d]!,
        queue: f.queue[d]!,
      })),
    };
  });

  const assumptions = (Object.entries(PARAMETERS) as [keyof typeof PARAMETERS, ParameterInfo][]).map(
    ([name, info]) => {
      const r = ranges[name];
      const overridden = o.parameters[name] !== undefined;
      return {
        name,
        value:
          (typeof r === "number" ? String(r) : `${r[0]}–${r[1]}`) +
          (overridden ? " (overridden by the scenario)" : ""),
        unit: info.unit,
        basis: overridden ? "scenario" : info.basis,
        source: overridden ? "the scenario file" : info.source,
        meaning: info.meaning,
      };
    },
  );
  const notes = [
    `baseline: daily rates of ${network.baselineMonths[0]}..${network.baselineMonths.at(-1)} (the ${network.baselineMonths.length} months before the first event; months with the events are never used), shaped by seasonal factors from ${network.seasonalYears}`,
    "outbound units are inbound BTS counts × outboundRatio (BTS counts only crossings into the U.S.); outbound value is TransBorder exports, inbound value imports",
    `capacity: the ${PARAMETERS.capacityPercentile.value * 100}th percentile of each crossing's daily throughput over the last 36 months × headroom, never below its own baseline`,
    '(a) value held up is the value of goods whose crossing was blocked: a gross flow delayed, not a loss. It is the figure press estimates such as "$100 million a day" of delayed shipments compare with',
    "(b) direct costs are what the delay costs: carrying cost of held goods, railcar and truck time, spoilage of perishables, detour km; the cost of trucking shifted rail freight over its whole trip is not modelled (origins and destinations are unknown)",
    o.multiplier
      ? "(c) wider-economy effect = direct costs × (multiplier − 1): indirect and induced effects, an order of magnitude"
      : "(c) wider-economy multiplier is off (options.multiplier: true turns it on)",
    ...network.valueNotes,
  ];
  return {
    scenario: { name: scenario.name, description: scenario.description },
    grid: { start: isoDate(startMs), days: det.days, closureDays: det.closureDays },
    baseline: {
      months: `${network.baselineMonths[0]}..${network.baselineMonths.at(-1)}`,
      seasonalYears: network.seasonalYears,
      valueNotes: network.valueNotes,
    },
    flows,
    costs: {
      valueHeldUpPerClosureDayUsd: fig("valueHeldUpPerClosureDayUsd"),
      valueHeldUpUsd: fig("valueHeldUpUsd"),
      byCommodity: det.costs.valueByCommodity.map((c) => ({
        ...c,
        share: totalHeld ? c.valueUsd / totalHeld : 0,
      })),
      carryingUsd: fig("carryingUsd"),
      equipmentUsd: fig("equipmentUsd"),
      spoilageUsd: fig("spoilageUsd"),
      detourUsd: fig("detourUsd"),
      directUsd: fig("directUsd"),
      widerUsd: o.multiplier ? fig("widerUsd") : null,
    },
    backlog: { peakUnits: fig("peakBacklogUnits"), clearDay: fig("clearDay"), unitDays: fig("unitDays") },
    monteCarlo: { draws, seed },
    assumptions,
    notes,
  };
}

/** Units of each mode, for messages. */
export const unitOf = (m: ScenarioMode) => MODE_UNITS[m].unit;
