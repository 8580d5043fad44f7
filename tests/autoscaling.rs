//! Auto scaling on a controlled clock: Application Auto Scaling's target tracking raises
//! a table's write capacity after two busy minutes and lowers it after fifteen quiet
//! ones; the changes show in DescribeTable, survive a reopen, and are listed as
//! scaling activities.

mod common;

use common::Harness;
use serde_json::{json, Value};

fn send(harness: &mut Harness, operation: &str, request: Value) -> Value {
    let body = harness.send(operation, &request.to_string()).unwrap_or_else(|error| panic!("{operation}: {error}"));
    serde_json::from_str(&body).expect("responses are JSON")
}

fn write_capacity(harness: &mut Harness) -> Value {
    send(harness, "DescribeTable", json!({"TableName": "Scaled"}))["Table"]["ProvisionedThroughput"]
        ["WriteCapacityUnits"]
        .clone()
}

const TARGET: &str = "table/Scaled";
const WRITES: &str = "dynamodb:table:WriteCapacityUnits";

#[test]
fn target_tracking_scales_out_after_two_busy_minutes_and_in_after_fifteen_quiet_ones() {
    let mut harness = Harness::new();
    send(
        &mut harness,
        "CreateTable",
        json!({"TableName": "Scaled",
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}),
    );
    send(
        &mut harness,
        "AnyScaleFrontendService.RegisterScalableTarget",
        json!({"ServiceNamespace": "dynamodb",
        "ResourceId": TARGET, "ScalableDimension": WRITES, "MinCapacity": 5, "MaxCapacity": 100}),
    );
    let policy = send(
        &mut harness,
        "AnyScaleFrontendService.PutScalingPolicy",
        json!({"PolicyName": "writes",
        "ServiceNamespace": "dynamodb", "ResourceId": TARGET, "ScalableDimension": WRITES,
        "PolicyType": "TargetTrackingScaling", "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 50.0,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "DynamoDBWriteCapacityUtilization"}}}),
    );
    assert_eq!(policy["Alarms"].as_array().map(Vec::len), Some(2));
    // Start on a minute boundary, then 200 one-unit writes a minute: 3.3 units a second,
    // 67% of the 5 provisioned, above the 50% target.
    harness.clock.advance(60_000 - common::START_MILLIS % 60_000);
    for n in 0..400 {
        send(&mut harness, "PutItem", json!({"TableName": "Scaled", "Item": {"id": {"S": format!("k{n}")}}}));
        harness.clock.advance(300);
    }
    // The first request of the third minute lets the alarm act: 3.3 / 0.5 = 7 units. That
    // request fails, but the capacity change is time's, not its: it is stored anyway.
    assert!(harness.send("GetItem", r#"{"TableName": "Missing", "Key": {"id": {"S": "x"}}}"#).is_err());
    assert_eq!(write_capacity(&mut harness), 7);
    harness.assert_memory_equals_store();
    // Fifteen quiet minutes later it comes back down to the minimum.
    harness.clock.advance(14 * 60_000);
    assert_eq!(write_capacity(&mut harness), 7);
    harness.clock.advance(60_000);
    assert_eq!(write_capacity(&mut harness), 5);
    let activities = send(
        &mut harness,
        "AnyScaleFrontendService.DescribeScalingActivities",
        json!({"ServiceNamespace": "dynamodb", "ResourceId": TARGET}),
    );
    let descriptions: Vec<&str> = activities["ScalingActivities"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|activity| activity["Description"].as_str())
        .collect();
    assert_eq!(descriptions, ["Setting write capacity units to 5.", "Setting write capacity units to 7."]);
    // Targets and policies are part of the table's stored settings.
    harness.assert_memory_equals_store();
}

#[test]
fn targets_and_policies_are_described_and_refused_as_the_service_does() {
    let mut harness = Harness::new();
    send(
        &mut harness,
        "CreateTable",
        json!({"TableName": "Scaled", "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}),
    );
    let register = json!({"ServiceNamespace": "dynamodb", "ResourceId": TARGET, "ScalableDimension": WRITES,
        "MinCapacity": 5, "MaxCapacity": 100});
    let error = harness.send("AnyScaleFrontendService.RegisterScalableTarget", &register.to_string()).unwrap_err();
    assert_eq!(error.message, "Unable to register scalable target: table/Scaled uses on-demand capacity");
    send(
        &mut harness,
        "UpdateTable",
        json!({"TableName": "Scaled", "BillingMode": "PROVISIONED",
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}),
    );
    send(&mut harness, "AnyScaleFrontendService.RegisterScalableTarget", register);
    let targets =
        send(&mut harness, "AnyScaleFrontendService.DescribeScalableTargets", json!({"ServiceNamespace": "dynamodb"}));
    assert_eq!(targets["ScalableTargets"][0]["ResourceId"], TARGET);
    assert_eq!(targets["ScalableTargets"][0]["MaxCapacity"], 100);
    let delete = json!({"PolicyName": "none", "ServiceNamespace": "dynamodb", "ResourceId": TARGET, "ScalableDimension": WRITES});
    let error = harness.send("AnyScaleFrontendService.DeleteScalingPolicy", &delete.to_string()).unwrap_err();
    assert_eq!(error.to_json(), json!({"__type": "com.amazonaws.applicationautoscaling#ObjectNotFoundException",
        "message": "No scaling policy found for service namespace: dynamodb, resource ID: table/Scaled, scalable dimension: dynamodb:table:WriteCapacityUnits"}).to_string());
    let wrong = json!({"ServiceNamespace": "dynamodb", "ResourceId": TARGET, "ScalableDimension": "dynamodb:index:ReadCapacityUnits", "MinCapacity": 1, "MaxCapacity": 2});
    assert!(harness.send("AnyScaleFrontendService.RegisterScalableTarget", &wrong.to_string()).is_err());
    let deregister = json!({"ServiceNamespace": "dynamodb", "ResourceId": TARGET, "ScalableDimension": WRITES});
    send(&mut harness, "AnyScaleFrontendService.DeregisterScalableTarget", deregister.clone());
    assert!(harness.send("AnyScaleFrontendService.DeregisterScalableTarget", &deregister.to_string()).is_err());
    harness.assert_memory_equals_store();
}
