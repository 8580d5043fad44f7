// The console's PartiQL mode, without the DOM: the statement language (a CodeMirror
// StreamLanguage for highlighting: keywords, 'strings', "quoted names", numbers, `?`,
// comments), its completion words, and the requests a text becomes: ExecuteStatement for one
// statement, or BatchExecuteStatement / ExecuteTransaction for statements separated by `;`.
import { StreamLanguage, type StringStream } from "@codemirror/language";

/** PartiQL keywords DynamoDB's dialect uses, offered by completion and highlighted. */
export const PARTIQL_KEYWORDS = [
  "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "BETWEEN", "IN", "IS", "MISSING", "NULL", "TRUE", "FALSE",
  "ORDER", "BY", "ASC", "DESC", "INSERT", "INTO", "VALUE", "UPDATE", "SET", "REMOVE", "DELETE", "RETURNING",
  "ALL", "OLD", "NEW", "MODIFIED", "EXISTS",
];
/** The functions a WHERE may call (the condition expression functions). */
export const PARTIQL_FUNCTIONS = ["begins_with", "contains", "attribute_type", "size", "attribute_exists", "attribute_not_exists", "list_append", "set_add", "set_delete"];

const KEYWORD_SET = new Set(PARTIQL_KEYWORDS.map((k) => k.toLowerCase()));

/** Reads a quoted run closed by QUOTE, where a doubled QUOTE stands for one. */
function readQuoted(stream: StringStream, quote: string) {
  while (!stream.eol()) {
    if (stream.next() === quote) {
      if (stream.peek() === quote) stream.next();
      else return;
    }
  }
}

interface PartiqlState {
  inComment: boolean;
}

/** Highlighting of PartiQL statements (token names map to tok-* classes via classHighlighter). */
export const partiqlLanguage = StreamLanguage.define<PartiqlState>({
  name: "partiql",
  startState: () => ({ inComment: false }),
  token(stream, state) {
    if (state.inComment) {
      state.inComment = !stream.skipTo("*/");
      if (state.inComment) stream.skipToEnd();
      else stream.match("*/");
      return "comment";
    }
    if (stream.eatSpace()) return null;
    if (stream.match("--")) {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.match("/*")) {
      state.inComment = true;
      return "comment";
    }
    const c = stream.next() ?? "";
    if (c === "'") {
      readQuoted(stream, "'");
      return "string";
    }
    if (c === '"') {
      readQuoted(stream, '"');
      return "propertyName";
    }
    if (c === "?") return "atom";
    if (/[0-9]/.test(c) || (c === "-" && /[0-9]/.test(stream.peek() ?? ""))) {
      stream.match(/^[0-9]*(\.[0-9]+)?([eE][-+]?[0-9]+)?/);
      return "number";
    }
    if (/[A-Za-z_]/.test(c)) {
      stream.eatWhile(/[A-Za-z0-9_]/);
      const word = stream.current().toLowerCase();
      return KEYWORD_SET.has(word) ? "keyword" : "variableName";
    }
    return /[=<>!]/.test(c) ? "operator" : "punctuation";
  },
  languageData: { commentTokens: { line: "--", block: { open: "/*", close: "*/" } } },
});

/** Visits TEXT outside 'strings', "names" and comments: ON(char, index) for each such char. */
function eachCodeChar(text: string, on: (c: string, at: number) => void) {
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      i++;
      while (i < text.length && !(text[i] === c && text[i + 1] !== c)) i += text[i] === c ? 2 : 1;
      i++;
    } else if (text.startsWith("--", i)) {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end;
    } else if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      on(c, i);
      i++;
    }
  }
}

/** The statements of TEXT split at `;` (not inside quotes or comments), blank ones dropped. */
export function splitStatements(text: string): string[] {
  return statementRanges(text).map(({ from, to }) => text.slice(from, to));
}

/** Where each statement of TEXT is ([from, to), blanks around it left out), as splitStatements cuts them. */
export function statementRanges(text: string): { from: number; to: number }[] {
  const cuts: number[] = [];
  eachCodeChar(text, (c, at) => {
    if (c === ";") cuts.push(at);
  });
  const ranges: { from: number; to: number }[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    const part = text.slice(from, cut);
    const start = from + (part.length - part.trimStart().length);
    ranges.push({ from: start, to: Math.max(start, from + part.trimEnd().length) });
    from = cut + 1;
  }
  return ranges.filter(({ from, to }) => text.slice(from, to).replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, "").trim() !== "");
}

/** How many `?` parameters STATEMENT has. */
export function countParameters(statement: string): number {
  let count = 0;
  eachCodeChar(statement, (c) => {
    if (c === "?") count++;
  });
  return count;
}

export type PartiqlKind = "single" | "batch" | "transaction";

export class PartiqlInputError extends Error {
  override name = "PartiqlInputError";
}

/** The Parameters field's text as a list of AttributeValues (empty text: none). */
export function parseParameters(text: string): unknown[] | undefined {
  if (!text.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PartiqlInputError(`Parameters is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw new PartiqlInputError('Parameters must be a JSON array of DynamoDB values, like [{"S": "x"}, {"N": "1"}].');
  return value;
}

export interface PartiqlRequest {
  operation: "ExecuteStatement" | "BatchExecuteStatement" | "ExecuteTransaction";
  request: Record<string, unknown>;
}

/**
 * The request for TEXT run as KIND. For several statements, PARAMETERS are handed out in
 * order: each statement takes as many as it has `?`. PAGING (Limit, NextToken) applies to
 * a single statement only, as in DynamoDB.
 */
export function partiqlRequest(text: string, parameters: unknown[] | undefined, kind: PartiqlKind, paging: { limit?: number; nextToken?: string } = {}): PartiqlRequest {
  const statements = splitStatements(text);
  if (!statements.length) throw new PartiqlInputError("Write a statement first, such as SELECT * FROM \"Music\".");
  const capacity = { ReturnConsumedCapacity: "TOTAL" };
  if (kind === "single") {
    if (statements.length > 1) throw new PartiqlInputError(`There are ${statements.length} statements: pick "Batch" or "Transaction" to run several, or remove the extra ones.`);
    const { limit, nextToken } = paging;
    return {
      operation: "ExecuteStatement",
      request: { Statement: statements[0], ...(parameters ? { Parameters: parameters } : {}), ...(limit ? { Limit: limit } : {}), ...(nextToken ? { NextToken: nextToken } : {}), ...capacity },
    };
  }
  let next = 0;
  const entries = statements.map((Statement) => {
    const count = countParameters(Statement);
    const own = parameters?.slice(next, next + count) ?? [];
    next += count;
    return own.length ? { Statement, Parameters: own } : { Statement };
  });
  return kind === "batch"
    ? { operation: "BatchExecuteStatement", request: { Statements: entries, ...capacity } }
    : { operation: "ExecuteTransaction", request: { TransactStatements: entries, ...capacity } };
}
