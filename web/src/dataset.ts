// What a chart or table exports: the numbers the API answered (never the formatted text on screen) with
// their units, period, source, statuses and notes, written as CSV or JSON. No DOM here, so it is tested
// without a browser.

/** One column of an exported table. */
export interface Column {
  /** The CSV header and the JSON field name. */
  key: string;
  label: string;
  /** What one number in the column counts (`trucks`, `USD`, `minutes`); none for text. */
  unit?: string;
  /** Computed here from the API's numbers (an index, a change), not given by the API as such. */
  derived?: boolean;
}

/** A cell of an exported table: the API's raw value. */
export type Cell = string | number | boolean | null;

/** What a chart or table exports. */
export interface Dataset {
  /** File name without extension: `eagle-pass-2303-trucks-2021-01-2025-06`. */
  name: string;
  title: string;
  /** Where the numbers come from (publisher, dataset). */
  source: string;
  /** The API requests that answered them (relative URLs). */
  api: string[];
  /** The months, days or dates covered. */
  period: { from: string; to: string } | null;
  columns: Column[];
  rows: Record<string, Cell>[];
  notes: string[];
}

/** A file name part from free text: `Eagle Pass (2303)` → `eagle-pass-2303`. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 80) || "export"
  );
}

/** The JSON export: the dataset with a link to the view it came from. */
export function toJson(d: Dataset, link: string): string {
  return `${JSON.stringify(
    {
      title: d.title,
      source: d.source,
      api: d.api,
      link,
      period: d.period,
      columns: d.columns,
      rows: d.rows,
      notes: d.notes,
    },
    null,
    2,
  )}\n`;
}

function csvCell(v: Cell): string {
  if (v === null) return "";
  const s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : String(v);
  return /[",\n\r#]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The CSV export: `#` lines first (title, source, period, API request, link, the unit of each column and the
 * notes; `pandas.read_csv(f, comment="#")` and R's `read.csv(comment.char = "#")` skip them), then a header
 * of column keys and one line per row. Numbers are written in full, as the API gave them.
 */
export function toCsv(d: Dataset, link: string): string {
  const meta = [
    d.title,
    `source: ${d.source}`,
    ...(d.period ? [`period: ${d.period.from}..${d.period.to}`] : []),
    ...d.api.map((a) => `api: ${a}`),
    `link: ${link}`,
    ...d.columns.map((c) => `column ${c.key}: ${c.label}${c.unit ? ` (${c.unit})` : ""}`),
    ...d.notes.map((n) => `note: ${n}`),
  ].map((l) => `# ${l.replace(/[\r\n]+/g, " ")}`);
  const lines = [
    d.columns.map((c) => c.key).join(","),
    ...d.rows.map((r) => d.columns.map((c) => csvCell(r[c.key] ?? null)).join(",")),
  ];
  return `${[...meta, ...lines].join("\n")}\n`;
}
