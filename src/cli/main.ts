import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { DataError, InputError, StoreError, UnavailableError } from "../domain/errors.ts";
import { registerAtlas } from "./commands/atlas.ts";
import { registerScenario } from "./commands/scenario.ts";
import { registerEvents } from "./commands/events.ts";
import { registerServe } from "./commands/serve.ts";
import { registerIngest } from "./commands/ingest.ts";
import { registerWaits } from "./commands/waits.ts";
import { registerEncounters } from "./commands/encounters.ts";
import { registerOfficers, registerStory, registerSurge } from "./commands/surge.ts";
import { processIo, type Io } from "./context.ts";

/**
 * Exit codes (README "Exit codes"): 0 ok; 2 usage or input (a bad flag or value, an unknown port, a scenario
 * with problems); 3 data refused (a source file or response that cannot be accepted; nothing stored); 4 store
 * (database or archive locked, damaged, or not writable: disk full, permissions); 5 unavailable (port in use,
 * a run over the server's limits); 70 internal error (a bug).
 */
export const EXIT = { ok: 0, input: 2, data: 3, store: 4, unavailable: 5, internal: 70 } as const;

/** Builds the `borderflow` command. */
export function buildProgram(io: Io = processIo): Command {
  const program = new Command("borderflow")
    .description(
      "U.S. land ports of entry as a system of flows: crossings, trade, disruptions — from real public data",
    )
    .option(
      "--db <path>",
      "DuckDB database file, or :memory: (env BORDERFLOW_DB; default ~/.local/share/borderflow/borderflow.duckdb)",
    )
    .option("--snapshot <dir>", "snapshot folder a new database is built from (env BORDERFLOW_SNAPSHOT)")
    .option("--json", "print JSON")
    .option("--csv", "print CSV")
    .showHelpAfterError()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  registerAtlas(program, io);
  registerScenario(program, io);
  registerEvents(program, io);
  registerServe(program, io);
  registerIngest(program, io);
  registerWaits(program, io);
  registerEncounters(program, io);
  registerSurge(program, io);
  registerStory(program, io);
  registerOfficers(program, io);
  return program;
}

/** Runs the CLI with arguments and maps errors to messages and exit codes. Returns the exit code. */
export async function runCli(argv: string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(io).exitOverride();
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (e) {
    return reportError(e, io);
  }
}

function reportError(e: unknown, io: Io): number {
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help")
      return EXIT.ok;
    return EXIT.input;
  }
  if (e instanceof InputError) {
    io.err(`borderflow: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ""}`);
    return EXIT.input;
  }
  if (e instanceof DataError) {
    io.err(`borderflow: ${e.message}\n${e.details.map((d) => `  ${d}\n`).join("")}`);
    return EXIT.data;
  }
  if (e instanceof StoreError) {
    io.err(`borderflow: ${e.message}\n`);
    return EXIT.store;
  }
  if (e instanceof UnavailableError) {
    io.err(`borderflow: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ""}`);
    return EXIT.unavailable;
  }
  const err = e as NodeJS.ErrnoException;
  // The system refusing to write (wherever it happened) is a store problem, not a bug.
  if (err?.code === "ENOSPC" || /No space left on device|disk is full/i.test(err?.message ?? "")) {
    io.err(`borderflow: the disk is full: ${err.message}\nhint: free some space; nothing was half-written\n`);
    return EXIT.store;
  }
  if (err?.code === "EACCES" || err?.code === "EROFS" || err?.code === "EPERM") {
    io.err(`borderflow: permission denied: ${err.message}\n`);
    return EXIT.store;
  }
  io.err(
    `borderflow: internal error: ${err?.message ?? String(e)}\n${process.env.BORDERFLOW_DEBUG ? `${err?.stack}\n` : "(set BORDERFLOW_DEBUG=1 for the stack)\n"}`,
  );
  return EXIT.internal;
}

/** True when this module is the script node was started with (`node src/cli/main.ts`), symlinks resolved. */
function isEntry(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// bin/borderflow.js calls runCli itself, so a bin reached through any symlink (npm link, npm install -g,
// npx) runs the same way.
if (isEntry()) process.exitCode = await runCli(process.argv.slice(2));
