import type { Command } from "commander";
import { InputError } from "../../domain/errors.ts";
import { MEASURE_INFO, type Measure } from "../../domain/measures.ts";
import type { MonthFigure } from "../../domain/answers.ts";
import { crossingsSeries, type CrossingsPoint, type PeriodFigure } from "../../services/crossings.ts";
import { overview } from "../../services/overview.ts";
import { listPorts, portProfile } from "../../services/ports.ts";
import type { PortEncounters } from "../../services/port-encounters.ts";
import { TRADE_GROUPINGS, tradeSummary, type TradeGroup } from "../../services/trade.ts";
import { list, queryAction, type Io } from "../context.ts";
import {
  fixedColumns,
  formatUsd,
  formatWithStatus,
  type Column,
  type ColumnFormat,
  type View,
} from "../format.ts";
import type { FigureStatus } from "../../domain/status.ts";

/** Registers ports, port, crossings, trade and overview. */
export function registerAtlas(program: Command, io: Io): void {
  program
    .command("ports")
    .description("list land ports of entry, largest trade first")
    .option("--border <border>", "mexico or canada")
    .option(
      "--mode <mode>",
      "a crossing mode (truck, rail, bus, personal-vehicle, pedestrian) or trade mode (pipeline, ...)",
    )
    .action(
      queryAction(io, async (store, _g, opts: { border?: string; mode?: string }) => {
        const r = await listPorts(store, opts);
        return {
          data: r,
          view: (): View => ({
            title: `${r.ports.length} land ports${opts.border ? ` on the ${opts.border} border` : ""}${opts.mode ? ` with ${opts.mode}` : ""}`,
            tables: [
              {
                columns: [
                  { label: "code", value: (p) => p.code },
                  { label: "port", value: (p) => p.name },
                  { label: "state", value: (p) => p.state },
                  { label: "border", value: (p) => p.border },
                  { label: "crossing modes", value: (p) => p.crossingModes.join(" ") },
                  {
                    label: `trade ${r.tradeWindow.from}..${r.tradeWindow.to}`,
                    value: (p) => p.tradeUsd12m,
                    format: "usd",
                    status: (p) => p.tradeStatus,
                  },
                  { label: "data", value: (p) => `${p.firstMonth}..${p.lastMonth}` },
                ],
                csvColumns: [
                  { label: "code", value: (p) => p.code },
                  { label: "port", value: (p) => p.name },
                  { label: "state", value: (p) => p.state },
                  { label: "border", value: (p) => p.border },
                  { label: "crossing modes", value: (p) => p.crossingModes.join(" ") },
                  {
                    label: "trade_usd",
                    value: (p) => p.tradeUsd12m,
                    status: (p) => p.tradeStatus,
                  },
                  ...fixedColumns({
                    currency: "USD",
                    trade_period: `${r.tradeWindow.from}..${r.tradeWindow.to}`,
                    trade_source: TRADE_SOURCE.trade,
                  }),
                  { label: "crossings_months", value: (p) => `${p.firstMonth}..${p.lastMonth}` },
                  { label: "approximate_location", value: (p) => String(p.approximateLocation) },
                ],
                rows: r.ports,
              },
            ],
          }),
        };
      }),
    );

  program
    .command("port")
    .description(
      "profile of one port: location, modes, crossings and trade over the last 12 months, top commodities",
    )
    .argument("<port>", "CBP code or name, e.g. 2303 or 'Eagle Pass'")
    .action(
      queryAction(io, async (store, _g, input: string) => {
        const p = await portProfile(store, input);
        const c = p.crossings;
        const t = p.trade;
        return {
          data: p,
          view: (): View => ({
            title: `${p.port.name} (${p.port.code}), ${p.port.state} — ${p.port.border} border`,
            lines: [
              `location ${p.port.latitude.toFixed(4)}, ${p.port.longitude.toFixed(4)}${p.port.approximateLocation ? " (approximate, filled by hand: not from BTS)" : ""}; BTS data ${p.port.firstMonth}..${p.port.lastMonth}`,
              `crossing modes: ${p.port.crossingModes.join(", ") || "none"}; trade modes: ${p.port.tradeModes.join(", ") || "none"}`,
            ],
            tables: [
              {
                title: `Inbound crossings ${c.from}..${c.to} (BTS)`,
                columns: [
                  { label: "measure", value: (r) => r.measure },
                  { label: "unit", value: (r) => r.unit },
                  { label: "12 months", value: (r) => r.value, format: "int", status: (r) => r.status },
                  { label: "months", value: (r) => `${r.coverage.months} of ${r.coverage.of}` },
                  { label: "per day", value: (r) => r.perDay, format: "num", status: (r) => r.status },
                  {
                    label: "year before",
                    value: (r) => r.previous,
                    format: "int",
                    status: (r) => r.previousStatus,
                  },
                  { label: "change", value: (r) => r.change, format: "change" },
                ],
                csvColumns: [
                  { label: "measure", value: (r) => r.measure },
                  { label: "unit", value: (r) => r.unit },
                  { label: "value", value: (r) => r.value, status: (r) => r.status },
                  { label: "per_day", value: (r) => r.perDay },
                  { label: "period", value: () => `${c.from}..${c.to}` },
                  { label: "months_with_data", value: (r) => r.coverage.months },
                  { label: "months", value: (r) => r.coverage.of },
                  { label: "year_before", value: (r) => r.previous, status: (r) => r.previousStatus },
                  { label: "change", value: (r) => r.change },
                  { label: "source", value: () => CROSSINGS_SOURCE },
                ],
                rows: c.byMeasure,
              },
              monthlyMatrix(
                c.monthly,
                c.byMeasure.map((m) => m.measure),
              ),
              {
                title: `Trade ${t.from}..${t.to} (TransBorder): ${t.totalUsd === null ? "no data" : `${formatUsd(t.totalUsd)}, ${formatUsd(t.perDayUsd ?? 0)} per day${t.partial ? ` over ${t.coverage.label}` : ""}`}`,
                columns: [
                  { label: "mode", value: (r) => r.mode },
                  { label: "direction", value: (r) => r.direction },
                  { label: "value", value: (r) => r.valueUsd, format: "usd" },
                  { label: "per day", value: (r) => r.perDayUsd, format: "usd" },
                  { label: "change (per day)", value: (r) => r.change, format: "change" },
                ],
                csvColumns: [
                  { label: "mode", value: (r) => r.mode },
                  { label: "direction", value: (r) => r.direction },
                  { label: "value_usd", value: (r) => r.valueUsd },
                  { label: "per_day_usd", value: (r) => r.perDayUsd },
                  { label: "change_per_day", value: (r) => r.change },
                  ...fixedColumns({
                    currency: "USD",
                    period: `${t.from}..${t.to}`,
                    months_with_data: t.coverage.months,
                    months: t.coverage.of,
                    source: TRADE_SOURCE.trade,
                  }),
                ],
                rows: t.byModeDirection,
              },
              {
                title: `Top commodities by mode ${t.from}..${t.to}`,
                columns: [
                  { label: "mode", value: (r) => r.mode },
                  { label: "rank", value: (r) => r.rank, format: "int" },
                  { label: "HS2", value: (r) => r.hs2 },
                  { label: "commodity", value: (r) => r.label },
                  { label: "value", value: (r) => r.valueUsd, format: "usd" },
                  { label: "share of mode", value: (r) => r.share, format: "pct" },
                ],
                csvColumns: [
                  { label: "mode", value: (r) => r.mode },
                  { label: "rank", value: (r) => r.rank },
                  { label: "hs2", value: (r) => r.hs2 },
                  { label: "commodity", value: (r) => r.label },
                  { label: "value_usd", value: (r) => r.valueUsd },
                  { label: "share_of_mode", value: (r) => r.share },
                  ...fixedColumns({
                    currency: "USD",
                    period: `${t.from}..${t.to}`,
                    source: TRADE_SOURCE.trade_hs2,
                  }),
                ],
                rows: t.topCommodities,
              },
              ...(p.encounters ? [encountersMatrix(p.encounters)] : []),
            ],
            notes: [...c.notes, ...t.notes, ...(p.encounters?.notes ?? [])],
          }),
        };
      }),
    );

  program
    .command("crossings")
    .description("inbound crossings by month or year, one series per measure (never summed across units)")
    .option("--port <port>", "port code or name; repeat or comma-separate to sum ports", list, [])
    .option("--measure <measure>", "BTS measure, e.g. Trucks, Trains; repeat or comma-separate", list, [])
    .option("--from <YYYY-MM>", "first month (default: 12 months to the latest)")
    .option("--to <YYYY-MM>", "last month")
    .option("--by <period>", "month, year, or port (one total per port)", "month")
    .option("--total", "also add the measures together (only when they count the same unit)")
    .action(
      queryAction(
        io,
        async (
          store,
          _g,
          o: { port: string[]; measure: string[]; from?: string; to?: string; by: string; total?: boolean },
        ) => {
          if (o.by !== "month" && o.by !== "year" && o.by !== "port") {
            throw new InputError(`--by "${o.by}" is not valid (expected month, year or port)`);
          }
          const r = await crossingsSeries(store, {
            ports: o.port,
            measures: o.measure,
            ...(o.from ? { from: o.from } : {}),
            ...(o.to ? { to: o.to } : {}),
            by: o.by,
            ...(o.total ? { total: true } : {}),
          });
          const where = r.ports.length
            ? r.ports.map((p) => `${p.port_name} (${p.port_code})`).join(" + ")
            : "all ports";
          const portCodes = r.ports.length ? r.ports.map((p) => p.port_code).join("+") : "all";
          type Total = NonNullable<typeof r.totals>[number];
          return {
            data: r,
            view: (): View => ({
              title: `Inbound crossings at ${where}, ${r.from}..${r.to}, by ${r.by}`,
              tables: [
                {
                  columns: [
                    { label: r.by, value: (p) => p.label },
                    { label: "measure", value: (p) => p.measure },
                    { label: "unit", value: (p) => p.unit },
                    ...figureColumns<CrossingsPoint>((p) => p, "int", "num"),
                  ],
                  csvColumns: [
                    ...(r.by === "port" ? [] : [{ label: "ports", value: () => portCodes }]),
                    ...periodFigureCsv<CrossingsPoint>(r.by),
                    { label: "measure", value: (p) => p.measure },
                    { label: "unit", value: (p) => p.unit },
                    { label: "value", value: (p) => p.value, status: (p) => p.status },
                    { label: "per_day", value: (p) => p.perDay },
                    ...coverageCsv<CrossingsPoint>(),
                    { label: "source", value: () => CROSSINGS_SOURCE },
                  ],
                  rows: r.points,
                },
                ...(r.totals
                  ? [
                      {
                        title: `Total of the measures (${r.totals[0]?.unit ?? ""})`,
                        columns: [
                          { label: r.by, value: (p: Total) => p.label },
                          ...figureColumns<Total>((p) => p, "int", "num"),
                        ],
                        csvColumns: [
                          ...periodFigureCsv<Total>(r.by),
                          { label: "unit", value: (p: Total) => p.unit },
                          { label: "value", value: (p: Total) => p.value, status: (p: Total) => p.status },
                          { label: "per_day", value: (p: Total) => p.perDay },
                          ...coverageCsv<Total>(),
                          { label: "source", value: () => CROSSINGS_SOURCE },
                        ],
                        rows: r.totals,
                      },
                    ]
                  : []),
              ],
              notes: r.notes,
            }),
          };
        },
      ),
    );

  program
    .command("trade")
    .description("trade value through ports (national totals when no port is given)")
    .option("--port <port>", "port code or name; repeat or comma-separate to sum ports", list, [])
    .option(
      "--mode <mode>",
      "truck, rail, pipeline, air, vessel, mail, other, ftz; repeat or comma-separate",
      list,
      [],
    )
    .option("--direction <direction>", "export or import")
    .option("--country <country>", "MX or CA")
    .option("--from <YYYY-MM>", "first month (default: 12 months to the latest)")
    .option("--to <YYYY-MM>", "last month")
    .option("--by <grouping>", TRADE_GROUPINGS.join(", "), "month")
    .action(
      queryAction(
        io,
        async (
          store,
          _g,
          o: {
            port: string[];
            mode: string[];
            direction?: string;
            country?: string;
            from?: string;
            to?: string;
            by: string;
          },
        ) => {
          const r = await tradeSummary(store, {
            ports: o.port,
            modes: o.mode,
            ...(o.direction ? { direction: o.direction } : {}),
            ...(o.country ? { country: o.country } : {}),
            ...(o.from ? { from: o.from } : {}),
            ...(o.to ? { to: o.to } : {}),
            by: o.by as (typeof TRADE_GROUPINGS)[number],
          });
          const what = [
            r.modes.length ? r.modes.join("+") : "all modes",
            r.direction ? `${r.direction}s` : "exports + imports",
            r.country ?? "MX + CA",
          ].join(", ");
          const where = r.ports.length
            ? r.ports.map((p) => `${p.port_name} (${p.port_code})`).join(" + ")
            : r.table === "trade_national"
              ? "all ports (national)"
              : "all ports";
          return {
            data: r,
            view: (): View => ({
              title: `Trade at ${where}, ${what}, ${r.from}..${r.to}`,
              lines: [
                r.totalUsd === null
                  ? `total: no data (${r.status === "missing" ? "a gap in TransBorder" : "not reported by TransBorder"}, not $0)`
                  : `total ${formatWithStatus(r.totalUsd, "usd", r.status)} over ${r.days} days with data${r.partial ? ` (${r.coverage.label})` : ""}: ${formatWithStatus(r.perDayUsd, "usd", r.status)} per day`,
              ],
              tables: [
                {
                  columns: [
                    {
                      label: r.by,
                      value: (g: TradeGroup) => (r.by === "month" || r.by === "year" ? g.label : g.key),
                    },
                    ...(r.by === "commodity" || r.by === "port"
                      ? [{ label: "name", value: (g: TradeGroup) => g.label }]
                      : []),
                    ...figureColumns<TradeGroup>(
                      (g) => ({ value: g.valueUsd, perDay: g.perDayUsd, status: g.status }),
                      "usd",
                      "usd",
                    ),
                    { label: "share", value: (g: TradeGroup) => g.share, format: "pct" as const },
                  ],
                  csvColumns: [
                    {
                      label: "ports",
                      value: () => (r.ports.length ? r.ports.map((p) => p.port_code).join("+") : "all"),
                    },
                    { label: r.by, value: (g: TradeGroup) => g.key },
                    { label: "label", value: (g: TradeGroup) => g.label },
                    {
                      label: "value_usd",
                      value: (g: TradeGroup) => g.valueUsd,
                      status: (g: TradeGroup) => g.status,
                    },
                    { label: "per_day_usd", value: (g: TradeGroup) => g.perDayUsd },
                    { label: "share", value: (g: TradeGroup) => g.share },
                    { label: "currency", value: () => "USD" },
                    { label: "period", value: () => `${r.from}..${r.to}` },
                    { label: "days_with_data", value: (g: TradeGroup) => g.days },
                    { label: "months_with_data", value: (g: TradeGroup) => g.coverage.months },
                    { label: "months", value: (g: TradeGroup) => g.coverage.of },
                    { label: "modes", value: () => (r.modes.length ? r.modes.join("+") : "all") },
                    { label: "direction", value: () => r.direction ?? "export+import" },
                    { label: "country", value: () => r.country ?? "MX+CA" },
                    { label: "source", value: () => TRADE_SOURCE[r.table] },
                  ],
                  rows: r.groups,
                },
              ],
              notes: r.notes,
            }),
          };
        },
      ),
    );

  program
    .command("overview")
    .description("top ports by trade, and the December 2023 rail suspension at Eagle Pass and El Paso")
    .option("--top <n>", "how many ports", "10")
    .action(
      queryAction(io, async (store, _g, o: { top: string }) => {
        const r = await overview(store, Math.max(1, Math.min(50, Number(o.top) || 10)));
        const rc = r.rail2023;
        const name = (code: string) => rc.ports.find((p) => p.code === code)?.name ?? code;
        return {
          data: r,
          view: (): View => ({
            title: `borderflow — snapshot ${r.snapshot.version}: crossings ${r.snapshot.coverage.crossings.first}..${r.snapshot.coverage.crossings.last}, port trade ${r.snapshot.coverage.trade.first}..${r.snapshot.coverage.trade.last}`,
            tables: [
              {
                title: `Top ${r.topPorts.ports.length} land ports by trade value, ${r.topPorts.year}`,
                columns: [
                  { label: "code", value: (p) => p.code },
                  { label: "port", value: (p) => p.name },
                  { label: "border", value: (p) => p.border },
                  { label: "trade", value: (p) => p.valueUsd, format: "usd" },
                  { label: "per day", value: (p) => p.perDayUsd, format: "usd" },
                  { label: "truck", value: (p) => p.truckUsd, format: "usd" },
                  { label: "rail", value: (p) => p.railUsd, format: "usd" },
                ],
                csvColumns: [
                  { label: "code", value: (p) => p.code },
                  { label: "port", value: (p) => p.name },
                  { label: "border", value: (p) => p.border },
                  { label: "trade_usd", value: (p) => p.valueUsd },
                  { label: "per_day_usd", value: (p) => p.perDayUsd },
                  { label: "truck_usd", value: (p) => p.truckUsd },
                  { label: "rail_usd", value: (p) => p.railUsd },
                  ...fixedColumns({ currency: "USD", period: r.topPorts.year, source: TRADE_SOURCE.trade }),
                ],
                rows: r.topPorts.ports,
              },
              {
                title: `December 2023: rail at Eagle Pass + El Paso — ${formatUsd(rc.yearUsd)} in 2023, ${formatUsd(rc.perDayUsd)} per average day; Dec 2023 ${formatUsd(rc.december.perDayUsd)} per day`,
                columns: [
                  { label: "code", value: (p) => p.code },
                  { label: "port", value: (p) => p.name },
                  { label: "rail trade 2023", value: (p) => p.valueUsd, format: "usd" },
                  { label: "exports", value: (p) => p.exportUsd, format: "usd" },
                  { label: "imports", value: (p) => p.importUsd, format: "usd" },
                ],
                csvColumns: [
                  { label: "code", value: (p) => p.code },
                  { label: "port", value: (p) => p.name },
                  { label: "rail_trade_usd", value: (p) => p.valueUsd },
                  { label: "export_usd", value: (p) => p.exportUsd },
                  { label: "import_usd", value: (p) => p.importUsd },
                  ...fixedColumns({ currency: "USD", period: "2023", source: TRADE_SOURCE.trade }),
                ],
                rows: rc.ports,
              },
              {
                title: "Inbound trains (BTS)",
                columns: [
                  { label: "month", value: (x) => x.month },
                  ...["2303", "2402"].map((code) => ({
                    label: name(code),
                    value: (x: { month: string }) =>
                      rc.trains.find((t) => t.month === x.month && t.port === code)?.trains,
                    format: "int" as const,
                  })),
                ],
                rows: [...new Set(rc.trains.map((t) => t.month))].map((month) => ({ month })),
              },
              {
                title: "Top rail commodities 2023",
                columns: [
                  { label: "port", value: (x) => name(x.port) },
                  { label: "HS2", value: (x) => x.hs2 },
                  { label: "commodity", value: (x) => x.label },
                  { label: "share", value: (x) => x.share, format: "pct" },
                ],
                rows: rc.topCommodities,
              },
              {
                title: "Published figures, and what they compare with",
                columns: [
                  { label: "by", value: (f) => f.by },
                  {
                    label: "USD per day",
                    value: (f) => (typeof f.value === "number" ? f.value : null),
                    format: "usd",
                  },
                  { label: "measures", value: (f) => f.measures },
                  { label: "comparable to", value: (f) => f.comparable },
                ],
                rows: rc.pressFigures,
              },
            ],
            notes: r.notes,
          }),
        };
      }),
    );
}

