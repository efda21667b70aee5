import type { Query } from "./sql.ts";
import { inList } from "./sql.ts";

/** Monthly trade value (both directions) of one port and mode in a window. */
export function portTradeMonthlyQuery(port: string, mode: string, from: string, to: string): Query {
  return {
    sql: `SELECT month, sum(value_usd)::DOUBLE AS value FROM trade WHERE port_code = ? AND mode = ?
      AND month BETWEEN ? AND ? GROUP BY month ORDER BY month`,
    params: [port, mode, from, to],
  };
}

/** Ports of a border with a crossing mode, with coordinates (to find alternatives). */
export function portsWithModeQuery(border: string, mode: string): Query {
  return {
    sql: `SELECT port_code, port_name, latitude, longitude FROM ports WHERE border = ? AND list_contains(crossing_modes, ?)`,
    params: [border, mode],
  };
}

/** Monthly sums of some measures at several ports in a window (one row per port and month). */
export function portsMonthlyQuery(
  ports: readonly string[],
  measures: readonly string[],
  from: string,
  to: string,
): Query {
  const p = inList("port_code", ports);
  const m = inList("measure", measures);
  return {
    sql: `SELECT port_code, month, sum(value)::DOUBLE AS value FROM crossings WHERE ${p.sql} AND ${m.sql}
      AND month BETWEEN ? AND ? GROUP BY port_code, month ORDER BY port_code, month`,
    params: [...p.params, ...m.params, from, to],
  };
}
