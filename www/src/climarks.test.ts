// Unit tests of the CLI mode's marks: shell words with the offsets of their characters, an
// expression error's token and bare reserved names found in a command line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { shellTokens } from "./cli";
import { cliExpressionMarks, cliReservedUses } from "./climarks";

const marked = (command: string, ranges: { from: number; to: number }[]) => ranges.map(({ from, to }) => command.slice(from, to));

test("each character of a shell word knows where it was typed", () => {
  const command = `a 'b c' "d\\"e" f\\ g`;
  const words = shellTokens(command);
  assert.deepEqual(words.map((w) => w.text), ["a", "b c", 'd"e', "f g"]);
  const quoted = words[2]!;
  assert.equal(command.slice(quoted.rawFrom[1], quoted.rawTo[1]), '\\"');
  assert.equal(command.slice(quoted.start, quoted.end), '"d\\"e"');
  assert.equal(command.slice(words[3]!.rawFrom[1], words[3]!.rawTo[1]), "\\ ");
});

test("an expression error's token is found in the option's value", () => {
  const command = `aws dynamodb scan --table-name T --filter-expression "a = :v AND b = = :v" --expression-attribute-values '{":v":{"S":"x"}}'`;
  const ranges = cliExpressionMarks(command, 'Invalid FilterExpression: Syntax error; token: "=", near: "= = :v"');
  assert.equal(ranges.length, 1);
  assert.equal(command.slice(0, ranges[0]!.from), `aws dynamodb scan --table-name T --filter-expression "a = :v AND b = `);
  assert.deepEqual(marked(command, cliExpressionMarks(command, "Invalid FilterExpression: An expression attribute value used in expression is not defined; attribute value: :v")), [":v", ":v"]);
  const end = cliExpressionMarks(command.replace("= = :v", "="), 'Invalid FilterExpression: Syntax error; token: "<EOF>", near: "b ="');
  assert.equal(end[0]?.eof, true);
  assert.equal(command.slice(0, end[0]!.from).endsWith("b ="), true);
  assert.deepEqual(cliExpressionMarks(command, "Requested resource not found"), []);
});

test("inside a JSON value such as --transact-items, escapes included", () => {
  const command = `aws dynamodb transact-write-items --transact-items '[{"ConditionCheck":{"TableName":"T","Key":{"k":{"S":"1"}},"ConditionExpression":"attribute_exists(k) AND \\u0061 = = :v"}}]'`;
  const ranges = cliExpressionMarks(command, 'Invalid ConditionExpression: Syntax error; token: "=", near: "= = :v"');
  assert.equal(command.slice(ranges[0]!.from - 4, ranges[0]!.to), "1 = =");
});

test("bare reserved names in expression options and JSON values", () => {
  const command = `aws dynamodb scan --table-name T --filter-expression "Year > :y AND #n = :n" --projection-expression 'status, title' --cli-input-json '{"ConditionExpression": "size(data) > 1"}'`;
  const uses = cliReservedUses(command);
  assert.deepEqual(uses.map((u) => [u.member, u.word, command.slice(u.from, u.to)]), [
    ["ConditionExpression", "data", "data"],
    ["FilterExpression", "Year", "Year"],
    ["ProjectionExpression", "status", "status"],
  ]);
  assert.deepEqual(cliReservedUses(`aws dynamodb scan --filter-expression "unclosed`), []);
});
