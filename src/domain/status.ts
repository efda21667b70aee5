// Every figure carries its status: missing is not zero. Pure definitions, no I/O, shared by services,
// the model, the API and the dashboard. The rules that decide a status are documented in docs/data.md
// ("Missing is not zero") and their thresholds are the constants below.
import { daysInMonth, type Month } from "./months.ts";

/**
 * What a figure is:
 * - `observed`: a value the source published (a published 0 is observed too).
 * - `zero`: no row, and by the source's rule that means 0 (BTS drops zero rows from 2016-08; TransBorder
 *   never publishes zero rows).
 * - `missing`: no row, and the rules say it is a hole in the release, not a 0 (value null).
 * - `not-reported`: outside the port's series in this source: before its first month, after its last, or a
 *   month the source left the whole port out (value null). Not a 0 and not a hole.
 * - `estimate`: not in the source; borderflow carried a value forward (e.g. trade value after TransBorder's
 *   port-level coverage, scaled with the national trend).
 * - `derived`: in the source, but computed by subtraction rather than published (TransBorder national
 *   October 2020 = year − other months).
 */
export const FIGURE_STATUSES = [
  "observed",
  "zero",
  "missing",
  "not-reported",
  "estimate",
  "derived",
] as const;
export type FigureStatus = (typeof FIGURE_STATUSES)[number];

/** Statuses whose value is a number (the rest have value null and are left out of sums and day counts). */
export const HAS_VALUE: Readonly<Record<FigureStatus, boolean>> = {
  observed: true,
  zero: true,
  missing: false,
  "not-reported": false,
  estimate: true,
  derived: true,
};

/** How each status is shown: a word, the marker printed next to a figure in tables, and what it means. */
export const STATUS_INFO: Readonly<Record<FigureStatus, { label: string; marker: string; meaning: string }>> =
  {
    observed: { label: "observed", marker: "", meaning: "published by the source" },
    zero: {
      label: "zero by omission",
      marker: "°",
      meaning: "no row in the source, which by its rule means 0",
    },
    missing: {
      label: "missing",
      marker: "–",
      meaning: "a hole in the source's release: not known, not 0",
    },
    "not-reported": {
      label: "not reported",
      marker: "·",
      meaning: "outside the port's series in this source (before it starts, after it ends, or left out)",
    },
    estimate: {
      label: "estimate",
      marker: "*",
      meaning: "not in the source: carried forward by borderflow",
    },
    derived: {
      label: "derived",
      marker: "†",
      meaning: "computed from other published figures (by subtraction), not published itself",
    },
  };

/** A value with its status. `value` is null exactly when the status has no value (missing, not-reported). */
export interface StatusValue {
  value: number | null;
  status: FigureStatus;
}

/** One port × measure × month of BTS crossings with its status. */
export interface CrossingCell extends StatusValue {
  port: string;
  measure: string;
  month: Month;
  /** For a `missing` cell: the rule that found the hole. */
  rule?: HoleRule;
}

/** One port × trade mode × direction × month of TransBorder trade value (USD) with its status. */
export interface TradeCell extends StatusValue {
  port: string;
  mode: string;
  direction: "export" | "import";
  month: Month;
}

/**
 * Months of TransBorder's national totals that are derived, not published: BTS did not publish October 2020;
 * the source of the national series (unt-clscm/BTS-TransBorder-Dashboard) computed it as the 2020 annual
 * total less the other eleven months (data/PROVENANCE.md).
 */
export const TRADE_NATIONAL_DERIVED: readonly Month[] = ["2020-10" as Month];

// ---- The hole rule (BTS crossings) ----

/**
 * First month in which BTS leaves out zero rows. Before it every reported port has all 12 measures every
 * month (zeros included), so an absent row there means the whole port was left out: `not-reported`.
 */
