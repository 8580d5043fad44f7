//! GetItem: read one item by its full primary key, from memory.

use crate::engine::Engine;
use crate::error::Result;
use crate::model::Item;

impl Engine {
    /// The item at `key`, if any, borrowed: a read copies nothing until the response is
    /// rendered.
    pub fn get_item(&self, table_name: &str, key: &Item) -> Result<Option<&Item>> {
        let table = self.table_for_items(table_name)?;
        let code = table.meta.key_schema.request_key(key)?;
        Ok(table.get(&code))
    }
}
