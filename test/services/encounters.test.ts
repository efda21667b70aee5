// Encounters on the real vendored snapshot, checked against DuckDB queries over the raw CSV files written
// here, independently of the code under test (test/fixtures/raw/cbp-encounters holds the raw files whole;
// the first test proves they are the very files the snapshot was built from).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { Store, readManifest, DEFAULT_SNAPSHOT_DIR } from "../../src/store/db.ts";
import { encountersSeries } from "../../src/services/encounters.ts";
import { portAreas } from "../../src/services/port-areas.ts";
import { portProfile } from "../../src/services/ports.ts";
import { InputError, NotFoundError } from "../../src/domain/errors.ts";

const RAW = "test/fixtures/raw/cbp-encounters";
const AOR = `${RAW}/cbp-nationwide-encounters-aor-fy2020-fy2024.csv.gz`;
const SWB = `${RAW}/cbp-sw-land-border-encounters-fy2022-fy2025aug.csv.gz`;
const OHSS = `${RAW}/ohss-khsm-usbp-encounters-by-sector-monthly-fy2000-fy2025nov.csv.gz`;
const PDF = `${RAW}/cbp-usbp-apprehensions-by-sector-monthly-fy2000-fy2020.csv.gz`;

let store: Store;
let raw: DuckDBConnection;
let instance: DuckDBInstance;
before(async () => {
  store = await Store.open({ path: ":memory:" });
  instance = await DuckDBInstance.create(":memory:");
  raw = await instance.connect();
  // The raw files, read by DuckDB's own CSV reader (not borderflow's parser), once each.
  for (const [t, f] of [
    ["aor", AOR],
    ["swb", SWB],
    ["ohss", OHSS],
    ["pdf", PDF],
  ])
    await raw.run(`CREATE TABLE ${t} AS SELECT * FROM read_csv('${f}', header = true, all_varchar = false)`);
});
after(() => {
  store.close();
  raw.closeSync();
  instance.closeSync();
});

/** One number from a SQL query over the raw CSV files. */
async function rawSum(sql: string): Promise<number> {
  const r = await raw.runAndReadAll(sql);
  return Number(r.getRows()[0]![0]);
}

const one = async (req: Parameters<typeof encountersSeries>[1]) => {
  const r = await encountersSeries(store, req);
  assert.equal(r.points.length, 1, JSON.stringify(r.points));
  return { r, p: r.points[0]! };
};

test("the test's raw files are the files the snapshot was built from", () => {
  const m = readManifest(DEFAULT_SNAPSHOT_DIR);
  for (const f of [AOR, SWB, OHSS, PDF]) {
    const name = f.split("/").pop()!;
    const src = m.sources.find((s) => s.file.endsWith(name));
    assert.ok(src, `${name} is a source of the snapshot`);
    assert.equal(createHash("sha256").update(readFileSync(f)).digest("hex"), src.sha256, name);
  }
});

test("Southwest border FY2023 = 2,475,669 and Dec 2023 = 301,981 (the file's values)", async () => {
  const fy = await one({ region: "southwest", from: "FY2023", by: ["fiscal-year"] });
  const rawFy = await rawSum(
    `SELECT sum(count) FROM aor WHERE land_border_region = 'Southwest Land Border' AND fiscal_year = 2023`,
  );
  assert.equal(rawFy, 2475669);
  assert.equal(fy.p.value, rawFy);
  assert.equal(fy.p.status, "observed");
  assert.equal(fy.r.file.key, "aor");
  const dec = await one({ region: "southwest", from: "2023-12", to: "2023-12" });
  assert.equal(
    dec.p.value,
    await rawSum(
      `SELECT sum(count) FROM aor WHERE land_border_region = 'Southwest Land Border' AND month = '2023-12'`,
    ),
  );
  assert.equal(dec.p.value, 301981);
  // The Southwest file says the same for the same month (they agree; still never added).
  assert.equal(await rawSum(`SELECT sum(count) FROM swb WHERE month = '2023-12'`), 301981);
});

