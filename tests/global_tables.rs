//! Replication between the replicas of a global table on a controlled clock: a write
//! reaches the other Regions after the delay, conflicting writes settle on the later one
//! (last writer wins) everywhere, each replica's stream records what reached it, and
//! writes on their way survive a reopen.

mod common;

use common::Harness;
use serde_json::{json, Value};

const EAST: &str = "us-east-1";
const WEST: &str = "eu-west-1";

fn send(harness: &mut Harness, region: &str, operation: &str, request: Value) -> Value {
    let body = harness
        .send_in(Some(region), operation, &request.to_string())
        .unwrap_or_else(|error| panic!("{operation} in {region}: {error}"));
    serde_json::from_str(&body).expect("responses are JSON")
}

/// A global table `Songs` with replicas in us-east-1 and eu-west-1.
fn global_table() -> Harness {
    let mut harness = Harness::new();
    let table = json!({"TableName": "Songs", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]});
    send(&mut harness, EAST, "CreateTable", table);
    let create = json!({"TableName": "Songs", "ReplicaUpdates": [{"Create": {"RegionName": WEST}}]});
    send(&mut harness, EAST, "UpdateTable", create);
    harness
}

fn put(harness: &mut Harness, region: &str, title: &str) {
    let item = json!({"TableName": "Songs", "Item": {"id": {"S": "x"}, "title": {"S": title}}});
    send(harness, region, "PutItem", item);
}

/// The title `region`'s replica holds, if any.
fn title_in(harness: &mut Harness, region: &str) -> Option<String> {
    let response = send(harness, region, "GetItem", json!({"TableName": "Songs", "Key": {"id": {"S": "x"}}}));
    response["Item"]["title"]["S"].as_str().map(str::to_string)
}

#[test]
fn conflicting_writes_converge_on_the_later_one_after_the_delay() {
    let mut harness = global_table();
    put(&mut harness, EAST, "east");
    harness.clock.advance(100);
    put(&mut harness, WEST, "west");
    // Before the one-second delay each Region sees only its own write.
    assert_eq!(title_in(&mut harness, EAST).as_deref(), Some("east"));
    assert_eq!(title_in(&mut harness, WEST).as_deref(), Some("west"));
    harness.clock.advance(950);
    // East's write (made 1,050 ms ago) reached the west, which holds a later one.
    assert_eq!(title_in(&mut harness, WEST).as_deref(), Some("west"));
    assert_eq!(title_in(&mut harness, EAST).as_deref(), Some("east"));
    harness.clock.advance(100);
    assert_eq!(title_in(&mut harness, EAST).as_deref(), Some("west"));
    assert_eq!(title_in(&mut harness, WEST).as_deref(), Some("west"));
    harness.assert_memory_equals_store();
}

#[test]
fn writes_in_the_same_millisecond_settle_on_the_greater_region_everywhere() {
    let mut harness = global_table();
    put(&mut harness, WEST, "west");
    put(&mut harness, EAST, "east");
    harness.clock.advance(1_000);
    assert_eq!(title_in(&mut harness, WEST).as_deref(), Some("east"));
    assert_eq!(title_in(&mut harness, EAST).as_deref(), Some("east"));
}

#[test]
fn each_region_pair_has_its_own_delay() {
    let mut harness = global_table();
    let delays = json!({"ReplicationDelays": [
        {"SourceRegion": EAST, "DestinationRegion": WEST, "DelayMillis": 5_000}]});
    send(&mut harness, EAST, "Dynaplay.Configure", delays);
    put(&mut harness, EAST, "slow");
    harness.clock.advance(1_000);
    assert_eq!(title_in(&mut harness, WEST), None);
    harness.clock.advance(4_000);
    assert_eq!(title_in(&mut harness, WEST).as_deref(), Some("slow"));
    let item = json!({"TableName": "Songs", "Item": {"id": {"S": "y"}}});
    send(&mut harness, WEST, "PutItem", item);
    harness.clock.advance(1_000);
    let key = json!({"TableName": "Songs", "Key": {"id": {"S": "y"}}});
    assert!(send(&mut harness, EAST, "GetItem", key)["Item"].is_object(), "the other direction keeps 1 s");
}

