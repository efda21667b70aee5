import { quoteCsv } from "../sources/csv.ts";

/** How a column's values are written for people. */
export type ColumnFormat = "text" | "int" | "num" | "usd" | "pct" | "change";

/** One column of an output table: a label, how to read a row, how to show it. */
export interface Column<T> {
  label: string;
  value: (row: T) => string | number | null | undefined;
  format?: ColumnFormat;
}

/** A table of rows to print as text, CSV or (through the caller) JSON. */
export interface TableView<T = never> {
  title?: string;
  columns: Column<T>[];
  rows: T[];
}

/** What a command prints: a heading, tables and notes. */
export interface View {
  title?: string;
  lines?: string[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  tables: TableView<any>[];
  notes?: string[];
}

const int = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const usd2 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const num1 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** US dollars in a readable scale: `$34.19 bn`, `$93.68 M`, `$12,345`. */
export function formatUsd(v: number): string {
  const a = Math.abs(v);
  const sign = v < 0 ? "-" : "";
  if (a >= 1e9) return `${sign}$${usd2.format(a / 1e9)} bn`;
  if (a >= 1e6) return `${sign}$${usd2.format(a / 1e6)} M`;
  return `${sign}$${int.format(a)}`;
}

/** Formats one value for a person. */
export function formatValue(v: string | number | null | undefined, f: ColumnFormat = "text"): string {
  if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) return "–";
  if (typeof v === "string") return v;
  switch (f) {
    case "int":
      return int.format(v);
    case "num":
      return num1.format(v);
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

/** Renders a table as aligned text (numbers right-aligned). */
export function renderTable<T>(t: TableView<T>): string {
  const head = t.columns.map((c) => c.label);
  const body = t.rows.map((r) => t.columns.map((c) => formatValue(c.value(r), c.format)));
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

/** Renders a table as CSV with raw (unformatted) values. */
export function renderCsv<T>(t: TableView<T>): string {
  const lines = [t.columns.map((c) => quoteCsv(c.label)).join(",")];
  for (const r of t.rows) {
    lines.push(
      t.columns
        .map((c) => {
          const v = c.value(r);
          return v === null || v === undefined ? "" : quoteCsv(String(v));
        })
        .join(","),
    );
  }
  return lines.join("\n");
}

/** Renders a whole view for people. */
export function renderView(v: View): string {
  const parts: string[] = [];
  if (v.title) parts.push(v.title);
  if (v.lines?.length) parts.push(v.lines.join("\n"));
  for (const t of v.tables) parts.push(renderTable(t));
  if (v.notes?.length) parts.push(v.notes.map((n) => `note: ${n}`).join("\n"));
  return parts.join("\n\n") + "\n";
}

/** Renders a view's tables as CSV; several tables are separated by a blank line and a `# title` line. */
export function renderViewCsv(v: View): string {
  if (v.tables.length === 1) return renderCsv(v.tables[0]!) + "\n";
  return v.tables.map((t, i) => `# ${t.title ?? `table ${i + 1}`}\n${renderCsv(t)}`).join("\n\n") + "\n";
}
