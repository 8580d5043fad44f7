//! Export to S3 and import from S3 on the wire: ExportTableToPointInTime, DescribeExport,
//! ListExports, ImportTable, DescribeImport and ListImports.
//!
//! Exports and imports complete at once (docs/differences.md); the request that starts
//! one answers IN_PROGRESS, as DynamoDB does, and Describe* shows it COMPLETED.

use crate::api::render;
use crate::api::tables::{import_table_meta, CreateTableRequest};
use crate::api::validate::{required, Violations};
use crate::engine::ops::export::{ExportRequest, IncrementalPeriod};
use crate::engine::ops::import::{Compression, ImportEcho, ImportRequest};
use crate::engine::transfers::{ExportDescription, ImportDescription, IN_PROGRESS};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::json::json;
use crate::transfer::lines::{Format, ViewType};
use crate::transfer::source::InputFormat;
use serde_json::Value;

/// The largest page ListExports and ListImports answer.
const MAX_PAGE: i64 = 25;
/// S3's rule for bucket names, as DynamoDB's request framework states it.
const BUCKET_PATTERN: &str = r"^[a-z0-9A-Z]+[\.\-\w]*[a-z0-9A-Z]+$";
/// The delimiters a CSV import accepts.
const CSV_DELIMITERS: [char; 6] = [',', ';', ':', '|', '\t', ' '];

crate::api::reader::request! {
    pub struct ExportTableRequest {
        "TableArn" => table_arn: String,
        "ExportTime" => export_time: f64,
        "ClientToken" => client_token: String,
        "S3Bucket" => s3_bucket: String,
        "S3BucketOwner" => s3_bucket_owner: String,
        "S3Prefix" => s3_prefix: String,
        "S3SseAlgorithm" => s3_sse_algorithm: String,
        "S3SseKmsKeyId" => s3_sse_kms_key_id: String,
        "ExportFormat" => export_format: String,
        "ExportType" => export_type: String,
        "IncrementalExportSpecification" => incremental_export_specification: IncrementalInput,
    }
}

crate::api::reader::request! {
    struct IncrementalInput {
        "ExportFromTime" => export_from_time: f64,
        "ExportToTime" => export_to_time: f64,
        "ExportViewType" => export_view_type: String,
    }
}

crate::api::reader::request! {
    pub struct DescribeExportRequest {
        "ExportArn" => export_arn: String,
    }
}

crate::api::reader::request! {
    pub struct ListExportsRequest {
        "TableArn" => table_arn: String,
        "MaxResults" => max_results: i64,
        "NextToken" => next_token: String,
    }
}

crate::api::reader::request! {
    pub struct ImportTableRequest {
        "ClientToken" => client_token: String,
        "S3BucketSource" => s3_bucket_source: BucketSource,
        "InputFormat" => input_format: String,
        "InputFormatOptions" => input_format_options: FormatOptions,
        "InputCompressionType" => input_compression_type: String,
        "TableCreationParameters" => table_creation_parameters: CreateTableRequest,
    }
}

crate::api::reader::request! {
    struct BucketSource {
        "S3Bucket" => s3_bucket: String,
        "S3BucketOwner" => s3_bucket_owner: String,
        "S3KeyPrefix" => s3_key_prefix: String,
    }
}

crate::api::reader::request! {
    struct FormatOptions {
        "Csv" => csv: CsvOptions,
    }
}

crate::api::reader::request! {
    struct CsvOptions {
        "Delimiter" => delimiter: String,
        "HeaderList" => header_list: Vec<String>,
    }
}

crate::api::reader::request! {
    pub struct DescribeImportRequest {
        "ImportArn" => import_arn: String,
    }
}

crate::api::reader::request! {
    pub struct ListImportsRequest {
        "TableArn" => table_arn: String,
        "PageSize" => page_size: i64,
        "NextToken" => next_token: String,
    }
}

