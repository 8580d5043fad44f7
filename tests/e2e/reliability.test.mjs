// Reliability in a real browser: the Chromium process killed during a burst of
// acknowledged writes and transactions, and an origin whose storage quota runs out.
//
//   node --test tests/e2e/reliability.test.mjs   (after scripts/build.sh built www/pkg)
//
// The engine is driven through its JS API (www/pkg/dynaplay.js) on the page's origin, so
// what is checked is IndexedDB's behaviour under the engine's group commit, not the UI.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { launchBrowser, startServer, STEP_TIMEOUT_MS } from "./browser.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

/** Starts Chromium on PROFILE in its own process group, so that a kill takes every
 *  process of it at once; resolves to { browser, kill }. */
async function startChromium(profile) {
  const child = spawn(
    CHROMIUM,
    ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-port=0", `--user-data-dir=${profile}`, "about:blank"],
    { detached: true, stdio: ["ignore", "ignore", "pipe"] },
  );
  const endpoint = await new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`Chromium printed no DevTools URL: ${seen}`)), 20_000);
    child.stderr.setEncoding("utf8").on("data", (chunk) => {
      seen += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`Chromium exited with ${code}: ${seen}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint, { timeout: STEP_TIMEOUT_MS });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const kill = async () => {
    process.kill(-child.pid, "SIGKILL");
    await exited;
  };
  return { browser, kill };
}

/** A page on the server's origin with the engine loaded and database NAME open as `db`. */
async function engineOn(browser, name) {
  const context = browser.contexts()[0] ?? (await browser.newContext());
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  await page.goto(`${server.url}pkg/dynaplay.d.ts`);
  await page.evaluate(async (name) => {
    const engine = await import("/pkg/dynaplay.js");
    await engine.default();
    globalThis.db = await engine.Database.open(name);
  }, name);
  return page;
}

const CREATE = {
  TableName: "Crash",
  KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
  AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
  BillingMode: "PAY_PER_REQUEST",
};

/** One round of the burst: 20 pipelined puts and a two-item transaction, all awaited;
 *  resolves to the ids the engine acknowledged. */
function burst(page, round) {
  return page.evaluate(async (round) => {
    const puts = Array.from({ length: 20 }, (_, i) => `p${round}-${i}`).map((id) =>
      db.send("PutItem", { TableName: "Crash", Item: { id: { S: id }, pad: { S: "x".repeat(500) } } }).then(() => id),
    );
    const pair = [`t${round}-a`, `t${round}-b`];
    const transaction = db
      .send("TransactWriteItems", { TransactItems: pair.map((id) => ({ Put: { TableName: "Crash", Item: { id: { S: id } } } })) })
      .then(() => pair);
    const settled = await Promise.allSettled([...puts, transaction]);
    return settled.filter((result) => result.status === "fulfilled").flatMap((result) => result.value);
  }, round);
}

async function storedIds(page) {
  return page.evaluate(async () => {
    const ids = [];
    let start;
    do {
      const page = await db.send("Scan", { TableName: "Crash", ExclusiveStartKey: start });
      ids.push(...page.Items.map((item) => item.id.S));
      start = page.LastEvaluatedKey;
    } while (start);
    return ids;
  });
}

test("a killed browser loses no acknowledged write and shows no half transaction", async (t) => {
  const profile = await mkdtemp(join(tmpdir(), "dynaplay-crash-"));
  try {
    let chromiumRun = await startChromium(profile);
    let page = await engineOn(chromiumRun.browser, "crash");
    await page.evaluate((create) => db.send("CreateTable", create), CREATE);
    const acknowledged = new Set();
    for (let round = 0; round < 5; round++) for (const id of await burst(page, round)) acknowledged.add(id);
    // The kill lands while later rounds are being written and committed.
    const inFlight = (async () => {
      for (let round = 5; ; round++) for (const id of await burst(page, round)) acknowledged.add(id);
    })().catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 150 + Math.floor(Math.random() * 300)));
    await chromiumRun.kill();
    await inFlight;

    chromiumRun = await startChromium(profile);
    page = await engineOn(chromiumRun.browser, "crash");
    const stored = new Set(await storedIds(page));
    const lost = [...acknowledged].filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], "acknowledged writes are missing after the crash");
    for (const id of stored) {
      if (!id.startsWith("t")) continue;
      const partner = id.endsWith("-a") ? id.replace(/-a$/, "-b") : id.replace(/-b$/, "-a");
      assert.ok(stored.has(partner), `half of a transaction is stored: ${id} without ${partner}`);
    }
    assert.ok(acknowledged.size > 100, `only ${acknowledged.size} writes were acknowledged before the kill`);
    t.diagnostic(`${acknowledged.size} writes acknowledged before the kill, ${stored.size} stored after it`);
    await chromiumRun.kill();
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
});

test("when the quota runs out writes fail with a clear error and nothing acknowledged is lost", async (t) => {
  const { context, close } = await launchBrowser();
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}pkg/dynaplay.d.ts`);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Storage.overrideQuotaForOrigin", { origin: server.url.replace(/\/$/, ""), quotaSize: 3 * 1024 * 1024 });
    await page.evaluate(async () => {
      const engine = await import("/pkg/dynaplay.js");
      await engine.default();
      globalThis.engine = engine;
      globalThis.db = await engine.Database.open("quota");
      // 300 KB writes back to back would be throttled as on DynamoDB; this is about storage.
      await db.send("Dynaplay.Configure", { Throttling: false });
    });
    await page.evaluate((create) => db.send("CreateTable", create), CREATE);
    const outcome = await page.evaluate(async () => {
      // Random text, so that IndexedDB's compression cannot make it small.
      const noise = () => {
        const bytes = new Uint8Array(150_000);
        for (let at = 0; at < bytes.length; at += 65_536) crypto.getRandomValues(bytes.subarray(at, at + 65_536));
        return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
      };
      const acknowledged = [];
      for (let i = 0; i < 200; i++) {
        const id = `big-${i}`;
        try {
          await db.send("PutItem", { TableName: "Crash", Item: { id: { S: id }, pad: { S: noise() } } });
          acknowledged.push(id);
        } catch (error) {
          return { acknowledged, failed: id, name: error.name, message: error.message };
        }
      }
      return { acknowledged };
    });
    assert.ok(outcome.failed, `200 writes of 300 KB fitted in a 3 MB quota`);
    assert.equal(outcome.name, "InternalServerError");
    t.diagnostic(`${outcome.acknowledged.length} writes of 300 KB fitted in the 3 MB quota; the next one said: ${outcome.message}`);
    assert.match(outcome.message, /could not be saved to IndexedDB \(storage failed: QuotaExceededError: the browser's storage quota for this site is used up\); it was not applied and the database is unchanged/);
    // Memory went back to what is stored; after a reopen exactly the acknowledged items remain.
    assert.deepEqual((await storedIds(page)).sort(), [...outcome.acknowledged].sort());
    await page.evaluate(async () => {
      await db.close();
      globalThis.db = await engine.Database.open("quota");
    });
    assert.deepEqual((await storedIds(page)).sort(), [...outcome.acknowledged].sort());
  } finally {
    await close();
  }
});
