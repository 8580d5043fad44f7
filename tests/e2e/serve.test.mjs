// `dynaplay serve` from the built package (dist-npm/bin/dynaplay.mjs): DynamoDB's HTTP JSON
// protocol on 127.0.0.1, spoken to by real clients over real HTTP: the AWS SDK for
// JavaScript v3, and boto3 and the AWS CLI when Python has them (scripts/setup.sh test
// installs them into .venv-clients/; without them those steps skip with a message).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { ConditionalCheckFailedException, CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, TransactionCanceledException, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient, ListStreamsCommand } from "@aws-sdk/client-dynamodb-streams";
import { repo } from "./browser.mjs";

const BIN = join(repo, "dist-npm", "bin", "dynaplay.mjs");
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };

/** Starts `dynaplay serve --port 0 ARGS`; resolves to { url, startMs, child, stop, kill }. */
function startServe(...args) {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const ended = (signal) => async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`dynaplay serve printed no endpoint within 10 s: ${seen}`)), 10_000);
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      seen += chunk;
      const match = /on (http:\/\/127\.0\.0\.1:\d+) .* listening after (\d+) ms/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], startMs: Number(match[2]), child, stop: ended("SIGTERM"), kill: ended("SIGKILL") });
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk) => (seen += chunk));
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`dynaplay serve exited with ${code}: ${seen}`));
    });
  });
}

const clientFor = (url) => new DynamoDBClient({ region: "us-east-1", endpoint: url, credentials, maxAttempts: 1 });

const createTable = (client) =>
  client.send(
    new CreateTableCommand({
      TableName: "Things",
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
    }),
  );

test("the AWS SDK speaks to `dynaplay serve` over HTTP: items, errors by class, streams", async (t) => {
  const server = await startServe();
  t.diagnostic(`in-memory serve: listening after ${server.startMs} ms`);
  try {
    const client = clientFor(server.url);
    await createTable(client);
    await client.send(new PutItemCommand({ TableName: "Things", Item: { pk: { S: "a" }, n: { N: "1" } } }));
    const { Item } = await client.send(new GetItemCommand({ TableName: "Things", Key: { pk: { S: "a" } } }));
    assert.deepEqual(Item, { pk: { S: "a" }, n: { N: "1" } });
    await assert.rejects(client.send(new PutItemCommand({ TableName: "Things", Item: { pk: { S: "a" } }, ConditionExpression: "attribute_not_exists(pk)" })), (err) => {
      assert.ok(err instanceof ConditionalCheckFailedException);
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
    await assert.rejects(
      client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: "Things", Item: { pk: { S: "a" } }, ConditionExpression: "attribute_not_exists(pk)" } }] })),
      (err) => err instanceof TransactionCanceledException && err.CancellationReasons[0].Code === "ConditionalCheckFailed",
    );
    const streams = new DynamoDBStreamsClient({ region: "us-east-1", endpoint: server.url, credentials });
    assert.equal((await streams.send(new ListStreamsCommand({ TableName: "Things" }))).Streams.length, 1);

    const rounds = 200;
    const started = performance.now();
    for (let i = 0; i < rounds; i++) await client.send(new GetItemCommand({ TableName: "Things", Key: { pk: { S: "a" } } }));
    t.diagnostic(`GetItem over HTTP through the SDK: ${((performance.now() - started) / rounds).toFixed(2)} ms per request (${rounds} sequential)`);
  } finally {
    await server.stop();
  }
});

