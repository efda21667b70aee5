// The event-study and backtest machinery on the real snapshot. These tests check how the machinery
// behaves (coverage, statuses, consistency of the numbers), never the size of any one event's effect.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Store } from "../../src/store/db.ts";
import { backtestAll, backtestEvent } from "../../src/services/backtest.ts";
import { eventStudy, findEvent, listEvents, loadEvents } from "../../src/services/events.ts";
import { InputError, NotFoundError } from "../../src/domain/errors.ts";
import { PARAMETERS, type ParameterInfo } from "../../src/model/index.ts";

let store: Store;
before(async () => {
  store = await Store.open({ path: ":memory:" });
});
after(() => store.close());

const USER = "test/fixtures/events/user-events.json";

test("the registry ships with the snapshot; a user's file adds events; ids must not clash", async () => {
  const base = loadEvents(store);
  assert.equal(base.length, 24);
  const both = loadEvents(store, USER);
  assert.equal(both.length, 26);
  assert.throws(() => loadEvents(store, "test/fixtures/events/nope.json"), InputError);
  assert.throws(
    () => findEvent(both, "dec-2023"),
    (e: unknown) => e instanceof NotFoundError && /unknown event "dec-2023"/.test(e.message),
  );
  const ep = await listEvents(store, both, { port: "Eagle Pass", from: "2023-01", to: "2023-12" });
  assert.ok(ep.length >= 4 && ep.every((e) => e.ports.some((p) => p.cbp_port_code === "2303")));
  const canada = await listEvents(store, both, { border: "canada" });
  assert.ok(canada.length >= 4 && canada.every((e) => /Canada/.test(e.border)));
});

test("an event after the data is reported as outside coverage, not studied", async () => {
  const e = findEvent(loadEvents(store, USER), "test-laredo-rail-2026-03");
  const s = await eventStudy(store, e);
  assert.equal(s.status, "outside-coverage");
  assert.match(s.reason!, /starts 2026-03, after BTS crossings end \(2025-06\)/);
  const b = await backtestEvent(store, e);
  assert.equal(b.status, "outside-coverage");
  assert.equal(b.rows.length, 0);
});

test("an event study compares observed months with a counterfactual from earlier data only", async () => {
  const dec = findEvent(loadEvents(store), "cbp-rail-suspension-eagle-pass-el-paso-2023-12");
  const s = await eventStudy(store, dec);
  assert.equal(s.status, "ok");
  assert.equal(s.origin, "2023-11");
  assert.deepEqual(s.months, ["2023-12", "2024-01", "2024-02"]);
  const ep = s.rows.filter((r) => r.port === "2303" && r.series === "railcars");
  assert.equal(ep.length, 3);
  // Observed railcars are BTS Rail Containers Loaded + Empty: 13,612 + 11,465 in December 2023.
  assert.equal(ep[0]!.observed, 13612 + 11465);
  for (const r of s.rows.filter((x) => x.observed !== null && x.lo !== null)) {
    assert.ok(r.lo! <= r.counterfactual && r.counterfactual <= r.hi!);
    assert.equal(r.outside, r.observed! < r.lo! || r.observed! > r.hi!);
    assert.equal(r.effect, r.observed! - r.counterfactual);
  }
  assert.ok(
    s.rows.some((r) => r.role === "alternative" && r.port === "2304"),
    "Laredo is among the alternatives",
  );
  assert.ok(s.rows.some((r) => r.series === "trade value USD" && r.port === "2303"));
  // Only data before the event: with every later month of the studied ports deleted, the counterfactual
  // and its interval are the same.
  const cut = await Store.open({ path: ":memory:" });
  try {
    const ports = [...new Set(s.rows.map((r) => `'${r.port}'`))].join(", ");
    await cut.run(`DELETE FROM crossings WHERE month > '2023-11' AND port_code IN (${ports})`);
    await cut.run(`DELETE FROM trade WHERE month > '2023-11' AND port_code IN (${ports})`);
    const blind = await eventStudy(cut, dec);
    const key = (r: { port: string; series: string; month: string }) => `${r.port}/${r.series}/${r.month}`;
    const cfs = new Map(blind.rows.map((r) => [key(r), [r.counterfactual, r.lo, r.hi]]));
    for (const r of s.rows) assert.deepEqual(cfs.get(key(r)), [r.counterfactual, r.lo, r.hi], key(r));
    assert.ok(blind.rows.every((r) => r.observed === null || r.observed === 0));
  } finally {
    cut.close();
  }
});

