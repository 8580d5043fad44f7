//! Point-in-time recovery: UpdateContinuousBackups' setting, the restorable window, the
//! history it keeps (trimmed to the recovery period on the engine clock), reading a
//! table as it was at a moment, and RestoreTableToPointInTime.
//!
//! Export reads the same history: [`Engine::restorable_window`] says which moments can
//! be read, [`Engine::items_at`] gives a full export's items and
//! [`Engine::changes_between`] an incremental export's changes.

use crate::engine::history::HistoryEntry;
use crate::engine::table::{PointInTimeRecovery, RestoreSummary};
use crate::engine::{table_arn, Change, Engine, SecondaryIndex, Table, TableMeta};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{CompactCollect, Item, KeyCode};
use std::collections::BTreeMap;
use std::rc::Rc;

/// The recovery period when UpdateContinuousBackups names none, and the longest.
pub const MAX_RECOVERY_PERIOD_DAYS: u32 = 35;
pub(in crate::engine) const DAY_MILLIS: u64 = 24 * 60 * 60 * 1000;
/// LatestRestorableDateTime trails the clock: "typically 5 minutes" on DynamoDB.
const LATEST_RESTORABLE_LAG_MILLIS: u64 = 5 * 60 * 1000;

/// The moments a table with point-in-time recovery can be restored to, inclusive, in
/// epoch milliseconds on the engine clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestorableWindow {
    pub earliest_millis: u64,
    pub latest_millis: u64,
}

impl RestorableWindow {
    pub fn contains(&self, millis: u64) -> bool {
        (self.earliest_millis..=self.latest_millis).contains(&millis)
    }
}

/// One item change of a table's history, with the images before and after it.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemChange {
    /// When the change was made, in epoch milliseconds on the engine clock.
    pub millis: u64,
    pub key: KeyCode,
    /// The item before the change; None when the change created it.
    pub old: Option<Rc<Item>>,
    /// The item after the change; None when the change deleted it.
    pub new: Option<Rc<Item>>,
}

impl PointInTimeRecovery {
    /// The restorable window at `now`, in whole seconds as DynamoDB reports it: from the
    /// first second after recovery was enabled or the recovery period began, whichever
    /// is later, to five minutes ago (never before the start).
    pub fn window(&self, now: u64) -> RestorableWindow {
        let period_start = now.saturating_sub(u64::from(self.recovery_period_days) * DAY_MILLIS);
        let earliest_millis = self.enabled_millis.max(period_start).div_ceil(1000) * 1000;
        let latest_millis = (now.saturating_sub(LATEST_RESTORABLE_LAG_MILLIS) / 1000 * 1000).max(earliest_millis);
        RestorableWindow { earliest_millis, latest_millis }
    }
}

impl Engine {
    /// UpdateContinuousBackups: enables point-in-time recovery with a recovery period (a
    /// change of period keeps the history), or disables it, forgetting the history.
    /// Returns the setting now in force.
    pub fn update_point_in_time_recovery(
        &mut self,
        name: &str,
        enabled: bool,
        recovery_period_days: Option<u32>,
    ) -> Result<Option<PointInTimeRecovery>> {
        let now = self.now_millis();
        let mut new = self.table_for_backups(name)?.meta.clone();
        new.point_in_time_recovery = match (enabled, &new.point_in_time_recovery) {
            (false, _) => None,
            (true, current) => Some(PointInTimeRecovery {
                recovery_period_days: recovery_period_days.unwrap_or(MAX_RECOVERY_PERIOD_DAYS),
                enabled_millis: current.as_ref().map_or(now, |current| current.enabled_millis),
            }),
        };
        if !enabled {
            self.forget_history(&new.id);
        }
        let setting = new.point_in_time_recovery.clone();
        self.replace_meta(new)?;
        Ok(setting)
    }

