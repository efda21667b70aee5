// Calendar months without zod (src/domain/units.ts re-exports them next to MonthSchema): modules every
// command loads (src/domain/status.ts for the CLI's output) need them, and zod took ~95 ms of a start.

/** A calendar month as `YYYY-MM`, e.g. `"2023-12"`. */
export type Month = string & { readonly __brand: "Month" };

/** Builds a Month from a year and a 1-based month number. */
export function toMonth(year: number, month: number): Month {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}` as Month;
}

/** Number of calendar days in a month (Gregorian). */
export function daysInMonth(month: Month): number {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The month `n` months after `month` (negative goes back). */
export function addMonths(month: Month, n: number): Month {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7)) - 1 + n;
  return toMonth(y + Math.floor(m / 12), (((m % 12) + 12) % 12) + 1);
}

/** Inclusive list of months from `from` to `to`. */
export function monthRange(from: Month, to: Month): Month[] {
  const out: Month[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** Number of days from the first of `from` to the end of `to`, inclusive. */
export function daysBetween(from: Month, to: Month): number {
  return monthRange(from, to).reduce((n, m) => n + daysInMonth(m), 0);
}

/** Months written as runs: `2007-01..2009-12, 2011-05`. */
export function formatMonthRuns(months: readonly Month[]): string {
  const sorted = [...new Set(months)].sort();
  const runs: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && addMonths(sorted[j]!, 1) === sorted[j + 1]) j++;
    runs.push(i === j ? sorted[i]! : `${sorted[i]}..${sorted[j]}`);
    i = j + 1;
  }
  return runs.join(", ");
}
