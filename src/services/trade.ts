import { InputError } from "../domain/errors.ts";
import { COUNTRIES, DIRECTIONS, TRADE_GROUPINGS, TRADE_MODES, type TradeGrouping } from "../domain/trade.ts";
import { daysInMonth } from "../domain/units.ts";
import type { Store } from "../store/db.ts";
import { tradeQuery } from "../store/queries.ts";
import { coverageNotes, getCoverage, last12, windowCoverage, type CoveredTable } from "./coverage.ts";
import { parseMonth } from "./crossings.ts";
import { resolvePorts } from "./resolve.ts";
import type { TradeResult } from "../domain/answers.ts";
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
  const filter = {
    ports: ports.map((p) => p.port_code),
    modes,
    ...(direction ? { direction } : {}),
    ...(country ? { country } : {}),
    from,
    to,
  };
  const rows = await store.all<{ key: string; label: string; grp: string | null; value_usd: number }>(
    tradeQuery(filter, by),
  );
  const { months } = windowCoverage(cov, from, to);
  const days = months.reduce((n, m) => n + daysInMonth(m), 0);
  const totalUsd = rows.reduce((s, r) => s + r.value_usd, 0);
  const daysOfKey = (key: string) =>
    by === "month" || by === "year"
      ? months.filter((m) => m.startsWith(key)).reduce((n, m) => n + daysInMonth(m), 0)
      : days;
  const groups = rows.map((r) => {
    const d = daysOfKey(r.key);
    return {
      key: r.key,
      label: r.label,
      group: r.grp,
      valueUsd: r.value_usd,
      perDayUsd: d ? r.value_usd / d : 0,
      share: totalUsd ? r.value_usd / totalUsd : 0,
    };
  });
  const notes = coverageNotes(table, cov, from, to);
  if (table === "trade_national")
    notes.push("national totals (all ports, all TransBorder modes unless --mode is given)");
  if (groups.length === 0 && notes.length === 0) {
    notes.push(
      `no trade rows match in ${from}..${to}; after 2016 BTS drops zero-value rows, so this means no recorded trade`,
    );
  }
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
    groups,
    totalUsd,
    days,
    perDayUsd: days ? totalUsd / days : 0,
    notes,
  };
}
