import { DateTime } from "luxon";
import type { DirectionWord, ScenarioEvent } from "../domain/scenario.ts";
import { rangeEnd, type Params } from "./parameters.ts";
import { flowCapacity } from "./simulate.ts";
import {
  STAFFING_PARAMETERS,
  baselineStaffing,
  cutEvent,
  officersFreedBy,
  staffingParams,
  type StaffingParameterName,
  type PortCut,
  type PortStaffing,
  type StaffingParams,
} from "./staffing.ts";
import type { FlowEffects, FlowInput } from "./types.ts";

const HOUR_MS = 3_600_000;

/** An event with its ports resolved to codes and its window as instants (epoch milliseconds). */
export type ResolvedEvent = ScenarioEvent extends infer E
  ? E extends ScenarioEvent
    ? Omit<E, "ports" | "start" | "end" | "timeZone"> & {
        ports: string[];
        startMs: number;
        endMs: number;
        /**
         * One scenario event in local times ("local") at ports in several zones becomes one resolved event per
         * window: `group` names all its ports and this window's place. An officer event's cut spreads its
         * officers over the group's ports once (each window applies it to its own ports).
         */
        group?: { ports: string[]; index: number };
      }
    : never
  : never;

/** What the officer event's staffing cut came to: per port, and the capacity multiplier per flow. */
export interface OfficerEffect {
  /** Index of the event in the scenario. */
  event: number;
  /** Officers moved (given, or for a closure list without a number, those its closures free). */
  officers: number;
  officersGiven: boolean;
  policy: string;
  start: string;
  end: string;
  params: StaffingParams;
  baseline: PortStaffing[];
  cuts: PortCut[];
  /** Capacity multiplier over the event's window, by flow key (flows not listed keep 1). */
  multipliers: Record<string, number>;
  /**
   * The same multipliers with every staffing range at its mildest end and at its harshest (the Monte Carlo
   * does not draw staffing parameters: the event's effects are fixed per scenario, so this is their spread).
   */
  bounds: { mild: Record<string, number>; harsh: Record<string, number> };
}

interface EventHandler<K extends ScenarioEvent["kind"], C = undefined> {
  /** Whether the kind takes capacity away (its window counts in the closure hours). */
  reducesCapacity: boolean;
  /** Work done once per event before the hours (the officer event's staffing cut); none for simple kinds. */
  prepare?(ev: Extract<ResolvedEvent, { kind: K }>, flows: readonly FlowInput[], params: Params): C;
  /**
   * Applies the share `frac` (0..1) of grid hour `hour` (day × 24 + the flow's local hour) that the event
   * covers to a flow's effects: the seam each kind writes to, hour by hour.
   */
  apply(
    e: FlowEffects,
    hour: number,
    frac: number,
    ev: Extract<ResolvedEvent, { kind: K }>,
    flow: FlowInput,
    ctx: C,
  ): void;
}

/**
 * The staffing model's port inputs from the network: each mode's inbound capacity (the engine's own, with the
 * same parameters) and, for rail, trains per railcar.
 */
export function staffingInputs(ports: readonly string[], flows: readonly FlowInput[], params: Params) {
  return ports.map((port) => {
    const own = flows.filter((f) => f.port === port && f.direction === "inbound");
    return {
      port,
      portName: own[0]?.portName ?? port,
      modes: own.map((f) => ({
        mode: f.mode,
        capacityPerDay: flowCapacity(f, params),
        ...(f.mode === "rail" ? { trainsPerUnit: f.unitMix.trains ?? 0 } : {}),
      })),
    };
  });
}

/**
 * The officer event's cut: baseline positions at each of its ports, the cut by its policy, and the capacity
 * multiplier of each flow. Lanes (personal vehicles, pedestrians, buses, trucks) are inbound inspection, so
 * only inbound flows lose capacity; a rail crossing closed is closed both ways.
 */
