//! Fault injection: a workload of pipelined writes in which the k-th commit fails, for
//! every k, checked against a plain map of what was acknowledged. After each failure
//! memory equals the store, and a reopened store holds exactly the acknowledged writes.
//! The workload runs on a plain table, and on a global table written in two Regions,
//! whose replicas must both settle on the acknowledged writes.

mod common;

use common::Harness;
use dynaplay::api::RequestOptions;
use dynaplay::region::HOME;
use dynaplay::storage::{Batch, Outcome};
use std::collections::BTreeMap;

const CREATE: &str = r#"{"TableName":"Oracle","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],
    "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}"#;

const REPLICATE: &str = r#"{"TableName":"Oracle","ReplicaUpdates":[{"Create":{"RegionName":"eu-west-1"}}]}"#;

/// Writes sent together before each commit: pipelined requests share a batch.
const PIPELINE: usize = 3;

/// Engine-clock time between two writes: with the one-second replication delay, writes
/// arrive in other Regions while later ones are sent, in batches that may fail.
const WRITE_GAP_MILLIS: u64 = 150;

/// One write of the workload: an id and the version to store (None deletes).
fn workload() -> Vec<(String, Option<u32>)> {
    (0..30u32).map(|step| (format!("k{}", step % 7), (step % 5 != 4).then_some(step))).collect()
}

/// The request of one write; a deletion returns the item it deleted, so that a deletion
/// of a missing item, which changes nothing, is told apart.
fn request(id: &str, version: Option<u32>) -> (&'static str, String) {
    match version {
        Some(v) => ("PutItem", format!(r#"{{"TableName":"Oracle","Item":{{"id":{{"S":"{id}"}},"v":{{"N":"{v}"}}}}}}"#)),
        None => (
            "DeleteItem",
            format!(r#"{{"TableName":"Oracle","Key":{{"id":{{"S":"{id}"}}}},"ReturnValues":"ALL_OLD"}}"#),
        ),
    }
}

/// Whether the acknowledged write answered with `response` changed its item: every
/// put does; a deletion does when it found an item.
fn changed(version: Option<u32>, response: &str) -> bool {
    version.is_some() || response.contains("Attributes")
}

fn in_region(region: &'static str) -> RequestOptions {
    RequestOptions { region: Some(region), ..RequestOptions::default() }
}

/// Runs the workload, failing the `failing`-th commit, write `n` in `regions[n % len]`;
/// returns the acknowledged writes that changed their item, the last one of each id.
fn run(h: &mut Harness, regions: &[&'static str], failing: usize) -> BTreeMap<String, Option<u32>> {
    let mut acknowledged = BTreeMap::new();
    let mut commits = 0;
    let mut region = regions.iter().cycle();
    for (number, group) in workload().chunks(PIPELINE).enumerate() {
        // Every other group's batch is taken at its first write and takes the later ones
        // as they come, as the browser's transaction takes them while its task runs.
        let mut open: Option<Batch> = None;
        let mut sent = BTreeMap::new();
        for (id, version) in group {
            h.clock.advance(WRITE_GAP_MILLIS);
            let (operation, body) = request(id, *version);
            let options = in_region(region.next().copied().unwrap_or(HOME));
            match h.db.execute_with(operation, &body, &options).expect("the write is valid") {
                Outcome::Queued { ticket } => {
                    sent.insert(ticket, (id.clone(), *version));
                }
                // A write that changes nothing (deleting a missing item) is answered at once.
                Outcome::Ready(_) => {}
            }
            match &mut open {
                Some(batch) => batch.writes.extend(h.db.extend_batch(batch.id)),
                None if number % 2 == 1 => open = h.db.take_batch(),
                None => {}
            }
        }
        let Some(batch) = open.or_else(|| h.db.take_batch()) else { continue };
        commits += 1;
        if commits == failing {
            h.store.fail_next_commit("injected");
        }
        match h.store.commit(&batch) {
            Ok(()) => {
                for (ticket, response) in h.db.commit_succeeded(batch.id) {
                    let Some((id, version)) = sent.get(&ticket).cloned() else { continue };
                    if changed(version, &response) {
                        acknowledged.insert(id, version);
                    }
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

fn stored_version(h: &mut Harness, region: &str, id: &str) -> Option<u32> {
    let request = format!(r#"{{"TableName":"Oracle","Key":{{"id":{{"S":"{id}"}}}}}}"#);
    let response = h.send_in(Some(region), "GetItem", &request).unwrap();
    let response: serde_json::Value = serde_json::from_str(&response).unwrap();
    response["Item"]["v"]["N"].as_str().map(|v| v.parse().unwrap())
}

/// Asserts that every Region holds exactly the acknowledged writes.
fn assert_holds(
    h: &mut Harness,
    regions: &[&'static str],
    acknowledged: &BTreeMap<String, Option<u32>>,
    failing: usize,
) {
    for region in regions {
        for id in (0..7).map(|n| format!("k{n}")) {
            let expected = acknowledged.get(&id).copied().flatten();
            assert_eq!(stored_version(h, region, &id), expected, "commit {failing} failed: {id} in {region}");
        }
    }
}

/// Runs the workload on `Oracle` once for every commit that can fail; `setup` makes the
/// table.
fn every_failing_commit(regions: &[&'static str], setup: &[(&str, &str)]) {
    let commits = workload().len().div_ceil(PIPELINE);
    for failing in 1..=commits {
        let mut h = Harness::new();
        for (operation, body) in setup {
            h.send(operation, body).unwrap();
        }
        let acknowledged = run(&mut h, regions, failing);
        h.assert_memory_equals_store();
        // Writes still on their way arrive.
        h.clock.advance(1_000);
        assert_holds(&mut h, regions, &acknowledged, failing);
        h.assert_memory_equals_store();
        let mut reopened = Harness { db: h.reopen(), store: h.store.clone(), clock: h.clock.clone() };
        assert_holds(&mut reopened, regions, &acknowledged, failing);
    }
}

#[test]
fn every_failing_commit_leaves_exactly_the_acknowledged_writes() {
    every_failing_commit(&[HOME], &[("CreateTable", CREATE)]);
}

#[test]
fn every_failing_commit_leaves_exactly_the_acknowledged_writes_in_every_replica() {
    every_failing_commit(&[HOME, "eu-west-1"], &[("CreateTable", CREATE), ("UpdateTable", REPLICATE)]);
}
