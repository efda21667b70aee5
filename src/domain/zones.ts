// The IANA time zone of each land port, from its state and, where a state spans zones, its county: the U.S.
// standard time zone boundaries (49 CFR Part 71) and the states that keep standard time all year (Arizona).
// The snapshot build writes one row per port (the `port_zones` table) with the rule that placed it.

/** Where the zone rules come from. */
export const ZONE_SOURCE = "https://www.ecfr.gov/current/title-49/subtitle-A/part-71";

const BY_STATE: Record<string, string> = {
  Maine: "America/New_York",
  "New Hampshire": "America/New_York",
  Vermont: "America/New_York",
  "New York": "America/New_York",
  Michigan: "America/Detroit",
  Minnesota: "America/Chicago",
  "North Dakota": "America/Chicago",
  Montana: "America/Denver",
  Idaho: "America/Los_Angeles",
  Washington: "America/Los_Angeles",
  California: "America/Los_Angeles",
  Arizona: "America/Phoenix",
  "New Mexico": "America/Denver",
  Texas: "America/Chicago",
};

/** Ports in the part of their state that keeps another zone. */
const EXCEPTIONS: Record<string, { zone: string; why: string }> = {
  "2401": { zone: "America/Denver", why: "El Paso County, Texas, keeps Mountain time (49 CFR 71.8)" },
  "2402": { zone: "America/Denver", why: "El Paso County, Texas, keeps Mountain time (49 CFR 71.8)" },
  "2404": { zone: "America/Denver", why: "El Paso County, Texas, keeps Mountain time (49 CFR 71.8)" },
  "3104": {
    zone: "America/Anchorage",
    why: "Alcan is on the Alaska Highway in interior Alaska (Alaska time)",
  },
};

/**
 * The zone of a port and the rule behind it. Alaska's panhandle ports (east of 141°W) keep Alaska time with
 * Juneau's rules; northern Idaho (Eastport, Porthill) is in the Pacific zone (49 CFR 71.10); all North
 * Dakota border ports are in counties of the Central zone; Arizona keeps standard time all year.
 */
export function portTimeZone(
  port: string,
  state: string,
  longitude: number,
): { zone: string; basis: string } {
  const ex = EXCEPTIONS[port];
  if (ex) return { zone: ex.zone, basis: ex.why };
  if (state === "Alaska")
    return longitude > -141
      ? { zone: "America/Juneau", basis: "Alaska panhandle: Alaska time (Juneau's rules)" }
      : { zone: "America/Anchorage", basis: "Alaska time" };
  const zone = BY_STATE[state];
  if (!zone) throw new RangeError(`no time zone rule for ${port} in ${state}`);
  return { zone, basis: `${state}: ${zone} (49 CFR Part 71)` };
}
