// Unit tests of the CLI / SDK code generation and of placing errors next to fields.
import { test } from "node:test";
import assert from "node:assert/strict";
import { jsLiteral, kebab, shellQuote, toCli, toSdk } from "./codegen";
import { mapErrorToFields, splitMessages } from "./fielderrors";

const MUSIC = {
  TableName: "Music",
  AttributeDefinitions: [
    { AttributeName: "Artist", AttributeType: "S" },
    { AttributeName: "SongTitle", AttributeType: "S" },
  ],
  KeySchema: [
    { AttributeName: "Artist", KeyType: "HASH" },
    { AttributeName: "SongTitle", KeyType: "RANGE" },
  ],
  BillingMode: "PROVISIONED",
  ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
  DeletionProtectionEnabled: true,
  Tags: [{ Key: "Owner", Value: "blue team's" }],
};

test("operation and parameter names become CLI words", () => {
  assert.equal(kebab("CreateTable"), "create-table");
  assert.equal(kebab("SSESpecification"), "sse-specification");
  assert.equal(kebab("DeletionProtectionEnabled"), "deletion-protection-enabled");
  assert.equal(kebab("BatchGetItem"), "batch-get-item");
});

test("CreateTable as an AWS CLI command uses shorthand where it is safe", () => {
  assert.equal(
    toCli("CreateTable", MUSIC),
    [
      "aws dynamodb create-table",
      "--table-name Music",
      "--attribute-definitions AttributeName=Artist,AttributeType=S AttributeName=SongTitle,AttributeType=S",
      "--key-schema AttributeName=Artist,KeyType=HASH AttributeName=SongTitle,KeyType=RANGE",
      "--billing-mode PROVISIONED",
      "--provisioned-throughput ReadCapacityUnits=5,WriteCapacityUnits=5",
      "--deletion-protection-enabled",
      `--tags '[{"Key":"Owner","Value":"blue team'\\''s"}]'`,
    ].join(" \\\n    "),
  );
  assert.match(toCli("UpdateTable", { TableName: "t", DeletionProtectionEnabled: false }), /--no-deletion-protection-enabled$/);
});

test("shell quoting leaves safe words alone and quotes everything else", () => {
  assert.equal(shellQuote("Music"), "Music");
  assert.equal(shellQuote("a b"), "'a b'");
  assert.equal(shellQuote("$(rm -rf /)"), "'$(rm -rf /)'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});

test("SDK v3 code imports the command and sends the request as a JS literal", () => {
  const code = toSdk("CreateTable", { TableName: "Music", "odd key": [1] });
  assert.match(code, /^import \{ DynamoDBClient, CreateTableCommand \} from "@aws-sdk\/client-dynamodb";/);
  assert.match(code, /new CreateTableCommand\(\{\n  TableName: "Music",\n  "odd key": \[\n    1,\n  \],\n\}\)\);/);
  assert.equal(jsLiteral({}), "{}");
});

test("engine errors are placed next to the field they name", () => {
  const two = "2 validation errors detected: Value 'a!' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a!' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3";
  assert.equal(splitMessages(two).length, 2);
  assert.deepEqual([...mapErrorToFields(two).keys()], ["tableName"]);
  assert.deepEqual([...mapErrorToFields("Invalid KeySchema: Some index key attribute have no definition").keys()], ["partitionKey"]);
  assert.deepEqual([...mapErrorToFields("Both the Hash Key and the Range Key element in the KeySchema have the same name").keys()], ["sortKey"]);
  assert.deepEqual([...mapErrorToFields("1 validation error detected: Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1").keys()], ["readCapacity"]);
  assert.deepEqual([...mapErrorToFields("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED").keys()], ["readCapacity"]);
  assert.deepEqual([...mapErrorToFields("Table already exists: Music").keys()], ["tableName"]);
  assert.deepEqual([...mapErrorToFields("Something else entirely").keys()], [""]);
});

test("prettyJson keeps short values on one line and parses back the same", async () => {
  const { prettyJson } = await import("./codegen");
  const value = { TableName: "Music", Item: { Artist: { S: "x" }, Year: { N: "2015" } }, Long: Array.from({ length: 30 }, (_, i) => i) };
  const text = prettyJson(value);
  assert.deepEqual(JSON.parse(text), value);
  assert.match(text, /"Item": \{"Artist": \{"S": "x"\}, "Year": \{"N": "2015"\}\}/);
  assert.ok(text.split("\n").length > 30, "a long array is split over lines");
  assert.equal(prettyJson({}), "{}");
});

test("shorthand starting with # is quoted, or the shell would read a comment", () => {
  const cli = toCli("Scan", { TableName: "T", FilterExpression: "#y > :y", ExpressionAttributeNames: { "#y": "Year" } });
  assert.match(cli, /--expression-attribute-names '#y=Year'$/);
});

test("a word starting with # is quoted", () => {
  assert.equal(shellQuote("#n"), "'#n'");
  assert.equal(shellQuote("a#n"), "a#n");
});
