// Officer events, the surge rule and the December 2023 chain on the real snapshot.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Store } from "../../src/store/db.ts";
import { prepareScenario, runScenario, validateScenario } from "../../src/services/scenario.ts";
import {
  fieldOfficeOfSector,
  fieldOfficeStrength,
  surgeCheck,
  surgeWhatIf,
} from "../../src/services/surge.ts";
import { loadOfficerEvents } from "../../src/services/events.ts";
import { officerEventAnswer } from "../../src/services/officer-story.ts";
import { InputError } from "../../src/domain/errors.ts";
import { formatUsd } from "../../src/domain/money.ts";
import { outsideBandText } from "../../src/model/band-text.ts";
import type { ValidScenario } from "../../src/services/scenario.ts";
import { band, scenarioView } from "../../src/cli/commands/scenario.ts";
import { toMarkdown } from "../../web/src/scenario-export.ts";

let store: Store;
before(async () => {
  store = await Store.open({ path: ":memory:" });
});
after(() => store.close());

const officerScenario = (event: Record<string, unknown>) => ({
  name: "officers",
  events: [
    {
      kind: "officer-redeployment",
      start: "2023-12-01T00:00:00-06:00",
      end: "2023-12-15T00:00:00-06:00",
      ...event,
    },
  ],
  options: { draws: 1 },
});

test("an officer event on a field office resolves to its land ports; the answer carries the cut", async () => {
  const v = await validateScenario(
    store,
    officerScenario({ officers: 100, fieldOffice: "laredo", policy: "protect-commercial" }),
  );
  assert.ok(v.ok, JSON.stringify(!v.ok && v.issues));
  assert.deepEqual(v.events[0]!.ports, ["2301", "2302", "2303", "2304", "2305", "2307", "2309", "2310"]);
  const r = await runScenario(store, v);
  const o = r.officers[0]!;
  assert.equal(o.officers, 100);
  assert.equal(o.cuts.length, 8);
  // Protect commercial: pedestrians go first, trucks and rail stay whole.
  const laredo = o.cuts.find((c) => c.port === "2304")!;
  assert.ok(laredo.modes.find((m) => m.mode === "pedestrian")!.remainingShare < 1);
  assert.equal(laredo.modes.find((m) => m.mode === "truck")!.remainingShare, 1);
  assert.equal(laredo.modes.find((m) => m.mode === "rail")!.remainingShare, 1);
  assert.ok(Math.abs(o.cuts.reduce((s, c) => s + c.officersRemoved, 0) - 100) < 1e-6);
  // The staffing parameters are listed with the others.
  assert.ok(r.assumptions.some((a) => a.name === "boothUtilisation"));
});

