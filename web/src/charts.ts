// ECharts with modular imports: only the charts and components the dashboard draws.
import * as echarts from "echarts/core";
import { BarChart, CustomChart, LineChart } from "echarts/charts";
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import { PALETTE } from "./colours.ts";
import { h } from "./dom.ts";
import { exportButtons, type Dataset } from "./export.ts";

export { BORDER_COLOURS, PALETTE } from "./colours.ts";

echarts.use([
  BarChart,
  LineChart,
  CustomChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;
export type Chart = echarts.ECharts;

const charts = new Set<Chart>();
const observer = new ResizeObserver((entries) => {
  for (const e of entries) echarts.getInstanceByDom(e.target as HTMLElement)?.resize();
});

/**
 * A chart in a figure with its title, what it measures (the y axis) and an accessible label. The chart is
 * drawn once the element is in the page and is disposed with `disposeCharts`.
 */
export function chartFigure(opts: {
  title: string;
  /** What one number on the chart is, e.g. "trade value per month, USD (exports + imports)". */
  measures: string;
  option: ChartOption;
  height?: number;
  id?: string;
  /** The same numbers as a table, for reading and for screen readers. */
  table?: HTMLElement;
  /** The chart's numbers as the API gave them, for the CSV and JSON downloads. */
  data?: () => Dataset;
  onReady?: (chart: Chart) => void;
}): HTMLElement {
  const box = h("div", {
    class: "chart",
    role: "img",
    "aria-label": `${opts.title}: ${opts.measures}`,
    style: { height: `${opts.height ?? 260}px` },
    ...(opts.id ? { "data-chart": opts.id } : {}),
  });
  const fig = h(
    "figure",
    { class: "chart-figure", ...(opts.id ? { "data-figure-of": opts.id } : {}) },
    h(
      "figcaption",
      {},
      h(
        "span",
        { class: "caption-text" },
        h("strong", {}, opts.title),
        h("span", { class: "measures" }, opts.measures),
      ),
      opts.data ? exportButtons(opts.data, opts.title) : null,
    ),
    box,
    opts.table
      ? h("details", { class: "chart-table" }, h("summary", {}, "Show the numbers"), opts.table)
      : null,
  );
  requestAnimationFrame(() => {
    if (!box.isConnected) return;
    const chart = echarts.init(box, null, { renderer: "canvas" });
    chart.setOption({
      color: PALETTE,
      aria: { enabled: true },
      animation: false,
      textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
      ...opts.option,
    });
    // The ECharts instance on its box, for the browser test (it reads the series as drawn) and the console.
    Object.defineProperty(box, "echarts", { value: chart, configurable: true });
    charts.add(chart);
    observer.observe(box);
    box.dataset.ready = "true";
    opts.onReady?.(chart);
  });
  return fig;
}

/** Disposes the charts inside an element before it is emptied or replaced. */
export function disposeCharts(root: Element): void {
  for (const el of root.querySelectorAll<HTMLElement>(".chart")) {
    const c = echarts.getInstanceByDom(el);
    if (c) {
      observer.unobserve(el);
      charts.delete(c);
      c.dispose();
    }
  }
}

/** Resizes every chart (after a layout change the observer cannot see, e.g. a tab shown). */
export function resizeCharts(): void {
  for (const c of charts) c.resize();
}

/** The common grid and tooltip of a time-series chart. */
export function baseTimeOption(yFormatter: (v: number) => string): ChartOption {
  return {
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    // Tooltips drawn on the canvas, not as HTML: nothing for a strict Content-Security-Policy to block.
    tooltip: {
      trigger: "axis",
      renderMode: "richText",
      valueFormatter: (v: unknown) => (typeof v === "number" ? yFormatter(v) : "–"),
    },
    legend: { top: 0, type: "scroll" },
    yAxis: { type: "value", axisLabel: { formatter: yFormatter } },
  };
}
