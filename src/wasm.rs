//! The JavaScript API: the `Database` class that wasm-bindgen exports.
//!
//! ```js
//! import init, { Database } from "./pkg/dynaplay.js";
//! await init();
//! const db = await Database.open("name");   // IndexedDB database "dynaplay:name"
//! const secret = await Database.open("vault", { passphrase: "..." });   // encrypted
//! const response = await db.send("PutItem", { TableName: "T", Item: { pk: { S: "a" } } });
//! await db.send("GetItem", { TableName: "T", Key: { pk: { S: "a" } } }, { region: "eu-west-1" });
//! await db.close();
//! ```
//!
//! A request crosses the boundary once, as one JSON string, and travels like this:
//! 1. [`Database::send`] hands it to [`storage::Database::execute_in`] for the Region its
//!    options name, synchronously.
//! 2. A ready answer resolves at once. A queued one parks its promise's `resolve` and
//!    `reject` under its ticket and starts `flush` unless it already runs. When a second
//!    request of the same JavaScript task queues before `flush` runs, an IndexedDB store
//!    in clear takes the batch at once ([`Store::begin`]): IndexedDB stores its writes
//!    while the rest of the task runs, and the requests the task sends later join that
//!    open batch ([`storage::Database::extend_batch`]), 32 at a time, until `flush`
//!    adds the last ones and commits it.
//! 3. `flush` commits the open batch, then each [`storage::Database::take_batch`]
//!    through [`Store::commit`]: every request sent while a commit is in flight joins the
//!    next batch (group commit).
//! 4. The batch's tickets resolve with their parsed responses, or, when the commit
//!    failed, memory is reverted and they reject with an `InternalServerError`.
//!
//! `changePassphrase` re-encrypts the store between two batches of that same loop, so
//! no commit ever runs while records change keys.
//!
//! Rejections are `Error`s with `name` and `code` set to the exception's short name,
//! `__type` to DynamoDB's full type, `message` to DynamoDB's message, `Item` for a
//! failed condition that asked for it, and `responseBody` to the error body DynamoDB
//! would send (the SDK request handler and `dynaplay serve` answer with it).

use crate::api::RequestOptions;
use crate::clock::Clock;
use crate::error::{Error, ErrorKind};
use crate::json::{self, json};
use crate::region;
use crate::storage::external::{self, ExternalStore};
use crate::storage::indexeddb::{Commit, OpenError, PassphraseError, Store};
use crate::storage::{self, Outcome, StorageError};
use js_sys::{Function, Object, Promise, Reflect, JSON};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** How `Database.send` rejects: an Error named after the DynamoDB exception. */
export interface DynaplayError extends Error {
    /** The exception's short name, e.g. "ResourceNotFoundException" (same as `name`). */
    code: string;
    /** DynamoDB's full type, e.g. "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException". */
    __type?: string;
    /** The item as it was, when a failed condition asked for it. */
    Item?: Record<string, any>;
    /** For a TransactionCanceledException: per action, in order, why it failed (Code
     *  "None" when it did not), with Message and, for a failed condition that asked, Item. */
    CancellationReasons?: { Code: string; Message?: string; Item?: Record<string, any> }[];
    /** Why a throttled request was throttled, as DynamoDB reports it. */
    ThrottlingReasons?: { reason: string; resource: string }[];
    /** The error response body exactly as DynamoDB's HTTP JSON protocol sends it (JSON
     *  text); absent for errors of the database itself (closed, in use). */
    responseBody?: string;
}

/** Every record a host-persisted database holds (docs/storage-format.md), for `Database.openExternal`. */
export interface StoredSnapshot {
    /** `[key, value]` records of the `meta` store. */
    meta: [string, string][];
    /** `[tableId, key, value]` records of the `items` store. */
    items: [string, string, string][];
}

