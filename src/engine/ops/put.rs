//! PutItem: create or replace a whole item.

use crate::engine::{items_table_mut, Change, Engine};
use crate::error::Result;
use crate::model::{item_size, Item};

/// The largest item DynamoDB stores, in bytes.
pub const MAX_ITEM_SIZE: usize = 400 * 1024;

/// What a write returns about the item it replaced (PutItem and DeleteItem allow these two).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnValues {
    /// Nothing.
    None,
    /// The whole item as it was before the write.
    AllOld,
}

impl Engine {
    /// Stores `item`, returning the item it replaced.
    pub fn put_item(&mut self, table_name: &str, item: Item) -> Result<Option<Item>> {
        let table = items_table_mut(&mut self.tables, table_name)?;
        let key = table.meta.key_schema.item_key(&item)?;
        if item_size(&item) > MAX_ITEM_SIZE {
            crate::bail_validation!("Item size has exceeded the maximum allowed size");
        }
        if table.get(&key) == Some(&item) {
            return Ok(Some(item));
        }
        let table_id = table.meta.id.clone();
        let old = table.set(key.clone(), Some(item.clone()));
        self.changes.push(Change::Item {
            table: table_name.to_string(),
            table_id,
            key,
            old: old.clone(),
            new: Some(item),
        });
        Ok(old)
    }
}
