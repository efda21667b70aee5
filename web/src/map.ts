// The map of all ports: a MapLibre map on the offline basemap, one circle per port (area by the chosen
// measure, colour by border). Circle layers only: there are no glyphs to draw text with.
import * as maplibregl from "maplibre-gl";
import type { GeoJSONSource, MapLayerMouseEvent } from "maplibre-gl";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import "maplibre-gl/dist/maplibre-gl.css";
import type { FeatureCollection, Point } from "geojson";
import type { PortItem } from "./api.ts";
import { basemapStyle, buildBasemap } from "./basemap.ts";
import { BORDER_COLOURS } from "./charts.ts";
import { h } from "./dom.ts";

maplibregl.setWorkerUrl(workerUrl);

/** What the circles show: a value per port, its label and how to write it. */
export interface SizeMeasure {
  label: string;
  values: Map<string, number>;
  format: (v: number) => string;
}

/** Largest circle radius, px. Circle area is proportional to the value. */
const MAX_RADIUS = 24;
const MIN_RADIUS = 2.5;

/** A map of ports that reports clicks; degrades to a message when the browser has no WebGL. */
export class PortMap {
  private map: maplibregl.Map | null = null;
  private selected: string | null = null;
  private marked = new Set<string>();
  private measure: SizeMeasure | null = null;
  private ready = false;
  private popup: maplibregl.Popup | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly ports: PortItem[],
    private readonly onPick: (code: string) => void,
  ) {
    try {
      this.map = this.create();
    } catch (e) {
      this.fail(e);
    }
  }

  private create(): maplibregl.Map {
    const lons = this.ports.map((p) => p.longitude);
    const lats = this.ports.map((p) => p.latitude);
    const map = new maplibregl.Map({
      container: this.container,
      style: basemapStyle(buildBasemap()),
      bounds: [
        [Math.min(...lons), Math.min(...lats)],
        [Math.max(...lons), Math.max(...lats)],
      ],
      fitBoundsOptions: { padding: 24 },
      minZoom: 1.5,
      maxZoom: 11,
      renderWorldCopies: false,
      attributionControl: {
        compact: true,
        customAttribution: "Natural Earth · U.S. Census Bureau (us-atlas, world-atlas) · ports: BTS",
      },
      maplibreLogo: false,
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    map.on("error", (e: { error?: { message?: string } }) => console.warn("map:", e.error?.message ?? e));
    map.on("load", () => {
      map.addSource("ports", { type: "geojson", data: this.features() });
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
      map.on("click", "ports", (e: MapLayerMouseEvent) => {
        const code = e.features?.[0]?.properties?.code as string | undefined;
        if (code) this.onPick(code);
      });
      map.on("mousemove", "ports", (e: MapLayerMouseEvent) => {
        map.getCanvas().style.cursor = "pointer";
        const f = e.features?.[0];
        const code = f?.properties?.code as string | undefined;
        const port = this.ports.find((p) => p.code === code);
        if (!port) return;
        const v = this.measure?.values.get(port.code);
        const html = h(
          "div",
          { class: "map-tip" },
          h("strong", {}, `${port.name}`),
          ` (${port.code}), ${port.state}`,
          h("br"),
          this.measure ? `${this.measure.format(v ?? 0)} — ${this.measure.label}` : "",
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
      // Start with the attribution folded (the ⓘ button opens it), so it does not cover the map.
      this.container.querySelector(".maplibregl-compact-show")?.classList.remove("maplibregl-compact-show");
      this.ready = true;
      this.container.dataset.ready = "true";
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

  private features(): FeatureCollection<Point> {
    const values = this.measure?.values;
    const max = values ? Math.max(0, ...values.values()) : 0;
    return {
      type: "FeatureCollection",
      features: this.ports.map((p) => {
        const v = values?.get(p.code) ?? 0;
        const r = max > 0 && v > 0 ? Math.max(MIN_RADIUS + 1, MAX_RADIUS * Math.sqrt(v / max)) : MIN_RADIUS;
        return {
          type: "Feature",
          geometry: { type: "Point", coordinates: [p.longitude, p.latitude] },
          properties: {
            code: p.code,
            border: p.border,
            r,
            selected: p.code === this.selected,
            marked: this.marked.has(p.code),
          },
        };
      }),
    };
  }

  private refresh(): void {
    if (!this.map || !this.ready) return;
    (this.map.getSource("ports") as GeoJSONSource | undefined)?.setData(this.features());
  }

  /** Sizes the circles by a measure. */
  setMeasure(m: SizeMeasure): void {
    this.measure = m;
    if (this.ready) this.refresh();
    else this.map?.once("load", () => this.refresh());
  }

  /** Outlines the port whose profile is open. */
  select(code: string | null, fly = false): void {
    this.selected = code;
    this.refresh();
    const p = this.ports.find((x) => x.code === code);
    if (fly && p && this.map)
      this.map.easeTo({ center: [p.longitude, p.latitude], zoom: Math.max(this.map.getZoom(), 5) });
  }

  /** Outlines in red the ports of a scenario or of a past event. */
  mark(codes: Iterable<string>, fit = false): void {
    this.marked = new Set(codes);
    this.refresh();
    const ps = this.ports.filter((p) => this.marked.has(p.code));
    if (fit && ps.length && this.map) {
      const lons = ps.map((p) => p.longitude);
      const lats = ps.map((p) => p.latitude);
      this.map.fitBounds(
        [
          [Math.min(...lons) - 1.5, Math.min(...lats) - 1.5],
          [Math.max(...lons) + 1.5, Math.max(...lats) + 1.5],
        ],
        { maxZoom: 7, padding: 24 },
      );
    }
  }

  /** Redraws after the container changed size. */
  resize(): void {
    this.map?.resize();
  }
}
