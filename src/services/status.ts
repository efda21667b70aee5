// Values with their status, cell by cell: the one place that decides whether an absent row is a zero, a
// hole or a month outside a port's series. Every answer (crossings, trade, profiles, the scenario baseline)
// reads its months through here, so no surface can turn a hole into a 0.
import { TRADE_MODES } from "../domain/trade.ts";
import { MEASURES } from "../domain/measures.ts";
import { breakNotes, IDENTITY_NOTES, TRADE_SERIES_START, VIRTUAL_PORTS } from "../domain/port-identity.ts";
import {
  HOLE_MAX_RUN,
  HOLE_NEIGHBOUR_MIN,
  type CrossingCell,
  type CrossingHole,
  type FigureStatus,
  HOLE_RULES,
  STATUS_INFO,
  type HoleRule,
  type StatusValue,
  type TradeCell,
} from "../domain/status.ts";
import { quoteCsv } from "../sources/csv.ts";
import { formatMonthRuns, monthRange, type Month } from "../domain/units.ts";
import type { Store } from "../store/db.ts";
import { and, inList } from "../store/sql.ts";
import {
  crossingsCellsQuery,
  crossingsFingerprintQuery,
  crossingsMonthlyQuery,
  crossingStatusQueries,
  deriveCrossingStatus,
  keptCrossingStatusQueries,
  keptFingerprintQuery,
  portsWithoutTradeSeriesQuery,
} from "../store/status-queries.ts";
import { memoPerStore } from "./cache.ts";
import { crossingsRowsInMemory } from "./crossings-cube.ts";
import { getCoverage } from "./coverage.ts";

export type { CrossingCell, CrossingHole, TradeCell } from "../domain/status.ts";

/** What decides a crossings cell's status, read once per open store. */
export interface CrossingStatusIndex {
  /** Each port's first and last month in BTS crossings. */
  spans: Map<string, { first: Month; last: Month }>;
  /** Months inside a port's span in which BTS left the whole port out (before OMISSION_FROM). */
  leftOut: Map<string, Set<Month>>;
  /** Holes by `port|measure|month`. */
  holes: Map<string, CrossingHole>;
  /** Every hole, ordered by port, measure, month. */
  holeList: CrossingHole[];
}

const key = (port: string, measure: string, month: string) => `${port}|${measure}|${month}`;

/**
 * Derives the crossings' status tables into the store (a writable one) from its crossings now, so that the
 * next process reads them instead of deriving them (an ingest calls it after writing crossings).
 */
export async function keepCrossingStatus(store: Store): Promise<void> {
  const [row] = await store.all<{ fp: string }>(crossingsFingerprintQuery);
  // All of it or none: tables and the fingerprint they were derived from.
  await store.transaction(async () => {
    for (const q of deriveCrossingStatus(row!.fp)) await store.run(q);
  });
}

/** The crossings status index of a store (computed once per open store: about 0.3 s on the snapshot). */
export function crossingStatusIndex(store: Store): Promise<CrossingStatusIndex> {
  return memoPerStore(store, "crossing-status", async () => {
    // Kept in the file at its creation and after each ingest (status_* tables), while the crossings still
    // match the fingerprint they were derived from; derived here otherwise (about 1.5 s on the snapshot).
    const [now, kept] = await Promise.all([
      store.all<{ fp: string }>(crossingsFingerprintQuery),
      store.all<{ fp: string }>(keptFingerprintQuery).catch(() => []),
    ]);
    const q =
      now[0]?.fp !== undefined && now[0].fp === kept[0]?.fp
        ? keptCrossingStatusQueries
        : crossingStatusQueries();
    const [spans, leftOut, holes] = await Promise.all([
      store.all<{ port_code: string; first: Month; last: Month }>(q.status_spans),
      store.all<{ port_code: string; month: Month }>(q.status_left_out),
      store.all<{
        port_code: string;
        measure: string;
        month: Month;
        rule: HoleRule;
        before_month: Month | null;
        before_value: number | null;
        after_month: Month | null;
        after_value: number | null;
      }>(q.status_holes),
    ]);
    const out: CrossingStatusIndex = {
      spans: new Map(spans.map((s) => [s.port_code, { first: s.first, last: s.last }])),
      leftOut: new Map(),
      holes: new Map(),
      holeList: [],
    };
    for (const r of leftOut) {
      const set = out.leftOut.get(r.port_code) ?? new Set<Month>();
      set.add(r.month);
      out.leftOut.set(r.port_code, set);
    }
    for (const h of holes) {
      const hole: CrossingHole = {
        port: h.port_code,
        measure: h.measure,
        month: h.month,
        rule: h.rule,
        before: h.before_month === null ? null : { month: h.before_month, value: h.before_value ?? 0 },
        after: h.after_month === null ? null : { month: h.after_month, value: h.after_value ?? 0 },
      };
      out.holes.set(key(h.port_code, h.measure, h.month), hole);
      out.holeList.push(hole);
    }
    return out;
  });
}

