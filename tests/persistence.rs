//! Group commit and failure handling of `storage::Database`, driven natively over the
//! mirror store: what the IndexedDB driver does in the browser, minus the browser.

mod common;
mod escapes;

use common::{backups_of, history_of, state_of, Harness, START_MILLIS};
use dynaplay::clock::ManualClock;
use dynaplay::storage::{Database, Outcome};
use dynaplay::ErrorKind;

const CREATE: &str = r#"{"TableName":"tbl","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],
    "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}"#;

fn put(id: &str) -> String {
    format!(r#"{{"TableName":"tbl","Item":{{"id":{{"S":"{id}"}},"n":{{"N":"1"}}}}}}"#)
}

fn queued(outcome: Outcome) -> u64 {
    match outcome {
        Outcome::Queued { ticket } => ticket,
        Outcome::Ready(response) => panic!("expected a queued request, got {response}"),
    }
}

#[test]
fn pipelined_requests_commit_as_one_batch() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    let tickets: Vec<u64> =
        ["a", "b", "c"].iter().map(|id| queued(h.db.execute("PutItem", &put(id)).unwrap())).collect();
    let batch = h.db.take_batch().expect("one batch");
    assert_eq!(batch.writes.len(), 3);
    assert!(h.db.take_batch().is_none(), "no second batch while one is in flight");
    h.store.commit(&batch).unwrap();
    let answered: Vec<u64> = h.db.commit_succeeded(batch.id).into_iter().map(|(ticket, _)| ticket).collect();
    assert_eq!(answered, tickets);
    h.assert_memory_equals_store();
}

#[test]
fn requests_queued_while_a_batch_takes_writes_join_it() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    let first = queued(h.db.execute("PutItem", &put("a")).unwrap());
    let mut batch = h.db.take_batch().expect("one batch");
    let later: Vec<u64> = ["b", "c"].iter().map(|id| queued(h.db.execute("PutItem", &put(id)).unwrap())).collect();
    batch.writes.extend(h.db.extend_batch(batch.id));
    assert_eq!(batch.writes.len(), 3);
    assert!(h.db.extend_batch(batch.id).is_empty(), "nothing queued since");
    assert!(h.db.take_batch().is_none(), "nothing left for another batch");
    h.store.commit(&batch).unwrap();
    let answered: Vec<u64> = h.db.commit_succeeded(batch.id).into_iter().map(|(ticket, _)| ticket).collect();
    assert_eq!(answered, [vec![first], later].concat());
    assert!(h.db.extend_batch(batch.id).is_empty(), "a committed batch takes nothing");
    h.assert_memory_equals_store();
}

#[test]
fn reads_wait_behind_uncommitted_writes() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    queued(h.db.execute("PutItem", &put("a")).unwrap());
    let read = h.db.execute("GetItem", r#"{"TableName":"tbl","Key":{"id":{"S":"a"}}}"#).unwrap();
    queued(read);
}

#[test]
fn a_failed_commit_rejects_every_waiting_request_and_changes_nothing() {
    a_failed_commit_with_a_request_queued_behind_it(false);
}

#[test]
fn a_failed_extended_batch_rejects_all_its_requests_and_changes_nothing() {
    a_failed_commit_with_a_request_queued_behind_it(true);
}

