import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { homedir } from "node:os";
import { fileURLToPath } from "node:url";
import {
  DuckDBInstance,
  type DuckDBConnection,
  type DuckDBPreparedStatement,
  type DuckDBValue,
} from "@duckdb/node-api";
import { StoreError } from "../domain/errors.ts";
import { STORE_TABLES, TABLE_NAMES, TABLES, type TableName } from "./schema.ts";
import type { Query } from "./sql.ts";

/** The snapshot vendored with the package: `data/snapshot` next to `src/`. */
export const DEFAULT_SNAPSHOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../data/snapshot");

/**
 * Where the database lives unless told otherwise: `$BORDERFLOW_DB`, else
 * `$XDG_DATA_HOME/borderflow/borderflow.duckdb` (`~/.local/share/...`).
 */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BORDERFLOW_DB) return env.BORDERFLOW_DB;
  const base = env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(base, "borderflow", "borderflow.duckdb");
}

/** How to open a store. */
export interface OpenOptions {
  /** A DuckDB file, or `:memory:`. Created from the snapshot on first use. */
  path?: string;
  /** Snapshot folder to initialise a new database from. */
  snapshotDir?: string;
  /** Open read-only (many readers may share a file; no writer at the same time). */
  readOnly?: boolean;
}

/** The snapshot's manifest: version, coverage and row counts. */
export interface SnapshotManifest {
  version: string;
  tables: Record<string, { rows: number; from?: string; to?: string }>;
  sources: { file: string; sha256: string; rows: number }[];
  rejects: number;
  duplicatesDropped: number;
}

/** Reads `manifest.json` of a snapshot folder. */
export function readManifest(snapshotDir: string): SnapshotManifest {
  const file = join(snapshotDir, "manifest.json");
  if (!existsSync(file))
    throw new StoreError(`no snapshot at ${snapshotDir} (manifest.json is missing); run npm run snapshot`);
  return JSON.parse(readFileSync(file, "utf8")) as SnapshotManifest;
}

/** Connections a read-only store queries on (the machines have 2 cores). */
const READERS = 3;

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Loads every snapshot table from its Parquet file into an open connection. */
async function loadSnapshot(conn: DuckDBConnection, snapshotDir: string): Promise<void> {
  const manifest = readManifest(snapshotDir);
  for (const name of TABLE_NAMES) {
    await conn.run(TABLES[name]);
    await conn.run(
      `INSERT INTO ${name} SELECT * FROM read_parquet(${sqlString(join(snapshotDir, `${name}.parquet`))})`,
    );
  }
  for (const ddl of Object.values(STORE_TABLES)) await conn.run(ddl);
  await conn.run(`INSERT INTO meta VALUES ('snapshot_version', ?), ('created_from', ?)`, [
    manifest.version,
    snapshotDir,
  ]);
}

/**
 * A borderflow database: DuckDB embedded, opened on a file (created from the vendored snapshot the
 * first time) or in memory. Runs queries built elsewhere; knows no SQL of its own beyond set-up.
 */
