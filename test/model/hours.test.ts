// Hours and zones: a closure blocks the traffic of the hours it covers, in the port's own local time.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  buildEffects,
  closureHours,
  gridStartDate,
  localMidnight,
  midParams,
  resolveRanges,
  runModel,
  type FlowInput,
  type ModelInput,
  type ResolvedEvent,
} from "../../src/model/index.ts";

const HOUR = 3_600_000;
const DAYS = 40;
const P = { ...midParams(resolveRanges({})), headroom: 3, capacityPercentile: 1 };

/** A daytime-heavy hour profile and a commuter week (weekdays busier than the weekend). */
const HOURS = Array.from({ length: 24 }, (_, h) => (h >= 6 && h < 20 ? 3 : 1));
const HOUR_SHARE = HOURS.map((w) => w / HOURS.reduce((a, b) => a + b, 0));
const COMMUTER = [1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5]; // Mon..Sun

function flow(weekday: number[], zone = "America/Detroit"): FlowInput {
  // Day 0 of the grid is Monday 2024-03-04.
  return {
    key: "3801/personal-vehicle/inbound",
    port: "3801",
    portName: "Detroit",
    border: "canada",
    mode: "personal-vehicle",
    direction: "inbound",
    latitude: 42.33,
    longitude: -83.05,
    timeZone: zone,
    unit: "vehicles",
    arrivalsPerDay: Array.from({ length: DAYS }, (_, d) => 1000 * weekday[d % 7]!),
    hourShare: HOUR_SHARE,
    peakWeekdayFactor: Math.max(...weekday),
    lanes: null,
    railroads: null,
    fromInbound: false,
    recentDailyRates: [1000],
    unitMix: {},
    loadedShare: 1,
    valuePerUnitUsd: 100,
    commodities: [],
  };
}

function run(f: FlowInput, startLocal: string, hours: number) {
  const t0 = localMidnight("2024-03-04", f.timeZone);
  const startMs = t0 + (Date.parse(`${startLocal}Z`) - Date.parse("2024-03-04T00:00:00Z"));
  const ev = {
    kind: "closure",
    ports: [f.port],
    modes: [f.mode],
    direction: "inbound",
    startMs,
    endMs: startMs + hours * HOUR,
  } as ResolvedEvent;
  const startDate = gridStartDate([ev], () => f.timeZone);
  const input: ModelInput = {
    startDate: "2024-03-04",
    days: DAYS,
    flows: [f],
    effects: buildEffects([ev], [f], "2024-03-04", DAYS),
    closureHours: closureHours([ev]),
    options: { rerouting: false, policy: "nearest-first", railToTruck: false, multiplier: false },
  };
  return { startDate, r: runModel(input, P) };
}

/** What the profile says a closure of those local hours blocks: each covered hour's share of its day. */
function expectedBlocked(f: FlowInput, startLocal: string, hours: number): number {
  const s = (Date.parse(`${startLocal}Z`) - Date.parse("2024-03-04T00:00:00Z")) / HOUR;
  let sum = 0;
  for (let h = Math.floor(s); h < s + hours; h++) {
    const covered = Math.min(h + 1, s + hours) - Math.max(h, s);
    sum += covered * f.arrivalsPerDay[Math.floor(h / 24)]! * f.hourShare[h % 24]!;
  }
  return sum;
}

test("the same 48-hour closure started at different hours differs only by the profile of the hours it covers", () => {
  const f = flow([1, 1, 1, 1, 1, 1, 1]);
  const perDay: number[] = [];
  for (const start of ["2024-03-05T00:00", "2024-03-05T06:00", "2024-03-05T11:00", "2024-03-05T18:30"]) {
    const { r } = run(f, start, 48);
    const blocked = r.flows[0]!.totals.blocked;
    assert.ok(Math.abs(blocked - expectedBlocked(f, start, 48)) < 1e-6 * blocked, start);
    assert.equal(r.closureDays, 2);
    perDay.push(r.costs.valueHeldUpPerClosureDayUsd);
  }
  // On days alike, 48 hours cover every hour of the day twice: the same value per closure day at any start.
  for (const v of perDay) assert.ok(Math.abs(v - perDay[0]!) < 1e-6 * perDay[0]!, perDay.join(" "));
  assert.ok(Math.abs(perDay[0]! - 1000 * 100) < 1e-6 * perDay[0]!, "a whole day's traffic per closure day");
  // With a week that varies, the value still equals what the covered hours carry: Friday 18:00 → Sunday
  // 18:00 covers the quiet weekend hours.
  const week = flow(COMMUTER);
  const fri = run(week, "2024-03-08T18:00", 48).r;
  assert.ok(
    Math.abs(fri.flows[0]!.totals.blocked - expectedBlocked(week, "2024-03-08T18:00", 48)) < 1e-6 * 1e5,
  );
});

