import {
  closeSync,
  existsSync,
  renameSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { StoreError } from "../domain/errors.ts";

/**
 * The wait-time archive: an append-only folder of JSON Lines files, one per UTC day and kind, kept apart
 * from the DuckDB database so that a long-running watcher never holds the database (DuckDB allows one
 * writing process per file, and no reader while it writes). Queries read the files through an in-memory
 * DuckDB (`wait-archive-db.ts`), so they work while the watcher appends.
 *
 * ```
 * <dir>/readings/2022-06-29.jsonl     one reading per line (WaitReading), by the UTC day of its update time
 * <dir>/detections/2022-06-29.jsonl   one emitted detection per line, by the day of its reading (the
 *                                     watcher's memory of what it emitted: kept DETECTION_DAYS_KEPT days)
 * <dir>/watch.lock                    the pid of the watcher writing here
 * <dir>/compacted.json                which closed days live in which monthly Parquet files (see below)
 * <dir>/parquet/readings/2022-06.3.parquet   closed days of a UTC month (generation 3), sorted by port,
 *                                            crossing, lane and update time (`wait-compaction.ts`)
 * <dir>/parquet/hourly/…, parquet/daily/…    roll-ups of the same readings, kept when raw ones expire
 * ```
 *
 * The manifest `compacted.json` is the one source of truth for what is in Parquet: a reader counts the
 * Parquet files it lists and the JSON Lines files of the days it does not list, and nothing else. It is
 * replaced atomically (written aside, fsynced, renamed), so a kill at any point leaves every reading counted
 * once, from the JSON Lines or from the Parquet.
 */
export type ArchiveKind = "readings" | "detections";
export const ARCHIVE_KINDS: readonly ArchiveKind[] = ["readings", "detections"];

/** `$BORDERFLOW_ARCHIVE`, else `$XDG_DATA_HOME/borderflow/waits` (`~/.local/share/borderflow/waits`). */
export function defaultArchiveDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BORDERFLOW_ARCHIVE) return env.BORDERFLOW_ARCHIVE;
  const base = env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(base, "borderflow", "waits");
}

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;

/** The days (YYYY-MM-DD, sorted) that have a file of this kind in an archive folder; none if it does not exist. */
export function archiveDays(dir: string, kind: ArchiveKind): string[] {
  const sub = join(dir, kind);
  if (!existsSync(sub)) return [];
  return readdirSync(sub)
    .map((n) => DAY_FILE.exec(n)?.[1])
    .filter((d): d is string => d !== undefined)
    .sort();
}

/** The file of one day and kind. */
export const archiveFile = (dir: string, kind: ArchiveKind, day: string) => join(dir, kind, `${day}.jsonl`);

/** A line of an archive file that could not be read. */
export interface BadLine {
  file: string;
  line: number;
  reason: string;
}

/** The parsed lines of one day file (JSON values, not yet validated) and the lines that are not JSON. */
export function readArchiveDay(
  dir: string,
  kind: ArchiveKind,
  day: string,
): { records: { line: number; value: unknown }[]; bad: BadLine[] } {
  const file = archiveFile(dir, kind, day);
  if (!existsSync(file)) return { records: [], bad: [] };
  const records: { line: number; value: unknown }[] = [];
  const bad: BadLine[] = [];
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n");
  // A last line without its newline is being written (or was torn by a kill): it is not there yet.
  if (!text.endsWith("\n")) lines.pop();
  lines.forEach((l, i) => {
    if (l.trim() === "") return;
    try {
      records.push({ line: i + 1, value: JSON.parse(l) });
    } catch (e) {
      bad.push({ file, line: i + 1, reason: `not JSON (${(e as Error).message})` });
    }
  });
  return { records, bad };
}

/** A torn last line removed when the archive was opened for writing. */
export interface Repair {
  file: string;
  droppedBytes: number;
}

