// The staffing model: officers → positions by mode over the day → capacity. Unit checks with numbers, and the
// properties the issue asks for: no officers removed changes nothing; more officers removed never raise
// capacity — for every policy, one port or several, in the staffing model and in the engine's effects.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  baselineStaffing,
  buildEffects,
  closureHours,
  cutEvent,
  cutPort,
  midParams,
  officerCut,
  officersFreedBy,
  resolveRanges,
  runModel,
  staffingParams,
  STAFFING_PARAMETERS,
  STAFFING_PARAMETER_NAMES,
  type ClosureItem,
  type FlowInput,
  type ModelInput,
  type PortStaffingInput,
  type ResolvedEvent,
  type StaffingParams,
} from "../../src/model/index.ts";
import { OFFICER_POLICIES, SCENARIO_MODES, type ScenarioMode } from "../../src/domain/scenario.ts";

const P = staffingParams();
const DAY = 86_400_000;
const T0 = Date.UTC(2019, 3, 1);
const DAYS = 60;

const port = (id: string, caps: Partial<Record<ScenarioMode, number>>): PortStaffingInput => ({
  port: id,
  portName: `Port ${id}`,
  modes: Object.entries(caps).map(([mode, capacityPerDay]) => ({
    mode: mode as ScenarioMode,
    capacityPerDay: capacityPerDay!,
    ...(mode === "rail" ? { trainsPerUnit: 0.01 } : {}),
  })),
});

test("baseline: positions from capacity, service rate and utilisation; officers by the relief arithmetic", () => {
  const p: StaffingParams = {
    ...P,
    truckSecondsPerTruck: 90,
    boothUtilisation: 0.5,
    primaryShare: 0.5,
    officerHoursPerYear: 1825,
    truckOpenHours: 12,
  };
  const b = baselineStaffing(port("A", { truck: 2400 }), p);
  const truck = b.modes[0]!;
  // 3,600 / 90 s = 40 trucks an hour while busy, busy half the time: 20 an hour; 2,400 a day needs 120 position-hours.
  assert.equal(truck.unitsPerPositionHour, 20);
  assert.equal(truck.positionHoursPerDay, 120);
  // Open 12 hours from 06:00: 10 positions each hour, none at night.
  assert.equal(truck.openHours, 12);
  assert.deepEqual(truck.positionsByHour.slice(5, 8), [0, 10, 10]);
  assert.equal(truck.positionsByHour[18], 0);
  // 120 position-hours ÷ 0.5 primary share = 240 officer-hours a day × 365 ÷ 1,825 = 48 officers.
  assert.ok(Math.abs(b.officersOnStrength - 48) < 1e-9);
  // Rail: 1,000 railcars a day at 0.01 trains per railcar = 10 trains × 3 officer-hours = 30 (a crew's
  // hours are all-in: no utilisation factor).
  const r = baselineStaffing(port("R", { rail: 1000 }), { ...p, railOfficerHoursPerTrain: 3 }).modes[0]!;
  assert.ok(Math.abs(r.positionHoursPerDay - 30) < 1e-9);
});

test("policies: proportional cuts every mode alike; protect-commercial empties pedestrians first; rail closes whole", () => {
  const p: StaffingParams = { ...P, cutFromPrimary: 1, officerHoursPerYear: 365 }; // one officer = 1 position-hour a day
  const base = baselineStaffing(
    port("A", { pedestrian: 6000, "personal-vehicle": 10000, truck: 2000, rail: 500 }),
    p,
  );
  const ph = Object.fromEntries(base.modes.map((m) => [m.mode, m.positionHoursPerDay]));
  const prop = cutPort(base, 20, "proportional", p);
  const shares = prop.modes.map((m) => m.remainingShare);
  assert.ok(shares.every((s) => Math.abs(s - shares[0]!) < 1e-12));
  assert.ok(Math.abs(shares[0]! - (1 - 20 / base.positionHoursPerDay)) < 1e-12);
  const pc = cutPort(base, ph.pedestrian! + 1, "protect-commercial", p);
  const by = (c: typeof pc, m: ScenarioMode) => c.modes.find((x) => x.mode === m)!.remainingShare;
  assert.equal(by(pc, "pedestrian"), 0);
  assert.ok(by(pc, "personal-vehicle") < 1 && by(pc, "personal-vehicle") > 0.9);
  assert.equal(by(pc, "truck"), 1);
  assert.equal(by(pc, "rail"), 1);
  // Protect travellers: rail goes first and goes whole, even for one officer.
  const pt = cutPort(base, 1, "protect-travellers", p);
  assert.equal(by(pt, "rail"), 0);
  assert.equal(by(pt, "truck"), 1);
  assert.ok(pt.hoursClosed >= pt.hoursToFree);
  // Past every position: everything closed, the rest reported as officers the port could not free.
  const all = cutPort(base, base.positionHoursPerDay + 50, "proportional", p);
  assert.ok(all.modes.every((m) => m.remainingShare === 0));
  assert.ok(Math.abs(all.unmetOfficers - 50) < 1e-9);
});

