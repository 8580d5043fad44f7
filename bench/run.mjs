#!/usr/bin/env node
// Dynaplay's benchmarks: `make bench` (README "Benchmarks") builds, runs the native bench,
// then runs this driver, which measures bench/index.html and bench/nav.html in headless
// Chromium, prints one table of every figure, and writes it with a description of the
// machine to docs/benchmarks.md.
//
//   node bench/run.mjs [LOGDIR]   LOGDIR (default target/bench) holds build.log, the output
//                                 of scripts/build.sh, and engine.log, of cargo bench
//   BENCH_SCALE=small             small sizes for development; writes
//                                 target/bench/benchmarks-small.md, leaving docs/ alone
//   BENCH_ONLY=getItem,coldOpen   only these figures of window.bench (names as in
//                                 bench/bench.js); writes target/bench/, leaving docs/ alone
//
// Every timed figure is the median of REPS repetitions (ACK_REPS for the awaited acks),
// the engine and its baseline measured in the same page, in alternating order. Nothing here asserts: a missed target
// is printed as "not met"; only a figure that fails to run makes the exit status non-zero.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { launchBrowser, repo, startServer } from "../tests/e2e/browser.mjs";

const REPS = 9;
/** The awaited acks' repetitions: one takes a fraction of a second, and one repetition's
 *  ratio ranges from 0.8x to 1.9x (docs/performance.md, "Awaited PutItem ack"), so their
 *  median needs more of them to say what the build does rather than what the machine did. */
const ACK_REPS = 15;
const SCALES = {
  full: {
    put: 20_000, get: 20_000, queryTable: 100_000, queries: 200, scanTable: 1_000, scans: 20,
    import: 10_000, pipelined: 1_000, acks: 100, coldOpen: 100_000, encryptedOpen: 20_000,
    memory: 1_000_000, memorySeconds: 240,
  },
  small: {
    put: 2_000, get: 2_000, queryTable: 10_000, queries: 100, scanTable: 1_000, scans: 10,
    import: 2_000, pipelined: 200, acks: 30, coldOpen: 10_000, encryptedOpen: 2_000,
    memory: 50_000, memorySeconds: 60,
  },
};
const scaleName = process.env.BENCH_SCALE ?? "full";
const scale = SCALES[scaleName];
if (!scale) {
  console.error(`bench: BENCH_SCALE must be one of ${Object.keys(SCALES).join(", ")}, got ${scaleName}`);
  process.exit(2);
}
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",")) : null;
const wanted = (name) => !only || only.has(name);
const logDir = process.argv[2] ?? join(repo, "target", "bench");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const thousands = (n) => Math.round(n).toLocaleString("en-US");
const UNITS = {
  "items/s": (v) => `${thousands(v)} items/s`,
  ms: (v) => `${v.toFixed(v < 10 ? 2 : 1)} ms`,
  KB: (v) => `${v.toFixed(1)} KB`, // 1,000 bytes, the stricter reading of the size targets
  MiB: (v) => `${v.toFixed(1)} MiB`,
};

// Targets: on the ratio engine/baseline (throughput or time, as the unit says), or on
// the engine's absolute figure.
const ratioAtLeast = (x) => ({ text: `≥ ${x}x`, met: (r) => r.ratio >= x });
const ratioAtMost = (x) => ({ text: `≤ ${x}x`, met: (r) => r.ratio <= x });
const atMost = (x, unit) => ({ text: `≤ ${UNITS[unit](x)}`, met: (r) => r.engine <= x });

/** The GetItem floor's median rate and its ratio to the baseline, as text. */
function floorOf({ floor, baseline }) {
  const rate = median(floor);
  return `${thousands(Math.round(rate))} items/s, ${(rate / median(baseline)).toFixed(2)}x`;
}