test("a partial day blocks the traffic of the hours it covers, not a share of the clock", () => {
  const f = flow([1, 1, 1, 1, 1, 1, 1]);
  const night = run(f, "2024-03-05T00:00", 6).r.flows[0]!.totals.blocked;
  const midday = run(f, "2024-03-05T10:00", 6).r.flows[0]!.totals.blocked;
  // The day's weights: 14 busy hours of 3 and 10 quiet hours of 1, 52 in all.
  assert.ok(Math.abs(night - 1000 * (6 / 52)) < 1e-6, `night ${night}`);
  assert.ok(Math.abs(midday - 1000 * (18 / 52)) < 1e-6, `midday ${midday}`);
});

test("a weekend closure blocks less than a weekday one at a commuter crossing", () => {
  const f = flow(COMMUTER);
  const weekday = run(f, "2024-03-05T00:00", 48).r; // Tuesday and Wednesday
  const weekend = run(f, "2024-03-09T00:00", 48).r; // Saturday and Sunday
  assert.ok(weekend.flows[0]!.totals.blocked < weekday.flows[0]!.totals.blocked);
  assert.ok(Math.abs(weekend.flows[0]!.totals.blocked / weekday.flows[0]!.totals.blocked - 0.5 / 1.2) < 1e-9);
  assert.ok(weekend.costs.valueHeldUpPerClosureDayUsd < weekday.costs.valueHeldUpPerClosureDayUsd);
});

test("events are read in each port's local time: 08:00 in Chicago is not 08:00 in Denver", () => {
  const chicago = flow([1, 1, 1, 1, 1, 1, 1], "America/Chicago");
  const denver = {
    ...flow([1, 1, 1, 1, 1, 1, 1], "America/Denver"),
    key: "2402/personal-vehicle/inbound",
    port: "2402",
  };
  // One instant: 08:00 CST = 07:00 MST on 2024-03-05.
  const at = Date.UTC(2024, 2, 5, 14);
  const ev = {
    kind: "closure",
    ports: ["3801", "2402"],
    modes: ["personal-vehicle"],
    direction: "both",
    startMs: at,
    endMs: at + 2 * HOUR,
  } as ResolvedEvent;
  const e = buildEffects([ev], [chicago, denver], "2024-03-04", DAYS);
  const closedHours = (k: string) =>
    e[k]!.capacity.map((c, h) => (c < 1 ? h % 24 : -1)).filter((h) => h >= 0);
  assert.deepEqual(closedHours(chicago.key), [8, 9]);
  assert.deepEqual(closedHours(denver.key), [7, 8]);
  assert.equal(
    gridStartDate([{ ...ev, startMs: Date.UTC(2024, 2, 5, 5, 30) }], (p) =>
      p === "3801" ? "America/Chicago" : "America/Denver",
    ),
    "2024-03-04",
  );
});

test("several events: closure hours are their union", () => {
  const at = Date.UTC(2024, 2, 5, 12);
  const ev = (s: number, e: number) =>
    ({
      kind: "closure",
      ports: ["3801"],
      modes: ["truck"],
      direction: "both",
      startMs: at + s * HOUR,
      endMs: at + e * HOUR,
    }) as ResolvedEvent;
  assert.equal(closureHours([ev(0, 10), ev(5, 20), ev(30, 36)]), 26);
  assert.equal(closureHours([ev(0, 48)]), 48);
});
