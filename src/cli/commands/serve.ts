import type { Command } from "commander";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../domain/errors.ts";
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
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--no-web", "serve the API only")
    .option("--events <file>", "also read your own events from a file of the registry's layout")
    .option("--archive <dir>", "wait-time archive folder (env BORDERFLOW_ARCHIVE)")
    .action(
      async (
        o: { port: string; host: string; web: boolean; events?: string; archive?: string },
        cmd: Command,
      ) => {
        const g = cmd.optsWithGlobals<GlobalOptions>();
        const port = Number(o.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new InputError(`--port "${o.port}" is not a TCP port (0..65535)`);
        const web = o.web && (await ensureWebBuilt(io));
        // The server's modules (fastify, swagger) load only for `serve`: other commands start faster.
        const { buildApp } = await import("../../api/server.ts");
        const store = await openStore(g, true, io);
        const app = await buildApp({
          store,
          ...(web ? { webRoot: WEB_DIST } : {}),
          ...(o.events ? { eventsFile: o.events } : {}),
          ...(o.archive ? { archiveDir: o.archive } : {}),
        });
        const address = await app.listen({ port, host: o.host });
        io.out(
          `borderflow ${web ? "dashboard and API" : "API"} at ${address.replace("[::1]", "localhost")}${web ? "/" : "/api/health"} (OpenAPI: ${address}/api/openapi.json)\n`,
        );
        await new Promise<void>((done) => {
          const stop = () => {
            void app.close().then(() => {
              store.close();
              done();
            });
          };
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
      },
    );
}
