import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.ts";
import { Store } from "../../src/store/db.ts";
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
    "month,measure,unit,value,per day\n2023-10,Trains,trains,113,3.6451612903225805\n2023-11,Trains,trains,114,3.8\n",
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
  assert.match(
    ports.out.split("\n")[0]!,
    /^code,port,state,border,crossing modes,trade 2023-10..2024-09,data$/,
  );
  assert.ok(ports.out.includes("3801,Detroit,Michigan,canada"));
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
});
