// The dashboard: a map and list of ports beside three views (a port's profile, the scenario builder, past
// disruptions), kept in the URL hash so any view can be linked to.
import "./style.css";
import { getJson, type EventItem, type Health, type PortsAnswer } from "./api.ts";
import { resizeCharts } from "./charts.ts";
import { byId, h, message, replace, table } from "./dom.ts";
import { renderEvent, renderEventList, type EventsDeps } from "./events.ts";
import { formatInt, formatPct, formatUsd } from "./format.ts";
import { PortMap } from "./map.ts";
import { PortList } from "./port-list.ts";
import { renderProfile } from "./profile.ts";
import { ScenarioBuilder } from "./scenario-builder.ts";
import { decodeHash } from "./scenario-spec.ts";

type Tab = "ports" | "scenario" | "events";
const TABS: Tab[] = ["ports", "scenario", "events"];

interface Overview {
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
    pressFigures: { by: string; value: unknown; unit: string; measures: string; comparable?: string }[];
  };
  notes: string[];
}

const narrow = window.matchMedia("(max-width: 820px)");

async function start(): Promise<void> {
  const status = byId("data-status");
  let health: Health;
  let portsAnswer: PortsAnswer;
  try {
    [health, portsAnswer] = await Promise.all([
      getJson<Health>("/api/health"),
      getJson<PortsAnswer>("/api/ports"),
    ]);
  } catch (e) {
    replace(
      byId("profile"),
      message("error", `The API did not answer: ${(e as Error).message}. Is \`borderflow serve\` running?`),
    );
    return;
  }
  const cov = health.coverage;
  status.textContent = `snapshot ${health.snapshotVersion ?? "?"} · crossings ${cov.crossings.first}..${cov.crossings.last} · port trade ${cov.trade.first}..${cov.trade.last}`;
  const ports = portsAnswer.ports;
  const byCode = new Map<string, (typeof ports)[number]>(ports.map((p) => [p.code, p]));
  replace(
    byId("port-options"),
    ports.map((p) => h("option", { value: `${p.name} (${p.code})` })),
  );

  let tab: Tab = "ports";
  let currentPort: string | null = null;
  let currentEvent: string | null = null;
  let eventCodes: string[] = [];
  let eventsLoaded: Promise<void> | null = null;

  const map = new PortMap(byId("map"), ports, (code) => pick(code));
  const list = new PortList({
    ports,
    tradeWindow: portsAnswer.tradeWindow,
    crossingsLast: cov.crossings.last,
    onPick: (code) => pick(code),
    onMeasure: (m) => map.setMeasure(m),
  });
  byId("port-list-slot").replaceWith(list.el);

  const builder = new ScenarioBuilder({
    ports,
    onPorts: (codes, active, fit) => {
      if (tab !== "scenario") return;
      map.mark(codes, fit);
      list.setPressed(codes);
      list.setMode("scenario", `event ${active + 1} of the scenario`);
    },
  });
  byId("panel-scenario").append(builder.el);

  const setHash = (hash: string) => {
    const url = `${location.pathname}${location.search}${hash}`;
    if (`${location.pathname}${location.search}${location.hash}` !== url) history.replaceState(null, "", url);
  };

  function showTab(t: Tab, focus = false): void {
    tab = t;
    for (const x of TABS) {
      const btn = byId(`tab-${x}`);
      btn.setAttribute("aria-selected", String(x === t));
      btn.tabIndex = x === t ? 0 : -1;
      byId(`panel-${x}`).hidden = x !== t;
    }
    if (focus) byId(`tab-${t}`).focus();
    document.body.dataset.tab = t;
    if (t === "ports") {
      list.setMode("profile");
      map.mark([]);
      map.select(currentPort);
      setHash(currentPort ? `#port=${currentPort}` : "");
    } else if (t === "scenario") {
      map.select(null);
      const codes = builder.portCodes();
      map.mark(codes, codes.length > 0);
      list.setPressed(codes);
      list.setMode("scenario", builder.activeLabel());
      builder.syncHash();
    } else {
      list.setMode("profile");
      map.select(null);
      map.mark(eventCodes);
      setHash(currentEvent ? `#event=${currentEvent}` : "#events");
      void loadEvents();
    }
    requestAnimationFrame(() => {
      map.resize();
      resizeCharts();
    });
  }

  function pick(code: string): void {
    if (tab === "scenario") builder.togglePort(code);
    else openPort(code);
  }

  function openPort(code: string): void {
    if (!byCode.has(code)) return;
    currentPort = code;
    if (tab !== "ports") showTab("ports");
    list.setCurrent(code);
    map.select(code, true);
    setHash(`#port=${code}`);
    void renderProfile(byId("profile"), code, {
      crossingsLast: cov.crossings.last,
      tradeLast: cov.trade.last,
      onAddToScenario: (c) => {
        builder.usePort(c);
        showTab("scenario");
      },
    }).then(() => {
      // On a phone the profile is below the map and the list: bring it into view once it is there.
      if (narrow.matches && currentPort === code) byId("main").scrollIntoView({ block: "start" });
    });
  }

  const eventsDeps: EventsDeps = {
    onOpen: (id) => openEvent(id),
    onPorts: (codes) => {
      eventCodes = codes;
      if (tab === "events") map.mark(codes, true);
    },
    onScenario: (raw, from) => {
      if (builder.loadRaw(raw, from)) showTab("scenario");
    },
  };

  function loadEvents(): Promise<void> {
    eventsLoaded ??= getJson<{ events: EventItem[] }>("/api/events")
      .then((r) => renderEventList(byId("event-list"), r.events, eventsDeps))
      .catch((e: unknown) => {
        eventsLoaded = null;
        replace(byId("event-list"), message("error", `could not load the events: ${(e as Error).message}`));
      });
    return eventsLoaded;
  }

  function openEvent(id: string): void {
    currentEvent = id;
    if (tab !== "events") showTab("events");
    setHash(`#event=${id}`);
    for (const b of document.querySelectorAll<HTMLElement>(".event-item"))
      b.setAttribute("aria-current", String(b.dataset.event === id));
    const detail = byId("event-detail");
    void renderEvent(detail, id, eventsDeps).then(() => {
      if (narrow.matches || detail.getBoundingClientRect().top > window.innerHeight)
        detail.scrollIntoView({ block: "start" });
    });
  }

  function route(hash: string): void {
    const s = hash.replace(/^#/, "");
    if (s.startsWith("scenario=")) {
      const d = decodeHash(hash);
      if (d.ok) builder.loadRaw(d.raw, "the link");
      else builder.loadRaw(null, `the link (${d.error})`);
      showTab("scenario");
    } else if (s.startsWith("port=")) {
      openPort(decodeURIComponent(s.slice(5)));
    } else if (s.startsWith("event=")) {
      void loadEvents();
      openEvent(decodeURIComponent(s.slice(6)));
    } else if (s === "events") {
      showTab("events");
    } else {
      showTab("ports");
    }
  }

  // Tabs: click, or arrow keys between them (the WAI-ARIA tabs pattern).
  for (const t of TABS) {
    const btn = byId(`tab-${t}`);
    btn.addEventListener("click", () => showTab(t));
    btn.addEventListener("keydown", (e) => {
      const i = TABS.indexOf(t);
      const next =
        e.key === "ArrowRight"
          ? TABS[(i + 1) % TABS.length]
          : e.key === "ArrowLeft"
            ? TABS[(i + TABS.length - 1) % TABS.length]
            : null;
      if (next) {
        e.preventDefault();
        showTab(next, true);
      }
    });
  }
  window.addEventListener("hashchange", () => route(location.hash));

  renderIntro(
    ports.length,
    (code) => openPort(code),
    () => {
      builder.loadPreset();
      showTab("scenario");
    },
  );
  route(location.hash);
  document.body.dataset.ready = "true";
}

/** The Ports view before a port is chosen: what the dashboard is, and the overview of the data. */
function renderIntro(portCount: number, open: (code: string) => void, preset: () => void): void {
  const el = byId("profile");
  replace(
    el,
    h("h2", {}, "U.S. land ports of entry"),
    h(
      "p",
      { class: "lead" },
      `${formatInt(portCount)} ports on the Mexican and Canadian borders, from BTS Border Crossing/Entry Data (inbound crossings by measure) and BTS TransBorder Freight Data (trade value by mode and commodity). Choose a port on the map or in the list to see what crosses there and what it is worth.`,
    ),
    h("div", { id: "overview" }, message("info", "loading the overview…")),
  );
  getJson<Overview>("/api/overview")
    .then((o) => {
      const slot = document.getElementById("overview");
      if (!slot) return; // a port was opened meanwhile
      const r = o.rail2023;
      replace(
        slot,
        h(
          "section",
          {},
          h("h3", {}, `Top ports by trade value, ${o.topPorts.year}`),
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
                "button",
                { type: "button", class: "link", onclick: () => open(p.code) },
                `${p.name} (${p.code})`,
              ),
              formatUsd(p.valueUsd),
              formatUsd(p.perDayUsd),
              formatUsd(p.truckUsd),
              formatUsd(p.railUsd),
            ]),
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
          h("button", { type: "button", onclick: preset }, "Model it in the scenario builder"),
        ),
        h(
          "ul",
          { class: "notes" },
          o.notes.map((n) => h("li", {}, n)),
        ),
      );
    })
    .catch((e: unknown) => {
      const slot = document.getElementById("overview");
      if (slot) replace(slot, message("error", `could not load the overview: ${(e as Error).message}`));
    });
}

void start();
