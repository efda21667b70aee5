import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { DataError, InputError, StoreError, UnavailableError } from "../domain/errors.ts";
import { processIo, type Io } from "./context.ts";

/**
 * Exit codes (README "Exit codes"): 0 ok; 2 usage or input (a bad flag or value, an unknown port, a scenario
 * with problems); 3 data refused (a source file or response that cannot be accepted; nothing stored); 4 store
 * (database or archive locked, damaged, or not writable: disk full, permissions); 5 unavailable (port in use,
 * a run over the server's limits); 70 internal error (a bug).
 */
export const EXIT = { ok: 0, input: 2, data: 3, store: 4, unavailable: 5, internal: 70 } as const;

type Register = (program: Command, io: Io) => void;

/**
 * The modules that define the commands, loaded only when asked for: a command loads its own services (a
 * one-query command neither fastify, piscina, the model nor the feed parsers), which is most of the CLI's
 * start-up (bench/startup.ts). In the order `--help` lists them.
 */
const COMMAND_MODULES = {
  atlas: async (): Promise<Register[]> => [(await import("./commands/atlas.ts")).registerAtlas],
  scenario: async (): Promise<Register[]> => [(await import("./commands/scenario.ts")).registerScenario],
  events: async (): Promise<Register[]> => [(await import("./commands/events.ts")).registerEvents],
  serve: async (): Promise<Register[]> => [(await import("./commands/serve.ts")).registerServe],
  ingest: async (): Promise<Register[]> => [(await import("./commands/ingest.ts")).registerIngest],
  waits: async (): Promise<Register[]> => [(await import("./commands/waits.ts")).registerWaits],
  encounters: async (): Promise<Register[]> => [
    (await import("./commands/encounters.ts")).registerEncounters,
  ],
  surge: async (): Promise<Register[]> => {
    const m = await import("./commands/surge.ts");
    return [m.registerSurge, m.registerStory, m.registerOfficers];
  },
} as const;
type CommandModule = keyof typeof COMMAND_MODULES;

/** Which module defines each top-level command (a test checks it against the commands the modules define). */
export const COMMAND_MODULE: Readonly<Record<string, CommandModule>> = {
  ports: "atlas",
  port: "atlas",
  crossings: "atlas",
  trade: "atlas",
  overview: "atlas",
  scenario: "scenario",
  events: "events",
  event: "events",
  backtest: "events",
  serve: "serve",
  ingest: "ingest",
  watch: "waits",
  waits: "waits",
  forecast: "waits",
  compact: "waits",
  encounters: "encounters",
  areas: "encounters",
  surge: "surge",
  story: "surge",
  officers: "surge",
};

/**
 * The command modules a command line needs: the one that defines its command, or every one (help, no
 * command, a name that is not a command: commander then lists them all or suggests the nearest).
 */
export function modulesFor(argv: readonly string[]): CommandModule[] {
  const all = Object.keys(COMMAND_MODULES) as CommandModule[];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--db" || a === "--snapshot") i++;
    else if (a === "--json" || a === "--csv" || a.startsWith("--db=") || a.startsWith("--snapshot="))
      continue;
    else {
      const m = Object.hasOwn(COMMAND_MODULE, a) ? COMMAND_MODULE[a] : undefined;
      return m ? [m] : all;
    }
  }
  return all;
}

/** Builds the `borderflow` command, with the commands of `modules` (default: every command). */
export async function buildProgram(
  io: Io = processIo,
  modules: readonly CommandModule[] = Object.keys(COMMAND_MODULES) as CommandModule[],
): Promise<Command> {
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
  const registers = await Promise.all(modules.map((m) => COMMAND_MODULES[m]()));
  for (const r of registers.flat()) r(program, io);
  return program;
}

/** Runs the CLI with arguments and maps errors to messages and exit codes. Returns the exit code. */
export async function runCli(argv: string[], io: Io = processIo): Promise<number> {
  const program = (await buildProgram(io, modulesFor(argv))).exitOverride();
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
