// `borderflow encounters` and `borderflow areas` on the real snapshot: text, JSON, CSV and refusals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../../src/cli/main.ts";
import { captureIo } from "../helpers/io.ts";

const cli = async (...args: string[]) => {
  const io = captureIo();
  const code = await runCli(["--db", ":memory:", ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
};

test("encounters: the file and why, a table, JSON and CSV", async () => {
  const text = await cli("encounters", "--sector", "Del Rio", "--from", "2023-11", "--to", "2024-01");
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /file: cbp-nationwide-encounters-aor-fy2020-fy2024\.csv\.gz/);
  assert.match(text.out, /why this file: /);
  assert.match(text.out, /2023-12\s+71,048\s+2,291\.9\s+observed/);
  const json = await cli("--json", "encounters", "--region", "southwest", "--from", "FY2023", "--by", "fy");
  const r = JSON.parse(json.out);
  assert.equal(r.points[0].value, 2475669);
  assert.equal(r.file.key, "aor");
  const csv = await cli(
    "--csv",
    "encounters",
    "--region",
    "southwest",
    "--from",
    "2023-12",
    "--to",
    "2023-12",
    "--by",
    "month,component",
  );
  assert.equal(csv.code, 0, csv.err);
  // The notes come first as # lines (issue 9), then the header.
  assert.match(csv.out, /^# Encounters \(USBP \+ OFO\) at Southwest Land Border/);
  assert.match(csv.out, /^month,component,encounters,per day,status,months\n/m);
  assert.match(csv.out, /2023-12,USBP,249740,/);
});

test("encounters refusals exit 2 with the problem and a hint", async () => {
  const bad = await cli("encounters", "--sector", "Del Ryo");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown Border Patrol sector "Del Ryo" \(did you mean Del Rio Sector/);
  assert.match(bad.err, /hint: known sectors:/);
  const fy = await cli("encounters", "--from", "FY2005", "--to", "FY2005");
  assert.equal(fy.code, 2);
  assert.match(fy.err, /only USBP/);
});

test("areas: every port's field office and sector, filtered", async () => {
  const r = await cli("--json", "areas", "--field-office", "el paso");
  assert.equal(r.code, 0, r.err);
  const body = JSON.parse(r.out);
  assert.deepEqual(
    body.ports.map((p: { portCode: string }) => p.portCode),
    ["2401", "2402", "2403", "2404", "2406", "2408", "2410"],
  );
  const bad = await cli("areas", "--sector", "Del Ryo");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /did you mean Del Rio Sector/);
});

test("surge: the rule step by step; --check the three periods; story the December 2023 chain", async () => {
  const s = await cli("surge", "--sector", "Del Rio", "--start", "2023-12-01", "--days", "31", "--no-run");
  assert.equal(s.code, 0, s.err);
  assert.match(s.out, /Surge in Del Rio Sector: 2,292 encounters a day for 31 days from 2023-12-01/);
  assert.match(s.out, /officers moved from Laredo Field Office: /);
  const c = await cli("--json", "surge", "--check");
  assert.equal(JSON.parse(c.out).periods.length, 3);
  const st = await cli("story");
  assert.equal(st.code, 0, st.err);
  assert.match(st.out, /surge\s+Southwest border encounters, December 2023 .*301,981/);
  const bad = await cli("surge", "--sector", "Del Rio");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /give --sector and --start/);
});

test("officers: the officer events; one of them with its cut, its sectors' encounters and its backtest", async () => {
  const list = await cli("officers");
  assert.equal(list.code, 0, list.err);
  for (const id of [
    "officers-2019-reassignment",
    "officers-2023-09",
    "officers-2023-12",
    "officers-2023-12-surge-rule",
  ])
    assert.match(list.out, new RegExp(`^${id}\\s`, "m"));
  const one = await cli("officers", "officers-2023-12");
  assert.equal(one.code, 0, one.err);
  assert.match(one.out, /Eagle Pass 2303\s+closure-list\s+[\d.]+\s+\d+\s+0\.0\s+rail 0\.0%/);
  // Del Rio sector's record month beside Eagle Pass's throughput.
  assert.match(one.out, /^2023-12\s+71,048\s+33,967\s+34,370\s+80,184$/m);
  assert.match(one.out, /^Eagle Pass 2303\s+2023-12\s+railcars\s+25,077\s/m);
  assert.match(one.out, /skill [+-][\d.]+%/);
  const json = JSON.parse((await cli("--json", "officers", "officers-2023-12")).out);
  assert.equal(json.backtest.status, "ok");
  assert.deepEqual(
    json.encounters.map((e: { sector: string }) => e.sector),
    ["Del Rio Sector", "El Paso Sector", "San Diego Sector", "Tucson Sector"],
  );
  const bad = await cli("officers", "officers-2024");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /officers-2024/);
});

test("surge: the rule's three parameters as options, bounded as POST /api/surge's (a number or lo,hi)", async () => {
  const base = [
    "--json",
    "surge",
    "--sector",
    "Del Rio",
    "--start",
    "2023-12-01",
    "--days",
    "31",
    "--no-run",
  ];
  const def = JSON.parse((await cli(...base)).out);
  const set = await cli(
    ...base,
    "--ofo-share",
    "0.2",
    "--hours-per-apprehension",
    "7,14.5",
    "--officer-hours-per-day",
    "5",
  );
  assert.equal(set.code, 0, set.err);
  const r = JSON.parse(set.out);
  const p = Object.fromEntries(r.parameters.map((x: { name: string; range: unknown }) => [x.name, x.range]));
  assert.deepEqual(p, { hoursPerApprehension: [7, 14.5], ofoShare: 0.2, officerHoursPerDay: 5 });
  // ofoShare 0.2 against the default's middle 0.1, 5 hours against 4.925: twice the officers × 4.925 / 5.
  assert.ok(Math.abs(r.rule.officers - (def.rule.officers * 2 * 4.925) / 5) < 1e-6);
  for (const [args, message] of [
    [["--ofo-share", "1.5"], /--ofo-share "1\.5": ofoShare must be from 0 to 1 \(a share\)/],
    [["--ofo-share", "0.1,2"], /--ofo-share "0\.1,2": ofoShare must be from 0 to 1/],
    [
      ["--officer-hours-per-day", "0"],
      /--officer-hours-per-day "0": officerHoursPerDay must be from 0\.5 to 24/,
    ],
    [
      ["--officer-hours-per-day", "6,5"],
      /--officer-hours-per-day "6,5": a range is \[low, high\] with low <= high/,
    ],
    [
      ["--hours-per-apprehension", "-1"],
      /--hours-per-apprehension "-1": hoursPerApprehension must be from 0 to 100/,
    ],
    [
      ["--hours-per-apprehension", "ten"],
      /--hours-per-apprehension "ten" is not a number or a range lo,hi \(allowed 0 to 100/,
    ],
    [
      ["--hours-per-apprehension", "1,2,3"],
      /--hours-per-apprehension "1,2,3" is not a number or a range lo,hi/,
    ],
  ] as const) {
    const bad = await cli(...base, ...args);
    assert.equal(bad.code, 2, `${args.join(" ")}: ${bad.out}`);
    assert.match(bad.err, message);
  }
});
