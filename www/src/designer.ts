// The table designer: create a table from a form (with a live preview of the CreateTable
// request as JSON, AWS CLI and SDK v3 code), with its LSIs and GSIs (rows from indexes.ts);
// update a picked table's billing, capacity, deletion protection and class (UpdateTable),
// list its indexes (LSIs read-only), add a GSI (previewed), change a provisioned GSI's
// capacity (previewed) or delete one (confirmed), and
// delete the table (DeleteTable, confirmed). Both modes set the table's stream
// (StreamSpecification; a new view type is two UpdateTables, disable then enable, both
// previewed) and time to live (UpdateTimeToLive, previewed on its own); the edit mode also
// shows the table's backups and point-in-time recovery (backups.ts).
// The engine validates: its errors are placed next to the field whose parameter they name.
import { createBackupsSection } from "./backups";
import { prettyJson, toCli, toSdk } from "./codegen";
import { confirmDialog, copyButton, h, uid } from "./dom";
import { DESIGNER_FIELDS, type FieldMatchers, mapErrorToFields } from "./fielderrors";
import { attributeDefinitions, createGsiRequest, createIndexRow, describeIndex, indexKeys, indexMatcher, indexParameters, type IndexRow, LSI_LOCKED, updateGsiCapacityRequest } from "./indexes";
import type { AppState } from "./state";
import { createStreamFields, createTtlFields, describedStream, streamSteps, timeToLiveRequest, type TtlFields } from "./streamttl";

type Billing = "PAY_PER_REQUEST" | "PROVISIONED";
const KEY_TYPES = [
  ["S", "String"],
  ["N", "Number"],
  ["B", "Binary"],
] as const;
const TABLE_CLASSES = [
  ["STANDARD", "Standard"],
  ["STANDARD_INFREQUENT_ACCESS", "Standard-IA (infrequent access)"],
] as const;

/** A labelled form field with a place for its inline error. */
interface Field {
  wrapper: HTMLElement;
  error: HTMLElement;
  controls: HTMLElement[];
}

class FieldErrors {
  private fields = new Map<string, Field>();
  constructor(private general: HTMLElement) {}

  add(name: string, wrapper: HTMLElement, controls: HTMLElement[]) {
    const error = h("p", { class: "field-error", id: uid(`err-${name}`), "data-testid": `field-error-${name}`, hidden: true });
    wrapper.append(error);
    this.fields.set(name, { wrapper, error, controls });
  }

  clear() {
    for (const f of this.fields.values()) {
      f.error.hidden = true;
      f.error.textContent = "";
      for (const c of f.controls) {
        c.removeAttribute("aria-invalid");
        const described = (c.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id && id !== f.error.id);
        if (described.length) c.setAttribute("aria-describedby", described.join(" "));
        else c.removeAttribute("aria-describedby");
      }
    }
    this.general.hidden = true;
    this.general.replaceChildren();
  }

  remove(name: string) {
    this.fields.get(name)?.error.remove();
    this.fields.delete(name);
  }

  /** Shows an engine error: each part next to its field, the rest in the general box. */
  show(name: string, message: string, matchers: FieldMatchers = DESIGNER_FIELDS) {
    this.clear();
    let first: HTMLElement | null = null;
    for (const [field, parts] of mapErrorToFields(message, matchers)) {
      const f = this.fields.get(field);
      if (!f || f.wrapper.closest("[hidden]")) {
        this.general.hidden = false;
        this.general.append(h("strong", {}, name), " ", parts.join(" "));
        continue;
      }
      f.error.textContent = `${name}: ${parts.join(" ")}`;
      f.error.hidden = false;
      for (const c of f.controls) {
        c.setAttribute("aria-invalid", "true");
        c.setAttribute("aria-describedby", `${c.getAttribute("aria-describedby") ?? ""} ${f.error.id}`.trim());
      }
      first ??= f.controls[0] ?? null;
    }
    first?.focus();
  }
}

/** The JSON / AWS CLI / SDK v3 preview of a request, with a Copy button. */
function createPreview(testId: string, get: () => { operation: string; request: Record<string, unknown> }) {
  const formats = [
    ["json", "JSON"],
    ["cli", "AWS CLI"],
    ["sdk", "SDK for JavaScript v3"],
  ] as const;
  let format: (typeof formats)[number][0] = "json";
  const code = h("pre", { class: "dp-code", tabindex: 0, "data-testid": testId, "aria-live": "off" });
  const copied = h("span", { class: "hint", role: "status" });
  const buttons = formats.map(([id, label]) => {
    const b = h("button", { type: "button", class: "dp-seg", "aria-pressed": String(id === format), "data-format": id, "data-testid": `${testId}-${id}` }, label);
    b.addEventListener("click", () => {
      format = id;
      for (const x of buttons) x.setAttribute("aria-pressed", String(x === b));
      update();
    });
    return b;
  });
  const copy = h("button", { type: "button", class: "small secondary" }, "Copy");
  const element = h("section", { class: "dp-preview", "aria-label": "Request preview" },
    h("div", { class: "dp-preview-head" }, h("div", { class: "dp-segmented", role: "group", "aria-label": "Preview format" }, ...buttons), copyButton(() => code.textContent ?? "")),
    code,
  );
  function update() {
    const { operation, request } = get();
    code.textContent = format === "json" ? prettyJson(request) : format === "cli" ? toCli(operation, request) : toSdk(operation, request);
  }
  return { element, update };
}

function labelled(label: string, control: HTMLElement, hint?: string) {
  control.id ||= uid("f");
  const hintEl = hint ? h("p", { class: "hint", id: uid("hint") }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control, hintEl);
}

