// <dynaplay-snippet> in headless Chromium (www/src/snippet.ts): snippets added to a page that
// loads dist/playground.js (a lesson page, under its Content-Security-Policy), checking the
// shared database, the preset applied once, page order, errors as DynamoDB answers them,
// code shown as text only, and the AWS SDK bundle loaded only when a js snippet runs.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { assertClean, startPageSuite, withPage } from "./browser.mjs";

let started;
before(async () => (started = await startPageSuite()));
after(() => started?.stop());

/** Runs BODY(page, requests) on a page with the bundle loaded (a lesson page, under its
 *  CSP); REQUESTS collects the paths it fetches. The page must stay clean. */
function withBundlePage(t, name, body) {
  return withPage(started.browser, `snippet-${name}`, async (page, seen) => {
    const requests = [];
    page.on("request", (request) => requests.push(new URL(request.url()).pathname));
    await page.goto(`${started.server.url}lessons/vpc-endpoints.html`);
    await page.waitForFunction(() => customElements.get("dynaplay-snippet") !== undefined);
    await body(page, requests);
    assertClean(t, seen);
  });
}

/** Adds snippets (each {id, text, attributes}) at the end of the page's main, in order. */
function addSnippets(page, snippets) {
  return page.evaluate((snippets) => {
    for (const { id, text, attributes } of snippets) {
      const el = document.createElement("dynaplay-snippet");
      el.id = id;
      for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
      el.textContent = text;
      document.querySelector("main").append(el);
    }
  }, snippets);
}

/** Waits until snippet ID has finished a run; resolves to what it shows and holds. */
async function finished(page, id) {
  await page.waitForFunction((id) => ["done", "error"].includes(document.getElementById(id)?.dataset.state), id);
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    return { state: el.dataset.state, results: el.results, output: el.output, text: el.querySelector("[data-testid=snippet-output]").textContent };
  }, id);
}

