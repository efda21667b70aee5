// The scenario being built, as form values (a draft), and its conversions: to and from the scenario file
// a user writes (schemas/scenario.schema.json), and to and from the URL hash that shares it.
import "./zod-config.ts";
import { ianaOffsetMinutes, zonedTimeToUtc } from "../../src/domain/events.ts";
import {
  ScenarioSpecSchema,
  type DirectionWord,
  type OfficerPolicy,
  type ScenarioMode,
  type ScenarioSpec,
} from "../../src/domain/scenario.ts";

export type EventKind = "closure" | "capacity-cut" | "demand-shock" | "officer-redeployment";

/** A closure of an officer event's closure list (policy closure-list), kept as the file gave it. */
export interface ClosureItem {
  port: string;
  mode: ScenarioMode;
  share: number;
}

/** One event of the draft, as the form holds it. */
export interface DraftEvent {
  kind: EventKind;
  ports: string[];
  modes: ScenarioMode[];
  /** Wall-clock `YYYY-MM-DDTHH:mm` in `startZone`. */
  startLocal: string;
  startZone: string;
  endLocal: string;
  endZone: string;
  direction: DirectionWord;
  /** Remaining capacity of a capacity cut, percent. */
  remainingPct: number;
  /** Demand factor of a demand shock. */
  factor: number;
  /** Officers an officer event moves (null: a closure-list event moving what its closures free). */
  officers: number | null;
  /** An officer event spread over a field office's land ports ("" : over the event's ports). */
  fieldOffice: string;
  /** Which lanes close first when officers leave. */
  policy: OfficerPolicy;
  /** Kept from a file (not edited in the form). */
  closureList?: ClosureItem[];
  staffing?: Record<string, number | [number, number]>;
  note?: string;
}

/** The whole draft: the scenario file's fields as the form edits them. */
export interface Draft {
  name: string;
  description: string;
  horizonDays?: number;
  events: DraftEvent[];
  options: {
    rerouting: boolean;
    policy: "gravity" | "nearest-first" | "proportional";
    railToTruck: boolean;
    multiplier: boolean;
    draws: number;
    seed: number;
    baselineMonths: number;
    parameters: Record<string, number | [number, number]>;
  };
}

/**
 * Time zones offered for a window's start and end: where the land ports are (U.S. side), then UTC.
 * `fixed:±hh:mm` values stand for an offset a file used that none of these has on that date.
 */
export const ZONES = [
  { id: "America/Los_Angeles", label: "Pacific (San Ysidro, Blaine)" },
  { id: "America/Phoenix", label: "Arizona (Nogales, no DST)" },
  { id: "America/Denver", label: "Mountain (El Paso, Sweetgrass)" },
  { id: "America/Chicago", label: "Central (Laredo, Eagle Pass, Pembina)" },
  { id: "America/New_York", label: "Eastern (Detroit, Buffalo, Champlain)" },
  { id: "America/Anchorage", label: "Alaska" },
  { id: "UTC", label: "UTC" },
] as const;

/** When a file's offset fits several zones, the first of these that fits is shown. */
const ZONE_PREFERENCE = [
  "America/Chicago",
  "America/Denver",
  "America/New_York",
  "America/Los_Angeles",
  "America/Phoenix",
  "America/Anchorage",
];

const pad = (n: number) => String(n).padStart(2, "0");

/** `-06:00` for -360 minutes. */
export function formatOffset(minutes: number): string {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? "-" : "+"}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

function parseOffset(s: string): number {
  if (s === "Z") return 0;
  const sign = s.startsWith("-") ? -1 : 1;
  return sign * (Number(s.slice(1, 3)) * 60 + Number(s.slice(4, 6)));
}

/** The offset from UTC, minutes, of a zone (or a `fixed:` offset) at an instant. */
export function zoneOffsetMinutes(zone: string, utcMs: number): number {
  if (zone.startsWith("fixed:")) return parseOffset(zone.slice(6));
  if (zone === "UTC") return 0;
  return ianaOffsetMinutes(zone, utcMs);
}

