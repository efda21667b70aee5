// The staffing model: officers → open inspection positions by mode over the day → capacity. Pure (no Node,
// no store), so the browser runs it too. Every parameter is a range with its source in docs/model.md; the
// numbers come from ../shared/data/reference/ofo-staffing (rows named in `source`).
import {
  STAFFING_PARAMETER_NAMES,
  type OfficerPolicy,
  type Range,
  type ScenarioMode,
  type StaffingParameterName,
} from "../domain/scenario.ts";
import { midValues, type ParameterInfo } from "./parameters.ts";

export { STAFFING_PARAMETER_NAMES, type StaffingParameterName, type OfficerPolicy };
export type StaffingParams = Record<StaffingParameterName, number>;

/** Every staffing parameter with its default range, unit and source. */
export const STAFFING_PARAMETERS = {
  officerHoursPerYear: {
    value: [1698, 1900],
    unit: "hours on post per officer-year",
    meaning:
      "hours one officer on the rolls works at the port in a year, after leave, training and absence (the relief factor's denominator: a post open 24/7 needs 8,760 ÷ this ≈ 4.6–5.2 officers)",
    basis: "source",
    source:
      "ofo-staffing rows net_available_hours_per_officer (1,698: Local Government Performance Center relief-factor example) and net_available_hours_alt (1,800–1,900); relief_factor_24x7_post 4.6–5.2 (inferred). No CBP-specific figure was found",
  },
  primaryShare: {
    value: [0.4, 0.6],
    unit: "share of officer hours",
    meaning:
      "share of a port's officer hours spent in primary inspection positions (booths, rail crews); the rest is secondary, cargo exams, enforcement teams, administration",
    basis: "assumption",
    source: "assumption: no published figure (ofo-staffing NOTES §2 and §9 suggest 0.5, 0.4–0.6)",
  },
  boothUtilisation: {
    value: [0.4, 0.6],
    unit: "share of an open position's hours",
    meaning:
      "share of the hours a primary position is open that it spends clearing traffic at the service rate (traffic comes in peaks; booths stay open at night and between arrivals): positions staffed = capacity ÷ (service rate × this)",
    basis: "source",
    source:
      "inferred: a range whose middle makes the bottom-up count of officers meet the published field-office staff — Laredo FO 1,500–2,000 in spring 2019 (ofo-staffing row laredo_fo_officers_implied_2019; test/services/officers.test.ts checks the model's count for April 2019 falls inside it, docs/officers.md gives it); San Diego FO's 'almost 1,500 front-line officers' is FY2008 (row sd_field_office_frontline_FY2008), a floor for 2019, not a match; San Ysidro's 95 vehicles per lane-hour against 106 at the pure service rate (row pov_avg_flow_per_lane_SY_2005) is a busy port's upper end",
  },
  cutFromPrimary: {
    value: [0.5, 1],
    unit: "share of removed officer hours",
    meaning:
      "share of a removed officer's hours that the port takes out of primary positions (1: it keeps secondary and enforcement whole and closes lanes; 0.5 ≈ pro rata)",
    basis: "assumption",
    source:
      "assumption; CBP Buffalo in 2019 (Buffalo News, 2019-08-07): 'we are not going to take away resources from our enforcement mission' supports the upper end",
  },
  povSecondsPerVehicle: {
    value: [34, 70],
    unit: "seconds per personal vehicle",
    meaning: "primary inspection time of one personal vehicle (a booth clears 3,600 ÷ this per hour)",
    basis: "source",
    source:
      "ofo-staffing row pov_primary_inspection_time_mean: Villegas et al. (2006), TRR 1942: 34 s mean at El Paso, 70 s when a compartment is opened",
  },
  truckSecondsPerTruck: {
    value: [60, 120],
    unit: "seconds per truck",
    meaning: "primary inspection time of one truck at a commercial booth",
    basis: "source",
    source:
      "ofo-staffing rows truck_primary_time_mtu (MTRI 2014: 1–1.5 min at Ambassador and Blue Water) and truck_primary_time_ambassador (120 s, Truck News c.2004: 9 booths cleared 270 trucks/h)",
  },
  pedestrianSecondsPerPerson: {
    value: [20, 40],
    unit: "seconds per pedestrian",
    meaning: "primary inspection time of one pedestrian",
    basis: "assumption",
    source: "assumption: no per-booth figure found (ofo-staffing NOTES §3: 'assume 20–40 s')",
  },
  busMinutesPerBus: {
    value: [10, 30],
    unit: "minutes per bus",
    meaning: "officer-minutes to clear one bus and its passengers at primary",
    basis: "assumption",
    source: "assumption: no figure found; a bus of 20–40 passengers at the pedestrian rate",
  },
  railOfficerHoursPerTrain: {
    value: [2, 4],
    unit: "officer-hours per train",
    meaning:
      "officer-hours to clear one train (manifest review, scanning, exams, stowaway searches); a rail crossing is open or closed, never thinned",
    basis: "assumption",
    source:
      "assumption: ofo-staffing row rail_inspection_manual_time (pre-2002: 2 officers and a dog, 1–2 h per train) and NOTES §5 ('assume 2–4 officer-hours per train'); CBP closed whole rail bridges in 2023 (NOTES §5)",
  },
  truckOpenHours: {
    value: [8, 18],
    unit: "hours per day",
    meaning:
      "hours a day a port's commercial (truck) booths are open; the other modes are taken as open 24 hours",
    basis: "source",
    source:
      "ofo-staffing NOTES §2: Bridge of the Americas cargo 6am–2pm (8 h), World Trade Bridge 7am–midnight (17 h); range widened to 18",
  },
} as const satisfies Record<StaffingParameterName, ParameterInfo>;

