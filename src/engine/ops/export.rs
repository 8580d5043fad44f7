//! ExportTableToPointInTime: a table's items written to a simulated S3 bucket the way
//! DynamoDB's export to S3 writes them, and the export's description.
//!
//! An export completes at once (docs/differences.md): its objects are in the bucket when
//! the request returns. It reads point-in-time recovery's history (ops/pitr.rs), which it
//! requires as DynamoDB does: a full export writes [`Engine::items_at`] the export time,
//! an incremental one the net change of each item over its period, from
//! [`Engine::changes_between`]. Neither consumes read capacity.

use crate::clock::seconds;
use crate::engine::ops::pitr;
use crate::engine::transfers::{etag, md5_base64, ExportDescription, TransferChange, COMPLETED};
use crate::engine::{Engine, Table};
use crate::error::{Error, ErrorKind, Result};
use crate::json::{self, json};
use crate::model::{item_size, Item};
use crate::stream::iso_millis;
use crate::transfer::gzip;
use crate::transfer::lines::{self, Format, ItemChange, ViewType};

/// How long a ClientToken identifies its export: 8 hours.
const CLIENT_TOKEN_MILLIS: u64 = 8 * 60 * 60 * 1000;
/// An incremental export's shortest period: 15 minutes.
const MIN_INCREMENTAL_MILLIS: u64 = 15 * 60 * 1000;
/// An incremental export's longest period: 24 hours.
const MAX_INCREMENTAL_MILLIS: u64 = 24 * 60 * 60 * 1000;

/// What an ExportTableToPointInTime request asks for, checked for shape by the API.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRequest {
    pub table_arn: String,
    pub bucket: String,
    pub bucket_owner: Option<String>,
    pub prefix: Option<String>,
    pub sse_algorithm: Option<String>,
    pub sse_kms_key_id: Option<String>,
    pub format: Format,
    /// ExportTime in epoch milliseconds (a full export; now when absent).
    pub export_time_millis: Option<u64>,
    /// The period of an incremental export; None for a full export.
    pub incremental: Option<IncrementalPeriod>,
    pub client_token: Option<String>,
}

/// IncrementalExportSpecification: changes from `from_millis` (inclusive) to
/// `to_millis` (exclusive; now when absent).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IncrementalPeriod {
    pub from_millis: Option<u64>,
    pub to_millis: Option<u64>,
    pub view: ViewType,
}

/// What an export writes: its data lines, and the item count and size it bills.
struct Exported {
    lines: Vec<String>,
    item_count: u64,
    billed_bytes: u64,
}

