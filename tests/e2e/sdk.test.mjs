// The real AWS SDK for JavaScript v3 (@aws-sdk/* from npm, unchanged) against Dynaplay in
// Node through the package's request handler (dist-npm/, built by scripts/build.sh): no
// network, the SDK's own serializers, exception classes and DocumentClient.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, ListStreamsCommand } from "@aws-sdk/client-dynamodb-streams";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand as DocQueryCommand } from "@aws-sdk/lib-dynamodb";

const { Database, dynaplayHandler } = await import(new URL("../../dist-npm/node.js", import.meta.url));

const config = (db, region = "us-east-1") => ({ region, credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }, requestHandler: dynaplayHandler(db) });

/** A fresh database with table Orders (customer, id), streams on, and its client. */
async function setUp() {
  const db = Database.memory();
  const client = new DynamoDBClient(config(db));
  const created = await client.send(
    new CreateTableCommand({
      TableName: "Orders",
      KeySchema: [
        { AttributeName: "customer", KeyType: "HASH" },
        { AttributeName: "id", KeyType: "RANGE" },
      ],
      AttributeDefinitions: [
        { AttributeName: "customer", AttributeType: "S" },
        { AttributeName: "id", AttributeType: "N" },
      ],
      BillingMode: "PAY_PER_REQUEST",
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
    }),
  );
  return { db, client, created };
}

test("CreateTable, PutItem, GetItem, Query and a conditional UpdateItem through DynamoDBClient", async () => {
  const { client, created } = await setUp();
  assert.equal(created.TableDescription.TableName, "Orders");
  assert.equal(created.$metadata.httpStatusCode, 200);
  assert.match(created.$metadata.requestId, /^[A-Z0-9]{52}$/);
  for (const id of ["1", "2", "3"]) {
    await client.send(new PutItemCommand({ TableName: "Orders", Item: { customer: { S: "ann" }, id: { N: id }, amount: { N: `${id}0` } } }));
  }
  const { Item } = await client.send(new GetItemCommand({ TableName: "Orders", Key: { customer: { S: "ann" }, id: { N: "2" } } }));
  assert.deepEqual(Item, { customer: { S: "ann" }, id: { N: "2" }, amount: { N: "20" } });
  const query = await client.send(
    new QueryCommand({ TableName: "Orders", KeyConditionExpression: "customer = :c AND id >= :from", ExpressionAttributeValues: { ":c": { S: "ann" }, ":from": { N: "2" } }, ScanIndexForward: false }),
  );
  assert.deepEqual(query.Items.map((item) => item.id.N), ["3", "2"]);
  assert.equal(query.Count, 2);
  const updated = await client.send(
    new UpdateItemCommand({
      TableName: "Orders",
      Key: { customer: { S: "ann" }, id: { N: "1" } },
      UpdateExpression: "SET amount = amount + :more",
      ConditionExpression: "amount = :was",
      ExpressionAttributeValues: { ":more": { N: "5" }, ":was": { N: "10" } },
      ReturnValues: "UPDATED_NEW",
    }),
  );
  assert.deepEqual(updated.Attributes, { amount: { N: "15" } });
});

test("a failed condition is a ConditionalCheckFailedException the SDK's class catches, with the old item", async () => {
  const { client } = await setUp();
  const item = { customer: { S: "bob" }, id: { N: "1" } };
  await client.send(new PutItemCommand({ TableName: "Orders", Item: item }));
  const error = await client
    .send(new PutItemCommand({ TableName: "Orders", Item: item, ConditionExpression: "attribute_not_exists(id)", ReturnValuesOnConditionCheckFailure: "ALL_OLD" }))
    .then(() => assert.fail("the put should have failed"), (err) => err);
  assert.ok(error instanceof ConditionalCheckFailedException);
  assert.ok(error instanceof DynamoDBServiceException);
  assert.equal(error.name, "ConditionalCheckFailedException");
  assert.equal(error.message, "The conditional request failed");
  assert.equal(error.$fault, "client");
  assert.equal(error.$metadata.httpStatusCode, 400);
  assert.deepEqual(error.Item, item);
});

test("a missing table is ResourceNotFoundException; a bad request a ValidationException", async () => {
  const client = new DynamoDBClient(config(Database.memory()));
  await assert.rejects(client.send(new GetItemCommand({ TableName: "Nope", Key: { k: { S: "x" } } })), (err) => {
    assert.ok(err instanceof ResourceNotFoundException);
    assert.equal(err.message, "Requested resource not found");
    return true;
  });
  await assert.rejects(client.send(new QueryCommand({ TableName: "Nope" })), (err) => {
    assert.equal(err.name, "ValidationException");
    assert.equal(err.$metadata.httpStatusCode, 400);
    return true;
  });
});

