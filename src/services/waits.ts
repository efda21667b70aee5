import { join, resolve } from "node:path";
import { InputError, NotFoundError, StoreError } from "../domain/errors.ts";
import type { PortCode } from "../domain/ports.ts";
import {
  dateProblems,
  LANE_GROUPS,
  LANE_TYPES,
  WEEKDAYS,
  type LaneGroup,
  type LaneType,
} from "../domain/wait-lanes.ts";
import { DEFAULT_SNAPSHOT_DIR } from "../store/paths.ts";
import { defaultArchiveDir } from "../store/wait-archive.ts";
import {
  queryDetached,
  readingsSource,
  withArchiveRead,
  type WaitArchiveDb,
} from "../store/wait-archive-db.ts";
import {
  archiveCrossingsQuery,
  archiveSpanQuery,
  snapshotPortsQuery,
  waitStatsQuery,
  type WaitFilter,
  type WaitGrain,
} from "../store/wait-queries.ts";
import { matchPort, type PortName } from "./resolve.ts";

/** `waits` as a user wrote it (CLI flags or API query, as strings). */
export interface WaitQuerySpec {
  port: string;
  lane?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  by?: string | undefined;
}

/** How `waits` groups: per crossing and lane (with the best weekday and hour), or by hour, or by weekday. */
export const WAIT_GROUPINGS = ["crossing", "hour", "weekday"] as const;
export type WaitGrouping = (typeof WAIT_GROUPINGS)[number];

/** A validated `waits` request (the port is resolved against the archive and the ports when it runs). */
export interface WaitRequest {
  port: string;
  lanes: LaneType[];
  from?: string;
  to?: string;
  by: WaitGrouping;
}

/** Reads `--lane`: lane types (`passenger-standard`) or groups (`passenger`), comma-separated; none is all. */
export function parseLanes(input: string | undefined): LaneType[] {
  if (input === undefined || input.trim() === "") return [];
  const out = new Set<LaneType>();
  for (const raw of input.split(",")) {
    const l = raw.trim().toLowerCase();
    if ((LANE_TYPES as readonly string[]).includes(l)) out.add(l as LaneType);
    else if ((LANE_GROUPS as readonly string[]).includes(l)) {
      for (const t of LANE_TYPES) if (t.startsWith(`${l as LaneGroup}-`)) out.add(t);
    } else
      throw new InputError(
        `unknown lane ${JSON.stringify(raw.trim())} (expected one of ${LANE_TYPES.join(", ")}, or a group: ${LANE_GROUPS.join(", ")})`,
      );
  }
  return LANE_TYPES.filter((t) => out.has(t));
}

const PORT_REQUIRED =
  "--port is required (a code such as 2504, a name such as San Ysidro, or a crossing number such as 250401)";

/**
 * Validates a `waits` request; every problem is named at once in one InputError: --port, --from, --to,
 * --by, then --from after --to (checked when --by is valid), then the lanes. Plain code, not a zod schema:
 * zod took about 95 ms of the command's start (docs/waits.md "Speed"); test/services/waits.test.ts checks
 * it against the zod schema it replaced.
 */
export function parseWaitQuery(spec: WaitQuerySpec): WaitRequest {
  const problems: string[] = [];
  const port = spec.port.trim();
  if (port === "") problems.push(PORT_REQUIRED);
  for (const flag of ["from", "to"] as const) {
    const v = spec[flag];
    if (v !== undefined)
      for (const p of dateProblems(v)) problems.push(`--${flag} ${JSON.stringify(v)}: ${p}`);
  }
  const byValid = spec.by === undefined || (WAIT_GROUPINGS as readonly string[]).includes(spec.by);
  if (!byValid)
    problems.push(
      `--by ${JSON.stringify(spec.by)} is not one of ${WAIT_GROUPINGS.filter((g) => g !== "crossing").join(", ")}`,
    );
  else if (spec.from && spec.to && spec.from > spec.to)
    problems.push(`--from ${spec.from} is after --to ${spec.to}`);
  let lanes: LaneType[] = [];
  try {
    lanes = parseLanes(spec.lane);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length > 0)
    throw new InputError(
      problems.join("; "),
      "e.g. borderflow waits --port 2504 --from 2025-11-24 --to 2025-11-30 --by hour",
    );
  return {
    port,
    lanes,
    ...(spec.from ? { from: spec.from } : {}),
    ...(spec.to ? { to: spec.to } : {}),
    by: (spec.by as WaitGrouping | undefined) ?? "crossing",
  };
}

