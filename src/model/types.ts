import type { FlowDirection, ScenarioMode } from "../domain/scenario.ts";
import type { FigureStatus } from "../domain/status.ts";

/** One flow of the network: a port × mode × direction, with everything the model needs to know of it. */
export interface FlowInput {
  /** `2303/rail/inbound` */
  key: string;
  port: string;
  portName: string;
  border: "mexico" | "canada";
  mode: ScenarioMode;
  direction: FlowDirection;
  latitude: number;
  longitude: number;
  /** The unit capacity and queues are counted in: railcars, trucks, buses, vehicles, people. */
  unit: string;
  /**
   * Expected arrivals per day for each day of the grid, in `unit`, before any event (baseline with the
   * seasonal factor). For outbound flows derived from inbound counts, multiplied by `outboundRatio` in the run.
   */
  arrivalsPerDay: number[];
  /** True when the flow's units are inbound counts standing in for outbound ones (BTS counts inbound only). */
  fromInbound: boolean;
  /** Daily throughput of recent months (one rate per month), for the capacity percentile. */
  recentDailyRates: number[];
  /** Other units per unit of `unit` (e.g. trains per railcar, loaded share). */
  unitMix: Record<string, number>;
  /** Share of units that carry goods (loaded); only these are valued or shifted to truck. */
  loadedShare: number;
  /** Trade value per unit (USD), 0 where there is no trade value (travellers). */
  valuePerUnitUsd: number;
  /**
   * `estimate` when valuePerUnitUsd is not in the source for the baseline (carried forward past TransBorder's
   * port-level coverage with the national trend); absent or `observed` when it comes from the baseline months.
   */
  valueStatus?: FigureStatus;
  /** Commodity shares of the value. */
  commodities: { hs2: string; label: string; share: number; perishable: boolean }[];
}

/** How events change one flow on each day of the grid. */
export interface FlowEffects {
  /** Capacity multiplier per day (1 = normal, 0 = closed all day; 0.5 = half the day or half the lanes). */
  capacity: number[];
  /** Demand multiplier per day. */
  demand: number[];
}

/** The whole input of a model run, independent of the store: the grid, the flows and the events' effects. */
export interface ModelInput {
  /** ISO date (UTC) of day 0 of the grid. */
  startDate: string;
  /** Days on the grid (the longest a run may go). */
  days: number;
  /** Days the caller asked for; undefined means until every affected flow's backlog clears. */
  horizonDays?: number;
  flows: FlowInput[];
  /** Effects by flow key; flows without an entry are unaffected. */
  effects: Record<string, FlowEffects>;
  options: {
    rerouting: boolean;
    policy: "nearest-first" | "proportional";
    railToTruck: boolean;
    multiplier: boolean;
  };
}

/** Where diverted flow of one affected flow went. */
export interface Diversion {
  to: string;
  toName: string;
  mode: ScenarioMode;
  units: number;
  /** Route km from the closed crossing (great-circle × circuity). */
  km: number;
  /** Units moved there on each day of the run. */
  daily: number[];
}

/** One affected flow's result. */
export interface FlowResult {
  key: string;
  port: string;
  portName: string;
  mode: ScenarioMode;
  direction: FlowDirection;
  unit: string;
  unitMix: Record<string, number>;
  capacityPerDay: number;
  baselinePerDay: number;
  /** Per day of the run. Expected arrivals with no event (baseline × outbound ratio, no demand shock). */
  expected: number[];
  /** Arrivals (expected × any demand shock). */
  arrivals: number[];
  blocked: number[];
  servedHome: number[];
  diverted: number[];
  shifted: number[];
  queue: number[];
  totals: {
    arrivals: number;
    blocked: number;
    servedHome: number;
    diverted: number;
    shifted: number;
    queueEnd: number;
  };
  peakQueue: number;
  peakDay: number;
  /** First day index after the events end with no backlog; null if it does not clear in the run. */
  clearDay: number | null;
  unitDays: number;
  diversions: Diversion[];
  /** Units that could not divert for lack of spare capacity at alternatives (unit-days of queue at home). */
  valuePerUnitUsd: number;
}

/** Cost layers, each named for what it measures. */
export interface Costs {
  /** (a) Value of goods whose crossing was blocked: a gross flow held up, not a loss. */
  valueHeldUpUsd: number;
  valueHeldUpPerClosureDayUsd: number;
  valueByCommodity: { hs2: string; label: string; valueUsd: number }[];
  /** (b) Direct cost of delay. */
  carryingUsd: number;
  equipmentUsd: number;
  spoilageUsd: number;
  detourUsd: number;
  directUsd: number;
  /** (c) Wider-economy effect (null when off). */
  widerUsd: number | null;
}

/** What one run returns. */
export interface RunResult {
  days: number;
  /** Full-closure-day equivalents summed over affected flows' days (capacity lost, as days). */
  closureDays: number;
  flows: FlowResult[];
  costs: Costs;
}
