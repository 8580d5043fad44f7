//! A table: its settings (what CreateTable and UpdateTable say) and its items in key order.

use crate::engine::autoscaling::ScalableTarget;
use crate::engine::insights::{ContributorInsights, KeyEvents};
use crate::engine::throughput::{partition_hash, Traffic};
use crate::index::{IndexEntries, IndexKind, Projection, SecondaryIndex, INDEX_ENTRY_OVERHEAD};
use crate::model::{item_size, AttributeValue, Item, KeyCode, KeySchema, PackedItem, ScalarType};
use crate::stream::StreamInfo;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::rc::Rc;

/// How a table pays for reads and writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BillingMode {
    /// Fixed read and write capacity units.
    Provisioned { read: u64, write: u64 },
    /// On-demand: no capacity to plan.
    PayPerRequest,
}

/// DynamoDB's storage classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TableClass {
    /// DynamoDB Standard, the default.
    Standard,
    /// DynamoDB Standard-Infrequent Access.
    StandardInfrequentAccess,
}

impl TableClass {
    pub fn wire_name(self) -> &'static str {
        match self {
            TableClass::Standard => "STANDARD",
            TableClass::StandardInfrequentAccess => "STANDARD_INFREQUENT_ACCESS",
        }
    }

    pub fn from_wire(name: &str) -> Option<TableClass> {
        match name {
            "STANDARD" => Some(TableClass::Standard),
            "STANDARD_INFREQUENT_ACCESS" => Some(TableClass::StandardInfrequentAccess),
            _ => None,
        }
    }
}

/// Everything about a table except its items; this is what storage keeps in `meta`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableMeta {
    pub name: String,
    /// The TableId, a UUID; also the storage namespace of the table's items.
    pub id: Rc<str>,
    pub key_schema: KeySchema,
    /// AttributeDefinitions in the order the creator gave them.
    pub attribute_definitions: Vec<(String, ScalarType)>,
    pub billing: BillingMode,
    /// When the table last switched to on-demand, in epoch milliseconds.
    pub last_pay_per_request_millis: Option<u64>,
    pub created_millis: u64,
    pub tags: Vec<(String, String)>,
    pub deletion_protection: bool,
    /// The table class, when one was ever given explicitly.
    pub table_class: Option<TableClass>,
    /// The secondary indexes, local and global, in the order CreateTable listed them
    /// (its local ones first). Absent from records written before indexes existed.
    #[serde(default)]
    pub indexes: Vec<SecondaryIndex>,
    /// Application Auto Scaling's scalable targets and policies on the table and its
    /// global indexes. Absent from records of tables that never had one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auto_scaling: Vec<ScalableTarget>,
    /// The table's streams, oldest first; only the last can be enabled. Absent from
    /// records of tables that never had one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub streams: Vec<StreamInfo>,
    /// The time to live setting. Absent from records of tables that never had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_to_live: Option<TimeToLive>,
    /// The Kinesis data streams the table's changes go (or went) to. Absent from records
    /// of tables that never had one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinesis_destinations: Vec<KinesisDestination>,
    /// Point-in-time recovery, while enabled. Absent from records of tables that never
    /// had it enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point_in_time_recovery: Option<PointInTimeRecovery>,
    /// Where a restored table's items came from. Absent from tables never restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore_summary: Option<RestoreSummary>,
    /// The ARN of the (simulated) KMS key the table is encrypted with; None for an AWS
    /// owned key, the default. Absent from records of tables that never had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,
    /// Contributor Insights, per table and global index, once UpdateContributorInsights
    /// configured it. Absent from records of tables that never had it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contributor_insights: Vec<ContributorInsights>,
    /// The resource-based policy attached to the table. Absent from records of tables
    /// that never had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_policy: Option<ResourcePolicy>,
}

/// A table's resource-based policy: the document as given, and its revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourcePolicy {
    pub document: String,
    /// The RevisionId: 1 for a table's first policy, one more for each replacement.
    pub revision_id: String,
}

/// A table's Kinesis streaming destination, as EnableKinesisStreamingDestination left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KinesisDestination {
    /// The ARN of the Kinesis data stream.
    pub stream_arn: String,
    /// ACTIVE (true) or DISABLED (false): the transitions are immediate.
    pub active: bool,
    pub precision: TimestampPrecision,
}

