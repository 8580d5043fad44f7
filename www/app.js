// The Dynaplay playground page: a table list and a request console over the engine.
//
// The engine is the wasm module in ./pkg (built by scripts/build.sh). Its JS API:
//   await init();                                // fetch and instantiate dynaplay_bg.wasm
//   const db = await Database.open(name);        // IndexedDB-backed database
//   const response = await db.send(operation, requestJsonOrObject);
//   // rejects with an Error: .name / .code = short exception name, .__type, .message
//   db.close();
//
// Everything the engine or the user supplies is rendered with textContent, never as HTML.
// All URLs are relative, so www/ works from any static host.

const $ = (id) => document.getElementById(id);

const ui = {
  status: $("status"),
  dbName: $("db-name"),
  tableList: $("table-list"),
  tablesEmpty: $("tables-empty"),
  refreshTables: $("refresh-tables"),
  form: $("console-form"),
  operation: $("operation"),
  request: $("request"),
  run: $("run"),
  resetExample: $("reset-example"),
  output: $("output"),
  outputMeta: $("output-meta"),
  error: $("error"),
  errorName: $("error-name"),
  errorMessage: $("error-message"),
  response: $("response"),
};

const params = new URLSearchParams(location.search);
const dbName = params.get("db") || "playground";

let db = null; // the open Database, once the engine is loaded
let busy = false;
let tableNames = [];
/** The table the examples are written for: the picked one, or the Music example table. */
let current = null;
/** Requests the user edited, by operation, so switching operations loses nothing. */
const drafts = new Map();

// ---------------------------------------------------------------------------------------
// Example requests

/** The table the examples use until the user picks or creates one (from the AWS docs). */
const MUSIC = {
  name: "Music",
  arn: null,
  key: [
    { name: "Artist", keyType: "HASH", type: "S", sample: "No One You Know" },
    { name: "SongTitle", keyType: "RANGE", type: "S", sample: "Call Me Today" },
  ],
  extra: { AlbumTitle: { S: "Somewhat Famous" }, Year: { N: "2015" } },
};

/** Non-key attributes for the example item of any other table. */
const EXTRA = { Note: { S: "Hello from Dynaplay" }, Count: { N: "1" } };

const SAMPLE_BY_TYPE = { S: ["item-1", "a"], N: ["1", "1"], B: ["AQID", "BAUG"] };

/** Reads the parts of a TableDescription the examples need. */
function tableFromDescription(description) {
  const types = new Map(
    (description.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]),
  );
  const key = (description.KeySchema ?? []).map((k) => {
    const type = types.get(k.AttributeName) ?? "S";
    return {
      name: k.AttributeName,
      keyType: k.KeyType,
      type,
      sample: (SAMPLE_BY_TYPE[type] ?? SAMPLE_BY_TYPE.S)[k.KeyType === "HASH" ? 0 : 1],
    };
  });
  const table = { name: description.TableName, arn: description.TableArn ?? null, key, extra: EXTRA };
  // The Music table of the examples keeps its friendlier sample values.
  const sameKey = (a, b) =>
    a.length === b.length &&
    a.every((k, i) => k.name === b[i].name && k.keyType === b[i].keyType && k.type === b[i].type);
  return sameKey(key, MUSIC.key) ? { ...table, key: MUSIC.key, extra: MUSIC.extra } : table;
}

function keyOf(table) {
  return Object.fromEntries(table.key.map((k) => [k.name, { [k.type]: k.sample }]));
}

function itemOf(table) {
  const extra = { ...table.extra };
  for (const k of table.key) delete extra[k.name];
  return { ...keyOf(table), ...extra };
}

function arnOf(table) {
  return table.arn ?? `arn:aws:dynamodb:us-east-1:000000000000:table/${table.name}`;
}

function example(operation) {
  const t = current ?? MUSIC;
  const TableName = t.name;
  switch (operation) {
    case "CreateTable":
      // A new name, so the example runs as it is even when the current table exists.
      return {
        TableName: current ? `${current.name}Copy` : MUSIC.name,
        AttributeDefinitions: t.key.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        KeySchema: t.key.map((k) => ({ AttributeName: k.name, KeyType: k.keyType })),
        BillingMode: "PAY_PER_REQUEST",
      };
    case "DescribeTable":
    case "DeleteTable":
      return { TableName };
    case "ListTables":
      return { Limit: 10 };
    case "UpdateTable":
      return {
        TableName,
        BillingMode: "PROVISIONED",
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      };
    case "PutItem":
      return { TableName, Item: itemOf(t) };
    case "GetItem":
      return { TableName, Key: keyOf(t) };
    case "DeleteItem":
      return { TableName, Key: keyOf(t), ReturnValues: "ALL_OLD" };
    case "TagResource":
      return { ResourceArn: arnOf(t), Tags: [{ Key: "Owner", Value: "blueTeam" }] };
    case "UntagResource":
      return { ResourceArn: arnOf(t), TagKeys: ["Owner"] };
    case "ListTagsOfResource":
      return { ResourceArn: arnOf(t) };
    default: // DescribeLimits, DescribeEndpoints
      return {};
  }
}

const exampleText = (operation) => JSON.stringify(example(operation), null, 2);

function showRequestFor(operation) {
  ui.request.value = drafts.get(operation) ?? exampleText(operation);
}

// ---------------------------------------------------------------------------------------
// Output

function setStatus(state, text) {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
}

function finishRun(result, metaText) {
  ui.output.dataset.result = result;
  ui.outputMeta.textContent = metaText;
  // The end-to-end tests wait for this counter: it moves once per finished run.
  ui.output.dataset.seq = String(Number(ui.output.dataset.seq) + 1);
}

