/** TransBorder transport modes (BTS DISAGMOT 1, 3..9). */
export const TRADE_MODES = ["vessel", "air", "mail", "truck", "rail", "pipeline", "other", "ftz"] as const;
export type TradeMode = (typeof TRADE_MODES)[number];

/** BTS DISAGMOT code of each mode. */
export const DISAGMOT: Record<string, TradeMode> = {
  "1": "vessel",
  "3": "air",
  "4": "mail",
  "5": "truck",
  "6": "rail",
  "7": "pipeline",
  "8": "other",
  "9": "ftz",
};

export const DIRECTIONS = ["export", "import"] as const;
/** Trade direction as seen from the U.S.: export (southbound/northbound out), import (into the U.S.). */
export type Direction = (typeof DIRECTIONS)[number];

export const COUNTRIES = ["MX", "CA"] as const;
/** Trading partner. */
export type Country = (typeof COUNTRIES)[number];

/** BTS COUNTRY codes. */
export const COUNTRY_CODES: Record<string, Country> = { "1220": "CA", "2010": "MX" };

/** A two-digit HS chapter, e.g. `"87"` (vehicles and parts). */
export type Hs2 = string & { readonly __brand: "Hs2" };

/** How trade value can be grouped. */
export const TRADE_GROUPINGS = ["month", "year", "commodity", "port", "mode", "direction"] as const;
export type TradeGrouping = (typeof TRADE_GROUPINGS)[number];
