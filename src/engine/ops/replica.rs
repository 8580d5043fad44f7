//! What a global table's replica needs from the engine of its Region: a table made in
//! the image of another Region's, and writes as replication delivers them.

use crate::engine::{Access, Engine, TableMeta};
use crate::error::Result;
use crate::model::{Item, KeyCode};
use crate::stream::{Origin, ViewType};

impl Engine {
    /// Creates the replica of `source` (another Region's table) holding `items`: the same
    /// name, keys, indexes, billing, class, encryption and time to live, and a stream of
    /// both images that starts after the copy, and the write auto scaling (which DynamoDB
    /// copies to the replica's Region). What stays regional starts afresh: tags,
    /// deletion protection, point-in-time recovery, Kinesis destinations, read auto scaling.
    pub fn create_replica_table(&mut self, source: &TableMeta, items: Vec<(KeyCode, Item)>) -> Result<()> {
        let meta = TableMeta {
            tags: Vec::new(),
            deletion_protection: false,
            auto_scaling: source.auto_scaling.iter().filter(|target| target.access == Access::Write).cloned().collect(),
            streams: Vec::new(),
            kinesis_destinations: Vec::new(),
            point_in_time_recovery: None,
            restore_summary: None,
            ..source.clone()
        };
        self.all_or_nothing(|engine| {
            engine.create_table(meta)?;
            for (key, item) in items {
                engine.store_item(&source.name, key, Some(item))?;
            }
            engine.update_stream(&source.name, Some(ViewType::NewAndOldImages)).map(drop)
        })
    }

    /// Stores an item (`None`: removes it) as replication from another Region delivers
    /// it: no condition, no capacity, a stream record as for any write.
    pub fn apply_replicated_write(&mut self, table: &str, key: KeyCode, item: Option<Item>) -> Result<()> {
        self.all_or_nothing(|engine| engine.store_item_from(table, key, item, Origin::Request).map(drop))
    }
}
