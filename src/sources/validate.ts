import type { z } from "zod";
import type { Reject } from "../domain/rejects.ts";

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
