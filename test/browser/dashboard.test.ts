// The dashboard in a real browser: headless Chromium (test/helpers/browser.ts: the npm one unless
// $BORDERFLOW_CHROMIUM says otherwise) through playwright-core, against the real
// server (the API and the built dashboard, in-process on 127.0.0.1) over the real snapshot and a wait-time
// archive of real readings. Every number checked on the page, and every file the page downloads, is compared
// with the API's answer. The first view's paint time, requests and bytes are recorded (not asserted: timings
// belong to bench/dashboard.ts), its JavaScript size is asserted.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { buildApp } from "../../src/api/server.ts";
import { ensureWebBuilt, WEB_DIST } from "../../src/cli/commands/serve.ts";
import { formatUsd } from "../../src/cli/format.ts";
import { ScenarioSpecSchema } from "../../src/domain/scenario.ts";
import type { ScenarioResult } from "../../src/model/report.ts";
import { Store } from "../../src/store/db.ts";
import { launchChromium } from "../helpers/browser.ts";
import { describeFirstView, measureFirstView } from "../helpers/first-view.ts";
import { elPasoHourlyReadings, santaTeresaClosed, writeArchiveReadings } from "../helpers/waits-history.ts";

const ARTIFACTS = "test-artifacts";
const PRESET_FILE = "examples/dec-2023-rail-suspension.json";
const PRESET = JSON.parse(readFileSync(PRESET_FILE, "utf8")) as Record<string, unknown>;
const DEC_2023_EVENT = "cbp-rail-suspension-eagle-pass-el-paso-2023-12";
const AMBASSADOR_EVENT = "ambassador-bridge-blockade-2022-02";
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
/** Set BORDERFLOW_README_IMAGES=1 to refresh the README's screenshots in docs/img from this run. */
const README_IMAGES = process.env.BORDERFLOW_README_IMAGES === "1";
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
/** A strict Content-Security-Policy: no inline script or style, nothing from another origin. */
const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

// Independent formatters: the page must write numbers exactly like this (and like the CLI).
const int = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const whole = (v: number) => int.format(Math.round(v) === 0 ? 0 : v);
const rate = (v: number) => (Math.abs(v) >= 100 || v === 0 ? int.format(v) : one.format(v));
const signed = (v: number) => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}%`;
const addDays = (iso: string, n: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

let store: Store;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let archive: string;
const requests: string[] = [];
const pageErrors: string[] = [];
/** When the archive's closed lane at Santa Teresa was fetched (the archive's last El Paso day, MST). */
const SANTA_TERESA_CLOSED_AT = "2025-12-28T20:05:00.000Z";
const shots: string[] = [];

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const log: string[] = [];
  const built = await ensureWebBuilt({ out: (s) => log.push(s), err: (s) => log.push(s), isTty: false });
  assert.ok(built, `web/index.html is missing: the dashboard cannot be built (${log.join("")})`);
  // A wait-time archive of real readings (El Paso, autumn 2025), as `borderflow watch` writes it, and a
  // commercial lane of Santa Teresa (about 20 km away) reported closed on the archive's last day.
  archive = mkdtempSync(join(tmpdir(), "bf-browser-waits-"));
  writeArchiveReadings(archive, [...elPasoHourlyReadings(), santaTeresaClosed(SANTA_TERESA_CLOSED_AT)]);
  store = await Store.open({ path: ":memory:" });
  app = await buildApp({ store, webRoot: WEB_DIST, archiveDir: archive });
  await app.listen({ host: "127.0.0.1", port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  ({ browser } = await launchChromium());
});

after(async () => {
  await browser?.close();
  await app?.close();
  store?.close();
  if (archive) rmSync(archive, { recursive: true, force: true });
});

/** A browser context that records every request and every page error. */
async function newContext(
  viewport: { width: number; height: number },
  opts: { mobile?: boolean; csp?: string } = {},
): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport,
    locale: "en-US",
    timezoneId: "UTC",
    acceptDownloads: true,
    ...(opts.mobile ? { isMobile: true, hasTouch: true } : {}),
    // The server sends a strict CSP (no eval), which would also stop playwright's own string predicates
    // (waitForFunction); only the CSP test (opts.csp) runs under it.
    ...(opts.csp ? {} : { bypassCSP: true }),
  });
  ctx.setDefaultTimeout(30_000);
  ctx.on("request", (r) => requests.push(r.url()));
  ctx.on("page", (p) => {
    p.on("pageerror", (e) => pageErrors.push(`${p.url()}: ${e.message}`));
    p.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(`${p.url()}: console: ${m.text()}`);
    });
  });
  if (opts.csp) {
    const csp = opts.csp;
    // "server": the policy the server itself sends (src/api/security.ts); else this one instead of it.
    if (csp !== "server")
      await ctx.route(`${base}/**`, async (route) => {
        if (route.request().resourceType() !== "document") return route.continue();
        const res = await route.fetch();
        await route.fulfill({ response: res, headers: { ...res.headers(), "content-security-policy": csp } });
      });
    await ctx.addInitScript(
      "window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));",
    );
  }
  return ctx;
}

async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    ...(body === undefined
      ? {}
      : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  assert.equal(res.status, 200, `${path} answered ${res.status}`);
  return (await res.json()) as T;
}

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? "").trim();

async function open(page: Page, hash = ""): Promise<void> {
  await page.goto(`${base}/${hash}`);
  await page.waitForSelector("body[data-ready=true]");
}

/** Waits until the charts inside `scope` are drawn. */
async function chartsDrawn(page: Page, scope: string): Promise<void> {
  await page.waitForFunction(
    `[...document.querySelectorAll(${JSON.stringify(`${scope} .chart`)})].length > 0 && [...document.querySelectorAll(${JSON.stringify(`${scope} .chart`)})].every((c) => c.dataset.ready === "true")`,
  );
}

async function shot(page: Page, name: string, scrollTo?: string): Promise<void> {
  // The map as the user sees it once drawn (its circles and labels), not half-loaded.
  await page.waitForSelector("#map[data-ready]");
  if (scrollTo)
    await page
      .locator(scrollTo)
      .first()
      .evaluate((el) => el.scrollIntoView({ block: "start" }));
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  shots.push(`${name}.png`);
}

// ---------------------------------------------------------------------------------------------------------
// Downloads

interface Download {
  name: string;
  text: string;
}

async function download(page: Page, selector: string): Promise<Download> {
  // Chromium drops about one download in ten when a page saves many in a row (the click happens, no
  // download event comes): one more click then.
  for (let attempt = 1; ; attempt++) {
    const waiting = page.waitForEvent("download", { timeout: attempt === 1 ? 8_000 : 30_000 });
    await page.locator(selector).first().click();
    try {
      const d = await waiting;
      return { name: d.suggestedFilename(), text: readFileSync((await d.path())!, "utf8") };
    } catch (e) {
      if (attempt > 1) throw e;
    }
  }
}

