// Highlighting of `aws dynamodb ...` command lines in the CLI mode's editor: options, quoted
// values (single quotes literal, double quotes with backslash escapes, both may span lines),
// the command name and numbers. Token names map to tok-* classes through classHighlighter,
// so the colours follow the page's theme like the JSON and PartiQL editors.
import { StreamLanguage, type StringStream } from "@codemirror/language";

interface CliState {
  /** The quote of a value still open at the end of the previous line, if any. */
  quote: "'" | '"' | null;
  /** Words read so far (the command name is the one after `dynamodb`). */
  words: number;
}

/** Reads up to the closing QUOTE (a double quote honours backslash escapes); true once closed. */
function readQuoted(stream: StringStream, quote: "'" | '"'): boolean {
  while (!stream.eol()) {
    const c = stream.next();
    if (c === "\\" && quote === '"') stream.next();
    else if (c === quote) return true;
  }
  return false;
}

export const cliLanguage = StreamLanguage.define<CliState>({
  name: "aws-cli",
  startState: () => ({ quote: null, words: 0 }),
  token(stream, state) {
    if (state.quote) {
      if (readQuoted(stream, state.quote)) state.quote = null;
      return "string";
    }
    if (stream.eatSpace()) return null;
    const c = stream.peek();
    if (c === "'" || c === '"') {
      stream.next();
      state.quote = readQuoted(stream, c) ? null : c;
      state.words += 1;
      return "string";
    }
    if (c === "\\") {
      stream.next();
      stream.next();
      return "punctuation";
    }
    stream.match(/^[^\s'"\\]+/);
    const word = stream.current();
    state.words += 1;
    if (word.startsWith("--")) return "propertyName";
    if (/^-?\d+$/.test(word)) return "number";
    if (word === "aws" || word === "dynamodb") return "typeName";
    // The command: `aws dynamodb scan` (or `dynamodb scan`).
    return state.words <= 3 ? "keyword" : null;
  },
});