/** One write of a committed batch, for the commit function of `Database.openExternal`. */
export type StoredWrite =
    | { op: "putMeta"; key: string; value: string }
    | { op: "deleteMeta"; key: string }
    | { op: "putItem"; tableId: string; key: string; value: string }
    | { op: "deleteItem"; tableId: string; key: string }
    | { op: "deleteTableItems"; tableId: string };

/** Per-request options of `Database.send`. */
export interface SendOptions {
    /** Run as this principal (see Dynaplay.PutPrincipal); without one, as the account root. */
    principal?: string;
    /** Run as the principal with this access key id; one no principal has runs as the account root. */
    accessKeyId?: string;
    /** The DAX cluster (made with `Dynaplay.CreateDaxCluster`) to send the request through; see docs/dax.md. */
    dax?: string;
    /** The AWS Region whose endpoint the request reaches (default "us-east-1"). Each
     *  Region has its own tables; a global table's replicas live in several. */
    region?: string;
}

/** Options of `Database.open`. */
export interface OpenOptions {
    /** Creates a new database encrypted with a key derived from this passphrase, and is
     *  needed to open an encrypted one (docs/encryption.md). */
    passphrase?: string;
}

/** Counters of a database's work since it opened. */
export interface DatabaseStats {
    /** Operations sent. */
    requests: number;
    /** Commits to storage (IndexedDB transactions, or calls of the host's commit function), each holding one or more requests' writes. */
    commits: number;
    /** Commits that failed; their requests were rejected and undone. */
    failedCommits: number;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// The options of `Database.open` (the `OpenOptions` interface above).
    #[wasm_bindgen(typescript_type = "OpenOptions")]
    pub type OpenOptions;
}

/// Real time for the engine: `SystemTime` panics on wasm32.
struct JsClock;

impl Clock for JsClock {
    fn now_millis(&self) -> u64 {
        js_sys::Date::now() as u64
    }
}

/// A Dynaplay database, persisted in IndexedDB, persisted by the host's commit function,
/// or kept in memory only.
#[wasm_bindgen]
pub struct Database {
    shared: Rc<Shared>,
}

/// What the JS object and the running flush share.
struct Shared {
    name: String,
    db: RefCell<storage::Database>,
    /// None for an in-memory database, which never queues.
    store: Option<Rc<Backend>>,
    /// Each queued ticket's promise settlers.
    waiting: RefCell<HashMap<u64, Settlers>>,
    /// Passphrase changes waiting for the flush loop, oldest first.
    rekeys: RefCell<VecDeque<Rekey>>,
    /// The batch whose transaction still takes writes, until the flush commits it.
    open: RefCell<Option<OpenBatch>>,
    flushing: Cell<bool>,
    /// Whether the flush was started but has not run yet (it runs once the current
    /// JavaScript task's code is done): nothing is being committed, and requests queued
    /// meanwhile may open a batch.
    flush_starting: Cell<bool>,
    closed: Cell<bool>,
    /// The resolvers of the promises `close()` returned, settled once the store is closed.
    closing: RefCell<Vec<Function>>,
    stats: Cell<Stats>,
}

struct Settlers {
    resolve: Function,
    reject: Function,
}

/// A batch in an IndexedDB transaction that still takes writes.
struct OpenBatch {
    id: u64,
    commit: Commit,
}

/// A `changePassphrase` call waiting its turn.
struct Rekey {
    old: Option<String>,
    new: Option<String>,
    settlers: Settlers,
}

/// Where a persistent database commits its batches.
enum Backend {
    /// The browser's IndexedDB (`Database.open`).
    IndexedDb(Store),
    /// The host's commit function (`Database.openExternal`).
    External(ExternalStore),
}

impl Backend {
    async fn commit(&self, batch: &storage::Batch) -> Result<(), StorageError> {
        match self {
            Backend::IndexedDb(store) => store.commit(batch).await,
            Backend::External(store) => store.commit(batch).await,
        }
    }

    /// Releases the store; the promise resolves once another opener may take it.
    fn close(&self) -> Promise {
        match self {
            Backend::IndexedDb(store) => store.close(),
            Backend::External(_) => Promise::resolve(&JsValue::UNDEFINED),
        }
    }