/** The staffing parameters in force: defaults with overrides on top, and the middle of each range. */
export function staffingParams(
  overrides: Partial<Record<StaffingParameterName, Range>> = {},
): StaffingParams {
  return midValues(STAFFING_PARAMETERS, overrides);
}

/** The order modes are cut in under each ordered policy (rail is always closed whole). */
export const POLICY_ORDER: Record<"protect-commercial" | "protect-travellers", ScenarioMode[]> = {
  "protect-commercial": ["pedestrian", "personal-vehicle", "bus", "truck", "rail"],
  "protect-travellers": ["rail", "truck", "bus", "personal-vehicle", "pedestrian"],
};

/** One mode of a port as the staffing model sees it. */
export interface ModeStaffingInput {
  mode: ScenarioMode;
  /** Inbound capacity of the mode, in its unit per day (railcars, trucks, vehicles, people, buses). */
  capacityPerDay: number;
  /** Trains per railcar (rail only). */
  trainsPerUnit?: number;
}

/** A port's modes, with the capacity the engine gives them. */
export interface PortStaffingInput {
  port: string;
  portName: string;
  modes: ModeStaffingInput[];
}

/** One mode's primary positions at a port. */
export interface ModeStaffing {
  mode: ScenarioMode;
  capacityPerDay: number;
  /** Units one open position clears in an hour on average (service rate × utilisation; rail: railcars per officer-hour). */
  unitsPerPositionHour: number;
  /** Position-hours a day that give the mode its capacity. */
  positionHoursPerDay: number;
  /** Hours a day the mode's booths are open. */
  openHours: number;
  /** Positions open in each hour of the day (0–23, local time). */
  positionsByHour: number[];
}

/** A port's baseline staffing. */
export interface PortStaffing {
  port: string;
  portName: string;
  modes: ModeStaffing[];
  /** Position-hours a day over all modes. */
  positionHoursPerDay: number;
  /** Officers on the rolls that staffing implies (position-hours ÷ primary share × 365 ÷ hours per officer-year). */
  officersOnStrength: number;
}

const rateOf = (m: ModeStaffingInput, p: StaffingParams): number => {
  switch (m.mode) {
    case "personal-vehicle":
      return 3600 / p.povSecondsPerVehicle;
    case "truck":
      return 3600 / p.truckSecondsPerTruck;
    case "pedestrian":
      return 3600 / p.pedestrianSecondsPerPerson;
    case "bus":
      return 60 / p.busMinutesPerBus;
    case "rail":
      // railcars per officer-hour: a train of 1/trainsPerUnit cars takes railOfficerHoursPerTrain.
      return m.trainsPerUnit && m.trainsPerUnit > 0 ? 1 / (m.trainsPerUnit * p.railOfficerHoursPerTrain) : 0;
  }
};

/** Hours of the day a mode is open: trucks for `truckOpenHours` from 06:00, the others all day. */
function openMask(mode: ScenarioMode, p: StaffingParams): number[] {
  const hours = mode === "truck" ? Math.max(1, Math.min(24, Math.round(p.truckOpenHours))) : 24;
  return Array.from({ length: 24 }, (_, h) => (mode === "truck" ? (h >= 6 && h < 6 + hours ? 1 : 0) : 1));
}

