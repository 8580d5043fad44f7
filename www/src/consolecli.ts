// The Console's AWS CLI mode: an `aws dynamodb ...` command line, read by cli.ts into the
// operation and its request as the person types; the parsed request stays in view while it
// runs and after, so what the command meant is never a guess. The command is edited in
// CodeMirror: highlighted (clilanguage.ts), completed (commands, options, table and attribute
// names, a reserved name also as its #placeholder), an expression error's token underlined
// after a failed run and, as you type, the reserved words used as bare names marked, with a
// fix that names them through placeholders.
import type { CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import { CliError, cliOptionNames, COMMANDS, MissingFileError, parseCli } from "./cli";
import { cliLanguage } from "./clilanguage";
import { paginate, PAGINATORS } from "./clipaging";
import { cliExpressionMarks, cliReservedUses } from "./climarks";
import { prettyJson, toCli } from "./codegen";
import { attributeCompletions, reservedDiagnostic, reservedHintText } from "./consoleapi";
import type { ConsoleMode, ConsoleOutput } from "./console";
import { h, uid } from "./dom";
import type { SendOptions } from "./engine";
import { createJsonEditor } from "./editor";
import { example } from "./ops";
import { withPlaceholders } from "./reserved";
import type { AppState } from "./state";

const HISTORY_KEY = "dynaplay.history.cli.v1";

export function createCliMode(state: AppState, output: ConsoleOutput): ConsoleMode {
  const editorHost = h("div", { class: "dp-editor-host" });
  const hint = h("p", { class: "hint", id: uid("cli-hint") }, "One command, as in a shell: quotes, backslash line breaks and JSON values work. ", h("kbd", {}, "Ctrl"), "+", h("kbd", {}, "Enter"), " runs it; ", h("kbd", {}, "Ctrl"), "+", h("kbd", {}, "Space"), " completes commands, options and names.");
  const parsedTitle = h("span", { class: "label", "data-testid": "cli-operation" });
  const parsed = h("pre", { class: "dp-code", tabindex: 0, "data-testid": "cli-parsed", "aria-label": "The request the command makes" });
  const parseError = h("p", { class: "field-error", role: "status", "data-testid": "cli-error", hidden: true });
  const ignored = h("p", { class: "hint", "data-testid": "cli-ignored", hidden: true });
  const pagingNote = h("p", { class: "hint", "data-testid": "cli-paging", hidden: true });
  const pagingResult = h("span", { "data-testid": "cli-paging-result" });
  const nextPage = h("button", { type: "button", class: "small secondary", "data-testid": "cli-next-page" }, "Continue with --starting-token");
  const pagingRun = h("p", { class: "hint", role: "status", hidden: true }, pagingResult, " ", nextPage);
  const filePick = h("input", { type: "file", id: uid("cli-file"), "data-testid": "cli-file" });
  const filePickLabel = h("label", { for: filePick.id });
  const fileField = h("div", { class: "field dp-cli-file", hidden: true, "data-testid": "cli-file-field" }, filePickLabel, filePick);
  const filesList = h("p", { class: "hint", "data-testid": "cli-files", hidden: true });
  const reservedText = h("span", { "data-testid": "cli-reserved-text" });
  const reservedFix = h("button", { type: "button", class: "small secondary", "data-testid": "cli-reserved-fix" }, "Use #placeholders");
  const reservedHint = h("p", { class: "notice dp-reserved-hint", role: "status", hidden: true, "data-testid": "cli-reserved-hint" }, reservedText, " ", reservedFix);
  const runButton = h("button", { type: "submit", "data-testid": "cli-run", disabled: true }, "Run");
  const exampleButton = h("button", { type: "button", class: "secondary", "data-testid": "cli-example" }, "Example");
  const form = h("form", { class: "dp-form dp-console-form", "aria-label": "AWS CLI command", novalidate: true },
    h("div", { class: "field" }, h("span", { class: "label" }, "AWS CLI command"), editorHost, reservedHint, hint),
    h("div", { class: "field" }, parsedTitle, parseError, fileField, filesList, parsed, ignored, pagingNote, pagingRun),
    h("div", { class: "actions" }, runButton, exampleButton),
  );

  const editor = createJsonEditor(editorHost, {
    root: state.placement.root,
    label: "AWS CLI command",
    testId: "cli-command",
    onRun: () => run(),
    onChange: () => {
      pagingRun.hidden = true;
      showParsed();
      showReserved();
    },
    language: cliLanguage,
    complete: (context) => complete(context),
    lint: (view) => cliReservedUses(view.state.doc.toString()).map((use) => reservedDiagnostic(use, fixReserved)),
    minLines: 4,
  });
  editor.view.contentDOM.setAttribute("aria-describedby", hint.id);

  /** Commands after `dynamodb`, options after `--`, else table and attribute names. */
  function complete(context: CompletionContext): CompletionResult | null {
    const word = context.matchBefore(/[#\w.:-]+/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    const before = context.state.doc.sliceString(0, word.from);
    if (/(^|\s)dynamodb\s+$/.test(before)) return { from: word.from, options: [...COMMANDS.keys()].map((label) => ({ label, type: "keyword", detail: COMMANDS.get(label) })) };
    if (word.text.startsWith("-")) return { from: word.from, options: cliOptionNames().map((label) => ({ label, type: "property" })) };
    const names = [...state.descriptions.values()].flatMap((d) => (d.AttributeDefinitions ?? []).map((a: any) => String(a.AttributeName)));
    return {
      from: word.from,
      options: [...state.tables.map((label) => ({ label, type: "class", detail: "table" })), ...attributeCompletions([...names, ...output.items().flatMap((item) => Object.keys(item))])],
      validFor: /^[#\w.:-]*$/,
    };
  }

  /** The text of the files picked for the command's file:// values, by the path it names. */
  const files = new Map<string, string>();
  /** The path the file picker is asking for. */
  let wantedPath = "";

  /** Says how the command will be sent: one request, or pages as the CLI sends them. */
  function describePaging(result: ReturnType<typeof parseCli>) {
    const paginator = PAGINATORS[result.operation];
    pagingNote.hidden = !paginator;
    if (!paginator) return;
    if (!result.paging) {
      pagingNote.textContent = `One ${result.operation} request: with ${paginator.limitKey ? "--limit, " : ""}a start key or --no-paginate the CLI does not page. Its ${paginator.outputToken} says where the next page starts.`;
      return;
    }
    const { maxItems, pageSize, startingToken } = result.paging;
    pagingNote.textContent = `As the AWS CLI does, the page sends ${result.operation} requests following ${paginator.outputToken} until ${maxItems ? `${maxItems} items are printed` : "the last page"}${pageSize ? `, ${pageSize} per request` : ""}${startingToken ? ", starting where the --starting-token left off" : ""}, and shows one merged result${maxItems ? " with a NextToken for --starting-token" : ""}. --no-paginate sends one request.`;
  }

  /** Shows what the command means now; returns it, or null when it does not parse. */
  function showParsed(): ReturnType<typeof parseCli> | null {
    fileField.hidden = true;
    try {
      const result = parseCli(editor.text, files);
      parseError.hidden = true;
      describePaging(result);
      parsedTitle.textContent = `Parsed: ${result.operation} request`;
      parsed.hidden = false;
      parsed.textContent = prettyJson(result.request);
      ignored.hidden = result.ignored.length === 0;
      ignored.textContent = `Not used in the page: ${result.ignored.join(", ")}.`;
      return result;
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      if (err instanceof MissingFileError) {
        wantedPath = err.path;
        filePickLabel.textContent = `Pick ${err.path} (file://${err.path})`;
        fileField.hidden = false;
      }
      pagingNote.hidden = true;
      parsedTitle.textContent = "Parsed request";
      parseError.hidden = false;
      parseError.textContent = err.message;
      parsed.hidden = true;
      ignored.hidden = true;
      return null;
    }
  }

  /** Names, under the editor, the reserved words the command uses as bare names (the linter marks each). */
  function showReserved() {
    const hint = reservedHintText(cliReservedUses(editor.text));
    reservedHint.hidden = hint === null;
    reservedText.textContent = hint ?? "";
  }

  /** The fix: the command again, every bare reserved name a #placeholder (in the CLI form the designer shows). */
  function fixReserved() {
    const result = showParsed();
    if (!result) return;
    setCommand(toCli(result.operation, withPlaceholders(result.request) as Record<string, unknown>));
    editor.focus();
  }
  reservedFix.addEventListener("click", fixReserved);

  async function run() {
    const result = showParsed();
    if (!result) {
      output.refuse("Invalid command", parseError.textContent ?? "", "The command");
      return;
    }
    runButton.disabled = true;
    const sent = editor.text;
    editor.clearErrors();
    const { paging, region } = result;
    // --region picks the Region's endpoint, as the CLI does, whatever the DAX box says.
    const to = (options: SendOptions | undefined): SendOptions | undefined => (region ? { ...options, region } : options);
    const send = paging
      ? (options: SendOptions | undefined) => paginate((operation, request) => state.send(operation, request, to(options)), result.operation, result.request, paging)
      : region
        ? (options: SendOptions | undefined) => state.send(result.operation, result.request, to(options))
        : undefined;
    const outcome = await output.run(result.operation, JSON.stringify(result.request), { key: HISTORY_KEY, input: sent }, undefined, send);
    showPagingRun(outcome);
    runButton.disabled = !state.session;
    // An expression error: underline its token in the command, if the text is unchanged.
    if (outcome && !outcome.ok && editor.text === sent) {
      const ranges = cliExpressionMarks(sent, outcome.error.message);
      if (ranges.length) {
        editor.markErrors(ranges, `${outcome.error.name}: ${outcome.error.message}`);
        output.hint("The token it is about is underlined in the command.");
      }
    }
  }

  /** Puts TEXT in the editor (its change handler parses it anew). */
  function setCommand(text: string) {
    editor.text = text;
  }

  /** The NextToken of the last paged run, which "Continue" puts into the command. */
  let nextToken: string | null = null;

  /** After a paged run: how many requests it sent, and its NextToken to continue from. */
  function showPagingRun(outcome: Awaited<ReturnType<ConsoleOutput["run"]>>) {
    const requests = outcome && "requests" in outcome ? Number(outcome.requests) : 0;
    pagingRun.hidden = requests === 0;
    nextToken = outcome?.ok && typeof outcome.response?.NextToken === "string" ? outcome.response.NextToken : null;
    nextPage.hidden = nextToken === null;
    pagingResult.textContent = `${requests} request${requests === 1 ? "" : "s"} sent.${nextToken ? " The NextToken says where the next items start." : ""}`;
  }

  nextPage.addEventListener("click", () => {
    if (!nextToken) return;
    const without = editor.text.replace(/\s+--starting-token(\s+\S+)?/g, "");
    setCommand(`${without} --starting-token ${nextToken}`);
    editor.focus();
  });

  filePick.addEventListener("change", async () => {
    const file = filePick.files?.[0];
    if (!file || !wantedPath) return;
    files.set(wantedPath, await file.text());
    filePick.value = "";
    filesList.hidden = false;
    filesList.textContent = `Files picked (kept until a reload, never uploaded): ${[...files.keys()].map((p) => `file://${p}`).join(", ")}.`;
    showParsed();
  });

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    run();
  });
  exampleButton.addEventListener("click", () => setCommand(toCli("Query", example("Query", state.shape()) as Record<string, unknown>)));

  setCommand(toCli("Scan", example("Scan", state.shape()) as Record<string, unknown>));
  return {
    id: "cli",
    label: "AWS CLI",
    element: form,
    historyKey: HISTORY_KEY,
    title: (e) => (e.input ?? e.operation).replace(/\s*\\\n\s*/g, " ").slice(0, 80),
    restore(e) {
      setCommand(e.input ?? "");
      editor.focus();
    },
    current: () => ({ operation: "", request: "", input: editor.text }),
    run,
    focus: () => editor.focus(),
    setRunnable: (runnable) => (runButton.disabled = !runnable),
  };
}