/// Starts (and here completes) an export; the response describes it IN_PROGRESS.
pub fn export_table_to_point_in_time(engine: &mut Engine, request: ExportTableRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.not_null(&request.table_arn, "tableArn");
    violations.length(&request.table_arn, "tableArn", 1, 1024);
    violations.not_null(&request.s3_bucket, "s3Bucket");
    check_bucket(&mut violations, &request.s3_bucket, "s3Bucket");
    violations.length(&request.s3_prefix, "s3Prefix", 0, 1024);
    check_client_token(&mut violations, &request.client_token);
    check_owner(&mut violations, &request.s3_bucket_owner, "s3BucketOwner");
    violations.one_of(&request.s3_sse_algorithm, "s3SseAlgorithm", &["AES256", "KMS"]);
    violations.length(&request.s3_sse_kms_key_id, "s3SseKmsKeyId", 1, 2048);
    violations.one_of(&request.export_format, "exportFormat", &["DYNAMODB_JSON", "ION"]);
    violations.one_of(&request.export_type, "exportType", &["FULL_EXPORT", "INCREMENTAL_EXPORT"]);
    if let Some(incremental) = &request.incremental_export_specification {
        let path = "incrementalExportSpecification.exportViewType";
        violations.one_of(&incremental.export_view_type, path, &["NEW_IMAGE", "NEW_AND_OLD_IMAGES"]);
    }
    violations.finish()?;
    let incremental = match request.export_type.as_deref() {
        Some("INCREMENTAL_EXPORT") => {
            let specification = request.incremental_export_specification.as_ref();
            let view = match specification.and_then(|spec| spec.export_view_type.as_deref()) {
                Some("NEW_IMAGE") => ViewType::NewImage,
                _ => ViewType::NewAndOldImages,
            };
            Some(IncrementalPeriod {
                from_millis: specification.and_then(|spec| spec.export_from_time).map(millis),
                to_millis: specification.and_then(|spec| spec.export_to_time).map(millis),
                view,
            })
        }
        _ if request.incremental_export_specification.is_some() => {
            crate::bail_validation!("IncrementalExportSpecification is only valid for INCREMENTAL_EXPORT")
        }
        _ => None,
    };
    let export = ExportRequest {
        table_arn: required(request.table_arn, "tableArn")?,
        bucket: required(request.s3_bucket, "s3Bucket")?,
        bucket_owner: request.s3_bucket_owner,
        prefix: request.s3_prefix,
        sse_algorithm: request.s3_sse_algorithm,
        sse_kms_key_id: request.s3_sse_kms_key_id,
        format: request.export_format.as_deref().and_then(Format::from_wire).unwrap_or(Format::DynamoDbJson),
        export_time_millis: request.export_time.map(millis),
        incremental,
        client_token: request.client_token,
    };
    let (description, started) = engine.export_table(export)?;
    let description = if started { export_in_progress(description) } else { description };
    render(&json!({ "ExportDescription": description }))
}

/// An export as the request that starts it describes it.
fn export_in_progress(description: ExportDescription) -> ExportDescription {
    ExportDescription {
        export_status: IN_PROGRESS.to_string(),
        end_time: None,
        billed_size_bytes: None,
        item_count: None,
        ..description
    }
}

pub fn describe_export(engine: &mut Engine, request: DescribeExportRequest) -> Result<String> {
    let arn = checked_arn(request.export_arn, "exportArn")?;
    render(&json!({ "ExportDescription": engine.export(&arn)? }))
}

pub fn list_exports(engine: &mut Engine, request: ListExportsRequest) -> Result<String> {
    let limit = page_size(request.max_results, "maxResults", &request.table_arn)?;
    let exports: Vec<&ExportDescription> = engine
        .transfers()
        .exports
        .iter()
        .filter(|export| request.table_arn.as_ref().is_none_or(|arn| *arn == export.table_arn))
        .collect();
    let (page, next_token) = page(&exports, |export| &export.export_arn, limit, request.next_token.as_deref())?;
    let summaries: Vec<Value> = page
        .iter()
        .map(|export| {
            json!({"ExportArn": export.export_arn, "ExportStatus": export.export_status,
                   "ExportType": export.export_type})
        })
        .collect();
    listing("ExportSummaries", summaries, next_token)
}

