// The browser figures of `make bench` (see README "Benchmarks"). bench/run.mjs loads this
// page in headless Chromium and calls the functions of `window.bench` one at a time; each
// measures the engine and its baseline in the same page, alternating which goes first, and
// returns every repetition's value. Medians, ratios and targets live in run.mjs.
import init, { Database } from "../www/pkg/dynaplay.js";

const wasm = await init();
const TABLE = "Bench";
/** Items per partition: a Query of one partition returns this many. */
const PARTITION = 50;
/** Bio lengths that make an item ~1 KB or ~200 bytes by DynamoDB's item size rules. */
const BIO_1KB = 860;
const BIO_200B = 50;

// Text of words from a fixed seed: varied like real data (LevelDB under IndexedDB
// compresses blocks, so one repeated letter would flatter both sides).
const WORDS = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua".split(" ");
function text(seed, length) {
  let out = "";
  for (let x = seed + 1; out.length < length; ) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += WORDS[x % WORDS.length] + " ";
  }
  return out.slice(0, length);
}

/** Item n: 10 attributes with a nested map, a list and a string set, in partition n / 50. */
function item(n, bio = BIO_1KB) {
  return {
    pk: { S: `user#${Math.floor(n / PARTITION)}` },
    sk: { N: String(n) },
    name: { S: `Name ${n}` },
    age: { N: String(n % 90) },
    active: { BOOL: n % 2 === 0 },
    tags: { SS: ["a", "b", `c${n}`] },
    bio: { S: text(n, bio) },
    address: { M: { street: { S: `${n} Main St` }, zip: { S: "12345" }, geo: { L: [{ N: "52.52" }, { N: "13.40" }] } } },
    scores: { L: [{ N: "1" }, { N: "2.5" }, { M: { best: { N: String(n % 7) } } }] },
    version: { N: "1" },
  };
}
const keyOf = (it) => ({ pk: it.pk, sk: it.sk });
const keyText = (it) => `${it.pk.S}#${it.sk.N}`;
const items = (count, bio) => Array.from({ length: count }, (_, n) => item(n, bio));

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
/** Measures the engine, then the baseline; the other way round on odd repetitions. */
async function alternate(rep, engine, baseline) {
  if (rep % 2 === 0) return [await engine(), await baseline()];
  const b = await baseline();
  return [await engine(), b];
}
/** Runs `reps` repetitions of alternate(), after `warmups` whose figures are dropped;
 *  returns { engine: [...], baseline: [...] }. */
async function repeat(reps, engine, baseline, warmups = 0) {
  for (let rep = 0; rep < warmups; rep++) await alternate(rep, () => engine(rep), () => baseline(rep));
  const out = { engine: [], baseline: [] };
  for (let rep = 0; rep < reps; rep++) {
    const [e, b] = await alternate(rep, () => engine(rep), () => baseline(rep));
    out.engine.push(e);
    out.baseline.push(b);
  }
  return out;
}
async function elapsed(body) {
  const start = performance.now();
  await body();
  return performance.now() - start;
}
const perSecond = (count, ms) => (count * 1000) / ms;
const transactions = (n) => `${n} IndexedDB transaction${n === 1 ? "" : "s"}`;
/** Defeats dead-code elimination of baseline loops whose result is unused. */
let sink = 0;

// ---- the engine -----------------------------------------------------------------------

const CREATE_TABLE = {
  TableName: TABLE,
  BillingMode: "PAY_PER_REQUEST",
  KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
  AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
};
const batchOf = (chunk) => ({ RequestItems: { [TABLE]: chunk.map((Item) => ({ PutRequest: { Item } })) } });

/** BatchWriteItem of the items, 25 per request, all sent before any is awaited. */
async function batchWrite(db, list) {
  const sent = [];
  for (let i = 0; i < list.length; i += 25) sent.push(db.send("BatchWriteItem", batchOf(list.slice(i, i + 25))));
  for (const response of await Promise.all(sent)) {
    if (Object.keys(response.UnprocessedItems ?? {}).length) throw new Error("BatchWriteItem left items unprocessed");
  }
}

