import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { InputError } from "../domain/errors.ts";
import type { PortName } from "../domain/answers.ts";
import { STATUS_INFO } from "../domain/status.ts";
import { formatUsd } from "../domain/units.ts";
import {
  parseDurationMs,
  portOfCrossing,
  type Detection,
  type DetectionKind,
  type LaneGroup,
  type LaneType,
  type WaitReading,
} from "../domain/wait-times.ts";
import {
  DEFAULT_WATCH_KINDS,
  DETECTION_KIND_NAMES,
  LANE_GROUP_MODES,
  LANE_GROUPS,
  LANE_TYPES,
  laneGroupOf,
  WATCHLIST_LIMITS,
  WATCHLIST_MODES,
  WATCHLIST_SCENARIO_DEFAULTS,
  WatchlistSpecSchema,
  WatchRuleSpecSchema,
  type AlertFigure,
  type AlertScenario,
  type Incident,
  type IncidentEvent,
  type WatchAlert,
  type Watchlist,
  type WatchRule,
} from "../domain/watchlist.ts";
import { closureReason, type CapacityRule } from "../model/wait-detection.ts";
import { parseScenarioText, type ScenarioText } from "../sources/scenario-file.ts";
import { fsyncDir } from "../store/wait-archive.ts";
import { snapshotHs2Query } from "../store/wait-queries.ts";
import { queryDetached } from "../store/wait-archive-db.ts";
import { DEFAULT_SNAPSHOT_DIR } from "../store/paths.ts";
import { editDistance, matchPort } from "./resolve.ts";
import type { ScenarioResult } from "./scenario.ts";
import { loadSnapshotPorts } from "./waits.ts";
import type { ScenarioRunner } from "./watchlist-scenario.ts";

export type { Watchlist, WatchAlert } from "../domain/watchlist.ts";

/** An HS2 chapter and its short name (from the snapshot's `hs2_codes`). */
export interface Hs2Name {
  hs2: string;
  label: string;
}

/** One problem with a watchlist file: where, and what is wrong. */
export interface WatchlistIssue {
  path: string;
  line?: number;
  message: string;
}

const fmtPath = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (s, k) => (typeof k === "number" ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)),
    "",
  );

/** The closest of `options` to what a user typed, if one is close enough to suggest. */
export function nearestName(input: string, options: readonly string[]): string | undefined {
  const q = input.trim().toLowerCase();
  let best: { o: string; d: number } | undefined;
  for (const o of options) {
    const d = editDistance(q, o.toLowerCase());
    if (!best || d < best.d) best = { o, d };
  }
  return best && best.d <= Math.max(2, Math.floor(q.length / 3)) ? best.o : undefined;
}

const didYouMean = (input: string, options: readonly string[]) => {
  const n = nearestName(input, options);
  return n ? ` (did you mean ${n}?)` : "";
};

/** The fields each object of a watchlist may have, for "unknown field" suggestions. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  const last = path.at(-1);
  if (path.length === 0) return Object.keys(WatchlistSpecSchema.shape);
  if (path[0] === "rules" && path.length === 2) return Object.keys(WatchRuleSpecSchema.shape);
  if (path[0] === "rules" && last === "thresholds")
    return ["minWaitMinutes", "minExcessMinutes", "minCapacityLoss", "minValuePerDayUsd"];
  if (path[0] === "scenario") return Object.keys(WATCHLIST_SCENARIO_DEFAULTS).concat("direction");
  if (path[0] === "email") return ["to", "from", "dir"];
  return [];
}

const slugOf = (name: string) =>
  name
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64) || "watchlist";

/**
 * Validates a watchlist (parsed JSON or YAML) against its schema and the data: ports that exist (with
 * suggestions), crossings of known ports, lane types and groups, modes the feed can see, detection kinds, HS2
 * chapters. Every problem is listed at once, each with its path and line; returns the resolved watchlist.
 */
