import { CBP_WAIT_TIMES_URL } from "../domain/wait-defaults.ts";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../domain/errors.ts";
import { assertJsonDepth, LIMITS } from "./limits.ts";
import type { PortCode } from "../domain/ports.ts";
import type { Reject } from "../domain/rejects.ts";
import {
  FEED_BORDERS,
  FEED_LANES,
  FEED_STATUSES,
  FeedCrossingSchema,
  FeedSubLaneSchema,
  portOfCrossing,
  readingKey,
  ZONE_OFFSETS_MINUTES,
  type FeedCrossing,
  type LaneStatus,
  type WaitReading,
} from "../domain/wait-times.ts";
import { fetchBytes, type Fetcher } from "./fetcher.ts";
import { parseXml, xmlToPlain } from "./xml.ts";

/** CBP Border Wait Times, the feed carriers and travellers watch. */
export const CBP_WAIT_TIMES_SOURCE = "cbp-wait-times";
/** The JSON feed (all crossings, one object each). `/api/bwtpublicmod` and `/api/waittimes` have the same layout. */
export { CBP_WAIT_TIMES_URL };
/** The older XML feed, same element names. */
export const CBP_WAIT_TIMES_XML_URL = "https://bwt.cbp.gov/xml/bwt.xml";

/** One response of the feed as fetched (or as recorded), before parsing. */
export interface Capture {
  body: Buffer;
  /** When it was fetched, ISO UTC. */
  fetchedAt: string;
  /** The URL or file it came from. */
  origin: string;
}

/** A refused entry, with the crossing number it belongs to when it has one. */
export interface WaitReject extends Reject {
  crossing: string | null;
}

/** What a capture held: the readings, every entry refused and why, and counts. */
export interface WaitTimesResult {
  format: "json" | "xml";
  origin: string;
  fetchedAt: string;
  /** Crossing entries read. */
  crossings: number;
  readings: WaitReading[];
  rejects: WaitReject[];
  /** Lanes the feed marks `N/A` (the lane type does not exist at that crossing); not readings. */
  notApplicable: number;
  notes: string[];
}

/** Options of a parse. */
export interface ParseWaitTimesOptions {
  origin: string;
  fetchedAt: string;
  /** The port codes accepted; a crossing of another port is rejected. Undefined accepts any. */
  knownPorts?: ReadonlySet<string>;
}

/**
 * Parses a capture of the JSON or the XML feed, told apart by the first character. A body that is neither
 * (HTML error page, truncated JSON, empty) is a DataError; a bad entry inside a good body is a reject.
 */
export function parseWaitTimes(body: Buffer | string, opts: ParseWaitTimesOptions): WaitTimesResult {
  const head = (
    typeof body === "string" ? body.slice(0, 200) : body.subarray(0, 200).toString("latin1")
  ).trimStart();
  if (head.startsWith("<")) {
    // The XML declares ISO-8859-1; read it so (it decodes every byte, so nothing is lost).
    const latin1 = /encoding=['"]ISO-8859-1['"]/i.test(head);
    const text = typeof body === "string" ? body : body.toString(latin1 ? "latin1" : "utf8");
    return parseWaitTimesXml(text, opts);
  }
  const text = typeof body === "string" ? body : body.toString("utf8");
  assertJsonDepth(text, LIMITS.depth, opts.origin);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const snippet = text.slice(0, 60).replace(/\s+/g, " ");
    throw new DataError(
      `${opts.origin}: the response is neither JSON nor XML (${(e as Error).message}); ${text.length} characters, starting ${JSON.stringify(snippet)}${text.trim() === "" ? " (empty)" : ""}`,
      [],
      { cause: e },
    );
  }
  return parseWaitTimesJson(value, opts);
}

/** Parses the JSON feed: a top-level array of crossings, or one crossing object (`/api/bwtpublicmod/{n}`). */
export function parseWaitTimesJson(value: unknown, opts: ParseWaitTimesOptions): WaitTimesResult {
  let entries: unknown[];
  if (Array.isArray(value)) entries = value;
  else if (isObject(value) && "port_number" in value) entries = [value];
  else {
    const what = isObject(value)
      ? `an object with keys ${Object.keys(value).slice(0, 5).join(", ")}`
      : typeof value;
    throw new DataError(
      `${opts.origin}: expected a JSON array of crossings (as /api/bwtnew returns), got ${what}`,
    );
  }
  const p = new EntryParser("json", opts);
  entries.forEach((e, i) => p.add(e, i + 1));
  return p.result(entries.length, []);
}

