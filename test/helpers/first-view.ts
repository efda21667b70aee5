// What the dashboard's first view costs, measured in a real browser: when the header and the top-ports table
// are painted (first meaningful paint), and the requests and bytes before that and over the whole load, on
// an unthrottled connection or a slow-4G profile (CDP network throttling). Used by the browser test (which
// records the figures) and bench/dashboard.ts (which prints them beside the baseline).
import type { Browser, Request } from "playwright-core";

/** Lighthouse's "slow 4G" (DevTools throttling): 150 ms RTT × 3.75, 1.6 Mbps × 0.9 down, 750 kbps × 0.9 up. */
export const SLOW_4G = {
  offline: false,
  latency: 562.5,
  downloadThroughput: (1.6e6 * 0.9) / 8,
  uploadThroughput: (750e3 * 0.9) / 8,
} as const;

export interface LoadFigures {
  requests: number;
  /** Bytes on the wire (headers and compressed bodies). */
  bytes: number;
  /** Bytes on the wire of JavaScript (scripts, modules and workers). */
  jsBytes: number;
}

export interface FirstViewFigures {
  profile: "desktop" | "slow-4g";
  /** ms from navigation start to the first frame painted with the header and the top-ports table. */
  firstMeaningfulPaintMs: number;
  firstContentfulPaintMs: number | null;
  /** What was loaded before the first meaningful paint. */
  firstView: LoadFigures;
  /** URLs loaded before the first meaningful paint (paths only). */
  firstViewUrls: string[];
  /** ms until the map is drawn and the network is quiet. */
  loadedMs: number;
  /** Everything loaded by then. */
  load: LoadFigures;
  /** Requests answered 304 or from the cache on a reload (files the browser revalidated or refetched). */
  reload?: { requests: number; revalidated: number; bytes: number };
}

interface Req {
  url: string;
  type: string;
  mime: string;
  status: number;
  fromCache: boolean;
  bytes: number;
  /** Wall-clock ms of the end of loading. */
  endWallMs: number;
}

// Records, from the first script that runs, when the header and the top-ports table are in the page, then
// the frame after (two animation frames: the first runs before the paint, the second after it).
const FMP_SCRIPT = `(() => {
  const done = () => document.querySelector("header.top [role=tab]") && document.querySelector("#overview table");
  const mark = () => requestAnimationFrame(() => requestAnimationFrame(() => { window.__fmp = performance.now(); }));
  const obs = new MutationObserver(() => { if (done()) { obs.disconnect(); mark(); } });
  const start = () => { if (done()) mark(); else obs.observe(document.documentElement, { childList: true, subtree: true }); };
  if (document.documentElement) start(); else document.addEventListener("readystatechange", start, { once: true });
})();`;

const isJs = (r: Req) =>
  r.type === "Script" || /javascript|ecmascript/.test(r.mime) || /\.m?js(\?|$)/.test(r.url);

function sum(rs: Req[]): LoadFigures {
  return {
    requests: rs.length,
    bytes: rs.reduce((s, r) => s + r.bytes, 0),
    jsBytes: rs.filter(isJs).reduce((s, r) => s + r.bytes, 0),
  };
}

/**
 * Opens `url` in a fresh context (empty cache) and measures its first view; with `reload`, loads it again
 * in the same context to count what the browser asks the server again.
 */
