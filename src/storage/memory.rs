//! A backend that keeps the stores in ordered maps: native use, and the mirror that
//! tests check the IndexedDB format against. It can be told to fail its next commit.

use crate::storage::{Batch, Snapshot, StorageError, StoredItem, Write};
use std::collections::BTreeMap;

#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    meta: BTreeMap<String, String>,
    /// `(table_id, key hex)` to item JSON, as IndexedDB's `items` store keys them.
    items: BTreeMap<(String, String), String>,
    failure: Option<String>,
}

impl MemoryStore {
    /// Makes the next commit fail with `reason`, changing nothing.
    pub fn fail_next_commit(&mut self, reason: &str) {
        self.failure = Some(reason.to_string());
    }

    /// Commits every write of the batch, or none of them.
    pub fn commit(&mut self, batch: &Batch) -> Result<(), StorageError> {
        if let Some(reason) = self.failure.take() {
            return Err(StorageError::Backend(reason));
        }
        batch.writes.iter().for_each(|write| self.apply(write));
        Ok(())
    }

    fn apply(&mut self, write: &Write) {
        match write {
            Write::PutMeta { key, value } => {
                self.meta.insert(key.clone(), value.clone());
            }
            Write::DeleteMeta { key } => {
                self.meta.remove(key);
            }
            Write::PutItem { table_id, key, value } => {
                self.items.insert((table_id.to_string(), key.clone()), value.clone());
            }
            Write::DeleteItem { table_id, key } => {
                self.items.remove(&(table_id.to_string(), key.clone()));
            }
            Write::DeleteTableItems { table_id } => self.items.retain(|(id, _), _| id != &**table_id),
        }
    }

    /// Every record, as a backend loads them.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            meta: self.meta.iter().map(|(key, value)| (key.clone(), value.clone())).collect(),
            items: self
                .items
                .iter()
                .map(|((table_id, key), value)| StoredItem {
                    table_id: table_id.clone(),
                    key: Some(key.clone()),
                    value: value.clone(),
                })
                .collect(),
        }
    }

    /// Every record, items without their keys: what the IndexedDB backend's cold open
    /// reads (the keys then come from the items and their tables' key schemas).
    pub fn snapshot_without_keys(&self) -> Snapshot {
        let mut snapshot = self.snapshot();
        snapshot.items.iter_mut().for_each(|item| item.key = None);
        snapshot
    }
}
