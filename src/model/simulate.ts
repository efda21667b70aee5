import { distanceKm } from "./geo.ts";
import type { Params } from "./parameters.ts";
import { percentile } from "./rng.ts";
import type {
  ReroutingPolicy,
  Costs,
  Diversion,
  ExcludedAlternative,
  FlowInput,
  FlowResult,
  ModelInput,
  RunResult,
} from "./types.ts";

/** Queues below this many units count as cleared. */
export const CLEAR_EPSILON = 0.5;

/** Personal trips: they mostly cancel or wait rather than divert, and return slowly after a long closure. */
const TRAVELLER_MODES = new Set<string>(["personal-vehicle", "pedestrian", "bus"]);
const isTraveller = (f: FlowInput) => TRAVELLER_MODES.has(f.mode);

interface Alt {
  index: number;
  km: number;
}

interface State {
  flow: FlowInput;
  capacityPerDay: number;
  /** What the crossing can take in a day when other crossings' traffic arrives (surge, lanes). */
  surgePerDay: number;
  ratio: number;
  queue: number;
  /** A normal day's arrivals: deferred demand returns at least at this ÷ catchUpDays a day. */
  normalDay: number;
  spare: number;
  /** Share of the day's traffic hours open (closures, throughput cuts), per day; affected flows only. */
  open?: number[];
  /** Share of capacity left in the open hours by facilities cuts, per day; affected flows only. */
  capShare?: number[];
  /** Share of the day's expected arrivals served on arrival (1: nothing blocked), per day; affected flows only. */
  served?: number[];
  /** Travellers' slow return after reopening: demand multiplier per day. */
  recovery?: number[];
  alts: Alt[];
  truckAlts: Alt[];
  excluded: ExcludedAlternative[];
  firstReducedDay: number;
  lastEffectDay: number;
  out?: FlowResult;
}

function addDaily(m: Map<number, number[]>, index: number, day: number, units: number, days: number): void {
  let a = m.get(index);
  if (!a) m.set(index, (a = new Array<number>(days).fill(0)));
  a[day]! += units;
}

/** Units one primary lane clears in an hour, by mode (rail has no lanes). */
function laneRate(flow: FlowInput, p: Params): number | null {
  switch (flow.mode) {
    case "truck":
      return p.laneRateTruck;
    case "personal-vehicle":
    case "bus":
      return p.laneRateVehicle;
    case "pedestrian":
      return p.laneRatePedestrian;
    default:
      return null;
  }
}

/**
 * Physical capacity per day, where it is known: primary lanes × open hours × the lane rate (inbound: CBP's
 * lanes), or a rail crossing's trains a day × railcars per train. Null where unknown.
 */
export function physicalCapacity(flow: FlowInput, p: Params): number | null {
  const ratio = flow.fromInbound ? p.outboundRatio : 1;
  if (flow.mode === "rail") {
    const trains = flow.railroads?.inboundTrainsPerDayMax;
    const perCar = flow.unitMix.trains;
    if (trains === null || trains === undefined || !perCar) return null;
    return (trains / perCar) * ratio;
  }
  const rate = laneRate(flow, p);
  if (!flow.lanes || rate === null || flow.direction !== "inbound") return null;
  return flow.lanes.lanes * flow.lanes.openHours * rate;
}

/**
 * Capacity of a flow per day: its robust recent peak (a high percentile of clean months' daily rates, on
 * its busiest weekday, never below the busiest day it is expected to carry) × headroom, and never above
 * its physical capacity where that is known (unless it routinely carries more).
 */
export function flowCapacity(flow: FlowInput, p: Params): number {
  const ratio = flow.fromInbound ? p.outboundRatio : 1;
  const robust = percentile(flow.recentDailyRates, p.capacityPercentile) * flow.peakWeekdayFactor * ratio;
  let ownPeak = 0;
  for (const a of flow.arrivalsPerDay) if (a > ownPeak) ownPeak = a;
  ownPeak *= ratio;
  const cap = Math.max(robust, ownPeak) * p.headroom;
  const phys = physicalCapacity(flow, p);
  return phys === null ? cap : Math.min(cap, Math.max(phys, ownPeak));
}

