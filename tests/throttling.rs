//! The throughput simulation on a controlled clock: burst capacity running out, a hot
//! key throttled while spread keys are not, adaptive capacity, partitions splitting,
//! global index back-pressure, and the metrics the playground draws.

mod common;

use common::Harness;
use serde_json::{json, Value};

fn create(harness: &mut Harness, name: &str, read: u64, write: u64, extra: Value) {
    let mut request = json!({"TableName": name,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
        "ProvisionedThroughput": {"ReadCapacityUnits": read, "WriteCapacityUnits": write}});
    if let (Some(request), Some(extra)) = (request.as_object_mut(), extra.as_object()) {
        if !extra.is_empty() {
            if let Some(Value::Array(definitions)) = request.get_mut("AttributeDefinitions") {
                definitions.push(json!({"AttributeName": "g", "AttributeType": "S"}));
            }
        }
        request.extend(extra.clone());
    }
    harness.send("CreateTable", &request.to_string()).expect("the table is created");
}

/// Puts an item of about 1 KB (one write unit); the error's JSON body when throttled.
fn put(harness: &mut Harness, table: &str, pk: &str, sk: u64) -> Result<(), Value> {
    let item = json!({"TableName": table, "Item": {"pk": {"S": pk}, "sk": {"N": sk.to_string()},
        "g": {"S": "x"}, "pad": {"S": "p".repeat(900)}}});
    match harness.send("PutItem", &item.to_string()) {
        Ok(_) => Ok(()),
        Err(error) => Err(serde_json::from_str(&error.to_json()).expect("errors are JSON")),
    }
}

fn configure(harness: &mut Harness, knobs: Value) {
    harness.send("Dynaplay.Configure", &knobs.to_string()).expect("the knobs are set");
}

fn metrics(harness: &mut Harness, table: &str) -> Value {
    let body = harness.send("Dynaplay.DescribeMetrics", &json!({"TableName": table}).to_string()).expect("metrics");
    serde_json::from_str(&body).expect("metrics are JSON")
}

/// How many one-unit puts to `pk` succeed before the first is throttled; that error.
fn puts_until_throttled(harness: &mut Harness, table: &str, pk: &str, limit: u64) -> (u64, Value) {
    for sk in 0..limit {
        if let Err(error) = put(harness, table, pk, sk) {
            return (sk, error);
        }
    }
    panic!("{limit} puts to {pk} were never throttled");
}

#[test]
fn burst_capacity_runs_out_then_refills_at_the_provisioned_rate() {
    let mut harness = Harness::new();
    create(&mut harness, "Slow", 1, 1, json!({}));
    // One write unit a second, kept for 300 seconds: 300 writes at once, then throttled.
    let (written, error) = puts_until_throttled(&mut harness, "Slow", "a", 1000);
    assert_eq!(written, 300);
    assert_eq!(error["__type"], "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException");
    assert_eq!(
        error["message"],
        "The level of configured provisioned throughput for the table was exceeded. \
         Consider increasing your provisioning level with the UpdateTable API."
    );
    assert_eq!(
        error["ThrottlingReasons"],
        json!([{"reason": "TableWriteProvisionedThroughputExceeded",
                "resource": "arn:aws:dynamodb:us-east-1:000000000000:table/Slow"}])
    );
    // Reads have buckets of their own.
    let get = json!({"TableName": "Slow", "Key": {"pk": {"S": "a"}, "sk": {"N": "0"}}});
    assert!(harness.send("GetItem", &get.to_string()).is_ok());
    // A second later one more unit is there.
    harness.clock.advance(1000);
    assert!(put(&mut harness, "Slow", "a", 1000).is_ok());
    assert!(put(&mut harness, "Slow", "a", 1001).is_err());
    let metrics = metrics(&mut harness, "Slow");
    assert_eq!(metrics["ThrottleEvents"].as_array().map(Vec::len), Some(2));
    assert_eq!(metrics["ThrottleEvents"][0]["Limit"], "PROVISIONED");
    harness.assert_memory_equals_store();
}

#[test]
fn a_hot_key_is_throttled_while_spread_keys_are_not() {
    let mut harness = Harness::new();
    // 4,000 write units need five partitions; each serves at most 1,000 a second.
    create(&mut harness, "Busy", 100, 4000, json!({}));
    assert_eq!(metrics(&mut harness, "Busy")["Table"]["Partitions"].as_array().map(Vec::len), Some(5));
    let (written, error) = puts_until_throttled(&mut harness, "Busy", "hot", 5000);
    assert_eq!(written, 1000);
    assert_eq!(error["ThrottlingReasons"][0]["reason"], "TableWriteKeyRangeThroughputExceeded");
    // The table is far under its 4,000 units: other keys (in other partitions) still write.
    let hot_partition = metrics(&mut harness, "Busy")["ThrottleEvents"][0]["Partition"].clone();
    let spread = (0..50).filter(|i| put(&mut harness, "Busy", &format!("user#{i}"), 0).is_ok()).count();
    assert!(spread >= 35, "only {spread} of 50 spread keys were written");
    let metrics = metrics(&mut harness, "Busy");
    let partitions = metrics["Table"]["Partitions"].as_array().cloned().unwrap_or_default();
    let hot = hot_partition.as_u64().and_then(|position| partitions.get(position as usize)).expect("the hot partition");
    assert_eq!(hot["ConsumedPerSecond"][0][2], 1000.0);
    // Next second the hot key writes again.
    harness.clock.advance(1000);
    assert!(put(&mut harness, "Busy", "hot", 9999).is_ok());
}

