//! Secondary indexes: their definitions (part of [`TableMeta`](crate::engine::TableMeta))
//! and their entries, which [`Table::set`](crate::engine::Table::set) keeps in step with
//! the items.
//!
//! An index entry is the pair (index key, table key), both encoded as [`KeyCode`]s, so
//! entries sort by the index key and then by the table key: index keys need not be
//! unique. An entry holds no copy of the item; reads look the item up in the table and
//! project it. Entries are never stored: a table reopened from storage rebuilds them
//! from its items.
//!
//! An index is sparse: an item without all of the index's key attributes (or with one of
//! another type, which writes refuse anyway) has no entry.

use crate::error::Result;
use crate::model::{item_size, AttributeValue, Item, KeyAttribute, KeyCode, KeySchema};
use crate::validation;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, VecDeque};

/// DynamoDB's per-entry overhead in an index's size (the Developer Guide's "100 bytes of
/// overhead per index item").
pub const INDEX_ENTRY_OVERHEAD: u64 = 100;

/// Local (same partition key as the table, declared only at creation) or global.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IndexKind {
    Local,
    Global,
}

/// Which attributes an index carries besides the table's and the index's key attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Projection {
    KeysOnly,
    /// These non-key attributes too (NonKeyAttributes).
    Include(Vec<String>),
    All,
}

impl Projection {
    pub fn wire_name(&self) -> &'static str {
        match self {
            Projection::KeysOnly => "KEYS_ONLY",
            Projection::Include(_) => "INCLUDE",
            Projection::All => "ALL",
        }
    }
}

/// A secondary index as CreateTable declared it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecondaryIndex {
    pub name: String,
    pub kind: IndexKind,
    pub key_schema: KeySchema,
    pub projection: Projection,
    /// A global index's provisioned (read, write) capacity; `None` when on-demand.
    pub throughput: Option<(u64, u64)>,
    /// When a global index added by UpdateTable finishes backfilling, in epoch
    /// milliseconds on the engine clock (the GsiBackfillMillis knob); until then it is
    /// CREATING and cannot be read. Absent once it is ACTIVE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backfilling_until_millis: Option<u64>,
}

impl SecondaryIndex {
    /// The item as the index holds it: the table's and the index's key attributes and
    /// the projected ones.
    pub fn project(&self, table_schema: &KeySchema, item: &Item) -> Item {
        let non_key: &[String] = match &self.projection {
            Projection::All => return item.clone(),
            Projection::KeysOnly => &[],
            Projection::Include(names) => names,
        };
        let keys = table_schema.iter().chain(self.key_schema.iter()).map(|attribute| &attribute.name);
        let mut projected = Item::new();
        for name in keys.chain(non_key) {
            if let Some((name, value)) = item.get_key_value(name) {
                projected.insert(name.clone(), value.clone());
            }
        }
        projected
    }

    /// Whether the index carries the top-level attribute `name`.
    pub fn projects(&self, table_schema: &KeySchema, name: &str) -> bool {
        let is_key = table_schema.iter().chain(self.key_schema.iter()).any(|attribute| attribute.name == name);
        is_key
            || match &self.projection {
                Projection::All => true,
                Projection::KeysOnly => false,
                Projection::Include(names) => names.iter().any(|included| included == name),
            }
    }

    /// Refuses an item whose value for one of the index's key attributes has the wrong
    /// type or is empty, with DynamoDB's messages (as dynalite and AWS users recorded them).
    fn check_item(&self, item: &Item, wording: EmptyKeyWording) -> Result<()> {
        for attribute in self.key_schema.iter() {
            self.check_key_type(attribute, item)?;
            self.check_key_value(attribute, item, wording)?;
        }
        Ok(())
    }

    /// Refuses a key attribute the item holds with another type than the index's.
    fn check_key_type(&self, attribute: &KeyAttribute, item: &Item) -> Result<()> {
        let Some(value) = item.get(&attribute.name).filter(|value| !attribute.scalar.matches(value)) else {
            return Ok(());
        };
        crate::bail_validation!(
            "One or more parameter values were invalid: Type mismatch for Index Key {} Expected: {} Actual: {} IndexName: {}",
            attribute.name,
            attribute.scalar.name(),
            value.type_name(),
            self.name
        )
    }