/** Writes items 0..count-1 (made on the fly, so a million never sit in the JS heap at once). */
async function load(db, count, bio, { deadline = Infinity, chunk = 10_000 } = {}) {
  let done = 0;
  while (done < count && performance.now() < deadline) {
    const n = Math.min(chunk, count - done);
    await batchWrite(db, Array.from({ length: n }, (_, i) => item(done + i, bio)));
    done += n;
  }
  return done;
}

/** The engine's speed is measured, not the simulated throughput: a bulk load at full
 * speed would be throttled as on DynamoDB (docs/capacity.md). */
const UNTHROTTLED = { Throttling: false };
/** Database.open's options for an encrypted database (docs/encryption.md). */
const PASSPHRASE = { passphrase: "bench passphrase" };

async function memoryDb(count = 0, bio = BIO_1KB, create = CREATE_TABLE) {
  const db = Database.memory();
  await db.send("Dynaplay.Configure", UNTHROTTLED);
  await db.send("CreateTable", create);
  await load(db, count, bio);
  return db;
}

/** A new, empty persisted database `name` with the table (any old copy deleted first);
 *  `options` as Database.open takes them (a passphrase makes it encrypted). */
async function persistedDb(name, options) {
  await deleteIdb(`dynaplay:${name}`);
  const db = await Database.open(name, options);
  await db.send("Dynaplay.Configure", UNTHROTTLED);
  await db.send("CreateTable", CREATE_TABLE);
  return db;
}

async function dispose(db) {
  await db.close();
  db.free();
}

const describe = async (db) => (await db.send("DescribeTable", { TableName: TABLE })).Table;

// ---- raw IndexedDB, the persisted baselines ---------------------------------------------

const settled = (request) =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
const completed = (tx) =>
  new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onabort = tx.onerror = () => reject(tx.error);
  });
const deleteIdb = (name) => settled(indexedDB.deleteDatabase(name));

/** A fresh raw database with one store "items", keyed like Dynaplay's: [table, key]. */
async function rawDb(name) {
  await deleteIdb(name);
  const request = indexedDB.open(name, 1);
  request.onupgradeneeded = () => request.result.createObjectStore("items");
  return settled(request);
}
/** Relaxed durability, as Dynaplay's commits (and Chrome's default). */
const rawTx = (db) => db.transaction("items", "readwrite", { durability: "relaxed" });
/** Commits at once rather than when the requests' callbacks have run: the fastest raw
 *  way, 2-3x the throughput of auto-commit for many small transactions here. */
function commit(tx) {
  const done = completed(tx);
  tx.commit();
  return done;
}
// The baseline stores the item object itself (structured clone), what a plain IndexedDB
// app would do; Dynaplay stores its DynamoDB JSON text under the same kind of key.
const rawPut = (store, it) => store.put(it, [TABLE, keyText(it)]);

// ---- the figures ------------------------------------------------------------------------

/** PutItem into an in-memory table vs Map.set(key, structuredClone(item)); items/s. */
async function putItem({ count, reps }) {
  const list = items(count);
  const keys = list.map(keyText);
  return repeat(
    reps,
    async () => {
      const db = await memoryDb();
      const ms = await elapsed(async () => {
        for (const Item of list) await db.send("PutItem", { TableName: TABLE, Item });
      });
      await dispose(db);
      return perSecond(count, ms);
    },
    async () => {
      const map = new Map();
      const ms = await elapsed(() => list.forEach((it, i) => map.set(keys[i], structuredClone(it))));
      sink += map.size;
      return perSecond(count, ms);
    },
  );
}

/** PutItem time into an in-memory table whose stream carries both images vs the same puts
 *  into a table without a stream; ms for `count` puts. */
async function streamPuts({ count, reps }) {
  const list = items(count);
  const withStream = { ...CREATE_TABLE, StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } };
  const timedPuts = async (create) => {
    const db = await memoryDb(0, BIO_1KB, create);
    const ms = await elapsed(async () => {
      for (const Item of list) await db.send("PutItem", { TableName: TABLE, Item });
    });
    await dispose(db);
    return ms;
  };
  return repeat(reps, () => timedPuts(withStream), () => timedPuts(CREATE_TABLE));
}

