// Where, in an `aws dynamodb ...` command line, an expression error's token and the reserved
// words used as bare names are: the CLI mode's counterpart of the API mode's underlines. The
// command's shell words carry the offset of each of their characters (cli.ts shellTokens),
// so a token found in an option's value (or inside a JSON value such as --transact-items or
// --cli-input-json) maps back to the characters typed, quotes and escapes included.
import { CliError, type ShellWord, shellTokens } from "./cli";
import { kebab } from "./codegen";
import type { ReservedUse } from "./consoleapi";
import { findParameterStrings, locateExpressionError, locateInExpression, parseExpressionError, type TextRange } from "./exprerrors";
import { bareReservedNames, EXPRESSION_MEMBERS } from "./reserved";

const looksLikeJson = (text: string) => /^\s*[[{]/.test(text);

/** The words of a command line, or none when its quoting is unfinished. */
function wordsOf(command: string): ShellWord[] {
  try {
    return shellTokens(command);
  } catch (err) {
    if (err instanceof CliError) return [];
    throw err;
  }
}

/** A range of WORD's text as a range of the command line (an empty range stays empty). */
function toCommand(word: ShellWord, range: TextRange): TextRange {
  if (range.from === range.to) {
    const at = range.from > 0 ? (word.rawTo[range.from - 1] ?? word.end) : (word.rawFrom[0] ?? word.start);
    return { from: at, to: at, eof: true };
  }
  return { from: word.rawFrom[range.from] ?? word.start, to: word.rawTo[range.to - 1] ?? word.end };
}

/** The value words of the option for MEMBER (`--filter-expression` for FilterExpression). */
function optionValues(words: ShellWord[], member: string): ShellWord[] {
  const option = `--${kebab(member)}`;
  return words.flatMap((w, i) => (w.text === option && words[i + 1] && !words[i + 1]!.text.startsWith("--") ? [words[i + 1]!] : []));
}

/** The ranges of COMMAND to underline for the error MESSAGE (empty if none is found). */
export function cliExpressionMarks(command: string, message: string): TextRange[] {
  const error = parseExpressionError(message);
  if (!error) return [];
  const words = wordsOf(command);
  for (const word of optionValues(words, error.parameter)) {
    const ranges = locateInExpression(word.text, error);
    if (ranges.length) return ranges.map((r) => toCommand(word, r));
  }
  for (const word of words.filter((w) => looksLikeJson(w.text))) {
    const ranges = locateExpressionError(word.text, message);
    if (ranges.length) return ranges.map((r) => toCommand(word, r));
  }
  return [];
}

/** Every bare reserved name in the expressions of COMMAND, as options or inside JSON values. */
export function cliReservedUses(command: string): ReservedUse[] {
  const words = wordsOf(command);
  return EXPRESSION_MEMBERS.flatMap((member) => [
    ...optionValues(words, member).flatMap((word) => bareReservedNames(word.text).map((bare) => ({ word, bare }))),
    ...words.filter((w) => looksLikeJson(w.text)).flatMap((word) =>
      findParameterStrings(word.text, member).flatMap((s) => bareReservedNames(s.value).map((bare) => ({ word, bare: { ...bare, from: s.rawFrom[bare.from] ?? s.start, to: s.rawTo[bare.to - 1] ?? s.end } })))),
  ].map(({ word, bare }) => ({ word: bare.word, member, ...toCommand(word, { from: bare.from, to: bare.to }) })));
}
