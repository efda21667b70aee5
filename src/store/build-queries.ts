import { MEASURE_INFO } from "../domain/measures.ts";
import type { Query } from "./sql.ts";
import type { TableName } from "./schema.ts";

const measureMode = `CASE measure ${Object.entries(MEASURE_INFO)
  .map(([m, i]) => `WHEN '${m}' THEN '${i.mode}'`)
  .join(" ")} END`;

/** Derives `ports` from the staged port listing, crossings and trade (modes seen, first and last month). */
export const PORTS_FROM_STAGING = `
INSERT INTO ports
WITH cm AS (
  SELECT port_code, list(DISTINCT ${measureMode} ORDER BY ${measureMode}) AS modes, min(month) AS first_month, max(month) AS last_month
  FROM crossings WHERE value > 0 GROUP BY port_code),
tm AS (SELECT port_code, list(DISTINCT mode ORDER BY mode) AS modes FROM trade WHERE value_usd > 0 GROUP BY port_code)
SELECT l.port_code, l.port_name, l.state, l.border, l.latitude, l.longitude,
  coalesce(cm.modes, []::VARCHAR[]), coalesce(tm.modes, []::VARCHAR[]),
  coalesce(cm.first_month, l.first_month), coalesce(cm.last_month, l.last_month)
FROM port_listing l LEFT JOIN cm USING (port_code) LEFT JOIN tm USING (port_code)`;

/** Joins port identities of the two sources by CBP code and says what exists in one and not the other. */
export const PORT_IDENTITY_FROM_STAGING = `
INSERT INTO port_identity
WITH tp AS (
  SELECT port_code, bool_or(mode IN ('truck', 'rail', 'pipeline')) AS land FROM trade GROUP BY port_code),
j AS (
  SELECT coalesce(l.port_code, tp.port_code) AS port_code, l.port_name AS bts_name, tp.land,
    l.port_code IS NOT NULL AS in_crossings, tp.port_code IS NOT NULL AS in_trade
  FROM port_listing l FULL OUTER JOIN tp ON l.port_code = tp.port_code)
SELECT j.port_code, coalesce(j.bts_name, n.port_name, ''), j.in_crossings, j.in_trade,
  CASE
    WHEN j.port_code LIKE '__XX' THEN 'district-level code: port not identified' ||
      CASE WHEN j.land THEN ' (has truck, rail or pipeline trade)' ELSE '' END
    WHEN NOT j.in_crossings AND j.land THEN 'truck, rail or pipeline trade recorded here but no BTS crossings rows (an inland port of clearance, or one BTS does not count)'
    WHEN NOT j.in_crossings THEN 'not a land port in BTS crossings (trade by air, vessel, mail or other only)'
    WHEN NOT j.in_trade THEN 'no TransBorder trade rows in the port-level months'
    WHEN n.in_bts_code_list = false THEN 'in both, but not in the BTS TransBorder code list'
    WHEN n.port_code IS NULL THEN 'in both, but not in the TransBorder code list'
    ELSE '' END
FROM j LEFT JOIN trade_ports n ON n.port_code = j.port_code`;

/** Row count and month range of a table (month range only where it has months). */
export function coverageQuery(table: TableName): Query {
  const hasMonth =
    ["crossings", "trade", "trade_hs2", "trade_national"].includes(table) || table.startsWith("encounters_");
  const range = hasMonth ? "min(month) AS from, max(month) AS to" : "NULL AS from, NULL AS to";
  return { sql: `SELECT count(*)::INTEGER AS rows, ${range} FROM ${table}`, params: [] };
}
