import { test } from "node:test";
import assert from "node:assert/strict";
import {
  deriveScenario,
  EventSchema,
  zonedTimeToUtc,
  type DisruptionEvent,
} from "../../src/domain/events.ts";
import { readEventRegistry } from "../../src/sources/events.ts";
import { DataError } from "../../src/domain/errors.ts";

const ev = (over: Partial<DisruptionEvent> & Record<string, unknown>): DisruptionEvent =>
  EventSchema.parse({
    id: "e",
    title: "t",
    border: "US-Mexico",
    start: { date: "2023-12-18", time_local: "08:00", tz: "America/Chicago" },
    end: { date: "2023-12-22", time_local: "14:00", tz: "America/New_York" },
    ports: [{ name: "Eagle Pass", cbp_port_code: "2303" }],
    modes_affected: ["rail freight"],
    closure_type: "full",
    ...over,
  });

test("local times in IANA zones become instants, daylight saving included", () => {
  assert.equal(
    new Date(zonedTimeToUtc("2023-12-18", "08:00", "America/Chicago")).toISOString(),
    "2023-12-18T14:00:00.000Z",
  );
  assert.equal(
    new Date(zonedTimeToUtc("2023-07-01", "08:00", "America/Chicago")).toISOString(),
    "2023-07-01T13:00:00.000Z",
  );
  assert.equal(
    new Date(zonedTimeToUtc("2023-12-22", "14:00", "America/New_York")).toISOString(),
    "2023-12-22T19:00:00.000Z",
  );
});

test("the December 2023 registry event: 08:00 local at each crossing (the overlay) to 14:00 Eastern", () => {
  const [dec] = readEventRegistry("data/snapshot/events.json").filter(
    (e) => e.id === "cbp-rail-suspension-eagle-pass-el-paso-2023-12",
  );
  assert.equal(dec!.start.tz, "local", "the repository's overlay reads 08:00 in each port's zone");
  const zones: Record<string, string> = { "2303": "America/Chicago", "2402": "America/Denver" };
  const d = deriveScenario(dec!, (p) => zones[p]);
  assert.ok(d.ok);
  assert.equal(d.events.length, 2, "one window per port: their starts differ by an hour");
  const [ep, elp] = d.events;
  assert.deepEqual([ep!.kind, ep!.ports, ep!.modes, ep!.direction], ["closure", ["2303"], ["rail"], "both"]);
  assert.equal(ep!.start, "2023-12-18T14:00:00.000Z");
  assert.equal(elp!.start, "2023-12-18T15:00:00.000Z");
  assert.equal(ep!.end, "2023-12-22T19:00:00.000Z");
  assert.equal((Date.parse(ep!.end) - Date.parse(ep!.start)) / 86_400_000, 4 + 5 / 24);
});

test("the Ambassador Bridge blockade acts on Detroit only: Port Huron is its diversion route", () => {
  const [amb] = readEventRegistry("data/snapshot/events.json").filter(
    (e) => e.id === "ambassador-bridge-blockade-2022-02",
  );
  const d = deriveScenario(amb!, () => "America/Detroit");
  assert.ok(d.ok);
  assert.deepEqual([...new Set(d.events.flatMap((e) => e.ports))], ["3801"]);
  assert.equal(d.events[0]!.start, "2022-02-08T01:00:00.000Z", "Monday evening, 20:00 Eastern");
});

test("closure types become closures or capacity cuts by the stated rules", () => {
  const kind = (closure_type: string, modes = ["truck"]) => {
    const d = deriveScenario(ev({ closure_type, modes_affected: modes }));
    assert.ok(d.ok, closure_type);
    return d.events.map(
      (e) =>
        `${e.modes?.[0]} ${e.direction} ${e.kind === "capacity-cut" ? `${e.remainingCapacity} ${e.of}` : "closed"}`,
    );
  };
  assert.deepEqual(kind("full (both directions)"), ["truck both closed"]);
  assert.deepEqual(kind("partial (one facility)"), ["truck both 0.5 facilities"]);
  assert.deepEqual(kind("near-full (lanes blocked)"), ["truck both 0.1 throughput"]);
  assert.deepEqual(kind("slowdown (inspections)"), ["truck both 0.75 facilities"]);
  assert.deepEqual(kind("severe slowdown at all crossings"), ["truck both 0.5 facilities"]);
  assert.deepEqual(kind("full at times, partial at others"), ["truck both 0.5 throughput"]);
  assert.deepEqual(kind("full (rail gateway) - damage in Mexico", ["rail freight", "truck"]), [
    "rail both closed",
    "truck both 0.5 facilities",
  ]);
  assert.deepEqual(kind("carrier suspension (not a port closure)", ["rail freight"]), ["rail both closed"]);
  assert.deepEqual(kind("full for rail; partial for road", ["rail freight", "personal vehicle"]), [
    "rail both closed",
    "personal-vehicle both 0.5 facilities",
  ]);
  assert.deepEqual(kind("full for Canada-bound traffic", ["truck"]), [
    "truck outbound closed",
    "truck inbound 0.5 throughput",
  ]);
  assert.deepEqual(kind("partial", ["truck (northbound commercial)"]), ["truck northbound 0.5 facilities"]);
});

