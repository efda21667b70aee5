// Bad-input corpus, part "api": hostile or mistaken HTTP requests against one server (in-process, no
// socket), each asserting the status and the words of the answer: a clear 4xx naming the problem, never a
// stack, a server path or a 500. SQL-injection and traversal strings are among them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { Store } from "../../src/store/db.ts";
import { buildApp } from "../../src/api/server.ts";
import { tally } from "./tally.ts";

const DEC = {
  name: "December 2023 rail suspension",
  events: [
    {
      kind: "closure",
      ports: ["2303"],
      modes: ["rail"],
      start: "2023-12-18T08:00:00-06:00",
      end: "2023-12-22T08:00:00-06:00",
    },
  ],
};
const withEvent = (patch: Record<string, unknown>) => ({ ...DEC, events: [{ ...DEC.events[0], ...patch }] });
const withOptions = (options: Record<string, unknown>) => ({ ...DEC, options });

interface ApiCase {
  id: string;
  url: string;
  method?: "GET" | "POST" | "DELETE" | "PUT";
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  message: RegExp;
}

const long = (s: string, n: number) => s.repeat(n);

const CASES: ApiCase[] = [
  // Query strings: unknown, malformed, out of range.
  {
    id: "unknown parameter",
    url: "/api/crossings?from=1996-01&to=2025-06&x=1",
    status: 400,
    message: /unknown parameter "x" \(this route takes: port, measure, from, to, by, total\)/,
  },
  {
    id: "parameter on a route that takes none",
    url: "/api/health?verbose=1",
    status: 400,
    message: /unknown parameter "verbose" \(this route takes none\)/,
  },
  {
    id: "month 13",
    url: "/api/crossings?from=2023-13",
    status: 400,
    message: /from: expected a month as YYYY-MM/,
  },
  {
    id: "month without its zero",
    url: "/api/crossings?from=2023-1",
    status: 400,
    message: /from: expected a month as YYYY-MM/,
  },
  {
    id: "from after to",
    url: "/api/crossings?from=2024-01&to=2023-01",
    status: 400,
    message: /2024-01 is after --to 2023-01/,
  },
  {
    id: "year 0000",
    url: "/api/crossings?from=0000-01",
    status: 400,
    message: /is not a month: year must be between 1990 and 2099/,
  },
  {
    id: "year 1800",
    url: "/api/crossings?from=1800-01&to=1801-01",
    status: 400,
    message: /year must be between 1990 and 2099/,
  },
  { id: "unknown port", url: "/api/crossings?port=9999", status: 404, message: /unknown port "9999"/ },
  {
    id: "SQL injection in a port",
    url: "/api/crossings?port=%27%3B%20DROP%20TABLE%20crossings%3B--",
    status: 404,
    message: /unknown port "'; DROP TABLE crossings;--"/,
  },
  {
    id: "SQL injection in a measure",
    url: "/api/crossings?measure=Trucks%27%20OR%201%3D1--",
    status: 400,
    message: /unknown measure "Trucks' OR 1=1--"/,
  },
  {
    id: "unknown measure",
    url: "/api/crossings?measure=Unicorns",
    status: 400,
    message: /unknown measure "Unicorns" \(valid: Trucks/,
  },
  {
    id: "unknown grouping",
    url: "/api/crossings?by=week",
    status: 400,
    message: /by: Invalid option: expected one of "month"\|"year"\|"port"/,
  },
  {
    id: "total not a boolean",
    url: "/api/crossings?total=yes",
    status: 400,
    message: /total: Invalid option: expected one of "true"\|"false"/,
  },
  {
    id: "a total across units",
    url: "/api/crossings?measure=Trucks,Personal%20Vehicle%20Passengers&total=true",
    status: 400,
    message: /refusing to sum Trucks \(trucks\), Personal Vehicle Passengers \(people\)/,
  },
  {
    id: "a parameter given twice",
    url: "/api/crossings?port=2303&port=2402",
    status: 400,
    message: /port: Invalid input: expected string, received array/,
  },
  {
    id: "a list over 500 characters",
    url: `/api/crossings?port=${long("a,", 300)}`,
    status: 400,
    message: /port: Too big: expected string to have <=500 characters/,
  },
  {
    id: "trade: unknown grouping",
    url: "/api/trade?by=galaxy",
    status: 400,
    message: /by: Invalid option: expected one of "month"\|"year"\|"commodity"/,
  },
  {
    id: "trade: unknown country",
    url: "/api/trade?country=US",
    status: 400,
    message: /country: Invalid option: expected one of "MX"\|"CA"/,
  },
  {
    id: "trade: unknown direction",
    url: "/api/trade?direction=sideways",
    status: 400,
    message: /direction: Invalid option: expected one of "export"\|"import"/,
  },
  {
    id: "trade: unknown mode",
    url: "/api/trade?mode=teleport",
    status: 400,
    message: /--mode "teleport" is not valid \(expected one of: vessel, air/,
  },
  {
    id: "trade: from after to",
    url: "/api/trade?from=2023-02&to=2023-01",
    status: 400,
    message: /2023-02 is after --to 2023-01/,
  },
  {
    id: "ports: unknown border",
    url: "/api/ports?border=pluto",
    status: 400,
    message: /border: Invalid option: expected one of "mexico"\|"canada"/,
  },
  {
    id: "ports: unknown mode",
    url: "/api/ports?mode=submarine",
    status: 400,
    message: /--mode "submarine" is not valid/,
  },
  { id: "port: unknown code", url: "/api/ports/9999", status: 404, message: /unknown port "9999"/ },
  {
    id: "port: traversal string",
    url: "/api/ports/..%2F..%2Fetc%2Fpasswd",
    status: 404,
    message: /unknown port "\.\.\/\.\.\/etc\/passwd"/,
  },
  {
    id: "port: a 300-character name",
    url: `/api/ports/${long("x", 300)}`,
    status: 414,
    message: /a path parameter is longer than 200 characters/,
  },
  {
    id: "port: a malformed %-escape",
    url: "/api/ports/%E0%A4%A",
    status: 400,
    message: /the path is not a valid URL \(a malformed %-escape\)/,
  },
  {
    id: "events: month 99",
    url: "/api/events?from=2023-99",
    status: 400,
    message: /from: expected a month as YYYY-MM/,
  },
  {
    id: "events: unknown border",
    url: "/api/events?border=moon",
    status: 400,
    message: /border: Invalid option/,
  },
  {
    id: "event: unknown id",
    url: "/api/events/no-such-event",
    status: 404,
    message: /unknown event "no-such-event"/,
  },
  {
    id: "waits: no port",
    url: "/api/waits",
    status: 400,
    message: /port: Invalid input: expected string, received undefined/,
  },
  { id: "waits: unknown port", url: "/api/waits?port=9999", status: 404, message: /unknown port "9999"/ },
  {
    id: "waits: 30 February",
    url: "/api/waits?port=2303&from=2024-02-30",
    status: 400,
    message: /"2024-02-30": not a calendar date/,
  },
  {
    id: "waits: unknown grouping",
    url: "/api/waits?port=2303&by=minute",
    status: 400,
    message: /by: Invalid option: expected one of "crossing"\|"hour"\|"weekday"/,
  },
  {
    id: "waits: unknown lane",
    url: "/api/waits?port=2303&lane=hovercraft",
    status: 400,
    message: /unknown lane "hovercraft" \(expected one of commercial-standard/,
  },
  {
    id: "forecast: no port",
    url: "/api/forecast",
    status: 400,
    message: /port: Invalid input: expected string/,
  },
  {
    id: "forecast: an instant without offset",
    url: "/api/forecast?port=2303&at=tomorrow",
    status: 400,
    message: /--at "tomorrow" is not an ISO instant with its offset/,
  },
  {
    id: "encounters: unknown grouping",
    url: "/api/encounters?by=galaxy",
    status: 400,
    message: /--by "galaxy" is not valid \(periods: month, fiscal-year, total/,
  },
  {
    id: "areas: unknown parameter",
    url: "/api/areas?x=1",
    status: 400,
    message: /unknown parameter "x" \(this route takes: border, fieldOffice, sector\)/,
  },
  { id: "no such route", url: "/api/nope", status: 404, message: /no route GET \/api\/nope/ },
  {
    id: "traversal out of the root",
    url: "/../../etc/passwd",
    status: 404,
    message: /no route GET \/etc\/passwd/,
  },
  {
    id: "a method the route does not take",
    url: "/api/ports",
    method: "DELETE",
    status: 404,
    message: /no route DELETE \/api\/ports/,
  },
  // Host header (DNS rebinding against a loopback server).
  {
    id: "foreign Host header",
    url: "/api/crossings",
    headers: { host: "evil.example" },
    status: 403,
    message: /Host "evil.example" is not this server's name.*DNS-rebinding protection/,
  },
  {
    id: "Host that starts with localhost",
    url: "/api/crossings",
    headers: { host: "localhost.evil.example:8080" },
    status: 403,
    message: /Host "localhost.evil.example:8080" is not this server's name/,
  },
  // Scenario bodies and run parameters.
  {
    id: "scenario: not JSON",
    url: "/api/scenarios/run",
    method: "POST",
    body: "not json",
    headers: { "content-type": "application/json" },
    status: 400,
    message: /Body is not valid JSON/,
  },
  {
    id: "scenario: JSON cut short",
    url: "/api/scenarios/run",
    method: "POST",
    body: '{"a":',
    headers: { "content-type": "application/json" },
    status: 400,
    message: /Body is not valid JSON/,
  },
  {
    id: "scenario: YAML content type",
    url: "/api/scenarios/run",
    method: "POST",
    body: "name: x",
    headers: { "content-type": "text/yaml" },
    status: 415,
    message: /Unsupported Media Type/,
  },
  {
    id: "scenario: empty object",
    url: "/api/scenarios/run",
    method: "POST",
    body: {},
    status: 400,
    message: /the scenario has 2 problem\(s\)/,
  },
  {
    id: "scenario: an array",
    url: "/api/scenarios/run",
    method: "POST",
    body: [],
    status: 400,
    message: /the scenario has 1 problem\(s\)/,
  },
  {
    id: "scenario: no events",
    url: "/api/scenarios/run",
    method: "POST",
    body: { name: "x", events: [] },
    status: 400,
    message: /the scenario has 1 problem\(s\)/,
  },
  {
    id: "scenario: body over 64 KB",
    url: "/api/scenarios/run",
    method: "POST",
    body: { ...DEC, description: long("x", 70_000) },
    status: 413,
    message: /Request body is too large/,
  },
  {
    id: "scenario: 400 copies of one event (one problem each, listed once)",
    url: "/api/scenarios/run",
    method: "POST",
    body: { name: "dup", events: Array(400).fill(DEC.events[0]) },
    status: 400,
    message: /the scenario has 399 problem\(s\)/,
  },
  {
    id: "scenario: negative carrying rate",
    url: "/api/scenarios/run",
    method: "POST",
    body: withOptions({ parameters: { carryingRatePerYear: -5 } }),
    status: 400,
    message: /the scenario has 1 problem\(s\)/,
  },
  {
    id: "scenario: draws in the body 0",
    url: "/api/scenarios/run",
    method: "POST",
    body: withOptions({ draws: 0 }),
    status: 400,
    message: /the scenario has 1 problem\(s\)/,
  },
  {
    id: "scenario: events 28 years apart",
    url: "/api/scenarios/run",
    method: "POST",
    body: {
      name: "far",
      events: [
        DEC.events[0],
        { ...DEC.events[0], start: "1997-06-01T08:00:00-06:00", end: "1997-06-03T08:00:00-06:00" },
      ],
    },
    status: 400,
    message: /the scenario has 1 problem\(s\)/,
  },
  {
    id: "scenario: unknown port in an event",
    url: "/api/scenarios/run",
    method: "POST",
    body: withEvent({ ports: ["Atlantis"] }),
    status: 400,
    message: /the scenario has 1 problem\(s\)/,
  },
  {
    id: "draws empty",
    url: "/api/scenarios/run?draws=",
    method: "POST",
    body: DEC,
    status: 400,
    message: /draws must be a whole number from 1 to 5,000/,
  },
  {
    id: "draws 0",
    url: "/api/scenarios/run?draws=0",
    method: "POST",
    body: DEC,
    status: 400,
    message: /draws is at least 1/,
  },
  {
    id: "draws 5001",
    url: "/api/scenarios/run?draws=5001",
    method: "POST",
    body: DEC,
    status: 400,
    message: /draws is at most 5,000/,
  },
  {
    id: "draws -1",
    url: "/api/scenarios/run?draws=-1",
    method: "POST",
    body: DEC,
    status: 400,
    message: /draws must be a whole number from 1 to 5,000/,
  },
  {
    id: "draws 1.5",
    url: "/api/scenarios/run?draws=1.5",
    method: "POST",
    body: DEC,
    status: 400,
    message: /draws must be a whole number/,
  },
  {
    id: "draws 1e3",
    url: "/api/scenarios/run?draws=1e3",
    method: "POST",
    body: DEC,
    status: 400,
    message: /draws must be a whole number/,
  },
  {
    id: "seed not a number",
    url: "/api/scenarios/run?seed=abc",
    method: "POST",
    body: DEC,
    status: 400,
    message: /seed must be a whole number from 0 to 2,147,483,647/,
  },
  {
    id: "seed too large",
    url: "/api/scenarios/run?seed=99999999999",
    method: "POST",
    body: DEC,
    status: 400,
    message: /seed must be a whole number from 0 to 2,147,483,647/,
  },
  {
    id: "scenario run: unknown parameter",
    url: "/api/scenarios/run?foo=1",
    method: "POST",
    body: DEC,
    status: 400,
    message: /unknown parameter "foo" \(this route takes: draws, seed, fit\)/,
  },
  {
    id: "fit other than budget",
    url: "/api/scenarios/run?fit=yes",
    method: "POST",
    body: DEC,
    status: 400,
    message: /fit: Invalid option: expected one of "budget"|fit: Invalid input: expected "budget"/,
  },
  {
    id: "scenario input: draws 0",
    url: "/api/scenarios/input?draws=0",
    method: "POST",
    body: DEC,
    status: 400,
    message: /draws is at least 1/,
  },
  {
    id: "surge: draws 0",
    url: "/api/surge",
    method: "POST",
    body: { sector: "Del Rio", start: "2023-12-01", days: 31, draws: 0 },
    status: 400,
    message: /draws is at least 1/,
  },
  {
    id: "surge: unknown field",
    url: "/api/surge",
    method: "POST",
    body: { sector: "Del Rio", start: "2023-12-01", days: 31, bogus: 1 },
    status: 400,
    message: /bogus/,
  },
];

let dir: string;
let store: Store;
let app: FastifyInstance;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "bf-corpus-api-"));
  store = await Store.open({ path: join(dir, "bf.duckdb"), readOnly: true, onNotice: () => undefined });
  app = await buildApp({ store, archiveDir: join(dir, "archive") });
});
after(async () => {
  await app?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

for (const c of CASES)
  test(`api: ${c.id}`, async () => {
    const r = await app.inject({
      method: c.method ?? "GET",
      url: c.url,
      ...(c.body !== undefined ? { payload: c.body as string } : {}),
      ...(c.headers ? { headers: c.headers } : {}),
    });
    assert.equal(r.statusCode, c.status, r.body.slice(0, 500));
    const body = r.json() as { error: { status: number; message: string; issues?: { message: string }[] } };
    assert.equal(body.error.status, c.status);
    assert.match(body.error.message, c.message);
    assert.ok(
      !/\n\s+at |node_modules|\/work\/|\/tmp\//.test(r.body),
      `no stack or path: ${r.body.slice(0, 300)}`,
    );
    tally("api", c.id, "refused");
  });

test("api: the scenario refusals name the problem in their issues", async () => {
  const issues = async (body: unknown) =>
    (await app.inject({ method: "POST", url: "/api/scenarios/run", payload: body as string })).json().error
      .issues as { path: string; message: string }[];
  assert.match(
    (await issues(withOptions({ parameters: { carryingRatePerYear: -5 } })))[0]!.message,
    /carryingRatePerYear must be from 0 to 1 \(a share of value per year\)/,
  );
  assert.match(
    (
      await issues({
        name: "far",
        events: [
          DEC.events[0],
          { ...DEC.events[0], start: "1997-06-01T08:00:00-06:00", end: "1997-06-03T08:00:00-06:00" },
        ],
      })
    )[0]!.message,
    /ends \d+ days after events\[1\] starts|starts; one scenario covers at most 364 days/,
  );
  const dup = await issues({ name: "dup", events: Array(400).fill(DEC.events[0]) });
  assert.equal(dup.length, 101, "the first 100 problems and a count of the rest");
  assert.match(dup.at(-1)!.message, /and 299 more problems \(the first 100 are listed\)/);
});
