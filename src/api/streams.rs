//! The DynamoDB Streams API (target prefix `DynamoDBStreams_20120810.`): ListStreams,
//! DescribeStream, GetShardIterator and GetRecords over the engine's stream log.
//!
//! A stream has one open shard at a time (a child succeeds it every 4 hours); shard
//! iterators are opaque text bound to one shard and valid for 15 minutes of engine clock
//! (docs/differences.md).

use crate::api::tables::{check_range, key_schema_elements, KeySchemaElement};
use crate::api::validate::{required, Violations};
use crate::api::{read, render};
use crate::clock::seconds;
use crate::engine::{table_not_found, Engine, TableMeta};
use crate::error::{Error, ErrorKind, Result};
use crate::model::sort_stable_by;
use crate::stream::{
    parse_sequence, parse_stream_arn, sequence_text, ReadError, Shard, ShardIterator, StreamInfo,
    ITERATOR_LIFETIME_MILLIS,
};
use serde::Serialize;

/// ListStreams' and DescribeStream's largest Limit (and default).
const MAX_LIST_LIMIT: i64 = 100;
/// GetRecords' largest Limit (and default).
const MAX_RECORDS_LIMIT: i64 = 1000;
const ARN_LENGTH: (usize, usize) = (37, 1024);
const SHARD_ID_LENGTH: (usize, usize) = (28, 65);
const SEQUENCE_LENGTH: (usize, usize) = (21, 40);
const ITERATOR_LENGTH: (usize, usize) = (1, 2048);
const ITERATOR_TYPES: [&str; 4] = ["TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"];

/// Runs the Streams operation `name` (the part after `DynamoDBStreams_20120810.`).
pub fn dispatch(engine: &mut Engine, name: &str, body: &str) -> Result<String> {
    match name {
        "ListStreams" => list_streams(engine, read(body)?),
        "DescribeStream" => describe_stream(engine, read(body)?),
        "GetShardIterator" => get_shard_iterator(engine, read(body)?),
        "GetRecords" => get_records(engine, read(body)?),
        _ => Err(Error::new(ErrorKind::UnknownOperation, format!("Unknown operation: {name}"))),
    }
}

crate::api::reader::request! {
    pub struct ListStreamsRequest {
        "TableName" => table_name: String,
        "Limit" => limit: i64,
        "ExclusiveStartStreamArn" => exclusive_start_stream_arn: String,
    }
}

crate::api::reader::request! {
    pub struct DescribeStreamRequest {
        "StreamArn" => stream_arn: String,
        "Limit" => limit: i64,
        "ExclusiveStartShardId" => exclusive_start_shard_id: String,
    }
}

crate::api::reader::request! {
    pub struct GetShardIteratorRequest {
        "StreamArn" => stream_arn: String,
        "ShardId" => shard_id: String,
        "ShardIteratorType" => shard_iterator_type: String,
        "SequenceNumber" => sequence_number: String,
    }
}

