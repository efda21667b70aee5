import { MEASURE_INFO } from "../domain/measures.ts";
import type { Query } from "./sql.ts";

/**
 * The monthly tables an ingest can replace, each with the columns that identify a value (the key) and
 * the columns compared to tell a changed value from an unchanged one.
 */
export const INGEST_TABLES = {
  crossings: { keys: ["port_code", "month", "measure"], values: ["value"] },
  trade: {
    keys: ["port_code", "mode", "direction", "country", "month"],
    values: ["value_usd", "weight_kg", "freight_usd"],
  },
  trade_hs2: {
    keys: ["port_code", "hs2", "mode", "direction", "country", "month"],
    values: ["value_usd", "weight_kg", "freight_usd"],
  },
} as const satisfies Record<string, { keys: readonly string[]; values: readonly string[] }>;

/** A table an ingest writes to. */
export type IngestTable = keyof typeof INGEST_TABLES;

/** Name of the temporary table that holds the new rows of an ingest into `table`. */
export function stagingTable(table: IngestTable): string {
  return `ingest_new_${table}`;
}

const AFFECTED_PORTS = "ingest_affected_ports";

/** Creates (or empties) the temporary table for new rows: same columns as `table`, no rows. */
export function createStagingQuery(table: IngestTable): Query {
  return {
    sql: `CREATE OR REPLACE TEMP TABLE ${stagingTable(table)} AS SELECT * FROM ${table} WITH NO DATA`,
    params: [],
  };
}

/** Drops the temporary tables of an ingest into `table`. */
export function dropStagingQueries(table: IngestTable): Query[] {
  return [
    { sql: `DROP TABLE IF EXISTS temp.${stagingTable(table)}`, params: [] },
    { sql: `DROP TABLE IF EXISTS temp.${AFFECTED_PORTS}`, params: [] },
  ];
}

/** The months the new rows cover: the scope an ingest replaces. */
export function stagedMonthsQuery(table: IngestTable): Query {
  return { sql: `SELECT DISTINCT month FROM ${stagingTable(table)} ORDER BY month`, params: [] };
}

const on = (table: IngestTable, a: string, b: string) =>
  INGEST_TABLES[table].keys.map((k) => `${a}.${k} = ${b}.${k}`).join(" AND ");

const same = (table: IngestTable, a: string, b: string) =>
  INGEST_TABLES[table].values.map((v) => `${a}.${v} IS NOT DISTINCT FROM ${b}.${v}`).join(" AND ");

/**
 * The scope an ingest replaces: the port-months present in the new rows. A release that holds only some
 * ports of a month leaves the other ports of that month as they were.
 */
const inScope = (table: IngestTable, alias: string) =>
  `EXISTS (SELECT 1 FROM ${stagingTable(table)} s WHERE s.port_code = ${alias}.port_code AND s.month = ${alias}.month)`;

/**
 * Counts how the new rows differ from the stored rows of the same port-months: `inserted` (key not stored),
 * `changed` (key stored with another value), `removed` (stored key absent from the new rows; BTS omits
 * zero counts, so absence is a zero), `unchanged`.
 */
export function diffCountsQuery(table: IngestTable): Query {
  const n = "n";
  const o = "o";
  return {
    sql: `WITH o AS (SELECT * FROM ${table} t WHERE ${inScope(table, "t")})
      SELECT
        count(*) FILTER (WHERE ${o}.month IS NULL)::INTEGER AS inserted,
        count(*) FILTER (WHERE ${n}.month IS NOT NULL AND ${o}.month IS NOT NULL AND NOT (${same(table, n, o)}))::INTEGER AS changed,
        count(*) FILTER (WHERE ${n}.month IS NULL)::INTEGER AS removed,
        count(*) FILTER (WHERE ${n}.month IS NOT NULL AND ${o}.month IS NOT NULL AND ${same(table, n, o)})::INTEGER AS unchanged
      FROM ${stagingTable(table)} ${n} FULL OUTER JOIN o ON ${on(table, n, o)}`,
    params: [],
  };
}

/**
 * Remembers the ports with stored or new rows in the months of the ingest (before they are replaced),
 * so their first and last months and modes can be derived again afterwards.
 */