test("officer event refusals: unknown field office, both or neither of ports and fieldOffice, closure items off the event", async () => {
  const bad = await validateScenario(store, officerScenario({ officers: 10, fieldOffice: "Laredoo" }));
  assert.ok(!bad.ok);
  assert.match(bad.issues[0]!.message, /did you mean Laredo Field Office/);
  const both = await validateScenario(
    store,
    officerScenario({ officers: 10, fieldOffice: "Laredo", ports: ["2303"] }),
  );
  assert.ok(!both.ok && /either ports or fieldOffice/.test(both.issues[0]!.message));
  const noOfficers = await validateScenario(store, officerScenario({ ports: ["2303"] }));
  assert.ok(!noOfficers.ok && /officers is required/.test(noOfficers.issues[0]!.message));
  const off = await validateScenario(
    store,
    officerScenario({
      ports: ["2303"],
      policy: "closure-list",
      closureList: [{ port: "2402", mode: "rail" }],
    }),
  );
  assert.ok(!off.ok && /not one of the event's ports/.test(off.issues[0]!.message));
  const tooMany = await validateScenario(store, officerScenario({ officers: 9000, ports: ["2303"] }));
  assert.ok(!tooMany.ok && /at most 5000/.test(tooMany.issues[0]!.message));
});

test("a closure list without officers moves the officers its closures free, and closes exactly those", async () => {
  const v = await validateScenario(
    store,
    officerScenario({
      ports: ["Eagle Pass", "El Paso"],
      modes: ["rail"],
      policy: "closure-list",
      closureList: [
        { port: "2303", mode: "rail" },
        { port: "2402", mode: "rail" },
      ],
    }),
  );
  assert.ok(v.ok, JSON.stringify(!v.ok && v.issues));
  const r = await runScenario(store, v);
  const o = r.officers[0]!;
  assert.equal(o.officersGiven, false);
  assert.ok(o.officers > 5 && o.officers < 40, `rail crews free ${o.officers} officers`);
  for (const c of o.cuts) assert.equal(c.modes.find((m) => m.mode === "rail")!.remainingShare, 0);
  assert.equal(o.multipliers["2303/rail/outbound"], 0, "a closed rail crossing is closed both ways");
});

test("the surge rule: sectors to field offices, the steps, and the what-if's officer event", async () => {
  assert.equal((await fieldOfficeOfSector(store, "Del Rio")).fieldOffice, "Laredo Field Office");
  assert.equal((await fieldOfficeOfSector(store, "Yuma")).fieldOffice, "Tucson Field Office");
  assert.equal((await fieldOfficeOfSector(store, "El Centro")).fieldOffice, "San Diego Field Office");
  const r = await surgeWhatIf(store, { sector: "Del Rio", start: "2023-12-01", days: 31, run: false });
  // Del Rio in Dec 2023: 71,048 ÷ 31 a day, from the data.
  assert.ok(Math.abs(r.encountersPerDay - 71048 / 31) < 1e-6);
  assert.match(r.encountersFrom!, /2023-12 in cbp-nationwide-encounters-aor/);
  const p = r.parameters.reduce((o, x) => ({ ...o, [x.name]: x.value }), {} as Record<string, number>);
  const expected =
    ((r.encountersPerDay - r.baselinePerDay) * p.hoursPerApprehension! * p.ofoShare!) / p.officerHoursPerDay!;
  assert.ok(Math.abs(r.rule.officers - expected) < 1e-9);
  assert.ok(r.rule.officersLow < r.rule.officers && r.rule.officers < r.rule.officersHigh);
  assert.equal(r.event.kind, "officer-redeployment");
  assert.equal((r.event as { fieldOffice: string }).fieldOffice, "Laredo Field Office");
  assert.equal(r.scenario, null);
  // Below the normal level nothing moves.
  const calm = await surgeWhatIf(store, { sector: "Del Rio", start: "2023-12-01", days: 10, perDay: 100 });
  assert.equal(calm.rule.officers, 0);
  assert.equal(calm.scenario, null);
  assert.ok(calm.notes.some((n) => /not above the sector's normal level/.test(n)));
  // Just above normal, under half an officer: rounded to none, and the note says so (not "not above normal").
  const slight = await surgeWhatIf(store, {
    sector: "Del Rio",
    start: "2023-12-01",
    days: 10,
    perDay: 101,
    baselinePerDay: 100,
  });
  assert.ok(slight.rule.officers > 0 && slight.rule.officers < 0.5, String(slight.rule.officers));
  assert.equal(slight.scenario, null);
  assert.ok(!slight.notes.some((n) => /not above/.test(n)), slight.notes.join(" | "));
  assert.ok(
    slight.notes.some((n) =>
      /1 a day above the sector's normal level.*0\.22 officers: under half an officer/.test(n),
    ),
    slight.notes.join(" | "),
  );
  await assert.rejects(
    surgeWhatIf(store, { sector: "Del Ryo", start: "2023-12-01", days: 10 }),
    /did you mean Del Rio Sector/,
  );
  await assert.rejects(surgeWhatIf(store, { sector: "Del Rio", start: "2023-12-01", days: 0 }), InputError);
});

test("the surge rule's check: three periods, 2019 against the sources, 2023 against the closures", async () => {
  const c = await surgeCheck(store);
  assert.deepEqual(
    c.periods.map((p) => p.id),
    ["2019", "2023-09", "2023-12"],
  );
  const y2019 = c.periods[0]!;
  assert.equal(y2019.reportedTotal.officers, 545);
  assert.equal(y2019.byFieldOffice.find((f) => f.fieldOffice === "Laredo Field Office")!.reported, 300);
  assert.ok(y2019.officersLow < y2019.officers && y2019.officers < y2019.officersHigh);
  // The encounters the check uses are the data's: RGV April–May 2019 from CBP's exact sector table.
  const rgv = y2019.sectors.find((s) => s.sector === "Rio Grande Valley Sector")!;
  assert.equal(rgv.file, "cbp-usbp-apprehensions-by-sector-monthly-fy2000-fy2020.csv.gz");
  assert.ok(Math.abs(rgv.perDay! - (36727 + 49821) / 61) < 1e-6);
  const dec = c.periods[2]!;
  assert.ok(dec.closures!.items.some((i) => i.label === "Eagle Pass rail"));
  assert.ok(dec.closures!.officers > 0 && dec.closures!.officers < dec.officers);
});

test("the officer events file: valid, and the surge-rule event's numbers equal the check's December 2023", async () => {
  const events = loadOfficerEvents(store);
  assert.deepEqual(
    events.map((e) => e.id),
    ["officers-2019-reassignment", "officers-2023-09", "officers-2023-12", "officers-2023-12-surge-rule"],
  );
  const dec = (await surgeCheck(store)).periods.find((p) => p.id === "2023-12")!;
  const rule = events.find((e) => e.id === "officers-2023-12-surge-rule")!;
  for (const ev of rule.scenario as { officers: number; note: string }[]) {
    const fo = dec.byFieldOffice.find((f) => ev.note.startsWith(f.fieldOffice.replace(" Field Office", "")))!;
    assert.equal(ev.officers, Math.round(fo.officers), ev.note);
  }
});

test("an officer event's answer: its backtest against no effect, and its sectors' encounters on the same months", async () => {
  const a = await officerEventAnswer(store, "officers-2023-12");
  assert.equal(a.backtest.status, "ok");
  assert.equal(typeof a.backtest.summary.event.skill, "number");
  assert.ok(a.staffing.length === 4);
  const delRio = a.encounters.find((e) => e.sector === "Del Rio Sector")!;
  assert.equal(delRio.values.length, a.months.length);
  assert.equal(delRio.values.find((v) => v.month === "2023-12")!.value, 71048);
});

test("the staffing model's officers on strength at Laredo Field Office in April 2019 fall inside the published 1,500–2,000", async () => {
  // The anchor of boothUtilisation (ofo-staffing row laredo_fo_officers_implied_2019: 300 moved = 15–20% of staff).
  const r = await fieldOfficeStrength(store, "laredo", "2019-04-01");
  assert.equal(r.fieldOffice, "Laredo Field Office");
  assert.deepEqual(
    r.ports.map((p) => p.port),
    ["2301", "2302", "2303", "2304", "2305", "2307", "2309", "2310"],
  );
  assert.ok(r.officers >= 1500 && r.officers <= 2000, `Laredo FO on strength: ${r.officers}`);
  // Laredo (2304) is the field office's largest port.
  const max = r.ports.reduce((a, b) => (b.officers > a.officers ? b : a));
  assert.equal(max.port, "2304");
});

test("an officer event in local times over a field office in two zones moves its officers once, over all its ports", async () => {
  // El Paso Field Office: El Paso, Ysleta, Tornillo, Columbus, Santa Teresa (Mountain), Presidio, Boquillas (Central).
  const run = async (times: Record<string, unknown>) => {
    const v = await validateScenario(
      store,
      officerScenario({ officers: 100, fieldOffice: "El Paso", policy: "proportional", ...times }),
    );
    assert.ok(v.ok, JSON.stringify(!v.ok && v.issues));
    return { v, r: await runScenario(store, v) };
  };
  const local = await run({ start: "2023-12-01T00:00:00", end: "2023-12-15T00:00:00", timeZone: "local" });
  assert.equal(local.v.events.length, 2, "one window per zone");
  assert.equal(local.r.officers.length, 1, "one cut for the one event");
  const o = local.r.officers[0]!;
  assert.deepEqual(o.cuts.map((c) => c.port).sort(), [
    "2401",
    "2402",
    "2403",
    "2404",
    "2406",
    "2408",
    "2410",
  ]);
  const moved = o.cuts.reduce((s, c) => s + c.officersRemoved, 0);
  assert.ok(Math.abs(moved - 100) < 1e-6, `officers moved: ${moved}`);
  // The same event at one instant cuts each port alike (the split by zone changes the hours, not the officers).
  const fixed = await run({ start: "2023-12-01T00:00:00-07:00", end: "2023-12-15T00:00:00-07:00" });
  const byPort = new Map(fixed.r.officers[0]!.cuts.map((c) => [c.port, c.officersRemoved]));
  for (const c of o.cuts) assert.ok(Math.abs(c.officersRemoved - byPort.get(c.port)!) < 1e-6, c.port);
  // Each window applies the cut to its own ports, in its own zone: Presidio's and El Paso's inbound vehicles both
  // lose capacity, each from its own local midnight.
  const prepared = await prepareScenario(store, local.v);
  for (const key of ["2403/personal-vehicle/inbound", "2402/personal-vehicle/inbound"]) {
    // Officers moved take capacity (the `cut` multiplier, as a facilities cut), not traffic.
    const e = prepared.input.effects[key];
    assert.ok(e && Math.min(...e.cut) < 1 && Math.min(...e.capacity) === 1, `${key} loses capacity`);
  }
});

test("an officer event that moves no one still runs its whole 14-day window (not a 1-day run)", async () => {
  const v = await validateScenario(store, officerScenario({ officers: 0, fieldOffice: "laredo" }));
  assert.ok(v.ok, JSON.stringify(!v.ok && v.issues));
  const r = await runScenario(store, v);
  // Before: the run stopped on day 0 (nothing to clear), and the CLI said "run of 1 days".
  assert.equal(r.grid.closureDays, 14);
  assert.equal(r.grid.days, 14);
  assert.equal(r.costs.valueHeldUpUsd.value, 0);
  assert.match((scenarioView(r).lines ?? []).join("\n"), /run of 14 days/);
  // An event with an effect runs as before: the window, then the backlog until it clears.
  const moved = await runScenario(
    store,
    (await validateScenario(
      store,
      officerScenario({ officers: 300, fieldOffice: "laredo" }),
    )) as ValidScenario,
  );
  assert.ok(moved.grid.days >= 14, String(moved.grid.days));
});

test("a headline outside its own P10–P90 says so beside it: Del Rio Dec 2023, 31 days, 50 draws", async () => {
  // The run with every parameter at its middle holds up $534.69 M; its 50 draws' P90 is $353.08 M.
  const r = await surgeWhatIf(store, { sector: "Del Rio", start: "2023-12-01", days: 31, draws: 50 });
  const f = r.scenario!.costs.valueHeldUpUsd;
  assert.ok(f.value > f.p90, `${f.value} vs P90 ${f.p90}`);
  assert.equal(f.outside?.side, "above");
  assert.ok(f.outside!.sensitiveTo.length >= 1);
  for (const d of f.outside!.sensitiveTo) assert.ok(Math.abs(d.rankCorrelation) >= 0.3, d.parameter);
  const text = outsideBandText(f, formatUsd)!;
  assert.match(
    text,
    /^the middle-parameter run lies above the draws' P90: the result is sensitive to \w+ \(rank correlation/,
  );
  assert.ok(text.endsWith(`the draws' median is ${formatUsd(f.p50)}`), text);
  // In the JSON's notes, in the CLI's headline line and in the Markdown report.
  assert.ok(
    r.scenario!.notes.some((n) => n.startsWith(`(a) trade value held up, whole run $534.69 M: ${text}`)),
  );
  assert.ok(band(f, formatUsd).includes(` — ${text}`));
  assert.match(
    toMarkdown(r.scenario!, "x"),
    /\*\*\(a\) Trade value held up, whole run:\*\* \$534\.69 M .*lies above the draws' P90/,
  );
  // With 200 draws the same run lies inside its band (P90 $579.7 M): nothing to flag there.
  const r200 = await surgeWhatIf(store, { sector: "Del Rio", start: "2023-12-01", days: 31, draws: 200 });
  const g = r200.scenario!.costs.valueHeldUpUsd;
  assert.ok(g.value <= g.p90 && g.value >= g.p10);
  assert.equal(g.outside, undefined);
  assert.ok(!r200.scenario!.notes.some((n) => n.startsWith("(a) trade value held up, whole run")));
});
