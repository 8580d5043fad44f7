// End-to-end tests of the playground page (www/) in headless Chromium.
//
//   node --test tests/e2e/          (after scripts/build.sh has built www/pkg and www/dist)
//
// One scenario per panel, plus persistence, databases, the second-tab refusal, narrow and
// dark layouts. Every scenario ends by checking that the page logged no console errors,
// threw nothing and opened no dialog. Screenshots land in test-output/ (one per panel).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  assertClean,
  confirmInPage,
  editorText,
  expectOk,
  openPlayground,
  outputDir,
  pickConsoleMode,
  runRequest,
  setEditor,
  showPanel,
  startPageSuite,
  tableListNames,
  waitForStatus,
  waitUntilReady,
  withPage as withPageOf,
} from "./browser.mjs";

let server;
let browser;

let suite;

/** Runs BODY(page, seen) on a new page; saves test-output/NAME-failed.png on failure. */
const withPage = (name, body, options) => withPageOf(browser, name, body, options);

async function screenshot(t, page, name, options = {}) {
  const path = join(outputDir, `${name}.png`);
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path, ...options });
  t.diagnostic(`screenshot: ${path}`);
}

const HOSTILE_SCRIPT = "<script>alert(1)</script>";
const HOSTILE_IMG = '<img src=x onerror="alert(2)">';

/** Creates a table through the designer form (on-demand, or provisioned { read, write }). */
async function createTableInDesigner(page, { name, pk, sk = null, provisioned = null }) {
  await showPanel(page, "designer");
  if (await page.getByTestId("designer-new").isVisible()) await page.getByTestId("designer-new").click();
  await page.getByTestId("designer-table-name").fill(name);
  await page.getByTestId("designer-pk-name").fill(pk);
  await page.getByTestId("designer-has-sort").setChecked(sk !== null);
  if (sk) await page.getByTestId("designer-sk-name").fill(sk);
  if (provisioned) {
    await page.getByTestId("create-PROVISIONED").check();
    await page.getByTestId("designer-rcu").fill(String(provisioned.read));
    await page.getByTestId("designer-wcu").fill(String(provisioned.write));
  }
  await page.getByTestId("designer-create").click();
  await page.getByTestId("designer-edit-title").filter({ hasText: `Table ${name}` }).waitFor();
}

/** Creates the Music table (Artist, SongTitle) with three songs, through the API console. */
async function createMusic(page) {
  expectOk(await runRequest(page, "CreateTable", {
    TableName: "Music",
    AttributeDefinitions: [{ AttributeName: "Artist", AttributeType: "S" }, { AttributeName: "SongTitle", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "Artist", KeyType: "HASH" }, { AttributeName: "SongTitle", KeyType: "RANGE" }],
    BillingMode: "PAY_PER_REQUEST",
  }), "CreateTable Music");
  const song = (artist, title, year) => ({ PutRequest: { Item: { Artist: { S: artist }, SongTitle: { S: title }, Year: { N: String(year) } } } });
  expectOk(await runRequest(page, "BatchWriteItem", {
    RequestItems: { Music: [song("Acme Band", "Happy Day", 2019), song("Acme Band", "Rainy Night", 2021), song("No One You Know", "Call Me Today", 2015)] },
  }), "BatchWriteItem Music");
}

/** Does ACT (which runs something in the Console) and waits for the run to finish; returns what it shows. */
async function runIn(page, act) {
  const output = page.getByTestId("output");
  const before = Number(await output.getAttribute("data-seq"));
  await act();
  await page.waitForFunction((seq) => Number(document.querySelector("[data-testid=output]").dataset.seq) > seq, before);
  return {
    result: await output.getAttribute("data-result"),
    responseText: (await page.getByTestId("response").textContent()) ?? "",
    metrics: (await page.getByTestId("metrics").isVisible()) ? await page.getByTestId("metrics").textContent() : "",
  };
}

