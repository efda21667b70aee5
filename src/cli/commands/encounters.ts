import type { Command } from "commander";
import { encountersSeries, type EncounterPoint } from "../../services/encounters.ts";
import { portAreas } from "../../services/port-areas.ts";
import { list, queryAction, type Io } from "../context.ts";
import type { View } from "../format.ts";

/** Registers `encounters` and `areas`. */
export function registerEncounters(program: Command, io: Io): void {
  program
    .command("encounters")
    .description(
      "CBP migrant encounters by month or fiscal year, for sectors, field offices, a region or the nation — from one source file, named in the answer",
    )
    .option("--sector <name>", "USBP sector, e.g. 'Del Rio'; repeat or comma-separate", list, [])
    .option("--field-office <name>", "OFO field office, e.g. Laredo; repeat or comma-separate", list, [])
    .option("--region <region>", "southwest, northern, coastal, other (air and sea ports) or all")
    .option("--component <c>", "usbp (Border Patrol), ofo (Field Operations) or all")
    .option(
      "--citizenship <c>",
      "citizenship as the file writes it (MEXICO, VENEZUELA, ...); repeatable",
      list,
      [],
    )
    .option(
      "--demographic <d>",
      "Single Adults, FMUA, UC / Single Minors, Accompanied Minors ...; repeatable",
      list,
      [],
    )
    .option("--title <t>", "title-8 or title-42")
    .option("--from <when>", "first month YYYY-MM or fiscal year FY2024 (default: the latest 12 months)")
    .option("--to <when>", "last month or fiscal year")
    .option(
      "--by <list>",
      "a period (month, fiscal-year, total) and/or a split (sector, field-office, component, citizenship, demographic, title, region), e.g. month,sector",
      list,
      [],
    )
    .option("--file <key>", "use this file: aor, swb, sector-ohss or sector-cbp")
    .action(
      queryAction(
        io,
        async (
          store,
          _g,
          o: {
            sector: string[];
            fieldOffice: string[];
            region?: string;
            component?: string;
            citizenship: string[];
            demographic: string[];
            title?: string;
            from?: string;
            to?: string;
            by: string[];
            file?: string;
          },
        ) => {
          const r = await encountersSeries(store, {
            sectors: o.sector,
            fieldOffices: o.fieldOffice,
            citizenship: o.citizenship,
            demographic: o.demographic,
            by: o.by,
            ...(o.region ? { region: o.region } : {}),
            ...(o.component ? { component: o.component } : {}),
            ...(o.title ? { title: o.title } : {}),
            ...(o.from ? { from: o.from } : {}),
            ...(o.to ? { to: o.to } : {}),
            ...(o.file ? { file: o.file } : {}),
          });
          const q = r.question;
          const where =
            [...q.sectors, ...q.fieldOffices].join(" + ") || (q.region === "all" ? "all regions" : q.region);
          return {
            data: r,
            view: (): View => ({
              title: `Encounters (${q.components.join(" + ")}) at ${where}, ${r.from}..${r.to}, by ${r.period}${r.split ? ` and ${r.split}` : ""}`,
              lines: [
                `file: ${r.file.file} — ${r.file.title}; ${r.file.precision}; covers ${r.file.coverage.from}..${r.file.coverage.to}`,
                `why this file: ${r.choice}`,
              ],
              tables: [
                {
                  columns: [
                    {
                      label: r.period === "fiscal-year" ? "fiscal year" : r.period,
                      value: (p: EncounterPoint) => p.period,
                    },
                    ...(r.split ? [{ label: r.split, value: (p: EncounterPoint) => p.group }] : []),
                    { label: "encounters", value: (p: EncounterPoint) => p.value, format: "int" as const },
                    { label: "per day", value: (p: EncounterPoint) => p.perDay, format: "num" as const },
                    { label: "status", value: (p: EncounterPoint) => p.status },
                    {
                      label: "months",
                      value: (p: EncounterPoint) =>
                        p.monthsInPeriod > 1 ? `${p.monthsCovered}/${p.monthsInPeriod}` : "",
                    },
                  ],
                  rows: r.points,
                },
              ],
              notes: [
                ...r.notes,
                ...r.alternatives.map(
                  (a) => `not used: ${a.file} (${a.coverage.from}..${a.coverage.to}): ${a.why}`,
                ),
              ],
            }),
          };
        },
      ),
    );

  program
    .command("areas")
    .description("each land port's OFO field office and USBP sector, with the source of each")
    .option("--border <border>", "mexico or canada")
    .option("--field-office <name>", "only the ports of this field office")
    .option("--sector <name>", "only the ports of this sector")
    .action(
      queryAction(io, async (store, _g, o: { border?: string; fieldOffice?: string; sector?: string }) => {
        const r = await portAreas(store, o);
        return {
          data: r,
          view: (): View => ({
            title: `${r.ports.length} ports: field office and sector`,
            tables: [
              {
                columns: [
                  { label: "code", value: (p) => p.portCode },
                  { label: "port", value: (p) => p.portName },
                  { label: "border", value: (p) => p.border },
                  { label: "field office", value: (p) => p.fieldOffice.name },
                  { label: "how sure", value: (p) => p.fieldOffice.verification },
                  { label: "sector", value: (p) => p.sector.name },
                  { label: "how sure", value: (p) => p.sector.verification },
                ],
                rows: r.ports,
              },
            ],
            notes: r.notes,
          }),
        };
      }),
    );
}
