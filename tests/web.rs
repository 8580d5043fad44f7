//! The JavaScript API in headless Chrome, against real IndexedDB:
//! `wasm-pack test --headless --chrome`.
//!
//! The tests call the exported `Database` class's methods as the JS glue does, with JS
//! values in and promises out, so they check the promise and error shapes as well as
//! persistence, group commit, failed commits and the tab lock.
#![cfg(target_arch = "wasm32")]

mod escapes;

use dynaplay::wasm::Database;
use js_sys::{Array, Promise, Reflect, JSON};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::IdbFactory;

wasm_bindgen_test_configure!(run_in_browser);

/// A database name no other test (or earlier run) uses.
fn unique(test: &str) -> String {
    format!("{test}-{}", js_sys::Math::random().to_bits())
}

async fn open(name: &str) -> Result<Database, JsValue> {
    Database::open(name.to_string(), None).await
}

async fn closed(db: &Database) {
    JsFuture::from(db.close()).await.expect("closes");
}

/// The page's IndexedDB, as a test reaches around Dynaplay to it.
fn indexed_db() -> IdbFactory {
    Reflect::get(&js_sys::global(), &"indexedDB".into()).expect("indexedDB").unchecked_into()
}

/// Waits for an IndexedDB request to succeed.
async fn succeeded(request: &web_sys::IdbRequest, what: &str) {
    let done = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(done).await.unwrap_or_else(|_| panic!("{what} fails"));
}

/// Waits for an IndexedDB transaction to complete.
async fn completed(transaction: &web_sys::IdbTransaction, what: &str) {
    let done = Promise::new(&mut |resolve, reject| {
        transaction.set_oncomplete(Some(&resolve));
        transaction.set_onabort(Some(&reject));
    });
    JsFuture::from(done).await.unwrap_or_else(|_| panic!("{what} aborts"));
}

/// The IndexedDB database behind `name`, opened raw, as anyone with the browser profile could.
async fn open_raw(name: &str) -> web_sys::IdbDatabase {
    let request = indexed_db().open(&format!("dynaplay:{name}")).expect("open");
    succeeded(&request, "opening the database").await;
    request.result().expect("a database").unchecked_into()
}

/// Deletes the IndexedDB database behind `name`.
async fn remove(name: &str) {
    let request = indexed_db().delete_database(&format!("dynaplay:{name}")).expect("deleteDatabase");
    succeeded(&request, "deleting the database").await;
}

/// Sends a request object (as a JS object, the way pages usually do).
fn start(db: &Database, operation: &str, request: &Value) -> Promise {
    db.send(operation, JSON::parse(&request.to_string()).expect("the request is JSON"), None)
}

async fn send(db: &Database, operation: &str, request: Value) -> Result<Value, JsValue> {
    JsFuture::from(start(db, operation, &request)).await.map(|response| to_json(&response))
}

async fn ok(db: &Database, operation: &str, request: Value) -> Value {
    let result = send(db, operation, request).await;
    result.unwrap_or_else(|error| panic!("{operation} failed: {}", field(&error, "message")))
}

fn to_json(value: &JsValue) -> Value {
    let text = JSON::stringify(value).expect("stringify").as_string().expect("a string");
    serde_json::from_str(&text).expect("JSON")
}

fn field(value: &JsValue, name: &str) -> String {
    Reflect::get(value, &name.into()).ok().and_then(|value| value.as_string()).unwrap_or_default()
}

fn stat(db: &Database, name: &str) -> u64 {
    to_json(&db.stats())[name].as_u64().expect("a counter")
}

async fn create_table(db: &Database, name: &str) {
    let request = json!({
        "TableName": name,
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST"
    });
    ok(db, "CreateTable", request).await;
}

fn item(id: &str, n: u32) -> Value {
    json!({"id": {"S": id}, "n": {"N": n.to_string()}, "tags": {"SS": ["a", "b"]}, "m": {"M": {"x": {"NULL": true}}}})
}

async fn put(db: &Database, table: &str, item: Value) {
    ok(db, "PutItem", json!({"TableName": table, "Item": item})).await;
}