export function officerCut(
  ev: Extract<ResolvedEvent, { kind: "officer-redeployment" }>,
  flows: readonly FlowInput[],
  params: Params,
): Omit<OfficerEffect, "event"> {
  const modes = new Set<string>(ev.modes);
  const inputs = staffingInputs(ev.group?.ports ?? ev.ports, flows, params).map((x) => ({
    ...x,
    modes: x.modes.filter((m) => modes.has(m.mode)),
  }));
  const run = (p: StaffingParams) => {
    const baseline = inputs.map((x) => baselineStaffing(x, p));
    const list = ev.closureList ?? [];
    const officers = ev.officers ?? officersFreedBy(baseline, list, p).reduce((s, f) => s + f.officers, 0);
    const cuts = cutEvent(baseline, officers, ev.policy, p, list);
    const multipliers: Record<string, number> = {};
    for (const c of cuts)
      for (const m of c.modes) {
        if (m.remainingShare >= 1) continue;
        multipliers[`${c.port}/${m.mode}/inbound`] = m.remainingShare;
        if (m.mode === "rail") multipliers[`${c.port}/${m.mode}/outbound`] = m.remainingShare;
      }
    return { baseline, cuts, multipliers, officers };
  };
  const p = staffingParams(ev.staffing);
  const mid = run(p);
  // Mildest: few hours per officer, little of them from primary, slow inspections (many positions);
  // harshest: the other ends.
  const end = (name: StaffingParameterName, high: boolean) =>
    rangeEnd(ev.staffing[name] ?? STAFFING_PARAMETERS[name].value, high);
  const extreme = (harsh: boolean): StaffingParams => ({
    ...p,
    officerHoursPerYear: end("officerHoursPerYear", harsh),
    cutFromPrimary: end("cutFromPrimary", harsh),
    boothUtilisation: end("boothUtilisation", harsh),
    povSecondsPerVehicle: end("povSecondsPerVehicle", !harsh),
    truckSecondsPerTruck: end("truckSecondsPerTruck", !harsh),
    pedestrianSecondsPerPerson: end("pedestrianSecondsPerPerson", !harsh),
    busMinutesPerBus: end("busMinutesPerBus", !harsh),
    railOfficerHoursPerTrain: end("railOfficerHoursPerTrain", !harsh),
  });
  return {
    officers: mid.officers,
    officersGiven: ev.officers !== undefined,
    policy: ev.policy,
    start: new Date(ev.startMs).toISOString(),
    end: new Date(ev.endMs).toISOString(),
    params: p,
    baseline: mid.baseline,
    cuts: mid.cuts,
    multipliers: mid.multipliers,
    bounds: { mild: run(extreme(false)).multipliers, harsh: run(extreme(true)).multipliers },
  };
}

/** Each kind's behaviour, in one place. */
export const EVENT_HANDLERS: {
  [K in ScenarioEvent["kind"]]: EventHandler<
    K,
    K extends "officer-redeployment" ? Record<string, number> : undefined
  >;
} = {
  closure: {
    reducesCapacity: true,
    apply: (e, h, frac) => void (e.capacity[h]! *= 1 - frac),
  },
  "capacity-cut": {
    reducesCapacity: true,
    apply: (e, h, frac, ev) => {
      const m = 1 - frac * (1 - ev.remainingCapacity);
      if (ev.of === "facilities") e.cut[h]! *= m;
      else e.capacity[h]! *= m;
    },
  },
  "demand-shock": {
    reducesCapacity: false,
    apply: (e, h, frac, ev) => void (e.demand[Math.floor(h / 24)]! += (frac / 24) * (ev.factor - 1)),
  },
  // An officer redeployment's output is a capacity multiplier per flow over its window (staffing.ts): fewer
  // positions open take capacity, not traffic, like a facilities cut (only the arrivals beyond what the
  // positions left can serve are blocked; `cutBinding` of it binds). A mode closed whole (a rail crossing,
  // multiplier 0) is closed to its traffic, like a closure.
  "officer-redeployment": {
    reducesCapacity: true,
    prepare: (ev, flows, params) => officerCut(ev, flows, params).multipliers,
    apply: (e, h, frac, _ev, flow, m) => {
      const left = m[flow.key] ?? 1;
      if (left <= 0) e.capacity[h]! *= 1 - frac;
      else e.cut[h]! *= 1 - frac * (1 - left);
    },
  },
};

/** True when a direction word of a scenario file covers a flow (northbound is inbound on the Mexican border). */
export function directionCovers(word: DirectionWord, flow: Pick<FlowInput, "direction" | "border">): boolean {
  switch (word) {
    case "both":
      return true;
    case "inbound":
    case "outbound":
      return flow.direction === word;
    case "northbound":
      return flow.direction === (flow.border === "mexico" ? "inbound" : "outbound");
    case "southbound":
      return flow.direction === (flow.border === "mexico" ? "outbound" : "inbound");
  }
}