function showResponse(operation, response, ms) {
  ui.error.hidden = true;
  ui.errorName.textContent = "";
  ui.errorMessage.textContent = "";
  ui.response.textContent = JSON.stringify(response, null, 2);
  finishRun("ok", `${operation} succeeded in ${ms} ms.`);
}

function showError(operation, err, ms) {
  const name = (err && (err.code || err.name)) || "Error";
  const message = err && typeof err === "object" && "message" in err ? String(err.message) : String(err);
  ui.errorName.textContent = name;
  ui.errorMessage.textContent = message;
  ui.error.hidden = false;
  // The body DynamoDB would have answered with, when the engine said which exception it is.
  ui.response.textContent =
    err && err.__type ? JSON.stringify({ __type: err.__type, message }, null, 2) : "";
  const when = ms === null ? "was not sent" : `failed in ${ms} ms`;
  finishRun("error", `${operation} ${when}.`);
}

// ---------------------------------------------------------------------------------------
// Table list

function renderTables() {
  ui.tableList.replaceChildren(
    ...tableNames.map((name) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "table-button";
      button.textContent = name;
      button.dataset.table = name;
      button.setAttribute("aria-pressed", String(current?.name === name));
      button.addEventListener("click", () => pickTable(name));
      li.append(button);
      return li;
    }),
  );
  ui.tablesEmpty.hidden = tableNames.length > 0;
}

async function refreshTables() {
  if (!db) return;
  const names = [];
  try {
    let start;
    do {
      const page = await db.send("ListTables", start ? { ExclusiveStartTableName: start } : {});
      names.push(...(page.TableNames ?? []));
      start = page.LastEvaluatedTableName;
    } while (start);
  } catch (err) {
    ui.tablesEmpty.hidden = false;
    ui.tablesEmpty.textContent = `Could not list tables: ${err?.name ?? "Error"}: ${err?.message ?? err}`;
    return;
  }
  ui.tablesEmpty.textContent = "No tables yet.";
  tableNames = names;
  if (current && !names.includes(current.name)) current = null;
  renderTables();
}

/** Picking a table in the list describes it, and the examples follow it from then on. */
async function pickTable(name) {
  ui.operation.value = "DescribeTable";
  drafts.delete("DescribeTable");
  ui.request.value = JSON.stringify({ TableName: name }, null, 2);
  await run();
}

/** Keeps the examples in step with the table the last request described. */
function learnFrom(operation, response) {
  const description = response?.TableDescription ?? response?.Table;
  if (description?.TableName && operation !== "DeleteTable") {
    current = tableFromDescription(description);
  }
}

// ---------------------------------------------------------------------------------------
// Running a request

async function run() {
  if (!db || busy) return;
  const operation = ui.operation.value;
  const text = ui.request.value.trim() || "{}";
  try {
    JSON.parse(text);
  } catch (err) {
    showError(operation, { name: "Invalid JSON", message: `${err.message} (checked in the page)` }, null);
    return;
  }
  busy = true;
  ui.run.disabled = true;
  ui.output.setAttribute("aria-busy", "true");
  const started = performance.now();
  let outcome;
  try {
    const response = await db.send(operation, text);
    outcome = { ok: true, response: typeof response === "string" ? JSON.parse(response) : response };
  } catch (err) {
    outcome = { ok: false, err };
  }
  const ms = Math.round(performance.now() - started);
  if (outcome.ok) learnFrom(operation, outcome.response);
  if (!outcome.ok && outcome.err instanceof WebAssembly.RuntimeError) {
    // A panic poisons the module: nothing more can run in this page.
    setStatus("error", "The engine stopped after an internal error (a bug). Reload the page to continue.");
    db = null;
  }
  await refreshTables();
  busy = false;
  ui.run.disabled = !db;
  ui.output.removeAttribute("aria-busy");
  if (outcome.ok) showResponse(operation, outcome.response, ms);
  else showError(operation, outcome.err, ms);
}

// ---------------------------------------------------------------------------------------
// Wiring

ui.dbName.textContent = dbName;
showRequestFor(ui.operation.value);

ui.operation.addEventListener("change", () => showRequestFor(ui.operation.value));
ui.request.addEventListener("input", () => drafts.set(ui.operation.value, ui.request.value));
ui.resetExample.addEventListener("click", () => {
  drafts.delete(ui.operation.value);
  showRequestFor(ui.operation.value);
  ui.request.focus();
});
ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});
ui.form.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    run();
  }
});
ui.refreshTables.addEventListener("click", () => refreshTables());

// Release the database when the page goes away, and reopen it if the page comes back
// from the back/forward cache.
addEventListener("pagehide", () => {
  db?.close();
  db = null;
});
addEventListener("pageshow", (event) => {
  if (event.persisted) location.reload();
});

async function start() {
  let engine;
  try {
    engine = await import("./pkg/dynaplay.js");
    await engine.default();
  } catch (err) {
    setStatus("error", `Could not load the engine from pkg/: ${err?.message ?? err}. Build it with "make play".`);
    return;
  }
  try {
    db = await engine.Database.open(dbName);
  } catch (err) {
    const name = err?.code || err?.name || "Error";
    setStatus("error", `Cannot open the database "${dbName}". ${name}: ${err?.message ?? err}`);
    return;
  }
  // For the browser's devtools console: await dynaplay.db.send("ListTables", {})
  globalThis.dynaplay = { db, Database: engine.Database };
  ui.run.disabled = false;
  ui.refreshTables.disabled = false;
  await refreshTables();
  setStatus("ready", `Ready: database "${dbName}", kept in this browser's IndexedDB.`);
}

start();
