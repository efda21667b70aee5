import { z } from "zod";
import type { Month } from "./units.ts";

/** A 4-digit CBP port of entry code, e.g. `"2303"` for Eagle Pass. */
export type PortCode = string & { readonly __brand: "PortCode" };

/** A port code as the sources write it: 4 digits, or a TransBorder district code `nnXX`. */
export const PortCodeSchema = z
  .string()
  .regex(/^\d{4}$/, "expected a 4-digit CBP port code, e.g. 2303")
  .transform((s) => s as PortCode);

/** TransBorder's port codes also include districts (`23XX`: port not identified). */
export const TradePortCodeSchema = z
  .string()
  .regex(/^\d{2}(\d{2}|XX)$/, "expected a 4-character TransBorder port code, e.g. 2303 or 23XX")
  .transform((s) => s as PortCode);

export const BORDERS = ["mexico", "canada"] as const;
/** Which land border a port is on. */
export type Border = (typeof BORDERS)[number];

/** Maps BTS's border label to ours. */
export const BTS_BORDER_LABELS: Record<string, Border> = {
  "US-Mexico Border": "mexico",
  "US-Canada Border": "canada",
};

/** A land port of entry as the atlas knows it. */
export interface Port {
  code: PortCode;
  name: string;
  state: string;
  border: Border;
  latitude: number;
  longitude: number;
  /** True when the coordinates were filled by hand (approximate), not taken from BTS. */
  approximateLocation: boolean;
  /** Crossing modes with at least one non-zero BTS count (truck, rail, bus, personal-vehicle, pedestrian). */
  crossingModes: string[];
  /** TransBorder modes with trade value at this port (truck, rail, pipeline, air, vessel, ...). */
  tradeModes: string[];
  firstMonth: Month;
  lastMonth: Month;
}