test("a cancelled TransactWriteItems carries its CancellationReasons in the SDK's exception", async () => {
  const { client } = await setUp();
  await client.send(new PutItemCommand({ TableName: "Orders", Item: { customer: { S: "cat" }, id: { N: "1" }, stock: { N: "0" } } }));
  const error = await client
    .send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: "Orders", Item: { customer: { S: "cat" }, id: { N: "2" } } } },
          {
            ConditionCheck: {
              TableName: "Orders",
              Key: { customer: { S: "cat" }, id: { N: "1" } },
              ConditionExpression: "stock > :zero",
              ExpressionAttributeValues: { ":zero": { N: "0" } },
              ReturnValuesOnConditionCheckFailure: "ALL_OLD",
            },
          },
        ],
      }),
    )
    .then(() => assert.fail("the transaction should have been cancelled"), (err) => err);
  assert.ok(error instanceof TransactionCanceledException);
  assert.match(error.message, /^Transaction cancelled, please refer cancellation reasons for specific reasons \[None, ConditionalCheckFailed\]$/);
  assert.deepEqual(error.CancellationReasons, [
    { Code: "None" },
    { Code: "ConditionalCheckFailed", Message: "The conditional request failed", Item: { customer: { S: "cat" }, id: { N: "1" }, stock: { N: "0" } } },
  ]);
  const { Item } = await client.send(new GetItemCommand({ TableName: "Orders", Key: { customer: { S: "cat" }, id: { N: "2" } } }));
  assert.equal(Item, undefined, "a cancelled transaction writes nothing");
});

test("DynamoDBDocumentClient marshalls plain JavaScript values both ways", async () => {
  const { client } = await setUp();
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const order = { customer: "dee", id: 7, lines: [{ sku: "A-1", qty: 2 }], tags: new Set(["gift"]), paid: true, note: null, skipped: undefined };
  await doc.send(new PutCommand({ TableName: "Orders", Item: order }));
  const raw = await client.send(new GetItemCommand({ TableName: "Orders", Key: { customer: { S: "dee" }, id: { N: "7" } } }));
  assert.deepEqual(raw.Item.lines, { L: [{ M: { sku: { S: "A-1" }, qty: { N: "2" } } }] });
  assert.deepEqual(raw.Item.tags, { SS: ["gift"] });
  const { Item } = await doc.send(new GetCommand({ TableName: "Orders", Key: { customer: "dee", id: 7 } }));
  assert.deepEqual(Item, { customer: "dee", id: 7, lines: [{ sku: "A-1", qty: 2 }], tags: new Set(["gift"]), paid: true, note: null });
  const { Items } = await doc.send(new DocQueryCommand({ TableName: "Orders", KeyConditionExpression: "customer = :c", ExpressionAttributeValues: { ":c": "dee" } }));
  assert.equal(Items.length, 1);
});

test("DynamoDBStreamsClient reads the table's stream records", async () => {
  const { db, client, created } = await setUp();
  await client.send(new PutItemCommand({ TableName: "Orders", Item: { customer: { S: "eve" }, id: { N: "1" } } }));
  await client.send(new UpdateItemCommand({ TableName: "Orders", Key: { customer: { S: "eve" }, id: { N: "1" } }, UpdateExpression: "SET paid = :t", ExpressionAttributeValues: { ":t": { BOOL: true } } }));
  const streams = new DynamoDBStreamsClient(config(db));
  const { Streams } = await streams.send(new ListStreamsCommand({ TableName: "Orders" }));
  assert.deepEqual(Streams.map((s) => s.StreamArn), [created.TableDescription.LatestStreamArn]);
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: Streams[0].StreamArn }));
  assert.equal(StreamDescription.StreamViewType, "NEW_AND_OLD_IMAGES");
  const { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({ StreamArn: Streams[0].StreamArn, ShardId: StreamDescription.Shards[0].ShardId, ShardIteratorType: "TRIM_HORIZON" }),
  );
  const { Records } = await streams.send(new GetRecordsCommand({ ShardIterator }));
  assert.deepEqual(Records.map((r) => r.eventName), ["INSERT", "MODIFY"]);
  assert.ok(Records[1].dynamodb.ApproximateCreationDateTime instanceof Date, "the SDK parses the record's timestamp");
  assert.deepEqual(Records[1].dynamodb.NewImage, { customer: { S: "eve" }, id: { N: "1" }, paid: { BOOL: true } });
  assert.deepEqual(Records[1].dynamodb.OldImage, { customer: { S: "eve" }, id: { N: "1" } });
});

