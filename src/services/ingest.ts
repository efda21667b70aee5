import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { DataError, InputError } from "../domain/errors.ts";
import { formatReject, type Reject } from "../domain/rejects.ts";
import { addMonths, MonthSchema, type Month } from "../domain/units.ts";
import {
  BTS_CROSSINGS_SOURCE,
  BTS_CROSSINGS_URL,
  fetchCrossings,
  parseCrossingsCsv,
  type CrossingsResult,
} from "../sources/bts-crossings.ts";
import type { Fetcher } from "../sources/fetcher.ts";
import {
  fetchRawTransborder,
  parseRawTransborderBytes,
  TRANSBORDER_SOURCE,
  type TradeRow,
  type TradeTable,
} from "../sources/transborder.ts";
import { acceptedMonths, type ParseResult } from "../sources/validate.ts";
import type { Store } from "../store/db.ts";
import {
  createStagingQuery,
  crossingPortCodesQuery,
  deleteReplacedQuery,
  diffCountsQuery,
  dropStagingQueries,
  hs2CodesQuery,
  insertIngestLogQuery,
  insertNewQuery,
  rememberAffectedPortsQuery,
  stagedMonthsQuery,
  stagingTable,
  tradePortCodesQuery,
  updatePortCrossingSpansQuery,
  updatePortTradeModesQuery,
  type IngestTable,
} from "../store/ingest-queries.ts";
import { invalidateStoreCaches } from "./cache.ts";
import { keepCrossingStatus } from "./status.ts";

/** The live sources `ingest` reads. */
export const INGEST_SOURCES = [BTS_CROSSINGS_SOURCE, TRANSBORDER_SOURCE] as const;
export type IngestSource = (typeof INGEST_SOURCES)[number];

/** Where bts-crossings is fetched from unless told otherwise (Socrata dataset keg4-3bc2 on data.bts.gov). */
export const DEFAULT_CROSSINGS_URL = BTS_CROSSINGS_URL;

/** Rows per Socrata page unless told otherwise. */
export const DEFAULT_PAGE_SIZE = 50_000;

/** How many rejects an ingest lists; the rest are counted. */
export const REJECTS_SHOWN = 20;

/** An ingest as a user wrote it (CLI flags, as strings). */
export interface IngestSpec {
  source: string;
  url?: string | undefined;
  file?: string | undefined;
  since?: string | undefined;
  pageSize?: string | number | undefined;
  skipBadRows?: boolean | undefined;
}

/** A validated ingest request. */
export interface IngestRequest {
  source: IngestSource;
  from: { kind: "url"; url: string } | { kind: "file"; file: string };
  since?: Month;
  pageSize: number;
  skipBadRows: boolean;
}

const IngestSpecSchema = z
  .object({
    source: z.enum(INGEST_SOURCES, {
      error: (i) => `unknown source ${JSON.stringify(i.input)} (expected ${INGEST_SOURCES.join(" or ")})`,
    }),
    url: z
      .string()
      .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), {
        error: (i) => `--url ${JSON.stringify(i.input)} is not an http(s) URL`,
      })
      .optional(),
    file: z.string().min(1, "--file is empty").optional(),
    since: z.string().pipe(MonthSchema).optional(),
    pageSize: z.coerce
      .number()
      .int("--page-size must be a whole number")
      .positive("--page-size must be 1 or more")
      .optional(),
    skipBadRows: z.boolean().optional(),
  })
  .superRefine((s, c) => {
    if (s.url !== undefined && s.file !== undefined)
      c.addIssue({ code: "custom", message: "give --url or --file, not both" });
    if (s.source === "transborder" && s.url === undefined && s.file === undefined)
      c.addIssue({
        code: "custom",
        message:
          "transborder needs --url or --file: a raw monthly ZIP (or one DOT1/DOT3 CSV) from https://www.bts.gov/topics/transborder-raw-data",
      });
    if (s.pageSize !== undefined && (s.source !== "bts-crossings" || s.file !== undefined))
      c.addIssue({ code: "custom", message: "--page-size applies only to bts-crossings read from the API" });
  });

