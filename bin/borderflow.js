#!/usr/bin/env node
// The `borderflow` command. Runs the compiled CLI (dist/, built by `npm run build`, which `prepare` runs at
// `npm install`/`npm ci` and before `npm pack`). In a checkout where dist/ is missing or older than a file
// under src/, it runs the TypeScript sources through tsx instead, so a stale build is never used.
// It calls runCli itself (no "am I the entry point" check), so it works through any symlink (npm link,
// npm install -g, npx).
/* global process, URL */
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const built = `${root}dist/cli/main.js`;
const sources = `${root}src`;

/** Newest modification time of a file under a folder. */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const compiled = existsSync(built) && (!existsSync(sources) || newest(sources) <= statSync(built).mtimeMs);
let runCli;
if (compiled) ({ runCli } = await import("../dist/cli/main.js"));
else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ runCli } = await import("../src/cli/main.ts"));
}
process.exitCode = await runCli(process.argv.slice(2));