/** A row of the table from per-repetition values (or single values). */
function row(figure, { engine, baseline, unit, target, baselineIs, note }) {
  const e = Array.isArray(engine) ? median(engine) : engine;
  const b = Array.isArray(baseline) ? median(baseline) : baseline;
  const r = { figure, engine: e, baseline: b, ratio: b ? e / b : null, unit, baselineIs, note };
  return { ...r, target: target.text, met: target.met(r) };
}

const rows = [];
const failures = [];
function report(r) {
  rows.push(r);
  const shown = [r.figure, show(r, "engine"), show(r, "baseline"), ratioText(r), r.target, metText(r)];
  console.log(`  ${shown.join("  |  ")}${r.note ? `\n      (${r.note})` : ""}`);
}
const show = (r, side) => (r[side] == null ? "—" : UNITS[r.unit](r[side]));
const ratioText = (r) => (r.ratio == null ? "—" : `${r.ratio.toFixed(2)}x`);
const metText = (r) => (r.met == null ? "—" : r.met ? "met" : "NOT MET");

/** Runs one figure of window.bench in a fresh page (a fresh wasm instance and heap). */
async function inPage(context, url, name, params) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(String(err)));
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  // Cross-origin isolation makes performance.now() precise to 5 µs instead of 100 µs;
  // the page's own response gets the two headers that grant it.
  await page.route(`${url}bench/`, async (route) => {
    const response = await route.fetch();
    const isolating = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };
    await route.fulfill({ response, headers: { ...response.headers(), ...isolating } });
  });
  try {
    await page.goto(`${url}bench/`);
    await page.waitForFunction(() => window.bench, null, { timeout: 30_000 });
    if (!(await page.evaluate(() => crossOriginIsolated))) throw new Error("the page is not cross-origin isolated");
    return await page.evaluate(([name, params]) => window.bench[name](params), [name, params]);
  } catch (err) {
    throw new Error(`${name}: ${err.message.split("\n")[0]}${errors.length ? `; page said: ${errors.join("; ")}` : ""}`);
  } finally {
    await page.close();
  }
}

/** Navigation to the first GetItem: one untimed visit creates the data and fills the HTTP
 *  cache, then `reps` visits each of the engine and of the raw baseline, in new tabs. */
async function navigation(context, url, reps) {
  const visit = async (query) => {
    const page = await context.newPage();
    try {
      await page.goto(`${url}bench/nav.html?${query}`);
      return await page.evaluate(() => window.nav);
    } finally {
      await page.close();
    }
  };
  const first = await visit("setup");
  await visit("raw&setup");
  const out = { engine: [], baseline: [], first };
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 ? ["raw", ""] : ["", "raw"];
    for (const query of order) out[query ? "baseline" : "engine"].push(await visit(query));
  }
  return out;
}

/** Sizes from scripts/build.sh's output: "[build] PATH  N bytes raw  M bytes gzip -9". */
function buildSizes() {
  const file = join(logDir, "build.log");
  if (!existsSync(file)) return null;
  const sizes = {};
  for (const [, path, raw, gzip] of readFileSync(file, "utf8").matchAll(/\[build\] (\S+)\s+(\d+) bytes raw\s+(\d+) bytes gzip/g)) {
    sizes[path.endsWith(".wasm") ? "wasm" : "glue"] = { raw: Number(raw), gzip: Number(gzip) };
  }
  return sizes.wasm && sizes.glue ? sizes : null;
}

/** cargo bench's lines: "LABEL   N ops/s", and its header line. */
function nativeFigures() {
  const file = join(logDir, "engine.log");
  if (!existsSync(file)) return null;
  const text = readFileSync(file, "utf8");
  const figures = [...text.matchAll(/^(\S.*?)\s{2,}(\d+) ops\/s$/gm)].map(([, label, rate]) => ({ label, rate: Number(rate) }));
  return { header: text.match(/^Dynaplay native.*$/m)?.[0] ?? "", figures };
}

