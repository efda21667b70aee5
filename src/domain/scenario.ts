import { z } from "zod";
import {
  boundText,
  PARAMETER_BOUNDS,
  STAFFING_BOUNDS,
  SURGE_BOUNDS,
  type ParameterBound,
  type SurgeBoundName,
} from "./parameter-bounds.ts";

/** Modes a scenario can act on: freight (rail, truck, with trade value) and travellers (bus, personal vehicle, pedestrian). */
export const SCENARIO_MODES = ["rail", "truck", "bus", "personal-vehicle", "pedestrian"] as const;
export type ScenarioMode = (typeof SCENARIO_MODES)[number];

/**
 * Direction of a flow. `inbound` enters the U.S. (BTS counts these), `outbound` leaves it. In scenario files
 * `northbound`/`southbound` are accepted too and mean inbound/outbound on the Mexican border and the reverse
 * on the Canadian border.
 */
export type FlowDirection = "inbound" | "outbound";
export const DIRECTION_WORDS = ["northbound", "southbound", "inbound", "outbound", "both"] as const;
export type DirectionWord = (typeof DIRECTION_WORDS)[number];

/** A number or a [low, high] range drawn uniformly in the Monte Carlo. */
export const RangeSchema = z.union([
  z.number(),
  z
    .tuple([z.number(), z.number()])
    .refine(([lo, hi]) => lo <= hi, { message: "a range is [low, high] with low <= high" }),
]);
export type Range = z.infer<typeof RangeSchema>;

/** A number or a [low, high] range of one parameter, each end within the parameter's allowed span. */
function boundedRange(name: string, bd: ParameterBound, section = "§11") {
  const msg = `${boundText(name, bd)} (docs/model.md ${section})`;
  const n = z.number().min(bd.min, msg).max(bd.max, msg);
  return z.union([
    n,
    z.tuple([n, n]).refine(([lo, hi]) => lo <= hi, { message: "a range is [low, high] with low <= high" }),
  ]);
}

/** Overrides of the named parameters, each within its span; an unknown name is refused. */
function boundedParameters<N extends string>(bounds: Record<N, ParameterBound>, section?: string) {
  const shape = Object.fromEntries(
    (Object.entries(bounds) as [N, ParameterBound][]).map(([name, bd]) => [
      name,
      boundedRange(name, bd, section).optional(),
    ]),
  );
  // Typed as the partial record the model reads (an absent key, never an explicit undefined).
  return z.object(shape).strict() as unknown as z.ZodType<Partial<Record<N, Range>>>;
}

/**
 * Overrides of the surge rule's parameters (a number or [low, high], each end within SURGE_BOUNDS): one schema
 * for `POST /api/surge` and `borderflow surge`.
 */
export const SurgeParametersSchema = boundedParameters(SURGE_BOUNDS, "§8");
export type SurgeParameterOverrides = Partial<Record<SurgeBoundName, Range>>;

const dateTime = z.iso.datetime({
  offset: true,
  local: true,
  message:
    "expected an ISO date-time with an offset (2023-12-18T08:00:00-06:00), or a local one (2023-12-18T08:00) with a timeZone",
});

/** True when an ISO date-time carries its offset (Z or ±hh:mm). */
export const hasOffset = (s: string) => /(Z|[+-]\d{2}:?\d{2})$/i.test(s);

