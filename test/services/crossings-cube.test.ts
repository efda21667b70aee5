// The server answers crossings series from memory (crossings-cube.ts); the CLI from DuckDB. Both must give
// the same answer, request for request.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { Store } from "../../src/store/db.ts";
import { crossingsSeries, crossingsSeriesJson } from "../../src/services/crossings.ts";
import { keepCrossingsInMemory } from "../../src/services/crossings-cube.ts";
import { MEASURES } from "../../src/domain/measures.ts";
import type { Month } from "../../src/domain/units.ts";

let dir: string;
let sql: Store;
let mem: Store;
let ports: string[];
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "bf-cube-"));
  const file = join(dir, "bf.duckdb");
  sql = await Store.open({ path: file, readOnly: true });
  mem = await Store.open({ path: file, readOnly: true });
  await keepCrossingsInMemory(mem);
  ports = (
    await sql.all<{ c: string }>({ sql: "SELECT port_code AS c FROM ports ORDER BY 1", params: [] })
  ).map((r) => r.c);
});
after(() => {
  sql?.close();
  mem?.close();
  rmSync(dir, { recursive: true, force: true });
});

const month = (i: number) => `${1994 + Math.floor(i / 12)}-${String(1 + (i % 12)).padStart(2, "0")}`;

/** Any request: up to `maxPorts` ports, up to 3 measures, a window from 1994 on (outside the data too). */
const anyRequest = <B extends "month" | "year" | "port">(maxPorts: number, bys: readonly B[]) =>
  fc
    .record({
      portIdx: fc.subarray([...Array(118).keys()], { minLength: 0, maxLength: maxPorts }),
      measures: fc.subarray([...MEASURES], { minLength: 0, maxLength: 3 }),
      start: fc.integer({ min: 0, max: 380 }),
      length: fc.integer({ min: 0, max: 120 }),
      by: fc.constantFrom(...bys),
    })
    .map((r) => ({
      ports: r.portIdx.map((i) => ports[i % ports.length]!),
      measures: r.measures,
      from: month(r.start),
      to: month(r.start + r.length),
      by: r.by,
    }));

test("crossings from memory equal crossings from DuckDB, whatever is asked", async () => {
  await fc.assert(
    fc.asyncProperty(anyRequest(4, ["month", "year", "port"]), async (req) => {
      const a = await crossingsSeries(sql, req).catch((e: Error) => `error: ${e.message}`);
      const b = await crossingsSeries(mem, req).catch((e: Error) => `error: ${e.message}`);
      assert.deepEqual(b, a, JSON.stringify(req));
    }),
    { numRuns: 60, seed: 12 },
  );
});

test("the server's JSON text of a series (points written once per measure) is the object answer's JSON", async () => {
  // Months 1994.. reach before and after the kept crossings (the general path) as well as inside (the fast one).
  await fc.assert(
    fc.asyncProperty(anyRequest(3, ["month", "month", "year"]), async (req) => {
      const a = await crossingsSeries(sql, req).then(
        (r) => JSON.stringify(r),
        (e: Error) => `error: ${e.message}`,
      );
      const b = await crossingsSeriesJson(mem, req).then(
        (r) => r.text,
        (e: Error) => `error: ${e.message}`,
      );
      assert.equal(b, a, JSON.stringify(req));
    }),
    { numRuns: 80, seed: 12 },
  );
  // Ports with holes and series that start late, every measure, whole windows (the fast path's edge cases).
  for (const req of [
    { ports: ["2402"], measures: [], from: "2016-01", to: "2021-12" },
    { ports: ["2401", "2402"], measures: ["Trucks", "Trains"], from: "1996-01", to: "2025-06" },
    { ports: [], measures: ["Trains"], from: "2019-01", to: "2020-12" },
    { ports: ["2303"], measures: ["Trains", "trains"], from: "2023-01", to: "2023-12" },
  ]) {
    const fast = await crossingsSeriesJson(mem, req);
    assert.equal(fast.fromColumns, req.measures.length < 2 || req.measures[1] !== "trains");
    assert.equal(fast.text, JSON.stringify(await crossingsSeries(sql, req)));
  }
});

test("a one-month total (the fast path of every monthly point) equals the general sum over months", async () => {
  const { totalOverMonths } = await import("../../src/domain/status.ts");
  const statuses = ["observed", "zero", "missing", "not-reported", "estimate", "derived"] as const;
  for (const status of statuses)
    for (const value of [null, 0, 7, 12345.5])
      for (const m of ["2020-02", "2023-12"] as const) {
        const cell = { value: status === "missing" || status === "not-reported" ? null : value, status };
        const month = m as Month;
        const one = totalOverMonths([{ month, cell }]);
        // The general path, reached with two months of which the second is outside the coverage count.
        const general = totalOverMonths([
          { month, cell },
          { month, cell },
        ]);
        assert.equal(one.status, general.status, `${status} ${value}`);
        assert.equal(one.value === null, general.value === null, `${status} ${value}`);
        if (one.value !== null) assert.equal(one.value * 2, general.value);
        assert.equal(one.coverage.months * 2, general.coverage.months);
        assert.equal(one.partial, general.partial);
        assert.equal(one.days * 2, general.days);
        assert.deepEqual(one.coverage.missing.length * 2, general.coverage.missing.length);
        assert.deepEqual(one.coverage.notReported.length * 2, general.coverage.notReported.length);
        if (one.perDay !== null) assert.ok(Math.abs(one.perDay - general.perDay!) < 1e-9);
        assert.equal(one.coverage.label, general.coverage.label.replace("0 of 2 months", "0 of 1 month"));
      }
});
