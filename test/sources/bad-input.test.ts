import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCrossingsCsv } from "../../src/sources/bts-crossings.ts";
import { parseTradeCsv } from "../../src/sources/transborder.ts";
import { DataError } from "../../src/domain/errors.ts";
import { formatReject } from "../../src/domain/rejects.ts";

const BAD = "test/fixtures/bad";
const known = new Set(["2303", "2402"]);
const parse = (name: string) =>
  parseCrossingsCsv(`${BAD}/${name}`, { source: "bts-crossings", file: name }, known);

test("good rows of a bad file still parse; the good excerpt has 11 rows", async () => {
  const r = await parse("negative.csv");
  assert.equal(r.linesRead, 11);
  assert.equal(r.rows.length, 10);
});

test("a missing column fails the whole file and names the column", async () => {
  await assert.rejects(parse("missing-column.csv"), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.match(
      e.message,
      /missing-column\.csv: the header is not the documented one \(missing "measure"\)/,
    );
    return true;
  });
});

test("a renamed header column fails and shows both headers", async () => {
  await assert.rejects(parse("renamed-header.csv"), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.match(e.message, /missing "measure"; unexpected "metric"/);
    assert.match(e.details.join("\n"), /expected: port_code,port_name/);
    return true;
  });
});

test("a non-numeric value is rejected with file, line, field and reason", async () => {
  const r = await parse("non-numeric.csv");
  assert.equal(r.rejects.length, 1);
  const j = r.rejects[0]!;
  assert.deepEqual(
    { line: j.line, field: j.field, value: j.value },
    { line: 5, field: "value", value: "12x4" },
  );
  assert.equal(formatReject(j), 'non-numeric.csv:5 value "12x4": value is not a whole number');
});

test("a negative value is rejected", async () => {
  const r = await parse("negative.csv");
  assert.equal(r.rejects.length, 1);
  assert.match(r.rejects[0]!.reason, /negative/);
  assert.equal(r.rejects[0]!.line, 4);
});

test("an unknown port code is rejected and named", async () => {
  const r = await parse("unknown-port.csv");
  assert.equal(r.rejects.length, 1);
  assert.equal(r.rejects[0]!.field, "port_code");
  assert.match(r.rejects[0]!.reason, /unknown port code 2399 \(Eagle Pazz\)/);
});

test("a duplicate key with a different value is rejected; the first value is kept", async () => {
  const r = await parse("duplicate-conflict.csv");
  assert.equal(r.rejects.length, 1);
  assert.match(
    r.rejects[0]!.reason,
    /duplicate key 2303\/2023-12\/\S+ with a different value \(line 3 has \d+\); kept line 3/,
  );
  assert.equal(r.rows.length, 11);
});

test("a truncated gzip is a clear error, not a partial read", async () => {
  await assert.rejects(parse("truncated.csv.gz"), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.match(e.message, /truncated\.csv\.gz: the gzip file is truncated/);
    return true;
  });
});

test("trade rows: negative, non-numeric, unknown port and HS2, wrong table shape", async () => {
  const header =
    "year,month,trade_type,country,port_code,mode,commodity_hs2,value_usd,weight_kg,freight_charges_usd";
  const csv = [
    header,
    "2023,12,import,MX,2303,rail,87,1000,5,1",
    "2023,12,import,MX,2303,rail,22,-5,,",
    "2023,12,import,MX,2303,rail,10,abc,,",
    "2023,12,import,MX,9999,rail,10,5,,",
    "2023,12,import,MX,2303,rail,77,5,,",
    "2023,13,import,MX,2303,rail,12,5,,",
    "2023,12,sideways,MX,2303,rail,12,5,,",
    "2023,12,import,MX,2303,rail,87,1001,5,1",
  ].join("\n");
  const r = await parseTradeCsv(
    Buffer.from(csv),
    "port-hs2",
    { source: "transborder", file: "t.csv" },
    {
      ports: new Set(["2303"]),
      hs2: new Set(["87", "22", "10", "12"]),
    },
  );
  assert.equal(r.rows.length, 1);
  assert.deepEqual(
    r.rejects.map((x) => [x.line, x.field]),
    [
      [3, "value_usd"],
      [4, "value_usd"],
      [5, "port_code"],
      [6, "commodity_hs2"],
      [7, "month"],
      [8, "trade_type"],
      [9, "value_usd"],
    ],
  );
});
