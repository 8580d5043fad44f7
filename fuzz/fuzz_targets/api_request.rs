//! The API request parser and every operation behind it: the input's first line names the
//! operation (scripts/fuzz.sh seeds the corpus with the golden files' requests), the rest is
//! the request body. A database with a table with a global index and a stream, and a
//! table with neither (whose plain PutItems are read straight into packed items), is set
//! up once per run; whatever the body, the answer is a response or a DynamoDB error,
//! never a panic, and a rejected request changes nothing.
#![no_main]

use dynaplay::clock::ManualClock;
use dynaplay::storage::{Database, Outcome};
use libfuzzer_sys::fuzz_target;

const CREATE: &str = r#"{"TableName":"tbl","BillingMode":"PAY_PER_REQUEST",
 "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"g","AttributeType":"S"}],
 "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
 "GlobalSecondaryIndexes":[{"IndexName":"byG","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}],
 "StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}}"#;
const SEED: &str =
    r#"{"TableName":"tbl","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"g":{"S":"x"},"l":{"L":[{"M":{"n":{"N":"2"}}}]}}}"#;
const CREATE_FLAT: &str = r#"{"TableName":"flat","BillingMode":"PAY_PER_REQUEST",
 "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],
 "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]}"#;
const SEED_FLAT: &str =
    r#"{"TableName":"flat","Item":{"sk":{"N":"1"},"pk":{"S":"a"},"m":{"M":{"y":{"N":"2.50"},"x":{"SS":["b","a"]}}}}}"#;

fn database() -> Database {
    let mut db = Database::ephemeral(Box::new(ManualClock::new(1_700_000_000_000)));
    let setup = [("CreateTable", CREATE), ("PutItem", SEED), ("CreateTable", CREATE_FLAT), ("PutItem", SEED_FLAT)];
    for (operation, body) in setup {
        let outcome = db.execute(operation, body);
        assert!(matches!(outcome, Ok(Outcome::Ready(_))), "set-up failed: {outcome:?}");
    }
    db
}

/// What a request may not change when it is rejected: every table's description and items.
fn state(db: &mut Database) -> String {
    let state_of = |db: &mut Database, table: &str| {
        let scan = db.execute("Scan", &format!(r#"{{"TableName":"{table}","ConsistentRead":true}}"#));
        let described = db.execute("DescribeTable", &format!(r#"{{"TableName":"{table}"}}"#));
        format!("{scan:?}{described:?}")
    };
    state_of(db, "tbl") + &state_of(db, "flat")
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (operation, body) = text.split_once('\n').unwrap_or((&text, ""));
    let mut db = database();
    let before = state(&mut db);
    if db.execute(operation, &body).is_err() {
        assert_eq!(state(&mut db), before, "a rejected {operation} changed the database");
    }
});
