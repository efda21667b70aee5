// Past disruptions: a timeline of the registry, and one event with its sources, the published figures
// beside the model's comparable layer, the event study and the backtest.
import { getJson, type EventDetail, type EventItem } from "./api.ts";
import { baseTimeOption, chartFigure, disposeCharts, type Chart } from "./charts.ts";
import { h, message, replace, table } from "./dom.ts";
import { exportButtons, slug, type Dataset } from "./export.ts";
import { formatChange, formatCount, formatMonth, formatUsd, formatUsdShort } from "./format.ts";
import { backtestSection } from "./backtest-view.ts";
import {
  OFFICER_EVENTS_URL,
  officerEventList,
  renderOfficerEvent,
  type OfficerEventItem,
} from "./officer-events.ts";
import { route, type Route } from "./router.ts";
import type { Shell, View } from "./shell.ts";

const DAY_MS = 86_400_000;
/** The founding case: its view also tells the chain from the surge to the delayed trade. */
const DEC_2023_EVENT = "cbp-rail-suspension-eagle-pass-el-paso-2023-12";
/** The shortest bar on the timeline, days (most disruptions last days; the axis spans fifteen years). */
const MIN_BAR_DAYS = 45;

const lane = (border: string) =>
  border.includes("Canada") && border.includes("Mexico") ? 2 : border.includes("Canada") ? 1 : 0;
const LANES = ["U.S.–Mexico", "U.S.–Canada", "both borders"];
const LANE_COLOURS = ["#D55E00", "#0072B2", "#6a3d9a"];

export interface EventsDeps {
  onOpen: (id: string) => void;
  onPorts: (codes: string[]) => void;
  onScenario: (raw: unknown, from: string) => void;
}

