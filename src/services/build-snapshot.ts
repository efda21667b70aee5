import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "../store/duckdb.ts";
import { DataError } from "../domain/errors.ts";
import { formatReject, type Reject } from "../domain/rejects.ts";
import { parseCrossingsCsv, parsePortsCsv, type CrossingRow } from "../sources/bts-crossings.ts";
import {
  parseHs2Codes,
  parseModeCodes,
  parseTradeCsv,
  parseTradePortCodes,
  type TradeRow,
  type TradeTable,
} from "../sources/transborder.ts";
import { readEventRegistry } from "../sources/events.ts";
import { parseEncountersCsv } from "../sources/cbp-encounters.ts";
import { parsePortAreasCsv } from "../sources/port-areas.ts";
import { ENCOUNTER_FILES, type EncounterRow } from "../domain/encounters.ts";
import { MODEL_TABLES, readModelTable, type ModelTableName } from "../sources/model-tables.ts";
import { BWT_LANE_FILES, parseBwtLanes } from "../sources/bwt-lanes.ts";
import { applyEventsOverlay, EVENTS_OVERLAY_FILE } from "../sources/events-overlay.ts";
import { portTimeZone, ZONE_SOURCE } from "../domain/zones.ts";
import type { ParseResult } from "../sources/validate.ts";
import { Store, type SnapshotManifest } from "../store/db.ts";
import { TABLE_NAMES, TABLES } from "../store/schema.ts";
import { PORTS_FROM_STAGING, PORT_IDENTITY_FROM_STAGING, coverageQuery } from "../store/build-queries.ts";

/** The files a snapshot is built from, relative to the raw folder (laid out as ../shared/data/raw). */
export const RAW_FILES = {
  ports: "bts-border-crossing/bts_border_crossing_ports.csv",
  crossings: [
    "bts-border-crossing/bts_border_crossing_us_mexico.csv.gz",
    "bts-border-crossing/bts_border_crossing_us_canada.csv.gz",
  ],
  tradePortMode: "transborder/transborder_port_mode_monthly.csv.gz",
  tradePortHs2: "transborder/transborder_port_hs2_mode_monthly.csv.gz",
  tradeNational: "transborder/transborder_country_mode_monthly.csv.gz",
  hs2Codes: "transborder/codes_commodity_hs2.csv",
  modeCodes: "transborder/codes_modes.csv",
  tradePorts: "transborder/codes_ports.csv",
  provenance: [
    "bts-border-crossing/PROVENANCE.md",
    "transborder/PROVENANCE.md",
    "cbp-encounters/PROVENANCE.md",
  ],
  /** The disruption registry, one folder up from raw/ (../shared/data/events/events.json). */
  events: "../events/events.json",
} as const;

/** The repository's own sourced reference tables (authored by hand, each row with its source). */
export const DEFAULT_REFERENCE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../data/reference");
/** Files of the reference folder, relative to it. */
export const REFERENCE_FILES = { portAreas: "port-areas.csv", officerEvents: "officer-events.json" } as const;

/** Options of a snapshot build. */
export interface BuildOptions {
  rawDir: string;
  /** The sourced reference tables (data/reference); defaults to the repository's. */
  referenceDir?: string;
  /** The scenario model's sourced reference tables (defaults to the repository's data/model). */
  modelDir?: string;
  /** Folder the snapshot goes to (replaced whole at the end, only on success). */
  outDir: string;
  /** Where data/PROVENANCE.md goes; defaults to the parent of outDir. */
  provenanceFile?: string;
  /** Store valid rows even when some were rejected (the rejects are still reported and counted). */
  allowRejects?: boolean;
  onStep?: (step: string) => void;
}

/** What a build did. */
export interface BuildReport {
  manifest: SnapshotManifest;
  rejects: Reject[];
  portIdentity: { port_code: string; name: string; in_crossings: boolean; in_trade: boolean; note: string }[];
  seconds: number;
}

/** The repository's data/model folder (the model's sourced reference tables). */
export const DEFAULT_MODEL_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../data/model");

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

function need(rawDir: string, rel: string): string {
  const p = join(rawDir, rel);
  if (!existsSync(p))
    throw new DataError(`${p}: missing; the raw folder must be laid out as ../shared/data/raw`);
  return p;
}

/**
 * Builds the snapshot: reads and validates every source file, loads the rows into DuckDB, derives the
 * ports and port-identity tables, and writes each table as zstd Parquet with a manifest. Everything is
 * written aside and swapped in at the end, so a failed build never replaces a good snapshot.
 */
