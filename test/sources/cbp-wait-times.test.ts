import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../../src/domain/errors.ts";
import { portOfCrossing, type WaitReading } from "../../src/domain/wait-times.ts";
import {
  parseDelayMinutes,
  parseWaitTimes,
  resolveUpdateTime,
  type WaitTimesResult,
} from "../../src/sources/cbp-wait-times.ts";
import { parseXml, xmlToPlain } from "../../src/sources/xml.ts";
import { Store } from "../../src/store/db.ts";

/** A feed entry as JSON, edited freely by this file (the shape is the feed's; see SCHEMA.md). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FeedEntry = Record<string, any>;
const FIX = join(import.meta.dirname, "../fixtures/waits");
const fixture = (name: string) => readFileSync(join(FIX, name));
const BWTNEW = "bwtnew-20220629T172515Z-excerpt.json";
const XML = "bwt-xml-20140315T192559Z-excerpt.xml";

const parse = (name: string, fetchedAt: string, knownPorts?: ReadonlySet<string>) =>
  parseWaitTimes(fixture(name), { origin: name, fetchedAt, ...(knownPorts ? { knownPorts } : {}) });

const find = (r: WaitTimesResult, crossing: string, lane: string): WaitReading => {
  const hit = r.readings.find((x) => x.crossing === crossing && x.lane === lane);
  assert.ok(hit, `no reading ${crossing} ${lane}`);
  return hit;
};

test("JSON feed (bwtnew, 29 Jun 2022): typed readings with CBP's own update time and zone", () => {
  const r = parse(BWTNEW, "2022-06-29T17:25:15.000Z");
  assert.equal(r.format, "json");
  assert.equal(r.crossings, 19);
  assert.equal(r.rejects.length, 0);
  assert.equal(r.readings.length, 78);
  assert.equal(r.notApplicable, 55, "N/A lanes are not readings");
  // SCHEMA.md's check: San Ysidro standard POV lanes at 10:00 PDT showed delay, 140 minutes, 5 of 34 lanes open.
  assert.deepEqual(find(r, "250401", "passenger-standard"), {
    key: "250401|passenger-standard|2022-06-29T17:00:00.000Z",
    crossing: "250401",
    port: "2504",
    portName: "San Ysidro",
    crossingName: "",
    border: "mexico",
    lane: "passenger-standard",
    status: "delay",
    delayMinutes: 140,
    lanesOpen: 5,
    maxLanes: 34,
    portStatus: "Open",
    automationType: "Manual",
    updatedAt: "2022-06-29T10:00:00-07:00",
    timeZone: "PDT",
    fetchedAt: "2022-06-29T17:25:15.000Z",
    format: "json",
  });
  assert.equal(find(r, "230404", "commercial-standard").automationType, "RFID");
  assert.equal(find(r, "090101", "passenger-standard").automationType, "Bluetooth");
  const noon = find(r, "070801", "commercial-standard");
  assert.equal(noon.updatedAt, "2022-06-29T12:00:00-04:00");
  assert.equal(noon.timeZone, "EDT");
  // A closed lane has no update time: it is keyed by the hour it was fetched in.
  const closed = find(r, "300401", "commercial-fast");
  assert.equal(closed.status, "closed");
  assert.equal(closed.updatedAt, null);
  assert.equal(closed.key, "300401|commercial-fast|closed@2022-06-29T17");
  assert.equal(find(r, "250407", "pedestrian-standard").status, "update-pending");
  // Every lane type is represented.
  assert.deepEqual([...new Set(r.readings.map((x) => x.lane))].sort(), [
    "commercial-fast",
    "commercial-standard",
    "passenger-ready",
    "passenger-sentri",
    "passenger-standard",
    "pedestrian-ready",
    "pedestrian-standard",
  ]);
});

test("XML feed (bwt.xml, 15 Mar 2014): text waits, entities, header count", () => {
  const r = parse(XML, "2014-03-15T19:25:59.000Z");
  assert.equal(r.format, "xml");
  assert.equal(r.crossings, 17);
  assert.equal(r.rejects.length, 0);
  assert.equal(r.readings.length, 63);
  assert.deepEqual(r.notes, ["the header says 71 ports; the document holds 17"]);
  const blaine = find(r, "300401", "passenger-standard");
  assert.equal(blaine.delayMinutes, 60, '"1 hr"');
  assert.equal(blaine.updatedAt, "2014-03-15T12:00:00-07:00");
  assert.equal(blaine.automationType, null, "the 2014 XML has no automation fields");
  assert.equal(find(r, "535501", "passenger-standard").crossingName, "B&M", "&amp; decoded");
  const texts = new Map(r.readings.map((x) => [x.key, x.delayMinutes]));
  assert.ok([...texts.values()].includes(90), '"1 hrs 30 min" is 90 minutes');
});

test("one-crossing response (/api/bwtpublicmod/300401) is read like the list", () => {
  const r = parse("bwtpublicmod-300401-20220701T004214Z.json", "2022-07-01T00:42:14.000Z");
  assert.equal(r.crossings, 1);
  assert.equal(r.readings.length, 5);
  // Fetched at 17:42 PDT on 30 June; "At 5:00 pm PDT" is that day, 00:00 UTC on 1 July.
  assert.equal(find(r, "300401", "commercial-standard").updatedAt, "2022-06-30T17:00:00-07:00");
  assert.equal(
    find(r, "300401", "commercial-standard").key,
    "300401|commercial-standard|2022-07-01T00:00:00.000Z",
  );
});

test("crossing numbers map to the ports of the store's ports table", async () => {
  const store = await Store.open({ path: ":memory:" });
  try {
    const ports = new Map(
      (
        await store.all<{ port_code: string; port_name: string }>({
          sql: "SELECT port_code, port_name FROM ports",
          params: [],
        })
      ).map((p) => [p.port_code, p.port_name]),
    );
    const list = JSON.parse(fixture("bwtmodern-crossingslist-20220701T003604Z.json").toString("utf8")) as {
      portCrossings: { bwtId: string; portName: string; crossingName: string }[];
    };
    assert.equal(list.portCrossings.length, 76);
    for (const c of list.portCrossings) {
      const crossing = c.bwtId.slice(2);
      const port = portOfCrossing(crossing);
      assert.ok(
        port && ports.has(port),
        `${crossing} ${c.portName} ${c.crossingName} maps to ${port}, not a port`,
      );
    }
    const name = (crossing: string) => ports.get(portOfCrossing(crossing)!);
    assert.equal(portOfCrossing("250401"), "2504");
    assert.equal(name("250401"), "San Ysidro");
    assert.equal(portOfCrossing("240201"), "2402");
    assert.equal(name("240201"), "El Paso");
    assert.equal(portOfCrossing("230401"), "2304");
    assert.equal(name("230401"), "Laredo");
    // The exceptions, each checked by name against BTS.
    assert.equal(name("240203"), "Ysleta");
    assert.equal(name("250301"), "Calexico East");
    assert.equal(name("250302"), "Calexico");
    assert.equal(name("250409"), "Cross Border Xpress");
    assert.equal(name("300403"), "Point Roberts");
    assert.equal(name("380001"), "Detroit");
    assert.equal(name("535502"), "Brownsville");
    assert.equal(name("l24501"), "Tornillo");
    assert.equal(name("302301"), "Kenneth G Ward", "Lynden is BTS's Kenneth G Ward");
    // With the ports as known ports, every crossing of both captures is accepted.
    const known = new Set(ports.keys());
    assert.equal(parse(BWTNEW, "2022-06-29T17:25:15.000Z", known).rejects.length, 0);
    assert.equal(parse(XML, "2014-03-15T19:25:59.000Z", known).rejects.length, 0);
  } finally {
    store.close();
  }
});

/** The JSON capture with a change made by the test to one crossing (by index). */
function edited(change: (crossings: FeedEntry[]) => void): Buffer {
  const crossings = JSON.parse(fixture(BWTNEW).toString("utf8")) as FeedEntry[];
  change(crossings);
  return Buffer.from(JSON.stringify(crossings));
}

