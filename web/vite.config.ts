import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { defineConfig, type Plugin } from "vite";

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
/** Files worth compressing: text the server sends, over 1 KB. */
const COMPRESSIBLE = /\.(js|mjs|css|html|json|svg|txt)$/;

/**
 * Writes a brotli (.br) and a gzip (.gz) copy beside each built text file, which the server sends to
 * browsers that accept them (@fastify/static's preCompressed), so nothing is compressed per request.
 * Brotli at its best quality for the small files of the first view, quality 9 for the large libraries
 * (quality 11 would make them ~7% smaller for ~6× the build time).
 */
function precompress(): Plugin {
  let outDir = "";
  return {
    name: "borderflow-precompress",
    apply: "build",
    configResolved(c) {
      outDir = resolve(c.root, c.build.outDir);
    },
    async closeBundle() {
      const files: string[] = [];
      const walk = (dir: string) => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          const p = join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else if (COMPRESSIBLE.test(e.name) && statSync(p).size > 1024) files.push(p);
        }
      };
      walk(outDir);
      await Promise.all(
        files.map(async (f) => {
          const buf = readFileSync(f);
          const quality = buf.length < 256 * 1024 ? 11 : 9;
          const [b, g] = await Promise.all([
            brotli(buf, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: quality,
                [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
              },
            }),
            gz(buf, { level: 9 }),
          ]);
          writeFileSync(`${f}.br`, b);
          writeFileSync(`${f}.gz`, g);
        }),
      );
    },
  };
}

/** The dashboard: root web/, built into web/dist, served at / by `borderflow serve`. */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  // No public folder: everything the page loads is bundled, so it works offline.
  publicDir: false,
  plugins: [precompress()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // maplibre-gl alone is about 1 MB minified; it loads after the first view, from 127.0.0.1 only.
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Libraries and the basemap in chunks of their own, so a change to the dashboard's code
        // leaves them cached; the first view (main.ts) imports none of them.
        codeSplitting: {
          groups: [
            { name: "maplibre", test: /node_modules[\\/]maplibre-gl/ },
            { name: "echarts", test: /node_modules[\\/](echarts|zrender)/ },
            { name: "basemap", test: /node_modules[\\/](us-atlas|world-atlas|topojson-client)/ },
          ],
        },
      },
    },
  },
  worker: { format: "es" },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
