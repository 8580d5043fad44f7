//! Native engine throughput, single core: `cargo bench --bench engine`.
//!
//! Prints operations per second for PutItem (inserting, and replacing every item with a
//! changed one), GetItem, Query and UpdateItem with a condition, through the same JSON
//! API the browser uses (request text in, response text out), on an ephemeral
//! database; then what global secondary indexes cost: PutItem with 0, 1 and 5 indexes
//! (time and write units), Query through an index against the same Query on the table,
//! and what a NEW_AND_OLD_IMAGES stream adds to PutItem and UpdateItem. Medians of 5
//! runs; no assertions.
//!
//! `cargo bench --bench engine -- get-profile N` instead only sends N GetItems to a
//! table of [`PROFILE_ITEMS`] items, for counting instructions:
//! `valgrind --tool=callgrind target/release/deps/engine-* get-profile 4000`, less the
//! same run with N = 0, is the cost of 4,000 GetItems. `replace-profile N` does the same
//! with N PutItems, each replacing an item with a changed one, and `update-profile N`
//! with N UpdateItems with a condition.

use dynaplay::clock::ManualClock;
use dynaplay::storage::{Database, Outcome};
use std::hint::black_box;
use std::time::Instant;

const ITEMS: usize = 20_000;
const RUNS: usize = 5;
/// Items per partition, so a Query returns this many.
const PARTITION: usize = 50;
/// Items in the table of the profile runs.
const PROFILE_ITEMS: usize = 2_000;

fn send(db: &mut Database, operation: &str, body: &str) -> String {
    match db.execute(operation, body) {
        Ok(Outcome::Ready(response)) => response,
        Ok(Outcome::Queued { .. }) => unreachable!("an ephemeral database never queues"),
        Err(error) => panic!("{operation} failed: {error}"),
    }
}

