import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "./duckdb.ts";
import { StoreError } from "../domain/errors.ts";
import {
  archiveDays,
  archiveFile,
  fsyncDir,
  fsyncFile,
  readManifest,
  writeManifest,
  type ArchiveManifest,
  type ArchivedCrossing,
  type CompactedMonth,
  type WaitArchiveWriter,
} from "./wait-archive.ts";
import { JSONL_COLUMNS_SQL, LOCAL_DATE_EXPR } from "./wait-archive-db.ts";

/**
 * Compaction of closed days of the wait-time archive into monthly Parquet, under the writer's lock.
 *
 * For each UTC month with closed days still in JSON Lines: the month's Parquet (if any) and those days are
 * merged (one row per reading key, the earliest fetched, as `dedupeReadings`), sorted by port, crossing,
 * lane, local date and update time (so a one-port query prunes row groups), written to a new file (temporary
 * name, fsynced, renamed), and only then committed by replacing the manifest atomically. The JSON Lines days
 * and the month's old files are deleted after the commit. A kill before the commit leaves unreferenced files
 * (deleted by the next compaction) and the JSON Lines counted; a kill after it leaves JSON Lines of compacted
 * days, which readers ignore and the next compaction merges (no reading twice: the merge keeps one row per
 * key). Readings a watcher appends late to a compacted day are merged the same way by the next compaction.
 *
 * Hourly and daily roll-ups are made when retention drops a month's raw readings (the same write, fsync,
 * rename and commit), not at every compaction: while the raw readings are kept they hold everything, and a
 * month of hourly updates has about as many hourly groups as readings, so rolling up at each compaction cost
 * about half again the merge's time for files nothing read. Late readings of a month whose raw readings are
 * gone add to its roll-ups.
 */

/** Folders of the Parquet files, relative to the archive. */
export const PARQUET_DIRS = {
  raw: join("parquet", "readings"),
  hourly: join("parquet", "hourly"),
  daily: join("parquet", "daily"),
} as const;

/** DuckDB's memory limit for a compaction unless one is given (`CompactOptions.memoryLimit`). */
export const COMPACTION_MEMORY_LIMIT = "512MB";

/** Rows per Parquet row group: small enough that one port's rows of a month span one or two groups. */
export const ROW_GROUP_ROWS = 16_384;

/** The compaction steps a crash test can stop at (`onStep`). */
export type CompactionStep =
  "start" | "written" | "renamed" | "committed" | "cleaned" | "rolled-up" | "retention";

export interface CompactOptions {
  /** The last UTC day (YYYY-MM-DD, inclusive) that is closed and may be compacted. */
  through: string;
  /** Keep raw readings of months whose days are all older than this many days before `through`; roll-ups stay. */
  keepRawDays?: number;
  /** Called at each step (tests kill the process there). */
  onStep?: (step: CompactionStep, month: string) => void;
  /**
   * DuckDB's memory limit for the merge (default COMPACTION_MEMORY_LIMIT; it spills to disk beyond). At 256MB a
   * month of the synthetic year (350,000 readings) sorts out of core: compacting that year in process took
   * 19.6–23.4 s of CPU at 256MB against 15.7–17.1 s at 512MB, for a process peak of 560–584 MB against
   * 705–836 MB (docs/waits.md). The peak is above the limit: the JSON reader's buffers are outside it.
   */
  memoryLimit?: string;
}

export interface CompactionReport {
  /** Months rewritten, with the JSON Lines days merged into each and the readings in the result. */
  months: { month: string; days: string[]; readings: number }[];
  /** Months whose raw readings retention dropped (roll-ups kept). */
  rawDropped: string[];
  /** Files removed: compacted JSON Lines, replaced Parquet, leftovers of an interrupted compaction. */
  removedFiles: number;
}

/**
 * Threads for the merge (reading JSON Lines, sorting, writing) and for the roll-ups. A month of hourly
 * updates has about as many hourly groups as readings, and DuckDB's parallel aggregation of that many groups
 * (partitioned hash tables, then a merge) costs about twice the CPU of one thread for little gain in time
 * on a small machine: the roll-ups run on one thread.
 */
const MERGE_THREADS = "SET threads = 2";
const ROLLUP_THREADS = "SET threads = 1";

const PARQUET_OPTIONS = `FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS}`;
const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const shiftDay = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The reading columns of the raw Parquet files, in order (the WaitReading fields, then derived ones). */
export const RAW_SELECT = `key, crossing, port, portName, crossingName, border, lane, status, delayMinutes,
  lanesOpen, maxLanes, portStatus, automationType, updatedAt, timeZone, fetchedAt, format, localDate, archiveDay`;

