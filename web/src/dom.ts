// A tiny element builder: the dashboard is plain TypeScript and DOM, no framework.

/** What may be put inside an element: nodes, text, nothing, or lists of these. */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Attributes and listeners: `on*` functions become event listeners, `false`/`null`/`undefined` are left out. */
export type Attrs = Record<string, unknown>;

/** Creates an element with attributes, listeners and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
    } else if (k === "value" && "value" in el) {
      (el as HTMLInputElement).value = String(v);
    } else if (k === "checked" && "checked" in el) {
      (el as HTMLInputElement).checked = Boolean(v);
    } else if (k === "style" && typeof v === "object") {
      // Through the CSSOM, which a Content-Security-Policy without 'unsafe-inline' styles allows.
      for (const [p, x] of Object.entries(v as Record<string, string>)) el.style.setProperty(p, x);
    } else if (k === "style") {
      throw new Error("h(): pass style as an object ({ background: ... }), never as a string");
    } else {
      el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(el, children);
  return el;
}

/** Appends children (flattening lists, skipping empty ones). */
export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else
      el.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces an element's children. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** The element with this id, or an error naming it (the page's skeleton is in index.html). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no element #${id}`);
  return el as T;
}

/** Marks a scrolling box when its content is wider than it, so the page can say that it scrolls. */
const overflow = new ResizeObserver((entries) => {
  for (const e of entries) markOverflow(e.target as HTMLElement);
});

function markOverflow(el: HTMLElement): void {
  const wide = el.scrollWidth > el.clientWidth + 1;
  el.classList.toggle("overflows", wide);
  // A box that scrolls must be reachable by keyboard (to scroll it with the arrow keys).
  if (wide) {
    el.tabIndex = 0;
    el.setAttribute("role", "region");
    el.setAttribute("aria-label", el.dataset.label ?? "table (scrolls sideways)");
  } else {
    el.removeAttribute("tabindex");
    el.removeAttribute("role");
    el.removeAttribute("aria-label");
  }
}

/** A box that scrolls sideways when its content is wider, with a visible hint when it does. */
export function scrollBox(label: string, className: string, ...children: Child[]): HTMLElement {
  const el = h(
    "div",
    { class: `table-wrap ${className}`.trim(), "data-label": `${label} (scrolls sideways)` },
    children,
  );
  overflow.observe(el);
  return el;
}

/** A table from column labels and rows of cells; numeric columns are right-aligned. */
export function table(
  columns: { label: string; numeric?: boolean }[],
  rows: Child[][],
  opts: { caption?: string; className?: string; attrs?: Attrs; label?: string } = {},
): HTMLElement {
  return scrollBox(
    opts.label ?? opts.caption ?? columns.map((c) => c.label).join(", "),
    opts.className ?? "",
    h(
      "table",
      opts.attrs ?? {},
      opts.caption ? h("caption", {}, opts.caption) : null,
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          columns.map((c) => h("th", { scope: "col", class: c.numeric ? "num" : null }, c.label)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((r) =>
          h(
            "tr",
            {},
            r.map((cell, i) => h("td", { class: columns[i]?.numeric ? "num" : null }, cell)),
          ),
        ),
      ),
    ),
  );
}

/** A status line for errors and progress (announced by screen readers). */
export function message(kind: "error" | "info", text: string, details: string[] = []): HTMLElement {
  return h(
    "div",
    { class: `msg msg-${kind}`, role: kind === "error" ? "alert" : "status" },
    h("p", {}, text),
    details.length
      ? h(
          "ul",
          {},
          details.map((d) => h("li", {}, d)),
        )
      : null,
  );
}

/**
 * A visible badge next to a figure that is not plainly observed: `estimate` (carried forward by borderflow),
 * `derived`, `partial` (some months without data). Its text says what it is; `data-status` styles it.
 */
export function statusBadge(status: string, text?: string): HTMLElement {
  return h(
    "span",
    { class: "badge", "data-status": status, title: text ?? status },
    text ? `${status}: ${text}` : status,
  );
}
