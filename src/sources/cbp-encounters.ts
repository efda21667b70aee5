import { z } from "zod";
import type { Reject } from "../domain/rejects.ts";
import { MonthSchema, type Month } from "../domain/units.ts";
import {
  ENCOUNTER_FILES,
  type EncounterComponent,
  type EncounterFileKey,
  type EncounterRow,
} from "../domain/encounters.ts";
import { readCsvRecords } from "./csv.ts";
import {
  COUNT_RE,
  KeyedRows,
  numberReason,
  rejectFromZod,
  type ParseResult,
  type RowContext,
} from "./validate.ts";

/** The normalised columns every file of ../shared/data/raw/cbp-encounters starts with (its PROVENANCE.md). */
export const ENCOUNTER_BASE_HEADER = [
  "fiscal_year",
  "month",
  "land_border_region",
  "area_of_responsibility",
  "aor_type",
  "component",
  "demographic",
  "citizenship",
  "title",
  "count",
] as const;

/** The full header of each file: the base columns and the source fields it keeps after `count`. */
export const ENCOUNTER_HEADERS: Record<EncounterFileKey, readonly string[]> = {
  aor: [...ENCOUNTER_BASE_HEADER, "aor_abbv", "encounter_type"],
  swb: [...ENCOUNTER_BASE_HEADER, "encounter_type", "fy_status"],
  "sector-ohss": [...ENCOUNTER_BASE_HEADER, "aor_source_label"],
  "sector-cbp": [...ENCOUNTER_BASE_HEADER],
};

const COMPONENTS: Record<string, EncounterComponent> = {
  "U.S. Border Patrol": "USBP",
  "Office of Field Operations": "OFO",
};
const REGIONS = ["Southwest Land Border", "Northern Land Border", "Coastal Border", "Other"] as const;
const TITLES = ["Title 8", "Title 42", "All"] as const;

const RecordSchema = z
  .object({
    fiscal_year: z.string().regex(/^\d{4}$/, "expected a fiscal year such as 2024"),
    month: MonthSchema,
    land_border_region: z.enum(REGIONS, { message: `expected one of ${REGIONS.join(", ")}` }),
    area_of_responsibility: z.string().trim(),
    aor_type: z.enum(["sector", "field_office", ""], { message: "expected sector, field_office or empty" }),
    component: z.string().refine((c) => c in COMPONENTS, {
      message: `expected "U.S. Border Patrol" or "Office of Field Operations"`,
    }),
    demographic: z.string().trim().min(1, "is empty"),
    citizenship: z.string().trim().min(1, "is empty"),
    title: z.enum(TITLES, { message: `expected one of ${TITLES.join(", ")}` }),
    count: z.string().superRefine((s, c) => {
      if (!COUNT_RE.test(s)) c.addIssue({ code: "custom", message: `count ${numberReason(s, true)}` });
    }),
  })
  .superRefine((r, c) => {
    // A U.S. fiscal year runs October to September: Oct-Dec belong to the next year's FY.
    const y = Number(r.month.slice(0, 4));
    const fy = Number(r.month.slice(5, 7)) >= 10 ? y + 1 : y;
    if (Number(r.fiscal_year) !== fy)
      c.addIssue({
        code: "custom",
        path: ["fiscal_year"],
        message: `FY${r.fiscal_year} does not contain ${r.month} (that month is in FY${fy})`,
      });
    const suffix = { sector: " Sector", field_office: " Field Office", "": "" }[r.aor_type];
    if (r.aor_type === "" ? r.area_of_responsibility !== "" : !r.area_of_responsibility.endsWith(suffix))
      c.addIssue({
        code: "custom",
        path: ["area_of_responsibility"],
        message: r.aor_type
          ? `a ${r.aor_type.replace("_", " ")} name must end in "${suffix.trim()}"`
          : "an area without aor_type must be empty",
      });
    const comp = COMPONENTS[r.component];
    if ((r.aor_type === "sector" && comp !== "USBP") || (r.aor_type === "field_office" && comp !== "OFO"))
      c.addIssue({
        code: "custom",
        path: ["component"],
        message: `a ${r.aor_type.replace("_", " ")} belongs to ${r.aor_type === "sector" ? "the Border Patrol" : "the Office of Field Operations"}`,
      });
  });

/**
 * Parses one file of ../shared/data/raw/cbp-encounters (its header must be the documented one) into tidy
 * encounter rows. Every row is checked (fiscal year against month, area names against their type, component,
 * title, count); a repeated key with another count is rejected, an exact repeat dropped and counted.
 */
export async function parseEncountersCsv(
  file: string | Buffer,
  key: EncounterFileKey,
  ctx: RowContext,
): Promise<ParseResult<EncounterRow>> {
  const rejects: Reject[] = [];
  const keyed = new KeyedRows<EncounterRow>(ctx, rejects);
  let linesRead = 0;
  await readCsvRecords(
    file,
    ctx.file,
    () => ENCOUNTER_HEADERS[key],
    ({ line, header, fields }) => {
      linesRead++;
      const raw = Object.fromEntries(header.map((h, i) => [h, fields[i]!]));
      const parsed = RecordSchema.safeParse(raw);
      if (!parsed.success) {
        rejects.push(rejectFromZod(ctx, line, raw, parsed.error));
        return;
      }
      const r = parsed.data;
      const row: EncounterRow = {
        fiscalYear: Number(r.fiscal_year),
        month: r.month as Month,
        region: r.land_border_region,
        area: r.area_of_responsibility || null,
        areaType: r.aor_type || null,
        component: COMPONENTS[r.component]!,
        demographic: r.demographic,
        citizenship: r.citizenship,
        title: r.title,
        count: Number(r.count),
      };
      const k = [
        row.month,
        row.region,
        row.area,
        row.component,
        row.demographic,
        row.citizenship,
        row.title,
      ].join("|");
      keyed.add(k, r.count, line, row, "count");
    },
    (line, fields, reason) => {
      linesRead++;
      rejects.push({ ...ctx, line, field: "row", value: fields.join(",").slice(0, 80), reason });
    },
  );
  return { rows: keyed.rows, rejects, duplicatesDropped: keyed.duplicatesDropped, linesRead };
}

export { ENCOUNTER_FILES };
