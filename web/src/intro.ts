// The Ports view before a port is chosen: what the dashboard is, the top ports by trade and the December
// 2023 rail case. Part of the first view, so it uses no chart or map code.
import type { PortItem } from "./api.ts";
import { h, message, replace, table } from "./dom.ts";
import { exportButtons, type Dataset } from "./export.ts";
import { formatInt, formatPct, formatUsd } from "./format.ts";

/** GET /api/overview (the parts the dashboard shows). */
export interface Overview {
  topPorts: {
    year: string;
    ports: {
      code: string;
      name: string;
      border: string;
      valueUsd: number;
      perDayUsd: number;
      truckUsd: number;
      railUsd: number;
    }[];
  };
  rail2023: {
    yearUsd: number;
    perDayUsd: number;
    december: { valueUsd: number; perDayUsd: number };
    ports: { code: string; name: string; valueUsd: number }[];
    topCommodities: { port: string; hs2: string; label: string; share: number }[];
  };
  notes: string[];
}

export interface IntroDeps {
  ports: PortItem[];
  overview: Promise<unknown>;
  /** Called once the top-ports table is in the page. */
  onReady: () => void;
}

/** The top ports as an export: every figure as the API gave it, in USD. */
export function topPortsDataset(o: Overview): Dataset {
  const y = o.topPorts.year;
  return {
    name: `top-ports-trade-${y}`,
    title: `Top land ports by trade value, ${y} (exports + imports)`,
    source: "BTS TransBorder Freight Data, by port of clearance",
    api: ["/api/overview"],
    period: { from: `${y}-01`, to: `${y}-12` },
    columns: [
      { key: "port", label: "CBP port code" },
      { key: "name", label: "port" },
      { key: "border", label: "border" },
      { key: "valueUsd", label: "trade, exports + imports", unit: "USD" },
      { key: "perDayUsd", label: "per average day", unit: "USD per day" },
      { key: "truckUsd", label: "by truck", unit: "USD" },
      { key: "railUsd", label: "by rail", unit: "USD" },
      { key: "status", label: "status of the figures" },
    ],
    rows: o.topPorts.ports.map((p) => ({
      port: p.code,
      name: p.name,
      border: p.border,
      valueUsd: p.valueUsd,
      perDayUsd: p.perDayUsd,
      truckUsd: p.truckUsd,
      railUsd: p.railUsd,
      status: "observed",
    })),
    notes: o.notes,
  };
}

/** Shows the overview in `el`. */
export function renderIntro(el: HTMLElement, deps: IntroDeps): void {
  replace(
    el,
    h("h2", { id: "intro-title", tabindex: "-1" }, "U.S. land ports of entry"),
    h(
      "p",
      { class: "lead" },
      `${formatInt(deps.ports.length)} ports on the Mexican and Canadian borders, from BTS Border Crossing/Entry Data (inbound crossings by measure) and BTS TransBorder Freight Data (trade value by mode and commodity). Choose a port in the list or on the map to see what crosses there and what it is worth; compare ports over any range since 1996; model a closure; look back at past disruptions; check wait times.`,
    ),
    h("div", { id: "overview" }, message("info", "loading the overview…")),
  );
  deps.overview
    .then((raw) => {
      const o = raw as Overview;
      const slot = document.getElementById("overview");
      if (!slot) return; // a port was opened meanwhile
      const r = o.rail2023;
      replace(
        slot,
        h(
          "section",
          { "aria-labelledby": "top-ports-title" },
          h(
            "div",
            { class: "section-head" },
            h("h3", { id: "top-ports-title" }, `Top ports by trade value, ${o.topPorts.year}`),
            exportButtons(() => topPortsDataset(o), `top ports by trade value, ${o.topPorts.year}`),
          ),
          table(
            [
              { label: "port" },
              { label: "trade, exports + imports", numeric: true },
              { label: "per day", numeric: true },
              { label: "truck", numeric: true },
              { label: "rail", numeric: true },
            ],
            o.topPorts.ports.map((p) => [
              h(
                "a",
                { href: `#port=${p.code}`, class: "port-link", "data-code": p.code },
                `${p.name} (${p.code})`,
              ),
              formatUsd(p.valueUsd),
              formatUsd(p.perDayUsd),
              formatUsd(p.truckUsd),
              formatUsd(p.railUsd),
            ]),
            { attrs: { "data-table": "top-ports" }, label: `Top ports by trade value, ${o.topPorts.year}` },
          ),
        ),
        h(
          "section",
          { class: "callout" },
          h("h3", {}, "December 2023: rail at Eagle Pass and El Paso suspended for four days"),
          h(
            "p",
            {},
            "Rail trade through the two crossings was ",
            h("strong", {}, formatUsd(r.yearUsd)),
            " in 2023, ",
            h("strong", {}, `${formatUsd(r.perDayUsd)} per average day`),
            ` (${formatUsd(r.december.perDayUsd)} per day in December) — exports + imports, the value of goods that cross, comparable with press figures of goods delayed per day, not with estimates of economic loss. Top commodities: ${r.topCommodities
              .filter((c) => c.port === "2303")
              .slice(0, 3)
              .map((c) => `${c.label} ${formatPct(c.share)}`)
              .join(", ")} at Eagle Pass.`,
          ),
          h(
            "div",
            { class: "toolbar" },
            h(
              "a",
              { class: "button", href: "#scenario&preset=dec-2023", id: "intro-preset" },
              "Model it in the scenario builder",
            ),
            h(
              "a",
              { class: "button secondary", href: "#event=cbp-rail-suspension-eagle-pass-el-paso-2023-12" },
              "What happened, and did the model predict it?",
            ),
          ),
        ),
        h(
          "ul",
          { class: "notes" },
          o.notes.map((n) => h("li", {}, n)),
        ),
      );
      deps.onReady();
    })
    .catch((e: unknown) => {
      const slot = document.getElementById("overview");
      if (slot) replace(slot, message("error", `could not load the overview: ${(e as Error).message}`));
      deps.onReady();
    });
}
