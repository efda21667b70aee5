import { HOLE_MAX_RUN, HOLE_NEIGHBOUR_MIN, OMISSION_FROM } from "../domain/status.ts";
import { addMonths } from "../domain/units.ts";
import { and, inList, type Query } from "./sql.ts";

/** Each port's first and last month in BTS crossings. */
export const crossingSpansQuery: Query = {
  sql: `SELECT port_code, min(month) AS first, max(month) AS last FROM crossings GROUP BY ALL ORDER BY port_code`,
  params: [],
};

const calendar = (from: string) =>
  `SELECT strftime(d, '%Y-%m') AS month FROM generate_series(strptime(${from}, '%Y-%m'),
     (SELECT strptime(max(month), '%Y-%m') FROM crossings), INTERVAL 1 MONTH) t(d)`;

/**
 * Months inside a port's span, before `omissionFrom`, in which BTS has no row at all for the port. Before
 * that month BTS publishes every measure of every port it reports, zeros included, so these are months the
 * whole port was left out of the release.
 */
export function crossingsLeftOutQuery(omissionFrom: string): Query {
  return {
    sql: `WITH span AS (SELECT port_code, min(month) AS f, max(month) AS l FROM crossings GROUP BY ALL),
        cal AS (${calendar("(SELECT min(month) FROM crossings)")})
      SELECT span.port_code, cal.month FROM span JOIN cal ON cal.month BETWEEN span.f AND span.l
      WHERE cal.month < ?
        AND NOT EXISTS (SELECT 1 FROM crossings c WHERE c.port_code = span.port_code AND c.month = cal.month)
      ORDER BY 1, 2`,
    params: [omissionFrom],
  };
}

/**
 * The holes of BTS crossings by the documented rules (src/domain/status.ts, docs/data.md): every absent
 * port × measure × month from `omissionFrom` on that is a hole rather than a zero, with the reported months
 * either side. Pure SQL over the crossings table; one row per hole.
 */
export function crossingHolesQuery(o: {
  omissionFrom: string;
  /** First month the rules look at for neighbours and seasons (two years before omissionFrom is enough). */
  gridFrom: string;
  neighbourMin: number;
  maxRun: number;
}): Query {
  return {
    sql: `WITH span AS (SELECT port_code, min(month) AS f, max(month) AS l FROM crossings GROUP BY ALL),
      cal AS (${calendar("greatest(?, (SELECT min(month) FROM crossings))")}),
      pm AS (SELECT DISTINCT port_code, measure FROM crossings),
      g AS (
        SELECT pm.port_code, pm.measure, cal.month, c.value
        FROM pm JOIN span USING (port_code) JOIN cal ON cal.month BETWEEN span.f AND span.l
        LEFT JOIN crossings c ON c.port_code = pm.port_code AND c.measure = pm.measure AND c.month = cal.month),
      w AS (
        SELECT *,
          last_value(CASE WHEN value IS NOT NULL THEN month END IGNORE NULLS) OVER back AS before_month,
          last_value(value IGNORE NULLS) OVER back AS before_value,
          first_value(CASE WHEN value IS NOT NULL THEN month END IGNORE NULLS) OVER ahead AS after_month,
          first_value(value IGNORE NULLS) OVER ahead AS after_value,
          coalesce(lag(value IS NULL, 12) OVER seq, false) OR coalesce(lead(value IS NULL, 12) OVER seq, false) AS seasonal
        FROM g
        WINDOW seq AS (PARTITION BY port_code, measure ORDER BY month),
          back AS (PARTITION BY port_code, measure ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
          ahead AS (PARTITION BY port_code, measure ORDER BY month ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)),
      absent AS (
        SELECT *,
          date_diff('month', strptime(before_month, '%Y-%m'), strptime(after_month, '%Y-%m')) - 1 AS run,
          bool_or(seasonal) OVER (PARTITION BY port_code, measure, before_month) AS seasonal_run
        FROM w WHERE value IS NULL AND month >= ?),
      mc AS (
        SELECT cal.month, m.measure, count(c.port_code) AS n
        FROM cal CROSS JOIN (SELECT DISTINCT measure FROM crossings) m
        LEFT JOIN crossings c ON c.month = cal.month AND c.measure = m.measure GROUP BY ALL),
      mw AS (
        SELECT *,
          last_value(CASE WHEN n > 0 THEN month END IGNORE NULLS) OVER back AS bm,
          first_value(CASE WHEN n > 0 THEN month END IGNORE NULLS) OVER ahead AS am,
          (SELECT max(month) FROM crossings) AS last_month
        FROM mc
        WINDOW back AS (PARTITION BY measure ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
          ahead AS (PARTITION BY measure ORDER BY month ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)),
      allgap AS (
        SELECT measure, month, bm, am FROM mw
        WHERE n = 0 AND month >= ? AND bm IS NOT NULL
          AND date_diff('month', strptime(bm, '%Y-%m'), strptime(coalesce(am, last_month), '%Y-%m'))
            - (CASE WHEN am IS NULL THEN 0 ELSE 1 END) <= ?),
      by_all AS (
        SELECT a.port_code, a.measure, a.month, 'all-ports' AS rule, a.before_month, a.before_value,
          a.after_month, a.after_value
        FROM absent a JOIN allgap g USING (measure, month)
        WHERE EXISTS (SELECT 1 FROM crossings c WHERE c.port_code = a.port_code AND c.measure = a.measure
          AND (c.month = g.bm OR c.month = g.am))),
      isolated AS (
        SELECT port_code, measure, month, 'isolated' AS rule, before_month, before_value, after_month, after_value
        FROM absent
        WHERE run <= ? AND before_value >= ? AND after_value >= ? AND NOT seasonal_run
          AND NOT EXISTS (SELECT 1 FROM allgap g WHERE g.measure = absent.measure AND g.month = absent.month))
      SELECT port_code, measure, month, rule, before_month, before_value::DOUBLE AS before_value,
        after_month, after_value::DOUBLE AS after_value
      FROM (SELECT * FROM by_all UNION ALL SELECT * FROM isolated)
      ORDER BY port_code, measure, month`,
    params: [o.gridFrom, o.omissionFrom, o.omissionFrom, o.maxRun, o.maxRun, o.neighbourMin, o.neighbourMin],
  };
}

