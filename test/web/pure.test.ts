// The dashboard's pure pieces, without a browser: the address of each view, the CSV and JSON exports, and
// the per-unit backtest verdict. The browser test (test/browser) checks them again on the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { destinationSentence, skillByUnit, skillSentence, skillWord } from "../../web/src/backtest-skill.ts";
import { mainMode } from "../../web/src/main-mode.ts";
import type { Month } from "../../src/domain/units.ts";
import { toCsv, toJson, type Dataset } from "../../web/src/dataset.ts";
import { formatCount, formatRate, monthRange } from "../../web/src/format.ts";
import { formatHash, parseHash, route } from "../../web/src/router.ts";
import { portTimeZone } from "../../web/src/scenario-spec.ts";

test("every view's address reads back to the same view", () => {
  for (const hash of [
    "#port=2303",
    "#port=2303&unit=trains&range=all",
    "#compare&ports=3801,3802,2402+2401&measure=Trucks&from=2019-01&to=2024-12&per=day&show=index",
    "#scenario=eyJuYW1lIjoieCJ9",
    "#scenario&preset=dec-2023",
    "#events",
    "#event=cbp-rail-suspension-eagle-pass-el-paso-2023-12",
    "#waits=2402&lane=passenger&by=hour",
  ])
    assert.equal(formatHash(parseHash(hash)), hash, hash);
  assert.equal(formatHash(route("ports")), "", "the overview is the bare address");
  assert.deepEqual(parseHash("#nonsense"), { tab: "ports", id: null, params: new URLSearchParams() });
  assert.equal(parseHash("#compare&ports=2402+2401").params.get("ports"), "2402+2401");
  assert.equal(parseHash("#event=a%20b").id, "a b");
});

test("CSV exports carry their metadata as # lines and quote what needs it; JSON carries the same", () => {
  const d: Dataset = {
    name: "x",
    title: "Trucks, Eagle Pass (2303)",
    source: "BTS",
    api: ["/api/crossings?port=2303"],
    period: { from: "2024-01", to: "2024-02" },
    columns: [
      { key: "month", label: "month" },
      { key: "name", label: "name" },
      { key: "value", label: "trucks", unit: "trucks" },
      { key: "status", label: "status" },
    ],
    rows: [
      { month: "2024-01", name: 'a, "b"', value: 1234.5, status: "observed" },
      { month: "2024-02", name: "#1", value: null, status: "not-reported" },
    ],
    notes: ["a note\nover two lines"],
  };
  const csv = toCsv(d, "http://127.0.0.1/#port=2303").split("\n");
  assert.deepEqual(csv.slice(0, 5), [
    "# Trucks, Eagle Pass (2303)",
    "# source: BTS",
    "# period: 2024-01..2024-02",
    "# api: /api/crossings?port=2303",
    "# link: http://127.0.0.1/#port=2303",
  ]);
  assert.ok(csv.includes("# column value: trucks (trucks)"));
  assert.ok(csv.includes("# note: a note over two lines"));
  const data = csv.filter((l) => l && !l.startsWith("# "));
  assert.deepEqual(data, [
    "month,name,value,status",
    '2024-01,"a, ""b""",1234.5,observed',
    '2024-02,"#1",,not-reported',
  ]);
  const j = JSON.parse(toJson(d, "L")) as Dataset & { link: string };
  assert.deepEqual(j.rows, d.rows);
  assert.equal(j.link, "L");
});

test("whole units in tables, one decimal in per-day rates; months without a gap", () => {
  assert.equal(formatCount(83.7, "railcars"), "84 railcars");
  assert.equal(formatCount(-0.3), "0");
  assert.equal(formatRate(9.66, "trains"), "9.7 trains");
  assert.equal(formatRate(1494.3), "1,494");
  assert.deepEqual(monthRange("2023-11", "2024-02"), ["2023-11", "2023-12", "2024-01", "2024-02"]);
});

test("a port's own time zone", () => {
  assert.equal(portTimeZone({ state: "Michigan", longitude: -83 }), "America/New_York");
  assert.equal(portTimeZone({ state: "Texas", longitude: -106.45 }), "America/Denver");
  assert.equal(portTimeZone({ state: "Texas", longitude: -100.5 }), "America/Chicago");
  assert.equal(portTimeZone({ state: "Arizona", longitude: -111 }), "America/Phoenix");
});

