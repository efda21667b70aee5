import { z } from "zod";
import type { Border, PortCode } from "./ports.ts";

import {
  CALENDAR_DATE_MESSAGE,
  DATE_SHAPE,
  DATE_SHAPE_MESSAGE,
  isCalendarDate,
  LANE_GROUPS,
  LANE_TYPES,
  WEEKDAYS,
  type LaneGroup,
  type LaneType,
} from "./wait-lanes.ts";

export { LANE_GROUPS, LANE_TYPES, WEEKDAYS, type LaneGroup, type LaneType };

/** Where each lane type sits in the feed: the group object, the sub-lane object, the automation field. */
export const FEED_LANES: readonly {
  lane: LaneType;
  group: "commercial_vehicle_lanes" | "passenger_vehicle_lanes" | "pedestrian_lanes";
  subLane: "standard_lanes" | "FAST_lanes" | "NEXUS_SENTRI_lanes" | "ready_lanes";
  /** The group-level automation field of the 2022 JSON (`Manual`, `RFID`, `Bluetooth`). */
  automationField: string;
  /** The port-level automation field of the 2021 XML (CBP spells the pedestrian one `pedestrain`). */
  portAutomationField: string;
}[] = [
  {
    lane: "commercial-standard",
    group: "commercial_vehicle_lanes",
    subLane: "standard_lanes",
    automationField: "cv_automation_type",
    portAutomationField: "commercial_automation_type",
  },
  {
    lane: "commercial-fast",
    group: "commercial_vehicle_lanes",
    subLane: "FAST_lanes",
    automationField: "cv_automation_type",
    portAutomationField: "commercial_automation_type",
  },
  {
    lane: "passenger-standard",
    group: "passenger_vehicle_lanes",
    subLane: "standard_lanes",
    automationField: "pv_automation_type",
    portAutomationField: "passenger_automation_type",
  },
  {
    lane: "passenger-sentri",
    group: "passenger_vehicle_lanes",
    subLane: "NEXUS_SENTRI_lanes",
    automationField: "pv_automation_type",
    portAutomationField: "passenger_automation_type",
  },
  {
    lane: "passenger-ready",
    group: "passenger_vehicle_lanes",
    subLane: "ready_lanes",
    automationField: "pv_automation_type",
    portAutomationField: "passenger_automation_type",
  },
  {
    lane: "pedestrian-standard",
    group: "pedestrian_lanes",
    subLane: "standard_lanes",
    automationField: "ped_automation_type",
    portAutomationField: "pedestrain_automation_type",
  },
  {
    lane: "pedestrian-ready",
    group: "pedestrian_lanes",
    subLane: "ready_lanes",
    automationField: "ped_automation_type",
    portAutomationField: "pedestrain_automation_type",
  },
];

/** A lane's state as we store it. The feed's `N/A` (no such lane here) is not a reading at all. */
export const LANE_STATUSES = ["no-delay", "delay", "closed", "update-pending"] as const;
export type LaneStatus = (typeof LANE_STATUSES)[number];

/** The feed's `operational_status` values (compared lower-case), and ours; `null` marks `N/A`. */
export const FEED_STATUSES: Record<string, LaneStatus | null> = {
  "no delay": "no-delay",
  delay: "delay",
  "lanes closed": "closed",
  "update pending": "update-pending",
  "n/a": null,
};

/** UTC offsets in minutes of the zone abbreviations in `update_time` ("At 10:00 am PDT"). */
export const ZONE_OFFSETS_MINUTES: Record<string, number> = {
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
};

/** The feed's `border` values. */
export const FEED_BORDERS: Record<string, Border> = {
  "Mexican Border": "mexico",
  "Canadian Border": "canada",
};

/**
 * Crossings whose 6-character feed number does not start with the CBP/BTS port code of the ports table.
 * Every other crossing maps to its first four characters. Checked against the `ports` table in the tests.
 */
