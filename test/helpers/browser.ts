// One way for every test (and bench) to start a real headless Chromium through playwright-core.
//
// Which Chromium, by $BORDERFLOW_CHROMIUM:
//   unset or "npm"  the Chromium of @sparticuz/chromium (a devDependency from the npm registry): unpacked once
//                   into the temp folder, with the NSS/NSPR/expat libraries and fonts it ships, so `npm ci &&
//                   npm test` needs nothing but Node and npm;
//   "system"        Debian's /usr/bin/chromium (`apt-get install chromium`);
//   an absolute path that Chromium binary.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type LaunchOptions } from "playwright-core";

/** Which browser a launch used, for test names and messages. */
export interface ChromiumChoice {
  kind: "npm" | "system" | "path";
  executablePath: string;
  args: string[];
  env: Record<string, string>;
}

const SYSTEM_CHROMIUM = "/usr/bin/chromium";

/** Flags every launch gets: no sandbox (tests may run as root), nothing that talks to the network by itself. */
const BASE_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  // Shared memory from the temp folder, not /dev/shm: a container's /dev/shm is often 64 MB, where a renderer
  // with a map and charts runs out and crashes or stalls.
  "--disable-dev-shm-usage",
];

/**
 * Flags of @sparticuz/chromium's `args` we drop: they weaken the browser a user has (same-origin policy,
 * mixed content, site isolation), which would hide exactly what the tests check (CSP, same-origin fetches);
 * playwright sets headless mode itself.
 */
const DROPPED = [
  /^--disable-web-security$/,
  /^--allow-running-insecure-content$/,
  /^--disable-site-isolation-trials$/,
  /^--headless/,
  /^--single-process$/,
  /^--no-zygote$/,
];

let unpacking: Promise<ChromiumChoice> | undefined;

/**
 * Unpacks @sparticuz/chromium into `<tmp>/borderflow-chromium-<version>` (once per machine: a staging folder
 * renamed into place, so test processes running side by side never see half a binary).
 */
async function npmChromium(): Promise<ChromiumChoice> {
  // The package exports no package.json: find it from its entry point.
  const root = resolve(createRequire(import.meta.url).resolve("@sparticuz/chromium"), "../../..");
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  const { default: sparticuz } = await import("@sparticuz/chromium");
  const dir = join(tmpdir(), `borderflow-chromium-${version}`);
  if (!existsSync(join(dir, "chromium"))) {
    const staging = `${dir}.staging-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    // @sparticuz/chromium unpacks into os.tmpdir() (read at call time) and adds the shared libraries of
    // Amazon Linux 2023 (libnss3, libnspr4, libexpat: what a bare machine lacks) only when it thinks it runs
    // there; point both at the staging folder for the duration of the call.
    const saved = { TMPDIR: process.env.TMPDIR, AWS_EXECUTION_ENV: process.env.AWS_EXECUTION_ENV };
    process.env.TMPDIR = staging;
    process.env.AWS_EXECUTION_ENV = "AWS_Lambda_nodejs20.x";
    try {
      await sparticuz.executablePath();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    // Its fonts.conf names /tmp/fonts (Lambda's layout); with no font at all Chromium's renderer crashes.
    writeFileSync(
      join(staging, "fonts", "fonts.conf"),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
        `  <dir>${join(dir, "fonts", "fonts")}</dir>\n  <cachedir>${join(dir, "fonts-cache")}</cachedir>\n</fontconfig>\n`,
    );
    try {
      renameSync(staging, dir);
    } catch {
      // Another process got there first: use its copy.
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return {
    kind: "npm",
    executablePath: join(dir, "chromium"),
    args: sparticuz.args.filter((a) => !DROPPED.some((re) => re.test(a))),
    env: {
      // The bundled libraries first, then the system's (a bare machine has no libnss3).
      LD_LIBRARY_PATH: [join(dir, "al2023", "lib"), dir, process.env.LD_LIBRARY_PATH]
        .filter(Boolean)
        .join(":"),
      FONTCONFIG_PATH: join(dir, "fonts"),
    },
  };
}

/** The Chromium $BORDERFLOW_CHROMIUM chooses (see the top of this file). */
export function chooseChromium(choice = process.env.BORDERFLOW_CHROMIUM ?? "npm"): Promise<ChromiumChoice> {
  if (choice === "npm" || choice === "") return (unpacking ??= npmChromium());
  const executablePath = choice === "system" ? SYSTEM_CHROMIUM : choice;
  if (!executablePath.startsWith("/"))
    throw new Error(`BORDERFLOW_CHROMIUM is "${choice}": expected npm, system or an absolute path`);
  if (!existsSync(executablePath)) {
    throw new Error(
      `BORDERFLOW_CHROMIUM=${choice} but ${executablePath} does not exist` +
        (choice === "system"
          ? " (apt-get install chromium, or unset BORDERFLOW_CHROMIUM to use the npm one)"
          : ""),
    );
  }
  return Promise.resolve({
    kind: choice === "system" ? "system" : "path",
    executablePath,
    args: [],
    env: {},
  });
}

/** Launches headless Chromium for a test: the choice above, with the same flags everywhere. */
export async function launchChromium(
  options: LaunchOptions = {},
): Promise<{ browser: Browser; choice: ChromiumChoice }> {
  const choice = await chooseChromium();
  const browser = await chromium.launch({
    headless: true,
    ...options,
    executablePath: choice.executablePath,
    args: [...new Set([...choice.args, ...BASE_ARGS, ...(options.args ?? [])])],
    env: { ...process.env, ...choice.env, ...(options.env ?? {}) } as Record<string, string>,
  });
  return { browser, choice };
}
