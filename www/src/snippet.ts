// <dynaplay-snippet>: a code block that runs against the page's in-browser database, its
// output shown under it. docs/embedding.md ("Snippets") is the author's guide.
//
//   <dynaplay-snippet database="shop" language="api" preset="#shop-preset" autorun>
//   GetItem
//   {"TableName": "Orders", "Key": {"id": {"S": "o1"}}}
//   </dynaplay-snippet>
//
// Attributes: `database` (default "snippets"; every snippet and playground naming the same
// database on a page shares one session, engine.ts sharedSession), `language` (partiql |
// api | cli | js, default partiql; snippetparse.ts and snippetjs.ts say what each means),
// `kind` (batch | transaction: PartiQL statements sent as one request), `preset` (as the
// playground's: #id, inline JSON or a URL; applied once per database, only when it has no
// tables, preset.ts applyPresetOnce), `autorun` (runs once connected; snippets of one database run in page order),
// `region`, `dax` and `principal` (every request goes to that Region, through that DAX
// cluster, as that principal: snippetparse.ts snippetTarget).
//
// For tests and pages: `data-state` is idle | running | done | error (a request failed or
// the code could not be read; for js, the code threw); `results` lists every
// request sent (operation, request, and the response or DynamoDB's error body); `output`
// is what the <pre> shows, as a value; each run ends with a `dynaplay-result` event (detail:
// state, results, output). <dynaplay-reset database="..."> is a "Start over" button: it
// empties that database (engine.ts resetShared) and reloads the page, which applies the
// preset again and resets the simulation knobs.
import { paginate } from "./clipaging";
import { prettyJson } from "./codegen";
import { h } from "./dom";
import { type ApiError, type Outcome, resetShared, type Session, sharedSession, toApiError } from "./engine";
import { applyPresetOnce, parsePreset, presetText } from "./preset";
import type { DynaplayDatabase } from "./sdkhandler";
import { runJs } from "./snippetjs";
import { dedent, isSnippetLanguage, parseSnippet, SnippetSyntaxError, type SnippetLanguage, type SnippetTarget, snippetTarget } from "./snippetparse";

/** One request a snippet sent, as DynamoDB's HTTP API would carry it. */
export interface SnippetResult {
  operation: string;
  request: unknown;
  ok: boolean;
  /** The response body, when ok. */
  response?: unknown;
  /** DynamoDB's error body (`__type`, `message`, and what else the error carries), when not ok. */
  error?: Record<string, unknown>;
}

type SnippetState = "idle" | "running" | "done" | "error";

const LABELS: Record<SnippetLanguage, string> = {
  partiql: "PartiQL",
  api: "DynamoDB API",
  cli: "AWS CLI",
  js: "JavaScript (AWS SDK v3)",
};

/** DynamoDB's error body for an engine error. */
function errorBody(error: ApiError): Record<string, unknown> {
  return {
    __type: error.type ?? error.name,
    message: error.message,
    ...(error.item !== undefined ? { Item: error.item } : {}),
    ...(error.cancellationReasons ? { CancellationReasons: error.cancellationReasons } : {}),
    ...(error.throttlingReasons ? { ThrottlingReasons: error.throttlingReasons } : {}),
  };
}

const resultOf = (operation: string, request: unknown, outcome: Outcome): SnippetResult =>
  outcome.ok ? { operation, request, ok: true, response: outcome.response } : { operation, request, ok: false, error: errorBody(outcome.error) };

/** A value as JSON can show it: no SDK `$metadata`, Sets as lists, big integers as text. */
function displayable(value: unknown): unknown {
  const text = JSON.stringify(value, (key, v) => (key === "$metadata" ? undefined : v instanceof Set ? [...v] : typeof v === "bigint" ? v.toString() : v));
  return text === undefined ? undefined : JSON.parse(text);
}

/** The page's runs, one database at a time in the order they were asked for. */
const turns = new Map<string, Promise<unknown>>();
function inTurn<T>(database: string, job: () => Promise<T>): Promise<T> {
  const next = (turns.get(database) ?? Promise.resolve()).then(job, job);
  turns.set(database, next.catch(() => {}));
  return next;
}

/** The session as a database for the SDK handler, recording each request into RESULTS; every
 *  request goes to TARGET, whatever the SDK client signed its request with. Requests go
 *  through the session (`call`), so its listeners (the request meter, embeds of the same
 *  database) see them. */
function recordingDatabase(session: Session, results: SnippetResult[], target: SnippetTarget): DynaplayDatabase {
  return {
    async send(operation, request, options) {
      const sent = typeof request === "string" ? JSON.parse(request) : request;
      try {
        const response = await session.call(operation, request, { ...options, ...target });
        results.push({ operation, request: sent, ok: true, response });
        return response;
      } catch (err) {
        results.push({ operation, request: sent, ok: false, error: errorBody(toApiError(err)) });
        throw err;
      }
    },
  };
}

/** What a run shows: one response or error as JSON, several each under its operation. */
function shown(results: SnippetResult[]): unknown {
  if (results.length === 1) return results[0]!.ok ? results[0]!.response : results[0]!.error;
  return results.map((r) => ({ [r.operation]: r.ok ? r.response : r.error }));
}

