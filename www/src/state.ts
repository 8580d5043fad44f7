// The page's shared state: the open database, its tables, the picked table. Panels listen
// for its events ("session", "tables", "selected", "status") instead of calling each other.
import { deleteStorage, needsPassphrase, openSession, type Outcome, resetShared, type SendOptions, type Session, sharedSession, storedDatabases, toApiError } from "./engine";
import { shapeOf, type TableShape } from "./ops";
import { RelaySession, serveRelay } from "./tabrelay";

/** A database session: this tab's own, or one through the tab that holds the database (tabrelay.ts). */
export type PageSession = Session | RelaySession;

export type Status = { state: "loading" | "ready" | "error"; text: string };

/** Where the UI lives and how it shares the page with others. */
export interface Placement {
  /** An embed (`<dynaplay-playground>` without `page`): its database session is the page's
   *  shared one for that name, and what it keeps in localStorage is keyed by its database. */
  embedded: boolean;
  /** The document or the embed's shadow root: the editors mount their styles there. */
  root: Document | ShadowRoot;
}

const KNOWN_KEY = "dynaplay.databases";
/** Operations after which the table list may have changed. */
const CHANGES_TABLES = /^(CreateTable|DeleteTable|UpdateTable|RestoreTable|ImportTable)/;

export class AppState extends EventTarget {
  session: PageSession | null = null;
  dbName: string;
  tables: string[] = [];
  descriptions = new Map<string, any>();
  selected: string | null = null;
  /** True when the last open failed for want of the right passphrase: the sidebar asks for it. */
  locked = false;
  /** True when the last open failed because another tab holds the database: the sidebar
   *  offers to use it through that tab (`connect`). */
  inUse = false;
  /** While this tab holds a database on the full page: the relay that serves the other tabs. */
  private relay: { stop(): void } | null = null;
  /** The open database's passphrase, kept in memory only, so that a reset keeps it encrypted. */
  private passphrase: string | undefined;
  status: Status = { state: "loading", text: "Loading the engine…" };

  readonly placement: Placement;

  constructor(dbName: string, placement: Placement = { embedded: false, root: document }) {
    super();
    this.dbName = dbName;
    this.placement = placement;
  }

  /** The localStorage key for BASE: the page's own on the full page; per database in an
   *  embed, so embeds on one page never share what they keep. */
  storageKey(base: string): string {
    return this.placement.embedded ? `${base}@${this.dbName}` : base;
  }

  emit(type: string) {
    this.dispatchEvent(new Event(type));
  }

  setStatus(state: Status["state"], text: string) {
    this.status = { state, text };
    this.emit("status");
  }

  /** Sends a request through the open database (or answers that none is open), as the
   *  principal OPTIONS name, if any, through the DAX cluster they name, if any, to the
   *  Region they name (us-east-1 by default). */
  async send<T = any>(operation: string, request: string | object, options?: SendOptions): Promise<Outcome<T>> {
    if (!this.session) {
      return { ok: false, error: { name: "NoDatabase", type: null, message: "No database is open" }, ms: 0 };
    }
    const outcome = await this.session.send<T>(operation, request, options);
    // The session's "sent" listener (`watch`) started listing the tables again if the request
    // may have changed them: answer once the list is read.
    await this.tablesRead;
    return outcome;
  }

  /** The table list being read after the last request that may have changed it. */
  private tablesRead: Promise<void> = Promise.resolve();

  /** Lists the tables again after each request through SESSION that may have changed them,
   *  whoever sent it: this state, another embed or snippet sharing the session, or another
   *  tab through the relay this tab serves. */
  private watch(session: PageSession) {
    session.addEventListener("sent", (e) => {
      const { operation, outcome } = (e as CustomEvent<{ operation: string; outcome: Outcome }>).detail;
      if (this.session === session && outcome.ok && CHANGES_TABLES.test(operation)) this.tablesRead = this.refreshTables();
    });
  }

  /** Opens `name` (closing the database open before, unless shared), with its passphrase
   *  if it is encrypted, and remembers it. */
  async open(name: string, passphrase?: string) {
    this.setStatus("loading", `Opening database "${name}"…`);
    if (this.session) {
      const old = this.session;
      this.release();
      if (!this.placement.embedded) await old.close().catch(() => {});
    }
    this.dbName = name;
    this.tables = [];
    this.descriptions.clear();
    this.selected = null;
    this.emit("session");
    try {
      this.session = this.placement.embedded ? await this.sharedSession(name) : await openSession(name, { global: true, passphrase });
    } catch (err) {
      const e = toApiError(err);
      this.locked = needsPassphrase(e);
      this.inUse = !this.placement.embedded && e.name === "DatabaseInUseError";
      this.setStatus("error", `Cannot open the database "${name}". ${e.name}: ${e.message}`);
      this.emit("session");
      return false;
    }
    this.locked = false;
    this.inUse = false;
    this.passphrase = passphrase;
    this.session.addEventListener("dead", () => this.setStatus("error", "The engine stopped after an internal error (a bug). Reload the page to continue."));
    this.watch(this.session);
    if (!this.placement.embedded) {
      this.remember(name);
      this.relay = serveRelay(name, this.session);
    }
    this.emit("session");
    await this.refreshTables();
    const kept = this.session.encrypted ? "kept encrypted with its passphrase" : "kept";
    this.setStatus("ready", `Ready: database "${name}", ${kept} in this browser's IndexedDB.`);
    return true;
  }

