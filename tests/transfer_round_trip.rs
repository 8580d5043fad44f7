//! Export to S3 and import from S3 round trip: a table holding every attribute type,
//! exported in DynamoDB JSON and in Ion, imported from the export's data files into a
//! new table, has the same items.

mod common;

use common::Harness;
use serde_json::{json, Value};

fn send(harness: &mut Harness, operation: &str, body: Value) -> Value {
    let response = harness.send(operation, &body.to_string()).unwrap_or_else(|error| panic!("{operation}: {error}"));
    serde_json::from_str(&response).expect("a JSON response")
}

fn scan(harness: &mut Harness, table: &str) -> Value {
    send(harness, "Scan", json!({"TableName": table}))["Items"].clone()
}

fn create_table() -> Value {
    json!({"TableName": "Source", "BillingMode": "PAY_PER_REQUEST",
           "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
           "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]})
}

/// The Source table, with point-in-time recovery on (exports read its history).
fn create_source(harness: &mut Harness) {
    send(harness, "CreateTable", create_table());
    let recovery =
        json!({"TableName": "Source", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}});
    send(harness, "UpdateContinuousBackups", recovery);
}

fn every_type(sk: u32) -> Value {
    json!({"pk": {"S": "item é \"quoted\"\n"}, "sk": {"N": sk.to_string()}, "n": {"N": "-123.4500e3"},
           "big": {"N": "99999999999999999999999999999999999999"}, "tiny": {"N": "1e-130"},
           "b": {"B": "AAEC/w=="}, "t": {"BOOL": true}, "f": {"BOOL": false}, "nil": {"NULL": true},
           "m": {"M": {"inner key": {"L": [{"S": ""}, {"N": "0"}, {"M": {}}]}, "$sym": {"SS": ["a"]}}},
           "l": {"L": [{"NULL": true}, {"B": ""}, {"L": []}]}, "ss": {"SS": ["x", "y z"]},
           "ns": {"NS": ["1", "2.5", "-3"]}, "bs": {"BS": ["AQ==", "Ag=="]}, "empty": {"S": ""}})
}

fn round_trip(format: &str) {
    let mut harness = Harness::new();
    create_source(&mut harness);
    for sk in 0..3 {
        send(&mut harness, "PutItem", json!({"TableName": "Source", "Item": every_type(sk)}));
    }
    let export = send(
        &mut harness,
        "ExportTableToPointInTime",
        json!({"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Source", "S3Bucket": "round-trip",
               "S3Prefix": "out", "ExportFormat": format}),
    );
    let manifest = export["ExportDescription"]["ExportManifest"].as_str().expect("a manifest key").to_string();
    let folder = manifest.trim_end_matches("manifest-summary.json");
    let mut parameters = create_table();
    parameters["TableName"] = json!("Copy");
    let import = send(
        &mut harness,
        "ImportTable",
        json!({"S3BucketSource": {"S3Bucket": "round-trip", "S3KeyPrefix": format!("{folder}data/")},
               "InputFormat": format, "InputCompressionType": "GZIP", "TableCreationParameters": parameters}),
    );
    let arn = import["ImportTableDescription"]["ImportArn"].clone();
    let description = send(&mut harness, "DescribeImport", json!({"ImportArn": arn}))["ImportTableDescription"].clone();
    assert_eq!(description["ImportStatus"], "COMPLETED", "{description}");
    assert_eq!((description["ErrorCount"].clone(), description["ImportedItemCount"].clone()), (json!(0), json!(3)));
    assert_eq!(scan(&mut harness, "Copy"), scan(&mut harness, "Source"));
    harness.assert_memory_equals_store();
}

#[test]
fn dynamodb_json_round_trips() {
    round_trip("DYNAMODB_JSON");
}

#[test]
fn ion_round_trips() {
    round_trip("ION");
}

/// The objects of an export's data file, gunzipped, one line each.
fn data_lines(harness: &mut Harness, bucket: &str, export: &Value) -> Vec<Value> {
    let object = |harness: &mut Harness, key: &str| -> Vec<u8> {
        let body = send(harness, "Dynaplay.GetObject", json!({"Bucket": bucket, "Key": key}))["Body"].clone();
        dynaplay::model::base64_decode(body.as_str().unwrap()).unwrap()
    };
    let summary_key = export["ExportDescription"]["ExportManifest"].as_str().unwrap().to_string();
    let summary: Value = serde_json::from_slice(&object(harness, &summary_key)).unwrap();
    let files: Value =
        serde_json::from_slice(&object(harness, summary["manifestFilesS3Key"].as_str().unwrap())).unwrap();
    let data = object(harness, files["dataFileS3Key"].as_str().unwrap());
    let text = String::from_utf8(dynaplay::transfer::gzip::decompress(&data).unwrap()).unwrap();
    text.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

/// A full export at a past ExportTime writes the items as they were then, and an
/// incremental export the net change of each item over its period, both read from
/// point-in-time recovery's history.
#[test]
fn exports_read_the_point_in_time_history() {
    let mut harness = Harness::new();
    create_source(&mut harness);
    let item = |name: &str, v: u32| json!({"pk": {"S": name}, "sk": {"N": "1"}, "v": {"N": v.to_string()}});
    let put =
        |harness: &mut Harness, item: Value| send(harness, "PutItem", json!({"TableName": "Source", "Item": item}));
    let delete = |harness: &mut Harness, name: &str| {
        send(harness, "DeleteItem", json!({"TableName": "Source", "Key": {"pk": {"S": name}, "sk": {"N": "1"}}}))
    };
    for name in ["a", "b", "c"] {
        put(&mut harness, item(name, 1));
    }
    let start_seconds = common::START_MILLIS / 1000;
    harness.clock.advance(10 * 60 * 1000);
    put(&mut harness, item("a", 2));
    delete(&mut harness, "b");
    put(&mut harness, item("d", 1));
    put(&mut harness, item("e", 1));
    delete(&mut harness, "e");
    harness.clock.advance(10 * 60 * 1000);
    let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/Source";
    let full = json!({"TableArn": arn, "S3Bucket": "history", "ExportTime": start_seconds + 5 * 60});
    let full = send(&mut harness, "ExportTableToPointInTime", full);
    let names: Vec<Value> =
        data_lines(&mut harness, "history", &full).iter().map(|line| line["Item"]["pk"]["S"].clone()).collect();
    assert_eq!(names, [json!("a"), json!("b"), json!("c")]);
    let incremental = json!({"TableArn": arn, "S3Bucket": "history", "ExportType": "INCREMENTAL_EXPORT",
        "IncrementalExportSpecification": {"ExportFromTime": start_seconds + 5 * 60}});
    let incremental = send(&mut harness, "ExportTableToPointInTime", incremental);
    let lines = data_lines(&mut harness, "history", &incremental);
    let summary: Vec<(Value, Value, Value)> = lines
        .iter()
        .map(|line| {
            (line["Keys"]["pk"]["S"].clone(), line["OldImage"]["v"]["N"].clone(), line["NewImage"]["v"]["N"].clone())
        })
        .collect();
    // a changed, b deleted, d created; e came and went within the period.
    assert_eq!(
        summary,
        [
            (json!("a"), json!("1"), json!("2")),
            (json!("b"), json!("1"), Value::Null),
            (json!("d"), Value::Null, json!("1"))
        ]
    );
    let written = (common::START_MILLIS + 10 * 60 * 1000) * 1000;
    assert!(lines.iter().all(|line| line["Metadata"]["WriteTimestampMicros"]["N"] == json!(written.to_string())));
}

/// The manifests name the data file, its item count and its checksum.
#[test]
fn the_manifests_describe_the_data_files() {
    let mut harness = Harness::new();
    create_source(&mut harness);
    send(&mut harness, "PutItem", json!({"TableName": "Source", "Item": every_type(1)}));
    let export = send(
        &mut harness,
        "ExportTableToPointInTime",
        json!({"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/Source", "S3Bucket": "manifests"}),
    );
    let summary_key = export["ExportDescription"]["ExportManifest"].as_str().unwrap().to_string();
    let object = |harness: &mut Harness, key: &str| -> Vec<u8> {
        let body = send(harness, "Dynaplay.GetObject", json!({"Bucket": "manifests", "Key": key}))["Body"].clone();
        dynaplay::model::base64_decode(body.as_str().unwrap()).unwrap()
    };
    let summary: Value = serde_json::from_slice(&object(&mut harness, &summary_key)).unwrap();
    assert_eq!(summary["version"], "2020-06-30");
    assert_eq!(summary["itemCount"], 1);
    assert_eq!(summary["outputFormat"], "DYNAMODB_JSON");
    assert_eq!(summary["startTime"], "2023-11-14T22:13:20.000Z");
    let files_key = summary["manifestFilesS3Key"].as_str().unwrap().to_string();
    let files: Value = serde_json::from_slice(&object(&mut harness, &files_key)).unwrap();
    assert_eq!(files["itemCount"], 1);
    let data = object(&mut harness, files["dataFileS3Key"].as_str().unwrap());
    let text = String::from_utf8(dynaplay::transfer::gzip::decompress(&data).unwrap()).unwrap();
    let line: Value = serde_json::from_str(text.trim_end()).unwrap();
    assert_eq!(line["Item"]["sk"], json!({"N": "1"}));
    let md5 = dynaplay::model::base64_encode(&dynaplay::transfer::md5::digest(&data));
    assert_eq!(files["md5Checksum"], json!(md5));
}
