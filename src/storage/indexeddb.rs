//! The IndexedDB backend: the browser's [`Store`] for one Dynaplay database.
//!
//! Layout (docs/storage-format.md): the IndexedDB database `dynaplay:<name>`, version 1,
//! holds two object stores with out-of-line keys, created once when the database is new:
//! `meta` (string key -> JSON text) and `items` (`[table_id, key_hex]` -> item JSON text).
//! CreateTable only writes records, so no version change ever disconnects another tab.
//!
//! [`Store::open`] takes the tab's Web Lock, opens the database and loads both stores
//! into a [`Snapshot`] (the items of a store in clear without their keys, which the
//! restore computes); [`Store::commit`] writes one [`Batch`] in one readwrite
//! transaction. The group-commit loop that drives it lives in `wasm.rs`.
//!
//! A database opened with a passphrase is encrypted (docs/encryption.md, `cipher.rs`):
//! every record's name and value are encrypted before its transaction opens (an
//! IndexedDB transaction commits by itself across an await on anything but IndexedDB),
//! and decrypted after the load; [`Store::change_passphrase`] re-encrypts every record
//! in one transaction.
//!
//! Plain web-sys rather than indexed_db_futures: the driver needs one open, one load and
//! one transaction kind, and every IndexedDB event becomes a promise simply by handing
//! the promise's own `resolve`/`reject` to `onsuccess`/`oncomplete`/`onabort` (no
//! closures to keep alive). That keeps the code short and the wasm free of a second
//! futures and error layer.

mod cipher;

pub use cipher::PassphraseError;

use crate::storage::records::{is_table_record, table_id_in};
use crate::storage::{pack, unpack, Batch, Snapshot, StorageError, StoredItem, Write};
use cipher::{Keys, ENVELOPE_KEY};
use js_sys::{Array, Function, Object, Promise, Reflect};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
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

/// Why a database could not be opened, or its passphrase not changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// Another tab or window of this browser has the database open.
    InUse,
    /// The passphrase given does not fit the database.
    Passphrase(PassphraseError),
    /// IndexedDB failed, or what it holds cannot be read.
    Storage(StorageError),
}

impl From<StorageError> for OpenError {
    fn from(error: StorageError) -> Self {
        OpenError::Storage(error)
    }
}

impl From<PassphraseError> for OpenError {
    fn from(error: PassphraseError) -> Self {
        OpenError::Passphrase(error)
    }
}

/// One open IndexedDB database, and the Web Lock that makes this tab its only user.
pub struct Store {
    db: IdbDatabase,
    lock: Cell<Option<Lock>>,
    /// Set by [`Store::fail_next_commit`]; shared with the open [`Commit`], which reads it
    /// when it commits.
    fail_next_commit: Rc<Cell<bool>>,
    /// The keys of an encrypted database; None for one stored in clear.
    keys: RefCell<Option<Rc<Keys>>>,
}

impl Store {
    /// Takes the lock for `name`, opens `dynaplay:<name>` (creating it when new,
    /// encrypted when a passphrase is given) and loads everything it holds. A passphrase
    /// that does not fit the database changes nothing.
    pub async fn open(name: &str, passphrase: Option<&str>) -> Result<(Store, Snapshot), OpenError> {
        let full_name = format!("dynaplay:{name}");
        let lock = Lock::acquire(&full_name).await?;
        let db = open_database(&full_name).await.map_err(backend)?;
        // Another tab wants to delete or upgrade the database: let it, rather than block
        // it forever. Later commits here then fail cleanly ("connection is closing").
        if let Ok(close) = Reflect::get(&db, &"close".into()).and_then(|close| close.dyn_into::<Function>()) {
            db.set_onversionchange(Some(&close.bind0(&db)));
        }
        let store = Store { db, lock: Cell::new(lock), fail_next_commit: Rc::default(), keys: RefCell::new(None) };
        match store.unlock(passphrase).await {
            Ok(snapshot) => Ok((store, snapshot)),
            Err(error) => {
                // Free the lock before answering, so that an open right after can take it.
                let _ = JsFuture::from(store.close()).await;
                Err(error)
            }
        }
    }