/** Parses our CSV: `#` lines are metadata; quoted cells may hold commas and quotes. */
function parseCsv(csv: string): { meta: string[]; header: string[]; rows: string[][] } {
  const lines = csv.split("\n").filter((l) => l !== "");
  const meta = lines.filter((l) => l.startsWith("# "));
  const data = lines.filter((l) => !l.startsWith("# "));
  const split = (l: string) => {
    const out: string[] = [];
    let cur = "";
    let q = false;
    for (let i = 0; i < l.length; i++) {
      const c = l[i]!;
      if (q) {
        if (c === '"' && l[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (c === '"') q = false;
        else cur += c;
      } else if (c === '"') q = true;
      else if (c === ",") {
        out.push(cur);
        cur = "";
      } else cur += c;
    }
    out.push(cur);
    return out;
  };
  const [header, ...rows] = data.map(split);
  return { meta, header: header ?? [], rows };
}

interface ExportJson {
  title: string;
  source: string;
  api: string[];
  link: string;
  period: { from: string; to: string } | null;
  columns: { key: string; label: string; unit?: string; derived?: boolean }[];
  rows: Record<string, string | number | boolean | null>[];
  notes: string[];
}

function numbersIn(v: unknown, out: Set<number>): Set<number> {
  if (typeof v === "number") out.add(v);
  else if (Array.isArray(v)) for (const x of v) numbersIn(x, out);
  else if (v && typeof v === "object") for (const x of Object.values(v)) numbersIn(x, out);
  return out;
}

/**
 * Checks a chart's or table's JSON download against the API: it says what it is (title, source, period,
 * columns with units), and every number in it that is not marked derived is a number the API answered to
 * the requests the file names. Then the CSV twin has the same rows.
 */
async function checkExport(
  page: Page,
  scope: string,
  where: string,
  /** `answers`: the API's answers when they are not GETs of `api` (a POST); `text`: a table without numbers. */
  opts: { answers?: unknown[]; text?: boolean } = {},
): Promise<ExportJson> {
  const json = await download(page, `${scope} [data-export] button[data-format=json]`);
  const j = JSON.parse(json.text) as ExportJson;
  assert.ok(j.title && j.source && j.api.length, `${where}: title, source and API requests`);
  assert.ok(j.link.startsWith(base), `${where}: a link to the view`);
  assert.ok(j.rows.length > 0, `${where}: rows`);
  const apiNumbers = new Set<number>();
  for (const a of opts.answers ?? (await Promise.all(j.api.map((url) => api(url))))) numbersIn(a, apiNumbers);
  const numeric = j.columns.filter((c) => !c.derived && j.rows.some((r) => typeof r[c.key] === "number"));
  assert.ok(opts.text || numeric.length > 0, `${where}: numeric columns`);
  for (const c of numeric) {
    assert.ok(c.unit, `${where}: column ${c.key} states its unit`);
    for (const r of j.rows) {
      const v = r[c.key];
      if (typeof v === "number")
        assert.ok(apiNumbers.has(v), `${where}: ${c.key} = ${v} is not a number of ${j.api.join(", ")}`);
    }
  }
  if (j.columns.some((c) => c.key === "status"))
    for (const r of j.rows)
      assert.match(String(r.status), /^(observed|zero|missing|not-reported|estimate|derived)$/);
  const csv = parseCsv((await download(page, `${scope} [data-export] button[data-format=csv]`)).text);
  assert.deepEqual(
    csv.header,
    j.columns.map((c) => c.key),
    `${where}: CSV header`,
  );
  assert.equal(csv.rows.length, j.rows.length, `${where}: CSV rows`);
  for (const [i, r] of j.rows.entries())
    for (const [k, c] of j.columns.entries()) {
      const v = r[c.key] ?? null;
      assert.equal(csv.rows[i]![k], v === null ? "" : String(v), `${where}: CSV row ${i} ${c.key}`);
    }
  assert.ok(
    csv.meta.some((m) => m.startsWith("# source: ")),
    `${where}: CSV names its source`,
  );
  for (const n of j.notes) assert.ok(csv.meta.includes(`# note: ${n}`), `${where}: CSV note ${n}`);
  return j;
}

// ---------------------------------------------------------------------------------------------------------
// Accessibility

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page; returns the serious and critical violations. */
async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate("typeof window.axe === 'object'"))) await page.evaluate(AXE);
  const violations = (await page.evaluate(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))",
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(" "))
          .join("; ")})`,
    );
}

/**
 * Presses Tab `n` times from the top of the page and checks that every element that takes the focus is on
 * the screen and shows it (an outline or a box shadow).
 */
async function tabThrough(page: Page, n: number, where: string): Promise<void> {
  await page.evaluate("document.activeElement?.blur(); window.scrollTo(0, 0)");
  for (let i = 0; i < n; i++) {
    await page.keyboard.press("Tab");
    const f = (await page.evaluate(`(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== "none");
      return { tag: el.tagName, id: el.id, cls: String(el.className), text: (el.textContent || "").trim().slice(0, 40), w: r.width, h: r.height, ring };
    })()`)) as {
      tag: string;
      id: string;
      cls: string;
      text: string;
      w: number;
      h: number;
      ring: boolean;
    } | null;
    if (!f) return; // past the end of the page
    const who = `${where}: Tab ${i + 1} on <${f.tag.toLowerCase()}${f.id ? `#${f.id}` : ""} class="${f.cls}"> “${f.text}”`;
    assert.ok(f.w >= 4 && f.h >= 4, `${who} is not on the screen (${f.w}×${f.h})`);
    assert.ok(f.ring, `${who} shows no focus ring`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The scenario's figures

/** Compares a result's figures shown on the page with the API's result. */
async function assertResultShown(page: Page, r: ScenarioResult, where: string): Promise<void> {
  const c = r.costs;
  const card = async (key: string, part: string) =>
    text(page, `[data-figure="${key}"] [data-part="${part}"]`);
  for (const key of ["valueHeldUpPerClosureDayUsd", "valueHeldUpUsd", "directUsd"] as const) {
    for (const part of ["value", "p10", "p90"] as const)
      assert.equal(await card(key, part), formatUsd(c[key][part]), `${where}: ${key} ${part}`);
  }
  const b = r.backlog;
  assert.deepEqual(
    b.byUnit.map((u) => u.unit),
    ["railcars"],
  );
  const rail = b.byUnit[0]!;
  assert.equal(
    await card("peakBacklog-railcars", "value"),
    `${whole(rail.peak.value)} railcars`,
    `${where}: peak backlog, whole railcars`,
  );
  assert.equal(await card("peakBacklog-railcars", "p10"), whole(rail.peak.p10), `${where}: peak backlog P10`);
  assert.equal(await card("peakBacklog-railcars", "p90"), whole(rail.peak.p90), `${where}: peak backlog P90`);
  assert.equal(
    await card("clearDate", "value"),
    addDays(r.grid.start, b.clearDay.value),
    `${where}: clear date`,
  );
  assert.equal(await card("clearDate", "p10"), addDays(r.grid.start, b.clearDay.p10), `${where}: clear P10`);
  assert.equal(await card("clearDate", "p90"), addDays(r.grid.start, b.clearDay.p90), `${where}: clear P90`);
  assert.equal(await card("widerUsd", "value"), "off", `${where}: the multiplier is off`);

  for (const key of ["carryingUsd", "equipmentUsd", "spoilageUsd", "detourUsd", "directUsd"] as const) {
    for (const col of ["value", "p10", "p50", "p90"] as const) {
      assert.equal(
        await text(page, `[data-table="cost-layers"] tr[data-row="${key}"] [data-col="${col}"]`),
        formatUsd(c[key][col]),
        `${where}: cost layer ${key} ${col}`,
      );
    }
  }
  const rows = page.locator('[data-table="commodities"] tbody tr');
  assert.equal(await rows.count(), c.byCommodity.length, `${where}: commodity rows`);
  for (const [i, x] of c.byCommodity.slice(0, 8).entries()) {
    const cells = (await rows.nth(i).locator("td").allTextContents()).map((s) => s.trim());
    assert.deepEqual(cells.slice(0, 3), [x.hs2, x.label, formatUsd(x.valueUsd)], `${where}: commodity ${i}`);
  }
  const params = page.locator('[data-table="assumptions"] tbody tr');
  assert.equal(await params.count(), r.assumptions.length, `${where}: assumption rows`);
  for (const [i, a] of r.assumptions.entries()) {
    const cells = (await params.nth(i).locator("td").allTextContents()).map((s) => s.trim());
    assert.deepEqual(cells.slice(0, 3), [a.name, a.value, a.unit], `${where}: assumption ${a.name}`);
  }
  const flows = page.locator('[data-table="flows"] tbody tr');
  assert.equal(await flows.count(), r.flows.length, `${where}: flow rows`);
  for (const [i, f] of r.flows.entries()) {
    const cells = (await flows.nth(i).locator("td").allTextContents()).map((s) => s.trim());
    assert.ok(cells[0]!.startsWith(`${f.portName} (${f.port})`), `${where}: flow ${i} is ${f.key}`);
    assert.equal(cells[3], rate(f.blockedPerClosureDay), `${where}: ${f.key} blocked per closure day`);
    assert.equal(cells[4], whole(f.blocked), `${where}: ${f.key} blocked, whole units`);
    assert.equal(cells.at(-1), f.clearDate ?? "not in the run", `${where}: ${f.key} clear date`);
  }
  const summary = await text(page, "[data-summary]");
  assert.match(summary, new RegExp(`${int.format(r.monteCarlo.draws)} draws, seed ${r.monteCarlo.seed}`));
  await chartsDrawn(page, "#scenario-results");
}

// ---------------------------------------------------------------------------------------------------------

test(
  "the first view paints the header and the top ports before the map and chart libraries load",
  { timeout: 300_000 },
  async (t) => {
    // Compressed answers and immutable hashed files, as the server sends them.
    const html = await (await fetch(`${base}/`)).text();
    const entry = /src="(\/assets\/index-[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(entry, "index.html loads its entry module");
    const js = await fetch(`${base}${entry}`, { headers: { "accept-encoding": "br" } });
    assert.equal(js.headers.get("content-encoding"), "br", "hashed files are sent brotli-compressed");
    assert.equal(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
    const page = await fetch(`${base}/`, { headers: { "accept-encoding": "gzip" } });
    assert.equal(page.headers.get("content-encoding"), "gzip");
    assert.equal(page.headers.get("cache-control"), "no-cache", "the page itself is revalidated");
    const ports = await fetch(`${base}/api/ports`, { headers: { "accept-encoding": "br, gzip" } });
    assert.equal(ports.headers.get("content-encoding"), "br", "API answers are compressed");

    const desktop = await measureFirstView(browser, `${base}/`, { profile: "desktop", reload: true });
    const slow = await measureFirstView(browser, `${base}/`, {
      profile: "slow-4g",
      viewport: PHONE,
      waitForMap: false,
      timeoutMs: 180_000,
    });
    writeFileSync(join(ARTIFACTS, "first-view.json"), `${JSON.stringify({ desktop, slow }, null, 2)}\n`);
    t.diagnostic(describeFirstView(desktop));
    t.diagnostic(describeFirstView(slow));
    for (const f of [desktop, slow]) {
      // The preloaded API answers are the ones the page uses: each asked once.
      assert.deepEqual(
        f.firstViewUrls.filter((u, i, all) => all.indexOf(u) !== i),
        [],
        `${f.profile}: a request asked twice before the first view`,
      );
      assert.ok(
        f.firstView.jsBytes <= 400 * 1024,
        `${f.profile}: ${f.firstView.jsBytes} bytes of JavaScript before the first view (budget 400 KB)`,
      );
      assert.deepEqual(
        f.firstViewUrls.filter((u) => /maplibre|echarts|basemap/.test(u)),
        [],
        `${f.profile}: the map and chart libraries load after the first view`,
      );
    }
    assert.ok(desktop.reload, "reloaded");
    assert.ok(
      desktop.reload.revalidated <= 1,
      `a reload revalidates only index.html (${desktop.reload.revalidated} answered 304)`,
    );
  },
);

test(
  "the map draws every port with labels and a size legend, follows the border filter, and reaches Alaska",
  { timeout: 120_000 },
  async () => {
    const ctx = await newContext(DESKTOP);
    const page = await ctx.newPage();
    await open(page);
    const ports = await api<{ ports: { code: string; border: string; state: string }[] }>("/api/ports");
    assert.equal(await page.locator(".port-item").count(), ports.ports.length, "one list entry per port");
    await page.waitForSelector("#map[data-ready]");
    assert.equal(
      await page.getAttribute("#map", "data-ready"),
      "true",
      "the map drew with WebGL (data-ready=false means the page fell back to the list)",
    );
    await page.waitForSelector("#overview table");
    await page.waitForSelector('.map-label[data-code="2304"]');
    assert.ok((await page.locator(".map-label").count()) >= 8, "the larger ports are labelled");
    assert.match(await text(page, "#map-legend"), /Circle area: trade value/);
    assert.equal(await page.locator("#map-legend .legend-dot").count(), 3, "three sizes in the legend");
    assert.equal(
      await page.locator('.map-label[data-code="3104"]').count(),
      0,
      "the view is fitted to the contiguous border (Alaska off screen)",
    );
    await shot(page, "dashboard-1440-overview");

    // The border filter applies to the map: only Canadian ports labelled.
    await page.selectOption("#port-border", "canada");
    await page.waitForFunction(`!document.querySelector('.map-label[data-code="2304"]')`);
    const labelled = await page
      .locator(".map-label")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-code")));
    const canadian = new Set(ports.ports.filter((p) => p.border === "canada").map((p) => p.code));
    assert.ok(
      labelled.length > 0 && labelled.every((c) => canadian.has(c!)),
      `only Canadian ports: ${labelled.join(", ")}`,
    );
    await page.selectOption("#port-border", "");

    await page.click("#map-alaska");
    await page.waitForSelector('.map-label[data-code="3103"]', { timeout: 15_000 });

    // Circles sized by a crossing measure: one request for every port, values equal to the API's.
    const trucks = await api<{ points: { period: string; value: number }[] }>(
      "/api/crossings?measure=Trucks&from=2024-07&to=2025-06&by=port",
    );
    await page.selectOption("#port-size", "Trucks");
    const laredo = page.locator('.port-item[data-code="2304"] .port-value');
    const want = `${int.format(trucks.points.find((p) => p.period === "2304")!.value)} trucks`;
    for (let i = 0; i < 100 && (await laredo.textContent()) !== want; i++) await page.waitForTimeout(100);
    assert.equal(await laredo.textContent(), want, "Laredo's trucks as the API gives them");
    assert.match(await text(page, "#map-legend"), /trucks/);

    // The top-ports table downloads as CSV and JSON with the API's numbers.
    await checkExport(page, "#overview", "top ports");
    await ctx.close();
  },
);

test(
  "task 1: Eagle Pass opens from the list by keyboard; its profile, charts and downloads are the API's",
  { timeout: 180_000 },
  async () => {
    const profile = await api<{
      port: { firstMonth: string };
      trade: { perDayUsd: number; byModeDirection: { valueUsd: number; perDayUsd: number }[] };
      crossings: { byMeasure: { measure: string; perDay: number; value: number; unit: string }[] };
    }>("/api/ports/2303");
    const ctx = await newContext(DESKTOP);
    const page = await ctx.newPage();
    await open(page);
    // Skip links, then the list is one Tab stop: a handful of keys, not 118 Tabs, reach a profile.
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate("document.activeElement.textContent"), "Skip to the view");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    assert.equal(
      await page.evaluate("document.activeElement.dataset.code"),
      "2304",
      "the list has the focus",
    );
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    assert.equal(
      await page.evaluate("document.activeElement.id"),
      "port-search",
      "the search field is just before",
    );
    await page.keyboard.type("Eagle");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate("document.activeElement.dataset.code"), "2303");
    assert.equal(
      await page.evaluate("getComputedStyle(document.activeElement).outlineStyle"),
      "solid",
      "focus is visible",
    );
    await page.keyboard.press("Enter");
    await page.waitForSelector("#profile-title");
    await page.waitForFunction("document.activeElement?.id === 'profile-title'");
    assert.equal(await text(page, "#profile-title"), "Eagle Pass (2303)");
    assert.match(new URL(page.url()).hash, /^#port=2303(&|$)/, "the profile can be linked to");
    assert.equal(
      await text(page, '[data-figure="tradePerDay"] [data-part="value"]'),
      formatUsd(profile.trade.perDayUsd),
    );
    const trucks = profile.crossings.byMeasure.find((m) => m.measure === "Trucks")!;
    assert.equal(
      await text(page, '[data-figure="perDay:Trucks"] [data-part="value"]'),
      `${rate(trucks.perDay)} ${trucks.unit}`,
    );
    const measureRows = page.locator('[data-table="crossings-by-measure"] tbody tr');
    const firstMeasure = (await measureRows.first().locator("td").allTextContents()).map((s) => s.trim());
    assert.equal(
      firstMeasure[1],
      `${whole(profile.crossings.byMeasure[0]!.value)} ${profile.crossings.byMeasure[0]!.unit}`,
    );
    const rows = page.locator('[data-table="trade-by-mode"] tbody tr');
    assert.equal(await rows.count(), profile.trade.byModeDirection.length);
    const first = (await rows.first().locator("td").allTextContents()).map((s) => s.trim());
    assert.equal(first[2], formatUsd(profile.trade.byModeDirection[0]!.valueUsd));
    assert.equal(first[3], formatUsd(profile.trade.byModeDirection[0]!.perDayUsd));
    await chartsDrawn(page, "#profile");
    assert.equal(await page.locator('[data-chart="port-trade"]').count(), 1, "trade by mode over time");
    assert.equal(await page.locator('[data-chart="port-crossings"]').count(), 1, "crossings over time");
    await shot(page, "dashboard-1440-profile");

    // Every chart and table of the profile downloads with the API's numbers.
    // Encounters in its sector and field office beside its crossings (two axes: never added).
    assert.equal(await page.locator('[data-chart="port-encounters"]').count(), 1, "encounters chart");
    for (const scope of [
      '[data-figure-of="port-crossings"]',
      '[data-figure-of="port-trade"]',
      '[data-figure-of="port-encounters"]',
    ])
      await checkExport(page, scope, `Eagle Pass ${scope}`);
    for (const id of ["crossings-title", "trade-title", "commodities-title"])
      await checkExport(page, `section[aria-labelledby="${id}"] .section-head`, `Eagle Pass ${id}`);
    // The crossings chart: every month of the range, each equal to the API's month.
    await page.selectOption("#crossings-range", "all");
    await page.waitForFunction(`location.hash.includes("range=all")`);
    await chartsDrawn(page, "#profile");
    const chart = await checkExport(
      page,
      '[data-figure-of="port-crossings"]',
      "Eagle Pass trucks since 1996",
    );
    const monthly = await api<{ points: { period: string; measure: string; value: number }[] }>(
      `/api/crossings?port=2303&measure=Trucks&from=1996-01&to=2025-06&by=month`,
    );
    const byMonth = new Map(monthly.points.map((p) => [p.period, p.value]));
    assert.equal(chart.rows[0]!.month, "1996-01");
    for (const r of chart.rows)
      assert.equal(r.value, byMonth.get(String(r.month)) ?? null, `trucks ${r.month}`);
    await ctx.close();
  },
);

test(
  "task 2: a 5-day closure of Laredo rail — cost per day, where the trains go, drawn on the map",
  { timeout: 180_000 },
  async () => {
    const spec = {
      name: "Laredo rail closed for 5 days",
      events: [
        {
          kind: "closure",
          ports: ["2304"],
          modes: ["rail"],
          start: "2024-06-03T08:00:00-05:00",
          end: "2024-06-08T08:00:00-05:00",
        },
      ],
    };
    const expected = await api<ScenarioResult>("/api/scenarios/run", ScenarioSpecSchema.parse(spec));
    const ctx = await newContext(DESKTOP);
    const page = await ctx.newPage();
    await open(page, "#port=2304");
    await page.waitForSelector("#use-in-scenario");
    assert.match(await text(page, "#use-in-scenario"), /truck/, "Laredo's main mode by trade is truck");
    const link = `#scenario=${Buffer.from(JSON.stringify(ScenarioSpecSchema.parse(spec))).toString("base64url")}`;
    await page.goto(`${base}/${link}`);
    await page.waitForSelector("#run-scenario");
    await page.click("#run-scenario");
    await page.waitForSelector(
      '#scenario-results[data-where="server"] [data-figure="valueHeldUpPerClosureDayUsd"]',
    );
    assert.equal(
      await text(page, '[data-figure="valueHeldUpPerClosureDayUsd"] [data-part="value"]'),
      formatUsd(expected.costs.valueHeldUpPerClosureDayUsd.value),
    );
    const targets = expected.flows.flatMap((f) =>
      f.diversions.filter((d) => d.units >= 0.5).map((d) => d.to),
    );
    assert.ok(targets.length > 0, "rail is rerouted");
    await page.waitForSelector(`.map-label.diversion[data-code="${targets[0]}"]`);
    // Each alternative labelled with what it took (the API's units, summed over the flows), lines by volume.
    for (const to of new Set(targets)) {
      const label = await text(page, `.map-label.diversion[data-code="${to}"]`);
      const byUnit = new Map<string, number>();
      for (const f of expected.flows)
        for (const d of f.diversions.filter((x) => x.to === to && x.units >= 0.5)) {
          // Freight moved to another mode is counted in truckloads.
          const unit = f.mode === d.mode ? f.unit : "truckloads";
          byUnit.set(unit, (byUnit.get(unit) ?? 0) + d.units);
        }
      for (const [unit, v] of byUnit)
        assert.ok(
          label.includes(`${int.format(Math.round(v))} ${unit}`),
          `${to}: “${label}” has ${v} ${unit}`,
        );
    }
    assert.match(await text(page, "#map-legend .legend-diversions"), /width by volume/);
    await shot(page, "dashboard-1440-scenario-laredo");
    await ctx.close();
  },
);