/** Other people's compiles and cargo runs during the run make it noisy; sampled every few seconds. */
function watchCompiles() {
  const seen = new Set();
  const sample = () => {
    const ps = execFileSync("ps", ["-eo", "comm="], { encoding: "utf8" });
    ps.split("\n").filter((c) => /^(rustc|cargo|cc1|ld|wasm-opt)$/.test(c.trim())).forEach((c) => seen.add(c.trim()));
  };
  const timer = setInterval(sample, 3_000);
  return () => (clearInterval(timer), [...seen]);
}

function machine() {
  const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m)?.[1] ?? "unknown";
  const chromium = execFileSync(CHROMIUM, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    nproc: execFileSync("nproc", { encoding: "utf8" }).trim(),
    free: execFileSync("free", ["-h"], { encoding: "utf8" }).trimEnd(),
    cpu,
    chromium,
    node: process.version,
  };
}

async function browserFigures(context, url, s, sizes) {
  const run = async (name, params, make, reps = REPS) => {
    if (!wanted(name)) return;
    try {
      report(make(await inPage(context, url, name, { ...params, reps })));
    } catch (err) {
      failures.push(err.message);
      console.log(`  ${name}: FAILED: ${err.message}`);
    }
  };
  const itemSize = await inPage(context, url, "itemSize", {});
  const n = thousands;
  await run("putItem", { count: s.put }, (m) =>
    row(`PutItem in memory (${n(s.put)} items)`, { ...m, unit: "items/s", target: ratioAtLeast(0.5), baselineIs: "Map.set(key, structuredClone(item))" }));
  await run("streamPuts", { count: s.put }, (m) =>
    row(`Streams: PutItem time with NEW_AND_OLD_IMAGES (${n(s.put)} items)`, { ...m, unit: "ms", target: ratioAtMost(1.25), baselineIs: "the same PutItem calls on a table without a stream" }));
  await run("getItem", { count: s.get }, (m) =>
    row(`GetItem in memory (${n(s.get)} items)`, {
      ...m, unit: "items/s", target: ratioAtLeast(0.7), baselineIs: "JSON.parse(map.get(key))",
      note: `floor, the same loop with no engine work (request text into wasm memory, one await, response text out and parsed): ${floorOf(m)}`,
    }));
  await run("query", { tableItems: s.queryTable, queries: s.queries }, (m) =>
    row(`Query of 50 items, ${n(s.queryTable)}-item table, p50`, { ...m, unit: "ms", target: atMost(1.5, "ms"), baselineIs: "JSON.parse of the partition's 50 stored strings" }));
  await run("scan", { tableItems: s.scanTable, scans: s.scans }, (m) =>
    row(`Scan of ${n(s.scanTable)} items with a FilterExpression, p50`, { ...m, unit: "ms", target: atMost(15, "ms"), baselineIs: "JSON.parse and filter of the same items' strings" }));
  await run("bulkImport", { count: s.import }, (m) =>
    row(`Persisted bulk import, BatchWriteItem (${n(s.import)} items)`, { ...m, unit: "items/s", target: ratioAtLeast(0.5), baselineIs: "raw IndexedDB put of every item object in one transaction, tx.commit() (JSON text wrote about as fast here)" }));
  await run("pipelinedPuts", { count: s.pipelined }, (m) =>
    row(`Pipelined PutItem, persisted (${n(s.pipelined)} calls)`, { ...m, unit: "items/s", target: ratioAtLeast(2), baselineIs: "raw IndexedDB, one transaction per put, all started at once, each with tx.commit()" }));
  await run("putAck", { count: s.acks }, (m) =>
    row(`Awaited PutItem ack, persisted, p50 (${s.acks} in a row)`, { ...m, unit: "ms", target: ratioAtMost(1.5), baselineIs: "one raw relaxed IndexedDB transaction with one put, tx.commit()" }), ACK_REPS);
  await run("coldOpen", { count: s.coldOpen }, (m) =>
    row(`Cold open, ${n(s.coldOpen)} persisted items`, { ...m, unit: "items/s", target: ratioAtLeast(0.7), baselineIs: "raw IndexedDB open + getAll of the very same object store, Dynaplay's JSON text (getAll of item objects read about half as fast here, so this is the stricter baseline)" }));
  await run("encryptedAck", { count: s.acks }, (m) =>
    row(`Encrypted database: awaited PutItem ack, p50 (${s.acks} in a row)`, { ...m, unit: "ms", target: ratioAtMost(1.5), baselineIs: "the same PutItem calls on a database in clear" }), ACK_REPS);
  await run("encryptedOpen", { count: s.encryptedOpen }, (m) =>
    row(`Encrypted database: cold open, ${n(s.encryptedOpen)} persisted items`, { ...m, unit: "items/s", target: ratioAtLeast(0.5), baselineIs: "the same open of the same items in clear (the encrypted open includes one PBKDF2 key derivation)" }));
  if (wanted("navigation")) try {
    const m = await navigation(context, url, REPS);
    report(row("Navigation to first GetItem (cached wasm, empty table)", {
      ...m, unit: "ms", target: atMost(200, "ms"), baselineIs: "the same page doing a raw IndexedDB open + get",
      note: `first visit, uncached and creating the table: ${m.first.toFixed(0)} ms`,
    }));
  } catch (err) {
    failures.push(`navigation: ${err.message}`);
    console.log(`  navigation: FAILED: ${err.message}`);
  }
  if (wanted("sizes") && sizes) {
    for (const [key, what, limit] of [["wasm", "Wasm after wasm-opt, gzip -9", 300], ["glue", "JS glue, gzip -9", 15]]) {
      const { raw, gzip } = sizes[key];
      report({ ...row(what, { engine: gzip / 1000, baseline: null, unit: "KB", target: atMost(limit, "KB") }), note: `${(raw / 1000).toFixed(1)} KB before gzip; KB = 1,000 bytes` });
    }
  } else if (wanted("sizes")) {
    failures.push(`no sizes: ${join(logDir, "build.log")} is missing or has no size lines (make bench writes it)`);
  }
  await run("memory", { count: s.memory, seconds: s.memorySeconds }, (m) => {
    const grown = m.after - m.before;
    const budget = 2 * m.rawBytes + 64 * m.items;
    const MiB = 1024 * 1024;
    const partial = m.items < m.requested ? `; stopped at ${n(m.items)} of ${n(m.requested)} items, the time limit` : "";
    return {
      ...row(`Wasm memory, ${n(m.items)} items of ~${Math.round(m.rawBytes / m.items)} bytes`, {
        engine: grown / MiB, baseline: m.rawBytes / MiB, unit: "MiB", baselineIs: "raw item bytes (DynamoDB item size, TableSizeBytes)",
        target: { text: `≤ ${(budget / MiB).toFixed(1)} MiB (2x raw + 64 B/item)`, met: () => grown <= budget },
      }),
      note: `${Math.round(grown / m.items)} bytes/item; memory.buffer.byteLength ${(m.before / MiB).toFixed(1)} -> ${(m.after / MiB).toFixed(1)} MiB; loaded in ${m.loadSeconds.toFixed(0)} s${partial}; one run, in a fresh page`,
    };
  });
  return itemSize;
}

