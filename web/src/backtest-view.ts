// The backtest of a past disruption or an officer event: per unit, whether the model beat "no effect" (as
// the backtest service scores it), the band's coverage, the baseline's own error, where the rerouted traffic
// went, the series not scored and why, and a chart and table of every backtest row.
import type { BacktestResult } from "../../src/domain/answers.ts";
import { destinationSentence, skillByUnit, skillSentence, skillWord } from "./backtest-skill.ts";
import { baseTimeOption, chartFigure } from "./charts.ts";
import { h, table } from "./dom.ts";
import { slug, type Dataset } from "./export.ts";
import { formatChange, formatCount, formatInt, formatMonth, formatMonthRange, formatPct } from "./format.ts";

/** The backtest section of an event's view. `api` are the requests that answered; `notes` go to the exports. */
export function backtestSection(
  id: string,
  title: string,
  b: BacktestResult,
  api: string[],
  notes: readonly string[],
): HTMLElement {
  if (b.status === "ok" && b.rows?.length) {
    const rows = b.rows;
    const skills = skillByUnit(rows);
    const eventMonths = [...new Set(rows.filter((r) => r.phase === "event").map((r) => r.month))].sort();
    const unscored = (b.series ?? []).filter((x) => !x.scored && x.role === "affected");
    const sm = b.summary;
    return h(
      "section",
      { id: "backtest" },
      h("h3", {}, "Backtest: the model against what happened, unit by unit"),
      h(
        "p",
        { class: "muted" },
        `At the affected crossings in the event's month${eventMonths.length === 1 ? "" : "s"} (${eventMonths.length ? formatMonthRange(eventMonths[0]!, eventMonths.at(-1)!) : "none"}): the observed change against the counterfactual, the model's change, and whether the model's error is smaller than that of saying “no effect” (predicting the counterfactual). Each unit apart: units are never added together.`,
      ),
      sm.event.skill !== null
        ? h(
            "p",
            { class: "skill-overall", "data-figure": "eventSkill", "data-beats": String(sm.beatsNull) },
            `All ${formatInt(sm.event.series)} scored series together (each against its own counterfactual, so no units are added): `,
            h(
              "strong",
              {},
              sm.beatsNull ? "the model beat “no effect”" : "the model did not beat “no effect”",
            ),
            ` in the event's months (skill ${formatChange(sm.event.skill)}; 0 is no better than “no effect”)${sm.after.skill !== null ? `; in the months after it was ${skillWord(sm.after.skill)} “no effect” (skill ${formatChange(sm.after.skill)})` : ""}. `,
            h(
              "span",
              { "data-figure": "band", "data-covered": sm.band.covered, "data-scored": sm.band.scored },
              `The model's 80% band held the observed month in ${formatInt(sm.band.covered)} of ${formatInt(sm.band.scored)} scored port-months (a band from its Monte Carlo draws and the counterfactual's quiet-month errors; borderflow backtest calibrates it on the other events instead)`,
            ),
            sm.baselineError !== null
              ? h(
                  "span",
                  { "data-figure": "baselineError" },
                  `; the counterfactual's own error on quiet months is ${formatPct(sm.baselineError)} (the median), so changes smaller than that are within the baseline's noise`,
                )
              : null,
            ".",
          )
        : null,
      h(
        "div",
        { class: "cards" },
        skills.map((k) =>
          h(
            "div",
            {
              class: `card skill ${k.verdict}`,
              "data-figure": `skill:${k.unit}`,
              "data-verdict": k.verdict,
            },
            h(
              "span",
              { class: "label" },
              `${k.unit[0]!.toUpperCase()}${k.unit.slice(1)} at ${k.crossings.join(", ") || "the affected crossings"}`,
            ),
            h(
              "span",
              { class: "big", "data-part": "verdict" },
              k.verdict === "beat"
                ? "beat “no effect”"
                : k.verdict === "tied"
                  ? "no better than “no effect”"
                  : k.verdict === "worse"
                    ? "worse than “no effect”"
                    : "not compared",
            ),
            h(
              "span",
              { class: "sub" },
              "Observed ",
              h("strong", { "data-part": "observed" }, formatChange(k.observedShare)),
              ", modelled ",
              h("strong", { "data-part": "modelled" }, formatChange(k.modelledShare)),
              ` against the counterfactual (${formatInt(k.event.months)} port-month${k.event.months === 1 ? "" : "s"}). `,
              skillSentence(k),
              k.after.skill !== null
                ? ` In the months after: ${skillWord(k.after.skill)} “no effect” (skill ${formatChange(k.after.skill)}).`
                : "",
            ),
            k.inEvent.length
              ? h(
                  "ul",
                  { class: "in-event", "aria-label": `${k.unit} in the event's month` },
                  k.inEvent.map((x) =>
                    h(
                      "li",
                      { "data-crossing-month": `${x.crossing}|${x.month}` },
                      `${x.crossing}, ${formatMonth(x.month)}: observed `,
                      h("strong", { "data-part": "observed" }, formatChange(x.observedShare)),
                      ", modelled ",
                      h("strong", { "data-part": "modelled" }, formatChange(x.modelledShare)),
                    ),
                  ),
                )
              : null,
          ),
        ),
      ),
      b.destinations.length
        ? h(
            "div",
            { "data-destinations": "" },
            h("h4", {}, "Where the model sent the traffic, and whether it went there"),
            h(
              "ul",
              { class: "notes" },
              b.destinations.map((d) =>
                h(
                  "li",
                  { "data-destination": `${d.port}|${d.mode}`, "data-rose": String(d.rose) },
                  destinationSentence(d),
                ),
              ),
            ),
          )
        : null,
      unscored.length
        ? h(
            "ul",
            { class: "notes", "data-unscored": "" },
            unscored.map((x) =>
              h(
                "li",
                {},
                `${x.portName} (${x.port}) ${x.mode}, ${x.unit}: shown, not scored — ${x.reason ?? "no reason given"}`,
              ),
            ),
          )
        : null,
      [...new Set(rows.map((r) => r.unit))].map((unit) => {
        const rs = rows.filter((r) => r.unit === unit);
        const data = (): Dataset => ({
          name: `${slug(id)}-backtest-${slug(unit)}`,
          title: `Backtest of ${title}: ${unit}, observed vs modelled per crossing and month`,
          source:
            "BTS Border Crossing/Entry Data (observed); borderflow event study (counterfactual) and scenario model (modelled)",
          api,
          period: { from: rs[0]!.month, to: rs.at(-1)!.month },
          columns: [
            { key: "port", label: "CBP port code" },
            { key: "portName", label: "port" },
            { key: "role", label: "affected, or an alternative crossing" },
            { key: "mode", label: "mode" },
            { key: "month", label: "month" },
            { key: "observed", label: "observed", unit },
            { key: "counterfactual", label: "counterfactual (no event)", unit },
            { key: "lo", label: "90% interval, low", unit },
            { key: "hi", label: "90% interval, high", unit },
            { key: "observedEffect", label: "observed − counterfactual", unit },
            { key: "modelledEffect", label: "modelled change", unit },
            { key: "error", label: "modelled − observed", unit },
            { key: "status", label: "status of the observed figure" },
          ],
          rows: rs.map((r) => ({ ...r, status: r.observed === null ? "missing" : "observed" })),
          notes: [...notes, ...b.rules],
        });
        return chartFigure({
          id: `backtest-${slug(unit)}`,
          title: `Observed vs modelled change per crossing and month: ${unit}`,
          measures: `change against the counterfactual, ${unit} per month (negative: fewer crossed)`,
          height: 300,
          data,
          option: {
            ...baseTimeOption((v) => formatCount(v)),
            grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
            xAxis: {
              type: "category",
              data: rs.map((r) => `${r.portName} ${r.month.slice(2)}`),
              axisLabel: { rotate: 40, fontSize: 10 },
            },
            series: [
              {
                name: "observed change",
                type: "bar",
                data: rs.map((r) => r.observedEffect),
                itemStyle: { color: "#E69F00" },
              },
              {
                name: "modelled change",
                type: "bar",
                data: rs.map((r) => r.modelledEffect),
                itemStyle: { color: "#0072B2" },
              },
            ],
          },
          table: table(
            [
              { label: "crossing" },
              { label: "role" },
              { label: "month" },
              { label: "observed", numeric: true },
              { label: "counterfactual", numeric: true },
              { label: "modelled", numeric: true },
              { label: "error / cf", numeric: true },
            ],
            rs.map((r) => [
              `${r.portName} (${r.port}) ${r.mode}`,
              r.role,
              r.month,
              formatCount(r.observed, r.unit),
              formatCount(r.counterfactual),
              formatCount(r.modelled),
              formatChange(r.errorShare),
            ]),
            { label: `backtest rows, ${unit}` },
          ),
        });
      }),
    );
  }
  return h(
    "section",
    { id: "backtest" },
    h("h3", {}, "Backtest"),
    h("p", { class: "muted" }, `Not compared: ${b.reason ?? b.status}.`),
  );
}
