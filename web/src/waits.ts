// Wait times: what the archive `borderflow watch` keeps says about a port's crossings and lanes — the last
// hour it holds, the typical wait by hour of day and by weekday, and the best time to cross (GET /api/waits).
import "./zod-config.ts"; // first: before any zod schema is built
import { LANE_GROUPS, LANE_TYPES, WEEKDAYS, type ForecastEvent } from "../../src/domain/wait-times.ts";
import { ApiError, getJson, query } from "./api.ts";
import { baseTimeOption, chartFigure, disposeCharts } from "./charts.ts";
import { h, message, replace, statusBadge, table } from "./dom.ts";
import { exportButtons, slug, type Dataset } from "./export.ts";
import { formatInt } from "./format.ts";
import { portCodeOf, portInput } from "./port-input.ts";
import { route, type Route } from "./router.ts";
import type { Shell, View } from "./shell.ts";

/** One row of GET /api/waits (src/services/waits.ts, WaitStatsRow). */
interface WaitRow {
  port: string;
  portName: string;
  crossing: string;
  crossingName: string;
  lane: string;
  hour?: number;
  weekday?: string;
  readings: number;
  typicalMinutes: number | null;
  meanMinutes: number | null;
  p90Minutes: number | null;
  maxMinutes: number | null;
  closedReadings: number;
  firstUpdate: string | null;
  lastUpdate: string | null;
}

/** GET /api/waits (src/services/waits.ts, WaitSummary). */
interface WaitAnswer {
  port: { code: string; name: string };
  lanes: string[];
  from: string | null;
  to: string | null;
  by: "crossing" | "hour" | "weekday";
  rows: WaitRow[];
  best: {
    crossing: string;
    crossingName: string;
    lane: string;
    weekday?: string;
    hour?: number;
    typicalMinutes: number;
    readings: number;
  }[];
  readingsInRange: number;
  notes: string[];
}

/** GET /api/forecast (docs/forecast.md): the next hours per crossing and lane. */
interface ForecastAnswer {
  port: { code: string; name: string };
  at: string;
  series: {
    crossing: string;
    crossingName: string;
    lane: string;
    lastReading: { hourStart: string; minutes: number } | null;
    historyHours: number;
    hours: {
      hourStart: string;
      horizon: number;
      expectedMinutes: number;
      lowMinutes: number;
      highMinutes: number;
      usualMinutes: number | null;
      holidays: string[];
    }[];
  }[];
  /** Closures reported at the port or a port nearby in the last day (src/services/forecast.ts, ForecastEvent). */
  events: ForecastEvent[];
  notes: string[];
}

/**
 * The known events of a forecast, each with a badge: a lane reported closed at the port or nearby, which the
 * forecast does not model (its traffic can lengthen the other lanes' waits).
 */
function forecastEvents(events: readonly ForecastEvent[]): HTMLElement | null {
  if (!events.length) return null;
  return h(
    "ul",
    { class: "forecast-events", "aria-label": "Known events near the port" },
    events.map((e) =>
      h(
        "li",
        { "data-event": e.kind, "data-crossing": e.crossing, "data-lane": e.lane },
        statusBadge("closure", e.distanceKm ? `${e.distanceKm} km away` : "at this port"),
        " ",
        `${e.crossingName || e.crossing} (${e.crossing}) ${e.lane}${e.distanceKm ? `, ${e.portName} (${e.port})` : ""}: reported closed ${formatInt(e.closedReadings)} time${e.closedReadings === 1 ? "" : "s"} since ${e.since}. The forecast does not model closures; traffic sent from a closed lane can lengthen the others' waits.`,
      ),
    ),
  );
}

/**
 * The expected wait and its 80% interval for each coming hour, beside the usual wait for that hour: model
 * figures (estimates), not readings.
 */
