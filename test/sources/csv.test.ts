import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { quoteCsv, splitCsvLine } from "../../src/sources/csv.ts";
import { parseBtsDate } from "../../src/sources/bts-crossings.ts";

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
  assert.equal(parseBtsDate("2024-01"), "2024-01");
  assert.equal(parseBtsDate("2024-01-01T00:00:00.000"), "2024-01");
  assert.equal(parseBtsDate("Jan 2024"), "2024-01");
  assert.equal(parseBtsDate("Dec-23"), "2023-12");
  assert.equal(parseBtsDate("Mar-96"), "1996-03");
  assert.equal(parseBtsDate("12/01/2023 12:00:00 AM"), "2023-12");
  assert.equal(parseBtsDate("Smarch 2024"), "Smarch 2024");
});