export const CROSSING_PORT_EXCEPTIONS: Record<string, { port: string; note: string }> = {
  "240203": {
    port: "2401",
    note: "Ysleta is listed under El Paso (2402) in the feed; BTS counts it as port 2401 from 2020-03",
  },
  "250301": {
    port: "2507",
    note: "Calexico East is port 2507 in BTS; the feed lists it under Calexico (2503)",
  },
  "250409": {
    port: "2582",
    note: "Cross Border Xpress is port 2582 in BTS; the feed lists it under San Ysidro (2504)",
  },
  "300403": {
    port: "3017",
    note: "Point Roberts is port 3017 in BTS; the feed lists it under Blaine (3004)",
  },
  l24501: {
    port: "2404",
    note: "the feed's number has a letter l; the same feed lists Fort Hancock as 240403, a crossing of port 2404 (Tornillo)",
  },
};

/** Feed number prefixes that are not port codes. */
export const CROSSING_PREFIX_EXCEPTIONS: Record<string, { port: string; note: string }> = {
  "3800": { port: "3801", note: "the feed numbers Detroit's crossings 3800xx; Detroit is port 3801" },
  "5355": { port: "2301", note: "the feed numbers Brownsville's crossings 5355xx; Brownsville is port 2301" },
};

/** The port a feed crossing number belongs to, or undefined when it cannot be told. */
export function portOfCrossing(crossing: string): PortCode | undefined {
  const exact = CROSSING_PORT_EXCEPTIONS[crossing] ?? CROSSING_PREFIX_EXCEPTIONS[crossing.slice(0, 4)];
  if (exact) return exact.port as PortCode;
  return /^\d{6}$/.test(crossing) ? (crossing.slice(0, 4) as PortCode) : undefined;
}

/** One validated reading of one lane type at one crossing, as the archive stores it (one JSON line). */
export interface WaitReading {
  /** `crossing|lane|time`: what makes a reading distinct (see {@link readingKey}). */
  key: string;
  /** The feed's 6-character crossing number, e.g. `"250401"`. */
  crossing: string;
  /** Our port (4-digit CBP/BTS code), e.g. `"2504"`. */
  port: PortCode;
  portName: string;
  /** `""` when the port has one crossing. */
  crossingName: string;
  border: Border;
  lane: LaneType;
  status: LaneStatus;
  /** CBP's estimated wait, minutes; null when closed or pending. */
  delayMinutes: number | null;
  lanesOpen: number | null;
  /** Booths or lanes of this traffic group at the crossing; null for `N/A`. */
  maxLanes: number | null;
  /** The crossing's `port_status`, e.g. `"Open"`. */
  portStatus: string;
  /** `Manual`, `RFID`, `Bluetooth`; null when the feed does not say (2014 XML, 2026 JSON). */
  automationType: string | null;
  /** When CBP updated this lane, as an ISO instant in the port's own offset: `2022-06-29T10:00:00-07:00`. */
  updatedAt: string | null;
  /** The zone abbreviation CBP wrote (`PDT`); null with updatedAt. */
  timeZone: string | null;
  /** When we fetched it, ISO UTC. */
  fetchedAt: string;
  format: "json" | "xml";
}

const IsoInstant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, "expected an ISO instant");

/** An archived reading line: validated when the archive is read back (files can be edited or torn). */
export const WaitReadingSchema = z.object({
  key: z.string().min(1),
  crossing: z.string().min(1),
  port: z.string().regex(/^\d{4}$/),
  portName: z.string(),
  crossingName: z.string(),
  border: z.enum(["mexico", "canada"]),
  lane: z.enum(LANE_TYPES),
  status: z.enum(LANE_STATUSES),
  delayMinutes: z.number().int().nonnegative().nullable(),
  lanesOpen: z.number().int().nonnegative().nullable(),
  maxLanes: z.number().int().nonnegative().nullable(),
  portStatus: z.string(),
  automationType: z.string().nullable(),
  updatedAt: IsoInstant.nullable(),
  timeZone: z.string().nullable(),
  fetchedAt: IsoInstant,
  format: z.enum(["json", "xml"]),
});

