/**
 * A synthetic wait-time archive in the exact format `watch` writes (one WaitReading JSON line per reading,
 * one file per UTC day under readings/): 80 crossings × 6 lane types, one reading an hour each. The 76
 * crossings of CBP's real crossings list (test/fixtures/waits) and 4 more numbered after them; waits follow
 * a daily and weekly shape with seeded noise. For benchmarks only: the figures are invented.
 */
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  LANE_TYPES,
  portOfCrossing,
  readingKey,
  type LaneType,
  type WaitReading,
} from "../src/domain/wait-times.ts";
import { createRng } from "../src/model/rng.ts";
import { ROOT } from "./lib.ts";

/** The lane types the synthetic archive has at every crossing (6 of the feed's 7). */
export const SYNTHETIC_LANES: readonly LaneType[] = LANE_TYPES.filter((l) => l !== "pedestrian-ready");

interface SyntheticCrossing {
  crossing: string;
  port: string;
  portName: string;
  crossingName: string;
  border: "mexico" | "canada";
  zone: string;
}

/** The IANA zone of a port, by its CBP district (the first two digits); Arizona keeps MST all year. */
function zoneOf(port: string): string {
  const d = port.slice(0, 2);
  if (port === "2403" || d === "23" || d === "53" || d === "34" || d === "35") return "America/Chicago";
  if (d === "24" || d === "33") return "America/Denver";
  if (d === "26") return "America/Phoenix";
  if (d === "25" || d === "30") return "America/Los_Angeles";
  if (d === "31") return "America/Juneau";
  return "America/New_York";
}

/** The 80 synthetic crossings. */
export function syntheticCrossings(): SyntheticCrossing[] {
  const list = JSON.parse(
    readFileSync(join(ROOT, "test/fixtures/waits/bwtmodern-crossingslist-20220701T003604Z.json"), "utf8"),
  ) as {
    portCrossings: { bwtId: string; border: string; portName: string; crossingName: string }[];
  };
  const real = list.portCrossings.map((c) => {
    const crossing = c.bwtId.slice(2);
    const port = portOfCrossing(crossing) ?? crossing.slice(0, 4);
    return {
      crossing,
      port,
      portName: c.portName,
      crossingName: c.crossingName,
      border: c.border === "M" ? ("mexico" as const) : ("canada" as const),
      zone: zoneOf(port),
    };
  });
  const extra = real
    .filter((c) => /^\d{6}$/.test(c.crossing))
    .slice(0, 80 - real.length)
    .map((c) => ({
      ...c,
      crossing: `${c.crossing.slice(0, 4)}9${c.crossing.slice(5)}`,
      crossingName: "Extra",
    }));
  return [...real, ...extra];
}

const ZONE_NAMES: Record<string, [string, string]> = {
  "America/New_York": ["EST", "EDT"],
  "America/Chicago": ["CST", "CDT"],
  "America/Denver": ["MST", "MDT"],
  "America/Phoenix": ["MST", "MST"],
  "America/Los_Angeles": ["PST", "PDT"],
  "America/Juneau": ["AKST", "AKDT"],
};
const offsetCache = new Map<string, number>();
/** The UTC offset (minutes) of a zone at an instant, from Intl (cached per zone and UTC hour). */
function offsetMinutes(zone: string, utcMs: number): number {
  const k = `${zone}|${Math.floor(utcMs / 3_600_000)}`;
  let v = offsetCache.get(k);
  if (v === undefined) {
    const name =
      new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "shortOffset" })
        .formatToParts(utcMs)
        .find((p) => p.type === "timeZoneName")?.value ?? "GMT";
    const m = /GMT([+-]\d+)?(?::(\d+))?/.exec(name);
    v = m?.[1] ? Number(m[1]) * 60 + Math.sign(Number(m[1])) * Number(m[2] ?? 0) : 0;
    offsetCache.set(k, v);
  }
  return v;
}

const pad = (n: number) => String(n).padStart(2, "0");
function localIso(utcMs: number, offset: number): string {
  const d = new Date(utcMs + offset * 60_000);
  const sign = offset < 0 ? "-" : "+";
  const a = Math.abs(offset);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:00:00${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/**
 * Writes `days` UTC days of hourly readings ending with `lastDay` (inclusive) into `<dir>/readings/`.
 * Returns the number of readings and bytes written.
 */
export async function writeSyntheticArchive(
  dir: string,
  lastDay: string,
  days: number,
  seed = 14,
): Promise<{ readings: number; bytes: number; files: number }> {
  mkdirSync(join(dir, "readings"), { recursive: true });
  const crossings = syntheticCrossings();
  const rng = createRng(seed);
  const end = Date.parse(`${lastDay}T00:00:00Z`);
  let readings = 0;
  let bytes = 0;
  for (let d = days - 1; d >= 0; d--) {
    const dayMs = end - d * 86_400_000;
    const day = new Date(dayMs).toISOString().slice(0, 10);
    const lines: string[] = [];
    for (let h = 0; h < 24; h++) {
      const utc = dayMs + h * 3_600_000;
      for (const c of crossings) {
        const off = offsetMinutes(c.zone, utc);
        const updatedAt = localIso(utc, off);
        const localHour = Number(updatedAt.slice(11, 13));
        const weekday = new Date(`${updatedAt.slice(0, 10)}T00:00:00Z`).getUTCDay();
        const daily = Math.max(0, Math.sin(((localHour - 5) / 24) * 2 * Math.PI));
        const weekly = weekday === 0 || weekday === 6 ? 1.3 : 1;
        const zoneName = ZONE_NAMES[c.zone]![off === offsetMinutes(c.zone, Date.UTC(2025, 0, 15)) ? 0 : 1];
        const fetchedAt = new Date(utc + 5 * 60_000).toISOString();
        for (const lane of SYNTHETIC_LANES) {
          const scale = lane.startsWith("commercial") ? 40 : lane.startsWith("passenger") ? 60 : 30;
          const wait = Math.round(scale * daily * weekly * (0.6 + 0.8 * rng()));
          const closed = rng() < 0.002;
          const base = {
            crossing: c.crossing,
            lane,
            status: closed ? ("closed" as const) : wait > 0 ? ("delay" as const) : ("no-delay" as const),
            updatedAt: closed ? null : updatedAt,
            fetchedAt,
          };
          const r: WaitReading = {
            key: readingKey(base),
            crossing: c.crossing,
            port: c.port as WaitReading["port"],
            portName: c.portName,
            crossingName: c.crossingName,
            border: c.border,
            lane,
            status: base.status,
            delayMinutes: closed ? null : wait,
            lanesOpen: closed ? 0 : 1 + Math.floor(rng() * 8),
            maxLanes: 10,
            portStatus: "Open",
            automationType: "Manual",
            updatedAt: base.updatedAt,
            timeZone: closed ? null : zoneName,
            fetchedAt,
            format: "json",
          };
          lines.push(JSON.stringify(r));
        }
      }
    }
    const text = lines.join("\n") + "\n";
    bytes += Buffer.byteLength(text);
    readings += lines.length;
    await new Promise<void>((done, fail) => {
      const s = createWriteStream(join(dir, "readings", `${day}.jsonl`));
      s.on("error", fail);
      s.end(text, () => done());
    });
  }
  return { readings, bytes, files: days };
}
