import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  addMonths,
  daysBetween,
  daysInMonth,
  isMonth,
  monthRange,
  toMonth,
  type Month,
} from "../../src/domain/units.ts";
import { normaliseMeasure, MEASURES } from "../../src/domain/measures.ts";

const month = fc
  .record({ y: fc.integer({ min: 1990, max: 2098 }), m: fc.integer({ min: 1, max: 12 }) })
  .map(({ y, m }) => toMonth(y, m));

test("months: validation, days and ranges", () => {
  assert.ok(isMonth("2023-12"));
  for (const bad of ["2023-13", "2023-1", "23-12", "2023/12", "1899-01", ""]) assert.ok(!isMonth(bad), bad);
  assert.equal(daysInMonth("2024-02" as Month), 29);
  assert.equal(daysInMonth("2023-02" as Month), 28);
  assert.equal(daysBetween("2023-01" as Month, "2023-12" as Month), 365);
  assert.deepEqual(monthRange("2023-11" as Month, "2024-02" as Month), [
    "2023-11",
    "2023-12",
    "2024-01",
    "2024-02",
  ]);
});

test("addMonths is inverse of itself and agrees with monthRange", () => {
  fc.assert(
    fc.property(month, fc.integer({ min: -60, max: 60 }), (m, n) => {
      assert.equal(addMonths(addMonths(m, n), -n), m);
      if (n >= 0) assert.equal(monthRange(m, addMonths(m, n)).length, n + 1);
    }),
  );
});

test("measure names: current, legacy and loose spellings", () => {
  assert.equal(normaliseMeasure("Rail Containers Full"), "Rail Containers Loaded");
  assert.equal(normaliseMeasure("trains"), "Trains");
  assert.equal(normaliseMeasure("personal-vehicles"), "Personal Vehicles");
  assert.equal(normaliseMeasure("Boats"), undefined);
  for (const m of MEASURES) assert.equal(normaliseMeasure(m), m);
});
