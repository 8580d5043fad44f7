// The engine behind the page: loading the wasm module, opening databases, sending requests.
//
// The engine is www/pkg/dynaplay.js (scripts/build.sh builds it). Its import starts as soon
// as this module is evaluated, so fetching and compiling the wasm overlaps building the UI.
import type { Database, SendOptions } from "../pkg/dynaplay.js";

export type { SendOptions };
import { type CancellationReason, cancellationReasonsOf } from "./cancellation";

type EngineModule = typeof import("../pkg/dynaplay.js");

// The path is relative to the bundle (www/dist/playground.js), and esbuild leaves it alone.
const loading: Promise<EngineModule> = import("../pkg/dynaplay.js").then(async (mod: EngineModule) => {
  await mod.default();
  return mod;
});
loading.catch(() => {}); // reported by loadEngine's caller

export function loadEngine(): Promise<EngineModule> {
  return loading;
}

/** A PartiQL statement's syntax error and the UTF-16 range of its token, as the engine's
 *  parser sees it; null when the statement parses (or the engine is not loaded). */
export async function partiqlSyntaxError(statement: string): Promise<{ message: string; start: number; end: number } | null> {
  try {
    return (await loading).partiqlSyntaxError(statement);
  } catch {
    return null;
  }
}

/** What a failed request tells: DynamoDB's exception name, full type and message. */
export interface ApiError {
  name: string;
  type: string | null;
  message: string;
  /** The item a failed condition returned, when asked for. */
  item?: unknown;
  /** Why a throttled request was throttled (reason and the table or index ARN). */
  throttlingReasons?: ThrottlingReason[];
  /** Why a cancelled transaction's actions failed, one reason per action. */
  cancellationReasons?: CancellationReason[];
}

export interface ThrottlingReason {
  reason: string;
  resource: string;
}

/** The ThrottlingReasons of a throttled request's error, keeping only well-formed entries. */
export function throttlingReasonsOf(value: unknown): ThrottlingReason[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((r) => r && typeof r.reason === "string" && typeof r.resource === "string").map((r) => ({ reason: r.reason, resource: r.resource }));
}

export type Outcome<T = any> = { ok: true; response: T; ms: number } | { ok: false; error: ApiError; ms: number };

export function toApiError(err: unknown): ApiError {
  if (err && typeof err === "object") {
    const e = err as Record<string, unknown>;
    const name = String(e.code ?? e.name ?? "Error");
    const message = "message" in e ? String(e.message) : String(err);
    return { name, type: typeof e.__type === "string" ? e.__type : null, message, item: e.Item, throttlingReasons: throttlingReasonsOf(e.ThrottlingReasons), cancellationReasons: cancellationReasonsOf(e.CancellationReasons) };
  }
  return { name: "Error", type: null, message: String(err) };
}

/** The IndexedDB database that holds the Dynaplay database `name` (see src/storage/indexeddb.rs). */
export const idbName = (name: string) => `dynaplay:${name}`;

/** An open database and the requests sent through it. */
export class Session extends EventTarget {
  /** Set once the module panicked: nothing more can run until a reload. */
  dead = false;
  constructor(
    readonly name: string,
    /** The wasm database itself. Requests go through `send` or `call`, which tell listeners. */
    readonly db: Database,
    /** Whether the database is encrypted with a passphrase (docs/encryption.md). */
    readonly encrypted: boolean,
  ) {
    super();
  }

  /** Runs one request; OPTIONS may name the principal it runs as (docs/access-control.md),
   *  a DAX cluster to go through (docs/dax.md) and the Region it reaches (docs/global-tables.md). */
  async send<T = any>(operation: string, request: string | object, options?: SendOptions): Promise<Outcome<T>> {
    return (await this.attempt<T>(operation, request, options)).outcome;
  }

  /** Runs one request as `send` does ("sent" and "dead" events included), but answers with the
   *  response itself and rejects with the engine's own error, which the SDK handler of js
   *  snippets turns into DynamoDB's error answer. */
  async call<T = any>(operation: string, request: string | object, options?: SendOptions): Promise<T> {
    const { outcome, thrown } = await this.attempt<T>(operation, request, options);
    if (!outcome.ok) throw thrown;
    return outcome.response;
  }