/** True for an IANA time-zone name this runtime knows (America/Chicago). */
export function isIanaZone(tz: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** `timeZone: "local"`: each port's own zone (an event at 08:00 local at ports in two zones). */
export const PORT_LOCAL = "local";
const portList = z.array(z.string().min(1)).min(1, "name at least one port (code or name)");
const modeList = z
  .array(z.enum(SCENARIO_MODES, { message: `expected one of ${SCENARIO_MODES.join(", ")}` }))
  .min(1, "name at least one mode");

const window = {
  ports: portList,
  modes: modeList,
  start: dateTime,
  end: dateTime,
  /**
   * The zone of local start/end times: an IANA name (America/Chicago) or "local" (each port's own zone).
   * Times with an offset need none.
   */
  timeZone: z
    .string()
    .refine((tz) => tz === PORT_LOCAL || isIanaZone(tz), {
      message: 'timeZone is an IANA zone name such as America/Chicago, or "local" for each port\'s own zone',
    })
    .optional(),
  direction: z.enum(DIRECTION_WORDS).default("both"),
  note: z.string().optional(),
};

/** Local times need a zone; times with an offset must not also name one (which would win is unclear). */
const timesAgree = (
  e: { start: string; end: string; timeZone?: string | undefined },
  ctx: z.RefinementCtx,
) => {
  for (const k of ["start", "end"] as const) {
    if (!hasOffset(e[k]) && !e.timeZone)
      ctx.addIssue({
        code: "custom",
        path: [k],
        message: `${k} ${e[k]} has no offset: add one (e.g. -06:00) or give the event a timeZone (America/Chicago, or "local")`,
      });
    if (hasOffset(e[k]) && e.timeZone)
      ctx.addIssue({
        code: "custom",
        path: ["timeZone"],
        message: `${k} ${e[k]} already has an offset; timeZone applies to local times only`,
      });
  }
};

/** A crossing shut for a window: nothing of the given modes crosses. */
export const ClosureSchema = z
  .object({ kind: z.literal("closure"), ...window })
  .strict()
  .superRefine(timesAgree);
/** A crossing working at a fraction of its capacity for a window. */
export const CapacityCutSchema = z
  .object({
    kind: z.literal("capacity-cut"),
    ...window,
    remainingCapacity: z
      .number()
      .min(0, "remainingCapacity is a share from 0 to 1")
      .max(1, "remainingCapacity is a share from 0 to 1"),
    /**
     * What is cut: "throughput" (default) cuts what the crossing can pass in those hours, as a blockade
     * does; "facilities" cuts lanes, a facility or inspection speed, of which only part binds on a day's
     * throughput (the cutBinding parameter): the rest is absorbed by other lanes, longer hours, flatter peaks.
     */
    of: z.enum(["throughput", "facilities"]).default("throughput"),
  })
  .strict()
  .superRefine(timesAgree);
/** Demand multiplied by a factor for a window (a surge > 1, a slump < 1). */
export const DemandShockSchema = z
  .object({
    kind: z.literal("demand-shock"),
    ...window,
    factor: z.number().min(0, "factor must be 0 or more").max(10, "factor above 10 is not plausible"),
  })
  .strict()
  .superRefine(timesAgree);

/** Parameters of the staffing model (src/model/staffing.ts), overridable per officer event. */
export const STAFFING_PARAMETER_NAMES = [
  "officerHoursPerYear",
  "primaryShare",
  "boothUtilisation",
  "cutFromPrimary",
  "povSecondsPerVehicle",
  "truckSecondsPerTruck",
  "pedestrianSecondsPerPerson",
  "busMinutesPerBus",
  "railOfficerHoursPerTrain",
  "truckOpenHours",
] as const;
export type StaffingParameterName = (typeof STAFFING_PARAMETER_NAMES)[number];

/** Which lanes close first when officers leave (see docs/model.md, staffing). */
export const OFFICER_POLICIES = [
  "proportional",
  "protect-commercial",
  "protect-travellers",
  "closure-list",
] as const;
export type OfficerPolicy = (typeof OFFICER_POLICIES)[number];

/** Most officers one event may move (CBP's 2019 ceiling before the Secretary is told: 2,000). */
export const MAX_EVENT_OFFICERS = 5000;

/**
 * N officers moved away from ports (`ports`, or spread over the land ports of `fieldOffice`) for a window.
 * The staffing model turns them into closed positions by mode (by `policy`) and that into capacity. A
 * closure-list event may leave `officers` out: it then moves the officers its closures free.
 */
export const OfficerRedeploymentSchema = z
  .object({
    kind: z.literal("officer-redeployment"),
    officers: z
      .number()
      .min(0, "officers is a number of officers, 0 or more")
      .max(MAX_EVENT_OFFICERS, `at most ${MAX_EVENT_OFFICERS} officers in one event`)
      .optional(),
    ports: portList.optional(),
    fieldOffice: z.string().min(1).max(80).optional(),
    modes: modeList.default([...SCENARIO_MODES]),
    start: dateTime,
    end: dateTime,
    timeZone: window.timeZone,
    direction: z.enum(DIRECTION_WORDS).default("both"),
    policy: z
      .enum(OFFICER_POLICIES, { message: `expected one of ${OFFICER_POLICIES.join(", ")}` })
      .default("proportional"),
    closureList: z
      .array(
        z
          .object({
            port: z.string().min(1).max(80),
            mode: z.enum(SCENARIO_MODES, { message: `expected one of ${SCENARIO_MODES.join(", ")}` }),
            share: z.number().min(0).max(1).default(1),
          })
          .strict(),
      )
      .max(50, "at most 50 closure items")
      .optional(),
    staffing: boundedParameters(STAFFING_BOUNDS).default({}),
    note: z.string().optional(),
  })
  .strict()
  .superRefine((e, c) => {
    timesAgree(e, c);
    if (!e.ports === !e.fieldOffice)
      c.addIssue({
        code: "custom",
        path: ["ports"],
        message: "give either ports or fieldOffice (one of the two)",
      });
    if (e.officers === undefined && e.policy !== "closure-list")
      c.addIssue({
        code: "custom",
        path: ["officers"],
        message:
          "officers is required (only a closure-list event may leave it out: its officers are those its closures free)",
      });
    if (e.policy === "closure-list" && !e.closureList?.length)
      c.addIssue({
        code: "custom",
        path: ["closureList"],
        message: "policy closure-list needs a closureList",
      });
  });

/** Every kind of scenario event. */
export const ScenarioEventSchema = z.discriminatedUnion("kind", [
  ClosureSchema,
  CapacityCutSchema,
  DemandShockSchema,
  OfficerRedeploymentSchema,
]);
export type ScenarioEventSpec = z.input<typeof ScenarioEventSchema>;

/** The ports a scenario event names ([] for an officer event given by field office, resolved later). */
export const eventPorts = (ev: ScenarioEventSpec): string[] => ev.ports ?? [];
/** The modes a scenario event acts on (an officer event without modes acts on all). */
export const eventModes = (ev: ScenarioEventSpec): ScenarioMode[] => ev.modes ?? [...SCENARIO_MODES];
export type ScenarioEvent = z.output<typeof ScenarioEventSchema>;

/** Model parameters a scenario may override (a number, or a range for the Monte Carlo). */
export const PARAMETER_NAMES = [
  "headroom",
  "baselineLevel",
  "capacityPercentile",
  "surgeFactor",
  "laneRateTruck",
  "laneRateVehicle",
  "laneRatePedestrian",
  "cutBinding",
  "circuity",
  "leadTimeDays",
  "maxDetourKm",
  "detourSpeedKmh",
  "maxDetourHoursTruck",
  "maxDetourHoursTravellers",
  "divertShareRail",
  "divertShareTruck",
  "divertShareTravellers",
  "cancelShareFreight",
  "cancelShareTravellers",
  "patienceDaysFreight",
  "patienceDaysTravellers",
  "catchUpDays",
  "travellerRecovery",
  "outboundRatio",
  "truckloadsPerRailcar",
  "carryingRatePerYear",
  "railcarDayUsd",
  "truckHourUsd",
  "truckHoursPerDay",
  "spoilagePerDay",
  "railDetourUsdPerCarKm",
  "truckDetourUsdPerKm",
  "multiplier",
] as const;
export type ParameterName = (typeof PARAMETER_NAMES)[number];

export const MAX_HORIZON_DAYS = 365;
/**
 * Most events in one scenario. Each is checked against every other on the same crossing (in O(n log n)), and
 * a closure of many ports per event is already a large network; more is refused before anything is checked.
 */
export const MAX_EVENTS = 1_000;
/** Monte Carlo draws of a run: at least 1 (the bands need draws), at most 5,000 (CLI and API alike). */
export const MAX_DRAWS = 5_000;

/**
 * How diverted traffic is shared among the crossings it can reach: "gravity" (the default: in proportion to
 * each crossing's normal traffic of the mode ÷ route km), "nearest-first", or in proportion to spare capacity.
 */
export const REROUTING_POLICIES = ["gravity", "nearest-first", "proportional"] as const;
export type ReroutingPolicy = (typeof REROUTING_POLICIES)[number];

/** Options of a scenario run. */
export const ScenarioOptionsSchema = z
  .object({
    baselineMonths: z.number().int().min(3).max(36).default(12),
    rerouting: z
      .object({
        enabled: z.boolean().default(true),
        policy: z.enum(REROUTING_POLICIES).default("gravity"),
      })
      .strict()
      .default({ enabled: true, policy: "gravity" }),
    railToTruck: z.boolean().default(false),
    multiplier: z.boolean().default(false),
    draws: z
      .number()
      .int("draws must be a whole number")
      .min(1, "draws is at least 1")
      .max(MAX_DRAWS, `draws is at most ${MAX_DRAWS.toLocaleString("en-US")}`)
      .default(1000),
    seed: z.number().int().default(42),
    parameters: boundedParameters(PARAMETER_BOUNDS).default({}),
  })
  .strict();

/** A scenario file as a user writes it (JSON or YAML). */
export const ScenarioSpecSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1),
    description: z.string().default(""),
    horizonDays: z
      .number()
      .int()
      .min(1)
      .max(MAX_HORIZON_DAYS, `horizonDays is at most ${MAX_HORIZON_DAYS}`)
      .optional(),
    events: z
      .array(ScenarioEventSchema)
      .min(1, "a scenario needs at least one event")
      .max(MAX_EVENTS, `a scenario has at most ${MAX_EVENTS.toLocaleString("en-US")} events`),
    options: ScenarioOptionsSchema.default(ScenarioOptionsSchema.parse({})),
  })
  .strict();