test("Del Rio sector (USBP) Dec 2023 = 71,048, exact; OHSS's rounded 71,050 is not used", async () => {
  const { r, p } = await one({ sectors: ["Del Rio"], from: "2023-12", to: "2023-12" });
  assert.equal(p.value, 71048);
  assert.equal(
    p.value,
    await rawSum(
      `SELECT sum(count) FROM aor WHERE area_of_responsibility = 'Del Rio Sector' AND month = '2023-12'`,
    ),
  );
  assert.equal(r.file.key, "aor");
  assert.equal(
    await rawSum(
      `SELECT count FROM ohss WHERE area_of_responsibility = 'Del Rio Sector' AND month = '2023-12'`,
    ),
    71050,
  );
  assert.ok(r.alternatives.find((a) => a.key === "sector-ohss")?.why.includes("rounded"));
});

test("more checks against the raw files: Tucson sector, Laredo field office, nationwide FY2023, Venezuela", async () => {
  const tucson = await one({ sectors: ["Tucson"], from: "2023-12", to: "2023-12" });
  assert.equal(
    tucson.p.value,
    await rawSum(
      `SELECT sum(count) FROM aor WHERE area_of_responsibility = 'Tucson Sector' AND month = '2023-12'`,
    ),
  );
  assert.equal(tucson.p.value, 80184);
  const lfo = await one({ fieldOffices: ["Laredo"], region: "southwest", from: "2023-12", to: "2023-12" });
  assert.equal(
    lfo.p.value,
    await rawSum(
      `SELECT sum(count) FROM aor WHERE area_of_responsibility = 'Laredo Field Office' AND land_border_region = 'Southwest Land Border' AND month = '2023-12'`,
    ),
  );
  assert.equal(lfo.p.value, 24826);
  const nation = await one({ from: "FY2023", by: ["fy"] });
  assert.equal(nation.p.value, await rawSum(`SELECT sum(count) FROM aor WHERE fiscal_year = 2023`));
  assert.equal(nation.p.value, 3201144);
  const ven = await one({ region: "southwest", citizenship: ["venezuela"], from: "FY2024", by: ["fy"] });
  assert.equal(
    ven.p.value,
    await rawSum(
      `SELECT sum(count) FROM aor WHERE land_border_region = 'Southwest Land Border' AND citizenship = 'VENEZUELA' AND fiscal_year = 2024`,
    ),
  );
});

test("title and demographic splits against the raw files: Title 42 from March 2020, demographics as the file writes them", async () => {
  // Title 8 / Title 42, Southwest FY2021 (the by-area file).
  const t = await encountersSeries(store, { region: "southwest", from: "FY2021", by: ["fy", "title"] });
  assert.equal(t.file.key, "aor");
  const rawTitles = await raw.runAndReadAll(
    `SELECT title, sum(count) FROM aor WHERE land_border_region = 'Southwest Land Border' AND fiscal_year = 2021 GROUP BY 1 ORDER BY 1`,
  );
  assert.deepEqual(
    t.points.map((p) => [p.group, p.value]).sort(),
    rawTitles.getRows().map((r) => [String(r[0]), Number(r[1])]),
  );
  assert.equal(t.points.find((p) => p.group === "Title 42")!.value, 1063526);
  // Asked for Title 42 alone, a month before March 2020 is zero inside the file's coverage, not missing.
  const t42 = await encountersSeries(store, {
    region: "southwest",
    title: "title-42",
    from: "2020-02",
    to: "2020-03",
  });
  assert.deepEqual(
    t42.points.map((p) => [p.period, p.status]),
    [
      ["2020-02", "zero"],
      ["2020-03", "observed"],
    ],
  );
  assert.equal(
    t42.points[1]!.value,
    await rawSum(
      `SELECT sum(count) FROM aor WHERE land_border_region = 'Southwest Land Border' AND title = 'Title 42' AND month = '2020-03'`,
    ),
  );
  // Demographics, El Paso field office at the Southwest border, FY2022.
  const d = await encountersSeries(store, {
    fieldOffices: ["El Paso"],
    region: "southwest",
    from: "FY2022",
    by: ["fy", "demographic"],
  });
  const rawDemo = await raw.runAndReadAll(
    `SELECT demographic, sum(count) FROM aor WHERE area_of_responsibility = 'El Paso Field Office' AND land_border_region = 'Southwest Land Border' AND fiscal_year = 2022 GROUP BY 1 ORDER BY 1`,
  );
  assert.deepEqual(
    d.points.map((p) => [p.group, p.value]).sort(),
    rawDemo.getRows().map((r) => [String(r[0]), Number(r[1])]),
  );
  // A title asked after the by-area file ends comes from the Southwest file, by component.
  const swb = await encountersSeries(store, {
    region: "southwest",
    title: "title-8",
    from: "2025-08",
    to: "2025-08",
    by: ["month", "component"],
  });
  assert.equal(swb.file.key, "swb");
  const rawSwb = await raw.runAndReadAll(
    `SELECT component, sum(count) FROM swb WHERE month = '2025-08' AND title = 'Title 8' GROUP BY 1 ORDER BY 1`,
  );
  assert.deepEqual(
    swb.points.map((p) => p.value).sort((a, b) => a! - b!),
    rawSwb
      .getRows()
      .map((r) => Number(r[1]))
      .sort((a, b) => a - b),
  );
});

