// The surge rule: encounters per day in a sector → Border Patrol workload → the share OFO covers → officers
// moved from the ports. A documented rule a reader can argue with, not a fit. Pure.
import type { Range } from "../domain/scenario.ts";
import { midValues, rangeEnd, type ParameterInfo } from "./parameters.ts";

export const SURGE_PARAMETER_NAMES = ["hoursPerApprehension", "ofoShare", "officerHoursPerDay"] as const;
export type SurgeParameterName = (typeof SURGE_PARAMETER_NAMES)[number];
export type SurgeParams = Record<SurgeParameterName, number>;

/** The rule's parameters, each with its range and where it comes from. */
export const SURGE_PARAMETERS = {
  hoursPerApprehension: {
    value: [7, 14.5],
    unit: "Border Patrol hours per apprehension above normal",
    meaning:
      "all the work one more apprehension a day brings: processing, transport, hospital watch and custody care (people are held for days)",
    basis: "source",
    source:
      "derived from CBP's own figures for spring 2019: '40% of the Border Patrol agents on the Southwest border are currently conducting processing, transportation, care' (ofo-staffing row usbp_share_agents_on_processing_2019, 0.38–0.5) × 16,600–16,700 agents (row usbp_agents_fy2019_fy2022) × 4.65–5.2 hours on duty per agent per calendar day (1,698–1,900 h a year) ÷ 2,995–4,286 apprehensions a day (CBP's sector table, Southwest, March and May 2019) = 6.8–14.5; the paperwork alone is 1–3 hours (rows usbp_nta_processing_hours_per_adult, usbp_paperwork_hours_per_family)",
  },
  ofoShare: {
    value: [0.05, 0.15],
    unit: "share of the extra workload",
    meaning:
      "share of the extra processing workload that falls to OFO officers taken from the ports (the rest: agents moved off the line, other sectors, contractors, processing coordinators)",
    basis: "assumption",
    source:
      "assumption anchored on 2019: 731 OFO officers (row redeploy2019_total_peak) beside about 6,700 agents on processing (0.4 × 16,700) ≈ 10% of the processing workforce; no published split. Because it uses the 2019 count, the 2019 check of the total is not independent (the split by field office is)",
  },
  officerHoursPerDay: {
    value: [4.65, 5.2],
    unit: "hours per officer per calendar day",
    meaning:
      "hours one detailed officer works per calendar day on average (leave, training and days off taken out)",
    basis: "source",
    source:
      "the staffing model's 1,698–1,900 hours per officer-year (ofo-staffing rows net_available_hours_*) ÷ 365",
  },
} as const satisfies Record<SurgeParameterName, ParameterInfo>;

/** The parameters in force: defaults with overrides, the middle of each range. */
export function surgeParams(overrides: Partial<Record<SurgeParameterName, Range>> = {}): SurgeParams {
  return midValues(SURGE_PARAMETERS, overrides);
}

/** One step of the rule, for the answer (so a reader can follow and dispute each). */
export interface SurgeStep {
  step: string;
  value: number;
  unit: string;
  how: string;
}

/** What the rule says for one surge. */
export interface SurgeOutcome {
  encountersPerDay: number;
  baselinePerDay: number;
  extraPerDay: number;
  workloadHoursPerDay: number;
  ofoHoursPerDay: number;
  officers: number;
  /** The same with every parameter at its low end and at its high end. */
  officersLow: number;
  officersHigh: number;
  steps: SurgeStep[];
}

/**
 * officers = ofoShare × max(0, encounters − baseline) × hoursPerApprehension ÷ officerHoursPerDay:
 * the sector's encounters above its normal level bring Border Patrol work; OFO covers a share of it with
 * officers from the ports, each giving officerHoursPerDay.
 */
export function surgeOfficers(
  encountersPerDay: number,
  baselinePerDay: number,
  p: SurgeParams,
  ranges: Partial<Record<SurgeParameterName, Range>> = {},
): SurgeOutcome {
  const extra = Math.max(0, encountersPerDay - baselinePerDay);
  const workload = extra * p.hoursPerApprehension;
  const ofo = workload * p.ofoShare;
  const officers = p.officerHoursPerDay > 0 ? ofo / p.officerHoursPerDay : 0;
  const end = (k: SurgeParameterName, high: boolean) =>
    rangeEnd(ranges[k] ?? SURGE_PARAMETERS[k].value, high);
  // Fewest officers: little work per apprehension, a small share, many hours per officer; most: the reverse.
  const at = (most: boolean) =>
    (extra * end("hoursPerApprehension", most) * end("ofoShare", most)) / end("officerHoursPerDay", !most);
  return {
    encountersPerDay,
    baselinePerDay,
    extraPerDay: extra,
    workloadHoursPerDay: workload,
    ofoHoursPerDay: ofo,
    officers,
    officersLow: at(false),
    officersHigh: at(true),
    steps: [
      {
        step: "encounters",
        value: encountersPerDay,
        unit: "per day",
        how: "the surge asked (or the data's monthly count ÷ days)",
      },
      {
        step: "normal level",
        value: baselinePerDay,
        unit: "per day",
        how: "the sector's mean daily encounters over the 12 months before (from the data), unless given",
      },
      {
        step: "above normal",
        value: extra,
        unit: "per day",
        how: "encounters − normal level (never below 0)",
      },
      {
        step: "Border Patrol workload",
        value: workload,
        unit: "hours per day",
        how: `above normal × ${p.hoursPerApprehension.toFixed(2)} hours per apprehension (hoursPerApprehension)`,
      },
      {
        step: "OFO's share",
        value: ofo,
        unit: "officer-hours per day",
        how: `workload × ${p.ofoShare} (ofoShare)`,
      },
      {
        step: "officers moved",
        value: officers,
        unit: "officers",
        how: `OFO hours ÷ ${p.officerHoursPerDay.toFixed(2)} hours per officer per day (officerHoursPerDay)`,
      },
    ],
  };
}