test("closure-list: the listed items close in order across ports; officersFreedBy says what they free", () => {
  const p: StaffingParams = { ...P, cutFromPrimary: 1, officerHoursPerYear: 365 };
  const a = baselineStaffing(port("A", { rail: 500, truck: 2000 }), p);
  const b = baselineStaffing(port("B", { rail: 300, pedestrian: 5000 }), p);
  const list: ClosureItem[] = [
    { port: "A", mode: "rail", share: 1 },
    { port: "B", mode: "rail", share: 1 },
    { port: "B", mode: "pedestrian", share: 0.5 },
  ];
  const freed = officersFreedBy([a, b], list, p);
  const railA = freed[0]!.officers;
  // Just the first item's officers: only A's rail closes.
  const one = cutEvent([a, b], railA, "closure-list", p, list);
  assert.deepEqual(
    one.flatMap((c) => c.modes.map((m) => `${c.port}/${m.mode}=${m.remainingShare.toFixed(3)}`)),
    ["A/rail=0.000", "A/truck=1.000", "B/rail=1.000", "B/pedestrian=1.000"],
  );
  // Enough for all three: both rails closed, half of B's pedestrian positions.
  const total = freed.reduce((s, f) => s + f.officers, 0);
  const three = cutEvent([a, b], total, "closure-list", p, list);
  assert.equal(three[1]!.modes.find((m) => m.mode === "pedestrian")!.remainingShare.toFixed(3), "0.500");
  assert.equal(three[0]!.modes.find((m) => m.mode === "truck")!.remainingShare, 1);
});

// Property tests --------------------------------------------------------------------------------------

const arbParams: fc.Arbitrary<StaffingParams> = fc
  .tuple(...STAFFING_PARAMETER_NAMES.map(() => fc.double({ min: 0, max: 1, noNaN: true })))
  .map((us) => {
    const out = {} as StaffingParams;
    STAFFING_PARAMETER_NAMES.forEach((k, i) => {
      const r = STAFFING_PARAMETERS[k].value;
      out[k] = typeof r === "number" ? r : r[0] + (r[1] - r[0]) * us[i]!;
    });
    return out;
  });
const arbPort = (id: string) =>
  fc
    .subarray([...SCENARIO_MODES], { minLength: 1 })
    .chain((modes) =>
      fc
        .tuple(...modes.map(() => fc.double({ min: 0, max: 50_000, noNaN: true })))
        .map((caps) => port(id, Object.fromEntries(modes.map((m, i) => [m, caps[i]!])))),
    );
