//! PutItem: create or replace a whole item; and what every item write shares: the
//! precondition it checks and the one place that stores an item and records the change.

use crate::clock::Clock;
use crate::engine::{items_table_mut, Change, Engine, Table};
use crate::error::{Error, ErrorKind, Result};
use crate::expr::Condition;
use crate::index::{check_index_keys, EmptyKeyWording, IndexKind};
use crate::model::{item_size, Item, KeyCode, PackedItem};
use crate::stream::{ItemEvent, Origin, StreamRecord};
use std::rc::Rc;

/// The largest item DynamoDB stores, in bytes.
pub const MAX_ITEM_SIZE: usize = 400 * 1024;

/// What a write returns about the item it changed (ReturnValues). PutItem and DeleteItem
/// allow `None` and `AllOld`; UpdateItem allows all five.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnValues {
    /// Nothing.
    None,
    /// The whole item as it was before the write.
    AllOld,
    /// The updated paths as they were before the write.
    UpdatedOld,
    /// The whole item as it is after the write.
    AllNew,
    /// The updated paths as they are after the write.
    UpdatedNew,
}

/// The ConditionExpression a write must satisfy, and whether its failure carries the item
/// (ReturnValuesOnConditionCheckFailure=ALL_OLD).
#[derive(Debug, Clone, Copy, Default)]
pub struct Precondition<'a> {
    pub condition: Option<&'a Condition>,
    pub item_on_failure: bool,
}

impl Precondition<'_> {
    /// Checks the condition against the current item (a missing item is the empty item);
    /// DynamoDB's ConditionalCheckFailedException when it does not hold.
    pub fn check(&self, current: Option<&Item>) -> Result<()> {
        let Some(condition) = self.condition else { return Ok(()) };
        if condition.matches(current.unwrap_or(&Item::new())) {
            return Ok(());
        }
        Err(Error {
            item: current.filter(|_| self.item_on_failure).cloned(),
            ..Error::new(ErrorKind::ConditionalCheckFailed, "The conditional request failed")
        })
    }
}

/// PutItem's limit on its item. The API checks it while validating the request, before
/// the table is looked up, as DynamoDB does; the engine checks again for its other callers.
pub fn check_put_item_size(item: &Item) -> Result<()> {
    check_put_size(item_size(item))
}

/// [`check_put_item_size`] for an item whose size is known (taking an item's size walks
/// all of it: a tenth of a PutItem took four walks).
pub fn check_put_size(size: usize) -> Result<()> {
    if size > MAX_ITEM_SIZE {
        crate::bail_validation!("Item size has exceeded the maximum allowed size");
    }
    Ok(())
}

/// Refuses a write of `new` over `old` (the item stored at its key) that would grow an
/// item collection past `limit` bytes (only tables with local secondary indexes have
/// item collections with a limit, and their writes read the old item for the indexes).
pub(in crate::engine) fn check_collection_growth(
    table: &Table,
    new: Option<&Item>,
    old: Option<&Item>,
    limit: u64,
) -> Result<()> {
    let has_local_index = table.meta.indexes.iter().any(|index| index.kind == IndexKind::Local);
    let Some(new) = new.filter(|_| has_local_index) else { return Ok(()) };
    let old_share = old.map_or(0, |old| table.collection_share(old));
    let new_share = table.collection_share(new);
    let Some(value) = new.get(&table.meta.key_schema.partition.name) else { return Ok(()) };
    if new_share <= old_share || table.item_collection_size(value).saturating_sub(old_share) + new_share <= limit {
        return Ok(());
    }
    Err(Error::new(ErrorKind::ItemCollectionSizeLimitExceeded, "Collection size exceeded."))
}

/// The item a write replaces, as far as its writer has read it. Unpacking an item costs
/// as much as the rest of a PutItem, so a write unpacks it only for what reads its image:
/// a condition, an index, the stream, a Kinesis destination or the recovery history.
pub(in crate::engine) enum Replaced {
    /// Read and unpacked already (None: there is no item at the key).
    Read(Option<Rc<Item>>),
    /// Not read yet.
    Unread,
}

