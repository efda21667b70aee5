// Acceptance figures on the real vendored snapshot (data/snapshot), as a user would check them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Store } from "../../src/store/db.ts";
import { crossingsSeries } from "../../src/services/crossings.ts";
import { tradeSummary } from "../../src/services/trade.ts";
import { portProfile, listPorts } from "../../src/services/ports.ts";
import { overview } from "../../src/services/overview.ts";
import { InputError } from "../../src/domain/errors.ts";

let store: Store;
before(async () => {
  store = await Store.open({ path: ":memory:" });
});
after(() => store.close());

const crossing = async (port: string, measure: string, month: string) =>
  (await crossingsSeries(store, { ports: [port], measures: [measure], from: month, to: month })).points[0]
    ?.value;

test("BTS crossings, December 2023", async () => {
  assert.equal(await crossing("2303", "Trains", "2023-12"), 237);
  assert.equal(await crossing("2303", "Rail Containers Loaded", "2023-12"), 13612);
  assert.equal(await crossing("2303", "Trucks", "2023-12"), 10504);
  assert.equal(await crossing("2402", "Trains", "2023-12"), 111);
  const ep = await crossingsSeries(store, {
    ports: ["Eagle Pass"],
    measures: ["Trains"],
    from: "2023-10",
    to: "2024-01",
  });
  assert.deepEqual(
    ep.points.map((p) => p.value),
    [251, 215, 237, 282],
  );
  const elp = await crossingsSeries(store, {
    ports: ["El Paso"],
    measures: ["Trains"],
    from: "2023-10",
    to: "2024-01",
  });
  assert.deepEqual(
    elp.points.map((p) => p.value),
    [113, 114, 111, 136],
  );
});

test("Eagle Pass + El Paso rail trade 2023: $34.19 bn, $93.7 M per average day", async () => {
  const r = await tradeSummary(store, {
    ports: ["2303", "2402"],
    modes: ["rail"],
    from: "2023-01",
    to: "2023-12",
    by: "port",
  });
  assert.equal(r.days, 365);
  assert.equal((r.totalUsd! / 1e9).toFixed(2), "34.19");
  assert.equal((r.perDayUsd! / 1e6).toFixed(1), "93.7");
  assert.equal(r.direction, null, "exports + imports");
  assert.equal(r.country, null, "both countries");
});

test("Detroit truck trade 2021: $105.9 bn", async () => {
  const r = await tradeSummary(store, {
    ports: ["Detroit"],
    modes: ["truck"],
    from: "2021-01",
    to: "2021-12",
    by: "year",
  });
  assert.equal((r.totalUsd! / 1e9).toFixed(1), "105.9");
});

test("Eagle Pass rail 2023: HS87 vehicles and parts first, about 60%", async () => {
  const r = await tradeSummary(store, {
    ports: ["2303"],
    modes: ["rail"],
    from: "2023-01",
    to: "2023-12",
    by: "commodity",
  });
  assert.equal(r.groups[0]!.key, "87");
  assert.equal(Math.round(r.groups[0]!.share! * 100), 60);
  const el = await tradeSummary(store, {
    ports: ["2402"],
    modes: ["rail"],
    from: "2023-01",
    to: "2023-12",
    by: "commodity",
  });
  assert.deepEqual(
    el.groups.slice(0, 2).map((g) => g.key),
    ["87", "10"],
  );
});

test("national transborder trade 2023: $1,572.8 bn; rail $209.2 bn", async () => {
  const all = await tradeSummary(store, { ports: [], modes: [], from: "2023-01", to: "2023-12", by: "mode" });
  assert.equal(all.table, "trade_national");
  assert.equal((all.totalUsd! / 1e9).toFixed(1), "1572.8");
  assert.equal((all.groups.find((g) => g.key === "rail")!.valueUsd! / 1e9).toFixed(1), "209.2");
  const mx = await tradeSummary(store, {
    ports: [],
    modes: [],
    country: "mx",
    from: "2023-01",
    to: "2023-12",
    by: "year",
  });
  assert.equal((mx.totalUsd! / 1e9).toFixed(1), "798.8");
});

test("measures with different units are never summed", async () => {
  await assert.rejects(
    crossingsSeries(store, { ports: ["2303"], measures: ["Trucks", "Trains"], total: true }),
    (e: unknown) =>
      e instanceof InputError && /refusing to sum Trucks \(trucks\), Trains \(trains\)/.test(e.message),
  );
  const people = await crossingsSeries(store, {
    ports: ["2303"],
    measures: ["Pedestrians", "Bus Passengers"],
    from: "2023-12",
    to: "2023-12",
    total: true,
  });
  const sum = people.points.reduce((s, p) => s + p.value!, 0);
  assert.equal(people.totals![0]!.value, sum);
  assert.equal(people.totals![0]!.unit, "people");
});

