import type { Query } from "./sql.ts";
import { and, cond, inList } from "./sql.ts";

/**
 * SQL over the wait-time archive, as pure builders returning `{ sql, params }`. They read the table
 * `wait_readings` that `WaitArchiveDb` loads from the archive's JSON Lines files (columns named as the
 * fields of WaitReading). Times are CBP's own: `updatedAt` is written in the port's offset
 * (`2022-06-29T10:00:00-07:00`), so its first 10 characters are the local date and 12-13 the local hour.
 */

/** The local date of a reading: of its update time, else (closed lanes without one) of its fetch, UTC. */
export const LOCAL_DATE_SQL = "coalesce(substr(updatedAt, 1, 10), substr(fetchedAt, 1, 10))";
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
    cond(`${LOCAL_DATE_SQL} >= ?`, f.from),
    cond(`${LOCAL_DATE_SQL} <= ?`, f.to),
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
export function waitStatsQuery(f: WaitFilter, grain: WaitGrain): Query {
  const w = where(f);
  const extra = GRAIN_COLUMNS[grain];
  const timedOnly = grain === "crossing" ? "" : " AND updatedAt IS NOT NULL";
  const waits = "delayMinutes IS NOT NULL AND updatedAt IS NOT NULL";
  return {
    sql: `SELECT port, crossing, any_value(portName) AS port_name, any_value(crossingName) AS crossing_name, lane${extra.map((c) => `, ${c}`).join("")},
        count(*) FILTER (WHERE ${waits})::INTEGER AS readings,
        median(delayMinutes) FILTER (WHERE ${waits})::DOUBLE AS typical_minutes,
        avg(delayMinutes) FILTER (WHERE ${waits})::DOUBLE AS mean_minutes,
        quantile_cont(delayMinutes, 0.9) FILTER (WHERE ${waits})::DOUBLE AS p90_minutes,
        max(delayMinutes) FILTER (WHERE ${waits})::INTEGER AS max_minutes,
        count(*) FILTER (WHERE status = 'closed')::INTEGER AS closed_readings,
        min(updatedAt) AS first_update, max(updatedAt) AS last_update
      FROM wait_readings
      WHERE ${w.sql}${timedOnly}
      GROUP BY ALL
      ORDER BY ALL`,
    params: w.params,
  };
}

/** The ports and crossings the archive has readings for (names as the feed wrote them). */
export const archiveCrossingsQuery: Query = {
  sql: `SELECT port, crossing, any_value(portName) AS port_name, any_value(crossingName) AS crossing_name,
      count(*)::INTEGER AS readings
    FROM wait_readings GROUP BY port, crossing ORDER BY port, crossing`,
  params: [],
};

/** How many readings the loaded files hold, and their span of local dates. */
export const archiveSpanQuery: Query = {
  sql: `SELECT count(*)::INTEGER AS readings, min(${LOCAL_DATE_SQL}) AS first_date, max(${LOCAL_DATE_SQL}) AS last_date
    FROM wait_readings`,
  params: [],
};

/** The ports of a snapshot's `ports.parquet` (the `ports` table of every store built from it). */
export function snapshotPortsQuery(parquetFile: string): Query {
  return {
    sql: "SELECT port_code, port_name, state, border FROM read_parquet(?) ORDER BY port_code",
    params: [parquetFile],
  };
}
