import type { Command } from "commander";
import { InputError } from "../../domain/errors.ts";
import { surgeCheck, surgeWhatIf, type SurgeCheckPeriod } from "../../services/surge.ts";
import { queryAction, type Io } from "../context.ts";
import { formatUsd, formatValue, type View } from "../format.ts";
import { scenarioView } from "./scenario.ts";
import { december2023Story } from "../../services/officer-story.ts";

const n0 = (v: number | null) => formatValue(v, "int");

/** Registers `surge`: the surge what-if, and its check against the three redeployment periods. */
export function registerSurge(program: Command, io: Io): void {
  program
    .command("surge")
    .description(
      "what a migrant surge in a Border Patrol sector does to the ports: the surge rule's officers, the officer event, capacity cuts and delayed trade (--check: the rule against 2019, Sep 2023 and Dec 2023)",
    )
    .option("--sector <name>", "USBP sector, e.g. 'Del Rio'")
    .option("--per-day <n>", "encounters per day (default: the sector's own count in the start month)")
    .option("--start <date>", "first day, YYYY-MM-DD")
    .option("--days <n>", "how long the surge lasts", "30")
    .option(
      "--baseline <n>",
      "the sector's normal encounters per day (default: its mean over the 12 months before)",
    )
    .option("--policy <p>", "proportional, protect-commercial or protect-travellers", "proportional")
    .option("--draws <n>", "Monte Carlo draws of the scenario run", "200")
    .option("--no-run", "the rule and the officer event only, no scenario run")
    .option("--check", "the rule against the 2019, September 2023 and December 2023 redeployments")
    .action(
      queryAction(
        io,
        async (
          store,
          _g,
          o: {
            sector?: string;
            perDay?: string;
            start?: string;
            days: string;
            baseline?: string;
            policy: string;
            draws: string;
            run: boolean;
            check?: boolean;
          },
        ) => {
          if (o.check) {
            const c = await surgeCheck(store);
            return { data: c, view: (): View => checkView(c.periods, c.rule, c.notes, c.parameters) };
          }
          if (!o.sector || !o.start) throw new InputError("give --sector and --start (or --check)");
          const num = (v: string | undefined, flag: string) => {
            if (v === undefined) return undefined;
            const x = Number(v);
            if (!Number.isFinite(x)) throw new InputError(`${flag} "${v}" is not a number`);
            return x;
          };
          const r = await surgeWhatIf(store, {
            sector: o.sector,
            start: o.start,
            days: num(o.days, "--days")!,
            policy: o.policy as never,
            run: o.run,
            draws: num(o.draws, "--draws")!,
            ...(o.perDay !== undefined ? { perDay: num(o.perDay, "--per-day")! } : {}),
            ...(o.baseline !== undefined ? { baselinePerDay: num(o.baseline, "--baseline")! } : {}),
          });
          return {
            data: r,
            view: (): View => {
              const head: View = {
                title: `Surge in ${r.sector}: ${n0(r.encountersPerDay)} encounters a day for ${r.days} days from ${r.start.slice(0, 10)}`,
                lines: [
                  `normal level ${n0(r.baselinePerDay)} a day${r.baselineFrom ? ` (${r.baselineFrom.months}, ${r.baselineFrom.file})` : " (given)"}${r.encountersFrom ? `; encounters from ${r.encountersFrom}` : ""}`,
                  `officers moved from ${r.fieldOffice}: ${n0(r.rule.officers)} (parameters at their ends: ${n0(r.rule.officersLow)}–${n0(r.rule.officersHigh)})`,
                  ...(r.scenario
                    ? [
                        `(a) trade value held up ${formatUsd(r.scenario.costs.valueHeldUpUsd.value)} (P10 ${formatUsd(r.scenario.costs.valueHeldUpUsd.p10)} – P90 ${formatUsd(r.scenario.costs.valueHeldUpUsd.p90)})`,
                      ]
                    : []),
                ],
                tables: [
                  {
                    title: "The surge rule, step by step",
                    columns: [
                      { label: "step", value: (x) => x.step },
                      { label: "value", value: (x) => x.value, format: "num" },
                      { label: "unit", value: (x) => x.unit },
                      { label: "how", value: (x) => x.how },
                    ],
                    rows: r.rule.steps,
                  },
                ],
                notes: r.notes,
              };
              if (!r.scenario) return head;
              const sv = scenarioView(r.scenario);
              return {
                ...head,
                tables: [...head.tables, ...sv.tables],
                notes: [...(head.notes ?? []), ...(sv.notes ?? [])],
              };
            },
          };
        },
      ),
    );
}