#[test]
fn without_adaptive_capacity_a_partition_only_gets_its_share() {
    let mut harness = Harness::new();
    create(&mut harness, "Split", 10, 10, json!({}));
    // Tiny partitions: the first writes split the table in two halves of 5 units each.
    configure(&mut harness, json!({"PartitionSizeLimitBytes": 4096, "AdaptiveCapacity": false}));
    for i in 0..8 {
        put(&mut harness, "Split", &format!("k{i}"), 0).expect("written");
    }
    let partitions = metrics(&mut harness, "Split")["Table"]["Partitions"].as_array().map(Vec::len).unwrap_or(0);
    assert!(partitions >= 2, "{partitions} partitions");
    let (written, error) = puts_until_throttled(&mut harness, "Split", "hot", 5000);
    assert!(written < 1500, "{written} writes before the share ran out");
    assert_eq!(error["ThrottlingReasons"][0]["reason"], "TableWriteKeyRangeThroughputExceeded");
    // Adaptive capacity lends the hot partition the table's unused units.
    configure(&mut harness, json!({"AdaptiveCapacity": true}));
    assert!(put(&mut harness, "Split", "hot", 9999).is_ok());
}

#[test]
fn an_under_provisioned_global_index_throttles_table_writes() {
    let mut harness = Harness::new();
    let gsi = json!({"GlobalSecondaryIndexes": [{"IndexName": "byG",
        "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"},
        "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}]});
    create(&mut harness, "Indexed", 1000, 1000, gsi);
    let (written, error) = puts_until_throttled(&mut harness, "Indexed", "a", 1000);
    assert_eq!(written, 300);
    assert!(error["message"].as_str().is_some_and(|m| m.contains("one or more global secondary indexes")));
    assert_eq!(
        error["ThrottlingReasons"][0],
        json!({"reason": "IndexWriteProvisionedThroughputExceeded",
               "resource": "arn:aws:dynamodb:us-east-1:000000000000:table/Indexed/index/byG"})
    );
}

#[test]
fn switching_throttling_off_lets_everything_through() {
    let mut harness = Harness::new();
    create(&mut harness, "Free", 1, 1, json!({}));
    configure(&mut harness, json!({"Throttling": false}));
    assert!((0..1000).all(|sk| put(&mut harness, "Free", "a", sk).is_ok()));
}

#[test]
fn contributor_insights_reports_the_most_accessed_and_most_throttled_keys() {
    let mut harness = Harness::new();
    create(&mut harness, "Slow", 1, 1, json!({}));
    let enable = json!({"TableName": "Slow", "ContributorInsightsAction": "ENABLE"});
    harness.send("UpdateContributorInsights", &enable.to_string()).expect("enabled");
    // Nothing is recorded while ENABLING.
    put(&mut harness, "Slow", "early", 0).expect("a put");
    harness.clock.advance(1000);
    let (written, _) = puts_until_throttled(&mut harness, "Slow", "hot", 1000);
    assert!(put(&mut harness, "Slow", "hot", 5000).is_err());
    assert!(put(&mut harness, "Slow", "cold", 0).is_err(), "the table's burst is spent for every key");
    let request = json!({"TableName": "Slow"}).to_string();
    let report = harness.send("Dynaplay.DescribeContributorInsightsReport", &request).expect("a report");
    let report: Value = serde_json::from_str(&report).expect("JSON");
    let rules = &report["Rules"];
    assert_eq!(rules[0]["RuleName"], "DynamoDBContributorInsights-PKC-Slow-1700000000000");
    assert_eq!(rules[0]["Contributors"], json!([{"Keys": ["hot"], "ApproximateAggregateValue": written}]));
    assert_eq!(rules[1]["RuleName"], "DynamoDBContributorInsights-PKT-Slow-1700000000000");
    assert_eq!(
        rules[1]["Contributors"],
        json!([{"Keys": ["hot"], "ApproximateAggregateValue": 2}, {"Keys": ["cold"], "ApproximateAggregateValue": 1}])
    );
    assert_eq!(rules.as_array().map(Vec::len), Some(2), "no sort key rules are reported yet");
}
