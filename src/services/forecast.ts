import { DEFAULT_FORECAST_HOURS } from "../domain/wait-defaults.ts";
import { resolve } from "node:path";
import { z } from "zod";
import { InputError, NotFoundError } from "../domain/errors.ts";
import { holidaysOn, type HolidayCountry } from "../domain/holidays.ts";
import type { PortCode } from "../domain/ports.ts";
import { LANE_TYPES, type ForecastEvent, type LaneType } from "../domain/wait-times.ts";
import { distanceKm } from "../model/geo.ts";
import {
  forecastHour,
  MAX_HORIZON_HOURS,
  RECALIBRATION,
  recentAlpha,
  type HourlySeries,
} from "../model/wait-forecast.ts";
import { CBP_WAIT_FORECAST_PARAMS } from "../model/wait-forecast-params.ts";
import { readingsSource, withArchiveRead } from "../store/wait-archive-db.ts";
import { closedReadingsQuery, hourlyMeansQuery, type WaitFilter } from "../store/wait-queries.ts";
import { parseLanes, portsFor, resolveTarget } from "./waits.ts";
import type { PortName } from "./resolve.ts";

/** `forecast` as a user wrote it (CLI flags or API query, as strings). */
export interface ForecastSpec {
  port: string;
  lane?: string | undefined;
  hours?: string | number | undefined;
  /** The moment to forecast from (ISO instant; default now). */
  at?: string | undefined;
}

/** Hours forecast unless asked otherwise. */
export { DEFAULT_FORECAST_HOURS };
/** Days of history read for the usual wait of each hour (month, weekday and hour need a year or more). */
export const FORECAST_HISTORY_DAYS = 400;

/** One forecast hour of one crossing and lane. */
export interface ForecastHour {
  /** The local hour forecast, as an ISO instant in the port's offset (`2025-12-23T15:00:00-07:00`). */
  hourStart: string;
  /** Hours after the last reading used. */
  horizon: number;
  expectedMinutes: number;
  /** The 80% interval. */
  lowMinutes: number;
  highMinutes: number;
  /** The usual wait for that hour (month, weekday and hour; holidays apart). */
  usualMinutes: number;
  /** Holidays that day on either side of the border. */
  holidays: string[];
}

/** Ports whose reported closures a forecast lists (km between port coordinates; the same border only). */
export const NEARBY_PORT_KM = 100;

export type { ForecastEvent };

/** The forecast of one crossing and lane type. */
export interface ForecastSeries {
  crossing: string;
  crossingName: string;
  lane: LaneType;
  /** The reading the correction starts from (the mean of its hour), or null when none is recent. */
  lastReading: { hourStart: string; minutes: number } | null;
  /** Hours of history behind the usual waits. */
  historyHours: number;
  hours: ForecastHour[];
}

/** What `forecast` answers. */
export interface WaitForecast {
  archiveDir: string;
  port: { code: PortCode; name: string };
  crossing?: string;
  lanes: LaneType[];
  /** When the forecast was made (ISO UTC). */
  at: string;
  series: ForecastSeries[];
  /** Closures reported at or near the port in the last day: not modelled, flagged. */
  events: ForecastEvent[];
  model: { fittedOn: string; coverage: number };
  notes: string[];
}

export interface ForecastDeps {
  /** The known ports (default: those of `snapshotDir`, read by the DuckDB that reads the archive). */
  ports?: readonly PortName[] | undefined;
  /** Default: `$BORDERFLOW_SNAPSHOT`, else the vendored snapshot. */
  snapshotDir?: string | undefined;
}

const ForecastSchema = z.object({
  port: z
    .string()
    .trim()
    .min(1, "--port is required (a code such as 2402, a name such as El Paso, or a crossing number)"),
  hours: z.coerce
    .number({ error: (i) => `--hours ${JSON.stringify(String(i.input))} is not a number` })
    .int("--hours must be a whole number")
    .min(1, `--hours must be 1 to ${MAX_HORIZON_HOURS}`)
    .max(MAX_HORIZON_HOURS, `--hours must be 1 to ${MAX_HORIZON_HOURS}`)
    .optional(),
  at: z
    .string()
    .refine(
      (s) =>
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) &&
        Number.isFinite(Date.parse(s)),
      {
        error: (i) =>
          `--at ${JSON.stringify(i.input)} is not an ISO instant with its offset (e.g. 2025-12-23T18:25:00Z)`,
      },
    )
    .optional(),
});

