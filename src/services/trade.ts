import { InputError } from "../domain/errors.ts";
import { COUNTRIES, DIRECTIONS, TRADE_GROUPINGS, TRADE_MODES, type TradeGrouping } from "../domain/trade.ts";
import { monthRange, type Month } from "../domain/units.ts";
import { breakNotes, everyPortBreakNotes, IDENTITY_NOTES } from "../domain/port-identity.ts";
import {
  periodFigure,
  STATUS_INFO,
  TRADE_NATIONAL_DERIVED,
  type PeriodFigure,
  type StatusValue,
} from "../domain/status.ts";
import type { Store } from "../store/db.ts";
import { tradeQuery } from "../store/queries.ts";
import { coverageNotes, getCoverage, last12, type CoveredTable, type TableCoverage } from "./coverage.ts";
import { parseMonth } from "./crossings.ts";
import { resolvePorts } from "./resolve.ts";
import { tradeReported, tradeSeriesIndex, tradeSeriesNotes, type TradeSeries } from "./status.ts";
import type { TradeGroup, TradeResult } from "../domain/answers.ts";
export type { TradeGroup, TradeResult } from "../domain/answers.ts";

export { TRADE_GROUPINGS, type TradeGrouping } from "../domain/trade.ts";

/** What a user asks of trade value. */
export interface TradeRequest {
  ports: string[];
  modes: string[];
  direction?: string;
  country?: string;
  from?: string;
  to?: string;
  by?: TradeGrouping;
}

function oneOf<T extends string>(
  value: string | undefined,
  valid: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  const hit = valid.find((x) => x.toLowerCase() === v.toLowerCase());
  if (!hit) throw new InputError(`${flag} "${value}" is not valid (expected one of: ${valid.join(", ")})`);
  return hit;
}

/** What each month of a window is in the answering table, for the asked ports. */
type MonthState = "data" | "derived" | "missing" | "not-reported";

function monthStates(
  table: CoveredTable,
  cov: TableCoverage,
  ports: readonly string[],
  months: readonly Month[],
  series: ReadonlyMap<string, TradeSeries>,
): Map<Month, MonthState> {
  const gaps = new Set(cov.gaps);
  // A month some asked port reports (a port with no series, or before its start, adds nothing to it).
  const started = (m: Month) => ports.length === 0 || ports.some((p) => tradeReported(series, p, m));
  return new Map(
    months.map((m): [Month, MonthState] => [
      m,
      m < cov.first || m > cov.last
        ? "not-reported"
        : gaps.has(m)
          ? "missing"
          : table !== "trade_national" && !started(m)
            ? "not-reported"
            : table === "trade_national" && TRADE_NATIONAL_DERIVED.includes(m)
              ? "derived"
              : "data",
    ]),
  );
}

/** A month's cell from its state and the value of its rows (undefined: no row, a zero inside coverage). */
function cellOf(state: MonthState, value: number | undefined): StatusValue {
  if (state === "missing" || state === "not-reported") return { value: null, status: state };
  if (state === "derived") return { value: value ?? 0, status: "derived" };
  return value === undefined ? { value: 0, status: "zero" } : { value, status: "observed" };
}

/** A group's figure over the months with data of the window (value from the group's rows). */
function windowFigure(key: string, value: number | undefined, states: Map<Month, MonthState>): PeriodFigure {
  const months = [...states].map(([month, state]) => ({ month, cell: cellOf(state, 0) }));
  const f = periodFigure(key, months, "port");
  if (f.value === null) return f;
  const v = value ?? 0;
  return {
    ...f,
    value: v,
    perDay: f.days ? v / f.days : null,
    status: f.status === "derived" ? "derived" : value === undefined ? "zero" : "observed",
  };
}