test("a closure of one facility keeps the port's other crossings' lane-hours (CBP's feed), not 50%", () => {
  // Nogales's pedestrian crossings as the BWT feed lists them: DeConcini 6 lanes 24 h, Mariposa 6 lanes
  // 16 h, Morley Gate 4 lanes 8 h. Closing Morley Gate leaves (144 + 96) ÷ 272 of the lane-hours.
  const nogales = [
    { crossing: "Nogales – Deconcini", lanes: { truck: 0, vehicle: 8, pedestrian: 6 }, openHours: 24 },
    { crossing: "Nogales – Mariposa", lanes: { truck: 8, vehicle: 13, pedestrian: 6 }, openHours: 16 },
    { crossing: "Nogales – Morley Gate", lanes: { truck: 0, vehicle: 0, pedestrian: 4 }, openHours: 8 },
  ];
  const at = (name: string, closure_type: string, modes = ["pedestrian"]) =>
    deriveScenario(
      ev({ closure_type, modes_affected: modes, ports: [{ name, cbp_port_code: "2604" }] }),
      () => "America/Phoenix",
      (p) => (p === "2604" ? nogales : undefined),
    );
  const d = at(
    "Nogales, AZ - Morley Gate pedestrian crossing (traffic rerouted to DeConcini)",
    "partial (one pedestrian crossing of the port)",
  );
  assert.ok(d.ok);
  const e = d.events[0]!;
  assert.ok(e.kind === "capacity-cut" && e.of === "facilities");
  assert.equal(e.remainingCapacity, Math.round((240 / 272) * 1000) / 1000);
  assert.match(d.rules.join(" "), /one facility closed: Nogales – Morley Gate/);
  // Roman and Arabic bridge numbers are the same bridge; a name in the notes (parentheses) is not the facility.
  const bridges = [
    { crossing: "Eagle Pass – Bridge I", lanes: { truck: 0, vehicle: 5, pedestrian: 0 }, openHours: 16 },
    { crossing: "Eagle Pass – Bridge II", lanes: { truck: 1, vehicle: 7, pedestrian: 0 }, openHours: 24 },
  ];
  const b = deriveScenario(
    ev({
      closure_type: "partial (one of two bridges; northbound vehicles only)",
      modes_affected: ["personal vehicle (northbound)"],
      ports: [
        {
          name: "Eagle Pass, TX - International Bridge 1 (downtown; Bridge 2 stayed open)",
          cbp_port_code: "2303",
        },
      ],
    }),
    undefined,
    () => bridges,
  );
  assert.ok(b.ok && b.events[0]!.kind === "capacity-cut");
  assert.equal(
    b.events[0]!.kind === "capacity-cut" && b.events[0]!.remainingCapacity,
    Math.round((168 / 248) * 1000) / 1000,
  );
  // Without a named facility, a mode the facility does not serve, or a facility that is the whole port for
  // the mode, the closure type's own rule stands.
  const rule = (d: ReturnType<typeof at>) =>
    d.ok && d.events[0]!.kind === "capacity-cut" && d.events[0]!.remainingCapacity;
  assert.equal(rule(at("Nogales, AZ (Mariposa)", "partial (one crossing)")), 0.5);
  assert.equal(rule(at("Nogales, AZ - Morley Gate", "partial (one crossing)", ["truck"])), 0.5);
  assert.equal(rule(at("Nogales, AZ - Morley Gate", "partial (lane closures)")), 0.5);
  const whole = deriveScenario(
    ev({
      closure_type: "partial (one cargo facility)",
      modes_affected: ["truck"],
      ports: [{ name: "Eagle Pass, TX - Bridge II", cbp_port_code: "2303" }],
    }),
    undefined,
    () => bridges,
  );
  assert.equal(rule(whole), 0.5);
});

