// December 2023 as one chain (GET /api/stories/december-2023): the migrant surge, the officers CBP moved, the
// crossings closed to free them, the capacity lost, the trade delayed, and what BTS then counted. Each step
// names its source; people, officers, vehicles and dollars stay apart.
import type { December2023Story, StoryStep } from "../../src/model/officer-answers.ts";
import { getJson } from "./api.ts";
import { baseTimeOption, chartFigure, disposeCharts } from "./charts.ts";
import { h, message, replace, table } from "./dom.ts";
import { sectionHead, type Dataset } from "./export.ts";
import { formatChange, formatCount, formatMonth, formatPct, formatRate, formatUsd } from "./format.ts";

export const STORY_URL = "/api/stories/december-2023";
const STEPS: StoryStep["step"][] = ["surge", "officers", "capacity", "delayed trade", "what happened"];
const PORT_NAMES: Record<string, string> = { "2303": "Eagle Pass", "2402": "El Paso" };

function stepValue(s: StoryStep): string {
  if (s.unit === "USD") return formatUsd(s.value);
  if (s.unit === "share") return formatChange(s.value);
  if (s.unit === "days") return `${formatRate(s.value)} days`;
  return formatCount(s.value, s.unit);
}

/** The chain as a section, loaded into `el`. */
export async function renderStory(el: HTMLElement): Promise<void> {
  disposeCharts(el);
  replace(el, message("info", "loading the December 2023 chain…"));
  let s: December2023Story;
  try {
    s = await getJson<December2023Story>(STORY_URL);
  } catch (e) {
    replace(el, message("error", `could not load the December 2023 chain: ${(e as Error).message}`));
    return;
  }
  const months = s.encounters.southwest.map((x) => x.month);
  const encounters = chartFigure({
    id: "story-encounters",
    title: "The surge: Southwest border encounters per month",
    measures: `people encountered per month, ${formatMonth(months[0]!)} – ${formatMonth(months.at(-1)!)}: by the Border Patrol between the ports, and by OFO at the ports (CBP's by-area file)`,
    height: 240,
    data: (): Dataset => ({
      name: "december-2023-southwest-encounters",
      title: "Southwest border encounters per month, Border Patrol and OFO",
      source: "CBP nationwide encounters by area of responsibility (exact counts)",
      api: [STORY_URL],
      period: { from: months[0]!, to: months.at(-1)! },
      columns: [
        { key: "month", label: "month" },
        { key: "usbp", label: "Border Patrol apprehensions", unit: "people" },
        { key: "ofo", label: "OFO encounters at the ports", unit: "people" },
      ],
      rows: s.encounters.southwest.map((x) => ({ ...x })),
      notes: s.notes,
    }),
    option: {
      ...baseTimeOption((v) => formatCount(v)),
      xAxis: { type: "category", data: months.map(formatMonth) },
      series: [
        {
          name: "Border Patrol (between the ports)",
          type: "bar",
          stack: "e",
          data: s.encounters.southwest.map((x) => x.usbp),
        },
        {
          name: "OFO (at the ports)",
          type: "bar",
          stack: "e",
          data: s.encounters.southwest.map((x) => x.ofo),
        },
      ],
    },
  });

  const measures = [...new Set(s.throughput.map((t) => t.measure))];
  const select = h(
    "select",
    { id: "story-measure" },
    measures.map((m) => h("option", { value: m }, m)),
  );
  const slot = h("div", { class: "chart-slot" });
  const drawThroughput = () => {
    const rows = s.throughput.filter((t) => t.measure === select.value);
    const ms = rows[0]?.values.map((v) => v.month) ?? [];
    disposeCharts(slot);
    replace(
      slot,
      chartFigure({
        id: "story-throughput",
        title: `What happened: ${select.value.toLowerCase()} at Eagle Pass and El Paso`,
        measures: `${select.value} crossing into the U.S. per month (BTS), ${ms.length ? `${formatMonth(ms[0]!)} – ${formatMonth(ms.at(-1)!)}` : ""}; gaps are months without data`,
        height: 240,
        data: (): Dataset => ({
          name: `december-2023-throughput-${select.value.toLowerCase().replace(/\W+/g, "-")}`,
          title: `${select.value} per month at Eagle Pass and El Paso`,
          source: "BTS Border Crossing/Entry Data (inbound crossings)",
          api: [STORY_URL],
          period: ms.length ? { from: ms[0]!, to: ms.at(-1)! } : null,
          columns: [
            { key: "month", label: "month" },
            { key: "port", label: "CBP port code" },
            { key: "measure", label: "BTS measure" },
            { key: "value", label: "crossings in the month", unit: select.value.toLowerCase() },
            { key: "status", label: "status" },
          ],
          rows: rows.flatMap((t) =>
            t.values.map((v) => ({
              month: v.month,
              port: t.port,
              measure: t.measure,
              value: v.value,
              status: v.status,
            })),
          ),
          notes: s.notes,
        }),
        option: {
          ...baseTimeOption((v) => formatCount(v)),
          xAxis: { type: "category", data: ms.map(formatMonth) },
          series: rows.map((t) => ({
            name: `${PORT_NAMES[t.port] ?? t.port} (${t.port})`,
            type: "line",
            connectNulls: false,
            data: t.values.map((v) => v.value),
          })),
        },
      }),
    );
  };
  select.addEventListener("change", drawThroughput);

  const c = s.scenario.costs;
  replace(
    el,
    h(
      "ol",
      { class: "chain", "aria-label": "The chain, step by step" },
      STEPS.filter((k) => s.steps.some((x) => x.step === k)).map((k) =>
        h(
          "li",
          { class: "chain-step", "data-step": k },
          h("span", { class: "chain-name" }, k),
          h(
            "ul",
            {},
            s.steps
              .filter((x) => x.step === k)
              .map((x) =>
                h(
                  "li",
                  {},
                  h("strong", { "data-part": "value" }, stepValue(x)),
                  ` ${x.what} `,
                  h("small", {}, `(${x.source})`),
                ),
              ),
          ),
        ),
      ),
    ),
    encounters,
    sectionHead(
      "The closures and the officers they free",
      (): Dataset => ({
        name: "december-2023-closures",
        title: "December 2023: the closures CBP chose and the officers each frees at its height",
        source: "CBP announcements (each row's source) through borderflow's staffing model (an estimate)",
        api: [STORY_URL],
        period: {
          from: s.closures.items.map((x) => x.start.slice(0, 10)).sort()[0] ?? "",
          to:
            s.closures.items
              .map((x) => x.end.slice(0, 10))
              .sort()
              .at(-1) ?? "",
        },
        columns: [
          { key: "label", label: "closure" },
          { key: "port", label: "CBP port code" },
          { key: "mode", label: "mode" },
          { key: "start", label: "from (local time with its offset)" },
          { key: "end", label: "to (local time with its offset)" },
          { key: "share", label: "share of the mode's positions closed", unit: "fraction" },
          {
            key: "positionHoursPerDay",
            label: "primary position-hours a day it closes",
            unit: "position-hours per day",
          },
          { key: "officers", label: "officers it frees (staffing model)", unit: "officers" },
          { key: "status", label: "status" },
          { key: "source", label: "source" },
        ],
        rows: s.closures.items.map((x) => ({
          label: x.label,
          port: x.port,
          mode: x.mode,
          start: x.start,
          end: x.end,
          share: x.share,
          positionHoursPerDay: x.positionHoursPerDay,
          officers: x.officers,
          status: "estimate",
          source: x.source,
        })),
        notes: s.notes,
      }),
      { id: "story-closures-title", level: "h4" },
    ),
    table(
      [
        { label: "closure" },
        { label: "from" },
        { label: "to" },
        { label: "share closed", numeric: true },
        { label: "position-hours a day", numeric: true },
        { label: "officers freed", numeric: true },
      ],
      s.closures.items.map((x) => [
        x.label,
        x.start.slice(0, 16).replace("T", " "),
        x.end.slice(0, 16).replace("T", " "),
        formatPct(x.share),
        formatRate(x.positionHoursPerDay),
        formatCount(x.officers),
      ]),
      {
        caption:
          "The closures CBP chose and the officers each frees at its height (staffing model: an estimate)",
        attrs: { "data-table": "story-closures" },
        className: "small",
      },
    ),
    c.valueHeldUpUsd
      ? h(
          "p",
          { class: "callout" },
          "Run through the model, these closures held up ",
          h("strong", {}, formatUsd(c.valueHeldUpUsd.value)),
          ` of trade (P10–P90 ${formatUsd(c.valueHeldUpUsd.p10)} – ${formatUsd(c.valueHeldUpUsd.p90)}; goods delayed, not lost)`,
          c.directUsd ? ` at a direct cost of ${formatUsd(c.directUsd.value)}.` : ".",
        )
      : null,
    measures.length ? h("label", { for: "story-measure", class: "inline" }, "Throughput: ", select) : null,
    slot,
    h(
      "ul",
      { class: "notes" },
      s.notes.map((n) => h("li", {}, n)),
    ),
  );
  if (measures.length) drawThroughput();
}