/**
 * The ports of a snapshot (the `ports` table of every store built from it), read from its Parquet file
 * without opening the database. Default: `$BORDERFLOW_SNAPSHOT`, else the vendored snapshot.
 */
export async function loadSnapshotPorts(snapshotDir?: string): Promise<PortName[]> {
  return queryDetached<PortName>(snapshotPortsQuery(snapshotPortsFile(snapshotDir)));
}

/** The `ports.parquet` of a snapshot folder (default: `$BORDERFLOW_SNAPSHOT`, else the vendored snapshot). */
export function snapshotPortsFile(snapshotDir?: string): string {
  return join(snapshotDir ?? process.env.BORDERFLOW_SNAPSHOT ?? DEFAULT_SNAPSHOT_DIR, "ports.parquet");
}

/**
 * The known ports of a wait query: those given, else the snapshot's, read by the DuckDB that reads the
 * archive (a DuckDB of their own cost a one-year query a fifth of its time: docs/waits.md "Speed").
 */
export async function portsFor(db: WaitArchiveDb, deps: WaitSummaryDeps): Promise<readonly PortName[]> {
  if (deps.ports) return deps.ports;
  const file = snapshotPortsFile(deps.snapshotDir);
  try {
    return await db.all<PortName>(snapshotPortsQuery(file));
  } catch (e) {
    const why = ((e as Error).cause as Error | undefined)?.message ?? (e as Error).message;
    throw new StoreError(`cannot read the ports of the snapshot ${file}: ${why.split("\n")[0]}`, {
      cause: e,
    });
  }
}

/** Wait statistics of one crossing × lane (× hour or weekday), minutes. */
export interface WaitStatsRow {
  port: PortCode;
  portName: string;
  crossing: string;
  crossingName: string;
  lane: LaneType;
  /** Local hour 0-23 (with `by: "hour"`). */
  hour?: number;
  /** Local weekday (with `by: "weekday"`). */
  weekday?: (typeof WEEKDAYS)[number];
  /** CBP readings with a wait. */
  readings: number;
  /** The median of those waits. */
  typicalMinutes: number | null;
  meanMinutes: number | null;
  p90Minutes: number | null;
  maxMinutes: number | null;
  /** Readings showing the lane closed (at most one an hour when CBP gives no update time). */
  closedReadings: number;
  firstUpdate: string | null;
  lastUpdate: string | null;
}

/** The best time to cross at a crossing and lane: the slot with the lowest typical wait. */
export interface BestTime {
  crossing: string;
  crossingName: string;
  lane: LaneType;
  weekday?: (typeof WEEKDAYS)[number];
  hour?: number;
  typicalMinutes: number;
  readings: number;
}

/** What `waits` answers. */
export interface WaitSummary {
  archiveDir: string;
  port: { code: PortCode; name: string };
  /** Set when one crossing was asked for. */
  crossing?: string;
  lanes: LaneType[];
  from: string | null;
  to: string | null;
  by: WaitGrouping;
  rows: WaitStatsRow[];
  /** Per crossing and lane: the best weekday and hour (by crossing), hour (by hour) or weekday (by weekday). */
  best: BestTime[];
  /** Readings of the port in the range, closed lanes included. */
  readingsInRange: number;
  notes: string[];
}

/** Injectable inputs of a wait query. */
export interface WaitSummaryDeps {
  /** The known ports (default: those of `snapshotDir`). */
  ports?: readonly PortName[] | undefined;
  /** The snapshot whose ports are read when `ports` is not given (default: `$BORDERFLOW_SNAPSHOT`, else the vendored one). */
  snapshotDir?: string | undefined;
}

interface StatsRow {
  port: string;
  port_name: string;
  crossing: string;
  crossing_name: string;
  lane: string;
  hour?: number;
  weekday?: number;
  readings: number;
  typical_minutes: number | null;
  mean_minutes: number | null;
  p90_minutes: number | null;
  max_minutes: number | null;
  closed_readings: number;
  first_update: string | null;
  last_update: string | null;
}

const DAY_MS = 86_400_000;
const shiftDay = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
const laneOrder = (l: string) => LANE_TYPES.indexOf(l as LaneType);

/**
 * Wait statistics over the archive for a port (or one crossing), lanes and local dates: per crossing and
 * lane, or by local hour or weekday, with the best time to cross. Reads the archive's JSON Lines files
 * through an in-memory DuckDB, so it works while `watch` writes to them. The API can call it as it is.
 */
