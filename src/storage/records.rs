//! The stored format (docs/storage-format.md): which records the change log becomes,
//! and how a snapshot of them becomes tables again.

use crate::engine::{Change, Table, TableMeta};
use crate::kinesis::{self, DataRecord, DataStream};
use crate::model::{item_from_json, Item, KeyCode};
use crate::storage::StorageError;
use crate::stream::{sequence_text, StreamRecord};
use std::collections::BTreeMap;
use std::rc::Rc;

/// The version of the stored format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The `meta` record that holds the format version.
pub const FORMAT_KEY: &str = "format";

/// The prefix of `meta` records that hold a table's settings.
const TABLE_PREFIX: &str = "table/";
/// The prefix of `meta` records that hold a stream record.
const STREAM_PREFIX: &str = "stream/";
/// The prefix of `meta` records that hold a Kinesis data stream's settings.
const DATA_STREAM_PREFIX: &str = "kinesis-stream/";
/// The prefix of `meta` records that hold a Kinesis record.
const DATA_RECORD_PREFIX: &str = "kinesis-record/";
/// The prefix of `meta` records that hold a deleted table's settings while its stream is
/// kept, by TableId.
const RETIRED_PREFIX: &str = "retired/";

/// One write to the two object stores, `meta` and `items`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Stores a `meta` record (JSON text) under `key`.
    PutMeta { key: String, value: String },
    /// Removes a `meta` record.
    DeleteMeta { key: String },
    /// Stores an item (DynamoDB JSON text) under `[table_id, key]`, `key` the hex key code.
    PutItem { table_id: Rc<str>, key: String, value: String },
    /// Removes one item.
    DeleteItem { table_id: Rc<str>, key: String },
    /// Removes every item of a table.
    DeleteTableItems { table_id: Rc<str> },
}

/// Writes that one backend transaction commits together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub id: u64,
    pub writes: Vec<Write>,
}

/// One stored item record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredItem {
    pub table_id: String,
    pub key: String,
    pub value: String,
}

/// Everything a backend holds, as loaded when a database opens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub meta: Vec<(String, String)>,
    pub items: Vec<StoredItem>,
}

/// The format record a new database starts with.
pub fn format_record() -> Write {
    Write::PutMeta { key: FORMAT_KEY.to_string(), value: format!("{{\"version\":{FORMAT_VERSION}}}") }
}

/// The writes that persist one change.
pub fn writes_for(change: &Change, out: &mut Vec<Write>) {
    match change {
        Change::TableMeta { new, .. } => out.push(Write::PutMeta { key: table_key(&new.name), value: meta_json(new) }),
        Change::TableDeleted { table, retired } => {
            out.push(Write::DeleteMeta { key: table_key(&table.meta.name) });
            out.push(Write::DeleteTableItems { table_id: table.meta.id.clone() });
            if let Some(meta) = retired {
                out.push(Write::PutMeta { key: retired_key(meta), value: meta_json(meta) });
            }
        }
        Change::RetiredExpired { metas } => {
            out.extend(metas.iter().map(|meta| Write::DeleteMeta { key: retired_key(meta) }))
        }
        Change::Item { table_id, key, new, record, .. } => {
            out.push(match new {
                Some(item) => Write::PutItem {
                    table_id: table_id.clone(),
                    key: key.to_hex(),
                    value: serde_json::to_string(item).unwrap_or_default(),
                },
                None => Write::DeleteItem { table_id: table_id.clone(), key: key.to_hex() },
            });
            if let Some(record) = record {
                out.push(Write::PutMeta { key: stream_record_key(record), value: record.to_stored() });
            }
        }
        Change::StreamTrimmed { records } => {
            out.extend(records.iter().map(|record| Write::DeleteMeta { key: stream_record_key(record) }))
        }
        Change::DataStream { new, .. } => out.push(Write::PutMeta {
            key: format!("{DATA_STREAM_PREFIX}{}", new.name),
            value: serde_json::to_string(new).unwrap_or_default(),
        }),
        Change::DataStreamDeleted { stream, records } => {
            out.push(Write::DeleteMeta { key: format!("{DATA_STREAM_PREFIX}{}", stream.name) });
            out.extend(records.iter().map(|record| Write::DeleteMeta { key: data_record_key(record) }));
        }
        Change::DataRecordPut { record } => {
            out.push(Write::PutMeta { key: data_record_key(record), value: record.to_stored() })
        }
        Change::DataRecordsTrimmed { records } => {
            out.extend(records.iter().map(|record| Write::DeleteMeta { key: data_record_key(record) }))
        }
    }
}

