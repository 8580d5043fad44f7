// Unit tests of preset parsing and of the requests a preset sends.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Outcome } from "./engine";
import { applyPreset, applyPresetOnce, parsePreset, PresetError } from "./preset";

const music = {
  tables: [{ TableName: "Music", KeySchema: [{ AttributeName: "Artist", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "Artist", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" }],
  items: { Music: [{ Artist: { S: "Arturus" } }, { Artist: { S: "Bea" } }] },
  steps: [{ title: "Read one", operation: "GetItem", request: { TableName: "Music", Key: { Artist: { S: "Bea" } } } }],
};

test("a preset in DynamoDB request shapes parses, with defaults for missing parts", () => {
  const preset = parsePreset(JSON.stringify(music));
  assert.equal(preset.tables.length, 1);
  assert.equal(preset.items.Music?.length, 2);
  assert.equal(preset.steps[0]?.operation, "GetItem");
  assert.deepEqual(parsePreset("{}"), { tables: [], timeToLive: {}, items: {}, steps: [] });
});

test("a malformed preset says where it is wrong", () => {
  assert.throws(() => parsePreset("{"), PresetError);
  assert.throws(() => parsePreset("[]"), /JSON object/);
  assert.throws(() => parsePreset({ tables: {} }), /tables must be an array of objects/);
  assert.throws(() => parsePreset({ items: { Music: [1] } }), /items\.Music must be an array of objects/);
  assert.throws(() => parsePreset({ steps: [{ title: "x", operation: "Get Item", request: {} }] }), /steps\[0\]\.operation/);
  assert.throws(() => parsePreset({ step: [] }), /Unknown preset field\(s\): step/);
  assert.throws(() => parsePreset({ timeToLive: ["Music"] }), /timeToLive must map table names to attribute names/);
  assert.throws(() => parsePreset({ timeToLive: { Music: "" } }), /timeToLive\.Music must be an attribute name/);
  assert.throws(() => parsePreset({ timeToLive: { Music: 5 } }), /timeToLive\.Music must be an attribute name/);
});

test("applying a preset creates the tables first, then puts every item; a failure names the request", async () => {
  const sent: string[] = [];
  const ok = async (operation: string, request: any): Promise<Outcome> => {
    sent.push(`${operation} ${request.TableName}`);
    return { ok: true, response: {}, ms: 0 };
  };
  await applyPreset(ok, parsePreset(music));
  assert.deepEqual(sent, ["CreateTable Music", "PutItem Music", "PutItem Music"]);

  const failing = async (operation: string): Promise<Outcome> =>
    operation === "PutItem" ? { ok: false, error: { name: "ValidationException", type: null, message: "bad item" }, ms: 0 } : { ok: true, response: {}, ms: 0 };
  await assert.rejects(applyPreset(failing, parsePreset(music)), /Putting items\.Music\[0\]: ValidationException: bad item/);
});

test("a preset's time to live is turned on by UpdateTimeToLive after the tables, before the items", async () => {
  const sent: unknown[] = [];
  const send = async (operation: string, request: any): Promise<Outcome> => {
    sent.push(operation === "UpdateTimeToLive" ? [operation, request] : `${operation} ${request.TableName}`);
    return operation === "UpdateTimeToLive" && request.TableName === "Gone"
      ? { ok: false, error: { name: "ResourceNotFoundException", type: null, message: "Requested resource not found" }, ms: 0 }
      : { ok: true, response: {}, ms: 0 };
  };
  await applyPreset(send, parsePreset({ ...music, timeToLive: { Music: "expiresAt" } }));
  assert.deepEqual(sent, ["CreateTable Music", ["UpdateTimeToLive", { TableName: "Music", TimeToLiveSpecification: { Enabled: true, AttributeName: "expiresAt" } }], "PutItem Music", "PutItem Music"]);
  await assert.rejects(applyPreset(send, parsePreset({ timeToLive: { Gone: "ttl" } })), /Turning on time to live of Gone: ResourceNotFoundException: Requested resource not found/);
});

test("applyPresetOnce: concurrent callers of one database apply it once, and never to a database with tables", async () => {
  const sent: string[] = [];
  const tables: string[] = [];
  const send = async (operation: string, request: any): Promise<Outcome> => {
    sent.push(operation);
    if (operation === "ListTables") return { ok: true, response: { TableNames: [...tables] }, ms: 0 };
    if (operation === "CreateTable") tables.push(request.TableName);
    return { ok: true, response: {}, ms: 0 };
  };
  const preset = parsePreset(music);
  await Promise.all([applyPresetOnce("db", send, preset), applyPresetOnce("db", send, preset)]);
  assert.deepEqual(sent, ["ListTables", "CreateTable", "PutItem", "PutItem"]);
  sent.length = 0;
  await applyPresetOnce("db", send, preset);
  assert.deepEqual(sent, ["ListTables"], "the database has tables now");
});
