// The scenario builder: a form over a draft scenario, runs through the API or in this browser with the
// same pure model, downloads the scenario as a file and shares it as a link (the scenario in the URL hash).
import "./zod-config.ts"; // first: before any zod schema is built
import { parse as parseYaml } from "yaml";
import presetText from "../../examples/dec-2023-rail-suspension.json?raw";
import {
  DIRECTION_WORDS,
  MAX_DRAWS,
  MAX_EVENT_OFFICERS,
  OFFICER_POLICIES,
  SCENARIO_MODES,
  ScenarioSpecSchema,
  type OfficerPolicy,
} from "../../src/domain/scenario.ts";
import type { ScenarioSpec } from "../../src/domain/scenario.ts";
import { ApiError, postJson, type PortItem, type PreparedScenario, type ScenarioResult } from "./api.ts";
import { h, message, replace } from "./dom.ts";
import { formatInt } from "./format.ts";
import type { ModelMessage, ModelRequest } from "./model-worker.ts";
import { portCodeOf, portInput } from "./port-input.ts";
import { renderResults } from "./scenario-results.ts";
import {
  ZONES,
  blankDraft,
  blankEvent,
  encodeSpec,
  formatOffset,
  portTimeZone,
  fromSpec,
  toIso,
  toSpec,
  zoneOffsetMinutes,
  type Draft,
  type DraftEvent,
  type EventKind,
} from "./scenario-spec.ts";

/** The most draws the API runs (src/api/schemas.ts); the browser may run up to MAX_DRAWS. */
const API_MAX_DRAWS = 5000;

const KINDS: { id: EventKind; label: string }[] = [
  { id: "closure", label: "closure" },
  { id: "capacity-cut", label: "capacity cut" },
  { id: "demand-shock", label: "demand change" },
  { id: "officer-redeployment", label: "officers moved away" },
];

const POLICY_LABELS: Record<OfficerPolicy, string> = {
  proportional: "every lane in proportion",
  "protect-commercial": "close traveller lanes first (protect commercial)",
  "protect-travellers": "close commercial lanes first (protect travellers)",
  "closure-list": "the closures listed in the file",
};

/** A field office or sector with its land ports (GET /api/areas). */
export interface Area {
  name: string;
  ports: string[];
}

const DIRECTION_LABELS: Record<(typeof DIRECTION_WORDS)[number], string> = {
  both: "both directions",
  northbound: "northbound",
  southbound: "southbound",
  inbound: "inbound (into the U.S.)",
  outbound: "outbound (out of the U.S.)",
};

const MODE_LABELS: Record<(typeof SCENARIO_MODES)[number], string> = {
  rail: "rail",
  truck: "truck",
  bus: "bus",
  "personal-vehicle": "personal vehicle",
  pedestrian: "pedestrian",
};

/** The December 2023 rail suspension at Eagle Pass and El Paso (examples/dec-2023-rail-suspension.json). */
export const PRESET: unknown = JSON.parse(presetText);

export interface BuilderDeps {
  ports: PortItem[];
  /** Called when the ports of the scenario change (to outline them on the map and in the list). */
  onPorts: (codes: string[], activeEvent: number, fit: boolean) => void;
  /** Called with the scenario in base64url when it changes (to keep it in the address). */
  onSpec: (encoded: string) => void;
  /** Called with a run's result once it is shown (to draw its diversions on the map). */
  onResult: (result: ScenarioResult | null) => void;
  /** The field offices with their land ports (for officer events), once loaded. */
  fieldOffices?: () => Area[];
}