test("bad entries are reported with what and why, and skipped; the rest is read", () => {
  const at = "2022-06-29T17:25:15.000Z";
  const body = edited((c) => {
    const sy = c.find((x) => x.port_number === "250401")!;
    const lane = sy.passenger_vehicle_lanes.standard_lanes;
    lane.delay_mins = lane.delay_minutes; // a renamed field
    delete lane.delay_minutes;
    sy.pedestrian_lanes.standard_lanes.operational_status = "Closed for lunch";
    c.find((x) => x.port_number === "240201")!.passenger_vehicle_lanes.standard_lanes.update_time =
      "At 25:00 am MDT";
    c.find((x) => x.port_number === "240202")!.passenger_vehicle_lanes.standard_lanes.update_time =
      "At 11:00 am XST";
    c.find((x) => x.port_number === "240204")!.border = "Northern Border";
    c.find((x) => x.port_number === "230404")!.commercial_vehicle_lanes.standard_lanes.delay_minutes =
      "a while";
    c.push(42 as never);
  });
  const r = parseWaitTimes(body, {
    origin: "edited",
    fetchedAt: at,
    knownPorts: new Set(["2504", "2402", "2401", "2304"]),
  });
  const why = r.rejects.map((x) => `${x.crossing} ${x.field}: ${x.reason}`);
  const has = (re: RegExp) =>
    assert.ok(
      why.some((w) => re.test(w)),
      `no reject like ${re}:\n${why.join("\n")}`,
    );
  has(
    /^250401 passenger_vehicle_lanes\.standard_lanes\.delay_minutes: delay_minutes is missing \(unexpected field delay_mins: renamed\?\)/,
  );
  has(/^250401 pedestrian_lanes\.standard_lanes\.operational_status: unknown status/);
  has(/^240201 passenger_vehicle_lanes\.standard_lanes\.update_time: not a clock time/);
  has(/^240202 passenger_vehicle_lanes\.standard_lanes\.update_time: unknown time zone XST/);
  has(/^240204 border: unknown border "Northern Border"/);
  has(/^230404 commercial_vehicle_lanes\.standard_lanes\.delay_minutes: not a wait in minutes/);
  has(/^null crossing: not an object/);
  // Crossings of ports outside the known ones are refused with the port named.
  has(/^300401 port_number: unknown port 3004 \(Blaine, Pacific Highway\): not in the ports table/);
  // San Ysidro's other lanes are still read.
  assert.equal(find(r, "250401", "passenger-ready").delayMinutes, 100);
  assert.ok(!r.readings.some((x) => x.crossing === "240204"));
});

