// The baseline of bench/startup.ts: a bare Node process that opens a borderflow DuckDB file read-only and
// runs one query (the Trains at Eagle Pass in December 2023), printing its rows. Nothing of borderflow loads.
// Usage: node bench/bare-query.mjs <db file>
/* global process, console */
import { DuckDBInstance } from "@duckdb/node-api";

const instance = await DuckDBInstance.create(process.argv[2], { access_mode: "READ_ONLY" });
const conn = await instance.connect();
const reader = await conn.runAndReadAll(
  "SELECT month, CAST(sum(value) AS DOUBLE) AS value FROM crossings " +
    "WHERE port_code = '2303' AND measure = 'Trains' AND month = '2023-12' GROUP BY month",
);
console.log(JSON.stringify(reader.getRowObjectsJS()));
conn.closeSync();
instance.closeSync();