/// How precisely a Kinesis record's ApproximateCreationDateTime is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimestampPrecision {
    /// Epoch milliseconds, the default.
    Millisecond,
    /// Epoch microseconds.
    Microsecond,
}

impl TimestampPrecision {
    pub const WIRE_NAMES: [&'static str; 2] = ["MILLISECOND", "MICROSECOND"];

    pub fn wire_name(self) -> &'static str {
        match self {
            TimestampPrecision::Millisecond => "MILLISECOND",
            TimestampPrecision::Microsecond => "MICROSECOND",
        }
    }

    pub fn from_wire(name: &str) -> Option<TimestampPrecision> {
        [TimestampPrecision::Millisecond, TimestampPrecision::Microsecond]
            .into_iter()
            .find(|precision| precision.wire_name() == name)
    }
}

/// A table's point-in-time recovery setting, as UpdateContinuousBackups last enabled it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointInTimeRecovery {
    /// How many days back the table can be restored to (1 to 35).
    pub recovery_period_days: u32,
    /// When recovery was enabled, on the engine clock: nothing before it can be restored.
    pub enabled_millis: u64,
}

/// What a restored table was restored from (DescribeTable's RestoreSummary).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreSummary {
    /// The backup restored, for RestoreTableFromBackup.
    pub source_backup_arn: Option<String>,
    pub source_table_arn: String,
    /// The moment whose items the table holds, in epoch milliseconds.
    pub restore_millis: u64,
}

/// A table's time to live setting, as UpdateTimeToLive last left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeToLive {
    /// The attribute holding each item's expiry, in epoch seconds.
    pub attribute_name: String,
    pub enabled: bool,
    /// When the setting last changed, on the engine clock.
    pub changed_millis: u64,
}

impl TableMeta {
    /// The secondary index named `name`, with its position in [`TableMeta::indexes`].
    pub fn index(&self, name: &str) -> Option<(usize, &SecondaryIndex)> {
        self.indexes.iter().enumerate().find(|(_, index)| index.name == name)
    }

    /// The latest stream, when it is enabled.
    pub fn enabled_stream(&self) -> Option<&StreamInfo> {
        self.streams.last().filter(|stream| stream.is_enabled())
    }

    /// The Kinesis destination records go to now.
    pub fn active_kinesis_destination(&self) -> Option<&KinesisDestination> {
        self.kinesis_destinations.iter().find(|destination| destination.active)
    }

    /// The indexes of one kind.
    pub fn indexes_of(&self, kind: IndexKind) -> impl Iterator<Item = (usize, &SecondaryIndex)> {
        self.indexes.iter().enumerate().filter(move |(_, index)| index.kind == kind)
    }
}

/// A table with its items, ordered by encoded primary key. Items are kept packed (see
/// [`PackedItem`]): the methods that yield an [`Item`] unpack it, those that yield a
/// `PackedItem` let reads render or measure it without unpacking.
#[derive(Debug, Clone)]
pub struct Table {
    pub meta: TableMeta,
    items: BTreeMap<KeyCode, PackedItem>,
    size_bytes: u64,
    /// The entries of each index of `meta.indexes`, position for position.
    indexes: Vec<IndexEntries>,
    /// The simulated partitions and throughput (not stored).
    pub traffic: Traffic,
    /// When writes made now reach the global indexes (the GSI propagation delay knob, set
    /// by the engine before each operation); `None`: at once.
    pub global_index_due_millis: Option<u64>,
    /// The key events Contributor Insights reports on (not stored).
    pub key_events: KeyEvents,
}

/// How a read through an index yields items: as the index holds them, or (a local index
/// read asking for attributes it does not project) whole from the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexRead {
    Projected,
    FetchFromTable,
}

impl Table {
    pub fn new(meta: TableMeta) -> Self {
        let indexes = vec![IndexEntries::default(); meta.indexes.len()];
        let traffic = Traffic::new(&meta);
        let key_events = KeyEvents::default();
        Table {
            meta,
            items: BTreeMap::new(),
            size_bytes: 0,
            indexes,
            traffic,
            global_index_due_millis: None,
            key_events,
        }
    }

