import { test } from "node:test";
import assert from "node:assert/strict";
import {
  buildEffects,
  closureHours,
  midParams,
  monthlyEffects,
  phaseLosses,
  resolveRanges,
  runModel,
  scoreBacktest,
  type BacktestInput,
  type BacktestSeries,
  type FlowInput,
  type ResolvedEvent,
} from "../../src/model/index.ts";
import type { Month } from "../../src/domain/units.ts";

const DAY = 86_400_000;
/** Local midnight of 2023-12-01 in America/Chicago (CST, UTC−6). */
const T0 = Date.UTC(2023, 11, 1, 6);
const DAYS = 120;

function flow(port: string, lat: number, perDay: number): FlowInput {
  return {
    key: `${port}/truck/inbound`,
    port,
    portName: port,
    border: "mexico",
    mode: "truck",
    direction: "inbound",
    latitude: lat,
    longitude: -100,
    timeZone: "America/Chicago",
    unit: "trucks",
    arrivalsPerDay: new Array(DAYS).fill(perDay),
    hourShare: new Array(24).fill(1 / 24),
    peakWeekdayFactor: 1,
    lanes: null,
    railroads: null,
    fromInbound: false,
    recentDailyRates: [perDay],
    unitMix: {},
    loadedShare: 1,
    valuePerUnitUsd: 1,
    commodities: [],
  };
}

/** One affected series observed at `obs` in December (event) and January (after), counterfactual 3,100. */
function series(port: string, role: "affected" | "alternative", obs: [number, number]): BacktestSeries {
  const errors = [-0.1, -0.05, -0.02, 0, 0.01, 0.03, 0.06, 0.1];
  return {
    port,
    portName: port,
    mode: "truck",
    unit: "trucks",
    role,
    shown: true,
    quietError: 0.04,
    months: [
      {
        month: "2023-12" as Month,
        phase: "event",
        observed: obs[0],
        counterfactual: 3100,
        lo: 2800,
        hi: 3400,
        errors,
      },
      {
        month: "2024-01" as Month,
        phase: "after",
        observed: obs[1],
        counterfactual: 3100,
        lo: 2800,
        hi: 3400,
        errors,
      },
    ],
  };
}

function input(events: ResolvedEvent[]): BacktestInput["input"] {
  const flows = [flow("A", 28, 100), flow("B", 28.5, 100)];
  return {
    startDate: "2023-12-01",
    days: DAYS,
    flows,
    effects: buildEffects(events, flows, "2023-12-01", DAYS),
    closureHours: closureHours(events),
    options: { rerouting: true, policy: "nearest-first", railToTruck: false, multiplier: false },
  };
}

const closeA: ResolvedEvent = {
  kind: "closure",
  ports: ["A"],
  modes: ["truck"],
  direction: "both",
  startMs: T0 + 10 * DAY,
  endMs: T0 + 15 * DAY,
} as ResolvedEvent;

test("skill is 1 − model loss ÷ null loss, per phase; a model that predicts nothing scores 0", () => {
  const bi: BacktestInput = { input: input([]), series: [series("A", "affected", [2600, 3100])] };
  const p = midParams(resolveRanges({}));
  const none = scoreBacktest(bi, p, { draws: 0, seed: 1 });
  assert.equal(none.event.skill, 0, "no event: the model is the null");
  assert.ok(Math.abs(none.event.nullLoss! - 500 / 3100) < 1e-12);
  assert.equal(none.after.nullLoss, 0);

  // With the closure, the model's December change is what the run served minus what was expected.
  const withEvent: BacktestInput = { input: input([closeA]), series: bi.series };
  const r = runModel(withEvent.input, p);
  const byMonth = monthlyEffects(withEvent.input, r).get("A/truck")!;
  const eff = byMonth.get("2023-12" as Month)!;
  const a = r.flows.find((f) => f.port === "A")!;
  const all = [...byMonth.values()].reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(all - (a.totals.servedHome - a.expected.reduce((s, x) => s + x, 0))) < 1e-6);
  const losses = phaseLosses(withEvent, monthlyEffects(withEvent.input, r));
  const modelErr = Math.abs(3100 + eff - 2600);
  assert.ok(Math.abs(losses.event.modelLoss! - modelErr / 3100) < 1e-12);
  assert.ok(Math.abs(losses.event.skill! - (1 - modelErr / 500)) < 1e-12);
});

test("alternatives are never in the skill; a destination is judged by whether it rose", () => {
  const bi: BacktestInput = {
    input: input([closeA]),
    series: [series("A", "affected", [2600, 3100]), series("B", "alternative", [3300, 3100])],
  };
  const s = scoreBacktest(bi, midParams(resolveRanges({})), { draws: 0, seed: 1 });
  assert.equal(s.event.series, 1);
  const b = s.destinations.find((d) => d.port === "B")!;
  assert.ok(b.units > 0 && b.share === 1);
  assert.equal(b.rose, true);
  assert.equal(b.aboveInterval, false, "3,300 is inside the interval 2,800–3,400");
  const rowB = s.rows.filter((x) => x.port === "B");
  assert.ok(rowB.every((x) => !x.scored));
});

test("the 80% band widens with the model's draws and the counterfactual's own errors", () => {
  const bi: BacktestInput = { input: input([closeA]), series: [series("A", "affected", [2600, 3100])] };
  const ranges = resolveRanges({});
  const s = scoreBacktest(bi, midParams(ranges), { ranges, draws: 40, seed: 7 });
  const dec = s.rows.find((x) => x.month === "2023-12")!;
  assert.ok(dec.bandLo! < dec.modelled && dec.modelled < dec.bandHi!);
  // Without draws the band is the counterfactual's errors around the deterministic run.
  const d0 = scoreBacktest(bi, midParams(ranges), { draws: 0, seed: 7 }).rows.find(
    (x) => x.month === "2023-12",
  )!;
  assert.ok(d0.bandHi! - d0.bandLo! > 0);
  assert.equal(s.band.scored, 2);
});
