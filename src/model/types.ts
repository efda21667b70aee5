import type { FlowDirection, ReroutingPolicy, ScenarioMode } from "../domain/scenario.ts";
export type { ReroutingPolicy };
import type { FigureStatus } from "../domain/status.ts";

/** Which railroads serve a rail crossing on each side (data/model/rail-corridors.csv). */
export interface Railroads {
  us: string[];
  foreign: string[];
  /** Trains a day the crossing can take into the U.S., where a source states it. */
  inboundTrainsPerDayMax: number | null;
}

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
  /** IANA time zone of the port: events and the day's hours are read in it. */
  timeZone: string;
  /** The unit capacity and queues are counted in: railcars, trucks, buses, vehicles, people. */
  unit: string;
  /**
   * Expected arrivals per day for each day of the grid (the port's local calendar days), in `unit`, before
   * any event: the clean baseline level × the month's seasonal factor × the weekday's factor. For outbound
   * flows derived from inbound counts, multiplied by `outboundRatio` in the run.
   */
  arrivalsPerDay: number[];
  /** Share of a day's arrivals in each local hour 0..23 (sums to 1; 0 in hours the crossing is closed). */
  hourShare: number[];
  /** The busiest weekday's factor (a day's capacity has to carry it routinely). */
  peakWeekdayFactor: number;
  /** True when the flow's units are inbound counts standing in for outbound ones (BTS counts inbound only). */
  fromInbound: boolean;
  /** Daily rates of recent clean months (one per month), for the robust peak. */
  recentDailyRates: number[];
  /**
   * Physical capacity: primary lanes (booths) for the mode and the hours the crossing is open (CBP's wait-time
   * feed or a sourced table); null where unknown. Lanes × hours × the lane rate bounds what the crossing can
   * process in a day, and one lane's worth is the least an open crossing can take on a surge.
   */
  lanes: { lanes: number; openHours: number } | null;
  /**
   * Who alone may use the crossing (src/domain/restricted-crossings.ts: Cross Border Xpress takes only airline
   * passengers); such a crossing is never an alternative for traffic blocked elsewhere.
   */
  restrictedTo?: string;
  /** Rail: the railroads on each side (null: no corridor data, so rail is not diverted to or from it). */
  railroads: Railroads | null;
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

/**
 * How events change one flow, hour by hour: the seam every event kind writes to (a closure, a capacity cut,
 * an officer redeployment's capacity multiplier). Indexed by hour of the grid (day × 24 + local hour).
 */
export interface FlowEffects {
  /** Multiplier per hour that binds fully on the traffic (1 = normal, 0 = closed): closures, throughput cuts. */
  capacity: number[];
  /**
   * Remaining share of capacity per hour under facilities cuts and officer redeployments (1 = no cut): only
   * arrivals beyond the capacity left are blocked; how much of the cut binds is the `cutBinding` parameter.
   */
  cut: number[];
  /** Demand multiplier per day. */
  demand: number[];
}

/** The whole input of a model run, independent of the store: the grid, the flows and the events' effects. */
export interface ModelInput {
  /** The local calendar date of day 0 of the grid (every flow's day d is its own local date). */
  startDate: string;
  /** Days on the grid (the longest a run may go). */
  days: number;
  /** Days the caller asked for; undefined means until every affected flow's backlog clears. */
  horizonDays?: number;
  flows: FlowInput[];
  /** Effects by flow key; flows without an entry are unaffected. */
  effects: Record<string, FlowEffects>;
  /** Hours in the union of the events' windows (for value held up per closure day). */
  closureHours: number;
  /**
   * The last grid day an event's window covers (each port's local date). Without a horizon the run lasts at
   * least through it, so an event with no effect (an officer event that moves no one) still runs its window.
   */
  lastEventDay?: number;
  options: {
    rerouting: boolean;
    policy: ReroutingPolicy;
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

/** A crossing the model did not send flow to, and why (corridors, detour limits). */
export interface ExcludedAlternative {
  to: string;
  toName: string;
  reason: string;
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
  /** Arrivals (expected × any demand shock × the travellers' slow return after reopening). */
  arrivals: number[];
  /** Arrivals that could not cross on time (closed or cut hours, or over capacity). */
  blocked: number[];
  /** Served at the home crossing: on time plus deferred demand crossing later (catch-up). */
  servedHome: number[];
  /** Of servedHome, deferred demand crossing late. */
  servedLate: number[];
  diverted: number[];
  shifted: number[];
  /** Blocked demand given up: cancelled at once, or after waiting too long. */
  cancelled: number[];
  /** Deferred demand waiting at home at the end of each day. */
  queue: number[];
  /** Share of each day's capacity left, weighted by the day's traffic hours (1 = untouched, 0 = closed). */
  openShare: number[];
  totals: {
    expected: number;
    arrivals: number;
    blocked: number;
    servedHome: number;
    servedLate: number;
    diverted: number;
    shifted: number;
    cancelled: number;
    queueEnd: number;
  };
  peakQueue: number;
  peakDay: number;
  /** First day index after the events end with no backlog; null if it does not clear in the run. */
  clearDay: number | null;
  unitDays: number;
  diversions: Diversion[];
  /** Alternatives ruled out, with the reason (rail corridors, detour limits). */
  excluded: ExcludedAlternative[];
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
  /** The union of the events' windows, in days (closure hours ÷ 24). */
  closureDays: number;
  flows: FlowResult[];
  costs: Costs;
}