/** The last 12 months with encounter data: sector and field office encounters beside the main crossings. */
function encountersMatrix(e: PortEncounters) {
  const idx = e.months
    .map((_, i) => i)
    .filter((i) => e.sector.values[i]!.value !== null)
    .slice(-12);
  const main = ["Trucks", "Trains", "Personal Vehicles", "Pedestrians"];
  const shown = e.crossings.filter((c) => main.includes(c.measure));
  return {
    title: `Encounters around the port (${e.file.file}) beside its crossings`,
    columns: [
      { label: "month", value: (i: number) => e.months[i] },
      {
        label: `${e.sector.name} (USBP)`,
        value: (i: number) => e.sector.values[i]!.value,
        format: "int" as const,
        status: (i: number) => e.sector.values[i]!.status,
      },
      {
        label: `${e.fieldOffice.name} (OFO, ${e.fieldOffice.region})`,
        value: (i: number) => e.fieldOffice.values[i]!.value,
        format: "int" as const,
        status: (i: number) => e.fieldOffice.values[i]!.status,
      },
      // Each figure with its status: a month before the port's series is "·" (not reported), not "–".
      ...shown.map((c) => ({
        label: c.measure,
        value: (i: number) => c.values[i]!.value,
        format: "int" as const,
        status: (i: number) => c.values[i]!.status,
      })),
    ],
    csvColumns: [
      { label: "month", value: (i: number) => e.months[i] },
      {
        label: `${e.sector.name} (USBP encounters, people)`,
        value: (i: number) => e.sector.values[i]!.value,
        status: (i: number) => e.sector.values[i]!.status,
      },
      {
        label: `${e.fieldOffice.name} (OFO, ${e.fieldOffice.region} encounters, people)`,
        value: (i: number) => e.fieldOffice.values[i]!.value,
        status: (i: number) => e.fieldOffice.values[i]!.status,
      },
      ...shown.map((c) => ({
        label: `${c.measure} (${MEASURE_INFO[c.measure].unit})`,
        value: (i: number) => c.values[i]!.value,
        status: (i: number) => c.values[i]!.status,
      })),
      { label: "encounters_source", value: () => `${e.file.title} (${e.file.file}); ${e.file.precision}` },
      { label: "crossings_source", value: () => CROSSINGS_SOURCE },
    ],
    rows: idx,
  };
}

