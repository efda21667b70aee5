// A port's profile: what crosses there and what it is worth, per average day, over time and by commodity.
import { getJson, query, type CrossingsAnswer, type PortProfile, type TradeAnswer } from "./api.ts";
import { BORDER_COLOURS, baseTimeOption, chartFigure, disposeCharts } from "./charts.ts";
import { h, message, replace, statusBadge, table } from "./dom.ts";
import {
  formatChange,
  formatCount,
  formatMonth,
  formatMonthRange,
  formatPct,
  formatUsd,
  formatUsdShort,
} from "./format.ts";

/** First month of the charts over time: a few years, after the TransBorder gap of Oct–Dec 2020. */
const SERIES_FROM = "2021-01";

/** Crossing measures charted together: each group counts one unit, so lines are comparable. */
const UNIT_GROUPS = [
  { id: "trucks", label: "Trucks (loaded and empty)", unit: "trucks", measures: ["Trucks"] },
  {
    id: "truck-containers",
    label: "Truck containers, loaded and empty",
    unit: "containers",
    measures: ["Truck Containers Loaded", "Truck Containers Empty"],
  },
  { id: "trains", label: "Trains", unit: "trains", measures: ["Trains"] },
  {
    id: "rail-containers",
    label: "Rail containers (railcars), loaded and empty",
    unit: "containers",
    measures: ["Rail Containers Loaded", "Rail Containers Empty"],
  },
  { id: "vehicles", label: "Personal vehicles", unit: "vehicles", measures: ["Personal Vehicles"] },
  { id: "buses", label: "Buses", unit: "buses", measures: ["Buses"] },
  {
    id: "people",
    label: "People: pedestrians and passengers",
    unit: "people",
    measures: ["Pedestrians", "Personal Vehicle Passengers", "Bus Passengers", "Train Passengers"],
  },
] as const;

const BORDER_NAME = { mexico: "Mexican border", canada: "Canadian border" } as const;

export interface ProfileDeps {
  crossingsLast: string;
  tradeLast: string;
  onAddToScenario: (code: string) => void;
}

let token = 0;

/** Loads and shows a port's profile in `el`; a later call wins over an earlier one still loading. */
export async function renderProfile(el: HTMLElement, code: string, deps: ProfileDeps): Promise<void> {
  const mine = ++token;
  disposeCharts(el);
  replace(el, message("info", `loading port ${code}…`));
  el.setAttribute("aria-busy", "true");
  try {
    const profile = await getJson<PortProfile>(`/api/ports/${encodeURIComponent(code)}`);
    const p = profile.port;
    const tradeModes = [...new Set(profile.trade.byModeDirection.map((r) => r.mode))];
    const [crossings, ...trade] = await Promise.all([
      getJson<CrossingsAnswer>(
        `/api/crossings${query({ port: p.code, from: SERIES_FROM, to: deps.crossingsLast, by: "month" })}`,
      ),
      ...tradeModes.map((mode) =>
        getJson<TradeAnswer>(
          `/api/trade${query({ port: p.code, mode, from: SERIES_FROM, to: deps.tradeLast, by: "month" })}`,
        ),
      ),
    ]);
    if (mine !== token) return;
    disposeCharts(el);
    replace(el, ...view(profile, crossings, tradeModes, trade as TradeAnswer[], deps));
  } catch (e) {
    if (mine !== token) return;
    replace(el, message("error", `could not load port ${code}: ${(e as Error).message}`));
  } finally {
    if (mine === token) el.removeAttribute("aria-busy");
  }
}

