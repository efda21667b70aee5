import type { Command } from "commander";
import { InputError } from "../../domain/errors.ts";
import { SURGE_BOUNDS } from "../../domain/parameter-bounds.ts";
import { SurgeParametersSchema, type SurgeParameterOverrides } from "../../domain/scenario.ts";
import { surgeCheck, surgeWhatIf, type SurgeCheckPeriod } from "../../services/surge.ts";
import { queryAction, type Io } from "../context.ts";
import { formatUsd, formatValue, type View } from "../format.ts";
import { band, scenarioView } from "./scenario.ts";
import { december2023Story, officerEventAnswer, officerEventList } from "../../services/officer-story.ts";
import type { BacktestResult } from "../../services/backtest.ts";
import type { PortCut } from "../../model/index.ts";

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
    .option(
      "--hours-per-apprehension <n|lo,hi>",
      `surge rule: Border Patrol hours per apprehension above normal, a number or a range lo,hi (default 7,14.5; allowed ${SURGE_BOUNDS.hoursPerApprehension.min}–${SURGE_BOUNDS.hoursPerApprehension.max})`,
    )
    .option(
      "--ofo-share <n|lo,hi>",
      `surge rule: share of the extra workload OFO covers (default 0.05,0.15; allowed ${SURGE_BOUNDS.ofoShare.min}–${SURGE_BOUNDS.ofoShare.max})`,
    )
    .option(
      "--officer-hours-per-day <n|lo,hi>",
      `surge rule: hours per officer per calendar day (default 4.65,5.2; allowed ${SURGE_BOUNDS.officerHoursPerDay.min}–${SURGE_BOUNDS.officerHoursPerDay.max})`,
    )
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
            hoursPerApprehension?: string;
            ofoShare?: string;
            officerHoursPerDay?: string;
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
          const parameters = surgeParameterOptions(o);
          const r = await surgeWhatIf(store, {
            sector: o.sector,
            start: o.start,
            days: num(o.days, "--days")!,
            policy: o.policy as never,
            run: o.run,
            draws: num(o.draws, "--draws")!,
            ...(o.perDay !== undefined ? { perDay: num(o.perDay, "--per-day")! } : {}),
            ...(o.baseline !== undefined ? { baselinePerDay: num(o.baseline, "--baseline")! } : {}),
            ...(parameters ? { parameters } : {}),
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
                    ? [`(a) trade value held up ${band(r.scenario.costs.valueHeldUpUsd, formatUsd)}`]
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

/** The surge rule's options and the API's `parameters` keys they set. */
const SURGE_OPTIONS = [
  ["hoursPerApprehension", "--hours-per-apprehension"],
  ["ofoShare", "--ofo-share"],
  ["officerHoursPerDay", "--officer-hours-per-day"],
] as const;

/**
 * The surge rule's parameter options as `POST /api/surge`'s `parameters`: each a number or "lo,hi", checked
 * with the API's own schema (SurgeParametersSchema: the same bounds); an error names the option and its span.
 */
export function surgeParameterOptions(
  o: Partial<Record<(typeof SURGE_OPTIONS)[number][0], string>>,
): SurgeParameterOverrides | undefined {
  const raw: Record<string, unknown> = {};
  for (const [key, flag] of SURGE_OPTIONS) {
    const v = o[key];
    if (v === undefined) continue;
    const parts = v.split(",").map((x) => x.trim());
    const nums = parts.map(Number);
    if (parts.length > 2 || parts.some((x) => x === "") || nums.some((x) => !Number.isFinite(x)))
      throw new InputError(
        `${flag} "${v}" is not a number or a range lo,hi (allowed ${SURGE_BOUNDS[key].min} to ${SURGE_BOUNDS[key].max}, ${SURGE_BOUNDS[key].unit})`,
      );
    raw[key] = nums.length === 1 ? nums[0] : nums;
  }
  if (!Object.keys(raw).length) return undefined;
  const r = SurgeParametersSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const flag = SURGE_OPTIONS.find(([k]) => k === i.path[0])?.[1] ?? "a surge rule option";
    throw new InputError(`${flag} "${o[i.path[0] as keyof typeof o]}": ${i.message}`);
  }
  return r.data;
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

/**
 * Registers `officers`: the redeployments as officer events; with an id, one of them: the officers moved and the
 * capacity left by port, its sectors' encounters by month, and its backtest (observed beside modelled).
 */
export function registerOfficers(program: Command, io: Io): void {
  program
    .command("officers")
    .description(
      "the officer redeployments as officer events (2019, Sep 2023, Dec 2023, the surge rule's Dec 2023); with an id: its staffing cut, its sectors' encounters and its backtest on the same months",
    )
    .argument("[id]", "an officer event id (see `borderflow officers`)")
    .action(
      queryAction(io, async (store, _g, id: string | undefined) => {
        if (!id) {
          const list = officerEventList(store);
          const events = list.events;
          return {
            data: list,
            view: (): View => ({
              title: `${events.length} officer event(s)`,
              tables: [
                {
                  columns: [
                    { label: "id", value: (e: (typeof events)[number]) => e.id },
                    { label: "start", value: (e: (typeof events)[number]) => e.start },
                    { label: "end", value: (e: (typeof events)[number]) => e.end },
                    {
                      label: "parts",
                      value: (e: (typeof events)[number]) => e.scenario.length,
                      format: "int",
                    },
                    { label: "what", value: (e: (typeof events)[number]) => e.title },
                  ],
                  rows: events,
                },
              ],
              notes: [
                "`borderflow officers <id>` shows one: officers and capacity by port, encounters, backtest",
                '`borderflow backtest --officers` scores them all against "no effect"',
              ],
            }),
          };
        }
        const a = await officerEventAnswer(store, id);
        const bt = a.backtest;
        const cuts = a.staffing.flatMap((o) =>
          o.cuts
            .filter((c) => c.officersRemoved > 0 || c.hoursClosed > 0)
            .map((c) => ({ start: o.start, end: o.end, policy: o.policy, cut: c })),
        );
        type CutRow = (typeof cuts)[number];
        const left = (c: PortCut) =>
          c.modes
            .filter((m) => m.remainingShare < 1)
            .map((m) => `${m.mode} ${formatValue(m.remainingShare, "pct")}`)
            .join(", ") || "all open";
        const monthRows = a.months.map((month) => ({
          month,
          values: a.encounters.map((s) => s.values.find((v) => v.month === month) ?? null),
        }));
        type Row = BacktestResult["rows"][number];
        const pct = (v: number | null | undefined) => formatValue(v ?? null, "change");
        return {
          data: a,
          view: (): View => ({
            title: `${a.event.title} (${a.event.id})`,
            lines: [
              `${a.event.start.date} .. ${a.event.end?.date ?? "open"}; ${a.staffing.length} officer event(s), ${n0(a.staffing.reduce((s, o) => s + o.officers, 0))} officer-moves in all (the same officers may move in several parts)`,
              ...(a.event.notes ? [a.event.notes] : []),
            ],
            tables: [
              {
                title:
                  "Officers moved and the capacity left, by part and port (staffing model, middle of the ranges)",
                columns: [
                  { label: "from", value: (x: CutRow) => x.start.slice(0, 10) },
                  { label: "to", value: (x: CutRow) => x.end.slice(0, 10) },
                  { label: "port", value: (x: CutRow) => `${x.cut.portName} ${x.cut.port}` },
                  { label: "policy", value: (x: CutRow) => x.policy },
                  { label: "officers moved", value: (x: CutRow) => x.cut.officersRemoved, format: "num" },
                  { label: "on strength", value: (x: CutRow) => x.cut.officersOnStrength, format: "int" },
                  { label: "not freed", value: (x: CutRow) => x.cut.unmetOfficers, format: "num" },
                  { label: "inbound capacity left", value: (x: CutRow) => left(x.cut) },
                ],
                rows: cuts,
              },
              {
                title: `Encounters (people) in the sectors around its ports, by month (${[...new Set(a.encounters.map((x) => x.file))].join(", ")})`,
                columns: [
                  { label: "month", value: (r: (typeof monthRows)[number]) => r.month },
                  ...a.encounters.map((s, i) => ({
                    label: s.sector,
                    value: (r: (typeof monthRows)[number]) => r.values[i]?.value ?? null,
                    format: "int" as const,
                  })),
                ],
                rows: monthRows,
              },
              ...(bt.status === "ok"
                ? [
                    {
                      title:
                        "Backtest at the affected crossings: observed beside modelled, each in its own unit",
                      columns: [
                        { label: "port", value: (r: Row) => `${r.portName} ${r.port}` },
                        { label: "month", value: (r: Row) => r.month },
                        { label: "unit", value: (r: Row) => r.unit },
                        { label: "observed", value: (r: Row) => r.observed, format: "int" as const },
                        {
                          label: "counterfactual",
                          value: (r: Row) => r.counterfactual,
                          format: "int" as const,
                        },
                        { label: "modelled", value: (r: Row) => r.modelled, format: "int" as const },
                        { label: "error", value: (r: Row) => r.errorShare, format: "change" as const },
                      ],
                      rows: bt.rows.filter((r) => r.role === "affected"),
                    },
                  ]
                : []),
            ],
            notes: [
              bt.status === "ok"
                ? `backtest, event months: observed change ${pct(bt.summary.observedEffectShare)}, modelled ${pct(bt.summary.modelledEffectShare)}; |error| of the model ${formatValue(bt.summary.event.modelLoss, "pct")}, of "no effect" ${formatValue(bt.summary.event.nullLoss, "pct")}: skill ${pct(bt.summary.event.skill)} (above 0 the model beats "no effect")`
                : `not backtested: ${bt.status}`,
              "encounters are people, crossings are vehicles, people or railcars: different units, never added",
              "a month outside the encounter file's coverage is not reported (–), not zero",
            ],
          }),
        };
      }),
    );
}
