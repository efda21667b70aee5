import { z } from "zod";
import { Unzip, UnzipInflate } from "fflate";
import type { PortCode } from "../domain/ports.ts";
import {
  COUNTRIES,
  COUNTRY_CODES,
  DIRECTIONS,
  DISAGMOT,
  TRADE_MODES,
  type Country,
  type Direction,
  type TradeMode,
} from "../domain/trade.ts";
import { toMonth, type Month } from "../domain/units.ts";
import { DataError } from "../domain/errors.ts";
import type { Reject } from "../domain/rejects.ts";
import { expectHeader, readCsvLines, readCsvRecords } from "./csv.ts";
import {
  acceptedMonths,
  amountRefusal,
  COUNT_RE,
  KeyedRows,
  monthRefusal,
  numberReason,
  rejectFromZod,
  type MonthBounds,
  type ParseResult,
  type RowContext,
} from "./validate.ts";
import { fetchBytes, type Fetcher } from "./fetcher.ts";
import { formatBytes, LIMITS } from "./limits.ts";

/** BTS North American TransBorder Freight Data. */
export const TRANSBORDER_SOURCE = "transborder";

/** One month of trade value through a port by mode, direction and partner country (and HS2 where set). */
export interface TradeRow {
  /** Empty string for national totals (no port). */
  portCode: PortCode | "";
  mode: TradeMode;
  direction: Direction;
  country: Country;
  month: Month;
  /** Two-digit HS chapter, or "" where the table has no commodity. */
  hs2: string;
  valueUsd: number;
  /** Shipping weight; null where BTS does not record it (exports by land modes). */
  weightKg: number | null;
  freightUsd: number | null;
}

/** Which table a TransBorder file feeds. */
export type TradeTable = "port-mode" | "port-hs2" | "national";

/** Columns of the snapshot's cleaned TransBorder files. */
export const TRADE_HEADER = [
  "year",
  "month",
  "trade_type",
  "country",
  "port_code",
  "mode",
  "commodity_hs2",
  "value_usd",
  "weight_kg",
  "freight_charges_usd",
] as const;

/** Columns of BTS's raw monthly DOT1 file (port x state x mode). */
export const DOT1_HEADER = [
  "TRDTYPE",
  "USASTATE",
  "DEPE",
  "DISAGMOT",
  "MEXSTATE",
  "CANPROV",
  "COUNTRY",
  "VALUE",
  "SHIPWT",
  "FREIGHT_CHARGES",
  "DF",
  "CONTCODE",
  "MONTH",
  "YEAR",
] as const;

/** Columns of BTS's raw monthly DOT3 file (port x HS2 x mode). */
export const DOT3_HEADER = [
  "TRDTYPE",
  "DEPE",
  "COMMODITY2",
  "DISAGMOT",
  "COUNTRY",
  "VALUE",
  "SHIPWT",
  "FREIGHT_CHARGES",
  "DF",
  "CONTCODE",
  "MONTH",
  "YEAR",
] as const;

const amount = (field: string, optional: boolean) =>
  z.string().superRefine((s, c) => {
    if (optional && s.trim() === "") return;
    const reason =
      amountRefusal(field, s) ?? (COUNT_RE.test(s.trim()) ? undefined : `${field} ${numberReason(s, true)}`);
    if (reason) c.addIssue({ code: "custom", message: reason });
  });

const TradeRecordSchema = z.object({
  year: z.string().regex(/^(199\d|20\d\d)$/, "expected a year between 1990 and 2099"),
  month: z.string().regex(/^(0?[1-9]|1[0-2])$/, "expected a month number 1..12"),
  trade_type: z.enum(DIRECTIONS, { message: "expected export or import" }),
  country: z.enum(COUNTRIES, { message: "expected MX or CA" }),
  port_code: z
    .string()
    .regex(/^(\d{2}(\d{2}|XX))?$/, "expected a 4-character port code such as 2303 or 23XX"),
  mode: z.enum(TRADE_MODES, { message: `expected one of ${TRADE_MODES.join(", ")}` }),
  commodity_hs2: z.string().regex(/^(\d{2})?$/, "expected a two-digit HS chapter such as 87"),
  value_usd: amount("value_usd", false),
  weight_kg: amount("weight_kg", true),
  freight_charges_usd: amount("freight_charges_usd", true),
});