/** Trade value through ports (or nationally when no port is given), by month, year, commodity, port, mode or direction. */
export async function tradeSummary(store: Store, req: TradeRequest): Promise<TradeResult> {
  const ports = await resolvePorts(store, req.ports);
  const modes = req.modes.map((m) => oneOf(m, TRADE_MODES, "--mode")!);
  const direction = oneOf(req.direction, DIRECTIONS, "--direction");
  const country = oneOf(req.country?.toUpperCase(), COUNTRIES, "--country");
  const by = oneOf(req.by ?? "month", TRADE_GROUPINGS, "--by")!;
  const table: CoveredTable =
    by === "commodity" ? "trade_hs2" : ports.length === 0 && by !== "port" ? "trade_national" : "trade";
  const cov = (await getCoverage(store))[table];
  const def = last12(cov.last);
  const from = req.from ? parseMonth(req.from, "--from") : def.from;
  const to = req.to ? parseMonth(req.to, "--to") : def.to;
  if (from > to) throw new InputError(`--from ${from} is after --to ${to}`);
  const codes = ports.map((p) => p.port_code as string);
  const filter = {
    ports: codes,
    modes,
    ...(direction ? { direction } : {}),
    ...(country ? { country } : {}),
    from,
    to,
  };
  // Periods are built from months, so a year knows which of its months have data.
  const rows = await store.all<{ key: string; label: string; grp: string | null; value_usd: number }>(
    tradeQuery(filter, by === "year" ? "month" : by),
  );
  const window = monthRange(from, to);
  const series = await tradeSeriesIndex(store);
  const states = monthStates(table, cov, codes, window, series);
  const total = periodFigure(
    "total",
    window.map((month) => ({ month, cell: cellOf(states.get(month)!, 0) })),
    "port",
  );
  let groups: Omit<TradeGroup, "share">[];
  if (by === "month" || by === "year") {
    const byMonth = new Map(rows.map((r) => [r.key, r.value_usd]));
    const periods = new Map<string, { month: Month; cell: StatusValue }[]>();
    for (const month of window) {
      const k = by === "month" ? month : month.slice(0, 4);
      periods.set(k, [
        ...(periods.get(k) ?? []),
        { month, cell: cellOf(states.get(month)!, byMonth.get(month)) },
      ]);
    }
    groups = [...periods].map(([k, months]) => {
      const f = periodFigure(k, months, by);
      return { key: k, label: f.label, group: null, ...figureFields(f) };
    });
  } else if (by === "port") {
    const present = new Set(rows.map((r) => r.key));
    const asked = codes.filter((c) => !present.has(c));
    groups = [
      ...rows.map((r) => ({
        key: r.key,
        label: r.label,
        grp: r.grp,
        value_usd: r.value_usd as number | undefined,
      })),
      ...asked.map((c) => ({
        key: c,
        label: ports.find((p) => p.port_code === c)!.port_name,
        grp: null,
        value_usd: undefined,
      })),
    ].map((r) => {
      const f = windowFigure(r.key, r.value_usd, monthStates(table, cov, [r.key], window, series));
      return { key: r.key, label: r.label, group: r.grp, ...figureFields(f) };
    });
  } else {
    groups = rows.map((r) => {
      const f = windowFigure(r.key, r.value_usd, states);
      return { key: r.key, label: r.label, group: r.grp, ...figureFields(f) };
    });
  }
  const totalUsd = total.value === null ? null : groups.reduce((s, g) => s + (g.valueUsd ?? 0), 0);
  if (groups.length === 0)
    groups = [{ key: "total", label: "total", group: null, ...figureFields({ ...total, value: totalUsd }) }];
  const withShares: TradeGroup[] = groups.map((g) => ({
    ...g,
    share: g.valueUsd === null || !totalUsd ? null : g.valueUsd / totalUsd,
  }));
  const status =
    total.value === null
      ? total.status
      : total.status === "derived"
        ? "derived"
        : totalUsd === 0
          ? "zero"
          : "observed";
  const notes = coverageNotes(table, cov, from, to).map((n) =>
    n.startsWith("missing") ? `${STATUS_INFO.missing.marker} ${n}` : n,
  );
  if (table !== "trade_national") notes.push(...tradeSeriesNotes(series, ports, from));
  const derived = window.filter((m) => states.get(m) === "derived");
  if (derived.length)
    notes.push(
      `${STATUS_INFO.derived.marker} ${derived.join(", ")} is derived, not published: BTS did not publish October 2020, so the national figure is the 2020 annual total less the other eleven months`,
    );
  notes.push(...breakNotes(codes, from, to));
  if (codes.length === 0 && by === "port" && table !== "trade_national")
    notes.push(...everyPortBreakNotes(from, to));
  for (const p of ports) if (IDENTITY_NOTES[p.port_code]) notes.push(IDENTITY_NOTES[p.port_code]!);
  if (total.value === null) {
    notes.unshift(
      `no data: TransBorder has no ${table === "trade_national" ? "national" : "port-level"} figures for ${from}..${to} (not $0)`,
    );
  } else if (totalUsd === 0) {
    notes.push(
      `no trade rows match in ${from}..${to}; TransBorder publishes no zero-value rows, so this means no recorded trade`,
    );
  }
  if (table === "trade_national")
    notes.push("national totals (all ports, all TransBorder modes unless --mode is given)");
  notes.push(
    "TransBorder value is by port of clearance, not by bridge; a month is when Census recorded the trade",
  );
  return {
    ports,
    modes,
    direction: direction ?? null,
    country: country ?? null,
    from,
    to,
    by,
    table,
    groups: withShares,
    totalUsd,
    status,
    partial: total.partial,
    coverage: total.coverage,
    days: total.days,
    perDayUsd: totalUsd === null || !total.days ? null : totalUsd / total.days,
    notes,
  };
}

/** The fields of a trade group from a period figure. */
function figureFields(f: PeriodFigure) {
  return {
    valueUsd: f.value,
    perDayUsd: f.perDay,
    status: f.status,
    partial: f.partial,
    coverage: f.coverage,
    days: f.days,
  };
}
