/**
 * The wait-time archive at scale: a synthetic year in the format `watch` writes (80 crossings × 6 lane
 * types, hourly: 4.2 M readings, about 1.6 GB of JSON Lines; bench/waits-synthetic.ts), queried as a user
 * would — `borderflow waits --port 2402 --lane commercial --by hour` in its own process — over the JSON Lines
 * as written, then after `borderflow compact` (closed days into monthly Parquet).
 * Baseline (the limit): a bare Node process running the same query with DuckDB straight over the same year
 * compacted to monthly Parquet (bench/waits-raw-query.mjs). Targets: the one-port one-year query within
 * 1.5× of that whole-process time, and peak memory under 200 MB whatever the archive's size.
 * Set BENCH_WAITS_DIR to keep the generated year between runs (it is regenerated when incomplete).
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance, listValue } from "@duckdb/node-api";
import {
  heading,
  mb,
  median,
  printAndReport,
  ratio,
  ROOT,
  runChild,
  sec,
  table,
  tempDir,
  type SummaryRow,
} from "./lib.ts";
import { READING_COLUMNS } from "../src/store/wait-archive-db.ts";
import { writeSyntheticArchive } from "./waits-synthetic.ts";

const COLUMNS = `{${Object.entries(READING_COLUMNS)
  .map(([k, t]) => `'${k}': '${t}'`)
  .join(", ")}}`;

const t00 = performance.now();
const LAST_DAY = "2025-12-31";
const PORT = "2402";
const LANES = "commercial";
const LANE_TYPES = ["commercial-standard", "commercial-fast"];
const RUNS = Number(process.env.BENCH_WAITS_RUNS ?? 3);
const RSS = join(ROOT, "bench", "rss-at-exit.mjs");
const BIN = join(ROOT, "bin", "borderflow.js");

heading(
  "wait-time archive at scale",
  "`borderflow waits --port 2402 --lane commercial --by hour` (whole process: wall time and peak RSS) over a synthetic year",
  "DuckDB alone over the same year in monthly Parquet (a bare Node process, whole-process time); target 1.5x, peak < 200 MB",
);

const shiftDay = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const dirSize = (d: string): number =>
  readdirSync(d, { withFileTypes: true }).reduce(
    (s, e) => s + (e.isDirectory() ? dirSize(join(d, e.name)) : statSync(join(d, e.name)).size),
    0,
  );

const keep = process.env.BENCH_WAITS_DIR;
const root = keep ?? tempDir("waits-archive");
const year = join(root, "year-jsonl");
const ninety = join(root, "ninety-jsonl");
const t0 = performance.now();
if (!existsSync(join(year, "readings")) || readdirSync(join(year, "readings")).length !== 365) {
  rmSync(year, { recursive: true, force: true });
  const g = await writeSyntheticArchive(year, LAST_DAY, 365);
  console.log(
    `\ngenerated ${g.readings.toLocaleString("en-US")} readings in ${g.files} day files, ${mb(g.bytes)}, in ${sec((performance.now() - t0) / 1000)}`,
  );
} else console.log(`\nreusing the synthetic year in ${year}`);
// The 90-day archive: the year's last 90 day files (hard links).
rmSync(ninety, { recursive: true, force: true });
mkdirSync(join(ninety, "readings"), { recursive: true });
const yearFiles = readdirSync(join(year, "readings")).sort();
for (const f of yearFiles.slice(-90)) linkSync(join(year, "readings", f), join(ninety, "readings", f));
const yearBytes = dirSize(join(year, "readings"));
console.log(`year: ${yearFiles.length} files, ${mb(yearBytes)} of JSON Lines`);

interface Query {
  label: string;
  archive: "90" | "365";
  from: string;
  to: string;
}
const QUERIES: Query[] = [
  {
    label: "7 days of a 90-day archive",
    archive: "90",
    from: shiftDay(LAST_DAY, -60),
    to: shiftDay(LAST_DAY, -54),
  },
  { label: "90 days", archive: "90", from: shiftDay(LAST_DAY, -89), to: LAST_DAY },
  { label: "365 days", archive: "365", from: shiftDay(LAST_DAY, -364), to: LAST_DAY },
  { label: "last 7 days of a 365-day archive", archive: "365", from: shiftDay(LAST_DAY, -6), to: LAST_DAY },
];

interface Measure {
  wallMs: number;
  rssBytes: number;
  rows: number;
}

async function runWaits(archive: string, q: Query): Promise<Measure> {
  const rssFile = join(root, `rss-${process.pid}`);
  const r = await runChild(
    process.execPath,
    [
      "--import",
      RSS,
      BIN,
      "--json",
      "waits",
      "--port",
      PORT,
      "--lane",
      LANES,
      "--by",
      "hour",
      "--from",
      q.from,
      "--to",
      q.to,
      "--archive",
      archive,
    ],
    { env: { ...process.env, BENCH_RSS_FILE: rssFile, TZ: "UTC" } },
  );
  if (r.code !== 0) throw new Error(`waits failed (${r.code}): ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { rows: unknown[] };
  return { wallMs: r.wallMs, rssBytes: Number(readFileSync(rssFile, "utf8")), rows: out.rows.length };
}

async function measure(archive: string, q: Query): Promise<Measure> {
  const runs: Measure[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runWaits(archive, q));
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    rssBytes: Math.max(...runs.map((r) => r.rssBytes)),
    rows: runs[0]!.rows,
  };
}

const archiveOf = (q: Query, jsonl: { "90": string; "365": string }) => jsonl[q.archive];

console.log("\n-- borderflow waits over the JSON Lines as watch writes them");
const before: Measure[] = [];
for (const q of QUERIES) {
  const m = await measure(archiveOf(q, { "90": ninety, "365": year }), q);
  before.push(m);
  console.log(`${q.label}: ${sec(m.wallMs / 1000)}, peak ${mb(m.rssBytes)} (${m.rows} rows)`);
}

// The limit: the same year compacted to monthly Parquet by DuckDB alone, queried by a bare Node process.
console.log("\n-- the limit: DuckDB over the same year in monthly Parquet");
const rawDir = join(root, "raw-parquet");
rmSync(rawDir, { recursive: true, force: true });
mkdirSync(rawDir, { recursive: true });
const tc = performance.now();
const cpu0 = process.cpuUsage();
{
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  await conn.run(
    `COPY (SELECT *, coalesce(substr(updatedAt, 1, 10), substr(fetchedAt, 1, 10)) AS localDate,
        substr(coalesce(updatedAt, fetchedAt), 1, 7) AS month
      FROM read_json(?, format = 'newline_delimited', columns = ${COLUMNS})
      ORDER BY month, port, crossing, lane, updatedAt)
     TO '${rawDir}' (FORMAT parquet, PARTITION_BY (month), COMPRESSION zstd, ROW_GROUP_SIZE 16384)`,
    [listValue(yearFiles.map((f) => join(year, "readings", f)))],
  );
  conn.closeSync();
  db.closeSync();
}
const rawCompactMs = performance.now() - tc;
// CPU time as well: on a machine other work loads, wall times follow the load, CPU times much less.
const rawCompactCpu = (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(cpu0));
const rawFiles = readdirSync(rawDir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith(".parquet"))
  .map((f) => join(rawDir, f))
  .sort();
const rawBytes = dirSize(rawDir);
console.log(
  `compacted by DuckDB alone in ${sec(rawCompactMs / 1000)}: ${rawFiles.length} files, ${mb(rawBytes)}`,
);

async function rawQuery(q: Query, viaRequire = false): Promise<Measure & { queryMs: number }> {
  const runs: (Measure & { queryMs: number })[] = [];
  for (let i = 0; i < RUNS; i++) {
    const rssFile = join(root, `rss-raw-${process.pid}`);
    const r = await runChild(
      process.execPath,
      [
        "--import",
        RSS,
        join(ROOT, "bench", "waits-raw-query.mjs"),
        PORT,
        q.from,
        q.to,
        LANE_TYPES.join(","),
        ...rawFiles,
      ],
      {
        env: {
          ...process.env,
          BENCH_RSS_FILE: rssFile,
          ...(viaRequire ? { BENCH_DUCKDB_REQUIRE: "1" } : {}),
        },
      },
    );
    if (r.code !== 0) throw new Error(`raw query failed: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { rows: number; queryMs: number };
    runs.push({
      wallMs: r.wallMs,
      rssBytes: Number(readFileSync(rssFile, "utf8")),
      rows: out.rows,
      queryMs: out.queryMs,
    });
  }
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    queryMs: median(runs.map((r) => r.queryMs)),
    rssBytes: Math.max(...runs.map((r) => r.rssBytes)),
    rows: runs[0]!.rows,
  };
}
const limit = await rawQuery(QUERIES[2]!);
console.log(
  `365 days: ${limit.queryMs.toFixed(0)} ms query, ${sec(limit.wallMs / 1000)} whole process, peak ${mb(limit.rssBytes)} (${limit.rows} rows)`,
);
// The stricter limit: the same script loading DuckDB through require, as borderflow does.
const limitRequire = await rawQuery(QUERIES[2]!, true);
console.log(
  `365 days, DuckDB loaded through require: ${sec(limitRequire.wallMs / 1000)} whole process, peak ${mb(limitRequire.rssBytes)}`,
);

// After: the same archives compacted by `borderflow compact` (closed days into monthly Parquet; the last
// day of the archive counts as today and stays in JSON Lines, as under a running watcher).
console.log("\n-- borderflow compact, then borderflow waits over Parquet + today's JSON Lines");
const compacted = { "90": join(root, "ninety-compacted"), "365": join(root, "year-compacted") };
const compactMs: Record<string, number> = {};
const compactCpu: Record<string, number> = {};
const compactRss: Record<string, number> = {};
for (const [k, src] of [
  ["90", ninety],
  ["365", year],
] as const) {
  const dst = compacted[k];
  rmSync(dst, { recursive: true, force: true });
  mkdirSync(join(dst, "readings"), { recursive: true });
  for (const f of readdirSync(join(src, "readings")))
    linkSync(join(src, "readings", f), join(dst, "readings", f));
  const cpuFile = join(root, `cpu-${process.pid}`);
  const rssFile = join(root, `rss-compact-${process.pid}`);
  const r = await runChild(
    process.execPath,
    ["--import", RSS, BIN, "--json", "compact", "--archive", dst, "--through", shiftDay(LAST_DAY, -1)],
    { env: { ...process.env, TZ: "UTC", BENCH_CPU_FILE: cpuFile, BENCH_RSS_FILE: rssFile } },
  );
  if (r.code !== 0) throw new Error(`compact failed: ${r.stderr}`);
  compactMs[k] = r.wallMs;
  compactCpu[k] = Number(readFileSync(cpuFile, "utf8"));
  compactRss[k] = Number(readFileSync(rssFile, "utf8"));
  console.log(
    `${k}-day archive compacted in ${sec(r.wallMs / 1000)} (CPU ${sec(compactCpu[k]!)}, process start included), peak ${mb(compactRss[k]!)}`,
  );
}
const compactedBytes = dirSize(join(compacted["365"], "parquet"));
const after: Measure[] = [];
for (const q of QUERIES) {
  const m = await measure(archiveOf(q, compacted), q);
  after.push(m);
  console.log(`${q.label}: ${sec(m.wallMs / 1000)}, peak ${mb(m.rssBytes)} (${m.rows} rows)`);
}

// In-process: the service call alone (no process start) against DuckDB's own query time.
// As the CLI calls it: the snapshot's ports read by the archive's DuckDB.
const { waitSummary } = await import("../src/services/waits.ts");
const inProcess: number[] = [];
for (let i = 0; i < RUNS + 1; i++) {
  const t = performance.now();
  await waitSummary(compacted["365"], {
    port: PORT,
    lane: LANES,
    by: "hour",
    from: QUERIES[2]!.from,
    to: QUERIES[2]!.to,
  });
  inProcess.push(performance.now() - t);
}
const serviceMs = median(inProcess.slice(1));
// The process start alone: `borderflow --help` (tsx compiling and loading the CLI).
const helpRuns: number[] = [];
for (let i = 0; i < RUNS; i++) helpRuns.push((await runChild(process.execPath, [BIN, "--help"])).wallMs);
const startMs = median(helpRuns);

console.log(
  "\n" +
    table(
      [
        "query (one port, commercial lanes, by hour)",
        " before: JSON Lines only",
        " after: Parquet + today",
        " DuckDB over monthly Parquet",
      ],
      QUERIES.map((q, i) => [
        q.label,
        `${sec(before[i]!.wallMs / 1000)}, ${mb(before[i]!.rssBytes)} peak`,
        `${sec(after[i]!.wallMs / 1000)}, ${mb(after[i]!.rssBytes)} peak`,
        i === 2
          ? `${limit.queryMs.toFixed(0)} ms query, ${sec(limit.wallMs / 1000)} whole process (${sec(limitRequire.wallMs / 1000)} loaded through require), ${mb(limit.rssBytes)}; ${mb(rawBytes)} on disk`
          : "",
      ]),
    ),
);
console.log(
  `\none year in process: the service ${serviceMs.toFixed(0)} ms vs DuckDB's query ${limit.queryMs.toFixed(0)} ms (${ratio(serviceMs / limit.queryMs)}); ` +
    `borderflow's process start alone (--help) ${sec(startMs / 1000)}`,
);
console.log(
  `compaction: the year in ${sec(compactMs["365"]! / 1000)}, CPU ${sec(compactCpu["365"]!)} (a process of its own; ${mb(compactedBytes)} of Parquet), DuckDB alone ${sec(rawCompactMs / 1000)}, CPU ${sec(rawCompactCpu)} in process (${ratio(compactMs["365"]! / rawCompactMs)} wall, ${ratio(compactCpu["365"]! / rawCompactCpu)} CPU)`,
);

const yearQ = after[2]!;
const summary: SummaryRow[] = [
  {
    metric: "one port, one year, whole process",
    value: sec(yearQ.wallMs / 1000),
    baseline: `DuckDB alone ${sec(limit.wallMs / 1000)}`,
    ratio: yearQ.wallMs / limit.wallMs,
    maxRatio: 1.5,
  },
  {
    metric:
      "one port, one year, whole process, vs DuckDB alone loaded through require (as borderflow loads it)",
    value: sec(yearQ.wallMs / 1000),
    baseline: `DuckDB alone ${sec(limitRequire.wallMs / 1000)}`,
    ratio: yearQ.wallMs / limitRequire.wallMs,
    maxRatio: 1.5,
  },
  {
    metric: "one port, one year, in process",
    value: `${serviceMs.toFixed(0)} ms`,
    baseline: `DuckDB query ${limit.queryMs.toFixed(0)} ms`,
    ratio: serviceMs / limit.queryMs,
    maxRatio: 1.5,
  },
  {
    metric: "compaction of the year (JSON Lines into monthly Parquet)",
    value: sec(compactMs["365"]! / 1000),
    baseline: `DuckDB alone ${sec(rawCompactMs / 1000)}`,
    ratio: compactMs["365"]! / rawCompactMs,
    maxRatio: 1.5,
  },
  {
    metric: "compaction of the year, CPU time (user + system, all threads)",
    value: sec(compactCpu["365"]!),
    baseline: `DuckDB alone ${sec(rawCompactCpu)}`,
    ratio: compactCpu["365"]! / rawCompactCpu,
    maxRatio: 1.5,
  },
  {
    metric: "one port, one year, peak memory",
    value: mb(yearQ.rssBytes),
    baseline: "target 200 MB",
    ratio: yearQ.rssBytes / (200 * 1024 * 1024),
    maxRatio: 1,
  },
];
if (!keep) rmSync(root, { recursive: true, force: true });
printAndReport({
  bench: "waits-archive",
  measured: "one-port wait queries over a synthetic year, JSON Lines and Parquet",
  seconds: (performance.now() - t00) / 1000,
  summary,
  details: {
    queries: QUERIES,
    before,
    after,
    limit,
    limitRequire,
    serviceMs,
    startMs,
    compactMs,
    compactCpu,
    compactRss,
    compactedBytes,
    rawCompactMs,
    rawCompactCpu,
    rawBytes,
    yearBytes,
  },
});
