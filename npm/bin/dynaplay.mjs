#!/usr/bin/env node
// dynaplay serve [--port 8000] [--host 127.0.0.1]
//   Serves DynamoDB's HTTP JSON protocol, backed by an in-memory Dynaplay database, until
//   Ctrl+C. Point any SDK or the AWS CLI at the printed endpoint; signatures are not checked.
import { parseArgs } from "node:util";

const USAGE = "usage: dynaplay serve [--port 8000] [--host 127.0.0.1]";

function fail(message) {
  console.error(`dynaplay: ${message}\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { port: { type: "string", default: "8000" }, host: { type: "string", default: "127.0.0.1" }, help: { type: "boolean", short: "h" } },
  });
} catch (err) {
  fail(err.message);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length !== 1 || positionals[0] !== "serve") fail("the one command is `serve`");
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not '${values.port}'`);

const { Database, serve } = await import("../node.js");
let endpoint;
try {
  endpoint = await serve(Database.memory(), { port, host: values.host });
} catch (err) {
  fail(`cannot listen on ${values.host}:${port}: ${err.message}`);
}
// performance.now() counts from this process's start.
console.log(`Dynaplay serving DynamoDB on ${endpoint.url} (in memory), listening after ${performance.now().toFixed(0)} ms`);
const stop = () => endpoint.close().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
