// Bad-input corpus, part "scenario": scenario files (YAML and JSON text) as a user writes them, checked as
// `borderflow scenario validate` checks them (the same parse and validation, in-process on one store): each
// refused with the words of its problem (and the line, where the text has one), or accepted correctly.
// Sizes are part of it: 532 copies of one event give a short list, 1,000 events validate, 10,000 are
// refused at once, a YAML alias bomb is refused, a file over the size cap is not read.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../src/store/db.ts";
import { parseScenarioText, readScenarioFile } from "../../src/sources/scenario-file.ts";
import { validateScenario, type ScenarioValidation } from "../../src/services/scenario.ts";
import { InputError } from "../../src/domain/errors.ts";
import { tally, type Outcome } from "./tally.ts";

const EV = {
  kind: "closure",
  ports: ["2303"],
  modes: ["rail"],
  start: "2023-12-18T08:00:00-06:00",
  end: "2023-12-22T08:00:00-06:00",
};
const json = (x: unknown) => JSON.stringify(x, null, 1);
const one = (patch: Record<string, unknown>, top: Record<string, unknown> = {}) =>
  json({ name: "case", events: [{ ...EV, ...patch }], ...top });
const opts = (options: Record<string, unknown>) => json({ name: "case", events: [EV], options });

interface ScenarioCase {
  id: string;
  text: string | (() => string);
  outcome: Outcome;
  /** A problem's message (refused), or a check of the accepted scenario. */
  message?: RegExp;
  line?: number;
  check?: (v: Extract<ScenarioValidation, { ok: true }>) => void;
}

const aliasBomb = () => {
  let s = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n';
  for (let i = 1; i < 9; i++)
    s += `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
      .fill(`*${String.fromCharCode(96 + i)}`)
      .join(",")}]\n`;
  return s + "name: bomb\nevents: *i\n";
};
const manyEvents = (n: number, distinct: boolean) =>
  json({
    name: "many",
    events: Array.from({ length: n }, (_, i) =>
      distinct
        ? {
            ...EV,
            ports: [["2303", "2402", "2304", "2309", "3004"][i % 5]],
            modes: ["truck"],
            start: new Date(Date.UTC(2023, 0, 1, 14) + Math.floor(i / 5) * 6 * 3600e3).toISOString(),
            end: new Date(Date.UTC(2023, 0, 1, 17) + Math.floor(i / 5) * 6 * 3600e3).toISOString(),
          }
        : EV,
    ),
  });

