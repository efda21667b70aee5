import type { Command } from "commander";
import { DataError } from "../../domain/errors.ts";
import {
  CBP_WAIT_TIMES_URL,
  DEFAULT_FORECAST_HOURS,
  DEFAULT_INTERVAL_MS,
  DEFAULT_STALE_HOURS,
  formatMs,
} from "../../domain/wait-defaults.ts";
import type { WatchSummary } from "../../services/watch.ts";
import type { BestTime, WaitStatsRow, WaitSummary } from "../../services/waits.ts";
import type { CompactSummary } from "../../services/wait-archive.ts";
import type { WatchAlert } from "../../services/watchlist.ts";
import type { WaitForecast } from "../../services/forecast.ts";
import { emit, type GlobalOptions, type Io } from "../context.ts";
import type { Column, View } from "../format.ts";

// Each command imports its services when it runs (a one-year `waits` query loads neither the watcher, the
// feed parsers, the forecast model nor the scenario engine a watchlist runs): most of a short command's time
// is loading modules (docs/waits.md "Speed").

interface WatchFlags {
  interval?: string;
  url?: string;
  archive?: string;
  webhook?: string;
  staleHours?: string;
  once?: boolean;
  maxPolls?: string;
  replay?: string;
  timeout?: string;
  saveCaptures?: string;
  compact?: boolean;
  keepRaw?: string;
  watchlist?: string;
}

interface WaitsFlags {
  port?: string;
  lane?: string;
  from?: string;
  to?: string;
  by?: string;
  archive?: string;
}

const ARCHIVE_HELP =
  "wait-time archive folder: today's readings in JSON Lines, closed days in monthly Parquet (env BORDERFLOW_ARCHIVE; default ~/.local/share/borderflow/waits)";
const KEEP_RAW_HELP =
  "keep raw readings this many days (e.g. 365); older months keep only their hourly and daily roll-ups (default: keep all)";

