import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const FIX = join(import.meta.dirname, "../fixtures/waits");

/** The three captures of the replayed closure, as `--replay` names them (their fetch stamps). */
export const CLOSURE_CAPTURES = {
  first: { file: "cbp-bwt-20220629T172515Z.json", from: "bwtnew-20220629T172515Z-excerpt.json" },
  second: { file: "cbp-bwt-20220701T003159Z.json", from: "bwtpublicmod-20220701T003159Z-excerpt.json" },
  /** The second capture an hour later, edited: Eagle Pass Bridge II's standard commercial lanes closed. */
  closed: { file: "cbp-bwt-20220701T013159Z.json", at: "2022-07-01T01:31:59.000Z" },
} as const;

/** Eagle Pass Bridge II, the crossing whose commercial lanes go to closed. */
export const CLOSED_CROSSING = "230302";

/**
 * The second real capture (`bwtpublicmod-20220701T003159Z-excerpt.json`, 2022-07-01 00:31:59 UTC) as if
 * fetched one hour later with Eagle Pass Bridge II's standard commercial lanes closed. Exactly these fields
 * of the entry `port_number` 230302 change (its FAST lanes are already "Lanes Closed" in the real capture, so
 * the crossing's commercial lanes are then all closed); every other entry and field is unchanged:
 * - `time`: `19:32:00` → `20:32:00` (the feed's clock, an hour on)
 * - `commercial_vehicle_lanes.standard_lanes`: `update_time` `At 5:00 pm CDT` → `""`, `operational_status`
 *   `no delay` → `Lanes Closed`, `delay_minutes` `1` → `""`, `lanes_open` `1` → `""` (how the feed writes a
 *   closed lane: see FAST_lanes beside it).
 * Written with `JSON.stringify(…, null, 4)`, the layout of the real capture.
 */
export function closedCapture(): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const entries = JSON.parse(readFileSync(join(FIX, CLOSURE_CAPTURES.second.from), "utf8")) as any[];
  const ep = entries.find((e) => e.port_number === CLOSED_CROSSING);
  if (!ep || ep.time !== "19:32:00")
    throw new Error("the fixture changed: Eagle Pass Bridge II not as expected");
  ep.time = "20:32:00";
  ep.commercial_vehicle_lanes.standard_lanes = {
    update_time: "",
    operational_status: "Lanes Closed",
    delay_minutes: "",
    lanes_open: "",
  };
  return Buffer.from(JSON.stringify(entries, null, 4), "utf8");
}

/** Writes the replay folder: the two real captures as they are, then the edited one. Returns the folder. */
export function writeClosureReplay(dir: string): string {
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(FIX, CLOSURE_CAPTURES.first.from), join(dir, CLOSURE_CAPTURES.first.file));
  copyFileSync(join(FIX, CLOSURE_CAPTURES.second.from), join(dir, CLOSURE_CAPTURES.second.file));
  writeFileSync(join(dir, CLOSURE_CAPTURES.closed.file), closedCapture());
  return dir;
}
