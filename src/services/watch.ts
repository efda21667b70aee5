import { DEFAULT_INTERVAL_MS, formatMs } from "../domain/wait-defaults.ts";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { DataError, InputError, StoreError } from "../domain/errors.ts";
import { formatReject } from "../domain/rejects.ts";
import {
  dedupeReadings,
  DetectionLineSchema,
  localHour,
  localWeekday,
  parseDurationMs,
  readingDay,
  seriesKey,
  WaitReadingSchema,
  type Detection,
  type WaitReading,
} from "../domain/wait-times.ts";
import {
  DEFAULT_ANOMALY_RULE,
  DEFAULT_STALE_HOURS,
  detectAnomaly,
  detectCapacityLoss,
  detectClosure,
  detectStale,
  nextLaneState,
  type AnomalyRule,
  type CapacityRule,
  type LaneState,
} from "../model/wait-detection.ts";
import {
  CBP_WAIT_TIMES_URL,
  captureFileName,
  fetchCapture,
  listCaptureFiles,
  parseWaitTimes,
  readCaptureFile,
  type Capture,
  type WaitReject,
  type WaitTimesResult,
} from "../sources/cbp-wait-times.ts";
import type { Fetcher } from "../sources/fetcher.ts";
import { sampleOf } from "../sources/limits.ts";
import {
  archiveDays,
  compactedDays,
  defaultArchiveDir,
  readArchiveDay,
  readManifest,
  WaitArchiveWriter,
  type ArchiveKind,
  type Repair,
} from "../store/wait-archive.ts";
import { DEFAULT_OUTBOX_LIMITS, Outbox } from "../store/outbox.ts";
import { readCompactedDay } from "../store/wait-archive-db.ts";
import { closedThrough, compactArchive, type CompactionReport } from "../store/wait-compaction.ts";
import { postWebhook, type Poster } from "./webhook.ts";
import type { WatchAlert, Watchlist } from "../domain/watchlist.ts";
import { capacityRuleOf, WatchlistEngine, writeEmails } from "./watchlist.ts";
import type { ScenarioRunner } from "./watchlist-scenario.ts";

/** The feed polled unless told otherwise. */
export const DEFAULT_WATCH_URL = CBP_WAIT_TIMES_URL;
export { DEFAULT_STALE_HOURS };

/** How often the feed is polled unless told otherwise. */
export { DEFAULT_INTERVAL_MS, formatMs };
/** How long one request may take unless told otherwise. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** The longest wait between polls after failures (unless the interval itself is longer). */
export const MAX_BACKOFF_MS = 60 * 60_000;
/** How many rejects a poll lists on stderr (each distinct one once per run); the rest are counted. */
export const REJECTS_LOGGED = 10;
/**
 * Days a `detections/<day>.jsonl` file is kept: one whose day is that far behind the newest reading (and at
 * least the anomaly window and the days around it, which the watcher may still read) and that has not been
 * written for that long is deleted as the watcher goes. Only the watcher reads them, to remember what it
 * emitted; what was delivered is in the outbox and its sinks.
 */
export const DETECTION_DAYS_KEPT = 35;

/** `watch` as a user wrote it (CLI flags, as strings). */
export interface WatchSpec {
  interval?: string | undefined;
  url?: string | undefined;
  archive?: string | undefined;
  webhook?: string | undefined;
  staleHours?: string | number | undefined;
  once?: boolean | undefined;
  maxPolls?: string | number | undefined;
  replay?: string | undefined;
  timeout?: string | undefined;
  saveCaptures?: string | undefined;
  /** false: never compact closed days into Parquet (`--no-compact`). */
  compact?: boolean | undefined;
  /** Days of raw readings kept (older months keep their hourly and daily roll-ups). */
  keepRaw?: string | number | undefined;
}

/** A validated `watch`. */
export interface WatchRequest {
  source: { kind: "live"; url: string } | { kind: "replay"; dir: string };
  intervalMs: number;
  timeoutMs: number;
  archiveDir: string;
  webhook?: string;
  staleHours: number;
  /** Stop after this many polls (1 with --once); undefined polls until stopped. */
  maxPolls?: number;
  /** Save every raw response here, named so that `--replay` can read them back. */
  saveCaptures?: string;
  /** Compact closed days into monthly Parquet after a poll (default, and when undefined: true). */
  compact?: boolean;
  /** Days of raw readings kept; undefined keeps them all. */
  keepRawDays?: number;
  /** Deliver only the detections this watchlist matches, as alerts (with a scenario for closures). */
  watchlist?: Watchlist;
}

const httpUrl = (flag: string) =>
  z.string().refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), {
    error: (i) => `${flag} ${JSON.stringify(i.input)} is not an http(s) URL`,
  });

const duration = (flag: string) =>
  z
    .string()
    .transform((s, c) => {
      const ms = parseDurationMs(s);
      if (ms === undefined || ms <= 0) {
        c.addIssue({
          code: "custom",
          message: `${flag} ${JSON.stringify(s)} is not a duration (expected e.g. 30s, 5m, 1h)`,
        });
        return z.NEVER;
      }
      return ms;
    })
    .optional();