test("the backtest says per unit whether the model beat “no effect”, never for a mixed total", () => {
  const row = (
    unit: string,
    observedEffect: number | null,
    modelledEffect: number,
    phase: "event" | "after" = "event",
    scored = true,
  ) => ({
    port: "3801",
    portName: "Detroit",
    role: "affected" as const,
    mode: "truck" as const,
    unit,
    month: (phase === "event" ? "2022-02" : "2022-03") as never,
    phase,
    observed: observedEffect === null ? null : 100 + observedEffect,
    counterfactual: 100,
    lo: null,
    hi: null,
    observedEffect,
    modelledEffect,
    modelled: 100 + modelledEffect,
    bandLo: null,
    bandHi: null,
    noiseScale: null,
    error: observedEffect === null ? null : modelledEffect - observedEffect,
    errorShare: null,
    nullError: observedEffect === null ? null : -observedEffect,
    inBand: null,
    scored,
  });
  const s = skillByUnit([
    row("trucks", -24, -10),
    row("trucks", -8, 0),
    row("trucks", 8, 0, "after"),
    row("trucks", -50, 0, "event", false), // shown, not scored
    row("vehicles", -30, 0),
    row("buses", -5, 20),
    row("trains", null, -3),
  ]);
  const by = Object.fromEntries(s.map((x) => [x.unit, x]));
  // Event months only, scored rows only: |−10+24| + |0+8| = 22 against 24 + 8 = 32.
  assert.equal(by.trucks!.verdict, "beat");
  assert.deepEqual([by.trucks!.event.modelError, by.trucks!.event.nullError], [22, 32]);
  assert.equal(by.trucks!.event.skill, 1 - 22 / 32);
  assert.deepEqual([by.trucks!.after.modelError, by.trucks!.after.nullError], [8, 8]);
  assert.equal(by.trucks!.observedShare, -32 / 200);
  assert.deepEqual(
    by.trucks!.inEvent.map((x) => [x.month, x.observedShare, x.modelledShare]),
    [
      ["2022-02", -0.24, -0.1],
      ["2022-02", -0.08, 0],
    ],
  );
  assert.equal(by.vehicles!.verdict, "tied");
  assert.match(skillSentence(by.vehicles!), /no better than “no effect”/);
  assert.equal(by.buses!.verdict, "worse");
  assert.equal(by.trains!.verdict, "no-data");
  assert.match(skillSentence(by.trucks!), /beat “no effect”: its error was 22 trucks against 32/);
  assert.match(skillSentence(by.trains!), /Not scored/);
});

test("a port's main mode: the traded freight mode that crossed, else what crossed (Nighthawk, Boquillas)", () => {
  const port = (crossingModes: string[], trade: [string, number][], counted: [string, number | null][]) => ({
    port: { crossingModes } as never,
    trade: { byModeDirection: trade.map(([mode, valueUsd]) => ({ mode, valueUsd })) } as never,
    crossings: { byMeasure: counted.map(([measure, value]) => ({ measure, value })) as never },
  });
  const all = ["bus", "pedestrian", "personal-vehicle", "rail", "truck"];
  // Detroit: most trade by truck, trucks and trains crossing.
  assert.equal(
    mainMode(
      port(
        all,
        [
          ["truck", 9e10],
          ["rail", 2e10],
        ],
        [
          ["Trucks", 1e6],
          ["Trains", 3000],
        ],
      ),
    ),
    "truck",
  );
  // Eagle Pass-like: more rail trade than truck.
  assert.equal(
    mainMode(
      port(
        all,
        [
          ["truck", 1e9],
          ["rail", 2e9],
        ],
        [
          ["Trucks", 1e5],
          ["Trains", 3000],
        ],
      ),
    ),
    "rail",
  );
  // Nighthawk: $24,205 of truck trade a year, no truck counted in the window; vehicles and people cross.
  assert.equal(
    mainMode(
      port(
        all,
        [["truck", 24_205]],
        [
          ["Trucks", 0],
          ["Train Passengers", 1],
          ["Personal Vehicles", 4966],
          ["Pedestrians", 96],
        ],
      ),
    ),
    "personal-vehicle",
  );
  // Boquillas: no trade; only pedestrians counted.
  assert.equal(
    mainMode(
      port(
        ["pedestrian", "personal-vehicle"],
        [],
        [
          ["Pedestrians", 24_511],
          ["Personal Vehicles", null],
        ],
      ),
    ),
    "pedestrian",
  );
  // Nothing counted in the window: the modes the port has ever reported.
  assert.equal(mainMode(port(["pedestrian", "personal-vehicle"], [], [])), "personal-vehicle");
});

test("the backtest's words: a skill of 0 is “no better than”; a destination says whether BTS saw the traffic", () => {
  assert.equal(skillWord(0), "no better than");
  assert.equal(skillWord(0.42), "beat");
  assert.equal(skillWord(-0.1), "worse than");
  const d = {
    port: "3802",
    portName: "Port Huron",
    mode: "truck" as const,
    unit: "trucks",
    units: 9279.87,
    share: 1,
    month: "2022-02" as Month,
    observed: 72996,
    counterfactual: 64289.77,
    hi: 69350.26,
    rose: true,
    aboveInterval: true,
  };
  assert.equal(
    destinationSentence(d),
    "Port Huron (3802) truck: the model sent 9,280 trucks (100.0% of the trucks the model rerouted); BTS shows a rise there, above the interval of a quiet month (72,996 trucks counted against 64,290 expected, interval up to 69,350).",
  );
  assert.match(destinationSentence({ ...d, rose: false, aboveInterval: false }), /BTS shows no rise there/);
  assert.match(
    destinationSentence({
      ...d,
      observed: null,
      rose: null,
      aboveInterval: null,
      note: "month not yet published",
    }),
    /not judged — month not yet published/,
  );
});
