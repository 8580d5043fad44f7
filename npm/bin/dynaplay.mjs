#!/usr/bin/env node
// dynaplay serve [--port 8000] [--host 127.0.0.1] [--file PATH]
//   Serves DynamoDB's HTTP JSON protocol until Ctrl+C, backed by a Dynaplay database in
//   memory, or kept in the file PATH (every answered write is on disk). Point any SDK or
//   the AWS CLI at the printed endpoint; request signatures are accepted and not checked.
import { parseArgs } from "node:util";

const USAGE = "usage: dynaplay serve [--port 8000] [--host 127.0.0.1] [--file PATH]";

function fail(message) {
  console.error(`dynaplay: ${message}\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: "string", default: "8000" },
      host: { type: "string", default: "127.0.0.1" },
      file: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
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

const { Database, openFile, serve } = await import("../node.js");
let opened;
try {
  opened = values.file === undefined ? { db: Database.memory(), close: async () => {} } : openFile(values.file);
} catch (err) {
  fail(`cannot open ${values.file}: ${err.message}`);
}
let endpoint;
try {
  endpoint = await serve(opened.db, { port, host: values.host });
} catch (err) {
  await opened.close();
  fail(`cannot listen on ${values.host}:${port}: ${err.message}`);
}
const where = values.file === undefined ? "in memory" : `kept in ${values.file}`;
// performance.now() counts from this process's start.
console.log(`Dynaplay serving DynamoDB on ${endpoint.url} (${where}), listening after ${performance.now().toFixed(0)} ms`);
const stop = async () => {
  await endpoint.close();
  await opened.close();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
