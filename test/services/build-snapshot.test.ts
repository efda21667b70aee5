import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSnapshot } from "../../src/services/build-snapshot.ts";
import { Store } from "../../src/store/db.ts";
import { DataError } from "../../src/domain/errors.ts";
import { tradeSummary } from "../../src/services/trade.ts";
import { crossingsSeries } from "../../src/services/crossings.ts";
import { assertGolden } from "../helpers/golden.ts";

const RAW = "test/fixtures/raw";

function hashDir(dir: string): string {
  const h = createHash("sha256");
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest("hex");
}

test("a snapshot built from real excerpts matches its golden output", async (t) => {
  const work = mkdtempSync(join(tmpdir(), "bf-build-"));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const out = join(work, "data", "snapshot");
  const report = await buildSnapshot({ rawDir: RAW, outDir: out });
  assert.equal(report.rejects.length, 0);
  const store = await Store.open({ path: ":memory:", snapshotDir: out });
  t.after(() => store.close());
  const rail = await tradeSummary(store, {
    ports: ["2303", "2402"],
    modes: ["rail"],
    from: "2023-12",
    to: "2023-12",
    by: "port",
  });
  const trains = await crossingsSeries(store, {
    ports: ["Eagle Pass"],
    measures: ["Trains"],
    from: "2023-10",
    to: "2024-01",
    by: "month",
  });
  const commodities = await tradeSummary(store, {
    ports: ["2303"],
    modes: ["rail"],
    from: "2023-12",
    to: "2023-12",
    by: "commodity",
  });
  const identity = await store.all({
    sql: "SELECT * FROM port_identity WHERE note <> '' AND NOT note LIKE 'not a land port%' ORDER BY port_code",
    params: [],
  });
  assertGolden("test/golden/snapshot-fixtures.json", {
    manifest: report.manifest,
    railDec2023: rail.groups.map((g) => ({
      port: g.key,
      valueUsd: g.valueUsd,
      perDayUsd: Math.round(g.perDayUsd!),
    })),
    eaglePassTrains: trains.points.map((p) => [p.period, p.value]),
    eaglePassRailTop3: commodities.groups
      .slice(0, 3)
      .map((g) => [g.key, g.label, Math.round(g.share! * 1000) / 1000]),
    portIdentity: identity.slice(0, 20),
  });
  // Real values, independent of the golden: Dec 2023 rail at Eagle Pass was $1,920.5 M (BTS TransBorder).
  assert.equal(Math.round(rail.groups.find((g) => g.key === "2303")!.valueUsd! / 1e5) / 10, 1920.5);
  assert.deepEqual(
    trains.points.map((p) => p.value),
    [251, 215, 237, 282],
  );
});

test("a build that meets a bad file fails and leaves the good snapshot as it was", async (t) => {
  const work = mkdtempSync(join(tmpdir(), "bf-build-bad-"));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const out = join(work, "data", "snapshot");
  await buildSnapshot({ rawDir: RAW, outDir: out });
  const before = hashDir(out);
  const provBefore = readFileSync(join(work, "data", "PROVENANCE.md"), "utf8");

  const cases: [string, string, RegExp][] = [
    [
      "negative.csv",
      "bts-border-crossing/bts_border_crossing_us_mexico.csv.gz",
      /1 row\(s\) failed validation; the snapshot was not changed/,
    ],
    [
      "missing-column.csv",
      "bts-border-crossing/bts_border_crossing_us_mexico.csv.gz",
      /the header is not the documented one/,
    ],
    [
      "truncated.csv.gz",
      "bts-border-crossing/bts_border_crossing_us_canada.csv.gz",
      /the gzip file is truncated/,
    ],
    ["unknown-port.csv", "bts-border-crossing/bts_border_crossing_us_mexico.csv.gz", /failed validation/],
  ];
  for (const [bad, target, message] of cases) {
    const raw = join(work, `raw-${bad}`);
    cpSync(RAW, raw, { recursive: true });
    // Put the bad file in place of a good one (gzipped, as the build expects of a .gz name).
    const bytes = readFileSync(join("test/fixtures/bad", bad));
    writeFileSync(join(raw, target), bad.endsWith(".gz") ? bytes : gzipSync(bytes));
    await assert.rejects(buildSnapshot({ rawDir: raw, outDir: out }), (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.match(e.message, message);
      return true;
    });
    assert.equal(hashDir(out), before, `snapshot changed after ${bad}`);
    assert.equal(readFileSync(join(work, "data", "PROVENANCE.md"), "utf8"), provBefore);
  }
  assert.deepEqual(
    readdirSync(join(work, "data")).sort(),
    ["PROVENANCE.md", "snapshot"],
    "no temp folders left behind",
  );
});

test("--allow-rejects builds without the bad rows and counts them", async (t) => {
  const work = mkdtempSync(join(tmpdir(), "bf-build-allow-"));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const raw = join(work, "raw");
  cpSync(RAW, raw, { recursive: true });
  writeFileSync(
    join(raw, "bts-border-crossing/bts_border_crossing_us_mexico.csv.gz"),
    gzipSync(readFileSync("test/fixtures/bad/negative.csv")),
  );
  const r = await buildSnapshot({ rawDir: raw, outDir: join(work, "data", "snapshot"), allowRejects: true });
  assert.equal(r.manifest.rejects, 1);
  assert.match(readFileSync(join(work, "data", "PROVENANCE.md"), "utf8"), /Rows rejected by validation: 1\./);
});
