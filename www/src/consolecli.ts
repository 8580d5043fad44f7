// The Console's AWS CLI mode: an `aws dynamodb ...` command line, read by cli.ts into the
// operation and its request as the person types; the parsed request stays in view while it
// runs and after, so what the command meant is never a guess. Under the command, a marked
// copy of it underlines an expression error's token after a failed run and, as you type, the
// reserved words used as bare names (with a fix that names them through placeholders).
import { CliError, MissingFileError, parseCli } from "./cli";
import { paginate, PAGINATORS } from "./clipaging";
import { cliExpressionMarks, cliReservedUses } from "./climarks";
import { prettyJson, toCli } from "./codegen";
import type { ConsoleMode, ConsoleOutput } from "./console";
import { h, uid } from "./dom";
import type { TextRange } from "./exprerrors";
import { example } from "./ops";
import { withPlaceholders } from "./reserved";
import type { AppState } from "./state";

const HISTORY_KEY = "dynaplay.history.cli.v1";

export function createCliMode(state: AppState, output: ConsoleOutput): ConsoleMode {
  const command = h("textarea", {
    id: uid("cli"),
    class: "dp-cli-input",
    rows: 5,
    spellcheck: "false",
    autocomplete: "off",
    "data-testid": "cli-command",
    "aria-describedby": "",
  });
  const hint = h("p", { class: "hint", id: uid("cli-hint") }, "One command, as in a shell: quotes, backslash line breaks and JSON values work. ", h("kbd", {}, "Ctrl"), "+", h("kbd", {}, "Enter"), " runs it.");
  command.setAttribute("aria-describedby", hint.id);
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
  const marked = h("pre", { class: "dp-code dp-cli-marked", tabindex: 0, hidden: true, "data-testid": "cli-marked", "aria-label": "The command, its marked words underlined" });
  const reservedText = h("span", { "data-testid": "cli-reserved-text" });
  const reservedFix = h("button", { type: "button", class: "small secondary", "data-testid": "cli-reserved-fix" }, "Use #placeholders");
  const reservedHint = h("p", { class: "notice dp-reserved-hint", role: "status", hidden: true, "data-testid": "cli-reserved-hint" }, reservedText, " ", reservedFix);
  const runButton = h("button", { type: "submit", "data-testid": "cli-run", disabled: true }, "Run");
  const exampleButton = h("button", { type: "button", class: "secondary", "data-testid": "cli-example" }, "Example");
  const form = h("form", { class: "dp-form dp-console-form", "aria-label": "AWS CLI command", novalidate: true },
    h("div", { class: "field" }, h("label", { for: command.id }, "AWS CLI command"), command, marked, reservedHint, hint),
    h("div", { class: "field" }, parsedTitle, parseError, fileField, filesList, parsed, ignored, pagingNote, pagingRun),
    h("div", { class: "actions" }, runButton, exampleButton),
  );

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
      const result = parseCli(command.value, files);
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

  /** The last failed run's error marks (for the command as it was sent) and their message. */
  let errorMarks: { ranges: TextRange[]; message: string } | null = null;

  /** Draws the marked copy of the command: error marks, then reserved words as you type. */
  function showMarks() {
    const text = command.value;
    const uses = cliReservedUses(text);
    const words = [...new Set(uses.map((u) => `${u.word} (${u.member})`))];
    reservedHint.hidden = words.length === 0;
    reservedText.textContent = `Reserved word${words.length > 1 ? "s" : ""} used as a bare name: ${words.join(", ")}. DynamoDB refuses ${words.length > 1 ? "them" : "it"} there.`;
    const marks = [
      ...(errorMarks?.ranges ?? []).map((r) => ({ ...r, kind: "error", title: errorMarks?.message ?? "" })),
      ...uses.map((u) => ({ from: u.from, to: u.to, eof: false, kind: "reserved", title: `${u.word} is a DynamoDB reserved word: as a bare name in ${u.member} the request is refused.` })),
    ].sort((a, b) => a.from - b.from);
    const children: (Node | string)[] = [];
    let at = 0;
    for (const mark of marks) {
      if (mark.from < at) continue;
      children.push(text.slice(at, mark.from));
      const testId = mark.kind === "error" ? "expression-error" : "reserved-mark";
      children.push(h("mark", { class: mark.kind === "error" ? "dp-expr-error" : "dp-reserved-mark", title: mark.title, "data-testid": testId }, mark.eof ? "\u2002" : text.slice(mark.from, mark.to)));
      at = mark.to;
    }
    children.push(text.slice(at));
    marked.replaceChildren(...children);
    marked.hidden = marks.length === 0;
  }

  /** The fix: the command again, every bare reserved name a #placeholder (in the CLI form the designer shows). */
  reservedFix.addEventListener("click", () => {
    const result = showParsed();
    if (!result) return;
    setCommand(toCli(result.operation, withPlaceholders(result.request) as Record<string, unknown>));
    command.focus();
  });

  async function run() {
    const result = showParsed();
    if (!result) {
      output.refuse("Invalid command", parseError.textContent ?? "", "The command");
      return;
    }
    runButton.disabled = true;
    const sent = command.value;
    errorMarks = null;
    const paging = result.paging;
    const send = paging ? () => paginate((operation, request) => state.send(operation, request), result.operation, result.request, paging) : undefined;
    const outcome = await output.run(result.operation, JSON.stringify(result.request), { key: HISTORY_KEY, input: sent }, undefined, send);
    showPagingRun(outcome);
    runButton.disabled = !state.session;
    // An expression error: underline its token in the command, if the text is unchanged.
    if (outcome && !outcome.ok && command.value === sent) {
      const ranges = cliExpressionMarks(sent, outcome.error.message);
      if (ranges.length) {
        errorMarks = { ranges, message: `${outcome.error.name}: ${outcome.error.message}` };
        output.hint("The token it is about is underlined in the marked copy of the command, under it.");
      }
    }
    showMarks();
  }

  function setCommand(text: string) {
    command.value = text;
    pagingRun.hidden = true;
    errorMarks = null;
    showParsed();
    showMarks();
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
    const without = command.value.replace(/\s+--starting-token(\s+\S+)?/g, "");
    setCommand(`${without} --starting-token ${nextToken}`);
    command.focus();
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

  command.addEventListener("input", () => {
    errorMarks = null;
    showParsed();
    showMarks();
  });
  command.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      run();
    }
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
      command.focus();
    },
    focus: () => command.focus(),
    setRunnable: (runnable) => (runButton.disabled = !runnable),
  };
}