test(
  "task 5: the December 2023 scenario: run on the server and in the browser, headline first, every download equal to the API's result",
  { timeout: 240_000 },
  async () => {
    const expected = await api<ScenarioResult>("/api/scenarios/run", PRESET);
    const ctx = await newContext(DESKTOP);
    const page = await ctx.newPage();
    await open(page, "#scenario");
    await page.waitForSelector("#preset-dec-2023");
    // The run button is within 10 Tabs of the builder's start.
    await page.focus("#builder-title");
    let tabs = 0;
    while (tabs < 10 && (await page.evaluate("document.activeElement.id")) !== "run-scenario") {
      await page.keyboard.press("Tab");
      tabs++;
    }
    assert.equal(
      await page.evaluate("document.activeElement.id"),
      "run-scenario",
      `run reached in ${tabs} Tabs`,
    );
    await page.click("#preset-dec-2023");
    assert.equal(await page.inputValue("#sc-name"), PRESET.name);
    assert.deepEqual(
      await page
        .locator('[data-ports="0"] .chip')
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-code"))),
      ["2303", "2402"],
    );
    assert.equal(await page.inputValue("#ev0-start"), "2023-12-18T08:00");
    assert.equal(await page.inputValue("#ev0-start-zone"), "America/Chicago");
    assert.equal(await page.inputValue("#ev0-end"), "2023-12-22T14:00");
    assert.equal(await page.inputValue("#ev0-end-zone"), "America/New_York");
    assert.ok(await page.isChecked("#ev0-mode-rail"));

    await page.click("#run-scenario");
    await page.waitForSelector(
      '#scenario-results[data-where="server"] [data-figure="valueHeldUpPerClosureDayUsd"]',
    );
    // The results open with their headline, not a log line.
    assert.equal(
      await page.evaluate("document.querySelector('#scenario-results').firstElementChild.id"),
      "results-title",
    );
    assert.equal(
      await page.evaluate("document.querySelector('#scenario-results').children[1].className"),
      "cards",
      "the headline figures come first",
    );
    await assertResultShown(page, expected, "server run");
    // The diversions on the map, as its source and its layer hold them: one line per closed crossing,
    // alternative and unit (inbound and outbound added, as the labels add them), the width proportional to
    // the volume within its unit: 12 px for the largest, at least 1.5 px (docs/dashboard.md).
    const lines = new Map<string, { from: string; to: string; unit: string; units: number }>();
    for (const f of expected.flows)
      for (const d of f.diversions.filter((x) => x.units >= 0.5)) {
        const unit = f.mode === d.mode ? f.unit : "truckloads";
        const k = `${f.port}|${d.to}|${unit}`;
        const l = lines.get(k) ?? { from: f.port, to: d.to, unit, units: 0 };
        l.units += d.units;
        lines.set(k, l);
      }
    const maxOf = new Map<string, number>();
    for (const l of lines.values()) maxOf.set(l.unit, Math.max(maxOf.get(l.unit) ?? 0, l.units));
    const wantLines = [...lines.values()]
      .map((l) => ({ ...l, w: Math.max(1.5, (12 * l.units) / maxOf.get(l.unit)!) }))
      .sort((a, b) => b.units - a.units);
    assert.ok(
      wantLines.length >= 3 && wantLines[0]!.units > wantLines[1]!.units,
      "the run reroutes to several alternatives, in different volumes",
    );
    await page.waitForSelector("#map[data-ready=true]");
    // Once the view has moved to the diversions and drawn them all.
    await page.waitForFunction(`(() => {
      const m = document.querySelector("#map").maplibre;
      if (!m || m.isMoving()) return false;
      const got = new Set(m.queryRenderedFeatures({ layers: ["diversions"] }).map((f) => f.properties.from + "|" + f.properties.to + "|" + f.properties.unit));
      return ${JSON.stringify([...lines.keys()])}.every((k) => got.has(k));
    })()`);
    const onMap = (await page.evaluate(`(async () => {
      const m = document.querySelector("#map").maplibre;
      const data = await m.getSource("diversions").getData();
      return {
        source: data.features.map((f) => f.properties),
        drawn: m.queryRenderedFeatures({ layers: ["diversions"] }).map((f) => ({ ...f.properties, px: f.layer.paint["line-width"] })),
      };
    })()`)) as {
      source: { from: string; to: string; unit: string; units: number; w: number }[];
      drawn: { from: string; to: string; unit: string; w: number; px: number }[];
    };
    const source = [...onMap.source].sort((a, b) => b.units - a.units);
    assert.deepEqual(
      source.map((x) => `${x.from}|${x.to}|${x.unit}`),
      wantLines.map((x) => `${x.from}|${x.to}|${x.unit}`),
      "one line per closed crossing, alternative and unit",
    );
    for (const [i, x] of source.entries()) {
      const want = wantLines[i]!;
      const where = `line ${x.from} → ${x.to}`;
      assert.ok(
        Math.abs(x.units - want.units) < 1e-9,
        `${where}: ${x.units} ${x.unit}, the API's ${want.units}`,
      );
      assert.ok(Math.abs(x.w - want.w) < 1e-9, `${where}: ${x.w} px wide, the rule gives ${want.w}`);
      if (i > 0 && x.unit === source[i - 1]!.unit && x.units < source[i - 1]!.units && source[i - 1]!.w > 1.5)
        assert.ok(x.w < source[i - 1]!.w, `${where}: narrower than the larger ${source[i - 1]!.to}`);
    }
    assert.ok(source[0]!.w > source.at(-1)!.w, "the largest diversion has the widest line");
    for (const x of onMap.drawn)
      assert.equal(x.px, x.w, `line ${x.from} → ${x.to} is drawn ${x.px} px wide, its width ${x.w}`);
    // "Blocked" only while the crossings were closed: no blocked railcars after they reopened.
    const daily = page.locator('[data-figure-of="daily-railcars"] tbody tr');
    const cells = await daily.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)),
    );
    const after = cells.filter((c) => c[1] !== "yes");
    assert.ok(after.length > 0, "days after the reopening");
    assert.ok(
      after.every((c) => c[2] === "0"),
      "nothing blocked after the reopening",
    );
    await page.waitForSelector(".map-label.diversion");
    await shot(page, "dashboard-1440-scenario", "#results-title");

    // Downloads: the JSON is the API's result; the CSVs and the Markdown report carry the same numbers.
    const json = await download(page, '[data-download="json"]');
    assert.deepEqual(JSON.parse(json.text), expected, "the JSON download is the API's result");
    const flows = parseCsv((await download(page, '[data-download="csv-flows"]')).text);
    assert.equal(flows.rows.length, expected.flows.length);
    for (const [i, f] of expected.flows.entries()) {
      const row = Object.fromEntries(flows.header.map((k, j) => [k, flows.rows[i]![j]]));
      assert.equal(row.flow, f.key);
      assert.equal(Number(row.blocked), f.blocked, `${f.key} blocked`);
      assert.equal(Number(row.blockedPerClosureDay), f.blockedPerClosureDay);
      assert.equal(Number(row.peakBacklog), f.peakBacklog);
      assert.equal(Number(row.waitedAtHome), f.waitedAtHome, `${f.key} waited and crossed later`);
      assert.equal(Number(row.cancelled), f.cancelled, `${f.key} given up`);
      assert.equal(row.clearDate, f.clearDate ?? "");
    }
    // Why not elsewhere: every alternative the model ruled out, once per crossing and mode, with its reason.
    const out = parseCsv((await download(page, '[data-download="csv-excluded"]')).text);
    const reasons = new Set(
      expected.flows.flatMap((f) => f.excluded.map((x) => `${f.port}|${f.mode}|${x.to}|${x.reason}`)),
    );
    assert.ok(reasons.size > 0, "the December 2023 run rules out alternatives (no railroad serving both)");
    assert.deepEqual(
      new Set(
        out.rows.map((r) => ["port", "mode", "to", "reason"].map((k) => r[out.header.indexOf(k)]).join("|")),
      ),
      reasons,
    );
    assert.equal(out.rows.length, reasons.size, "each once");
    assert.equal(
      await page.locator('[data-table="ruled-out"] tbody tr').count(),
      reasons.size,
      "the same list on the page",
    );
    const dailyCsv = parseCsv((await download(page, '[data-download="csv-daily"]')).text);
    assert.equal(
      dailyCsv.rows.length,
      expected.flows.reduce((n, f) => n + f.daily.length, 0),
    );
    const col = (k: string) => dailyCsv.header.indexOf(k);
    for (const [i, d] of expected.flows[0]!.daily.entries()) {
      const r = dailyCsv.rows[i]!;
      assert.equal(r[col("date")], d.date);
      assert.equal(Number(r[col("blocked")]), d.blocked);
      assert.equal(Number(r[col("queue")]), d.queue);
      assert.equal(Number(r[col("capacityShare")]), d.capacityShare);
    }
    const div = parseCsv((await download(page, '[data-download="csv-diversions"]')).text);
    const allDiv = expected.flows.flatMap((f) => f.diversions);
    assert.equal(div.rows.length, allDiv.length);
    assert.deepEqual(
      div.rows.map((r) => Number(r[div.header.indexOf("units")])),
      allDiv.map((d) => d.units),
    );
    const com = parseCsv((await download(page, '[data-download="csv-commodities"]')).text);
    assert.deepEqual(
      com.rows.map((r) => [r[0], Number(r[2])]),
      expected.costs.byCommodity.map((c) => [c.hs2, c.valueUsd]),
    );
    const costs = parseCsv((await download(page, '[data-download="csv-costs"]')).text);
    const direct = costs.rows.find((r) => r[1] === "directUsd")!;
    assert.equal(Number(direct[2]), expected.costs.directUsd.value);
    const md = (await download(page, '[data-download="markdown"]')).text;
    assert.ok(md.startsWith(`# ${expected.scenario.name}`));
    assert.ok(
      md.includes(formatUsd(expected.costs.valueHeldUpPerClosureDayUsd.value)),
      "the headline in the report",
    );
    assert.ok(md.includes("| layer | middle of ranges | P10 | P50 | P90 |"), "the cost layers in the report");
    assert.ok(md.includes("### Alternatives ruled out"), "why not elsewhere, in the report");

    // The same scenario run by the pure model in this browser gives the same figures.
    await page.check("#run-browser");
    await page.click("#run-scenario");
    await page.waitForSelector(
      '#scenario-results[data-where="browser"] [data-figure="valueHeldUpPerClosureDayUsd"]',
    );
    await assertResultShown(page, expected, "browser run");
    const browserJson = await download(page, '[data-download="json"]');
    assert.deepEqual(JSON.parse(browserJson.text), expected, "the browser's result is the API's");
    await ctx.close();
  },
);