/// The item stored under `id`, or Null.
async fn get(db: &Database, table: &str, id: &str) -> Value {
    let response = ok(db, "GetItem", json!({"TableName": table, "Key": {"id": {"S": id}}})).await;
    response.get("Item").cloned().unwrap_or(Value::Null)
}

/// What a database holds, as seen through the API: its table names and these items.
async fn state(db: &Database, table: &str, ids: &[&str]) -> Value {
    let mut items = Vec::new();
    for id in ids {
        items.push(get(db, table, id).await);
    }
    json!({"tables": ok(db, "ListTables", json!({})).await["TableNames"], "items": items})
}

#[wasm_bindgen_test]
async fn items_survive_close_and_reopen() {
    let name = unique("reopen");
    let db = open(&name).await.expect("opens");
    create_table(&db, "Users").await;
    for (id, n) in [("a", 1), ("b", 2), ("c", 3)] {
        put(&db, "Users", item(id, n)).await;
    }
    ok(&db, "DeleteItem", json!({"TableName": "Users", "Key": {"id": {"S": "b"}}})).await;
    // A deleted table's items go too (a key-range delete: items of an unknown table would
    // make the reopen fail as corrupt), and a new table of the same name starts empty.
    create_table(&db, "Gone").await;
    put(&db, "Gone", item("x", 1)).await;
    ok(&db, "DeleteTable", json!({"TableName": "Gone"})).await;
    closed(&db).await;

    let db = open(&name).await.expect("reopens");
    assert_eq!(get(&db, "Users", "a").await, item("a", 1));
    assert_eq!(get(&db, "Users", "b").await, Value::Null);
    assert_eq!(get(&db, "Users", "c").await, item("c", 3));
    assert_eq!(ok(&db, "ListTables", json!({})).await["TableNames"], json!(["Users"]));
    create_table(&db, "Gone").await;
    assert_eq!(get(&db, "Gone", "x").await, Value::Null);
    closed(&db).await;
    remove(&name).await;
}

#[wasm_bindgen_test]
async fn pipelined_requests_are_committed_together() {
    let name = unique("pipelined");
    let db = open(&name).await.expect("opens");
    create_table(&db, "Users").await;
    let commits_before = stat(&db, "commits");
    // More than one chunk of writes joins the open transaction during the task.
    let ids: Vec<String> = (0..70).map(|i| format!("item{i:02}")).collect();
    let puts: Array =
        ids.iter().map(|id| start(&db, "PutItem", &json!({"TableName": "Users", "Item": item(id, 7)}))).collect();
    let responses = JsFuture::from(Promise::all(&puts)).await.expect("every put succeeds");
    assert_eq!(to_json(&responses), json!(vec![json!({}); 70]));
    assert_eq!(stat(&db, "commits") - commits_before, 1, "the task's puts share one commit");
    closed(&db).await;

    let db = open(&name).await.expect("reopens");
    for id in &ids {
        assert_eq!(get(&db, "Users", id).await, item(id, 7));
    }
    closed(&db).await;
    remove(&name).await;
}