    /// Replaces the settings, returning the old ones. Index entries follow: an index kept
    /// unchanged (same name, kind, keys and projection) keeps its entries, a new one is
    /// built from the items (a backfill: items without the index key, or with a value of
    /// another type, get no entry), a removed one is dropped. Reverts come through here too.
    pub fn replace_meta(&mut self, meta: TableMeta) -> TableMeta {
        self.propagate_indexes(None);
        let old = std::mem::replace(&mut self.meta, meta);
        let mut old_entries: Vec<Option<IndexEntries>> =
            std::mem::take(&mut self.indexes).into_iter().map(Some).collect();
        let schema = &self.meta.key_schema;
        let mut indexes = Vec::with_capacity(self.meta.indexes.len());
        for index in &self.meta.indexes {
            let kept = old.indexes.iter().position(|before| {
                before.name == index.name
                    && before.kind == index.kind
                    && before.key_schema == index.key_schema
                    && before.projection == index.projection
            });
            let entries = match kept.and_then(|position| old_entries.get_mut(position).and_then(Option::take)) {
                Some(entries) if old.key_schema == *schema => entries,
                _ => {
                    let mut entries = IndexEntries::default();
                    for (key, item) in &self.items {
                        entries.update(index, schema, key, None, Some(&item.unpack()));
                    }
                    entries
                }
            };
            indexes.push(entries);
        }
        self.indexes = indexes;
        old
    }

    /// The item at `key`, unpacked.
    pub fn get(&self, key: &KeyCode) -> Option<Item> {
        self.items.get(key).map(PackedItem::unpack)
    }

    /// The item at `key` as the table keeps it.
    pub fn get_packed(&self, key: &KeyCode) -> Option<&PackedItem> {
        self.items.get(key)
    }

    /// Stores (`Some`) or removes (`None`) the item at `key`, returning the previous one.
    /// Every index follows: this, [`Table::set_packed`] and [`Table::set_known`] are the
    /// one place items change, reverts included.
    pub fn set(&mut self, key: KeyCode, item: Option<Item>) -> Option<Item> {
        let old = self.get(&key);
        let packed = item.as_ref().map(PackedItem::pack);
        self.set_known(key, packed, item.as_ref(), old.as_ref());
        old
    }

    /// [`Table::set`] with the item already packed, returning the previous one packed.
    pub fn set_packed(&mut self, key: KeyCode, item: Option<PackedItem>) -> Option<PackedItem> {
        if !self.indexes.is_empty() {
            let old = self.get(&key);
            self.update_indexes(&key, old.as_ref(), item.as_ref().map(PackedItem::unpack).as_ref());
        }
        self.store(key, item)
    }

    /// [`Table::set_packed`] for a writer that holds both items unpacked already: `new`
    /// is `item` unpacked and `old` the item stored at `key` now, so the indexes need not
    /// unpack either again.
    pub fn set_known(
        &mut self,
        key: KeyCode,
        item: Option<PackedItem>,
        new: Option<&Item>,
        old: Option<&Item>,
    ) -> Option<PackedItem> {
        self.update_indexes(&key, old, new);
        self.store(key, item)
    }

    /// Brings every index's entry for `key` from `old`, the item stored now, to `new`.
    fn update_indexes(&mut self, key: &KeyCode, old: Option<&Item>, new: Option<&Item>) {
        for (entries, index) in self.indexes.iter_mut().zip(&self.meta.indexes) {
            match (index.kind, self.global_index_due_millis) {
                (IndexKind::Global, Some(due)) => entries.delay(due, key, old, new),
                _ => entries.update(index, &self.meta.key_schema, key, old, new),
            }
        }
    }

    /// Puts or removes the packed item, keeping the table's and partitions' sizes.
    fn store(&mut self, key: KeyCode, item: Option<PackedItem>) -> Option<PackedItem> {
        let key_hash = partition_hash(key.partition_bytes());
        if let Some(new) = &item {
            self.count(key_hash, new, true);
        }
        let old = match item {
            Some(new) => self.items.insert(key, new),
            None => self.items.remove(&key),
        };
        if let Some(old) = &old {
            self.count(key_hash, old, false);
        }
        old
    }

