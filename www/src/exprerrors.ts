// Finding the token an expression error is about in the console's request JSON.
//
// The engine answers like DynamoDB: "Invalid FilterExpression: Syntax error; token: \"=\",
// near: \"a = = :v\"", "...: Attribute name is a reserved keyword; reserved keyword: status",
// "...: An expression attribute value used in expression is not defined; attribute value: :v",
// "...: An expression attribute name used in the document path is not defined; attribute
// name: #n". These pure functions turn such a message into the ranges of the request text
// to underline: the expression parameter's JSON string is found in the text, decoded with a
// map from each decoded character back to its raw offsets (so JSON escapes such as \" and
// \u0041 inside the expression do not shift the range), and the token is located in it.

export const EXPRESSION_PARAMETERS = ["ConditionExpression", "FilterExpression", "KeyConditionExpression", "ProjectionExpression", "UpdateExpression"] as const;
export type ExpressionParameter = (typeof EXPRESSION_PARAMETERS)[number];

export type ExpressionError =
  | { parameter: ExpressionParameter; kind: "syntax"; token: string; near: string }
  | { parameter: ExpressionParameter; kind: "reserved" | "value" | "name"; token: string };

/** A range [from, to) of a text; `eof` marks the (empty) end of an expression. */
export interface TextRange {
  from: number;
  to: number;
  eof?: boolean;
}

/** What an error message says about an expression, or null if it names no token in one. */
export function parseExpressionError(message: string): ExpressionError | null {
  const head = /^Invalid (ConditionExpression|FilterExpression|KeyConditionExpression|ProjectionExpression|UpdateExpression): ([\s\S]*)$/.exec(message.trim());
  if (!head) return null;
  const parameter = head[1] as ExpressionParameter;
  const rest = head[2] ?? "";
  const syntax = /^Syntax error; token: "([\s\S]*?)", near: "([\s\S]*)"$/.exec(rest);
  if (syntax) return { parameter, kind: "syntax", token: syntax[1] ?? "", near: syntax[2] ?? "" };
  const reserved = /reserved keyword: (\S+)$/.exec(rest)?.[1];
  if (reserved) return { parameter, kind: "reserved", token: reserved };
  const value = /attribute value: (:\S+)$/.exec(rest)?.[1];
  if (value) return { parameter, kind: "value", token: value };
  const name = /attribute name: (#\S+)$/.exec(rest)?.[1];
  if (name) return { parameter, kind: "name", token: name };
  return null;
}

const WORD = /[A-Za-z0-9_]/;

/** Where TOKEN occurs in TEXT as a whole token (a word is not matched inside a longer word). */
function occurrences(text: string, token: string, caseInsensitive = false): number[] {
  if (!token) return [];
  const hay = caseInsensitive ? text.toLowerCase() : text;
  const needle = caseInsensitive ? token.toLowerCase() : token;
  const wordy = WORD.test(needle.slice(-1));
  const startsWordy = WORD.test(needle.slice(0, 1));
  const found: number[] = [];
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
    const before = text[i - 1] ?? "";
    const after = text[i + needle.length] ?? "";
    if (startsWordy && (WORD.test(before) || before === ":" || before === "#")) continue;
    if (wordy && WORD.test(after)) continue;
    found.push(i);
  }
  return found;
}

/** Escapes a string for a RegExp. */
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Where NEAR occurs in EXPRESSION: exactly, else with any run of whitespace matching any other. */
function findNear(expression: string, near: string): { at: number; text: string } | null {
  const exact = expression.indexOf(near);
  if (exact >= 0) return { at: exact, text: near };
  const words = near.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return null;
  const loose = new RegExp(words.map(escapeRegExp).join("\\s*")).exec(expression);
  return loose ? { at: loose.index, text: loose[0] } : null;
}

/** The ranges of EXPRESSION (decoded, as the engine saw it) that the error is about. */
export function locateInExpression(expression: string, error: ExpressionError): TextRange[] {
  if (error.kind !== "syntax") {
    return occurrences(expression, error.token, error.kind === "reserved").map((at) => ({ from: at, to: at + error.token.length }));
  }
  if (error.token === "<EOF>") {
    const end = expression.replace(/\s+$/, "").length;
    return [{ from: end, to: end, eof: true }];
  }
  const near = findNear(expression, error.near);
  if (near) {
    // DynamoDB's `near` is the token before the bad one, the bad one and the one after:
    // the bad token is the first occurrence after the start of `near`, unless `near` starts
    // the expression with it (a bad first token has nothing before it).
    const inNear = occurrences(near.text, error.token);
    const pick = inNear.find((i) => i > 0) ?? inNear[0];
    if (pick !== undefined && near.at + pick >= 0) return [{ from: near.at + pick, to: near.at + pick + error.token.length }];
  }
  const anywhere = occurrences(expression, error.token);
  const first = anywhere[0];
  return first === undefined ? [] : [{ from: first, to: first + error.token.length }];
}

/** A JSON string literal of TEXT: its decoded value and, per decoded UTF-16 unit, its raw offsets. */
interface JsonString {
  value: string;
  /** Raw offsets in TEXT of the first char of the literal's content and of its closing quote. */
  start: number;
  end: number;
  /** rawFrom[i] / rawTo[i]: the raw range of decoded unit i. */
  rawFrom: number[];
  rawTo: number[];
}

/** Reads the JSON string literal whose opening quote is at OPEN; null if it is unterminated. */
function readString(text: string, open: number): JsonString | null {
  let value = "";
  const rawFrom: number[] = [];
  const rawTo: number[] = [];
  let i = open + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') return { value, start: open + 1, end: i, rawFrom, rawTo };
    if (c === "\\") {
      const e = text[i + 1];
      let decoded: string;
      let len = 2;
      if (e === "u") {
        decoded = String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16) || 0);
        len = 6;
      } else {
        decoded = ({ b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" } as Record<string, string>)[e ?? ""] ?? e ?? "";
      }
      value += decoded;
      rawFrom.push(i);
      rawTo.push(i + len);
      i += len;
    } else {
      value += c;
      rawFrom.push(i);
      rawTo.push(i + 1);
      i += 1;
    }
  }
  return null;
}

/** Every string value of TEXT (JSON, perhaps nested) whose key is PARAMETER, in order. */
export function findParameterStrings(text: string, parameter: string): JsonString[] {
  const found: JsonString[] = [];
  let previous: JsonString | null = null;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const s = readString(text, i);
      if (!s) break;
      i = s.end + 1;
      if (previous && previous.value === parameter) {
        // Is this string the value after `"PARAMETER":`?
        const between = text.slice(previous.end + 1, s.start - 1);
        if (/^\s*:\s*$/.test(between)) found.push(s);
      }
      previous = s;
    } else {
      i += 1;
    }
  }
  return found;
}

/** The ranges of the request TEXT to underline for the error MESSAGE (empty if none is found). */
export function locateExpressionError(text: string, message: string): TextRange[] {
  const error = parseExpressionError(message);
  if (!error) return [];
  for (const s of findParameterStrings(text, error.parameter)) {
    const ranges = locateInExpression(s.value, error);
    if (!ranges.length) continue;
    return ranges.map(({ from, to, eof }): TextRange => {
      if (eof) {
        // The end of the expression: just after its last non-blank character.
        const at = (from > 0 ? s.rawTo[from - 1] : undefined) ?? s.start;
        return { from: at, to: at, eof: true };
      }
      return { from: s.rawFrom[from] ?? s.start, to: s.rawTo[to - 1] ?? s.end };
    });
  }
  return [];
}
