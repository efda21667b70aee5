import { z } from "zod";
import { ScenarioEventSchema, type ScenarioEventSpec, type ScenarioMode } from "./scenario.ts";

/** A published figure about a disruption (press, industry, government), with what it measures. */
export const EventFigureSchema = z
  .object({
    by: z.string(),
    value: z.unknown(),
    unit: z.string(),
    measures: z.string(),
    source_url: z.string().optional(),
    source_date: z.string().optional(),
    verification: z.string().optional(),
    note: z.string().optional(),
  })
  .passthrough();
export type EventFigure = z.infer<typeof EventFigureSchema>;

/** A calendar date `YYYY-MM-DD` that exists. */
const DateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD")
  .refine((s) => {
    const t = Date.parse(`${s}T00:00:00Z`);
    return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
  }, "not a calendar date");

const When = z
  .object({
    date: DateString.nullable(),
    time_local: z.string().nullable().optional(),
    tz: z.string().nullable().optional(),
    utc_approx: z.string().nullable().optional(),
    note: z.string().optional(),
    verification: z.string().optional(),
  })
  .passthrough();

/**
 * One disruption of the registry (../shared/data/events/events.json layout). Users may add their own in a
 * file of the same layout; an optional `scenario` list states the model's events outright instead of
 * deriving them from `modes_affected` and `closure_type`.
 */
export const EventSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "expected a lower-case id of letters, digits and dashes"),
    title: z.string().min(1),
    border: z.string(),
    start: When.extend({ date: DateString }),
    end: When.nullable().optional(),
    duration_days_approx: z
      .union([z.number(), z.record(z.string(), z.number())])
      .nullable()
      .optional(),
    ports: z.array(
      z
        .object({
          name: z.string(),
          cbp_port_code: z.string().nullable(),
          /** affected: the event acts on it; diversion-route: listed because traffic went there (not closed). */
          role: z.enum(["affected", "diversion-route"]).optional(),
        })
        .passthrough(),
    ),
    modes_affected: z.array(z.string()).nullable().optional(),
    closure_type: z.string().default(""),
    closure_detail: z.string().optional(),
    cause: z.string().optional(),
    figures: z.array(EventFigureSchema).default([]),
    headline_figures: z.string().optional(),
    date_sources: z
      .array(
        z
          .object({
            date: z.string(),
            supports: z.string(),
            url: z.string(),
            verification: z.string().optional(),
          })
          .passthrough(),
      )
      .default([]),
    notes: z.string().optional(),
    scenario: z.array(ScenarioEventSchema).optional(),
    /** Components with their own window ("rail bridge" 2.5 days, "Bridge 1 northbound vehicles" 26). */
    sub_periods: z
      .array(
        z
          .object({
            component: z.string(),
            start: z.string().nullable().optional(),
            end: z.string().nullable().optional(),
            verification: z.string().optional(),
          })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();
export type DisruptionEvent = z.infer<typeof EventSchema>;

/** A registry file: `{ meta, events }`. */
export const RegistrySchema = z.object({
  meta: z.record(z.string(), z.unknown()).default({}),
  events: z.array(EventSchema),
});

/** The offset from UTC, in minutes, of an IANA time zone at an instant (DST-aware, through Intl). */
export function ianaOffsetMinutes(timeZone: string, utcMs: number): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    })
      .formatToParts(utcMs)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!);
  return Math.round((asUtc - Math.floor(utcMs / 60_000) * 60_000) / 60_000);
}