    /// Refuses an empty string or binary as the value of a key attribute of the index.
    fn check_key_value(&self, attribute: &KeyAttribute, item: &Item, wording: EmptyKeyWording) -> Result<()> {
        let empty = match item.get(&attribute.name) {
            Some(AttributeValue::S(text)) if text.is_empty() => "string",
            Some(AttributeValue::B(bytes)) if bytes.is_empty() => "binary",
            _ => return Ok(()),
        };
        Err(match wording {
            EmptyKeyWording::Item => validation!(
                "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty {empty} value. IndexName: {}, IndexKey: {}",
                self.name,
                attribute.name
            ),
            EmptyKeyWording::Update => validation!(
                "One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty {empty} value."
            ),
        })
    }
}

/// How DynamoDB words an empty index key value: for an item written whole (PutItem,
/// BatchWriteItem, a transaction's Put), or for the result of an UpdateExpression, whose
/// message names neither the index nor the attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyKeyWording {
    Item,
    Update,
}

/// The write units one item write costs an index, by the Developer Guide's rules for
/// secondary index writes: an entry put (the item enters the index) or deleted (it leaves
/// it, a sparse index's removal included) costs its size in started kilobytes; an index key
/// that changes costs both, the delete of the old entry and the put of the new; an entry
/// whose projection changes in place costs the larger of its two sizes; an entry that stays
/// as it was (a KEYS_ONLY or INCLUDE index when only unprojected attributes change) or an
/// item in the index neither before nor after costs nothing. An entry's size is that of
/// its projected item (the table's and the index's key attributes and the projected
/// ones); the 100 bytes of per-entry overhead count for storage, as an item's do, not
/// for capacity.
pub fn index_write_units(
    index: &SecondaryIndex,
    table_schema: &KeySchema,
    old: Option<&Item>,
    new: Option<&Item>,
) -> u64 {
    let entry = |item: Option<&Item>| {
        let item = item?;
        let key = index.key_schema.sparse_key(item)?;
        Some((key, index.project(table_schema, item)))
    };
    let units = |entry: &Item| (item_size(entry) as u64).div_ceil(1024).max(1);
    match (entry(old), entry(new)) {
        (None, None) => 0,
        (Some((_, entry)), None) | (None, Some((_, entry))) => units(&entry),
        (Some((old_key, old)), Some((new_key, new))) if old_key != new_key => units(&old) + units(&new),
        (Some((_, old)), Some((_, new))) if old == new => 0,
        (Some((_, old)), Some((_, new))) => units(&old).max(units(&new)),
    }
}

/// Refuses an item that the table's indexes cannot hold. DynamoDB checks the global
/// indexes, then the local ones, each list from its last index to its first (the order
/// dynalite recorded).
pub fn check_index_keys(indexes: &[SecondaryIndex], item: &Item, wording: EmptyKeyWording) -> Result<()> {
    checking_order(indexes).try_for_each(|index| index.check_item(item, wording))
}

/// The type half of [`check_index_keys`]: a transaction reports it as the action's
/// cancellation reason.
pub fn check_index_key_types(indexes: &[SecondaryIndex], item: &Item) -> Result<()> {
    checking_order(indexes)
        .try_for_each(|index| index.key_schema.iter().try_for_each(|attribute| index.check_key_type(attribute, item)))
}

/// The empty-value half of [`check_index_keys`] (for key attributes of the index's
/// types): a transaction refuses it outright, before anything runs.
pub fn check_index_key_values(indexes: &[SecondaryIndex], item: &Item, wording: EmptyKeyWording) -> Result<()> {
    checking_order(indexes).try_for_each(|index| {
        let mut typed = index
            .key_schema
            .iter()
            .filter(|attribute| item.get(&attribute.name).is_some_and(|v| attribute.scalar.matches(v)));
        typed.try_for_each(|attribute| index.check_key_value(attribute, item, wording))
    })
}

/// The indexes in the order DynamoDB checks them.
fn checking_order(indexes: &[SecondaryIndex]) -> impl Iterator<Item = &SecondaryIndex> {
    [IndexKind::Global, IndexKind::Local]
        .into_iter()
        .flat_map(move |kind| indexes.iter().rev().filter(move |index| index.kind == kind))
}

