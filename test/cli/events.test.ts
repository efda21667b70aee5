import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../../src/cli/main.ts";
import { captureIo } from "../helpers/io.ts";

const cli = async (...args: string[]) => {
  const io = captureIo();
  const code = await runCli(["--db", ":memory:", ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
};

test("events lists the registry, filtered; event shows one with its sources and study", async () => {
  const list = await cli("events", "--port", "2303", "--from", "2023-01");
  assert.equal(list.code, 0, list.err);
  assert.match(
    list.out,
    /2023-12-18\s+2023-12-22\s+2303 2402\s+cbp-rail-suspension-eagle-pass-el-paso-2023-12/,
  );
  const one = await cli("event", "cbp-rail-suspension-eagle-pass-el-paso-2023-12");
  assert.equal(one.code, 0, one.err);
  assert.match(
    one.out,
    // 08:00 local at each port (Central at Eagle Pass, Mountain at El Paso); the end 14:00 Eastern for both.
    /as a scenario: start 2023-12-18 08:00 local at each port; end 2023-12-22 14:00 America\/New_York; windows by port: 2303 2023-12-18T14:00:00.000Z\.\.2023-12-22T19:00:00.000Z; 2402 2023-12-18T15:00:00.000Z\.\.2023-12-22T19:00:00.000Z; rail both: closure/,
  );
  assert.match(one.out, /Sources/);
  assert.match(one.out, /COPARMEX.*comparable to \(a\) trade value held up per closure day/);
  assert.match(one.out, /Event study \(counterfactual from data to 2023-11\)/);
  assert.match(one.out, /Backtest: modelled vs observed/);
});

test("backtest of one event as JSON; unknown ids and bad user files are clear errors", async () => {
  // --no-calibrate: the documented defaults, only this event read (the calibrated run is tested in services).
  const b = await cli(
    "--json",
    "backtest",
    "--no-calibrate",
    "--event",
    "ferromex-northbound-train-suspension-2023-09",
  );
  assert.equal(b.code, 0, b.err);
  const r = JSON.parse(b.out);
  assert.equal(r.events.length, 1);
  assert.equal(r.events[0].status, "ok");
  assert.ok(r.events[0].rows.length > 0);
  assert.equal(r.calibration, null);
  assert.ok(r.events[0].summary.event.skill !== null);
  const unknown = await cli("event", "nope");
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown event "nope"/);
  const bad = await cli("events", "--events", "test/fixtures/events/bad-events.json");
  assert.equal(bad.code, 3);
  assert.match(bad.err, /not a valid event registry/);
  assert.match(bad.err, /events\[0\]\.id: expected a lower-case id/);
  const mine = await cli("events", "--events", "test/fixtures/events/user-events.json", "--from", "2026-01");
  assert.match(mine.out, /test-laredo-rail-2026-03/);
});
