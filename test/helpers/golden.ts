import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import assert from "node:assert/strict";

/**
 * Compares `actual` with the JSON golden file. UPDATE_GOLDEN=1 rewrites it; a missing golden file is
 * written locally but fails in CI (CI=true), so a golden is never created unseen.
 */
export function assertGolden(file: string, actual: unknown): void {
  const text = JSON.stringify(actual, null, 2) + "\n";
  if (process.env.UPDATE_GOLDEN === "1" || (!existsSync(file) && !process.env.CI)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.ok(existsSync(file), `golden file ${file} is missing (run with UPDATE_GOLDEN=1 and commit it)`);
  assert.deepEqual(
    JSON.parse(text),
    JSON.parse(readFileSync(file, "utf8")),
    `output differs from ${file} (UPDATE_GOLDEN=1 to accept)`,
  );
}
