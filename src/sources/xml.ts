import { DataError } from "../domain/errors.ts";
import { LIMITS } from "./limits.ts";

/** An XML element: its name, child elements and text (attributes are not needed by any feed we read). */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(s: string, where: () => string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, e: string) => {
    if (e[0] === "#") {
      const cp = e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      // XML 1.0 allows #x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF.
      const ok =
        cp === 0x9 ||
        cp === 0xa ||
        cp === 0xd ||
        (cp >= 0x20 && cp <= 0xd7ff) ||
        (cp >= 0xe000 && cp <= 0xfffd) ||
        (cp >= 0x10000 && cp <= 0x10ffff);
      if (!ok) throw new DataError(`${where()}: the character reference ${whole} is not an XML character`);
      return String.fromCodePoint(cp);
    }
    const v = ENTITIES[e];
    if (v === undefined) throw new DataError(`${where()}: unknown XML entity ${whole}`);
    return v;
  });
}

/**
 * Parses a small, element-only XML document (such as CBP's `bwt.xml`) into a tree. Comments, processing
 * instructions, a DOCTYPE and CDATA are handled; attributes are skipped. A document that is not well-formed
 * (unclosed or mismatched tags, text after the root, a body cut short) is a DataError naming the offset.
 */
export function parseXml(text: string, origin = "XML", maxDepth = LIMITS.depth): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const at = () => `${origin}: not well-formed XML at character ${i}`;
  const fail = (why: string): never => {
    throw new DataError(`${at()}: ${why}`);
  };
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (chunk.length > 0) {
      const top = stack[stack.length - 1];
      if (top) top.text += decodeEntities(chunk, at);
      else if (chunk.trim() !== "")
        fail(root ? "text after the root element" : "text before the root element");
    }
    if (lt < 0) break;
    i = lt;
    if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i + 4);
      if (end < 0) fail("unclosed comment");
      i = end + 3;
    } else if (text.startsWith("<![CDATA[", i)) {
      const end = text.indexOf("]]>", i + 9);
      if (end < 0) fail("unclosed CDATA section");
      const top = stack[stack.length - 1];
      if (!top) fail("CDATA outside the root element");
      top!.text += text.slice(i + 9, end);
      i = end + 3;
    } else if (text.startsWith("<!DOCTYPE", i) && /^<!DOCTYPE[^>]*\[/.test(text.slice(i, i + 4096))) {
      // Entity declarations are how "billion laughs" bombs are built; no feed we read has any.
      fail("a DOCTYPE with declarations (entities) is not accepted");
    } else if (text.startsWith("<?", i) || text.startsWith("<!", i)) {
      const end = text.indexOf(">", i);
      if (end < 0) fail("unclosed declaration");
      i = end + 1;
    } else if (text.startsWith("</", i)) {
      const end = text.indexOf(">", i);
      if (end < 0) fail("the document ends inside an end tag (cut short?)");
      const name = text.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open) fail(`end tag </${name}> without a start tag`);
      if (open!.name !== name) fail(`end tag </${name}> closes <${open!.name}>`);
      if (stack.length === 0) root = open;
      i = end + 1;
    } else {
      const end = text.indexOf(">", i);
      if (end < 0) fail("the document ends inside a start tag (cut short?)");
      const inner = text.slice(i + 1, end);
      const selfClosing = inner.endsWith("/");
      const name = /^[A-Za-z_][\w.:-]*/.exec(inner)?.[0];
      if (!name) fail(`bad tag <${inner.slice(0, 20)}`);
      if (root && stack.length === 0) fail("a second root element");
      const el: XmlElement = { name: name!, children: [], text: "" };
      stack[stack.length - 1]?.children.push(el);
      if (selfClosing) {
        if (stack.length === 0) root = el;
      } else {
        if (stack.length >= maxDepth) fail(`elements nested more than ${maxDepth} deep`);
        stack.push(el);
      }
      i = end + 1;
    }
  }
  if (stack.length > 0) fail(`the document ends inside <${stack[stack.length - 1]!.name}> (cut short?)`);
  if (!root) fail("no root element");
  return root!;
}

/**
 * An element as plain data: its trimmed text when it has no child elements, else an object of its children
 * by name (a name that repeats becomes an array). `<a><b>1</b><b>2</b></a>` is `{ b: ["1", "2"] }`.
 */
export function xmlToPlain(el: XmlElement): string | Record<string, unknown> {
  if (el.children.length === 0) return el.text.trim();
  const out: Record<string, unknown> = {};
  for (const c of el.children) {
    const v = xmlToPlain(c);
    const prev = out[c.name];
    if (prev === undefined) out[c.name] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[c.name] = [prev, v];
  }
  return out;
}
