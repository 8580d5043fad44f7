//! The IndexedDB backend: the browser's [`Store`] for one Dynaplay database.
//!
//! Layout (docs/storage-format.md): the IndexedDB database `dynaplay:<name>`, version 1,
//! holds two object stores with out-of-line keys, created once when the database is new:
//! `meta` (string key -> JSON text) and `items` (`[table_id, key_hex]` -> item JSON text).
//! CreateTable only writes records, so no version change ever disconnects another tab.
//!
//! [`Store::open`] takes the tab's Web Lock, opens the database and loads both stores
//! into a [`Snapshot`]; [`Store::commit`] writes one [`Batch`] in one readwrite
//! transaction. The group-commit loop that drives it lives in `wasm.rs`.
//!
//! Plain web-sys rather than indexed_db_futures: the driver needs one open, one load and
//! one transaction kind, and every IndexedDB event becomes a promise simply by handing
//! the promise's own `resolve`/`reject` to `onsuccess`/`oncomplete`/`onabort` (no
//! closures to keep alive). That keeps the code short and the wasm free of a second
//! futures and error layer.

use crate::storage::{Batch, Snapshot, StorageError, StoredItem, Write};
use js_sys::{Array, Function, Object, Promise, Reflect};
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbFactory, IdbKeyRange, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction};

/// The only schema version: both object stores exist from the start.
const VERSION: u32 = 1;
const META: &str = "meta";
const ITEMS: &str = "items";

#[wasm_bindgen]
extern "C" {
    /// An `IDBDatabase`, for the `transaction(stores, mode, options)` overload that
    /// web-sys offers only under `--cfg=web_sys_unstable_apis` (for `durability`).
    type Connection;

    #[wasm_bindgen(method, catch)]
    fn transaction(this: &Connection, stores: &Array, mode: &str, options: &Object) -> Result<IdbTransaction, JsValue>;

    /// `IDBTransaction.commit()`, which web-sys marks deprecated though browsers support
    /// it: the transaction commits as soon as its requests are issued instead of after
    /// the next turn of the event loop (measured: up to 0.2 ms less per acknowledgement).
    type Committable;

    #[wasm_bindgen(method, catch, js_name = commit)]
    fn commit_now(this: &Committable) -> Result<(), JsValue>;

    /// `navigator.locks` (Web Locks); web-sys has it only as an unstable API.
    type LockManager;

    #[wasm_bindgen(method, catch)]
    fn request(this: &LockManager, name: &str, options: &Object, callback: &Function) -> Result<Promise, JsValue>;
}

/// Why a database could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// Another tab or window of this browser has the database open.
    InUse,
    /// IndexedDB failed, or what it holds cannot be read.
    Storage(StorageError),
}

impl From<StorageError> for OpenError {
    fn from(error: StorageError) -> Self {
        OpenError::Storage(error)
    }
}

/// One open IndexedDB database, and the Web Lock that makes this tab its only user.
pub struct Store {
    db: IdbDatabase,
    lock: Cell<Option<Lock>>,
    fail_next_commit: Cell<bool>,
}

impl Store {
    /// Takes the lock for `name`, opens `dynaplay:<name>` (creating it when new) and
    /// loads everything it holds.
    pub async fn open(name: &str) -> Result<(Store, Snapshot), OpenError> {
        let full_name = format!("dynaplay:{name}");
        let lock = Lock::acquire(&full_name).await?;
        let db = open_database(&full_name).await.map_err(backend)?;
        // Another tab wants to delete or upgrade the database: let it, rather than block
        // it forever. Later commits here then fail cleanly ("connection is closing").
        if let Ok(close) = Reflect::get(&db, &"close".into()).and_then(|close| close.dyn_into::<Function>()) {
            db.set_onversionchange(Some(&close.bind0(&db)));
        }
        let store = Store { db, lock: Cell::new(lock), fail_next_commit: Cell::new(false) };
        let snapshot = store.load().await.map_err(backend)?;
        Ok((store, snapshot))
    }

    /// Makes the next commit abort its transaction after issuing every write: a real
    /// IndexedDB failure, for tests of what a failed commit leaves behind.
    pub fn fail_next_commit(&self) {
        self.fail_next_commit.set(true);
    }

    /// Writes the whole batch in one transaction, or nothing.
    pub async fn commit(&self, batch: &Batch) -> Result<(), StorageError> {
        let tx = transaction(&self.db, "readwrite").map_err(backend)?;
        let done = finished(&tx);
        let issued = issue(&tx, &batch.writes);
        if issued.is_err() || self.fail_next_commit.replace(false) {
            let _ = tx.abort();
        } else {
            // Where commit() is missing the transaction still commits on its own once its
            // requests are done, so a failure here changes nothing.
            let _ = tx.unchecked_ref::<Committable>().commit_now();
        }
        let completed = JsFuture::from(done).await;
        match (issued, completed) {
            (Err(error), _) => Err(backend(error)),
            (Ok(()), Ok(_)) => Ok(()),
            (Ok(()), Err(_)) => Err(transaction_error(&tx)),
        }
    }

