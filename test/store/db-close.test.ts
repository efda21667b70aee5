// Closing a store while it is in use: a call after close() is refused with a plain error and never reaches
// DuckDB (a statement run on a closed connection deadlocked inside DuckDB and froze a CI run for 90 minutes),
// and a query already running finishes before the connections are closed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../src/store/db.ts";

test(
  "close() under a running query: the query finishes, later calls are refused, nothing hangs",
  { timeout: 120_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "bf-close-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const store = await Store.open({ path: join(dir, "bf.duckdb"), readOnly: true });
    // Warm the connections, then a query long enough to be running when close() is called.
    await store.all({ sql: "SELECT count(*)::INTEGER AS n FROM ports", params: [] });
    const slow = store.all<{ s: number }>({
      sql: "SELECT sum(i)::DOUBLE AS s FROM range(300000000) t(i)",
      params: [],
    });
    // One queued behind it on the same connection... (every fourth call shares a connection)
    const queued = [1, 2, 3, 4].map(() =>
      store.all({ sql: "SELECT count(*)::INTEGER AS n FROM crossings", params: [] }).then(
        () => "ran",
        (e: Error) => e.message,
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
    store.close();
    store.close(); // a second close does nothing
    const [row] = await slow;
    assert.equal(row!.s, (300000000 * 299999999) / 2, "the running query finished with its answer");
    const outcomes = await Promise.all(queued);
    for (const o of outcomes) assert.ok(o === "ran" || /is closed/.test(o), o);
    assert.ok(
      outcomes.some((o) => /the database .*bf\.duckdb is closed/.test(o)),
      `the call queued behind the running query is refused: ${outcomes.join("; ")}`,
    );
    await assert.rejects(
      store.all({ sql: "SELECT 1 AS one", params: [] }),
      (e: Error) => e.constructor === Error && /the database .*bf\.duckdb is closed/.test(e.message),
    );
    await assert.rejects(store.run("SELECT 1"), /is closed/);
  },
);
