import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Store } from "../../src/store/db.ts";
import { readScenarioFile, parseScenarioText } from "../../src/sources/scenario-file.ts";
import { runScenario, validateScenario, type ScenarioResult } from "../../src/services/scenario.ts";
import { scenarioJsonSchema } from "../../src/domain/scenario-json-schema.ts";
import { InputError } from "../../src/domain/errors.ts";
import { scenarioView } from "../../src/cli/commands/scenario.ts";

let store: Store;
let dec: ScenarioResult;
before(async () => {
  store = await Store.open({ path: ":memory:" });
  const text = readScenarioFile("examples/dec-2023-rail-suspension.json");
  const v = await validateScenario(store, text.data, text);
  assert.ok(v.ok, JSON.stringify(!v.ok && v.issues));
  dec = await runScenario(store, v, { draws: 300 });
});
after(() => store.close());

test("the committed JSON Schema is the one the zod schema generates", () => {
  const committed = JSON.parse(readFileSync("schemas/scenario.schema.json", "utf8"));
  assert.deepEqual(
    committed,
    scenarioJsonSchema(),
    "schemas/scenario.schema.json drifted: run npx tsx scripts/gen-schema.ts",
  );
});

test("December 2023: value held up per closure day with P10-P90, by commodity", () => {
  const v = dec.costs.valueHeldUpPerClosureDayUsd;
  assert.ok(v.p10 <= v.p50 && v.p50 <= v.p90);
  // The same order as BTS TransBorder's average day of rail trade at the two crossings ($93.7 M in 2023).
  assert.ok(v.value > 60e6 && v.value < 130e6, `${v.value}`);
  const hs = dec.costs.byCommodity.map((c) => c.hs2);
  assert.equal(hs[0], "87", "vehicles and parts first");
  assert.ok(hs.includes("10") && hs.includes("12"), "cereals and oilseeds shown");
  assert.equal(dec.grid.start, "2023-12-18");
  assert.equal(dec.grid.closureDays.toFixed(3), "4.208", "08:00 CST on the 18th to 14:00 EST on the 22nd");
});