/** A port's baseline: the positions that give each mode its capacity, and the officers that implies. */
export function baselineStaffing(port: PortStaffingInput, p: StaffingParams): PortStaffing {
  const modes = port.modes
    .filter((m) => m.capacityPerDay > 0)
    .map((m): ModeStaffing => {
      // Booths clear `rate` units an hour while busy, and are busy boothUtilisation of the time; a rail
      // crew's officer-hours per train are already all-in.
      const rate = rateOf(m, p) * (m.mode === "rail" ? 1 : p.boothUtilisation);
      const positionHoursPerDay = rate > 0 ? m.capacityPerDay / rate : 0;
      const mask = openMask(m.mode, p);
      const openHours = mask.reduce((s, x) => s + x, 0);
      return {
        mode: m.mode,
        capacityPerDay: m.capacityPerDay,
        unitsPerPositionHour: rate,
        positionHoursPerDay,
        openHours,
        positionsByHour: mask.map((x) => (x * positionHoursPerDay) / openHours),
      };
    });
  const positionHoursPerDay = modes.reduce((s, m) => s + m.positionHoursPerDay, 0);
  return {
    port: port.port,
    portName: port.portName,
    modes,
    positionHoursPerDay,
    officersOnStrength: ((positionHoursPerDay / p.primaryShare) * 365) / p.officerHoursPerYear,
  };
}

/** Position-hours a day that removing `officers` officers takes out of a port's primary positions. */
export function primaryHoursRemoved(officers: number, p: StaffingParams): number {
  return ((Math.max(0, officers) * p.officerHoursPerYear) / 365) * p.cutFromPrimary;
}

/** One item of a closure list: a mode at a port, whole or a share of it (Bridge 1 of two bridges ...). */
export interface ClosureItem {
  port: string;
  mode: ScenarioMode;
  /** Share of the mode's positions the item closes (1 = the whole mode). */
  share: number;
}

/** What a cut leaves of one mode at one port. */
export interface ModeCut {
  mode: ScenarioMode;
  positionHoursPerDay: number;
  positionHoursLost: number;
  /** Capacity left, as a share of the baseline (the multiplier the engine applies over the event). */
  remainingShare: number;
  positionsByHourAfter: number[];
}

/** The cut at one port. */
export interface PortCut {
  port: string;
  portName: string;
  officersRemoved: number;
  officersOnStrength: number;
  /** Primary position-hours a day the officers' departure takes out. */
  hoursToFree: number;
  /** Position-hours actually closed (more than hoursToFree when a whole rail crossing closes). */
  hoursClosed: number;
  /** Hours that could not be freed: the port has no more primary positions (as officers). */
  unmetOfficers: number;
  modes: ModeCut[];
}

const remaining = (m: ModeStaffing, lost: number): ModeCut => {
  const share = m.positionHoursPerDay > 0 ? Math.max(0, 1 - lost / m.positionHoursPerDay) : 1;
  return {
    mode: m.mode,
    positionHoursPerDay: m.positionHoursPerDay,
    positionHoursLost: Math.min(lost, m.positionHoursPerDay),
    remainingShare: share,
    positionsByHourAfter: m.positionsByHour.map((x) => x * share),
  };
};

/**
 * Cuts one port's primary positions for `officers` officers removed, by policy:
 * - proportional: every mode loses the same share of its positions;
 * - protect-commercial / protect-travellers: modes are emptied in POLICY_ORDER until enough hours are freed
 *   (a rail crossing is closed whole when reached);
 * - closure-list: the listed items close in order (each frees its share of its mode), the rest of the need,
 *   if any, proportionally over what is left.
 * Removing no officers changes nothing; removing more never leaves more capacity.
 */
