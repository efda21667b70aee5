import { distanceKm } from "./geo.ts";
import type { Params } from "./parameters.ts";
import { percentile } from "./rng.ts";
import type { Costs, Diversion, FlowInput, FlowResult, ModelInput, RunResult } from "./types.ts";

/** Queues below this many units count as cleared. */
export const CLEAR_EPSILON = 0.5;

interface Alt {
  index: number;
  km: number;
}

interface State {
  flow: FlowInput;
  capacityPerDay: number;
  ratio: number;
  queue: number;
  spare: number;
  alts: Alt[];
  truckAlts: Alt[];
  firstReducedDay: number;
  lastEffectDay: number;
  out?: FlowResult;
}

function addDaily(m: Map<number, number[]>, index: number, day: number, units: number, days: number): void {
  let a = m.get(index);
  if (!a) m.set(index, (a = new Array<number>(days).fill(0)));
  a[day]! += units;
}

/** Capacity of a flow: a high percentile of recent daily throughput (never below its own baseline) × headroom. */
export function flowCapacity(flow: FlowInput, p: Params): number {
  const ratio = flow.fromInbound ? p.outboundRatio : 1;
  const observed = percentile(flow.recentDailyRates, p.capacityPercentile) * ratio;
  const ownPeak = Math.max(0, ...flow.arrivalsPerDay) * ratio;
  return Math.max(observed, ownPeak) * p.headroom;
}

function alternatives(
  flows: FlowInput[],
  from: FlowInput,
  p: Params,
  mode: string,
  samePortOk: boolean,
): Alt[] {
  const out: Alt[] = [];
  flows.forEach((f, index) => {
    if (f.mode !== mode || f.border !== from.border || f.direction !== from.direction) return;
    if (f.port === from.port && !samePortOk) return;
    const km = distanceKm(from.latitude, from.longitude, f.latitude, f.longitude) * p.circuity;
    if (km <= p.maxDetourKm) out.push({ index, km });
  });
  return out.sort((a, b) => a.km - b.km || flows[a.index]!.key.localeCompare(flows[b.index]!.key));
}

/** Moves up to `amount` into the spare capacity of `alts` (nearest first, or in proportion to spare). */
function allocate(
  amount: number,
  alts: Alt[],
  states: State[],
  policy: "nearest-first" | "proportional",
  take: (alt: Alt, units: number) => void,
): number {
  if (amount <= 0 || alts.length === 0) return 0;
  let moved = 0;
  if (policy === "proportional") {
    const total = alts.reduce((s, a) => s + states[a.index]!.spare, 0);
    if (total <= 0) return 0;
    const share = Math.min(1, amount / total);
    for (const a of alts) {
      const u = states[a.index]!.spare * share;
      if (u <= 0) continue;
      states[a.index]!.spare -= u;
      take(a, u);
      moved += u;
    }
    return moved;
  }
  for (const a of alts) {
    const left = amount - moved;
    if (left <= 0) break;
    const u = Math.min(left, states[a.index]!.spare);
    if (u <= 0) continue;
    states[a.index]!.spare -= u;
    take(a, u);
    moved += u;
  }
  return moved;
}

/**
 * Runs the scenario model once with fixed parameters: a daily fluid queue per affected flow, with blocked
 * flow diverted to the nearest crossings of the same mode, border and direction within their spare capacity
 * (ramping up over the lead time), optionally shifted from rail to truck, and the rest queued at home.
 * Pure: no I/O, the same input and parameters give the same result.
 */
