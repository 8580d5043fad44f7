// End-to-end tests of <dynaplay-playground> embedded in other pages, and of shareable links.
//
//   node --test tests/e2e/embed.test.mjs      (after scripts/build.sh)
//
// The pages are the examples in www/examples/ (docs/embedding.md): embed.html (the playground
// loaded by an ES import; embeds of different databases, two of the same one, one unnamed,
// one with a preset and steps, a loud host stylesheet) and csp.html (loaded by a script tag;
// an embed under a strict Content-Security-Policy, set by a meta tag). Playwright's locators
// reach into the embeds' open shadow roots; every test ends with the page-wide checks (no
// uncaught error, no console error: a CSP violation is one, no dialog).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  assertClean,
  editorText,
  expectOk,
  nextRun,
  openPlayground,
  outputDir,
  pickConsoleMode,
  runInEmbed,
  runRequest,
  setEditor,
  startPageSuite,
  tableListNames,
  withPage as withPageOf,
} from "./browser.mjs";

let suite;
const withPage = (name, body) => withPageOf(suite.browser, name, body);

/** Waits until the embed with element id ID has opened its database (and applied its preset). */
async function embedReady(page, id) {
  const embed = page.locator(`#${id}`);
  await page.waitForFunction((el) => el.dataset.ready === "true" || el.shadowRoot?.querySelector("[data-testid=status]")?.dataset.state === "error", await embed.elementHandle());
  const status = embed.getByTestId("status");
  assert.equal(await status.getAttribute("data-state"), "ready", `embed ${id}: ${await status.textContent()}`);
  return embed;
}

const music = (name) => ({
  TableName: name,
  AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
  KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
  BillingMode: "PAY_PER_REQUEST",
});

