// ECharts with modular imports: only the charts and components the dashboard draws.
import * as echarts from "echarts/core";
import { BarChart, CustomChart, LineChart } from "echarts/charts";
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import { h } from "./dom.ts";

echarts.use([
  BarChart,
  LineChart,
  CustomChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;
export type Chart = echarts.ECharts;

/** Colours of series, readable for common colour-vision deficiencies (Okabe–Ito). */
export const PALETTE = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#F0E442",
  "#000000",
];

/** Colour of each border on the map and in charts. */
export const BORDER_COLOURS = { mexico: "#D55E00", canada: "#0072B2" } as const;

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
  onReady?: (chart: Chart) => void;
}): HTMLElement {
  const box = h("div", {
    class: "chart",
    role: "img",
    "aria-label": `${opts.title}: ${opts.measures}`,
    style: `height:${opts.height ?? 260}px`,
    ...(opts.id ? { "data-chart": opts.id } : {}),
  });
  const fig = h(
    "figure",
    { class: "chart-figure" },
    h("figcaption", {}, h("strong", {}, opts.title), h("span", { class: "measures" }, opts.measures)),
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
    tooltip: {
      trigger: "axis",
      valueFormatter: (v: unknown) => (typeof v === "number" ? yFormatter(v) : "–"),
    },
    legend: { top: 0, type: "scroll" },
    yAxis: { type: "value", axisLabel: { formatter: yFormatter } },
  };
}
