// What a scenario run reports, for people: headline figures with their P10–P90 bands, blocked vs rerouted
// vs queued per day, where the traffic went, value held up by commodity, the cost layers and assumptions.
import type { ScenarioResult } from "./api.ts";
import { baseTimeOption, chartFigure, disposeCharts } from "./charts.ts";
import { h, replace, scrollBox, statusBadge, table, type Child } from "./dom.ts";
import { download, sectionHead, toCsv, type Dataset } from "./export.ts";
import {
  addDays,
  formatCount,
  formatDays,
  formatInt,
  formatPct,
  formatRate,
  formatUsd,
  formatUsdShort,
} from "./format.ts";
import type { Diversion } from "./map-facade.ts";
import { clearDateText, resultDatasets, resultName, ruledOut, toMarkdown } from "./scenario-export.ts";
import { outsideBandText } from "../../src/model/band-text.ts";

export { clearDateText };

type Figure = ScenarioResult["costs"]["valueHeldUpUsd"];

/** How a run was made, for the line above the results. */
export interface RunInfo {
  where: "server" | "browser";
  ms: number;
  requestedDraws: number;
}

function card(
  key: string,
  label: string,
  value: string,
  band: [string, string] | null,
  explain: Child,
  extra: Child = null,
): HTMLElement {
  return h(
    "div",
    { class: "card", "data-figure": key },
    h("span", { class: "label" }, label),
    h("span", { class: "big", "data-part": "value" }, value),
    band
      ? h(
          "span",
          { class: "band" },
          "P10–P90: ",
          h("span", { "data-part": "p10" }, band[0]),
          " – ",
          h("span", { "data-part": "p90" }, band[1]),
        )
      : null,
    h("span", { class: "sub" }, explain),
    extra,
  );
}

const usdBand = (f: Figure): [string, string] => [formatUsd(f.p10), formatUsd(f.p90)];

/** Beside a figure whose middle-parameter run lies outside its own P10–P90: which side, why, the median. */
const outsideLine = (f: Figure, fmt: (v: number) => string) => {
  const text = outsideBandText(f, fmt);
  return text ? h("span", { class: "sub", "data-part": "outside" }, `⚠ ${text}`) : null;
};

/** A visible badge on a figure that rests on trade value carried forward past the source (an estimate). */
const estimateBadge = (f: Figure) =>
  f.status === "estimate"
    ? statusBadge("estimate", "trade value carried forward with the national trend, not in the source")
    : null;

/** The diversions of a result, for the map: from each closed crossing to each other crossing, in units. */
export function resultDiversions(r: ScenarioResult): Diversion[] {
  return r.flows.flatMap((f) =>
    f.diversions
      .filter((d) => d.units >= 0.5)
      .map((d) => ({
        from: f.port,
        to: d.to,
        units: d.units,
        unit: f.mode === d.mode ? f.unit : "truckloads",
        label: `${formatCount(d.units, f.mode === d.mode ? f.unit : "truckloads")} from ${f.portName} ${f.mode} ${f.direction}`,
      })),
  );
}

