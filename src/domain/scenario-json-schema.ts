import { z } from "zod";
import { ScenarioSpecSchema } from "./scenario.ts";

/** The JSON Schema of scenario files, generated from the zod schema (what a user may write). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ScenarioSpecSchema, { io: "input", unrepresentable: "any" }),
    $id: "https://borderflow.dev/schemas/scenario.schema.json",
    title: "borderflow scenario",
    description:
      "A disruption scenario: events (closure, capacity-cut, demand-shock) at U.S. land ports of entry, and run options.",
  };
}
