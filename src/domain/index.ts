export * from "./units.ts";
export * from "./ports.ts";
export * from "./measures.ts";
export * from "./trade.ts";
export * from "./rejects.ts";
export * from "./errors.ts";
export * from "./status.ts";
