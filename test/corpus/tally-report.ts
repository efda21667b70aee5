// Prints the corpus tally written by the last `npm test` (test-artifacts/corpus/*.json): cases by area and
// outcome. Usage: node --import tsx test/corpus/tally-report.ts
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const DIR = resolve(import.meta.dirname, "../../test-artifacts/corpus");
const rows: [string, number, number][] = [];
if (existsSync(DIR))
  for (const f of readdirSync(DIR)
    .filter((n) => n.endsWith(".json"))
    .sort()) {
    const cases = Object.values(JSON.parse(readFileSync(join(DIR, f), "utf8")) as Record<string, string>);
    rows.push([
      f.replace(/\.json$/, ""),
      cases.filter((o) => o === "refused").length,
      cases.filter((o) => o === "accepted").length,
    ]);
  }
const total = rows.reduce(
  (s, r) => [s[0], s[1] + r[1], s[2] + r[2]] as [string, number, number],
  ["total", 0, 0],
);
console.log("area      refused clearly  accepted correctly  cases");
for (const [a, r, c] of [...rows, total])
  console.log(
    `${a.padEnd(9)} ${String(r).padStart(15)}  ${String(c).padStart(18)}  ${String(r + c).padStart(5)}`,
  );
