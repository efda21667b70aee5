/**
 * A worker-thread module next to the caller (`base` = its `import.meta.url`): the compiled `.js`, or, when
 * running from the TypeScript sources, the `.ts` loaded through tsx (added to the worker's execArgv unless
 * the process already has it).
 */
export function workerModule(base: string, stem: string): { filename: string; execArgv: string[] } {
  const ts = base.endsWith(".ts");
  const filename = new URL(`./${stem}.${ts ? "ts" : "js"}`, base).href;
  const hasTsx = process.execArgv.some(
    (a, i, all) => a.includes("tsx") || (a === "--import" && all[i + 1]?.includes("tsx")),
  );
  return { filename, execArgv: ts && !hasTsx ? [...process.execArgv, "--import", "tsx"] : process.execArgv };
}
