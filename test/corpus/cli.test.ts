// Bad-input corpus, part "cli": mistaken or hostile command lines, run in-process through runCli on one
// database, each asserting the exit code (README "Exit codes": 2 usage or input, 3 data refused, 4 store, 5
// unavailable, 70 internal) and the words on stderr; never a stack, never "internal error".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type AddressInfo, type Server } from "node:net";
import { runCli } from "../../src/cli/main.ts";
import { captureIo } from "../helpers/io.ts";
import { tally } from "./tally.ts";

const DEC = "examples/dec-2023-rail-suspension.json";
let dir: string;
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const EV = {
  kind: "closure",
  ports: ["2303"],
  modes: ["rail"],
  start: "2023-12-18T08:00:00-06:00",
  end: "2023-12-22T08:00:00-06:00",
};

interface CliCase {
  id: string;
  argv: string[] | (() => string[]);
  exit: number;
  message: RegExp;
}

const CASES: CliCase[] = [
  { id: "unknown command", argv: ["nosuchcommand"], exit: 2, message: /unknown command 'nosuchcommand'/ },
  { id: "unknown option", argv: ["crossings", "--bogus"], exit: 2, message: /unknown option '--bogus'/ },
  { id: "missing argument", argv: ["port"], exit: 2, message: /missing required argument 'port'/ },
  {
    id: "missing required option",
    argv: ["waits"],
    exit: 2,
    message: /required option '--port <port>' not specified/,
  },
  { id: "unknown subcommand", argv: ["scenario", "bogus"], exit: 2, message: /unknown command 'bogus'/ },
  {
    id: "ports: unknown border",
    argv: ["ports", "--border", "pluto"],
    exit: 2,
    message: /--border "pluto" is not valid \(expected mexico or canada\)/,
  },
  {
    id: "ports: unknown mode",
    argv: ["ports", "--mode", "submarine"],
    exit: 2,
    message: /--mode "submarine" is not valid/,
  },
  {
    id: "port: unknown code",
    argv: ["port", "9999"],
    exit: 2,
    message: /unknown port "9999" \(list ports with: borderflow ports\)/,
  },
  {
    id: "port: SQL injection",
    argv: ["port", "'; DROP TABLE ports;--"],
    exit: 2,
    message: /unknown port "'; DROP TABLE ports;--"/,
  },
  {
    id: "crossings: month 13",
    argv: ["crossings", "--port", "2303", "--from", "2023-13"],
    exit: 2,
    message: /--from "2023-13" is not a month/,
  },
  {
    id: "crossings: from after to",
    argv: ["crossings", "--port", "2303", "--from", "2024-01", "--to", "2023-01"],
    exit: 2,
    message: /--from 2024-01 is after --to 2023-01/,
  },
  {
    id: "crossings: unknown measure",
    argv: ["crossings", "--port", "2303", "--measure", "Unicorns"],
    exit: 2,
    message: /unknown measure "Unicorns"/,
  },
  {
    id: "crossings: unknown grouping",
    argv: ["crossings", "--port", "2303", "--by", "week"],
    exit: 2,
    message: /--by "week" is not valid \(expected month, year or port\)/,
  },
  {
    id: "crossings: total across units",
    argv: ["crossings", "--port", "2303", "--measure", "Trucks,Personal Vehicle Passengers", "--total"],
    exit: 2,
    message: /refusing to sum Trucks \(trucks\), Personal Vehicle Passengers \(people\)/,
  },
  {
    id: "trade: unknown mode",
    argv: ["trade", "--mode", "teleport"],
    exit: 2,
    message: /--mode "teleport" is not valid/,
  },
  {
    id: "trade: unknown grouping",
    argv: ["trade", "--by", "galaxy"],
    exit: 2,
    message: /--by "galaxy" is not valid/,
  },
  {
    id: "trade: unknown country",
    argv: ["trade", "--country", "US"],
    exit: 2,
    message: /--country "US" is not valid \(expected one of: MX, CA\)/,
  },
  {
    id: "trade: unknown direction",
    argv: ["trade", "--direction", "sideways"],
    exit: 2,
    message: /--direction "sideways" is not valid/,
  },
  {
    id: "event: unknown id",
    argv: ["event", "no-such-event"],
    exit: 2,
    message: /unknown event "no-such-event"/,
  },
  {
    id: "events: unknown border",
    argv: ["events", "--border", "moon"],
    exit: 2,
    message: /--border "moon" is not valid/,
  },
  {
    id: "events: month 99",
    argv: ["events", "--from", "2023-99"],
    exit: 2,
    message: /--from "2023-99" is not a month/,
  },
  {
    id: "scenario: no such file",
    argv: ["scenario", "run", "/nonexistent.json"],
    exit: 2,
    message: /cannot read scenario file \/nonexistent\.json \(ENOENT\)/,
  },
  {
    id: "scenario: a folder",
    argv: () => ["scenario", "validate", dir],
    exit: 2,
    message: /cannot read scenario file .* \(EISDIR\)/,
  },
  {
    id: "scenario: --draws empty",
    argv: ["scenario", "run", DEC, "--draws", ""],
    exit: 2,
    message: /--draws "" must be a whole number from 1 to 5,000/,
  },
  {
    id: "scenario: --draws 0",
    argv: ["scenario", "run", DEC, "--draws", "0"],
    exit: 2,
    message: /--draws "0" must be a whole number from 1 to 5,000/,
  },
  {
    id: "scenario: --draws 5001",
    argv: ["scenario", "run", DEC, "--draws", "5001"],
    exit: 2,
    message: /--draws "5001" must be a whole number from 1 to 5,000/,
  },
  {
    id: "scenario: --draws abc",
    argv: ["scenario", "run", DEC, "--draws", "abc"],
    exit: 2,
    message: /--draws "abc" must be a whole number/,
  },
  {
    id: "scenario: --seed -1",
    argv: ["scenario", "run", DEC, "--seed", "-1"],
    exit: 2,
    message: /--seed "-1" must be a whole number from 0 to 2,147,483,647/,
  },
  {
    id: "scenario: YAML alias bomb",
    argv: () => [
      "scenario",
      "validate",
      file(
        "bomb.yaml",
        'a: &a ["x","x","x","x","x","x","x","x","x"]\n' +
          Array.from(
            { length: 8 },
            (_, i) =>
              `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
                .fill(`*${String.fromCharCode(97 + i)}`)
                .join(",")}]`,
          ).join("\n") +
          "\nname: bomb\nevents: *i\n",
      ),
    ],
    exit: 2,
    message: /not usable as a scenario \(Excessive alias count indicates a resource exhaustion attack\)/,
  },
  {
    id: "scenario: negative carrying rate",
    argv: () => [
      "scenario",
      "run",
      file(
        "neg.json",
        JSON.stringify({ name: "neg", events: [EV], options: { parameters: { carryingRatePerYear: -5 } } }),
      ),
    ],
    exit: 2,
    message: /carryingRatePerYear must be from 0 to 1[\s\S]*1 problem\(s\); nothing was run/,
  },
  {
    id: "scenario: events 28 years apart",
    argv: () => [
      "scenario",
      "run",
      file(
        "far.json",
        JSON.stringify({
          name: "far",
          events: [{ ...EV, start: "1997-06-01T08:00:00-06:00", end: "1997-06-03T08:00:00-06:00" }, EV],
        }),
      ),
    ],
    exit: 2,
    message: /one scenario covers at most 364 days from its first event/,
  },
  {
    id: "scenario: 532 copies of one event",
    argv: () => [
      "scenario",
      "validate",
      file("dup.json", JSON.stringify({ name: "dup", events: Array(532).fill(EV) })),
    ],
    exit: 2,
    message: /and 431 more problems \(the first 100 are listed\)[\s\S]*531 problem\(s\)/,
  },
  {
    id: "serve: port 99999",
    argv: ["serve", "--port", "99999"],
    exit: 2,
    message: /--port "99999" is not a TCP port \(0\.\.65535\)/,
  },
  {
    id: "serve: port abc",
    argv: ["serve", "--port", "abc"],
    exit: 2,
    message: /--port "abc" is not a TCP port/,
  },
  {
    id: "serve: unknown log level",
    argv: ["serve", "--log-level", "chatty"],
    exit: 2,
    message: /--log-level "chatty" is not one of fatal, error, warn, info, debug, trace, silent/,
  },
  {
    id: "serve: cache of 0 MiB",
    argv: ["serve", "--cache-mb", "0"],
    exit: 2,
    message: /--cache-mb "0" must be a whole number of MiB from 1 to 16384/,
  },
  {
    id: "serve: a host that does not resolve",
    argv: ["serve", "--no-web", "--host", "not a host!"],
    exit: 2,
    message: /--host "not a host!" is not an address or a name this machine can resolve/,
  },
  {
    id: "serve: a port in use",
    argv: () => ["serve", "--no-web", "--port", String(busyPort)],
    exit: 5,
    message: /port \d+ on 127\.0\.0\.1 is already in use by another program/,
  },
  {
    id: "ingest: unknown source",
    argv: ["ingest", "nosource"],
    exit: 2,
    message: /unknown source "nosource" \(expected bts-crossings or transborder\)/,
  },
  {
    id: "ingest: ftp URL",
    argv: ["ingest", "bts-crossings", "--url", "ftp://x"],
    exit: 2,
    message: /--url "ftp:\/\/x" is not an http\(s\) URL/,
  },
  {
    id: "ingest: month 13",
    argv: ["ingest", "bts-crossings", "--since", "2023-13"],
    exit: 2,
    message: /--since "2023-13": expected a month as YYYY-MM/,
  },
  {
    id: "ingest: transborder without a file",
    argv: ["ingest", "transborder"],
    exit: 2,
    message: /transborder needs --url or --file/,
  },
  {
    id: "ingest: page size 0",
    argv: ["ingest", "bts-crossings", "--page-size", "0"],
    exit: 2,
    message: /--page-size must be 1 or more/,
  },
  {
    id: "ingest: both a file and a URL",
    argv: ["ingest", "bts-crossings", "--file", "x", "--url", "http://a"],
    exit: 2,
    message: /give --url or --file, not both/,
  },
  { id: "waits: unknown port", argv: ["waits", "--port", "9999"], exit: 2, message: /unknown port "9999"/ },
  {
    id: "waits: 30 February",
    argv: ["waits", "--port", "2303", "--from", "2024-02-30"],
    exit: 2,
    message: /--from "2024-02-30": not a calendar date/,
  },
  {
    id: "waits: unknown grouping",
    argv: ["waits", "--port", "2303", "--by", "minute"],
    exit: 2,
    message: /--by "minute" is not one of hour, weekday/,
  },
  {
    id: "forecast: not an instant",
    argv: ["forecast", "--port", "2303", "--at", "tomorrow"],
    exit: 2,
    message: /--at "tomorrow" is not an ISO instant with its offset/,
  },
  {
    id: "forecast: 0 hours",
    argv: ["forecast", "--port", "2303", "--hours", "0"],
    exit: 2,
    message: /--hours must be 1 to 24/,
  },
  {
    id: "forecast: 10,000 hours",
    argv: ["forecast", "--port", "2303", "--hours", "10000"],
    exit: 2,
    message: /--hours must be 1 to 24/,
  },
  {
    id: "watch: interval 0",
    argv: ["watch", "--interval", "0"],
    exit: 2,
    message: /--interval "0" is not a duration/,
  },
  {
    id: "watch: a file URL",
    argv: ["watch", "--url", "file:///etc/passwd"],
    exit: 2,
    message: /--url "file:\/\/\/etc\/passwd" is not an http\(s\) URL/,
  },
  {
    id: "watch: an ftp webhook",
    argv: ["watch", "--webhook", "ftp://x"],
    exit: 2,
    message: /--webhook "ftp:\/\/x" is not an http\(s\) URL/,
  },
  {
    id: "encounters: unknown grouping",
    argv: ["encounters", "--by", "galaxy"],
    exit: 2,
    message: /--by "galaxy" is not valid \(periods: month, fiscal-year, total/,
  },
  {
    id: "encounters: month 13",
    argv: ["encounters", "--from", "2023-13"],
    exit: 2,
    message: /--from "2023-13" is not a month or fiscal year/,
  },
  {
    id: "areas: unknown border",
    argv: ["areas", "--border", "pluto"],
    exit: 2,
    message: /--border "pluto" is not valid/,
  },
  {
    id: "surge: a sector without a start",
    argv: ["surge", "--sector", "Atlantis"],
    exit: 2,
    message: /give --sector and --start \(or --check\)/,
  },
  {
    id: "story: unknown",
    argv: ["story", "nope"],
    exit: 2,
    message: /unknown story "nope" \(there is one: december-2023\)/,
  },
  {
    id: "a database path under a file",
    argv: () => ["--db", join(file("plain", "x"), "sub", "bf.duckdb"), "ports"],
    exit: 4,
    message: /cannot create the folder of the database .*: ENOTDIR: not a directory/,
  },
  {
    // Before: DuckDB's open of a FIFO blocked for ever (the command never returned).
    id: "a database path that is a named pipe",
    argv: () => {
      const fifo = join(dir, "fifo.duckdb");
      if (!existsSync(fifo)) execFileSync("mkfifo", [fifo]);
      return ["--db", fifo, "ports"];
    },
    exit: 4,
    message: /the database .*fifo\.duckdb is a named pipe, not a database file: give --db/,
  },
  {
    id: "a database path under /proc",
    argv: ["--db", "/proc/self/status", "ports"],
    exit: 4,
    message: /the database \/proc\/self\/status .*is under \/proc, a kernel pseudo-file system/,
  },
  {
    id: "a database path that is a folder",
    argv: () => ["--db", dir, "ports"],
    exit: 4,
    message: /is a folder, not a database file/,
  },
  {
    // Before: exit 0 after creating an empty archive there.
    id: "compact: an archive that does not exist",
    argv: () => ["compact", "--archive", join(dir, "no-archive")],
    exit: 2,
    message: /no wait-time archive at .*no-archive: the folder does not exist/,
  },
];

let db: string;
let busy: Server;
let busyPort = 0;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "bf-corpus-cli-"));
  db = join(dir, "bf.duckdb");
  busy = createServer();
  await new Promise<void>((done) => busy.listen(0, "127.0.0.1", done));
  busyPort = (busy.address() as AddressInfo).port;
});
after(async () => {
  await new Promise((done) => busy.close(done));
  rmSync(dir, { recursive: true, force: true });
});

for (const c of CASES)
  test(`cli: ${c.id}`, async () => {
    const argv = typeof c.argv === "function" ? c.argv() : c.argv;
    const io = captureIo();
    const code = await runCli(argv[0] === "--db" ? argv : ["--db", db, ...argv], io);
    assert.equal(code, c.exit, io.stderr().slice(0, 800));
    assert.match(io.stderr(), c.message);
    assert.ok(!/\n\s+at |internal error/.test(io.stderr()), io.stderr().slice(0, 800));
    tally("cli", c.id, "refused");
    if (c.id.startsWith("compact:")) assert.ok(!existsSync(join(dir, "no-archive")), "nothing created");
  });