test('the backtest scores the model against "no effect" per series, each phase apart, with bands and destinations', async () => {
  const r = await backtestAll(store, loadEvents(store));
  const ok = r.events.filter((e) => e.status === "ok");
  assert.ok(ok.some((e) => e.id === "cbp-rail-suspension-eagle-pass-el-paso-2023-12"));
  assert.ok(ok.length >= 6, `${ok.length} events backtested`);
  assert.equal(r.summary.events, 24);
  for (const e of r.events.filter((x) => x.status !== "ok"))
    assert.ok(e.reason, `${e.id} says why it was skipped`);
  let modelSum = 0;
  let nullSum = 0;
  for (const e of ok) {
    for (const row of e.rows.filter((x) => x.observed !== null)) {
      assert.equal(row.modelled, row.counterfactual + row.modelledEffect);
      assert.ok(Math.abs(row.error! - (row.modelled - row.observed!)) < 1e-6);
      assert.ok(Math.abs(row.nullError! - (row.counterfactual - row.observed!)) < 1e-6);
      if (row.bandLo !== null) assert.ok(row.bandLo <= row.bandHi!);
      if (row.inBand !== null)
        assert.equal(row.inBand, row.observed! >= row.bandLo! && row.observed! <= row.bandHi!);
    }
    // The event's skill, recomputed from its rows: per series in its own unit, then averaged.
    const perSeries = new Map<string, { m: number; n: number; cf: number }>();
    for (const row of e.rows.filter((x) => x.scored && x.phase === "event" && x.observed !== null)) {
      const k = `${row.port}/${row.mode}`;
      const a = perSeries.get(k) ?? { m: 0, n: 0, cf: 0 };
      a.m += Math.abs(row.error!);
      a.n += Math.abs(row.nullError!);
      a.cf += row.counterfactual;
      perSeries.set(k, a);
    }
    const xs = [...perSeries.values()].filter((x) => x.cf > 0);
    if (!xs.length) continue;
    const m = xs.reduce((s, x) => s + x.m / x.cf, 0) / xs.length;
    const n = xs.reduce((s, x) => s + x.n / x.cf, 0) / xs.length;
    assert.ok(Math.abs(e.summary.event.modelLoss! - m) < 1e-9, e.id);
    assert.ok(Math.abs(e.summary.event.nullLoss! - n) < 1e-9, e.id);
    assert.equal(e.summary.beatsNull, m < n);
    modelSum += m;
    nullSum += n;
    assert.ok(e.summary.band.covered <= e.summary.band.scored);
    for (const d of e.destinations) {
      assert.ok(d.share >= 0.1 - 1e-9, `${e.id}: destination ${d.port} below the 10% share`);
      if (d.rose !== null) assert.equal(d.rose, d.observed! > d.counterfactual!);
    }
  }
  assert.ok(Math.abs(r.summary.skill.event! - (1 - modelSum / nullSum)) < 1e-9);
  assert.equal(r.summary.beatNull, ok.filter((e) => e.summary.beatsNull).length);
  const units = r.summary.skillByUnit.map((u) => u.unit).sort();
  assert.ok(units.includes("railcars") && units.includes("trucks"), units.join(","));
  // Calibration: one fold per scored event, each event scored with the fit that left it out; the fitted
  // values in src/model/parameters.ts are the fit on every event, within the folds' spread.
  const cal = r.calibration!;
  assert.equal(cal.folds.length, r.summary.backtested);
  for (const e of ok) {
    const fold = cal.folds.find((f) => f.heldOut === e.id)!;
    for (const [k, v] of Object.entries(fold.params)) assert.equal(e.parameters[k], v, `${e.id} ${k}`);
  }
  for (const p of cal.parameters) {
    const info = PARAMETERS[p.name as keyof typeof PARAMETERS] as ParameterInfo;
    assert.ok(info.fitted, `${p.name} has its fitted value in src/model/parameters.ts`);
    assert.equal(
      info.fitted.value,
      cal.all[p.name],
      `${p.name}: parameters.ts says ${info.fitted.value}, the calibration ${cal.all[p.name]}`,
    );
    assert.deepEqual(info.fitted.folds, [cal.spread[p.name]!.min, cal.spread[p.name]!.max], p.name);
  }
  const dec = ok.find((e) => e.id === "cbp-rail-suspension-eagle-pass-el-paso-2023-12")!;
  assert.ok(
    !dec.destinations.some((d) => d.port === "2304"),
    "no rail to Laredo (CPKC de Mexico, not Ferromex)",
  );
  const coparmex = dec.publishedFigures.find((f) => f.by.startsWith("COPARMEX"))!;
  assert.match(coparmex.comparable, /^comparable to \(a\) trade value held up per closure day/);
  assert.ok(dec.valueHeldUpPerClosureDayUsd! > 0);
  // A crossing with no baseline traffic of the mode is shown but not scored, and says why.
  const bota = ok.find((e) => e.id === "el-paso-bota-cargo-suspension-and-dps-inspections-2023-09")!;
  const tornillo = bota.series.find((x) => x.port === "2404" && x.role === "affected")!;
  assert.equal(tornillo.scored, false);
  assert.match(tornillo.reason!, /fewer than 6 (usable months|of its baseline months)/);
});

test("a user's event with its own scenario is backtested with that scenario", async () => {
  const e = findEvent(loadEvents(store, USER), "test-eagle-pass-trucks-override-2023-10");
  const b = await backtestEvent(store, e);
  assert.equal(b.status, "ok");
  assert.deepEqual(b.rules, ["the event's own scenario"]);
  assert.ok(b.rows.every((r) => r.mode === "truck"));
});
