import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { DuckDBPreparedStatement } from "@duckdb/node-api";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "./duckdb.ts";
import { StoreError } from "../domain/errors.ts";
import { DEFAULT_SNAPSHOT_DIR, defaultDbPath } from "./paths.ts";
import { STORE_TABLES, TABLE_NAMES, TABLES, type TableName } from "./schema.ts";
import type { Query } from "./sql.ts";
import { crossingsFingerprintQuery, deriveCrossingStatus } from "./status-queries.ts";

export { DEFAULT_SNAPSHOT_DIR, defaultDbPath };

/** How to open a store. */
export interface OpenOptions {
  /** A DuckDB file, or `:memory:`. Created from the snapshot on first use. */
  path?: string;
  /** Snapshot folder to initialise a new database from. */
  snapshotDir?: string;
  /** Open read-only (many readers may share a file; no writer at the same time). */
  readOnly?: boolean;
  /**
   * Told what the store did by itself (a damaged file moved aside and rebuilt from the snapshot); the
   * default writes it to stderr.
   */
  onNotice?: (line: string) => void;
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

/** The bytes of DuckDB's file headers before its first block. */
const FILE_HEADER_BYTES = 3 * 4096;

/** The file whose presence says a query met a damaged block: the next open rebuilds the database. */
const damageMarker = (path: string) => `${path}.damaged`;

/** DuckDB's words for a file that is not (or no longer) a whole database. */
const isDamage = (msg: string) =>
  /Corrupt database file|does not match stored checksum|Could not read enough bytes|not a valid DuckDB database file|database file .* is (truncated|corrupt)/i.test(
    msg,
  );

/** The short reason of a damage error, without DuckDB's prefix and the path. */
function damageReason(msg: string): string {
  if (/Could not read enough bytes/i.test(msg)) return "the file is cut short";
  if (/not a valid DuckDB database file/i.test(msg)) return "the file is not a DuckDB database";
  const block = /in block at location (\d+)/.exec(msg);
  return `a block fails its checksum${block ? ` (at byte ${block[1]})` : ""}`;
}

/** A database file that is damaged: answered with 503 by the server, exit 4 by the CLI. */
export class DamagedStoreError extends StoreError {
  override name = "DamagedStoreError";
}

/** What a process that holds a database file is, from its command line: "borderflow serve (pid 123)". */
function describeHolder(pid: number, fallback: string): string {
  let cmd = "";
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    /* not Linux, or gone */
  }
  const m =
    /borderflow(?:\.js|\/src\/cli\/main\.ts|\/dist\/cli\/main\.js)?\s+(?:--?\S+\s+\S+\s+)*?([a-z][a-z-]*)/.exec(
      cmd,
    );
  if (m && /borderflow|cli\/main/.test(cmd)) return `borderflow ${m[1]} (pid ${pid})`;
  const exe = cmd.split(" ")[0] || fallback;
  return `${exe.split("/").pop()} (pid ${pid})`;
}

/** DuckDB's lock error, as a message that names the process holding the file and what to do. */
function lockError(path: string, msg: string, readOnly: boolean, cause: unknown): StoreError {
  const m = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(msg);
  const holder = m ? describeHolder(Number(m[2]), m[1]!) : "another process";
  // DuckDB adds the read-only hint when the holder only reads (a shared lock).
  const holderReads = /open this database in read-only mode/i.test(msg);
  const text = readOnly
    ? `the database ${path} is being written by ${holder}; try again when it ends`
    : holderReads
      ? `the database ${path} is open in ${holder}, which reads it; writing needs it alone: stop that process, or write to another --db`
      : `the database ${path} is in use by ${holder}; try again when it ends, or use another --db`;
  return new StoreError(text, { cause });
}

/** Connections a read-only store queries on (the machines have 2 cores). */
const READERS = 3;

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Kernel pseudo-file systems (/dev/shm, a tmpfs, excepted): never a database, and reading one can block. */
const PSEUDO_FILES = /^\/(proc|sys)(\/|$)|^\/dev\/(?!shm(\/|$))/;

/**
 * Refuses a database path that cannot be a database file before DuckDB opens it: a FIFO or a terminal would
 * block the open for ever, a folder or a /proc file would be "rebuilt" over. A path not there yet is checked
 * by its folder.
 */