    /// The moments the table `name` can be restored (or exported) to. Fails with
    /// TableNotFoundException, or PointInTimeRecoveryUnavailableException when recovery
    /// is not enabled.
    pub fn restorable_window(&self, name: &str) -> Result<RestorableWindow> {
        let table = self.table_for_backups(name)?;
        let recovery = table.meta.point_in_time_recovery.as_ref().ok_or_else(|| recovery_unavailable(name))?;
        Ok(recovery.window(self.now_millis()))
    }

    /// The items of the table `name` as they were at `millis` (epoch milliseconds on the
    /// engine clock, changes made at that very millisecond included), in key order: its
    /// current items with every later change undone, newest first. The caller checks
    /// `millis` against [`Engine::restorable_window`]: before it the history is
    /// incomplete. Fails only with TableNotFoundException.
    pub fn items_at(&self, name: &str, millis: u64) -> Result<Vec<(KeyCode, Item)>> {
        let table = self.table_for_backups(name)?;
        let mut items: BTreeMap<KeyCode, Item> = table.items().map(|(key, item)| (key.clone(), item)).collect_map();
        for entry in self.history.entries(&table.meta.id).rev().take_while(|entry| entry.millis > millis) {
            match &entry.old {
                Some(old) => items.insert(entry.key.clone(), Item::clone(old)),
                None => items.remove(&entry.key),
            };
        }
        Ok(items.into_iter().collect())
    }

    /// The item changes of the table `name` made after `after_millis` and up to
    /// `through_millis` (epoch milliseconds on the engine clock), oldest first, each with
    /// the item before and after it: what an incremental export of that span holds.
    /// The caller checks both ends against [`Engine::restorable_window`]. Fails only with
    /// TableNotFoundException.
    pub fn changes_between(&self, name: &str, after_millis: u64, through_millis: u64) -> Result<Vec<ItemChange>> {
        let table = self.table_for_backups(name)?;
        // Walking back from now, each entry's new image is the next entry's old image of
        // that key, or the current item when no later entry touched it.
        let mut later: BTreeMap<&KeyCode, Option<Rc<Item>>> = BTreeMap::new();
        let mut changes = Vec::new();
        for entry in self.history.entries(&table.meta.id).rev().take_while(|entry| entry.millis > after_millis) {
            let new = match later.get(&entry.key) {
                Some(image) => image.clone(),
                None => table.get(&entry.key).map(Rc::new),
            };
            later.insert(&entry.key, entry.old.clone());
            if entry.millis <= through_millis {
                changes.push(ItemChange { millis: entry.millis, key: entry.key.clone(), old: entry.old.clone(), new });
            }
        }
        changes.reverse();
        Ok(changes)
    }

    /// RestoreTableToPointInTime: creates the table `target` (settings the caller derived
    /// from the source's with [`TableMeta::restored_as`]) holding the items of `source`
    /// at `millis`, or at the latest restorable moment when `millis` is None.
    pub fn restore_table_to_point_in_time(
        &mut self,
        source: &str,
        millis: Option<u64>,
        mut target: TableMeta,
    ) -> Result<&Table> {
        let table = self.restore_source(source)?;
        let recovery = table.meta.point_in_time_recovery.as_ref().ok_or_else(|| recovery_unavailable(source))?;
        let window = recovery.window(self.now_millis());
        let millis = millis.unwrap_or(window.latest_millis);
        self.check_target_free(&target.name)?;
        if !window.contains(millis) {
            return Err(Error::new(
                ErrorKind::InvalidRestoreTime,
                "An invalid restore time was specified. RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime.",
            ));
        }
        let items = self.items_at(source, millis)?;
        if let Some(summary) = &mut target.restore_summary {
            summary.restore_millis = millis;
        }
        self.create_restored_table(target, items)
    }

    /// The source table RestoreTableToPointInTime names: SourceTableNotFoundException
    /// when there is none.
    pub fn restore_source(&self, name: &str) -> Result<&Table> {
        self.tables
            .get(name)
            .ok_or_else(|| Error::new(ErrorKind::SourceTableNotFound, format!("Source table not found: {name}")))
    }

