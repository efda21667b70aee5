import { DEFAULT_STALE_HOURS } from "../domain/wait-defaults.ts";
import {
  localHour,
  localWeekday,
  WEEKDAYS,
  type AnomalyDetection,
  type CapacityLossDetection,
  type ClosureDetection,
  type Detection,
  type DetectionKind,
  type LaneStatus,
  type StaleDetection,
  type WaitReading,
} from "../domain/wait-times.ts";

/** A reading older than this many hours when fetched is stale (CBP's manual readings are hourly). */
export { DEFAULT_STALE_HOURS };

/** When a wait counts as far above the usual. */
export interface AnomalyRule {
  /** How far back the usual is taken from, in days before the reading's local date. */
  baselineDays: number;
  /** The fewest earlier readings at that weekday and hour for a usual to exist. */
  minSamples: number;
  /** A wait must exceed the typical one by at least this many minutes... */
  minExcessMinutes: number;
  /** ...and by this many robust standard deviations (1.4826 × the median absolute deviation). */
  spreadMultiplier: number;
}

/**
 * The default rule: the usual is the median of the same crossing-lane at the same local weekday and hour over
 * the previous 12 weeks (at least 3 readings); an anomaly is at least 30 minutes and 3 robust standard
 * deviations above it.
 */
export const DEFAULT_ANOMALY_RULE: AnomalyRule = {
  baselineDays: 84,
  minSamples: 3,
  minExcessMinutes: 30,
  spreadMultiplier: 3,
};

/** The median (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The usual wait and the threshold above which a wait is an anomaly, or undefined with too few samples. */
export function anomalyThreshold(
  samples: readonly number[],
  rule: AnomalyRule = DEFAULT_ANOMALY_RULE,
): { typicalMinutes: number; thresholdMinutes: number } | undefined {
  if (samples.length < rule.minSamples) return undefined;
  const typical = median(samples);
  const spread = 1.4826 * median(samples.map((x) => Math.abs(x - typical)));
  return {
    typicalMinutes: typical,
    thresholdMinutes: typical + Math.max(rule.minExcessMinutes, rule.spreadMultiplier * spread),
  };
}

/** When a drop in lanes open counts as a capacity loss. */
export interface CapacityRule {
  /** The share of the lanes open before that must have closed (0–1), e.g. 0.5. */
  minLossShare: number;
  /** The fewest lanes open before for a loss to count (one lane going to zero is a closure, not this). */
  minLanesBefore: number;
}

/** What is known of a lane before a reading: its last state. */
export interface LaneState {
  closed: boolean;
  status: LaneStatus;
  lanesOpen: number | null;
  updatedAt: string | null;
  /** The reading this state comes from. */
  key: string;
  /** Its update time, else fetch time: states only move forward in time. */
  at: string;
}

/**
 * Why a reading shows its lane closed, or null when it does not: CBP's "Lanes Closed", the port not open,
 * or zero lanes open where the crossing has lanes (or the lane had some open before). "Update Pending"
 * says nothing either way (undefined: the state stays as it was).
 */
export function closureReason(
  r: WaitReading,
  previous?: LaneState,
): ClosureDetection["reason"] | null | undefined {
  if (r.portStatus !== "" && r.portStatus.toLowerCase() !== "open") return "port-closed";
  if (r.status === "closed") return "lanes-closed";
  if (r.status === "update-pending") return undefined;
  if (r.lanesOpen === 0 && ((r.maxLanes ?? 0) > 0 || (previous?.lanesOpen ?? 0) > 0)) return "no-lanes-open";
  return null;
}

/** The lane's state after a reading, or the previous one when the reading says nothing. */
export function nextLaneState(r: WaitReading, previous?: LaneState): LaneState | undefined {
  const reason = closureReason(r, previous);
  if (reason === undefined) return previous;
  const at = r.updatedAt ? new Date(r.updatedAt).toISOString() : r.fetchedAt;
  if (previous && previous.at > at) return previous;
  return {
    closed: reason !== null,
    status: r.status,
    lanesOpen: r.lanesOpen,
    updatedAt: r.updatedAt,
    key: r.key,
    at,
  };
}

function base<K extends DetectionKind>(kind: K, r: WaitReading, detectedAt: string) {
  return {
    kind,
    key: `${kind}|${r.key}`,
    detectedAt,
    crossing: r.crossing,
    port: r.port,
    portName: r.portName,
    crossingName: r.crossingName,
    lane: r.lane,
    readingKey: r.key,
    updatedAt: r.updatedAt,
    message: "",
  };
}

/** A stale detection when the reading's update time is more than `staleHours` before `fetchedAt`. */
export function detectStale(
  r: WaitReading,
  fetchedAt: string,
  staleHours: number,
): StaleDetection | undefined {
  if (!r.updatedAt) return undefined;
  const ageHours = (Date.parse(fetchedAt) - Date.parse(r.updatedAt)) / 3_600_000;
  if (!(ageHours > staleHours)) return undefined;
  return withMessage({ ...base("stale", r, fetchedAt), ageHours: round1(ageHours), staleHours });
}