export async function buildSnapshot(opts: BuildOptions): Promise<BuildReport> {
  const t0 = performance.now();
  const step = opts.onStep ?? (() => {});
  const { rawDir } = opts;
  const sources: SnapshotManifest["sources"] = [];
  const rejects: Reject[] = [];
  let duplicatesDropped = 0;
  const collect = <T>(rel: string, r: ParseResult<T>): T[] => {
    sources.push({ file: rel, sha256: sha256(join(rawDir, rel)), rows: r.linesRead });
    rejects.push(...r.rejects);
    duplicatesDropped += r.duplicatesDropped;
    return r.rows;
  };

  step("code lists");
  const hs2 = await parseHs2Codes(need(rawDir, RAW_FILES.hs2Codes), RAW_FILES.hs2Codes);
  const modes = await parseModeCodes(need(rawDir, RAW_FILES.modeCodes), RAW_FILES.modeCodes);
  const tradePorts = await parseTradePortCodes(need(rawDir, RAW_FILES.tradePorts), RAW_FILES.tradePorts);
  const codes = { ports: new Set(tradePorts.map((p) => p.portCode)), hs2: new Set(hs2.map((h) => h.hs2)) };

  step("ports");
  const portsFile = need(rawDir, RAW_FILES.ports);
  const portList = collect(
    RAW_FILES.ports,
    await parsePortsCsv(portsFile, { source: "bts-crossings", file: RAW_FILES.ports }),
  );
  const knownPorts = new Set<string>(portList.map((p) => p.code));

  // Rows go into an in-memory DuckDB file by file, so only one file's rows are held in JS at a time.
  // Nothing is written to disk until every file has passed.
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  const store = await Store.wrap(instance, conn);
  let tmp: string | undefined;
  let provTmp: string | undefined;
  try {
    for (const name of TABLE_NAMES) await store.run(TABLES[name]);
    await store.run(`CREATE TABLE port_listing (port_code VARCHAR, port_name VARCHAR, state VARCHAR, border VARCHAR,
      latitude DOUBLE, longitude DOUBLE, first_month VARCHAR, last_month VARCHAR)`);
    await store.append(
      "port_listing",
      portList.map((p) => [
        p.code,
        p.name,
        p.state,
        p.border,
        p.latitude,
        p.longitude,
        p.firstMonth,
        p.lastMonth,
      ]),
    );
    for (const rel of RAW_FILES.crossings) {
      step(`crossings ${basename(rel)}`);
      const r = await parseCrossingsCsv(
        need(rawDir, rel),
        { source: "bts-crossings", file: rel },
        knownPorts,
      );
      await store.append(
        "crossings",
        collect(rel, r).map((x: CrossingRow) => [x.portCode, x.month, x.measure, x.value]),
      );
    }
    const tradeRow: Record<TradeTable, { table: string; row: (r: TradeRow) => (string | number | null)[] }> =
      {
        "port-mode": {
          table: "trade",
          row: (r) => [
            r.portCode,
            r.mode,
            r.direction,
            r.country,
            r.month,
            r.valueUsd,
            r.weightKg,
            r.freightUsd,
          ],
        },
        "port-hs2": {
          table: "trade_hs2",
          row: (r) => [
            r.portCode,
            r.hs2,
            r.mode,
            r.direction,
            r.country,
            r.month,
            r.valueUsd,
            r.weightKg,
            r.freightUsd,
          ],
        },
        national: {
          table: "trade_national",
          row: (r) => [r.mode, r.direction, r.country, r.month, r.valueUsd, r.weightKg],
        },
      };
    for (const [table, rel] of [
      ["port-mode", RAW_FILES.tradePortMode],
      ["port-hs2", RAW_FILES.tradePortHs2],
      ["national", RAW_FILES.tradeNational],
    ] as const) {
      step(`trade ${basename(rel)}`);
      const r = await parseTradeCsv(need(rawDir, rel), table, { source: "transborder", file: rel }, codes);
      await store.append(tradeRow[table].table, collect(rel, r).map(tradeRow[table].row));
    }

    for (const info of Object.values(ENCOUNTER_FILES)) {
      step(`encounters ${basename(info.rel)}`);
      const r = await parseEncountersCsv(need(rawDir, info.rel), info.key, {
        source: "cbp-encounters",
        file: info.rel,
      });
      await store.append(
        info.table,
        collect(info.rel, r).map((x: EncounterRow) => [
          x.fiscalYear,
          x.month,
          x.region,
          x.area,
          x.areaType,
          x.component,
          x.demographic,
          x.citizenship,
          x.title,
          x.count,
        ]),
      );
    }
    step("port areas");
    const refDir = opts.referenceDir ?? DEFAULT_REFERENCE_DIR;
    const areasFile = join(refDir, REFERENCE_FILES.portAreas);
    if (!existsSync(areasFile))
      throw new DataError(`${areasFile}: missing (the port → field office and sector table)`);
    const areas = await parsePortAreasCsv(areasFile, {
      source: "reference",
      file: `reference/${REFERENCE_FILES.portAreas}`,
    });
    sources.push({
      file: `reference/${REFERENCE_FILES.portAreas}`,
      sha256: sha256(areasFile),
      rows: areas.linesRead,
    });
    rejects.push(...areas.rejects);
    // Rows for ports outside this build's port list are left out (a fixture build has a few ports); a
    // port of the list with no row is caught by the test that every port maps to a field office and sector.
    const areaRows = areas.rows.filter((a) => knownPorts.has(a.portCode));
    await store.append(
      "port_areas",
      areaRows.map((a) => [
        a.portCode,
        a.portName,
        a.border,
        a.fieldOffice,
        a.fieldOfficeVerification,
        a.fieldOfficeSource,
        a.fieldOfficeUrl || null,
        a.fieldOfficeQuote,
        a.sector,
        a.sectorVerification,
        a.sectorSource,
        a.sectorUrl || null,
        a.sectorQuote,
        a.note,
      ]),
    );

    if (rejects.length > 0 && !opts.allowRejects) {
      throw new DataError(
        `${rejects.length} row(s) failed validation; the snapshot was not changed (use --allow-rejects to build without them)`,
        rejects
          .slice(0, 50)
          .map(formatReject)
          .concat(rejects.length > 50 ? [`... and ${rejects.length - 50} more`] : []),
      );
    }
    step("deriving ports");
    await store.append(
      "hs2_codes",
      hs2.map((h) => [h.hs2, h.description, h.shortName, h.group]),
    );
    await store.append(
      "trade_mode_codes",
      modes.map((m) => [m.code, m.mode, m.description]),
    );
    await store.append(
      "trade_ports",
      tradePorts.map((p) => [
        p.portCode,
        p.portName,
        p.districtCode,
        p.districtName,
        p.inBtsCodeList,
        p.scheduleDName,
        p.scheduleDState,
      ]),
    );
    await store.run(PORTS_FROM_STAGING);
    await store.run(PORT_IDENTITY_FROM_STAGING);

    step("model reference tables");
    const modelDir = opts.modelDir ?? DEFAULT_MODEL_DIR;
    for (const name of Object.keys(MODEL_TABLES) as ModelTableName[]) {
      const t = MODEL_TABLES[name];
      const rows = readModelTable(modelDir, name);
      await store.append(
        name,
        rows.map((r) => (t.toRow as (x: typeof r) => (string | number | boolean | null)[])(r)),
      );
      sources.push({ file: `model/${t.file}`, sha256: sha256(join(modelDir, t.file)), rows: rows.length });
    }
    const lanes = parseBwtLanes(rawDir);
    for (const rel of Object.values(BWT_LANE_FILES))
      sources.push({ file: rel, sha256: sha256(need(rawDir, rel)), rows: lanes.length });
    await store.append(
      "port_lanes",
      lanes.map((l) => [
        l.port_code,
        l.crossing,
        l.bwt_port_number,
        l.commercial_lanes,
        l.vehicle_lanes,
        l.pedestrian_lanes,
        l.hours,
        l.open_from,
        l.open_to,
        l.source,
        l.captured,
        l.verification,
      ]),
    );
    await store.append(
      "port_zones",
      portList.map((p) => {
        const z = portTimeZone(p.code, p.state, p.longitude);
        return [p.code, z.zone, z.basis, ZONE_SOURCE, "inferred"];
      }),
    );

    step("writing Parquet");
    tmp = join(dirname(opts.outDir), `.snapshot-tmp-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const tables: SnapshotManifest["tables"] = {};
    for (const name of TABLE_NAMES) {
      const order = ORDER[name];
      const file = join(tmp, `${name}.parquet`).replace(/'/g, "''");
      await store.run(
        `COPY (SELECT * FROM ${name} ORDER BY ${order}) TO '${file}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`,
      );
      const [cov] = await store.all<{ rows: number; from: string | null; to: string | null }>(
        coverageQuery(name),
      );
      tables[name] = {
        rows: cov!.rows,
        ...(cov!.from ? { from: cov!.from } : {}),
        ...(cov!.to ? { to: cov!.to } : {}),
      };
    }
    const version = createHash("sha256")
      .update(sources.map((s) => s.sha256).join("\n"))
      .digest("hex")
      .slice(0, 12);
    const manifest: SnapshotManifest = {
      version,
      tables,
      sources,
      rejects: rejects.length,
      duplicatesDropped,
    };
    const eventsFile = join(rawDir, RAW_FILES.events);
    if (existsSync(eventsFile)) {
      // The registry with the repository's sourced overlay (data/model/events-overlay.json) applied; a bad
      // registry, or an overlay entry that no longer matches it, fails the build.
      const overlayFile = join(modelDir, EVENTS_OVERLAY_FILE);
      const patched = applyEventsOverlay(readFileSync(eventsFile, "utf8"), readFileSync(overlayFile, "utf8"));
      writeFileSync(join(tmp, "events.json"), patched);
      readEventRegistry(join(tmp, "events.json"));
    }
    const officerEvents = join(refDir, REFERENCE_FILES.officerEvents);
    if (existsSync(officerEvents)) {
      readEventRegistry(officerEvents); // validates; a bad file fails the build
      copyFileSync(officerEvents, join(tmp, REFERENCE_FILES.officerEvents));
    }
    writeFileSync(join(tmp, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    const portIdentity = await store.all<BuildReport["portIdentity"][number]>({
      sql: "SELECT * FROM port_identity WHERE NOT (in_crossings AND in_trade) OR note <> '' ORDER BY port_code",
      params: [],
    });

    step("swapping in the new snapshot");
    const provenance = renderProvenance(rawDir, manifest, rejects, portIdentity);
    const provFile = opts.provenanceFile ?? join(dirname(opts.outDir), "PROVENANCE.md");
    provTmp = `${provFile}.tmp`;
    writeFileSync(provTmp, provenance);
    const old = `${opts.outDir}.old-${process.pid}`;
    if (existsSync(opts.outDir)) renameSync(opts.outDir, old);
    renameSync(tmp, opts.outDir);
    renameSync(`${provFile}.tmp`, provFile);
    rmSync(old, { recursive: true, force: true });
    return { manifest, rejects, portIdentity, seconds: (performance.now() - t0) / 1000 };
  } finally {
    store.close();
    // A failed build leaves no temporary files behind (the old snapshot stays as it was).
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    if (provTmp) rmSync(provTmp, { force: true });
  }
}

const ORDER: Record<(typeof TABLE_NAMES)[number], string> = {
  ports: "port_code",
  crossings: "port_code, measure, month",
  trade: "port_code, mode, direction, country, month",
  trade_hs2: "port_code, mode, hs2, direction, country, month",
  trade_national: "mode, direction, country, month",
  hs2_codes: "hs2",
  trade_mode_codes: "code",
  trade_ports: "port_code",
  port_identity: "port_code",
  encounters_aor: "month, region, area, component, demographic, citizenship, title",
  encounters_swb: "month, component, demographic, citizenship, title",
  encounters_sector_ohss: "month, region, area",
  encounters_sector_cbp: "month, region, area",
  port_areas: "port_code",
  anomalous_periods: "id",
  rail_corridors: "port_code, valid_from",
  port_hours: "port_code",
  traffic_profiles: "mode, kind, index",
  port_lanes: "port_code, crossing",
  port_zones: "port_code",
};

function renderProvenance(
  rawDir: string,
  m: SnapshotManifest,
  rejects: Reject[],
  identity: BuildReport["portIdentity"],
): string {
  const lines = [
    "# borderflow snapshot — provenance",
    "",
    "Built by `npm run snapshot` (scripts/build-snapshot.ts) from the raw public files listed below; never edited by hand.",
    `Snapshot version ${m.version} (a hash of the source files).`,
    "",
    "## Tables",
    "",
    "| table | rows | from | to |",
    "|---|---:|---|---|",
    ...Object.entries(m.tables).map(
      ([t, c]) => `| ${t} | ${c.rows.toLocaleString("en-US")} | ${c.from ?? ""} | ${c.to ?? ""} |`,
    ),
    "",
    "## Source files",
    "",
    "| file | data lines | sha256 |",
    "|---|---:|---|",
    ...m.sources.map((s) => `| ${s.file} | ${s.rows.toLocaleString("en-US")} | \`${s.sha256}\` |`),
    "",
    `Rows rejected by validation: ${rejects.length}. Exact duplicate rows dropped: ${m.duplicatesDropped}.`,
    ...rejects.slice(0, 100).map((r) => `- ${formatReject(r)}`),
    "",
    "## Port identities across the two sources",
    "",
    "Ports are joined by CBP code. Codes present in one source and not the other, or with a note:",
    "",
    "| code | name | BTS crossings | TransBorder trade | note |",
    "|---|---|---|---|---|",
    ...identity.map(
      (p) =>
        `| ${p.port_code} | ${p.name} | ${p.in_crossings ? "yes" : "no"} | ${p.in_trade ? "yes" : "no"} | ${p.note} |`,
    ),
    "",
  ];
  for (const rel of RAW_FILES.provenance) {
    const p = join(rawDir, rel);
    if (!existsSync(p)) continue;
    lines.push(
      `---`,
      "",
      `(carried over from \`${rel}\`)`,
      "",
      readFileSync(p, "utf8").replace(/^# /m, "## "),
      "",
    );
  }
  return lines.join("\n");
}