/**
 * What makes a reading distinct: crossing, lane type and CBP's own update time (as a UTC instant). A lane
 * without an update time (CBP leaves it empty for "Lanes Closed" and "Update Pending") is keyed by its
 * status and the UTC hour it was fetched in, so a closed lane is recorded at most once an hour.
 */
export function readingKey(
  r: Pick<WaitReading, "crossing" | "lane" | "status" | "updatedAt" | "fetchedAt">,
): string {
  const time = r.updatedAt
    ? new Date(r.updatedAt).toISOString()
    : `${r.status}@${new Date(r.fetchedAt).toISOString().slice(0, 13)}`;
  return `${r.crossing}|${r.lane}|${time}`;
}

/** The UTC day (YYYY-MM-DD) a reading is archived under: of its update time, else of its fetch. */
export function readingDay(r: Pick<WaitReading, "updatedAt" | "fetchedAt">): string {
  return new Date(r.updatedAt ?? r.fetchedAt).toISOString().slice(0, 10);
}

/** `crossing|lane`: one series of readings. */
export const seriesKey = (r: Pick<WaitReading, "crossing" | "lane">) => `${r.crossing}|${r.lane}`;

/**
 * One reading per key, sorted by key. Of readings with the same key the earliest fetched is kept (ties: the
 * smaller JSON), so the result depends only on the set of readings given: idempotent and order-independent.
 */