    /// Closes the connection and releases the lock. The promise resolves once another
    /// opener can take the lock. Idempotent.
    pub fn close(&self) -> Promise {
        self.db.close();
        match self.lock.take() {
            Some(lock) => lock.released.clone(),
            None => Promise::resolve(&JsValue::UNDEFINED),
        }
    }

    async fn load(&self) -> Result<Snapshot, JsValue> {
        let tx = transaction(&self.db, "readonly")?;
        let done = finished(&tx);
        let (meta, items) = (tx.object_store(META)?, tx.object_store(ITEMS)?);
        let requests = [meta.get_all_keys()?, meta.get_all()?, items.get_all_keys()?, items.get_all()?];
        JsFuture::from(done).await?;
        let [meta_keys, meta_values, item_keys, item_values] = requests.map(|request| request.result());
        let meta = pairs(&meta_keys?, &meta_values?, JsValue::as_string)?;
        let items = pairs(&item_keys?, &item_values?, item_key)?;
        let items = items.into_iter().map(|((table_id, key), value)| StoredItem { table_id, key, value }).collect();
        Ok(Snapshot { meta, items })
    }
}

impl Drop for Store {
    /// A database object garbage-collected without `close()` still closes (and its
    /// lock field releases the tab lock).
    fn drop(&mut self) {
        self.db.close();
    }
}

/// A held Web Lock named after the database, released when dropped or when the page
/// goes away. Web Locks exist in secure contexts of every current browser; without
/// them (plain-http pages, old browsers) Dynaplay opens without any lock, and two tabs
/// could then overwrite each other's changes.
struct Lock {
    release: Function,
    /// Settles once the lock manager has let go of the lock.
    released: Promise,
}

impl Lock {
    /// The lock for `name` if no other tab holds it; `Ok(None)` without Web Locks.
    async fn acquire(name: &str) -> Result<Option<Lock>, OpenError> {
        let Some(locks) = lock_manager() else {
            return Ok(None);
        };
        let (held, release) = deferred().map_err(backend)?;
        let (granted, grant) = deferred().map_err(backend)?;
        // The callback gets the lock, or null when another holder has it (ifAvailable);
        // the lock stays held until the promise it returns settles.
        let callback = Closure::<dyn FnMut(JsValue) -> JsValue>::once(move |lock: JsValue| -> JsValue {
            let _ = grant.call1(&JsValue::NULL, &JsValue::from_bool(!lock.is_null()));
            if lock.is_null() {
                JsValue::UNDEFINED
            } else {
                held.into()
            }
        });
        let options = object(&[("ifAvailable", JsValue::TRUE)]).map_err(backend)?;
        let requested = locks.request(name, &options, callback.as_ref().unchecked_ref()).map_err(backend)?;
        // `requested` settles before the callback runs only when the request fails.
        let outcome = JsFuture::from(Promise::race(&Array::of2(&granted, &requested))).await.map_err(backend)?;
        match outcome.as_bool() {
            Some(true) => Ok(Some(Lock { release, released: requested })),
            _ => Err(OpenError::InUse),
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.release.call0(&JsValue::NULL);
    }
}

fn lock_manager() -> Option<LockManager> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).ok()?;
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    (locks.is_object()).then(|| locks.unchecked_into())
}

/// Opens the IndexedDB database, creating both object stores when it is new.
async fn open_database(name: &str) -> Result<IdbDatabase, JsValue> {
    let factory: IdbFactory = Reflect::get(&js_sys::global(), &"indexedDB".into())?
        .dyn_into()
        .map_err(|_| JsValue::from_str("IndexedDB is not available here"))?;
    let request = factory.open_with_u32(name, VERSION)?;
    let upgrade_request = request.clone();
    // Version 1 is the only version, so an upgrade always starts from an empty database.
    // (Our open never upgrades an existing database, so `blocked` cannot fire for it.)
    let upgrade = Closure::<dyn FnMut() -> Result<(), JsValue>>::new(move || {
        let db: IdbDatabase = upgrade_request.result()?.dyn_into()?;
        db.create_object_store(META)?;
        db.create_object_store(ITEMS)?;
        Ok(())
    });
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let opened = JsFuture::from(succeeded(&request)).await;
    request.set_onupgradeneeded(None);
    match opened {
        Ok(_) => request.result()?.dyn_into(),
        Err(_) => Err(request_error(&request)),
    }
}

/// A transaction over both stores. Readwrite commits use relaxed durability (the
/// default of Chrome and Firefox anyway): `complete` fires once the OS has the data,
/// without waiting for a disk flush, so a power cut may lose the last commits but
/// never tears one.
fn transaction(db: &IdbDatabase, mode: &str) -> Result<IdbTransaction, JsValue> {
    let options = object(&[("durability", "relaxed".into())])?;
    db.unchecked_ref::<Connection>().transaction(&Array::of2(&META.into(), &ITEMS.into()), mode, &options)
}