/** Registers `watch` (poll the CBP wait-time feed into the archive) and `waits` (query the archive). */
export function registerWaits(program: Command, io: Io): void {
  registerCompact(program, io);
  registerForecast(program, io);
  program
    .command("watch")
    .description(
      "poll the CBP Border Wait Times feed: archive every new reading and print stale readings, closures and anomalies as JSON lines",
    )
    .option(
      "--interval <duration>",
      `time between polls, e.g. 30s, 5m, 1h (default ${formatMs(DEFAULT_INTERVAL_MS)})`,
    )
    .option("--url <url>", `the feed (default ${CBP_WAIT_TIMES_URL}; the XML feed works too)`)
    .option("--archive <dir>", ARCHIVE_HELP)
    .option("--webhook <url>", "also POST each poll's detections there as JSON (retried with backoff)")
    .option(
      "--stale-hours <n>",
      `a reading older than this when fetched is stale (default ${DEFAULT_STALE_HOURS})`,
    )
    .option("--once", "poll once and exit (for cron)")
    .option("--max-polls <n>", "stop after this many polls")
    .option(
      "--replay <dir>",
      "feed recorded captures (*.json, *.xml) through the watcher as if live, oldest first",
    )
    .option("--timeout <duration>", "time one request may take (default 30s)")
    .option("--save-captures <dir>", "save every raw response there (readable again with --replay)")
    .option("--no-compact", "leave closed days in JSON Lines (default: compact them into monthly Parquet)")
    .option("--keep-raw <days>", KEEP_RAW_HELP)
    .option(
      "--watchlist <file>",
      "deliver only the detections this watchlist (JSON or YAML) matches, as alerts; a closure or capacity loss carries a scenario run for it (docs/waits.md)",
    )
    .action(async (flags: WatchFlags, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const [{ parseWatchSpec, runWatch }, { loadSnapshotPorts }, { loadWatchlist }, { defaultDbPath }] =
        await Promise.all([
          import("../../services/watch.ts"),
          import("../../services/waits.ts"),
          import("../../services/watchlist.ts"),
          import("../../store/paths.ts"),
        ]);
      const req = parseWatchSpec({
        interval: flags.interval,
        url: flags.url,
        archive: flags.archive,
        webhook: flags.webhook,
        staleHours: flags.staleHours,
        once: flags.once,
        maxPolls: flags.maxPolls,
        replay: flags.replay,
        timeout: flags.timeout,
        saveCaptures: flags.saveCaptures,
        compact: flags.compact,
        keepRaw: flags.keepRaw,
      });
      const log = (line: string) => io.err(`watch: ${line}\n`);
      const watchlist = flags.watchlist
        ? await loadWatchlist(flags.watchlist, g.snapshot ? { snapshotDir: g.snapshot } : {})
        : undefined;
      if (watchlist) req.watchlist = watchlist;
      let knownPorts: Set<string> | undefined;
      try {
        const ports = await loadSnapshotPorts(g.snapshot);
        knownPorts = new Set(ports.map((p) => p.port_code));
      } catch (e) {
        log(
          `cannot read the ports of the snapshot (${(e as Error).message}); crossings are not checked against them`,
        );
      }
      // A reader that goes away (EPIPE) must not kill the watcher: detections stay in the outbox.
      const onStdoutError = (e: Error) => log(`stdout: ${e.message}; detections stay in the outbox`);
      process.stdout.on("error", onStdoutError);
      const stop = new AbortController();
      const onSignal = () => {
        log("stopping after this poll");
        stop.abort();
      };
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      let summary: WatchSummary;
      try {
        log(
          `${req.source.kind === "live" ? `polling ${req.source.url} every ${formatMs(req.intervalMs)}` : `replaying ${req.source.dir}`}; archive ${req.archiveDir}`,
        );
        if (watchlist)
          log(
            `watchlist "${watchlist.name}" (${watchlist.rules.length} rule(s)): only its alerts are delivered; scenarios read ${g.db ?? defaultDbPath()} read-only`,
          );
        summary = await runWatch(req, {
          // Resolves when the line has left the process: only then is the detection acknowledged in the
          // outbox, so a stalled or killed reader loses none (they are printed again at the next start).
          emit: (d) => {
            if ("alert" in d) log(`alert: ${(d as WatchAlert).alert.headline}`);
            return io.write ? io.write(JSON.stringify(d) + "\n") : io.out(JSON.stringify(d) + "\n");
          },
          ...(watchlist
            ? {
                scenarioRunner: (await import("../../services/watchlist-scenario.ts")).storeScenarioRunner({
                  dbPath: g.db ?? defaultDbPath(),
                  ...(g.snapshot ? { snapshotDir: g.snapshot } : {}),
                }),
              }
            : {}),
          log,
          signal: stop.signal,
          ...(knownPorts ? { knownPorts } : {}),
        });
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        process.stdout.off("error", onStdoutError);
      }
      log(
        `${summary.polls} poll(s), ${summary.failedPolls} failed; ${summary.readingsArchived} new reading(s) archived; ${summary.detectionsEmitted} detection(s)${summary.alerts !== undefined ? `, ${summary.alerts} alert(s) (${summary.watchlistDir})` : ""}`,
      );
      if (summary.lastError) throw new DataError(`the last poll failed: ${summary.lastError}`);
    });

  program
    .command("waits")
    .description(
      "wait times from the archive: typical, mean, p90 and max per crossing and lane, by local hour or weekday, and the best time to cross",
    )
    .requiredOption("--port <port>", "port code or name (2504, San Ysidro) or a crossing number (250401)")
    .option(
      "--lane <lanes>",
      "lane types or groups, comma-separated: commercial-standard, commercial-fast, passenger-standard, passenger-sentri, passenger-ready, pedestrian-standard, pedestrian-ready; commercial, passenger, pedestrian",
    )
    .option("--from <YYYY-MM-DD>", "first local date (default: the archive's first)")
    .option("--to <YYYY-MM-DD>", "last local date (default: the archive's last)")
    .option("--by <grouping>", "hour or weekday (default: one row per crossing and lane)")
    .option("--archive <dir>", ARCHIVE_HELP)
    .action(async (flags: WaitsFlags, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const { archiveDirFor, parseWaitQuery, waitSummary } = await import("../../services/waits.ts");
      const req = parseWaitQuery({
        port: flags.port ?? "",
        lane: flags.lane,
        from: flags.from,
        to: flags.to,
        by: flags.by,
      });
      const summary = await waitSummary(archiveDirFor(flags.archive), req, { snapshotDir: g.snapshot });
      emit(io, g, summary, () => waitsView(summary));
    });
}

