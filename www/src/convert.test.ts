// Unit tests of the DynamoDB JSON <-> plain JSON converters, run by Node's test runner:
//   node scripts/build-web.mjs && node --test .build/unit/
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  cellText,
  ConversionError,
  dynamoTextToPlainText,
  fromPlainItem,
  JsonNumber,
  JsonSyntaxError,
  parseJson,
  plainTextToDynamoText,
  stringifyJson,
  toPlainItem,
  type Item,
} from "./convert";

test("plain JSON becomes DynamoDB JSON with every scalar and container type", () => {
  const plain = parseJson('{"id":"a","n":42,"f":-1.5e3,"ok":true,"no":false,"nothing":null,"list":[1,"x",[]],"map":{"k":{"deep":"v"}}}');
  assert.deepEqual(fromPlainItem(plain), {
    id: { S: "a" },
    n: { N: "42" },
    f: { N: "-1.5e3" },
    ok: { BOOL: true },
    no: { BOOL: false },
    nothing: { NULL: true },
    list: { L: [{ N: "1" }, { S: "x" }, { L: [] }] },
    map: { M: { k: { M: { deep: { S: "v" } } } } },
  });
});

test("numbers keep all 38 digits both ways", () => {
  const digits = "12345678901234567890123456789012345678";
  const dynamo = plainTextToDynamoText(`{"big": ${digits}, "small": 0.000000000000000000001}`);
  assert.deepEqual(JSON.parse(dynamo), { big: { N: digits }, small: { N: "0.000000000000000000001" } });
  const back = dynamoTextToPlainText(dynamo);
  assert.equal(back.text, `{\n  "big": ${digits},\n  "small": 0.000000000000000000001\n}`);
  assert.deepEqual(back.lossy, []);
});

test("DynamoDB JSON becomes plain JSON and converts back unchanged", () => {
  const item: Item = {
    pk: { S: "user#1" },
    age: { N: "33" },
    tags: { L: [{ S: "a" }, { BOOL: false }, { NULL: true }] },
    profile: { M: { name: { S: "Ana" }, score: { N: "-0.25" } } },
    empty: { S: "" },
  };
  const { value, lossy } = toPlainItem(item);
  assert.deepEqual(lossy, []);
  assert.deepEqual(fromPlainItem(value), item);
});

test("sets and binary are converted but reported as lossy", () => {
  const { value, lossy } = toPlainItem({
    colors: { SS: ["red", "blue"] },
    sizes: { NS: ["1", "2.5"] },
    blob: { B: "AQID" },
    nested: { M: { bin: { BS: ["AQ=="] } } },
  });
  assert.deepEqual(lossy, ["colors", "sizes", "blob", "nested.bin"]);
  assert.equal(stringifyJson(value, 0), '{"colors":["red","blue"],"sizes":[1,2.5],"blob":"AQID","nested":{"bin":["AQ=="]}}');
});

test("numbers that are valid in DynamoDB but not in JSON are normalised", () => {
  const { value } = toPlainItem({ a: { N: "+5" }, b: { N: ".5" }, c: { N: "5." }, d: { N: "007.50" }, e: { N: "-.5" } });
  assert.equal(stringifyJson(value, 0), '{"a":5,"b":0.5,"c":5,"d":7.50,"e":-0.5}');
});

test("malformed DynamoDB JSON is refused with the path of the bad value", () => {
  assert.throws(() => toPlainItem({ a: { M: { b: { X: "1" } } } }), (e: unknown) => e instanceof ConversionError && /a\.b: unknown attribute type "X"/.test(e.message));
  assert.throws(() => toPlainItem({ a: { S: "x", N: "1" } }), /exactly one type key/);
  assert.throws(() => toPlainItem({ a: { N: "abc" } }), /a: N must hold a number/);
  assert.throws(() => toPlainItem({ a: "plain" }), /must be an object/);
  assert.throws(() => toPlainItem([]), /must be a JSON object/);
});

test("plain JSON that is not an object is refused", () => {
  assert.throws(() => fromPlainItem(parseJson("[1]")), /must be a JSON object/);
  assert.throws(() => fromPlainItem(parseJson("7")), /must be a JSON object/);
});

test("the JSON parser is strict and says where it failed", () => {
  for (const bad of ["{", '{"a":}', "[1,]", "{'a':1}", '{"a":1} x', "01", '"\\x"', "NaN", ""]) {
    assert.throws(() => parseJson(bad), JsonSyntaxError, bad);
  }
  assert.throws(() => parseJson('{\n  "a": tru\n}'), (e: unknown) => e instanceof JsonSyntaxError && e.line === 2 && e.column === 8);
  assert.deepEqual(parseJson('"\\u00e9\\n\\""'), 'é\n"');
  assert.throws(() => parseJson("[".repeat(100) + "]".repeat(100)), /Nesting deeper/);
});

test("a __proto__ attribute is kept as data, not as a prototype", () => {
  const item = fromPlainItem(parseJson('{"__proto__": {"polluted": true}}'));
  assert.deepEqual(Object.keys(item), ["__proto__"]);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const back = toPlainItem(item).value as Record<string, unknown>;
  assert.deepEqual(Object.keys(back), ["__proto__"]);
});

test("JsonNumber serialises as a number through JSON.stringify", () => {
  assert.equal(JSON.stringify({ n: new JsonNumber("1.5") }), '{"n":1.5}');
});

test("grid cells show values as text with their type", () => {
  assert.deepEqual(cellText({ S: "<img src=x onerror=alert(1)>" }), { text: "<img src=x onerror=alert(1)>", type: "S" });
  assert.deepEqual(cellText({ N: "12.5" }), { text: "12.5", type: "N" });
  assert.deepEqual(cellText({ BOOL: false }), { text: "false", type: "BOOL" });
  assert.deepEqual(cellText({ NULL: true }), { text: "null", type: "NULL" });
  assert.deepEqual(cellText({ SS: ["a", "b"] }), { text: '{"a", "b"}', type: "SS" });
  assert.deepEqual(cellText({ NS: ["1", "2"] }), { text: "{1, 2}", type: "NS" });
  assert.deepEqual(cellText({ M: { a: { N: "1" }, b: { L: [{ S: "x" }] } } }), { text: '{"a":1,"b":["x"]}', type: "M" });
  assert.deepEqual(cellText("weird"), { text: '"weird"', type: "?" });
});