function renderForecast(el: HTMLElement, a: ForecastAnswer, apiUrl: string, live: boolean): void {
  disposeCharts(el);
  const who = `${a.port.name} (${a.port.code})`;
  const from = live ? "now" : `the archive's last reading (${a.at.slice(0, 16).replace("T", " ")} UTC)`;
  const label = (x: { hourStart: string }) => `${x.hourStart.slice(5, 10)} ${x.hourStart.slice(11, 16)}`;
  replace(
    el,
    h("h3", {}, "Forecast of the next hours ", statusBadge("estimate", "a model's figures, not readings")),
    h(
      "p",
      { class: "muted" },
      `From ${from}: the usual wait for each hour (month, weekday, hour; holidays apart) corrected by the last readings, with an 80% interval (docs/forecast.md).`,
    ),
    forecastEvents(a.events ?? []),
    a.series.map((s) =>
      chartFigure({
        id: `forecast-${s.crossing}-${s.lane}`,
        title: `${s.crossingName || s.crossing} (${s.crossing}), ${s.lane}`,
        measures: `minutes, local time; last reading ${s.lastReading ? `${s.lastReading.minutes} min at ${label(s.lastReading)}` : "none in the 3 hours before"}; from ${s.historyHours} hours of history`,
        height: 220,
        data: (): Dataset => ({
          name: `${slug(who)}-forecast-${s.crossing}-${s.lane}-${a.at.slice(0, 13)}`,
          title: `Wait forecast at ${who}, ${s.crossingName || s.crossing} (${s.crossing}), ${s.lane}, from ${a.at}`,
          source: "borderflow wait forecast (docs/forecast.md) over the CBP Border Wait Times archive",
          api: [apiUrl],
          period: { from: s.hours[0]?.hourStart ?? a.at, to: s.hours.at(-1)?.hourStart ?? a.at },
          columns: [
            { key: "hourStart", label: "hour (local time)" },
            { key: "horizon", label: "hours after the last reading", unit: "hours" },
            { key: "expectedMinutes", label: "expected wait", unit: "minutes" },
            { key: "lowMinutes", label: "80% interval, low", unit: "minutes" },
            { key: "highMinutes", label: "80% interval, high", unit: "minutes" },
            { key: "usualMinutes", label: "the usual wait for the hour", unit: "minutes" },
            { key: "holidays", label: "holidays" },
            { key: "status", label: "status" },
          ],
          rows: s.hours.map((x) => ({ ...x, holidays: x.holidays.join("; "), status: "estimate" })),
          notes: a.notes,
        }),
        option: {
          ...baseTimeOption((v) => `${v} min`),
          xAxis: { type: "category", data: s.hours.map(label) },
          series: [
            {
              name: "low",
              type: "line",
              stack: "band",
              data: s.hours.map((x) => x.lowMinutes),
              lineStyle: { opacity: 0 },
              symbol: "none",
              tooltip: { show: false },
            },
            {
              name: "80% interval",
              type: "line",
              stack: "band",
              data: s.hours.map((x) => x.highMinutes - x.lowMinutes),
              lineStyle: { opacity: 0 },
              symbol: "none",
              itemStyle: { color: "#56B4E9" },
              areaStyle: { color: "#56B4E9", opacity: 0.3 },
            },
            {
              name: "expected",
              type: "line",
              data: s.hours.map((x) => x.expectedMinutes),
              itemStyle: { color: "#0072B2" },
            },
            {
              name: "usual for the hour",
              type: "line",
              data: s.hours.map((x) => x.usualMinutes),
              lineStyle: { type: "dashed" },
              itemStyle: { color: "#E69F00" },
            },
          ],
          legend: { top: 0, data: ["expected", "80% interval", "usual for the hour"] },
        },
      }),
    ),
    a.notes.length
      ? h(
          "ul",
          { class: "notes" },
          a.notes.map((n) => h("li", {}, n)),
        )
      : null,
  );
}

const SOURCE =
  "CBP Border Wait Times feed, as archived by borderflow watch (CBP's estimates at its update times)";
/** Ports with the busiest crossings, offered when no port is chosen. */
const SUGGESTED = ["2504", "2402", "2304", "2506", "3801", "0901", "3004"];

