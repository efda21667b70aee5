// The map of all ports: a MapLibre map on the offline basemap, one circle per port (area by the chosen
// measure, colour by border), labels for the larger ports and a size legend drawn as HTML over the map (no
// glyph server needed), the border filter applied, and after a scenario run the diversions from each closed
// crossing to its alternatives, width by volume. Fitted to the contiguous border, with Alaska one button away.
import * as maplibregl from "maplibre-gl";
import type { GeoJSONSource, LngLatBoundsLike, MapLayerMouseEvent } from "maplibre-gl";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import "maplibre-gl/dist/maplibre-gl.css";
import type { FeatureCollection, LineString, Point } from "geojson";
import type { Border, PortItem } from "./api.ts";
import { basemapStyle, buildBasemap } from "./basemap.ts";
import { BORDER_COLOURS } from "./colours.ts";
import { h, replace } from "./dom.ts";

maplibregl.setWorkerUrl(workerUrl);

/** What the circles show: a value per port, its label and how to write it. */
export interface SizeMeasure {
  label: string;
  values: Map<string, number>;
  format: (v: number) => string;
}

/** Traffic moved from a closed crossing to another, whole run. */
export interface Diversion {
  from: string;
  to: string;
  units: number;
  unit: string;
  label: string;
}

/** Largest circle radius, px. Circle area is proportional to the value. */
const MAX_RADIUS = 24;
const MIN_RADIUS = 2.5;
/** Widest diversion line, px (width is proportional to the volume, within one unit). */
const MAX_LINE = 12;
/** Narrowest diversion line, px, so that a small one stays visible. */
const MIN_LINE = 1.5;
const DIVERSION_COLOUR = "#6a3d9a";
const LABEL_FONT = "600 11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

const radiusOf = (v: number, max: number) =>
  max > 0 && v > 0 ? Math.max(MIN_RADIUS + 1, MAX_RADIUS * Math.sqrt(v / max)) : MIN_RADIUS;

function bounds(ps: { longitude: number; latitude: number }[], pad = 0): LngLatBoundsLike {
  const lons = ps.map((p) => p.longitude);
  const lats = ps.map((p) => p.latitude);
  return [
    [Math.min(...lons) - pad, Math.min(...lats) - pad],
    [Math.max(...lons) + pad, Math.max(...lats) + pad],
  ];
}

/** Two significant digits, for the legend's round values. */
function round2(v: number): number {
  if (v <= 0) return 0;
  const p = 10 ** (Math.floor(Math.log10(v)) - 1);
  return Math.round(v / p) * p;
}

/** A map of ports that reports clicks; degrades to a message when the browser has no WebGL. */
export class PortMap {
  private map: maplibregl.Map | null = null;
  private selected: string | null = null;
  private marked = new Set<string>();
  private measure: SizeMeasure | null = null;
  private border: Border | null = null;
  private diversions: Diversion[] | null = null;
  private ready = false;
  private popup: maplibregl.Popup | null = null;
  private readonly labels: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly measureText: CanvasRenderingContext2D | null;
  private labelFrame = 0;
  private readonly contiguous: PortItem[];
  private readonly alaska: PortItem[];

  constructor(
    private readonly container: HTMLElement,
    private readonly ports: PortItem[],
    private readonly onPick: (code: string) => void,
  ) {
    this.alaska = ports.filter((p) => p.state === "Alaska");
    this.contiguous = ports.filter((p) => p.state !== "Alaska");
    this.labels = h("div", { class: "map-labels", "aria-hidden": "true" });
    this.legend = h("div", { class: "map-legend", id: "map-legend" });
    this.measureText = document.createElement("canvas").getContext("2d");
    if (this.measureText) this.measureText.font = LABEL_FONT;
    try {
      this.map = this.create();
    } catch (e) {
      this.fail(e);
    }
  }

