import type { Query } from "./sql.ts";
import { and, cond, inList } from "./sql.ts";

/** Ports, optionally by border and mode (a crossing mode or a trade mode), with trade in a window. */
export function portsQuery(f: { border?: string; mode?: string; tradeFrom: string; tradeTo: string }): Query {
  const where = and(
    cond("p.border = ?", f.border),
    f.mode
      ? {
          sql: "list_contains(p.crossing_modes, ?) OR list_contains(p.trade_modes, ?)",
          params: [f.mode, f.mode],
        }
      : undefined,
  );
  return {
    sql: `SELECT p.port_code, p.port_name, p.state, p.border, p.latitude, p.longitude,
        p.crossing_modes, p.trade_modes, p.first_month, p.last_month,
        coalesce(t.value_usd, 0)::DOUBLE AS trade_usd
      FROM ports p
      LEFT JOIN (SELECT port_code, sum(value_usd) AS value_usd FROM trade WHERE month BETWEEN ? AND ? GROUP BY port_code) t
        USING (port_code)
      WHERE ${where.sql}
      ORDER BY trade_usd DESC, p.port_code`,
    params: [f.tradeFrom, f.tradeTo, ...where.params],
  };
}

/** Every port's code and name, for look-ups. */
export const allPortNamesQuery: Query = {
  sql: "SELECT port_code, port_name, state, border FROM ports ORDER BY port_code",
  params: [],
};

/** Crossings per measure by month, year or port, summed over the given ports (never over measures). */
export function crossingsQuery(f: {
  ports: readonly string[];
  measures: readonly string[];
  from: string;
  to: string;
  by: "month" | "year" | "port";
}): Query {
  const period = f.by === "month" ? "month" : f.by === "year" ? "substr(month, 1, 4)" : "port_code";
  const where = and(
    inList("port_code", f.ports),
    inList("measure", f.measures),
    cond("month >= ?", f.from),
    cond("month <= ?", f.to),
  );
  return {
    sql: `SELECT ${period} AS period, measure, sum(value)::DOUBLE AS value, count(DISTINCT month)::INTEGER AS months
      FROM crossings WHERE ${where.sql} GROUP BY ALL ORDER BY period, measure`,
    params: where.params,
  };
}

/** The months a table has rows for in a range (to tell gaps from zeros). */
export function monthsPresentQuery(
  table: "crossings" | "trade" | "trade_hs2" | "trade_national",
  from: string,
  to: string,
): Query {
  return {
    sql: `SELECT DISTINCT month FROM ${table} WHERE month BETWEEN ? AND ? ORDER BY month`,
    params: [from, to],
  };
}

/** Filters of a trade query. */
export interface TradeFilter {
  ports: readonly string[];
  modes: readonly string[];
  direction?: string;
  country?: string;
  from: string;
  to: string;
}

function tradeWhere(f: TradeFilter): Query {
  return and(
    inList("port_code", f.ports),
    inList("mode", f.modes),
    cond("direction = ?", f.direction),
    cond("country = ?", f.country),
    cond("month >= ?", f.from),
    cond("month <= ?", f.to),
  );
}

