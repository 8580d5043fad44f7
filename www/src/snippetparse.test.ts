import assert from "node:assert/strict";
import { test } from "node:test";
import { dedent, parseSnippet, snippetTarget, SnippetSyntaxError } from "./snippetparse";

test("dedent drops blank edge lines and the shared indentation", () => {
  assert.equal(dedent("\n    SELECT *\n      FROM t\n  \n"), "SELECT *\n  FROM t");
  assert.equal(dedent("\r\n\tA\r\n\tB"), "A\nB");
  assert.equal(dedent("   \n"), "");
});

test("api snippets: an operation line, then its JSON; several run in turn", () => {
  const code = ['# a comment', 'PutItem', '{"TableName": "Notes",', '  "Item": {"id": {"S": "n1"}}}', "", 'GetItem {"TableName": "Notes", "Key": {"id": {"S": "n1"}}}', "ListTables"].join("\n");
  assert.deepEqual(parseSnippet("api", code), [
    { operation: "PutItem", request: { TableName: "Notes", Item: { id: { S: "n1" } } } },
    { operation: "GetItem", request: { TableName: "Notes", Key: { id: { S: "n1" } } } },
    { operation: "ListTables", request: {} },
  ]);
  assert.deepEqual(parseSnippet("api", 'Dynaplay.SetClock {"Rate": 0}'), [{ operation: "Dynaplay.SetClock", request: { Rate: 0 } }]);
});

test("api snippets refuse JSON that is not an object, and JSON before any operation", () => {
  assert.throws(() => parseSnippet("api", "PutItem\n{nope"), (err: Error) => err instanceof SnippetSyntaxError && /^PutItem: the request is not valid JSON/.test(err.message));
  assert.throws(() => parseSnippet("api", "Scan [1]"), /Scan: the request must be a JSON object/);
  assert.throws(() => parseSnippet("api", '{"TableName": "Notes"}'), /Start with the operation name/);
  assert.throws(() => parseSnippet("api", "\n# only a comment\n"), /no request to run/);
});

test("cli snippets: one request per aws command, with the console's parser", () => {
  const code = ["aws dynamodb put-item --table-name Notes \\", `  --item '{"id": {"S": "n1"},`, `  "text": {"S": "aws dynamodb in a string"}}'`, "# then", "aws dynamodb get-item --table-name Notes --key '{\"id\": {\"S\": \"n1\"}}'"].join("\n");
  const requests = parseSnippet("cli", code);
  assert.deepEqual(requests.map((r) => r.operation), ["PutItem", "GetItem"]);
  assert.deepEqual(requests[0]!.request, { TableName: "Notes", Item: { id: { S: "n1" }, text: { S: "aws dynamodb in a string" } } });
  assert.equal(requests[0]!.paging, null);
  // scan pages as the CLI does
  assert.deepEqual(parseSnippet("cli", "aws dynamodb scan --table-name Notes --max-items 2")[0]!.paging, { maxItems: 2 });
  // --region names the Region a command reaches; a command without it has none of its own.
  const regional = parseSnippet("cli", "aws dynamodb list-tables --region eu-west-1\naws dynamodb list-tables");
  assert.deepEqual(regional.map((r) => r.region), ["eu-west-1", undefined]);
});

test("cli snippets report the parser's error as a snippet syntax error", () => {
  assert.throws(() => parseSnippet("cli", "aws s3 ls"), (err: Error) => err instanceof SnippetSyntaxError && /Only "aws dynamodb" commands/.test(err.message));
});

test("partiql snippets: each statement is one ExecuteStatement, or one batch or transaction", () => {
  const code = `INSERT INTO "Notes" VALUE {'id': 'n1'};\nSELECT * FROM "Notes" WHERE id = 'n1'`;
  assert.deepEqual(parseSnippet("partiql", code), [
    { operation: "ExecuteStatement", request: { Statement: `INSERT INTO "Notes" VALUE {'id': 'n1'}`, ReturnConsumedCapacity: "TOTAL" } },
    { operation: "ExecuteStatement", request: { Statement: `SELECT * FROM "Notes" WHERE id = 'n1'`, ReturnConsumedCapacity: "TOTAL" } },
  ]);
  const [transaction] = parseSnippet("partiql", code, "transaction");
  assert.equal(transaction!.operation, "ExecuteTransaction");
  assert.equal((transaction!.request.TransactStatements as unknown[]).length, 2);
  assert.equal(parseSnippet("partiql", code, "batch")[0]!.operation, "BatchExecuteStatement");
  assert.throws(() => parseSnippet("partiql", "  -- nothing\n"), SnippetSyntaxError);
});

test("a snippet's target: the region, dax and principal attributes it has, blank ones left out", () => {
  const attributes = (values: Record<string, string>) => (name: string) => values[name] ?? null;
  assert.deepEqual(snippetTarget(attributes({})), {});
  assert.deepEqual(snippetTarget(attributes({ region: " eu-west-1 ", dax: "cache", principal: "ana" })), { region: "eu-west-1", dax: "cache", principal: "ana" });
  assert.deepEqual(snippetTarget(attributes({ region: "", dax: "  ", language: "api" })), {});
});
