import type { Command } from "commander";
import cliProgress from "cli-progress";
import { InputError } from "../../domain/errors.ts";
import { MAX_DRAWS } from "../../domain/scenario.ts";
import { readScenarioFile } from "../../sources/scenario-file.ts";
import { runScenario, validateScenario, type Figure, type ScenarioResult } from "../../services/scenario.ts";
import { emit, openStore, type GlobalOptions, type Io } from "../context.ts";
import {
  formatUsd,
  formatValue,
  formatWithStatus,
  renderViewCsv,
  statusesShown,
  statusLegend,
  type TableView,
  type View,
} from "../format.ts";
import { STATUS_INFO } from "../../domain/status.ts";
import { outsideBandText } from "../../model/band-text.ts";

/**
 * A figure with its band; `*` after the value when it is an estimate (rests on carried-forward trade value);
 * when the middle-parameter run lies outside its own band, that is said right after it.
 */
export const band = (f: Figure, fmt: (n: number) => string) => {
  const outside = outsideBandText(f, fmt);
  return `${fmt(f.value)}${f.status === "estimate" ? STATUS_INFO.estimate.marker : ""} (P10 ${fmt(f.p10)} – P90 ${fmt(f.p90)})${outside ? ` — ${outside}` : ""}`;
};
const n0 = (v: number) => formatValue(v, "int");
const n1 = (v: number) => formatValue(v, "num");

function flowTable(r: ScenarioResult): TableView<ScenarioResult["flows"][number]> {
  return {
    title: `Flows at the closed crossings (blocked per closure day: over the ${(r.grid.closureDays * 24).toFixed(1)} hours the events cover, × 24)`,
    columns: [
      { label: "port", value: (f) => `${f.portName} ${f.port}` },
      { label: "mode", value: (f) => f.mode },
      { label: "direction", value: (f) => f.direction },
      { label: "unit", value: (f) => f.unit },
      { label: "baseline/day", value: (f) => f.baselinePerDay, format: "num" },
      { label: "capacity/day", value: (f) => f.capacityPerDay, format: "num" },
      {
        label: "value/unit",
        value: (f) => (f.valuePerUnitUsd > 0 ? f.valuePerUnitUsd : null),
        format: "usd",
        status: (f) => (f.valuePerUnitUsd > 0 ? f.valueStatus : undefined),
      },
      { label: "blocked/closure day", value: (f) => f.blockedPerClosureDay, format: "num" },
      {
        label: "of which",
        value: (f) =>
          Object.entries(f.mixPerClosureDay)
            .map(([k, v]) => `${n1(v)} ${k}`)
            .join(", "),
      },
      { label: "rerouted", value: (f) => f.diverted, format: "int" },
      { label: "to truck", value: (f) => f.shifted, format: "int" },
      { label: "cancelled", value: (f) => f.cancelled, format: "int" },
      { label: "waited, crossed later", value: (f) => f.waitedAtHome, format: "int" },
      { label: "peak backlog", value: (f) => f.peakBacklog, format: "int" },
      { label: "peak on", value: (f) => f.peakDate },
      { label: "cleared on", value: (f) => f.clearDate ?? `not within ${r.grid.days} days` },
    ],
    rows: r.flows,
  };
}

function excludedTable(r: ScenarioResult) {
  const seen = new Set<string>();
  const rows = r.flows
    .filter(
      (f) =>
        f.direction === "inbound" || !r.flows.some((g) => g.port === f.port && g.direction === "inbound"),
    )
    .flatMap((f) => f.excluded.map((x) => ({ from: `${f.portName} ${f.mode}`, ...x })))
    .filter((x) => !seen.has(`${x.from}/${x.to}`) && seen.add(`${x.from}/${x.to}`));
  return {
    title: "Crossings not used as alternatives, and why",
    columns: [
      { label: "from", value: (x: (typeof rows)[number]) => x.from },
      { label: "not to", value: (x: (typeof rows)[number]) => `${x.toName} ${x.to}` },
      { label: "why", value: (x: (typeof rows)[number]) => x.reason },
    ],
    rows,
  };
}

