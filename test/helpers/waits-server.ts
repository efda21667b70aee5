import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One response a scripted path gives. */
export type Step =
  /** A body served whole with status 200. */
  | { kind: "body"; body: Buffer | string; contentType?: string }
  /** An HTTP status with a short body. */
  | { kind: "status"; status: number; body?: string }
  /** Accepts the request and never answers (a timeout for the client). */
  | { kind: "hang" }
  /** Sends the headers and half the body, then the rest after `afterMs` (a slow server). */
  | { kind: "slow"; body: Buffer | string; afterMs: number }
  /** Valid HTTP whose body is cut in the middle (Content-Length matches what is sent). */
  | { kind: "truncated"; body: Buffer | string };

/** A request the server received. */
export interface Received {
  method: string;
  path: string;
  body: string;
}

/** A server on 127.0.0.1 whose paths answer from scripts: each request takes the next step. */
export interface ScriptedServer {
  base: string;
  url: (path: string) => string;
  requests: Received[];
  /** Sets a path's steps; when they run out, the last step repeats. */
  script: (path: string, steps: Step[]) => void;
  close: () => Promise<void>;
}

/** Starts a scripted server on 127.0.0.1 with a free port. */
export async function startScriptedServer(): Promise<ScriptedServer> {
  const scripts = new Map<string, { steps: Step[]; next: number }>();
  const requests: Received[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
      requests.push({ method: req.method ?? "GET", path, body: Buffer.concat(chunks).toString("utf8") });
      const s = scripts.get(path);
      if (!s || s.steps.length === 0) return void res.writeHead(404).end(`no script for ${path}`);
      const step = s.steps[Math.min(s.next, s.steps.length - 1)]!;
      s.next++;
      serve(res, step, timers);
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    url: (p) => `${base}${p}`,
    requests,
    script: (path, steps) => void scripts.set(path, { steps, next: 0 }),
    close: () =>
      new Promise<void>((ok, fail) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close((e) => (e ? fail(e) : ok()));
      }),
  };
}

function serve(res: ServerResponse, step: Step, timers: Set<NodeJS.Timeout>): void {
  const buf = (b: Buffer | string) => (typeof b === "string" ? Buffer.from(b) : b);
  switch (step.kind) {
    case "body": {
      const b = buf(step.body);
      res.writeHead(200, {
        "Content-Type": step.contentType ?? "application/json",
        "Content-Length": b.length,
      });
      res.end(b);
      return;
    }
    case "status": {
      const b = Buffer.from(step.body ?? `{"error":true,"status":${step.status}}`);
      res.writeHead(step.status, { "Content-Type": "application/json", "Content-Length": b.length });
      res.end(b);
      return;
    }
    case "hang":
      return;
    case "slow": {
      const b = buf(step.body);
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": b.length });
      res.write(b.subarray(0, Math.floor(b.length / 2)));
      const t = setTimeout(() => {
        timers.delete(t);
        res.end(b.subarray(Math.floor(b.length / 2)));
      }, step.afterMs);
      timers.add(t);
      return;
    }
    case "truncated": {
      const b = buf(step.body).subarray(0, Math.floor(buf(step.body).length / 2));
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": b.length });
      res.end(b);
      return;
    }
  }
}