    /// The IndexedDB store, the only kind a passphrase can encrypt.
    fn indexed_db(&self) -> Option<&Store> {
        match self {
            Backend::IndexedDb(store) => Some(store),
            Backend::External(_) => None,
        }
    }

    /// Where the batches go, for the message of a failed commit.
    fn medium(&self) -> &'static str {
        match self {
            Backend::IndexedDb(_) => "IndexedDB",
            Backend::External(_) => "storage",
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Stats {
    requests: u64,
    commits: u64,
    failed_commits: u64,
}

#[wasm_bindgen]
impl Database {
    /// Opens (or creates) the database `name`, kept in the IndexedDB database
    /// `dynaplay:<name>`. Rejects when another tab or window has it open. With
    /// `{ passphrase }` a new database is encrypted, and an encrypted one needs it.
    pub async fn open(name: String, options: Option<OpenOptions>) -> Result<Database, JsValue> {
        console_error_panic_hook::set_once();
        let passphrase = match options.filter(|options| options.is_object()) {
            Some(options) => passphrase(&Reflect::get(&options, &"passphrase".into())?)?,
            None => None,
        };
        let opened = Store::open(&name, passphrase.as_deref()).await;
        let (store, snapshot) = opened.map_err(|error| open_error(&name, "opened", error))?;
        let db = match storage::Database::open(&snapshot, Box::new(JsClock)) {
            // Items read without their keys that do not open: the items with their keys
            // decide, and name what is wrong.
            Err(_) if snapshot.lacks_keys() => {
                drop(snapshot);
                let snapshot = store.keyed_snapshot().await;
                snapshot.and_then(|snapshot| storage::Database::open(&snapshot, Box::new(JsClock)))
            }
            opened => opened,
        };
        let db = db.map_err(|error| open_error(&name, "opened", OpenError::Storage(error)))?;
        Ok(Self::new(name, db, Some(Rc::new(Backend::IndexedDb(store)))))
    }

    /// Opens a database that the host persists: `snapshot` holds every stored record
    /// (`{meta: [[key, value]...], items: [[tableId, key, value]...]}`, empty for a new
    /// database), and `commit(writes)` stores one batch's writes, all or none, returning
    /// or resolving once they are durable. A request is answered only after the batch
    /// holding its writes has been committed; a failed commit rejects it and undoes it.
    #[wasm_bindgen(js_name = openExternal)]
    pub fn open_external(
        name: String,
        #[wasm_bindgen(unchecked_param_type = "StoredSnapshot")] snapshot: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(writes: StoredWrite[]) => void | Promise<void>")] commit: Function,
    ) -> Result<Database, JsValue> {
        console_error_panic_hook::set_once();
        let opened = external::snapshot_from_js(&snapshot)
            .and_then(|snapshot| storage::Database::open(&snapshot, Box::new(JsClock)));
        let db = opened.map_err(|error| open_error(&name, "opened", OpenError::Storage(error)))?;
        Ok(Self::new(name, db, Some(Rc::new(Backend::External(ExternalStore::new(commit))))))
    }

    /// An ephemeral database in memory only: nothing is stored, and it needs no
    /// IndexedDB (it works in Node too).
    pub fn memory() -> Database {
        console_error_panic_hook::set_once();
        Self::new("memory".into(), storage::Database::ephemeral(Box::new(JsClock)), None)
    }

    fn new(name: String, db: storage::Database, store: Option<Rc<Backend>>) -> Self {
        let shared = Shared {
            name,
            db: RefCell::new(db),
            store,
            waiting: RefCell::default(),
            rekeys: RefCell::default(),
            open: RefCell::default(),
            flushing: Cell::new(false),
            flush_starting: Cell::new(false),
            closed: Cell::new(false),
            closing: RefCell::default(),
            stats: Cell::default(),
        };
        Database { shared: Rc::new(shared) }
    }

    /// Runs one DynamoDB operation (`"PutItem"`, `"Query"`, ...) with its request (a
    /// JSON string or an object). Resolves with the response object once the change is
    /// stored; rejects with a `DynaplayError`. `options` may name the principal to run as
    /// (`{principal: "alice"}`, docs/access-control.md; without one the request runs as
    /// the account root), a DAX cluster to go through and the Region whose endpoint the
    /// request reaches (the home Region, us-east-1, by default).
    #[wasm_bindgen(unchecked_return_type = "Promise<any>")]
    pub fn send(
        &self,
        operation: &str,
        #[wasm_bindgen(unchecked_param_type = "string | object")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SendOptions")] options: Option<Object>,
    ) -> Promise {
        let shared = &self.shared;
        if shared.closed.get() {
            return Promise::reject(&closed_error(&shared.name));
        }
        shared.update_stats(|stats| stats.requests += 1);
        let outcome = request_options(options.as_ref()).and_then(|options| {
            request_body(&request).and_then(|body| shared.db.borrow_mut().execute_with(operation, &body, &options))
        });
        match outcome {
            Ok(Outcome::Ready(response)) => settled(parse_response(&response)),
            Ok(Outcome::Queued { ticket }) => self.queue(ticket),
            Err(error) => Promise::reject(&api_error(&error)),
        }
    }

    /// Closes the database once the requests already sent are stored; later sends
    /// reject. The promise resolves once the database is free for another `open`, in
    /// this tab or another.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn close(&self) -> Promise {
        let shared = &self.shared;
        shared.closed.set(true);
        let closed = Promise::new(&mut |resolve, _reject| shared.closing.borrow_mut().push(resolve));
        if !shared.flushing.get() {
            shared.close_store();
        }
        closed
    }

    /// Counters of the work done since the database opened: how many requests were
    /// sent, and how many IndexedDB commits stored them.
    #[wasm_bindgen(unchecked_return_type = "DatabaseStats")]
    pub fn stats(&self) -> JsValue {
        let Stats { requests, commits, failed_commits } = self.shared.stats.get();
        let json = format!(r#"{{"requests":{requests},"commits":{commits},"failedCommits":{failed_commits}}}"#);
        JSON::parse(&json).unwrap_or(JsValue::UNDEFINED)
    }

    /// Re-encrypts every stored record under a key derived from `new`, in one IndexedDB
    /// transaction between two commits (the one under way finishes first; requests still
    /// waiting are stored after it, under the new key). `old` is the current
    /// passphrase; `null` as `old` encrypts a database kept in clear, `null` as `new`
    /// stores it in clear again. Rejects, changing nothing, when `old` is wrong.
    #[wasm_bindgen(js_name = changePassphrase, unchecked_return_type = "Promise<void>")]
    pub fn change_passphrase(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | null")] old: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null")] new: JsValue,
    ) -> Promise {
        let shared = &self.shared;
        if shared.closed.get() {
            return Promise::reject(&closed_error(&shared.name));
        }
        if shared.store.as_deref().and_then(Backend::indexed_db).is_none() {
            let message = format!("Database '{}' is not kept in IndexedDB, so it cannot be encrypted", shared.name);
            return Promise::reject(&named_error("NotSupportedError", &message));
        }
        let (old, new) = match (passphrase(&old), passphrase(&new)) {
            (Ok(old), Ok(new)) => (old, new),
            (Err(error), _) | (_, Err(error)) => return Promise::reject(&error),
        };
        let promise = Promise::new(&mut |resolve, reject| {
            shared.rekeys.borrow_mut().push_back(Rekey {
                old: old.clone(),
                new: new.clone(),
                settlers: Settlers { resolve, reject },
            });
        });
        self.start_flush();
        promise
    }