export function cutPort(
  base: PortStaffing,
  officers: number,
  policy: OfficerPolicy,
  p: StaffingParams,
  closureList: readonly ClosureItem[] = [],
): PortCut {
  const need = primaryHoursRemoved(officers, p);
  const lost = new Map<ScenarioMode, number>(base.modes.map((m) => [m.mode, 0]));
  const total = base.positionHoursPerDay;
  let left = need;
  const proportional = (hours: number) => {
    const open = base.modes.map((m) => m.positionHoursPerDay - lost.get(m.mode)!);
    const sum = open.reduce((s, x) => s + x, 0);
    if (sum <= 0 || hours <= 0) return 0;
    const f = Math.min(1, hours / sum);
    base.modes.forEach((m, i) => lost.set(m.mode, lost.get(m.mode)! + open[i]! * f));
    return Math.min(hours, sum);
  };
  if (need > 0) {
    if (policy === "proportional") left -= proportional(need);
    else if (policy === "closure-list") {
      for (const item of closureList.filter((c) => c.port === base.port)) {
        if (left <= 0) break;
        const m = base.modes.find((x) => x.mode === item.mode);
        if (!m) continue;
        const free = Math.max(0, m.positionHoursPerDay * Math.min(1, item.share) - lost.get(m.mode)!);
        lost.set(m.mode, lost.get(m.mode)! + free);
        left -= free;
      }
      if (left > 0) left -= proportional(left);
    } else {
      for (const mode of POLICY_ORDER[policy]) {
        if (left <= 0) break;
        const m = base.modes.find((x) => x.mode === mode);
        if (!m) continue;
        const open = m.positionHoursPerDay - lost.get(mode)!;
        const take = mode === "rail" ? open : Math.min(open, left);
        lost.set(mode, lost.get(mode)! + take);
        left -= take;
      }
    }
  }
  const closed = [...lost.values()].reduce((s, x) => s + x, 0);
  const perOfficer = (p.officerHoursPerYear / 365) * p.cutFromPrimary;
  return {
    port: base.port,
    portName: base.portName,
    officersRemoved: officers,
    officersOnStrength: base.officersOnStrength,
    hoursToFree: need,
    hoursClosed: Math.min(closed, total),
    unmetOfficers: left > 1e-9 && perOfficer > 0 ? left / perOfficer : 0,
    modes: base.modes.map((m) => remaining(m, lost.get(m.mode)!)),
  };
}

/**
 * Spreads officers over a field office's ports in proportion to the officers each has on strength (a port
 * with more positions gives more), never more than a port has.
 */
export function spreadOfficers(bases: readonly PortStaffing[], officers: number): Map<string, number> {
  const out = new Map<string, number>();
  const strength = bases.reduce((s, b) => s + b.officersOnStrength, 0);
  for (const b of bases)
    out.set(
      b.port,
      strength > 0 ? Math.min(b.officersOnStrength, (officers * b.officersOnStrength) / strength) : 0,
    );
  return out;
}

/**
 * Officers that closing the listed items frees (the items' position-hours, converted back to officers): what
 * the closures CBP chose could have released for the Border Patrol.
 */
export function officersFreedBy(
  bases: readonly PortStaffing[],
  items: readonly ClosureItem[],
  p: StaffingParams,
): { item: ClosureItem; positionHoursPerDay: number; officers: number }[] {
  const perOfficer = (p.officerHoursPerYear / 365) * p.cutFromPrimary;
  return items.map((item) => {
    const m = bases.find((b) => b.port === item.port)?.modes.find((x) => x.mode === item.mode);
    const hours = m ? m.positionHoursPerDay * Math.min(1, item.share) : 0;
    return { item, positionHoursPerDay: hours, officers: perOfficer > 0 ? hours / perOfficer : 0 };
  });
}

/**
 * Cuts the ports of one officer event. Ordered and proportional policies spread the officers over the ports
 * by strength (spreadOfficers) and cut each port; closure-list walks the list across ports, closing items
 * whole (or their share) until the officers' hours are freed, and spreads any remainder by strength.
 */
export function cutEvent(
  bases: readonly PortStaffing[],
  officers: number,
  policy: OfficerPolicy,
  p: StaffingParams,
  closureList: readonly ClosureItem[] = [],
): PortCut[] {
  const perOfficer = (p.officerHoursPerYear / 365) * p.cutFromPrimary;
  if (policy !== "closure-list" || perOfficer <= 0) {
    const spread =
      bases.length === 1 ? new Map([[bases[0]!.port, officers]]) : spreadOfficers(bases, officers);
    return bases.map((b) =>
      cutPort(b, spread.get(b.port) ?? 0, policy === "closure-list" ? "proportional" : policy, p),
    );
  }
  let left = primaryHoursRemoved(officers, p);
  const hoursAt = new Map<string, number>(bases.map((b) => [b.port, 0]));
  for (const { item, positionHoursPerDay } of officersFreedBy(bases, closureList, p)) {
    if (left <= 0) break;
    if (!hoursAt.has(item.port) || positionHoursPerDay <= 0) continue;
    hoursAt.set(item.port, hoursAt.get(item.port)! + positionHoursPerDay);
    left -= positionHoursPerDay;
  }
  const rest = left > 0 ? spreadOfficers(bases, left / perOfficer) : new Map<string, number>();
  return bases.map((b) =>
    cutPort(b, hoursAt.get(b.port)! / perOfficer + (rest.get(b.port) ?? 0), "closure-list", p, closureList),
  );
}