/** Parses the XML feed (`<border_wait_time>` with a header and one `<port>` per crossing). */
export function parseWaitTimesXml(text: string, opts: ParseWaitTimesOptions): WaitTimesResult {
  const root = parseXml(text, opts.origin);
  if (root.name !== "border_wait_time")
    throw new DataError(`${opts.origin}: expected <border_wait_time> as the XML root, got <${root.name}>`);
  const doc = xmlToPlain(root);
  const header = isObject(doc) ? doc : {};
  const ports = header.port === undefined ? [] : Array.isArray(header.port) ? header.port : [header.port];
  const notes: string[] = [];
  const declared = Number(header.number_of_ports);
  if (Number.isFinite(declared) && declared !== ports.length)
    notes.push(`the header says ${declared} ports; the document holds ${ports.length}`);
  // The XML has no per-crossing time: its header time (inferred to be Eastern) stands in as the feed clock.
  const feedDate = typeof header.last_updated_date === "string" ? header.last_updated_date : undefined;
  const feedTime = typeof header.last_updated_time === "string" ? header.last_updated_time : undefined;
  const p = new EntryParser("xml", opts);
  ports.forEach((e, i) => {
    if (isObject(e)) {
      const withClock: Record<string, unknown> = { ...e };
      if (withClock.time === undefined && feedTime) withClock.time = feedTime;
      if ((withClock.date === undefined || withClock.date === "") && feedDate)
        withClock.date = isoToFeedDate(feedDate);
      p.add(withClock, i + 1);
    } else p.add(e, i + 1);
  });
  return p.result(ports.length, notes);
}

/** `2014-3-15` (XML header) to `3/15/2014` (the per-crossing form). */
function isoToFeedDate(s: string): string {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s.trim());
  return m ? `${Number(m[2])}/${Number(m[3])}/${m[1]}` : s;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const CROSSING_FIELDS = new Set([
  "port_number",
  "border",
  "port_name",
  "crossing_name",
  "hours",
  "date",
  "time",
  "port_status",
  "construction_notice",
  "automation",
  "automation_enabled",
  "commercial_vehicle_lanes",
  "passenger_vehicle_lanes",
  "pedestrian_lanes",
  "commercial_automation_type",
  "passenger_automation_type",
  "pedestrain_automation_type",
]);
const SUB_LANE_FIELDS = ["update_time", "operational_status", "delay_minutes", "lanes_open"];
const GROUP_SUB_LANES: Record<string, string[]> = {
  commercial_vehicle_lanes: ["standard_lanes", "FAST_lanes"],
  passenger_vehicle_lanes: ["standard_lanes", "NEXUS_SENTRI_lanes", "ready_lanes"],
  pedestrian_lanes: ["standard_lanes", "ready_lanes"],
};

/** Names of fields present but not expected: a hint when an expected one is missing (renamed upstream?). */
function unexpected(obj: Record<string, unknown>, expected: Iterable<string>): string {
  const known = new Set(expected);
  const extra = Object.keys(obj).filter((k) => !known.has(k));
  return extra.length
    ? ` (unexpected field${extra.length > 1 ? "s" : ""} ${extra.slice(0, 4).join(", ")}: renamed?)`
    : "";
}

/** Validates feed entries one by one into readings and rejects. */
class EntryParser {
  private readonly readings: WaitReading[] = [];
  private readonly rejects: WaitReject[] = [];
  private notApplicable = 0;
  /** The crossing number of the entry being read, for its rejects. */
  private crossing: string | null = null;

  constructor(
    private readonly format: "json" | "xml",
    private readonly opts: ParseWaitTimesOptions,
  ) {}

  private reject(line: number, field: string, value: unknown, reason: string): void {
    this.rejects.push({
      crossing: this.crossing,
      source: CBP_WAIT_TIMES_SOURCE,
      file: this.opts.origin,
      line,
      field,
      value:
        value === undefined || value === null
          ? ""
          : typeof value === "string"
            ? value
            : JSON.stringify(value),
      reason,
    });
  }