function view(
  profile: PortProfile,
  crossings: CrossingsAnswer,
  tradeModes: string[],
  trade: TradeAnswer[],
  deps: ProfileDeps,
): HTMLElement[] {
  const p = profile.port;
  const t = profile.trade;
  const c = profile.crossings;
  const tw = formatMonthRange(t.from, t.to);
  const cw = formatMonthRange(c.from, c.to);
  const measureOf = (m: string) => c.byMeasure.find((x) => x.measure === m);
  const perDayCards = [
    h(
      "div",
      { class: "card", "data-figure": "tradePerDay" },
      h("span", { class: "label" }, "Trade value per average day"),
      h("span", { class: "big", "data-part": "value" }, formatUsd(t.perDayUsd)),
      h("span", { class: "sub" }, `exports + imports, all modes, ${tw} (BTS TransBorder)`),
      t.partial ? statusBadge("partial", t.coverage.label) : null,
    ),
    ...["Trucks", "Trains", "Rail Containers Loaded", "Personal Vehicles", "Pedestrians"]
      .map(measureOf)
      .filter((m) => m && (m.value ?? 0) > 0)
      .map((m) =>
        h(
          "div",
          { class: "card", "data-figure": `perDay:${m!.measure}` },
          h("span", { class: "label" }, `${m!.measure} per average day`),
          h("span", { class: "big", "data-part": "value" }, formatCount(m!.perDay, m!.unit)),
          h("span", { class: "sub" }, `crossing into the U.S., ${cw} (BTS, inbound only)`),
          m!.partial
            ? statusBadge("partial", `over ${m!.coverage.label}: ${m!.coverage.missing.length} missing`)
            : null,
        ),
      ),
  ];

  const modeTotals = new Map<string, number>();
  for (const r of t.byModeDirection) modeTotals.set(r.mode, (modeTotals.get(r.mode) ?? 0) + r.valueUsd);
  const mainModes = [...modeTotals]
    .filter(([, v]) => t.totalUsd !== null && t.totalUsd > 0 && v / t.totalUsd >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .map(([m]) => m);

  // Trade by mode over time: stacked bars, one stack per month.
  const months = [...new Set(trade.flatMap((r) => r.groups.map((g) => g.key)))].sort();
  const tradeSeries = tradeModes
    .map((mode, i) => ({ mode, byMonth: new Map(trade[i]!.groups.map((g) => [g.key, g.valueUsd])) }))
    .sort((a, b) => (modeTotals.get(b.mode) ?? 0) - (modeTotals.get(a.mode) ?? 0));
  const tradeChart = chartFigure({
    id: "port-trade",
    title: "Trade value by mode, per month",
    measures: `USD per month, exports + imports, ${formatMonthRange(SERIES_FROM, months.at(-1) ?? deps.tradeLast)} (BTS TransBorder, by port of clearance)`,
    option: {
      ...baseTimeOption(formatUsdShort),
      xAxis: { type: "category", data: months.map(formatMonth) },
      series: tradeSeries.map((s) => ({
        name: s.mode,
        type: "bar",
        stack: "trade",
        barCategoryGap: "20%",
        // A month without data (a gap) is null: no bar, not a bar of 0.
        data: months.map((m) => s.byMonth.get(m) ?? null),
      })),
    },
    table: table(
      [{ label: "month" }, ...tradeSeries.map((s) => ({ label: s.mode, numeric: true }))],
      months.map((m) => [m, ...tradeSeries.map((s) => formatUsd(s.byMonth.get(m)))]),
    ),
  });

  // Crossings over time, one unit at a time.
  const have = new Set<string>(crossings.points.filter((x) => (x.value ?? 0) > 0).map((x) => x.measure));
  const groups = UNIT_GROUPS.filter((g) => g.measures.some((m) => have.has(m)));
  const chartSlot = h("div", { class: "chart-slot" });
  const groupSelect = h(
    "select",
    { id: "crossings-unit", onchange: () => drawCrossings(groupSelect.value) },
    groups.map((g) => h("option", { value: g.id }, g.label)),
  );
  const drawCrossings = (id: string) => {
    const g = groups.find((x) => x.id === id) ?? groups[0];
    disposeCharts(chartSlot);
    if (!g) {
      replace(chartSlot, h("p", { class: "muted" }, "No crossings reported at this port since 2021."));
      return;
    }
    const periods = [...new Set(crossings.points.map((x) => x.period))].sort();
    const series = (g.measures as readonly string[])
      .filter((m) => have.has(m))
      .map((m) => ({
        name: m,
        byPeriod: new Map(crossings.points.filter((x) => x.measure === m).map((x) => [x.period, x.value])),
      }));
    replace(
      chartSlot,
      chartFigure({
        id: "port-crossings",
        title: `${g.label}, per month`,
        measures: `${g.unit} crossing into the U.S. per month (BTS counts inbound crossings only, not unique ${g.unit})`,
        option: {
          ...baseTimeOption((v) => formatCount(v)),
          xAxis: { type: "category", data: periods.map(formatMonth) },
          series: series.map((s) => ({
            name: s.name,
            type: "line",
            showSymbol: false,
            // Holes and months outside the port's series are null: the line breaks there (a gap, not 0).
            data: periods.map((x) => s.byPeriod.get(x) ?? null),
            connectNulls: false,
          })),
        },
        table: table(
          [{ label: "month" }, ...series.map((s) => ({ label: `${s.name} (${g.unit})`, numeric: true }))],
          periods.map((x) => [x, ...series.map((s) => formatCount(s.byPeriod.get(x)))]),
        ),
      }),
    );
  };
  const preferred = ["trucks", "trains", "vehicles", "people"].find((id) => groups.some((g) => g.id === id));
  if (preferred) groupSelect.value = preferred;
  drawCrossings(groupSelect.value);

  const commodityTables = mainModes
    .filter((m) => t.topCommodities.some((x) => x.mode === m))
    .map((m) =>
      table(
        [
          { label: "HS2" },
          { label: "commodity" },
          { label: "value", numeric: true },
          { label: `share of ${m}`, numeric: true },
        ],
        t.topCommodities
          .filter((x) => x.mode === m)
          .sort((a, b) => a.rank - b.rank)
          .map((x) => [x.hs2, x.label, formatUsd(x.valueUsd), formatPct(x.share)]),
        { caption: `${m}: top commodities by value, ${tw}`, className: "compact" },
      ),
    );

  return [
    h(
      "header",
      { class: "profile-head" },
      h(
        "div",
        {},
        h("h2", { id: "profile-title", tabindex: "-1" }, `${p.name} (${p.code})`),
        h(
          "p",
          { class: "meta" },
          h("span", { class: "swatch", style: `background:${BORDER_COLOURS[p.border]}` }),
          `${p.state} · ${BORDER_NAME[p.border]} · crossings reported: ${p.crossingModes.join(", ") || "none"} · BTS data ${formatMonthRange(p.firstMonth, p.lastMonth)}`,
        ),
      ),
      h(
        "button",
        { type: "button", class: "secondary", onclick: () => deps.onAddToScenario(p.code) },
        "Use in a scenario",
      ),
    ),
    h("section", { "aria-label": "Per average day" }, h("div", { class: "cards" }, perDayCards)),
    h(
      "section",
      {},
      h("h3", {}, "Trade value by mode and direction"),
      table(
        [
          { label: "mode" },
          { label: "direction" },
          { label: `value, ${tw}`, numeric: true },
          { label: "per day", numeric: true },
          { label: "vs previous 12 months", numeric: true },
        ],
        t.byModeDirection.map((r) => [
          r.mode,
          r.direction,
          formatUsd(r.valueUsd),
          formatUsd(r.perDayUsd),
          formatChange(r.change),
        ]),
        { attrs: { "data-table": "trade-by-mode" } },
      ),
      tradeChart,
    ),
    h(
      "section",
      {},
      h("h3", {}, "Crossings into the U.S. by measure"),
      table(
        [
          { label: "measure" },
          { label: `${cw}`, numeric: true },
          { label: "per day", numeric: true },
          { label: "vs previous 12 months", numeric: true },
        ],
        c.byMeasure.map((m) => [
          m.measure,
          // A total that lacks months says so next to the figure (holes are left out, not counted as 0).
          `${formatCount(m.value, m.unit)}${m.partial ? ` (${m.coverage.label})` : ""}`,
          formatCount(m.perDay, m.unit),
          formatChange(m.change),
        ]),
        { attrs: { "data-table": "crossings-by-measure" } },
      ),
      groups.length ? h("label", { for: "crossings-unit", class: "inline" }, "Chart: ", groupSelect) : null,
      chartSlot,
    ),
    h(
      "section",
      {},
      h("h3", {}, "Top commodities by value"),
      commodityTables.length
        ? h("div", { class: "grid-2" }, commodityTables)
        : h("p", { class: "muted" }, "No commodity data for this port."),
    ),
    h(
      "section",
      { class: "notes" },
      h("h3", {}, "Notes on the data"),
      h(
        "ul",
        {},
        [...c.notes, ...t.notes, ...crossings.notes]
          .filter((n, i, a) => a.indexOf(n) === i)
          .map((n) => h("li", {}, n)),
      ),
    ),
  ];
}
