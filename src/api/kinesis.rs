//! The simulated Kinesis Data Streams API (target prefix `Kinesis_20131202.`), on the same
//! JSON protocol as DynamoDB: streams, shards, iterators, records, retention and
//! consumers. SubscribeToShard needs HTTP/2 event streams and answers
//! UnknownOperationException, as does every operation not listed in [`dispatch`].
//!
//! Errors carry Kinesis's bare `__type` (api/mod.rs marks them). Shard iterators are
//! opaque text bound to one shard and valid for 5 minutes of engine clock.

use crate::api::tables::check_range;
use crate::api::validate::{required, Violations};
use crate::api::{read, render};
use crate::clock::seconds;
use crate::engine::ops::kinesis::{NewRecord, RetentionChange};
use crate::engine::{Engine, ACCOUNT_ID};
use crate::error::{Error, ErrorKind, Result};
use crate::json::json;
use crate::kinesis::{
    parse_sequence, parse_shard_id, parse_stream_arn, sequence_text, shard_id, Consumer, DataStream, StreamMode,
    ITERATOR_LIFETIME_MILLIS,
};
use crate::model::{base64_decode, base64_encode, CompactCollect};
use crate::stream::{civil_from_days, ShardIterator};
use serde::Serialize;
use serde_json::{Map, Value};

const STREAM_NAME_LENGTH: (usize, usize) = (1, 128);
const STREAM_ARN_LENGTH: (usize, usize) = (1, 2048);
const PARTITION_KEY_LENGTH: (usize, usize) = (1, 256);
/// The largest record's data: 1 MiB.
const MAX_DATA_BYTES: usize = 1024 * 1024;
/// PutRecords' largest batch, in records and in bytes (5 MiB).
const MAX_BATCH_RECORDS: usize = 500;
const MAX_BATCH_BYTES: usize = 5 * 1024 * 1024;
const MAX_LIST_LIMIT: i64 = 10_000;
const ITERATOR_TYPES: [&str; 5] =
    ["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"];
const STREAM_MODES: [&str; 2] = ["PROVISIONED", "ON_DEMAND"];

/// Runs the Kinesis operation `name` (the part after `Kinesis_20131202.`).
pub fn dispatch(engine: &mut Engine, name: &str, body: &str) -> Result<String> {
    match name {
        "CreateStream" => create_stream(engine, read(body)?),
        "DeleteStream" => delete_stream(engine, read(body)?),
        "DescribeStream" => describe_stream(engine, read(body)?),
        "DescribeStreamSummary" => describe_stream_summary(engine, read(body)?),
        "ListStreams" => list_streams(engine, read(body)?),
        "ListShards" => list_shards(engine, read(body)?),
        "GetShardIterator" => get_shard_iterator(engine, read(body)?),
        "GetRecords" => get_records(engine, read(body)?),
        "PutRecord" => put_record(engine, read(body)?),
        "PutRecords" => put_records(engine, read(body)?),
        "IncreaseStreamRetentionPeriod" => change_retention(engine, read(body)?, RetentionChange::Increase),
        "DecreaseStreamRetentionPeriod" => change_retention(engine, read(body)?, RetentionChange::Decrease),
        "RegisterStreamConsumer" => register_consumer(engine, read(body)?),
        "ListStreamConsumers" => list_consumers(engine, read(body)?),
        "DescribeStreamConsumer" => describe_consumer(engine, read(body)?),
        "DeregisterStreamConsumer" => deregister_consumer(engine, read(body)?),
        _ => Err(Error::new(ErrorKind::UnknownOperation, format!("Unknown operation: {name}"))),
    }
}

crate::api::reader::request! {
    /// The members that name a stream: its name or its ARN.
    struct StreamRef {
        "StreamName" => stream_name: String,
        "StreamARN" => stream_arn: String,
    }
}

impl StreamRef {
    fn check(&self, violations: &mut Violations) {
        check_stream_name(violations, &self.stream_name, "streamName");
        violations.length(&self.stream_arn, "streamARN", STREAM_ARN_LENGTH.0, STREAM_ARN_LENGTH.1);
    }

    /// The stream named, which must exist.
    fn resolve<'a>(&self, engine: &'a Engine) -> Result<&'a DataStream> {
        let name = match (&self.stream_name, &self.stream_arn) {
            (Some(name), _) => name.as_str(),
            (None, Some(arn)) => parse_stream_arn(arn).unwrap_or(arn),
            (None, None) => return Err(invalid("Either StreamName or StreamARN must be provided.")),
        };
        engine.data_stream(name)
    }
}