/** `--keep-raw`: days of raw readings to keep, `90` or `90d` (at least 1). */
export const keepRawSchema = z.union([z.string(), z.number()]).transform((v, c) => {
  const m = /^(\d+)d?$/.exec(String(v).trim());
  const days = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(days) || days < 1 || days > 36_500) {
    c.addIssue({
      code: "custom",
      message: `--keep-raw ${JSON.stringify(String(v))} is not a number of days from 1 to 36500 (e.g. 90 or 90d)`,
    });
    return z.NEVER;
  }
  return days;
});

const WatchSpecSchema = z
  .object({
    interval: duration("--interval"),
    timeout: duration("--timeout"),
    url: httpUrl("--url").optional(),
    webhook: httpUrl("--webhook").optional(),
    archive: z.string().min(1, "--archive is empty").optional(),
    staleHours: z.coerce
      .number({ error: (i) => `--stale-hours ${JSON.stringify(String(i.input))} is not a number` })
      .positive("--stale-hours must be more than 0")
      .optional(),
    once: z.boolean().optional(),
    maxPolls: z.coerce
      .number({ error: (i) => `--max-polls ${JSON.stringify(String(i.input))} is not a number` })
      .int("--max-polls must be a whole number")
      .positive("--max-polls must be 1 or more")
      .optional(),
    replay: z.string().min(1, "--replay is empty").optional(),
    saveCaptures: z.string().min(1, "--save-captures is empty").optional(),
    compact: z.boolean().optional(),
    keepRaw: keepRawSchema.optional(),
  })
  .superRefine((s, c) => {
    if (s.replay !== undefined && s.url !== undefined)
      c.addIssue({ code: "custom", message: "give --url or --replay, not both" });
    if (s.once && s.maxPolls !== undefined && s.maxPolls !== 1)
      c.addIssue({ code: "custom", message: "--once is --max-polls 1; give one of them" });
  });

/** Validates what a user asked for; every problem is named at once in one InputError. */
export function parseWatchSpec(spec: WatchSpec, env: NodeJS.ProcessEnv = process.env): WatchRequest {
  const clean = Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined));
  const parsed = WatchSpecSchema.safeParse(clean);
  if (!parsed.success)
    throw new InputError(
      parsed.error.issues.map((i) => i.message).join("; "),
      "e.g. borderflow watch --interval 5m --stale-hours 3, or borderflow watch --once",
    );
  const s = parsed.data;
  return {
    source:
      s.replay !== undefined
        ? { kind: "replay", dir: resolve(s.replay) }
        : { kind: "live", url: s.url ?? CBP_WAIT_TIMES_URL },
    intervalMs: s.interval ?? DEFAULT_INTERVAL_MS,
    timeoutMs: s.timeout ?? DEFAULT_TIMEOUT_MS,
    archiveDir: resolve(s.archive ?? defaultArchiveDir(env)),
    ...(s.webhook !== undefined ? { webhook: s.webhook } : {}),
    staleHours: s.staleHours ?? DEFAULT_STALE_HOURS,
    ...(s.once ? { maxPolls: 1 } : s.maxPolls !== undefined ? { maxPolls: s.maxPolls } : {}),
    ...(s.saveCaptures !== undefined ? { saveCaptures: resolve(s.saveCaptures) } : {}),
    compact: s.compact ?? true,
    ...(s.keepRaw !== undefined ? { keepRawDays: s.keepRaw } : {}),
  };
}

/** Time for the watcher: now, and a sleep a stop can cut short. Injectable for tests. */
export interface Clock {
  now: () => Date;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((done) => {
      if (signal?.aborted) return done();
      const t = setTimeout(finish, ms);
      function finish() {
        clearTimeout(t);
        signal?.removeEventListener("abort", finish);
        done();
      }
      signal?.addEventListener("abort", finish, { once: true });
    }),
};

/** What one capture gave. */
export interface IngestOutcome {
  result: WaitTimesResult;
  /** Readings not in the archive before, now appended to it (fsynced). */
  newReadings: WaitReading[];
  /** Readings of the capture already in the archive (or repeated within it). */
  duplicates: number;
  /** Detections not emitted before. */
  detections: Detection[];
  /** The capture's readings (one per key), new or not: the state of every lane it shows. */
  current: WaitReading[];
}

/** Options of the watcher's state. */
export interface WatcherOptions {
  staleHours: number;
  anomalyRule?: AnomalyRule;
  knownPorts?: ReadonlySet<string>;
  /** Detect capacity losses by this rule (a watchlist's); none when undefined. */
  capacityRule?: CapacityRule;
  /** Where problems reading the archive are reported. */
  log?: (line: string) => void;
}

const DAY_MS = 86_400_000;
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

interface Sample {
  localDate: string;
  delay: number;
}

/**
 * The watcher's memory over the archive: the keys of archived readings and emitted detections (loaded day
 * by day as captures need them: a reading's key decides the day file it lives in), the last state of every
 * lane (for closures) and earlier waits by crossing-lane, weekday and hour (for anomalies).
 */
