import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { dedupeReadings, type WaitReading } from "../../src/domain/wait-times.ts";
import { parseWaitTimes } from "../../src/sources/cbp-wait-times.ts";
import { startScriptedServer, type ScriptedServer } from "../helpers/waits-server.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const FIX = join(ROOT, "test/fixtures/waits");
const A = readFileSync(join(FIX, "bwtnew-20220629T172515Z-excerpt.json"));
const B = readFileSync(join(FIX, "bwtpublicmod-20220701T003159Z-excerpt.json"));

let dir: string;
let server: ScriptedServer;
const children: ChildProcess[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "borderflow-kill-"));
  server = await startScriptedServer();
});
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `borderflow watch ...` as a child process (node + tsx), its output collected. */
function spawnWatch(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "watch", ...args], {
    cwd: ROOT,
    env: { ...process.env, TZ: "UTC" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on("exit", (code, signal) => done({ code, signal })),
  );
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function archived(archive: string): WaitReading[] {
  const sub = join(archive, "readings");
  if (!existsSync(sub)) return [];
  return readdirSync(sub).flatMap((f) =>
    readFileSync(join(sub, f), "utf8")
      .split("\n")
      .filter((l) => l.endsWith("}"))
      .map((l) => JSON.parse(l) as WaitReading),
  );
}

const timedKeys = (rs: readonly WaitReading[]) =>
  rs
    .filter((r) => r.updatedAt !== null)
    .map((r) => r.key)
    .sort();

test("kill -9 while polling a slow server, then restart: every distinct reading archived exactly once", async () => {
  const archive = join(dir, "archive");
  const feed = "/kill/bwtnew";
  // First run: the first capture comes at once; the second poll hangs on a slow server and is killed.
  server.script(feed, [
    { kind: "body", body: A },
    { kind: "slow", body: B, afterMs: 20_000 },
  ]);
  const first = spawnWatch([
    "--url",
    server.url(feed),
    "--archive",
    archive,
    "--interval",
    "20ms",
    "--max-polls",
    "5",
  ]);
  await until("the second (slow) poll", () => server.requests.filter((r) => r.path === feed).length >= 2);
  await until("the first capture archived", () => archived(archive).length >= 78);
  first.child.kill("SIGKILL");
  const end = await first.exited;
  assert.equal(end.signal, "SIGKILL");
  assert.ok(existsSync(join(archive, "watch.lock")), "a killed watcher leaves its lock behind");
  // What it printed before it died is whole JSON lines.
  for (const line of first.out().trim().split("\n").filter(Boolean)) JSON.parse(line);

  // Restart: the lock of the dead process is taken over; both captures come at once.
  server.script(feed, [
    { kind: "body", body: A },
    { kind: "body", body: B },
  ]);
  const second = spawnWatch([
    "--url",
    server.url(feed),
    "--archive",
    archive,
    "--interval",
    "20ms",
    "--max-polls",
    "2",
  ]);
  const done = await second.exited;
  assert.equal(done.code, 0, second.err());
  assert.match(second.err(), /poll 1 .*: 19 crossings, 78 readings, \d+ new/);
  assert.match(second.err(), /poll 2 .*: 19 crossings, 73 readings, \d+ new/);
  assert.ok(!existsSync(join(archive, "watch.lock")), "a watcher that ends releases its lock");

  const rows = archived(archive);
  const keys = rows.map((r) => r.key);
  assert.equal(new Set(keys).size, keys.length, "a reading is archived twice");
  // Readings with CBP's update time are the same whenever fetched: exactly the union of both captures.
  const expected = [
    ...parseWaitTimes(A, { origin: "A", fetchedAt: new Date().toISOString() }).readings,
    ...parseWaitTimes(B, { origin: "B", fetchedAt: new Date().toISOString() }).readings,
  ];
  assert.deepEqual(timedKeys(rows), timedKeys(dedupeReadings(expected)));
  // Closed lanes without an update time are recorded once per lane and hour of fetch.
  const closedLanes = new Set(rows.filter((r) => r.updatedAt === null).map((r) => `${r.crossing}|${r.lane}`));
  const expectedClosed = new Set(
    expected.filter((r) => r.updatedAt === null).map((r) => `${r.crossing}|${r.lane}`),
  );
  assert.deepEqual([...closedLanes].sort(), [...expectedClosed].sort());
});
