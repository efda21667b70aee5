// Clean baselines on the real snapshot: what is left out of a series' baseline and why.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Store } from "../../src/store/db.ts";
import { anomalousPeriods, portModeSeries } from "../../src/services/series.ts";
import { counterfactual } from "../../src/model/index.ts";
import type { Month } from "../../src/domain/units.ts";

let store: Store;
before(async () => {
  store = await Store.open({ path: ":memory:" });
});
after(() => store.close());

const M = (s: string) => s as Month;

test("anomalous periods ship with the snapshot, each with its sources", async () => {
  const a = await anomalousPeriods(store);
  const covid = a.find((x) => x.id === "covid-travel-restrictions")!;
  assert.equal(covid.from, "2020-03");
  assert.equal(covid.to, "2021-11");
  assert.deepEqual(covid.modes, ["personal-vehicle", "pedestrian", "bus"]);
  assert.ok(a.every((x) => /^https?:\/\//.test(x.sources) && x.verification));
});

test("COVID months leave travellers' baselines, not trucks' after the plant shutdowns", async () => {
  const pv = (
    await portModeSeries(store, ["0901"], "personal-vehicle", "canada", M("2019-01"), M("2024-01"))
  ).get("0901")!;
  assert.ok(pv.observed(M("2020-09"))! > 0, "observed is kept");
  assert.equal(pv.baseline(M("2020-09")), undefined);
  assert.match(pv.excluded.get(M("2021-06"))!, /covid-travel-restrictions/);
  assert.ok(pv.baseline(M("2022-06"))! > 0);
  const trucks = (await portModeSeries(store, ["0901"], "truck", "canada", M("2019-01"), M("2024-01"))).get(
    "0901",
  )!;
  assert.equal(trucks.baseline(M("2020-04")), undefined, "the 2020 freight shutdown");
  assert.ok(trucks.baseline(M("2020-09"))! > 0);
});

test("registry event windows, series breaks and holes are never a baseline", async () => {
  const rail = (await portModeSeries(store, ["2303"], "rail", "mexico", M("2022-01"), M("2024-01"))).get(
    "2303",
  )!;
  assert.equal(rail.baseline(M("2023-09")), undefined);
  assert.match(rail.excluded.get(M("2023-09"))!, /registry event (ferromex|cbp-eagle-pass)/);
  const ep = (await portModeSeries(store, ["2402"], "truck", "mexico", M("2018-01"), M("2022-01"))).get(
    "2402",
  )!;
  assert.equal(ep.baseline(M("2019-05")), undefined);
  assert.match(ep.excluded.get(M("2019-05"))!, /series break at 2020-03|registry event/);
  assert.equal(ep.baseline(M("2018-05")), undefined);
  assert.match(ep.excluded.get(M("2018-05"))!, /before the series break at 2020-03/);
  assert.ok(ep.baseline(M("2021-05"))! > 0);
  // San Ysidro pedestrians: no row for January 2024 while months around it count half a million.
  const sy = (await portModeSeries(store, ["2504"], "pedestrian", "mexico", M("2023-06"), M("2024-06"))).get(
    "2504",
  )!;
  assert.equal(sy.observed(M("2024-01")), undefined, "a hole is not a zero");
  assert.ok(sy.observed(M("2023-12"))! > 10_000);
});

test("a window wholly before El Paso's 2020-03 break keeps its months: they are one series there", async () => {
  const ep = (await portModeSeries(store, ["2402"], "truck", "mexico", M("2012-01"), M("2019-03"))).get(
    "2402",
  )!;
  // BTS: 67,892 trucks entered at El Paso in March 2018 (raw bts_border_crossing_us_mexico.csv.gz).
  assert.equal(Math.round(ep.baseline(M("2018-03"))! * 31), 67_892);
  assert.ok(![...ep.excluded.values()].some((w) => /series break/.test(w)));
  // The same months leave the baseline once the window reaches past the break.
  const after = (await portModeSeries(store, ["2402"], "truck", "mexico", M("2012-01"), M("2020-03"))).get(
    "2402",
  )!;
  assert.equal(after.baseline(M("2018-03")), undefined);
});

test("Buffalo's January 2024 personal vehicles: the clean counterfactual is near what happened", async () => {
  // With the COVID months in its seasonal factors and level, the counterfactual was 580k against 228k observed.
  const pv = (
    await portModeSeries(store, ["0901"], "personal-vehicle", "canada", M("2012-01"), M("2024-01"))
  ).get("0901")!;
  const [jan] = counterfactual(pv.baseline, M("2023-12"), [M("2024-01")]);
  const observed = pv.observed(M("2024-01"))! * 31;
  assert.ok(jan!.point > 0.75 * observed && jan!.point < 1.25 * observed, `${jan!.point} vs ${observed}`);
});
