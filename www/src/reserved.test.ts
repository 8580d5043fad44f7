// Unit tests of the reserved words: the list matches the engine's, bare names are found, and
// the quick fix names them through ExpressionAttributeNames placeholders.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { bareReservedNames, isReserved, RESERVED_WORDS, withPlaceholders } from "./reserved";

test("the list is the engine's (src/expr/reserved.rs), word for word", () => {
  // The bundle runs from .build/unit/, two levels below the repository.
  const rust = readFileSync(new URL("../../src/expr/reserved.rs", import.meta.url), "utf8");
  const block = rust.slice(rust.indexOf("const WORDS"), rust.indexOf("];"));
  const engineWords = [...block.matchAll(/"([A-Z0-9_]+)"/g)].map((m) => m[1]);
  assert.equal(engineWords.length, 573);
  assert.deepEqual(RESERVED_WORDS, engineWords);
  assert.ok(isReserved("status") && isReserved("Name") && !isReserved("Artist"));
});

test("bare reserved names: path elements yes; placeholders, functions and the grammar's own words no", () => {
  const names = (e: string) => bareReservedNames(e).map((b) => `${b.word}@${b.from}`);
  assert.deepEqual(names("status = :s AND size(#n) > :z"), ["status@0"]);
  assert.deepEqual(names("info.name, #year, data[0].Comment"), ["name@5", "data@18", "Comment@26"]);
  assert.deepEqual(names("SET #a = :v ADD counter :one REMOVE old DELETE tags :t"), ["counter@16", "old@36"]);
  assert.deepEqual(names("attribute_exists(Artist) AND NOT contains(Title, :t) AND Plays BETWEEN :a AND :b"), []);
  assert.deepEqual(names("a IN (:x, :y)"), []);
});

test("the quick fix: placeholders added, existing ones reused or not clobbered, nested actions too", () => {
  assert.deepEqual(
    withPlaceholders({
      TableName: "T",
      KeyConditionExpression: "pk = :p",
      FilterExpression: "status = :s OR #status2 = :s OR name = :n",
      ProjectionExpression: "status, comment",
      ExpressionAttributeNames: { "#status": "other", "#status2": "x", "#nm": "name" },
      ExpressionAttributeValues: { ":s": { S: "status" } },
    }),
    {
      TableName: "T",
      KeyConditionExpression: "pk = :p",
      FilterExpression: "#status_1 = :s OR #status2 = :s OR #nm = :n",
      ProjectionExpression: "#status_1, #comment",
      ExpressionAttributeNames: { "#status": "other", "#status2": "x", "#nm": "name", "#status_1": "status", "#comment": "comment" },
      ExpressionAttributeValues: { ":s": { S: "status" } },
    },
  );
  assert.deepEqual(
    withPlaceholders({ TransactItems: [{ Update: { TableName: "T", Key: { year: { N: "1" } }, UpdateExpression: "SET year = :y" } }] }),
    { TransactItems: [{ Update: { TableName: "T", Key: { year: { N: "1" } }, UpdateExpression: "SET #year = :y", ExpressionAttributeNames: { "#year": "year" } } }] },
  );
  const clean = { TableName: "T", FilterExpression: "Artist = :a" };
  assert.deepEqual(withPlaceholders(clean), clean);
});
