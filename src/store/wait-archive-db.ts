import { existsSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance, listValue, type DuckDBConnection, type DuckDBValue } from "./duckdb.ts";
import { StoreError } from "../domain/errors.ts";
import type { Query } from "./sql.ts";
import {
  archiveDays,
  archiveFile,
  compactedDays,
  readManifest,
  type ArchivedCrossing,
  type ArchiveManifest,
} from "./wait-archive.ts";

/** The columns of an archived reading line and their DuckDB types (the fields of WaitReading). */
export const READING_COLUMNS: Record<string, string> = {
  key: "VARCHAR",
  crossing: "VARCHAR",
  port: "VARCHAR",
  portName: "VARCHAR",
  crossingName: "VARCHAR",
  border: "VARCHAR",
  lane: "VARCHAR",
  status: "VARCHAR",
  delayMinutes: "INTEGER",
  lanesOpen: "INTEGER",
  maxLanes: "INTEGER",
  portStatus: "VARCHAR",
  automationType: "VARCHAR",
  updatedAt: "VARCHAR",
  timeZone: "VARCHAR",
  fetchedAt: "VARCHAR",
  format: "VARCHAR",
};

/** `read_json`'s `columns` argument for archived reading lines. */
export const JSONL_COLUMNS_SQL = `{${Object.entries(READING_COLUMNS)
  .map(([k, t]) => `'${k}': '${t}'`)
  .join(", ")}}`;

/**
 * The local date of a reading: of its update time (written in the port's offset, so its first 10 characters
 * are the local date), else (closed lanes without one) of its fetch, UTC. Stored as `localDate` in Parquet.
 */
export const LOCAL_DATE_EXPR = "coalesce(substr(updatedAt, 1, 10), substr(fetchedAt, 1, 10))";

/** A query over the archive: like Query, but a parameter can be a list of file names (read_json/read_parquet). */
export interface ArchiveQuery {
  sql: string;
  params: (Query["params"][number] | readonly string[])[];
}

/** The files one read of the archive uses, chosen from the manifest and the day files present. */
export interface ArchiveReadPlan {
  dir: string;
  /** Monthly Parquet files of raw readings. */
  raw: string[];
  /** Hourly roll-ups of months whose raw readings retention dropped. */
  hourly: string[];
  /** JSON Lines day files of days not compacted. */
  jsonl: string[];
  /** Months read from roll-ups only. */
  rollupMonths: string[];
  /** Crossings the compacted months in range hold (from the manifest; the JSON Lines days are read for theirs). */
  crossings: ArchivedCrossing[];
  manifest: ArchiveManifest;
}

/**
 * Which files hold the readings of UTC days `range.from`..`range.to` (all when no range): the manifest's
 * Parquet files of the months that overlap, and the JSON Lines files of days the manifest does not list.
 * A month is the Parquet's unit, so months are pruned here; rows inside are pruned by DuckDB.
 */
export function planArchiveRead(dir: string, range?: { from: string; to: string }): ArchiveReadPlan {
  const manifest = readManifest(dir);
  const compacted = compactedDays(manifest);
  const inRange = (d: string) => !range || (d >= range.from && d <= range.to);
  const monthInRange = (m: string) => !range || (m >= range.from.slice(0, 7) && m <= range.to.slice(0, 7));
  const plan: ArchiveReadPlan = {
    dir,
    raw: [],
    hourly: [],
    jsonl: [],
    rollupMonths: [],
    crossings: [],
    manifest,
  };
  for (const [month, m] of Object.entries(manifest.months).sort()) {
    if (!monthInRange(month) || !m.days.some(inRange)) continue;
    if (m.raw) plan.raw.push(join(dir, m.raw));
    else if (m.hourly) {
      plan.hourly.push(join(dir, m.hourly));
      plan.rollupMonths.push(month);
    }
    plan.crossings.push(...m.crossings);
  }
  plan.jsonl = archiveDays(dir, "readings")
    .filter((d) => inRange(d) && !compacted.has(d))
    .map((d) => archiveFile(dir, "readings", d));
  return plan;
}

/**
 * The readings of a plan as one relation, with the columns the wait queries use: port, crossing, portName,
 * crossingName, lane, status, delayMinutes, updatedAt (first update), lastUpdatedAt, localDate, `n` (readings
 * a row stands for), maxMinutes and closedN (closed readings it stands for). Raw readings are one row each;
 * a roll-up hour stands for its readings with their mean wait. Only the columns a query names are read.
 */
