import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { quoteCsv, splitCsvLine } from "../../src/sources/csv.ts";
import { readBtsMonth } from "../../src/sources/bts-crossings.ts";
import {
  acceptedMonths,
  amountRefusal,
  countRefusal,
  pivotTwoDigitYear,
} from "../../src/sources/validate.ts";
import type { Month } from "../../src/domain/units.ts";

test("splitCsvLine reads what quoteCsv writes", () => {
  const field = fc.string({ unit: fc.constantFrom("a", "b", ",", '"', " ", "1", "é") });
  fc.assert(
    fc.property(fc.array(field, { minLength: 1, maxLength: 8 }), (fields) => {
      assert.deepEqual(splitCsvLine(fields.map(quoteCsv).join(",")), fields);
    }),
  );
});

test("splitCsvLine: quoted commas and an unclosed quote", () => {
  assert.deepEqual(splitCsvLine('0101,"PORTLAND, ME",01XX'), ["0101", "PORTLAND, ME", "01XX"]);
  assert.equal(splitCsvLine('a,"b,c'), undefined);
});

test("BTS dates in every form the dataset is seen in", () => {
  const b = { first: "1990-01" as Month, last: "2026-12" as Month };
  const month = (s: string) => {
    const r = readBtsMonth(s, b);
    return "month" in r ? r.month : r.reason;
  };
  assert.equal(month("2024-01"), "2024-01");
  assert.equal(month("2024-01-01T00:00:00.000"), "2024-01");
  assert.equal(month("Jan 2024"), "2024-01");
  assert.equal(month("Dec-23"), "2023-12");
  assert.equal(month("Mar-96"), "1996-03");
  assert.equal(month("12/01/2023 12:00:00 AM"), "2023-12");
  assert.match(month("Smarch 2024"), /unknown month name "Sma"|is not a date/);
});

test("dates after next month or before 1990 are refused; two-digit years by the pivot, refused when neither fits", () => {
  const b = acceptedMonths(new Date("2025-08-15T12:00:00Z"));
  assert.deepEqual(b, { first: "1990-01", last: "2025-09" });
  const reason = (s: string) => {
    const r = readBtsMonth(s, b);
    return "reason" in r ? r.reason : `read as ${r.month}`;
  };
  assert.equal(
    reason("Jan-35"),
    'two-digit year "35" reads as 1935 or 2035, and neither is between 1990-01 and 2025-09',
  );
  assert.equal(
    reason("Jan-89"),
    'two-digit year "89" reads as 1989 or 2089, and neither is between 1990-01 and 2025-09',
  );
  assert.equal(reason("Jan-90"), "read as 1990-01");
  assert.equal(reason("Sep-25"), "read as 2025-09");
  assert.match(reason("Oct-25"), /neither is between/);
  assert.equal(
    reason("2025-10"),
    "month 2025-10 is after 2025-09 (next month): a release cannot hold a later month",
  );
  assert.equal(
    reason("Dec 1989"),
    "month 1989-12 is before 1990-01: no source borderflow reads goes back that far",
  );
  // Both readings inside the accepted months (possible only from 2090 on) is ambiguous, and refused.
  const late = acceptedMonths(new Date("2095-06-01T00:00:00Z"));
  assert.deepEqual(pivotTwoDigitYear(93, 1, late), {
    reason: 'two-digit year "93" is ambiguous: both 1993 and 2093 are between 1990-01 and 2095-07',
  });
});

test("counts must be exact; amounts must be finite", () => {
  assert.equal(countRefusal("value", "9007199254740991"), undefined);
  assert.equal(
    countRefusal("value", "9007199254740993"),
    "value 9007199254740993 is larger than 9007199254740991, the largest whole number stored exactly",
  );
  assert.equal(amountRefusal("VALUE", "Infinity"), "VALUE Infinity is not a finite number");
  assert.equal(amountRefusal("VALUE", "NaN"), "VALUE NaN is not a finite number");
  assert.equal(amountRefusal("VALUE", "1e999"), "VALUE 1e999 is not a finite number");
  assert.equal(
    amountRefusal("VALUE", "9".repeat(400)),
    "VALUE 999999999999… (400 characters) is not a finite number",
  );
  assert.equal(amountRefusal("VALUE", "1234.5"), undefined);
});
