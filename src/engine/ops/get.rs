//! GetItem: read one item by its full primary key, from memory.

use crate::engine::Engine;
use crate::error::Result;
use crate::model::{KeyValues, PackedItem};

impl Engine {
    /// The item at `key`, if any, borrowed as the table keeps it: a read copies nothing,
    /// and a response without projection renders it straight from its bytes.
    pub fn get_item(&self, table_name: &str, key: &dyn KeyValues) -> Result<Option<&PackedItem>> {
        let table = self.table_for_items(table_name)?;
        let code = table.meta.key_schema.request_key(key)?;
        Ok(table.get_packed(&code))
    }
}