impl Engine {
    /// Exports a table into a bucket; the description of the completed export, and
    /// whether this request started it: a ClientToken seen in the last 8 hours with the
    /// same request answers that export again.
    pub fn export_table(&mut self, request: ExportRequest) -> Result<(ExportDescription, bool)> {
        let now = self.now_millis();
        let table = self.exported_table(&request.table_arn)?;
        let window = self.restorable_window(&table.meta.name)?;
        let period = export_period(window.earliest_millis, &request, now)?;
        if let Some(previous) = self.earlier_export(&request, now)? {
            return Ok((previous, false));
        }
        let exported = match request.incremental {
            None => {
                let items: Vec<Item> =
                    self.items_at(&table.meta.name, period.1)?.into_iter().map(|(_, item)| item).collect();
                let lines = items.iter().map(|item| lines::item_line(item, request.format)).collect();
                let billed_bytes = items.iter().map(|item| item_size(item) as u64).sum();
                Exported { lines, item_count: items.len() as u64, billed_bytes }
            }
            Some(incremental) => {
                let changes = self.item_changes(table, period.0, period.1)?;
                let lines =
                    lines::incremental_lines(&changes, &table.meta.key_schema, request.format, incremental.view);
                let billed_bytes = lines.iter().map(|line| line.len() as u64).sum();
                Exported { item_count: lines.len() as u64, lines, billed_bytes }
            }
        };
        let table_id = table.meta.id.to_string();
        let export_id = format!("{now:014}-{}", &self.ids.hex128()[..8]);
        let data_name = self.ids.hex128()[..26].to_string();
        let description = ExportDescription {
            export_arn: format!("{}/export/{export_id}", request.table_arn),
            export_status: COMPLETED.to_string(),
            start_time: seconds(now),
            end_time: Some(seconds(now)),
            export_manifest: None,
            table_arn: request.table_arn.clone(),
            table_id,
            export_time: request.incremental.is_none().then(|| seconds(period.1)),
            client_token: request.client_token.clone(),
            s3_bucket: request.bucket.clone(),
            s3_bucket_owner: request.bucket_owner.clone(),
            s3_prefix: request.prefix.clone(),
            s3_sse_algorithm: request.sse_algorithm.clone(),
            s3_sse_kms_key_id: request.sse_kms_key_id.clone(),
            export_format: request.format.wire_name().to_string(),
            billed_size_bytes: Some(exported.billed_bytes),
            item_count: Some(exported.item_count),
            export_type: if request.incremental.is_some() { "INCREMENTAL_EXPORT" } else { "FULL_EXPORT" }.to_string(),
            incremental_export_specification: request.incremental.map(|incremental| {
                json!({"ExportFromTime": seconds(period.0), "ExportToTime": seconds(period.1),
                "ExportViewType": match incremental.view {
                    ViewType::NewImage => "NEW_IMAGE",
                    ViewType::NewAndOldImages => "NEW_AND_OLD_IMAGES",
                }})
            }),
            failure_code: None,
            failure_message: None,
        };
        let folder = match request.prefix.as_deref() {
            Some(prefix) if !prefix.is_empty() => format!("{prefix}/AWSDynamoDB/{export_id}"),
            _ => format!("AWSDynamoDB/{export_id}"),
        };
        let description =
            ExportDescription { export_manifest: Some(format!("{folder}/manifest-summary.json")), ..description };
        for (key, body) in export_objects(&description, &folder, &data_name, &exported, period.1) {
            self.put_object(&request.bucket, &key, body);
        }
        self.record_transfer(TransferChange::Export(Box::new(description.clone())));
        Ok((description, true))
    }

    /// The table an export's TableArn names (a malformed ARN is refused as tagging does).
    fn exported_table(&self, arn: &str) -> Result<&Table> {
        let name = Engine::arn_table_name(arn)?;
        self.tables.get(name).ok_or_else(|| Error::new(ErrorKind::TableNotFound, format!("Table not found: {arn}")))
    }

    /// The item changes of an incremental export's period, from `from_millis` (inclusive)
    /// to `to_millis` (exclusive), oldest first.
    fn item_changes(&self, table: &Table, from_millis: u64, to_millis: u64) -> Result<Vec<ItemChange>> {
        let changes =
            self.changes_between(&table.meta.name, from_millis.saturating_sub(1), to_millis.saturating_sub(1))?;
        let schema = &table.meta.key_schema;
        let keys_of = |change: &pitr::ItemChange| {
            change.new.as_deref().or(change.old.as_deref()).map(|item| schema.key_attributes(item)).unwrap_or_default()
        };
        Ok(changes
            .iter()
            .map(|change| ItemChange {
                keys: keys_of(change),
                old: change.old.as_deref().cloned(),
                new: change.new.as_deref().cloned(),
                written_millis: change.millis,
            })
            .collect())
    }

    /// The export an earlier request with the same ClientToken made in the last 8 hours;
    /// ExportConflictException when that request asked for another export.
    fn earlier_export(&self, request: &ExportRequest, now: u64) -> Result<Option<ExportDescription>> {
        let Some(token) = &request.client_token else { return Ok(None) };
        let earlier = self.transfers.exports.iter().rev().find(|export| {
            export.client_token.as_ref() == Some(token)
                && (export.start_time * 1000.0) as u64 + CLIENT_TOKEN_MILLIS > now
        });
        let Some(earlier) = earlier else { return Ok(None) };
        let same = earlier.table_arn == request.table_arn
            && earlier.s3_bucket == request.bucket
            && earlier.s3_prefix == request.prefix
            && earlier.export_format == request.format.wire_name()
            && earlier.s3_bucket_owner == request.bucket_owner
            && earlier.s3_sse_algorithm == request.sse_algorithm
            && earlier.export_type == if request.incremental.is_some() { "INCREMENTAL_EXPORT" } else { "FULL_EXPORT" };
        match same {
            true => Ok(Some(earlier.clone())),
            false => Err(Error::new(
                ErrorKind::ExportConflict,
                format!("An export with client token {token} was requested with different parameters"),
            )),
        }
    }
}

