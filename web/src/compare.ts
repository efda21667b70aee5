// Compare: several ports (or ports combined, e.g. El Paso + Ysleta) on one chart with one y-scale, any
// BTS measure or trade value, any range of months back to 1996, per month or per day, as values, indexed
// to 100 or as the change on the year before. Everything is in the address, so a comparison is a link.
import { MEASURES, MEASURE_INFO, type Measure } from "../../src/domain/measures.ts";
import { getJson, query, type CrossingsAnswer, type PortItem, type TradeAnswer } from "./api.ts";
import { baseTimeOption, chartFigure, disposeCharts } from "./charts.ts";
import { h, message, replace, table } from "./dom.ts";
import { slug, type Dataset } from "./export.ts";
import {
  addMonths,
  formatChange,
  formatCount,
  formatMonth,
  formatMonthRange,
  formatRate,
  formatUsd,
  formatUsdShort,
  monthRange,
} from "./format.ts";
import { portCodeOf, portInput } from "./port-input.ts";
import { route, type Route } from "./router.ts";
import type { Shell, View } from "./shell.ts";

/** Trade modes offered (TransBorder's, by port of clearance). */
const TRADE_MEASURES = [
  { id: "trade", label: "Trade value, all modes", mode: undefined },
  { id: "trade:truck", label: "Trade value by truck", mode: "truck" },
  { id: "trade:rail", label: "Trade value by rail", mode: "rail" },
  { id: "trade:pipeline", label: "Trade value by pipeline", mode: "pipeline" },
  { id: "trade:air", label: "Trade value by air", mode: "air" },
  { id: "trade:vessel", label: "Trade value by vessel", mode: "vessel" },
] as const;

type Per = "month" | "day";
type Show = "value" | "index" | "yoy";
const PER: Per[] = ["month", "day"];
const SHOW: Show[] = ["value", "index", "yoy"];
const SHOW_LABEL: Record<Show, string> = {
  value: "values",
  index: "indexed to 100 at the first month",
  yoy: "change on the same month a year before",
};
/** At most this many series on one chart (each is one request). */
const MAX_SERIES = 8;

/** A comparison as the address holds it. */
export interface CompareState {
  /** Series: each a list of port codes added together (`["2402", "2401"]` is El Paso + Ysleta). */
  series: string[][];
  measure: string;
  from: string;
  to: string;
  per: Per;
  show: Show;
}

/** One series' numbers, month by month, with the status of each month. */
interface SeriesData {
  key: string;
  label: string;
  codes: string[];
  api: string;
  unit: string;
  /** Month → value and per-day value; null when the month has no figure. */
  byMonth: Map<string, { value: number | null; perDay: number | null; status: string }>;
  notes: string[];
}

const isTrade = (m: string) => m === "trade" || m.startsWith("trade:");

/** Reads a comparison from the address, with defaults for what it leaves out. */
export function readState(params: URLSearchParams, shell: Pick<Shell, "ports" | "health">): CompareState {
  const known = new Set<string>(shell.ports.map((p) => p.code));
  const series = (params.get("ports") ?? "")
    .split(",")
    .map((s) =>
      s
        .split(/[+ ]/)
        .map((c) => c.trim())
        .filter((c) => known.has(c)),
    )
    .filter((s) => s.length > 0)
    .slice(0, MAX_SERIES);
  const cov = shell.health.coverage.crossings;
  const measure = params.get("measure") ?? "Trucks";
  const valid =
    (MEASURES as readonly string[]).includes(measure) || TRADE_MEASURES.some((t) => t.id === measure);
  const month = (s: string | null) => (s && /^\d{4}-(0[1-9]|1[0-2])$/.test(s) ? s : null);
  const to = month(params.get("to")) ?? cov.last;
  const from = month(params.get("from")) ?? addMonths(to, -119);
  return {
    series: series.length ? series : [["3801"], ["3802"]],
    measure: valid ? measure : "Trucks",
    from: from < to ? from : to,
    to,
    per: PER.includes(params.get("per") as Per) ? (params.get("per") as Per) : "month",
    show: SHOW.includes(params.get("show") as Show) ? (params.get("show") as Show) : "value",
  };
}

