// Issue 9's acceptance figures on the real vendored snapshot: a hole is not a zero, a series starts where
// its port starts, and a break is said.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Store } from "../../src/store/db.ts";
import { crossingsSeries } from "../../src/services/crossings.ts";
import { portProfile } from "../../src/services/ports.ts";
import { tradeSummary } from "../../src/services/trade.ts";

let store: Store;
before(async () => {
  store = await Store.open({ path: ":memory:" });
});
after(() => store.close());

test("Laredo Truck Containers Loaded 2025-01..06: 2025-05 is missing, per day over the 5 observed months", async () => {
  const req = { ports: ["Laredo"], measures: ["Truck Containers Loaded"], from: "2025-01", to: "2025-06" };
  const monthly = await crossingsSeries(store, req);
  const may = monthly.points.find((p) => p.period === "2025-05")!;
  assert.deepEqual([may.value, may.perDay, may.status], [null, null, "missing"]);
  assert.deepEqual(
    monthly.holes.map((h) => [h.port, h.month, h.rule]),
    [["2304", "2025-05", "all-ports"]],
  );
  const year = (await crossingsSeries(store, { ...req, by: "year" })).points[0]!;
  // 400,108 + 395,997 + 452,331 + 424,798 + 422,288 over 31 + 28 + 31 + 30 + 30 days (raw BTS rows).
  assert.equal(year.value, 2_095_522);
  assert.equal(year.days, 150);
  assert.equal(year.perDay!.toFixed(1), "13970.1", "was 11,577.5 when May counted as 0 over 181 days");
  assert.equal(year.label, "2025-01..2025-06 (5 of 6 months)");
  assert.equal(year.partial, true);
});

test("Ysleta 2020 per-day figures count days from 2020-03, in crossings and in trade", async () => {
  const t = (
    await crossingsSeries(store, {
      ports: ["Ysleta"],
      measures: ["Trucks"],
      from: "2020-01",
      to: "2020-12",
      by: "year",
    })
  ).points[0]!;
  assert.equal(t.days, 306, "2020-03..2020-12");
  assert.equal(t.perDay!.toFixed(1), "1580.8", "483,732 / 306 (was / 366)");
  assert.deepEqual(t.coverage.notReported, ["2020-01", "2020-02"]);
  const y2019 = await crossingsSeries(store, {
    ports: ["Ysleta"],
    measures: ["Trucks"],
    from: "2019-01",
    to: "2019-12",
    by: "year",
  });
  assert.deepEqual(
    [y2019.points[0]!.value, y2019.points[0]!.status],
    [null, "not-reported"],
    "not 'no trucks'",
  );
  assert.match(y2019.notes.join("\n"), /Ysleta \(2401\) is reported apart from El Paso only from 2020-03/);
  const trade = await tradeSummary(store, {
    ports: ["Ysleta"],
    modes: [],
    from: "2020-01",
    to: "2020-12",
    by: "year",
  });
  assert.equal(trade.days, 214, "2020-03..2020-09: TransBorder has no port-level Oct-Dec 2020");
  assert.equal((trade.perDayUsd! / 1e6).toFixed(2), "126.94", "$27.17 bn / 214 days (was / 274)");
});

