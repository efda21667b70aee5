import { lookup } from "node:dns/promises";
import type { Command } from "commander";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError, UnavailableError } from "../../domain/errors.ts";
import { CACHE_LIMITS, isLoopback, LOG_LEVELS, LOOPBACK_NAMES, type LogLevel } from "../../api/limits.ts";
import { openStore, type GlobalOptions, type Io } from "../context.ts";

/** The dashboard's source folder and its build output. */
export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../web");
export const WEB_DIST = join(WEB_DIR, "dist");

function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "dist" || e.name === "node_modules") continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Makes sure there is a built dashboard to serve. An installed package ships web/dist only (built at pack time),
 * and serves it as it is. In a checkout, Vite (a devDependency) rebuilds it when web/dist is missing or older
 * than its sources (web/, src/model, src/domain). False when there is nothing to serve.
 */
export async function ensureWebBuilt(io: Io): Promise<boolean> {
  const hasDist = existsSync(join(WEB_DIST, "index.html"));
  if (!existsSync(join(WEB_DIR, "index.html"))) return hasDist;
  const built = hasDist ? statSync(join(WEB_DIST, "index.html")).mtimeMs : 0;
  const src = Math.max(
    newest(WEB_DIR),
    newest(join(WEB_DIR, "../src/model")),
    newest(join(WEB_DIR, "../src/domain")),
  );
  if (built >= src) return true;
  let vite: typeof import("vite");
  try {
    vite = await import("vite");
  } catch {
    if (hasDist)
      io.err(
        "borderflow: note: the dashboard's sources are newer than web/dist, but Vite is not installed to rebuild it\n",
      );
    return hasDist;
  }
  io.err("building the dashboard (vite)...\n");
  await vite.build({ configFile: join(WEB_DIR, "vite.config.ts"), logLevel: "warn" });
  return true;
}

/** Registers `serve`: the API and the dashboard on one local server. */
export function registerServe(program: Command, io: Io): void {
  program
    .command("serve")
    .description("serve the dashboard and the HTTP API (http://127.0.0.1:8080 by default)")
    .option("--port <n>", "TCP port (env PORT)", process.env.PORT ?? "8080")
    .option(
      "--host <host>",
      "address to listen on (a non-loopback address is reachable by other machines)",
      "127.0.0.1",
    )
    .option("--no-web", "serve the API only")
    .option("--events <file>", "also read your own events from a file of the registry's layout")
    .option("--archive <dir>", "wait-time archive folder (env BORDERFLOW_ARCHIVE)")
    .option(
      "--log-level <level>",
      `server log on stderr, JSON lines: ${LOG_LEVELS.join(", ")} (env BORDERFLOW_LOG_LEVEL; default warn: 5xx and warnings)`,
      process.env.BORDERFLOW_LOG_LEVEL ?? "warn",
    )
    .option(
      "--cache-mb <n>",
      `memory for kept answers, MiB (env BORDERFLOW_CACHE_MB; default ${CACHE_LIMITS.maxBytes / 1024 / 1024})`,
      process.env.BORDERFLOW_CACHE_MB,
    )
    .action(async (o: ServeFlags, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const port = /^\d{1,5}$/.test(o.port) ? Number(o.port) : NaN;
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new InputError(`--port ${JSON.stringify(o.port)} is not a TCP port (0..65535)`);
      if (!(LOG_LEVELS as readonly string[]).includes(o.logLevel))
        throw new InputError(
          `--log-level ${JSON.stringify(o.logLevel)} is not one of ${LOG_LEVELS.join(", ")}`,
        );
      const cacheMb =
        o.cacheMb === undefined ? undefined : /^\d{1,5}$/.test(o.cacheMb) ? Number(o.cacheMb) : NaN;
      if (cacheMb !== undefined && !(cacheMb >= 1 && cacheMb <= 16384))
        throw new InputError(
          `--cache-mb ${JSON.stringify(o.cacheMb)} must be a whole number of MiB from 1 to 16384`,
        );
      const loopback = isLoopback(o.host);
      // A host that does not resolve is refused before anything is built or opened.
      await lookup(o.host).catch((e: NodeJS.ErrnoException) => {
        throw listenError(e, o.host, port);
      });
      // The database opens (on DuckDB's threads) while the server's modules load: they load only for `serve`,
      // so other commands start faster.
      const opening = openStore(g, true, io);
      let buildApp: typeof import("../../api/server.ts").buildApp;
      let web: boolean;
      try {
        web = o.web && (await ensureWebBuilt(io));
        ({ buildApp } = await import("../../api/server.ts"));
      } catch (e) {
        await opening.then(
          (s) => s.closeWhenIdle(),
          () => undefined,
        );
        throw e;
      }
      const store = await opening;
      let app: Awaited<ReturnType<typeof buildApp>>;
      try {
        app = await buildApp({
          store,
          ...(web ? { webRoot: WEB_DIST } : {}),
          ...(o.events ? { eventsFile: o.events } : {}),
          ...(o.archive ? { archiveDir: o.archive } : {}),
          logger: o.logLevel as LogLevel,
          allowedHosts: loopback ? LOOPBACK_NAMES : "any",
          ...(cacheMb !== undefined ? { cacheBytes: cacheMb * 1024 * 1024 } : {}),
        });
      } catch (e) {
        store.close();
        throw e;
      }
      let address: string;
      try {
        address = await app.listen({ port, host: o.host });
      } catch (e) {
        await app.close().catch(() => undefined);
        await store.closeWhenIdle();
        throw listenError(e as NodeJS.ErrnoException, o.host, port);
      }
      // The stop handlers are in place before the address is printed: a signal sent as soon as it is seen
      // (a test, a supervisor) must find them, or it kills the process outright.
      const stopped = new Promise<void>((done) => {
        // Stop taking requests, let those in flight finish (the warm-up stops after its read in progress),
        // then close the database.
        const stop = () => {
          void app
            .close()
            .then(() => store.closeWhenIdle())
            .then(done, done);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      if (!loopback)
        io.err(
          `borderflow: warning: listening on ${o.host}, which other machines can reach: the API has no authentication ` +
            "and answers any Host name there. Use --host 127.0.0.1 (the default) unless you mean to share it.\n",
        );
      io.out(
        `borderflow ${web ? "dashboard and API" : "API"} at ${address.replace("[::1]", "localhost")}${web ? "/" : "/api/health"} (OpenAPI: ${address}/api/openapi.json)\n`,
      );
      await stopped;
    });
}

interface ServeFlags {
  port: string;
  host: string;
  web: boolean;
  events?: string;
  archive?: string;
  logLevel: string;
  cacheMb?: string;
}

/** Why the server could not listen, as the error that gives the right exit code and a hint. */
function listenError(e: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (e.code) {
    case "EADDRINUSE":
      return new UnavailableError(
        `port ${port} on ${host} is already in use by another program`,
        "give another --port (or --port 0 for any free one), or stop the program that holds it",
      );
    case "EACCES":
      return new UnavailableError(
        `port ${port} on ${host} needs privileges this user does not have`,
        "use a port above 1023, e.g. --port 8080",
      );
    case "EADDRNOTAVAIL":
      return new InputError(
        `--host ${JSON.stringify(host)} is not an address of this machine`,
        "use 127.0.0.1 (this machine only) or 0.0.0.0 (every address)",
      );
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_FAIL":
      return new InputError(
        `--host ${JSON.stringify(host)} is not an address or a name this machine can resolve`,
        "use 127.0.0.1 (this machine only) or 0.0.0.0 (every address)",
      );
    default:
      return e;
  }
}