function monthlyMatrix(monthly: MonthFigure[], measures: Measure[]) {
  const months = [...new Set(monthly.map((m) => m.month))].sort();
  const shown = measures.filter((m) => MEASURE_INFO[m].unit !== "people" || m === "Pedestrians");
  const at = (month: string, measure: Measure) =>
    monthly.find((x) => x.month === month && x.measure === measure);
  const columns = shown.map((measure) => ({
    label: measure,
    value: (r: { month: string }) => at(r.month, measure)?.value,
    format: "int" as const,
    status: (r: { month: string }) => at(r.month, measure)?.status,
  }));
  return {
    title: "By month",
    columns: [{ label: "month", value: (r: { month: string }) => r.month }, ...columns],
    // In the CSV each measure's column names its unit, and the rows their source.
    csvColumns: [
      { label: "month", value: (r: { month: string }) => r.month },
      ...columns.map((c) => ({ ...c, label: `${c.label} (${MEASURE_INFO[c.label as Measure].unit})` })),
      { label: "source", value: () => CROSSINGS_SOURCE },
    ],
    rows: months.map((month) => ({ month })),
  };
}

const TRADE_SOURCE: Record<string, string> = {
  trade: "BTS TransBorder Freight Data; port-level (DOT1)",
  trade_hs2: "BTS TransBorder Freight Data; port x commodity (DOT3)",
  trade_national: "BTS TransBorder Freight Data; national totals",
  crossings: "",
};

