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