/*
 * The roll-ups group by crossing (a crossing belongs to one port: `portOfCrossing`), not by port and crossing,
 * and carry names with any_value: each group-by key is a string to hash for every reading, and a month of
 * hourly updates has about as many hourly groups as readings, so keys and string aggregates are most of a
 * compaction's cost. Rows stay sorted by port first, so one port's rows span few row groups.
 */

/** Hourly roll-up: one row per crossing, lane, local date and local hour (null for closed lanes without a time). */
export const HOURLY_SQL = (
  src: string,
) => `SELECT any_value(port) AS port, crossing, any_value(portName) AS portName,
    any_value(crossingName) AS crossingName, lane, localDate,
    CAST(substr(updatedAt, 12, 2) AS INTEGER) AS hour,
    count(delayMinutes)::INTEGER AS readings, sum(delayMinutes)::BIGINT AS sumMinutes,
    min(delayMinutes)::INTEGER AS minMinutes, max(delayMinutes)::INTEGER AS maxMinutes,
    count(*) FILTER (WHERE status = 'closed')::INTEGER AS closedReadings,
    min(updatedAt) AS firstUpdate, max(updatedAt) AS lastUpdate
  FROM ${src} GROUP BY crossing, lane, localDate, hour ORDER BY port, crossing, lane, localDate, hour`;

/** Daily roll-up from the hourly one. */
export const DAILY_SQL = (
  hourly: string,
) => `SELECT any_value(port) AS port, crossing, any_value(portName) AS portName,
    any_value(crossingName) AS crossingName, lane, localDate,
    sum(readings)::INTEGER AS readings, sum(sumMinutes)::BIGINT AS sumMinutes,
    min(minMinutes)::INTEGER AS minMinutes, max(maxMinutes)::INTEGER AS maxMinutes,
    sum(closedReadings)::INTEGER AS closedReadings, min(firstUpdate) AS firstUpdate, max(lastUpdate) AS lastUpdate
  FROM ${hourly} GROUP BY crossing, lane, localDate ORDER BY port, crossing, lane, localDate`;

/** Hourly roll-ups merged (when the raw readings they summarise are gone): counts and sums add up. */
const REAGGREGATE_HOURLY_SQL = (
  src: string,
) => `SELECT any_value(port) AS port, crossing, any_value(portName) AS portName,
    any_value(crossingName) AS crossingName, lane, localDate, hour,
    sum(readings)::INTEGER AS readings, sum(sumMinutes)::BIGINT AS sumMinutes,
    min(minMinutes)::INTEGER AS minMinutes, max(maxMinutes)::INTEGER AS maxMinutes,
    sum(closedReadings)::INTEGER AS closedReadings, min(firstUpdate) AS firstUpdate, max(lastUpdate) AS lastUpdate
  FROM ${src} GROUP BY crossing, lane, localDate, hour ORDER BY port, crossing, lane, localDate, hour`;

/**
 * The JSON Lines days of a month as rows of the raw Parquet's shape; `archiveDay` is the file's day (its name
 * ends in `YYYY-MM-DD.jsonl`: a substring, not a regular expression run on every reading).
 */
function jsonlRows(files: readonly string[]): string {
  return `SELECT *, ${LOCAL_DATE_EXPR} AS localDate, substr(filename, length(filename) - 15, 10) AS archiveDay
    FROM read_json([${files.map(sqlString).join(", ")}], format = 'newline_delimited',
      columns = ${JSONL_COLUMNS_SQL}, ignore_errors = true, filename = true)
    WHERE key IS NOT NULL`;
}

/** Deletes files under the Parquet folders that the manifest does not reference (leftovers of a crash). */
function removeOrphans(dir: string, m: ArchiveManifest): number {
  const referenced = new Set(
    Object.values(m.months).flatMap((x) => [x.raw, x.hourly, x.daily].filter((f): f is string => !!f)),
  );
  let removed = 0;
  for (const sub of Object.values(PARQUET_DIRS)) {
    const full = join(dir, sub);
    if (!existsSync(full)) continue;
    for (const name of readdirSync(full)) {
      const rel = join(sub, name);
      if (referenced.has(rel)) continue;
      rmSync(join(full, name), { force: true, recursive: true });
      removed++;
    }
  }
  return removed;
}

async function openDuckDb(
  dir: string,
  memoryLimit: string,
): Promise<{ db: DuckDBInstance; conn: DuckDBConnection }> {
  const db = await DuckDBInstance.create(":memory:", {
    memory_limit: memoryLimit,
    threads: "2",
    temp_directory: join(dir, "parquet", ".spill"),
  });
  return { db, conn: await db.connect() };
}

