//! The stored format (docs/storage-format.md): which records the change log becomes,
//! and how a snapshot of them becomes tables again.

use crate::engine::history::HistoryEntry;
use crate::engine::principals::Principal;
use crate::engine::transfers::{ExportDescription, ImportRecord};
use crate::engine::{Backup, BackupType, Change, Table, TableMeta, TransferChange, Transfers};
use crate::json::{self, json};
use crate::kinesis::{self, DataRecord, DataStream};
use crate::model::{
    base64_decode, base64_encode, item_from_json, CompactCollect, Item, KeyCode, KeySchema, PackedItem,
};
use crate::storage::{parse_record, StorageError};
use crate::stream::{sequence_text, StreamRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;
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
/// The prefix of `meta` records that hold a point-in-time recovery history entry.
const HISTORY_PREFIX: &str = "history/";
/// The prefix of `meta` records that hold a backup.
const BACKUP_PREFIX: &str = "backup/";
/// The prefix of `meta` records that hold an object of a simulated S3 bucket.
const OBJECT_PREFIX: &str = "s3/";
/// The prefix of `meta` records that hold an export's description.
const EXPORT_PREFIX: &str = "export/";
/// The prefix of `meta` records that hold an import's description and errors.
const IMPORT_PREFIX: &str = "import/";
/// The prefix of `meta` records that hold a principal (a simulated IAM user), by name.
const PRINCIPAL_PREFIX: &str = "principal/";

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

impl Write {
    /// The key of the record written in its store (an item's hex key code); None for a
    /// write on every item of a table.
    pub fn name(&self) -> Option<&str> {
        match self {
            Write::PutMeta { key, .. }
            | Write::DeleteMeta { key }
            | Write::PutItem { key, .. }
            | Write::DeleteItem { key, .. } => Some(key),
            Write::DeleteTableItems { .. } => None,
        }
    }

    /// The text a put stores; None for a delete.
    pub fn value(&self) -> Option<&str> {
        match self {
            Write::PutMeta { value, .. } | Write::PutItem { value, .. } => Some(value),
            _ => None,
        }
    }
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
    /// The hex key code; None when the store was read without keys (a cold open reads
    /// only the values, docs/performance.md): the key then comes from the item's key
    /// attributes and its table's key schema.
    pub key: Option<String>,
    pub value: String,
}

/// Everything a backend holds, as loaded when a database opens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub meta: Vec<(String, String)>,
    pub items: Vec<StoredItem>,
}

impl Snapshot {
    /// Whether some items were read without their keys: if the snapshot does not open,
    /// the store is read again with keys, which decide (and name what is wrong).
    pub fn lacks_keys(&self) -> bool {
        self.items.iter().any(|item| item.key.is_none())
    }
}

/// An item's stored text: its DynamoDB JSON, written by the packed item's writer, which
/// copies runs that need no escaping at once (serde_json escapes byte by byte; it took
/// about a third of a persisted PutItem's time in wasm).
fn item_text(item: &PackedItem) -> String {
    item.to_json_text().unwrap_or_else(|| serde_json::to_string(&item.unpack()).unwrap_or_default())
}

/// The format record a new database starts with.
pub fn format_record() -> Write {
    Write::PutMeta { key: FORMAT_KEY.to_string(), value: format!("{{\"version\":{FORMAT_VERSION}}}") }
}

/// The prefix of the `meta` records of a Region other than the home Region:
/// `region/<name>/`, then the key the record has in the home Region. Items need none:
/// TableIds differ across Regions.
const REGION_PREFIX: &str = "region/";

