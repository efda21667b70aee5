import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  dedupeReadings,
  LANE_TYPES,
  localHour,
  localWeekday,
  parseDurationMs,
  readingDay,
  readingKey,
  type WaitReading,
} from "../../src/domain/wait-times.ts";

const SEED = 20220629;

/** Readings drawn from a small pool of crossings, lanes and times, so that many share a key. */
const readingArb: fc.Arbitrary<WaitReading> = fc
  .record({
    crossing: fc.constantFrom("250401", "240201", "l24501"),
    lane: fc.constantFrom(...LANE_TYPES.slice(0, 3)),
    hour: fc.integer({ min: 0, max: 3 }),
    timed: fc.boolean(),
    fetchMinute: fc.integer({ min: 0, max: 150 }),
    delay: fc.integer({ min: 0, max: 200 }),
    lanesOpen: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
  })
  .map((g) => {
    const updatedAt = g.timed ? `2022-06-29T${String(8 + g.hour).padStart(2, "0")}:00:00-07:00` : null;
    const status = g.timed ? ("delay" as const) : ("closed" as const);
    const fetchedAt = new Date(Date.UTC(2022, 5, 29, 16, g.fetchMinute)).toISOString();
    const base = { crossing: g.crossing, lane: g.lane, status, updatedAt, fetchedAt };
    return {
      ...base,
      key: readingKey(base),
      port: "2504",
      portName: "San Ysidro",
      crossingName: "",
      border: "mexico",
      delayMinutes: g.timed ? g.delay : null,
      lanesOpen: g.lanesOpen,
      maxLanes: 34,
      portStatus: "Open",
      automationType: "Manual",
      timeZone: g.timed ? "PDT" : null,
      format: "json",
    } as WaitReading;
  });

const permuted = fc
  .array(readingArb, { maxLength: 40 })
  .chain((xs) =>
    fc.tuple(fc.constant(xs), fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length })),
  );

test("de-duplication is idempotent", () => {
  fc.assert(
    fc.property(fc.array(readingArb, { maxLength: 40 }), (xs) => {
      const once = dedupeReadings(xs);
      assert.deepEqual(dedupeReadings(once), once);
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test("de-duplication is order-independent and keeps one reading per key", () => {
  fc.assert(
    fc.property(permuted, ([xs, shuffled]) => {
      const a = dedupeReadings(xs);
      assert.deepEqual(dedupeReadings(shuffled), a);
      assert.deepEqual(
        a.map((r) => r.key),
        [...new Set(xs.map((r) => r.key))].sort(),
      );
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test("de-duplicating batch by batch gives what de-duplicating everything at once gives", () => {
  fc.assert(
    fc.property(fc.array(readingArb, { maxLength: 30 }), fc.array(readingArb, { maxLength: 30 }), (a, b) => {
      assert.deepEqual(
        dedupeReadings([...dedupeReadings(a), ...dedupeReadings(b)]),
        dedupeReadings([...a, ...b]),
      );
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test("a reading's key is its crossing, lane and update instant, whatever the zone it was written in", () => {
  const at = "2022-06-29T17:25:15.000Z";
  const a = readingKey({
    crossing: "230404",
    lane: "commercial-standard",
    status: "delay",
    updatedAt: "2022-06-29T13:00:00-04:00",
    fetchedAt: at,
  });
  const b = readingKey({
    crossing: "230404",
    lane: "commercial-standard",
    status: "delay",
    updatedAt: "2022-06-29T12:00:00-05:00",
    fetchedAt: at,
  });
  assert.equal(a, b);
  assert.equal(a, "230404|commercial-standard|2022-06-29T17:00:00.000Z");
  // Archived under the UTC day of the update: 5 pm PDT on 30 June is 1 July in UTC.
  assert.equal(readingDay({ updatedAt: "2022-06-30T17:00:00-07:00", fetchedAt: at }), "2022-07-01");
  assert.equal(localHour("2022-06-30T17:00:00-07:00"), 17);
  assert.equal(localWeekday("2022-06-30T17:00:00-07:00"), 4, "a Thursday, local");
});

test("durations: 5m, 30s, 1h30m, 250ms", () => {
  assert.equal(parseDurationMs("5m"), 300_000);
  assert.equal(parseDurationMs("30s"), 30_000);
  assert.equal(parseDurationMs("1h30m"), 5_400_000);
  assert.equal(parseDurationMs("250ms"), 250);
  assert.equal(parseDurationMs("5"), undefined);
  assert.equal(parseDurationMs("five minutes"), undefined);
});