export class WaitWatcher {
  private readonly readingKeys = new Map<string, Set<string>>();
  private readonly detectionKeys = new Map<string, Set<string>>();
  private readonly lanes = new Map<string, LaneState>();
  private readonly history = new Map<string, Sample[]>();
  private readonly readingDays: Set<string>;
  private readonly rule: AnomalyRule;
  private pending: WaitReading[] = [];
  private readonly badLinesSeen = new Set<string>();
  /** The readings of the last archived capture, as `recover` found them (a watchlist's lane states). */
  lastCapture: WaitReading[] = [];

  private constructor(
    readonly archive: WaitArchiveWriter,
    private readonly opts: WatcherOptions,
  ) {
    this.rule = opts.anomalyRule ?? DEFAULT_ANOMALY_RULE;
    this.readingDays = new Set(archiveDays(archive.dir, "readings"));
  }

  /** Opens the archive for writing (lock, torn-line repair); days are loaded as captures need them. */
  static open(dir: string, opts: WatcherOptions): WaitWatcher {
    return new WaitWatcher(WaitArchiveWriter.open(dir), opts);
  }

  /**
   * Loads the compacted days (Parquet) a capture fetched at `fetchedAt` may need and that are not in memory:
   * the anomaly window before it. A watcher that ran through those days has them already; one that restarts
   * over a compacted archive reads them here, so its de-duplication and anomaly baselines are the same.
   */
  async loadCompacted(fetchedAt: string): Promise<number> {
    const manifest = readManifest(this.archive.dir);
    const fetchDay = fetchedAt.slice(0, 10);
    const first = addDays(fetchDay, -this.rule.baselineDays - 2);
    const last = addDays(fetchDay, 1);
    const need = [...compactedDays(manifest)]
      .filter((d) => d >= first && d <= last && !this.readingKeys.has(d))
      .sort();
    let loaded = 0;
    for (const day of need) {
      const keys = this.keysOf(this.readingKeys, day);
      const rows: WaitReading[] = [];
      for (const row of await readCompactedDay(this.archive.dir, manifest, day)) {
        const p = WaitReadingSchema.safeParse(row);
        if (!p.success || keys.has(p.data.key)) continue;
        keys.add(p.data.key);
        rows.push(p.data as WaitReading);
      }
      for (const r of sortByTime(rows)) this.applyState(r);
      loaded += rows.length;
      // Readings appended late to a compacted day wait in its JSON Lines file for the next compaction.
      if (this.readingDays.has(day)) loaded += this.loadReadingDay(day, true).length;
    }
    return loaded;
  }

  /** Torn lines cut when the archive was opened. */
  get repairs(): Repair[] {
    return this.archive.repairs;
  }

  /**
   * Rebuilds the lane states from the newest archived days and runs detection again over the last capture
   * that was archived, so that detections a kill cut off before they were emitted are emitted now (those
   * already emitted are skipped by their keys).
   */
  recover(): Detection[] {
    const days = [...this.readingDays].sort().slice(-2);
    const loaded: WaitReading[] = [];
    for (const day of days) loaded.push(...this.loadReadingDay(day, false));
    if (loaded.length === 0) return [];
    const lastFetch = loaded.reduce((m, r) => (r.fetchedAt > m ? r.fetchedAt : m), "");
    const last = loaded.filter((r) => r.fetchedAt === lastFetch);
    const before = loaded.filter((r) => r.fetchedAt !== lastFetch);
    this.lastCapture = last;
    for (const r of sortByTime(before)) this.applyState(r);
    return this.unemitted(this.detectNew(last));
  }

  /**
   * Parses a capture, archives the readings not seen before (one append + fsync per day file), and returns
   * the detections not emitted before. A capture that is not the feed (garbage, no crossings, every entry
   * rejected) is a DataError and changes nothing. Readings that could not be written stay pending and are
   * written with the next capture.
   */
  ingest(capture: Capture): IngestOutcome {
    let result: WaitTimesResult;
    try {
      result = parseWaitTimes(capture.body, {
        origin: capture.origin,
        fetchedAt: capture.fetchedAt,
        ...(this.opts.knownPorts ? { knownPorts: this.opts.knownPorts } : {}),
      });
    } catch (e) {
      // Whatever a response holds, it is a failed poll, never the end of the watcher.
      if (e instanceof DataError) throw e;
      throw new DataError(`${capture.origin}: the response could not be read (${(e as Error).message})`, [], {
        cause: e,
      });
    }
    if (result.crossings === 0) throw new DataError(`${capture.origin}: the response holds no crossings`);
    if (result.readings.length === 0 && result.rejects.length > 0)
      throw new DataError(
        `${capture.origin}: every entry of the response was rejected (${result.rejects.length} rejects); the feed's layout may have changed`,
        result.rejects.slice(0, REJECTS_LOGGED).map(formatWaitReject),
      );
    const current = dedupeReadings(result.readings);
    for (const r of current) this.ensureWindow(r);
    const unseen = current.filter((r) => !this.hasReading(r));
    const toWrite = dedupeReadings([...this.pending, ...unseen]).filter((r) => !this.hasReading(r));
    // Day file by day file, so that a failure leaves pending exactly the readings that were not written.
    const unwritten: WaitReading[] = [];
    let failure: unknown;
    for (const [day, rs] of groupBy(toWrite, readingDay)) {
      if (failure === undefined) {
        try {
          this.archive.append("readings", new Map([[day, rs.map((r) => JSON.stringify(r))]]));
          this.readingDays.add(day);
          const keys = this.keysOf(this.readingKeys, day);
          for (const r of rs) keys.add(r.key);
          continue;
        } catch (e) {
          failure = e;
        }
      }
      unwritten.push(...rs);
    }
    this.pending = unwritten;
    if (failure !== undefined) throw failure;
    const detections = [
      ...current.flatMap((r) => detectStale(r, capture.fetchedAt, this.opts.staleHours) ?? []),
      ...this.detectNew(toWrite),
    ];
    return {
      result,
      newReadings: toWrite,
      duplicates: current.length - unseen.length,
      detections: this.unemitted(detections),
      current,
    };
  }