/** The timeline and the list of past disruptions. */
export function renderEventList(el: HTMLElement, events: EventItem[], deps: EventsDeps): void {
  disposeCharts(el);
  const sorted = [...events].sort((a, b) => a.start.localeCompare(b.start));
  const today = Date.now();
  const timeline = chartFigure({
    id: "events-timeline",
    title: "Timeline of disruptions",
    measures:
      "each bar runs from the start to the end of a disruption (short ones drawn wider so they can be seen); click one to open it",
    height: 170,
    data: (): Dataset => ({
      name: "disruptions-timeline",
      title: "Past disruptions of U.S. land ports: the registry's timeline",
      source: "borderflow's registry of disruptions (data/events), each event with its published sources",
      api: ["/api/events"],
      period: sorted.length
        ? {
            from: sorted[0]!.start,
            to: sorted
              .map((e) => e.end ?? e.start)
              .sort()
              .at(-1)!,
          }
        : null,
      columns: [
        { key: "id", label: "event id (GET /api/events/:id)" },
        { key: "title", label: "disruption" },
        { key: "border", label: "border" },
        { key: "start", label: "first day" },
        { key: "end", label: "last day (empty: ongoing or unknown)" },
        { key: "ports", label: "CBP port codes (border-wide when none)" },
        { key: "modes", label: "modes" },
        { key: "closureType", label: "what closed" },
      ],
      rows: sorted.map((e) => ({
        id: e.id,
        title: e.title,
        border: e.border,
        start: e.start,
        end: e.end,
        ports: e.ports.map((p) => p.code ?? "border-wide").join(" "),
        modes: e.modes.join(" "),
        closureType: e.closureType,
      })),
      notes: [
        `Bars shorter than ${MIN_BAR_DAYS} days are drawn ${MIN_BAR_DAYS} days wide on the timeline so they can be seen; the dates here are the events' own.`,
      ],
    }),
    option: {
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "item",
        renderMode: "richText",
        formatter: (p: { dataIndex: number }) => {
          const e = sorted[p.dataIndex]!;
          return `${e.start}${e.end && e.end !== e.start ? ` – ${e.end}` : ""}\n${e.title}`;
        },
      },
      xAxis: {
        type: "time",
        min: Date.UTC(Number(sorted[0]?.start.slice(0, 4) ?? 2010), 0, 1),
        max: Date.UTC(new Date(today).getUTCFullYear() + 1, 0, 1),
      },
      yAxis: { type: "category", data: LANES, inverse: true },
      series: [
        {
          type: "custom",
          encode: { x: [1, 2], y: 0 },
          data: sorted.map((e) => {
            const s = Date.parse(`${e.start}T00:00:00Z`);
            const end = e.end ? Date.parse(`${e.end}T00:00:00Z`) + DAY_MS : Math.min(today, s + 90 * DAY_MS);
            return [lane(e.border), s, Math.max(end, s + MIN_BAR_DAYS * DAY_MS), e.id];
          }),
          renderItem: (
            _params: unknown,
            api: {
              value: (i: number) => number;
              coord: (v: [number, number]) => [number, number];
              size: (v: [number, number]) => [number, number];
            },
          ) => {
            const l = api.value(0);
            const [x0, y] = api.coord([api.value(1), l]);
            const [x1] = api.coord([api.value(2), l]);
            const bandH = api.size([0, 1])[1] * 0.5;
            return {
              type: "rect",
              shape: { x: x0, y: y - bandH / 2, width: Math.max(4, x1 - x0), height: bandH },
              style: { fill: LANE_COLOURS[l], opacity: 0.75, stroke: "#ffffff", lineWidth: 1 },
            };
          },
        },
      ],
    },
    onReady: (chart: Chart) => {
      chart.on("click", (p) => {
        const e = sorted[p.dataIndex];
        if (e) deps.onOpen(e.id);
      });
    },
  });
  replace(
    el,
    h("h2", {}, "Past disruptions"),
    h(
      "p",
      { class: "lead" },
      `${events.length} real disruptions of U.S. land ports, with their sources. Each opens to an event study (observed months against a counterfactual built from earlier data only) and a backtest of the model.`,
    ),
    timeline,
    h(
      "ol",
      { class: "event-list", id: "event-list" },
      [...sorted]
        .reverse()
        .map((e) =>
          h(
            "li",
            {},
            h(
              "button",
              { type: "button", class: "event-item", "data-event": e.id, onclick: () => deps.onOpen(e.id) },
              h(
                "span",
                { class: "dates" },
                e.end && e.end !== e.start ? `${e.start} – ${e.end}` : e.start + (e.end ? "" : " –"),
              ),
              h("span", { class: "title" }, e.title),
              h(
                "small",
                {},
                `${e.border} · ${e.ports.map((p) => p.code ?? "border-wide").join(", ")} · ${e.closureType.split(" (")[0]}`,
              ),
            ),
          ),
        ),
    ),
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

let token = 0;

/** Loads and shows one disruption in `el`. */
export async function renderEvent(
  el: HTMLElement,
  id: string,
  deps: EventsDeps,
  wanted: () => boolean = () => true,
): Promise<void> {
  const mine = ++token;
  disposeCharts(el);
  replace(el, message("info", `loading ${id}…`));
  try {
    const d = await getJson<EventDetail>(`/api/events/${encodeURIComponent(id)}`);
    if (mine !== token || !wanted()) return;
    disposeCharts(el);
    replace(el, ...eventView(d, deps));
    deps.onPorts(d.event.ports.map((p) => p.cbp_port_code).filter((c): c is string => Boolean(c)));
  } catch (e) {
    if (mine === token) replace(el, message("error", `could not load ${id}: ${(e as Error).message}`));
  }
}

const asPublished = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

function figureValue(f: { value: unknown; unit: string }): string {
  if (typeof f.value === "number")
    return f.unit.startsWith("USD") ? formatUsd(f.value) : formatCount(f.value);
  // A figure of several numbers ({ eagle_pass: 16, el_paso: 7.3 }) written out, each with its name.
  if (f.value && typeof f.value === "object")
    return Object.entries(f.value)
      .map(
        ([k, v]) => `${k.replace(/_/g, " ")}: ${typeof v === "number" ? asPublished.format(v) : String(v)}`,
      )
      .join(", ");
  return String(f.value ?? "–");
}

function eventView(d: EventDetail, deps: EventsDeps): HTMLElement[] {
  const e = d.event;
  const s = d.study;
  const b = d.backtest;
  const end = e.end?.date ?? null;
  const out: HTMLElement[] = [
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
          `${e.start.date}${e.start.time_local ? ` ${e.start.time_local}` : ""} – ${end ?? "ongoing or unknown"}${e.end?.time_local ? ` ${e.end.time_local}` : ""} · ${e.border} · ${e.closure_type}`,
        ),
      ),
      d.scenario.ok
        ? h(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: () =>
                deps.onScenario(
                  {
                    name: e.title,
                    description: `Derived from the registry event ${e.id}: ${d.scenario.ok ? d.scenario.rules.join("; ") : ""}`,
                    events: d.scenario.ok ? d.scenario.events : [],
                  },
                  `the event ${e.id}`,
                ),
            },
            "Open as a scenario",
          )
        : null,
    ),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Ports"),
      h(
        "dd",
        {},
        e.ports.map((p) => `${p.name}${p.cbp_port_code ? ` (${p.cbp_port_code})` : ""}`).join("; "),
      ),
      e.modes_affected?.length ? [h("dt", {}, "Modes"), h("dd", {}, e.modes_affected.join(", "))] : null,
      e.cause ? [h("dt", {}, "Cause"), h("dd", {}, e.cause)] : null,
      e.closure_detail ? [h("dt", {}, "What closed"), h("dd", {}, e.closure_detail)] : null,
      e.headline_figures ? [h("dt", {}, "Figures reported"), h("dd", {}, e.headline_figures)] : null,
    ),
  ];

  const figures = b.publishedFigures ?? [];
  if (figures.length || b.valueHeldUpPerClosureDayUsd) {
    out.push(
      h(
        "section",
        {},
        h(
          "div",
          { class: "section-head" },
          h("h3", { id: "published-title" }, "Published figures and what the model compares with them"),
          figures.length
            ? exportButtons(
                (): Dataset => ({
                  name: `${slug(e.id)}-published-figures`,
                  title: `${e.title}: figures published about it, and what the model compares with them`,
                  source:
                    "the publishers named in each row (source_url), as recorded in borderflow's registry",
                  api: [`/api/events/${e.id}`],
                  period: e.start.date ? { from: e.start.date, to: end ?? e.start.date } : null,
                  columns: [
                    { key: "by", label: "published by" },
                    { key: "value", label: "figure", unit: "the row's unit" },
                    { key: "unit", label: "unit of the figure" },
                    { key: "measures", label: "what it measures" },
                    { key: "comparable", label: "what of the model's it compares with" },
                    { key: "source_url", label: "source" },
                    { key: "source_date", label: "date of the source" },
                  ],
                  rows: figures.map((f) => ({
                    by: f.by,
                    value:
                      typeof f.value === "number" || typeof f.value === "string"
                        ? f.value
                        : f.value == null
                          ? null
                          : JSON.stringify(f.value),
                    unit: f.unit,
                    measures: f.measures,
                    comparable: f.comparable ?? null,
                    source_url: f.source_url ?? null,
                    source_date: f.source_date ?? null,
                  })),
                  notes: b.valueHeldUpPerClosureDayUsd
                    ? [
                        `The model's trade value held up per closure day: ${b.valueHeldUpPerClosureDayUsd} USD (goods delayed, not a loss); only figures that measure goods delayed are comparable with it.`,
                      ]
                    : [],
                }),
                "the published figures",
              )
            : null,
        ),
        b.valueHeldUpPerClosureDayUsd
          ? h(
              "p",
              { class: "callout", "data-figure": "eventValueHeldUpPerClosureDay" },
              "The model's (a) trade value held up per closure day: ",
              h("strong", { "data-part": "value" }, formatUsd(b.valueHeldUpPerClosureDayUsd)),
              " — goods delayed, not a loss. Only figures that measure goods delayed are comparable with it.",
            )
          : null,
        figures.length
          ? table(
              [
                { label: "by" },
                { label: "figure", numeric: true },
                { label: "unit" },
                { label: "what it measures" },
                { label: "comparable with" },
              ],
              figures.map((f) => [
                f.source_url
                  ? h("a", { href: f.source_url, rel: "noopener noreferrer", target: "_blank" }, f.by)
                  : f.by,
                figureValue(f),
                f.unit,
                f.measures,
                f.comparable ?? "–",
              ]),
              { className: "small" },
            )
          : null,
      ),
    );
  }

  // December 2023: the whole chain, from the migrant surge to the delayed trade.
  if (e.id === DEC_2023_EVENT) {
    const slot = h("div", { id: "story" });
    void import("./story.ts").then((m) => m.renderStory(slot));
    out.push(
      h(
        "section",
        { "aria-labelledby": "story-title" },
        h("h3", { id: "story-title" }, "The chain, from the surge to the delayed trade"),
        slot,
      ),
    );
  }

  // Event study: observed months against the counterfactual and its 90% interval, one series at a time.
  if (s.status === "ok" && s.rows?.length) {
    const rows = s.rows;
    const keys = [...new Map(rows.map((r) => [`${r.port}|${r.series}`, r])).values()];
    const slot = h("div", { class: "chart-slot" });
    const select = h(
      "select",
      { id: "study-series", onchange: () => draw(select.value) },
      keys.map((k) =>
        h(
          "option",
          { value: `${k.port}|${k.series}` },
          `${k.portName} (${k.port}), ${k.series}${k.role === "alternative" ? " — alternative crossing" : ""}`,
        ),
      ),
    );
    const draw = (key: string) => {
      const rs = rows.filter((r) => `${r.port}|${r.series}` === key);
      const usd = rs[0]?.series.includes("USD");
      const fmt = (v: number | null) => (v === null ? "–" : usd ? formatUsd(v) : formatCount(v));
      disposeCharts(slot);
      replace(
        slot,
        chartFigure({
          id: "event-study",
          data: (): Dataset => ({
            name: `${slug(e.id)}-study-${slug(key)}`,
            title: `Event study of ${e.title}: ${rs[0]?.portName ?? ""} (${rs[0]?.port ?? ""}), ${rs[0]?.series ?? ""}`,
            source: usd
              ? "BTS TransBorder Freight Data (observed); borderflow event study (counterfactual from earlier months only)"
              : "BTS Border Crossing/Entry Data (observed); borderflow event study (counterfactual from earlier months only)",
            api: [`/api/events/${e.id}`],
            period: { from: rs[0]!.month, to: rs.at(-1)!.month },
            columns: [
              { key: "month", label: "month" },
              { key: "port", label: "CBP port code" },
              { key: "portName", label: "port" },
              { key: "role", label: "affected, or an alternative crossing" },
              { key: "series", label: "series" },
              { key: "observed", label: "observed", unit: usd ? "USD" : (rs[0]?.series ?? "") },
              { key: "counterfactual", label: "counterfactual", unit: usd ? "USD" : (rs[0]?.series ?? "") },
              { key: "lo", label: "90% prediction interval, low", unit: usd ? "USD" : (rs[0]?.series ?? "") },
              {
                key: "hi",
                label: "90% prediction interval, high",
                unit: usd ? "USD" : (rs[0]?.series ?? ""),
              },
              {
                key: "effect",
                label: "observed − counterfactual",
                unit: usd ? "USD" : (rs[0]?.series ?? ""),
              },
              { key: "effectShare", label: "effect as a share of the counterfactual", unit: "fraction" },
              { key: "outside", label: "observed outside the interval" },
              { key: "status", label: "status of the observed figure" },
            ],
            rows: rs.map((r) => ({ ...r, status: r.observed === null ? "missing" : "observed" })),
            notes: s.notes ?? [],
          }),
          title: `Event study: ${rs[0]?.portName ?? ""}, ${rs[0]?.series ?? ""}`,
          measures: `${usd ? "trade value per month, USD (exports + imports)" : `${rs[0]?.series ?? "units"} crossing into the U.S. per month (BTS)`}: observed against the counterfactual from data before ${s.origin ? formatMonth(s.origin) : "the event"} and its 90% prediction interval`,
          option: {
            ...baseTimeOption(usd ? formatUsdShort : (v) => formatCount(v)),
            xAxis: { type: "category", data: rs.map((r) => formatMonth(r.month)) },
            series: [
              {
                name: "interval low",
                type: "line",
                stack: "band",
                z: 1,
                data: rs.map((r) => r.lo),
                lineStyle: { opacity: 0 },
                symbol: "none",
                tooltip: { show: false },
              },
              {
                name: "90% interval",
                type: "line",
                stack: "band",
                z: 1,
                data: rs.map((r) => (r.hi === null || r.lo === null ? null : r.hi - r.lo)),
                lineStyle: { opacity: 0 },
                symbol: "none",
                itemStyle: { color: "#56B4E9" },
                areaStyle: { color: "#56B4E9", opacity: 0.3 },
              },
              {
                name: "counterfactual",
                type: "line",
                data: rs.map((r) => r.counterfactual),
                lineStyle: { type: "dashed" },
                itemStyle: { color: "#0072B2" },
              },
              {
                name: "observed",
                type: "bar",
                data: rs.map((r) => r.observed),
                barMaxWidth: 36,
                itemStyle: { color: "#E69F00" },
              },
            ],
            legend: { top: 0, data: ["observed", "counterfactual", "90% interval"] },
          },
          table: table(
            [
              { label: "month" },
              { label: "observed", numeric: true },
              { label: "counterfactual", numeric: true },
              { label: "90% interval", numeric: true },
              { label: "effect", numeric: true },
            ],
            rs.map((r) => [
              r.month,
              fmt(r.observed),
              fmt(r.counterfactual),
              `${fmt(r.lo)} – ${fmt(r.hi)}`,
              `${fmt(r.effect)} (${formatChange(r.effectShare)})`,
            ]),
          ),
        }),
      );
    };
    draw(select.value);
    out.push(
      h(
        "section",
        { id: "event-study" },
        h("h3", {}, "Event study"),
        h("label", { for: "study-series", class: "inline" }, "Series: ", select),
        slot,
        s.notes?.length
          ? h(
              "ul",
              { class: "notes" },
              s.notes.map((n) => h("li", {}, n)),
            )
          : null,
      ),
    );
  } else {
    out.push(
      h(
        "section",
        {},
        h("h3", {}, "Event study"),
        h("p", { class: "muted" }, `Not available: ${s.reason ?? s.status}.`),
      ),
    );
  }

  out.push(backtestSection(e.id, e.title, b, [`/api/events/${e.id}`], s.notes ?? []));

  if (e.date_sources.length) {
    out.push(
      h(
        "section",
        { class: "notes" },
        h("h3", {}, "Sources for the dates"),
        h(
          "ul",
          {},
          e.date_sources.map((x) =>
            h(
              "li",
              {},
              `${x.date}: ${x.supports} — `,
              h("a", { href: x.url, rel: "noopener noreferrer", target: "_blank" }, hostOf(x.url)),
            ),
          ),
        ),
      ),
    );
  }
  return out;
}

