// The HTTP API through fastify's inject (no socket), on the real snapshot.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { Store } from "../../src/store/db.ts";
import { buildApp } from "../../src/api/server.ts";
import { runMonteCarlo, summarizeScenario, type PreparedScenario } from "../../src/model/index.ts";
import { WaitArchiveWriter } from "../../src/store/wait-archive.ts";
import { readingDay } from "../../src/domain/wait-times.ts";
import { elPasoHourlyReadings } from "../helpers/waits-history.ts";

let store: Store;
let app: FastifyInstance;
before(async () => {
  store = await Store.open({ path: ":memory:" });
  app = await buildApp({ store });
});
after(async () => {
  await app.close();
  store.close();
});

const get = async (url: string) => {
  const r = await app.inject({ method: "GET", url });
  return {
    status: r.statusCode,
    body: r.json() as Record<string, unknown> & { error?: { message: string; issues?: { path: string }[] } },
  };
};
const DEC = JSON.parse(readFileSync("examples/dec-2023-rail-suspension.json", "utf8"));

test("health names the snapshot and its coverage", async () => {
  const r = await get("/api/health");
  assert.equal(r.status, 200);
  assert.equal(r.body.ok, true);
  assert.match(String(r.body.snapshotVersion), /^[0-9a-f]{12}$/);
  assert.equal((r.body.coverage as { crossings: { last: string } }).crossings.last, "2025-06");
});

test("ports, a profile, crossings and trade answer as the CLI's --json does", async () => {
  const ports = await get("/api/ports?border=mexico&mode=rail");
  assert.equal(ports.status, 200);
  assert.ok((ports.body.ports as { code: string }[]).some((p) => p.code === "2303"));
  const profile = await get("/api/ports/Eagle%20Pass");
  assert.equal((profile.body.port as { code: string }).code, "2303");
  const c = await get("/api/crossings?port=2303&measure=Trains&from=2023-10&to=2024-01");
  assert.deepEqual(
    (c.body.points as { value: number }[]).map((p) => p.value),
    [251, 215, 237, 282],
  );
  const t = await get("/api/trade?port=2303,2402&mode=rail&from=2023-01&to=2023-12&by=port");
  assert.equal(((t.body.totalUsd as number) / 1e9).toFixed(2), "34.19");
});

test("statuses over HTTP: a hole is null, a gap is no data, El Paso + Ysleta by code in a query string", async () => {
  const hole = await get(
    "/api/crossings?port=Laredo&measure=Truck%20Containers%20Loaded&from=2025-05&to=2025-05",
  );
  assert.deepEqual(
    (hole.body.points as { value: number | null; status: string }[]).map((p) => [p.value, p.status]),
    [[null, "missing"]],
  );
  const gap = await get("/api/trade?port=2303&from=2020-10&to=2020-12");
  assert.deepEqual([gap.body.totalUsd, gap.body.status], [null, "missing"]);
  // `+` in a query string is a space; both spellings resolve to the virtual port.
  for (const port of ["2402%2B2401", "2402+2401", "El%20Paso%20%2B%20Ysleta"]) {
    const r = await get(`/api/crossings?port=${port}&measure=Trucks&from=2019-01&to=2021-12&by=year`);
    assert.equal(r.status, 200, port);
    assert.deepEqual(
      (r.body.points as { value: number }[]).map((p) => p.value),
      [792_441, 756_960, 848_933],
      port,
    );
  }
});

test("errors: 400 with every validation issue, 404 with a suggestion, never a stack", async () => {
  const bad = await get("/api/trade?by=weekday&from=2023-13&direction=sideways");
  assert.equal(bad.status, 400);
  const paths = bad.body.error!.issues!.map((i) => i.path).sort();
  assert.deepEqual(paths, ["querystring.by", "querystring.direction", "querystring.from"]);
  const unknown = await get("/api/ports/Eagel%20Pass");
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error!.message, 'unknown port "Eagel Pass" (did you mean Eagle Pass, 2303?)');
  const units = await get("/api/crossings?port=2303&measure=Trucks,Trains&total=true");
  assert.equal(units.status, 400);
  assert.match(units.body.error!.message, /refusing to sum/);
  const route = await get("/api/nothing");
  assert.equal(route.status, 404);
  for (const r of [bad, unknown, units, route])
    assert.ok(!JSON.stringify(r.body).includes("    at "), "no stack trace");
});

