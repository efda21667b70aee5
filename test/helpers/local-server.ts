import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";

/** A fault a route injects into its response. */
export type Fault =
  /** An HTTP error status with a short body. */
  | { kind: "http-error"; status: number; body?: string }
  /** Declares the whole Content-Length, writes only the first half, then destroys the socket. */
  | { kind: "truncated-download" }
  /** Valid HTTP (Content-Length matches what is sent), but the body is cut in the middle. */
  | { kind: "truncated-body" };

/** What a path serves. */
export type Responder =
  /** A recorded file (or bytes built by the test), served whole. */
  | { kind: "file"; file?: string; body?: Buffer; contentType?: string; fault?: Fault }
  /**
   * A Socrata resource over a recorded JSON array: honours `$limit`, `$offset`, `$order` and
   * `$where=date >= '...'` as data.bts.gov does; the fault, if any, hits page `faultOnPage` (1-based).
   */
  | { kind: "socrata"; file: string; fault?: Fault; faultOnPage?: number };

/** A running server on 127.0.0.1. */
export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** The absolute URL of a path. */
  url: (path: string) => string;
  /** Every request received, in order. */
  requests: URL[];
  /** Adds or replaces a route. */
  route: (path: string, responder: Responder) => void;
  close: () => Promise<void>;
}

/** Starts a node:http server on 127.0.0.1 with a free port, serving the given routes. */
export async function startLocalServer(routes: Record<string, Responder> = {}): Promise<LocalServer> {
  const table = new Map(Object.entries(routes));
  const requests: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(url);
    const r = table.get(url.pathname);
    if (!r) return send(res, 404, Buffer.from(`no route for ${url.pathname}`), "text/plain");
    try {
      if (r.kind === "file") return serveFile(res, r);
      return serveSocrata(req, res, url, r);
    } catch (e) {
      return send(res, 500, Buffer.from(String(e)), "text/plain");
    }
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    url: (path) => `${base}${path}`,
    requests,
    route: (path, responder) => void table.set(path, responder),
    close: () =>
      new Promise<void>((ok, fail) => {
        server.closeAllConnections();
        server.close((e) => (e ? fail(e) : ok()));
      }),
  };
}

function send(res: ServerResponse, status: number, body: Buffer, contentType: string, fault?: Fault): void {
  if (fault?.kind === "http-error") {
    const text = Buffer.from(fault.body ?? `{"error":true,"message":"Internal Server Error"}`);
    res.writeHead(fault.status, { "Content-Type": "application/json", "Content-Length": text.length });
    res.end(text);
    return;
  }
  if (fault?.kind === "truncated-download") {
    res.writeHead(status, { "Content-Type": contentType, "Content-Length": body.length });
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
    return;
  }
  const out = fault?.kind === "truncated-body" ? body.subarray(0, Math.floor(body.length / 2)) : body;
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": out.length });
  res.end(out);
}

function serveFile(res: ServerResponse, r: Extract<Responder, { kind: "file" }>): void {
  const body = r.body ?? readFileSync(r.file!);
  const type = r.contentType ?? (r.file?.endsWith(".json") ? "application/json" : "application/octet-stream");
  send(res, 200, body, type, r.fault);
}

type SocrataRecord = Record<string, unknown>;

function serveSocrata(
  _req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  r: Extract<Responder, { kind: "socrata" }>,
): void {
  const records = JSON.parse(readFileSync(r.file, "utf8")) as SocrataRecord[];
  const p = url.searchParams;
  const limit = Number(p.get("$limit") ?? 1000);
  const offset = Number(p.get("$offset") ?? 0);
  const bad = (msg: string) =>
    send(res, 400, Buffer.from(JSON.stringify({ error: true, message: msg })), "application/json");
  if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0)
    return bad("bad $limit or $offset");
  let rows = records;
  const where = p.get("$where");
  if (where) {
    const m = /^date >= '(\d{4}-\d{2}-\d{2}T[\d:.]+)'$/.exec(where);
    if (!m) return bad(`unsupported $where ${where}`);
    rows = rows.filter((x) => String(x.date) >= m[1]!);
  }
  const order = p.get("$order");
  if (order) {
    const fields = order.split(",").map((f) => f.trim());
    rows = [...rows].sort((a, b) => {
      for (const f of fields) {
        const x = String(a[f] ?? "");
        const y = String(b[f] ?? "");
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    });
  }
  const page = Math.floor(offset / limit) + 1;
  const body = Buffer.from(JSON.stringify(rows.slice(offset, offset + limit)));
  const fault = r.fault && (r.faultOnPage ?? 1) === page ? r.fault : undefined;
  send(res, 200, body, "application/json; charset=utf-8", fault);
}