function registerForecast(program: Command, io: Io): void {
  program
    .command("forecast")
    .description(
      "the expected CBP wait and an 80% interval for each coming hour, per crossing and lane, from the archive (docs/forecast.md)",
    )
    .requiredOption("--port <port>", "port code or name (2402, El Paso) or a crossing number (240201)")
    .option("--lane <lanes>", "lane types or groups, comma-separated (default: every lane with readings)")
    .option("--hours <n>", `hours ahead, 1 to 24 (default ${DEFAULT_FORECAST_HOURS})`)
    .option(
      "--at <instant>",
      "forecast from this moment (ISO with offset; default now), e.g. to replay the past",
    )
    .option("--archive <dir>", ARCHIVE_HELP)
    .action(
      async (
        flags: { port?: string; lane?: string; hours?: string; at?: string; archive?: string },
        cmd: Command,
      ) => {
        const g = cmd.optsWithGlobals<GlobalOptions>();
        const spec = { port: flags.port ?? "", lane: flags.lane, hours: flags.hours, at: flags.at };
        const [{ parseForecastSpec, waitForecast }, { archiveDirFor }] = await Promise.all([
          import("../../services/forecast.ts"),
          import("../../services/waits.ts"),
        ]);
        parseForecastSpec(spec);
        const f = await waitForecast(archiveDirFor(flags.archive), spec, { snapshotDir: g.snapshot });
        emit(io, g, f, () => forecastView(f));
      },
    );
}

function forecastView(f: WaitForecast): View {
  const rows = f.series.flatMap((s) => s.hours.map((h) => ({ s, h })));
  const what = f.crossing
    ? `crossing ${f.crossing} of ${f.port.name} (${f.port.code})`
    : `${f.port.name} (${f.port.code})`;
  return {
    title: `wait forecast at ${what} from ${f.at}`,
    lines: f.series.map(
      (s) =>
        `${place(s)} ${s.lane}: ${s.lastReading ? `last reading ${s.lastReading.minutes} min at ${s.lastReading.hourStart}` : "no recent reading"}; ${s.historyHours} hour(s) of history`,
    ),
    tables: [
      {
        title: "expected wait (minutes) and 80% interval, by local hour",
        columns: [
          { label: "crossing", value: (r: (typeof rows)[number]) => place(r.s) },
          { label: "lane", value: (r) => r.s.lane },
          { label: "hour", value: (r) => `${r.h.hourStart.slice(0, 10)} ${r.h.hourStart.slice(11, 16)}` },
          { label: "expected", value: (r) => r.h.expectedMinutes, format: "num" },
          { label: "80% interval", value: (r) => `${r.h.lowMinutes}–${r.h.highMinutes}` },
          { label: "usual", value: (r) => r.h.usualMinutes, format: "num" },
          { label: "holiday", value: (r) => r.h.holidays.join(", ") },
        ],
        rows,
      },
    ],
    notes: f.notes,
  };
}

