import { MODE_UNITS, PERISHABLE_HS2, type FlowDirection, type ScenarioMode } from "../domain/scenario.ts";
import { addMonths, monthRange, toMonth, type Month } from "../domain/units.ts";
import type { FlowInput } from "../model/types.ts";
import { fitForecast } from "../model/forecast.ts";
import type { Store } from "../store/db.ts";
import {
  hs2ValueQuery,
  monthlyTradeQuery,
  nationalMonthlyQuery,
  borderMonthlyUnitsQuery,
  networkPortsQuery,
} from "../store/scenario-queries.ts";
import { getCoverage, windowCoverage } from "./coverage.ts";
import type { FigureStatus } from "../domain/status.ts";
import { portModeSeries, type PortModeSeries } from "./series.ts";
import { crossingsCells } from "./status.ts";
import { lanesFor, modelData, railroadsAt, zoneOf } from "./model-data.ts";
import { restrictionOf } from "../domain/restricted-crossings.ts";
import { SERIES_BREAKS } from "../domain/port-identity.ts";

/** What a network is built for. */
export interface NetworkRequest {
  /** The month of the first event: the baseline is the months before it. */
  eventMonth: Month;
  baselineMonths: number;
  modes: ScenarioMode[];
  borders: ("mexico" | "canada")[];
  /** The local calendar date of day 0 (every flow's day d is its own local date) and the days on the grid. */
  startDate: string;
  days: number;
}

/** The flows of a network and the facts about how their baselines were made. */
export interface Network {
  flows: FlowInput[];
  baselineMonths: Month[];
  seasonalYears: string;
  valueNotes: string[];
}

const DAY_MS = 86_400_000;
/** How far back the seasonal factors may reach (DEFAULT_FORECAST.maxSeasonSpanYears) plus the level window. */
const SEASON_YEARS = 8;
const CAPACITY_MONTHS = 36;

const dayOf = (startDate: string, d: number) => new Date(Date.parse(`${startDate}T00:00:00Z`) + d * DAY_MS);
const monthOfDay = (startDate: string, d: number): Month => {
  const t = dayOf(startDate, d);
  return toMonth(t.getUTCFullYear(), t.getUTCMonth() + 1);
};
/** 0 = Monday .. 6 = Sunday. */
const weekdayOfDay = (startDate: string, d: number) => (dayOf(startDate, d).getUTCDay() + 6) % 7;

/**
 * Builds the scenario network from the store: for every port on the given borders that has the given
 * modes, inbound and outbound flows with a seasonal daily baseline, recent throughput for capacity, the
 * unit mix, and trade value per unit by commodity.
 */
