// The lane types, weekdays and date rule of wait queries, in a module without zod: `borderflow waits`
// validates its flags with these alone, and zod took about 95 ms of its start (docs/waits.md "Speed").
// src/domain/wait-times.ts re-exports them next to the feed's schemas.

/**
 * The lane types of the CBP Border Wait Times feed: three traffic groups, each with its own sub-lanes.
 * `passenger-sentri` is the feed's `NEXUS_SENTRI_lanes` (SENTRI on the Mexican border, NEXUS on the Canadian).
 */
export const LANE_TYPES = [
  "commercial-standard",
  "commercial-fast",
  "passenger-standard",
  "passenger-sentri",
  "passenger-ready",
  "pedestrian-standard",
  "pedestrian-ready",
] as const;
export type LaneType = (typeof LANE_TYPES)[number];

/** The traffic groups; `--lane commercial` means every commercial lane type. */
export const LANE_GROUPS = ["commercial", "passenger", "pedestrian"] as const;
export type LaneGroup = (typeof LANE_GROUPS)[number];

/** Day names, index 0 = Sunday (DuckDB `dayofweek` and `Date#getUTCDay` agree). */
export const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

/** A date written `YYYY-MM-DD`. */
export const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
export const DATE_SHAPE_MESSAGE = "expected a date YYYY-MM-DD, e.g. 2025-11-24";
export const CALENDAR_DATE_MESSAGE = "not a calendar date";

/** True when `s` is a calendar date that exists, written `YYYY-MM-DD`. */
export function isCalendarDate(s: string): boolean {
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/** What is wrong with a local date `YYYY-MM-DD` (both problems when both apply, as DateSchema says), or none. */
export function dateProblems(s: string): string[] {
  const out: string[] = [];
  if (!DATE_SHAPE.test(s)) out.push(DATE_SHAPE_MESSAGE);
  if (!isCalendarDate(s)) out.push(CALENDAR_DATE_MESSAGE);
  return out;
}