function registerCompact(program: Command, io: Io): void {
  program
    .command("compact")
    .description(
      "compact the closed days of the wait-time archive into monthly Parquet (watch does it by itself; refused while a watcher writes)",
    )
    .option("--archive <dir>", ARCHIVE_HELP)
    .option("--through <YYYY-MM-DD>", "last UTC day to compact (default: every day that ended 6 hours ago)")
    .option("--keep-raw <days>", KEEP_RAW_HELP)
    .action(async (flags: { archive?: string; through?: string; keepRaw?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const [{ compactWaitArchive }, { archiveDirFor }] = await Promise.all([
        import("../../services/wait-archive.ts"),
        import("../../services/waits.ts"),
      ]);
      const s = await compactWaitArchive({
        archive: archiveDirFor(flags.archive),
        through: flags.through,
        keepRaw: flags.keepRaw,
      });
      emit(io, g, s, () => compactView(s));
    });
}

function compactView(s: CompactSummary): View {
  const merged = s.report.months.reduce((n, m) => n + m.days.length, 0);
  return {
    title: `wait-time archive ${s.archiveDir}`,
    lines: [
      `${merged} closed day(s) through ${s.through} compacted into ${s.report.months.length} month(s)${s.report.rawDropped.length ? `; raw readings of ${s.report.rawDropped.join(", ")} dropped (roll-ups kept)` : ""}`,
      `${s.jsonlDays.length} day(s) in JSON Lines (${(s.jsonlBytes / 1e6).toFixed(1)} MB), ${s.months.length} month(s) in Parquet (${(s.parquetBytes / 1e6).toFixed(1)} MB)`,
    ],
    tables: [
      {
        title: "compacted months",
        columns: [
          { label: "month", value: (m: CompactSummary["months"][number]) => m.month },
          { label: "days", value: (m) => m.days, format: "int" },
          { label: "readings", value: (m) => m.readings, format: "int" },
          { label: "raw kept", value: (m) => (m.raw ? "yes" : "roll-ups only") },
          { label: "MB", value: (m) => m.bytes / 1e6, format: "num" },
        ],
        rows: s.months,
      },
    ],
    notes: [],
  };
}

const place = (r: { crossing: string; crossingName: string }) =>
  r.crossingName ? `${r.crossingName} (${r.crossing})` : r.crossing;
const hourLabel = (h: number) => `${String(h).padStart(2, "0")}:00`;

function waitsView(s: WaitSummary): View {
  const slot: Column<WaitStatsRow>[] =
    s.by === "hour"
      ? [{ label: "hour", value: (r) => (r.hour === undefined ? null : hourLabel(r.hour)) }]
      : s.by === "weekday"
        ? [{ label: "weekday", value: (r) => r.weekday }]
        : [];
  const columns: Column<WaitStatsRow>[] = [
    { label: "crossing", value: place },
    { label: "lane", value: (r) => r.lane },
    ...slot,
    { label: "readings", value: (r) => r.readings, format: "int" },
    { label: "typical min", value: (r) => r.typicalMinutes, format: "num" },
    { label: "mean", value: (r) => r.meanMinutes, format: "num" },
    { label: "p90", value: (r) => r.p90Minutes, format: "num" },
    { label: "max", value: (r) => r.maxMinutes, format: "int" },
    ...(s.by === "crossing"
      ? [{ label: "closed", value: (r: WaitStatsRow) => r.closedReadings, format: "int" as const }]
      : []),
  ];
  const bestSlot = (b: BestTime) =>
    [b.weekday, b.hour === undefined ? undefined : hourLabel(b.hour)]
      .filter((x) => x !== undefined)
      .join(" ");
  const range = s.from || s.to ? `${s.from ?? "…"}..${s.to ?? "…"}` : "all dates";
  const what = s.crossing
    ? `crossing ${s.crossing} of ${s.port.name} (${s.port.code})`
    : `${s.port.name} (${s.port.code})`;
  return {
    title: `waits at ${what}, ${range}${s.by === "crossing" ? "" : `, by ${s.by}`}`,
    lines: [
      `${s.readingsInRange} reading(s) in range${s.lanes.length ? `; lanes ${s.lanes.join(", ")}` : ""}; archive ${s.archiveDir}`,
    ],
    tables: [
      { title: `waits (minutes)${s.by === "crossing" ? "" : ` by local ${s.by}`}`, columns, rows: s.rows },
      {
        title: `best time to cross (lowest typical wait${s.by === "crossing" ? ", local weekday and hour" : ""})`,
        columns: [
          { label: "crossing", value: place },
          { label: "lane", value: (b: BestTime) => b.lane },
          { label: s.by === "crossing" ? "when" : s.by, value: bestSlot },
          { label: "typical min", value: (b: BestTime) => b.typicalMinutes, format: "num" },
          { label: "readings", value: (b: BestTime) => b.readings, format: "int" },
        ],
        rows: s.best,
      },
    ],
    notes: s.notes,
  };
}