#[test]
fn a_replicated_write_is_a_record_in_the_receiving_replicas_stream() {
    let mut harness = global_table();
    put(&mut harness, EAST, "east");
    harness.clock.advance(1_000);
    title_in(&mut harness, WEST);
    let table = send(&mut harness, WEST, "DescribeTable", json!({"TableName": "Songs"}));
    let stream = table["Table"]["LatestStreamArn"].as_str().expect("the replica has a stream").to_string();
    assert!(stream.starts_with("arn:aws:dynamodb:eu-west-1:"), "{stream}");
    let described =
        send(&mut harness, WEST, "DynamoDBStreams_20120810.DescribeStream", json!({"StreamArn": stream.clone()}));
    let shard = described["StreamDescription"]["Shards"][0]["ShardId"].clone();
    let iterator = send(
        &mut harness,
        WEST,
        "DynamoDBStreams_20120810.GetShardIterator",
        json!({"StreamArn": stream, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
    );
    let records = send(
        &mut harness,
        WEST,
        "DynamoDBStreams_20120810.GetRecords",
        json!({"ShardIterator": iterator["ShardIterator"]}),
    );
    let record = &records["Records"][0];
    assert_eq!(record["eventName"], "INSERT");
    assert_eq!(record["awsRegion"], WEST);
    assert_eq!(record["dynamodb"]["NewImage"]["title"]["S"], "east");
}

#[test]
fn writes_on_their_way_survive_a_reopen() {
    let mut harness = global_table();
    put(&mut harness, EAST, "east");
    harness.assert_memory_equals_store();
    harness.db = harness.reopen();
    assert_eq!(title_in(&mut harness, WEST), None);
    harness.clock.advance(1_000);
    assert_eq!(title_in(&mut harness, WEST).as_deref(), Some("east"));
    let replicas =
        send(&mut harness, WEST, "DescribeTable", json!({"TableName": "Songs"}))["Table"]["Replicas"].clone();
    assert_eq!(replicas, json!([{"RegionName": EAST, "ReplicaStatus": "ACTIVE"}]));
}

#[test]
fn deleting_a_replica_table_leaves_a_plain_table() {
    let mut harness = global_table();
    put(&mut harness, EAST, "east");
    send(&mut harness, WEST, "DeleteTable", json!({"TableName": "Songs"}));
    harness.clock.advance(1_000);
    let table = send(&mut harness, EAST, "DescribeTable", json!({"TableName": "Songs"}));
    assert!(table["Table"].get("Replicas").is_none() && table["Table"].get("GlobalTableVersion").is_none());
    assert!(harness.send_in(Some(WEST), "GetItem", r#"{"TableName": "Songs", "Key": {"id": {"S": "x"}}}"#).is_err());
    harness.assert_memory_equals_store();
}

/// The `replication/...` records the store holds: the writes on their way it would
/// resume after a reload.
fn stored_pending(harness: &Harness) -> usize {
    harness.store.snapshot().meta.iter().filter(|(key, _)| key.starts_with("replication/")).count()
}

fn put_body(id: &str, title: &str) -> String {
    json!({"TableName": "Songs", "Item": {"id": {"S": id}, "title": {"S": title}}}).to_string()
}

/// The title each Region's replica holds of item `x`, in a database reopened from the store.
fn reopened_titles(harness: &Harness) -> (Option<String>, Option<String>) {
    let mut reopened = Harness { db: harness.reopen(), store: harness.store.clone(), clock: harness.clock.clone() };
    (title_in(&mut reopened, EAST), title_in(&mut reopened, WEST))
}

#[test]
fn a_write_whose_commit_fails_never_replicates() {
    let mut harness = global_table();
    put(&mut harness, EAST, "acknowledged");
    harness.clock.advance(1_000);
    assert_eq!(title_in(&mut harness, WEST).as_deref(), Some("acknowledged"));
    harness.fail_request("PutItem", &put_body("x", "failed"));
    assert_eq!(harness.db.regions().pending().count(), 0, "the failed write is not on its way");
    assert_eq!(stored_pending(&harness), 0);
    harness.assert_memory_equals_store();
    for _ in 0..2 {
        assert_eq!(title_in(&mut harness, EAST).as_deref(), Some("acknowledged"));
        assert_eq!(title_in(&mut harness, WEST).as_deref(), Some("acknowledged"));
        harness.clock.advance(1_000);
    }
    harness.assert_memory_equals_store();
    let acknowledged = Some("acknowledged".to_string());
    assert_eq!(reopened_titles(&harness), (acknowledged.clone(), acknowledged));
}

#[test]
fn a_failed_write_does_not_keep_an_acknowledged_one_from_winning() {
    let mut harness = global_table();
    put(&mut harness, WEST, "west");
    harness.clock.advance(100);
    // East's failed write is later than West's: had it kept its timestamp, East would
    // refuse West's write when it arrives.
    harness.fail_request("PutItem", &put_body("x", "failed"));
    harness.clock.advance(1_000);
    assert_eq!(title_in(&mut harness, EAST).as_deref(), Some("west"));
    harness.assert_memory_equals_store();
}

#[test]
fn a_delivery_in_a_failed_batch_is_undone_and_delivered_again() {
    let mut harness = global_table();
    put(&mut harness, EAST, "east");
    harness.clock.advance(1_000);
    // The request that fails is the first to run after the delay: East's write reaches
    // the west in its batch, and is undone with it.
    harness.fail_request("PutItem", &put_body("y", "failed"));
    assert_eq!(harness.db.regions().pending().count(), 1, "the write is on its way again");
    assert_eq!(stored_pending(&harness), 1);
    let in_west =
        harness.db.regions().engine(WEST).and_then(|engine| engine.table("Songs")).map(|table| table.items().count());
    assert_eq!(in_west, Some(0), "the delivery is undone");
    harness.assert_memory_equals_store();
    assert_eq!(title_in(&mut harness, WEST).as_deref(), Some("east"), "delivered by the next request");
    harness.assert_memory_equals_store();
    let east = Some("east".to_string());
    assert_eq!(reopened_titles(&harness), (east.clone(), east));
}

#[test]
fn a_replica_change_whose_commit_fails_leaves_the_group_as_stored() {
    let mut harness = global_table();
    put(&mut harness, EAST, "east");
    // Deleting East's replica would make Songs a plain table and drop East's write to
    // the west; the failure keeps both.
    harness.fail_request("DeleteTable", r#"{"TableName": "Songs"}"#);
    harness.assert_memory_equals_store();
    assert_eq!(harness.db.regions().replicas("Songs").map(<[_]>::len), Some(2));
    harness.clock.advance(1_000);
    assert_eq!(title_in(&mut harness, WEST).as_deref(), Some("east"));
    let create = json!({"TableName": "Songs", "ReplicaUpdates": [{"Create": {"RegionName": "ap-south-1"}}]});
    harness.fail_request("UpdateTable", &create.to_string());
    harness.assert_memory_equals_store();
    assert_eq!(harness.db.regions().replicas("Songs").map(<[_]>::len), Some(2));
    assert!(harness.send_in(Some("ap-south-1"), "DescribeTable", r#"{"TableName": "Songs"}"#).is_err());
}

#[test]
fn knobs_changed_later_reach_the_regions_already_reached() {
    let mut harness = global_table();
    send(&mut harness, EAST, "Dynaplay.Configure", json!({"GsiBackfillMillis": 60_000}));
    let table = json!({"TableName": "Local", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]});
    send(&mut harness, WEST, "CreateTable", table);
    let index = json!({"TableName": "Local", "AttributeDefinitions": [{"AttributeName": "kind", "AttributeType": "S"}],
        "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "ByKind",
            "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}}]});
    send(&mut harness, WEST, "UpdateTable", index);
    let described = send(&mut harness, WEST, "DescribeTable", json!({"TableName": "Local"}));
    assert_eq!(
        described["Table"]["GlobalSecondaryIndexes"][0]["IndexStatus"], "CREATING",
        "the west backfills for a minute"
    );
}
