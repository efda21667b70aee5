import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  FIGURE_STATUSES,
  HAS_VALUE,
  combinedStatus,
  periodLabel,
  sumMonth,
  totalOverMonths,
  type FigureStatus,
  type StatusValue,
} from "../../src/domain/status.ts";
import { monthRange, type Month } from "../../src/domain/units.ts";

const v = (value: number | null, status: FigureStatus): StatusValue => ({ value, status });

test("a month summed over ports: not-reported ports are left out, one missing port makes it missing", () => {
  assert.deepEqual(sumMonth([v(5, "observed"), v(null, "not-reported")]), v(5, "observed"));
  assert.deepEqual(sumMonth([v(5, "observed"), v(null, "missing")]), v(null, "missing"));
  assert.deepEqual(sumMonth([v(null, "not-reported"), v(null, "not-reported")]), v(null, "not-reported"));
  assert.deepEqual(sumMonth([v(0, "zero"), v(0, "zero")]), v(0, "zero"));
  assert.deepEqual(sumMonth([v(3, "estimate"), v(2, "observed")]), v(5, "estimate"));
  assert.equal(combinedStatus(["observed", "derived"]), "derived");
});

test("a total leaves months without data out of the value and the days, and says how many it covers", () => {
  const months = monthRange("2020-01" as Month, "2020-12" as Month);
  const t = totalOverMonths(
    months.map((month, i) => ({ month, cell: i < 2 ? v(null, "not-reported") : v(10, "observed") })),
  );
  assert.equal(t.value, 100);
  assert.equal(t.days, 366 - 31 - 29);
  assert.equal(t.coverage.label, "10 of 12 months");
  assert.equal(periodLabel("2020", t.coverage), "2020 (10 of 12 months)");
  const none = totalOverMonths(months.map((month) => ({ month, cell: v(null, "missing") })));
  assert.deepEqual([none.value, none.perDay, none.status, none.days], [null, null, "missing", 0]);
});

test("property: a total never counts a month without a value, and is partial exactly when one is left out", () => {
  const statuses = fc.constantFrom(...FIGURE_STATUSES);
  fc.assert(
    fc.property(
      fc.array(fc.tuple(statuses, fc.integer({ min: 0, max: 1e6 })), { minLength: 1, maxLength: 24 }),
      (xs) => {
        const months = monthRange("2019-01" as Month, "2020-12" as Month).slice(0, xs.length);
        const cells = xs.map(([s, n], i) => ({ month: months[i]!, cell: v(HAS_VALUE[s] ? n : null, s) }));
        const t = totalOverMonths(cells);
        const withData = cells.filter((c) => HAS_VALUE[c.cell.status]);
        assert.equal(t.value, withData.length ? withData.reduce((s, c) => s + c.cell.value!, 0) : null);
        assert.equal(t.partial, withData.length < cells.length);
        assert.equal(
          t.coverage.months + t.coverage.missing.length + t.coverage.notReported.length,
          cells.length,
        );
      },
    ),
  );
});
