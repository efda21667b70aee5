/**
 * Writes data/model/traffic-profiles.csv: the scenario model's hour-of-day and day-of-week traffic profile
 * by mode. The weekday factors are measured from the daily counts in ../shared/data/raw (Cascade Gateway
 * 2018-01..2020-02 and the Niagara bridges 2020-01-01..2020-03-13, before the COVID restrictions); the
 * hour-of-day shapes are a stated default (no hourly volume counts are in ../shared: the Peace Arch and
 * Cascade hourly files hold delays, not volumes).
 * Run: npx tsx scripts/make-traffic-profiles.ts [rawDir]   (the product reads the CSV via the snapshot)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { splitCsvLine, quoteCsv } from "../src/sources/csv.ts";

const raw = process.argv[2] ?? "../shared/data/raw";

function csv(file: string): Record<string, string>[] {
  const lines = readFileSync(join(raw, file), "utf8")
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter(Boolean);
  const head = splitCsvLine(lines[0]!)!;
  return lines.slice(1).map((l) => Object.fromEntries(splitCsvLine(l)!.map((v, i) => [head[i], v])));
}

/** Mean daily count by weekday (Mon..Sun) over mean of the seven: 1 = an average day. */
function weekdayFactors(days: { date: Date; value: number }[]): number[] {
  const sums = new Array<number>(7).fill(0);
  const counts = new Array<number>(7).fill(0);
  for (const d of days) {
    const k = (d.date.getUTCDay() + 6) % 7;
    sums[k]! += d.value;
    counts[k]!++;
  }
  const means = sums.map((s, k) => s / counts[k]!);
  const avg = means.reduce((a, b) => a + b, 0) / 7;
  return means.map((m) => m / avg);
}

const num = (s: string | undefined) => (s === undefined || s === "" ? NaN : Number(s.replace(/,/g, "")));
const before = (d: Date, iso: string) => d < new Date(`${iso}T00:00:00Z`);

const cascadeTrucks = csv("cascade-gateway-daily/all_trucks_20180101_20200331.csv")
  .map((r) => ({
    date: new Date(`${r["Group Starts"]!.slice(0, 10)}T00:00:00Z`),
    value:
      num(r["Sum - Volume (Lynden/Aldergrove North Trucks)"]) +
      num(r["Sum - Volume (Pacific Highway North Trucks)"]) +
      num(r["Sum - Volume (Sumas/Huntingdon North Trucks)"]),
  }))
  .filter((d) => Number.isFinite(d.value) && before(d.date, "2020-03-01"));
const peaceArch = csv("cascade-gateway-daily/peacearch_N_cars_20180101_2020-03-31.csv")
  .map((r) => ({
    date: new Date(`${r["Group Starts"]!.slice(0, 10)}T00:00:00Z`),
    value: num(r["Sum - Volume (Peace Arch North Cars)"]) + num(r["Sum - Volume (Peace Arch North NEXUS)"]),
  }))
  .filter((d) => Number.isFinite(d.value) && d.value > 0 && before(d.date, "2020-03-01"));
const MONTHS = ["January", "February", "March"];
const niagara = csv("niagara-bridges-daily/combined_bridges1.csv")
  .filter((r) => MONTHS.includes(r.Month!))
  .map((r) => ({
    date: new Date(Date.UTC(2020, MONTHS.indexOf(r.Month!), Number(r.Day))),
    auto: num(r.Auto),
    truck: num(r.Truck),
  }))
  .filter((d) => before(d.date, "2020-03-14"));

const mean2 = (a: number[], b: number[]) => a.map((x, i) => (x + b[i]!) / 2);
const truckWeek = mean2(
  weekdayFactors(cascadeTrucks),
  weekdayFactors(niagara.map((d) => ({ date: d.date, value: d.truck }))),
);
const carWeek = mean2(
  weekdayFactors(peaceArch),
  weekdayFactors(niagara.map((d) => ({ date: d.date, value: d.auto }))),
);
const measured = `mean of the weekday factors of two daily counts before COVID: Cascade Gateway (${cascadeTrucks.length} days, 2018-01..2020-02) and the Niagara bridges (${niagara.length} days, 2020-01-01..2020-03-13)`;
const SRC =
  "../shared/data/raw/cascade-gateway-daily (bcgov/cascade_border_data, WCOG Border Data Warehouse) ; ../shared/data/raw/niagara-bridges-daily (Niagara Falls Bridge Commission, via Duke DataFest 2020)";

