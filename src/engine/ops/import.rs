//! ImportTable: a new table filled from the files of a simulated S3 bucket, the way
//! DynamoDB's import from S3 reads them, and the import's description.
//!
//! An import completes at once (docs/differences.md). Lines that cannot be read or
//! stored are counted as errors, and the first of them are kept with the import (what
//! DynamoDB writes to CloudWatch Logs) for `Dynaplay.GetImportErrors`.

use crate::clock::seconds;
use crate::engine::transfers::{ImportDescription, ImportRecord, TransferChange, COMPLETED};
use crate::engine::{table_arn, Engine, TableMeta, ACCOUNT_ID};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{item_from_json, CompactCollect};
use crate::region;
use crate::transfer::gzip;
use crate::transfer::source::{self, InputFormat};
use serde_json::Value;
use std::collections::BTreeMap;

/// How long a ClientToken identifies its import: 8 hours.
const CLIENT_TOKEN_MILLIS: u64 = 8 * 60 * 60 * 1000;
/// How many error messages an import keeps.
pub const KEPT_ERRORS: usize = 100;

/// InputCompressionType.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// The files are read as they are.
    None,
    /// Each file is gzip.
    Gzip,
}

/// What an ImportTable request asks for, checked for shape by the API, with the
/// request members its description repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRequest {
    pub bucket: String,
    pub key_prefix: String,
    pub format: InputFormat,
    pub compression: Compression,
    /// The table to create.
    pub meta: TableMeta,
    pub client_token: Option<String>,
    /// The description's S3BucketSource, InputFormat, InputFormatOptions,
    /// InputCompressionType and TableCreationParameters, as requested.
    pub echo: ImportEcho,
}

/// Request members an import's description repeats as they were given.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportEcho {
    pub s3_bucket_source: Value,
    pub input_format: String,
    pub input_format_options: Option<Value>,
    pub input_compression_type: String,
    pub table_creation_parameters: Value,
}

/// What reading the source files found.
#[derive(Default)]
struct Tally {
    processed_bytes: u64,
    processed_items: u64,
    imported_items: u64,
    error_count: u64,
    errors: Vec<String>,
}

impl Tally {
    fn error(&mut self, message: String) {
        self.error_count += 1;
        if self.errors.len() < KEPT_ERRORS {
            self.errors.push(message);
        }
    }
}

impl Engine {
    /// Creates the table and imports the source files into it; the description of the
    /// finished import, and whether this request started it: a ClientToken seen in the
    /// last 8 hours with the same request answers that import again. The import
    /// consumes no write capacity.
    pub fn import_table(&mut self, request: ImportRequest) -> Result<(ImportDescription, bool)> {
        let now = self.now_millis();
        if let Some(earlier) = self.earlier_import(&request, now)? {
            return Ok((earlier, false));
        }
        let name = request.meta.name.clone();
        if self.tables.contains_key(&name) {
            return Err(Error::new(ErrorKind::ResourceInUse, format!("Table already exists: {name}")));
        }
        let import_id = format!("{now:014}-{}", &self.ids.hex128()[..8]);
        let mut description = ImportDescription {
            import_arn: format!("{}/import/{import_id}", table_arn(&name)),
            import_status: COMPLETED.to_string(),
            table_arn: table_arn(&name),
            table_id: None,
            client_token: request.client_token.clone(),
            s3_bucket_source: request.echo.s3_bucket_source.clone(),
            error_count: 0,
            cloud_watch_log_group_arn: format!(
                "arn:aws:logs:{}:{ACCOUNT_ID}:log-group:/aws-dynamodb/imports:*",
                region::current()
            ),
            input_format: request.echo.input_format.clone(),
            input_format_options: request.echo.input_format_options.clone(),
            input_compression_type: request.echo.input_compression_type.clone(),
            table_creation_parameters: request.echo.table_creation_parameters.clone(),
            start_time: seconds(now),
            end_time: Some(seconds(now)),
            processed_size_bytes: Some(0),
            processed_item_count: Some(0),
            imported_item_count: Some(0),
            failure_code: None,
            failure_message: None,
        };
        let files: Vec<(String, Vec<u8>)> = self
            .transfers
            .objects(&request.bucket, &request.key_prefix)
            .filter(|(key, _)| !key.ends_with('/'))
            .map(|(key, body)| (key.clone(), body.to_vec()))
            .collect();
        let mut tally = Tally::default();
        if files.is_empty() {
            description.import_status = "FAILED".to_string();
            description.failure_code = Some("InvalidS3Source".to_string());
            description.failure_message =
                Some(format!("No files were found in bucket {} under prefix '{}'", request.bucket, request.key_prefix));
        } else {
            let table = self.create_table(request.meta.clone())?;
            description.table_id = Some(table.meta.id.to_string());
            let key_types: BTreeMap<_, _> = table.meta.attribute_definitions.iter().cloned().collect_map();
            for (key, body) in files {
                self.import_file(&name, &key, &body, &request, &key_types, &mut tally);
            }
        }
        description.error_count = tally.error_count;
        description.processed_size_bytes = Some(tally.processed_bytes);
        description.processed_item_count = Some(tally.processed_items);
        description.imported_item_count = Some(tally.imported_items);
        let record = ImportRecord { description: description.clone(), errors: tally.errors };
        self.record_transfer(TransferChange::Import(Box::new(record)));
        Ok((description, true))
    }

    /// Imports one source file's items into the table, counting what fails.
    fn import_file(
        &mut self,
        table: &str,
        key: &str,
        body: &[u8],
        request: &ImportRequest,
        key_types: &BTreeMap<String, crate::model::ScalarType>,
        tally: &mut Tally,
    ) {
        tally.processed_bytes += body.len() as u64;
        let inflated = match request.compression {
            Compression::None => Ok(body.to_vec()),
            Compression::Gzip => gzip::decompress(body),
        };
        let text = inflated.and_then(|bytes| String::from_utf8(bytes).map_err(|_| "the file is not UTF-8".to_string()));
        let text = match text {
            Ok(text) => text,
            Err(message) => return tally.error(format!("{key}: {message}")),
        };
        for (line, item) in source::items(&text, &request.format, key_types) {
            tally.processed_items += 1;
            let stored = item
                .and_then(|json| item_from_json(&json).map_err(|error| error.message))
                .and_then(|item| self.put_item(table, item).map_err(|error| error.message));
            match stored {
                Ok(_) => tally.imported_items += 1,
                Err(message) => tally.error(format!("{key} line {line}: {message}")),
            }
        }
    }

    /// The import an earlier request with the same ClientToken made in the last 8 hours;
    /// ImportConflictException when that request asked for another import.
    fn earlier_import(&self, request: &ImportRequest, now: u64) -> Result<Option<ImportDescription>> {
        let Some(token) = &request.client_token else { return Ok(None) };
        let earlier = self.transfers.imports.iter().rev().map(|record| &record.description).find(|import| {
            import.client_token.as_ref() == Some(token)
                && (import.start_time * 1000.0) as u64 + CLIENT_TOKEN_MILLIS > now
        });
        let Some(earlier) = earlier else { return Ok(None) };
        let echo = &request.echo;
        let same = earlier.s3_bucket_source == echo.s3_bucket_source
            && earlier.input_format == echo.input_format
            && earlier.input_format_options == echo.input_format_options
            && earlier.input_compression_type == echo.input_compression_type
            && earlier.table_creation_parameters == echo.table_creation_parameters;
        match same {
            true => Ok(Some(earlier.clone())),
            false => Err(Error::new(
                ErrorKind::ImportConflict,
                format!("An import with client token {token} was requested with different parameters"),
            )),
        }
    }
}