/** Validates what a user asked for; every problem is named at once in one InputError. */
export function parseIngestSpec(spec: IngestSpec): IngestRequest {
  const clean = Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined));
  const parsed = IngestSpecSchema.safeParse(clean);
  if (!parsed.success) {
    const messages = parsed.error.issues.map((i) => {
      if (i.path[0] === "since") return `--since ${JSON.stringify(spec.since)}: ${i.message}`;
      if (i.path[0] === "pageSize" && i.code === "invalid_type")
        return `--page-size ${JSON.stringify(String(spec.pageSize))} is not a number`;
      return i.message;
    });
    throw new InputError(messages.join("; "), "e.g. borderflow ingest bts-crossings --since 2025-01");
  }
  const s = parsed.data;
  if (s.file !== undefined) {
    const file = resolve(s.file);
    if (!existsSync(file) || !statSync(file).isFile()) throw new InputError(`--file ${s.file}: no such file`);
  }
  return {
    source: s.source,
    from:
      s.file !== undefined
        ? { kind: "file", file: resolve(s.file) }
        : { kind: "url", url: s.url ?? DEFAULT_CROSSINGS_URL },
    ...(s.since ? { since: s.since } : {}),
    pageSize: s.pageSize ?? DEFAULT_PAGE_SIZE,
    skipBadRows: s.skipBadRows ?? false,
  };
}

/** What an ingest is doing, for a progress bar. `total` is an estimate while pages are still coming. */
export interface IngestProgress {
  stage: "download" | "read" | "compare" | "store";
  done: number;
  total?: number;
  label: string;
}

/** Injectable infrastructure of an ingest. */
export interface IngestDeps {
  /** How URLs are fetched; `globalThis.fetch` by default. */
  fetcher?: Fetcher;
  /** The time written to the ingest log and the clock of the month check (no month after next); now by default. */
  now?: () => Date;
  onProgress?: (p: IngestProgress) => void;
}

/** How one table changed. Counts are rows, one value (or one set of value, weight, freight) each. */
export interface TableChanges {
  table: IngestTable;
  /** Rows in the new data for this table (after aggregation for TransBorder). */
  rows: number;
  /** The months the new data covers; the stored rows of the port-months it holds were compared and replaced. */
  months: Month[];
  inserted: number;
  changed: number;
  removed: number;
  unchanged: number;
}

/** What an ingest read and did. */
export interface IngestSummary {
  source: IngestSource;
  origin: string;
  /** Data lines or records read (header excluded). */
  rowsRead: number;
  rejected: number;
  duplicatesDropped: number;
  months: Month[];
  tables: TableChanges[];
  /** True when anything was inserted, changed or removed. */
  changed: boolean;
  /** The first {@link REJECTS_SHOWN} rejects, formatted; only with skipBadRows (otherwise the ingest fails). */
  rejects: string[];
  rejectsNotShown: number;
  notes: string[];
}

type Cell = string | number | null;

const defaultFetcher: Fetcher = (url, init) => fetch(url, init);

/** New rows of one table, in the column order of the store table. */
export interface NewRows {
  table: IngestTable;
  rows: Cell[][];
}

/** What a source gave: rows per table, and what was refused. Made by {@link readIngestSource}. */
export interface IngestRead {
  origin: string;
  linesRead: number;
  rejects: Reject[];
  duplicatesDropped: number;
  tables: NewRows[];
}

/** The codes new rows are checked against, read from the store. */
export interface KnownCodes {
  /** Ports of the crossings `ports` table. */
  crossingPorts: ReadonlySet<string>;
  /** TransBorder port codes (`trade_ports`). */
  tradePorts: ReadonlySet<string>;
  hs2: ReadonlySet<string>;
}

/** Reads the port and HS codes new rows must use (a row with another code is rejected). */
export async function loadKnownCodes(store: Store): Promise<KnownCodes> {
  return {
    crossingPorts: await codeSet(store, crossingPortCodesQuery),
    tradePorts: await codeSet(store, tradePortCodesQuery),
    hs2: await codeSet(store, hs2CodesQuery),
  };
}