  /** Records detections as emitted (appended to the detections files), so they are never emitted again. */
  recordEmitted(detections: readonly Detection[]): void {
    if (detections.length === 0) return;
    this.archive.append("detections", groupLines(detections, detectionDay));
    for (const d of detections) this.keysOf(this.detectionKeys, detectionDay(d)).add(d.key);
  }

  /** Forgets days older than the anomaly window needs (a long run must not grow without bound). */
  evict(): void {
    const newest = [...this.readingKeys.keys()].sort().at(-1);
    if (!newest) return;
    const oldest = addDays(newest, -(this.rule.baselineDays + 3));
    for (const m of [this.readingKeys, this.detectionKeys])
      for (const day of [...m.keys()]) if (day < oldest) m.delete(day);
    const keepFrom = addDays(newest, -Math.max(DETECTION_DAYS_KEPT, this.rule.baselineDays + 3));
    const writtenBefore = Date.now() - DETECTION_DAYS_KEPT * DAY_MS;
    for (const day of this.archive.dropDaysBefore("detections", keepFrom, writtenBefore))
      this.detectionKeys.delete(day);
    for (const [k, samples] of this.history) {
      const kept = samples.filter((s) => s.localDate >= oldest);
      if (kept.length === 0) this.history.delete(k);
      else if (kept.length < samples.length) this.history.set(k, kept);
    }
  }

  /** Releases the archive's lock. */
  close(): void {
    this.archive.close();
  }

  private detectNew(readings: readonly WaitReading[]): Detection[] {
    const out: Detection[] = [];
    for (const r of sortByTime(readings)) {
      this.ensureWindow(r);
      const previous = this.lanes.get(seriesKey(r));
      const closure = detectClosure(r, previous);
      if (closure) out.push(closure);
      if (this.opts.capacityRule) {
        const loss = detectCapacityLoss(r, previous, this.opts.capacityRule);
        if (loss) out.push(loss);
      }
      if (r.updatedAt && r.delayMinutes !== null) {
        const local = r.updatedAt.slice(0, 10);
        const from = addDays(local, -this.rule.baselineDays);
        const samples = (this.history.get(historyKey(r)) ?? [])
          .filter((s) => s.localDate >= from && s.localDate < local)
          .map((s) => s.delay);
        const anomaly = detectAnomaly(r, samples, this.rule);
        if (anomaly) out.push(anomaly);
      }
      this.applyState(r);
    }
    return out;
  }

  private unemitted(detections: readonly Detection[]): Detection[] {
    const seen = new Set<string>();
    return detections.filter((d) => {
      const day = detectionDay(d);
      this.loadDetectionDay(day);
      if (seen.has(d.key) || this.detectionKeys.get(day)!.has(d.key)) return false;
      seen.add(d.key);
      return true;
    });
  }

  private applyState(r: WaitReading): void {
    const k = seriesKey(r);
    const next = nextLaneState(r, this.lanes.get(k));
    if (next) this.lanes.set(k, next);
    if (r.updatedAt && r.delayMinutes !== null) {
      const hk = historyKey(r);
      const list = this.history.get(hk) ?? [];
      list.push({ localDate: r.updatedAt.slice(0, 10), delay: r.delayMinutes });
      this.history.set(hk, list);
    }
  }

  private hasReading(r: WaitReading): boolean {
    return this.readingKeys.get(readingDay(r))?.has(r.key) ?? false;
  }

  /** Loads the day file of a reading and the days its anomaly window reaches back to. */
  private ensureWindow(r: WaitReading): void {
    const day = readingDay(r);
    const first = r.updatedAt ? addDays(r.updatedAt.slice(0, 10), -this.rule.baselineDays - 1) : day;
    for (const d of this.readingDays)
      if (d >= first && d <= day && !this.readingKeys.has(d)) this.loadReadingDay(d, true);
    if (!this.readingKeys.has(day)) this.readingKeys.set(day, new Set());
  }