export async function loadNetwork(store: Store, req: NetworkRequest): Promise<Network> {
  const cov = await getCoverage(store);
  const windowEnd = addMonths(req.eventMonth, -1);
  const windowStart = addMonths(req.eventMonth, -req.baselineMonths);
  const baselineMonths = monthRange(windowStart, windowEnd).filter((m) => m <= cov.crossings.last);
  const historyStart = addMonths(windowStart, -12 * SEASON_YEARS);
  // A child of a series break (Ysleta 2401) is inside its parent's figures before the break: a network
  // built before it has no such port (its traffic and value are the parent's), so nothing diverts to it.
  const notYetSplit = new Set(
    SERIES_BREAKS.filter((b) => b.role === "child" && windowEnd < b.month).map((b) => b.port),
  );
  const ports = (
    await store.all<{
      port_code: string;
      port_name: string;
      border: "mexico" | "canada";
      latitude: number;
      longitude: number;
      crossing_modes: string[];
    }>(networkPortsQuery(req.borders))
  ).filter((p) => req.modes.some((m) => p.crossing_modes.includes(m)) && !notYetSplit.has(p.port_code));
  const codes = ports.map((p) => p.port_code);
  const measures = [
    ...new Set(
      req.modes.flatMap((m) => [
        ...MODE_UNITS[m].measures,
        ...(MODE_UNITS[m].loaded ?? []),
        ...Object.values(MODE_UNITS[m].mix),
      ]),
    ),
  ];
  // Trade value: the baseline months where port-level data exists, else the latest 12 months it has,
  // carried forward with the national trend.
  const tradeModes = req.modes
    .map((m) => MODE_UNITS[m].tradeMode)
    .filter((m): m is "rail" | "truck" => m !== null);
  const valueNotes: string[] = [];
  let valueMonths = windowCoverage(cov.trade, windowStart, windowEnd).months;
  let trend: Record<string, number> = {};
  /** True when value per unit is carried forward past port-level coverage: every flow value is an estimate. */
  let estimated = false;
  /**
   * Ports whose value per unit is their series' combined one (parent + child of a break): the baseline is
   * before the break, the value months after it, where the parent's figures no longer hold the child's.
   */
  const combinedValue = new Map<string, string[]>();
  if (tradeModes.length && windowEnd < cov.trade.first) {
    // No port-level value for the baseline: the first months of port-level coverage, carried back with the
    // national trend of the same mode and direction (an estimate, marked).
    valueMonths = windowCoverage(
      cov.trade,
      cov.trade.first,
      addMonths(cov.trade.first, Math.max(12, req.baselineMonths) - 1),
    ).months;
    trend = await nationalTrend(store, tradeModes, req.borders, valueMonths, windowStart, windowEnd);
    estimated = true;
    for (const b of SERIES_BREAKS)
      if (b.role === "parent" && windowEnd < b.month && valueMonths.some((m) => m >= b.month))
        combinedValue.set(
          b.port,
          SERIES_BREAKS.filter((c) => c.combined === b.combined).map((c) => c.port),
        );
    valueNotes.push(
      `* estimate: the baseline (${windowStart}..${windowEnd}) is before TransBorder port-level coverage (from ${cov.trade.first}), so trade value per unit is from ${valueMonths[0]}..${valueMonths.at(-1)} (${valueMonths.length} months), carried back with the national trend of value per unit of the same mode and direction (${Object.entries(
        trend,
      )
        .map(([k, v]) => `${k} ×${v.toFixed(3)}`)
        .join(", ")})${
        combinedValue.size
          ? `; ${[...combinedValue.values()].map((m) => m.join("+")).join(", ")}: value per unit of the combined series, as the baseline is before the series break`
          : ""
      }: the (a) value held up and the value-based costs are estimates (marked *)`,
    );
  } else if (tradeModes.length && valueMonths.length < Math.min(6, req.baselineMonths)) {
    const end = cov.trade.last < windowEnd ? cov.trade.last : windowEnd;
    valueMonths = windowCoverage(cov.trade, addMonths(end, -(req.baselineMonths - 1)), end).months;
    trend = await nationalTrend(store, tradeModes, req.borders, valueMonths, windowStart, windowEnd);
    estimated = true;
    valueNotes.push(
      `* estimate: port-level trade ends ${cov.trade.last}, so trade value per unit is not in the source for the baseline; it is from ${valueMonths[0]}..${valueMonths.at(-1)}, carried forward with the national trend of value per unit of the same mode and direction (${Object.entries(
        trend,
      )
        .map(([k, v]) => `${k} ×${v.toFixed(3)}`)
        .join(", ")}): the (a) value held up and the value-based costs are estimates (marked *)`,
    );
  } else if (tradeModes.length && valueMonths.length < baselineMonths.length) {
    valueNotes.push(
      `trade value uses the ${valueMonths.length} baseline months with port-level data (${monthRange(
        windowStart,
        windowEnd,
      )
        .filter((m) => !valueMonths.includes(m))
        .join(", ")} missing)`,
    );
  }
  const valueCodes = [...new Set([...codes, ...[...combinedValue.values()].flat()])];
  // Units with their status (issue 9's rule): a hole or a month not reported is null, never 0, so a ratio
  // (unit mix, loaded share, value per unit) is taken over the months where all its figures are known.
  const cells = new Map<string, number | null>();
  const cellKey = (port: string, measure: string, month: Month) => `${port}|${measure}|${month}`;
  const spans: [Month, Month][] = [[windowStart, windowEnd]];
  if (valueMonths.length && (valueMonths[0]! < windowStart || valueMonths.at(-1)! > windowEnd))
    spans.push([valueMonths[0]!, valueMonths.at(-1)!]);
  for (const [from, to] of spans)
    for (const c of await crossingsCells(store, { ports: valueCodes, measures, from, to }))
      cells.set(cellKey(c.port, c.measure, c.month), c.value);
  /** The sum of the measures at a port in a month; null when any of them is missing or not reported. */
  const sumOf = (port: string, ms: readonly string[], month: Month): number | null => {
    let s = 0;
    for (const m of ms) {
      const v = cells.get(cellKey(port, m, month));
      if (v === null || v === undefined) return null;
      s += v;
    }
    return s;
  };
  /** Σ numerator and Σ denominator over the months where both are known (both 0 when there is none). */
  const ratioOver = (
    months: readonly Month[],
    num: (m: Month) => number | null,
    den: (m: Month) => number | null,
  ): { num: number; den: number } => {
    let n = 0;
    let d = 0;
    for (const m of months) {
      const a = num(m);
      const b = den(m);
      if (a === null || b === null) continue;
      n += a;
      d += b;
    }
    return { num: n, den: d };
  };

  const trade =
    tradeModes.length && valueMonths.length
      ? await store.all<{
          port_code: string;
          mode: string;
          direction: string;
          month: Month;
          value_usd: number;
        }>(monthlyTradeQuery(valueCodes, tradeModes, valueMonths[0]!, valueMonths.at(-1)!))
      : [];
  const hs2 =
    tradeModes.length && valueMonths.length
      ? await store.all<{
          port_code: string;
          mode: string;
          direction: string;
          hs2: string;
          label: string;
          value_usd: number;
        }>(
          hs2ValueQuery(
            valueCodes,
            tradeModes,
            windowCoverage(cov.trade_hs2, valueMonths[0]!, valueMonths.at(-1)!).months,
          ),
        )
      : [];

  // Clean baselines (services/series.ts): holes, registry event windows, anomalous periods and series
  // breaks are left out; the level and seasonal factors are the backtest counterfactual's (fitForecast).
  const clean = new Map<string, PortModeSeries>();
  for (const mode of req.modes)
    for (const border of req.borders) {
      const codes = ports
        .filter((p) => p.border === border && p.crossing_modes.includes(mode))
        .map((p) => p.port_code);
      for (const [port, ser] of await portModeSeries(store, codes, mode, border, historyStart, windowEnd))
        clean.set(`${port}/${mode}`, ser);
    }
  const gridMonths = Array.from({ length: req.days }, (_, d) => monthOfDay(req.startDate, d));
  const gridWeekdays = Array.from({ length: req.days }, (_, d) => weekdayOfDay(req.startDate, d));
  const data = await modelData(store);
  const seasonYears = new Set<string>();
  const flows: FlowInput[] = [];
  for (const p of ports) {
    for (const mode of req.modes) {
      if (!p.crossing_modes.includes(mode)) continue;
      const cfg = MODE_UNITS[mode];
      const ser = clean.get(`${p.port_code}/${mode}`);
      const fit = ser ? fitForecast(ser.baseline, windowEnd) : undefined;
      fit?.seasonYears.forEach((y) => seasonYears.add(y));
      const profile = data.profiles.get(mode) ?? {
        weekday: new Array(7).fill(1),
        hour: new Array(24).fill(1),
      };
      const arrivals = gridMonths.map((m, d) =>
        fit ? fit.level * fit.season[Number(m.slice(5)) - 1]! * profile.weekday[gridWeekdays[d]!]! : 0,
      );
      const lanes = lanesFor(data, p.port_code, mode);
      const weights = profile.hour.map((w, h) => (lanes && !lanes.open[h] ? 0 : w));
      const wsum = weights.reduce((a, b) => a + b, 0) || 1;
      const hourShare = weights.map((w) => w / wsum);
      const recent = monthRange(addMonths(req.eventMonth, -CAPACITY_MONTHS), windowEnd)
        .map((m) => ser?.baseline(m))
        .filter((x): x is number => x !== undefined);
      const unitMix: Record<string, number> = {};
      for (const [name, measure] of Object.entries(cfg.mix)) {
        const r = ratioOver(
          baselineMonths,
          (m) => sumOf(p.port_code, [measure], m),
          (m) => sumOf(p.port_code, cfg.measures, m),
        );
        unitMix[name] = r.den ? r.num / r.den : 0;
      }
      let loadedShare = 1;
      if (cfg.loaded) {
        const loaded = cfg.loaded;
        const r = ratioOver(
          baselineMonths,
          (m) => sumOf(p.port_code, [loaded[0]], m),
          (m) => sumOf(p.port_code, loaded, m),
        );
        loadedShare = r.den ? r.num / r.den : 1;
      }
      for (const direction of ["inbound", "outbound"] as FlowDirection[]) {
        const tradeDir = direction === "inbound" ? "import" : "export";
        let valuePerUnitUsd = 0;
        let valueStatus: FigureStatus = "observed";
        let commodities: FlowInput["commodities"] = [];
        if (cfg.tradeMode) {
          const members = combinedValue.get(p.port_code) ?? [p.port_code];
          // Value and units over the same months: those whose units are known at every member port.
          const unitsOf = (m: Month) => {
            let n = 0;
            for (const q of members) {
              const v = sumOf(q, cfg.measures, m);
              if (v === null) return null;
              n += v;
            }
            return n;
          };
          const known = new Set(valueMonths.filter((m) => unitsOf(m) !== null));
          const value = trade
            .filter(
              (t) =>
                known.has(t.month) &&
                members.includes(t.port_code) &&
                t.mode === cfg.tradeMode &&
                t.direction === tradeDir,
            )
            .reduce((s, t) => s + t.value_usd, 0);
          const unitsInValueMonths = [...known].reduce((s, m) => s + unitsOf(m)!, 0);
          const factor = trend[`${cfg.tradeMode} ${tradeDir}`] ?? 1;
          valuePerUnitUsd = unitsInValueMonths > 0 ? (value / unitsInValueMonths) * factor : 0;
          if (estimated && valuePerUnitUsd > 0) valueStatus = "estimate";
          const rows = hs2.filter(
            (h) => members.includes(h.port_code) && h.mode === cfg.tradeMode && h.direction === tradeDir,
          );
          const hsTotal = rows.reduce((s, r) => s + r.value_usd, 0);
          const byHs2 = new Map<string, { label: string; value: number }>();
          for (const r of rows) {
            const x = byHs2.get(r.hs2) ?? { label: r.label, value: 0 };
            x.value += r.value_usd;
            byHs2.set(r.hs2, x);
          }
          commodities = [...byHs2].map(([hs2, r]) => ({
            hs2,
            label: r.label,
            share: hsTotal ? r.value / hsTotal : 0,
            perishable: (PERISHABLE_HS2 as readonly string[]).includes(hs2),
          }));
        }
        flows.push({
          key: `${p.port_code}/${mode}/${direction}`,
          port: p.port_code,
          portName: p.port_name,
          border: p.border,
          mode,
          direction,
          latitude: p.latitude,
          longitude: p.longitude,
          timeZone: zoneOf(data, p.port_code),
          unit: cfg.unit,
          arrivalsPerDay: arrivals,
          hourShare,
          peakWeekdayFactor: Math.max(...profile.weekday),
          lanes: lanes ? { lanes: lanes.lanes, openHours: lanes.openHours } : null,
          ...(restrictionOf(p.port_code) ? { restrictedTo: restrictionOf(p.port_code)! } : {}),
          railroads: mode === "rail" ? railroadsAt(data, p.port_code, req.eventMonth) : null,
          fromInbound: direction === "outbound",
          recentDailyRates: recent,
          unitMix,
          loadedShare,
          valuePerUnitUsd,
          valueStatus,
          commodities,
        });
      }
    }
  }
  const years = [...seasonYears].sort();
  return {
    flows,
    baselineMonths,
    seasonalYears: years.length ? `${years[0]}..${years.at(-1)}` : "none",
    valueNotes,
  };
}