export function dedupeReadings(readings: readonly WaitReading[]): WaitReading[] {
  const best = new Map<string, { r: WaitReading; json?: string }>();
  for (const r of readings) {
    const prev = best.get(r.key);
    if (!prev) {
      best.set(r.key, { r });
      continue;
    }
    if (r.fetchedAt < prev.r.fetchedAt) best.set(r.key, { r });
    else if (r.fetchedAt === prev.r.fetchedAt) {
      const a = (prev.json ??= JSON.stringify(prev.r));
      const b = JSON.stringify(r);
      if (b < a) best.set(r.key, { r, json: b });
    }
  }
  return [...best.values()].map((x) => x.r).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The local hour (0-23) of an ISO instant written in its own offset (`...T10:00:00-07:00` → 10). */
export const localHour = (iso: string) => Number(iso.slice(11, 13));

/** The local weekday (0 = Sunday) of an ISO instant written in its own offset. */
export const localWeekday = (iso: string) => new Date(`${iso.slice(0, 10)}T00:00:00Z`).getUTCDay();

/** A local calendar date `YYYY-MM-DD` that exists. */
export const DateSchema = z
  .string()
  .regex(DATE_SHAPE, DATE_SHAPE_MESSAGE)
  .refine(isCalendarDate, CALENDAR_DATE_MESSAGE);

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a duration such as `5m`, `30s`, `1h`, `1h30m`, `250ms` into milliseconds; undefined if it is not one. */
export function parseDurationMs(text: string): number | undefined {
  const t = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * DURATION_UNITS_MS[m[2]!]!;
  return total;
}

/** What every detection carries: the reading it is about and when it was seen. */
interface DetectionBase {
  /** `kind|readingKey`: a detection is emitted once, even across restarts. */
  key: string;
  /** The fetch time of the capture that showed it (ISO UTC). */
  detectedAt: string;
  crossing: string;
  port: PortCode;
  portName: string;
  crossingName: string;
  lane: LaneType;
  readingKey: string;
  updatedAt: string | null;
  /** One human sentence. */
  message: string;
}

/** A lane whose latest update is older than the threshold when fetched. */
export interface StaleDetection extends DetectionBase {
  kind: "stale";
  ageHours: number;
  staleHours: number;
}

/** A lane that turned closed (or the first time it is seen closed). */
export interface ClosureDetection extends DetectionBase {
  kind: "closure";
  reason: "lanes-closed" | "no-lanes-open" | "port-closed";
  /** The lane's reading before, if the archive has one. */
  previous: { status: LaneStatus; lanesOpen: number | null; updatedAt: string | null } | null;
}

/** A wait far above the crossing-lane's usual for the local weekday and hour. */
export interface AnomalyDetection extends DetectionBase {
  kind: "anomaly";
  delayMinutes: number;
  typicalMinutes: number;
  thresholdMinutes: number;
  samples: number;
  weekday: (typeof WEEKDAYS)[number];
  hour: number;
}

/**
 * A lane whose lanes open fell sharply from its previous reading while it stayed open (a capacity loss).
 * Detected only when a rule is given (a watchlist's `minCapacityLoss`): lanes open move with demand and
 * staffing, so plain `watch` does not report it.
 */
export interface CapacityLossDetection extends DetectionBase {
  kind: "capacity-loss";
  lanesOpen: number;
  lanesBefore: number;
  /** Share of the lanes open before that closed, 0–1. */
  lossShare: number;
  maxLanes: number | null;
  /** The reading before. */
  previousUpdatedAt: string | null;
}

/** What the watcher detects, as emitted on stdout (one JSON line each) and to the webhook. */
export type Detection = StaleDetection | ClosureDetection | AnomalyDetection | CapacityLossDetection;
export type DetectionKind = Detection["kind"];
/** Every detection kind. */
export const DETECTION_KIND_NAMES = [
  "stale",
  "closure",
  "anomaly",
  "capacity-loss",
] as const satisfies readonly DetectionKind[];

/** An archived detection line: only the key is needed to avoid emitting it twice. */
export const DetectionLineSchema = z.object({ key: z.string().min(1), kind: z.string() }).passthrough();

/** A feed value: a string (CBP writes every value as one), or a number from a feed that changed. */
const FeedText = z.union([z.string(), z.number().transform(String)]);

/** One sub-lane object of the feed (`standard_lanes`, `FAST_lanes`, `NEXUS_SENTRI_lanes`, `ready_lanes`). */
export const FeedSubLaneSchema = z.object({
  update_time: FeedText,
  operational_status: FeedText,
  delay_minutes: FeedText,
  lanes_open: FeedText,
});
export type FeedSubLane = z.infer<typeof FeedSubLaneSchema>;

/** The crossing-level fields of one feed entry (JSON `bwtnew`/`waittimes` object or XML `<port>`). */
export const FeedCrossingSchema = z.object({
  port_number: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z]{6}$/, "expected a 6-character crossing number, e.g. 250401"),
  border: z.string().refine((b) => b in FEED_BORDERS, {
    error: (i) =>
      `unknown border ${JSON.stringify(i.input)} (expected "Mexican Border" or "Canadian Border")`,
  }),
  port_name: z.string().trim().min(1, "port_name is empty"),
  crossing_name: FeedText.optional().transform((s) => (s ?? "").trim()),
  date: z
    .string()
    .trim()
    .regex(/^\d{1,2}\/\d{1,2}\/\d{4}$/, "expected the feed date as M/D/YYYY, e.g. 6/29/2022"),
  time: z
    .string()
    .trim()
    .regex(/^\d{1,2}:\d{2}(:\d{2})?$/, "expected the feed time as HH:MM:SS")
    .optional(),
  port_status: FeedText.transform((s) => s.trim()),
});
export type FeedCrossing = z.infer<typeof FeedCrossingSchema>;

/**
 * A known event a wait forecast does not fit: lanes reported closed in the last day at the port or a port
 * within 100 km (`NEARBY_PORT_KM` of src/services/forecast.ts) on the same border (traffic sent from a closed
 * lane or crossing can lengthen the others'). The API's answer and the dashboard share this shape.
 */
export interface ForecastEvent {
  kind: "closure";
  port: PortCode;
  portName: string;
  crossing: string;
  crossingName: string;
  lane: string;
  /** Closed readings in the last day (a closed lane without an update time counts once per hour). */
  closedReadings: number;
  /** The first local date with a closed reading in that day. */
  since: string;
  /** 0 at the port forecast. */
  distanceKm: number;
}
