// Unit tests of the designer's stream and time to live requests, and where a stream error goes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mapErrorToFields } from "./fielderrors";
import { describedStream, streamSpecification, timeToLiveRequest } from "./streamttl";

const off = { enabled: false, viewType: "NEW_AND_OLD_IMAGES" };
const both = { enabled: true, viewType: "NEW_AND_OLD_IMAGES" };
const keys = { enabled: true, viewType: "KEYS_ONLY" };

test("a StreamSpecification only for a change: enable with the view type, disable without", () => {
  assert.deepEqual(streamSpecification(off, keys), { StreamEnabled: true, StreamViewType: "KEYS_ONLY" });
  assert.deepEqual(streamSpecification(both, off), { StreamEnabled: false });
  assert.deepEqual(streamSpecification(both, keys), { StreamEnabled: true, StreamViewType: "KEYS_ONLY" });
  assert.equal(streamSpecification(both, both), null);
  assert.equal(streamSpecification(off, { ...off, viewType: "KEYS_ONLY" }), null);
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
