import { accessSync, constants } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import type { Store } from "../store/db.ts";
import { renderView, renderViewCsv, type View } from "./format.ts";

/** Options every command takes. */
export interface GlobalOptions {
  db?: string;
  snapshot?: string;
  json?: boolean;
  csv?: boolean;
}

/** Where a command writes; injectable so tests can capture output. */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  isTty: boolean;
  /**
   * Writes to stdout and resolves once the text has left the process (handed to the pipe or terminal);
   * rejects when stdout is gone (EPIPE). For output that must not be lost, e.g. `watch`'s detections.
   */
  write?: (s: string) => Promise<void>;
}

export const processIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  isTty: Boolean(process.stderr.isTTY),
  write: (s) => new Promise((done, fail) => process.stdout.write(s, (e) => (e ? fail(e) : done()))),
};

/** Opens the store a command asks for (from --db, $BORDERFLOW_DB or the default path). */
export async function openStore(g: GlobalOptions, readOnly: boolean, io: Io = processIo): Promise<Store> {
  // Imported here, not at the top: commands that never open the database (waits over the archive) skip it.
  const { Store } = await import("../store/db.ts");
  const store = await Store.open({
    ...(g.db ? { path: g.db } : {}),
    ...(g.snapshot ? { snapshotDir: g.snapshot } : {}),
    readOnly,
  });
  const drift = await store.snapshotDrift();
  if (drift) io.err(driftNote(store.path, drift, canReplace(store.path)));
  return store;
}

/** Whether this process may delete and recreate a database file (the file and its folder writable). */
export function canReplace(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    accessSync(dirname(resolve(path)), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The note for a database built from an older snapshot than the one shipped: delete it to rebuild, or, when
 * this process cannot write it (a read-only file, folder or mount), answers come from the older snapshot
 * and a database at a writable path gets the new one.
 */
export function driftNote(
  path: string,
  drift: { database: string; vendored: string },
  writable: boolean,
): string {
  const head = `borderflow: note: ${path} was built from snapshot ${drift.database}; this version ships ${drift.vendored}. `;
  return writable
    ? head +
        "Delete the file to rebuild it from the new snapshot (data you ingested into it would have to be ingested again).\n"
    : head +
        "It cannot be written here (the file or its folder is read-only), so answers come from the older snapshot; " +
        "to use the new one, give --db (or $BORDERFLOW_DB) a path you can write (a new file is built from the snapshot there), " +
        "or ask the file's owner to delete it so the next run rebuilds it.\n";
}

/** Prints a result: JSON of the data with --json, CSV of the view's tables with --csv, else text. */
export function emit(io: Io, g: GlobalOptions, data: unknown, view: () => View): void {
  if (g.json) io.out(JSON.stringify(data, null, 2) + "\n");
  else if (g.csv) io.out(renderViewCsv(view()));
  else io.out(renderView(view()));
}

/** Runs a read-only query command: opens the store, runs, prints, closes. */
export function queryAction<A extends unknown[]>(
  io: Io,
  run: (store: Store, g: GlobalOptions, ...args: A) => Promise<{ data: unknown; view: () => View }>,
) {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const g = cmd.optsWithGlobals<GlobalOptions>();
    const store = await openStore(g, true, io);
    try {
      const r = await run(store, g, ...(args.slice(0, -1) as A));
      emit(io, g, r.data, r.view);
    } finally {
      store.close();
    }
  };
}

/** Splits comma-separated and repeated option values. */
export function list(value: string, previous: string[] = []): string[] {
  return previous.concat(
    value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
}