/// A ~1 KB item of 10 attributes with a nested map, a list and a string set, as an SDK
/// sends it: without whitespace, the attributes in no particular order.
fn item(n: usize) -> String {
    let text = "x".repeat(700);
    [
        format!(r#"{{"pk":{{"S":"user#{p}"}},"sk":{{"N":"{n}"}},"name":{{"S":"Name {n}"}},"#, p = n / PARTITION),
        format!(r#""age":{{"N":"{age}"}},"active":{{"BOOL":true}},"tags":{{"SS":["a","b","c{n}"]}},"#, age = n % 90),
        format!(
            r#""bio":{{"S":"{text}"}},"address":{{"M":{{"street":{{"S":"{n} Main St"}},"zip":{{"S":"12345"}}}}}},"#
        ),
        r#""scores":{"L":[{"N":"1"},{"N":"2.5"},{"N":"3"}]},"version":{"N":"1"}}"#.to_string(),
    ]
    .concat()
}

fn new_database() -> Database {
    database_with_indexes(0)
}

/// Global indexes (name, partition key, its type, sort key): the first `count` are created.
const INDEXES: [(&str, &str, &str, Option<&str>); 5] = [
    ("byPkAge", "pk", "S", Some("age")),
    ("byName", "name", "S", None),
    ("byVersion", "version", "N", None),
    ("byBio", "bio", "S", None),
    ("byAgeName", "age", "N", Some("name")),
];

/// The Bench table with the first `count` of [`INDEXES`] (projection ALL, the dearest).
fn database_with_indexes(count: usize) -> Database {
    let mut db = Database::ephemeral(Box::new(ManualClock::new(0)));
    let indexes: Vec<String> = INDEXES[..count]
        .iter()
        .map(|(name, partition, _, sort)| {
            let sort = sort.map(|sort| format!(r#",{{"AttributeName":"{sort}","KeyType":"RANGE"}}"#)).unwrap_or_default();
            format!(
                r#"{{"IndexName":"{name}","KeySchema":[{{"AttributeName":"{partition}","KeyType":"HASH"}}{sort}],"Projection":{{"ProjectionType":"ALL"}}}}"#
            )
        })
        .collect();
    let mut definitions = vec![
        r#"{"AttributeName":"pk","AttributeType":"S"}"#.to_string(),
        r#"{"AttributeName":"sk","AttributeType":"N"}"#.to_string(),
    ];
    let types = [("name", "S"), ("version", "N"), ("bio", "S"), ("age", "N")];
    for (attribute, kind) in types
        .iter()
        .filter(|(attribute, _)| INDEXES[..count].iter().any(|(_, p, _, s)| p == attribute || *s == Some(*attribute)))
    {
        definitions.push(format!(r#"{{"AttributeName":"{attribute}","AttributeType":"{kind}"}}"#));
    }
    let indexes = match count {
        0 => String::new(),
        _ => format!(r#","GlobalSecondaryIndexes":[{}]"#, indexes.join(",")),
    };
    let create = format!(
        r#"{{"TableName":"Bench","BillingMode":"PAY_PER_REQUEST",
        "KeySchema":[{{"AttributeName":"pk","KeyType":"HASH"}},{{"AttributeName":"sk","KeyType":"RANGE"}}],
        "AttributeDefinitions":[{}]{indexes}}}"#,
        definitions.join(",")
    );
    let create = create.as_str();
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

/// The `version` attribute of [`item`], and what a replacement changes it to.
const VERSION_1: &str = r#""version":{"N":"1"}"#;
const VERSION_2: &str = r#""version":{"N":"2"}"#;

/// The PutItem request of item `n`.
fn put(n: usize) -> String {
    format!(r#"{{"TableName":"Bench","Item":{}}}"#, item(n))
}

/// The UpdateItem request that adds one to item `n`'s version, if the item exists.
fn update(n: usize) -> String {
    format!(
        r#"{{"TableName":"Bench","Key":{{"pk":{{"S":"user#{}"}},"sk":{{"N":"{n}"}}}},
        "UpdateExpression":"SET version = version + :one","ConditionExpression":"attribute_exists(pk)",
        "ExpressionAttributeValues":{{":one":{{"N":"1"}}}}}}"#,
        n / PARTITION
    )
}

/// The GetItem request of item `n`.
fn key(n: usize) -> String {
    format!(r#"{{"TableName":"Bench","Key":{{"pk":{{"S":"user#{}"}},"sk":{{"N":"{n}"}}}}}}"#, n / PARTITION)
}

/// The `get-profile`, `replace-profile` and `update-profile` runs: `count` GetItems,
/// PutItems that each replace an item with a changed one, or UpdateItems with a
/// condition, cycling through a table of [`PROFILE_ITEMS`] items, with nothing else to
/// count but the table's loading.
fn profile(run: &str, count: usize) {
    let mut db = new_database();
    for n in 0..PROFILE_ITEMS {
        send(&mut db, "PutItem", &put(n));
    }
    let (operation, requests): (&str, Vec<String>) = match run {
        "get-profile" => ("GetItem", (0..PROFILE_ITEMS).map(key).collect()),
        "update-profile" => ("UpdateItem", (0..PROFILE_ITEMS).map(update).collect()),
        "replace-profile" => {
            let changed = (0..PROFILE_ITEMS).map(|n| put(n).replace(VERSION_1, VERSION_2));
            ("PutItem", changed.chain((0..PROFILE_ITEMS).map(put)).collect())
        }
        other => panic!("no profile run is called {other}"),
    };
    for body in requests.iter().cycle().take(count) {
        black_box(send(&mut db, operation, body));
    }
}

fn main() {
    // Cargo adds its own `--bench` to the arguments.
    let mut arguments = std::env::args().skip_while(|argument| !argument.ends_with("-profile"));
    if let (Some(run), Some(count)) = (arguments.next(), arguments.next()) {
        return profile(&run, count.parse().expect("a profile run takes a count"));
    }
    let puts: Vec<String> = (0..ITEMS).map(put).collect();
    let keys: Vec<String> = (0..ITEMS).map(key).collect();
    let queries: Vec<String> = (0..ITEMS / PARTITION)
        .map(|p| {
            format!(
                r#"{{"TableName":"Bench","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{{":p":{{"S":"user#{p}"}}}}}}"#
            )
        })
        .collect();
    let updates: Vec<String> = (0..ITEMS).map(update).collect();
    println!("Dynaplay native engine, single thread, {ITEMS} items of ~1 KB, median of {RUNS} runs");
    // Inserts into a fresh table each run: re-putting identical items would measure
    // the no-change path instead.
    report("PutItem (insert)", (0..RUNS).map(|_| rate(&mut new_database(), "PutItem", &puts)).collect());
    let replacements: Vec<String> = (0..ITEMS).map(|n| put(n).replace(VERSION_1, VERSION_2)).collect();
    let replaces = (0..RUNS).map(|_| {
        let mut db = new_database();
        rate(&mut db, "PutItem", &puts);
        rate(&mut db, "PutItem", &replacements)
    });
    report("PutItem (replace)", replaces.collect());
    let mut db = new_database();
    rate(&mut db, "PutItem", &puts);
    measure("GetItem", &mut db, "GetItem", &keys);
    measure(&format!("Query ({PARTITION} items per partition)"), &mut db, "Query", &queries);
    measure("UpdateItem with a condition", &mut db, "UpdateItem", &updates);
    index_costs(&puts, &queries);
    stream_costs(&puts, &updates);
}

/// PutItem (insert) and UpdateItem on a table whose stream carries both images; compare
/// with the lines above, measured without a stream.
fn stream_costs(puts: &[String], updates: &[String]) {
    let with_stream = || {
        let mut db = new_database();
        let enable = r#"{"TableName":"Bench","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}}"#;
        send(&mut db, "UpdateTable", enable);
        db
    };
    let inserts = (0..RUNS).map(|_| rate(&mut with_stream(), "PutItem", puts)).collect();
    report("PutItem (insert), NEW_AND_OLD_IMAGES", inserts);
    let mut db = with_stream();
    rate(&mut db, "PutItem", puts);
    let updates = (0..RUNS).map(|_| {
        // A day later the previous run's records are trimmed, which keeps memory bounded.
        send(&mut db, "Dynaplay.SetClock", r#"{"AdvanceMillis":86400000}"#);
        rate(&mut db, "UpdateItem", updates)
    });
    report("UpdateItem with a condition, NEW_AND_OLD", updates.collect());
}

/// PutItem with 0, 1 and 5 global indexes, and Query through an index against the table.
fn index_costs(puts: &[String], queries: &[String]) {
    println!("\nGlobal secondary indexes (projection ALL)");
    let mut base = 0.0;
    for count in [0, 1, 5] {
        let mut rates: Vec<f64> = (0..RUNS).map(|_| rate(&mut database_with_indexes(count), "PutItem", puts)).collect();
        rates.sort_by(f64::total_cmp);
        let median = rates[RUNS / 2];
        if count == 0 {
            base = median;
        }
        let units = write_units(count, &puts[0]);
        let label = format!("PutItem, {count} GSIs ({:.2}x of none; {units} write units a put)", median / base);
        println!("{label:<60} {median:>10.0} ops/s");
    }
    let mut db = database_with_indexes(1);
    rate(&mut db, "PutItem", puts);
    let by_index: Vec<String> =
        queries.iter().map(|query| query.replacen('{', r#"{"IndexName":"byPkAge","#, 1)).collect();
    let mut table_rates: Vec<f64> = (0..RUNS).map(|_| rate(&mut db, "Query", queries)).collect();
    let mut index_rates: Vec<f64> = (0..RUNS).map(|_| rate(&mut db, "Query", &by_index)).collect();
    table_rates.sort_by(f64::total_cmp);
    index_rates.sort_by(f64::total_cmp);
    let (table, index) = (table_rates[RUNS / 2], index_rates[RUNS / 2]);
    println!("{:<60} {table:>10.0} ops/s", format!("Query ({PARTITION} items) of the table"));
    let label = format!("Query ({PARTITION} items) through a GSI ({:.2}x of the table)", index / table);
    println!("{label:<60} {index:>10.0} ops/s");
}

/// The write units one put of `put` consumes on a fresh table with `count` indexes.
fn write_units(count: usize, put: &str) -> String {
    let mut db = database_with_indexes(count);
    let request = put.replacen('{', r#"{"ReturnConsumedCapacity":"TOTAL","#, 1);
    let response = send(&mut db, "PutItem", &request);
    let units = response.split(r#""CapacityUnits":"#).nth(1).and_then(|rest| rest.split('}').next());
    units.unwrap_or("?").to_string()
}