/**
 * Downloads or reads the source and validates every row, without touching the store. If any row is
 * rejected it throws a DataError listing the first {@link REJECTS_SHOWN} rejects and a count, unless
 * `skipBadRows`.
 */
export async function readIngestSource(
  req: IngestRequest,
  codes: KnownCodes,
  deps: IngestDeps = {},
): Promise<IngestRead> {
  const read =
    req.source === "bts-crossings"
      ? await readCrossings(req, codes, deps)
      : await readTransborder(req, codes, deps);
  if (read.rejects.length > 0 && !req.skipBadRows) {
    const { shown, more } = listRejects(read.rejects);
    const valid = read.tables.reduce((n, t) => n + t.rows.length, 0);
    // TransBorder's raw lines are summed into stored rows: say both, or "15 valid rows" of 883 reads wrong.
    const store =
      req.source === "transborder"
        ? `the ${read.linesRead - read.rejects.length} valid rows, summed into ${valid} stored rows`
        : `the ${valid} valid rows`;
    throw new DataError(
      `${read.origin}: ${read.rejects.length} of ${read.linesRead} rows rejected; nothing was stored (use --skip-bad-rows to store ${store})`,
      more > 0 ? [...shown, `... and ${more} more`] : shown,
    );
  }
  return read;
}

function listRejects(rejects: Reject[]): { shown: string[]; more: number } {
  return {
    shown: rejects.slice(0, REJECTS_SHOWN).map(formatReject),
    more: Math.max(0, rejects.length - REJECTS_SHOWN),
  };
}

/**
 * Loads a newer release of a live source into the store: {@link loadKnownCodes},
 * {@link readIngestSource}, then {@link applyIngest}.
 */
export async function ingest(
  store: Store,
  req: IngestRequest,
  deps: IngestDeps = {},
): Promise<IngestSummary> {
  const read = await readIngestSource(req, await loadKnownCodes(store), deps);
  return applyIngest(store, req, read, deps);
}

/**
 * Stores what {@link readIngestSource} read. The months present in the new data are its scope: inside
 * one transaction their stored rows are compared with the new rows and replaced by them (a stored row
 * missing from the new data is removed), affected ports get their first and last months and modes
 * derived again, and a line is added to the ingest log. All of it is stored, or none.
 */
export async function applyIngest(
  store: Store,
  req: IngestRequest,
  read: IngestRead,
  deps: IngestDeps = {},
): Promise<IngestSummary> {
  const progress = deps.onProgress ?? (() => {});
  if (read.rejects.length > 0 && !req.skipBadRows)
    throw new DataError(`${read.origin}: ${read.rejects.length} rows rejected; nothing was stored`);
  const { shown, more } = listRejects(read.rejects);
  const tables = read.tables.filter((t) => t.rows.length > 0);
  const changes = await store.transaction(async () => {
    const out: TableChanges[] = [];
    for (const [i, t] of tables.entries()) {
      progress({ stage: "compare", done: i, total: tables.length, label: `comparing ${t.table}` });
      out.push(await replaceMonths(store, t));
    }
    const total = (k: "inserted" | "changed" | "removed" | "unchanged") => out.reduce((n, c) => n + c[k], 0);
    await store.run(
      insertIngestLogQuery({
        ingestedAt: (deps.now ?? (() => new Date()))().toISOString().replace(/Z$/, ""),
        source: req.source,
        origin: read.origin,
        months: compactMonths(unionMonths(out)),
        inserted: total("inserted"),
        changed: total("changed"),
        removed: total("removed"),
        unchanged: total("unchanged"),
      }),
    );
    return out;
  });
  invalidateStoreCaches(store);
  // The crossings' status index kept in the file follows the crossings (left stale, it would only be unused).
  if (tables.some((t) => t.table === "crossings")) await keepCrossingStatus(store);
  progress({ stage: "store", done: tables.length, total: tables.length, label: "stored" });

  const changed = changes.some((c) => c.inserted + c.changed + c.removed > 0);
  const notes: string[] = [];
  if (tables.length === 0)
    notes.push(`the source gave no rows${req.since ? ` from ${req.since} on` : ""}; nothing to compare`);
  for (const c of changes.filter((x) => x.removed > 0))
    notes.push(
      `${c.table}: ${c.removed} stored row(s) of the port-months in the new data are absent from it and were removed (a release replaces each port-month it holds whole${c.table === "crossings" ? "; BTS omits zero counts, so absence means zero" : ""})`,
    );
  if (read.rejects.length > 0) {
    notes.push(`${read.rejects.length} row(s) were rejected and skipped (--skip-bad-rows)`);
    if (req.source === "transborder")
      notes.push(
        "TransBorder values are sums of raw lines: a sum that had a rejected line is short by that line",
      );
  }
  return {
    source: req.source,
    origin: read.origin,
    rowsRead: read.linesRead,
    rejected: read.rejects.length,
    duplicatesDropped: read.duplicatesDropped,
    months: unionMonths(changes),
    tables: changes,
    changed,
    rejects: shown,
    rejectsNotShown: more,
    notes,
  };
}

