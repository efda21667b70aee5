import { quoteCsv } from "../sources/csv.ts";
import { formatUsd } from "../domain/money.ts";
import { FIGURE_STATUSES, STATUS_INFO, type FigureStatus } from "../domain/status.ts";

/** How a column's values are written for people. */
export type ColumnFormat = "text" | "int" | "num" | "usd" | "pct" | "change";

/** One column of an output table: a label, how to read a row, how to show it. */
export interface Column<T> {
  label: string;
  value: (row: T) => string | number | null | undefined;
  format?: ColumnFormat;
  /**
   * The status of the row's figure in this column: a value that is not observed gets its marker
   * (`0°`, `12*`), a figure without a value the marker alone (`–` missing, `·` not reported), and the
   * view a legend of the markers it used.
   */
  status?: (row: T) => FigureStatus | undefined;
}

/** A table of rows to print as text, CSV or (through the caller) JSON. */
export interface TableView<T = never> {
  title?: string;
  columns: Column<T>[];
  rows: T[];
  /** The columns of the CSV export when they differ from the text table (units, statuses, sources). */
  csvColumns?: Column<T>[];
}

/** CSV columns with the same value on every row (currency, period, source), one per entry, in order. */
export function fixedColumns(values: Record<string, string | number | null | undefined>): Column<unknown>[] {
  return Object.entries(values).map(([label, v]) => ({ label, value: () => v }));
}

/** What a command prints: a heading, tables and notes. */
export interface View {
  title?: string;
  lines?: string[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  tables: TableView<any>[];
  notes?: string[];
}

// Built on first use: building a formatter loads ICU (~20 ms), which --json output never needs.
let int: Intl.NumberFormat | undefined;
let num1: Intl.NumberFormat | undefined;

export { formatUsd };

/** Formats one value for a person. */
export function formatValue(v: string | number | null | undefined, f: ColumnFormat = "text"): string {
  if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) return "–";
  if (typeof v === "string") return v;
  switch (f) {
    case "int":
      return (int ??= new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 })).format(v);
    case "num":
      return (num1 ??= new Intl.NumberFormat("en-US", {
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      })).format(v);
    case "usd":
      return formatUsd(v);
    case "pct":
      return `${(v * 100).toFixed(1)}%`;
    case "change":
      return `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}%`;
    default:
      return String(v);
  }
}

const numeric = (f?: ColumnFormat) => f !== undefined && f !== "text";

/** A figure with the marker of its status: `1,234`, `0°`, `12*`, `–` (missing), `·` (not reported). */
export function formatWithStatus(
  v: string | number | null | undefined,
  f: ColumnFormat | undefined,
  status: FigureStatus | undefined,
): string {
  if (!status || status === "observed") return formatValue(v, f);
  const marker = STATUS_INFO[status].marker;
  if (v === null || v === undefined) return marker;
  return `${formatValue(v, f)}${marker}`;
}

/** The statuses (other than observed) the tables of a view show. */
export function statusesShown(tables: readonly TableView<unknown>[]): FigureStatus[] {
  const seen = new Set<FigureStatus>();
  for (const t of tables)
    for (const c of t.columns)
      if (c.status)
        for (const r of t.rows) {
          const s = c.status(r);
          if (s && s !== "observed") seen.add(s);
        }
  return FIGURE_STATUSES.filter((s) => seen.has(s));
}

/** One line per status marker used: `– missing: a hole in the source's release: not known, not 0`. */
export function statusLegend(statuses: readonly FigureStatus[]): string[] {
  return statuses.map((s) => `${STATUS_INFO[s].marker} ${STATUS_INFO[s].label}: ${STATUS_INFO[s].meaning}`);
}

/** Renders a table as aligned text (numbers right-aligned). */
export function renderTable<T>(t: TableView<T>): string {
  const head = t.columns.map((c) => c.label);
  const body = t.rows.map((r) => t.columns.map((c) => formatWithStatus(c.value(r), c.format, c.status?.(r))));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric(t.columns[i]!.format) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const out = [];
  if (t.title) out.push(t.title);
  out.push(line(head), widths.map((w) => "─".repeat(w)).join("  "));
  if (body.length === 0) out.push("(no rows)");
  for (const row of body) out.push(line(row));
  return out.join("\n");
}

/**
 * Renders a table as CSV with raw (unformatted) values: a figure without a value is an empty field, and a
 * column with a status gets a `status` column after it (`<label> status` when a table has several).
 */
export function renderCsv<T>(t: TableView<T>): string {
  const cols = t.csvColumns ?? t.columns;
  const withStatus = cols.filter((c) => c.status).length;
  const expanded: Column<T>[] = cols.flatMap((c) =>
    c.status
      ? [
          c,
          {
            label: withStatus > 1 ? `${c.label} status` : "status",
            value: (r: T) => c.status!(r) ?? "",
          },
        ]
      : [c],
  );
  const lines = [expanded.map((c) => quoteCsv(c.label)).join(",")];
  for (const r of t.rows) {
    lines.push(
      expanded
        .map((c) => {
          const v = c.value(r);
          return v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))
            ? ""
            : quoteCsv(String(v));
        })
        .join(","),
    );
  }
  return lines.join("\n");
}

/** Renders a whole view for people: title, lines, tables, a legend of the status markers used, notes. */
export function renderView(v: View): string {
  const parts: string[] = [];
  if (v.title) parts.push(v.title);
  if (v.lines?.length) parts.push(v.lines.join("\n"));
  for (const t of v.tables) parts.push(renderTable(t));
  const legend = statusLegend(statusesShown(v.tables));
  const notes = [...legend, ...(v.notes ?? []).map((n) => `note: ${n}`)];
  if (notes.length) parts.push(notes.join("\n"));
  return parts.join("\n\n") + "\n";
}

/** `# ` before each line of text (CSV comment lines; a line break inside a note starts a new `# ` line). */
const comment = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => `# ${l}`)
    .join("\n");

/**
 * Renders a view as CSV. The title, lines, notes and the legend of statuses come first as `#` comment
 * lines (read back with a comment option: DuckDB `read_csv(..., comment = '#')`, pandas
 * `read_csv(comment="#")`, R `read.csv(comment.char = "#")`); then the table. Several tables are each
 * preceded by a `# table: <title>` line and separated by a blank line.
 */
export function renderViewCsv(v: View): string {
  const head = [
    ...(v.title ? [v.title] : []),
    ...(v.lines ?? []),
    ...(v.notes ?? []).map((n) => `note: ${n}`),
    ...statusesShown(v.tables).map((s) => `status ${s}: ${STATUS_INFO[s].meaning}`),
  ].map(comment);
  const body =
    v.tables.length === 1
      ? renderCsv(v.tables[0]!)
      : v.tables
          .map((t, i) => `${comment(`table: ${t.title ?? `table ${i + 1}`}`)}\n${renderCsv(t)}`)
          .join("\n\n");
  return [...head, body].join("\n") + "\n";
}