/** What a user wrote. */
export type ScenarioSpec = z.input<typeof ScenarioSpecSchema>;
/** What the schema returned: defaults filled in. */
export type Scenario = z.output<typeof ScenarioSpecSchema>;

/** How each scenario mode is counted in BTS: its capacity unit, the measures summed into it, the others. */
export const MODE_UNITS = {
  rail: {
    unit: "railcars",
    measures: ["Rail Containers Loaded", "Rail Containers Empty"],
    loaded: ["Rail Containers Loaded", "Rail Containers Empty"],
    mix: { trains: "Trains" },
    tradeMode: "rail",
  },
  truck: {
    unit: "trucks",
    measures: ["Trucks"],
    loaded: ["Truck Containers Loaded", "Truck Containers Empty"],
    mix: { "loaded containers": "Truck Containers Loaded", "empty containers": "Truck Containers Empty" },
    tradeMode: "truck",
  },
  bus: {
    unit: "buses",
    measures: ["Buses"],
    loaded: null,
    mix: { passengers: "Bus Passengers" },
    tradeMode: null,
  },
  "personal-vehicle": {
    unit: "vehicles",
    measures: ["Personal Vehicles"],
    loaded: null,
    mix: { passengers: "Personal Vehicle Passengers" },
    tradeMode: null,
  },
  pedestrian: { unit: "people", measures: ["Pedestrians"], loaded: null, mix: {}, tradeMode: null },
} as const satisfies Record<
  ScenarioMode,
  {
    unit: string;
    measures: readonly string[];
    loaded: readonly [string, string] | null;
    mix: Record<string, string>;
    tradeMode: string | null;
  }
>;

/** HS2 chapters treated as perishable: meat, fish, dairy (02-04) and plants, vegetables, fruit (06-08). */
export const PERISHABLE_HS2 = ["02", "03", "04", "06", "07", "08"] as const;