export function rememberAffectedPortsQuery(table: IngestTable): Query {
  return {
    sql: `CREATE OR REPLACE TEMP TABLE ${AFFECTED_PORTS} AS
      SELECT DISTINCT port_code FROM ${stagingTable(table)}
      UNION SELECT DISTINCT port_code FROM ${table} t WHERE ${inScope(table, "t")}`,
    params: [],
  };
}

/** Deletes the stored rows of the ingest's port-months that the new rows do not repeat exactly (changed or removed). */
export function deleteReplacedQuery(table: IngestTable): Query {
  return {
    sql: `DELETE FROM ${table} AS t WHERE ${inScope(table, "t")}
      AND NOT EXISTS (SELECT 1 FROM ${stagingTable(table)} n WHERE ${on(table, "n", "t")} AND ${same(table, "n", "t")})`,
    params: [],
  };
}

/** Inserts the new rows that are not stored yet (run after {@link deleteReplacedQuery}: changed and inserted). */
export function insertNewQuery(table: IngestTable): Query {
  return {
    sql: `INSERT INTO ${table} SELECT n.* FROM ${stagingTable(table)} n
      WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE ${on(table, "n", "t")})`,
    params: [],
  };
}

const measureMode = `CASE measure ${Object.entries(MEASURE_INFO)
  .map(([m, i]) => `WHEN '${m}' THEN '${i.mode}'`)
  .join(" ")} END`;

/**
 * Derives again the crossing modes and the first and last month with a non-zero count of the affected
 * ports (as the snapshot build does); a port left with no non-zero count keeps its months.
 */
export const updatePortCrossingSpansQuery: Query = {
  sql: `UPDATE ports SET
      crossing_modes = coalesce(s.modes, []::VARCHAR[]),
      first_month = coalesce(s.first_month, ports.first_month),
      last_month = coalesce(s.last_month, ports.last_month)
    FROM (
      SELECT a.port_code, c.modes, c.first_month, c.last_month
      FROM ${AFFECTED_PORTS} a LEFT JOIN (
        SELECT port_code, list(DISTINCT ${measureMode} ORDER BY ${measureMode}) AS modes,
          min(month) AS first_month, max(month) AS last_month
        FROM crossings WHERE value > 0 AND port_code IN (SELECT port_code FROM ${AFFECTED_PORTS})
        GROUP BY port_code) c USING (port_code)) s
    WHERE ports.port_code = s.port_code`,
  params: [],
};

/** Derives again the trade modes (modes with trade value) of the affected ports from the port-level trade table. */
export const updatePortTradeModesQuery: Query = {
  sql: `UPDATE ports SET trade_modes = coalesce(s.modes, []::VARCHAR[])
    FROM (
      SELECT a.port_code, t.modes
      FROM ${AFFECTED_PORTS} a LEFT JOIN (
        SELECT port_code, list(DISTINCT mode ORDER BY mode) AS modes
        FROM trade WHERE value_usd > 0 AND port_code IN (SELECT port_code FROM ${AFFECTED_PORTS})
        GROUP BY port_code) t USING (port_code)) s
    WHERE ports.port_code = s.port_code`,
  params: [],
};

/** One line of the ingest log. */
export interface IngestLogEntry {
  /** UTC time as an ISO string without the zone, e.g. `2025-08-02T10:00:00.000`. */
  ingestedAt: string;
  source: string;
  origin: string;
  months: string;
  inserted: number;
  changed: number;
  removed: number;
  unchanged: number;
}

/** Appends one line to `ingest_log`. */
export function insertIngestLogQuery(e: IngestLogEntry): Query {
  return {
    sql: "INSERT INTO ingest_log VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, ?, ?, ?, ?)",
    params: [e.ingestedAt, e.source, e.origin, e.months, e.inserted, e.changed, e.removed, e.unchanged],
  };
}

/** Port codes of the crossings ports table (a crossings row with another code is rejected). */
export const crossingPortCodesQuery: Query = { sql: "SELECT port_code FROM ports", params: [] };

/** Port codes of the TransBorder code list (a trade row with another code is rejected). */
export const tradePortCodesQuery: Query = { sql: "SELECT port_code FROM trade_ports", params: [] };

/** HS chapters of the code list (a DOT3 row with another chapter is rejected). */
export const hs2CodesQuery: Query = { sql: "SELECT hs2 FROM hs2_codes", params: [] };