const optionalNumber = (s: string | undefined) => (s === undefined || s.trim() === "" ? null : Number(s));

/** Validates TransBorder rows for one table, with port and HS2 checks and duplicate detection. */
class TradeValidator {
  readonly rejects: Reject[] = [];
  private readonly keyed: KeyedRows<TradeRow>;
  linesRead = 0;

  constructor(
    private readonly ctx: RowContext,
    private readonly table: TradeTable,
    private readonly knownPorts?: ReadonlySet<string>,
    private readonly knownHs2?: ReadonlySet<string>,
    private readonly months: MonthBounds = acceptedMonths(),
  ) {
    this.keyed = new KeyedRows(ctx, this.rejects);
  }

  private reject(line: number, field: string, value: string, reason: string) {
    this.rejects.push({ ...this.ctx, line, field, value, reason });
  }

  add(raw: Record<string, string>, line: number): void {
    this.linesRead++;
    const parsed = TradeRecordSchema.safeParse(raw);
    if (!parsed.success) {
      this.rejects.push(rejectFromZod(this.ctx, line, raw, parsed.error));
      return;
    }
    const r = parsed.data;
    const needsPort = this.table !== "national";
    if (needsPort !== (r.port_code !== "")) {
      return this.reject(
        line,
        "port_code",
        r.port_code,
        needsPort ? "is empty" : "must be empty in national totals",
      );
    }
    if (needsPort && this.knownPorts && !this.knownPorts.has(r.port_code)) {
      return this.reject(
        line,
        "port_code",
        r.port_code,
        `unknown port code ${r.port_code}: not in the TransBorder port list`,
      );
    }
    const needsHs2 = this.table === "port-hs2";
    if (needsHs2 !== (r.commodity_hs2 !== "")) {
      return this.reject(
        line,
        "commodity_hs2",
        r.commodity_hs2,
        needsHs2 ? "is empty" : "must be empty in this table",
      );
    }
    if (needsHs2 && this.knownHs2 && !this.knownHs2.has(r.commodity_hs2)) {
      return this.reject(line, "commodity_hs2", r.commodity_hs2, `unknown HS chapter ${r.commodity_hs2}`);
    }
    const month = toMonth(Number(r.year), Number(r.month));
    const refusal = monthRefusal(month, this.months);
    if (refusal) return this.reject(line, "month", `${r.year}-${r.month}`, refusal);
    const row: TradeRow = {
      portCode: r.port_code as PortCode | "",
      mode: r.mode,
      direction: r.trade_type,
      country: r.country,
      month,
      hs2: r.commodity_hs2,
      valueUsd: Number(r.value_usd),
      weightKg: optionalNumber(r.weight_kg),
      freightUsd: optionalNumber(r.freight_charges_usd),
    };
    const key = `${month}/${r.port_code || "-"}/${r.mode}/${r.trade_type}/${r.country}${r.commodity_hs2 ? "/" + r.commodity_hs2 : ""}`;
    this.keyed.add(key, r.value_usd, line, row, "value_usd");
  }

  result(): ParseResult<TradeRow> {
    return {
      rows: this.keyed.rows,
      rejects: this.rejects,
      duplicatesDropped: this.keyed.duplicatesDropped,
      linesRead: this.linesRead,
    };
  }
}

/** Known codes that TransBorder rows are checked against. */
export interface TradeCodes {
  ports?: ReadonlySet<string>;
  hs2?: ReadonlySet<string>;
  /** The months accepted (default: 1990-01 to next month by the system clock). */
  months?: MonthBounds;
}

/** Parses a cleaned TransBorder CSV of the snapshot layout for one table. */
export async function parseTradeCsv(
  file: string | Buffer,
  table: TradeTable,
  ctx: RowContext,
  codes: TradeCodes = {},
): Promise<ParseResult<TradeRow>> {
  const v = new TradeValidator(ctx, table, codes.ports, codes.hs2, codes.months);
  await readCsvRecords(
    file,
    ctx.file,
    () => TRADE_HEADER,
    ({ line, header, fields }) => v.add(Object.fromEntries(header.map((h, i) => [h, fields[i]!])), line),
    (line, fields, reason) => {
      v.linesRead++;
      v.rejects.push({ ...ctx, line, field: "row", value: fields.join(","), reason });
    },
  );
  return v.result();
}

