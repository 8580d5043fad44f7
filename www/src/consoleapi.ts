// The Console's DynamoDB API mode: pick an operation (with autocomplete), edit the request
// JSON in CodeMirror, run it with the button or Ctrl+Enter. Drafts are kept per operation; an
// expression error's token is underlined in the request after a failed run. A reserved word
// used as a bare name in an expression is marked as you type, with a quick fix that names it
// through ExpressionAttributeNames (the engine would refuse the request).
import type { Completion } from "@codemirror/autocomplete";
import type { Diagnostic } from "@codemirror/lint";
import type { ConsoleMode, ConsoleOutput } from "./console";
import { h, labelled, uid } from "./dom";
import { createJsonEditor } from "./editor";
import { findParameterStrings, locateExpressionError } from "./exprerrors";
import { HOME_REGION, PICKED_REGIONS } from "./globaltables";
import { ALL_OPERATIONS, examples, OPERATIONS, PARAMETERS } from "./ops";
import { createPrincipalPicker } from "./principals";
import { bareReservedNames, EXPRESSION_MEMBERS, isReserved, withPlaceholders } from "./reserved";
import type { AppState } from "./state";

const HISTORY_KEY = "dynaplay.history.v1";

/** A reserved word used as a bare name, where it is in the request text. */
export interface ReservedUse {
  word: string;
  member: string;
  from: number;
  to: number;
}

/** Every bare reserved name in the expressions of the request TEXT (at any depth). */
export function reservedUses(text: string): ReservedUse[] {
  return EXPRESSION_MEMBERS.flatMap((member) =>
    findParameterStrings(text, member).flatMap((s) =>
      bareReservedNames(s.value).map((bare) => ({ word: bare.word, member, from: s.rawFrom[bare.from] ?? s.start, to: s.rawTo[bare.to - 1] ?? s.end })),
    ),
  );
}

/** The editor's warning on a bare reserved name, with the quick fix `fix` (both console
 *  modes that take expressions use it). */
export function reservedDiagnostic(use: ReservedUse, fix: () => void): Diagnostic {
  return {
    from: use.from,
    to: use.to,
    severity: "warning",
    message: `${use.word} is a DynamoDB reserved word: as a bare name in ${use.member} the request is refused. Name it through ExpressionAttributeNames.`,
    actions: [{ name: `Use #${use.word}`, apply: () => fix() }],
  };
}

/** The line under the editor naming the reserved words a request uses as bare names; null for none. */
export function reservedHintText(uses: ReservedUse[]): string | null {
  const words = [...new Set(uses.map((u) => `${u.word} (${u.member})`))];
  if (words.length === 0) return null;
  return `Reserved word${words.length > 1 ? "s" : ""} used as a bare name: ${words.join(", ")}. DynamoDB refuses ${words.length > 1 ? "them" : "it"} there.`;
}

/** The request TEXT with placeholders for its bare reserved names; null if it is not JSON. */
function fixedText(text: string): string | null {
  try {
    return JSON.stringify(withPlaceholders(JSON.parse(text)), null, 2);
  } catch {
    return null;
  }
}

/** Attribute names to complete: a reserved one also as its `#placeholder`. */
export function attributeCompletions(names: Iterable<string>): Completion[] {
  return [...new Set(names)].flatMap((name) =>
    isReserved(name)
      ? [{ label: `#${name}`, type: "variable", detail: `placeholder for ${name} (reserved word)` }, { label: name, type: "variable", detail: "reserved word: needs a #placeholder in expressions" }]
      : [{ label: name, type: "variable", detail: "attribute" }],
  );
}

