import { z } from "zod";
import { BTS_BORDER_LABELS, type Border, type PortCode } from "../domain/ports.ts";
import { normaliseMeasure, type Measure } from "../domain/measures.ts";
import { MonthSchema, toMonth, type Month } from "../domain/units.ts";
import { DataError } from "../domain/errors.ts";
import type { Reject } from "../domain/rejects.ts";
import { expectHeader, readCsvLines, readCsvRecords } from "./csv.ts";
import {
  acceptedMonths,
  countRefusal,
  KeyedRows,
  monthRefusal,
  pivotTwoDigitYear,
  rejectFromZod,
  type MonthBounds,
  type ParseResult,
  type RowContext,
} from "./validate.ts";
import { fetchJson, type Fetcher, type Progress } from "./fetcher.ts";

/** BTS Border Crossing/Entry Data, data.bts.gov dataset keg4-3bc2 (Socrata). */
export const BTS_CROSSINGS_SOURCE = "bts-crossings";
/** The Socrata resource URL of dataset keg4-3bc2. */
export const BTS_CROSSINGS_URL = "https://data.bts.gov/resource/keg4-3bc2.json";

/** One validated monthly count: inbound crossings at a port in a month, in the measure's unit. */
export interface CrossingRow {
  portCode: PortCode;
  month: Month;
  measure: Measure;
  value: number;
}

/** A port as a crossings source describes it. */
export interface CrossingPortInfo {
  code: PortCode;
  name: string;
  state: string;
  border: Border;
  latitude: number;
  longitude: number;
}

/** Crossings plus the ports named in them. */
export interface CrossingsResult extends ParseResult<CrossingRow> {
  ports: Map<string, CrossingPortInfo>;
}

/** Columns of the snapshot's cleaned crossings files (../shared/data/raw/bts-border-crossing). */
export const CROSSINGS_HEADER = [
  "port_code",
  "port_name",
  "state",
  "border",
  "month",
  "measure",
  "value",
  "latitude",
  "longitude",
] as const;

/** Columns of the BTS CSV export of keg4-3bc2 ("Export" button on data.bts.gov). */
export const BTS_EXPORT_HEADER = [
  "Port Name",
  "State",
  "Port Code",
  "Border",
  "Date",
  "Measure",
  "Value",
  "Latitude",
  "Longitude",
  "Point",
] as const;

/** Columns of the ports file next to the crossings files. */
export const PORTS_HEADER = [
  "port_code",
  "port_name",
  "state",
  "border",
  "latitude",
  "longitude",
  "first_month",
  "last_month",
  "rows",
] as const;

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/**
 * Reads the month of a BTS date in any of the forms the dataset is seen in: `2024-01`,
 * `2024-01-01T00:00:00.000` (Socrata JSON), `Jan 2024` (BTS CSV), `Jan-24` (spreadsheet re-save; the
 * two-digit year by {@link pivotTwoDigitYear}), `01/01/2024 12:00:00 AM` (Socrata CSV export). Refuses,
 * with the reason, a date in none of these forms and a month outside `bounds` (before 1990, after next
 * month).
 */
export function readBtsMonth(
  s: string,
  bounds: MonthBounds = acceptedMonths(),
): { month: Month } | { reason: string } {
  const t = s.trim();
  let year: number | undefined;
  let mon: number | undefined;
  let m = /^(\d{4})-(\d{2})(-\d{2}(T[\d:.]+Z?)?)?$/.exec(t);
  if (m) [year, mon] = [Number(m[1]), Number(m[2])];
  else if ((m = /^([A-Za-z]{3})[a-z]*[ -](\d{2}|\d{4})$/.exec(t))) {
    mon = MONTHS[m[1]!.toLowerCase()];
    if (mon === undefined) return { reason: `"${t}": unknown month name "${m[1]}"` };
    if (m[2]!.length === 4) year = Number(m[2]);
    else {
      const p = pivotTwoDigitYear(Number(m[2]), mon, bounds);
      if ("reason" in p) return p;
      year = p.year;
    }
  } else if ((m = /^(\d{1,2})\/\d{1,2}\/(\d{4})/.exec(t))) [year, mon] = [Number(m[2]), Number(m[1])];
  if (year === undefined || mon === undefined)
    return { reason: `"${t}" is not a date (expected 2024-01, Jan 2024, Jan-24 or 01/01/2024)` };
  if (mon < 1 || mon > 12) return { reason: `"${t}": month ${mon} is not 1..12` };
  const month = toMonth(year, mon);
  const refusal = monthRefusal(month, bounds);
  return refusal ? { reason: refusal } : { month };
}

const count = (field: string) =>
  z.string().superRefine((s, c) => {
    const reason = countRefusal(field, s);
    if (reason) c.addIssue({ code: "custom", message: reason });
  });