test(
  "a scenario is shared as a link that restores the builder, downloaded as a file, and opened from YAML",
  { timeout: 120_000 },
  async () => {
    const ctx = await newContext(DESKTOP);
    const page = await ctx.newPage();
    await open(page, "#scenario");
    await page.click("#preset-dec-2023");
    const link = await page.inputValue("#share-link");
    assert.match(link, new RegExp(`^${base}/#scenario=`));
    const shared = JSON.parse(Buffer.from(link.split("#scenario=")[1]!, "base64url").toString("utf8"));
    const { $schema: _schema, ...preset } = PRESET;
    assert.deepEqual(
      ScenarioSpecSchema.parse(shared),
      ScenarioSpecSchema.parse(preset),
      "the link holds the preset",
    );
    const file = await download(page, "#download-scenario");
    assert.deepEqual(ScenarioSpecSchema.parse(JSON.parse(file.text)), ScenarioSpecSchema.parse(preset));

    const other = await ctx.newPage();
    await other.goto(link);
    await other.waitForSelector("body[data-ready=true]");
    await other.waitForSelector("#sc-name");
    assert.equal(await other.getAttribute("#tab-scenario", "aria-selected"), "true");
    assert.equal(await other.inputValue("#sc-name"), PRESET.name);
    assert.equal(await other.inputValue("#ev0-end-zone"), "America/New_York");

    // "Use in a scenario" on Detroit: its main mode (truck) and its own time zone (Eastern).
    const third = await ctx.newPage();
    await third.goto(`${base}/#port=3801`);
    await third.waitForSelector("#use-in-scenario");
    await third.click("#use-in-scenario");
    await third.waitForSelector('[data-ports="0"] .chip[data-code="3801"]');
    assert.ok(await third.isChecked("#ev0-mode-truck"), "Detroit's main mode is truck");
    assert.ok(!(await third.isChecked("#ev0-mode-rail")));
    assert.equal(await third.inputValue("#ev0-start-zone"), "America/New_York", "Detroit's own time zone");
    assert.equal(await third.inputValue("#ev0-end-zone"), "America/New_York");

    // A YAML scenario file (as the CLI reads) opens in the builder too; the file input never takes focus.
    assert.equal(await other.getAttribute("#scenario-file", "tabindex"), "-1");
    await other.setInputFiles("#scenario-file", "examples/laredo-rail-3-days.yaml");
    await other.waitForFunction(
      `document.querySelector("#sc-name").value === "Laredo rail closed for 3 days"`,
    );
    assert.deepEqual(
      await other
        .locator('[data-ports="0"] .chip')
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-code"))),
      ["2304"],
    );
    await ctx.close();
  },
);