/// Creates a table from S3 files (at once); the response describes the import IN_PROGRESS.
/// `body` is the request as sent: the description repeats some members as given.
pub fn import_table(engine: &mut Engine, request: ImportTableRequest, body: &str) -> Result<String> {
    let source = request.s3_bucket_source;
    let csv = request.input_format_options.and_then(|options| options.csv);
    let mut violations = Violations::default();
    check_client_token(&mut violations, &request.client_token);
    violations.not_null(&source, "s3BucketSource");
    if let Some(source) = &source {
        violations.not_null(&source.s3_bucket, "s3BucketSource.s3Bucket");
        check_bucket(&mut violations, &source.s3_bucket, "s3BucketSource.s3Bucket");
        check_owner(&mut violations, &source.s3_bucket_owner, "s3BucketSource.s3BucketOwner");
        violations.length(&source.s3_key_prefix, "s3BucketSource.s3KeyPrefix", 0, 1024);
    }
    violations.not_null(&request.input_format, "inputFormat");
    violations.one_of(&request.input_format, "inputFormat", &["DYNAMODB_JSON", "ION", "CSV"]);
    violations.one_of(&request.input_compression_type, "inputCompressionType", &["GZIP", "ZSTD", "NONE"]);
    violations.not_null(&request.table_creation_parameters, "tableCreationParameters");
    if let Some(csv) = &csv {
        violations.length(&csv.delimiter, "inputFormatOptions.csv.delimiter", 1, 1);
        if let Some(header) = &csv.header_list {
            if header.is_empty() || header.len() > 255 {
                let constraint = "Member must have length less than or equal to 255 and greater than or equal to 1";
                violations.add(format!("{header:?}"), "inputFormatOptions.csv.headerList", constraint);
            }
        }
    }
    violations.finish()?;
    if request.input_compression_type.as_deref() == Some("ZSTD") {
        crate::bail_validation!("Dynaplay does not support the ZSTD InputCompressionType yet");
    }
    let meta = import_table_meta(required(request.table_creation_parameters, "tableCreationParameters")?)?;
    let format = match request.input_format.as_deref() {
        Some("CSV") => csv_format(csv)?,
        Some("ION") => InputFormat::Ion,
        _ => InputFormat::DynamoDbJson,
    };
    let source = required(source, "s3BucketSource")?;
    let sent: Value = serde_json::from_str(body).map_err(|error| Error::serialization(error.to_string()))?;
    let compression_name = request.input_compression_type.unwrap_or_else(|| "NONE".to_string());
    let import = ImportRequest {
        bucket: required(source.s3_bucket, "s3BucketSource.s3Bucket")?,
        key_prefix: source.s3_key_prefix.unwrap_or_default(),
        format,
        compression: if compression_name == "GZIP" { Compression::Gzip } else { Compression::None },
        meta,
        client_token: request.client_token,
        echo: ImportEcho {
            s3_bucket_source: sent["S3BucketSource"].clone(),
            input_format: required(request.input_format, "inputFormat")?,
            input_format_options: sent.get("InputFormatOptions").cloned(),
            input_compression_type: compression_name,
            table_creation_parameters: sent["TableCreationParameters"].clone(),
        },
    };
    let (description, started) = engine.import_table(import)?;
    let description = if started { import_in_progress(description) } else { description };
    render(&json!({ "ImportTableDescription": description }))
}

fn csv_format(options: Option<CsvOptions>) -> Result<InputFormat> {
    let (delimiter, header) = options.map(|csv| (csv.delimiter, csv.header_list)).unwrap_or_default();
    let delimiter = match delimiter.as_deref().map(|text| text.chars().next()) {
        None => ',',
        Some(Some(c)) if CSV_DELIMITERS.contains(&c) => c,
        Some(_) => crate::bail_validation!(
            "1 validation error detected: Value '{}' at 'inputFormatOptions.csv.delimiter' failed to satisfy constraint: Member must satisfy regular expression pattern: [,;:|\\t ]",
            delimiter.unwrap_or_default()
        ),
    };
    Ok(InputFormat::Csv { delimiter, header })
}

/// An import as the request that starts it describes it.
fn import_in_progress(description: ImportDescription) -> ImportDescription {
    ImportDescription {
        import_status: IN_PROGRESS.to_string(),
        end_time: None,
        processed_size_bytes: None,
        processed_item_count: None,
        imported_item_count: None,
        error_count: 0,
        failure_code: None,
        failure_message: None,
        ..description
    }
}

pub fn describe_import(engine: &mut Engine, request: DescribeImportRequest) -> Result<String> {
    let arn = checked_arn(request.import_arn, "importArn")?;
    render(&json!({ "ImportTableDescription": engine.import(&arn)?.description }))
}

/// An export's or import's ARN, present and 37 to 1024 characters long.
fn checked_arn(arn: Option<String>, path: &str) -> Result<String> {
    let mut violations = Violations::default();
    violations.not_null(&arn, path);
    violations.length(&arn, path, 37, 1024);
    violations.finish()?;
    required(arn, path)
}

