import { InputError } from "../domain/errors.ts";
import { BORDERS, type Border, type PortCode } from "../domain/ports.ts";
import { CROSSING_MODES, MEASURES, MEASURE_INFO, type Measure } from "../domain/measures.ts";
import { APPROXIMATE_COORDINATES } from "../domain/port-identity.ts";
import { STATUS_INFO, totalOverMonths } from "../domain/status.ts";
import { TRADE_MODES } from "../domain/trade.ts";
import { addMonths, daysInMonth, monthRange, type Month } from "../domain/units.ts";
import type { Store } from "../store/db.ts";
import {
  lastMonthQuery,
  portsQuery,
  topCommoditiesQuery,
  tradeByModeDirectionQuery,
} from "../store/queries.ts";
import { coverageNotes, getCoverage, last12, windowCoverage } from "./coverage.ts";
import { resolvePort } from "./resolve.ts";
import { portEncounters } from "./port-encounters.ts";
import {
  crossingsMonthly,
  crossingsStatusNotes,
  crossingStatusIndex,
  tradeReported,
  tradeSeriesIndex,
  tradeSeriesNotes,
  type MonthValue,
  type TradeSeries,
} from "./status.ts";
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

const toPort = (r: PortRow, series: ReadonlyMap<string, TradeSeries>): PortListItem => ({
  code: r.port_code,
  name: r.port_name,
  state: r.state,
  border: r.border,
  latitude: r.latitude,
  longitude: r.longitude,
  approximateLocation: APPROXIMATE_COORDINATES.includes(r.port_code),
  crossingModes: r.crossing_modes,
  tradeModes: r.trade_modes,
  firstMonth: r.first_month,
  lastMonth: r.last_month,
  tradeUsd12m: series.get(r.port_code)?.none ? null : r.trade_usd,
  tradeStatus: series.get(r.port_code)?.none ? "not-reported" : r.trade_usd > 0 ? "observed" : "zero",
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
  const series = await tradeSeriesIndex(store);
  return { ports: rows.map((r) => toPort(r, series)), tradeWindow };
}

/** Change of a figure on the year before: of the totals when both are complete, else of the per-day rates. */
function changeOf(now: PeriodTotal, before: PeriodTotal): number | null {
  if (now.value === null || before.value === null) return null;
  if (!now.partial && !before.partial && now.coverage.of === before.coverage.of)
    return before.value === 0 ? null : now.value / before.value - 1;
  return now.perDay === null || !before.perDay ? null : now.perDay / before.perDay - 1;
}

type PeriodTotal = ReturnType<typeof totalOverMonths>;

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
  const [now, before] = await Promise.all([
    crossingsMonthly(store, { ports: [code], measures: [], ...cw }),
    crossingsMonthly(store, { ports: [code], measures: [], ...prev }),
  ]);
  // Measures of the window: those with a row or a hole in it.
  const shown = MEASURES.filter((m) =>
    now.some((x) => x.measure === m && (x.status === "observed" || x.status === "missing")),
  );
  const totalOf = (cells: MonthValue[], measure: Measure) =>
    totalOverMonths(cells.filter((x) => x.measure === measure).map((x) => ({ month: x.month, cell: x })));
  const byMeasure = shown.map((measure) => {
    const t = totalOf(now, measure);
    const b = totalOf(before, measure);
    return {
      measure,
      unit: MEASURE_INFO[measure].unit,
      value: t.value,
      perDay: t.perDay,
      status: t.status,
      partial: t.partial,
      coverage: t.coverage,
      previous: b.value,
      previousStatus: b.status,
      previousCoverage: b.coverage,
      change: changeOf(t, b),
    };
  });
  const index = await crossingStatusIndex(store);
  const holes = index.holeList.filter((h) => h.port === code && h.month >= cw.from && h.month <= cw.to);

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
  // Months with port-level data at this port (a port whose series starts later counts from its start; one
  // TransBorder has no series for has none).
  const series = await tradeSeriesIndex(store);
  const tradeMonths = (from: Month, to: Month) => {
    const w = windowCoverage(cov.trade, from, to);
    return {
      months: w.months.filter((m) => tradeReported(series, code, m)),
      all: monthRange(from, to),
      gaps: cov.trade.gaps.filter((g) => g >= from && g <= to),
    };
  };
  const tm = tradeMonths(tw.from, tw.to);
  const pm = tradeMonths(tprev.from, tprev.to);
  const tDays = daysOf(tm.months);
  const pDays = daysOf(pm.months);
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
      change: prevPerDay === null || prevPerDay === 0 || perDay === null ? null : perDay / prevPerDay - 1,
    };
  });
  const tradeTotal = totalOverMonths(
    tm.all.map((month) => ({
      month,
      cell: tm.months.includes(month)
        ? { value: 0, status: "observed" as const }
        : { value: null, status: tm.gaps.includes(month) ? ("missing" as const) : ("not-reported" as const) },
    })),
  );
  const totalUsd = tm.months.length ? tNow.reduce((s, r) => s + r.value_usd, 0) : null;
  const tradeNotes = coverageNotes("trade", cov.trade, tw.from, tw.to);
  tradeNotes.push(...tradeSeriesNotes(series, [{ port_code: code, port_name: port.name }], tw.from));
  const prevGaps = coverageNotes("trade", cov.trade, tprev.from, tprev.to);
  if (!series.get(code)?.none && (prevGaps.length || pm.months.length < pm.all.length))
    tradeNotes.push(
      `the year before (${tprev.from}..${tprev.to}) has ${pm.months.length} of ${pm.all.length} months with data, so changes compare per-day rates`,
    );
  const hs2Notes = coverageNotes("trade_hs2", cov.trade_hs2, tw.from, tw.to).filter(
    (n) => !tradeNotes.includes(n),
  );
  const encounters = await portEncounters(store, port);
  const lastNote =
    lastCrossing && lastCrossing < cov.crossings.last
      ? [
          `${STATUS_INFO["not-reported"].marker} the last month BTS reports this port is ${lastCrossing}: the months shown are its last 12, and later months are not reported (not zero)`,
        ]
      : [];
  return {
    port,
    encounters,
    crossings: {
      from: cw.from,
      to: cw.to,
      byMeasure,
      monthly: now
        .filter((m) => shown.includes(m.measure as Measure) && m.status !== "not-reported")
        .map((m) => ({ month: m.month, measure: m.measure as Measure, value: m.value, status: m.status })),
      holes,
      notes: [
        "BTS counts inbound crossings only; measures count different units and are never added together",
        ...lastNote,
        ...crossingsStatusNotes(index, [{ port_code: code, port_name: port.name }], holes, cw.from, cw.to),
        ...(shown.length && now.some((x) => x.status === "zero" && shown.includes(x.measure as Measure))
          ? [
              `${STATUS_INFO.zero.marker} months with no BTS row are counted as 0 (BTS leaves out zero counts since 2016-08)`,
            ]
          : []),
      ],
    },
    trade: {
      from: tw.from,
      to: tw.to,
      byModeDirection,
      totalUsd,
      perDayUsd: totalUsd === null || !tDays ? null : totalUsd / tDays,
      status: totalUsd === null ? tradeTotal.status : "observed",
      partial: tradeTotal.partial,
      coverage: tradeTotal.coverage,
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
