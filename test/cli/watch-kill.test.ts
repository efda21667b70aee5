import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { dedupeReadings, type WaitReading } from "../../src/domain/wait-times.ts";
import { parseWaitTimes } from "../../src/sources/cbp-wait-times.ts";
import { readArchiveReadings } from "../../src/store/wait-archive-db.ts";
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

/** The readings in the archive's JSON Lines files (while a watcher runs, before any compaction). */
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

  const rows = (await readArchiveReadings(archive)) as unknown as WaitReading[];
  assert.ok(
    existsSync(join(archive, "compacted.json")),
    "the closed day 2022-06-29 was compacted into Parquet",
  );
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

/**
 * The feed of A with every date moved `days` later: each capture's readings are new, and, fetched years
 * after their update time, every one of them is detected as stale.
 */
function shiftedCapture(days: number): string {
  const entries = JSON.parse(A.toString("utf8")) as { date: string }[];
  for (const e of entries) {
    const [m, d, y] = e.date.split("/").map(Number) as [number, number, number];
    const t = new Date(Date.UTC(y, m - 1, d + days));
    e.date = `${t.getUTCMonth() + 1}/${t.getUTCDate()}/${t.getUTCFullYear()}`;
  }
  return JSON.stringify(entries);
}

const READER = `
const fs = require("node:fs");
const out = process.argv[1];
const buf = Buffer.alloc(512);
// A stalled reader: 512 bytes every 20 ms, appended to a file as they come.
const step = () => {
  let n;
  try { n = fs.readSync(0, buf, 0, buf.length, null); } catch (e) { if (e.code === "EAGAIN") return setTimeout(step, 20); throw e; }
  if (n === 0) return;
  fs.appendFileSync(out, buf.subarray(0, n));
  setTimeout(step, 20);
};
step();
`;

test("kill -9 of watch while its reader is stalled, then restart: no detection is lost", async () => {
  const archive = join(dir, "stalled");
  const feed = "/kill/stalled";
  const CAPTURES = 12;
  server.script(
    feed,
    Array.from({ length: CAPTURES }, (_, i) => ({ kind: "body" as const, body: shiftedCapture(i) })),
  );
  const received = join(dir, "stalled-reader.jsonl");
  const first = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/main.ts",
      "watch",
      "--url",
      server.url(feed),
      "--archive",
      archive,
      "--interval",
      "20ms",
      "--max-polls",
      String(CAPTURES),
    ],
    { cwd: ROOT, env: { ...process.env, TZ: "UTC" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(first);
  // The reader gets the watcher's stdout pipe itself; the test never reads it.
  const reader = spawn(process.execPath, ["-e", READER, received], {
    stdio: [first.stdout!, "ignore", "inherit"],
  });
  children.push(reader);
  let stderr = "";
  first.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const firstExit = new Promise<void>((done) => first.on("exit", () => done()));
  await until(`poll ${CAPTURES}`, () => new RegExp(`poll ${CAPTURES} `).test(stderr), 60_000);
  const outbox = join(archive, "outbox");
  // Every entry seen in the outbox's files (sealed segments and the current file; a segment every sink has
  // acknowledged is deleted, so what was seen once is remembered).
  const seen = new Map<number, { seq: number; key: string }>();
  const entries = () => {
    for (const f of readdirSync(outbox).filter((n) => /^entries.*\.jsonl$/.test(n)))
      for (const l of readFileSync(join(outbox, f), "utf8").split("\n").filter(Boolean)) {
        const e = JSON.parse(l) as { seq: number; key: string };
        seen.set(e.seq, e);
      }
    return [...seen.values()].sort((a, b) => a.seq - b.seq);
  };
  const acked = () =>
    (JSON.parse(readFileSync(join(outbox, "ack-stdout.json"), "utf8")) as { seq: number }).seq;
  // Every detection the watcher made is in the archive's detections files (the outbox holds the same).
  const detected = () =>
    readdirSync(join(archive, "detections")).flatMap((f) =>
      readFileSync(join(archive, "detections", f), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { key: string }).key),
    );
  // The last poll's detections go to the outbox, then to the detections files: wait until both have them
  // (the watcher also compacts closed days after each poll, so the last steps can take a moment).
  const same = () =>
    JSON.stringify(
      entries()
        .map((e) => e.key)
        .sort(),
    ) === JSON.stringify(detected().sort());
  await until("the last poll's detections recorded", same, 30_000);
  const queued = entries();
  assert.deepEqual(queued.map((e) => e.key).sort(), detected().sort());
  assert.ok(queued.length >= 500, `${queued.length} detections queued`);
  assert.ok(acked() < queued.length, "the reader is behind when the watcher is killed");
  first.kill("SIGKILL");
  await firstExit;
  await new Promise<void>((done) => reader.on("exit", () => done()));
  const got = new Set<string>();
  const text = existsSync(received) ? readFileSync(received, "utf8") : "";
  const lines = text.split("\n").filter(Boolean);
  // The reader has whole lines only (the last one may be cut by the kill only if written half: never).
  for (const l of lines) got.add((JSON.parse(l) as { key: string }).key);
  const lostBeforeRestart = detected().filter((k) => !got.has(k)).length;
  assert.ok(lostBeforeRestart > 0, "the stalled reader had not received everything when the watcher died");

  // Restart with a reader that keeps up: what was not acknowledged is printed again.
  server.script(feed, [{ kind: "body", body: shiftedCapture(CAPTURES - 1) }]);
  const second = spawnWatch([
    "--url",
    server.url(feed),
    "--archive",
    archive,
    "--interval",
    "20ms",
    "--max-polls",
    "1",
  ]);
  const end = await second.exited;
  assert.equal(end.code, 0, second.err());
  for (const l of second.out().split("\n").filter(Boolean)) got.add((JSON.parse(l) as { key: string }).key);
  const lost = entries().filter((e) => !got.has(e.key));
  assert.deepEqual(
    lost.map((e) => e.key),
    [],
    "detections lost",
  );
  assert.equal(acked(), entries().length, "everything acknowledged after the restart");
});
