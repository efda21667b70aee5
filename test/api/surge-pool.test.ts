// POST /api/surge runs on the scenario pool's worker threads, like a scenario: the sector's encounters, the
// rule and its officer event's run, off the event loop. Refusals keep their status across the thread.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { Store } from "../../src/store/db.ts";
import { buildApp } from "../../src/api/server.ts";
import { surgeWhatIf } from "../../src/services/surge.ts";

let dir: string;
let store: Store;
let app: FastifyInstance;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "bf-surge-pool-"));
  store = await Store.open({ path: join(dir, "bf.duckdb"), readOnly: true });
  app = await buildApp({ store, scenarioPool: { timeLimitMs: 300_000 } });
});
after(async () => {
  await app?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a surge runs on a worker thread and answers what the service answers; a refusal keeps its 404", async () => {
  const req = { sector: "Del Rio", start: "2023-12-01", days: 31, draws: 2 };
  const before = app.scenarioPool.completed;
  const r = await app.inject({ method: "POST", url: "/api/surge", payload: req });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(app.scenarioPool.completed, before + 1, "the surge ran on the pool");
  assert.deepEqual(r.json(), JSON.parse(JSON.stringify(await surgeWhatIf(store, req))));
  const nf = await app.inject({
    method: "POST",
    url: "/api/surge",
    payload: { sector: "Del Ryo", start: "2023-12-01", days: 3 },
  });
  assert.equal(nf.statusCode, 404, nf.body);
  assert.match(nf.json().error.message, /Del Ryo/);
  const early = await app.inject({
    method: "POST",
    url: "/api/surge",
    payload: { sector: "Del Rio", start: "1990-01-01", days: 3 },
  });
  assert.equal(early.statusCode, 400, early.body);
  assert.match(early.json().error.message, /no encounter data for Del Rio Sector/);
  assert.equal(app.scenarioPool.completed, before + 3);
});

test("a surge over the server's budget runs the most draws the budget allows, and says how many", async (t) => {
  const small = await buildApp({ store, scenarioPool: { budget: 60_000, timeLimitMs: 300_000 } });
  t.after(() => small.close());
  const r = await small.inject({
    method: "POST",
    url: "/api/surge",
    payload: { sector: "Del Rio", start: "2023-12-01", days: 31, draws: 200 },
  });
  assert.equal(r.statusCode, 200, r.body);
  const draws = (r.json() as { scenario: { monteCarlo: { draws: number } } }).scenario.monteCarlo.draws;
  assert.ok(draws >= 1 && draws < 200, `${draws} draws`);
});

test("POST /api/surge refuses the rule's parameters outside their allowed span, as the CLI does", async () => {
  for (const [parameters, message] of [
    [{ ofoShare: 1.5 }, /ofoShare must be from 0 to 1 \(a share\)/],
    [{ officerHoursPerDay: [0, 5] }, /officerHoursPerDay must be from 0\.5 to 24/],
    [{ hoursPerApprehension: -1 }, /hoursPerApprehension must be from 0 to 100/],
  ] as const) {
    const r = await app.inject({
      method: "POST",
      url: "/api/surge",
      payload: { sector: "Del Rio", start: "2023-12-01", days: 3, run: false, parameters },
    });
    assert.equal(r.statusCode, 400, r.body);
    assert.match(r.body, message);
  }
});
