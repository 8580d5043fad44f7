// Unit tests of finding the token an expression error names in the console's request JSON.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findParameterStrings, locateExpressionError, locateInExpression, parseExpressionError } from "./exprerrors";

/** The request text's slices the error underlines. */
function underlined(text: string, message: string): string[] {
  return locateExpressionError(text, message).map((r) => text.slice(r.from, r.to));
}
const request = (params: Record<string, unknown>) => JSON.stringify({ TableName: "Music", ...params }, null, 2);

test("parses the four kinds of expression error", () => {
  assert.deepEqual(parseExpressionError('Invalid ConditionExpression: Syntax error; token: "=", near: "a = = :v"'), {
    parameter: "ConditionExpression", kind: "syntax", token: "=", near: "a = = :v",
  });
  assert.deepEqual(parseExpressionError('Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET a ="'), {
    parameter: "UpdateExpression", kind: "syntax", token: "<EOF>", near: "SET a =",
  });
  assert.deepEqual(parseExpressionError("Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: status"), {
    parameter: "FilterExpression", kind: "reserved", token: "status",
  });
  assert.deepEqual(parseExpressionError("Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v"), {
    parameter: "KeyConditionExpression", kind: "value", token: ":v",
  });
  assert.deepEqual(parseExpressionError("Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #n"), {
    parameter: "ProjectionExpression", kind: "name", token: "#n",
  });
  assert.equal(parseExpressionError("Requested resource not found"), null);
  assert.equal(parseExpressionError("Invalid UpdateExpression: Two document paths overlap with each other"), null);
});

test("a syntax error: the bad token, not the same token before it in `near`", () => {
  const text = request({ FilterExpression: "a = = :v", ExpressionAttributeValues: { ":v": { S: "x" } } });
  // The engine's `near` (like DynamoDB's) is the token before the bad one, the bad one and the one after.
  const ranges = locateExpressionError(text, 'Invalid FilterExpression: Syntax error; token: "=", near: "= = :v"');
  assert.equal(ranges.length, 1);
  const at = text.indexOf("a = = :v");
  assert.deepEqual(ranges[0], { from: at + 4, to: at + 5 });
  // A bad first token has nothing before it.
  const first = request({ FilterExpression: "= a" });
  assert.deepEqual(underlined(first, 'Invalid FilterExpression: Syntax error; token: "=", near: "= a"'), ["="]);
  assert.equal(locateExpressionError(first, 'Invalid FilterExpression: Syntax error; token: "=", near: "= a"')[0]?.from, first.indexOf("= a"));
});

test("duplicates of the token elsewhere in the expression: `near` picks the right one", () => {
  const expr = "a = :v AND b = = :v";
  const text = request({ FilterExpression: expr });
  const [range = { from: -1, to: -1 }] = locateExpressionError(text, 'Invalid FilterExpression: Syntax error; token: "=", near: "= = :v"');
  const at = text.indexOf(expr);
  assert.equal(range.from - at, expr.indexOf("= =") + 2);
  assert.equal(text.slice(range.from, range.to), "=");
  // A comma in a projection: the second of two.
  const p = request({ ProjectionExpression: "a, b,, c" });
  const [comma = { from: -1, to: -1 }] = locateExpressionError(p, 'Invalid ProjectionExpression: Syntax error; token: ",", near: ",, c"');
  assert.equal(comma.from, p.indexOf(",, c") + 1);
});

test("a word token matches whole words only", () => {
  const expr = "SET ab = a a";
  assert.deepEqual(locateInExpression(expr, { parameter: "UpdateExpression", kind: "syntax", token: "a", near: "a a" }), [{ from: 11, to: 12 }]);
});

test("<EOF> is the end of the expression (before trailing blanks)", () => {
  const text = request({ Key: { id: { S: "1" } }, UpdateExpression: "SET a = " });
  const [range = { from: -1, to: -1 }] = locateExpressionError(text, 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET a ="');
  assert.equal(range.eof, true);
  assert.equal(range.from, range.to);
  assert.equal(range.from, text.indexOf("SET a =") + "SET a =".length);
});

test("reserved keywords and undefined placeholders: every occurrence of the word itself", () => {
  const text = request({ FilterExpression: "#status = :v OR status = :vv OR Status = :v", ExpressionAttributeNames: { "#status": "status" } });
  assert.deepEqual(underlined(text, "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: status"), ["status", "Status"]);
  assert.deepEqual(underlined(text, "Invalid FilterExpression: An expression attribute value used in expression is not defined; attribute value: :v"), [":v", ":v"]);
  const ranges = locateExpressionError(text, "Invalid FilterExpression: An expression attribute value used in expression is not defined; attribute value: :vv");
  assert.equal(ranges.length, 1);
  assert.equal(ranges[0]?.from, text.indexOf(":vv"));
  const names = request({ ProjectionExpression: "#n, #nn.x, #n[1]" });
  assert.deepEqual(
    locateExpressionError(names, "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #n").map((r) => r.from),
    [names.indexOf("#n,"), names.indexOf("#n[")],
  );
});

test("JSON escapes inside the expression string keep the range on the raw text", () => {
  // a = "x" = :v, with the quotes and an \u0041 ("A") escaped in the JSON text.
  const text = '{"TableName":"Music","FilterExpression":"\\u0041 = \\"x\\" = = :v"}';
  assert.equal(findParameterStrings(text, "FilterExpression")[0]?.value, 'A = "x" = = :v');
  const [range = { from: -1, to: -1 }] = locateExpressionError(text, 'Invalid FilterExpression: Syntax error; token: "=", near: "= = :v"');
  assert.equal(text.slice(range.from, range.to), "=");
  assert.equal(range.from, text.indexOf("= = :v") + 2);
  // An escaped token is underlined whole: \u003d is "=".
  const esc = '{"FilterExpression":"a = \\u003d :v"}';
  assert.deepEqual(underlined(esc, 'Invalid FilterExpression: Syntax error; token: "=", near: "= = :v"'), ["\\u003d"]);
});

test("only the named parameter's string, and the nested one that holds the token", () => {
  const text = JSON.stringify({
    TransactItems: [
      { ConditionCheck: { TableName: "Music", Key: {}, ConditionExpression: "attribute_exists(a)" } },
      { Update: { TableName: "Music", Key: {}, UpdateExpression: "SET c = :c", ConditionExpression: "b = = :b" } },
    ],
    FilterExpression: "b = = :b",
  }, null, 2);
  const [range = { from: -1, to: -1 }] = locateExpressionError(text, 'Invalid ConditionExpression: Syntax error; token: "=", near: "= = :b"');
  assert.equal(range.from, text.indexOf("b = = :b") + 4);
  assert.ok(range.from < text.indexOf('"FilterExpression"'));
  assert.deepEqual(locateExpressionError(text, "Invalid KeyConditionExpression: Syntax error; token: \"=\", near: \"b = = :b\""), []);
  assert.deepEqual(locateExpressionError("{ not json", 'Invalid FilterExpression: Syntax error; token: "=", near: "= ="'), []);
  // The key text as a value, not a key, is not a parameter.
  assert.deepEqual(findParameterStrings('{"x":"FilterExpression","y":"a"}', "FilterExpression"), []);
});