/** Which raw BTS file a CSV is, from its header. */
export function rawKind(header: string[]): "dot1" | "dot3" | undefined {
  const h = header.map((x) => x.trim().toUpperCase()).join(",");
  if (h === DOT1_HEADER.join(",")) return "dot1";
  if (h === DOT3_HEADER.join(",")) return "dot3";
  return undefined;
}

/**
 * Parses a raw BTS monthly DOT1 or DOT3 file and sums it to our tables: DOT1 to port x mode x direction
 * x country x month (over U.S. state, Mexican state / Canadian province, DF and CONTCODE), DOT3 to the
 * same plus HS2 (over DF and CONTCODE). A zero export weight for a land mode means "not reported"
 * and becomes null.
 */
export async function parseRawTransborderCsv(
  file: string | Buffer,
  ctx: RowContext,
  codes: TradeCodes = {},
): Promise<{ table: TradeTable; result: ParseResult<TradeRow> }> {
  let header: string[] | undefined;
  let kind: "dot1" | "dot3" | undefined;
  const rejects: Reject[] = [];
  const sums = new Map<string, TradeRow>();
  let linesRead = 0;
  const months = codes.months ?? acceptedMonths();
  const reject = (line: number, field: string, value: string, reason: string) =>
    rejects.push({ ...ctx, line, field, value, reason });
  for await (const { line, fields } of readCsvLines(file, ctx.file)) {
    if (!header) {
      header = fields.map((f) => f.trim().toUpperCase());
      kind = rawKind(header);
      if (!kind) expectHeader(header, header.includes("COMMODITY2") ? DOT3_HEADER : DOT1_HEADER, ctx.file);
      continue;
    }
    linesRead++;
    if (fields.length !== header.length) {
      reject(line, "row", fields.join(","), `expected ${header.length} fields, found ${fields.length}`);
      continue;
    }
    const get = (name: string) => (fields[header!.indexOf(name)] ?? "").trim();
    const direction = ({ "1": "export", "2": "import" } as const)[get("TRDTYPE") as "1" | "2"];
    if (!direction) {
      reject(line, "TRDTYPE", get("TRDTYPE"), "expected 1 (export) or 2 (import)");
      continue;
    }
    const port = get("DEPE");
    if (!/^\d{2}(\d{2}|XX)$/.test(port)) {
      reject(line, "DEPE", port, "expected a 4-character port code such as 2303 or 23XX");
      continue;
    }
    if (codes.ports && !codes.ports.has(port)) {
      reject(line, "DEPE", port, `unknown port code ${port}: not in the TransBorder port list`);
      continue;
    }
    const mode = DISAGMOT[get("DISAGMOT")];
    if (!mode) {
      reject(line, "DISAGMOT", get("DISAGMOT"), "expected a BTS mode code 1, 3..9");
      continue;
    }
    const country = COUNTRY_CODES[get("COUNTRY")];
    if (!country) {
      reject(line, "COUNTRY", get("COUNTRY"), "expected 1220 (Canada) or 2010 (Mexico)");
      continue;
    }
    const hs2 = kind === "dot3" ? get("COMMODITY2").padStart(2, "0") : "";
    if (kind === "dot3" && (!/^\d{2}$/.test(hs2) || (codes.hs2 && !codes.hs2.has(hs2)))) {
      reject(line, "COMMODITY2", get("COMMODITY2"), "unknown HS chapter");
      continue;
    }
    const month = Number(get("MONTH"));
    const year = Number(get("YEAR"));
    if (!(month >= 1 && month <= 12) || !/^\d+$/.test(get("MONTH"))) {
      reject(line, "MONTH", get("MONTH"), "expected a month number 1..12");
      continue;
    }
    if (!/^\d{4}$/.test(get("YEAR"))) {
      reject(line, "YEAR", get("YEAR"), "expected a four-digit year");
      continue;
    }
    const refusal = monthRefusal(toMonth(year, month), months);
    if (refusal) {
      reject(line, "YEAR", get("YEAR"), refusal);
      continue;
    }
    const nums: number[] = [];
    let bad = false;
    for (const f of ["VALUE", "SHIPWT", "FREIGHT_CHARGES"]) {
      const s = get(f);
      const reason = amountRefusal(f, s);
      if (reason) {
        reject(line, f, s, reason);
        bad = true;
        break;
      }
      nums.push(Number(s));
    }
    if (bad) continue;
    const [value, weight, freight] = nums as [number, number, number];
    const m = toMonth(year, month);
    const key = `${m}/${port}/${mode}/${direction}/${country}/${hs2}`;
    const noWeight = direction === "export" && mode !== "vessel" && mode !== "air";
    const prev = sums.get(key);
    if (prev) {
      prev.valueUsd += value;
      if (prev.weightKg !== null) prev.weightKg += weight;
      prev.freightUsd = (prev.freightUsd ?? 0) + freight;
    } else {
      sums.set(key, {
        portCode: port as PortCode,
        mode,
        direction,
        country,
        month: m,
        hs2,
        valueUsd: value,
        weightKg: noWeight ? null : weight,
        freightUsd: freight,
      });
    }
  }
  if (!header || !kind) throw new DataError(`${ctx.file}: the file is empty (no header)`);
  return {
    table: kind === "dot1" ? "port-mode" : "port-hs2",
    result: { rows: [...sums.values()], rejects, duplicatesDropped: 0, linesRead },
  };
}