export function parseWatchlist(
  raw: unknown,
  file: string,
  deps: { ports: readonly PortName[]; hs2: readonly Hs2Name[] },
  text?: ScenarioText,
): Watchlist {
  const issues: WatchlistIssue[] = [];
  const add = (path: readonly PropertyKey[], message: string) => {
    const line = text?.lineOf(path as (string | number)[]);
    issues.push({ path: fmtPath(path) || "(top)", ...(line ? { line } : {}), message });
  };
  const parsed = WatchlistSpecSchema.safeParse(raw);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      if (i.code === "unrecognized_keys") {
        const known = knownKeys(i.path);
        for (const k of i.keys)
          add(
            [...i.path, k],
            `unknown field "${k}"${didYouMean(k, known)}; fields here: ${known.join(", ")}`,
          );
      } else add(i.path, i.message);
    }
  }
  const rules: WatchRule[] = [];
  const rawRules = (raw as { rules?: unknown } | null)?.rules;
  const ruleList = Array.isArray(rawRules) ? rawRules : [];
  ruleList.forEach((rr, i) => {
    // The data checks run on every rule whose fields have the right types (unknown fields aside), so that
    // one run lists every problem.
    const r = WatchRuleSpecSchema.strip().safeParse(rr);
    if (!r.success) return;
    const spec = r.data;
    const at = (...p: (string | number)[]) => ["rules", i, ...p];
    const ports: string[] = [];
    spec.ports?.forEach((p, j) => {
      try {
        ports.push(matchPort(p, deps.ports).port_code);
      } catch (e) {
        add(at("ports", j), (e as Error).message);
      }
    });
    const known = new Set(deps.ports.map((p) => p.port_code));
    const crossings: string[] = [];
    spec.crossings?.forEach((c, j) => {
      const port = portOfCrossing(c);
      if (!port || !known.has(port))
        add(
          at("crossings", j),
          `crossing ${c} is not of a known port (the first four characters are the port code, e.g. 230302 is a crossing of Eagle Pass, 2303)`,
        );
      else crossings.push(c);
    });
    if (!spec.ports && !spec.crossings)
      add(
        at(),
        "a rule names the ports or crossings it watches (ports: [Eagle Pass] or crossings: [230302])",
      );
    const lanes = new Set<LaneType>();
    spec.lanes?.forEach((l, j) => {
      const v = l.trim().toLowerCase();
      if ((LANE_TYPES as readonly string[]).includes(v)) lanes.add(v as LaneType);
      else if ((LANE_GROUPS as readonly string[]).includes(v)) {
        for (const t of LANE_TYPES) if (laneGroupOf(t) === v) lanes.add(t);
      } else
        add(
          at("lanes", j),
          `unknown lane "${l}"${didYouMean(v, [...LANE_GROUPS, ...LANE_TYPES])}; lanes are ${LANE_GROUPS.join(", ")} or a lane type (${LANE_TYPES.join(", ")})`,
        );
    });
    const modeLanes = new Set<LaneType>();
    spec.modes?.forEach((m, j) => {
      const v = m.trim().toLowerCase();
      if (v === "rail" || v === "bus")
        add(
          at("modes", j),
          `${v}: CBP's wait-time feed has no ${v} lanes, so a watchlist cannot see a ${v} closure (modes it can see: truck = commercial lanes, personal-vehicle = passenger lanes, pedestrian)`,
        );
      else if ((WATCHLIST_MODES as readonly string[]).includes(v)) {
        for (const t of LANE_TYPES) if (LANE_GROUP_MODES[laneGroupOf(t)] === v) modeLanes.add(t);
      } else
        add(
          at("modes", j),
          `unknown mode "${m}"${didYouMean(v, WATCHLIST_MODES)}; modes are ${WATCHLIST_MODES.join(", ")}`,
        );
    });
    let ruleLanes = LANE_TYPES.filter(
      (t) => (spec.lanes ? lanes.has(t) : true) && (spec.modes ? modeLanes.has(t) : true),
    );
    if (spec.lanes && spec.modes && lanes.size && modeLanes.size && ruleLanes.length === 0)
      add(
        at("modes"),
        `lanes [${spec.lanes.join(", ")}] and modes [${spec.modes.join(", ")}] have no lane in common`,
      );
    if (ruleLanes.length === 0) ruleLanes = [];
    const kinds: DetectionKind[] = [];
    spec.kinds?.forEach((k, j) => {
      if ((DETECTION_KIND_NAMES as readonly string[]).includes(k)) kinds.push(k as DetectionKind);
      else
        add(
          at("kinds", j),
          `unknown kind "${k}"${didYouMean(k, DETECTION_KIND_NAMES)}; kinds are ${DETECTION_KIND_NAMES.join(", ")}`,
        );
    });
    const hs2 = new Map(deps.hs2.map((h) => [h.hs2, h.label]));
    const commodities: string[] = [];
    spec.commodities?.forEach((c, j) => {
      if (hs2.has(c)) commodities.push(c);
      else
        add(
          at("commodities", j),
          `HS2 chapter ${c} is not in TransBorder's list (01–99, e.g. 87 vehicles & parts, 10 cereals)`,
        );
    });
    rules.push({
      name: spec.name ?? `rule ${i + 1}`,
      ports,
      crossings,
      lanes: ruleLanes,
      kinds: spec.kinds ? kinds : [...DEFAULT_WATCH_KINDS],
      commodities,
      thresholds: spec.thresholds ?? {},
    });
  });
  const s = parsed.success ? parsed.data : undefined;
  const rawLimit = (raw as { scenario?: { timeLimit?: unknown } } | null)?.scenario?.timeLimit;
  const timeLimit = typeof rawLimit === "string" ? rawLimit : WATCHLIST_SCENARIO_DEFAULTS.timeLimit;
  const timeLimitMs = parseDurationMs(timeLimit);
  if (timeLimitMs === undefined || timeLimitMs < 1000 || timeLimitMs > 600_000)
    add(
      ["scenario", "timeLimit"],
      `timeLimit "${timeLimit}" is not a duration from 1s to 10m (e.g. 30s, 2m)`,
    );
  if (issues.length > 0 || !s) {
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new InputError(
      `watchlist ${file}: ${issues.length} problem(s):\n${issues.map((i) => `  ${file}${i.line ? `:${i.line}` : ""}: ${i.path}: ${i.message}`).join("\n")}`,
      "fix the file (docs/waits.md, Watchlists, shows one) and start watch again",
    );
  }
  return {
    name: s.name,
    slug: slugOf(s.name),
    file,
    rules,
    scenario: {
      assumeDays: s.scenario?.assumeDays ?? WATCHLIST_SCENARIO_DEFAULTS.assumeDays,
      direction: s.scenario?.direction ?? WATCHLIST_SCENARIO_DEFAULTS.direction,
      draws: s.scenario?.draws ?? WATCHLIST_SCENARIO_DEFAULTS.draws,
      timeLimitMs: timeLimitMs!,
      maxPerPoll: s.scenario?.maxPerPoll ?? WATCHLIST_SCENARIO_DEFAULTS.maxPerPoll,
    },
    ...(s.email
      ? {
          email: {
            to: s.email.to,
            from: s.email.from ?? "borderflow@localhost",
            ...(s.email.dir ? { dir: s.email.dir } : {}),
          },
        }
      : {}),
  };
}

