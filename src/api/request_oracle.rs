//! The item path's request structs (PutItem, DeleteItem, UpdateItem, Query, Scan, the batch
//! and transaction operations, and `expr::legacy`'s conditions) read by [`super::reader`]
//! against the `#[derive(Deserialize)]` structs they replaced: a table of bodies and
//! mutations of them must give the same values and the same error texts.

use super::reader::tests::{mutations, outcome};
use super::reader::{read, read_json};
use serde_json::Value;

/// The structs as the derive read them (main at b90661d), with the real structs' names, so
/// both print the same with `Debug`.
#[allow(dead_code)] // the fields are read through Debug only
mod derived {
    use crate::model::Item;
    use serde::Deserialize;
    use serde_json::{Map, Value};
    use std::collections::BTreeMap;

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct PutItemRequest {
        pub table_name: Option<String>,
        pub item: Option<Map<String, Value>>,
        #[serde(flatten)]
        pub options: WriteOptions,
        #[serde(flatten)]
        pub condition: ConditionMembers,
        #[serde(skip)]
        pub plain_item: Option<Item>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct DeleteItemRequest {
        pub table_name: Option<String>,
        pub key: Option<Map<String, Value>>,
        #[serde(flatten)]
        pub options: WriteOptions,
        #[serde(flatten)]
        pub condition: ConditionMembers,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct UpdateItemRequest {
        pub table_name: Option<String>,
        pub key: Option<Map<String, Value>>,
        pub update_expression: Option<String>,
        pub attribute_updates: Option<BTreeMap<String, AttributeUpdate>>,
        #[serde(flatten)]
        pub options: WriteOptions,
        #[serde(flatten)]
        pub condition: ConditionMembers,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct WriteOptions {
        pub return_values: Option<String>,
        pub return_consumed_capacity: Option<String>,
        pub return_item_collection_metrics: Option<String>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct ConditionMembers {
        pub condition_expression: Option<String>,
        pub expression_attribute_names: Option<Map<String, Value>>,
        pub expression_attribute_values: Option<Map<String, Value>>,
        pub expected: Option<BTreeMap<String, ExpectedAttribute>>,
        pub conditional_operator: Option<String>,
        pub return_values_on_condition_check_failure: Option<String>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct LegacyCondition {
        pub comparison_operator: Option<String>,
        pub attribute_value_list: Option<Vec<Value>>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct ExpectedAttribute {
        pub comparison_operator: Option<String>,
        pub attribute_value_list: Option<Vec<Value>>,
        pub exists: Option<bool>,
        pub value: Option<Value>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct AttributeUpdate {
        pub action: Option<String>,
        pub value: Option<Value>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct ReadParameters {
        pub table_name: Option<String>,
        pub index_name: Option<String>,
        pub select: Option<String>,
        pub attributes_to_get: Option<Vec<String>>,
        pub limit: Option<i64>,
        pub consistent_read: Option<bool>,
        pub conditional_operator: Option<String>,
        pub exclusive_start_key: Option<Map<String, Value>>,
        pub return_consumed_capacity: Option<String>,
        pub projection_expression: Option<String>,
        pub filter_expression: Option<String>,
        pub expression_attribute_names: Option<Map<String, Value>>,
        pub expression_attribute_values: Option<Map<String, Value>>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct GetItemRequest {
        pub table_name: Option<String>,
        pub key: Option<Map<String, Value>>,
        pub consistent_read: Option<bool>,
        pub return_consumed_capacity: Option<String>,
        pub attributes_to_get: Option<Vec<String>>,
        pub projection_expression: Option<String>,
        pub expression_attribute_names: Option<Map<String, Value>>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct QueryRequest {
        pub key_condition_expression: Option<String>,
        pub key_conditions: Option<BTreeMap<String, LegacyCondition>>,
        pub query_filter: Option<BTreeMap<String, LegacyCondition>>,
        pub scan_index_forward: Option<bool>,
        #[serde(flatten)]
        pub read: ReadParameters,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct ScanRequest {
        pub segment: Option<i64>,
        pub total_segments: Option<i64>,
        pub scan_filter: Option<BTreeMap<String, LegacyCondition>>,
        #[serde(flatten)]
        pub read: ReadParameters,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct BatchGetItemRequest {
        pub request_items: Option<BTreeMap<String, KeysAndAttributes>>,
        pub return_consumed_capacity: Option<String>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct KeysAndAttributes {
        pub keys: Option<Vec<Map<String, Value>>>,
        pub attributes_to_get: Option<Vec<String>>,
        pub consistent_read: Option<bool>,
        pub expression_attribute_names: Option<Map<String, Value>>,
        pub projection_expression: Option<String>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct BatchWriteItemRequest {
        pub request_items: Option<BTreeMap<String, Vec<WriteRequest>>>,
        pub return_consumed_capacity: Option<String>,
        pub return_item_collection_metrics: Option<String>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct WriteRequest {
        pub put_request: Option<PutRequest>,
        pub delete_request: Option<DeleteRequest>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct PutRequest {
        pub item: Option<Map<String, Value>>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct DeleteRequest {
        pub key: Option<Map<String, Value>>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct TransactWriteItemsRequest {
        pub transact_items: Option<Vec<TransactWriteItem>>,
        pub client_request_token: Option<String>,
        pub return_consumed_capacity: Option<String>,
        pub return_item_collection_metrics: Option<String>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct TransactWriteItem {
        pub condition_check: Option<Value>,
        pub put: Option<Value>,
        pub delete: Option<Value>,
        pub update: Option<Value>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct ActionMembers {
        pub table_name: Option<String>,
        pub item: Option<Map<String, Value>>,
        pub key: Option<Map<String, Value>>,
        pub update_expression: Option<String>,
        #[serde(flatten)]
        pub condition: ConditionMembers,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct TransactGetItemsRequest {
        pub transact_items: Option<Vec<TransactGetItem>>,
        pub return_consumed_capacity: Option<String>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct TransactGetItem {
        pub get: Option<Get>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    pub struct Get {
        pub table_name: Option<String>,
        pub key: Option<Map<String, Value>>,
        pub projection_expression: Option<String>,
        pub expression_attribute_names: Option<Map<String, Value>>,
    }
}

/// Reads the body both ways as each request, and answers the first difference.
fn differences(body: &str) -> Option<String> {
    let pairs = [
        (
            outcome(serde_json::from_str::<derived::PutItemRequest>(body)),
            outcome(read::<super::items::PutItemRequest>(body)),
        ),
        (
            outcome(serde_json::from_str::<derived::DeleteItemRequest>(body)),
            outcome(read::<super::items::DeleteItemRequest>(body)),
        ),
        (
            outcome(serde_json::from_str::<derived::UpdateItemRequest>(body)),
            outcome(read::<super::items::UpdateItemRequest>(body)),
        ),
        (
            outcome(serde_json::from_str::<derived::GetItemRequest>(body)),
            outcome(read::<super::items::GetItemRequest>(body)),
        ),
        (
            outcome(serde_json::from_str::<derived::QueryRequest>(body)),
            outcome(read::<super::query::QueryRequest>(body)),
        ),
        (outcome(serde_json::from_str::<derived::ScanRequest>(body)), outcome(read::<super::query::ScanRequest>(body))),
        (
            outcome(serde_json::from_str::<derived::BatchGetItemRequest>(body)),
            outcome(read::<super::batch::BatchGetItemRequest>(body)),
        ),
        (
            outcome(serde_json::from_str::<derived::BatchWriteItemRequest>(body)),
            outcome(read::<super::batch::BatchWriteItemRequest>(body)),
        ),
        (
            outcome(serde_json::from_str::<derived::TransactWriteItemsRequest>(body)),
            outcome(read::<super::transact::TransactWriteItemsRequest>(body)),
        ),
        (
            outcome(serde_json::from_str::<derived::TransactGetItemsRequest>(body)),
            outcome(read::<super::transact::TransactGetItemsRequest>(body)),
        ),
    ];
    // A transaction's action is read from its JSON value.
    let value = serde_json::from_str::<Value>(body).ok();
    let actions = value.map(|value| {
        (
            outcome(serde_json::from_value::<derived::ActionMembers>(value.clone())),
            outcome(read_json::<super::transact::ActionMembers>(value)),
        )
    });
    let mut pairs = pairs.into_iter().chain(actions);
    pairs
        .find(|(derived, declared)| derived != declared && !known_difference(body, derived, declared))
        .map(|(derived, declared)| format!("body {body:?}\nderived:  {derived}\ndeclared: {declared}"))
}

/// The one known difference (docs/size.md): Expected sits in the flattened
/// ConditionMembers, whose members the reader keeps aside as JSON values, with sorted keys
/// and the last value of a repeated one. So a member repeated inside one of Expected's
/// entries is no error (or the body's next one), and of two wrong members in an entry,
/// the first in name order is reported (at the same place, the end of the body) where the
/// derive reported the first in document order.
fn known_difference(body: &str, derived: &str, declared: &str) -> bool {
    let members = ["ComparisonOperator", "AttributeValueList", "Exists", "Value"];
    let repeated = members.iter().any(|member| derived.starts_with(&format!("error duplicate field `{member}`")));
    let position = |outcome: &str| outcome.rfind(" at line ").map(|at| outcome[at..].to_string());
    let reordered = derived.starts_with("error ")
        && declared.starts_with("error ")
        && position(derived).is_some()
        && position(derived) == position(declared);
    body.contains("\"Expected\"") && (repeated || reordered)
}

/// Bodies that reach every member of the item path's requests, and wrong shapes of them.
const BODIES: &[&str] = &[
    r#"{}"#,
    r#"{"TableName": "t", "Item": {"id": {"S": "a"}}, "ReturnValues": "ALL_OLD", "ReturnConsumedCapacity": "TOTAL", "ReturnItemCollectionMetrics": "SIZE"}"#,
    r##"{"TableName": "t", "Key": {"id": {"S": "a"}}, "ConditionExpression": "#a = :v", "ExpressionAttributeNames": {"#a": "a"}, "ExpressionAttributeValues": {":v": {"N": "1"}}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}"##,
    r#"{"Key": {"id": {"S": "a"}}, "Expected": {"a": {"Exists": false}, "b": {"Value": {"S": "x"}, "ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}}, "ConditionalOperator": "OR"}"#,
    r#"{"Key": {}, "UpdateExpression": "SET a = :v", "AttributeUpdates": {"a": {"Action": "PUT", "Value": {"S": "x"}}, "b": {"Action": "DELETE"}, "a": {}}}"#,
    r#"{"Expected": {"a": {"Exists": "no"}}}"#,
    r#"{"Expected": {"a": null}}"#,
    r#"{"Expected": {"a": {"Exists": "no", "ComparisonOperator": 5}}}"#,
    r#"{"Expected": []}"#,
    r#"{"AttributeUpdates": {"a": {"Action": 1}}}"#,
    r#"{"AttributeUpdates": {"a": ["PUT", {"S": "x"}]}}"#,
    r#"{"Item": [], "Key": "x", "ExpressionAttributeNames": [1], "ExpressionAttributeValues": 5}"#,
    r#"{"TableName": 5, "Item": {"a": 1, "a": 2}}"#,
    r#"{"ReturnValues": "NONE", "ReturnValues": "ALL_OLD"}"#,
    r#"{"ConditionExpression": "a", "ConditionExpression": "b"}"#,
    r#"{"TableName": "t", "IndexName": "i", "Select": "COUNT", "AttributesToGet": ["a"], "Limit": 5, "ConsistentRead": true, "ConditionalOperator": "AND", "ExclusiveStartKey": {"id": {"S": "a"}}, "ProjectionExpression": "a", "FilterExpression": "a = :v", "ScanIndexForward": false}"#,
    r#"{"KeyConditionExpression": "id = :v", "KeyConditions": {"id": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]}}, "QueryFilter": {"a": {"ComparisonOperator": "NOT_NULL"}}}"#,
    r#"{"Segment": 1, "TotalSegments": 4, "ScanFilter": {"a": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "1"}]}}}"#,
    r#"{"KeyConditions": {"id": {"ComparisonOperator": 1}}, "Limit": "5", "Segment": 1.5, "ScanIndexForward": "yes"}"#,
    r#"{"KeyConditions": {"id": {"AttributeValueList": {"S": "a"}}}, "QueryFilter": []}"#,
    r#"{"Limit": 5, "Limit": 6}"#,
    r##"{"RequestItems": {"t": {"Keys": [{"id": {"S": "a"}}, {}], "AttributesToGet": ["a"], "ConsistentRead": true, "ExpressionAttributeNames": {"#a": "a"}, "ProjectionExpression": "#a"}}, "ReturnConsumedCapacity": "TOTAL"}"##,
    r#"{"RequestItems": {"t": {"Keys": [null]}, "u": {"Keys": {}}}}"#,
    r#"{"RequestItems": {"t": {"Keys": ["x"]}}}"#,
    r#"{"RequestItems": {"t": null}}"#,
    r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {"id": {"S": "a"}}}}, {"DeleteRequest": {"Key": {"id": {"S": "a"}}}}, {}], "u": []}, "ReturnItemCollectionMetrics": "SIZE"}"#,
    r#"{"RequestItems": {"t": [{"PutRequest": null}, {"DeleteRequest": {"Key": null}}]}}"#,
    r#"{"RequestItems": {"t": [{"PutRequest": {"Item": "x"}}]}}"#,
    r#"{"RequestItems": {"t": [null]}}"#,
    r#"{"RequestItems": {"t": {"PutRequest": {}}}}"#,
    r#"{"RequestItems": {"t": [{"PutRequest": {"Item": {}}, "PutRequest": {"Item": {}}}]}}"#,
    r#"{"RequestItems": []}"#,
    r#"{"TransactItems": [{"Put": {"TableName": "t", "Item": {"id": {"S": "a"}}}}, {"ConditionCheck": {"Key": {}}}, {"Delete": 5}, {"Update": null}], "ClientRequestToken": "x"}"#,
    r##"{"TransactItems": [{"Get": {"TableName": "t", "Key": {"id": {"S": "a"}}, "ProjectionExpression": "#a", "ExpressionAttributeNames": {"#a": "a"}}}, {}]}"##,
    r#"{"TransactItems": [{"Get": []}], "ReturnConsumedCapacity": 1}"#,
    r#"{"TransactItems": [null]}"#,
    r#"{"TransactItems": {}}"#,
    r#"{"TableName": "t", "Item": {"id": {"S": "a"}}, "Key": {}, "UpdateExpression": "SET a = :v", "ConditionExpression": "a", "Expected": {"a": {"Exists": true}}}"#,
    r#"{"TableName": ["t"], "Key": 1}"#,
    r#"{"UpdateExpression": 5, "Expected": {"a": {"Value": null, "Value": 1}}}"#,
    r#"["t", {}]"#,
    r#"[]"#,
    r#"null"#,
    r#"{"TableName": "t",}"#,
    r#"{"TableName": "t"} x"#,
];

/// Member names of the item path's requests, for the mutations to insert.
const NAMES: &[&str] = &[
    "\"TableName\"",
    "\"Item\"",
    "\"Key\"",
    "\"Expected\"",
    "\"AttributeUpdates\"",
    "\"Value\"",
    "\"Exists\"",
    "\"KeyConditions\"",
    "\"RequestItems\"",
    "\"Keys\"",
    "\"PutRequest\"",
    "\"TransactItems\"",
    "\"Put\"",
    "\"ReturnValues\"",
    "\"ConditionExpression\"",
    "\"Limit\"",
    "\"Get\"",
    "\"AttributeValueList\"",
];

#[test]
fn item_requests_read_like_the_derive() {
    let failures: Vec<String> = BODIES.iter().filter_map(|body| differences(body)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn mutated_item_requests_read_like_the_derive() {
    let failures: Vec<String> = mutations(BODIES, NAMES, 20_000).iter().filter_map(|body| differences(body)).collect();
    assert!(
        failures.is_empty(),
        "{} differences, first:\n{}",
        failures.len(),
        failures[..failures.len().min(5)].join("\n\n")
    );
}
