//! DeleteTable: remove a table and all its items, unless deletion protection is on; its
//! stream, disabled, stays readable for 24 hours, and with point-in-time recovery enabled
//! a system backup keeps its items for 35 days.

use crate::engine::{table_not_found, Change, Engine, Table, TableMeta};
use crate::error::Result;
use crate::stream::sequence_text;

impl Engine {
    /// Deletes a table, returning it as it was. Deletion takes no time here: the name is
    /// free again as soon as this returns.
    pub fn delete_table(&mut self, name: &str) -> Result<Table> {
        if self.table_for_control(name)?.meta.deletion_protection {
            crate::bail_validation!(
                "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first."
            );
        }
        let table = self.tables.remove(name).ok_or_else(|| table_not_found(name))?;
        let retired = self.retire_streams(&table.meta).map(Box::new);
        // The change log keeps its own copy, so that a failed commit can put the table back;
        // deleting a table is rare enough for the copy not to matter.
        self.changes.push(Change::TableDeleted { table: Box::new(table.clone()), retired });
        if table.meta.point_in_time_recovery.is_some() {
            self.keep_system_backup(&table);
        }
        self.forget_history(&table.meta.id);
        Ok(table)
    }

    /// Keeps the settings of a deleted table whose stream can still be read: as on
    /// DynamoDB, deleting the table disables its stream, which stays readable for 24 hours.
    fn retire_streams(&mut self, meta: &TableMeta) -> Option<TableMeta> {
        let now = self.now_millis();
        let mut retired = meta.clone();
        retired.indexes.clear();
        retired.auto_scaling.clear();
        if let Some(stream) = retired.streams.last_mut().filter(|stream| stream.is_enabled()) {
            stream.disabled = Some((now, sequence_text(self.streams.next_sequence(now))));
        }
        retired.streams.retain(|stream| stream.is_visible(now));
        if retired.streams.is_empty() {
            return None;
        }
        self.retired.push(retired.clone());
        Some(retired)
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::ops::create_table::{sample_engine, sample_meta};
    use crate::engine::BillingMode;

    #[test]
    fn a_failed_commit_puts_the_deleted_table_back() {
        let mut engine = sample_engine();
        engine.create_table(sample_meta("t1", BillingMode::PayPerRequest)).unwrap();
        engine.take_changes();
        let deleted = engine.delete_table("t1").unwrap();
        assert!(engine.table("t1").is_none());
        let changes = engine.take_changes();
        engine.revert(changes);
        assert_eq!(engine.table("t1").map(|table| &table.meta), Some(&deleted.meta));
    }
}
