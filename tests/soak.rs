//! Soak: a seeded random workload of every kind of item operation (conditional writes,
//! updates, deletes, reads, queries through the table and a global index, scans,
//! batches, transactions, PartiQL) against a plain map of what the table should hold.
//! Any difference between an answer and the model is a divergence, and there must be
//! none. Every so often memory is compared with a reopen of the store.
//!
//! `cargo test --test soak` runs 20,000 operations; `make soak` runs 1,000,000
//! (DYNAPLAY_SOAK_OPS) in a release build and prints the rate.

mod common;

use common::Harness;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Instant;

const PARTITIONS: u64 = 20;
const SORT_KEYS: u64 = 50;
const GROUPS: u64 = 5;

/// What the model holds per item: its counter and its (sparse) index key.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    v: i64,
    g: Option<String>,
}

type Model = BTreeMap<(u64, u64), Row>;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Soak {
    h: Harness,
    model: Model,
    rng: Rng,
}

fn key(p: u64, s: u64) -> Value {
    json!({"pk": {"S": format!("p{p}")}, "sk": {"N": s.to_string()}})
}

fn item(p: u64, s: u64, row: &Row) -> Value {
    let mut item = key(p, s);
    item["v"] = json!({"N": row.v.to_string()});
    if let Some(g) = &row.g {
        item["g"] = json!({"S": g});
    }
    item
}

/// The (partition, sort) key and row of an item in a response.
fn parse_item(item: &Value) -> ((u64, u64), Row) {
    let number = |text: &str| text.trim_start_matches('p').parse::<u64>().expect("a key");
    let p = number(item["pk"]["S"].as_str().expect("pk"));
    let s = number(item["sk"]["N"].as_str().expect("sk"));
    let v = item["v"]["N"].as_str().expect("v").parse().expect("a number");
    ((p, s), Row { v, g: item["g"]["S"].as_str().map(String::from) })
}

impl Soak {
    fn send(&mut self, operation: &str, request: Value) -> Result<Value, String> {
        match self.h.send(operation, &request.to_string()) {
            Ok(body) => Ok(serde_json::from_str(&body).expect("responses are JSON")),
            Err(error) => Err(format!("{:?}", error.kind)),
        }
    }

    fn ok(&mut self, operation: &str, request: Value) -> Value {
        self.send(operation, request.clone()).unwrap_or_else(|error| panic!("{operation} {request}: {error}"))
    }

    fn random_key(&mut self) -> (u64, u64) {
        (self.rng.below(PARTITIONS), self.rng.below(SORT_KEYS))
    }

    fn random_row(&mut self) -> Row {
        let g = (self.rng.below(3) != 0).then(|| format!("g{}", self.rng.below(GROUPS)));
        Row { v: self.rng.below(1000) as i64, g }
    }

    fn step(&mut self) {
        match self.rng.below(12) {
            0 | 1 => self.put(),
            2 => self.put_if_absent(),
            3 | 4 => self.update(),
            5 => self.delete_if(),
            6 => self.get(),
            7 => self.query(),
            8 => self.query_index(),
            9 => self.batch_write(),
            10 => self.transact(),
            _ => self.partiql(),
        }
    }

    fn put(&mut self) {
        let ((p, s), row) = (self.random_key(), self.random_row());
        self.ok("PutItem", json!({"TableName": "Soak", "Item": item(p, s, &row)}));
        self.model.insert((p, s), row);
    }

    fn put_if_absent(&mut self) {
        let ((p, s), row) = (self.random_key(), self.random_row());
        let request =
            json!({"TableName": "Soak", "Item": item(p, s, &row), "ConditionExpression": "attribute_not_exists(pk)"});
        let result = self.send("PutItem", request);
        let exists = self.model.contains_key(&(p, s));
        assert_eq!(result.is_err(), exists, "conditional put of {p}/{s}: {result:?}");
        if !exists {
            self.model.insert((p, s), row);
        }
    }

