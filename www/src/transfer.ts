// Export the open database to a JSON file, and import such a file into a new database
// (sidebar, "Export or import"). Export reads each table (exportfile.ts readTable: its
// CreateTable request, its time to live and all its items); import creates the tables, turns
// their TTL back on and writes the items with BatchWriteItem, 25 at a time, with a
// progress bar. Both pause the throttling simulation meanwhile (Dynaplay.Configure
// {"Throttling": false}) and put back the previous value after, so a 1 WCU table imports as
// fast as an on-demand one.
import { h, uid } from "./dom";
import { batchWrites, EXPORT_FORMAT, EXPORT_VERSION, type ExportFile, ExportFileError, type ExportedTable, parseExportFile, readTable, TableReadError, timeToLiveRequest } from "./exportfile";
import type { AppState } from "./state";

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const RETRIES = 8;

class TransferError extends Error {
  override name = "TransferError";
}

/** Sends a request; throws a TransferError naming WHAT on failure. */
async function must(state: AppState, operation: string, request: object, what: string): Promise<any> {
  const outcome = await state.send(operation, request);
  if (!outcome.ok) throw new TransferError(`${what}: ${outcome.error.name}: ${outcome.error.message}`);
  return outcome.response;
}

/** Runs WORK with the engine's throttling off, then sets it back as it was. */
async function withoutThrottling<T>(state: AppState, work: () => Promise<T>): Promise<T> {
  const config = await must(state, "Dynaplay.DescribeConfiguration", {}, "Reading the simulation settings");
  await must(state, "Dynaplay.Configure", { Throttling: false }, "Pausing throttling");
  try {
    return await work();
  } finally {
    await state.send("Dynaplay.Configure", { Throttling: config.Throttling });
  }
}

/** Waits until TABLE (and its indexes) can take writes. */
async function waitActive(state: AppState, table: string) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { Table } = await must(state, "DescribeTable", { TableName: table }, `Describing ${table}`);
    const ready = Table.TableStatus === "ACTIVE" && (Table.GlobalSecondaryIndexes ?? []).every((ix: any) => ix.IndexStatus === "ACTIVE");
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new TransferError(`${table} did not become ACTIVE`);
}

