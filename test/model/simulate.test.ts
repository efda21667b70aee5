import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import {
  buildEffects,
  closureHours,
  midParams,
  PARAMETERS,
  resolveRanges,
  runModel,
  runMonteCarlo,
  type FlowInput,
  type ModelInput,
  type Params,
  type ResolvedEvent,
  type ReroutingPolicy,
} from "../../src/model/index.ts";

const DAY = 86_400_000;
/** Local midnight of 2023-12-18 in America/Chicago (CST, UTC−6): day 0 of the test grid. */
const T0 = Date.UTC(2023, 11, 18, 6);
const DAYS = 120;

function flow(i: number, arrivals: number, peak: number, mode: "rail" | "truck" = "rail"): FlowInput {
  return {
    key: `P${i}/${mode}/inbound`,
    port: `P${i}`,
    portName: `Port ${i}`,
    border: "mexico",
    mode,
    direction: "inbound",
    latitude: 28 + i * 0.5,
    longitude: -100 + i * 0.5,
    timeZone: "America/Chicago",
    unit: mode === "rail" ? "railcars" : "trucks",
    arrivalsPerDay: new Array(DAYS).fill(arrivals),
    hourShare: new Array(24).fill(1 / 24),
    peakWeekdayFactor: 1,
    lanes: null,
    railroads: mode === "rail" ? { us: ["UP"], foreign: ["FXE"], inboundTrainsPerDayMax: null } : null,
    fromInbound: false,
    recentDailyRates: [arrivals * 0.9, arrivals, peak],
    unitMix: { trains: 0.01 },
    loadedShare: 0.6,
    valuePerUnitUsd: 50_000,
    commodities: [
      { hs2: "87", label: "Vehicles", share: 0.7, perishable: false },
      { hs2: "07", label: "Vegetables", share: 0.3, perishable: true },
    ],
  };
}

const closure = (
  port: string,
  fromDay: number,
  hours: number,
  kind: "closure" | "capacity-cut" = "closure",
  remaining = 0,
  of: "throughput" | "facilities" = "throughput",
): ResolvedEvent =>
  ({
    kind,
    ports: [port],
    modes: ["rail"],
    direction: "both",
    startMs: T0 + fromDay * DAY,
    endMs: T0 + fromDay * DAY + hours * 3_600_000,
    ...(kind === "capacity-cut" ? { remainingCapacity: remaining, of } : {}),
  }) as ResolvedEvent;

function input(
  flows: FlowInput[],
  events: ResolvedEvent[],
  opts: Partial<ModelInput["options"]> = {},
): ModelInput {
  return {
    startDate: "2023-12-18",
    days: DAYS,
    flows,
    effects: buildEffects(events, flows, "2023-12-18", DAYS),
    closureHours: closureHours(events),
    options: { rerouting: true, policy: "nearest-first", railToTruck: false, multiplier: false, ...opts },
  };
}

const P: Params = midParams(resolveRanges({}));

const arb = fc.record({
  arrivals: fc.array(fc.double({ min: 1, max: 2000, noNaN: true }), { minLength: 1, maxLength: 5 }),
  peakFactor: fc.double({ min: 1, max: 2, noNaN: true }),
  start: fc.integer({ min: 0, max: 10 }),
  hours: fc.integer({ min: 1, max: 24 * 20 }),
  cut: fc.constantFrom("closure", "capacity-cut") as fc.Arbitrary<"closure" | "capacity-cut">,
  remaining: fc.double({ min: 0, max: 0.9, noNaN: true }),
  of: fc.constantFrom("throughput", "facilities") as fc.Arbitrary<"throughput" | "facilities">,
  rerouting: fc.boolean(),
  railToTruck: fc.boolean(),
  policy: fc.constantFrom("gravity", "nearest-first", "proportional") as fc.Arbitrary<ReroutingPolicy>,
});

