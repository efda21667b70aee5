import { z } from "zod";
import { MAX_DRAWS } from "../domain/scenario.ts";
import { BORDERS } from "../domain/ports.ts";
import { SurgeParametersSchema } from "../domain/scenario.ts";
import { TRADE_GROUPINGS } from "../services/trade.ts";

/** A comma-separated list in a query string (`port=2303,2402`), as an array. */
const csv = z
  .string()
  .max(500)
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  );

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "expected a month as YYYY-MM, e.g. 2023-12");

/**
 * A query string's schema: only the parameters it names are accepted (an unknown one is a 400 naming it),
 * so that a typo is not silently ignored and the answer cache is keyed by what was validated.
 */
const query = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `unknown parameter${iss.keys.length > 1 ? "s" : ""} ${iss.keys.map((k) => JSON.stringify(k.slice(0, 40))).join(", ")} (this route takes: ${Object.keys(shape).join(", ") || "none"})`
        : undefined,
  });

/** A whole number given in a query string, from `min` to `max`; an empty value is refused, not read as 0. */
const wholeNumber = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(
      /^\d{1,10}$/,
      `${name} must be a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}`,
    )
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `${name} is at least ${min.toLocaleString("en-US")}`)
        .max(max, `${name} is at most ${max.toLocaleString("en-US")}`),
    );

export const PortsQuery = query({
  border: z.enum(BORDERS).optional().describe("mexico or canada"),
  mode: z
    .string()
    .max(40)
    .optional()
    .describe("a crossing mode (truck, rail, bus, personal-vehicle, pedestrian) or a trade mode"),
});

export const PortParams = z.object({
  code: z.string().min(1).max(80).describe("CBP port code (2303) or name (Eagle Pass)"),
});

export const CrossingsQuery = query({
  port: csv.optional().describe("port codes or names, comma-separated (summed)"),
  measure: csv.optional().describe("BTS measures, comma-separated (never summed across units)"),
  from: month.optional(),
  to: month.optional(),
  by: z
    .enum(["month", "year", "port"])
    .optional()
    .describe("month or year (summed over ports), or port (one total per port)"),
  total: z
    .enum(["true", "false"])
    .optional()
    .describe("also add the measures up (refused unless they share a unit)"),
});

export const TradeQuery = query({
  port: csv.optional().describe("port codes or names, comma-separated; none = national totals"),
  mode: csv.optional().describe("truck, rail, pipeline, air, vessel, mail, other, ftz"),
  direction: z.enum(["export", "import"]).optional(),
  country: z.enum(["MX", "CA", "mx", "ca"]).optional(),
  from: month.optional(),
  to: month.optional(),
  by: z.enum(TRADE_GROUPINGS).optional(),
});

export const EventsQuery = query({
  border: z.enum(BORDERS).optional(),
  port: z.string().max(80).optional(),
  from: month.optional(),
  to: month.optional(),
});

export const EventParams = z.object({ id: z.string().min(1).max(120) });

export const ScenarioRunQuery = query({
  draws: wholeNumber("draws", 1, MAX_DRAWS)
    .optional()
    .describe(
      `Monte Carlo draws, 1 to ${MAX_DRAWS.toLocaleString("en-US")} (the scenario's own when absent)`,
    ),
  seed: wholeNumber("seed", 0, 2 ** 31 - 1).optional(),
  fit: z
    .enum(["budget"])
    .optional()
    .describe(
      "budget: a run over the cost budget runs with the most draws the budget allows (monteCarlo.draws says how many) instead of a 422",
    ),
});

/** The error body of every 4xx and 5xx answer. */
export const ErrorBody = z.object({
  error: z.object({
    status: z.number().int(),
    message: z.string(),
    hint: z.string().optional(),
    issues: z
      .array(z.object({ path: z.string(), message: z.string(), line: z.number().optional() }))
      .optional(),
  }),
});

/** A result object; its fields are documented in docs/api.md and follow the CLI's --json output. */
export const ResultObject = (description: string) => z.any().describe(description);

export const WaitsQuery = query({
  port: z.string().min(1).max(80).describe("port code or name, or a 6-character CBP crossing number"),
  lane: z
    .string()
    .max(200)
    .optional()
    .describe("lane types or groups, comma-separated (passenger, commercial-fast, ...)"),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD")
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD")
    .optional(),
  by: z.enum(["crossing", "hour", "weekday"]).optional(),
});

const when = z
  .string()
  .max(12)
  .regex(
    /^(\d{4}-(0[1-9]|1[0-2])|[Ff][Yy]\d{2}(\d{2})?)$/,
    "expected a month YYYY-MM or a fiscal year FY2024",
  );

export const EncountersQuery = query({
  sector: csv.optional().describe("USBP sectors, comma-separated (Del Rio, Tucson ...)"),
  fieldOffice: csv.optional().describe("OFO field offices, comma-separated (Laredo, San Diego ...)"),
  region: z.enum(["southwest", "northern", "coastal", "other", "all"]).optional(),
  component: z.enum(["usbp", "ofo", "all"]).optional(),
  citizenship: csv.optional().describe("citizenships as the file writes them (MEXICO, VENEZUELA ...)"),
  demographic: csv.optional(),
  title: z.enum(["title-8", "title-42"]).optional(),
  from: when.optional(),
  to: when.optional(),
  by: csv
    .optional()
    .describe(
      "a period (month, fiscal-year, total) and/or one split (sector, field-office, component, citizenship, demographic, title, region)",
    ),
  file: z.enum(["aor", "swb", "sector-ohss", "sector-cbp"]).optional().describe("force one source file"),
});

export const AreasQuery = query({
  border: z.enum(BORDERS).optional(),
  fieldOffice: z.string().max(80).optional(),
  sector: z.string().max(80).optional(),
});

export const ForecastQuery = query({
  port: z.string().min(1).max(80).describe("port code or name, or a 6-character CBP crossing number"),
  lane: z
    .string()
    .max(200)
    .optional()
    .describe("lane types or groups, comma-separated (default: every lane)"),
  hours: z
    .string()
    .regex(/^\d{1,2}$/, "expected 1 to 24")
    .optional()
    .describe("hours ahead, 1 to 24 (default 6)"),
  at: z.string().max(40).optional().describe("forecast from this instant (ISO with offset; default now)"),
});

export const SurgeBody = z
  .object({
    sector: z.string().min(1).max(80).describe("USBP sector (Del Rio, Tucson ...)"),
    perDay: z
      .number()
      .min(0)
      .max(100_000)
      .optional()
      .describe("encounters per day; default: the sector's own count in the start month"),
    start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD"),
    days: z.number().int().min(1).max(180),
    baselinePerDay: z.number().min(0).max(100_000).optional(),
    policy: z.enum(["proportional", "protect-commercial", "protect-travellers"]).optional(),
    parameters: SurgeParametersSchema.optional(),
    run: z.boolean().optional().describe("false: the rule and the officer event only"),
    draws: z.number().int().min(1, "draws is at least 1").max(2000, "draws is at most 2,000").optional(),
  })
  .strict();
