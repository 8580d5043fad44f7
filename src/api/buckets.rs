//! Dynaplay's simulated S3 on the wire, for the playground's bucket view: PutObject,
//! GetObject, ListObjects, DeleteObject and ListBuckets (bodies in base64), and
//! GetImportErrors, the first errors of an import (which DynamoDB writes to CloudWatch
//! Logs). Their names start with `Dynaplay.` like the other simulation operations.

use crate::api::render;
use crate::api::validate::{required, Violations};
use crate::engine::ops::import::KEPT_ERRORS;
use crate::engine::transfers::etag;
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::json::json;
use crate::model::{base64_decode, base64_encode};
use serde_json::Value;

/// The largest object the simulated S3 takes: 16 MiB, since every object is held in
/// memory and stored in one IndexedDB record.
const MAX_OBJECT_BYTES: usize = 16 * 1024 * 1024;
/// S3's longest object key, in UTF-8 bytes.
const MAX_KEY_BYTES: usize = 1024;

crate::api::reader::request! {
    pub struct ObjectRequest deny_unknown_fields {
        "Bucket" => bucket: String,
        "Key" => key: String,
        "Body" => body: String,
    }
}

crate::api::reader::request! {
    pub struct ListObjectsRequest deny_unknown_fields {
        "Bucket" => bucket: String,
        "Prefix" => prefix: String,
    }
}

crate::api::reader::request! {
    pub struct ImportErrorsRequest deny_unknown_fields {
        "ImportArn" => import_arn: String,
    }
}

/// Stores an object (creating its bucket); answers its ETag.
pub fn put_object(engine: &mut Engine, request: ObjectRequest) -> Result<String> {
    let (bucket, key) = checked_location(request.bucket, request.key)?;
    let body = base64_decode(&required(request.body, "Body")?)?;
    if body.len() > MAX_OBJECT_BYTES {
        crate::bail_validation!("Body must be at most {MAX_OBJECT_BYTES} bytes, not {}", body.len());
    }
    let tag = etag(&body);
    engine.put_object(&bucket, &key, body);
    render(&json!({ "ETag": tag }))
}

pub fn get_object(engine: &mut Engine, request: ObjectRequest) -> Result<String> {
    let (bucket, key) = checked_location(request.bucket, request.key)?;
    let body = engine.transfers().object(&bucket, &key).ok_or_else(|| no_such_key(&bucket, &key))?;
    render(&json!({"Body": base64_encode(body), "ContentLength": body.len(), "ETag": etag(body)}))
}

pub fn delete_object(engine: &mut Engine, request: ObjectRequest) -> Result<String> {
    let (bucket, key) = checked_location(request.bucket, request.key)?;
    engine.delete_object(&bucket, &key);
    Ok("{}".to_string())
}

/// The objects of a bucket whose keys start with the prefix, in key order.
pub fn list_objects(engine: &mut Engine, request: ListObjectsRequest) -> Result<String> {
    let bucket = required(request.bucket, "Bucket")?;
    let prefix = request.prefix.unwrap_or_default();
    let contents: Vec<Value> = engine
        .transfers()
        .objects(&bucket, &prefix)
        .map(|(key, body)| json!({"Key": key, "Size": body.len(), "ETag": etag(body)}))
        .collect();
    render(&json!({"Name": bucket, "Prefix": prefix, "Contents": contents}))
}

/// The buckets that hold objects, by name.
pub fn list_buckets(engine: &mut Engine) -> Result<String> {
    let buckets: Vec<Value> = engine
        .transfers()
        .buckets
        .iter()
        .map(|(name, objects)| {
            json!({"Name": name, "ObjectCount": objects.len(),
                   "Size": objects.values().map(|body| body.len()).sum::<usize>()})
        })
        .collect();
    render(&json!({ "Buckets": buckets }))
}

/// An import's error count and its first error messages (at most 100).
pub fn get_import_errors(engine: &mut Engine, request: ImportErrorsRequest) -> Result<String> {
    let arn = required(request.import_arn, "ImportArn")?;
    let record = engine.import(&arn)?;
    let errors: Vec<Value> =
        record.errors.iter().take(KEPT_ERRORS).map(|message| json!({"Message": message})).collect();
    render(&json!({"ImportArn": arn, "ErrorCount": record.description.error_count, "Events": errors}))
}

/// A bucket name and object key checked as S3 checks them.
fn checked_location(bucket: Option<String>, key: Option<String>) -> Result<(String, String)> {
    let mut violations = Violations::default();
    violations.not_null(&bucket, "Bucket");
    violations.not_null(&key, "Key");
    violations.finish()?;
    let (bucket, key) = (required(bucket, "Bucket")?, required(key, "Key")?);
    let valid_bucket = (3..=63).contains(&bucket.len())
        && bucket.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
        && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !valid_bucket {
        crate::bail_validation!(
            "The bucket name {bucket} is not valid: 3 to 63 lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit"
        );
    }
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        crate::bail_validation!("An object key must be 1 to {MAX_KEY_BYTES} bytes long");
    }
    Ok((bucket, key))
}

fn no_such_key(bucket: &str, key: &str) -> Error {
    Error::new(ErrorKind::NoSuchKey, format!("The specified key does not exist: {bucket}/{key}"))
}
