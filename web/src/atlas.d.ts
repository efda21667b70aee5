// The basemap's TopoJSON files, bundled by Vite's JSON import. Declared here instead of letting TypeScript
// infer a type from megabytes of coordinates.
declare module "us-atlas/states-10m.json" {
  import type { Topology } from "topojson-specification";
  const topology: Topology;
  export default topology;
}
declare module "world-atlas/countries-50m.json" {
  import type { Topology } from "topojson-specification";
  const topology: Topology;
  export default topology;
}