const arbCase = fc.record({
  ports: fc.tuple(arbPort("A"), arbPort("B"), arbPort("C")).chain((ps) => fc.subarray(ps, { minLength: 1 })),
  p: arbParams,
  policy: fc.constantFrom(...OFFICER_POLICIES),
  list: fc.array(
    fc.record({
      port: fc.constantFrom("A", "B", "C"),
      mode: fc.constantFrom(...SCENARIO_MODES),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    { maxLength: 6 },
  ),
  k1: fc.double({ min: 0, max: 3000, noNaN: true }),
  k2: fc.double({ min: 0, max: 3000, noNaN: true }),
});

test("property: removing no officers changes nothing, for every policy and port mix", () => {
  fc.assert(
    fc.property(arbCase, ({ ports, p, policy, list }) => {
      const bases = ports.map((x) => baselineStaffing(x, p));
      for (const c of cutEvent(bases, 0, policy, p, list)) {
        assert.equal(c.hoursClosed, 0);
        for (const m of c.modes) {
          assert.equal(m.remainingShare, 1);
          assert.deepEqual(
            m.positionsByHourAfter,
            bases.find((b) => b.port === c.port)!.modes.find((x) => x.mode === m.mode)!.positionsByHour,
          );
        }
      }
    }),
    { numRuns: 300 },
  );
});

test("property: more officers removed never raise capacity", () => {
  fc.assert(
    fc.property(arbCase, ({ ports, p, policy, list, k1, k2 }) => {
      const [lo, hi] = k1 <= k2 ? [k1, k2] : [k2, k1];
      const bases = ports.map((x) => baselineStaffing(x, p));
      const a = cutEvent(bases, lo, policy, p, list);
      const b = cutEvent(bases, hi, policy, p, list);
      a.forEach((c, i) =>
        c.modes.forEach((m, j) => {
          const after = b[i]!.modes[j]!;
          assert.ok(
            after.remainingShare <= m.remainingShare + 1e-12,
            `${c.port}/${m.mode} ${policy}: ${m.remainingShare} → ${after.remainingShare}`,
          );
          after.positionsByHourAfter.forEach((x, h) => assert.ok(x <= m.positionsByHourAfter[h]! + 1e-9));
        }),
      );
    }),
    { numRuns: 300 },
  );
});

// The same two properties through the engine: the officer event's effects and a model run.
function flows(): FlowInput[] {
  return (["rail", "truck", "personal-vehicle", "pedestrian"] as const).flatMap((mode, i) =>
    (["inbound", "outbound"] as const).map((direction) => ({
      key: `2303/${mode}/${direction}`,
      port: "2303",
      portName: "Eagle Pass",
      border: "mexico" as const,
      mode,
      direction,
      latitude: 28.7,
      longitude: -100.5,
      // UTC keeps the grid's hours on T0's clock.
      timeZone: "UTC",
      unit: mode,
      arrivalsPerDay: new Array(DAYS).fill(1000 * (i + 1)),
      hourShare: new Array(24).fill(1 / 24),
      peakWeekdayFactor: 1,
      lanes: null,
      railroads: null,
      fromInbound: direction === "outbound",
      recentDailyRates: [900 * (i + 1), 1000 * (i + 1), 1200 * (i + 1)],
      unitMix: mode === "rail" ? { trains: 0.01 } : {},
      loadedShare: 0.6,
      valuePerUnitUsd: mode === "rail" || mode === "truck" ? 50_000 : 0,
      commodities: [],
    })),
  );
}
const officerEvent = (officers: number, policy: (typeof OFFICER_POLICIES)[number]): ResolvedEvent =>
  ({
    kind: "officer-redeployment",
    officers,
    ports: ["2303"],
    modes: [...SCENARIO_MODES],
    direction: "both",
    policy,
    closureList: [{ port: "2303", mode: "rail", share: 1 }],
    staffing: {},
    startMs: T0 + 5 * DAY,
    endMs: T0 + 20 * DAY,
  }) as ResolvedEvent;
const EP = midParams(resolveRanges({}));
const modelInput = (ev: ResolvedEvent): ModelInput => {
  const f = flows();
  return {
    startDate: "2019-04-01",
    days: DAYS,
    horizonDays: DAYS,
    flows: f,
    effects: buildEffects([ev], f, "2019-04-01", DAYS, EP),
    closureHours: closureHours([ev]),
    options: { rerouting: false, policy: "nearest-first", railToTruck: false, multiplier: false },
  };
};

const hourlyCapacity = (input: ModelInput, key: string): number[] => {
  const e = input.effects[key];
  return e ? e.capacity.map((c, h) => c * e.cut[h]!) : new Array<number>(DAYS * 24).fill(1);
};

test("property (engine): zero officers leave no effect; more officers never raise any day's capacity or throughput", () => {
  for (const policy of OFFICER_POLICIES) assert.deepEqual(modelInput(officerEvent(0, policy)).effects, {});
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 400, noNaN: true }),
      fc.double({ min: 0, max: 400, noNaN: true }),
      fc.constantFrom(...OFFICER_POLICIES),
      (x, y, policy) => {
        const [lo, hi] = x <= y ? [x, y] : [y, x];
        const a = modelInput(officerEvent(lo, policy));
        const b = modelInput(officerEvent(hi, policy));
        for (const f of a.flows) {
          // Hourly capacity left (day × 24 + hour): what binds on the traffic × what is left to serve it.
          const ca = hourlyCapacity(a, f.key);
          const cb = hourlyCapacity(b, f.key);
          cb.forEach((c: number, h: number) => assert.ok(c <= ca[h]! + 1e-12, `${f.key} hour ${h}`));
        }
        // Throughput at home per flow: never more with more officers gone (a flow the smaller event left
        // alone serves all its arrivals).
        const ra = runModel(a, EP);
        const rb = runModel(b, EP);
        for (const f of rb.flows) {
          const before = ra.flows.find((x) => x.key === f.key);
          const bound = before ? before.totals.servedHome : f.totals.arrivals;
          assert.ok(f.totals.servedHome <= bound + 1e-6, `${f.key}: ${f.totals.servedHome} > ${bound}`);
        }
      },
    ),
    { numRuns: 60 },
  );
});

