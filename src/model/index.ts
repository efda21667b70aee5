export * from "./types.ts";
export * from "./parameters.ts";
export * from "./simulate.ts";
export * from "./effects.ts";
export * from "./monte-carlo.ts";
export * from "./geo.ts";
export * from "./rng.ts";
export * from "./forecast.ts";