/// The `meta` key of a Kinesis record: `kinesis-record/<stream name>/<sequence number>`.
fn data_record_key(record: &DataRecord) -> String {
    format!("{DATA_RECORD_PREFIX}{}/{}", record.stream, kinesis::sequence_text(record.sequence))
}

/// The `meta` key of a stream record: `stream/<stream arn>/<sequence number>`.
fn stream_record_key(record: &StreamRecord) -> String {
    format!("{STREAM_PREFIX}{}/{}", record.stream, sequence_text(record.sequence))
}

fn retired_key(meta: &TableMeta) -> String {
    format!("{RETIRED_PREFIX}{}", meta.id)
}

fn table_key(name: &str) -> String {
    format!("{TABLE_PREFIX}{name}")
}

fn meta_json(meta: &TableMeta) -> String {
    serde_json::to_string(meta).unwrap_or_default()
}

/// What a snapshot holds: the tables with their items, the stream records, the Kinesis
/// data streams with their records, and the settings of deleted tables whose streams are
/// kept.
pub struct Decoded {
    pub tables: Vec<Table>,
    pub stream_records: Vec<StreamRecord>,
    pub data_streams: Vec<DataStream>,
    pub data_records: Vec<DataRecord>,
    pub retired: Vec<TableMeta>,
}

/// Decodes a snapshot. `Ok(None)` means the store is empty (a new database).
pub fn decode(snapshot: &Snapshot) -> Result<Option<Decoded>, StorageError> {
    let Some(version) = format_version(snapshot)? else {
        return Ok(None);
    };
    if version > FORMAT_VERSION {
        return Err(StorageError::NewerFormat(version));
    }
    let mut tables = BTreeMap::new();
    let mut retired = Vec::new();
    for (key, value) in &snapshot.meta {
        if key.starts_with(TABLE_PREFIX) {
            let meta = decode_meta(key, value)?;
            tables.insert(meta.id.to_string(), Table::new(meta));
        } else if key.starts_with(RETIRED_PREFIX) {
            retired.push(decode_meta(key, value)?);
        }
    }
    for stored in &snapshot.items {
        let table = tables
            .get_mut(&stored.table_id)
            .ok_or_else(|| StorageError::Corrupt(format!("item of unknown table {}", stored.table_id)))?;
        let (key, item) = decode_item(stored)?;
        table.set(key, Some(item));
    }
    let stream_records = snapshot
        .meta
        .iter()
        .filter_map(|(key, value)| Some((key.strip_prefix(STREAM_PREFIX)?, value)))
        .map(|(key, value)| decode_stream_record(key, value))
        .collect::<Result<_, _>>()?;
    let with_prefix = |prefix: &'static str| {
        snapshot.meta.iter().filter_map(move |(key, value)| Some((key.strip_prefix(prefix)?, value.as_str())))
    };
    let data_streams = with_prefix(DATA_STREAM_PREFIX)
        .map(|(key, value)| {
            serde_json::from_str(value).map_err(|error| StorageError::Corrupt(format!("data stream {key}: {error}")))
        })
        .collect::<Result<_, _>>()?;
    let data_records = with_prefix(DATA_RECORD_PREFIX).map(decode_data_record).collect::<Result<_, _>>()?;
    let tables = tables.into_values().collect();
    Ok(Some(Decoded { tables, stream_records, data_streams, data_records, retired }))
}

