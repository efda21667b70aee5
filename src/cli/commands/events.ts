import type { Command } from "commander";
import cliProgress from "cli-progress";
import type { DisruptionEvent } from "../../domain/events.ts";
import {
  comparability,
  eventScenario,
  eventStudy,
  findEvent,
  listEvents,
  loadEvents,
  loadOfficerEvents,
  type StudyRow,
} from "../../services/events.ts";
import { backtestAll, backtestEvent, type BacktestResult } from "../../services/backtest.ts";
import { queryAction, type Io } from "../context.ts";
import { formatUsd, formatValue, type TableView, type View } from "../format.ts";

const endOf = (e: DisruptionEvent) => e.end?.date ?? "?";
const portsOf = (e: DisruptionEvent) => e.ports.map((p) => p.cbp_port_code ?? "all").join(" ");

const pct = (v: number | null | undefined) => formatValue(v ?? null, "change");

function studyTable(rows: StudyRow[], title: string): TableView<StudyRow> {
  return {
    title,
    columns: [
      { label: "port", value: (r) => `${r.portName} ${r.port}` },
      { label: "role", value: (r) => r.role },
      { label: "series", value: (r) => `${r.mode} ${r.series}` },
      { label: "month", value: (r) => r.month },
      { label: "observed", value: (r) => r.observed, format: "int" },
      { label: "counterfactual", value: (r) => r.counterfactual, format: "int" },
      {
        label: "90% interval",
        value: (r) =>
          r.lo === null || r.hi === null ? "–" : `${formatValue(r.lo, "int")}–${formatValue(r.hi, "int")}`,
      },
      { label: "effect", value: (r) => r.effectShare, format: "change" },
      { label: "outside", value: (r) => (r.outside === null ? "–" : r.outside ? "yes" : "no") },
    ],
    rows,
  };
}

function backtestTable(results: BacktestResult[]): TableView<BacktestResult> {
  return {
    title:
      'Backtest: the model against "no effect" (the counterfactual) at the affected crossings, each series in its own unit',
    columns: [
      { label: "event", value: (r) => r.id },
      { label: "status", value: (r) => (r.status === "ok" ? "ok" : `${r.status}: ${r.reason ?? ""}`) },
      { label: "series", value: (r) => r.summary.event.series, format: "int" },
      { label: "observed", value: (r) => r.summary.observedEffectShare, format: "change" },
      { label: "modelled", value: (r) => r.summary.modelledEffectShare, format: "change" },
      { label: "model |err|", value: (r) => r.summary.event.modelLoss, format: "pct" },
      { label: "null |err|", value: (r) => r.summary.event.nullLoss, format: "pct" },
      { label: "skill", value: (r) => r.summary.event.skill, format: "change" },
      { label: "skill after", value: (r) => r.summary.after.skill, format: "change" },
      {
        label: "80% band",
        value: (r) => (r.summary.band.scored ? `${r.summary.band.covered}/${r.summary.band.scored}` : "–"),
      },
      {
        label: "destinations rose",
        value: (r) => {
          const j = r.destinations.filter((d) => d.rose !== null);
          return j.length ? `${j.filter((d) => d.rose).length}/${j.length}` : "–";
        },
      },
      { label: "(a) per closure day", value: (r) => r.valueHeldUpPerClosureDayUsd, format: "usd" },
    ],
    rows: results,
  };
}