describe("embedded playgrounds", { timeout: 240_000 }, () => {
  before(async () => {
    suite = await startPageSuite();
  });

  after(() => suite?.stop());

  test("embeds on one page stay isolated: databases, ids, localStorage, styles", (t) =>
    withPage("embed-isolation", async (page, seen) => {
      await page.goto(`${suite.server.url}examples/embed.html`);
      const a = await embedReady(page, "embed-a");
      const b = await embedReady(page, "embed-b");
      await embedReady(page, "embed-preset");
      const a2 = await embedReady(page, "embed-a2");
      const unnamed = await embedReady(page, "embed-default");

      assert.equal(await a.getByTestId("embed-database").textContent(), "tutorial-a");
      assert.equal(await unnamed.getByTestId("embed-database").textContent(), "embed:/examples/embed.html:4", "an unnamed embed opened someone else's database");
      // panels="console,items": those tabs, in that order; embed-b shows the console alone.
      assert.deepEqual(await a.locator("[role=tab]:not([hidden])").allTextContents(), ["Console", "Items"]);
      assert.deepEqual(await b.locator("[role=tab]:not([hidden])").allTextContents(), ["Console"]);

      assert.equal((await runInEmbed(a, "CreateTable", music("OnlyInA"))).result, "ok");
      await a.getByTestId("table-list").getByText("OnlyInA").waitFor();
      // embed-a2 names the same database: it shares the session and lists the new table.
      await a2.getByTestId("table-list").getByText("OnlyInA").waitFor();
      const listedInB = await runInEmbed(b, "ListTables", {});
      assert.deepEqual(JSON.parse(listedInB.response).TableNames, [], "embed-b sees embed-a's table");

      const facts = await page.evaluate(() => {
        const roots = [document, ...[...document.querySelectorAll("dynaplay-playground")].map((e) => e.shadowRoot)];
        const ids = roots.flatMap((r) => [...r.querySelectorAll("[id]")].map((e) => e.id));
        const inA = document.querySelector("#embed-a").shadowRoot;
        return {
          duplicateIds: ids.filter((id, i) => ids.indexOf(id) !== i),
          global: typeof globalThis.dynaplay,
          keys: Object.keys(localStorage).sort(),
          hostFont: getComputedStyle(document.body).fontFamily,
          hostTitle: getComputedStyle(document.querySelector("h1")).color,
          embedButton: getComputedStyle(inA.querySelector("[data-testid=run]")).backgroundColor,
          embedMainOutline: getComputedStyle(inA.querySelector(".dp-main")).outlineStyle,
          height: getComputedStyle(document.querySelector("#embed-a")).height,
          backgrounds: ["#embed-a", "#embed-b"].map((id) => getComputedStyle(document.querySelector(id)).backgroundColor),
          gutters: ["#embed-a", "#embed-b"].map((id) => getComputedStyle(document.querySelector(id).shadowRoot.querySelector(".cm-gutters")).backgroundColor),
          narrowColumns: getComputedStyle(document.querySelector("#embed-default").shadowRoot.querySelector(".dp-layout")).gridTemplateColumns.split(" ").length,
          wideColumns: getComputedStyle(inA.querySelector(".dp-layout")).gridTemplateColumns.split(" ").length,
        };
      });
      assert.deepEqual(facts.duplicateIds, [], "element ids repeat across the page");
      assert.equal(facts.global, "undefined", "an embed set globalThis.dynaplay");
      for (const key of facts.keys) assert.match(key, /@(tutorial-(a|b|music)|embed:\/examples\/embed\.html:4)$/, `localStorage key ${key} is not per database`);
      assert.match(facts.hostFont, /Georgia/, "the embed's styles reached the host page");
      assert.equal(facts.hostTitle, "rgb(0, 128, 0)");
      assert.notEqual(facts.embedButton, "rgb(255, 0, 255)", "the host's button style reached inside the embed");
      assert.equal(facts.embedMainOutline, "none", "the host's .dp-main rule reached inside the embed");
      assert.equal(facts.height, "520px");
      assert.deepEqual([facts.wideColumns, facts.narrowColumns], [2, 1], "the layout follows the embed's width");
      // The page's editor colours outrank CodeMirror's theme, adopted into the shadow root after style.css.
      assert.deepEqual(facts.gutters, ["rgb(240, 242, 245)", "rgb(31, 37, 45)"], "the editors' gutters follow the theme");
      assert.deepEqual(facts.backgrounds, ["rgb(246, 247, 249)", "rgb(15, 18, 22)"], "embed-b's data-theme=\"dark\"");
      await page.screenshot({ path: join(outputDir, "embed-page.png"), fullPage: true });
      await b.screenshot({ path: join(outputDir, "embed-dark.png") });

      // A js snippet of the same database sends through the shared session: both embeds list its table.
      await page.evaluate(() => {
        const snippet = document.createElement("dynaplay-snippet");
        snippet.setAttribute("database", "tutorial-a");
        snippet.setAttribute("language", "js");
        snippet.textContent = `return send("CreateTable", { TableName: "FromJs", AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" });`;
        snippet.setAttribute("autorun", "");
        document.body.append(snippet);
      });
      await a.getByTestId("table-list").getByText("FromJs").waitFor();
      await a2.getByTestId("table-list").getByText("FromJs").waitFor();

      // A Reset in embed-a empties the shared database; embed-a2 follows onto the new session.
      await a.getByTestId("embed-reset").click();
      await a2.getByTestId("tables-empty").waitFor({ state: "visible" });
      await a2.locator("[data-testid=status][data-state=ready]").waitFor();
      await a.locator("[data-testid=status][data-state=ready]").waitFor();
      assert.deepEqual(JSON.parse((await runInEmbed(a, "ListTables", {})).response).TableNames, []);
      assert.deepEqual(JSON.parse((await runInEmbed(b, "ListTables", {})).response).TableNames, [], "embed-b's database");
      assertClean(t, seen);
    }));

  test("a preset fills the database, its steps run one at a time, Reset restores it", (t) =>
    withPage("embed-preset", async (page, seen) => {
      await page.goto(`${suite.server.url}examples/embed.html`);
      const embed = await embedReady(page, "embed-preset");
      await embed.getByTestId("table-list").getByText("Music").waitFor();
      const steps = embed.getByTestId("step");
      assert.equal(await steps.count(), 3);
      assert.equal(await steps.nth(0).getAttribute("aria-current"), "step");

      const count = async (i) => {
        const shown = await nextRun(embed, () => steps.nth(i).getByTestId("step-run").click());
        assert.equal(shown.result, "ok", `step ${i + 1}: ${shown.response}`);
        return JSON.parse(shown.response).Count;
      };
      assert.equal(await count(0), 2);
      assert.equal(await embed.getByTestId("operation").inputValue(), "Query", "the step filled the Console");
      assert.match(await editorText(embed, "request"), /"Select": "COUNT"/);
      await count(1);
      assert.equal(await count(2), 3, "the PutItem step added a song");
      assert.deepEqual(await steps.evaluateAll((els) => els.map((e) => e.dataset.state)), ["done", "done", "done"]);

      // Delete the table (the confirmation opens inside the embed, styled), then Reset.
      await embed.getByTestId("table-list").getByText("Music").click();
      await embed.getByTestId("tab-designer").click();
      await embed.getByTestId("edit-delete").click();
      const dialog = embed.getByTestId("dialog");
      await dialog.waitFor({ state: "visible" });
      assert.equal(await dialog.evaluate((d) => d.getRootNode() instanceof ShadowRoot), true, "the dialog opened outside the embed");
      await embed.getByTestId("dialog-confirm").click();
      await embed.getByTestId("tables-empty").waitFor({ state: "visible" });

      await embed.getByTestId("embed-reset").click();
      await page.waitForFunction((el) => el.shadowRoot.querySelector("[data-testid=status]").dataset.state === "ready" && el.shadowRoot.querySelector("[data-testid=step]").dataset.state === "pending", await embed.elementHandle());
      await embed.getByTestId("table-list").getByText("Music").waitFor();
      assert.equal(await count(0), 2, "Reset did not restore the preset's two songs");
      assertClean(t, seen);
    }));

  test("an embed works under a strict Content-Security-Policy", (t) =>
    withPage("embed-csp", async (page, seen) => {
      await page.addInitScript(() => {
        globalThis.cspViolations = [];
        document.addEventListener("securitypolicyviolation", (e) => globalThis.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await page.goto(`${suite.server.url}examples/csp.html`);
      const embed = await embedReady(page, "embed-csp");
      await embed.getByTestId("table-list").getByText("Music").waitFor();
      const step = await nextRun(embed, () => embed.getByTestId("step-run").first().click());
      assert.equal(step.result, "ok");
      assert.equal(JSON.parse(step.response).Count, 2);
      // The editors' styles (CodeMirror's, adopted into the shadow root) and style.css apply.
      const styled = await embed.getByTestId("request").evaluate((el) => ({
        editor: getComputedStyle(el.closest(".cm-editor")).display,
        tabs: getComputedStyle(el.getRootNode().querySelector(".dp-tabs")).display,
      }));
      assert.deepEqual(styled, { editor: "flex", tabs: "flex" });
      // Typing over a selection across lines: Chromium's own editing would write style
      // attributes (blocked and reported); the editor makes the change itself, and the
      // input handlers (here closeBrackets wrapping the selection) still apply.
      await embed.getByTestId("request").click();
      await page.keyboard.press("Control+a");
      await page.keyboard.type("x");
      assert.equal(await editorText(embed, "request"), "x");
      await page.keyboard.press("Control+a");
      await page.keyboard.type("{");
      assert.equal(await editorText(embed, "request"), "{x}");
      await page.keyboard.press("Control+z");
      assert.equal(await editorText(embed, "request"), "x");
      // The Items panel's grid sizes rows through the CSSOM, which the policy allows.
      await embed.getByTestId("tab-capacity").click();
      await embed.getByTestId("panel-capacity").waitFor({ state: "visible" });
      // Share from an embed links to the full playground page next to the bundle.
      await embed.getByTestId("tab-console").click();
      await embed.getByTestId("share").click();
      await embed.getByTestId("share-url").waitFor({ state: "visible" });
      assert.ok((await embed.getByTestId("share-url").inputValue()).startsWith(`${suite.server.url}#share=`));
      // An embed added later by a script, with a malformed inline preset, says what is wrong.
      await page.evaluate(() => {
        const late = document.createElement("dynaplay-playground");
        late.id = "embed-late";
        late.setAttribute("database", "csp-late");
        late.setAttribute("preset", '{"tables": {"TableName": "Music"}}');
        document.body.append(late);
      });
      const late = page.locator("#embed-late");
      await late.locator("[data-testid=status][data-state=error]").waitFor();
      assert.equal(await late.getByTestId("status").textContent(), "The preset could not be read: tables must be an array of objects");
      assert.deepEqual(await page.evaluate(() => globalThis.cspViolations), []);
      await page.screenshot({ path: join(outputDir, "embed-csp.png"), fullPage: true });
      assertClean(t, seen);
    }));

  test("a shared link opens the console and the database in a fresh database of its own", (t) =>
    withPage("share-link", async (page, seen) => {
      await openPlayground(page, `${suite.server.url}?db=share-source#console`);
      expectOk(await runRequest(page, "CreateTable", music("Shared")), "CreateTable");
      expectOk(await runRequest(page, "PutItem", { TableName: "Shared", Item: { pk: { S: "one" }, note: { S: "<b>kept</b> as text" } } }), "PutItem");
      const query = { TableName: "Shared", KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": { S: "one" } } };
      await page.getByTestId("operation").fill("Query");
      await setEditor(page, "request", JSON.stringify(query, null, 2));
      await page.getByTestId("share").click();
      await page.getByTestId("share-url").waitFor({ state: "visible" });
      const link = await page.getByTestId("share-url").inputValue();
      assert.match(link, /#share=[A-Za-z0-9_-]+$/);

      await withPage("share-link-opened", async (opened, openedSeen) => {
        await openPlayground(opened, link);
        const dbName = await opened.getByTestId("db-name").textContent();
        assert.match(dbName, /^share-[0-9a-f]{14}$/, "the link opened the sharer's database name or the reader's own");
        assert.deepEqual(await tableListNames(opened), ["Shared"]);
        assert.equal(await opened.getByTestId("operation").inputValue(), "Query");
        assert.deepEqual(JSON.parse(await editorText(opened, "request")), query);
        const shown = expectOk(await runRequest(opened, "Query", query), "Query in the opened link");
        assert.equal(shown.Items[0].note.S, "<b>kept</b> as text");
        // Reloading the link reopens the same database without applying the preset again.
        expectOk(await runRequest(opened, "PutItem", { TableName: "Shared", Item: { pk: { S: "two" } } }), "PutItem");
        await opened.reload();
        await opened.getByTestId("status").and(opened.locator("[data-state=ready]")).waitFor();
        const after = expectOk(await runRequest(opened, "Scan", { TableName: "Shared" }), "Scan after reload");
        assert.equal(after.Count, 2);
        // Switching to another database leaves the shared link behind (a reload stays there).
        await opened.getByTestId("db-new-name").fill("after-share");
        await opened.getByTestId("db-create").click();
        await opened.getByTestId("db-name").getByText("after-share", { exact: true }).waitFor();
        await opened.waitForFunction(() => !location.hash.startsWith("#share=") && new URLSearchParams(location.search).get("db") === "after-share");
        assertClean(t, openedSeen);
      });
      assertClean(t, seen);
    }));

  test("links shared from the PartiQL and CLI modes open in that mode, ready to run, with the stream and TTL", (t) =>
    withPage("share-modes", async (page, seen) => {
      await openPlayground(page, `${suite.server.url}?db=share-modes#console`);
      const stream = { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" };
      expectOk(await runRequest(page, "CreateTable", { ...music("Modes"), StreamSpecification: stream }), "CreateTable");
      const ttl = { TableName: "Modes", TimeToLiveSpecification: { Enabled: true, AttributeName: "expiresAt" } };
      expectOk(await runRequest(page, "UpdateTimeToLive", ttl), "UpdateTimeToLive");
      expectOk(await runRequest(page, "PutItem", { TableName: "Modes", Item: { pk: { S: "one" }, note: { S: "from a shared link" } } }), "PutItem");
      const shareLink = async (previous) => {
        await page.getByTestId("share").click();
        await page.waitForFunction(([el, before]) => el.value && el.value !== before, [await page.getByTestId("share-url").elementHandle(), previous]);
        return page.getByTestId("share-url").inputValue();
      };
      const statement = `SELECT * FROM "Modes" WHERE pk = ?`;
      const parameters = '[{"S": "one"}]';
      await pickConsoleMode(page, "partiql");
      await setEditor(page, "partiql-statement", statement);
      await page.getByTestId("partiql-parameters").fill(parameters);
      const partiqlLink = await shareLink("");
      const command = `aws dynamodb get-item --table-name Modes --key '{"pk": {"S": "one"}}'`;
      await pickConsoleMode(page, "cli");
      await setEditor(page, "cli-command", command);
      const cliLink = await shareLink(partiqlLink);

      /** Opens LINK, checks the mode it shows, runs what it holds with RUN; returns the response. */
      const openAndRun = (name, link, mode, check, run) =>
        withPage(name, async (opened, openedSeen) => {
          await openPlayground(opened, link);
          assert.equal(await opened.getByTestId(`console-mode-${mode}`).getAttribute("aria-pressed"), "true", `the link did not open the ${mode} mode`);
          assert.deepEqual(await tableListNames(opened), ["Modes"]);
          await check(opened);
          const shown = await nextRun(opened.getByTestId("panel-console"), () => run(opened));
          assert.equal(shown.result, "ok", shown.response);
          assert.match(shown.response, /from a shared link/);
          assertClean(t, openedSeen);
        });
      await openAndRun("share-modes-partiql", partiqlLink, "partiql", async (opened) => {
        assert.equal(await editorText(opened, "partiql-statement"), statement);
        assert.equal(await opened.getByTestId("partiql-parameters").inputValue(), parameters);
      }, (opened) => opened.getByTestId("partiql-run").click());
      await openAndRun("share-modes-cli", cliLink, "cli", async (opened) => {
        assert.equal(await editorText(opened, "cli-command"), command);
        // The table came with its stream settings and its time to live.
        const described = expectOk(await runRequest(opened, "DescribeTable", { TableName: "Modes" }), "DescribeTable");
        assert.deepEqual(described.Table.StreamSpecification, stream);
        const timeToLive = expectOk(await runRequest(opened, "DescribeTimeToLive", { TableName: "Modes" }), "DescribeTimeToLive");
        assert.deepEqual(timeToLive.TimeToLiveDescription, { TimeToLiveStatus: "ENABLED", AttributeName: "expiresAt" });
        await pickConsoleMode(opened, "cli");
      }, (opened) => opened.getByTestId("cli-command").press("Control+Enter"));
      assertClean(t, seen);
    }));
});