interface Case {
  arrivals: number[];
  peakFactor: number;
  start: number;
  hours: number;
  cut: "closure" | "capacity-cut";
  remaining: number;
  of: "throughput" | "facilities";
  rerouting: boolean;
  railToTruck: boolean;
  policy: ReroutingPolicy;
}

function scenarioOf(a: Case) {
  const flows = a.arrivals.map((x, i) => flow(i, x, x * a.peakFactor));
  flows.push(flow(9, 500, 700, "truck"));
  return input(flows, [closure("P0", a.start, a.hours, a.cut, a.remaining, a.of)], {
    rerouting: a.rerouting,
    railToTruck: a.railToTruck,
    policy: a.policy,
  });
}

test("flow is conserved: arrivals = served at home (on time and deferred) + rerouted + shifted + cancelled + still waiting", () => {
  fc.assert(
    fc.property(arb, fc.double({ min: 0, max: 0.9, noNaN: true }), (a, cancel) => {
      const r = runModel(scenarioOf(a), { ...P, cancelShareFreight: cancel });
      for (const f of r.flows) {
        const t = f.totals;
        const rhs = t.servedHome + t.diverted + t.shifted + t.cancelled + t.queueEnd;
        assert.ok(Math.abs(t.arrivals - rhs) < 1e-6 * Math.max(1, t.arrivals), `${t.arrivals} vs ${rhs}`);
        // What was blocked either diverted, shifted, was cancelled, or waited: deferred = served late + still waiting.
        const deferred = t.blocked - t.diverted - t.shifted - t.cancelled;
        assert.ok(Math.abs(deferred - (t.servedLate + t.queueEnd)) < 1e-6 * Math.max(1, t.arrivals));
        assert.ok(t.servedLate <= t.servedHome + 1e-9);
        assert.ok(f.cancelled.every((c) => c >= -1e-9));
      }
    }),
  );
});

test("no queue is ever negative, and nothing is blocked beyond what arrived", () => {
  fc.assert(
    fc.property(arb, (a) => {
      const r = runModel(scenarioOf(a), P);
      for (const f of r.flows) {
        assert.ok(f.queue.every((q) => q >= -1e-9));
        assert.ok(f.blocked.every((b, d) => b <= f.arrivals[d]! + 1e-9));
      }
    }),
  );
});

test("more capacity never makes the backlog longer or larger", () => {
  fc.assert(
    fc.property(
      arb,
      fc.double({ min: 1.0, max: 1.5, noNaN: true }),
      fc.double({ min: 0, max: 0.5, noNaN: true }),
      (a, h, extra) => {
        const inp = scenarioOf({ ...a, rerouting: false, railToTruck: false });
        const low = runModel(inp, { ...P, headroom: h });
        const high = runModel(inp, { ...P, headroom: h + extra });
        const f0 = low.flows[0]!;
        const f1 = high.flows[0]!;
        assert.ok(f1.unitDays <= f0.unitDays + 1e-6, `unit-days ${f1.unitDays} > ${f0.unitDays}`);
        assert.ok(f1.peakQueue <= f0.peakQueue + 1e-6);
        assert.ok((f1.clearDay ?? Infinity) <= (f0.clearDay ?? Infinity));
      },
    ),
  );
});

test("no events means no impact", () => {
  fc.assert(
    fc.property(arb, (a) => {
      const inp = scenarioOf(a);
      const none = runModel({ ...inp, effects: {} }, P);
      assert.equal(none.flows.length, 0);
      assert.equal(none.costs.valueHeldUpUsd, 0);
      assert.equal(none.costs.directUsd, 0);
      // An event that changes nothing (a capacity cut to 100%) blocks nothing and queues nothing.
      const flat = runModel(input(inp.flows, [closure("P0", a.start, a.hours, "capacity-cut", 1)]), P);
      assert.equal(flat.flows[0]!.totals.blocked, 0);
      assert.equal(flat.flows[0]!.peakQueue, 0);
    }),
  );
});

