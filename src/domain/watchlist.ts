import { z } from "zod";
import { DIRECTION_WORDS, type DirectionWord, type ScenarioMode } from "./scenario.ts";
import type { FigureStatus } from "./status.ts";
import {
  DETECTION_KIND_NAMES,
  LANE_GROUPS,
  LANE_TYPES,
  type Detection,
  type DetectionKind,
  type LaneGroup,
  type LaneType,
} from "./wait-times.ts";

/**
 * Watchlists: which crossings, lanes, modes and commodities a user cares about, and the thresholds above which
 * a detection of `borderflow watch` becomes an alert. A closure or a capacity loss at a watched crossing
 * carries a scenario run for it (docs/waits.md "Watchlists").
 */

/**
 * What each lane group of CBP's wait-time feed carries, as a scenario mode. The feed has no rail lanes (and no
 * bus lanes), so a watchlist cannot see rail or bus closures.
 */
export const LANE_GROUP_MODES = {
  commercial: "truck",
  passenger: "personal-vehicle",
  pedestrian: "pedestrian",
} as const satisfies Record<LaneGroup, ScenarioMode>;

/** Modes a watchlist can name: those the feed's lanes carry. */
export const WATCHLIST_MODES = ["truck", "personal-vehicle", "pedestrian"] as const;
export type WatchlistMode = (typeof WATCHLIST_MODES)[number];

/** The lane group of a lane type (`commercial-fast` → `commercial`). */
export const laneGroupOf = (lane: LaneType): LaneGroup => lane.slice(0, lane.indexOf("-")) as LaneGroup;

/** Detection kinds a rule watches when it names none. */
export const DEFAULT_WATCH_KINDS: readonly DetectionKind[] = ["closure", "capacity-loss", "anomaly"];

/** Defaults of a watchlist's scenario runs. */
export const WATCHLIST_SCENARIO_DEFAULTS = {
  assumeDays: 3,
  direction: "inbound" as DirectionWord,
  draws: 300,
  timeLimit: "30s",
  maxPerPoll: 5,
};

/** Limits a watchlist file must stay within (a watcher runs for months: everything is bounded). */
export const WATCHLIST_LIMITS = { rules: 100, perList: 200, fileBytes: 1_000_000 };

const list = <T extends z.ZodType>(item: T, what: string) =>
  z
    .array(item)
    .min(1, `${what} is empty: leave it out to mean any`)
    .max(WATCHLIST_LIMITS.perList, `at most ${WATCHLIST_LIMITS.perList} ${what}`);

const nonNegative = (what: string) =>
  z.number({ error: `${what} is a number` }).min(0, `${what} must be 0 or more`);