test("ReturnConsumedCapacity reaches the SDK's output", async () => {
  const { client } = await setUp();
  const put = await client.send(new PutItemCommand({ TableName: "Orders", Item: { customer: { S: "fay" }, id: { N: "1" } }, ReturnConsumedCapacity: "TOTAL" }));
  assert.deepEqual(put.ConsumedCapacity, { TableName: "Orders", CapacityUnits: 1 });
  const get = await client.send(new GetItemCommand({ TableName: "Orders", Key: { customer: { S: "fay" }, id: { N: "1" } }, ConsistentRead: true, ReturnConsumedCapacity: "INDEXES" }));
  assert.deepEqual(get.ConsumedCapacity, { TableName: "Orders", CapacityUnits: 1, Table: { CapacityUnits: 1 } });
});

test("the client's access key id runs its requests as the principal that has it", async () => {
  const { db, client } = await setUp();
  await db.send("Dynaplay.PutPrincipal", {
    Name: "reader",
    AccessKeyId: "AKIAREADER00000001",
    Policies: [{ PolicyName: "read", PolicyDocument: { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" } } }],
  });
  const key = { customer: { S: "ann" }, id: { N: "1" } };
  await client.send(new PutItemCommand({ TableName: "Orders", Item: key }));
  const reader = new DynamoDBClient({ ...config(db), credentials: { accessKeyId: "AKIAREADER00000001", secretAccessKey: "secret" } });
  const { Item } = await reader.send(new GetItemCommand({ TableName: "Orders", Key: key }));
  assert.deepEqual(Item, key);
  const error = await reader.send(new PutItemCommand({ TableName: "Orders", Item: key })).catch((e) => e);
  assert.ok(error instanceof DynamoDBServiceException);
  assert.equal(error.name, "AccessDeniedException");
  assert.equal(error.$metadata.httpStatusCode, 400);
  assert.match(error.message, /^User: arn:aws:iam::000000000000:user\/reader is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/Orders because no identity-based policy allows the dynamodb:PutItem action$/);
});

test("dynaplayHandler(db, { dax }) reads through a DAX cluster: stale after a write that bypasses it", async () => {
  const { db, client } = await setUp();
  await db.send("Dynaplay.CreateDaxCluster", { ClusterName: "demo" });
  const viaDax = DynamoDBDocumentClient.from(new DynamoDBClient({ ...config(db), requestHandler: dynaplayHandler(db, { dax: "demo" }) }));
  const key = { customer: "bo", id: 1 };
  await viaDax.send(new PutCommand({ TableName: "Orders", Item: { ...key, state: "new" } }));
  assert.equal((await viaDax.send(new GetCommand({ TableName: "Orders", Key: key }))).Item.state, "new");
  await client.send(new UpdateItemCommand({ TableName: "Orders", Key: { customer: { S: "bo" }, id: { N: "1" } }, UpdateExpression: "SET #s = :s", ExpressionAttributeNames: { "#s": "state" }, ExpressionAttributeValues: { ":s": { S: "paid" } } }));
  assert.equal((await viaDax.send(new GetCommand({ TableName: "Orders", Key: key }))).Item.state, "new", "the item cache is stale");
  assert.equal((await viaDax.send(new GetCommand({ TableName: "Orders", Key: key, ConsistentRead: true }))).Item.state, "paid");
  const { Clusters } = await db.send("Dynaplay.DescribeDaxClusters", {});
  assert.equal(Clusters[0].Statistics.ItemCacheHits, 2);
  assert.equal(Clusters[0].LastRequest.Cache, "PASS_THROUGH");
});

test("clients of two Regions see a global table's replicas: stale, then converged after the replication delay", async () => {
  const { db, client: east } = await setUp();
  const west = new DynamoDBClient(config(db, "eu-west-1"));
  await db.send("Dynaplay.SetClock", { Rate: 0 });
  await east.send(new UpdateTableCommand({ TableName: "Orders", ReplicaUpdates: [{ Create: { RegionName: "eu-west-1" } }] }));
  const key = { customer: { S: "bo" }, id: { N: "1" } };
  await east.send(new PutItemCommand({ TableName: "Orders", Item: { ...key, amount: { N: "5" } } }));
  const stale = await west.send(new GetItemCommand({ TableName: "Orders", Key: key, ConsistentRead: true }));
  assert.equal(stale.Item, undefined);
  await db.send("Dynaplay.SetClock", { AdvanceMillis: 1000 });
  const converged = await west.send(new GetItemCommand({ TableName: "Orders", Key: key }));
  assert.deepEqual(converged.Item, { ...key, amount: { N: "5" } });
  const { Table } = await west.send(new DescribeTableCommand({ TableName: "Orders" }));
  assert.equal(Table.TableArn, "arn:aws:dynamodb:eu-west-1:000000000000:table/Orders");
  assert.deepEqual(Table.Replicas, [{ RegionName: "us-east-1", ReplicaStatus: "ACTIVE" }]);
});
