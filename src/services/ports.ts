import { InputError } from "../domain/errors.ts";
import { BORDERS, type Border, type PortCode } from "../domain/ports.ts";
import { CROSSING_MODES, MEASURE_INFO, type Measure } from "../domain/measures.ts";
import { TRADE_MODES } from "../domain/trade.ts";
import { addMonths, daysInMonth, monthRange, type Month } from "../domain/units.ts";
import type { Store } from "../store/db.ts";
import {
  crossingsByMeasureQuery,
  crossingsQuery,
  lastMonthQuery,
  portsQuery,
  topCommoditiesQuery,
  tradeByModeDirectionQuery,
} from "../store/queries.ts";
import { coverageNotes, getCoverage, last12, windowCoverage } from "./coverage.ts";
import { resolvePort } from "./resolve.ts";
import { portEncounters } from "./port-encounters.ts";
import type { PortListItem, PortList, PortProfile } from "../domain/answers.ts";
export type { PortListItem, PortList, MeasureSummary, ModeTrade, PortProfile } from "../domain/answers.ts";

interface PortRow {
  port_code: PortCode;
  port_name: string;
  state: string;
  border: Border;
  latitude: number;
  longitude: number;
  crossing_modes: string[];
  trade_modes: string[];
  first_month: Month;
  last_month: Month;
  trade_usd: number;
}

const toPort = (r: PortRow): PortListItem => ({
  code: r.port_code,
  name: r.port_name,
  state: r.state,
  border: r.border,
  latitude: r.latitude,
  longitude: r.longitude,
  crossingModes: r.crossing_modes,
  tradeModes: r.trade_modes,
  firstMonth: r.first_month,
  lastMonth: r.last_month,
  tradeUsd12m: r.trade_usd,
});

const MODES = [...new Set<string>([...CROSSING_MODES, ...TRADE_MODES])];

/** Lists land ports, optionally on one border and serving one mode, largest trade first. */
export async function listPorts(store: Store, f: { border?: string; mode?: string } = {}): Promise<PortList> {
  if (f.border && !(BORDERS as readonly string[]).includes(f.border)) {
    throw new InputError(`--border "${f.border}" is not valid (expected mexico or canada)`);
  }
  if (f.mode && !MODES.includes(f.mode))
    throw new InputError(`--mode "${f.mode}" is not valid (expected one of: ${MODES.join(", ")})`);
  const tradeWindow = last12((await getCoverage(store)).trade.last);
  const rows = await store.all<PortRow>(
    portsQuery({ ...f, tradeFrom: tradeWindow.from, tradeTo: tradeWindow.to }),
  );
  return { ports: rows.map(toPort), tradeWindow };
}

const change = (now: number, before: number | null | undefined) =>
  before === null || before === undefined || before === 0 ? null : now / before - 1;

const daysOf = (months: Month[]) => months.reduce((n, m) => n + daysInMonth(m), 0);

/** A port's profile: location, modes, last 12 months of crossings and trade, top commodities per mode. */
export async function portProfile(store: Store, input: string): Promise<PortProfile> {
  const { port_code: code } = await resolvePort(store, input);
  const all = await listPorts(store);
  const port = all.ports.find((p) => p.code === code)!;
  const cov = await getCoverage(store);

  const [{ month: lastCrossing } = { month: null }] = await store.all<{ month: Month | null }>(
    lastMonthQuery("crossings", code),
  );
  const cw = last12((lastCrossing ?? cov.crossings.last) as Month);
  const prev = { from: addMonths(cw.from, -12), to: addMonths(cw.to, -12) };
  const [now, before, monthly] = await Promise.all([
    store.all<{ measure: Measure; value: number }>(crossingsByMeasureQuery(code, cw.from, cw.to)),
    store.all<{ measure: Measure; value: number }>(crossingsByMeasureQuery(code, prev.from, prev.to)),
    store.all<{ period: Month; measure: Measure; value: number }>(
      crossingsQuery({ ports: [code], measures: [], from: cw.from, to: cw.to, by: "month" }),
    ),
  ]);
  const cDays = daysOf(monthRange(cw.from, cw.to));
  const byMeasure = now.map((r) => {
    const b = before.find((x) => x.measure === r.measure)?.value ?? (prev.from >= port.firstMonth ? 0 : null);
    return {
      measure: r.measure,
      unit: MEASURE_INFO[r.measure].unit,
      value: r.value,
      perDay: r.value / cDays,
      previous: b,
      change: change(r.value, b),
    };
  });

  const tw = last12(cov.trade.last);
  const tprev = { from: addMonths(tw.from, -12), to: addMonths(tw.to, -12) };
  const [tNow, tBefore, top] = await Promise.all([
    store.all<{ mode: string; direction: string; value_usd: number }>(
      tradeByModeDirectionQuery(code, tw.from, tw.to),
    ),
    store.all<{ mode: string; direction: string; value_usd: number }>(
      tradeByModeDirectionQuery(code, tprev.from, tprev.to),
    ),
    store.all<{ mode: string; hs2: string; label: string; value_usd: number; share: number; rank: number }>(
      topCommoditiesQuery(code, tw.from, tw.to, 5),
    ),
  ]);
  const tMonths = windowCoverage(cov.trade, tw.from, tw.to).months;
  const pMonths = windowCoverage(cov.trade, tprev.from, tprev.to).months;
  const tDays = daysOf(tMonths);
  const pDays = daysOf(pMonths);
  const byModeDirection = tNow.map((r) => {
    const b = tBefore.find((x) => x.mode === r.mode && x.direction === r.direction)?.value_usd ?? 0;
    // Compare per-day rates: the year before may have fewer months with data (gaps).
    const perDay = r.value_usd / tDays;
    const prevPerDay = pDays ? b / pDays : null;
    return {
      mode: r.mode,
      direction: r.direction,
      valueUsd: r.value_usd,
      perDayUsd: perDay,
      previousUsd: pDays ? b : null,
      change: prevPerDay === null ? null : change(perDay, prevPerDay),
    };
  });
  const totalUsd = tNow.reduce((s, r) => s + r.value_usd, 0);
  const tradeNotes = coverageNotes("trade", cov.trade, tw.from, tw.to);
  const prevGaps = coverageNotes("trade", cov.trade, tprev.from, tprev.to);
  if (prevGaps.length)
    tradeNotes.push(
      `the year before (${tprev.from}..${tprev.to}) has gaps, so changes compare per-day rates`,
    );
  const hs2Notes = coverageNotes("trade_hs2", cov.trade_hs2, tw.from, tw.to).filter(
    (n) => !tradeNotes.includes(n),
  );
  const encounters = await portEncounters(store, port);
  return {
    port,
    encounters,
    crossings: {
      from: cw.from,
      to: cw.to,
      byMeasure,
      monthly: monthly.map((m) => ({ month: m.period, measure: m.measure, value: m.value })),
      notes: [
        "BTS counts inbound crossings only; measures count different units and are never added together",
        ...(lastCrossing && lastCrossing < cov.crossings.last
          ? [`the last month with crossings at this port is ${lastCrossing}`]
          : []),
      ],
    },
    trade: {
      from: tw.from,
      to: tw.to,
      byModeDirection,
      totalUsd,
      perDayUsd: tDays ? totalUsd / tDays : 0,
      topCommodities: top.map((t) => ({
        mode: t.mode,
        hs2: t.hs2,
        label: t.label,
        valueUsd: t.value_usd,
        share: t.share,
        rank: t.rank,
      })),
      notes: [...tradeNotes, ...hs2Notes.map((n) => `commodities: ${n}`)],
    },
  };
}
