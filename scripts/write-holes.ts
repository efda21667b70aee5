/**
 * Writes test/golden/crossing-holes.csv: every hole the rules find in the vendored snapshot's BTS crossings.
 * Run: npm run holes   (after npm run snapshot; read the diff before committing it)
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Store } from "../src/store/db.ts";
import { crossingHolesCsv } from "../src/services/status.ts";

const file = join(import.meta.dirname, "../test/golden/crossing-holes.csv");
const store = await Store.open({ path: ":memory:" });
const text = await crossingHolesCsv(store);
store.close();
writeFileSync(file, text);
process.stdout.write(`${text.split("\n")[0]}\nwrote ${file}\n`);