    /// Test hook: the next IndexedDB commit aborts after issuing its writes, as a
    /// real storage failure would. Does nothing for an in-memory database.
    #[doc(hidden)]
    #[wasm_bindgen(js_name = failNextCommit, skip_typescript)]
    pub fn fail_next_commit(&self) {
        if let Some(store) = self.shared.store.as_deref().and_then(Backend::indexed_db) {
            store.fail_next_commit();
        }
    }

    /// A promise settled when the ticket's batch commits, and the flush that commits it.
    fn queue(&self, ticket: u64) -> Promise {
        let promise = Promise::new(&mut |resolve, reject| {
            self.shared.waiting.borrow_mut().insert(ticket, Settlers { resolve, reject });
        });
        self.shared.issue_now();
        self.start_flush();
        promise
    }

    /// Starts the flush loop unless it runs.
    fn start_flush(&self) {
        if let Some(store) = &self.shared.store {
            if !self.shared.flushing.replace(true) {
                self.shared.flush_starting.set(true);
                wasm_bindgen_futures::spawn_local(flush(self.shared.clone(), store.clone()));
            }
        }
    }
}

/// A passphrase argument: absent (`undefined` or `null`), or a non-empty string.
fn passphrase(value: &JsValue) -> Result<Option<String>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_string() {
        Some(text) if !text.is_empty() => Ok(Some(text)),
        _ => Err(named_error("TypeError", "A passphrase must be a non-empty string").into()),
    }
}