  private loadReadingDay(day: string, apply: boolean): WaitReading[] {
    const keys = this.keysOf(this.readingKeys, day);
    const { records, bad } = readArchiveDay(this.archive.dir, "readings", day);
    const out: WaitReading[] = [];
    for (const { line, value } of records) {
      const p = WaitReadingSchema.safeParse(value);
      if (!p.success) {
        bad.push({ file: `readings/${day}.jsonl`, line, reason: p.error.issues[0]?.message ?? "invalid" });
        continue;
      }
      const r = p.data as WaitReading;
      if (keys.has(r.key)) continue;
      keys.add(r.key);
      out.push(r);
    }
    this.reportBad("readings", day, bad);
    if (apply) for (const r of sortByTime(out)) this.applyState(r);
    return out;
  }

  private loadDetectionDay(day: string): void {
    if (this.detectionKeys.has(day)) return;
    const keys = this.keysOf(this.detectionKeys, day);
    const { records, bad } = readArchiveDay(this.archive.dir, "detections", day);
    for (const { line, value } of records) {
      const p = DetectionLineSchema.safeParse(value);
      if (p.success) keys.add(p.data.key);
      else bad.push({ file: `detections/${day}.jsonl`, line, reason: "not a detection" });
    }
    this.reportBad("detections", day, bad);
  }

  private reportBad(kind: ArchiveKind, day: string, bad: { line: number; reason: string }[]): void {
    const id = `${kind}/${day}`;
    if (bad.length === 0 || this.badLinesSeen.has(id)) return;
    this.badLinesSeen.add(id);
    this.opts.log?.(
      `archive: ${bad.length} unreadable line(s) in ${kind}/${day}.jsonl skipped (line ${bad[0]!.line}: ${bad[0]!.reason})`,
    );
  }

  private keysOf(m: Map<string, Set<string>>, day: string): Set<string> {
    let s = m.get(day);
    if (!s) {
      s = new Set();
      m.set(day, s);
    }
    return s;
  }
}

const historyKey = (r: WaitReading) =>
  `${r.crossing}|${r.lane}|${localWeekday(r.updatedAt!)}|${localHour(r.updatedAt!)}`;

/** The archive day of a detection: the day of the reading it is about. */
const detectionDay = (d: Detection) => readingDay({ updatedAt: d.updatedAt, fetchedAt: d.detectedAt });

function sortByTime(rs: readonly WaitReading[]): WaitReading[] {
  const at = (r: WaitReading) => (r.updatedAt ? new Date(r.updatedAt).toISOString() : r.fetchedAt);
  return [...rs].sort((a, b) => at(a).localeCompare(at(b)) || a.key.localeCompare(b.key));
}

function groupBy<T>(items: readonly T[], dayOf: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of items) {
    const day = dayOf(x);
    const list = out.get(day) ?? [];
    list.push(x);
    out.set(day, list);
  }
  return out;
}

function groupLines<T>(items: readonly T[], dayOf: (x: T) => string): Map<string, string[]> {
  return new Map([...groupBy(items, dayOf)].map(([day, xs]) => [day, xs.map((x) => JSON.stringify(x))]));
}

/** A reject as one line, with the crossing it belongs to. */
export function formatWaitReject(r: WaitReject): string {
  return `${r.crossing ? `crossing ${r.crossing}: ` : ""}${formatReject(r)}`;
}

/** One poll, as reported on stderr and in the summary. */
export interface PollReport {
  poll: number;
  origin: string;
  fetchedAt: string;
  ok: boolean;
  error?: string;
  crossings: number;
  readings: number;
  newReadings: number;
  duplicates: number;
  rejected: number;
  detections: number;
}

/** What a run of the watcher did. */
export interface WatchSummary {
  archiveDir: string;
  polls: number;
  failedPolls: number;
  readingsArchived: number;
  detectionsEmitted: number;
  repairs: Repair[];
  webhookFailures: number;
  /** With a watchlist: the alerts queued (detections it matched), and where its outbox and emails are. */
  alerts?: number;
  watchlistDir?: string;
  /** Detections queued in the outbox that a sink has not acknowledged when the run ended, by sink. */
  undelivered?: Record<string, number>;
  /** The last poll failed (with this message); a cron job should know. */
  lastError?: string;
  reports: PollReport[];
}

/** Injectable infrastructure and outputs of a watch. */
export interface WatchDeps {
  /** How the feed is fetched; `globalThis.fetch` by default. */
  fetcher?: Fetcher;
  /** How the webhook is POSTed; `globalThis.fetch` by default. */
  poster?: Poster;
  clock?: Clock;
  /**
   * Receives each detection from the outbox (the CLI prints it as one JSON line on stdout). When it returns a
   * promise, the detection counts as delivered (acknowledged in the outbox) only once that resolves: the CLI
   * resolves when the line has been handed to the pipe, so a stalled reader holds back the acknowledgement,
   * not the polling.
   */
  emit: (d: Detection) => unknown;
  /** Receives progress and problems, one line each (the CLI writes them to stderr). */
  log: (line: string) => void;
  /** Stops the watch after the current poll. */
  signal?: AbortSignal;
  /** Port codes a crossing must map to (from the snapshot's ports); any when undefined. */
  knownPorts?: ReadonlySet<string>;
  anomalyRule?: AnomalyRule;
  /** Webhook retries: tries in all and the first backoff (default 5 and 1 s). */
  webhookRetry?: { attempts: number; baseDelayMs: number };
  /** Runs the scenarios of a watchlist's alerts (the CLI's opens the database read-only); closed at the end. */
  scenarioRunner?: ScenarioRunner;
}