/// The entries of one index, with its item count and size.
#[derive(Debug, Clone, Default)]
pub struct IndexEntries {
    pub entries: BTreeSet<(KeyCode, KeyCode)>,
    pub size_bytes: u64,
    /// Writes on their way to a global index (the GSI propagation delay knob).
    lag: Lag,
}

/// Writes not yet in a global index, oldest first, and for each item they touch the
/// image the index still shows: an eventually consistent read of the index sees that
/// image, as on DynamoDB before the write propagates.
#[derive(Debug, Clone, Default)]
struct Lag {
    pending: VecDeque<PendingWrite>,
    /// Per table key with writes on the way: how many, and the item the index shows.
    shown: HashMap<KeyCode, (usize, Option<Item>)>,
}

#[derive(Debug, Clone)]
struct PendingWrite {
    due_millis: u64,
    key: KeyCode,
    old: Option<Item>,
    new: Option<Item>,
}

impl IndexEntries {
    /// Removes the entry of `old` and adds the entry of `new` (either may be absent) for
    /// the item at `key`.
    pub fn update(
        &mut self,
        index: &SecondaryIndex,
        table_schema: &KeySchema,
        key: &KeyCode,
        old: Option<&Item>,
        new: Option<&Item>,
    ) {
        let entry_size = |item: &Item| item_size(&index.project(table_schema, item)) as u64 + INDEX_ENTRY_OVERHEAD;
        if let Some(old) = old {
            if let Some(code) = index.key_schema.sparse_key(old) {
                if self.entries.remove(&(code, key.clone())) {
                    self.size_bytes -= entry_size(old);
                }
            }
        }
        if let Some(new) = new {
            if let Some(code) = index.key_schema.sparse_key(new) {
                if self.entries.insert((code, key.clone())) {
                    self.size_bytes += entry_size(new);
                }
            }
        }
    }

    /// Queues the write of the item at `key` from `old` to `new`, to reach the entries at
    /// `due_millis`.
    pub fn delay(&mut self, due_millis: u64, key: &KeyCode, old: Option<&Item>, new: Option<&Item>) {
        let shown = self.lag.shown.entry(key.clone()).or_insert_with(|| (0, old.cloned()));
        shown.0 += 1;
        let write = PendingWrite { due_millis, key: key.clone(), old: old.cloned(), new: new.cloned() };
        self.lag.pending.push_back(write);
    }

    /// Applies the queued writes due by `now` (all of them when `now` is `None`).
    pub fn propagate(&mut self, index: &SecondaryIndex, table_schema: &KeySchema, now: Option<u64>) {
        while self.lag.pending.front().is_some_and(|write| now.is_none_or(|now| write.due_millis <= now)) {
            let Some(write) = self.lag.pending.pop_front() else { break };
            self.update(index, table_schema, &write.key, write.old.as_ref(), write.new.as_ref());
            let finished = match self.lag.shown.get_mut(&write.key) {
                Some((count, shown)) => {
                    *count -= 1;
                    *shown = write.new;
                    *count == 0
                }
                None => false,
            };
            if finished {
                self.lag.shown.remove(&write.key);
            }
        }
    }

    /// The item the index shows for `key` while writes to it are on their way (`None`:
    /// none are, the table's item is current).
    pub fn shown(&self, key: &KeyCode) -> Option<Option<&Item>> {
        self.lag.shown.get(key).map(|(_, item)| item.as_ref())
    }

