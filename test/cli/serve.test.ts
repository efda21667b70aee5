// `borderflow serve` as a user runs it: the exit code and message when the port is taken or the host is not
// this machine's, the warning when it listens where other machines can reach it, and the lock message that
// names the process holding the database.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Store } from "../../src/store/db.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin", "borderflow.js");
let dir: string;
let db: string;
const children: ChildProcess[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "bf-serve-"));
  db = join(dir, "bf.duckdb");
  (await Store.open({ path: db, readOnly: true })).close();
});
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[]) =>
  spawnSync(process.execPath, [BIN, "--db", db, ...args], { encoding: "utf8", timeout: 60_000, cwd: ROOT });

/** Starts `borderflow serve`, resolves with its URL and what it wrote to stderr so far. */
function serve(args: string[]): Promise<{ child: ChildProcess; url: string; err: () => string }> {
  const child = spawn(process.execPath, [BIN, "--db", db, "serve", "--no-web", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  return new Promise((ok, fail) => {
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const m = /API at (http:\/\/[^/\s]+)/.exec(out);
      if (m) ok({ child, url: m[1]!, err: () => err });
    });
    child.once("exit", (c) => fail(new Error(`serve exited ${c}: ${err}`)));
  });
}

/** Stops a child and waits until it has exited (its database lock released), at most 30 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  child.kill("SIGTERM");
  const late = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(late);
}

test("a port in use is exit 5 naming the port, with a hint; a host that is not this machine's is exit 2", async (t) => {
  const taken: Server = createServer();
  await new Promise<void>((ok) => taken.listen(0, "127.0.0.1", ok));
  t.after(() => taken.close());
  const port = (taken.address() as { port: number }).port;
  const busy = run(["serve", "--no-web", "--port", String(port)]);
  assert.equal(busy.status, 5, busy.stderr);
  assert.match(
    busy.stderr,
    new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use by another program`),
  );
  assert.match(busy.stderr, /hint: give another --port \(or --port 0 for any free one\)/);
  assert.doesNotMatch(busy.stderr, /\n\s+at /, "no stack");
  const far = run(["serve", "--no-web", "--port", "0", "--host", "10.255.255.1"]);
  assert.equal(far.status, 2, far.stderr);
  assert.match(far.stderr, /--host "10\.255\.255\.1" is not an address of this machine/);
  const nowhere = run(["serve", "--no-web", "--port", "0", "--host", "no-such-host.invalid"]);
  assert.equal(nowhere.status, 2, nowhere.stderr);
  assert.match(
    nowhere.stderr,
    /--host "no-such-host\.invalid" is not an address or a name this machine can resolve/,
  );
  for (const [args, msg] of [
    [["--port", "99999"], /--port "99999" is not a TCP port/],
    [["--port", ""], /--port "" is not a TCP port/],
    [
      ["--log-level", "loud"],
      /--log-level "loud" is not one of fatal, error, warn, info, debug, trace, silent/,
    ],
    [["--cache-mb", "0"], /--cache-mb "0" must be a whole number of MiB from 1 to 16384/],
  ] as const) {
    const r = run(["serve", "--no-web", ...args]);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, msg);
  }
});

test("listening on every address warns on stderr and answers any Host; on loopback, other Hosts are refused", async () => {
  const open = await serve(["--port", "0", "--host", "0.0.0.0"]);
  assert.match(
    open.err(),
    /warning: listening on 0\.0\.0\.0, which other machines can reach: the API has no authentication/,
  );
  const port = new URL(open.url.replace("0.0.0.0", "127.0.0.1")).port;
  const r = await fetch(`http://127.0.0.1:${port}/api/health`, { headers: { host: "borderflow.lan" } }).catch(
    (e: Error) => e,
  );
  // fetch does not let a page set Host; the raw check is in test/api/faults.test.ts. Here: it answers.
  assert.ok(!(r instanceof Error) && r.status === 200);
  await stop(open.child);
  const local = await serve(["--port", "0"]);
  assert.doesNotMatch(local.err(), /warning/);
  await stop(local.child);
});

test("SIGTERM as soon as the address is printed stops the server cleanly, its warm-up abandoned", async () => {
  // Its handlers are in place before it prints the address: the signal never finds the default action (which
  // killed the process outright), and the warm-up in progress stops after its read, unlogged.
  for (let i = 0; i < 3; i++) {
    const s = await serve(["--port", "0"]);
    const exited = new Promise<[number | null, string | null]>((done) =>
      s.child.once("exit", (code, signal) => done([code, signal])),
    );
    s.child.kill("SIGTERM");
    const late = setTimeout(() => s.child.kill("SIGKILL"), 30_000);
    const [code, signal] = await exited;
    clearTimeout(late);
    assert.deepEqual([code, signal], [0, null], s.err());
    assert.doesNotMatch(s.err(), /warming|error/i);
  }
});

test("the lock message names the process that holds the database, and what it is doing", async (t) => {
  const server = await serve(["--port", "0"]);
  t.after(() => stop(server.child));
  // ingest needs the file alone; the server reads it.
  const r = run([
    "ingest",
    "bts-crossings",
    "--file",
    join(ROOT, "test/fixtures/raw/bts-border-crossing/bts_border_crossing_us_mexico.csv.gz"),
  ]);
  assert.equal(r.status, 4, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `is open in borderflow serve \\(pid ${server.child.pid}\\), which reads it; writing needs it alone: stop that process, or write to another --db`,
    ),
  );
});

test("a reader blocked by a writer is told which process writes", async () => {
  const writer = spawn(
    process.execPath,
    [
      "-e",
      `const { DuckDBInstance } = await import("@duckdb/node-api");
       await DuckDBInstance.create(process.argv[1], { access_mode: "READ_WRITE" });
       process.stdout.write("open\\n");
       setTimeout(() => {}, 60000);`,
      "--input-type=module",
      db,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(writer);
  // Open, or the reason it could not open (a lock still held by another process): never a wait for ever.
  await new Promise<void>((ok, fail) => {
    writer.stdout!.once("data", () => ok());
    writer.once("exit", (c) => fail(new Error(`the writer exited ${c} before it opened the database`)));
  });
  const r = run(["port", "2303"]);
  assert.equal(r.status, 4, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`is being written by node \\(pid ${writer.pid}\\); try again when it ends`),
  );
  writer.kill("SIGKILL");
  await new Promise((d) => writer.once("exit", d));
});
