/**
 * Cuts small real excerpts of the CBP Border Wait Times captures in ../shared/data/raw/cbp-wait-times into
 * test/fixtures/waits (see the README there). Run by hand: npx tsx scripts/make-wait-fixtures.ts [RAW_DIR]
 * The tests never read ../shared; they read only what this script wrote. Running it again gives the same bytes.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";

const RAW = join(process.argv[2] ?? "../shared/data/raw", "cbp-wait-times");
const OUT = "test/fixtures/waits";

/** The crossings kept in the excerpts: the big Mexican-border ports, every port-number quirk, two automated ones. */
export const KEEP = [
  "070801", // Alexandria Bay, Thousand Islands Bridge (Canadian border, Eastern time)
  "090101", // Buffalo/Niagara Falls, Peace Bridge (Bluetooth automation)
  "300401", // Blaine, Pacific Highway
  "300403", // Blaine, Point Roberts (BTS port 3017)
  "380001", // Detroit, Ambassador Bridge (feed numbers Detroit 3800; BTS 3801)
  "535501", // Brownsville, B&M (feed numbers Brownsville 5355; BTS 2301)
  "230302", // Eagle Pass, Bridge II
  "230404", // Laredo, World Trade Bridge (RFID automation)
  "240201", // El Paso, BOTA
  "240202", // El Paso, PDN
  "240203", // El Paso, Ysleta (BTS port 2401)
  "240204", // El Paso, Stanton DCL
  "l24501", // Fort Hancock (a letter l in the feed's number)
  "250301", // Calexico East (BTS port 2507)
  "250401", // San Ysidro
  "250407", // San Ysidro, PedWest (Update Pending in 2022)
  "250409", // Cross Border Express (BTS port 2582)
  "250601", // Otay Mesa, Passenger
  "250602", // Otay Mesa, Commercial
];

mkdirSync(OUT, { recursive: true });

function excerptJson(name: string, out: string): void {
  const text = readFileSync(join(RAW, name), "utf8");
  const all = JSON.parse(text) as { port_number: string }[];
  // The captures are JSON.stringify(..., null, 4) output; the excerpt keeps that layout.
  if (JSON.stringify(all, null, 4) !== text.trimEnd()) throw new Error(`${name}: unexpected layout`);
  const kept = all.filter((c) => KEEP.includes(c.port_number));
  if (kept.length !== KEEP.length)
    throw new Error(`${name}: found ${kept.length} of ${KEEP.length} crossings`);
  writeFileSync(join(OUT, out), JSON.stringify(kept, null, 4) + "\n");
}

excerptJson("bwtnew-20220629T172515Z.json", "bwtnew-20220629T172515Z-excerpt.json");
excerptJson("bwtpublicmod-20220701T003159Z.json", "bwtpublicmod-20220701T003159Z-excerpt.json");
for (const whole of [
  "bwtpublicmod-300401-20220701T004214Z.json",
  "api-waittimes-2026-08-02-excerpt-TRUNCATED.json",
  "bwtmodern-crossingslist-20220701T003604Z.json",
])
  writeFileSync(join(OUT, whole), readFileSync(join(RAW, whole)));

// The 2014 XML: the header and the kept <port> elements, byte for byte, in the original order. The file
// stamp is the feed's own time, 2014-3-15 15:25:59, read as Eastern daylight time (19:25:59 UTC).
const xml = readFileSync(join(RAW, "bwt-xml-2014-03-15.xml"));
const text = xml.toString("latin1");
const first = text.indexOf("<port>");
const last = text.lastIndexOf("</port>") + "</port>".length;
const ports = [...text.slice(first, last).matchAll(/<port>[\s\S]*?<\/port>/g)].map((m) => m[0]);
const keptPorts = ports.filter((p) => KEEP.includes(/<port_number>([^<]*)</.exec(p)?.[1] ?? ""));
writeFileSync(
  join(OUT, "bwt-xml-20140315T192559Z-excerpt.xml"),
  Buffer.from(text.slice(0, first) + keptPorts.join("") + text.slice(last), "latin1"),
);

// Real hourly waits (CBP's historical page, scraped), passenger general lanes: El Paso BOTA in four holiday
// windows of autumn 2025, Ysleta in one. Used as an archive's history in the query and anomaly tests.
const hourly = gunzipSync(
  readFileSync(join(RAW, "bwt-hourly-el-paso-ports-holiday-windows-2024-12-to-2025-12.csv.gz")),
)
  .toString("utf8")
  .split("\n")
  .filter((l) => l !== "");
const WINDOWS = ["Columbus Day", "Veterans Day", "Thanksgiving Day", "Christmas Day"];
const kept = hourly.slice(1).filter((l) => {
  const f = l.split(",");
  const crossing =
    f[0] === "El Paso - Bridge of the Americas (BOTA)" ||
    (f[0] === "El Paso - Ysleta" && f[3] === "Thanksgiving Day");
  return crossing && f[1] === "Passenger" && f[2] === "General" && WINDOWS.includes(f[3]!);
});
writeFileSync(join(OUT, "el-paso-hourly-2025-autumn-excerpt.csv"), [hourly[0]!, ...kept].join("\n") + "\n");
console.log(
  `wrote ${OUT}: ${KEEP.length} crossings per capture, ${keptPorts.length} XML ports, ${kept.length} hourly rows`,
);
