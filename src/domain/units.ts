import { z } from "zod";
import type { Month } from "./months.ts";

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A zod schema for a `YYYY-MM` month between 1990-01 and 2099-12. */
export const MonthSchema = z
  .string()
  .regex(MONTH_RE, "expected a month as YYYY-MM, e.g. 2023-12")
  .refine((m) => {
    const y = Number(m.slice(0, 4));
    return y >= 1990 && y <= 2099;
  }, "year must be between 1990 and 2099")
  .transform((m) => m as Month);

/** True when `s` is a valid `YYYY-MM` month. */
export function isMonth(s: string): s is Month {
  return MonthSchema.safeParse(s).success;
}

export {
  addMonths,
  daysBetween,
  daysInMonth,
  formatMonthRuns,
  monthRange,
  toMonth,
  type Month,
} from "./months.ts";
export { formatUsd } from "./money.ts";