/** The route of a comparison. */
export function compareRoute(s: CompareState): Route {
  return route("compare", null, {
    ports: s.series.map((x) => x.join("+")).join(","),
    measure: s.measure,
    from: s.from,
    to: s.to,
    per: s.per,
    show: s.show,
  });
}

function seriesLabel(codes: string[], byCode: Map<string, PortItem>): string {
  const names = codes.map((c) => byCode.get(c)?.name ?? c);
  return codes.length === 1 ? `${names[0]} (${codes[0]})` : `${names.join(" + ")} (${codes.join("+")})`;
}

/** Loads one series over the months asked (and the year before, for the change on a year). */
async function loadSeries(
  codes: string[],
  s: CompareState,
  shell: Pick<Shell, "byCode" | "health">,
): Promise<SeriesData> {
  const from = s.show === "yoy" ? addMonths(s.from, -12) : s.from;
  const label = seriesLabel(codes, shell.byCode);
  const key = codes.join("+");
  const byMonth = new Map<string, { value: number | null; perDay: number | null; status: string }>();
  const notes: string[] = [];
  if (isTrade(s.measure)) {
    const t = TRADE_MEASURES.find((x) => x.id === s.measure)!;
    const cov = shell.health.coverage.trade;
    const f = from < cov.first ? cov.first : from;
    const to = s.to > cov.last ? cov.last : s.to;
    const api = `/api/trade${query({ port: codes.join(","), mode: t.mode, from: f, to, by: "month" })}`;
    if (f > to)
      return {
        key,
        label,
        codes,
        api: "",
        unit: "USD",
        byMonth,
        notes: [`port-level trade covers ${cov.first}..${cov.last} only`],
      };
    const r = await getJson<TradeAnswer>(api);
    const have = new Map(r.groups.map((g) => [g.key, g]));
    for (const m of monthRange(f, to)) {
      const g = have.get(m);
      byMonth.set(m, {
        value: g?.valueUsd ?? null,
        perDay: g?.perDayUsd ?? null,
        status: g?.status ?? "not-reported",
      });
    }
    if (from < cov.first || s.to > cov.last)
      notes.push(`port-level trade covers ${cov.first}..${cov.last}; the months outside it are left empty`);
    return { key, label, codes, api, unit: "USD", byMonth, notes: [...notes, ...r.notes] };
  }
  const measure = s.measure as Measure;
  const api = `/api/crossings${query({ port: codes.join(","), measure, from, to: s.to, by: "month" })}`;
  const r = await getJson<CrossingsAnswer>(api);
  const have = new Map(r.points.map((p) => [p.period, p]));
  // Every month with its status (issue 9): holes and months outside a port's series are null, not 0.
  for (const m of monthRange(from, s.to)) {
    const p = have.get(m);
    byMonth.set(m, {
      value: p?.value ?? null,
      perDay: p?.perDay ?? null,
      status: p?.status ?? "not-reported",
    });
  }
  return { key, label, codes, api, unit: MEASURE_INFO[measure].unit, byMonth, notes: [...notes, ...r.notes] };
}

/** The figure charted for a month: the value (per month or per day), indexed, or the change on a year. */
export function shownValue(
  d: SeriesData,
  s: CompareState,
  month: string,
  base: number | null,
): number | null {
  const pick = (m: string) => {
    const x = d.byMonth.get(m);
    return x ? (s.per === "day" ? x.perDay : x.value) : null;
  };
  const v = pick(month);
  if (v === null) return null;
  if (s.show === "value") return v;
  if (s.show === "index") return base ? (v / base) * 100 : null;
  const prev = pick(addMonths(month, -12));
  return prev ? v / prev - 1 : null;
}

/** The first month of the range with a figure above zero: the base of an index. */
function indexBase(
  d: SeriesData,
  s: CompareState,
  months: string[],
): { month: string; value: number } | null {
  for (const m of months) {
    const x = d.byMonth.get(m);
    const v = x ? (s.per === "day" ? x.perDay : x.value) : null;
    if (v) return { month: m, value: v };
  }
  return null;
}

