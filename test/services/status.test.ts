// Statuses of cells on the real vendored snapshot: holes, months outside a port's series, zeros by omission.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../src/store/db.ts";
import {
  crossingHoles,
  crossingHolesCsv,
  crossingsCells,
  keepCrossingStatus,
  tradeCells,
  tradeSeriesIndex,
} from "../../src/services/status.ts";
import { totalOverMonths } from "../../src/domain/status.ts";
import type { Month } from "../../src/domain/units.ts";

let store: Store;
before(async () => {
  store = await Store.open({ path: ":memory:" });
});
after(() => store.close());

const m = (s: string) => s as Month;
const cell = async (port: string, measure: string, month: string) =>
  (await crossingsCells(store, { ports: [port], measures: [measure], from: m(month), to: m(month) }))[0]!;

test("Laredo Truck Containers Loaded 2025-05 is missing (no port has the measure that month), not 0", async () => {
  const cells = await crossingsCells(store, {
    ports: ["2304"],
    measures: ["Truck Containers Loaded"],
    from: m("2025-01"),
    to: m("2025-06"),
  });
  assert.deepEqual(
    cells.map((c) => c.status),
    ["observed", "observed", "observed", "observed", "missing", "observed"],
  );
  assert.equal(cells[4]!.value, null);
  assert.equal(cells[4]!.rule, "all-ports");
  const t = totalOverMonths(cells.map((c) => ({ month: c.month, cell: c })));
  assert.equal(t.value, 2_095_522);
  assert.equal(t.days, 150);
  assert.equal(t.perDay!.toFixed(1), "13970.1");
  assert.equal(t.partial, true);
  assert.equal(t.coverage.label, "5 of 6 months");
  assert.deepEqual(t.coverage.missing, ["2025-05"]);
});

test("isolated holes: Otay Mesa trucks 2021-11 and San Ysidro pedestrians 2024-01, with their neighbours", async () => {
  const holes = await crossingHoles(store);
  const otay = holes.find((h) => h.port === "2506" && h.measure === "Trucks" && h.month === "2021-11");
  assert.deepEqual(otay, {
    port: "2506",
    measure: "Trucks",
    month: "2021-11",
    rule: "isolated",
    before: { month: "2021-10", value: 89279 },
    after: { month: "2021-12", value: 80681 },
  });
  const sy = await cell("2504", "Pedestrians", "2024-01");
  assert.deepEqual([sy.value, sy.status, sy.rule], [null, "missing", "isolated"]);
});

test("a port's months before its first month and after its last are not reported; absent rows since 2016-08 are zeros", async () => {
  assert.equal((await cell("2401", "Trucks", "2020-02")).status, "not-reported");
  assert.deepEqual(await cell("2401", "Trucks", "2020-03"), {
    port: "2401",
    measure: "Trucks",
    month: "2020-03",
    value: 53842,
    status: "observed",
  });
  assert.equal(
    (await cell("3312", "Personal Vehicles", "2014-01")).status,
    "not-reported",
    "Whitetail ends 2013-12",
  );
  assert.equal(
    (await cell("3315", "Personal Vehicles", "2025-05")).status,
    "not-reported",
    "Chief Mountain starts 2025-06",
  );
  assert.equal(
    (await cell("3402", "Personal Vehicles", "2008-06")).status,
    "not-reported",
    "Noyes was left out 2007..2009",
  );
  const z = await cell("2404", "Trucks", "2019-01");
  assert.deepEqual([z.value, z.status], [0, "zero"], "Tornillo has no trucks: zero by omission");
  const published = await cell("2404", "Trucks", "2010-01");
  assert.deepEqual([published.value, published.status], [0, "observed"], "a published 0 is observed");
});

