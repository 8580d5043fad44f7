// Unit tests of the cross-tab relay's protocol, with the owner and the client on two
// BroadcastChannels of one Node process (as two tabs of one origin would be).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Outcome, SendOptions } from "./engine";
import { type RelayMessage, RelaySession, relayChannelName, serveRelay } from "./tabrelay";

/** A stand-in for the owning tab's Session: records the calls and answers per operation. */
function fakeSession() {
  const calls: { operation: string; request: unknown; options?: SendOptions }[] = [];
  return {
    calls,
    async send(operation: string, request: string | object, options?: SendOptions): Promise<Outcome> {
      calls.push({ operation, request, options });
      if (operation === "PutItem") {
        return { ok: false, error: { name: "ConditionalCheckFailedException", type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", message: "The conditional request failed", item: { id: { S: "a" } } }, ms: 1 };
      }
      return { ok: true, response: { TableNames: ["Music"], region: options?.region }, ms: 1 };
    },
  };
}

test("a request runs in the owning tab with its options, and its response comes back", async () => {
  const owner = fakeSession();
  const relay = serveRelay("relay-ok", owner);
  const client = new RelaySession("relay-ok");
  const sent: string[] = [];
  client.addEventListener("sent", (e) => sent.push((e as CustomEvent).detail.operation));
  const outcome = await client.send("ListTables", {}, { region: "eu-west-1" });
  assert.equal(outcome.ok, true);
  assert.deepEqual(outcome.ok && outcome.response, { TableNames: ["Music"], region: "eu-west-1" });
  assert.deepEqual(owner.calls, [{ operation: "ListTables", request: {}, options: { region: "eu-west-1" } }]);
  assert.deepEqual(sent, ["ListTables"]);
  await client.close();
  relay.stop();
});

test("an error comes back with its name, type, message and item", async () => {
  const relay = serveRelay("relay-error", fakeSession());
  const client = new RelaySession("relay-error");
  const outcome = await client.send("PutItem", "{}");
  assert.equal(outcome.ok, false);
  assert.deepEqual(!outcome.ok && outcome.error, {
    name: "ConditionalCheckFailedException",
    type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
    message: "The conditional request failed",
    item: { id: { S: "a" } },
    throttlingReasons: undefined,
    cancellationReasons: undefined,
  });
  await client.close();
  relay.stop();
});

test("two clients each get their own answers; another database's owner stays silent", async () => {
  const owner = fakeSession();
  const other = fakeSession();
  const relay = serveRelay("relay-two", owner);
  const elsewhere = serveRelay("relay-elsewhere", other);
  const first = new RelaySession("relay-two");
  const second = new RelaySession("relay-two");
  const [a, b] = await Promise.all([first.send("ListTables", {}, { region: "us-east-1" }), second.send("ListTables", {}, { region: "eu-west-1" })]);
  assert.equal(a.ok && a.response.region, "us-east-1");
  assert.equal(b.ok && b.response.region, "eu-west-1");
  assert.equal(owner.calls.length, 2);
  assert.equal(other.calls.length, 0);
  await first.close();
  await second.close();
  relay.stop();
  elsewhere.stop();
});

test("a request on the channel naming another database is not answered", async () => {
  const owner = fakeSession();
  const relay = serveRelay("relay-addressed", owner);
  const channel = new BroadcastChannel(relayChannelName("relay-addressed"));
  channel.postMessage({ kind: "request", database: "someone-else", client: "c", id: 0, operation: "ListTables", request: {} } satisfies RelayMessage);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(owner.calls.length, 0);
  channel.close();
  relay.stop();
});

test("without an owning tab, a request times out with a clear error", async () => {
  const client = new RelaySession("relay-nobody", 30);
  const outcome = await client.send("ListTables", {});
  assert.equal(!outcome.ok && outcome.error.name, "RelayTimeoutError");
  assert.match(!outcome.ok ? outcome.error.message : "", /No tab answered for database "relay-nobody"/);
  await client.close();
});

test("when the owning tab stops, the client ends and later requests fail at once", async () => {
  const relay = serveRelay("relay-stop", fakeSession());
  const client = new RelaySession("relay-stop");
  const ended = new Promise((resolve) => client.addEventListener("ended", resolve));
  relay.stop();
  await ended;
  assert.equal(client.ended, true);
  const outcome = await client.send("ListTables", {});
  assert.equal(!outcome.ok && outcome.error.name, "RelayClosedError");
  await client.close();
});

test("a request the channel cannot copy fails at once with a clear error", async () => {
  const client = new RelaySession("relay-clone", 5_000);
  const outcome = await client.send("PutItem", { TableName: "T", Item: { f: () => 1 } as object });
  assert.equal(!outcome.ok && outcome.error.name, "RelayDataCloneError");
  await client.close();
});
