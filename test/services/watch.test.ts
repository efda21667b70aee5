import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError, StoreError } from "../../src/domain/errors.ts";
import { dedupeReadings, readingDay, type Detection, type WaitReading } from "../../src/domain/wait-times.ts";
import { parseWaitTimes } from "../../src/sources/cbp-wait-times.ts";
import type { Fetcher } from "../../src/sources/fetcher.ts";
import {
  nextDelayMs,
  parseWatchSpec,
  runWatch,
  WaitWatcher,
  type Clock,
  type WatchRequest,
  type WatchSummary,
} from "../../src/services/watch.ts";
import type { Poster } from "../../src/services/webhook.ts";
import { WaitArchiveWriter } from "../../src/store/wait-archive.ts";
import { readArchiveReadings } from "../../src/store/wait-archive-db.ts";
import { compactArchive } from "../../src/store/wait-compaction.ts";
import { runCli } from "../../src/cli/main.ts";
import { captureIo } from "../helpers/io.ts";
import { startScriptedServer, type ScriptedServer, type Step } from "../helpers/waits-server.ts";
import { elPasoHourlyReadings } from "../helpers/waits-history.ts";

/** A feed entry as JSON, edited freely by this file (the shape is the feed's; see SCHEMA.md). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FeedEntry = Record<string, any>;
const FIX = join(import.meta.dirname, "../fixtures/waits");
const fixture = (name: string) => readFileSync(join(FIX, name));
/** The real captures, and when they were fetched (their HTTP Date). */
const A = { name: "bwtnew-20220629T172515Z-excerpt.json", at: "2022-06-29T17:25:15.000Z" };
const B = { name: "bwtpublicmod-20220701T003159Z-excerpt.json", at: "2022-07-01T00:31:59.000Z" };
const C = { name: "bwtpublicmod-300401-20220701T004214Z.json", at: "2022-07-01T00:42:14.000Z" };
const FEED = "/api/bwtnew";
const HOOK = "/hook";

let dir: string;
let server: ScriptedServer;
let archives = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "borderflow-watch-"));
  server = await startScriptedServer();
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const freshArchive = () => join(dir, `archive-${++archives}`);

/** Only 127.0.0.1 may be reached from these tests. */
const fetcher: Fetcher = (url, init) => {
  assert.ok(url.startsWith("http://127.0.0.1:"), `test tried to reach ${url}`);
  return fetch(url, init);
};
const poster: Poster = (url, init) => {
  assert.ok(url.startsWith("http://127.0.0.1:"), `test tried to reach ${url}`);
  return fetch(url, init);
};

/** A clock whose now() gives the next of `times` (then the last again) and whose sleep returns at once. */
function fakeClock(times: string[]): Clock & { sleeps: number[] } {
  let i = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(times[Math.min(i++, times.length - 1)]!),
    sleep: async (ms) => void sleeps.push(ms),
  };
}

const body = (c: { name: string }): Step => ({ kind: "body", body: fixture(c.name) });
const parsed = (c: { name: string; at: string }) =>
  parseWaitTimes(fixture(c.name), { origin: c.name, fetchedAt: c.at }).readings;

interface Run {
  summary: WatchSummary;
  emitted: Detection[];
  logs: string[];
  clock: ReturnType<typeof fakeClock>;
}

async function watch(
  archiveDir: string,
  steps: Step[],
  times: string[],
  extra: Partial<WatchRequest> = {},
  deps: { poster?: Poster; webhookRetry?: { attempts: number; baseDelayMs: number } } = {},
): Promise<Run> {
  server.script(FEED, steps);
  const clock = fakeClock(times);
  const emitted: Detection[] = [];
  const logs: string[] = [];
  const req: WatchRequest = {
    source: { kind: "live", url: server.url(FEED) },
    intervalMs: 1000,
    timeoutMs: 2000,
    archiveDir,
    staleHours: 3,
    ...(steps.length ? { maxPolls: steps.length } : {}),
    ...extra,
  };
  const summary = await runWatch(req, {
    fetcher,
    clock,
    emit: (d) => emitted.push(d),
    log: (l) => logs.push(l),
    ...deps,
  });
  return { summary, emitted, logs, clock };
}

/** Every reading the archive counts, from its Parquet months and its JSON Lines days. */
async function archived(archiveDir: string): Promise<WaitReading[]> {
  return (await readArchiveReadings(archiveDir)) as unknown as WaitReading[];
}