    fn update(&mut self) {
        let (p, s) = self.random_key();
        let by = self.rng.below(10) as i64;
        let group = (self.rng.below(2) == 0).then(|| format!("g{}", self.rng.below(GROUPS)));
        let (expression, values) = match &group {
            Some(g) => ("ADD v :by SET g = :g", json!({":by": {"N": by.to_string()}, ":g": {"S": g}})),
            None => ("ADD v :by REMOVE g", json!({":by": {"N": by.to_string()}})),
        };
        let request = json!({"TableName": "Soak", "Key": key(p, s), "UpdateExpression": expression,
            "ExpressionAttributeValues": values, "ReturnValues": "ALL_NEW"});
        let response = self.ok("UpdateItem", request);
        let row = self.model.entry((p, s)).or_insert(Row { v: 0, g: None });
        row.v += by;
        row.g = group;
        assert_eq!(parse_item(&response["Attributes"]), ((p, s), row.clone()), "update of {p}/{s}");
    }

    fn delete_if(&mut self) {
        let (p, s) = self.random_key();
        let expected = self.rng.below(1000) as i64;
        let request = json!({"TableName": "Soak", "Key": key(p, s), "ConditionExpression": "v < :x",
            "ExpressionAttributeValues": {":x": {"N": expected.to_string()}}});
        let result = self.send("DeleteItem", request);
        let holds = self.model.get(&(p, s)).is_some_and(|row| row.v < expected);
        assert_eq!(result.is_ok(), holds, "conditional delete of {p}/{s}: {result:?}");
        if holds {
            self.model.remove(&(p, s));
        }
    }

    fn get(&mut self) {
        let (p, s) = self.random_key();
        let response = self.ok("GetItem", json!({"TableName": "Soak", "Key": key(p, s), "ConsistentRead": true}));
        let found = response.get("Item").map(|item| parse_item(item).1);
        assert_eq!(found.as_ref(), self.model.get(&(p, s)), "get of {p}/{s}");
    }

    fn query(&mut self) {
        let p = self.rng.below(PARTITIONS);
        let (low, high) = (self.rng.below(SORT_KEYS), self.rng.below(SORT_KEYS));
        let (low, high) = (low.min(high), low.max(high));
        let request = json!({"TableName": "Soak", "KeyConditionExpression": "pk = :p AND sk BETWEEN :l AND :h",
            "ExpressionAttributeValues": {":p": {"S": format!("p{p}")}, ":l": {"N": low.to_string()}, ":h": {"N": high.to_string()}}});
        let response = self.ok("Query", request);
        let got: Vec<_> = response["Items"].as_array().expect("items").iter().map(parse_item).collect();
        let wanted: Vec<_> = self.model.range((p, low)..=(p, high)).map(|(key, row)| (*key, row.clone())).collect();
        assert_eq!(got, wanted, "query of p{p} between {low} and {high}");
    }

    fn query_index(&mut self) {
        let g = format!("g{}", self.rng.below(GROUPS));
        let mut got = Vec::new();
        let mut start = None;
        loop {
            let mut request = json!({"TableName": "Soak", "IndexName": "byG", "KeyConditionExpression": "g = :g",
                "ExpressionAttributeValues": {":g": {"S": g}}, "Limit": 40});
            if let Some(start) = start.take() {
                request["ExclusiveStartKey"] = start;
            }
            let response = self.ok("Query", request);
            got.extend(response["Items"].as_array().expect("items").iter().map(parse_item));
            match response.get("LastEvaluatedKey") {
                Some(last) => start = Some(last.clone()),
                None => break,
            }
        }
        got.sort_by_key(|(key, _)| *key);
        let wanted: Vec<_> = self
            .model
            .iter()
            .filter(|(_, row)| row.g.as_ref() == Some(&g))
            .map(|(key, row)| (*key, row.clone()))
            .collect();
        assert_eq!(got, wanted, "query of the index for {g}");
    }

