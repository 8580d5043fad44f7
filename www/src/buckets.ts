// The S3 panel: Dynaplay's simulated S3 buckets (Dynaplay.ListBuckets, ListObjects,
// PutObject, GetObject, DeleteObject), with export and import for the picked table.
// Files the person picks are uploaded as objects; one object downloads as itself, a whole
// export (every object under its AWSDynamoDB/<ExportId>/ folder) as a .zip built here.
// ExportTableToPointInTime and ImportTable complete at once (docs/differences.md), so
// their descriptions are shown from DescribeExport / DescribeImport right after, with
// the first import errors (Dynaplay.GetImportErrors).
import { fromBase64, toBase64 } from "./base64";
import { h, labelled } from "./dom";
import type { AppState } from "./state";
import { download } from "./transfer";
import { buildZip } from "./zip";

interface S3Object {
  Key: string;
  Size: number;
}

const ACCOUNT_ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/";

/** The export folder (`.../AWSDynamoDB/<ExportId>/`) a key lies in, if any. */
export function exportFolderOf(key: string): string | null {
  const match = /^(.*?AWSDynamoDB\/[^/]+\/)/.exec(key);
  return match ? match[1]! : null;
}

export function createBuckets(state: AppState): HTMLElement {
  const bucket = h("input", { type: "text", value: "playground-exports", "data-testid": "s3-bucket", spellcheck: "false" });
  const objects = h("tbody", { "data-testid": "s3-objects" });
  const output = h("pre", { class: "dp-output", "data-testid": "s3-output", "aria-live": "polite" });
  const show = (text: string) => (output.textContent = text);

  const send = async (operation: string, request: object): Promise<any> => {
    const outcome = await state.send(operation, request);
    if (!outcome.ok) throw new Error(`${outcome.error.name}: ${outcome.error.message}`);
    return outcome.response;
  };
  const guarded = (work: () => Promise<void>) => () => work().catch((err: Error) => show(err.message));

  async function refresh() {
    const listing = await send("Dynaplay.ListObjects", { Bucket: bucket.value });
    const rows: HTMLElement[] = [];
    const folders = new Set<string>();
    for (const object of listing.Contents as S3Object[]) {
      const folder = exportFolderOf(object.Key);
      if (folder && !folders.has(folder)) {
        folders.add(folder);
        const zip = h("button", { type: "button", class: "small secondary", "data-testid": "s3-zip" }, "Download export as .zip");
        zip.addEventListener("click", guarded(() => downloadZip(folder)));
        rows.push(h("tr", {}, h("td", { colspan: 3 }, h("strong", {}, folder), " ", zip)));
      }
      const get = h("button", { type: "button", class: "small secondary" }, "Download");
      get.addEventListener("click", guarded(() => downloadObject(object.Key)));
      const remove = h("button", { type: "button", class: "small secondary" }, "Delete");
      remove.addEventListener("click", guarded(async () => {
        await send("Dynaplay.DeleteObject", { Bucket: bucket.value, Key: object.Key });
        await refresh();
      }));
      rows.push(h("tr", { "data-testid": "s3-object" }, h("td", {}, object.Key), h("td", {}, object.Size), h("td", {}, get, " ", remove)));
    }
    if (rows.length === 0) rows.push(h("tr", {}, h("td", { colspan: 3, class: "hint" }, "No objects in this bucket.")));
    objects.replaceChildren(...rows);
  }

  async function body(key: string): Promise<Uint8Array<ArrayBuffer>> {
    return fromBase64((await send("Dynaplay.GetObject", { Bucket: bucket.value, Key: key })).Body);
  }

  async function downloadObject(key: string) {
    download(key.split("/").pop() || key, await body(key), "application/octet-stream");
  }

  async function downloadZip(folder: string) {
    const listing = await send("Dynaplay.ListObjects", { Bucket: bucket.value, Prefix: folder });
    const entries = [];
    for (const object of listing.Contents as S3Object[]) entries.push({ name: object.Key, data: await body(object.Key) });
    const name = folder.replace(/\/$/, "").split("/").pop() || "export";
    download(`${name}.zip`, buildZip(entries), "application/zip");
  }

  // Upload
  const files = h("input", { type: "file", multiple: true, "data-testid": "s3-files" });
  const uploadPrefix = h("input", { type: "text", placeholder: "key prefix, e.g. import/", spellcheck: "false", "data-testid": "s3-upload-prefix" });
  const upload = h("button", { type: "button", "data-testid": "s3-upload" }, "Upload");
  upload.addEventListener("click", guarded(async () => {
    for (const file of Array.from(files.files ?? [])) {
      const data = new Uint8Array(await file.arrayBuffer());
      await send("Dynaplay.PutObject", { Bucket: bucket.value, Key: uploadPrefix.value + file.name, Body: toBase64(data) });
    }
    show(`Uploaded ${files.files?.length ?? 0} file(s).`);
    await refresh();
  }));

  // Export the picked table
  const exportPrefix = h("input", { type: "text", placeholder: "S3Prefix (optional)", spellcheck: "false", "data-testid": "s3-export-prefix" });
  const exportFormat = h("select", { "data-testid": "s3-export-format" }, h("option", { value: "DYNAMODB_JSON" }, "DynamoDB JSON"), h("option", { value: "ION" }, "Amazon Ion"));
  const exportButton = h("button", { type: "button", "data-testid": "s3-export" }, "Export picked table");
  exportButton.addEventListener("click", guarded(async () => {
    if (!state.selected) {
      show("Pick a table in the sidebar first.");
      return;
    }
    const request: Record<string, string> = { TableArn: ACCOUNT_ARN + state.selected, S3Bucket: bucket.value, ExportFormat: exportFormat.value };
    if (exportPrefix.value) request.S3Prefix = exportPrefix.value;
    const started = await send("ExportTableToPointInTime", request);
    const described = await send("DescribeExport", { ExportArn: started.ExportDescription.ExportArn });
    show(JSON.stringify(described.ExportDescription, null, 2));
    await refresh();
  }));

  // Import into a new table
  const importPrefix = h("input", { type: "text", placeholder: "S3KeyPrefix, e.g. import/", spellcheck: "false", "data-testid": "s3-import-prefix" });
  const importFormat = h("select", { "data-testid": "s3-import-format" }, ...["CSV", "DYNAMODB_JSON", "ION"].map((f) => h("option", { value: f }, f)));
  const compression = h("select", { "data-testid": "s3-import-compression" }, h("option", { value: "NONE" }, "none"), h("option", { value: "GZIP" }, "gzip"));
  const tableName = h("input", { type: "text", placeholder: "new table name", spellcheck: "false", "data-testid": "s3-import-table" });
  const keyName = h("input", { type: "text", value: "id", spellcheck: "false", "data-testid": "s3-import-key" });
  const keyType = h("select", {}, ...["S", "N", "B"].map((t) => h("option", { value: t }, t)));
  const importButton = h("button", { type: "button", "data-testid": "s3-import" }, "Import into a new table");
  importButton.addEventListener("click", guarded(async () => {
    const started = await send("ImportTable", {
      S3BucketSource: { S3Bucket: bucket.value, S3KeyPrefix: importPrefix.value },
      InputFormat: importFormat.value,
      InputCompressionType: compression.value,
      TableCreationParameters: {
        TableName: tableName.value,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: keyName.value, AttributeType: keyType.value }],
        KeySchema: [{ AttributeName: keyName.value, KeyType: "HASH" }],
      },
    });
    const arn = started.ImportTableDescription.ImportArn;
    const described = await send("DescribeImport", { ImportArn: arn });
    const errors = await send("Dynaplay.GetImportErrors", { ImportArn: arn });
    const messages = (errors.Events as { Message: string }[]).map((e) => `  ${e.Message}`).join("\n");
    show(JSON.stringify(described.ImportTableDescription, null, 2) + (messages ? `\nFirst errors (CloudWatch Logs on AWS):\n${messages}` : ""));
  }));

  const refreshButton = h("button", { type: "button", class: "secondary", "data-testid": "s3-refresh" }, "List objects");
  refreshButton.addEventListener("click", guarded(refresh));
  state.addEventListener("session", () => void refresh().catch(() => {}));

  return h("div", { class: "dp-buckets" },
    h("p", { class: "hint" }, "A simulated S3: a bucket exists while it holds objects. Upload source files for ImportTable, export the picked table, and download what an export wrote."),
    h("div", { class: "dp-row" }, labelled("Bucket", bucket), refreshButton),
    h("table", { class: "dp-cost-table" }, h("thead", {}, h("tr", {}, h("th", {}, "Key"), h("th", {}, "Size (bytes)"), h("th", {}, ""))), objects),
    h("h3", {}, "Upload files"),
    h("div", { class: "dp-row" }, labelled("Files", files), labelled("Key prefix", uploadPrefix), upload),
    h("h3", {}, "Export to S3"),
    h("p", { class: "hint" }, "An export reads the table's point-in-time recovery history, so DynamoDB refuses a table without it (PointInTimeRecoveryUnavailableException): turn recovery on in the Designer's Backups section first. The export consumes no read capacity."),
    h("div", { class: "dp-row" }, labelled("S3Prefix", exportPrefix), labelled("Format", exportFormat), exportButton),
    h("h3", {}, "Import from S3"),
    h("div", { class: "dp-row" }, labelled("S3KeyPrefix", importPrefix), labelled("Format", importFormat), labelled("Compression", compression), labelled("Table", tableName), labelled("Partition key", keyName), labelled("Key type", keyType), importButton),
    output,
  );
}