  /** Runs one request: its outcome, and the error the engine threw, if any. */
  private async attempt<T>(operation: string, request: string | object, options?: SendOptions): Promise<{ outcome: Outcome<T>; thrown?: unknown }> {
    const started = performance.now();
    if (this.dead) {
      const message = "The engine stopped after an internal error. Reload the page.";
      return { outcome: { ok: false, error: { name: "EngineStopped", type: null, message }, ms: 0 }, thrown: Object.assign(new Error(message), { name: "EngineStopped" }) };
    }
    let result: { outcome: Outcome<T>; thrown?: unknown };
    try {
      const response = (await this.db.send(operation, request, options)) as T;
      result = { outcome: { ok: true, response, ms: performance.now() - started } };
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError) {
        // A panic poisons the module (a bug in the engine).
        this.dead = true;
        this.dispatchEvent(new CustomEvent("dead"));
      }
      result = { outcome: { ok: false, error: toApiError(err), ms: performance.now() - started }, thrown: err };
    }
    this.dispatchEvent(new CustomEvent("sent", { detail: { operation, request, outcome: result.outcome } }));
    return result;
  }

  /** Resolves once the database is free for another open (in this tab or another); then
   *  dispatches "closed", so whoever else holds this session can pick up the next one. */
  async close(): Promise<void> {
    await this.db.close();
    this.dispatchEvent(new Event("closed"));
  }
}

/**
 * Opens the database `name`; with a passphrase, an encrypted database (a new one is created
 * encrypted). `global` also sets `globalThis.dynaplay` ({ db, Database }) for the browser
 * console and the tests: only the full playground page asks for it, never an embed.
 */
export async function openSession(name: string, { global = false, passphrase }: { global?: boolean; passphrase?: string } = {}): Promise<Session> {
  const engine = await loadEngine();
  const db = await engine.Database.open(name, passphrase ? { passphrase } : undefined);
  if (global) (globalThis as any).dynaplay = { db, Database: engine.Database };
  return new Session(name, db, Boolean(passphrase));
}

/** True for the errors of opening an encrypted database without its passphrase or with a wrong one. */
export const needsPassphrase = (e: ApiError) => e.name === "PassphraseRequiredError" || e.name === "WrongPassphraseError";
const sharedSessions = new Map<string, Promise<Session>>();

/**
 * The page's one session for the database `name`: embeds and snippets naming the same
 * database share it (a database opens once per page), and different names stay isolated.
 * `forgetShared` drops it after it is closed, so the next call opens the database anew.
 */
export function sharedSession(name: string): Promise<Session> {
  let session = sharedSessions.get(name);
  if (!session) {
    session = openSession(name);
    sharedSessions.set(name, session);
    session.catch(() => sharedSessions.delete(name));
  }
  return session;
}

export function forgetShared(name: string) {
  sharedSessions.delete(name);
}

/**
 * Empties the shared database `name`: closes its session (holders get its "closed" event),
 * deletes its storage and opens it anew. Whoever asks `sharedSession(name)` meanwhile waits
 * for the new session, so nothing reopens the database while its storage is being deleted.
 */
export function resetShared(name: string): Promise<Session> {
  const old = sharedSessions.get(name);
  const fresh = (async () => {
    const session = await old?.catch(() => null);
    await session?.close();
    await deleteStorage(name);
    return openSession(name);
  })();
  sharedSessions.set(name, fresh);
  fresh.catch(() => sharedSessions.delete(name));
  return fresh;
}

/** Deletes a database's IndexedDB storage. The database must be closed first. */
export function deleteStorage(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(idbName(name));
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error ?? new Error("deleteDatabase failed"));
    req.onblocked = () => reject(new Error(`Database '${name}' is still open in another tab; close it there first`));
  });
}

/** Names of the Dynaplay databases this browser holds (from IndexedDB's list). */
export async function storedDatabases(): Promise<string[]> {
  if (!("databases" in indexedDB)) return [];
  try {
    const all = await indexedDB.databases();
    return all.map((d) => d.name ?? "").filter((n) => n.startsWith("dynaplay:")).map((n) => n.slice("dynaplay:".length));
  } catch {
    return [];
  }
}

/** True for the error an operation the engine does not have yet answers with. */
export const isUnknownOperation = (e: ApiError) => e.name === "UnknownOperationException";
