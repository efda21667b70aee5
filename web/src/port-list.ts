// The list of ports beside the map: search, border filter, what the circles measure, and one button per
// port (the keyboard way to everything the map does).
import { addMonths, type Month } from "../../src/domain/units.ts";
import { getJson, query, type CrossingsAnswer, type PortItem, type TradeAnswer } from "./api.ts";
import { BORDER_COLOURS } from "./charts.ts";
import { h, replace } from "./dom.ts";
import { formatCount, formatMonthRange, formatUsd } from "./format.ts";
import type { SizeMeasure } from "./map.ts";

/** What the circles and the list can be sized by. */
interface SizeOption {
  id: string;
  label: string;
  load: () => Promise<SizeMeasure>;
}

/** Crossing measures a user can size the map by, with their unit and mode. */
const MEASURE_OPTIONS = [
  { measure: "Trucks", unit: "trucks", mode: "truck" },
  { measure: "Trains", unit: "trains", mode: "rail" },
  { measure: "Rail Containers Loaded", unit: "loaded rail containers", mode: "rail" },
  { measure: "Personal Vehicles", unit: "personal vehicles", mode: "personal-vehicle" },
  { measure: "Pedestrians", unit: "pedestrians", mode: "pedestrian" },
  { measure: "Buses", unit: "buses", mode: "bus" },
] as const;

/** How clicking a port behaves: open its profile, or add it to the scenario being built. */
export type ListMode = "profile" | "scenario";

export interface PortListOptions {
  ports: PortItem[];
  tradeWindow: { from: string; to: string };
  crossingsLast: string;
  onPick: (code: string) => void;
  onMeasure: (m: SizeMeasure) => void;
}

/** The searchable list of ports, sized by the chosen measure. */
export class PortList {
  readonly el: HTMLElement;
  private readonly listEl: HTMLUListElement;
  private readonly hintEl: HTMLElement;
  private readonly statusEl: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly border: HTMLSelectElement;
  private readonly sizeSelect: HTMLSelectElement;
  private readonly options: SizeOption[];
  private readonly cache = new Map<string, Promise<SizeMeasure>>();
  private measure: SizeMeasure | null = null;
  private current: string | null = null;
  private pressed = new Set<string>();
  private mode: ListMode = "profile";

  constructor(private readonly o: PortListOptions) {
    const tw = formatMonthRange(o.tradeWindow.from, o.tradeWindow.to);
    const cFrom = addMonths(o.crossingsLast as Month, -11);
    const cw = formatMonthRange(cFrom, o.crossingsLast);
    const tradeByMode = (mode: string) => async (): Promise<SizeMeasure> => {
      const r = await getJson<TradeAnswer>(
        `/api/trade${query({ by: "port", mode, from: o.tradeWindow.from, to: o.tradeWindow.to })}`,
      );
      return {
        label: `${mode} trade value, ${tw} (exports + imports)`,
        values: new Map(r.groups.flatMap((g) => (g.valueUsd === null ? [] : [[g.key, g.valueUsd] as const]))),
        format: formatUsd,
      };
    };
    this.options = [
      {
        id: "trade",
        label: `Trade value, all modes (${tw})`,
        load: async () => ({
          label: `trade value, all modes, ${tw} (exports + imports)`,
          values: new Map(o.ports.map((p) => [p.code, p.tradeUsd12m])),
          format: formatUsd,
        }),
      },
      { id: "trade-truck", label: `Truck trade value (${tw})`, load: tradeByMode("truck") },
      { id: "trade-rail", label: `Rail trade value (${tw})`, load: tradeByMode("rail") },
      ...MEASURE_OPTIONS.map((m) => ({
        id: m.measure,
        label: `${m.measure}, inbound (${cw})`,
        load: async (): Promise<SizeMeasure> => {
          // One request: by=port gives one total per port over the window.
          const r = await getJson<CrossingsAnswer>(
            `/api/crossings${query({ measure: m.measure, from: cFrom, to: o.crossingsLast, by: "port" })}`,
          );
          // A port without data in the window (a hole, or not reported) gets no circle, not a circle of 0.
          const values = new Map<string, number>(
            r.points.flatMap((x) => (x.value === null ? [] : [[x.period, x.value] as const])),
          );
          return {
            label: `${m.unit} crossing into the U.S., ${cw} (BTS, inbound only)`,
            values,
            format: (v) => formatCount(v, m.unit),
          };
        },
      })),
    ];

    this.search = h("input", {
      type: "search",
      id: "port-search",
      placeholder: "name, code or state",
      autocomplete: "off",
      oninput: () => this.render(),
    });
    this.border = h(
      "select",
      { id: "port-border", onchange: () => this.render() },
      h("option", { value: "" }, "both borders"),
      h("option", { value: "mexico" }, "Mexican border"),
      h("option", { value: "canada" }, "Canadian border"),
    );
    this.sizeSelect = h(
      "select",
      { id: "port-size", onchange: () => void this.choose(this.sizeSelect.value) },
      this.options.map((x) => h("option", { value: x.id }, x.label)),
    );
    this.hintEl = h("p", { class: "hint", id: "port-list-hint" });
    this.statusEl = h("p", { class: "status", role: "status", "aria-live": "polite" });
    this.listEl = h("ul", { class: "port-list", id: "port-list", "aria-describedby": "port-list-hint" });
    this.el = h(
      "section",
      { class: "ports", "aria-label": "Ports of entry" },
      h(
        "div",
        { class: "port-controls" },
        h("label", { for: "port-search" }, "Find a port", this.search),
        h("label", { for: "port-border" }, "Border", this.border),
        h("label", { for: "port-size", class: "wide" }, "Circle area and order by", this.sizeSelect),
      ),
      h(
        "p",
        { class: "legend" },
        h(
          "span",
          { class: "item" },
          h("span", { class: "swatch", style: `background:${BORDER_COLOURS.mexico}` }),
          "Mexican border",
        ),
        h(
          "span",
          { class: "item" },
          h("span", { class: "swatch", style: `background:${BORDER_COLOURS.canada}` }),
          "Canadian border",
        ),
        h("span", { class: "item" }, h("span", { class: "swatch ring" }), "in the scenario or event"),
      ),
      this.hintEl,
      this.statusEl,
      this.listEl,
    );
    this.setMode("profile");
    void this.choose("trade");
  }

