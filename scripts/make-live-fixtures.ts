/**
 * Builds test/fixtures/live/ (the recorded responses the ingest tests serve from 127.0.0.1) from the real
 * files in ../shared/data/raw, so the fixtures can be made again and checked. Run by hand, never by tests:
 *
 *   npx tsx scripts/make-live-fixtures.ts [rawDir] [outDir]
 *
 * Every number it writes comes from a real row, except the deliberately altered ones of the "newer
 * release" and the fault fixtures, which the README lists one by one.
 */
import { createReadStream, mkdirSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { join, resolve } from "node:path";
import { splitCsvLine } from "../src/sources/csv.ts";
import { DISAGMOT } from "../src/domain/trade.ts";

const rawDir = resolve(process.argv[2] ?? "../shared/data/raw");
const outDir = resolve(process.argv[3] ?? "test/fixtures/live");

/** Ports and months of the crossings excerpt (Eagle Pass, Laredo, El Paso; Apr-Jun 2025). */
const CROSSING_PORTS = ["2303", "2304", "2402"];
const CROSSING_DATES = ["Apr-25", "May-25", "Jun-25"];
/** Ports and month of the TransBorder excerpt (Eagle Pass, El Paso; September 2024). */
const TRADE_PORTS = ["2303", "2402"];
const TRADE_YEAR = "2024";
const TRADE_MONTH = "9";

/** The values the "newer release" changes in June 2025, and the row it leaves out. */
const REVISIONS: { port: string; measure: string; value: (v: number) => number; why: string }[] = [
  { port: "2303", measure: "Trucks", value: (v) => v + 120, why: "+120" },
  { port: "2304", measure: "Personal Vehicles", value: (v) => v - 2_500, why: "-2,500" },
  { port: "2402", measure: "Pedestrians", value: (v) => v + 1_000, why: "+1,000" },
];
const DROPPED = { port: "2402", measure: "Train Passengers" };
/** A code no port has: Eagle Pass 2303 with two digits swapped. */
const UNKNOWN_PORT = "2330";

async function* lines(file: string): AsyncGenerator<string> {
  const input = file.endsWith(".gz") ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
  for await (const line of createInterface({ input, crlfDelay: Infinity })) if (line !== "") yield line;
}

async function readRows(
  file: string,
  keep: (r: Record<string, string>) => boolean,
): Promise<{ header: string[]; rows: { text: string; r: Record<string, string> }[] }> {
  let header: string[] | undefined;
  const rows: { text: string; r: Record<string, string> }[] = [];
  for await (const text of lines(file)) {
    const fields = splitCsvLine(text) ?? [];
    if (!header) {
      header = fields.map((f) => f.replace(/^\uFEFF/, ""));
      continue;
    }
    const r = Object.fromEntries(header.map((h, i) => [h, fields[i] ?? ""]));
    if (keep(r)) rows.push({ text, r });
  }
  return { header: header ?? [], rows };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** `Jun-25` -> `2025-06`. */
const exportMonth = (d: string) =>
  `20${d.slice(4)}-${String(MONTHS.indexOf(d.slice(0, 3)) + 1).padStart(2, "0")}`;

/** A crossings row of the BTS export written as a record of the Socrata API of keg4-3bc2. */
function socrataRecord(r: Record<string, string>) {
  const point = /^POINT \((\S+) (\S+)\)$/.exec(r.Point ?? "");
  return {
    port_name: r["Port Name"],
    state: r.State,
    port_code: r["Port Code"],
    border: r.Border,
    date: `${exportMonth(r.Date!)}-01T00:00:00.000`,
    measure: r.Measure,
    value: r.Value,
    latitude: r.Latitude,
    longitude: r.Longitude,
    ...(point ? { point: { type: "Point", coordinates: [Number(point[1]), Number(point[2])] } } : {}),
  };
}
type SocrataRecord = ReturnType<typeof socrataRecord>;

const json = (records: SocrataRecord[]) => `[\n${records.map((r) => JSON.stringify(r)).join(",\n")}\n]\n`;

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`make-live-fixtures: ${message}`);
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, text: string) => {
    writeFileSync(join(outDir, name), text);
    written.push(`${name} ${text.length} bytes`);
  };

  // --- BTS crossings: the export as received, and the same rows in the Socrata layout.
  const exportFile = join(
    rawDir,
    "bts-border-crossing/source_Border_Crossing_Entry_Data_BTS_2025-08_as_received.csv.gz",
  );
  const ex = await readRows(
    exportFile,
    (r) => CROSSING_PORTS.includes(r["Port Code"]!) && CROSSING_DATES.includes(r.Date!),
  );
  check(ex.rows.length > 60, `only ${ex.rows.length} export rows matched`);
  // The excerpt must agree with the cleaned file the snapshot is built from.
  const cleaned = await readRows(
    join(rawDir, "bts-border-crossing/bts_border_crossing_us_mexico.csv.gz"),
    (r) => CROSSING_PORTS.includes(r.port_code!) && ["2025-04", "2025-05", "2025-06"].includes(r.month!),
  );
  const cleanedValue = new Map(
    cleaned.rows.map(({ r }) => [`${r.port_code}/${r.month}/${r.measure}`, r.value]),
  );
  check(
    cleaned.rows.length === ex.rows.length,
    `cleaned ${cleaned.rows.length} vs export ${ex.rows.length} rows`,
  );
  for (const { r } of ex.rows) {
    const key = `${r["Port Code"]}/${exportMonth(r.Date!)}/${r.Measure}`;
    check(cleanedValue.get(key) === r.Value, `${key}: export ${r.Value}, cleaned ${cleanedValue.get(key)}`);
  }
  write(
    "bts-crossings-export-excerpt.csv",
    [ex.header.join(","), ...ex.rows.map((x) => x.text)].join("\n") + "\n",
  );

  const order = (a: SocrataRecord, b: SocrataRecord) =>
    `${a.port_code}|${a.date}|${a.measure}` < `${b.port_code}|${b.date}|${b.measure}` ? -1 : 1;
  const records = ex.rows.map(({ r }) => socrataRecord(r)).sort(order);
  write("socrata-keg4-3bc2.json", json(records));

  const june = (r: SocrataRecord) => r.date.startsWith("2025-06");
  const newer = records
    .filter((r) => !(june(r) && r.port_code === DROPPED.port && r.measure === DROPPED.measure))
    .map((r) => {
      const rev = REVISIONS.find((x) => june(r) && x.port === r.port_code && x.measure === r.measure);
      return rev ? { ...r, value: String(rev.value(Number(r.value))) } : r;
    });
  check(newer.length === records.length - 1, "the dropped row was not found");
  write("socrata-keg4-3bc2-newer-release.json", json(newer));

  const eaglePassJune = records.filter((r) => june(r) && r.port_code === "2303");
  write(
    "socrata-negative-value.json",
    json(eaglePassJune.map((r) => (r.measure === "Trucks" ? { ...r, value: `-${r.value}` } : r))),
  );
  write(
    "socrata-unknown-port.json",
    json(eaglePassJune.map((r) => (r.measure === "Trucks" ? { ...r, port_code: UNKNOWN_PORT } : r))),
  );

  // --- TransBorder: DOT1 from the state-detail rows, DOT3 from the port x HS2 rows, in the raw layout.
  const tb = (f: string) => join(rawDir, "transborder", f);
  const inTrade = (r: Record<string, string>) =>
    r.year === TRADE_YEAR && r.month === TRADE_MONTH && TRADE_PORTS.includes(r.port_code!);
  const modeCode = (mode: string) => Object.entries(DISAGMOT).find(([, m]) => m === mode)![0];
  const trdType = (t: string) => (t === "export" ? "1" : "2");
  const countryCode = (c: string) => (c === "MX" ? "2010" : "1220");

  const state = await readRows(tb("transborder_state_port_mode_monthly.csv.gz"), inTrade);
  const dot1 = state.rows.map(({ r }) =>
    [
      trdType(r.trade_type!),
      r.us_state,
      r.port_code,
      modeCode(r.mode!),
      r.country === "MX" ? r.foreign_state : "",
      r.country === "CA" ? r.foreign_state : "",
      countryCode(r.country!),
      r.value_usd,
      r.weight_kg || "0",
      r.freight_charges_usd || "0",
      "1",
      "X",
      TRADE_MONTH,
      TRADE_YEAR,
    ].join(","),
  );
  // The DOT1 lines must sum to the port x mode aggregates the snapshot holds.
  const portMode = await readRows(tb("transborder_port_mode_monthly.csv.gz"), inTrade);
  const sums = new Map<string, [number, number, number]>();
  for (const { r } of state.rows) {
    const k = `${r.port_code}/${r.mode}/${r.trade_type}/${r.country}`;
    const s = sums.get(k) ?? [0, 0, 0];
    sums.set(k, [
      s[0] + Number(r.value_usd),
      s[1] + Number(r.weight_kg || 0),
      s[2] + Number(r.freight_charges_usd || 0),
    ]);
  }
  check(sums.size === portMode.rows.length, `DOT1 sums ${sums.size} keys, port-mode ${portMode.rows.length}`);
  for (const { r } of portMode.rows) {
    const k = `${r.port_code}/${r.mode}/${r.trade_type}/${r.country}`;
    const want = [Number(r.value_usd), Number(r.weight_kg || 0), Number(r.freight_charges_usd || 0)];
    check(JSON.stringify(sums.get(k)) === JSON.stringify(want), `${k}: ${sums.get(k)} vs ${want}`);
  }
  const DOT1 =
    "TRDTYPE,USASTATE,DEPE,DISAGMOT,MEXSTATE,CANPROV,COUNTRY,VALUE,SHIPWT,FREIGHT_CHARGES,DF,CONTCODE,MONTH,YEAR";
  const mmyy = `${TRADE_MONTH.padStart(2, "0")}${TRADE_YEAR.slice(2)}`;
  write(`dot1_${mmyy}.csv`, [DOT1, ...dot1].join("\n") + "\n");
  write(
    `dot1_${mmyy}-renamed-column.csv`,
    [DOT1.replace(",VALUE,", ",VALUE_USD,"), ...dot1.slice(0, 10)].join("\n") + "\n",
  );

  const hs2 = await readRows(tb("transborder_port_hs2_mode_monthly.csv.gz"), inTrade);
  const dot3 = hs2.rows.map(({ r }) =>
    [
      trdType(r.trade_type!),
      r.port_code,
      r.commodity_hs2,
      modeCode(r.mode!),
      countryCode(r.country!),
      r.value_usd,
      r.weight_kg || "0",
      r.freight_charges_usd || "0",
      "1",
      "X",
      TRADE_MONTH,
      TRADE_YEAR,
    ].join(","),
  );
  const DOT3 = "TRDTYPE,DEPE,COMMODITY2,DISAGMOT,COUNTRY,VALUE,SHIPWT,FREIGHT_CHARGES,DF,CONTCODE,MONTH,YEAR";
  write(`dot3_${mmyy}.csv`, [DOT3, ...dot3].join("\n") + "\n");

  console.log(
    [
      `crossings: ${records.length} rows (${CROSSING_PORTS.join(", ")}; ${CROSSING_DATES.join(", ")})`,
      `DOT1: ${dot1.length} lines summing to ${portMode.rows.length} port x mode rows; DOT3: ${dot3.length} lines`,
      ...written,
    ].join("\n"),
  );
}

await main();
