// Primary lanes and opening hours of the land crossings, from CBP's own Border Wait Times feed: the
// crossings list (lanes per crossing and lane type) and the wait-time feed (hours), captured in June–July 2022
// (../shared/data/raw/cbp-wait-times, PROVENANCE.md). The snapshot build turns them into the `port_lanes`
// table the scenario model reads for physical capacity (lanes × hours × processing rate) and opening hours.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../domain/errors.ts";

/** The captured feed files, relative to the raw folder. */
export const BWT_LANE_FILES = {
  crossings: "cbp-wait-times/bwtmodern-crossingslist-20220701T003604Z.json",
  feed: "cbp-wait-times/bwtnew-20220629T172515Z.json",
} as const;

/** One crossing's primary lanes (booths) by lane type and its opening hours. */
export interface LaneRow {
  port_code: string;
  crossing: string;
  bwt_port_number: string;
  commercial_lanes: number;
  vehicle_lanes: number;
  pedestrian_lanes: number;
  hours: string;
  open_from: number;
  open_to: number;
  source: string;
  captured: string;
  verification: "verified";
}

/**
 * BWT numbers ports by CBP port code + crossing index, with a few exceptions to BTS's codes: Detroit is
 * 3800 in BWT (3801 in BTS), Brownsville 5355 (2301), Calexico's East crossing is 2503-01 (BTS 2507 Calexico
 * East, 2503 Calexico), El Paso's Ysleta crossing is 2402-03 (BTS reports Ysleta as 2401 from 2020-03), and
 * San Ysidro's Cross Border Xpress is 2504-09 (BTS reports it as its own port, 2582, from 2017-10).
 * Crossings without a BTS port (Fort Hancock) or duplicated under an old number (Gateway 2301-03) are left out.
 */
const BWT_TO_BTS: Record<string, string | null> = {
  "380001": "3801",
  "380002": "3801",
  "535501": "2301",
  "535502": "2301",
  "535503": "2301",
  "535504": "2301",
  "250301": "2507",
  "250302": "2503",
  "240203": "2401",
  "250409": "2582",
  "230103": null,
  l24501: null,
  "240403": null,
  "070803": null,
};

/** "24 hrs/day", "6 am-10 pm", "7 am-Midnight", "10 am-6 pm" → [from, to) hours of the day. */
export function parseHours(text: string): [number, number] {
  const t = text.trim().toLowerCase();
  if (/^24 ?hrs/.test(t)) return [0, 24];
  const m = /^(\d{1,2}|noon|midnight)\s*(am|pm)?\s*-\s*(\d{1,2}|noon|midnight)\s*(am|pm)?$/.exec(t);
  if (!m) throw new DataError(`unreadable opening hours "${text}"`);
  const hour = (h: string, ap: string | undefined, end: boolean) => {
    if (h === "noon") return 12;
    if (h === "midnight") return end ? 24 : 0;
    const n = Number(h) % 12;
    return ap === "pm" ? n + 12 : n;
  };
  return [hour(m[1]!, m[2], false), hour(m[3]!, m[4], true)];
}

/** Reads the two captured files into one row per crossing with a BTS port code. */
export function parseBwtLanes(rawDir: string): LaneRow[] {
  const read = (rel: string) => {
    try {
      return JSON.parse(readFileSync(join(rawDir, rel), "utf8")) as unknown;
    } catch (e) {
      throw new DataError(`${join(rawDir, rel)}: cannot read the BWT capture (${(e as Error).message})`);
    }
  };
  const list = (read(BWT_LANE_FILES.crossings) as { portCrossings?: unknown }).portCrossings;
  const feed = read(BWT_LANE_FILES.feed);
  if (!Array.isArray(list) || !Array.isArray(feed))
    throw new DataError("the BWT captures are not the crossings list and the feed array they should be");
  const hours = new Map(
    (feed as { port_number: string; hours: string }[]).map((f) => [f.port_number, f.hours]),
  );
  const out: LaneRow[] = [];
  for (const c of list as {
    bwtId: string;
    portName: string;
    crossingName: string;
    covMaximumLanes: number;
    povMaximumLanes: number;
    pedMaximumLanes: number;
  }[]) {
    const num = c.bwtId.slice(2);
    const code = num in BWT_TO_BTS ? BWT_TO_BTS[num] : num.slice(0, 4);
    if (!code) continue;
    const h = hours.get(num);
    if (!h) throw new DataError(`BWT crossing ${num} (${c.portName}) has no hours in the feed`);
    const [from, to] = parseHours(h);
    out.push({
      port_code: code,
      crossing: [c.portName, c.crossingName].filter(Boolean).join(" – "),
      bwt_port_number: num,
      commercial_lanes: c.covMaximumLanes,
      vehicle_lanes: c.povMaximumLanes,
      pedestrian_lanes: c.pedMaximumLanes,
      hours: h,
      open_from: from,
      open_to: to,
      source: `CBP Border Wait Times: ${BWT_LANE_FILES.crossings} (lanes), ${BWT_LANE_FILES.feed} (hours)`,
      captured: "2022-06-29/2022-07-01",
      verification: "verified",
    });
  }
  return out.sort((a, b) => a.port_code.localeCompare(b.port_code) || a.crossing.localeCompare(b.crossing));
}