function diversionTable(r: ScenarioResult) {
  const rows = r.flows.flatMap((f) =>
    f.diversions
      .filter((d) => d.units >= 0.5)
      .map((d) => ({
        from: `${f.portName} ${f.direction}`,
        ...d,
        unit: d.mode === f.mode ? f.unit : "truckloads",
      })),
  );
  const how = {
    gravity: "by each crossing's normal traffic ÷ route km",
    "nearest-first": "nearest first",
    proportional: "in proportion to spare capacity",
  }[r.rerouting.policy];
  return {
    title: `Where rerouted flow went (${how}, within spare capacity, only where corridors and detour limits allow)`,
    columns: [
      { label: "from", value: (x: (typeof rows)[number]) => x.from },
      { label: "to", value: (x: (typeof rows)[number]) => `${x.toName} ${x.to}` },
      { label: "mode", value: (x: (typeof rows)[number]) => x.mode },
      { label: "units", value: (x: (typeof rows)[number]) => x.units, format: "int" as const },
      { label: "unit", value: (x: (typeof rows)[number]) => x.unit },
      { label: "route km", value: (x: (typeof rows)[number]) => x.km, format: "int" as const },
    ],
    rows,
  };
}

/** Each officer event: officers and positions by port and mode, and the capacity left (mild–harsh ends). */
function officerTables(r: ScenarioResult) {
  return r.officers.map((o) => {
    const rows = o.cuts.flatMap((c) =>
      c.modes.map((m) => {
        const base = o.baseline.find((b) => b.port === c.port)!.modes.find((x) => x.mode === m.mode)!;
        const key = `${c.port}/${m.mode}/inbound`;
        return {
          port: `${c.portName} ${c.port}`,
          officers: c.officersRemoved,
          strength: c.officersOnStrength,
          mode: m.mode,
          positions: Math.max(...base.positionsByHour),
          positionsAfter: Math.max(...m.positionsByHourAfter),
          left: m.remainingShare,
          range: `${formatValue(o.bounds.harsh[key] ?? 1, "pct")}–${formatValue(o.bounds.mild[key] ?? 1, "pct")}`,
        };
      }),
    );
    return {
      title: `Officer event ${o.event}: ${formatValue(o.officers, "int")} officers moved ${o.start.slice(0, 10)}..${o.end.slice(0, 10)}, policy ${o.policy}`,
      columns: [
        { label: "port", value: (x: (typeof rows)[number]) => x.port },
        { label: "officers moved", value: (x: (typeof rows)[number]) => x.officers, format: "num" as const },
        {
          label: "on strength (model)",
          value: (x: (typeof rows)[number]) => x.strength,
          format: "int" as const,
        },
        { label: "mode", value: (x: (typeof rows)[number]) => x.mode },
        { label: "positions open", value: (x: (typeof rows)[number]) => x.positions, format: "num" as const },
        { label: "after", value: (x: (typeof rows)[number]) => x.positionsAfter, format: "num" as const },
        { label: "capacity left", value: (x: (typeof rows)[number]) => x.left, format: "pct" as const },
        { label: "harsh–mild", value: (x: (typeof rows)[number]) => x.range },
      ],
      rows,
    };
  });
}