export function checkDatabasePath(path: string): void {
  let real = resolve(path);
  try {
    real = realpathSync(path);
  } catch {
    try {
      real = join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      // Neither the file nor its folder exists: create() makes the folder or says why it cannot.
    }
  }
  const hint = "give --db (or $BORDERFLOW_DB) the path of a file on a disk, e.g. ./borderflow.duckdb";
  const pseudo = PSEUDO_FILES.exec(real);
  if (pseudo)
    throw new StoreError(
      `the database ${path}${real !== resolve(path) ? ` (${real})` : ""} is under ${pseudo[0].replace(/\/$/, "")}, a kernel pseudo-file system, not a place for a database file: ${hint}`,
    );
  let st;
  try {
    st = statSync(path);
  } catch {
    return;
  }
  if (!st.isFile()) {
    const kind = st.isDirectory()
      ? "a folder"
      : st.isFIFO()
        ? "a named pipe"
        : st.isSocket()
          ? "a socket"
          : st.isCharacterDevice() || st.isBlockDevice()
            ? "a device"
            : "not a regular file";
    throw new StoreError(`the database ${path} is ${kind}, not a database file: ${hint}`);
  }
}

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
  /** Set by close(): from then on no call reaches DuckDB. */
  private closed = false;
  /** Queries inside DuckDB right now: close() waits for them before it closes the connections. */
  private running = 0;

  /** Wraps an already open in-memory connection (used by the snapshot build). */
  static async wrap(instance: DuckDBInstance, conn: DuckDBConnection): Promise<Store> {
    return new Store(instance, conn, ":memory:", false);
  }

  /**
   * Opens (and on first use creates) a store. The file is a cache of the vendored snapshot (plus what was
   * ingested into it): a file that is damaged — cut short, not a DuckDB file, a block whose checksum fails, or
   * marked damaged by a query that hit one — is moved aside and rebuilt from the snapshot, and `onNotice`
   * says so. A file locked by another process is a StoreError naming that process.
   */
  static async open(opts: OpenOptions = {}): Promise<Store> {
    const path = opts.path ?? defaultDbPath();
    const snapshotDir = opts.snapshotDir ?? process.env.BORDERFLOW_SNAPSHOT ?? DEFAULT_SNAPSHOT_DIR;
    const readOnly = opts.readOnly ?? false;
    if (path === ":memory:") {
      const instance = await DuckDBInstance.create(":memory:");
      const conn = await instance.connect();
      await loadSnapshot(conn, snapshotDir);
      return new Store(instance, conn, path, false, snapshotDir);
    }
    checkDatabasePath(path);
    const notice = opts.onNotice ?? ((line: string) => void process.stderr.write(`borderflow: ${line}\n`));
    if (!existsSync(path)) await Store.create(path, snapshotDir);
    else if (existsSync(damageMarker(path)))
      await Store.rebuild(path, snapshotDir, readFileSync(damageMarker(path), "utf8").trim(), notice);
    let store: Store;
    try {
      store = await Store.openFile(path, readOnly, snapshotDir);
    } catch (e) {
      const msg = (e as Error).message;
      if (!isDamage(msg))
        throw e instanceof StoreError
          ? e
          : new StoreError(`cannot open the database ${path}: ${msg}`, { cause: e });
      await Store.rebuild(path, snapshotDir, damageReason(msg), notice);
      store = await Store.openFile(path, readOnly, snapshotDir);
    }
    // A file cut short after the blocks DuckDB reads at open: it opens, but the blocks it lists are not there.
    const cut = await store.truncation();
    if (cut) {
      store.close();
      await Store.rebuild(path, snapshotDir, cut, notice);
      store = await Store.openFile(path, readOnly, snapshotDir);
    }
    return store;
  }

  private static async openFile(path: string, readOnly: boolean, snapshotDir: string): Promise<Store> {
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, { access_mode: readOnly ? "READ_ONLY" : "READ_WRITE" });
    } catch (e) {
      const msg = (e as Error).message;
      if (/lock/i.test(msg)) throw lockError(path, msg, readOnly, e);
      throw e;
    }
    const conn = await instance.connect();
    const store = new Store(instance, conn, path, readOnly, snapshotDir);
    // A read-only store answers queries on a few connections at once (DuckDB runs each on its own thread).
    if (readOnly) for (let i = 1; i < READERS; i++) store.readers.push(await instance.connect());
    return store;
  }

  /** Why the file is shorter than the blocks DuckDB says it holds; undefined when it is whole. */
  private async truncation(): Promise<string | undefined> {
    const [row] = await this.all<{ block_size: bigint | number; total_blocks: bigint | number }>({
      sql: "SELECT block_size, total_blocks FROM pragma_database_size() WHERE database_name = current_database()",
      params: [],
    }).catch(() => []);
    if (!row) return undefined;
    const expected = FILE_HEADER_BYTES + Number(row.total_blocks) * Number(row.block_size);
    const size = statSync(this.path).size;
    return size < expected ? `the file is cut short: ${size} of ${expected} bytes` : undefined;
  }

  /** Moves a damaged file aside (kept, never deleted) and builds a new one from the snapshot in its place. */
  private static async rebuild(
    path: string,
    snapshotDir: string,
    reason: string,
    notice: (line: string) => void,
  ): Promise<void> {
    const aside = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    try {
      renameSync(path, aside);
      if (existsSync(`${path}.wal`)) renameSync(`${path}.wal`, `${aside}.wal`);
      rmSync(damageMarker(path), { force: true });
    } catch (e) {
      throw new StoreError(
        `the database ${path} is damaged (${reason}) and cannot be moved aside to rebuild it: ${(e as Error).message}`,
        { cause: e },
      );
    }
    await Store.create(path, snapshotDir);
    notice(
      `the database ${path} was damaged (${reason}); moved it to ${aside} and rebuilt it from the snapshot ` +
        `(${readManifest(snapshotDir).version}). Months you had ingested into it must be ingested again.`,
    );
  }

  /** Builds a new database file from the snapshot aside, then moves it into place; nothing is left on failure. */
  private static async create(path: string, snapshotDir: string): Promise<void> {
    try {
      mkdirSync(dirname(resolve(path)), { recursive: true });
    } catch (e) {
      throw new StoreError(`cannot create the folder of the database ${path}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    const tmp = `${path}.tmp-${process.pid}`;
    const cleanup = () => {
      rmSync(tmp, { force: true });
      rmSync(`${tmp}.wal`, { force: true });
    };
    cleanup();
    try {
      const instance = await DuckDBInstance.create(tmp);
      const conn = await instance.connect();
      try {
        await loadSnapshot(conn, snapshotDir);
        // The crossings' status index, derived once here instead of at every command (services/status.ts).
        const fp = (await conn.runAndReadAll(crossingsFingerprintQuery.sql)).getRowObjectsJS()[0]!
          .fp as string;
        for (const q of deriveCrossingStatus(fp)) await conn.run(q.sql, q.params as DuckDBValue[]);
        await conn.run("CHECKPOINT");
      } finally {
        conn.closeSync();
        instance.closeSync();
      }
      if (!existsSync(path)) renameSync(tmp, path);
      else cleanup();
    } catch (e) {
      cleanup();
      if (e instanceof StoreError) throw e;
      const msg = (e as Error).message;
      if (/No space left|ENOSPC|disk is full/i.test(msg))
        throw new StoreError(`cannot build the database ${path}: the disk is full (${msg})`, { cause: e });
      throw new StoreError(`cannot build the database ${path} from the snapshot ${snapshotDir}: ${msg}`, {
        cause: e,
      });
    }
  }

  /**
   * Called when a query met a damaged block: leaves a marker next to the file so that the next open rebuilds
   * it, and returns the StoreError to answer with.
   */
  private damaged(e: Error): StoreError {
    const reason = damageReason(e.message);
    try {
      writeFileSync(damageMarker(this.path), `${reason}\n`);
    } catch {
      /* the next query meets the same block */
    }
    return new DamagedStoreError(
      `the database ${this.path} is damaged (${reason}); borderflow rebuilds it from the snapshot the next time it starts`,
      { cause: e },
    );
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
    this.assertOpen();
    const i = this.next++ % this.readers.length;
    const conn = this.readers[i]!;
    // Statements are prepared once per connection and reused; a connection runs one at a time.
    const run = this.queues[i]!.then(async () => {
      // Queued before close(), reached after it: refused, never run on a closed connection.
      this.assertOpen();
      this.running++;
      try {
        return await this.execute<T>(conn, q);
      } finally {
        this.running--;
      }
    });
    this.queues[i] = run.catch(() => undefined);
    return run;
  }

  /** A query on one connection (its statement prepared once and reused). */
  private async execute<T>(conn: DuckDBConnection, q: Query): Promise<T[]> {
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
    try {
      return (await stmt.runAndReadAll()).getRowObjectsJS() as T[];
    } catch (e) {
      throw this.path !== ":memory:" && isDamage((e as Error).message) ? this.damaged(e as Error) : e;
    }
  }

  /**
   * A store used after close() is a bug in the caller: a plain Error (a 500 in the API). DuckDB itself must
   * never see it: a statement run on a connection closed under it deadlocks inside DuckDB (the connection's
   * last reference is dropped while the query holds its lock), which froze a test process for good.
   */
  private assertOpen(): void {
    if (this.closed) throw new Error(`the database ${this.path} is closed`);
  }

  /** Runs a statement for its effect. */
  async run(q: Query | string): Promise<void> {
    this.assertOpen();
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

  /**
   * Closes the database: calls after it, and calls queued but not started, are refused with a plain Error;
   * queries already inside DuckDB finish first (the connections are closed when the last one returns), since
   * closing a connection under a running statement deadlocks DuckDB. A second close() does nothing.
   */
  close(): void {
    void this.shutdown();
  }

  /** close(), resolved once every DuckDB object is freed. */
  closeWhenIdle(): Promise<void> {
    return this.shutdown();
  }

  private released?: Promise<void>;
  private shutdown(): Promise<void> {
    if (!this.released) {
      this.closed = true;
      if (this.running === 0) {
        this.release();
        this.released = Promise.resolve();
      } else this.released = Promise.all(this.queues).then(() => this.release());
    }
    return this.released;
  }

  /** Frees every DuckDB object of this store. */
  private release(): void {
    for (const cache of this.prepared.values()) for (const stmt of cache.values()) stmt.destroySync();
    this.prepared.clear();
    for (const c of this.readers.slice(1)) c.closeSync();
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

export { TABLES, TABLE_NAMES };