#[wasm_bindgen_test]
async fn a_failed_commit_rejects_and_changes_nothing() {
    let name = unique("failed");
    let ids = ["a", "b", "c", "d"];
    let db = open(&name).await.expect("opens");
    create_table(&db, "Users").await;
    put(&db, "Users", item("a", 1)).await;

    db.fail_next_commit();
    let overwrite = start(&db, "PutItem", &json!({"TableName": "Users", "Item": item("a", 2)}));
    let insert = start(&db, "PutItem", &json!({"TableName": "Users", "Item": item("b", 2)}));
    for promise in [overwrite, insert] {
        let error = JsFuture::from(promise).await.expect_err("the commit fails");
        assert_eq!(field(&error, "name"), "InternalServerError");
        assert_eq!(field(&error, "__type"), "com.amazonaws.dynamodb.v20120810#InternalServerError");
        assert!(field(&error, "message").contains("could not be saved"), "{}", field(&error, "message"));
    }
    db.fail_next_commit();
    let error = send(
        &db,
        "CreateTable",
        json!({
            "TableName": "Lost",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .await
    .expect_err("the commit fails");
    assert_eq!(field(&error, "code"), "InternalServerError");
    assert_eq!(stat(&db, "failedCommits"), 2);

    // The database keeps working after a failure.
    put(&db, "Users", item("d", 4)).await;
    let in_memory = state(&db, "Users", &ids).await;
    assert_eq!(in_memory, json!({"tables": ["Users"], "items": [item("a", 1), null, null, item("d", 4)]}));
    closed(&db).await;

    let db = open(&name).await.expect("reopens");
    assert_eq!(state(&db, "Users", &ids).await, in_memory);
    closed(&db).await;
    remove(&name).await;
}

#[wasm_bindgen_test]
async fn a_failed_commit_of_pipelined_requests_rejects_them_all_and_changes_nothing() {
    let name = unique("failed-pipelined");
    let db = open(&name).await.expect("opens");
    create_table(&db, "Users").await;
    put(&db, "Users", item("item00", 1)).await;
    db.fail_next_commit();
    let ids: Vec<String> = (0..70).map(|i| format!("item{i:02}")).collect();
    let puts: Vec<Promise> =
        ids.iter().map(|id| start(&db, "PutItem", &json!({"TableName": "Users", "Item": item(id, 2)}))).collect();
    for promise in puts {
        let error = JsFuture::from(promise).await.expect_err("the commit fails");
        assert_eq!(field(&error, "name"), "InternalServerError");
    }
    assert_eq!(stat(&db, "failedCommits"), 1);
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut expected = vec![Value::Null; 70];
    expected[0] = item("item00", 1);
    let unchanged = json!({"tables": ["Users"], "items": expected});
    assert_eq!(state(&db, "Users", &id_refs).await, unchanged);
    closed(&db).await;

    let db = open(&name).await.expect("reopens");
    assert_eq!(state(&db, "Users", &id_refs).await, unchanged);
    closed(&db).await;
    remove(&name).await;
}

#[wasm_bindgen_test]
async fn engine_errors_have_dynamodb_shape() {
    let name = unique("errors");
    let db = open(&name).await.expect("opens");
    let error =
        send(&db, "GetItem", json!({"TableName": "Nope", "Key": {"id": {"S": "a"}}})).await.expect_err("no table");
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(field(&error, "name"), "ResourceNotFoundException");
    assert_eq!(field(&error, "code"), "ResourceNotFoundException");
    assert_eq!(field(&error, "__type"), "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");
    assert_eq!(field(&error, "message"), "Requested resource not found");

    // A request given as a JSON string, and one that is not JSON at all.
    let promise = db.send("PutItem", JsValue::from_str(r#"{"Item": {"id": {"S": "a"}}}"#), None);
    let error = JsFuture::from(promise).await.expect_err("no table name");
    assert_eq!(field(&error, "__type"), "com.amazon.coral.validate#ValidationException");
    let error = JsFuture::from(db.send("PutItem", JsValue::from_str("{"), None)).await.expect_err("not JSON");
    assert_eq!(field(&error, "name"), "SerializationException");
    closed(&db).await;
    remove(&name).await;
}

#[wasm_bindgen_test]
async fn a_throttled_request_carries_its_throttling_reasons() {
    let db = Database::memory();
    ok(&db, "Dynaplay.SetClock", json!({"Rate": 0})).await;
    ok(
        &db,
        "CreateTable",
        json!({"TableName": "Slow", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}),
    )
    .await;
    // One write unit a second with 300 seconds of burst, on a paused clock.
    for n in 0..300 {
        ok(&db, "PutItem", json!({"TableName": "Slow", "Item": {"id": {"S": format!("k{n}")}}})).await;
    }
    let error = send(&db, "PutItem", json!({"TableName": "Slow", "Item": {"id": {"S": "one more"}}}))
        .await
        .expect_err("throttled");
    assert_eq!(field(&error, "name"), "ProvisionedThroughputExceededException");
    let reasons = Reflect::get(&error, &"ThrottlingReasons".into()).expect("ThrottlingReasons");
    assert_eq!(
        to_json(&reasons),
        json!([{"reason": "TableWriteProvisionedThroughputExceeded",
        "resource": "arn:aws:dynamodb:us-east-1:000000000000:table/Slow"}])
    );
}

#[wasm_bindgen_test]
async fn a_second_open_of_the_same_database_is_refused() {
    let name = unique("twice");
    let first = open(&name).await.expect("opens");
    let error = open(&name).await.err().expect("the second open is refused");
    assert_eq!(field(&error, "name"), "DatabaseInUseError");
    let message = field(&error, "message");
    assert!(message.contains("already open in another tab or window"), "{message}");
    closed(&first).await;

    let again = open(&name).await.expect("opens once the first is closed");
    closed(&again).await;
    remove(&name).await;
}

#[wasm_bindgen_test]
async fn close_finishes_sent_requests_then_refuses_more() {
    let name = unique("close");
    let db = open(&name).await.expect("opens");
    create_table(&db, "Users").await;
    let pending = start(&db, "PutItem", &json!({"TableName": "Users", "Item": item("a", 1)}));
    let closing = db.close();
    JsFuture::from(pending).await.expect("the request sent before close is stored");
    JsFuture::from(closing).await.expect("closes");
    let error = send(&db, "ListTables", json!({})).await.expect_err("closed");
    assert_eq!(field(&error, "name"), "DatabaseClosedError");

    let db = open(&name).await.expect("reopens");
    assert_eq!(get(&db, "Users", "a").await, item("a", 1));
    closed(&db).await;
    remove(&name).await;
}

#[wasm_bindgen_test]
async fn a_memory_database_needs_no_storage() {
    let db = Database::memory();
    create_table(&db, "Users").await;
    put(&db, "Users", item("a", 1)).await;
    assert_eq!(get(&db, "Users", "a").await, item("a", 1));
    assert_eq!(stat(&db, "commits"), 0);
    assert_eq!(stat(&db, "requests"), 3);
    closed(&db).await;
}

#[wasm_bindgen_test]
async fn the_dax_option_sends_a_request_through_a_cluster() {
    let db = Database::memory();
    ok(&db, "Dynaplay.SetClock", json!({"Rate": 0})).await;
    let table = json!({"TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
                       "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                       "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]});
    ok(&db, "CreateTable", table).await;
    ok(&db, "Dynaplay.CreateDaxCluster", json!({"ClusterName": "c"})).await;
    let options: js_sys::Object = JSON::parse(r#"{"dax": "c"}"#).expect("options").unchecked_into();
    let get = JsValue::from_str(r#"{"TableName": "tbl", "Key": {"id": {"S": "a"}}}"#);
    for _ in 0..2 {
        JsFuture::from(db.send("GetItem", get.clone(), Some(options.clone()))).await.expect("a read through DAX");
    }
    let clusters = ok(&db, "Dynaplay.DescribeDaxClusters", json!({})).await;
    let statistics = &clusters["Clusters"][0]["Statistics"];
    assert_eq!((statistics["ItemCacheHits"].clone(), statistics["ItemCacheMisses"].clone()), (json!(1), json!(1)));
    assert_eq!(clusters["Clusters"][0]["LastRequest"]["Cache"], json!("HIT"));
}

async fn open_encrypted(name: &str, passphrase: &str) -> Result<Database, JsValue> {
    let options = JSON::parse(&json!({ "passphrase": passphrase }).to_string()).expect("options");
    Database::open(name.to_string(), Some(options.unchecked_into())).await
}

/// Changes the passphrase; `None` stands for `null`.
async fn change_passphrase(db: &Database, old: Option<&str>, new: Option<&str>) -> Result<JsValue, JsValue> {
    let value = |passphrase: Option<&str>| passphrase.map_or(JsValue::NULL, JsValue::from_str);
    JsFuture::from(db.change_passphrase(value(old), value(new))).await
}

/// Every key and value IndexedDB holds for database `name`, as anyone with the browser
/// profile could read them: keys as JSON, text values as they are, binary values as
/// lossy UTF-8 and as hex (item keys are stored as hex), one record a line.
async fn raw_records(name: &str) -> Vec<String> {
    let db = open_raw(name).await;
    let tx = db.transaction_with_str_sequence(&Array::of2(&"meta".into(), &"items".into())).expect("a transaction");
    let reads: Vec<_> = ["meta", "items"]
        .iter()
        .map(|store| {
            let store = tx.object_store(store).expect("the store");
            (store.get_all_keys().expect("getAllKeys"), store.get_all().expect("getAll"))
        })
        .collect();
    completed(&tx, "reading every record").await;
    db.close();
    let mut records = Vec::new();
    for (keys, values) in reads {
        let (keys, values) =
            (Array::from(&keys.result().expect("keys")), Array::from(&values.result().expect("values")));
        for (key, value) in keys.iter().zip(values.iter()) {
            let value = match value.as_string() {
                Some(text) => text,
                None => {
                    let bytes = js_sys::Uint8Array::new(&value).to_vec();
                    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
                    format!("{} {hex}", String::from_utf8_lossy(&bytes))
                }
            };
            records.push(format!("{} {value}", JSON::stringify(&key).expect("a key")));
        }
    }
    records
}

/// Flips the last byte of the first stored item of database `name`, as someone with
/// the browser profile could.
async fn tamper_with_an_item(name: &str) {
    let db = open_raw(name).await;
    let read = db.transaction_with_str("items").expect("a transaction");
    let (keys, values) = {
        let store = read.object_store("items").expect("the store");
        (store.get_all_keys().expect("getAllKeys"), store.get_all().expect("getAll"))
    };
    completed(&read, "reading the items").await;
    db.close();
    let key = Array::from(&keys.result().expect("keys")).get(0);
    let value = js_sys::Uint8Array::new(&Array::from(&values.result().expect("values")).get(0));
    let last = value.length() - 1;
    value.set_index(last, value.get_index(last) ^ 1);
    put_raw_item(name, &key, &value).await;
}

/// Stores `value` under `key` in the `items` store of database `name`, around Dynaplay.
async fn put_raw_item(name: &str, key: &JsValue, value: &JsValue) {
    write_raw_item(name, |store| store.put_with_key(value, key)).await;
}

/// Deletes the record at `key` from the `items` store of database `name`, around Dynaplay.
async fn delete_raw_item(name: &str, key: &JsValue) {
    write_raw_item(name, |store| store.delete(key)).await;
}

/// Makes one request of a readwrite transaction on the `items` store of database `name`.
async fn write_raw_item(
    name: &str,
    request: impl FnOnce(&web_sys::IdbObjectStore) -> Result<web_sys::IdbRequest, JsValue>,
) {
    let db = open_raw(name).await;
    let transaction: js_sys::Function = Reflect::get(&db, &"transaction".into()).expect("transaction").unchecked_into();
    let write: web_sys::IdbTransaction =
        transaction.call2(&db, &"items".into(), &"readwrite".into()).expect("a readwrite transaction").unchecked_into();
    request(&write.object_store("items").expect("the store")).expect("the request");
    completed(&write, "writing the items store").await;
    db.close();
}

/// The lowercase hex of a text's bytes, as item keys are stored in clear.
fn hex(text: &str) -> String {
    text.bytes().map(|byte| format!("{byte:02x}")).collect()
}

fn secret_item(id: &str) -> Value {
    json!({"id": {"S": id}, "secret": {"S": "the launch code is 0000"}})
}

#[wasm_bindgen_test]
async fn an_encrypted_database_cannot_be_read_without_its_passphrase() {
    let name = unique("encrypted");
    let empty = open_encrypted(&name, "").await.err().expect("an empty passphrase is refused");
    assert_eq!(field(&empty, "name"), "TypeError");
    let db = open_encrypted(&name, "correct horse").await.expect("creates an encrypted database");
    create_table(&db, "Vault").await;
    put(&db, "Vault", secret_item("alice")).await;
    ok(
        &db,
        "UpdateTable",
        json!({"TableName": "Vault", "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"}}),
    )
    .await;
    put(&db, "Vault", secret_item("bob")).await;
    closed(&db).await;

    let raw = raw_records(&name).await;
    let text = raw.join("\n");
    for hidden in ["launch code", "alice", &hex("alice"), "Vault", "secret", "format"] {
        assert!(!text.contains(hidden), "'{hidden}' is readable in:\n{text}");
    }
    assert!(text.contains("PBKDF2-HMAC-SHA-256"), "the key derivation is stored in clear:\n{text}");

    let error = open(&name).await.err().expect("no passphrase");
    assert_eq!(field(&error, "name"), "PassphraseRequiredError");
    assert!(field(&error, "message").contains("is encrypted"), "{}", field(&error, "message"));
    let error = open_encrypted(&name, "correct horse!").await.err().expect("a wrong passphrase");
    assert_eq!(field(&error, "name"), "WrongPassphraseError");
    assert!(field(&error, "message").contains("the passphrase is wrong"), "{}", field(&error, "message"));
    assert_eq!(raw_records(&name).await, raw, "a refused open changes nothing");

    let db = open_encrypted(&name, "correct horse").await.expect("opens with its passphrase");
    assert_eq!(
        state(&db, "Vault", &["alice", "bob"]).await,
        json!({"tables": ["Vault"], "items": [secret_item("alice"), secret_item("bob")]})
    );
    let described = ok(&db, "DescribeTable", json!({"TableName": "Vault"})).await;
    assert!(described["Table"]["LatestStreamArn"].is_string(), "the stream setting survived");
    closed(&db).await;

    // A stored record altered by one bit: the database refuses to open rather than read it.
    tamper_with_an_item(&name).await;
    let error = open_encrypted(&name, "correct horse").await.err().expect("an altered record");
    assert_eq!(field(&error, "name"), "StorageError");
    assert!(field(&error, "message").contains("corrupt"), "{}", field(&error, "message"));
    remove(&name).await;
}

#[wasm_bindgen_test]
async fn changing_the_passphrase_re_encrypts_every_record() {
    let name = unique("rekey");
    let db = open_encrypted(&name, "old secret").await.expect("creates");
    create_table(&db, "Vault").await;
    for id in ["a", "b", "c"] {
        put(&db, "Vault", secret_item(id)).await;
    }
    let error = change_passphrase(&db, Some("not it"), Some("new secret")).await.expect_err("a wrong old passphrase");
    assert_eq!(field(&error, "name"), "WrongPassphraseError");
    let error = change_passphrase(&db, None, Some("new secret")).await.expect_err("no old passphrase");
    assert_eq!(field(&error, "name"), "PassphraseRequiredError");
    db.fail_next_commit();
    let error =
        change_passphrase(&db, Some("old secret"), Some("new secret")).await.expect_err("the transaction fails");
    assert_eq!(field(&error, "name"), "StorageError");
    let before = raw_records(&name).await;

    // A put sent along with the change is stored under the new key, after it.
    let rekeyed = db.change_passphrase("old secret".into(), "new secret".into());
    let pipelined = start(&db, "PutItem", &json!({"TableName": "Vault", "Item": secret_item("d")}));
    JsFuture::from(rekeyed).await.expect("the passphrase changes");
    JsFuture::from(pipelined).await.expect("the put is stored");
    let after = raw_records(&name).await;
    assert_eq!(after.len(), before.len() + 1);
    let unchanged: Vec<_> = after.iter().filter(|record| before.contains(record)).collect();
    assert!(unchanged.is_empty(), "records not re-encrypted: {unchanged:?}");
    put(&db, "Vault", secret_item("e")).await;
    closed(&db).await;

    let error = open_encrypted(&name, "old secret").await.err().expect("the old passphrase stops working");
    assert_eq!(field(&error, "name"), "WrongPassphraseError");
    let db = open_encrypted(&name, "new secret").await.expect("the new passphrase opens it");
    let ids = ["a", "b", "c", "d", "e"];
    let expected = json!({"tables": ["Vault"], "items": ids.map(secret_item)});
    assert_eq!(state(&db, "Vault", &ids).await, expected);

    // Back in clear: readable without a passphrase, and by anyone.
    change_passphrase(&db, Some("new secret"), None).await.expect("decrypts");
    closed(&db).await;
    assert!(raw_records(&name).await.join("\n").contains("launch code"));
    let db = open(&name).await.expect("opens without a passphrase");
    assert_eq!(state(&db, "Vault", &ids).await, expected);
    closed(&db).await;
    remove(&name).await;
}

#[wasm_bindgen_test]
async fn a_database_in_clear_opens_as_before_and_can_be_encrypted() {
    let name = unique("clear");
    let db = open(&name).await.expect("opens");
    create_table(&db, "Users").await;
    put(&db, "Users", item("a", 1)).await;
    closed(&db).await;

    let error = open_encrypted(&name, "a passphrase").await.err().expect("not encrypted");
    assert_eq!(field(&error, "name"), "NotEncryptedError");
    let db = open(&name).await.expect("opens as before");
    assert_eq!(get(&db, "Users", "a").await, item("a", 1));
    let error = change_passphrase(&db, Some("a passphrase"), Some("b")).await.expect_err("has no passphrase");
    assert_eq!(field(&error, "name"), "NotEncryptedError");
    change_passphrase(&db, None, Some("a passphrase")).await.expect("encrypts");
    put(&db, "Users", item("b", 2)).await;
    closed(&db).await;

    assert!(!raw_records(&name).await.join("\n").contains("Users"));
    let error = open(&name).await.err().expect("now encrypted");
    assert_eq!(field(&error, "name"), "PassphraseRequiredError");
    let db = open_encrypted(&name, "a passphrase").await.expect("opens");
    assert_eq!(
        state(&db, "Users", &["a", "b"]).await,
        json!({"tables": ["Users"], "items": [item("a", 1), item("b", 2)]})
    );
    closed(&db).await;

    let memory = Database::memory();
    let error = change_passphrase(&memory, None, Some("x")).await.expect_err("nothing to encrypt");
    assert_eq!(field(&error, "name"), "NotSupportedError");
    remove(&name).await;
}

/// A cold open reads the items without their keys, and with them when that read does not
/// add up: an item of no table (below, between or above the tables' key ranges), or an
/// item whose key its attributes do not give.
#[wasm_bindgen_test]
async fn a_cold_open_reads_the_keys_when_the_items_do_not_add_up() {
    let name = unique("keys");
    let db = open(&name).await.expect("opens");
    for table in ["Users", "Others"] {
        create_table(&db, table).await;
        put(&db, table, item("a", 1)).await;
    }
    closed(&db).await;
    let stored = raw_records(&name).await;
    let mut table_ids: Vec<&str> =
        stored.iter().filter_map(|record| record.strip_prefix("[\"")?.split('"').next()).collect();
    table_ids.sort_unstable();
    let (table_id, between) = (table_ids[0], format!("{}z", table_ids[0]));
    assert!(between.as_str() < table_ids[1]);

    // Without its key attribute, the item opens only where it is stored.
    let key = Array::of2(&table_id.into(), &format!("{}0001", hex("b")).into());
    put_raw_item(&name, &key, &r#"{"n":{"N":"2"}}"#.into()).await;
    let db = open(&name).await.expect("opens with the stored keys");
    let mut total = 0;
    for table in ["Users", "Others"] {
        let counted = ok(&db, "Scan", json!({"TableName": table, "Select": "COUNT"})).await;
        total += counted["Count"].as_u64().expect("a count");
    }
    assert_eq!(total, 3, "the item without its key attribute is read under its stored key");
    closed(&db).await;

    for stray in ["", between.as_str(), "zz-no-such-table"] {
        let key = Array::of2(&stray.into(), &"610001".into());
        put_raw_item(&name, &key, &"{}".into()).await;
        let error = open(&name).await.err().expect("an item of no table");
        let message = field(&error, "message");
        assert!(message.contains(&format!("item of unknown table {stray}")), "{message}");
        delete_raw_item(&name, &key).await;
    }
    remove(&name).await;
}

/// The wasm build's SIMD scan of text, against serde_json (native tests run the other scan).
#[wasm_bindgen_test]
fn text_is_escaped_as_serde_json_at_every_position() {
    escapes::every_character_is_escaped_as_serde_json_at_every_position();
}
