import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { runCli } from "../../src/cli/main.ts";
import { Store } from "../../src/store/db.ts";
import { canReplace, driftNote } from "../../src/cli/context.ts";
import { captureIo } from "../helpers/io.ts";

const cli = async (...args: string[]) => {
  const io = captureIo();
  const code = await runCli(["--db", ":memory:", ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
};

test("crossings: a table for people, JSON and CSV for programs", async () => {
  const text = await cli(
    "crossings",
    "--port",
    "Eagle Pass",
    "--measure",
    "Trains",
    "--from",
    "2023-10",
    "--to",
    "2024-01",
  );
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /Inbound crossings at Eagle Pass \(2303\), 2023-10..2024-01, by month/);
  assert.match(text.out, /2023-12\s+Trains\s+trains\s+237\s+7\.6/);
  const json = await cli(
    "--json",
    "crossings",
    "--port",
    "2303",
    "--measure",
    "Trains",
    "--from",
    "2023-12",
    "--to",
    "2023-12",
  );
  assert.equal(JSON.parse(json.out).points[0].value, 237);
  const csv = await cli(
    "--csv",
    "crossings",
    "--port",
    "2402",
    "--measure",
    "Trains",
    "--from",
    "2023-10",
    "--to",
    "2023-11",
  );
  assert.equal(
    csv.out,
    [
      "# Inbound crossings at El Paso (2402), 2023-10..2023-11, by month",
      "# note: BTS counts inbound crossings only (into the U.S.), not unique vehicles or people",
      "ports,period,period_label,measure,unit,value,status,per_day,days_with_data,months_with_data,months,source",
      "2402,2023-10,2023-10,Trains,trains,113,observed,3.6451612903225805,31,1,1,BTS Border Crossing/Entry Data (keg4-3bc2); inbound crossings",
      "2402,2023-11,2023-11,Trains,trains,114,observed,3.8,30,1,1,BTS Border Crossing/Entry Data (keg4-3bc2); inbound crossings",
      "",
    ].join("\n"),
  );
});

test("CSV exports keep their meaning: notes as # lines, units, currency, period, source and status; a common reader reads them back", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bf-csv-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const crossings = await cli(
    "--csv",
    "crossings",
    "--port",
    "Laredo",
    "--measure",
    "Truck Containers Loaded",
    "--from",
    "2025-03",
    "--to",
    "2025-06",
  );
  assert.equal(crossings.code, 0, crossings.err);
  assert.match(crossings.out, /^# note: – missing: Truck Containers Loaded 2025-05 at Laredo \(2304\)/m);
  assert.match(crossings.out, /^# status missing: a hole in the source's release: not known, not 0$/m);
  // A gap: rows with empty values and a status, never a bare header.
  const gap = await cli("--csv", "trade", "--port", "2303", "--from", "2020-09", "--to", "2020-12");
  assert.match(gap.out, /^# total \$\S+ bn over 30 days with data \(1 of 4 months\)/m);
  writeFileSync(join(dir, "crossings.csv"), crossings.out);
  writeFileSync(join(dir, "trade.csv"), gap.out);
  // DuckDB's CSV reader (auto-detecting everything else) with its comment option, as a user would.
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  t.after(() => conn.closeSync());
  const read = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS();
  const c = await read(
    `SELECT period, value::DOUBLE AS value, status, unit, source FROM read_csv('${join(dir, "crossings.csv")}', comment = '#') ORDER BY period`,
  );
  assert.deepEqual(
    c.map((r) => [r.period, r.value, r.status, r.unit]),
    [
      ["2025-03", 452331, "observed", "containers"],
      ["2025-04", 424798, "observed", "containers"],
      ["2025-05", null, "missing", "containers"],
      ["2025-06", 422288, "observed", "containers"],
    ],
  );
  assert.equal(c[0]!.source, "BTS Border Crossing/Entry Data (keg4-3bc2); inbound crossings");
  const tr = await read(
    `SELECT month, value_usd, status, currency, period FROM read_csv('${join(dir, "trade.csv")}', comment = '#') ORDER BY month`,
  );
  assert.deepEqual(
    tr.map((r) => [r.month, r.value_usd === null ? null : "value", r.status, r.currency, r.period]),
    [
      ["2020-09", "value", "observed", "USD", "2020-09..2020-12"],
      ["2020-10", null, "missing", "USD", "2020-09..2020-12"],
      ["2020-11", null, "missing", "USD", "2020-09..2020-12"],
      ["2020-12", null, "missing", "USD", "2020-09..2020-12"],
    ],
  );
});

test("trade by commodity and national totals", async () => {
  const r = await cli(
    "--json",
    "trade",
    "--port",
    "2303",
    "--mode",
    "rail",
    "--from",
    "2023-01",
    "--to",
    "2023-12",
    "--by",
    "commodity",
  );
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).groups[0].key, "87");
  const n = await cli("trade", "--from", "2023-01", "--to", "2023-12", "--by", "year");
  assert.match(n.out, /total \$1,572.77 bn over 365 days with data: \$4.31 bn per day/);
});

test("errors: unknown port with a suggestion, bad month, mixed units; exit code 2", async () => {
  const port = await cli("port", "Eagel Pass");
  assert.equal(port.code, 2);
  assert.equal(port.err, 'borderflow: unknown port "Eagel Pass" (did you mean Eagle Pass, 2303?)\n');
  const month = await cli("crossings", "--port", "2303", "--from", "2023-13");
  assert.equal(month.code, 2);
  assert.match(month.err, /--from "2023-13" is not a month/);
  const units = await cli("crossings", "--port", "2303", "--measure", "Trucks,Trains", "--total");
  assert.equal(units.code, 2);
  assert.match(units.err, /refusing to sum Trucks \(trucks\), Trains \(trains\): they count different units/);
  const flag = await cli("trade", "--direction", "sideways");
  assert.match(flag.err, /--direction "sideways" is not valid \(expected one of: export, import\)/);
  const unknownCmd = await cli("teleport");
  assert.equal(unknownCmd.code, 2);
});

test("port profile and ports list render", async () => {
  const p = await cli("port", "2402");
  assert.equal(p.code, 0, p.err);
  assert.match(p.out, /^El Paso \(2402\), Texas — mexico border/);
  assert.match(p.out, /Top commodities by mode/);
  const ports = await cli("--csv", "ports", "--border", "canada", "--mode", "rail");
  assert.match(ports.out.split("\n")[0]!, /^# 73 land ports on the canada border with rail$/);
  assert.match(
    ports.out.split("\n").find((l) => !l.startsWith("#"))!,
    /^code,port,state,border,crossing modes,trade_usd,status,currency,trade_period,trade_source,crossings_months,approximate_location$/,
  );
  assert.ok(ports.out.includes("3801,Detroit,Michigan,canada"));
});

test("Chief Mountain's profile: trade not reported (not $0), crossings beside encounters marked not reported (not –)", async () => {
  const p = await cli("port", "3315");
  assert.equal(p.code, 0, p.err);
  assert.match(p.out, /^location 48\.\d+, -113\.\d+ \(approximate, filled by hand: not from BTS\)/m);
  assert.match(p.out, /^Trade 2023-10\.\.2024-09 \(TransBorder\): no data$/m, "was: $0, $0 per day");
  assert.match(
    p.out,
    /^note: · Chief Mountain Mt Poe \(3315\) has no series in TransBorder port-level trade/m,
  );
  // The encounters table's Personal Vehicles column: months before 2025-06 are not reported.
  assert.match(p.out, /^2023-10 +31 +4,275 +·$/m, "was –, the mark of a hole");
  assert.doesNotMatch(p.out, /^– missing/m);
  // Its CSV: every table says its units, currency, period and source; the ports list leaves its trade empty.
  const csv = await cli("--csv", "port", "3315");
  assert.match(
    csv.out,
    /^measure,unit,value,value status,per_day,period,months_with_data,months,year_before,year_before status,change,source$/m,
  );
  assert.match(csv.out, /^month,Personal Vehicles \(vehicles\),status,source$/m);
  assert.match(
    csv.out,
    /^mode,direction,value_usd,per_day_usd,change_per_day,currency,period,months_with_data,months,source$/m,
  );
  assert.match(csv.out, /^2023-10,31,observed,4275,observed,,not-reported,"CBP Nationwide Encounters/m);
  const ports = await cli("--csv", "ports", "--border", "canada");
  assert.match(
    ports.out,
    /^3315,Chief Mountain Mt Poe,Montana,canada,personal-vehicle,,not-reported,USD,2023-10\.\.2024-09,.*,true$/m,
    "was $0",
  );
  assert.match(ports.out, /^3801,Detroit,Michigan,canada,.*,\d+,observed,USD,/m);
  const text = await cli("ports", "--border", "canada");
  assert.match(text.out, /^3315 +Chief Mountain Mt Poe .* · +2025-06\.\.2025-06$/m);
  const ov = await cli("--csv", "overview");
  assert.match(ov.out, /^code,port,border,trade_usd,per_day_usd,truck_usd,rail_usd,currency,period,source$/m);
  assert.match(ov.out, /^2304,Laredo,mexico,312888771180,.*,USD,2023,BTS TransBorder/m);
});

test("npm start path: the bin runs the overview on a fresh database file", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bf-cli-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, "sub", "bf.duckdb");
  const out = execFileSync(process.execPath, ["bin/borderflow.js", "overview"], {
    env: { ...process.env, BORDERFLOW_DB: db },
    encoding: "utf8",
  });
  assert.ok(existsSync(db), "the database file was created from the snapshot");
  assert.match(out, /Top 10 land ports by trade value, 2023/);
  assert.match(out, /\$34\.19 bn in 2023, \$93\.68 M per average day/);
  const bad = spawnSync(process.execPath, ["bin/borderflow.js", "port", "Nowhere"], {
    env: { ...process.env, BORDERFLOW_DB: db },
    encoding: "utf8",
  });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown port "Nowhere"/);
});

