import { homedir } from "node:os";
import type { FastifyInstance, FastifyReply } from "fastify";
import helmet from "helmet";
export { isLoopback, LOOPBACK_NAMES } from "./limits.ts";

/**
 * The Content Security Policy of every answer: everything from this server, nothing from another host, no
 * inline script or style, no eval, no frames. The dashboard needs nothing more (docs/dashboard.md): `data:`
 * images are its empty favicon. The browser test loads every view under the header this server sends and fails
 * on any violation.
 */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  workerSrc: ["'self'"],
  manifestSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
} as const;

/**
 * Security headers on every answer (helmet): CSP, nosniff, no framing, no referrer, same-origin resources.
 * Helmet's middleware is built once here (@fastify/helmet builds it again for every request: 10% of a small
 * answer's cost in bench/api.ts).
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  const apply = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { ...CSP_DIRECTIVES } },
    // Plain HTTP on a local or private address: HSTS and upgrade-insecure-requests would break it.
    strictTransportSecurity: false,
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    crossOriginResourcePolicy: { policy: "same-origin" },
    crossOriginOpenerPolicy: { policy: "same-origin" },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook("onRequest", (req, reply, done) => {
    apply(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
  });
}

/**
 * Refuses requests whose Host header is not one of `allowed` (403): a page on evil.example whose name was
 * rebound to 127.0.0.1 sends `Host: evil.example`, so it cannot read this server's answers.
 */
export function registerHostCheck(app: FastifyInstance, allowed: readonly string[]): void {
  const names = new Set(allowed.map((h) => h.toLowerCase()));
  app.addHook("onRequest", async (req, reply) => {
    const raw = req.headers.host ?? "";
    const name = raw.startsWith("[") ? raw.slice(0, raw.indexOf("]") + 1) : raw.replace(/:\d+$/, "");
    if (names.has(name.toLowerCase())) return;
    return reply
      .status(403)
      .header("content-type", "application/json; charset=utf-8")
      .send({
        error: {
          status: 403,
          message: `Host ${JSON.stringify(raw.slice(0, 100))} is not this server's name: it answers to ${[...names].join(", ")} only (DNS-rebinding protection)`,
          hint: "open the dashboard at http://127.0.0.1:<port>/, or serve with --host to accept other names",
        },
      });
  });
}

/**
 * Replaces this machine's paths (database, archive, snapshot, home folder) in JSON answers with neutral
 * names: an error message or a note must not tell a client where the server keeps its files. Returns the
 * replacement, for answers the server keeps (scrubbed once, when kept: scanning a 100 KB answer for each
 * path at every request was a large part of its cost), and `scrubbed(reply)`, which tells the hook that
 * this reply's body was scrubbed already.
 */
export function registerPathScrubber(
  app: FastifyInstance,
  paths: readonly [string, string][],
): { scrub: (text: string) => string; scrubbed: (reply: FastifyReply) => void } {
  const pairs = [...paths, [homedir(), "~"] as [string, string]]
    .filter(([p]) => p && p.length > 1)
    .sort((a, b) => b[0].length - a[0].length);
  const scrub = (text: string): string => {
    let out = text;
    for (const [path, name] of pairs) {
      if (!out.includes(path)) continue;
      out = out.split(path).join(name);
      // The same path as written inside JSON strings (backslashes escaped on Windows).
      const escaped = JSON.stringify(path).slice(1, -1);
      if (escaped !== path) out = out.split(escaped).join(name);
    }
    return out;
  };
  const done = new WeakSet<FastifyReply>();
  app.addHook("onSend", async (_req, reply, payload) => {
    if (typeof payload !== "string" || done.has(reply)) return payload;
    const type = String(reply.getHeader("content-type") ?? "");
    return type.includes("json") ? scrub(payload) : payload;
  });
  return { scrub, scrubbed: (reply) => void done.add(reply) };
}
