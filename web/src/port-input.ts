// A text field for a port, with the page's list of ports as suggestions (`<datalist id="port-options">`,
// "Laredo (2304)"), and the reading of what was typed: a code, "Name (code)", a name or the start of one.
import type { PortItem } from "./api.ts";
import { h } from "./dom.ts";

/** The port code a user's text stands for, or null. */
export function portCodeOf(text: string, ports: readonly PortItem[]): string | null {
  const t = text.trim();
  if (!t) return null;
  const m = /\((\d{4})\)\s*$/.exec(t);
  if (m) return m[1]!;
  const lower = t.toLowerCase();
  return (
    ports.find((p) => p.code === t)?.code ??
    ports.find((p) => p.name.toLowerCase() === lower)?.code ??
    ports.find((p) => p.name.toLowerCase().startsWith(lower))?.code ??
    null
  );
}

/** The field; Enter calls `onEnter` instead of submitting a form. */
export function portInput(id: string, placeholder: string, onEnter: () => void): HTMLInputElement {
  return h("input", {
    type: "text",
    id,
    list: "port-options",
    autocomplete: "off",
    placeholder,
    onkeydown: (e: KeyboardEvent) => {
      if (e.key === "Enter") {
        e.preventDefault();
        onEnter();
      }
    },
  });
}
