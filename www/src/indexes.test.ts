// Unit tests of the designer's secondary index parameters, and of their CLI / SDK code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { toCli, toSdk } from "./codegen";
import { mapErrorToFields } from "./fielderrors";
import { attributeDefinitions, createGsiRequest, indexEntry, indexKeys, indexMatcher, indexParameters, type IndexSpec, splitNames, updateGsiCapacityRequest } from "./indexes";

const LSI: IndexSpec = {
  kind: "lsi",
  name: "ByYear",
  partitionKey: { name: "Artist", type: "S" },
  sortKey: { name: "Year", type: "N" },
  projection: "INCLUDE",
  nonKeyAttributes: ["Album", "Genre"],
};
const GSI: IndexSpec = {
  kind: "gsi",
  name: "ByGenre",
  partitionKey: { name: "Genre", type: "S" },
  sortKey: null,
  projection: "KEYS_ONLY",
  nonKeyAttributes: ["ignored"],
  capacity: { read: 3, write: 4 },
};

test("index entries: key schema, projection, NonKeyAttributes only for INCLUDE, GSI capacity", () => {
  assert.deepEqual(indexEntry(LSI), {
    IndexName: "ByYear",
    KeySchema: [
      { AttributeName: "Artist", KeyType: "HASH" },
      { AttributeName: "Year", KeyType: "RANGE" },
    ],
    Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["Album", "Genre"] },
  });
  assert.deepEqual(indexEntry(GSI), {
    IndexName: "ByGenre",
    KeySchema: [{ AttributeName: "Genre", KeyType: "HASH" }],
    Projection: { ProjectionType: "KEYS_ONLY" },
    ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 },
  });
  assert.deepEqual(indexEntry({ ...LSI, capacity: { read: 1, write: 1 } }).ProvisionedThroughput, undefined, "an LSI has no capacity of its own");
  assert.deepEqual(splitNames(" a, b ,,c "), ["a", "b", "c"]);
});

test("index keys are added to AttributeDefinitions once; a clashing type is kept for the engine to report", () => {
  const table = [{ name: "Artist", type: "S" }, { name: "SongTitle", type: "S" }];
  assert.deepEqual(attributeDefinitions([...table, ...indexKeys(LSI), ...indexKeys(GSI), { name: "Year", type: "N" }]), [
    { AttributeName: "Artist", AttributeType: "S" },
    { AttributeName: "SongTitle", AttributeType: "S" },
    { AttributeName: "Year", AttributeType: "N" },
    { AttributeName: "Genre", AttributeType: "S" },
  ]);
  assert.equal(attributeDefinitions([{ name: "Year", type: "N" }, { name: "Year", type: "S" }]).length, 2);
  assert.deepEqual(indexParameters([]), {});
  assert.deepEqual(Object.keys(indexParameters([GSI, LSI])), ["LocalSecondaryIndexes", "GlobalSecondaryIndexes"]);
});

test("UpdateTable adding a GSI carries its key definitions and one Create action", () => {
  const request = createGsiRequest("Music", { ...GSI, capacity: undefined });
  assert.deepEqual(request, {
    TableName: "Music",
    AttributeDefinitions: [{ AttributeName: "Genre", AttributeType: "S" }],
    GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "ByGenre", KeySchema: [{ AttributeName: "Genre", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" } } }],
  });
  const cli = toCli("UpdateTable", request);
  assert.match(cli, /--attribute-definitions AttributeName=Genre,AttributeType=S/);
  assert.match(cli, /--global-secondary-index-updates '\[\{"Create":\{"IndexName":"ByGenre",/);
  assert.match(toSdk("UpdateTable", request), /GlobalSecondaryIndexUpdates: \[\n    \{\n      Create: \{\n        IndexName: "ByGenre",/);
});

test("CreateTable with indexes as CLI and SDK code: nested index lists are written as JSON", () => {
  const request = {
    TableName: "Music",
    AttributeDefinitions: attributeDefinitions([{ name: "Artist", type: "S" }, { name: "SongTitle", type: "S" }, ...indexKeys(LSI), ...indexKeys(GSI)]),
    KeySchema: [
      { AttributeName: "Artist", KeyType: "HASH" },
      { AttributeName: "SongTitle", KeyType: "RANGE" },
    ],
    ...indexParameters([LSI, { ...GSI, capacity: undefined }]),
    BillingMode: "PAY_PER_REQUEST",
  };
  const cli = toCli("CreateTable", request).split(" \\\n    ");
  assert.equal(cli[2], "--attribute-definitions AttributeName=Artist,AttributeType=S AttributeName=SongTitle,AttributeType=S AttributeName=Year,AttributeType=N AttributeName=Genre,AttributeType=S");
  assert.equal(cli[4], `--local-secondary-indexes '${JSON.stringify(request.LocalSecondaryIndexes)}'`);
  assert.equal(cli[5], `--global-secondary-indexes '${JSON.stringify(request.GlobalSecondaryIndexes)}'`);
  assert.deepEqual(JSON.parse(cli[4]!.slice("--local-secondary-indexes '".length, -1)), request.LocalSecondaryIndexes);
  const sdk = toSdk("CreateTable", request);
  assert.match(sdk, /LocalSecondaryIndexes: \[\n    \{\n      IndexName: "ByYear",/);
  assert.match(sdk, /Projection: \{\n        ProjectionType: "INCLUDE",\n        NonKeyAttributes: \[\n          "Album",\n          "Genre",\n        \],/);
});

test("engine errors about an index land at that index's row", () => {
  const fields = {
    "row-lsi-1": indexMatcher("lsi", 1, "ByYear"),
    "row-gsi-1": indexMatcher("gsi", 1, "ByGenre"),
    "row-gsi-2": indexMatcher("gsi", 2, "ByAlbum"),
    lsis: /localSecondaryIndex|LocalSecondaryIndex/,
    partitionKey: /KeySchema/,
  };
  const at = (m: string) => [...mapErrorToFields(m, fields).keys()];
  assert.deepEqual(at("One or more parameter values were invalid: ProvisionedThroughput is not specified for index: ByAlbum"), ["row-gsi-2"]);
  assert.deepEqual(at("One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: ByYear. index hash key: x, table hash key: Artist"), ["row-lsi-1"]);
  assert.deepEqual(at("1 validation error detected: Value 'a' at 'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3"), ["row-gsi-1"]);
  assert.deepEqual(at("One or more parameter values were invalid: Duplicate index name: ByGenre"), ["row-gsi-1"]);
  assert.deepEqual(at("One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"), ["lsis"]);
  assert.ok(!indexMatcher("gsi", 1, "By").test("for index: ByGenre"), "a name that is a prefix of another does not match it");
});

test("a GSI's capacity is its own UpdateTable Update", () => {
  const request = updateGsiCapacityRequest("Music", "ByGenre", 3, 4);
  assert.deepEqual(request, { TableName: "Music", GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "ByGenre", ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 } } }] });
  assert.match(toCli("UpdateTable", request), /--global-secondary-index-updates '\[\{"Update":\{"IndexName":"ByGenre","ProvisionedThroughput":\{"ReadCapacityUnits":3,"WriteCapacityUnits":4\}\}\}\]'/);
});