test("a scenario runs, is cached by content, and matches the browser's pure-model run", async () => {
  const a = await app.inject({ method: "POST", url: "/api/scenarios/run?draws=200", payload: DEC });
  assert.equal(a.statusCode, 200);
  assert.equal(a.headers["x-borderflow-cache"], "miss");
  // The same scenario with keys in another order is the same content.
  const reordered = Object.fromEntries(Object.entries(DEC).reverse());
  const b = await app.inject({ method: "POST", url: "/api/scenarios/run?draws=200", payload: reordered });
  assert.equal(b.headers["x-borderflow-cache"], "hit");
  assert.deepEqual(b.json(), a.json());
  const r = a.json() as {
    costs: { valueHeldUpPerClosureDayUsd: { value: number; p10: number; p90: number } };
  };
  assert.ok(r.costs.valueHeldUpPerClosureDayUsd.p10 <= r.costs.valueHeldUpPerClosureDayUsd.p90);
  // What the dashboard does in the browser: the pure model on the API's input gives the same figures.
  const prep = (
    await app.inject({ method: "POST", url: "/api/scenarios/input", payload: DEC })
  ).json() as PreparedScenario;
  const local = summarizeScenario(
    prep,
    runMonteCarlo(prep.input, prep.ranges, { draws: 200, seed: DEC.options.seed }),
  );
  assert.deepEqual(local, a.json());
});

