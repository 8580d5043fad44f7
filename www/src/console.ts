// The Console (DynamoDB API mode): pick an operation (with autocomplete), edit the request
// in CodeMirror, run it with the button or Ctrl+Enter; see the response as JSON or as a
// grid of its items, with Count, ScannedCount and ConsumedCapacity always in view when the
// response has them. A cancelled transaction's reasons are listed per action under the
// error. Requests run are kept in a history in localStorage.
import { type CancellationReason, cancelledActions } from "./cancellation";
import { prettyJson } from "./codegen";
import { h, uid } from "./dom";
import { createJsonEditor } from "./editor";
import { type ApiError, isUnknownOperation, type ThrottlingReason } from "./engine";
import { locateExpressionError } from "./exprerrors";
import { ItemGrid } from "./grid";
import { ALL_OPERATIONS, examples, OPERATIONS, PARAMETERS } from "./ops";
import type { AppState } from "./state";

const HISTORY_KEY = "dynaplay.history.v1";
const HISTORY_MAX = 100;

interface HistoryEntry {
  db: string;
  operation: string;
  request: string;
  at: number;
  ok: boolean;
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

function loadHistory(): HistoryEntry[] {
  try {
    const list = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? "[]");
    return Array.isArray(list) ? list.filter((e) => e && typeof e.operation === "string" && typeof e.request === "string") : [];
  } catch {
    return [];
  }
}

function saveHistory(list: HistoryEntry[]) {
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify(list.slice(0, HISTORY_MAX)));
  } catch {
    // full or disabled storage: the history is a convenience only
  }
}

