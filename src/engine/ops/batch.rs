//! BatchWriteItem and BatchGetItem: many item writes, or many key lookups, in one request.
//!
//! A batch write is checked whole before anything is written (item sizes, then each
//! table's existence, keys and duplicates), and a write refused part-way (an item
//! collection at its size limit) undoes the ones before it, so a rejected batch changes
//! nothing. Only
//! then does each write go through [`Engine::put_item`] or [`Engine::delete_item`],
//! which record its [`Change`](crate::engine::Change); storage commits a request's
//! changes together.

use super::put::check_put_item_size;
use crate::engine::Engine;
use crate::index::{check_index_keys, EmptyKeyWording};
use crate::model::{CompactCollect, Item, KeyCode, KeySchema, PackedItem};
use crate::{bail_validation, Result};
use std::collections::HashSet;

/// One write of a BatchWriteItem.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchWrite {
    /// PutRequest: the whole item.
    Put(Item),
    /// DeleteRequest: the item's key.
    Delete(Item),
}

/// The writes a BatchWriteItem asks of one table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableWrites {
    pub table: String,
    pub writes: Vec<BatchWrite>,
}

impl BatchWrite {
    /// The item a put stores, or the key a delete names.
    pub fn named_item(&self) -> &Item {
        match self {
            BatchWrite::Put(item) | BatchWrite::Delete(item) => item,
        }
    }

    /// The primary key the write targets. Unlike PutItem, a batch put whose key
    /// attributes are missing or mistyped gets the terse schema message, as a key does.
    fn key(&self, schema: &KeySchema) -> Result<KeyCode> {
        match self {
            BatchWrite::Put(item) => schema.request_key(&schema.key_attributes(item)),
            BatchWrite::Delete(key) => schema.request_key(key),
        }
    }
}

impl Engine {
    /// Applies every write of a BatchWriteItem, or none of them. Returns, table by table
    /// and write by write, the item each write replaced or removed, as the table kept it.
    pub fn batch_write_item(&mut self, tables: Vec<TableWrites>) -> Result<Vec<Vec<Option<PackedItem>>>> {
        self.check_batch_writes(&tables)?;
        self.all_or_nothing(|engine| {
            let mut old_items = Vec::with_capacity(tables.len());
            for TableWrites { table, writes } in tables {
                let olds = writes.into_iter().map(|write| match write {
                    BatchWrite::Put(item) => engine.put_item(&table, item),
                    BatchWrite::Delete(key) => engine.delete_item(&table, &key),
                });
                old_items.push(olds.try_collect_vec()?);
            }
            Ok(old_items)
        })
    }

    /// Everything that could make a write fail, checked before the first one runs.
    fn check_batch_writes(&self, tables: &[TableWrites]) -> Result<()> {
        // DynamoDB measures items while validating the request, before it looks at tables.
        for write in tables.iter().flat_map(|table| &table.writes) {
            if let BatchWrite::Put(item) = write {
                check_put_item_size(item)?;
            }
        }
        for table in tables {
            let meta = &self.table_for_items(&table.table)?.meta;
            let keys = distinct_keys(table.writes.iter().map(|write| write.key(&meta.key_schema)))?;
            for key in &keys {
                self.check_not_in_transaction(&table.table, key)?;
            }
            for write in &table.writes {
                if let BatchWrite::Put(item) = write {
                    check_index_keys(&meta.indexes, item, EmptyKeyWording::Item)?;
                }
            }
        }
        Ok(())
    }

    /// The items at `keys` in one table of a BatchGetItem (`None` where there is none),
    /// after checking that the table exists and every key matches its schema.
    pub fn batch_get_items(&self, table_name: &str, keys: &[Item]) -> Result<Vec<Option<Item>>> {
        let table = self.table_for_items(table_name)?;
        let codes = keys.iter().map(|key| table.meta.key_schema.request_key(key)).try_collect_vec()?;
        Ok(codes.iter().map(|code| table.get(code)).collect())
    }
}

/// The keys of one table's writes; fails when two target the same item (a put and a
/// delete count).
fn distinct_keys(keys: impl Iterator<Item = Result<KeyCode>>) -> Result<Vec<KeyCode>> {
    let mut seen = HashSet::new();
    let mut distinct = Vec::new();
    for key in keys {
        let key = key?;
        if !seen.insert(key.clone()) {
            bail_validation!("Provided list of item keys contains duplicates");
        }
        distinct.push(key);
    }
    Ok(distinct)
}
