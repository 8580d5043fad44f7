// The Streams panel's Triggers section: a JavaScript function body typed in a textarea,
// subscribed to the picked table's stream (triggers.ts) with a batch size, a starting
// position, retries and bisect-on-error; the triggers with their position, counts and last
// error (Pause / Resume / Edit / Delete; an edit, like Lambda's UpdateEventSourceMapping,
// changes the body, batch size, retries and bisect from the next batch on, keeping the
// position); the latest 50 invocations and the batches given up on (the
// on-failure destination). The body runs as an async function of `event` made with the
// AsyncFunction constructor: the person's own code in their own page. Page code registers
// a trigger with a real function through `dynaplay.triggers.create(options)`. Triggers made
// with the form are saved per database with a checkpoint (triggerstore.ts): a reload brings
// them back where they stopped; another database ends them until it is opened again.
import { attributesText } from "./streamrecords";
import { checkbox, h, labelled, uid } from "./dom";
import type { AppState } from "./state";
import { type CheckpointStore, createTrigger, errorText, type Invocation, type StreamEvent, type Trigger, type TriggerChanges, type TriggerDb, type TriggerOptions } from "./triggers";
import { checkpointOf, loadTriggers, newTriggerId, type SavedTrigger, saveTriggers } from "./triggerstore";

/** `dynaplay.triggers.create`'s options: a checkpoint may be a name, kept in localStorage. */
type PageTriggerOptions = Omit<TriggerOptions, "checkpoint"> & { checkpoint?: CheckpointStore | string };

const MAX_LOG = 50;
const REFRESH_MILLIS = 500;
const DEFAULT_BODY = "// event.Records: the records as GetRecords answers them.\nfor (const record of event.Records) console.log(record.eventName, record.dynamodb.Keys);";
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (event: StreamEvent) => Promise<void>;

interface Entry {
  trigger: Trigger;
  element: HTMLElement;
  refresh(): void;
  /** The saved form trigger's id; none for one made through the JS API. */
  savedId?: string;
}

interface LogLine {
  time: number;
  text: string;
  ok: boolean;
}

/** The database as triggers see it: through the page's session, errors thrown. */
function sessionDb(state: AppState): TriggerDb {
  return {
    async send(operation, request) {
      const outcome = await state.send(operation, request);
      if (!outcome.ok) throw outcome.error;
      return outcome.response;
    },
  };
}

function settingsText(o: TriggerOptions): string {
  const retries = (o.maximumRetryAttempts ?? -1) < 0 ? "retries forever" : `${o.maximumRetryAttempts} retr${o.maximumRetryAttempts === 1 ? "y" : "ies"}`;
  return `${o.tableName} · batch ${o.batchSize} · ${o.startingPosition} · ${retries}${o.bisectBatchOnFunctionError ? " · bisect on error" : ""}`;
}

function stateText(trigger: Trigger): string {
  const s = trigger.state();
  const at = s.shardId ? `${s.shardId} after ${s.lastSequenceNumber}` : "nothing processed yet";
  return `${s.running ? "Running" : "Paused"} · position ${at} · ${s.pending} pending · ${s.invocations} invocation(s), ${s.delivered} delivered, ${s.errors} error(s), ${s.retries} retried, ${s.batchesSplit} split, ${s.sentToFailure} sent to failure`;
}

const keysText = (event: StreamEvent) => event.Records.map((r) => attributesText(r.dynamodb.Keys, [])).join("; ");
const timeText = (time: number) => new Date(time).toISOString().slice(11, 23);

function logList(lines: LogLine[], testId: string, label: string): HTMLElement {
  return h("ol", { class: "dp-trigger-log", "aria-label": label }, ...lines.map((line) =>
    h("li", { "data-testid": testId, "data-ok": String(line.ok) }, h("span", { class: "hint" }, timeText(line.time)), " ", line.text)));
}

export interface TriggersSection {
  element: HTMLElement;
}