/** The builder and its results, in one element. */
export class ScenarioBuilder {
  readonly el: HTMLElement;
  private draft: Draft = blankDraft();
  private active = 0;
  private where: "server" | "browser" = "server";
  private readonly form: HTMLFormElement;
  private readonly status: HTMLElement;
  private readonly results: HTMLElement;
  /** Says, for screen readers, that results are ready (the results themselves open with the headline). */
  private readonly announce = h("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  private readonly shareInput: HTMLInputElement;
  private hashTimer = 0;
  private running = false;
  private worker: Worker | null = null;

  constructor(private readonly deps: BuilderDeps) {
    this.form = h("form", {
      id: "scenario-form",
      "aria-labelledby": "builder-title",
      class: "scenario-form",
      novalidate: true,
      onsubmit: (e: Event) => this.submit(e),
    });
    this.status = h("div", {
      class: "scenario-status",
      id: "scenario-status",
      role: "status",
      "aria-live": "polite",
    });
    this.results = h("div", { class: "scenario-results", id: "scenario-results" });
    this.shareInput = h("input", {
      type: "text",
      readonly: true,
      id: "share-link",
      "aria-label": "Link to this scenario",
      onfocus: (e: Event) => (e.target as HTMLInputElement).select(),
    });
    // The file input is never focused itself: the button below opens it.
    const fileInput = h("input", {
      type: "file",
      accept: ".json,.yaml,.yml,application/json",
      id: "scenario-file",
      class: "visually-hidden",
      tabindex: "-1",
      "aria-hidden": "true",
      onchange: (e: Event) => void this.openFile(e.target as HTMLInputElement),
    });
    this.el = h(
      "div",
      { class: "builder" },
      h("h2", { id: "builder-title", tabindex: "-1" }, "Scenario builder"),
      h(
        "p",
        { class: "lead" },
        "Close crossings or cut their capacity for a window, then see what is blocked each day, where it can go, how long the backlog takes to clear, and what it costs — each cost layer stated apart, with P10–P90 bands from a seeded Monte Carlo.",
      ),
      h(
        "div",
        { class: "toolbar run-bar" },
        h(
          "button",
          { type: "submit", id: "run-scenario", class: "primary", form: "scenario-form" },
          "Run scenario",
        ),
        h(
          "button",
          { type: "button", class: "secondary", id: "preset-dec-2023", onclick: () => this.loadPreset() },
          "Load December 2023 rail suspension",
        ),
        h(
          "button",
          { type: "button", class: "secondary", onclick: () => this.load(blankDraft()) },
          "New scenario",
        ),
        h(
          "button",
          { type: "button", class: "secondary", id: "open-file", onclick: () => fileInput.click() },
          "Open a scenario file…",
        ),
        fileInput,
      ),
      this.status,
      this.form,
      this.results,
      this.announce,
    );
    this.render();
  }

  /** The scenario file the form stands for. */
  spec(): ScenarioSpec {
    return toSpec(this.draft);
  }

  /** Loads the December 2023 preset. */
  loadPreset(): void {
    const r = fromSpec(PRESET);
    if (r.ok) this.load(r.draft);
  }

  /** Loads a scenario file (from a link, a file or an event); reports its problems instead when invalid. */
  loadRaw(raw: unknown, from: string): boolean {
    const r = fromSpec(raw);
    if (!r.ok) {
      replace(this.status, message("error", `The scenario in ${from} has problems:`, r.issues));
      return false;
    }
    this.load(r.draft);
    replace(this.status, message("info", `Loaded the scenario from ${from}.`));
    return true;
  }

  /** Adds a port to the event being edited (or removes it when already there). */
  togglePort(code: string): void {
    const ev = this.draft.events[this.active] ?? this.draft.events[0];
    if (!ev) return;
    const i = ev.ports.findIndex((p) => this.codeOf(p) === code);
    if (i >= 0) ev.ports.splice(i, 1);
    else ev.ports.push(code);
    this.changed(true);
  }

  /**
   * Adds a port to the event being edited (from a port's profile). An event with no port yet takes the
   * port's main mode (the one with the most trade, else the crossings it reports) and the port's own time
   * zone, so the first run makes sense.
   */
  usePort(code: string, mode?: string): void {
    const ev = this.draft.events[this.active] ?? this.draft.events[0];
    if (ev && !ev.ports.some((p) => this.codeOf(p) === code)) {
      const port = this.deps.ports.find((p) => p.code === code);
      if (ev.ports.length === 0) {
        const modes = port?.crossingModes ?? [];
        const main = (SCENARIO_MODES as readonly string[]).includes(mode ?? "")
          ? (mode as (typeof SCENARIO_MODES)[number])
          : (["truck", "rail", ...SCENARIO_MODES] as const).find((m) => modes.includes(m));
        if (main) ev.modes = [main];
        if (port) ev.startZone = ev.endZone = portTimeZone(port);
        if (this.draft.name === blankDraft().name)
          this.draft.name = `${this.portName(code)} ${ev.modes.map((m) => MODE_LABELS[m]).join(" and ")} ${ev.kind}`;
      }
      ev.ports.push(code);
    }
    this.changed(true, true);
  }

  /** Which event the map and the list add ports to, for the hint above the list. */
  activeLabel(): string {
    return `event ${this.active + 1} of the scenario`;
  }

  /** The ports of every event, as codes where known. */
  portCodes(): string[] {
    const offices = this.deps.fieldOffices?.() ?? [];
    return [
      ...new Set(
        this.draft.events.flatMap((e) =>
          e.kind === "officer-redeployment" && e.fieldOffice
            ? (offices.find((f) => f.name === e.fieldOffice)?.ports ?? [])
            : e.ports.map((p) => this.codeOf(p)),
        ),
      ),
    ];
  }

  /** Redraws the form (e.g. once the field offices have loaded). */
  refresh(): void {
    this.render();
  }

  /** Updates the address bar to share the current scenario (while the builder is shown). */
  syncHash(): void {
    const encoded = encodeSpec(this.spec());
    this.deps.onSpec(encoded);
    this.shareInput.value = `${location.origin}${location.pathname}#scenario=${encoded}`;
  }

  private load(d: Draft): void {
    this.draft = d;
    this.active = 0;
    this.changed(true, true);
  }

  private codeOf(p: string): string {
    return portCodeOf(p, this.deps.ports) ?? p.trim();
  }

  private portName(code: string): string {
    return this.deps.ports.find((x) => x.code === code)?.name ?? code;
  }

  private changed(structural: boolean, fit = false): void {
    if (structural) this.render();
    this.deps.onPorts(this.portCodes(), this.active, fit);
    window.clearTimeout(this.hashTimer);
    this.hashTimer = window.setTimeout(() => {
      if (this.el.isConnected && this.el.offsetParent !== null) this.syncHash();
    }, 250);
  }

  private render(): void {
    const focusId = (document.activeElement as HTMLElement | null)?.id;
    const d = this.draft;
    const o = d.options;
    const set = <K extends keyof Draft["options"]>(k: K, v: Draft["options"][K]) => {
      o[k] = v;
      this.changed(false);
    };
    replace(
      this.form,
      h(
        "div",
        { class: "row" },
        h(
          "label",
          { for: "sc-name", class: "grow" },
          "Name",
          h("input", {
            id: "sc-name",
            type: "text",
            value: d.name,
            required: true,
            oninput: (e: Event) => {
              d.name = (e.target as HTMLInputElement).value;
              this.changed(false);
            },
          }),
        ),
      ),
      h(
        "label",
        { for: "sc-description" },
        "Description (optional)",
        h(
          "textarea",
          {
            id: "sc-description",
            rows: "2",
            oninput: (e: Event) => {
              d.description = (e.target as HTMLTextAreaElement).value;
              this.changed(false);
            },
          },
          d.description,
        ),
      ),
      d.events.map((ev, i) => this.eventFieldset(ev, i)),
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          id: "add-event",
          onclick: () => {
            const last = d.events.at(-1);
            d.events.push(last ? { ...structuredClone(last), ports: [] } : blankEvent());
            this.active = d.events.length - 1;
            this.changed(true);
          },
        },
        "Add another event",
      ),
      h(
        "fieldset",
        { class: "options" },
        h("legend", {}, "Options"),
        h(
          "label",
          { class: "check" },
          h("input", {
            type: "checkbox",
            id: "opt-rerouting",
            checked: o.rerouting,
            onchange: (e: Event) => set("rerouting", (e.target as HTMLInputElement).checked),
          }),
          "Reroute blocked traffic to other crossings of the same mode, within their spare capacity",
        ),
        h(
          "label",
          { for: "opt-policy" },
          "Rerouting order",
          h(
            "select",
            {
              id: "opt-policy",
              onchange: (e: Event) =>
                set("policy", (e.target as HTMLSelectElement).value as Draft["options"]["policy"]),
            },
            h(
              "option",
              { value: "gravity", selected: o.policy === "gravity" },
              "by traffic and distance (gravity)",
            ),
            h(
              "option",
              { value: "nearest-first", selected: o.policy === "nearest-first" },
              "nearest crossing first",
            ),
            h(
              "option",
              { value: "proportional", selected: o.policy === "proportional" },
              "in proportion to spare capacity",
            ),
          ),
        ),
        h(
          "label",
          { class: "check" },
          h("input", {
            type: "checkbox",
            id: "opt-rail-to-truck",
            checked: o.railToTruck,
            onchange: (e: Event) => set("railToTruck", (e.target as HTMLInputElement).checked),
          }),
          "Shift blocked rail freight to trucks (3–4 truckloads per railcar) where trucks have spare capacity",
        ),
        h(
          "label",
          { class: "check" },
          h("input", {
            type: "checkbox",
            id: "opt-multiplier",
            checked: o.multiplier,
            onchange: (e: Event) => set("multiplier", (e.target as HTMLInputElement).checked),
          }),
          "Estimate the wider-economy effect (c) with a multiplier",
        ),
        h(
          "div",
          { class: "row" },
          h(
            "label",
            { for: "opt-draws" },
            "Monte Carlo draws",
            h("input", {
              id: "opt-draws",
              type: "number",
              min: "0",
              max: String(MAX_DRAWS),
              step: "100",
              value: String(o.draws),
              "aria-describedby": "draws-hint",
              oninput: (e: Event) =>
                set("draws", Math.round(Number((e.target as HTMLInputElement).value) || 0)),
            }),
          ),
          h(
            "label",
            { for: "opt-seed" },
            "Seed",
            h("input", {
              id: "opt-seed",
              type: "number",
              step: "1",
              value: String(o.seed),
              oninput: (e: Event) =>
                set("seed", Math.round(Number((e.target as HTMLInputElement).value) || 0)),
            }),
          ),
        ),
        h(
          "p",
          { class: "hint", id: "draws-hint" },
          `The same seed gives the same bands. The server runs at most ${formatInt(API_MAX_DRAWS)} draws, fewer when a scenario is over its cost budget; this browser up to ${formatInt(MAX_DRAWS)}.`,
        ),
        h(
          "fieldset",
          { class: "inline-radios" },
          h("legend", {}, "Run"),
          (["server", "browser"] as const).map((w) =>
            h(
              "label",
              { class: "check" },
              h("input", {
                type: "radio",
                name: "run-where",
                id: `run-${w}`,
                value: w,
                checked: this.where === w,
                onchange: () => (this.where = w),
              }),
              w === "server" ? "on the server (API)" : "in this browser (same model, prepared by the API)",
            ),
          ),
        ),
      ),
      h(
        "div",
        { class: "toolbar" },
        h("button", { type: "submit", id: "run-scenario-bottom", class: "primary" }, "Run scenario"),
        h(
          "button",
          { type: "button", class: "secondary", id: "download-scenario", onclick: () => this.download() },
          "Download the scenario file",
        ),
        h(
          "button",
          { type: "button", class: "secondary", id: "copy-link", onclick: () => void this.copyLink() },
          "Copy share link",
        ),
      ),
      h(
        "label",
        { for: "share-link", class: "share" },
        "Share link (the scenario is in the URL)",
        this.shareInput,
      ),
    );
    this.shareInput.value = `${location.origin}${location.pathname}#scenario=${encodeSpec(this.spec())}`;
    if (focusId) document.getElementById(focusId)?.focus();
  }

  private eventFieldset(ev: DraftEvent, i: number): HTMLElement {
    const id = (x: string) => `ev${i}-${x}`;
    const d = this.draft;
    const codes = ev.ports.map((p) => this.codeOf(p));
    const served = new Set(
      codes.flatMap((c) => this.deps.ports.find((p) => p.code === c)?.crossingModes ?? []),
    );
    const portField = portInput(id("port-add"), "name or code, e.g. Laredo or 2304", () => addPort());
    const addPort = () => {
      const v = portField.value.trim();
      if (!v) return;
      const code = portCodeOf(v, this.deps.ports) ?? v;
      if (!ev.ports.some((p) => this.codeOf(p) === code)) ev.ports.push(code);
      this.active = i;
      this.changed(true);
      document.getElementById(id("port-add"))?.focus();
    };
    const when = (which: "start" | "end") => {
      const localKey = which === "start" ? "startLocal" : "endLocal";
      const zoneKey = which === "start" ? "startZone" : "endZone";
      const offsetEl = h("span", { class: "offset", id: id(`${which}-offset`) });
      const showOffset = () => {
        try {
          const iso = toIso(ev[localKey], ev[zoneKey]);
          offsetEl.textContent = `UTC${formatOffset(zoneOffsetMinutes(ev[zoneKey], Date.parse(iso)))}, so ${iso}`;
        } catch {
          offsetEl.textContent = "";
        }
      };
      showOffset();
      const zones: { id: string; label: string }[] = ZONES.map((z) => ({ id: z.id, label: z.label }));
      if (!zones.some((z) => z.id === ev[zoneKey]))
        zones.push({ id: ev[zoneKey], label: `UTC${ev[zoneKey].replace("fixed:", "")} (fixed offset)` });
      return h(
        "div",
        { class: "when" },
        h(
          "label",
          { for: id(which) },
          which === "start" ? "Start (local date and time)" : "End (local date and time)",
          h("input", {
            id: id(which),
            type: "datetime-local",
            value: ev[localKey],
            required: true,
            step: ev[localKey].length > 16 ? "1" : "60",
            onchange: (e: Event) => {
              ev[localKey] = (e.target as HTMLInputElement).value;
              showOffset();
              this.changed(false);
            },
          }),
        ),
        h(
          "label",
          { for: id(`${which}-zone`) },
          "Time zone",
          h(
            "select",
            {
              id: id(`${which}-zone`),
              "aria-describedby": id(`${which}-offset`),
              onchange: (e: Event) => {
                ev[zoneKey] = (e.target as HTMLSelectElement).value;
                showOffset();
                this.changed(false);
              },
            },
            zones.map((z) => h("option", { value: z.id, selected: z.id === ev[zoneKey] }, z.label)),
          ),
        ),
        offsetEl,
      );
    };
    return h(
      "fieldset",
      {
        class: `event${i === this.active ? " active" : ""}`,
        "data-event": String(i),
        onfocusin: () => {
          if (this.active !== i) {
            this.active = i;
            for (const f of this.form.querySelectorAll("fieldset.event"))
              f.classList.toggle("active", f.getAttribute("data-event") === String(i));
            this.deps.onPorts(this.portCodes(), i, false);
          }
        },
      },
      h(
        "legend",
        {},
        `Event ${i + 1}`,
        d.events.length > 1
          ? h(
              "button",
              {
                type: "button",
                class: "link",
                "aria-label": `remove event ${i + 1}`,
                onclick: () => {
                  d.events.splice(i, 1);
                  this.active = 0;
                  this.changed(true);
                },
              },
              "remove",
            )
          : null,
      ),
      h(
        "div",
        { class: "row" },
        h(
          "label",
          { for: id("kind") },
          "Kind",
          h(
            "select",
            {
              id: id("kind"),
              onchange: (e: Event) => {
                ev.kind = (e.target as HTMLSelectElement).value as EventKind;
                this.changed(true);
              },
            },
            KINDS.map((k) => h("option", { value: k.id, selected: k.id === ev.kind }, k.label)),
          ),
        ),
        ev.kind === "capacity-cut"
          ? h(
              "label",
              { for: id("remaining") },
              "Remaining capacity, %",
              h("input", {
                id: id("remaining"),
                type: "number",
                min: "0",
                max: "100",
                step: "5",
                value: String(ev.remainingPct),
                oninput: (e: Event) => {
                  ev.remainingPct = Number((e.target as HTMLInputElement).value);
                  this.changed(false);
                },
              }),
            )
          : null,
        ev.kind === "officer-redeployment"
          ? [
              h(
                "label",
                { for: id("officers") },
                ev.policy === "closure-list" ? "Officers (empty: those the closures free)" : "Officers moved",
                h("input", {
                  id: id("officers"),
                  type: "number",
                  min: "0",
                  max: String(MAX_EVENT_OFFICERS),
                  step: "10",
                  value: ev.officers === null ? "" : String(ev.officers),
                  oninput: (e: Event) => {
                    const v = (e.target as HTMLInputElement).value;
                    ev.officers = v === "" ? null : Number(v);
                    this.changed(false);
                  },
                }),
              ),
              h(
                "label",
                { for: id("field-office") },
                "From",
                h(
                  "select",
                  {
                    id: id("field-office"),
                    onchange: (e: Event) => {
                      ev.fieldOffice = (e.target as HTMLSelectElement).value;
                      this.changed(true, true);
                    },
                  },
                  h("option", { value: "", selected: !ev.fieldOffice }, "the ports listed below"),
                  (this.deps.fieldOffices?.() ?? []).map((f) =>
                    h(
                      "option",
                      { value: f.name, selected: f.name === ev.fieldOffice },
                      `the ${f.name} field office's land ports (${f.ports.length})`,
                    ),
                  ),
                  ev.fieldOffice && !(this.deps.fieldOffices?.() ?? []).some((f) => f.name === ev.fieldOffice)
                    ? h(
                        "option",
                        { value: ev.fieldOffice, selected: true },
                        `the ${ev.fieldOffice} field office`,
                      )
                    : null,
                ),
              ),
              h(
                "label",
                { for: id("policy") },
                "Lanes closed first",
                h(
                  "select",
                  {
                    id: id("policy"),
                    onchange: (e: Event) => {
                      ev.policy = (e.target as HTMLSelectElement).value as OfficerPolicy;
                      this.changed(true);
                    },
                  },
                  OFFICER_POLICIES.filter((x) => x !== "closure-list" || ev.closureList?.length).map((x) =>
                    h("option", { value: x, selected: x === ev.policy }, POLICY_LABELS[x]),
                  ),
                ),
              ),
            ]
          : null,
        ev.kind === "demand-shock"
          ? h(
              "label",
              { for: id("factor") },
              "Demand × factor",
              h("input", {
                id: id("factor"),
                type: "number",
                min: "0",
                max: "10",
                step: "0.1",
                value: String(ev.factor),
                oninput: (e: Event) => {
                  ev.factor = Number((e.target as HTMLInputElement).value);
                  this.changed(false);
                },
              }),
            )
          : null,
        h(
          "label",
          { for: id("direction") },
          "Direction",
          h(
            "select",
            {
              id: id("direction"),
              onchange: (e: Event) => {
                ev.direction = (e.target as HTMLSelectElement).value as DraftEvent["direction"];
                this.changed(false);
              },
            },
            DIRECTION_WORDS.map((w) =>
              h("option", { value: w, selected: w === ev.direction }, DIRECTION_LABELS[w]),
            ),
          ),
        ),
      ),
      ev.kind === "officer-redeployment" && ev.fieldOffice
        ? h(
            "p",
            { class: "muted", "data-ports": String(i) },
            `Ports: the land ports of the ${ev.fieldOffice} field office (${
              (this.deps.fieldOffices?.() ?? [])
                .find((f) => f.name === ev.fieldOffice)
                ?.ports.map((c) => this.portName(c))
                .join(", ") ?? "as the server knows them"
            }).`,
          )
        : h(
            "div",
            { class: "ports-field" },
            h("span", { class: "field-label", id: id("ports-label") }, "Ports"),
            h(
              "ul",
              { class: "chips", "aria-labelledby": id("ports-label"), "data-ports": String(i) },
              ev.ports.length
                ? ev.ports.map((p, j) => {
                    const code = this.codeOf(p);
                    const name = this.portName(code);
                    return h(
                      "li",
                      { class: "chip", "data-code": code },
                      name === code ? code : `${name} (${code})`,
                      h(
                        "button",
                        {
                          type: "button",
                          "aria-label": `remove ${name} from event ${i + 1}`,
                          onclick: () => {
                            ev.ports.splice(j, 1);
                            this.changed(true);
                          },
                        },
                        "×",
                      ),
                    );
                  })
                : h(
                    "li",
                    { class: "muted" },
                    "no port yet: add one here, or choose ports on the map or in the list",
                  ),
            ),
            h(
              "div",
              { class: "row" },
              h("label", { for: id("port-add"), class: "grow" }, "Add a port", portField),
              h("button", { type: "button", class: "secondary", onclick: addPort }, "Add"),
            ),
          ),
      h(
        "fieldset",
        { class: "inline-radios modes" },
        h("legend", {}, "Modes"),
        SCENARIO_MODES.map((m) =>
          h(
            "label",
            { class: "check" },
            h("input", {
              type: "checkbox",
              id: id(`mode-${m}`),
              value: m,
              checked: ev.modes.includes(m),
              onchange: (e: Event) => {
                const on = (e.target as HTMLInputElement).checked;
                ev.modes = SCENARIO_MODES.filter((x) => (x === m ? on : ev.modes.includes(x)));
                this.changed(false);
              },
            }),
            MODE_LABELS[m],
            codes.length && !served.has(m) ? h("small", { class: "muted" }, " (not at these ports)") : null,
          ),
        ),
      ),
      h("div", { class: "row" }, when("start"), when("end")),
    );
  }

  private submit(e: Event): void {
    e.preventDefault();
    void this.run();
  }

  /** Runs the scenario (on the server or in this browser) and shows its results. */
  async run(): Promise<void> {
    if (this.running) return;
    const spec = this.spec();
    const check = ScenarioSpecSchema.safeParse(spec);
    if (!check.success) {
      replace(
        this.status,
        message(
          "error",
          "The scenario has problems:",
          check.error.issues.map((i) => `${i.path.map(String).join(".") || "scenario"}: ${i.message}`),
        ),
      );
      return;
    }
    this.syncHash();
    this.running = true;
    const where = this.where;
    const t0 = performance.now();
    this.results.setAttribute("aria-busy", "true");
    replace(
      this.status,
      message(
        "info",
        where === "server" ? "Running on the server…" : "Preparing the model input on the server…",
      ),
    );
    try {
      let result: ScenarioResult;
      if (where === "server") {
        // fit=budget: a scenario over the server's cost budget runs with the draws it allows (the results
        // say so, and offer this browser for more) instead of being refused.
        result = await postJson<ScenarioResult>("/api/scenarios/run?fit=budget", spec);
      } else {
        const prepared = await postJson<PreparedScenario>("/api/scenarios/input", spec);
        result = await this.runInBrowser(prepared, this.draft.options.draws, this.draft.options.seed);
      }
      const ms = performance.now() - t0;
      replace(this.status);
      renderResults(this.results, result, { where, ms, requestedDraws: this.draft.options.draws });
      this.results.dataset.where = where;
      this.deps.onResult(result);
      this.announce.textContent = `Results of ${result.scenario.name} are shown, run ${where === "server" ? "on the server" : "in this browser"}.`;
      const title = document.getElementById("results-title");
      title?.focus({ preventScroll: true });
      title?.scrollIntoView({ block: "start" });
    } catch (err) {
      const issues = err instanceof ApiError ? err.issues.map((i) => `${i.path}: ${i.message}`) : [];
      replace(this.status, message("error", `The scenario did not run: ${(err as Error).message}`, issues));
    } finally {
      this.running = false;
      this.results.removeAttribute("aria-busy");
    }
  }

  private runInBrowser(prepared: PreparedScenario, draws: number, seed: number): Promise<ScenarioResult> {
    this.worker ??= new Worker(new URL("./model-worker.ts", import.meta.url), { type: "module" });
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<ModelMessage>) => {
        const m = e.data;
        if (m.type === "progress")
          replace(
            this.status,
            message("info", `Running in this browser: ${formatInt(m.done)} of ${formatInt(m.total)} draws…`),
          );
        else if (m.type === "done") resolve(m.result);
        else reject(new Error(m.message));
      };
      worker.onerror = (e) => reject(new Error(e.message || "the model worker failed"));
      worker.postMessage({ prepared, draws, seed } satisfies ModelRequest);
    });
  }

  private download(): void {
    const spec = this.spec();
    const blob = new Blob([`${JSON.stringify(spec, null, 2)}\n`], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const slug =
      spec.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "") || "scenario";
    const a = h("a", { href: url, download: `${slug}.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  private async copyLink(): Promise<void> {
    this.syncHash();
    try {
      await navigator.clipboard.writeText(this.shareInput.value);
      replace(this.status, message("info", "Link copied: opening it restores this scenario in the builder."));
    } catch {
      this.shareInput.focus();
      replace(
        this.status,
        message("info", "Copy the selected link: opening it restores this scenario in the builder."),
      );
    }
  }

  private async openFile(input: HTMLInputElement): Promise<void> {
    const f = input.files?.[0];
    if (!f) return;
    try {
      // JSON is YAML 1.2, so one parser reads both kinds of scenario file the CLI reads.
      this.loadRaw(parseYaml(await f.text()), f.name);
    } catch (e) {
      replace(
        this.status,
        message("error", `${f.name} is not a JSON or YAML scenario file: ${(e as Error).message}`),
      );
    }
    input.value = "";
  }
}
