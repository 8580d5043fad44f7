//! What export to S3 and import from S3 leave behind: the simulated S3 buckets with their
//! objects, and the description of every export and import. The engine holds them like
//! its tables; storage keeps them in `meta` records (docs/storage-format.md).
//!
//! Buckets need no creating: a bucket is there while it holds an object, so an export
//! to a new bucket name simply fills it, and deleting its last object removes it.

use crate::error::{Error, ErrorKind, Result};
use crate::model::base64_encode;
use crate::transfer::md5;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Buckets by name, each its objects by key (bodies shared with the change log).
pub type Buckets = BTreeMap<String, BTreeMap<String, Rc<[u8]>>>;

/// The simulated S3 and the export and import descriptions, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transfers {
    pub buckets: Buckets,
    pub exports: Vec<ExportDescription>,
    pub imports: Vec<ImportRecord>,
}

/// One change to [`Transfers`].
#[derive(Debug, Clone)]
pub enum TransferChange {
    /// An object was put (`new` is Some) or deleted (`new` is None).
    Object { bucket: String, key: String, old: Option<Rc<[u8]>>, new: Option<Rc<[u8]>> },
    /// An export was recorded.
    Export(Box<ExportDescription>),
    /// An import was recorded.
    Import(Box<ImportRecord>),
}

/// ExportDescription, as DescribeExport answers it and storage keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExportDescription {
    pub export_arn: String,
    pub export_status: String,
    pub start_time: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_manifest: Option<String>,
    pub table_arn: String,
    pub table_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_time: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
    pub s3_bucket: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_sse_algorithm: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_sse_kms_key_id: Option<String>,
    pub export_format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billed_size_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_count: Option<u64>,
    pub export_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incremental_export_specification: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<String>,
}

/// ImportTableDescription, as DescribeImport answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImportDescription {
    pub import_arn: String,
    pub import_status: String,
    pub table_arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
    pub s3_bucket_source: Value,
    pub error_count: u64,
    pub cloud_watch_log_group_arn: String,
    pub input_format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_format_options: Option<Value>,
    pub input_compression_type: String,
    pub table_creation_parameters: Value,
    pub start_time: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processed_size_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processed_item_count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_item_count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<String>,
}

/// An import and the first of its errors (what DynamoDB logs to CloudWatch Logs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImportRecord {
    pub description: ImportDescription,
    pub errors: Vec<String>,
}

/// The status of an export or import that has finished well.
pub const COMPLETED: &str = "COMPLETED";
/// The status of one still running: what the starting request answers.
pub const IN_PROGRESS: &str = "IN_PROGRESS";

impl Transfers {
    /// Applies a change (when a database opens, or an operation runs).
    pub fn apply(&mut self, change: &TransferChange) {
        match change {
            TransferChange::Object { bucket, key, new, .. } => self.set_object(bucket, key, new.clone()),
            TransferChange::Export(description) => self.add_export((**description).clone()),
            TransferChange::Import(record) => self.add_import((**record).clone()),
        }
    }

    /// Adds an export in listing order: by start time, then ARN (so a reopened database
    /// lists them as memory did, whatever order storage keeps them in).
    pub fn add_export(&mut self, description: ExportDescription) {
        let new = (description.start_time, description.export_arn.as_str());
        let at = self.exports.partition_point(|export| (export.start_time, export.export_arn.as_str()) <= new);
        self.exports.insert(at, description);
    }

    /// Adds an import in listing order, as [`Transfers::add_export`] does.
    pub fn add_import(&mut self, record: ImportRecord) {
        let new = (record.description.start_time, record.description.import_arn.as_str());
        let at = self
            .imports
            .partition_point(|import| (import.description.start_time, import.description.import_arn.as_str()) <= new);
        self.imports.insert(at, record);
    }

    /// Undoes a change that storage failed to commit.
    pub fn revert(&mut self, change: TransferChange) {
        match change {
            TransferChange::Object { bucket, key, old, .. } => self.set_object(&bucket, &key, old),
            TransferChange::Export(description) => {
                self.exports.retain(|kept| kept.export_arn != description.export_arn)
            }
            TransferChange::Import(record) => {
                self.imports.retain(|kept| kept.description.import_arn != record.description.import_arn)
            }
        }
    }

    fn set_object(&mut self, bucket: &str, key: &str, body: Option<Rc<[u8]>>) {
        match body {
            Some(body) => {
                self.buckets.entry(bucket.to_string()).or_default().insert(key.to_string(), body);
            }
            None => {
                let emptied = self.buckets.get_mut(bucket).is_some_and(|objects| {
                    objects.remove(key);
                    objects.is_empty()
                });
                if emptied {
                    self.buckets.remove(bucket);
                }
            }
        }
    }

    pub fn object(&self, bucket: &str, key: &str) -> Option<&Rc<[u8]>> {
        self.buckets.get(bucket)?.get(key)
    }

    /// The objects of `bucket` whose keys start with `prefix`, in key order.
    pub fn objects<'a>(&'a self, bucket: &str, prefix: &'a str) -> impl Iterator<Item = (&'a String, &'a Rc<[u8]>)> {
        self.buckets.get(bucket).into_iter().flatten().filter(move |(key, _)| key.starts_with(prefix))
    }
}

impl crate::engine::Engine {
    /// Puts an object into a bucket (creating the bucket), replacing any at its key.
    pub fn put_object(&mut self, bucket: &str, key: &str, body: Vec<u8>) {
        let old = self.transfers.object(bucket, key).cloned();
        let (bucket, key) = (bucket.to_string(), key.to_string());
        self.record_transfer(TransferChange::Object { bucket, key, old, new: Some(body.into()) });
    }

    /// The export an ExportArn names; ExportNotFoundException when there is none.
    pub fn export(&self, arn: &str) -> Result<&ExportDescription> {
        let found = self.transfers.exports.iter().find(|export| export.export_arn == arn);
        found.ok_or_else(|| Error::new(ErrorKind::ExportNotFound, format!("Export not found: {arn}")))
    }

    /// The import an ImportArn names; ImportNotFoundException when there is none.
    pub fn import(&self, arn: &str) -> Result<&ImportRecord> {
        let found = self.transfers.imports.iter().find(|record| record.description.import_arn == arn);
        found.ok_or_else(|| Error::new(ErrorKind::ImportNotFound, format!("Import not found: {arn}")))
    }

    /// Deletes an object; deleting one that is not there changes nothing, as on S3.
    pub fn delete_object(&mut self, bucket: &str, key: &str) {
        if let Some(old) = self.transfers.object(bucket, key).cloned() {
            let (bucket, key) = (bucket.to_string(), key.to_string());
            self.record_transfer(TransferChange::Object { bucket, key, old: Some(old), new: None });
        }
    }
}

/// S3's ETag of a body put in one part: its MD5 in hex, quoted.
pub fn etag(body: &[u8]) -> String {
    format!("\"{}\"", crate::model::hex_encode(&md5::digest(body)))
}

/// The base64 MD5 of a body, as export manifests give it.
pub fn md5_base64(body: &[u8]) -> String {
    base64_encode(&md5::digest(body))
}
