import { test } from "node:test";
import assert from "node:assert/strict";
import { accessKeyIdOf, answerRequest, operationOf, regionOf } from "./sdkhandler";
import { crc32 } from "./zip";

test("crc32 is the IEEE CRC-32 that x-amz-crc32 carries", () => {
  assert.equal(crc32(new TextEncoder().encode("The quick brown fox jumps over the lazy dog")), 0x414fa339);
  assert.equal(crc32(new Uint8Array()), 0);
});

test("DynamoDB targets lose their prefix; Streams and unknown targets stay whole", () => {
  assert.equal(operationOf("DynamoDB_20120810.PutItem"), "PutItem");
  assert.equal(operationOf("DynamoDBStreams_20120810.GetRecords"), "DynamoDBStreams_20120810.GetRecords");
  assert.equal(operationOf("Nonsense.PutItem"), "Nonsense.PutItem");
  assert.equal(operationOf(""), "");
});

test("an engine error answers 400 with its wire body; anything else is a 500 InternalServerError", async () => {
  const wire = '{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}';
  const failing = (error: unknown) => ({ send: () => Promise.reject(error) });
  const notFound = await answerRequest(failing(Object.assign(new Error("x"), { responseBody: wire })), "DynamoDB_20120810.GetItem", "{}");
  assert.equal(notFound.status, 400);
  assert.equal(notFound.body, wire);
  assert.equal(notFound.headers["x-amzn-errortype"], "ResourceNotFoundException");
  assert.equal(notFound.headers["x-amz-crc32"], String(crc32(new TextEncoder().encode(wire))));
  const closed = await answerRequest(failing(new Error("Database 'x' is closed")), "DynamoDB_20120810.GetItem", "{}");
  assert.equal(closed.status, 500);
  assert.deepEqual(JSON.parse(closed.body), { __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "Database 'x' is closed" });
});

test("a success answers 200 with the response as JSON, and an empty body is sent as {}", async () => {
  const sent: [string, unknown][] = [];
  const db = { send: (op: string, body: string | object) => (sent.push([op, body]), Promise.resolve({ TableNames: [] })) };
  const answer = await answerRequest(db, "DynamoDB_20120810.ListTables", "");
  assert.deepEqual(sent, [["ListTables", "{}"]]);
  assert.equal(answer.status, 200);
  assert.equal(answer.body, '{"TableNames":[]}');
  assert.equal(answer.headers["content-type"], "application/x-amz-json-1.0");
  assert.equal(answer.headers["x-amzn-errortype"], undefined);
});

test("the signature's access key id is passed on, so that the request runs as the principal that has it", async () => {
  const authorization =
    "AWS4-HMAC-SHA256 Credential=AKIAALICE0000000001/20261124/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc";
  assert.equal(accessKeyIdOf(authorization), "AKIAALICE0000000001");
  assert.equal(accessKeyIdOf(undefined), undefined);
  assert.equal(accessKeyIdOf("Bearer x"), undefined);
  const sent: unknown[][] = [];
  const db = { send: (...args: unknown[]) => (sent.push(args), Promise.resolve({})) };
  await answerRequest(db, "DynamoDB_20120810.ListTables", "{}", { accessKeyId: "AKIAALICE0000000001" });
  assert.deepEqual(sent, [["ListTables", "{}", { accessKeyId: "AKIAALICE0000000001" }]]);
});

test("the Region comes from the endpoint's host name, else from the signature's credential scope", async () => {
  assert.equal(regionOf("dynamodb.eu-west-1.amazonaws.com", undefined), "eu-west-1");
  assert.equal(regionOf("streams.dynamodb.ap-south-1.amazonaws.com", undefined), "ap-south-1");
  const signed = "AWS4-HMAC-SHA256 Credential=AKID/20261124/us-west-2/dynamodb/aws4_request, SignedHeaders=host, Signature=00";
  assert.equal(regionOf("127.0.0.1", signed), "us-west-2");
  assert.equal(regionOf(undefined, undefined), undefined);
  const sent: unknown[] = [];
  const db = { send: (_op: string, _body: string | object, options?: object) => (sent.push(options), Promise.resolve({})) };
  await answerRequest(db, "DynamoDB_20120810.GetItem", "{}", { region: "eu-west-1" });
  await answerRequest(db, "DynamoDB_20120810.GetItem", "{}");
  assert.deepEqual(sent, [{ region: "eu-west-1" }, {}]);
});
