// The surge what-if (POST /api/surge): encounters in a Border Patrol sector above their normal level → the
// officer-hours that processing takes → officers moved from the ports of the sector's field office (the
// surge rule, a rule to argue with) → the officer event → capacity cuts and delayed trade. The event opens in
// the builder, to edit and run like any other.
import type { SurgeResult } from "../../src/model/officer-answers.ts";
import { ApiError, postJson } from "./api.ts";
import { h, message, replace, table } from "./dom.ts";
import { sectionHead, slug, type Dataset } from "./export.ts";
import { outsideBandText } from "../../src/model/band-text.ts";
import { formatCount, formatRate, formatUsd } from "./format.ts";

/** A Border Patrol sector with its land ports (GET /api/areas). */
export interface Sector {
  name: string;
  ports: string[];
}

export interface SurgeDeps {
  sectors: () => Sector[];
  /** Puts a scenario (the surge's officer event) into the builder. */
  open: (raw: unknown, from: string) => void;
}

/** The what-if as a folding panel above the builder's form. */
export function surgePanel(deps: SurgeDeps): { el: HTMLElement; refresh: () => void } {
  const sector = h("select", { id: "surge-sector" });
  const start = h("input", { type: "date", id: "surge-start", value: "2023-12-01", min: "2000-01-01" });
  const days = h("input", { type: "number", id: "surge-days", min: "1", max: "180", step: "1", value: "31" });
  const perDay = h("input", {
    type: "number",
    id: "surge-per-day",
    min: "0",
    step: "100",
    placeholder: "the data's count",
    "aria-describedby": "surge-per-day-hint",
  });
  const policy = h(
    "select",
    { id: "surge-policy" },
    h("option", { value: "proportional" }, "every lane in proportion"),
    h("option", { value: "protect-commercial" }, "close traveller lanes first"),
    h("option", { value: "protect-travellers" }, "close commercial lanes first"),
  );
  const out = h("div", { id: "surge-out", "aria-live": "polite" });
  const refresh = () => {
    const chosen = sector.value;
    const list = deps.sectors();
    replace(
      sector,
      list.map((s) =>
        h("option", { value: s.name, selected: s.name === (chosen || "Del Rio Sector") }, s.name),
      ),
    );
  };
  const run = async (e: Event) => {
    e.preventDefault();
    replace(out, message("info", "running the surge what-if…"));
    const body = {
      sector: sector.value,
      start: start.value,
      days: Number(days.value),
      ...(perDay.value ? { perDay: Number(perDay.value) } : {}),
      policy: policy.value,
      draws: 200,
    };
    let a: SurgeResult;
    try {
      a = await postJson<SurgeResult>("/api/surge", body);
    } catch (err) {
      const issues = err instanceof ApiError ? err.issues.map((i) => `${i.path}: ${i.message}`) : [];
      replace(out, message("error", `The what-if did not run: ${(err as Error).message}`, issues));
      return;
    }
    const c = a.scenario?.costs;
    replace(
      out,
      h(
        "p",
        { class: "lead", "data-figure": "surgeOfficers" },
        `${a.sector}, ${a.start.slice(0, 10)} for ${formatCount(a.days)} days at ${formatCount(a.encountersPerDay)} encounters a day (${a.encountersFrom ?? "as asked"}) against a normal ${formatCount(a.baselinePerDay)}: `,
        h("strong", { "data-part": "value" }, formatCount(a.rule.officers, "officers")),
        ` moved from the ${a.fieldOffice}'s ports (${formatCount(a.rule.officersLow)}–${formatCount(a.rule.officersHigh)} at the ends of the rule's ranges).`,
      ),
      sectionHead(
        "The surge rule, step by step",
        (): Dataset => ({
          name: `surge-${slug(a.sector)}-${a.start.slice(0, 10)}-${a.days}-days`,
          title: `Surge what-if: ${a.sector}, ${a.start.slice(0, 10)} for ${a.days} days, the surge rule step by step`,
          source: `CBP encounters (${a.encountersFrom ?? "as asked"}) through borderflow's surge rule (an estimate)`,
          api: ["/api/surge"],
          period: { from: a.start.slice(0, 10), to: a.end.slice(0, 10) },
          columns: [
            { key: "step", label: "step" },
            { key: "value", label: "value", unit: "the row's unit" },
            { key: "unit", label: "unit" },
            { key: "how", label: "how it is computed" },
            { key: "status", label: "status" },
          ],
          rows: a.rule.steps.map((x) => ({
            step: x.step,
            value: x.value,
            unit: x.unit,
            how: x.how,
            status: x.step === "encounters" || x.step === "normal level" ? "derived" : "estimate",
          })),
          notes: [`asked with POST /api/surge, body ${JSON.stringify(body)}`, ...a.notes],
        }),
        { level: "h4", label: "the surge rule", figureOf: "surge-rule" },
      ),
      table(
        [{ label: "step" }, { label: "value", numeric: true }, { label: "unit" }, { label: "how" }],
        // Whole officers (people); one decimal in the per-day rates.
        a.rule.steps.map((s) => [
          s.step,
          s.unit === "officers" ? formatCount(s.value) : formatRate(s.value),
          s.unit,
          s.how,
        ]),
        {
          caption: "The surge rule, step by step",
          attrs: { "data-table": "surge-rule" },
          className: "small",
        },
      ),
      c
        ? h(
            "p",
            { class: "callout" },
            "Through the model: ",
            h("strong", {}, formatUsd(c.valueHeldUpUsd.value)),
            ` of trade held up (P10–P90 ${formatUsd(c.valueHeldUpUsd.p10)} – ${formatUsd(c.valueHeldUpUsd.p90)}; goods delayed, not lost${outsideBandText(c.valueHeldUpUsd, formatUsd) ? `; ⚠ ${outsideBandText(c.valueHeldUpUsd, formatUsd)}` : ""}), a direct cost of `,
            h("strong", {}, formatUsd(c.directUsd.value)),
            ". Open it in the builder for every figure, the capacity by port and mode, and the files.",
          )
        : h(
            "p",
            { class: "muted" },
            "Not run through the model: the rule moves no officers (the notes below say why).",
          ),
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          id: "surge-open",
          onclick: () =>
            deps.open(
              {
                name: `Surge in ${a.sector.replace(/ Sector$/, "")} sector: officers from ${a.fieldOffice}`,
                description: a.notes.join(" "),
                events: [a.event],
              },
              "the surge what-if",
            ),
        },
        "Open the officer event in the builder",
      ),
      h(
        "ul",
        { class: "notes" },
        a.notes.map((n) => h("li", {}, n)),
      ),
    );
  };
  const el = h(
    "details",
    { class: "surge", id: "surge-panel" },
    h("summary", {}, "Surge what-if: from encounters in a sector to officers, capacity and delayed trade"),
    h(
      "form",
      { class: "scenario-form", onsubmit: (e: Event) => void run(e) },
      h(
        "div",
        { class: "row" },
        h("label", { for: "surge-sector" }, "Border Patrol sector", sector),
        h("label", { for: "surge-start" }, "From", start),
        h("label", { for: "surge-days" }, "Days", days),
        h("label", { for: "surge-per-day" }, "Encounters a day", perDay),
        h("label", { for: "surge-policy" }, "Lanes closed first", policy),
      ),
      h(
        "p",
        { class: "hint", id: "surge-per-day-hint" },
        "Empty: the sector's own count in the start month. The normal level is its mean over the 12 months before.",
      ),
      h("button", { type: "submit", id: "surge-run" }, "Run the what-if"),
    ),
    out,
  );
  refresh();
  return { el, refresh };
}
