//! DeleteItem: remove one item by its full primary key.

use crate::engine::{items_table_mut, Change, Engine};
use crate::error::Result;
use crate::model::Item;

impl Engine {
    /// Removes the item at `key`, returning it; deleting a missing item is not an error.
    pub fn delete_item(&mut self, table_name: &str, key: &Item) -> Result<Option<Item>> {
        let table = items_table_mut(&mut self.tables, table_name)?;
        let code = table.meta.key_schema.request_key(key)?;
        if table.get(&code).is_none() {
            return Ok(None);
        }
        let table_id = table.meta.id.clone();
        let old = table.set(code.clone(), None);
        self.changes.push(Change::Item {
            table: table_name.to_string(),
            table_id,
            key: code,
            old: old.clone(),
            new: None,
        });
        Ok(old)
    }
}