/** The Past disruptions tab: the timeline and list, and one disruption when its id is in the address. */
export function createView(shell: Shell): View {
  const listEl = h("div", { id: "event-list-slot" });
  const detailEl = h("div", { id: "event-detail", class: "panel-body" });
  const el = h("div", {}, listEl, detailEl);
  let eventCodes: string[] = [];
  let shown = false;
  let loaded: Promise<void> | null = null;
  let current: string | null = null;
  const deps: EventsDeps = {
    onOpen: (id) => shell.go(route("events", id)),
    onPorts: (codes) => {
      eventCodes = codes;
      if (shown) shell.map.mark(codes, true);
    },
    onScenario: (raw) => {
      // The derived scenario opens in the builder through the address, like any shared scenario.
      void import("./scenario-spec.ts").then(({ encodeSpec }) =>
        shell.go(route("scenario", encodeSpec(raw as Parameters<typeof encodeSpec>[0]))),
      );
    },
  };
  let officerIds = new Set<string>();
  const load = () => {
    loaded ??= Promise.all([
      getJson<{ events: EventItem[] }>("/api/events"),
      getJson<{ events: OfficerEventItem[] }>(OFFICER_EVENTS_URL),
    ])
      .then(([r, o]) => {
        officerIds = new Set(o.events.map((x) => x.id));
        renderEventList(listEl, r.events, deps);
        listEl.append(officerEventList(o.events, deps.onOpen));
      })
      .catch((err: unknown) => {
        loaded = null;
        replace(listEl, message("error", `could not load the events: ${(err as Error).message}`));
      });
    return loaded;
  };
  return {
    el,
    show(r: Route) {
      shown = true;
      shell.list.setMode("profile");
      shell.list.setPressed([]);
      shell.map.select(null);
      void load().then(() => {
        for (const b of listEl.querySelectorAll<HTMLElement>(".event-item"))
          b.setAttribute("aria-current", String(b.dataset.event === r.id));
      });
      if (!r.id) {
        current = null;
        disposeCharts(detailEl);
        replace(detailEl);
        eventCodes = [];
        shell.map.mark([]);
        return;
      }
      shell.map.mark(eventCodes, true);
      if (r.id === current) return;
      current = r.id;
      const id = r.id;
      const wanted = () => current === id;
      void load()
        .then(() =>
          officerIds.has(id)
            ? renderOfficerEvent(detailEl, id, (raw) => deps.onScenario(raw, id), wanted).then((codes) => {
                if (codes) deps.onPorts(codes);
              })
            : renderEvent(detailEl, id, deps, wanted),
        )
        .then(() => {
          const title = document.getElementById("event-title");
          if (title && (shell.isNarrow() || title.getBoundingClientRect().top > window.innerHeight)) {
            title.focus({ preventScroll: true });
            title.scrollIntoView({ block: "start" });
          }
        });
    },
    hide() {
      shown = false;
    },
  };
}