  add(entry: unknown, line: number): void {
    this.crossing = isObject(entry) && typeof entry.port_number === "string" ? entry.port_number : null;
    if (!isObject(entry)) {
      this.reject(line, "crossing", entry, "not an object (expected one crossing per entry)");
      return;
    }
    const parsed = FeedCrossingSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = String(issue.path[0] ?? "crossing");
      const missing = entry[field] === undefined;
      this.reject(
        line,
        field,
        entry[field],
        missing ? `${field} is missing${unexpected(entry, CROSSING_FIELDS)}` : issue.message,
      );
      return;
    }
    const c = parsed.data;
    const port = portOfCrossing(c.port_number);
    if (!port) {
      this.reject(
        line,
        "port_number",
        c.port_number,
        "cannot tell the port of this crossing number (expected 4 digits of a CBP port code + 2)",
      );
      return;
    }
    if (this.opts.knownPorts && !this.opts.knownPorts.has(port)) {
      this.reject(
        line,
        "port_number",
        c.port_number,
        `unknown port ${port} (${c.port_name}${c.crossing_name ? `, ${c.crossing_name}` : ""}): not in the ports table`,
      );
      return;
    }
    for (const group of Object.keys(GROUP_SUB_LANES)) {
      const g = entry[group];
      if (g === undefined)
        this.reject(line, group, "", `${group} is missing${unexpected(entry, CROSSING_FIELDS)}`);
      else if (!isObject(g)) this.reject(line, group, g, "not an object");
      else {
        for (const [k, v] of Object.entries(g))
          if (isObject(v) && !GROUP_SUB_LANES[group]!.includes(k))
            this.reject(
              line,
              `${group}.${k}`,
              "",
              `unknown lane type ${k} (expected ${GROUP_SUB_LANES[group]!.join(", ")})`,
            );
      }
    }
    for (const spec of FEED_LANES) {
      const group = entry[spec.group];
      if (!isObject(group)) continue;
      const sub = group[spec.subLane];
      if (sub === undefined) continue; // the lane type is not offered here
      const field = `${spec.group}.${spec.subLane}`;
      if (!isObject(sub)) {
        this.reject(line, field, sub, "not an object");
        continue;
      }
      const s = FeedSubLaneSchema.safeParse(sub);
      if (!s.success) {
        const name = String(s.error.issues[0]?.path[0] ?? "");
        const missing = sub[name] === undefined;
        this.reject(
          line,
          `${field}.${name}`,
          sub[name],
          missing
            ? `${name} is missing${unexpected(sub, SUB_LANE_FIELDS)}`
            : (s.error.issues[0]?.message ?? "invalid"),
        );
        continue;
      }
      const statusText = s.data.operational_status.trim().toLowerCase();
      if (!(statusText in FEED_STATUSES)) {
        this.reject(
          line,
          `${field}.operational_status`,
          s.data.operational_status,
          `unknown status (expected one of: no delay, delay, Lanes Closed, Update Pending, N/A)`,
        );
        continue;
      }
      const status = FEED_STATUSES[statusText];
      if (status === null || status === undefined) {
        this.notApplicable++;
        continue;
      }
      const r = this.reading(c, entry, group, spec, status, s.data, line, field);
      if (r) this.readings.push(r);
    }
  }

  private reading(
    c: FeedCrossing,
    entry: Record<string, unknown>,
    group: Record<string, unknown>,
    spec: (typeof FEED_LANES)[number],
    status: LaneStatus,
    sub: { update_time: string; delay_minutes: string; lanes_open: string },
    line: number,
    field: string,
  ): WaitReading | undefined {
    const delayText = sub.delay_minutes.trim();
    let delayMinutes: number | null = null;
    if (delayText !== "") {
      const d = parseDelayMinutes(delayText);
      if (d === undefined) {
        this.reject(
          line,
          `${field}.delay_minutes`,
          delayText,
          'not a wait in minutes (expected e.g. "25", "25 min", "1 hrs 30 min")',
        );
        return undefined;
      }
      delayMinutes = d;
    } else if (status === "delay" || status === "no-delay") {
      this.reject(line, `${field}.delay_minutes`, "", `is empty for a lane with status ${status}`);
      return undefined;
    }
    const lanesOpen = count(sub.lanes_open);
    if (lanesOpen === undefined) {
      this.reject(line, `${field}.lanes_open`, sub.lanes_open, "not a whole number of lanes");
      return undefined;
    }
    const maxRaw = group.maximum_lanes;
    const maxLanes =
      maxRaw === undefined || (typeof maxRaw === "string" && /^(n\/a|na)?$/i.test(maxRaw.trim()))
        ? null
        : count(String(maxRaw));
    if (maxLanes === undefined) {
      this.reject(line, `${spec.group}.maximum_lanes`, maxRaw, 'not a whole number of lanes or "N/A"');
      return undefined;
    }
    let updatedAt: string | null = null;
    let timeZone: string | null = null;
    const updateText = sub.update_time.trim();
    if (updateText !== "") {
      const t = resolveUpdateTime(updateText, c.date, c.time);
      if (typeof t === "string") {
        this.reject(line, `${field}.update_time`, updateText, t);
        return undefined;
      }
      const aheadHours = (Date.parse(t.iso) - Date.parse(this.opts.fetchedAt)) / 3_600_000;
      if (aheadHours > MAX_HOURS_AHEAD) {
        this.reject(
          line,
          `${field}.update_time`,
          updateText,
          `${t.iso} is ${aheadHours.toFixed(1)} hours after the fetch (${this.opts.fetchedAt})`,
        );
        return undefined;
      }
      updatedAt = t.iso;
      timeZone = t.zone;
    } else if (status === "delay" || status === "no-delay") {
      this.reject(
        line,
        `${field}.update_time`,
        "",
        "is empty: a wait without its update time cannot be placed in time",
      );
      return undefined;
    }
    const automation = group[spec.automationField] ?? entry[spec.portAutomationField];
    const automationType =
      typeof automation === "string" && automation.trim() !== "" ? automation.trim() : null;
    const base = {
      crossing: c.port_number,
      lane: spec.lane,
      status,
      updatedAt,
      fetchedAt: this.opts.fetchedAt,
    };
    return {
      key: readingKey(base),
      crossing: c.port_number,
      port: portOfCrossing(c.port_number) as PortCode,
      portName: c.port_name,
      crossingName: c.crossing_name,
      border: FEED_BORDERS[c.border]!,
      lane: spec.lane,
      status,
      delayMinutes,
      lanesOpen,
      maxLanes,
      portStatus: c.port_status,
      automationType,
      updatedAt,
      timeZone,
      fetchedAt: this.opts.fetchedAt,
      format: this.format,
    };
  }

  result(crossings: number, notes: string[]): WaitTimesResult {
    return {
      format: this.format,
      origin: this.opts.origin,
      fetchedAt: this.opts.fetchedAt,
      crossings,
      readings: this.readings,
      rejects: this.rejects,
      notApplicable: this.notApplicable,
      notes,
    };
  }
}