const PRESET = JSON.stringify({
  tables: [{ TableName: "Notes", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" }],
  items: { Notes: [{ id: { S: "n1" }, text: { S: "from the preset" } }] },
});

test("autorun snippets of one database share it, in page order, with the preset applied once", (t) =>
  withBundlePage(t, "shared", async (page) => {
    const shared = { database: "snippet-shared", autorun: "", preset: PRESET };
    await addSnippets(page, [
      { id: "put", text: `\n    PutItem\n    {"TableName": "Notes", "Item": {"id": {"S": "n2"}, "text": {"S": "from a snippet"}}}\n`, attributes: { ...shared, language: "api" } },
      { id: "select", text: `SELECT id FROM "Notes"`, attributes: { ...shared, language: "partiql" } },
      { id: "tables", text: "aws dynamodb list-tables", attributes: { ...shared, language: "cli" } },
      { id: "west", text: "aws dynamodb list-tables --region eu-west-1", attributes: { ...shared, language: "cli" } },
      { id: "other", text: "ListTables", attributes: { database: "snippet-other", language: "api", autorun: "" } },
    ]);
    assert.equal((await finished(page, "put")).state, "done");
    const select = await finished(page, "select");
    assert.deepEqual(select.output.Items.map((item) => item.id.S).sort(), ["n1", "n2"]);
    assert.deepEqual((await finished(page, "tables")).output.TableNames, ["Notes"]);
    assert.deepEqual((await finished(page, "west")).output.TableNames, [], "--region reaches eu-west-1, where Notes is not");
    assert.deepEqual((await finished(page, "other")).output.TableNames, [], "another database name is another database");
    // The preset is not applied again to a database that has tables (a second page visit).
    await addSnippets(page, [{ id: "again", text: `SELECT id FROM "Notes"`, attributes: { ...shared, language: "partiql", preset: PRESET.replace("from the preset", "twice") } }]);
    await page.locator("#again [data-testid=snippet-run]").click();
    assert.equal((await finished(page, "again")).output.Items.length, 2);
  }));

test("a failed request shows DynamoDB's error body; the run stops there", (t) =>
  withBundlePage(t, "errors", async (page) => {
    await addSnippets(page, [
      { id: "missing", text: 'GetItem {"TableName": "Nope", "Key": {"id": {"S": "x"}}}\nListTables', attributes: { database: "snippet-errors", language: "api", autorun: "" } },
    ]);
    const ran = await finished(page, "missing");
    assert.equal(ran.state, "error");
    assert.equal(ran.results.length, 1, "ListTables did not run after the failure");
    assert.deepEqual(JSON.parse(ran.text), { __type: "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", message: "Requested resource not found" });
  }));

test("code is shown as text: markup in it is never parsed, and unreadable code says why", (t) =>
  withBundlePage(t, "text", async (page) => {
    const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    await addSnippets(page, [{ id: "hostile", text: hostile, attributes: { database: "snippet-hostile", language: "api", autorun: "" } }]);
    const ran = await finished(page, "hostile");
    assert.equal(ran.state, "error");
    assert.equal(ran.text, "The snippet could not be read: Start with the operation name at the beginning of a line, such as PutItem, then its request JSON.");
    const code = page.locator("#hostile [data-testid=snippet-code]");
    assert.equal(await code.textContent(), hostile);
    assert.equal(await page.locator("#hostile img, #hostile script").count(), 0);
  }));

test("a js snippet runs the real AWS SDK, loaded only when it first runs; SDK errors show DynamoDB's body", (t) =>
  withBundlePage(t, "js", async (page, requests) => {
    assert.ok(!requests.some((path) => path.endsWith("/snippet-sdk.js")), "the SDK bundle is not loaded before a js snippet runs");
    const code = `
      const { Item } = await docClient.send(new GetCommand({ TableName: "Notes", Key: { id: "n1" } }));
      let refused;
      try {
        await client.send(new PutItemCommand({ TableName: "Notes", Item: { id: { S: "n1" } }, ConditionExpression: "attribute_not_exists(id)" }));
      } catch (err) {
        refused = err instanceof ConditionalCheckFailedException;
      }
      return { text: Item.text, refused, streams: typeof streamsClient.send };
    `;
    await addSnippets(page, [
      { id: "sdk", text: code, attributes: { database: "snippet-js", language: "js", preset: PRESET, autorun: "" } },
      { id: "throws", text: `await client.send(new DeleteTableCommand({ TableName: "Missing" }));`, attributes: { database: "snippet-js", language: "js", autorun: "" } },
      { id: "raw", text: `return send("Dynaplay.Configure", { Nope: 1 });`, attributes: { database: "snippet-js", language: "js", autorun: "" } },
    ]);
    const sdk = await finished(page, "sdk");
    assert.equal(sdk.state, "done", "the code caught the refusal");
    assert.deepEqual(sdk.output, { text: "from the preset", refused: true, streams: "function" });
    assert.deepEqual(sdk.results.map((r) => [r.operation, r.ok]), [["GetItem", true], ["PutItem", false]]);
    assert.ok(requests.some((path) => path.endsWith("/dist/snippet-sdk.js")));
    const thrown = await finished(page, "throws");
    assert.equal(thrown.state, "error");
    assert.equal(JSON.parse(thrown.text).__type, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");
    // send() speaks to the engine directly: its error is shown as DynamoDB's body too.
    const raw = await finished(page, "raw");
    assert.equal(raw.state, "error");
    assert.equal(raw.output.__type, raw.results[0].error.__type);
    assert.match(raw.output.__type, /SerializationException$/);
  }));

test("Start over (<dynaplay-reset>) deletes the database and reloads the page", (t) =>
  withBundlePage(t, "reset", async (page) => {
    const table = { TableName: "Scratch", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" };
    await addSnippets(page, [{ id: "scratch", text: `CreateTable ${JSON.stringify(table)}`, attributes: { database: "lesson-vpc-endpoints", language: "api", autorun: "" } }]);
    assert.equal((await finished(page, "scratch")).state, "done");
    await Promise.all([page.waitForEvent("load"), page.getByTestId("snippet-reset").click()]);
    await page.waitForFunction(() => document.querySelector("dynaplay-playground")?.dataset.ready === "true");
    await page.locator("#endpoints-cli [data-testid=snippet-code]").fill("aws dynamodb list-tables");
    await page.locator("#endpoints-cli [data-testid=snippet-run]").click();
    assert.deepEqual((await finished(page, "endpoints-cli")).output, { TableNames: [] });
  }));
