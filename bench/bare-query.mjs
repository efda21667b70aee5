// The baseline of bench/startup.ts: a bare Node process that opens a borderflow DuckDB file read-only and
// runs one query (the Trains at Eagle Pass in December 2023), printing its rows. Nothing of borderflow loads.
// Usage: node bench/bare-query.mjs <db file>
// With BENCH_DUCKDB_REQUIRE=1 it loads DuckDB through require, as borderflow does (src/store/duckdb.ts): an
// ESM import makes Node scan the package's CommonJS files for export names, a cost that is not DuckDB's.
/* global process, console */
import { createRequire } from "node:module";

const { DuckDBInstance } = process.env.BENCH_DUCKDB_REQUIRE
  ? createRequire(import.meta.url)("@duckdb/node-api")
  : await import("@duckdb/node-api");

const instance = await DuckDBInstance.create(process.argv[2], { access_mode: "READ_ONLY" });
const conn = await instance.connect();
const reader = await conn.runAndReadAll(
  "SELECT month, CAST(sum(value) AS DOUBLE) AS value FROM crossings " +
    "WHERE port_code = '2303' AND measure = 'Trains' AND month = '2023-12' GROUP BY month",
);
console.log(JSON.stringify(reader.getRowObjectsJS()));
conn.closeSync();
instance.closeSync();