const errorName = (err: unknown) => (err instanceof Error ? err.name : "Error");
const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** What a run that threw ERR shows: DynamoDB's error body when ERR is the failure of the
 *  last request (an SDK exception, or the engine's error through `send`), else its message. */
function thrownShown(err: unknown, results: SnippetResult[]): { output: unknown; text: string } {
  const last = results[results.length - 1];
  const fromRequest = last !== undefined && !last.ok && typeof err === "object" && err !== null && ("$metadata" in err || "__type" in err);
  if (fromRequest) {
    const output = results.length === 1 ? last.error : shown(results);
    return { output, text: prettyJson(output) };
  }
  const title = err instanceof SnippetSyntaxError ? "The snippet could not be read" : errorName(err);
  return { output: { error: errorName(err), message: errorMessage(err) }, text: `${title}: ${errorMessage(err)}` };
}

export class DynaplaySnippet extends HTMLElement {
  /** Every request the last run sent. */
  results: SnippetResult[] = [];
  /** What the output shows, as a value (a js snippet's return value, or the responses). */
  output: unknown = undefined;
  private code = h("code", { contenteditable: "plaintext-only", role: "textbox", "aria-multiline": "true", spellcheck: "false", "data-testid": "snippet-code" });
  private out = h("pre", { class: "dp-snippet-output", role: "status", "aria-live": "polite", "data-testid": "snippet-output", hidden: true });
  private runButton = h("button", { type: "button", class: "small", "data-testid": "snippet-run" }, "Run");
  private started = false;

  connectedCallback() {
    if (this.started) return;
    this.started = true;
    this.code.textContent = dedent(this.textContent ?? "");
    const language = this.language();
    this.code.setAttribute("aria-label", `${language ? LABELS[language] : "Snippet"} code (editable)`);
    this.runButton.addEventListener("click", () => void this.run());
    this.code.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void this.run();
      }
    });
    const bar = h("div", { class: "dp-snippet-bar" }, h("span", { class: "dp-snippet-language" }, language ? LABELS[language] : `Unknown language "${this.getAttribute("language")}"`), this.runButton);
    this.replaceChildren(bar, h("pre", { class: "dp-snippet-code" }, this.code), this.out);
    this.classList.add("dp-snippet");
    this.setState("idle");
    if (this.hasAttribute("autorun")) void this.run();
  }

  private language(): SnippetLanguage | null {
    const value = (this.getAttribute("language") ?? "partiql").toLowerCase();
    return isSnippetLanguage(value) ? value : null;
  }

  private setState(state: SnippetState) {
    this.dataset.state = state;
    this.runButton.disabled = state === "running";
  }

  /** Runs the code (after the runs asked for earlier on the same database). */
  run(): Promise<void> {
    this.setState("running");
    const database = this.getAttribute("database") || "snippets";
    return inTurn(database, () => this.runNow(database));
  }

  private async runNow(database: string) {
    const results: SnippetResult[] = [];
    let state: SnippetState = "done";
    let text: string;
    try {
      const session = await sharedSession(database);
      const preset = this.getAttribute("preset");
      if (preset) await applyPresetOnce(database, (operation, request) => session.send(operation, request), parsePreset(await presetText(preset, document)));
      this.output = await this.execute(session, this.code.textContent ?? "", results);
      // A js snippet's code may catch a failed request: it failed only if the code threw.
      if (this.language() !== "js" && results.some((r) => !r.ok)) state = "error";
      text = this.output === undefined ? "(no output)" : prettyJson(this.output);
    } catch (err) {
      state = "error";
      ({ output: this.output, text } = thrownShown(err, results));
    }
    this.results = results;
    this.out.textContent = text;
    this.out.hidden = false;
    this.out.classList.toggle("dp-snippet-failed", state === "error");
    this.setState(state);
    this.dispatchEvent(new CustomEvent("dynaplay-result", { bubbles: true, composed: true, detail: { state, results, output: this.output } }));
  }

  /** Sends the requests CODE makes, recording each; resolves to what the output shows. */
  private async execute(session: Session, code: string, results: SnippetResult[]): Promise<unknown> {
    const language = this.language();
    if (!language) throw new SnippetSyntaxError(`language must be one of partiql, api, cli, js; got "${this.getAttribute("language")}".`);
    const target = snippetTarget((name) => this.getAttribute(name));
    if (language === "js") {
      const db = recordingDatabase(session, results, target);
      const returned = await runJs(code, db, target.region, { send: (operation: string, request: object) => db.send(operation, request) });
      return returned === undefined && results.length ? shown(results) : displayable(returned);
    }
    const kind = this.getAttribute("kind") ?? "single";
    if (kind !== "single" && kind !== "batch" && kind !== "transaction") throw new SnippetSyntaxError(`kind must be batch or transaction; got "${kind}".`);
    for (const { operation, request, paging, region } of parseSnippet(language, code, kind)) {
      const send = (operation: string, request: object) => session.send(operation, request, region ? { ...target, region } : target);
      const outcome = paging ? await paginate(send, operation, request, paging) : await send(operation, request);
      results.push(resultOf(operation, request, outcome));
      if (!outcome.ok) break;
    }
    return shown(results);
  }
}

/** "Start over": deletes the database a lesson's snippets use, then reloads the page. */
export class DynaplayReset extends HTMLElement {
  private started = false;

  connectedCallback() {
    if (this.started) return;
    this.started = true;
    const database = this.getAttribute("database") || "snippets";
    const status = h("span", { class: "hint", role: "status" });
    const button = h("button", { type: "button", class: "small secondary", "data-testid": "snippet-reset" }, this.textContent?.trim() || "Start over");
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await resetShared(database);
        location.reload();
      } catch (err) {
        status.textContent = err instanceof Error ? err.message : String(err);
        button.disabled = false;
      }
    });
    this.replaceChildren(button, " ", status);
  }
}

if (!customElements.get("dynaplay-snippet")) customElements.define("dynaplay-snippet", DynaplaySnippet);
if (!customElements.get("dynaplay-reset")) customElements.define("dynaplay-reset", DynaplayReset);