pub fn list_imports(engine: &mut Engine, request: ListImportsRequest) -> Result<String> {
    let limit = page_size(request.page_size, "pageSize", &request.table_arn)?;
    let imports: Vec<&ImportDescription> = engine
        .transfers()
        .imports
        .iter()
        .map(|record| &record.description)
        .filter(|import| request.table_arn.as_ref().is_none_or(|arn| *arn == import.table_arn))
        .collect();
    let (page, next_token) = page(&imports, |import| &import.import_arn, limit, request.next_token.as_deref())?;
    let summaries: Vec<Value> = page
        .iter()
        .map(|import| {
            let mut summary = json!({"ImportArn": import.import_arn, "ImportStatus": import.import_status,
                "TableArn": import.table_arn, "S3BucketSource": import.s3_bucket_source,
                "CloudWatchLogGroupArn": import.cloud_watch_log_group_arn, "InputFormat": import.input_format,
                "StartTime": import.start_time});
            if let Some(end) = import.end_time {
                summary["EndTime"] = json!(end);
            }
            summary
        })
        .collect();
    listing("ImportSummaryList", summaries, next_token)
}

/// A list response: the page's summaries under `member`, and NextToken when more follow.
fn listing(member: &str, summaries: Vec<Value>, next_token: Option<String>) -> Result<String> {
    let mut response = json!({ member: summaries });
    if let Some(token) = next_token {
        response["NextToken"] = Value::String(token);
    }
    render(&response)
}

/// A list page's size: `limit` checked as 1 to 25 (25 when absent), with the TableArn filter's length.
fn page_size(limit: Option<i64>, path: &str, table_arn: &Option<String>) -> Result<usize> {
    let mut violations = Violations::default();
    violations.length(table_arn, "tableArn", 1, 1024);
    match limit {
        Some(limit) if limit < 1 => violations.add(limit, path, "Member must have value greater than or equal to 1"),
        Some(limit) if limit > MAX_PAGE => {
            violations.add(limit, path, &format!("Member must have value less than or equal to {MAX_PAGE}"))
        }
        _ => {}
    }
    violations.finish()?;
    Ok(limit.unwrap_or(MAX_PAGE) as usize)
}

/// One page of `entries` starting at the one whose ARN is `token`, and the token of the
/// next page when more follow.
fn page<'a, T>(
    entries: &'a [T],
    arn: impl Fn(&T) -> &String,
    limit: usize,
    token: Option<&str>,
) -> Result<(&'a [T], Option<String>)> {
    let start = match token {
        None => 0,
        Some(token) => entries
            .iter()
            .position(|entry| arn(entry) == token)
            .ok_or_else(|| Error::validation(format!("Invalid NextToken: {token}")))?,
    };
    let rest = entries.get(start..).unwrap_or_default();
    let (page, after) = rest.split_at(limit.min(rest.len()));
    Ok((page, after.first().map(|entry| arn(entry).clone())))
}

fn check_bucket(violations: &mut Violations, bucket: &Option<String>, path: &str) {
    violations.length(bucket, path, 0, 255);
    let Some(name) = bucket else { return };
    let bytes = name.as_bytes();
    let edge_ok = |byte: Option<&u8>| byte.is_some_and(|byte| byte.is_ascii_alphanumeric());
    let middle_ok = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if bytes.len() < 2 || !edge_ok(bytes.first()) || !edge_ok(bytes.last()) || !middle_ok {
        violations.add(
            format!("'{name}'"),
            path,
            &format!("Member must satisfy regular expression pattern: {BUCKET_PATTERN}"),
        );
    }
}

fn check_owner(violations: &mut Violations, owner: &Option<String>, path: &str) {
    let Some(owner) = owner else { return };
    if owner.len() != 12 || !owner.chars().all(|c| c.is_ascii_digit()) {
        violations.add(format!("'{owner}'"), path, "Member must satisfy regular expression pattern: [0-9]{12}");
    }
}

fn check_client_token(violations: &mut Violations, token: &Option<String>) {
    violations.length(token, "clientToken", 1, 36);
    if let Some(token) = token.as_ref().filter(|token| token.contains('$')) {
        violations.add(
            format!("'{token}'"),
            "clientToken",
            "Member must satisfy regular expression pattern: ^[^\\$]+$",
        );
    }
}

/// Epoch seconds (with fraction) as epoch milliseconds; negative times are the epoch.
fn millis(seconds: f64) -> u64 {
    (seconds * 1000.0).round().max(0.0) as u64
}