const defaultFetcher: Fetcher = (url, init) => fetch(url, init);

/** Where captures come from: the live feed, or a folder of recorded ones. */
interface CaptureSource {
  /** The next capture, or null when there are no more (a replay's end). Throws when a fetch fails. */
  next(): Promise<Capture | null>;
  readonly live: boolean;
}

function captureSource(req: WatchRequest, deps: WatchDeps, clock: Clock): CaptureSource {
  if (req.source.kind === "live") {
    const url = req.source.url;
    return {
      live: true,
      next: () =>
        fetchCapture({
          fetcher: deps.fetcher ?? defaultFetcher,
          url,
          timeoutMs: req.timeoutMs,
          now: clock.now,
        }),
    };
  }
  const files = listCaptureFiles(req.source.dir);
  if (files.length === 0)
    throw new InputError(`--replay ${req.source.dir}: no *.json or *.xml captures in it`);
  let i = 0;
  return {
    live: false,
    next: async () => {
      const f = files[i++];
      return f ? readCaptureFile(f) : null;
    },
  };
}

/** The wait before the next poll: the interval, doubled for each failure in a row, up to a cap. */
export function nextDelayMs(intervalMs: number, failuresInARow: number): number {
  if (failuresInARow === 0) return intervalMs;
  return Math.min(intervalMs * 2 ** failuresInARow, Math.max(intervalMs, MAX_BACKOFF_MS));
}

/**
 * Polls the feed (or replays recorded captures), archives every new reading, and emits what it detects:
 * stale readings, closures and anomalies. Fetch failures (timeouts, HTTP errors, garbage) are logged and the
 * next poll waits longer (see nextDelayMs); readings already fetched are never dropped. Ends after
 * `maxPolls`, at the end of a replay, or when `signal` aborts.
 */
