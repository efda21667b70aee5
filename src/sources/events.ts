import { readFileSync } from "node:fs";
import { DataError } from "../domain/errors.ts";
import { RegistrySchema, type DisruptionEvent } from "../domain/events.ts";

export type { DisruptionEvent, EventFigure } from "../domain/events.ts";

/** Reads and validates a registry file of the events.json layout; every problem is listed with its path. */
export function readEventRegistry(file: string): DisruptionEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new DataError(`${file}: not readable JSON (${(e as Error).message})`, [], { cause: e });
  }
  const r = RegistrySchema.safeParse(json);
  if (!r.success) {
    throw new DataError(
      `${file}: not a valid event registry (${r.error.issues.length} problem(s))`,
      r.error.issues.map(
        (i) =>
          `${i.path
            .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
            .join("")
            .replace(/^\./, "")}: ${i.message}`,
      ),
    );
  }
  return r.data.events;
}