/** Epoch ms of a wall-clock time in an IANA time zone (DST-aware, through Intl). */
export function zonedTimeToUtc(date: string, time: string, timeZone: string): number {
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  const [h, mi] = time.split(":").map(Number) as [number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const first = guess - ianaOffsetMinutes(timeZone, guess) * 60_000;
  return guess - ianaOffsetMinutes(timeZone, first) * 60_000;
}

const isZone = (tz: string | null | undefined): tz is string => {
  if (!tz || !/^[A-Za-z]+\/[A-Za-z_]+$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const firstIso = (s: string | null | undefined) => {
  const m = /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z)/.exec(s ?? "");
  return m ? Date.parse(m[1]!) : undefined;
};

type WhenT = z.infer<typeof When>;

const clock = (t: string | null | undefined) => (t && /^\d{2}:\d{2}$/.test(t.trim()) ? t.trim() : undefined);
const nextDate = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * The instant an event's start or end stands for at one port, and how it was read: a clock time in a named
 * zone is that instant everywhere; a clock time with `tz: "local"` (the repository's overlay) or a date with
 * no time is read in the port's own zone; else the registry's `utc_approx`. A date with no time is the
 * start (or, for an end, the end) of that local day.
 */
function instantAt(w: WhenT, portZone: string, isEnd: boolean): { ms: number; how: string } | undefined {
  if (!w.date) return undefined;
  const t = clock(w.time_local);
  if (t && isZone(w.tz)) return { ms: zonedTimeToUtc(w.date, t, w.tz), how: `${w.date} ${t} ${w.tz}` };
  if (t && w.tz === "local")
    return { ms: zonedTimeToUtc(w.date, t, portZone), how: `${w.date} ${t} local at each port` };
  const iso = firstIso(w.utc_approx);
  if (iso !== undefined) return { ms: iso, how: `${new Date(iso).toISOString()} (utc_approx)` };
  if (isEnd)
    return {
      ms: zonedTimeToUtc(nextDate(w.date), "00:00", portZone),
      how: `end of ${w.date} local at each port (no time given)`,
    };
  return {
    ms: zonedTimeToUtc(w.date, "00:00", portZone),
    how: `${w.date} 00:00 local at each port (no time given)`,
  };
}

/** What became of an event when turned into a scenario. */
export type DerivedScenario =
  { ok: true; events: ScenarioEventSpec[]; rules: string[] } | { ok: false; reason: string };

const MODE_WORDS: [RegExp, ScenarioMode][] = [
  [/rail freight|^rail/i, "rail"],
  [/truck/i, "truck"],
  [/personal vehicle/i, "personal-vehicle"],
  [/pedestrian/i, "pedestrian"],
  [/^bus/i, "bus"],
];

/** Zones of the borders' states, for events that give a date but no zone. */
const BORDER_ZONE: Record<string, string> = {
  "US-Mexico": "America/Chicago",
  "US-Canada": "America/New_York",
};

/** One crossing (facility) of a port with its primary lanes by lane type and its open hours (CBP's BWT feed). */
export interface PortFacility {
  crossing: string;
  lanes: Record<"truck" | "vehicle" | "pedestrian", number>;
  openHours: number;
}

const laneKind = (m: ScenarioMode) =>
  m === "truck" ? "truck" : m === "pedestrian" ? "pedestrian" : m === "rail" ? null : "vehicle";

/** A crossing or facility name, comparable: lower case, letters and digits, Roman bridge numbers as digits. */
function facilityKey(text: string): string {
  return ` ${text.toLowerCase().replace(/[^a-z0-9]+/g, " ")} `
    .replace(/ ii /g, " 2 ")
    .replace(/ i /g, " 1 ")
    .replace(/ +/g, " ");
}

/**
 * The facility of a port that a "one facility" closure names: the port's name in the registry reads
 * "City, ST - Facility (notes)"; the facility is the crossing of CBP's wait-time feed (the port's own
 * crossings, BWT) whose name, less the city, is in the text after " - " and before any parenthesis.
 */
export function namedFacility(
  portText: string,
  facilities: readonly PortFacility[],
): PortFacility | undefined {
  const dash = portText.indexOf(" - ");
  if (dash < 0) return undefined;
  const text = facilityKey(portText.slice(dash + 3).split("(")[0]!);
  const hits = facilities.filter((f) => {
    const name = f.crossing
      .split(/\s[–-]\s/)
      .slice(1)
      .join(" ")
      .trim();
    return name !== "" && text.includes(facilityKey(name));
  });
  return hits.length === 1 ? hits[0] : undefined;
}

/**
 * The share of a port's capacity for a mode that stays open when one facility closes: the other crossings'
 * lane-hours (primary lanes × open hours) over all of the port's, from CBP's BWT feed. Undefined when the
 * facility has no lanes of the mode or is the port's only one (the feed cannot split the port).
 */
export function facilityRemaining(
  closed: PortFacility,
  facilities: readonly PortFacility[],
  mode: ScenarioMode,
): number | undefined {
  const kind = laneKind(mode);
  if (!kind) return undefined;
  const laneHours = (f: PortFacility) => f.lanes[kind] * f.openHours;
  const all = facilities.reduce((s, f) => s + laneHours(f), 0);
  const shut = laneHours(closed);
  if (all <= 0 || shut <= 0 || shut >= all) return undefined;
  return 1 - shut / all;
}

/** The modes a sub-period's component names ("rail bridge", "Bridge 1 northbound vehicles", "(road)"). */
const SUB_MODES: [RegExp, ScenarioMode[]][] = [
  [/\brail|gateway/i, ["rail"]],
  [/vehicle/i, ["personal-vehicle"]],
  [/cargo|truck|commercial/i, ["truck"]],
  [/pedestrian/i, ["pedestrian"]],
  [/\broad\b/i, ["truck", "personal-vehicle", "bus"]],
];

/**
 * An instant from a sub-period's date text: its first ISO date (with a clock time if it has one) in the
 * port's zone; a date alone starts at local midnight and ends at the end of that local day. Undefined when
 * the text holds no full date ("2023-09 (exact start date not verified)", "early July 2010"), or gives the
 * event's own start (end) date without a time (the event's time of day stands).
 */
function subInstant(
  text: string | null | undefined,
  zone: string,
  isEnd: boolean,
  eventDate: string | undefined,
): number | undefined {
  const m = text ? /(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(text) : null;
  if (!m) return undefined;
  // A date alone on the event's own start (end) date: the event's clock time stands.
  if (!m[2] && m[1] === eventDate) return undefined;
  if (m[2]) return zonedTimeToUtc(m[1]!, m[2], zone);
  return zonedTimeToUtc(isEnd ? nextDate(m[1]!) : m[1]!, "00:00", zone);
}

/** A port's city as the registry names it: "Eagle Pass, TX (…)" → "eagle pass". */
const cityOf = (name: string) =>
  name
    .split(/,| - |\(/)[0]!
    .trim()
    .toLowerCase();

/**
 * Turns a registry event into scenario events by stated rules (a user event's own `scenario` wins):
 * modes from `modes_affected` (rail freight, truck, personal vehicle, pedestrian, bus; a "(northbound …)"
 * note sets the direction); the kind and remaining capacity from `closure_type`: "full …" is a closure, a
 * carrier suspension or stoppage is a closure ("full (rail …)" with other modes too closes rail only and leaves
 * the others 50%), "near-full" leaves 10% of capacity, "partial", "severe
 * slowdown", "intermittent" and "full at times" leave 50%, "slowdown" 75%; "full for rail" closes rail and
 * leaves roads 50%; "full for Canada-bound" closes outbound and leaves inbound 50%. Times are read per
 * port (`zoneOf`, each port's IANA zone; the border's zone when not given): a clock time in a named zone,
 * else in the port's own zone when `tz` is "local", else `utc_approx`, else local midnight; the end from
 * `end`, else the duration, else the end of the end date (local); ports whose windows differ get one
 * scenario event each. Only ports whose role is "affected" are acted on (a "diversion-route" port is where traffic
 * went). Events with no port code, no end, a threat, or an unverified closure are not modelled.
 */
export function deriveScenario(
  e: DisruptionEvent,
  zoneOf?: (port: string) => string | undefined,
  facilitiesOf?: (port: string) => readonly PortFacility[] | undefined,
): DerivedScenario {
  if (e.scenario?.length)
    return { ok: true, events: e.scenario as ScenarioEventSpec[], rules: ["the event's own scenario"] };
  const ports = e.ports
    .filter((p) => p.role !== "diversion-route")
    .map((p) => p.cbp_port_code)
    .filter((c): c is string => !!c);
  if (ports.length === 0) return { ok: false, reason: "no port codes (a border-wide or carrier-wide event)" };
  const ct = e.closure_type.toLowerCase();
  if (ct.startsWith("none") || ct.startsWith("unverified"))
    return { ok: false, reason: `closure type "${e.closure_type}" is not modelled` };
  const rules: string[] = [];
  const modes = new Map<ScenarioMode, "both" | "northbound" | "southbound">();
  for (const text of e.modes_affected ?? []) {
    const hit = MODE_WORDS.find(([re]) => re.test(text.trim()));
    if (!hit) continue;
    const dir = /\(northbound and southbound/i.test(text)
      ? "both"
      : /\(northbound/i.test(text)
        ? "northbound"
        : /\(southbound/i.test(text)
          ? "southbound"
          : "both";
    modes.set(hit[1], dir);
  }
  if (modes.size === 0)
    return { ok: false, reason: `no modelled mode in ${JSON.stringify(e.modes_affected)}` };
  // Times: each port in its own zone (a stated clock time in a named zone is one instant everywhere).
  const fallback = BORDER_ZONE[e.border] ?? "UTC";
  const zoneAt = (port: string) => zoneOf?.(port) ?? fallback;
  const durations = typeof e.duration_days_approx === "number" ? e.duration_days_approx : undefined;
  const windows = new Map<string, { start: number; end: number; ports: string[] }>();
  let how = "";
  for (const port of ports) {
    const start = instantAt(e.start, zoneAt(port), false);
    if (!start) return { ok: false, reason: "no start date" };
    let end: { ms: number; how: string } | undefined;
    if (e.end?.date && (clock(e.end.time_local) || firstIso(e.end.utc_approx) !== undefined))
      end = instantAt(e.end, zoneAt(port), true);
    else if (durations !== undefined && durations > 0)
      end = {
        ms: start.ms + durations * 86_400_000,
        how: `start + ${durations} days (duration_days_approx)`,
      };
    else if (e.end?.date) end = instantAt(e.end, zoneAt(port), true);
    if (!end) return { ok: false, reason: "no end date or duration" };
    const endMs = end.ms > start.ms ? end.ms : start.ms + 3_600_000;
    const k = `${start.ms}/${endMs}`;
    const w = windows.get(k) ?? { start: start.ms, end: endMs, ports: [] };
    w.ports.push(port);
    windows.set(k, w);
    how = `start ${start.how}; end ${end.how}`;
  }
  rules.push(how);
  if (windows.size > 1)
    rules.push(
      `windows by port: ${[...windows.values()].map((w) => `${w.ports.join(" ")} ${new Date(w.start).toISOString()}..${new Date(w.end).toISOString()}`).join("; ")}`,
    );

  // Blockades ("near-full", "intermittent", "full at times") cut the crossing's throughput; a closed
  // facility, fewer lanes or slower inspections ("partial", "slowdown") cut facilities, of which only part
  // binds on a day's throughput (the cutBinding parameter).
  type Cut =
    { kind: "closure" } | { kind: "capacity-cut"; remaining: number; of: "throughput" | "facilities" };
  const cut = (c: string): Cut => {
    if (/near-full/.test(c)) return { kind: "capacity-cut", remaining: 0.1, of: "throughput" };
    if (/intermittent|at times/.test(c)) return { kind: "capacity-cut", remaining: 0.5, of: "throughput" };
    if (/severe slowdown|^partial/.test(c)) return { kind: "capacity-cut", remaining: 0.5, of: "facilities" };
    if (/slowdown/.test(c)) return { kind: "capacity-cut", remaining: 0.75, of: "facilities" };
    if (/^full|carrier suspension|carrier work stoppage/.test(c)) return { kind: "closure" };
    return { kind: "capacity-cut", remaining: 0.5, of: "facilities" };
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const out: ScenarioEventSpec[] = [];
  // The registry's sub-periods give some components their own window: a component applies to the modes it
  // names (none named: every mode) and to the ports whose city it names (none named: every port); for a port
  // and mode, the components naming the port win over those naming none; their dates replace the event's
  // (a date the text does not give keeps the event's).
  const subs = (e.sub_periods ?? []).map((x) => {
    const modes = SUB_MODES.filter(([re]) => re.test(x.component)).flatMap(([, m]) => m);
    const named = e.ports
      .filter((p) => p.cbp_port_code && x.component.toLowerCase().includes(cityOf(p.name)))
      .map((p) => p.cbp_port_code!);
    return { ...x, modes: modes.length ? modes : null, ports: named.length ? named : null };
  });
  const subUsed = new Set<string>();
  const windowOf = (port: string, mode: ScenarioMode, w: { start: number; end: number }) => {
    const fit = subs.filter(
      (x) => (x.modes === null || x.modes.includes(mode)) && (x.ports === null || x.ports.includes(port)),
    );
    const named = fit.filter((x) => x.ports !== null);
    const use = named.length ? named : fit;
    if (!use.length) return w;
    const start = Math.min(
      ...use.map((x) => subInstant(x.start, zoneAt(port), false, e.start.date) ?? w.start),
    );
    const end = Math.max(
      ...use.map((x) => subInstant(x.end, zoneAt(port), true, e.end?.date ?? undefined) ?? w.end),
    );
    if (!(end > start) || (start === w.start && end === w.end)) return w;
    subUsed.add(
      `${mode} at ${port}: ${new Date(start).toISOString()}..${new Date(end).toISOString()} (${use.map((x) => `"${x.component}"`).join(", ")})`,
    );
    return { start, end };
  };
  const push = (
    c: Cut,
    mode: ScenarioMode,
    direction: "both" | "northbound" | "southbound" | "inbound" | "outbound",
    why: string,
  ) => {
    for (const w of windows.values()) {
      const groups = new Map<string, { start: number; end: number; ports: string[] }>();
      for (const port of w.ports) {
        const x = windowOf(port, mode, w);
        const g = groups.get(`${x.start}/${x.end}`) ?? { ...x, ports: [] };
        g.ports.push(port);
        groups.set(`${x.start}/${x.end}`, g);
      }
      for (const g of groups.values()) {
        const base = { ports: g.ports, modes: [mode], start: iso(g.start), end: iso(g.end), direction };
        out.push(
          c.kind === "closure"
            ? { kind: "closure", ...base }
            : { kind: "capacity-cut", ...base, remainingCapacity: c.remaining, of: c.of },
        );
      }
    }
    rules.push(
      `${mode} ${direction}: ${c.kind === "closure" ? "closure" : `${c.of === "facilities" ? "facilities" : "throughput"} cut to ${Math.round(c.remaining * 1000) / 10}%`} (${why})`,
    );
  };
  // A closure of one facility of a port ("partial (one … facility / crossing / of two bridges)") that names
  // the facility in the port's text: what stays open is the port's other crossings' lane-hours (CBP's BWT
  // feed), not the 50% of the "partial" rule. Only when the event's ports name exactly one facility in all.
  const oneFacility = /^partial \(one\b/.test(ct);
  const named = new Map<string, PortFacility>();
  if (oneFacility && facilitiesOf)
    for (const p of e.ports) {
      const list =
        p.cbp_port_code && ports.includes(p.cbp_port_code) ? facilitiesOf(p.cbp_port_code) : undefined;
      const f = list ? namedFacility(p.name, list) : undefined;
      if (f) named.set(p.cbp_port_code!, f);
    }
  const facilityCut = (mode: ScenarioMode) => {
    if (named.size !== 1) return undefined;
    const [port, f] = [...named][0]!;
    const r = facilityRemaining(f, facilitiesOf!(port)!, mode);
    return r === undefined ? undefined : { port, facility: f.crossing, remaining: r };
  };
  for (const [mode, dir] of modes) {
    const fc = facilityCut(mode);
    if (fc && ports.length === 1) {
      const r = Math.round(fc.remaining * 1000) / 1000;
      push(
        { kind: "capacity-cut", remaining: r, of: "facilities" },
        mode,
        dir,
        `one facility closed: ${fc.facility}; the port's other crossings keep ${Math.round(r * 100)}% of its ${mode} lane-hours (CBP wait-time feed)`,
      );
    } else if (/^full for rail|^full \(rail/.test(ct)) {
      push(
        mode === "rail" ? { kind: "closure" } : { kind: "capacity-cut", remaining: 0.5, of: "facilities" },
        mode,
        dir,
        "full for rail, partial for road",
      );
    } else if (/^full for canada-bound/.test(ct)) {
      push({ kind: "closure" }, mode, "outbound", "full for Canada-bound traffic");
      push(
        { kind: "capacity-cut", remaining: 0.5, of: "throughput" },
        mode,
        "inbound",
        "U.S.-bound partly open",
      );
    } else {
      push(cut(ct), mode, dir, `closure type "${e.closure_type.split(/[;(]/)[0]!.trim()}"`);
    }
  }
  if (subUsed.size) rules.push(`the registry's sub-periods: ${[...subUsed].join("; ")}`);
  return { ok: true, events: out, rules };
}