/**
 * What a crossing can take in a day when traffic diverted from elsewhere arrives: its capacity × the
 * surge factor (longer hours, more officers), at least one lane's worth over its open hours, and never above
 * its physical capacity.
 */
export function surgeCapacity(flow: FlowInput, cap: number, p: Params): number {
  const rate = laneRate(flow, p);
  const oneLane = flow.lanes && rate !== null ? flow.lanes.openHours * rate : 0;
  const phys = physicalCapacity(flow, p);
  const surge = Math.max(cap * p.surgeFactor, oneLane, cap);
  return phys === null ? surge : Math.max(cap, Math.min(surge, phys));
}

const shares = (a: readonly string[], b: readonly string[]) => a.some((x) => b.includes(x));
const rr = (r: NonNullable<FlowInput["railroads"]>) => `${r.us.join("/")}–${r.foreign.join("/")}`;

/**
 * The crossings a blocked flow can divert to, nearest first, and the ones ruled out with the reason: rail
 * only where the same railroads serve both sides (data/model/rail-corridors.csv) within maxDetourKm; road
 * traffic within the extra driving time its mode accepts.
 */
export function alternatives(
  flows: readonly FlowInput[],
  from: FlowInput,
  p: Params,
  mode: string,
  samePortOk: boolean,
): { alts: Alt[]; excluded: ExcludedAlternative[] } {
  const alts: Alt[] = [];
  const excluded: ExcludedAlternative[] = [];
  const limitH = mode === "truck" ? p.maxDetourHoursTruck : p.maxDetourHoursTravellers;
  flows.forEach((f, index) => {
    if (f.mode !== mode || f.border !== from.border || f.direction !== from.direction) return;
    if (f.port === from.port && !samePortOk) return;
    const km = distanceKm(from.latitude, from.longitude, f.latitude, f.longitude) * p.circuity;
    const no = (reason: string) => excluded.push({ to: f.port, toName: f.portName, reason });
    if (f.restrictedTo) return no(`only ${f.restrictedTo} may cross here`);
    if (mode === "rail") {
      if (!from.railroads)
        return no(`no corridor data for ${from.portName}: rail is not diverted without it`);
      if (!f.railroads) return no("no corridor data for this crossing");
      if (f.railroads.inboundTrainsPerDayMax === 0) return no("no trains cross here");
      if (!shares(from.railroads.us, f.railroads.us) || !shares(from.railroads.foreign, f.railroads.foreign))
        return no(
          `no railroad serves both: ${from.portName} is ${rr(from.railroads)}, this crossing ${rr(f.railroads)}`,
        );
      if (km > p.maxDetourKm) return no(`${Math.round(km)} route km, beyond maxDetourKm`);
      alts.push({ index, km });
      return;
    }
    const hours = km / p.detourSpeedKmh;
    if (hours > limitH) {
      if (hours <= 2 * limitH)
        no(
          `${hours.toFixed(1)} h of extra driving, beyond the ${limitH.toFixed(1)} h ${mode === "truck" ? "trucks" : "travellers"} accept`,
        );
      return;
    }
    alts.push({ index, km });
  });
  alts.sort((a, b) => a.km - b.km || flows[a.index]!.key.localeCompare(flows[b.index]!.key));
  return { alts, excluded };
}

/** Route km below which a gravity weight counts the distance as this (a crossing's own other lanes: 0 km). */
const GRAVITY_MIN_KM = 1;

/**
 * Moves up to `amount` into the spare capacity of `alts`: by gravity (each alternative's share ∝ its normal
 * day's traffic of the mode ÷ route km; what an alternative's spare cannot take goes to the others by the
 * same weights), nearest first, or in proportion to spare.
 */