    /// Keeps the history entry of an item change on a table with recovery enabled.
    pub(in crate::engine) fn record_history(
        &mut self,
        table_id: &Rc<str>,
        key: &KeyCode,
        old: &Option<Rc<Item>>,
    ) -> Rc<HistoryEntry> {
        let entry = HistoryEntry {
            table_id: table_id.clone(),
            sequence: self.history.next_sequence(),
            millis: self.now_millis(),
            key: key.clone(),
            old: old.clone(),
        };
        let entry = Rc::new(entry);
        self.history.insert(entry.clone());
        entry
    }

    /// Drops the history older than each table's recovery period on the engine clock.
    pub(in crate::engine) fn trim_history(&mut self) {
        let now = self.now_millis();
        let mut entries = Vec::new();
        for table in self.tables.values() {
            if let Some(recovery) = &table.meta.point_in_time_recovery {
                entries.extend(self.history.trim(&table.meta.id, recovery.window(now).earliest_millis));
            }
        }
        if !entries.is_empty() {
            self.changes.push(Change::HistoryTrimmed { entries });
        }
    }

    /// Drops all of a table's history (recovery disabled, or the table deleted).
    pub(in crate::engine) fn forget_history(&mut self, table_id: &str) {
        let entries = self.history.forget(table_id);
        if !entries.is_empty() {
            self.changes.push(Change::HistoryTrimmed { entries });
        }
    }

    /// The table a backup or recovery operation names: TableNotFoundException otherwise.
    pub fn table_for_backups(&self, name: &str) -> Result<&Table> {
        self.tables.get(name).ok_or_else(|| Error::new(ErrorKind::TableNotFound, format!("Table not found: {name}")))
    }

    /// Refuses a restore into a table name in use.
    pub(in crate::engine) fn check_target_free(&self, name: &str) -> Result<()> {
        match self.tables.contains_key(name) {
            true => Err(Error::new(ErrorKind::TableAlreadyExists, format!("Table already exists: {name}"))),
            false => Ok(()),
        }
    }

    /// Creates a restored table and writes its items (no capacity is consumed); a
    /// failure part-way leaves nothing behind.
    pub(in crate::engine) fn create_restored_table(
        &mut self,
        meta: TableMeta,
        items: Vec<(KeyCode, Item)>,
    ) -> Result<&Table> {
        let name = meta.name.clone();
        self.all_or_nothing(|engine| {
            engine.create_table(meta)?;
            for (key, item) in items {
                engine.store_item_from(&name, key, Some(item), crate::stream::Origin::Request)?;
            }
            Ok(())
        })?;
        self.table_for_backups(&name)
    }
}

impl TableMeta {
    /// The settings a table restored from these ones starts with, as the Developer Guide
    /// lists them: key schema, attribute definitions, indexes, billing and capacity and
    /// table class carry over; tags, auto scaling, streams, Kinesis streaming destinations,
    /// time to live, point-in-time recovery, Contributor Insights, deletion protection and
    /// the resource policy do not. `restore_millis` is the moment restored.
    pub fn restored_as(&self, target: String, source_backup_arn: Option<String>, restore_millis: u64) -> TableMeta {
        TableMeta {
            name: target,
            tags: Vec::new(),
            deletion_protection: false,
            auto_scaling: Vec::new(),
            streams: Vec::new(),
            kinesis_destinations: Vec::new(),
            time_to_live: None,
            point_in_time_recovery: None,
            resource_policy: None,
            contributor_insights: Vec::new(),
            indexes: self
                .indexes
                .iter()
                .map(|index| SecondaryIndex { backfilling_until_millis: None, ..index.clone() })
                .collect(),
            restore_summary: Some(RestoreSummary {
                source_backup_arn,
                source_table_arn: table_arn(&self.name),
                restore_millis,
            }),
            ..self.clone()
        }
    }
}

fn recovery_unavailable(name: &str) -> Error {
    Error::new(
        ErrorKind::PointInTimeRecoveryUnavailable,
        format!("Point in time recovery is not enabled for table '{name}'"),
    )
}
