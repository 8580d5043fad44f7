// The console's AWS CLI mode: `aws dynamodb query --table-name Music ...` read into the
// operation and its request JSON, so a command copied from the AWS docs (or from the
// designer's CLI preview) runs as it would against DynamoDB.
//
// Shell words follow POSIX quoting (single quotes literal, double quotes with \" \\ \$ \`
// escapes, a backslash outside quotes escaping the next character, backslash-newline a line
// continuation). Options map to request members by the CLI's own rule (kebab-case of the
// member name, the reverse of codegen's `kebab`); values that look like JSON are parsed as
// JSON, `Key=Value,...` as the CLI's flat shorthand, several words after one option as a list.
// A `file://PATH` value is the text of a file the person picked in the page (a page cannot
// open paths on the disk); the CLI's paging options are read into `paging` (clipaging.ts).
import { PAGINATORS, type PagingOptions } from "./clipaging";
import { kebab } from "./codegen";
import { ALL_OPERATIONS } from "./ops";

export class CliError extends Error {
  override name = "CliError";
}

/** A `file://PATH` value whose file has not been picked in the page yet. */
export class MissingFileError extends CliError {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** The text of the files picked for `file://` values, by the path the command names. */
export type PickedFiles = ReadonlyMap<string, string>;

/** A shell word: its text (quotes removed) and, per character of it, where it came from. */
export interface ShellWord {
  text: string;
  /** rawFrom[i] / rawTo[i]: the range of the command line that character i of the text came from. */
  rawFrom: number[];
  rawTo: number[];
  /** Where the word starts and ends in the command line (its quotes included). */
  start: number;
  end: number;
}

/** The shell words of TEXT, quotes removed. */
export function shellWords(text: string): string[] {
  return shellTokens(text).map((w) => w.text);
}

/** The shell words of TEXT with the offsets of each of their characters in TEXT. */
export function shellTokens(text: string): ShellWord[] {
  const words: ShellWord[] = [];
  let word: ShellWord | null = null;
  let i = 0;
  /** Adds CHARS (from TEXT[from, to)) to the current word, starting one at FROM if there is none. */
  const add = (chars: string, from: number, to: number) => {
    word ??= { text: "", rawFrom: [], rawTo: [], start: from, end: to };
    word.text += chars;
    for (let k = 0; k < chars.length; k++) {
      word.rawFrom.push(chars.length === to - from ? from + k : from);
      word.rawTo.push(chars.length === to - from ? from + k + 1 : to);
    }
    word.end = to;
  };
  while (i < text.length) {
    const at = i;
    const c = text[i++] ?? "";
    if (c === "'") {
      const end = text.indexOf("'", i);
      if (end < 0) throw new CliError("A single quote is not closed.");
      add("", at, at + 1);
      add(text.slice(i, end), i, end);
      add("", end, end + 1);
      i = end + 1;
    } else if (c === '"') {
      add("", at, at + 1);
      readDoubleQuoted();
    } else if (c === "\\") {
      const escaped = text[i++] ?? "";
      // Backslash-newline continues the line; anything else is taken literally.
      if (escaped !== "\n") add(escaped, at, i);
    } else if (/\s/.test(c)) {
      if (word) words.push(word);
      word = null;
    } else {
      add(c, at, i);
    }
  }
  if (word) words.push(word);
  return words;

  function readDoubleQuoted() {
    while (i < text.length) {
      const at = i;
      const c = text[i++] ?? "";
      if (c === '"') return add("", at, i);
      if (c === "\\" && /["\\$`\n]/.test(text[i] ?? "")) {
        const escaped = text[i++] ?? "";
        if (escaped !== "\n") add(escaped, at, i);
      } else {
        add(c, at, i);
      }
    }
    throw new CliError("A double quote is not closed.");
  }
}

/** Every DynamoDB operation by its CLI command name: "batch-write-item" -> "BatchWriteItem". */
export const COMMANDS: ReadonlyMap<string, string> = new Map(ALL_OPERATIONS.map((op) => [kebab(op), op]));

/** Top-level request members of DynamoDB's operations, by the type the CLI reads them as. */
const BOOLEAN_MEMBERS = ["ConsistentRead", "ScanIndexForward", "DeletionProtectionEnabled", "StreamEnabled"];
const NUMBER_MEMBERS = ["Limit", "Segment", "TotalSegments"];
const LIST_MEMBERS = [
  "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "GlobalSecondaryIndexUpdates",
  "ReplicaUpdates", "Tags", "TagKeys", "TransactItems", "Statements", "TransactStatements", "Parameters", "AttributesToGet",
];
const OTHER_MEMBERS = [
  "TableName", "Key", "Item", "BillingMode", "ProvisionedThroughput", "TableClass", "StreamSpecification", "SSESpecification",
  "ResourceArn", "ExclusiveStartKey", "ExclusiveStartTableName", "ReturnValues", "ReturnConsumedCapacity",
  "ReturnItemCollectionMetrics", "ReturnValuesOnConditionCheckFailure", "ConditionExpression", "KeyConditionExpression",
  "FilterExpression", "ProjectionExpression", "UpdateExpression", "ExpressionAttributeNames", "ExpressionAttributeValues",
  "IndexName", "Select", "RequestItems", "ClientRequestToken", "Statement", "NextToken", "TimeToLiveSpecification",
  "Expected", "AttributeUpdates", "ConditionalOperator", "KeyConditions", "QueryFilter", "ScanFilter",
  "OnDemandThroughput", "WarmThroughput", "ResourcePolicy", "Policy", "ExpectedRevisionId", "ConfirmRemoveSelfResourceAccess",
  "BackupName", "BackupArn", "TableArn", "ContributorInsightsAction", "Enabled",
];
/** Members whose text may hold "=" without being shorthand. */
const TEXT_MEMBERS = /Expression$|^(Statement|TableName|IndexName|NextToken|ClientRequestToken|ExclusiveStartTableName)$/;
const MEMBERS: ReadonlyMap<string, string> = new Map(
  [...BOOLEAN_MEMBERS, ...NUMBER_MEMBERS, ...LIST_MEMBERS, ...OTHER_MEMBERS].map((m) => [kebab(m), m]),
);

/** Every option the CLI mode reads, for completion: request members, paging, the CLI's own. */
export function cliOptionNames(): string[] {
  return [...MEMBERS.keys(), "cli-input-json", ...PAGING_OPTIONS, "no-paginate", ...GLOBAL_WITH_VALUE, ...GLOBAL_FLAGS].map((o) => `--${o}`);
}

/** Options of the CLI itself, which say nothing about the request: taken and set aside
 *  (but --region, which picks the Region's endpoint as the CLI does). */
const GLOBAL_WITH_VALUE = new Set(["region", "endpoint-url", "profile", "output", "query", "cli-read-timeout", "cli-connect-timeout"]);
const GLOBAL_FLAGS = new Set(["no-cli-pager", "debug", "no-verify-ssl", "no-sign-request"]);
/** The CLI's own paging options, which take a value. */
const PAGING_OPTIONS = ["max-items", "page-size", "starting-token"] as const;

export interface CliCommand {
  operation: string;
  request: Record<string, unknown>;
  /** The CLI's own options found (--output ...): they do not apply in the page. */
  ignored: string[];
  /** The Region whose endpoint the command reaches (`--region`); absent for the default one. */
  region?: string;
  /** Whether the CLI would page (send requests until done), and its paging options; null when it sends one request. */
  paging: PagingOptions | null;
}

const looksLikeJson = (v: string) => /^\s*[[{"]/.test(v);

function parseJsonValue(option: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new CliError(`--${option}: the value is not valid JSON (${(err as Error).message}).`);
  }
}

/** `Key=Value,Key2=Value2` (the CLI's flat shorthand), numbers and booleans typed. */
function parseShorthand(option: string, value: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of value.split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new CliError(`--${option}: expected Key=Value pairs separated by commas, or JSON; got "${value}".`);
    const raw = pair.slice(eq + 1);
    out[pair.slice(0, eq)] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw === "true" ? true : raw === "false" ? false : raw;
  }
  return out;
}

/** WORD, or the text of the file a `file://PATH` word names (which the person picked in the page). */
function fileText(option: string, word: string, files: PickedFiles): string {
  if (word.startsWith("fileb://")) throw new CliError(`--${option}: fileb:// (binary files) is not read in the page; give the value as JSON, with binary as base64 text.`);
  if (!word.startsWith("file://")) return word;
  const path = word.slice("file://".length);
  const text = files.get(path);
  if (text === undefined) throw new MissingFileError(`--${option}: a web page cannot open ${path} on your disk. Pick the file below: its text is used as the value, as the CLI would read it.`, path);
  return text;
}

/** One value word of MEMBER. */
function parseValue(option: string, member: string, given: string, files: PickedFiles): unknown {
  const word = fileText(option, given, files);
  if (NUMBER_MEMBERS.includes(member)) {
    if (!/^-?\d+$/.test(word)) throw new CliError(`--${option} takes a whole number; got "${word}".`);
    return Number(word);
  }
  if (BOOLEAN_MEMBERS.includes(member)) {
    if (word !== "true" && word !== "false") throw new CliError(`--${option} takes true or false (or write --${option} / --no-${option}); got "${word}".`);
    return word === "true";
  }
  if (looksLikeJson(word)) return parseJsonValue(option, word);
  if (/^[#:\w.-]+=/.test(word) && !TEXT_MEMBERS.test(member)) return parseShorthand(option, word);
  return word;
}

/** The operation name from `aws dynamodb COMMAND` (or `dynamodb COMMAND`) at the start of WORDS. */
function readCommand(words: string[]): { operation: string; rest: string[] } {
  const start = words[0] === "aws" ? 1 : 0;
  const service = words[start];
  if (service !== "dynamodb") {
    throw new CliError(service === undefined ? "Type a command such as: aws dynamodb scan --table-name Music" : `Only "aws dynamodb" commands run here; got "${words.slice(0, start + 1).join(" ")}".`);
  }
  const command = words[start + 1];
  if (command === undefined) throw new CliError("Which command? For example: aws dynamodb scan --table-name Music");
  const operation = COMMANDS.get(command);
  if (!operation) throw new CliError(`"${command}" is not an aws dynamodb command (commands are kebab-case, like put-item).`);
  return { operation, rest: words.slice(start + 2) };
}

/** A paging option's whole number (at least 1). */
function pagingNumber(option: string, values: string[]): number {
  const word = values.length === 1 ? values[0]! : "";
  if (!/^[1-9]\d*$/.test(word)) throw new CliError(`--${option} takes one whole number of at least 1.`);
  return Number(word);
}

/** Parses an `aws dynamodb ...` command line into the operation and its request. */
export function parseCli(text: string, files: PickedFiles = new Map()): CliCommand {
  const { operation, rest } = readCommand(shellWords(text));
  let base: Record<string, unknown> = {};
  const request: Record<string, unknown> = {};
  const ignored: string[] = [];
  const paginator = PAGINATORS[operation];
  const paging: PagingOptions = {};
  const pagingGiven: string[] = [];
  let noPaginate = false;
  let region: string | undefined;
  let i = 0;
  // The words after an option up to the next option.
  const valuesAfter = () => {
    const values: string[] = [];
    while (i < rest.length && !rest[i]!.startsWith("--")) values.push(rest[i++]!);
    return values;
  };
  while (i < rest.length) {
    const word = rest[i++]!;
    if (!word.startsWith("--")) throw new CliError(`Unexpected "${word}": values follow an --option.`);
    const option = word.slice(2);
    const values = valuesAfter();
    if (option === "region") {
      // The first text is the AWS CLI's own; it has no single message for extra words.
      if (values.length === 0) throw new CliError("aws: error: argument --region: expected one argument");
      if (values.length > 1) throw new CliError("--region takes one Region name, such as eu-west-1.");
      region = values[0]!;
      continue;
    }
    if (GLOBAL_FLAGS.has(option) || GLOBAL_WITH_VALUE.has(option)) {
      ignored.push([word, ...values].join(" "));
      continue;
    }
    if (option === "no-paginate") {
      noPaginate = true;
      continue;
    }
    if (paginator && (PAGING_OPTIONS as readonly string[]).includes(option)) {
      pagingGiven.push([word, ...values].join(" "));
      if (option === "starting-token") paging.startingToken = values.length === 1 ? values[0]! : "";
      else paging[option === "max-items" ? "maxItems" : "pageSize"] = pagingNumber(option, values);
      continue;
    }
    if (option === "cli-input-json") {
      const input = values.length === 1 ? parseJsonValue(option, fileText(option, values[0]!, files)) : null;
      if (!input || typeof input !== "object" || Array.isArray(input)) throw new CliError("--cli-input-json takes one JSON object.");
      base = input as Record<string, unknown>;
      continue;
    }
    const negated = option.startsWith("no-") && MEMBERS.has(option.slice(3)) && !MEMBERS.has(option);
    const member = MEMBERS.get(negated ? option.slice(3) : option);
    if (!member) throw new CliError(`Unknown option --${option} for ${kebab(operation)}.`);
    request[member] = optionValue(option, member, values, negated, files);
  }
  // As the CLI: a command that sets its own limit or start token (or --no-paginate) sends one request.
  const manual = paginator ? [paginator.inputToken, paginator.limitKey].filter((m): m is string => m !== undefined && m in request) : [];
  const pages = paginator !== undefined && !noPaginate && manual.length === 0;
  if (!pages && pagingGiven.length) ignored.push(...pagingGiven.map((o) => `${o} (one request: ${noPaginate ? "--no-paginate" : manual.map((m) => `--${kebab(m)}`).join(" and ")} given)`));
  return { operation, request: { ...base, ...request }, ignored, paging: pages ? paging : null, ...(region ? { region } : {}) };
}

/** The value of one option from the words that follow it. */
function optionValue(option: string, member: string, values: string[], negated: boolean, files: PickedFiles): unknown {
  if (BOOLEAN_MEMBERS.includes(member) && values.length === 0) return !negated;
  if (negated) throw new CliError(`--${option} takes no value.`);
  if (values.length === 0) throw new CliError(`--${option} needs a value.`);
  if (LIST_MEMBERS.includes(member)) {
    // A JSON list as one word, or each word one element.
    if (values.length === 1) {
      const text = fileText(option, values[0]!, files);
      if (text.trimStart().startsWith("[")) return parseJsonValue(option, text);
    }
    return values.map((v) => parseValue(option, member, v, files));
  }
  if (values.length > 1) throw new CliError(`--${option} takes one value; got ${values.length} (quote a value that has spaces).`);
  return parseValue(option, member, values[0]!, files);
}
