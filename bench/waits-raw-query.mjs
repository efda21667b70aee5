/* global process, performance */
// The "limit" of bench/waits-archive.ts: a bare Node process that opens an in-memory DuckDB and runs the
// one-port query straight over the monthly Parquet files, with no borderflow code at all. Plain JavaScript
// (no tsx), so its whole-process time is what DuckDB itself costs.
// Usage: node bench/waits-raw-query.mjs <port> <from> <to> <lane,lane> <file.parquet>...
// With BENCH_DUCKDB_REQUIRE=1 it loads DuckDB through require, as borderflow does (src/store/duckdb.ts): an
// ESM import makes Node scan the package's CommonJS files for export names, a cost that is not DuckDB's.
import { createRequire } from "node:module";

const { DuckDBInstance, listValue } = process.env.BENCH_DUCKDB_REQUIRE
  ? createRequire(import.meta.url)("@duckdb/node-api")
  : await import("@duckdb/node-api");

const [port, from, to, lanes, ...files] = process.argv.slice(2);
const t0 = performance.now();
const db = await DuckDBInstance.create(":memory:");
const conn = await db.connect();
const reader = await conn.runAndReadAll(
  `SELECT crossing, lane, CAST(substr(updatedAt, 12, 2) AS INTEGER) AS hour,
      count(*)::INTEGER AS readings, median(delayMinutes)::DOUBLE AS typical, avg(delayMinutes)::DOUBLE AS mean,
      quantile_cont(delayMinutes, 0.9)::DOUBLE AS p90, max(delayMinutes)::INTEGER AS max
    FROM read_parquet(?)
    WHERE port = ? AND list_contains(?, lane) AND localDate BETWEEN ? AND ?
      AND delayMinutes IS NOT NULL AND updatedAt IS NOT NULL
    GROUP BY ALL ORDER BY ALL`,
  [listValue(files), port, listValue(lanes.split(",")), from, to],
);
const rows = reader.getRowObjectsJS();
const queryMs = performance.now() - t0;
process.stdout.write(JSON.stringify({ rows: rows.length, queryMs }) + "\n");
