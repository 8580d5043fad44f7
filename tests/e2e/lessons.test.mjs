// The lessons (www/lessons/) in headless Chromium: each page is loaded, its snippets are run
// with their Run buttons, in page order, and the lesson's claim is checked against what the
// engine answered (docs/lessons.md lists the claims). The js snippets run the real AWS SDK
// for JavaScript v3 (www/dist/snippet-sdk.js) against the page's database.
//
//   node --test tests/e2e/lessons.test.mjs     (after scripts/build.sh)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { assertClean, repo, startPageSuite, withPage } from "./browser.mjs";

let started;
before(async () => (started = await startPageSuite()));
after(() => started?.stop());

/** Opens lesson SLUG, runs BODY(run, page), then checks the page stayed clean and on its origin. */
function withLesson(t, slug, body) {
  return withPage(started.browser, `lesson-${slug}`, async (page, seen) => {
    const requests = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(`${started.server.url}lessons/${slug}.html`);
    await page.waitForFunction(() => [...document.querySelectorAll("dynaplay-snippet")].every((el) => el.dataset.state === "idle"));
    // The embedded playground opens the lesson's database (with its preset) too.
    await page.waitForFunction(() => document.querySelector("dynaplay-playground")?.dataset.ready === "true");
    /** Clicks snippet ID's Run button; resolves to its state, results, output and the text shown. */
    const run = (id) =>
      page.evaluate(async (id) => {
        const snippet = document.getElementById(id);
        if (!snippet) throw new Error(`no snippet #${id}`);
        const finished = new Promise((resolve) => snippet.addEventListener("dynaplay-result", (e) => resolve(e.detail), { once: true }));
        snippet.querySelector("[data-testid=snippet-run]").click();
        const detail = await finished;
        return { ...detail, state: snippet.dataset.state, text: snippet.querySelector("[data-testid=snippet-output]").textContent };
      }, id);
    await body(run, page);
    const elsewhere = requests.filter((url) => !url.startsWith(started.server.url));
    assert.deepEqual(elsewhere, [], "the lesson sent requests off the page's origin");
    assertClean(t, seen);
  });
}

/** The response of a snippet's one request (failing the test if it failed). */
function response(ran, index = 0) {
  const result = ran.results[index];
  assert.ok(result, `no request ${index}: ${ran.text}`);
  assert.ok(result.ok, `${result.operation} failed: ${JSON.stringify(result.error)}`);
  return result.response;
}

/** DynamoDB's error body of a snippet's request INDEX (failing the test if it succeeded). */
function failure(ran, index = 0) {
  const result = ran.results[index];
  assert.ok(result && !result.ok, `request ${index} did not fail: ${ran.text}`);
  assert.equal(ran.state, "error");
  return result.error;
}

const ids = (items, key) => items.map((item) => item[key].S).sort();