test("trade cells: Ysleta before 2020-03 not reported, Oct-Dec 2020 missing, absent rows zero", async () => {
  const cells = await tradeCells(store, {
    ports: ["2401", "2303"],
    modes: ["rail"],
    direction: "import",
    from: m("2020-01"),
    to: m("2021-01"),
  });
  const ys = cells.filter((c) => c.port === "2401");
  assert.deepEqual(
    ys.slice(0, 3).map((c) => c.status),
    ["not-reported", "not-reported", "observed"],
  );
  const none = await tradeCells(store, {
    ports: ["2404"],
    modes: ["rail"],
    from: m("2023-01"),
    to: m("2023-01"),
  });
  assert.deepEqual(
    none.map((c) => [c.value, c.status]),
    [
      [0, "zero"],
      [0, "zero"],
    ],
    "TransBorder publishes no zero rows: an absent row inside coverage is a zero (Tornillo has no rail)",
  );
  const ep = cells.filter((c) => c.port === "2303");
  assert.deepEqual(
    ep.slice(8, 13).map((c) => [c.month, c.status, c.value === null]),
    [
      ["2020-09", "observed", false],
      ["2020-10", "missing", true],
      ["2020-11", "missing", true],
      ["2020-12", "missing", true],
      ["2021-01", "observed", false],
    ],
  );
  const late = await tradeCells(store, {
    ports: ["2303"],
    modes: ["rail"],
    from: m("2024-10"),
    to: m("2024-10"),
  });
  assert.ok(late.every((c) => c.status === "not-reported" && c.value === null));
});

test("trade of a port TransBorder has no series for is not reported, not $0: not in its code list, or closed before 2020", async () => {
  // Chief Mountain 3315 and Boquillas 2410 are not in TransBorder's port code list; Whitetail 3312 is, but
  // BTS's series ends 2013-12 and TransBorder has no row for it. Tornillo 2404 is in it and has trade.
  const cells = await tradeCells(store, {
    ports: ["3315", "2410", "3312"],
    modes: ["truck"],
    direction: "import",
    from: m("2023-01"),
    to: m("2023-02"),
  });
  assert.deepEqual(
    cells.map((c) => [c.port, c.value, c.status]),
    [
      ["2410", null, "not-reported"],
      ["2410", null, "not-reported"],
      ["3312", null, "not-reported"],
      ["3312", null, "not-reported"],
      ["3315", null, "not-reported"],
      ["3315", null, "not-reported"],
    ],
  );
  const idx = await tradeSeriesIndex(store);
  assert.deepEqual(
    [...idx].filter(([, s]) => s.none).map(([p]) => p),
    ["2410", "2582", "3312", "3315", "3402"],
    "the ports without a TransBorder series (checked against codes_ports.csv and the raw trade files)",
  );
  assert.deepEqual(idx.get("2401"), { start: "2020-03" });
});

test("golden file: every hole the rules find in the snapshot (npm run holes rewrites it)", async () => {
  const file = join(import.meta.dirname, "../golden/crossing-holes.csv");
  const want = readFileSync(file, "utf8");
  const got = await crossingHolesCsv(store);
  assert.equal(got, want, `the holes differ from ${file}: run npm run holes, read the diff, commit it`);
  assert.match(want, /: 165 \(all-ports 93, isolated 72\)/);
});

test("a database file keeps the status index it was built with; crossings changed under it are never read stale", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bf-status-kept-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "bf.duckdb");
  const golden = readFileSync(join(import.meta.dirname, "../golden/crossing-holes.csv"), "utf8");
  const ro = await Store.open({ path: file, readOnly: true });
  const kept = await ro.all<{ n: number }>({
    sql: "SELECT count(*)::INT AS n FROM status_holes",
    params: [],
  });
  assert.equal(kept[0]!.n, 165, "derived when the file was built");
  assert.equal(await crossingHolesCsv(ro), golden);
  ro.close();
  // Otay Mesa's trucks of 2022-03 removed behind the kept index's back (no ingest): an isolated hole now.
  const w = await Store.open({ path: file });
  t.after(() => w.close());
  await w.run("DELETE FROM crossings WHERE port_code = '2506' AND measure = 'Trucks' AND month = '2022-03'");
  const ask = { ports: ["2506"], measures: ["Trucks"], from: m("2022-03"), to: m("2022-03") };
  assert.equal((await crossingsCells(w, ask))[0]!.status, "missing");
  await keepCrossingStatus(w);
  const again = await w.all<{ n: number }>({
    sql: "SELECT count(*)::INT AS n FROM status_holes",
    params: [],
  });
  assert.equal(again[0]!.n, 166);
});