export function runModel(input: ModelInput, p: Params): RunResult {
  const { flows, effects, options } = input;
  const states: State[] = flows.map((flow) => ({
    flow,
    capacityPerDay: flowCapacity(flow, p),
    ratio: flow.fromInbound ? p.outboundRatio : 1,
    queue: 0,
    spare: 0,
    alts: [],
    truckAlts: [],
    firstReducedDay: -1,
    lastEffectDay: -1,
  }));
  const affected: State[] = [];
  let lastEffectDay = -1;
  for (const s of states) {
    const e = effects[s.flow.key];
    if (!e) continue;
    affected.push(s);
    e.capacity.forEach((c, d) => {
      if (c < 1 && s.firstReducedDay < 0) s.firstReducedDay = d;
      if (c < 1 || e.demand[d] !== 1) s.lastEffectDay = Math.max(s.lastEffectDay, d);
    });
    lastEffectDay = Math.max(lastEffectDay, s.lastEffectDay);
    if (options.rerouting) s.alts = alternatives(flows, s.flow, p, s.flow.mode, false);
    if (options.railToTruck && s.flow.mode === "rail")
      s.truckAlts = alternatives(flows, s.flow, p, "truck", true);
  }
  const maxDays = Math.min(input.horizonDays ?? input.days, input.days);
  const series = () => new Array<number>(maxDays).fill(0);
  const div = new Map<State, Map<number, number[]>>();
  const shiftTo = new Map<State, Map<number, number[]>>();
  for (const s of affected) {
    s.out = {
      key: s.flow.key,
      port: s.flow.port,
      portName: s.flow.portName,
      mode: s.flow.mode,
      direction: s.flow.direction,
      unit: s.flow.unit,
      unitMix: s.flow.unitMix,
      capacityPerDay: s.capacityPerDay,
      baselinePerDay: 0,
      expected: series(),
      arrivals: series(),
      blocked: series(),
      servedHome: series(),
      diverted: series(),
      shifted: series(),
      queue: series(),
      totals: { arrivals: 0, blocked: 0, servedHome: 0, diverted: 0, shifted: 0, queueEnd: 0 },
      peakQueue: 0,
      peakDay: 0,
      clearDay: null,
      unitDays: 0,
      diversions: [],
      valuePerUnitUsd: s.flow.valuePerUnitUsd,
    };
    div.set(s, new Map());
    shiftTo.set(s, new Map());
  }

  let days = maxDays;
  const remainder = new Map<State, number>();
  for (let d = 0; d < maxDays; d++) {
    // 1. Every flow serves its own queue and arrivals within its capacity today.
    for (const s of states) {
      const e = effects[s.flow.key];
      const arrivals = (s.flow.arrivalsPerDay[d] ?? 0) * s.ratio * (e ? e.demand[d]! : 1);
      const cap = s.capacityPerDay * (e ? e.capacity[d]! : 1);
      const served = Math.min(s.queue + arrivals, cap);
      const rest = s.queue + arrivals - served;
      s.spare = rest > 0 ? 0 : cap - served;
      if (s.out) {
        const o = s.out;
        o.expected[d] = (s.flow.arrivalsPerDay[d] ?? 0) * s.ratio;
        o.arrivals[d] = arrivals;
        o.blocked[d] = Math.max(0, arrivals - Math.max(0, cap - s.queue));
        o.servedHome[d] = served;
        remainder.set(s, rest);
      } else {
        s.queue = rest;
      }
    }
    // 2. Affected flows divert what they cannot serve into the others' spare capacity.
    for (const s of affected) {
      const o = s.out!;
      let rest = remainder.get(s)!;
      const reduced = effects[s.flow.key]!.capacity[d]! < 1;
      if (reduced && rest > 0 && (s.alts.length || s.truckAlts.length)) {
        const ramp = Math.min(1, (d - s.firstReducedDay + 1) / Math.max(p.leadTimeDays, 1e-9));
        const m = div.get(s)!;
        const moved = allocate(rest * ramp, s.alts, states, options.policy, (a, u) =>
          addDaily(m, a.index, d, u, maxDays),
        );
        o.diverted[d] = moved;
        rest -= moved;
        if (s.truckAlts.length && rest > 0) {
          const perCar = p.truckloadsPerRailcar;
          const t = shiftTo.get(s)!;
          const loads = allocate(
            rest * s.flow.loadedShare * ramp * perCar,
            s.truckAlts,
            states,
            options.policy,
            (a, u) => addDaily(t, a.index, d, u, maxDays),
          );
          o.shifted[d] = loads / perCar;
          rest -= loads / perCar;
        }
      }
      s.queue = rest;
      o.queue[d] = rest;
      o.unitDays += rest;
      if (rest > o.peakQueue) {
        o.peakQueue = rest;
        o.peakDay = d;
      }
      if (o.clearDay === null && d >= s.lastEffectDay && rest < CLEAR_EPSILON) o.clearDay = d;
    }
    const allClear = affected.every((s) => s.queue < CLEAR_EPSILON);
    if (input.horizonDays === undefined && d >= lastEffectDay && allClear) {
      days = d + 1;
      break;
    }
  }

  const flowsOut: FlowResult[] = affected.map((s) => {
    const o = s.out!;
    for (const k of [
      "expected",
      "arrivals",
      "blocked",
      "servedHome",
      "diverted",
      "shifted",
      "queue",
    ] as const)
      o[k] = o[k].slice(0, days);
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    o.totals = {
      arrivals: sum(o.arrivals),
      blocked: sum(o.blocked),
      servedHome: sum(o.servedHome),
      diverted: sum(o.diverted),
      shifted: sum(o.shifted),
      queueEnd: o.queue[days - 1] ?? 0,
    };
    o.baselinePerDay = days ? (sum(s.flow.arrivalsPerDay.slice(0, days)) * s.ratio) / days : 0;
    const diversions: Diversion[] = [];
    for (const [dest, alts] of [
      [div.get(s)!, s.alts],
      [shiftTo.get(s)!, s.truckAlts],
    ] as const) {
      for (const [i, daily] of dest) {
        const f = flows[i]!;
        diversions.push({
          to: f.port,
          toName: f.portName,
          mode: f.mode,
          units: daily.reduce((x, y) => x + y, 0),
          km: alts.find((a) => a.index === i)!.km,
          daily: daily.slice(0, days),
        });
      }
    }
    o.diversions = diversions.sort((a, b) => b.units - a.units);
    return o;
  });

  let closureDays = 0;
  for (const s of affected) {
    const lost = effects[s.flow.key]!.capacity.slice(0, days).reduce((x, c) => x + (1 - c), 0);
    closureDays = Math.max(closureDays, lost);
  }
  return {
    days,
    closureDays,
    flows: flowsOut,
    costs: costLayers(flowsOut, affected, effects, p, options.multiplier),
  };
}