const coordinate = (lo: number, hi: number) =>
  z
    .string()
    .refine((s) => s.trim() === "" || (Number.isFinite(Number(s)) && Number(s) >= lo && Number(s) <= hi), {
      message: `must be a number between ${lo} and ${hi}`,
    });

/** One crossings record in whatever source shape, as strings, before validation (months within `bounds`). */
const crossingRecordSchema = (bounds: MonthBounds) =>
  z.object({
    ...CrossingRecordFields,
    month: z.string().transform((s, c) => {
      const r = readBtsMonth(s, bounds);
      if ("reason" in r) {
        c.addIssue({ code: "custom", message: r.reason });
        return z.NEVER;
      }
      return r.month;
    }),
  });

const CrossingRecordFields = {
  port_code: z
    .string()
    .transform((s) => s.trim().padStart(4, "0"))
    .pipe(z.string().regex(/^\d{4}$/, "expected a 4-digit CBP port code, e.g. 2303")),
  port_name: z.string().trim().min(1, "port name is empty"),
  state: z.string().trim(),
  border: z.string().refine((b) => b in BTS_BORDER_LABELS, {
    message: `expected "US-Mexico Border" or "US-Canada Border"`,
  }),
  measure: z.string().refine((m) => normaliseMeasure(m) !== undefined, {
    message: "unknown measure (expected a BTS measure such as Trucks, Trains, Pedestrians)",
  }),
  value: count("value"),
  latitude: coordinate(-90, 90),
  longitude: coordinate(-180, 180),
};
type CrossingRecord = z.input<ReturnType<typeof crossingRecordSchema>>;
const CrossingRecordSchema = z.object(CrossingRecordFields);

/** Validates crossings records (one per line or JSON object) into rows, ports and rejects. */
export class CrossingsValidator {
  readonly rejects: Reject[] = [];
  readonly ports = new Map<string, CrossingPortInfo>();
  private readonly keyed: KeyedRows<CrossingRow>;
  linesRead = 0;

  private readonly schema: ReturnType<typeof crossingRecordSchema>;

  /**
   * @param knownPorts the port codes accepted; a row with another code is rejected. Undefined accepts any.
   * @param months the months accepted (default: 1990-01 to next month by the system clock).
   */
  constructor(
    private readonly ctx: RowContext,
    private readonly knownPorts?: ReadonlySet<string>,
    months: MonthBounds = acceptedMonths(),
  ) {
    this.keyed = new KeyedRows(ctx, this.rejects);
    this.schema = crossingRecordSchema(months);
  }

  add(raw: Partial<CrossingRecord>, line: number): void {
    this.linesRead++;
    const parsed = this.schema.safeParse(raw);
    if (!parsed.success) {
      this.rejects.push(rejectFromZod(this.ctx, line, raw, parsed.error));
      return;
    }
    const r = parsed.data;
    const code = r.port_code as PortCode;
    if (this.knownPorts && !this.knownPorts.has(code)) {
      this.rejects.push({
        ...this.ctx,
        line,
        field: "port_code",
        value: r.port_code,
        reason: `unknown port code ${r.port_code} (${r.port_name}): not in the ports table`,
      });
      return;
    }
    if (!this.ports.has(code)) {
      this.ports.set(code, {
        code,
        name: r.port_name,
        state: r.state,
        border: BTS_BORDER_LABELS[r.border]!,
        latitude: Number(r.latitude),
        longitude: Number(r.longitude),
      });
    }
    const measure = normaliseMeasure(r.measure)!;
    const row: CrossingRow = { portCode: code, month: r.month, measure, value: Number(r.value) };
    this.keyed.add(`${code}/${r.month}/${measure}`, r.value, line, row, "value");
  }

  result(): CrossingsResult {
    return {
      rows: this.keyed.rows,
      rejects: this.rejects,
      duplicatesDropped: this.keyed.duplicatesDropped,
      linesRead: this.linesRead,
      ports: this.ports,
    };
  }
}

function recordFromFields(header: string[], fields: string[]): Partial<CrossingRecord> {
  const get = (name: string) => fields[header.indexOf(name)];
  if (header[0] === "port_code") {
    return Object.fromEntries(header.map((h, i) => [h, fields[i]])) as Partial<CrossingRecord>;
  }
  return {
    port_code: get("Port Code"),
    port_name: get("Port Name"),
    state: get("State"),
    border: get("Border"),
    month: get("Date"),
    measure: get("Measure"),
    value: get("Value"),
    latitude: get("Latitude"),
    longitude: get("Longitude"),
  } as Partial<CrossingRecord>;
}

/**
 * Parses a crossings CSV: the snapshot's cleaned layout or the BTS export layout (told apart by the
 * header; any other header is an error). Rows with the wrong number of fields are rejected.
 */
