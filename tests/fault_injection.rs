//! Fault injection: a workload of pipelined writes in which the k-th commit fails, for
//! every k, checked against a plain map of what was acknowledged. After each failure
//! memory equals the store, and a reopened store holds exactly the acknowledged writes.

mod common;

use common::Harness;
use dynaplay::storage::Outcome;
use std::collections::BTreeMap;

const CREATE: &str = r#"{"TableName":"Oracle","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],
    "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}"#;

/// Writes sent together before each commit: pipelined requests share a batch.
const PIPELINE: usize = 3;

/// One write of the workload: an id and the version to store (None deletes).
fn workload() -> Vec<(String, Option<u32>)> {
    (0..30u32).map(|step| (format!("k{}", step % 7), (step % 5 != 4).then_some(step))).collect()
}

fn request(id: &str, version: Option<u32>) -> (&'static str, String) {
    match version {
        Some(v) => ("PutItem", format!(r#"{{"TableName":"Oracle","Item":{{"id":{{"S":"{id}"}},"v":{{"N":"{v}"}}}}}}"#)),
        None => ("DeleteItem", format!(r#"{{"TableName":"Oracle","Key":{{"id":{{"S":"{id}"}}}}}}"#)),
    }
}

/// Runs the workload, failing the `failing`-th commit; returns what was acknowledged.
fn run(h: &mut Harness, failing: usize) -> BTreeMap<String, Option<u32>> {
    let mut acknowledged = BTreeMap::new();
    let mut commits = 0;
    for group in workload().chunks(PIPELINE) {
        let mut sent = BTreeMap::new();
        for (id, version) in group {
            let (operation, body) = request(id, *version);
            match h.db.execute(operation, &body).expect("the write is valid") {
                Outcome::Queued { ticket } => {
                    sent.insert(ticket, (id.clone(), *version));
                }
                // A write that changes nothing (deleting a missing item) is answered at once.
                Outcome::Ready(_) => {
                    acknowledged.insert(id.clone(), *version);
                }
            }
        }
        let Some(batch) = h.db.take_batch() else { continue };
        commits += 1;
        if commits == failing {
            h.store.fail_next_commit("injected");
        }
        match h.store.commit(&batch) {
            Ok(()) => {
                for (ticket, _) in h.db.commit_succeeded(batch.id) {
                    let (id, version) = sent[&ticket].clone();
                    acknowledged.insert(id, version);
                }
            }
            Err(_) => {
                h.db.commit_failed(batch.id);
                h.assert_memory_equals_store();
            }
        }
    }
    acknowledged
}

fn stored_version(h: &mut Harness, id: &str) -> Option<u32> {
    let response = h.send("GetItem", &format!(r#"{{"TableName":"Oracle","Key":{{"id":{{"S":"{id}"}}}}}}"#)).unwrap();
    let response: serde_json::Value = serde_json::from_str(&response).unwrap();
    response["Item"]["v"]["N"].as_str().map(|v| v.parse().unwrap())
}

#[test]
fn every_failing_commit_leaves_exactly_the_acknowledged_writes() {
    let commits = workload().len().div_ceil(PIPELINE);
    for failing in 1..=commits {
        let mut h = Harness::new();
        h.send("CreateTable", CREATE).unwrap();
        let acknowledged = run(&mut h, failing);
        h.assert_memory_equals_store();
        let mut reopened = Harness { db: h.reopen(), store: h.store.clone(), clock: h.clock.clone() };
        for id in (0..7).map(|n| format!("k{n}")) {
            let expected = acknowledged.get(&id).copied().flatten();
            assert_eq!(stored_version(&mut reopened, &id), expected, "commit {failing} failed: {id}");
        }
    }
}