function checkView(
  periods: SurgeCheckPeriod[],
  rule: string,
  notes: string[],
  parameters: { name: string; value: number; range: unknown; source: string }[],
): View {
  return {
    title: "The surge rule against the three redeployment periods",
    lines: [
      rule,
      ...parameters.map((p) => `  ${p.name} = ${+p.value.toFixed(3)} (range ${JSON.stringify(p.range)})`),
    ],
    tables: periods.flatMap((p) => [
      {
        title: `${p.label}, ${p.from}..${p.to}: the rule says ${n0(p.officers)} officers (${n0(p.officersLow)}–${n0(p.officersHigh)}); sources: ${p.reportedTotal.officers === null ? "no count" : n0(p.reportedTotal.officers)}`,
        columns: [
          { label: "sector", value: (x: SurgeCheckPeriod["sectors"][number]) => x.sector },
          { label: "field office", value: (x: SurgeCheckPeriod["sectors"][number]) => x.fieldOffice },
          {
            label: "encounters/day",
            value: (x: SurgeCheckPeriod["sectors"][number]) => x.perDay,
            format: "int" as const,
          },
          {
            label: "normal/day",
            value: (x: SurgeCheckPeriod["sectors"][number]) => x.baselinePerDay,
            format: "int" as const,
          },
          {
            label: "officers (rule)",
            value: (x: SurgeCheckPeriod["sectors"][number]) => x.officers,
            format: "int" as const,
          },
        ],
        rows: p.sectors,
      },
      {
        title: "By field office",
        columns: [
          { label: "field office", value: (x: SurgeCheckPeriod["byFieldOffice"][number]) => x.fieldOffice },
          {
            label: "rule",
            value: (x: SurgeCheckPeriod["byFieldOffice"][number]) => x.officers,
            format: "int" as const,
          },
          {
            label: "rule at the ranges' ends",
            value: (x: SurgeCheckPeriod["byFieldOffice"][number]) =>
              `${n0(x.officersLow)}–${n0(x.officersHigh)}`,
          },
          {
            label: "sources",
            value: (x: SurgeCheckPeriod["byFieldOffice"][number]) => x.reported,
            format: "int" as const,
          },
          {
            label: "source",
            value: (x: SurgeCheckPeriod["byFieldOffice"][number]) => x.reportedSource ?? "",
          },
        ],
        rows: p.byFieldOffice,
      },
      ...(p.closures
        ? [
            {
              title: `The closures CBP chose free ${n0(p.closures.officers)} officers at their height (staffing model)`,
              columns: [
                {
                  label: "closure",
                  value: (x: NonNullable<SurgeCheckPeriod["closures"]>["items"][number]) => x.label,
                },
                {
                  label: "from",
                  value: (x: NonNullable<SurgeCheckPeriod["closures"]>["items"][number]) =>
                    x.start.slice(0, 10),
                },
                {
                  label: "to",
                  value: (x: NonNullable<SurgeCheckPeriod["closures"]>["items"][number]) =>
                    x.end.slice(0, 10),
                },
                {
                  label: "position-hours/day",
                  value: (x: NonNullable<SurgeCheckPeriod["closures"]>["items"][number]) =>
                    x.positionHoursPerDay,
                  format: "int" as const,
                },
                {
                  label: "officers freed",
                  value: (x: NonNullable<SurgeCheckPeriod["closures"]>["items"][number]) => x.officers,
                  format: "num" as const,
                },
              ],
              rows: p.closures.items,
            },
          ]
        : []),
    ]),
    notes,
  };
}

/** Registers `story`: December 2023 as one chain (surge → officers → capacity → delayed trade). */
export function registerStory(program: Command, io: Io): void {
  program
    .command("story")
    .description(
      "December 2023 as one chain: surge → officers → capacity → delayed trade, every figure with its source",
    )
    .argument("[name]", "the story (december-2023)", "december-2023")
    .action(
      queryAction(io, async (store, _g, name: string) => {
        if (name !== "december-2023")
          throw new InputError(`unknown story "${name}" (there is one: december-2023)`);
        const s = await december2023Story(store);
        return {
          data: s,
          view: (): View => ({
            title: "December 2023: surge → officers → capacity → delayed trade",
            tables: [
              {
                columns: [
                  { label: "step", value: (x) => x.step },
                  { label: "what", value: (x) => x.what },
                  {
                    label: "figure",
                    value: (x) =>
                      x.value === null
                        ? null
                        : x.unit === "USD"
                          ? formatUsd(x.value)
                          : x.unit === "share"
                            ? formatValue(x.value, "change")
                            : formatValue(x.value, x.unit === "days" ? "num" : "int"),
                  },
                  { label: "unit", value: (x) => x.unit },
                  { label: "source", value: (x) => x.source },
                ],
                rows: s.steps,
              },
              {
                title: "The closures CBP chose and the officers they free (staffing model)",
                columns: [
                  { label: "closure", value: (x) => x.label },
                  { label: "from", value: (x) => x.start.slice(0, 10) },
                  { label: "to", value: (x) => x.end.slice(0, 10) },
                  { label: "officers freed", value: (x) => x.officers, format: "num" },
                ],
                rows: s.closures.items,
              },
            ],
            notes: s.notes,
          }),
        };
      }),
    );
}
