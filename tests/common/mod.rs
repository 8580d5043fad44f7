//! A native driver for `storage::Database` over the mirror `MemoryStore`, the way the
//! IndexedDB driver runs it in the browser, for tests.

use dynaplay::api::RequestOptions;
use dynaplay::clock::ManualClock;
use dynaplay::engine::history::HistoryEntry;
use dynaplay::engine::{Backup, Table, TableMeta};
use dynaplay::global::{PendingWrite, Replica};
use dynaplay::kinesis::{DataRecord, DataStream};
use dynaplay::model::{Item, KeyCode};
use dynaplay::region;
use dynaplay::storage::memory::MemoryStore;
use dynaplay::storage::{Database, Outcome};
use dynaplay::Error;

/// The fixed time every test database starts at (2023-11-14T22:13:20Z).
pub const START_MILLIS: u64 = 1_700_000_000_000;

pub struct Harness {
    pub db: Database,
    pub store: MemoryStore,
    pub clock: ManualClock,
}

impl Harness {
    pub fn new() -> Self {
        let clock = ManualClock::new(START_MILLIS);
        let store = MemoryStore::default();
        let db = Database::open(&store.snapshot(), Box::new(clock.clone())).expect("an empty store opens");
        Harness { db, store, clock }
    }

    /// Runs one request and commits what it queued; the response once durable. (Not
    /// every test binary sends as the root.)
    #[allow(dead_code)]
    pub fn send(&mut self, operation: &str, body: &str) -> Result<String, Error> {
        self.send_with(operation, body, &RequestOptions::default())
    }

    /// [`Harness::send`] to the endpoint of `region` (the home Region when None). (Not
    /// every test binary names Regions.)
    #[allow(dead_code)]
    pub fn send_in(&mut self, region: Option<&str>, operation: &str, body: &str) -> Result<String, Error> {
        self.send_with(
            operation,
            body,
            &RequestOptions { region: Some(named_region(region)), ..RequestOptions::default() },
        )
    }

    /// [`Harness::send`] with request options (the Region, the principal it runs as).
    #[allow(dead_code)]
    pub fn send_with(&mut self, operation: &str, body: &str, options: &RequestOptions) -> Result<String, Error> {
        match self.db.execute_with(operation, body, options)? {
            Outcome::Ready(response) => Ok(response),
            Outcome::Queued { ticket } => Ok(self.flush_for(ticket)),
        }
    }

    fn flush_for(&mut self, ticket: u64) -> String {
        let batch = self.db.take_batch().expect("a queued request makes a batch");
        self.store.commit(&batch).expect("the mirror store commits");
        let answered = self.db.commit_succeeded(batch.id);
        let (_, response) = answered.into_iter().find(|(t, _)| *t == ticket).expect("the ticket is answered");
        response
    }

    /// Runs one request whose batch then fails to commit, as when the quota is used up;
    /// the request must have queued a change. (Not every test binary fails a commit.)
    #[allow(dead_code)]
    pub fn fail_request(&mut self, operation: &str, body: &str) {
        let Outcome::Queued { ticket } = self.db.execute(operation, body).expect("the request is accepted") else {
            panic!("{operation} queued nothing")
        };
        let batch = self.db.take_batch().expect("a queued request makes a batch");
        self.store.fail_next_commit("QuotaExceededError");
        assert!(self.store.commit(&batch).is_err());
        assert_eq!(self.db.commit_failed(batch.id), vec![ticket]);
    }

    /// A second database opened from what the store holds now.
    pub fn reopen(&self) -> Database {
        Database::open(&self.store.snapshot(), Box::new(self.clock.clone())).expect("the store reopens")
    }

    /// Asserts that reopening the store gives exactly the tables, items, stream records,
    /// point-in-time recovery history, backups, buckets, exports, imports and principals in memory.
    pub fn assert_memory_equals_store(&self) {
        let reopened = self.reopen();
        assert_eq!(state_of(&self.db), state_of(&reopened), "memory and the reopened store differ");
        assert_eq!(stream_records_of(&self.db), stream_records_of(&reopened), "stream records differ");
        assert_eq!(kinesis_of(&self.db), kinesis_of(&reopened), "Kinesis streams or records differ");
        assert_eq!(history_of(&self.db), history_of(&reopened), "point-in-time recovery history differs");
        assert_eq!(backups_of(&self.db), backups_of(&reopened), "backups differ");
        assert_eq!(global_of(&self.db), global_of(&reopened), "global tables or writes on their way differ");
        let transfers_differ = "buckets, exports and imports differ";
        assert_eq!(self.db.engine().transfers(), reopened.engine().transfers(), "{transfers_differ}");
        let principals = |db: &Database| db.engine().principals().cloned().collect::<Vec<_>>();
        assert_eq!(principals(&self.db), principals(&reopened), "principals differ");
        // A cold open in the browser reads the items without their keys.
        let without_keys = Database::open(&self.store.snapshot_without_keys(), Box::new(self.clock.clone()))
            .expect("the store reopens from items without keys");
        assert_eq!(state_of(&self.db), state_of(&without_keys), "items without keys reopen differently");
    }
}

/// Every stream record in memory, as (stream ARN, stored form).
pub fn stream_records_of(db: &Database) -> Vec<(String, String)> {
    let records = db.regions().engines().flat_map(|engine| engine.stream_log().all());
    records.map(|record| (record.stream.to_string(), record.to_stored())).collect()
}

/// Every global table's replicas and every write on its way to a replica.
pub fn global_of(db: &Database) -> (Vec<(String, Vec<Replica>)>, Vec<PendingWrite>) {
    let regions = db.regions();
    let groups = regions.groups().map(|(table, replicas)| (table.to_string(), replicas.to_vec())).collect();
    (groups, regions.pending().cloned().collect())
}

/// Every Kinesis data stream and record in memory.
pub fn kinesis_of(db: &Database) -> (Vec<DataStream>, Vec<DataRecord>) {
    let kinesis = db.engine().kinesis();
    (kinesis.streams().cloned().collect(), kinesis.all_records().map(|record| (**record).clone()).collect())
}

/// Every point-in-time recovery history entry in memory, table by table.
pub fn history_of(db: &Database) -> Vec<HistoryEntry> {
    db.engine().history().all().map(|entry| HistoryEntry::clone(entry)).collect()
}

/// Every backup in memory, by ARN.
pub fn backups_of(db: &Database) -> Vec<Backup> {
    db.engine().backups().map(|backup| Backup::clone(backup)).collect()
}

/// A table's settings, items, and each index's entries, count and size.
type TableState = (TableMeta, Vec<(KeyCode, Item)>, Vec<IndexState>);
type IndexState = (Vec<(KeyCode, KeyCode)>, (usize, u64));

/// Every table's settings, items and index entries, for comparing two databases (a
/// reopened database rebuilds its indexes from its items).
pub fn state_of(db: &Database) -> Vec<TableState> {
    let items_of = |table: &Table| table.items().map(|(key, item)| (key.clone(), item.clone())).collect();
    let indexes_of = |table: &Table| {
        (0..table.meta.indexes.len())
            .map(|position| (table.index_entries(position).cloned().collect(), table.index_stats(position)))
            .collect()
    };
    let tables = db.regions().engines().flat_map(|engine| engine.tables());
    tables.map(|table| (table.meta.clone(), items_of(table), indexes_of(table))).collect()
}

/// The Region a test names (the home Region when None); it must be one Dynaplay simulates.
pub fn named_region(region: Option<&str>) -> &'static str {
    region.map_or(Some(region::HOME), region::named).expect("a Region Dynaplay simulates")
}