const minutes = (v: number | null | undefined) =>
  v === null || v === undefined ? "–" : `${Number.isInteger(v) ? v : v.toFixed(1)} min`;
const hourText = (hr: number) => `${String(hr).padStart(2, "0")}:00`;
const seriesKey = (r: { crossing: string; lane: string }) => `${r.crossing}|${r.lane}`;
const seriesName = (r: { crossingName: string; crossing: string; lane: string }) =>
  `${r.crossingName || r.crossing} (${r.crossing}), ${r.lane}`;

/** The columns every export of wait statistics has. */
const ROW_COLUMNS = [
  { key: "port", label: "CBP port code" },
  { key: "portName", label: "port" },
  { key: "crossing", label: "CBP crossing number" },
  { key: "crossingName", label: "crossing" },
  { key: "lane", label: "lane type" },
  { key: "readings", label: "readings with a wait", unit: "readings" },
  { key: "typicalMinutes", label: "typical wait (median of the readings)", unit: "minutes" },
  { key: "meanMinutes", label: "mean wait", unit: "minutes" },
  { key: "p90Minutes", label: "90th percentile", unit: "minutes" },
  { key: "maxMinutes", label: "longest", unit: "minutes" },
  { key: "closedReadings", label: "readings showing the lane closed", unit: "readings" },
  { key: "firstUpdate", label: "first update in the range (local time)" },
  { key: "lastUpdate", label: "last update in the range (local time)" },
  { key: "status", label: "status" },
];