export function createApiMode(state: AppState, output: ConsoleOutput): ConsoleMode {
  const opListId = uid("ops");
  const opInput = h("input", {
    type: "text",
    id: uid("operation"),
    list: opListId,
    value: "ListTables",
    autocomplete: "off",
    spellcheck: "false",
    "data-testid": "operation",
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
  const reservedText = h("span", { "data-testid": "reserved-hint-text" });
  const reservedFix = h("button", { type: "button", class: "small secondary", "data-testid": "reserved-fix" }, "Use #placeholders");
  const reservedHint = h("p", { class: "notice dp-reserved-hint", role: "status", hidden: true, "data-testid": "reserved-hint" }, reservedText, " ", reservedFix);

  const picker = createPrincipalPicker(state);
  // The Region whose endpoint the request reaches (docs/global-tables.md): with two windows on
  // one database (the relay), each can read its own Region of a global table.
  const region = h("select", { "data-testid": "console-region" }, ...PICKED_REGIONS.map((r) => h("option", { value: r }, r)));

  const form = h("form", { class: "dp-form dp-console-form", "aria-label": "DynamoDB API request", novalidate: true },
    h("div", { class: "field" }, h("label", { for: opInput.id }, "Operation"), h("div", { class: "dp-row" }, opInput, opList), opHint),
    picker.element,
    labelled("Region", region),
    h("div", { class: "field" }, h("span", { class: "label" }, "Request (DynamoDB JSON)"), editorHost, reservedHint,
      h("p", { class: "hint", id: editorHintId }, h("kbd", {}, "Ctrl"), "+", h("kbd", {}, "Enter"), " runs the request; ", h("kbd", {}, "Esc"), " then ", h("kbd", {}, "Tab"), " leaves the editor. Drafts are kept per operation.")),
    h("div", { class: "actions" }, runButton, exampleButton, examplePick, formatButton),
    picker.decision,
  );

  /** Requests the person edited, by operation, so switching operations loses nothing. */
  const drafts = new Map<string, string>();
  let settingText = false;
  let currentOp = opInput.value;

  const editor = createJsonEditor(editorHost, {
    root: state.placement.root,
    doc: "",
    label: "Request (DynamoDB JSON)",
    testId: "request",
    onRun: () => run(),
    onChange: (text) => {
      if (!settingText) drafts.set(currentOp, text);
      showReservedHint(text);
    },
    words: () => [
      ...PARAMETERS, ...state.tables, "PAY_PER_REQUEST", "PROVISIONED", "HASH", "RANGE", "ALL_OLD", "ALL_NEW", "UPDATED_OLD", "UPDATED_NEW", "NONE", "TOTAL", "INDEXES",
      ...attributeCompletions(seenAttributeNames()),
    ],
    lint: (view) => reservedUses(view.state.doc.toString()).map((use) => reservedDiagnostic(use, fixReserved)),
    minLines: 10,
  });
  editor.view.contentDOM.setAttribute("aria-describedby", editorHintId);

  /** Attribute names of the tables described and of the items in the response. */
  function seenAttributeNames(): string[] {
    const fromTables = [...state.descriptions.values()].flatMap((d) => (d.AttributeDefinitions ?? []).map((a: any) => String(a.AttributeName)));
    return [...fromTables, ...output.items().flatMap((item) => Object.keys(item))];
  }

  /** Says which reserved words the request uses as bare names (the linter marks each one). */
  function showReservedHint(text: string) {
    const hint = reservedHintText(reservedUses(text));
    reservedHint.hidden = hint === null;
    reservedText.textContent = hint ?? "";
  }

  /** The quick fix: every bare reserved name becomes a #placeholder in ExpressionAttributeNames. */
  function fixReserved() {
    const fixed = fixedText(editor.text);
    if (fixed !== null) editor.text = fixed;
    editor.focus();
  }
  reservedFix.addEventListener("click", fixReserved);

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
  function syncOperationHint() {
    const op = opInput.value.trim();
    if (!op) opHint.textContent = "Type to search the DynamoDB operations.";
    else if (!ALL_OPERATIONS.includes(op)) opHint.textContent = `"${op}" is not a DynamoDB operation name (they are case-sensitive, like PutItem).`;
    else opHint.textContent = `${Object.entries(OPERATIONS).find(([, ops]) => ops.includes(op))?.[0] ?? ""} operation.`;
  }
  function operationChanged() {
    syncOperationHint();
    const op = opInput.value.trim();
    if (op !== currentOp && ALL_OPERATIONS.includes(op)) {
      currentOp = op;
      showExampleChoices(op);
      setText(drafts.get(op) ?? exampleText(op));
    }
  }
  opInput.addEventListener("input", operationChanged);
  opInput.addEventListener("change", operationChanged);

  async function run() {
    const operation = opInput.value.trim();
    const text = editor.text.trim() || "{}";
    editor.clearErrors();
    try {
      JSON.parse(text);
    } catch (err) {
      output.refuse("Invalid JSON", (err as Error).message, operation);
      return;
    }
    const sentText = editor.text;
    runButton.disabled = true;
    const principal = picker.principal();
    const elsewhere = region.value !== HOME_REGION;
    const options = { ...(principal ? { principal } : {}), ...(elsewhere ? { region: region.value } : {}) };
    const send = principal || elsewhere ? () => state.send(operation, text, options) : undefined;
    const outcome = await output.run(operation, text, { key: HISTORY_KEY }, undefined, send);
    runButton.disabled = !state.session;
    if (outcome) await picker.explain(operation, text);
    // An expression error: underline its token in the request, if the text is unchanged.
    if (outcome && !outcome.ok && editor.text === sentText) {
      const ranges = locateExpressionError(sentText, outcome.error.message);
      if (ranges.length) {
        editor.markErrors(ranges, `${outcome.error.name}: ${outcome.error.message}`);
        output.hint("The token it is about is underlined in the request.");
      }
    }
  }

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
  // Picking a table points the examples at it (unless the person edited the request).
  state.addEventListener("selected", () => {
    if (!drafts.has(currentOp)) setText(exampleText(currentOp));
  });

  showExampleChoices(currentOp);
  setText(exampleText(currentOp));
  syncOperationHint();
  return {
    id: "api",
    label: "DynamoDB API",
    element: form,
    historyKey: HISTORY_KEY,
    title: (e) => e.operation,
    restore(e) {
      opInput.value = e.operation;
      currentOp = e.operation;
      showExampleChoices(e.operation);
      syncOperationHint();
      editor.text = e.request;
      editor.focus();
    },
    current: () => ({ operation: opInput.value.trim(), request: editor.text }),
    run,
    focus: () => editor.focus(),
    setRunnable: (runnable) => (runButton.disabled = !runnable),
  };
}
