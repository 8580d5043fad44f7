//! DeleteItem: remove one item by its full primary key.

use crate::engine::ops::put::Precondition;
use crate::engine::Engine;
use crate::error::Result;
use crate::model::{Item, PackedItem};
use crate::stream::Origin;

impl Engine {
    /// Removes the item at `key`, returning it as the table kept it; deleting a missing
    /// item is not an error.
    pub fn delete_item(&mut self, table_name: &str, key: &Item) -> Result<Option<PackedItem>> {
        self.delete_item_if(table_name, key, &Precondition::default())
    }

    /// Removes the item at `key` if it (or its absence) meets `precondition`, returning it
    /// as the table kept it.
    pub fn delete_item_if(
        &mut self,
        table_name: &str,
        key: &Item,
        precondition: &Precondition,
    ) -> Result<Option<PackedItem>> {
        let table = self.table_for_items(table_name)?;
        let code = table.meta.key_schema.request_key(key)?;
        self.check_not_in_transaction(table_name, &code)?;
        let old = precondition.check_stored(table, &code)?;
        self.store_item_over(table_name, code, old, None, Origin::Request)
    }
}