export const OMISSION_FROM = "2016-08" as Month;
/** The isolated-gap rule: both neighbouring reported months at least this many units. */
export const HOLE_NEIGHBOUR_MIN = 1000;
/** The isolated-gap rule: at most this many absent months in a row. */
export const HOLE_MAX_RUN = 3;

/**
 * Why an absent row is a hole (checked in this order; anything else absent from OMISSION_FROM on is `zero`):
 * - `all-ports`: the measure has no row at any port in a month (for at most HOLE_MAX_RUN months in a row)
 *   while it has rows before and after: every port with a row of that measure in the reported month before
 *   or after the gap has a hole there (BTS's 2025-05 release has no Truck Containers Loaded at all).
 * - `isolated`: at one port, a run of 1..HOLE_MAX_RUN absent months of a measure whose neighbouring reported
 *   months are both ≥ HOLE_NEIGHBOUR_MIN, unless one of the run's months is also absent a year before or a
 *   year after (a recurring seasonal closure, which is a zero).
 * Small or erratic series (neighbours below the threshold) and long absences are zeros by omission.
 */
export const HOLE_RULES = ["all-ports", "isolated"] as const;
export type HoleRule = (typeof HOLE_RULES)[number];

/** A hole the rules found, with its neighbours (the reported months either side) for checking. */
export interface CrossingHole {
  port: string;
  measure: string;
  month: Month;
  rule: HoleRule;
  before: { month: Month; value: number } | null;
  after: { month: Month; value: number } | null;
}

// ---- Totals over cells: how a total says it is partial ----

/** How much of a period a total covers: months with data of months asked, and the months left out. */
export interface PeriodCoverage {
  /** Months with data in the total (every contributing cell has a value). */
  months: number;
  /** Months in the period. */
  of: number;
  /** Months left out because a cell is missing (a hole). */
  missing: Month[];
  /** Months left out because nothing is reported (before a port's series starts, after it ends). */
  notReported: Month[];
  /** "11 of 12 months"; empty when complete. */
  label: string;
}

/** A total over a period, with its status, coverage and per-day rate over the days with data. */
export interface StatusTotal extends StatusValue {
  /** True when some months of the period have no data (see coverage). */
  partial: boolean;
  coverage: PeriodCoverage;
  /** Calendar days of the months with data. */
  days: number;
  /** value ÷ days; null when there are no days with data. */
  perDay: number | null;
}

/** "11 of 12 months"; "" when complete. */
export function coverageLabel(months: number, of: number): string {
  return months === of ? "" : `${months} of ${of} month${of === 1 ? "" : "s"}`;
}

/** A period's label with its coverage when partial: `2020 (9 of 12 months)`. */
export function periodLabel(period: string, coverage: Pick<PeriodCoverage, "label">): string {
  return coverage.label ? `${period} (${coverage.label})` : period;
}

/** Precedence of statuses when cells with values are summed: one estimate makes the total an estimate. */
const VALUE_PRECEDENCE: FigureStatus[] = ["estimate", "derived", "observed", "zero"];

/**
 * The status of a sum of cells that all have values (same month, several ports or modes): estimate if any
 * is, else derived if any is, else observed unless all are zeros by omission.
 */
export function combinedStatus(statuses: readonly FigureStatus[]): FigureStatus {
  for (const s of VALUE_PRECEDENCE) if (statuses.includes(s)) return s;
  return "observed";
}

/**
 * Sums cells of one month (several ports, modes or directions): not-reported cells are left out (that port
 * had no separate series then); if any other cell is missing the month is missing (value null: a sum
 * without it would be silently low); if every cell is not-reported so is the month.
 */
export function sumMonth(cells: readonly StatusValue[]): StatusValue {
  const reported = cells.filter((c) => c.status !== "not-reported");
  if (reported.length === 0) return { value: null, status: "not-reported" };
  if (reported.some((c) => c.status === "missing")) return { value: null, status: "missing" };
  return {
    value: reported.reduce((s, c) => s + (c.value ?? 0), 0),
    status: combinedStatus(reported.map((c) => c.status)),
  };
}