export async function parseCrossingsCsv(
  file: string | Buffer,
  ctx: RowContext,
  knownPorts?: ReadonlySet<string>,
  months?: MonthBounds,
): Promise<CrossingsResult> {
  const v = new CrossingsValidator(ctx, knownPorts, months);
  await readCsvRecords(
    file,
    ctx.file,
    (h) => (h[0] === "port_code" ? CROSSINGS_HEADER : BTS_EXPORT_HEADER),
    ({ line, header, fields }) => v.add(recordFromFields(header, fields), line),
    (line, fields, reason) => {
      v.linesRead++;
      v.rejects.push({ ...ctx, line, field: "row", value: fields.join(","), reason });
    },
  );
  return v.result();
}

/** One port as listed in the ports file of the snapshot's raw folder. */
export interface PortListing extends CrossingPortInfo {
  firstMonth: Month;
  lastMonth: Month;
}

/** Parses `bts_border_crossing_ports.csv` (one row per port). */
export async function parsePortsCsv(file: string, ctx: RowContext): Promise<ParseResult<PortListing>> {
  const rows: PortListing[] = [];
  const rejects: Reject[] = [];
  let header: string[] | undefined;
  let linesRead = 0;
  for await (const { line, fields } of readCsvLines(file, ctx.file)) {
    if (!header) {
      header = fields;
      expectHeader(header, PORTS_HEADER, ctx.file);
      continue;
    }
    linesRead++;
    const raw = Object.fromEntries(header.map((h, i) => [h, fields[i] ?? ""]));
    const parsed = CrossingRecordSchema.pick({
      port_code: true,
      port_name: true,
      state: true,
      border: true,
      latitude: true,
      longitude: true,
    })
      .extend({ first_month: MonthSchema, last_month: MonthSchema })
      .safeParse(raw);
    if (!parsed.success) {
      rejects.push(rejectFromZod(ctx, line, raw, parsed.error));
      continue;
    }
    const p = parsed.data;
    rows.push({
      code: p.port_code as PortCode,
      name: p.port_name,
      state: p.state,
      border: BTS_BORDER_LABELS[p.border]!,
      latitude: Number(p.latitude),
      longitude: Number(p.longitude),
      firstMonth: p.first_month,
      lastMonth: p.last_month,
    });
  }
  return { rows, rejects, duplicatesDropped: 0, linesRead };
}

/** Options for fetching crossings from the Socrata API. */
export interface FetchCrossingsOptions {
  fetcher: Fetcher;
  /** Resource URL; defaults to the public data.bts.gov endpoint. */
  url?: string;
  /** Only months from this one on (`$where=date >= ...`). */
  since?: Month;
  /** Rows per page (Socrata's `$limit`). */
  pageSize?: number;
  knownPorts?: ReadonlySet<string>;
  /** The months accepted (default: 1990-01 to next month by the system clock). */
  months?: MonthBounds;
  onProgress?: Progress;
}

/**
 * Fetches keg4-3bc2 page by page (`$limit`/`$offset`, ordered so pages are stable) and validates every
 * record. A page that is not a JSON array of objects is an error; nothing is returned half-read.
 */
export async function fetchCrossings(opts: FetchCrossingsOptions): Promise<CrossingsResult> {
  const base = opts.url ?? BTS_CROSSINGS_URL;
  const pageSize = opts.pageSize ?? 50_000;
  const v = new CrossingsValidator(
    { source: BTS_CROSSINGS_SOURCE, file: base },
    opts.knownPorts,
    opts.months,
  );
  let offset = 0;
  for (let page = 1; ; page++) {
    const u = new URL(base);
    u.searchParams.set("$limit", String(pageSize));
    u.searchParams.set("$offset", String(offset));
    u.searchParams.set("$order", "port_code,date,measure");
    if (opts.since) u.searchParams.set("$where", `date >= '${opts.since}-01T00:00:00.000'`);
    const body = await fetchJson(opts.fetcher, u.toString());
    if (!Array.isArray(body)) {
      throw new DataError(`${u}: expected a JSON array of records, got ${typeof body}`);
    }
    body.forEach((rec, i) => {
      const line = offset + i + 1;
      if (typeof rec !== "object" || rec === null) {
        v.linesRead++;
        v.rejects.push({
          source: BTS_CROSSINGS_SOURCE,
          file: base,
          line,
          field: "record",
          value: String(rec),
          reason: "not a JSON object",
        });
        return;
      }
      const r = rec as Record<string, unknown>;
      const str = (k: string) => (r[k] === undefined || r[k] === null ? undefined : String(r[k]));
      v.add(
        {
          port_code: str("port_code"),
          port_name: str("port_name"),
          state: str("state") ?? "",
          border: str("border"),
          month: str("date"),
          measure: str("measure"),
          value: str("value"),
          latitude: str("latitude") ?? "",
          longitude: str("longitude") ?? "",
        } as Partial<CrossingRecord>,
        line,
      );
    });
    offset += body.length;
    opts.onProgress?.({ done: offset, label: `page ${page}` });
    if (body.length < pageSize) break;
  }
  return v.result();
}
