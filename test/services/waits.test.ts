import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError, NotFoundError, StoreError } from "../../src/domain/errors.ts";
import { DateSchema, readingDay, type LaneType } from "../../src/domain/wait-times.ts";
import fc from "fast-check";
import { z } from "zod";
import { median } from "../../src/model/wait-detection.ts";
import {
  bestTimes,
  loadSnapshotPorts,
  parseLanes,
  parseWaitQuery,
  WAIT_GROUPINGS,
  waitSummary,
  type WaitQuerySpec,
  type WaitRequest,
  type WaitSummary,
} from "../../src/services/waits.ts";
import { DEFAULT_SNAPSHOT_DIR } from "../../src/store/paths.ts";
import { WaitArchiveWriter } from "../../src/store/wait-archive.ts";
import { waitStatsQuery } from "../../src/store/wait-queries.ts";
import { runCli } from "../../src/cli/main.ts";
import { assertGolden } from "../helpers/golden.ts";
import { captureIo } from "../helpers/io.ts";
import { elPasoHourlyReadings, writeArchiveReadings } from "../helpers/waits-history.ts";

const GOLDEN = join(import.meta.dirname, "../golden");
let dir: string;
let archive: string;
const history = elPasoHourlyReadings();

const write = writeArchiveReadings;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "borderflow-waits-"));
  archive = join(dir, "archive");
  write(archive, history);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The result without the temporary folder's path (for golden files). */
const portable = (s: WaitSummary) => ({ ...s, archiveDir: "<archive>" });

test("by hour: BOTA cars over Thanksgiving week 2025, the typical wait per local hour", async () => {
  const s = await waitSummary(archive, {
    port: "El Paso",
    lane: "passenger-standard",
    from: "2025-11-24",
    to: "2025-11-30",
    by: "hour",
  });
  assert.deepEqual(s.port, { code: "2402", name: "El Paso" });
  assert.equal(s.rows.length, 24);
  // Checked against the source rows directly.
  for (const row of s.rows) {
    const waits = history
      .filter(
        (r) =>
          r.crossing === "240201" &&
          r.updatedAt! >= "2025-11-24" &&
          r.updatedAt! < "2025-12-01" &&
          Number(r.updatedAt!.slice(11, 13)) === row.hour,
      )
      .map((r) => r.delayMinutes!);
    assert.equal(row.readings, waits.length);
    assert.equal(row.typicalMinutes, median(waits), `hour ${row.hour}`);
    assert.equal(row.maxMinutes, Math.max(...waits));
  }
  assert.equal(s.best.length, 1);
  assert.equal(s.best[0]!.typicalMinutes, Math.min(...s.rows.map((r) => r.typicalMinutes!)));
  // Ysleta is listed under El Paso in the feed but is BTS port 2401: said, not mixed in.
  assert.ok(s.notes.some((n) => /Ysleta \(240203\) .* port 2401: ask for it with --port 2401/.test(n)));
  assertGolden(join(GOLDEN, "waits-el-paso-bota-thanksgiving-2025-by-hour.json"), portable(s));
});

test("by weekday and by crossing: Ysleta (2401), and the best weekday and hour at BOTA", async () => {
  const ysleta = await waitSummary(archive, { port: "2401", by: "weekday" });
  assert.deepEqual(
    ysleta.rows.map((r) => r.weekday),
    ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
  );
  assert.equal(
    ysleta.rows.reduce((n, r) => n + r.readings, 0),
    history.filter((r) => r.crossing === "240203").length,
  );
  const bota = await waitSummary(archive, { port: "240201" });
  assert.equal(bota.crossing, "240201");
  assert.equal(bota.rows.length, 1);
  assert.equal(bota.rows[0]!.readings, history.filter((r) => r.crossing === "240201").length);
  const best = bota.best[0]!;
  assert.ok(best.weekday && best.hour !== undefined);
  assert.ok(best.readings >= 3, "the best slot has the support of at least 3 readings");
});

test("the best slot prefers the lowest typical wait among well-supported slots", () => {
  const row = (weekday: "Mon" | "Tue", hour: number, typical: number, readings: number) => ({
    port: "2504" as never,
    portName: "San Ysidro",
    crossing: "250401",
    crossingName: "",
    lane: "passenger-standard" as const,
    weekday,
    hour,
    readings,
    typicalMinutes: typical,
    meanMinutes: typical,
    p90Minutes: typical,
    maxMinutes: typical,
    closedReadings: 0,
    firstUpdate: null,
    lastUpdate: null,
  });
  const best = bestTimes([row("Mon", 3, 5, 1), row("Mon", 4, 20, 4), row("Tue", 4, 12, 3)]);
  assert.deepEqual(
    best.map((b) => [b.weekday, b.hour, b.typicalMinutes]),
    [["Tue", 4, 12]],
  );
});

