// Converting items between DynamoDB JSON ({"name": {"S": "x"}}) and plain JSON ({"name": "x"}).
//
// Plain JSON is what people write by hand; DynamoDB JSON is what the API speaks. The two
// differ in what they can say:
//   - numbers: DynamoDB keeps up to 38 significant digits, a JS number 15-17. So plain JSON
//     text is parsed here by our own parser (parseJson), which keeps each number's text
//     exactly as written (JsonNumber), and printed back the same way (stringifyJson).
//   - sets (SS, NS, BS) and binary (B) have no plain JSON form. toPlainItem still converts
//     them (a set to an array, binary to its base64 text) but lists their paths in `lossy`,
//     so the page can refuse a conversion that would change the item when converted back.
//   - plain arrays become lists (L), objects maps (M), null NULL, true/false BOOL.
// Nothing here touches the DOM; the unit tests (convert.test.ts) run in Node.

/** One DynamoDB attribute value, as the JSON API writes it. */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { NULL: true }
  | { BOOL: boolean };

export type Item = Record<string, AttributeValue>;

/** A number of plain JSON, kept as the text it was written as (no precision lost). */
export class JsonNumber {
  constructor(readonly text: string) {}
  toJSON(): number {
    return Number(this.text);
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

/** A JSON syntax error with the place it was found (1-based line and column). */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
    this.name = "JsonSyntaxError";
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const MAX_DEPTH = 64; // DynamoDB allows 32 levels of nesting; deeper input is refused, not recursed into

/** Parses strict JSON (RFC 8259), keeping numbers as JsonNumber. */
export function parseJson(text: string): JsonValue {
  let pos = 0;
  const fail = (message: string, at = pos): never => {
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    const column = at - before.lastIndexOf("\n");
    throw new JsonSyntaxError(message, at, line, column);
  };
  const skip = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
  };
  const describe = (at: number) => (at >= text.length ? "end of input" : JSON.stringify(text[at]));
  const expect = (char: string) => {
    if (text[pos] !== char) fail(`Expected ${JSON.stringify(char)} but found ${describe(pos)}`);
    pos++;
  };
  const string = (): string => {
    const start = pos;
    expect('"');
    let out = "";
    for (;;) {
      if (pos >= text.length) fail("Unterminated string", start);
      const c = text[pos]!;
      if (c === '"') {
        pos++;
        return out;
      }
      if (c === "\\") {
        const e = text[pos + 1];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e !== undefined && e in simple) {
          out += simple[e];
          pos += 2;
        } else if (e === "u") {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("Invalid \\u escape");
          out += String.fromCharCode(Number.parseInt(hex, 16));
          pos += 6;
        } else {
          fail("Invalid escape in string");
        }
      } else if (c.charCodeAt(0) < 0x20) {
        fail("Control character in string");
      } else {
        out += c;
        pos++;
      }
    }
  };
  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail(`Nesting deeper than ${MAX_DEPTH} levels`);
    skip();
    const c = text[pos];
    if (c === "{") {
      pos++;
      const out: { [key: string]: JsonValue } = {};
      skip();
      if (text[pos] === "}") {
        pos++;
        return out;
      }
      for (;;) {
        skip();
        if (text[pos] !== '"') fail(`Expected a property name but found ${describe(pos)}`);
        const key = string();
        skip();
        expect(":");
        const v = value(depth + 1);
        Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
        skip();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        expect("}");
        return out;
      }
    }
    if (c === "[") {
      pos++;
      const out: JsonValue[] = [];
      skip();
      if (text[pos] === "]") {
        pos++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        skip();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        expect("]");
        return out;
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m) {
      pos += m[0].length;
      return new JsonNumber(m[0]);
    }
    return fail(`Unexpected ${describe(pos)}`);
  };
  const result = value(0);
  skip();
  if (pos < text.length) fail(`Unexpected ${describe(pos)} after the JSON value`);
  return result;
}