/** An update time may run ahead of our fetch by this much (clock skew; CBP stamps some lanes ahead). */
export const MAX_HOURS_AHEAD = 6;

function count(s: string): number | null | undefined {
  const t = s.trim();
  if (t === "") return null;
  return /^\d+$/.test(t) ? Number(t) : undefined;
}

/**
 * Reads a wait as minutes: `"25"` (JSON, 2021 on), or the 2014 XML's text `"25 min"`, `"1 hr"`,
 * `"1 hrs 30 min"`. Undefined when it is neither.
 */
export function parseDelayMinutes(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t);
  const m = /^(?:(\d+)\s*hrs?)?\s*(?:(\d+)\s*min(?:s|utes?)?)?$/.exec(t);
  if (!m || (m[1] === undefined && m[2] === undefined)) return undefined;
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
}

/** A lane's update time: the ISO instant in the port's offset, and the zone abbreviation CBP wrote. */
export interface UpdateTime {
  iso: string;
  zone: string;
}

/**
 * Places CBP's `update_time` ("At 10:00 am PDT", "At Noon EDT", "At Midnight CST") in time. The text has a
 * clock and a zone but no date: the date is the crossing's feed date, moved a day back or forward when the
 * update clock is more than 12 hours from the feed clock (the feed at 00:20 showing an update "At 11:00 pm"
 * is from the day before). Returns the reason as a string when the text cannot be read.
 */