test("queries read the archive while a watcher holds it, ignoring a line still being written", async () => {
  const live = join(dir, "live");
  write(live, history.slice(0, 200));
  const before = await waitSummary(live, { port: "2402" });
  const writer = WaitArchiveWriter.open(live);
  try {
    const r = history[200]!;
    const line = JSON.stringify(r);
    appendFileSync(join(live, "readings", `${readingDay(r)}.jsonl`), line.slice(0, 40));
    const during = await waitSummary(live, { port: "2402" });
    assert.equal(during.rows[0]!.readings, before.rows[0]!.readings);
  } finally {
    writer.close();
  }
});

test("SQL builders keep user input in parameters", () => {
  const q = waitStatsQuery(
    { sql: "(SELECT * FROM read_parquet(?))", params: [["/tmp/it's.parquet"]] },
    {
      ports: ["2402'; DROP TABLE x; --"],
      crossings: [],
      lanes: ["passenger-standard"],
      from: "2025-11-24",
      to: "2025-11-30",
    },
    "hour",
  );
  assert.ok(!q.sql.includes("DROP"));
  assert.ok(!q.sql.includes("it's"), "file names travel as parameters too");
  assert.deepEqual(q.params, [
    ["/tmp/it's.parquet"],
    "2402'; DROP TABLE x; --",
    "passenger-standard",
    "2025-11-24",
    "2025-11-30",
  ]);
  assert.deepEqual(parseLanes("passenger,commercial-fast"), [
    "commercial-fast",
    "passenger-standard",
    "passenger-sentri",
    "passenger-ready",
  ]);
  assert.throws(() => parseLanes("bus"), /unknown lane "bus"/);
});

test("input errors name the input and what would be valid", async () => {
  await assert.rejects(
    waitSummary(archive, { port: "2402", from: "2025-11-31", by: "month" }),
    (e: unknown) =>
      e instanceof InputError &&
      /--from "2025-11-31": not a calendar date/.test(e.message) &&
      /--by "month"/.test(e.message),
  );
  await assert.rejects(
    waitSummary(archive, { port: "Eagel Pass" }),
    /unknown port "Eagel Pass" \(did you mean Eagle Pass, 2303\?\)/,
  );
  await assert.rejects(waitSummary(archive, { port: "999901" }), (e: unknown) => e instanceof NotFoundError);
  const empty = await waitSummary(join(dir, "nothing-here"), { port: "2504" });
  assert.deepEqual(empty.rows, []);
  assert.ok(empty.notes.some((n) => /has no readings; run borderflow watch/.test(n)));
});

test("borderflow waits: a table for people, JSON and CSV for programs", async () => {
  const cli = async (...args: string[]) => {
    const io = captureIo();
    const code = await runCli(args, io);
    return { code, out: io.stdout(), err: io.stderr() };
  };
  const base = ["waits", "--port", "El Paso", "--lane", "passenger-standard", "--archive", archive];
  const text = await cli(...base, "--from", "2025-11-24", "--to", "2025-11-30", "--by", "hour");
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /waits at El Paso \(2402\), 2025-11-24\.\.2025-11-30, by hour/);
  assert.match(
    text.out,
    /Bridge of the Americas \(BOTA\) \(240201\)\s+passenger-standard\s+11:00\s+7\s+60\.0/,
  );
  assert.match(text.out, /best time to cross/);
  const json = await cli("--json", ...base, "--by", "weekday");
  assert.equal(json.code, 0, json.err);
  assert.equal((JSON.parse(json.out) as WaitSummary).rows.length, 7);
  const csv = await cli("--csv", ...base, "--from", "2025-12-25", "--to", "2025-12-25");
  assert.equal(csv.code, 0, csv.err);
  // Notes first as # lines (issue 9), then each table under a # table: line.
  assert.match(csv.out, /^# waits at El Paso \(2402\), 2025-12-25\.\.2025-12-25\n/);
  assert.match(csv.out, /^# note: waits are CBP's estimates/m);
  assert.match(
    csv.out,
    /^# table: waits \(minutes\)\ncrossing,lane,readings,typical min,mean,p90,max,closed\n/m,
  );
  assert.match(csv.out, /Bridge of the Americas \(BOTA\) \(240201\),passenger-standard,24,/);
  const bad = await cli("waits", "--port", "2402", "--from", "25-11-2025", "--archive", archive);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--from "25-11-2025": expected a date YYYY-MM-DD/);
});

