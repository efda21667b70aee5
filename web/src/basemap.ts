// An offline basemap: GeoJSON built from the us-atlas and world-atlas TopoJSON files (Natural Earth via
// the U.S. Census Bureau's cartographic boundaries), bundled into the page. No tile, glyph or font server.
import { feature, mesh } from "topojson-client";
import type { FeatureCollection, MultiLineString } from "geojson";
import type { GeometryCollection } from "topojson-specification";
import type { StyleSpecification } from "maplibre-gl";
import states from "us-atlas/states-10m.json";
import countries from "world-atlas/countries-50m.json";

/** ISO 3166 numeric code of the United States in world-atlas (its states are drawn from us-atlas). */
const USA = "840";

/** The basemap's layers as GeoJSON. */
export interface Basemap {
  countries: FeatureCollection;
  states: FeatureCollection;
  stateLines: MultiLineString;
  borders: MultiLineString;
}

/** Converts the bundled TopoJSON to GeoJSON once. */
export function buildBasemap(): Basemap {
  const cObj = countries.objects.countries as GeometryCollection;
  const sObj = states.objects.states as GeometryCollection;
  const world = feature(countries, cObj);
  return {
    countries: { ...world, features: world.features.filter((f) => String(f.id) !== USA) },
    states: feature(states, sObj),
    // Lines between two states, and between two countries (the land borders the ports sit on).
    stateLines: mesh(states, sObj, (a, b) => a !== b),
    borders: mesh(countries, cObj, (a, b) => a !== b),
  };
}

/** Colours of the basemap: quiet, so the ports stand out. */
const BASE = {
  water: "#d9e6ef",
  land: "#e3e0d7",
  us: "#fcfbf8",
  stateLine: "#d3cfc6",
  border: "#6f695d",
};

/** A MapLibre style with only GeoJSON sources and no text: nothing to fetch from any server. */
export function basemapStyle(b: Basemap): StyleSpecification {
  return {
    version: 8,
    sources: {
      countries: { type: "geojson", data: b.countries },
      states: { type: "geojson", data: b.states },
      stateLines: { type: "geojson", data: { type: "Feature", properties: {}, geometry: b.stateLines } },
      borders: { type: "geojson", data: { type: "Feature", properties: {}, geometry: b.borders } },
    },
    layers: [
      { id: "water", type: "background", paint: { "background-color": BASE.water } },
      { id: "countries", type: "fill", source: "countries", paint: { "fill-color": BASE.land } },
      { id: "states", type: "fill", source: "states", paint: { "fill-color": BASE.us } },
      {
        id: "state-lines",
        type: "line",
        source: "stateLines",
        paint: { "line-color": BASE.stateLine, "line-width": 0.6 },
      },
      {
        id: "borders",
        type: "line",
        source: "borders",
        paint: {
          "line-color": BASE.border,
          "line-width": ["interpolate", ["linear"], ["zoom"], 2, 0.8, 8, 2],
        },
      },
    ],
  };
}
