// Unit tests of the Kinesis section's record logic: Data decoded as text, the event a
// DynamoDB document names, a destination's status.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeData, destinationStatus, eventOf } from "./kinesis";

test("Data is decoded from base64 as UTF-8 text, markup staying text", () => {
  assert.equal(decodeData("aGVsbG8="), "hello");
  assert.equal(decodeData(btoa("<b>x</b>")), "<b>x</b>");
  assert.equal(decodeData("w6k="), "é");
  assert.equal(decodeData("***"), "(not base64)");
});

test("the event of a DynamoDB document, nothing for other data", () => {
  assert.equal(eventOf('{"eventName":"MODIFY","dynamodb":{}}'), "MODIFY");
  assert.equal(eventOf("hello"), "");
  assert.equal(eventOf('{"eventName":1}'), "");
});

test("a destination's status by stream ARN", () => {
  const destinations = [{ StreamArn: "arn:a", DestinationStatus: "DISABLED" }, { StreamArn: "arn:b", DestinationStatus: "ACTIVE" }];
  assert.equal(destinationStatus(destinations, "arn:b"), "ACTIVE");
  assert.equal(destinationStatus(destinations, "arn:c"), "none");
});