    /// Loads everything, with the keys `passphrase` unlocks (or creates, for a new store).
    /// An encrypted store's key derivation (hundreds of milliseconds, by design) runs
    /// while IndexedDB reads its items.
    async fn unlock(&self, passphrase: Option<&str>) -> Result<Snapshot, OpenError> {
        let loading = self.start_load().await.map_err(backend)?;
        let unlocked = keys_for(loading.envelope(), passphrase).await;
        let stored = loading.finish(self).await.map_err(backend)?;
        let keys = match passphrase {
            Some(passphrase) if stored.is_empty() => {
                let keys = Keys::create(passphrase).await.map_err(backend)?;
                self.run(&[envelope_request(&keys)]).await?;
                Some(keys)
            }
            _ => unlocked?,
        };
        let snapshot = stored.decrypt(keys.as_ref()).await?;
        self.keys.replace(keys.map(Rc::new));
        Ok(snapshot)
    }

    /// Makes the next commit abort its transaction after issuing every write: a real
    /// IndexedDB failure, for tests of what a failed commit leaves behind.
    pub fn fail_next_commit(&self) {
        self.fail_next_commit.set(true);
    }

    /// Writes the whole batch in one transaction, or nothing.
    pub async fn commit(&self, batch: &Batch) -> Result<(), StorageError> {
        let keys = self.keys.borrow().clone();
        let requests = requests_for(keys.as_deref(), &batch.writes).await.map_err(backend)?;
        self.run(&requests).await
    }

    /// Whether records are encrypted (the store was opened with a passphrase).
    pub fn is_encrypted(&self) -> bool {
        self.keys.borrow().is_some()
    }

    /// Opens a transaction and issues `writes` in it at once, for [`Commit::add`] to add
    /// more while the JavaScript task that opened it runs. A store in clear only: an
    /// encrypted store's writes are encrypted (asynchronously) before any transaction
    /// opens, so its commit fails.
    pub fn begin(&self, writes: &[Write]) -> Commit {
        let open = match self.is_encrypted() {
            true => Err(StorageError::Backend("an encrypted store cannot take writes in clear".into())),
            false => self.open_transaction(),
        };
        let mut commit = Commit { open, fail_next: self.fail_next_commit.clone() };
        commit.add(writes);
        commit
    }