/// Commits batches and changes passphrases until nothing waits, then closes the store
/// if `close()` came meanwhile. Runs at most once per database at a time.
async fn flush(shared: Rc<Shared>, store: Rc<Backend>) {
    shared.flush_starting.set(false);
    loop {
        let open = shared.open.borrow_mut().take();
        if let Some(OpenBatch { id, mut commit }) = open {
            commit.add(&shared.db.borrow_mut().extend_batch(id));
            shared.settle_batch(id, commit.finish().await, store.medium());
            continue;
        }
        let rekey = shared.rekeys.borrow_mut().pop_front();
        if let Some(Rekey { old, new, settlers }) = rekey {
            let result = match store.indexed_db() {
                Some(indexed_db) => indexed_db.change_passphrase(old.as_deref(), new.as_deref()).await,
                None => Err(OpenError::Storage(StorageError::Backend("only IndexedDB can be encrypted".into()))),
            };
            let _ = match result {
                Ok(()) => settlers.resolve.call0(&JsValue::NULL),
                Err(error) => settlers.reject.call1(&JsValue::NULL, &open_error(&shared.name, "re-encrypted", error)),
            };
            continue;
        }
        let Some(batch) = shared.db.borrow_mut().take_batch() else { break };
        shared.settle_batch(batch.id, store.commit(&batch).await, store.medium());
    }
    shared.flushing.set(false);
    if shared.closed.get() {
        shared.close_store();
    }
}

/// How many queued requests join an open batch's transaction together. A `put()`
/// issued alone, between two requests' engine work, measured 2 to 3 times as costly as
/// one issued in a run (IndexedDB's backend, in another process, is woken for each);
/// 32 at a time still lets the backend store them while the task goes on
/// (docs/performance.md, "Pipelined PutItem").
const ISSUE_CHUNK: usize = 32;

impl Shared {
    /// Puts the writes of the requests queued so far into an IndexedDB transaction while
    /// the task runs: into the open batch once [`ISSUE_CHUNK`] requests wait for it (the
    /// flush adds the rest), or, for the second request a task queues while nothing is
    /// being committed, into a new one holding the first too (a store in clear only, with
    /// no passphrase change waiting). A lone request (an awaited one) leaves its commit to
    /// the flush, which starts it as soon: opening its transaction earlier was measured
    /// to delay its answer.
    fn issue_now(&self) {
        let mut open = self.open.borrow_mut();
        if let Some(batch) = open.as_mut() {
            if self.db.borrow().queued_requests() >= ISSUE_CHUNK {
                batch.commit.add(&self.db.borrow_mut().extend_batch(batch.id));
            }
            return;
        }
        let Some(store) = self.store.as_deref().and_then(Backend::indexed_db) else { return };
        // An encrypted store's writes are encrypted, asynchronously, before any
        // transaction opens: the flush commits them.
        if !self.flush_starting.get() || !self.rekeys.borrow().is_empty() || store.is_encrypted() {
            return;
        }
        let Some(batch) = self.db.borrow_mut().take_batch() else { return };
        *open = Some(OpenBatch { id: batch.id, commit: store.begin(&batch.writes) });
    }

