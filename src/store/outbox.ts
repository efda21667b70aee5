import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { StoreError } from "../domain/errors.ts";
import { repairTornLine, type Repair } from "./wait-archive.ts";

/**
 * An append-only outbox: what must reach its readers (stdout, a webhook, a watchlist's sink) is written here,
 * fsynced, before anyone is told, and each reader ("sink") keeps a cursor of what it has acknowledged. A slow
 * or killed reader loses nothing: at the next start, `pending(sink)` is what it has not acknowledged, in order.
 * Delivery is at least once (a kill between a delivery and its `ack` delivers that entry again); items carry a
 * key so that a reader can drop repeats, and `append` never queues the same key twice.
 *
 * ```
 * <dir>/entries.jsonl       {"seq":1,"at":"2026-…Z","key":"…","item":{…}} one per line, seq 1, 2, 3, …
 * <dir>/ack-<sink>.json     {"seq":n}: the sink has every entry up to n (written aside, then renamed)
 * ```
 *
 * One writer at a time: the outbox lives inside a folder its owner has locked (the wait archive's
 * watch.lock for `borderflow watch`). Readers are in the same process.
 */
export interface OutboxEntry<T> {
  seq: number;
  /** When it was queued (ISO). */
  at: string;
  key: string;
  item: T;
}

/** Sink names: letters, digits, `.`, `_`, `-` (they name a file). */
const SINK = /^[A-Za-z0-9._-]{1,64}$/;
const ENTRIES = "entries.jsonl";

export class Outbox<T> {
  private lastSeq = 0;
  private readonly keys = new Set<string>();
  private readonly cursors = new Map<string, number>();

  private constructor(
    readonly dir: string,
    /** A torn last line cut when the outbox was opened (a kill in the middle of an append). */
    readonly repair: Repair | undefined,
  ) {}

  /** Opens (and creates) an outbox folder: cuts a torn last line, reads the sequence and the keys. */
  static open<T>(folder: string): Outbox<T> {
    const dir = resolve(folder);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new StoreError(`cannot create the outbox ${dir}: ${(e as Error).message}`, { cause: e });
    }
    const file = join(dir, ENTRIES);
    const repair = existsSync(file) ? repairTornLine(file) : undefined;
    const box = new Outbox<T>(dir, repair);
    for (const e of box.read()) {
      box.lastSeq = e.seq;
      box.keys.add(e.key);
    }
    return box;
  }

  /** Whether an item with this key is queued (now or ever, in this folder). */
  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** The sequence number of the newest entry (0 when empty). */
  get last(): number {
    return this.lastSeq;
  }

  /**
   * Queues items whose key is not queued yet, fsynced before it returns (so a kill after it loses none), and
   * returns the entries added. A failed write (disk full) is a StoreError and queues nothing.
   */
  append(items: readonly T[], keyOf: (item: T) => string, at = new Date().toISOString()): OutboxEntry<T>[] {
    const added: OutboxEntry<T>[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const key = keyOf(item);
      if (this.keys.has(key) || seen.has(key)) continue;
      seen.add(key);
      added.push({ seq: this.lastSeq + added.length + 1, at, key, item });
    }
    if (added.length === 0) return [];
    const file = join(this.dir, ENTRIES);
    const buf = Buffer.from(added.map((e) => JSON.stringify(e)).join("\n") + "\n", "utf8");
    let fd: number | undefined;
    try {
      fd = openSync(file, "a");
      for (let done = 0; done < buf.length;) done += writeSync(fd, buf, done, buf.length - done);
      fsyncSync(fd);
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      // A half-written line is cut now (and by the next open, should this one fail too).
      try {
        repairTornLine(file);
      } catch {
        /* the next open repairs it */
      }
      throw new StoreError(`cannot append to the outbox ${file}: ${(e as Error).message}`, { cause: e });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    this.lastSeq += added.length;
    for (const e of added) this.keys.add(e.key);
    return added;
  }

  /**
   * The last entry a sink acknowledged. A sink never seen before starts at the current end, so that a new
   * reader (a webhook added later) gets what is queued from now on, not the whole history.
   */
  acked(sink: string): number {
    if (!SINK.test(sink)) throw new StoreError(`outbox sink name ${JSON.stringify(sink)} is not allowed`);
    let seq = this.cursors.get(sink);
    if (seq === undefined) {
      const file = join(this.dir, `ack-${sink}.json`);
      if (existsSync(file)) {
        try {
          seq = Number((JSON.parse(readFileSync(file, "utf8")) as { seq: unknown }).seq);
        } catch {
          seq = NaN;
        }
        // An unreadable cursor re-delivers everything rather than lose anything.
        if (!Number.isInteger(seq) || seq! < 0) seq = 0;
      } else {
        seq = this.lastSeq;
        this.writeCursor(sink, seq);
      }
      this.cursors.set(sink, seq);
    }
    return seq;
  }

  /** The entries a sink has not acknowledged, oldest first. */
  pending(sink: string): OutboxEntry<T>[] {
    const from = this.acked(sink);
    if (from >= this.lastSeq) return [];
    return this.read().filter((e) => e.seq > from);
  }

  /** Records that a sink has every entry up to `seq` (never moves back). Durable when it returns. */
  ack(sink: string, seq: number): void {
    if (seq <= this.acked(sink)) return;
    this.writeCursor(sink, Math.min(seq, this.lastSeq));
    this.cursors.set(sink, Math.min(seq, this.lastSeq));
  }

  /** The sinks that have a cursor in the folder. */
  sinks(): string[] {
    return readdirSync(this.dir)
      .map((n) => /^ack-(.+)\.json$/.exec(n)?.[1])
      .filter((s): s is string => s !== undefined && SINK.test(s))
      .sort();
  }

  private writeCursor(sink: string, seq: number): void {
    const file = join(this.dir, `ack-${sink}.json`);
    const tmp = `${file}.tmp-${process.pid}`;
    try {
      const fd = openSync(tmp, "w");
      try {
        writeSync(fd, JSON.stringify({ seq }) + "\n");
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new StoreError(`cannot record delivery in ${file}: ${(e as Error).message}`, { cause: e });
    }
  }

  private read(): OutboxEntry<T>[] {
    const file = join(this.dir, ENTRIES);
    if (!existsSync(file)) return [];
    const text = readFileSync(file, "utf8");
    const out: OutboxEntry<T>[] = [];
    for (const line of text.split("\n")) {
      if (!line.endsWith("}")) continue;
      try {
        const e = JSON.parse(line) as OutboxEntry<T>;
        if (Number.isInteger(e.seq) && typeof e.key === "string") out.push(e);
      } catch {
        /* a line that is not JSON is skipped (only a torn last line can be, and open cuts it) */
      }
    }
    return out;
  }
}