test("the same seed gives the same bands; another seed may not", () => {
  const inp = scenarioOf({
    arrivals: [800, 1500, 300],
    peakFactor: 1.3,
    start: 0,
    hours: 101,
    cut: "closure",
    remaining: 0,
    of: "throughput",
    rerouting: true,
    railToTruck: true,
    policy: "gravity",
  });
  const ranges = resolveRanges({});
  const a = runMonteCarlo(inp, ranges, { draws: 200, seed: 42 });
  const b = runMonteCarlo(inp, ranges, { draws: 200, seed: 42 });
  const c = runMonteCarlo(inp, ranges, { draws: 200, seed: 43 });
  assert.deepEqual(a.bands, b.bands);
  assert.notDeepEqual(a.bands, c.bands);
  for (const band of Object.values(a.bands)) assert.ok(band.p10 <= band.p50 && band.p50 <= band.p90);
});

test("a full-day closure with no alternative queues a day of arrivals and clears at capacity minus arrivals", () => {
  const f = flow(0, 100, 100);
  // Nothing cancelled, nobody gives up, everyone comes back at once: the pure queue.
  const queue = { cancelShareFreight: 0, patienceDaysFreight: Infinity, catchUpDays: 1e-9 };
  const r = runModel(input([f], [closure("P0", 0, 24)]), {
    ...P,
    ...queue,
    headroom: 1.25,
    capacityPercentile: 1,
  });
  const o = r.flows[0]!;
  assert.equal(o.capacityPerDay, 125);
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9 * Math.max(1, b), `${a} vs ${b}`);
  near(o.queue[0]!, 100);
  near(o.queue[1]!, 75); // 100 queued + 100 arriving - 125 served
  assert.equal(o.clearDay, 4); // 75, 50, 25, 0
  assert.equal(r.closureDays, 1);
  near(r.costs.valueHeldUpPerClosureDayUsd, 100 * 50_000);
  near(o.totals.cancelled, 0);
});

test("a facilities cut takes capacity, not traffic: it blocks only what the capacity left cannot serve", () => {
  const f = flow(0, 100, 100);
  const q = { ...P, headroom: 1.25, capacityPercentile: 1, cutBinding: 1 }; // capacity 125 a day
  const run = (remaining: number, p: Params = q) =>
    runModel(input([f], [closure("P0", 2, 24, "capacity-cut", remaining, "facilities")]), p).flows[0]!;
  // 90% of 125 = 112.5 a day still serves the 100 that arrive: longer waits, no traffic lost.
  assert.ok(run(0.9).totals.blocked < 1e-9);
  assert.ok(Math.abs(run(0.9).openShare[2]! - 0.9) < 1e-9, "the day's capacity share is reported");
  // 60% of 125 = 75: the 25 beyond it are blocked that day only.
  const o = run(0.6);
  assert.ok(Math.abs(o.blocked[2]! - 25) < 1e-9, `${o.blocked[2]}`);
  assert.ok(Math.abs(o.totals.blocked - 25) < 1e-9);
  // A throughput cut (a blockade) binds on the traffic itself: 60% left blocks 40.
  const t = runModel(input([f], [closure("P0", 2, 24, "capacity-cut", 0.6, "throughput")]), q).flows[0]!;
  assert.ok(Math.abs(t.blocked[2]! - 40) < 1e-9, `${t.blocked[2]}`);
  // cutBinding 0.5: half the closed 40% is really lost (80% of 125 = 100 left): nothing blocked.
  assert.ok(run(0.6, { ...q, cutBinding: 0.5 }).totals.blocked < 1e-9);
});

test("a crossing only some travellers may use is never an alternative, and the result says why", () => {
  const home = flow(0, 100, 100, "truck");
  const cbx = { ...flow(1, 100, 200, "truck"), restrictedTo: "ticketed airline passengers" };
  const open = flow(2, 100, 200, "truck");
  const r = runModel(
    input([home, cbx, open], [{ ...closure("P0", 0, 24), modes: ["truck"] } as ResolvedEvent]),
    {
      ...P,
      maxDetourHoursTruck: 1e6,
    },
  );
  const o = r.flows[0]!;
  assert.deepEqual([...new Set(o.diversions.map((d) => d.to))], ["P2"]);
  assert.match(
    o.excluded.find((x) => x.to === "P1")!.reason,
    /only ticketed airline passengers may cross here/,
  );
});