impl Replaced {
    /// The image of the item stored at `key` in `table`, if the write to it needs one.
    fn image(self, table: &Table, key: &KeyCode) -> Option<Rc<Item>> {
        match self {
            Replaced::Read(old) => old,
            Replaced::Unread if table.writes_need_images() => table.get(key).map(Rc::new),
            Replaced::Unread => None,
        }
    }
}

impl Table {
    /// Whether a write to the table needs the images of the items it replaces and writes,
    /// not only their packed bytes: for its indexes, its Kinesis destination or its
    /// point-in-time recovery history (a stream's records keep the packed bytes).
    pub fn writes_need_images(&self) -> bool {
        let meta = &self.meta;
        !meta.indexes.is_empty() || meta.active_kinesis_destination().is_some() || meta.point_in_time_recovery.is_some()
    }
}

impl Precondition<'_> {
    /// [`Precondition::check`] against the item stored at `key`, which is read only when
    /// there is a condition to check.
    pub(in crate::engine) fn check_stored(&self, table: &Table, key: &KeyCode) -> Result<Replaced> {
        if self.condition.is_none() {
            return Ok(Replaced::Unread);
        }
        let current = table.get(key);
        self.check(current.as_ref())?;
        Ok(Replaced::Read(current.map(Rc::new)))
    }
}

impl Engine {
    /// Stores `item`, returning the item it replaced as the table kept it.
    pub fn put_item(&mut self, table_name: &str, item: Item) -> Result<Option<PackedItem>> {
        self.put_item_if(table_name, item, &Precondition::default())
    }

    /// Stores `item` if the item it would replace meets `precondition`, returning that
    /// item as the table kept it: callers unpack it only when they need its attributes.
    pub fn put_item_if(
        &mut self,
        table_name: &str,
        item: Item,
        precondition: &Precondition,
    ) -> Result<Option<PackedItem>> {
        let packed = PackedItem::pack(&item);
        self.put_checked(table_name, packed, Some(item), precondition)
    }

    /// Stores `item`, read straight into its packed form ([`PackedItem::from_request_json`]),
    /// returning the item it replaced as the table kept it. It is unpacked only for a
    /// table whose writes need its image ([`Table::writes_need_images`]).
    pub fn put_packed(&mut self, table_name: &str, item: PackedItem) -> Result<Option<PackedItem>> {
        self.put_checked(table_name, item, None, &Precondition::default())
    }

    /// Stores `packed`, whose image is `image` when the caller has it, if it holds a valid
    /// key and the item it would replace meets `precondition`. Without an image the key is
    /// read off the bytes, and the item is unpacked only to name what is wrong with it.
    fn put_checked(
        &mut self,
        table_name: &str,
        packed: PackedItem,
        image: Option<Item>,
        precondition: &Precondition,
    ) -> Result<Option<PackedItem>> {
        let table = self.table_for_items(table_name)?;
        let image = image.or_else(|| table.writes_need_images().then(|| packed.unpack()));
        let schema = &table.meta.key_schema;
        let key = match &image {
            Some(item) => schema.item_key(item)?,
            None => match schema.packed_key(&packed) {
                Some(key) => key,
                None => schema.item_key(&packed.unpack())?,
            },
        };
        if let Some(item) = &image {
            check_index_keys(&table.meta.indexes, item, EmptyKeyWording::Item)?;
        }
        check_put_size(packed.size())?;
        self.check_not_in_transaction(table_name, &key)?;
        let old = precondition.check_stored(table, &key)?;
        self.store_packed_over(table_name, key, old, Some(packed), image.map(Rc::new), Origin::Request)
    }

    /// Stores `new` at `key` (`None` removes the item) and records the change, returning
    /// the previous item as the table kept it. A write that changes nothing records nothing.
    pub(in crate::engine) fn store_item(
        &mut self,
        table_name: &str,
        key: KeyCode,
        new: Option<Item>,
    ) -> Result<Option<PackedItem>> {
        self.store_item_from(table_name, key, new, Origin::Request)
    }

