// The Console: three ways to write a request (DynamoDB API JSON, PartiQL statements, an AWS
// CLI command line), one response view and one history per mode. The response shows as JSON
// or as a grid of its items, with Count, ScannedCount and ConsumedCapacity always in view
// when the response has them. A throttled request's reasons and a cancelled transaction's
// reasons are listed under the error. Each mode keeps its history in localStorage. The DAX
// box above the history sends the API mode's requests through a simulated DAX cluster.
import { type CancellationReason, cancelledActions } from "./cancellation";
import { prettyJson } from "./codegen";
import { createApiMode } from "./consoleapi";
import { createCliMode } from "./consolecli";
import { createPartiqlMode } from "./consolepartiql";
import { createDaxBox, type DaxBox } from "./daxbox";
import { h } from "./dom";
import { type ApiError, isUnknownOperation, type Outcome, type SendOptions, type ThrottlingReason } from "./engine";
import { ItemGrid } from "./grid";
import { ALL_OPERATIONS } from "./ops";
import { createShareButton } from "./share";
import type { AppState } from "./state";

const HISTORY_MAX = 100;
const MODE_KEY = "dynaplay.console-mode";

export interface HistoryEntry {
  db: string;
  operation: string;
  /** The request JSON that was sent. */
  request: string;
  /** What the person typed, when it is not the request itself (a CLI command, a statement). */
  input?: string;
  at: number;
  ok: boolean;
}

/** What a console form holds: the operation and request, and the typed input of the PartiQL
 *  and CLI modes (the same fields a history entry keeps). */
export type ConsoleEntry = Pick<HistoryEntry, "operation" | "request" | "input">;

/** The console's whole state: which mode and what its form holds. */
export interface ConsoleState extends ConsoleEntry {
  mode: string;
}

/** One way of writing requests: its form, history and how a history entry comes back. */
export interface ConsoleMode {
  id: string;
  label: string;
  element: HTMLElement;
  /** The localStorage key of this mode's history. */
  historyKey: string;
  /** The text a history entry shows (the operation, the statement, the command). */
  title(entry: HistoryEntry): string;
  restore(entry: HistoryEntry): void;
  /** What the form holds now, as a history entry would keep it (for a shared link). */
  current(): ConsoleEntry;
  /** Runs what the form holds, as its Run button does; resolves once the output shows it. */
  run(): Promise<void>;
  focus(): void;
  /** Lets the mode's Run button follow whether a request can be sent. */
  setRunnable(runnable: boolean): void;
}

/** What a mode asks of the shared response view. */
export interface ConsoleOutput {
  /** Sends the request, shows the outcome and records it in HISTORYKEY's history.
   *  EARLIERITEMS are shown before the new page's items (paging with NextToken). SEND, when
   *  given, sends it in place of one request (the CLI's paging sends several), with the
   *  options the DAX box asks for. */
  run(operation: string, request: string, history: { key: string; input?: string }, earlierItems?: Record<string, unknown>[], send?: (options: SendOptions | undefined) => Promise<Outcome>): Promise<Outcome | null>;
  /** Shows an error found in the page before anything was sent. */
  refuse(name: string, message: string, what: string): void;
  /** A line under the error (what the page did about it). */
  hint(text: string): void;
  /** The items the grid shows now (for paging). */
  items(): Record<string, unknown>[];
}

/** "1.5 RCU on Music" from ConsumedCapacity (one object or a list of them). */
export function capacityText(cc: unknown): string {
  const list = Array.isArray(cc) ? cc : [cc];
  return list
    .map((c: any) => {
      const units: string[] = [];
      if (c?.ReadCapacityUnits !== undefined) units.push(`${c.ReadCapacityUnits} RCU`);
      if (c?.WriteCapacityUnits !== undefined) units.push(`${c.WriteCapacityUnits} WCU`);
      if (!units.length && c?.CapacityUnits !== undefined) units.push(`${c.CapacityUnits} capacity units`);
      return `${units.join(" + ") || "?"}${c?.TableName ? ` on ${c.TableName}` : ""}`;
    })
    .join("; ");
}

export function loadHistory(key: string): HistoryEntry[] {
  try {
    const list = JSON.parse(localStorage.getItem(key) ?? "[]");
    return Array.isArray(list) ? list.filter((e) => e && typeof e.operation === "string" && typeof e.request === "string") : [];
  } catch {
    return [];
  }
}

function saveHistory(key: string, list: HistoryEntry[]) {
  try {
    localStorage.setItem(key, JSON.stringify(list.slice(0, HISTORY_MAX)));
  } catch {
    // full or disabled storage: the history is a convenience only
  }
}