test(
  "task 3: past disruptions — the Ambassador Bridge in Feb 2022, per unit, says plainly whether the model beat “no effect”",
  { timeout: 180_000 },
  async () => {
    type Detail = {
      backtest: {
        valueHeldUpPerClosureDayUsd: number | null;
        publishedFigures: { by: string; value: unknown; unit: string }[];
        rows: {
          unit: string;
          port: string;
          month: string;
          role: string;
          phase: "event" | "after";
          scored: boolean;
          observed: number | null;
          observedEffect: number | null;
          modelledEffect: number;
          counterfactual: number;
          error: number | null;
          nullError: number | null;
        }[];
        series: { unit: string; role: string; scored: boolean; portName: string }[];
        summary: {
          beatsNull: boolean | null;
          band: { covered: number; scored: number };
          baselineError: number | null;
        };
        destinations: { port: string; mode: string; rose: boolean | null }[];
      };
    };
    const amb = await api<Detail>(`/api/events/${AMBASSADOR_EVENT}`);
    const ctx = await newContext(DESKTOP);
    const page = await ctx.newPage();
    await open(page, "#events");
    await page.click(`.event-item[data-event="${AMBASSADOR_EVENT}"]`);
    await page.waitForSelector("#event-title");
    await chartsDrawn(page, "#event-detail");
    // The timeline downloads too: every event of the registry, with the API's dates.
    const list = await api<{ events: { id: string; start: string; end: string | null }[] }>("/api/events");
    const timeline = await checkExport(page, '[data-figure-of="events-timeline"]', "timeline", {
      text: true,
    });
    assert.deepEqual(
      timeline.rows.map((r) => [r.id, r.start, r.end]).sort(),
      list.events.map((e) => [e.id, e.start, e.end]).sort(),
      "the timeline's rows are the API's events",
    );
    // Per unit, the event's months, the scored affected series: computed here from the API's rows.
    const scored = amb.backtest.rows.filter(
      (r) => r.scored && r.role === "affected" && r.observed !== null && r.phase === "event",
    );
    const units = [...new Set(scored.map((r) => r.unit))];
    assert.ok(units.length > 0, "a scored unit");
    for (const unit of units) {
      const rs = scored.filter((r) => r.unit === unit);
      const cf = rs.reduce((s, r) => s + r.counterfactual, 0);
      const observed = rs.reduce((s, r) => s + r.observedEffect!, 0) / cf;
      const modelled = rs.reduce((s, r) => s + r.modelledEffect, 0) / cf;
      const modelErr = rs.reduce((s, r) => s + Math.abs(r.error!), 0);
      const noneErr = rs.reduce((s, r) => s + Math.abs(r.nullError!), 0);
      const card = `[data-figure="skill:${unit}"]`;
      assert.equal(await text(page, `${card} [data-part="observed"]`), signed(observed), `${unit}: observed`);
      assert.equal(await text(page, `${card} [data-part="modelled"]`), signed(modelled), `${unit}: modelled`);
      const verdict =
        modelErr < noneErr * (1 - 1e-9) ? "beat" : modelErr > noneErr * (1 + 1e-9) ? "worse" : "tied";
      assert.equal(await page.getAttribute(card, "data-verdict"), verdict, `${unit}: verdict`);
      assert.match(await text(page, `${card} [data-part="verdict"]`), /“no effect”/);
    }
    assert.equal(
      await page.getAttribute('[data-figure="eventSkill"]', "data-beats"),
      String(amb.backtest.summary.beatsNull),
    );
    // The 80% band's coverage and the baseline's own error, as the backtest service reports them.
    assert.equal(
      await page.getAttribute('[data-figure="band"]', "data-covered"),
      String(amb.backtest.summary.band.covered),
    );
    assert.equal(
      await page.getAttribute('[data-figure="band"]', "data-scored"),
      String(amb.backtest.summary.band.scored),
    );
    assert.ok(amb.backtest.summary.baselineError !== null);
    assert.match(
      await text(page, '[data-figure="baselineError"]'),
      new RegExp(`${(amb.backtest.summary.baselineError * 100).toFixed(1)}%`),
    );
    // Where the model sent the traffic (Port Huron) and whether BTS saw it arrive.
    assert.ok(amb.backtest.destinations.length > 0, "the model rerouted trucks");
    for (const d of amb.backtest.destinations)
      assert.equal(
        await page.getAttribute(`[data-destination="${d.port}|${d.mode}"]`, "data-rose"),
        String(d.rose),
      );
    // Series shown but not scored say why.
    const unscored = amb.backtest.series.filter((x) => !x.scored && x.role === "affected");
    assert.equal(await page.locator("[data-unscored] li").count(), unscored.length);
    assert.equal(
      await page.locator('[data-figure="observedEffectShare"]').count(),
      0,
      "no total across units",
    );
    await shot(page, "dashboard-1440-event-backtest", "#backtest");
    await checkExport(page, '[data-figure-of="backtest-trucks"]', "Ambassador backtest, trucks");
    await checkExport(page, '[data-figure-of="event-study"]', "Ambassador event study");

    const dec = await api<Detail>(`/api/events/${DEC_2023_EVENT}`);
    await page.click(`.event-item[data-event="${DEC_2023_EVENT}"]`);
    await page.waitForFunction(
      `document.querySelector("#event-title")?.textContent.includes("rail crossings")`,
    );
    assert.equal(
      await text(page, '[data-figure="eventValueHeldUpPerClosureDay"] [data-part="value"]'),
      formatUsd(dec.backtest.valueHeldUpPerClosureDayUsd!),
    );
    await chartsDrawn(page, "#event-detail");
    assert.equal(await page.locator('[data-chart="event-study"]').count(), 1);
    // The published figures: one row each on the page (a figure of several numbers written out, never
    // "[object Object]") and in the download.
    assert.ok(dec.backtest.publishedFigures.length > 0, "December 2023 has published figures");
    const figureCells = await page
      .locator("section:has(> .section-head #published-title) td")
      .allTextContents();
    assert.ok(
      figureCells.length > 0 && !figureCells.some((c) => c.includes("[object")),
      figureCells.join(" | "),
    );
    const published = await checkExport(page, ".section-head:has(#published-title)", "published figures");
    assert.deepEqual(
      published.rows.map((r) => r.by),
      dec.backtest.publishedFigures.map((f) => f.by),
    );
    await shot(page, "dashboard-1440-event", "#event-study");
    // The chain from the surge to the delayed trade, as GET /api/stories/december-2023 tells it.
    const story = await api<{ steps: { step: string; value: number; unit: string }[] }>(
      "/api/stories/december-2023",
    );
    await page.waitForSelector('.chain-step[data-step="surge"] [data-part="value"]');
    assert.equal(
      await text(page, '.chain-step[data-step="surge"] [data-part="value"]'),
      `${int.format(story.steps[0]!.value)} ${story.steps[0]!.unit}`,
    );
    assert.equal(
      await page.locator(".chain-step").count(),
      new Set(story.steps.map((x) => x.step)).size,
      "one step of the chain per stage",
    );
    await chartsDrawn(page, "#story");
    await checkExport(page, '[data-figure-of="story-encounters"]', "December 2023: encounters");
    await checkExport(page, '[data-figure-of="story-throughput"]', "December 2023: throughput");
    // The closures CBP chose: whole officers in the table (people, never "8.1 officers"), and the download.
    const closures = (
      await api<{ closures: { items: { label: string; officers: number }[] } }>("/api/stories/december-2023")
    ).closures.items;
    assert.deepEqual(
      await page.locator('[data-table="story-closures"] tbody tr td:nth-child(6)').allTextContents(),
      closures.map((c) => whole(c.officers)),
      "officers freed, whole",
    );
    const cl = await checkExport(page, ".section-head:has(#story-closures-title)", "December 2023: closures");
    assert.deepEqual(
      cl.rows.map((r) => r.officers),
      closures.map((c) => c.officers),
    );
    await shot(page, "dashboard-1440-story", "#story-title");
    await ctx.close();
  },
);

test(
  "officers moved away from the ports: each officer event with the staffing cut, its sectors' encounters and its backtest, as the API gives them",
  { timeout: 180_000 },
  async () => {
    type Officer = {
      staffing: {
        cuts: { port: string; officersRemoved: number }[];
        baseline: { modes: { positionsByHour: number[] }[] }[];
      }[];
      backtest: { summary: { beatsNull: boolean | null; band: { covered: number; scored: number } } };
      encounters: { sector: string }[];
    };
    const list = await api<{ events: { id: string }[] }>("/api/officers/events");
    const id = "officers-2023-12";
    assert.ok(list.events.some((e) => e.id === id));
    const d = await api<Officer>(`/api/officers/events/${id}`);
    const ctx = await newContext(DESKTOP);
    const page = await ctx.newPage();
    await open(page, "#events");
    await page.waitForSelector("[data-officer-event]");
    assert.equal(
      await page.locator("button[data-officer-event]").count(),
      list.events.length,
      "every officer event listed",
    );
    await page.click(`button[data-officer-event="${id}"]`);
    assert.ok(page.url().endsWith(`#event=${id}`), "its own address");
    await page.waitForSelector("#event-detail .officer-event");
    assert.equal(await page.locator("#event-detail .officer-event").count(), d.staffing.length);
    // Whole officers in the tables (an estimate of people, never "8.1 officers").
    for (const [i, o] of d.staffing.entries()) {
      const cells = await page
        .locator(`#event-detail [data-table="officer-cuts-${i}"] tbody tr td:nth-child(2)`)
        .allTextContents();
      assert.deepEqual(
        cells,
        o.cuts.map((c) => int.format(Math.round(c.officersRemoved))),
        `event ${i}: officers moved`,
      );
    }
    await chartsDrawn(page, "#event-detail");
    await shot(page, "dashboard-1440-officer-event", "#event-title");
    const enc = await checkExport(page, '[data-figure-of="officer-encounters"]', "officer event: encounters");
    // The staffing cut and the positions by hour download too.
    for (const [i, o] of d.staffing.entries()) {
      const cuts = await checkExport(
        page,
        `[data-figure-of="officer-cuts-${i}"]`,
        `officer event ${i}: cuts`,
      );
      assert.deepEqual(
        [...new Set(cuts.rows.map((r) => r.port))],
        o.cuts.map((c) => c.port),
      );
      // Positions by hour: summed here over the API's ports and modes (derived), every hour.
      const byHour = await checkExport(
        page,
        `[data-figure-of="positions-${i}"]`,
        `officer event ${i}: hours`,
        {
          text: true,
        },
      );
      assert.deepEqual(
        byHour.rows.map((r) => r.before),
        Array.from({ length: 24 }, (_, hr) =>
          o.baseline.reduce((s, p) => s + p.modes.reduce((t, m) => t + (m.positionsByHour[hr] ?? 0), 0), 0),
        ),
        "positions open before, by hour",
      );
    }
    assert.deepEqual(
      [...new Set(enc.rows.map((r) => r.sector))].sort(),
      d.encounters.map((e) => e.sector).sort(),
    );
    assert.equal(
      await page.getAttribute('#event-detail [data-figure="eventSkill"]', "data-beats"),
      String(d.backtest.summary.beatsNull),
    );
    assert.equal(
      await page.getAttribute('#event-detail [data-figure="band"]', "data-covered"),
      String(d.backtest.summary.band.covered),
    );
    await ctx.close();
  },
);

