// Unit tests of the console's AWS CLI mode: shell quoting, options to request members,
// JSON and shorthand values, booleans, --cli-input-json, every command name, errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CliError, COMMANDS, MissingFileError, parseCli, shellWords } from "./cli";
import { toCli } from "./codegen";
import { ALL_OPERATIONS } from "./ops";

test("shell words: single quotes are literal, double quotes take \\\" \\\\ \\$ escapes, backslash escapes outside", () => {
  assert.deepEqual(shellWords(`a 'b c' "d \\"e\\" \\n" f\\ g`), ["a", "b c", 'd "e" \\n', "f g"]);
  assert.deepEqual(shellWords(`'it'\\''s'`), ["it's"]);
  assert.deepEqual(shellWords(`x"y"'z'`), ["xyz"]);
  assert.deepEqual(shellWords(`''  ""`), ["", ""]);
  assert.deepEqual(shellWords("a \\\n  b\n\tc"), ["a", "b", "c"]);
  assert.deepEqual(shellWords(`"$HOME \\$x"`), ["$HOME $x"]);
  assert.throws(() => shellWords(`'open`), CliError);
  assert.throws(() => shellWords(`"open`), /double quote is not closed/);
});

test("the issue's query: expressions, JSON values and the capacity option", () => {
  const parsed = parseCli(`aws dynamodb query --table-name Music --key-condition-expression "Artist = :a" --expression-attribute-values '{":a":{"S":"x"}}' --return-consumed-capacity TOTAL`);
  assert.equal(parsed.operation, "Query");
  assert.deepEqual(parsed.request, {
    TableName: "Music",
    KeyConditionExpression: "Artist = :a",
    ExpressionAttributeValues: { ":a": { S: "x" } },
    ReturnConsumedCapacity: "TOTAL",
  });
  assert.deepEqual(parsed.ignored, []);
});

test("booleans: --flag, --no-flag and an explicit true/false", () => {
  assert.equal(parseCli("aws dynamodb get-item --table-name T --key '{}' --consistent-read").request.ConsistentRead, true);
  assert.equal(parseCli("aws dynamodb get-item --table-name T --key '{}' --no-consistent-read").request.ConsistentRead, false);
  assert.equal(parseCli("aws dynamodb query --table-name T --no-scan-index-forward").request.ScanIndexForward, false);
  assert.equal(parseCli("aws dynamodb query --table-name T --scan-index-forward false").request.ScanIndexForward, false);
  assert.throws(() => parseCli("aws dynamodb query --table-name T --consistent-read maybe"), /true or false/);
  assert.throws(() => parseCli("aws dynamodb query --table-name T --no-consistent-read true"), /takes no value/);
});