/** The items a response holds (Items, Item, Attributes, or Responses of a batch or transaction). */
export function itemsOf(r: any): Record<string, unknown>[] | null {
  if (Array.isArray(r?.Items)) return r.Items;
  if (r?.Item && typeof r.Item === "object") return [r.Item];
  if (r?.Attributes && typeof r.Attributes === "object") return [r.Attributes];
  if (Array.isArray(r?.Responses)) return r.Responses.map((x: any) => x?.Item).filter((x: unknown) => x && typeof x === "object");
  if (r?.Responses && typeof r.Responses === "object") return Object.values(r.Responses).flat() as Record<string, unknown>[];
  return null;
}

/** The response view shared by the modes: metrics, error, JSON or grid. */
function createOutput(state: AppState, onHistory: () => void, dax: DaxBox): { element: HTMLElement; output: ConsoleOutput } {
  const key = (base: string) => state.storageKey(base);
  const element = h("section", { class: "dp-output", "data-testid": "output", "data-seq": "0", "aria-label": "Response" });
  const meta = h("p", { class: "hint", "data-testid": "output-meta", "aria-live": "polite" }, "Nothing run yet.");
  const metricsBar = h("dl", { class: "dp-metrics-bar", "data-testid": "metrics", hidden: true });
  const errorName = h("strong", { "data-testid": "error-name" });
  const errorMessage = h("span", { "data-testid": "error-message" });
  const errorHint = h("p", { class: "hint", "data-testid": "error-hint", hidden: true });
  const throttlingReasons = h("dl", { class: "dp-throttling-reasons", "data-testid": "throttling-reasons", hidden: true });
  const cancellationReasons = h("ol", { class: "dp-cancellation", "data-testid": "cancellation-reasons", "aria-label": "Why each action was cancelled", hidden: true });
  const errorBox = h("div", { class: "error", role: "alert", hidden: true, "data-testid": "error" }, errorName, errorMessage, throttlingReasons, cancellationReasons, errorHint);
  const viewJson = h("button", { type: "button", class: "dp-seg", "aria-pressed": "true", "data-testid": "view-json" }, "JSON");
  const viewGrid = h("button", { type: "button", class: "dp-seg", "aria-pressed": "false", "data-testid": "view-grid", disabled: true }, "Grid");
  const responsePre = h("pre", { class: "dp-code dp-response", tabindex: 0, "data-testid": "response", "aria-label": "Response JSON" });
  const grid = new ItemGrid({ label: "Items in the response", testId: "response-grid" });
  grid.element.hidden = true;
  element.append(
    h("div", { class: "dp-panel-head" }, h("h3", {}, "Response"), h("div", { class: "dp-segmented", role: "group", "aria-label": "Show the response as" }, viewJson, viewGrid)),
    meta,
    metricsBar,
    errorBox,
    responsePre,
    grid.element,
  );

  let busy = false;
  let showingGrid = false;
  let lastItems: Record<string, unknown>[] | null = null;

  function setView(wantGrid: boolean) {
    showingGrid = wantGrid && lastItems !== null;
    viewJson.setAttribute("aria-pressed", String(!showingGrid));
    viewGrid.setAttribute("aria-pressed", String(showingGrid));
    responsePre.hidden = !showingGrid ? responsePre.textContent === "" : true;
    grid.element.hidden = !showingGrid;
  }
  viewJson.addEventListener("click", () => setView(false));
  viewGrid.addEventListener("click", () => setView(true));

  function finish(result: "ok" | "error", text: string) {
    element.dataset.result = result;
    meta.textContent = text;
    // The end-to-end tests wait for this counter: it moves once per finished run.
    element.dataset.seq = String(Number(element.dataset.seq) + 1);
  }

  function showMetrics(r: any) {
    const entries: [string, string][] = [];
    if (r && typeof r === "object") {
      if (r.Count !== undefined) entries.push(["Count", String(r.Count)]);
      if (r.ScannedCount !== undefined) entries.push(["ScannedCount", String(r.ScannedCount)]);
      if (r.ConsumedCapacity !== undefined) entries.push(["ConsumedCapacity", capacityText(r.ConsumedCapacity)]);
      if (r.LastEvaluatedKey !== undefined) entries.push(["LastEvaluatedKey", JSON.stringify(r.LastEvaluatedKey)]);
      if (r.NextToken !== undefined) entries.push(["NextToken", "more items follow (More in PartiQL, --starting-token in the CLI)"]);
    }
    metricsBar.replaceChildren(...entries.flatMap(([k, v]) => [h("dt", {}, k), h("dd", { "data-metric": k }, v)]));
    metricsBar.hidden = entries.length === 0;
  }

  function showSuccess(response: unknown, earlierItems: Record<string, unknown>[] | undefined) {
    errorBox.hidden = true;
    errorName.textContent = "";
    errorMessage.textContent = "";
    responsePre.textContent = prettyJson(response);
    showMetrics(response);
    const items = itemsOf(response);
    lastItems = items && earlierItems ? [...earlierItems, ...items] : items;
    viewGrid.disabled = lastItems === null;
    if (lastItems) grid.setItems(lastItems, (state.shape()?.key ?? []).map((k) => k.name));
    setView(showingGrid && lastItems !== null);
  }

  /** A throttled request's ThrottlingReasons: each reason with the table or index it names. */
  function showThrottlingReasons(reasons: ThrottlingReason[] | undefined) {
    throttlingReasons.replaceChildren(...(reasons ?? []).flatMap((r) => [h("dt", {}, r.reason), h("dd", {}, r.resource)]));
    throttlingReasons.hidden = !reasons?.length;
  }

  /** A cancelled transaction's reasons, one per action in TransactItems order (numbered from 0, as the reasons are). */
  function showCancellationReasons(reasons: CancellationReason[] | undefined, requestText: string) {
    const actions = cancelledActions(reasons ?? [], requestText);
    cancellationReasons.replaceChildren(...actions.map(({ index, action, table, reason }) => {
      const what = `${action ?? "Action"}${table ? ` on ${table}` : ""}`;
      const outcome = reason.Code === "None" ? "None (this action would have succeeded)" : reason.Code;
      return h("li", { "data-testid": "cancellation-reason", "data-code": reason.Code, "data-index": index },
        h("strong", {}, `TransactItems[${index}] ${what}: `), h("code", {}, outcome),
        reason.Message ? ` ${reason.Message}` : "",
        reason.Item ? h("pre", { "aria-label": `Item of TransactItems[${index}]` }, prettyJson(reason.Item)) : null);
    }));
    cancellationReasons.hidden = actions.length === 0;
  }

  function showError(e: ApiError, operation: string, requestText: string) {
    errorName.textContent = e.name;
    errorMessage.textContent = e.message;
    showThrottlingReasons(e.throttlingReasons);
    showCancellationReasons(e.cancellationReasons, requestText);
    errorBox.hidden = false;
    errorHint.hidden = true;
    if (isUnknownOperation({ name: e.name, type: e.type ?? null, message: e.message })) {
      hint(ALL_OPERATIONS.includes(operation)
        ? "DynamoDB has this operation, but this build of the Dynaplay engine does not implement it yet."
        : "Check the operation's name: DynamoDB has no operation by this name.");
    }
    // The error body as DynamoDB sends it, ThrottlingReasons and CancellationReasons included.
    const body = {
      __type: e.type,
      message: e.message,
      ...(e.throttlingReasons?.length ? { ThrottlingReasons: e.throttlingReasons } : {}),
      ...(e.cancellationReasons?.length ? { CancellationReasons: e.cancellationReasons } : {}),
    };
    responsePre.textContent = e.type ? JSON.stringify(body, null, 2) : "";
    metricsBar.hidden = true;
    lastItems = null;
    viewGrid.disabled = true;
    setView(false);
  }

  function hint(text: string) {
    errorHint.hidden = false;
    errorHint.textContent = text;
  }

  function addHistory(base: string, entry: HistoryEntry) {
    const same = (e: HistoryEntry) => e.operation === entry.operation && e.request === entry.request && e.input === entry.input && e.db === entry.db;
    saveHistory(key(base), [entry, ...loadHistory(key(base)).filter((e) => !same(e))]);
    onHistory();
  }

  const output: ConsoleOutput = {
    async run(operation, request, history, earlierItems, send) {
      if (busy || !state.session) return null;
      busy = true;
      element.setAttribute("aria-busy", "true");
      const outcome = await (send ? send(dax.options()) : state.send(operation, request, dax.options()));
      busy = false;
      if (dax.options()) void dax.refresh();
      element.removeAttribute("aria-busy");
      addHistory(history.key, { db: state.dbName, operation, request, ...(history.input !== undefined ? { input: history.input } : {}), at: Date.now(), ok: outcome.ok });
      const ms = Math.round(outcome.ms);
      if (outcome.ok) {
        showSuccess(outcome.response, earlierItems);
        finish("ok", `${operation} succeeded in ${ms} ms.`);
      } else {
        showError(outcome.error, operation, request);
        finish("error", `${operation} failed in ${ms} ms.`);
      }
      return outcome;
    },
    refuse(name, message, what) {
      showError({ name, type: null, message: `${message} (checked in the page; nothing was sent)` }, "", "");
      finish("error", `${what} was not sent.`);
    },
    hint,
    items: () => lastItems ?? [],
  };
  return { element, output };
}

