/** BTS Border Crossing/Entry measures (current names). All count inbound crossings only. */
export const MEASURES = [
  "Trucks",
  "Truck Containers Loaded",
  "Truck Containers Empty",
  "Trains",
  "Rail Containers Loaded",
  "Rail Containers Empty",
  "Train Passengers",
  "Buses",
  "Bus Passengers",
  "Personal Vehicles",
  "Personal Vehicle Passengers",
  "Pedestrians",
] as const;
export type Measure = (typeof MEASURES)[number];

/** What one unit of a measure counts. Measures with different units must never be summed. */
export type MeasureUnit = "trucks" | "containers" | "trains" | "buses" | "vehicles" | "people";

/** The crossing mode a measure belongs to. */
export type CrossingMode = "truck" | "rail" | "bus" | "personal-vehicle" | "pedestrian";
export const CROSSING_MODES: readonly CrossingMode[] = [
  "truck",
  "rail",
  "bus",
  "personal-vehicle",
  "pedestrian",
];

interface MeasureInfo {
  unit: MeasureUnit;
  mode: CrossingMode;
  /** A short note shown to users where a measure is easy to misread. */
  note?: string;
}

/** Unit and mode of each measure. */
export const MEASURE_INFO = {
  Trucks: { unit: "trucks", mode: "truck", note: "loaded and empty trucks together" },
  "Truck Containers Loaded": { unit: "containers", mode: "truck" },
  "Truck Containers Empty": { unit: "containers", mode: "truck" },
  Trains: { unit: "trains", mode: "rail" },
  "Rail Containers Loaded": { unit: "containers", mode: "rail", note: "railcars and containers on them" },
  "Rail Containers Empty": { unit: "containers", mode: "rail" },
  "Train Passengers": { unit: "people", mode: "rail" },
  Buses: { unit: "buses", mode: "bus" },
  "Bus Passengers": { unit: "people", mode: "bus" },
  "Personal Vehicles": { unit: "vehicles", mode: "personal-vehicle" },
  "Personal Vehicle Passengers": { unit: "people", mode: "personal-vehicle" },
  Pedestrians: { unit: "people", mode: "pedestrian" },
} as const satisfies Record<Measure, MeasureInfo>;

/** Older BTS releases said "Full" where current ones say "Loaded". */
const LEGACY_NAMES: Record<string, Measure> = {
  "Truck Containers Full": "Truck Containers Loaded",
  "Rail Containers Full": "Rail Containers Loaded",
};

/** True when `s` is a current BTS measure name. */
export function isMeasure(s: string): s is Measure {
  return (MEASURES as readonly string[]).includes(s);
}

/** Normalises a BTS measure name (legacy "Full" names, any case) or returns undefined. */
export function normaliseMeasure(s: string): Measure | undefined {
  const t = s.trim();
  if (isMeasure(t)) return t;
  const legacy = LEGACY_NAMES[t];
  if (legacy) return legacy;
  const lower = t.toLowerCase().replace(/[-_]/g, " ");
  return MEASURES.find((m) => m.toLowerCase() === lower);
}