/// The writes that persist one change made in `region`.
pub fn region_writes_for(region: &str, change: &Change, out: &mut Vec<Write>) {
    let start = out.len();
    writes_for(change, out);
    if region == crate::region::HOME {
        return;
    }
    for write in &mut out[start..] {
        if let Write::PutMeta { key, .. } | Write::DeleteMeta { key } = write {
            *key = format!("{REGION_PREFIX}{region}/{key}");
        }
    }
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
        Change::Item { table_id, key, new, record, history, .. } => {
            out.push(match new {
                Some(item) => Write::PutItem { table_id: table_id.clone(), key: key.to_hex(), value: item_text(item) },
                None => Write::DeleteItem { table_id: table_id.clone(), key: key.to_hex() },
            });
            if let Some(record) = record {
                out.push(Write::PutMeta { key: stream_record_key(record), value: record.to_stored() });
            }
            if let Some(entry) = history {
                out.push(Write::PutMeta { key: history_key(entry), value: history_json(entry) });
            }
        }
        Change::HistoryTrimmed { entries } => {
            out.extend(entries.iter().map(|entry| Write::DeleteMeta { key: history_key(entry) }))
        }
        Change::Backup { old, new } => {
            out.extend(old.iter().map(|backup| Write::DeleteMeta { key: backup_key(&backup.arn) }));
            out.extend(
                new.iter().map(|backup| Write::PutMeta { key: backup_key(&backup.arn), value: backup_json(backup) }),
            );
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
        Change::Transfer(change) => out.push(transfer_write(change)),
        Change::Principal { old, new } => match new {
            Some(principal) => out.push(Write::PutMeta {
                key: format!("{PRINCIPAL_PREFIX}{}", principal.name),
                value: serde_json::to_string(principal).unwrap_or_default(),
            }),
            None => out.extend(
                old.iter().map(|principal| Write::DeleteMeta { key: format!("{PRINCIPAL_PREFIX}{}", principal.name) }),
            ),
        },
    }
}

fn transfer_write(change: &TransferChange) -> Write {
    match change {
        TransferChange::Object { bucket, key, new: Some(body), .. } => Write::PutMeta {
            key: format!("{OBJECT_PREFIX}{bucket}/{key}"),
            value: json::text(&json!({ "Body": base64_encode(body) })),
        },
        TransferChange::Object { bucket, key, new: None, .. } => {
            Write::DeleteMeta { key: format!("{OBJECT_PREFIX}{bucket}/{key}") }
        }
        TransferChange::Export(description) => Write::PutMeta {
            key: format!("{EXPORT_PREFIX}{}", description.export_arn),
            value: serde_json::to_string(description).unwrap_or_default(),
        },
        TransferChange::Import(record) => Write::PutMeta {
            key: format!("{IMPORT_PREFIX}{}", record.description.import_arn),
            value: serde_json::to_string(record).unwrap_or_default(),
        },
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

/// The `meta` key of a history entry: `history/<table id>/<sequence, 20 digits>`.
fn history_key(entry: &HistoryEntry) -> String {
    format!("{HISTORY_PREFIX}{}/{:020}", entry.table_id, entry.sequence)
}

fn backup_key(arn: &str) -> String {
    format!("{BACKUP_PREFIX}{arn}")
}

/// A history entry's stored value (its table and sequence number are in its key).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StoredHistoryEntry {
    millis: u64,
    /// The hex key code.
    key: String,
    old: Option<Value>,
}

/// A backup's stored value; items as (hex key code, DynamoDB JSON item) pairs.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StoredBackup {
    arn: String,
    name: String,
    kind: BackupType,
    created_millis: u64,
    expiry_millis: Option<u64>,
    size_bytes: u64,
    table: TableMeta,
    items: Vec<(String, Value)>,
}

fn item_json(item: &Item) -> Value {
    serde_json::to_value(item).unwrap_or_default()
}

fn history_json(entry: &HistoryEntry) -> String {
    let stored =
        StoredHistoryEntry { millis: entry.millis, key: entry.key.to_hex(), old: entry.old.as_deref().map(item_json) };
    serde_json::to_string(&stored).unwrap_or_default()
}

