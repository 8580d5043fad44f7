//! Streams and time to live through storage: records are stored with their items, leave
//! with a failed commit, survive a reopen, and go when trimmed; time to live deletions
//! are stored even when the request after them fails.

mod common;

use common::{Harness, START_MILLIS};
use dynaplay::storage::{Database, Outcome};
use dynaplay::ErrorKind;
use serde_json::Value;

const CREATE: &str = r#"{"TableName":"tbl","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],
    "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST",
    "StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}}"#;

const DAY_MILLIS: u64 = 24 * 60 * 60 * 1000;

fn put(id: &str) -> String {
    format!(r#"{{"TableName":"tbl","Item":{{"id":{{"S":"{id}"}}}}}}"#)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("a JSON response")
}

/// Runs a request on `db` that must answer at once (reads of a database with nothing
/// waiting).
fn ready(db: &mut Database, operation: &str, body: &str) -> Value {
    match db.execute(operation, body).expect("the request succeeds") {
        Outcome::Ready(response) => json(&response),
        Outcome::Queued { .. } => panic!("{operation} waited for storage"),
    }
}

/// The ids of the items in the records of the table's latest stream, read from its
/// trim horizon shard by shard, with each record's sequence number.
fn stream_ids(db: &mut Database) -> Vec<(String, String)> {
    let table = ready(db, "DescribeTable", r#"{"TableName":"tbl"}"#);
    let arn = table["Table"]["LatestStreamArn"].as_str().expect("a stream").to_string();
    let described = ready(db, "DynamoDBStreams_20120810.DescribeStream", &format!(r#"{{"StreamArn":"{arn}"}}"#));
    let shards = described["StreamDescription"]["Shards"].as_array().cloned().unwrap_or_default();
    let mut ids = Vec::new();
    for shard in shards {
        let shard = shard["ShardId"].as_str().expect("a shard id");
        let body = format!(r#"{{"StreamArn":"{arn}","ShardId":"{shard}","ShardIteratorType":"TRIM_HORIZON"}}"#);
        let iterator = ready(db, "DynamoDBStreams_20120810.GetShardIterator", &body)["ShardIterator"].clone();
        let records = ready(db, "DynamoDBStreams_20120810.GetRecords", &format!(r#"{{"ShardIterator":{iterator}}}"#));
        for record in records["Records"].as_array().cloned().unwrap_or_default() {
            let id = record["dynamodb"]["Keys"]["id"]["S"].as_str().unwrap_or_default().to_string();
            ids.push((id, record["dynamodb"]["SequenceNumber"].as_str().unwrap_or_default().to_string()));
        }
    }
    ids
}

fn ids(records: &[(String, String)]) -> Vec<&str> {
    records.iter().map(|(id, _)| id.as_str()).collect()
}

fn stored_stream_records(h: &Harness) -> usize {
    h.store.snapshot().meta.iter().filter(|(key, _)| key.starts_with("stream/")).count()
}

#[test]
fn a_failed_commit_takes_its_records_out_of_the_stream() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    h.send("PutItem", &put("kept")).unwrap();
    h.fail_request("PutItem", &put("lost"));
    assert_eq!(ids(&stream_ids(&mut h.db)), ["kept"]);
    assert_eq!(stored_stream_records(&h), 1);
    h.assert_memory_equals_store();
}

#[test]
fn records_survive_a_reopen_and_sequence_numbers_keep_growing() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    for id in ["a", "b", "c"] {
        h.send("PutItem", &put(id)).unwrap();
    }
    let before = stream_ids(&mut h.db);
    let mut reopened = h.reopen();
    assert_eq!(stream_ids(&mut reopened), before);
    h.db = reopened;
    h.send("PutItem", &put("d")).unwrap();
    let after = stream_ids(&mut h.db);
    assert_eq!(ids(&after), ["a", "b", "c", "d"]);
    let sequences: Vec<u128> = after.iter().map(|(_, sequence)| sequence.parse().unwrap()).collect();
    assert!(sequences.windows(2).all(|pair| pair[0] < pair[1]), "{sequences:?}");
    assert!(after.iter().all(|(_, sequence)| sequence.len() >= 21));
    h.assert_memory_equals_store();
}

#[test]
fn trimmed_records_leave_the_store() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    h.send("PutItem", &put("old")).unwrap();
    h.clock.advance(DAY_MILLIS);
    h.send("PutItem", &put("new")).unwrap();
    assert_eq!(ids(&stream_ids(&mut h.db)), ["new"]);
    assert_eq!(stored_stream_records(&h), 1);
    h.assert_memory_equals_store();
}

#[test]
fn a_time_to_live_deletion_is_stored_though_the_request_after_it_fails() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    let ttl = r#"{"TableName":"tbl","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"ttl"}}"#;
    h.send("UpdateTimeToLive", ttl).unwrap();
    let expiry = START_MILLIS / 1000 + 10;
    h.send("PutItem", &format!(r#"{{"TableName":"tbl","Item":{{"id":{{"S":"x"}},"ttl":{{"N":"{expiry}"}}}}}}"#))
        .unwrap();
    h.clock.advance(11_000);
    let error = h.db.execute("GetItem", r#"{"TableName":"missing","Key":{"id":{"S":"x"}}}"#).unwrap_err();
    assert_eq!(error.kind, ErrorKind::ResourceNotFound);
    let batch = h.db.take_batch().expect("the sweep's deletion waits for storage");
    h.store.commit(&batch).unwrap();
    h.db.commit_succeeded(batch.id);
    assert_eq!(ids(&stream_ids(&mut h.db)), ["x", "x"]);
    let reopened = h.reopen();
    assert_eq!(reopened.engine().table("tbl").map(|table| table.item_count()), Some(0));
    h.assert_memory_equals_store();
}

#[test]
fn a_table_record_from_before_streams_opens_without_any() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE.replace("true,\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"", "false").as_str()).unwrap();
    let (_, meta) = h.store.snapshot().meta.into_iter().find(|(key, _)| key == "table/tbl").unwrap();
    assert!(!meta.contains("streams") && !meta.contains("time_to_live"), "{meta}");
    h.assert_memory_equals_store();
}

fn stored_retired_tables(h: &Harness) -> usize {
    h.store.snapshot().meta.iter().filter(|(key, _)| key.starts_with("retired/")).count()
}

/// The stream ARNs ListStreams shows.
fn listed_streams(db: &mut Database) -> Vec<String> {
    let listed = ready(db, "DynamoDBStreams_20120810.ListStreams", "{}");
    let streams = listed["Streams"].as_array().cloned().unwrap_or_default();
    streams.iter().map(|stream| stream["StreamArn"].as_str().unwrap_or_default().to_string()).collect()
}

#[test]
fn a_deleted_tables_stream_survives_a_reopen_and_leaves_the_store_a_day_later() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    h.send("PutItem", &put("a")).unwrap();
    h.send("DeleteTable", r#"{"TableName":"tbl"}"#).unwrap();
    assert_eq!(stored_retired_tables(&h), 1);
    let mut reopened = h.reopen();
    let listed = listed_streams(&mut reopened);
    assert_eq!(listed.len(), 1);
    let described =
        ready(&mut reopened, "DynamoDBStreams_20120810.DescribeStream", &format!(r#"{{"StreamArn":"{}"}}"#, listed[0]));
    assert_eq!(described["StreamDescription"]["StreamStatus"], "DISABLED");
    h.db = reopened;
    h.clock.advance(DAY_MILLIS);
    h.send("CreateTable", CREATE).unwrap();
    assert_eq!(listed_streams(&mut h.db).len(), 1);
    assert_eq!((stored_retired_tables(&h), stored_stream_records(&h)), (0, 0));
    h.assert_memory_equals_store();
}

#[test]
fn a_failed_deletion_keeps_the_table_and_its_enabled_stream() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    h.fail_request("DeleteTable", r#"{"TableName":"tbl"}"#);
    let arn = listed_streams(&mut h.db);
    assert_eq!(arn.len(), 1);
    let described =
        ready(&mut h.db, "DynamoDBStreams_20120810.DescribeStream", &format!(r#"{{"StreamArn":"{}"}}"#, arn[0]));
    assert_eq!(described["StreamDescription"]["StreamStatus"], "ENABLED");
    assert_eq!(stored_retired_tables(&h), 0);
    h.assert_memory_equals_store();
}
