import { captureIo } from "./helpers/io.ts";
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { DataError, InputError } from "../src/domain/errors.ts";
import type { Fetcher } from "../src/sources/fetcher.ts";
import { Store } from "../src/store/db.ts";
import {
  ingest,
  parseIngestSpec,
  type IngestSpec,
  type IngestSummary,
  type TableChanges,
} from "../src/services/ingest.ts";
import { runCli } from "../src/cli/main.ts";
import { startLocalServer, type LocalServer } from "./helpers/local-server.ts";

const FIX = join(import.meta.dirname, "fixtures/live");
const fixture = (name: string) => join(FIX, name);
const SOCRATA = "/resource/keg4-3bc2.json";
/** The three ports and months of the crossings fixture, and the port and month of the TransBorder one. */
const CROSSING_PORTS = ["2303", "2304", "2402"];
const CROSSING_MONTHS = ["2025-04", "2025-05", "2025-06"];
const TRADE_PORTS = ["2303", "2402"];

let dir: string;
let pristine: string;
let server: LocalServer;
let copies = 0;
const open: Store[] = [];

/** Only 127.0.0.1 may be reached from these tests. */
const fetcher: Fetcher = (url, init) => {
  assert.ok(url.startsWith("http://127.0.0.1:"), `test tried to reach ${url}`);
  return fetch(url, init);
};

/** A new database file, copied from one built from the vendored snapshot (building takes seconds). */
function freshPath(): string {
  const path = join(dir, `store-${++copies}.duckdb`);
  copyFileSync(pristine, path);
  return path;
}

async function freshStore(): Promise<Store> {
  const store = await Store.open({ path: freshPath() });
  open.push(store);
  return store;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "borderflow-ingest-"));
  pristine = join(dir, "pristine.duckdb");
  (await Store.open({ path: pristine })).close();

  const socrata = (file: string, extra: object = {}) => ({
    kind: "socrata" as const,
    file: fixture(file),
    ...extra,
  });
  const csv = (file: string) => ({ kind: "file" as const, file: fixture(file), contentType: "text/csv" });
  server = await startLocalServer({
    [SOCRATA]: socrata("socrata-keg4-3bc2.json"),
    [`/newer${SOCRATA}`]: socrata("socrata-keg4-3bc2-newer-release.json"),
    [`/negative${SOCRATA}`]: socrata("socrata-negative-value.json"),
    [`/unknown-port${SOCRATA}`]: socrata("socrata-unknown-port.json"),
    [`/truncated-json${SOCRATA}`]: socrata("socrata-keg4-3bc2.json", {
      fault: { kind: "truncated-body" },
      faultOnPage: 2,
    }),
    [`/http-500${SOCRATA}`]: socrata("socrata-keg4-3bc2.json", {
      fault: { kind: "http-error", status: 500 },
      faultOnPage: 2,
    }),
    "/tb/dot1_0924.csv": csv("dot1_0924.csv"),
    "/tb/dot3_0924.csv": csv("dot3_0924.csv"),
    "/tb/renamed/dot1_0924.csv": csv("dot1_0924-renamed-column.csv"),
  });
  const dot1 = readFileSync(fixture("dot1_0924.csv"));
  const zip = Buffer.from(
    zipSync({ "dot1_0924.csv": dot1, "dot3_0924.csv": readFileSync(fixture("dot3_0924.csv")) }),
  );
  server.route("/tb/September2024.zip", { kind: "file", body: zip, contentType: "application/zip" });
  server.route("/tb/cut/September2024.zip", {
    kind: "file",
    body: zip,
    contentType: "application/zip",
    fault: { kind: "truncated-download" },
  });
  // Every Eagle Pass line of the DOT1 file with DEPE 2330, a code no port has: hundreds of rejects.
  const unknown = dot1.toString("utf8").replace(/^(\d,[A-Z]{2},)2303,/gm, "$12330,");
  server.route("/tb/unknown-ports/dot1_0924.csv", {
    kind: "file",
    body: Buffer.from(unknown),
    contentType: "text/csv",
  });
});