    /// Counts an item arriving in or leaving the table and its partition.
    fn count(&mut self, key_hash: u64, item: &PackedItem, arriving: bool) {
        let size = item.size() as u64;
        match arriving {
            true => self.size_bytes += size,
            false => self.size_bytes -= size,
        }
        self.traffic.count_item(key_hash, size, arriving);
    }

    /// Loads stored items into the table as a database opens. Items in key order (as
    /// stores hold them) going into an empty table build its map in one pass: inserted
    /// one by one, each compared its key with about fifty others on the map's right
    /// edge. Otherwise they go in one by one. Err: a key two items share.
    pub fn restore_items(&mut self, items: Vec<(KeyCode, PackedItem)>) -> Result<(), KeyCode> {
        let ascending = items.windows(2).all(|pair| matches!(pair, [(lower, _), (higher, _)] if lower < higher));
        if !ascending || !self.items.is_empty() {
            for (key, item) in items {
                if self.set_packed(key.clone(), Some(item)).is_some() {
                    return Err(key);
                }
            }
            return Ok(());
        }
        for (key, item) in &items {
            if !self.indexes.is_empty() {
                self.update_indexes(key, None, Some(&item.unpack()));
            }
            self.count(partition_hash(key.partition_bytes()), item, true);
        }
        self.items = items.into_iter().collect();
        Ok(())
    }

    /// Lets the writes on their way to global indexes arrive: those due by `now`, or all
    /// of them when `now` is `None`.
    pub fn propagate_indexes(&mut self, now: Option<u64>) {
        for (entries, index) in self.indexes.iter_mut().zip(&self.meta.indexes) {
            if entries.is_lagging() {
                entries.propagate(index, &self.meta.key_schema, now);
            }
        }
    }

    /// Recounts each partition's items and bytes, after partitions split.
    pub fn recount_partitions(&mut self) {
        for partition in &mut self.traffic.table.partitions {
            (partition.bytes, partition.items) = (0, 0);
        }
        for (key, item) in &self.items {
            self.traffic.count_item(partition_hash(key.partition_bytes()), item.size() as u64, true);
        }
    }

    /// The entries (index key, table key) of the index at `position` in `meta.indexes`,
    /// in index order.
    pub fn index_entries(&self, position: usize) -> impl Iterator<Item = &(KeyCode, KeyCode)> {
        self.indexes.get(position).into_iter().flat_map(|entries| entries.entries.iter())
    }

    /// The item count and size in bytes of the index at `position` in `meta.indexes`.
    pub fn index_stats(&self, position: usize) -> (usize, u64) {
        self.indexes.get(position).map_or((0, 0), |entries| (entries.entries.len(), entries.size_bytes))
    }

