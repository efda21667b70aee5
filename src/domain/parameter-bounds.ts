// What a scenario may set each model parameter to: the physically meaningful span of every parameter (a share
// from 0 to 1, a speed a truck can drive, an hour count within a day), wider than the range the Monte Carlo
// draws by default (src/model/parameters.ts, docs/model.md §11, which lists both). A value or a range end
// outside its span is refused by the scenario schema with the parameter's name, unit and span: a negative
// carrying rate is not a scenario, it is a typo that would report a negative cost.
import type { ParameterName, StaffingParameterName } from "./scenario.ts";

/** The surge rule's parameters (src/model/surge.ts), named here so the domain does not import the model. */
export type SurgeBoundName = "hoursPerApprehension" | "ofoShare" | "officerHoursPerDay";

/** The allowed span of a parameter: [lowest, highest], and the unit it is in (for messages). */
export interface ParameterBound {
  min: number;
  max: number;
  unit: string;
}

const b = (min: number, max: number, unit: string): ParameterBound => ({ min, max, unit });
const share = b(0, 1, "a share");

/** Allowed span of every scenario-model parameter (docs/model.md §11, "allowed"). */
export const PARAMETER_BOUNDS: Record<ParameterName, ParameterBound> = {
  headroom: b(0.5, 3, "× robust peak day"),
  baselineLevel: b(0.5, 2, "× baseline"),
  capacityPercentile: b(0.5, 1, "a quantile"),
  surgeFactor: b(1, 3, "× capacity"),
  laneRateTruck: b(1, 200, "trucks per lane-hour"),
  laneRateVehicle: b(1, 400, "vehicles per lane-hour"),
  laneRatePedestrian: b(1, 1000, "people per lane-hour"),
  cutBinding: share,
  circuity: b(1, 3, "route km per great-circle km"),
  leadTimeDays: b(0, 30, "days"),
  maxDetourKm: b(0, 5000, "km"),
  detourSpeedKmh: b(5, 130, "km per hour"),
  maxDetourHoursTruck: b(0, 48, "hours"),
  maxDetourHoursTravellers: b(0, 24, "hours"),
  divertShareRail: share,
  divertShareTruck: share,
  divertShareTravellers: share,
  cancelShareFreight: share,
  cancelShareTravellers: share,
  patienceDaysFreight: b(0.1, 365, "days"),
  patienceDaysTravellers: b(0.1, 60, "days"),
  catchUpDays: b(0.5, 90, "days"),
  travellerRecovery: b(0, 10, "× the closure's length"),
  outboundRatio: b(0, 3, "outbound per inbound unit"),
  truckloadsPerRailcar: b(1, 6, "truckloads per railcar"),
  carryingRatePerYear: b(0, 1, "a share of value per year"),
  railcarDayUsd: b(0, 1000, "USD per railcar-day"),
  truckHourUsd: b(0, 1000, "USD per truck-hour"),
  truckHoursPerDay: b(0, 24, "hours per day"),
  spoilagePerDay: b(0, 1, "a share per day"),
  railDetourUsdPerCarKm: b(0, 50, "USD per railcar-km"),
  truckDetourUsdPerKm: b(0, 20, "USD per truck-km"),
  multiplier: b(1, 5, "× direct cost"),
};

/** Allowed span of every staffing-model parameter an officer event may override (docs/model.md §7). */
export const STAFFING_BOUNDS: Record<StaffingParameterName, ParameterBound> = {
  officerHoursPerYear: b(1000, 3000, "hours per officer-year"),
  primaryShare: share,
  boothUtilisation: b(0.05, 1, "a share"),
  cutFromPrimary: share,
  povSecondsPerVehicle: b(5, 600, "seconds per vehicle"),
  truckSecondsPerTruck: b(10, 1800, "seconds per truck"),
  pedestrianSecondsPerPerson: b(2, 600, "seconds per person"),
  busMinutesPerBus: b(1, 240, "minutes per bus"),
  railOfficerHoursPerTrain: b(0.1, 48, "officer-hours per train"),
  truckOpenHours: b(1, 24, "hours a day"),
};

/**
 * Allowed span of the surge rule's parameters (docs/model.md §8), for `POST /api/surge`'s `parameters` and
 * `borderflow surge --hours-per-apprehension/--ofo-share/--officer-hours-per-day` alike. An officer works at
 * most 24 hours a calendar day and more than none (the rule divides by it).
 */
export const SURGE_BOUNDS: Record<SurgeBoundName, ParameterBound> = {
  hoursPerApprehension: b(0, 100, "Border Patrol hours per apprehension"),
  ofoShare: share,
  officerHoursPerDay: b(0.5, 24, "hours per officer per calendar day"),
};

/** "cutBinding must be from 0 to 1 (a share)". */
export const boundText = (name: string, bd: ParameterBound) =>
  `${name} must be from ${bd.min} to ${bd.max} (${bd.unit})`;