    /// Answers the requests of batch `id`, whose commit ended with `result`.
    fn settle_batch(&self, id: u64, result: Result<(), StorageError>, medium: &str) {
        match result {
            Ok(()) => {
                self.update_stats(|stats| stats.commits += 1);
                let answers = self.db.borrow_mut().commit_succeeded(id);
                answers.into_iter().for_each(|(ticket, response)| self.settle(ticket, parse_response(&response)));
            }
            Err(error) => {
                self.update_stats(|stats| stats.failed_commits += 1);
                let failed = self.db.borrow_mut().commit_failed(id);
                let error = commit_error(medium, &error);
                failed.into_iter().for_each(|ticket| self.settle(ticket, Err(api_error(&error))));
            }
        }
    }

    fn update_stats(&self, change: impl FnOnce(&mut Stats)) {
        let mut stats = self.stats.get();
        change(&mut stats);
        self.stats.set(stats);
    }

    /// Resolves or rejects the promise of `ticket`.
    fn settle(&self, ticket: u64, result: Result<JsValue, JsValue>) {
        let Some(settlers) = self.waiting.borrow_mut().remove(&ticket) else { return };
        let _ = match result {
            Ok(value) => settlers.resolve.call1(&JsValue::NULL, &value),
            Err(error) => settlers.reject.call1(&JsValue::NULL, &error),
        };
    }

    /// Closes the store and settles the promises `close()` returned.
    fn close_store(&self) {
        let released = match &self.store {
            Some(store) => store.close(),
            None => Promise::resolve(&JsValue::UNDEFINED),
        };
        for resolve in self.closing.take() {
            let _ = resolve.call1(&JsValue::NULL, &released);
        }
    }
}

/// The options of one `send`: the members it knows, each ignored unless a string; a
/// `region` must be one Dynaplay simulates.
fn request_options(options: Option<&Object>) -> Result<RequestOptions, Error> {
    let member = |name: &str| options.and_then(|options| Reflect::get(options, &name.into()).ok()?.as_string());
    let region = send_region(options)?;
    Ok(RequestOptions {
        principal: member("principal"),
        access_key_id: member("accessKeyId"),
        dax: member("dax"),
        region: Some(region),
    })
}

/// The Region `send`'s options name: the home Region when they name none.
fn send_region(options: Option<&Object>) -> Result<&'static str, Error> {
    let named = options.and_then(|options| Reflect::get(options, &"region".into()).ok()).filter(|v| !v.is_undefined());
    let Some(name) = named else { return Ok(region::HOME) };
    let name = name.as_string().unwrap_or_default();
    region::named(&name).ok_or_else(|| Error::validation(format!("Dynaplay simulates no Region named '{name}'")))
}

/// The request as JSON text: a string as it is, an object through `JSON.stringify`,
/// nothing as `{}` (as SDKs send an empty input).
fn request_body(request: &JsValue) -> Result<String, Error> {
    if let Some(text) = request.as_string() {
        return Ok(text);
    }
    if request.is_undefined() || request.is_null() {
        return Ok("{}".into());
    }
    let text = JSON::stringify(request).map_err(|error| Error::serialization(message_of(&error)))?;
    text.as_string().ok_or_else(|| Error::serialization("The request is not a JSON object"))
}

/// A response body as the object `send` resolves with.
fn parse_response(response: &str) -> Result<JsValue, JsValue> {
    // Most writes answer `{}`: no text needs to cross into JavaScript for it.
    if response == "{}" {
        return Ok(Object::new().into());
    }
    JSON::parse(response).map_err(|error| {
        api_error(&Error::new(ErrorKind::InternalServerError, format!("Unreadable response: {}", message_of(&error))))
    })
}

