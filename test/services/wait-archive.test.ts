import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { WaitReading } from "../../src/domain/wait-times.ts";
import { createRng } from "../../src/model/rng.ts";
import { parseWaitTimes } from "../../src/sources/cbp-wait-times.ts";
import { compactWaitArchive } from "../../src/services/wait-archive.ts";
import { waitSummary, type WaitQuerySpec, type WaitSummary } from "../../src/services/waits.ts";
import { readManifest, WaitArchiveWriter } from "../../src/store/wait-archive.ts";
import { readArchiveReadings } from "../../src/store/wait-archive-db.ts";
import { compactArchive, PARQUET_DIRS } from "../../src/store/wait-compaction.ts";
import { elPasoHourlyReadings, writeArchiveReadings } from "../helpers/waits-history.ts";
import { writeSyntheticYear } from "../helpers/synthetic-year.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const FIX = join(ROOT, "test/fixtures/waits");
let dir: string;
/** The reference: every reading in JSON Lines, never compacted. */
let jsonlOnly: string;

/** Real readings: El Paso's hourly waits of autumn 2025 and the two full captures of June/July 2022. */
const readings: WaitReading[] = [
  ...elPasoHourlyReadings(),
  ...parseWaitTimes(readFileSync(join(FIX, "bwtnew-20220629T172515Z-excerpt.json")), {
    origin: "A",
    fetchedAt: "2022-06-29T17:25:15.000Z",
  }).readings,
  ...parseWaitTimes(readFileSync(join(FIX, "bwtpublicmod-20220701T003159Z-excerpt.json")), {
    origin: "B",
    fetchedAt: "2022-07-01T00:31:59.000Z",
  }).readings,
];

const writeArchive = (archiveDir: string) => writeArchiveReadings(archiveDir, readings);

async function compact(archiveDir: string, through: string, keepRawDays?: number) {
  const writer = WaitArchiveWriter.open(archiveDir);
  try {
    return await compactArchive(writer, { through, ...(keepRawDays !== undefined ? { keepRawDays } : {}) });
  } finally {
    writer.close();
  }
}

const QUERIES: WaitQuerySpec[] = [
  { port: "El Paso", lane: "passenger-standard", by: "hour" },
  { port: "El Paso", from: "2025-11-20", to: "2025-12-05", by: "weekday" },
  { port: "2401", from: "2025-11-25", to: "2025-11-28" },
  { port: "240201", from: "2025-10-01", to: "2025-11-27", by: "hour" },
  { port: "San Ysidro" },
  { port: "El Paso", lane: "commercial", from: "2022-06-29", to: "2022-06-30" },
];

const portable = (s: WaitSummary) => ({ ...s, archiveDir: "<archive>" });

async function answers(archiveDir: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const q of QUERIES) out.push(portable(await waitSummary(archiveDir, q)));
  return out;
}

let reference: unknown[];
const referenceKeys = () =>
  [...new Set(readings.map((r) => r.key))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "borderflow-wait-archive-"));
  jsonlOnly = join(dir, "jsonl-only");
  writeArchive(jsonlOnly);
  reference = await answers(jsonlOnly);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every reading counted once (from Parquet or JSON Lines, never both), none missing. */
async function assertEveryReadingOnce(archiveDir: string): Promise<void> {
  const keys = (await readArchiveReadings(archiveDir)).map((r) => r.key as string);
  assert.equal(new Set(keys).size, keys.length, "a reading is counted twice");
  assert.deepEqual(keys, referenceKeys());
}

test("an archive half in Parquet, half in JSON Lines answers exactly as JSON Lines alone", async () => {
  const mixed = join(dir, "mixed");
  writeArchive(mixed);
  // Through 26 November: June 2022 and October 2025 whole, November in part, December in JSON Lines.
  const r1 = await compact(mixed, "2025-11-26");
  assert.deepEqual(
    r1.months.map((m) => m.month),
    ["2022-06", "2022-07", "2025-10", "2025-11"],
  );
  assert.ok(existsSync(join(mixed, "readings", "2025-11-27.jsonl")));
  assert.ok(!existsSync(join(mixed, "readings", "2025-11-26.jsonl")));
  await assertEveryReadingOnce(mixed);
  assert.deepEqual(await answers(mixed), reference);
  // The rest of November merges into its Parquet; compacting again changes nothing.
  await compact(mixed, "2025-12-31");
  await compact(mixed, "2025-12-31");
  assert.deepEqual(readdirSync(join(mixed, "readings")), []);
  await assertEveryReadingOnce(mixed);
  assert.deepEqual(await answers(mixed), reference);
  // One raw Parquet file per month, named in the manifest; nothing else (roll-ups wait for retention).
  const m = readManifest(mixed);
  for (const sub of Object.values(PARQUET_DIRS))
    assert.deepEqual(
      readdirSync(join(mixed, sub)).sort(),
      Object.values(m.months)
        .map((x) => (sub === PARQUET_DIRS.raw ? x.raw : sub === PARQUET_DIRS.hourly ? x.hourly : x.daily))
        .filter((f): f is string => f !== null)
        .map((f) => f.split("/").at(-1))
        .sort(),
    );
});