export async function runWatch(req: WatchRequest, deps: WatchDeps): Promise<WatchSummary> {
  const clock = deps.clock ?? systemClock;
  const source = captureSource(req, deps, clock);
  const capacityRule = req.watchlist ? capacityRuleOf(req.watchlist) : undefined;
  const watcher = WaitWatcher.open(req.archiveDir, {
    staleHours: req.staleHours,
    ...(deps.anomalyRule ? { anomalyRule: deps.anomalyRule } : {}),
    ...(capacityRule ? { capacityRule } : {}),
    ...(deps.knownPorts ? { knownPorts: deps.knownPorts } : {}),
    log: deps.log,
  });
  const summary: WatchSummary = {
    archiveDir: req.archiveDir,
    polls: 0,
    failedPolls: 0,
    readingsArchived: 0,
    detectionsEmitted: 0,
    repairs: watcher.repairs,
    webhookFailures: 0,
    reports: [],
  };
  const rejectsLogged = new Set<string>();
  try {
    for (const r of watcher.repairs)
      deps.log(
        `archive: cut a torn last line (${r.droppedBytes} bytes) from ${r.file}; its readings are fetched again`,
      );

    // Every detection goes to the outbox (fsynced) before anyone is told; each sink then takes what it has
    // not acknowledged, in order, in the background: a slow reader delays its own acknowledgements, never
    // the polling, and what a kill cuts off is delivered again at the next start.
    // A watchlist has a folder of its own: its outbox (alerts, not every detection), its episodes, its emails.
    const listDir = req.watchlist ? join(req.archiveDir, "watchlists", req.watchlist.slug) : undefined;
    const outbox = Outbox.open<Detection>(
      listDir ? join(listDir, "outbox") : join(req.archiveDir, "outbox"),
      {
        onDrop: (d) =>
          deps.log(
            `outbox: over its ${DEFAULT_OUTBOX_LIMITS.maxBytes / 1024 / 1024} MiB cap: entries ${d.firstSeq}..${d.lastSeq} deleted, undelivered to ${Object.entries(
              d.undelivered,
            )
              .map(([k, n]) => `${k} (${n})`)
              .join(", ")}`,
          ),
      },
    );
    if (outbox.repair)
      deps.log(
        `outbox: cut a torn last line (${outbox.repair.droppedBytes} bytes); its detection is queued again`,
      );
    const sinks: DeliverySink[] = [
      {
        name: "stdout",
        deliver: async (ds) => {
          await Promise.all(ds.map((d) => deps.emit(d)));
          return true;
        },
      },
    ];
    if (req.webhook) {
      const url = req.webhook;
      sinks.push({
        name: "webhook",
        deliver: async (ds) => {
          const out = await postWebhook(
            url,
            { source: "borderflow", detections: ds },
            {
              ...(deps.poster ? { poster: deps.poster } : {}),
              ...(deps.webhookRetry ?? {}),
              sleep: (ms) => clock.sleep(ms, deps.signal),
            },
          );
          if (out.ok) return true;
          summary.webhookFailures++;
          if (!out.retryable) {
            // The receiver refuses this payload (a 4xx): sending it again cannot help, and it must not hold
            // back what comes after it. It stays in the outbox file.
            deps.log(
              `webhook: gave up on ${ds.length} detection(s) after ${out.attempts} tries (${out.error}): the receiver refuses them; they stay in ${join(req.archiveDir, "outbox")}`,
            );
            return true;
          }
          deps.log(
            `webhook: ${ds.length} detection(s) not delivered after ${out.attempts} tries (${out.error}); kept in the outbox, tried again after the next poll`,
          );
          return false;
        },
      });
    }
    const list = req.watchlist;
    const engine =
      list && listDir ? new WatchlistEngine(list, listDir, deps.scenarioRunner, deps.log) : undefined;
    if (list && listDir) {
      summary.alerts = 0;
      summary.watchlistDir = listDir;
      if (list.email) {
        const email = list.email;
        const mailDir = resolve(email.dir ?? join(listDir, "mail"));
        sinks.push({
          name: "email",
          deliver: async (ds) => {
            try {
              writeEmails(mailDir, ds as WatchAlert[], email);
              return true;
            } catch (e) {
              deps.log(
                `email: cannot write ${ds.length} alert(s) to ${mailDir} (${(e as Error).message}); kept in the outbox, tried again after the next poll`,
              );
              return false;
            }
          },
        });
      }
    }
    const pump = new OutboxPump(outbox, sinks, deps.log);
    pump.kick();

    const deliver = async (detections: Detection[]) => {
      if (detections.length === 0) return;
      if (engine) {
        // Only what the watchlist matches is queued, as alerts (scenario runs are bounded in time and number);
        // every detection is still recorded as emitted, so it is evaluated once.
        const alerts = await engine.evaluate(detections, (key) => outbox.has(key));
        const queued = outbox.append(alerts, (d) => d.key);
        watcher.recordEmitted(detections);
        summary.detectionsEmitted += detections.length;
        summary.alerts! += queued.length;
        pump.kick();
        return;
      }
      const queued = outbox.append(detections, (d) => d.key);
      watcher.recordEmitted(detections);
      summary.detectionsEmitted += queued.length;
      pump.kick();
    };

    const recovered = watcher.recover();
    engine?.observe(watcher.lastCapture);
    if (recovered.length > 0) {
      deps.log(
        `archive: emitting ${recovered.length} detection(s) of the last archived capture that were not emitted`,
      );
      await deliver(recovered);
    }

    let failures = 0;
    for (let poll = 1; !deps.signal?.aborted; poll++) {
      let capture: Capture | null = null;
      try {
        capture = await source.next();
        if (capture === null) break;
        if (req.saveCaptures) saveCapture(req.saveCaptures, capture, deps.log);
        await watcher.loadCompacted(capture.fetchedAt);
        const out = watcher.ingest(capture);
        summary.readingsArchived += out.newReadings.length;
        const report: PollReport = {
          poll,
          origin: capture.origin,
          fetchedAt: capture.fetchedAt,
          ok: true,
          crossings: out.result.crossings,
          readings: out.result.readings.length,
          newReadings: out.newReadings.length,
          duplicates: out.duplicates,
          rejected: out.result.rejects.length,
          detections: out.detections.length,
        };
        summary.reports.push(report);
        deps.log(
          `poll ${poll} (${capture.fetchedAt}): ${report.crossings} crossings, ${report.readings} readings, ${report.newReadings} new, ${report.duplicates} already archived, ${report.rejected} rejected, ${report.detections} detection(s)`,
        );
        logRejects(out.result.rejects, rejectsLogged, deps.log);
        for (const n of out.result.notes) deps.log(`note: ${n}`);
        engine?.observe(out.current);
        await deliver(out.detections);
        if (req.compact !== false) await compactClosed(watcher, capture.fetchedAt, req.keepRawDays, deps.log);
        watcher.evict();
        failures = 0;
        delete summary.lastError;
      } catch (e) {
        if (!(e instanceof DataError) && !(e instanceof StoreError)) throw e;
        failures++;
        summary.failedPolls++;
        const message = e.message;
        summary.lastError = message;
        summary.reports.push({
          poll,
          origin: capture?.origin ?? (req.source.kind === "live" ? req.source.url : req.source.dir),
          fetchedAt: capture?.fetchedAt ?? clock.now().toISOString(),
          ok: false,
          error: message,
          crossings: 0,
          readings: 0,
          newReadings: 0,
          duplicates: 0,
          rejected: 0,
          detections: 0,
        });
        const details =
          e instanceof DataError
            ? e.details
                .slice(0, 3)
                .map((d) => `\n  ${d}`)
                .join("")
            : "";
        const wait = source.live ? `; next try in ${formatMs(nextDelayMs(req.intervalMs, failures))}` : "";
        const sample = capture ? `\n  sample: ${sampleOf(capture.body)} (${capture.body.length} bytes)` : "";
        deps.log(
          `poll ${poll} failed: ${message}${details}${sample}${wait} (${failures} failure(s) in a row)`,
        );
      }
      if (req.maxPolls !== undefined && poll >= req.maxPolls) break;
      if (source.live) await clock.sleep(nextDelayMs(req.intervalMs, failures), deps.signal);
    }
    // Before ending, deliver what is queued (a stop signal cuts this short: the rest waits in the outbox).
    await pump.drain(deps.signal);
    summary.undelivered = Object.fromEntries(sinks.map((k) => [k.name, outbox.pending(k.name).length]));
  } finally {
    watcher.close();
    await deps.scenarioRunner?.close();
  }
  summary.polls = summary.reports.length;
  return summary;
}