test("a body that is not the feed is a DataError naming what it got", () => {
  const opts = { origin: "http://127.0.0.1/x", fetchedAt: "2026-08-02T10:24:07.000Z" };
  // The real 2026 excerpt was cut off by its owner: it is not valid JSON.
  assert.throws(
    () => parseWaitTimes(fixture("api-waittimes-2026-08-02-excerpt-TRUNCATED.json"), opts),
    (e: unknown) => e instanceof DataError && /neither JSON nor XML/.test(e.message),
  );
  assert.throws(
    () => parseWaitTimes("<html><body>Service Unavailable</body></html>", opts),
    /expected <border_wait_time>/,
  );
  assert.throws(
    () => parseWaitTimes('{"portCrossings": []}', opts),
    /expected a JSON array of crossings.*portCrossings/,
  );
  assert.throws(() => parseWaitTimes(fixture(XML).subarray(0, 5000), opts), /ends inside .*\(cut short\?\)/);
  assert.throws(() => parseWaitTimes("", opts), /neither JSON nor XML.*\(empty\)/);
});

test("update times: noon, midnight, the day before, a little ahead", () => {
  assert.deepEqual(resolveUpdateTime("At Noon EDT", "6/29/2022", "13:25:16"), {
    iso: "2022-06-29T12:00:00-04:00",
    zone: "EDT",
  });
  assert.deepEqual(resolveUpdateTime("At 1:22 pm EDT", "6/29/2022", "13:25:16"), {
    iso: "2022-06-29T13:22:00-04:00",
    zone: "EDT",
  });
  // The feed at 00:20 showing an update at 11 pm: the evening before.
  assert.deepEqual(resolveUpdateTime("At 11:00 pm CST", "1/1/2025", "00:20:00"), {
    iso: "2024-12-31T23:00:00-06:00",
    zone: "CST",
  });
  // The feed at 23:40 showing an update at midnight: the next day's.
  assert.equal(
    (resolveUpdateTime("At Midnight PST", "12/31/2024", "23:40:00") as { iso: string }).iso,
    "2025-01-01T00:00:00-08:00",
  );
  // 2026 capture: feed time 06:24, update "At 7:00 am EDT": the same day, a little ahead.
  assert.equal(
    (resolveUpdateTime("At 7:00 am EDT", "8/2/2026", "06:24:07") as { iso: string }).iso,
    "2026-08-02T07:00:00-04:00",
  );
  assert.match(resolveUpdateTime("around noon", "8/2/2026") as string, /not an update time/);
  assert.match(resolveUpdateTime("At Noon EDT", "2/30/2026") as string, /not a calendar date/);
});

test("waits as text: digits, minutes, hours and minutes", () => {
  const cases: [string, number | undefined][] = [
    ["0", 0],
    ["140", 140],
    ["15 min", 15],
    ["1 hr", 60],
    ["1 hrs 30 min", 90],
    ["2 hrs", 120],
    ["", undefined],
    ["a while", undefined],
    ["-5", undefined],
  ];
  for (const [text, minutes] of cases) assert.equal(parseDelayMinutes(text), minutes, JSON.stringify(text));
});

test("the XML reader: nesting, repeats, entities, CDATA and errors", () => {
  const el = parseXml(
    `<?xml version='1.0'?><!-- c --><a><b>1</b><b>x &amp; y &#233;</b><c/><d><![CDATA[<raw>]]></d></a>`,
  );
  assert.deepEqual(xmlToPlain(el), { b: ["1", "x & y é"], c: "", d: "<raw>" });
  assert.throws(() => parseXml("<a><b></a>"), /end tag <\/a> closes <b>/);
  assert.throws(() => parseXml("<a></a><a></a>"), /a second root element/);
  assert.throws(() => parseXml("<a>&nbsp;</a>"), /unknown XML entity/);
});
