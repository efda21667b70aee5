/**
 * Wait-time ingest speed: readings per second through the watcher's pipeline (parse + validate + de-duplicate
 * + append and fsync to the archive + detection), on the real 29 June 2022 capture replayed as 400 hourly polls
 * (every reading new), then the same 400 polls again (every reading a duplicate).
 * Baselines: a target of 10,000 readings/s (100 µs a reading; the live feed gives about 300 readings a poll,
 * every 5 minutes), and the raw floor: JSON.parse of the same bodies and an append + fsync of the same lines,
 * with no validation and no de-duplication.
 */
import { closeSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { readingDay } from "../src/domain/wait-times.ts";
import { WaitWatcher } from "../src/services/watch.ts";
import { parseWaitTimes, type Capture } from "../src/sources/cbp-wait-times.ts";
import { heading, ratio, printAndReport, ROOT, table, tempDir, type SummaryRow } from "./lib.ts";

/** A feed entry as JSON, edited freely by this file (the shape is the feed's; see SCHEMA.md). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FeedEntry = Record<string, any>;
const t00 = performance.now();
const POLLS = 400;
const TARGET_US = 100;
const FIXTURE = join(ROOT, "test/fixtures/waits/bwtnew-20220629T172515Z-excerpt.json");

heading(
  "wait-time ingest",
  "readings/s through parse + validate + de-duplicate + archive (append, fsync) + detection",
  `target ${TARGET_US} µs a reading (10,000/s); raw floor: JSON.parse + append + fsync of the same lines`,
);

// The real capture moved an hour per poll (the feed's clock, every update time and the date with them), so
// every poll's readings are new, as when CBP updates each lane hourly; one day file a day, as live.
const original = JSON.parse(readFileSync(FIXTURE, "utf8")) as FeedEntry[];
const clock = (text: string) => {
  const m = /^At (?:(\d{1,2}):(\d{2}) ([ap])m|(Noon|Midnight)) ([A-Z]+)$/.exec(text);
  if (!m) return undefined;
  const minutes = m[4]
    ? m[4] === "Noon"
      ? 720
      : 0
    : ((Number(m[1]) % 12) + (m[3] === "p" ? 12 : 0)) * 60 + Number(m[2]);
  return { minutes, zone: m[5]! };
};
const hhmm = (minutes: number) => {
  const h = Math.floor(minutes / 60);
  return `${h % 12 === 0 ? 12 : h % 12}:${String(minutes % 60).padStart(2, "0")} ${h < 12 ? "am" : "pm"}`;
};
function shifted(hours: number): FeedEntry[] {
  return original.map((c) => {
    const [hh, mm, ss] = (c.time as string).split(":").map(Number) as [number, number, number];
    const feed = hh * 60 + mm + hours * 60;
    const [mo, dd, yy] = (c.date as string).split("/").map(Number) as [number, number, number];
    const d = new Date(Date.UTC(yy, mo - 1, dd + Math.floor(feed / 1440)));
    const out = structuredClone(c);
    out.date = `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
    out.time = `${String(Math.floor((feed % 1440) / 60)).padStart(2, "0")}:${String(feed % 60).padStart(2, "0")}:${String(ss).padStart(2, "0")}`;
    for (const g of ["commercial_vehicle_lanes", "passenger_vehicle_lanes", "pedestrian_lanes"])
      for (const lane of Object.values(out[g] as FeedEntry))
        if (lane && typeof lane === "object") {
          const t = clock(lane.update_time);
          if (t) lane.update_time = `At ${hhmm((t.minutes + hours * 60) % 1440)} ${t.zone}`;
        }
    return out;
  });
}
const captures: Capture[] = Array.from({ length: POLLS }, (_, i) => ({
  body: Buffer.from(JSON.stringify(shifted(i))),
  fetchedAt: new Date(Date.parse("2022-06-29T17:25:15.000Z") + i * 3_600_000).toISOString(),
  origin: `bench-${i}`,
}));
const perPoll = parseWaitTimes(captures[0]!.body, { origin: "x", fetchedAt: captures[0]!.fetchedAt }).readings
  .length;
const total = perPoll * POLLS;
console.log(
  `\n${POLLS} hourly polls of the real capture (19 crossings, ${perPoll} readings each): ${total} readings`,
);

function runPipeline(): { newMs: number; dupMs: number; archived: number; detections: number } {
  const dir = tempDir("waits");
  try {
    const w = WaitWatcher.open(dir, { staleHours: 3 });
    let archived = 0;
    let detections = 0;
    let t = performance.now();
    for (const c of captures) {
      const out = w.ingest(c);
      archived += out.newReadings.length;
      detections += out.detections.length;
      w.recordEmitted(out.detections);
    }
    const newMs = performance.now() - t;
    t = performance.now();
    for (const c of captures)
      if (w.ingest(c).newReadings.length !== 0) throw new Error("a duplicate was archived");
    const dupMs = performance.now() - t;
    w.close();
    return { newMs, dupMs, archived, detections };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runRaw(): number {
  const dir = tempDir("waits-raw");
  try {
    const t = performance.now();
    for (const c of captures) {
      const rows = JSON.parse(c.body.toString("utf8")) as unknown[];
      // The same number of lines as the pipeline writes, one line per lane entry that is a reading.
      const lines = rows.flatMap((crossing) => {
        const out: string[] = [];
        for (const g of Object.values(crossing as Record<string, unknown>))
          if (g && typeof g === "object")
            for (const lane of Object.values(g as Record<string, unknown>))
              if (
                lane &&
                typeof lane === "object" &&
                (lane as { operational_status?: string }).operational_status !== "N/A"
              )
                out.push(JSON.stringify(lane));
        return out;
      });
      const fd = openSync(join(dir, `${readingDay({ updatedAt: null, fetchedAt: c.fetchedAt })}.jsonl`), "a");
      writeSync(fd, lines.join("\n") + "\n");
      fsyncSync(fd);
      closeSync(fd);
    }
    return performance.now() - t;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runPipeline(); // warm-up
const runs = [runPipeline(), runPipeline(), runPipeline()];
const raws = [runRaw(), runRaw(), runRaw()];
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
const newMs = med(runs.map((r) => r.newMs));
const dupMs = med(runs.map((r) => r.dupMs));
const rawMs = med(raws);
const usPer = (ms: number) => (ms * 1000) / total;
const perSecond = (ms: number) => Math.round(total / (ms / 1000));
if (runs[0]!.archived !== total) throw new Error(`archived ${runs[0]!.archived} of ${total}`);

console.log(
  table(
    ["run", " readings/s", " µs a reading", " total"],
    [
      [
        "new readings (parse, dedupe, append + fsync, detect)",
        String(perSecond(newMs)),
        usPer(newMs).toFixed(1),
        `${newMs.toFixed(0)} ms`,
      ],
      [
        "duplicates (parse, dedupe, nothing written)",
        String(perSecond(dupMs)),
        usPer(dupMs).toFixed(1),
        `${dupMs.toFixed(0)} ms`,
      ],
      [
        "raw floor (JSON.parse, append + fsync)",
        String(perSecond(rawMs)),
        usPer(rawMs).toFixed(1),
        `${rawMs.toFixed(0)} ms`,
      ],
    ],
  ),
);
console.log(`detections per run: ${runs[0]!.detections}`);
console.log(
  `against the raw floor: ${ratio(newMs / rawMs)} its time (validation, de-duplication, detection, and a second fsync for the detections file)`,
);

const summary: SummaryRow[] = [
  {
    metric: "ingest, new readings",
    value: `${perSecond(newMs).toLocaleString("en-US")}/s`,
    baseline: `target ${(1e6 / TARGET_US).toLocaleString("en-US")}/s`,
    ratio: usPer(newMs) / TARGET_US,
    maxRatio: 1,
  },
];
printAndReport({
  bench: "waits",
  measured: "wait-time ingest throughput",
  seconds: (performance.now() - t00) / 1000,
  summary,
  details: { polls: POLLS, readingsPerPoll: perPoll, newMs, dupMs, rawMs, runs, raws },
});