/** Renders a scenario result into `el`. */
export function renderResults(el: HTMLElement, r: ScenarioResult, info: RunInfo): void {
  disposeCharts(el);
  const c = r.costs;
  const units = [...new Set(r.flows.map((f) => f.unit))];
  const b = r.backlog;
  const capped = info.where === "server" && info.requestedDraws > r.monteCarlo.draws;

  const headline = h(
    "div",
    { class: "cards" },
    card(
      "valueHeldUpPerClosureDayUsd",
      "(a) Trade value held up per closure day",
      formatUsd(c.valueHeldUpPerClosureDayUsd.value),
      usdBand(c.valueHeldUpPerClosureDayUsd),
      "value of goods whose crossing was blocked, per full day of closure — goods delayed, not a loss. Comparable with press figures of shipments delayed per day (e.g. COPARMEX's “$100 million a day” in December 2023).",
      [estimateBadge(c.valueHeldUpPerClosureDayUsd), outsideLine(c.valueHeldUpPerClosureDayUsd, formatUsd)],
    ),
    card(
      "valueHeldUpUsd",
      "(a) Trade value held up, whole run",
      formatUsd(c.valueHeldUpUsd.value),
      usdBand(c.valueHeldUpUsd),
      "all goods whose crossing was blocked, including after reopening until the backlog cleared — a gross flow delayed, not a loss",
      [estimateBadge(c.valueHeldUpUsd), outsideLine(c.valueHeldUpUsd, formatUsd)],
    ),
    card(
      "directUsd",
      "(b) Direct cost of the delay",
      formatUsd(c.directUsd.value),
      usdBand(c.directUsd),
      "what the delay costs: carrying cost of held goods, railcar and truck time, spoilage of perishables, detour distance",
      [estimateBadge(c.directUsd), outsideLine(c.directUsd, formatUsd)],
    ),
    c.widerUsd
      ? card(
          "widerUsd",
          "(c) Wider-economy effect",
          formatUsd(c.widerUsd.value),
          usdBand(c.widerUsd),
          "direct cost × (multiplier − 1): indirect and induced effects, an order of magnitude, not a forecast",
          outsideLine(c.widerUsd, formatUsd),
        )
      : card(
          "widerUsd",
          "(c) Wider-economy effect",
          "off",
          null,
          "turn on “wider-economy multiplier” to estimate indirect and induced effects",
        ),
    ...b.byUnit.map((u) =>
      card(
        `peakBacklog-${u.unit}`,
        `Peak backlog of ${u.unit}`,
        formatCount(u.peak.value, u.unit),
        [formatCount(u.peak.p10), formatCount(u.peak.p90)],
        `${u.unit} waiting at the closed crossings at the worst point (both directions; other units are counted apart)`,
        outsideLine(u.peak, (v) => formatCount(v, u.unit)),
      ),
    ),
    card(
      "clearDate",
      "Backlog cleared by",
      clearDateText(r, b.clearDay.value),
      [clearDateText(r, b.clearDay.p10), clearDateText(r, b.clearDay.p90)],
      `the first day with no backlog at any affected crossing after the events end (day ${formatInt(b.clearDay.value)} after ${r.grid.start})`,
      outsideLine(b.clearDay, (v) => clearDateText(r, v)),
    ),
  );

  // Blocked, rerouted and queued per day, one chart per unit (railcars and trucks are never added up).
  // "Blocked" counts only the days a crossing was closed or cut; after it reopens, what arrives waits behind
  // the backlog, which the queue line shows.
  const dates = Array.from({ length: r.grid.days }, (_, d) => addDays(r.grid.start, d));
  const dailyCharts = units.map((unit) => {
    const flows = r.flows.filter((f) => f.unit === unit);
    const reduced = (f: (typeof flows)[number], d: number) => (f.daily[d]?.capacityShare ?? 1) < 1;
    const sum = (k: "blocked" | "diverted" | "shifted" | "queue", onlyReduced = false) =>
      dates.map((_, d) =>
        flows.reduce((s, f) => s + (onlyReduced && !reduced(f, d) ? 0 : (f.daily[d]?.[k] ?? 0)), 0),
      );
    const blocked = sum("blocked", true);
    const diverted = sum("diverted");
    const shifted = sum("shifted");
    const queue = sum("queue");
    const hasShift = shifted.some((x) => x > 0);
    const closedDays = dates.filter((_, d) => flows.some((f) => reduced(f, d)));
    return chartFigure({
      id: `daily-${unit}`,
      title: `Blocked, rerouted and queued per day (${unit})`,
      measures: `${unit} per day: blocked while the crossings were closed or cut (shaded, ${closedDays[0] ?? "–"} to ${closedDays.at(-1) ?? "–"}), rerouted to other crossings${hasShift ? ", shifted to trucks" : ""}, and the backlog queued at home at the end of each day`,
      height: 280,
      option: {
        ...baseTimeOption((v) => formatCount(v)),
        xAxis: { type: "category", data: dates.map((d) => d.slice(5)) },
        series: [
          {
            name: "blocked",
            type: "bar",
            data: blocked,
            itemStyle: { color: "#D55E00" },
            markArea: closedDays.length
              ? {
                  silent: true,
                  itemStyle: { color: "rgba(213, 94, 0, 0.08)" },
                  data: [[{ xAxis: closedDays[0]!.slice(5) }, { xAxis: closedDays.at(-1)!.slice(5) }]],
                }
              : undefined,
          },
          { name: "rerouted", type: "bar", data: diverted, itemStyle: { color: "#0072B2" } },
          ...(hasShift
            ? [{ name: "shifted to truck", type: "bar", data: shifted, itemStyle: { color: "#009E73" } }]
            : []),
          {
            name: "queued (backlog)",
            type: "line",
            data: queue,
            symbolSize: 5,
            lineStyle: { width: 2.5 },
            itemStyle: { color: "#000000" },
          },
        ],
      },
      table: table(
        [
          { label: "date" },
          { label: "closed or cut" },
          { label: "blocked", numeric: true },
          { label: "rerouted", numeric: true },
          ...(hasShift ? [{ label: "shifted to truck", numeric: true }] : []),
          { label: "queued at end of day", numeric: true },
        ],
        dates.map((d, i) => [
          d,
          flows.some((f) => reduced(f, i)) ? "yes" : "",
          formatCount(blocked[i]),
          formatCount(diverted[i]),
          ...(hasShift ? [formatCount(shifted[i])] : []),
          formatCount(queue[i]),
        ]),
        { label: `${unit} per day` },
      ),
    });
  });

  const top = c.byCommodity.slice(0, 10).reverse();
  const commodityChart = c.byCommodity.length
    ? chartFigure({
        id: "commodities",
        title: "Trade value held up by commodity (top 10)",
        measures: "USD of goods delayed (not lost), whole run, middle of every parameter range",
        height: Math.max(180, top.length * 26 + 40),
        option: {
          grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
          tooltip: {
            trigger: "axis",
            renderMode: "richText",
            valueFormatter: (v: unknown) => formatUsd(v as number),
          },
          xAxis: { type: "value", axisLabel: { formatter: formatUsdShort } },
          yAxis: {
            type: "category",
            data: top.map((x) => `${x.hs2} ${x.label}`),
            axisLabel: { width: 170, overflow: "truncate" },
          },
          series: [
            {
              name: "value held up",
              type: "bar",
              data: top.map((x) => x.valueUsd),
              itemStyle: { color: "#0072B2" },
            },
          ],
        },
      })
    : h("p", { class: "muted" }, "No trade value: the affected flows carry travellers, not goods.");

  const layer = (key: string, name: string, what: string, f: Figure | null) =>
    h(
      "tr",
      { "data-row": key },
      h("th", { scope: "row" }, name),
      h("td", {}, what),
      ...(f
        ? [
            h("td", { class: "num", "data-col": "value" }, formatUsd(f.value)),
            h("td", { class: "num", "data-col": "p10" }, formatUsd(f.p10)),
            h("td", { class: "num", "data-col": "p50" }, formatUsd(f.p50)),
            h("td", { class: "num", "data-col": "p90" }, formatUsd(f.p90)),
          ]
        : [h("td", { class: "num", colspan: "4" }, "off")]),
    );
  const costTable = scrollBox(
    "Cost layers",
    "",
    h(
      "table",
      { "data-table": "cost-layers" },
      h("caption", {}, "Cost layers, each stated separately (USD): never add (a) to (b) or (c)"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["layer", "what it measures", "middle of ranges", "P10", "P50", "P90"].map((x, i) =>
            h("th", { scope: "col", class: i > 1 ? "num" : null }, x),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        layer(
          "valueHeldUpUsd",
          "(a) trade value held up",
          "goods delayed, whole run (not a loss)",
          c.valueHeldUpUsd,
        ),
        layer(
          "valueHeldUpPerClosureDayUsd",
          "(a) per closure day",
          "goods delayed per full day of closure",
          c.valueHeldUpPerClosureDayUsd,
        ),
        layer(
          "carryingUsd",
          "(b) carrying cost",
          "capital, insurance and obsolescence of held goods",
          c.carryingUsd,
        ),
        layer(
          "equipmentUsd",
          "(b) equipment and drivers",
          "railcar-days and truck-hours of waiting",
          c.equipmentUsd,
        ),
        layer("spoilageUsd", "(b) spoilage", "perishables (HS 02–04, 06–08) lost while held", c.spoilageUsd),
        layer("detourUsd", "(b) detours", "extra km of rerouted railcars and trucks", c.detourUsd),
        layer("directUsd", "(b) direct cost, total", "the four lines above added up", c.directUsd),
        layer("widerUsd", "(c) wider economy", "indirect and induced effects (multiplier)", c.widerUsd),
      ),
    ),
  );

  const anyShift = r.flows.some((f) => f.shifted > 0);
  const flowsTable = table(
    [
      { label: "crossing" },
      { label: "baseline / day", numeric: true },
      { label: "capacity / day", numeric: true },
      { label: "blocked / closure day", numeric: true },
      { label: "blocked, total", numeric: true },
      { label: "rerouted", numeric: true },
      ...(anyShift ? [{ label: "shifted to truck", numeric: true }] : []),
      { label: "waited, crossed later", numeric: true },
      { label: "given up", numeric: true },
      { label: "peak backlog", numeric: true },
      { label: "clears" },
    ],
    r.flows.map((f) => [
      h(
        "span",
        { class: "nowrap" },
        `${f.portName} (${f.port})`,
        h("br"),
        h("small", {}, `${f.mode} ${f.direction}, ${f.unit}`),
      ),
      formatRate(f.baselinePerDay),
      formatRate(f.capacityPerDay),
      formatRate(f.blockedPerClosureDay),
      formatCount(f.blocked),
      formatCount(f.diverted),
      ...(anyShift ? [formatCount(f.shifted)] : []),
      formatCount(f.waitedAtHome),
      formatCount(f.cancelled),
      h("span", {}, formatCount(f.peakBacklog), h("br"), h("small", {}, f.peakDate)),
      f.clearDate ?? "not in the run",
    ]),
    {
      caption:
        "Affected flows, in their units (middle of every range). BTS counts inbound units only; outbound units are estimated from them.",
      attrs: { "data-table": "flows" },
      className: "small",
    },
  );

  // Diversions under half a unit over the whole run are rounding, not traffic.
  const diversions = r.flows.flatMap((f) =>
    f.diversions
      .filter((d) => d.units >= 0.5)
      .map((d) => [
        `${f.portName} ${f.mode} ${f.direction}`,
        `${d.toName} (${d.to})`,
        d.mode,
        formatCount(d.units, f.mode === d.mode ? f.unit : "truckloads"),
        `${formatInt(d.km)} km`,
      ]),
  );

  const excluded = ruledOut(r);

  const commodityTable = table(
    [
      { label: "HS2" },
      { label: "commodity" },
      { label: "value held up", numeric: true },
      { label: "share", numeric: true },
    ],
    c.byCommodity.map((x) => [
      x.hs2,
      x.label,
      `${formatUsd(x.valueUsd)}${x.status === "estimate" ? " (estimate)" : ""}`,
      formatPct(x.share),
    ]),
    { attrs: { "data-table": "commodities" } },
  );

  const sets = resultDatasets(r);
  const name = resultName(r);
  const fileButton = (id: string, label: string, save: () => void) =>
    h("button", { type: "button", class: "small secondary", "data-download": id, onclick: save }, label);
  const downloads = h(
    "div",
    { class: "export result-downloads", role: "group", "aria-label": "Download the result" },
    h("span", { class: "export-label" }, "Download the result:"),
    fileButton("json", "JSON", () =>
      download(`${name}.json`, `${JSON.stringify(r, null, 2)}\n`, "application/json"),
    ),
    fileButton("markdown", "Markdown report", () =>
      download(`${name}.md`, toMarkdown(r, location.href), "text/markdown;charset=utf-8"),
    ),
    Object.entries(sets).map(([k, d]) =>
      fileButton(
        `csv-${k}`,
        `CSV: ${k === "daily" ? "daily series" : k === "excluded" ? "ruled out" : k}`,
        () => download(`${d.name}.csv`, toCsv(d, location.href), "text/csv;charset=utf-8"),
      ),
    ),
  );

  replace(
    el,
    h("h3", { class: "results-title", id: "results-title", tabindex: "-1" }, `Results: ${r.scenario.name}`),
    headline,
    downloads,
    h(
      "p",
      { class: "run-summary", "data-summary": "" },
      `${formatDays(Math.round(r.grid.closureDays * 10) / 10)} of closure (full-day equivalents) from ${r.grid.start}; ${formatDays(r.grid.days)} simulated until the backlog cleared. Monte Carlo: ${formatInt(r.monteCarlo.draws)} draws, seed ${r.monteCarlo.seed}. Run ${info.where === "server" ? "on the server (POST /api/scenarios/run)" : "in this browser with the same model (src/model)"} in ${formatInt(info.ms)} ms. Baseline: daily rates of ${r.baseline.months}, seasonal factors of ${r.baseline.seasonalYears}.`,
      capped
        ? ` The server's cost budget allows ${formatInt(r.monteCarlo.draws)} draws for this scenario; run it in this browser for ${formatInt(info.requestedDraws)}.`
        : "",
    ),
    officersSection(r.officers),
    h("section", {}, h("h3", {}, "What happens day by day"), dailyCharts),
    h(
      "section",
      {},
      h("h3", {}, "Where the traffic went"),
      diversions.length
        ? table(
            [
              { label: "from" },
              { label: "to" },
              { label: "mode" },
              { label: "units, whole run", numeric: true },
              { label: "route", numeric: true },
            ],
            diversions,
            { attrs: { "data-table": "diversions" } },
          )
        : h(
            "p",
            { class: "muted" },
            "Nothing was rerouted (rerouting off, or no spare capacity within reach).",
          ),
      excluded.length
        ? h(
            "details",
            { "data-ruled-out": "" },
            h(
              "summary",
              {},
              `Why not elsewhere: ${formatInt(excluded.length)} alternative${excluded.length === 1 ? "" : "s"} ruled out`,
            ),
            table(
              [{ label: "from" }, { label: "to" }, { label: "why not" }],
              excluded.map((x) => [`${x.portName} ${x.mode}`, `${x.toName} (${x.to})`, x.reason]),
              { attrs: { "data-table": "ruled-out" }, className: "small" },
            ),
          )
        : null,
      flowsTable,
    ),
    h(
      "section",
      {},
      h("h3", {}, "Trade value held up by commodity"),
      h(
        "p",
        { class: "muted" },
        "Goods delayed, not lost: the value of what could not cross, by HS chapter.",
      ),
      commodityChart,
      h("details", {}, h("summary", {}, `All ${c.byCommodity.length} commodities`), commodityTable),
    ),
    h("section", {}, h("h3", {}, "Cost layers with their P10–P90 bands"), costTable),
    h(
      "section",
      {},
      h("h3", {}, "Assumptions"),
      h(
        "p",
        { class: "muted" },
        "Every parameter of the model, its value or range (ranges are drawn uniformly in the Monte Carlo) and where it comes from.",
      ),
      table(
        [
          { label: "parameter" },
          { label: "value" },
          { label: "unit" },
          { label: "basis" },
          { label: "source" },
          { label: "meaning" },
        ],
        r.assumptions.map((a) => [
          h("code", {}, a.name),
          h("span", { class: "nowrap" }, a.value),
          a.unit,
          a.basis,
          a.source,
          a.meaning,
        ]),
        { attrs: { "data-table": "assumptions" }, className: "small" },
      ),
    ),
    h(
      "section",
      { class: "notes" },
      h("h3", {}, "Notes"),
      h(
        "ul",
        {},
        r.notes.map((n) => h("li", {}, n)),
      ),
    ),
  );
}

const POLICY_WORDS: Record<string, string> = {
  proportional: "every lane in proportion",
  "protect-commercial": "traveller lanes first",
  "protect-travellers": "commercial lanes first",
  "closure-list": "the closures listed",
};

/**
 * Officer events: how many officers left which ports, the primary positions that closes and the capacity
 * left by mode (the staffing model, docs/model.md), and the positions open by hour before and during.
 */
/** Each officer event: the officers moved by port, the capacity left by mode and the positions by hour. */
export function officersSection(
  effects: ScenarioResult["officers"],
  /** For a view without the result's downloads (an officer event): each table and chart downloads alone. */
  exportOf?: { api: string[]; name: string; title: string; source: string; notes: string[] },
): HTMLElement | null {
  if (!effects.length) return null;
  const period = (o: (typeof effects)[number]) => ({ from: o.start.slice(0, 10), to: o.end.slice(0, 10) });
  const cutsData = (o: (typeof effects)[number]) => (): Dataset => ({
    name: `${exportOf!.name}-officers-${o.event}`,
    title: `${exportOf!.title}: officers moved by port and the capacity left by mode (staffing model, an estimate)`,
    source: exportOf!.source,
    api: exportOf!.api,
    period: period(o),
    columns: [
      { key: "port", label: "CBP port code" },
      { key: "portName", label: "port" },
      { key: "officersRemoved", label: "officers moved from the port", unit: "officers" },
      { key: "officersOnStrength", label: "officers the port's staffing implies", unit: "officers" },
      { key: "hoursClosed", label: "primary position-hours closed a day", unit: "position-hours per day" },
      { key: "unmetOfficers", label: "officers that could not be freed", unit: "officers" },
      { key: "mode", label: "mode" },
      { key: "remainingShare", label: "share of the mode's capacity left", unit: "fraction" },
      { key: "status", label: "status" },
    ],
    rows: o.cuts.flatMap((c) =>
      c.modes.map((m) => ({
        port: c.port,
        portName: c.portName,
        officersRemoved: c.officersRemoved,
        officersOnStrength: c.officersOnStrength,
        hoursClosed: c.hoursClosed,
        unmetOfficers: c.unmetOfficers,
        mode: m.mode,
        remainingShare: m.remainingShare,
        status: "estimate",
      })),
    ),
    notes: exportOf!.notes,
  });
  return h(
    "section",
    { id: "officers", "aria-labelledby": "officers-title" },
    h("h3", { id: "officers-title" }, "Officers moved and the capacity they leave"),
    effects.map((o) => {
      const hours = Array.from({ length: 24 }, (_, i) => i);
      const sumBy = (pick: (port: number, mode: number) => number[] | undefined) =>
        hours.map((hr) =>
          o.baseline.reduce((s, p, i) => s + p.modes.reduce((t, _m, j) => t + (pick(i, j)?.[hr] ?? 0), 0), 0),
        );
      const before = sumBy((i, j) => o.baseline[i]?.modes[j]?.positionsByHour);
      const after = sumBy((i, j) => {
        const port = o.baseline[i];
        const mode = port?.modes[j];
        const cut = o.cuts.find((c) => c.port === port?.port)?.modes.find((m) => m.mode === mode?.mode);
        return cut?.positionsByHourAfter ?? mode?.positionsByHour;
      });
      return h(
        "div",
        { class: "officer-event", "data-officer-event": String(o.event) },
        h(
          "p",
          { class: "lead" },
          h("strong", { "data-part": "officers" }, formatCount(o.officers, "officers")),
          ` moved ${o.officersGiven ? "" : "(those the listed closures free) "}from ${o.start.slice(0, 16).replace("T", " ")} to ${o.end.slice(0, 16).replace("T", " ")}, ${POLICY_WORDS[o.policy] ?? o.policy}.`,
        ),
        exportOf
          ? sectionHead("Officers moved by port, and the capacity left", cutsData(o), {
              level: "h4",
              label: "officers moved by port",
              figureOf: `officer-cuts-${o.event}`,
            })
          : null,
        table(
          [
            { label: "port" },
            { label: "officers moved", numeric: true },
            { label: "on strength", numeric: true },
            { label: "position-hours closed a day", numeric: true },
            { label: "could not be freed", numeric: true },
            { label: "capacity left by mode" },
          ],
          o.cuts.map((c) => [
            `${c.portName} (${c.port})`,
            formatCount(c.officersRemoved),
            formatCount(c.officersOnStrength),
            formatRate(c.hoursClosed),
            formatCount(c.unmetOfficers),
            c.modes.map((m) => `${m.mode} ${formatPct(m.remainingShare)}`).join(", "),
          ]),
          {
            caption:
              "Per port: officers moved and the primary positions that closes (staffing model, an estimate)",
            attrs: { "data-table": `officer-cuts-${o.event}` },
            className: "small",
          },
        ),
        chartFigure({
          id: `positions-${o.event}`,
          title: "Primary positions open by hour, before and during",
          measures: "inspection positions open in each local hour, summed over the event's ports and modes",
          height: 220,
          ...(exportOf
            ? {
                data: (): Dataset => ({
                  name: `${exportOf.name}-positions-by-hour-${o.event}`,
                  title: `${exportOf.title}: primary inspection positions open by local hour, before and during (staffing model, an estimate)`,
                  source: exportOf.source,
                  api: exportOf.api,
                  period: period(o),
                  columns: [
                    { key: "hour", label: "local hour" },
                    {
                      key: "before",
                      label: "positions open before, summed over the event's ports and modes",
                      unit: "positions",
                      derived: true,
                    },
                    {
                      key: "during",
                      label: "positions open during the event, summed over its ports and modes",
                      unit: "positions",
                      derived: true,
                    },
                    { key: "status", label: "status" },
                  ],
                  rows: hours.map((hr) => ({
                    hour: `${String(hr).padStart(2, "0")}:00`,
                    before: before[hr]!,
                    during: after[hr]!,
                    status: "estimate",
                  })),
                  notes: exportOf.notes,
                }),
              }
            : {}),
          option: {
            ...baseTimeOption((v) => formatRate(v)),
            xAxis: { type: "category", data: hours.map((x) => `${String(x).padStart(2, "0")}:00`) },
            series: [
              { name: "before", type: "line", step: "middle", data: before, itemStyle: { color: "#0072B2" } },
              {
                name: "during the event",
                type: "line",
                step: "middle",
                data: after,
                itemStyle: { color: "#D55E00" },
              },
            ],
          },
        }),
      );
    }),
  );
}