/** BTS crossings of some ports and measures in a window, one row per port, measure and month that has one. */
export function crossingsCellsQuery(f: {
  ports: readonly string[];
  measures: readonly string[];
  from: string;
  to: string;
}): Query {
  const w = and(inList("port_code", f.ports), inList("measure", f.measures));
  return {
    sql: `SELECT port_code, measure, month, value::DOUBLE AS value FROM crossings
      WHERE ${w.sql} AND month BETWEEN ? AND ?`,
    params: [...w.params, f.from, f.to],
  };
}

/**
 * BTS crossings summed over some ports (all when none are given) per measure and month, or per port too
 * with `byPort` (`port` is '' otherwise).
 */
export function crossingsMonthlyQuery(f: {
  ports: readonly string[];
  measures: readonly string[];
  from: string;
  to: string;
  byPort?: boolean;
}): Query {
  const w = and(inList("port_code", f.ports), inList("measure", f.measures));
  return {
    sql: `SELECT ${f.byPort ? "port_code" : "''"} AS port, measure, month, sum(value)::DOUBLE AS value
      FROM crossings WHERE ${w.sql} AND month BETWEEN ? AND ? GROUP BY ALL`,
    params: [...w.params, f.from, f.to],
  };
}

/**
 * What the crossings look like now, in one short scan: rows and an order-free hash of every row. The
 * crossings' status tables (below) are kept with the fingerprint they were derived from and used only while
 * it still matches, so no write to crossings (an ingest, a test's own rows) can leave them stale.
 */
export const crossingsFingerprintQuery: Query = {
  sql: `SELECT count(*)::VARCHAR || ':' || coalesce(bit_xor(hash(port_code, measure, month, value)), 0)::VARCHAR AS fp
    FROM crossings`,
  params: [],
};

/** The tables the crossings' status index is kept in, each with the query that derives it. */
export const CROSSING_STATUS_TABLES = ["status_spans", "status_left_out", "status_holes"] as const;

/** The queries that derive the crossings' status index (spans, months left out, holes: docs/data.md). */
export function crossingStatusQueries(): Record<(typeof CROSSING_STATUS_TABLES)[number], Query> {
  return {
    status_spans: crossingSpansQuery,
    status_left_out: crossingsLeftOutQuery(OMISSION_FROM),
    status_holes: crossingHolesQuery({
      omissionFrom: OMISSION_FROM,
      gridFrom: addMonths(OMISSION_FROM, -24),
      neighbourMin: HOLE_NEIGHBOUR_MIN,
      maxRun: HOLE_MAX_RUN,
    }),
  };
}

/** The derived status tables as the index reads them, in the order the queries give. */
export const keptCrossingStatusQueries: Record<(typeof CROSSING_STATUS_TABLES)[number], Query> = {
  status_spans: { sql: "SELECT * FROM status_spans ORDER BY port_code", params: [] },
  status_left_out: { sql: "SELECT * FROM status_left_out ORDER BY port_code, month", params: [] },
  status_holes: { sql: "SELECT * FROM status_holes ORDER BY port_code, measure, month", params: [] },
};

/** The meta key of the fingerprint the status tables were derived from. */
export const CROSSING_STATUS_KEY = "crossing_status_fingerprint";

/** The fingerprint the status tables were derived from (no row: never derived in this file). */
export const keptFingerprintQuery: Query = {
  sql: "SELECT value AS fp FROM meta WHERE key = ?",
  params: [CROSSING_STATUS_KEY],
};

/**
 * Statements that (re)derive the status tables from the crossings and record the fingerprint: run at the
 * database's creation and, in a transaction of their own, after an ingest.
 */
export function deriveCrossingStatus(fingerprint: string): Query[] {
  const queries = crossingStatusQueries();
  return [
    ...CROSSING_STATUS_TABLES.map((t) => ({
      sql: `CREATE OR REPLACE TABLE ${t} AS ${queries[t].sql}`,
      params: queries[t].params,
    })),
    { sql: "DELETE FROM meta WHERE key = ?", params: [CROSSING_STATUS_KEY] },
    { sql: "INSERT INTO meta VALUES (?, ?)", params: [CROSSING_STATUS_KEY, fingerprint] },
  ];
}

/**
 * BTS ports with no series in TransBorder port-level trade: absent from TransBorder's port code list
 * (`trade_ports`; an empty list, as in a database built without it, rules no port out), or closed in BTS
 * before port-level coverage starts (`coverageFirst`) with no trade row. Their trade is not reported, not $0
 * (docs/data.md, "Missing is not zero").
 */
export function portsWithoutTradeSeriesQuery(coverageFirst: string): Query {
  return {
    sql: `WITH x AS (
        SELECT p.port_code, p.last_month,
          EXISTS (SELECT 1 FROM trade_ports) AND p.port_code NOT IN (SELECT port_code FROM trade_ports)
            AS not_in_code_list
        FROM ports p)
      SELECT port_code, not_in_code_list, last_month FROM x
      WHERE not_in_code_list
        OR (last_month < ? AND NOT EXISTS (SELECT 1 FROM trade t WHERE t.port_code = x.port_code))
      ORDER BY 1`,
    params: [coverageFirst],
  };
}