export function resolveUpdateTime(text: string, feedDate: string, feedTime?: string): UpdateTime | string {
  const m = /^at\s+(?:(\d{1,2}):(\d{2})\s*([ap])\.?\s*m\.?|(noon|midnight))\s+([a-z]{2,4})$/i.exec(
    text.trim(),
  );
  if (!m) return 'not an update time (expected e.g. "At 10:00 am PDT" or "At Noon EDT")';
  const zone = m[5]!.toUpperCase();
  const offset = ZONE_OFFSETS_MINUTES[zone];
  if (offset === undefined)
    return `unknown time zone ${zone} (expected one of ${Object.keys(ZONE_OFFSETS_MINUTES).join(", ")})`;
  let minutes: number;
  if (m[4]) minutes = m[4].toLowerCase() === "noon" ? 12 * 60 : 0;
  else {
    const h = Number(m[1]);
    if (h < 1 || h > 12 || Number(m[2]) > 59) return "not a clock time";
    minutes = ((h % 12) + (m[3]!.toLowerCase() === "p" ? 12 : 0)) * 60 + Number(m[2]);
  }
  const d = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(feedDate.trim());
  const [year, month, day] = d ? [Number(d[3]), Number(d[1]), Number(d[2])] : [0, 0, 0];
  if (!d || new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day || month > 12)
    return `the crossing's date ${JSON.stringify(feedDate)} is not a calendar date as M/D/YYYY`;
  let dayShift = 0;
  const clock = feedTime ? /^(\d{1,2}):(\d{2})/.exec(feedTime) : null;
  if (clock) {
    const delta = minutes - (Number(clock[1]) * 60 + Number(clock[2]));
    if (delta > 12 * 60) dayShift = -1;
    else if (delta < -12 * 60) dayShift = 1;
  }
  const localMs = Date.UTC(year, month - 1, day + dayShift, 0, minutes);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return { iso: `${new Date(localMs).toISOString().slice(0, 19)}${off}`, zone };
}

/** Options of a live fetch. */
export interface FetchCaptureOptions {
  fetcher: Fetcher;
  url: string;
  timeoutMs: number;
  /** The clock stamping `fetchedAt`. */
  now: () => Date;
}

/** GETs the feed once; HTTP errors, timeouts and cut-off bodies are DataErrors (see fetchBytes). */
export async function fetchCapture(opts: FetchCaptureOptions): Promise<Capture> {
  const body = await fetchBytes(opts.fetcher, opts.url, opts.timeoutMs, LIMITS.feedBytes);
  return { body, fetchedAt: opts.now().toISOString(), origin: opts.url };
}

/** A recorded capture file and the time it was fetched. */
export interface CaptureFile {
  file: string;
  fetchedAt: string;
}

const STAMP_RE = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/;

/**
 * Lists the captures of a folder (`*.json`, `*.xml`) in the order they were fetched: the UTC stamp in the
 * file name (`...20220629T172515Z...`, as `watch --save-captures` writes them), else the file's mtime.
 */
export function listCaptureFiles(dir: string): CaptureFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new DataError(`cannot read the replay folder ${dir}: ${(e as Error).message}`, [], { cause: e });
  }
  return names
    .filter((n) => /\.(json|xml)$/i.test(n))
    .map((n) => {
      const file = join(dir, n);
      const s = STAMP_RE.exec(n);
      const fetchedAt = s
        ? new Date(Date.UTC(+s[1]!, +s[2]! - 1, +s[3]!, +s[4]!, +s[5]!, +s[6]!)).toISOString()
        : statSync(file).mtime.toISOString();
      return { file, fetchedAt };
    })
    .sort((a, b) =>
      a.fetchedAt < b.fetchedAt ? -1 : a.fetchedAt > b.fetchedAt ? 1 : a.file < b.file ? -1 : 1,
    );
}

/** Reads one recorded capture as if it had just been fetched at its recorded time. */
export function readCaptureFile(f: CaptureFile): Capture {
  return { body: readFileSync(f.file), fetchedAt: f.fetchedAt, origin: f.file };
}

/** The file name `watch --save-captures` gives a capture: its fetch stamp and the feed's format. */
export function captureFileName(c: Capture): string {
  const stamp = c.fetchedAt.replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
  const xml = c.body.subarray(0, 100).toString("latin1").trimStart().startsWith("<");
  return `cbp-bwt-${stamp}.${xml ? "xml" : "json"}`;
}
