// The package's server example: `serve` started from code, then used over HTTP by the SDK.
import { Database, serve } from "dynaplay";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";

const endpoint = await serve(Database.memory(), { port: 0 });
const client = new DynamoDBClient({ region: "us-east-1", endpoint: endpoint.url, credentials: { accessKeyId: "x", secretAccessKey: "x" } });
const { TableNames } = await client.send(new ListTablesCommand({}));
await endpoint.close();
console.log(JSON.stringify({ TableNames, url: endpoint.url.replace(/\d+$/, "PORT") }));
