import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/** The dashboard: root web/, built into web/dist, served at / by `borderflow serve`. */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  // No public folder: everything the page loads is bundled, so it works offline.
  publicDir: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // maplibre-gl alone is about 1 MB minified; the whole page still loads from 127.0.0.1 only.
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Libraries and the basemap in chunks of their own, so a change to the dashboard's code
        // leaves them cached.
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