after(async () => {
  for (const s of open) s.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = () => new Date("2025-08-02T10:00:00Z");

function run(store: Store, spec: IngestSpec): Promise<IngestSummary> {
  return ingest(store, parseIngestSpec(spec), { fetcher, now: NOW });
}

const table = (s: IngestSummary, name: TableChanges["table"]) => {
  const t = s.tables.find((x) => x.table === name);
  assert.ok(t, `no ${name} in the summary`);
  return t;
};

const counts = (t: TableChanges) => ({
  inserted: t.inserted,
  changed: t.changed,
  removed: t.removed,
  unchanged: t.unchanged,
});

async function one<T>(store: Store, sql: string, params: (string | number)[] = []): Promise<T> {
  const [row] = await store.all<Record<string, T>>({ sql, params });
  return Object.values(row ?? {})[0] as T;
}

const inList = (xs: string[]) => xs.map((x) => `'${x}'`).join(", ");

/** What an ingest may change: the monthly tables, the ports' spans and modes, the ingest log. */
function checksum(store: Store): Promise<string> {
  return one<string>(
    store,
    `SELECT concat_ws(' | ',
      (SELECT count(*) || ' ' || sum(value) FROM crossings),
      (SELECT count(*) || ' ' || sum(value_usd) || ' ' || sum(weight_kg) || ' ' || sum(freight_usd) FROM trade),
      (SELECT count(*) || ' ' || sum(value_usd) || ' ' || sum(weight_kg) || ' ' || sum(freight_usd) FROM trade_hs2),
      (SELECT string_agg(port_code || first_month || last_month || crossing_modes::VARCHAR || trade_modes::VARCHAR, ','
         ORDER BY port_code) FROM ports),
      (SELECT count(*) FROM ingest_log))`,
  );
}

const crossingValue = (store: Store, port: string, month: string, measure: string) =>
  one<bigint | undefined>(
    store,
    "SELECT value FROM crossings WHERE port_code = ? AND month = ? AND measure = ?",
    [port, month, measure],
  );

test("bts-crossings from the Socrata API: paged, idempotent, and a newer release replaces its months", async () => {
  const store = await freshStore();
  const scope = `month IN (${inList(CROSSING_MONTHS)})`;
  const others = Number(
    await one<bigint>(
      store,
      `SELECT count(*) FROM crossings WHERE ${scope} AND port_code NOT IN (${inList(CROSSING_PORTS)})`,
    ),
  );
  assert.ok(others > 1000, "the snapshot has other ports in these months");
  const otherPorts = await store.all<{ port_code: string }>({
    sql: `SELECT DISTINCT port_code FROM crossings WHERE ${scope} AND port_code NOT IN (${inList(CROSSING_PORTS)})
      ORDER BY port_code`,
    params: [],
  });
  const from = server.requests.length;

  const first = await run(store, { source: "bts-crossings", url: server.url(SOCRATA), pageSize: 40 });
  const pages = server.requests.slice(from).filter((u) => u.pathname === SOCRATA);
  assert.deepEqual(
    pages.map((u) => u.searchParams.get("$offset")),
    ["0", "40", "80"],
  );
  assert.equal(first.rowsRead, 97);
  assert.equal(first.rejected, 0);
  assert.deepEqual(first.months, CROSSING_MONTHS);
  // The fixture's values are those of the snapshot: nothing changes. It holds only three ports; the
  // other ports' rows of these months are outside its port-months and stay as they were.
  assert.deepEqual(counts(table(first, "crossings")), {
    inserted: 0,
    changed: 0,
    removed: 0,
    unchanged: 97,
  });
  assert.equal(first.changed, false);
  assert.equal(
    Number(await one<bigint>(store, `SELECT count(*) FROM crossings WHERE ${scope}`)),
    97 + others,
    "other ports untouched",
  );
  assert.deepEqual(
    (
      await store.all<{ port_code: string }>({
        sql: `SELECT DISTINCT port_code FROM crossings WHERE ${scope} AND port_code NOT IN (${inList(CROSSING_PORTS)})
          ORDER BY port_code`,
        params: [],
      })
    ).map((p) => p.port_code),
    otherPorts.map((p) => p.port_code),
  );
  assert.equal(await crossingValue(store, "2303", "2025-06", "Trucks"), 33761n);
  assert.equal(
    await crossingValue(store, "2301", "2025-06", "Trucks"),
    24569n,
    "Brownsville is not in the file: kept",
  );
  const span = (port: string) =>
    one<string>(store, "SELECT first_month || '..' || last_month FROM ports WHERE port_code = ?", [port]);
  assert.equal(await span("2301"), "1996-01..2025-06");
  assert.equal(await span("2303"), "1996-01..2025-06");
  const log = await store.all<{ t: string; source: string; removed: number; months: string }>({
    sql: "SELECT strftime(ingested_at, '%Y-%m-%d %H:%M') AS t, source, removed, months FROM ingest_log",
    params: [],
  });
  assert.deepEqual(log, [
    { t: "2025-08-02 10:00", source: "bts-crossings", removed: 0, months: "2025-04..2025-06" },
  ]);

  const before = await checksum(store);
  const again = await run(store, { source: "bts-crossings", url: server.url(SOCRATA), pageSize: 40 });
  assert.equal(again.changed, false);
  assert.deepEqual(counts(table(again, "crossings")), { inserted: 0, changed: 0, removed: 0, unchanged: 97 });
  assert.equal((await checksum(store)).replace(/\d+$/, ""), before.replace(/\d+$/, ""), "only the log grew");

  // The newer release revises three June values and no longer has El Paso's June train passengers.
  const newer = await run(store, {
    source: "bts-crossings",
    url: server.url(`/newer${SOCRATA}`),
    pageSize: 40,
  });
  assert.deepEqual(counts(table(newer, "crossings")), { inserted: 0, changed: 3, removed: 1, unchanged: 93 });
  assert.equal(await crossingValue(store, "2303", "2025-06", "Trucks"), 33761n + 120n);
  assert.equal(await crossingValue(store, "2304", "2025-06", "Personal Vehicles"), 413371n - 2500n);
  assert.equal(await crossingValue(store, "2402", "2025-06", "Pedestrians"), 385032n + 1000n);
  assert.equal(await crossingValue(store, "2402", "2025-06", "Train Passengers"), undefined);
  assert.equal(
    await crossingValue(store, "2402", "2025-04", "Train Passengers"),
    580n,
    "other months untouched",
  );
  assert.equal(await crossingValue(store, "2303", "2025-05", "Trucks"), 35880n);

  const newerAgain = await run(store, {
    source: "bts-crossings",
    url: server.url(`/newer${SOCRATA}`),
    pageSize: 40,
  });
  assert.equal(newerAgain.changed, false);
  assert.equal(Number(await one<bigint>(store, "SELECT count(*) FROM ingest_log")), 4);
});

test("transborder: a DOT1 CSV and a DOT3 CSV, each ingested, then again with no changes", async () => {
  const store = await freshStore();
  const othersIn = async (t: string) =>
    Number(
      await one<bigint>(
        store,
        `SELECT count(*) FROM ${t} WHERE month = '2024-09' AND port_code NOT IN (${inList(TRADE_PORTS)})`,
      ),
    );
  const tradeOthers = await othersIn("trade");
  const hs2Others = await othersIn("trade_hs2");

  const dot1 = await run(store, { source: "transborder", url: server.url("/tb/dot1_0924.csv") });
  assert.equal(dot1.rowsRead, 883);
  assert.deepEqual(dot1.months, ["2024-09"]);
  assert.deepEqual(
    dot1.tables.map((t) => t.table),
    ["trade"],
  );
  // 883 raw lines sum to the 15 port x mode rows the snapshot already has, value for value.
  assert.deepEqual(counts(table(dot1, "trade")), {
    inserted: 0,
    changed: 0,
    removed: 0,
    unchanged: 15,
  });
  assert.equal(await othersIn("trade"), tradeOthers, "ports not in the file are untouched");
  const rail = await store.all<{ v: bigint; w: bigint; f: bigint }>({
    sql: `SELECT value_usd AS v, weight_kg AS w, freight_usd AS f FROM trade
      WHERE port_code = '2303' AND mode = 'rail' AND direction = 'import' AND month = '2024-09'`,
    params: [],
  });
  assert.deepEqual(rail, [{ v: 1839627729n, w: 513781591n, f: 15538634n }]);
  const dot1Again = await run(store, { source: "transborder", url: server.url("/tb/dot1_0924.csv") });
  assert.equal(dot1Again.changed, false);
  assert.deepEqual(counts(table(dot1Again, "trade")), { inserted: 0, changed: 0, removed: 0, unchanged: 15 });

  const dot3 = await run(store, { source: "transborder", url: server.url("/tb/dot3_0924.csv") });
  assert.deepEqual(
    dot3.tables.map((t) => t.table),
    ["trade_hs2"],
  );
  assert.deepEqual(counts(table(dot3, "trade_hs2")), {
    inserted: 0,
    changed: 0,
    removed: 0,
    unchanged: 422,
  });
  assert.equal(await othersIn("trade_hs2"), hs2Others);
  const before = await checksum(store);
  const dot3Again = await run(store, { source: "transborder", url: server.url("/tb/dot3_0924.csv") });
  assert.equal(dot3Again.changed, false);
  assert.deepEqual(counts(table(dot3Again, "trade_hs2")), {
    inserted: 0,
    changed: 0,
    removed: 0,
    unchanged: 422,
  });
  assert.equal((await checksum(store)).replace(/\d+$/, ""), before.replace(/\d+$/, ""));
});

test("transborder: a ZIP holding DOT1 and DOT3 fills both tables in one ingest; again, no changes", async () => {
  const store = await freshStore();
  const zip = await run(store, { source: "transborder", url: server.url("/tb/September2024.zip") });
  assert.deepEqual(zip.tables.map((t) => [t.table, t.rows, t.unchanged, t.changed, t.inserted]).sort(), [
    ["trade", 15, 15, 0, 0],
    ["trade_hs2", 422, 422, 0, 0],
  ]);
  assert.equal(zip.rowsRead, 883 + 422);
  assert.equal(
    Number(
      await one<bigint>(
        store,
        `SELECT count(*) FROM trade_hs2 WHERE month = '2024-09' AND port_code IN (${inList(TRADE_PORTS)})`,
      ),
    ),
    422,
  );
  const again = await run(store, { source: "transborder", url: server.url("/tb/September2024.zip") });
  assert.equal(again.changed, false);
  assert.deepEqual(
    again.tables.map((t) => t.inserted + t.changed + t.removed),
    [0, 0],
  );
});

test("faults: each fails with a message naming the problem and leaves the store unchanged", async (t) => {
  const store = await freshStore();
  const before = await checksum(store);
  const cases: { name: string; spec: IngestSpec; check: (e: DataError) => void }[] = [
    {
      name: "truncated download",
      spec: { source: "transborder", url: server.url("/tb/cut/September2024.zip") },
      check: (e) => assert.match(e.message, /cut\/September2024\.zip: the download was cut off/),
    },
    {
      name: "HTTP 500 on page 2",
      spec: { source: "bts-crossings", url: server.url(`/http-500${SOCRATA}`), pageSize: 40 },
      check: (e) => assert.match(e.message, /%24offset=40.*: HTTP 500/),
    },
    {
      name: "renamed column",
      spec: { source: "transborder", url: server.url("/tb/renamed/dot1_0924.csv") },
      check: (e) => {
        assert.match(
          e.message,
          /the header is not the documented one \(missing "VALUE"; unexpected "VALUE_USD"\)/,
        );
        assert.match(e.details.join("\n"), /found: +TRDTYPE,.*VALUE_USD/);
      },
    },
    {
      name: "truncated JSON",
      spec: { source: "bts-crossings", url: server.url(`/truncated-json${SOCRATA}`), pageSize: 40 },
      check: (e) => assert.match(e.message, /%24offset=40.*not valid JSON.*may be truncated/),
    },
    {
      name: "negative value",
      spec: { source: "bts-crossings", url: server.url(`/negative${SOCRATA}`) },
      check: (e) => {
        assert.match(
          e.message,
          /1 of 11 rows rejected; nothing was stored \(use --skip-bad-rows to store the 10 valid rows\)/,
        );
        assert.deepEqual(e.details.length, 1);
        assert.match(e.details[0]!, /:\d+ value "-33761": value is negative/);
      },
    },
    {
      name: "unknown port code",
      spec: { source: "bts-crossings", url: server.url(`/unknown-port${SOCRATA}`) },
      check: (e) => {
        assert.match(e.message, /1 of 11 rows rejected; nothing was stored/);
        assert.match(
          e.details[0]!,
          /port_code "2330": unknown port code 2330 \(Eagle Pass\): not in the ports table/,
        );
      },
    },
    {
      name: "hundreds of unknown TransBorder ports: the first 20 and a count",
      spec: { source: "transborder", url: server.url("/tb/unknown-ports/dot1_0924.csv") },
      check: (e) => {
        assert.match(e.message, /478 of 883 rows rejected/);
        assert.equal(e.details.length, 21);
        assert.match(e.details[0]!, /DEPE "2330": unknown port code 2330: not in the TransBorder port list/);
        assert.equal(e.details[20], "... and 458 more");
      },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      await assert.rejects(run(store, c.spec), (e: unknown) => {
        assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
        c.check(e);
        return true;
      });
      assert.equal(await checksum(store), before, "the store is unchanged");
    });
  }
});

test("--skip-bad-rows stores the valid rows and still reports the rejects", async () => {
  const store = await freshStore();
  const s = await run(store, {
    source: "bts-crossings",
    url: server.url(`/negative${SOCRATA}`),
    skipBadRows: true,
  });
  assert.equal(s.rejected, 1);
  assert.match(s.rejects[0]!, /value "-33761": value is negative/);
  assert.equal(table(s, "crossings").rows, 10);
  assert.equal(table(s, "crossings").unchanged, 10);
  assert.equal(await crossingValue(store, "2303", "2025-06", "Buses"), 650n);
  // A skipped row is absent from the release, like every other row the release lacks.
  assert.equal(await crossingValue(store, "2303", "2025-06", "Trucks"), undefined);
  assert.ok(s.notes.some((n) => /1 row\(s\) were rejected and skipped/.test(n)));
});

test("bad requests are InputErrors that name the flag", () => {
  const bad = (spec: IngestSpec, re: RegExp) =>
    assert.throws(
      () => parseIngestSpec(spec),
      (e: unknown) => e instanceof InputError && re.test(e.message),
    );
  bad({ source: "bts-crosings" }, /unknown source "bts-crosings" \(expected bts-crossings or transborder\)/);
  bad({ source: "bts-crossings", since: "2025-13" }, /--since "2025-13": expected a month as YYYY-MM/);
  bad({ source: "bts-crossings", pageSize: "ten" }, /--page-size "ten" is not a number/);
  bad({ source: "bts-crossings", pageSize: "0" }, /--page-size must be 1 or more/);
  bad({ source: "transborder" }, /transborder needs --url or --file/);
  bad({ source: "transborder", url: "ftp://x/y.zip" }, /--url "ftp:\/\/x\/y.zip" is not an http\(s\) URL/);
  bad({ source: "transborder", url: "http://127.0.0.1/a", file: "b" }, /give --url or --file, not both/);
  bad({ source: "transborder", file: join(FIX, "no-such.zip") }, /--file .*no-such\.zip: no such file/);
});

test("CLI: ingest a BTS CSV export, then the same rows from the API with --json", async () => {
  const db = freshPath();
  const io = captureIo();
  const code = await runCli(
    ["--db", db, "ingest", "bts-crossings", "--file", fixture("bts-crossings-export-excerpt.csv")],
    io,
  );
  assert.equal(code, 0, io.stderr());
  const text = io.stdout();
  assert.match(text, /^ingest bts-crossings from .*bts-crossings-export-excerpt\.csv$/m);
  assert.match(text, /^97 rows read, 0 rejected; 3 month\(s\) \(2025-04\.\.2025-06\)$/m);
  assert.match(text, /^crossings +3 +97 +0 +0 +[\d,]+ +97$/m);
  assert.match(io.stderr(), /ingest: read 97 rows/);

  const io2 = captureIo();
  const code2 = await runCli(
    ["--db", db, "--json", "ingest", "bts-crossings", "--url", server.url(SOCRATA), "--page-size", "50"],
    io2,
  );
  assert.equal(code2, 0, io2.stderr());
  const summary = JSON.parse(io2.stdout()) as IngestSummary;
  assert.equal(summary.changed, false);
  assert.deepEqual(counts(summary.tables[0]!), { inserted: 0, changed: 0, removed: 0, unchanged: 97 });
  assert.match(io2.stderr(), /ingest: page 2: 97 records/);

  const io3 = captureIo();
  assert.equal(await runCli(["--db", db, "ingest", "bts-crossings", "--url", server.url(SOCRATA)], io3), 0);
  assert.match(io3.stdout(), /no changes: the store already holds these values/);
});

test("CLI: a rejected row fails with exit code 3 and lists it; bad flags exit 2", async () => {
  const db = freshPath();
  const io = captureIo();
  const code = await runCli(
    ["--db", db, "ingest", "bts-crossings", "--url", server.url(`/negative${SOCRATA}`)],
    io,
  );
  assert.equal(code, 3);
  assert.match(io.stderr(), /borderflow: .*negative.*: 1 of 11 rows rejected; nothing was stored/);
  assert.match(io.stderr(), /^ {2}.*value "-33761": value is negative/m);
  assert.equal(io.stdout(), "");

  const io2 = captureIo();
  assert.equal(await runCli(["--db", db, "ingest", "transborder", "--since", "2024-9"], io2), 2);
  assert.match(io2.stderr(), /--since "2024-9": expected a month as YYYY-MM/);
  assert.match(io2.stderr(), /transborder needs --url or --file/);

  const store = await Store.open({ path: db, readOnly: true });
  try {
    assert.equal(Number(await one<bigint>(store, "SELECT count(*) FROM ingest_log")), 0);
  } finally {
    store.close();
  }
});

test("ingest refuses the impossible: Jan-35, Jan-89, 9007199254740993, a non-finite trade value; each named, nothing stored", async (t) => {
  const store = await freshStore();
  const before = await checksum(store);
  const lines = readFileSync(fixture("bts-crossings-export-excerpt.csv"), "utf8").split("\n");
  const edit = (i: number, from: RegExp, to: string) => (lines[i] = lines[i]!.replace(from, to));
  edit(1, /,Apr-25,/, ",Jan-35,"); // would be 2035-01: after next month
  edit(2, /,Apr-25,/, ",Jan-89,"); // would be 2089-01 (or 1989-01): neither possible
  edit(3, /,Buses,2423,/, ",Buses,9007199254740993,"); // not exact in a double
  const crossings = join(dir, "impossible-crossings.csv");
  writeFileSync(crossings, lines.join("\n"));
  const dot1 = readFileSync(fixture("dot1_0924.csv"), "utf8").split("\n");
  dot1[1] = dot1[1]!.replace(/^(1,AZ,2303,8,CO,,2010,)4000,/, "$1Infinity,");
  dot1[2] = dot1[2]!.replace(/^(1,AZ,2303,8,TM,,2010,)4000,/, `$1${"9".repeat(400)},`);
  dot1[3] = dot1[3]!.replace(/,9,2024$/, ",9,2035");
  const trade = join(dir, "dot1_0924-impossible.csv");
  writeFileSync(trade, dot1.join("\n"));

  await t.test(
    "crossings: three rows refused with file, line, field and reason; the store is unchanged",
    async () => {
      await assert.rejects(run(store, { source: "bts-crossings", file: crossings }), (e: unknown) => {
        assert.ok(e instanceof DataError);
        assert.match(e.message, /impossible-crossings\.csv: 3 of 97 rows rejected; nothing was stored/);
        assert.deepEqual(
          e.details.map((d) => d.replace(/^.*impossible-crossings\.csv/, "file")),
          [
            'file:2 month "Jan-35": two-digit year "35" reads as 1935 or 2035, and neither is between 1990-01 and 2025-09',
            'file:3 month "Jan-89": two-digit year "89" reads as 1989 or 2089, and neither is between 1990-01 and 2025-09',
            'file:4 value "9007199254740993": value 9007199254740993 is larger than 9007199254740991, the largest whole number stored exactly',
          ],
        );
        return true;
      });
      assert.equal(await checksum(store), before);
    },
  );

  await t.test(
    "transborder: non-finite values and a year after next month refused; the store is unchanged",
    async () => {
      await assert.rejects(run(store, { source: "transborder", file: trade }), (e: unknown) => {
        assert.ok(e instanceof DataError);
        assert.match(
          e.message,
          /dot1_0924-impossible\.csv: 3 of (\d+) rows rejected; nothing was stored \(use --skip-bad-rows to store the \d+ valid rows, summed into \d+ stored rows\)/,
        );
        const [, read, valid] = /3 of (\d+) rows.*the (\d+) valid rows/.exec(e.message)!;
        assert.equal(Number(valid), Number(read) - 3, "raw lines, not the summed rows");
        const d = e.details.map((x) => x.replace(/^.*dot1_0924-impossible\.csv/, "file"));
        assert.equal(d[0], 'file:2 VALUE "Infinity": VALUE Infinity is not a finite number');
        assert.match(
          d[1]!,
          /^file:3 VALUE "9+\.\.\.": VALUE 9{12}… \(400 characters\) is not a finite number$/,
        );
        assert.equal(
          d[2],
          'file:4 YEAR "2035": month 2035-09 is after 2025-09 (next month): a release cannot hold a later month',
        );
        return true;
      });
      assert.equal(await checksum(store), before);
    },
  );

  await t.test("--skip-bad-rows stores the rest; Eagle Pass does not report data through 2035", async () => {
    const s = await run(store, { source: "bts-crossings", file: crossings, skipBadRows: true });
    assert.equal(s.rejected, 3);
    assert.equal(table(s, "crossings").rows, 94);
    assert.equal(await one<string>(store, "SELECT max(month) FROM crossings"), "2025-06");
    assert.equal(
      await one<string>(store, "SELECT last_month FROM ports WHERE port_code = '2303'"),
      "2025-06",
    );
  });
});