/** One rule of a watchlist, as a user writes it (ports and lanes are resolved by the service). */
export const WatchRuleSpecSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    ports: list(z.string().min(1, "a port is a code or a name"), "ports").optional(),
    crossings: list(
      z
        .string()
        .regex(/^[0-9A-Za-z]{6}$/, "a crossing is the feed's 6-character number, e.g. 230302 or 240201"),
      "crossings",
    ).optional(),
    lanes: list(z.string().min(1), "lanes").optional(),
    modes: list(z.string().min(1), "modes").optional(),
    commodities: list(
      z.string().regex(/^\d{2}$/, "an HS2 commodity is two digits, e.g. 87 or 10"),
      "commodities",
    ).optional(),
    kinds: list(z.string().min(1), "kinds").optional(),
    thresholds: z
      .object({
        minWaitMinutes: nonNegative("minWaitMinutes").optional(),
        minExcessMinutes: nonNegative("minExcessMinutes").optional(),
        minCapacityLoss: z
          .number({ error: "minCapacityLoss is a share from 0 to 1" })
          .gt(0, "minCapacityLoss is a share above 0, at most 1 (0.5 = half the lanes open closed)")
          .max(1, "minCapacityLoss is a share above 0, at most 1 (0.5 = half the lanes open closed)")
          .optional(),
        minValuePerDayUsd: nonNegative("minValuePerDayUsd").optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** A watchlist file as a user writes it (JSON or YAML). */
export const WatchlistSpecSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1, "name is empty").max(200),
    description: z.string().optional(),
    rules: z
      .array(WatchRuleSpecSchema)
      .min(1, "a watchlist needs at least one rule")
      .max(WATCHLIST_LIMITS.rules, `at most ${WATCHLIST_LIMITS.rules} rules`),
    scenario: z
      .object({
        assumeDays: z
          .number()
          .min(0.25, "assumeDays is from 0.25 to 90")
          .max(90, "assumeDays is from 0.25 to 90")
          .optional(),
        direction: z.enum(DIRECTION_WORDS).optional(),
        draws: z
          .number()
          .int()
          .min(1, "at least 1 draw")
          .max(5000, "at most 5000 draws for an alert")
          .optional(),
        timeLimit: z.string().min(1).optional(),
        maxPerPoll: z.number().int().min(0).max(50, "maxPerPoll is at most 50").optional(),
      })
      .strict()
      .optional(),
    email: z
      .object({
        to: list(z.email({ error: "not an email address" }), "to"),
        from: z.email({ error: "not an email address" }).optional(),
        dir: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type WatchlistSpec = z.input<typeof WatchlistSpecSchema>;

/** A rule after validation: ports and lanes resolved. */
export interface WatchRule {
  name: string;
  /** Port codes (empty with `crossings` only). */
  ports: string[];
  crossings: string[];
  /** Lane types watched (from `lanes` and `modes`; every lane type when neither is given). */
  lanes: LaneType[];
  kinds: DetectionKind[];
  /** HS2 codes; empty = any. */
  commodities: string[];
  thresholds: {
    minWaitMinutes?: number | undefined;
    minExcessMinutes?: number | undefined;
    minCapacityLoss?: number | undefined;
    minValuePerDayUsd?: number | undefined;
  };
}

/** A validated watchlist. */
export interface Watchlist {
  name: string;
  /** A folder-safe name (`texas-freight`). */
  slug: string;
  file: string;
  rules: WatchRule[];
  scenario: {
    assumeDays: number;
    direction: DirectionWord;
    draws: number;
    timeLimitMs: number;
    maxPerPoll: number;
  };
  email?: { to: string[]; from: string; dir?: string };
}

export { DETECTION_KIND_NAMES, LANE_GROUPS, LANE_TYPES };

/** A figure of an alert's scenario: the run's value, its P10–P90 band, and its status. */
export interface AlertFigure {
  value: number;
  p10: number;
  p90: number;
  status: FigureStatus;
}

/** The scenario event an incident became. */
export interface IncidentEvent {
  kind: "closure" | "capacity-cut";
  port: string;
  mode: ScenarioMode;
  direction: DirectionWord;
  start: string;
  end: string;
  /** Share of the port's capacity left (capacity cuts). */
  remainingCapacity?: number;
  /**
   * What a capacity cut takes: always "facilities" here (a crossing of the port closed, or lanes closed): the
   * capacity left serves the traffic that fits, as the registry's facility closures do (scenario `of`).
   */
  of?: "facilities";
}

/** What a closure or capacity loss at a crossing means for its port. */
export interface Incident {
  /** `crossing|group|closure` or `…|capacity-loss`, with the time the episode began. */
  episode: string;
  group: LaneGroup;
  mode: ScenarioMode;
  /** When it was first seen (the detection's fetch time), ISO UTC, and the same in the port's local time. */
  since: string;
  sinceLocal: string;
  /** The crossing's other lanes of the group that are still open, if any (then there is no scenario). */
  stillOpen: LaneType[];
  /** Share of the port's lanes of the group lost (closed crossings, or the lanes lost at this one). */
  portShareLost: number;
  /** How the share was weighed: the crossings of the port seen in the feed with the group, and their lanes. */
  portCrossings: { crossing: string; crossingName: string; maxLanes: number | null; closed: boolean }[];
  event: IncidentEvent | null;
}

/** A scenario run for an alert, as carried in it (the full result is `borderflow scenario run` away). */
export type AlertScenario =
  | {
      status: "computed";
      /** Runs are shared within an episode: the detection whose alert ran it. */
      ranFor: string;
      name: string;
      assumeDays: number;
      valueHeldUpPerDayUsd: AlertFigure;
      valueHeldUpUsd: AlertFigure;
      directCostUsd: AlertFigure;
      /** Days after the reopening day until the backlog is gone (0 = cleared that day). */
      clearsDaysAfterReopening: AlertFigure | null;
      topCommodities: {
        hs2: string;
        label: string;
        share: number;
        valuePerDayUsd: number;
        status: FigureStatus;
      }[];
      /** The watched commodities' value held up per closure day (rules with `commodities`). */
      watchedCommodities: { hs2: string; label: string; valuePerDayUsd: number }[];
      flows: {
        port: string;
        portName: string;
        mode: string;
        direction: string;
        unit: string;
        blockedPerDay: number;
        reroutedTo: string[];
      }[];
      baselineMonths: string;
      notes: string[];
      /** The scenario that was run: `borderflow scenario run` on it gives the whole result. */
      spec: unknown;
      draws: number;
      elapsedMs: number;
    }
  | { status: "failed"; reason: string; spec: unknown }
  | { status: "skipped"; reason: string; spec: unknown | null };

/** What a watchlist adds to a detection it delivers. */
export interface AlertInfo {
  watchlist: string;
  /** The rules that matched. */
  rules: string[];
  /** One sentence: what happened, and what it costs if it lasts. */
  headline: string;
  incident: Incident | null;
  scenario: AlertScenario | null;
}

/** A detection as a watchlist delivers it (stdout, webhook, email): the detection and its `alert`. */
export type WatchAlert = Detection & { alert: AlertInfo };