function select(options: readonly (readonly [string, string])[], value: string, testId: string) {
  return h("select", { "data-testid": testId }, ...options.map(([v, l]) => h("option", { value: v, selected: v === value }, l)));
}

export function createDesigner(state: AppState): HTMLElement {
  const root = h("div", { class: "dp-designer" });

  // ---------------------------------------------------------------------------------
  // Create mode

  const name = h("input", { type: "text", autocomplete: "off", spellcheck: "false", "data-testid": "designer-table-name", required: true, value: "Music" });
  const pkName = h("input", { type: "text", autocomplete: "off", spellcheck: "false", "data-testid": "designer-pk-name", value: "Artist" });
  const pkType = select(KEY_TYPES, "S", "designer-pk-type");
  const hasSort = h("input", { type: "checkbox", id: uid("has-sort"), "data-testid": "designer-has-sort", checked: true });
  const skName = h("input", { type: "text", autocomplete: "off", spellcheck: "false", "data-testid": "designer-sk-name", value: "SongTitle" });
  const skType = select(KEY_TYPES, "S", "designer-sk-type");
  const billingGroup = (prefix: string, value: Billing) => {
    const groupName = uid(prefix);
    const radio = (v: Billing, label: string, hint: string) => {
      const input = h("input", { type: "radio", name: groupName, value: v, id: uid("bill"), checked: v === value, "data-testid": `${prefix}-${v}` });
      return h("div", { class: "dp-radio" }, input, h("label", { for: input.id }, label, h("span", { class: "hint" }, ` ${hint}`)));
    };
    const fieldset = h("fieldset", { class: "field", "data-testid": `${prefix}-billing` },
      h("legend", {}, "Capacity mode"),
      radio("PAY_PER_REQUEST", "On-demand", "(PAY_PER_REQUEST: pay per request, no capacity to plan)"),
      radio("PROVISIONED", "Provisioned", "(PROVISIONED: read and write capacity units per second)"),
    );
    const value_ = () => (fieldset.querySelector<HTMLInputElement>("input:checked")?.value as Billing) ?? "PAY_PER_REQUEST";
    return { fieldset, value: value_, radios: [...fieldset.querySelectorAll("input")] as HTMLElement[] };
  };
  const billing = billingGroup("create", "PAY_PER_REQUEST");
  const rcu = h("input", { type: "number", min: 1, step: 1, inputmode: "numeric", value: "5", "data-testid": "designer-rcu" });
  const wcu = h("input", { type: "number", min: 1, step: 1, inputmode: "numeric", value: "5", "data-testid": "designer-wcu" });
  const tableClass = select(TABLE_CLASSES, "STANDARD", "designer-table-class");
  const protection = h("input", { type: "checkbox", id: uid("protect"), "data-testid": "designer-deletion-protection" });
  const tagRows = h("div", { class: "dp-tags", "data-testid": "designer-tags" });
  const addTag = h("button", { type: "button", class: "small secondary", "data-testid": "designer-add-tag" }, "Add tag");
  const general = h("div", { class: "error", role: "alert", hidden: true, "data-testid": "designer-error" });
  const result = h("p", { class: "hint ok", role: "status", "data-testid": "designer-result" });
  const createButton = h("button", { type: "submit", "data-testid": "designer-create" }, "Create table");
  const errors = new FieldErrors(general);
  const streamFields = createStreamFields("designer");
  const ttlFields = createTtlFields("designer");

  function addTagRow(key = "", value = "") {
    const k = h("input", { type: "text", value: key, "aria-label": "Tag key", autocomplete: "off", "data-testid": "tag-key" });
    const v = h("input", { type: "text", value, "aria-label": "Tag value", autocomplete: "off", "data-testid": "tag-value" });
    const remove = h("button", { type: "button", class: "small secondary", "aria-label": "Remove this tag" }, "Remove");
    const row = h("div", { class: "dp-row dp-tag-row" }, k, v, remove);
    remove.addEventListener("click", () => {
      row.remove();
      preview.update();
    });
    tagRows.append(row);
    return k;
  }
  addTag.addEventListener("click", () => addTagRow().focus());

  // Secondary indexes declared at creation: each row is one LSI or GSI.
  const indexRows: { row: IndexRow; field: string }[] = [];
  let indexCounter = 0;
  const lsiRows = h("div", { class: "dp-index-list", "data-testid": "designer-lsis" });
  const gsiRows = h("div", { class: "dp-index-list", "data-testid": "designer-gsis" });
  const addLsi = h("button", { type: "button", class: "small secondary", "data-testid": "designer-add-lsi" }, "Add local secondary index");
  const addGsi = h("button", { type: "button", class: "small secondary", "data-testid": "designer-add-gsi" }, "Add global secondary index");
  function addIndexRow(kind: "lsi" | "gsi") {
    const n = indexRows.filter((r) => r.row.kind === kind).length + 1;
    const field = `index-${++indexCounter}`;
    const row = createIndexRow(kind, n, () => {
      indexRows.splice(indexRows.findIndex((r) => r.field === field), 1);
      errors.remove(field);
      syncCreate();
    });
    indexRows.push({ row, field });
    errors.add(field, row.element, [row.nameInput]);
    (kind === "lsi" ? lsiRows : gsiRows).append(row.element);
    syncCreate();
    row.nameInput.focus();
    row.nameInput.select();
  }
  addLsi.addEventListener("click", () => addIndexRow("lsi"));
  addGsi.addEventListener("click", () => addIndexRow("gsi"));
  /** The create form's matchers: each index row first (by name or member path), then the rest. */
  function createMatchers(): FieldMatchers {
    const m: FieldMatchers = {};
    for (const kind of ["lsi", "gsi"] as const) {
      indexRows.filter((r) => r.row.kind === kind).forEach((r, i) => (m[r.field] = indexMatcher(kind, i + 1, r.row.nameInput.value)));
    }
    m.lsis = /localSecondaryIndex|LocalSecondaryIndex/;
    m.gsis = /globalSecondaryIndex|GlobalSecondaryIndex/;
    return { ...m, ...DESIGNER_FIELDS };
  }

  const capacityNum = (input: HTMLInputElement) => {
    const text = input.value.trim();
    return /^-?\d+$/.test(text) ? Number(text) : text;
  };

  function createRequest(): Record<string, unknown> {
    const keys = [{ name: pkName.value, type: pkType.value, keyType: "HASH" }];
    if (hasSort.checked) keys.push({ name: skName.value, type: skType.value, keyType: "RANGE" });
    const specs = indexRows.map((r) => r.row.spec());
    const request: Record<string, unknown> = {
      TableName: name.value,
      AttributeDefinitions: attributeDefinitions([...keys, ...specs.flatMap(indexKeys)]),
      KeySchema: keys.map((k) => ({ AttributeName: k.name, KeyType: k.keyType })),
      ...indexParameters(specs),
      BillingMode: billing.value(),
    };
    if (billing.value() === "PROVISIONED") request.ProvisionedThroughput = { ReadCapacityUnits: capacityNum(rcu), WriteCapacityUnits: capacityNum(wcu) };
    if (tableClass.value !== "STANDARD") request.TableClass = tableClass.value;
    if (protection.checked) request.DeletionProtectionEnabled = true;
    const tags = [...tagRows.querySelectorAll(".dp-tag-row")].map((row) => {
      const [k, v] = row.querySelectorAll("input");
      return { Key: k!.value, Value: v!.value };
    });
    if (tags.length) request.Tags = tags;
    const stream = streamFields.value();
    if (stream.enabled) request.StreamSpecification = { StreamEnabled: true, StreamViewType: stream.viewType };
    return request;
  }

  const preview = createPreview("designer-preview", () => ({ operation: "CreateTable", request: createRequest() }));
  const ttlPreview = createPreview("designer-ttl-preview", () => ({ operation: "UpdateTimeToLive", request: timeToLiveRequest(name.value, ttlFields.value()) }));
  const ttlPreviewBox = h("div", { hidden: true }, h("h3", {}, "Then UpdateTimeToLive"), ttlPreview.element);
  const capacityFields = h("div", { class: "dp-row dp-capacity" },
    labelled("Read capacity units", rcu),
    labelled("Write capacity units", wcu),
  );
  const sortFields = h("div", { class: "dp-row" }, labelled("Sort key", skName), labelled("Type", skType));
  const nameField = labelled("Table name", name, "3 to 255 characters: letters, digits, _ . -");
  const pkField = h("div", { class: "dp-row" }, labelled("Partition key", pkName), labelled("Type", pkType));
  const sortToggle = h("div", { class: "dp-check" }, hasSort, h("label", { for: hasSort.id }, "Add a sort key (composite primary key)"));
  const sortWrap = h("div", { class: "field-group" }, sortToggle, sortFields);
  const classField = labelled("Table class", tableClass);
  const protectField = h("div", { class: "dp-check" }, protection, h("label", { for: protection.id }, "Deletion protection (DeleteTable is refused while it is on)"));
  const tagsField = h("fieldset", { class: "field" }, h("legend", {}, "Tags"), tagRows, addTag);
  errors.add("tableName", nameField, [name]);
  errors.add("partitionKey", pkField, [pkName, pkType]);
  errors.add("sortKey", sortWrap, [skName, skType]);
  errors.add("billingMode", billing.fieldset, billing.radios);
  errors.add("readCapacity", capacityFields.children[0] as HTMLElement, [rcu]);
  errors.add("writeCapacity", capacityFields.children[1] as HTMLElement, [wcu]);
  errors.add("tableClass", classField, [tableClass]);
  errors.add("deletionProtection", protectField, [protection]);
  errors.add("tags", tagsField, []);
  errors.add("stream", streamFields.element, []);
  errors.add("timeToLive", ttlFields.element, [ttlFields.attributeInput]);
  const lsiSection = h("div", { class: "field-group", "data-testid": "designer-lsi-section" },
    h("h4", {}, "Local secondary indexes ", h("span", { class: "hint" }, "(up to 5, only at creation)")),
    h("p", { class: "hint", "data-testid": "designer-lsi-locked" }, LSI_LOCKED),
    lsiRows,
    addLsi,
  );
  const gsiSection = h("div", { class: "field-group", "data-testid": "designer-gsi-section" },
    h("h4", {}, "Global secondary indexes ", h("span", { class: "hint" }, "(up to 20)")),
    h("p", { class: "hint" }, "A GSI has its own partition key and optional sort key. Unlike an LSI it can be added or deleted at any time (in the table's settings once it exists); a new one backfills from the table's items."),
    gsiRows,
    addGsi,
  );
  errors.add("lsis", lsiSection, []);
  errors.add("gsis", gsiSection, []);

  const createForm = h("form", { class: "dp-form", "aria-label": "New table", novalidate: true, "data-testid": "designer-form" },
    h("fieldset", { class: "field-set" }, h("legend", {}, "Table and primary key"), nameField, pkField, sortWrap),
    h("fieldset", { class: "field-set", "data-testid": "designer-indexes" }, h("legend", {}, "Secondary indexes"), lsiSection, gsiSection),
    h("fieldset", { class: "field-set" }, h("legend", {}, "Capacity and settings"), billing.fieldset, capacityFields, classField, protectField),
    h("fieldset", { class: "field-set" }, h("legend", {}, "Streams and time to live"), streamFields.element, ttlFields.element),
    tagsField,
    general,
    h("div", { class: "actions" }, createButton),
    result,
  );
  const createView = h("div", { class: "dp-designer-grid" },
    h("div", {}, h("h2", { class: "panel-title" }, "New table"), createForm, ),
    h("div", { class: "dp-sticky" }, h("h3", {}, "CreateTable request"), preview.element, ttlPreviewBox),
  );

  function syncCreate() {
    capacityFields.hidden = billing.value() !== "PROVISIONED";
    sortFields.hidden = !hasSort.checked;
    for (const { row } of indexRows) {
      row.setProvisioned(billing.value() === "PROVISIONED");
      row.setTablePartitionKey({ name: pkName.value, type: pkType.value });
    }
    addLsi.disabled = indexRows.filter((r) => r.row.kind === "lsi").length >= 5;
    addGsi.disabled = indexRows.filter((r) => r.row.kind === "gsi").length >= 20;
    preview.update();
    ttlPreviewBox.hidden = !ttlFields.value().enabled;
    ttlPreview.update();
  }
  createForm.addEventListener("input", syncCreate);
  createForm.addEventListener("change", syncCreate);
  createForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    errors.clear();
    result.textContent = "";
    createButton.disabled = true;
    const request = createRequest();
    const outcome = await state.send("CreateTable", request);
    createButton.disabled = false;
    if (!outcome.ok) {
      errors.show(outcome.error.name, outcome.error.message, createMatchers());
      return;
    }
    if (ttlFields.value().enabled) {
      const ttl = await state.send("UpdateTimeToLive", timeToLiveRequest(String(request.TableName), ttlFields.value()));
      if (!ttl.ok) errors.show(ttl.error.name, `The table was created, but time to live was not enabled: ${ttl.error.message}`, { timeToLive: /[\s\S]/ });
      if (!ttl.ok) return;
    }
    await state.select(String(request.TableName));
    // The edit view now shows the new table; say so there.
    editResult.textContent = `Created table ${request.TableName}.`;
  });

  // ---------------------------------------------------------------------------------
  // Edit mode: the picked table

  const editTitle = h("h2", { class: "panel-title", "data-testid": "designer-edit-title" });
  const summary = h("dl", { class: "dp-summary", "data-testid": "designer-summary" });
  const editBilling = billingGroup("edit", "PAY_PER_REQUEST");
  const editRcu = h("input", { type: "number", min: 1, step: 1, inputmode: "numeric", "data-testid": "edit-rcu" });
  const editWcu = h("input", { type: "number", min: 1, step: 1, inputmode: "numeric", "data-testid": "edit-wcu" });
  const editClass = select(TABLE_CLASSES, "STANDARD", "edit-table-class");
  const editProtection = h("input", { type: "checkbox", id: uid("edit-protect"), "data-testid": "edit-deletion-protection" });
  const editGeneral = h("div", { class: "error", role: "alert", hidden: true, "data-testid": "edit-error" });
  const editResult = h("p", { class: "hint ok", role: "status", "data-testid": "edit-result" });
  const applyButton = h("button", { type: "submit", "data-testid": "edit-apply" }, "Apply changes");
  const deleteButton = h("button", { type: "button", class: "danger", "data-testid": "edit-delete" }, "Delete table…");
  const newButton = h("button", { type: "button", class: "secondary", "data-testid": "designer-new" }, "New table");
  const editErrors = new FieldErrors(editGeneral);
  const editStream = createStreamFields("edit");
  editErrors.add("stream", editStream.element, []);
  const editCapacity = h("div", { class: "dp-row dp-capacity" }, labelled("Read capacity units", editRcu), labelled("Write capacity units", editWcu));
  const editClassField = labelled("Table class", editClass);
  const editProtectField = h("div", { class: "dp-check" }, editProtection, h("label", { for: editProtection.id }, "Deletion protection"));
  editErrors.add("billingMode", editBilling.fieldset, editBilling.radios);
  editErrors.add("readCapacity", editCapacity.children[0] as HTMLElement, [editRcu]);
  editErrors.add("writeCapacity", editCapacity.children[1] as HTMLElement, [editWcu]);
  editErrors.add("tableClass", editClassField, [editClass]);
  editErrors.add("deletionProtection", editProtectField, [editProtection]);
  const noChange = h("p", { class: "hint", "data-testid": "edit-no-change" }, "Change a setting to see the UpdateTable request.");
  let described: any = null;

  const currentBilling = (d: any): Billing => d?.BillingModeSummary?.BillingMode ?? "PROVISIONED";

  /** The settings' UpdateTable, then (for a new stream view type) the one that enables the stream again. */
  function updateRequests(): Record<string, unknown>[] {
    const [first, then] = streamSteps(describedStream(described), editStream.value());
    const settings = updateRequest();
    if (first) settings.StreamSpecification = first;
    return then ? [settings, { TableName: settings.TableName, StreamSpecification: then }] : [settings];
  }

  /** The UpdateTable of the settings form, the stream's first step included. */
  function updateRequest(): Record<string, unknown> {
    const d = described;
    const request: Record<string, unknown> = { TableName: d?.TableName ?? "" };
    const mode = editBilling.value();
    if (mode !== currentBilling(d)) request.BillingMode = mode;
    if (mode === "PROVISIONED") {
      const r = capacityNum(editRcu);
      const w = capacityNum(editWcu);
      if (mode !== currentBilling(d) || r !== d?.ProvisionedThroughput?.ReadCapacityUnits || w !== d?.ProvisionedThroughput?.WriteCapacityUnits) {
        request.ProvisionedThroughput = { ReadCapacityUnits: r, WriteCapacityUnits: w };
      }
    }
    const cls = d?.TableClassSummary?.TableClass ?? "STANDARD";
    if (editClass.value !== cls) request.TableClass = editClass.value;
    if (editProtection.checked !== Boolean(d?.DeletionProtectionEnabled)) request.DeletionProtectionEnabled = editProtection.checked;
    return request;
  }
  const editPreview = createPreview("edit-preview", () => ({ operation: "UpdateTable", request: updateRequests()[0]! }));
  const thenPreview = createPreview("edit-preview-then", () => ({ operation: "UpdateTable", request: updateRequests()[1] ?? {} }));
  const thenBox = h("div", { hidden: true, "data-testid": "edit-stream-two-steps" },
    h("p", { class: "notice", "data-testid": "edit-stream-explain" }, "DynamoDB cannot change the view type of an enabled stream (it answers \"Table already has an enabled stream\"). Apply sends two UpdateTable requests: the first disables the stream, the second enables a new one with the new view type once the table is ACTIVE again. The new stream has a new ARN and starts empty; the old one stays readable for 24 hours."),
    h("h3", {}, "Then UpdateTable"),
    thenPreview.element);

  function syncEdit() {
    editCapacity.hidden = editBilling.value() !== "PROVISIONED";
    const requests = updateRequests();
    const changed = Object.keys(requests[0]!).length > 1;
    applyButton.disabled = !changed;
    noChange.hidden = changed;
    thenBox.hidden = requests.length < 2;
    editPreview.update();
    thenPreview.update();
  }

  /** Waits (up to 10 s) until TABLE is ACTIVE again after an UpdateTable. */
  async function untilActive(table: string) {
    for (let tries = 0; tries < 50; tries++) {
      const d = await state.describe(table);
      if (!d || d.TableStatus === "ACTIVE") return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const editForm = h("form", { class: "dp-form", "aria-label": "Table settings", novalidate: true, "data-testid": "edit-form" },
    h("fieldset", { class: "field-set" }, h("legend", {}, "Settings you can change"), editBilling.fieldset, editCapacity, editClassField, editProtectField, editStream.element),
    editGeneral,
    h("div", { class: "actions" }, applyButton, deleteButton),
    editResult,
  );
  // Indexes of the picked table: LSIs read-only, GSIs listed with their status, added
  // (UpdateTable GlobalSecondaryIndexUpdates Create, previewed) and deleted (confirmed).
  const lsiList = h("div", { "data-testid": "edit-lsis" });
  const gsiList = h("div", { "data-testid": "edit-gsis" });
  const gsiListError = h("div", { class: "error", role: "alert", hidden: true, "data-testid": "edit-gsi-error" });
  const gsiResult = h("p", { class: "hint ok", role: "status", "data-testid": "edit-gsi-result" });
  const addGsiOpen = h("button", { type: "button", class: "small secondary", "data-testid": "edit-add-gsi" }, "Add global secondary index");
  const newGsiHost = h("div", {});
  const newGsiGeneral = h("div", { class: "error", role: "alert", hidden: true, "data-testid": "new-gsi-error" });
  const newGsiCreate = h("button", { type: "submit", "data-testid": "new-gsi-create" }, "Create index");
  const newGsiCancel = h("button", { type: "button", class: "secondary", "data-testid": "new-gsi-cancel" }, "Cancel");
  const newGsiErrors = new FieldErrors(newGsiGeneral);
  let newGsi: IndexRow | null = null;
  const newGsiRequest = () => createGsiRequest(described?.TableName ?? "", newGsi!.spec());
  const newGsiPreview = createPreview("new-gsi-preview", () => ({ operation: "UpdateTable", request: newGsi ? newGsiRequest() : {} }));
  const newGsiForm = h("form", { class: "dp-form dp-new-gsi", "aria-label": "New global secondary index", novalidate: true, hidden: true, "data-testid": "new-gsi-form" },
    h("h4", {}, "New global secondary index"),
    newGsiHost,
    newGsiGeneral,
    h("h4", {}, "UpdateTable request that adds it"),
    newGsiPreview.element,
    h("div", { class: "actions" }, newGsiCreate, newGsiCancel),
  );
  // A provisioned GSI's own units: UpdateTable GlobalSecondaryIndexUpdates Update, previewed.
  const gsiRcu = h("input", { type: "number", min: 1, step: 1, inputmode: "numeric", "data-testid": "gsi-capacity-rcu" });
  const gsiWcu = h("input", { type: "number", min: 1, step: 1, inputmode: "numeric", "data-testid": "gsi-capacity-wcu" });
  const gsiCapacityTitle = h("h4", {});
  const gsiCapacityGeneral = h("div", { class: "error", role: "alert", hidden: true, "data-testid": "gsi-capacity-error" });
  const gsiCapacityErrors = new FieldErrors(gsiCapacityGeneral);
  const gsiCapacityFields = h("div", { class: "dp-row dp-capacity" }, labelled("Read capacity units", gsiRcu), labelled("Write capacity units", gsiWcu));
  gsiCapacityErrors.add("readCapacity", gsiCapacityFields.children[0] as HTMLElement, [gsiRcu]);
  gsiCapacityErrors.add("writeCapacity", gsiCapacityFields.children[1] as HTMLElement, [gsiWcu]);
  let gsiCapacityIndex = "";
  const gsiCapacityRequest = () => updateGsiCapacityRequest(described?.TableName ?? "", gsiCapacityIndex, capacityNum(gsiRcu), capacityNum(gsiWcu));
  const gsiCapacityPreview = createPreview("gsi-capacity-preview", () => ({ operation: "UpdateTable", request: gsiCapacityRequest() }));
  const gsiCapacityApply = h("button", { type: "submit", "data-testid": "gsi-capacity-apply" }, "Update capacity");
  const gsiCapacityCancel = h("button", { type: "button", class: "secondary", "data-testid": "gsi-capacity-cancel" }, "Cancel");
  const gsiCapacityForm = h("form", { class: "dp-form dp-new-gsi", "aria-label": "Index capacity", novalidate: true, hidden: true, "data-testid": "gsi-capacity-form" },
    gsiCapacityTitle,
    h("p", { class: "hint" }, "A global secondary index of a provisioned table has read and write units of its own. Every table write that changes the index's items also spends the index's write units: an index short of them throttles the table's writes."),
    gsiCapacityFields,
    gsiCapacityGeneral,
    h("h4", {}, "UpdateTable request"),
    gsiCapacityPreview.element,
    h("div", { class: "actions" }, gsiCapacityApply, gsiCapacityCancel),
  );
  const closeGsiCapacity = () => {
    gsiCapacityForm.hidden = true;
    gsiCapacityErrors.clear();
  };
  function openGsiCapacity(index: any) {
    gsiCapacityIndex = String(index.IndexName);
    gsiCapacityTitle.textContent = `Capacity of index ${gsiCapacityIndex}`;
    gsiRcu.value = String(index.ProvisionedThroughput?.ReadCapacityUnits ?? 1);
    gsiWcu.value = String(index.ProvisionedThroughput?.WriteCapacityUnits ?? 1);
    gsiCapacityErrors.clear();
    gsiCapacityForm.hidden = false;
    gsiResult.textContent = "";
    gsiCapacityPreview.update();
    gsiRcu.focus();
  }
  gsiCapacityCancel.addEventListener("click", closeGsiCapacity);
  gsiCapacityForm.addEventListener("input", () => gsiCapacityPreview.update());
  gsiCapacityForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const request = gsiCapacityRequest();
    gsiCapacityApply.disabled = true;
    const outcome = await state.send("UpdateTable", request);
    gsiCapacityApply.disabled = false;
    if (!outcome.ok) return gsiCapacityErrors.show(outcome.error.name, outcome.error.message, { readCapacity: /readCapacityUnits|ReadCapacityUnits/, writeCapacity: /writeCapacityUnits|WriteCapacityUnits/ });
    const index = gsiCapacityIndex;
    closeGsiCapacity();
    await state.select(String(request.TableName));
    gsiResult.textContent = `Index ${index} now has ${gsiRcu.value} RCU and ${gsiWcu.value} WCU.`;
  });

  const indexesView = h("section", { class: "dp-edit-indexes", "aria-label": "Secondary indexes", "data-testid": "edit-indexes" },
    h("h3", {}, "Global secondary indexes"),
    gsiList,
    gsiListError,
    gsiResult,
    addGsiOpen,
    newGsiForm,
    gsiCapacityForm,
    h("h3", {}, "Local secondary indexes ", h("span", { class: "hint" }, "(locked)")),
    lsiList,
    h("p", { class: "hint", "data-testid": "edit-lsi-locked" }, LSI_LOCKED),
  );

  function closeNewGsi() {
    newGsiForm.hidden = true;
    addGsiOpen.hidden = false;
    newGsiErrors.clear();
    if (newGsi) newGsiErrors.remove("newGsi");
    newGsi = null;
    newGsiHost.replaceChildren();
  }
  addGsiOpen.addEventListener("click", () => {
    const existing = described?.GlobalSecondaryIndexes?.length ?? 0;
    newGsi = createIndexRow("gsi", existing + 1, null);
    newGsi.setProvisioned(currentBilling(described) === "PROVISIONED");
    newGsiHost.replaceChildren(newGsi.element);
    newGsiErrors.add("newGsi", newGsi.element, newGsi.controls);
    newGsiForm.hidden = false;
    addGsiOpen.hidden = true;
    gsiResult.textContent = "";
    newGsiPreview.update();
    newGsi.nameInput.focus();
  });
  newGsiCancel.addEventListener("click", closeNewGsi);
  newGsiForm.addEventListener("input", () => newGsiPreview.update());
  newGsiForm.addEventListener("change", () => newGsiPreview.update());
  newGsiForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!newGsi) return;
    newGsiErrors.clear();
    const request = newGsiRequest();
    const indexName = newGsi.nameInput.value;
    newGsiCreate.disabled = true;
    const outcome = await state.send<{ TableDescription?: any }>("UpdateTable", request);
    newGsiCreate.disabled = false;
    if (!outcome.ok) {
      newGsiErrors.show(outcome.error.name, outcome.error.message, { newGsi: /[\s\S]/ });
      return;
    }
    const answered = outcome.response.TableDescription?.GlobalSecondaryIndexes?.find((g: any) => g.IndexName === indexName);
    closeNewGsi();
    await state.select(String(request.TableName));
    const now = state.descriptions.get(String(request.TableName))?.GlobalSecondaryIndexes?.find((g: any) => g.IndexName === indexName);
    gsiResult.textContent = `Created index ${indexName}: UpdateTable answered ${answered?.IndexStatus ?? "?"}${answered?.Backfilling ? " (backfilling)" : ""}; DescribeTable now shows ${now?.IndexStatus ?? "?"}.`;
  });

  async function deleteGsi(indexName: string) {
    const tableName = described?.TableName;
    if (!tableName) return;
    const ok = await confirmDialog({
      title: `Delete index ${indexName}?`,
      body: `UpdateTable removes the global secondary index ${indexName} from ${tableName}. The table's items stay; queries that name the index fail from then on.`,
      confirm: "Delete index",
      danger: true,
    });
    if (!ok) return;
    gsiListError.hidden = true;
    gsiResult.textContent = "";
    const outcome = await state.send("UpdateTable", { TableName: tableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: indexName } }] });
    if (!outcome.ok) {
      gsiListError.hidden = false;
      gsiListError.replaceChildren(h("strong", {}, outcome.error.name), " ", outcome.error.message);
      return;
    }
    await state.select(tableName);
    gsiResult.textContent = `Deleted index ${indexName}.`;
  }

  function indexTable(kind: "lsi" | "gsi", list: any[], types: (n: string) => string) {
    const provisioned = kind === "gsi" && currentBilling(described) === "PROVISIONED";
    const head = kind === "gsi" ? ["Name", "Keys", "Projection", "Status", "Backfill", "Items", ...(provisioned ? ["RCU / WCU"] : []), ""] : ["Name", "Keys", "Projection", "Items", "Size"];
    return h("div", { class: "dp-table-scroll" }, h("table", { class: "dp-index-table", "data-testid": `edit-${kind}-table` },
      h("thead", {}, h("tr", {}, ...head.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, ...list.map((ix) => {
        const { keys, projection } = describeIndex(ix, types);
        const cells = kind === "gsi"
          ? [ix.IndexName, keys, projection, ix.IndexStatus ?? "", ix.Backfilling ? "yes" : "no", String(ix.ItemCount ?? 0), ...(provisioned ? [`${ix.ProvisionedThroughput?.ReadCapacityUnits ?? "?"} / ${ix.ProvisionedThroughput?.WriteCapacityUnits ?? "?"}`] : [])]
          : [ix.IndexName, keys, projection, String(ix.ItemCount ?? 0), `${ix.IndexSizeBytes ?? 0} B`];
        const row = h("tr", { "data-index": ix.IndexName, title: `${ix.IndexName}: ${ix.ItemCount ?? 0} items, ${ix.IndexSizeBytes ?? 0} bytes` }, ...cells.map((c) => h("td", {}, c)));
        if (kind === "gsi") {
          const del = h("button", { type: "button", class: "small secondary danger-text", "data-testid": "gsi-delete", "aria-label": `Delete index ${ix.IndexName}…` }, "Delete");
          del.addEventListener("click", () => deleteGsi(ix.IndexName));
          const capacity = provisioned ? h("button", { type: "button", class: "small secondary", "data-testid": "gsi-capacity", "aria-label": `Change the capacity of index ${ix.IndexName}` }, "Capacity") : null;
          capacity?.addEventListener("click", () => openGsiCapacity(ix));
          row.append(h("td", { class: "dp-row-actions" }, capacity, " ", del));
        }
        return row;
      })),
    ));
  }

  function fillIndexes(d: any) {
    const types = (n: string) => d.AttributeDefinitions?.find((a: any) => a.AttributeName === n)?.AttributeType ?? "?";
    const gsis: any[] = d.GlobalSecondaryIndexes ?? [];
    const lsis: any[] = d.LocalSecondaryIndexes ?? [];
    gsiList.replaceChildren(gsis.length ? indexTable("gsi", gsis, types) : h("p", { class: "hint" }, "None yet."));
    lsiList.replaceChildren(lsis.length ? indexTable("lsi", lsis, types) : h("p", { class: "hint" }, "None: this table was created without local secondary indexes."));
    addGsiOpen.disabled = gsis.length >= 20;
    if (newGsi) {
      newGsi.setProvisioned(currentBilling(d) === "PROVISIONED");
      newGsiPreview.update();
    }
  }

  // Time to live of the picked table: its own UpdateTimeToLive request, previewed.
  const editTtl: TtlFields = createTtlFields("edit");
  const ttlStatus = h("p", { class: "hint", "data-testid": "edit-ttl-status" });
  const ttlGeneral = h("div", { class: "error", role: "alert", hidden: true, "data-testid": "edit-ttl-error" });
  const ttlResult = h("p", { class: "hint ok", role: "status", "data-testid": "edit-ttl-result" });
  const ttlApply = h("button", { type: "submit", "data-testid": "edit-ttl-apply" }, "Apply time to live");
  const ttlErrors = new FieldErrors(ttlGeneral);
  ttlErrors.add("timeToLive", editTtl.element, [editTtl.attributeInput]);
  const editTtlPreview = createPreview("edit-ttl-preview", () => ({ operation: "UpdateTimeToLive", request: timeToLiveRequest(described?.TableName ?? "", editTtl.value()) }));
  const ttlForm = h("form", { class: "dp-form", "aria-label": "Time to live", novalidate: true, "data-testid": "edit-ttl-form" },
    ttlStatus, editTtl.element, editTtlPreview.element, ttlGeneral, h("div", { class: "actions" }, ttlApply), ttlResult);
  ttlForm.addEventListener("input", () => editTtlPreview.update());
  ttlForm.addEventListener("change", () => editTtlPreview.update());

  /** Shows TABLE's time to live (DescribeTimeToLive) in the form. */
  async function showTtl(table: string) {
    const outcome = await state.send<{ TimeToLiveDescription: { TimeToLiveStatus: string; AttributeName?: string } }>("DescribeTimeToLive", { TableName: table });
    if (!outcome.ok || described?.TableName !== table) return;
    const { TimeToLiveStatus, AttributeName } = outcome.response.TimeToLiveDescription;
    ttlStatus.textContent = `DescribeTimeToLive: ${TimeToLiveStatus}${AttributeName ? ` on ${AttributeName}` : ""}.`;
    editTtl.set({ enabled: TimeToLiveStatus === "ENABLED", attribute: AttributeName ?? editTtl.value().attribute });
    editTtlPreview.update();
  }
  ttlForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const table = described?.TableName;
    if (!table) return;
    ttlErrors.clear();
    ttlResult.textContent = "";
    const outcome = await state.send("UpdateTimeToLive", timeToLiveRequest(table, editTtl.value()));
    if (!outcome.ok) return ttlErrors.show(outcome.error.name, outcome.error.message, { timeToLive: /[\s\S]/ });
    ttlResult.textContent = `Time to live ${editTtl.value().enabled ? "enabled" : "disabled"} on ${table}.`;
    await showTtl(table);
  });

  const backups = createBackupsSection(state);
  const editView = h("div", { class: "dp-designer-grid" },
    h("div", {},
      h("div", { class: "dp-panel-head" }, editTitle, newButton),
      summary,
      editForm,
      h("p", { class: "hint" }, "The table name, key schema and local secondary indexes are fixed once a table exists."),
      indexesView,
      ttlForm,
      backups.element,
    ),
    h("div", { class: "dp-sticky" }, h("h3", {}, "UpdateTable request"), noChange, editPreview.element, thenBox),
  );

  function fillEdit(d: any) {
    described = d;
    editTitle.textContent = `Table ${d.TableName}`;
    const keyType = (name: string) => d.AttributeDefinitions?.find((a: any) => a.AttributeName === name)?.AttributeType ?? "?";
    const keys = (d.KeySchema ?? []).map((k: any) => `${k.AttributeName} (${keyType(k.AttributeName)}, ${k.KeyType === "HASH" ? "partition" : "sort"} key)`);
    const rows: [string, string][] = [
      ["Primary key", keys.join(", ")],
      ["Status", d.TableStatus ?? ""],
      ["Items", String(d.ItemCount ?? 0)],
      ["Size", `${d.TableSizeBytes ?? 0} bytes`],
      ["Created", d.CreationDateTime ? new Date(d.CreationDateTime * 1000).toLocaleString() : ""],
      ["ARN", d.TableArn ?? ""],
    ];
    summary.replaceChildren(...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
    const mode = currentBilling(d);
    for (const r of editBilling.radios as HTMLInputElement[]) r.checked = r.value === mode;
    editRcu.value = String(d.ProvisionedThroughput?.ReadCapacityUnits || 5);
    editWcu.value = String(d.ProvisionedThroughput?.WriteCapacityUnits || 5);
    editClass.value = d.TableClassSummary?.TableClass ?? "STANDARD";
    editProtection.checked = Boolean(d.DeletionProtectionEnabled);
    editStream.set(describedStream(d));
    fillIndexes(d);
    void showTtl(d.TableName);
    void backups.show(d.TableName);
    syncEdit();
  }

  editForm.addEventListener("input", syncEdit);
  editForm.addEventListener("change", syncEdit);
  editForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    editErrors.clear();
    editResult.textContent = "";
    const [request, then] = updateRequests();
    if (!request) return;
    applyButton.disabled = true;
    const outcome = await state.send("UpdateTable", request);
    if (!outcome.ok) {
      applyButton.disabled = false;
      editErrors.show(outcome.error.name, outcome.error.message);
      return;
    }
    const table = String(request.TableName);
    if (then) {
      await untilActive(table);
      const enabled = await state.send("UpdateTable", then);
      if (!enabled.ok) {
        await state.select(table);
        editErrors.show(enabled.error.name, `The stream was disabled, but enabling it again failed: ${enabled.error.message}`, { stream: /[\s\S]/ });
        return;
      }
    }
    await state.select(table);
    editResult.textContent = then ? `Updated table ${table}: the stream was disabled, then enabled with ${String((then.StreamSpecification as Record<string, unknown>).StreamViewType)} (two UpdateTable requests).` : `Updated table ${table}.`;
  });
  deleteButton.addEventListener("click", async () => {
    const tableName = described?.TableName;
    if (!tableName) return;
    const ok = await confirmDialog({
      title: `Delete table ${tableName}?`,
      body: `DeleteTable removes the table and all of its ${described.ItemCount ?? 0} items from this database. This cannot be undone.`,
      confirm: "Delete table",
      danger: true,
    });
    if (!ok) return;
    editErrors.clear();
    const outcome = await state.send("DeleteTable", { TableName: tableName });
    if (!outcome.ok) {
      editErrors.show(outcome.error.name, outcome.error.message);
      return;
    }
    result.textContent = `Deleted table ${tableName}.`;
  });
  newButton.addEventListener("click", () => state.select(null));

  function render() {
    const d = state.selected ? state.descriptions.get(state.selected) : null;
    if (d) {
      if (described?.TableName !== d.TableName) {
        editResult.textContent = "";
        editErrors.clear();
        gsiResult.textContent = "";
        gsiListError.hidden = true;
        ttlResult.textContent = "";
        ttlErrors.clear();
        closeNewGsi();
        closeGsiCapacity();
      }
      fillEdit(d);
      root.replaceChildren(editView);
    } else {
      described = null;
      root.replaceChildren(createView);
      syncCreate();
    }
  }
  state.addEventListener("selected", render);
  state.addEventListener("session", render);
  render();
  return root;
}