    /// Re-encrypts every record under `new` (None: stores them in clear) in one
    /// transaction, if `old` is the current passphrase (None for a database in clear).
    /// Changes nothing otherwise. Callers must not commit meanwhile.
    pub async fn change_passphrase(&self, old: Option<&str>, new: Option<&str>) -> Result<(), OpenError> {
        let stored = self.load().await.map_err(backend)?;
        let current = keys_for(envelope_in(&stored.meta), old).await?;
        let snapshot = stored.decrypt(current.as_ref()).await?;
        let keys = match new {
            Some(passphrase) => Some(Keys::create(passphrase).await.map_err(backend)?),
            None => None,
        };
        let meta = snapshot.meta.into_iter().map(|(key, value)| Write::PutMeta { key, value });
        let items = snapshot.items.into_iter().map(|item| {
            let key = item.key.ok_or_else(|| corrupt("an item was read without its key"))?;
            Ok(Write::PutItem { table_id: Rc::from(item.table_id), key, value: item.value })
        });
        let writes: Vec<Write> = meta.map(Ok).chain(items).collect::<Result<_, StorageError>>()?;
        let mut requests = vec![Request::Clear { area: Area::Meta }, Request::Clear { area: Area::Items }];
        requests.extend(keys.as_ref().map(envelope_request));
        requests.extend(requests_for(keys.as_ref(), &writes).await.map_err(backend)?);
        self.run(&requests).await?;
        self.keys.replace(keys.map(Rc::new));
        Ok(())
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

    /// Runs `requests` in one readwrite transaction: all of them, or none.
    async fn run(&self, requests: &[Request]) -> Result<(), StorageError> {
        let mut open = self.open_transaction()?;
        open.issue(requests);
        open.finish(self.fail_next_commit.replace(false)).await
    }

    fn open_transaction(&self) -> Result<Open, StorageError> {
        let tx = transaction(&self.db, "readwrite").map_err(backend)?;
        Ok(Open { done: finished(&tx), tx, issued: Ok(()) })
    }

    /// Every record, as stored.
    async fn load(&self) -> Result<Stored, JsValue> {
        let tx = transaction(&self.db, "readonly")?;
        let done = finished(&tx);
        let (meta, items) = (tx.object_store(META)?, tx.object_store(ITEMS)?);
        let requests = [meta.get_all_keys()?, meta.get_all()?, items.get_all_keys()?, items.get_all()?];
        JsFuture::from(done).await?;
        let [meta_keys, meta_values, item_keys, item_values] = requests.map(|request| request.result());
        let meta = pairs(&meta_keys?, &meta_values?, JsValue::as_string)?;
        let items = keyed_items(&item_keys?, &item_values?)?;
        Ok(Stored { meta, items })
    }

    /// Reads `meta` and starts reading the items, of a store in clear without their keys
    /// when that is safe: `getAllKeys` of the items was a fifth of a cold open
    /// (docs/performance.md). One readonly transaction reads `meta`, then each table's
    /// items by its TableId's key range, and counts the records outside those ranges
    /// (see [`Loading::finish`]). A readonly transaction stays active while a request's
    /// continuation issues the next.
    async fn start_load(&self) -> Result<Loading, JsValue> {
        let tx = transaction(&self.db, "readonly")?;
        let (meta, items) = (tx.object_store(META)?, tx.object_store(ITEMS)?);
        let meta_keys = meta.get_all_keys()?;
        let meta_values = meta.get_all()?;
        JsFuture::from(settled(&meta_values)).await?;
        let meta = pairs(&meta_keys.result()?, &meta_values.result()?, JsValue::as_string)?;
        let table_ids = match meta.iter().any(|(key, _)| key == ENVELOPE_KEY) {
            // An encrypted store's `meta` is sealed, so its TableIds are unknown here.
            true => None,
            false => table_ids(&meta),
        };
        let reads = match table_ids {
            Some(table_ids) => ItemReads::by_table(&items, table_ids)?,
            None => ItemReads::keyed(&items)?,
        };
        Ok(Loading { meta, reads })
    }

    /// Everything the store holds, items with their keys: for an open whose items read
    /// without keys did not open (see [`Snapshot::lacks_keys`]).
    pub async fn keyed_snapshot(&self) -> Result<Snapshot, StorageError> {
        let stored = self.load().await.map_err(backend)?;
        let keys = self.keys.borrow().clone();
        stored.decrypt(keys.as_deref()).await
    }
}

/// The envelope record of an encrypted database, from its `meta` records.
fn envelope_in(meta: &[(String, JsValue)]) -> Option<String> {
    meta.iter().find(|(key, _)| key == ENVELOPE_KEY).and_then(|(_, value)| value.as_string())
}

/// The keys `passphrase` unlocks with a store's `envelope`: None for a database in clear
/// opened without one.
async fn keys_for(envelope: Option<String>, passphrase: Option<&str>) -> Result<Option<Keys>, OpenError> {
    match (envelope, passphrase) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(PassphraseError::Required.into()),
        (None, Some(_)) => Err(PassphraseError::NotEncrypted.into()),
        (Some(envelope), Some(passphrase)) => Ok(Some(Keys::unlock(&envelope, passphrase).await.map_err(backend)??)),
    }
}

/// A readwrite transaction taking requests: the first that fails to issue dooms it.
struct Open {
    tx: IdbTransaction,
    done: Promise,
    issued: Result<(), JsValue>,
}

impl Open {
    fn issue(&mut self, requests: &[Request]) {
        if self.issued.is_ok() {
            self.issued = issue(&self.tx, requests);
        }
    }

    /// Commits what was issued (aborts instead when an issue failed or `fail` says to)
    /// and waits for the outcome.
    async fn finish(self, fail: bool) -> Result<(), StorageError> {
        if self.issued.is_err() || fail {
            let _ = self.tx.abort();
        } else {
            // Where commit() is missing the transaction still commits on its own once its
            // requests are done, so a failure here changes nothing.
            let _ = self.tx.unchecked_ref::<Committable>().commit_now();
        }
        let completed = JsFuture::from(self.done).await;
        match (self.issued, completed) {
            (Err(error), _) => Err(backend(error)),
            (Ok(()), Ok(_)) => Ok(()),
            (Ok(()), Err(_)) => Err(transaction_error(&self.tx)),
        }
    }
}

