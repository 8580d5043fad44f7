// The AWS SDK for JavaScript v3 for <dynaplay-snippet language="js">: its own bundle
// (www/dist/snippet-sdk.js, built by scripts/build-web.mjs from the @aws-sdk packages),
// loaded only when a js snippet first runs, so pages without one never download it.
//
// `sdkScope` is what a js snippet's code sees: `client` (a DynamoDBClient whose requests go
// to the page's database through dynaplayHandler, no network), `docClient` (its
// DynamoDBDocumentClient), `streamsClient` (DynamoDBStreamsClient), `config` (their
// settings, to make another client), every export of @aws-sdk/client-dynamodb (commands,
// exception classes), the exports of @aws-sdk/lib-dynamodb and
// @aws-sdk/client-dynamodb-streams whose names client-dynamodb does not use (GetCommand,
// PutCommand, GetRecordsCommand...), and the three modules whole as `sdk`, `lib`, `streams`
// (lib.QueryCommand is the DocumentClient's QueryCommand).
import * as sdk from "@aws-sdk/client-dynamodb";
import * as streams from "@aws-sdk/client-dynamodb-streams";
import * as lib from "@aws-sdk/lib-dynamodb";
import { type DynaplayDatabase, dynaplayHandler } from "./sdkhandler";

/** The exports of MODULE usable as parameter names of the snippet's function. */
function named(module: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(module).filter(([name]) => name !== "default" && /^[A-Za-z_$][\w$]*$/.test(name)));
}

/** The names a js snippet's code runs with, its clients sending to DB and configured for
 *  REGION (the snippet's `region` attribute; us-east-1 without one). */
export function sdkScope(db: DynaplayDatabase, region = "us-east-1"): Record<string, unknown> {
  const config = {
    region,
    credentials: { accessKeyId: "DYNAPLAYEXAMPLE", secretAccessKey: "dynaplay" },
    requestHandler: dynaplayHandler(db),
  };
  const client = new sdk.DynamoDBClient(config);
  return {
    ...named(streams),
    ...named(lib),
    ...named(sdk),
    sdk,
    lib,
    streams,
    config,
    client,
    docClient: lib.DynamoDBDocumentClient.from(client),
    streamsClient: new streams.DynamoDBStreamsClient(config),
  };
}
