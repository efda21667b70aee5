/**
 * Writes the parameters table of docs/model.md (between its `parameters:start` and `parameters:end` marks)
 * from src/model/parameters.ts, the one place in code that holds every parameter's range, fit and source.
 * Run: npx tsx scripts/write-model-doc.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as prettier from "prettier";
import { PARAMETERS, type ParameterInfo } from "../src/model/parameters.ts";
import { PARAMETER_BOUNDS } from "../src/domain/parameter-bounds.ts";
import type { ParameterName } from "../src/domain/scenario.ts";

const FILE = "docs/model.md";
const range = (v: ParameterInfo["value"]) => (typeof v === "number" ? String(v) : `${v[0]} – ${v[1]}`);
const rows = (Object.entries(PARAMETERS) as [string, ParameterInfo][]).map(([name, p]) =>
  [
    `\`${name}\``,
    range(p.value),
    `${PARAMETER_BOUNDS[name as ParameterName].min} – ${PARAMETER_BOUNDS[name as ParameterName].max}`,
    p.fitted ? `**${p.fitted.value}** (folds ${p.fitted.folds[0]} – ${p.fitted.folds[1]})` : "",
    p.unit,
    p.meaning,
    `${p.fitted ? "fitted" : p.basis}: ${p.source}`,
  ]
    .map((c) => c.replace(/\|/g, "\\|"))
    .join(" | "),
);
const table = [
  "| parameter | range (drawn) | allowed (a scenario may set) | fitted | unit | meaning | basis and source |",
  "|---|---|---|---|---|---|---|",
  ...rows.map((r) => `| ${r} |`),
].join("\n");
const doc = readFileSync(FILE, "utf8");
const start = "<!-- parameters:start (written by scripts/write-model-doc.ts) -->";
const end = "<!-- parameters:end -->";
const a = doc.indexOf(start);
const b = doc.indexOf(end);
if (a < 0 || b < a) throw new Error(`${FILE}: the parameters marks are missing`);
const text = `${doc.slice(0, a + start.length)}\n\n${table}\n\n${doc.slice(b)}`;
const options = (await prettier.resolveConfig(FILE)) ?? {};
writeFileSync(FILE, await prettier.format(text, { ...options, filepath: FILE }));
console.log(`wrote the parameters table of ${FILE} (${rows.length} parameters)`);