// Hour-of-day shapes (relative weights, local hours 0..23): a stated default, daytime-weighted.
const HOURS: Record<string, number[]> = {
  truck: [
    0.3, 0.3, 0.3, 0.3, 0.4, 0.6, 0.9, 1.2, 1.4, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.4, 1.3, 1.1, 0.9, 0.8, 0.7,
    0.6, 0.5, 0.4,
  ],
  "personal-vehicle": [
    0.3, 0.2, 0.2, 0.2, 0.4, 0.8, 1.2, 1.4, 1.3, 1.2, 1.2, 1.3, 1.3, 1.3, 1.4, 1.5, 1.5, 1.5, 1.3, 1.1, 0.9,
    0.7, 0.5, 0.4,
  ],
  bus: [
    0.3, 0.2, 0.2, 0.2, 0.4, 0.8, 1.2, 1.4, 1.3, 1.2, 1.2, 1.3, 1.3, 1.3, 1.4, 1.5, 1.5, 1.5, 1.3, 1.1, 0.9,
    0.7, 0.5, 0.4,
  ],
  pedestrian: [
    0.2, 0.1, 0.1, 0.2, 0.6, 1.2, 1.6, 1.7, 1.5, 1.3, 1.2, 1.2, 1.2, 1.2, 1.3, 1.3, 1.3, 1.2, 1.0, 0.8, 0.6,
    0.4, 0.3, 0.2,
  ],
  rail: new Array<number>(24).fill(1),
};
const WEEK: Record<string, { w: number[]; basis: string; source: string; verification: string }> = {
  truck: {
    w: truckWeek,
    basis: `measured: trucks into the U.S.; ${measured}`,
    source: SRC,
    verification: "verified",
  },
  "personal-vehicle": {
    w: carWeek,
    basis: `measured: cars into the U.S.; ${measured}`,
    source: SRC,
    verification: "verified",
  },
  bus: {
    w: carWeek,
    basis: "assumption: the personal vehicles' weekday factors (no daily bus counts)",
    source: SRC,
    verification: "inferred",
  },
  pedestrian: {
    w: carWeek,
    basis: "assumption: the personal vehicles' weekday factors (no daily pedestrian counts)",
    source: SRC,
    verification: "inferred",
  },
  rail: {
    w: new Array<number>(7).fill(1),
    basis: "assumption: trains run every day alike",
    source: "borderflow assumption",
    verification: "inferred",
  },
};
const HOUR_BASIS =
  "assumption: a daytime-weighted default shape (no hourly volume counts in ../shared: the Peace Arch and Cascade hourly files are delays); 0 outside a crossing's opening hours is applied per port from CBP's wait-time feed";

const head = "mode,kind,index,weight,basis,source_urls,source_dates,verification";
const rows: string[] = [];
for (const mode of ["rail", "truck", "bus", "personal-vehicle", "pedestrian"]) {
  const wk = WEEK[mode]!;
  wk.w.forEach((w, i) =>
    rows.push(
      [
        mode,
        "weekday",
        String(i),
        w.toFixed(4),
        wk.basis,
        wk.source,
        mode === "rail" ? "" : "2018-01..2020-03",
        wk.verification,
      ]
        .map(quoteCsv)
        .join(","),
    ),
  );
  HOURS[mode]!.forEach((w, i) =>
    rows.push(
      [mode, "hour", String(i), w.toFixed(4), HOUR_BASIS, "borderflow assumption", "", "inferred"]
        .map(quoteCsv)
        .join(","),
    ),
  );
}
const out = [
  "# The scenario model's traffic profile by mode: weekday factors (index 0 = Monday .. 6 = Sunday; mean 1) and hour-of-day weights (local hours 0..23; relative).",
  "# Written by scripts/make-traffic-profiles.ts from ../shared/data/raw; do not edit by hand.",
  head,
  ...rows,
].join("\n");
writeFileSync("data/model/traffic-profiles.csv", out + "\n");
console.log(
  `wrote data/model/traffic-profiles.csv: truck weekdays ${truckWeek.map((x) => x.toFixed(2)).join(" ")}, cars ${carWeek.map((x) => x.toFixed(2)).join(" ")}`,
);