    fn batch_write(&mut self) {
        let mut writes = BTreeMap::new();
        for _ in 0..1 + self.rng.below(5) {
            let key = self.random_key();
            let row = (self.rng.below(3) != 0).then(|| self.random_row());
            writes.insert(key, row);
        }
        let requests: Vec<Value> = writes
            .iter()
            .map(|((p, s), row)| match row {
                Some(row) => json!({"PutRequest": {"Item": item(*p, *s, row)}}),
                None => json!({"DeleteRequest": {"Key": key(*p, *s)}}),
            })
            .collect();
        self.ok("BatchWriteItem", json!({"RequestItems": {"Soak": requests}}));
        for (key, row) in writes {
            match row {
                Some(row) => self.model.insert(key, row),
                None => self.model.remove(&key),
            };
        }
    }

    /// Two puts that happen only if a third item exists: all or nothing.
    fn transact(&mut self) {
        let (a, b, check) = (self.random_key(), self.random_key(), self.random_key());
        if a == b || a == check || b == check {
            return;
        }
        let (row_a, row_b) = (self.random_row(), self.random_row());
        let request = json!({"TransactItems": [
            {"Put": {"TableName": "Soak", "Item": item(a.0, a.1, &row_a)}},
            {"Put": {"TableName": "Soak", "Item": item(b.0, b.1, &row_b)}},
            {"ConditionCheck": {"TableName": "Soak", "Key": key(check.0, check.1), "ConditionExpression": "attribute_exists(pk)"}}]});
        let result = self.send("TransactWriteItems", request);
        let holds = self.model.contains_key(&check);
        assert_eq!(result.is_ok(), holds, "transaction checking {check:?}: {result:?}");
        if holds {
            self.model.insert(a, row_a);
            self.model.insert(b, row_b);
        }
    }

    /// PartiQL: an increment of an existing item, or a keyed SELECT.
    fn partiql(&mut self) {
        let (p, s) = self.random_key();
        if self.rng.below(2) == 0 {
            let statement = format!("UPDATE Soak SET v = v + 1 WHERE pk = 'p{p}' AND sk = {s}");
            let result = self.send("ExecuteStatement", json!({"Statement": statement}));
            match self.model.get_mut(&(p, s)) {
                Some(row) => {
                    assert!(result.is_ok(), "PartiQL update of {p}/{s}: {result:?}");
                    row.v += 1;
                }
                None => assert!(result.is_err(), "PartiQL update of missing {p}/{s} succeeded"),
            }
        } else {
            let statement = format!("SELECT * FROM Soak WHERE pk = 'p{p}' AND sk = {s}");
            let response = self.ok("ExecuteStatement", json!({"Statement": statement}));
            let found = response["Items"].as_array().expect("items").first().map(|item| parse_item(item).1);
            assert_eq!(found.as_ref(), self.model.get(&(p, s)), "PartiQL select of {p}/{s}");
        }
    }

    fn count_matches(&mut self) {
        let response = self.ok("Scan", json!({"TableName": "Soak", "Select": "COUNT"}));
        assert_eq!(response["Count"], self.model.len(), "the table's item count");
    }
}

#[test]
fn a_random_workload_never_diverges_from_the_model() {
    let operations: u64 = std::env::var("DYNAPLAY_SOAK_OPS").ok().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let mut soak = Soak { h: Harness::new(), model: Model::new(), rng: Rng(0x50A4) };
    // The clock stands still, so the simulated throughput would throttle the load.
    soak.ok("Dynaplay.Configure", json!({"Throttling": false}));
    soak.ok("CreateTable", json!({"TableName": "Soak", "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                                 {"AttributeName": "g", "AttributeType": "S"}],
        "GlobalSecondaryIndexes": [{"IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                    "Projection": {"ProjectionType": "ALL"}}]}));
    let started = Instant::now();
    for done in 1..=operations {
        soak.step();
        if done % 10_000 == 0 {
            soak.count_matches();
            soak.h.assert_memory_equals_store();
        }
    }
    soak.count_matches();
    soak.h.assert_memory_equals_store();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "soak: {operations} operations, 0 divergences, {seconds:.1} s ({:.0} operations/s)",
        operations as f64 / seconds
    );
}