test("a reading appended late to a compacted day is counted once the next compaction merges it", async () => {
  const late = join(dir, "late");
  writeArchive(late);
  await compact(late, "2025-12-31");
  // A crash after the commit leaves a compacted day's JSON Lines behind: ignored, then merged without a duplicate.
  const day = "2025-11-27";
  cpSync(join(jsonlOnly, "readings", `${day}.jsonl`), join(late, "readings", `${day}.jsonl`));
  await assertEveryReadingOnce(late);
  await compact(late, "2025-12-31");
  await assertEveryReadingOnce(late);
  assert.deepEqual(await answers(late), reference);
});

test("retention drops raw readings of old months and keeps their hourly and daily roll-ups", async () => {
  const kept = join(dir, "retention");
  writeArchive(kept);
  const r = await compact(kept, "2025-12-31", 60);
  assert.deepEqual(r.rawDropped, ["2022-06", "2022-07", "2025-10"]);
  const m = readManifest(kept);
  assert.equal(m.months["2025-10"]!.raw, null);
  assert.ok(m.months["2025-11"]!.raw);
  const q = { port: "El Paso", lane: "passenger-standard", from: "2025-10-05", to: "2025-10-20" } as const;
  const full = await waitSummary(jsonlOnly, q);
  const rolled = await waitSummary(kept, q);
  // Counts, means, maxima and closures add up from the roll-ups; medians become medians of hourly means.
  for (const [a, b] of full.rows.map((row, i) => [row, rolled.rows[i]!] as const)) {
    assert.equal(b.readings, a.readings);
    assert.equal(b.meanMinutes, a.meanMinutes);
    assert.equal(b.maxMinutes, a.maxMinutes);
    assert.equal(b.closedReadings, a.closedReadings);
  }
  assert.ok(rolled.notes.some((n) => /raw readings of 2025-10 were dropped/.test(n)));
  // November (raw kept) is still answered exactly.
  const nov = { port: "El Paso", from: "2025-11-24", to: "2025-11-30", by: "hour" } as const;
  assert.deepEqual(portable(await waitSummary(kept, nov)), portable(await waitSummary(jsonlOnly, nov)));
});

const COMPACT_CHILD = join(ROOT, "test/helpers/compact-child.ts");
function compactChild(archiveDir: string, through: string, killAt?: string, keepRaw?: number) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", COMPACT_CHILD, archiveDir, through, ...(killAt ? [killAt] : [])],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...(keepRaw !== undefined ? { BORDERFLOW_KEEP_RAW: String(keepRaw) } : {}) },
    },
  );
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((done) =>
    child.on("exit", (code, signal) => done({ code, signal, stderr })),
  );
  return { child, exited };
}

/** A fresh archive with October compacted and the rest in JSON Lines (so a compaction merges into a month). */
async function halfCompacted(name: string): Promise<string> {
  const a = join(dir, name);
  writeArchive(a);
  await compact(a, "2025-11-10");
  return a;
}

test("kill -9 at every step of a compaction: every reading counted once, then the next run finishes", async () => {
  for (const step of ["start", "written", "renamed", "committed", "cleaned"]) {
    const a = await halfCompacted(`kill-${step}`);
    const run = compactChild(a, "2025-12-31", `${step}:2025-11`);
    const end = await run.exited;
    assert.equal(end.signal, "SIGKILL", `${step}: ${end.stderr}`);
    await assertEveryReadingOnce(a);
    assert.deepEqual(await answers(a), reference, `answers after a kill at ${step}`);
    const done = await compactChild(a, "2025-12-31").exited;
    assert.equal(done.code, 0, done.stderr);
    await assertEveryReadingOnce(a);
    assert.deepEqual(await answers(a), reference, `answers after the run that followed a kill at ${step}`);
    assert.deepEqual(readdirSync(join(a, "readings")), []);
    assert.ok(!readdirSync(join(a, PARQUET_DIRS.raw)).some((f) => f.endsWith(".tmp")));
  }
});

test("kill -9 while retention rolls a month up: its raw readings stay counted until the roll-ups are committed", async () => {
  const a = await halfCompacted("kill-rollup");
  assert.equal(readManifest(a).months["2022-06"]!.hourly, null, "no roll-up while the raw readings are kept");
  // The first month retention drops (before it, no raw readings have gone).
  const end = await compactChild(a, "2025-12-31", "rolled-up:2022-06", 60).exited;
  assert.equal(end.signal, "SIGKILL", end.stderr);
  assert.ok(readManifest(a).months["2022-06"]!.raw, "the raw readings are still the month's");
  await assertEveryReadingOnce(a);
  assert.deepEqual(await answers(a), reference, "answers after a kill before the roll-ups' commit");
  const done = await compactChild(a, "2025-12-31", undefined, 60).exited;
  assert.equal(done.code, 0, done.stderr);
  for (const month of ["2022-06", "2022-07", "2025-10"]) {
    const m = readManifest(a).months[month]!;
    assert.equal(m.raw, null, month);
    assert.ok(m.hourly && m.daily, month);
  }
  // Only the committed roll-ups are left: the interrupted run's files were removed.
  for (const sub of [PARQUET_DIRS.hourly, PARQUET_DIRS.daily])
    assert.deepEqual(
      readdirSync(join(a, sub)).sort(),
      Object.values(readManifest(a).months)
        .map((x) => (sub === PARQUET_DIRS.hourly ? x.hourly : x.daily))
        .filter((f): f is string => f !== null)
        .map((f) => f.split("/").at(-1))
        .sort(),
    );
});

