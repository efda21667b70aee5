import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { InputError } from "../../src/domain/errors.ts";
import type { Detection, WaitReading } from "../../src/domain/wait-times.ts";
import type { WatchAlert } from "../../src/domain/watchlist.ts";
import { detectCapacityLoss, detectClosure } from "../../src/model/wait-detection.ts";
import { runScenario, validateScenario } from "../../src/services/scenario.ts";
import { parseWatchSpec, runWatch, type WatchSummary } from "../../src/services/watch.ts";
import { loadWatchlist, WatchlistEngine, type Watchlist } from "../../src/services/watchlist.ts";
import {
  storeScenarioRunner,
  TimeLimitError,
  type ScenarioRunner,
} from "../../src/services/watchlist-scenario.ts";
import { parseWaitTimes } from "../../src/sources/cbp-wait-times.ts";
import { Store } from "../../src/store/db.ts";
import { CLOSED_CROSSING, closedCapture, writeClosureReplay } from "../helpers/closure-replay.ts";

const ROOT = resolve(import.meta.dirname, "../..");
let dir: string;
let db: string;
let replay: string;
const children: ChildProcess[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "borderflow-watchlist-"));
  // A database file built from the vendored snapshot, as `borderflow` builds it on first use.
  db = join(dir, "borderflow.duckdb");
  (await Store.open({ path: db })).close();
  replay = writeClosureReplay(join(dir, "replay"));
});
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function watchlistFile(yaml: string): string {
  const file = join(dir, `watchlist-${++n}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

const TEXAS = `name: Texas freight crossings
rules:
  - name: Eagle Pass and Laredo trucks
    ports: [Eagle Pass, Laredo]
    lanes: [commercial]
    commodities: ["87", "85"]
  - name: Eagle Pass lanes
    crossings: ["230302"]
    modes: [truck]
scenario:
  assumeDays: 3
email:
  to: [logistics@example.org]
`;

interface Replayed {
  summary: WatchSummary;
  alerts: WatchAlert[];
  logs: string[];
  archive: string;
}

/** Replays the closure captures through `runWatch` with a watchlist, as `watch --replay --watchlist` does. */
async function replayWith(watchlist: Watchlist, runner: ScenarioRunner | undefined): Promise<Replayed> {
  const archive = join(dir, `archive-${++n}`);
  const req = parseWatchSpec({ replay, archive });
  req.watchlist = watchlist;
  const alerts: WatchAlert[] = [];
  const logs: string[] = [];
  const summary = await runWatch(req, {
    emit: (d) => alerts.push(d as WatchAlert),
    log: (l) => logs.push(l),
    ...(runner ? { scenarioRunner: runner } : {}),
  });
  return { summary, alerts, logs, archive };
}

/** A process holding the database file open (READ_WRITE as `ingest` would, or READ_ONLY as a reader). */
async function holdDb(mode: "READ_WRITE" | "READ_ONLY"): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/hold-db.ts", db, mode], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  children.push(child);
  await new Promise<void>((ok, fail) => {
    child.stdout!.on("data", (b: Buffer) => b.toString().includes("ready") && ok());
    child.on("exit", (code) => fail(new Error(`hold-db exited with ${code}`)));
  });
  return () =>
    new Promise<void>((done) => {
      child.removeAllListeners("exit");
      child.on("exit", () => done());
      child.stdin!.end();
    });
}

test("a watchlist with mistakes is refused with every problem, its line and a suggestion", async () => {
  const file = watchlistFile(`name: bad
rules:
  - ports: [Eagel Pass]
    lanes: [comercial]
    modes: [rail]
    kinds: [closures]
    commodities: ["87", "00"]
    thresold: { minWaitMinutes: 30 }
  - lanes: [passenger]
scenario:
  timeLimit: forever
`);
  await assert.rejects(loadWatchlist(file), (e: Error) => {
    assert.ok(e instanceof InputError);
    const m = e.message;
    assert.match(m, /^watchlist .*: 8 problem\(s\):/);
    assert.match(
      m,
      /:3: rules\[0\]\.ports\[0\]: unknown port "Eagel Pass" \(did you mean Eagle Pass, 2303\?\)/,
    );
    assert.match(m, /:4: rules\[0\]\.lanes\[0\]: unknown lane "comercial" \(did you mean commercial\?\)/);
    assert.match(m, /:5: rules\[0\]\.modes\[0\]: rail: CBP's wait-time feed has no rail lanes/);
    assert.match(m, /:6: rules\[0\]\.kinds\[0\]: unknown kind "closures" \(did you mean closure\?\)/);
    assert.match(m, /:7: rules\[0\]\.commodities\[1\]: HS2 chapter 00 is not in TransBorder's list/);
    assert.match(m, /:8: rules\[0\]\.thresold: unknown field "thresold" \(did you mean thresholds\?\)/);
    assert.match(m, /:9: rules\[1\]: a rule names the ports or crossings it watches/);
    assert.match(m, /:11: scenario\.timeLimit: timeLimit "forever" is not a duration/);
    return true;
  });
});

test("a replayed closure at Eagle Pass: an alert with its scenario figures, run on the database opened read-only", async () => {
  // Another process reads the database at the same time: a read-only open shares it, a writer could not.
  const release = await holdDb("READ_ONLY");
  let run: Replayed;
  try {
    run = await replayWith(await loadWatchlist(watchlistFile(TEXAS)), storeScenarioRunner({ dbPath: db }));
  } finally {
    await release();
  }
  const { summary, alerts, logs } = run;
  assert.equal(summary.polls, 3);
  assert.equal(summary.lastError, undefined);
  // Every alert is Eagle Pass Bridge II's commercial lanes: the other 18 crossings' detections are not watched.
  // The lane closures that leave the crossing open hold nothing up: the rule with commodities does not want them.
  const both = ["Eagle Pass and Laredo trucks", "Eagle Pass lanes"];
  assert.deepEqual(
    alerts.map((a) => [a.crossing, a.lane, a.alert.scenario?.status ?? null, a.alert.rules]),
    [
      [CLOSED_CROSSING, "commercial-standard", null, ["Eagle Pass lanes"]], // closed at the first reading, FAST open
      [CLOSED_CROSSING, "commercial-fast", null, ["Eagle Pass lanes"]], // FAST closed, standard open (both real)
      [CLOSED_CROSSING, "commercial-standard", "computed", both], // now every commercial lane is closed
    ],
  );
  assert.equal(summary.alerts, 3);
  assert.ok(summary.detectionsEmitted > 3, "the other detections were seen and recorded, not delivered");
  assert.match(
    alerts[1]!.alert.headline,
    /commercial-fast closed since .*; commercial-standard still open at the crossing: no scenario/,
  );

  const a = alerts[2]!;
  const inc = a.alert.incident!;
  assert.deepEqual(inc.event, {
    kind: "closure",
    port: "2303",
    mode: "truck",
    direction: "inbound",
    start: "2022-06-30T20:31:59-05:00",
    end: "2022-07-03T20:31:59-05:00",
  });
  assert.equal(inc.portShareLost, 1);
  const s = a.alert.scenario!;
  assert.ok(s.status === "computed");
  const v = s.valueHeldUpPerDayUsd;
  // Eagle Pass's inbound truck trade: BTS TransBorder puts its imports by truck at some $8 bn a year.
  assert.ok(v.value > 5e6 && v.value < 40e6, `${v.value}`);
  assert.ok(v.p10 <= v.value && v.value <= v.p90);
  assert.equal(v.status, "derived");
  assert.equal(s.topCommodities[0]!.hs2, "87", "vehicles and parts lead");
  assert.deepEqual(s.watchedCommodities.map((c) => c.hs2).sort(), ["85", "87"]);
  assert.ok(s.clearsDaysAfterReopening !== null);
  assert.match(
    a.alert.headline,
    /^Eagle Pass Bridge II \(2303\) commercial \(truck\) lanes closed since 2022-06-30 20:31 CDT: about \$\d+\.\d\d M a day of inbound truck trade held up \(P10 \$[\d.]+ M – P90 \$[\d.]+ M\), led by vehicles & parts \(\d+%\).*if it lasts 3 days$/,
  );
  // The alert's figures are the scenario engine's: the same scenario run directly gives the same value.
  const store = await Store.open({ path: db, readOnly: true });
  try {
    const valid = await validateScenario(store, s.spec);
    assert.ok(valid.ok);
    const direct = await runScenario(store, valid);
    assert.equal(direct.costs.valueHeldUpPerClosureDayUsd.value, v.value);
  } finally {
    store.close();
  }
  assert.ok(
    logs.some((l) =>
      /scenario for closure\|230302\|commercial-standard\|closed@2022-07-01T01 in \d+ ms/.test(l),
    ),
  );

  // The email-ready text: one file per alert, named by its key.
  const mail = join(summary.watchlistDir!, "mail");
  const files = readdirSync(mail).sort();
  assert.equal(files.length, 3);
  const text = readFileSync(join(mail, files[2]!), "utf8");
  assert.match(
    text,
    /^From: borderflow <borderflow@localhost>\r\nTo: logistics@example\.org\r\nSubject: \[borderflow\] Eagle Pass Bridge II/,
  );
  assert.match(text, /trade value held up per day {3}\$[\d.]+ M {2}\(P10 .* derived\)/);
  assert.match(text, /"kind": "closure"/, "the scenario itself, to rerun");
});

test("a watchlist that matches nothing delivers nothing, and detections are still recorded", async () => {
  const list = await loadWatchlist(
    watchlistFile(`name: Laredo pedestrians
rules:
  - ports: [Laredo]
    crossings: ["230404"]
    lanes: [pedestrian]
email:
  to: [ops@example.org]
`),
  );
  let ran = 0;
  const counting: ScenarioRunner = {
    run: async () => {
      ran++;
      throw new Error("no scenario should run");
    },
    close: async () => {},
  };
  const { summary, alerts, archive } = await replayWith(list, counting);
  assert.deepEqual(alerts, []);
  assert.equal(summary.alerts, 0);
  assert.equal(ran, 0);
  assert.ok(summary.detectionsEmitted > 0);
  const box = join(archive, "watchlists", "laredo-pedestrians", "outbox", "entries.jsonl");
  assert.ok(!existsSync(box) || readFileSync(box, "utf8") === "");
  assert.ok(!existsSync(join(archive, "watchlists", "laredo-pedestrians", "mail")));
  assert.ok(readdirSync(join(archive, "detections")).length > 0, "detections recorded as emitted");
});

test("a value threshold above the scenario's figure: the closure is not delivered", async () => {
  const list = await loadWatchlist(
    watchlistFile(`name: Only the big ones
rules:
  - ports: ["2303"]
    modes: [truck]
    thresholds: { minValuePerDayUsd: 1000000000 }
`),
  );
  const { alerts, logs } = await replayWith(list, storeScenarioRunner({ dbPath: db }));
  assert.deepEqual(alerts, []);
  assert.ok(
    logs.some((l) =>
      /closure\|230302\|commercial-standard\|closed@2022-07-01T01 not delivered: its scenario is under/.test(
        l,
      ),
    ),
  );
});

test("the database held by a writer: the watcher goes on and the alert says the cost could not be computed", async () => {
  const release = await holdDb("READ_WRITE");
  let run: Replayed;
  try {
    run = await replayWith(await loadWatchlist(watchlistFile(TEXAS)), storeScenarioRunner({ dbPath: db }));
  } finally {
    await release();
  }
  assert.equal(run.summary.polls, 3);
  assert.equal(run.summary.lastError, undefined);
  const a = run.alerts.at(-1)!;
  assert.equal(a.alert.scenario?.status, "failed");
  assert.match(
    a.alert.headline,
    /commercial \(truck\) lanes closed since 2022-06-30 20:31 CDT; the cost could not be computed: the database .* is being written by .* \(pid \d+\); try again when it ends/,
  );
});

test("a scenario run stops at its time limit", async () => {
  const runner = storeScenarioRunner({ dbPath: db });
  try {
    await assert.rejects(
      runner.run(
        {
          name: "too long for a second",
          horizonDays: 365,
          events: [
            {
              kind: "closure",
              ports: ["2303", "2304", "2402"],
              modes: ["rail", "truck"],
              start: "2023-12-18T08:00:00-06:00",
              end: "2024-02-18T08:00:00-06:00",
            },
          ],
          options: { draws: 5000, seed: 1 },
        },
        { timeLimitMs: 1000 },
      ),
      (e: Error) => e instanceof TimeLimitError && /time limit/.test(e.message),
    );
  } finally {
    await runner.close();
  }
});

test("one scenario run per crossing, lane group and episode; at most maxPerPoll a poll", async () => {
  const readings = parseWaitTimes(closedCapture(), {
    origin: "closed",
    fetchedAt: "2022-07-01T01:31:59.000Z",
  }).readings;
  const ep = readings.filter((r) => r.crossing === CLOSED_CROSSING && r.lane.startsWith("commercial"));
  assert.equal(ep.length, 2);
  const closures = ep.map((r) => detectClosure(r, undefined)!) as Detection[];
  const list = await loadWatchlist(
    watchlistFile(`name: Episodes
rules:
  - ports: [Eagle Pass, El Paso]
scenario: { maxPerPoll: 1 }
`),
  );
  const runs: unknown[] = [];
  const runner: ScenarioRunner = {
    run: async (spec) => {
      runs.push(spec);
      throw new Error("counted");
    },
    close: async () => {},
  };
  const engineDir = join(dir, "engine");
  mkdirSync(engineDir);
  const engine = new WatchlistEngine(list, engineDir, runner);
  engine.observe(readings);
  // Both commercial lane types closed in one poll: one episode, one run; both alerts carry it.
  const first = await engine.evaluate(closures);
  assert.equal(runs.length, 1);
  assert.deepEqual(
    first.map((a) => a.alert.scenario?.status),
    ["failed", "failed"],
  );
  // The same episode seen again (a restart reads episodes.json): no new run.
  const again = new WatchlistEngine(list, engineDir, runner);
  again.observe(readings);
  await again.evaluate(closures.map((d) => ({ ...d, key: `${d.key}-again` })));
  assert.equal(runs.length, 1);
  // The lanes reopen: the episode ends; the next closure runs again.
  const reopened: WaitReading[] = ep.map((r) => ({
    ...r,
    status: "no-delay",
    delayMinutes: 0,
    lanesOpen: 1,
    updatedAt: "2022-06-30T22:00:00-05:00",
    key: `${r.key}-open`,
  }));
  again.observe(reopened);
  again.observe(readings.map((r) => ({ ...r, fetchedAt: "2022-07-01T04:00:00.000Z" })));
  await again.evaluate(
    closures.map((d) => ({ ...d, key: `${d.key}-later`, detectedAt: "2022-07-01T04:00:00.000Z" })),
  );
  assert.equal(runs.length, 2);
  // Two crossings' closures in one poll with maxPerPoll 1: the second is skipped, and says why.
  const bota = parseWaitTimes(
    readFileSync(join(ROOT, "test/fixtures/waits/bwtpublicmod-20220701T003159Z-excerpt.json")),
    {
      origin: "b",
      fetchedAt: "2022-07-01T05:00:00.000Z",
    },
  ).readings.filter((r) => r.crossing === "240201" && r.lane === "commercial-standard");
  const fresh = new WatchlistEngine(list, join(dir, "engine-2"), runner);
  fresh.observe([...readings, ...bota]);
  const two = await fresh.evaluate([closures[0]!, detectClosure(bota[0]!, undefined)!]);
  assert.equal(runs.length, 3);
  assert.equal(two[1]!.alert.scenario?.status, "skipped");
  assert.match(
    two[1]!.alert.headline,
    /no scenario run \(more than 1 closures or capacity losses in one poll/,
  );
});

test("lanes closed at a crossing are a facilities cut: the scenario takes capacity, not traffic", async () => {
  // Ysleta's commercial lanes: 6 of 10 open at 18:00 MDT on 30 June 2022 (the real capture); 10 an hour before.
  const readings = parseWaitTimes(
    readFileSync(join(ROOT, "test/fixtures/waits/bwtpublicmod-20220701T003159Z-excerpt.json")),
    { origin: "b", fetchedAt: "2022-07-01T05:00:00.000Z" },
  ).readings;
  const r = readings.find((x) => x.crossing === "240203" && x.lane === "commercial-standard")!;
  assert.equal(r.lanesOpen, 6);
  const d = detectCapacityLoss(
    r,
    {
      closed: false,
      status: "no-delay",
      lanesOpen: 10,
      updatedAt: "2022-06-30T17:00:00-06:00",
      key: "before",
      at: "2022-06-30T23:00:00.000Z",
    },
    { minLossShare: 0.25, minLanesBefore: 2 },
  )!;
  assert.equal(d.lossShare, 0.4);
  const specs: unknown[] = [];
  const runner: ScenarioRunner = {
    run: async (spec) => {
      specs.push(spec);
      throw new Error("counted");
    },
    close: async () => {},
  };
  const list = await loadWatchlist(
    watchlistFile(
      `name: Ysleta trucks\nrules:\n  - ports: [Ysleta]\n    thresholds: { minCapacityLoss: 0.25 }\n`,
    ),
  );
  const engineDir = join(dir, "engine-facilities");
  mkdirSync(engineDir);
  const engine = new WatchlistEngine(list, engineDir, runner);
  engine.observe(readings);
  const inc = engine.incidentOf(d);
  assert.equal(inc.event?.kind, "capacity-cut");
  assert.equal(inc.event?.of, "facilities");
  await engine.evaluate([d]);
  assert.equal(specs.length, 1);
  const ev = (specs[0] as { events: Record<string, unknown>[] }).events[0]!;
  assert.equal(ev.kind, "capacity-cut");
  assert.equal(ev.of, "facilities", "the scenario the watchlist runs carries it");
  assert.equal(ev.remainingCapacity, inc.event?.remainingCapacity);
});

test("kill -9 between the outbox write and the delivery: the alert is delivered once at the next start", async () => {
  const archive = join(dir, "archive-kill");
  const file = watchlistFile(TEXAS);
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/helpers/watchlist-child.ts", replay, archive, file, db],
    { cwd: ROOT, env: { ...process.env, TZ: "UTC" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise((done) => child.on("exit", done));
  const t0 = Date.now();
  while (!/^HOLD /m.test(err)) {
    if (Date.now() - t0 > 60_000 || child.exitCode !== null)
      throw new Error(`no HOLD from the child:\n${err}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill("SIGKILL");
  await exited;
  const held = /^HOLD (.+)$/m.exec(err)![1]!;
  const before = out
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as WatchAlert).key);
  assert.ok(!before.includes(held));

  // The next start: nothing new to replay (every reading is archived), the outbox holds the alert unacknowledged.
  const req = parseWatchSpec({ replay, archive, compact: false });
  req.watchlist = await loadWatchlist(file);
  const after: WatchAlert[] = [];
  const logs: string[] = [];
  let ran = 0;
  const summary = await runWatch(req, {
    emit: (d) => after.push(d as WatchAlert),
    log: (l) => logs.push(l),
    scenarioRunner: {
      run: async () => {
        ran++;
        throw new Error("not run again");
      },
      close: async () => {},
    },
  });
  assert.equal(summary.alerts, 0, "nothing new queued");
  assert.deepEqual(
    after.map((a) => a.key),
    [held],
    "the held alert, once",
  );
  assert.equal(ran, 0, "its scenario is not run again: the figures come from the outbox");
  assert.equal(after[0]!.alert.scenario?.status, "computed");
  const all = [...before, ...after.map((a) => a.key)];
  assert.equal(new Set(all).size, all.length, "no alert twice");
  assert.equal(all.length, 3);
  // The email files: one per alert (a re-delivery rewrites the same file).
  assert.equal(readdirSync(join(summary.watchlistDir!, "mail")).filter((f) => f.endsWith(".eml")).length, 3);
});