export function createView(shell: Shell): View {
  let state: CompareState = readState(new URLSearchParams(), shell);
  let shown = false;
  let token = 0;
  const byCode = shell.byCode;

  const measureSelect = h(
    "select",
    { id: "cmp-measure" },
    h(
      "optgroup",
      { label: "Crossings into the U.S. (BTS, since 1996)" },
      MEASURES.map((m) => h("option", { value: m }, `${m} (${MEASURE_INFO[m].unit})`)),
    ),
    h(
      "optgroup",
      { label: "Trade value, exports + imports (BTS TransBorder, port level since 2020)" },
      TRADE_MEASURES.map((t) => h("option", { value: t.id }, t.label)),
    ),
  );
  const fromInput = h("input", { type: "month", id: "cmp-from", min: shell.health.coverage.crossings.first });
  const toInput = h("input", { type: "month", id: "cmp-to", max: shell.health.coverage.crossings.last });
  const perSelect = h(
    "select",
    { id: "cmp-per" },
    h("option", { value: "month" }, "total per month"),
    h("option", { value: "day" }, "per day (average of the month)"),
  );
  const showSelect = h(
    "select",
    { id: "cmp-show" },
    SHOW.map((x) => h("option", { value: x }, SHOW_LABEL[x])),
  );
  const addInput = portInput("cmp-add", "Laredo, or 2402+2401 to add ports together", () => addFromInput());
  const chips = h("ul", { class: "chips", id: "cmp-series", "aria-label": "Ports compared" });
  const status = h("div", { role: "status", "aria-live": "polite", class: "status" });
  const out = h("div", { id: "compare-out" });

  const resolve = (text: string) => portCodeOf(text, shell.ports);
  function addFromInput(): void {
    const parts = addInput.value.split("+").map(resolve);
    if (!addInput.value.trim()) return;
    if (parts.some((x) => x === null)) {
      replace(
        status,
        message(
          "error",
          `no port “${addInput.value}”: give names or codes, joined with + to add ports together`,
        ),
      );
      return;
    }
    addSeries(parts as string[]);
    addInput.value = "";
  }
  function addSeries(codes: string[]): void {
    const key = codes.join("+");
    if (state.series.some((s) => s.join("+") === key)) return;
    if (state.series.length >= MAX_SERIES) {
      replace(status, message("error", `at most ${MAX_SERIES} series on one chart`));
      return;
    }
    update({ series: [...state.series, codes] });
  }
  function update(change: Partial<CompareState>): void {
    state = { ...state, ...change };
    if (state.from > state.to) state = { ...state, from: state.to };
    shell.replaceRoute(compareRoute(state));
    void draw();
  }

  measureSelect.addEventListener("change", () => update({ measure: measureSelect.value }));
  fromInput.addEventListener("change", () => fromInput.value && update({ from: fromInput.value }));
  toInput.addEventListener("change", () => toInput.value && update({ to: toInput.value }));
  perSelect.addEventListener("change", () => update({ per: perSelect.value as Per }));
  showSelect.addEventListener("change", () => update({ show: showSelect.value as Show }));

  const last = shell.health.coverage.crossings.last;
  const first = shell.health.coverage.crossings.first;
  const y = Number(last.slice(0, 4));
  const quick: [string, string, string][] = [
    ["2019–2024", "2019-01", "2024-12"],
    ["last 5 years", addMonths(last, -59), last],
    ["last 10 years", addMonths(last, -119), last],
    [`since ${first.slice(0, 4)}`, first, last],
    [`${y - 1} vs ${y - 2}`, `${y - 2}-01`, `${y - 1}-12`],
  ];

  const el = h(
    "div",
    { class: "compare" },
    h("h2", { id: "compare-title", tabindex: "-1" }, "Compare ports"),
    h(
      "p",
      { class: "lead" },
      "Several ports, or ports added together, on one chart with one scale: any BTS crossing measure since 1996 or trade value since 2020, per month or per day, as values, indexed to 100 or as the change on the year before. Add ports here or from the list and the map.",
    ),
    h(
      "div",
      { class: "compare-controls" },
      h(
        "div",
        { class: "field" },
        h("span", { class: "field-label", id: "cmp-series-label" }, "Ports"),
        chips,
      ),
      h(
        "div",
        { class: "row" },
        h("label", { for: "cmp-add", class: "grow" }, "Add a port (or ports joined with +)", addInput),
        h("button", { type: "button", class: "secondary", onclick: addFromInput }, "Add"),
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            id: "cmp-add-elpaso",
            onclick: () => addSeries(["2402", "2401"]),
          },
          "Add El Paso + Ysleta",
        ),
      ),
      h(
        "div",
        { class: "row" },
        h("label", { for: "cmp-measure" }, "Measure", measureSelect),
        h("label", { for: "cmp-per" }, "Per", perSelect),
        h("label", { for: "cmp-show" }, "Show", showSelect),
      ),
      h(
        "div",
        { class: "row" },
        h("label", { for: "cmp-from" }, "From", fromInput),
        h("label", { for: "cmp-to" }, "To", toInput),
        h(
          "div",
          { class: "quick-ranges", role: "group", "aria-label": "Ranges" },
          quick.map(([label, f, t]) =>
            h(
              "button",
              { type: "button", class: "small secondary", onclick: () => update({ from: f, to: t }) },
              label,
            ),
          ),
        ),
      ),
    ),
    status,
    out,
  );

  function syncControls(): void {
    measureSelect.value = state.measure;
    fromInput.value = state.from;
    toInput.value = state.to;
    perSelect.value = state.per;
    showSelect.value = state.show;
    replace(
      chips,
      state.series.map((codes) =>
        h(
          "li",
          { class: "chip", "data-series": codes.join("+") },
          seriesLabel(codes, byCode),
          h(
            "button",
            {
              type: "button",
              "aria-label": `remove ${seriesLabel(codes, byCode)} from the comparison`,
              onclick: () => update({ series: state.series.filter((s) => s !== codes) }),
            },
            "×",
          ),
        ),
      ),
    );
    const single = state.series.filter((s) => s.length === 1).map((s) => s[0]!);
    const all = [...new Set(state.series.flat())];
    if (shown) {
      shell.list.setPressed(single);
      shell.map.mark(all, false);
    }
  }

  async function draw(): Promise<void> {
    const mine = ++token;
    syncControls();
    if (state.series.length === 0) {
      disposeCharts(out);
      replace(out, h("p", { class: "muted empty-state" }, "Add a port to compare."));
      return;
    }
    replace(status, message("info", "loading…"));
    out.setAttribute("aria-busy", "true");
    let data: SeriesData[];
    try {
      data = await Promise.all(state.series.map((codes) => loadSeries(codes, state, shell)));
    } catch (e) {
      if (mine === token) {
        replace(status, message("error", `could not load the comparison: ${(e as Error).message}`));
        out.removeAttribute("aria-busy");
      }
      return;
    }
    if (mine !== token) return;
    replace(status);
    out.removeAttribute("aria-busy");
    const s = state;
    const months = monthRange(s.from, s.to);
    const bases = new Map(data.map((d) => [d.key, indexBase(d, s, months)]));
    const unit = data[0]?.unit ?? "";
    const measureLabel = isTrade(s.measure)
      ? TRADE_MEASURES.find((t) => t.id === s.measure)!.label
      : `${s.measure} crossing into the U.S.`;
    const perLabel = s.per === "day" ? `${unit} per day (average of the month)` : `${unit} per month`;
    const yLabel =
      s.show === "value"
        ? perLabel
        : s.show === "index"
          ? `index, first month with data = 100 (${perLabel})`
          : `change on the same month a year before (${perLabel})`;
    const fmt = (v: number) =>
      s.show === "index"
        ? v.toFixed(1)
        : s.show === "yoy"
          ? formatChange(v)
          : unit === "USD"
            ? formatUsdShort(v)
            : s.per === "day"
              ? formatRate(v)
              : formatCount(v);
    const cellFmt = (v: number | null) =>
      v === null
        ? "–"
        : s.show === "index"
          ? v.toFixed(1)
          : s.show === "yoy"
            ? formatChange(v)
            : unit === "USD"
              ? formatUsd(v)
              : s.per === "day"
                ? formatRate(v)
                : formatCount(v);
    const notes = [...new Set(data.flatMap((d) => d.notes))];
    const dataset = (): Dataset => ({
      name: `compare-${slug(s.measure)}-${s.per}-${s.show}-${s.from}-${s.to}-${slug(data.map((d) => d.key).join("-"))}`,
      title: `${measureLabel}: ${data.map((d) => d.label).join(", ")}, ${formatMonthRange(s.from, s.to)}, ${yLabel}`,
      source: isTrade(s.measure)
        ? "BTS TransBorder Freight Data (exports + imports, by port of clearance)"
        : "BTS Border Crossing/Entry Data (inbound crossings only)",
      api: data.map((d) => d.api).filter(Boolean),
      period: { from: s.from, to: s.to },
      columns: [
        { key: "month", label: "month" },
        { key: "series", label: "ports (codes joined with + are added together)" },
        { key: "name", label: "series" },
        { key: "measure", label: "measure" },
        { key: "value", label: "total in the month", unit },
        { key: "perDay", label: "per day of the month", unit: `${unit} per day` },
        {
          key: "shown",
          label: `what the chart shows: ${SHOW_LABEL[s.show]}, ${s.per === "day" ? "per day" : "per month"}`,
          unit:
            s.show === "value"
              ? s.per === "day"
                ? `${unit} per day`
                : unit
              : s.show === "index"
                ? "index"
                : "fraction (0.05 = +5%)",
          derived: s.show !== "value",
        },
        { key: "status", label: "status: observed, missing (a gap in the data), not-reported (no row)" },
      ],
      rows: data.flatMap((d) =>
        months.map((m) => {
          const x = d.byMonth.get(m);
          return {
            month: m,
            series: d.key,
            name: d.label,
            measure: s.measure,
            value: x?.value ?? null,
            perDay: x?.perDay ?? null,
            shown: shownValue(d, s, m, bases.get(d.key)?.value ?? null),
            status: x?.status ?? "not-reported",
          };
        }),
      ),
      notes: [
        ...(s.show === "index"
          ? data.map((d) => {
              const b = bases.get(d.key);
              return `${d.label}: index base ${b ? `${b.month} = ${fmt(b.value)}` : "none (no figure above zero)"}`;
            })
          : []),
        ...notes,
      ],
    });
    disposeCharts(out);
    replace(
      out,
      chartFigure({
        id: "compare",
        title: `${measureLabel}, ${formatMonthRange(s.from, s.to)}`,
        measures: `${yLabel}; one scale for every series; gaps are months without a figure`,
        height: 360,
        option: {
          ...baseTimeOption(fmt),
          xAxis: { type: "category", data: months.map(formatMonth) },
          yAxis: { type: "value", scale: s.show !== "value", axisLabel: { formatter: fmt } },
          series: data.map((d) => ({
            name: d.label,
            type: "line",
            showSymbol: months.length <= 36,
            connectNulls: false,
            data: months.map((m) => shownValue(d, s, m, bases.get(d.key)?.value ?? null)),
          })),
        },
        data: dataset,
        table: table(
          [{ label: "month" }, ...data.map((d) => ({ label: d.label, numeric: true }))],
          months.map((m) => [
            m,
            ...data.map((d) => cellFmt(shownValue(d, s, m, bases.get(d.key)?.value ?? null))),
          ]),
          { attrs: { "data-table": "compare" }, label: "the comparison's numbers" },
        ),
      }),
      notes.length
        ? h(
            "ul",
            { class: "notes" },
            notes.map((n) => h("li", {}, n)),
          )
        : null,
    );
  }

  return {
    el,
    show(r: Route) {
      shown = true;
      state = readState(r.params, shell);
      shell.list.setMode("compare");
      shell.map.select(null);
      shell.map.showDiversions(null);
      shell.replaceRoute(compareRoute(state));
      void draw();
    },
    pick(code: string) {
      const i = state.series.findIndex((s) => s.length === 1 && s[0] === code);
      if (i >= 0) update({ series: state.series.filter((_, j) => j !== i) });
      else addSeries([code]);
    },
    hide() {
      shown = false;
      shell.list.setPressed([]);
      shell.map.mark([]);
    },
  };
}
