import { ENCOUNTER_FILES, type EncounterFileKey } from "../domain/encounters.ts";
import type { Month } from "../domain/units.ts";
import type { Query } from "./sql.ts";

/** The columns an answer may be split by (each a column of every encounter table). */
export const ENCOUNTER_SPLIT_COLUMNS = {
  area: "area",
  component: "component",
  citizenship: "citizenship",
  demographic: "demographic",
  title: "title",
  region: "region",
} as const;
export type EncounterSplit = keyof typeof ENCOUNTER_SPLIT_COLUMNS;

/** Filters of an encounters query; an empty or missing list does not filter. */
export interface EncounterFilter {
  file: EncounterFileKey;
  from: Month;
  to: Month;
  areas?: string[];
  regions?: string[];
  components?: string[];
  citizenship?: string[];
  demographic?: string[];
  title?: string[];
  /** A second dimension to keep apart (besides the month). */
  split?: EncounterSplit;
}

const table = (file: EncounterFileKey) => ENCOUNTER_FILES[file].table;

/** Monthly sums of one encounter table (one file, never two), filtered, optionally split by one column. */
export function encountersMonthlyQuery(f: EncounterFilter): Query {
  const where = ["month BETWEEN ? AND ?"];
  const params: (string | number)[] = [f.from, f.to];
  const inList = (col: string, values?: string[]) => {
    if (!values?.length) return;
    where.push(`${col} IN (${values.map(() => "?").join(", ")})`);
    params.push(...values);
  };
  inList("area", f.areas);
  inList("region", f.regions);
  inList("component", f.components);
  inList("citizenship", f.citizenship);
  inList("demographic", f.demographic);
  inList("title", f.title);
  const split = f.split ? ENCOUNTER_SPLIT_COLUMNS[f.split] : "NULL";
  return {
    sql: `SELECT month, ${split} AS grp, CAST(sum(count) AS DOUBLE) AS value, count(*)::INTEGER AS cells
      FROM ${table(f.file)} WHERE ${where.join(" AND ")}
      GROUP BY ALL ORDER BY month, grp`,
    params,
  };
}

/** The distinct values of the labels of one table (areas with their type and region, citizenships ...). */
export function encounterLabelsQuery(file: EncounterFileKey): Query {
  return {
    sql: `SELECT DISTINCT 'area' AS kind, area AS value, area_type AS extra FROM ${table(file)} WHERE area IS NOT NULL
      UNION ALL SELECT DISTINCT 'citizenship', citizenship, NULL FROM ${table(file)}
      UNION ALL SELECT DISTINCT 'demographic', demographic, NULL FROM ${table(file)}
      UNION ALL SELECT DISTINCT 'title', title, NULL FROM ${table(file)}
      UNION ALL SELECT DISTINCT 'region', region, NULL FROM ${table(file)}
      ORDER BY 1, 2`,
    params: [],
  };
}

/** First and last month of one encounter table. */
export function encounterCoverageQuery(file: EncounterFileKey): Query {
  return { sql: `SELECT min(month) AS first, max(month) AS last FROM ${table(file)}`, params: [] };
}

/** The port → field office and sector table (every column; one row per port). */
export const portAreasQuery: Query = {
  sql: `SELECT a.*, p.state FROM port_areas a LEFT JOIN ports p USING (port_code) ORDER BY a.border DESC, a.port_code`,
  params: [],
};
