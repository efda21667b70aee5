import { existsSync } from "node:fs";
import { DuckDBInstance, listValue, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { StoreError } from "../domain/errors.ts";
import type { Query } from "./sql.ts";
import { archiveDays, archiveFile } from "./wait-archive.ts";

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

const COLUMNS_SQL = `{${Object.entries(READING_COLUMNS)
  .map(([k, t]) => `'${k}': '${t}'`)
  .join(", ")}}`;

/** The reading files of an archive folder whose UTC day is within a range (all when no range). */
export function readingFiles(dir: string, range?: { from: string; to: string }): string[] {
  return archiveDays(dir, "readings")
    .filter((d) => !range || (d >= range.from && d <= range.to))
    .map((d) => archiveFile(dir, "readings", d));
}

/**
 * An in-memory DuckDB holding readings of the archive in the table `wait_readings`. It reads the files
 * once, without locking them, so queries run while a watcher appends. A line being written (no newline
 * yet, or torn by a kill) reads as all NULLs and is dropped.
 */
export class WaitArchiveDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    /** The files loaded. */
    readonly files: readonly string[],
  ) {}

  /** Loads the given reading files (none gives an empty table). */
  static async open(files: readonly string[]): Promise<WaitArchiveDb> {
    const instance = await DuckDBInstance.create(":memory:");
    const conn = await instance.connect();
    try {
      const present = files.filter((f) => existsSync(f));
      if (present.length === 0) {
        const cols = Object.entries(READING_COLUMNS)
          .map(([k, t]) => `"${k}" ${t}`)
          .join(", ");
        await conn.run(`CREATE TABLE wait_readings (${cols})`);
      } else {
        await conn.run(
          `CREATE TABLE wait_readings AS SELECT * FROM read_json(?, format = 'newline_delimited',
            columns = ${COLUMNS_SQL}, ignore_errors = true) WHERE key IS NOT NULL`,
          [listValue(present)],
        );
      }
    } catch (e) {
      conn.closeSync();
      instance.closeSync();
      throw new StoreError(`cannot read the wait-time archive: ${(e as Error).message}`, { cause: e });
    }
    return new WaitArchiveDb(instance, conn, files);
  }

  /** Runs a query and returns plain row objects. */
  async all<T = Record<string, unknown>>(q: Query): Promise<T[]> {
    const reader = await this.conn.runAndReadAll(q.sql, q.params as DuckDBValue[]);
    return reader.getRowObjectsJS() as T[];
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/** Runs one query on a throwaway in-memory DuckDB (reading Parquet files of the snapshot, for example). */
export async function queryDetached<T>(q: Query): Promise<T[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll(q.sql, q.params as DuckDBValue[])).getRowObjectsJS() as T[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
