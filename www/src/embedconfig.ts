// Reading a <dynaplay-playground> element's attributes, without the DOM (unit-tested):
// which panels show, how tall the element is, and the database an embed opens by default.
// docs/embedding.md describes the attributes for authors.

/** The panels, in tab order, with their tab labels. */
export const PANELS = [
  ["designer", "Designer"],
  ["items", "Items"],
  ["console", "Console"],
  ["streams", "Streams"],
  ["capacity", "Capacity"],
  ["s3", "S3"],
  ["global", "Global tables"],
] as const;
export type Panel = (typeof PANELS)[number][0];

export const isPanel = (name: string): name is Panel => PANELS.some(([id]) => id === name);

/** The panels a `panels` attribute lists ("console, items"), in the order listed, and the
 *  names it lists that are no panel. No attribute (or no known name) shows every panel. */
export function parsePanels(attribute: string | null): { panels: Panel[]; unknown: string[] } {
  const names = (attribute ?? "").split(",").map((n) => n.trim().toLowerCase()).filter(Boolean);
  const panels = [...new Set(names.filter(isPanel))];
  const unknown = names.filter((n) => !isPanel(n));
  return { panels: panels.length ? panels : PANELS.map(([id]) => id), unknown };
}

/** The CSS height a `height` attribute asks for: a bare number is pixels ("480" -> "480px");
 *  anything else is passed on as a CSS length ("30rem", "60vh"). */
export function heightValue(attribute: string): string {
  const value = attribute.trim();
  return /^\d+(\.\d+)?$/.test(value) ? `${value}px` : value;
}

/** The database an embed without a `database` attribute opens: its own, named after the
 *  page's path and its position among the page's playgrounds, never the page's `?db=`. */
export function defaultEmbedDatabase(pathname: string, position: number): string {
  return `embed:${pathname}:${position + 1}`;
}