/** A wall-clock time in a zone as the scenario file writes it: `2023-12-18T08:00:00-06:00`. */
export function toIso(local: string, zone: string): string {
  const [date, time = "00:00"] = local.split("T") as [string, string?];
  const hm = time.slice(0, 5);
  const secs = time.length >= 8 ? time.slice(6, 8) : "00";
  const utc = zone.startsWith("fixed:")
    ? Date.parse(`${date}T${hm}:00Z`) - parseOffset(zone.slice(6)) * 60_000
    : zonedTimeToUtc(date, hm, zone);
  return `${date}T${hm}:${secs}${formatOffset(zoneOffsetMinutes(zone, utc))}`;
}

const ISO_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Splits a file's date-time into a wall-clock time and the zone that has its offset at that instant. */
export function fromIso(iso: string): { local: string; zone: string } {
  const m = ISO_RE.exec(iso);
  if (!m) return { local: iso.slice(0, 16), zone: "UTC" };
  const [, date, hm, secs, off] = m as unknown as [string, string, string, string | undefined, string];
  const local = `${date}T${hm}${secs && secs !== "00" ? `:${secs}` : ""}`;
  if (off === "Z") return { local, zone: "UTC" };
  const offset = parseOffset(off);
  const utc = Date.parse(iso);
  const zone = ZONE_PREFERENCE.find((z) => zoneOffsetMinutes(z, utc) === offset);
  return { local, zone: zone ?? (offset === 0 ? "UTC" : `fixed:${formatOffset(offset)}`) };
}

/** The scenario file a draft stands for (options written out in full, so the file says what ran). */
export function toSpec(d: Draft): ScenarioSpec {
  const events = d.events.map((e) => {
    const window = {
      ports: e.ports,
      modes: e.modes,
      start: toIso(e.startLocal, e.startZone),
      end: toIso(e.endLocal, e.endZone),
      direction: e.direction,
      ...(e.note ? { note: e.note } : {}),
    };
    if (e.kind === "capacity-cut")
      return { kind: e.kind, ...window, remainingCapacity: Math.round(e.remainingPct * 100) / 10_000 };
    if (e.kind === "demand-shock") return { kind: e.kind, ...window, factor: e.factor };
    if (e.kind === "officer-redeployment") {
      const { ports: _ports, ...rest } = window;
      return {
        kind: e.kind,
        ...(e.officers !== null ? { officers: e.officers } : {}),
        ...(e.fieldOffice ? { fieldOffice: e.fieldOffice } : { ports: e.ports }),
        ...rest,
        policy: e.policy,
        ...(e.closureList?.length ? { closureList: e.closureList } : {}),
        ...(e.staffing && Object.keys(e.staffing).length ? { staffing: e.staffing } : {}),
      };
    }
    return { kind: e.kind, ...window };
  });
  const o = d.options;
  return {
    name: d.name,
    description: d.description,
    ...(d.horizonDays !== undefined ? { horizonDays: d.horizonDays } : {}),
    events,
    options: {
      baselineMonths: o.baselineMonths,
      rerouting: { enabled: o.rerouting, policy: o.policy },
      railToTruck: o.railToTruck,
      multiplier: o.multiplier,
      draws: o.draws,
      seed: o.seed,
      ...(Object.keys(o.parameters).length ? { parameters: o.parameters } : {}),
    },
  } as ScenarioSpec;
}