test("Chief Mountain (first reported 2025-06): per day = value / 30, in the series and the profile", async () => {
  const r = await crossingsSeries(store, { ports: ["3315"], measures: ["Personal Vehicles"], by: "year" });
  const y2025 = r.points.find((p) => p.period === "2025")!;
  assert.equal(y2025.value, 3554);
  assert.equal(y2025.perDay, 3554 / 30);
  assert.equal(r.points.find((p) => p.period === "2024")!.status, "not-reported");
  const p = await portProfile(store, "3315");
  const pv = p.crossings.byMeasure.find((m) => m.measure === "Personal Vehicles")!;
  assert.equal(pv.perDay, 3554 / 30, "was 3,554 / 365");
  assert.equal(pv.coverage.label, "1 of 12 months");
  assert.equal(pv.previous, null);
  assert.equal(p.port.approximateLocation, true);
  assert.match(p.crossings.notes.join("\n"), /coordinates are approximate, filled by hand \(not from BTS\)/);
  // Not in TransBorder's port code list: its trade is not reported, not "$0, $0 per day".
  assert.deepEqual([p.trade.totalUsd, p.trade.perDayUsd, p.trade.status], [null, null, "not-reported"]);
  assert.match(
    p.trade.notes.join("\n"),
    /has no series in TransBorder port-level trade \(it is not in TransBorder's port code list\)/,
  );
  const trade = await tradeSummary(store, { ports: ["3315"], modes: [], from: "2023-01", to: "2023-12" });
  assert.deepEqual(
    [trade.totalUsd, trade.status, trade.days],
    [null, "not-reported", 0],
    "was $0 over 365 days",
  );
  assert.ok(trade.groups.every((g) => g.valueUsd === null && g.status === "not-reported"));
});

test("El Paso 2019..2021 says the 2020-03 break; El Paso + Ysleta is one continuous series", async () => {
  const req = { measures: ["Trucks"], from: "2019-01", to: "2021-12" };
  const elp = await crossingsSeries(store, { ...req, ports: ["El Paso"], by: "year" });
  assert.match(
    elp.notes.join("\n"),
    /series break at 2020-03: from then BTS and TransBorder report Ysleta \(2401\) apart/,
  );
  const both = await crossingsSeries(store, { ...req, ports: ["El Paso + Ysleta"] });
  assert.deepEqual(
    both.ports.map((p) => p.port_code),
    ["2402", "2401"],
  );
  assert.equal(both.points.length, 36);
  assert.ok(
    both.points.every((p) => p.status === "observed" && p.value! > 0),
    "no gap, no not-reported month",
  );
  assert.doesNotMatch(both.notes.join("\n"), /series break/);
  assert.match(both.notes.join("\n"), /one series across the 2020-03 split/);
  // The same by code, and the sum of the two ports month by month (Ysleta counts nothing before 2020-03).
  const byCode = await crossingsSeries(store, { ...req, ports: ["2402+2401"] });
  const el = await crossingsSeries(store, { ...req, ports: ["2402"] });
  const ys = await crossingsSeries(store, { ...req, ports: ["2401"] });
  assert.deepEqual(
    byCode.points.map((p) => p.value),
    el.points.map((p, i) => p.value! + (ys.points[i]!.value ?? 0)),
  );
  const years = await crossingsSeries(store, { ...req, ports: ["El Paso + Ysleta"], by: "year" });
  assert.deepEqual(
    years.points.map((p) => [p.period, p.value]),
    [
      ["2019", 792_441],
      ["2020", 756_960],
      ["2021", 848_933],
    ],
  );
  const trade = await tradeSummary(store, {
    ports: ["El Paso + Ysleta"],
    modes: [],
    from: "2020-01",
    to: "2020-12",
  });
  assert.equal(trade.days, 274, "the combined trade series counts from 2020-01");
});

test("Whitetail after 2013-12 is not reported, not explained with the zero-omission rule", async () => {
  const r = await crossingsSeries(store, {
    ports: ["Whitetail"],
    measures: ["Personal Vehicles"],
    from: "2014-01",
    to: "2014-12",
  });
  assert.ok(r.points.every((p) => p.status === "not-reported" && p.value === null));
  const notes = r.notes.join("\n");
  assert.match(notes, /Whitetail \(3312\) is in BTS crossings 1996-01..2013-12/);
  assert.doesNotMatch(notes, /leaves out zero counts/);
});

test("other names of a port resolve to it (Fabens is Tornillo 2404 in TransBorder's code list)", async () => {
  const r = await tradeSummary(store, {
    ports: ["Fabens"],
    modes: [],
    from: "2023-01",
    to: "2023-12",
    by: "year",
  });
  assert.equal(r.ports[0]!.port_code, "2404");
  assert.match(r.notes.join("\n"), /BTS names 2404 Tornillo; TransBorder's code list names it Fabens/);
});

test("after TransBorder's port-level coverage: the note says where the snapshot's files end, not a publication lag", async () => {
  const r = await tradeSummary(store, { ports: ["2303"], modes: [], from: "2024-10", to: "2024-12" });
  assert.deepEqual([r.totalUsd, r.status], [null, "not-reported"]);
  const notes = r.notes.join("\n");
  assert.match(
    notes,
    /after TransBorder port-level trade coverage, which ends 2024-09 \(the raw port-level monthly files in the snapshot end there, a limit of what was available, not TransBorder's publication lag; national totals run later/,
  );
  // The old note blamed a lag of "about two months": 2024-09 is 14 months before the newest national month.
  assert.doesNotMatch(notes, /lags about two months/);
  const national = await tradeSummary(store, { ports: [], modes: [], from: "2025-12", to: "2025-12" });
  assert.equal(national.status, "observed", "national totals run to 2025-12");
});

test("an answer over every port, by port, says El Paso's and Ysleta's break and names the ports with holes", async () => {
  const c = await crossingsSeries(store, {
    ports: [],
    measures: ["Trucks"],
    from: "2019-01",
    to: "2021-12",
    by: "port",
  });
  const notes = c.notes.join("\n");
  assert.match(notes, /series break at 2020-03: from then BTS and TransBorder report Ysleta \(2401\) apart/);
  assert.match(notes, /Ysleta \(2401\) is reported apart from El Paso only from 2020-03/);
  assert.match(notes, /Trucks 2021-11 at Otay Mesa \(2506\)/, "was 'at 2506 (2506)'");
  const ysleta = c.points.find((p) => p.period === "2401")!;
  assert.deepEqual([ysleta.label, ysleta.days], ["2401 (22 of 36 months)", 671]);
  // Summed over every port the split changes nothing: no break note there.
  const sum = await crossingsSeries(store, {
    ...{ ports: [], measures: ["Trucks"] },
    from: "2019-01",
    to: "2021-12",
  });
  assert.doesNotMatch(sum.notes.join("\n"), /series break/);
  const t = await tradeSummary(store, { ports: [], modes: [], from: "2020-01", to: "2020-12", by: "port" });
  assert.match(t.notes.join("\n"), /series break at 2020-03/);
  const ys = t.groups.find((g) => g.key === "2401")!;
  assert.equal(ys.days, 214, "2020-03..2020-09");
});