/** The scenario result as a view for people. */
export function scenarioView(r: ScenarioResult): View {
  const c = r.costs;
  const b = r.backlog;
  return {
    title: `Scenario: ${r.scenario.name}`,
    lines: [
      `day 0 ${r.grid.start} (each crossing's local date); events cover ${(r.grid.closureDays * 24).toFixed(1)} hours (${r.grid.closureDays.toFixed(2)} days); run of ${r.grid.days} days; ${r.monteCarlo.draws} Monte Carlo draws, seed ${r.monteCarlo.seed}`,
      `baseline: clean months to ${r.baseline.months.split("..")[1] ?? r.baseline.months}; seasonal factors from ${r.baseline.seasonalYears}`,
      "",
      "(a) trade value held up — goods whose crossing was blocked (a gross flow delayed, not a loss):",
      `    per closure day ${band(c.valueHeldUpPerClosureDayUsd, formatUsd)}`,
      `    in total        ${band(c.valueHeldUpUsd, formatUsd)}`,
      "(b) direct cost of delay:",
      `    inventory carrying ${band(c.carryingUsd, formatUsd)}`,
      `    railcar and truck time ${band(c.equipmentUsd, formatUsd)}`,
      `    spoilage of perishables ${band(c.spoilageUsd, formatUsd)}`,
      `    detours ${band(c.detourUsd, formatUsd)}`,
      `    total direct ${band(c.directUsd, formatUsd)}`,
      `(c) wider economy: ${c.widerUsd ? band(c.widerUsd, formatUsd) : "off (options.multiplier)"}`,
      "",
      ...b.byUnit.map(
        (u) =>
          `backlog of ${u.unit}: peak ${band(u.peak, n0)}; ${band(u.unitDays, n0)} ${u.unit}-days of delay`,
      ),
      `all cleared by day ${band(b.clearDay, n0)} after day 0`,
      ...(c.valueHeldUpUsd.status === "estimate"
        ? [
            "",
            `${STATUS_INFO.estimate.marker} estimate: not in the source. Port-level TransBorder trade does not cover this baseline, so trade value per unit is carried forward or back with the national trend (see the notes); every figure marked * rests on it`,
          ]
        : []),
    ],
    tables: [
      ...officerTables(r),
      flowTable(r),
      diversionTable(r),
      excludedTable(r),
      {
        title: "Value held up by commodity (top 10)",
        columns: [
          { label: "HS2", value: (x) => x.hs2 },
          { label: "commodity", value: (x) => x.label },
          { label: "value held up", value: (x) => x.valueUsd, format: "usd", status: (x) => x.status },
          { label: "share", value: (x) => x.share, format: "pct" },
        ],
        rows: c.byCommodity.slice(0, 10),
      },
      {
        title: "Assumptions",
        columns: [
          { label: "parameter", value: (x) => x.name },
          { label: "value", value: (x) => x.value },
          { label: "unit", value: (x) => x.unit },
          { label: "basis", value: (x) => x.basis },
          { label: "source", value: (x) => x.source },
        ],
        rows: r.assumptions,
      },
    ],
    notes: r.notes,
  };
}

/** The scenario result as a Markdown report. */
export function scenarioMarkdown(r: ScenarioResult): string {
  const v = scenarioView(r);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const md = (t: TableView<any>) => {
    const head = `| ${t.columns.map((c) => c.label).join(" | ")} |`;
    const sep = `|${t.columns.map((c) => (c.format && c.format !== "text" ? "---:" : "---")).join("|")}|`;
    const rows = t.rows.map(
      (row) =>
        `| ${t.columns.map((c) => formatWithStatus(c.value(row), c.format, c.status?.(row)).replace(/\|/g, "\\|")).join(" | ")} |`,
    );
    return [`### ${t.title ?? ""}`, "", head, sep, ...rows].join("\n");
  };
  return [
    `# ${v.title}`,
    "",
    r.scenario.description,
    "",
    "```",
    ...(v.lines ?? []),
    "```",
    "",
    ...v.tables.map((t) => md(t) + "\n"),
    "### Notes",
    "",
    ...statusLegend(statusesShown(v.tables)).map((l) => `- ${l}`),
    ...(v.notes ?? []).map((n) => `- ${n}`),
    "",
  ].join("\n");
}

