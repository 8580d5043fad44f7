//! Native engine throughput, single core: `cargo bench --bench engine`.
//!
//! Prints operations per second for PutItem, GetItem, Query and UpdateItem with a
//! condition, through the same JSON API the browser uses (request text in, response
//! text out), on an ephemeral database. Medians of 5 runs; no assertions.

use dynaplay::clock::ManualClock;
use dynaplay::storage::{Database, Outcome};
use std::hint::black_box;
use std::time::Instant;

const ITEMS: usize = 20_000;
const RUNS: usize = 5;
/// Items per partition, so a Query returns this many.
const PARTITION: usize = 50;

fn send(db: &mut Database, operation: &str, body: &str) -> String {
    match db.execute(operation, body) {
        Ok(Outcome::Ready(response)) => response,
        Ok(Outcome::Queued { .. }) => unreachable!("an ephemeral database never queues"),
        Err(error) => panic!("{operation} failed: {error}"),
    }
}

/// A ~1 KB item of 10 attributes with a nested map, a list and a string set.
fn item(n: usize) -> String {
    let text = "x".repeat(700);
    format!(
        r#"{{"pk":{{"S":"user#{p}"}},"sk":{{"N":"{n}"}},"name":{{"S":"Name {n}"}},"age":{{"N":"{age}"}},
        "active":{{"BOOL":true}},"tags":{{"SS":["a","b","c{n}"]}},"bio":{{"S":"{text}"}},
        "address":{{"M":{{"street":{{"S":"{n} Main St"}},"zip":{{"S":"12345"}}}}}},
        "scores":{{"L":[{{"N":"1"}},{{"N":"2.5"}},{{"N":"3"}}]}},"version":{{"N":"1"}}}}"#,
        p = n / PARTITION,
        age = n % 90
    )
}

fn new_database() -> Database {
    let mut db = Database::ephemeral(Box::new(ManualClock::new(0)));
    let create = r#"{"TableName":"Bench","BillingMode":"PAY_PER_REQUEST",
        "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
        "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}]}"#;
    // The engine's speed is measured, not the simulated throughput, which would throttle
    // a load at full speed on a clock that stands still.
    send(&mut db, "Dynaplay.Configure", r#"{"Throttling":false}"#);
    send(&mut db, "CreateTable", create);
    db
}

/// Sends every request once; the rate in requests per second.
fn rate(db: &mut Database, operation: &str, requests: &[String]) -> f64 {
    let start = Instant::now();
    for body in requests {
        black_box(send(db, operation, body));
    }
    requests.len() as f64 / start.elapsed().as_secs_f64()
}

fn report(label: &str, mut rates: Vec<f64>) {
    rates.sort_by(f64::total_cmp);
    println!("{label:<40} {:>12.0} ops/s", rates[RUNS / 2]);
}

/// Runs `operation` on every request `RUNS` times against `db`; prints the median rate.
fn measure(label: &str, db: &mut Database, operation: &str, requests: &[String]) {
    report(label, (0..RUNS).map(|_| rate(db, operation, requests)).collect());
}

fn main() {
    let puts: Vec<String> = (0..ITEMS).map(|n| format!(r#"{{"TableName":"Bench","Item":{}}}"#, item(n))).collect();
    let keys: Vec<String> = (0..ITEMS)
        .map(|n| {
            format!(r#"{{"TableName":"Bench","Key":{{"pk":{{"S":"user#{}"}},"sk":{{"N":"{n}"}}}}}}"#, n / PARTITION)
        })
        .collect();
    let queries: Vec<String> = (0..ITEMS / PARTITION)
        .map(|p| {
            format!(
                r#"{{"TableName":"Bench","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{{":p":{{"S":"user#{p}"}}}}}}"#
            )
        })
        .collect();
    let updates: Vec<String> = (0..ITEMS)
        .map(|n| {
            format!(
                r#"{{"TableName":"Bench","Key":{{"pk":{{"S":"user#{}"}},"sk":{{"N":"{n}"}}}},
                "UpdateExpression":"SET version = version + :one","ConditionExpression":"attribute_exists(pk)",
                "ExpressionAttributeValues":{{":one":{{"N":"1"}}}}}}"#,
                n / PARTITION
            )
        })
        .collect();
    println!("Dynaplay native engine, single thread, {ITEMS} items of ~1 KB, median of {RUNS} runs");
    // Inserts into a fresh table each run: re-putting identical items would measure
    // the no-change path instead.
    report("PutItem (insert)", (0..RUNS).map(|_| rate(&mut new_database(), "PutItem", &puts)).collect());
    let mut db = new_database();
    rate(&mut db, "PutItem", &puts);
    measure("GetItem", &mut db, "GetItem", &keys);
    measure(&format!("Query ({PARTITION} items per partition)"), &mut db, "Query", &queries);
    measure("UpdateItem with a condition", &mut db, "UpdateItem", &updates);
}
