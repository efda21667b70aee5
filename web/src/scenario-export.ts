// A scenario result as files: the API's JSON as it came, CSV tables (daily series, flows, diversions,
// commodities, cost layers) and a Markdown report a reader can paste into a note. Pure functions of the
// result, so the same files come from a run on the server or in the browser.
import type { ScenarioResult } from "./api.ts";
import { slug, type Dataset } from "./dataset.ts";
import { outsideBandText } from "../../src/model/band-text.ts";
import { addDays, formatCount, formatDays, formatInt, formatPct, formatRate, formatUsd } from "./format.ts";

type Figure = ScenarioResult["costs"]["valueHeldUpUsd"];

const SOURCE =
  "borderflow scenario model (src/model) over BTS Border Crossing/Entry and TransBorder data; POST /api/scenarios/run";

/** The file name stem of a result's exports. */
export function resultName(r: ScenarioResult): string {
  return slug(r.scenario.name || "scenario");
}

const period = (r: ScenarioResult) => ({ from: r.grid.start, to: addDays(r.grid.start, r.grid.days - 1) });

/** The CSV tables of a result. */
export function resultDatasets(r: ScenarioResult): Record<
  "daily" | "flows" | "diversions" | "excluded" | "commodities" | "costs",
  Dataset
> & {
  officers?: Dataset;
} {
  const name = resultName(r);
  const base = { source: SOURCE, api: ["/api/scenarios/run"], period: period(r), notes: r.notes };
  const flowCols = [
    { key: "flow", label: "flow key (port|mode|direction)" },
    { key: "port", label: "CBP port code" },
    { key: "portName", label: "port" },
    { key: "mode", label: "mode" },
    { key: "direction", label: "direction" },
    { key: "unit", label: "unit of the counts in this row" },
  ];
  const flowOf = (f: ScenarioResult["flows"][number]) => ({
    flow: f.key,
    port: f.port,
    portName: f.portName,
    mode: f.mode,
    direction: f.direction,
    unit: f.unit,
  });
  return {
    daily: {
      ...base,
      name: `${name}-daily`,
      title: `${r.scenario.name}: each affected flow day by day (middle of every parameter range)`,
      columns: [
        { key: "date", label: "date (UTC day of the run)" },
        ...flowCols,
        { key: "capacityShare", label: "share of the crossing's capacity open", unit: "fraction" },
        { key: "arrivals", label: "arrivals", unit: "the row's unit per day" },
        {
          key: "blocked",
          label: "blocked: arrivals that could not cross at home",
          unit: "the row's unit per day",
        },
        { key: "servedHome", label: "crossed at home", unit: "the row's unit per day" },
        { key: "diverted", label: "rerouted to other crossings", unit: "the row's unit per day" },
        { key: "shifted", label: "shifted to trucks", unit: "the row's unit per day (railcars)" },
        { key: "servedLate", label: "crossed at home after waiting", unit: "the row's unit per day" },
        { key: "cancelled", label: "given up (cancelled)", unit: "the row's unit per day" },
        { key: "queue", label: "backlog at the end of the day", unit: "the row's unit" },
      ],
      rows: r.flows.flatMap((f) => f.daily.map((d) => ({ ...flowOf(f), ...d }))),
    },
    flows: {
      ...base,
      name: `${name}-flows`,
      title: `${r.scenario.name}: affected flows, whole run (middle of every parameter range)`,
      columns: [
        ...flowCols,
        { key: "baselinePerDay", label: "baseline per day", unit: "the row's unit per day" },
        { key: "capacityPerDay", label: "capacity per day", unit: "the row's unit per day" },
        { key: "blockedPerClosureDay", label: "blocked per closure day", unit: "the row's unit per day" },
        { key: "blocked", label: "blocked, whole run", unit: "the row's unit" },
        { key: "diverted", label: "rerouted", unit: "the row's unit" },
        { key: "shifted", label: "shifted to trucks", unit: "the row's unit" },
        { key: "waitedAtHome", label: "waited and crossed at home later", unit: "the row's unit" },
        { key: "cancelled", label: "given up (cancelled)", unit: "the row's unit" },
        { key: "stillWaiting", label: "still waiting at the end of the run", unit: "the row's unit" },
        { key: "peakBacklog", label: "peak backlog", unit: "the row's unit" },
        { key: "peakDate", label: "date of the peak" },
        { key: "clearDate", label: "date the backlog cleared (empty: not in the run)" },
        { key: "unitDays", label: "unit-days of waiting", unit: "the row's unit × days" },
        { key: "valuePerUnitUsd", label: "trade value per unit", unit: "USD per unit" },
        {
          key: "valueStatus",
          label: "status of the value per unit: observed, or estimate (carried forward)",
        },
      ],
      rows: r.flows.map((f) => ({
        ...flowOf(f),
        baselinePerDay: f.baselinePerDay,
        capacityPerDay: f.capacityPerDay,
        blockedPerClosureDay: f.blockedPerClosureDay,
        blocked: f.blocked,
        diverted: f.diverted,
        shifted: f.shifted,
        waitedAtHome: f.waitedAtHome,
        cancelled: f.cancelled,
        stillWaiting: f.stillWaiting,
        peakBacklog: f.peakBacklog,
        peakDate: f.peakDate,
        clearDate: f.clearDate,
        unitDays: f.unitDays,
        valuePerUnitUsd: f.valuePerUnitUsd,
        valueStatus: f.valueStatus,
      })),
    },
    diversions: {
      ...base,
      name: `${name}-diversions`,
      title: `${r.scenario.name}: where the traffic went`,
      columns: [
        ...flowCols,
        { key: "to", label: "to CBP port code" },
        { key: "toName", label: "to port" },
        { key: "toMode", label: "mode at the other crossing" },
        {
          key: "units",
          label: "units moved, whole run",
          unit: "the row's unit, or truckloads when toMode is truck from rail",
        },
        { key: "km", label: "route length", unit: "km" },
      ],
      rows: r.flows.flatMap((f) =>
        f.diversions.map((d) => ({
          ...flowOf(f),
          unit: f.mode === d.mode ? f.unit : "truckloads",
          to: d.to,
          toName: d.toName,
          toMode: d.mode,
          units: d.units,
          km: d.km,
        })),
      ),
    },
    excluded: {
      ...base,
      name: `${name}-ruled-out`,
      title: `${r.scenario.name}: alternatives the model ruled out, and why`,
      columns: [
        { key: "port", label: "closed crossing, CBP port code" },
        { key: "portName", label: "closed crossing" },
        { key: "mode", label: "mode" },
        { key: "to", label: "alternative, CBP port code" },
        { key: "toName", label: "alternative" },
        { key: "reason", label: "why the model sends no traffic there" },
      ],
      rows: ruledOut(r),
    },
    commodities: {
      ...base,
      name: `${name}-commodities`,
      title: `${r.scenario.name}: trade value held up by commodity (goods delayed, not lost)`,
      columns: [
        { key: "hs2", label: "HS chapter" },
        { key: "label", label: "commodity" },
        { key: "valueUsd", label: "value held up, whole run", unit: "USD" },
        { key: "share", label: "share of the value held up", unit: "fraction" },
        {
          key: "status",
          label: "status: derived (from published data), or estimate (rests on carried-forward trade value)",
        },
      ],
      rows: r.costs.byCommodity.map((c) => ({ ...c })),
    },
    costs: {
      ...base,
      name: `${name}-costs`,
      title: `${r.scenario.name}: cost layers with their Monte Carlo bands (never add (a) to (b) or (c))`,
      columns: [
        { key: "layer", label: "layer" },
        { key: "key", label: "field of the JSON result" },
        { key: "value", label: "middle of every range", unit: "USD" },
        { key: "p10", label: "P10", unit: "USD" },
        { key: "p50", label: "P50", unit: "USD" },
        { key: "p90", label: "P90", unit: "USD" },
        { key: "status", label: "status: derived, or estimate (rests on carried-forward trade value)" },
      ],
      rows: costLayers(r).map(([key, layer, f]) => ({
        layer,
        key,
        value: f?.value ?? null,
        p10: f?.p10 ?? null,
        p50: f?.p50 ?? null,
        p90: f?.p90 ?? null,
        status: f?.status ?? null,
      })),
    },
    ...(r.officers?.length
      ? {
          officers: {
            ...base,
            name: `${name}-officers`,
            title: `${r.scenario.name}: officers moved, by port and mode (staffing model, an estimate)`,
            columns: [
              { key: "event", label: "event index in the scenario" },
              { key: "officers", label: "officers the event moves", unit: "officers" },
              { key: "policy", label: "lanes closed first" },
              { key: "start", label: "start" },
              { key: "end", label: "end" },
              { key: "port", label: "CBP port code" },
              { key: "portName", label: "port" },
              { key: "officersRemoved", label: "officers moved from the port", unit: "officers" },
              { key: "officersOnStrength", label: "officers the port's staffing implies", unit: "officers" },
              {
                key: "hoursClosed",
                label: "primary position-hours closed a day",
                unit: "position-hours per day",
              },
              { key: "mode", label: "mode" },
              {
                key: "positionHoursPerDay",
                label: "the mode's position-hours a day before",
                unit: "position-hours per day",
              },
              { key: "remainingShare", label: "share of the mode's capacity left", unit: "fraction" },
            ],
            rows: r.officers.flatMap((o) =>
              o.cuts.flatMap((c) =>
                c.modes.map((m) => ({
                  event: o.event,
                  officers: o.officers,
                  policy: o.policy,
                  start: o.start,
                  end: o.end,
                  port: c.port,
                  portName: c.portName,
                  officersRemoved: c.officersRemoved,
                  officersOnStrength: c.officersOnStrength,
                  hoursClosed: c.hoursClosed,
                  mode: m.mode,
                  positionHoursPerDay: m.positionHoursPerDay,
                  remainingShare: m.remainingShare,
                })),
              ),
            ),
          },
        }
      : {}),
  };
}