function allocate(
  amount: number,
  alts: Alt[],
  states: State[],
  policy: ReroutingPolicy,
  take: (alt: Alt, units: number) => void,
): number {
  if (amount <= 0 || alts.length === 0) return 0;
  let moved = 0;
  if (policy === "gravity") {
    // Shippers and travellers go where their brokers, carriers and customs already handle their traffic, and
    // a longer detour costs more: a crossing's pull is its normal traffic over its distance. Each pass fills
    // the alternatives by weight within their spare; one that fills drops out (at most alts.length passes).
    let pool = alts.filter((a) => states[a.index]!.spare > 0 && states[a.index]!.normalDay > 0);
    for (let pass = 0; pass <= alts.length && pool.length > 0 && amount - moved > 1e-9; pass++) {
      const w = pool.map((a) => states[a.index]!.normalDay / Math.max(a.km, GRAVITY_MIN_KM));
      const total = w.reduce((x, y) => x + y, 0);
      const left = amount - moved;
      pool.forEach((a, i) => {
        const u = Math.min(states[a.index]!.spare, (left * w[i]!) / total);
        if (u <= 0) return;
        states[a.index]!.spare -= u;
        take(a, u);
        moved += u;
      });
      pool = pool.filter((a) => states[a.index]!.spare > 1e-9);
    }
    return moved;
  }
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
 * Per day, the traffic-weighted share of the day lost to capacity that binds fully (closures, throughput
 * cuts), the traffic weight of the hours left open, and that weight's share still cut by facilities cuts
 * (before `cutBinding`). Computed once per flow's effects (the Monte Carlo draws reuse it).
 */
const dayLosses = new WeakMap<object, { lost: Float64Array; open: Float64Array; cut: Float64Array }>();
function lossesOf(flow: FlowInput, e: ModelInput["effects"][string]) {
  let l = dayLosses.get(e);
  if (l) return l;
  const days = e.demand.length;
  l = { lost: new Float64Array(days), open: new Float64Array(days), cut: new Float64Array(days) };
  for (let d = 0; d < days; d++) {
    let lost = 0;
    let open = 0;
    let cut = 0;
    for (let h = 0; h < 24; h++) {
      const w = flow.hourShare[h]!;
      if (w === 0) continue;
      const i = d * 24 + h;
      const c = e.capacity[i]!;
      lost += w * (1 - c);
      open += w * c;
      cut += w * c * (1 - e.cut[i]!);
    }
    l.lost[d] = lost;
    l.open[d] = open;
    l.cut[d] = cut;
  }
  dayLosses.set(e, l);
  return l;
}

/**
 * Per day, the share of the day open to traffic (hourly closures and throughput cuts weighted by the day's
 * traffic hours: these bind on the traffic itself) and the share of the crossing's capacity left in those open
 * hours by facilities cuts (a closed facility, fewer lanes, slower inspections), of which `cutBinding` is
 * really lost (the rest absorbed by other lanes, longer hours). A facilities cut takes capacity, not
 * traffic: it blocks only the arrivals beyond what the remaining capacity can serve that day (the wait
 * grows first; within the day travellers and trucks queue for the lanes left open).
 */
function openShares(
  flow: FlowInput,
  e: ModelInput["effects"][string],
  days: number,
  p: Params,
): { open: number[]; capShare: number[] | undefined } {
  const l = lossesOf(flow, e);
  const open = new Array<number>(days).fill(1);
  let capShare: number[] | undefined;
  for (let d = 0; d < days && d < l.lost.length; d++) {
    if (l.lost[d]! > 1e-12) open[d] = Math.max(0, 1 - l.lost[d]!);
    if (l.cut[d]! > 1e-12 && l.open[d]! > 1e-12) {
      capShare ??= new Array<number>(days).fill(1);
      capShare[d] = Math.max(0, 1 - (p.cutBinding * l.cut[d]!) / l.open[d]!);
    }
  }
  return { open, capShare };
}

/**
 * Runs the scenario model once with fixed parameters: a daily fluid model per affected flow, in which what
 * arrives in the hours an event closes or cuts is blocked; blocked flow diverts (a share, ramping up over the
 * lead time) to crossings the same railroads serve or within the detour its mode accepts, within their spare
 * capacity; shifts from rail to truck when asked; and otherwise is cancelled (a share at once, the rest
 * after waiting as long as its patience allows) or deferred, returning after reopening at the pace shippers
 * and travellers come back, within capacity. Travellers' demand returns to normal gradually after a long
 * closure. Pure: the same input and parameters give the same result.
 */
export function runModel(input: ModelInput, p: Params): RunResult {
  const { flows, effects, options } = input;
  const maxDays = Math.min(input.horizonDays ?? input.days, input.days);
  const states: State[] = flows.map((flow) => {
    const cap = flowCapacity(flow, p);
    return {
      flow,
      capacityPerDay: cap,
      surgePerDay: surgeCapacity(flow, cap, p),
      ratio: (flow.fromInbound ? p.outboundRatio : 1) * p.baselineLevel,
      queue: 0,
      normalDay:
        (flow.arrivalsPerDay.reduce((a, b) => a + b, 0) / Math.max(1, flow.arrivalsPerDay.length)) *
        (flow.fromInbound ? p.outboundRatio : 1) *
        p.baselineLevel,
      spare: 0,
      alts: [],
      truckAlts: [],
      excluded: [],
      firstReducedDay: -1,
      lastEffectDay: -1,
    };
  });
  const affected: State[] = [];
  let lastEffectDay = -1;
  for (const s of states) {
    const e = effects[s.flow.key];
    if (!e) continue;
    affected.push(s);
    const sh = openShares(s.flow, e, maxDays, p);
    s.open = sh.open;
    if (sh.capShare) s.capShare = sh.capShare;
    // The share of each day's arrivals served on arrival, before any queue: what closures leave open, within
    // the capacity facilities cuts leave (arrivals as expected that day, demand shocks included).
    const served = (s.served = sh.open.slice());
    let lost = 0;
    let reducedDays = 0;
    for (let d = 0; d < maxDays; d++) {
      const c = sh.open[d]!;
      const k = sh.capShare ? sh.capShare[d]! : 1;
      if (k < 1) {
        const a = (s.flow.arrivalsPerDay[d] ?? 0) * s.ratio * e.demand[d]!;
        const cap = s.capacityPerDay * c * k;
        served[d] = a > 0 ? Math.min(c, cap / a) : c * k;
      }
      if (served[d]! < 1 - 1e-12) {
        if (s.firstReducedDay < 0) s.firstReducedDay = d;
        lost += 1 - served[d]!;
        reducedDays++;
      }
      // A day whose capacity is cut is in the event's effect even when nothing is blocked (waits grow).
      if (e.demand[d] !== 1 || c * k < 1 - 1e-12) s.lastEffectDay = Math.max(s.lastEffectDay, d);
    }
    if (isTraveller(s.flow) && reducedDays > 0 && p.travellerRecovery > 0) {
      const span = p.travellerRecovery * lost;
      const depth = lost / reducedDays;
      const last = s.served.findLastIndex((c) => c < 1 - 1e-12);
      s.recovery = new Array<number>(maxDays).fill(1);
      for (let t = 1; t < span && last + t < maxDays; t++) s.recovery[last + t] = 1 - depth * (1 - t / span);
      s.lastEffectDay = Math.min(maxDays - 1, Math.max(s.lastEffectDay, Math.ceil(last + span)));
    }
    lastEffectDay = Math.max(lastEffectDay, s.lastEffectDay);
    if (options.rerouting) {
      const a = alternatives(flows, s.flow, p, s.flow.mode, false);
      s.alts = a.alts;
      s.excluded = a.excluded;
    }
    if (options.railToTruck && s.flow.mode === "rail")
      s.truckAlts = alternatives(flows, { ...s.flow, mode: "truck" }, p, "truck", true).alts;
  }
  // The run covers the events' windows even where they change nothing (an officer event that moves no one).
  if (input.lastEventDay !== undefined)
    lastEffectDay = Math.max(lastEffectDay, Math.min(maxDays - 1, input.lastEventDay));
  // Only the affected flows and the crossings they can divert to take part in a day; the rest of the
  // network is untouched by the events.
  const active = new Set<State>(affected);
  for (const s of affected) for (const a of [...s.alts, ...s.truckAlts]) active.add(states[a.index]!);
  const activeStates = states.filter((s) => active.has(s));
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
      servedLate: series(),
      diverted: series(),
      shifted: series(),
      cancelled: series(),
      queue: series(),
      openShare: s.capShare ? s.open!.map((c, d) => c * s.capShare![d]!) : s.open!.slice(),
      totals: {
        expected: 0,
        arrivals: 0,
        blocked: 0,
        servedHome: 0,
        servedLate: 0,
        diverted: 0,
        shifted: 0,
        cancelled: 0,
        queueEnd: 0,
      },
      peakQueue: 0,
      peakDay: 0,
      clearDay: null,
      unitDays: 0,
      diversions: [],
      excluded: s.excluded,
      valuePerUnitUsd: s.flow.valuePerUnitUsd,
    };
    div.set(s, new Map());
    shiftTo.set(s, new Map());
  }

  const keepP = (share: number) => Math.exp(-1 / Math.max(share, 1e-9));
  const kFreight = keepP(p.patienceDaysFreight);
  const kTravel = keepP(p.patienceDaysTravellers);
  const divert = (f: FlowInput) =>
    f.mode === "rail" ? p.divertShareRail : f.mode === "truck" ? p.divertShareTruck : p.divertShareTravellers;
  const blockedToday = new Map<State, number>();
  const releasedToday = new Map<State, number>();
  let days = maxDays;
  for (let d = 0; d < maxDays; d++) {
    // 1. Every flow serves today's arrivals in its open hours, then deferred demand, within capacity; what
    //    it has left (with a surge) is spare for traffic diverted from elsewhere.
    for (const s of activeStates) {
      const e = effects[s.flow.key];
      const expected = (s.flow.arrivalsPerDay[d] ?? 0) * s.ratio;
      const arrivals = expected * (e ? e.demand[d]! : 1) * (s.recovery ? s.recovery[d]! : 1);
      const c = s.open ? s.open[d]! : 1;
      const cap = s.capacityPerDay * c * (s.capShare ? s.capShare[d]! : 1);
      const direct = Math.min(arrivals * c, cap);
      const left = cap - direct;
      // Deferred demand returns at the pace shippers and travellers come back (a catchUpDays-th of the
      // backlog a day, at least a catchUpDays-th of a normal day), within what capacity is left.
      const pace = Math.max(s.queue, s.normalDay, CLEAR_EPSILON) / Math.max(p.catchUpDays, 1e-9);
      const release = s.queue > 0 ? Math.min(s.queue, left, pace) : 0;
      // A crossing whose own capacity is cut today takes no one else's traffic.
      const cut = c < 1 - 1e-12 || (s.capShare !== undefined && s.capShare[d]! < 1 - 1e-12);
      s.spare = cut ? 0 : Math.max(0, s.surgePerDay - direct - release);
      if (s.out) {
        const o = s.out;
        o.expected[d] = expected;
        o.arrivals[d] = arrivals;
        o.blocked[d] = arrivals - direct;
        o.servedHome[d] = direct + release;
        o.servedLate[d] = release;
        blockedToday.set(s, arrivals - direct);
        releasedToday.set(s, release);
      }
    }
    // 2. Affected flows: blocked traffic diverts (a share, ramping up), shifts to truck, or is cancelled or
    //    deferred; deferred demand gives up at the rate its patience allows.
    for (const s of affected) {
      const o = s.out!;
      const blocked = blockedToday.get(s)!;
      let rest = blocked;
      const reduced = s.served![d]! < 1 - 1e-12;
      if (reduced && rest > 0 && (s.alts.length || s.truckAlts.length)) {
        const ramp = Math.min(1, (d - s.firstReducedDay + 1) / Math.max(p.leadTimeDays, 1e-9));
        const m = div.get(s)!;
        const moved = allocate(rest * divert(s.flow) * ramp, s.alts, states, options.policy, (a, u) =>
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
      const traveller = isTraveller(s.flow);
      const cancelNow = rest * (traveller ? p.cancelShareTravellers : p.cancelShareFreight);
      let q = s.queue - releasedToday.get(s)! + rest - cancelNow;
      const gaveUp = q * (1 - (traveller ? kTravel : kFreight));
      q -= gaveUp;
      o.cancelled[d] = cancelNow + gaveUp;
      s.queue = q;
      o.queue[d] = q;
      o.unitDays += q;
      if (q > o.peakQueue) {
        o.peakQueue = q;
        o.peakDay = d;
      }
      if (o.clearDay === null && d >= s.lastEffectDay && q < CLEAR_EPSILON) o.clearDay = d;
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
      "servedLate",
      "diverted",
      "shifted",
      "cancelled",
      "queue",
      "openShare",
    ] as const)
      o[k] = o[k].slice(0, days);
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    o.totals = {
      expected: sum(o.expected),
      arrivals: sum(o.arrivals),
      blocked: sum(o.blocked),
      servedHome: sum(o.servedHome),
      servedLate: sum(o.servedLate),
      diverted: sum(o.diverted),
      shifted: sum(o.shifted),
      cancelled: sum(o.cancelled),
      queueEnd: o.queue[days - 1] ?? 0,
    };
    o.baselinePerDay = days ? o.totals.expected / days : 0;
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

  const closureDays = input.closureHours / 24;
  return {
    days,
    closureDays,
    flows: flowsOut,
    costs: costLayers(flowsOut, affected, closureDays, p, options.multiplier),
  };
}

function costLayers(
  flows: FlowResult[],
  states: State[],
  closureDays: number,
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
    const s = states[i]!;
    const f = s.flow;
    const blockedValue = o.totals.blocked * f.valuePerUnitUsd;
    valueHeldUpUsd += blockedValue;
    duringEvents +=
      o.blocked.reduce((x, b, d) => x + (s.served![d]! < 1 - 1e-12 ? b : 0), 0) * f.valuePerUnitUsd;
    for (const c of f.commodities) {
      const e = byHs2.get(c.hs2) ?? { hs2: c.hs2, label: c.label, valueUsd: 0 };
      e.valueUsd += blockedValue * c.share;
      byHs2.set(c.hs2, e);
    }
    const heldValueDays = o.unitDays * f.valuePerUnitUsd;
    carryingUsd += (heldValueDays * p.carryingRatePerYear) / 365;
    const perishable = f.commodities.filter((c) => c.perishable).reduce((x, c) => x + c.share, 0);
    spoilageUsd += heldValueDays * perishable * p.spoilagePerDay;
    if (f.mode === "rail") equipmentUsd += o.unitDays * p.railcarDayUsd;
    if (f.mode === "truck") equipmentUsd += o.unitDays * p.truckHoursPerDay * p.truckHourUsd;
    for (const dv of o.diversions) {
      if (dv.mode === "rail") detourUsd += dv.units * dv.km * p.railDetourUsdPerCarKm;
      if (dv.mode === "truck") detourUsd += dv.units * dv.km * p.truckDetourUsdPerKm;
    }
  });
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
