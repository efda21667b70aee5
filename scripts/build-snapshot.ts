/**
 * Builds the vendored snapshot (data/snapshot/*.parquet, data/PROVENANCE.md) from the raw public files.
 * Usage: npm run snapshot -- [--raw ../shared/data/raw] [--out data/snapshot] [--allow-rejects]
 */
import { resolve } from "node:path";
import { Command } from "commander";
import { buildSnapshot } from "../src/services/build-snapshot.ts";
import { DataError } from "../src/domain/errors.ts";

const program = new Command("build-snapshot")
  .option("--raw <dir>", "raw data folder", "../shared/data/raw")
  .option("--out <dir>", "snapshot folder", "data/snapshot")
  .option("--allow-rejects", "build without the rows that fail validation", false)
  .parse();
const opts = program.opts<{ raw: string; out: string; allowRejects: boolean }>();

try {
  const report = await buildSnapshot({
    rawDir: resolve(opts.raw),
    outDir: resolve(opts.out),
    allowRejects: opts.allowRejects,
    onStep: (s) => process.stderr.write(`- ${s}\n`),
  });
  const m = report.manifest;
  console.log(`snapshot ${m.version} written to ${opts.out} in ${report.seconds.toFixed(1)} s`);
  for (const [t, c] of Object.entries(m.tables)) {
    console.log(
      `  ${t.padEnd(22)} ${String(c.rows).padStart(9)} rows ${c.from ? `${c.from} .. ${c.to}` : ""}`,
    );
  }
  console.log(`  rejected rows: ${m.rejects}; exact duplicates dropped: ${m.duplicatesDropped}`);
  const odd = report.portIdentity.filter((p) => !p.note.startsWith("not a land port"));
  console.log(`  port identities needing a note: ${odd.length} (see data/PROVENANCE.md)`);
} catch (e) {
  if (e instanceof DataError) {
    console.error(`build-snapshot: ${e.message}`);
    for (const d of e.details) console.error(`  ${d}`);
    process.exit(1);
  }
  throw e;
}