test("the registry's sub-periods give their components their own windows", () => {
  const reg = readEventRegistry("data/snapshot/events.json");
  const zones = () => "America/Chicago";
  const windows = (id: string) => {
    const d = deriveScenario(
      reg.find((e) => e.id === id)!,
      zones,
    );
    assert.ok(d.ok, id);
    return Object.fromEntries(
      d.events.flatMap((e) => (e.ports ?? []).map((p) => [`${p} ${e.modes![0]}`, `${e.start}..${e.end}`])),
    );
  };
  // Eagle Pass, September 2023: the rail bridge 2.5 days, Bridge 1's vehicles 26 (to 16 October).
  const ep = windows("cbp-eagle-pass-rail-and-bridge1-suspension-2023-09");
  assert.equal(ep["2303 rail"], "2023-09-20T19:00:00.000Z..2023-09-23T05:00:00.000Z");
  assert.equal(ep["2303 personal-vehicle"], "2023-09-20T19:00:00.000Z..2023-10-17T05:00:00.000Z");
  // Hurricane Alex: Ferromex's Eagle Pass gateway 1–5 July, KCSM's Laredo gateway 3–24 July; Laredo's road
  // bridge has no dates the text gives, so the event's window stands.
  const alex = windows("hurricane-alex-rail-laredo-eagle-pass-2010-07");
  assert.equal(alex["2303 rail"], "2010-07-01T05:00:00.000Z..2010-07-06T05:00:00.000Z");
  assert.equal(alex["2304 rail"], "2010-07-03T05:00:00.000Z..2010-07-25T05:00:00.000Z");
  assert.equal(alex["2304 truck"], "2010-07-01T05:00:00.000Z..2010-07-26T05:00:00.000Z");
});

test("events that cannot be modelled say why", () => {
  const no = (over: Record<string, unknown>) => {
    const d = deriveScenario(ev(over));
    assert.ok(!d.ok);
    return d.reason;
  };
  assert.match(no({ ports: [{ name: "All ports", cbp_port_code: null }] }), /no port codes/);
  assert.match(no({ closure_type: "none (threat)" }), /not modelled/);
  assert.match(no({ end: { date: null } }), /no end date or duration/);
  assert.match(no({ modes_affected: ["pleasure boat"] }), /no modelled mode/);
});

test("a date with no time starts at each port's local midnight; a duration sets the end", () => {
  const d = deriveScenario(
    ev({
      start: { date: "2018-11-25", time_local: "11:30", tz: "America/Los_Angeles" },
      end: { date: "2018-11-25" },
      duration_days_approx: 0.25,
    }),
  );
  assert.ok(d.ok);
  assert.equal(d.events[0]!.start, "2018-11-25T19:30:00.000Z");
  assert.equal(d.events[0]!.end, "2018-11-26T01:30:00.000Z");
  const m = deriveScenario(
    ev({ start: { date: "2023-04-14", tz: "America/Denver" }, end: { date: "2023-04-18" } }),
    () => "America/Denver",
  );
  assert.ok(m.ok);
  assert.equal(m.events[0]!.start, "2023-04-14T06:00:00.000Z");
  assert.equal(
    m.events[0]!.end,
    "2023-04-19T06:00:00.000Z",
    "an end date without a time is the end of that local day",
  );
  // Two ports in two zones: each starts at its own midnight.
  const two = deriveScenario(
    ev({
      start: { date: "2023-04-14" },
      end: { date: "2023-04-18" },
      ports: [
        { name: "Eagle Pass", cbp_port_code: "2303" },
        { name: "El Paso", cbp_port_code: "2402" },
      ],
    }),
    (p) => (p === "2303" ? "America/Chicago" : "America/Denver"),
  );
  assert.ok(two.ok);
  assert.deepEqual(
    two.events.map((e) => [e.ports!.join(), e.start]),
    [
      ["2303", "2023-04-14T05:00:00.000Z"],
      ["2402", "2023-04-14T06:00:00.000Z"],
    ],
  );
});

test("a user's registry file is validated with every problem listed", () => {
  assert.throws(
    () => readEventRegistry("test/fixtures/events/bad-events.json"),
    (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.match(e.message, /bad-events\.json: not a valid event registry \(\d+ problem\(s\)\)/);
      const d = e.details.join("\n");
      assert.match(d, /events\[0\]\.id: expected a lower-case id/);
      assert.match(d, /events\[0\]\.start\.date/);
      assert.match(d, /events\[1\]\.ports/);
      return true;
    },
  );
});
