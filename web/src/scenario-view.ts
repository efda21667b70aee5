// The Scenario tab: the builder, kept in the address (#scenario=…), with its ports outlined on the map and
// in the list, and after a run the diversions drawn on the map.
import "./zod-config.ts"; // first: before any zod schema is built
import { getJson, type ScenarioResult } from "./api.ts";
import { route, type Route } from "./router.ts";
import { ScenarioBuilder, type Area } from "./scenario-builder.ts";
import { resultDiversions } from "./scenario-results.ts";
import { decodeHash } from "./scenario-spec.ts";
import type { Shell, View } from "./shell.ts";
import { surgePanel } from "./surge.ts";

export function createView(shell: Shell): View {
  let shown = false;
  let encoded: string | null = null;
  let result: ScenarioResult | null = null;
  let areas: { fieldOffices: Area[]; sectors: Area[] } | null = null;
  const builder = new ScenarioBuilder({
    fieldOffices: () => areas?.fieldOffices ?? [],
    ports: shell.ports,
    onPorts: (codes, active, fit) => {
      if (!shown) return;
      shell.map.mark(codes, fit);
      shell.list.setPressed(codes);
      shell.list.setMode("scenario", `event ${active + 1} of the scenario`);
    },
    onSpec: (e) => {
      encoded = e;
      if (shown) shell.replaceRoute(route("scenario", e));
    },
    onResult: (r) => {
      result = r;
      if (shown) shell.map.showDiversions(r ? resultDiversions(r) : null);
    },
  });

  const surge = surgePanel({
    sectors: () => areas?.sectors ?? [],
    open: (raw, from) => {
      if (builder.loadRaw(raw, from)) document.getElementById("builder-title")?.focus();
    },
  });
  builder.el.querySelector(".run-bar")?.after(surge.el);
  // Field offices (for officer events) and sectors (for the surge), with their ports.
  void getJson<{ fieldOffices: Area[]; sectors: Area[] }>("/api/areas")
    .then((a) => {
      areas = a;
      builder.refresh();
      surge.refresh();
    })
    .catch(() => {});

  return {
    el: builder.el,
    show(r: Route) {
      shown = true;
      shell.map.select(null);
      const preset = r.params.get("preset");
      const port = r.params.get("port");
      if (r.id && r.id !== encoded) {
        const d = decodeHash(`#scenario=${r.id}`);
        if (d.ok) builder.loadRaw(d.raw, "the link");
        else builder.loadRaw(null, `the link (${d.error})`);
      } else if (preset === "dec-2023") {
        builder.loadPreset();
      } else if (port && shell.byCode.has(port)) {
        builder.usePort(port, r.params.get("mode") ?? undefined);
      }
      const codes = builder.portCodes();
      shell.map.mark(codes, codes.length > 0);
      shell.map.showDiversions(result ? resultDiversions(result) : null);
      shell.list.setPressed(codes);
      shell.list.setMode("scenario", builder.activeLabel());
      builder.syncHash();
    },
    pick: (code) => builder.togglePort(code),
    hide() {
      shown = false;
      shell.map.showDiversions(null);
    },
  };
}