export function createTriggersSection(state: AppState): TriggersSection {
  const bodyInput = h("textarea", { id: uid("trigger-body"), rows: 5, spellcheck: "false", class: "dp-trigger-body", "data-testid": "trigger-body" });
  bodyInput.value = DEFAULT_BODY;
  const batchSize = h("input", { type: "number", min: 1, max: 10000, value: 100, "data-testid": "trigger-batch-size" });
  const position = h("select", { "data-testid": "trigger-position" }, h("option", { value: "TRIM_HORIZON" }, "TRIM_HORIZON (oldest)"), h("option", { value: "LATEST" }, "LATEST (new only)"));
  const retries = h("input", { type: "number", min: -1, value: -1, "data-testid": "trigger-retries" });
  const bisect = h("input", { type: "checkbox", "data-testid": "trigger-bisect" });
  const add = h("button", { type: "button", "data-testid": "trigger-add" }, "Add trigger");
  const cancelEdit = h("button", { type: "button", class: "secondary", hidden: true, "data-testid": "trigger-cancel-edit" }, "Cancel");
  const editNote = h("p", { class: "notice", hidden: true, "data-testid": "trigger-edit-note" });
  const formError = h("p", { class: "field-error", role: "alert", hidden: true, "data-testid": "trigger-form-error" });
  const list = h("ul", { class: "dp-trigger-list", "data-testid": "trigger-list" });
  const invocationsBox = h("div", { "data-testid": "trigger-invocations" });
  const failuresBox = h("div", { "data-testid": "trigger-failures" });
  const element = h("section", { class: "dp-form dp-triggers", "data-testid": "triggers" },
    h("h3", {}, "Triggers"),
    h("p", { class: "hint" }, "A trigger calls a JavaScript function with each batch of the picked table's stream records, as Lambda does for an event source mapping: in order, retried when it throws (the same records again), split in halves with bisect on, given up on after the retries (to the failure list below). The body is your own code, run in this page; triggers are kept in memory until a reload; the ones made here are saved with their position and come back after a reload, going on after the last batch that finished."),
    h("div", { class: "field" }, h("label", { for: bodyInput.id }, "Function body (async, argument event)"), bodyInput),
    h("div", { class: "dp-row dp-stream-controls" }, labelled("Batch size", batchSize), labelled("Starting position", position), labelled("Retries (-1: forever)", retries), checkbox(bisect, "Bisect batch on error"), add, cancelEdit),
    editNote, formError, list,
    h("h4", {}, "Invocations (latest 50)"), invocationsBox,
    h("h4", {}, "Failures (the on-failure destination, latest 50)"), failuresBox);

  const entries: Entry[] = [];
  const invocations: LogLine[] = [];
  const failures: LogLine[] = [];
  let timer: ReturnType<typeof setInterval> | null = null;
  /** The trigger the form edits, or null when it adds one. */
  let editing: Entry | null = null;

  /** Puts the form back to adding a trigger. */
  function stopEditing() {
    editing = null;
    add.textContent = "Add trigger";
    cancelEdit.hidden = true;
    editNote.hidden = true;
    position.disabled = false;
    bodyInput.placeholder = "";
    formError.hidden = true;
  }

  /** Fills the form with ENTRY's settings: Save changes then updates it in place. */
  function startEditing(entry: Entry) {
    const o = entry.trigger.options;
    editing = entry;
    const id = entry.savedId;
    bodyInput.value = (id && loadTriggers(state.dbName).find((t) => t.id === id)?.body) || "";
    bodyInput.placeholder = id ? "" : "A function from page code: leave this empty to keep it, or type a body to replace it.";
    batchSize.value = String(o.batchSize);
    retries.value = String(o.maximumRetryAttempts);
    bisect.checked = Boolean(o.bisectBatchOnFunctionError);
    position.value = String(o.startingPosition);
    position.disabled = true;
    add.textContent = "Save changes";
    cancelEdit.hidden = false;
    editNote.hidden = false;
    editNote.textContent = `Editing the trigger on ${o.tableName}: the changes apply from its next batch; it keeps its position and its pending records (the starting position cannot change, as with Lambda's UpdateEventSourceMapping).`;
    bodyInput.focus();
  }

  function pushLine(lines: LogLine[], line: LogLine) {
    lines.unshift(line);
    lines.splice(MAX_LOG);
  }

  function refresh() {
    for (const entry of entries) entry.refresh();
    invocationsBox.replaceChildren(logList(invocations, "trigger-invocation", "Invocations"));
    failuresBox.replaceChildren(logList(failures, "trigger-failure", "Failures"));
  }

  /** Changes the saved form triggers of the open database. */
  function updateSaved(change: (saved: SavedTrigger[]) => SavedTrigger[]) {
    saveTriggers(state.dbName, change(loadTriggers(state.dbName)));
  }

  /** Deletes a trigger: a saved one is forgotten with its checkpoint. */
  function remove(entry: Entry) {
    if (editing === entry) stopEditing();
    if (entry.savedId) {
      const id = entry.savedId;
      updateSaved((saved) => saved.filter((t) => t.id !== id));
      checkpointOf(state.dbName, id).clear();
    }
    drop(entry);
  }

  /** Stops a trigger and takes it off the list (its saved form stays). */
  function drop(entry: Entry) {
    entry.trigger.stop();
    entries.splice(entries.indexOf(entry), 1);
    entry.element.remove();
    if (!entries.length && timer) clearInterval(timer);
    if (!entries.length) timer = null;
  }

  function entryFor(trigger: Trigger, savedId?: string): Entry {
    const status = h("p", { class: "hint", "data-testid": "trigger-state" });
    const lastError = h("p", { class: "field-error", "data-testid": "trigger-error" });
    const pause = h("button", { type: "button", class: "small secondary", "data-testid": "trigger-pause" }, "Pause");
    const edit = h("button", { type: "button", class: "small secondary", "data-testid": "trigger-edit" }, "Edit");
    const del = h("button", { type: "button", class: "small secondary", "data-testid": "trigger-delete" }, "Delete");
    const settings = h("strong", { "data-testid": "trigger-settings" });
    const element = h("li", { class: "dp-trigger", "data-testid": "trigger" }, h("div", { class: "dp-row" }, settings, pause, edit, del), status, lastError);
    const entry: Entry = {
      trigger,
      element,
      savedId,
      refresh() {
        const s = trigger.state();
        settings.textContent = settingsText(trigger.options);
        status.textContent = stateText(trigger);
        lastError.hidden = !s.lastError;
        lastError.textContent = s.lastError ? `Last error: ${s.lastError}` : "";
        pause.textContent = s.running ? "Pause" : "Resume";
      },
    };
    pause.addEventListener("click", () => {
      const running = trigger.state().running;
      running ? trigger.stop() : trigger.start();
      if (savedId) updateSaved((saved) => saved.map((t) => (t.id === savedId ? { ...t, paused: running } : t)));
      refresh();
    });
    edit.addEventListener("click", () => startEditing(entry));
    del.addEventListener("click", () => remove(entry));
    return entry;
  }

  /** Registers and starts a trigger (unless `paused`), listed here, its invocations and
   *  failures logged. */
  function create(options: PageTriggerOptions, savedId?: string, paused = false): Trigger {
    const tableName = options.tableName;
    const checkpoint = typeof options.checkpoint === "string" ? checkpointOf(state.dbName, options.checkpoint) : options.checkpoint;
    const trigger = createTrigger(sessionDb(state), {
      ...options,
      checkpoint,
      onInvocation: (i: Invocation) => {
        pushLine(invocations, { time: i.time, ok: i.ok, text: `${tableName} · ${i.size} record(s) · ${i.ok ? "ok" : i.error}` });
        options.onInvocation?.(i);
      },
      onFailure: (batch, error) => {
        pushLine(failures, { time: Date.now(), ok: false, text: `${tableName} · ${batch.Records.length} record(s): ${keysText(batch)} · ${errorText(error)}` });
        options.onFailure?.(batch, error);
      },
    });
    const entry = entryFor(trigger, savedId);
    entries.push(entry);
    list.append(entry.element);
    if (!paused) trigger.start();
    timer ??= setInterval(refresh, REFRESH_MILLIS);
    refresh();
    return trigger;
  }

  /** Starts a saved form trigger; a body that no longer compiles is reported, not run. */
  function createSaved(saved: SavedTrigger) {
    const { id, body, paused, ...settings } = saved;
    create({ ...settings, handler: new AsyncFunction("event", body), checkpoint: id }, id, paused);
  }

  /** The form's settings as changes to a trigger (the body only when one is typed, for page code's). */
  function formChanges(): TriggerChanges {
    const typed = bodyInput.value.trim() !== "" || editing === null || editing.savedId !== undefined;
    return {
      ...(typed ? { handler: new AsyncFunction("event", bodyInput.value) } : {}),
      batchSize: Number(batchSize.value),
      maximumRetryAttempts: Number(retries.value),
      bisectBatchOnFunctionError: bisect.checked,
    };
  }

  /** Applies the form to the trigger being edited, and to its saved form. */
  function saveEdit(entry: Entry) {
    const changes = formChanges();
    entry.trigger.update(changes);
    const id = entry.savedId;
    const { batchSize, maximumRetryAttempts, bisectBatchOnFunctionError } = entry.trigger.options;
    if (id) updateSaved((saved) => saved.map((t) => (t.id === id ? { ...t, body: bodyInput.value, batchSize: batchSize ?? t.batchSize, maximumRetryAttempts: maximumRetryAttempts ?? t.maximumRetryAttempts, bisectBatchOnFunctionError: Boolean(bisectBatchOnFunctionError) } : t)));
    stopEditing();
    refresh();
  }

  function createFromForm() {
    try {
      if (editing) return saveEdit(editing);
      if (!state.selected) throw new Error("Pick a table with a stream in the sidebar first.");
      const saved: SavedTrigger = { id: newTriggerId(), tableName: state.selected, body: bodyInput.value, batchSize: Number(batchSize.value), startingPosition: position.value as SavedTrigger["startingPosition"], maximumRetryAttempts: Number(retries.value), bisectBatchOnFunctionError: bisect.checked, paused: false };
      createSaved(saved);
      updateSaved((list) => [...list, saved]);
      formError.hidden = true;
    } catch (err) {
      formError.hidden = false;
      formError.textContent = errorText(err);
    }
  }

  function restoreSaved() {
    for (const saved of loadTriggers(state.dbName)) {
      try {
        createSaved(saved);
      } catch (err) {
        formError.hidden = false;
        formError.textContent = `A saved trigger on ${saved.tableName} cannot start: ${errorText(err)}`;
      }
    }
  }

  add.addEventListener("click", createFromForm);
  cancelEdit.addEventListener("click", stopEditing);
  state.addEventListener("session", () => {
    for (const entry of [...entries]) drop(entry);
    const page = (globalThis as any).dynaplay;
    if (!state.session) return;
    if (page) page.triggers = { create: (options: PageTriggerOptions) => create(options) };
    restoreSaved();
  });
  return { element };
}
