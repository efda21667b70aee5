/**
 * Holds a DuckDB file open in a process of its own, as another borderflow process would (`ingest` writing, or
 * a reader): node --import tsx hold-db.ts <file> READ_WRITE|READ_ONLY. Prints "ready" once open; exits when
 * its stdin closes.
 */
import { DuckDBInstance } from "@duckdb/node-api";

const [file, mode] = process.argv.slice(2);
const db = await DuckDBInstance.create(file!, {
  access_mode: mode === "READ_WRITE" ? "READ_WRITE" : "READ_ONLY",
});
const conn = await db.connect();
await conn.run("SELECT 1");
process.stdout.write("ready\n");
process.stdin.resume();
process.stdin.on("end", () => {
  conn.closeSync();
  db.closeSync();
  process.exit(0);
});
