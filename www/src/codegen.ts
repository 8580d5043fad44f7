// The same request as an AWS CLI command and as AWS SDK for JavaScript v3 code, to copy.
// Works for any operation: each top-level parameter becomes one CLI option, written in the
// CLI's shorthand syntax where that is unambiguous and as JSON otherwise.

/** "CreateTable" -> "create-table", "SSESpecification" -> "sse-specification". */
export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .toLowerCase();
}

/** Words the shell takes as they are; `#` only inside a word (at its start it begins a comment). */
const SAFE = /^(?!#)[A-Za-z0-9_.,:\/=@%+#-]+$/;
/** One shell word, single-quoted unless it is plainly safe. */
export function shellQuote(word: string): string {
  return SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const SIMPLE_TOKEN = /^[A-Za-z0-9_.:\/@+-]+$/; // nothing the CLI's shorthand parser treats specially
const isScalar = (v: unknown) => typeof v === "number" || typeof v === "boolean" || (typeof v === "string" && SIMPLE_TOKEN.test(v));
const isFlat = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length > 0 && Object.values(v).every(isScalar);

/** A flat structure in the CLI's shorthand; quoted when it starts with `#` (a shell comment otherwise). */
function shorthand(value: Record<string, unknown>): string {
  const word = Object.entries(value).map(([k, v]) => `${k}=${v}`).join(",");
  return shellQuote(word);
}

/** The shell words of one option value: shorthand (Key=Value,...) when it is flat and safe. */
function optionWords(value: unknown): string[] {
  if (typeof value === "string") return [shellQuote(value)];
  if (typeof value === "number") return [String(value)];
  if (isFlat(value)) return [shorthand(value)];
  if (Array.isArray(value) && value.length > 0 && value.every(isFlat)) return value.map(shorthand);
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string" && SIMPLE_TOKEN.test(v))) {
    return value as string[];
  }
  return [shellQuote(JSON.stringify(value))];
}

/** `aws dynamodb create-table --table-name Music ...`, one option per line (another AWS CLI
 *  command group, such as application-autoscaling, with `service`). */
export function toCli(operation: string, request: Record<string, unknown>, service = "dynamodb"): string {
  const lines = [`aws ${service} ${kebab(operation)}`];
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined) continue;
    const option = kebab(key);
    if (typeof value === "boolean") lines.push(value ? `--${option}` : `--no-${option}`);
    else lines.push(`--${option} ${optionWords(value).join(" ")}`);
  }
  return lines.join(" \\\n    ");
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** A JS object literal: identifier keys unquoted, two-space indent. */
export function jsLiteral(value: unknown, depth = 0): string {
  const pad = "  ".repeat(depth + 1);
  const end = "  ".repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => pad + jsLiteral(v, depth + 1)).join(",\n")},\n${end}]`;
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([k, v]) => `${pad}${IDENT.test(k) ? k : JSON.stringify(k)}: ${jsLiteral(v, depth + 1)}`).join(",\n")},\n${end}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

/** AWS SDK for JavaScript v3 code that sends the same request. */
export function toSdk(operation: string, request: Record<string, unknown>): string {
  const command = `${operation}Command`;
  return [
    `import { DynamoDBClient, ${command} } from "@aws-sdk/client-dynamodb";`,
    "",
    `const client = new DynamoDBClient({ region: "us-east-1" });`,
    `const response = await client.send(new ${command}(${jsLiteral(request)}));`,
    "console.log(response);",
  ].join("\n");
}

/**
 * JSON with two-space indent, but objects and arrays that fit in `width` characters on one
 * line stay on one line: {"S": "x"} instead of three lines. JSON.parse reads it back the same.
 */
export function prettyJson(value: unknown, width = 72): string {
  const out = (v: unknown, indent: string): string => {
    if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
    const inline = oneLine(v);
    if (inline.length + indent.length <= width) return inline;
    const inner = indent + "  ";
    if (Array.isArray(v)) return v.length === 0 ? "[]" : `[\n${v.map((x) => inner + out(x, inner)).join(",\n")}\n${indent}]`;
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return entries.length === 0 ? "{}" : `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${out(x, inner)}`).join(",\n")}\n${indent}}`;
  };
  const oneLine = (v: unknown): string => {
    if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
    if (Array.isArray(v)) return `[${v.map(oneLine).join(", ")}]`;
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}: ${oneLine(x)}`).join(", ")}}`;
  };
  return out(value, "");
}
