import type { ParameterName, Range } from "../domain/scenario.ts";

/** One model parameter: its default (a number or a [low, high] range), unit, and where the value comes from. */
export interface ParameterInfo {
  /** The documented range (the Monte Carlo draws it; a scenario may override it). */
  value: Range;
  /**
   * Fitted on the registry (leave-one-event-out calibration, docs/backtest.md): the deterministic run's value
   * while the range is the documented one; `folds` is the spread of the fits over the folds.
   */
  fitted?: { value: number; folds: [number, number] };
  unit: string;
  meaning: string;
  /** "source" when a published figure backs it; "assumption" when it is our judgement, to be overridden. */
  basis: "source" | "assumption";
  source: string;
}

/** Every parameter of the scenario model with its default. docs/model.md is written from the same facts. */
export const PARAMETERS = {
  headroom: {
    value: [1.05, 1.3],
    unit: "× robust peak day",
    meaning:
      "capacity per day as a multiple of a crossing's robust recent peak: the 90th percentile of its clean months' daily rates on its busiest weekday",
    basis: "assumption",
    source: "borderflow assumption; replace with a port's own capacity study where one exists",
  },
  baselineLevel: {
    value: [0.9, 1.1],
    unit: "× baseline",
    meaning:
      "the baseline's own uncertainty: every crossing's expected traffic × this (the counterfactual's median error on quiet months is about 3–11% at the registry's crossings, docs/backtest.md)",
    basis: "source",
    source:
      "borderflow's backtest: the counterfactual's quiet-month errors (docs/backtest.md, 'baseline error')",
  },
  capacityPercentile: {
    value: 0.9,
    unit: "quantile",
    meaning:
      "which percentile of the last 36 clean months' daily rates counts as the robust peak (holes, event windows and anomalous periods left out)",
    basis: "assumption",
    source: "borderflow assumption",
  },
  surgeFactor: {
    value: [1, 1.5],
    unit: "× capacity",
    meaning:
      "extra capacity an alternative crossing finds for diverted traffic (longer hours, more officers), never above its lanes × hours × processing rate",
    basis: "assumption",
    source:
      "borderflow assumption; CBP opened Saturday lanes and extended weekday hours at Santa Teresa in April 2022 (KVIA, 13 Apr 2022)",
  },
  laneRateTruck: {
    value: [30, 60],
    unit: "trucks per lane-hour",
    meaning:
      "trucks one primary lane clears in an hour (lanes × open hours × rate is a crossing's physical capacity)",
    basis: "source",
    source:
      "../shared/data/reference/ofo-staffing: 120 s a clearance at the Ambassador Bridge (30 an hour); 1–1.5 min on average in a 2014 Michigan GPS study (40–60); World Trade Bridge 533 a lane-day",
  },
  laneRateVehicle: {
    value: [51, 106],
    unit: "vehicles per lane-hour",
    meaning: "personal vehicles (and buses) one primary lane clears in an hour",
    basis: "source",
    source:
      "../shared/data/reference/ofo-staffing: 34 s a vehicle at El Paso (peer-reviewed), 70 s when a compartment is opened",
  },
  laneRatePedestrian: {
    value: [90, 180],
    unit: "people per lane-hour",
    meaning: "pedestrians one primary booth clears in an hour",
    basis: "assumption",
    source:
      "../shared/data/reference/ofo-staffing: no published per-booth time; 20–40 s assumed (San Ysidro's lanes average 87–122 an hour over 24 h)",
  },
  cutBinding: {
    value: [0.1, 1],
    fitted: { value: 1, folds: [1, 1] },
    unit: "share of a capacity cut",
    meaning:
      "how much of a facilities cut (a closed facility, fewer lanes, slower inspections, officers moved away) is capacity really lost (the rest absorbed by other lanes and longer hours); what is left binds only on the arrivals beyond it that day, while closures and throughput cuts (blockades) bind on the traffic itself",
    basis: "assumption",
    source: "borderflow assumption (fitted by leave-one-event-out calibration, docs/backtest.md)",
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
    value: [0.5, 3],
    fitted: { value: 1, folds: [1, 1] },
    unit: "days",
    meaning:
      "days until diverted flow reaches its full rate (re-planning, re-booking, crew and equipment moves)",
    basis: "assumption",
    source: "borderflow assumption",
  },
  maxDetourKm: {
    value: 1500,
    unit: "km",
    meaning: "rail: alternative crossings farther than this (route km) are not considered",
    basis: "assumption",
    source: "borderflow assumption",
  },
  detourSpeedKmh: {
    value: [60, 80],
    unit: "km per hour",
    meaning: "average road speed of a detour between crossings (route km ÷ speed = extra driving time)",
    basis: "assumption",
    source: "borderflow assumption (two-lane and interstate roads along the border)",
  },
  maxDetourHoursTruck: {
    value: [2, 6],
    unit: "hours of extra driving",
    meaning: "trucks do not divert to a crossing more than this much extra driving away",
    basis: "assumption",
    source:
      "borderflow assumption; carriers used Del Bonita and Piegan (about an hour from Coutts) rather than CBSA's referrals 380–870 km away, and Santa Teresa (20 extra miles) from El Paso (../shared/data/reference/corridors/NOTES.md)",
  },
  maxDetourHoursTravellers: {
    value: [0.5, 2],
    unit: "hours of extra driving",
    meaning: "travellers do not divert to a crossing more than this much extra driving away",
    basis: "assumption",
    source:
      "borderflow assumption; the Lukeville detour via San Luis (2–3 h) was mostly not taken (../shared/data/reference/corridors/NOTES.md)",
  },
  divertShareRail: {
    value: [0, 0.3],
    unit: "share of blocked railcars",
    meaning:
      "share of blocked rail traffic that is routed to another crossing the same railroads serve (the rest waits or is cancelled)",
    basis: "assumption",
    source:
      "borderflow assumption; Union Pacific, Dec 2023: 'other gateways cannot handle the extra traffic' (embargoes instead); CN detoured part of its trains in the 2019 St. Clair Tunnel closure",
  },
  divertShareTruck: {
    value: [0.3, 1],
    fitted: { value: 1, folds: [0.9, 1] },
    unit: "share of blocked trucks",
    meaning: "share of blocked trucks that look for another crossing within the detour limit",
    basis: "assumption",
    source:
      "borderflow assumption; readings of BTS around the Feb 2022 blockades put the share recovered elsewhere at about 38% (Detroit) to 80% (Coutts) (inferred, ../shared/data/reference/corridors/NOTES.md)",
  },
  divertShareTravellers: {
    value: [0.05, 0.3],
    unit: "share of blocked travellers",
    meaning: "share of blocked personal vehicles, buses and pedestrians that cross elsewhere instead",
    basis: "assumption",
    source:
      "borderflow assumption; Lukeville (Dec 2023) and Eagle Pass Bridge I (Nov 2023) closures showed little diversion and many cancelled trips (inferred from BTS, NOTES.md)",
  },
  cancelShareFreight: {
    value: [0, 0.15],
    unit: "share of blocked freight not diverted",
    meaning: "share of blocked freight that is never moved across (orders lost or moved by other means)",
    basis: "assumption",
    source: "borderflow assumption",
  },
  cancelShareTravellers: {
    value: [0.1, 0.95],
    fitted: { value: 0.9, folds: [0.1, 0.9] },
    unit: "share of blocked trips not diverted",
    meaning: "share of blocked personal trips that are not made at all (the rest wait and cross later)",
    basis: "assumption",
    source:
      "borderflow assumption; reports of mass cancellations at Lukeville in Dec 2023 (NOTES.md); fitted by leave-one-event-out calibration",
  },
  patienceDaysFreight: {
    value: [14, 60],
    unit: "days",
    meaning: "mean time deferred freight waits before it is given up (a longer closure cancels more)",
    basis: "assumption",
    source: "borderflow assumption",
  },
  patienceDaysTravellers: {
    value: [1, 7],
    unit: "days",
    meaning: "mean time a deferred trip waits before it is given up",
    basis: "assumption",
    source: "borderflow assumption",
  },
  catchUpDays: {
    value: [2, 8],
    unit: "days",
    meaning:
      "days over which deferred demand returns after reopening (shippers and travellers come back at this pace, within capacity)",
    basis: "assumption",
    source:
      "borderflow assumption; Union Pacific spoke of 'the five-day backlog' when the Dec 2023 closure (about four days) ended",
  },
  travellerRecovery: {
    value: [0, 1.5],
    unit: "× the closure's length",
    meaning:
      "after a crossing reopens, travellers' demand climbs back to normal over this multiple of the closure's length (habits and routes changed)",
    basis: "assumption",
    source:
      "borderflow assumption; Lukeville's personal vehicles stayed 44% and 23% below normal in the two months after its Dec 2023 closure (BTS)",
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

const sameRange = (a: Range, b: Range) =>
  typeof a === "number" ? a === b : typeof b !== "number" && a[0] === b[0] && a[1] === b[1];

/**
 * The deterministic run's values: a fitted parameter's fit while its range is the documented one, else the
 * middle of every range (a scenario's own range, or an unfitted parameter's).
 */
export function midParams(ranges: Record<ParameterName, Range>): Params {
  return Object.fromEntries(
    Object.entries(ranges).map(([k, r]) => {
      const info = (PARAMETERS as Record<string, ParameterInfo>)[k];
      return [k, info?.fitted && sameRange(r, info.value) ? info.fitted.value : mid(r)];
    }),
  ) as Params;
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