crate::api::reader::request! {
    pub struct CreateStreamRequest {
        "StreamName" => stream_name: String,
        "ShardCount" => shard_count: i64,
        "StreamModeDetails" => stream_mode_details: StreamModeDetails,
    }
}

crate::api::reader::request! {
    struct StreamModeDetails {
        "StreamMode" => stream_mode: String,
    }
}

crate::api::reader::request! {
    pub struct DeleteStreamRequest {
        "EnforceConsumerDeletion" => enforce_consumer_deletion: bool,
        flatten stream: StreamRef,
    }
}

crate::api::reader::request! {
    pub struct DescribeStreamRequest {
        "Limit" => limit: i64,
        "ExclusiveStartShardId" => exclusive_start_shard_id: String,
        flatten stream: StreamRef,
    }
}

crate::api::reader::request! {
    pub struct ListStreamsRequest {
        "Limit" => limit: i64,
        "ExclusiveStartStreamName" => exclusive_start_stream_name: String,
        "NextToken" => next_token: String,
    }
}

crate::api::reader::request! {
    pub struct ListShardsRequest {
        "MaxResults" => max_results: i64,
        "ExclusiveStartShardId" => exclusive_start_shard_id: String,
        "NextToken" => next_token: String,
        flatten stream: StreamRef,
    }
}

crate::api::reader::request! {
    pub struct GetShardIteratorRequest {
        "ShardId" => shard_id: String,
        "ShardIteratorType" => shard_iterator_type: String,
        "StartingSequenceNumber" => starting_sequence_number: String,
        "Timestamp" => timestamp: f64,
        flatten stream: StreamRef,
    }
}

crate::api::reader::request! {
    pub struct GetRecordsRequest {
        "ShardIterator" => shard_iterator: String,
        "Limit" => limit: i64,
    }
}

crate::api::reader::request! {
    pub struct PutRecordRequest {
        flatten stream: StreamRef,
        flatten record: RecordInput,
    }
}

crate::api::reader::request! {
    struct RecordInput {
        "PartitionKey" => partition_key: String,
        "Data" => data: String,
        "ExplicitHashKey" => explicit_hash_key: String,
    }
}

crate::api::reader::request! {
    pub struct PutRecordsRequest {
        "Records" => records: Vec<RecordInput>,
        flatten stream: StreamRef,
    }
}

crate::api::reader::request! {
    pub struct RetentionRequest {
        "RetentionPeriodHours" => retention_period_hours: i64,
        flatten stream: StreamRef,
    }
}

