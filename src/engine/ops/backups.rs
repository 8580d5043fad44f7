//! On-demand backups: CreateBackup's snapshot of a table's settings and items, the
//! system backup DeleteTable keeps of a table with point-in-time recovery enabled,
//! DescribeBackup, ListBackups, DeleteBackup and RestoreTableFromBackup. Creating,
//! deleting and restoring take no time here: a backup is AVAILABLE at once.

use crate::engine::ops::pitr::DAY_MILLIS;
use crate::engine::{table_arn, Change, Engine, Table, TableMeta};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{sort_stable_by, Item, KeyCode};
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// How long DynamoDB keeps the system backup of a deleted table: 35 days.
const SYSTEM_BACKUP_RETENTION_MILLIS: u64 = 35 * DAY_MILLIS;

/// Who made a backup (BackupType).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BackupType {
    /// CreateBackup.
    User,
    /// DynamoDB, when a table with point-in-time recovery enabled was deleted.
    System,
}

impl BackupType {
    pub fn wire_name(self) -> &'static str {
        match self {
            BackupType::User => "USER",
            BackupType::System => "SYSTEM",
        }
    }
}

/// A backup: a table's settings and items at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Backup {
    pub arn: String,
    pub name: String,
    pub kind: BackupType,
    /// When it was taken, in epoch milliseconds on the engine clock.
    pub created_millis: u64,
    /// When a system backup goes away.
    pub expiry_millis: Option<u64>,
    /// The table's settings when the backup was taken.
    pub table: TableMeta,
    /// The table's items, in key order.
    pub items: Vec<(KeyCode, Item)>,
    pub size_bytes: u64,
}

/// Which backups ListBackups lists.
pub struct BackupFilter<'a> {
    pub table: Option<&'a str>,
    /// Backups taken at or after this moment (epoch milliseconds).
    pub from_millis: Option<u64>,
    /// Backups taken before this moment.
    pub before_millis: Option<u64>,
    /// None: every type.
    pub kind: Option<BackupType>,
}

impl BackupFilter<'_> {
    fn admits(&self, backup: &Backup) -> bool {
        self.table.is_none_or(|table| backup.table.name == table)
            && self.from_millis.is_none_or(|from| backup.created_millis >= from)
            && self.before_millis.is_none_or(|before| backup.created_millis < before)
            && self.kind.is_none_or(|kind| backup.kind == kind)
    }
}

impl Engine {
    /// CreateBackup: a USER backup of the table `table` as it is now.
    pub fn create_backup(&mut self, table: &str, name: String) -> Result<Rc<Backup>> {
        self.table_for_backups(table)?;
        let suffix = self.ids.hex128();
        let backup = Rc::new(self.snapshot(self.table_for_backups(table)?, name, BackupType::User, None, &suffix));
        self.add_backup(backup.clone());
        Ok(backup)
    }

    /// The backup with the ARN `arn`, or BackupNotFoundException.
    pub fn backup(&self, arn: &str) -> Result<&Rc<Backup>> {
        self.backups.get(arn).ok_or_else(|| backup_not_found(arn))
    }

    /// The backups `filter` admits, oldest first.
    pub fn list_backups(&self, filter: &BackupFilter) -> Vec<&Rc<Backup>> {
        let mut backups: Vec<&Rc<Backup>> = self.backups.values().filter(|backup| filter.admits(backup)).collect();
        sort_stable_by(&mut backups, |a, b| (a.created_millis, &a.arn).cmp(&(b.created_millis, &b.arn)));
        backups
    }

    /// DeleteBackup: removes the backup, returning it.
    pub fn delete_backup(&mut self, arn: &str) -> Result<Rc<Backup>> {
        let backup = self.backups.remove(arn).ok_or_else(|| backup_not_found(arn))?;
        self.changes.push(Change::Backup { old: Some(backup.clone()), new: None });
        Ok(backup)
    }

    /// RestoreTableFromBackup: creates the table `target` (settings the caller derived
    /// from the backup's with [`TableMeta::restored_as`]) holding the backup's items.
    pub fn restore_table_from_backup(&mut self, arn: &str, target: TableMeta) -> Result<&Table> {
        let backup = self.backup(arn)?.clone();
        self.check_target_free(&target.name)?;
        self.create_restored_table(target, backup.items.clone())
    }

    /// Puts a backup back as storage held it (when a database is reopened).
    pub fn restore_backup(&mut self, backup: Backup) {
        self.backups.insert(backup.arn.clone(), Rc::new(backup));
    }

    /// Every backup, by ARN.
    pub fn backups(&self) -> impl Iterator<Item = &Rc<Backup>> {
        self.backups.values()
    }

    /// The SYSTEM backup DynamoDB keeps for 35 days of a table deleted with
    /// point-in-time recovery enabled, named `<table>$DeletedTableBackup`.
    pub(in crate::engine) fn keep_system_backup(&mut self, table: &Table) {
        let name = format!("{}$DeletedTableBackup", table.meta.name);
        let expiry = self.now_millis().saturating_add(SYSTEM_BACKUP_RETENTION_MILLIS);
        let suffix = self.ids.hex128();
        let backup = Rc::new(self.snapshot(table, name, BackupType::System, Some(expiry), &suffix));
        self.add_backup(backup);
    }

    /// Removes the system backups whose 35 days have passed on the engine clock.
    pub(in crate::engine) fn expire_system_backups(&mut self) {
        let now = self.now_millis();
        let expired: Vec<String> = self
            .backups
            .values()
            .filter(|backup| backup.expiry_millis.is_some_and(|expiry| expiry <= now))
            .map(|backup| backup.arn.clone())
            .collect();
        for arn in expired {
            if let Some(backup) = self.backups.remove(&arn) {
                self.changes.push(Change::Backup { old: Some(backup), new: None });
            }
        }
    }

    /// The snapshot of `table` that a backup holds. Its ARN ends in the creation time and
    /// the first eight of the `random` hex digits, as on DynamoDB.
    fn snapshot(
        &self,
        table: &Table,
        name: String,
        kind: BackupType,
        expiry_millis: Option<u64>,
        random: &str,
    ) -> Backup {
        let now = self.now_millis();
        let random = random.get(..8).unwrap_or(random);
        Backup {
            arn: format!("{}/backup/{now:014}-{random}", table_arn(&table.meta.name)),
            name,
            kind,
            created_millis: now,
            expiry_millis,
            table: table.meta.clone(),
            items: table.items().map(|(key, item)| (key.clone(), item)).collect(),
            size_bytes: table.size_bytes(),
        }
    }

    fn add_backup(&mut self, backup: Rc<Backup>) {
        self.backups.insert(backup.arn.clone(), backup.clone());
        self.changes.push(Change::Backup { old: None, new: Some(backup) });
    }
}

fn backup_not_found(arn: &str) -> Error {
    Error::new(ErrorKind::BackupNotFound, format!("Backup not found: {arn}"))
}