  /** Uses the database that another tab holds through that tab (tabrelay.ts): every request
   *  runs in its engine. When that tab lets the database go, the status line says so. */
  async connect() {
    const name = this.dbName;
    this.setStatus("loading", `Connecting to database "${name}" through the tab that has it open…`);
    const session = new RelaySession(name);
    session.addEventListener("ended", () => {
      if (this.session === session) this.setStatus("error", `The tab that had database "${name}" open closed it, which ended the relay. Reload this page to open the database here.`);
    });
    this.inUse = false;
    this.session = session;
    this.watch(session);
    // For the browser console and the tests, as openSession's `dynaplay.db` is in the owning tab.
    (globalThis as any).dynaplay = { session };
    this.emit("session");
    await this.refreshTables();
    if (this.session === session && this.status.state !== "error") this.setStatus("ready", `Ready: database "${name}" through the tab that has it open (relay): both tabs use that tab's engine.`);
  }

  /** Forgets the session (stopping the relay this tab serves), before it closes. */
  release() {
    this.relay?.stop();
    this.relay = null;
    this.session = null;
  }

  /** The page's shared session for `name`. When another holder closes it (a Reset in another
   *  embed of the same database), this state opens the session that replaces it. */
  private async sharedSession(name: string): Promise<Session> {
    const session = await sharedSession(name);
    session.addEventListener("closed", () => {
      if (this.session === session) void this.open(name);
    });
    return session;
  }

  /** Deletes every table of the open database: closes it, deletes its storage, opens it anew. */
  async reset() {
    const name = this.dbName;
    this.setStatus("loading", `Resetting database "${name}"…`);
    const old = this.session;
    this.release();
    try {
      if (this.placement.embedded) await resetShared(name);
      else {
        await old?.close();
        await deleteStorage(name);
      }
    } catch (err) {
      this.setStatus("error", `Could not reset "${name}": ${toApiError(err).message}`);
      return false;
    }
    return this.open(name, this.passphrase);
  }

  async refreshTables() {
    if (!this.session) return;
    const names: string[] = [];
    let start: string | undefined;
    do {
      const page = await this.session.send<{ TableNames?: string[]; LastEvaluatedTableName?: string }>("ListTables", start ? { ExclusiveStartTableName: start } : {});
      if (!page.ok) {
        this.setStatus("error", `Could not list tables: ${page.error.name}: ${page.error.message}`);
        return;
      }
      names.push(...(page.response.TableNames ?? []));
      start = page.response.LastEvaluatedTableName;
    } while (start);
    this.tables = names;
    for (const name of [...this.descriptions.keys()]) if (!names.includes(name)) this.descriptions.delete(name);
    if (this.selected && !names.includes(this.selected)) this.select(null);
    this.emit("tables");
  }

  /** The table's description (DescribeTable), fetched anew. */
  async describe(name: string): Promise<any | null> {
    const outcome = await this.send<{ Table: any }>("DescribeTable", { TableName: name });
    if (!outcome.ok) return null;
    this.descriptions.set(name, outcome.response.Table);
    return outcome.response.Table;
  }

  async select(name: string | null) {
    this.selected = name;
    if (name) await this.describe(name);
    this.emit("selected");
  }

  /** What the examples use: the picked table's shape, or null for the Music example. */
  shape(): TableShape | null {
    const d = this.selected ? this.descriptions.get(this.selected) : null;
    return d ? shapeOf(d) : null;
  }

  /** Database names this browser knows: remembered ones and those found in IndexedDB. */
  async knownDatabases(): Promise<string[]> {
    const stored = await storedDatabases();
    return [...new Set([...this.remembered(), ...stored, this.dbName])].sort((a, b) => a.localeCompare(b));
  }

  private remembered(): string[] {
    try {
      const list = JSON.parse(localStorage.getItem(KNOWN_KEY) ?? "[]");
      return Array.isArray(list) ? list.filter((x) => typeof x === "string") : [];
    } catch {
      return [];
    }
  }

  private remember(name: string) {
    try {
      localStorage.setItem(KNOWN_KEY, JSON.stringify([...new Set([...this.remembered(), name])]));
    } catch {
      // storage full or disabled: the list is a convenience only
    }
  }
}
