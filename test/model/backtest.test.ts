import { test } from "node:test";
import assert from "node:assert/strict";
import {
  buildEffects,
  closureHours,
  midParams,
  monthlyEffects,
  noiseScale,
  phaseLosses,
  resolveRanges,
  runModel,
  scaledErrors,
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

test("a pooled band is scaled by each month's own noise: a noisy crossing's band is wider than a quiet one's", () => {
  const quiet = series("A", "affected", [3100, 3100]);
  const noisy: BacktestSeries = {
    ...series("B", "affected", [3100, 3100]),
    months: quiet.months.map((m) => ({ ...m, errors: m.errors.map((e) => e * 5) })),
  };
  assert.equal(noiseScale(quiet, "2023-12" as Month), 0.04);
  assert.ok(Math.abs(noiseScale(noisy, "2023-12" as Month)! - 0.2) < 1e-12);
  // A month with fewer than 8 past forecasts takes the nearest earlier month's scale; none: no scale.
  const short: BacktestSeries = {
    ...quiet,
    months: [quiet.months[0]!, { ...quiet.months[1]!, errors: [0.5, -0.5] }],
  };
  assert.equal(noiseScale(short, "2024-01" as Month), 0.04);
  assert.equal(noiseScale({ ...short, months: short.months.slice(1) }, "2024-01" as Month), null);

  const bi: BacktestInput = { input: input([]), series: [quiet, noisy] };
  const pool = Array.from({ length: 20 }, (_, i) => -1.5 + (3 * i) / 19);
  const s = scoreBacktest(bi, midParams(resolveRanges({})), {
    draws: 0,
    seed: 1,
    residuals: { event: pool, after: pool },
  });
  const width = (port: string) => {
    const r = s.rows.find((x) => x.port === port && x.month === "2023-12")!;
    return r.bandHi! - r.bandLo!;
  };
  assert.ok(Math.abs(width("B") / width("A") - 5) < 1e-9, "five times the noise, five times the band");
  // The pooled errors are in units of noise: ±1.5 scales at 4% is ±6% of 3,100 at the extremes.
  assert.ok(width("A") < 0.12 * 3100 && width("A") > 0.06 * 3100);
});

test("scaledErrors divides each error by its month's noise scale", () => {
  const bi: BacktestInput = {
    input: input([]),
    series: [series("A", "affected", [3100 * 1.08, 3100])],
  };
  const e = scaledErrors(bi, midParams(resolveRanges({})), 1);
  assert.ok(Math.abs(e.event[0]! - 2) < 1e-9, "8% off at a 4% noise scale is 2 scales");
  assert.equal(e.after[0], 0);
});