/**
 * Cuts a file back to its last complete line. A watcher killed in the middle of an append (kill -9, power
 * loss) can leave a partial last line; the readings in it were not archived and are fetched again.
 */
export function repairTornLine(file: string): Repair | undefined {
  const fd = openSync(file, "r+");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return undefined;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return undefined;
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    let keep = 0;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      const nl = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (nl >= 0) {
        keep = start + nl + 1;
        break;
      }
      end = start;
    }
    ftruncateSync(fd, keep);
    fsyncSync(fd);
    return { file, droppedBytes: size - keep };
  } finally {
    closeSync(fd);
  }
}

/** Makes a new or renamed file's directory entry durable (best effort: not every platform allows it). */
export function fsyncDir(dir: string): void {
  // Makes a new file's directory entry durable; not every platform lets a directory be opened for it.
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Lock files this process holds (a second writer in the same process is refused too). */
const HELD_LOCKS = new Set<string>();

/** The writing side of an archive: one per folder at a time (a lock file holds the writer's pid). */
export class WaitArchiveWriter {
  private released = false;

  private constructor(
    readonly dir: string,
    /** Torn last lines cut when the archive was opened. */
    readonly repairs: Repair[],
    private readonly lockFile: string,
  ) {}

  /**
   * Opens an archive folder for appending: creates it, takes the lock (a lock left by a dead process is
   * taken over; one held by a live process is a StoreError) and cuts torn last lines.
   */
  static open(folder: string): WaitArchiveWriter {
    const dir = resolve(folder);
    try {
      for (const k of ARCHIVE_KINDS) mkdirSync(join(dir, k), { recursive: true });
    } catch (e) {
      throw new StoreError(`cannot create the archive folder ${dir}: ${(e as Error).message}`, { cause: e });
    }
    const lockFile = join(dir, "watch.lock");
    for (let attempt = 0; ; attempt++) {
      try {
        const fd = openSync(lockFile, "wx");
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0)
          throw new StoreError(`cannot lock the archive ${dir}: ${(e as Error).message}`, { cause: e });
        const pid = Number(readFileSync(lockFile, "utf8").trim());
        const held =
          pid === process.pid ? HELD_LOCKS.has(lockFile) : Number.isInteger(pid) && pid > 0 && isAlive(pid);
        if (held)
          throw new StoreError(
            `the archive ${dir} is being written by another watcher (pid ${pid}); stop it, or give another --archive`,
          );
        rmSync(lockFile, { force: true }); // left by a watcher that was killed
      }
    }
    HELD_LOCKS.add(lockFile);
    const repairs: Repair[] = [];
    try {
      for (const k of ARCHIVE_KINDS)
        for (const day of archiveDays(dir, k)) {
          const r = repairTornLine(archiveFile(dir, k, day));
          if (r) repairs.push(r);
        }
    } catch (e) {
      HELD_LOCKS.delete(lockFile);
      rmSync(lockFile, { force: true });
      throw new StoreError(`cannot repair the archive ${dir}: ${(e as Error).message}`, { cause: e });
    }
    return new WaitArchiveWriter(dir, repairs, lockFile);
  }

  /**
   * Appends lines to the day files of a kind and fsyncs each file before returning: once this returns, the
   * lines survive a kill or a crash. Each file gets its lines in one write (or a few, if the system writes part).
   */
  append(kind: ArchiveKind, linesByDay: ReadonlyMap<string, readonly string[]>): void {
    if (this.released) throw new StoreError(`the archive ${this.dir} is closed`);
    for (const [day, lines] of linesByDay) {
      if (lines.length === 0) continue;
      const file = archiveFile(this.dir, kind, day);
      const isNew = !existsSync(file);
      let fd: number | undefined;
      let size = 0;
      try {
        fd = openSync(file, "a");
        size = fstatSync(fd).size;
        const buf = Buffer.from(lines.join("\n") + "\n", "utf8");
        for (let done = 0; done < buf.length;) done += writeSync(fd, buf, done, buf.length - done);
        fsyncSync(fd);
      } catch (e) {
        // A write that failed half-way (disk full) must not leave a partial line for the next append to
        // run into: cut the file back to where it was.
        if (fd !== undefined) {
          try {
            ftruncateSync(fd, size);
          } catch {
            /* the repair on the next start cuts it */
          }
        }
        throw new StoreError(`cannot append to ${file}: ${(e as Error).message}`, { cause: e });
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
      if (isNew) fsyncDir(join(this.dir, kind));
    }
  }

  /**
   * Deletes the day files of a kind before `day` (YYYY-MM-DD) that were last written before `writtenBefore`
   * (ms since the epoch: a day file still being written, as with a feed stuck on old dates, is kept); returns
   * the days deleted.
   */
  dropDaysBefore(kind: ArchiveKind, day: string, writtenBefore: number): string[] {
    if (this.released) throw new StoreError(`the archive ${this.dir} is closed`);
    const gone = archiveDays(this.dir, kind).filter(
      (d) => d < day && statSync(archiveFile(this.dir, kind, d)).mtimeMs < writtenBefore,
    );
    for (const d of gone) rmSync(archiveFile(this.dir, kind, d), { force: true });
    return gone;
  }

  /** Releases the lock. */
  close(): void {
    if (this.released) return;
    this.released = true;
    HELD_LOCKS.delete(this.lockFile);
    rmSync(this.lockFile, { force: true });
  }
}

/** What one month of compacted readings holds. */
export interface CompactedMonth {
  /** Raw readings (relative to the archive folder), or null once retention dropped them. */
  raw: string | null;
  /**
   * Hourly and daily roll-ups (relative paths): made when retention drops the raw readings (until then the
   * raw readings hold all they would summarise), so null while `raw` is kept. Archives compacted before
   * roll-ups were deferred may still list both; the next compaction of the month drops them.
   */
  hourly: string | null;
  daily: string | null;
  /** The UTC days (YYYY-MM-DD) whose readings are in these files. */
  days: string[];
  /** Readings in `raw` (or, once dropped, that were in it). */
  readings: number;
  /** The crossings of these readings, with the names the feed gave them. */
  crossings: ArchivedCrossing[];
}

/** A crossing seen in the archive. */
export interface ArchivedCrossing {
  port: string;
  crossing: string;
  portName: string;
  crossingName: string;
}

/** The manifest of compacted months. */
export interface ArchiveManifest {
  version: 1;
  /** Incremented by every compaction commit; part of new file names, so a commit never overwrites a file in use. */
  generation: number;
  months: Record<string, CompactedMonth>;
}

export const MANIFEST_FILE = "compacted.json";
const EMPTY_MANIFEST: ArchiveManifest = { version: 1, generation: 0, months: {} };

/** The manifest of an archive (empty when nothing was compacted yet). A manifest that cannot be read is a StoreError. */
export function readManifest(dir: string): ArchiveManifest {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return structuredClone(EMPTY_MANIFEST);
  try {
    const m = JSON.parse(readFileSync(file, "utf8")) as ArchiveManifest;
    if (m.version !== 1 || typeof m.months !== "object") throw new Error("not a version 1 manifest");
    return m;
  } catch (e) {
    throw new StoreError(`cannot read the archive's manifest ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** Replaces the manifest atomically: written to a temporary file, fsynced, renamed over, folder fsynced. */
export function writeManifest(dir: string, m: ArchiveManifest): void {
  const file = join(dir, MANIFEST_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, JSON.stringify(m, null, 1) + "\n");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true }); // a full disk leaves no temporary file behind
    throw e;
  }
  fsyncDir(dir);
}

/** The UTC days the manifest says are compacted. */
export function compactedDays(m: ArchiveManifest): Set<string> {
  return new Set(Object.values(m.months).flatMap((x) => x.days));
}

/** Makes a file's contents and its directory entry durable. */
export function fsyncFile(file: string): void {
  const fd = openSync(file, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
