import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "../..");

// A loader hook (registered after tsx's, so it sees every module first) that prints each file a process loads.
const HOOK = `data:text/javascript,${encodeURIComponent(
  'export async function load(u, c, next) { if (u.startsWith("file:")) process.stderr.write("LOADED " + u + "\\n"); return next(u, c); }',
)}`;
const REGISTER = `data:text/javascript,${encodeURIComponent(
  `import { register } from "node:module"; register(${JSON.stringify(HOOK)});`,
)}`;

/** Runs the CLI from its sources in a child process; resolves with its exit code, stdout and loaded files. */
function runTraced(args: string[]): Promise<{ code: number | null; out: string; loaded: string[] }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--import", REGISTER, join(ROOT, "src/cli/main.ts"), ...args],
      { cwd: ROOT, env: { ...process.env, TZ: "UTC" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      const loaded = err
        .split("\n")
        .filter((l) => l.startsWith("LOADED "))
        .map((l) => l.slice(7).replace(`file://${ROOT}/`, ""));
      done({ code, out, loaded });
    });
  });
}

test("borderflow waits loads the query's modules only: not the watcher, the forecast, the scenario engine, the store, piscina or yaml", async () => {
  const dir = mkdtempSync(join(tmpdir(), "borderflow-waits-modules-"));
  try {
    const r = await runTraced(["--json", "waits", "--port", "2402", "--archive", join(dir, "archive")]);
    assert.equal(r.code, 0);
    assert.equal((JSON.parse(r.out) as { port: { code: string } }).port.code, "2402");
    assert.ok(r.loaded.includes("src/services/waits.ts"), "the hook saw the waits service load");
    assert.ok(r.loaded.includes("src/store/duckdb.ts"));
    for (const unwanted of [
      "src/services/watch.ts",
      "src/services/watchlist.ts",
      "src/services/watchlist-scenario.ts",
      "src/services/forecast.ts",
      "src/services/scenario.ts",
      "src/services/wait-archive.ts",
      "src/store/db.ts",
      "src/store/wait-compaction.ts",
      "src/model/index.ts",
      "node_modules/piscina/",
      "node_modules/yaml/",
    ])
      assert.ok(!r.loaded.some((f) => f.startsWith(unwanted)), `waits loaded ${unwanted}`);
    // DuckDB through require (src/store/duckdb.ts): the ESM loader never sees the package's files.
    assert.ok(!r.loaded.some((f) => f.includes("node_modules/@duckdb/node-api/")), "DuckDB loaded by import");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
