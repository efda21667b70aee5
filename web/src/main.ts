// The dashboard's shell: the header, the tabs, the list of ports and the overview of the data, which are all
// the first view needs. Everything else (the map, the charts, the scenario builder, the other views) is
// loaded when it is first shown, so the first view paints before the map and chart libraries arrive.
import "./style.css";
import { getJson, type Health, type PortsAnswer } from "./api.ts";
import { byId, h, message, replace } from "./dom.ts";
import { renderIntro } from "./intro.ts";
import { MapFacade } from "./map-facade.ts";
import { PortList } from "./port-list.ts";
import { formatHash, parseHash, route, TABS, type Route, type Tab } from "./router.ts";
import type { Shell, View } from "./shell.ts";

const narrow = window.matchMedia("(max-width: 820px)");

/** The views, each loaded on first use. */
const VIEWS: Record<Exclude<Tab, "ports">, () => Promise<{ createView: (shell: Shell) => View }>> = {
  compare: () => import("./compare.ts"),
  scenario: () => import("./scenario-view.ts"),
  events: () => import("./events.ts"),
  waits: () => import("./waits.ts"),
};

async function start(): Promise<void> {
  const status = byId("data-status");
  // Everything the first view needs, asked for at once.
  const overview = getJson<unknown>("/api/overview");
  overview.catch(() => {}); // shown by the intro
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

  let current: Route = route("ports");
  /** Each tab's last route, so coming back to a tab restores it. */
  const lastOf = new Map<Tab, Route>();
  let tab: Tab = "ports";
  const views = new Map<Tab, Promise<View>>();
  let profileModule: Promise<typeof import("./profile.ts")> | null = null;
  const map = new MapFacade(byId("map"), ports, (code) => list.pick(code));

  const list = new PortList({
    ports,
    tradeWindow: portsAnswer.tradeWindow,
    crossingsLast: cov.crossings.last,
    onPick: (code, how) => pick(code, how),
    onMeasure: (m) => map.setMeasure(m),
    onBorder: (b) => map.setBorder(b),
  });
  byId("port-list-slot").replaceWith(list.el);

  const shell: Shell = {
    ports,
    byCode,
    health,
    map,
    list,
    go: (r, how = "push") => go(r, how),
    replaceRoute: (r) => {
      if (r.tab !== tab) return;
      current = r;
      lastOf.set(r.tab, r);
      setRoute(r, "replace");
    },
    isNarrow: () => narrow.matches,
    focusView: (el) => focusView(el),
  };

  function view(t: Exclude<Tab, "ports">): Promise<View> {
    let v = views.get(t);
    if (!v) {
      const panel = byId(`panel-${t}`);
      replace(panel, message("info", "loading…"));
      v = VIEWS[t]().then((m) => {
        const created = m.createView(shell);
        replace(panel, created.el);
        return created;
      });
      v.catch((e: unknown) => {
        views.delete(t);
        replace(panel, message("error", `could not load this view: ${(e as Error).message}`));
      });
      views.set(t, v);
    }
    return v;
  }

  function showTab(t: Tab, focusTab = false): void {
    const changed = t !== tab;
    if (changed) void views.get(tab)?.then((v) => v.hide?.());
    tab = t;
    for (const x of TABS) {
      const btn = byId(`tab-${x}`);
      btn.setAttribute("aria-selected", String(x === t));
      btn.tabIndex = x === t ? 0 : -1;
      byId(`panel-${x}`).hidden = x !== t;
    }
    if (focusTab) byId(`tab-${t}`).focus();
    document.body.dataset.tab = t;
    if (changed && narrow.matches) window.scrollTo({ top: 0 });
  }

  /** Shows a route (from a link, Back or a click). */
  function render(r: Route): void {
    current = r;
    lastOf.set(r.tab, r);
    showTab(r.tab);
    if (r.tab === "ports") {
      list.setMode("profile");
      map.showDiversions(null);
      map.mark([]);
      if (r.id && byCode.has(r.id)) void openPort(r.id);
      else {
        if (r.id) list.status(`no port ${r.id}: choose one from the list`);
        list.setCurrent(null);
        map.select(null);
        void profileModule?.then((m) => m.leaveProfile(byId("profile")));
        renderIntro(byId("profile"), { ports, overview, onReady: afterFirstView });
      }
      return;
    }
    void view(r.tab).then((v) => {
      if (current === r) v.show(r);
    });
  }

  async function openPort(code: string): Promise<void> {
    list.setCurrent(code);
    map.select(code, true);
    profileModule ??= import("./profile.ts");
    const { renderProfile } = await profileModule;
    await renderProfile(byId("profile"), code, shell);
    afterFirstView();
  }

  /** Goes to a route: a new history entry (or the current one replaced), then shows it. */
  function go(r: Route, how: "push" | "replace" = "push"): void {
    setRoute(r, how);
    render(r);
  }

  /** A port chosen on the map or in the list: what it does depends on the view. */
  function pick(code: string, how: "pointer" | "keyboard"): void {
    if (tab === "ports" || tab === "events") {
      go(route("ports", code));
      if (how === "keyboard" || narrow.matches) pendingFocus = "profile-title";
      return;
    }
    void views.get(tab)?.then((v) => v.pick?.(code));
  }

  let pendingFocus: string | null = null;
  function focusView(el: HTMLElement | null): void {
    // Move focus to a view's heading after a port was chosen in the list (by keyboard, or on a phone where
    // the list is below the view), so the view is what comes next.
    if (!el || !pendingFocus || el.id !== pendingFocus) return;
    pendingFocus = null;
    el.focus({ preventScroll: !narrow.matches });
  }

  // The map and the chart library load after the first view has painted.
  let first = true;
  function afterFirstView(): void {
    if (!first) return;
    first = false;
    document.body.dataset.ready = "true";
    requestAnimationFrame(() => setTimeout(() => map.load(), 0));
  }

  // Tabs: click, or arrow keys between them (the WAI-ARIA tabs pattern). Each tab opens its view as it was.
  for (const t of TABS) {
    const btn = byId(`tab-${t}`);
    btn.addEventListener("click", () => {
      if (t === tab) return;
      go(lastOf.get(t) ?? route(t));
    });
    btn.addEventListener("keydown", (e) => {
      const i = TABS.indexOf(t);
      const next =
        e.key === "ArrowRight"
          ? TABS[(i + 1) % TABS.length]
          : e.key === "ArrowLeft"
            ? TABS[(i + TABS.length - 1) % TABS.length]
            : e.key === "Home"
              ? TABS[0]
              : e.key === "End"
                ? TABS[TABS.length - 1]
                : null;
      if (next) {
        e.preventDefault();
        go(lastOf.get(next) ?? route(next));
        byId(`tab-${next}`).focus();
      }
    });
  }
  // Back, Forward, a link within the page (#port=2303) or an edited address.
  const onAddress = () => {
    const r = parseHash(location.hash);
    if (formatHash(r) !== formatHash(current)) render(r);
  };
  window.addEventListener("popstate", onAddress);
  window.addEventListener("hashchange", onAddress);

  // Skip links move focus, not only the scroll position.
  for (const a of document.querySelectorAll<HTMLAnchorElement>("a[data-skip]")) {
    a.addEventListener("click", (e) => {
      e.preventDefault();
      if (a.dataset.skip === "port-list") list.focus();
      else byId("main").focus();
    });
  }

  render(parseHash(location.hash));
  if (current.tab !== "ports") afterFirstView();
}

void start();

/**
 * Puts a route in the address bar: `push` adds a history entry (a new view), `replace` changes the current
 * one (an edit within the view). Returns false when the address already shows it.
 */
function setRoute(r: Route, how: "push" | "replace"): boolean {
  const hash = formatHash(r);
  const url = `${location.pathname}${location.search}${hash}`;
  if (`${location.pathname}${location.search}${location.hash}` === url) return false;
  if (how === "push") history.pushState(null, "", url);
  else history.replaceState(null, "", url);
  return true;
}
