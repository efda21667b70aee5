// The HTTP API as the dashboard uses it: relative URLs (/api/...), JSON in and out, errors as values with
// the server's message and issues. Types mirror the answers of src/api/server.ts (the CLI's --json).
import type { PreparedScenario, ScenarioResult } from "../../src/model/report.ts";

export type { PreparedScenario, ScenarioResult };

/** One problem the server found, with where it is (`events[0].ports[0]`). */
export interface ApiIssue {
  path: string;
  message: string;
  line?: number;
}

/** An error answer of the API: `{ error: { status, message, issues? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function answer<T>(res: Response, url: string): Promise<T> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // A non-JSON answer (a proxy's error page): reported below with the status.
  }
  if (!res.ok) {
    const e = (body as { error?: { message?: string; issues?: ApiIssue[] } } | null)?.error;
    throw new ApiError(res.status, e?.message ?? `${url} answered ${res.status}`, e?.issues ?? []);
  }
  return body as T;
}

/** GETs a JSON answer of the API. */
export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { headers: { accept: "application/json" }, ...(signal ? { signal } : {}) });
  return answer<T>(res, url);
}

/** POSTs JSON to the API and returns its JSON answer. */
export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  return answer<T>(res, url);
}

/** A query string from defined values: `?port=2303&by=month`. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

export type Border = "mexico" | "canada";

/** GET /api/health */
export interface Health {
  ok: boolean;
  snapshotVersion: string | null;
  coverage: Record<
    "crossings" | "trade" | "trade_hs2" | "trade_national",
    { first: string; last: string; gaps: string[] }
  >;
}

/** One port of GET /api/ports. */
export interface PortItem {
  code: string;
  name: string;
  state: string;
  border: Border;
  latitude: number;
  longitude: number;
  crossingModes: string[];
  tradeModes: string[];
  firstMonth: string;
  lastMonth: string;
  /** Exports + imports, all modes, over `tradeWindow`. */
  tradeUsd12m: number;
}

/** GET /api/ports */
export interface PortsAnswer {
  ports: PortItem[];
  tradeWindow: { from: string; to: string };
}

/** GET /api/ports/:code */
export interface PortProfile {
  port: PortItem;
  crossings: {
    from: string;
    to: string;
    byMeasure: {
      measure: string;
      unit: string;
      value: number;
      perDay: number;
      previous: number | null;
      change: number | null;
    }[];
    monthly: { month: string; measure: string; value: number }[];
    notes: string[];
  };
  trade: {
    from: string;
    to: string;
    byModeDirection: {
      mode: string;
      direction: "export" | "import";
      valueUsd: number;
      perDayUsd: number;
      previousUsd: number | null;
      change: number | null;
    }[];
    totalUsd: number;
    perDayUsd: number;
    topCommodities: {
      mode: string;
      hs2: string;
      label: string;
      valueUsd: number;
      share: number;
      rank: number;
    }[];
    notes: string[];
  };
}

/** GET /api/crossings */
export interface CrossingsAnswer {
  from: string;
  to: string;
  by: "month" | "year";
  points: { period: string; measure: string; unit: string; value: number; days: number; perDay: number }[];
  notes: string[];
}

/** GET /api/trade */
export interface TradeAnswer {
  from: string;
  to: string;
  by: string;
  groups: {
    key: string;
    label: string;
    group: string | null;
    valueUsd: number;
    perDayUsd: number;
    share: number;
  }[];
  totalUsd: number;
  perDayUsd: number;
  notes: string[];
}

/** One disruption of GET /api/events. */
export interface EventItem {
  id: string;
  title: string;
  border: string;
  start: string;
  end: string | null;
  ports: { name: string; code: string | null }[];
  modes: string[];
  closureType: string;
}

/** A published figure about a disruption and what our model compares it with. */
export interface PublishedFigure {
  by: string;
  value: unknown;
  unit: string;
  measures: string;
  source_url?: string;
  source_date?: string;
  note?: string;
  comparable?: string;
}

/** GET /api/events/:id */
export interface EventDetail {
  event: {
    id: string;
    title: string;
    border: string;
    start: { date: string; time_local?: string | null; tz?: string | null; note?: string };
    end?: { date: string | null; time_local?: string | null; tz?: string | null; note?: string } | null;
    ports: { name: string; cbp_port_code: string | null }[];
    modes_affected?: string[] | null;
    closure_type: string;
    closure_detail?: string;
    cause?: string;
    headline_figures?: string;
    figures: PublishedFigure[];
    date_sources: { date: string; supports: string; url: string }[];
    notes?: string;
  };
  scenario: { ok: true; events: Record<string, unknown>[]; rules: string[] } | { ok: false; reason: string };
  study: {
    status: string;
    reason?: string;
    origin?: string;
    months?: string[];
    rows?: {
      port: string;
      portName: string;
      role: "affected" | "alternative";
      mode: string;
      series: string;
      month: string;
      observed: number;
      counterfactual: number;
      lo: number;
      hi: number;
      effect: number;
      effectShare: number | null;
      outside: boolean;
    }[];
    notes?: string[];
  };
  backtest: {
    status: string;
    reason?: string;
    publishedFigures?: PublishedFigure[];
    rows?: {
      port: string;
      portName: string;
      role: "affected" | "alternative";
      mode: string;
      unit: string;
      month: string;
      observed: number;
      counterfactual: number;
      modelled: number;
      observedEffect: number;
      modelledEffect: number;
      error: number;
      errorShare: number | null;
    }[];
    summary?: {
      observedEffectShare: number | null;
      modelledEffectShare: number | null;
      meanAbsErrorShare: number | null;
      monthsCompared: number;
    };
    valueHeldUpPerClosureDayUsd?: number | null;
  };
}
