//! DAX consistency on the engine clock: item cache hits, negative caching, staleness
//! after a write that bypasses DAX, write-through, query cache staleness, strongly
//! consistent and transactional reads passing through, and TTL expiry (docs/dax.md).

use dynaplay::api::RequestOptions;
use dynaplay::clock::ManualClock;
use dynaplay::storage::{Database, Outcome};
use serde_json::{json, Value};

const START_MILLIS: u64 = 1_700_000_000_000;

struct Setup {
    db: Database,
    clock: ManualClock,
    dax: RequestOptions,
}

impl Setup {
    /// A table `t` (key `id`, sort key none) with one item, and a cluster `c` whose item
    /// TTL is 60 s and query TTL 30 s.
    fn new() -> Self {
        let clock = ManualClock::new(START_MILLIS);
        let db = Database::ephemeral(Box::new(clock.clone()));
        let mut setup = Setup { db, clock, dax: RequestOptions { dax: Some("c".into()), ..RequestOptions::default() } };
        setup.table(
            "CreateTable",
            json!({"TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
                   "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                   "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
        );
        setup.table("PutItem", json!({"TableName": "tbl", "Item": {"id": {"S": "a"}, "v": {"N": "1"}}}));
        setup.table(
            "Dynaplay.CreateDaxCluster",
            json!({"ClusterName": "c", "ItemTtlMillis": 60000, "QueryTtlMillis": 30000}),
        );
        setup
    }

    fn send(&mut self, operation: &str, request: Value, options: &RequestOptions) -> Value {
        let outcome = self.db.execute_with(operation, &request.to_string(), options);
        match outcome.unwrap_or_else(|error| panic!("{operation}: {error}")) {
            Outcome::Ready(response) => serde_json::from_str(&response).expect("a JSON response"),
            Outcome::Queued { .. } => panic!("an ephemeral database never queues"),
        }
    }

    /// Sends a request to the table directly.
    fn table(&mut self, operation: &str, request: Value) -> Value {
        self.send(operation, request, &RequestOptions::default())
    }

    /// Sends a request through the cluster.
    fn via_dax(&mut self, operation: &str, request: Value) -> Value {
        let dax = self.dax.clone();
        self.send(operation, request, &dax)
    }

    fn get_v(&mut self, consistent: bool) -> Value {
        let request = json!({"TableName": "tbl", "Key": {"id": {"S": "a"}}, "ConsistentRead": consistent});
        self.via_dax("GetItem", request)["Item"]["v"].clone()
    }

    /// The cluster's statistics and latest request.
    fn cluster(&mut self) -> Value {
        self.table("Dynaplay.DescribeDaxClusters", json!({}))["Clusters"][0].clone()
    }

    fn stat(&mut self, name: &str) -> u64 {
        self.cluster()["Statistics"][name].as_u64().expect("a counter")
    }

    fn last_cache(&mut self) -> String {
        self.cluster()["LastRequest"]["Cache"].as_str().expect("a last request").to_string()
    }

    fn bypass_put(&mut self, value: &str) {
        self.table("PutItem", json!({"TableName": "tbl", "Item": {"id": {"S": "a"}, "v": {"N": value}}}));
    }
}

#[test]
fn a_hit_reads_no_table_and_answers_as_dynamodb_does() {
    let mut setup = Setup::new();
    let request = json!({"TableName": "tbl", "Key": {"id": {"S": "a"}}, "ReturnConsumedCapacity": "TOTAL"});
    let miss = setup.via_dax("GetItem", request.clone());
    assert_eq!(setup.last_cache(), "MISS");
    assert_eq!(miss["ConsumedCapacity"]["CapacityUnits"], json!(0.5));
    let hit = setup.via_dax("GetItem", request.clone());
    assert_eq!(setup.last_cache(), "HIT");
    assert_eq!(setup.cluster()["LastRequest"]["LatencyMicros"], json!(400));
    assert_eq!(hit["Item"], miss["Item"]);
    assert_eq!(hit["ConsumedCapacity"], json!({"TableName": "tbl", "CapacityUnits": 0.0}));
    assert_eq!((setup.stat("ItemCacheHits"), setup.stat("ItemCacheMisses")), (1, 1));
    // A projection applies to the cached item as it would to the table's.
    let projected =
        setup.via_dax("GetItem", json!({"TableName": "tbl", "Key": {"id": {"S": "a"}}, "ProjectionExpression": "v"}));
    assert_eq!(projected, json!({"Item": {"v": {"N": "1"}}}));
    assert_eq!(setup.last_cache(), "HIT");
}

#[test]
fn a_write_that_bypasses_dax_leaves_the_item_cache_stale_until_its_ttl() {
    let mut setup = Setup::new();
    assert_eq!(setup.get_v(false), json!({"N": "1"}));
    setup.bypass_put("2");
    assert_eq!(setup.get_v(false), json!({"N": "1"}), "the cache still holds the old item");
    assert_eq!(setup.get_v(true), json!({"N": "2"}), "a strongly consistent read passes through");
    assert_eq!(setup.last_cache(), "PASS_THROUGH");
    assert_eq!(setup.get_v(false), json!({"N": "1"}), "a pass-through read does not refresh the cache");
    setup.clock.advance(59_999);
    assert_eq!(setup.get_v(false), json!({"N": "1"}));
    setup.clock.advance(1);
    assert_eq!(setup.get_v(false), json!({"N": "2"}), "the entry expired with the item TTL");
    assert_eq!(setup.last_cache(), "MISS");
}

#[test]
fn writes_through_dax_update_the_item_cache() {
    let mut setup = Setup::new();
    assert_eq!(setup.get_v(false), json!({"N": "1"}));
    setup.via_dax(
        "UpdateItem",
        json!({"TableName": "tbl", "Key": {"id": {"S": "a"}}, "UpdateExpression": "SET v = :v",
                                        "ExpressionAttributeValues": {":v": {"N": "3"}}}),
    );
    assert_eq!(setup.last_cache(), "WRITE_THROUGH");
    assert_eq!(setup.get_v(false), json!({"N": "3"}));
    assert_eq!(setup.last_cache(), "HIT");
    setup.via_dax("DeleteItem", json!({"TableName": "tbl", "Key": {"id": {"S": "a"}}}));
    assert_eq!(setup.get_v(false), Value::Null, "a delete through DAX caches the absence");
    assert_eq!(setup.last_cache(), "HIT");
    // A failed conditional write changes neither the table nor the cache.
    let failed = setup.db.execute_with(
        "PutItem",
        &json!({"TableName": "tbl", "Item": {"id": {"S": "a"}, "v": {"N": "9"}},
                "ConditionExpression": "attribute_exists(id)"})
        .to_string(),
        &setup.dax.clone(),
    );
    assert!(failed.is_err());
    assert_eq!(setup.get_v(false), Value::Null);
    // A transaction's writes go through too.
    setup.via_dax(
        "TransactWriteItems",
        json!({"TransactItems": [
        {"Put": {"TableName": "tbl", "Item": {"id": {"S": "a"}, "v": {"N": "4"}}}}]}),
    );
    assert_eq!(setup.get_v(false), json!({"N": "4"}));
    assert_eq!(setup.last_cache(), "HIT");
}

#[test]
fn misses_are_cached_too() {
    let mut setup = Setup::new();
    let absent = json!({"TableName": "tbl", "Key": {"id": {"S": "nope"}}});
    assert_eq!(setup.via_dax("GetItem", absent.clone()), json!({}));
    setup.table("PutItem", json!({"TableName": "tbl", "Item": {"id": {"S": "nope"}}}));
    assert_eq!(setup.via_dax("GetItem", absent), json!({}), "the negative entry stays until its TTL");
    assert_eq!(setup.last_cache(), "HIT");
}

#[test]
fn the_query_cache_is_not_invalidated_by_writes_through_dax() {
    let mut setup = Setup::new();
    let query = json!({"TableName": "tbl", "KeyConditionExpression": "id = :a",
                       "ExpressionAttributeValues": {":a": {"S": "a"}}});
    let first = setup.via_dax("Query", query.clone());
    assert_eq!(first["Items"][0]["v"], json!({"N": "1"}));
    setup.via_dax("PutItem", json!({"TableName": "tbl", "Item": {"id": {"S": "a"}, "v": {"N": "5"}}}));
    assert_eq!(setup.get_v(false), json!({"N": "5"}), "the item cache was written through");
    let stale = setup.via_dax("Query", query.clone());
    assert_eq!(stale, first, "the query cache still answers the old result");
    assert_eq!(setup.last_cache(), "HIT");
    let mut consistent = query.clone();
    consistent["ConsistentRead"] = json!(true);
    assert_eq!(setup.via_dax("Query", consistent)["Items"][0]["v"], json!({"N": "5"}));
    assert_eq!(setup.last_cache(), "PASS_THROUGH");
    setup.clock.advance(30_000);
    assert_eq!(setup.via_dax("Query", query)["Items"][0]["v"], json!({"N": "5"}), "the query TTL ended");
    assert_eq!(setup.last_cache(), "MISS");
    assert_eq!((setup.stat("QueryCacheHits"), setup.stat("QueryCacheMisses")), (1, 2));
}

#[test]
fn batch_reads_use_the_item_cache_key_by_key() {
    let mut setup = Setup::new();
    setup.table("PutItem", json!({"TableName": "tbl", "Item": {"id": {"S": "b"}, "v": {"N": "7"}}}));
    assert_eq!(setup.get_v(false), json!({"N": "1"}));
    setup.bypass_put("2");
    let batch = json!({"RequestItems": {"tbl": {"Keys": [{"id": {"S": "a"}}, {"id": {"S": "b"}}]}},
                       "ReturnConsumedCapacity": "TOTAL"});
    let response = setup.via_dax("BatchGetItem", batch.clone());
    let values: Vec<&Value> =
        response["Responses"]["tbl"].as_array().expect("items").iter().map(|item| &item["v"]).collect();
    assert_eq!(values, [&json!({"N": "1"}), &json!({"N": "7"})], "a stale hit and a fresh miss");
    assert_eq!(response["ConsumedCapacity"][0]["CapacityUnits"], json!(0.5), "only the miss is charged");
    assert_eq!(setup.last_cache(), "MISS");
    setup.via_dax("BatchGetItem", batch);
    assert_eq!(setup.last_cache(), "HIT");
}

#[test]
fn transactional_reads_pass_through_and_other_operations_are_refused() {
    let mut setup = Setup::new();
    assert_eq!(setup.get_v(false), json!({"N": "1"}));
    setup.bypass_put("2");
    let read = setup.via_dax(
        "TransactGetItems",
        json!({"TransactItems": [{"Get": {"TableName": "tbl", "Key": {"id": {"S": "a"}}}}]}),
    );
    assert_eq!(read["Responses"][0]["Item"]["v"], json!({"N": "2"}));
    assert_eq!(setup.last_cache(), "PASS_THROUGH");
    let refused = setup.db.execute_with("DescribeTable", r#"{"TableName": "tbl"}"#, &setup.dax.clone()).unwrap_err();
    assert_eq!(refused.message, "DAX does not support DescribeTable; send it to DynamoDB without the dax option");
    let unknown = RequestOptions { dax: Some("nope".into()), ..RequestOptions::default() };
    let missing =
        setup.db.execute_with("GetItem", r#"{"TableName": "tbl", "Key": {"id": {"S": "a"}}}"#, &unknown).unwrap_err();
    assert_eq!(missing.message, "DAX cluster not found: nope");
}