/**
 * Compacts every closed day (up to `through`) still in JSON Lines into its month's Parquet, then applies
 * retention. Must be given the archive's writer (the lock holder). Safe to run again after a kill.
 */
export async function compactArchive(
  writer: WaitArchiveWriter,
  opts: CompactOptions,
): Promise<CompactionReport> {
  const dir = writer.dir;
  const step = opts.onStep ?? (() => {});
  const report: CompactionReport = { months: [], rawDropped: [], removedFiles: 0 };
  let manifest = readManifest(dir);
  for (const sub of Object.values(PARQUET_DIRS)) mkdirSync(join(dir, sub), { recursive: true });
  report.removedFiles += removeOrphans(dir, manifest);
  const days = archiveDays(dir, "readings").filter((d) => d <= opts.through);
  const byMonth = new Map<string, string[]>();
  for (const d of days) byMonth.set(d.slice(0, 7), [...(byMonth.get(d.slice(0, 7)) ?? []), d]);
  if (byMonth.size === 0 && opts.keepRawDays === undefined) return report;

  const { db, conn } = await openDuckDb(dir, opts.memoryLimit ?? COMPACTION_MEMORY_LIMIT);
  try {
    for (const [month, monthDays] of byMonth) {
      step("start", month);
      const old: CompactedMonth | undefined = manifest.months[month];
      const generation = manifest.generation + 1;
      const rel = {
        raw: join(PARQUET_DIRS.raw, `${month}.${generation}.parquet`),
        hourly: join(PARQUET_DIRS.hourly, `${month}.${generation}.parquet`),
        daily: join(PARQUET_DIRS.daily, `${month}.${generation}.parquet`),
      };
      const tmp = (r: string) => join(dir, `${r}.tmp`);
      const files = monthDays.map((d) => archiveFile(dir, "readings", d));
      const fresh = jsonlRows(files);
      const rawKept = !old || old.raw !== null;
      if (!rawKept) {
        // Raw readings of this month were dropped by retention; late readings only add to its roll-ups.
        await conn.run(ROLLUP_THREADS);
        await conn.run(
          `COPY (${REAGGREGATE_HOURLY_SQL(`(SELECT * FROM read_parquet(${sqlString(join(dir, old.hourly!))})
              UNION ALL BY NAME (${HOURLY_SQL(`(${fresh})`)}))`)}) TO ${sqlString(tmp(rel.hourly))} (${PARQUET_OPTIONS})`,
        );
        await conn.run(
          `COPY (${DAILY_SQL(`read_parquet(${sqlString(tmp(rel.hourly))})`)}) TO ${sqlString(tmp(rel.daily))} (${PARQUET_OPTIONS})`,
        );
        await conn.run(MERGE_THREADS);
      } else {
        const merged = old?.raw
          ? `(SELECT ${RAW_SELECT}, 0 AS src FROM read_parquet(${sqlString(join(dir, old.raw))})
              UNION ALL SELECT ${RAW_SELECT}, 1 AS src FROM (${fresh}))`
          : `(SELECT ${RAW_SELECT}, 1 AS src FROM (${fresh}))`;
        // A key lives in one UTC day, and the watcher writes it once: rows can repeat only when a day is
        // merged into a month that already holds it (left by a kill after a commit, or appended late).
        const overlap = old?.days.some((d) => monthDays.includes(d)) ?? false;
        const dedupe = overlap
          ? "QUALIFY row_number() OVER (PARTITION BY key ORDER BY fetchedAt, src, archiveDay) = 1"
          : "";
        // (port, crossing, lane, updatedAt, fetchedAt) identifies a reading as its key does, in a short sort.
        await conn.run(
          `COPY (SELECT ${RAW_SELECT} FROM ${merged} ${dedupe}
              ORDER BY port, crossing, lane, localDate, updatedAt, fetchedAt)
            TO ${sqlString(tmp(rel.raw))} (${PARQUET_OPTIONS})`,
        );
      }
      const summarised = rawKept ? tmp(rel.raw) : tmp(rel.daily);
      const [summary] = (
        await conn.runAndReadAll(
          rawKept
            ? `SELECT count(*)::INTEGER AS readings FROM read_parquet(${sqlString(summarised)})`
            : `SELECT (sum(readings) + sum(closedReadings))::INTEGER AS readings FROM read_parquet(${sqlString(tmp(rel.hourly))})`,
        )
      ).getRowObjectsJS() as { readings: number }[];
      const crossings = (
        await conn.runAndReadAll(
          `SELECT any_value(port) AS port, crossing, any_value(portName) AS portName, any_value(crossingName) AS crossingName
            FROM read_parquet(${sqlString(summarised)}) GROUP BY crossing ORDER BY port, crossing`,
        )
      ).getRowObjectsJS() as unknown as ArchivedCrossing[];
      const written = rawKept ? [rel.raw] : [rel.hourly, rel.daily];
      for (const r of written) fsyncFile(tmp(r));
      step("written", month);
      for (const r of written) renameSync(tmp(r), join(dir, r));
      for (const sub of Object.values(PARQUET_DIRS)) fsyncDir(join(dir, sub));
      step("renamed", month);

      const next: ArchiveManifest = structuredClone(manifest);
      next.generation = generation;
      next.months[month] = {
        raw: rawKept ? rel.raw : null,
        hourly: rawKept ? null : rel.hourly,
        daily: rawKept ? null : rel.daily,
        days: [...new Set([...(old?.days ?? []), ...monthDays])].sort(),
        readings: rawKept ? (summary?.readings ?? 0) : (old?.readings ?? 0) + (summary?.readings ?? 0),
        crossings: mergeCrossings(old?.crossings ?? [], crossings),
      };
      writeManifest(dir, next); // the commit
      manifest = next;
      step("committed", month);

      for (const f of [old?.raw, old?.hourly, old?.daily]) if (f) rmSync(join(dir, f), { force: true });
      for (const f of files) rmSync(f, { force: true });
      fsyncDir(join(dir, "readings"));
      report.removedFiles += files.length;
      report.months.push({ month, days: monthDays, readings: next.months[month]!.readings });
      step("cleaned", month);
    }

    if (opts.keepRawDays !== undefined) {
      const cutoff = shiftDay(opts.through, -opts.keepRawDays);
      for (const [month, entry] of Object.entries(manifest.months).sort()) {
        if (entry.raw === null || entry.days.some((d) => d > cutoff)) continue;
        // The roll-ups are made from the raw readings now, before these go (written, fsynced, renamed, then
        // committed with the raw readings dropped: a kill before the commit leaves the raw readings counted).
        const generation = manifest.generation + 1;
        const rel = {
          hourly: join(PARQUET_DIRS.hourly, `${month}.${generation}.parquet`),
          daily: join(PARQUET_DIRS.daily, `${month}.${generation}.parquet`),
        };
        const tmp = (r: string) => join(dir, `${r}.tmp`);
        await conn.run(ROLLUP_THREADS);
        await conn.run(
          `COPY (${HOURLY_SQL(`read_parquet(${sqlString(join(dir, entry.raw))})`)}) TO ${sqlString(tmp(rel.hourly))} (${PARQUET_OPTIONS})`,
        );
        await conn.run(
          `COPY (${DAILY_SQL(`read_parquet(${sqlString(tmp(rel.hourly))})`)}) TO ${sqlString(tmp(rel.daily))} (${PARQUET_OPTIONS})`,
        );
        await conn.run(MERGE_THREADS);
        for (const r of [rel.hourly, rel.daily]) fsyncFile(tmp(r));
        for (const r of [rel.hourly, rel.daily]) renameSync(tmp(r), join(dir, r));
        fsyncDir(join(dir, PARQUET_DIRS.hourly));
        fsyncDir(join(dir, PARQUET_DIRS.daily));
        step("rolled-up", month);
        const next: ArchiveManifest = structuredClone(manifest);
        next.generation = generation;
        next.months[month] = { ...entry, raw: null, hourly: rel.hourly, daily: rel.daily };
        writeManifest(dir, next); // the commit
        manifest = next;
        for (const f of [entry.raw, entry.hourly, entry.daily]) if (f) rmSync(join(dir, f), { force: true });
        report.rawDropped.push(month);
        step("retention", month);
      }
    }
  } catch (e) {
    throw new StoreError(`cannot compact the wait-time archive ${dir}: ${(e as Error).message}`, {
      cause: e,
    });
  } finally {
    conn.closeSync();
    db.closeSync();
    rmSync(join(dir, "parquet", ".spill"), { recursive: true, force: true });
  }
  return report;
}

function mergeCrossings(a: readonly ArchivedCrossing[], b: readonly ArchivedCrossing[]): ArchivedCrossing[] {
  const out = new Map<string, ArchivedCrossing>();
  for (const c of [...a, ...b]) out.set(`${c.port}|${c.crossing}`, c);
  return [...out.values()].sort(
    (x, y) => x.port.localeCompare(y.port) || x.crossing.localeCompare(y.crossing),
  );
}

/** The last UTC day that is closed at `now`: a day closes `graceHours` after its end (late updates). */
export function closedThrough(now: string | Date, graceHours = 6): string {
  const t = new Date(now).getTime() - graceHours * 3_600_000;
  return new Date(t - 86_400_000).toISOString().slice(0, 10);
}
