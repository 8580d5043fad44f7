//! The stored form of what joins the Regions of a database (docs/storage-format.md):
//! the replicas of each global table, and the writes on their way between them. Both
//! live in the home Region's records.

use crate::engine::TableClass;
use crate::global::{GlobalChange, PendingWrite, Regions, Replica, WriteStamp};
use crate::model::{item_from_json, KeyCode};
use crate::region;
use crate::storage::records::{Snapshot, Write};
use crate::storage::{parse_record, StorageError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::rc::Rc;

/// The prefix of `meta` records that hold a global table's replicas, by table name.
const GROUP_PREFIX: &str = "global/";
/// The prefix of `meta` records that hold a write on its way to a replica, by the time
/// it is due and its order (each 20 digits, so that keys sort by arrival).
const PENDING_PREFIX: &str = "replication/";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StoredGroup {
    replicas: Vec<StoredReplica>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StoredReplica {
    region_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    read_capacity_units: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    table_class: Option<TableClass>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StoredPending {
    destination: String,
    table: String,
    /// The key code in hex.
    key: String,
    /// The item as DynamoDB JSON; null for a deletion.
    item: Value,
    written_millis: u64,
    written_region: String,
}

/// The writes that persist one change.
pub fn writes_for(change: &GlobalChange, out: &mut Vec<Write>) {
    match change {
        GlobalChange::Group { table, replicas, .. } if replicas.is_empty() => {
            out.push(Write::DeleteMeta { key: format!("{GROUP_PREFIX}{table}") })
        }
        GlobalChange::Group { table, replicas, .. } => {
            let replicas = replicas
                .iter()
                .map(|replica| StoredReplica {
                    region_name: replica.region.to_string(),
                    read_capacity_units: replica.read_capacity_override,
                    table_class: replica.table_class_override,
                })
                .collect();
            let value = serde_json::to_string(&StoredGroup { replicas }).unwrap_or_default();
            out.push(Write::PutMeta { key: format!("{GROUP_PREFIX}{table}"), value });
        }
        GlobalChange::Sent { at, write } => {
            let stored = StoredPending {
                destination: write.destination.to_string(),
                table: write.table.clone(),
                key: write.key.to_hex(),
                item: write.item.as_deref().and_then(|item| serde_json::to_value(item).ok()).unwrap_or(Value::Null),
                written_millis: write.stamp.millis,
                written_region: write.stamp.region.to_string(),
            };
            let value = serde_json::to_string(&stored).unwrap_or_default();
            out.push(Write::PutMeta { key: pending_key(*at), value });
        }
        GlobalChange::Settled { at, .. } => out.push(Write::DeleteMeta { key: pending_key(*at) }),
        // Stamps live in memory only (docs/storage-format.md).
        GlobalChange::Stamped { .. } => {}
    }
}

fn pending_key((due, order): (u64, u64)) -> String {
    format!("{PENDING_PREFIX}{due:020}/{order:020}")
}

/// Puts the replica groups and the writes on their way back as the home Region's
/// records hold them.
pub fn restore(regions: &mut Regions, home: &Snapshot) -> Result<(), StorageError> {
    for (key, value) in &home.meta {
        if let Some(table) = key.strip_prefix(GROUP_PREFIX) {
            regions.restore_group(table.to_string(), decode_group(key, value)?);
        } else if let Some(at) = key.strip_prefix(PENDING_PREFIX) {
            let (at, write) = decode_pending(key, at, value)?;
            regions.restore_pending(at, write);
        }
    }
    Ok(())
}

fn decode_group(key: &str, value: &str) -> Result<Vec<Replica>, StorageError> {
    let corrupt = || StorageError::Corrupt(format!("global table record {key}"));
    let stored: StoredGroup = parse_record(value).map_err(|_| corrupt())?;
    stored
        .replicas
        .into_iter()
        .map(|replica| {
            Ok(Replica {
                region: region::named(&replica.region_name).ok_or_else(corrupt)?,
                read_capacity_override: replica.read_capacity_units,
                table_class_override: replica.table_class,
            })
        })
        .collect()
}

fn decode_pending(key: &str, at: &str, value: &str) -> Result<((u64, u64), PendingWrite), StorageError> {
    let corrupt = || StorageError::Corrupt(format!("replication record {key}"));
    let (due, order) = at.split_once('/').ok_or_else(corrupt)?;
    let at = (due.parse().map_err(|_| corrupt())?, order.parse().map_err(|_| corrupt())?);
    let stored: StoredPending = parse_record(value).map_err(|_| corrupt())?;
    let item = match &stored.item {
        Value::Null => None,
        Value::Object(object) => Some(Rc::new(item_from_json(object).map_err(|_| corrupt())?)),
        _ => return Err(corrupt()),
    };
    let write = PendingWrite {
        destination: region::named(&stored.destination).ok_or_else(corrupt)?,
        table: stored.table,
        key: KeyCode::from_hex(&stored.key).ok_or_else(corrupt)?,
        item,
        stamp: WriteStamp {
            millis: stored.written_millis,
            region: region::named(&stored.written_region).ok_or_else(corrupt)?,
        },
    };
    Ok((at, write))
}
