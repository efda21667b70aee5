// The dashboard in a real browser: headless Chromium (test/helpers/browser.ts: the npm one unless
// $BORDERFLOW_CHROMIUM says otherwise) through playwright-core, against the real server (the API and the built
// dashboard, in-process on 127.0.0.1) over the real snapshot. Every number checked on the page is compared
// with the API's answer, formatted as the CLI formats it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
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

const ARTIFACTS = "test-artifacts";
const PRESET_FILE = "examples/dec-2023-rail-suspension.json";
const PRESET = JSON.parse(readFileSync(PRESET_FILE, "utf8")) as Record<string, unknown>;
const DEC_2023_EVENT = "cbp-rail-suspension-eagle-pass-el-paso-2023-12";
/** Set BORDERFLOW_README_IMAGES=1 to refresh the README's screenshots in docs/img from this run. */
const README_IMAGES = process.env.BORDERFLOW_README_IMAGES === "1";

// Independent formatters: the page must write numbers exactly like this (and like the CLI).
const int = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const count = (v: number) => (Math.abs(v) >= 100 || v === 0 ? int.format(v) : one.format(v));
const signed = (v: number) => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}%`;
const addDays = (iso: string, n: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

let store: Store;
let app: FastifyInstance;
let base: string;
let browser: Browser;
const requests: string[] = [];
const pageErrors: string[] = [];

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const log: string[] = [];
  const built = await ensureWebBuilt({ out: (s) => log.push(s), err: (s) => log.push(s), isTty: false });
  assert.ok(built, `web/index.html is missing: the dashboard cannot be built (${log.join("")})`);
  store = await Store.open({ path: ":memory:" });
  app = await buildApp({ store, webRoot: WEB_DIST });
  await app.listen({ host: "127.0.0.1", port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  ({ browser } = await launchChromium());
});

after(async () => {
  await browser?.close();
  await app?.close();
  store?.close();
});

/** A browser context that records every request and every page error. */
async function newContext(
  viewport: { width: number; height: number },
  mobile = false,
): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport,
    locale: "en-US",
    timezoneId: "UTC",
    acceptDownloads: true,
    ...(mobile ? { isMobile: true, hasTouch: true } : {}),
  });
  ctx.setDefaultTimeout(30_000);
  ctx.on("request", (r) => requests.push(r.url()));
  ctx.on("page", (p) => {
    p.on("pageerror", (e) => pageErrors.push(`${p.url()}: ${e.message}`));
    p.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(`${p.url()}: console: ${m.text()}`);
    });
  });
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
    `${count(rail.peak.value)} railcars`,
    `${where}: peak backlog`,
  );
  assert.equal(await card("peakBacklog-railcars", "p10"), count(rail.peak.p10), `${where}: peak backlog P10`);
  assert.equal(await card("peakBacklog-railcars", "p90"), count(rail.peak.p90), `${where}: peak backlog P90`);
  assert.equal(
    await card("clearDate", "value"),
    addDays(r.grid.start, b.clearDay.value),
    `${where}: clear date`,
  );
  assert.equal(await card("clearDate", "p10"), addDays(r.grid.start, b.clearDay.p10), `${where}: clear P10`);
  assert.equal(await card("clearDate", "p90"), addDays(r.grid.start, b.clearDay.p90), `${where}: clear P90`);
  assert.equal(await card("widerUsd", "value"), "off", `${where}: the multiplier is off`);

  // The three cost layers with their bands.
  for (const key of ["carryingUsd", "equipmentUsd", "spoilageUsd", "detourUsd", "directUsd"] as const) {
    for (const col of ["value", "p10", "p50", "p90"] as const) {
      assert.equal(
        await text(page, `[data-table="cost-layers"] tr[data-row="${key}"] [data-col="${col}"]`),
        formatUsd(c[key][col]),
        `${where}: cost layer ${key} ${col}`,
      );
    }
  }
  // Value held up by commodity: every row, in order.
  const rows = page.locator('[data-table="commodities"] tbody tr');
  assert.equal(await rows.count(), c.byCommodity.length, `${where}: commodity rows`);
  for (const [i, x] of c.byCommodity.slice(0, 8).entries()) {
    const cells = (await rows.nth(i).locator("td").allTextContents()).map((s) => s.trim());
    assert.deepEqual(cells.slice(0, 3), [x.hs2, x.label, formatUsd(x.valueUsd)], `${where}: commodity ${i}`);
  }
  // The assumptions table: every parameter with its value or range.
  const params = page.locator('[data-table="assumptions"] tbody tr');
  assert.equal(await params.count(), r.assumptions.length, `${where}: assumption rows`);
  for (const [i, a] of r.assumptions.entries()) {
    const cells = (await params.nth(i).locator("td").allTextContents()).map((s) => s.trim());
    assert.deepEqual(cells.slice(0, 3), [a.name, a.value, a.unit], `${where}: assumption ${a.name}`);
  }
  // Each affected flow, in its unit.
  const flows = page.locator('[data-table="flows"] tbody tr');
  assert.equal(await flows.count(), r.flows.length, `${where}: flow rows`);
  for (const [i, f] of r.flows.entries()) {
    const cells = (await flows.nth(i).locator("td").allTextContents()).map((s) => s.trim());
    assert.ok(cells[0]!.startsWith(`${f.portName} (${f.port})`), `${where}: flow ${i} is ${f.key}`);
    assert.equal(cells[3], count(f.blockedPerClosureDay), `${where}: ${f.key} blocked per closure day`);
    assert.equal(cells.at(-1), f.clearDate ?? "not in the run", `${where}: ${f.key} clear date`);
  }
  const summary = await text(page, "[data-summary]");
  assert.match(summary, new RegExp(`${int.format(r.monteCarlo.draws)} draws, seed ${r.monteCarlo.seed}`));
  await chartsDrawn(page, "#scenario-results");
}

test(
  "the dashboard loads from 127.0.0.1 and draws every port on the offline map",
  { timeout: 120_000 },
  async () => {
    const ctx = await newContext({ width: 1280, height: 800 });
    const page = await ctx.newPage();
    await open(page);
    const ports = await api<{ ports: { code: string }[] }>("/api/ports");
    assert.equal(await page.locator(".port-item").count(), ports.ports.length, "one list entry per port");
    await page.waitForSelector("#map[data-ready]");
    assert.equal(
      await page.getAttribute("#map", "data-ready"),
      "true",
      "the map drew with WebGL (data-ready=false means the page fell back to the list)",
    );
    await page.waitForSelector("#overview table");
    await page.waitForTimeout(500); // let the map finish its frame
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-1280-overview.png") });
    // Circles sized by a crossing measure: one request for every port, values equal to the API's.
    const trucks = await api<{ from: string; to: string; points: { period: string; value: number }[] }>(
      "/api/crossings?measure=Trucks&from=2024-07&to=2025-06&by=port",
    );
    await page.selectOption("#port-size", "Trucks");
    const laredo = page.locator('.port-item[data-code="2304"] .port-value');
    const want = `${int.format(trucks.points.find((p) => p.period === "2304")!.value)} trucks`;
    for (let i = 0; i < 100 && (await laredo.textContent()) !== want; i++) await page.waitForTimeout(100);
    assert.equal(await laredo.textContent(), want, "Laredo's trucks as the API gives them");
    await ctx.close();
  },
);

test(
  "Eagle Pass opens from the list by keyboard and its profile shows the API's numbers",
  { timeout: 120_000 },
  async () => {
    const profile = await api<{
      trade: { perDayUsd: number; byModeDirection: { valueUsd: number; perDayUsd: number }[] };
      crossings: { byMeasure: { measure: string; perDay: number; unit: string }[] };
    }>("/api/ports/2303");
    const ctx = await newContext({ width: 1280, height: 800 });
    const page = await ctx.newPage();
    await open(page);
    await page.fill("#port-search", "Eagle");
    const item = page.locator('.port-item[data-code="2303"]');
    await item.focus();
    assert.equal(
      await page.evaluate("getComputedStyle(document.activeElement).outlineStyle"),
      "solid",
      "focus is visible",
    );
    await page.keyboard.press("Enter");
    await page.waitForSelector("#profile-title");
    assert.equal(await text(page, "#profile-title"), "Eagle Pass (2303)");
    assert.equal(new URL(page.url()).hash, "#port=2303", "the profile can be linked to");
    assert.equal(
      await text(page, '[data-figure="tradePerDay"] [data-part="value"]'),
      formatUsd(profile.trade.perDayUsd),
    );
    const trucks = profile.crossings.byMeasure.find((m) => m.measure === "Trucks")!;
    assert.equal(
      await text(page, '[data-figure="perDay:Trucks"] [data-part="value"]'),
      `${count(trucks.perDay)} ${trucks.unit}`,
    );
    const rows = page.locator('[data-table="trade-by-mode"] tbody tr');
    assert.equal(await rows.count(), profile.trade.byModeDirection.length);
    const first = (await rows.first().locator("td").allTextContents()).map((s) => s.trim());
    assert.equal(first[2], formatUsd(profile.trade.byModeDirection[0]!.valueUsd));
    assert.equal(first[3], formatUsd(profile.trade.byModeDirection[0]!.perDayUsd));
    await chartsDrawn(page, "#profile");
    assert.equal(await page.locator('[data-chart="port-trade"]').count(), 1, "trade by mode over time");
    assert.equal(
      await page.locator('[data-chart="port-crossings"]').count(),
      1,
      "crossings by measure over time",
    );
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-1280-profile.png") });
    await ctx.close();
  },
);

test(
  "the December 2023 scenario run from the builder shows the API's numbers, on the server and in the browser",
  { timeout: 180_000 },
  async () => {
    const expected = await api<ScenarioResult>("/api/scenarios/run", PRESET);
    const ctx = await newContext({ width: 1280, height: 800 });
    const page = await ctx.newPage();
    await open(page);
    await page.click("#tab-scenario");
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
    await assertResultShown(page, expected, "server run");
    await page.locator("#scenario-results").evaluate((el) => el.scrollIntoView({ block: "start" }));
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-1280-scenario.png") });

    // The same scenario run by the pure model in this browser gives the same figures.
    await page.check("#run-browser");
    await page.click("#run-scenario");
    await page.waitForSelector(
      '#scenario-results[data-where="browser"] [data-figure="valueHeldUpPerClosureDayUsd"]',
    );
    await assertResultShown(page, expected, "browser run");
    await ctx.close();
  },
);

test(
  "a scenario is shared as a link that restores the builder, and downloaded as a file",
  { timeout: 120_000 },
  async () => {
    const ctx = await newContext({ width: 1280, height: 800 });
    const page = await ctx.newPage();
    await open(page);
    await page.click("#tab-scenario");
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

    const download = page.waitForEvent("download");
    await page.click("#download-scenario");
    const file = await (await download).path();
    const downloaded = JSON.parse(readFileSync(file, "utf8"));
    assert.deepEqual(
      ScenarioSpecSchema.parse(downloaded),
      ScenarioSpecSchema.parse(preset),
      "the file is the preset",
    );

    // Opening the link in a fresh page restores the builder.
    const other = await ctx.newPage();
    await other.goto(link);
    await other.waitForSelector("body[data-ready=true]");
    assert.equal(await other.getAttribute("#tab-scenario", "aria-selected"), "true");
    assert.equal(await other.inputValue("#sc-name"), PRESET.name);
    assert.equal(await other.inputValue("#ev0-end"), "2023-12-22T14:00");
    assert.equal(await other.inputValue("#ev0-end-zone"), "America/New_York");
    assert.deepEqual(
      await other
        .locator('[data-ports="0"] .chip')
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-code"))),
      ["2303", "2402"],
    );

    // A YAML scenario file (as the CLI reads) opens in the builder too.
    await other.setInputFiles("#scenario-file", "examples/laredo-rail-3-days.yaml");
    for (let i = 0; i < 50 && (await other.inputValue("#sc-name")) === PRESET.name; i++)
      await other.waitForTimeout(100);
    assert.equal(await other.inputValue("#sc-name"), "Laredo rail closed for 3 days");
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
  "past disruptions: the December 2023 event opens to its event study and backtest",
  { timeout: 120_000 },
  async () => {
    const detail = await api<{
      backtest: {
        valueHeldUpPerClosureDayUsd: number;
        summary: { observedEffectShare: number; modelledEffectShare: number };
      };
    }>(`/api/events/${DEC_2023_EVENT}`);
    const ctx = await newContext({ width: 1280, height: 800 });
    const page = await ctx.newPage();
    await open(page);
    await page.click("#tab-events");
    await page.click(`.event-item[data-event="${DEC_2023_EVENT}"]`);
    await page.waitForSelector("#event-title");
    assert.equal(
      await text(page, '[data-figure="eventValueHeldUpPerClosureDay"] [data-part="value"]'),
      formatUsd(detail.backtest.valueHeldUpPerClosureDayUsd),
    );
    assert.equal(
      await text(page, '[data-figure="observedEffectShare"] [data-part="value"]'),
      signed(detail.backtest.summary.observedEffectShare),
    );
    assert.equal(
      await text(page, '[data-figure="modelledEffectShare"] [data-part="value"]'),
      signed(detail.backtest.summary.modelledEffectShare),
    );
    await chartsDrawn(page, "#event-detail");
    assert.equal(await page.locator('[data-chart="event-study"]').count(), 1);
    assert.equal(await page.locator('[data-chart="backtest"]').count(), 1);
    await page.locator("#event-study").evaluate((el) => el.scrollIntoView({ block: "start" }));
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-1280-event.png") });
    await ctx.close();
  },
);

test("at phone width the dashboard fits the screen", { timeout: 120_000 }, async () => {
  const ctx = await newContext({ width: 390, height: 844 }, true);
  const page = await ctx.newPage();
  await open(page, "#port=2303");
  await page.waitForSelector("#profile-title");
  await chartsDrawn(page, "#profile");
  const width = async () => Number(await page.evaluate("document.documentElement.scrollWidth"));
  assert.ok((await width()) <= 390, `the profile is ${await width()} px wide at a 390 px screen`);
  await page.screenshot({ path: join(ARTIFACTS, "dashboard-390-profile.png") });
  await page.click("#tab-scenario");
  await page.click("#preset-dec-2023");
  await page.click("#run-scenario");
  await page.waitForSelector(
    '#scenario-results[data-where="server"] [data-figure="valueHeldUpPerClosureDayUsd"]',
  );
  await chartsDrawn(page, "#scenario-results");
  assert.ok((await width()) <= 390, `the scenario results are ${await width()} px wide at a 390 px screen`);
  await page.screenshot({ path: join(ARTIFACTS, "dashboard-390-scenario.png") });
  await ctx.close();
});

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
    for (const f of ["dashboard-1280-scenario.png", "dashboard-390-profile.png"])
      copyFileSync(join(ARTIFACTS, f), join("docs/img", f));
  }
});