/** Every hole the rules find in the store's crossings (port, measure, month, rule, neighbours). */
export async function crossingHoles(store: Store): Promise<CrossingHole[]> {
  return (await crossingStatusIndex(store)).holeList;
}

/**
 * The status of one port × measure × month given the row's value (undefined when BTS has no row):
 * outside the port's span or left out → not-reported; a row → observed; a hole → missing; else zero.
 */
export function classifyCrossing(
  index: CrossingStatusIndex,
  port: string,
  measure: string,
  month: Month,
  value: number | undefined,
): CrossingCell {
  const span = index.spans.get(port);
  if (!span || month < span.first || month > span.last || index.leftOut.get(port)?.has(month))
    return { port, measure, month, value: null, status: "not-reported" };
  if (value !== undefined) return { port, measure, month, value, status: "observed" };
  const hole = index.holes.get(key(port, measure, month));
  if (hole) return { port, measure, month, value: null, status: "missing", rule: hole.rule };
  return { port, measure, month, value: 0, status: "zero" };
}

/** Which cells to read. Empty `ports` means every port in BTS crossings; empty `measures` every measure. */
export interface CellRequest {
  ports: readonly string[];
  measures: readonly string[];
  from: Month;
  to: Month;
}

/**
 * BTS crossings for ports × measures × months, every cell with its status: holes and months outside a
 * port's series are `value: null` (missing / not-reported), never 0. Ordered by port, measure, month.
 */
export async function crossingsCells(store: Store, req: CellRequest): Promise<CrossingCell[]> {
  const index = await crossingStatusIndex(store);
  const ports = req.ports.length ? [...req.ports] : [...index.spans.keys()];
  const measures = req.measures.length ? [...req.measures] : [...MEASURES];
  const rows = await store.all<{ port_code: string; measure: string; month: Month; value: number }>(
    crossingsCellsQuery({ ports, measures, from: req.from, to: req.to }),
  );
  const have = new Map(rows.map((r) => [key(r.port_code, r.measure, r.month), r.value]));
  const months = monthRange(req.from, req.to);
  const out: CrossingCell[] = [];
  for (const port of [...ports].sort())
    for (const measure of measures)
      for (const month of months)
        out.push(classifyCrossing(index, port, measure, month, have.get(key(port, measure, month))));
  return out;
}

/** Which trade cells to read. Empty `modes` means every TransBorder mode. */
export interface TradeCellRequest {
  ports: readonly string[];
  modes: readonly string[];
  /** Only exports or imports; both when absent. */
  direction?: "export" | "import";
  /** Only MX or CA; both (summed) when absent. */
  country?: string;
  from: Month;
  to: Month;
}

/**
 * A port's series in TransBorder port-level trade, where it differs from the source's coverage: it starts
 * later (`start`: Ysleta 2401 from 2020-03), or there is none at all (`none`, why: the port is not in
 * TransBorder's port code list, or it closed in BTS before port-level coverage starts). Outside it, trade is
 * not reported, not $0.
 */
