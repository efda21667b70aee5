// The scenario model's reference data, read once per open store from the snapshot's tables: each port's
// time zone, primary lanes and opening hours, the rail corridors, and the traffic profile by mode.
import type { ScenarioMode } from "../domain/scenario.ts";
import type { Month } from "../domain/units.ts";
import type { Railroads } from "../model/types.ts";
import type { Store } from "../store/db.ts";
import { memoPerStore } from "./cache.ts";
import { StoreError } from "../domain/errors.ts";

/** Primary lanes by mode and the hours each crossing of a port is open. */
export interface PortLanes {
  crossings: {
    crossing: string;
    lanes: Record<"truck" | "vehicle" | "pedestrian", number>;
    openFrom: number;
    openTo: number;
    assumed: boolean;
    source: string;
  }[];
}

export interface ModelData {
  zones: Map<string, string>;
  lanes: Map<string, PortLanes>;
  corridors: { port: string; railroads: Railroads; validFrom: Month | null; validTo: Month | null }[];
  /** By mode: weekday factors (Mon..Sun, mean 1) and hour-of-day weights (0..23). */
  profiles: Map<ScenarioMode, { weekday: number[]; hour: number[] }>;
}

/** The model's reference data of a store (read once). */
export function modelData(store: Store): Promise<ModelData> {
  return memoPerStore(store, "model-data", async () => {
    const zones = new Map(
      (await modelTable<{ port_code: string; time_zone: string }>(store, "port_zones")).map((z) => [
        z.port_code,
        z.time_zone,
      ]),
    );
    const lanes = new Map<string, PortLanes>();
    const add = (port: string, c: PortLanes["crossings"][number]) => {
      const p = lanes.get(port) ?? { crossings: [] };
      p.crossings.push(c);
      lanes.set(port, p);
    };
    for (const l of await modelTable<{
      port_code: string;
      crossing: string;
      commercial_lanes: number;
      vehicle_lanes: number;
      pedestrian_lanes: number;
      open_from: number;
      open_to: number;
      source: string;
    }>(store, "port_lanes"))
      add(l.port_code, {
        crossing: l.crossing,
        lanes: { truck: l.commercial_lanes, vehicle: l.vehicle_lanes, pedestrian: l.pedestrian_lanes },
        openFrom: l.open_from,
        openTo: l.open_to,
        assumed: false,
        source: l.source,
      });
    for (const h of await modelTable<{
      port_code: string;
      crossing: string;
      open_from: number;
      open_to: number;
      lanes: number;
      lanes_assumed: boolean;
      source_urls: string;
    }>(store, "port_hours")) {
      if (lanes.has(h.port_code)) continue;
      add(h.port_code, {
        crossing: h.crossing,
        lanes: { truck: h.lanes, vehicle: h.lanes, pedestrian: h.lanes },
        openFrom: h.open_from,
        openTo: h.open_to,
        assumed: h.lanes_assumed,
        source: h.source_urls,
      });
    }
    const corridors = (
      await modelTable<{
        port_code: string;
        us_railroads: string;
        foreign_railroads: string;
        inbound_trains_per_day_max: number | null;
        valid_from: Month | null;
        valid_to: Month | null;
      }>(store, "rail_corridors")
    ).map((c) => ({
      port: c.port_code,
      railroads: {
        us: c.us_railroads.split(";"),
        foreign: c.foreign_railroads.split(";"),
        inboundTrainsPerDayMax: c.inbound_trains_per_day_max,
      },
      validFrom: c.valid_from,
      validTo: c.valid_to,
    }));
    const profiles = new Map<ScenarioMode, { weekday: number[]; hour: number[] }>();
    for (const r of await modelTable<{
      mode: ScenarioMode;
      kind: "weekday" | "hour";
      index: number;
      weight: number;
    }>(store, "traffic_profiles")) {
      const p = profiles.get(r.mode) ?? {
        weekday: new Array<number>(7).fill(1),
        hour: new Array<number>(24).fill(1),
      };
      p[r.kind][r.index] = r.weight;
      profiles.set(r.mode, p);
    }
    return { zones, lanes, corridors, profiles };
  });
}

/** A port's zone (the border's usual zone if the table lacks it: never expected with the vendored snapshot). */
export function zoneOf(data: ModelData, port: string): string {
  return data.zones.get(port) ?? "America/Chicago";
}

/** The railroads of a rail crossing in a month (corridor rows can be bounded in time), or null. */
export function railroadsAt(data: ModelData, port: string, month: Month): Railroads | null {
  const row = data.corridors.find(
    (c) => c.port === port && (!c.validFrom || c.validFrom <= month) && (!c.validTo || month <= c.validTo),
  );
  return row ? row.railroads : null;
}

/** Lanes of a mode at a port and the lane-weighted hours they are open, or null when unknown. */
export function lanesFor(
  data: ModelData,
  port: string,
  mode: ScenarioMode,
): { lanes: number; openHours: number; open: boolean[] } | null {
  const p = data.lanes.get(port);
  if (!p || mode === "rail") return null;
  const kind = mode === "truck" ? "truck" : mode === "pedestrian" ? "pedestrian" : "vehicle";
  let lanes = 0;
  let laneHours = 0;
  const open = new Array<boolean>(24).fill(false);
  for (const c of p.crossings) {
    const n = c.lanes[kind];
    if (n <= 0) continue;
    lanes += n;
    laneHours += n * (c.openTo - c.openFrom);
    for (let h = c.openFrom; h < c.openTo; h++) open[h] = true;
  }
  return lanes > 0 ? { lanes, openHours: laneHours / lanes, open } : null;
}

/** Reads a model reference table, with a clear error when the database predates it. */
export async function modelTable<T>(store: Store, table: string): Promise<T[]> {
  try {
    return await store.all<T>({ sql: `SELECT * FROM ${table}`, params: [] });
  } catch (e) {
    if (/does not exist|not found/i.test((e as Error).message))
      throw new StoreError(
        `the database ${store.path} was built from an older snapshot without the model's ${table} table: remove the file (it is rebuilt from the vendored snapshot on the next run)`,
        { cause: e },
      );
    throw e;
  }
}