/** True for a ZIP entry name that points outside the archive's folder (absolute, a drive, `..`). */
const escapes = (name: string) =>
  /^([/\\]|[A-Za-z]:)/.test(name) || name.split(/[/\\]/).includes("..") || name.includes("\0");

/**
 * The CSV members of a BTS monthly ZIP that we read (DOT1 and DOT3; DOT2 has no ports), unpacked within
 * limits (README "Limits"): at most LIMITS.zipEntries entries, none with a path that escapes the archive,
 * and at most LIMITS.zipBytes unpacked in all. The archive is fed to the inflater in small pieces, so a
 * "ZIP bomb" is stopped a few MB past the limit instead of being unpacked whole.
 */
export function unzipTransborder(
  zip: Buffer,
  label: string,
  limits: { entries: number; bytes: number } = { entries: LIMITS.zipEntries, bytes: LIMITS.zipBytes },
): { name: string; bytes: Buffer }[] {
  const names: string[] = [];
  const parts = new Map<string, Uint8Array[]>();
  let total = 0;
  let refusal: DataError | undefined;
  const refuse = (what: string, details: string[] = []) => {
    refusal ??= new DataError(`${label}: ${what}; nothing was read from it`, details);
    throw refusal;
  };
  const uz = new Unzip((f) => {
    names.push(f.name);
    if (names.length > limits.entries)
      refuse(`the ZIP holds more than ${limits.entries} entries (a TransBorder month holds 3 to 6)`);
    if (escapes(f.name)) refuse(`the ZIP entry ${JSON.stringify(f.name)} has a path outside the archive`);
    if (!/(^|\/)dot[13]_[^/]*\.csv$/i.test(f.name)) return;
    const chunks: Uint8Array[] = [];
    parts.set(f.name, chunks);
    f.ondata = (err, chunk) => {
      if (err) throw err;
      total += chunk.length;
      if (total > limits.bytes)
        refuse(`the ZIP unpacks to more than ${formatBytes(limits.bytes)} (at ${f.name})`, [
          `limit: ${formatBytes(limits.bytes)} unpacked (README "Limits")`,
        ]);
      chunks.push(chunk);
    };
    f.start();
  });
  uz.register(UnzipInflate);
  try {
    const step = 16 * 1024;
    for (let i = 0; i < zip.length; i += step)
      uz.push(
        new Uint8Array(zip.buffer, zip.byteOffset + i, Math.min(step, zip.length - i)),
        i + step >= zip.length,
      );
  } catch (e) {
    if (refusal) throw refusal;
    throw new DataError(
      `${label}: not a readable ZIP file (${(e as Error).message}); the download may be truncated`,
      [],
      { cause: e },
    );
  }
  if (names.length === 0)
    throw new DataError(`${label}: not a readable ZIP file (no entries); the download may be truncated`);
  const out = [...parts].map(([name, chunks]) => ({ name, bytes: Buffer.concat(chunks) }));
  if (out.length === 0)
    throw new DataError(`${label}: the ZIP holds no dot1_*.csv or dot3_*.csv file`, names);
  return out;
}

