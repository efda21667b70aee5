// The bad-input corpus keeps a tally of its cases by area and outcome in test-artifacts/corpus/<area>.json
// (written by each area's file as its cases pass), so the table of outcomes can be read after `npm test`:
// `node --import tsx test/corpus/tally-report.ts`.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** What a bad input must get: refused with a clear message, or accepted and handled correctly. */
export type Outcome = "refused" | "accepted";

const DIR = resolve(import.meta.dirname, "../../test-artifacts/corpus");
const seen = new Map<string, Map<string, Outcome>>();

/** Records a case that passed: its area (cli, api, scenario, ingest, feed), its name and its outcome. */
export function tally(area: string, id: string, outcome: Outcome): void {
  let m = seen.get(area);
  if (!m) seen.set(area, (m = new Map()));
  m.set(id, outcome);
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, `${area}.json`), JSON.stringify(Object.fromEntries(m), null, 1) + "\n");
}
