// How the server delivers bytes to the dashboard: API answers compressed (brotli or gzip, as the browser
// accepts), and the built dashboard sent from its precompressed copies, hashed files cached for a year as
// immutable and the page itself revalidated each time. Kept apart from the routes (server.ts).
import { constants } from "node:zlib";
import type { FastifyInstance } from "fastify";
import fastifyCompress from "@fastify/compress";
import fastifyStatic from "@fastify/static";

/** Answers smaller than this go uncompressed (the headers would outweigh the saving). */
const COMPRESS_THRESHOLD_BYTES = 1024;
/**
 * Brotli quality for API answers, compressed per request: 5 keeps a 35 KB answer under a millisecond of
 * CPU and within ~10% of quality 11's size. Static files are precompressed at build time at higher quality.
 */
const API_BROTLI_QUALITY = 5;
/** Vite names the files under /assets/ by the hash of their content: they never change under a name. */
const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * Compresses every answer of the app's routes (register before the routes): brotli, else gzip, per the
 * request's Accept-Encoding; responses already encoded (precompressed files) are left alone.
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCompress, {
    global: true,
    encodings: ["br", "gzip"],
    threshold: COMPRESS_THRESHOLD_BYTES,
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: API_BROTLI_QUALITY } },
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