/**
 * The national trend of trade value per unit of each trade mode and direction, from the months value per unit
 * is known at port level (`valueMonths`) to the baseline window: national TransBorder value ÷ BTS units of the
 * mode over every port of the border. Value per unit, not value: a month where trucks and value fall together
 * (April 2020) leaves what a truck carries as it was.
 */
async function nationalTrend(
  store: Store,
  modes: ("rail" | "truck")[],
  borders: string[],
  valueMonths: Month[],
  windowStart: Month,
  windowEnd: Month,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const country = borders.length === 1 && borders[0] === "canada" ? "CA" : "MX";
  const from = valueMonths[0]! < windowStart ? valueMonths[0]! : windowStart;
  const to = valueMonths.at(-1)! > windowEnd ? valueMonths.at(-1)! : windowEnd;
  const rows = await store.all<{ mode: string; direction: string; month: Month; value_usd: number }>(
    nationalMonthlyQuery(modes, country, from, to),
  );
  for (const mode of modes) {
    const measures = Object.values(MODE_UNITS).find((u) => u.tradeMode === mode)!.measures;
    const units = new Map(
      (
        await store.all<{ month: Month; value: number }>(
          borderMonthlyUnitsQuery(country === "CA" ? "canada" : "mexico", measures, from, to),
        )
      ).map((u) => [u.month, u.value]),
    );
    for (const dir of ["import", "export"]) {
      const r = rows.filter((x) => x.mode === mode && x.direction === dir && (units.get(x.month) ?? 0) > 0);
      const perUnit = (ms: (m: Month) => boolean) => {
        const sel = r.filter((x) => ms(x.month));
        const n = sel.reduce((s, x) => s + units.get(x.month)!, 0);
        return n ? sel.reduce((s, x) => s + x.value_usd, 0) / n : 0;
      };
      const then = perUnit((m) => valueMonths.includes(m));
      const now = perUnit((m) => m >= windowStart && m <= windowEnd);
      out[`${mode} ${dir}`] = then > 0 && now > 0 ? now / then : 1;
    }
  }
  return out;
}