    /// [`Engine::store_item`] for a change made by `origin`; when the table's stream is
    /// enabled, the change's stream record goes into the log and into the change.
    pub(in crate::engine) fn store_item_from(
        &mut self,
        table_name: &str,
        key: KeyCode,
        new: Option<Item>,
        origin: Origin,
    ) -> Result<Option<PackedItem>> {
        self.store_item_over(table_name, key, Replaced::Unread, new.map(Rc::new), origin)
    }

    /// [`Engine::store_item_from`] for a writer that may have read the item stored at
    /// `key` already (`old`): it is not unpacked again.
    pub(in crate::engine) fn store_item_over(
        &mut self,
        table_name: &str,
        key: KeyCode,
        old: Replaced,
        new: Option<Rc<Item>>,
        origin: Origin,
    ) -> Result<Option<PackedItem>> {
        let packed = new.as_deref().map(PackedItem::pack);
        self.store_packed_over(table_name, key, old, packed, new, origin)
    }

    /// [`Engine::store_item_over`] of an item packed already (`packed`), with its image
    /// (`new`): a table whose writes need no image ([`Table::writes_need_images`]) takes
    /// a written item without it.
    fn store_packed_over(
        &mut self,
        table_name: &str,
        key: KeyCode,
        old: Replaced,
        packed: Option<PackedItem>,
        new: Option<Rc<Item>>,
        origin: Origin,
    ) -> Result<Option<PackedItem>> {
        let limit = self.knobs.item_collection_size_limit_bytes;
        let table = items_table_mut(&mut self.tables, table_name)?;
        if table.get_packed(&key) == packed.as_ref() {
            return Ok(packed);
        }
        let old_image = old.image(table, &key);
        check_collection_growth(table, new.as_deref(), old_image.as_deref(), limit)?;
        let table_id = table.meta.id.clone();
        let stored = packed.clone();
        let replaced = table.set_known(key.clone(), packed, new.as_deref(), old_image.as_deref());
        // Only a table with a stream pays for a record (a clock read, and copies of the
        // packed images).
        let record = table.meta.enabled_stream().map(|stream| {
            let now = self.clock.now_millis();
            let (item, schema) = (stored.as_ref().or(replaced.as_ref()), &table.meta.key_schema);
            let event = ItemEvent {
                event_id: self.ids.hex128(),
                origin,
                view_type: stream.view_type,
                old: replaced.clone(),
                new: stored.clone(),
                keys: item
                    .map(|item| item.select(|name| schema.iter().any(|attribute| attribute.name == name)))
                    .unwrap_or_default(),
            };
            let record =
                Rc::new(StreamRecord::new(stream.arn(table_name).into(), self.streams.next_sequence(now), now, event));
            self.streams.append(record.clone());
            record
        });
        // Only a table with a Kinesis destination pays for its record (the images are shared).
        let kinesis = table.meta.active_kinesis_destination().is_some().then(|| {
            let event_id = record.as_ref().map(|record| record.event_id.clone());
            (old_image.clone(), new.clone(), event_id)
        });
        let recovering = table.meta.point_in_time_recovery.is_some();
        let history = recovering.then(|| self.record_history(&table_id, &key, &old_image));
        let change = Change::Item {
            table: table_name.to_string(),
            table_id,
            key,
            old: replaced.clone(),
            new: stored,
            record,
            history,
        };
        self.changes.push(change);
        if let Some((old_image, new, event_id)) = kinesis {
            self.publish_to_kinesis(table_name, old_image.as_deref(), new.as_deref(), origin, event_id);
        }
        Ok(replaced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ops::create_table::{sample_engine, sample_meta};
    use crate::engine::BillingMode;
    use crate::expr::{parse_condition, parse_update, ExpressionKind, Placeholders};
    use crate::model::item_from_json;
    use serde_json::{json, Value};

    fn item(json: Value) -> Item {
        item_from_json(json.as_object().unwrap()).unwrap()
    }

    /// A table keyed by `id` without indexes, stream or recovery, whose writes do not
    /// unpack the item they replace, holding `first`.
    fn plain_table_holding(first: &Item) -> Engine {
        let mut engine = sample_engine();
        engine.create_table(sample_meta("t", BillingMode::PayPerRequest)).unwrap();
        assert_eq!(engine.put_item("t", first.clone()).unwrap(), None);
        engine.take_changes();
        engine
    }

    fn stored(engine: &Engine, id: &str) -> Option<Item> {
        let table = engine.table("t").unwrap();
        table.get(&table.meta.key_schema.request_key(&item(json!({"id": {"S": id}}))).unwrap())
    }

    #[test]
    fn writes_return_the_replaced_item_as_stored_and_a_revert_restores_it() {
        let first = item(json!({"id": {"S": "a"}, "v": {"N": "1"}, "m": {"M": {"x": {"SS": ["p", "q"]}}}}));
        let second = item(json!({"id": {"S": "a"}, "v": {"N": "2"}}));
        let mut engine = plain_table_holding(&first);
        assert_eq!(engine.put_item("t", second.clone()).unwrap(), Some(PackedItem::pack(&first)));
        // A write that changes nothing answers the item it left in place.
        assert_eq!(engine.put_item("t", second.clone()).unwrap(), Some(PackedItem::pack(&second)));
        let deleted = engine.delete_item("t", &item(json!({"id": {"S": "a"}}))).unwrap();
        assert_eq!(deleted, Some(PackedItem::pack(&second)));
        assert_eq!(engine.delete_item("t", &item(json!({"id": {"S": "a"}}))).unwrap(), None);
        let changes = engine.take_changes();
        assert_eq!(changes.len(), 2, "the put that changed nothing and the delete of nothing record nothing");
        engine.revert(changes);
        assert_eq!(stored(&engine, "a"), Some(first));
    }

    #[test]
    fn a_condition_reads_the_item_it_would_replace() {
        let first = item(json!({"id": {"S": "a"}, "v": {"N": "1"}}));
        let mut engine = plain_table_holding(&first);
        let placeholders = Placeholders::default();
        let absent = parse_condition("attribute_not_exists(id)", ExpressionKind::Condition, &placeholders).unwrap();
        let precondition = Precondition { condition: Some(&absent), item_on_failure: true };
        let second = item(json!({"id": {"S": "a"}, "v": {"N": "2"}}));
        let error = engine.put_item_if("t", second, &precondition).unwrap_err();
        assert_eq!((error.kind, error.item), (ErrorKind::ConditionalCheckFailed, Some(first.clone())));
        let error = engine.delete_item_if("t", &item(json!({"id": {"S": "a"}})), &precondition).unwrap_err();
        assert_eq!(error.kind, ErrorKind::ConditionalCheckFailed);
        assert!(engine.take_changes().is_empty());
        assert_eq!(stored(&engine, "a"), Some(first));
        let other = item(json!({"id": {"S": "b"}}));
        assert_eq!(engine.put_item_if("t", other.clone(), &precondition).unwrap(), None);
        assert_eq!(stored(&engine, "b"), Some(other));
    }

    #[test]
    fn an_update_takes_the_item_over_unless_something_reads_the_old_one() {
        let first = item(json!({"id": {"S": "a"}, "v": {"N": "1"}}));
        let mut engine = plain_table_holding(&first);
        let values = json!({":one": {"N": "1"}});
        let placeholders = Placeholders::new(None, values.as_object()).unwrap();
        let update = parse_update("SET v = v + :one", &placeholders).unwrap();
        let key = item(json!({"id": {"S": "a"}}));
        let no_condition = Precondition::default();
        let taken = engine.update_item("t", &key, Some(&update), &no_condition, false).unwrap();
        let second = item(json!({"id": {"S": "a"}, "v": {"N": "2"}}));
        assert_eq!((taken.old, &*taken.new), (None, &second));
        let kept = engine.update_item("t", &key, Some(&update), &no_condition, true).unwrap();
        assert_eq!(kept.old.as_deref(), Some(&second));
        let changes = engine.take_changes();
        assert_eq!(changes.len(), 2);
        engine.revert(changes);
        assert_eq!(stored(&engine, "a"), Some(first));
    }
}
