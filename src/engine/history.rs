//! The item history that point-in-time recovery keeps: for each table with recovery
//! enabled, every item change (when, which key, the item before it) for the recovery
//! period. A table's items at a moment are its current items with every later change
//! undone, newest first.

use crate::model::{Item, KeyCode};
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

/// One item change as the history keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// The TableId of the changed table.
    pub table_id: Rc<str>,
    /// Orders entries across all tables; stored in the entry's key.
    pub sequence: u64,
    /// When the change was made, on the engine clock.
    pub millis: u64,
    pub key: KeyCode,
    /// The item before the change (None: there was none).
    pub old: Option<Rc<Item>>,
}

/// The history of every table with point-in-time recovery enabled, by TableId.
#[derive(Debug, Default)]
pub struct History {
    /// Boxed: maps whose values are one pointer share their compiled code (docs/size.md).
    #[allow(clippy::box_collection)] // the box is the point: one pointer per value
    tables: BTreeMap<Rc<str>, Box<VecDeque<Rc<HistoryEntry>>>>,
    last_sequence: u64,
}

impl History {
    /// A new sequence number, greater than every one handed out or read back before.
    pub fn next_sequence(&mut self) -> u64 {
        self.last_sequence += 1;
        self.last_sequence
    }

    /// Adds an entry (the newest, or one read back from storage, wherever its sequence
    /// number puts it).
    pub fn insert(&mut self, entry: Rc<HistoryEntry>) {
        self.last_sequence = self.last_sequence.max(entry.sequence);
        let entries = self.tables.entry(entry.table_id.clone()).or_default();
        let position = entries.partition_point(|kept| kept.sequence < entry.sequence);
        entries.insert(position, entry);
    }

    /// Takes an entry back out (its change was reverted).
    pub fn remove(&mut self, entry: &HistoryEntry) {
        if let Some(entries) = self.tables.get_mut(&entry.table_id) {
            if let Some(position) = entries.iter().rposition(|kept| kept.sequence == entry.sequence) {
                entries.remove(position);
            }
        }
    }

    /// Removes the entries of `table_id` made before `oldest_kept_millis`, oldest first.
    pub fn trim(&mut self, table_id: &str, oldest_kept_millis: u64) -> Vec<Rc<HistoryEntry>> {
        let Some(entries) = self.tables.get_mut(table_id) else { return Vec::new() };
        let count = entries.partition_point(|entry| entry.millis < oldest_kept_millis);
        entries.drain(..count).collect()
    }

    /// Removes every entry of `table_id` (recovery was disabled or the table deleted).
    pub fn forget(&mut self, table_id: &str) -> Vec<Rc<HistoryEntry>> {
        self.tables.remove(table_id).map(|entries| Vec::from(*entries)).unwrap_or_default()
    }

    /// The entries of `table_id`, oldest first.
    pub fn entries(&self, table_id: &str) -> impl DoubleEndedIterator<Item = &Rc<HistoryEntry>> {
        self.tables.get(table_id).into_iter().flat_map(|entries| entries.iter())
    }

    /// Every entry, table by table.
    pub fn all(&self) -> impl Iterator<Item = &Rc<HistoryEntry>> {
        self.tables.values().flat_map(|entries| entries.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(history: &mut History, millis: u64) -> Rc<HistoryEntry> {
        let sequence = history.next_sequence();
        Rc::new(HistoryEntry {
            table_id: "t".into(),
            sequence,
            millis,
            key: KeyCode::from_hex("00").unwrap(),
            old: None,
        })
    }

    #[test]
    fn trimming_keeps_the_entries_from_the_oldest_kept_time_on() {
        let mut history = History::default();
        for millis in [10, 20, 30] {
            let entry = entry(&mut history, millis);
            history.insert(entry);
        }
        let trimmed = history.trim("t", 20);
        assert_eq!(trimmed.iter().map(|entry| entry.millis).collect::<Vec<_>>(), vec![10]);
        assert_eq!(history.entries("t").map(|entry| entry.millis).collect::<Vec<_>>(), vec![20, 30]);
        trimmed.into_iter().for_each(|entry| history.insert(entry));
        assert_eq!(history.entries("t").count(), 3);
    }
}