const CASES: ScenarioCase[] = [
  // Syntax.
  {
    id: "JSON cut short",
    text: '{"name": "x", "events": [',
    outcome: "refused",
    message: /:1:\d+: not valid JSON or YAML/,
  },
  {
    id: "YAML with a tab indent",
    text: "name: x\nevents:\n\t- kind: closure\n",
    outcome: "refused",
    message: /:3:\d+: not valid JSON or YAML/,
  },
  {
    id: "YAML duplicate key",
    text: "name: x\nname: y\nevents: []\n",
    outcome: "refused",
    message: /:2:\d+: not valid JSON or YAML \(Map keys must be unique/,
  },
  {
    id: "YAML alias bomb (billion laughs)",
    text: aliasBomb,
    outcome: "refused",
    message: /not usable as a scenario \(Excessive alias count/,
  },
  { id: "empty file", text: "", outcome: "refused", message: /Invalid input: expected object/ },
  { id: "a bare list", text: "- a\n- b\n", outcome: "refused", message: /expected object, received array/ },
  // Schema.
  {
    id: "no name",
    text: json({ events: [EV] }),
    outcome: "refused",
    message: /expected string, received undefined/,
  },
  {
    id: "no events",
    text: json({ name: "x", events: [] }),
    outcome: "refused",
    message: /a scenario needs at least one event/,
  },
  {
    id: "unknown top-level key",
    text: json({ name: "x", events: [EV], horizon: 30 }),
    outcome: "refused",
    message: /Unrecognized key: "horizon"/,
  },
  {
    id: "unknown event kind",
    text: one({ kind: "earthquake" }),
    outcome: "refused",
    message: /kind: Invalid discriminator value|Invalid discriminator value. Expected 'closure'/,
  },
  {
    id: "unknown mode",
    text: one({ modes: ["hovercraft"] }),
    outcome: "refused",
    message: /expected one of rail, truck, bus, personal-vehicle, pedestrian/,
    line: 10,
  },
  { id: "no ports", text: one({ ports: [] }), outcome: "refused", message: /name at least one port/ },
  {
    id: "unknown port",
    text: one({ ports: ["Atlantis"] }),
    outcome: "refused",
    message: /no port matches "Atlantis"|unknown port "Atlantis"/,
  },
  {
    id: "a mode the port never had",
    text: one({ ports: ["2302"], modes: ["rail"] }),
    outcome: "refused",
    message: /Del Rio \(2302\) has never had rail crossings in BTS data/,
  },
  {
    id: "a date that is not a date",
    text: one({ start: "18/12/2023 08:00" }),
    outcome: "refused",
    message: /expected an ISO date-time with an offset/,
  },
  {
    id: "a local time without a zone",
    text: one({ start: "2023-12-18T08:00", end: "2023-12-22T08:00" }),
    outcome: "refused",
    message: /has no offset: add one \(e\.g\. -06:00\) or give the event a timeZone/,
  },
  {
    id: "an unknown time zone",
    text: one({ start: "2023-12-18T08:00", end: "2023-12-22T08:00", timeZone: "Mars/Olympus" }),
    outcome: "refused",
    message: /timeZone is an IANA zone name/,
  },
  {
    id: "an offset and a zone both",
    text: one({ timeZone: "America/Chicago" }),
    outcome: "refused",
    message: /already has an offset; timeZone applies to local times only/,
  },
  {
    id: "end before start",
    text: one({ end: "2023-12-17T08:00:00-06:00" }),
    outcome: "refused",
    message: /end 2023-12-17T08:00:00-06:00 is not after start/,
  },
  {
    id: "an event of 400 days",
    text: one({ end: "2025-01-22T08:00:00-06:00" }),
    outcome: "refused",
    message: /an event may last at most 365 days/,
  },
  {
    id: "before the data",
    text: one({ start: "1990-01-01T00:00:00Z", end: "1990-01-02T00:00:00Z" }),
    outcome: "refused",
    message: /is too early: the baseline needs 12 months of BTS data/,
  },
  {
    id: "years after the data",
    text: one({ start: "2099-01-01T00:00:00Z", end: "2099-01-02T00:00:00Z" }),
    outcome: "refused",
    message: /more than two years after the data ends/,
  },
  {
    id: "remaining capacity 1.5",
    text: one({ kind: "capacity-cut", remainingCapacity: 1.5 }),
    outcome: "refused",
    message: /remainingCapacity is a share from 0 to 1/,
  },
  {
    id: "demand factor 50",
    text: one({ kind: "demand-shock", factor: 50 }),
    outcome: "refused",
    message: /factor above 10 is not plausible/,
  },
  {
    id: "officers 1,000,000",
    text: one({ kind: "officer-redeployment", officers: 1e6, modes: undefined }),
    outcome: "refused",
    message: /at most 5000 officers in one event/,
  },
  {
    id: "horizonDays 0",
    text: one({}, { horizonDays: 0 }),
    outcome: "refused",
    message: /expected number to be >=1|Too small/,
  },
  {
    id: "horizonDays shorter than the events",
    text: one({}, { horizonDays: 2 }),
    outcome: "refused",
    message: /horizonDays 2 ends before the last event does/,
  },
  // Parameters and options (every one bounded).
  {
    id: "negative carrying rate",
    text: opts({ parameters: { carryingRatePerYear: -5 } }),
    outcome: "refused",
    message: /carryingRatePerYear must be from 0 to 1 \(a share of value per year\)/,
  },
  {
    id: "a share above 1",
    text: opts({ parameters: { divertShareTruck: 2 } }),
    outcome: "refused",
    message: /divertShareTruck must be from 0 to 1/,
  },
  {
    id: "headroom range to 1e9",
    text: opts({ parameters: { headroom: [1, 1e9] } }),
    outcome: "refused",
    message: /headroom must be from 0.5 to 3/,
  },
  {
    id: "a range the wrong way round",
    text: opts({ parameters: { headroom: [1.3, 1.1] } }),
    outcome: "refused",
    message: /a range is \[low, high\] with low <= high/,
  },
  {
    id: "a truck day of 30 hours",
    text: opts({ parameters: { truckHoursPerDay: 30 } }),
    outcome: "refused",
    message: /truckHoursPerDay must be from 0 to 24/,
  },
  {
    id: "an unknown parameter",
    text: opts({ parameters: { warpFactor: 9 } }),
    outcome: "refused",
    message: /Unrecognized key: "warpFactor"/,
  },
  {
    id: "a staffing override out of range",
    text: one({
      kind: "officer-redeployment",
      officers: 100,
      modes: undefined,
      staffing: { primaryShare: 3 },
    }),
    outcome: "refused",
    message: /primaryShare must be from 0 to 1/,
  },
  { id: "draws 0 in the file", text: opts({ draws: 0 }), outcome: "refused", message: /draws is at least 1/ },
  {
    id: "draws 20,000 in the file",
    text: opts({ draws: 20000 }),
    outcome: "refused",
    message: /draws is at most 5,000/,
  },
  {
    id: "draws 2.5",
    text: opts({ draws: 2.5 }),
    outcome: "refused",
    message: /draws must be a whole number/,
  },
  {
    id: "baselineMonths 100",
    text: opts({ baselineMonths: 100 }),
    outcome: "refused",
    message: /Too big|<=36/,
  },
  // Events together.
  {
    id: "two events 28 years apart",
    text: json({
      name: "far",
      events: [{ ...EV, start: "1997-06-01T08:00:00-06:00", end: "1997-06-03T08:00:00-06:00" }, EV],
    }),
    outcome: "refused",
    message: /ends \d+ days after events\[0\] starts; one scenario covers at most 364 days/,
  },
  {
    id: "two overlapping closures",
    text: json({ name: "x", events: [EV, { ...EV, start: "2023-12-20T08:00:00-06:00" }] }),
    outcome: "refused",
    message: /overlaps events\[0\] at Eagle Pass \(2303\) rail/,
  },
  {
    id: "532 copies of one event: one problem each, 100 listed",
    text: () => manyEvents(532, false),
    outcome: "refused",
    message: /and 431 more problems \(the first 100 are listed\)/,
  },
  {
    id: "10,000 events: refused before any is checked",
    text: () => manyEvents(10_000, false),
    outcome: "refused",
    message: /10,000 events: a scenario has at most 1,000 events; split it/,
  },
  // Accepted, correctly.
  {
    id: "1,000 distinct events",
    text: () => manyEvents(1000, true),
    outcome: "accepted",
    check: (v) => assert.equal(v.events.length, 1000),
  },
  {
    id: "events 300 days apart are both modelled",
    text: json({
      name: "x",
      events: [EV, { ...EV, start: "2024-10-10T08:00:00-05:00", end: "2024-10-11T08:00:00-05:00" }],
    }),
    outcome: "accepted",
    check: (v) => assert.equal(v.events.length, 2),
  },
  {
    id: "northbound at a Mexican port",
    text: one({ direction: "northbound" }),
    outcome: "accepted",
    check: (v) => assert.equal(v.events[0]!.direction, "northbound"),
  },
  {
    id: "a port by name",
    text: one({ ports: ["Eagle Pass"] }),
    outcome: "accepted",
    check: (v) => assert.deepEqual(v.events[0]!.ports, ["2303"]),
  },
  {
    id: "local times in each port's zone",
    text: one({
      ports: ["2303", "2402"],
      start: "2023-12-18T08:00",
      end: "2023-12-22T08:00",
      timeZone: "local",
    }),
    outcome: "accepted",
    check: (v) => assert.equal(new Set(v.events.map((e) => e.startMs)).size, 2, "Central and Mountain time"),
  },
  {
    id: "a parameter range inside its span",
    text: opts({ parameters: { carryingRatePerYear: [0.1, 0.3] } }),
    outcome: "accepted",
    check: (v) => assert.deepEqual(v.scenario.options.parameters.carryingRatePerYear, [0.1, 0.3]),
  },
  {
    id: "a UTF-8 BOM and CRLF line ends",
    text: '\ufeffname: bom\r\nevents:\r\n  - kind: closure\r\n    ports: ["2303"]\r\n    modes: [rail]\r\n    start: 2023-12-18T08:00:00-06:00\r\n    end: 2023-12-22T08:00:00-06:00\r\n',
    outcome: "accepted",
    check: (v) => assert.equal(v.scenario.name, "bom"),
  },
  {
    id: "consecutive closures (end = next start)",
    text: json({ name: "x", events: [EV, { ...EV, start: EV.end, end: "2023-12-24T08:00:00-06:00" }] }),
    outcome: "accepted",
    check: (v) => assert.equal(v.events.length, 2),
  },
];

let dir: string;
let store: Store;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "bf-corpus-scenario-"));
  store = await Store.open({ path: join(dir, "bf.duckdb"), readOnly: true, onNotice: () => undefined });
});
after(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

for (const c of CASES)
  test(`scenario: ${c.id}`, async () => {
    const text = typeof c.text === "function" ? c.text() : c.text;
    let v: ScenarioValidation;
    try {
      const parsed = parseScenarioText(text, "case.yaml");
      const t0 = performance.now();
      v = await validateScenario(store, parsed.data, parsed);
      // Not a timing target (bench/ has those): a guard against the quadratic validation of before.
      assert.ok(performance.now() - t0 < 30_000, "validation finished");
    } catch (e) {
      assert.ok(e instanceof InputError, `not an InputError: ${(e as Error).stack}`);
      assert.equal(c.outcome, "refused", e.message);
      assert.match(e.message, c.message!);
      tally("scenario", c.id, c.outcome);
      return;
    }
    if (c.outcome === "refused") {
      assert.equal(v.ok, false, "accepted");
      if (v.ok) return;
      const hit = v.issues.find((i) => c.message!.test(i.message));
      assert.ok(
        hit,
        v.issues
          .slice(0, 5)
          .map((i) => `${i.path}: ${i.message}`)
          .join("\n"),
      );
      if (c.line) assert.equal(hit.line, c.line);
      assert.ok(v.issues.length <= 101, `${v.issues.length} issues listed`);
      assert.ok(JSON.stringify(v.issues).length < 64 * 1024, "a short error");
    } else {
      assert.ok(
        v.ok,
        !v.ok
          ? v.issues
              .slice(0, 5)
              .map((i) => `${i.path}: ${i.message}`)
              .join("\n")
          : "",
      );
      if (v.ok) c.check!(v);
    }
    tally("scenario", c.id, c.outcome);
  });

test("scenario: a file over 2 MB is not read", () => {
  const f = join(dir, "big.json");
  writeFileSync(f, json({ name: "big", description: "x".repeat(3 * 1024 * 1024), events: [EV] }));
  assert.throws(() => readScenarioFile(f), /is 3\.0 MB; a scenario file is at most 2 MB/);
  tally("scenario", "a file over 2 MB", "refused");
});

test("every parameter's default range lies inside the span a scenario may set", async () => {
  const { PARAMETERS } = await import("../../src/model/parameters.ts");
  const { STAFFING_PARAMETERS } = await import("../../src/model/staffing.ts");
  const { PARAMETER_BOUNDS, STAFFING_BOUNDS } = await import("../../src/domain/parameter-bounds.ts");
  const inside = (v: number | [number, number], b: { min: number; max: number }) =>
    (typeof v === "number" ? [v] : v).every((x) => x >= b.min && x <= b.max);
  for (const [name, p] of Object.entries(PARAMETERS))
    assert.ok(inside(p.value, PARAMETER_BOUNDS[name as keyof typeof PARAMETER_BOUNDS]), name);
  for (const [name, p] of Object.entries(STAFFING_PARAMETERS))
    assert.ok(
      inside(p.value as [number, number], STAFFING_BOUNDS[name as keyof typeof STAFFING_BOUNDS]),
      name,
    );
});