/** Trade value (and weight where recorded) by a grouping. National totals come from trade_national. */
export function tradeQuery(
  f: TradeFilter,
  by: "month" | "year" | "port" | "commodity" | "mode" | "direction",
): Query {
  if (by === "commodity") {
    const where = tradeWhere(f);
    return {
      sql: `SELECT t.hs2 AS key, coalesce(c.short_name, t.hs2) AS label, c.hs2_group AS grp,
          sum(t.value_usd)::DOUBLE AS value_usd, count(DISTINCT t.month)::INTEGER AS months
        FROM trade_hs2 t LEFT JOIN hs2_codes c USING (hs2)
        WHERE ${where.sql} GROUP BY ALL ORDER BY value_usd DESC`,
      params: where.params,
    };
  }
  if (by === "port") {
    const where = tradeWhere(f);
    return {
      sql: `SELECT t.port_code AS key, coalesce(p.port_name, n.port_name, t.port_code) AS label, p.border AS grp,
          sum(t.value_usd)::DOUBLE AS value_usd, count(DISTINCT t.month)::INTEGER AS months
        FROM trade t LEFT JOIN ports p USING (port_code) LEFT JOIN trade_ports n USING (port_code)
        WHERE ${where.sql} GROUP BY ALL ORDER BY value_usd DESC`,
      params: where.params,
    };
  }
  const national = f.ports.length === 0;
  const table = national ? "trade_national" : "trade";
  const where = national
    ? and(
        inList("mode", f.modes),
        cond("direction = ?", f.direction),
        cond("country = ?", f.country),
        cond("month >= ?", f.from),
        cond("month <= ?", f.to),
      )
    : tradeWhere(f);
  const key = by === "month" ? "month" : by === "year" ? "substr(month, 1, 4)" : by;
  return {
    sql: `SELECT ${key} AS key, ${key} AS label, NULL AS grp, sum(value_usd)::DOUBLE AS value_usd,
        count(DISTINCT month)::INTEGER AS months
      FROM ${table} WHERE ${where.sql} GROUP BY ALL ORDER BY key`,
    params: where.params,
  };
}

/** Top HS2 commodities per mode at one port in a window. */
export function topCommoditiesQuery(port: string, from: string, to: string, perMode: number): Query {
  return {
    sql: `WITH s AS (
        SELECT mode, hs2, sum(value_usd)::DOUBLE AS value_usd FROM trade_hs2
        WHERE port_code = ? AND month BETWEEN ? AND ? GROUP BY ALL),
      r AS (SELECT *, value_usd / sum(value_usd) OVER (PARTITION BY mode) AS share,
        row_number() OVER (PARTITION BY mode ORDER BY value_usd DESC) AS rank FROM s)
      SELECT r.mode, r.hs2, coalesce(c.short_name, r.hs2) AS label, r.value_usd, r.share, r.rank::INTEGER AS rank
      FROM r LEFT JOIN hs2_codes c USING (hs2) WHERE rank <= ? ORDER BY r.mode, rank`,
    params: [port, from, to, perMode],
  };
}

/** Trade by mode and direction at one port in a window. */
export function tradeByModeDirectionQuery(port: string, from: string, to: string): Query {
  return {
    sql: `SELECT mode, direction, sum(value_usd)::DOUBLE AS value_usd, count(DISTINCT month)::INTEGER AS months
      FROM trade WHERE port_code = ? AND month BETWEEN ? AND ? GROUP BY ALL ORDER BY value_usd DESC`,
    params: [port, from, to],
  };
}

/** Sum of crossings per measure at one port in a window. */
export function crossingsByMeasureQuery(port: string, from: string, to: string): Query {
  return {
    sql: `SELECT measure, sum(value)::DOUBLE AS value, count(DISTINCT month)::INTEGER AS months
      FROM crossings WHERE port_code = ? AND month BETWEEN ? AND ? GROUP BY ALL ORDER BY measure`,
    params: [port, from, to],
  };
}

/** The last month a table has data for (optionally at one port). */
export function lastMonthQuery(
  table: "crossings" | "trade" | "trade_hs2" | "trade_national",
  port?: string,
): Query {
  return port
    ? { sql: `SELECT max(month) AS month FROM ${table} WHERE port_code = ?`, params: [port] }
    : { sql: `SELECT max(month) AS month FROM ${table}`, params: [] };
}

/** First and last month of each monthly table. */
export const coverageQueries: Query = {
  sql: `SELECT 'crossings' AS tbl, min(month) AS first, max(month) AS last FROM crossings
    UNION ALL SELECT 'trade', min(month), max(month) FROM trade
    UNION ALL SELECT 'trade_hs2', min(month), max(month) FROM trade_hs2
    UNION ALL SELECT 'trade_national', min(month), max(month) FROM trade_national`,
  params: [],
};

/** Snapshot and store metadata. */
export const metaQuery: Query = { sql: "SELECT key, value FROM meta ORDER BY key", params: [] };