/** Reads a scenario file (any source: the preset, a file, a URL) into a draft, or lists its problems. */
export function fromSpec(raw: unknown): { ok: true; draft: Draft } | { ok: false; issues: string[] } {
  const r = ScenarioSpecSchema.safeParse(raw);
  if (!r.success)
    return {
      ok: false,
      issues: r.error.issues.map((i) => `${i.path.map(String).join(".") || "scenario"}: ${i.message}`),
    };
  const s = r.data;
  const events = s.events;
  return {
    ok: true,
    draft: {
      name: s.name,
      description: s.description,
      ...(s.horizonDays !== undefined ? { horizonDays: s.horizonDays } : {}),
      events: events.map((e) => {
        const start = fromIso(e.start);
        const end = fromIso(e.end);
        return {
          kind: e.kind,
          ports: [...(e.ports ?? [])],
          modes: [...e.modes],
          startLocal: start.local,
          startZone: start.zone,
          endLocal: end.local,
          endZone: end.zone,
          direction: e.direction,
          remainingPct: e.kind === "capacity-cut" ? Math.round(e.remainingCapacity * 10_000) / 100 : 50,
          factor: e.kind === "demand-shock" ? e.factor : 1.5,
          officers: e.kind === "officer-redeployment" ? (e.officers ?? null) : 100,
          fieldOffice: e.kind === "officer-redeployment" ? (e.fieldOffice ?? "") : "",
          policy: e.kind === "officer-redeployment" ? e.policy : "proportional",
          ...(e.kind === "officer-redeployment" && e.closureList ? { closureList: e.closureList } : {}),
          ...(e.kind === "officer-redeployment" && Object.keys(e.staffing).length
            ? { staffing: e.staffing as Record<string, number | [number, number]> }
            : {}),
          ...(e.note ? { note: e.note } : {}),
        };
      }),
      options: {
        rerouting: s.options.rerouting.enabled,
        policy: s.options.rerouting.policy,
        railToTruck: s.options.railToTruck,
        multiplier: s.options.multiplier,
        draws: s.options.draws,
        seed: s.options.seed,
        baselineMonths: s.options.baselineMonths,
        parameters: s.options.parameters as Record<string, number | [number, number]>,
      },
    },
  };
}

/** A new event: a closure of rail, both directions, from 08:00 Central for three days. */
export function blankEvent(ports: string[] = []): DraftEvent {
  return {
    kind: "closure",
    ports,
    modes: ["rail"],
    startLocal: "2024-06-03T08:00",
    startZone: "America/Chicago",
    endLocal: "2024-06-06T08:00",
    endZone: "America/Chicago",
    direction: "both",
    remainingPct: 50,
    factor: 1.5,
    officers: 100,
    fieldOffice: "",
    policy: "proportional",
  };
}

/** A new draft with one blank event. */
export function blankDraft(ports: string[] = []): Draft {
  return {
    name: "My scenario",
    description: "",
    events: [blankEvent(ports)],
    options: {
      rerouting: true,
      policy: "gravity",
      railToTruck: false,
      multiplier: false,
      draws: 1000,
      seed: 42,
      baselineMonths: 12,
      parameters: {},
    },
  };
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(s: string): string {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

/** A scenario file's JSON in base64url, as the URL hash `#scenario=…` holds it. */
export function encodeSpec(spec: ScenarioSpec): string {
  return toBase64Url(JSON.stringify(spec));
}

/** The URL hash that shares a scenario: `#scenario=` and the file's JSON in base64url. */
export function encodeHash(spec: ScenarioSpec): string {
  return `#scenario=${encodeSpec(spec)}`;
}

/**
 * The time zone of a port (the U.S. side): by state, with the two states the zones split — Texas west of
 * 105° W (El Paso, Ysleta, Tornillo) on Mountain time, the rest of Texas on Central; Idaho's border ports
 * (Boundary County) on Pacific.
 */
export function portTimeZone(p: { state: string; longitude: number }): string {
  switch (p.state) {
    case "Texas":
      return p.longitude < -105 ? "America/Denver" : "America/Chicago";
    case "California":
    case "Washington":
    case "Idaho":
      return "America/Los_Angeles";
    case "Arizona":
      return "America/Phoenix";
    case "New Mexico":
    case "Montana":
      return "America/Denver";
    case "North Dakota":
    case "Minnesota":
      return "America/Chicago";
    case "Alaska":
      return "America/Anchorage";
    default:
      return "America/New_York"; // Michigan, New York, Vermont, New Hampshire, Maine
  }
}

/** The scenario file in a `#scenario=` hash (not yet validated), or an error naming what is wrong. */
export function decodeHash(hash: string): { ok: true; raw: unknown } | { ok: false; error: string } {
  const s = hash.replace(/^#/, "");
  if (!s.startsWith("scenario=")) return { ok: false, error: "the link holds no scenario" };
  try {
    return { ok: true, raw: JSON.parse(fromBase64Url(decodeURIComponent(s.slice("scenario=".length)))) };
  } catch (e) {
    return { ok: false, error: `the link's scenario is not readable JSON (${(e as Error).message})` };
  }
}