test(
  "task 4: Detroit vs Port Huron trucks over 2019–2024, El Paso + Ysleta combined, indexed and year on year, back to 1996",
  { timeout: 180_000 },
  async () => {
    const ctx = await newContext(DESKTOP);
    const page = await ctx.newPage();
    await open(page, "#compare&ports=3801,3802&measure=Trucks&from=2019-01&to=2024-12");
    await chartsDrawn(page, "#compare-out:not([aria-busy])");
    const chart = await checkExport(page, '[data-figure-of="compare"]', "compare Detroit, Port Huron");
    for (const code of ["3801", "3802"]) {
      const a = await api<{ points: { period: string; value: number; perDay: number }[] }>(
        `/api/crossings?port=${code}&measure=Trucks&from=2019-01&to=2024-12&by=month`,
      );
      const mine = chart.rows.filter((r) => r.series === code);
      assert.equal(mine.length, 72, `${code}: every month of 2019–2024`);
      assert.deepEqual(
        mine.map((r) => [r.month, r.value, r.shown]),
        a.points.map((p) => [p.period, p.value, p.value]),
        `${code}: the API's months`,
      );
    }
    await shot(page, "dashboard-1440-compare", "#compare-title");

    // Trade value (TransBorder, USD) picked with the controls over a range that starts before the port-level
    // data and crosses its hole (2020-10..12): the chart's series, "Show the numbers" and the download are
    // the API's months, values and statuses; the months without a figure are gaps (null), never 0.
    await page.selectOption("#cmp-measure", "trade");
    await page.fill("#cmp-to", "2021-06");
    await page.fill("#cmp-from", "2019-07");
    await page.waitForFunction(
      `location.hash.includes("measure=trade&") && location.hash.includes("from=2019-07") && location.hash.includes("to=2021-06")`,
    );
    await chartsDrawn(page, "#compare-out:not([aria-busy])");
    type TradeMonths = {
      groups: { key: string; valueUsd: number | null; perDayUsd: number | null; status: string }[];
    };
    const trade = new Map<string, TradeMonths>();
    for (const code of ["3801", "3802"])
      trade.set(code, await api<TradeMonths>(`/api/trade?port=${code}&from=2019-07&to=2021-06&by=month`));
    const tradeMonths = trade.get("3801")!.groups.map((g) => g.key);
    assert.equal(tradeMonths.length, 24, "the API answers every month of 2019-07..2021-06");
    for (const [code, a] of trade) {
      assert.ok(
        a.groups.some((g) => g.status === "missing" && g.valueUsd === null) &&
          a.groups.some((g) => g.status === "not-reported" && g.valueUsd === null) &&
          a.groups.some((g) => g.status === "observed" && g.valueUsd !== null),
        `${code}: the range has observed months, a hole and months before the port-level data`,
      );
    }
    const drawn = (await page.evaluate(`(() => {
      const o = document.querySelector('[data-chart="compare"]').echarts.getOption();
      return { months: o.xAxis[0].data, series: o.series.map((x) => ({ name: x.name, data: x.data, connectNulls: x.connectNulls })) };
    })()`)) as {
      months: string[];
      series: { name: string; data: (number | null)[]; connectNulls: boolean }[];
    };
    assert.equal(drawn.months.length, 24, "the chart's axis has every month of the range");
    assert.deepEqual(
      drawn.series.map((x) => x.name),
      ["Detroit (3801)", "Port Huron (3802)"],
    );
    const tableRows = await page
      .locator('[data-table="compare"] tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll("td, th")].map((td) => (td.textContent ?? "").trim())),
      );
    assert.deepEqual(
      tableRows.map((r) => r[0]),
      tradeMonths,
      "the table's months",
    );
    const tradeChart = await checkExport(page, '[data-figure-of="compare"]', "compare trade value");
    assert.equal(tradeChart.columns.find((c) => c.key === "value")!.unit, "USD");
    assert.equal(tradeChart.columns.find((c) => c.key === "perDay")!.unit, "USD per day");
    for (const [i, code] of ["3801", "3802"].entries()) {
      const a = trade.get(code)!.groups;
      assert.deepEqual(
        drawn.series[i]!.data,
        a.map((g) => g.valueUsd),
        `${code}: the chart's points are the API's values, holes as gaps`,
      );
      assert.equal(drawn.series[i]!.connectNulls, false, `${code}: the line breaks at a gap`);
      assert.deepEqual(
        tableRows.map((r) => r[i + 1]),
        a.map((g) => (g.valueUsd === null ? "–" : formatUsd(g.valueUsd))),
        `${code}: "Show the numbers"`,
      );
      assert.deepEqual(
        tradeChart.rows.filter((r) => r.series === code).map((r) => [r.month, r.value, r.perDay, r.status]),
        a.map((g) => [g.key, g.valueUsd, g.perDayUsd, g.status]),
        `${code}: the download's months, values and statuses`,
      );
    }
    // Back to trucks over 2019–2024 for what follows.
    await page.selectOption("#cmp-measure", "Trucks");
    await page.click('.quick-ranges button:has-text("2019–2024")');
    await page.waitForFunction(
      `location.hash.includes("measure=Trucks&") && location.hash.includes("from=2019-01") && location.hash.includes("to=2024-12")`,
    );

    // El Paso + Ysleta added together, per day, indexed to 100 at the first month.
    await page.click("#cmp-add-elpaso");
    await page.selectOption("#cmp-per", "day");
    await page.selectOption("#cmp-show", "index");
    await page.waitForFunction(`location.hash.includes("show=index") && location.hash.includes("2402+2401")`);
    await chartsDrawn(page, "#compare-out:not([aria-busy])");
    const idx = await checkExport(page, '[data-figure-of="compare"]', "compare indexed");
    const ep = await api<{ points: { period: string; perDay: number }[] }>(
      "/api/crossings?port=2402,2401&measure=Trucks&from=2019-01&to=2024-12&by=month",
    );
    const epRows = idx.rows.filter((r) => r.series === "2402+2401");
    const base0 = ep.points[0]!.perDay;
    for (const [i, p] of ep.points.entries()) {
      assert.equal(epRows[i]!.perDay, p.perDay, `El Paso + Ysleta ${p.period} per day`);
      assert.ok(
        Math.abs((epRows[i]!.shown as number) - (p.perDay / base0) * 100) < 1e-9,
        `index ${p.period}`,
      );
    }
    // Year on year, and the whole range back to 1996.
    await page.selectOption("#cmp-show", "yoy");
    await page.click('.quick-ranges button:has-text("since 1996")');
    await page.waitForFunction(
      `location.hash.includes("from=1996-01") && location.hash.includes("show=yoy")`,
    );
    await chartsDrawn(page, "#compare-out:not([aria-busy])");
    const yoy = await checkExport(page, '[data-figure-of="compare"]', "compare year on year since 1996");
    assert.equal(yoy.period!.from, "1996-01");
    const det = await api<{ points: { period: string; perDay: number }[] }>(
      "/api/crossings?port=3801&measure=Trucks&from=2023-01&to=2024-12&by=month",
    );
    const dec24 = yoy.rows.find((r) => r.series === "3801" && r.month === "2024-12")!;
    const want =
      det.points.find((p) => p.period === "2024-12")!.perDay /
        det.points.find((p) => p.period === "2023-12")!.perDay -
      1;
    assert.ok(Math.abs((dec24.shown as number) - want) < 1e-12, "Detroit Dec 2024 on Dec 2023");
    assert.equal(await page.locator('[data-chart="compare"]').count(), 1, "one chart, one y-scale");
    await ctx.close();
  },
);

test(
  "waits: the archive's readings by hour and weekday and the best time to cross, as the API gives them",
  { timeout: 120_000 },
  async () => {
    const byCrossing = await api<{ best: { weekday: string; hour: number }[] }>(
      "/api/waits?port=2402&by=crossing",
    );
    const ctx = await newContext(DESKTOP);
    const page = await ctx.newPage();
    await open(page, "#waits=2402");
    await page.waitForSelector("#waits-port-title");
    await chartsDrawn(page, "#panel-waits");
    const b = byCrossing.best[0]!;
    assert.equal(
      await text(page, '[data-figure^="best:"] [data-part="value"]'),
      `${b.weekday} ${String(b.hour).padStart(2, "0")}:00`,
    );
    // The latest hour: a card per crossing and lane, its wait the API's for that hour of the last day with
    // readings, which is the archive's last reading (one an hour in this archive).
    const rows = (
      await api<{ rows: { crossing: string; lane: string; lastUpdate: string | null }[] }>(
        "/api/waits?port=2402&by=crossing",
      )
    ).rows;
    assert.ok(rows.length > 0);
    assert.equal(await page.locator('[data-figure^="latest:"]').count(), rows.length, "one card per lane");
    const readings = elPasoHourlyReadings();
    for (const r of rows) {
      const last = r.lastUpdate!;
      const day = last.slice(0, 10);
      const hour = Number(last.slice(11, 13));
      const hours = await api<{
        rows: { crossing: string; lane: string; hour: number; typicalMinutes: number; readings: number }[];
      }>(`/api/waits?port=2402&by=hour&from=${day}&to=${day}`);
      const x = hours.rows.find((y) => y.crossing === r.crossing && y.lane === r.lane && y.hour === hour)!;
      assert.ok(x, `${r.crossing} ${r.lane}: the API has the hour ${hour} of ${day}`);
      const card = `[data-figure="latest:${r.crossing}|${r.lane}"]`;
      const shown = `${Number.isInteger(x.typicalMinutes) ? x.typicalMinutes : x.typicalMinutes.toFixed(1)} min`;
      assert.equal(
        await text(page, `${card} [data-part="value"]`),
        shown,
        `${r.crossing} ${r.lane}: latest hour`,
      );
      assert.match(
        await text(page, `${card} .sub`),
        new RegExp(`${day} ${String(hour).padStart(2, "0")}:00 local \\(${x.readings} readings?[,)]`),
      );
      const newest = readings
        .filter((y) => y.crossing === r.crossing && y.lane === r.lane && y.updatedAt)
        .sort((a, b) => Date.parse(a.updatedAt!) - Date.parse(b.updatedAt!))
        .at(-1)!;
      assert.equal(newest.updatedAt, last, `${r.crossing} ${r.lane}: the archive's last reading`);
      assert.equal(shown, `${newest.delayMinutes} min`, `${r.crossing} ${r.lane}: the archive's last wait`);
    }
    await checkExport(page, '[data-figure-of="waits-hour"]', "waits by hour");
    await checkExport(page, '[data-figure-of="waits-weekday"]', "waits by weekday");
    await checkExport(page, '.section-head:has(+ * [data-table="waits-by-crossing"])', "waits by crossing");
    await shot(page, "dashboard-1440-waits", "#waits-port-title");
    // The next hours, from the archive's last reading (it is not live): the API's forecast, as estimates.
    await page.waitForSelector('#waits-forecast [data-chart^="forecast-"][data-ready]');
    const f = await checkExport(page, '#waits-forecast [data-figure-of^="forecast-"]', "waits forecast");
    assert.ok(
      f.rows.every((r) => r.status === "estimate"),
      "forecasts are estimates",
    );
    assert.match(await text(page, "#waits-forecast h3"), /estimate/);
    // The closure nearby that the forecast reports (not modelled) is badged beside it, as the API gives it.
    const fa = await api<{
      events: { crossing: string; lane: string; distanceKm: number; closedReadings: number }[];
    }>(f.api[0]!);
    assert.equal(fa.events.length, 1, "one known event in the API's forecast");
    const ev = fa.events[0]!;
    assert.equal(ev.crossing, "240801");
    const badge = page.locator(
      `#waits-forecast [data-event="closure"][data-crossing="${ev.crossing}"][data-lane="${ev.lane}"]`,
    );
    assert.equal(await badge.count(), 1, "the closure is badged in the forecast");
    assert.equal(
      await badge.locator('.badge[data-status="closure"]').textContent(),
      `closure: ${ev.distanceKm} km away`,
    );
    assert.match((await badge.textContent()) ?? "", /reported closed 1 time since 2025-12-28/);
    // A port without readings says so.
    await page.goto(`${base}/#waits=2303`);
    await page.waitForSelector('[data-empty="waits"]');
    await ctx.close();
  },
);