/**
 * The alternatives the model ruled out, once per closed crossing and mode (the two directions of a flow
 * share their reasons): from, to, and why (no railroad serving both, beyond the detour a mode accepts …).
 */
export function ruledOut(
  r: ScenarioResult,
): { port: string; portName: string; mode: string; to: string; toName: string; reason: string }[] {
  const seen = new Set<string>();
  return r.flows.flatMap((f) =>
    f.excluded.flatMap((x) => {
      const k = `${f.port}|${f.mode}|${x.to}|${x.reason}`;
      if (seen.has(k)) return [];
      seen.add(k);
      return [
        { port: f.port, portName: f.portName, mode: f.mode, to: x.to, toName: x.toName, reason: x.reason },
      ];
    }),
  );
}

/** The cost layers in the order they are shown: key, name, figure (null when off). */
export function costLayers(r: ScenarioResult): [string, string, Figure | null][] {
  const c = r.costs;
  return [
    ["valueHeldUpUsd", "(a) trade value held up, whole run", c.valueHeldUpUsd],
    ["valueHeldUpPerClosureDayUsd", "(a) trade value held up per closure day", c.valueHeldUpPerClosureDayUsd],
    ["carryingUsd", "(b) carrying cost", c.carryingUsd],
    ["equipmentUsd", "(b) equipment and drivers", c.equipmentUsd],
    ["spoilageUsd", "(b) spoilage", c.spoilageUsd],
    ["detourUsd", "(b) detours", c.detourUsd],
    ["directUsd", "(b) direct cost, total", c.directUsd],
    ["widerUsd", "(c) wider economy (multiplier)", c.widerUsd],
  ];
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
function mdTable(header: string[], rows: string[][], right: boolean[]): string {
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${header.map((_, i) => (right[i] ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

/** The date a clear-day index stands for, or a sentence when the backlog did not clear in the run. */
export function clearDateText(r: ScenarioResult, day: number): string {
  const cleared = r.flows.every((f) => f.clearDate !== null) || day < r.grid.days;
  return cleared ? addDays(r.grid.start, day) : `not within ${formatInt(r.grid.days)} days`;
}

/** A Markdown report of a result: the headline figures with their bands, then every table. */
export function toMarkdown(r: ScenarioResult, link: string): string {
  const c = r.costs;
  const est = (f: { status: string }) => (f.status === "estimate" ? " *" : "");
  const anyEstimate = costLayers(r).some(([, , f]) => f?.status === "estimate");
  // A figure whose middle-parameter run lies outside its own band says so right after it.
  const outside = (f: Figure, fmt: (v: number) => string) => {
    const text = outsideBandText(f, fmt);
    return text ? ` — **${text}**` : "";
  };
  const band = (f: Figure) =>
    `${formatUsd(f.value)}${est(f)} (P10–P90 ${formatUsd(f.p10)} – ${formatUsd(f.p90)})${outside(f, formatUsd)}`;
  const out: string[] = [
    `# ${r.scenario.name}`,
    "",
    ...(r.scenario.description ? [r.scenario.description, ""] : []),
    `${formatDays(Math.round(r.grid.closureDays * 10) / 10)} of closure (full-day equivalents) from ${r.grid.start}; ${formatDays(r.grid.days)} simulated until the backlog cleared. Monte Carlo: ${formatInt(r.monteCarlo.draws)} draws, seed ${r.monteCarlo.seed}. Baseline: daily rates of ${r.baseline.months}, seasonal factors of ${r.baseline.seasonalYears}.`,
    "",
    `Source: ${SOURCE}. Link: ${link}`,
    "",
    "## Headline",
    "",
    `- **(a) Trade value held up per closure day:** ${band(c.valueHeldUpPerClosureDayUsd)} — goods delayed, not a loss; comparable with press figures of shipments delayed per day.`,
    `- **(a) Trade value held up, whole run:** ${band(c.valueHeldUpUsd)}`,
    `- **(b) Direct cost of the delay:** ${band(c.directUsd)}`,
    `- **(c) Wider-economy effect:** ${c.widerUsd ? band(c.widerUsd) : "off (multiplier not used)"}`,
    ...r.backlog.byUnit.map(
      (u) =>
        `- **Peak backlog of ${u.unit}:** ${formatCount(u.peak.value, u.unit)} (P10–P90 ${formatCount(u.peak.p10)} – ${formatCount(u.peak.p90)})${outside(u.peak, (v) => formatCount(v, u.unit))}`,
    ),
    `- **Backlog cleared by:** ${clearDateText(r, r.backlog.clearDay.value)} (P10–P90 ${clearDateText(r, r.backlog.clearDay.p10)} – ${clearDateText(r, r.backlog.clearDay.p90)})${outside(r.backlog.clearDay, (v) => clearDateText(r, v))}`,
    "",
    ...(anyEstimate
      ? ["\\* estimate: rests on trade value carried forward past the source with the national trend.", ""]
      : []),
    "## Cost layers (USD; never add (a) to (b) or (c))",
    "",
    mdTable(
      ["layer", "middle of ranges", "P10", "P50", "P90"],
      costLayers(r).map(([, name, f]) =>
        f
          ? [`${name}${est(f)}`, formatUsd(f.value), formatUsd(f.p10), formatUsd(f.p50), formatUsd(f.p90)]
          : [name, "off", "", "", ""],
      ),
      [false, true, true, true, true],
    ),
    "",
    "## Affected flows (each in its own unit)",
    "",
    mdTable(
      [
        "crossing",
        "unit",
        "baseline / day",
        "blocked / closure day",
        "blocked, total",
        "rerouted",
        "shifted to truck",
        "waited, crossed later",
        "given up",
        "peak backlog",
        "clears",
      ],
      r.flows.map((f) => [
        `${f.portName} (${f.port}) ${f.mode} ${f.direction}`,
        f.unit,
        formatRate(f.baselinePerDay),
        formatRate(f.blockedPerClosureDay),
        formatCount(f.blocked),
        formatCount(f.diverted),
        formatCount(f.shifted),
        formatCount(f.waitedAtHome),
        formatCount(f.cancelled),
        `${formatCount(f.peakBacklog)} on ${f.peakDate}`,
        f.clearDate ?? "not in the run",
      ]),
      [false, false, true, true, true, true, true, true, true, true, false],
    ),
    "",
    "## Where the traffic went",
    "",
  ];
  const div = r.flows.flatMap((f) =>
    f.diversions
      .filter((d) => d.units >= 0.5)
      .map((d) => [
        `${f.portName} (${f.port}) ${f.mode} ${f.direction}`,
        `${d.toName} (${d.to})`,
        d.mode,
        formatCount(d.units, f.mode === d.mode ? f.unit : "truckloads"),
        `${formatInt(d.km)} km`,
      ]),
  );
  out.push(
    div.length
      ? mdTable(["from", "to", "mode", "units, whole run", "route"], div, [false, false, false, true, true])
      : "Nothing was rerouted (rerouting off, or no spare capacity within reach).",
    "",
  );
  const out2 = ruledOut(r);
  if (out2.length)
    out.push(
      "### Alternatives ruled out",
      "",
      mdTable(
        ["from", "to", "why not"],
        out2.map((x) => [`${x.portName} (${x.port}) ${x.mode}`, `${x.toName} (${x.to})`, x.reason]),
        [false, false, false],
      ),
      "",
    );
  out.push(
    "## Trade value held up by commodity (goods delayed, not lost)",
    "",
    c.byCommodity.length
      ? mdTable(
          ["HS2", "commodity", "value held up", "share"],
          c.byCommodity.map((x) => [x.hs2, x.label, `${formatUsd(x.valueUsd)}${est(x)}`, formatPct(x.share)]),
          [false, false, true, true],
        )
      : "No trade value: the affected flows carry travellers, not goods.",
    "",
    "## Assumptions",
    "",
    mdTable(
      ["parameter", "value", "unit", "basis", "source"],
      r.assumptions.map((a) => [a.name, a.value, a.unit, a.basis, a.source]),
      [false, false, false, false, false],
    ),
    "",
    "## Notes",
    "",
    ...r.notes.map((n) => `- ${n}`),
    "",
  );
  return out.join("\n");
}
