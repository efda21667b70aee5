#!/usr/bin/env node
// The `borderflow` command. Runs the TypeScript CLI through tsx; it calls runCli itself rather than relying
// on the module noticing it is the entry point, so it works through any symlink (npm link, npm install -g).
/* global process */
import { register } from "tsx/esm/api";
register();
const { runCli } = await import("../src/cli/main.ts");
process.exitCode = await runCli(process.argv.slice(2));