/** The local calendar date (YYYY-MM-DD) of an instant in an IANA zone. */
export function localDate(ms: number, timeZone: string): string {
  return DateTime.fromMillis(ms, { zone: timeZone }).toISODate()!;
}

/** Epoch ms of local midnight of a date in an IANA zone. */
export function localMidnight(date: string, timeZone: string): number {
  const t = DateTime.fromISO(date, { zone: timeZone });
  if (!t.isValid) throw new RangeError(`${date} in ${timeZone}: ${t.invalidExplanation ?? "invalid"}`);
  return t.toMillis();
}

/**
 * Day 0 of the grid: the earliest local date on which an event starts at one of its ports (each port in its
 * own zone). Every flow's day d is then its own local calendar date.
 */
export function gridStartDate(events: readonly ResolvedEvent[], zoneOf: (port: string) => string): string {
  let first: string | undefined;
  for (const ev of events)
    for (const port of ev.ports) {
      const d = localDate(ev.startMs, zoneOf(port));
      if (first === undefined || d < first) first = d;
    }
  if (first === undefined) throw new RangeError("no events");
  return first;
}

/** The last grid day (from startDate, each port's own local date) that any event's window covers. */
export function lastEventDay(
  events: readonly ResolvedEvent[],
  startDate: string,
  zoneOf: (port: string) => string,
): number {
  let last = 0;
  for (const ev of events)
    for (const port of ev.ports) {
      const t0 = localMidnight(startDate, zoneOf(port));
      last = Math.max(last, Math.ceil((ev.endMs - t0) / HOUR_MS / 24) - 1);
    }
  return last;
}

/** Hours in the union of the events' windows that take capacity away (several events: their union). */
export function closureHours(events: readonly ResolvedEvent[]): number {
  const spans = events
    .filter((e) => EVENT_HANDLERS[e.kind].reducesCapacity)
    .map((e) => [e.startMs, e.endMs] as const)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let cur: [number, number] | undefined;
  for (const [s, e] of spans) {
    if (cur && s <= cur[1]) cur[1] = Math.max(cur[1], e);
    else {
      if (cur) total += cur[1] - cur[0];
      cur = [s, e];
    }
  }
  if (cur) total += cur[1] - cur[0];
  return total / HOUR_MS;
}

/**
 * Builds each affected flow's hourly capacity (closures, throughput cuts, a mode an officer event closes
 * whole), cut (facilities cuts, officer redeployments' positions closed) and daily demand multipliers from the events, each event read in the flow's own local
 * time: hour h of the grid is local hour h mod 24 of the local date startDate + ⌊h/24⌋. `params` (the run's
 * deterministic values) give the officer event the flows' capacity, as the engine computes it.
 */
export function buildEffects(
  events: readonly ResolvedEvent[],
  flows: readonly FlowInput[],
  startDate: string,
  days: number,
  params?: Params,
): Record<string, FlowEffects> {
  const out: Record<string, FlowEffects> = {};
  const hours = days * 24;
  const zero = new Map<string, number>();
  for (const ev of events) {
    const handler = EVENT_HANDLERS[ev.kind] as EventHandler<typeof ev.kind, unknown>;
    if (handler.prepare && !params)
      throw new Error(`buildEffects: a ${ev.kind} event needs the run's parameters`);
    const ctx = handler.prepare?.(ev as never, flows, params!);
    for (const f of flows) {
      if (
        !ev.ports.includes(f.port) ||
        !(ev.modes as string[]).includes(f.mode) ||
        !directionCovers(ev.direction, f)
      )
        continue;
      if (ev.kind === "officer-redeployment" && (ctx as Record<string, number>)[f.key] === undefined)
        continue;
      let t0 = zero.get(f.timeZone);
      if (t0 === undefined) zero.set(f.timeZone, (t0 = localMidnight(startDate, f.timeZone)));
      const e = (out[f.key] ??= {
        capacity: new Array<number>(hours).fill(1),
        cut: new Array<number>(hours).fill(1),
        demand: new Array<number>(days).fill(1),
      });
      const from = Math.max(0, (ev.startMs - t0) / HOUR_MS);
      const to = Math.min(hours, (ev.endMs - t0) / HOUR_MS);
      for (let h = Math.floor(from); h < to; h++) {
        const frac = Math.min(h + 1, to) - Math.max(h, from);
        if (frac > 0) handler.apply(e, h, frac, ev as never, f, ctx);
      }
    }
  }
  return out;
}