fn backup_json(backup: &Backup) -> String {
    let stored = StoredBackup {
        arn: backup.arn.clone(),
        name: backup.name.clone(),
        kind: backup.kind,
        created_millis: backup.created_millis,
        expiry_millis: backup.expiry_millis,
        size_bytes: backup.size_bytes,
        table: backup.table.clone(),
        items: backup.items.iter().map(|(key, item)| (key.to_hex(), item_json(item))).collect(),
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

fn table_key(name: &str) -> String {
    format!("{TABLE_PREFIX}{name}")
}

fn meta_json(meta: &TableMeta) -> String {
    serde_json::to_string(meta).unwrap_or_default()
}

/// What a snapshot holds: the tables with their items, the stream records, the settings
/// of deleted tables whose streams are kept, the point-in-time recovery history, the
/// backups, the buckets, exports and imports, the Kinesis data streams with their
/// records, and the principals.
pub struct Decoded {
    pub tables: Vec<Table>,
    pub stream_records: Vec<StreamRecord>,
    pub data_streams: Vec<DataStream>,
    pub data_records: Vec<DataRecord>,
    pub retired: Vec<TableMeta>,
    pub history: Vec<HistoryEntry>,
    pub backups: Vec<Backup>,
    pub transfers: Transfers,
    pub principals: Vec<Principal>,
}

/// Splits a snapshot by Region: the home Region's records, then each other Region's
/// (found under [`REGION_PREFIX`], the prefix removed, with a copy of the format record),
/// each with the items of its tables.
pub fn split_regions(snapshot: &Snapshot) -> Result<Vec<(&'static str, Cow<'_, Snapshot>)>, StorageError> {
    // Only the home Region (the usual case): its records are the snapshot, without a copy
    // of every item's text.
    if !snapshot.meta.iter().any(|(key, _)| key.starts_with(REGION_PREFIX)) {
        return Ok(vec![(crate::region::HOME, Cow::Borrowed(snapshot))]);
    }
    // Boxed: maps whose values are one pointer share their compiled code (docs/size.md).
    let mut regions: BTreeMap<&'static str, Box<Snapshot>> = BTreeMap::new();
    let format = snapshot.meta.iter().find(|(key, _)| key == FORMAT_KEY);
    for (key, value) in &snapshot.meta {
        let (region, key) = match key.strip_prefix(REGION_PREFIX) {
            Some(rest) => {
                let corrupt = || StorageError::Corrupt(format!("record {key} of an unknown Region"));
                let (name, key) = rest.split_once('/').ok_or_else(corrupt)?;
                (crate::region::named(name).ok_or_else(corrupt)?, key)
            }
            None => (crate::region::HOME, key.as_str()),
        };
        let records = regions.entry(region).or_insert_with(|| {
            Box::new(Snapshot {
                meta: format.into_iter().filter(|_| region != crate::region::HOME).cloned().collect(),
                items: Vec::new(),
            })
        });
        records.meta.push((key.to_string(), value.clone()));
    }
    let mut owners: BTreeMap<String, &'static str> = BTreeMap::new();
    for (region, records) in &regions {
        for (key, value) in records.meta.iter().filter(|(key, _)| key.starts_with(TABLE_PREFIX)) {
            owners.insert(decode_meta(key, value)?.id.to_string(), region);
        }
    }
    for item in &snapshot.items {
        let region = owners.get(&item.table_id).copied().unwrap_or(crate::region::HOME);
        regions.entry(region).or_default().items.push(item.clone());
    }
    let home = regions.remove(crate::region::HOME).unwrap_or_default();
    let regions = regions.into_iter().map(|(region, records)| (region, Cow::Owned(*records)));
    Ok(std::iter::once((crate::region::HOME, Cow::Owned(*home))).chain(regions).collect())
}

/// Decodes a snapshot. `Ok(None)` means the store is empty (a new database).
pub fn decode(snapshot: &Snapshot) -> Result<Option<Decoded>, StorageError> {
    let Some(version) = format_version(snapshot)? else {
        return Ok(None);
    };
    if version > FORMAT_VERSION {
        return Err(StorageError::NewerFormat(version));
    }
    let with_prefix = |prefix: &'static str| {
        snapshot.meta.iter().filter_map(move |(key, value)| Some((key.strip_prefix(prefix)?, value.as_str())))
    };
    let mut tables = BTreeMap::new();
    for (key, value) in with_prefix(TABLE_PREFIX) {
        let meta = decode_meta(key, value)?;
        tables.insert(meta.id.to_string(), Table::new(meta));
    }
    // Stores hold a table's items together, in key order.
    for run in snapshot.items.chunk_by(|one, next| one.table_id == next.table_id) {
        let Some(table_id) = run.first().map(|stored| &stored.table_id) else { continue };
        let table = tables
            .get_mut(table_id)
            .ok_or_else(|| StorageError::Corrupt(format!("item of unknown table {table_id}")))?;
        let schema = &table.meta.key_schema;
        let key_names: Vec<&str> = schema.iter().map(|attribute| attribute.name.as_str()).collect();
        let items = run.iter().map(|stored| decode_item(stored, schema, &key_names)).try_collect_vec()?;
        // Stored keys are unique; computed ones are checked to be.
        table
            .restore_items(items)
            .map_err(|_| StorageError::Corrupt(format!("two items of table {table_id} have one key")))?;
    }
    let stream_records =
        with_prefix(STREAM_PREFIX).map(|(key, value)| decode_stream_record(key, value)).try_collect_vec()?;
    let retired = with_prefix(RETIRED_PREFIX).map(|(key, value)| decode_meta(key, value)).try_collect_vec()?;
    let history = with_prefix(HISTORY_PREFIX).map(|(key, value)| decode_history_entry(key, value)).try_collect_vec()?;
    let backups = with_prefix(BACKUP_PREFIX).map(|(key, value)| decode_backup(key, value)).try_collect_vec()?;
    let data_streams = with_prefix(DATA_STREAM_PREFIX)
        .map(|(key, value)| {
            parse_record(value).map_err(|error| StorageError::Corrupt(format!("data stream {key}: {error}")))
        })
        .try_collect_vec()?;
    let data_records = with_prefix(DATA_RECORD_PREFIX).map(decode_data_record).try_collect_vec()?;
    let principals = with_prefix(PRINCIPAL_PREFIX)
        .map(|(key, value)| {
            parse_record(value).map_err(|error| StorageError::Corrupt(format!("principal {key}: {error}")))
        })
        .try_collect_vec()?;
    let tables = tables.into_values().collect();
    let transfers = decode_transfers(snapshot)?;
    Ok(Some(Decoded {
        tables,
        stream_records,
        retired,
        history,
        backups,
        transfers,
        data_streams,
        data_records,
        principals,
    }))
}

/// A Kinesis record from its `meta` key (after the prefix) and value.
fn decode_data_record((key, value): (&str, &str)) -> Result<DataRecord, StorageError> {
    let corrupt = || StorageError::Corrupt(format!("Kinesis record {key}"));
    let (stream, sequence) = key.rsplit_once('/').ok_or_else(corrupt)?;
    let sequence = kinesis::parse_sequence(sequence).ok_or_else(corrupt)?;
    DataRecord::from_stored(Rc::from(stream), sequence, value).ok_or_else(corrupt)
}

/// Table settings from a `meta` record (its key after the prefix names it in errors).
fn decode_meta(key: &str, value: &str) -> Result<TableMeta, StorageError> {
    parse_record(value).map_err(|error| StorageError::Corrupt(format!("meta record {key}: {error}")))
}

/// A history entry from its `meta` key (after the prefix) and value.
fn decode_history_entry(key: &str, value: &str) -> Result<HistoryEntry, StorageError> {
    let corrupt = || StorageError::Corrupt(format!("history entry {key}"));
    let (table_id, sequence) = key.rsplit_once('/').ok_or_else(corrupt)?;
    let stored: StoredHistoryEntry = serde_json::from_str(value).map_err(|_| corrupt())?;
    let old = match &stored.old {
        Some(old) => Some(Rc::new(decode_item_json(old).ok_or_else(corrupt)?)),
        None => None,
    };
    Ok(HistoryEntry {
        table_id: Rc::from(table_id),
        sequence: sequence.parse().map_err(|_| corrupt())?,
        millis: stored.millis,
        key: KeyCode::from_hex(&stored.key).ok_or_else(corrupt)?,
        old,
    })
}

/// A backup from its `meta` key (after the prefix, its ARN) and value.
fn decode_backup(key: &str, value: &str) -> Result<Backup, StorageError> {
    let corrupt = || StorageError::Corrupt(format!("backup {key}"));
    let stored: StoredBackup = parse_record(value).map_err(|_| corrupt())?;
    let items = stored
        .items
        .iter()
        .map(|(key, item)| Some((KeyCode::from_hex(key)?, decode_item_json(item)?)))
        .collect::<Option<_>>()
        .ok_or_else(corrupt)?;
    Ok(Backup {
        arn: stored.arn,
        name: stored.name,
        kind: stored.kind,
        created_millis: stored.created_millis,
        expiry_millis: stored.expiry_millis,
        table: stored.table,
        items,
        size_bytes: stored.size_bytes,
    })
}

/// An item in DynamoDB JSON, None when it is not one.
fn decode_item_json(value: &Value) -> Option<Item> {
    item_from_json(value.as_object()?).ok()
}

/// The buckets' objects, and the exports and imports oldest first.
fn decode_transfers(snapshot: &Snapshot) -> Result<Transfers, StorageError> {
    let mut transfers = Transfers::default();
    for (key, value) in &snapshot.meta {
        let corrupt = |what: &str| StorageError::Corrupt(format!("meta record {key}: {what}"));
        if let Some(path) = key.strip_prefix(OBJECT_PREFIX) {
            let (bucket, object) = path.split_once('/').ok_or_else(|| corrupt("no object key"))?;
            let record: serde_json::Value = serde_json::from_str(value).map_err(|error| corrupt(&error.to_string()))?;
            let body =
                record["Body"].as_str().and_then(|text| base64_decode(text).ok()).ok_or_else(|| corrupt("bad body"))?;
            transfers.buckets.entry(bucket.to_string()).or_default().insert(object.to_string(), body.into());
        } else if key.starts_with(EXPORT_PREFIX) {
            let description: ExportDescription = parse_record(value).map_err(|error| corrupt(&error.to_string()))?;
            transfers.add_export(description);
        } else if key.starts_with(IMPORT_PREFIX) {
            let record: ImportRecord = parse_record(value).map_err(|error| corrupt(&error.to_string()))?;
            transfers.add_import(record);
        }
    }
    Ok(transfers)
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
        parse_record(value).map_err(|error| StorageError::Corrupt(format!("format record: {error}")))?;
    let version =
        record["version"].as_u64().ok_or_else(|| StorageError::Corrupt("format record has no version".to_string()))?;
    Ok(Some(version as u32))
}

/// An item record, packed: straight from its text when it is as the engine writes items,
/// otherwise parsed and validated. Its key is the stored one, or else the one `schema`
/// gives its key attributes (`key_names`, the schema's names in its order, found once
/// per table rather than once per item).
fn decode_item(
    stored: &StoredItem,
    schema: &KeySchema,
    key_names: &[&str],
) -> Result<(KeyCode, PackedItem), StorageError> {
    let key_text = stored.key.as_deref().unwrap_or("(key not read)");
    let corrupt = |what: String| StorageError::Corrupt(format!("item {key_text} of table {}: {what}", stored.table_id));
    let item = match PackedItem::from_json_text(&stored.value) {
        Some(packed) => packed,
        None => {
            let value: serde_json::Value =
                serde_json::from_str(&stored.value).map_err(|error| corrupt(error.to_string()))?;
            let object = value.as_object().ok_or_else(|| corrupt("not an object".to_string()))?;
            PackedItem::pack(&item_from_json(object).map_err(|error| corrupt(error.message))?)
        }
    };
    let key = match &stored.key {
        Some(hex) => KeyCode::from_hex(hex).ok_or_else(|| corrupt("bad key".to_string()))?,
        None => {
            let key = schema.stored_key(&item.attributes(key_names));
            key.ok_or_else(|| corrupt("it does not hold its key attributes".to_string()))?
        }
    };
    Ok((key, item))
}

/// Whether a `meta` record, of any Region, holds a table's settings.
#[cfg(any(target_arch = "wasm32", test))]
pub fn is_table_record(key: &str) -> bool {
    let key = match key.strip_prefix(REGION_PREFIX) {
        Some(rest) => rest.split_once('/').map_or("", |(_, key)| key),
        None => key,
    };
    key.starts_with(TABLE_PREFIX)
}

/// The TableId in a table's settings record; None when the record does not decode.
#[cfg(any(target_arch = "wasm32", test))]
pub fn table_id_in(value: &str) -> Option<String> {
    decode_meta("", value).ok().map(|meta| meta.id.to_string())
}

/// A record's name and value as one text, for a store that encrypts records under
/// hidden names (docs/encryption.md): the name's length in bytes, `:`, the name, the value.
pub fn pack(name: &str, value: &str) -> String {
    format!("{}:{name}{value}", name.len())
}

/// The name and value of a [`pack`]ed text.
pub fn unpack(text: &str) -> Option<(&str, &str)> {
    let (length, rest) = text.split_once(':')?;
    let length = length.parse().ok()?;
    Some((rest.get(..length)?, rest.get(length..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `table/` record as format version 1 wrote it before tables had secondary indexes.
    const OLD_TABLE_RECORD: &str = r#"{"name":"t","id":"0b6f7a4e-0000-4000-8000-000000000000","key_schema":{"partition":{"name":"id","scalar":"S"},"sort":null},"attribute_definitions":[["id","S"]],"billing":"PayPerRequest","last_pay_per_request_millis":1,"created_millis":1,"tags":[],"deletion_protection":false,"table_class":null}"#;

    /// A `table/` record as format version 1 wrote it before tables had secondary
    /// indexes: it still opens (with no indexes), and its items load.
    #[test]
    fn a_table_record_without_indexes_still_opens() {
        let snapshot = Snapshot {
            meta: vec![
                (FORMAT_KEY.to_string(), r#"{"version":1}"#.to_string()),
                ("table/t".to_string(), OLD_TABLE_RECORD.to_string()),
            ],
            items: vec![StoredItem {
                table_id: "0b6f7a4e-0000-4000-8000-000000000000".to_string(),
                key: Some("61000001".to_string()),
                value: r#"{"id":{"S":"a"}}"#.to_string(),
            }],
        };
        let tables = decode(&snapshot).unwrap().unwrap().tables;
        assert_eq!(tables.len(), 1);
        assert!(tables[0].meta.indexes.is_empty());
        assert_eq!(tables[0].item_count(), 1);
    }

    /// Principals come back from their `principal/` records; a broken one is corruption.
    #[test]
    fn principals_open() {
        let record = r#"{"Name":"alice","AccessKeyId":"AKIAALICE0000000001","Policies":[{"PolicyName":"p","PolicyDocument":"{}"}]}"#;
        let snapshot = Snapshot {
            meta: vec![
                (FORMAT_KEY.to_string(), r#"{"version":1}"#.to_string()),
                ("principal/alice".to_string(), record.to_string()),
            ],
            items: Vec::new(),
        };
        let principals = decode(&snapshot).unwrap().unwrap().principals;
        assert_eq!(principals.len(), 1);
        assert_eq!((principals[0].name.as_str(), principals[0].policies[0].policy_name.as_str()), ("alice", "p"));
        let broken = Snapshot {
            meta: vec![
                (FORMAT_KEY.to_string(), r#"{"version":1}"#.to_string()),
                ("principal/bob".to_string(), r#"{"Name":"bob"}"#.to_string()),
            ],
            items: Vec::new(),
        };
        assert!(matches!(decode(&broken), Err(StorageError::Corrupt(_))));
    }

    /// Objects come back in their buckets; records under a prefix this version does not
    /// know (written by a later one) are ignored.
    #[test]
    fn objects_open_and_unknown_prefixes_are_ignored() {
        let snapshot = Snapshot {
            meta: vec![
                (FORMAT_KEY.to_string(), r#"{"version":1}"#.to_string()),
                ("s3/bucket/a/b.json".to_string(), r#"{"Body":"aGk="}"#.to_string()),
                ("later/anything".to_string(), "not even JSON".to_string()),
            ],
            items: Vec::new(),
        };
        let transfers = decode(&snapshot).unwrap().unwrap().transfers;
        assert_eq!(transfers.object("bucket", "a/b.json").map(|body| body.to_vec()), Some(b"hi".to_vec()));
        let broken = Snapshot {
            meta: vec![
                (FORMAT_KEY.to_string(), r#"{"version":1}"#.to_string()),
                ("s3/bucket/k".to_string(), r#"{"Body":"%%"}"#.to_string()),
            ],
            items: Vec::new(),
        };
        assert!(matches!(decode(&broken), Err(StorageError::Corrupt(_))));
    }

    /// A cold open in the browser finds the TableIds, whose items it reads by key range,
    /// in the tables' records of every Region.
    #[test]
    fn table_records_and_their_table_ids_are_found_in_every_region() {
        for key in ["table/t", "region/eu-west-1/table/t"] {
            assert!(is_table_record(key), "{key}");
        }
        for key in ["retired/x", "region/eu-west-1/retired/x", "region/table/t", "stream/table/t", "global/t"] {
            assert!(!is_table_record(key), "{key}");
        }
        assert_eq!(table_id_in(OLD_TABLE_RECORD).as_deref(), Some("0b6f7a4e-0000-4000-8000-000000000000"));
        assert_eq!(table_id_in("{}"), None);
    }

    #[test]
    fn pack_and_unpack_round_trip_any_name() {
        for name in ["", "table/Users", "s3/bucket/a:b\nc", "é/ü"] {
            let text = pack(name, "{\"x\":1}");
            assert_eq!(unpack(&text), Some((name, "{\"x\":1}")));
        }
        assert_eq!(unpack("9:short"), None);
        assert_eq!(unpack("1:é"), None);
        assert_eq!(unpack("x:y"), None);
    }
}
