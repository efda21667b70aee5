import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { zipSync } from "fflate";
import { DataError } from "../src/domain/errors.ts";
import { fetchCrossings } from "../src/sources/bts-crossings.ts";
import { fetchRawTransborder } from "../src/sources/transborder.ts";
import type { Fetcher } from "../src/sources/fetcher.ts";
import { startLocalServer, type LocalServer } from "./helpers/local-server.ts";

const FIX = join(import.meta.dirname, "fixtures/live");
const fixture = (name: string) => join(FIX, name);
const records = JSON.parse(readFileSync(fixture("socrata-keg4-3bc2.json"), "utf8")) as Record<
  string,
  string
>[];

let server: LocalServer;
/** Only 127.0.0.1 may be reached from these tests. */
const fetcher: Fetcher = (url, init) => {
  assert.ok(url.startsWith("http://127.0.0.1:"), `test tried to reach ${url}`);
  return fetch(url, init);
};

before(async () => {
  server = await startLocalServer({
    "/resource/keg4-3bc2.json": { kind: "socrata", file: fixture("socrata-keg4-3bc2.json") },
    "/truncated-json/keg4-3bc2.json": {
      kind: "socrata",
      file: fixture("socrata-keg4-3bc2.json"),
      fault: { kind: "truncated-body" },
      faultOnPage: 2,
    },
    "/http-500/keg4-3bc2.json": {
      kind: "socrata",
      file: fixture("socrata-keg4-3bc2.json"),
      fault: { kind: "http-error", status: 500 },
      faultOnPage: 2,
    },
    "/cut-socket/keg4-3bc2.json": {
      kind: "socrata",
      file: fixture("socrata-keg4-3bc2.json"),
      fault: { kind: "truncated-download" },
    },
    "/tb/dot1_0924.csv": { kind: "file", file: fixture("dot1_0924.csv"), contentType: "text/csv" },
    "/tb/dot3_0924.csv": { kind: "file", file: fixture("dot3_0924.csv"), contentType: "text/csv" },
    "/tb/renamed/dot1_0924.csv": {
      kind: "file",
      file: fixture("dot1_0924-renamed-column.csv"),
      contentType: "text/csv",
    },
  });
  const zip = Buffer.from(
    zipSync({
      "dot1_0924.csv": readFileSync(fixture("dot1_0924.csv")),
      "dot3_0924.csv": readFileSync(fixture("dot3_0924.csv")),
    }),
  );
  server.route("/tb/September2024.zip", { kind: "file", body: zip, contentType: "application/zip" });
  server.route("/tb/cut/September2024.zip", {
    kind: "file",
    body: zip,
    contentType: "application/zip",
    fault: { kind: "truncated-download" },
  });
});

after(() => server.close());

/** The requests made to a path since `from`, as their query parameters. */
const paramsOf = (path: string, from: number) =>
  server.requests
    .slice(from)
    .filter((u) => u.pathname === path)
    .map((u) => Object.fromEntries(u.searchParams));

test("fetchCrossings pages through the Socrata API until a short page", async () => {
  const from = server.requests.length;
  const pages: string[] = [];
  const r = await fetchCrossings({
    fetcher,
    url: server.url("/resource/keg4-3bc2.json"),
    pageSize: 40,
    onProgress: (p) => pages.push(`${p.label}:${p.done}`),
  });
  assert.equal(records.length, 97);
  assert.deepEqual(pages, ["page 1:40", "page 2:80", "page 3:97"]);
  const params = paramsOf("/resource/keg4-3bc2.json", from);
  assert.deepEqual(
    params.map((p) => [p.$limit, p.$offset, p.$order]),
    [
      ["40", "0", "port_code,date,measure"],
      ["40", "40", "port_code,date,measure"],
      ["40", "80", "port_code,date,measure"],
    ],
  );
  assert.equal(r.rejects.length, 0);
  assert.equal(r.rows.length, 97);
  assert.equal(r.linesRead, 97);
  const trucks = r.rows.find((x) => x.portCode === "2303" && x.month === "2025-06" && x.measure === "Trucks");
  assert.equal(trucks?.value, 33761);
  assert.equal(r.ports.get("2402")?.name, "El Paso");
});