/** The table on the terminal, columns padded. */
function printTable() {
  const lines = [["figure", "Dynaplay", "baseline", "ratio", "target", ""], ...rows.map((r) => [r.figure, show(r, "engine"), show(r, "baseline"), ratioText(r), r.target, metText(r)])];
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  console.log("");
  for (const l of lines) console.log(l.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd());
  console.log("");
}

function markdown({ machine: m, itemSize, native, seconds, compiles, load }) {
  const cell = (text) => String(text).replaceAll("|", "\\|");
  const table = rows.map((r) => `| ${[r.figure, show(r, "engine"), show(r, "baseline"), ratioText(r), r.target, metText(r)].map(cell).join(" | ")} |`);
  const notes = rows.filter((r) => r.baselineIs || r.note).map((r) => `- **${r.figure}**: ${[r.baselineIs && `baseline: ${r.baselineIs}`, r.note].filter(Boolean).join("; ")}.`);
  const quiet = compiles.length
    ? `**Not a quiet machine**: other processes (${compiles.join(", ")}) ran during the browser figures, so they are noisy.`
    : "No compiler or linker ran during the browser figures (sampled every 3 s); nothing else was checked.";
  return `# Benchmarks

Written by \`make bench\` (README, "Benchmarks") at ${scaleName} scale (\`BENCH_SCALE\`); the browser
figures took ${Math.round(seconds)} s. Each timed figure is the median of ${REPS} repetitions (the awaited acks: ${ACK_REPS}); the engine
and its baseline are measured in the same page, alternating which goes first. Ratios are
Dynaplay / baseline in the figure's unit: for items/s higher is better, for ms lower is.
Items are about ${Math.round(itemSize)} bytes by DynamoDB's size rules (10 attributes with a nested
map, list and string set); the memory figure's are smaller, as its row says.

## Machine

- Date: ${m.date}
- CPU: ${m.cpu}, \`nproc\` ${m.nproc}
- Browser: ${m.chromium}, headless, fresh profile; Node ${m.node}
- Load average (1, 5, 15 min) before the browser figures: ${load.before}; after: ${load.after}
- ${quiet}

\`\`\`
$ free -h
${m.free}
\`\`\`

## Browser figures

| figure | Dynaplay | baseline | ratio | target | |
| --- | --- | --- | --- | --- | --- |
${table.join("\n")}

${notes.join("\n")}

Timings use \`performance.now()\`, precise to 5 µs in the cross-origin isolated
benchmark page; the navigation page is not isolated (0.1 ms), which is plenty at its scale.
[performance.md](performance.md) explains the figures that miss their targets and where
their floors are; [size.md](size.md) the wasm size.

## Native engine (\`cargo bench --bench engine\`)

${native ? `${native.header}; built with the release profile (opt-level "z", like the wasm).\n\n| operation | ops/s |\n| --- | --- |\n${native.figures.map((f) => `| ${f.label} | ${thousands(f.rate)} |`).join("\n")}` : "Not run (no engine.log)."}
`;
}