describe("lessons", () => {
  test("the index links every lesson page", async () => {
    const page = await started.browser.context.newPage();
    await page.goto(`${started.server.url}lessons/`);
    const links = await page.locator("ol.lesson-list a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    const pages = (await readdir(join(repo, "www", "lessons"))).filter((f) => f.endsWith(".html") && f !== "index.html");
    assert.deepEqual([...links].sort(), pages.sort());
    await page.close();
  });

  test("the full playground page's header links to the lessons; an embed's header does not", (t) =>
    withPage(started.browser, "lessons-link", async (page, seen) => {
      await page.goto(started.server.url);
      await page.waitForFunction(() => document.querySelector("[data-testid=status]")?.dataset.state === "ready");
      await page.getByTestId("lessons-link").click();
      await page.waitForURL(`${started.server.url}lessons/`);
      await page.getByRole("heading", { name: "DynamoDB lessons" }).waitFor();
      // Every lesson embeds the playground: its header has no link to the lessons.
      await page.goto(`${started.server.url}lessons/ttl.html`);
      const embed = page.locator("dynaplay-playground");
      await page.waitForFunction(() => document.querySelector("dynaplay-playground")?.dataset.ready === "true");
      assert.equal(await embed.getByTestId("embed-database").count(), 1);
      assert.equal(await embed.getByTestId("lessons-link").count(), 0);
      assertClean(t, seen);
    }));

  test("GSI: a read after a write is stale, refuses ConsistentRead, then converges; the LSI reads strongly", (t) =>
    withLesson(t, "gsi-lsi-consistency", async (run) => {
      assert.equal((await run("lag")).state, "done");
      assert.equal((await run("ship")).state, "done");
      const stale = response(await run("gsi-stale"));
      assert.deepEqual(ids(stale.Items, "orderId"), ["o1", "o3"], "o1 still PENDING in the GSI");
      const strong = failure(await run("gsi-strong"));
      assert.equal(strong.__type, "com.amazon.coral.validate#ValidationException");
      assert.equal(strong.message, "Consistent reads are not supported on global secondary indexes");
      const lsi = response(await run("lsi-strong"));
      assert.deepEqual(ids(lsi.Items, "orderId"), ["o1", "o2"], "the LSI's strong read sees o1 SHIPPED");
      const converged = await run("converged");
      assert.deepEqual(ids(response(converged, 1).Items, "orderId"), ["o3"]);
    }));

  test("the embedded playground shares the snippets' database; an edited snippet runs what it says", (t) =>
    withLesson(t, "partiql-no-joins", async (run, page) => {
      const tables = page.locator("dynaplay-playground").getByTestId("table-list").locator("button");
      await tables.first().waitFor();
      assert.deepEqual((await tables.allTextContents()).sort(), ["CustomerOrders", "Customers", "Shop"], "the preset, applied once");
      await page.locator("#select [data-testid=snippet-code]").fill(`INSERT INTO "Customers" VALUE {'id': 'c9', 'name': 'Zoe'}`);
      assert.equal((await run("select")).state, "done");
      // The playground's Items panel shows the item the snippet inserted. (Its editors are
      // not typed into: replacing a selection there logs a CSP error, docs/embedding.md.)
      const embed = page.locator("dynaplay-playground");
      await embed.getByTestId("table-list").getByRole("button", { name: "Customers", exact: true }).click();
      await embed.getByTestId("tab-items").click();
      await embed.getByTestId("panel-items").getByText("Zoe", { exact: true }).waitFor();
    }));

  test("LSI: UpdateTable cannot add one; a GSI can be added; CreateTable takes one", (t) =>
    withLesson(t, "lsi-at-creation", async (run) => {
      const refused = failure(await run("add-lsi"));
      assert.equal(refused.__type, "com.amazon.coral.validate#ValidationException");
      assert.match(refused.message, /^At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates/);
      assert.doesNotMatch(refused.message, /LocalSecondaryIndex/);
      const gsi = response(await run("add-gsi"));
      assert.equal(gsi.TableDescription.GlobalSecondaryIndexes[0].IndexName, "ByAlbum");
      const created = await run("create-with-lsi");
      assert.equal(created.state, "done");
      assert.equal(response(created).TableDescription.LocalSecondaryIndexes[0].IndexName, "ByAlbum");
      assert.equal(response(created, 2).Count, 1);
    }));

  test("FilterExpression: the same ConsumedCapacity with and without the filter, a smaller Count; a Query reads less", (t) =>
    withLesson(t, "filter-expression", async (run) => {
      const all = response(await run("scan"));
      const filtered = response(await run("scan-filter"));
      assert.equal(all.Count, 30);
      assert.equal(filtered.Count, 6);
      assert.equal(filtered.ScannedCount, all.ScannedCount);
      assert.ok(all.ConsumedCapacity.CapacityUnits > 1, `a scan of 30 items of ~370 bytes: ${all.ConsumedCapacity.CapacityUnits}`);
      assert.equal(filtered.ConsumedCapacity.CapacityUnits, all.ConsumedCapacity.CapacityUnits);
      const partiql = response(await run("partiql-filter"));
      assert.equal(partiql.Items.length, 6);
      assert.equal(partiql.ConsumedCapacity.CapacityUnits, all.ConsumedCapacity.CapacityUnits);
      const query = response(await run("query"));
      assert.equal(query.Count, 10);
      assert.ok(query.ConsumedCapacity.CapacityUnits < all.ConsumedCapacity.CapacityUnits);
    }));

  test("transactions: twice the write units of PutItem, twice the read units of a strongly consistent GetItem", (t) =>
    withLesson(t, "transactions-cost", async (run) => {
      const plain = response(await run("plain-write")).ConsumedCapacity.CapacityUnits;
      const transactional = response(await run("tx-write")).ConsumedCapacity[0];
      assert.equal(plain, 1);
      assert.equal(transactional.CapacityUnits, 2 * plain);
      assert.equal(transactional.WriteCapacityUnits, 2 * plain);
      const reads = await run("reads");
      assert.equal(response(reads, 0).ConsumedCapacity.CapacityUnits, 0.5);
      assert.equal(response(reads, 1).ConsumedCapacity.CapacityUnits, 1);
      assert.equal(response(reads, 2).ConsumedCapacity[0].CapacityUnits, 2);
      const transfer = response(await run("transfer"));
      assert.equal(transfer.ConsumedCapacity[0].CapacityUnits, 4);
    }));

  test("TTL: an expired item stays readable until the sweep, 48 hours later, which consumes no write units", (t) =>
    withLesson(t, "ttl", async (run) => {
      assert.equal((await run("setup")).state, "done");
      const expired = await run("expired");
      assert.equal(expired.state, "done", expired.text);
      assert.equal(expired.output.item.id, "s1");
      assert.equal(expired.output.now - expired.output.item.expiresAt, 60);
      assert.deepEqual((await run("filter")).output, { stored: 1, stillValid: 0 });
      const swept = await run("swept");
      assert.equal(response(swept, 1).Item, undefined);
      assert.deepEqual((await run("free")).output, { writeUnitsLast300Seconds: 0 });
    }));

  test("BatchWriteItem: an UpdateRequest is refused; puts and deletes work; TransactWriteItems updates", (t) =>
    withLesson(t, "batch-write-no-update", async (run) => {
      const refused = failure(await run("batch-update"));
      assert.equal(refused.__type, "com.amazon.coral.validate#ValidationException");
      assert.equal(refused.message, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
      assert.deepEqual(response(await run("batch-put-delete")).UnprocessedItems, {});
      const updated = await run("transact-update");
      const prices = Object.fromEntries(response(updated, 1).Responses.Products.map((item) => [item.id.S, item.price.N]));
      assert.deepEqual(prices, { p1: "12", p3: "42" });
    }));

  test("hot partition: one key is throttled at the partition's 1,000 WCU while twelve keys are not", (t) =>
    withLesson(t, "hot-partition", async (run) => {
      assert.equal((await run("pause")).state, "done");
      const hot = await run("hot");
      assert.equal(hot.state, "done", "the code caught the throttle");
      assert.equal(hot.output.throttled, "ProvisionedThroughputExceededException");
      // 11 x 98 WCU: the partition's bucket admits while it holds units, the last one into debt.
      assert.equal(hot.output.written, 11);
      const throttled = hot.results.at(-1).error;
      assert.deepEqual(throttled.ThrottlingReasons.map((r) => r.reason), ["TableWriteKeyRangeThroughputExceeded"]);
      const spread = await run("spread");
      assert.equal(spread.state, "done", spread.text);
      assert.deepEqual(spread.output, { written: 12 });
      const report = response(await run("insights"));
      const [accessed, throttledKeys] = report.Rules;
      assert.match(accessed.RuleName, /^DynamoDBContributorInsights-PKC-Events-/);
      assert.deepEqual(accessed.Contributors[0], { Keys: ["celebrity"], ApproximateAggregateValue: 11 });
      assert.match(throttledKeys.RuleName, /^DynamoDBContributorInsights-PKT-Events-/);
      assert.deepEqual(throttledKeys.Contributors, [{ Keys: ["celebrity"], ApproximateAggregateValue: 1 }]);
    }));

  test("conditional writes: a repeated create fails, a stale version fails, the current version wins", (t) =>
    withLesson(t, "conditional-writes", async (run) => {
      const create = await run("create");
      assert.deepEqual(response(create), {});
      assert.equal(failure(create, 1).__type, "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException");
      assert.equal(response(await run("lock")).Attributes.version.N, "2");
      const stale = failure(await run("lock-stale"));
      assert.equal(stale.message, "The conditional request failed");
      assert.equal(stale.Item.version.N, "2");
      assert.equal((await run("lock-partiql")).state, "done");
    }));

  test("Streams vs Kinesis: after 25 hours the DynamoDB stream has trimmed the record, Kinesis keeps it", (t) =>
    withLesson(t, "streams-vs-kinesis", async (run) => {
      assert.equal((await run("setup")).state, "done");
      assert.equal((await run("write")).state, "done");
      const now = await run("count");
      assert.equal(now.state, "done", now.text);
      assert.deepEqual(now.output, { dynamodbStreams: 1, kinesis: 1 });
      assert.equal((await run("day-later")).state, "done");
      assert.deepEqual((await run("count-later")).output, { dynamodbStreams: 0, kinesis: 1 });
    }));

  test("PartiQL: a JOIN and an aggregate are refused; one key reads related items together", (t) =>
    withLesson(t, "partiql-no-joins", async (run) => {
      assert.equal(response(await run("select")).Items.length, 2);
      const join = failure(await run("join"));
      assert.equal(join.__type, "com.amazon.coral.validate#ValidationException");
      assert.equal(join.message, "Only select from a single table or index is supported.");
      assert.equal(failure(await run("aggregate")).__type, "com.amazon.coral.validate#ValidationException");
      const together = response(await run("single-table"));
      assert.deepEqual(ids(together.Items, "sk"), ["ORDER#o1", "ORDER#o2", "PROFILE"]);
    }));

  test("session store: a session is valid on any request until it expires", (t) =>
    withLesson(t, "session-store", async (run) => {
      assert.equal((await run("setup")).state, "done");
      assert.equal((await run("login")).output.user, "ana");
      assert.deepEqual((await run("request")).output, { valid: true, user: "ana" });
      assert.equal((await run("later")).state, "done");
      assert.deepEqual((await run("request-later")).output, { valid: false, user: null });
    }));

  test("event-driven: the stream hands INSERT, INSERT, MODIFY, REMOVE in order; the aggregate follows", (t) =>
    withLesson(t, "event-driven-streams", async (run) => {
      assert.equal((await run("writes")).state, "done");
      const handler = await run("handler");
      assert.equal(handler.state, "done", handler.text);
      assert.deepEqual(handler.output, { events: ["INSERT", "INSERT", "MODIFY", "REMOVE"], total: "50" });
    }));

  test("global tables: both Regions take writes, the other Region is stale until the delay, last writer wins", (t) =>
    withLesson(t, "global-tables-active-active", async (run) => {
      const replicate = await run("replicate");
      assert.equal(replicate.state, "done", replicate.text);
      const described = response(replicate, 3).Table;
      assert.equal(described.GlobalTableVersion, "2019.11.21");
      assert.deepEqual(described.Replicas.map((replica) => replica.RegionName), ["eu-west-1"]);
      assert.equal((await run("write-east")).state, "done");
      const west = await run("write-west");
      assert.equal(west.state, "done", west.text);
      const stale = await run("read-west");
      assert.equal(stale.state, "done", stale.text);
      assert.deepEqual(stale.output, { region: "eu-west-1", ana: null, ben: { id: "ben", city: "Dublin" } });
      const converged = await run("converged");
      assert.equal(converged.state, "done", converged.text);
      assert.deepEqual(converged.output, { "us-east-1": ["ana", "ben"], "eu-west-1": ["ana", "ben"] });
      assert.equal((await run("conflict-east")).state, "done");
      const conflictWest = await run("conflict-west");
      assert.equal(conflictWest.state, "done", conflictWest.text);
      const settled = await run("settled");
      assert.equal(settled.state, "done", settled.text);
      assert.deepEqual(settled.output, {
        beforeReplication: { "us-east-1": "Porto", "eu-west-1": "Madrid" },
        afterReplication: { "us-east-1": "Madrid", "eu-west-1": "Madrid" },
      });
    }));

  test("DAX: a hit consumes nothing, strong and transactional reads pass through, a write around DAX leaves it stale", (t) =>
    withLesson(t, "dax-consistency", async (run) => {
      assert.equal((await run("cluster")).state, "done");
      const cached = await run("cached");
      assert.equal(response(cached, 0).ConsumedCapacity.CapacityUnits, 0.5, "the miss reads the table");
      assert.equal(response(cached, 1).ConsumedCapacity.CapacityUnits, 0, "the hit does not");
      assert.equal(response(cached, 1).Item.price.N, "10");
      const passed = await run("pass-through");
      assert.equal(response(passed, 0).ConsumedCapacity.CapacityUnits, 1);
      assert.equal(response(passed, 1).ConsumedCapacity[0].CapacityUnits, 2);
      const [cluster] = response(await run("stats")).Clusters;
      assert.equal(cluster.Statistics.ItemCacheHits, 1);
      assert.equal(cluster.Statistics.ItemCacheMisses, 1);
      assert.equal(cluster.Statistics.PassThroughs, 2);
      assert.equal(cluster.LastRequest.Cache, "PASS_THROUGH");
      assert.equal((await run("bypass")).state, "done");
      const stale = await run("stale");
      assert.equal(stale.state, "done", stale.text);
      assert.deepEqual(stale.output, { eventuallyConsistent: 10, stronglyConsistent: 12 });
    }));

  test("fine-grained access: LeadingKeys lets a user read their own item and denies another's", (t) =>
    withLesson(t, "fine-grained-access", async (run) => {
      assert.equal((await run("principal")).state, "done");
      assert.equal(response(await run("own")).Item.email.S, "ana@example.com");
      const denied = failure(await run("other"));
      assert.equal(denied.__type, "com.amazonaws.dynamodb.v20120810#AccessDeniedException");
      assert.equal(
        denied.message,
        "User: arn:aws:iam::000000000000:user/ana is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/Profiles because no identity-based policy allows the dynamodb:GetItem action",
      );
      const sdk = await run("sdk-denied");
      assert.equal(sdk.state, "done", sdk.text);
      assert.deepEqual(sdk.output, { written: false, error: "AccessDeniedException" });
      const [evaluation] = response(await run("why")).EvaluationResults;
      assert.equal(evaluation.EvalDecision, "implicitDeny");
      assert.deepEqual(evaluation.ContextEntries.find((entry) => entry.ContextKeyName === "dynamodb:LeadingKeys").ContextKeyValues, ["ben"]);
    }));

  test("VPC endpoints: DescribeEndpoints answers the regional endpoint, from the API and the CLI", (t) =>
    withLesson(t, "vpc-endpoints", async (run) => {
      const expected = { Endpoints: [{ Address: "dynamodb.us-east-1.amazonaws.com", CachePeriodInMinutes: 1440 }] };
      assert.deepEqual(response(await run("endpoints")), expected);
      assert.deepEqual(response(await run("endpoints-cli")), expected);
    }));
});