test("property (engine): officers moved cut capacity, not traffic: below the capacity left nothing is blocked", () => {
  // Each flow carries 1000 × (i + 1) a day against a capacity of about 1.4 times that (robust peak × headroom):
  // a cut that leaves more capacity than the traffic blocks nothing, one that leaves less blocks only the
  // arrivals beyond it, never the cut's share of the traffic as a closure of that share would.
  const p = { ...EP, cutBinding: 1 };
  fc.assert(
    fc.property(
      fc.double({ min: 1, max: 400, noNaN: true }),
      fc.constantFrom(...OFFICER_POLICIES),
      (officers, policy) => {
        const ev = officerEvent(officers, policy);
        const input = modelInput(ev);
        const { multipliers } = officerCut(
          ev as Extract<ResolvedEvent, { kind: "officer-redeployment" }>,
          input.flows,
          p,
        );
        const run = runModel(input, p);
        let partial = 0;
        for (const f of run.flows) {
          const left = multipliers[f.key];
          if (left === undefined) continue;
          const flow = input.flows.find((x) => x.key === f.key)!;
          const arrivals =
            flow.arrivalsPerDay[10]! * (flow.fromInbound ? p.outboundRatio : 1) * p.baselineLevel;
          // Day 10 is inside the event (days 5..19).
          const blocked = f.blocked[10]!;
          if (left === 0) {
            assert.ok(Math.abs(blocked - arrivals) <= 1e-6 * arrivals, `${f.key} closed whole`);
            continue;
          }
          partial++;
          const capLeft = f.capacityPerDay * left;
          if (capLeft >= arrivals) assert.equal(blocked, 0, `${f.key}: traffic below the capacity left`);
          else
            assert.ok(
              Math.abs(blocked - (arrivals - capLeft)) <= 1e-6 * arrivals,
              `${f.key}: ${blocked} vs ${arrivals - capLeft}`,
            );
          // Never the cut's share of the traffic, as a closure of that share of the day would block.
          assert.ok(blocked < (1 - left) * arrivals, `${f.key}: ${blocked} vs ${(1 - left) * arrivals}`);
        }
        assert.ok(partial > 0 || Object.values(multipliers).every((m) => m === 0));
      },
    ),
    { numRuns: 40 },
  );
});

test("an event window covering part of a day acts on the hours it covers", () => {
  const ev = {
    ...officerEvent(100, "proportional"),
    startMs: T0 + 5 * DAY + 12 * 3_600_000,
  } as ResolvedEvent;
  const e = modelInput(ev).effects["2303/truck/inbound"]!;
  const hour = (d: number, h: number) => e.capacity[d * 24 + h]! * e.cut[d * 24 + h]!;
  assert.equal(hour(4, 12), 1);
  const full = hour(6, 12);
  assert.ok(full < 1);
  assert.equal(hour(5, 11), 1, "the morning before the event");
  assert.equal(hour(5, 12), full, "the afternoon it covers");
});

test("every staffing and surge parameter has a unit, a meaning, a source and a range, and is in docs/model.md", async () => {
  const { readFileSync } = await import("node:fs");
  const { SURGE_PARAMETERS } = await import("../../src/model/index.ts");
  const doc = readFileSync("docs/model.md", "utf8");
  for (const [k, v] of [...Object.entries(STAFFING_PARAMETERS), ...Object.entries(SURGE_PARAMETERS)]) {
    assert.ok(doc.includes(`\`${k}\``), `docs/model.md does not document ${k}`);
    assert.ok(v.unit && v.meaning && v.source, k);
    const r = v.value as number | readonly [number, number];
    assert.ok(Array.isArray(r) && r[0] < r[1], `${k} is a range`);
    // Its own table row or bullet (to the next row, bullet or blank line) gives the code's range, and says
    // "assumption" where the code marks it one.
    const at = doc.search(new RegExp(`^(\\| |- )\`${k}\``, "m"));
    assert.ok(at >= 0, `docs/model.md has a row or bullet for ${k}`);
    const rest = doc.slice(at + 2);
    const end = rest.search(/\n(\||- |\n)/);
    const entry = end < 0 ? rest : rest.slice(0, end);
    const [lo, hi] = r as readonly [number, number];
    assert.match(
      entry,
      new RegExp(`${String(lo).replace(".", "\\.")}\\s*–\\s*${String(hi).replace(".", "\\.")}`),
      `${k}: range ${lo}–${hi} in docs/model.md`,
    );
    if (v.basis === "assumption")
      assert.match(entry, /assumption/i, `${k} is marked an assumption in docs/model.md`);
  }
});
