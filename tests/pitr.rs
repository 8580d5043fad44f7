//! Point-in-time recovery against an oracle: random writes over a minute of engine
//! clock, then a restore at every second compared with a BTreeMap that replayed the same
//! writes; and the history functions export reads (`items_at`, `changes_between`)
//! checked against each other, before and after the store is reopened.

mod common;

use common::{Harness, START_MILLIS};
use dynaplay::model::{AttributeValue, Item};
use std::collections::BTreeMap;

const SECONDS: u64 = 60;
const KEYS: u64 = 8;

/// The oracle's view of a table: id -> value of `v`.
type Oracle = BTreeMap<String, String>;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

fn oracle_of<'a>(items: impl Iterator<Item = &'a Item>) -> Oracle {
    let text = |item: &Item, name: &str| match item.get(name) {
        Some(AttributeValue::S(text)) => text.clone(),
        Some(AttributeValue::N(number)) => number.to_string(),
        other => panic!("unexpected {name}: {other:?}"),
    };
    items.map(|item| (text(item, "id"), text(item, "v"))).collect()
}

/// Writes for a minute: in second `s`, up to four writes 100 ms apart from 100 ms past
/// the second on. Returns the oracle state at each whole second (before its writes).
fn write_for_a_minute(h: &mut Harness) -> Vec<Oracle> {
    h.send("CreateTable", r#"{"TableName":"tbl","BillingMode":"PAY_PER_REQUEST",
        "KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}]}"#)
        .unwrap();
    h.send("PutItem", r#"{"TableName":"tbl","Item":{"id":{"S":"before"},"v":{"N":"0"}}}"#).unwrap();
    h.send(
        "UpdateContinuousBackups",
        r#"{"TableName":"tbl","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true}}"#,
    )
    .unwrap();
    let mut oracle = Oracle::from([("before".to_string(), "0".to_string())]);
    let mut random = Random(0x2545_F491_4F6C_DD1D);
    let mut at_second = Vec::new();
    for second in 0..SECONDS {
        at_second.push(oracle.clone());
        for _ in 0..random.below(5) {
            h.clock.advance(100);
            let id = format!("k{}", random.below(KEYS));
            if random.below(3) == 0 {
                h.send("DeleteItem", &format!(r#"{{"TableName":"tbl","Key":{{"id":{{"S":"{id}"}}}}}}"#)).unwrap();
                oracle.remove(&id);
            } else {
                let value = second * 10 + random.below(10);
                let put = format!(r#"{{"TableName":"tbl","Item":{{"id":{{"S":"{id}"}},"v":{{"N":"{value}"}}}}}}"#);
                h.send("PutItem", &put).unwrap();
                oracle.insert(id, value.to_string());
            }
        }
        let now = START_MILLIS + (second + 1) * 1000;
        h.clock.advance(now - h.db.engine().now_millis());
    }
    at_second.push(oracle);
    // Five minutes on, every second written is restorable.
    h.clock.advance(5 * 60 * 1000);
    at_second
}

#[test]
fn a_restore_at_every_second_holds_the_items_of_that_second() {
    let mut h = Harness::new();
    let expected = write_for_a_minute(&mut h);
    for (second, oracle) in expected.iter().enumerate() {
        let at = START_MILLIS / 1000 + second as u64;
        let restore = format!(r#"{{"SourceTableName":"tbl","TargetTableName":"restored","RestoreDateTime":{at}}}"#);
        h.send("RestoreTableToPointInTime", &restore).unwrap_or_else(|error| panic!("second {second}: {error}"));
        let restored = h.db.engine().table("restored").expect("the restored table");
        let items: Vec<Item> = restored.items().map(|(_, item)| item).collect();
        assert_eq!(&oracle_of(items.iter()), oracle, "second {second}");
        h.send("DeleteTable", r#"{"TableName":"restored"}"#).unwrap();
    }
    h.assert_memory_equals_store();
}

/// The items at one moment with every change up to a later one applied are the items
/// at that later moment; and each change's images agree with the items around it.
fn check_history_functions(h: &Harness, expected: &[Oracle]) {
    let engine = h.db.engine();
    let millis = |second: usize| START_MILLIS + second as u64 * 1000;
    for (second, oracle) in expected.iter().enumerate() {
        let items = engine.items_at("tbl", millis(second)).unwrap();
        assert_eq!(&oracle_of(items.iter().map(|(_, item)| item)), oracle, "items_at second {second}");
    }
    for (from, to) in [(0, 1), (3, 17), (0, SECONDS as usize), (20, 21), (59, 60)] {
        let mut items: BTreeMap<_, _> = engine.items_at("tbl", millis(from)).unwrap().into_iter().collect();
        for change in engine.changes_between("tbl", millis(from), millis(to)).unwrap() {
            assert_eq!(items.get(&change.key), change.old.as_deref(), "old image of a change in {from}..{to}");
            match &change.new {
                Some(new) => items.insert(change.key.clone(), Item::clone(new)),
                None => items.remove(&change.key),
            };
        }
        assert_eq!(&oracle_of(items.values()), &expected[to], "changes_between {from} and {to}");
    }
}

#[test]
fn items_at_and_changes_between_agree_with_the_oracle_before_and_after_reopening() {
    let mut h = Harness::new();
    let expected = write_for_a_minute(&mut h);
    check_history_functions(&h, &expected);
    h.db = h.reopen();
    check_history_functions(&h, &expected);
}

#[test]
fn history_older_than_the_recovery_period_is_trimmed_and_stays_trimmed_after_reopening() {
    let mut h = Harness::new();
    write_for_a_minute(&mut h);
    assert!(h.db.engine().history().all().count() > 0);
    h.clock.advance(36 * 24 * 60 * 60 * 1000);
    h.send("ListTables", "{}").unwrap();
    assert_eq!(h.db.engine().history().all().count(), 0);
    h.assert_memory_equals_store();
}