/**
 * Compacts the archive's closed days (a UTC day closes 6 hours after its end) into monthly Parquet, if any
 * is still in JSON Lines. A failure is logged, never fatal: the JSON Lines stay and the next poll tries again.
 */
async function compactClosed(
  watcher: WaitWatcher,
  now: string,
  keepRawDays: number | undefined,
  log: (line: string) => void,
): Promise<CompactionReport | undefined> {
  const through = closedThrough(now);
  if (!archiveDays(watcher.archive.dir, "readings").some((d) => d <= through)) return undefined;
  try {
    const t0 = performance.now();
    const r = await compactArchive(watcher.archive, {
      through,
      ...(keepRawDays !== undefined ? { keepRawDays } : {}),
    });
    const days = r.months.reduce((n, m) => n + m.days.length, 0);
    log(
      `archive: compacted ${days} closed day(s) into ${r.months.map((m) => `${m.month} (${m.readings} readings)`).join(", ")} in ${formatMs(Math.round(performance.now() - t0))}${r.rawDropped.length ? `; raw readings of ${r.rawDropped.join(", ")} dropped (roll-ups kept)` : ""}`,
    );
    return r;
  } catch (e) {
    log(
      `archive: compaction failed (${(e as Error).message}); the days stay in JSON Lines and are tried again`,
    );
    return undefined;
  }
}

function logRejects(rejects: readonly WaitReject[], logged: Set<string>, log: (l: string) => void): void {
  let hidden = 0;
  let shown = 0;
  for (const r of rejects) {
    const id = `${r.crossing}|${r.field}|${r.value}|${r.reason}`;
    if (logged.has(id)) {
      hidden++;
      continue;
    }
    if (shown >= REJECTS_LOGGED) {
      hidden++;
      continue;
    }
    logged.add(id);
    shown++;
    log(`rejected: ${formatWaitReject(r)}`);
  }
  if (hidden > 0) log(`rejected: ${hidden} more (already reported, or over ${REJECTS_LOGGED} a poll)`);
}

function saveCapture(dir: string, c: Capture, log: (l: string) => void): void {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, captureFileName(c)), c.body);
  } catch (e) {
    log(`save-captures: cannot write to ${dir}: ${(e as Error).message}`);
  }
}

/** Where queued detections go: a name (its outbox cursor) and a delivery that says whether it succeeded. */
interface DeliverySink {
  name: string;
  deliver: (detections: Detection[]) => Promise<boolean>;
}

/** Detections handed to a sink at a time (and acknowledged together). */
const DELIVERY_BATCH = 100;

/**
 * Moves the outbox's entries to its sinks in the background, one loop per sink: a batch is delivered, then
 * acknowledged. A sink that fails (webhook down) stops until the next kick (after the next poll).
 */
class OutboxPump {
  private readonly running = new Map<string, Promise<void>>();
  /** Sinks kicked while their loop was finishing: they go round once more. */
  private readonly again = new Set<string>();

  constructor(
    private readonly outbox: Outbox<Detection>,
    private readonly sinks: readonly DeliverySink[],
    private readonly log: (line: string) => void,
  ) {}

  /** Starts delivering to every sink that is idle and has something pending. */
  kick(): void {
    for (const sink of this.sinks) this.kickSink(sink);
  }

  /** Starts a sink's loop, or marks it to go round once more when it is running. */
  private kickSink(sink: DeliverySink): void {
    if (this.running.has(sink.name)) {
      this.again.add(sink.name);
      return;
    }
    const run = this.loop(sink).finally(() => {
      this.running.delete(sink.name);
      // Only this sink goes round again: kicking every sink here would make two sinks kick each other forever.
      if (this.again.delete(sink.name)) this.kickSink(sink);
    });
    this.running.set(sink.name, run);
  }

  private async loop(sink: DeliverySink): Promise<void> {
    try {
      for (;;) {
        const batch = this.outbox.pending(sink.name).slice(0, DELIVERY_BATCH);
        if (batch.length === 0) return;
        if (!(await sink.deliver(batch.map((e) => e.item)))) return;
        this.outbox.ack(sink.name, batch.at(-1)!.seq);
      }
    } catch (e) {
      this.log(
        `outbox: delivery to ${sink.name} stopped (${(e as Error).message}); it resumes after the next poll`,
      );
    }
  }

  /** Waits until every sink has taken what it can (one more round each), or until `signal` aborts. */
  async drain(signal?: AbortSignal): Promise<void> {
    this.kick();
    const all = (async () => {
      while (this.running.size > 0) await Promise.all([...this.running.values()]);
    })();
    if (!signal) return all;
    if (signal.aborted) return;
    await Promise.race([
      all,
      new Promise<void>((done) => signal.addEventListener("abort", () => done(), { once: true })),
    ]);
  }
}
