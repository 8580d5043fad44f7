//! The capacity examples of the Developer Guide ("DynamoDB read and write operations")
//! and the pricing pages, checked through the API: item sizes round up to 4 KB for reads
//! and 1 KB for writes, eventually consistent reads cost half, transactional ones twice,
//! BatchGetItem rounds each item while Query rounds the sum.

mod common;

use common::Harness;
use dynaplay::model::{item_from_json, item_size};
use serde_json::{json, Value};

/// An item of exactly `bytes` bytes (as DynamoDB sizes items): `pk`, `sk` and a padding
/// string.
fn item(sk: u64, bytes: usize) -> Value {
    let keys = json!({"pk": {"S": "a"}, "sk": {"N": sk.to_string()}});
    let keys_size = item_size(&item_from_json(keys.as_object().expect("an object")).expect("an item"));
    json!({"pk": {"S": "a"}, "sk": {"N": sk.to_string()}, "pad": {"S": "x".repeat(bytes - keys_size - "pad".len())}})
}

fn units(harness: &mut Harness, operation: &str, request: Value) -> Value {
    let body = harness.send(operation, &request.to_string()).unwrap_or_else(|error| panic!("{operation}: {error}"));
    let response: Value = serde_json::from_str(&body).expect("JSON");
    match &response["ConsumedCapacity"] {
        Value::Array(entries) => entries[0]["CapacityUnits"].clone(),
        single => single["CapacityUnits"].clone(),
    }
}

fn table() -> Harness {
    let mut harness = Harness::new();
    let create = json!({"TableName": "Tbl", "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}]});
    harness.send("CreateTable", &create.to_string()).expect("created");
    harness
}

fn key(sk: u64) -> Value {
    json!({"pk": {"S": "a"}, "sk": {"N": sk.to_string()}})
}

#[test]
fn an_8_kb_item_costs_2_strong_1_eventual_and_4_transactional_read_units() {
    let mut harness = table();
    units(&mut harness, "PutItem", json!({"TableName": "Tbl", "Item": item(1, 8 * 1024)}));
    let get = |consistent: bool| json!({"TableName": "Tbl", "Key": key(1), "ConsistentRead": consistent, "ReturnConsumedCapacity": "TOTAL"});
    assert_eq!(units(&mut harness, "GetItem", get(true)), 2.0);
    assert_eq!(units(&mut harness, "GetItem", get(false)), 1.0);
    let transact =
        json!({"TransactItems": [{"Get": {"TableName": "Tbl", "Key": key(1)}}], "ReturnConsumedCapacity": "TOTAL"});
    assert_eq!(units(&mut harness, "TransactGetItems", transact), 4.0);
}

#[test]
fn reads_round_up_to_4_kb_a_3500_byte_item_is_one_unit_a_10_kb_item_three() {
    let mut harness = table();
    units(&mut harness, "PutItem", json!({"TableName": "Tbl", "Item": item(1, 3500)}));
    units(&mut harness, "PutItem", json!({"TableName": "Tbl", "Item": item(2, 10 * 1024)}));
    let get = |sk: u64| json!({"TableName": "Tbl", "Key": key(sk), "ConsistentRead": true, "ReturnConsumedCapacity": "TOTAL"});
    assert_eq!(units(&mut harness, "GetItem", get(1)), 1.0);
    assert_eq!(units(&mut harness, "GetItem", get(2)), 3.0);
}

#[test]
fn batch_get_rounds_each_item_while_query_rounds_the_sum() {
    let mut harness = table();
    units(&mut harness, "PutItem", json!({"TableName": "Tbl", "Item": item(1, 1536)}));
    units(&mut harness, "PutItem", json!({"TableName": "Tbl", "Item": item(2, 6656)}));
    // 1.5 KB and 6.5 KB: 4 KB + 8 KB = 12 KB for BatchGetItem, 8 KB for a Query.
    let batch = json!({"RequestItems": {"Tbl": {"Keys": [key(1), key(2)], "ConsistentRead": true}}, "ReturnConsumedCapacity": "TOTAL"});
    assert_eq!(units(&mut harness, "BatchGetItem", batch), 3.0);
    let query = json!({"TableName": "Tbl", "KeyConditionExpression": "pk = :a", "ExpressionAttributeValues": {":a": {"S": "a"}},
        "ConsistentRead": true, "ReturnConsumedCapacity": "TOTAL"});
    assert_eq!(units(&mut harness, "Query", query), 2.0);
}

#[test]
fn writes_round_up_to_1_kb_and_transactional_writes_cost_twice() {
    let mut harness = table();
    let put =
        |sk: u64, bytes: usize| json!({"TableName": "Tbl", "Item": item(sk, bytes), "ReturnConsumedCapacity": "TOTAL"});
    assert_eq!(units(&mut harness, "PutItem", put(1, 1024)), 1.0);
    assert_eq!(units(&mut harness, "PutItem", put(2, 1536)), 2.0);
    let transact = json!({"TransactItems": [{"Put": {"TableName": "Tbl", "Item": item(3, 1024)}}], "ReturnConsumedCapacity": "TOTAL"});
    assert_eq!(units(&mut harness, "TransactWriteItems", transact), 2.0);
}

#[test]
fn a_filter_expression_does_not_reduce_what_a_query_reads() {
    let mut harness = table();
    for sk in 0..4 {
        units(&mut harness, "PutItem", json!({"TableName": "Tbl", "Item": item(sk, 4096)}));
    }
    let query = |filter: bool| {
        let mut request = json!({"TableName": "Tbl", "KeyConditionExpression": "pk = :a", "ConsistentRead": true,
            "ExpressionAttributeValues": {":a": {"S": "a"}}, "ReturnConsumedCapacity": "TOTAL"});
        if filter {
            request["FilterExpression"] = json!("begins_with(#p, :z)");
            request["ExpressionAttributeNames"] = json!({"#p": "pad"});
            request["ExpressionAttributeValues"][":z"] = json!({"S": "z"});
        }
        request
    };
    assert_eq!(units(&mut harness, "Query", query(false)), 4.0);
    assert_eq!(units(&mut harness, "Query", query(true)), 4.0);
    harness.clock.advance(1000);
    harness.assert_memory_equals_store();
}