fn settled(result: Result<JsValue, JsValue>) -> Promise {
    match result {
        Ok(value) => Promise::resolve(&value),
        Err(error) => Promise::reject(&error),
    }
}

/// What a failed commit tells every request it rejects.
fn commit_error(medium: &str, error: &StorageError) -> Error {
    let message = format!(
        "The change could not be saved to {medium} ({error}); it was not applied and the database is unchanged"
    );
    Error::new(ErrorKind::InternalServerError, message)
}

/// An engine error as the JS Error `send` rejects with.
fn api_error(error: &Error) -> JsValue {
    let js = named_error(error.kind.short_name(), &error.message);
    set(&js, "__type", &error.type_name().into());
    set(&js, "responseBody", &error.to_json().into());
    if let Some(item) = &error.item {
        let item = serde_json::to_string(item).ok().and_then(|json| JSON::parse(&json).ok());
        set(&js, "Item", &item.unwrap_or(JsValue::NULL));
    }
    if error.kind == ErrorKind::TransactionCanceled {
        let reasons = JSON::parse(&json::text(&error.cancellation_reasons_json())).ok();
        set(&js, "CancellationReasons", &reasons.unwrap_or(JsValue::NULL));
    }
    if !error.throttling_reasons.is_empty() {
        let reasons = JSON::parse(&json::text(&error.throttling_reasons_json())).unwrap_or(JsValue::NULL);
        set(&js, "ThrottlingReasons", &reasons);
    }
    js.into()
}

/// Why database `name` could not be `done` ("opened", "re-encrypted").
fn open_error(name: &str, done: &str, error: OpenError) -> JsValue {
    let error = match error {
        OpenError::InUse => named_error(
            "DatabaseInUseError",
            &format!(
                "Database '{name}' is already open in another tab or window of this browser; close it there first"
            ),
        ),
        OpenError::Passphrase(PassphraseError::Required) => named_error(
            "PassphraseRequiredError",
            &format!("Database '{name}' is encrypted: it could not be {done} without its passphrase"),
        ),
        OpenError::Passphrase(PassphraseError::Wrong) => named_error(
            "WrongPassphraseError",
            &format!("Database '{name}' could not be {done}: the passphrase is wrong"),
        ),
        OpenError::Passphrase(PassphraseError::NotEncrypted) => named_error(
            "NotEncryptedError",
            &format!(
                "Database '{name}' is not encrypted, so it takes no passphrase; changePassphrase(null, passphrase) encrypts it"
            ),
        ),
        OpenError::Storage(error) => named_error("StorageError", &format!("Database '{name}' could not be {done}: {error}")),
    };
    error.into()
}

fn closed_error(name: &str) -> JsValue {
    let message = format!("Database '{name}' is closed; open it again with Database.open");
    named_error("DatabaseClosedError", &message).into()
}

/// An `Error` whose `name` and `code` are `name`.
fn named_error(name: &str, message: &str) -> js_sys::Error {
    let error = js_sys::Error::new(message);
    error.set_name(name);
    set(&error, "code", &name.into());
    error
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a fresh Error cannot fail.
    let _ = Reflect::set(target, &key.into(), value);
}

fn message_of(error: &JsValue) -> String {
    Reflect::get(error, &"message".into()).ok().and_then(|message| message.as_string()).unwrap_or_default()
}

/// A PartiQL statement's syntax error, for a console to underline its token: `{message,
/// start, end}` with UTF-16 offsets into the statement, or `null` when it parses.
#[wasm_bindgen(
    js_name = partiqlSyntaxError,
    unchecked_return_type = "{ message: string; start: number; end: number } | null"
)]
pub fn partiql_syntax_error(statement: &str) -> JsValue {
    let Err(error) = crate::partiql::parse(statement) else { return JsValue::NULL };
    let span = error.utf16_span(statement);
    let described = json!({ "message": error.message, "start": span.start, "end": span.end });
    JSON::parse(&json::text(&described)).unwrap_or(JsValue::NULL)
}
