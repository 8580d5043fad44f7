// What a <dynaplay-snippet>'s code means: the requests it sends, read with the console's own
// readers (cli.ts for AWS CLI commands, partiql.ts for statements) so a snippet and the
// console never disagree about a command. JavaScript snippets are not parsed here: they run
// as code (snippetjs.ts).
//
//   partiql  statements separated by `;`, each sent as ExecuteStatement in turn; with
//            kind="batch" or kind="transaction" all in one BatchExecuteStatement or
//            ExecuteTransaction
//   api      an operation name at the start of a line, then its request JSON (on the same
//            line or the lines below); several such blocks run in turn. Lines starting with
//            `#` or `//` in the first column are comments
//   cli      `aws dynamodb ...` commands, each starting on its own line (backslash line
//            breaks and quoted JSON as in a shell); lines starting with `#` are comments
import { CliError, parseCli } from "./cli";
import type { PagingOptions } from "./clipaging";
import { PartiqlInputError, type PartiqlKind, partiqlRequest, splitStatements } from "./partiql";

export const SNIPPET_LANGUAGES = ["partiql", "api", "cli", "js"] as const;
export type SnippetLanguage = (typeof SNIPPET_LANGUAGES)[number];

/** One request a snippet sends; `paging` when the AWS CLI would page through the results. */
export interface SnippetRequest {
  operation: string;
  request: Record<string, unknown>;
  paging?: PagingOptions | null;
  /** The Region a CLI command names with --region, which wins over the snippet's attribute. */
  region?: string;
}

/** Code that cannot be read as its language; the message says why. */
export class SnippetSyntaxError extends Error {
  override name = "SnippetSyntaxError";
}

/** TEXT without its blank first and last lines and the indentation all its lines share
 *  (code written indented inside an HTML page). */
export function dedent(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  while (lines.length && lines[0]!.trim() === "") lines.shift();
  while (lines.length && lines[lines.length - 1]!.trim() === "") lines.pop();
  const indents = lines.filter((line) => line.trim() !== "").map((line) => /^[ \t]*/.exec(line)![0].length);
  const common = indents.length ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(common)).join("\n");
}

/** Where every request of a snippet goes and as whom: its `region`, `dax` and `principal`
 *  attributes, as `send` options (docs/embedding.md); blank ones are left out. */
export interface SnippetTarget {
  region?: string;
  dax?: string;
  principal?: string;
}

/** The snippet's target, reading its attributes with ATTRIBUTE. */
export function snippetTarget(attribute: (name: string) => string | null): SnippetTarget {
  const target: SnippetTarget = {};
  for (const name of ["region", "dax", "principal"] as const) {
    const value = attribute(name)?.trim();
    if (value) target[name] = value;
  }
  return target;
}

export function isSnippetLanguage(value: string): value is SnippetLanguage {
  return (SNIPPET_LANGUAGES as readonly string[]).includes(value);
}

/** The requests CODE (already dedented) sends, in order. `kind` groups PartiQL statements. */
export function parseSnippet(language: Exclude<SnippetLanguage, "js">, code: string, kind: PartiqlKind = "single"): SnippetRequest[] {
  let requests: SnippetRequest[];
  try {
    requests = language === "partiql" ? partiqlRequests(code, kind) : language === "api" ? apiRequests(code) : cliRequests(code);
  } catch (err) {
    if (err instanceof CliError || err instanceof PartiqlInputError) throw new SnippetSyntaxError(err.message);
    throw err;
  }
  if (!requests.length) throw new SnippetSyntaxError("The snippet has no request to run.");
  return requests;
}

function partiqlRequests(code: string, kind: PartiqlKind): SnippetRequest[] {
  const statements = kind === "single" ? splitStatements(code) : [code];
  return statements.map((statement) => partiqlRequest(statement, undefined, kind));
}

const isComment = (line: string) => line.startsWith("#") || line.startsWith("//");

/** Operation blocks: a line starting with a letter names the operation, the JSON follows. */
function apiRequests(code: string): SnippetRequest[] {
  const blocks: { operation: string; body: string[] }[] = [];
  for (const line of code.split("\n")) {
    if (isComment(line)) continue;
    const start = /^([A-Za-z][\w.]*)(.*)$/.exec(line);
    if (start) blocks.push({ operation: start[1]!, body: [start[2]!] });
    else if (blocks.length) blocks[blocks.length - 1]!.body.push(line);
    else if (line.trim() !== "") throw new SnippetSyntaxError("Start with the operation name at the beginning of a line, such as PutItem, then its request JSON.");
  }
  return blocks.map(({ operation, body }) => ({ operation, request: requestJson(operation, body.join("\n")) }));
}

function requestJson(operation: string, text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SnippetSyntaxError(`${operation}: the request is not valid JSON (${(err as Error).message}).`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new SnippetSyntaxError(`${operation}: the request must be a JSON object.`);
  return value as Record<string, unknown>;
}

/** Commands: each starts on a line beginning with `aws ` (or `dynamodb `). */
function cliRequests(code: string): SnippetRequest[] {
  const commands: string[] = [];
  for (const line of code.split("\n")) {
    if (line.startsWith("#")) continue;
    if (/^\s*(aws|dynamodb)\s/.test(line) || !commands.length) commands.push(line);
    else commands[commands.length - 1] += `\n${line}`;
  }
  return commands
    .filter((command) => command.trim() !== "")
    .map((command) => {
      const { operation, request, paging, region } = parseCli(command);
      return { operation, request, paging, ...(region ? { region } : {}) };
    });
}
