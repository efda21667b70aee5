import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Layers point one way: domain <- {sources, store, model} <- services <- {api, cli}. */
const layer = (from, forbidden) => ({
  files: [`src/${from}/**/*.ts`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: forbidden.map((f) => ({
          group: [`**/${f}/**`, `../${f}/*`],
          message: `${from} must not import ${f}`,
        })),
      },
    ],
  },
});

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "data/",
      "test/fixtures/",
      "dist/",
      "web/dist/",
      "test-artifacts/",
      "bench/results/",
      ".scratch/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  layer("domain", ["sources", "store", "model", "services", "cli", "api"]),
  layer("sources", ["store", "model", "services", "cli", "api"]),
  layer("store", ["sources", "model", "services", "cli", "api"]),
  layer("model", ["sources", "store", "services", "cli", "api"]),
  layer("services", ["cli", "api"]),
  {
    files: ["web/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: ["sources", "store", "services", "cli", "api"].map((f) => ({
            group: [`**/src/${f}/**`],
            message: `the dashboard imports only src/domain and src/model; it reaches ${f} through the HTTP API`,
          })),
        },
      ],
    },
  },
);
