// A port's profile: what crosses there and what it is worth, per average day, over time and by commodity.
// Every chart and table downloads as CSV and JSON; months without a row are drawn as gaps, never as zeros.
import { getJson, query, type CrossingsAnswer, type PortProfile, type TradeAnswer } from "./api.ts";
import { baseTimeOption, chartFigure, disposeCharts } from "./charts.ts";
import { h, message, replace, statusBadge, table } from "./dom.ts";
import { sectionHead, slug, type Dataset } from "./export.ts";
import {
  addMonths,
  formatChange,
  formatCount,
  formatMonth,
  formatMonthRange,
  formatPct,
  formatRate,
  formatUsd,
  formatUsdShort,
  monthRange,
} from "./format.ts";
import { mainMode } from "./main-mode.ts";
import { route } from "./router.ts";
import type { Shell } from "./shell.ts";

/** Crossing measures charted together: each group counts one unit, so lines are comparable. */
export const UNIT_GROUPS = [
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

/** How far back the crossings chart goes. */
const RANGES = [
  { id: "5y", label: "last 5 years", years: 5 },
  { id: "10y", label: "last 10 years", years: 10 },
  { id: "all", label: "since 1996", years: 40 },
] as const;

const BORDER_NAME = { mexico: "Mexican border", canada: "Canadian border" } as const;
const CROSSINGS_SOURCE = "BTS Border Crossing/Entry Data (inbound crossings only)";
const TRADE_SOURCE = "BTS TransBorder Freight Data (exports + imports, by port of clearance)";

let token = 0;

/** Forgets the profile shown (the ports overview is shown instead). */
export function leaveProfile(el: HTMLElement): void {
  token++;
  disposeCharts(el);
}

/** Loads and shows a port's profile in `el`; a later call wins over an earlier one still loading. */
export async function renderProfile(el: HTMLElement, code: string, shell: Shell): Promise<void> {
  const mine = ++token;
  const params = new URLSearchParams(location.hash.split("&").slice(1).join("&"));
  disposeCharts(el);
  replace(el, message("info", `loading port ${code}…`));
  el.setAttribute("aria-busy", "true");
  try {
    const profile = await getJson<PortProfile>(`/api/ports/${encodeURIComponent(code)}`);
    const tradeModes = [...new Set(profile.trade.byModeDirection.map((r) => r.mode))];
    const cov = shell.health.coverage;
    const trade = await Promise.all(
      tradeModes.map((mode) =>
        getJson<TradeAnswer>(
          `/api/trade${query({ port: profile.port.code, mode, from: cov.trade.first, to: cov.trade.last, by: "month" })}`,
        ),
      ),
    );
    if (mine !== token) return;
    disposeCharts(el);
    replace(el, ...view(profile, tradeModes, trade, shell, params, () => mine === token));
    shell.focusView(document.getElementById("profile-title"));
  } catch (e) {
    if (mine !== token) return;
    replace(el, message("error", `could not load port ${code}: ${(e as Error).message}`));
  } finally {
    if (mine === token) el.removeAttribute("aria-busy");
  }
}

function view(
  profile: PortProfile,
  tradeModes: string[],
  trade: TradeAnswer[],
  shell: Shell,
  params: URLSearchParams,
  stillShown: () => boolean,
): (HTMLElement | null)[] {
  const p = profile.port;
  const t = profile.trade;
  const c = profile.crossings;
  const who = `${p.name} (${p.code})`;
  const tw = formatMonthRange(t.from, t.to);
  const cw = formatMonthRange(c.from, c.to);
  const hasTrade = t.totalUsd !== null && t.byModeDirection.some((r) => r.valueUsd !== 0);
  const hasCrossings = c.byMeasure.some((m) => (m.value ?? 0) > 0);
  const measureOf = (m: string) => c.byMeasure.find((x) => x.measure === m);
  const cards = [
    hasTrade
      ? h(
          "div",
          { class: "card", "data-figure": "tradePerDay" },
          h("span", { class: "label" }, "Trade value per average day"),
          h("span", { class: "big", "data-part": "value" }, formatUsd(t.perDayUsd)),
          h("span", { class: "sub" }, `exports + imports, all modes, ${tw} (BTS TransBorder)`),
          t.partial ? statusBadge("partial", t.coverage.label) : null,
        )
      : h(
          "div",
          { class: "card empty", "data-figure": "tradePerDay" },
          h("span", { class: "label" }, "Trade value"),
          h(
            "span",
            { class: "big", "data-part": "value" },
            t.status === "not-reported" ? "not reported" : "no trade rows",
          ),
          h(
            "span",
            { class: "sub" },
            t.status === "not-reported"
              ? `BTS TransBorder has no series for this port in ${tw} (see the notes): not reported, not $0`
              : `BTS TransBorder has no trade at this port in ${tw}: nothing was cleared here (or it is counted at another port), which is not a measured zero`,
          ),
        ),
    ...["Trucks", "Trains", "Rail Containers Loaded", "Personal Vehicles", "Pedestrians"]
      .map(measureOf)
      .filter((m) => m && (m.value ?? 0) > 0)
      .map((m) =>
        h(
          "div",
          { class: "card", "data-figure": `perDay:${m!.measure}` },
          h("span", { class: "label" }, `${m!.measure} per average day`),
          h("span", { class: "big", "data-part": "value" }, formatRate(m!.perDay, m!.unit)),
          h("span", { class: "sub" }, `crossing into the U.S., ${cw} (BTS, inbound only)`),
          m!.partial
            ? statusBadge("partial", `over ${m!.coverage.label}: ${m!.coverage.missing.length} missing`)
            : null,
        ),
      ),
    hasCrossings
      ? null
      : h(
          "div",
          { class: "card empty", "data-figure": "crossings" },
          h("span", { class: "label" }, "Crossings"),
          h("span", { class: "big", "data-part": "value" }, "no crossings reported"),
          h("span", { class: "sub" }, `BTS reports no inbound crossings at this port in ${cw}`),
        ),
  ];

  const modeTotals = new Map<string, number>();
  for (const r of t.byModeDirection) modeTotals.set(r.mode, (modeTotals.get(r.mode) ?? 0) + r.valueUsd);
  const mainModes = [...modeTotals]
    .filter(([, v]) => t.totalUsd !== null && t.totalUsd > 0 && v / t.totalUsd >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .map(([m]) => m);

  // Trade by mode over time, every month of the port-level data on the axis, each with its status (issue 9):
  // a missing month is a gap, not a 0.
  const cov = shell.health.coverage.trade;
  const months = monthRange(cov.first, cov.last);
  const tradeSeries = tradeModes
    .map((mode, i) => ({ mode, byMonth: new Map(trade[i]!.groups.map((g) => [g.key as string, g])) }))
    .sort((a, b) => (modeTotals.get(b.mode) ?? 0) - (modeTotals.get(a.mode) ?? 0));
  const tradeNotes = [...new Set(trade.flatMap((r) => r.notes))];
  const tradeData = (): Dataset => ({
    name: `${slug(who)}-trade-by-mode-${cov.first}-${cov.last}`,
    title: `Trade value by mode per month, ${who}`,
    source: TRADE_SOURCE,
    api: trade.map(
      (_, i) =>
        `/api/trade${query({ port: p.code, mode: tradeModes[i], from: cov.first, to: cov.last, by: "month" })}`,
    ),
    period: { from: cov.first, to: cov.last },
    columns: [
      { key: "month", label: "month" },
      { key: "mode", label: "TransBorder mode" },
      { key: "valueUsd", label: "trade value, exports + imports", unit: "USD" },
      {
        key: "status",
        label: "status (docs/data.md): observed, zero, missing, not-reported, estimate, derived",
      },
    ],
    rows: tradeSeries.flatMap((s) =>
      months.map((m) => ({
        month: m,
        mode: s.mode,
        valueUsd: s.byMonth.get(m)?.valueUsd ?? null,
        status: s.byMonth.get(m)?.status ?? "not-reported",
      })),
    ),
    notes: tradeNotes,
  });
  const gapMonths = months.filter((m) => (cov.gaps as readonly string[]).includes(m));
  const tradeChart = hasTrade
    ? chartFigure({
        id: "port-trade",
        title: "Trade value by mode, per month",
        measures: `USD per month, exports + imports, ${formatMonthRange(cov.first, cov.last)} (BTS TransBorder, by port of clearance); gaps: no row${gapMonths.length ? `, and ${formatMonthRange(gapMonths[0]!, gapMonths.at(-1)!)} missing at port level` : ""}`,
        option: {
          ...baseTimeOption(formatUsdShort),
          xAxis: { type: "category", data: months.map(formatMonth) },
          series: tradeSeries.map((s) => ({
            name: s.mode,
            type: "bar",
            stack: "trade",
            barCategoryGap: "20%",
            // A month without data (a gap) is null: no bar, not a bar of 0.
            data: months.map((m) => s.byMonth.get(m)?.valueUsd ?? null),
          })),
        },
        data: tradeData,
        table: table(
          [{ label: "month" }, ...tradeSeries.map((s) => ({ label: s.mode, numeric: true }))],
          months.map((m) => [
            m,
            ...tradeSeries.map((s) => {
              const g = s.byMonth.get(m);
              return g?.status === "missing" ? "missing" : formatUsd(g?.valueUsd ?? null);
            }),
          ]),
          { label: "trade value by mode per month" },
        ),
      })
    : null;

  // Crossings over time, one unit at a time, over a chosen range.
  const have = new Set<string>(c.byMeasure.filter((x) => (x.value ?? 0) > 0).map((x) => x.measure));
  const unitSelect = h("select", { id: "crossings-unit" });
  const rangeSelect = h(
    "select",
    { id: "crossings-range" },
    RANGES.map((r) => h("option", { value: r.id }, r.label)),
  );
  const chartSlot = h("div", { class: "chart-slot" });
  const last = shell.health.coverage.crossings.last;
  const drawCrossings = async () => {
    const range = RANGES.find((r) => r.id === rangeSelect.value) ?? RANGES[0];
    const from =
      range.id === "all" ? shell.health.coverage.crossings.first : addMonths(last, -12 * range.years + 1);
    shell.replaceRoute(route("ports", p.code, { unit: unitSelect.value, range: range.id }));
    const url = `/api/crossings${query({ port: p.code, from, to: last, by: "month" })}`;
    disposeCharts(chartSlot);
    replace(chartSlot, message("info", "loading the crossings…"));
    let crossings: CrossingsAnswer;
    try {
      crossings = await getJson<CrossingsAnswer>(url);
    } catch (e) {
      replace(chartSlot, message("error", `could not load the crossings: ${(e as Error).message}`));
      return;
    }
    if (!stillShown()) return;
    const present = new Set(
      crossings.points.filter((x) => (x.value ?? 0) > 0).map((x) => x.measure as string),
    );
    const groups = UNIT_GROUPS.filter((g) => g.measures.some((m) => present.has(m) || have.has(m)));
    const chosen = unitSelect.value;
    replace(
      unitSelect,
      groups.map((g) => h("option", { value: g.id }, g.label)),
    );
    unitSelect.value = groups.some((g) => g.id === chosen) ? chosen : (groups[0]?.id ?? "");
    const g = groups.find((x) => x.id === unitSelect.value);
    disposeCharts(chartSlot);
    if (!g) {
      replace(
        chartSlot,
        h(
          "p",
          { class: "muted empty-state" },
          `No crossings reported at this port in ${formatMonthRange(from, last)}.`,
        ),
      );
      return;
    }
    // The port's own months: before it was first reported there is nothing, not zero.
    const periods = monthRange(from > p.firstMonth ? from : p.firstMonth, last);
    const series = (g.measures as readonly string[])
      .filter((m) => crossings.points.some((x) => x.measure === m))
      .map((m) => ({
        name: m,
        byPeriod: new Map(crossings.points.filter((x) => x.measure === m).map((x) => [x.period, x])),
      }));
    const data = (): Dataset => ({
      name: `${slug(who)}-${g.id}-${periods[0]}-${last}`,
      title: `${g.label} crossing into the U.S. per month, ${who}`,
      source: CROSSINGS_SOURCE,
      api: [url],
      period: { from: periods[0]!, to: last },
      columns: [
        { key: "month", label: "month" },
        { key: "measure", label: "BTS measure" },
        { key: "value", label: "crossings in the month", unit: g.unit },
        { key: "perDay", label: "per day of the month", unit: `${g.unit} per day` },
        { key: "status", label: "status (docs/data.md): observed, zero, missing, not-reported" },
      ],
      rows: series.flatMap((s) =>
        periods.map((m) => {
          const x = s.byPeriod.get(m);
          return {
            month: m,
            measure: s.name,
            value: x?.value ?? null,
            perDay: x?.perDay ?? null,
            status: x?.status ?? "not-reported",
          };
        }),
      ),
      notes: crossings.notes,
    });
    replace(
      chartSlot,
      chartFigure({
        id: "port-crossings",
        title: `${g.label}, per month`,
        measures: `${g.unit} crossing into the U.S. per month, ${formatMonthRange(periods[0]!, last)} (BTS counts inbound crossings only, not unique ${g.unit})`,
        option: {
          ...baseTimeOption((v) => formatCount(v)),
          xAxis: { type: "category", data: periods.map(formatMonth) },
          series: series.map((s) => ({
            name: s.name,
            type: "line",
            showSymbol: false,
            data: periods.map((x) => s.byPeriod.get(x)?.value ?? null),
          })),
        },
        data,
        table: table(
          [{ label: "month" }, ...series.map((s) => ({ label: `${s.name} (${g.unit})`, numeric: true }))],
          periods.map((x) => [x, ...series.map((s) => formatCount(s.byPeriod.get(x)?.value ?? null))]),
          { label: `${g.label} per month` },
        ),
      }),
    );
  };
  unitSelect.addEventListener("change", () => void drawCrossings());
  rangeSelect.addEventListener("change", () => void drawCrossings());
  const wantUnit = params.get("unit");
  const preferred =
    wantUnit ??
    ["trucks", "trains", "vehicles", "people"].find((id) =>
      UNIT_GROUPS.find((g) => g.id === id)?.measures.some((m) => have.has(m)),
    );
  if (preferred) replace(unitSelect, h("option", { value: preferred }, preferred));
  rangeSelect.value = RANGES.some((r) => r.id === params.get("range")) ? params.get("range")! : "5y";
  void drawCrossings();

  const encountersSection = profile.encounters ? encountersView(profile) : null;

  const byModeData = (): Dataset => ({
    name: `${slug(who)}-trade-by-mode-direction-${t.from}-${t.to}`,
    title: `Trade value by mode and direction, ${who}, ${tw}`,
    source: TRADE_SOURCE,
    api: [`/api/ports/${p.code}`],
    period: { from: t.from, to: t.to },
    columns: [
      { key: "mode", label: "TransBorder mode" },
      { key: "direction", label: "direction" },
      { key: "valueUsd", label: "trade value", unit: "USD" },
      { key: "perDayUsd", label: "per average day", unit: "USD per day" },
      { key: "previousUsd", label: "the 12 months before", unit: "USD" },
      { key: "change", label: "change on the 12 months before", unit: "fraction (0.05 = +5%)" },
      { key: "status", label: "status" },
    ],
    rows: t.byModeDirection.map((r) => ({ ...r, status: "observed" })),
    notes: t.notes,
  });
  const byMeasureData = (): Dataset => ({
    name: `${slug(who)}-crossings-by-measure-${c.from}-${c.to}`,
    title: `Crossings by measure, ${who}, ${cw}`,
    source: CROSSINGS_SOURCE,
    api: [`/api/ports/${p.code}`],
    period: { from: c.from, to: c.to },
    columns: [
      { key: "measure", label: "BTS measure" },
      { key: "unit", label: "unit" },
      { key: "value", label: "crossings in the 12 months", unit: "the row's unit" },
      { key: "perDay", label: "per average day", unit: "the row's unit per day" },
      { key: "previous", label: "the 12 months before", unit: "the row's unit" },
      { key: "change", label: "change on the 12 months before", unit: "fraction (0.05 = +5%)" },
      { key: "status", label: "status of the 12 months' total" },
      { key: "months", label: "months with data of the 12" },
    ],
    rows: c.byMeasure.map((m) => ({
      measure: m.measure,
      unit: m.unit,
      value: m.value,
      perDay: m.perDay,
      previous: m.previous,
      change: m.change,
      status: m.status,
      months: `${m.coverage.months} of ${m.coverage.of}`,
    })),
    notes: c.notes,
  });
  const commodityData = (): Dataset => ({
    name: `${slug(who)}-top-commodities-${t.from}-${t.to}`,
    title: `Top commodities by value per mode, ${who}, ${tw}`,
    source: TRADE_SOURCE,
    api: [`/api/ports/${p.code}`],
    period: { from: t.from, to: t.to },
    columns: [
      { key: "mode", label: "TransBorder mode" },
      { key: "rank", label: "rank within the mode", unit: "rank (1 = largest)" },
      { key: "hs2", label: "HS chapter" },
      { key: "label", label: "commodity" },
      { key: "valueUsd", label: "trade value", unit: "USD" },
      { key: "share", label: "share of the mode's trade", unit: "fraction" },
    ],
    rows: t.topCommodities.map((x) => ({ ...x })),
    notes: t.notes,
  });

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
  const main = mainMode(profile);

  return [
    h(
      "header",
      { class: "profile-head" },
      h(
        "div",
        {},
        h("h2", { id: "profile-title", tabindex: "-1" }, who),
        h(
          "p",
          { class: "meta" },
          h("span", { class: `swatch ${p.border}` }),
          `${p.state} · ${BORDER_NAME[p.border]} · crossings reported: ${p.crossingModes.join(", ") || "none"} · BTS data ${formatMonthRange(p.firstMonth, p.lastMonth)}`,
        ),
      ),
      h(
        "div",
        { class: "toolbar" },
        main
          ? h(
              "a",
              {
                class: "button secondary",
                id: "use-in-scenario",
                href: `#scenario&port=${p.code}&mode=${main}`,
              },
              `Close its ${main === "personal-vehicle" ? "vehicle" : main} crossing in a scenario`,
            )
          : null,
        h(
          "a",
          {
            class: "button secondary",
            href: `#compare&ports=${p.code}&measure=${have.has("Trucks") ? "Trucks" : ([...have][0] ?? "Trucks")}`,
          },
          "Compare with other ports",
        ),
        p.code ? h("a", { class: "button secondary", href: `#waits=${p.code}` }, "Wait times") : null,
      ),
    ),
    h("section", { "aria-label": "Per average day" }, h("div", { class: "cards" }, cards)),
    h(
      "section",
      { "aria-labelledby": "crossings-title" },
      sectionHead(`Crossings into the U.S. by measure, ${cw}`, hasCrossings ? byMeasureData : undefined, {
        id: "crossings-title",
      }),
      hasCrossings
        ? table(
            [
              { label: "measure" },
              { label: "total", numeric: true },
              { label: "per day", numeric: true },
              { label: "vs previous 12 months", numeric: true },
            ],
            c.byMeasure.map((m) => [
              m.measure,
              // A total that lacks months says so next to the figure (holes are left out, not counted as 0).
              `${formatCount(m.value, m.unit)}${m.partial ? ` (${m.coverage.label})` : ""}`,
              formatRate(m.perDay, m.unit),
              formatChange(m.change),
            ]),
            { attrs: { "data-table": "crossings-by-measure" }, label: "crossings by measure" },
          )
        : h("p", { class: "muted empty-state" }, `No crossings reported at this port in ${cw}.`),
      h(
        "div",
        { class: "chart-controls" },
        h("label", { for: "crossings-unit", class: "inline" }, "Chart: ", unitSelect),
        h("label", { for: "crossings-range", class: "inline" }, "Range: ", rangeSelect),
      ),
      chartSlot,
    ),
    encountersSection,
    h(
      "section",
      { "aria-labelledby": "trade-title" },
      sectionHead(`Trade value by mode and direction, ${tw}`, hasTrade ? byModeData : undefined, {
        id: "trade-title",
      }),
      hasTrade
        ? table(
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
            { attrs: { "data-table": "trade-by-mode" }, label: "trade value by mode and direction" },
          )
        : h(
            "p",
            { class: "muted empty-state", "data-empty": "trade" },
            `No trade rows at this port: BTS TransBorder reports no trade cleared here in ${tw}.`,
          ),
      tradeChart,
    ),
    h(
      "section",
      { "aria-labelledby": "commodities-title" },
      sectionHead("Top commodities by value", commodityTables.length ? commodityData : undefined, {
        id: "commodities-title",
      }),
      commodityTables.length
        ? h("div", { class: "grid-2" }, commodityTables)
        : h("p", { class: "muted empty-state" }, "No commodity rows for this port."),
    ),
    h(
      "section",
      { class: "notes" },
      h("h3", {}, "Notes on the data"),
      h(
        "ul",
        {},
        [...c.notes, ...t.notes, ...tradeNotes]
          .filter((n, i, a) => a.indexOf(n) === i)
          .map((n) => h("li", {}, n)),
      ),
    ),
  ];
}

/**
 * The port's Border Patrol sector and OFO field office encounters beside its own crossings, on one monthly
 * axis (GET /api/ports/:code, `encounters`): people on the left axis, the chosen crossing measure in its own
 * unit on the right, never added. Months outside the encounter file are gaps.
 */
function encountersView(profile: PortProfile): HTMLElement {
  const e = profile.encounters!;
  const p = profile.port;
  const who = `${p.name} (${p.code})`;
  const measures = e.crossings.map((c) => c.measure);
  const preferred = ["Trucks", "Personal Vehicles", "Pedestrians", "Trains"].find((m) =>
    measures.includes(m as never),
  );
  const select = h(
    "select",
    { id: "encounters-measure" },
    measures.map((m) => h("option", { value: m, selected: m === preferred }, m)),
  );
  const slot = h("div", { class: "chart-slot" });
  const draw = () => {
    const c = e.crossings.find((x) => x.measure === select.value) ?? e.crossings[0];
    const unit = c ? (profile.crossings.byMeasure.find((m) => m.measure === c.measure)?.unit ?? "units") : "";
    const at = (vs: { month: string; value: number | null }[]) => {
      const m = new Map(vs.map((v) => [v.month, v.value]));
      return e.months.map((x) => m.get(x) ?? null);
    };
    const data = (): Dataset => ({
      name: `${slug(who)}-encounters-${e.months[0]}-${e.months.at(-1)}`,
      title: `Encounters in the ${e.sector.name} sector and the ${e.fieldOffice.name} field office, beside ${who}'s crossings`,
      source: `CBP encounters (${e.file.title}, ${e.file.file}; ${e.file.precision}); BTS Border Crossing/Entry Data (inbound crossings)`,
      api: [`/api/ports/${p.code}`],
      period: { from: e.months[0]!, to: e.months.at(-1)! },
      columns: [
        { key: "month", label: "month" },
        { key: "series", label: "series" },
        { key: "value", label: "count in the month", unit: "the row's unit" },
        { key: "unit", label: "unit" },
        { key: "status", label: "status" },
      ],
      rows: [
        ...e.sector.values.map((v) => ({
          month: v.month,
          series: `${e.sector.name} sector (Border Patrol)`,
          value: v.value,
          unit: "people",
          status: v.status,
        })),
        ...e.fieldOffice.values.map((v) => ({
          month: v.month,
          series: `${e.fieldOffice.name} field office (OFO, ${e.fieldOffice.region})`,
          value: v.value,
          unit: "people",
          status: v.status,
        })),
        ...e.crossings.flatMap((x) =>
          x.values.map((v) => ({
            month: v.month,
            series: `${who} ${x.measure}`,
            value: v.value,
            unit: profile.crossings.byMeasure.find((m) => m.measure === x.measure)?.unit ?? "",
            status: v.status,
          })),
        ),
      ],
      notes: [e.choice, ...e.notes],
    });
    disposeCharts(slot);
    replace(
      slot,
      chartFigure({
        id: "port-encounters",
        title: `Encounters around ${p.name}, beside its ${c?.measure.toLowerCase() ?? "crossings"}`,
        measures: `people encountered per month (left axis: ${e.sector.name} sector, Border Patrol; ${e.fieldOffice.name} field office, OFO, ${e.fieldOffice.region}) and ${unit} crossing into the U.S. at ${p.name} per month (right axis); different units, never added; gaps are months outside the files`,
        height: 300,
        data,
        option: {
          ...baseTimeOption((v) => formatCount(v)),
          xAxis: { type: "category", data: e.months.map(formatMonth) },
          yAxis: [
            { type: "value", name: "people", axisLabel: { formatter: (v: number) => formatCount(v) } },
            {
              type: "value",
              name: unit,
              axisLabel: { formatter: (v: number) => formatCount(v) },
              splitLine: { show: false },
            },
          ],
          series: [
            {
              name: `${e.sector.name} sector (Border Patrol)`,
              type: "line",
              showSymbol: false,
              connectNulls: false,
              data: at(e.sector.values),
            },
            {
              name: `${e.fieldOffice.name} field office (OFO)`,
              type: "line",
              showSymbol: false,
              connectNulls: false,
              data: at(e.fieldOffice.values),
            },
            ...(c
              ? [
                  {
                    name: `${p.name}: ${c.measure} (${unit})`,
                    type: "line",
                    yAxisIndex: 1,
                    showSymbol: false,
                    connectNulls: false,
                    lineStyle: { type: "dashed" },
                    data: at(c.values),
                  },
                ]
              : []),
          ],
        },
        table: table(
          [
            { label: "month" },
            { label: `${e.sector.name} sector`, numeric: true },
            { label: `${e.fieldOffice.name} field office`, numeric: true },
            ...(c ? [{ label: `${c.measure} (${unit})`, numeric: true }] : []),
          ],
          e.months.map((m, i) => [
            m,
            formatCount(at(e.sector.values)[i]),
            formatCount(at(e.fieldOffice.values)[i]),
            ...(c ? [formatCount(at(c.values)[i])] : []),
          ]),
          { label: "encounters and crossings per month" },
        ),
      }),
    );
  };
  select.addEventListener("change", draw);
  draw();
  return h(
    "section",
    { "aria-labelledby": "encounters-title" },
    h("h3", { id: "encounters-title" }, `Encounters in its sector and field office`),
    h(
      "p",
      { class: "muted" },
      `${p.name} lies in the ${e.sector.name} Border Patrol sector and the ${e.fieldOffice.name} field office (${e.sector.verification}; ${e.fieldOffice.verification}). `,
      e.choice,
      ".",
    ),
    measures.length ? h("label", { for: "encounters-measure", class: "inline" }, "Beside: ", select) : null,
    slot,
  );
}