test("fetchCrossings sends $where for --since and gets only those months", async () => {
  const from = server.requests.length;
  const r = await fetchCrossings({
    fetcher,
    url: server.url("/resource/keg4-3bc2.json"),
    pageSize: 40,
    since: "2025-06" as never,
  });
  const params = paramsOf("/resource/keg4-3bc2.json", from);
  assert.equal(params[0]?.$where, "date >= '2025-06-01T00:00:00.000'");
  assert.deepEqual([...new Set(r.rows.map((x) => x.month))], ["2025-06"]);
  assert.equal(r.rows.length, records.filter((x) => x.date!.startsWith("2025-06")).length);
});

test("fetchCrossings: JSON cut mid-way on page 2 is a DataError that says so", async () => {
  await assert.rejects(
    fetchCrossings({ fetcher, url: server.url("/truncated-json/keg4-3bc2.json"), pageSize: 40 }),
    (e: unknown) =>
      e instanceof DataError &&
      /%24offset=40/.test(e.message) &&
      /not valid JSON/.test(e.message) &&
      /may be truncated/.test(e.message),
  );
});

test("fetchCrossings: HTTP 500 names the status and the URL", async () => {
  await assert.rejects(
    fetchCrossings({ fetcher, url: server.url("/http-500/keg4-3bc2.json"), pageSize: 40 }),
    (e: unknown) => e instanceof DataError && /http-500.*HTTP 500/.test(e.message),
  );
});

test("fetchCrossings: a socket closed before Content-Length bytes is a cut-off download", async () => {
  await assert.rejects(
    fetchCrossings({ fetcher, url: server.url("/cut-socket/keg4-3bc2.json"), pageSize: 40 }),
    (e: unknown) => e instanceof DataError && /the download was cut off/.test(e.message),
  );
});

test("fetchRawTransborder sums a DOT1 CSV over U.S. and Mexican states", async () => {
  const [part, ...rest] = await fetchRawTransborder(fetcher, server.url("/tb/dot1_0924.csv"));
  assert.equal(rest.length, 0);
  assert.equal(part?.table, "port-mode");
  assert.equal(part.result.rejects.length, 0);
  assert.equal(part.result.linesRead, 883);
  assert.equal(part.result.rows.length, 15);
  const rail = part.result.rows.find(
    (r) => r.portCode === "2303" && r.mode === "rail" && r.direction === "import",
  );
  // transborder_port_mode_monthly.csv.gz: 2024,9,import,MX,2303,rail,,1839627729,513781591,15538634
  assert.deepEqual(
    { value: rail?.valueUsd, weight: rail?.weightKg, freight: rail?.freightUsd, month: rail?.month },
    { value: 1839627729, weight: 513781591, freight: 15538634, month: "2024-09" },
  );
  const exportRail = part.result.rows.find(
    (r) => r.portCode === "2303" && r.mode === "rail" && r.direction === "export",
  );
  assert.equal(exportRail?.valueUsd, 695953718);
  assert.equal(exportRail?.weightKg, null, "export weight by land is 'not reported', not 0");
});

test("fetchRawTransborder reads a ZIP holding DOT1 and DOT3", async () => {
  const parts = await fetchRawTransborder(fetcher, server.url("/tb/September2024.zip"));
  assert.deepEqual(parts.map((p) => [p.table, p.result.rows.length, p.result.rejects.length]).sort(), [
    ["port-hs2", 422, 0],
    ["port-mode", 15, 0],
  ]);
});

test("fetchRawTransborder: a renamed column is a header error naming it", async () => {
  await assert.rejects(
    fetchRawTransborder(fetcher, server.url("/tb/renamed/dot1_0924.csv")),
    (e: unknown) =>
      e instanceof DataError &&
      /header is not the documented one/.test(e.message) &&
      /missing "VALUE"/.test(e.message) &&
      /unexpected "VALUE_USD"/.test(e.message),
  );
});

test("fetchRawTransborder: a ZIP cut off mid-download is a DataError", async () => {
  await assert.rejects(
    fetchRawTransborder(fetcher, server.url("/tb/cut/September2024.zip")),
    (e: unknown) => e instanceof DataError && /cut\/September2024\.zip.*cut off/.test(e.message),
  );
});