test("a database built from an older snapshot says so, and still answers", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bf-drift-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, "bf.duckdb");
  const s = await Store.open({ path: db });
  await s.run("UPDATE meta SET value = 'oldsnapshot1' WHERE key = 'snapshot_version'");
  s.close();
  const io = captureIo();
  const code = await runCli(
    [
      "--db",
      db,
      "crossings",
      "--port",
      "2303",
      "--measure",
      "Trains",
      "--from",
      "2023-12",
      "--to",
      "2023-12",
    ],
    io,
  );
  assert.equal(code, 0);
  assert.match(
    io.stderr(),
    /was built from snapshot oldsnapshot1; this version ships [0-9a-f]{12}\. Delete the file to rebuild it/,
  );
  assert.match(io.stdout(), /237/);
  // A file this process cannot write (a read-only mount, another user's file) cannot be deleted to rebuild it:
  // the note says what to do instead. (Tests run as root here, so the read-only case is asked of the note.)
  assert.equal(canReplace(db), true);
  assert.equal(canReplace(join(dir, "gone", "bf.duckdb")), false);
  const ro = driftNote(db, { database: "oldsnapshot1", vendored: "newsnapshot2" }, false);
  assert.doesNotMatch(ro, /Delete the file/);
  assert.match(
    ro,
    /cannot be written here \(the file or its folder is read-only\), so answers come from the older snapshot; to use the new one, give --db \(or \$BORDERFLOW_DB\) a path you can write/,
  );
});

