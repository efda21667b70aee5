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

/** The instant an event's start or end stands for, and how it was read. */
function instant(w: WhenT, fallbackZone: string): { ms: number; how: string } | undefined {
  if (!w.date) return undefined;
  const tz = isZone(w.tz) ? w.tz : fallbackZone;
  if (w.time_local && /^\d{2}:\d{2}$/.test(w.time_local.trim()) && isZone(w.tz)) {
    return {
      ms: zonedTimeToUtc(w.date, w.time_local.trim(), w.tz),
      how: `${w.date} ${w.time_local} ${w.tz}`,
    };
  }
  const iso = firstIso(w.utc_approx);
  if (iso !== undefined) return { ms: iso, how: `${new Date(iso).toISOString()} (utc_approx)` };
  return { ms: zonedTimeToUtc(w.date, "00:00", tz), how: `${w.date} 00:00 ${tz} (no time given)` };
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

/**
 * Turns a registry event into scenario events by stated rules (a user event's own `scenario` wins):
 * modes from `modes_affected` (rail freight, truck, personal vehicle, pedestrian, bus; a "(northbound …)"
 * note sets the direction); the kind and remaining capacity from `closure_type`: "full …" is a closure, a
 * carrier suspension or stoppage is a closure ("full (rail …)" with other modes too closes rail only and leaves
 * the others 50%), "near-full" leaves 10% of capacity, "partial", "severe
 * slowdown", "intermittent" and "full at times" leave 50%, "slowdown" 75%; "full for rail" closes rail and
 * leaves roads 50%; "full for Canada-bound" closes outbound and leaves inbound 50%. Times from the local
 * time and zone, else `utc_approx`, else midnight; the end from `end`, else the duration, else the end date's
 * midnight. Only ports whose role is "affected" are acted on (a "diversion-route" port is where traffic
 * went). Events with no port code, no end, a threat, or an unverified closure are not modelled.
 */
export function deriveScenario(e: DisruptionEvent): DerivedScenario {
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
  const zone = isZone(e.start.tz) ? e.start.tz : (BORDER_ZONE[e.border] ?? "UTC");
  const start = instant(e.start, zone);
  if (!start) return { ok: false, reason: "no start date" };
  let endMs: number | undefined;
  let endHow = "";
  const durations = typeof e.duration_days_approx === "number" ? e.duration_days_approx : undefined;
  const endIso = firstIso(e.end?.utc_approx);
  if (
    e.end?.date &&
    (endIso !== undefined || (e.end.time_local && /^\d{2}:\d{2}$/.test(e.end.time_local) && isZone(e.end.tz)))
  ) {
    const i = instant(e.end, zone)!;
    endMs = i.ms;
    endHow = i.how;
  } else if (durations !== undefined && durations > 0) {
    endMs = start.ms + durations * 86_400_000;
    endHow = `start + ${durations} days (duration_days_approx)`;
  } else if (e.end?.date) {
    const next = new Date(Date.parse(`${e.end.date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    endMs = zonedTimeToUtc(next, "00:00", isZone(e.end.tz) ? e.end.tz : zone);
    endHow = `end of ${e.end.date} (no time given)`;
  }
  if (endMs === undefined) return { ok: false, reason: "no end date or duration" };
  if (endMs <= start.ms) endMs = start.ms + 3_600_000;
  rules.push(`start ${start.how}; end ${endHow}`);

  type Cut = { kind: "closure" } | { kind: "capacity-cut"; remaining: number };
  const cut = (c: string): Cut => {
    if (/near-full/.test(c)) return { kind: "capacity-cut", remaining: 0.1 };
    if (/intermittent|at times|severe slowdown|^partial/.test(c))
      return { kind: "capacity-cut", remaining: 0.5 };
    if (/slowdown/.test(c)) return { kind: "capacity-cut", remaining: 0.75 };
    if (/^full|carrier suspension|carrier work stoppage/.test(c)) return { kind: "closure" };
    return { kind: "capacity-cut", remaining: 0.5 };
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const out: ScenarioEventSpec[] = [];
  const push = (
    c: Cut,
    mode: ScenarioMode,
    direction: "both" | "northbound" | "southbound" | "inbound" | "outbound",
    why: string,
  ) => {
    const base = { ports, modes: [mode], start: iso(start.ms), end: iso(endMs!), direction };
    out.push(
      c.kind === "closure"
        ? { kind: "closure", ...base }
        : { kind: "capacity-cut", ...base, remainingCapacity: c.remaining },
    );
    rules.push(
      `${mode} ${direction}: ${c.kind === "closure" ? "closure" : `capacity cut to ${c.remaining * 100}%`} (${why})`,
    );
  };
  for (const [mode, dir] of modes) {
    if (/^full for rail/.test(ct)) {
      push(
        mode === "rail" ? { kind: "closure" } : { kind: "capacity-cut", remaining: 0.5 },
        mode,
        dir,
        "full for rail, partial for road",
      );
    } else if (/^full for canada-bound/.test(ct)) {
      push({ kind: "closure" }, mode, "outbound", "full for Canada-bound traffic");
      push({ kind: "capacity-cut", remaining: 0.5 }, mode, "inbound", "U.S.-bound partly open");
    } else {
      push(cut(ct), mode, dir, `closure type "${e.closure_type.split(/[;(]/)[0]!.trim()}"`);
    }
  }
  return { ok: true, events: out, rules };
}