export async function measureFirstView(
  browser: Browser,
  url: string,
  opts: {
    profile: "desktop" | "slow-4g";
    viewport?: { width: number; height: number };
    reload?: boolean;
    /** Wait for the map to be drawn before counting the whole load (default true). */
    waitForMap?: boolean;
    timeoutMs?: number;
  },
): Promise<FirstViewFigures> {
  const ctx = await browser.newContext({
    viewport: opts.viewport ?? { width: 1440, height: 900 },
    locale: "en-US",
    timezoneId: "UTC",
    // The server's CSP forbids eval, which playwright's string predicates use (the CSP itself is tested
    // apart, in the browser test).
    bypassCSP: true,
  });
  try {
    const page = await ctx.newPage();
    await page.addInitScript(FMP_SCRIPT);
    const cdp = await ctx.newCDPSession(page);
    await cdp.send("Network.enable");
    if (opts.profile === "slow-4g") await cdp.send("Network.emulateNetworkConditions", SLOW_4G);
    // Every request of the page and its workers, with its size on the wire when it has finished.
    const reqs = new Map<Request, Req>();
    const pending: Promise<void>[] = [];
    page.on("request", (r) => {
      if (r.url().startsWith("data:") || r.url().startsWith("blob:")) return;
      reqs.set(r, {
        url: r.url(),
        type: r.resourceType(),
        mime: "",
        status: 0,
        fromCache: false,
        bytes: 0,
        endWallMs: Number.POSITIVE_INFINITY,
      });
    });
    const finished = (r: Request, failed: boolean) => {
      const x = reqs.get(r);
      if (!x) return;
      const end = Date.now();
      pending.push(
        (async () => {
          const res = failed ? null : await r.response();
          x.status = res?.status() ?? 0;
          x.mime = (await res?.headerValue("content-type")) ?? "";
          x.fromCache = res ? res.fromServiceWorker() || x.status === 304 : false;
          const sizes = failed ? null : await r.sizes().catch(() => null);
          // Chromium reports no body size for a worker's script: its Content-Length stands in.
          const body = sizes?.responseBodySize || Number((await res?.headerValue("content-length")) ?? 0);
          x.bytes = sizes ? body + sizes.responseHeadersSize : 0;
          x.endWallMs = end;
        })(),
      );
    };
    page.on("requestfinished", (r) => finished(r, false));
    page.on("requestfailed", (r) => finished(r, true));
    const timeout = opts.timeoutMs ?? 120_000;
    await page.goto(url, { waitUntil: "commit", timeout });
    await page.waitForFunction("typeof window.__fmp === 'number'", null, { timeout, polling: 50 });
    const { fmp, fcp, origin } = (await page.evaluate(
      `({ fmp: window.__fmp, origin: performance.timeOrigin, fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null })`,
    )) as { fmp: number; fcp: number | null; origin: number };
    const fmpWall = origin + fmp;
    await Promise.all(pending);
    const firstView = sum([...reqs.values()].filter((r) => r.endWallMs <= fmpWall));
    // The whole load: the map drawn where it is on the screen (on a phone it is below the view and loads
    // only when scrolled to), then no request for a second.
    if (opts.waitForMap ?? true) await page.waitForSelector("#map[data-ready]", { timeout });
    let last = -1;
    for (let i = 0; i < 240; i++) {
      const pending = [...reqs.values()].filter((r) => !Number.isFinite(r.endWallMs)).length;
      if (pending === 0 && reqs.size === last) break;
      last = reqs.size;
      await page.waitForTimeout(1000);
    }
    await Promise.all(pending);
    const loaded = [...reqs.values()].filter((r) => Number.isFinite(r.endWallMs));
    const loadedMs = Math.max(...loaded.map((r) => r.endWallMs)) - origin;
    const out: FirstViewFigures = {
      profile: opts.profile,
      firstMeaningfulPaintMs: Math.round(fmp),
      firstContentfulPaintMs: fcp === null ? null : Math.round(fcp),
      firstView,
      firstViewUrls: [...reqs.values()]
        .filter((r) => r.endWallMs <= fmpWall)
        .map((r) => new URL(r.url).pathname),
      loadedMs: Math.round(Math.max(loadedMs, fmp)),
      load: sum(loaded),
    };
    if (opts.reload) {
      reqs.clear();
      await page.reload({ waitUntil: "load", timeout });
      if (opts.waitForMap ?? true) await page.waitForSelector("#map[data-ready]", { timeout });
      await page.waitForTimeout(1000);
      await Promise.all(pending);
      const again = [...reqs.values()];
      out.reload = {
        requests: again.length,
        revalidated: again.filter((r) => r.status === 304).length,
        bytes: again.reduce((s, r) => s + r.bytes, 0),
      };
    }
    return out;
  } finally {
    await ctx.close();
  }
}

/** The figures as one line of text. */
export function describeFirstView(f: FirstViewFigures): string {
  const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
  return (
    `${f.profile}: first meaningful paint ${f.firstMeaningfulPaintMs} ms (FCP ${f.firstContentfulPaintMs ?? "–"} ms); ` +
    `before it ${f.firstView.requests} requests, ${kb(f.firstView.bytes)} (JS ${kb(f.firstView.jsBytes)}); ` +
    `whole load ${f.loadedMs} ms, ${f.load.requests} requests, ${kb(f.load.bytes)} (JS ${kb(f.load.jsBytes)})` +
    (f.reload
      ? `; reload: ${f.reload.requests} requests, ${f.reload.revalidated} revalidated (304), ${kb(f.reload.bytes)}`
      : "")
  );
}