crate::api::reader::request! {
    pub struct GetRecordsRequest {
        "ShardIterator" => shard_iterator: String,
        "Limit" => limit: i64,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StreamSummary<'a> {
    stream_arn: String,
    table_name: &'a str,
    stream_label: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListStreamsResponse<'a> {
    streams: Vec<StreamSummary<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_evaluated_stream_arn: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StreamDescription<'a> {
    stream_arn: String,
    stream_label: &'a str,
    stream_status: &'static str,
    stream_view_type: &'static str,
    creation_request_date_time: f64,
    table_name: &'a str,
    key_schema: Vec<KeySchemaElement<'a>>,
    shards: Vec<ShardDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_evaluated_shard_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ShardDescription {
    shard_id: String,
    sequence_number_range: SequenceNumberRange,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_shard_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SequenceNumberRange {
    starting_sequence_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    ending_sequence_number: Option<String>,
}

/// The visible streams (enabled, or disabled under 24 hours ago) by table name and age,
/// after `ExclusiveStartStreamArn`, of one table when named.
fn list_streams(engine: &mut Engine, request: ListStreamsRequest) -> Result<String> {
    let mut violations = Violations::default();
    if request.table_name.is_some() {
        violations.table_name(&request.table_name, "tableName");
    }
    check_limit(&mut violations, request.limit, MAX_LIST_LIMIT);
    violations.length(&request.exclusive_start_stream_arn, "exclusiveStartStreamArn", ARN_LENGTH.0, ARN_LENGTH.1);
    violations.finish()?;
    let known = |name: &String| engine.stream_owners().any(|meta| meta.name == *name);
    if let Some(name) = request.table_name.as_ref().filter(|name| !known(name)) {
        return Err(table_not_found(name));
    }
    let now = engine.now_millis();
    let mut owned: Vec<(&TableMeta, &StreamInfo)> = engine
        .stream_owners()
        .filter(|meta| request.table_name.as_ref().is_none_or(|name| *name == meta.name))
        .flat_map(|meta| meta.streams.iter().map(move |stream| (meta, stream)))
        .filter(|(_, stream)| stream.is_visible(now))
        .collect();
    sort_stable_by(&mut owned, |(a, first), (b, second)| {
        (&a.name, first.created_millis).cmp(&(&b.name, second.created_millis))
    });
    let mut streams = owned.into_iter().map(|(meta, stream)| StreamSummary {
        stream_arn: stream.arn(&meta.name),
        table_name: &meta.name,
        stream_label: &stream.label,
    });
    if let Some(start) = &request.exclusive_start_stream_arn {
        streams.by_ref().find(|summary| summary.stream_arn == *start);
    }
    let limit = usize::try_from(request.limit.unwrap_or(MAX_LIST_LIMIT)).unwrap_or_default();
    let page: Vec<StreamSummary> = streams.by_ref().take(limit).collect();
    let last_evaluated_stream_arn = streams.next().and(page.last().map(|summary| summary.stream_arn.clone()));
    render(&ListStreamsResponse { streams: page, last_evaluated_stream_arn })
}

fn describe_stream(engine: &mut Engine, request: DescribeStreamRequest) -> Result<String> {
    let mut violations = Violations::default();
    check_stream_arn(&mut violations, &request.stream_arn);
    check_limit(&mut violations, request.limit, MAX_LIST_LIMIT);
    violations.length(&request.exclusive_start_shard_id, "exclusiveStartShardId", SHARD_ID_LENGTH.0, SHARD_ID_LENGTH.1);
    violations.finish()?;
    let arn = required(request.stream_arn, "streamArn")?;
    let (meta, stream) = find_stream(engine, &arn)?;
    let now = engine.now_millis();
    let mut shards = stream.shards(&meta.name).into_iter().filter(|shard| shard.is_visible(now)).peekable();
    if let Some(start) = &request.exclusive_start_shard_id {
        // Shards after the one named; a name not listed starts from the first.
        if shards.clone().any(|shard| shard.id == *start) {
            shards.by_ref().find(|shard| shard.id == *start);
        }
    }
    let limit = usize::try_from(request.limit.unwrap_or(MAX_LIST_LIMIT)).unwrap_or_default();
    let page: Vec<ShardDescription> = shards
        .by_ref()
        .take(limit)
        .map(|shard| ShardDescription {
            shard_id: shard.id,
            sequence_number_range: SequenceNumberRange {
                starting_sequence_number: sequence_text(shard.first),
                ending_sequence_number: shard.end.map(|(end, _)| sequence_text(end)),
            },
            parent_shard_id: shard.parent_id,
        })
        .collect();
    let last_evaluated_shard_id = shards.peek().and(page.last().map(|shard| shard.shard_id.clone()));
    let description = StreamDescription {
        stream_arn: arn.clone(),
        stream_label: &stream.label,
        stream_status: if stream.is_enabled() { "ENABLED" } else { "DISABLED" },
        stream_view_type: stream.view_type.wire_name(),
        creation_request_date_time: seconds(stream.created_millis),
        table_name: &meta.name,
        key_schema: key_schema_elements(&meta.key_schema),
        shards: page,
        last_evaluated_shard_id,
    };
    render(&crate::json::json!({ "StreamDescription": description }))
}

fn get_shard_iterator(engine: &mut Engine, request: GetShardIteratorRequest) -> Result<String> {
    let mut violations = Violations::default();
    check_stream_arn(&mut violations, &request.stream_arn);
    violations.not_null(&request.shard_id, "shardId");
    violations.length(&request.shard_id, "shardId", SHARD_ID_LENGTH.0, SHARD_ID_LENGTH.1);
    violations.not_null(&request.shard_iterator_type, "shardIteratorType");
    violations.one_of(&request.shard_iterator_type, "shardIteratorType", &ITERATOR_TYPES);
    violations.length(&request.sequence_number, "sequenceNumber", SEQUENCE_LENGTH.0, SEQUENCE_LENGTH.1);
    violations.finish()?;
    let arn = required(request.stream_arn, "streamArn")?;
    let iterator_type = required(request.shard_iterator_type, "shardIteratorType")?;
    let shard = find_shard(engine, &arn, request.shard_id.as_deref().unwrap_or_default())?;
    let log = engine.stream_log();
    let after_shard = shard.end.map(|(end, _)| end.saturating_add(1));
    let from = match (iterator_type.as_str(), request.sequence_number.as_deref()) {
        ("TRIM_HORIZON", _) => log.horizon(&arn).max(shard.first),
        ("LATEST", _) => after_shard.unwrap_or_else(|| {
            let after_last = log.last_sequence(&arn).map_or(0, |last| last.saturating_add(1));
            after_last.max(log.horizon(&arn)).max(shard.first)
        }),
        (at_or_after, Some(text)) => {
            let sequence =
                parse_sequence(text).ok_or_else(|| Error::validation(format!("Invalid SequenceNumber: {text}")))?;
            let from = if at_or_after == "AT_SEQUENCE_NUMBER" { sequence } else { sequence.saturating_add(1) };
            // An empty read checks the position alone: a trimmed one is refused now.
            log.read(&arn, from, 0).map_err(trimmed)?;
            from
        }
        (_, None) => crate::bail_validation!("SequenceNumber must be specified for ShardIteratorType {iterator_type}"),
    };
    let iterator = ShardIterator { stream_arn: arn, shard_id: shard.id, from, issued_millis: engine.now_millis() };
    render(&crate::json::json!({ "ShardIterator": iterator.encode() }))
}

fn get_records(engine: &mut Engine, request: GetRecordsRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.not_null(&request.shard_iterator, "shardIterator");
    violations.length(&request.shard_iterator, "shardIterator", ITERATOR_LENGTH.0, ITERATOR_LENGTH.1);
    check_limit(&mut violations, request.limit, MAX_RECORDS_LIMIT);
    violations.finish()?;
    let text = required(request.shard_iterator, "shardIterator")?;
    let iterator = ShardIterator::decode(&text).ok_or_else(|| Error::validation("Invalid ShardIterator"))?;
    let now = engine.now_millis();
    if now > iterator.issued_millis.saturating_add(ITERATOR_LIFETIME_MILLIS) {
        return Err(Error::new(
            ErrorKind::ExpiredIterator,
            "The shard iterator has expired and can no longer be used to retrieve stream records",
        ));
    }
    let shard = find_shard(engine, &iterator.stream_arn, &iterator.shard_id)?;
    let end = shard.end.map(|(end, _)| end);
    let in_shard = |sequence: u128| end.is_none_or(|end| sequence <= end);
    let limit = usize::try_from(request.limit.unwrap_or(MAX_RECORDS_LIMIT)).unwrap_or_default();
    let log = engine.stream_log();
    let records = log.read(&iterator.stream_arn, iterator.from, limit).map_err(trimmed)?;
    let records: Vec<_> = records.into_iter().take_while(|record| in_shard(record.sequence)).collect();
    let next_from = records.last().map_or(iterator.from, |record| record.sequence.saturating_add(1));
    let wire: Vec<String> = records.iter().map(|record| record.wire()).collect();
    // A closed shard read to its end has no next iterator: the reader moves to its child.
    let rest = log.read(&iterator.stream_arn, next_from, 1).unwrap_or_default();
    let finished = end.is_some() && !rest.iter().any(|record| in_shard(record.sequence));
    // Each record is JSON text and an iterator is hex digits: the response is put
    // together as text.
    let next = match finished {
        true => String::new(),
        false => {
            let next = ShardIterator { from: next_from, issued_millis: now, ..iterator };
            format!(",\"NextShardIterator\":\"{}\"", next.encode())
        }
    };
    Ok(format!("{{\"Records\":[{}]{next}}}", wire.join(",")))
}

/// The table and the visible stream an ARN names; DynamoDB's not-found error otherwise.
fn find_stream<'a>(engine: &'a Engine, arn: &str) -> Result<(&'a TableMeta, &'a StreamInfo)> {
    let not_found =
        || Error::new(ErrorKind::ResourceNotFound, format!("Requested resource not found: Stream: {arn} not found"));
    let (table_name, label) = parse_stream_arn(arn).ok_or_else(not_found)?;
    let now = engine.now_millis();
    let owners = engine.stream_owners().filter(|meta| meta.name == table_name);
    let mut streams = owners.flat_map(|meta| meta.streams.iter().map(move |stream| (meta, stream)));
    streams.find(|(_, stream)| stream.label == label && stream.is_visible(now)).ok_or_else(not_found)
}

/// The visible shard `shard_id` of the stream `arn`; DynamoDB's not-found error otherwise.
fn find_shard(engine: &Engine, arn: &str, shard_id: &str) -> Result<Shard> {
    let (meta, stream) = find_stream(engine, arn)?;
    let now = engine.now_millis();
    let shard = stream.shards(&meta.name).into_iter().find(|shard| shard.id == shard_id && shard.is_visible(now));
    shard.ok_or_else(|| Error::new(ErrorKind::ResourceNotFound, "Requested resource not found: Shard does not exist"))
}

fn check_stream_arn(violations: &mut Violations, arn: &Option<String>) {
    violations.not_null(arn, "streamArn");
    violations.length(arn, "streamArn", ARN_LENGTH.0, ARN_LENGTH.1);
}

fn check_limit(violations: &mut Violations, limit: Option<i64>, max: i64) {
    if let Some(limit) = limit {
        check_range(violations, limit, "limit", 1..=max);
    }
}

fn trimmed(_: ReadError) -> Error {
    Error::new(
        ErrorKind::TrimmedDataAccess,
        "The operation attempted to read past the oldest stream record in a shard.",
    )
}
