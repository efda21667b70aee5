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

const DAY_MS = 86_400_000;

/** An event with its ports resolved to codes and its window in epoch milliseconds. */
export type ResolvedEvent = ScenarioEvent extends infer E
  ? E extends ScenarioEvent
    ? Omit<E, "ports" | "start" | "end"> & { ports: string[]; startMs: number; endMs: number }
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
  /** Work done once per event before the days (the officer event's staffing cut); none for simple kinds. */
  prepare?(ev: Extract<ResolvedEvent, { kind: K }>, flows: readonly FlowInput[], params: Params): C;
  /** Applies the share `frac` (0..1) of day `d` that the event covers to a flow's effects. */
  apply(
    e: FlowEffects,
    d: number,
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
  const inputs = staffingInputs(ev.ports, flows, params).map((x) => ({
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
    apply: (e, d, frac) => void (e.capacity[d]! *= 1 - frac),
  },
  "capacity-cut": {
    apply: (e, d, frac, ev) => void (e.capacity[d]! *= 1 - frac * (1 - ev.remainingCapacity)),
  },
  "demand-shock": {
    apply: (e, d, frac, ev) => void (e.demand[d]! *= 1 + frac * (ev.factor - 1)),
  },
  "officer-redeployment": {
    prepare: (ev, flows, params) => officerCut(ev, flows, params).multipliers,
    apply: (e, d, frac, _ev, flow, m) => void (e.capacity[d]! *= 1 - frac * (1 - (m[flow.key] ?? 1))),
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

/** Day 0 of the grid: midnight UTC of the earliest event start. */
export function gridStart(events: readonly ResolvedEvent[]): number {
  const first = Math.min(...events.map((e) => e.startMs));
  return Math.floor(first / DAY_MS) * DAY_MS;
}

/**
 * Builds each affected flow's daily capacity and demand multipliers from the events. `params` (the run's
 * middle values) give the officer event the flows' capacity, as the engine computes it.
 */
export function buildEffects(
  events: readonly ResolvedEvent[],
  flows: readonly FlowInput[],
  startMs: number,
  days: number,
  params?: Params,
): Record<string, FlowEffects> {
  const out: Record<string, FlowEffects> = {};
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
      const e = (out[f.key] ??= {
        capacity: new Array<number>(days).fill(1),
        demand: new Array<number>(days).fill(1),
      });
      const first = Math.max(0, Math.floor((ev.startMs - startMs) / DAY_MS));
      const last = Math.min(days - 1, Math.floor((ev.endMs - 1 - startMs) / DAY_MS));
      for (let d = first; d <= last; d++) {
        const dayStart = startMs + d * DAY_MS;
        const frac = (Math.min(ev.endMs, dayStart + DAY_MS) - Math.max(ev.startMs, dayStart)) / DAY_MS;
        if (frac > 0) handler.apply(e, d, frac, ev as never, f, ctx);
      }
    }
  }
  return out;
}