/// A Kinesis record from its `meta` key (after the prefix) and value.
fn decode_data_record((key, value): (&str, &str)) -> Result<DataRecord, StorageError> {
    let corrupt = || StorageError::Corrupt(format!("Kinesis record {key}"));
    let (stream, sequence) = key.rsplit_once('/').ok_or_else(corrupt)?;
    let sequence = kinesis::parse_sequence(sequence).ok_or_else(corrupt)?;
    DataRecord::from_stored(Rc::from(stream), sequence, value).ok_or_else(corrupt)
}

fn decode_meta(key: &str, value: &str) -> Result<TableMeta, StorageError> {
    serde_json::from_str(value).map_err(|error| StorageError::Corrupt(format!("meta record {key}: {error}")))
}

/// A stream record from its `meta` key (after the prefix) and value.
fn decode_stream_record(key: &str, value: &str) -> Result<StreamRecord, StorageError> {
    let corrupt = || StorageError::Corrupt(format!("stream record {key}"));
    let (stream, _) = key.rsplit_once('/').ok_or_else(corrupt)?;
    StreamRecord::from_stored(Rc::from(stream), value).ok_or_else(corrupt)
}

fn format_version(snapshot: &Snapshot) -> Result<Option<u32>, StorageError> {
    let Some((_, value)) = snapshot.meta.iter().find(|(key, _)| key == FORMAT_KEY) else {
        return match snapshot.meta.is_empty() && snapshot.items.is_empty() {
            true => Ok(None),
            false => Err(StorageError::Corrupt("the format record is missing".to_string())),
        };
    };
    let record: serde_json::Value =
        serde_json::from_str(value).map_err(|error| StorageError::Corrupt(format!("format record: {error}")))?;
    let version =
        record["version"].as_u64().ok_or_else(|| StorageError::Corrupt("format record has no version".to_string()))?;
    Ok(Some(version as u32))
}

fn decode_item(stored: &StoredItem) -> Result<(KeyCode, Item), StorageError> {
    let corrupt =
        |what: String| StorageError::Corrupt(format!("item {} of table {}: {what}", stored.key, stored.table_id));
    let key = KeyCode::from_hex(&stored.key).ok_or_else(|| corrupt("bad key".to_string()))?;
    let value: serde_json::Value = serde_json::from_str(&stored.value).map_err(|error| corrupt(error.to_string()))?;
    let object = value.as_object().ok_or_else(|| corrupt("not an object".to_string()))?;
    let item = item_from_json(object).map_err(|error| corrupt(error.message))?;
    Ok((key, item))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `table/` record as format version 1 wrote it before tables had secondary
    /// indexes: it still opens (with no indexes), and its items load.
    #[test]
    fn a_table_record_without_indexes_still_opens() {
        let meta = r#"{"name":"t","id":"0b6f7a4e-0000-4000-8000-000000000000","key_schema":{"partition":{"name":"id","scalar":"S"},"sort":null},"attribute_definitions":[["id","S"]],"billing":"PayPerRequest","last_pay_per_request_millis":1,"created_millis":1,"tags":[],"deletion_protection":false,"table_class":null}"#;
        let snapshot = Snapshot {
            meta: vec![
                (FORMAT_KEY.to_string(), r#"{"version":1}"#.to_string()),
                ("table/t".to_string(), meta.to_string()),
            ],
            items: vec![StoredItem {
                table_id: "0b6f7a4e-0000-4000-8000-000000000000".to_string(),
                key: "61000001".to_string(),
                value: r#"{"id":{"S":"a"}}"#.to_string(),
            }],
        };
        let tables = decode(&snapshot).unwrap().unwrap().tables;
        assert_eq!(tables.len(), 1);
        assert!(tables[0].meta.indexes.is_empty());
        assert_eq!(tables[0].item_count(), 1);
    }
}