test(
  "the surge what-if gives officers, opens as an officer event in the builder, and runs to the API's figures",
  { timeout: 180_000 },
  async () => {
    const surge = await api<{
      rule: { officers: number; steps: { value: number }[] };
      event: { officers: number; fieldOffice: string };
    }>("/api/surge", {
      sector: "Del Rio Sector",
      start: "2023-12-01",
      days: 31,
      policy: "proportional",
      draws: 200,
    });
    const ctx = await newContext(DESKTOP);
    const page = await ctx.newPage();
    await open(page, "#scenario");
    await page.click("#surge-panel summary");
    await page.waitForSelector('#surge-sector option[value="Del Rio Sector"]', { state: "attached" });
    await page.selectOption("#surge-sector", "Del Rio Sector");
    await page.fill("#surge-start", "2023-12-01");
    await page.fill("#surge-days", "31");
    await page.click("#surge-run");
    await page.waitForSelector('[data-figure="surgeOfficers"]');
    assert.equal(
      await text(page, '[data-figure="surgeOfficers"] [data-part="value"]'),
      `${whole(surge.rule.officers)} officers`,
    );
    assert.ok(
      (await page.locator('[data-table="surge-rule"] tbody tr').count()) >= 5,
      "the rule step by step",
    );
    // Whole officers in the rule's table too, and the rule downloads with the API's numbers.
    assert.equal(
      (
        await page
          .locator('[data-table="surge-rule"] tbody tr:has(td:text-is("officers moved")) td')
          .nth(1)
          .textContent()
      )?.trim(),
      whole(surge.rule.officers),
    );
    const rule = await checkExport(page, '[data-figure-of="surge-rule"]', "surge rule", { answers: [surge] });
    assert.deepEqual(
      rule.rows.map((r) => r.value),
      surge.rule.steps.map((x) => x.value),
    );
    await page.click("#surge-open");
    await page.waitForFunction(`document.querySelector("#ev0-kind")?.value === "officer-redeployment"`);
    assert.equal(Number(await page.inputValue("#ev0-officers")), surge.event.officers);
    assert.equal(await page.inputValue("#ev0-field-office"), surge.event.fieldOffice);
    await page.click("#run-scenario");
    await page.waitForSelector("#officers [data-part=officers]");
    const spec = JSON.parse((await download(page, "#download-scenario")).text) as unknown;
    // As the builder asks: within the server's cost budget (a month of a field office's officers is over it at
    // 1,000 draws, so the server runs the draws the budget allows).
    const expected = await api<ScenarioResult>("/api/scenarios/run?fit=budget", spec);
    assert.equal(
      await text(page, '[data-figure="valueHeldUpUsd"] [data-part="value"]'),
      formatUsd(expected.costs.valueHeldUpUsd.value),
    );
    assert.equal(
      await text(page, "#officers [data-part=officers]"),
      `${whole(expected.officers![0]!.officers)} officers`,
    );
    const rows = parseCsv((await download(page, '[data-download="csv-officers"]')).text);
    const cuts = expected.officers![0]!.cuts.flatMap((c) =>
      c.modes.map((m) => [c.port, m.mode, m.remainingShare]),
    );
    const col = (k: string) => rows.header.indexOf(k);
    assert.deepEqual(
      rows.rows.map((r) => [r[col("port")], r[col("mode")], Number(r[col("remainingShare")])]),
      cuts,
    );
    await chartsDrawn(page, "#scenario-results");
    await shot(page, "dashboard-1440-officers", "#officers");
    await ctx.close();
  },
);

test("small ports: no $0 card and no blank chart at Boquillas; Nighthawk's months are all on the axis", async () => {
  const ctx = await newContext(DESKTOP);
  const page = await ctx.newPage();
  await open(page, "#port=2410");
  await page.waitForSelector("#profile-title");
  // Boquillas is not in TransBorder's port code list: its trade is not reported, not $0.
  assert.match(await text(page, '[data-figure="tradePerDay"]'), /not reported/);
  await page.waitForSelector('[data-empty="trade"]');
  assert.equal(await page.locator('[data-chart="port-trade"]').count(), 0, "no empty trade chart");
  // Its scenario starts with what crosses there: people on foot (no vehicle counted in the window).
  assert.match(await text(page, "#use-in-scenario"), /pedestrian/);
  const health = await api<{ coverage: { trade: { first: string; last: string } } }>("/api/health");
  // Noyes: BTS counts nothing crossing in the window: said so, not a card of zeros.
  await open(page, "#port=3402");
  await page.waitForSelector("#profile-title");
  assert.equal(await text(page, '[data-figure="crossings"] [data-part="value"]'), "no crossings reported");
  assert.equal(await page.locator('[data-figure^="perDay:"]').count(), 0, "no per-day card of 0");
  await open(page, "#port=3011");
  await chartsDrawn(page, "#profile");
  // Nighthawk's $66 a day of truck trade with no truck counted in the window: the scenario closes vehicles.
  assert.match(await text(page, "#use-in-scenario"), /vehicle crossing/);
  const months = await page
    .locator('[data-figure-of="port-trade"] tbody tr td:first-child')
    .allTextContents();
  const [y0, m0] = health.coverage.trade.first.split("-").map(Number) as [number, number];
  const [y1, m1] = health.coverage.trade.last.split("-").map(Number) as [number, number];
  assert.equal(
    months.length,
    (y1 - y0) * 12 + m1 - m0 + 1,
    "every month of the port-level data, gaps included",
  );
  await ctx.close();
});

test("estimates are badged: a closure before the port-level trade data rests on trade carried back", async () => {
  const health = await api<{ coverage: { trade: { first: string } } }>("/api/health");
  const spec = ScenarioSpecSchema.parse({
    name: "Laredo rail closed for 2 days in June 2019",
    events: [
      {
        kind: "closure",
        ports: ["2304"],
        modes: ["rail"],
        start: "2019-06-03T08:00:00-05:00",
        end: "2019-06-05T08:00:00-05:00",
      },
    ],
  });
  assert.ok("2019-06" < health.coverage.trade.first, "the closure is before the port-level trade data");
  const expected = await api<ScenarioResult>("/api/scenarios/run", spec);
  for (const key of ["valueHeldUpPerClosureDayUsd", "valueHeldUpUsd", "directUsd"] as const)
    assert.equal(expected.costs[key].status, "estimate", `the API says ${key} is an estimate`);
  const ctx = await newContext(DESKTOP);
  const page = await ctx.newPage();
  await open(page, `#scenario=${Buffer.from(JSON.stringify(spec)).toString("base64url")}`);
  await page.waitForSelector("#run-scenario");
  await page.click("#run-scenario");
  await page.waitForSelector('#scenario-results[data-where="server"] [data-figure="valueHeldUpUsd"]');
  for (const key of ["valueHeldUpPerClosureDayUsd", "valueHeldUpUsd", "directUsd"] as const)
    assert.equal(
      await page.locator(`[data-figure="${key}"] .badge[data-status="estimate"]`).count(),
      1,
      `${key}: badged as an estimate`,
    );
  await ctx.close();
});

test(
  "missing is not zero on the dashboard: a hole is a gap in the chart, a scenario after 2024-09 is badged estimate",
  { timeout: 180_000 },
  async () => {
    const ctx = await newContext(DESKTOP);
    const page = await ctx.newPage();
    // BTS's 2025-05 release has no Truck Containers Loaded: the chart's own value there is null (a gap, not 0).
    await open(page, "#compare&ports=2304&measure=Truck%20Containers%20Loaded&from=2025-01&to=2025-06");
    await chartsDrawn(page, "#compare-out:not([aria-busy])");
    const chart = await checkExport(page, '[data-figure-of="compare"]', "compare Laredo loaded containers");
    assert.deepEqual(
      chart.rows.map((r) => [
        r.month,
        r.value === null ? null : "value",
        r.shown === null ? null : "shown",
        r.status,
      ]),
      ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"].map((m) =>
        m === "2025-05" ? [m, null, null, "missing"] : [m, "value", "shown", "observed"],
      ),
    );
    const cells = await page
      .locator('[data-table="compare"] tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => (td.textContent ?? "").trim())),
      );
    assert.notEqual(cells[4]![1], "0", "the hole is not shown as 0");
    assert.match(cells[4]![1]!, /^[–-]?$/, "the hole is shown as no figure");

    // A scenario after TransBorder's port-level coverage: its trade values are carried forward (estimates).
    const spec = ScenarioSpecSchema.parse({
      name: "Laredo rail closed for 3 days in June 2025",
      events: [
        {
          kind: "closure",
          ports: ["2304"],
          modes: ["rail"],
          start: "2025-06-09T06:00:00-05:00",
          end: "2025-06-12T06:00:00-05:00",
        },
      ],
      options: { draws: 50, seed: 7 },
    });
    const expected = await api<ScenarioResult>("/api/scenarios/run", spec);
    assert.equal(expected.costs.valueHeldUpPerClosureDayUsd.status, "estimate");
    await page.goto(`${base}/#scenario=${Buffer.from(JSON.stringify(spec)).toString("base64url")}`);
    await page.waitForSelector("#run-scenario");
    await page.click("#run-scenario");
    await page.waitForSelector(
      '#scenario-results[data-where="server"] [data-figure="valueHeldUpPerClosureDayUsd"]',
    );
    for (const key of ["valueHeldUpPerClosureDayUsd", "valueHeldUpUsd", "directUsd"])
      assert.equal(
        await page.locator(`[data-figure="${key}"] .badge[data-status="estimate"]`).count(),
        1,
        `${key}: the estimate is badged next to the figure`,
      );
    const md = (await download(page, '[data-download="markdown"]')).text;
    assert.ok(
      md.includes(`${formatUsd(expected.costs.valueHeldUpPerClosureDayUsd.value)} *`),
      "the report marks the headline an estimate",
    );
    assert.match(md, /^\\\* estimate: rests on trade value carried forward/m);
    await ctx.close();
  },
);