/** Fetches a raw TransBorder file (a monthly ZIP or a single DOT1/DOT3 CSV) and parses what it holds. */
export async function fetchRawTransborder(
  fetcher: Fetcher,
  url: string,
  codes: TradeCodes = {},
): Promise<{ table: TradeTable; result: ParseResult<TradeRow> }[]> {
  const body = await fetchBytes(fetcher, url);
  return parseRawTransborderBytes(body, url, codes);
}

/** Parses the bytes of a raw TransBorder ZIP or CSV (gzip or plain). */
export async function parseRawTransborderBytes(
  body: Buffer,
  label: string,
  codes: TradeCodes = {},
): Promise<{ table: TradeTable; result: ParseResult<TradeRow> }[]> {
  const isZip = body.length > 4 && body.readUInt32LE(0) === 0x04034b50;
  const members = isZip ? unzipTransborder(body, label) : [{ name: label, bytes: body }];
  const out = [];
  for (const m of members) {
    const file = isZip ? `${label}!${m.name}` : label;
    out.push(await parseRawTransborderCsv(m.bytes, { source: TRANSBORDER_SOURCE, file }, codes));
  }
  return out;
}

/** A code list row: HS2 chapter with its names. */
export interface Hs2Code {
  hs2: string;
  description: string;
  shortName: string;
  group: string;
}

/** A TransBorder port code with its BTS and Schedule D names. */
export interface TradePortCode {
  portCode: string;
  portName: string;
  districtCode: string;
  districtName: string;
  inBtsCodeList: boolean;
  scheduleDName: string;
  scheduleDState: string;
}

async function readTable(
  file: string,
  header: readonly string[],
  label: string,
): Promise<Record<string, string>[]> {
  const out: Record<string, string>[] = [];
  let h: string[] | undefined;
  for await (const { fields } of readCsvLines(file, label)) {
    if (!h) {
      h = fields;
      expectHeader(h, header, label);
      continue;
    }
    out.push(Object.fromEntries(h.map((k, i) => [k, fields[i] ?? ""])));
  }
  return out;
}

/** Reads `codes_commodity_hs2.csv`. */
export async function parseHs2Codes(file: string, label: string): Promise<Hs2Code[]> {
  const rows = await readTable(file, ["commodity_hs2", "description", "short_name", "group"], label);
  return rows.map((r) => ({
    hs2: r.commodity_hs2!,
    description: r.description!,
    shortName: r.short_name!,
    group: r.group!,
  }));
}

/** Reads `codes_ports.csv`. */
export async function parseTradePortCodes(file: string, label: string): Promise<TradePortCode[]> {
  const rows = await readTable(
    file,
    [
      "port_code",
      "port_name",
      "district_code",
      "district_name",
      "in_bts_code_list",
      "schedule_d_name",
      "schedule_d_state",
      "appears_in_data_2020_2024",
    ],
    label,
  );
  return rows.map((r) => ({
    portCode: r.port_code!,
    portName: r.port_name!,
    districtCode: r.district_code!,
    districtName: r.district_name!,
    inBtsCodeList: r.in_bts_code_list === "True",
    scheduleDName: r.schedule_d_name!,
    scheduleDState: r.schedule_d_state!,
  }));
}

/** Reads `codes_modes.csv`. */
export async function parseModeCodes(
  file: string,
  label: string,
): Promise<{ code: string; mode: string; description: string }[]> {
  const rows = await readTable(file, ["disagmot_code", "mode", "description"], label);
  return rows.map((r) => ({ code: r.disagmot_code!, mode: r.mode!, description: r.description! }));
}
