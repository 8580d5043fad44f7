//! The engine: DynamoDB's tables and operations as plain synchronous Rust.
//!
//! Each operation validates everything first and only then mutates, so a failed request
//! changes nothing. Every mutation is recorded as a [`Change`]; the caller collects them
//! with [`Engine::take_changes`] after each operation and hands them to storage.

pub mod autoscaling;
mod change;
pub mod dax;
pub mod history;
mod ids;
pub mod insights;
pub mod knobs;
pub mod ledger;
pub(crate) mod ops;
pub mod pricing;
pub mod principals;
pub mod table;
pub mod throughput;
pub mod transfers;

pub use crate::index::{IndexKind, Projection, SecondaryIndex};
pub use change::Change;
pub use knobs::Knobs;
pub use ops::backups::{Backup, BackupFilter, BackupType};
pub use ops::batch::{BatchWrite, TableWrites};
pub use ops::pitr::{ItemChange, RestorableWindow, MAX_RECOVERY_PERIOD_DAYS};
pub use ops::put::{check_put_item_size, check_put_size, Precondition, ReturnValues};
pub use ops::query::{no_such_index, starting_key_invalid, IndexChoice, Page, PageOptions, QuerySpec};
pub use ops::scan::{ScanSpec, Segment};
pub use ops::throttle::Usage;
pub use ops::transact::{ActionOutcome, ClientToken, TransactAction, TransactOutcome, TransactWrite};
pub use ops::update::Updated;
pub use table::{
    BillingMode, IndexRead, KinesisDestination, PointInTimeRecovery, ResourcePolicy, RestoreSummary, Table, TableClass,
    TableMeta, TimeToLive, TimestampPrecision,
};
pub use throughput::Access;
pub use transfers::{TransferChange, Transfers};

use crate::clock::{Clock, SimulatedClock};
use crate::error::{Error, ErrorKind, Result};
use crate::kinesis::{DataRecord, DataStream, Kinesis};
use crate::model::sort_stable_by;
use crate::region;
use crate::stream::{self, StreamRecord};
use std::collections::BTreeMap;
use std::rc::Rc;

/// The account every local ARN names.
pub const ACCOUNT_ID: &str = "000000000000";

/// All tables of one database, and the changes not yet handed to storage.
pub struct Engine {
    /// The Region whose endpoint serves this engine's tables.
    region: &'static str,
    tables: BTreeMap<String, Table>,
    /// The clock, shared by the engines of every Region of one database.
    clock: Rc<SimulatedClock>,
    ids: ids::IdGenerator,
    changes: Vec<Change>,
    /// The simulation's settings (defaults behave as DynamoDB does).
    pub knobs: Knobs,
    /// Transactions in flight and recent ClientRequestTokens.
    transactions: ledger::TransactionLedger,
    /// The records of every table's streams.
    streams: stream::Log,
    /// The settings of deleted tables whose last stream is still readable (24 hours after
    /// the deletion disabled it), oldest deletion first.
    retired: Vec<TableMeta>,
    /// The engine-clock second of the last time to live sweep.
    swept_second: u64,
    /// The simulated Kinesis data streams and their records.
    kinesis: Kinesis,
    /// The item history of the tables with point-in-time recovery enabled.
    history: history::History,
    /// Every backup, by ARN.
    backups: BTreeMap<String, Rc<Backup>>,
    /// The simulated S3 buckets, and the exports and imports made.
    transfers: Transfers,
    /// The simulated IAM users requests can run as.
    principals: principals::Principals,
    /// The simulated DAX clusters, in memory only.
    dax: dax::DaxClusters,
}

impl Engine {
    /// The engine of the home Region ([`region::HOME`]), with its own clock.
    pub fn new(clock: Box<dyn Clock>) -> Self {
        Self::in_region(region::HOME, Rc::new(SimulatedClock::new(clock)))
    }

    /// The engine of `region`, reading the shared `clock`.
    pub fn in_region(region: &'static str, clock: Rc<SimulatedClock>) -> Self {
        // Table IDs must differ across the Regions of one database (storage keys items by them).
        let ids = ids::IdGenerator::new(clock.now_millis() ^ region_seed(region));
        Engine {
            region,
            tables: BTreeMap::new(),
            clock,
            ids,
            changes: Vec::new(),
            knobs: Knobs::default(),
            transactions: Default::default(),
            streams: Default::default(),
            retired: Vec::new(),
            swept_second: 0,
            kinesis: Kinesis::default(),
            history: Default::default(),
            backups: BTreeMap::new(),
            transfers: Transfers::default(),
            principals: principals::Principals::default(),
            dax: dax::DaxClusters::new(),
        }
    }

    /// The engine's clock, which the playground can pause, speed up and move forward.
    pub fn clock(&self) -> &SimulatedClock {
        &self.clock
    }