const started = performance.now();
const info = machine();
const sizes = buildSizes();
const native = nativeFigures();
console.log(`Dynaplay browser benchmarks, ${scaleName} scale, ${info.chromium}, ${info.nproc} cores`);
const load = { before: loadavg().map((x) => x.toFixed(2)).join(", ") };
const stopWatching = watchCompiles();
const server = await startServer(repo);
const browser = await launchBrowser();
let itemSize;
try {
  itemSize = await browserFigures(browser.context, server.url, scale, sizes);
} finally {
  await browser.close();
  await server.stop();
}
const compiles = stopWatching();
load.after = loadavg().map((x) => x.toFixed(2)).join(", ");
const seconds = (performance.now() - started) / 1000;

if (native) {
  console.log(`\n${native.header}`);
  native.figures.forEach((f) => console.log(`  ${f.label.padEnd(40)} ${thousands(f.rate).padStart(12)} ops/s`));
}
const text = markdown({ machine: info, itemSize, native, seconds, compiles, load });
const out = scaleName === "full" && !only ? join(repo, "docs", "benchmarks.md") : join(repo, "target", "bench", `benchmarks-${only ? "only" : scaleName}.md`);
await mkdir(join(out, ".."), { recursive: true });
await writeFile(out, text);
printTable();
console.log(`Wrote ${out} (browser figures took ${Math.round(seconds)} s)${compiles.length ? `; other processes ran meanwhile: ${compiles.join(", ")}` : ""}`);
if (failures.length) {
  console.error(`\n${failures.length} figure(s) could not be measured:\n${failures.map((f) => `  ${f}`).join("\n")}`);
  process.exit(1);
}
