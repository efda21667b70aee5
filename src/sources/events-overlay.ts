// The repository's corrections to the disruption registry (../shared/data/events/events.json is read-only):
// data/model/events-overlay.json lists each change as an event id, a field path, the value it expects to
// find there and the value to set, with the reason and the source. The snapshot build applies it; an entry
// whose expected value no longer matches (the registry changed upstream) fails the build, so a correction
// is never applied to something it was not written for.
import { z } from "zod";
import { DataError } from "../domain/errors.ts";

export const EVENTS_OVERLAY_FILE = "events-overlay.json";

const Entry = z
  .object({
    id: z.string().min(1),
    /** Dotted path inside the event, e.g. `start.tz` or `ports.1.role`. */
    path: z.string().min(1),
    was: z.unknown(),
    set: z.unknown(),
    reason: z.string().min(1),
    source: z.string().min(1),
    verification: z.enum(["verified", "reported", "inferred"]),
  })
  .strict();

const Overlay = z.object({ about: z.string(), changes: z.array(Entry) }).strict();

/** Applies the overlay to the registry's text and returns the patched registry as JSON text. */
export function applyEventsOverlay(registryText: string, overlayText: string): string {
  let registry: { events: Record<string, unknown>[] } & Record<string, unknown>;
  let overlay: z.infer<typeof Overlay>;
  try {
    registry = JSON.parse(registryText);
    overlay = Overlay.parse(JSON.parse(overlayText));
  } catch (e) {
    throw new DataError(`events overlay: ${(e as Error).message}`);
  }
  const problems: string[] = [];
  for (const c of overlay.changes) {
    const ev = registry.events.find((e) => e.id === c.id);
    if (!ev) {
      problems.push(`${c.id}: no such event in the registry`);
      continue;
    }
    const keys = c.path.split(".");
    let node = ev as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) node = (node?.[k] ?? undefined) as Record<string, unknown>;
    const last = keys.at(-1)!;
    if (!node || JSON.stringify(node[last]) !== JSON.stringify(c.was)) {
      problems.push(
        `${c.id} ${c.path}: expected ${JSON.stringify(c.was)}, found ${JSON.stringify(node?.[last])} (the registry changed: review the overlay)`,
      );
      continue;
    }
    node[last] = c.set;
    const log = (ev.overlay as unknown[] | undefined) ?? [];
    log.push({
      path: c.path,
      was: c.was,
      set: c.set,
      reason: c.reason,
      source: c.source,
      verification: c.verification,
    });
    ev.overlay = log;
  }
  if (problems.length) throw new DataError(`events overlay: ${problems.length} problem(s)`, problems);
  const meta = (registry.meta ?? {}) as Record<string, unknown>;
  meta.overlay = `corrections from borderflow's data/model/${EVENTS_OVERLAY_FILE} are applied; each changed event lists them under "overlay"`;
  registry.meta = meta;
  return JSON.stringify(registry, null, 2) + "\n";
}
