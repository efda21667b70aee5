import type { ParameterName, Range } from "../domain/scenario.ts";

/** One model parameter: its default (a number or a [low, high] range), unit, and where the value comes from. */
export interface ParameterInfo {
  value: Range;
  unit: string;
  meaning: string;
  /** "source" when a published figure backs it; "assumption" when it is our judgement, to be overridden. */
  basis: "source" | "assumption";
  source: string;
}

/** Every parameter of the scenario model with its default. docs/model.md is written from the same facts. */
export const PARAMETERS = {
  headroom: {
    value: [1.05, 1.25],
    unit: "× observed peak",
    meaning:
      "capacity as a multiple of the high percentile of observed daily throughput (monthly averages understate daily peaks)",
    basis: "assumption",
    source: "borderflow assumption; replace with a port's own capacity study where one exists",
  },
  capacityPercentile: {
    value: 0.95,
    unit: "quantile",
    meaning: "which percentile of the last 36 months' daily throughput counts as observed peak",
    basis: "assumption",
    source: "borderflow assumption",
  },
  circuity: {
    value: [1.2, 1.4],
    unit: "route km / great-circle km",
    meaning: "how much longer the route between two crossings is than the straight line",
    basis: "source",
    source:
      "Ballou, Rahardja & Sakai (2002), 'Selected country circuity factors for road travel distance estimation', Transportation Research Part A 36(9): about 1.2 for the U.S.; widened for rail",
  },
  leadTimeDays: {
    value: [1, 3],
    unit: "days",
    meaning:
      "days until diverted flow reaches its full rate (re-planning, re-booking, crew and equipment moves)",
    basis: "assumption",
    source: "borderflow assumption",
  },
  maxDetourKm: {
    value: 1500,
    unit: "km",
    meaning: "alternative crossings farther than this (route km) are not considered",
    basis: "assumption",
    source: "borderflow assumption",
  },
  outboundRatio: {
    value: [0.9, 1.1],
    unit: "outbound units / inbound units",
    meaning:
      "BTS counts only inbound crossings; outbound units are inbound units times this (equipment returns)",
    basis: "assumption",
    source: "borderflow assumption: trains, railcars and trucks return across the same border",
  },
  truckloadsPerRailcar: {
    value: [3, 4],
    unit: "truckloads per loaded railcar",
    meaning: "truckloads needed to carry one loaded railcar when rail shifts to truck",
    basis: "source",
    source: "Association of American Railroads: one rail car carries the equivalent of three to four trucks",
  },
  carryingRatePerYear: {
    value: [0.08, 0.25],
    unit: "share of value per year",
    meaning: "inventory carrying cost of goods held up (capital, insurance, obsolescence)",
    basis: "assumption",
    source:
      "range of inventory carrying-cost rates used in logistics practice (capital cost alone at the low end)",
  },
  railcarDayUsd: {
    value: [20, 60],
    unit: "USD per railcar-day",
    meaning: "cost of a held railcar per day (lease or car hire, yard handling)",
    basis: "assumption",
    source: "borderflow assumption from typical freight-car lease rates; override with your own",
  },
  truckHourUsd: {
    value: [81.8, 100],
    unit: "USD per truck-hour",
    meaning: "operating cost of a truck and driver per hour of delay",
    basis: "source",
    source:
      "ATRI, An Analysis of the Operational Costs of Trucking, 2025 update: $90.89 per hour in 2024 (with fuel); range ±10%",
  },
  truckHoursPerDay: {
    value: [8, 14],
    unit: "hours per truck-day of delay",
    meaning: "hours of truck and driver time lost per day a truck waits",
    basis: "assumption",
    source: "borderflow assumption",
  },
  spoilagePerDay: {
    value: [0.005, 0.03],
    unit: "share of perishable value per day",
    meaning: "loss of perishable goods (HS 02–04, 06–08) per day of delay",
    basis: "assumption",
    source: "borderflow assumption; no public per-day figure for border delay",
  },
  railDetourUsdPerCarKm: {
    value: [1.5, 3],
    unit: "USD per railcar-km",
    meaning: "cost of moving a railcar one extra km on a detour",
    basis: "assumption",
    source: "borderflow assumption from typical U.S. rail revenue per car-mile",
  },
  truckDetourUsdPerKm: {
    value: [1.26, 1.54],
    unit: "USD per truck-km",
    meaning: "cost of one extra km driven by a truck on a detour or carrying shifted rail freight",
    basis: "source",
    source:
      "ATRI, Operational Costs of Trucking, 2025 update: $2.260 per mile in 2024 ($1.40 per km); range ±10%",
  },
  multiplier: {
    value: [1.4, 2],
    unit: "× direct cost",
    meaning: "wider-economy multiplier on direct delay costs (off unless options.multiplier is true)",
    basis: "assumption",
    source:
      "range of BEA RIMS II type II output multipliers for goods-producing industries; an order of magnitude, not a forecast",
  },
} as const satisfies Record<ParameterName, ParameterInfo>;

/** Parameter values of one run: every parameter a number. */
export type Params = Record<ParameterName, number>;

/** The middle of a range (or the number itself). */
export const mid = (r: Range): number => (typeof r === "number" ? r : (r[0] + r[1]) / 2);

/** The ranges in force: defaults with a scenario's overrides on top. */
export function resolveRanges(
  overrides: Partial<Record<ParameterName, Range>>,
): Record<ParameterName, Range> {
  const out = {} as Record<ParameterName, Range>;
  for (const [k, info] of Object.entries(PARAMETERS) as [ParameterName, ParameterInfo][]) {
    out[k] = overrides[k] ?? info.value;
  }
  return out;
}

/** The deterministic run's values: the middle of every range. */
export function midParams(ranges: Record<ParameterName, Range>): Params {
  return Object.fromEntries(Object.entries(ranges).map(([k, r]) => [k, mid(r)])) as Params;
}

/** One Monte Carlo draw: each range drawn uniformly, numbers kept. */
export function drawParams(ranges: Record<ParameterName, Range>, rng: () => number): Params {
  const out = {} as Params;
  for (const [k, r] of Object.entries(ranges) as [ParameterName, Range][]) {
    out[k] = typeof r === "number" ? r : r[0] + (r[1] - r[0]) * rng();
  }
  return out;
}

/** The middle of each parameter of a table (its default range, or an override): one run's values. */
export function midValues<K extends string>(
  defs: Record<K, ParameterInfo>,
  overrides: Partial<Record<K, Range>> = {},
): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of Object.keys(defs) as K[]) out[k] = mid(overrides[k] ?? defs[k].value);
  return out;
}

/** One end of a range (a number is both ends). */
export const rangeEnd = (r: Range, high: boolean): number => (typeof r === "number" ? r : high ? r[1] : r[0]);
