// The encounters and areas routes through fastify's inject, on the real snapshot.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { Store } from "../../src/store/db.ts";
import { buildApp } from "../../src/api/server.ts";

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
  return { status: r.statusCode, body: r.json() };
};

test("GET /api/encounters answers as the CLI's --json, names its file, and refuses bad input", async () => {
  const r = await get("/api/encounters?sector=Del%20Rio,Tucson&from=2023-12&to=2023-12&by=month,sector");
  assert.equal(r.status, 200);
  assert.equal(r.body.file.key, "aor");
  assert.deepEqual(
    r.body.points.map((p: { group: string; value: number }) => [p.group, p.value]),
    [
      ["Del Rio Sector", 71048],
      ["Tucson Sector", 80184],
    ],
  );
  const nf = await get("/api/encounters?sector=Del%20Ryo");
  assert.equal(nf.status, 404);
  assert.match(nf.body.error.message, /did you mean Del Rio Sector/);
  const bad = await get("/api/encounters?from=2023-13&region=mars");
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.issues.length, 2);
});

test("GET /api/areas and the profile's encounters", async () => {
  const r = await get("/api/areas?border=mexico");
  assert.equal(r.status, 200);
  assert.equal(r.body.ports.length, 28);
  const p = await get("/api/ports/2303");
  assert.equal(p.body.encounters.sector.name, "Del Rio Sector");
  assert.equal(p.body.encounters.months.length, p.body.encounters.sector.values.length);
});

test("POST /api/surge: the rule, the officer event and the run; bad bodies are refused with every issue", async () => {
  const r = await app.inject({
    method: "POST",
    url: "/api/surge",
    payload: { sector: "Del Rio", start: "2023-12-01", days: 31, draws: 1 },
  });
  assert.equal(r.statusCode, 200, r.body);
  const b = r.json();
  assert.equal(b.fieldOffice, "Laredo Field Office");
  assert.equal(b.event.kind, "officer-redeployment");
  assert.ok(b.scenario.officers[0].cuts.length > 0);
  // An in-memory store is asked on the main thread; the officer event's run still goes to a worker.
  assert.ok(app.scenarioPool.completed >= 1);
  const bad = await app.inject({
    method: "POST",
    url: "/api/surge",
    payload: { sector: "", start: "Dec 1", days: 0 },
  });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.issues.length, 3);
  const nf = await app.inject({
    method: "POST",
    url: "/api/surge",
    payload: { sector: "Del Ryo", start: "2023-12-01", days: 3 },
  });
  assert.equal(nf.statusCode, 404);
});

test("GET /api/surge/check, /api/officers/events and one officer event", async () => {
  const c = await get("/api/surge/check");
  assert.equal(c.status, 200);
  assert.equal(c.body.periods.length, 3);
  const list = await get("/api/officers/events");
  assert.equal(list.body.events.length, 4);
  const one = await get("/api/officers/events/officers-2023-09");
  assert.equal(one.status, 200);
  assert.equal(one.body.backtest.status, "ok");
  assert.ok(one.body.encounters.length > 0);
  assert.equal((await get("/api/officers/events/officers-2099")).status, 404);
});

test("GET /api/stories/december-2023: the chain in steps, each with its source", async () => {
  const s = await get("/api/stories/december-2023");
  assert.equal(s.status, 200);
  const steps = s.body.steps as { step: string; value: number | null; source: string }[];
  assert.deepEqual(
    [...new Set(steps.map((x) => x.step))],
    ["surge", "officers", "capacity", "delayed trade", "what happened"],
  );
  assert.equal(steps[0]!.value, 301981);
  assert.ok(steps.every((x) => x.source.length > 0));
  assert.ok(s.body.scenario.costs.valueHeldUpUsd.value > 0);
});