    /// Whether writes are on their way.
    pub fn is_lagging(&self) -> bool {
        !self.lag.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ops::create_table::{sample_engine, sample_meta};
    use crate::engine::{BillingMode, Change, Engine};
    use crate::model::{item_from_json, KeyAttribute, ScalarType};
    use serde_json::{json, Value};

    fn item(json: Value) -> Item {
        item_from_json(json.as_object().unwrap()).unwrap()
    }

    /// A table keyed by `id` with a global index on `author` (KEYS_ONLY).
    fn engine_with_index() -> Engine {
        let mut engine = sample_engine();
        let mut meta = sample_meta("t", BillingMode::PayPerRequest);
        meta.attribute_definitions.push(("author".into(), ScalarType::S));
        meta.indexes.push(SecondaryIndex {
            name: "byAuthor".into(),
            kind: IndexKind::Global,
            key_schema: KeySchema {
                partition: KeyAttribute { name: "author".into(), scalar: ScalarType::S },
                sort: None,
            },
            projection: Projection::KeysOnly,
            throughput: None,
            backfilling_until_millis: None,
        });
        engine.create_table(meta).unwrap();
        engine.take_changes();
        engine
    }

    /// The index's entries as (index key, table key) hex pairs, with its count and size.
    fn index_state(engine: &Engine) -> (Vec<(String, String)>, (usize, u64)) {
        let table = engine.table("t").unwrap();
        let entries = table.index_entries(0).map(|(index, key)| (index.to_hex(), key.to_hex())).collect();
        (entries, table.index_stats(0))
    }

    #[test]
    fn reverting_a_failed_write_restores_the_index() {
        let mut engine = engine_with_index();
        engine.put_item("t", item(json!({"id": {"S": "a"}, "author": {"S": "ann"}}))).unwrap();
        engine.put_item("t", item(json!({"id": {"S": "b"}}))).unwrap();
        engine.take_changes();
        let before = index_state(&engine);
        assert_eq!(before.1 .0, 1, "the item without an author is not in the index");

        // A write that moves an index key, one that adds an item to the index, and a
        // delete, all undone as storage would undo a failed commit.
        engine.put_item("t", item(json!({"id": {"S": "a"}, "author": {"S": "bob"}}))).unwrap();
        engine.put_item("t", item(json!({"id": {"S": "b"}, "author": {"S": "cat"}}))).unwrap();
        engine.delete_item("t", &item(json!({"id": {"S": "a"}}))).unwrap();
        let changes = engine.take_changes();
        assert!(changes.iter().all(|change| matches!(change, Change::Item { .. })));
        assert_ne!(index_state(&engine), before);
        engine.revert(changes);
        assert_eq!(index_state(&engine), before);
    }

    #[test]
    fn a_refused_write_changes_neither_table_nor_index() {
        let mut engine = engine_with_index();
        let error = engine.put_item("t", item(json!({"id": {"S": "a"}, "author": {"N": "1"}}))).unwrap_err();
        assert_eq!(
            error.message,
            "One or more parameter values were invalid: Type mismatch for Index Key author Expected: S Actual: N IndexName: byAuthor"
        );
        assert!(engine.take_changes().is_empty());
        assert_eq!(index_state(&engine), (Vec::new(), (0, 0)));
    }

    #[test]
    fn reverting_a_failed_index_creation_or_deletion() {
        let mut engine = engine_with_index();
        engine.put_item("t", item(json!({"id": {"S": "a"}, "author": {"S": "ann"}}))).unwrap();
        engine.put_item("t", item(json!({"id": {"S": "b"}, "author": {"S": "bob"}}))).unwrap();
        engine.take_changes();
        let before = index_state(&engine);
        assert_eq!(before.1 .0, 2);

        // Deletion, undone as storage would undo a failed commit: the entries come back.
        let mut new = engine.table("t").unwrap().meta.clone();
        new.indexes.clear();
        engine.update_global_indexes(new).unwrap();
        assert_eq!(index_state(&engine), (Vec::new(), (0, 0)));
        let changes = engine.take_changes();
        assert!(matches!(&changes[..], [Change::TableMeta { old: Some(_), .. }]));
        engine.revert(changes);
        assert_eq!(index_state(&engine), before);

        // Creation (a second index, backfilled at once), undone: the index goes.
        let mut new = engine.table("t").unwrap().meta.clone();
        let mut second = new.indexes[0].clone();
        second.name = "byAuthor2".into();
        new.indexes.push(second);
        engine.update_global_indexes(new).unwrap();
        assert_eq!(engine.table("t").unwrap().index_stats(1).0, 2, "backfilled");
        let changes = engine.take_changes();
        engine.revert(changes);
        let table = engine.table("t").unwrap();
        assert_eq!(table.meta.indexes.len(), 1);
        assert_eq!(table.index_stats(1), (0, 0));
        assert_eq!(index_state(&engine), before);
    }
}