export interface TradeSeries {
  start?: Month;
  none?: string;
}

/** Each port's TransBorder series where it differs from the coverage (computed once per open store). */
export function tradeSeriesIndex(store: Store): Promise<ReadonlyMap<string, TradeSeries>> {
  return memoPerStore(store, "trade-series", async () => {
    const cov = (await getCoverage(store)).trade;
    const out = new Map<string, TradeSeries>(
      Object.entries(TRADE_SERIES_START).map(([port, start]) => [port, { start }]),
    );
    const rows = await store.all<{ port_code: string; not_in_code_list: boolean; last_month: Month }>(
      portsWithoutTradeSeriesQuery(cov.first),
    );
    for (const r of rows)
      out.set(r.port_code, {
        none: r.not_in_code_list
          ? "it is not in TransBorder's port code list"
          : `its BTS series ends ${r.last_month}, before port-level trade starts ${cov.first}, and TransBorder has no row for it`,
      });
    return out;
  });
}

/** Whether a port's TransBorder series covers a month (inside the source's coverage, checked apart). */
export function tradeReported(index: ReadonlyMap<string, TradeSeries>, port: string, month: Month): boolean {
  const s = index.get(port);
  return !s || (!s.none && (!s.start || month >= s.start));
}

/** The notes an answer about ports' TransBorder trade over a window needs: series that start late or do not exist. */
export function tradeSeriesNotes(
  index: ReadonlyMap<string, TradeSeries>,
  ports: readonly { port_code: string; port_name: string }[],
  from: Month,
): string[] {
  const notes: string[] = [];
  for (const p of ports) {
    const s = index.get(p.port_code);
    if (s?.none)
      notes.push(
        `${STATUS_INFO["not-reported"].marker} ${portLabel(p)} has no series in TransBorder port-level trade (${s.none}): its trade is not reported, not $0`,
      );
    else if (s?.start && from < s.start)
      notes.push(
        `${STATUS_INFO["not-reported"].marker} ${portLabel(p)} is in TransBorder port-level trade from ${s.start}; earlier months are not reported (not zero) and not counted in per-day figures`,
      );
  }
  return notes;
}

/**
 * TransBorder port-level trade value (USD, summed over countries unless one is given) for ports × modes ×
 * directions × months, with statuses: months outside port-level coverage or outside a port's series (it
 * starts later, or TransBorder has none for the port) are not-reported, the coverage gaps (Oct–Dec 2020) missing, absent rows zero (TransBorder never publishes
 * zero rows). Ordered by port, mode, direction, month.
 */
export async function tradeCells(store: Store, req: TradeCellRequest): Promise<TradeCell[]> {
  const cov = (await getCoverage(store)).trade;
  const modes = req.modes.length ? [...req.modes] : [...TRADE_MODES];
  const directions = req.direction ? [req.direction] : (["export", "import"] as const);
  const w = and(
    inList("port_code", req.ports),
    inList("mode", modes),
    inList("direction", [...directions]),
    req.country ? { sql: "country = ?", params: [req.country] } : undefined,
  );
  const rows = await store.all<{
    port_code: string;
    mode: string;
    direction: string;
    month: Month;
    value_usd: number;
  }>({
    sql: `SELECT port_code, mode, direction, month, sum(value_usd)::DOUBLE AS value_usd FROM trade
      WHERE ${w.sql} AND month BETWEEN ? AND ? GROUP BY ALL`,
    params: [...w.params, req.from, req.to],
  });
  const have = new Map(rows.map((r) => [`${r.port_code}|${r.mode}|${r.direction}|${r.month}`, r.value_usd]));
  const gaps = new Set(cov.gaps);
  const series = await tradeSeriesIndex(store);
  const months = monthRange(req.from, req.to);
  const out: TradeCell[] = [];
  for (const port of [...req.ports].sort())
    for (const mode of modes)
      for (const direction of directions)
        for (const month of months) {
          let status: FigureStatus;
          let value: number | null = null;
          if (month < cov.first || month > cov.last || !tradeReported(series, port, month))
            status = "not-reported";
          else if (gaps.has(month)) status = "missing";
          else {
            const v = have.get(`${port}|${mode}|${direction}|${month}`);
            status = v === undefined ? "zero" : "observed";
            value = v ?? 0;
          }
          out.push({ port, mode, direction, month, value, status });
        }
  return out;
}