crate::api::reader::request! {
    pub struct ConsumerRequest {
        "StreamARN" => stream_arn: String,
        "ConsumerName" => consumer_name: String,
        "ConsumerARN" => consumer_arn: String,
        "MaxResults" => max_results: i64,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ShardDescription {
    shard_id: String,
    hash_key_range: HashKeyRange,
    sequence_number_range: SequenceNumberRange,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct HashKeyRange {
    starting_hash_key: String,
    ending_hash_key: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SequenceNumberRange {
    starting_sequence_number: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ConsumerDescription {
    consumer_name: String,
    #[serde(rename = "ConsumerARN")]
    consumer_arn: String,
    consumer_status: &'static str,
    consumer_creation_timestamp: f64,
    #[serde(rename = "StreamARN", skip_serializing_if = "Option::is_none")]
    stream_arn: Option<String>,
}

fn create_stream(engine: &mut Engine, request: CreateStreamRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.not_null(&request.stream_name, "streamName");
    check_stream_name(&mut violations, &request.stream_name, "streamName");
    if let Some(count) = request.shard_count {
        check_range(&mut violations, count, "shardCount", 1..=i64::from(i32::MAX));
    }
    let mode = request.stream_mode_details.and_then(|details| details.stream_mode);
    violations.one_of(&mode, "streamModeDetails.streamMode", &STREAM_MODES);
    violations.finish()?;
    let name = required(request.stream_name, "streamName")?;
    let (mode, shard_count) = match (mode.as_deref(), request.shard_count) {
        (Some("ON_DEMAND"), None) => (StreamMode::OnDemand, crate::kinesis::ON_DEMAND_SHARDS),
        (Some("ON_DEMAND"), Some(_)) => {
            return Err(invalid("ShardCount is not supported for streams in ON_DEMAND mode."))
        }
        (_, Some(count)) => (StreamMode::Provisioned, count as u32),
        (_, None) => return Err(invalid("ShardCount is required for streams in PROVISIONED mode.")),
    };
    engine.create_data_stream(&name, mode, shard_count)?;
    Ok("{}".to_string())
}

fn delete_stream(engine: &mut Engine, request: DeleteStreamRequest) -> Result<String> {
    let mut violations = Violations::default();
    request.stream.check(&mut violations);
    violations.finish()?;
    let name = request.stream.resolve(engine)?.name.clone();
    engine.delete_data_stream(&name, request.enforce_consumer_deletion.unwrap_or(false))?;
    Ok("{}".to_string())
}

fn describe_stream(engine: &mut Engine, request: DescribeStreamRequest) -> Result<String> {
    let mut violations = Violations::default();
    request.stream.check(&mut violations);
    check_limit(&mut violations, request.limit, "limit");
    violations.finish()?;
    let stream = request.stream.resolve(engine)?;
    let limit = request.limit.unwrap_or(100) as usize;
    let (shards, more) = shard_page(stream, request.exclusive_start_shard_id.as_deref(), limit);
    let mut description = stream_fields(stream);
    description.extend(settings_fields(stream));
    description.insert("Shards".into(), json!(shards));
    description.insert("HasMoreShards".into(), json!(more));
    render(&json!({ "StreamDescription": description }))
}

fn describe_stream_summary(engine: &mut Engine, request: StreamRef) -> Result<String> {
    let mut violations = Violations::default();
    request.check(&mut violations);
    violations.finish()?;
    let stream = request.resolve(engine)?;
    let mut summary = stream_fields(stream);
    summary.extend(settings_fields(stream));
    summary.insert("OpenShardCount".into(), json!(stream.shard_count));
    summary.insert("ConsumerCount".into(), json!(stream.consumers.len()));
    render(&json!({ "StreamDescriptionSummary": summary }))
}

/// Stream names in order, a page at a time; NextToken is the last name listed.
fn list_streams(engine: &mut Engine, request: ListStreamsRequest) -> Result<String> {
    let mut violations = Violations::default();
    check_limit(&mut violations, request.limit, "limit");
    check_stream_name(&mut violations, &request.exclusive_start_stream_name, "exclusiveStartStreamName");
    violations.finish()?;
    let after = request.next_token.or(request.exclusive_start_stream_name);
    let limit = request.limit.unwrap_or(100) as usize;
    let mut streams =
        engine.kinesis().streams().filter(|stream| after.as_ref().is_none_or(|after| stream.name > *after));
    let page: Vec<&DataStream> = streams.by_ref().take(limit).collect();
    let more = streams.next().is_some();
    let summaries: Vec<_> = page.iter().map(|stream| stream_fields(stream)).collect();
    let mut response = json!({
        "StreamNames": page.iter().map(|stream| &stream.name).collect::<Vec<_>>(),
        "HasMoreStreams": more,
        "StreamSummaries": summaries,
    });
    if let (true, Some(last)) = (more, page.last()) {
        response["NextToken"] = json!(last.name);
    }
    render(&response)
}

/// What every description of a stream says: its name, ARN, status, mode and age.
fn stream_fields(stream: &DataStream) -> Map<String, Value> {
    let fields = json!({
        "StreamName": stream.name,
        "StreamARN": stream.arn(),
        "StreamStatus": "ACTIVE",
        "StreamModeDetails": { "StreamMode": stream.mode.wire_name() },
        "StreamCreationTimestamp": seconds(stream.created_millis),
    });
    match fields {
        Value::Object(fields) => fields,
        _ => Map::new(),
    }
}

/// What DescribeStream and DescribeStreamSummary add: retention, monitoring, encryption.
fn settings_fields(stream: &DataStream) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("RetentionPeriodHours".into(), json!(stream.retention_hours));
    fields.insert("EnhancedMonitoring".into(), json!([{ "ShardLevelMetrics": [] }]));
    fields.insert("EncryptionType".into(), json!("NONE"));
    fields
}

/// The shards, a page at a time; NextToken is the last ShardId listed.
fn list_shards(engine: &mut Engine, request: ListShardsRequest) -> Result<String> {
    let mut violations = Violations::default();
    request.stream.check(&mut violations);
    check_limit(&mut violations, request.max_results, "maxResults");
    violations.finish()?;
    let stream = request.stream.resolve(engine)?;
    let after = request.next_token.or(request.exclusive_start_shard_id);
    let (shards, more) = shard_page(stream, after.as_deref(), request.max_results.unwrap_or(1000) as usize);
    let next_token = shards.last().filter(|_| more).map(|shard| shard.shard_id.clone());
    let mut response = json!({ "Shards": shards });
    if let Some(token) = next_token {
        response["NextToken"] = json!(token);
    }
    render(&response)
}

/// Up to `limit` shards after the ShardId `after`, and whether more follow.
fn shard_page(stream: &DataStream, after: Option<&str>, limit: usize) -> (Vec<ShardDescription>, bool) {
    let first = after.and_then(parse_shard_id).map_or(0, |shard| shard.saturating_add(1));
    let shards: Vec<ShardDescription> = (first..stream.shard_count)
        .take(limit)
        .map(|shard| {
            let (start, end) = stream.hash_range(shard);
            ShardDescription {
                shard_id: shard_id(shard),
                hash_key_range: HashKeyRange { starting_hash_key: start.to_string(), ending_hash_key: end.to_string() },
                sequence_number_range: SequenceNumberRange {
                    starting_sequence_number: sequence_text(u128::from(stream.created_millis) * 100_000_000),
                },
            }
        })
        .collect();
    let more = u64::from(first) + (shards.len() as u64) < u64::from(stream.shard_count);
    (shards, more)
}

fn get_shard_iterator(engine: &mut Engine, request: GetShardIteratorRequest) -> Result<String> {
    let mut violations = Violations::default();
    request.stream.check(&mut violations);
    violations.not_null(&request.shard_id, "shardId");
    violations.length(&request.shard_id, "shardId", 1, 128);
    violations.not_null(&request.shard_iterator_type, "shardIteratorType");
    violations.one_of(&request.shard_iterator_type, "shardIteratorType", &ITERATOR_TYPES);
    violations.finish()?;
    let stream = request.stream.resolve(engine)?;
    let shard_text = required(request.shard_id, "shardId")?;
    let iterator_type = required(request.shard_iterator_type, "shardIteratorType")?;
    let shard = parse_shard_id(&shard_text).filter(|shard| *shard < stream.shard_count).ok_or_else(|| {
        let message = format!("Shard {shard_text} in stream {} under account {ACCOUNT_ID} does not exist", stream.name);
        Error::new(ErrorKind::ResourceNotFound, message)
    })?;
    let kinesis = engine.kinesis();
    let after_last = kinesis.last_sequence().saturating_add(1);
    let from = match (iterator_type.as_str(), &request.starting_sequence_number) {
        ("TRIM_HORIZON" | "LATEST", Some(_)) => {
            return Err(invalid(format!("Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified {iterator_type} and also a StartingSequenceNumber.")));
        }
        ("TRIM_HORIZON", None) => 0,
        ("LATEST", None) => after_last,
        ("AT_TIMESTAMP", _) => {
            let Some(timestamp) = request.timestamp else {
                return Err(invalid("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter."));
            };
            let millis = (timestamp * 1000.0).max(0.0) as u64;
            let mut records = kinesis.shard_records(&stream.name, shard, 0);
            records.find(|record| record.arrival_millis >= millis).map_or(after_last, |record| record.sequence)
        }
        (at_or_after, Some(text)) => {
            let sequence = parse_sequence(text).ok_or_else(|| {
                invalid(format!(
                    "StartingSequenceNumber {text} used in GetShardIterator on shard {shard_text} in stream {} under account {ACCOUNT_ID} is invalid.",
                    stream.name
                ))
            })?;
            if at_or_after == "AT_SEQUENCE_NUMBER" {
                sequence
            } else {
                sequence.saturating_add(1)
            }
        }
        (_, None) => {
            return Err(invalid(format!("Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified {iterator_type} and no StartingSequenceNumber.")));
        }
    };
    let iterator =
        ShardIterator { stream_arn: stream.arn(), shard_id: shard_id(shard), from, issued_millis: engine.now_millis() };
    render(&json!({ "ShardIterator": iterator.encode() }))
}

fn get_records(engine: &mut Engine, request: GetRecordsRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.not_null(&request.shard_iterator, "shardIterator");
    violations.length(&request.shard_iterator, "shardIterator", 1, 512);
    check_limit(&mut violations, request.limit, "limit");
    violations.finish()?;
    let text = required(request.shard_iterator, "shardIterator")?;
    let iterator = ShardIterator::decode(&text).ok_or_else(|| invalid("Invalid ShardIterator."))?;
    let (name, shard) = parse_stream_arn(&iterator.stream_arn)
        .zip(parse_shard_id(&iterator.shard_id))
        .ok_or_else(|| invalid("Invalid ShardIterator."))?;
    let now = engine.now_millis();
    if now > iterator.issued_millis.saturating_add(ITERATOR_LIFETIME_MILLIS) {
        return Err(Error::new(
            ErrorKind::ExpiredIterator,
            format!(
                "Iterator expired. The iterator was created at time {} while right now it is {} which is further in the future than the tolerated delay of {ITERATOR_LIFETIME_MILLIS} milliseconds.",
                amz_utc(iterator.issued_millis),
                amz_utc(now)
            ),
        ));
    }
    let stream = engine.data_stream(name)?;
    if shard >= stream.shard_count {
        let message = format!("Shard {} in stream {name} under account {ACCOUNT_ID} does not exist", iterator.shard_id);
        return Err(Error::new(ErrorKind::ResourceNotFound, message));
    }
    let limit = request.limit.unwrap_or(MAX_LIST_LIMIT) as usize;
    let mut records = engine.kinesis().shard_records(name, shard, iterator.from);
    let page: Vec<_> = records.by_ref().take(limit).collect();
    let behind = records.next().map_or(0, |next| now.saturating_sub(next.arrival_millis));
    let next_from = page.last().map_or(iterator.from, |record| record.sequence.saturating_add(1));
    let wire: Vec<_> = page
        .iter()
        .map(|record| {
            json!({
                "SequenceNumber": sequence_text(record.sequence),
                "ApproximateArrivalTimestamp": seconds(record.arrival_millis),
                "Data": base64_encode(&record.data),
                "PartitionKey": record.partition_key,
            })
        })
        .collect();
    let next = ShardIterator { from: next_from, issued_millis: now, ..iterator };
    render(&json!({ "Records": wire, "NextShardIterator": next.encode(), "MillisBehindLatest": behind }))
}

fn put_record(engine: &mut Engine, request: PutRecordRequest) -> Result<String> {
    let mut violations = Violations::default();
    request.stream.check(&mut violations);
    let record = check_record(&mut violations, &request.record, "");
    violations.finish()?;
    let name = request.stream.resolve(engine)?.name.clone();
    let record = record?;
    let put = engine.all_or_nothing(|engine| engine.put_data_records(&name, vec![record]))?;
    let put: Vec<_> = put.iter().map(|record| (shard_id(record.shard), sequence_text(record.sequence))).collect();
    let (shard, sequence) = put.into_iter().next().unwrap_or_default();
    render(&json!({ "ShardId": shard, "SequenceNumber": sequence }))
}

fn put_records(engine: &mut Engine, request: PutRecordsRequest) -> Result<String> {
    let mut violations = Violations::default();
    request.stream.check(&mut violations);
    violations.not_null(&request.records, "records");
    let given = request.records.is_some();
    let inputs = request.records.unwrap_or_default();
    if given && inputs.is_empty() {
        violations.add("'[]'", "records", "Member must have length greater than or equal to 1");
    }
    if inputs.len() > MAX_BATCH_RECORDS {
        let constraint = format!("Member must have length less than or equal to {MAX_BATCH_RECORDS}");
        violations.add(format!("'[{} records]'", inputs.len()), "records", &constraint);
    }
    let records: Vec<Result<NewRecord>> = inputs
        .iter()
        .enumerate()
        .map(|(position, input)| check_record(&mut violations, input, &format!("records.{}.member.", position + 1)))
        .collect();
    violations.finish()?;
    let name = request.stream.resolve(engine)?.name.clone();
    let records: Vec<NewRecord> = records.into_iter().try_collect_vec()?;
    let bytes: usize = records.iter().map(|record| record.data.len() + record.partition_key.len()).sum();
    if bytes > MAX_BATCH_BYTES {
        return Err(invalid(format!("Records size exceeds {} MB limit", MAX_BATCH_BYTES / (1024 * 1024))));
    }
    let put = engine.all_or_nothing(|engine| engine.put_data_records(&name, records))?;
    let results: Vec<_> = put
        .iter()
        .map(|record| json!({ "SequenceNumber": sequence_text(record.sequence), "ShardId": shard_id(record.shard) }))
        .collect();
    render(&json!({ "FailedRecordCount": 0, "Records": results }))
}

/// Checks one record's members (at `path` + member name); the record, or the Kinesis
/// error its data or hash key gets once the request's shape is valid.
fn check_record(violations: &mut Violations, input: &RecordInput, path: &str) -> Result<NewRecord> {
    violations.not_null(&input.partition_key, &format!("{path}partitionKey"));
    let key_path = format!("{path}partitionKey");
    violations.length(&input.partition_key, &key_path, PARTITION_KEY_LENGTH.0, PARTITION_KEY_LENGTH.1);
    violations.not_null(&input.data, &format!("{path}data"));
    let data = input.data.as_deref().map(base64_decode);
    if let Some(Ok(bytes)) = &data {
        if bytes.len() > MAX_DATA_BYTES {
            let length = bytes.len();
            violations.add(
                format!("'java.nio.HeapByteBuffer[pos=0 lim={length} cap={length}]'"),
                &format!("{path}data"),
                &format!("Member must have length less than or equal to {MAX_DATA_BYTES}"),
            );
        }
    }
    if let Some(hash_key) = &input.explicit_hash_key {
        let digits = hash_key == "0"
            || (hash_key.len() <= 39
                && hash_key.starts_with(|c: char| ('1'..='9').contains(&c))
                && hash_key.bytes().all(|byte| byte.is_ascii_digit()));
        if !digits {
            violations.add(
                format!("'{hash_key}'"),
                &format!("{path}explicitHashKey"),
                "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
            );
        }
    }
    // A missing Data is a violation already reported; a malformed one is Coral's
    // SerializationException.
    let data = required(data, &format!("{path}data"))??;
    let explicit_hash_key = match &input.explicit_hash_key {
        None => None,
        Some(text) => Some(text.parse::<u128>().map_err(|_| {
            invalid(format!(
                "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {text}"
            ))
        })?),
    };
    Ok(NewRecord { partition_key: input.partition_key.clone().unwrap_or_default(), data, explicit_hash_key })
}

fn change_retention(engine: &mut Engine, request: RetentionRequest, direction: RetentionChange) -> Result<String> {
    let mut violations = Violations::default();
    request.stream.check(&mut violations);
    violations.not_null(&request.retention_period_hours, "retentionPeriodHours");
    violations.finish()?;
    let hours = required(request.retention_period_hours, "retentionPeriodHours")?;
    let name = request.stream.resolve(engine)?.name.clone();
    engine.change_retention(&name, hours, direction)?;
    Ok("{}".to_string())
}

fn register_consumer(engine: &mut Engine, request: ConsumerRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.not_null(&request.stream_arn, "streamARN");
    violations.not_null(&request.consumer_name, "consumerName");
    check_consumer_members(&mut violations, &request);
    violations.finish()?;
    let stream_arn = required(request.stream_arn, "streamARN")?;
    let consumer_name = required(request.consumer_name, "consumerName")?;
    let name = stream_of_arn(engine, &stream_arn)?;
    let (stream, consumer) = engine.register_consumer(&name, &consumer_name)?;
    render(&json!({ "Consumer": consumer_description(&stream, &consumer, "CREATING", false) }))
}

fn list_consumers(engine: &mut Engine, request: ConsumerRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.not_null(&request.stream_arn, "streamARN");
    check_consumer_members(&mut violations, &request);
    check_limit(&mut violations, request.max_results, "maxResults");
    violations.finish()?;
    let stream_arn = required(request.stream_arn, "streamARN")?;
    let stream = engine.data_stream(&stream_of_arn(engine, &stream_arn)?)?;
    let limit = request.max_results.unwrap_or(100) as usize;
    let consumers: Vec<_> = stream
        .consumers
        .iter()
        .take(limit)
        .map(|consumer| consumer_description(stream, consumer, "ACTIVE", false))
        .collect();
    render(&json!({ "Consumers": consumers }))
}

fn describe_consumer(engine: &mut Engine, request: ConsumerRequest) -> Result<String> {
    let mut violations = Violations::default();
    check_consumer_members(&mut violations, &request);
    violations.finish()?;
    let (name, consumer_name) = consumer_of(engine, request)?;
    let (stream, consumer) = engine.consumer(&name, &consumer_name)?;
    render(&json!({ "ConsumerDescription": consumer_description(stream, consumer, "ACTIVE", true) }))
}

fn deregister_consumer(engine: &mut Engine, request: ConsumerRequest) -> Result<String> {
    let mut violations = Violations::default();
    check_consumer_members(&mut violations, &request);
    violations.finish()?;
    let (name, consumer_name) = consumer_of(engine, request)?;
    engine.deregister_consumer(&name, &consumer_name)?;
    Ok("{}".to_string())
}

fn check_consumer_members(violations: &mut Violations, request: &ConsumerRequest) {
    violations.length(&request.stream_arn, "streamARN", STREAM_ARN_LENGTH.0, STREAM_ARN_LENGTH.1);
    check_stream_name(violations, &request.consumer_name, "consumerName");
    violations.length(&request.consumer_arn, "consumerARN", 1, 2048);
}

/// The stream and consumer names a request names: by ConsumerARN, or by StreamARN and
/// ConsumerName.
fn consumer_of(engine: &Engine, request: ConsumerRequest) -> Result<(String, String)> {
    if let Some(arn) = &request.consumer_arn {
        let not_found = || {
            let message = format!("Consumer {arn} under account {ACCOUNT_ID} not found.");
            Error::new(ErrorKind::ResourceNotFound, message)
        };
        let (stream_arn, rest) = arn.split_once("/consumer/").ok_or_else(not_found)?;
        let (consumer_name, _) = rest.rsplit_once(':').ok_or_else(not_found)?;
        return Ok((stream_of_arn(engine, stream_arn)?, consumer_name.to_string()));
    }
    match (request.stream_arn, request.consumer_name) {
        (Some(stream_arn), Some(consumer_name)) => Ok((stream_of_arn(engine, &stream_arn)?, consumer_name)),
        _ => Err(invalid("Either ConsumerARN or both ConsumerName and StreamARN must be provided.")),
    }
}

/// The name of the existing stream a StreamARN names.
fn stream_of_arn(engine: &Engine, arn: &str) -> Result<String> {
    Ok(engine.data_stream(parse_stream_arn(arn).unwrap_or(arn))?.name.clone())
}

fn consumer_description(
    stream: &DataStream,
    consumer: &Consumer,
    status: &'static str,
    with_stream: bool,
) -> ConsumerDescription {
    ConsumerDescription {
        consumer_name: consumer.name.clone(),
        consumer_arn: stream.consumer_arn(consumer),
        consumer_status: status,
        consumer_creation_timestamp: seconds(consumer.created_millis),
        stream_arn: with_stream.then(|| stream.arn()),
    }
}

/// A stream (or consumer) name's rules: 1 to 128 characters of `[a-zA-Z0-9_.-]`.
fn check_stream_name(violations: &mut Violations, name: &Option<String>, path: &str) {
    let Some(text) = name else { return };
    if !text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
        violations.add(format!("'{text}'"), path, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
    }
    violations.length(name, path, STREAM_NAME_LENGTH.0, STREAM_NAME_LENGTH.1);
}

fn check_limit(violations: &mut Violations, limit: Option<i64>, path: &str) {
    if let Some(limit) = limit {
        check_range(violations, limit, path, 1..=MAX_LIST_LIMIT);
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidArgument, message)
}

/// Epoch milliseconds as Kinesis's messages print them: `Thu Jan 22 01:22:02 UTC 2015`.
fn amz_utc(millis: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let days = millis / 86_400_000;
    let (year, month, day) = civil_from_days(days as i64);
    let in_day = millis % 86_400_000 / 1000;
    let weekday = DAYS[(days % 7) as usize];
    let month_name = MONTHS[(month as usize).saturating_sub(1) % 12];
    let (hours, minutes, seconds) = (in_day / 3600, in_day / 60 % 60, in_day % 60);
    format!("{weekday} {month_name} {day:02} {hours:02}:{minutes:02}:{seconds:02} UTC {year}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_messages_print_dates_as_kinesis_does() {
        assert_eq!(amz_utc(1_421_889_722_000), "Thu Jan 22 01:22:02 UTC 2015");
        assert_eq!(amz_utc(1_700_000_000_000), "Tue Nov 14 22:13:20 UTC 2023");
    }
}