    /// The clock, to share with the engine of another Region.
    pub fn shared_clock(&self) -> Rc<SimulatedClock> {
        self.clock.clone()
    }

    /// The Region whose endpoint serves this engine's tables.
    pub fn region(&self) -> &'static str {
        self.region
    }

    pub fn now_millis(&self) -> u64 {
        self.clock.now_millis()
    }

    /// The changes made since the last call, in the order they were made.
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    /// The records of every stream.
    pub fn stream_log(&self) -> &stream::Log {
        &self.streams
    }

    /// Puts a stream record back as storage held it (when a database is reopened).
    pub fn restore_stream_record(&mut self, record: StreamRecord) {
        self.streams.restore(Rc::new(record));
    }

    /// The Kinesis data streams and their records.
    pub fn kinesis(&self) -> &Kinesis {
        &self.kinesis
    }

    /// Puts a Kinesis data stream back as storage held it (when a database is reopened).
    pub fn restore_data_stream(&mut self, stream: DataStream) {
        self.kinesis.put_stream(stream);
    }

    /// Puts a Kinesis record back as storage held it (when a database is reopened).
    pub fn restore_data_record(&mut self, record: DataRecord) {
        self.kinesis.insert(Rc::new(record));
    }

    /// The simulated S3 buckets, and the exports and imports made.
    pub fn transfers(&self) -> &Transfers {
        &self.transfers
    }

    /// Puts the buckets, exports and imports back as storage held them.
    pub fn restore_transfers(&mut self, transfers: Transfers) {
        self.transfers = transfers;
    }

    /// Makes a change to the buckets, exports or imports, and records it.
    pub(crate) fn record_transfer(&mut self, change: TransferChange) {
        self.transfers.apply(&change);
        self.changes.push(Change::Transfer(change));
    }

    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.tables.values()
    }

    /// The history point-in-time recovery keeps.
    pub fn history(&self) -> &history::History {
        &self.history
    }

    /// Puts a history entry back as storage held it (when a database is reopened).
    pub fn restore_history_entry(&mut self, entry: history::HistoryEntry) {
        self.history.insert(Rc::new(entry));
    }

    /// Puts a table back as storage held it (when a database is reopened).
    pub fn restore_table(&mut self, table: Table) {
        self.observe_stream_sequences(&table.meta);
        self.tables.insert(table.meta.name.clone(), table);
    }

    /// Puts a deleted table's settings back as storage held them, while its stream is kept.
    pub fn restore_retired(&mut self, meta: TableMeta) {
        self.observe_stream_sequences(&meta);
        self.retired.push(meta);
        let disabled_at =
            |meta: &TableMeta| meta.streams.last().and_then(|stream| stream.disabled.as_ref()).map(|(at, _)| *at);
        sort_stable_by(&mut self.retired, |a, b| disabled_at(a).cmp(&disabled_at(b)));
    }

    /// The settings of every table with streams: the tables, then the deleted tables
    /// whose stream can still be read.
    pub fn stream_owners(&self) -> impl Iterator<Item = &TableMeta> {
        self.tables.values().map(|table| &table.meta).chain(&self.retired)
    }

    /// Makes later sequence numbers greater than the ones a table's streams reserved.
    fn observe_stream_sequences(&mut self, meta: &TableMeta) {
        for stream in &meta.streams {
            let sequences = [Some(&stream.first_sequence), stream.disabled.as_ref().map(|(_, end)| end)];
            sequences.into_iter().flatten().filter_map(|text| stream::parse_sequence(text)).for_each(|sequence| {
                self.streams.observe_sequence(sequence);
            });
        }
    }

    /// What time passing does before each operation: writes due at global indexes
    /// arrive, backfills finish, scaling policies act, stream shards roll over, stream
    /// records older than 24 hours go, Kinesis records older than their stream's
    /// retention period go, point-in-time recovery history older than its recovery
    /// period goes, system backups expire and time to live deletes expired items. Their
    /// changes (a capacity change, a trim, a deletion) are recorded like any other and
    /// belong to no request: storage keeps them even when the request that follows fails.
    pub fn advance_simulation(&mut self) {
        self.propagate_indexes();
        self.finish_backfills();
        self.auto_scale();
        self.roll_over_shards();
        self.trim_streams();
        self.trim_data_streams();
        self.expire_retired_streams();
        self.trim_history();
        self.expire_system_backups();
        self.sweep_expired_items();
    }

    /// Drops the stream records older than 24 hours on the engine clock.
    fn trim_streams(&mut self) {
        let records = self.streams.trim(self.now_millis());
        if !records.is_empty() {
            self.changes.push(Change::StreamTrimmed { records });
        }
    }

    /// Brings the global indexes up to the engine clock: writes whose propagation delay
    /// has passed arrive, and writes made from now on are delayed by the knob's current
    /// value.
    pub fn propagate_indexes(&mut self) {
        let (now, delay) = (self.now_millis(), self.knobs.gsi_propagation_delay_millis);
        let (due, reached) = match delay {
            0 => (None, None),
            _ => (Some(now.saturating_add(delay)), Some(now)),
        };
        for table in self.tables.values_mut() {
            table.global_index_due_millis = due;
            table.propagate_indexes(reached);
        }
    }

    /// Runs `operation`, undoing every change it made when it fails, so that a request
    /// refused part-way (a batch whose later write breaks a limit) changes nothing.
    pub(crate) fn all_or_nothing<T>(&mut self, operation: impl FnOnce(&mut Engine) -> Result<T>) -> Result<T> {
        let mark = self.changes.len();
        let result = operation(self);
        if result.is_err() {
            let made = self.changes.split_off(mark);
            self.revert(made);
        }
        result
    }

    /// Undoes changes that storage failed to commit, newest first.
    pub fn revert(&mut self, changes: Vec<Change>) {
        for change in changes.into_iter().rev() {
            self.revert_one(change);
        }
    }

    fn revert_one(&mut self, change: Change) {
        match change {
            Change::TableMeta { old: None, new } => {
                self.tables.remove(&new.name);
            }
            Change::TableMeta { old: Some(old), new } => {
                let now = self.clock.now_millis();
                if let Some(table) = self.tables.get_mut(&new.name) {
                    table.replace_meta(*old);
                    if table.traffic.reconfigure(&table.meta, now) {
                        table.recount_partitions();
                    }
                }
            }
            Change::TableDeleted { table, retired } => {
                if retired.is_some() {
                    self.retired.retain(|meta| meta.id != table.meta.id);
                }
                self.restore_table(*table);
            }
            Change::RetiredExpired { metas } => metas.into_iter().for_each(|meta| self.restore_retired(meta)),
            Change::Item { table, key, old, record, history, .. } => {
                if let Some(record) = record {
                    self.streams.remove(&record);
                }
                if let Some(entry) = history {
                    self.history.remove(&entry);
                }
                if let Some(table) = self.tables.get_mut(&table) {
                    table.set_packed(key, old);
                }
            }
            Change::StreamTrimmed { records } => self.streams.untrim(records),
            Change::DataStream { old: None, new } => {
                self.kinesis.remove_stream(&new.name);
            }
            Change::DataStream { old: Some(old), .. } => {
                self.kinesis.put_stream(*old);
            }
            Change::DataStreamDeleted { stream, records } => {
                self.kinesis.put_stream(*stream);
                records.into_iter().for_each(|record| self.kinesis.insert(record));
            }
            Change::DataRecordPut { record } => self.kinesis.remove(&record),
            Change::DataRecordsTrimmed { records } => {
                records.into_iter().for_each(|record| self.kinesis.insert(record));
            }
            Change::HistoryTrimmed { entries } => entries.into_iter().for_each(|entry| self.history.insert(entry)),
            Change::Backup { old, new } => {
                if let Some(new) = new {
                    self.backups.remove(&new.arn);
                }
                if let Some(old) = old {
                    self.backups.insert(old.arn.clone(), old);
                }
            }
            Change::Transfer(change) => self.transfers.revert(change),
            Change::Principal { old, new } => self.revert_principal(old, new),
        }
    }

    /// The table an item operation names; DynamoDB's terse not-found message.
    fn table_for_items(&self, name: &str) -> Result<&Table> {
        self.tables.get(name).ok_or_else(item_table_not_found)
    }

    /// The table a control-plane operation names; the message names the table.
    fn table_for_control(&self, name: &str) -> Result<&Table> {
        self.tables.get(name).ok_or_else(|| table_not_found(name))
    }
}

/// A seed that sets one Region's identifiers apart from another's (FNV-1a of its name);
/// the home Region keeps the identifiers it had before other Regions existed.
fn region_seed(region: &str) -> u64 {
    if region == region::HOME {
        return 0;
    }
    region.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

/// The table an item write names, borrowed from the table map alone so that the caller
/// can still record changes.
fn items_table_mut<'a>(tables: &'a mut BTreeMap<String, Table>, name: &str) -> Result<&'a mut Table> {
    tables.get_mut(name).ok_or_else(item_table_not_found)
}

fn item_table_not_found() -> Error {
    Error::new(ErrorKind::ResourceNotFound, "Requested resource not found")
}

pub(crate) fn table_not_found(name: &str) -> Error {
    Error::new(ErrorKind::ResourceNotFound, format!("Requested resource not found: Table: {name} not found"))
}

/// The ARN of a table in the local account and the Region of the request.
pub fn table_arn(name: &str) -> String {
    format!("arn:aws:dynamodb:{}:{ACCOUNT_ID}:table/{name}", crate::region::current())
}
