import { addMonths, monthRange, type Month } from "../domain/units.ts";
import type { Store } from "../store/db.ts";
import { memoPerStore } from "./cache.ts";
import { coverageQueries } from "../store/queries.ts";
import type { TableCoverage, CoveredTable, Coverage } from "../domain/answers.ts";
export type { TableCoverage, CoveredTable, Coverage } from "../domain/answers.ts";

/** Spans and gaps of the monthly tables (computed once per open store). */
export function getCoverage(store: Store): Promise<Coverage> {
  return memoPerStore(store, "coverage", () => computeCoverage(store));
}

async function computeCoverage(store: Store): Promise<Coverage> {
  const spans = await store.all<{ tbl: CoveredTable; first: Month; last: Month }>(coverageQueries);
  const out = {} as Coverage;
  for (const s of spans) {
    const present = new Set(
      (
        await store.all<{ month: Month }>({
          sql: `SELECT DISTINCT month FROM ${s.tbl}`,
          params: [],
        })
      ).map((r) => r.month),
    );
    out[s.tbl] = {
      first: s.first,
      last: s.last,
      gaps: monthRange(s.first, s.last).filter((m) => !present.has(m)),
    };
  }
  return out;
}

/** Known reasons for gaps, by month, shown to users. */
const GAP_REASONS: Record<string, string> = {
  "2020-10": "BTS did not publish October 2020 TransBorder data at port level",
  "2020-11": "port-level TransBorder files for Nov 2020 were not published in the raw monthly series",
  "2020-12": "port-level TransBorder files for Dec 2020 were not published in the raw monthly series",
  "2024-03": "the March 2024 DOT3 (commodity) file is missing from the source",
};

const TABLE_LABEL: Record<CoveredTable, string> = {
  crossings: "BTS crossings",
  trade: "TransBorder port-level trade",
  trade_hs2: "TransBorder port x commodity trade",
  trade_national: "TransBorder national totals",
};

/** Months of a window that a table has data for, and the ones it lacks with their reasons. */
export function windowCoverage(
  cov: TableCoverage,
  from: Month,
  to: Month,
): { months: Month[]; missing: Month[] } {
  const all = from <= to ? monthRange(from, to) : [];
  const gaps = new Set(cov.gaps);
  const months: Month[] = [];
  const missing: Month[] = [];
  for (const m of all) (m >= cov.first && m <= cov.last && !gaps.has(m) ? months : missing).push(m);
  return { months, missing };
}

/** Notes a window needs: months outside coverage or in a known gap. Empty when fully covered. */
export function coverageNotes(table: CoveredTable, cov: TableCoverage, from: Month, to: Month): string[] {
  const label = TABLE_LABEL[table];
  if (to < cov.first) return [`${from}..${to} is before ${label} coverage, which starts ${cov.first}`];
  if (from > cov.last) {
    // Port-level trade ends where the raw monthly files found for the snapshot end (2024-09), long before
    // TransBorder's own publication lag of a few months: say so rather than blame the lag.
    const lag =
      table === "trade" || table === "trade_hs2"
        ? " (the raw port-level monthly files in the snapshot end there, a limit of what was available, not TransBorder's publication lag; national totals run later: `trade` without --port)"
        : "";
    return [`${from}..${to} is after ${label} coverage, which ends ${cov.last}${lag}`];
  }
  const notes: string[] = [];
  if (from < cov.first)
    notes.push(`${label} starts ${cov.first}; months before it are not reported (not zero) and not counted`);
  if (to > cov.last)
    notes.push(`${label} ends ${cov.last}; months after it are not reported (not zero) and not counted`);
  const gaps = cov.gaps.filter((g) => g >= from && g <= to);
  if (gaps.length) {
    const why = [...new Set(gaps.map((g) => GAP_REASONS[g]).filter(Boolean))];
    notes.push(
      `missing in ${label}: ${gaps.join(", ")}${why.length ? ` (${why.join("; ")})` : ""}; per-day figures use only months with data`,
    );
  }
  return notes;
}

/** The 12 months ending at `last`. */
export function last12(last: Month): { from: Month; to: Month } {
  return { from: addMonths(last, -11), to: last };
}