export function createView(shell: Shell): View {
  let token = 0;
  let port: string | null = null;
  const portField = portInput("waits-port", "name or code, e.g. El Paso or 2402", () => choose());
  const laneSelect = h(
    "select",
    { id: "waits-lane" },
    h("option", { value: "" }, "every lane"),
    LANE_GROUPS.map((g) => h("option", { value: g }, `${g} lanes`)),
    LANE_TYPES.map((t) => h("option", { value: t }, t)),
  );
  const fromInput = h("input", { type: "date", id: "waits-from" });
  const toInput = h("input", { type: "date", id: "waits-to" });
  const out = h("div", { id: "waits-out" });
  const status = h("div", { role: "status", "aria-live": "polite" });

  // A port, or a 6-character CBP crossing number (the API reads those too).
  const resolve = (text: string) =>
    /^[0-9a-z]\d{5}$/i.test(text.trim()) ? text.trim() : portCodeOf(text, shell.ports);
  const params = () => ({
    lane: laneSelect.value || undefined,
    from: fromInput.value || undefined,
    to: toInput.value || undefined,
  });
  function choose(): void {
    const code = resolve(portField.value);
    if (!code) {
      replace(
        status,
        message("error", `no port “${portField.value}”: give a name or a code, e.g. El Paso or 2402`),
      );
      return;
    }
    shell.go(route("waits", code, params()));
  }
  const edit = () => {
    if (port) shell.go(route("waits", port, params()), "replace");
  };
  laneSelect.addEventListener("change", edit);
  fromInput.addEventListener("change", edit);
  toInput.addEventListener("change", edit);

  const el = h(
    "div",
    { class: "waits" },
    h("h2", { id: "waits-title", tabindex: "-1" }, "Wait times"),
    h(
      "p",
      { class: "lead" },
      "CBP's wait estimates at each crossing and lane, from the archive `borderflow watch` keeps: the last hour it holds, the typical wait by hour and weekday (local time), and the best time to cross.",
    ),
    h(
      "div",
      { class: "row" },
      h("label", { for: "waits-port", class: "grow" }, "Port or crossing", portField),
      h("button", { type: "button", class: "secondary", onclick: choose }, "Show"),
    ),
    h(
      "div",
      { class: "row" },
      h("label", { for: "waits-lane" }, "Lanes", laneSelect),
      h("label", { for: "waits-from" }, "From (local date)", fromInput),
      h("label", { for: "waits-to" }, "To", toInput),
    ),
    status,
    out,
  );

  async function load(r: Route): Promise<void> {
    const mine = ++token;
    port = r.id;
    laneSelect.value = r.params.get("lane") ?? "";
    fromInput.value = r.params.get("from") ?? "";
    toInput.value = r.params.get("to") ?? "";
    disposeCharts(out);
    replace(status);
    if (!port) {
      shell.list.setCurrent(null);
      replace(
        out,
        h(
          "p",
          { class: "muted empty-state" },
          "Choose a port above, in the list or on the map. Busy crossings: ",
          SUGGESTED.filter((c) => shell.byCode.has(c)).map((c, i) => [
            i ? ", " : "",
            h("a", { href: `#waits=${c}` }, `${shell.byCode.get(c)!.name} (${c})`),
          ]),
          ".",
        ),
      );
      return;
    }
    const p = shell.byCode.get(port);
    portField.value = p ? `${p.name} (${p.code})` : port;
    shell.list.setCurrent(p ? p.code : null);
    shell.map.select(p ? p.code : null, Boolean(p));
    replace(out, message("info", `loading the wait times of ${portField.value}…`));
    const q = {
      port,
      lane: laneSelect.value || undefined,
      from: fromInput.value || undefined,
      to: toInput.value || undefined,
    };
    const url = (by: string, extra: Record<string, string | undefined> = {}) =>
      `/api/waits${query({ ...q, by, ...extra })}`;
    try {
      const [byCrossing, byHour, byWeekday] = await Promise.all([
        getJson<WaitAnswer>(url("crossing")),
        getJson<WaitAnswer>(url("hour")),
        getJson<WaitAnswer>(url("weekday")),
      ]);
      if (mine !== token) return;
      // The last local day with readings, by hour: what the archive says about the latest hour.
      const lastDays = [
        ...new Set(byCrossing.rows.map((x) => x.lastUpdate?.slice(0, 10)).filter((d): d is string => !!d)),
      ];
      const latest = await Promise.all(
        lastDays.map((d) =>
          getJson<WaitAnswer>(url("hour", { from: d, to: d })).then((a) => ({
            day: d,
            url: url("hour", { from: d, to: d }),
            a,
          })),
        ),
      );
      if (mine !== token) return;
      disposeCharts(out);
      replace(out, ...render(byCrossing, byHour, byWeekday, latest, url));
      // The next hours: from now when the archive is live, else from its last reading (a replay of the past).
      const last = byCrossing.rows
        .map((x) => x.lastUpdate ?? "")
        .sort()
        .at(-1);
      if (last) {
        const lastMs = Date.parse(last);
        const live = Date.now() - lastMs < 3 * 3_600_000;
        const at = live ? null : new Date(lastMs + 10 * 60_000).toISOString();
        const f = `/api/forecast${query({ port, lane: laneSelect.value || undefined, hours: 12, at: at ?? undefined })}`;
        const slot = document.getElementById("waits-forecast");
        if (slot)
          void getJson<ForecastAnswer>(f)
            .then((a) => {
              if (mine === token) renderForecast(slot, a, f, live);
            })
            .catch((e: unknown) => {
              if (mine === token) replace(slot, message("info", `No forecast: ${(e as Error).message}`));
            });
      }
      shell.focusView(document.getElementById("waits-port-title"));
    } catch (e) {
      if (mine !== token) return;
      const text =
        e instanceof ApiError && e.status === 404
          ? e.message
          : `could not load the wait times: ${(e as Error).message}`;
      replace(out, message("error", text));
    }
  }

  function render(
    c: WaitAnswer,
    byHour: WaitAnswer,
    byWeekday: WaitAnswer,
    latest: { day: string; url: string; a: WaitAnswer }[],
    url: (by: string) => string,
  ): HTMLElement[] {
    const who = `${c.port.name} (${c.port.code})`;
    const range = c.from || c.to ? `${c.from ?? "…"} to ${c.to ?? "…"}` : "the whole archive";
    const head = h(
      "header",
      { class: "profile-head" },
      h(
        "div",
        {},
        h("h2", { id: "waits-port-title", tabindex: "-1" }, `Wait times at ${who}`),
        h(
          "p",
          { class: "meta" },
          `${formatInt(c.readingsInRange)} readings in ${range}; ${c.lanes.length ? `lanes ${c.lanes.join(", ")}` : "every lane"}`,
        ),
      ),
    );
    if (c.rows.length === 0)
      return [
        head,
        h(
          "p",
          { class: "muted empty-state", "data-empty": "waits" },
          `No wait readings of ${who} in ${range}.`,
        ),
        h(
          "ul",
          { class: "notes" },
          c.notes.map((n) => h("li", {}, n)),
        ),
      ];
    const series = c.rows.map((x) => ({ key: seriesKey(x), name: seriesName(x), row: x }));
    const statsData =
      (a: WaitAnswer, what: string, extra: { key: string; label: string; unit?: string }[], apiUrl: string) =>
      (): Dataset => ({
        name: `${slug(who)}-waits-by-${a.by}${a.from ? `-${a.from}` : ""}${a.to ? `-${a.to}` : ""}`,
        title: `Wait times at ${who} ${what}, ${range}`,
        source: SOURCE,
        api: [apiUrl],
        period: a.rows.length
          ? {
              from: a.from ?? a.rows.map((x) => x.firstUpdate ?? "").sort()[0]!,
              to:
                a.to ??
                a.rows
                  .map((x) => x.lastUpdate ?? "")
                  .sort()
                  .at(-1)!,
            }
          : null,
        columns: [...ROW_COLUMNS.slice(0, 5), ...extra, ...ROW_COLUMNS.slice(5)],
        rows: a.rows.map((x) => ({ ...x, status: "observed" })),
        notes: a.notes,
      });

    const latestCards = series.map((s) => {
      const last = s.row.lastUpdate;
      const day = latest.find((l) => l.day === last?.slice(0, 10));
      const hr = last ? Number(last.slice(11, 13)) : null;
      const x = day?.a.rows.find((r) => seriesKey(r) === s.key && r.hour === hr);
      return h(
        "div",
        { class: "card", "data-figure": `latest:${s.key}` },
        h("span", { class: "label" }, s.name),
        h("span", { class: "big", "data-part": "value" }, x ? minutes(x.typicalMinutes) : "–"),
        h(
          "span",
          { class: "sub" },
          last
            ? `the last hour in the archive, ${last.slice(0, 10)} ${hourText(hr!)} local (${formatInt(x?.readings ?? 0)} reading${x?.readings === 1 ? "" : "s"}${x?.closedReadings ? `, ${x.closedReadings} closed` : ""})`
            : "no reading with a time",
        ),
      );
    });
    const bestCards = c.best.map((b) =>
      h(
        "div",
        { class: "card", "data-figure": `best:${b.crossing}|${b.lane}` },
        h(
          "span",
          { class: "label" },
          `Best time: ${b.crossingName || b.crossing} (${b.crossing}), ${b.lane}`,
        ),
        h(
          "span",
          { class: "big", "data-part": "value" },
          `${b.weekday ?? ""} ${b.hour !== undefined ? hourText(b.hour) : ""}`.trim(),
        ),
        h(
          "span",
          { class: "sub" },
          `typical ${minutes(b.typicalMinutes)} over ${formatInt(b.readings)} readings at that weekday and hour (local)`,
        ),
      ),
    );

    const hours = Array.from({ length: 24 }, (_, i) => i);
    const hourSeries = series.map((s) => ({
      ...s,
      by: new Map(byHour.rows.filter((r) => seriesKey(r) === s.key).map((r) => [r.hour!, r])),
    }));
    const hourChart = chartFigure({
      id: "waits-hour",
      title: "Typical wait by hour of day",
      measures: `minutes (median of the readings at each local hour), ${range}; gaps are hours without a reading`,
      height: 300,
      data: statsData(
        byHour,
        "by local hour",
        [{ key: "hour", label: "local hour", unit: "hour of the day (0–23)" }],
        url("hour"),
      ),
      option: {
        ...baseTimeOption((v) => `${v} min`),
        xAxis: { type: "category", data: hours.map(hourText) },
        series: hourSeries.map((s) => ({
          name: s.name,
          type: "line",
          connectNulls: false,
          data: hours.map((hr) => s.by.get(hr)?.typicalMinutes ?? null),
        })),
      },
      table: table(
        [{ label: "hour" }, ...hourSeries.map((s) => ({ label: s.name, numeric: true }))],
        hours.map((hr) => [hourText(hr), ...hourSeries.map((s) => minutes(s.by.get(hr)?.typicalMinutes))]),
        { label: "typical wait by hour" },
      ),
    });
    const daySeries = series.map((s) => ({
      ...s,
      by: new Map(byWeekday.rows.filter((r) => seriesKey(r) === s.key).map((r) => [r.weekday!, r])),
    }));
    const weekdayChart = chartFigure({
      id: "waits-weekday",
      title: "Typical wait by weekday",
      measures: `minutes (median of the readings on each local weekday), ${range}`,
      data: statsData(
        byWeekday,
        "by local weekday",
        [{ key: "weekday", label: "local weekday" }],
        url("weekday"),
      ),
      option: {
        ...baseTimeOption((v) => `${v} min`),
        xAxis: { type: "category", data: [...WEEKDAYS] },
        series: daySeries.map((s) => ({
          name: s.name,
          type: "bar",
          data: WEEKDAYS.map((d) => s.by.get(d)?.typicalMinutes ?? null),
        })),
      },
      table: table(
        [{ label: "weekday" }, ...daySeries.map((s) => ({ label: s.name, numeric: true }))],
        WEEKDAYS.map((d) => [d, ...daySeries.map((s) => minutes(s.by.get(d)?.typicalMinutes))]),
        { label: "typical wait by weekday" },
      ),
    });

    return [
      head,
      h(
        "section",
        { "aria-label": "The last hour in the archive" },
        h("h3", {}, "Latest in the archive"),
        h("div", { class: "cards" }, latestCards),
      ),
      h(
        "section",
        { "aria-label": "Best time to cross" },
        h("h3", {}, "Best time to cross"),
        h("div", { class: "cards" }, bestCards),
      ),
      h("section", { id: "waits-forecast", "aria-label": "Forecast of the next hours" }),
      hourChart,
      weekdayChart,
      h(
        "section",
        {},
        h(
          "div",
          { class: "section-head" },
          h("h3", {}, "By crossing and lane"),
          exportButtons(
            statsData(c, "by crossing and lane", [], url("crossing")),
            "wait times by crossing and lane",
          ),
        ),
        table(
          [
            { label: "crossing and lane" },
            { label: "readings", numeric: true },
            { label: "typical", numeric: true },
            { label: "mean", numeric: true },
            { label: "p90", numeric: true },
            { label: "longest", numeric: true },
            { label: "closed", numeric: true },
            { label: "first – last update" },
          ],
          c.rows.map((x) => [
            seriesName(x),
            formatInt(x.readings),
            minutes(x.typicalMinutes),
            minutes(x.meanMinutes),
            minutes(x.p90Minutes),
            minutes(x.maxMinutes),
            formatInt(x.closedReadings),
            `${x.firstUpdate ?? "–"} – ${x.lastUpdate ?? "–"}`,
          ]),
          { attrs: { "data-table": "waits-by-crossing" }, label: "wait times by crossing and lane" },
        ),
      ),
      h(
        "section",
        { class: "notes" },
        h("h3", {}, "Notes"),
        h(
          "ul",
          {},
          c.notes.map((n) => h("li", {}, n)),
        ),
      ),
    ];
  }

  return {
    el,
    show(r: Route) {
      shell.list.setMode("waits");
      shell.list.setPressed([]);
      shell.map.mark([]);
      shell.map.showDiversions(null);
      void load(r);
    },
    pick(code: string) {
      shell.go(route("waits", code, params()));
    },
    hide() {
      shell.list.setCurrent(null);
    },
  };
}