export function createConsole(state: AppState): { element: HTMLElement; focus: () => void } {
  const opListId = uid("ops");
  const opInput = h("input", {
    type: "text",
    id: uid("operation"),
    list: opListId,
    value: "ListTables",
    autocomplete: "off",
    spellcheck: "false",
    "data-testid": "operation",
    "aria-describedby": "",
  });
  const opHint = h("p", { class: "hint", id: uid("op-hint"), "data-testid": "operation-hint" });
  opInput.setAttribute("aria-describedby", opHint.id);
  const opList = h("datalist", { id: opListId }, ...ALL_OPERATIONS.map((op) => h("option", { value: op })));
  const runButton = h("button", { type: "submit", "data-testid": "run", disabled: true }, "Run");
  const exampleButton = h("button", { type: "button", class: "secondary", "data-testid": "reset-example" }, "Example");
  const examplePick = h("select", { "data-testid": "example-pick", "aria-label": "Which example", hidden: true });
  const formatButton = h("button", { type: "button", class: "secondary", "data-testid": "format-request" }, "Format");
  const editorHost = h("div", { class: "dp-editor-host" });
  const editorHintId = uid("editor-hint");

  const output = h("section", { class: "dp-output", "data-testid": "output", "data-seq": "0", "aria-label": "Response" });
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
  output.append(
    h("div", { class: "dp-panel-head" }, h("h3", {}, "Response"), h("div", { class: "dp-segmented", role: "group", "aria-label": "Show the response as" }, viewJson, viewGrid)),
    meta,
    metricsBar,
    errorBox,
    responsePre,
    grid.element,
  );

  const historyList = h("ol", { class: "dp-history", "data-testid": "history", "aria-label": "Requests run before" });
  const clearHistory = h("button", { type: "button", class: "small secondary", "data-testid": "history-clear" }, "Clear");

  const form = h("form", { class: "dp-form dp-console-form", "aria-label": "DynamoDB API request", novalidate: true },
    h("div", { class: "field" }, h("label", { for: opInput.id }, "Operation"), h("div", { class: "dp-row" }, opInput, opList), opHint),
    h("div", { class: "field" }, h("span", { class: "label", id: uid("req-label") }, "Request (DynamoDB JSON)"), editorHost,
      h("p", { class: "hint", id: editorHintId }, h("kbd", {}, "Ctrl"), "+", h("kbd", {}, "Enter"), " runs the request; ", h("kbd", {}, "Esc"), " then ", h("kbd", {}, "Tab"), " leaves the editor. Drafts are kept per operation.")),
    h("div", { class: "actions" }, runButton, exampleButton, examplePick, formatButton),
  );
  const element = h("div", { class: "dp-console" },
    h("div", { class: "dp-mode-bar" }, h("h2", { class: "panel-title" }, "Console"), h("span", { class: "dp-mode" }, "DynamoDB API"), h("span", { class: "hint" }, "PartiQL and AWS CLI modes arrive later.")),
    h("div", { class: "dp-console-grid" },
      h("div", { class: "dp-console-main" }, form, output),
      h("aside", { class: "dp-history-box", "aria-label": "History" }, h("div", { class: "dp-panel-head" }, h("h3", {}, "History"), clearHistory), historyList),
    ),
  );

  /** Requests the person edited, by operation, so switching operations loses nothing. */
  const drafts = new Map<string, string>();
  let settingText = false;
  let busy = false;
  let showingGrid = false;
  let lastItems: Record<string, unknown>[] | null = null;

  const editor = createJsonEditor(editorHost, {
    doc: "",
    label: "Request (DynamoDB JSON)",
    testId: "request",
    onRun: () => run(),
    onChange: (text) => {
      if (!settingText) drafts.set(currentOp, text);
    },
    words: () => [...PARAMETERS, ...state.tables, "PAY_PER_REQUEST", "PROVISIONED", "HASH", "RANGE", "ALL_OLD", "ALL_NEW", "UPDATED_OLD", "UPDATED_NEW", "NONE", "TOTAL", "INDEXES"],
    minLines: 10,
  });
  editor.view.contentDOM.setAttribute("aria-describedby", editorHintId);

  /** The operation's example picked in the list (the first when it has just one). */
  const exampleText = (op: string) => {
    const all = examples(op, state.shape());
    return JSON.stringify((all[examplePick.selectedIndex] ?? all[0]!).request, null, 2);
  };
  /** Lists the operation's examples when it has more than one. */
  function showExampleChoices(op: string) {
    const all = examples(op, state.shape());
    examplePick.replaceChildren(...all.map((e, i) => h("option", { value: i }, e.label)));
    examplePick.hidden = all.length < 2;
  }
  /** Sets the editor's text without counting it as the person's draft. */
  function setText(text: string) {
    settingText = true;
    editor.text = text;
    settingText = false;
  }
  function showRequestFor(op: string) {
    setText(drafts.get(op) ?? exampleText(op));
  }
  function syncOperationHint() {
    const op = opInput.value.trim();
    if (!op) opHint.textContent = "Type to search the DynamoDB operations.";
    else if (!ALL_OPERATIONS.includes(op)) opHint.textContent = `"${op}" is not a DynamoDB operation name (they are case-sensitive, like PutItem).`;
    else opHint.textContent = `${Object.entries(OPERATIONS).find(([, ops]) => ops.includes(op))?.[0] ?? ""} operation.`;
  }
  let currentOp = opInput.value;
  function operationChanged() {
    syncOperationHint();
    const op = opInput.value.trim();
    if (op !== currentOp && ALL_OPERATIONS.includes(op)) {
      currentOp = op;
      showExampleChoices(op);
      showRequestFor(op);
    }
  }
  opInput.addEventListener("input", operationChanged);
  opInput.addEventListener("change", operationChanged);

  function setView(grid_: boolean) {
    showingGrid = grid_ && lastItems !== null;
    viewJson.setAttribute("aria-pressed", String(!showingGrid));
    viewGrid.setAttribute("aria-pressed", String(showingGrid));
    responsePre.hidden = !showingGrid ? responsePre.textContent === "" : true;
    grid.element.hidden = !showingGrid;
  }
  viewJson.addEventListener("click", () => setView(false));
  viewGrid.addEventListener("click", () => setView(true));

  function finish(result: "ok" | "error", text: string) {
    output.dataset.result = result;
    meta.textContent = text;
    // The end-to-end tests wait for this counter: it moves once per finished run.
    output.dataset.seq = String(Number(output.dataset.seq) + 1);
  }

  function showMetrics(r: any) {
    const entries: [string, string][] = [];
    if (r && typeof r === "object") {
      if (r.Count !== undefined) entries.push(["Count", String(r.Count)]);
      if (r.ScannedCount !== undefined) entries.push(["ScannedCount", String(r.ScannedCount)]);
      if (r.ConsumedCapacity !== undefined) entries.push(["ConsumedCapacity", capacityText(r.ConsumedCapacity)]);
      if (r.LastEvaluatedKey !== undefined) entries.push(["LastEvaluatedKey", JSON.stringify(r.LastEvaluatedKey)]);
    }
    metricsBar.replaceChildren(...entries.flatMap(([k, v]) => [h("dt", {}, k), h("dd", { "data-metric": k }, v)]));
    metricsBar.hidden = entries.length === 0;
  }

  /** The items a response holds (Items, Item, or BatchGetItem's Responses), for the grid. */
  function itemsOf(r: any): Record<string, unknown>[] | null {
    if (Array.isArray(r?.Items)) return r.Items;
    if (r?.Item && typeof r.Item === "object") return [r.Item];
    if (r?.Attributes && typeof r.Attributes === "object") return [r.Attributes];
    if (r?.Responses && typeof r.Responses === "object" && !Array.isArray(r.Responses)) return Object.values(r.Responses).flat() as Record<string, unknown>[];
    return null;
  }

  async function run() {
    if (busy || !state.session) return;
    const operation = opInput.value.trim();
    const text = editor.text.trim() || "{}";
    errorHint.hidden = true;
    editor.clearErrors();
    try {
      JSON.parse(text);
    } catch (err) {
      showError({ name: "Invalid JSON", type: null, message: `${(err as Error).message} (checked in the page; nothing was sent)` }, text);
      finish("error", `${operation} was not sent.`);
      return;
    }
    busy = true;
    runButton.disabled = true;
    output.setAttribute("aria-busy", "true");
    const sentText = editor.text;
    const outcome = await state.send(operation, text);
    busy = false;
    runButton.disabled = !state.session;
    output.removeAttribute("aria-busy");
    const ms = Math.round(outcome.ms);
    addHistory({ db: state.dbName, operation, request: text, at: Date.now(), ok: outcome.ok });
    if (outcome.ok) {
      errorBox.hidden = true;
      errorName.textContent = "";
      errorMessage.textContent = "";
      responsePre.textContent = prettyJson(outcome.response);
      showMetrics(outcome.response);
      lastItems = itemsOf(outcome.response);
      viewGrid.disabled = lastItems === null;
      if (lastItems) grid.setItems(lastItems, (state.shape()?.key ?? []).map((k) => k.name));
      setView(showingGrid && lastItems !== null);
      finish("ok", `${operation} succeeded in ${ms} ms.`);
    } else {
      showError(outcome.error, text);
      // An expression error: underline its token in the request, if the text is unchanged.
      if (editor.text === sentText) {
        const ranges = locateExpressionError(sentText, outcome.error.message);
        if (ranges.length) {
          editor.markErrors(ranges, `${outcome.error.name}: ${outcome.error.message}`);
          errorHint.hidden = false;
          errorHint.textContent = "The token it is about is underlined in the request.";
        }
      }
      finish("error", `${operation} failed in ${ms} ms.`);
    }
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

  function showError(e: ApiError, requestText: string) {
    errorName.textContent = e.name;
    errorMessage.textContent = e.message;
    showThrottlingReasons(e.throttlingReasons);
    showCancellationReasons(e.cancellationReasons, requestText);
    errorBox.hidden = false;
    if (isUnknownOperation({ name: e.name, type: e.type ?? null, message: e.message })) {
      errorHint.hidden = false;
      errorHint.textContent = ALL_OPERATIONS.includes(opInput.value.trim())
        ? "DynamoDB has this operation, but this build of the Dynaplay engine does not implement it yet."
        : "Check the operation's name: DynamoDB has no operation by this name.";
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

  function addHistory(entry: HistoryEntry) {
    const list = loadHistory().filter((e) => !(e.operation === entry.operation && e.request === entry.request && e.db === entry.db));
    list.unshift(entry);
    saveHistory(list);
    renderHistory();
  }

  function renderHistory() {
    const list = loadHistory();
    historyList.replaceChildren(
      ...list.map((e) => {
        const when = new Date(e.at);
        const button = h("button", { type: "button", class: "dp-history-item", "data-ok": String(e.ok), title: e.request.slice(0, 500) },
          h("span", { class: "op" }, e.operation),
          h("span", { class: "hint" }, `${e.db} · ${when.toLocaleTimeString()}${e.ok ? "" : " · failed"}`),
        );
        button.addEventListener("click", () => {
          opInput.value = e.operation;
          currentOp = e.operation;
          showExampleChoices(e.operation);
          syncOperationHint();
          editor.text = e.request;
          editor.focus();
        });
        return h("li", {}, button);
      }),
    );
    if (!list.length) historyList.append(h("li", { class: "hint" }, "Requests you run are listed here, newest first, and kept across reloads."));
  }
  clearHistory.addEventListener("click", () => {
    saveHistory([]);
    renderHistory();
  });

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    run();
  });
  form.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target === opInput) {
      e.preventDefault();
      run();
    }
  });
  const useExample = () => {
    drafts.delete(currentOp);
    setText(exampleText(currentOp));
    editor.focus();
  };
  exampleButton.addEventListener("click", useExample);
  examplePick.addEventListener("change", useExample);
  formatButton.addEventListener("click", () => {
    try {
      editor.text = JSON.stringify(JSON.parse(editor.text), null, 2);
    } catch {
      // the linter already marks the syntax error
    }
  });

  const syncEnabled = () => (runButton.disabled = !state.session || busy);
  state.addEventListener("session", syncEnabled);
  state.addEventListener("status", syncEnabled);
  // Picking a table points the examples at it (unless the person edited the request).
  state.addEventListener("selected", () => {
    if (!drafts.has(currentOp)) setText(exampleText(currentOp));
  });

  showExampleChoices(opInput.value);
  showRequestFor(opInput.value);
  syncOperationHint();
  renderHistory();
  return { element, focus: () => editor.focus() };
}