/// A batch's transaction of a store in clear, open while the JavaScript task that
/// began it runs ([`Store::begin`]): IndexedDB stores its writes while the task goes on
/// executing requests, whose writes join it, until [`Commit::finish`].
pub struct Commit {
    /// The transaction, or why it could not open.
    open: Result<Open, StorageError>,
    /// The store's test hook [`Store::fail_next_commit`]: it aborts this commit when set
    /// by the time the commit starts.
    fail_next: Rc<Cell<bool>>,
}

impl Commit {
    /// Issues more writes of the batch.
    pub fn add(&mut self, writes: &[Write]) {
        if let Ok(open) = &mut self.open {
            let requests = writes.iter().map(plain_request).collect::<Result<Vec<_>, _>>();
            match requests {
                Ok(requests) => open.issue(&requests),
                Err(error) => open.issued = Err(error),
            }
        }
    }

    /// Commits every write added, or none, and waits for the outcome.
    pub async fn finish(self) -> Result<(), StorageError> {
        self.open?.finish(self.fail_next.replace(false)).await
    }
}

/// An open's load under way: `meta` read, the items' reads issued.
struct Loading {
    meta: Vec<(String, JsValue)>,
    reads: ItemReads,
}

/// The items' reads of an open, issued; each holds the promise of its last request,
/// made when the request was issued so that its success is not missed.
enum ItemReads {
    /// Each table's items by its key range, and the counts of the records in the gaps
    /// between the ranges (see [`gaps`]).
    ByTable { table_ids: Vec<String>, tables: Vec<IdbRequest>, outside: Vec<IdbRequest>, done: Promise },
    /// Every item with its key.
    Keyed { keys: IdbRequest, values: IdbRequest, done: Promise },
}

impl ItemReads {
    fn by_table(items: &IdbObjectStore, table_ids: Vec<String>) -> Result<ItemReads, JsValue> {
        let tables = table_ids
            .iter()
            .map(|table_id| items.get_all_with_key(&table_range(table_id)?.into()))
            .collect::<Result<Vec<_>, JsValue>>()?;
        // Counted over the gaps rather than the whole store: a count may walk every
        // record it counts, and the gaps hold none.
        let outside = gaps(&table_ids)?
            .iter()
            .map(|gap| gap.as_ref().map_or_else(|| items.count(), |gap| items.count_with_key(gap)))
            .collect::<Result<Vec<_>, _>>()?;
        let last = outside.last().ok_or("no gap to count")?;
        Ok(ItemReads::ByTable { done: settled(last), table_ids, tables, outside })
    }

    fn keyed(items: &IdbObjectStore) -> Result<ItemReads, JsValue> {
        let keys = items.get_all_keys()?;
        let values = items.get_all()?;
        Ok(ItemReads::Keyed { done: settled(&values), keys, values })
    }
}

impl Loading {
    fn envelope(&self) -> Option<String> {
        envelope_in(&self.meta)
    }

    /// Every record, as stored. Items read by table come without their keys unless
    /// records lie outside every table's range (an item of no table; or a table record
    /// that does not decode): then [`Store::load`] reads them all again with their keys.
    async fn finish(self, store: &Store) -> Result<Stored, JsValue> {
        let Loading { meta, reads } = self;
        match reads {
            ItemReads::Keyed { keys, values, done } => {
                JsFuture::from(done).await?;
                Ok(Stored { meta, items: keyed_items(&keys.result()?, &values.result()?)? })
            }
            ItemReads::ByTable { table_ids, tables, outside, done } => {
                JsFuture::from(done).await?;
                let counts = outside.iter().map(|count| count.result()).collect::<Result<Vec<_>, _>>()?;
                if !counts.iter().all(|count| count.as_f64() == Some(0.0)) {
                    return store.load().await;
                }
                let mut items = Vec::new();
                for (table_id, request) in table_ids.iter().zip(&tables) {
                    let values = request.result()?.dyn_into::<Array>()?;
                    items.extend(values.iter().map(|value| (table_id.clone(), None, value)));
                }
                Ok(Stored { meta, items })
            }
        }
    }
}

