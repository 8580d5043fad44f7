// Unit tests of the Global tables panel's wording of a conflict and its list of Regions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { conflictVerdict, replicaRegions } from "./globaltables";

test("a table's Regions are its own, then its replicas'", () => {
  assert.deepEqual(replicaRegions("us-east-1", { Replicas: [{ RegionName: "eu-west-1", ReplicaStatus: "ACTIVE" }] }), ["us-east-1", "eu-west-1"]);
  assert.deepEqual(replicaRegions("us-east-1", {}), ["us-east-1"]);
});

test("the later write wins; within one millisecond, the greater Region name", () => {
  assert.match(conflictVerdict({ region: "us-east-1", at: 5 }, { region: "eu-west-1", at: 105 }), /^eu-west-1's write \(at 105 ms\) is later than us-east-1's/);
  assert.match(conflictVerdict({ region: "eu-west-1", at: 7 }, { region: "us-east-1", at: 7 }), /greater Region name, us-east-1, won/);
});
