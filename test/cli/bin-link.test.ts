// The `borderflow` bin reached the ways users reach it: through a plain symlink, and through `npm install -g`
// of the checkout into a scratch prefix (what `npm link` does: a symlink to the package, and one to its bin).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, realpathSync, lstatSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

function run(bin: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(bin, args, {
    encoding: "utf8",
    env: { ...process.env, ...env },
    cwd: tmpdir(),
    timeout: 60_000,
  });
}

test("the bin works through a symlink elsewhere on disk: help, an answer, an error with its exit code", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bf-link-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const link = join(dir, "borderflow");
  symlinkSync(join(ROOT, "bin", "borderflow.js"), link);
  const help = run(link, ["--help"]);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^Usage: borderflow \[options\] \[command\]/);
  const port = run(link, ["--db", ":memory:", "--json", "port", "2303"]);
  assert.equal(port.status, 0, port.stderr);
  assert.equal(JSON.parse(port.stdout).port.name, "Eagle Pass");
  const bad = run(link, ["--db", ":memory:", "port", "Nowhere"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown port "Nowhere"/);
});

test("npm install -g of the checkout (as npm link does) gives a borderflow that answers", (t) => {
  const prefix = mkdtempSync(join(tmpdir(), "bf-global-"));
  t.after(() => rmSync(prefix, { recursive: true, force: true }));
  // --install-links=false: the package folder is linked, not copied, exactly like `npm link`.
  const install = spawnSync(
    NPM,
    [
      "install",
      "-g",
      "--prefix",
      prefix,
      "--install-links=false",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      ROOT,
    ],
    { encoding: "utf8", timeout: 120_000 },
  );
  assert.equal(install.status, 0, install.stderr);
  const bin = join(prefix, "bin", "borderflow");
  assert.ok(lstatSync(bin).isSymbolicLink(), `${bin} is a symlink`);
  assert.equal(realpathSync(bin), join(realpathSync(ROOT), "bin", "borderflow.js"));
  const r = run(bin, [
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
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /2023-12\s+Trains\s+trains\s+237/);
});
