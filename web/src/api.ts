// The HTTP API as the dashboard uses it: relative URLs (/api/...), JSON in and out, errors as values with
// the server's message and issues. Types mirror the answers of src/api/server.ts (the CLI's --json).
import type { PreparedScenario, ScenarioResult } from "../../src/model/report.ts";

export type { PreparedScenario, ScenarioResult };
export type { OfficerEventAnswer, OfficerEventItem } from "../../src/model/officer-answers.ts";
import type {
  BacktestResult,
  Coverage,
  CrossingsResult,
  EventStudy,
  PortList,
  PortListItem,
  PortProfile,
  TradeResult,
} from "../../src/domain/answers.ts";
import type { DerivedScenario, DisruptionEvent, EventFigure } from "../../src/domain/events.ts";

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
  coverage: Coverage;
}

// The answers' shapes are the services' own (src/domain/answers.ts), so a change there fails this build.
/** One port of GET /api/ports. */
export type PortItem = PortListItem;
/** GET /api/ports */
export type PortsAnswer = PortList;
/** GET /api/crossings */
export type CrossingsAnswer = CrossingsResult;
/** GET /api/trade */
export type TradeAnswer = TradeResult;
export type { PortProfile };

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
export type PublishedFigure = EventFigure & { comparable?: string };

/** GET /api/events/:id */
export interface EventDetail {
  event: DisruptionEvent;
  scenario: DerivedScenario;
  study: EventStudy;
  backtest: BacktestResult;
}