/** Prints a JsonValue as JSON text, numbers exactly as they were written. */
export function stringifyJson(value: JsonValue, indent = 2): string {
  const pad = (depth: number) => (indent > 0 ? "\n" + " ".repeat(indent * depth) : "");
  const sep = indent > 0 ? ": " : ":";
  const out = (v: JsonValue, depth: number): string => {
    if (v instanceof JsonNumber) return v.text;
    if (v === null || typeof v !== "object") return JSON.stringify(v);
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      return `[${v.map((x) => pad(depth + 1) + out(x, depth + 1)).join(",")}${pad(depth)}]`;
    }
    const keys = Object.keys(v);
    if (keys.length === 0) return "{}";
    return `{${keys.map((k) => `${pad(depth + 1)}${JSON.stringify(k)}${sep}${out(v[k]!, depth + 1)}`).join(",")}${pad(depth)}}`;
  };
  return out(value, 0);
}

/** Why a value is not DynamoDB JSON, naming where (e.g. `Item.tags.L[2]`). */
export class ConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConversionError";
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Plain JSON value -> DynamoDB attribute value. */
export function fromPlainValue(value: JsonValue, path = "value"): AttributeValue {
  if (value === null) return { NULL: true };
  if (value instanceof JsonNumber) return { N: value.text };
  if (typeof value === "string") return { S: value };
  if (typeof value === "boolean") return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map((v, i) => fromPlainValue(v, `${path}[${i}]`)) };
  if (isObject(value)) {
    const m: Record<string, AttributeValue> = {};
    for (const [k, v] of Object.entries(value)) defineOwn(m, k, fromPlainValue(v, `${path}.${k}`));
    return { M: m };
  }
  throw new ConversionError(`${path}: not a JSON value`);
}

/** A plain JSON object -> a DynamoDB item. Numbers given as JS numbers are accepted too. */
export function fromPlainItem(value: JsonValue): Item {
  if (!isObject(value) || value instanceof JsonNumber) throw new ConversionError("An item must be a JSON object");
  const item: Item = {};
  for (const [k, v] of Object.entries(value as Record<string, JsonValue>)) defineOwn(item, k, fromPlainValue(v, k));
  return item;
}

/** The result of converting DynamoDB JSON to plain JSON. */
export interface PlainResult {
  value: JsonValue;
  /** Paths of values plain JSON cannot express (sets, binary): converting back changes them. */
  lossy: string[];
}

const TYPES = ["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"] as const;

/** Checks that `av` is one well-formed attribute value; returns its type tag. */
export function typeOf(av: unknown, path = "value"): (typeof TYPES)[number] {
  if (!isObject(av)) throw new ConversionError(`${path}: an attribute value must be an object like {"S": "text"}`);
  const keys = Object.keys(av);
  if (keys.length !== 1) {
    throw new ConversionError(`${path}: an attribute value must have exactly one type key (S, N, B, SS, NS, BS, M, L, NULL, BOOL), found ${keys.length === 0 ? "none" : keys.join(", ")}`);
  }
  const tag = keys[0] as (typeof TYPES)[number];
  if (!TYPES.includes(tag)) throw new ConversionError(`${path}: unknown attribute type ${JSON.stringify(keys[0])}`);
  return tag;
}

