import { createRequire } from "node:module";
import type * as DuckDB from "@duckdb/node-api";

/**
 * @duckdb/node-api, loaded through `require`. The package is CommonJS (about 70 files re-exported from one
 * index); an ESM `import` of it makes Node scan each file's source for its export names (cjs-module-lexer),
 * which on this 2-core machine took 150–250 ms of a one-query command's start, against 100–150 ms for
 * `require` (docs/waits.md "Speed"). Same package, same entry (`main`), same objects.
 */
const duckdb = createRequire(import.meta.url)("@duckdb/node-api") as typeof DuckDB;

export const { DuckDBInstance, listValue } = duckdb;
export type DuckDBInstance = DuckDB.DuckDBInstance;
export type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