/** Registers `events`, `event <id>` and `backtest`. */
export function registerEvents(program: Command, io: Io): void {
  const extra = "--events <file>";
  const extraHelp = "also read your own events from a file of the registry's layout (validated)";

  program
    .command("events")
    .description("list past disruptions of the registry (and your own)")
    .option("--border <border>", "mexico or canada")
    .option("--port <port>", "a port code or name")
    .option("--from <YYYY-MM>", "events starting in or after this month")
    .option("--to <YYYY-MM>", "events starting in or before this month")
    .option(extra, extraHelp)
    .action(
      queryAction(
        io,
        async (
          store,
          _g,
          o: { border?: string; port?: string; from?: string; to?: string; events?: string },
        ) => {
          const events = await listEvents(store, loadEvents(store, o.events), o);
          const data = events.map((e) => ({
            id: e.id,
            title: e.title,
            border: e.border,
            start: e.start.date,
            end: e.end?.date ?? null,
            ports: e.ports.map((p) => p.cbp_port_code),
            closureType: e.closure_type,
            modes: e.modes_affected ?? [],
          }));
          return {
            data,
            view: (): View => ({
              title: `${events.length} disruption(s)`,
              tables: [
                {
                  columns: [
                    { label: "start", value: (e: DisruptionEvent) => e.start.date },
                    { label: "end", value: endOf },
                    { label: "ports", value: portsOf },
                    { label: "id", value: (e: DisruptionEvent) => e.id },
                    { label: "what", value: (e: DisruptionEvent) => e.closure_type.split(/[;(]/)[0]!.trim() },
                  ],
                  rows: events,
                },
              ],
              notes: ["`borderflow event <id>` shows one with its sources, event study and backtest"],
            }),
          };
        },
      ),
    );

  program
    .command("event")
    .argument("<id>", "event id (see borderflow events)")
    .description("one disruption: what happened, sources, published figures, event study and backtest")
    .option(extra, extraHelp)
    .action(
      queryAction(io, async (store, _g, id: string, o: { events?: string }) => {
        const e = findEvent(loadEvents(store, o.events), id);
        const study = await eventStudy(store, e);
        const bt = await backtestEvent(store, e);
        const derived = await eventScenario(store, e);
        return {
          data: { event: e, scenario: derived, study, backtest: bt },
          view: (): View => ({
            title: `${e.title} (${e.id})`,
            lines: [
              `${e.start.date} .. ${endOf(e)}; ports ${e.ports.map((p) => `${p.name} [${p.cbp_port_code ?? "no code"}]`).join("; ")}`,
              `closure: ${e.closure_type}`,
              ...(e.cause ? [`cause: ${e.cause}`] : []),
              ...(e.headline_figures ? [`headline figures: ${e.headline_figures}`] : []),
              `as a scenario: ${derived.ok ? derived.rules.join("; ") : `not modelled (${derived.reason})`}`,
            ],
            tables: [
              {
                title: "Sources",
                columns: [
                  { label: "date", value: (s: DisruptionEvent["date_sources"][number]) => s.date },
                  { label: "supports", value: (s: DisruptionEvent["date_sources"][number]) => s.supports },
                  { label: "url", value: (s: DisruptionEvent["date_sources"][number]) => s.url },
                ],
                rows: e.date_sources,
              },
              {
                title: "Published figures",
                columns: [
                  { label: "by", value: (f: DisruptionEvent["figures"][number]) => f.by },
                  {
                    label: "value",
                    value: (f: DisruptionEvent["figures"][number]) =>
                      typeof f.value === "number" ? f.value : JSON.stringify(f.value),
                    format: "int" as const,
                  },
                  { label: "unit", value: (f: DisruptionEvent["figures"][number]) => f.unit },
                  { label: "measures", value: (f: DisruptionEvent["figures"][number]) => f.measures },
                  {
                    label: "compare with",
                    value: (f: DisruptionEvent["figures"][number]) =>
                      comparability(f) ?? "(not a USD-per-day figure)",
                  },
                ],
                rows: e.figures,
              },
              ...(study.status === "ok"
                ? [studyTable(study.rows, `Event study (counterfactual from data to ${study.origin})`)]
                : []),
              ...(bt.status === "ok"
                ? [
                    {
                      title: `Backtest: modelled vs observed (model's (a) value held up per closure day ${bt.valueHeldUpPerClosureDayUsd ? formatUsd(bt.valueHeldUpPerClosureDayUsd) : "–"})`,
                      columns: [
                        {
                          label: "port",
                          value: (r: BacktestResult["rows"][number]) => `${r.portName} ${r.port}`,
                        },
                        { label: "role", value: (r: BacktestResult["rows"][number]) => r.role },
                        { label: "month", value: (r: BacktestResult["rows"][number]) => r.month },
                        { label: "unit", value: (r: BacktestResult["rows"][number]) => r.unit },
                        {
                          label: "observed",
                          value: (r: BacktestResult["rows"][number]) => r.observed,
                          format: "int" as const,
                        },
                        {
                          label: "counterfactual",
                          value: (r: BacktestResult["rows"][number]) => r.counterfactual,
                          format: "int" as const,
                        },
                        {
                          label: "modelled",
                          value: (r: BacktestResult["rows"][number]) => r.modelled,
                          format: "int" as const,
                        },
                        {
                          label: "error",
                          value: (r: BacktestResult["rows"][number]) => r.errorShare,
                          format: "change" as const,
                        },
                      ],
                      rows: bt.rows,
                    },
                  ]
                : []),
            ],
            notes: [
              ...(study.status !== "ok" ? [`event study: ${study.status} (${study.reason})`] : study.notes),
              ...(bt.status === "ok"
                ? [
                    `backtest, event months: observed change ${pct(bt.summary.observedEffectShare)}, modelled ${pct(bt.summary.modelledEffectShare)}; |error| of the model ${formatValue(bt.summary.event.modelLoss, "pct")}, of "no effect" ${formatValue(bt.summary.event.nullLoss, "pct")} of the counterfactual: skill ${pct(bt.summary.event.skill)} (after months ${pct(bt.summary.after.skill)})`,
                    `80% band held ${bt.summary.band.covered} of ${bt.summary.band.scored} port-months; the counterfactual's own median error on quiet months ${formatValue(bt.summary.baselineError, "pct")}`,
                    ...bt.series
                      .filter((x) => x.role === "affected" && !x.scored)
                      .map((x) => `not scored: ${x.portName} ${x.port} ${x.mode}: ${x.reason}`),
                    ...bt.destinations.map(
                      (x) =>
                        `destination ${x.portName} ${x.port} ${x.mode}: ${formatValue(x.units, "int")} ${x.unit} (${formatValue(x.share, "pct")} of diverted); ${x.month} observed ${formatValue(x.observed, "int")} vs counterfactual ${formatValue(x.counterfactual, "int")}: ${x.rose === null ? (x.note ?? "not judged") : x.rose ? "rose" : "did not rise"}`,
                    ),
                  ]
                : []),
            ],
          }),
        };
      }),
    );

  program
    .command("backtest")
    .description("turn past disruptions into scenarios, run the model, compare with what BTS observed")
    .option("--event <id>", "report only this event (every event still serves to fit the other folds)")
    .option("--no-calibrate", "run the documented defaults instead of the leave-one-event-out fits")
    .option(extra, extraHelp)
    .option(
      "--officers",
      "the officer redeployments as officer events (2019, Sep 2023, Dec 2023) instead of the registry",
    )
    .action(
      queryAction(
        io,
        async (store, _g, o: { event?: string; events?: string; officers?: boolean; calibrate: boolean }) => {
          const all = o.officers ? loadOfficerEvents(store) : loadEvents(store, o.events);
          const chosen = o.event ? [findEvent(all, o.event)] : all;
          const bar = io.isTty
            ? new cliProgress.SingleBar(
                { format: "backtest [{bar}] {value}/{total} {step}", clearOnComplete: true },
                cliProgress.Presets.shades_classic,
              )
            : undefined;
          bar?.start(all.length, 0, { step: "" });
          const r = await backtestAll(
            store,
            all,
            (done, total, step) => {
              bar?.setTotal(total);
              bar?.update(done, { step });
            },
            // The officer redeployments are another registry: they run with the disruption registry's fits.
            { only: chosen.map((e) => e.id), calibrate: o.officers ? false : o.calibrate },
          );
          bar?.stop();
          const cal = r.calibration;
          const s = r.summary;
          return {
            data: r,
            view: (): View => ({
              title: `Backtest of ${chosen.length} event(s): ${s.backtested} compared with BTS, ${s.skipped} not (reasons in the table)`,
              lines: [
                `event months: the model beats "no effect" in ${s.beatNull} of ${s.backtested} events; overall skill ${formatValue(s.skill.event, "change")} (after months ${formatValue(s.skill.after, "change")})`,
                `skill by unit (event months): ${s.skillByUnit.map((u) => `${u.unit} ${formatValue(u.event, "change")} (${u.series} series)`).join(", ")}`,
                `destinations: ${s.destinations.rose} of ${s.destinations.judged} alternatives the model sends at least 10% of the diverted units to rose above their counterfactual (${s.destinations.aboveInterval} above its 90% interval)`,
                `80% band: held ${s.band.covered} of ${s.band.scored} scored port-months (${formatValue(s.band.coverage, "pct")})`,
                cal
                  ? `calibrated (leave one event out, ${cal.folds.length} folds, ${cal.combinations} combinations each): ${cal.parameters
                      .map((p) => {
                        const sp = cal.spread[p.name]!;
                        return `${p.name} ${sp.min === sp.max ? sp.min : `${sp.min}–${sp.max} (mean ${sp.mean.toFixed(2)})`}`;
                      })
                      .join(", ")}; every event is scored with the fit that left it out`
                  : "not calibrated here: the documented ranges and the fitted values of src/model/parameters.ts",
              ],
              tables: [backtestTable(r.events)],
              notes: [
                "observed = BTS inbound crossings minus a counterfactual from earlier data only; modelled = the counterfactual plus the model's daily result for inbound flows, summed into the same months",
                'skill = 1 − model |error| ÷ null |error|, where each |error| is Σ|error| ÷ Σ counterfactual per port × mode series, averaged over the event\'s series (units are never added); above 0 the model beats "no effect"',
              ],
            }),
          };
        },
      ),
    );
}
