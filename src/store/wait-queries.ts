import type { Query } from "./sql.ts";
import { and, cond, inList } from "./sql.ts";
import type { ArchiveQuery } from "./wait-archive-db.ts";

/**
 * SQL over the wait-time archive, as pure builders returning `{ sql, params }`. They read a source relation
 * (`readingsSource` in wait-archive-db.ts: the Parquet and JSON Lines files of a plan, with the columns
 * named there), so DuckDB pushes the filters and the column list down into the file scans. Times are CBP's
 * own: `updatedAt` is written in the port's offset (`2022-06-29T10:00:00-07:00`), so its first 10
 * characters are the local date and 12-13 the local hour.
 */
/** The local hour (0-23) of a reading's update time. */
export const LOCAL_HOUR_SQL = "CAST(substr(updatedAt, 12, 2) AS INTEGER)";
/** The local weekday (0 = Sunday) of a reading's update time. */
export const LOCAL_WEEKDAY_SQL = "CAST(dayofweek(CAST(substr(updatedAt, 1, 10) AS DATE)) AS INTEGER)";

/** Which readings a query is about. Empty lists mean no filter. */
export interface WaitFilter {
  ports: readonly string[];
  crossings: readonly string[];
  lanes: readonly string[];
  /** Local dates, inclusive. */
  from: string;
  to: string;
}

/** How wait statistics are grouped: per crossing and lane, and also by local hour, weekday, or both. */
export type WaitGrain = "crossing" | "hour" | "weekday" | "hour-weekday";

function where(f: WaitFilter): Query {
  return and(
    inList("port", f.ports),
    inList("crossing", f.crossings),
    inList("lane", f.lanes),
    cond("localDate >= ?", f.from),
    cond("localDate <= ?", f.to),
  );
}

const GRAIN_COLUMNS: Record<WaitGrain, string[]> = {
  crossing: [],
  hour: [`${LOCAL_HOUR_SQL} AS hour`],
  weekday: [`${LOCAL_WEEKDAY_SQL} AS weekday`],
  "hour-weekday": [`${LOCAL_WEEKDAY_SQL} AS weekday`, `${LOCAL_HOUR_SQL} AS hour`],
};

/**
 * Wait statistics in minutes per crossing × lane (× hour / weekday): readings with a wait, the typical wait
 * (median), mean, 90th percentile (interpolated) and maximum, the first and last update. At the crossing
 * grain it also counts closed readings (a closed lane without an update time counts once per hour).
 */
export function waitStatsQuery(source: ArchiveQuery, f: WaitFilter, grain: WaitGrain): ArchiveQuery {
  const w = where(f);
  const extra = GRAIN_COLUMNS[grain];
  const timedOnly = grain === "crossing" ? "" : " AND updatedAt IS NOT NULL";
  const waits = "delayMinutes IS NOT NULL AND updatedAt IS NOT NULL";
  return {
    sql: `SELECT port, crossing, any_value(portName) AS port_name, any_value(crossingName) AS crossing_name, lane${extra.map((c) => `, ${c}`).join("")},
        coalesce(sum(n) FILTER (WHERE ${waits}), 0)::INTEGER AS readings,
        median(delayMinutes) FILTER (WHERE ${waits})::DOUBLE AS typical_minutes,
        (sum(delayMinutes * n) FILTER (WHERE ${waits}) / sum(n) FILTER (WHERE ${waits}))::DOUBLE AS mean_minutes,
        quantile_cont(delayMinutes, 0.9) FILTER (WHERE ${waits})::DOUBLE AS p90_minutes,
        max(maxMinutes) FILTER (WHERE ${waits})::INTEGER AS max_minutes,
        coalesce(sum(closedN), 0)::INTEGER AS closed_readings,
        min(updatedAt) AS first_update, max(lastUpdatedAt) AS last_update
      FROM ${source.sql} AS wait_readings
      WHERE ${w.sql}${timedOnly}
      GROUP BY ALL
      ORDER BY ALL`,
    params: [...source.params, ...w.params],
  };
}

/** The ports and crossings a source has readings for (names as the feed wrote them). */
export function archiveCrossingsQuery(source: ArchiveQuery): ArchiveQuery {
  return {
    sql: `SELECT port, crossing, any_value(portName) AS port_name, any_value(crossingName) AS crossing_name
      FROM ${source.sql} AS wait_readings GROUP BY port, crossing ORDER BY port, crossing`,
    params: source.params,
  };
}

/** How many readings a source holds, and their span of local dates. */
export function archiveSpanQuery(source: ArchiveQuery): ArchiveQuery {
  return {
    sql: `SELECT coalesce(sum(CASE WHEN status = 'closed' THEN closedN ELSE n END), 0)::INTEGER AS readings, min(localDate) AS first_date,
        max(localDate) AS last_date
      FROM ${source.sql} AS wait_readings`,
    params: source.params,
  };
}

/** The ports of a snapshot's `ports.parquet` (the `ports` table of every store built from it). */
export function snapshotPortsQuery(parquetFile: string): Query {
  return {
    sql: "SELECT port_code, port_name, state, border, latitude, longitude FROM read_parquet(?) ORDER BY port_code",
    params: [parquetFile],
  };
}

/** HS2 chapters and their short names from the snapshot's `hs2_codes.parquet` (a watchlist's commodities). */
export function snapshotHs2Query(parquetFile: string): Query {
  return {
    sql: "SELECT hs2, coalesce(short_name, description, hs2) AS label FROM read_parquet(?) ORDER BY hs2",
    params: [parquetFile],
  };
}

/**
 * Hourly mean waits per crossing, lane, local date and local hour (the forecast's series), with the newest
 * update time of each hour (whose offset gives the port's local clock).
 */
export function hourlyMeansQuery(source: ArchiveQuery, f: WaitFilter): ArchiveQuery {
  const w = where(f);
  return {
    sql: `SELECT crossing, any_value(crossingName) AS crossing_name, lane, localDate AS local_date,
        ${LOCAL_HOUR_SQL} AS hour, (sum(delayMinutes * n) / sum(n))::DOUBLE AS mean_minutes,
        sum(n)::INTEGER AS readings, max(lastUpdatedAt) AS last_update
      FROM ${source.sql} AS wait_readings
      WHERE ${w.sql} AND delayMinutes IS NOT NULL AND updatedAt IS NOT NULL
      GROUP BY crossing, lane, localDate, hour
      ORDER BY crossing, lane, local_date, hour`,
    params: [...source.params, ...w.params],
  };
}

/** Closed readings per crossing and lane in a range of local dates (recent closures, for notes). */
export function closedReadingsQuery(source: ArchiveQuery, f: WaitFilter): ArchiveQuery {
  const w = where(f);
  return {
    sql: `SELECT any_value(port) AS port, any_value(portName) AS port_name, crossing,
        any_value(crossingName) AS crossing_name, lane, sum(closedN)::INTEGER AS closed, min(localDate) AS first_date
      FROM ${source.sql} AS wait_readings
      WHERE ${w.sql} AND status = 'closed'
      GROUP BY crossing, lane ORDER BY crossing, lane`,
    params: [...source.params, ...w.params],
  };
}