/** The Console panel and what the page does with it (steps, shared links). */
export interface Console {
  element: HTMLElement;
  focus(): void;
  /** Picks the mode and fills its form (as a history entry would). */
  load(wanted: ConsoleState): void;
  /** Runs what the form holds; resolves to whether it succeeded, once the output shows it. */
  run(): Promise<boolean>;
}

export function createConsole(state: AppState): Console {
  const historyList = h("ol", { class: "dp-history", "data-testid": "history", "aria-label": "Requests run before" });
  const clearHistory = h("button", { type: "button", class: "small secondary", "data-testid": "history-clear" }, "Clear");
  const dax = createDaxBox(state);
  const { element: outputElement, output } = createOutput(state, () => renderHistory(), dax);
  const modes: ConsoleMode[] = [createApiMode(state, output), createPartiqlMode(state, output), createCliMode(state, output)];
  let mode = modes.find((m) => m.id === readMode(state.storageKey(MODE_KEY))) ?? modes[0]!;

  const modeButtons = modes.map((m) => {
    const button = h("button", { type: "button", class: "dp-seg", "aria-pressed": "false", "data-testid": `console-mode-${m.id}` }, m.label);
    button.addEventListener("click", () => pick(m));
    return button;
  });
  const formHost = h("div", { class: "dp-mode-host" });
  const snapshot = (): ConsoleState => ({ mode: mode.id, ...mode.current() });
  const share = createShareButton((operation, request) => state.send(operation, request), () => state.tables, snapshot);
  const element = h("div", { class: "dp-console" },
    h("div", { class: "dp-mode-bar" }, h("h2", { class: "panel-title" }, "Console"),
      h("div", { class: "dp-segmented", role: "group", "aria-label": "Write requests as" }, ...modeButtons), share),
    h("div", { class: "dp-console-grid" },
      h("div", { class: "dp-console-main" }, formHost, outputElement),
      h("aside", { class: "dp-history-box", "aria-label": "History" }, dax.element, h("div", { class: "dp-panel-head" }, h("h3", {}, "History"), clearHistory), historyList),
    ),
  );

  function pick(next: ConsoleMode) {
    mode = next;
    modes.forEach((m, i) => modeButtons[i]!.setAttribute("aria-pressed", String(m === next)));
    formHost.replaceChildren(next.element);
    try {
      localStorage.setItem(state.storageKey(MODE_KEY), next.id);
    } catch {
      // the mode is then not remembered
    }
    renderHistory();
  }

  function renderHistory() {
    const list = loadHistory(state.storageKey(mode.historyKey));
    historyList.replaceChildren(
      ...list.map((e) => {
        const when = new Date(e.at);
        const button = h("button", { type: "button", class: "dp-history-item", "data-ok": String(e.ok), title: (e.input ?? e.request).slice(0, 500) },
          h("span", { class: "op" }, mode.title(e)),
          h("span", { class: "hint" }, `${e.db} · ${when.toLocaleTimeString()}${e.ok ? "" : " · failed"}`),
        );
        button.addEventListener("click", () => mode.restore(e));
        return h("li", {}, button);
      }),
    );
    if (!list.length) historyList.append(h("li", { class: "hint" }, "Requests you run are listed here, newest first, and kept across reloads."));
  }
  clearHistory.addEventListener("click", () => {
    saveHistory(state.storageKey(mode.historyKey), []);
    renderHistory();
  });

  const syncEnabled = () => modes.forEach((m) => m.setRunnable(Boolean(state.session)));
  state.addEventListener("session", syncEnabled);
  state.addEventListener("status", syncEnabled);
  pick(mode);
  return {
    element,
    focus: () => mode.focus(),
    load(wanted) {
      const next = modes.find((m) => m.id === wanted.mode);
      if (!next) return;
      pick(next);
      next.restore({ db: state.dbName, at: Date.now(), ok: true, ...wanted });
    },
    async run() {
      await mode.run();
      return outputElement.dataset.result === "ok";
    },
  };
}

function readMode(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
