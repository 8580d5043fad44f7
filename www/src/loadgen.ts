// The Capacity panel's load generator: sends N PutItem or GetItem requests per (real)
// second to the picked table, all to one hot partition key or each to a random one, and
// counts how many succeeded and how many were throttled. It lets a learner watch a hot key
// get throttled while spread keys are not, and burst capacity drain.
import { requestsThisTick } from "./capacitymath";
import { h, labelled, uid } from "./dom";
import type { TableShape } from "./ops";
import type { AppState } from "./state";

export type LoadOperation = "PutItem" | "GetItem";
export type KeyPattern = "hot" | "spread";

const TICK_MILLIS = 100;
const HOT_KEY = "hot-key";
/** Padding that makes each written item about 200 bytes: still 1 WCU, but tiny
 *  partitions (a 4 KB split size) split after a couple of dozen items. */
const PAYLOAD = "x".repeat(160);
const THROTTLED = new Set(["ProvisionedThroughputExceededException", "ThrottlingException"]);

/** A key attribute's value in DynamoDB JSON, from text (a number for N, base64 for B). */
function keyValue(type: string, text: string, number: number): Record<string, string> {
  if (type === "N") return { N: String(number) };
  if (type === "B") return { B: btoa(text) };
  return { S: text };
}

/**
 * The request the generator sends: the hot key is the same partition key every time; a
 * spread key is random, so requests land on every partition. A sort key stays fixed.
 */
export function loadRequest(operation: LoadOperation, shape: TableShape, pattern: KeyPattern, random: () => number = Math.random): Record<string, unknown> {
  const spreadNumber = Math.floor(random() * 1_000_000_000);
  const key = Object.fromEntries(
    shape.key.map((k) => {
      const hash = k.keyType === "HASH";
      const text = hash && pattern === "spread" ? `key-${spreadNumber}` : hash ? HOT_KEY : "0";
      return [k.name, keyValue(k.type, text, hash && pattern === "spread" ? spreadNumber : 0)];
    }),
  );
  return operation === "PutItem" ? { TableName: shape.name, Item: { ...key, payload: { S: PAYLOAD } } } : { TableName: shape.name, Key: key };
}

export interface LoadGenerator {
  element: HTMLElement;
  stop(): void;
}

export function createLoadGenerator(state: AppState): LoadGenerator {
  const operation = h("select", { id: uid("load-op"), "data-testid": "load-operation" }, h("option", { value: "PutItem" }, "PutItem (writes)"), h("option", { value: "GetItem" }, "GetItem (reads)"));
  const pattern = h("select", { id: uid("load-keys"), "data-testid": "load-pattern" }, h("option", { value: "hot" }, "one hot key"), h("option", { value: "spread" }, "random keys (spread)"));
  const rate = h("input", { type: "number", id: uid("load-rate"), min: 1, max: 500, step: 1, value: 50, "data-testid": "load-rate" });
  const start = h("button", { type: "button", class: "small", "data-testid": "load-start", "aria-pressed": "false" }, "Start");
  const counters = {
    sent: h("dd", { "data-testid": "load-sent" }, "0"),
    ok: h("dd", { "data-testid": "load-ok" }, "0"),
    throttled: h("dd", { "data-testid": "load-throttled" }, "0"),
    failed: h("dd", { "data-testid": "load-failed" }, "0"),
  };
  const lastError = h("p", { class: "hint", "data-testid": "load-error", "aria-live": "polite" });
  const titleId = uid("load-title");
  const element = h("section", { class: "dp-cap-box", "aria-labelledby": titleId, "data-testid": "load-generator" },
    h("h3", { id: titleId }, "Load generator"),
    h("p", { class: "hint" }, "Sends requests every 100 ms of real time. One hot key always lands on one partition, which can serve at most 1,000 WCU / 3,000 RCU a second and, with adaptive capacity off, only its share; random keys spread over every partition. Each write here costs 1 WCU, each read 1 RCU (strongly consistent, under 4 KB). It stops when you leave the panel."),
    h("div", { class: "dp-row" }, labelled("Operation", operation), labelled("Keys", pattern), labelled("Requests per second", rate), start),
    h("dl", { class: "dp-counters", "aria-label": "Load generator counters" },
      h("dt", {}, "Sent"), counters.sent, h("dt", {}, "Succeeded"), counters.ok, h("dt", {}, "Throttled"), counters.throttled, h("dt", {}, "Other errors"), counters.failed),
    lastError,
  );

  const counts = { sent: 0, ok: 0, throttled: 0, failed: 0 };
  let timer: ReturnType<typeof setInterval> | null = null;
  let carry = 0;
  let inFlight = 0;

  const show = () => {
    for (const name of ["sent", "ok", "throttled", "failed"] as const) counters[name].textContent = counts[name].toLocaleString("en-US");
  };

  async function sendOne(shape: TableShape) {
    counts.sent++;
    inFlight++;
    const outcome = await state.send(operation.value, loadRequest(operation.value as LoadOperation, shape, pattern.value as KeyPattern));
    inFlight--;
    if (outcome.ok) counts.ok++;
    else if (THROTTLED.has(outcome.error.name)) counts.throttled++;
    else {
      counts.failed++;
      lastError.textContent = `Last error: ${outcome.error.name}: ${outcome.error.message}`;
    }
    show();
  }

  function tick() {
    const shape = state.shape();
    if (!shape || !state.selected || !state.session) return stop();
    const perSecond = Math.min(500, Math.max(1, Number(rate.value) || 1));
    const due = requestsThisTick(perSecond, TICK_MILLIS, carry);
    carry = due.carry;
    // When the engine falls more than a second behind, skip sends rather than queue them.
    for (let i = 0; i < due.count && inFlight < perSecond; i++) void sendOne(shape);
  }

  function begin() {
    if (!state.selected) {
      lastError.textContent = "Pick a table in the sidebar first.";
      return;
    }
    Object.assign(counts, { sent: 0, ok: 0, throttled: 0, failed: 0 });
    lastError.textContent = "";
    show();
    carry = 0;
    timer = setInterval(tick, TICK_MILLIS);
    start.textContent = "Stop";
    start.setAttribute("aria-pressed", "true");
  }

  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    start.textContent = "Start";
    start.setAttribute("aria-pressed", "false");
  }

  start.addEventListener("click", () => (timer === null ? begin() : stop()));
  state.addEventListener("selected", stop);
  state.addEventListener("session", stop);
  return { element, stop };
}