test("the snapshot's ports are read by the DuckDB that reads the archive: the same answer as with the ports given; a snapshot without them is a store error that names the file", async () => {
  const spec = { port: "El Paso", lane: "passenger", from: "2025-11-01", to: "2025-12-31", by: "hour" };
  const given = await waitSummary(archive, spec, { ports: await loadSnapshotPorts() });
  assert.ok(given.rows.length > 0);
  assert.deepEqual(await waitSummary(archive, spec), given);
  assert.deepEqual(await waitSummary(archive, spec, { snapshotDir: DEFAULT_SNAPSHOT_DIR }), given);
  // A crossing number resolves the same way (its port's name from the snapshot).
  const crossing = { ...spec, port: "240201" };
  assert.deepEqual(
    await waitSummary(archive, crossing),
    await waitSummary(archive, crossing, { ports: await loadSnapshotPorts() }),
  );
  const noPorts = join(dir, "snapshot-without-ports");
  mkdirSync(noPorts, { recursive: true });
  await assert.rejects(
    waitSummary(archive, spec, { snapshotDir: noPorts }),
    (e: unknown) =>
      e instanceof StoreError &&
      e.message.includes(`cannot read the ports of the snapshot ${join(noPorts, "ports.parquet")}`),
  );
  // The CLI: --snapshot reaches the query; a snapshot without ports exits 4 (store) with that message.
  const io = captureIo();
  const code = await runCli(["--snapshot", noPorts, "waits", "--port", "2402", "--archive", archive], io);
  assert.equal(code, 4, io.stderr());
  assert.match(io.stderr(), /cannot read the ports of the snapshot .*snapshot-without-ports/);
  const ok = captureIo();
  assert.equal(
    await runCli(
      [
        "--json",
        "waits",
        "--port",
        "El Paso",
        "--lane",
        "passenger",
        "--from",
        "2025-11-01",
        "--to",
        "2025-12-31",
        "--by",
        "hour",
        "--archive",
        archive,
      ],
      ok,
    ),
    0,
    ok.stderr(),
  );
  assert.deepEqual(JSON.parse(ok.stdout()), JSON.parse(JSON.stringify(given)));
});

/** parseWaitQuery as it was with zod (kept here as the reference the plain version must match). */
function zodParseWaitQuery(spec: WaitQuerySpec): WaitRequest {
  const QuerySchema = z
    .object({
      port: z
        .string()
        .trim()
        .min(
          1,
          "--port is required (a code such as 2504, a name such as San Ysidro, or a crossing number such as 250401)",
        ),
      from: DateSchema.optional(),
      to: DateSchema.optional(),
      by: z
        .enum(WAIT_GROUPINGS, {
          error: (i) =>
            `--by ${JSON.stringify(i.input)} is not one of ${WAIT_GROUPINGS.filter((g) => g !== "crossing").join(", ")}`,
        })
        .optional(),
    })
    .superRefine((s, c) => {
      if (s.from && s.to && s.from > s.to)
        c.addIssue({ code: "custom", message: `--from ${s.from} is after --to ${s.to}` });
    });
  const clean = Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined));
  const parsed = QuerySchema.safeParse(clean);
  const problems: string[] = [];
  if (!parsed.success)
    for (const i of parsed.error.issues) {
      const flag = i.path[0];
      problems.push(
        flag === "from" || flag === "to"
          ? `--${String(flag)} ${JSON.stringify(spec[flag])}: ${i.message}`
          : i.message,
      );
    }
  let lanes: LaneType[] = [];
  try {
    lanes = parseLanes(spec.lane);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length > 0 || !parsed.success)
    throw new InputError(
      problems.join("; "),
      "e.g. borderflow waits --port 2504 --from 2025-11-24 --to 2025-11-30 --by hour",
    );
  const s = parsed.data;
  return {
    port: s.port,
    lanes,
    ...(s.from ? { from: s.from } : {}),
    ...(s.to ? { to: s.to } : {}),
    by: s.by ?? "crossing",
  };
}

test("parseWaitQuery (plain code) accepts, refuses and words its problems exactly as the zod schema it replaced", () => {
  const outcome = (f: () => WaitRequest) => {
    try {
      return { ok: f() };
    } catch (e) {
      return {
        error: (e as Error).constructor.name,
        message: (e as Error).message,
        hint: (e as InputError).hint,
      };
    }
  };
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const date = fc.constantFrom(
    "2025-01-01",
    "2025-02-28",
    "2025-02-30",
    "2025-13-01",
    "25-11-2025",
    "2025-3-1",
    "",
    "x",
    "2024-02-29",
  );
  fc.assert(
    fc.property(
      fc.record({
        port: fc.constantFrom("", "  ", "2402", " El Paso ", "240201", "x"),
        lane: opt(
          fc.constantFrom("", "commercial", "passenger-sentri, commercial-fast", "bogus", "commercial,bogus"),
        ),
        from: opt(date),
        to: opt(date),
        by: opt(fc.constantFrom("", "hour", "weekday", "crossing", "month", "Hour")),
      }),
      (spec) => {
        assert.deepEqual(
          outcome(() => parseWaitQuery(spec)),
          outcome(() => zodParseWaitQuery(spec)),
          JSON.stringify(spec),
        );
      },
    ),
    { numRuns: 2000, seed: 14 },
  );
});
