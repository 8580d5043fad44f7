// The designer's Backups section for the picked table: its on-demand backups (ListBackups)
// with Create (CreateBackup), Restore to a new table (RestoreTableFromBackup) and Delete
// (DeleteBackup, confirmed); and point-in-time recovery: on/off (UpdateContinuousBackups),
// the restorable window (DescribeContinuousBackups) and a restore to a chosen second
// (RestoreTableToPointInTime).
import { confirmDialog, h, labelled } from "./dom";
import type { AppState } from "./state";

export interface BackupsSection {
  element: HTMLElement;
  show(table: string): Promise<void>;
}

export interface RestorableWindow {
  earliest: number;
  latest: number;
}

/** The restorable window a DescribeContinuousBackups answer gives, in epoch seconds; null while PITR is off. */
export function restorableWindow(answer: any): RestorableWindow | null {
  const pitr = answer?.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
  if (pitr?.PointInTimeRecoveryStatus !== "ENABLED") return null;
  return { earliest: Number(pitr.EarliestRestorableDateTime), latest: Number(pitr.LatestRestorableDateTime) };
}

/** The value of a datetime-local input (local time, to the second) for epoch SECONDS. */
export function localInputValue(seconds: number): string {
  const d = new Date(Math.floor(seconds) * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The RestoreTableToPointInTime request restoring SOURCE into TARGET at a datetime-local VALUE. */
export function pointInTimeRequest(source: string, target: string, value: string): Record<string, unknown> {
  return { SourceTableName: source, TargetTableName: target, RestoreDateTime: new Date(value).getTime() / 1000 };
}

const when = (seconds: number) => new Date(seconds * 1000).toLocaleString();

export function createBackupsSection(state: AppState): BackupsSection {
  let table = "";
  const backupName = h("input", { type: "text", autocomplete: "off", spellcheck: "false", "data-testid": "backup-name" });
  const target = h("input", { type: "text", autocomplete: "off", spellcheck: "false", "data-testid": "restore-target" });
  const create = h("button", { type: "button", "data-testid": "backup-create" }, "Create backup");
  const list = h("div", { class: "dp-table-scroll", "data-testid": "backup-list" });
  const pitrStatus = h("p", { class: "hint", "data-testid": "pitr-status" });
  const pitrToggle = h("button", { type: "button", class: "secondary", "data-testid": "pitr-toggle" });
  const pitrTime = h("input", { type: "datetime-local", step: "1", "data-testid": "pitr-time" });
  const pitrRestore = h("button", { type: "button", "data-testid": "pitr-restore" }, "Restore to this second");
  const pitrRestoreRow = h("div", { class: "actions" }, labelled("Restore time (local)", pitrTime), pitrRestore);
  const error = h("div", { class: "error", role: "alert", hidden: true, "data-testid": "backups-error" });
  const result = h("p", { class: "hint ok", role: "status", "data-testid": "backups-result" });
  let pitrEnabled = false;

  /** Sends one request; shows its error, or SUCCESS and the refreshed section. */
  async function run(operation: string, request: object, success: string) {
    error.hidden = true;
    result.textContent = "";
    const outcome = await state.send(operation, request);
    if (!outcome.ok) {
      error.replaceChildren(h("strong", {}, outcome.error.name), " ", outcome.error.message);
      error.hidden = false;
      return;
    }
    result.textContent = success;
    await show(table);
  }

  function backupRow(backup: any) {
    const restore = h("button", { type: "button", class: "small", "data-testid": "backup-restore" }, "Restore to new table");
    restore.addEventListener("click", () =>
      run("RestoreTableFromBackup", { TargetTableName: target.value, BackupArn: backup.BackupArn }, `Restored ${backup.BackupName} into table ${target.value}.`));
    const del = h("button", { type: "button", class: "small secondary danger-text", "data-testid": "backup-delete" }, "Delete");
    del.addEventListener("click", async () => {
      const ok = await confirmDialog({ title: `Delete backup ${backup.BackupName}?`, body: "DeleteBackup removes the backup for good.", confirm: "Delete backup", danger: true });
      if (ok) await run("DeleteBackup", { BackupArn: backup.BackupArn }, `Deleted backup ${backup.BackupName}.`);
    });
    const cells = [backup.BackupName, backup.BackupType, when(backup.BackupCreationDateTime), `${backup.BackupSizeBytes} B`];
    return h("tr", { "data-testid": "backup-row" }, ...cells.map((c) => h("td", {}, c)), h("td", {}, restore, " ", del));
  }

  async function show(name: string) {
    if (name !== table) {
      table = name;
      backupName.value = `${name}-backup`;
      target.value = `${name}-restored`;
      error.hidden = true;
      result.textContent = "";
    }
    const [backups, continuous] = await Promise.all([
      state.send<any>("ListBackups", { TableName: name, BackupType: "ALL" }),
      state.send<any>("DescribeContinuousBackups", { TableName: name }),
    ]);
    if (name !== table) return;
    const summaries: any[] = backups.ok ? backups.response.BackupSummaries : [];
    list.replaceChildren(summaries.length
      ? h("table", { class: "dp-index-table" },
        h("thead", {}, h("tr", {}, ...["Backup", "Type", "Created", "Size", ""].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, ...summaries.map(backupRow)))
      : h("p", { class: "hint" }, "No backups of this table yet."));
    const restorable = continuous.ok ? restorableWindow(continuous.response) : null;
    pitrEnabled = restorable !== null;
    pitrToggle.textContent = pitrEnabled ? "Turn off point-in-time recovery" : "Turn on point-in-time recovery";
    pitrStatus.textContent = restorable
      ? `Point-in-time recovery is on: restorable from ${when(restorable.earliest)} to ${when(restorable.latest)} (five minutes behind the clock).`
      : "Point-in-time recovery is off.";
    pitrRestoreRow.hidden = !restorable;
    if (restorable) {
      pitrTime.min = localInputValue(restorable.earliest);
      pitrTime.max = localInputValue(restorable.latest);
      pitrTime.value = localInputValue(restorable.latest);
    }
  }

  create.addEventListener("click", () => run("CreateBackup", { TableName: table, BackupName: backupName.value }, `Created backup ${backupName.value}.`));
  pitrToggle.addEventListener("click", () => {
    const enabled = !pitrEnabled;
    void run("UpdateContinuousBackups", { TableName: table, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: enabled } },
      `Point-in-time recovery ${enabled ? "enabled" : "disabled"} on ${table}.`);
  });
  pitrRestore.addEventListener("click", () =>
    run("RestoreTableToPointInTime", pointInTimeRequest(table, target.value, pitrTime.value), `Restored ${table} as of ${pitrTime.value} into table ${target.value}.`));

  const element = h("section", { class: "dp-edit-indexes", "aria-label": "Backups", "data-testid": "backups-section" },
    h("h3", {}, "Backups"),
    h("div", { class: "actions" }, labelled("Backup name", backupName), create),
    list,
    labelled("New table name for restores", target),
    h("h4", {}, "Point-in-time recovery"),
    pitrStatus,
    h("div", { class: "actions" }, pitrToggle),
    pitrRestoreRow,
    error,
    result);
  return { element, show };
}