export function readingsSource(plan: ArchiveReadPlan): ArchiveQuery {
  const parts: string[] = [];
  const params: ArchiveQuery["params"] = [];
  const rawCols = (localDate: string) =>
    `port, crossing, portName, crossingName, lane, status, delayMinutes, updatedAt, updatedAt AS lastUpdatedAt,
      ${localDate} AS localDate, 1 AS n, delayMinutes AS maxMinutes, CASE WHEN status = 'closed' THEN 1 ELSE 0 END AS closedN`;
  if (plan.raw.length) {
    parts.push(`SELECT ${rawCols("localDate")} FROM read_parquet(?)`);
    params.push(plan.raw);
  }
  if (plan.jsonl.length) {
    parts.push(
      `SELECT ${rawCols(LOCAL_DATE_EXPR)} FROM read_json(?, format = 'newline_delimited',
        columns = ${JSONL_COLUMNS_SQL}, ignore_errors = true) WHERE key IS NOT NULL`,
    );
    params.push(plan.jsonl);
  }
  if (plan.hourly.length) {
    parts.push(
      `SELECT port, crossing, portName, crossingName, lane, 'delay' AS status, sumMinutes / readings AS delayMinutes,
          firstUpdate AS updatedAt, lastUpdate AS lastUpdatedAt, localDate, readings AS n, maxMinutes, 0 AS closedN
        FROM read_parquet(?) WHERE readings > 0
       UNION ALL
       SELECT port, crossing, portName, crossingName, lane, 'closed', NULL, NULL, NULL, localDate, 0, NULL, closedReadings
        FROM read_parquet(?) WHERE closedReadings > 0`,
    );
    params.push(plan.hourly, plan.hourly);
  }
  if (parts.length === 0)
    parts.push(`SELECT NULL::VARCHAR AS port, NULL::VARCHAR AS crossing, NULL::VARCHAR AS portName,
      NULL::VARCHAR AS crossingName, NULL::VARCHAR AS lane, NULL::VARCHAR AS status, NULL::INTEGER AS delayMinutes,
      NULL::VARCHAR AS updatedAt, NULL::VARCHAR AS lastUpdatedAt, NULL::VARCHAR AS localDate, 0 AS n,
      NULL::INTEGER AS maxMinutes, 0 AS closedN WHERE false`);
  return { sql: `(${parts.join("\nUNION ALL\n")})`, params };
}

/** DuckDB settings of a reader: bounded memory (it spills beyond), two threads. */
export const READER_SETTINGS = { memory_limit: "128MB", threads: "2" } as const;

const toDuckParams = (params: ArchiveQuery["params"]) =>
  params.map((p) => (Array.isArray(p) ? listValue([...p]) : p)) as DuckDBValue[];

/**
 * An in-memory DuckDB that reads the archive's files in place (Parquet and JSON Lines, without locking
 * them), so queries run while a watcher appends or compacts. Memory is bounded by the answer: files are
 * scanned, not loaded.
 */
export class WaitArchiveDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  static async open(): Promise<WaitArchiveDb> {
    const instance = await DuckDBInstance.create(":memory:", { ...READER_SETTINGS });
    return new WaitArchiveDb(instance, await instance.connect());
  }

  /** Runs a query and returns plain row objects. A file that vanished (a compaction replaced it) is a StoreError. */
  async all<T = Record<string, unknown>>(q: ArchiveQuery | Query): Promise<T[]> {
    try {
      const reader = await this.conn.runAndReadAll(q.sql, toDuckParams(q.params));
      return reader.getRowObjectsJS() as T[];
    } catch (e) {
      throw new StoreError(`cannot read the wait-time archive: ${(e as Error).message}`, { cause: e });
    }
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/**
 * Opens a reader, plans the files of a range and runs `work`; if a file of the plan vanished meanwhile (a
 * compaction committed and removed it), plans again once from the new manifest.
 */
export async function withArchiveRead<T>(
  dir: string,
  range: { from: string; to: string } | undefined,
  work: (db: WaitArchiveDb, plan: ArchiveReadPlan) => Promise<T>,
): Promise<T> {
  const db = await WaitArchiveDb.open();
  try {
    for (let attempt = 0; ; attempt++) {
      const plan = planArchiveRead(dir, range);
      try {
        return await work(db, plan);
      } catch (e) {
        const vanished = [...plan.raw, ...plan.hourly, ...plan.jsonl].some((f) => !existsSync(f));
        if (attempt > 0 || !vanished) throw e;
      }
    }
  } finally {
    db.close();
  }
}

/** Runs one query on a throwaway in-memory DuckDB (reading Parquet files of the snapshot, for example). */
export async function queryDetached<T>(q: Query | ArchiveQuery): Promise<T[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll(q.sql, toDuckParams(q.params))).getRowObjectsJS() as T[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/**
 * The raw readings of some compacted UTC days, one day at a time (as the watcher needs them when it restarts
 * over an archive whose recent days are already in Parquet). Rows have the fields of WaitReading.
 */
export async function readCompactedDay(
  dir: string,
  manifest: ArchiveManifest,
  day: string,
): Promise<Record<string, unknown>[]> {
  const month = manifest.months[day.slice(0, 7)];
  if (!month?.raw || !month.days.includes(day)) return [];
  const cols = Object.keys(READING_COLUMNS).join(", ");
  return queryDetached<Record<string, unknown>>({
    sql: `SELECT ${cols} FROM read_parquet(?) WHERE archiveDay = ? ORDER BY key`,
    params: [join(dir, month.raw), day],
  });
}

/**
 * Every raw reading an archive counts (Parquet months and the JSON Lines of days not compacted), as rows
 * with the fields of WaitReading, sorted by key. For checks and exports: it holds the whole answer in memory.
 */
export async function readArchiveReadings(dir: string): Promise<Record<string, unknown>[]> {
  const plan = planArchiveRead(dir);
  const cols = Object.keys(READING_COLUMNS).join(", ");
  const parts: string[] = [];
  const params: ArchiveQuery["params"] = [];
  if (plan.raw.length) {
    parts.push(`SELECT ${cols} FROM read_parquet(?)`);
    params.push(plan.raw);
  }
  if (plan.jsonl.length) {
    parts.push(
      `SELECT ${cols} FROM read_json(?, format = 'newline_delimited', columns = ${JSONL_COLUMNS_SQL},
        ignore_errors = true) WHERE key IS NOT NULL`,
    );
    params.push(plan.jsonl);
  }
  if (parts.length === 0) return [];
  return queryDetached({ sql: `${parts.join(" UNION ALL ")} ORDER BY key`, params });
}
