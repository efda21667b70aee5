// The package as a user gets it: `npm pack`, then `npm install ./borderflow-x.tgz` into an empty folder
// (dependencies from the npm registry, or npm's cache), then the library imported from plain Node and checked
// from TypeScript, the installed bin run through node_modules/.bin (a symlink), and `borderflow serve`
// serving the prebuilt dashboard with no devDependency present.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ensureWebBuilt } from "../src/cli/commands/serve.ts";

const ROOT = resolve(import.meta.dirname, "..");
const NPM = "npm";

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function sh(cmd: string, args: string[], cwd: string, timeout = 240_000) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout,
    env: { ...process.env, BORDERFLOW_DB: "" },
  });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")} exited ${r.status}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

test("npm pack → npm install into an empty folder: library, types, bin and dashboard work", async (t) => {
  // What `prepack` does (npm run build && npm run build:web), skipped when already up to date.
  const built = join(ROOT, "dist", "cli", "main.js");
  if (!existsSync(built) || statSync(built).mtimeMs < newest(join(ROOT, "src")))
    sh(NPM, ["run", "build"], ROOT);
  assert.ok(await ensureWebBuilt({ out: () => {}, err: () => {}, isTty: false }), "the dashboard builds");

  const dir = mkdtempSync(join(tmpdir(), "bf-pack-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [packed] = JSON.parse(
    sh(NPM, ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], ROOT),
  ) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
  const files = packed!.files.map((f) => f.path);
  for (const need of [
    "bin/borderflow.js",
    "dist/index.js",
    "dist/index.d.ts",
    "dist/cli/main.js",
    "data/snapshot/manifest.json",
    "data/snapshot/crossings.parquet",
    "web/dist/index.html",
    "schemas/scenario.schema.json",
    "README.md",
  ])
    assert.ok(files.includes(need), `the tarball holds ${need}`);
  const unwanted = files.filter((f) => /^(test|bench|src|scripts|web\/src|docs\/img|\.ci)\//.test(f));
  assert.deepEqual(unwanted, [], "no tests, benchmarks, sources or images in the tarball");
  t.diagnostic(`tarball ${(packed!.size / 1e6).toFixed(1)} MB, ${files.length} files`);

  const app = join(dir, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  sh(
    NPM,
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--omit=dev", join(dir, packed!.filename)],
    app,
    600_000,
  );
  assert.ok(!existsSync(join(app, "node_modules", "vite")), "no devDependency installed");
  assert.ok(!existsSync(join(app, "node_modules", "tsx")), "tsx is not needed at run time");

  // The library from plain Node.
  writeFileSync(
    join(app, "use.mjs"),
    `import { Store, portProfile, crossingsSeries, validateScenario, runScenario, InputError } from "borderflow";
import { readFileSync } from "node:fs";
const store = await Store.open({ path: ":memory:" });
const p = await portProfile(store, "Eagle Pass");
const c = await crossingsSeries(store, { ports: ["2303"], measures: ["Trains"], from: "2023-12", to: "2023-12" });
const spec = JSON.parse(readFileSync(new URL("./node_modules/borderflow/examples/dec-2023-rail-suspension.json", import.meta.url), "utf8"));
const v = await validateScenario(store, spec);
const r = v.ok ? await runScenario(store, v, { draws: 20 }) : undefined;
let refused = "";
try { await portProfile(store, "Nowhere"); } catch (e) { refused = e instanceof InputError ? e.message : "other"; }
store.close();
console.log(JSON.stringify({ name: p.port.name, trains: c.points[0].value, ok: v.ok, flows: r?.flows.length, refused }));
`,
  );
  const used = JSON.parse(sh(process.execPath, ["use.mjs"], app)) as Record<string, unknown>;
  assert.equal(used.name, "Eagle Pass");
  assert.equal(used.trains, 237);
  assert.equal(used.ok, true);
  assert.ok((used.flows as number) > 0);
  assert.match(used.refused as string, /unknown port "Nowhere"/);

  // The library from TypeScript: the shipped declarations type-check a consumer (and catch a wrong use).
  writeFileSync(
    join(app, "use.ts"),
    `import { Store, portProfile, type PortProfile } from "borderflow";
const store: Store = await Store.open({ path: ":memory:" });
const p: PortProfile = await portProfile(store, "2303");
const name: string = p.port.name;
// @ts-expect-error portProfile takes a store first
await portProfile("2303");
console.log(name);
`,
  );
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  sh(
    process.execPath,
    [
      tsc,
      "--noEmit",
      "--strict",
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
      "--target",
      "es2023",
      "--skipLibCheck",
      "--typeRoots",
      join(ROOT, "node_modules", "@types"),
      "--types",
      "node",
      "use.ts",
    ],
    app,
  );

  // The bin, through node_modules/.bin (a symlink).
  const bin = join(app, "node_modules", ".bin", "borderflow");
  const out = sh(
    bin,
    [
      "--db",
      ":memory:",
      "crossings",
      "--port",
      "2303",
      "--measure",
      "Trains",
      "--from",
      "2023-12",
      "--to",
      "2023-12",
    ],
    app,
  );
  assert.match(out, /2023-12\s+Trains\s+trains\s+237/);

  // serve: the prebuilt dashboard and the API, from the installed package.
  const child = spawn(bin, ["serve", "--port", "0"], {
    cwd: app,
    env: { ...process.env, BORDERFLOW_DB: join(dir, "bf.duckdb") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.after(() => child.kill("SIGKILL"));
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const url = await new Promise<string>((ok, fail) => {
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const m = /dashboard and API at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.once("exit", (c) => fail(new Error(`serve exited ${c}: ${out}${err}`)));
  });
  const page = await fetch(`${url}/`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<script type="module"[^>]*src="\/assets\//);
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
  assert.equal((await fetch(`${url}${asset}`)).status, 200);
  const health = (await (await fetch(`${url}/api/health`)).json()) as { ok: boolean };
  assert.equal(health.ok, true);
  assert.doesNotMatch(err, /vite|building the dashboard/i);
});