function costLayers(
  flows: FlowResult[],
  states: State[],
  effects: ModelInput["effects"],
  p: Params,
  multiplier: boolean,
): Costs {
  let valueHeldUpUsd = 0;
  let duringEvents = 0;
  let carryingUsd = 0;
  let equipmentUsd = 0;
  let spoilageUsd = 0;
  let detourUsd = 0;
  const byHs2 = new Map<string, { hs2: string; label: string; valueUsd: number }>();
  flows.forEach((o, i) => {
    const f = states[i]!.flow;
    const cap = effects[f.key]!.capacity;
    const blockedValue = o.totals.blocked * f.valuePerUnitUsd;
    valueHeldUpUsd += blockedValue;
    duringEvents += o.blocked.reduce((s, b, d) => s + (cap[d]! < 1 ? b : 0), 0) * f.valuePerUnitUsd;
    for (const c of f.commodities) {
      const e = byHs2.get(c.hs2) ?? { hs2: c.hs2, label: c.label, valueUsd: 0 };
      e.valueUsd += blockedValue * c.share;
      byHs2.set(c.hs2, e);
    }
    const heldValueDays = o.unitDays * f.valuePerUnitUsd;
    carryingUsd += (heldValueDays * p.carryingRatePerYear) / 365;
    const perishable = f.commodities.filter((c) => c.perishable).reduce((s, c) => s + c.share, 0);
    spoilageUsd += heldValueDays * perishable * p.spoilagePerDay;
    if (f.mode === "rail") equipmentUsd += o.unitDays * p.railcarDayUsd;
    if (f.mode === "truck") equipmentUsd += o.unitDays * p.truckHoursPerDay * p.truckHourUsd;
    for (const dv of o.diversions) {
      if (dv.mode === "rail") detourUsd += dv.units * dv.km * p.railDetourUsdPerCarKm;
      if (dv.mode === "truck") detourUsd += dv.units * dv.km * p.truckDetourUsdPerKm;
    }
  });
  const closureDays = Math.max(
    0,
    ...flows.map((o, i) =>
      effects[states[i]!.flow.key]!.capacity.slice(0, o.arrivals.length).reduce((x, c) => x + (1 - c), 0),
    ),
  );
  const directUsd = carryingUsd + equipmentUsd + spoilageUsd + detourUsd;
  return {
    valueHeldUpUsd,
    valueHeldUpPerClosureDayUsd: closureDays > 0 ? duringEvents / closureDays : 0,
    valueByCommodity: [...byHs2.values()].sort((a, b) => b.valueUsd - a.valueUsd),
    carryingUsd,
    equipmentUsd,
    spoilageUsd,
    detourUsd,
    directUsd,
    widerUsd: multiplier ? directUsd * (p.multiplier - 1) : null,
  };
}