/** Stages new rows, counts the differences with the stored rows of their months, and applies them. */
async function replaceMonths(store: Store, t: NewRows): Promise<TableChanges> {
  await store.run(createStagingQuery(t.table));
  await store.append(stagingTable(t.table), t.rows);
  const months = (await store.all<{ month: Month }>(stagedMonthsQuery(t.table))).map((r) => r.month);
  const [d] = await store.all<{ inserted: number; changed: number; removed: number; unchanged: number }>(
    diffCountsQuery(t.table),
  );
  const counts = d ?? { inserted: 0, changed: 0, removed: 0, unchanged: 0 };
  if (counts.inserted + counts.changed + counts.removed > 0) {
    await store.run(rememberAffectedPortsQuery(t.table));
    await store.run(deleteReplacedQuery(t.table));
    await store.run(insertNewQuery(t.table));
    if (t.table === "crossings") await store.run(updatePortCrossingSpansQuery);
    if (t.table === "trade") await store.run(updatePortTradeModesQuery);
  }
  for (const q of dropStagingQueries(t.table)) await store.run(q);
  return { table: t.table, rows: t.rows.length, months, ...counts };
}

async function codeSet(store: Store, q: Parameters<Store["all"]>[0]): Promise<Set<string>> {
  const rows = await store.all<Record<string, string>>(q);
  return new Set(rows.map((r) => Object.values(r)[0]!));
}

async function readCrossings(req: IngestRequest, codes: KnownCodes, deps: IngestDeps): Promise<IngestRead> {
  const knownPorts = codes.crossingPorts;
  const months = acceptedMonths(deps.now?.());
  const progress = deps.onProgress ?? (() => {});
  let r: CrossingsResult;
  let origin: string;
  if (req.from.kind === "url") {
    origin = req.from.url;
    const pageSize = req.pageSize;
    r = await fetchCrossings({
      fetcher: deps.fetcher ?? defaultFetcher,
      url: req.from.url,
      pageSize,
      knownPorts,
      months,
      ...(req.since ? { since: req.since } : {}),
      onProgress: (p) =>
        progress({
          stage: "download",
          done: p.done,
          // Socrata does not say how many records are left: a full page means there may be another.
          total: p.done > 0 && p.done % pageSize === 0 ? p.done + pageSize : p.done,
          label: `${p.label ?? "page"}: ${p.done} records`,
        }),
    });
  } else {
    origin = req.from.file;
    progress({ stage: "read", done: 0, total: 1, label: `reading ${origin}` });
    r = await parseCrossingsCsv(origin, { source: BTS_CROSSINGS_SOURCE, file: origin }, knownPorts, months);
    progress({ stage: "read", done: 1, total: 1, label: `read ${r.linesRead} rows` });
  }
  const rows = r.rows.filter((x) => !req.since || x.month >= req.since);
  return {
    origin,
    linesRead: r.linesRead,
    rejects: r.rejects,
    duplicatesDropped: r.duplicatesDropped,
    tables: [{ table: "crossings", rows: rows.map((x) => [x.portCode, x.month, x.measure, x.value]) }],
  };
}

const TRADE_TABLES: Partial<Record<TradeTable, IngestTable>> = {
  "port-mode": "trade",
  "port-hs2": "trade_hs2",
};