/// Issues every write without awaiting any: IndexedDB runs them in order, and the
/// transaction's completion says they all succeeded.
fn issue(tx: &IdbTransaction, writes: &[Write]) -> Result<(), JsValue> {
    let (meta, items) = (tx.object_store(META)?, tx.object_store(ITEMS)?);
    writes.iter().try_for_each(|write| issue_one(&meta, &items, write).map(drop))
}

fn issue_one(meta: &IdbObjectStore, items: &IdbObjectStore, write: &Write) -> Result<IdbRequest, JsValue> {
    match write {
        Write::PutMeta { key, value } => meta.put_with_key(&value.into(), &key.into()),
        Write::DeleteMeta { key } => meta.delete(&key.into()),
        Write::PutItem { table_id, key, value } => items.put_with_key(&value.into(), &item_key_of(table_id, key)),
        Write::DeleteItem { table_id, key } => items.delete(&item_key_of(table_id, key)),
        Write::DeleteTableItems { table_id } => {
            // Arrays sort after strings, so [id, []] is above every [id, "<hex>"].
            let table_id = JsValue::from_str(table_id);
            let range = IdbKeyRange::bound(&Array::of1(&table_id), &Array::of2(&table_id, &Array::new()))?;
            items.delete(&range)
        }
    }
}

fn item_key_of(table_id: &str, key: &str) -> JsValue {
    Array::of2(&table_id.into(), &key.into()).into()
}

/// Zips the results of `getAllKeys` and `getAll` (both in key order) into records.
fn pairs<K>(
    keys: &JsValue,
    values: &JsValue,
    decode_key: fn(&JsValue) -> Option<K>,
) -> Result<Vec<(K, String)>, JsValue> {
    let (keys, values) = (Array::from(keys), Array::from(values));
    let corrupt = || JsValue::from_str("a record's key or value has the wrong type");
    keys.iter()
        .zip(values.iter())
        .map(|(key, value)| Ok((decode_key(&key).ok_or_else(corrupt)?, value.as_string().ok_or_else(corrupt)?)))
        .collect()
}

/// An `items` key: `[table_id, key_hex]`.
fn item_key(value: &JsValue) -> Option<(String, String)> {
    let parts = value.dyn_ref::<Array>().filter(|parts| parts.length() == 2)?;
    Some((parts.get(0).as_string()?, parts.get(1).as_string()?))
}

/// Resolves when the request succeeds, rejects when it fails.
fn succeeded(request: &IdbOpenDbRequest) -> Promise {
    Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    })
}

/// Resolves when the transaction completes, rejects when it aborts (a failed request
/// that nobody handles aborts it too).
fn finished(tx: &IdbTransaction) -> Promise {
    Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onabort(Some(&reject));
    })
}

/// A pending promise and the function that resolves it.
fn deferred() -> Result<(Promise, Function), JsValue> {
    let mut resolver = None;
    let promise = Promise::new(&mut |resolve, _reject| resolver = Some(resolve));
    resolver.map(|resolve| (promise, resolve)).ok_or_else(|| "Promise did not run its executor".into())
}

fn object(fields: &[(&str, JsValue)]) -> Result<Object, JsValue> {
    let object = Object::new();
    for (name, value) in fields {
        Reflect::set(&object, &(*name).into(), value)?;
    }
    Ok(object)
}

/// Why a transaction aborted: its error (QuotaExceededError, ...), none if aborted on
/// purpose.
fn transaction_error(tx: &IdbTransaction) -> StorageError {
    match tx.error() {
        Some(error) => backend(error.into()),
        None => StorageError::Backend("the transaction was aborted".into()),
    }
}

fn request_error(request: &IdbOpenDbRequest) -> JsValue {
    match request.error() {
        Ok(Some(error)) => error.into(),
        _ => "the open request failed".into(),
    }
}

/// A JS error (DOMException, Error or string) as a backend failure: "Name: message".
fn backend(error: JsValue) -> StorageError {
    let field = |name: &str| Reflect::get(&error, &name.into()).ok().and_then(|value| value.as_string());
    let reason = match (field("name"), field("message")) {
        // Chromium aborts a transaction over quota with an empty message.
        (Some(name), Some(message)) if name == "QuotaExceededError" && message.is_empty() => {
            format!("{name}: the browser's storage quota for this site is used up")
        }
        (Some(name), Some(message)) if message.is_empty() => name,
        (Some(name), Some(message)) => format!("{name}: {message}"),
        (_, Some(message)) => message,
        _ => error.as_string().unwrap_or_else(|| format!("{error:?}")),
    };
    StorageError::Backend(reason)
}