/**
 * The holes as a CSV with `#` note lines (the golden file `test/golden/crossing-holes.csv`, written by
 * `npm run holes` and checked by the tests): one row per hole, with its rule and neighbours.
 */
export async function crossingHolesCsv(store: Store): Promise<string> {
  const holes = await crossingHoles(store);
  const names = new Map(
    (
      await store.all<{ port_code: string; port_name: string }>({
        sql: "SELECT port_code, port_name FROM ports",
        params: [],
      })
    ).map((p) => [p.port_code, p.port_name]),
  );
  const counts = HOLE_RULES.map((r) => `${r} ${holes.filter((h) => h.rule === r).length}`).join(", ");
  const lines = [
    `# Every hole in BTS crossings by borderflow's rules (docs/data.md, "Missing is not zero"): ${holes.length} (${counts}).`,
    `# Built by \`npm run holes\` from data/snapshot; a new snapshot that changes this file fails the tests until it is read and accepted.`,
    `# Rules: all-ports = the measure has no row at any port that month; isolated = a run of 1..${HOLE_MAX_RUN} absent months between reported months >= ${HOLE_NEIGHBOUR_MIN}, not a seasonal closure.`,
    `# before/after = the nearest reported month and its value on each side (same port and measure).`,
    "port,port_name,measure,month,rule,before_month,before_value,after_month,after_value",
    ...holes.map((h) =>
      [
        h.port,
        names.get(h.port) ?? "",
        h.measure,
        h.month,
        h.rule,
        h.before?.month ?? "",
        h.before?.value ?? "",
        h.after?.month ?? "",
        h.after?.value ?? "",
      ]
        .map((v) => quoteCsv(String(v)))
        .join(","),
    ),
  ];
  return lines.join("\n") + "\n";
}

/** One month of one measure, summed over the asked ports (or for one port), with its status. */
export interface MonthValue extends StatusValue {
  measure: string;
  month: Month;
  /** Set when `byPort` was asked. */
  port?: string;
}

/**
 * BTS crossings per measure × month summed over `ports` (every port when empty), or per port with
 * `byPort`, each with its status by `sumMonth`: ports not reported that month are left out, a hole at any
 * asked port makes the month missing (null), a month no asked port reports is not-reported. Sums run in
 * SQL; statuses come from the index, so a 30-year series over every port stays cheap.
 */
export async function crossingsMonthly(
  store: Store,
  req: CellRequest & { byPort?: boolean },
): Promise<MonthValue[]> {
  const index = await crossingStatusIndex(store);
  const ports = req.ports.length ? [...req.ports].sort() : [...index.spans.keys()].sort();
  const measures = req.measures.length ? [...req.measures] : [...MEASURES];
  // A server keeps every count in memory (crossings-cube.ts); a one-shot command asks DuckDB.
  const rows =
    (await crossingsRowsInMemory(store, { ...req, measures })) ??
    (await store.all<{ port: string; measure: string; month: Month; value: number }>(
      crossingsMonthlyQuery({
        ports: req.ports,
        measures,
        from: req.from,
        to: req.to,
        ...(req.byPort ? { byPort: true } : {}),
      }),
    ));
  const have = new Map(rows.map((r) => [key(r.port, r.measure, r.month), r.value]));
  const months = monthRange(req.from, req.to);
  const reported = (port: string, month: Month) => {
    const s = index.spans.get(port);
    return !!s && month >= s.first && month <= s.last && !index.leftOut.get(port)?.has(month);
  };
  const out: MonthValue[] = [];
  for (const group of req.byPort ? ports.map((p) => [p]) : [ports]) {
    const port = req.byPort ? group[0]! : "";
    const inGroup = new Set(group);
    const holes = new Set(
      index.holeList.filter((h) => inGroup.has(h.port)).map((h) => `${h.measure}|${h.month}`),
    );
    const anyReported = new Set(months.filter((m) => group.some((p) => reported(p, m))));
    for (const measure of measures) {
      for (const month of months) {
        let cell: StatusValue;
        if (!anyReported.has(month)) cell = { value: null, status: "not-reported" };
        else if (holes.has(`${measure}|${month}`)) cell = { value: null, status: "missing" };
        else {
          const v = have.get(key(port, measure, month));
          cell = v === undefined ? { value: 0, status: "zero" } : { value: v, status: "observed" };
        }
        out.push({ ...(req.byPort ? { port } : {}), measure, month, ...cell });
      }
    }
  }
  return out;
}

