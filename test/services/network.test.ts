// The scenario network's ratios (unit mix, loaded share, value per unit) on the real vendored snapshot: a hole
// is left out of numerator and denominator alike, never counted as 0 (issue 9's rule, docs/data.md).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Store } from "../../src/store/db.ts";
import { loadNetwork } from "../../src/services/network.ts";
import type { Month } from "../../src/domain/units.ts";

let store: Store;
before(async () => {
  store = await Store.open({ path: ":memory:" });
});
after(() => store.close());

const sumSql = async (sql: string, params: string[]) =>
  (await store.all<{ v: number }>({ sql, params }))[0]!.v;

test("Otay Mesa trucks, baseline 2021-03..2022-02: value per unit leaves out 2021-11 (all its truck counts missing)", async () => {
  const net = await loadNetwork(store, {
    eventMonth: "2022-03" as Month,
    baselineMonths: 12,
    modes: ["truck"],
    borders: ["mexico"],
    startDate: "2022-03-01",
    days: 5,
  });
  const f = net.flows.find((x) => x.port === "2506" && x.direction === "inbound")!;
  const months = [
    "2021-03",
    "2021-04",
    "2021-05",
    "2021-06",
    "2021-07",
    "2021-08",
    "2021-09",
    "2021-10",
  ].concat(["2021-12", "2022-01", "2022-02"]);
  const q = months.map(() => "?").join(",");
  const value = await sumSql(
    `SELECT sum(value_usd)::DOUBLE AS v FROM trade WHERE port_code = '2506' AND mode = 'truck'
       AND direction = 'import' AND month IN (${q})`,
    months,
  );
  const trucks = await sumSql(
    `SELECT sum(value)::DOUBLE AS v FROM crossings WHERE port_code = '2506' AND measure = 'Trucks'
       AND month IN (${q})`,
    months,
  );
  const nov = await sumSql(
    `SELECT sum(value_usd)::DOUBLE AS v FROM trade WHERE port_code = '2506' AND mode = 'truck'
       AND direction = 'import' AND month = '2021-11'`,
    [],
  );
  assert.ok(nov > 0, "TransBorder has Otay Mesa's November 2021 trucks' value: only the counts are missing");
  assert.ok(
    Math.abs(f.valuePerUnitUsd / (value / trucks) - 1) < 1e-9,
    `${f.valuePerUnitUsd} vs ${value / trucks}`,
  );
  // Counting the hole as 0 trucks while keeping its value put ~1/11 more value on every truck.
  assert.ok(f.valuePerUnitUsd < ((value + nov) / trucks) * 0.95);
});

test("Laredo trucks, baseline 2024-07..2025-06: the loaded share and mix leave out 2025-05 (Truck Containers Loaded missing at every port)", async () => {
  const net = await loadNetwork(store, {
    eventMonth: "2025-07" as Month,
    baselineMonths: 12,
    modes: ["truck"],
    borders: ["mexico"],
    startDate: "2025-07-01",
    days: 5,
  });
  const f = net.flows.find((x) => x.port === "2304" && x.direction === "inbound")!;
  const of = async (measure: string) =>
    sumSql(
      `SELECT sum(value)::DOUBLE AS v FROM crossings WHERE port_code = '2304' AND measure = ?
         AND month BETWEEN '2024-07' AND '2025-06' AND month <> '2025-05'`,
      [measure],
    );
  const loaded = await of("Truck Containers Loaded");
  const empty = await of("Truck Containers Empty");
  const trucks = await of("Trucks");
  assert.ok(Math.abs(f.loadedShare - loaded / (loaded + empty)) < 1e-12);
  assert.ok(Math.abs(f.unitMix["loaded containers"]! - loaded / trucks) < 1e-12);
  // With May's loaded containers as 0 and its trucks kept, the loaded mix was about a twelfth lower.
  const mayTrucks = await sumSql(
    `SELECT sum(value)::DOUBLE AS v FROM crossings WHERE port_code = '2304' AND measure = 'Trucks'
       AND month = '2025-05'`,
    [],
  );
  assert.ok(f.unitMix["loaded containers"]! > (loaded / (trucks + mayTrucks)) * 1.05);
});
