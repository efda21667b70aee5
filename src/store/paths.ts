import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// Where the snapshot and the database are, in a module of its own: a command that reads only Parquet files
// (`waits` over the archive and the snapshot's ports) needs these paths, not the store (src/store/db.ts).

/** The snapshot vendored with the package: `data/snapshot` next to `src/`. */
export const DEFAULT_SNAPSHOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../data/snapshot");

/**
 * Where the database lives unless told otherwise: `$BORDERFLOW_DB`, else
 * `$XDG_DATA_HOME/borderflow/borderflow.duckdb` (`~/.local/share/...`).
 */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BORDERFLOW_DB) return env.BORDERFLOW_DB;
  const base = env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(base, "borderflow", "borderflow.duckdb");
}