test("December 2023: trains and railcars blocked per day, where rerouted flow went, the backlog", () => {
  const ep = dec.flows.find((f) => f.key === "2303/rail/inbound")!;
  assert.ok(ep.blockedPerClosureDay > 0 && ep.mixPerClosureDay.trains! > 0);
  // BTS: 237 inbound trains at Eagle Pass in December 2023, 7.6 a day; the blocked trains a day are near that.
  assert.ok(
    ep.mixPerClosureDay.trains! > 5 && ep.mixPerClosureDay.trains! < 11,
    `${ep.mixPerClosureDay.trains}`,
  );
  const to = new Set(dec.flows.flatMap((f) => f.diversions.map((d) => d.to)));
  // Eagle Pass and El Paso are Ferromex crossings; Laredo and Brownsville are served by CPKC de Mexico.
  assert.ok(!to.has("2304") && !to.has("2301"), "no rail to crossings other railroads serve");
  assert.ok(!to.has("2303") && !to.has("2402"), "nothing is rerouted to a closed crossing");
  assert.match(
    ep.excluded.find((x) => x.to === "2304")!.reason,
    /no railroad serves both: Eagle Pass is UP\/BNSF–FXE, this crossing CPKC\/UP–CPKCM/,
  );
  assert.ok(
    [...to].every((p) => ["2604", "2507"].includes(p)),
    `only UP–Ferromex crossings: ${[...to]}`,
  );
  for (const f of dec.flows) {
    assert.ok(f.waitedAtHome > 0, `${f.key}: most of it waits and crosses after reopening`);
    assert.ok(f.clearDate! >= "2023-12-22", `${f.key} clears after reopening`);
    assert.ok(f.peakBacklog > 0);
    const t = f.blocked;
    assert.ok(
      Math.abs(t - (f.diverted + f.shifted + f.cancelled + f.waitedAtHome + f.stillWaiting)) < 1e-6 * t,
    );
  }
  assert.equal(dec.baseline.months, "2022-12..2023-11");
  assert.ok(dec.assumptions.length >= 10 && dec.assumptions.every((a) => a.source));
  assert.equal(dec.costs.widerUsd, null, "the multiplier is off by default");
  // Rerouting is by gravity unless the file says otherwise, and the text report says how it shared the flow.
  assert.deepEqual(dec.rerouting, { enabled: true, policy: "gravity" });
  const titles = scenarioView(dec).tables.map((t) => t.title ?? "");
  assert.ok(
    titles.some((t) => /^Where rerouted flow went \(by each crossing's normal traffic ÷ route km,/.test(t)),
    titles.join("; "),
  );
});

test("a bad scenario is refused with every problem listed, each with its path and line", async () => {
  const text = readScenarioFile("test/fixtures/scenarios/bad.yaml");
  const v = await validateScenario(store, text.data, text);
  assert.ok(!v.ok);
  const msgs = v.issues.map((i) => `${i.line}:${i.path}: ${i.message}`);
  assert.equal(msgs.length, 5, msgs.join("\n"));
  assert.ok(
    msgs.some((g) => /^3:horizonDays: horizonDays is at most 365/.test(g)),
    msgs.join("\n"),
  );
  assert.ok(
    msgs.some((g) => /^15:events\[1\]\.remainingCapacity: remainingCapacity is a share from 0 to 1/.test(g)),
    msgs.join("\n"),
  );
  assert.ok(
    msgs.some((m) =>
      m.startsWith('6:events[0].ports[0]: unknown port "Eagel Pass" (did you mean Eagle Pass, 2303?)'),
    ),
    msgs.join("\n"),
  );
  assert.ok(
    msgs.some((m) => /^9:events\[0\]\.end: end 2023-12-18T08:00:00-06:00 is not after start/.test(m)),
    msgs.join("\n"),
  );
  // events[1] fails its schema (remainingCapacity), so its data checks wait; events[2] is checked.
  assert.ok(
    msgs.some((m) => /^18:events\[2\]\.modes\[0\]: Tornillo \(2404\) has never had rail crossings/.test(m)),
    msgs.join("\n"),
  );
});

test("contradictory overlapping events and a mode the port never had", async () => {
  const text = readScenarioFile("test/fixtures/scenarios/contradictory.yaml");
  const v = await validateScenario(store, text.data, text);
  assert.ok(!v.ok);
  const msgs = v.issues.map((i) => `${i.path}: ${i.message}`);
  assert.ok(
    msgs.some((m) =>
      /^events\[1\]: overlaps events\[0\] at Eagle Pass \(2303\) rail inbound between 2023-12-20T06:00:00.000Z and 2023-12-22T14:00:00.000Z/.test(
        m,
      ),
    ),
    msgs.join("\n"),
  );
  assert.ok(
    msgs.some((m) => /^events\[2\]\.modes\[0\]: San Ysidro \(2504\) has never had rail crossings/.test(m)),
    msgs.join("\n"),
  );
  assert.equal(v.issues.length, 2);
});

test("scenario text: YAML and JSON syntax errors name the line", () => {
  assert.throws(
    () => parseScenarioText("name: x\nevents: [\n", "s.yaml"),
    (e: unknown) => e instanceof InputError && /^s\.yaml:\d+:\d+: not valid JSON or YAML/.test(e.message),
  );
  assert.throws(
    () => parseScenarioText('{"name": "x",, }', "s.json"),
    (e: unknown) => e instanceof InputError && /^s\.json:1:\d+/.test(e.message),
  );
});

test("a horizon shorter than the events is refused; a given horizon is kept", async () => {
  const base = readScenarioFile("examples/dec-2023-rail-suspension.json").data as Record<string, unknown>;
  const short = await validateScenario(store, { ...base, horizonDays: 2 });
  assert.ok(!short.ok && /horizonDays 2 ends before the last event does/.test(short.issues[0]!.message));
  const ok = await validateScenario(store, { ...base, horizonDays: 30, options: { draws: 1 } });
  assert.ok(ok.ok);
  const r = await runScenario(store, ok);
  assert.equal(r.grid.days, 30);
  assert.equal(r.monteCarlo.draws, 1);
});

test("after TransBorder's port-level coverage, value is carried forward with the national trend, and said so", async () => {
  const v = await validateScenario(store, {
    name: "Laredo trucks, August 2025",
    events: [
      {
        kind: "closure",
        ports: ["Laredo"],
        modes: ["truck"],
        start: "2025-08-04T06:00:00-05:00",
        end: "2025-08-05T06:00:00-05:00",
      },
    ],
    options: { draws: 1 },
  });
  assert.ok(v.ok, JSON.stringify(!v.ok && v.issues));
  const r = await runScenario(store, v);
  assert.equal(r.baseline.months, "2024-08..2025-06", "BTS crossings end 2025-06");
  assert.match(
    r.notes.join("\n"),
    /\* estimate: port-level trade ends 2024-09, so trade value per unit is not in the source for the baseline; it is from 2023-10..2024-09, carried forward with the national trend of value per unit of the same mode and direction \(truck import ×\d\.\d{3}, truck export ×\d\.\d{3}\)/,
  );
  assert.ok(r.costs.valueHeldUpUsd.value > 0);
  // The estimate is marked next to every figure it feeds, not only in a note.
  assert.equal(r.costs.valueHeldUpUsd.status, "estimate");
  assert.equal(r.costs.valueHeldUpPerClosureDayUsd.status, "estimate");
  assert.equal(r.costs.directUsd.status, "estimate");
  assert.equal(r.costs.detourUsd.status, "derived", "detours do not rest on trade value");
  assert.ok(r.costs.byCommodity.every((c) => c.status === "estimate"));
  const laredo = r.flows.filter((f) => f.port === "2304");
  assert.ok(laredo.length && laredo.every((f) => f.valueStatus === "estimate" && f.valuePerUnitUsd > 0));
});

test("before port-level coverage and before El Paso's split: a 2019 truck closure is valued, not $0", async () => {
  const v = await validateScenario(store, {
    name: "El Paso trucks, 3 days in April 2019",
    events: [
      {
        kind: "closure",
        ports: ["2402"],
        modes: ["truck"],
        start: "2019-04-08T00:00",
        end: "2019-04-11T00:00",
        timeZone: "America/Denver",
      },
    ],
    options: { draws: 1 },
  });
  assert.ok(v.ok, JSON.stringify(!v.ok && v.issues));
  const r = await runScenario(store, v);
  const notes = r.notes.join("\n");
  assert.match(notes, /carried back with the national trend of value per unit/);
  assert.match(notes, /2402\+2401: value per unit of the combined series/);
  const [inb, outb] = ["inbound", "outbound"].map((d) => r.flows.find((f) => f.key === `2402/truck/${d}`)!);
  // Checked against the raw files, independently of the model: TransBorder's Texas annual table
  // (transborder_texas_mexico_port_mode_annual.csv.gz) has El Paso 2402 truck trade with Mexico in 2019 of
  // $37,973,393,862 imports and $27,370,036,156 exports; BTS counts 792,441 inbound trucks there in 2019
  // (bts_border_crossing_us_mexico.csv.gz): $47,920 a truck in, $34,539 out. The carried-back estimate
  // (2020 port-level value per truck × the national trend) is within 10% in and 30% out.
  assert.equal(inb!.valueStatus, "estimate");
  assert.ok(Math.abs(inb!.valuePerUnitUsd / 47_920 - 1) < 0.1, `${inb!.valuePerUnitUsd}`);
  assert.ok(Math.abs(outb!.valuePerUnitUsd / 34_539 - 1) < 0.3, `${outb!.valuePerUnitUsd}`);
  // El Paso's own trucks, not zero: BTS 57,442–71,216 a month in early 2019 (1,900–2,300 a day).
  assert.ok(inb!.baselinePerDay > 1_900 && inb!.baselinePerDay < 3_000, `${inb!.baselinePerDay}`);
  // Value per closure day, checked against the same independent figures: blocked trucks a day × $82,459.
  const perDay = r.costs.valueHeldUpPerClosureDayUsd;
  assert.equal(perDay.status, "estimate");
  const independent = inb!.blockedPerClosureDay * 47_920 + outb!.blockedPerClosureDay * 34_539;
  assert.ok(
    perDay.value > 0.85 * independent && perDay.value < 1.3 * independent,
    `${perDay.value} vs ${independent}`,
  );
  // Ysleta's traffic is inside El Paso's before 2020-03: nothing is sent to it, and naming it is refused.
  assert.ok(!r.flows.some((f) => f.port === "2401" || f.diversions.some((d) => d.to === "2401")));
  const ysleta = await validateScenario(store, {
    name: "Ysleta trucks, April 2019",
    events: [{ ...v.scenario.events[0]!, ports: ["2401"] }],
  });
  assert.ok(!ysleta.ok);
  assert.match(
    ysleta.issues.map((i) => `${i.path}: ${i.message}`).join("\n"),
    /events\[0\]\.ports: 2401 is reported apart only from 2020-03; before that its traffic is in 2402's figures/,
  );
});

test("a scenario on rail and trucks keeps their backlogs apart (different units are never added)", async () => {
  const v = await validateScenario(store, {
    name: "Eagle Pass rail and trucks closed for two days",
    events: [
      {
        kind: "closure",
        ports: ["2303"],
        modes: ["rail", "truck"],
        start: "2023-12-18T08:00:00-06:00",
        end: "2023-12-20T08:00:00-06:00",
      },
    ],
    options: { draws: 50 },
  });
  assert.ok(v.ok);
  const r = await runScenario(store, v);
  assert.deepEqual(r.backlog.byUnit.map((u) => u.unit).sort(), ["railcars", "trucks"]);
  for (const u of r.backlog.byUnit) {
    const flows = r.flows.filter((f) => f.unit === u.unit);
    assert.ok(u.peak.value >= Math.max(...flows.map((f) => f.peakBacklog)) - 1e-6);
    assert.ok(Math.abs(u.unitDays.value - flows.reduce((s, f) => s + f.unitDays, 0)) < 1e-6);
  }
});

test("scenario files take local times in an IANA zone, or in each port's own zone", async () => {
  const text = readScenarioFile("examples/dec-2023-rail-local-times.json");
  const v = await validateScenario(store, text.data, text);
  assert.ok(v.ok, JSON.stringify(!v.ok && v.issues));
  const starts = Object.fromEntries(v.events.map((e) => [e.ports.join(), new Date(e.startMs).toISOString()]));
  assert.deepEqual(starts, { "2303": "2023-12-18T14:00:00.000Z", "2402": "2023-12-18T15:00:00.000Z" });
  const r = await runScenario(store, v, { draws: 0 });
  assert.equal((r.grid.closureDays * 24).toFixed(1), "101.0", "the union of the two windows");
  // "local": 08:00 at each port, in its own zone.
  const local = await validateScenario(store, {
    name: "both at 08:00 local",
    events: [
      {
        kind: "closure",
        ports: ["Eagle Pass", "El Paso"],
        modes: ["rail"],
        start: "2023-12-18T08:00",
        end: "2023-12-19T08:00",
        timeZone: "local",
      },
    ],
  });
  assert.ok(local.ok);
  assert.deepEqual(
    local.events.map((e) => [e.ports.join(), new Date(e.startMs).toISOString()]),
    [
      ["2303", "2023-12-18T14:00:00.000Z"],
      ["2402", "2023-12-18T15:00:00.000Z"],
    ],
  );
  const bad = await validateScenario(store, {
    name: "bad zones",
    events: [
      {
        kind: "closure",
        ports: ["2303"],
        modes: ["rail"],
        start: "2023-12-18T08:00",
        end: "2023-12-19T08:00",
      },
      {
        kind: "closure",
        ports: ["2303"],
        modes: ["truck"],
        start: "2023-12-18T08:00:00-06:00",
        end: "2023-12-19T08:00:00-06:00",
        timeZone: "America/Chicago",
      },
      {
        kind: "closure",
        ports: ["2303"],
        modes: ["bus"],
        start: "2023-12-18T08:00",
        end: "2023-12-19T08:00",
        timeZone: "Central",
      },
    ],
  });
  assert.ok(!bad.ok);
  const msgs = bad.issues.map((i) => `${i.path}: ${i.message}`).join("\n");
  assert.match(msgs, /events\[0\]\.start: start 2023-12-18T08:00 has no offset/);
  assert.match(msgs, /events\[1\]\.timeZone: start 2023-12-18T08:00:00-06:00 already has an offset/);
  assert.match(msgs, /events\[2\]\.timeZone: timeZone is an IANA zone name/);
});
