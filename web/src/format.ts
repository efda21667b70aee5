// Numbers for people, written the way the CLI writes them (src/cli/format.ts): `$90.14 M`, `4,022 railcars`.
// No DOM here, so the browser test can format the API's numbers with the same rules.

const int = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const usd2 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const num1 = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

const DAY_MS = 86_400_000;

/** US dollars in a readable scale, as the CLI writes them: `$34.19 bn`, `$93.68 M`, `$12,345`. */
export function formatUsd(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  const sign = v < 0 ? "-" : "";
  if (a >= 1e9) return `${sign}$${usd2.format(a / 1e9)} bn`;
  if (a >= 1e6) return `${sign}$${usd2.format(a / 1e6)} M`;
  return `${sign}$${int.format(a)}`;
}

/** Short dollars for chart axes: `$1.2B`, `$350M`. */
export function formatUsdShort(v: number): string {
  return `${v < 0 ? "-" : ""}$${compact.format(Math.abs(v))}`;
}

/** A whole number with thousands separators: `1,494,702`. */
export function formatInt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  return int.format(v);
}

/** A count of whole units with thousands separators and the unit when given: `4,022 railcars`, `84 railcars`. */
export function formatCount(v: number | null | undefined, unit?: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  const s = int.format(Math.round(v) === 0 ? 0 : v);
  return unit ? `${s} ${unit}` : s;
}

/**
 * A rate per day, rounded the way a reader needs it: whole numbers from 100 up, one decimal below
 * (`4,022`, `9.7`), with the unit when given (`9.7 trains`).
 */
export function formatRate(v: number | null | undefined, unit?: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  const s = Math.abs(v) >= 100 || v === 0 ? int.format(v) : num1.format(v);
  return unit ? `${s} ${unit}` : s;
}

/** A share (0..1) as a percentage with one decimal: `60.0%`. */
export function formatPct(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return "–";
  return `${(share * 100).toFixed(1)}%`;
}

/** A change (0.12 = +12%) with its sign: `+12.0%`, `-3.4%`. */
export function formatChange(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return "–";
  return `${share >= 0 ? "+" : ""}${(share * 100).toFixed(1)}%`;
}

/** The ISO date `n` days after an ISO date (`2023-12-18` + 14 = `2024-01-01`). */
export function addDays(isoDate: string, n: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A `YYYY-MM` month for reading: `Dec 2023`. */
export function formatMonth(month: string): string {
  const m = Number(month.slice(5, 7));
  return `${MONTHS[m - 1] ?? month.slice(5, 7)} ${month.slice(0, 4)}`;
}

/** A window of months: `Oct 2023 – Sep 2024`. */
export function formatMonthRange(from: string, to: string): string {
  return from === to ? formatMonth(from) : `${formatMonth(from)} – ${formatMonth(to)}`;
}

/** A number of days with one decimal when it is not whole: `4.2 days`, `1 day`. */
export function formatDays(v: number): string {
  const s = Number.isInteger(v) ? int.format(v) : num1.format(v);
  return `${s} ${v === 1 ? "day" : "days"}`;
}

/** The month `n` months after a `YYYY-MM` month (`2023-12` + 1 = `2024-01`). */
export function addMonths(month: string, n: number): string {
  const i = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
}

/** Every month from `from` to `to`, both included. */
export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to && out.length < 2000; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** Calendar days of a `YYYY-MM` month. */
export function daysInMonth(month: string): number {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
}
