// The sidebar: databases (switch, create with an optional passphrase, unlock an encrypted one, use one that another tab holds, reset, export
// and import), the open database's tables with their
// secondary indexes under each, and the tables with an enabled stream (a click opens the Streams panel).
// An embed's database is fixed by its element, so an embed's sidebar has no Database section.
import { confirmDialog, h, uid } from "./dom";
import { SHARE_PREFIX } from "./share";
import type { AppState } from "./state";
import { createTransfer } from "./transfer";

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** How the sidebar moves between the element's panels. */
export interface PanelNavigation {
  goTo(panel: string): void;
  /** The panel shown now. */
  current(): string;
}

export function createSidebar(state: AppState, { goTo, current: currentPanel }: PanelNavigation): HTMLElement {
  const dbSelectId = uid("db-select");
  const dbSelect = h("select", { id: dbSelectId, "data-testid": "db-select" });
  const newName = h("input", { type: "text", id: uid("db-new"), "data-testid": "db-new-name", placeholder: "my-database", autocomplete: "off", spellcheck: "false", "aria-describedby": "" });
  const newHint = h("p", { class: "hint", id: uid("db-new-hint"), "data-testid": "db-new-hint" }, "Letters, digits, _ . - (up to 64).");
  newName.setAttribute("aria-describedby", newHint.id);
  const createButton = h("button", { type: "submit", class: "small", "data-testid": "db-create" }, "Create");
  const newPassphrase = h("input", { type: "password", id: uid("db-new-passphrase"), "data-testid": "db-new-passphrase", autocomplete: "new-password" });
  const newForm = h("form", { class: "dp-inline-form", "aria-label": "New database" },
    h("label", { for: newName.id }, "New database"),
    h("div", { class: "dp-row" }, newName, createButton),
    newHint,
    h("label", { for: newPassphrase.id }, "Passphrase (optional: encrypts it)"),
    newPassphrase,
  );
  const unlockPassphrase = h("input", { type: "password", id: uid("db-unlock"), "data-testid": "db-unlock-passphrase", autocomplete: "current-password" });
  const unlockForm = h("form", { class: "dp-inline-form", "aria-label": "Unlock database", "data-testid": "db-unlock", hidden: true },
    h("label", { for: unlockPassphrase.id }, "This database is encrypted: its passphrase"),
    h("div", { class: "dp-row" }, unlockPassphrase, h("button", { type: "submit", class: "small", "data-testid": "db-unlock-submit" }, "Unlock")),
  );
  const connectButton = h("button", { type: "button", class: "small", "data-testid": "db-connect", hidden: true }, "Use it through the tab that has it open");
  const resetButton = h("button", { type: "button", class: "small secondary danger-text", "data-testid": "db-reset" }, "Reset…");

  const tableList = h("ul", { class: "dp-table-list", "data-testid": "table-list", "aria-label": "Tables" });
  const tablesEmpty = h("p", { class: "hint", "data-testid": "tables-empty" }, "No tables yet.");
  const newTable = h("button", { type: "button", class: "small", "data-testid": "new-table" }, "New table");
  const streamList = h("ul", { class: "dp-side-streams", "data-testid": "stream-list", "aria-label": "Tables with a stream" });
  const streamsEmpty = h("p", { class: "hint", "data-testid": "streams-side-empty" }, "No table has a stream enabled.");

  const element = h("aside", { class: "dp-sidebar", "aria-label": "Databases and tables" },
    state.placement.embedded ? null : h("section", { class: "dp-side-section" },
      h("h2", {}, "Database"),
      h("label", { for: dbSelectId, class: "visually-hidden" }, "Open database"),
      dbSelect,
      h("div", { class: "dp-side-head" }, h("p", { class: "hint" }, "Open: ", h("code", { "data-testid": "db-name" }, state.dbName)), resetButton),
      unlockForm,
      connectButton,
      newForm,
      createTransfer(state, (name) => switchTo(name)),
    ),
    h("section", { class: "dp-side-section" },
      h("div", { class: "dp-side-head" }, h("h2", {}, "Tables"), newTable),
      tableList,
      tablesEmpty,
    ),
    h("section", { class: "dp-side-section" },
      h("h2", {}, "Streams"),
      streamList,
      streamsEmpty,
    ),
  );

  async function renderDatabases() {
    if (state.placement.embedded) return;
    const names = await state.knownDatabases();
    dbSelect.replaceChildren(...names.map((n) => h("option", { value: n, selected: n === state.dbName }, n)));
    const shownName = element.querySelector("[data-testid=db-name]");
    if (shownName) shownName.textContent = state.dbName;
    unlockForm.hidden = !(state.locked && !state.session);
    connectButton.hidden = !(state.inUse && !state.session);
  }

  function renderTables() {
    tableList.replaceChildren(
      ...state.tables.map((name) => {
        const button = h("button", { type: "button", class: "dp-table-button", "data-table": name, "aria-pressed": String(state.selected === name) }, name);
        button.addEventListener("click", async () => {
          await state.select(name);
          if (!["designer", "items", "capacity", "streams"].includes(currentPanel())) goTo("items");
        });
        const d = state.descriptions.get(name);
        const indexes = [
          ...(d?.GlobalSecondaryIndexes ?? []).map((ix: any) => ({ kind: "GSI", name: String(ix.IndexName), status: ix.IndexStatus === "ACTIVE" ? "" : String(ix.IndexStatus ?? "") })),
          ...(d?.LocalSecondaryIndexes ?? []).map((ix: any) => ({ kind: "LSI", name: String(ix.IndexName), status: "" })),
        ];
        const list = indexes.length
          ? h("ul", { class: "dp-index-list-side", "aria-label": `Indexes of ${name}`, "data-testid": "side-indexes", "data-table": name },
              ...indexes.map((ix) => h("li", { "data-index": ix.name }, h("span", { class: "dp-ix-kind" }, ix.kind), " ", ix.name, ix.status ? h("span", { class: "hint" }, ` ${ix.status}`) : null)))
          : null;
        return h("li", {}, button, list);
      }),
    );
    tablesEmpty.hidden = state.tables.length > 0;
    renderStreams();
  }

  /** The described tables whose stream is enabled, each with its view type. */
  function renderStreams() {
    const streamed = state.tables.filter((name) => state.descriptions.get(name)?.StreamSpecification?.StreamEnabled);
    streamList.replaceChildren(...streamed.map((name) => {
      const view = String(state.descriptions.get(name).StreamSpecification.StreamViewType ?? "");
      const button = h("button", { type: "button", class: "dp-table-button", "data-table": name, "aria-label": `Stream of ${name} (${view})` }, name, h("span", { class: "hint" }, ` ${view}`));
      button.addEventListener("click", async () => {
        await state.select(name);
        goTo("streams");
      });
      return h("li", {}, button);
    }));
    streamsEmpty.hidden = streamed.length > 0;
  }

  /** Fetches the descriptions the sidebar lacks (for their indexes), then lists again. */
  let describing = false;
  async function describeMissing() {
    if (describing) return;
    describing = true;
    try {
      const session = state.session;
      for (const name of state.tables.slice(0, 100)) {
        if (state.session !== session || !session) return;
        if (!state.descriptions.has(name)) await state.describe(name);
      }
      if (state.session === session) renderTables();
    } catch {
      // the database closed meanwhile: the next "tables" event lists again
    } finally {
      describing = false;
    }
  }

  dbSelect.addEventListener("change", () => switchTo(dbSelect.value));
  newForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const name = newName.value.trim();
    if (!NAME.test(name)) {
      newHint.textContent = "Use 1 to 64 letters, digits, _ . or -.";
      newHint.classList.add("field-error");
      newName.setAttribute("aria-invalid", "true");
      newName.focus();
      return;
    }
    const passphrase = newPassphrase.value || undefined;
    newName.value = "";
    newPassphrase.value = "";
    newName.removeAttribute("aria-invalid");
    newHint.classList.remove("field-error");
    newHint.textContent = "Letters, digits, _ . - (up to 64).";
    switchTo(name, passphrase);
  });
  unlockForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const passphrase = unlockPassphrase.value;
    unlockPassphrase.value = "";
    if (passphrase) state.open(state.dbName, passphrase);
  });
  connectButton.addEventListener("click", () => void state.connect());
  resetButton.addEventListener("click", async () => {
    const ok = await confirmDialog({
      title: `Reset database "${state.dbName}"?`,
      body: "Every table and item in it is deleted from this browser. This cannot be undone.",
      confirm: "Delete everything",
      danger: true,
    });
    if (ok) await state.reset();
  });
  newTable.addEventListener("click", () => {
    state.select(null);
    goTo("designer");
  });

  async function switchTo(name: string, passphrase?: string) {
    if (name === state.dbName && state.session) return;
    await state.open(name, passphrase);
    const url = new URL(location.href);
    url.searchParams.set("db", name);
    // A shared link's fragment would reopen its database on reload: the switch drops it.
    if (url.hash.startsWith(SHARE_PREFIX)) url.hash = "";
    history.replaceState(null, "", url);
  }

  state.addEventListener("session", () => {
    renderDatabases();
    renderTables();
  });
  state.addEventListener("tables", () => {
    renderTables();
    describeMissing();
  });
  state.addEventListener("selected", renderTables);
  renderDatabases();
  return element;
}