    /// The items of the index at `position`, in index order: one partition (`prefix`, from
    /// the index schema's [`KeySchema::partition_prefix`]) or, without one, the whole
    /// index; beginning after the entry `after` (index key, table key) in the direction
    /// read. Items come projected unless `read` says to fetch them whole.
    pub fn index_items<'a>(
        &'a self,
        position: usize,
        prefix: Option<&KeyCode>,
        after: Option<&(KeyCode, KeyCode)>,
        forward: bool,
        read: IndexRead,
    ) -> Box<dyn Iterator<Item = Cow<'a, PackedItem>> + 'a> {
        let (Some(entries), Some(index)) = (self.indexes.get(position), self.meta.indexes.get(position)) else {
            return Box::new(std::iter::empty());
        };
        let empty = KeyCode::default();
        if let (Some(prefix), Some((after_index, _))) = (prefix, after) {
            if !after_index.as_bytes().starts_with(prefix.as_bytes()) {
                return Box::new(std::iter::empty());
            }
        }
        let (low, high) = match prefix {
            Some(prefix) => {
                (Bound::Included((prefix.clone(), empty.clone())), Bound::Excluded((prefix.partition_end(), empty)))
            }
            None => (Bound::Unbounded, Bound::Unbounded),
        };
        let (low, high) = match (after, forward) {
            (Some(after), true) => (Bound::Excluded(after.clone()), high),
            (Some(after), false) => (low, Bound::Excluded(after.clone())),
            (None, _) => (low, high),
        };
        let range = entries.entries.range((low, high));
        let schema = &self.meta.key_schema;
        let item = move |(_, key): &(KeyCode, KeyCode)| match entries.shown(key) {
            // An image the global index still shows, while the write to it is delayed.
            Some(shown) => shown.map(|item| match (read, &index.projection) {
                (IndexRead::FetchFromTable, _) | (_, Projection::All) => Cow::Owned(PackedItem::pack(item)),
                _ => Cow::Owned(PackedItem::pack(&index.project(schema, item))),
            }),
            None => self.items.get(key).map(|item| match (read, &index.projection) {
                (IndexRead::FetchFromTable, _) | (_, Projection::All) => Cow::Borrowed(item),
                _ => Cow::Owned(PackedItem::pack(&index.project(schema, &item.unpack()))),
            }),
        };
        if forward {
            Box::new(range.filter_map(item))
        } else {
            Box::new(range.rev().filter_map(item))
        }
    }

    /// Items in key order, unpacked one at a time.
    pub fn items(&self) -> impl Iterator<Item = (&KeyCode, Item)> {
        self.items.iter().map(|(key, item)| (key, item.unpack()))
    }

    /// Items in key order, as the table keeps them.
    pub fn packed_items(&self) -> impl Iterator<Item = (&KeyCode, &PackedItem)> {
        self.items.iter()
    }

    /// Items in key order whose keys come after `after` (all items when `None`): where
    /// a Scan resumes from its ExclusiveStartKey.
    pub fn items_after(&self, after: Option<&KeyCode>) -> impl Iterator<Item = &PackedItem> {
        let lower = after.map_or(Bound::Unbounded, Bound::Excluded);
        self.items.range((lower, Bound::Unbounded)).map(|(_, item)| item)
    }

    /// The items of one partition (the keys starting with `prefix`, from
    /// [`KeySchema::partition_prefix`]) in sort key order, or reversed when `forward` is
    /// false, beginning after `after` in that direction (a Query's ExclusiveStartKey).
    pub fn partition_items<'a>(
        &'a self,
        prefix: &KeyCode,
        after: Option<&KeyCode>,
        forward: bool,
    ) -> Box<dyn Iterator<Item = &'a PackedItem> + 'a> {
        let end = prefix.partition_end();
        // A start key outside the partition would make an inverted range, which panics;
        // nothing of the partition comes after it.
        if after.is_some_and(|after| !after.as_bytes().starts_with(prefix.as_bytes())) {
            return Box::new(std::iter::empty());
        }
        let (lower, upper) = match (after, forward) {
            (Some(after), true) => (Bound::Excluded(after.clone()), Bound::Excluded(end)),
            (Some(after), false) => (Bound::Included(prefix.clone()), Bound::Excluded(after.clone())),
            (None, _) => (Bound::Included(prefix.clone()), Bound::Excluded(end)),
        };
        let items = self.items.range((lower, upper)).map(|(_, item)| item);
        if forward {
            Box::new(items)
        } else {
            Box::new(items.rev())
        }
    }

    /// The size in bytes of the item collection of one partition key value, as the
    /// Developer Guide defines it for ItemCollectionMetrics: the items with that value plus
    /// their entries (with the per-entry overhead) in every local secondary index.
    pub fn item_collection_size(&self, partition_value: &AttributeValue) -> u64 {
        let Some(prefix) = self.meta.key_schema.partition_prefix(partition_value) else { return 0 };
        let has_local = self.meta.indexes_of(IndexKind::Local).next().is_some();
        self.partition_items(&prefix, None, true)
            .map(|item| item.size() as u64 + if has_local { self.local_entries_size(&item.unpack()) } else { 0 })
            .sum()
    }

    /// What one item adds to its item collection: its size, plus its entry (with the
    /// per-entry overhead) in each local secondary index that holds it.
    pub fn collection_share(&self, item: &Item) -> u64 {
        item_size(item) as u64 + self.local_entries_size(item)
    }

    /// The size of an item's entries (with the per-entry overhead) in the local
    /// secondary indexes that hold it.
    fn local_entries_size(&self, item: &Item) -> u64 {
        let schema = &self.meta.key_schema;
        self.meta
            .indexes_of(IndexKind::Local)
            .filter(|(_, index)| index.key_schema.sparse_key(item).is_some())
            .map(|(_, index)| item_size(&index.project(schema, item)) as u64 + INDEX_ENTRY_OVERHEAD)
            .sum()
    }

    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }
}