/** Every line of every JSON Lines readings file of an archive, parsed. */
function archivedJsonl(archiveDir: string): WaitReading[] {
  const sub = join(archiveDir, "readings");
  return readdirSync(sub)
    .sort()
    .flatMap((f) =>
      readFileSync(join(sub, f), "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as WaitReading),
    );
}

/** The archive holds each distinct reading of `expected` exactly once, and nothing else. */
async function assertExactlyOnce(archiveDir: string, expected: WaitReading[]): Promise<void> {
  const keys = (await archived(archiveDir)).map((r) => r.key);
  assert.equal(new Set(keys).size, keys.length, "a reading is archived twice");
  assert.deepEqual(
    [...keys].sort(),
    dedupeReadings(expected).map((r) => r.key),
  );
}

test("polls the real captures: every distinct reading archived once, detections as JSON lines", async () => {
  const archive = freshArchive();
  const saved = join(dir, "saved-captures");
  const run = await watch(archive, [body(A), body(B), body(C), body(C)], [A.at, B.at, C.at, C.at], {
    staleHours: 2,
    saveCaptures: saved,
  });
  const s = run.summary;
  assert.equal(s.polls, 4);
  assert.equal(s.failedPolls, 0);
  assert.deepEqual(
    s.reports.map((r) => [r.readings, r.newReadings, r.duplicates]),
    [
      [78, 78, 0],
      [73, 73, 0],
      [5, 0, 5], // the single-crossing response ten minutes later: Blaine's readings are those of B
      [5, 0, 5],
    ],
  );
  await assertExactlyOnce(archive, [...parsed(A), ...parsed(B), ...parsed(C)]);
  // Files are by the UTC day of each reading's update time; 29 June closed 6 hours after its end, before
  // B was fetched (2022-07-01 00:31 UTC), and went into the Parquet of June.
  assert.deepEqual(readdirSync(join(archive, "readings")).sort(), ["2022-06-30.jsonl", "2022-07-01.jsonl"]);
  const manifest = JSON.parse(readFileSync(join(archive, "compacted.json"), "utf8"));
  assert.deepEqual(manifest.months["2022-06"].days, ["2022-06-29"]);
  assert.equal(manifest.months["2022-06"].readings, 78);
  // Between polls: the interval, no backoff.
  assert.deepEqual(run.clock.sleeps, [1000, 1000, 1000]);

  const keys = run.emitted.map((d) => d.key);
  assert.equal(new Set(keys).size, keys.length, "a detection is emitted twice");
  assert.equal(s.detectionsEmitted, run.emitted.length);
  // Cross Border Xpress last updated at 8:00 am PDT, 2.4 hours before the fetch at 10:25 PDT.
  const cbx = run.emitted.find(
    (d) => d.kind === "stale" && d.crossing === "250409" && d.lane === "pedestrian-standard",
  );
  assert.ok(cbx && cbx.kind === "stale");
  assert.equal(cbx.ageHours, 2.4);
  assert.equal(cbx.detectedAt, A.at);
  // Otay Mesa's pedestrian ready lanes are closed in the first capture.
  const otay = run.emitted.find(
    (d) => d.kind === "closure" && d.crossing === "250601" && d.lane === "pedestrian-ready",
  );
  assert.ok(otay && otay.kind === "closure");
  assert.equal(otay.reason, "lanes-closed");
  // BOTA's commercial lanes were open on 29 June and closed on the evening of 30 June.
  const bota = run.emitted.find(
    (d) => d.kind === "closure" && d.crossing === "240201" && d.lane === "commercial-standard",
  );
  assert.ok(bota && bota.kind === "closure");
  assert.deepEqual(bota.previous, { status: "delay", lanesOpen: 2, updatedAt: "2022-06-29T11:00:00-06:00" });
  // Emitted detections are archived too (the keys that stop them being emitted again).
  const emittedLines = readdirSync(join(archive, "detections")).flatMap((f) =>
    readFileSync(join(archive, "detections", f), "utf8")
      .trim()
      .split("\n"),
  );
  assert.equal(emittedLines.length, run.emitted.length);
  // --save-captures keeps the raw responses under their fetch time; replayed, they give the same archive.
  assert.deepEqual(readdirSync(saved).sort(), [
    "cbp-bwt-20220629T172515Z.json",
    "cbp-bwt-20220701T003159Z.json",
    "cbp-bwt-20220701T004214Z.json",
  ]);
  const again = freshArchive();
  await watch(again, [], [], { source: { kind: "replay", dir: saved } });
  assert.deepEqual(
    (await archived(again)).map((r) => r.key).sort(),
    (await archived(archive)).map((r) => r.key).sort(),
  );
});

/** The first capture with every crossing's port_number renamed: a feed whose layout changed. */
const renamedEverywhere = () =>
  JSON.stringify(
    (JSON.parse(fixture(A.name).toString("utf8")) as Record<string, unknown>[]).map(
      ({ port_number, ...rest }) => ({
        port_num: port_number,
        ...rest,
      }),
    ),
  );

test("faults: timeout, 500, truncated JSON, a renamed field, garbage; backs off and loses nothing", async () => {
  const archive = freshArchive();
  const run = await watch(
    archive,
    [
      { kind: "hang" },
      { kind: "status", status: 500 },
      { kind: "truncated", body: fixture(A.name) },
      { kind: "body", body: renamedEverywhere() },
      { kind: "body", body: "<html><body>Service Unavailable</body></html>", contentType: "text/html" },
      body(A),
      body(B),
    ],
    [A.at, A.at, A.at, A.at, A.at, A.at, B.at],
    { timeoutMs: 300 },
  );
  const s = run.summary;
  assert.deepEqual(
    s.reports.map((r) => r.ok),
    [false, false, false, false, false, true, true],
  );
  assert.equal(s.failedPolls, 5);
  assert.equal(s.lastError, undefined, "the last poll succeeded");
  const errors = s.reports.filter((r) => !r.ok).map((r) => r.error ?? "");
  assert.match(errors[0]!, /request failed \(timed out\)|cut off \(timed out\)/);
  assert.match(errors[1]!, /HTTP 500/);
  assert.match(errors[2]!, /neither JSON nor XML/);
  assert.match(
    errors[3]!,
    /every entry of the response was rejected \(19 rejects\); the feed's layout may have changed/,
  );
  assert.match(errors[4]!, /expected <border_wait_time> as the XML root, got <html>/);
  assert.ok(run.logs.some((l) => /port_number is missing \(unexpected field port_num: renamed\?\)/.test(l)));
  // Each failure doubles the wait; a success goes back to the interval.
  assert.deepEqual(run.clock.sleeps, [2000, 4000, 8000, 16000, 32000, 1000]);
  await assertExactlyOnce(archive, [...parsed(A), ...parsed(B)]);
});

test("a field renamed in one crossing: its lanes are reported and skipped, the rest archived", async () => {
  const archive = freshArchive();
  const crossings = JSON.parse(fixture(A.name).toString("utf8")) as FeedEntry[];
  const sy = crossings.find((c) => c.port_number === "250401")!;
  for (const lane of Object.values(sy.passenger_vehicle_lanes).filter((v) => typeof v === "object") as Record<
    string,
    string
  >[]) {
    lane.wait_minutes = lane.delay_minutes!;
    delete lane.delay_minutes;
  }
  const run = await watch(archive, [{ kind: "body", body: JSON.stringify(crossings) }], [A.at]);
  assert.equal(run.summary.reports[0]!.rejected, 3);
  assert.ok(
    run.logs.some((l) =>
      /rejected: crossing 250401: .* passenger_vehicle_lanes\.standard_lanes\.delay_minutes: delay_minutes is missing \(unexpected field wait_minutes: renamed\?\)/.test(
        l,
      ),
    ),
    run.logs.join("\n"),
  );
  await assertExactlyOnce(
    archive,
    parsed(A).filter((r) => !(r.crossing === "250401" && r.lane.startsWith("passenger"))),
  );
});

test("readings that could not be written are kept and written with the next poll", async () => {
  const archive = freshArchive();
  // While the first capture is fetched, its readings' day file becomes a folder: appending fails (EISDIR).
  const blocked = join(archive, "readings", "2022-06-29.jsonl");
  let fetches = 0;
  const blocking: Fetcher = (url, init) => {
    if (fetches++ === 0) mkdirSync(blocked, { recursive: true });
    return fetcher(url, init);
  };
  server.script(FEED, [body(A), body(B)]);
  const clock = fakeClock([A.at, B.at]);
  const logs: string[] = [];
  const summary = await runWatch(
    {
      source: { kind: "live", url: server.url(FEED) },
      intervalMs: 1000,
      timeoutMs: 2000,
      archiveDir: archive,
      staleHours: 3,
      maxPolls: 2,
    },
    {
      fetcher: blocking,
      clock: { ...clock, sleep: async () => rmSync(blocked, { recursive: true }) },
      emit: () => {},
      log: (l) => logs.push(l),
    },
  );
  assert.deepEqual(
    summary.reports.map((r) => r.ok),
    [false, true],
  );
  assert.match(summary.reports[0]!.error!, /cannot append to .*2022-06-29\.jsonl/);
  await assertExactlyOnce(archive, [...parsed(A), ...parsed(B)]);
});

test("a restart resumes without duplicates", async () => {
  const archive = freshArchive();
  await watch(archive, [body(A)], [A.at]);
  const second = await watch(archive, [body(A), body(B)], [A.at, B.at]);
  assert.deepEqual(
    second.summary.reports.map((r) => r.newReadings),
    [0, 73],
  );
  await assertExactlyOnce(archive, [...parsed(A), ...parsed(B)]);
  // The first run's detections are not emitted again; the second run's are new ones only.
  const first = await watch(freshArchive(), [body(A)], [A.at]);
  const againKeys = new Set(second.emitted.map((d) => d.key));
  for (const d of first.emitted)
    if (d.kind !== "stale") assert.ok(!againKeys.has(d.key), `${d.key} emitted again`);
});

test("the order captures arrive in does not change what is archived", () => {
  const captures = [A, B, C];
  const orders = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  const results = orders.map((order) => {
    const archive = freshArchive();
    const w = WaitWatcher.open(archive, { staleHours: 3 });
    try {
      for (const i of order) {
        const c = captures[i]!;
        w.ingest({ body: fixture(c.name), fetchedAt: c.at, origin: c.name });
      }
    } finally {
      w.close();
    }
    return archivedJsonl(archive)
      .map((r) => r.key)
      .sort();
  });
  for (const r of results) assert.deepEqual(r, results[0]);
  assert.equal(results[0]!.length, dedupeReadings([...parsed(A), ...parsed(B), ...parsed(C)]).length);
});

test("--replay feeds recorded captures through the watcher as if live", async () => {
  const replay = join(dir, "replay");
  mkdirSync(replay);
  for (const c of [A, B, C]) copyFileSync(join(FIX, c.name), join(replay, c.name));
  copyFileSync(
    join(FIX, "bwt-xml-20140315T192559Z-excerpt.xml"),
    join(replay, "bwt-xml-20140315T192559Z-excerpt.xml"),
  );
  const archive = freshArchive();
  const run = await watch(archive, [], [], { source: { kind: "replay", dir: replay } });
  assert.equal(run.summary.polls, 4);
  assert.equal(run.summary.failedPolls, 0);
  assert.deepEqual(run.clock.sleeps, [], "a replay does not wait");
  const xml = parseWaitTimes(fixture("bwt-xml-20140315T192559Z-excerpt.xml"), {
    origin: "xml",
    fetchedAt: "2014-03-15T19:25:59.000Z",
  }).readings;
  await assertExactlyOnce(archive, [...xml, ...parsed(A), ...parsed(B), ...parsed(C)]);
  // Detections carry the capture's own fetch time: a replay is deterministic.
  assert.ok(run.emitted.every((d) => [A.at, B.at, C.at, "2014-03-15T19:25:59.000Z"].includes(d.detectedAt)));
});

test("webhook: detections POSTed, retried with backoff on 5xx, not retried on 4xx", async () => {
  server.script(HOOK, [
    { kind: "status", status: 500 },
    { kind: "status", status: 502 },
    { kind: "status", status: 200, body: "{}" },
  ]);
  const from = server.requests.length;
  const run = await watch(
    freshArchive(),
    [body(A)],
    [A.at],
    { webhook: server.url(HOOK) },
    { poster, webhookRetry: { attempts: 4, baseDelayMs: 100 } },
  );
  const posts = server.requests.slice(from).filter((r) => r.path === HOOK);
  assert.equal(posts.length, 3);
  assert.ok(posts.every((p) => p.method === "POST"));
  const sent = JSON.parse(posts[2]!.body) as { source: string; detections: Detection[] };
  assert.equal(sent.source, "borderflow");
  assert.deepEqual(sent.detections, run.emitted);
  assert.deepEqual(run.clock.sleeps, [100, 200]);
  assert.equal(run.summary.webhookFailures, 0);

  server.script(HOOK, [{ kind: "status", status: 400, body: '{"error":"bad payload"}' }]);
  const from2 = server.requests.length;
  const refused = await watch(freshArchive(), [body(A)], [A.at], { webhook: server.url(HOOK) }, { poster });
  assert.equal(server.requests.slice(from2).filter((r) => r.path === HOOK).length, 1);
  assert.equal(refused.summary.webhookFailures, 1);
  assert.ok(
    refused.logs.some((l) => /webhook: gave up on \d+ detection\(s\) after 1 tries \(HTTP 400\)/.test(l)),
  );
  // The detections are still printed and archived.
  assert.ok(refused.emitted.length > 0);
});

test("a torn last line (kill -9 mid-append) is cut on restart; the readings are fetched again, once", async () => {
  const archive = freshArchive();
  await watch(archive, [body(A)], [A.at]);
  // B's batch as a killed watcher may have left it: ten whole lines, then half of the eleventh.
  const bNew = dedupeReadings(parsed(B));
  const day = readingDay(bNew[0]!);
  const sameDay = bNew.filter((r) => readingDay(r) === day);
  const file = join(archive, "readings", `${day}.jsonl`);
  const lines = sameDay.slice(0, 10).map((r) => JSON.stringify(r) + "\n");
  const torn = JSON.stringify(sameDay[10]!);
  appendFileSync(file, lines.join("") + torn.slice(0, torn.length / 2));
  const run = await watch(archive, [body(B)], [B.at]);
  assert.equal(run.summary.repairs.length, 1);
  assert.equal(run.summary.repairs[0]!.droppedBytes, Math.floor(torn.length / 2));
  assert.ok(run.logs.some((l) => /cut a torn last line/.test(l)));
  assert.equal(run.summary.reports[0]!.newReadings, 73 - 10);
  await assertExactlyOnce(archive, [...parsed(A), ...parsed(B)]);
});

test("one writer per archive: a live watcher's lock is refused, a dead one's is taken over", () => {
  const archive = freshArchive();
  const w = WaitWatcher.open(archive, { staleHours: 3 });
  assert.throws(
    () => WaitWatcher.open(archive, { staleHours: 3 }),
    (e: unknown) => e instanceof StoreError && /being written by another watcher \(pid \d+\)/.test(e.message),
  );
  w.close();
  // A process that has exited leaves its pid in the lock.
  const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  writeFileSync(join(archive, "watch.lock"), `${dead.stdout}\n`);
  WaitWatcher.open(archive, { staleHours: 3 }).close();
});

for (const compacted of [false, true])
  test(`anomaly through the watcher: BOTA at 100 minutes over real El Paso history${compacted ? " already compacted into Parquet" : ""}`, async () => {
    const archive = freshArchive();
    // History: the real hourly waits before 23 Dec 2025 (the day under test).
    const history = elPasoHourlyReadings().filter((r) => r.updatedAt! < "2025-12-23");
    const writer = WaitArchiveWriter.open(archive);
    const byDay = new Map<string, string[]>();
    for (const r of history)
      byDay.set(readingDay(r), [...(byDay.get(readingDay(r)) ?? []), JSON.stringify(r)]);
    writer.append("readings", byDay);
    // A watcher restarting over an archive whose history is in Parquet reads its baselines from there.
    if (compacted) await compactArchive(writer, { through: "2025-12-22" });
    writer.close();
    // The real 29 June 2022 BOTA entry, moved by the test to 23 Dec 2025 11:00 MST with 100 minutes for cars.
    const bota = (JSON.parse(fixture(A.name).toString("utf8")) as FeedEntry[]).find(
      (c) => c.port_number === "240201",
    )!;
    bota.date = "12/23/2025";
    bota.time = "11:25:00";
    for (const g of ["commercial_vehicle_lanes", "passenger_vehicle_lanes", "pedestrian_lanes"])
      for (const lane of Object.values(bota[g]).filter((v) => typeof v === "object") as Record<
        string,
        string
      >[])
        if (lane.update_time) lane.update_time = "At 11:00 am MST";
    bota.passenger_vehicle_lanes.standard_lanes.delay_minutes = "100";
    const run = await watch(
      archive,
      [{ kind: "body", body: JSON.stringify([bota]) }],
      ["2025-12-23T18:25:00.000Z"],
    );
    const anomalies = run.emitted.filter((d) => d.kind === "anomaly");
    assert.equal(anomalies.length, 1);
    const a = anomalies[0]!;
    assert.ok(a.kind === "anomaly");
    assert.equal(a.crossing, "240201");
    assert.equal(a.lane, "passenger-standard");
    assert.equal(a.delayMinutes, 100);
    assert.equal(a.typicalMinutes, 43);
    assert.equal(a.samples, 3);
    // The reading is archived once, beside the history.
    const keys = (await archived(archive)).map((r) => r.key);
    assert.equal(new Set(keys).size, keys.length, "a reading is archived twice");
    assert.equal(keys.length, history.length + run.summary.readingsArchived);
  });

test("detections a kill cut off before they were emitted are emitted on restart, once", async () => {
  const archive = freshArchive();
  const w = WaitWatcher.open(archive, { staleHours: 3 });
  const cut = w.ingest({ body: fixture(A.name), fetchedAt: A.at, origin: A.name }).detections;
  w.close(); // killed: archived, never emitted
  const closures = cut.filter((d) => d.kind === "closure").map((d) => d.key);
  assert.ok(closures.length > 0);
  const run = await watch(archive, [body(C)], [C.at]);
  const emitted = run.emitted.map((d) => d.key);
  for (const k of closures) assert.ok(emitted.includes(k), `${k} not emitted after the restart`);
  assert.ok(run.logs.some((l) => /emitting \d+ detection\(s\) of the last archived capture/.test(l)));
  const again = await watch(archive, [body(C)], [C.at]);
  assert.deepEqual(
    again.emitted.filter((d) => closures.includes(d.key)),
    [],
  );
});

test("watch options are checked, all problems at once", () => {
  assert.throws(
    () => parseWatchSpec({ interval: "5 minutes", staleHours: "-1", url: "ftp://x", replay: "d" }),
    (e: unknown) =>
      e instanceof InputError &&
      /--interval "5 minutes" is not a duration/.test(e.message) &&
      /--stale-hours must be more than 0/.test(e.message) &&
      /--url "ftp:\/\/x" is not an http\(s\) URL/.test(e.message),
  );
  const r = parseWatchSpec({ once: true }, { BORDERFLOW_ARCHIVE: "/tmp/bf-archive" });
  assert.equal(r.maxPolls, 1);
  assert.equal(r.archiveDir, "/tmp/bf-archive");
  assert.equal(r.intervalMs, 300_000);
  assert.deepEqual(r.source, { kind: "live", url: "https://bwt.cbp.gov/api/bwtnew" });
  assert.equal(nextDelayMs(300_000, 0), 300_000);
  assert.equal(nextDelayMs(300_000, 3), 2_400_000);
  assert.equal(nextDelayMs(300_000, 10), 3_600_000, "capped at an hour");
});

test("borderflow watch --once: detections on stdout as JSON lines; a failed last poll exits 3", async () => {
  const archive = freshArchive();
  server.script("/cli/bwtnew", [body(A)]);
  const io = captureIo();
  const code = await runCli(
    ["watch", "--once", "--url", server.url("/cli/bwtnew"), "--archive", archive],
    io,
  );
  assert.equal(code, 0, io.stderr());
  const lines = io
    .stdout()
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Detection);
  assert.ok(lines.length > 0);
  assert.ok(
    lines.every((d) => ["stale", "closure", "anomaly"].includes(d.kind) && typeof d.message === "string"),
  );
  assert.match(io.stderr(), /watch: poll 1 .*: 19 crossings, 78 readings, 78 new/);
  assert.equal((await archived(archive)).length, 78);

  server.script("/cli/down", [{ kind: "status", status: 503 }]);
  const down = captureIo();
  assert.equal(
    await runCli(["watch", "--once", "--url", server.url("/cli/down"), "--archive", archive], down),
    3,
  );
  assert.match(down.stderr(), /the last poll failed: .*HTTP 503/);
  assert.equal(await runCli(["watch", "--interval", "soon", "--archive", archive], captureIo()), 2);
});
