import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { LANE_TYPES } from "../../src/domain/wait-times.ts";
import { writeManifest, type ArchiveManifest } from "../../src/store/wait-archive.ts";
import {
  DAILY_SQL,
  HOURLY_SQL,
  PARQUET_DIRS,
  RAW_SELECT,
  ROW_GROUP_ROWS,
} from "../../src/store/wait-compaction.ts";

/** The 20 ports of the synthetic year (real codes), 4 crossings each. */
const PORTS = [
  "2402",
  "2304",
  "2305",
  "2506",
  "2504",
  "2503",
  "2604",
  "2608",
  "2404",
  "2301",
  "3004",
  "3009",
  "0901",
  "0712",
  "3801",
  "3802",
  "0115",
  "0212",
  "3310",
  "3401",
];
/** Every lane type but pedestrian-ready (6, as in bench/waits-synthetic.ts). */
const LANES = LANE_TYPES.filter((l) => l !== "pedestrian-ready");

/**
 * A compacted year (2025) of synthetic readings written straight into the archive's Parquet layout with its
 * manifest: 80 crossings × 6 lane types, hourly (4,204,800 readings). Waits are a seeded hash, not data;
 * update times are written at -07:00 all year. Made with DuckDB in seconds, so a test can afford it.
 */
export async function writeSyntheticYear(dir: string): Promise<{ readings: number }> {
  for (const sub of Object.values(PARQUET_DIRS)) mkdirSync(join(dir, sub), { recursive: true });
  mkdirSync(join(dir, "readings"), { recursive: true });
  const db = await DuckDBInstance.create(":memory:", { threads: "2", memory_limit: "512MB" });
  const conn = await db.connect();
  const manifest: ArchiveManifest = { version: 1, generation: 1, months: {} };
  let total = 0;
  try {
    for (let m = 1; m <= 12; m++) {
      const month = `2025-${String(m).padStart(2, "0")}`;
      const start = `${month}-01 00:00:00`;
      // Generated in the archive's sort order (port, crossing, lane, time) on integers, strings after.
      const select = `WITH g AS (
          SELECT p.i AS pi, c.i AS ci, l.i AS li, h.utc
          FROM range(${PORTS.length}) p(i), range(1, 5) c(i), range(${LANES.length}) l(i),
            (SELECT range AS utc FROM range(TIMESTAMP '${start}', TIMESTAMP '${start}' + INTERVAL 1 MONTH, INTERVAL 1 HOUR)) h
          ORDER BY pi, ci, li, utc),
        r AS (SELECT ${sqlList(PORTS)}[pi + 1] AS port, ${sqlList(PORTS)}[pi + 1] || '0' || ci::VARCHAR AS crossing,
            ${sqlList(LANES)}[li + 1] AS lane, utc, (hash(pi, ci, li, utc) % 90)::INTEGER AS delay,
            strftime(utc - INTERVAL 7 HOUR, '%Y-%m-%dT%H:%M:%S') || '-07:00' AS updatedAt FROM g)
        SELECT crossing || '|' || lane || '|' || strftime(utc, '%Y-%m-%dT%H:%M:%S.000Z') AS key, crossing, port,
          'Port ' || port AS portName, 'Crossing ' || crossing AS crossingName, 'mexico' AS border, lane,
          CASE WHEN delay > 0 THEN 'delay' ELSE 'no-delay' END AS status, delay AS delayMinutes,
          2 AS lanesOpen, 10 AS maxLanes, 'Open' AS portStatus, 'Manual' AS automationType, updatedAt,
          'MST' AS timeZone, strftime(utc + INTERVAL 5 MINUTE, '%Y-%m-%dT%H:%M:%S.000Z') AS fetchedAt,
          'json' AS format, substr(updatedAt, 1, 10) AS localDate, strftime(utc, '%Y-%m-%d') AS archiveDay
        FROM r`;
      const rel = {
        raw: join(PARQUET_DIRS.raw, `${month}.1.parquet`),
        hourly: join(PARQUET_DIRS.hourly, `${month}.1.parquet`),
        daily: join(PARQUET_DIRS.daily, `${month}.1.parquet`),
      };
      await conn.run(
        `COPY (SELECT ${RAW_SELECT} FROM (${select}))
          TO '${join(dir, rel.raw)}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`,
      );
      await conn.run(
        // Roll-ups left empty (of the right shape): queries read them only for months without raw readings.
        `COPY (${HOURLY_SQL(`(SELECT * FROM read_parquet('${join(dir, rel.raw)}') WHERE false)`)}) TO '${join(dir, rel.hourly)}' (FORMAT parquet)`,
      );
      await conn.run(
        `COPY (${DAILY_SQL(`read_parquet('${join(dir, rel.hourly)}')`)}) TO '${join(dir, rel.daily)}' (FORMAT parquet)`,
      );
      const meta = (
        await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${join(dir, rel.raw)}')`)
      ).getRowObjectsJS()[0] as { n: number };
      // Readings are by UTC hour of the month, so its UTC days are all its days.
      const days = Array.from(
        { length: new Date(Date.UTC(2025, m, 0)).getUTCDate() },
        (_, d) => `${month}-${String(d + 1).padStart(2, "0")}`,
      );
      const crossings = (
        await conn.runAndReadAll(
          `SELECT DISTINCT port, crossing, portName, crossingName FROM read_parquet('${join(dir, rel.raw)}') ORDER BY ALL`,
        )
      ).getRowObjectsJS() as { port: string; crossing: string; portName: string; crossingName: string }[];
      manifest.months[month] = { ...rel, days, readings: meta.n, crossings };
      total += meta.n;
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  writeManifest(dir, manifest);
  return { readings: total };
}

const sqlList = (xs: readonly string[]) => `[${xs.map((x) => `'${x}'`).join(", ")}]`;