/// What the object stores hold, as loaded: values not yet decrypted.
struct Stored {
    meta: Vec<(String, JsValue)>,
    /// TableId, hex key code (None when read without keys), value.
    items: Vec<(String, Option<String>, JsValue)>,
}

impl Stored {
    fn is_empty(&self) -> bool {
        self.meta.is_empty() && self.items.is_empty()
    }

    /// The records in clear; `meta` in the order a database in clear holds them.
    async fn decrypt(self, keys: Option<&Keys>) -> Result<Snapshot, StorageError> {
        let Some(keys) = keys else {
            let text = |value: JsValue| value.as_string().ok_or_else(|| corrupt("a record's value is not text"));
            let meta = self.meta.into_iter().map(|(key, value)| Ok((key, text(value)?))).collect::<Result<_, _>>()?;
            let items = self
                .items
                .into_iter()
                .map(|(table_id, key, value)| Ok(StoredItem { table_id, key, value: text(value)? }));
            return Ok(Snapshot { meta, items: items.collect::<Result<_, StorageError>>()? });
        };
        let meta_values: Vec<JsValue> =
            self.meta.into_iter().filter(|(key, _)| key != ENVELOPE_KEY).map(|(_, value)| value).collect();
        let (table_ids, item_values): (Vec<String>, Vec<JsValue>) =
            self.items.into_iter().map(|(table_id, _, value)| (table_id, value)).unzip();
        let unreadable = |error: JsValue| corrupt(&format!("a record does not decrypt ({})", message(&error)));
        let meta_texts = keys.open_all(&meta_values).map_err(unreadable)?;
        let item_texts = keys.open_all(&item_values).map_err(unreadable)?;
        let (meta_texts, item_texts) =
            (meta_texts.finish().await.map_err(unreadable)?, item_texts.finish().await.map_err(unreadable)?);
        let unpacked = |text: &str| {
            unpack(text)
                .map(|(key, value)| (key.to_string(), value.to_string()))
                .ok_or_else(|| corrupt("a decrypted record is malformed"))
        };
        let mut meta = meta_texts.iter().map(|text| unpacked(text)).collect::<Result<Vec<_>, _>>()?;
        let items = table_ids
            .into_iter()
            .zip(&item_texts)
            .map(|(table_id, text)| {
                let (name, value) = unpacked(text)?;
                match name.split_once('/') {
                    Some((sealed_table_id, key)) if sealed_table_id == table_id => {
                        Ok(StoredItem { table_id, key: Some(key.to_string()), value })
                    }
                    _ => Err(corrupt("an item record is not in its table")),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        // Listings built from `meta` records (backups, exports) follow their key order;
        // items go into ordered maps, so their order does not matter.
        meta.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Ok(Snapshot { meta, items })
    }
}

/// Which object store a request goes to.
#[derive(Clone, Copy)]
enum Area {
    /// `meta`: settings, stream records, backups, ...
    Meta,
    /// `items`: the tables' items.
    Items,
}

/// One request of a readwrite transaction, keys and values ready for IndexedDB.
enum Request {
    /// Stores `value` under `key`.
    Put { area: Area, key: JsValue, value: JsValue },
    /// Removes the record at `key`, or every record in a key range.
    Delete { area: Area, key: JsValue },
    /// Removes every record.
    Clear { area: Area },
}

/// Stores the envelope record of an encrypted database (in clear).
fn envelope_request(keys: &Keys) -> Request {
    Request::Put { area: Area::Meta, key: ENVELOPE_KEY.into(), value: keys.envelope().into() }
}

/// The requests that carry out `writes`, encrypted with `keys` when there are keys.
async fn requests_for(keys: Option<&Keys>, writes: &[Write]) -> Result<Vec<Request>, JsValue> {
    let Some(keys) = keys else {
        return writes.iter().map(plain_request).collect();
    };
    let names: Vec<String> = writes.iter().filter_map(hidden_name).collect();
    let texts: Vec<String> = writes.iter().filter_map(sealed_text).collect();
    let (names, texts) = (keys.name_all(&names)?, keys.seal_all(&texts)?);
    let (mut names, mut values) = (names.finish().await?.into_iter(), texts.finish().await?.into_iter());
    writes
        .iter()
        .map(|write| {
            let name = match write.name() {
                Some(_) => names.next().ok_or_else(|| JsValue::from_str("a record name is missing"))?,
                None => String::new(),
            };
            request_of(write, &name, write.value().and_then(|_| values.next()).map(JsValue::from))
        })
        .collect()
}

/// The request of a write to a database in clear: its record under its own name.
fn plain_request(write: &Write) -> Result<Request, JsValue> {
    request_of(write, write.name().unwrap_or_default(), write.value().map(JsValue::from_str))
}

/// The request that carries out `write` on the record called `name` (a put storing
/// `value`): in clear the write's own key and text, encrypted its hidden name and sealed
/// text.
fn request_of(write: &Write, name: &str, value: Option<JsValue>) -> Result<Request, JsValue> {
    let value = || value.ok_or_else(|| JsValue::from_str("a record value is missing"));
    Ok(match write {
        Write::PutMeta { .. } => Request::Put { area: Area::Meta, key: name.into(), value: value()? },
        Write::DeleteMeta { .. } => Request::Delete { area: Area::Meta, key: name.into() },
        Write::PutItem { table_id, .. } => {
            Request::Put { area: Area::Items, key: item_key_of(table_id, name), value: value()? }
        }
        Write::DeleteItem { table_id, .. } => Request::Delete { area: Area::Items, key: item_key_of(table_id, name) },
        Write::DeleteTableItems { table_id } => table_items_request(table_id)?,
    })
}

/// Deletes every item of a table: its TableId stays in clear, so it is a key range in
/// both kinds of database.
fn table_items_request(table_id: &str) -> Result<Request, JsValue> {
    Ok(Request::Delete { area: Area::Items, key: table_range(table_id)?.into() })
}

/// The key range of every item of a table.
fn table_range(table_id: &str) -> Result<IdbKeyRange, JsValue> {
    IdbKeyRange::bound(&table_start(table_id), &table_end(table_id))
}

/// The lowest key of a table's range: `[id]`, below every `[id, "<name>"]`.
fn table_start(table_id: &str) -> JsValue {
    Array::of1(&table_id.into()).into()
}

/// The highest key of a table's range: arrays sort after strings, so `[id, []]` is
/// above every `[id, "<name>"]`.
fn table_end(table_id: &str) -> JsValue {
    Array::of2(&table_id.into(), &Array::new()).into()
}

/// The key ranges of the `items` store that no table's range covers: below the first,
/// between each two and above the last (every key of another type than an array sorts
/// below the first); with no table, none is covered (an unbounded count). `table_ids`
/// are in IndexedDB's key order.
fn gaps(table_ids: &[String]) -> Result<Vec<Option<IdbKeyRange>>, JsValue> {
    let (Some(first), Some(last)) = (table_ids.first(), table_ids.last()) else {
        return Ok(vec![None]);
    };
    let mut gaps = vec![IdbKeyRange::upper_bound_with_open(&table_start(first), true)?];
    for pair in table_ids.windows(2) {
        if let [below, above] = pair {
            gaps.push(IdbKeyRange::bound_with_lower_open_and_upper_open(
                &table_end(below),
                &table_start(above),
                true,
                true,
            )?);
        }
    }
    gaps.push(IdbKeyRange::lower_bound_with_open(&table_end(last), true)?);
    Ok(gaps.into_iter().map(Some).collect())
}

/// The TableIds of a store in clear's tables, from its `meta` records, once each and
/// in IndexedDB's key order (strings compare by UTF-16 code units); None when a table
/// record does not decode.
fn table_ids(meta: &[(String, JsValue)]) -> Option<Vec<String>> {
    let tables = meta.iter().filter(|(key, _)| is_table_record(key));
    let mut ids = tables.map(|(_, value)| table_id_in(&value.as_string()?)).collect::<Option<Vec<_>>>()?;
    ids.sort_unstable_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
    ids.dedup();
    Some(ids)
}

/// What a record's hidden name is computed from: its real name, with what store it is
/// in, so that equal names in two stores or two tables give unrelated hidden names.
fn hidden_name(write: &Write) -> Option<String> {
    match write {
        Write::PutMeta { key, .. } | Write::DeleteMeta { key } => Some(format!("meta\0{key}")),
        Write::PutItem { table_id, key, .. } | Write::DeleteItem { table_id, key } => {
            Some(format!("item\0{table_id}\0{key}"))
        }
        Write::DeleteTableItems { .. } => None,
    }
}

/// The text a put encrypts: the record's real name and its value.
fn sealed_text(write: &Write) -> Option<String> {
    match write {
        Write::PutMeta { key, value } => Some(pack(key, value)),
        // The TableId goes inside too, so that a record moved to another table's key
        // range is caught when it opens.
        Write::PutItem { table_id, key, value } => Some(pack(&format!("{table_id}/{key}"), value)),
        _ => None,
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
    let opened = JsFuture::from(settled(&request)).await;
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

/// Issues every request without awaiting any: IndexedDB runs them in order, and the
/// transaction's completion says they all succeeded.
fn issue(tx: &IdbTransaction, requests: &[Request]) -> Result<(), JsValue> {
    let (meta, items) = (tx.object_store(META)?, tx.object_store(ITEMS)?);
    let store = |area: &Area| match area {
        Area::Meta => &meta,
        Area::Items => &items,
    };
    requests.iter().try_for_each(|request| {
        match request {
            Request::Put { area, key, value } => store(area).put_with_key(value, key),
            Request::Delete { area, key } => store(area).delete(key),
            Request::Clear { area } => store(area).clear(),
        }
        .map(drop)
    })
}

fn item_key_of(table_id: &str, key: &str) -> JsValue {
    Array::of2(&table_id.into(), &key.into()).into()
}

/// Zips the results of `getAllKeys` and `getAll` (both in key order) into records.
fn pairs<K>(
    keys: &JsValue,
    values: &JsValue,
    decode_key: fn(&JsValue) -> Option<K>,
) -> Result<Vec<(K, JsValue)>, JsValue> {
    let (keys, values) = (Array::from(keys), Array::from(values));
    let corrupt = || JsValue::from_str("a record's key has the wrong type");
    keys.iter().zip(values.iter()).map(|(key, value)| Ok((decode_key(&key).ok_or_else(corrupt)?, value))).collect()
}

/// The items read with their keys, from the results of `getAllKeys` and `getAll`.
fn keyed_items(keys: &JsValue, values: &JsValue) -> Result<Vec<(String, Option<String>, JsValue)>, JsValue> {
    let items = pairs(keys, values, item_key)?;
    Ok(items.into_iter().map(|((table_id, key), value)| (table_id, Some(key), value)).collect())
}

/// An `items` key: `[table_id, key_hex]`.
fn item_key(value: &JsValue) -> Option<(String, String)> {
    let parts = value.dyn_ref::<Array>().filter(|parts| parts.length() == 2)?;
    Some((parts.get(0).as_string()?, parts.get(1).as_string()?))
}

/// Resolves when the request succeeds, rejects when it fails.
fn settled(request: &IdbRequest) -> Promise {
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

fn corrupt(what: &str) -> StorageError {
    StorageError::Corrupt(what.to_string())
}

/// A JS error (DOMException, Error or string) as a backend failure: "Name: message".
fn backend(error: JsValue) -> StorageError {
    StorageError::Backend(message(&error))
}

/// A JS error (DOMException, Error or string) as text: "Name: message".
fn message(error: &JsValue) -> String {
    let field = |name: &str| Reflect::get(error, &name.into()).ok().and_then(|value| value.as_string());
    match (field("name"), field("message")) {
        // Chromium aborts a transaction over quota with an empty message.
        (Some(name), Some(message)) if name == "QuotaExceededError" && message.is_empty() => {
            format!("{name}: the browser's storage quota for this site is used up")
        }
        (Some(name), Some(message)) if message.is_empty() => name,
        (Some(name), Some(message)) => format!("{name}: {message}"),
        (_, Some(message)) => message,
        _ => error.as_string().unwrap_or_else(|| format!("{error:?}")),
    }
}
