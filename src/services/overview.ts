import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Measure } from "../domain/measures.ts";
import type { Month } from "../domain/units.ts";
import { readEventRegistry, type EventFigure } from "../sources/events.ts";
import type { Store } from "../store/db.ts";
import { crossingsQuery, metaQuery, topCommoditiesQuery, tradeQuery } from "../store/queries.ts";
import { getCoverage, type Coverage } from "./coverage.ts";
import { tradeSummary } from "./trade.ts";
import { comparability } from "./events.ts";

/** The founding case: CBP's suspension of rail at Eagle Pass and El Paso, 18-22 December 2023. */
export const DEC_2023_RAIL = {
  eventId: "cbp-rail-suspension-eagle-pass-el-paso-2023-12",
  ports: ["2303", "2402"],
  year: "2023",
  month: "2023-12" as Month,
  trainMonths: { from: "2023-10" as Month, to: "2024-01" as Month },
};

/** A top port of the overview. */
export interface TopPort {
  code: string;
  name: string;
  border: string | null;
  valueUsd: number;
  perDayUsd: number;
  truckUsd: number;
  railUsd: number;
}

/** What `borderflow overview` shows. */
export interface Overview {
  snapshot: { version: string; coverage: Coverage };
  topPorts: { year: string; ports: TopPort[] };
  rail2023: {
    ports: { code: string; name: string; valueUsd: number; exportUsd: number; importUsd: number }[];
    yearUsd: number;
    perDayUsd: number;
    december: { valueUsd: number; perDayUsd: number };
    trains: { month: string; port: string; trains: number }[];
    topCommodities: { port: string; hs2: string; label: string; share: number }[];
    pressFigures: (EventFigure & { comparable: string })[];
  };
  notes: string[];
}

/** The latest calendar year with all 12 months of port-level trade. */
function latestFullYear(cov: Coverage["trade"]): string {
  for (let y = Number(cov.last.slice(0, 4)); y >= Number(cov.first.slice(0, 4)); y--) {
    const ms = Array.from({ length: 12 }, (_, i) => `${y}-${String(i + 1).padStart(2, "0")}`);
    if (ms.every((m) => m >= cov.first && m <= cov.last && !cov.gaps.includes(m as Month))) return String(y);
  }
  return cov.last.slice(0, 4);
}

/** Top land ports by trade and the December 2023 rail case, all from the snapshot. */
export async function overview(store: Store, topN = 10): Promise<Overview> {
  const cov = await getCoverage(store);
  const meta = Object.fromEntries(
    (await store.all<{ key: string; value: string }>(metaQuery)).map((r) => [r.key, r.value]),
  );
  const year = latestFullYear(cov.trade);
  const from = `${year}-01`;
  const to = `${year}-12`;
  const byPort = await tradeSummary(store, { ports: [], modes: [], from, to, by: "port" });
  const land = byPort.groups.filter((g) => g.group !== null).slice(0, topN);
  const split = async (mode: string) =>
    new Map(
      (
        await store.all<{ key: string; value_usd: number }>(
          tradeQuery({ ports: land.map((g) => g.key), modes: [mode], from, to }, "port"),
        )
      ).map((r) => [r.key, r.value_usd]),
    );
  const [truck, rail] = await Promise.all([split("truck"), split("rail")]);
  // The year has all 12 months at port level (latestFullYear), so every figure below has a value.
  const topPorts = land.map((g) => ({
    code: g.key,
    name: g.label,
    border: g.group,
    valueUsd: g.valueUsd ?? 0,
    perDayUsd: g.perDayUsd ?? 0,
    truckUsd: truck.get(g.key) ?? 0,
    railUsd: rail.get(g.key) ?? 0,
  }));

  const c = DEC_2023_RAIL;
  const railYear = await tradeSummary(store, {
    ports: c.ports,
    modes: ["rail"],
    from: `${c.year}-01`,
    to: `${c.year}-12`,
    by: "port",
  });
  const railDir = await Promise.all(
    c.ports.map(async (p) => {
      const d = await tradeSummary(store, {
        ports: [p],
        modes: ["rail"],
        from: `${c.year}-01`,
        to: `${c.year}-12`,
        by: "direction",
      });
      return {
        p,
        exp: d.groups.find((g) => g.key === "export")?.valueUsd ?? 0,
        imp: d.groups.find((g) => g.key === "import")?.valueUsd ?? 0,
      };
    }),
  );
  const dec = await tradeSummary(store, {
    ports: c.ports,
    modes: ["rail"],
    from: c.month,
    to: c.month,
    by: "month",
  });
  const trains = (
    await Promise.all(
      c.ports.map(async (p) =>
        (
          await store.all<{ period: string; value: number }>(
            crossingsQuery({
              ports: [p],
              measures: ["Trains" satisfies Measure],
              from: c.trainMonths.from,
              to: c.trainMonths.to,
              by: "month",
            }),
          )
        ).map((r) => ({ month: r.period, port: p, trains: r.value })),
      ),
    )
  ).flat();
  const top = (
    await Promise.all(
      c.ports.map(async (p) =>
        (
          await store.all<{ mode: string; hs2: string; label: string; share: number }>(
            topCommoditiesQuery(p, `${c.year}-01`, `${c.year}-12`, 4),
          )
        )
          .filter((r) => r.mode === "rail")
          .map((r) => ({ port: p, hs2: r.hs2, label: r.label, share: r.share })),
      ),
    )
  ).flat();

  const eventsFile = join(store.snapshotDir, "events.json");
  const event = existsSync(eventsFile)
    ? readEventRegistry(eventsFile).find((e) => e.id === c.eventId)
    : undefined;
  const pressFigures = (event?.figures ?? []).flatMap((f) => {
    const comparable = comparability(f);
    return comparable ? [{ ...f, comparable }] : [];
  });

  return {
    snapshot: { version: meta.snapshot_version ?? "unknown", coverage: cov },
    topPorts: { year, ports: topPorts },
    rail2023: {
      ports: railYear.groups.map((g) => {
        const d = railDir.find((x) => x.p === g.key)!;
        return { code: g.key, name: g.label, valueUsd: g.valueUsd ?? 0, exportUsd: d.exp, importUsd: d.imp };
      }),
      yearUsd: railYear.totalUsd ?? 0,
      perDayUsd: railYear.perDayUsd ?? 0,
      december: { valueUsd: dec.totalUsd ?? 0, perDayUsd: dec.perDayUsd ?? 0 },
      trains,
      topCommodities: top,
      pressFigures,
    },
    notes: [
      `top ports: TransBorder trade by all modes, exports + imports, both countries, calendar ${year} (the latest full year at port level)`,
      "rail trade at Eagle Pass and El Paso is all with Mexico; per day = the year's value / 365",
      "Trains are BTS inbound (northbound) trains only",
    ],
  };
}