describe("playground page", { timeout: 240_000 }, () => {
  before(async () => {
    suite = await startPageSuite();
    ({ server, browser } = suite);
  });

  after(() => suite?.stop());

  test("the console is interactive soon after navigation", (t) =>
    withPage("timing", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-timing#console`);
      const ms = await page.evaluate(() => {
        const mark = performance.getEntriesByName("dynaplay:console-interactive")[0];
        return mark ? Math.round(mark.startTime) : null;
      });
      assert.ok(ms !== null, "the page set no dynaplay:console-interactive mark");
      const nav = await page.evaluate(() => {
        const n = performance.getEntriesByType("navigation")[0];
        return { domContentLoaded: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd) };
      });
      const line = `navigation -> interactive console: ${ms} ms (DOMContentLoaded ${nav.domContentLoaded} ms, load ${nav.load} ms)`;
      t.diagnostic(line);
      assert.equal(await page.getByTestId("run").isEnabled(), true);
      assertClean(t, seen);
    }));

  test("designer: live preview, inline validation errors, create, update and delete a table", (t) =>
    withPage("designer", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-designer#designer`);
      const preview = page.getByTestId("designer-preview");

      // Live preview follows the form.
      await page.getByTestId("designer-table-name").fill("ab");
      assert.equal(JSON.parse(await preview.textContent()).TableName, "ab");

      // The engine's validation error lands next to the table name field.
      await page.getByTestId("designer-create").click();
      const nameError = page.getByTestId("field-error-tableName");
      await nameError.waitFor({ state: "visible" });
      assert.match(await nameError.textContent(), /ValidationException: .*'tableName'.*length greater than or equal to 3/);
      assert.equal(await page.getByTestId("designer-table-name").getAttribute("aria-invalid"), "true");

      // Provisioned with 0 read units: the error sits at the read capacity field.
      await page.getByTestId("designer-table-name").fill("Music");
      await page.getByTestId("create-PROVISIONED").check();
      await page.getByTestId("designer-rcu").fill("0");
      await page.getByTestId("designer-create").click();
      await page.getByTestId("field-error-readCapacity").waitFor({ state: "visible" });
      assert.equal(await nameError.isVisible(), false, "the old error is cleared");
      await page.getByTestId("designer-rcu").fill("5");

      await page.getByTestId("designer-deletion-protection").check();
      await page.getByTestId("designer-add-tag").click();
      await page.getByTestId("tag-key").fill("Owner");
      await page.getByTestId("tag-value").fill("blue team");
      const request = JSON.parse(await preview.textContent());
      assert.deepEqual(request, {
        TableName: "Music",
        AttributeDefinitions: [
          { AttributeName: "Artist", AttributeType: "S" },
          { AttributeName: "SongTitle", AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: "Artist", KeyType: "HASH" },
          { AttributeName: "SongTitle", KeyType: "RANGE" },
        ],
        BillingMode: "PROVISIONED",
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        DeletionProtectionEnabled: true,
        Tags: [{ Key: "Owner", Value: "blue team" }],
      });
      await page.getByTestId("designer-preview-cli").click();
      const cli = await preview.textContent();
      assert.match(cli, /^aws dynamodb create-table/);
      assert.match(cli, /--provisioned-throughput ReadCapacityUnits=5,WriteCapacityUnits=5/);
      assert.match(cli, /--deletion-protection-enabled/);
      await page.getByTestId("designer-preview-sdk").click();
      assert.match(await preview.textContent(), /new CreateTableCommand\(\{/);
      await page.getByTestId("designer-preview-json").click();

      await page.getByTestId("designer-create").click();
      await page.getByTestId("designer-edit-title").filter({ hasText: "Table Music" }).waitFor();
      assert.deepEqual(await tableListNames(page), ["Music"]);
      assert.match(await page.getByTestId("edit-result").textContent(), /Created table Music/);
      await screenshot(t, page, "designer", { fullPage: true });

      // UpdateTable: switch to on-demand and drop deletion protection.
      await page.getByTestId("edit-PAY_PER_REQUEST").check();
      await page.getByTestId("edit-deletion-protection").uncheck();
      assert.deepEqual(JSON.parse(await page.getByTestId("edit-preview").textContent()), {
        TableName: "Music",
        BillingMode: "PAY_PER_REQUEST",
        DeletionProtectionEnabled: false,
      });
      // DynamoDB wants a deletion protection change alone: the engine says so, at that field.
      await page.getByTestId("edit-apply").click();
      const protectionError = page.getByTestId("field-error-deletionProtection");
      await protectionError.waitFor({ state: "visible" });
      assert.match(await protectionError.textContent(), /DeletionProtection modification must be the only operation/);
      await page.getByTestId("edit-deletion-protection").check();
      await page.getByTestId("edit-apply").click();
      await page.getByTestId("edit-result").filter({ hasText: "Updated table Music" }).waitFor();
      assert.equal(await page.getByTestId("edit-apply").isDisabled(), true, "nothing left to change");
      await page.getByTestId("edit-deletion-protection").uncheck();
      await page.getByTestId("edit-apply").click();
      await page.getByTestId("edit-result").filter({ hasText: "Updated table Music" }).waitFor();
      await page.getByTestId("edit-delete").waitFor();
      assert.equal(await page.getByTestId("edit-deletion-protection").isChecked(), false);

      // DeleteTable, after the in-page confirmation.
      await page.getByTestId("edit-delete").click();
      await confirmInPage(page);
      await page.getByTestId("designer-result").filter({ hasText: "Deleted table Music" }).waitFor();
      assert.deepEqual(await tableListNames(page), []);
      assertClean(t, seen);
    }));

  test("designer: a table with an LSI and a GSI, then a GSI added and deleted in edit mode", (t) =>
    withPage("designer-indexes", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-indexes#designer`);
      const preview = page.getByTestId("designer-preview");
      await page.getByTestId("designer-table-name").fill("Songs");
      assert.match(await page.getByTestId("designer-lsi-locked").textContent(), /only be defined in CreateTable and is locked afterwards/);

      // One LSI (INCLUDE projection) and one GSI (KEYS_ONLY), typed in the index rows.
      await page.getByTestId("designer-add-lsi").click();
      const lsi = page.getByTestId("lsi-row");
      await lsi.getByTestId("lsi-name").fill("x");
      await lsi.getByTestId("lsi-sk-name").fill("Year");
      await lsi.getByTestId("lsi-sk-type").selectOption("N");
      await lsi.getByTestId("lsi-projection").selectOption("INCLUDE");
      await lsi.getByTestId("lsi-non-key").fill("Album, Genre");
      assert.match(await lsi.getByTestId("lsi-shared-pk").textContent(), /Partition key: Artist \(S\), shared with the table/);
      await page.getByTestId("designer-add-gsi").click();
      const gsi = page.getByTestId("gsi-row");
      await gsi.getByTestId("gsi-name").fill("ByGenre");
      await gsi.getByTestId("gsi-pk-name").fill("Genre");
      await gsi.getByTestId("gsi-projection").selectOption("KEYS_ONLY");

      // A too-short index name: the engine's error shows in that index's row.
      await page.getByTestId("designer-create").click();
      const lsiError = lsi.locator(".field-error");
      await lsiError.waitFor({ state: "visible" });
      assert.match(await lsiError.textContent(), /ValidationException: .*indexName/i);
      assert.equal(await lsi.getByTestId("lsi-name").getAttribute("aria-invalid"), "true");
      await lsi.getByTestId("lsi-name").fill("ByYear");

      await screenshot(t, page, "designer-indexes-create", { fullPage: true });
      assert.deepEqual(JSON.parse(await preview.textContent()), {
        TableName: "Songs",
        AttributeDefinitions: [
          { AttributeName: "Artist", AttributeType: "S" },
          { AttributeName: "SongTitle", AttributeType: "S" },
          { AttributeName: "Year", AttributeType: "N" },
          { AttributeName: "Genre", AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: "Artist", KeyType: "HASH" },
          { AttributeName: "SongTitle", KeyType: "RANGE" },
        ],
        LocalSecondaryIndexes: [{
          IndexName: "ByYear",
          KeySchema: [{ AttributeName: "Artist", KeyType: "HASH" }, { AttributeName: "Year", KeyType: "RANGE" }],
          Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["Album", "Genre"] },
        }],
        GlobalSecondaryIndexes: [{
          IndexName: "ByGenre",
          KeySchema: [{ AttributeName: "Genre", KeyType: "HASH" }],
          Projection: { ProjectionType: "KEYS_ONLY" },
        }],
        BillingMode: "PAY_PER_REQUEST",
      });
      await page.getByTestId("designer-preview-cli").click();
      assert.match(await preview.textContent(), /--local-secondary-indexes '\[\{"IndexName":"ByYear"/);
      await page.getByTestId("designer-preview-json").click();

      await page.getByTestId("designer-create").click();
      await page.getByTestId("designer-edit-title").filter({ hasText: "Table Songs" }).waitFor();
      const lsiTable = page.getByTestId("edit-lsi-table");
      assert.match(await lsiTable.textContent(), /ByYear.*Artist \(S, partition\), Year \(N, sort\).*INCLUDE Album, Genre/);
      assert.match(await page.getByTestId("edit-lsi-locked").textContent(), /locked afterwards/);
      const gsiTable = page.getByTestId("edit-gsi-table");
      assert.match(await gsiTable.locator("tr[data-index=ByGenre]").textContent(), /ByGenre.*Genre \(S, partition\).*KEYS_ONLY.*ACTIVE.*no/);
      const sideIndexes = page.locator("[data-testid=side-indexes][data-table=Songs]");
      await sideIndexes.waitFor();
      assert.deepEqual(await sideIndexes.locator("li").allTextContents(), ["GSI ByGenre", "LSI ByYear"]);

      // Add a GSI with UpdateTable: previewed, created, backfilled.
      await page.getByTestId("edit-add-gsi").click();
      const form = page.getByTestId("new-gsi-form");
      await form.getByTestId("gsi-name").fill("ByAlbum");
      await form.getByTestId("gsi-pk-name").fill("Album");
      await form.getByTestId("gsi-sk-name").fill("Year");
      await form.getByTestId("gsi-sk-type").selectOption("N");
      assert.deepEqual(JSON.parse(await page.getByTestId("new-gsi-preview").textContent()), {
        TableName: "Songs",
        AttributeDefinitions: [
          { AttributeName: "Album", AttributeType: "S" },
          { AttributeName: "Year", AttributeType: "N" },
        ],
        GlobalSecondaryIndexUpdates: [{
          Create: {
            IndexName: "ByAlbum",
            KeySchema: [{ AttributeName: "Album", KeyType: "HASH" }, { AttributeName: "Year", KeyType: "RANGE" }],
            Projection: { ProjectionType: "ALL" },
          },
        }],
      });
      await form.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(outputDir, "designer-indexes-add.png") });
      await page.getByTestId("new-gsi-create").click();
      const gsiResult = page.getByTestId("edit-gsi-result");
      await gsiResult.filter({ hasText: "Created index ByAlbum" }).waitFor();
      assert.match(await gsiResult.textContent(), /UpdateTable answered CREATING \(backfilling\); DescribeTable now shows ACTIVE/);
      assert.equal(await form.isVisible(), false);
      assert.match(await gsiTable.locator("tr[data-index=ByAlbum]").textContent(), /ByAlbum.*ACTIVE/);
      await sideIndexes.locator("li[data-index=ByAlbum]").waitFor();
      await screenshot(t, page, "designer-indexes", { fullPage: true });

      // Delete a GSI after the in-page confirmation.
      await gsiTable.locator("tr[data-index=ByGenre]").getByTestId("gsi-delete").click();
      await confirmInPage(page);
      await gsiResult.filter({ hasText: "Deleted index ByGenre" }).waitFor();
      assert.deepEqual(await page.getByTestId("edit-gsi-table").locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.index)), ["ByAlbum"]);
      assert.deepEqual(await sideIndexes.locator("li").allTextContents(), ["GSI ByAlbum", "LSI ByYear"]);

      // The Items panel can Scan an index instead of the table.
      await showPanel(page, "items");
      const pick = page.getByTestId("items-index");
      assert.deepEqual(await pick.locator("option").allTextContents(), ["the table Songs", "GSI ByAlbum", "LSI ByYear"]);
      await pick.selectOption("ByAlbum");
      await page.getByTestId("items-metrics").filter({ hasText: "Count 0 · ScannedCount 0" }).waitFor();
      assert.equal(await page.getByTestId("items-notice").isVisible(), false, "the index Scan failed");
      await screenshot(t, page, "items-index");
      assertClean(t, seen);
    }));

  test("items: add, open by key, edit and delete an item; markup shows as text", (t) =>
    withPage("items", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-items#designer`);
      await createTableInDesigner(page, { name: "People", pk: "id" });
      await showPanel(page, "items");
      await page.getByTestId("items-title").filter({ hasText: "Items in People" }).waitFor();

      // Add an item written in plain JSON.
      await page.getByTestId("items-add").click();
      await page.getByTestId("item-format-plain").check();
      await setEditor(page, "item-json", JSON.stringify({ id: "p1", note: HOSTILE_SCRIPT, img: HOSTILE_IMG, age: 42, big: 12345678901234567890123456789012345678 }).replace("1.2345678901234568e+37", "12345678901234567890123456789012345678"));
      await page.getByTestId("item-save").click();
      await page.getByTestId("item-result").filter({ hasText: "Saved item" }).waitFor();

      // The grid (Scan), or, while the engine has no Scan, a clear notice.
      await page.waitForFunction(() => {
        const rows = document.querySelectorAll("[data-testid=items-grid] tbody tr[data-row]").length;
        const notice = document.querySelector("[data-testid=items-notice]");
        return rows > 0 || (notice && !notice.hidden);
      });
      const scanWorks = await page.getByTestId("items-grid").locator("tbody tr[data-row]").count() > 0;
      if (scanWorks) {
        const grid = page.getByTestId("items-grid");
        assert.ok((await grid.textContent()).includes(HOSTILE_SCRIPT));
        assert.ok((await grid.textContent()).includes(HOSTILE_IMG));
        assert.equal(await grid.locator("img, script").count(), 0, "markup in a value became an element");
        assert.match(await page.getByTestId("items-metrics").textContent(), /Count 1 · ScannedCount 1/);
      } else {
        assert.equal(await page.getByTestId("items-error-name").textContent(), "UnknownOperationException");
        assert.match(await page.getByTestId("items-notice").textContent(), /Scan/);
        t.diagnostic("Scan is not in this engine build yet: the grid shows the notice");
      }

      // Open it by key: plain JSON keeps all 38 digits.
      await page.getByTestId("key-id").fill("p1");
      await page.getByTestId("items-open").click();
      await page.getByTestId("item-editor-title").filter({ hasText: "Edit item" }).waitFor();
      const opened = await editorText(page, "item-json");
      assert.ok(opened.includes("12345678901234567890123456789012345678"), opened);
      assert.ok(opened.includes(JSON.stringify(HOSTILE_SCRIPT)), opened);
      assert.equal(await page.getByTestId("item-editor").locator("img, script").count(), 0);
      await screenshot(t, page, "items", { fullPage: true });

      // Edit it in DynamoDB JSON.
      await page.getByTestId("item-format-dynamo").check();
      const dynamo = JSON.parse(await editorText(page, "item-json"));
      assert.deepEqual(dynamo.age, { N: "42" });
      dynamo.age = { N: "43" };
      await setEditor(page, "item-json", JSON.stringify(dynamo));
      await page.getByTestId("item-save").click();
      await page.getByTestId("item-result").filter({ hasText: "Saved item" }).waitFor();
      await page.getByTestId("items-open").click();
      await page.getByTestId("item-editor").waitFor({ state: "visible" });
      assert.deepEqual(JSON.parse(await editorText(page, "item-json")).age, { N: "43" });

      // Delete it (confirmed in the page), then it is gone.
      await page.getByTestId("item-delete").click();
      await confirmInPage(page);
      await page.getByTestId("item-result").filter({ hasText: "Deleted the item" }).waitFor();
      await page.getByTestId("items-open").click();
      await page.getByTestId("item-result").filter({ hasText: "No item has that key" }).waitFor();
      assertClean(t, seen);
    }));

  test("items: a large page is virtualised (only the rows in view are in the DOM)", (t) =>
    withPage("items-large", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-large#designer`);
      await createTableInDesigner(page, { name: "Big", pk: "id" });
      const written = await page.evaluate(async () => {
        const db = globalThis.dynaplay.db;
        // 3,000 writes at once would be throttled on the designer's 5-unit table, as on
        // DynamoDB; this test is about the grid.
        await db.send("Dynaplay.Configure", { Throttling: false });
        const sends = [];
        for (let b = 0; b < 120; b++) {
          const puts = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { id: { S: `k${String(b * 25 + i).padStart(5, "0")}` }, n: { N: String(b * 25 + i) } } } }));
          sends.push(db.send("BatchWriteItem", { RequestItems: { Big: puts } }).then(() => true, (e) => e.name));
        }
        return Promise.all(sends);
      });
      if (written.some((r) => r !== true)) {
        t.diagnostic(`BatchWriteItem is not available yet (${written.find((r) => r !== true)}): skipped`);
        assertClean(t, seen);
        return;
      }
      await showPanel(page, "items");
      await page.getByTestId("items-page-size").selectOption("10000");
      await page.getByTestId("items-metrics").filter({ hasText: "Count 3000" }).waitFor();
      const grid = page.getByTestId("items-grid");
      const rendered = await grid.locator("tbody tr[data-row]").count();
      assert.ok(rendered > 0 && rendered < 200, `${rendered} rows in the DOM for 3000 items`);
      await page.getByTestId("panel-items").locator(".dp-grid-scroll").evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page.waitForFunction(() => document.querySelector("[data-testid=items-grid] tr[data-row='2999']"));
      await screenshot(t, page, "items-large");
      assertClean(t, seen);
    }));

  test("console: API requests with metrics, a grid view, errors, history, and a reload keeps everything", (t) =>
    withPage("console", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-console#console`);
      const scriptsAtLoad = await page.locator("script").count();
      const created = expectOk(
        await runRequest(page, "CreateTable", {
          TableName: "e2e",
          AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
        "CreateTable",
      );
      assert.equal(created.TableDescription.TableName, "e2e");
      assert.ok((await tableListNames(page)).includes("e2e"), "the table list shows the new table");

      const item = { id: { S: "item-1" }, note: { S: HOSTILE_SCRIPT }, img: { S: HOSTILE_IMG } };
      const put = await runRequest(page, "PutItem", { TableName: "e2e", Item: item, ReturnConsumedCapacity: "TOTAL" });
      expectOk(put, "PutItem");
      assert.match(put.metrics, /ConsumedCapacity/, "ConsumedCapacity is shown next to the response");

      const got = await runRequest(page, "GetItem", { TableName: "e2e", Key: { id: { S: "item-1" } } }, { keyboard: true });
      assert.deepEqual(expectOk(got, "GetItem").Item, item);
      const response = page.getByTestId("response");
      assert.ok((await response.textContent()).includes(HOSTILE_SCRIPT));
      assert.match(await response.innerHTML(), /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.match(await response.innerHTML(), /&lt;img src=x onerror=\\"alert\(2\)\\"&gt;/);
      // As a grid: the same values, as text.
      await page.getByTestId("view-grid").click();
      const grid = page.getByTestId("response-grid");
      await grid.waitFor({ state: "visible" });
      const cells = await grid.locator("td").allTextContents();
      assert.ok(cells.includes(HOSTILE_SCRIPT) && cells.includes(HOSTILE_IMG), cells.join(" | "));
      assert.equal(await page.locator("dynaplay-playground img").count(), 0, "an <img> was made from a value");
      assert.equal(await page.locator("script").count(), scriptsAtLoad, "a <script> was injected");
      await page.getByTestId("view-json").click();

      // Scan: its Count and ScannedCount in view, or (before Scan lands) its error, explained.
      const scan = await runRequest(page, "Scan", { TableName: "e2e", ReturnConsumedCapacity: "TOTAL" });
      if (scan.result === "ok") {
        assert.match(scan.metrics, /Count.*1.*ScannedCount.*1/s);
      } else {
        assert.equal(scan.errorName, "UnknownOperationException");
        assert.match(await page.getByTestId("error-hint").textContent(), /does not implement it yet/);
        t.diagnostic("Scan is not in this engine build yet");
      }
      await screenshot(t, page, "console", { fullPage: true });

      const malformed = await runRequest(page, "ListTables", "{ not json", { keyboard: true });
      assert.equal(malformed.result, "error");
      assert.equal(malformed.errorName, "Invalid JSON");

      const history = await page.getByTestId("history").locator("button .op").allTextContents();
      assert.deepEqual(history.slice(0, 4), ["Scan", "GetItem", "PutItem", "CreateTable"]);

      // Reload: the table, the item and the history are still there.
      await page.reload();
      await waitUntilReady(page);
      assert.ok((await tableListNames(page)).includes("e2e"), "the table survives a reload");
      assert.deepEqual(
        (await page.getByTestId("history").locator("button .op").allTextContents()).slice(0, 2),
        ["Scan", "GetItem"],
        "the history survives a reload",
      );
      const again = expectOk(await runRequest(page, "GetItem", { TableName: "e2e", Key: { id: { S: "item-1" } } }), "GetItem after reload");
      assert.deepEqual(again.Item, item);
      assertClean(t, seen);
    }));

  test("shows DynamoDB errors by name and message", (t) =>
    withPage("errors", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-errors#console`);
      const missing = await runRequest(page, "GetItem", { TableName: "NoSuchTable", Key: { id: { S: "x" } } }, { keyboard: true });
      assert.equal(missing.result, "error");
      assert.ok(missing.errorShown, "the error box is visible");
      assert.equal(missing.errorName, "ResourceNotFoundException");
      assert.equal(missing.errorMessage, "Requested resource not found");
      assert.match(missing.responseText, /com\.amazonaws\.dynamodb\.v20120810#ResourceNotFoundException/);

      const unknown = await runRequest(page, "CreateGlobalTable", { GlobalTableName: "t", ReplicationGroup: [{ RegionName: "us-east-1" }] });
      assert.equal(unknown.errorName, "UnknownOperationException");
      assert.match(await page.getByTestId("error-hint").textContent(), /does not implement it yet/);
      await screenshot(t, page, "error");
      assertClean(t, seen);
    }));

  test("console: requests run as a principal, with the statement that allowed or denied each", (t) =>
    withPage("access", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-access#console`);
      const table = { TableName: "Notes", BillingMode: "PAY_PER_REQUEST", AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }] };
      expectOk(await runRequest(page, "CreateTable", table), "CreateTable");
      const policy = { Version: "2012-10-17", Statement: { Sid: "ReadNotes", Effect: "Allow", Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:*:*:table/Notes" } };
      expectOk(await runRequest(page, "Dynaplay.PutPrincipal", { Name: "reader", Policies: [{ PolicyName: "read", PolicyDocument: policy }] }), "PutPrincipal");
      const picker = page.getByTestId("principal");
      await picker.focus();
      await picker.locator("option[value=reader]").waitFor({ state: "attached" });
      await picker.selectOption("reader");
      const decision = page.getByTestId("access-decision");
      expectOk(await runRequest(page, "GetItem", { TableName: "Notes", Key: { id: { S: "a" } } }), "GetItem as reader");
      await decision.filter({ hasText: "GetItem" }).waitFor();
      assert.equal(await decision.textContent(), "Allowed dynamodb:GetItem on arn:aws:dynamodb:us-east-1:000000000000:table/Notes: Allow statement ReadNotes (#1) of policy read");
      const denied = await runRequest(page, "PutItem", { TableName: "Notes", Item: { id: { S: "a" } } });
      assert.equal(denied.errorName, "AccessDeniedException");
      assert.match(denied.errorMessage, /^User: arn:aws:iam::000000000000:user\/reader is not authorized to perform: dynamodb:PutItem/);
      await decision.filter({ hasText: "PutItem" }).waitFor();
      assert.match(await decision.textContent(), /^Denied by default dynamodb:PutItem on .*table\/Notes: no statement allows it$/);
      await screenshot(t, page, "access");
      await picker.selectOption("");
      expectOk(await runRequest(page, "PutItem", { TableName: "Notes", Item: { id: { S: "a" } } }), "PutItem as the account root");
      assert.equal(await decision.isVisible(), false);
      assertClean(t, seen);
    }));

  test("console: an expression syntax error underlines its token in the request", (t) =>
    withPage("console-expression-error", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-expr#console`);
      expectOk(await runRequest(page, "CreateTable", { TableName: "exprs", AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }), "CreateTable");
      // The bad "=" is the second of "= =", after two other "=" in the same expression.
      const request = { TableName: "exprs", FilterExpression: "a = :v AND b = = :v", ExpressionAttributeValues: { ":v": { S: "x" } } };
      const shown = await runRequest(page, "Scan", request);
      assert.equal(shown.errorName, "ValidationException");
      assert.match(shown.errorMessage, /^Invalid FilterExpression: Syntax error; token: "=", near: "= = :v"$/);
      const marks = page.locator("[data-testid=request] [data-testid=expression-error]");
      await marks.first().waitFor();
      assert.equal(await marks.count(), 1, "one underline");
      const mark = await marks.first().evaluate((el) => {
        const line = el.closest(".cm-line");
        const before = document.createRange();
        before.setStart(line, 0);
        before.setEndBefore(el);
        const style = getComputedStyle(el);
        return { text: el.textContent, before: before.toString(), title: el.title, decoration: `${style.textDecorationLine} ${style.textDecorationStyle}` };
      });
      assert.equal(mark.text, "=", "the underline covers exactly the bad token");
      assert.equal(mark.before, '  "FilterExpression": "a = :v AND b = ', "the underline is on the second = of = =");
      assert.equal(mark.title, `ValidationException: ${shown.errorMessage}`);
      assert.match(mark.decoration, /underline wavy/);
      assert.match(await page.getByTestId("error-hint").textContent(), /underlined in the request/);
      await screenshot(t, page, "console-expression-error");

      // An edit clears the underline; an undefined placeholder underlines the word itself.
      await setEditor(page, "request", JSON.stringify({ ...request, FilterExpression: "a = :w OR b = :w" }, null, 2));
      assert.equal(await marks.count(), 0, "editing the text clears the underline");
      const undefinedValue = await runRequest(page, "Scan", { ...request, FilterExpression: "a = :w OR b = :w" });
      assert.match(undefinedValue.errorMessage, /attribute value: :w$/);
      await marks.first().waitFor();
      assert.deepEqual(await marks.allTextContents(), [":w", ":w"]);

      // A run that succeeds leaves no underline.
      expectOk(await runRequest(page, "Scan", { ...request, FilterExpression: "a = :v" }), "Scan");
      assert.equal(await marks.count(), 0, "a successful run leaves no underline");
      assertClean(t, seen);
    }));

  test("databases: create and switch between several, reset one", (t) =>
    withPage("databases", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-db-a#console`);
      expectOk(await runRequest(page, "CreateTable", { TableName: "OnlyInA", AttributeDefinitions: [{ AttributeName: "k", AttributeType: "S" }], KeySchema: [{ AttributeName: "k", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }), "CreateTable");

      await page.getByTestId("db-new-name").fill("e2e-db-b");
      await page.getByTestId("db-create").click();
      await page.getByTestId("db-name").filter({ hasText: "e2e-db-b" }).waitFor();
      await waitUntilReady(page);
      assert.deepEqual(await tableListNames(page), [], "a new database starts empty");
      assert.match(page.url(), /db=e2e-db-b/);

      await page.getByTestId("db-select").selectOption("e2e-db-a");
      await page.getByTestId("db-name").filter({ hasText: "e2e-db-a" }).waitFor();
      await waitUntilReady(page);
      assert.deepEqual(await tableListNames(page), ["OnlyInA"]);
      const options = await page.getByTestId("db-select").locator("option").allTextContents();
      assert.ok(options.includes("e2e-db-a") && options.includes("e2e-db-b"), options.join(", "));

      await page.getByTestId("db-reset").click();
      await confirmInPage(page);
      await waitUntilReady(page);
      assert.deepEqual(await tableListNames(page), [], "reset deleted the tables");
      assertClean(t, seen);
    }));

  test("databases: one created with a passphrase is encrypted, and after a reload opens only with it", (t) =>
    withPage("encrypted", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-clear#console`);
      await page.getByTestId("db-new-name").fill("e2e-secret");
      await page.getByTestId("db-new-passphrase").fill("open sesame");
      await page.getByTestId("db-create").click();
      await page.getByTestId("db-name").filter({ hasText: "e2e-secret" }).waitFor();
      await waitUntilReady(page);
      assert.match((await page.getByTestId("status").textContent()) ?? "", /kept encrypted with its passphrase/);
      expectOk(await runRequest(page, "CreateTable", { TableName: "Hidden", AttributeDefinitions: [{ AttributeName: "k", AttributeType: "S" }], KeySchema: [{ AttributeName: "k", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }), "CreateTable");

      await page.reload();
      const locked = await waitForStatus(page);
      assert.equal(locked.state, "error");
      assert.match(locked.text ?? "", /PassphraseRequiredError/);
      await page.getByTestId("db-unlock-passphrase").fill("not it");
      await page.getByTestId("db-unlock-submit").click();
      await page.getByTestId("status").filter({ hasText: "WrongPassphraseError" }).waitFor();
      await page.getByTestId("db-unlock-passphrase").fill("open sesame");
      await page.getByTestId("db-unlock-submit").click();
      await waitUntilReady(page);
      assert.deepEqual(await tableListNames(page), ["Hidden"]);
      assert.equal(await page.getByTestId("db-unlock").isVisible(), false, "the unlock form is gone");
      assertClean(t, seen);
    }));

  test("capacity: a hot key throttled, burst drained, partitions split, knobs kept; throttling reasons in the console", (t) =>
    withPage("capacity", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-capacity#designer`);
      await createTableInDesigner(page, { name: "Hot", pk: "pk", provisioned: { read: 1, write: 1 } });
      await showPanel(page, "capacity");
      await page.getByTestId("capacity-title").filter({ hasText: "Capacity: Hot" }).waitFor();
      await page.getByTestId("capacity-billing").filter({ hasText: "Provisioned: 1 RCU and 1 WCU per second" }).waitFor();
      const partitions = page.getByTestId("partition");
      await partitions.first().waitFor();
      assert.equal(await partitions.count(), 1, "a 1/1 table starts with one partition");
      assert.match(await partitions.first().textContent(), /100% of the key space/);
      await page.getByTestId("throttle-none").waitFor({ state: "visible" });

      // The hot key drains the 300 units of burst capacity, then is throttled.
      await page.getByTestId("load-rate").fill("200");
      await page.getByTestId("load-start").click();
      await page.waitForFunction(() => Number(document.querySelector("[data-testid=load-throttled]").textContent.replace(/,/g, "")) > 0);
      const event = page.getByTestId("throttle-event").first();
      await event.waitFor();
      assert.equal(await event.getAttribute("data-access"), "WRITE");
      assert.equal(await event.getAttribute("data-limit"), "PROVISIONED");
      assert.match(await page.getByTestId("pool-write").textContent(), /\/ 300/);
      assert.ok(Number((await page.getByTestId("load-ok").textContent()).replace(/,/g, "")) >= 300, "the burst served 300 writes first");
      assert.ok(await page.getByTestId("partition-chart").first().locator(".dp-chart-throttle").count() > 0, "the chart marks the throttles");
      await screenshot(t, page, "capacity");

      // Paused, the clock refills nothing. Leaving the panel stops the load generator; the
      // console shows the throttling reasons.
      await page.getByTestId("clock-rate-0").click();
      await page.getByTestId("clock-time").filter({ hasText: "paused" }).waitFor();
      await showPanel(page, "console");
      assert.equal(await page.getByTestId("load-start").getAttribute("aria-pressed"), "false");
      // A bucket admits while it holds any fraction of a unit: one more write spends what
      // refilled before the pause, so the next is throttled for sure.
      await page.evaluate(() => globalThis.dynaplay.db.send("PutItem", { TableName: "Hot", Item: { pk: { S: "drain" } } }).catch(() => {}));
      const throttled = await runRequest(page, "PutItem", { TableName: "Hot", Item: { pk: { S: "one more" } } });
      assert.equal(throttled.errorName, "ProvisionedThroughputExceededException");
      const reasons = page.getByTestId("throttling-reasons");
      assert.match(await reasons.textContent(), /TableWriteProvisionedThroughputExceeded/);
      assert.match(await reasons.textContent(), /arn:aws:dynamodb:.*:table\/Hot/);
      assert.match(throttled.responseText, /"ThrottlingReasons"/);

      // Tiny partitions and no adaptive capacity; refill the burst with the clock; spread
      // writes split the partition as it passes 4 KB.
      await showPanel(page, "capacity");
      await page.getByTestId("knob-tiny").click();
      await page.waitForFunction(() => document.querySelector("[data-testid=knob-partition-size]").value === "4096");
      await page.getByTestId("knob-adaptive").uncheck();
      await page.getByTestId("clock-rate-1").click();
      await page.getByTestId("clock-advance-5").click();
      await page.waitForFunction(() => /300 \/ 300/.test(document.querySelector("[data-testid=pool-write]").textContent));
      await page.getByTestId("load-pattern").selectOption("spread");
      await page.getByTestId("load-rate").fill("50");
      await page.getByTestId("load-start").click();
      await page.waitForFunction(() => document.querySelectorAll("[data-testid=partition]").length >= 3);
      await page.getByTestId("load-start").click();
      assert.equal(await page.getByTestId("load-start").getAttribute("aria-pressed"), "false");
      assert.ok((await page.getByTestId("keyspace").locator(".dp-keyspace-part").count()) >= 3, "the key space bar shows the split");

      // Refilled again, a hot key now hits its partition's share while the table has units left.
      await page.getByTestId("clock-advance-5").click();
      await page.getByTestId("load-pattern").selectOption("hot");
      await page.getByTestId("load-start").click();
      await page.locator("[data-testid=throttle-event][data-limit=PARTITION_SHARE]").first().waitFor();
      await page.getByTestId("load-start").click();
      await page.locator("[data-testid=partition][data-throttled=true]").first().waitFor();
      await screenshot(t, page, "capacity-partitions", { fullPage: true });

      // Dark theme, and a narrow screen without sideways scrolling.
      await page.getByTestId("theme-toggle").click(); // system -> light
      await page.getByTestId("theme-toggle").click(); // light -> dark
      await screenshot(t, page, "capacity-dark");
      await page.getByTestId("theme-toggle").click(); // back to system
      await page.setViewportSize({ width: 400, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the Capacity panel scrolls sideways by ${overflow} px at 400 px`);
      await screenshot(t, page, "capacity-narrow", { fullPage: true });
      await page.setViewportSize({ width: 1280, height: 720 });

      // The controls are labelled and reachable with Tab.
      for (const id of ["knob-adaptive", "knob-throttling", "knob-partition-size", "load-rate", "cost-reads"]) {
        const label = await page.getByTestId(id).evaluate((el) => el.labels?.[0]?.textContent ?? "");
        assert.ok(label.trim(), `${id} has a label`);
      }
      await page.getByTestId("knob-adaptive").focus();
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "knob-throttling");

      // The cost estimate: four rows and the prices' date.
      await page.getByTestId("cost-rows").locator("tr").nth(3).waitFor();
      assert.match(await page.getByTestId("cost-note").textContent(), /us-east-1 list prices as of \d{4}-\d\d-\d\d/);

      // A reload starts the engine from the defaults: the page sets the remembered knobs again.
      await page.reload();
      await waitUntilReady(page);
      await page.waitForFunction(() => document.querySelector("[data-testid=knob-partition-size]").value === "4096");
      const config = await page.evaluate(() => globalThis.dynaplay.db.send("Dynaplay.DescribeConfiguration", {}));
      assert.equal(config.AdaptiveCapacity, false);
      assert.equal(config.PartitionSizeLimitBytes, 4096);
      assert.equal(await page.getByTestId("knob-adaptive").isChecked(), false);
      assertClean(t, seen);
    }));

  test("dax and contributor insights: a cached read, stale after a direct write; the top keys beside the partitions", (t) =>
    withPage("dax", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-dax#designer`);
      await createTableInDesigner(page, { name: "Cached", pk: "id" });
      await showPanel(page, "console");
      expectOk(await runRequest(page, "PutItem", { TableName: "Cached", Item: { id: { S: "a" }, v: { N: "1" } } }), "PutItem");
      await page.getByTestId("dax-create").click();
      await page.getByTestId("dax-counters").filter({ hasText: "demo: item cache 0 hits" }).waitFor();
      assert.equal(await page.getByTestId("dax-via").isChecked(), true, "a new cluster is used at once");
      const get = { TableName: "Cached", Key: { id: { S: "a" } } };
      expectOk(await runRequest(page, "GetItem", get), "GetItem (miss)");
      await page.getByTestId("dax-last").filter({ hasText: "a cache miss" }).waitFor();
      expectOk(await runRequest(page, "GetItem", get), "GetItem (hit)");
      await page.getByTestId("dax-last").filter({ hasText: "answered from the cache" }).waitFor();
      // A write that bypasses DAX leaves the cached item stale.
      await page.getByTestId("dax-via").uncheck();
      expectOk(await runRequest(page, "PutItem", { TableName: "Cached", Item: { id: { S: "a" }, v: { N: "2" } } }), "PutItem direct");
      await page.getByTestId("dax-via").check();
      const stale = expectOk(await runRequest(page, "GetItem", get), "GetItem (stale)");
      assert.deepEqual(stale.Item.v, { N: "1" });
      const consistent = expectOk(await runRequest(page, "GetItem", { ...get, ConsistentRead: true }), "GetItem (consistent)");
      assert.deepEqual(consistent.Item.v, { N: "2" });
      await page.getByTestId("dax-last").filter({ hasText: "passed through" }).waitFor();
      await screenshot(t, page, "dax");

      // Contributor Insights in the Capacity panel: enabled, then the key counted.
      await showPanel(page, "capacity");
      await page.getByTestId("insights-status").filter({ hasText: "Table: DISABLED" }).waitFor();
      // The Capacity panel polls every 500 ms: the status is not asked for again while it
      // stays put, and the report only while insights are ENABLED.
      await page.evaluate(() => {
        window.insightsCalls = [];
        const send = dynaplay.Database.prototype.send;
        dynaplay.Database.prototype.send = function (operation, request, options) {
          if (operation.includes("ContributorInsights")) window.insightsCalls.push(operation);
          return send.call(this, operation, request, options);
        };
      });
      await page.waitForTimeout(1_200);
      assert.deepEqual(await page.evaluate(() => window.insightsCalls.splice(0)), [], "polls while DISABLED ask nothing about insights");
      await page.getByTestId("insights-enable").click();
      await page.getByTestId("insights-status").filter({ hasText: "ENABLED (ACCESSED_AND_THROTTLED_KEYS)" }).waitFor();
      await page.evaluate(() => globalThis.dynaplay.db.send("PutItem", { TableName: "Cached", Item: { id: { S: "hot" } } }));
      await page.getByTestId("insights-accessed").filter({ hasText: "hot 1" }).waitFor();
      await page.evaluate(() => window.insightsCalls.splice(0));
      await page.waitForTimeout(1_200);
      const polled = await page.evaluate(() => window.insightsCalls.splice(0));
      assert.ok(polled.length >= 1 && polled.every((operation) => operation === "Dynaplay.DescribeContributorInsightsReport"), `polls while ENABLED: ${polled}`);
      await screenshot(t, page, "insights", { fullPage: true });
      assertClean(t, seen);
    }));

  test("capacity: each request's consumed units, and consumption next to the provisioned units over time", (t) =>
    withPage("capacity-meter", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-meter#console`);
      expectOk(await runRequest(page, "CreateTable", {
        TableName: "Metered", AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "other", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        GlobalSecondaryIndexes: [{ IndexName: "ByOther", KeySchema: [{ AttributeName: "other", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" }, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }],
      }), "CreateTable");
      expectOk(await runRequest(page, "PutItem", { TableName: "Metered", Item: { pk: { S: "a" }, big: { S: "x".repeat(1500) } }, ReturnConsumedCapacity: "TOTAL" }), "PutItem");
      expectOk(await runRequest(page, "GetItem", { TableName: "Metered", Key: { pk: { S: "a" } }, ReturnConsumedCapacity: "TOTAL" }), "GetItem");
      expectOk(await runRequest(page, "UpdateTable", { TableName: "Metered", ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 12 } }), "UpdateTable");

      await page.getByTestId("table-list").getByRole("button", { name: "Metered" }).click();
      await showPanel(page, "capacity");
      // The meter, newest first: the Items panel's Scan of the picked table, an eventually
      // consistent get (0.5 RCU), a 1.5 KB put (2 WCU).
      const rows = page.getByTestId("meter-row");
      await rows.nth(2).waitFor();
      assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => [tr.dataset.operation, tr.querySelector("[data-testid=meter-read]").textContent, tr.querySelector("[data-testid=meter-write]").textContent])), [["Scan", "0.5", "0"], ["GetItem", "0.5", "0"], ["PutItem", "0", "2"]]);
      assert.match(await page.getByTestId("meter-totals").textContent(), /These 3 requests: 1 RCU and 2 WCU/);
      assert.equal(await rows.nth(1).locator("[role=meter]").first().getAttribute("aria-label"), "GetItem: 0.5 read units");

      // The table chart: consumption and the provisioned units in force (12 WCU now).
      const chart = page.getByTestId("table-chart");
      await page.waitForFunction(() => document.querySelector("[data-testid=table-chart] .dp-chart-prov-write")?.getAttribute("points"));
      assert.match(await chart.locator("title").textContent(), /Provisioned now: 5 RCU and 12 WCU/);
      // Scaled to the highest line (12 WCU): the top label says 20 units/s.
      assert.match(await chart.locator(".dp-chart-label").first().textContent(), /^20 units\/s$/);
      // Auto scaling's or an UpdateTable's change shows as a step in the provisioned line.
      // (a second later on the engine clock, so the two settings are two samples).
      await page.waitForTimeout(1100);
      await page.evaluate(() => globalThis.dynaplay.db.send("UpdateTable", { TableName: "Metered", ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 6 } }));
      await page.waitForFunction(() => {
        const points = document.querySelector("[data-testid=table-chart] .dp-chart-prov-write").getAttribute("points").split(" ");
        return new Set(points.map((p) => p.split(",")[1])).size > 1;
      });
      for (const scheme of ["light", "dark"]) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const [testId, name] of [["request-meter", "capacity-meter"], ["capacity-pool", "capacity-table-chart"]]) {
          const file = `${name}${scheme === "dark" ? "-dark" : ""}.png`;
          await page.getByTestId(testId).screenshot({ path: join(outputDir, file) });
          t.diagnostic(`screenshot: ${file}`);
        }
      }
      await page.emulateMedia({ colorScheme: "light" });
      await page.setViewportSize({ width: 390, height: 844 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the Capacity panel scrolls sideways by ${overflow} px at 390 px`);
      await screenshot(t, page, "capacity-meter-narrow", { fullPage: true });
      await page.setViewportSize({ width: 1280, height: 720 });

      // The designer changes the GSI's own units through its previewed UpdateTable.
      await showPanel(page, "designer");
      const gsiRow = page.getByTestId("edit-gsi-table").locator("tr[data-index=ByOther]");
      assert.match(await gsiRow.textContent(), /5 \/ 5/);
      await gsiRow.getByTestId("gsi-capacity").click();
      await page.getByTestId("gsi-capacity-rcu").fill("7");
      await page.getByTestId("gsi-capacity-wcu").fill("0");
      assert.deepEqual(JSON.parse(await page.getByTestId("gsi-capacity-preview").textContent()), { TableName: "Metered", GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "ByOther", ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 0 } } }] });
      await page.getByTestId("gsi-capacity-apply").click();
      await page.locator("[data-testid=gsi-capacity-form] .field-error:not([hidden])").first().waitFor();
      await page.getByTestId("edit-indexes").screenshot({ path: join(outputDir, "designer-gsi-capacity.png") });
      t.diagnostic("screenshot: designer-gsi-capacity.png");
      assert.match(await page.getByTestId("gsi-capacity-form").textContent(), /ValidationException/);
      await page.getByTestId("gsi-capacity-wcu").fill("8");
      await page.getByTestId("gsi-capacity-apply").click();
      await page.getByTestId("edit-gsi-result").filter({ hasText: "Index ByOther now has 7 RCU and 8 WCU." }).waitFor();
      const gsi = await page.evaluate(() => globalThis.dynaplay.db.send("DescribeTable", { TableName: "Metered" }).then((r) => r.Table.GlobalSecondaryIndexes[0].ProvisionedThroughput));
      assert.deepEqual([gsi.ReadCapacityUnits, gsi.WriteCapacityUnits], [7, 8]);
      assert.match(await page.getByTestId("edit-gsi-table").locator("tr[data-index=ByOther]").textContent(), /7 \/ 8/);
      assertClean(t, seen);
    }));

  test("auto scaling acts on the engine clock; new knobs kept (v1 record migrated); stale GSI read; a cancelled transaction's reasons", (t) =>
    withPage("autoscaling", async (page, seen) => {
      const db = "e2e-autoscaling";
      // A profile from before v2 (only a v1 knobs record): v1 is read, then replaced by v2.
      await openPlayground(page, `${server.url}?db=${db}#designer`);
      await page.evaluate((name) => {
        localStorage.removeItem("dynaplay.knobs.v2");
        localStorage.setItem("dynaplay.knobs.v1", JSON.stringify({ [name]: { AdaptiveCapacity: false } }));
      }, db);
      await page.reload();
      await waitUntilReady(page);
      await page.waitForFunction(() => globalThis.dynaplay.db.send("Dynaplay.DescribeConfiguration", {}).then((c) => c.AdaptiveCapacity === false));

      await createTableInDesigner(page, { name: "Scaled", pk: "pk", provisioned: { read: 5, write: 5 } });
      await showPanel(page, "capacity");
      await page.getByTestId("capacity-title").filter({ hasText: "Capacity: Scaled" }).waitFor();
      await page.getByTestId("autoscaling-none").waitFor({ state: "visible" });
      assert.match(await page.getByTestId("autoscaling-provisioned").textContent(), /Table: 5 RCU, 5 WCU/);

      // Target tracking on the table's write units: 5 to 50 units, 50% utilisation.
      await page.getByTestId("clock-rate-0").click();
      assert.deepEqual(await page.getByTestId("autoscaling-resource").locator("option").allTextContents(), ["Table"]);
      await page.getByTestId("autoscaling-access").selectOption("Write");
      await page.getByTestId("autoscaling-min").fill("5");
      await page.getByTestId("autoscaling-max").fill("50");
      await page.getByTestId("autoscaling-target-percent").fill("50");
      const cli = await page.getByTestId("autoscaling-cli").textContent();
      assert.match(cli, /^aws application-autoscaling register-scalable-target \\\n {4}--service-namespace dynamodb \\\n {4}--resource-id table\/Scaled/);
      assert.match(cli, /--min-capacity 5 \\\n {4}--max-capacity 50\n\naws application-autoscaling put-scaling-policy/);
      assert.match(cli, /"TargetValue":50,"PredefinedMetricSpecification":\{"PredefinedMetricType":"DynamoDBWriteCapacityUtilization"\}/);
      await page.getByTestId("autoscaling-on").click();
      const row = page.getByTestId("autoscaling-target");
      await row.filter({ hasText: "50%" }).waitFor();
      assert.equal(await row.getAttribute("data-dimension"), "dynamodb:table:WriteCapacityUnits");
      assert.match(await row.textContent(), /5 WCU/);
      await page.getByTestId("autoscaling-no-activity").waitFor({ state: "visible" });

      // Three busy minutes on the engine clock (200 WCU a minute is 67% of 5 WCU/s): the
      // policy raises the units to what the last minute needed at 50%, ceil(200/60/0.5) = 7.
      await page.evaluate(async () => {
        const { db } = globalThis.dynaplay;
        for (let minute = 0; minute < 3; minute++) {
          for (let i = 0; i < 200; i++) await db.send("PutItem", { TableName: "Scaled", Item: { pk: { S: `m${minute}-${i}` } } });
          await db.send("Dynaplay.SetClock", { AdvanceMillis: 60_000 });
        }
      });
      await page.getByTestId("autoscaling-activity").first().waitFor();
      assert.match(await page.getByTestId("autoscaling-activity").first().textContent(), /table WCU: Setting write capacity units to 7\..*utilisation above 50% for 2 consecutive minutes \(from 5 to 7\)/);
      await row.filter({ hasText: "7 WCU" }).waitFor();
      await page.getByTestId("capacity-billing").filter({ hasText: "Provisioned: 5 RCU and 7 WCU per second" }).waitFor();
      assert.match(await page.getByTestId("autoscaling-provisioned").textContent(), /Table: 5 RCU, 7 WCU/);
      const described = await page.evaluate(() => globalThis.dynaplay.db.send("DescribeTable", { TableName: "Scaled" }));
      assert.equal(described.Table.ProvisionedThroughput.WriteCapacityUnits, 7);
      await page.getByTestId("autoscaling").scrollIntoViewIfNeeded();
      await page.getByTestId("autoscaling").screenshot({ path: join(outputDir, "autoscaling.png") });
      t.diagnostic(`screenshot: ${join(outputDir, "autoscaling.png")}`);

      // Dark theme, and a narrow screen without sideways scrolling.
      await page.getByTestId("theme-toggle").click(); // system -> light
      await page.getByTestId("theme-toggle").click(); // light -> dark
      await page.getByTestId("autoscaling").screenshot({ path: join(outputDir, "autoscaling-dark.png") });
      await page.getByTestId("theme-toggle").click(); // back to system
      await page.setViewportSize({ width: 400, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the auto scaling box scrolls sideways by ${overflow} px at 400 px`);
      await page.getByTestId("autoscaling").screenshot({ path: join(outputDir, "autoscaling-narrow.png") });
      await page.setViewportSize({ width: 1280, height: 720 });
      for (const id of ["autoscaling-resource", "autoscaling-access", "autoscaling-min", "autoscaling-max", "autoscaling-target-percent", "knob-gsi-delay", "knob-collection-size", "knob-transaction-duration"]) {
        const label = await page.getByTestId(id).evaluate((el) => el.labels?.[0]?.textContent ?? "");
        assert.ok(label.trim(), `${id} has a label`);
      }

      // Picking a registered target fills the form with its limits, to change them.
      await page.getByTestId("autoscaling-min").fill("9");
      await page.getByTestId("autoscaling-access").selectOption("Read");
      await page.getByTestId("autoscaling-access").selectOption("Write");
      assert.equal(await page.getByTestId("autoscaling-min").inputValue(), "5");
      assert.match(await page.getByTestId("autoscaling-cli").textContent(), /--min-capacity 5 /);

      // Turned off: the policy and the target are gone; the units stay where they are.
      await page.getByTestId("autoscaling-off").click();
      await page.getByTestId("autoscaling-none").waitFor({ state: "visible" });
      const left = await page.evaluate(() => globalThis.dynaplay.db.send("AnyScaleFrontendService.DescribeScalableTargets", { ServiceNamespace: "dynamodb" }));
      assert.deepEqual(left.ScalableTargets, []);

      // The new knobs' presets, remembered in the v2 record with the migrated v1 knob.
      await page.getByTestId("knob-gsi-stale").click();
      await page.getByTestId("knob-gsi-delay-text").filter({ hasText: "5 s" }).waitFor();
      await page.getByTestId("knob-collection-tiny").click();
      await page.getByTestId("knob-collection-size-text").filter({ hasText: "4.0 KB" }).waitFor();
      await page.getByTestId("knob-transaction-slow").click();
      await page.getByTestId("knob-transaction-duration-text").filter({ hasText: "10 s" }).waitFor();
      await page.getByTestId("knob-ttl-lag").click();
      await page.getByTestId("knob-ttl-sweep-text").filter({ hasText: "1 h" }).waitFor();
      await page.getByTestId("sim-badge-list").filter({ hasText: "TTL deletions 1 h late" }).waitFor();
      const stored = await page.evaluate(() => ({ v1: localStorage.getItem("dynaplay.knobs.v1"), v2: JSON.parse(localStorage.getItem("dynaplay.knobs.v2")) }));
      assert.equal(stored.v1, null, "the v1 record is dropped once v2 is written");
      // The knobs this scenario set (the record holds the others too).
      const { AdaptiveCapacity, GsiPropagationDelayMillis, ItemCollectionSizeLimitBytes, TransactionDurationMillis, TtlSweepDelayMillis } = stored.v2[db];
      assert.deepEqual(
        { AdaptiveCapacity, GsiPropagationDelayMillis, ItemCollectionSizeLimitBytes, TransactionDurationMillis, TtlSweepDelayMillis },
        { AdaptiveCapacity: false, GsiPropagationDelayMillis: 5000, ItemCollectionSizeLimitBytes: 4096, TransactionDurationMillis: 10_000, TtlSweepDelayMillis: 3_600_000 },
      );

      // A stale GSI read, as the "Try it" steps tell (the clock is still paused).
      await showPanel(page, "console");
      expectOk(await runRequest(page, "CreateTable", {
        TableName: "Stale",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "g", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        GlobalSecondaryIndexes: [{ IndexName: "ByG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }],
        BillingMode: "PAY_PER_REQUEST",
      }), "CreateTable");
      expectOk(await runRequest(page, "PutItem", { TableName: "Stale", Item: { pk: { S: "1" }, g: { S: "x" } } }), "PutItem");
      const query = { TableName: "Stale", IndexName: "ByG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "x" } } };
      assert.equal(expectOk(await runRequest(page, "Query", query), "Query").Count, 0, "the write has not reached the index yet");
      await page.evaluate(() => globalThis.dynaplay.db.send("Dynaplay.SetClock", { AdvanceMillis: 60_000 }));
      assert.equal(expectOk(await runRequest(page, "Query", query), "Query").Count, 1, "after the delay the index has it");

      // Transactions on the picked table: the example picker offers a variant that is cancelled.
      await page.getByTestId("operation").fill("TransactWriteItems");
      const picker = page.getByTestId("example-pick");
      await picker.waitFor({ state: "visible" });
      assert.equal(await picker.locator("option").count(), 2);
      const plain = await editorText(page, "request");
      assert.match(plain, /"Update"/);
      expectOk(await runRequest(page, "TransactWriteItems", plain), "TransactWriteItems");
      // Slow transactions hold the items: a plain write to one conflicts.
      const conflict = await runRequest(page, "PutItem", { TableName: "Scaled", Item: { pk: { S: "item-1" } } });
      assert.equal(conflict.errorName, "TransactionConflictException");
      await page.evaluate(() => globalThis.dynaplay.db.send("Dynaplay.SetClock", { AdvanceMillis: 60_000 }));
      await page.getByTestId("operation").fill("TransactWriteItems");
      await picker.selectOption({ index: 1 });
      const variant = await editorText(page, "request");
      assert.match(variant, /attribute_not_exists/);
      const cancelled = await runRequest(page, "TransactWriteItems", variant);
      assert.equal(cancelled.errorName, "TransactionCanceledException");
      const reasons = page.getByTestId("cancellation-reason");
      assert.equal(await reasons.count(), 2);
      assert.equal(await reasons.nth(0).getAttribute("data-code"), "ConditionalCheckFailed");
      assert.match(await reasons.nth(0).textContent(), /^TransactItems\[0\] Put on Scaled: ConditionalCheckFailed The conditional request failed/);
      assert.match(await reasons.nth(0).locator("pre").textContent(), /"pk": \{"S": "item-1"\}/, "the item as it was (ALL_OLD)");
      assert.equal(await reasons.nth(1).getAttribute("data-code"), "None");
      assert.match(await reasons.nth(1).textContent(), /TransactItems\[1\] ConditionCheck on Scaled: None/);
      assert.match(cancelled.responseText, /"CancellationReasons"/);
      await screenshot(t, page, "console-transaction", { fullPage: true });

      // A reload starts the engine from the defaults: the page sets the remembered knobs again.
      await page.reload();
      await waitUntilReady(page);
      const config = await page.evaluate(() => globalThis.dynaplay.db.send("Dynaplay.DescribeConfiguration", {}));
      assert.equal(config.AdaptiveCapacity, false);
      assert.equal(config.GsiPropagationDelayMillis, 5000);
      assert.equal(config.ItemCollectionSizeLimitBytes, 4096);
      assert.equal(config.TransactionDurationMillis, 10_000);
      await showPanel(page, "capacity");
      await page.waitForFunction(() => document.querySelector("[data-testid=knob-transaction-duration]").value === "10000");
      await page.waitForFunction(() => document.querySelector("[data-testid=knob-ttl-sweep]").value === "3600000");
      assertClean(t, seen);
    }));

  test("console modes: PartiQL with ConsumedCapacity, paging and a batch; an AWS CLI query; a history per mode", (t) =>
    withPage("console-modes", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-modes#console`);
      await createMusic(page);

      // PartiQL: one statement with a parameter; ConsumedCapacity in view; highlighted tokens.
      await pickConsoleMode(page, "partiql");
      await setEditor(page, "partiql-statement", `SELECT * FROM "Music" WHERE Artist = ? AND SongTitle >= 'A'`);
      await page.getByTestId("partiql-parameters").fill('[{"S": "Acme Band"}]');
      const first = await runIn(page, () => page.getByTestId("partiql-statement").press("Control+Enter"));
      assert.equal(first.result, "ok", await page.getByTestId("error").textContent());
      assert.equal(JSON.parse(first.responseText).Items.length, 2);
      assert.match(first.metrics, /ConsumedCapacity0.5 capacity units on Music/);
      assert.match(await page.getByTestId("partiql-request").textContent(), /"Statement": "SELECT \* FROM \\"Music\\" WHERE Artist = \? AND SongTitle >= 'A'"/);
      const editor = page.getByTestId("partiql-statement");
      assert.deepEqual(await editor.locator(".tok-keyword").allTextContents(), ["SELECT", "FROM", "WHERE", "AND"]);
      assert.deepEqual(await editor.locator(".tok-string").allTextContents(), ["'A'"]);
      assert.deepEqual(await editor.locator(".tok-propertyName").allTextContents(), ['"Music"']);
      assert.deepEqual(await editor.locator(".tok-atom").allTextContents(), ["?"], "the ? parameter is marked");

      // Limit 1: NextToken, and More adds the next page to the grid.
      await page.getByTestId("partiql-limit").fill("1");
      const paged = await runIn(page, () => page.getByTestId("partiql-run").click());
      assert.equal(JSON.parse(paged.responseText).Items.length, 1);
      await page.getByTestId("view-grid").click();
      await runIn(page, () => page.getByTestId("partiql-more").click());
      assert.equal(await page.getByTestId("response-grid").locator("tbody tr").count(), 2, "the grid holds both pages");
      await page.getByTestId("partiql-limit").fill("");

      // Completion offers keywords and table names.
      await setEditor(page, "partiql-statement", "SEL");
      await editor.press("End");
      await editor.press("Control+Space");
      await page.locator(".cm-tooltip-autocomplete").getByText("SELECT").first().waitFor();
      await editor.press("Escape");

      // Two statements as a batch (BatchExecuteStatement), then as a transaction.
      await setEditor(page, "partiql-statement", `INSERT INTO "Music" VALUE {'Artist': 'Batch', 'SongTitle': ?};\nINSERT INTO "Music" VALUE {'Artist': 'Batch', 'SongTitle': ?}`);
      await page.getByTestId("partiql-parameters").fill('[{"S": "one"}, {"S": "two"}]');
      await page.getByTestId("partiql-kind-batch").check();
      const batch = await runIn(page, () => page.getByTestId("partiql-run").click());
      assert.equal(batch.result, "ok");
      assert.match(await page.getByTestId("partiql-request").textContent(), /"Statements"/);
      assert.match(await page.getByTestId("output-meta").textContent(), /^BatchExecuteStatement succeeded/);
      await page.getByTestId("partiql-kind-transaction").check();
      await setEditor(page, "partiql-statement", `UPDATE "Music" SET Plays = 1 WHERE Artist = 'Batch' AND SongTitle = ?;\nUPDATE "Music" SET Plays = 2 WHERE Artist = 'Batch' AND SongTitle = ?`);
      const transaction = await runIn(page, () => page.getByTestId("partiql-run").click());
      assert.equal(transaction.result, "ok", await page.getByTestId("error").textContent());
      assert.match(await page.getByTestId("output-meta").textContent(), /^ExecuteTransaction succeeded/);
      await page.getByTestId("partiql-kind-single").check();
      await setEditor(page, "partiql-statement", `SELECT * FROM "Music" WHERE Artist = ?`);
      await page.getByTestId("partiql-parameters").fill('[{"S": "Acme Band"}]');
      await runIn(page, () => page.getByTestId("partiql-run").click());
      await screenshot(t, page, "console-partiql");

      // AWS CLI: the issue's command, parsed before running, run with Ctrl+Enter.
      await pickConsoleMode(page, "cli");
      const command = page.getByTestId("cli-command");
      await setEditor(page, "cli-command", `aws dynamodb query --table-name Music --key-condition-expression "Artist = :a" \\\n  --expression-attribute-values '{":a":{"S":"Acme Band"}}' --return-consumed-capacity TOTAL`);
      assert.deepEqual(JSON.parse(await page.getByTestId("cli-parsed").textContent()), {
        TableName: "Music", KeyConditionExpression: "Artist = :a", ExpressionAttributeValues: { ":a": { S: "Acme Band" } }, ReturnConsumedCapacity: "TOTAL",
      });
      assert.equal(await page.getByTestId("cli-operation").textContent(), "Parsed: Query request");
      const query = await runIn(page, () => command.press("Control+Enter"));
      assert.equal(query.result, "ok");
      assert.match(query.metrics, /Count\s*2.*ScannedCount\s*2.*ConsumedCapacity/s);
      assert.equal(await page.getByTestId("cli-parsed").isVisible(), true, "the parsed request stays in view after the run");
      await screenshot(t, page, "console-cli");
      await setEditor(page, "cli-command", "aws dynamodb scan --table-nme Music");
      assert.equal(await page.getByTestId("cli-error").textContent(), "Unknown option --table-nme for scan.");
      const refused = await runIn(page, () => page.getByTestId("cli-run").click());
      assert.equal(refused.result, "error");
      assert.equal(await page.getByTestId("error-name").textContent(), "Invalid command");

      // Each mode has its own history, kept across a reload.
      assert.match((await page.getByTestId("history").locator("button .op").first().textContent()), /^aws dynamodb query --table-name Music/);
      await page.reload();
      await waitUntilReady(page);
      assert.equal(await page.getByTestId("console-mode-cli").getAttribute("aria-pressed"), "true", "the mode is remembered");
      await pickConsoleMode(page, "partiql");
      assert.match(await page.getByTestId("history").locator("button .op").first().textContent(), /^SELECT \* FROM "Music" WHERE Artist = \?$/);
      await page.getByTestId("history").locator("button").first().click();
      assert.equal(await page.getByTestId("partiql-parameters").inputValue(), '[{"S": "Acme Band"}]');
      await pickConsoleMode(page, "api");
      assert.equal(await page.getByTestId("history").locator("button .op").first().textContent(), "BatchWriteItem");
      await pickConsoleMode(page, "cli");
      await page.emulateMedia({ colorScheme: "dark" });
      await screenshot(t, page, "console-cli-dark");
      await page.emulateMedia({ colorScheme: "light" });
      await page.setViewportSize({ width: 400, height: 800 });
      await screenshot(t, page, "console-cli-narrow", { fullPage: true });
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1), "no sideways scrolling at 400 px");
      await pickConsoleMode(page, "api");
      assertClean(t, seen);
    }));

  test("console: PartiQL and CLI modes underline the error's token and hint reserved words; the CLI pages and reads picked files", (t) =>
    withPage("console-modes-marks", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-marks#console`);
      await createMusic(page);

      // PartiQL: the engine's parser stops at `pad`, a reserved word: underlined, hinted, quoted.
      await pickConsoleMode(page, "partiql");
      await setEditor(page, "partiql-statement", `SELECT * FROM "Music" WHERE pad = 'x'`);
      await page.getByTestId("partiql-parameters").fill("");
      const refused = await runIn(page, () => page.getByTestId("partiql-run").click());
      assert.equal(refused.result, "error");
      assert.equal(await page.getByTestId("error-message").textContent(), "Statement wasn't well formed, can't be processed: Unexpected keyword");
      const marks = page.locator("[data-testid=partiql-statement] [data-testid=expression-error]");
      await marks.first().waitFor();
      assert.deepEqual(await marks.allTextContents(), ["pad"]);
      assert.match(await page.getByTestId("partiql-reserved-text").textContent(), /^pad is a PartiQL reserved word/);
      assert.match(await page.getByTestId("error-hint").textContent(), /underlined in the statement/);
      await screenshot(t, page, "console-partiql-error");
      await page.getByTestId("partiql-reserved-fix").click();
      assert.equal(await editorText(page, "partiql-statement"), `SELECT * FROM "Music" WHERE "pad" = 'x'`);
      assert.equal(await marks.count(), 0);
      assert.equal((await runIn(page, () => page.getByTestId("partiql-run").click())).result, "ok");
      // A batch: the second statement's bad token, at its place in the text.
      await page.getByTestId("partiql-kind-batch").check();
      await setEditor(page, "partiql-statement", `SELECT * FROM "Music" WHERE Artist = 'a';\nSELECT * FROM "Music" WHERE Artist = 'a' junk`);
      await runIn(page, () => page.getByTestId("partiql-run").click());
      await marks.first().waitFor();
      assert.deepEqual(await marks.allTextContents(), ["junk"]);
      await page.getByTestId("partiql-kind-single").check();

      // CLI: the expression's bad token underlined in the marked copy of the command.
      await pickConsoleMode(page, "cli");
      await setEditor(page, "cli-command", `aws dynamodb scan --table-name Music --filter-expression "Artist = :a AND = :a" --expression-attribute-values '{":a":{"S":"x"}}'`);
      const bad = await runIn(page, () => page.getByTestId("cli-run").click());
      assert.equal(bad.result, "error");
      const cliMarks = page.locator("[data-testid=cli-command] [data-testid=expression-error]");
      await cliMarks.first().waitFor();
      assert.deepEqual(await cliMarks.allTextContents(), ["="]);
      const beforeMark = await cliMarks.first().evaluate((el) => {
        const range = document.createRange();
        range.setStart(el.closest(".cm-line"), 0);
        range.setEndBefore(el);
        return range.toString();
      });
      assert.equal(beforeMark, `aws dynamodb scan --table-name Music --filter-expression "Artist = :a AND `);
      assert.match(await page.getByTestId("error-hint").textContent(), /underlined in the command/);
      const editor = page.getByTestId("cli-command");
      assert.deepEqual(await editor.locator(".tok-propertyName").allTextContents(), ["--table-name", "--filter-expression", "--expression-attribute-values"], "options highlighted");
      assert.deepEqual(await editor.locator(".tok-keyword").allTextContents(), ["scan"]);
      await screenshot(t, page, "console-cli-error");
      await setEditor(page, "cli-command", `aws dynamodb scan --table-name Music --filter-expression "Year > :y" --expression-attribute-values '{":y":{"N":"2016"}}'`);
      assert.equal(await cliMarks.count(), 0, "an edit clears the error mark");
      await editor.locator(".cm-lintRange-warning").first().waitFor();
      assert.deepEqual(await editor.locator(".cm-lintRange-warning").allTextContents(), ["Year"]);
      assert.match(await page.getByTestId("cli-reserved-text").textContent(), /Year \(FilterExpression\)/);
      await page.getByTestId("cli-reserved-fix").click();
      assert.match(await editorText(page, "cli-command"), /--filter-expression '#Year > :y'/);
      assert.match(await editorText(page, "cli-command"), /--expression-attribute-names '#Year=Year'$/, "quoted: a word starting with # is a shell comment");
      const fixed = await runIn(page, () => page.getByTestId("cli-run").click());
      assert.equal(fixed.result, "ok", await page.getByTestId("error").textContent());
      assert.equal(JSON.parse(fixed.responseText).Count, 2);

      // Paging as the CLI: --max-items 2 --page-size 1 sends pages and prints a NextToken.
      await setEditor(page, "cli-command", "aws dynamodb scan --table-name Music --max-items 2 --page-size 1 --return-consumed-capacity TOTAL");
      assert.match(await page.getByTestId("cli-paging").textContent(), /until 2 items are printed, 1 per request/);
      const paged = await runIn(page, () => page.getByTestId("cli-run").click());
      const first = JSON.parse(paged.responseText);
      assert.equal(first.Items.length, 2);
      assert.ok(first.NextToken, "a NextToken for --starting-token");
      assert.equal(first.ConsumedCapacity.CapacityUnits, 1, "two pages of 0.5 RCU");
      assert.match(await page.getByTestId("cli-paging-result").textContent(), /^2 requests sent/);
      await page.getByTestId("cli-next-page").click();
      assert.match(await editorText(page, "cli-command"), /--starting-token \S+$/);
      const rest = JSON.parse((await runIn(page, () => page.getByTestId("cli-run").click())).responseText);
      assert.equal(rest.Items.length, 1, "the third song");
      assert.equal(rest.NextToken, undefined);
      const songs = [...first.Items, ...rest.Items].map((i) => i.SongTitle.S).sort();
      assert.deepEqual(songs, ["Call Me Today", "Happy Day", "Rainy Night"]);

      // --region sends the command to that Region's endpoint, as the CLI does: Music is us-east-1's.
      await setEditor(page, "cli-command", "aws dynamodb list-tables --region eu-west-1 --output json");
      assert.equal(await page.getByTestId("cli-ignored").textContent(), "Not used in the page: --output json.");
      assert.deepEqual(JSON.parse((await runIn(page, () => page.getByTestId("cli-run").click())).responseText).TableNames, []);
      await setEditor(page, "cli-command", "aws dynamodb scan --table-name Music --region eu-west-1");
      assert.equal((await runIn(page, () => page.getByTestId("cli-run").click())).result, "error");
      assert.equal(await page.getByTestId("error-name").textContent(), "ResourceNotFoundException", "Music is not in eu-west-1");

      // file://: the page asks for the file, then reads its text as the value.
      // Completion: commands after dynamodb, options after --, table names.
      await setEditor(page, "cli-command", "aws dynamodb put-it");
      await editor.press("End");
      await editor.press("Control+Space");
      await page.locator(".cm-tooltip-autocomplete").getByText("put-item").first().waitFor();
      await editor.press("Escape");
      await setEditor(page, "cli-command", "aws dynamodb put-item --table-name Mu");
      await editor.press("End");
      await editor.press("Control+Space");
      await page.locator(".cm-tooltip-autocomplete").getByText("Music").first().waitFor();
      await editor.press("Escape");

      await setEditor(page, "cli-command", "aws dynamodb put-item --table-name Music --item file://song.json");
      assert.match(await page.getByTestId("cli-error").textContent(), /a web page cannot open song\.json on your disk/);
      assert.equal(await page.getByTestId("cli-file-field").isVisible(), true);
      assert.equal(await page.getByTestId("cli-file").evaluate((el) => el.labels[0].textContent), "Pick song.json (file://song.json)");
      await page.getByTestId("cli-file").setInputFiles({ name: "song.json", mimeType: "application/json", buffer: Buffer.from('{"Artist": {"S": "Filed"}, "SongTitle": {"S": "From disk"}}') });
      await page.getByTestId("cli-files").filter({ hasText: "file://song.json" }).waitFor();
      assert.deepEqual(JSON.parse(await page.getByTestId("cli-parsed").textContent()).Item, { Artist: { S: "Filed" }, SongTitle: { S: "From disk" } });
      assert.equal((await runIn(page, () => page.getByTestId("cli-run").click())).result, "ok");
      await screenshot(t, page, "console-cli-file");

      // The designer changes an enabled stream's view type with two UpdateTables.
      await createTableInDesigner(page, { name: "Streamed", pk: "pk" });
      await page.getByTestId("edit-stream-enabled").check();
      await page.getByTestId("edit-stream-view-type").selectOption("NEW_IMAGE");
      await page.getByTestId("edit-apply").click();
      await page.getByTestId("edit-result").filter({ hasText: "Updated table Streamed." }).waitFor();
      assert.equal(await page.getByTestId("edit-stream-two-steps").isVisible(), false);
      await page.getByTestId("edit-stream-view-type").selectOption("KEYS_ONLY");
      assert.deepEqual(JSON.parse(await page.getByTestId("edit-preview").textContent()), { TableName: "Streamed", StreamSpecification: { StreamEnabled: false } });
      assert.deepEqual(JSON.parse(await page.getByTestId("edit-preview-then").textContent()), { TableName: "Streamed", StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } });
      assert.match(await page.getByTestId("edit-stream-explain").textContent(), /cannot change the view type of an enabled stream/);
      await screenshot(t, page, "designer-stream-view-type", { fullPage: true });
      const before = await page.evaluate(() => globalThis.dynaplay.db.send("DescribeTable", { TableName: "Streamed" }).then((r) => r.Table.LatestStreamArn));
      await page.getByTestId("edit-apply").click();
      await page.getByTestId("edit-result").filter({ hasText: "disabled, then enabled with KEYS_ONLY" }).waitFor();
      const after = await page.evaluate(() => globalThis.dynaplay.db.send("DescribeTable", { TableName: "Streamed" }).then((r) => r.Table));
      assert.deepEqual(after.StreamSpecification, { StreamEnabled: true, StreamViewType: "KEYS_ONLY" });
      assert.notEqual(after.LatestStreamArn, before, "a new stream");
      assertClean(t, seen);
    }));

  test("console: a reserved word as a bare name is marked as you type, with a quick fix", (t) =>
    withPage("console-reserved", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-reserved#console`);
      await createMusic(page);
      const request = { TableName: "Music", FilterExpression: "Year > :y AND status <> :s", ExpressionAttributeValues: { ":y": { N: "2016" }, ":s": { S: "gone" } } };
      // The engine refuses it; the word is underlined and the hint offers the fix.
      const refused = await runRequest(page, "Scan", request);
      assert.equal(refused.errorMessage, "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: Year");
      const hint = page.getByTestId("reserved-hint");
      await hint.waitFor();
      assert.equal(await page.getByTestId("reserved-hint-text").textContent(), "Reserved words used as a bare name: Year (FilterExpression), status (FilterExpression). DynamoDB refuses them there.");
      const marks = page.locator("[data-testid=request] .cm-lintRange-warning");
      await marks.first().waitFor();
      assert.deepEqual(await marks.allTextContents(), ["Year", "status"]);
      await screenshot(t, page, "console-reserved");
      // The quick fix in the underline's tooltip rewrites the request.
      await marks.first().hover();
      const action = page.locator(".cm-tooltip-lint .cm-diagnosticAction").first();
      await action.waitFor();
      assert.equal(await action.textContent(), "Use #Year");
      await action.click();
      const fixed = JSON.parse(await editorText(page, "request"));
      assert.equal(fixed.FilterExpression, "#Year > :y AND #status <> :s");
      assert.deepEqual(fixed.ExpressionAttributeNames, { "#Year": "Year", "#status": "status" });
      await hint.waitFor({ state: "hidden" });
      const ran = await runIn(page, () => page.getByTestId("run").click());
      assert.equal(ran.result, "ok");
      assert.match(ran.metrics, /Count\s*2.*ScannedCount\s*3/s);
      // The button does the same, and completion offers a reserved attribute as its placeholder.
      await setEditor(page, "request", JSON.stringify({ TableName: "Music", ProjectionExpression: "Artist, Year" }));
      await page.getByTestId("reserved-fix").click();
      assert.equal(JSON.parse(await editorText(page, "request")).ProjectionExpression, "Artist, #Year");
      await setEditor(page, "request", `{"ProjectionExpression": "#Ye`);
      await page.getByTestId("request").press("End");
      await page.locator(".cm-tooltip-autocomplete").getByText("#Year").first().waitFor();
      await page.getByTestId("request").press("Escape");
      assertClean(t, seen);
    }));

  test("items: the query builder shows its Query request and CLI, and runs it into the grid", (t) =>
    withPage("items-query", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-query#console`);
      await createMusic(page);
      await page.getByTestId("table-list").getByRole("button", { name: "Music" }).click();
      await showPanel(page, "items");
      await page.getByTestId("query-builder").locator("summary").click();
      await page.getByTestId("query-pk").fill("Acme Band");
      await page.getByTestId("query-sk-op").selectOption("begins_with");
      await page.getByTestId("query-sk").fill("Ha");
      assert.deepEqual(JSON.parse(await page.getByTestId("query-json").textContent()), {
        TableName: "Music",
        KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :sk)",
        ExpressionAttributeNames: { "#pk": "Artist", "#sk": "SongTitle" },
        ExpressionAttributeValues: { ":pk": { S: "Acme Band" }, ":sk": { S: "Ha" } },
        ReturnConsumedCapacity: "TOTAL",
      });
      assert.match(await page.getByTestId("query-cli").textContent(), /^aws dynamodb query \\\n\s+--table-name Music \\\n\s+--key-condition-expression '#pk = :pk AND begins_with\(#sk, :sk\)'/);
      const rows = page.getByTestId("items-grid").locator("tbody tr[data-row]");
      const metrics = page.getByTestId("items-metrics");
      await page.getByTestId("query-run").click();
      await page.getByTestId("items-page").filter({ hasText: "Query results" }).waitFor();
      assert.match(await metrics.textContent(), /^Count 1 · ScannedCount 1 · ConsumedCapacity 0.5 capacity units on Music/);
      assert.equal(await rows.count(), 1);
      assert.match(await rows.first().textContent(), /Happy Day/);

      // Descending, a filter and Limit 1: a page at a time, newest title first.
      await page.getByTestId("query-sk-op").selectOption("");
      await page.getByTestId("query-order").selectOption("descending");
      await page.getByTestId("query-filter-name").fill("Year");
      await page.getByTestId("query-filter-op").selectOption(">");
      await page.getByTestId("query-filter-type").selectOption("N");
      await page.getByTestId("query-filter-value").fill("2000");
      await page.getByTestId("query-limit").fill("1");
      const request = JSON.parse(await page.getByTestId("query-json").textContent());
      assert.equal(request.ScanIndexForward, false);
      assert.equal(request.FilterExpression, "#f > :f");
      await page.getByTestId("query-run").click();
      await page.getByTestId("query-next").waitFor();
      assert.match(await rows.first().textContent(), /Rainy Night/);
      await screenshot(t, page, "items-query", { fullPage: true });
      await page.getByTestId("query-next").click();
      await page.waitForFunction(() => /Happy Day/.test(document.querySelector("[data-testid=items-grid] tbody tr[data-row]")?.textContent ?? ""));
      assert.match(await metrics.textContent(), /^Count 1 · ScannedCount 1/);
      await page.emulateMedia({ colorScheme: "dark" });
      await screenshot(t, page, "items-query-dark", { fullPage: true });
      await page.emulateMedia({ colorScheme: "light" });
      await page.setViewportSize({ width: 400, height: 800 });
      await screenshot(t, page, "items-query-narrow", { fullPage: true });
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1), "no sideways scrolling at 400 px");
      assertClean(t, seen);
    }));

  test("databases: export to a file and import it into a new database (throttling paused meanwhile)", (t) =>
    withPage("transfer", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-export#console`);
      await createMusic(page);
      // A provisioned 1/1 table with a GSI and 60 items: three batches, and throttled without the pause.
      expectOk(await runRequest(page, "CreateTable", {
        TableName: "Events",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }, { AttributeName: "kind", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        GlobalSecondaryIndexes: [{ IndexName: "ByKind", KeySchema: [{ AttributeName: "kind", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }],
        BillingMode: "PROVISIONED",
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      }), "CreateTable Events");
      for (let batch = 0; batch < 3; batch++) {
        const puts = Array.from({ length: 20 }, (_, i) => ({ PutRequest: { Item: { id: { S: `e${batch * 20 + i}` }, kind: { S: i % 2 ? "click" : "view" }, n: { N: "12345678901234567890123456789012345678" } } } }));
        // One line: the editor only renders the lines in view, and the helper reads them back.
        expectOk(await runRequest(page, "BatchWriteItem", JSON.stringify({ RequestItems: { Events: puts } })), "BatchWriteItem Events");
      }
      expectOk(await runRequest(page, "UpdateTimeToLive", { TableName: "Events", TimeToLiveSpecification: { Enabled: true, AttributeName: "expiresAt" } }), "UpdateTimeToLive Events");
      // Record the Configure calls the page makes from here on.
      await page.evaluate(() => {
        window.configureCalls = [];
        const send = dynaplay.Database.prototype.send;
        dynaplay.Database.prototype.send = function (operation, request) {
          if (operation === "Dynaplay.Configure") window.configureCalls.push(typeof request === "string" ? JSON.parse(request) : request);
          return send.call(this, operation, request);
        };
      });

      await page.getByTestId("transfer").locator("summary").click();
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-run").click()]);
      assert.equal(download.suggestedFilename(), "dynaplay-e2e-export.json");
      const file = join(outputDir, "dynaplay-e2e-export.json");
      await download.saveAs(file);
      await page.getByTestId("transfer-status").filter({ hasText: "Exported 2 tables and 63 items" }).waitFor();
      const exported = JSON.parse(await readFile(file, "utf8"));
      assert.equal(exported.format, "dynaplay-export");
      assert.deepEqual(exported.tables.map((t) => [t.create.TableName, t.items.length]), [["Events", 60], ["Music", 3]]);
      assert.deepEqual(exported.tables[0].create.GlobalSecondaryIndexes[0].ProvisionedThroughput, { ReadCapacityUnits: 1, WriteCapacityUnits: 1 });
      assert.deepEqual(exported.tables.map((t) => t.timeToLive), ["expiresAt", undefined]);
      assert.deepEqual(await page.evaluate(() => window.configureCalls.splice(0)), [{ Throttling: false }, { Throttling: true }]);

      await page.getByTestId("import-file").setInputFiles(file);
      await page.getByTestId("transfer-status").filter({ hasText: '2 tables and 63 items, exported from "e2e-export"' }).waitFor();
      assert.equal(await page.getByTestId("import-name").inputValue(), "e2e-export-copy");
      await page.getByTestId("import-name").fill("e2e-export");
      await page.getByTestId("import-run").click();
      await page.getByTestId("transfer-status").filter({ hasText: "exists already" }).waitFor();
      await page.getByTestId("import-name").fill("e2e-imported");
      await page.getByTestId("import-run").click();
      await page.getByTestId("transfer-status").filter({ hasText: 'Imported 2 tables and 63 items into "e2e-imported"' }).waitFor();
      assert.equal(await page.getByTestId("db-name").textContent(), "e2e-imported");
      assert.equal(await page.getByTestId("transfer-progress").evaluate((p) => p.value === p.max), true);
      await screenshot(t, page, "transfer");
      assert.deepEqual(await page.evaluate(() => window.configureCalls.splice(0)), [{ Throttling: false }, { Throttling: true }]);

      // The copy: same tables, indexes and items (the 38-digit number intact).
      const copy = expectOk(await runRequest(page, "DescribeTable", { TableName: "Events" }), "DescribeTable").Table;
      assert.equal(copy.GlobalSecondaryIndexes[0].IndexName, "ByKind");
      assert.equal(copy.ProvisionedThroughput.WriteCapacityUnits, 1);
      const ttl = expectOk(await runRequest(page, "DescribeTimeToLive", { TableName: "Events" }), "DescribeTimeToLive").TimeToLiveDescription;
      assert.deepEqual([ttl.TimeToLiveStatus, ttl.AttributeName], ["ENABLED", "expiresAt"], "the import turned the time to live back on");
      const scanned = expectOk(await runRequest(page, "Scan", { TableName: "Events", ConsistentRead: true }), "Scan Events");
      const byId = (items) => [...items].sort((a, b) => a.id.S.localeCompare(b.id.S));
      assert.deepEqual(byId(scanned.Items), byId(exported.tables[0].items));
      assert.equal(scanned.Items[0].n.N, "12345678901234567890123456789012345678");
      assert.equal(expectOk(await runRequest(page, "Scan", { TableName: "Music" }), "Scan Music").Count, 3);
      const config = expectOk(await runRequest(page, "Dynaplay.DescribeConfiguration", {}), "DescribeConfiguration");
      assert.equal(config.Throttling, true, "throttling is on again after the import");

      // A file that is not an export is refused with the reason.
      await page.getByTestId("import-file").setInputFiles({ name: "other.json", mimeType: "application/json", buffer: Buffer.from('{"format":"csv"}') });
      await page.getByTestId("transfer-status").filter({ hasText: "not a Dynaplay export" }).waitFor();
      assert.equal(await page.getByTestId("import-run").isDisabled(), true);
      await page.emulateMedia({ colorScheme: "dark" });
      await screenshot(t, page, "transfer-dark");
      await page.emulateMedia({ colorScheme: "light" });
      await page.setViewportSize({ width: 400, height: 800 });
      await screenshot(t, page, "transfer-narrow");
      assertClean(t, seen);
    }));

  test("s3: export the picked table, download it as a zip, upload a CSV and import it into a new table", (t) =>
    withPage("s3", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-s3#console`);
      await createMusic(page);
      await page.getByTestId("table-list").locator("button", { hasText: "Music" }).click();
      await showPanel(page, "s3");
      await page.getByTestId("s3-bucket").fill("e2e-bucket");
      await page.getByTestId("s3-export-format").selectOption("ION");
      // Without point-in-time recovery the export is refused, as on DynamoDB.
      await page.getByTestId("s3-export").click();
      await page.getByTestId("s3-output").filter({ hasText: "PointInTimeRecoveryUnavailableException: Point in time recovery is not enabled for table 'Music'" }).waitFor();
      await page.evaluate(() => globalThis.dynaplay.db.send("UpdateContinuousBackups", { TableName: "Music", PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
      await page.getByTestId("s3-export").click();
      await page.getByTestId("s3-output").filter({ hasText: '"ExportStatus": "COMPLETED"' }).waitFor();
      assert.match((await page.getByTestId("s3-output").textContent()) ?? "", /"ItemCount": 3/);
      await page.getByTestId("s3-object").nth(5).waitFor();
      assert.equal(await page.getByTestId("s3-object").count(), 6);
      const [zip] = await Promise.all([page.waitForEvent("download"), page.getByTestId("s3-zip").click()]);
      assert.match(zip.suggestedFilename(), /^\d{14}-[0-9a-f]{8}\.zip$/);
      const zipFile = join(outputDir, "s3-export.zip");
      await zip.saveAs(zipFile);
      const bytes = await readFile(zipFile);
      assert.equal(bytes.subarray(0, 4).toString("hex"), "504b0304", "a zip archive");

      await page.getByTestId("s3-files").setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from("id,name\np1,Ann\np2,Bob\n,NoKey\n") });
      await page.getByTestId("s3-upload-prefix").fill("in/");
      await page.getByTestId("s3-upload").click();
      await page.getByTestId("s3-output").filter({ hasText: "Uploaded 1 file(s)." }).waitFor();
      await page.getByTestId("s3-import-prefix").fill("in/");
      await page.getByTestId("s3-import-table").fill("People");
      await page.getByTestId("s3-import").click();
      await page.getByTestId("s3-output").filter({ hasText: '"ImportStatus": "COMPLETED"' }).waitFor();
      const shown = (await page.getByTestId("s3-output").textContent()) ?? "";
      assert.match(shown, /"ImportedItemCount": 2/);
      assert.match(shown, /"ErrorCount": 1/);
      assert.match(shown, /in\/people\.csv line 4: /);
      await page.getByTestId("table-list").locator("button", { hasText: "People" }).waitFor();
      await screenshot(t, page, "s3");
      await showPanel(page, "console");
      assert.equal(expectOk(await runRequest(page, "Scan", { TableName: "People" }), "Scan People").Count, 2);
      assertClean(t, seen);
    }));

  test("header: a badge lists the simulation settings that are not DynamoDB's defaults", (t) =>
    withPage("sim-badge", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-badge#capacity`);
      const badge = page.getByTestId("sim-badge");
      const list = page.getByTestId("sim-badge-list");
      await page.getByTestId("clock-time").filter({ hasNotText: "…" }).waitFor();
      assert.equal(await badge.isVisible(), false, "no badge with the defaults");
      await page.getByTestId("clock-rate-0").click();
      await list.filter({ hasText: "clock paused" }).waitFor();
      await page.getByTestId("knob-throttling").uncheck();
      await list.filter({ hasText: "clock paused, throttling off" }).waitFor();
      // A change made in the console shows too, and the badge leads to the controls.
      await showPanel(page, "console");
      expectOk(await runRequest(page, "Dynaplay.Configure", { GsiPropagationDelayMillis: 5000 }), "Configure");
      assert.equal(await list.textContent(), "clock paused, throttling off, GSI delay 5 s");
      await screenshot(t, page, "sim-badge");
      await page.emulateMedia({ colorScheme: "dark" });
      await screenshot(t, page, "sim-badge-dark", { clip: { x: 0, y: 0, width: 1280, height: 90 } });
      await page.emulateMedia({ colorScheme: "light" });
      await page.setViewportSize({ width: 400, height: 700 });
      await screenshot(t, page, "sim-badge-narrow");
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1), "no sideways scrolling at 400 px");
      await page.setViewportSize({ width: 1280, height: 720 });
      await badge.click();
      await page.getByTestId("panel-capacity").waitFor({ state: "visible" });
      // Back to the defaults: the badge goes away.
      await page.getByTestId("knob-gsi-instant").click();
      await page.getByTestId("knob-throttling").check();
      await page.getByTestId("clock-rate-1").click();
      await badge.waitFor({ state: "hidden" });
      assertClean(t, seen);
    }));

  test("offline: after a first visit the page reloads and runs requests without the network", (t) =>
    withPage("offline", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-offline#console`);
      // The worker installs after the load event, caches the build, and takes over the page.
      await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 20_000 });
      const cacheNames = await page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith("dynaplay-")));
      assert.equal(cacheNames.length, 1, `one versioned cache: ${cacheNames}`);
      await browser.context.setOffline(true);
      try {
        // Really offline: what the worker does not cache fails.
        assert.equal(await page.evaluate(() => fetch("dist/playground.js.map").then(() => "fetched", () => "failed")), "failed");
        // That failed fetch is the one console error this scenario expects.
        assert.deepEqual(seen.errors.splice(0), ["Failed to load resource: net::ERR_INTERNET_DISCONNECTED"]);
        await page.reload();
        await waitUntilReady(page);
        expectOk(await runRequest(page, "CreateTable", { TableName: "Offline", AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }), "CreateTable offline");
        const listed = expectOk(await runRequest(page, "ListTables", {}, { keyboard: true }), "ListTables offline");
        assert.deepEqual(listed.TableNames, ["Offline"]);
        await screenshot(t, page, "offline");
      } finally {
        await browser.context.setOffline(false);
      }
      assertClean(t, seen);
    }));

  test("streams: a table made in the designer with a stream and time to live, its records live in the Streams panel", (t) =>
    withPage("streams", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-streams#designer`);
      await page.getByTestId("designer-table-name").fill("Events");
      await page.getByTestId("designer-pk-name").fill("pk");
      await page.getByTestId("designer-has-sort").setChecked(false);
      await page.getByTestId("designer-stream-enabled").check();
      await page.getByTestId("designer-stream-view-type").selectOption("NEW_AND_OLD_IMAGES");
      const request = JSON.parse(await page.getByTestId("designer-preview").textContent());
      assert.deepEqual(request.StreamSpecification, { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
      await page.getByTestId("designer-preview-cli").click();
      assert.match(await page.getByTestId("designer-preview").textContent(), /--stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES/);
      await page.getByTestId("designer-create").click();
      await page.getByTestId("designer-edit-title").filter({ hasText: "Table Events" }).waitFor();
      await page.getByTestId("stream-list").getByText("Events").waitFor();

      // Time to live, enabled in the edit view through its previewed UpdateTimeToLive.
      await page.getByTestId("edit-ttl-status").filter({ hasText: "DISABLED" }).waitFor();
      await page.getByTestId("edit-ttl-enabled").check();
      await page.getByTestId("edit-ttl-attribute").fill("expires");
      assert.deepEqual(JSON.parse(await page.getByTestId("edit-ttl-preview").textContent()), { TableName: "Events", TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" } });
      await page.getByTestId("edit-ttl-apply").click();
      await page.getByTestId("edit-ttl-status").filter({ hasText: "ENABLED on expires" }).waitFor();
      await screenshot(t, page, "designer-streams-ttl", { fullPage: true });

      await page.evaluate(async () => {
        const db = globalThis.dynaplay.db;
        await db.send("PutItem", { TableName: "Events", Item: { pk: { S: "a<b>" }, n: { N: "1" }, gone: { S: "x" } } });
        await db.send("UpdateItem", { TableName: "Events", Key: { pk: { S: "a<b>" } }, UpdateExpression: "SET n = :two, added = :y REMOVE gone", ExpressionAttributeValues: { ":two": { N: "2" }, ":y": { BOOL: true } } });
        await db.send("DeleteItem", { TableName: "Events", Key: { pk: { S: "a<b>" } } });
      });
      await page.getByTestId("stream-list").getByText("Events").click();
      await page.getByTestId("panel-streams").waitFor({ state: "visible" });
      const records = page.getByTestId("stream-record");
      await records.nth(2).waitFor();
      assert.deepEqual(await records.evaluateAll((els) => els.map((e) => e.dataset.event)), ["REMOVE", "MODIFY", "INSERT"]);
      const diff = await page.getByTestId("stream-diff").locator("tbody tr").evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
      assert.deepEqual(diff, [["added", "added", "", "true"], ["gone", "removed", "x", ""], ["n", "changed", "1", "2"]]);
      assert.match(await records.first().textContent(), /REMOVE.*pk=a<b>/);

      // An expired item: swept once the clock passes its time to live, marked as such.
      await page.evaluate(async () => {
        const db = globalThis.dynaplay.db;
        const now = (await db.send("Dynaplay.DescribeConfiguration", {})).Clock.NowMillis;
        await db.send("PutItem", { TableName: "Events", Item: { pk: { S: "short-lived" }, expires: { N: String(Math.floor(now / 1000) + 30) } } });
        await db.send("Dynaplay.SetClock", { AdvanceMillis: 120_000 });
        await db.send("GetItem", { TableName: "Events", Key: { pk: { S: "other" } } });
      });
      await page.getByTestId("stream-ttl").waitFor();
      const ttlRecord = records.filter({ has: page.getByTestId("stream-ttl") });
      assert.equal(await ttlRecord.getAttribute("data-event"), "REMOVE");
      assert.match(await ttlRecord.textContent(), /pk=short-lived/);

      // The filter and Pause.
      await page.getByTestId("streams-filter").fill("short");
      await page.waitForFunction(() => document.querySelectorAll("[data-testid=stream-record]").length === 2);
      await page.getByTestId("streams-pause").click();
      assert.equal(await page.getByTestId("streams-pause").textContent(), "Resume");
      await page.getByTestId("streams-pause").click();
      await page.getByTestId("streams-filter").fill("");
      await records.nth(4).waitFor();
      // The same records as a table, the diff on one line.
      await page.getByTestId("streams-layout").selectOption("table");
      const rows = page.getByTestId("stream-row");
      await rows.nth(4).waitFor();
      assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => `${e.dataset.event}${e.dataset.ttl === "true" ? " TTL" : ""}`)), ["REMOVE TTL", "INSERT", "REMOVE", "MODIFY", "INSERT"]);
      assert.match(await rows.nth(3).textContent(), /\+added=true; -gone=x; n: 1 -> 2/);
      await screenshot(t, page, "streams-table");
      await page.getByTestId("streams-layout").selectOption("feed");
      await screenshot(t, page, "streams", { fullPage: true });
      await page.emulateMedia({ colorScheme: "dark" });
      await screenshot(t, page, "streams-dark", { fullPage: true });
      await page.emulateMedia({ colorScheme: "light" });
      await page.setViewportSize({ width: 400, height: 800 });
      await screenshot(t, page, "streams-narrow", { fullPage: true });
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1), "no sideways scrolling at 400 px");
      await page.setViewportSize({ width: 1280, height: 720 });

      // A table without a stream: the panel explains and enables one.
      await showPanel(page, "designer");
      await page.getByTestId("designer-new").click();
      await page.getByTestId("designer-stream-enabled").uncheck();
      await createTableInDesigner(page, { name: "Plain", pk: "id" });
      await showPanel(page, "streams");
      await page.getByTestId("streams-none").waitFor({ state: "visible" });
      await page.getByTestId("streams-view-type").selectOption("KEYS_ONLY");
      await page.getByTestId("streams-enable").click();
      await page.getByTestId("streams-info").filter({ hasText: "KEYS_ONLY stream" }).waitFor();
      await page.getByTestId("stream-list").getByText("Plain").waitFor();
      await page.evaluate(() => globalThis.dynaplay.db.send("PutItem", { TableName: "Plain", Item: { id: { S: "k1" }, big: { S: "not in a KEYS_ONLY record" } } }));
      await records.first().waitFor();
      assert.equal(await records.first().textContent().then((text) => text.includes("not in a KEYS_ONLY record")), false);
      assertClean(t, seen);
    }));

  test("kinesis: a table streams its changes to a Kinesis stream, read back as text", (t) =>
    withPage("kinesis", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-kinesis#designer`);
      await createTableInDesigner(page, { name: "Songs", pk: "id" });
      await showPanel(page, "streams");
      await page.getByTestId("kinesis-section").waitFor({ state: "visible" });
      await page.getByTestId("kinesis-name").fill("song-changes");
      await page.getByTestId("kinesis-shards").fill("2");
      await page.getByTestId("kinesis-create").click();
      await page.getByTestId("kinesis-status").filter({ hasText: "Songs → song-changes: no destination" }).waitFor();
      await page.getByTestId("kinesis-enable").click();
      await page.getByTestId("kinesis-status").filter({ hasText: "ACTIVE" }).waitFor();
      await page.evaluate(async () => {
        const db = globalThis.dynaplay.db;
        await db.send("PutItem", { TableName: "Songs", Item: { id: { S: "<img src=x onerror=alert(1)>" }, n: { N: "1" } } });
        await db.send("Kinesis_20131202.PutRecord", { StreamName: "song-changes", PartitionKey: "p", Data: btoa("plain <b>text</b>") });
      });
      await page.getByTestId("kinesis-read").click();
      const records = page.getByTestId("kinesis-record");
      await records.nth(1).waitFor();
      const texts = await records.allTextContents();
      assert.ok(texts.some((text) => text.includes('"eventName":"INSERT"') && text.includes("<img src=x onerror=alert(1)>")), texts.join("\n"));
      assert.ok(texts.some((text) => text.includes("plain <b>text</b>")), texts.join("\n"));
      assert.equal(await page.locator("[data-testid=kinesis-records] img, [data-testid=kinesis-records] b").count(), 0, "Data is shown as text");
      await page.getByTestId("kinesis-retention").fill("168");
      await page.getByTestId("kinesis-set-retention").click();
      await page.getByTestId("kinesis-error").waitFor({ state: "hidden" });
      assert.equal(await page.evaluate(async () => (await globalThis.dynaplay.db.send("Kinesis_20131202.DescribeStreamSummary", { StreamName: "song-changes" })).StreamDescriptionSummary.RetentionPeriodHours), 168);
      await page.getByTestId("kinesis-disable").click();
      await page.getByTestId("kinesis-status").filter({ hasText: "DISABLED" }).waitFor();
      await screenshot(t, page, "streams-kinesis", { fullPage: true });
      assertClean(t, seen);
    }));

  test("designer: backups created, restored and deleted; point-in-time recovery on and a restore to a second", (t) =>
    withPage("backups", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-backups#designer`);
      await createTableInDesigner(page, { name: "Shelf", pk: "id" });
      await page.evaluate(() => globalThis.dynaplay.db.send("PutItem", { TableName: "Shelf", Item: { id: { S: "book" } } }));
      await page.getByTestId("backups-section").getByText("No backups of this table yet.").waitFor();
      assert.equal(await page.getByTestId("backup-name").inputValue(), "Shelf-backup");
      await page.getByTestId("backup-create").click();
      await page.getByTestId("backups-result").filter({ hasText: "Created backup Shelf-backup." }).waitFor();
      assert.match(await page.getByTestId("backup-row").textContent(), /Shelf-backup.*USER/);
      await page.getByTestId("backup-restore").click();
      await page.getByTestId("backups-result").filter({ hasText: "into table Shelf-restored" }).waitFor();
      const count = (table) => page.evaluate(async (name) => (await globalThis.dynaplay.db.send("Scan", { TableName: name })).Count, table);
      assert.equal(await count("Shelf-restored"), 1);

      await page.getByTestId("pitr-status").filter({ hasText: "off" }).waitFor();
      await page.getByTestId("pitr-toggle").click();
      await page.getByTestId("pitr-status").filter({ hasText: "restorable from" }).waitFor();
      await page.getByTestId("restore-target").fill("Shelf-then");
      await page.getByTestId("pitr-restore").click();
      await page.getByTestId("backups-result").filter({ hasText: "into table Shelf-then" }).waitFor();
      assert.equal(await count("Shelf-then"), 1);
      await screenshot(t, page, "designer-backups", { fullPage: true });

      await page.getByTestId("backup-delete").click();
      await page.getByTestId("dialog-confirm").click();
      await page.getByTestId("backups-section").getByText("No backups of this table yet.").waitFor();
      assertClean(t, seen);
    }));

  test("global tables: a replica added in eu-west-1, the lag set, and the conflict demo says which write won", (t) =>
    withPage("global-tables", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-global#designer`);
      await createTableInDesigner(page, { name: "Songs", pk: "id" });
      await showPanel(page, "global");
      await page.getByTestId("gt-region").selectOption("eu-west-1");
      await page.getByTestId("gt-add").click();
      await page.getByTestId("gt-output").filter({ hasText: "Replica added in eu-west-1" }).waitFor();
      assert.deepEqual(await page.getByTestId("gt-replica").allTextContents(), ["us-east-1 (this table)", "eu-west-1 ACTIVE"]);
      await page.getByTestId("gt-lag").fill("5000");
      await page.getByTestId("gt-set-lag").click();
      await page.getByTestId("gt-output").filter({ hasText: "5000 ms" }).waitFor();
      await page.getByTestId("gt-conflict").click();
      const output = page.getByTestId("gt-output");
      await output.filter({ hasText: "last writer wins" }).waitFor();
      const text = await output.textContent();
      assert.match(text, /Before the 5000 ms lag passed, each replica held its own write:\n  us-east-1 +written in us-east-1\n  eu-west-1 +written in eu-west-1/);
      assert.match(text, /After the lag:\n  us-east-1 +written in eu-west-1\n  eu-west-1 +written in eu-west-1/);
      await screenshot(t, page, "global-tables", { fullPage: true });
      assertClean(t, seen);
    }));

  test("triggers: a function on a NEW_IMAGE stream, one bad record bisected out to the failure list", (t) =>
    withPage("triggers", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-triggers#designer`);
      await page.getByTestId("designer-stream-enabled").check();
      await page.getByTestId("designer-stream-view-type").selectOption("NEW_IMAGE");
      await createTableInDesigner(page, { name: "Orders", pk: "id" });
      await page.getByTestId("stream-list").getByText("Orders").click();
      await page.getByTestId("panel-streams").waitFor({ state: "visible" });
      await page.getByTestId("trigger-body").fill('for (const r of event.Records) if (r.dynamodb.NewImage.id.S === "bad") throw new Error("cannot ship " + r.dynamodb.Keys.id.S);');
      await page.getByTestId("trigger-retries").fill("1");
      await page.getByTestId("trigger-bisect").check();
      await page.getByTestId("trigger-add").click();
      await page.getByTestId("trigger").filter({ hasText: "Orders · batch 100 · TRIM_HORIZON · 1 retry · bisect on error" }).waitFor();
      await page.evaluate(async () => {
        const items = ["a", "b", "bad", "c", "d"].map((id) => ({ PutRequest: { Item: { id: { S: id } } } }));
        await globalThis.dynaplay.db.send("BatchWriteItem", { RequestItems: { Orders: items } });
      });
      const status = page.getByTestId("trigger-state");
      await status.filter({ hasText: "4 delivered" }).filter({ hasText: "1 sent to failure" }).waitFor();
      assert.match(await status.textContent(), /0 pending/);
      const failures = page.getByTestId("trigger-failure");
      assert.equal(await failures.count(), 1);
      assert.match(await failures.first().textContent(), /Orders · 1 record\(s\): id=bad · Error: cannot ship bad/);
      const log = await page.getByTestId("trigger-invocation").evaluateAll((els) => els.map((e) => e.dataset.ok));
      assert.ok(log.includes("false") && log.includes("true"), `ok and failed invocations: ${log}`);
      assert.match(await page.getByTestId("trigger-error").textContent(), /Last error: Error: cannot ship bad/);

      // Paused, then resumed: what was written meanwhile is delivered; then deleted.
      await page.getByTestId("trigger-pause").click();
      assert.match(await status.textContent(), /^Paused/);
      await page.evaluate(() => globalThis.dynaplay.db.send("PutItem", { TableName: "Orders", Item: { id: { S: "e" } } }));
      await page.getByTestId("trigger-pause").click();
      await status.filter({ hasText: "5 delivered" }).waitFor();

      // Edited in place: a new body and batch size from the next batch, the position kept.
      await page.getByTestId("trigger-edit").click();
      assert.match(await page.getByTestId("trigger-body").inputValue(), /cannot ship/, "the form holds the trigger's body");
      assert.equal(await page.getByTestId("trigger-position").isDisabled(), true, "the starting position cannot change");
      await page.getByTestId("trigger-body").fill("globalThis.edited = (globalThis.edited ?? 0) + event.Records.length;");
      await page.getByTestId("trigger-batch-size").fill("10");
      await page.getByTestId("trigger-add").click();
      await page.getByTestId("trigger-settings").filter({ hasText: "Orders · batch 10 · TRIM_HORIZON · 1 retry · bisect on error" }).waitFor();
      assert.equal(await page.getByTestId("trigger-add").textContent(), "Add trigger");
      await page.evaluate(() => globalThis.dynaplay.db.send("PutItem", { TableName: "Orders", Item: { id: { S: "f" } } }));
      await status.filter({ hasText: "6 delivered" }).waitFor();
      assert.equal(await page.evaluate(() => globalThis.edited), 1, "the edited body got only the new record");
      const savedForm = await page.evaluate(() => JSON.parse(localStorage.getItem("dynaplay.triggers.e2e-triggers"))[0]);
      assert.deepEqual([savedForm.batchSize, savedForm.body], [10, "globalThis.edited = (globalThis.edited ?? 0) + event.Records.length;"], "the saved trigger follows the edit");
      await page.getByTestId("triggers").scrollIntoViewIfNeeded();
      await page.getByTestId("triggers").screenshot({ path: join(outputDir, "triggers.png") });
      t.diagnostic(`screenshot: ${join(outputDir, "triggers.png")}`);

      // A trigger from page code, with a real function.
      const received = await page.evaluate(() => new Promise((resolve) => {
        const trigger = globalThis.dynaplay.triggers.create({ tableName: "Orders", handler: (event) => { trigger.stop(); resolve(event.Records.length); } });
      }));
      assert.equal(received, 7);
      assert.equal(await page.getByTestId("trigger").count(), 2);
      await page.getByTestId("trigger-delete").first().click();
      assert.equal(await page.getByTestId("trigger").count(), 1);
      assertClean(t, seen);
    }));

  test("triggers: a saved trigger killed mid-batch by a reload goes on from its checkpoint", (t) =>
    withPage("triggers-resume", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-trigger-resume#designer`);
      await page.getByTestId("designer-stream-enabled").check();
      await page.getByTestId("designer-stream-view-type").selectOption("NEW_IMAGE");
      await createTableInDesigner(page, { name: "Jobs", pk: "id" });
      await page.getByTestId("stream-list").getByText("Jobs").click();
      await page.getByTestId("panel-streams").waitFor({ state: "visible" });
      // Each batch is logged in localStorage; the batch holding "c" hangs until the reload.
      await page.getByTestId("trigger-body").fill(`const log = JSON.parse(localStorage.getItem("e2e.batches") ?? "[]");
log.push(event.Records.map((r) => r.dynamodb.Keys.id.S).join(","));
localStorage.setItem("e2e.batches", JSON.stringify(log));
if (!localStorage.getItem("e2e.reloaded") && event.Records.some((r) => r.dynamodb.Keys.id.S === "c")) await new Promise(() => {});`);
      await page.getByTestId("trigger-batch-size").fill("2");
      await page.getByTestId("trigger-add").click();
      for (const id of ["a", "b", "c", "d", "e", "f"]) {
        await page.evaluate((id) => globalThis.dynaplay.db.send("PutItem", { TableName: "Jobs", Item: { id: { S: id } } }), id);
      }
      const batches = () => page.evaluate(() => JSON.parse(localStorage.getItem("e2e.batches") ?? "[]"));
      await page.waitForFunction(() => JSON.parse(localStorage.getItem("e2e.batches") ?? "[]").length === 2);
      assert.deepEqual(await batches(), ["a,b", "c,d"]);
      await page.evaluate(() => localStorage.setItem("e2e.reloaded", "1"));
      await page.reload();
      await page.getByTestId("trigger").filter({ hasText: "Jobs · batch 2" }).waitFor();
      await page.waitForFunction(() => JSON.parse(localStorage.getItem("e2e.batches") ?? "[]").length === 4);
      // The batch in flight is delivered again (at-least-once); nothing is lost or repeated before it.
      assert.deepEqual(await batches(), ["a,b", "c,d", "c,d", "e,f"]);
      await page.getByTestId("trigger-delete").click();
      assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("dynaplay.trigger.e2e-trigger-resume")).length), 0);
      assertClean(t, seen);
    }));

  test("a table without a stream, narrow screen, dark theme and keyboard tabs", (t) =>
    withPage("layout", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-layout#streams`);
      await page.getByTestId("streams-empty").waitFor({ state: "visible" });
      // Arrow keys move between the tabs.
      await page.getByTestId("tab-streams").focus();
      await page.keyboard.press("ArrowRight");
      await page.getByTestId("panel-capacity").waitFor({ state: "visible" });
      await page.getByTestId("capacity-empty").waitFor({ state: "visible" });

      await page.getByTestId("theme-toggle").click(); // system -> light
      await page.getByTestId("theme-toggle").click(); // light -> dark
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
      await showPanel(page, "console");
      await screenshot(t, page, "console-dark");
      await page.getByTestId("theme-toggle").click(); // back to system

      await page.setViewportSize({ width: 400, height: 800 });
      await showPanel(page, "designer");
      await page.getByTestId("designer-add-lsi").click();
      await page.getByTestId("designer-add-gsi").click();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px at 400 px`);
      await screenshot(t, page, "narrow", { fullPage: true });
      assertClean(t, seen);
    }));

  test("says so when another tab has the database open, and opens it once that tab is gone", (t) =>
    withPage("in-use", async (first) => {
      const url = `${server.url}?db=e2e-shared#console`;
      await openPlayground(first, url);
      await withPage("in-use-second", async (second, seen) => {
        await second.goto(url);
        const { state, text } = await waitForStatus(second);
        assert.equal(state, "error", `a second tab opened the database: ${text}`);
        assert.match(text, /e2e-shared/);
        assert.match(text, /already open/);
        assert.ok(await second.getByTestId("run").isDisabled(), "Run stays disabled");
        await screenshot(t, second, "in-use");

        await first.close();
        await second.reload();
        await waitUntilReady(second);
        assertClean(t, seen);
      });
    }));
});
