/** A SQL statement with positional parameters (`?`). User input only ever travels in `params`. */
export interface Query {
  sql: string;
  params: (string | number | boolean | null)[];
}

/** Builds `col IN (?, ?, ...)` for a list of values, or TRUE for an empty list (no filter). */
export function inList(column: string, values: readonly (string | number)[]): Query {
  if (values.length === 0) return { sql: "TRUE", params: [] };
  return { sql: `${column} IN (${values.map(() => "?").join(", ")})`, params: [...values] };
}

/** Joins conditions with AND, merging their params. */
export function and(...parts: (Query | undefined)[]): Query {
  const used = parts.filter((p): p is Query => p !== undefined && p.sql !== "TRUE");
  if (used.length === 0) return { sql: "TRUE", params: [] };
  return { sql: used.map((p) => `(${p.sql})`).join(" AND "), params: used.flatMap((p) => p.params) };
}

/** A condition with one parameter, e.g. `cond("month >= ?", from)`; undefined when the value is. */
export function cond(sql: string, value: string | number | undefined): Query | undefined {
  return value === undefined ? undefined : { sql, params: [value] };
}