const CROSSINGS_SOURCE = "BTS Border Crossing/Entry Data (keg4-3bc2); inbound crossings";

/** The period columns of a CSV of period figures: its key and its label (with coverage when partial). */
function periodFigureCsv<T extends PeriodFigure>(by: string): Column<T>[] {
  return [
    { label: by === "port" ? "port" : "period", value: (p) => p.period },
    { label: "period_label", value: (p) => p.label },
  ];
}

/** How much of its period a figure covers, as CSV columns. */
function coverageCsv<T extends PeriodFigure>(): Column<T>[] {
  return [
    { label: "days_with_data", value: (p) => p.days },
    { label: "months_with_data", value: (p) => p.coverage.months },
    { label: "months", value: (p) => p.coverage.of },
  ];
}

/** The value and per-day columns of a figure, each marked with the figure's status. */
function figureColumns<T>(
  get: (row: T) => { value: number | null; perDay: number | null; status: FigureStatus },
  valueFormat: ColumnFormat,
  perDayFormat: ColumnFormat,
): Column<T>[] {
  return [
    { label: "value", value: (r) => get(r).value, format: valueFormat, status: (r) => get(r).status },
    { label: "per day", value: (r) => get(r).perDay, format: perDayFormat, status: (r) => get(r).status },
  ];
}