test("a scenario baselined after 2024-09 marks its carried-forward values as estimates in JSON and Markdown", async () => {
  const file = "test/fixtures/scenarios/laredo-rail-2025.yaml";
  const json = await cli("--json", "scenario", "run", file, "--draws", "20");
  assert.equal(json.code, 0, json.err);
  const r = JSON.parse(json.out) as {
    costs: Record<string, { status?: string } | null> & { byCommodity: { status: string }[] };
    flows: { port: string; valueStatus: string }[];
  };
  assert.equal(r.costs.valueHeldUpPerClosureDayUsd!.status, "estimate");
  assert.equal(r.costs.valueHeldUpUsd!.status, "estimate");
  assert.equal(r.costs.byCommodity[0]!.status, "estimate");
  assert.ok(r.flows.every((f) => f.valueStatus === "estimate"));
  const md = await cli("scenario", "run", file, "--draws", "20", "--md");
  assert.equal(md.code, 0, md.err);
  assert.match(
    md.out,
    /^ {4}per closure day \$[\d.]+ M\* \(P10/m,
    "the headline says estimate next to the figure",
  );
  assert.match(md.out, /^\| Laredo 2304 \| rail \| inbound \| railcars \|.*\| \$[\d,]+\* \|/m);
  assert.match(md.out, /^- \* estimate: not in the source: carried forward by borderflow$/m);
  assert.match(md.out, /^- \* estimate: port-level trade ends 2024-09/m);
  // The CSV keeps the notes (the estimate's among them) as # lines before its rows.
  const csv = await cli("--csv", "scenario", "run", file, "--draws", "20");
  assert.equal(csv.code, 0, csv.err);
  assert.match(csv.out, /^# Scenario: Laredo rail closed for 3 days in June 2025: daily flows/);
  assert.match(csv.out, /^# note: \* estimate: port-level trade ends 2024-09/m);
  assert.match(
    csv.out,
    /^date,port,mode,direction,unit,arrivals,blocked,servedHome,diverted,shifted,queue,source\n2025-06-09,2304,rail,inbound,railcars,/m,
  );
});

test("each command loads only the module that defines it; help and unknown names load every command", async () => {
  const { buildProgram, COMMAND_MODULE, modulesFor } = await import("../../src/cli/main.ts");
  const all = await buildProgram(captureIo());
  const names = all.commands.map((c) => c.name()).sort();
  assert.deepEqual(names, Object.keys(COMMAND_MODULE).sort(), "every command is in COMMAND_MODULE");
  for (const name of names) {
    const mods = modulesFor(["--db", "x.duckdb", "--json", name, "--port", "2303"]);
    assert.equal(mods.length, 1, name);
    const one = await buildProgram(captureIo(), mods);
    assert.ok(
      one.commands.some((c) => c.name() === name),
      `${name} is defined by the module it maps to (${mods[0]})`,
    );
  }
  assert.ok(modulesFor(["--help"]).length > 1);
  assert.ok(modulesFor(["crossingz"]).length > 1);
  assert.ok(modulesFor([]).length > 1);
  // An unknown command still gets commander's suggestion, from every command.
  const io = captureIo();
  assert.equal(await runCli(["crossingz"], io), 2);
  assert.match(io.stderr(), /Did you mean crossings\?/);
});
