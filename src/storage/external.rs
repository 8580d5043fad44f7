//! A backend that JavaScript provides: the host loads the stored records into a snapshot
//! and persists each batch of writes with a function of its own (`dynaplay serve --file`
//! appends them to a file). The records are those of docs/storage-format.md, as JSON.

use crate::json::{self, json};
use crate::storage::{Batch, Snapshot, StorageError, StoredItem, Write};
use js_sys::{Function, Promise, JSON};
use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// What the host passes to `Database.openExternal`: every stored record.
#[derive(Deserialize)]
struct SnapshotJson {
    /// `[key, value]` pairs of the `meta` store.
    meta: Vec<(String, String)>,
    /// `[tableId, key, value]` triples of the `items` store.
    items: Vec<(String, String, String)>,
}

/// The host's commit function: called with one batch's writes (an array of records such
/// as `{"op":"putItem","tableId":..,"key":..,"value":..}`), it stores all or none of them
/// and returns (or resolves) once they are durable; throwing (or rejecting) fails the batch.
pub struct ExternalStore {
    commit: Function,
}

impl ExternalStore {
    pub fn new(commit: Function) -> Self {
        ExternalStore { commit }
    }

    /// Hands the batch to the host and waits for it to be stored.
    pub async fn commit(&self, batch: &Batch) -> Result<(), StorageError> {
        let writes = json::text(&Value::Array(batch.writes.iter().map(write_json).collect()));
        let writes = JSON::parse(&writes).map_err(host_error)?;
        let returned = self.commit.call1(&JsValue::NULL, &writes).map_err(host_error)?;
        JsFuture::from(Promise::resolve(&returned)).await.map_err(host_error)?;
        Ok(())
    }
}

/// The snapshot the host loaded, checked for shape.
pub fn snapshot_from_js(snapshot: &JsValue) -> Result<Snapshot, StorageError> {
    let text = JSON::stringify(snapshot).ok().and_then(|text| text.as_string()).unwrap_or_default();
    let parsed: SnapshotJson = serde_json::from_str(&text)
        .map_err(|error| StorageError::Corrupt(format!("the snapshot is not {{meta, items}}: {error}")))?;
    let items =
        parsed.items.into_iter().map(|(table_id, key, value)| StoredItem { table_id, key: Some(key), value }).collect();
    Ok(Snapshot { meta: parsed.meta, items })
}

fn write_json(write: &Write) -> Value {
    match write {
        Write::PutMeta { key, value } => json!({ "op": "putMeta", "key": key, "value": value }),
        Write::DeleteMeta { key } => json!({ "op": "deleteMeta", "key": key }),
        Write::PutItem { table_id, key, value } => {
            json!({ "op": "putItem", "tableId": &**table_id, "key": key, "value": value })
        }
        Write::DeleteItem { table_id, key } => json!({ "op": "deleteItem", "tableId": &**table_id, "key": key }),
        Write::DeleteTableItems { table_id } => json!({ "op": "deleteTableItems", "tableId": &**table_id }),
    }
}

fn host_error(error: JsValue) -> StorageError {
    let message = error.dyn_ref::<js_sys::Error>().map(|error| String::from(error.message()));
    StorageError::Backend(message.or_else(|| error.as_string()).unwrap_or_else(|| "the host's commit failed".into()))
}
