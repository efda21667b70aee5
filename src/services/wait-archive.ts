import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { InputError } from "../domain/errors.ts";
import { DateSchema } from "../domain/wait-times.ts";
import { archiveDays, readManifest, WaitArchiveWriter } from "../store/wait-archive.ts";
import { closedThrough, compactArchive, type CompactionReport } from "../store/wait-compaction.ts";
import { keepRawSchema } from "./watch.ts";

/** `compact` as a user wrote it. */
export interface CompactSpec {
  archive: string;
  through?: string | undefined;
  keepRaw?: string | number | undefined;
}

/** What `borderflow compact` did and what the archive holds after it. */
export interface CompactSummary {
  archiveDir: string;
  through: string;
  report: CompactionReport;
  /** Days still in JSON Lines (the open days, and any appended late to a compacted day). */
  jsonlDays: string[];
  /** Compacted months: raw readings kept or dropped, readings, bytes on disk. */
  months: { month: string; days: number; readings: number; raw: boolean; bytes: number }[];
  jsonlBytes: number;
  parquetBytes: number;
}

const CompactSchema = z.object({
  through: DateSchema.optional(),
  keepRaw: keepRawSchema.optional(),
});

const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);

/**
 * Compacts the closed days of a wait-time archive (default: every UTC day that ended more than 6 hours ago;
 * `through` to stop earlier) into monthly Parquet, applying retention if asked. Takes the archive's writer
 * lock, so it is refused while a watcher writes there (the watcher compacts by itself).
 */
export async function compactWaitArchive(spec: CompactSpec, now: Date = new Date()): Promise<CompactSummary> {
  const parsed = CompactSchema.safeParse(
    Object.fromEntries(
      Object.entries({ through: spec.through, keepRaw: spec.keepRaw }).filter(([, v]) => v !== undefined),
    ),
  );
  if (!parsed.success)
    throw new InputError(
      parsed.error.issues
        .map((i) =>
          i.path[0] === "through" ? `--through ${JSON.stringify(spec.through)}: ${i.message}` : i.message,
        )
        .join("; "),
      "e.g. borderflow compact --keep-raw 365",
    );
  const closed = closedThrough(now);
  const through = parsed.data.through && parsed.data.through < closed ? parsed.data.through : closed;
  const dir = resolve(spec.archive);
  // Compacting makes nothing new: a path that holds no archive is a mistake, never a new empty archive.
  if (!existsSync(dir))
    throw new InputError(
      `no wait-time archive at ${dir}: the folder does not exist`,
      "give --archive (or $BORDERFLOW_ARCHIVE) the folder `borderflow watch` writes to",
    );
  if (!statSync(dir).isDirectory())
    throw new InputError(
      `--archive ${dir} is not a folder`,
      "give --archive (or $BORDERFLOW_ARCHIVE) the folder `borderflow watch` writes to",
    );
  const writer = WaitArchiveWriter.open(dir);
  let report: CompactionReport;
  try {
    report = await compactArchive(writer, {
      through,
      ...(parsed.data.keepRaw !== undefined ? { keepRawDays: parsed.data.keepRaw } : {}),
    });
  } finally {
    writer.close();
  }
  const manifest = readManifest(dir);
  const jsonlDays = archiveDays(dir, "readings");
  const months = Object.entries(manifest.months)
    .sort()
    .map(([month, m]) => ({
      month,
      days: m.days.length,
      readings: m.readings,
      raw: m.raw !== null,
      bytes: [m.raw, m.hourly, m.daily].reduce((n, f) => n + (f ? size(join(dir, f)) : 0), 0),
    }));
  const readingsDir = join(dir, "readings");
  return {
    archiveDir: dir,
    through,
    report,
    jsonlDays,
    months,
    jsonlBytes: existsSync(readingsDir)
      ? readdirSync(readingsDir).reduce((n, f) => n + size(join(readingsDir, f)), 0)
      : 0,
    parquetBytes: months.reduce((n, m) => n + m.bytes, 0),
  };
}