test("the Southwest series to Aug 2025 comes from the Southwest file; September 2025 is not reported, not zero", async () => {
  const r = await encountersSeries(store, { region: "southwest", from: "FY2025", by: ["fiscal-year"] });
  assert.equal(r.file.key, "swb");
  const p = r.points[0]!;
  assert.equal(p.value, await rawSum(`SELECT sum(count) FROM swb WHERE fiscal_year = 2025`));
  assert.equal(p.monthsCovered, 11);
  assert.equal(p.monthsInPeriod, 12);
  const m = await encountersSeries(store, { region: "southwest", from: "2025-07", to: "2025-09" });
  assert.deepEqual(
    m.points.map((x) => [x.period, x.status]),
    [
      ["2025-07", "observed"],
      ["2025-08", "observed"],
      ["2025-09", "not-reported"],
    ],
  );
  assert.equal(m.points[2]!.value, null);
  assert.ok(m.notes.some((n) => /not reported \(null\), not zero/.test(n)));
});

test("the sector series from FY2000: exact CBP table where it covers, OHSS (rounded to 10) for the long run", async () => {
  const pdf = await one({ sectors: ["El Paso"], from: "FY2005", by: ["fy"] });
  assert.equal(pdf.r.file.key, "sector-cbp");
  assert.equal(
    pdf.p.value,
    await rawSum(
      `SELECT sum(count) FROM pdf WHERE area_of_responsibility = 'El Paso Sector' AND fiscal_year = 2005`,
    ),
  );
  assert.equal(pdf.p.status, "observed");
  const long = await encountersSeries(store, {
    sectors: ["Del Rio"],
    from: "FY2000",
    to: "FY2024",
    by: ["fy"],
  });
  assert.equal(long.file.key, "sector-ohss");
  assert.equal(long.points.length, 25);
  assert.ok(long.points.every((p) => p.status === "observed"));
  assert.equal(long.file.precision, "rounded to 10");
  assert.equal(
    long.points.find((p) => p.period === "FY2010")!.value,
    await rawSum(
      `SELECT sum(count) FROM ohss WHERE area_of_responsibility = 'Del Rio Sector' AND fiscal_year = 2010`,
    ),
  );
  // A sector-month OHSS shows no count for (fewer than 5) is zero inside its coverage.
  const houlton = await encountersSeries(store, {
    sectors: ["Houlton"],
    from: "2020-01",
    to: "2020-12",
    file: "sector-ohss",
  });
  const rawMonths = await rawSum(
    `SELECT count(*) FROM ohss WHERE area_of_responsibility = 'Houlton Sector' AND month BETWEEN '2020-01' AND '2020-12'`,
  );
  assert.equal(houlton.points.filter((p) => p.status !== "zero").length, rawMonths);
});

test("helpful refusals: unknown names with suggestions, impossible questions, bad flags", async () => {
  await assert.rejects(encountersSeries(store, { sectors: ["Del Ryo"] }), (e: Error) => {
    assert.ok(e instanceof NotFoundError);
    assert.match(e.message, /did you mean Del Rio Sector/);
    return true;
  });
  await assert.rejects(
    encountersSeries(store, { fieldOffices: ["Laredoo"] }),
    /did you mean Laredo Field Office/,
  );
  await assert.rejects(
    encountersSeries(store, { sectors: ["Tucson"], component: "ofo" }),
    /sectors are Border Patrol/,
  );
  await assert.rejects(
    encountersSeries(store, { from: "FY2005", to: "FY2005" }),
    (e: Error) =>
      e instanceof InputError &&
      /no encounter file .* covers/.test(e.message) &&
      /only USBP/.test((e as InputError).hint ?? ""),
  );
  await assert.rejects(encountersSeries(store, { by: ["weekly"] }), /--by "weekly" is not valid/);
  await assert.rejects(encountersSeries(store, { from: "2024-01", to: "2023-01" }), /after/);
  await assert.rejects(
    encountersSeries(store, { from: "1990-01", to: "2025-08", component: "usbp" }),
    /at most 400/,
  );
  await assert.rejects(encountersSeries(store, { citizenship: ["Atlantis"] }), /unknown citizenship/);
  await assert.rejects(
    encountersSeries(store, { region: "southwest", file: "sector-ohss" }),
    /cannot answer/,
  );
});