/** Reads and validates a watchlist file (JSON or YAML) against the snapshot's ports and HS2 chapters. */
export async function loadWatchlist(file: string, opts: { snapshotDir?: string } = {}): Promise<Watchlist> {
  let text: string;
  try {
    if (statSync(file).size > WATCHLIST_LIMITS.fileBytes)
      throw new InputError(
        `watchlist ${file} is over ${WATCHLIST_LIMITS.fileBytes / 1e6} MB; a watchlist is a short file`,
      );
    text = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(
      `cannot read watchlist ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  const parsed = parseScenarioText(text, file);
  const dir = opts.snapshotDir ?? process.env.BORDERFLOW_SNAPSHOT ?? DEFAULT_SNAPSHOT_DIR;
  const [ports, hs2] = await Promise.all([
    loadSnapshotPorts(dir),
    queryDetached<Hs2Name>(snapshotHs2Query(join(dir, "hs2_codes.parquet"))),
  ]);
  return parseWatchlist(parsed.data, file, { ports, hs2 }, parsed);
}

/** The capacity-loss rule the watcher must apply for a watchlist (undefined when no rule watches them). */
export function capacityRuleOf(w: Watchlist): CapacityRule | undefined {
  const shares = w.rules
    .filter((r) => r.kinds.includes("capacity-loss"))
    .map((r) => r.thresholds.minCapacityLoss ?? DEFAULT_MIN_CAPACITY_LOSS);
  return shares.length ? { minLossShare: Math.min(...shares), minLanesBefore: 2 } : undefined;
}

/** A capacity loss counts when at least half of the lanes open before closed, unless a rule says otherwise. */
export const DEFAULT_MIN_CAPACITY_LOSS = 0.5;

/** The rules a detection matches before any scenario is run (place, lane, kind, wait thresholds). */
export function matchingRules(w: Watchlist, d: Detection): WatchRule[] {
  return w.rules.filter((r) => {
    if (!(r.ports.includes(d.port) || r.crossings.includes(d.crossing))) return false;
    if (!r.lanes.includes(d.lane) || !r.kinds.includes(d.kind)) return false;
    const t = r.thresholds;
    if (d.kind === "anomaly") {
      if (t.minWaitMinutes !== undefined && d.delayMinutes < t.minWaitMinutes) return false;
      if (t.minExcessMinutes !== undefined && d.delayMinutes - d.typicalMinutes < t.minExcessMinutes)
        return false;
    }
    if (d.kind === "capacity-loss" && d.lossShare < (t.minCapacityLoss ?? DEFAULT_MIN_CAPACITY_LOSS))
      return false;
    return true;
  });
}

/**
 * Whether a rule still wants an alert once its scenario is known. Its commodities and `minValuePerDayUsd`
 * concern what a closure or capacity loss holds up: such an alert goes out only when the scenario shows the
 * commodities (or that much value) — or when the scenario could not be computed (the alert says why: the
 * user is told rather than left in the dark). A lane type closed while the crossing's other lanes stay open
 * holds nothing up. Stale readings and anomalies are not filtered by them.
 */
export function passesAfterScenario(
  r: WatchRule,
  d: Detection,
  incident: Incident | null,
  s: EpisodeScenario | null,
): boolean {
  if (d.kind !== "closure" && d.kind !== "capacity-loss") return true;
  if (r.commodities.length === 0 && r.thresholds.minValuePerDayUsd === undefined) return true;
  if (!incident?.event) return false;
  if (!s || s.status !== "computed") return true;
  if (
    r.thresholds.minValuePerDayUsd !== undefined &&
    s.valueHeldUpPerDayUsd.value < r.thresholds.minValuePerDayUsd
  )
    return false;
  if (
    r.commodities.length &&
    !s.commodities.some((c) => r.commodities.includes(c.hs2) && c.valuePerDayUsd > 0)
  )
    return false;
  return true;
}

/** A scenario as the engine keeps it for an episode: the alert's form plus every commodity. */
type EpisodeScenario =
  | (Extract<AlertScenario, { status: "computed" }> & {
      commodities: { hs2: string; label: string; valuePerDayUsd: number; share: number }[];
    })
  | Exclude<AlertScenario, { status: "computed" }>;

interface Episode {
  id: string;
  key: string;
  crossing: string;
  lane: LaneType;
  kind: "closure" | "capacity-loss";
  since: string;
  lanesBefore?: number;
  scenario: EpisodeScenario | null;
}

/** Episodes remembered at most (the oldest are forgotten first). */
const MAX_EPISODES = 500;
/** The episodes' file in a watchlist's folder. */
const EPISODES_FILE = "episodes.json";

const readingTime = (r: WaitReading) => (r.updatedAt ? new Date(r.updatedAt).toISOString() : r.fetchedAt);
const isClosed = (r: WaitReading) => closureReason(r) !== null && r.status !== "update-pending";
const round = (x: number, n = 2) => Math.round(x * 10 ** n) / 10 ** n;

/** `2022-06-30T19:31:59-05:00` from an instant and a UTC offset in minutes. */
/**
 * A crossing of the port closed, or lanes of one closed: a facilities cut (scenario `of: "facilities"`), like the
 * registry's closure of one facility of a port: it takes capacity, so only the arrivals the lanes left cannot
 * serve are blocked, not the lost lanes' share of the traffic.
 */
export function facilitiesCut(
  base: Omit<IncidentEvent, "kind" | "remainingCapacity" | "of">,
  portShareLost: number,
): IncidentEvent {
  return { kind: "capacity-cut", ...base, remainingCapacity: round(1 - portShareLost), of: "facilities" };
}

function withOffset(iso: string, offsetMinutes: number): string {
  const t = new Date(Date.parse(iso) + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const a = Math.abs(offsetMinutes);
  return `${t}${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}

/**
 * A watchlist at work: remembers the latest reading of every lane it has seen (to tell a crossing wholly
 * closed from one lane type closed, and a crossing's share of its port's lanes) and the closure and
 * capacity-loss episodes it has run a scenario for (`episodes.json` in its folder, so a restart does not run
 * them again). `evaluate` turns detections into alerts.
 */
export class WatchlistEngine {
  private readonly latest = new Map<string, WaitReading>();
  private readonly episodes = new Map<string, Episode>();
  private dirty = false;

  constructor(
    readonly watchlist: Watchlist,
    /** The watchlist's folder (episodes.json). */
    readonly dir: string,
    private readonly runner: ScenarioRunner | undefined,
    private readonly log: (line: string) => void = () => {},
  ) {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, EPISODES_FILE);
    if (existsSync(file)) {
      try {
        for (const e of JSON.parse(readFileSync(file, "utf8")) as Episode[]) this.episodes.set(e.key, e);
      } catch (e) {
        log(`watchlist: ${file} is unreadable (${(e as Error).message}); episodes start afresh`);
      }
    }
  }

  /** Takes in a capture's readings: the latest state of each lane; an episode ends when its lanes reopen. */
  observe(readings: readonly WaitReading[]): void {
    for (const r of readings) {
      const k = `${r.crossing}|${r.lane}`;
      const prev = this.latest.get(k);
      if (!prev || readingTime(prev) <= readingTime(r)) this.latest.set(k, r);
    }
    for (const [key, ep] of this.episodes) {
      const group = laneGroupOf(ep.lane);
      const mine = readings.filter(
        (r) => r.crossing === ep.crossing && laneGroupOf(r.lane) === group && readingTime(r) > ep.since,
      );
      const ended =
        ep.kind === "closure"
          ? mine.some((r) => r.status !== "update-pending" && !isClosed(r))
          : mine.some(
              (r) =>
                r.lane === ep.lane && r.lanesOpen !== null && r.lanesOpen >= (ep.lanesBefore ?? Infinity),
            );
      if (ended) {
        this.episodes.delete(key);
        this.dirty = true;
      }
    }
    this.save();
  }

  /**
   * The alerts of a poll's detections: those a rule matches, each with its incident and (for closures and
   * capacity losses at a crossing) a scenario run, at most one per episode and `maxPerPoll` per poll, each
   * within the time limit. A run that fails leaves the alert saying why. `queued(key)` says whether the
   * outbox already holds an alert (after a kill): it is not evaluated again.
   */
  async evaluate(
    detections: readonly Detection[],
    queued: (key: string) => boolean = () => false,
  ): Promise<WatchAlert[]> {
    const alerts: WatchAlert[] = [];
    let runs = 0;
    for (const d of detections) {
      const rules = matchingRules(this.watchlist, d);
      if (rules.length === 0 || queued(d.key)) continue;
      let incident: Incident | null = null;
      let scenario: EpisodeScenario | null = null;
      if (d.kind === "closure" || d.kind === "capacity-loss") {
        incident = this.incidentOf(d);
        if (incident.event) {
          const epKey = `${d.crossing}|${incident.group}|${d.kind}`;
          const ep = this.episodes.get(epKey);
          if (ep) scenario = ep.scenario;
          else {
            const spec = this.scenarioSpec(d, incident.event);
            if (!this.runner) scenario = { status: "skipped", reason: "no scenario runner", spec };
            else if (runs >= this.watchlist.scenario.maxPerPoll)
              scenario = {
                status: "skipped",
                reason: `more than ${this.watchlist.scenario.maxPerPoll} closures or capacity losses in one poll (scenario.maxPerPoll); run it with borderflow scenario run`,
                spec,
              };
            else {
              runs++;
              scenario = await this.run(d, spec);
            }
            if (scenario.status !== "skipped" || !this.runner) {
              this.episodes.set(epKey, {
                id: incident.episode,
                key: epKey,
                crossing: d.crossing,
                lane: d.lane,
                kind: d.kind,
                since: d.detectedAt,
                ...(d.kind === "capacity-loss" ? { lanesBefore: d.lanesBefore } : {}),
                scenario,
              });
              this.trim();
              this.dirty = true;
              this.save();
            }
          }
        }
      }
      const kept = rules.filter((r) => passesAfterScenario(r, d, incident, scenario));
      if (kept.length === 0) {
        this.log(
          `watchlist: ${d.key} not delivered: ${incident?.event ? "its scenario is under" : "nothing is held up, below"} the commodities or value thresholds of ${rules.map((r) => r.name).join(", ")}`,
        );
        continue;
      }
      const alertScenario = scenario ? forAlert(scenario, kept) : null;
      alerts.push({
        ...d,
        alert: {
          watchlist: this.watchlist.name,
          rules: kept.map((r) => r.name),
          headline: headlineOf(d, incident, alertScenario, this.watchlist.scenario.assumeDays),
          incident,
          scenario: alertScenario,
        },
      } as WatchAlert);
    }
    return alerts;
  }

  /** The port, lanes and share of capacity a closure or capacity loss concerns, and the event it becomes. */
  incidentOf(d: Extract<Detection, { kind: "closure" | "capacity-loss" }>): Incident {
    const group = laneGroupOf(d.lane);
    const mode = LANE_GROUP_MODES[group];
    const ofGroup = [...this.latest.values()].filter(
      (r) => r.port === d.port && laneGroupOf(r.lane) === group,
    );
    const byCrossing = new Map<string, WaitReading[]>();
    for (const r of ofGroup) byCrossing.set(r.crossing, [...(byCrossing.get(r.crossing) ?? []), r]);
    if (!byCrossing.has(d.crossing)) byCrossing.set(d.crossing, []);
    const portCrossings = [...byCrossing].map(([crossing, rs]) => ({
      crossing,
      crossingName: rs[0]?.crossingName ?? d.crossingName,
      maxLanes: rs.find((r) => r.maxLanes !== null)?.maxLanes ?? null,
      closed:
        crossing === d.crossing && rs.length === 0
          ? true
          : rs.some(isClosed) && rs.every((r) => isClosed(r) || r.status === "update-pending"),
    }));
    portCrossings.sort((a, b) => a.crossing.localeCompare(b.crossing));
    const weight = (c: (typeof portCrossings)[number]) => c.maxLanes ?? 1;
    const total = portCrossings.reduce((s, c) => s + weight(c), 0) || 1;
    const me = portCrossings.find((c) => c.crossing === d.crossing)!;
    const stillOpen = (byCrossing.get(d.crossing) ?? [])
      .filter((r) => r.status !== "update-pending" && !isClosed(r))
      .map((r) => r.lane);
    const offset = this.offsetOf(d);
    const sinceLocal = `${withOffset(d.detectedAt, offset.minutes).slice(0, 16).replace("T", " ")}${offset.zone ? ` ${offset.zone}` : " UTC"}`;
    let portShareLost: number;
    let event: IncidentEvent | null = null;
    const start = withOffset(d.detectedAt, offset.minutes);
    const end = withOffset(
      new Date(Date.parse(d.detectedAt) + this.watchlist.scenario.assumeDays * 86_400_000).toISOString(),
      offset.minutes,
    );
    const base = { port: d.port, mode, direction: this.watchlist.scenario.direction, start, end };
    if (d.kind === "closure") {
      portShareLost = stillOpen.length
        ? 0
        : portCrossings.filter((c) => c.closed).reduce((s, c) => s + weight(c), 0) / total;
      if (!stillOpen.length)
        event = portShareLost >= 0.999 ? { kind: "closure", ...base } : facilitiesCut(base, portShareLost);
    } else {
      portShareLost = (weight(me) / total) * d.lossShare;
      if (portShareLost >= 0.01) event = facilitiesCut(base, portShareLost);
    }
    return {
      episode: `${d.crossing}|${group}|${d.kind}@${d.detectedAt}`,
      group,
      mode,
      since: d.detectedAt,
      sinceLocal,
      stillOpen,
      portShareLost: round(portShareLost, 3),
      portCrossings,
      event,
    };
  }

  /** The port's UTC offset and zone name, from the latest readings of the crossing (or its port) with a time. */
  private offsetOf(d: Detection): { minutes: number; zone: string | null } {
    const all = [...this.latest.values()];
    const r =
      all.find((x) => x.crossing === d.crossing && x.updatedAt) ??
      all.find((x) => x.port === d.port && x.updatedAt) ??
      (d.updatedAt
        ? ({ updatedAt: d.updatedAt, timeZone: null } as Pick<WaitReading, "updatedAt" | "timeZone">)
        : undefined);
    const m = r?.updatedAt ? /([+-])(\d{2}):(\d{2})$/.exec(r.updatedAt) : null;
    if (!m) return { minutes: 0, zone: null };
    return { minutes: (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])), zone: r!.timeZone };
  }

  private scenarioSpec(d: Detection, e: IncidentEvent): unknown {
    const w = this.watchlist;
    const where = `${d.portName}${d.crossingName ? ` ${d.crossingName}` : ""}`;
    return {
      name: `${where}: ${e.kind === "closure" ? "closed" : `at ${Math.round((e.remainingCapacity ?? 0) * 100)}% of capacity`} for ${w.scenario.assumeDays} days (watchlist ${w.name})`,
      description: `Built by borderflow watch from detection ${d.key}: ${d.message}. ${e.mode} ${e.direction} at port ${e.port} from when it was seen, for an assumed ${w.scenario.assumeDays} days.`,
      horizonDays: Math.min(365, Math.ceil(w.scenario.assumeDays) + 30),
      events: [
        {
          kind: e.kind,
          ports: [e.port],
          modes: [e.mode],
          start: e.start,
          end: e.end,
          direction: e.direction,
          ...(e.kind === "capacity-cut"
            ? { remainingCapacity: e.remainingCapacity, of: e.of ?? "facilities" }
            : {}),
        },
      ],
      options: { draws: w.scenario.draws, seed: 42 },
    };
  }

  private async run(d: Detection, spec: unknown): Promise<EpisodeScenario> {
    const t0 = performance.now();
    try {
      const { result } = await this.runner!.run(spec, { timeLimitMs: this.watchlist.scenario.timeLimitMs });
      const ms = Math.round(performance.now() - t0);
      const s = summarize(result, spec, d.key, this.watchlist.scenario.assumeDays, ms);
      this.log(`watchlist: scenario for ${d.key} in ${ms} ms`);
      return s;
    } catch (e) {
      const reason = (e as Error).message;
      this.log(`watchlist: scenario for ${d.key} failed (${reason}); the alert goes out without its cost`);
      return { status: "failed", reason, spec };
    }
  }

  private trim(): void {
    if (this.episodes.size <= MAX_EPISODES) return;
    const oldest = [...this.episodes.values()].sort((a, b) => a.since.localeCompare(b.since));
    for (const e of oldest.slice(0, this.episodes.size - MAX_EPISODES)) this.episodes.delete(e.key);
  }

  private save(): void {
    if (!this.dirty) return;
    const file = join(this.dir, EPISODES_FILE);
    const tmp = `${file}.tmp-${process.pid}`;
    try {
      const fd = openSync(tmp, "w");
      try {
        writeSync(fd, JSON.stringify([...this.episodes.values()]) + "\n");
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
      this.dirty = false;
    } catch (e) {
      rmSync(tmp, { force: true });
      this.log(`watchlist: cannot write ${file} (${(e as Error).message}); episodes are kept in memory`);
    }
  }
}

const figure = (f: {
  value: number;
  p10: number;
  p90: number;
  status: AlertFigure["status"];
}): AlertFigure => ({
  value: f.value,
  p10: f.p10,
  p90: f.p90,
  status: f.status,
});

/** The figures of a scenario result an alert carries. */
function summarize(
  r: ScenarioResult,
  spec: unknown,
  ranFor: string,
  assumeDays: number,
  elapsedMs: number,
): EpisodeScenario {
  const closureDays = r.grid.closureDays || 1;
  // The backlog's last day counted from the day of reopening (the last day the event acts on).
  const ev = (spec as { events: { end: string }[] }).events[0]!;
  const reopenDay = Math.floor(
    (Date.parse(ev.end) - 1 - Date.parse(`${r.grid.start}T00:00:00Z`)) / 86_400_000,
  );
  const c = r.backlog.clearDay;
  const cleared = c.value < r.grid.days;
  const commodities = r.costs.byCommodity.map((x) => ({
    hs2: x.hs2,
    label: x.label,
    valuePerDayUsd: x.valueUsd / closureDays,
    share: x.share,
    status: x.status,
  }));
  return {
    status: "computed",
    ranFor,
    name: r.scenario.name,
    assumeDays,
    valueHeldUpPerDayUsd: figure(r.costs.valueHeldUpPerClosureDayUsd),
    valueHeldUpUsd: figure(r.costs.valueHeldUpUsd),
    directCostUsd: figure(r.costs.directUsd),
    clearsDaysAfterReopening: cleared
      ? {
          value: Math.max(0, c.value - reopenDay),
          p10: Math.max(0, c.p10 - reopenDay),
          p90: Math.max(0, c.p90 - reopenDay),
          status: c.status,
        }
      : null,
    topCommodities: commodities.slice(0, 3),
    watchedCommodities: [],
    commodities,
    flows: r.flows.map((f) => ({
      port: f.port,
      portName: f.portName,
      mode: f.mode,
      direction: f.direction,
      unit: f.unit,
      blockedPerDay: round(f.blockedPerClosureDay, 1),
      reroutedTo: [...new Set(f.diversions.map((x) => `${x.toName} (${x.to}) ${x.mode}`))],
    })),
    baselineMonths: r.baseline.months,
    notes: r.baseline.valueNotes,
    spec,
    draws: r.monteCarlo.draws,
    elapsedMs,
  };
}

/** An episode's scenario as one alert carries it: top commodities, and the rules' watched ones. */
function forAlert(s: EpisodeScenario, rules: readonly WatchRule[]): AlertScenario {
  if (s.status !== "computed") return s;
  const { commodities, ...rest } = s;
  const watched = new Set(rules.flatMap((r) => r.commodities));
  return {
    ...rest,
    watchedCommodities: commodities
      .filter((c) => watched.has(c.hs2))
      .map((c) => ({ hs2: c.hs2, label: c.label, valuePerDayUsd: c.valuePerDayUsd })),
  };
}

const GROUP_WORDS: Record<LaneGroup, string> = {
  commercial: "commercial (truck) lanes",
  passenger: "passenger vehicle lanes",
  pedestrian: "pedestrian lanes",
};

/** A figure for a sentence: `$14.81 M`, with `*` when it is an estimate. */
const usd = (f: AlertFigure) =>
  `${formatUsd(f.value)}${f.status === "estimate" ? STATUS_INFO.estimate.marker : ""}`;

/** The alert's one sentence: what happened where since when, and what it costs if it lasts. */
export function headlineOf(
  d: Detection,
  incident: Incident | null,
  s: AlertScenario | null,
  assumeDays: number,
): string {
  const place = `${d.portName}${d.crossingName ? ` ${d.crossingName}` : ""} (${d.port})`;
  if (!incident) return d.message;
  const what =
    d.kind === "capacity-loss"
      ? `${d.lane} down to ${d.lanesOpen} lane(s) open from ${d.lanesBefore}`
      : incident.stillOpen.length
        ? `${d.lane} closed`
        : `${GROUP_WORDS[incident.group]} closed`;
  const head = `${place} ${what} since ${incident.sinceLocal}`;
  if (!incident.event)
    return incident.stillOpen.length
      ? `${head}; ${incident.stillOpen.join(", ")} still open at the crossing: no scenario (the crossing still takes this traffic)`
      : `${head}; under 1% of the port's lanes: no scenario`;
  const share =
    incident.event.kind === "capacity-cut"
      ? ` (${Math.round(incident.portShareLost * 100)}% of the port's ${incident.group} lanes)`
      : "";
  if (!s || s.status === "skipped") return `${head}${share}; no scenario run (${s?.reason ?? "none"})`;
  if (s.status === "failed") return `${head}${share}; the cost could not be computed: ${s.reason}`;
  const top = s.topCommodities.filter((c) => c.share > 0);
  const goods =
    top.length === 0
      ? "no goods"
      : top[0]!.share >= 0.5
        ? `mostly ${top[0]!.label.toLowerCase()} (${Math.round(top[0]!.share * 100)}%)`
        : `led by ${top
            .slice(0, 2)
            .map((c) => `${c.label.toLowerCase()} (${Math.round(c.share * 100)}%)`)
            .join(" and ")}`;
  const v = s.valueHeldUpPerDayUsd;
  const c = s.clearsDaysAfterReopening;
  const clears = !c
    ? "the backlog does not clear within the run's horizon"
    : c.value < 0.5
      ? `the backlog clears the day it reopens${c.p90 >= 0.5 ? ` (P10 ${Math.round(c.p10)} – P90 ${Math.round(c.p90)} day(s) after)` : ""}`
      : `the backlog clears about ${Math.round(c.value)} day(s) after reopening (P10 ${Math.round(c.p10)} – P90 ${Math.round(c.p90)})`;
  const flow = `${incident.event.direction} ${incident.mode === "truck" ? "truck" : incident.mode} trade`;
  const est =
    v.status === "estimate"
      ? ` (${STATUS_INFO.estimate.marker} estimate: trade values carried past TransBorder's port-level coverage)`
      : "";
  return `${head}${share}: about ${usd(v)} a day of ${flow} held up (P10 ${formatUsd(v.p10)} – P90 ${formatUsd(v.p90)}), ${goods}; ${clears} if it lasts ${assumeDays} day${assumeDays === 1 ? "" : "s"}${est}`;
}

/** The outbox key of an alert's email file: stable, so a re-delivery rewrites the same file. */
const messageId = (a: WatchAlert) => createHash("sha256").update(a.key).digest("hex").slice(0, 24);

const encodeHeader = (s: string) =>
  /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, "utf8").toString("base64")}?=`;

/**
 * An alert as an email, ready for `sendmail -t` or any mail client (RFC 5322, plain UTF-8 text): the
 * headline, what was seen, the scenario's figures with their P10–P90 and statuses, and the scenario itself so
 * that `borderflow scenario run` reproduces them.
 */
export function emailOf(
  a: WatchAlert,
  email: { to: string[]; from: string },
): { name: string; text: string } {
  const s = a.alert.scenario;
  const lines: string[] = [
    a.alert.headline,
    "",
    `What the feed showed: ${a.message}`,
    `Detected at ${a.detectedAt} (${a.kind}); watchlist "${a.alert.watchlist}", rule(s): ${a.alert.rules.join(", ")}`,
  ];
  const inc = a.alert.incident;
  if (inc) {
    lines.push(
      `The port's ${inc.group} crossings seen in the feed: ${inc.portCrossings
        .map(
          (c) =>
            `${c.crossingName || c.crossing} (${c.crossing}, ${c.maxLanes ?? "?"} lanes${c.closed ? ", closed" : ""})`,
        )
        .join("; ")}; share of the port's lanes lost: ${Math.round(inc.portShareLost * 100)}%`,
    );
  }
  if (s?.status === "computed") {
    const f = (x: AlertFigure) =>
      `${usd(x)}  (P10 ${formatUsd(x.p10)} – P90 ${formatUsd(x.p90)}, ${x.status})`;
    lines.push(
      "",
      `If it lasts ${s.assumeDays} days (scenario "${s.name}", ${s.draws} Monte Carlo draws, baseline ${s.baselineMonths}):`,
      `  trade value held up per day   ${f(s.valueHeldUpPerDayUsd)}`,
      `  trade value held up in all    ${f(s.valueHeldUpUsd)}`,
      `  direct cost of the delay      ${f(s.directCostUsd)}`,
      `  backlog clears                ${s.clearsDaysAfterReopening ? `${Math.round(s.clearsDaysAfterReopening.value)} day(s) after the reopening day (P10 ${Math.round(s.clearsDaysAfterReopening.p10)} – P90 ${Math.round(s.clearsDaysAfterReopening.p90)})` : "not within the run's horizon"}`,
      "  commodities held up (per day): " +
        [
          ...s.topCommodities,
          ...s.watchedCommodities.filter((w) => !s.topCommodities.some((t) => t.hs2 === w.hs2)),
        ]
          .map((c) => `HS${c.hs2} ${c.label} ${formatUsd(c.valuePerDayUsd)}`)
          .join("; "),
      ...s.flows.map(
        (x) =>
          `  ${x.portName} (${x.port}) ${x.mode} ${x.direction}: ${x.blockedPerDay} ${x.unit} blocked a day${x.reroutedTo.length ? `; rerouted to ${x.reroutedTo.join(", ")}` : ""}`,
      ),
      "",
      "Trade value held up is the value of goods whose crossing is blocked: a gross flow delayed, not a loss. Figures marked * are estimates.",
      ...s.notes.map((n) => `Note: ${n}`),
    );
  } else if (s) {
    lines.push("", `No cost figures: ${s.reason}`);
  }
  if (s && s.spec) {
    lines.push(
      "",
      "The scenario (save it as a .json file and run `borderflow scenario run <file>` for the whole result):",
      JSON.stringify(s.spec, null, 2),
    );
  }
  const id = messageId(a);
  const headers = [
    `From: borderflow <${email.from}>`,
    `To: ${email.to.join(", ")}`,
    `Subject: ${encodeHeader(`[borderflow] ${a.alert.headline.length > 150 ? `${a.alert.headline.slice(0, 147)}...` : a.alert.headline}`)}`,
    `Date: ${new Date(a.detectedAt).toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: <${id}@borderflow>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    `X-Borderflow-Key: ${encodeHeader(a.key)}`,
  ];
  const stamp = a.detectedAt.replace(/[-:]/g, "").slice(0, 15);
  return { name: `${stamp}Z-${id}.eml`, text: `${headers.join("\r\n")}\r\n\r\n${lines.join("\r\n")}\r\n` };
}

/** Writes alerts as email files into a folder (written aside, fsynced, renamed: a kill leaves whole files). */
export function writeEmails(
  dir: string,
  alerts: readonly WatchAlert[],
  email: { to: string[]; from: string },
): string[] {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (const a of alerts) {
    const { name, text } = emailOf(a, email);
    const file = join(dir, name);
    const tmp = `${file}.tmp-${process.pid}`;
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    names.push(name);
  }
  fsyncDir(dir);
  return names;
}
