import type { z } from "zod";
import type { Reject } from "../domain/rejects.ts";
import { addMonths, toMonth, type Month } from "../domain/units.ts";

/** Where rows come from, for reject reports. */
export interface RowContext {
  source: string;
  file: string;
}

/** What a parser returns: the valid rows and a report of every row it refused. */
export interface ParseResult<T> {
  rows: T[];
  rejects: Reject[];
  /** Rows identical to one already read (same key and value), dropped silently but counted. */
  duplicatesDropped: number;
  /** Lines read, header excluded. */
  linesRead: number;
}

/** Turns a failed zod parse of one row into a reject naming the first bad field. */
export function rejectFromZod(
  ctx: RowContext,
  line: number,
  raw: Record<string, unknown>,
  error: z.ZodError,
): Reject {
  const issue = error.issues[0];
  const field = String(issue?.path[0] ?? "row");
  const value = raw[field];
  return {
    ...ctx,
    line,
    field,
    value: value === undefined || value === null ? "" : String(value),
    reason: issue?.message ?? "invalid",
  };
}

/**
 * Collects rows by key: an exact repeat is dropped and counted; a repeat with a different value is
 * rejected (the first one read is kept) with both values in the reason.
 */
export class KeyedRows<T> {
  private readonly seen = new Map<string, { value: string; line: number }>();
  readonly rows: T[] = [];
  duplicatesDropped = 0;

  constructor(
    private readonly ctx: RowContext,
    private readonly rejects: Reject[],
  ) {}

  add(key: string, value: string, line: number, row: T, valueField: string): void {
    const prev = this.seen.get(key);
    if (!prev) {
      this.seen.set(key, { value, line });
      this.rows.push(row);
      return;
    }
    if (prev.value === value) {
      this.duplicatesDropped++;
      return;
    }
    this.rejects.push({
      ...this.ctx,
      line,
      field: valueField,
      value,
      reason: `duplicate key ${key} with a different value (line ${prev.line} has ${prev.value}); kept line ${prev.line}`,
    });
  }
}

/** A non-negative whole number written as a decimal string. */
export const COUNT_RE = /^\d+$/;
/** A non-negative decimal number. */
export const AMOUNT_RE = /^\d+(\.\d+)?$/;

/** Reason text for a numeric field that is not a non-negative number. */
export function numberReason(s: string, whole: boolean): string {
  const t = s.trim();
  if (t === "") return "is empty";
  if (/^-\d/.test(t)) return "is negative; counts and values must be zero or more";
  return whole ? "is not a whole number" : "is not a number";
}

/** The months a row may carry: nothing before `first`, nothing after `last`. */
export interface MonthBounds {
  first: Month;
  last: Month;
}

/** No source borderflow reads starts before 1990 (BTS crossings 1996-01, TransBorder national 1993-04). */
export const EARLIEST_MONTH = "1990-01" as Month;

/**
 * The months ingest accepts at a given time: 1990-01 to the month after the current one (UTC). A release
 * cannot hold a later month, so one that does is a typo or a misread date, not data.
 */
export function acceptedMonths(now: Date = new Date()): MonthBounds {
  return {
    first: EARLIEST_MONTH,
    last: addMonths(toMonth(now.getUTCFullYear(), now.getUTCMonth() + 1), 1),
  };
}

/** Why a month is refused (before 1990 or after next month), or undefined. */
export function monthRefusal(month: Month, b: MonthBounds): string | undefined {
  if (month < b.first)
    return `month ${month} is before ${b.first}: no source borderflow reads goes back that far`;
  if (month > b.last)
    return `month ${month} is after ${b.last} (next month): a release cannot hold a later month`;
  return undefined;
}

/**
 * Reads a two-digit year by the pivot: `YY` is 19YY or 20YY, whichever makes the month fall inside the
 * accepted months (1990-01 .. next month). Neither inside (`Jan-35` would be 1935 or 2035; `Jan-89` 1989
 * or 2089) or both inside (possible only from 2090) is refused: the row's year cannot be told.
 */
export function pivotTwoDigitYear(
  yy: number,
  month: number,
  b: MonthBounds,
): { year: number } | { reason: string } {
  const candidates = [1900 + yy, 2000 + yy];
  const ok = candidates.filter((y) => monthRefusal(toMonth(y, month), b) === undefined);
  if (ok.length === 1) return { year: ok[0]! };
  const yy2 = String(yy).padStart(2, "0");
  return {
    reason:
      ok.length === 0
        ? `two-digit year "${yy2}" reads as ${candidates.join(" or ")}, and neither is between ${b.first} and ${b.last}`
        : `two-digit year "${yy2}" is ambiguous: both ${candidates.join(" and ")} are between ${b.first} and ${b.last}`,
  };
}

/**
 * Why a count field is refused, or undefined: it must be a non-negative whole number that a double holds
 * exactly (at most 9,007,199,254,740,991; a larger one would be stored rounded).
 */
export function countRefusal(field: string, s: string): string | undefined {
  const t = s.trim();
  if (!COUNT_RE.test(t)) return `${field} ${numberReason(s, true)}`;
  if (!Number.isSafeInteger(Number(t)))
    return `${field} ${t} is larger than ${Number.MAX_SAFE_INTEGER}, the largest whole number stored exactly`;
  return undefined;
}

/**
 * Why an amount (trade value, weight, freight) is refused, or undefined: a non-negative finite decimal
 * (`Infinity`, `NaN`, `1e999` or 400 digits are not), whose whole part is stored exactly.
 */
export function amountRefusal(field: string, s: string): string | undefined {
  const t = s.trim();
  const shown = t.length > 24 ? `${t.slice(0, 12)}… (${t.length} characters)` : t;
  if (/^[+-]?(inf(inity)?|nan)$/i.test(t) || (/^[\d.eE+-]+$/.test(t) && Math.abs(Number(t)) === Infinity))
    return `${field} ${shown} is not a finite number`;
  if (!AMOUNT_RE.test(t)) return `${field} ${numberReason(s, false)}`;
  const n = Number(t);
  if (!Number.isFinite(n)) return `${field} ${shown} is not a finite number`;
  if (!Number.isSafeInteger(Math.trunc(n)))
    return `${field} ${shown} is larger than ${Number.MAX_SAFE_INTEGER}, the largest whole number stored exactly`;
  return undefined;
}
