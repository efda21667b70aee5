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
  statSync,
  writeSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { StoreError } from "../domain/errors.ts";
import { fsyncDir, repairTornLine, type Repair } from "./wait-archive.ts";

/**
 * An append-only outbox: what must reach its readers (stdout, a webhook, a watchlist's sink) is written here,
 * fsynced, before anyone is told, and each reader ("sink") keeps a cursor of what it has acknowledged. A slow
 * or killed reader loses nothing: at the next start, `pending(sink)` is what it has not acknowledged, in order.
 * Delivery is at least once (a kill between a delivery and its `ack` delivers that entry again); items carry a
 * key so that a reader can drop repeats, and `append` never queues the same key twice.
 *
 * ```
 * <dir>/entries.jsonl                 {"seq":1,"at":"2026-…Z","key":"…","item":{…}} one per line, seq 1, 2, 3, …
 * <dir>/entries-000000000001.jsonl    a sealed segment: the entries from seq 1 up to the next segment's first
 * <dir>/ack-<sink>.json               {"seq":n}: the sink has every entry up to n (written aside, then renamed)
 * ```
 *
 * Bounded: the current file is sealed into a segment once it holds `segmentBytes` (4 MiB by default); a
 * segment every sink has acknowledged is deleted; and when the segments and the current file together pass
 * `maxBytes` (64 MiB by default: a webhook down for weeks), the oldest segments are deleted even if a sink has
 * not acknowledged them: that sink's cursor moves past them, and `drops` (and the `onDrop` callback) say how
 * many entries each sink lost. Keys are remembered for the entries kept (a key is queued once while its
 * entry is in the outbox).
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
const SEGMENT = /^entries-(\d{12})\.jsonl$/;
const segmentName = (firstSeq: number) => `entries-${String(firstSeq).padStart(12, "0")}.jsonl`;

/** How big an outbox may grow. */
export interface OutboxLimits {
  /** The current file is sealed into a segment once it holds this many bytes (default 4 MiB). */
  segmentBytes: number;
  /** Segments and the current file together: past it the oldest segments go, delivered or not (64 MiB). */
  maxBytes: number;
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = {
  segmentBytes: 4 * 1024 * 1024,
  maxBytes: 64 * 1024 * 1024,
};

/** Entries deleted at the size cap before every sink had them. */
export interface OutboxDrop {
  firstSeq: number;
  lastSeq: number;
  /** Per sink: the entries it had not acknowledged (only sinks that lost some). */
  undelivered: Record<string, number>;
}

interface Segment {
  file: string;
  firstSeq: number;
  bytes: number;
}

export class Outbox<T> {
  private lastSeq = 0;
  /** Keys of the entries kept, with their seq (so a deleted segment's keys can be forgotten). */
  private readonly keys = new Map<string, number>();
  private readonly cursors = new Map<string, number>();
  private segments: Segment[] = [];
  /** Bytes in the current file, and the seq of its first entry. */
  private activeBytes = 0;
  private activeFirst = 1;
  /** Entries deleted at the size cap before every sink had them, since the outbox was opened. */
  readonly drops: OutboxDrop[] = [];

  private constructor(
    readonly dir: string,
    /** A torn last line cut when the outbox was opened (a kill in the middle of an append). */
    readonly repair: Repair | undefined,
    readonly limits: OutboxLimits,
    private readonly onDrop: ((d: OutboxDrop) => void) | undefined,
  ) {}

