// End-to-end test of the cross-tab relay (www/src/tabrelay.ts) in headless Chromium: two pages
// of one browser context, the first holding the database, the second using it through the
// first; a write in eu-west-1 from the second replicates to us-east-1 in the first.
//
//   node --test tests/e2e/relay.test.mjs      (after scripts/build.sh)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { assertClean, expectOk, openPlayground, outputDir, runRequest, startPageSuite, waitForStatus, withPage } from "./browser.mjs";

let suite;
before(async () => {
  suite = await startPageSuite();
});
after(() => suite?.stop());

const KEY = { id: { S: "song" } };

async function screenshot(t, page, name) {
  const path = join(outputDir, `${name}.png`);
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path });
  t.diagnostic(`screenshot: ${path}`);
}

test("a second tab uses the database through the tab that holds it and watches a global table replicate", (t) =>
  withPage(suite.browser, "relay-owner", async (first, firstSeen) => {
    const url = `${suite.server.url}?db=e2e-relay#console`;
    await openPlayground(first, url);
    const owner = (operation, request, options) => first.evaluate(([o, r, opts]) => globalThis.dynaplay.db.send(o, r, opts), [operation, request, options]);
    await owner("CreateTable", {
      TableName: "Songs",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
    });
    await owner("UpdateTable", { TableName: "Songs", ReplicaUpdates: [{ Create: { RegionName: "eu-west-1" } }] });
    await owner("Dynaplay.Configure", { ReplicationDelayMillis: 1000 });
    await owner("PutItem", { TableName: "Songs", Item: { ...KEY, title: { S: "old" } } });
    await owner("Dynaplay.SetClock", { AdvanceMillis: 1000 });
    await owner("Dynaplay.SetClock", { Rate: 0 });

    await withPage(suite.browser, "relay-client", async (second, secondSeen) => {
      await second.goto(url);
      const refused = await waitForStatus(second);
      assert.equal(refused.state, "error", refused.text);
      assert.match(refused.text, /already open/);
      await second.getByTestId("db-connect").click();
      await second.getByTestId("status").filter({ hasText: "through the tab that has it open" }).waitFor();
      assert.equal(await second.getByTestId("status").getAttribute("data-state"), "ready");
      assert.ok(await second.getByTestId("db-connect").isHidden(), "the button goes once connected");
      await second.getByTestId("table-list").getByText("Songs").waitFor();

      // The second window's console, set to eu-west-1, writes there; the first window's
      // console (us-east-1) still reads the old item.
      const title = (item) => item?.Item?.title?.S;
      const read = { TableName: "Songs", Key: KEY, ConsistentRead: true };
      await second.getByTestId("console-region").selectOption("eu-west-1");
      expectOk(await runRequest(second, "PutItem", { TableName: "Songs", Item: { ...KEY, title: { S: "new" } } }), "PutItem in eu-west-1 through the relay");
      assert.equal(title(expectOk(await runRequest(second, "GetItem", read), "GetItem in eu-west-1 through the relay")), "new");
      assert.equal(title(expectOk(await runRequest(first, "GetItem", read), "GetItem in us-east-1")), "old");

      // Once the lag passes on the engine clock, both Regions hold the write.
      await owner("Dynaplay.SetClock", { AdvanceMillis: 1000 });
      assert.equal(title(expectOk(await runRequest(first, "GetItem", read), "GetItem in us-east-1 after the lag")), "new");
      await screenshot(t, second, "relay");

      // The relay's session answers page code too, and errors come back whole.
      const viaSession = await second.evaluate((key) => globalThis.dynaplay.session.send("GetItem", { TableName: "Songs", Key: key }, { region: "us-east-1" }), KEY);
      assert.equal(title(viaSession.response), "new");
      const missing = await runRequest(second, "GetItem", { TableName: "Nope", Key: KEY });
      assert.equal(missing.errorName, "ResourceNotFoundException");

      // Closing the first tab ends the relay, and the second says so.
      await first.close();
      await second.getByTestId("status").filter({ hasText: "closed it" }).waitFor();
      assert.equal(await second.getByTestId("status").getAttribute("data-state"), "error");
      assertClean(t, secondSeen);
    });
    assertClean(t, firstSeen);
  }));
