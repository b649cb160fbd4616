/**
 * Just enough XML for EC2 query responses: an object becomes child elements, a list becomes
 * repeated `<item>` elements (or another item name where EC2 uses one, e.g. `groupId`), and
 * undefined members are left out, as EC2 leaves out unset fields.
 */
export type XmlValue = string | number | boolean | Date | undefined | XmlObject | XmlList | XmlValue[];
export interface XmlObject {
  [element: string]: XmlValue;
}

export class XmlList {
  constructor(
    readonly items: readonly XmlValue[],
    readonly itemName: string,
  ) {}
}

export function listOf(items: readonly XmlValue[], itemName = "item"): XmlList {
  return new XmlList(items, itemName);
}

export function xmlDocument(rootElement: string, namespace: string, content: XmlObject): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${rootElement} xmlns="${namespace}">${children(content)}</${rootElement}>`;
}

/** A document without a namespace, as EC2 writes its error responses. */
export function plainXmlDocument(rootElement: string, content: XmlObject): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${rootElement}>${children(content)}</${rootElement}>`;
}

function children(content: XmlObject): string {
  let xml = "";
  for (const [name, value] of Object.entries(content)) xml += element(name, value);
  return xml;
}

function element(name: string, value: XmlValue): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) return element(name, listOf(value));
  if (value instanceof XmlList) {
    return `<${name}>${value.items.map((item) => element(value.itemName, item)).join("")}</${name}>`;
  }
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === "object") return `<${name}>${children(value)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}
