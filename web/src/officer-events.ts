// Officers moved away from the ports: the officer events of the snapshot (2019 reassignment, the September
// and December 2023 closure lists, the surge rule's December 2023), each with the staffing model's cut (the
// officers each port loses and the capacity left by mode), the encounters of its Border Patrol sectors beside
// it, and its backtest, unit by unit, against "no effect" (GET /api/officers/events[/:id]).
import { getJson, type OfficerEventAnswer, type OfficerEventItem } from "./api.ts";
import { backtestSection } from "./backtest-view.ts";
import { baseTimeOption, chartFigure, disposeCharts } from "./charts.ts";
import { h, message, replace } from "./dom.ts";
import { slug, type Dataset } from "./export.ts";
import { formatCount, formatMonth } from "./format.ts";
import { officersSection } from "./scenario-results.ts";

export type { OfficerEventItem };

export const OFFICER_EVENTS_URL = "/api/officers/events";

/** The list of officer events, each a button that opens it. */
export function officerEventList(items: OfficerEventItem[], onOpen: (id: string) => void): HTMLElement {
  return h(
    "section",
    { id: "officer-events", "aria-labelledby": "officer-events-title" },
    h("h3", { id: "officer-events-title" }, "Officers moved away from the ports"),
    h(
      "p",
      { class: "muted" },
      "CBP officers reassigned from the ports to help the Border Patrol, as the sources give them: what the staffing model says each port loses, the encounters of the sectors around them, and a backtest of the model against “no effect”.",
    ),
    h(
      "ol",
      { class: "event-list" },
      items.map((e) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: "event-item",
              "data-event": e.id,
              "data-officer-event": e.id,
              onclick: () => onOpen(e.id),
            },
            h("span", { class: "dates" }, `${e.start} – ${e.end ?? ""}`),
            h("span", { class: "title" }, e.title),
            h(
              "small",
              {},
              `${e.scenario.length} officer event${e.scenario.length === 1 ? "" : "s"} in the model`,
            ),
          ),
        ),
      ),
    ),
  );
}

let token = 0;

/** Loads and shows one officer event in `el`; returns its ports (for the map), or null when it failed. */
export async function renderOfficerEvent(
  el: HTMLElement,
  id: string,
  onScenario: (raw: unknown) => void,
  wanted: () => boolean = () => true,
): Promise<string[] | null> {
  const mine = ++token;
  disposeCharts(el);
  replace(el, message("info", `loading ${id}…`));
  el.setAttribute("aria-busy", "true");
  try {
    const d = await getJson<OfficerEventAnswer>(`${OFFICER_EVENTS_URL}/${encodeURIComponent(id)}`);
    if (mine !== token || !wanted()) return null;
    disposeCharts(el);
    replace(el, ...officerEventView(d, onScenario));
    return d.event.ports.map((p) => p.cbp_port_code).filter((c): c is string => Boolean(c));
  } catch (e) {
    if (mine === token) replace(el, message("error", `could not load ${id}: ${(e as Error).message}`));
    return null;
  } finally {
    if (mine === token) el.removeAttribute("aria-busy");
  }
}

function officerEventView(d: OfficerEventAnswer, onScenario: (raw: unknown) => void): HTMLElement[] {
  const e = d.event;
  const url = `${OFFICER_EVENTS_URL}/${e.id}`;
  const months = d.months;
  const encounters = d.encounters.length
    ? chartFigure({
        id: "officer-encounters",
        title: "Encounters in the Border Patrol sectors around its ports",
        measures: `people apprehended by the Border Patrol per month, ${formatMonth(months[0]!)} – ${formatMonth(months.at(-1)!)}, each sector its own line (the reason officers were moved); gaps are months without a figure`,
        height: 240,
        data: (): Dataset => ({
          name: `${slug(e.id)}-encounters`,
          title: `${e.title}: Border Patrol encounters per month in the sectors around its ports`,
          source: `CBP encounters (${[...new Set(d.encounters.map((x) => x.file))].join(", ")})`,
          api: [url],
          period: { from: months[0]!, to: months.at(-1)! },
          columns: [
            { key: "sector", label: "Border Patrol sector" },
            { key: "month", label: "month" },
            { key: "value", label: "encounters", unit: "people" },
            { key: "status", label: "status" },
          ],
          rows: d.encounters.flatMap((s) => s.values.map((v) => ({ sector: s.sector, ...v }))),
          notes: [e.notes ?? ""].filter(Boolean),
        }),
        option: {
          ...baseTimeOption((v) => formatCount(v)),
          xAxis: { type: "category", data: months.map(formatMonth) },
          series: d.encounters.map((s) => {
            const by = new Map(s.values.map((v) => [v.month, v.value]));
            return {
              name: s.sector,
              type: "line",
              connectNulls: false,
              data: months.map((m) => by.get(m) ?? null),
            };
          }),
        },
      })
    : h("p", { class: "muted" }, "No Border Patrol sector is mapped to its ports.");
  return [
    h(
      "header",
      { class: "profile-head" },
      h(
        "div",
        {},
        h("h2", { id: "event-title", tabindex: "-1" }, e.title),
        h(
          "p",
          { class: "meta" },
          `${e.start.date} – ${e.end?.date ?? "ongoing or unknown"} · ${e.border} · officers moved away from the ports`,
        ),
      ),
      e.scenario?.length
        ? h(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: () => onScenario({ name: e.title, events: e.scenario }),
            },
            "Open as a scenario",
          )
        : null,
    ),
    e.notes ? h("p", { class: "notes" }, e.notes) : h("span"),
    officersSection(d.staffing, {
      api: [url],
      name: slug(e.id),
      title: e.title,
      source:
        "CBP's closure announcements and officer figures (the event's sources) through borderflow's staffing model",
      notes: [e.notes ?? ""].filter(Boolean),
    }) ?? h("p", { class: "muted" }, "The staffing model could not read this event."),
    h("section", {}, h("h3", {}, "Why: encounters around its ports"), encounters),
    backtestSection(e.id, e.title, d.backtest, [url], []),
  ];
}
