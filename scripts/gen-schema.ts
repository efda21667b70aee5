/** Writes schemas/scenario.schema.json from the zod schema. Run: npx tsx scripts/gen-schema.ts */
import { writeFileSync } from "node:fs";
import { scenarioJsonSchema } from "../src/domain/scenario-json-schema.ts";

writeFileSync("schemas/scenario.schema.json", JSON.stringify(scenarioJsonSchema(), null, 2) + "\n");
console.log("wrote schemas/scenario.schema.json");
