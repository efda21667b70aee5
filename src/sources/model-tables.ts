// The scenario model's reference tables: small sourced CSV files kept in the repository (data/model/), each
// row with its source and verification flag, validated and vendored into the snapshot as Parquet by the
// snapshot build. The product reads them from the store, never from the CSV or from ../shared.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { DataError } from "../domain/errors.ts";
import { SCENARIO_MODES } from "../domain/scenario.ts";
import { splitCsvLine } from "./csv.ts";

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "expected a month YYYY-MM");
const verification = z.enum(["verified", "reported", "inferred"], {
  message: "verification is verified, reported or inferred",
});
/** A `;`-separated list of text items. */
const textList = z.string().transform((s) =>
  s
    .split(";")
    .map((x) => x.trim())
    .filter(Boolean),
);
const modeList = textList.pipe(
  z.array(z.enum(SCENARIO_MODES, { message: `expected modes from ${SCENARIO_MODES.join(", ")}` })),
);
const sourced = {
  source_urls: z.string().min(1, "every row names its source"),
  source_dates: z.string(),
  verification,
};

/** One model table: its CSV in data/model, its row schema and how a row becomes a store row. */
interface ModelTable<S extends z.ZodType> {
  file: string;
  schema: S;
  toRow: (r: z.output<S>) => (string | number | boolean | null)[];
}

const table = <S extends z.ZodType>(t: ModelTable<S>) => t;

/** Every model table, by store table name. The DDL of each is in src/store/schema.ts. */
export const MODEL_TABLES = {
  anomalous_periods: table({
    file: "anomalous-periods.csv",
    schema: z
      .object({
        id: z.string().min(1),
        from_month: month,
        to_month: month,
        border: z.enum(["mexico", "canada", "both"]),
        modes: modeList,
        reason: z.string().min(1),
        ...sourced,
      })
      .refine((r) => r.from_month <= r.to_month, { message: "from_month is after to_month" }),
    toRow: (r) => [
      r.id,
      r.from_month,
      r.to_month,
      r.border,
      r.modes.join(";"),
      r.reason,
      r.source_urls,
      r.source_dates,
      r.verification,
    ],
  }),
  rail_corridors: table({
    file: "rail-corridors.csv",
    schema: z
      .object({
        port_code: z.string().regex(/^\d{4}$/, "expected a 4-digit port code"),
        crossing: z.string().min(1),
        us_railroads: textList.pipe(z.array(z.string()).min(1, "name the U.S. railroads")),
        foreign_railroads: textList.pipe(z.array(z.string()).min(1, "name the foreign railroads")),
        inbound_trains_per_day_max: z
          .string()
          .transform((v) => (v === "" ? null : Number(v)))
          .pipe(z.number().min(0).nullable()),
        valid_from: z.union([month, z.literal("")]),
        valid_to: z.union([month, z.literal("")]),
        capacity_basis: z.string(),
        ...sourced,
      })
      .refine((r) => !r.valid_from || !r.valid_to || r.valid_from <= r.valid_to, {
        message: "valid_from is after valid_to",
      }),
    toRow: (r) => [
      r.port_code,
      r.crossing,
      r.us_railroads.join(";"),
      r.foreign_railroads.join(";"),
      r.inbound_trains_per_day_max,
      r.valid_from || null,
      r.valid_to || null,
      r.capacity_basis,
      r.source_urls,
      r.source_dates,
      r.verification,
    ],
  }),
  port_hours: table({
    file: "port-hours.csv",
    schema: z
      .object({
        port_code: z.string().regex(/^\d{4}$/, "expected a 4-digit port code"),
        crossing: z.string().min(1),
        open_from: z.coerce.number().int().min(0).max(23),
        open_to: z.coerce.number().int().min(1).max(24),
        lanes: z.coerce.number().int().min(1),
        lanes_assumed: z.enum(["yes", "no"]),
        note: z.string(),
        ...sourced,
      })
      .refine((r) => r.open_from < r.open_to, { message: "open_from is not before open_to" }),
    toRow: (r) => [
      r.port_code,
      r.crossing,
      r.open_from,
      r.open_to,
      r.lanes,
      r.lanes_assumed === "yes",
      r.note,
      r.source_urls,
      r.source_dates,
      r.verification,
    ],
  }),
  traffic_profiles: table({
    file: "traffic-profiles.csv",
    schema: z
      .object({
        mode: z.enum(SCENARIO_MODES),
        kind: z.enum(["weekday", "hour"]),
        index: z.coerce.number().int().min(0).max(23),
        weight: z.coerce.number().min(0),
        basis: z.string().min(1),
        source_urls: z.string().min(1),
        source_dates: z.string(),
        verification,
      })
      .refine((r) => r.kind === "hour" || r.index <= 6, { message: "a weekday index is 0 (Monday) to 6" }),
    toRow: (r) => [r.mode, r.kind, r.index, r.weight, r.basis, r.source_urls, r.source_dates, r.verification],
  }),
} as const;

export type ModelTableName = keyof typeof MODEL_TABLES;

/** Reads and validates one model table; every bad row is listed with its line and field. */
export function readModelTable<K extends ModelTableName>(
  dir: string,
  name: K,
): z.output<(typeof MODEL_TABLES)[K]["schema"]>[] {
  const t = MODEL_TABLES[name];
  const file = join(dir, t.file);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new DataError(`${file}: cannot read the model table (${(e as Error).message})`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "" && !l.startsWith("#"));
  const header = splitCsvLine(lines[0] ?? "") ?? [];
  const problems: string[] = [];
  const out: z.output<(typeof MODEL_TABLES)[K]["schema"]>[] = [];
  lines.slice(1).forEach((l, i) => {
    const fields = splitCsvLine(l);
    if (!fields || fields.length !== header.length) {
      problems.push(
        `${t.file} row ${i + 2}: ${fields ? `${fields.length} fields, expected ${header.length}` : "unclosed quote"}`,
      );
      return;
    }
    const r = t.schema.safeParse(Object.fromEntries(header.map((h, k) => [h, fields[k]])));
    if (r.success) out.push(r.data as z.output<(typeof MODEL_TABLES)[K]["schema"]>);
    else
      for (const iss of r.error.issues)
        problems.push(`${t.file} row ${i + 2}: ${iss.path.join(".")}: ${iss.message}`);
  });
  if (problems.length) throw new DataError(`${file}: ${problems.length} problem(s)`, problems);
  return out;
}