test("an empty result says why: before coverage, after it, the October 2020 gap", async () => {
  const before = await tradeSummary(store, { ports: ["2303"], modes: [], from: "2018-01", to: "2018-12" });
  assert.equal(before.totalUsd, null, "no data, not $0");
  assert.equal(before.status, "not-reported");
  assert.ok(before.groups.every((g) => g.valueUsd === null && g.status === "not-reported"));
  assert.match(before.notes.join("\n"), /before TransBorder port-level trade coverage, which starts 2020-01/);
  const afterCov = await tradeSummary(store, { ports: ["2303"], modes: [], from: "2025-01", to: "2025-03" });
  assert.match(
    afterCov.notes.join("\n"),
    /after TransBorder port-level trade coverage, which ends 2024-09 \(the raw port-level monthly files in the snapshot end there/,
  );
  const none = await crossingsSeries(store, {
    ports: ["2504"],
    measures: ["Trains"],
    from: "2023-01",
    to: "2023-12",
  });
  assert.ok(none.points.every((p) => p.value === 0 && p.status === "zero"));
  assert.match(
    none.notes.join("\n"),
    /no Trains rows at San Ysidro in 2023-01..2023-12; BTS leaves out zero counts since 2016-08/,
  );
});

test("a trade gap (Oct-Dec 2020) answers no data, month by month, never $0 over 0 days", async () => {
  const gap = await tradeSummary(store, { ports: ["2303"], modes: [], from: "2020-10", to: "2020-12" });
  assert.equal(gap.totalUsd, null);
  assert.equal(gap.perDayUsd, null);
  assert.equal(gap.status, "missing");
  assert.deepEqual(
    gap.groups.map((g) => [g.key, g.valueUsd, g.status]),
    [
      ["2020-10", null, "missing"],
      ["2020-11", null, "missing"],
      ["2020-12", null, "missing"],
    ],
  );
  assert.match(
    gap.notes.join("\n"),
    /no data: TransBorder has no port-level figures for 2020-10..2020-12 \(not \$0\)/,
  );
  assert.match(gap.notes.join("\n"), /missing in TransBorder port-level trade: 2020-10, 2020-11, 2020-12/);
});

test("yearly trade rows with fewer than 12 months say so; national October 2020 is derived", async () => {
  const r = await tradeSummary(store, {
    ports: ["2303"],
    modes: [],
    from: "2020-01",
    to: "2024-12",
    by: "year",
  });
  assert.deepEqual(
    r.groups.map((g) => [g.label, g.partial]),
    [
      ["2020 (9 of 12 months)", true],
      ["2021", false],
      ["2022", false],
      ["2023", false],
      ["2024 (9 of 12 months)", true],
    ],
  );
  assert.equal(r.coverage.label, "54 of 60 months");
  const n = await tradeSummary(store, { ports: [], modes: [], from: "2020-09", to: "2020-11", by: "month" });
  assert.deepEqual(
    n.groups.map((g) => g.status),
    ["observed", "derived", "observed"],
  );
  assert.equal(n.status, "derived");
});

test("a month without a BTS row is a zero by omission in the series, and said so", async () => {
  const r = await crossingsSeries(store, {
    ports: ["2303"],
    measures: ["Train Passengers"],
    from: "2023-01",
    to: "2023-12",
  });
  assert.equal(r.points.length, 12);
  assert.equal(r.points.find((p) => p.period === "2023-05")!.value, 4182);
  assert.equal(r.points.filter((p) => p.value === 0 && p.status === "zero").length, 11);
  assert.match(r.notes.join("\n"), /11 month\(s\) with no BTS row are counted as 0/);
});

test("per-day averages use only months with data", async () => {
  const r = await tradeSummary(store, {
    ports: ["2303"],
    modes: ["rail"],
    from: "2020-09",
    to: "2020-11",
    by: "month",
  });
  assert.equal(r.days, 30, "only September 2020 has port-level data");
  assert.equal(r.perDayUsd, r.totalUsd! / 30);
  assert.equal(r.coverage.label, "1 of 3 months");
});

test("port profile of Eagle Pass", async () => {
  const p = await portProfile(store, "eagle pass");
  assert.equal(p.port.code, "2303");
  assert.equal(p.port.border, "mexico");
  assert.ok(p.port.crossingModes.includes("rail"));
  assert.equal(p.crossings.to, "2025-06");
  assert.equal(p.trade.to, "2024-09");
  const trains = p.crossings.byMeasure.find((m) => m.measure === "Trains")!;
  assert.equal(
    trains.value,
    p.crossings.monthly.filter((m) => m.measure === "Trains").reduce((s, m) => s + m.value!, 0),
  );
  assert.equal(p.trade.topCommodities.find((c) => c.mode === "rail" && c.rank === 1)!.hs2, "87");
});

test("ports filter by border and mode", async () => {
  const rail = await listPorts(store, { border: "mexico", mode: "rail" });
  const codes = rail.ports.map((p) => p.code);
  for (const c of ["2303", "2304", "2402", "2301"]) assert.ok(codes.includes(c as never), c);
  assert.ok(rail.ports.every((p) => p.border === "mexico"));
  const all = await listPorts(store);
  assert.equal(all.ports.length, 118);
  await assert.rejects(listPorts(store, { border: "atlantis" }), /--border "atlantis" is not valid/);
});

test("overview: top ports and the December 2023 case with comparable press figures", async () => {
  const o = await overview(store);
  assert.equal(o.topPorts.year, "2023");
  assert.equal(o.topPorts.ports[0]!.code, "2304", "Laredo is the largest land port");
  assert.equal((o.rail2023.perDayUsd / 1e6).toFixed(1), "93.7");
  const coparmex = o.rail2023.pressFigures.find((f) => f.by.startsWith("COPARMEX"))!;
  assert.equal(coparmex.value, 100_000_000);
  assert.match(coparmex.comparable, /^comparable/);
  const up = o.rail2023.pressFigures.find((f) => f.by.startsWith("Union Pacific"))!;
  assert.match(up.comparable, /^not comparable/);
});