test("a scenario asked again is answered from the cache before validation; a changed one is validated again", async () => {
  const url = "/api/scenarios/run?draws=120";
  const first = await app.inject({ method: "POST", url, payload: DEC });
  assert.equal(first.statusCode, 200);
  assert.equal(first.headers["x-borderflow-cache"], "miss");
  // Count what reaches the database: validation reads the ports; a request seen before reads nothing.
  const all = store.all.bind(store);
  let queries = 0;
  store.all = ((q: Parameters<typeof all>[0]) => (queries++, all(q))) as typeof store.all;
  try {
    const again = await app.inject({ method: "POST", url, payload: DEC });
    assert.equal(again.headers["x-borderflow-cache"], "hit");
    assert.equal(again.body, first.body);
    assert.equal(queries, 0, "answered without validating again");
    // Another query string or body is validated as ever: refusals stand.
    const zero = await app.inject({ method: "POST", url: "/api/scenarios/run?draws=0", payload: DEC });
    assert.equal(zero.statusCode, 400);
    assert.match(zero.body, /draws/);
    const bad = await app.inject({
      method: "POST",
      url,
      payload: { ...DEC, events: [{ ...DEC.events[0], ports: ["Eagel Pass"] }] },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Eagel Pass/);
    assert.ok(queries > 0, "a changed scenario is validated against the database");
  } finally {
    store.all = all;
  }
});

test("a kept answer is compressed once and kept with it; the bytes are the same JSON", async () => {
  const url = "/api/ports/2304";
  const plain = await app.inject({ method: "GET", url });
  assert.equal(plain.statusCode, 200);
  assert.equal(plain.headers["content-encoding"], undefined);
  const before = app.answerCache.stats.bytes;
  const br = await app.inject({ method: "GET", url, headers: { "accept-encoding": "gzip, br" } });
  assert.equal(br.headers["content-encoding"], "br");
  assert.equal(br.headers["x-borderflow-cache"], "hit");
  assert.equal(brotliDecompressSync(br.rawPayload).toString("utf8"), plain.body);
  const kept = app.answerCache.stats.bytes;
  assert.ok(kept > before, "the compressed bytes are kept (and counted) with the answer");
  const again = await app.inject({ method: "GET", url, headers: { "accept-encoding": "br" } });
  assert.deepEqual(again.rawPayload, br.rawPayload);
  assert.equal(app.answerCache.stats.bytes, kept, "not compressed again");
  const gz = await app.inject({ method: "GET", url, headers: { "accept-encoding": "gzip" } });
  assert.equal(gz.headers["content-encoding"], "gzip");
  assert.equal(gunzipSync(gz.rawPayload).toString("utf8"), plain.body);
  const none = await app.inject({ method: "GET", url, headers: { "accept-encoding": "identity" } });
  assert.equal(none.headers["content-encoding"], undefined);
  assert.equal(none.body, plain.body);
});

test("an answer computed for its request (not kept) is compressed as asked; the bytes are the same JSON", async () => {
  const url = "/api/openapi.json";
  const plain = await app.inject({ method: "GET", url });
  assert.equal(plain.statusCode, 200);
  assert.equal(plain.headers["content-encoding"], undefined);
  assert.equal(plain.headers["x-borderflow-cache"], undefined, "the document is not an answer-cache entry");
  const br = await app.inject({ method: "GET", url, headers: { "accept-encoding": "gzip, br" } });
  assert.equal(br.headers["content-encoding"], "br");
  assert.match(String(br.headers.vary), /accept-encoding/i);
  assert.equal(brotliDecompressSync(br.rawPayload).toString("utf8"), plain.body);
  const gz = await app.inject({ method: "GET", url, headers: { "accept-encoding": "gzip" } });
  assert.equal(gz.headers["content-encoding"], "gzip");
  assert.equal(gunzipSync(gz.rawPayload).toString("utf8"), plain.body);
});

test("a bad scenario is refused with every problem; limits hold", async () => {
  const bad = await app.inject({
    method: "POST",
    url: "/api/scenarios/run",
    payload: {
      ...DEC,
      horizonDays: 999,
      events: [{ ...DEC.events[0], ports: ["Eagel Pass"], end: "2023-12-01T00:00:00Z" }],
    },
  });
  assert.equal(bad.statusCode, 400);
  const issues = (bad.json() as { error: { issues: { path: string; message: string }[] } }).error.issues;
  assert.deepEqual(issues.map((i) => i.path).sort(), ["events[0].end", "events[0].ports[0]", "horizonDays"]);
  const draws = await app.inject({ method: "POST", url: "/api/scenarios/run?draws=100000", payload: DEC });
  assert.equal(draws.statusCode, 400);
  const huge = await app.inject({
    method: "POST",
    url: "/api/scenarios/run",
    payload: { ...DEC, description: "x".repeat(100_000) },
  });
  assert.equal(huge.statusCode, 413);
  const notJson = await app.inject({
    method: "POST",
    url: "/api/scenarios/run",
    headers: { "content-type": "application/json" },
    payload: "{nope",
  });
  assert.equal(notJson.statusCode, 400);
});

test("read-only and no CORS: no write routes, no CORS headers", async () => {
  const r = await app.inject({
    method: "GET",
    url: "/api/health",
    headers: { origin: "http://example.com" },
  });
  assert.equal(r.headers["access-control-allow-origin"], undefined);
  for (const method of ["PUT", "DELETE", "PATCH"] as const) {
    const w = await app.inject({ method, url: "/api/ports" });
    assert.equal(w.statusCode, 404);
  }
  assert.equal(
    store.readOnly,
    false,
    "this test store is in memory; the server opens files read-only (borderflow serve)",
  );
});

test("the OpenAPI document lists every route with its parameters", async () => {
  const doc = (await app.inject({ method: "GET", url: "/api/openapi.json" })).json() as {
    openapi: string;
    paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
  };
  assert.match(doc.openapi, /^3\./);
  for (const p of [
    "/api/health",
    "/api/ports",
    "/api/ports/{code}",
    "/api/crossings",
    "/api/trade",
    "/api/events",
    "/api/events/{id}",
    "/api/scenarios/run",
  ]) {
    assert.ok(doc.paths[p], `${p} is documented`);
  }
  assert.deepEqual(doc.paths["/api/trade"]!.get!.parameters!.map((x) => x.name).sort(), [
    "by",
    "country",
    "direction",
    "from",
    "mode",
    "port",
    "to",
  ]);
});

test("events: the list and one event with its study and backtest", async () => {
  const list = await get("/api/events?port=2303");
  assert.ok(
    (list.body.events as { id: string }[]).some(
      (e) => e.id === "cbp-rail-suspension-eagle-pass-el-paso-2023-12",
    ),
  );
  const one = await get("/api/events/cbp-rail-suspension-eagle-pass-el-paso-2023-12");
  assert.equal(one.status, 200);
  assert.equal((one.body.backtest as { status: string }).status, "ok");
  const nope = await get("/api/events/nope");
  assert.equal(nope.status, 404);
});

test("waits: the archive that watch keeps, through the API", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bf-api-waits-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const writer = WaitArchiveWriter.open(dir);
  const byDay = new Map<string, string[]>();
  for (const r of elPasoHourlyReadings())
    byDay.set(readingDay(r), [...(byDay.get(readingDay(r)) ?? []), JSON.stringify(r)]);
  writer.append("readings", byDay);
  writer.close();
  const waitsApp = await buildApp({ store, archiveDir: dir });
  t.after(() => waitsApp.close());
  const r = await waitsApp.inject({
    method: "GET",
    url: "/api/waits?port=El%20Paso&lane=passenger-standard&from=2025-11-24&to=2025-11-30&by=hour",
  });
  assert.equal(r.statusCode, 200, r.body);
  const body = r.json() as { port: { code: string }; rows: unknown[] };
  assert.equal(body.port.code, "2402");
  assert.equal(body.rows.length, 24);
  const bad = await waitsApp.inject({ method: "GET", url: "/api/waits?port=Nowhere" });
  assert.equal(bad.statusCode, 404);
  const badDate = await waitsApp.inject({ method: "GET", url: "/api/waits?port=2402&from=yesterday" });
  assert.equal(badDate.statusCode, 400);
});

test("crossings by port: one total per port in one request (what the map sizes circles by)", async () => {
  const r = await get("/api/crossings?measure=Trucks&from=2023-01&to=2023-12&by=port");
  assert.equal(r.status, 200);
  const points = r.body.points as { period: string; value: number; days: number }[];
  const laredo = points.find((p) => p.period === "2304")!;
  const monthly = await get("/api/crossings?port=2304&measure=Trucks&from=2023-01&to=2023-12&by=month");
  assert.equal(
    laredo.value,
    (monthly.body.points as { value: number }[]).reduce((s, p) => s + p.value, 0),
  );
  assert.equal(laredo.days, 365);
  assert.ok(points.length > 50, "every port with trucks");
});
