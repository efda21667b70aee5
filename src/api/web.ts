// How the server delivers bytes to the dashboard: API answers compressed (brotli or gzip, as the browser
// accepts), and the built dashboard sent from its precompressed copies, hashed files cached for a year as
// immutable and the page itself revalidated each time. Kept apart from the routes (server.ts).
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { negotiate } from "@fastify/accept-negotiator";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AnswerEncoding } from "./answer-cache.ts";
import fastifyCompress from "@fastify/compress";
import fastifyStatic from "@fastify/static";

/** Answers smaller than this go uncompressed (the headers would outweigh the saving). */
export const COMPRESS_THRESHOLD_BYTES = 1024;
/**
 * Brotli quality for API answers, compressed per request: 5 keeps a 35 KB answer under a millisecond of
 * CPU and within ~10% of quality 11's size. Static files are precompressed at build time at higher quality.
 */
const API_BROTLI_QUALITY = 5;
const BROTLI_OPTIONS = { params: { [constants.BROTLI_PARAM_QUALITY]: API_BROTLI_QUALITY } };
const ENCODINGS: AnswerEncoding[] = ["br", "gzip"];
const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * The encoding an answer goes in for this request, negotiated as @fastify/compress does (brotli, else gzip, by
 * Accept-Encoding and its q-values; `*` and `x-gzip` count as gzip); undefined: send it as it is.
 */
export function answerEncoding(req: FastifyRequest): AnswerEncoding | undefined {
  const header = req.headers["accept-encoding"];
  if (typeof header !== "string" || req.headers["x-no-compression"] !== undefined) return undefined;
  const e = negotiate(header.toLowerCase().replace(/\*|x-gzip/gu, "gzip"), ENCODINGS);
  return e === "br" || e === "gzip" ? e : undefined;
}

/**
 * An answer's bytes in `encoding`, compressed on libuv's thread pool (not the event loop), with the settings
 * the compression hook uses: for answers the server keeps and compresses once (src/api/answer-cache.ts).
 */
export function compressAnswer(text: string, encoding: AnswerEncoding): Promise<Buffer> {
  return encoding === "br" ? brotli(text, BROTLI_OPTIONS) : gz(text);
}

/** Vite names the files under /assets/ by the hash of their content: they never change under a name. */
const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * Compresses every answer of the app's routes (register before the routes): brotli, else gzip, per the
 * request's Accept-Encoding; responses already encoded (precompressed files, kept answers sent with their
 * compressed bytes) are left alone. A JSON answer computed for its request is compressed on libuv's thread
 * pool, not on the event loop as @fastify/compress does for a string body (a 15-year series is ~30 KB of
 * JSON: bench/api.ts); @fastify/compress takes the rest (streams, other types).
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  app.addHook("onSend", async (req, reply, payload) => {
    if (typeof payload !== "string" || Buffer.byteLength(payload) < COMPRESS_THRESHOLD_BYTES) return payload;
    if (
      reply.getHeader("content-encoding") ||
      !String(reply.getHeader("content-type") ?? "").includes("json")
    )
      return payload;
    const encoding = answerEncoding(req);
    if (!encoding) return payload;
    reply.header("vary", "accept-encoding");
    reply.header("content-encoding", encoding);
    return compressAnswer(payload, encoding);
  });
  await app.register(fastifyCompress, {
    global: true,
    encodings: ["br", "gzip"],
    threshold: COMPRESS_THRESHOLD_BYTES,
    brotliOptions: BROTLI_OPTIONS,
  });
}

/**
 * Serves the built dashboard at /: each file's .br or .gz copy when the browser accepts it (written by the
 * build, web/vite.config.ts), `Cache-Control: immutable` for the hashed files under /assets/, and
 * `no-cache` for index.html, so a new build is seen on the next load while nothing else is asked again.
 */
export async function registerDashboard(app: FastifyInstance, webRoot: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: webRoot,
    prefix: "/",
    index: ["index.html"],
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header("cache-control", /[\\/]assets[\\/]/.test(path) ? IMMUTABLE : "no-cache");
    },
  });
}
