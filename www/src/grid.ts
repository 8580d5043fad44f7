// A grid of DynamoDB items: one column per attribute present (the key first), values as
// text (textContent only), and virtualised rows: only the rows in view (plus a margin) are
// in the DOM, so a page of 100,000 items scrolls as fast as a page of 20.
import { cellText } from "./convert";
import { h } from "./dom";

const ROW_HEIGHT = 30; // px; rows never wrap (see .dp-grid in style.css), so every row is this tall
const OVERSCAN = 12;
const VIRTUAL_FROM = 200; // below this many rows, all are rendered (simpler for the browser's find)

export interface GridOptions {
  /** Adds a first column with an Edit button per row. */
  onEdit?: (item: Record<string, unknown>, index: number) => void;
  label: string;
  testId: string;
}

/** Columns for a set of items: the key attributes, then the others in order of appearance. */
export function columnsOf(items: Record<string, unknown>[], keyNames: string[]): string[] {
  const seen = new Set<string>(keyNames);
  const rest: string[] = [];
  for (const item of items) {
    for (const name of Object.keys(item)) {
      if (!seen.has(name)) {
        seen.add(name);
        rest.push(name);
      }
    }
  }
  return [...keyNames, ...rest];
}

export class ItemGrid {
  readonly element: HTMLDivElement;
  private table: HTMLTableElement;
  private head: HTMLTableSectionElement;
  private body: HTMLTableSectionElement;
  private items: Record<string, unknown>[] = [];
  private columns: string[] = [];
  private keyNames: string[] = [];
  private frame = 0;
  private rendered = "";

  constructor(private options: GridOptions) {
    this.head = h("thead");
    this.body = h("tbody");
    this.table = h("table", { class: "dp-grid", "data-testid": options.testId, "aria-label": options.label }, this.head, this.body);
    this.element = h("div", { class: "dp-grid-scroll", tabindex: 0, role: "region", "aria-label": `${options.label} (scrollable)` }, this.table);
    this.element.addEventListener("scroll", () => this.schedule());
    if (typeof ResizeObserver !== "undefined") new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  setItems(items: Record<string, unknown>[], keyNames: string[]) {
    this.items = items;
    this.keyNames = keyNames;
    this.columns = columnsOf(items, this.keyNames);
    this.table.setAttribute("aria-rowcount", String(items.length + 1));
    const headRow = h("tr", { "aria-rowindex": 1 });
    if (this.options.onEdit) headRow.append(h("th", { scope: "col", class: "dp-grid-actions" }, h("span", { class: "visually-hidden" }, "Actions")));
    for (const name of this.columns) {
      headRow.append(h("th", { scope: "col", title: name, class: this.keyNames.includes(name) ? "key" : "" }, name, this.keyNames.includes(name) ? h("span", { class: "badge", "aria-label": "(key)" }, this.keyNames[0] === name ? "PK" : "SK") : null));
    }
    this.head.replaceChildren(headRow);
    this.element.scrollTop = 0;
    this.rendered = "";
    this.render();
  }

  private schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render() {
    const total = this.items.length;
    let first = 0;
    let last = total;
    if (total >= VIRTUAL_FROM) {
      const viewport = this.element.clientHeight || 600;
      first = Math.max(0, Math.floor(this.element.scrollTop / ROW_HEIGHT) - OVERSCAN);
      last = Math.min(total, Math.ceil((this.element.scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
    }
    const signature = `${first}:${last}:${total}`;
    if (signature === this.rendered) return;
    this.rendered = signature;
    const span = this.columns.length + (this.options.onEdit ? 1 : 0);
    const rows: HTMLTableRowElement[] = [];
    if (first > 0) rows.push(spacer(first, span));
    for (let i = first; i < last; i++) rows.push(this.row(i));
    if (last < total) rows.push(spacer(total - last, span));
    this.body.replaceChildren(...rows);
  }

  private row(index: number): HTMLTableRowElement {
    const item = this.items[index]!;
    const tr = h("tr", { "aria-rowindex": index + 2, "data-row": index });
    if (this.options.onEdit) {
      const keyText = this.keyNames.map((k) => cellText(item[k]).text).join(" / ");
      const edit = h("button", { type: "button", class: "small secondary", "aria-label": `Edit item ${keyText}`, "data-testid": "edit-item" }, "Edit");
      edit.addEventListener("click", () => this.options.onEdit!(item, index));
      tr.append(h("td", { class: "dp-grid-actions" }, edit));
    }
    for (const name of this.columns) {
      if (!(name in item)) {
        tr.append(h("td", { class: "missing" }));
        continue;
      }
      const { text, type } = cellText(item[name]);
      const shown = text.length > 500 ? `${text.slice(0, 500)}…` : text;
      tr.append(h("td", { class: `t-${type}`, title: `${type}: ${text.slice(0, 2000)}` }, shown));
    }
    return tr;
  }
}

/** An empty row as tall as ROWS rows. Its height is set through the CSSOM, which a strict
 *  Content-Security-Policy allows (a style attribute in markup it refuses). */
function spacer(rows: number, span: number): HTMLTableRowElement {
  const tr = h("tr", { class: "spacer", "aria-hidden": "true" }, h("td", { colspan: span }));
  tr.style.height = `${rows * ROW_HEIGHT}px`;
  return tr;
}
