/**
 * Cuts small real excerpts of ../shared/data/raw into test/fixtures/raw (same layout and headers),
 * and writes the bad-input fixtures in test/fixtures/bad. Run by hand: npx tsx scripts/make-test-fixtures.ts
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { BWT_LANE_FILES } from "../src/sources/bwt-lanes.ts";
import { gunzipSync, gzipSync } from "node:zlib";
import { dirname, join } from "node:path";

const RAW = process.argv[2] ?? "../shared/data/raw";
const OUT = "test/fixtures/raw";
const BAD = "test/fixtures/bad";
const PORTS = new Set(["2303", "2402", "2401", "2304", "2301", "3801", "3802"]);

function lines(rel: string): string[] {
  const buf = readFileSync(join(RAW, rel));
  const text = rel.endsWith(".gz") ? gunzipSync(buf).toString("utf8") : buf.toString("utf8");
  return text.split("\n").filter((l) => l !== "");
}

function write(rel: string, rows: string[]): void {
  const p = join(OUT, rel);
  mkdirSync(dirname(p), { recursive: true });
  const text = rows.join("\n") + "\n";
  writeFileSync(p, rel.endsWith(".gz") ? gzipSync(Buffer.from(text), { level: 9 }) : text);
}

function excerpt(rel: string, keep: (fields: string[]) => boolean): string[] {
  const [header, ...rest] = lines(rel);
  return [header!, ...rest.filter((l) => keep(l.split(",")))];
}

// Crossings (port_code, ..., month, measure, ...): 7 ports, 2022-01 .. 2024-02.
for (const rel of [
  "bts-border-crossing/bts_border_crossing_us_mexico.csv.gz",
  "bts-border-crossing/bts_border_crossing_us_canada.csv.gz",
]) {
  write(
    rel,
    excerpt(rel, (f) => PORTS.has(f[0]!) && f[4]! >= "2022-01" && f[4]! <= "2024-02"),
  );
}
write(
  "bts-border-crossing/bts_border_crossing_ports.csv",
  excerpt("bts-border-crossing/bts_border_crossing_ports.csv", (f) => PORTS.has(f[0]!)),
);
copyFileSync(join(RAW, "bts-border-crossing/PROVENANCE.md"), join(OUT, "bts-border-crossing/PROVENANCE.md"));

// TransBorder (year, month, trade_type, country, port_code, mode, hs2, ...): the same ports, 2023-10 .. 2024-01.
const inWindow = (f: string[]) =>
  (f[0] === "2023" && Number(f[1]) >= 10) || (f[0] === "2024" && f[1] === "1");
write(
  "transborder/transborder_port_mode_monthly.csv.gz",
  excerpt("transborder/transborder_port_mode_monthly.csv.gz", (f) => PORTS.has(f[4]!) && inWindow(f)),
);
write(
  "transborder/transborder_port_hs2_mode_monthly.csv.gz",
  excerpt(
    "transborder/transborder_port_hs2_mode_monthly.csv.gz",
    (f) => ["2303", "2402", "2304"].includes(f[4]!) && ["rail", "truck"].includes(f[5]!) && inWindow(f),
  ),
);
write(
  "transborder/transborder_country_mode_monthly.csv.gz",
  excerpt("transborder/transborder_country_mode_monthly.csv.gz", (f) => f[0] === "2023"),
);
for (const f of ["codes_commodity_hs2.csv", "codes_modes.csv", "codes_ports.csv", "PROVENANCE.md"]) {
  copyFileSync(join(RAW, "transborder", f), join(OUT, "transborder", f));
}

// CBP encounters: the files are small (0.6 MB together), so they are copied whole; the acceptance tests
// check the snapshot's answers against DuckDB queries over these raw files.
mkdirSync(join(OUT, "cbp-encounters"), { recursive: true });
for (const f of [
  "cbp-nationwide-encounters-aor-fy2020-fy2024.csv.gz",
  "cbp-sw-land-border-encounters-fy2022-fy2025aug.csv.gz",
  "ohss-khsm-usbp-encounters-by-sector-monthly-fy2000-fy2025nov.csv.gz",
  "cbp-usbp-apprehensions-by-sector-monthly-fy2000-fy2020.csv.gz",
  "PROVENANCE.md",
]) {
  copyFileSync(join(RAW, "cbp-encounters", f), join(OUT, "cbp-encounters", f));
}
// CBP's wait-time feed captures the snapshot build reads lanes and opening hours from (0.23 MB), whole.
mkdirSync(join(OUT, "cbp-wait-times"), { recursive: true });
for (const f of Object.values(BWT_LANE_FILES)) copyFileSync(join(RAW, f), join(OUT, f));

// Bad inputs, each a real excerpt with one defect.
mkdirSync(BAD, { recursive: true });
const good = excerpt(
  "bts-border-crossing/bts_border_crossing_us_mexico.csv.gz",
  (f) => f[0] === "2303" && f[4] === "2023-12",
);
const [h, ...rows] = good;
const w = (name: string, ls: string[]) => writeFileSync(join(BAD, name), ls.join("\n") + "\n");
w("missing-column.csv", [
  h!.replace(",measure", ""),
  ...rows.map((r) =>
    r
      .split(",")
      .filter((_, i) => i !== 5)
      .join(","),
  ),
]);
w("non-numeric.csv", [
  h!,
  ...rows.slice(0, 3),
  rows[3]!.replace(/,(\d+),([-\d.]+),([-\d.]+)$/, ",12x4,$2,$3"),
  ...rows.slice(4),
]);
w("negative.csv", [
  h!,
  ...rows.slice(0, 2),
  rows[2]!.replace(/,(\d+),([-\d.]+),([-\d.]+)$/, ",-$1,$2,$3"),
  ...rows.slice(3),
]);
w("unknown-port.csv", [
  h!,
  ...rows.slice(0, 4),
  rows[4]!.replace(/^2303,Eagle Pass/, "2399,Eagle Pazz"),
  ...rows.slice(5),
]);
w("duplicate-conflict.csv", [
  h!,
  ...rows,
  rows[1]!.replace(/,(\d+),([-\d.]+),([-\d.]+)$/, (_m, v, a, b) => `,${Number(v) + 7},${a},${b}`),
]);
w("renamed-header.csv", [h!.replace("measure", "metric"), ...rows]);
const gz = gzipSync(Buffer.from(good.join("\n") + "\n"));
writeFileSync(join(BAD, "truncated.csv.gz"), gz.subarray(0, Math.floor(gz.length * 0.6)));
console.log("fixtures written to", OUT, "and", BAD);