/** Writes one BatchWriteItem request, sending its UnprocessedItems again until none are left. */
async function writeBatch(state: AppState, request: Record<string, any>, table: string) {
  let pending = request.RequestItems;
  for (let attempt = 0; attempt < RETRIES && pending && Object.keys(pending).length; attempt++) {
    const response = await must(state, "BatchWriteItem", { RequestItems: pending }, `Writing items into ${table}`);
    pending = response.UnprocessedItems;
  }
  if (pending && Object.keys(pending).length) throw new TransferError(`Writing items into ${table}: some stayed unprocessed after ${RETRIES} tries`);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Offers DATA as a file download. */
export function download(fileName: string, data: BlobPart, type = "application/json") {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = h("a", { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The export and import controls. SWITCHTO opens another database (and keeps ?db= in the URL). */
export function createTransfer(state: AppState, switchTo: (name: string) => Promise<void>): HTMLElement {
  const exportButton = h("button", { type: "button", class: "small secondary", "data-testid": "export-run" }, "Export to a file");
  const fileInput = h("input", { type: "file", id: uid("import-file"), accept: "application/json,.json", "data-testid": "import-file" });
  const nameInput = h("input", { type: "text", id: uid("import-name"), autocomplete: "off", spellcheck: "false", placeholder: "new-database", "data-testid": "import-name" });
  const importButton = h("button", { type: "button", class: "small", disabled: true, "data-testid": "import-run" }, "Import");
  const progress = h("progress", { max: 1, value: 0, hidden: true, "aria-label": "Progress", "data-testid": "transfer-progress" });
  const status = h("p", { class: "hint", role: "status", "data-testid": "transfer-status" });
  const element = h("details", { class: "dp-transfer", "data-testid": "transfer" },
    h("summary", {}, "Export or import"),
    h("p", { class: "hint" }, "Export writes every table (as CreateTable requests, with its time to live) and all items to one JSON file."),
    exportButton,
    h("div", { class: "field" }, h("label", { for: fileInput.id }, "Import a file"), fileInput),
    h("div", { class: "field" }, h("label", { for: nameInput.id }, "into the new database"), h("div", { class: "dp-row" }, nameInput, importButton)),
    progress,
    status,
  );

  let file: ExportFile | null = null;
  let busy = false;

  function report(text: string, kind: "ok" | "error" | "" = "") {
    status.textContent = text;
    status.dataset.kind = kind;
    status.classList.toggle("field-error", kind === "error");
  }

  function showProgress(done: number, total: number, text: string) {
    progress.hidden = false;
    progress.max = Math.max(total, 1);
    progress.value = done;
    report(text);
  }

  async function exportDatabase() {
    const tables = await withoutThrottling(state, readTables);
    const data: ExportFile = { format: EXPORT_FORMAT, version: EXPORT_VERSION, database: state.dbName, exportedAt: new Date().toISOString(), tables };
    download(`dynaplay-${state.dbName}.json`, JSON.stringify(data));
    const items = tables.reduce((n, t) => n + t.items.length, 0);
    showProgress(1, 1, "");
    report(`Exported ${plural(tables.length, "table")} and ${plural(items, "item")} to dynaplay-${state.dbName}.json.`, "ok");
  }

  /** Every table's CreateTable request and items. */
  async function readTables(): Promise<ExportedTable[]> {
    const tables: ExportedTable[] = [];
    for (const [i, name] of state.tables.entries()) {
      showProgress(i, state.tables.length, `Reading ${name} (${i + 1} of ${state.tables.length})…`);
      tables.push((await readTable((operation, request) => state.send(operation, request), name)).table);
    }
    return tables;
  }

  async function importFile(data: ExportFile, name: string) {
    await switchTo(name);
    if (state.dbName !== name || !state.session) throw new TransferError(`Could not open the new database "${name}"`);
    await withoutThrottling(state, () => writeTables(data, name));
  }

  /** Creates the file's tables in the open database and writes their items. */
  async function writeTables(data: ExportFile, name: string) {
    const total = data.tables.reduce((n, t) => n + t.items.length, 0);
    let done = 0;
    for (const table of data.tables) {
      const tableName = table.create.TableName as string;
      showProgress(done, total, `Creating ${tableName}…`);
      await must(state, "CreateTable", table.create, `Creating ${tableName}`);
      await waitActive(state, tableName);
      if (table.timeToLive) await must(state, "UpdateTimeToLive", timeToLiveRequest(tableName, table.timeToLive), `Turning on time to live of ${tableName}`);
      for (const batch of batchWrites(tableName, table.items)) {
        await writeBatch(state, batch, tableName);
        done += batch.RequestItems[tableName].length;
        showProgress(done, total, `${tableName}: ${done} of ${total} items written…`);
      }
    }
    report(`Imported ${plural(data.tables.length, "table")} and ${plural(total, "item")} into "${name}".`, "ok");
  }

  /** Runs an export or import, one at a time, reporting its error. */
  async function guarded(work: () => Promise<void>) {
    if (busy || !state.session) return;
    busy = true;
    exportButton.disabled = true;
    importButton.disabled = true;
    try {
      await work();
    } catch (err) {
      if (!(err instanceof TransferError || err instanceof TableReadError)) throw err;
      report(err.message, "error");
    } finally {
      busy = false;
      exportButton.disabled = false;
      importButton.disabled = !file;
    }
  }

  exportButton.addEventListener("click", () => guarded(exportDatabase));
  fileInput.addEventListener("change", async () => {
    file = null;
    importButton.disabled = true;
    const picked = fileInput.files?.[0];
    if (!picked) return;
    try {
      file = parseExportFile(await picked.text());
    } catch (err) {
      if (!(err instanceof ExportFileError)) throw err;
      report(err.message, "error");
      return;
    }
    const items = file.tables.reduce((n, t) => n + t.items.length, 0);
    nameInput.value ||= `${file.database}-copy`.slice(0, 64);
    importButton.disabled = false;
    report(`${plural(file.tables.length, "table")} and ${plural(items, "item")}, exported from "${file.database}".`);
  });
  importButton.addEventListener("click", async () => {
    const name = nameInput.value.trim();
    if (!file) return;
    if (!NAME.test(name)) return report("Name the new database with 1 to 64 letters, digits, _ . or -.", "error");
    if ((await state.knownDatabases()).includes(name)) return report(`A database named "${name}" exists already: pick a new name (import never overwrites).`, "error");
    const data = file;
    guarded(() => importFile(data, name));
  });
  return element;
}