async function readTransborder(req: IngestRequest, known: KnownCodes, deps: IngestDeps): Promise<IngestRead> {
  const progress = deps.onProgress ?? (() => {});
  const codes = { ports: known.tradePorts, hs2: known.hs2, months: acceptedMonths(deps.now?.()) };
  const origin = req.from.kind === "url" ? req.from.url : req.from.file;
  progress({
    stage: req.from.kind === "url" ? "download" : "read",
    done: 0,
    total: 1,
    label: `reading ${origin}`,
  });
  const parts =
    req.from.kind === "url"
      ? await fetchRawTransborder(deps.fetcher ?? defaultFetcher, req.from.url, codes)
      : await parseRawTransborderBytes(readFileSync(req.from.file), req.from.file, codes);
  progress({ stage: "read", done: 1, total: 1, label: `read ${parts.map((p) => p.table).join(" + ")}` });
  return collectTrade(origin, parts, req.since);
}

/** Merges the parts of a raw TransBorder download (a ZIP may hold several files) into rows per table. */
function collectTrade(
  origin: string,
  parts: { table: TradeTable; result: ParseResult<TradeRow> }[],
  since: Month | undefined,
): IngestRead {
  const rejects: Reject[] = [];
  let linesRead = 0;
  let duplicatesDropped = 0;
  const byTable = new Map<IngestTable, Map<string, TradeRow>>();
  for (const { table, result } of parts) {
    linesRead += result.linesRead;
    duplicatesDropped += result.duplicatesDropped;
    rejects.push(...result.rejects);
    const target = TRADE_TABLES[table];
    if (!target) throw new DataError(`${origin}: holds ${table} rows, which ingest does not load`);
    const rows = byTable.get(target) ?? new Map<string, TradeRow>();
    byTable.set(target, rows);
    for (const r of result.rows) {
      if (since && r.month < since) continue;
      const key = [r.portCode, r.hs2, r.mode, r.direction, r.country, r.month].join("/");
      if (rows.has(key)) {
        rejects.push({
          source: TRANSBORDER_SOURCE,
          file: origin,
          line: 0,
          field: "row",
          value: key,
          reason: "the same port, mode, direction, country and month appear in two files of the download",
        });
        continue;
      }
      const whole = [r.valueUsd, r.weightKg ?? 0, r.freightUsd ?? 0].every(Number.isSafeInteger);
      if (!whole) {
        rejects.push({
          source: TRANSBORDER_SOURCE,
          file: origin,
          line: 0,
          field: "VALUE",
          value: key,
          reason: `value ${r.valueUsd}, weight ${r.weightKg} or freight ${r.freightUsd} is not a whole number (the store keeps whole dollars and kilograms)`,
        });
        continue;
      }
      rows.set(key, r);
    }
  }
  const tables: NewRows[] = [...byTable].map(([table, rows]) => ({
    table,
    rows: [...rows.values()].map((r) =>
      table === "trade"
        ? [r.portCode, r.mode, r.direction, r.country, r.month, r.valueUsd, r.weightKg, r.freightUsd]
        : [r.portCode, r.hs2, r.mode, r.direction, r.country, r.month, r.valueUsd, r.weightKg, r.freightUsd],
    ),
  }));
  return { origin, linesRead, rejects, duplicatesDropped, tables };
}

function unionMonths(changes: TableChanges[]): Month[] {
  return [...new Set(changes.flatMap((c) => c.months))].sort();
}

/** Writes months as ranges of consecutive months: `2020-01..2020-09, 2021-01..2024-09`. */
export function compactMonths(months: readonly Month[]): string {
  const sorted = [...new Set(months)].sort();
  const ranges: string[] = [];
  let start: Month | undefined;
  let prev: Month | undefined;
  for (const m of sorted) {
    if (start && prev && addMonths(prev, 1) === m) {
      prev = m;
      continue;
    }
    if (start && prev) ranges.push(start === prev ? start : `${start}..${prev}`);
    start = m;
    prev = m;
  }
  if (start && prev) ranges.push(start === prev ? start : `${start}..${prev}`);
  return ranges.join(", ");
}