/** Validates a `forecast` request; every problem at once. */
export function parseForecastSpec(spec: ForecastSpec): {
  port: string;
  lanes: LaneType[];
  hours: number;
  at?: string;
} {
  const problems: string[] = [];
  const parsed = ForecastSchema.safeParse(
    Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)),
  );
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => i.message));
  let lanes: LaneType[] = [];
  try {
    lanes = parseLanes(spec.lane);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length || !parsed.success)
    throw new InputError(
      problems.join("; "),
      "e.g. borderflow forecast --port 2402 --lane passenger-standard --hours 6",
    );
  return {
    port: parsed.data.port,
    lanes: lanes.length ? lanes : [...LANE_TYPES],
    hours: parsed.data.hours ?? DEFAULT_FORECAST_HOURS,
    ...(parsed.data.at ? { at: parsed.data.at } : {}),
  };
}

interface HourRow {
  crossing: string;
  crossing_name: string;
  lane: string;
  local_date: string;
  hour: number;
  mean_minutes: number;
  readings: number;
  last_update: string;
}

const DAY_MS = 86_400_000;
const clockHour = (date: string, hour: number) => Date.parse(`${date}T00:00:00Z`) / 3_600_000 + hour;
const clockDate = (h: number) => new Date(h * 3_600_000).toISOString().slice(0, 10);
const hourOf = (h: number) => ((h % 24) + 24) % 24;
const pad = (n: number) => String(n).padStart(2, "0");
/** Minutes east of UTC of an ISO instant written with its offset. */
function offsetOf(iso: string): number {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(iso);
  return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}