/** DynamoDB attribute value -> plain JSON value; `lossy` collects paths that lose type. */
export function toPlainValue(av: AttributeValue, path: string, lossy: string[]): JsonValue {
  const tag = typeOf(av, path);
  const v = (av as Record<string, unknown>)[tag];
  const want = (ok: boolean, what: string) => {
    if (!ok) throw new ConversionError(`${path}: ${tag} must hold ${what}`);
  };
  switch (tag) {
    case "S":
      want(typeof v === "string", "a string");
      return v as string;
    case "N":
      want(typeof v === "string" && NUMBER_TEXT.test(v), "a number written as a string");
      return new JsonNumber(canonicalNumber(v as string));
    case "BOOL":
      want(typeof v === "boolean", "true or false");
      return v as boolean;
    case "NULL":
      want(v === true, "true");
      return null;
    case "B":
      want(typeof v === "string", "base64 text");
      lossy.push(path);
      return v as string;
    case "SS":
    case "BS":
      want(Array.isArray(v) && v.every((x) => typeof x === "string"), "an array of strings");
      lossy.push(path);
      return [...(v as string[])];
    case "NS":
      want(Array.isArray(v) && v.every((x) => typeof x === "string" && NUMBER_TEXT.test(x)), "an array of numbers written as strings");
      lossy.push(path);
      return (v as string[]).map((x) => new JsonNumber(canonicalNumber(x)));
    case "L":
      want(Array.isArray(v), "an array");
      return (v as AttributeValue[]).map((x, i) => toPlainValue(x, `${path}[${i}]`, lossy));
    case "M": {
      want(isObject(v), "an object");
      const out: { [key: string]: JsonValue } = {};
      for (const [k, x] of Object.entries(v as Record<string, AttributeValue>)) defineOwn(out, k, toPlainValue(x, `${path}.${k}`, lossy));
      return out;
    }
  }
}

/** A DynamoDB item -> a plain JSON object. */
export function toPlainItem(item: unknown): PlainResult {
  if (!isObject(item)) throw new ConversionError("An item must be a JSON object of attribute values");
  const lossy: string[] = [];
  const value: { [key: string]: JsonValue } = {};
  for (const [k, av] of Object.entries(item)) defineOwn(value, k, toPlainValue(av as AttributeValue, k, lossy));
  return { value, lossy };
}

// Numbers as DynamoDB accepts them in N: optional sign, digits with an optional fraction,
// optional exponent ("1e3", ".5" and "5." are accepted by DynamoDB too).
const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** An N value's text as a valid JSON number literal ("+5" -> "5", ".5" -> "0.5", "5." -> "5"). */
function canonicalNumber(text: string): string {
  let t = text.startsWith("+") ? text.slice(1) : text;
  const negative = t.startsWith("-");
  if (negative) t = t.slice(1);
  t = t.replace(/^\./, "0.").replace(/\.(?=$|[eE])/, "");
  t = t.replace(/^0+(?=\d)/, "");
  return (negative ? "-" : "") + t;
}

/** Text in the editor, DynamoDB JSON -> plain JSON text. Throws ConversionError / SyntaxError. */
export function dynamoTextToPlainText(text: string): { text: string; lossy: string[] } {
  const { value, lossy } = toPlainItem(JSON.parse(text));
  return { text: stringifyJson(value), lossy };
}

/** Text in the editor, plain JSON -> DynamoDB JSON text. Throws ConversionError / JsonSyntaxError. */
export function plainTextToDynamoText(text: string): string {
  return JSON.stringify(fromPlainItem(parseJson(text)), null, 2);
}

/** How a grid cell shows a value: its text (never HTML) and its type tag. */
export function cellText(av: unknown): { text: string; type: string } {
  let tag: string;
  try {
    tag = typeOf(av);
  } catch {
    return { text: JSON.stringify(av) ?? "", type: "?" };
  }
  const v = (av as Record<string, unknown>)[tag];
  switch (tag) {
    case "S":
    case "N":
    case "B":
      return { text: String(v), type: tag };
    case "BOOL":
      return { text: String(v), type: tag };
    case "NULL":
      return { text: "null", type: tag };
    case "SS":
    case "NS":
    case "BS":
      return { text: `{${(v as string[]).map((x) => (tag === "NS" ? x : JSON.stringify(x))).join(", ")}}`, type: tag };
    default: {
      const lossy: string[] = [];
      try {
        return { text: stringifyJson(toPlainValue(av as AttributeValue, "value", lossy), 0), type: tag };
      } catch {
        return { text: JSON.stringify(v), type: tag };
      }
    }
  }
}

/** Sets an own property even when the key is "__proto__" (no prototype pollution, no loss). */
function defineOwn<T>(target: Record<string, T>, key: string, value: T) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
