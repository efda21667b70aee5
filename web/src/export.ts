// Export what you see: buttons that save a chart's or table's dataset (dataset.ts) as CSV or JSON.
import { toCsv, toJson, type Dataset } from "./dataset.ts";
import { h } from "./dom.ts";

export { slug, toCsv, toJson, type Cell, type Column, type Dataset } from "./dataset.ts";

/** Saves text as a file through the browser's download. */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Buttons that download a dataset as CSV and as JSON (the dataset is built when a button is pressed). */
export function exportButtons(get: () => Dataset, label: string): HTMLElement {
  const wrap = document.createElement("div");
  wrap.className = "export";
  for (const format of ["csv", "json"] as const) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "small secondary";
    b.dataset.format = format;
    b.textContent = format.toUpperCase();
    b.setAttribute("aria-label", `Download ${label} as ${format.toUpperCase()}`);
    b.addEventListener("click", () => {
      const d = get();
      const link = location.href;
      if (format === "csv") download(`${d.name}.csv`, toCsv(d, link), "text/csv;charset=utf-8");
      else download(`${d.name}.json`, toJson(d, link), "application/json");
    });
    wrap.append(b);
  }
  const first = wrap.firstElementChild as HTMLElement;
  wrap.dataset.export = "";
  wrap.setAttribute("role", "group");
  wrap.setAttribute("aria-label", `Download ${label}`);
  first.before(
    Object.assign(document.createElement("span"), { className: "export-label", textContent: "Download" }),
  );
  return wrap;
}

/**
 * A section heading with the downloads of what the section shows: `label` names the data on the buttons (the
 * title in lower case unless given), `figureOf` marks the head with the figure it downloads.
 */
export function sectionHead(
  title: string,
  data?: () => Dataset,
  o: { id?: string; level?: "h3" | "h4"; label?: string; figureOf?: string } = {},
): HTMLElement {
  return h(
    "div",
    { class: "section-head", "data-figure-of": o.figureOf },
    h(o.level ?? "h3", o.id ? { id: o.id } : {}, title),
    data ? exportButtons(data, o.label ?? title.toLowerCase()) : null,
  );
}
