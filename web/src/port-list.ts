// The list of ports beside the map: search, border filter (applied to the map too), what the circles
// measure, and one button per port — the keyboard way to everything the map does. The list is one Tab
// stop: the arrow keys, Home, End, Page Up and Page Down move between its ports.
import { getJson, query, type Border, type CrossingsAnswer, type PortItem, type TradeAnswer } from "./api.ts";
import { h, replace } from "./dom.ts";
import { addMonths, formatCount, formatMonthRange, formatUsd } from "./format.ts";
import type { SizeMeasure } from "./map-facade.ts";

/** What the circles and the list can be sized by. */
interface SizeOption {
  id: string;
  label: string;
  load: () => Promise<SizeMeasure>;
}

/** Crossing measures a user can size the map by, with their unit. */
const MEASURE_OPTIONS = [
  { measure: "Trucks", unit: "trucks" },
  { measure: "Trains", unit: "trains" },
  { measure: "Rail Containers Loaded", unit: "loaded rail containers" },
  { measure: "Personal Vehicles", unit: "personal vehicles" },
  { measure: "Pedestrians", unit: "pedestrians" },
  { measure: "Buses", unit: "buses" },
] as const;

/** How choosing a port behaves: open its profile, or add it to (or remove it from) a set being built. */
export type ListMode = "profile" | "scenario" | "compare" | "waits";

export interface PortListOptions {
  ports: PortItem[];
  tradeWindow: { from: string; to: string };
  crossingsLast: string;
  onPick: (code: string, how: "pointer" | "keyboard") => void;
  onMeasure: (m: SizeMeasure) => void;
  onBorder: (b: Border | null) => void;
}

const HINTS: Record<ListMode, (target: string) => string> = {
  profile: () => "Choose a port (here or on the map) to open its profile.",
  scenario: (t) => `Choose a port (here or on the map) to add it to or remove it from ${t}.`,
  compare: () => "Choose a port (here or on the map) to add it to or remove it from the comparison.",
  waits: () => "Choose a port (here or on the map) to see its wait times.",
};

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
  /** The port that holds the list's one Tab stop. */
  private rover: string | null = null;

  constructor(private readonly o: PortListOptions) {
    const tw = formatMonthRange(o.tradeWindow.from, o.tradeWindow.to);
    const cFrom = addMonths(o.crossingsLast, -11);
    const cw = formatMonthRange(cFrom, o.crossingsLast);
    const tradeByMode = (mode: string) => async (): Promise<SizeMeasure> => {
      const r = await getJson<TradeAnswer>(
        `/api/trade${query({ by: "port", mode, from: o.tradeWindow.from, to: o.tradeWindow.to })}`,
      );
      return {
        label: `${mode} trade value, ${tw} (exports + imports)`,
        // A port without data in the window gets no circle, not a circle of 0.
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
          // A port TransBorder has no series for (null) gets no circle, not a circle of 0.
          values: new Map(
            o.ports.flatMap((p) => (p.tradeUsd12m === null ? [] : [[p.code, p.tradeUsd12m] as const])),
          ),
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
          return {
            label: `${m.unit} crossing into the U.S., ${cw} (BTS, inbound only)`,
            // A port without data in the window (a hole, or not reported) gets no circle, not a circle of 0.
            values: new Map<string, number>(
              r.points.flatMap((x) => (x.value === null ? [] : [[x.period, x.value] as const])),
            ),
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
      {
        id: "port-border",
        onchange: () => {
          this.o.onBorder((this.border.value || null) as Border | null);
          this.render();
        },
      },
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
    this.listEl = h("ul", {
      class: "port-list",
      id: "port-list",
      "aria-label": "Ports of entry",
      "aria-describedby": "port-list-hint",
      onkeydown: (e: KeyboardEvent) => this.keydown(e),
    });
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
        h("span", { class: "item" }, h("span", { class: "swatch mexico" }), "Mexican border"),
        h("span", { class: "item" }, h("span", { class: "swatch canada" }), "Canadian border"),
        h(
          "span",
          { class: "item" },
          h("span", { class: "swatch ring" }),
          "in the scenario, comparison or event",
        ),
      ),
      this.hintEl,
      this.statusEl,
      this.listEl,
    );
    this.setMode("profile");
    void this.choose("trade");
  }

  /** A short message above the list. */
  status(text: string): void {
    this.statusEl.textContent = text;
  }

  /** A port chosen on the map. */
  pick(code: string): void {
    this.o.onPick(code, "pointer");
  }

  /** Moves the keyboard focus into the list (to the current port, or the first). */
  focus(): void {
    (
      this.listEl.querySelector<HTMLElement>('[tabindex="0"]') ?? this.listEl.querySelector("button")
    )?.focus();
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
      this.status("");
      this.o.onMeasure(m);
      this.render();
    } catch (e) {
      this.status(`could not load ${opt.label}: ${(e as Error).message}`);
    }
  }

  /** Sets what choosing a port does, and says so above the list. */
  setMode(mode: ListMode, target = "the scenario"): void {
    this.mode = mode;
    this.hintEl.textContent = HINTS[mode](target);
    this.render();
  }

  /** Marks the port whose profile (or waits) is open. */
  setCurrent(code: string | null): void {
    this.current = code;
    if (code) this.rover = code;
    this.render();
  }

  /** Marks the ports of the scenario or comparison being built. */
  setPressed(codes: Iterable<string>): void {
    this.pressed = new Set(codes);
    this.render();
  }

  private buttons(): HTMLButtonElement[] {
    return [...this.listEl.querySelectorAll<HTMLButtonElement>("button.port-item")];
  }

  private keydown(e: KeyboardEvent): void {
    const items = this.buttons();
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    const page = 10;
    const to =
      e.key === "ArrowDown"
        ? i + 1
        : e.key === "ArrowUp"
          ? i - 1
          : e.key === "Home"
            ? 0
            : e.key === "End"
              ? items.length - 1
              : e.key === "PageDown"
                ? i + page
                : e.key === "PageUp"
                  ? i - page
                  : null;
    if (to === null) return;
    e.preventDefault();
    const next = items[Math.max(0, Math.min(items.length - 1, to))];
    if (!next) return;
    for (const b of items) b.tabIndex = -1;
    next.tabIndex = 0;
    this.rover = next.dataset.code ?? null;
    next.focus();
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
    if (focused && rows.some((p) => p.code === focused)) this.rover = focused;
    const rover = rows.some((p) => p.code === this.rover) ? this.rover : (rows[0]?.code ?? null);
    const pressedMode = this.mode === "scenario" || this.mode === "compare";
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
                  tabindex: p.code === rover ? "0" : "-1",
                  "aria-current":
                    !pressedMode && p.code === this.current
                      ? this.mode === "waits"
                        ? "true"
                        : "page"
                      : null,
                  "aria-pressed": pressedMode ? String(this.pressed.has(p.code)) : null,
                  // detail is 0 for a click made with Enter or Space.
                  onclick: (e: MouseEvent) => this.o.onPick(p.code, e.detail === 0 ? "keyboard" : "pointer"),
                },
                h("span", { class: `swatch ${p.border}` }),
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