/** A closure detection when the reading shows the lane closed and the lane was open before (or unknown). */
export function detectClosure(r: WaitReading, previous: LaneState | undefined): ClosureDetection | undefined {
  const reason = closureReason(r, previous);
  if (!reason || previous?.closed) return undefined;
  return withMessage({
    ...base("closure", r, r.fetchedAt),
    reason,
    previous: previous
      ? { status: previous.status, lanesOpen: previous.lanesOpen, updatedAt: previous.updatedAt }
      : null,
  });
}

/**
 * A capacity-loss detection when the lane stays open but its lanes open fell by at least the rule's share of
 * the previous reading's (which had at least `minLanesBefore` open). Pending and closed readings never are.
 */
export function detectCapacityLoss(
  r: WaitReading,
  previous: LaneState | undefined,
  rule: CapacityRule,
): CapacityLossDetection | undefined {
  if (!previous || previous.closed || previous.lanesOpen === null || r.lanesOpen === null) return undefined;
  if (r.status === "closed" || r.status === "update-pending" || closureReason(r, previous) !== null)
    return undefined;
  const at = r.updatedAt ? new Date(r.updatedAt).toISOString() : r.fetchedAt;
  if (previous.at >= at || previous.lanesOpen < rule.minLanesBefore) return undefined;
  const lossShare = (previous.lanesOpen - r.lanesOpen) / previous.lanesOpen;
  if (!(lossShare >= rule.minLossShare) || lossShare <= 0) return undefined;
  return withMessage({
    ...base("capacity-loss", r, r.fetchedAt),
    lanesOpen: r.lanesOpen,
    lanesBefore: previous.lanesOpen,
    lossShare: Math.round(lossShare * 1000) / 1000,
    maxLanes: r.maxLanes,
    previousUpdatedAt: previous.updatedAt,
  });
}

/** An anomaly detection when the wait is above the threshold of earlier waits at that weekday and hour. */
export function detectAnomaly(
  r: WaitReading,
  samples: readonly number[],
  rule: AnomalyRule = DEFAULT_ANOMALY_RULE,
): AnomalyDetection | undefined {
  if (r.delayMinutes === null || !r.updatedAt) return undefined;
  const t = anomalyThreshold(samples, rule);
  if (!t || r.delayMinutes < t.thresholdMinutes) return undefined;
  return withMessage({
    ...base("anomaly", r, r.fetchedAt),
    delayMinutes: r.delayMinutes,
    typicalMinutes: round1(t.typicalMinutes),
    thresholdMinutes: round1(t.thresholdMinutes),
    samples: samples.length,
    weekday: WEEKDAYS[localWeekday(r.updatedAt)]!,
    hour: localHour(r.updatedAt),
  });
}

const round1 = (x: number) => Math.round(x * 10) / 10;

const where = (d: Detection) =>
  `${d.portName}${d.crossingName ? ` ${d.crossingName}` : ""} (${d.crossing}) ${d.lane}`;

/** Each detection kind's sentence, in one place. */
export const DETECTION_KINDS = {
  stale: {
    describe: (d: StaleDetection) =>
      `${where(d)}: last updated ${d.ageHours} h before the fetch (${d.updatedAt}), over the ${d.staleHours} h limit`,
  },
  closure: {
    describe: (d: ClosureDetection) => {
      const why =
        d.reason === "lanes-closed"
          ? "Lanes Closed"
          : d.reason === "port-closed"
            ? "the port is not open"
            : "zero lanes open";
      const before = d.previous
        ? `; before: ${d.previous.status}${d.previous.lanesOpen !== null ? `, ${d.previous.lanesOpen} lanes open` : ""}`
        : "; first reading of this lane";
      return `${where(d)}: closed (${why})${before}`;
    },
  },
  "capacity-loss": {
    describe: (d: CapacityLossDetection) =>
      `${where(d)}: ${d.lanesOpen} lane(s) open, down from ${d.lanesBefore} at the reading before (${Math.round(d.lossShare * 100)}% fewer)`,
  },
  anomaly: {
    describe: (d: AnomalyDetection) =>
      `${where(d)}: ${d.delayMinutes} min wait at ${d.weekday} ${String(d.hour).padStart(2, "0")}:00 local, usual ${d.typicalMinutes} min (threshold ${d.thresholdMinutes}, ${d.samples} earlier readings)`,
  },
} satisfies { [K in DetectionKind]: { describe: (d: Extract<Detection, { kind: K }>) => string } };

function withMessage<D extends Detection>(d: D): D {
  const describe = DETECTION_KINDS[d.kind].describe as (x: D) => string;
  return { ...d, message: describe(d) };
}
