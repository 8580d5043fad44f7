//! UpdateItem: edit one item in place, creating it from its key when absent (an upsert).
//!
//! The checks run in DynamoDB's order: the key against the schema, no action on a key
//! attribute, the precondition against the current item, the actions themselves, and
//! the size of the result.

use crate::engine::ops::put::{Precondition, Replaced, MAX_ITEM_SIZE};
use crate::engine::{Engine, Table};
use crate::error::Result;
use crate::expr::Update;
use crate::index::{check_index_keys, EmptyKeyWording};
use crate::model::{item_size, Item, KeyCode, KeySchema, PackedItem};
use crate::stream::Origin;
use std::rc::Rc;

/// The item before and after an update.
#[derive(Debug, Clone, PartialEq)]
pub struct Updated {
    /// The item before, if there was one and it was kept: when the caller asked for it,
    /// or the table's indexes, stream, Kinesis destination or recovery history read it.
    /// Otherwise the update takes the unpacked item over instead of copying it.
    pub old: Option<Rc<Item>>,
    /// The item after (just its key when the request had no actions and no item existed).
    pub new: Rc<Item>,
    /// The sizes of the item before (0 without one) and after, by DynamoDB's rules:
    /// computed once, for the size limit and the capacity both.
    pub sizes: [usize; 2],
}

impl Engine {
    /// Applies `update` (`None`: no UpdateExpression) to the item at `key` if it (or its
    /// absence) meets `precondition`; `keep_old` when the caller reads [`Updated::old`].
    /// An update that changes nothing records no change.
    pub fn update_item(
        &mut self,
        table_name: &str,
        key: &Item,
        update: Option<&Update>,
        precondition: &Precondition,
        keep_old: bool,
    ) -> Result<Updated> {
        let table = self.table_for_items(table_name)?;
        let code = table.meta.key_schema.request_key(key)?;
        if let Some(update) = update {
            refuse_key_updates(&table.meta.key_schema, update)?;
        }
        self.check_not_in_transaction(table_name, &code)?;
        let keep_old = keep_old || table.writes_need_images();
        let updated = plan_update(table, key, &code, update, precondition, keep_old)?;
        let old = match keep_old {
            true => Replaced::Read(updated.old.clone()),
            false => Replaced::Unread,
        };
        self.store_item_over(table_name, code, old, Some(updated.new.clone()), Origin::Request)?;
        Ok(updated)
    }
}

/// What `update` would make of the item at `code` (whose key attributes are `key`) if it
/// meets `precondition`: checked, but not stored.
fn plan_update(
    table: &Table,
    key: &Item,
    code: &KeyCode,
    update: Option<&Update>,
    precondition: &Precondition,
    keep_old: bool,
) -> Result<Updated> {
    let updated = apply_update(table, key, code, update, precondition, keep_old)?;
    check_index_keys(&table.meta.indexes, &updated.new, EmptyKeyWording::Update)?;
    check_updated_size(&updated)?;
    Ok(updated)
}

/// The item before (when `keep_old`) and after `update`, if the item (or its absence)
/// meets `precondition`; the result's index keys and size are still to check.
/// TransactWriteItems shares it, as it reports those checks apart.
pub(in crate::engine) fn apply_update(
    table: &Table,
    key: &Item,
    code: &KeyCode,
    update: Option<&Update>,
    precondition: &Precondition,
    keep_old: bool,
) -> Result<Updated> {
    let packed = table.get_packed(code);
    // The table keeps each item's size beside it.
    let old_size = packed.map_or(0, PackedItem::size);
    let old = packed.map(PackedItem::unpack);
    precondition.check(old.as_ref())?;
    // A new item starts as its key, so the actions can read the key attributes.
    let (kept, base) = match old {
        Some(old) if keep_old => (Some(Rc::new(old.clone())), old),
        Some(old) => (None, old),
        None => (None, key.clone()),
    };
    let new = match update {
        Some(update) => update.apply(base)?,
        None => base,
    };
    let sizes = [old_size, item_size(&new)];
    Ok(Updated { old: kept, new: Rc::new(new), sizes })
}

/// The 400 KB limit on an updated item, in UpdateItem's wording.
pub(in crate::engine) fn check_updated_size(updated: &Updated) -> Result<()> {
    if updated.sizes[1] > MAX_ITEM_SIZE {
        crate::bail_validation!("Item size to update has exceeded the maximum allowed size");
    }
    Ok(())
}

/// DynamoDB refuses any action on a key attribute, nested paths included; the partition
/// key is reported before the sort key.
pub(in crate::engine) fn refuse_key_updates(schema: &KeySchema, update: &Update) -> Result<()> {
    let touched = update.top_level_names();
    let mut key_names = std::iter::once(&schema.partition).chain(&schema.sort).map(|attribute| &attribute.name);
    match key_names.find(|name| touched.contains(&name.as_str())) {
        Some(name) => crate::bail_validation!(
            "One or more parameter values were invalid: Cannot update attribute {name}. This attribute is part of the key"
        ),
        None => Ok(()),
    }
}