test("every U.S.–Mexico port with crossings maps to a field office and a sector, and the Canadian ports to theirs", async () => {
  const ports = await store.all<{ port_code: string; border: string }>({
    sql: "SELECT port_code, border FROM ports WHERE len(crossing_modes) > 0",
    params: [],
  });
  const areas = await portAreas(store);
  const byCode = new Map(areas.ports.map((a) => [a.portCode, a]));
  const unmapped = ports.filter((p) => !byCode.has(p.port_code)).map((p) => p.port_code);
  assert.deepEqual(unmapped, [], "no port with crossings is unmapped");
  assert.equal(ports.filter((p) => p.border === "mexico").length, 28);
  assert.equal(ports.filter((p) => p.border === "canada").length, 90);
  // Every port the crossings table counts (not only the ports table's list) is mapped, on its own border.
  const counted = await store.all<{ port_code: string }>({
    sql: "SELECT DISTINCT port_code FROM crossings ORDER BY 1",
    params: [],
  });
  assert.equal(counted.length, 118);
  assert.deepEqual(
    counted.filter((p) => !byCode.has(p.port_code)).map((p) => p.port_code),
    [],
    "every port in the crossings table has a field office and a sector",
  );
  for (const p of ports) assert.equal(byCode.get(p.port_code)!.border, p.border, p.port_code);
  for (const a of areas.ports) {
    for (const m of [a.fieldOffice, a.sector]) {
      assert.ok(m.source && m.quote, `${a.portCode} ${m.name} has a source`);
      if (m.verification !== "inferred") assert.match(m.url ?? "", /^https?:\/\//);
    }
  }
  // Every field office and sector named is one the encounter file knows, on the port's border.
  const known = new Set(
    (await raw.runAndReadAll("SELECT DISTINCT area_of_responsibility || '|' || land_border_region FROM aor"))
      .getRows()
      .map((r) => String(r[0])),
  );
  for (const a of areas.ports) {
    const region = a.border === "mexico" ? "Southwest Land Border" : "Northern Land Border";
    for (const name of [a.fieldOffice.name, a.sector.name])
      assert.ok(
        known.has(`${name}|${region}`),
        `${a.portCode}: ${name} has ${region} rows in the by-area file`,
      );
  }
  const eaglePass = byCode.get("2303")!;
  assert.equal(eaglePass.fieldOffice.name, "Laredo Field Office");
  assert.equal(eaglePass.sector.name, "Del Rio Sector");
});

test("Eagle Pass's profile shows Del Rio sector and Laredo field office encounters beside its crossings", async () => {
  const p = await portProfile(store, "2303");
  const e = p.encounters!;
  assert.equal(e.sector.name, "Del Rio Sector");
  assert.equal(e.fieldOffice.name, "Laredo Field Office");
  const i = e.months.indexOf("2023-12" as never);
  assert.equal(e.sector.values[i]!.value, 71048);
  assert.equal(e.fieldOffice.values[i]!.value, 24826);
  const trucks = e.crossings.find((c) => c.measure === "Trucks")!;
  assert.equal(trucks.values[i]!.value, 10504);
  assert.equal(trucks.values[e.months.indexOf("2022-12" as never)]!.value, 16752);
  // One axis: every series has a value (or a status) for every month.
  for (const s of [e.sector, e.fieldOffice, ...e.crossings]) assert.equal(s.values.length, e.months.length);
  const after = e.months.indexOf("2024-10" as never);
  assert.equal(e.sector.values[after]!.status, "not-reported");
  assert.equal(e.sector.values[after]!.value, null);
  assert.equal(trucks.values[after]!.status, "observed");
});
