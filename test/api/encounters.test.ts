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
