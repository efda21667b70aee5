import type { Command } from "commander";
import cliProgress from "cli-progress";
import {
  applyIngest,
  compactMonths,
  DEFAULT_CROSSINGS_URL,
  loadKnownCodes,
  parseIngestSpec,
  readIngestSource,
  type IngestProgress,
  type IngestSummary,
  type TableChanges,
} from "../../services/ingest.ts";
import { emit, openStore, type GlobalOptions, type Io } from "../context.ts";
import type { View } from "../format.ts";
import type { Store } from "../../store/db.ts";

interface IngestFlags {
  url?: string;
  file?: string;
  since?: string;
  pageSize?: string;
  skipBadRows?: boolean;
}

/** Registers `ingest <source>`. */
export function registerIngest(program: Command, io: Io): void {
  program
    .command("ingest")
    .description(
      "load a newer release of a live source into the database: the port-months it holds replace the stored ones, in one transaction",
    )
    .argument(
      "<source>",
      "bts-crossings (BTS Border Crossing/Entry Data) or transborder (raw monthly TransBorder)",
    )
    .option("--url <url>", `where to download from (bts-crossings default: ${DEFAULT_CROSSINGS_URL})`)
    .option(
      "--file <path>",
      "read a downloaded file: a BTS crossings CSV export, or a TransBorder ZIP / DOT1 / DOT3 CSV",
    )
    .option("--since <YYYY-MM>", "only months from this one on")
    .option("--page-size <n>", "records per API request (bts-crossings from the API)")
    .option(
      "--skip-bad-rows",
      "store the valid rows even when some are rejected (the rejects are still listed)",
    )
    .action(async (source: string, flags: IngestFlags, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const req = parseIngestSpec({
        source,
        url: flags.url,
        file: flags.file,
        since: flags.since,
        pageSize: flags.pageSize,
        skipBadRows: flags.skipBadRows,
      });
      const progress = progressReporter(io);
      try {
        // The database is opened for writing only once the download is read and valid: DuckDB lets no
        // other process open a file while one writes to it.
        const codes = await withStore(g, true, loadKnownCodes);
        const read = await readIngestSource(req, codes, { onProgress: progress.update });
        const summary = await withStore(g, false, (store) =>
          applyIngest(store, req, read, { onProgress: progress.update }),
        );
        progress.stop();
        emit(io, g, summary, () => ingestView(summary));
      } finally {
        progress.stop();
      }
    });
}

async function withStore<T>(
  g: GlobalOptions,
  readOnly: boolean,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openStore(g, readOnly);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

/** A progress bar on a terminal; otherwise one short line per step on stderr. */
function progressReporter(io: Io): { update: (p: IngestProgress) => void; stop: () => void } {
  if (!io.isTty) return { update: (p) => io.err(`ingest: ${p.label}\n`), stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "ingest [{bar}] {label}",
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  return {
    update: (p) => {
      const total = Math.max(p.total ?? p.done, p.done, 1);
      if (!running) {
        bar.start(total, p.done, { label: p.label });
        running = true;
        return;
      }
      bar.setTotal(total);
      bar.update(p.done, { label: p.label });
    },
    stop: () => {
      if (running) bar.stop();
      running = false;
    },
  };
}

function ingestView(s: IngestSummary): View {
  const months = s.months.length ? `${s.months.length} month(s) (${compactMonths(s.months)})` : "no months";
  return {
    title: `ingest ${s.source} from ${s.origin}`,
    lines: [
      `${s.rowsRead} rows read, ${s.rejected} rejected${s.duplicatesDropped ? `, ${s.duplicatesDropped} exact duplicates dropped` : ""}; ${months}`,
      s.changed ? "the store was updated:" : "no changes: the store already holds these values",
    ],
    tables: [
      {
        columns: [
          { label: "table", value: (t: TableChanges) => t.table },
          { label: "months", value: (t: TableChanges) => t.months.length, format: "int" },
          { label: "new rows", value: (t: TableChanges) => t.rows, format: "int" },
          { label: "inserted", value: (t: TableChanges) => t.inserted, format: "int" },
          { label: "changed", value: (t: TableChanges) => t.changed, format: "int" },
          { label: "removed", value: (t: TableChanges) => t.removed, format: "int" },
          { label: "unchanged", value: (t: TableChanges) => t.unchanged, format: "int" },
        ],
        rows: s.tables,
      },
    ],
    notes: [
      ...s.notes,
      ...s.rejects.map((r) => `rejected: ${r}`),
      ...(s.rejectsNotShown ? [`... and ${s.rejectsNotShown} more rejected`] : []),
    ],
  };
}
