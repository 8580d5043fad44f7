//! Kinesis Data Streams for DynamoDB through storage: the documents a table's destination
//! writes (decoded), one per real item change including time to live deletions and
//! transactions; records that survive a reopen, leave with a failed commit, and go when
//! their retention period ends; AT_TIMESTAMP between two records.

mod common;

use common::{Harness, START_MILLIS};
use dynaplay::model::base64_decode;
use serde_json::Value;

const STREAM_ARN: &str = "arn:aws:kinesis:us-east-1:000000000000:stream/changes";

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("a JSON response")
}

/// A harness with table `tbl` (key `id`, time to live on `ttl`) streaming to the
/// one-shard Kinesis stream `changes`.
fn streaming_table() -> Harness {
    let mut h = Harness::new();
    h.send(
        "CreateTable",
        r#"{"TableName":"tbl","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],
            "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}"#,
    )
    .unwrap();
    h.send("Kinesis_20131202.CreateStream", r#"{"StreamName":"changes","ShardCount":1}"#).unwrap();
    let enable = format!(r#"{{"TableName":"tbl","StreamArn":"{STREAM_ARN}"}}"#);
    h.send("EnableKinesisStreamingDestination", &enable).unwrap();
    h.send(
        "UpdateTimeToLive",
        r#"{"TableName":"tbl","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"ttl"}}"#,
    )
    .unwrap();
    h
}

fn put(id: &str) -> String {
    format!(r#"{{"TableName":"tbl","Item":{{"id":{{"S":"{id}"}}}}}}"#)
}

/// The shard's records from `iterator_request` on: (sequence number, arrival seconds, data).
fn read(h: &mut Harness, iterator_request: &str) -> Vec<(String, f64, Vec<u8>)> {
    let iterator =
        json(&h.send("Kinesis_20131202.GetShardIterator", iterator_request).unwrap())["ShardIterator"].clone();
    let records = json(&h.send("Kinesis_20131202.GetRecords", &format!(r#"{{"ShardIterator":{iterator}}}"#)).unwrap());
    let records = records["Records"].as_array().cloned().unwrap_or_default();
    records
        .iter()
        .map(|record| {
            let data = base64_decode(record["Data"].as_str().unwrap()).expect("base64 data");
            let arrival = record["ApproximateArrivalTimestamp"].as_f64().unwrap();
            (record["SequenceNumber"].as_str().unwrap().to_string(), arrival, data)
        })
        .collect()
}

/// Every record's data from the trim horizon, as JSON documents.
fn documents(h: &mut Harness) -> Vec<Value> {
    let request = r#"{"StreamName":"changes","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}"#;
    read(h, request).into_iter().map(|(_, _, data)| serde_json::from_slice(&data).expect("a JSON document")).collect()
}

fn summary(documents: &[Value]) -> Vec<(String, String)> {
    let id = |document: &Value| document["dynamodb"]["Keys"]["id"]["S"].as_str().unwrap_or_default().to_string();
    documents.iter().map(|document| (document["eventName"].as_str().unwrap().to_string(), id(document))).collect()
}

#[test]
fn each_item_change_becomes_one_document_with_both_images() {
    let mut h = streaming_table();
    h.send("PutItem", &put("a")).unwrap();
    h.send("PutItem", &put("a")).unwrap();
    h.send("UpdateItem", r#"{"TableName":"tbl","Key":{"id":{"S":"a"}},"UpdateExpression":"SET v = :v","ExpressionAttributeValues":{":v":{"N":"1"}}}"#).unwrap();
    h.send("TransactWriteItems", r#"{"TransactItems":[{"Put":{"TableName":"tbl","Item":{"id":{"S":"b"}}}},{"Delete":{"TableName":"tbl","Key":{"id":{"S":"a"}}}}]}"#).unwrap();
    let documents = documents(&mut h);
    let expected = [("INSERT", "a"), ("MODIFY", "a"), ("INSERT", "b"), ("REMOVE", "a")];
    let expected: Vec<(String, String)> = expected.iter().map(|(e, id)| (e.to_string(), id.to_string())).collect();
    assert_eq!(summary(&documents), expected);
    let modify = &documents[1];
    assert_eq!(modify["recordFormat"], "application/json");
    assert_eq!(modify["eventSource"], "aws:dynamodb");
    assert_eq!(modify["tableName"], "tbl");
    assert_eq!(modify["awsRegion"], "us-east-1");
    assert_eq!(modify["userIdentity"], Value::Null);
    assert_eq!(modify["dynamodb"]["NewImage"]["v"]["N"], "1");
    assert_eq!(modify["dynamodb"]["OldImage"]["id"]["S"], "a");
    assert_eq!(modify["dynamodb"]["ApproximateCreationDateTime"], START_MILLIS);
    assert_eq!(modify["dynamodb"]["ApproximateCreationDateTimePrecision"], "MILLISECOND");
    assert!(modify["dynamodb"]["SizeBytes"].as_u64().unwrap() > 0);
    assert_eq!(modify["eventID"].as_str().map(str::len), Some(32));
    h.assert_memory_equals_store();
}

#[test]
fn a_time_to_live_deletion_names_the_service() {
    let mut h = streaming_table();
    let expiry = START_MILLIS / 1000 + 10;
    h.send("PutItem", &format!(r#"{{"TableName":"tbl","Item":{{"id":{{"S":"x"}},"ttl":{{"N":"{expiry}"}}}}}}"#))
        .unwrap();
    h.clock.advance(11_000);
    h.send("ListTables", "{}").unwrap();
    let documents = documents(&mut h);
    assert_eq!(summary(&documents), [("INSERT".to_string(), "x".to_string()), ("REMOVE".to_string(), "x".to_string())]);
    assert_eq!(documents[1]["userIdentity"]["type"], "Service");
    assert_eq!(documents[1]["userIdentity"]["principalId"], "dynamodb.amazonaws.com");
    h.assert_memory_equals_store();
}

#[test]
fn records_survive_a_reopen_and_a_failed_commit_takes_them_out() {
    let mut h = streaming_table();
    h.send("PutItem", &put("kept")).unwrap();
    h.fail_request("PutItem", &put("lost"));
    h.fail_request("Kinesis_20131202.PutRecord", r#"{"StreamName":"changes","PartitionKey":"k","Data":"bG9zdA=="}"#);
    assert_eq!(summary(&documents(&mut h)), [("INSERT".to_string(), "kept".to_string())]);
    let stored = h.store.snapshot().meta.iter().filter(|(key, _)| key.starts_with("kinesis-record/")).count();
    assert_eq!(stored, 1);
    h.assert_memory_equals_store();
    h.db = h.reopen();
    h.send("PutItem", &put("after")).unwrap();
    let request = r#"{"StreamName":"changes","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}"#;
    let sequences: Vec<String> = read(&mut h, request).into_iter().map(|(sequence, _, _)| sequence).collect();
    assert_eq!(sequences.len(), 2);
    assert!(sequences[0] < sequences[1], "{sequences:?}");
    let described = json(&h.send("DescribeKinesisStreamingDestination", r#"{"TableName":"tbl"}"#).unwrap());
    assert_eq!(described["KinesisDataStreamDestinations"][0]["DestinationStatus"], "ACTIVE");
    h.assert_memory_equals_store();
}

#[test]
fn records_past_the_retention_period_leave_the_store() {
    let mut h = streaming_table();
    h.send("PutItem", &put("old")).unwrap();
    h.clock.advance(24 * 60 * 60 * 1000);
    h.send("PutItem", &put("new")).unwrap();
    assert_eq!(summary(&documents(&mut h)), [("INSERT".to_string(), "new".to_string())]);
    let stored = h.store.snapshot().meta.iter().filter(|(key, _)| key.starts_with("kinesis-record/")).count();
    assert_eq!(stored, 1);
    h.assert_memory_equals_store();
}

#[test]
fn at_timestamp_starts_at_the_first_record_that_arrived_then() {
    let mut h = streaming_table();
    h.send("PutItem", &put("early")).unwrap();
    h.clock.advance(60_000);
    h.send("PutItem", &put("late")).unwrap();
    let middle = (START_MILLIS + 30_000) / 1000;
    let request = format!(
        r#"{{"StreamName":"changes","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP","Timestamp":{middle}}}"#
    );
    let records = read(&mut h, &request);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].1, (START_MILLIS + 60_000) as f64 / 1000.0);
}

/// The expiry message prints both times, so it lives here rather than in a golden file
/// (the browser runs those on real time).
#[test]
fn an_iterator_expires_after_five_minutes() {
    let mut h = streaming_table();
    let request = r#"{"StreamName":"changes","ShardId":"shardId-000000000000","ShardIteratorType":"LATEST"}"#;
    let iterator = json(&h.send("Kinesis_20131202.GetShardIterator", request).unwrap())["ShardIterator"].clone();
    let get_records = format!(r#"{{"ShardIterator":{iterator}}}"#);
    h.clock.advance(300_000);
    assert!(h.send("Kinesis_20131202.GetRecords", &get_records).is_ok());
    h.clock.advance(1);
    let error = h.send("Kinesis_20131202.GetRecords", &get_records).unwrap_err();
    assert_eq!(error.type_name(), "ExpiredIteratorException");
    assert_eq!(
        error.message,
        "Iterator expired. The iterator was created at time Tue Nov 14 22:13:20 UTC 2023 while right now it is Tue Nov 14 22:18:20 UTC 2023 which is further in the future than the tolerated delay of 300000 milliseconds."
    );
}