/** Registers `scenario run` and `scenario validate`. */
export function registerScenario(program: Command, io: Io): void {
  const scenario = program
    .command("scenario")
    .description("run or check a disruption scenario (JSON or YAML)");

  scenario
    .command("validate")
    .argument("<file>", "scenario file")
    .description("check a scenario file; lists every problem with its path and line")
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const text = readScenarioFile(file);
      const store = await openStore(g, true, io);
      try {
        const v = await validateScenario(store, text.data, text);
        if (g.json) io.out(JSON.stringify(v.ok ? { ok: true } : v, null, 2) + "\n");
        else if (v.ok) io.out(`${file}: ok (${v.events.length} event(s))\n`);
        if (!v.ok) {
          if (!g.json)
            for (const i of v.issues)
              io.err(`${file}${i.line ? `:${i.line}` : ""}: ${i.path || "(file)"}: ${i.message}\n`);
          throw new InputError(`${file}: ${v.problems} problem(s)`);
        }
      } finally {
        store.close();
      }
    });

  scenario
    .command("run")
    .argument("<file>", "scenario file")
    .description("run a scenario: blocked flows, rerouting, backlog and recovery, layered costs with P10–P90")
    .option("--draws <n>", "Monte Carlo draws (overrides the file)")
    .option("--seed <n>", "random seed (overrides the file)")
    .option("--md", "print a Markdown report")
    .action(async (file: string, o: { draws?: string; seed?: string; md?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const int = (s: string | undefined, flag: string, min: number, max: number) => {
        if (s === undefined) return undefined;
        // Number("") is 0: an empty value is refused, not read as a number.
        const n = /^\s*\d+\s*$/.test(s) ? Number(s) : NaN;
        if (!Number.isInteger(n) || n < min || n > max)
          throw new InputError(
            `${flag} ${JSON.stringify(s)} must be a whole number from ${min} to ${max.toLocaleString("en-US")}`,
          );
        return n;
      };
      const draws = int(o.draws, "--draws", 1, MAX_DRAWS);
      const seed = int(o.seed, "--seed", 0, 2 ** 31 - 1);
      const text = readScenarioFile(file);
      const store = await openStore(g, true, io);
      try {
        const v = await validateScenario(store, text.data, text);
        if (!v.ok) {
          for (const i of v.issues)
            io.err(`${file}${i.line ? `:${i.line}` : ""}: ${i.path || "(file)"}: ${i.message}\n`);
          throw new InputError(`${file}: ${v.problems} problem(s); nothing was run`);
        }
        const bar = io.isTty
          ? new cliProgress.SingleBar(
              { format: "Monte Carlo [{bar}] {value}/{total} draws", clearOnComplete: true },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
        let started = false;
        const r = await runScenario(store, v, {
          ...(draws !== undefined ? { draws } : {}),
          ...(seed !== undefined ? { seed } : {}),
          onProgress: (done, total) => {
            if (!bar) return;
            if (!started) {
              bar.start(total, 0);
              started = true;
            }
            bar.update(done);
          },
        });
        if (started) bar?.stop();
        if (o.md) io.out(scenarioMarkdown(r));
        else if (g.csv) io.out(scenarioCsv(r));
        else emit(io, g, r, () => scenarioView(r));
      } finally {
        store.close();
      }
    });
}

/**
 * CSV: one row per flow and day, after the scenario's title and notes as `#` lines (read back with a comment
 * option, as every CSV export: docs/data.md). Each row is modelled (the middle run), in its own unit.
 */
function scenarioCsv(r: ScenarioResult): string {
  const rows = r.flows.flatMap((f) =>
    f.daily.map((d) => ({ port: f.port, mode: f.mode, direction: f.direction, unit: f.unit, ...d })),
  );
  return renderViewCsv({
    title: `Scenario: ${r.scenario.name}: daily flows at the crossings it closes (modelled, the middle run)`,
    notes: r.notes,
    tables: [
      {
        columns: (
          [
            "date",
            "port",
            "mode",
            "direction",
            "unit",
            "arrivals",
            "blocked",
            "servedHome",
            "diverted",
            "shifted",
            "queue",
          ] as const
        )
          .map((k) => ({
            label: k as string,
            value: (x: (typeof rows)[number]) => x[k] as string | number,
          }))
          .concat([{ label: "source", value: () => "borderflow scenario model (modelled, not observed)" }]),
        rows,
      },
    ],
  });
}