test("kill -9 at random moments of compactions: every reading counted once after each", async () => {
  const a = await halfCompacted("kill-random");
  // How long an uninterrupted compaction of the same work takes here, to draw kill times from.
  const probe = await halfCompacted("kill-probe");
  const t0 = performance.now();
  assert.equal((await compactChild(probe, "2025-12-31").exited).code, 0);
  const full = performance.now() - t0;
  const rng = createRng(14);
  for (let i = 0; i < 4; i++) {
    const run = compactChild(a, "2025-12-31");
    await new Promise((r) => setTimeout(r, rng() * full));
    run.child.kill("SIGKILL");
    await run.exited;
    await assertEveryReadingOnce(a);
    assert.deepEqual(await answers(a), reference, `answers after random kill ${i + 1}`);
  }
  assert.equal((await compactChild(a, "2025-12-31").exited).code, 0);
  await assertEveryReadingOnce(a);
  assert.deepEqual(await answers(a), reference);
});

test("borderflow compact: refused while a watcher holds the archive; reports what it did", async () => {
  const a = join(dir, "cli");
  writeArchive(a);
  const writer = WaitArchiveWriter.open(a);
  await assert.rejects(compactWaitArchive({ archive: a }), /being written by another watcher/);
  writer.close();
  await assert.rejects(
    compactWaitArchive({ archive: a, keepRaw: "soon" }),
    /--keep-raw "soon" is not a number of days/,
  );
  const s = await compactWaitArchive({ archive: a, through: "2025-11-30" }, new Date("2026-01-01T00:00:00Z"));
  assert.equal(s.through, "2025-11-30");
  assert.deepEqual(
    s.months.map((m) => [m.month, m.readings]),
    [
      ["2022-06", 88],
      ["2022-07", 63],
      ["2025-10", 167],
      ["2025-11", 488],
    ],
  );
  assert.ok(s.jsonlDays.every((d) => d > "2025-11-30"));
});

test("a one-year, one-port query stays under 200 MB whatever the archive holds (the process's own peak)", async () => {
  const year = join(dir, "year");
  const { readings: n } = await writeSyntheticYear(year);
  assert.equal(n, 80 * 6 * 24 * 365);
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      join(ROOT, "bench/rss-at-exit.mjs"),
      join(ROOT, "bin/borderflow.js"),
      "--json",
      "waits",
      "--port",
      "2402",
      "--lane",
      "commercial",
      "--by",
      "hour",
      "--from",
      "2025-01-01",
      "--to",
      "2025-12-31",
      "--archive",
      year,
    ],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, BENCH_RSS_FILE: join(dir, "rss"), TZ: "UTC" } },
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as WaitSummary;
  // 4 crossings × 2 commercial lanes × 24 hours, each hour with (about) 365 readings.
  assert.equal(out.rows.length, 4 * 2 * 24);
  assert.ok(out.readingsInRange > 365 * 24 * 4 * 2 * 0.99);
  const peakMb = Number(readFileSync(join(dir, "rss"), "utf8")) / 1024 / 1024;
  assert.ok(peakMb < 200, `peak RSS ${peakMb.toFixed(0)} MB`);
});

test("detections files are bounded: days before the cut are deleted, the rest and the readings kept", (t) => {
  const d = mkdtempSync(join(tmpdir(), "bf-detections-"));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  const w = WaitArchiveWriter.open(d);
  try {
    const line = (day: string) => new Map([[day, [JSON.stringify({ key: `closure|x|${day}` })]]]);
    for (const day of ["2025-01-01", "2025-02-04", "2025-02-05", "2025-03-01"]) {
      w.append("detections", line(day));
      w.append("readings", line(day));
    }
    // The watcher keeps DETECTION_DAYS_KEPT (35) days behind its newest reading day (2025-03-01 − 35 days)
    // and any file written in the last 35 days (a feed stuck on old dates keeps its day file).
    const old = (Date.now() - 40 * 86_400_000) / 1000;
    for (const day of ["2025-01-01", "2025-02-04"])
      utimesSync(join(d, "detections", `${day}.jsonl`), old, old);
    w.append("detections", line("2025-01-02"));
    assert.deepEqual(w.dropDaysBefore("detections", "2025-01-25", Date.now() - 35 * 86_400_000), [
      "2025-01-01",
    ]);
    assert.deepEqual(readdirSync(join(d, "detections")).sort(), [
      "2025-01-02.jsonl",
      "2025-02-04.jsonl",
      "2025-02-05.jsonl",
      "2025-03-01.jsonl",
    ]);
    assert.equal(readdirSync(join(d, "readings")).length, 4, "readings are compaction's business");
  } finally {
    w.close();
  }
});
