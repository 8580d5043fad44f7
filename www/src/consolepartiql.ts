// The Console's PartiQL mode: a statement editor (PartiQL highlighting, completion of
// keywords, table names and the attribute names seen), optional Parameters as a JSON array,
// and how to run the text: one statement (ExecuteStatement, paged by NextToken with More),
// or statements separated by `;` as a batch (BatchExecuteStatement) or a transaction
// (ExecuteTransaction). The request sent is shown under the form. After a run, a statement
// the engine's parser refuses gets its token underlined (the parser's span), and a reserved
// word used as a bare name gets a hint with a fix that quotes it.
import type { CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import { prettyJson } from "./codegen";
import type { ConsoleMode, ConsoleOutput } from "./console";
import { h, uid } from "./dom";
import { createJsonEditor, type ErrorMark } from "./editor";
import { partiqlSyntaxError } from "./engine";
import { parseParameters, PARTIQL_FUNCTIONS, PARTIQL_KEYWORDS, PartiqlInputError, type PartiqlKind, partiqlLanguage, partiqlRequest, statementRanges } from "./partiql";
import type { AppState } from "./state";

const HISTORY_KEY = "dynaplay.history.partiql.v1";
const KINDS: [PartiqlKind, string][] = [
  ["single", "One statement"],
  ["batch", "Batch"],
  ["transaction", "Transaction"],
];

/** What a PartiQL history entry keeps besides the request: the text, parameters and kind. */
interface PartiqlInput {
  statement: string;
  parameters: string;
  kind: PartiqlKind;
  limit: string;
}

export function createPartiqlMode(state: AppState, output: ConsoleOutput): ConsoleMode {
  const editorHost = h("div", { class: "dp-editor-host" });
  const parameters = h("input", { type: "text", id: uid("partiql-params"), class: "dp-mono", spellcheck: "false", autocomplete: "off", placeholder: '[{"S": "No One You Know"}]', "data-testid": "partiql-parameters" });
  const limit = h("input", { type: "number", id: uid("partiql-limit"), min: 1, step: 1, placeholder: "none", "data-testid": "partiql-limit" });
  const kindGroup = uid("partiql-kind");
  const kindInputs = KINDS.map(([kind]) => h("input", { type: "radio", name: kindGroup, value: kind, id: uid("kind"), checked: kind === "single", "data-testid": `partiql-kind-${kind}` }));
  const runButton = h("button", { type: "submit", "data-testid": "partiql-run", disabled: true }, "Run");
  const moreButton = h("button", { type: "button", class: "secondary", hidden: true, "data-testid": "partiql-more" }, "More");
  const reservedText = h("span", { "data-testid": "partiql-reserved-text" });
  const reservedFix = h("button", { type: "button", class: "small secondary", "data-testid": "partiql-reserved-fix" }, "Quote it");
  const reservedHint = h("p", { class: "notice dp-reserved-hint", role: "status", hidden: true, "data-testid": "partiql-reserved-hint" }, reservedText, " ", reservedFix);
  const sentTitle = h("span", { class: "label" }, "Request");
  const sent = h("pre", { class: "dp-code", tabindex: 0, "data-testid": "partiql-request", "aria-label": "The request sent" }, "Nothing run yet.");
  const form = h("form", { class: "dp-form dp-console-form", "aria-label": "PartiQL statement", novalidate: true },
    h("div", { class: "field" }, h("span", { class: "label" }, "Statement (PartiQL)"), editorHost, reservedHint,
      h("p", { class: "hint" }, h("kbd", {}, "Ctrl"), "+", h("kbd", {}, "Enter"), " runs it. Several statements separated by ", h("code", {}, ";"), " run as a batch or a transaction.")),
    h("div", { class: "field" }, h("label", { for: parameters.id }, "Parameters (optional JSON array, one value per ?)"), parameters),
    h("div", { class: "dp-row" },
      h("div", { class: "dp-row", role: "radiogroup", "aria-label": "Run as" },
        ...KINDS.map(([, label], i) => h("span", { class: "dp-radio" }, kindInputs[i]!, h("label", { for: kindInputs[i]!.id }, label)))),
      h("label", { for: limit.id }, "Limit"), limit),
    h("div", { class: "actions" }, runButton, moreButton),
    h("div", { class: "field" }, sentTitle, sent),
  );

  /** Attribute names seen in the tables' definitions and in the items shown. */
  const seenNames = new Set<string>();
  let nextToken: string | undefined;
  /** The input that the More button pages through. */
  let pagedInput: PartiqlInput | null = null;

  const editor = createJsonEditor(editorHost, {
    root: state.placement.root,
    doc: `SELECT * FROM "${state.shape()?.name ?? "Music"}"`,
    label: "PartiQL statement",
    testId: "partiql-statement",
    onRun: () => run(false),
    onChange: () => {
      reservedHint.hidden = true;
      reservedWord = null;
    },
    language: partiqlLanguage,
    complete: (context) => complete(context),
    minLines: 4,
  });

  function complete(context: CompletionContext): CompletionResult | null {
    const word = context.matchBefore(/"?[A-Za-z0-9_.-]*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    for (const d of state.descriptions.values()) for (const a of d.AttributeDefinitions ?? []) seenNames.add(a.AttributeName);
    return {
      from: word.from,
      options: [
        ...PARTIQL_KEYWORDS.map((label) => ({ label, type: "keyword" })),
        ...PARTIQL_FUNCTIONS.map((label) => ({ label, type: "function" })),
        ...state.tables.map((name) => ({ label: `"${name}"`, type: "class", detail: "table" })),
        ...[...seenNames].map((name) => ({ label: /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name}"`, type: "property", detail: "attribute" })),
      ],
      validFor: /^"?[A-Za-z0-9_.-]*"?$/,
    };
  }

  /** The reserved word the last run's syntax error is about, and where it is. */
  let reservedWord: ErrorMark | null = null;

  /**
   * Underlines the token of each statement the engine's parser refuses (their messages are
   * the ones DynamoDB answers with); a reserved word gets the hint and its fix. Returns
   * whether anything was marked.
   */
  async function markSyntaxErrors(text: string): Promise<boolean> {
    const found: { mark: ErrorMark; message: string }[] = [];
    for (const { from, to } of statementRanges(text)) {
      const error = await partiqlSyntaxError(text.slice(from, to));
      if (error) found.push({ mark: { from: from + error.start, to: from + error.end }, message: error.message });
    }
    if (editor.text !== text || !found.length) return false;
    editor.markErrors(found.map(({ mark, message }) => ({ ...mark, message: `ValidationException: ${message}` })), "");
    const keyword = found.find(({ mark, message }) => /Unexpected keyword$/.test(message) && /^[A-Za-z_]\w*$/.test(text.slice(mark.from, mark.to)));
    reservedWord = keyword?.mark ?? null;
    if (keyword) {
      const word = text.slice(keyword.mark.from, keyword.mark.to);
      reservedText.textContent = `${word} is a PartiQL reserved word: as an attribute name it must be in double quotes ("${word}"), or the statement is refused.`;
    }
    reservedHint.hidden = !keyword;
    return true;
  }

  function clearMarks() {
    editor.clearErrors();
    reservedHint.hidden = true;
    reservedWord = null;
  }

  reservedFix.addEventListener("click", () => {
    if (!reservedWord) return;
    const { from, to } = reservedWord;
    editor.view.dispatch({ changes: { from, to, insert: `"${editor.text.slice(from, to)}"` } });
    clearMarks();
    editor.focus();
  });

  const kind = (): PartiqlKind => (kindInputs.find((i) => i.checked)?.value as PartiqlKind | undefined) ?? "single";
  const currentInput = (): PartiqlInput => ({ statement: editor.text, parameters: parameters.value, kind: kind(), limit: limit.value });

  async function run(more: boolean) {
    const input = more && pagedInput ? pagedInput : currentInput();
    let built;
    try {
      const paging = { limit: Number(input.limit) || undefined, nextToken: more ? nextToken : undefined };
      built = partiqlRequest(input.statement, parseParameters(input.parameters), input.kind, paging);
    } catch (err) {
      if (!(err instanceof PartiqlInputError)) throw err;
      output.refuse("Invalid input", err.message, "The statement");
      return;
    }
    const text = JSON.stringify(built.request);
    sentTitle.textContent = `${built.operation} request`;
    sent.textContent = prettyJson(built.request);
    runButton.disabled = true;
    const earlier = more ? output.items() : undefined;
    clearMarks();
    const outcome = await output.run(built.operation, text, { key: HISTORY_KEY, input: JSON.stringify(input) }, earlier);
    if (outcome && (await markSyntaxErrors(input.statement))) output.hint("The token the engine's parser stopped at is underlined in the statement.");
    runButton.disabled = !state.session;
    nextToken = outcome?.ok ? outcome.response?.NextToken : undefined;
    pagedInput = nextToken ? input : null;
    moreButton.hidden = !nextToken;
    for (const item of output.items()) for (const name of Object.keys(item)) seenNames.add(name);
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    run(false);
  });
  moreButton.addEventListener("click", () => run(true));
  parameters.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      run(false);
    }
  });

  return {
    id: "partiql",
    label: "PartiQL",
    element: form,
    historyKey: HISTORY_KEY,
    title: (e) => restoredInput(e.input)?.statement.replace(/\s+/g, " ").slice(0, 80) ?? e.operation,
    restore(e) {
      const input = restoredInput(e.input);
      if (!input) return;
      editor.text = input.statement;
      parameters.value = input.parameters;
      limit.value = input.limit;
      for (const i of kindInputs) i.checked = i.value === input.kind;
      editor.focus();
    },
    current: () => ({ operation: "ExecuteStatement", request: "", input: JSON.stringify(currentInput()) }),
    run: () => run(false),
    focus: () => editor.focus(),
    setRunnable: (runnable) => (runButton.disabled = !runnable),
  };
}

/** A history entry's PartiQL input, if it is well-formed. */
function restoredInput(text: string | undefined): PartiqlInput | null {
  try {
    const value = JSON.parse(text ?? "");
    const ok = typeof value?.statement === "string" && typeof value.parameters === "string" && KINDS.some(([k]) => k === value.kind);
    return ok ? { ...value, limit: typeof value.limit === "string" ? value.limit : "" } : null;
  } catch {
    return null;
  }
}