/// The (from, to) of an export: for a full export the export time twice. `earliest` is
/// the start of the table's point-in-time recovery window.
fn export_period(earliest: u64, request: &ExportRequest, now: u64) -> Result<(u64, u64)> {
    let invalid = |message: &str| Err(Error::new(ErrorKind::InvalidExportTime, message));
    let Some(incremental) = request.incremental else {
        // Without an ExportTime the export is of now, which the table itself holds even in
        // the second recovery was enabled, before the window's first whole second.
        return match request.export_time_millis {
            None => Ok((now, now)),
            Some(time) if time > now => invalid("ExportTime cannot be in the future"),
            Some(time) if time < earliest => invalid("ExportTime is before the earliest restorable time of the table"),
            Some(time) => Ok((time, time)),
        };
    };
    if request.export_time_millis.is_some() {
        crate::bail_validation!("ExportTime is not supported for INCREMENTAL_EXPORT");
    }
    let Some(from) = incremental.from_millis else {
        crate::bail_validation!("ExportFromTime is required for INCREMENTAL_EXPORT");
    };
    let to = incremental.to_millis.unwrap_or(now);
    match (from, to) {
        (from, to) if to <= from => invalid("ExportFromTime must be before ExportToTime"),
        (_, to) if to > now => invalid("ExportToTime cannot be in the future"),
        (from, _) if from < earliest => invalid("ExportFromTime is before the earliest restorable time of the table"),
        (from, to) if to - from < MIN_INCREMENTAL_MILLIS => {
            invalid("The period of an incremental export must be at least 15 minutes")
        }
        (from, to) if to - from > MAX_INCREMENTAL_MILLIS => {
            invalid("The period of an incremental export must be at most 24 hours")
        }
        period => Ok(period),
    }
}

/// The objects an export writes, keyed under `folder`, in the order DynamoDB writes them.
fn export_objects(
    description: &ExportDescription,
    folder: &str,
    data_name: &str,
    exported: &Exported,
    export_millis: u64,
) -> Vec<(String, Vec<u8>)> {
    let format = Format::from_wire(&description.export_format).unwrap_or(Format::DynamoDbJson);
    let mut text = exported.lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    let data = gzip::compress(text.as_bytes());
    let data_key = format!("{folder}/data/{data_name}{}", format.extension());
    let files = json!({"itemCount": exported.item_count, "md5Checksum": md5_base64(&data),
                       "etag": etag(&data).trim_matches('"'), "dataFileS3Key": data_key});
    let files = format!("{}\n", json::text(&files));
    let iso_z = |millis: u64| format!("{}Z", iso_millis(millis));
    let iso = |seconds: f64| iso_z((seconds * 1000.0) as u64);
    let summary = json::text(&json!({
        "version": "2020-06-30", "exportArn": description.export_arn,
        "startTime": iso(description.start_time), "endTime": iso(description.end_time.unwrap_or(description.start_time)),
        "tableArn": description.table_arn, "tableId": description.table_id,
        "exportTime": iso_z(export_millis), "s3Bucket": description.s3_bucket,
        "s3Prefix": description.s3_prefix, "s3SseAlgorithm": description.s3_sse_algorithm,
        "s3SseKmsKeyId": description.s3_sse_kms_key_id, "manifestFilesS3Key": format!("{folder}/manifest-files.json"),
        "billedSizeBytes": exported.billed_bytes, "itemCount": exported.item_count,
        "outputFormat": description.export_format, "exportType": description.export_type,
    }));
    vec![
        (format!("{folder}/_started"), Vec::new()),
        (data_key, data),
        (format!("{folder}/manifest-files.checksum"), md5_base64(files.as_bytes()).into_bytes()),
        (format!("{folder}/manifest-files.json"), files.into_bytes()),
        (format!("{folder}/manifest-summary.checksum"), md5_base64(summary.as_bytes()).into_bytes()),
        (format!("{folder}/manifest-summary.json"), summary.into_bytes()),
    ]
}
