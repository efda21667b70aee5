import { readFileSync } from "node:fs";
import { z } from "zod";
import { DataError } from "../domain/errors.ts";

/** A published figure about a disruption (press, industry, government), with what it measures. */
export const EventFigureSchema = z
  .object({
    by: z.string(),
    value: z.unknown(),
    unit: z.string(),
    measures: z.string(),
    source_url: z.string().optional(),
    source_date: z.string().optional(),
    verification: z.string().optional(),
    note: z.string().optional(),
  })
  .passthrough();
export type EventFigure = z.infer<typeof EventFigureSchema>;

/** One disruption in the registry (the fields borderflow reads; the rest is kept as is). */
export const EventSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, "expected a lower-case id with dashes"),
    title: z.string(),
    border: z.string(),
    start: z.object({ date: z.string() }).passthrough(),
    end: z.object({ date: z.string().nullable().optional() }).passthrough().nullable().optional(),
    ports: z.array(z.object({ name: z.string(), cbp_port_code: z.string().nullable() }).passthrough()),
    closure_type: z.string().optional(),
    figures: z.array(EventFigureSchema).default([]),
  })
  .passthrough();
export type DisruptionEvent = z.infer<typeof EventSchema>;

export const RegistrySchema = z.object({
  meta: z.record(z.string(), z.unknown()),
  events: z.array(EventSchema),
});

/** Reads and validates a registry file of the events.json layout. */
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
      `${file}: not a valid event registry`,
      r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
    );
  }
  return r.data.events;
}