/** The name a note gives a port: `Ysleta (2401)`. */
const portLabel = (p: { port_code: string; port_name: string }) => `${p.port_name} (${p.port_code})`;

/**
 * What an answer over ports and a window must say about its statuses: where ports are not reported (their
 * series starts, ends or was left out), the holes (up to five, then a count), and the series breaks and
 * identity notes of the ports. `holes` are those inside the answer.
 */
export function crossingsStatusNotes(
  index: CrossingStatusIndex,
  ports: readonly { port_code: string; port_name: string }[],
  holes: readonly CrossingHole[],
  from: Month,
  to: Month,
  /** Names of ports not asked for by name (an answer over every port), for the hole notes. */
  otherNames: readonly { port_code: string; port_name: string }[] = [],
): string[] {
  const notes: string[] = [];
  const asked = new Set(ports.map((p) => p.port_code));
  // A member of a virtual port asked for whole (El Paso + Ysleta) is continuous: its own span is no news.
  const covered = new Set(
    VIRTUAL_PORTS.filter((v) => v.members.every((m) => asked.has(m))).flatMap((v) => v.members),
  );
  for (const p of ports) {
    const s = index.spans.get(p.port_code);
    if (!s) continue;
    if ((from < s.first || to > s.last) && !covered.has(p.port_code))
      notes.push(
        `${STATUS_INFO["not-reported"].marker} ${portLabel(p)} is in BTS crossings ${s.first === s.last ? `only in ${s.first}` : `${s.first}..${s.last}`}; months outside are not reported (not zero) and left out of totals and per-day figures`,
      );
    const out = [...(index.leftOut.get(p.port_code) ?? [])].filter((m) => m >= from && m <= to);
    if (out.length)
      notes.push(
        `${STATUS_INFO["not-reported"].marker} BTS left ${portLabel(p)} out of its releases in ${formatMonthRuns(out)} (before 2016-08 BTS lists every port it reports with all its measures, zeros included): not reported, not zero`,
      );
  }
  if (holes.length) {
    const names = new Map([...otherNames, ...ports].map((p) => [p.port_code, p.port_name]));
    const shown = holes
      .slice(0, 5)
      .map(
        (h) =>
          `${h.measure} ${h.month} at ${names.get(h.port) ?? h.port} (${h.port}) (${h.rule === "all-ports" ? "no port has the measure that month" : `between ${h.before?.value.toLocaleString("en-US")} and ${h.after?.value.toLocaleString("en-US")}`})`,
      );
    notes.push(
      `${STATUS_INFO.missing.marker} missing: ${shown.join("; ")}${holes.length > 5 ? `; and ${holes.length - 5} more (--json lists them)` : ""}: holes in BTS's release, not zeros, left out of totals and per-day figures (rules: docs/data.md)`,
    );
  }
  notes.push(
    ...breakNotes(
      ports.map((p) => p.port_code),
      from,
      to,
    ),
  );
  for (const p of ports) if (IDENTITY_NOTES[p.port_code]) notes.push(IDENTITY_NOTES[p.port_code]!);
  return notes;
}
