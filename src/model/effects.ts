import type { DirectionWord, ScenarioEvent } from "../domain/scenario.ts";
import type { FlowEffects, FlowInput } from "./types.ts";

const DAY_MS = 86_400_000;

/** An event with its ports resolved to codes and its window in epoch milliseconds. */
export type ResolvedEvent = ScenarioEvent extends infer E
  ? E extends ScenarioEvent
    ? Omit<E, "ports" | "start" | "end"> & { ports: string[]; startMs: number; endMs: number }
    : never
  : never;

interface EventHandler<K extends ScenarioEvent["kind"]> {
  /** Applies the share `frac` (0..1) of day `d` that the event covers to a flow's effects. */
  apply(e: FlowEffects, d: number, frac: number, ev: Extract<ResolvedEvent, { kind: K }>): void;
}

/** Each kind's behaviour, in one place. A new kind (officer redeployment) adds one entry here. */
export const EVENT_HANDLERS: { [K in ScenarioEvent["kind"]]: EventHandler<K> } = {
  closure: {
    apply: (e, d, frac) => void (e.capacity[d]! *= 1 - frac),
  },
  "capacity-cut": {
    apply: (e, d, frac, ev) => void (e.capacity[d]! *= 1 - frac * (1 - ev.remainingCapacity)),
  },
  "demand-shock": {
    apply: (e, d, frac, ev) => void (e.demand[d]! *= 1 + frac * (ev.factor - 1)),
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

/** Builds each affected flow's daily capacity and demand multipliers from the events. */
export function buildEffects(
  events: readonly ResolvedEvent[],
  flows: readonly FlowInput[],
  startMs: number,
  days: number,
): Record<string, FlowEffects> {
  const out: Record<string, FlowEffects> = {};
  for (const ev of events) {
    for (const f of flows) {
      if (
        !ev.ports.includes(f.port) ||
        !(ev.modes as string[]).includes(f.mode) ||
        !directionCovers(ev.direction, f)
      )
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
        if (frac > 0)
          (EVENT_HANDLERS[ev.kind] as EventHandler<typeof ev.kind>).apply(e, d, frac, ev as never);
      }
    }
  }
  return out;
}