export async function waitSummary(
  archiveDir: string,
  request: WaitQuerySpec | WaitRequest,
  deps: WaitSummaryDeps = {},
): Promise<WaitSummary> {
  const req =
    "lanes" in request && Array.isArray(request.lanes)
      ? (request as WaitRequest)
      : parseWaitQuery(request as WaitQuerySpec);
  const dir = resolve(archiveDir);
  // Files are by UTC day; a local date can fall on the UTC day before or after.
  const range =
    req.from || req.to
      ? {
          from: req.from ? shiftDay(req.from, -1) : "0000-00-00",
          to: req.to ? shiftDay(req.to, 1) : "9999-99-99",
        }
      : undefined;
  return withArchiveRead(dir, range, async (db, plan) => {
    const knownPorts = await portsFor(db, deps);
    const source = readingsSource(plan);
    // Crossings of the compacted months come from the manifest; only the JSON Lines days are scanned for theirs.
    const jsonlCrossings = plan.jsonl.length
      ? await db.all<ArchivedRow>(archiveCrossingsQuery(readingsSource({ ...plan, raw: [], hourly: [] })))
      : [];
    const archived = mergeArchived([
      ...plan.crossings.map((c) => ({
        port: c.port,
        crossing: c.crossing,
        port_name: c.portName,
        crossing_name: c.crossingName,
      })),
      ...jsonlCrossings,
    ]);
    const target = await resolveTarget(req.port, archived, knownPorts);
    const filter: WaitFilter = {
      ports: target.crossing ? [] : [target.code],
      crossings: target.crossing ? [target.crossing] : [],
      lanes: req.lanes,
      from: req.from ?? "0000-00-00",
      to: req.to ?? "9999-99-99",
    };
    const grain: WaitGrain = req.by;
    const raw = await db.all<StatsRow>(waitStatsQuery(source, filter, grain));
    // Lanes seen only as "Update Pending" have neither a wait nor a closure to show.
    const rows = raw
      .map(toRow)
      .filter((r) => r.readings > 0 || r.closedReadings > 0)
      .sort(compareRows);
    const grid =
      grain === "crossing"
        ? (await db.all<StatsRow>(waitStatsQuery(source, filter, "hour-weekday"))).map(toRow)
        : rows;
    const readingsInRange = raw.reduce((n, r) => n + r.readings + r.closed_readings, 0);
    const notes: string[] = [
      "waits are CBP's estimates at its update times, in minutes; hours and weekdays are local to each port",
      "typical = the median of the readings; a lane with automated (sensor) readings has more readings an hour than a manual one",
    ];
    if (plan.rollupMonths.length > 0)
      notes.push(
        `raw readings of ${plan.rollupMonths.join(", ")} were dropped by the archive's retention: those months count from hourly roll-ups (each hour's mean wait stands for its readings; typical and p90 are then of hourly means)`,
      );
    const feedNames = new Set(
      archived
        .filter((a) => (target.crossing ? a.crossing === target.crossing : a.port === target.code))
        .map((a) => a.port_name),
    );
    for (const a of archived)
      if (feedNames.has(a.port_name) && a.port !== target.code)
        notes.push(
          `the feed lists ${a.port_name}${a.crossing_name ? ` ${a.crossing_name}` : ""} (${a.crossing}) under the same name, but it is port ${a.port}: ask for it with --port ${a.port}`,
        );
    if (rows.length === 0) {
      const [span] = await db.all<{ readings: number; first_date: string | null; last_date: string | null }>(
        archiveSpanQuery(source),
      );
      const where = target.crossing ? `crossing ${target.crossing}` : `${target.name} (${target.code})`;
      notes.push(
        span?.readings
          ? `no readings of ${where}${req.lanes.length ? ` in lanes ${req.lanes.join(", ")}` : ""} in the range; the archive's files for it span ${span.first_date}..${span.last_date}`
          : `the archive ${dir} has no readings${req.from || req.to ? " in the range" : ""}; run borderflow watch to collect them`,
      );
    }
    return {
      archiveDir: dir,
      port: { code: target.code, name: target.name },
      ...(target.crossing ? { crossing: target.crossing } : {}),
      lanes: req.lanes,
      from: req.from ?? null,
      to: req.to ?? null,
      by: req.by,
      rows,
      best: bestTimes(grid),
      readingsInRange,
      notes,
    };
  });
}

