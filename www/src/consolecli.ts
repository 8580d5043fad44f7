// The Console's AWS CLI mode: an `aws dynamodb ...` command line, read by cli.ts into the
// operation and its request as the person types; the parsed request stays in view while it
// runs and after, so what the command meant is never a guess.
import { CliError, parseCli } from "./cli";
import { prettyJson, toCli } from "./codegen";
import type { ConsoleMode, ConsoleOutput } from "./console";
import { h, uid } from "./dom";
import { example } from "./ops";
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
  const runButton = h("button", { type: "submit", "data-testid": "cli-run", disabled: true }, "Run");
  const exampleButton = h("button", { type: "button", class: "secondary", "data-testid": "cli-example" }, "Example");
  const form = h("form", { class: "dp-form dp-console-form", "aria-label": "AWS CLI command", novalidate: true },
    h("div", { class: "field" }, h("label", { for: command.id }, "AWS CLI command"), command, hint),
    h("div", { class: "field" }, parsedTitle, parseError, parsed, ignored),
    h("div", { class: "actions" }, runButton, exampleButton),
  );

  /** Shows what the command means now; returns it, or null when it does not parse. */
  function showParsed(): ReturnType<typeof parseCli> | null {
    try {
      const result = parseCli(command.value);
      parseError.hidden = true;
      parsedTitle.textContent = `Parsed: ${result.operation} request`;
      parsed.hidden = false;
      parsed.textContent = prettyJson(result.request);
      ignored.hidden = result.ignored.length === 0;
      ignored.textContent = `Not used in the page: ${result.ignored.join(", ")}.`;
      return result;
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      parsedTitle.textContent = "Parsed request";
      parseError.hidden = false;
      parseError.textContent = err.message;
      parsed.hidden = true;
      ignored.hidden = true;
      return null;
    }
  }

  async function run() {
    const result = showParsed();
    if (!result) {
      output.refuse("Invalid command", parseError.textContent ?? "", "The command");
      return;
    }
    runButton.disabled = true;
    await output.run(result.operation, JSON.stringify(result.request), { key: HISTORY_KEY, input: command.value });
    runButton.disabled = !state.session;
  }

  function setCommand(text: string) {
    command.value = text;
    showParsed();
  }

  command.addEventListener("input", () => showParsed());
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