  private create(): maplibregl.Map {
    const map = new maplibregl.Map({
      container: this.container,
      style: basemapStyle(buildBasemap()),
      bounds: bounds(this.contiguous),
      fitBoundsOptions: { padding: 28 },
      minZoom: 1.5,
      maxZoom: 11,
      renderWorldCopies: false,
      attributionControl: {
        compact: true,
        customAttribution: "Natural Earth · U.S. Census Bureau (us-atlas, world-atlas) · ports: BTS",
      },
      maplibreLogo: false,
    });
    // The MapLibre map on its container, for the browser test (it reads the sources and layers as drawn)
    // and the console: there is no other way in from outside this module.
    Object.defineProperty(this.container, "maplibre", { value: map, configurable: true });
    map
      .getCanvas()
      .setAttribute("aria-label", "Map of ports of entry: use the list of ports to choose one by keyboard");
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    map.addControl(
      new ViewControl(
        () => this.fit(this.visible()),
        () => this.fit(this.alaska, 1.5),
      ),
      "top-left",
    );
    map.on("error", (e: { error?: { message?: string } }) => console.warn("map:", e.error?.message ?? e));
    map.on("load", () => {
      map.addSource("diversions", { type: "geojson", data: this.diversionFeatures() });
      map.addSource("ports", { type: "geojson", data: this.features() });
      map.addLayer({
        id: "diversions",
        type: "line",
        source: "diversions",
        layout: { "line-cap": "round" },
        paint: { "line-color": DIVERSION_COLOUR, "line-opacity": 0.75, "line-width": ["get", "w"] },
      });
      map.addLayer({
        id: "ports",
        type: "circle",
        source: "ports",
        layout: { "circle-sort-key": ["-", 0, ["get", "r"]] },
        paint: {
          "circle-radius": ["get", "r"],
          "circle-color": [
            "match",
            ["get", "border"],
            "mexico",
            BORDER_COLOURS.mexico,
            BORDER_COLOURS.canada,
          ],
          "circle-opacity": 0.72,
          "circle-stroke-color": [
            "case",
            ["get", "selected"],
            "#111111",
            ["get", "marked"],
            "#C00000",
            "#ffffff",
          ],
          "circle-stroke-width": ["case", ["get", "selected"], 3, ["get", "marked"], 3, 0.8],
        },
      });
      this.applyFilter();
      map.on("click", "ports", (e: MapLayerMouseEvent) => {
        const code = e.features?.[0]?.properties?.code as string | undefined;
        if (code) this.onPick(code);
      });
      map.on("mousemove", "ports", (e: MapLayerMouseEvent) => {
        map.getCanvas().style.cursor = "pointer";
        const code = e.features?.[0]?.properties?.code as string | undefined;
        const port = this.ports.find((p) => p.code === code);
        if (!port) return;
        const v = this.measure?.values.get(port.code);
        const html = h(
          "div",
          { class: "map-tip" },
          h("strong", {}, port.name),
          ` (${port.code}), ${port.state}`,
          // Coordinates filled by hand (Chief Mountain): the dot is placed approximately, not from BTS.
          port.approximateLocation ? " — location approximate (filled by hand, not from BTS)" : "",
          h("br"),
          // No value: no figure for the port in the window (a hole or not reported), not 0.
          this.measure
            ? `${v === undefined ? "no figure" : this.measure.format(v)} — ${this.measure.label}`
            : "",
        );
        (this.popup ??= new maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 10 }))
          .setLngLat([port.longitude, port.latitude])
          .setDOMContent(html)
          .addTo(map);
      });
      map.on("mouseleave", "ports", () => {
        map.getCanvas().style.cursor = "";
        this.popup?.remove();
      });
      map.on("move", () => this.scheduleLabels());
      map.on("resize", () => this.scheduleLabels());
      // Start with the attribution folded (the ⓘ button opens it), so it does not cover the map.
      this.container.querySelector(".maplibregl-compact-show")?.classList.remove("maplibregl-compact-show");
      this.container.append(this.labels, this.legend);
      this.ready = true;
      this.refresh();
      // Ready once the ports are drawn, not only the basemap.
      map.once("idle", () => (this.container.dataset.ready = "true"));
    });
    return map;
  }

  private fail(e: unknown): void {
    this.map = null;
    this.container.dataset.ready = "false";
    this.container.replaceChildren(
      h(
        "p",
        { class: "map-fallback" },
        "The map needs WebGL, which this browser does not offer; choose ports from the list instead. ",
        h("small", {}, e instanceof Error ? e.message : String(e)),
      ),
    );
  }

  private max(): number {
    const values = this.measure?.values;
    if (!values) return 0;
    let m = 0;
    for (const p of this.visible()) m = Math.max(m, values.get(p.code) ?? 0);
    return m;
  }

  private visible(): PortItem[] {
    return this.ports.filter((p) => !this.border || p.border === this.border);
  }

  private features(): FeatureCollection<Point> {
    const values = this.measure?.values;
    const max = this.max();
    return {
      type: "FeatureCollection",
      features: this.ports.map((p) => ({
        type: "Feature",
        geometry: { type: "Point", coordinates: [p.longitude, p.latitude] },
        properties: {
          code: p.code,
          border: p.border,
          r: radiusOf(values?.get(p.code) ?? 0, max),
          selected: p.code === this.selected,
          marked: this.marked.has(p.code),
        },
      })),
    };
  }

  /**
   * One line per closed crossing, alternative and unit, the units of its flows (inbound and outbound) added
   * together, as the alternative's label adds them: two lines drawn over each other would show only the
   * larger and darken where they overlap. Width: MAX_LINE px for the largest volume of its unit, the others
   * in proportion, at least MIN_LINE px (docs/dashboard.md).
   */
  private diversionFeatures(): FeatureCollection<LineString> {
    const lines = new Map<string, { from: string; to: string; unit: string; units: number }>();
    for (const d of this.diversions ?? []) {
      const k = `${d.from}|${d.to}|${d.unit}`;
      const l = lines.get(k) ?? { from: d.from, to: d.to, unit: d.unit, units: 0 };
      l.units += d.units;
      lines.set(k, l);
    }
    const maxBy = new Map<string, number>();
    for (const l of lines.values()) maxBy.set(l.unit, Math.max(maxBy.get(l.unit) ?? 0, l.units));
    const at = (code: string) => this.ports.find((p) => p.code === code);
    return {
      type: "FeatureCollection",
      features: [...lines.values()].flatMap((l) => {
        const a = at(l.from);
        const b = at(l.to);
        if (!a || !b) return [];
        const max = maxBy.get(l.unit) || 1;
        return [
          {
            type: "Feature" as const,
            geometry: {
              type: "LineString" as const,
              coordinates: [
                [a.longitude, a.latitude],
                [b.longitude, b.latitude],
              ],
            },
            properties: {
              from: l.from,
              to: l.to,
              units: l.units,
              unit: l.unit,
              w: Math.max(MIN_LINE, MAX_LINE * (l.units / max)),
            },
          },
        ];
      }),
    };
  }

  private refresh(): void {
    if (!this.map || !this.ready) return;
    (this.map.getSource("ports") as GeoJSONSource | undefined)?.setData(this.features());
    (this.map.getSource("diversions") as GeoJSONSource | undefined)?.setData(this.diversionFeatures());
    this.renderLegend();
    this.scheduleLabels();
  }

  private applyFilter(): void {
    if (!this.map || !this.map.getLayer("ports")) return;
    this.map.setFilter("ports", this.border ? ["==", ["get", "border"], this.border] : null);
  }

  private fit(ps: { longitude: number; latitude: number }[], pad = 0): void {
    if (!this.map || ps.length === 0) return;
    this.map.fitBounds(bounds(ps, pad), { padding: 28, maxZoom: 7 });
  }

  private scheduleLabels(): void {
    if (this.labelFrame) return;
    this.labelFrame = requestAnimationFrame(() => {
      this.labelFrame = 0;
      this.renderLabels();
    });
  }

  /**
   * Names of the larger ports beside their circles, largest first, each placed only where it overlaps no
   * label already placed (so zooming in shows more). After a run, the diversions' targets are labelled
   * with what they took.
   */
  private renderLabels(): void {
    const map = this.map;
    if (!map) return;
    const w = this.container.clientWidth;
    const hgt = this.container.clientHeight;
    const values = this.measure?.values;
    const max = this.max();
    const placed: [number, number, number, number][] = [];
    const spans: HTMLElement[] = [];
    const width = (t: string) =>
      (this.measureText ? this.measureText.measureText(t).width : t.length * 6.5) + 6;
    const place = (text: string, lon: number, lat: number, r: number, cls: string, code: string) => {
      const pt = map.project([lon, lat]);
      const bw = width(text);
      // Right of the circle, else left, above or below: the first spot that is on the map and free.
      const spots: [number, number][] = [
        [pt.x + r + 3, pt.y - 8],
        [pt.x - r - 3 - bw, pt.y - 8],
        [pt.x - bw / 2, pt.y - r - 18],
        [pt.x - bw / 2, pt.y + r + 2],
      ];
      for (const [x, y] of spots) {
        const box: [number, number, number, number] = [x, y, x + bw, y + 16];
        if (box[0] < 0 || box[2] > w || box[1] < 0 || box[3] > hgt) continue;
        if (placed.some((b) => b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3])) continue;
        placed.push(box);
        const s = h("span", { class: `map-label ${cls}`, "data-code": code }, text);
        s.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
        spans.push(s);
        return;
      }
    };
    // Diversion targets first: they are what a run is about.
    const divTo = new Map<string, Diversion[]>();
    for (const d of this.diversions ?? []) divTo.set(d.to, [...(divTo.get(d.to) ?? []), d]);
    for (const [code, ds] of divTo) {
      const p = this.ports.find((x) => x.code === code);
      if (!p) continue;
      const units = new Map<string, number>();
      for (const d of ds) units.set(d.unit, (units.get(d.unit) ?? 0) + d.units);
      const text = `${p.name}: +${[...units].map(([u, v]) => `${Math.round(v).toLocaleString("en-US")} ${u}`).join(", ")}`;
      place(text, p.longitude, p.latitude, radiusOf(values?.get(code) ?? 0, max), "diversion", code);
    }
    const ranked = this.visible()
      .filter((p) => (values?.get(p.code) ?? 0) > 0 || this.marked.has(p.code) || p.code === this.selected)
      .sort(
        (a, b) =>
          Number(b.code === this.selected) - Number(a.code === this.selected) ||
          Number(this.marked.has(b.code)) - Number(this.marked.has(a.code)) ||
          (values?.get(b.code) ?? 0) - (values?.get(a.code) ?? 0),
      );
    for (const p of ranked) {
      if (divTo.has(p.code)) continue;
      place(
        p.name,
        p.longitude,
        p.latitude,
        radiusOf(values?.get(p.code) ?? 0, max),
        p.code === this.selected ? "selected" : "",
        p.code,
      );
    }
    replace(this.labels, spans);
  }

  private renderLegend(): void {
    const m = this.measure;
    const max = this.max();
    const steps =
      m && max > 0
        ? [round2(max), round2(max / 4), round2(max / 16)].filter((v, i, a) => v > 0 && a.indexOf(v) === i)
        : [];
    const ds = this.diversions ?? [];
    replace(
      this.legend,
      m
        ? h(
            "div",
            { class: "legend-sizes" },
            h("span", { class: "legend-title" }, `Circle area: ${m.label}`),
            steps.map((v) => {
              const d = 2 * radiusOf(v, max);
              const dot = h("span", { class: "legend-dot" });
              dot.style.width = dot.style.height = `${d.toFixed(1)}px`;
              return h("span", { class: "legend-step" }, dot, m.format(v));
            }),
          )
        : null,
      ds.length
        ? h(
            "div",
            { class: "legend-diversions" },
            h("span", { class: "legend-line" }),
            "rerouted in the scenario, width by volume (per unit)",
          )
        : null,
    );
  }

  /** Sizes the circles by a measure. */
  setMeasure(m: SizeMeasure): void {
    this.measure = m;
    this.refresh();
  }

  /** Shows the ports of one border only (null: both), and fits the view to them. */
  setBorder(b: Border | null): void {
    const changed = b !== this.border;
    this.border = b;
    this.applyFilter();
    this.refresh();
    if (changed && this.ready) this.fit(this.visible().filter((p) => p.state !== "Alaska"));
  }

  /** Outlines the port whose profile is open. */
  select(code: string | null, fly = false): void {
    this.selected = code;
    this.refresh();
    const p = this.ports.find((x) => x.code === code);
    if (fly && p && this.map) {
      const go = () =>
        this.map!.easeTo({ center: [p.longitude, p.latitude], zoom: Math.max(this.map!.getZoom(), 5) });
      if (this.ready) go();
      else this.map.once("load", go);
    }
  }

  /** Outlines in red the ports of a scenario, a comparison or a past event. */
  mark(codes: Iterable<string>, fit = false): void {
    this.marked = new Set(codes);
    this.refresh();
    const ps = this.ports.filter((p) => this.marked.has(p.code));
    if (fit && ps.length && this.map) {
      const go = () => this.fit(ps, 1.5);
      if (this.ready) go();
      else this.map.once("load", go);
    }
  }

  /** Draws the diversions of a scenario run (null: none), and fits the view to them. */
  showDiversions(d: Diversion[] | null): void {
    this.diversions = d && d.length ? d : null;
    this.refresh();
    if (this.diversions && this.map) {
      const codes = new Set(this.diversions.flatMap((x) => [x.from, x.to]));
      const go = () =>
        this.fit(
          this.ports.filter((p) => codes.has(p.code)),
          1,
        );
      if (this.ready) go();
      else this.map.once("load", go);
    }
  }

  /** Redraws after the container changed size. */
  resize(): void {
    this.map?.resize();
  }
}

/** Two buttons over the map: back to the whole (contiguous) border, and to Alaska. */
class ViewControl implements maplibregl.IControl {
  private el: HTMLElement | null = null;
  constructor(
    private readonly whole: () => void,
    private readonly alaska: () => void,
  ) {}
  onAdd(): HTMLElement {
    this.el = h(
      "div",
      { class: "maplibregl-ctrl maplibregl-ctrl-group map-views" },
      h("button", { type: "button", id: "map-whole", onclick: this.whole }, "Whole border"),
      h("button", { type: "button", id: "map-alaska", onclick: this.alaska }, "Alaska"),
    );
    return this.el;
  }
  onRemove(): void {
    this.el?.remove();
  }
}
