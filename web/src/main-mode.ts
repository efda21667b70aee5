// The mode a scenario about a port starts with. Pure, so it is tested without a browser.
import type { PortProfile } from "./api.ts";

/** The vehicle count of each scenario mode among BTS's measures. */
const VEHICLES: Record<string, string> = {
  truck: "Trucks",
  rail: "Trains",
  "personal-vehicle": "Personal Vehicles",
  pedestrian: "Pedestrians",
  bus: "Buses",
};

/** Scenario modes in the order a port's main mode is looked for among its crossings. */
const CROSSING_ORDER = ["truck", "rail", "personal-vehicle", "pedestrian", "bus"];

/**
 * The mode a scenario about this port should start with: of the modes that crossed in the profile's last
 * 12 months, the freight mode with the most trade value, else the first of trucks, trains, vehicles,
 * pedestrians, buses. A mode with trade but no crossings counted in the window (Nighthawk's $66 a day of
 * truck trade, no trucks) is not its main mode; a port with no crossings counted falls back to the modes it
 * has ever reported.
 */
export function mainMode(
  profile: Pick<PortProfile, "port" | "trade"> & { crossings: Pick<PortProfile["crossings"], "byMeasure"> },
): string | null {
  const counted = new Set(
    CROSSING_ORDER.filter((m) =>
      profile.crossings.byMeasure.some((s) => s.measure === VEHICLES[m] && (s.value ?? 0) > 0),
    ),
  );
  const crossing = counted.size ? counted : new Set(profile.port.crossingModes);
  const byMode = new Map<string, number>();
  for (const r of profile.trade.byModeDirection) byMode.set(r.mode, (byMode.get(r.mode) ?? 0) + r.valueUsd);
  const traded = [...byMode]
    .filter(([m, v]) => v > 0 && (m === "truck" || m === "rail") && crossing.has(m))
    .sort((a, b) => b[1] - a[1])[0];
  if (traded) return traded[0];
  return CROSSING_ORDER.find((m) => crossing.has(m)) ?? null;
}