test("numbers, shorthand objects and lists of several words", () => {
  const scan = parseCli("aws dynamodb scan --table-name T --limit 5 --segment 0 --total-segments 2").request;
  assert.deepEqual(scan, { TableName: "T", Limit: 5, Segment: 0, TotalSegments: 2 });
  assert.throws(() => parseCli("aws dynamodb scan --table-name T --limit five"), /whole number/);
  const create = parseCli(
    "aws dynamodb create-table --table-name Music --attribute-definitions AttributeName=Artist,AttributeType=S AttributeName=SongTitle,AttributeType=S " +
      "--key-schema AttributeName=Artist,KeyType=HASH --provisioned-throughput ReadCapacityUnits=5,WriteCapacityUnits=5 --sse-specification Enabled=true",
  ).request;
  assert.deepEqual(create.AttributeDefinitions, [{ AttributeName: "Artist", AttributeType: "S" }, { AttributeName: "SongTitle", AttributeType: "S" }]);
  assert.deepEqual(create.KeySchema, [{ AttributeName: "Artist", KeyType: "HASH" }]);
  assert.deepEqual(create.ProvisionedThroughput, { ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
  assert.deepEqual(create.SSESpecification, { Enabled: true });
  // A JSON list in one word stays that list; an expression with "=" stays a string.
  const statement = parseCli(`aws dynamodb execute-statement --statement "SELECT * FROM T WHERE a=?" --parameters '[{"S":"x"}]'`).request;
  assert.deepEqual(statement, { Statement: "SELECT * FROM T WHERE a=?", Parameters: [{ S: "x" }] });
  assert.equal(parseCli(`aws dynamodb scan --table-name T --filter-expression a=:v`).request.FilterExpression, "a=:v");
});

test("--cli-input-json is the base that the other options override", () => {
  const parsed = parseCli(`aws dynamodb scan --cli-input-json '{"TableName":"A","Limit":3}' --table-name B`);
  assert.deepEqual(parsed.request, { TableName: "B", Limit: 3 });
  assert.throws(() => parseCli(`aws dynamodb scan --cli-input-json '[1]'`), /one JSON object/);
  assert.throws(() => parseCli(`aws dynamodb scan --cli-input-json file://x.json`), /cannot open x\.json on your disk/);
  assert.deepEqual(parseCli(`aws dynamodb scan --cli-input-json file://x.json`, new Map([["x.json", '{"TableName":"A"}\n']])).request, { TableName: "A" });
});

test("the CLI's own options are set aside but --region, which picks the endpoint; errors name what is wrong", () => {
  const parsed = parseCli("aws dynamodb list-tables --region eu-west-1 --no-cli-pager --output json");
  assert.deepEqual(parsed, { operation: "ListTables", request: {}, ignored: ["--no-cli-pager", "--output json"], paging: {}, region: "eu-west-1" });
  assert.equal("region" in parseCli("aws dynamodb list-tables"), false);
  assert.throws(() => parseCli("aws dynamodb list-tables --region"), /argument --region: expected one argument/);
  assert.throws(() => parseCli("aws dynamodb list-tables --region eu-west-1 us-east-1"), /--region takes one Region name/);
  assert.equal(parseCli("dynamodb list-tables").operation, "ListTables");
  assert.throws(() => parseCli("aws s3 ls"), /Only "aws dynamodb" commands/);
  assert.throws(() => parseCli(""), /Type a command/);
  assert.throws(() => parseCli("aws dynamodb"), /Which command/);
  assert.throws(() => parseCli("aws dynamodb PutItem"), /"PutItem" is not an aws dynamodb command/);
  assert.throws(() => parseCli("aws dynamodb scan --table-nam T"), /Unknown option --table-nam for scan/);
  assert.throws(() => parseCli("aws dynamodb scan T"), /Unexpected "T"/);
  assert.throws(() => parseCli("aws dynamodb scan --table-name"), /needs a value/);
  assert.throws(() => parseCli("aws dynamodb scan --table-name a b"), /takes one value/);
  assert.throws(() => parseCli(`aws dynamodb put-item --table-name T --item '{"a":'`), /--item: the value is not valid JSON/);
  assert.throws(() => parseCli("aws dynamodb put-item --table-name T --item file://item.json"), MissingFileError);
  assert.throws(() => parseCli("aws dynamodb put-item --table-name T --item fileb://item.bin"), /fileb:\/\/ \(binary files\) is not read/);
  assert.throws(() => parseCli("aws dynamodb scan --table-name T --limit 1,2=3"), CliError);
  assert.throws(() => parseCli("aws dynamodb put-item --table-name T --max-items 5"), /Unknown option --max-items for put-item/);
  assert.throws(() => parseCli("aws dynamodb scan --table-name T --max-items 0"), /--max-items takes one whole number of at least 1/);
});

test("file:// values are the text of the files picked, read as the CLI reads the value", () => {
  const files = new Map([["item.json", '{"k": {"S": "1"}}'], ["keys.txt", "k=1"], ["list.json", '[{"AttributeName":"k","AttributeType":"S"}]']]);
  assert.deepEqual(parseCli("aws dynamodb put-item --table-name T --item file://item.json", files).request, { TableName: "T", Item: { k: { S: "1" } } });
  assert.deepEqual(parseCli("aws dynamodb create-table --attribute-definitions file://list.json", files).request, { AttributeDefinitions: [{ AttributeName: "k", AttributeType: "S" }] });
  try {
    parseCli("aws dynamodb put-item --item file://other.json", files);
    assert.fail("a file not picked is refused");
  } catch (err) {
    assert.ok(err instanceof MissingFileError);
    assert.equal(err.path, "other.json");
  }
});

test("paging: the CLI pages Scan, Query and the List commands unless a limit or start key is given", () => {
  assert.deepEqual(parseCli("aws dynamodb scan --table-name T").paging, {});
  assert.deepEqual(parseCli("aws dynamodb scan --table-name T --max-items 5 --page-size 2 --starting-token abc").paging, { maxItems: 5, pageSize: 2, startingToken: "abc" });
  assert.equal(parseCli("aws dynamodb get-item --table-name T --key k=1").paging, null);
  assert.equal(parseCli("aws dynamodb scan --table-name T --no-paginate").paging, null);
  const limited = parseCli("aws dynamodb scan --table-name T --limit 2 --max-items 5");
  assert.equal(limited.paging, null);
  assert.deepEqual(limited.ignored, ["--max-items 5 (one request: --limit given)"]);
  assert.equal(parseCli(`aws dynamodb scan --table-name T --exclusive-start-key '{"k":{"S":"1"}}'`).paging, null);
});

test("every DynamoDB command name maps to its operation", () => {
  const dataPlane: Record<string, string> = {
    "put-item": "PutItem", "get-item": "GetItem", "update-item": "UpdateItem", "delete-item": "DeleteItem",
    query: "Query", scan: "Scan", "batch-get-item": "BatchGetItem", "batch-write-item": "BatchWriteItem",
    "transact-get-items": "TransactGetItems", "transact-write-items": "TransactWriteItems",
    "execute-statement": "ExecuteStatement", "batch-execute-statement": "BatchExecuteStatement", "execute-transaction": "ExecuteTransaction",
    "create-table": "CreateTable", "describe-table": "DescribeTable", "list-tables": "ListTables", "update-table": "UpdateTable",
    "delete-table": "DeleteTable", "describe-time-to-live": "DescribeTimeToLive", "update-time-to-live": "UpdateTimeToLive",
    "tag-resource": "TagResource", "untag-resource": "UntagResource", "list-tags-of-resource": "ListTagsOfResource",
    "describe-limits": "DescribeLimits", "describe-endpoints": "DescribeEndpoints",
  };
  for (const [command, operation] of Object.entries(dataPlane)) {
    assert.equal(COMMANDS.get(command), operation, command);
    assert.equal(parseCli(`aws dynamodb ${command}`).operation, operation);
  }
  // And every operation the console lists has exactly one command.
  assert.equal(COMMANDS.size, ALL_OPERATIONS.length);
});

test("codegen's CLI text reads back as the same request", () => {
  const request = {
    TableName: "Music",
    Key: { Artist: { S: "No One's" } },
    UpdateExpression: "SET #n = :v",
    ExpressionAttributeNames: { "#n": "Note" },
    ExpressionAttributeValues: { ":v": { S: "a \"quoted\" $value" } },
    ReturnValues: "ALL_NEW",
    ConsistentRead: false,
    Limit: 10,
  };
  assert.deepEqual(parseCli(toCli("UpdateItem", request)).request, request);
});
