import type { Query } from "./sql.ts";
import { and, inList } from "./sql.ts";

/** Ports on some borders with their coordinates and modes (the scenario network's nodes). */
export function networkPortsQuery(borders: readonly string[]): Query {
  const w = inList("border", borders);
  return {
    sql: `SELECT port_code, port_name, border, latitude, longitude, crossing_modes FROM ports WHERE ${w.sql} ORDER BY port_code`,
    params: w.params,
  };
}

/** Monthly counts of some measures summed over every port of one border in a window. */
export function borderMonthlyUnitsQuery(
  border: string,
  measures: readonly string[],
  from: string,
  to: string,
): Query {
  const w = inList("c.measure", measures);
  return {
    sql: `SELECT c.month, sum(c.value)::DOUBLE AS value FROM crossings c JOIN ports p USING (port_code)
      WHERE p.border = ? AND ${w.sql} AND c.month BETWEEN ? AND ? GROUP BY ALL ORDER BY c.month`,
    params: [border, ...w.params, from, to],
  };
}

/** Monthly trade value by port, mode and direction in a window. */
export function monthlyTradeQuery(
  ports: readonly string[],
  modes: readonly string[],
  from: string,
  to: string,
): Query {
  const w = and(inList("port_code", ports), inList("mode", modes));
  return {
    sql: `SELECT port_code, mode, direction, month, sum(value_usd)::DOUBLE AS value_usd FROM trade
      WHERE ${w.sql} AND month BETWEEN ? AND ? GROUP BY ALL ORDER BY port_code, month`,
    params: [...w.params, from, to],
  };
}

/** HS2 value by port, mode and direction over a set of months. */
export function hs2ValueQuery(
  ports: readonly string[],
  modes: readonly string[],
  months: readonly string[],
): Query {
  const w = and(inList("t.port_code", ports), inList("t.mode", modes), inList("t.month", months));
  return {
    sql: `SELECT t.port_code, t.mode, t.direction, t.hs2, coalesce(c.short_name, t.hs2) AS label,
        sum(t.value_usd)::DOUBLE AS value_usd
      FROM trade_hs2 t LEFT JOIN hs2_codes c USING (hs2) WHERE ${w.sql} GROUP BY ALL ORDER BY value_usd DESC`,
    params: w.params,
  };
}

/** National monthly trade value by mode and direction for one partner country. */
export function nationalMonthlyQuery(
  modes: readonly string[],
  country: string,
  from: string,
  to: string,
): Query {
  const w = inList("mode", modes);
  return {
    sql: `SELECT mode, direction, month, sum(value_usd)::DOUBLE AS value_usd FROM trade_national
      WHERE ${w.sql} AND country = ? AND month BETWEEN ? AND ? GROUP BY ALL ORDER BY month`,
    params: [...w.params, country, from, to],
  };
}
