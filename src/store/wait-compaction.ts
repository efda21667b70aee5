import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
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
 * lane, local date and update time (so a one-port query prunes row groups), written with hourly and daily
 * roll-ups to new files (temporary names, fsynced, renamed), and only then committed by replacing the
 * manifest atomically. The JSON Lines days and the month's old files are deleted after the commit. A kill
 * before the commit leaves unreferenced files (deleted by the next compaction) and the JSON Lines counted;
 * a kill after it leaves JSON Lines of compacted days, which readers ignore and the next compaction merges
 * (no reading twice: the merge keeps one row per key). Readings a watcher appends late to a compacted day
 * are merged the same way by the next compaction.
 */

/** Folders of the Parquet files, relative to the archive. */
export const PARQUET_DIRS = {
  raw: join("parquet", "readings"),
  hourly: join("parquet", "hourly"),
  daily: join("parquet", "daily"),
} as const;

/** Rows per Parquet row group: small enough that one port's rows of a month span one or two groups. */
export const ROW_GROUP_ROWS = 16_384;

/** The compaction steps a crash test can stop at (`onStep`). */
export type CompactionStep = "start" | "written" | "renamed" | "committed" | "cleaned" | "retention";

export interface CompactOptions {
  /** The last UTC day (YYYY-MM-DD, inclusive) that is closed and may be compacted. */
  through: string;
  /** Keep raw readings of months whose days are all older than this many days before `through`; roll-ups stay. */
  keepRawDays?: number;
  /** Called at each step (tests kill the process there). */
  onStep?: (step: CompactionStep, month: string) => void;
  /** DuckDB's memory limit for the merge (default 256MB; it spills to disk beyond). */
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

const PARQUET_OPTIONS = `FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS}`;
const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const shiftDay = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The reading columns of the raw Parquet files, in order (the WaitReading fields, then derived ones). */
export const RAW_SELECT = `key, crossing, port, portName, crossingName, border, lane, status, delayMinutes,
  lanesOpen, maxLanes, portStatus, automationType, updatedAt, timeZone, fetchedAt, format, localDate, archiveDay`;

/** Hourly roll-up: one row per crossing, lane, local date and local hour (null for closed lanes without a time). */
export const HOURLY_SQL = (src: string) => `SELECT port, crossing, any_value(portName) AS portName,
    any_value(crossingName) AS crossingName, lane, localDate,
    CAST(substr(updatedAt, 12, 2) AS INTEGER) AS hour,
    count(delayMinutes)::INTEGER AS readings, sum(delayMinutes)::BIGINT AS sumMinutes,
    min(delayMinutes)::INTEGER AS minMinutes, max(delayMinutes)::INTEGER AS maxMinutes,
    count(*) FILTER (WHERE status = 'closed')::INTEGER AS closedReadings,
    min(updatedAt) AS firstUpdate, max(updatedAt) AS lastUpdate
  FROM ${src} GROUP BY ALL ORDER BY port, crossing, lane, localDate, hour`;

/** Daily roll-up from the hourly one. */
export const DAILY_SQL = (hourly: string) => `SELECT port, crossing, any_value(portName) AS portName,
    any_value(crossingName) AS crossingName, lane, localDate,
    sum(readings)::INTEGER AS readings, sum(sumMinutes)::BIGINT AS sumMinutes,
    min(minMinutes)::INTEGER AS minMinutes, max(maxMinutes)::INTEGER AS maxMinutes,
    sum(closedReadings)::INTEGER AS closedReadings, min(firstUpdate) AS firstUpdate, max(lastUpdate) AS lastUpdate
  FROM ${hourly} GROUP BY ALL ORDER BY port, crossing, lane, localDate`;

/** Hourly roll-ups merged (when the raw readings they summarise are gone): counts and sums add up. */
const REAGGREGATE_HOURLY_SQL = (src: string) => `SELECT port, crossing, any_value(portName) AS portName,
    any_value(crossingName) AS crossingName, lane, localDate, hour,
    sum(readings)::INTEGER AS readings, sum(sumMinutes)::BIGINT AS sumMinutes,
    min(minMinutes)::INTEGER AS minMinutes, max(maxMinutes)::INTEGER AS maxMinutes,
    sum(closedReadings)::INTEGER AS closedReadings, min(firstUpdate) AS firstUpdate, max(lastUpdate) AS lastUpdate
  FROM ${src} GROUP BY ALL ORDER BY port, crossing, lane, localDate, hour`;

/** The JSON Lines days of a month as rows of the raw Parquet's shape. */
function jsonlRows(files: readonly string[]): string {
  return `SELECT *, ${LOCAL_DATE_EXPR} AS localDate, regexp_extract(filename, '(\\d{4}-\\d{2}-\\d{2})\\.jsonl$', 1) AS archiveDay
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

  const { db, conn } = await openDuckDb(dir, opts.memoryLimit ?? "256MB");
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
      let rawKept = true;
      if (old && old.raw === null) {
        // Raw readings of this month were dropped by retention; late readings only add to its roll-ups.
        rawKept = false;
        await conn.run(
          `COPY (${REAGGREGATE_HOURLY_SQL(`(SELECT * FROM read_parquet(${sqlString(join(dir, old.hourly))})
              UNION ALL BY NAME (${HOURLY_SQL(`(${fresh})`)}))`)}) TO ${sqlString(tmp(rel.hourly))} (${PARQUET_OPTIONS})`,
        );
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
        await conn.run(
          `COPY (SELECT ${RAW_SELECT} FROM ${merged} ${dedupe}
              ORDER BY port, crossing, lane, localDate, updatedAt, key)
            TO ${sqlString(tmp(rel.raw))} (${PARQUET_OPTIONS})`,
        );
        await conn.run(
          `COPY (${HOURLY_SQL(`read_parquet(${sqlString(tmp(rel.raw))})`)}) TO ${sqlString(tmp(rel.hourly))} (${PARQUET_OPTIONS})`,
        );
      }
      await conn.run(
        `COPY (${DAILY_SQL(`read_parquet(${sqlString(tmp(rel.hourly))})`)}) TO ${sqlString(tmp(rel.daily))} (${PARQUET_OPTIONS})`,
      );
      const [summary] = (
        await conn.runAndReadAll(
          rawKept
            ? `SELECT count(*)::INTEGER AS readings FROM read_parquet(${sqlString(tmp(rel.raw))})`
            : `SELECT (sum(readings) + sum(closedReadings))::INTEGER AS readings FROM read_parquet(${sqlString(tmp(rel.hourly))})`,
        )
      ).getRowObjectsJS() as { readings: number }[];
      const crossings = (
        await conn.runAndReadAll(
          `SELECT port, crossing, any_value(portName) AS portName, any_value(crossingName) AS crossingName
            FROM read_parquet(${sqlString(tmp(rel.daily))}) GROUP BY port, crossing ORDER BY port, crossing`,
        )
      ).getRowObjectsJS() as unknown as ArchivedCrossing[];
      const written = rawKept ? [rel.raw, rel.hourly, rel.daily] : [rel.hourly, rel.daily];
      for (const r of written) fsyncFile(tmp(r));
      step("written", month);
      for (const r of written) renameSync(tmp(r), join(dir, r));
      for (const sub of Object.values(PARQUET_DIRS)) fsyncDir(join(dir, sub));
      step("renamed", month);

      const next: ArchiveManifest = structuredClone(manifest);
      next.generation = generation;
      next.months[month] = {
        raw: rawKept ? rel.raw : null,
        hourly: rel.hourly,
        daily: rel.daily,
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
        const next: ArchiveManifest = structuredClone(manifest);
        next.generation = manifest.generation + 1;
        next.months[month] = { ...entry, raw: null };
        writeManifest(dir, next);
        manifest = next;
        rmSync(join(dir, entry.raw), { force: true });
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