/** GetItem from an in-memory table vs JSON.parse(map.get(key)); items/s, random order.
 *  Also `floor`: the same loop doing only the JavaScript work any GetItem answered by wasm
 *  costs (the request's text into wasm memory, one await, the response's text out of it
 *  and parsed), with no engine work at all (docs/performance.md). */
async function getItem({ count, reps }) {
  const list = items(count);
  const db = await memoryDb();
  await batchWrite(db, list);
  const map = new Map(list.map((it) => [keyText(it), JSON.stringify(it)]));
  const order = shuffled(count);
  const requests = order.map((n) => ({ TableName: TABLE, Key: keyOf(list[n]) }));
  const keys = order.map((n) => keyText(list[n]));
  if (!(await db.send("GetItem", requests[0])).Item) throw new Error("GetItem found nothing");
  const result = await repeat(
    reps,
    async () => perSecond(count, await elapsed(async () => {
      for (const request of requests) await db.send("GetItem", request);
    })),
    async () => perSecond(count, await elapsed(() => {
      for (const key of keys) sink += JSON.parse(map.get(key)).version.N.length;
    })),
  );
  await dispose(db);
  const responses = order.map((n) => utf8.encode(JSON.stringify({ Item: list[n] })));
  const floor = [];
  for (let rep = 0; rep < reps; rep++) floor.push(perSecond(count, await elapsed(() => zeroEngineGets(requests, responses))));
  return { ...result, floor };
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
/** GetItem's JavaScript side with the engine's answers already made: see getItem. */
async function zeroEngineGets(requests, responses) {
  const wasmMemory = new Uint8Array(1 << 16);
  for (let i = 0; i < requests.length; i++) {
    utf8.encodeInto(JSON.stringify(requests[i]), wasmMemory);
    await null;
    sink += JSON.parse(fromUtf8.decode(responses[i])).Item.version.N.length;
  }
}

function shuffled(count) {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1, x = 7; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** The p50 of `count` awaited calls of body(i), in ms. */
async function p50(count, body) {
  const times = [];
  for (let i = 0; i < count; i++) times.push(await elapsed(() => body(i)));
  return median(times);
}

/** Query of one 50-item partition of a `tableItems` table vs parsing that partition's
 *  50 stored JSON strings; p50 ms. */
async function query({ tableItems, queries, reps }) {
  const db = await memoryDb(tableItems);
  const partitions = shuffled(tableItems / PARTITION).slice(0, queries);
  const strings = (p) => Array.from({ length: PARTITION }, (_, i) => JSON.stringify(item(p * PARTITION + i)));
  const stored = new Map(partitions.map((p) => [`user#${p}`, strings(p)]));
  const request = (p) => ({
    TableName: TABLE,
    KeyConditionExpression: "pk = :p",
    ExpressionAttributeValues: { ":p": { S: `user#${p}` } },
  });
  if ((await db.send("Query", request(partitions[0]))).Count !== PARTITION) throw new Error("Query missed items");
  const result = await repeat(
    reps,
    () => p50(queries, (i) => db.send("Query", request(partitions[i % partitions.length]))),
    () => p50(queries, (i) => {
      sink += stored.get(`user#${partitions[i % partitions.length]}`).map((s) => JSON.parse(s)).length;
    }),
  );
  await dispose(db);
  return result;
}

/** Scan of a `tableItems` table with a FilterExpression (every page) vs parsing and
 *  filtering the same items' JSON strings; p50 ms. */
async function scan({ tableItems, scans, reps }) {
  const db = await memoryDb(tableItems);
  const stored = items(tableItems).map((it) => JSON.stringify(it));
  const request = {
    TableName: TABLE,
    FilterExpression: "age >= :a AND active = :t",
    ExpressionAttributeValues: { ":a": { N: "45" }, ":t": { BOOL: true } },
  };
  const scanAll = async () => {
    let scanned = 0;
    let start;
    do {
      const page = await db.send("Scan", { ...request, ExclusiveStartKey: start });
      scanned += page.ScannedCount;
      start = page.LastEvaluatedKey;
    } while (start);
    return scanned;
  };
  if ((await scanAll()) !== tableItems) throw new Error("Scan missed items");
  const result = await repeat(
    reps,
    () => p50(scans, scanAll),
    () => p50(scans, () => {
      sink += stored.map((s) => JSON.parse(s)).filter((it) => Number(it.age.N) >= 45 && it.active.BOOL).length;
    }),
  );
  await dispose(db);
  return result;
}

/** Persisted BatchWriteItem of `count` items (all requests sent at once) vs a raw
 *  IndexedDB put of the same items in one transaction; items/s. */
async function bulkImport({ count, reps }) {
  const list = items(count);
  let commits = 0;
  const result = await repeat(
    reps,
    async (rep) => {
      const db = await persistedDb(`bench-import-${rep}`);
      const before = db.stats().commits;
      const ms = await elapsed(() => batchWrite(db, list));
      commits = db.stats().commits - before;
      await dispose(db);
      await deleteIdb(`dynaplay:bench-import-${rep}`);
      return perSecond(count, ms);
    },
    async (rep) => {
      const db = await rawDb(`bench-raw-import-${rep}`);
      const ms = await elapsed(() => {
        const tx = rawTx(db);
        const store = tx.objectStore("items");
        list.forEach((it) => rawPut(store, it));
        return commit(tx);
      });
      db.close();
      await deleteIdb(`bench-raw-import-${rep}`);
      return perSecond(count, ms);
    },
  );
  return { ...result, note: `Dynaplay committed the import in ${transactions(commits)}` };
}

/** `count` independent PutItem calls sent at once to a persisted database vs raw
 *  IndexedDB with one transaction per put, also all started at once; items/s. */
async function pipelinedPuts({ count, reps }) {
  const list = items(count);
  let commits = 0;
  const result = await repeat(
    reps,
    async () => {
      const db = await persistedDb("bench-pipelined");
      const before = db.stats().commits;
      const ms = await elapsed(() => Promise.all(list.map((Item) => db.send("PutItem", { TableName: TABLE, Item }))));
      commits = db.stats().commits - before;
      await dispose(db);
      return perSecond(count, ms);
    },
    async () => {
      const db = await rawDb("bench-raw-pipelined");
      const ms = await elapsed(() =>
        Promise.all(list.map((it) => {
          const tx = rawTx(db);
          rawPut(tx.objectStore("items"), it);
          return commit(tx);
        })));
      db.close();
      return perSecond(count, ms);
    },
  );
  return { ...result, note: `Dynaplay group-committed the ${count} puts in ${transactions(commits)}` };
}

/** The p50 ms of `list.length` awaited PutItems in a row on a new persisted database. */
async function ackedPuts(name, list, options) {
  const db = await persistedDb(name, options);
  const ms = await p50(list.length, (i) => db.send("PutItem", { TableName: TABLE, Item: list[i] }));
  await dispose(db);
  return ms;
}

/** Repetitions of the awaited acks run first and dropped: in a fresh page the first three
 *  measured up to twice the rest (1.0 ms against 0.6 to 0.7), presumably while V8 still
 *  optimizes the wasm (docs/performance.md, "Awaited PutItem ack"). */
const ACK_WARMUPS = 3;

/** An awaited single PutItem on a persisted database vs one raw relaxed IndexedDB
 *  transaction holding one put; p50 ms of `count` in a row. */
async function putAck({ count, reps }) {
  const list = items(count);
  return repeat(
    reps,
    () => ackedPuts("bench-ack", list),
    async () => {
      const db = await rawDb("bench-raw-ack");
      const ms = await p50(count, (i) => {
        const tx = rawTx(db);
        rawPut(tx.objectStore("items"), list[i]);
        return commit(tx);
      });
      db.close();
      return ms;
    },
    ACK_WARMUPS,
  );
}

/** A persisted database `name` of `count` items, closed; the ms its load took. */
async function builtDb(name, count, options) {
  const db = await persistedDb(name, options);
  const loadMs = await elapsed(() => load(db, count, BIO_1KB));
  await dispose(db);
  return loadMs;
}

/** Items/s of one Database.open of `name` (closed again), which must hold `count` items. */
async function openRate(name, count, options) {
  let opened;
  const ms = await elapsed(async () => (opened = await Database.open(name, options)));
  const { ItemCount } = await describe(opened);
  await dispose(opened);
  if (ItemCount !== count) throw new Error(`reopened with ${ItemCount} items, not ${count}`);
  return perSecond(count, ms);
}

/** Database.open of a persisted database of `count` items (closed again after each
 *  open) vs raw IndexedDB open + getAll of the very same object store; items/s. */
async function coldOpen({ count, reps }) {
  const name = "bench-cold";
  const loadMs = await builtDb(name, count);
  const result = await repeat(
    reps,
    () => openRate(name, count),
    async () => {
      let got;
      const ms = await elapsed(async () => {
        const raw = await settled(indexedDB.open(`dynaplay:${name}`));
        got = await settled(raw.transaction("items", "readonly").objectStore("items").getAll());
        raw.close();
      });
      if (got.length !== count) throw new Error(`getAll read ${got.length} items, not ${count}`);
      return perSecond(count, ms);
    },
  );
  await deleteIdb(`dynaplay:${name}`);
  const note = `built by BatchWriteItem, 10,000 items in flight at a time, at ${Math.round(perSecond(count, loadMs))} items/s`;
  return { ...result, note };
}

/** Encryption at rest (docs/encryption.md): an awaited PutItem on an encrypted database vs
 *  the same on one in clear; p50 ms of `count` in a row. */
async function encryptedAck({ count, reps }) {
  const list = items(count);
  return repeat(reps, () => ackedPuts("bench-encrypted-ack", list, PASSPHRASE), () => ackedPuts("bench-clear-ack", list), ACK_WARMUPS);
}

/** Database.open of an encrypted database of `count` items (its key derivation included)
 *  vs the same database in clear; items/s. */
async function encryptedOpen({ count, reps }) {
  const [encrypted, clear] = ["bench-encrypted-open", "bench-clear-open"];
  const loadMs = await builtDb(encrypted, count, PASSPHRASE);
  const clearLoadMs = await builtDb(clear, count);
  const result = await repeat(reps, () => openRate(encrypted, count, PASSPHRASE), () => openRate(clear, count));
  const deriveMs = await elapsed(async () => dispose(await persistedDb("bench-encrypted-empty", PASSPHRASE)));
  for (const name of [encrypted, clear, "bench-encrypted-empty"]) await deleteIdb(`dynaplay:${name}`);
  const note = `built by BatchWriteItem at ${Math.round(perSecond(count, loadMs))} items/s encrypted, ${Math.round(perSecond(count, clearLoadMs))} in clear; creating an empty encrypted database (one key derivation) took ${deriveMs.toFixed(0)} ms`;
  return { ...result, note };
}

/** Wasm memory grown by loading `count` ~200-byte items into an in-memory table (made on
 *  the fly), stopping early at `seconds`; one run, in a fresh page. */
async function memory({ count, seconds }) {
  const db = await memoryDb();
  const before = wasm.memory.buffer.byteLength;
  const start = performance.now();
  const loaded = await load(db, count, BIO_200B, { deadline: start + seconds * 1000 });
  const loadSeconds = (performance.now() - start) / 1000;
  const after = wasm.memory.buffer.byteLength;
  const { ItemCount, TableSizeBytes } = await describe(db);
  if (ItemCount !== loaded) throw new Error(`the table holds ${ItemCount} items, not ${loaded}`);
  return { requested: count, items: loaded, rawBytes: TableSizeBytes, before, after, loadSeconds };
}

/** The DynamoDB size of the ~1 KB benchmark item, as DescribeTable reports it. */
async function itemSize() {
  const db = await memoryDb(100);
  const { TableSizeBytes, ItemCount } = await describe(db);
  await dispose(db);
  return TableSizeBytes / ItemCount;
}

window.bench = { itemSize, putItem, streamPuts, getItem, query, scan, bulkImport, pipelinedPuts, putAck, coldOpen, encryptedAck, encryptedOpen, memory };
