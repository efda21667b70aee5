// The words beside a figure whose middle-parameter run lies outside its own P10–P90 band. Its own module with
// type-only imports, so the dashboard's bundle takes it without the model.
import type { Figure } from "./report.ts";

/**
 * What to say next to a figure whose middle-parameter run lies outside its own P10–P90 band (null when it
 * lies inside): the side, what it is sensitive to, and the draws' median. One wording for the CLI, the
 * dashboard, the Markdown report and the notes.
 */
export function outsideBandText(f: Figure, fmt: (v: number) => string): string | null {
  if (!f.outside) return null;
  const drivers = f.outside.sensitiveTo;
  const what = drivers.length
    ? drivers
        .map(
          (d) =>
            `${d.parameter} (rank correlation ${d.rankCorrelation >= 0 ? "+" : "−"}${Math.abs(d.rankCorrelation).toFixed(2)} over the draws)`,
        )
        .join(" and ")
    : "several parameters at once (none alone has a rank correlation of 0.3 with it)";
  return `the middle-parameter run lies ${f.outside.side} the draws' ${f.outside.side === "above" ? "P90" : "P10"}: the result is sensitive to ${what}; the draws' median is ${fmt(f.p50)}`;
}