interface ArchivedRow {
  port: string;
  crossing: string;
  port_name: string;
  crossing_name: string;
}

function mergeArchived(rows: readonly ArchivedRow[]): ArchivedRow[] {
  const out = new Map<string, ArchivedRow>();
  for (const r of rows) out.set(`${r.port}|${r.crossing}`, r);
  return [...out.values()].sort(
    (a, b) => a.port.localeCompare(b.port) || a.crossing.localeCompare(b.crossing),
  );
}

function toRow(r: StatsRow): WaitStatsRow {
  return {
    port: r.port as PortCode,
    portName: r.port_name,
    crossing: r.crossing,
    crossingName: r.crossing_name,
    lane: r.lane as LaneType,
    ...(r.hour !== undefined && r.hour !== null ? { hour: r.hour } : {}),
    ...(r.weekday !== undefined && r.weekday !== null ? { weekday: WEEKDAYS[r.weekday]! } : {}),
    readings: r.readings,
    typicalMinutes: round1(r.typical_minutes),
    meanMinutes: round1(r.mean_minutes),
    p90Minutes: round1(r.p90_minutes),
    maxMinutes: r.max_minutes,
    closedReadings: r.closed_readings,
    firstUpdate: r.first_update,
    lastUpdate: r.last_update,
  };
}

const weekdayIndex = (w?: string) => (w === undefined ? -1 : (WEEKDAYS as readonly string[]).indexOf(w));

function compareRows(a: WaitStatsRow, b: WaitStatsRow): number {
  return (
    a.crossing.localeCompare(b.crossing) ||
    laneOrder(a.lane) - laneOrder(b.lane) ||
    weekdayIndex(a.weekday) - weekdayIndex(b.weekday) ||
    (a.hour ?? -1) - (b.hour ?? -1)
  );
}

/**
 * Per crossing and lane, the slot with the lowest typical wait among the slots with the most support: at
 * least 3 readings, or as many as the best-covered slot has when none has 3. Ties go to more readings,
 * then the earlier slot.
 */
export function bestTimes(rows: readonly WaitStatsRow[]): BestTime[] {
  const bySeries = new Map<string, WaitStatsRow[]>();
  for (const r of rows) {
    if (r.typicalMinutes === null || r.readings === 0) continue;
    const k = `${r.crossing}|${r.lane}`;
    bySeries.set(k, [...(bySeries.get(k) ?? []), r]);
  }
  const out: BestTime[] = [];
  for (const slots of bySeries.values()) {
    const need = Math.min(3, Math.max(...slots.map((s) => s.readings)));
    const best = slots
      .filter((s) => s.readings >= need)
      .sort(
        (a, b) => a.typicalMinutes! - b.typicalMinutes! || b.readings - a.readings || compareRows(a, b),
      )[0]!;
    out.push({
      crossing: best.crossing,
      crossingName: best.crossingName,
      lane: best.lane,
      ...(best.weekday !== undefined ? { weekday: best.weekday } : {}),
      ...(best.hour !== undefined ? { hour: best.hour } : {}),
      typicalMinutes: best.typicalMinutes!,
      readings: best.readings,
    });
  }
  return out.sort((a, b) => a.crossing.localeCompare(b.crossing) || laneOrder(a.lane) - laneOrder(b.lane));
}

/** Resolves `--port`: a crossing number in the archive, or a port by code or name (see matchPort). */
export async function resolveTarget(
  input: string,
  archived: readonly { port: string; crossing: string; port_name: string; crossing_name: string }[],
  ports: readonly PortName[],
): Promise<{ code: PortCode; name: string; crossing?: string }> {
  const raw = input.trim();
  const crossing = archived.find((a) => a.crossing.toLowerCase() === raw.toLowerCase());
  if (crossing && raw.length === 6) {
    const name = ports.find((p) => p.port_code === crossing.port)?.port_name ?? crossing.port_name;
    return { code: crossing.port as PortCode, name, crossing: crossing.crossing };
  }
  if (/^[0-9a-z]\d{5}$/i.test(raw))
    throw new NotFoundError(
      `no readings of crossing ${raw} in the archive (a crossing number is 4 port digits + 2, e.g. 250401)`,
    );
  const p = matchPort(raw, ports);
  return { code: p.port_code, name: p.port_name };
}

/** The archive folder a command uses: `--archive`, else `$BORDERFLOW_ARCHIVE`, else the default. */
export function archiveDirFor(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? defaultArchiveDir(env));
}