/**
 * Totals month values over a period: months without a value are left out of the sum and of the days, and
 * make the total partial with its coverage ("11 of 12 months"). No month with data: value and perDay null,
 * status missing (or not-reported when nothing in the period is reported).
 */
export function totalOverMonths(months: readonly { month: Month; cell: StatusValue }[]): StatusTotal {
  // One month (every point of a monthly series): the same answer without the general case's allocations,
  // which dominated an uncached series request (bench/api.ts).
  if (months.length === 1) return oneMonthTotal(months[0]!.month, months[0]!.cell);
  const withData = months.filter((m) => HAS_VALUE[m.cell.status] && m.cell.value !== null);
  const missing = months.filter((m) => m.cell.status === "missing").map((m) => m.month);
  const notReported = months.filter((m) => m.cell.status === "not-reported").map((m) => m.month);
  const days = withData.reduce((n, m) => n + daysInMonth(m.month), 0);
  const coverage: PeriodCoverage = {
    months: withData.length,
    of: months.length,
    missing,
    notReported,
    label: coverageLabel(withData.length, months.length),
  };
  if (withData.length === 0) {
    return {
      value: null,
      status: missing.length || months.length === 0 ? "missing" : "not-reported",
      partial: true,
      coverage,
      days: 0,
      perDay: null,
    };
  }
  const value = withData.reduce((s, m) => s + m.cell.value!, 0);
  return {
    value,
    status: combinedStatus(withData.map((m) => m.cell.status)),
    partial: withData.length < months.length,
    coverage,
    days,
    perDay: days ? value / days : null,
  };
}

function oneMonthTotal(month: Month, cell: StatusValue): StatusTotal {
  const has = HAS_VALUE[cell.status] && cell.value !== null;
  const coverage: PeriodCoverage = {
    months: has ? 1 : 0,
    of: 1,
    missing: cell.status === "missing" ? [month] : [],
    notReported: cell.status === "not-reported" ? [month] : [],
    label: has ? "" : "0 of 1 month",
  };
  if (!has)
    return {
      value: null,
      status: cell.status === "missing" ? "missing" : "not-reported",
      partial: true,
      coverage,
      days: 0,
      perDay: null,
    };
  const days = daysInMonth(month);
  const value = cell.value!;
  return {
    value,
    status: combinedStatus([cell.status]),
    partial: false,
    coverage,
    days,
    perDay: days ? value / days : null,
  };
}

/**
 * A figure over a period with its status: `value` null when no month of the period has data; `perDay` over
 * the days of months with data only; `partial` with the coverage when some months have none; `label` the
 * period as shown ("2020 (9 of 12 months)", "2025-01..2025-06 (5 of 6 months)").
 */
export interface PeriodFigure {
  period: string;
  label: string;
  value: number | null;
  status: FigureStatus;
  partial: boolean;
  coverage: PeriodCoverage;
  /** Calendar days of the months with data in the period. */
  days: number;
  perDay: number | null;
}

/**
 * The figure of one period from its months: value and per-day over the months with data, coverage and a
 * label that says when the period is cut by the window ("2025-01..2025-06") or partial ("(5 of 6 months)").
 */
export function periodFigure(
  period: string,
  months: readonly { month: Month; cell: StatusValue }[],
  kind: "month" | "year" | "port",
): PeriodFigure {
  const t = totalOverMonths(months);
  const first = months[0]?.month;
  const last = months.at(-1)?.month;
  const base =
    kind === "year" && months.length < 12 && first && last
      ? first === last
        ? first
        : `${first}..${last}`
      : period;
  return {
    period,
    label: kind === "month" ? period : periodLabel(base, t.coverage),
    value: t.value,
    status: t.status,
    partial: t.partial,
    coverage: t.coverage,
    days: t.days,
    perDay: t.perDay,
  };
}