test("the protocol's details: headers, CRC32, unknown targets, health check", async () => {
  const server = await startServe();
  try {
    const post = (target, body) => fetch(server.url, { method: "POST", headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": target }, body });
    const listed = await post("DynamoDB_20120810.ListTables", "{}");
    assert.equal(listed.status, 200);
    assert.equal(listed.headers.get("content-type"), "application/x-amz-json-1.0");
    assert.match(listed.headers.get("x-amzn-requestid"), /^[A-Z0-9]{52}$/);
    const text = await listed.text();
    assert.equal(text, '{"TableNames":[]}');
    assert.equal(listed.headers.get("x-amz-crc32"), String(crc32(text)));
    const unknown = await post("DynamoDB_20120810.Teleport", "{}");
    assert.equal(unknown.status, 400);
    assert.equal(unknown.headers.get("x-amzn-errortype"), "UnknownOperationException");
    assert.equal((await unknown.json()).__type, "com.amazon.coral.service#UnknownOperationException");
    const garbled = await post("DynamoDB_20120810.ListTables", "{not json");
    assert.equal(garbled.status, 400);
    assert.equal((await garbled.json()).__type, "com.amazon.coral.service#SerializationException");
    const health = await fetch(server.url);
    assert.equal(await health.text(), "healthy: dynaplay");
  } finally {
    await server.stop();
  }
});

test("--file keeps the database: answered writes survive a clean stop and a SIGKILL; one process per file", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "dynaplay-serve-"));
  const file = join(dir, "db.dynaplay");
  try {
    let server = await startServe("--file", file);
    t.diagnostic(`file serve (new file): listening after ${server.startMs} ms`);
    let client = clientFor(server.url);
    await createTable(client);
    await client.send(new PutItemCommand({ TableName: "Things", Item: { pk: { S: "kept" } } }));
    await assert.rejects(startServe("--file", file), /is in use by process \d+/);
    await server.stop();

    server = await startServe("--file", file);
    client = clientFor(server.url);
    assert.deepEqual((await client.send(new GetItemCommand({ TableName: "Things", Key: { pk: { S: "kept" } } }))).Item, { pk: { S: "kept" } });
    const puts = 50;
    const started = performance.now();
    for (let i = 0; i < puts; i++) await client.send(new PutItemCommand({ TableName: "Things", Item: { pk: { S: `k${i}` } } }));
    t.diagnostic(`PutItem over HTTP with --file (fsync per batch): ${((performance.now() - started) / puts).toFixed(2)} ms per request`);
    await server.kill();

    server = await startServe("--file", file);
    t.diagnostic(`file serve (reopened after SIGKILL, ${puts + 1} items): listening after ${server.startMs} ms`);
    client = clientFor(server.url);
    const { Item } = await client.send(new GetItemCommand({ TableName: "Things", Key: { pk: { S: `k${puts - 1}` } } }));
    assert.deepEqual(Item, { pk: { S: `k${puts - 1}` } }, "the last answered write survived SIGKILL");
    await server.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("--file drops a batch a crash cut short, and refuses a file that is not a database", async () => {
  const dir = await mkdtemp(join(tmpdir(), "dynaplay-serve-"));
  const file = join(dir, "db.dynaplay");
  try {
    let server = await startServe("--file", file);
    await createTable(clientFor(server.url));
    await clientFor(server.url).send(new PutItemCommand({ TableName: "Things", Item: { pk: { S: "answered" } } }));
    await server.stop();
    // What a crash in the middle of an append leaves: a last line without its newline.
    await appendFile(file, '[{"op":"putItem","tableId":"x","key":"00","val');
    server = await startServe("--file", file);
    const { Item } = await clientFor(server.url).send(new GetItemCommand({ TableName: "Things", Key: { pk: { S: "answered" } } }));
    assert.deepEqual(Item, { pk: { S: "answered" } });
    await server.stop();
    assert.doesNotMatch(await readFile(file, "utf8"), /"val$/, "opening compacted the torn batch away");

    await writeFile(file, "not a batch\n[]\n");
    await assert.rejects(startServe("--file", file), /is not a Dynaplay database file: line 1 is not a batch of writes/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** The Python that has boto3: .venv-clients/ (scripts/setup.sh test), else python3 on PATH. */
function pythonWithBoto3() {
  for (const python of [join(repo, ".venv-clients", "bin", "python3"), "python3"]) {
    if (python.includes("/") && !existsSync(python)) continue;
    if (spawnSync(python, ["-c", "import boto3"]).status === 0) return python;
  }
  return null;
}

test("boto3 and the AWS CLI use `dynaplay serve` as their endpoint", async (t) => {
  const python = pythonWithBoto3();
  if (!python) {
    t.skip("boto3 is not installed (scripts/setup.sh test installs it into .venv-clients/)");
    return;
  }
  const server = await startServe();
  try {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", AWS_DEFAULT_REGION: "us-east-1" };
    const result = spawnSync(python, [join(repo, "tests", "e2e", "boto3_client.py"), server.url], { env, encoding: "utf8" });
    assert.equal(result.status, 0, `boto3_client.py failed:\n${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /boto3: all checks passed/);
    const aws = [join(repo, ".venv-clients", "bin", "aws"), "aws"].find((cli) => spawnSync(cli, ["--version"]).status === 0);
    if (!aws) {
      t.diagnostic("the AWS CLI is not installed: its step is skipped");
      return;
    }
    const listed = spawnSync(aws, ["dynamodb", "list-tables", "--endpoint-url", server.url, "--output", "json"], { env, encoding: "utf8" });
    assert.equal(listed.status, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout).TableNames, ["Boto"]);
    const failed = spawnSync(aws, ["dynamodb", "describe-table", "--table-name", "Nope", "--endpoint-url", server.url], { env, encoding: "utf8" });
    assert.notEqual(failed.status, 0);
    assert.match(failed.stderr, /ResourceNotFoundException.*Requested resource not found/);
  } finally {
    await server.stop();
  }
});