/// A batch fails while a second request waits: queued for the next batch, or taken into
/// this one (`extended`).
fn a_failed_commit_with_a_request_queued_behind_it(extended: bool) {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    h.send("PutItem", &put("kept")).unwrap();
    let before = state_of(&h.db);
    let first = queued(h.db.execute("PutItem", &put("a")).unwrap());
    let mut batch = h.db.take_batch().unwrap();
    let second = queued(h.db.execute("DeleteItem", r#"{"TableName":"tbl","Key":{"id":{"S":"kept"}}}"#).unwrap());
    if extended {
        batch.writes.extend(h.db.extend_batch(batch.id));
    }
    h.store.fail_next_commit("QuotaExceededError");
    assert!(h.store.commit(&batch).is_err());
    assert_eq!(h.db.commit_failed(batch.id), vec![first, second]);
    assert_eq!(state_of(&h.db), before);
    h.assert_memory_equals_store();
    assert!(!h.db.is_waiting());
}

#[test]
fn a_failed_table_deletion_restores_the_table() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    h.send("PutItem", &put("a")).unwrap();
    let before = state_of(&h.db);
    queued(h.db.execute("DeleteTable", r#"{"TableName":"tbl"}"#).unwrap());
    let batch = h.db.take_batch().unwrap();
    h.db.commit_failed(batch.id);
    assert_eq!(state_of(&h.db), before);
}

#[test]
fn a_failed_request_queues_nothing() {
    let mut h = Harness::new();
    let error = h.db.execute("GetItem", r#"{"TableName":"missing","Key":{"id":{"S":"a"}}}"#).unwrap_err();
    assert_eq!(error.kind, ErrorKind::ResourceNotFound);
    assert!(!h.db.is_waiting());
}

#[test]
fn a_new_store_records_its_format_version_with_the_first_write() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    let snapshot = h.store.snapshot();
    assert!(snapshot.meta.contains(&("format".to_string(), r#"{"version":1}"#.to_string())));
}

#[test]
fn a_store_from_a_newer_dynaplay_is_refused() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    let mut snapshot = h.store.snapshot();
    snapshot.meta.retain(|(key, _)| key != "format");
    snapshot.meta.push(("format".to_string(), r#"{"version":99}"#.to_string()));
    let error = Database::open(&snapshot, Box::new(ManualClock::new(0))).err().expect("refused");
    assert!(error.to_string().contains("format version 99"), "{error}");
}

#[test]
fn an_ephemeral_database_answers_at_once() {
    let mut db = Database::ephemeral(Box::new(ManualClock::new(0)));
    assert!(matches!(db.execute("CreateTable", CREATE).unwrap(), Outcome::Ready(_)));
    assert!(matches!(db.execute("PutItem", &put("a")).unwrap(), Outcome::Ready(_)));
    assert!(db.take_batch().is_none());
}

#[test]
fn a_failed_commit_reverts_a_whole_transaction_and_a_reopen_never_shows_half_of_one() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    h.send("PutItem", &put("kept")).unwrap();
    let before = state_of(&h.db);
    let transaction = r#"{"TransactItems":[
        {"Put":{"TableName":"tbl","Item":{"id":{"S":"a"}}}},
        {"Put":{"TableName":"tbl","Item":{"id":{"S":"b"}}}},
        {"Delete":{"TableName":"tbl","Key":{"id":{"S":"kept"}}}}]}"#;
    queued(h.db.execute("TransactWriteItems", transaction).unwrap());
    let batch = h.db.take_batch().unwrap();
    assert_eq!(batch.writes.len(), 3, "one request's changes commit in one batch");
    h.store.fail_next_commit("QuotaExceededError");
    assert!(h.store.commit(&batch).is_err());
    h.db.commit_failed(batch.id);
    assert_eq!(state_of(&h.db), before);
    assert_eq!(state_of(&h.reopen()), before);
    // Committed, the whole transaction is stored, and a reopen shows all of it.
    h.send("TransactWriteItems", transaction).unwrap();
    h.assert_memory_equals_store();
    assert_eq!(state_of(&h.reopen())[0].1.len(), 2);
}

fn enable_recovery(h: &mut Harness) {
    let recovery = r#"{"TableName":"tbl","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true}}"#;
    h.send("UpdateContinuousBackups", recovery).unwrap();
}

#[test]
fn backups_and_point_in_time_history_survive_a_reopen() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    enable_recovery(&mut h);
    h.send("PutItem", &put("a")).unwrap();
    let created = h.send("CreateBackup", r#"{"TableName":"tbl","BackupName":"kept"}"#).unwrap();
    let arn = serde_json::from_str::<serde_json::Value>(&created).unwrap()["BackupDetails"]["BackupArn"]
        .as_str()
        .unwrap()
        .to_string();
    h.clock.advance(60_000);
    h.send("PutItem", &put("b")).unwrap();
    h.clock.advance(10 * 60_000);
    h.assert_memory_equals_store();
    h.db = h.reopen();
    let restore_backup = format!(r#"{{"TargetTableName":"fromBackup","BackupArn":"{arn}"}}"#);
    h.send("RestoreTableFromBackup", &restore_backup).unwrap();
    let at = START_MILLIS / 1000 + 30;
    let restore_pitr = format!(r#"{{"SourceTableName":"tbl","TargetTableName":"fromHistory","RestoreDateTime":{at}}}"#);
    h.send("RestoreTableToPointInTime", &restore_pitr).unwrap();
    for name in ["fromBackup", "fromHistory"] {
        let ids: Vec<String> =
            h.db.engine().table(name).unwrap().items().map(|(_, item)| format!("{:?}", item["id"])).collect();
        assert_eq!(ids, vec![r#"S("a")"#.to_string()], "{name}");
    }
    h.assert_memory_equals_store();
}

#[test]
fn a_failed_commit_takes_back_backups_history_and_a_deleted_tables_system_backup() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    enable_recovery(&mut h);
    h.send("PutItem", &put("a")).unwrap();
    let (tables, history) = (state_of(&h.db), history_of(&h.db));
    queued(h.db.execute("PutItem", &put("b")).unwrap());
    let batch = h.db.take_batch().unwrap();
    queued(h.db.execute("CreateBackup", r#"{"TableName":"tbl","BackupName":"lost"}"#).unwrap());
    queued(h.db.execute("DeleteTable", r#"{"TableName":"tbl"}"#).unwrap());
    assert_eq!(backups_of(&h.db).len(), 2, "the user backup and the deleted table's system backup");
    h.store.fail_next_commit("QuotaExceededError");
    assert!(h.store.commit(&batch).is_err());
    assert_eq!(h.db.commit_failed(batch.id).len(), 3);
    assert_eq!(state_of(&h.db), tables);
    assert_eq!(history_of(&h.db), history);
    assert!(backups_of(&h.db).is_empty());
    h.assert_memory_equals_store();
}

/// A table keyed by `partition` (and `sort`) of the given types, with a global secondary
/// index keyed the other way round and, with a sort key, a local one on `alt`.
fn keyed_table(partition: &str, sort: Option<&str>) -> String {
    let mut key_schema = vec![serde_json::json!({"AttributeName": "pk", "KeyType": "HASH"})];
    let mut definitions = vec![serde_json::json!({"AttributeName": "pk", "AttributeType": partition})];
    let mut local = Vec::new();
    let mut global_key = vec![serde_json::json!({"AttributeName": "alt", "KeyType": "HASH"})];
    if let Some(sort) = sort {
        key_schema.push(serde_json::json!({"AttributeName": "sk", "KeyType": "RANGE"}));
        definitions.push(serde_json::json!({"AttributeName": "sk", "AttributeType": sort}));
        local.push(serde_json::json!({"IndexName": "local", "Projection": {"ProjectionType": "ALL"}, "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "alt", "KeyType": "RANGE"}]}));
        global_key.push(serde_json::json!({"AttributeName": "sk", "KeyType": "RANGE"}));
    }
    definitions.push(serde_json::json!({"AttributeName": "alt", "AttributeType": "S"}));
    let mut request = serde_json::json!({"TableName": "keyed", "KeySchema": key_schema,
        "AttributeDefinitions": definitions, "BillingMode": "PAY_PER_REQUEST",
        "GlobalSecondaryIndexes": [{"IndexName": "global", "KeySchema": global_key,
            "Projection": {"ProjectionType": "KEYS_ONLY"}}]});
    if !local.is_empty() {
        request["LocalSecondaryIndexes"] = serde_json::json!(local);
    }
    request.to_string()
}

/// Key values of each type: strings with a zero byte and non-ASCII text, numbers in
/// forms that are not canonical, binaries with zero bytes.
fn key_values(scalar: &str) -> [serde_json::Value; 4] {
    use serde_json::json;
    match scalar {
        "S" => [json!({"S": "a"}), json!({"S": "a\u{0}b"}), json!({"S": "é/ü"}), json!({"S": "zz"})],
        "N" => [json!({"N": "0"}), json!({"N": "-1.50"}), json!({"N": "1E+3"}), json!({"N": "00012.3e-5"})],
        _ => [json!({"B": "AA=="}), json!({"B": "AAEA"}), json!({"B": "/w=="}), json!({"B": "AQID"})],
    }
}

/// A cold open reads items without their keys and computes each from the item's key
/// attributes and its table's key schema: the keys they were stored under, for every key
/// type, hash-only and composite keys, with local and global indexes rebuilt the same
/// (`assert_memory_equals_store` reopens with and without the stored keys).
#[test]
fn items_read_without_keys_get_the_keys_they_were_stored_under() {
    let schemas = [("S", None), ("N", None), ("B", None), ("S", Some("N")), ("N", Some("B")), ("B", Some("S"))];
    for (partition, sort) in schemas {
        let mut h = Harness::new();
        h.send("CreateTable", &keyed_table(partition, sort)).unwrap();
        for (position, pk) in key_values(partition).into_iter().enumerate() {
            let sorts = sort.map_or(vec![None], |sort| key_values(sort).into_iter().map(Some).collect());
            for (count, sk) in sorts.into_iter().enumerate() {
                let mut item = serde_json::json!({"pk": pk, "n": {"N": position.to_string()}});
                if let Some(sk) = sk {
                    item["sk"] = sk;
                }
                // Every other item is in the indexes (they are sparse).
                if count % 2 == 0 {
                    item["alt"] = serde_json::json!({"S": format!("alt{count}")});
                }
                h.send("PutItem", &serde_json::json!({"TableName": "keyed", "Item": item}).to_string()).unwrap();
            }
        }
        h.assert_memory_equals_store();
    }
}

/// Items read without their keys that do not give one key each do not open (the IndexedDB
/// driver then reads them again with their keys); with the stored keys they do.
#[test]
fn items_without_keys_that_give_no_key_or_one_key_twice_do_not_open() {
    let mut h = Harness::new();
    h.send("CreateTable", CREATE).unwrap();
    h.send("PutItem", &put("a")).unwrap();
    h.send("PutItem", &put("b")).unwrap();
    let opens = |snapshot: &dynaplay::storage::Snapshot| Database::open(snapshot, Box::new(ManualClock::new(0)));
    let tampered =
        |snapshot: &mut dynaplay::storage::Snapshot, value: &str| snapshot.items[1].value = value.to_string();

    let no_key = r#"{"n":{"N":"1"}}"#;
    let mut without_keys = h.store.snapshot_without_keys();
    tampered(&mut without_keys, no_key);
    let error = opens(&without_keys).err().expect("an item without its key attribute");
    assert!(error.to_string().contains("it does not hold its key attributes"), "{error}");
    let mut with_keys = h.store.snapshot();
    tampered(&mut with_keys, no_key);
    assert!(opens(&with_keys).is_ok());

    let item_a = h.store.snapshot().items[0].value.clone();
    let mut without_keys = h.store.snapshot_without_keys();
    tampered(&mut without_keys, &item_a);
    let error = opens(&without_keys).err().expect("two items with one key");
    assert!(error.to_string().contains("two items of table"), "{error}");
    let mut with_keys = h.store.snapshot();
    tampered(&mut with_keys, &item_a);
    assert!(opens(&with_keys).is_ok());
}

/// A table's items in key order, as stores hold them, build its map in one pass; in any
/// other order they go in one by one: the same table, indexes and size either way.
#[test]
fn items_in_any_order_open_to_the_same_table() {
    let mut h = Harness::new();
    h.send("CreateTable", &keyed_table("S", Some("N"))).unwrap();
    for n in 0..40 {
        let item =
            serde_json::json!({"pk": {"S": format!("p{}", n % 4)}, "sk": {"N": n.to_string()}, "alt": {"S": "a"}});
        h.send("PutItem", &serde_json::json!({"TableName": "keyed", "Item": item}).to_string()).unwrap();
    }
    let in_order = h.store.snapshot_without_keys();
    let mut reversed = in_order.clone();
    reversed.items.reverse();
    let describe = |snapshot: &dynaplay::storage::Snapshot| {
        let mut db = Database::open(snapshot, Box::new(ManualClock::new(START_MILLIS))).unwrap();
        let Ok(Outcome::Ready(description)) = db.execute("DescribeTable", r#"{"TableName":"keyed"}"#) else {
            panic!("DescribeTable answers at once")
        };
        (state_of(&db), description)
    };
    let (ordered, unordered) = (describe(&in_order), describe(&reversed));
    assert!(ordered.1.contains(r#""ItemCount":40"#), "{}", ordered.1);
    assert_eq!(ordered, unordered);
}

#[test]
fn stored_text_escapes_every_character_as_serde_json_at_every_position() {
    escapes::every_character_is_escaped_as_serde_json_at_every_position();
}
