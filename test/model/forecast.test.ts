import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { addMonths, daysInMonth, monthRange, type Month } from "../../src/domain/units.ts";
import { counterfactual, createRng, forecastRate, seasonalFactors } from "../../src/model/index.ts";

const SEASON = [0.8, 0.85, 1.0, 1.05, 1.1, 1.1, 1.05, 1.0, 1.0, 1.05, 0.95, 1.05];

/** A synthetic monthly series (units per day): level × season × (1 + noise), seeded. */
function series(seed: number, noise: number, level = 1000, trend = 0): Map<Month, number> {
  const rng = createRng(seed);
  const m = new Map<Month, number>();
  monthRange("2012-01" as Month, "2024-12" as Month).forEach((month, i) => {
    const k = Number(month.slice(5)) - 1;
    m.set(month, level * (1 + trend * i) * SEASON[k]! * (1 + noise * (2 * rng() - 1)));
  });
  return m;
}

test("seasonal factors recover the season of a noiseless series", () => {
  const s = series(1, 0);
  const f = seasonalFactors(monthRange("2016-01" as Month, "2019-12" as Month), (m) => s.get(m));
  const mean = SEASON.reduce((a, b) => a + b, 0) / 12;
  f.forEach((x, k) => assert.ok(Math.abs(x - SEASON[k]! / mean) < 1e-9));
});

test("a noiseless series is forecast exactly", () => {
  const s = series(1, 0);
  const f = forecastRate((m) => s.get(m), "2022-11" as Month, "2022-12" as Month)!;
  assert.ok(Math.abs(f - s.get("2022-12" as Month)!) < 1e-6);
});

test("an injected effect is recovered within its interval", () => {
  // A 90% interval misses one time in ten by design, so the check is over many seeded series: the
  // interval holds the injected effect in most of them, and every estimate is close and detected.
  let held = 0;
  const runs = 60;
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10_000 }),
      fc.double({ min: -0.6, max: -0.2, noNaN: true }),
      (seed, effect) => {
        const s = series(seed, 0.03);
        const event = "2023-12" as Month;
        const truth = s.get(event)!;
        const observed = new Map(s);
        observed.set(event, truth * (1 + effect));
        const [cf] = counterfactual((m) => observed.get(m), addMonths(event, -1), [event]);
        assert.ok(cf && cf.lo !== null && cf.hi !== null);
        const days = daysInMonth(event);
        const injected = truth * effect * days;
        const obs = observed.get(event)! * days;
        if (obs - cf.hi! <= injected && injected <= obs - cf.lo!) held++;
        assert.ok(
          Math.abs(obs - cf.point - injected) < 0.1 * truth * days,
          "the estimate is within 10% of the month",
        );
        assert.ok(obs < cf.lo!, "an effect of 20% or more on 3% noise lies outside the interval");
      },
    ),
    { numRuns: runs, seed: 20231218 },
  );
  assert.ok(held / runs >= 0.8, `the interval held the injected effect in ${held} of ${runs}`);
});

test("without an event, observed months fall inside the 90% interval about nine times in ten", () => {
  let inside = 0;
  let n = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const s = series(seed, 0.05, 500, 0.002);
    const targets = monthRange("2023-01" as Month, "2023-03" as Month);
    for (const cf of counterfactual((m) => s.get(m), "2022-12" as Month, targets)) {
      n++;
      const obs = s.get(cf.month)! * daysInMonth(cf.month);
      if (obs >= cf.lo! && obs <= cf.hi!) inside++;
    }
  }
  assert.ok(inside / n > 0.75 && inside / n <= 1, `coverage ${inside}/${n}`);
});

test("too little history gives no forecast, and too few past errors no interval", () => {
  const s = series(3, 0.02);
  const short = (m: Month) => (m >= "2022-09" ? s.get(m) : undefined);
  assert.equal(forecastRate(short, "2022-12" as Month, "2023-01" as Month), undefined);
  const medium = (m: Month) => (m >= "2021-06" ? s.get(m) : undefined);
  const [cf] = counterfactual(medium, "2022-06" as Month, ["2022-07" as Month]);
  assert.ok(cf);
  assert.equal(cf.lo, null);
});
