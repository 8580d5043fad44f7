// Unit tests of the designer's stream and time to live requests, and where a stream error goes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mapErrorToFields } from "./fielderrors";
import { describedStream, streamSteps, timeToLiveRequest } from "./streamttl";

const off = { enabled: false, viewType: "NEW_AND_OLD_IMAGES" };
const both = { enabled: true, viewType: "NEW_AND_OLD_IMAGES" };
const keys = { enabled: true, viewType: "KEYS_ONLY" };

test("StreamSpecifications only for a change; a new view type disables, then enables", () => {
  assert.deepEqual(streamSteps(off, keys), [{ StreamEnabled: true, StreamViewType: "KEYS_ONLY" }]);
  assert.deepEqual(streamSteps(both, off), [{ StreamEnabled: false }]);
  assert.deepEqual(streamSteps(both, keys), [{ StreamEnabled: false }, { StreamEnabled: true, StreamViewType: "KEYS_ONLY" }]);
  assert.deepEqual(streamSteps(both, both), []);
  assert.deepEqual(streamSteps(off, { ...off, viewType: "KEYS_ONLY" }), []);
});

test("the stream setting of a description", () => {
  assert.deepEqual(describedStream({ StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" } }), { enabled: true, viewType: "NEW_IMAGE" });
  assert.deepEqual(describedStream({ LatestStreamArn: "arn" }), off);
});

test("the UpdateTimeToLive request", () => {
  assert.deepEqual(timeToLiveRequest("T", { enabled: true, attribute: "expires" }), { TableName: "T", TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" } });
});

test("stream errors land at the stream field, not the table name", () => {
  assert.deepEqual([...mapErrorToFields("Table already has an enabled stream: TableName: T").keys()], ["stream"]);
  assert.deepEqual([...mapErrorToFields("If stream is being enabled then UpdateViewType is required").keys()], ["stream"]);
});