test("rerouting goes nearest first and only into spare capacity", () => {
  const home = flow(0, 100, 100);
  const near = flow(1, 100, 120); // spare 150 - 100 = 50 at headroom 1.25
  const far = flow(3, 100, 200); // spare 250 - 100 = 150
  const r = runModel(input([home, near, far], [closure("P0", 0, 24)]), {
    ...P,
    headroom: 1.25,
    capacityPercentile: 1,
    leadTimeDays: 1,
    divertShareRail: 1,
    surgeFactor: 1,
    maxDetourKm: 1e6,
  });
  const d = r.flows[0]!.diversions;
  const units = Object.fromEntries(d.map((x) => [x.to, Math.round(x.units)]));
  assert.deepEqual(
    units,
    { P1: 50, P3: 50 },
    "the near crossing is filled to its spare 50, the rest goes farther",
  );
  assert.equal(Math.round(r.flows[0]!.totals.diverted), 100);
  assert.ok(d.find((x) => x.to === "P1")!.km < d.find((x) => x.to === "P3")!.km);
});

test("gravity: diverted traffic goes in proportion to each crossing's traffic over its distance, within spare", () => {
  const home = flow(0, 100, 100);
  const near = flow(1, 10, 10); // small and near: spare 50 under the surge below
  const far = flow(3, 300, 300); // big and three times as far: spare 150
  const p = {
    ...P,
    headroom: 1,
    capacityPercentile: 1,
    leadTimeDays: 1,
    divertShareRail: 1,
    surgeFactor: 1,
    maxDetourKm: 1e6,
  };
  const nearSpare = { ...near, recentDailyRates: [60] };
  const farSpare = { ...far, recentDailyRates: [450] };
  const run = (policy: ReroutingPolicy) =>
    runModel(input([home, nearSpare, farSpare], [closure("P0", 0, 24)], { policy }), p).flows[0]!;
  const g = run("gravity");
  const units = Object.fromEntries(g.diversions.map((x) => [x.to, x.units]));
  const km = Object.fromEntries(g.diversions.map((x) => [x.to, x.km]));
  const wNear = 10 / km.P1!;
  const wFar = 300 / km.P3!;
  assert.ok(Math.abs(units.P1! / units.P3! - wNear / wFar) < 1e-9, "shares ∝ traffic ÷ km");
  assert.ok(Math.abs(g.totals.diverted - 100) < 1e-9);
  // Nearest first fills the small near crossing to its spare before the big one.
  const n = run("nearest-first");
  assert.equal(Math.round(n.diversions.find((x) => x.to === "P1")!.units), 50);

  // What a crossing's spare cannot take goes to the others by the same weights.
  const tight = runModel(
    input([home, nearSpare, { ...farSpare, recentDailyRates: [320] }], [closure("P0", 0, 24)], {
      policy: "gravity",
    }),
    p,
  ).flows[0]!;
  const t = Object.fromEntries(tight.diversions.map((x) => [x.to, x.units]));
  assert.ok(Math.abs(t.P3! - 20) < 1e-9, "the big crossing takes only its spare of 20");
  assert.ok(Math.abs(t.P1! - 50) < 1e-9, "the rest fills the small one up to its spare");
});

test("every parameter has a unit, a meaning and a source, and is documented in docs/model.md", () => {
  const doc = readFileSync("docs/model.md", "utf8");
  for (const [k, v] of Object.entries(PARAMETERS)) {
    assert.ok(doc.includes(`\`${k}\``), `docs/model.md does not document ${k}`);
    assert.ok(v.unit && v.meaning && v.source, k);
    const r = v.value as number | [number, number];
    if (Array.isArray(r)) assert.ok(r[0] <= r[1], k);
  }
});
