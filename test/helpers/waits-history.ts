import { readFileSync } from "node:fs";
import { join } from "node:path";
import { portOfCrossing, readingDay, readingKey, type WaitReading } from "../../src/domain/wait-times.ts";
import { WaitArchiveWriter } from "../../src/store/wait-archive.ts";

const FILE = join(import.meta.dirname, "../fixtures/waits/el-paso-hourly-2025-autumn-excerpt.csv");

const CROSSINGS: Record<string, { crossing: string; crossingName: string }> = {
  "El Paso - Bridge of the Americas (BOTA)": {
    crossing: "240201",
    crossingName: "Bridge of the Americas (BOTA)",
  },
  "El Paso - Ysleta": { crossing: "240203", crossingName: "Ysleta" },
};

const offsetName = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/Denver",
  timeZoneName: "shortOffset",
});

/** The offset of El Paso (America/Denver) at a local date and hour: `-07:00` (MST) or `-06:00` (MDT). */
function denverOffset(date: string, hour: number): { offset: string; zone: string } {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const asMst = Date.UTC(y, m - 1, d, hour + 7);
  const name = offsetName.formatToParts(asMst).find((p) => p.type === "timeZoneName")!.value;
  return name === "GMT-6" ? { offset: "-06:00", zone: "MDT" } : { offset: "-07:00", zone: "MST" };
}

/**
 * The real hourly waits of the fixture (CBP's historical page, El Paso passenger general lanes, autumn
 * 2025) as archive readings: one per crossing, date and hour, updated on the hour (local time) and fetched
 * five minutes later. Lanes open and maximum lanes are not in the source (null).
 */
export function elPasoHourlyReadings(): WaitReading[] {
  const [header, ...lines] = readFileSync(FILE, "utf8").trim().split("\n");
  if (header !== "port,lane,sub_lane,holiday_window,date,hour,time_label,wait_minutes")
    throw new Error(`unexpected header ${header}`);
  return lines.map((l) => {
    const f = l.split(",");
    const where = CROSSINGS[f[0]!]!;
    const hour = Number(f[5]);
    const { offset, zone } = denverOffset(f[4]!, hour);
    const updatedAt = `${f[4]}T${String(hour).padStart(2, "0")}:00:00${offset}`;
    const delay = Math.round(Number(f[7]));
    const base = {
      crossing: where.crossing,
      lane: "passenger-standard" as const,
      status: delay > 0 ? ("delay" as const) : ("no-delay" as const),
      updatedAt,
      fetchedAt: new Date(Date.parse(updatedAt) + 5 * 60_000).toISOString(),
    };
    return {
      ...base,
      key: readingKey(base),
      port: portOfCrossing(where.crossing)!,
      portName: "El Paso",
      crossingName: where.crossingName,
      border: "mexico" as const,
      delayMinutes: delay,
      lanesOpen: null,
      maxLanes: null,
      portStatus: "Open",
      automationType: null,
      timeZone: zone,
      format: "json" as const,
    };
  });
}

/**
 * A commercial lane of Santa Teresa (2408, about 20 km from El Paso) reported closed, without an update time,
 * in the feed fetched at `fetchedAt`: a known event near El Paso for the forecast.
 */
export function santaTeresaClosed(fetchedAt: string): WaitReading {
  const base = elPasoHourlyReadings()[0]!;
  const closed = {
    crossing: "240801",
    lane: "commercial-standard" as const,
    status: "closed" as const,
    updatedAt: null,
    fetchedAt,
  };
  return {
    ...base,
    ...closed,
    key: readingKey(closed),
    port: "2408" as WaitReading["port"],
    portName: "Santa Teresa",
    crossingName: "Santa Teresa",
    delayMinutes: null,
    lanesOpen: 0,
    maxLanes: 2,
  };
}

/** Appends readings to an archive folder as `watch` would (one append per UTC day file), under its lock. */
export function writeArchiveReadings(archiveDir: string, readings: readonly WaitReading[]): void {
  const writer = WaitArchiveWriter.open(archiveDir);
  try {
    const byDay = new Map<string, string[]>();
    for (const r of readings)
      byDay.set(readingDay(r), [...(byDay.get(readingDay(r)) ?? []), JSON.stringify(r)]);
    writer.append("readings", byDay);
  } finally {
    writer.close();
  }
}
