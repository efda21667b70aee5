import { z } from "zod";
import type { Reject } from "../domain/rejects.ts";
import { readCsvRecords } from "./csv.ts";
import { rejectFromZod, type ParseResult, type RowContext } from "./validate.ts";

/** Columns of data/reference/port-areas.csv: each port's OFO field office and USBP sector, each with its source. */
export const PORT_AREAS_HEADER = [
  "port_code",
  "port_name",
  "state",
  "border",
  "field_office",
  "field_office_verification",
  "field_office_source",
  "field_office_url",
  "field_office_quote",
  "sector",
  "sector_verification",
  "sector_source",
  "sector_url",
  "sector_quote",
  "note",
] as const;

/** How sure a mapping is: read in the issuing body's text, read in a secondary copy, or reasoned (reason given). */
export const VERIFICATIONS = ["verified", "reported", "inferred"] as const;

/** One port's field office and sector, each with its source. */
export interface PortAreaRow {
  portCode: string;
  portName: string;
  border: "mexico" | "canada";
  fieldOffice: string;
  fieldOfficeVerification: (typeof VERIFICATIONS)[number];
  fieldOfficeSource: string;
  fieldOfficeUrl: string;
  fieldOfficeQuote: string;
  sector: string;
  sectorVerification: (typeof VERIFICATIONS)[number];
  sectorSource: string;
  sectorUrl: string;
  sectorQuote: string;
  note: string;
}

const verification = z.enum(VERIFICATIONS, { message: `expected one of ${VERIFICATIONS.join(", ")}` });
const RowSchema = z
  .object({
    port_code: z.string().regex(/^\d{4}$/, "expected a 4-digit CBP port code"),
    port_name: z.string().trim().min(1, "is empty"),
    state: z.string(),
    border: z.enum(["mexico", "canada"], { message: "expected mexico or canada" }),
    field_office: z
      .string()
      .regex(/^[A-Z][A-Za-z .]+ Field Office$/, 'expected a name ending in "Field Office"'),
    field_office_verification: verification,
    field_office_source: z.string().trim().min(1, "a mapping needs its source"),
    field_office_url: z.string(),
    field_office_quote: z.string().trim().min(1, "a mapping needs the words it rests on"),
    sector: z.string().regex(/^[A-Z][A-Za-z .]+ Sector$/, 'expected a name ending in "Sector"'),
    sector_verification: verification,
    sector_source: z.string().trim().min(1, "a mapping needs its source"),
    sector_url: z.string(),
    sector_quote: z.string().trim().min(1, "a mapping needs the words it rests on"),
    note: z.string(),
  })
  .superRefine((r, c) => {
    for (const k of ["field_office", "sector"] as const) {
      if (r[`${k}_verification`] !== "inferred" && !/^https?:\/\//.test(r[`${k}_url`]))
        c.addIssue({
          code: "custom",
          path: [`${k}_url`],
          message: "a verified or reported mapping needs a URL",
        });
    }
  });

/** Reads the port → field office and sector table (one row per port, each with its sources). */
export async function parsePortAreasCsv(file: string, ctx: RowContext): Promise<ParseResult<PortAreaRow>> {
  const rows: PortAreaRow[] = [];
  const rejects: Reject[] = [];
  const seen = new Set<string>();
  let linesRead = 0;
  await readCsvRecords(
    file,
    ctx.file,
    () => PORT_AREAS_HEADER,
    ({ line, header, fields }) => {
      linesRead++;
      const raw = Object.fromEntries(header.map((h, i) => [h, fields[i]!]));
      const p = RowSchema.safeParse(raw);
      if (!p.success) return void rejects.push(rejectFromZod(ctx, line, raw, p.error));
      const r = p.data;
      if (seen.has(r.port_code))
        return void rejects.push({
          ...ctx,
          line,
          field: "port_code",
          value: r.port_code,
          reason: "port listed twice",
        });
      seen.add(r.port_code);
      rows.push({
        portCode: r.port_code,
        portName: r.port_name,
        border: r.border,
        fieldOffice: r.field_office,
        fieldOfficeVerification: r.field_office_verification,
        fieldOfficeSource: r.field_office_source,
        fieldOfficeUrl: r.field_office_url,
        fieldOfficeQuote: r.field_office_quote,
        sector: r.sector,
        sectorVerification: r.sector_verification,
        sectorSource: r.sector_source,
        sectorUrl: r.sector_url,
        sectorQuote: r.sector_quote,
        note: r.note,
      });
    },
    (line, fields, reason) => {
      linesRead++;
      rejects.push({ ...ctx, line, field: "row", value: fields.join(",").slice(0, 80), reason });
    },
  );
  return { rows, rejects, duplicatesDropped: 0, linesRead };
}