  /**
   * Opens (and creates) an outbox folder: cuts a torn last line, reads the sequence and the keys, and applies
   * the limits (a folder written with larger ones shrinks now).
   */
  static open<T>(
    folder: string,
    opts: Partial<OutboxLimits> & { onDrop?: (d: OutboxDrop) => void } = {},
  ): Outbox<T> {
    const limits: OutboxLimits = {
      segmentBytes: opts.segmentBytes ?? DEFAULT_OUTBOX_LIMITS.segmentBytes,
      maxBytes: opts.maxBytes ?? DEFAULT_OUTBOX_LIMITS.maxBytes,
    };
    if (!(limits.segmentBytes >= 1024 && limits.maxBytes >= 2 * limits.segmentBytes))
      throw new StoreError(
        `outbox limits: segmentBytes ${limits.segmentBytes} must be at least 1024 and maxBytes ${limits.maxBytes} at least twice it`,
      );
    const dir = resolve(folder);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new StoreError(`cannot create the outbox ${dir}: ${(e as Error).message}`, { cause: e });
    }
    const file = join(dir, ENTRIES);
    const repair = existsSync(file) ? repairTornLine(file) : undefined;
    const box = new Outbox<T>(dir, repair, limits, opts.onDrop);
    box.segments = readdirSync(dir)
      .map((n) => ({ n, m: SEGMENT.exec(n) }))
      .filter((x) => x.m)
      .map((x) => ({ file: join(dir, x.n), firstSeq: Number(x.m![1]), bytes: statSync(join(dir, x.n)).size }))
      .sort((a, b) => a.firstSeq - b.firstSeq);
    for (const seg of box.segments)
      for (const e of readEntries<T>(seg.file)) {
        box.lastSeq = e.seq;
        box.keys.set(e.key, e.seq);
      }
    const active = readEntries<T>(file);
    box.activeFirst = active[0]?.seq ?? box.lastSeq + 1;
    for (const e of active) {
      box.lastSeq = e.seq;
      box.keys.set(e.key, e.seq);
    }
    box.activeBytes = existsSync(file) ? statSync(file).size : 0;
    box.prune();
    return box;
  }

  /** Bytes the outbox holds on disk (segments and the current file). */
  get bytes(): number {
    return this.activeBytes + this.segments.reduce((s, x) => s + x.bytes, 0);
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
    if (this.activeBytes === 0) this.activeFirst = added[0]!.seq;
    this.activeBytes += buf.length;
    this.lastSeq += added.length;
    for (const e of added) this.keys.set(e.key, e.seq);
    if (this.activeBytes >= this.limits.segmentBytes) this.seal();
    this.prune();
    return added;
  }

  /** Renames the current file into a segment (a kill before the rename leaves it current: nothing lost). */
  private seal(): void {
    const file = join(this.dir, segmentName(this.activeFirst));
    try {
      renameSync(join(this.dir, ENTRIES), file);
      fsyncDir(this.dir);
    } catch (e) {
      throw new StoreError(`cannot seal the outbox segment ${file}: ${(e as Error).message}`, { cause: e });
    }
    this.segments.push({ file, firstSeq: this.activeFirst, bytes: this.activeBytes });
    this.activeBytes = 0;
    this.activeFirst = this.lastSeq + 1;
  }

  /** The last seq of a segment: one before the next segment's (or the current file's) first. */
  private segmentLast(i: number): number {
    return (this.segments[i + 1]?.firstSeq ?? this.activeFirst) - 1;
  }

  /** Deletes the segments every sink has, then the oldest ones while the outbox is over its cap. */
  private prune(): void {
    const sinks = this.sinks();
    while (this.segments.length > 0) {
      const last = this.segmentLast(0);
      const delivered = sinks.every((k) => this.acked(k) >= last);
      const over = this.bytes > this.limits.maxBytes;
      if (!delivered && !over) break;
      const seg = this.segments[0]!;
      if (!delivered) {
        const undelivered: Record<string, number> = {};
        for (const k of sinks) {
          const lost = last - Math.max(this.acked(k), seg.firstSeq - 1);
          if (lost > 0) {
            undelivered[k] = lost;
            this.writeCursor(k, last);
            this.cursors.set(k, last);
          }
        }
        const drop = { firstSeq: seg.firstSeq, lastSeq: last, undelivered };
        this.drops.push(drop);
        this.onDrop?.(drop);
      }
      rmSync(seg.file, { force: true });
      this.segments.shift();
      for (const [k, seq] of this.keys) if (seq <= last) this.keys.delete(k);
    }
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

  /** The entries a sink has not acknowledged, oldest first (segments it has are not read). */
  pending(sink: string): OutboxEntry<T>[] {
    const from = this.acked(sink);
    if (from >= this.lastSeq) return [];
    const files = this.segments.filter((_, i) => this.segmentLast(i) > from).map((x) => x.file);
    files.push(join(this.dir, ENTRIES));
    return files.flatMap((f) => readEntries<T>(f)).filter((e) => e.seq > from);
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
}

/** The entries of one outbox file (none if it does not exist). */
function readEntries<T>(file: string): OutboxEntry<T>[] {
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
