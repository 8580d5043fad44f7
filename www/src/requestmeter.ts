// The Capacity panel's per-request meter: what the latest requests consumed, read from the
// ConsumedCapacity of every answer that carries one (the console's, the item grid's and the
// query builder's requests ask for it with ReturnConsumedCapacity). It listens to the open
// session's `sent` event from start-up, so requests run before the panel opens are counted.
import { h, uid } from "./dom";
import type { AppState, PageSession } from "./state";

/** Requests kept and drawn. */
const KEPT = 12;

/** Operations whose units are read units (ConsumedCapacity says only CapacityUnits for them). */
const READS = new Set(["GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"]);

/** What one request consumed, in read and write units. */
export interface MeteredRequest {
  operation: string;
  /** When it finished, in real time (ms since the epoch). */
  at: number;
  read: number;
  write: number;
  /** ConsumedCapacity as the response gave it (JSON). */
  text: string;
  tables: string[];
}

/** Whether a PartiQL request only reads (every statement a SELECT). */
function partiqlReads(request: any): boolean {
  const statements: unknown[] = typeof request?.Statement === "string" ? [request.Statement] : [...(request?.Statements ?? []), ...(request?.TransactStatements ?? [])].map((s: any) => s?.Statement);
  return statements.length > 0 && statements.every((s) => typeof s === "string" && /^\s*select\b/i.test(s));
}

/** Whether OPERATION's CapacityUnits are read units. */
function readsUnits(operation: string, request: unknown): boolean {
  if (READS.has(operation)) return true;
  return /^(ExecuteStatement|BatchExecuteStatement|ExecuteTransaction)$/.test(operation) && partiqlReads(request);
}

/** The units a response's ConsumedCapacity (one object or a list) reports; null without one. */
export function meteredRequest(operation: string, request: unknown, response: any, at: number): MeteredRequest | null {
  const consumed = response?.ConsumedCapacity;
  if (consumed === undefined || consumed === null) return null;
  const list: any[] = Array.isArray(consumed) ? consumed : [consumed];
  const reads = readsUnits(operation, request);
  let read = 0;
  let write = 0;
  for (const c of list) {
    const number = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
    if (c?.ReadCapacityUnits !== undefined || c?.WriteCapacityUnits !== undefined) {
      read += number(c.ReadCapacityUnits);
      write += number(c.WriteCapacityUnits);
    } else if (reads) {
      read += number(c?.CapacityUnits);
    } else {
      write += number(c?.CapacityUnits);
    }
  }
  const tables = [...new Set(list.map((c) => c?.TableName).filter((t): t is string => typeof t === "string"))];
  return { operation, at, read, write, text: JSON.stringify(consumed), tables };
}

export interface RequestMeter {
  element: HTMLElement;
}

/** The meter box: a row per request, newest first, with bars scaled to the largest. */
export function createRequestMeter(state: AppState): RequestMeter {
  const titleId = uid("meter-title");
  const rows = h("tbody", { "data-testid": "meter-rows" });
  const table = h("div", { class: "dp-table-scroll", hidden: true },
    h("table", { class: "dp-index-table dp-meter-table" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col", class: "dp-meter-time" }, "Time"), ...["Request", "Table", "RCU", "WCU"].map((t) => h("th", { scope: "col" }, t)))),
      rows));
  const empty = h("p", { class: "hint", "data-testid": "meter-empty" }, "No request has reported its consumed capacity yet. Run a request with ReturnConsumedCapacity TOTAL or INDEXES (the Console's examples, the Items grid and the query builder ask for it).");
  const totals = h("p", { class: "hint", "data-testid": "meter-totals", "aria-live": "polite" });
  const element = h("section", { class: "dp-cap-box", "aria-labelledby": titleId, "data-testid": "request-meter" },
    h("h3", { id: titleId }, "Consumed per request"),
    h("p", { class: "hint" }, `The read and write units of the latest ${KEPT} requests that returned ConsumedCapacity, newest first, from every table of this database. A write costs 1 WCU per started 1 KB, a read 1 RCU per started 4 KB (half for an eventually consistent read), a transaction twice that; a Scan or a Query pays for what it read, before its FilterExpression.`),
    empty, table, totals);

  let requests: MeteredRequest[] = [];
  let watched: PageSession | null = null;

  function bar(units: number, max: number, kind: "read" | "write", label: string) {
    const fill = h("span", { class: `dp-meter-fill dp-meter-${kind}` });
    fill.style.width = `${max > 0 ? (units / max) * 100 : 0}%`;
    return h("td", {},
      h("span", { class: "dp-meter", role: "meter", "aria-label": label, "aria-valuemin": 0, "aria-valuemax": max, "aria-valuenow": units }, fill),
      h("span", { class: "dp-meter-value", "data-testid": `meter-${kind}` }, String(units)));
  }

  function render() {
    const max = Math.max(0, ...requests.flatMap((r) => [r.read, r.write]));
    rows.replaceChildren(...requests.map((r) => h("tr", { "data-testid": "meter-row", "data-operation": r.operation, title: r.text },
      h("td", { class: "dp-meter-time" }, new Date(r.at).toLocaleTimeString()),
      h("td", {}, r.operation),
      h("td", {}, r.tables.join(", ")),
      bar(r.read, max, "read", `${r.operation}: ${r.read} read units`),
      bar(r.write, max, "write", `${r.operation}: ${r.write} write units`))));
    empty.hidden = requests.length > 0;
    table.hidden = requests.length === 0;
    const sum = (pick: "read" | "write") => Math.round(requests.reduce((total, r) => total + r[pick], 0) * 100) / 100;
    totals.textContent = requests.length ? `These ${requests.length} requests: ${sum("read")} RCU and ${sum("write")} WCU.` : "";
  }

  const onSent = (event: Event) => {
    const { operation, request, outcome } = (event as CustomEvent).detail;
    if (!outcome.ok) return;
    const metered = meteredRequest(operation, typeof request === "string" ? safeParse(request) : request, outcome.response, Date.now());
    if (!metered) return;
    requests = [metered, ...requests].slice(0, KEPT);
    render();
  };
  state.addEventListener("session", () => {
    watched?.removeEventListener("sent", onSent);
    watched = state.session;
    watched?.addEventListener("sent", onSent);
    requests = [];
    render();
  });
  render();
  return { element };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
