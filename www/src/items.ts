// The Items panel: the picked table's items in a grid (Scan, paged through
// LastEvaluatedKey, or the query builder's Query), and an editor to add, open (by key), edit
// and delete one item in DynamoDB JSON or plain JSON.
import { ConversionError, dynamoTextToPlainText, JsonSyntaxError, plainTextToDynamoText, type Item } from "./convert";
import { confirmDialog, fill, h, uid } from "./dom";
import { createJsonEditor, type JsonEditor } from "./editor";
import { isUnknownOperation, type Outcome } from "./engine";
import { ItemGrid } from "./grid";
import { type TableShape } from "./ops";
import { createQueryBuilder } from "./querybuilder";
import type { AppState } from "./state";
import { capacityText } from "./console";

type Format = "dynamo" | "plain";
/** What a Scan or Query page answers. */
type ReadPage = { Items?: Item[]; Count?: number; ScannedCount?: number; LastEvaluatedKey?: Record<string, unknown>; ConsumedCapacity?: unknown };

export function createItems(state: AppState): HTMLElement {
  const title = h("h2", { class: "panel-title", "data-testid": "items-title" }, "Items");
  const refresh = h("button", { type: "button", class: "small secondary", "data-testid": "items-refresh" }, "Refresh");
  const addButton = h("button", { type: "button", class: "small", "data-testid": "items-add" }, "Add item");
  const pageSize = h("select", { id: uid("page-size"), "data-testid": "items-page-size" }, ...[25, 100, 1000, 10000].map((n) => h("option", { value: n, selected: n === 100 }, String(n))));
  const prev = h("button", { type: "button", class: "small secondary", "data-testid": "items-prev" }, "← Previous");
  const next = h("button", { type: "button", class: "small secondary", "data-testid": "items-next" }, "Next →");
  const pageLabel = h("span", { class: "hint", "data-testid": "items-page" });
  // Scan the table or one of its secondary indexes (IndexName); shown when it has any.
  const indexPick = h("select", { id: uid("scan-index"), "data-testid": "items-index" });
  const indexField = h("span", { class: "dp-row dp-index-pick" }, h("label", { for: indexPick.id }, "Scan"), indexPick);
  const metrics = h("p", { class: "dp-metrics", "data-testid": "items-metrics", "aria-live": "polite" });
  const notice = h("div", { class: "notice", role: "status", hidden: true, "data-testid": "items-notice" });
  const grid = new ItemGrid({ label: "Items", testId: "items-grid", onEdit: (item) => openEditor(item as Item, true) });
  const empty = h("p", { class: "hint", hidden: true, "data-testid": "items-empty" }, "This page has no items.");

  // Open an item by its key (GetItem): works without Scan.
  const keyForm = h("form", { class: "dp-inline-form dp-key-form", "aria-label": "Open an item by its key", "data-testid": "items-key-form" });

  // The item editor.
  const editorTitle = h("h3", { "data-testid": "item-editor-title" }, "Item");
  const formatGroup = uid("format");
  const formatRadio = (value: Format, label: string) => {
    const input = h("input", { type: "radio", name: formatGroup, value, id: uid("fmt"), "data-testid": `item-format-${value}`, checked: value === "dynamo" });
    return h("span", { class: "dp-radio" }, input, h("label", { for: input.id }, label));
  };
  const formats = h("div", { class: "dp-row", role: "radiogroup", "aria-label": "Item format" }, formatRadio("dynamo", "DynamoDB JSON"), formatRadio("plain", "Plain JSON"));
  const editorHost = h("div", { class: "dp-editor-host" });
  const save = h("button", { type: "button", "data-testid": "item-save" }, "Save item");
  const del = h("button", { type: "button", class: "danger", "data-testid": "item-delete" }, "Delete item…");
  const close = h("button", { type: "button", class: "secondary", "data-testid": "item-close" }, "Close");
  const editorError = h("div", { class: "error", role: "alert", hidden: true, "data-testid": "item-error" });
  const editorResult = h("p", { class: "hint ok", role: "status", "data-testid": "item-result" });
  const editorSection = h("section", { class: "dp-item-editor", hidden: true, "aria-label": "Item editor", "data-testid": "item-editor" },
    editorTitle,
    formats,
    h("p", { class: "hint" }, "Plain JSON: numbers keep all their digits; sets and binary values need DynamoDB JSON. Ctrl+Enter saves."),
    editorHost,
    editorError,
    h("div", { class: "actions" }, save, del, close),
  );
  let editor: JsonEditor | null = null;
  let format: Format = "dynamo";
  /** The key of the item being edited (null for a new item). */
  let originalKey: Record<string, unknown> | null = null;

  const queryBuilder = createQueryBuilder(state, (outcome) => {
    loading++; // a Scan still under way must not overwrite the query's items
    body.removeAttribute("aria-busy");
    showResult(outcome);
    pageLabel.textContent = "Query results (Refresh scans again)";
    prev.disabled = true;
    next.disabled = true;
  });

  const noTable = h("p", { class: "hint", "data-testid": "items-no-table" }, "Pick a table in the sidebar (or create one in the Designer) to see its items.");
  const body = h("div", { class: "dp-items" },
    h("div", { class: "dp-panel-head" }, title, h("div", { class: "dp-row" }, refresh, addButton)),
    keyForm,
    queryBuilder.element,
    editorSection,
    editorResult,
    h("div", { class: "dp-row dp-pager" }, indexField, h("label", { for: pageSize.id }, "Page size"), pageSize, prev, pageLabel, next),
    metrics,
    notice,
    grid.element,
    empty,
  );
  const root = h("div", {}, noTable, body);

  /** ExclusiveStartKey of each page seen so far; pages[0] is the first page (none). */
  let pages: (Record<string, unknown> | undefined)[] = [undefined];
  let page = 0;
  let lastKey: Record<string, unknown> | undefined;
  let loading = 0;

  const shape = (): TableShape | null => state.shape();
  const keyNames = () => (shape()?.key ?? []).map((k) => k.name);

  async function load() {
    const table = state.selected;
    if (!table) return;
    const ticket = ++loading;
    notice.hidden = true;
    const request: Record<string, unknown> = { TableName: table, Limit: Number(pageSize.value), ReturnConsumedCapacity: "TOTAL" };
    if (pages[page]) request.ExclusiveStartKey = pages[page];
    if (indexPick.value) request.IndexName = indexPick.value;
    body.setAttribute("aria-busy", "true");
    const outcome = await state.send<ReadPage>("Scan", request);
    if (ticket !== loading) return;
    body.removeAttribute("aria-busy");
    showResult(outcome);
    syncPager();
  }

  /** A Scan's or Query's page in the grid, with its metrics; or its error. */
  function showResult(outcome: Outcome<ReadPage>) {
    if (!outcome.ok) {
      grid.setItems([], keyNames());
      grid.element.hidden = true;
      lastKey = undefined;
      empty.hidden = true;
      metrics.textContent = "";
      notice.hidden = false;
      fill(
        notice,
        h("strong", { "data-testid": "items-error-name" }, outcome.error.name),
        ": ",
        h("span", { "data-testid": "items-error-message" }, outcome.error.message),
        isUnknownOperation(outcome.error)
          ? h("p", {}, "Browsing a table needs Scan, which this build of the engine does not have yet. You can still add an item, and open, edit or delete one by its key above.")
          : null,
      );
      notice.dataset.kind = isUnknownOperation(outcome.error) ? "unavailable" : "error";
      return;
    }
    notice.hidden = true;
    const r = outcome.response;
    grid.element.hidden = false;
    grid.setItems(r.Items ?? [], keyNames());
    empty.hidden = (r.Items ?? []).length > 0;
    lastKey = r.LastEvaluatedKey;
    const parts = [`Count ${r.Count ?? 0}`, `ScannedCount ${r.ScannedCount ?? 0}`];
    if (r.ConsumedCapacity) parts.push(`ConsumedCapacity ${capacityText(r.ConsumedCapacity)}`);
    parts.push(`${Math.round(outcome.ms)} ms`);
    metrics.textContent = parts.join(" · ");
  }

  function syncPager() {
    prev.disabled = page === 0;
    next.disabled = !lastKey;
    pageLabel.textContent = `Page ${page + 1}`;
  }

  prev.addEventListener("click", () => {
    if (page > 0) {
      page--;
      load();
    }
  });
  next.addEventListener("click", () => {
    if (!lastKey) return;
    pages = pages.slice(0, page + 1);
    pages.push(lastKey);
    page++;
    load();
  });
  pageSize.addEventListener("change", () => {
    pages = [undefined];
    page = 0;
    load();
  });
  refresh.addEventListener("click", () => load());

  function renderKeyForm() {
    const s = shape();
    keyForm.replaceChildren();
    if (!s) return;
    const inputs = s.key.map((k) => {
      const input = h("input", { type: "text", id: uid("key"), autocomplete: "off", spellcheck: "false", "data-testid": `key-${k.name}`, "data-type": k.type });
      return { k, input, field: h("div", { class: "field" }, h("label", { for: input.id }, `${k.name} (${k.type})`), input) };
    });
    const open = h("button", { type: "submit", class: "small secondary", "data-testid": "items-open" }, "Open item");
    keyForm.append(h("span", { class: "dp-key-form-title" }, "Open by key"), ...inputs.map((i) => i.field), open);
    keyForm.onsubmit = async (e) => {
      e.preventDefault();
      const key = Object.fromEntries(inputs.map(({ k, input }) => [k.name, { [k.type]: input.value }]));
      const outcome = await state.send<{ Item?: Item }>("GetItem", { TableName: s.name, Key: key });
      showEditorError(null);
      if (!outcome.ok) {
        openEditor(null, false);
        showEditorError(`${outcome.error.name}: ${outcome.error.message}`);
        return;
      }
      if (!outcome.response.Item) {
        editorResult.textContent = "No item has that key.";
        return;
      }
      openEditor(outcome.response.Item, true);
    };
  }

  function keyOf(item: Record<string, unknown>) {
    return Object.fromEntries(keyNames().filter((k) => k in item).map((k) => [k, item[k]]));
  }

  function template(): Item {
    const s = shape();
    const item: Record<string, unknown> = {};
    for (const k of s?.key ?? []) item[k.name] = { [k.type]: k.type === "N" ? "1" : k.type === "B" ? "AQID" : "" };
    item.note = { S: "" };
    return item as Item;
  }

  function openEditor(item: Item | null, existing: boolean) {
    editorSection.hidden = false;
    editorResult.textContent = "";
    showEditorError(null);
    originalKey = existing && item ? keyOf(item) : null;
    editorTitle.textContent = existing ? "Edit item" : "New item";
    del.hidden = !existing;
    const dynamoText = JSON.stringify(item ?? template(), null, 2);
    let text = dynamoText;
    if (format === "plain") {
      try {
        const plain = dynamoTextToPlainText(dynamoText);
        if (plain.lossy.length) {
          setFormat("dynamo");
          showEditorError(`Shown as DynamoDB JSON: plain JSON cannot express the set or binary values at ${plain.lossy.join(", ")}.`);
        } else text = plain.text;
      } catch {
        setFormat("dynamo");
      }
    }
    if (!editor) {
      editor = createJsonEditor(editorHost, { root: state.placement.root, doc: text, label: "Item (JSON)", testId: "item-json", onRun: () => saveItem(), minLines: 6 });
    } else {
      editor.text = text;
    }
    editor.focus();
  }

  function setFormat(f: Format) {
    format = f;
    for (const r of formats.querySelectorAll("input")) r.checked = r.value === f;
  }

  function showEditorError(message: string | null) {
    editorError.hidden = message === null;
    editorError.textContent = message ?? "";
  }

  formats.addEventListener("change", () => {
    const wanted = (formats.querySelector<HTMLInputElement>("input:checked")?.value ?? "dynamo") as Format;
    if (!editor || wanted === format) return;
    try {
      if (wanted === "plain") {
        const { text, lossy } = dynamoTextToPlainText(editor.text);
        if (lossy.length) {
          setFormat("dynamo");
          showEditorError(`Plain JSON cannot express the set or binary values at ${lossy.join(", ")}; keep editing as DynamoDB JSON.`);
          return;
        }
        editor.text = text;
      } else {
        editor.text = plainTextToDynamoText(editor.text);
      }
      format = wanted;
      showEditorError(null);
    } catch (err) {
      setFormat(format);
      showEditorError(`Cannot convert: ${err instanceof Error ? err.message : String(err)}`);
    }
  });

  /** The editor's item as DynamoDB JSON, or an error message. */
  function currentItem(): { item: Item } | { error: string } {
    const text = editor?.text ?? "";
    try {
      const item = format === "plain" ? JSON.parse(plainTextToDynamoText(text)) : JSON.parse(text);
      if (!item || typeof item !== "object" || Array.isArray(item)) return { error: "The item must be a JSON object." };
      return { item };
    } catch (err) {
      if (err instanceof ConversionError || err instanceof JsonSyntaxError || err instanceof SyntaxError) return { error: `Invalid ${format === "plain" ? "plain JSON" : "JSON"}: ${err.message}` };
      throw err;
    }
  }

  async function saveItem() {
    const table = state.selected;
    if (!table) return;
    const got = currentItem();
    if ("error" in got) {
      showEditorError(got.error);
      return;
    }
    save.disabled = true;
    const outcome = await state.send("PutItem", { TableName: table, Item: got.item, ReturnConsumedCapacity: "TOTAL" });
    save.disabled = false;
    if (!outcome.ok) {
      showEditorError(`${outcome.error.name}: ${outcome.error.message}`);
      return;
    }
    const newKey = keyOf(got.item);
    const moved = originalKey && JSON.stringify(newKey) !== JSON.stringify(originalKey);
    editorResult.textContent = moved
      ? "Saved as a new item: the key changed, so PutItem wrote another item and the original is unchanged."
      : `Saved item (PutItem${outcome.response.ConsumedCapacity ? `, ${capacityText(outcome.response.ConsumedCapacity)}` : ""}).`;
    editorSection.hidden = true;
    await load();
  }

  async function deleteItem() {
    const table = state.selected;
    if (!table || !originalKey) return;
    const ok = await confirmDialog({ title: "Delete this item?", body: `DeleteItem removes the item with key ${JSON.stringify(originalKey)} from ${table}.`, confirm: "Delete item", danger: true });
    if (!ok) return;
    const outcome = await state.send("DeleteItem", { TableName: table, Key: originalKey });
    if (!outcome.ok) {
      showEditorError(`${outcome.error.name}: ${outcome.error.message}`);
      return;
    }
    editorSection.hidden = true;
    editorResult.textContent = "Deleted the item.";
    await load();
  }

  save.addEventListener("click", () => saveItem());
  del.addEventListener("click", () => deleteItem());
  close.addEventListener("click", () => {
    editorSection.hidden = true;
    addButton.focus();
  });
  addButton.addEventListener("click", () => openEditor(null, false));

  function render() {
    const table = state.selected;
    noTable.hidden = Boolean(table);
    body.hidden = !table;
    if (!table) return;
    title.textContent = `Items in ${table}`;
    pages = [undefined];
    page = 0;
    const d = state.descriptions.get(table);
    const names = [...(d?.GlobalSecondaryIndexes ?? []).map((ix: any) => ["GSI", ix.IndexName]), ...(d?.LocalSecondaryIndexes ?? []).map((ix: any) => ["LSI", ix.IndexName])];
    const keep = names.some(([, n]) => n === indexPick.value) ? indexPick.value : "";
    indexPick.replaceChildren(h("option", { value: "" }, `the table ${table}`), ...names.map(([kind, n]) => h("option", { value: n, selected: n === keep }, `${kind} ${n}`)));
    indexPick.value = keep;
    indexField.hidden = names.length === 0;
    editorSection.hidden = true;
    editorResult.textContent = "";
    renderKeyForm();
    queryBuilder.render();
    load();
  }
  indexPick.addEventListener("change", () => {
    pages = [undefined];
    page = 0;
    load();
  });
  state.addEventListener("selected", render);
  state.addEventListener("session", render);
  render();
  return root;
}