test(
  "Back steps through the views (each view is a history entry) and links restore them",
  { timeout: 120_000 },
  async () => {
    const ctx = await newContext(DESKTOP);
    const page = await ctx.newPage();
    await open(page);
    await page.click('#overview a[data-code="2304"]');
    await page.waitForFunction(`document.querySelector("#profile-title")?.textContent === "Laredo (2304)"`);
    await page.click("#tab-compare");
    await page.waitForSelector("#compare-title");
    const compareHash = new URL(page.url()).hash;
    assert.match(compareHash, /^#compare&ports=/);
    await page.click("#tab-events");
    await page.waitForSelector(`.event-item[data-event="${DEC_2023_EVENT}"]`);
    await page.click(`.event-item[data-event="${DEC_2023_EVENT}"]`);
    await page.waitForSelector("#event-title");
    assert.equal(new URL(page.url()).hash, `#event=${DEC_2023_EVENT}`);

    await page.goBack();
    await page.waitForFunction(`location.hash === "#events"`);
    assert.equal(await page.getAttribute("#tab-events", "aria-selected"), "true");
    assert.equal(await page.locator("#event-title").count(), 0, "back to the list");
    await page.goBack();
    await page.waitForFunction(`location.hash.startsWith("#compare")`);
    assert.equal(await page.getAttribute("#tab-compare", "aria-selected"), "true");
    assert.equal(new URL(page.url()).hash, compareHash);
    await page.goBack();
    await page.waitForFunction(`location.hash.startsWith("#port=2304")`);
    assert.equal(await page.getAttribute("#tab-ports", "aria-selected"), "true");
    await page.waitForFunction(`document.querySelector("#profile-title")?.textContent === "Laredo (2304)"`);
    await ctx.close();
  },
);

test(
  "at 390 px each tab shows its own content first, above the fold, fits the screen, with 44 px targets",
  { timeout: 240_000 },
  async () => {
    const ctx = await newContext(PHONE, { mobile: true });
    const page = await ctx.newPage();
    await open(page);
    const views: [string, string, string][] = [
      ["ports", "#intro-title", "#overview table"],
      ["compare", "#compare-title", "#cmp-series"],
      ["scenario", "#builder-title", "#run-scenario"],
      ["events", "#panel-events h2", ".event-item"],
      ["waits", "#waits-title", "#waits-port"],
    ];
    const width = async () => Number(await page.evaluate("document.documentElement.scrollWidth"));
    /** Controls under 44 px tall in `scope` (and the tabs and the list); links within a sentence excepted. */
    const smallTargets = async (scope: string) =>
      (await page.evaluate(`[...document.querySelectorAll("header [role=tab], .port-item, ${["button", "select", "summary", "input:not([type=checkbox]):not([type=radio]):not([type=file])"].map((x) => `${scope} ${x}`).join(", ")}")]
      .filter((e) => e.offsetParent !== null)
      .map((e) => [e.id || e.textContent.trim().slice(0, 30), e.getBoundingClientRect().height])
      .filter(([, hgt]) => hgt > 0 && hgt < 44)`)) as [string, number][];
    for (const [tab, heading, content] of views) {
      await page.evaluate("window.scrollTo(0, document.body.scrollHeight)");
      await page.click(`#tab-${tab}`);
      await page.waitForSelector(content);
      const box = await page.locator(heading).first().boundingBox();
      assert.ok(
        box && box.y >= 0 && box.y + box.height <= PHONE.height,
        `${tab}: its heading is on the first screen (${JSON.stringify(box)})`,
      );
      const first = await page.locator(content).first().boundingBox();
      assert.ok(
        first && first.y < PHONE.height,
        `${tab}: its first content starts on the first screen (y = ${first?.y})`,
      );
      assert.ok((await width()) <= PHONE.width, `${tab}: ${await width()} px wide`);
      assert.deepEqual(await smallTargets(`#panel-${tab}`), [], `${tab}: touch targets under 44 px`);
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(ARTIFACTS, `dashboard-390-${tab}.png`) });
      shots.push(`dashboard-390-${tab}.png`);
    }
    // A wide table says that it scrolls, and can be scrolled by keyboard.
    await page.click("#tab-ports");
    await page.waitForSelector("#overview .table-wrap.overflows");
    assert.equal(await page.getAttribute("#overview .table-wrap.overflows", "tabindex"), "0");

    await open(page, "#port=2303");
    await page.waitForSelector("#profile-title");
    await chartsDrawn(page, "#profile");
    assert.ok((await width()) <= PHONE.width, `the profile is ${await width()} px wide`);
    assert.deepEqual(await smallTargets("#profile"), [], "the profile: touch targets under 44 px");
    await open(page, `#event=${DEC_2023_EVENT}`);
    await page.waitForSelector("#event-title");
    await chartsDrawn(page, "#event-detail");
    assert.deepEqual(await smallTargets("#event-detail"), [], "an event: touch targets under 44 px");
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-390-profile.png") });
    shots.push("dashboard-390-profile.png");
    await page.goto(`${base}/#scenario&preset=dec-2023`);
    await page.waitForSelector("#run-scenario");
    await page.click("#run-scenario");
    await page.waitForSelector(
      '#scenario-results[data-where="server"] [data-figure="valueHeldUpPerClosureDayUsd"]',
    );
    await chartsDrawn(page, "#scenario-results");
    assert.ok((await width()) <= PHONE.width, `the scenario results are ${await width()} px wide`);
    assert.deepEqual(await smallTargets("#panel-scenario"), [], "the results: touch targets under 44 px");
    const title = await page.locator("#results-title").boundingBox();
    assert.ok(
      title && title.y > -title.height && title.y < PHONE.height,
      `the results' headline is in view after a run (${JSON.stringify(title)})`,
    );
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-390-scenario-results.png") });
    shots.push("dashboard-390-scenario-results.png");
    await ctx.close();
  },
);

test(
  "axe-core finds no serious or critical violation, and every focus is visible, in every view",
  { timeout: 240_000 },
  async () => {
    const ctx = await newContext(DESKTOP);
    const page = await ctx.newPage();
    const views: [string, string][] = [
      ["", "#overview table"],
      ["#port=2303", '#profile [data-chart="port-crossings"]'],
      ["#compare&ports=3801,3802&measure=Trucks", '[data-chart="compare"]'],
      ["#scenario&preset=dec-2023", "#run-scenario"],
      [`#event=${DEC_2023_EVENT}`, "#event-title"],
      ["#event=officers-2023-12", "#event-detail .officer-event"],
      ["#waits=2402", "#waits-port-title"],
    ];
    const problems: string[] = [];
    for (const [hash, ready] of views) {
      await open(page, hash);
      await page.waitForSelector(ready);
      await page.waitForSelector("#map[data-ready]");
      problems.push(...(await axe(page)).map((v) => `${hash || "#"}: ${v}`));
      await tabThrough(page, 30, hash || "#");
    }
    // The results of a run, too.
    await open(page, "#scenario&preset=dec-2023");
    await page.click("#run-scenario");
    await page.waitForSelector("#results-title");
    await chartsDrawn(page, "#scenario-results");
    problems.push(...(await axe(page)).map((v) => `scenario results: ${v}`));
    assert.deepEqual(problems, []);
    await ctx.close();
  },
);

test(
  "under a strict Content-Security-Policy every view works with no violation",
  { timeout: 180_000 },
  async () => {
    // The server's own policy, at least as strict as STRICT_CSP, is the one the page runs under.
    const served = (await fetch(`${base}/`)).headers.get("content-security-policy") ?? "";
    const sent = new Map(served.split(";").map((d) => [d.trim().split(" ")[0]!, d.trim()] as const));
    for (const directive of STRICT_CSP.split("; ")) {
      const name = directive.split(" ")[0]!;
      // 'none' is stricter than 'self'.
      const ok = sent.get(name) === directive || sent.get(name) === `${name} 'none'`;
      assert.ok(ok, `the server's CSP has ${sent.get(name) ?? "no " + name} for ${directive}: ${served}`);
    }
    const ctx = await newContext(DESKTOP, { csp: "server" });
    const page = await ctx.newPage();
    for (const [hash, ready] of [
      ["", "#map[data-ready=true]"],
      ["#port=2303", '#profile [data-chart="port-crossings"][data-ready]'],
      ["#compare&ports=3801,3802&measure=Trucks", '[data-chart="compare"][data-ready]'],
      [`#event=${DEC_2023_EVENT}`, '[data-chart="event-study"][data-ready]'],
      ["#event=officers-2023-12", '[data-chart="officer-encounters"][data-ready]'],
      ["#waits=2402", '[data-chart="waits-hour"][data-ready]'],
    ] as const) {
      await open(page, hash);
      await page.waitForSelector(ready);
      // A tooltip, too (drawn on the canvas: no HTML with inline styles).
      const chart = page.locator(".chart:visible").first();
      if (await chart.count()) {
        await chart.scrollIntoViewIfNeeded();
        await chart.hover({ position: { x: 200, y: 120 } });
      }
    }
    await open(page, "#scenario&preset=dec-2023");
    await page.check("#run-browser");
    await page.click("#run-scenario");
    await page.waitForSelector('#scenario-results[data-where="browser"] .chart[data-ready]');
    assert.deepEqual(await page.evaluate("window.__csp"), [], "CSP violations");
    await ctx.close();
  },
);

test("the page asked nothing of any host but 127.0.0.1 and logged no errors", () => {
  assert.ok(requests.length > 20, `requests were recorded (${requests.length})`);
  const elsewhere = requests.filter((u) => {
    const url = new URL(u.startsWith("blob:") ? u.slice(5) : u);
    return url.protocol !== "data:" && url.hostname !== "127.0.0.1";
  });
  assert.deepEqual(elsewhere, [], "requests to other hosts");
  assert.deepEqual(pageErrors, [], "errors in the page");
  if (README_IMAGES) {
    mkdirSync("docs/img", { recursive: true });
    for (const f of shots) copyFileSync(join(ARTIFACTS, f), join("docs/img", f));
  }
});