export class Store {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    readonly path: string,
    readonly readOnly: boolean,
    /** The vendored snapshot folder this store reads product files (events.json) from. */
    readonly snapshotDir: string = DEFAULT_SNAPSHOT_DIR,
  ) {
    this.readers = [conn];
  }

  /** Connections queries run on: the one connection, plus more on a read-only store. */
  private readonly readers: DuckDBConnection[];
  private readonly queues: Promise<unknown>[] = [
    Promise.resolve(),
    Promise.resolve(),
    Promise.resolve(),
    Promise.resolve(),
  ];
  private readonly prepared = new Map<DuckDBConnection, Map<string, DuckDBPreparedStatement>>();
  private next = 0;

  /** Wraps an already open in-memory connection (used by the snapshot build). */
  static async wrap(instance: DuckDBInstance, conn: DuckDBConnection): Promise<Store> {
    return new Store(instance, conn, ":memory:", false);
  }

  /** Opens (and on first use creates) a store. */
  static async open(opts: OpenOptions = {}): Promise<Store> {
    const path = opts.path ?? defaultDbPath();
    const snapshotDir = opts.snapshotDir ?? process.env.BORDERFLOW_SNAPSHOT ?? DEFAULT_SNAPSHOT_DIR;
    if (path === ":memory:") {
      const instance = await DuckDBInstance.create(":memory:");
      const conn = await instance.connect();
      await loadSnapshot(conn, snapshotDir);
      return new Store(instance, conn, path, false, snapshotDir);
    }
    if (!existsSync(path)) await Store.create(path, snapshotDir);
    try {
      const instance = await DuckDBInstance.create(path, {
        access_mode: opts.readOnly ? "READ_ONLY" : "READ_WRITE",
      });
      const conn = await instance.connect();
      const store = new Store(instance, conn, path, opts.readOnly ?? false, snapshotDir);
      // A read-only store answers queries on a few connections at once (DuckDB runs each on its own thread).
      if (opts.readOnly) for (let i = 1; i < READERS; i++) store.readers.push(await instance.connect());
      return store;
    } catch (e) {
      const msg = (e as Error).message;
      if (/lock/i.test(msg)) {
        throw new StoreError(
          `the database ${path} is in use by another borderflow process that writes to it; try again when it ends`,
          { cause: e },
        );
      }
      throw new StoreError(`cannot open the database ${path}: ${msg}`, { cause: e });
    }
  }

  /** Builds a new database file from the snapshot aside, then moves it into place. */
  private static async create(path: string, snapshotDir: string): Promise<void> {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    rmSync(tmp, { force: true });
    const instance = await DuckDBInstance.create(tmp);
    const conn = await instance.connect();
    try {
      await loadSnapshot(conn, snapshotDir);
      await conn.run("CHECKPOINT");
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    if (!existsSync(path)) renameSync(tmp, path);
    else rmSync(tmp, { force: true });
  }

  /**
   * When the database was built from another snapshot than the one vendored now (after an upgrade), the
   * two versions; undefined when they match or cannot be told.
   */
  async snapshotDrift(): Promise<{ database: string; vendored: string } | undefined> {
    if (!existsSync(join(this.snapshotDir, "manifest.json"))) return undefined;
    const vendored = readManifest(this.snapshotDir).version;
    const [row] = await this.all<{ value: string }>({
      sql: "SELECT value FROM meta WHERE key = 'snapshot_version'",
      params: [],
    });
    return row && row.value !== vendored ? { database: row.value, vendored } : undefined;
  }

  /** Runs a query and returns plain row objects (cast aggregates in SQL: BIGINTs come back as bigint). */
  async all<T = Record<string, unknown>>(q: Query): Promise<T[]> {
    const i = this.next++ % this.readers.length;
    const conn = this.readers[i]!;
    // Statements are prepared once per connection and reused; a connection runs one at a time.
    const run = this.queues[i]!.then(async () => {
      let cache = this.prepared.get(conn);
      if (!cache) this.prepared.set(conn, (cache = new Map()));
      let stmt = cache.get(q.sql);
      if (!stmt) {
        stmt = await conn.prepare(q.sql);
        if (cache.size >= 256) {
          const [oldSql, old] = cache.entries().next().value!;
          old.destroySync();
          cache.delete(oldSql);
        }
        cache.set(q.sql, stmt);
      }
      if (q.params.length) stmt.bind(q.params as DuckDBValue[]);
      else stmt.clearBindings();
      return (await stmt.runAndReadAll()).getRowObjectsJS() as T[];
    });
    this.queues[i] = run.catch(() => undefined);
    return run;
  }

  /** Runs a statement for its effect. */
  async run(q: Query | string): Promise<void> {
    if (typeof q === "string") await this.conn.run(q);
    else await this.conn.run(q.sql, q.params as DuckDBValue[]);
  }

  /** Runs `fn` in a transaction: all of it is stored, or none. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.readOnly) throw new StoreError(`the database ${this.path} is open read-only`);
    await this.conn.run("BEGIN TRANSACTION");
    try {
      const out = await fn();
      await this.conn.run("COMMIT");
      return out;
    } catch (e) {
      // A failed ROLLBACK must not hide the error that caused it.
      await this.conn.run("ROLLBACK").catch(() => undefined);
      throw e;
    }
  }

  /** Appends rows to a table through DuckDB's appender (fast bulk insert); values follow the table's columns. */
  async append(
    table: TableName | string,
    rows: readonly (readonly (string | number | boolean | null)[])[],
  ): Promise<void> {
    // DESCRIBE resolves the name as an INSERT would (temp tables first), unlike information_schema.
    const types = (await this.all<{ column_type: string }>({ sql: `DESCRIBE ${table}`, params: [] })).map(
      (r) => r.column_type,
    );
    const appender = await this.conn.createAppender(table);
    try {
      for (const row of rows) {
        row.forEach((v, i) => {
          if (v === null) return appender.appendNull();
          switch (types[i]) {
            case "BIGINT":
              if (!Number.isInteger(v)) throw new StoreError(`${table}: ${String(v)} is not a whole number`);
              return appender.appendBigInt(BigInt(v as number));
            case "INTEGER":
              return appender.appendInteger(v as number);
            case "DOUBLE":
              return appender.appendDouble(v as number);
            case "BOOLEAN":
              return appender.appendBoolean(v as boolean);
            default:
              return appender.appendVarchar(String(v));
          }
        });
        appender.endRow();
      }
    } finally {
      appender.closeSync();
    }
  }

  /** Closes the database. */
  close(): void {
    for (const cache of this.prepared.values()) for (const stmt of cache.values()) stmt.destroySync();
    this.prepared.clear();
    for (const c of this.readers.slice(1)) c.closeSync();
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

export { TABLES, TABLE_NAMES };