function localIso(h: number, offset: number): string {
  const a = Math.abs(offset);
  return `${clockDate(h)}T${pad(hourOf(h))}:00:00${offset < 0 ? "-" : "+"}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/**
 * The usual wait of each hour of a series: the mean by month, weekday and hour of its non-holiday days, else
 * by weekday and hour, else by hour, else its overall mean; on a holiday, the mean by hour of its past
 * holidays of the same side(s), else the Sunday profile (a holiday traffic is most like a Sunday's).
 */
function usualWaits(values: Map<number, number>, sides: readonly HolidayCountry[]): (h: number) => number {
  const classOf = (d: string) => [...new Set(holidaysOn(d, sides).map((x) => x.country))].sort().join("+");
  const cells = new Map<string, [number, number]>();
  const add = (k: string, v: number) => {
    const c = cells.get(k) ?? [0, 0];
    c[0] += v;
    c[1]++;
    cells.set(k, c);
  };
  for (const [h, v] of values) {
    const d = clockDate(h);
    const wd = new Date(h * 3_600_000).getUTCDay();
    const cls = classOf(d);
    if (cls) add(`hol|${cls}|${hourOf(h)}`, v);
    else {
      add(`mwh|${d.slice(5, 7)}|${wd}|${hourOf(h)}`, v);
      add(`wh|${wd}|${hourOf(h)}`, v);
    }
    add(`h|${hourOf(h)}`, v);
    add("all", v);
  }
  const mean = (k: string) => {
    const c = cells.get(k);
    return c ? c[0] / c[1] : undefined;
  };
  const cache = new Map<number, number>();
  return (h) => {
    let u = cache.get(h);
    if (u !== undefined) return u;
    const d = clockDate(h);
    const wd = new Date(h * 3_600_000).getUTCDay();
    const cls = classOf(d);
    u =
      (cls ? (mean(`hol|${cls}|${hourOf(h)}`) ?? mean(`wh|0|${hourOf(h)}`)) : undefined) ??
      mean(`mwh|${d.slice(5, 7)}|${wd}|${hourOf(h)}`) ??
      mean(`wh|${wd}|${hourOf(h)}`) ??
      mean(`h|${hourOf(h)}`) ??
      mean("all") ??
      0;
    cache.set(h, u);
    return u;
  };
}

/**
 * Forecasts the CBP wait at a port (or one crossing) and lane types for the coming hours, from the archive:
 * the usual wait for each hour from the archive's history, corrected by the recent readings with the fitted
 * weights of `src/model/wait-forecast-params.ts` (docs/forecast.md), and an 80% interval.
 */
export async function waitForecast(
  archiveDir: string,
  spec: ForecastSpec,
  deps: ForecastDeps = {},
): Promise<WaitForecast> {
  const req = parseForecastSpec(spec);
  const at = req.at ? new Date(req.at) : new Date();
  const dir = resolve(archiveDir);
  const from = new Date(at.getTime() - FORECAST_HISTORY_DAYS * DAY_MS).toISOString().slice(0, 10);
  const to = new Date(at.getTime() + DAY_MS).toISOString().slice(0, 10);
  return withArchiveRead(dir, { from, to }, async (db, plan) => {
    const ports = await portsFor(db, deps);
    const source = readingsSource(plan);
    const archived = plan.crossings.map((c) => ({
      port: c.port,
      crossing: c.crossing,
      port_name: c.portName,
      crossing_name: c.crossingName,
    }));
    if (/^[0-9a-z]\d{5}$/i.test(req.port.trim()) && !archived.some((a) => a.crossing === req.port.trim()))
      archived.push(
        ...(
          await db.all<{ port: string; crossing: string; port_name: string; crossing_name: string }>({
            sql: `SELECT DISTINCT port, crossing, portName AS port_name, crossingName AS crossing_name FROM ${source.sql} AS r WHERE crossing = ?`,
            params: [...source.params, req.port.trim()],
          })
        ).filter((r) => r.crossing),
      );
    const target = await resolveTarget(req.port, archived, ports);
    const filter: WaitFilter = {
      ports: target.crossing ? [] : [target.code],
      crossings: target.crossing ? [target.crossing] : [],
      lanes: req.lanes,
      from,
      to,
    };
    const rows = await db.all<HourRow>(hourlyMeansQuery(source, filter));
    const where = target.crossing ? `crossing ${target.crossing}` : `${target.name} (${target.code})`;
    if (rows.length === 0)
      throw new NotFoundError(
        `no readings of ${where}${req.lanes.length < LANE_TYPES.length ? ` in lanes ${req.lanes.join(", ")}` : ""} in the archive ${dir} from ${from} to ${to}; run borderflow watch to collect them`,
      );
    const border = ports.find((p) => p.port_code === target.code)?.border;
    const sides: HolidayCountry[] =
      border === "canada" ? ["us", "ca"] : border === "mexico" ? ["us", "mx"] : ["us"];
    const bySeries = new Map<string, HourRow[]>();
    for (const r of rows)
      bySeries.set(`${r.crossing}|${r.lane}`, [...(bySeries.get(`${r.crossing}|${r.lane}`) ?? []), r]);
    const p = CBP_WAIT_FORECAST_PARAMS;
    const notes: string[] = [
      `expected = the usual wait for that hour (month, weekday and hour from the archive's history; holidays of either side apart), corrected by the last readings${p.lastWaitBreaks?.length ? ` with weights for the last reading's level (breaks at ${p.lastWaitBreaks.join(" and ")} min)` : ""}${p.rounding === "cbp-steps" ? ", rounded to CBP's steps (0, 1, then multiples of 5 min)" : ""}; waits are CBP's estimates, in minutes`,
      `80% interval from out-of-sample errors (${p.fittedOn}), its level recalibrated on the outcomes of the last ${RECALIBRATION.windowHours / 24} days' forecasts of each lane (rolling conformal; until ${RECALIBRATION.minOutcomes} outcomes, the calibration's 10th–90th percentiles); on held-out data it held 80–83% by horizon (docs/forecast.md)`,
    ];
    const series: ForecastSeries[] = [];
    let staleNoted = false;
    for (const rs of bySeries.values()) {
      const first = rs[0]!;
      const values = new Map<number, number>();
      let newest = first;
      for (const r of rs) {
        values.set(clockHour(r.local_date, r.hour), r.mean_minutes);
        if (r.last_update > newest.last_update) newest = r;
      }
      const offset = offsetOf(newest.last_update);
      const nowHour = Math.floor((at.getTime() + offset * 60_000) / 3_600_000);
      // The correction starts from the newest hour with a reading, if it is at most 3 hours old.
      const observedHours = [...values.keys()].filter((h) => h <= nowHour).sort((a, b) => a - b);
      const lastHour = observedHours.at(-1);
      const recent = lastHour !== undefined && nowHour - lastHour <= 3;
      const origin = recent ? lastHour : nowHour;
      if (!recent && !staleNoted) {
        notes.push(
          `no reading in the 3 hours before ${at.toISOString()} for some lanes: their forecast is the usual wait for each hour, without a correction from recent readings`,
        );
        staleNoted = true;
      }
      const history: HourlySeries = {
        observed: (h) => (h <= nowHour ? values.get(h) : undefined),
        profile: usualWaits(new Map([...values].filter(([h]) => h <= nowHour)), sides),
        hourOfDay: hourOf,
        lane: first.lane,
      };
      // The interval's level from the outcomes of the last three weeks' forecasts, replayed with usual waits
      // that have not seen those weeks (as a forecaster running then had them).
      const replay: HourlySeries = {
        ...history,
        profile: usualWaits(
          new Map([...values].filter(([h]) => h <= origin - RECALIBRATION.windowHours)),
          sides,
        ),
      };
      const alphas = new Map<number, number>();
      const hours: ForecastHour[] = [];
      for (let target = nowHour + 1; target <= nowHour + req.hours; target++) {
        const horizon = target - origin;
        if (horizon < 1 || horizon > MAX_HORIZON_HOURS) continue;
        if (!alphas.has(horizon)) alphas.set(horizon, recentAlpha(replay, origin, horizon, p));
        const f = forecastHour(history, origin, horizon, p, alphas.get(horizon));
        const round1 = (x: number) => Math.round(x * 10) / 10;
        hours.push({
          hourStart: localIso(target, offset),
          horizon,
          expectedMinutes: round1(f.expectedMinutes),
          lowMinutes: round1(f.lowMinutes),
          highMinutes: round1(f.highMinutes),
          usualMinutes: round1(f.profileMinutes),
          holidays: holidaysOn(clockDate(target), sides).map((h) => `${h.name} (${h.country.toUpperCase()})`),
        });
      }
      series.push({
        crossing: first.crossing,
        crossingName: first.crossing_name,
        lane: first.lane as LaneType,
        lastReading: recent
          ? { hourStart: localIso(lastHour!, offset), minutes: Math.round(values.get(lastHour!)! * 10) / 10 }
          : null,
        historyHours: observedHours.length,
        hours,
      });
    }
    // Known events the model does not fit: lanes reported closed in the last day at the port or nearby.
    const here = ports.find((x) => x.port_code === target.code);
    const near = new Map<string, number>([[target.code, 0]]);
    if (here?.latitude != null && here.longitude != null)
      for (const x of ports) {
        if (x.port_code === target.code || x.border !== here.border) continue;
        if (x.latitude == null || x.longitude == null) continue;
        const km = distanceKm(here.latitude, here.longitude, x.latitude, x.longitude);
        if (km <= NEARBY_PORT_KM) near.set(x.port_code, km);
      }
    const closed = await db.all<{
      port: string;
      port_name: string;
      crossing: string;
      crossing_name: string;
      lane: string;
      closed: number;
      first_date: string;
    }>(
      closedReadingsQuery(source, {
        ports: [...near.keys()],
        crossings: [],
        lanes: [],
        from: new Date(at.getTime() - DAY_MS).toISOString().slice(0, 10),
        to: at.toISOString().slice(0, 10),
      }),
    );
    const events: ForecastEvent[] = closed
      .map((c) => ({
        kind: "closure" as const,
        port: c.port as PortCode,
        portName: c.port_name,
        crossing: c.crossing,
        crossingName: c.crossing_name,
        lane: c.lane,
        closedReadings: c.closed,
        since: c.first_date,
        distanceKm: Math.round(near.get(c.port) ?? 0),
      }))
      .sort((a, b) => a.distanceKm - b.distanceKm || a.crossing.localeCompare(b.crossing));
    for (const e of events)
      notes.push(
        `known event: ${e.crossingName || e.crossing} (${e.crossing}) ${e.lane}${e.distanceKm ? ` at ${e.portName} (${e.port}), ${e.distanceKm} km away,` : ""} was reported closed ${e.closedReadings} time(s) since ${e.since}: the forecast does not model closures, and traffic sent from a closed lane or crossing can lengthen the waits of the others`,
      );
    const holidayDays = new Set(
      series.flatMap((s) =>
        s.hours
          .filter((h) => h.holidays.length)
          .map((h) => `${h.hourStart.slice(0, 10)}: ${h.holidays.join(", ")}`),
      ),
    );
    for (const d of holidayDays)
      notes.push(
        `holiday ${d}: the usual wait is that of past holidays of the same side(s) in the archive, else a Sunday's`,
      );
    return {
      archiveDir: dir,
      port: { code: target.code, name: target.name },
      ...(target.crossing ? { crossing: target.crossing } : {}),
      lanes: req.lanes,
      at: at.toISOString(),
      series: series.sort(
        (a, b) =>
          a.crossing.localeCompare(b.crossing) || LANE_TYPES.indexOf(a.lane) - LANE_TYPES.indexOf(b.lane),
      ),
      events,
      model: { fittedOn: p.fittedOn, coverage: p.coverage },
      notes,
    };
  });
}