  private status(text: string): void {
    this.statusEl.textContent = text;
  }

  private async choose(id: string): Promise<void> {
    const opt = this.options.find((x) => x.id === id) ?? this.options[0]!;
    let p = this.cache.get(opt.id);
    if (!p) {
      p = opt.load();
      this.cache.set(opt.id, p);
      p.catch(() => this.cache.delete(opt.id));
    }
    this.status(`loading ${opt.label}…`);
    try {
      const m = await p;
      if (this.sizeSelect.value !== opt.id) return;
      this.measure = m;
      this.status(`circle area: ${m.label}`);
      this.o.onMeasure(m);
      this.render();
    } catch (e) {
      this.status(`could not load ${opt.label}: ${(e as Error).message}`);
    }
  }

  /** Sets what a click does, and says so above the list. */
  setMode(mode: ListMode, eventLabel = "the scenario"): void {
    this.mode = mode;
    this.hintEl.textContent =
      mode === "profile"
        ? "Choose a port (here or on the map) to open its profile."
        : `Choose a port (here or on the map) to add it to or remove it from ${eventLabel}.`;
    this.render();
  }

  /** Marks the port whose profile is open. */
  setCurrent(code: string | null): void {
    this.current = code;
    this.render();
  }

  /** Marks the ports of the scenario being built. */
  setPressed(codes: Iterable<string>): void {
    this.pressed = new Set(codes);
    this.render();
  }

  private render(): void {
    // Keep the keyboard focus on the same port across a re-render.
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.code;
    const q = this.search.value.trim().toLowerCase();
    const border = this.border.value;
    const values = this.measure?.values;
    const rows = this.o.ports
      .filter((p) => !border || p.border === border)
      .filter(
        (p) =>
          !q || p.name.toLowerCase().includes(q) || p.code.includes(q) || p.state.toLowerCase().includes(q),
      )
      .sort(
        (a, b) => (values?.get(b.code) ?? 0) - (values?.get(a.code) ?? 0) || a.name.localeCompare(b.name),
      );
    const fmt = this.measure?.format ?? formatUsd;
    replace(
      this.listEl,
      rows.length
        ? rows.map((p) =>
            h(
              "li",
              {},
              h(
                "button",
                {
                  type: "button",
                  class: "port-item",
                  "data-code": p.code,
                  "aria-current": this.mode === "profile" && p.code === this.current ? "true" : null,
                  "aria-pressed": this.mode === "scenario" ? String(this.pressed.has(p.code)) : null,
                  onclick: () => this.o.onPick(p.code),
                },
                h("span", { class: "swatch", style: `background:${BORDER_COLOURS[p.border]}` }),
                h("span", { class: "port-name" }, p.name, h("small", {}, ` ${p.code} · ${p.state}`)),
                h("span", { class: "port-value" }, fmt(values?.get(p.code) ?? 0)),
              ),
            ),
          )
        : h("li", { class: "empty" }, `no port matches “${this.search.value}”`),
    );
    if (focused) this.listEl.querySelector<HTMLElement>(`[data-code="${focused}"]`)?.focus();
  }
}
