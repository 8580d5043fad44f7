//! Requests sent through a DAX cluster (the `dax` request option), and the `Dynaplay.*`
//! operations that create, describe and delete clusters. The caches themselves are in
//! src/engine/dax.rs; docs/dax.md tells what each operation does through DAX.
//!
//! A request through DAX answers with exactly DynamoDB's response shape. How the cluster
//! answered it (hit, miss, pass-through, write-through) and its simulated latency are
//! reported by `Dynaplay.DescribeDaxClusters`, never in the response.

use crate::api::access::{self, Caller};
use crate::api::validate::required;
use crate::api::{batch, items, parse, read, render, run_authorized};
use crate::engine::dax::{cluster_not_found, CacheOutcome, CacheStats, DaxCluster, DEFAULT_TTL_MILLIS};
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::json::{self, json};
use crate::model::{CompactCollect, Item, KeyCode, KeyValues};
use serde_json::Value;
use std::rc::Rc;

/// The longest item or query TTL a cluster accepts: one day.
const MAX_TTL_MILLIS: u64 = 24 * 60 * 60 * 1000;
/// DAX's limit on a cluster name's length.
const MAX_CLUSTER_NAME_CHARS: usize = 20;

/// Runs `operation` through the cluster `cluster`, as `caller` once it is authorized; the
/// requests DAX passes to the table are not authorized again.
pub fn dispatch(engine: &mut Engine, cluster: &str, operation: &str, body: &str, caller: &Caller) -> Result<String> {
    access::authorize(engine, caller, || access::checks(engine, operation, body))?;
    let before = engine.dax_cluster(cluster)?.stats.clone();
    let (response, outcome) = match operation {
        "GetItem" => (items::get_item(engine, read(body)?, Some(cluster))?, None),
        "BatchGetItem" => (batch::batch_get_item(engine, read(body)?, Some(cluster))?, None),
        "Query" | "Scan" => (query_through(engine, cluster, operation, body, caller)?, None),
        "TransactGetItems" => (run_authorized(engine, operation, body, caller)?, Some(CacheOutcome::PassThrough)),
        "PutItem" | "UpdateItem" | "DeleteItem" | "BatchWriteItem" | "TransactWriteItems" => {
            let mark = engine.change_mark();
            let response = run_authorized(engine, operation, body, caller)?;
            engine.dax_write_through(cluster, mark);
            (response, Some(CacheOutcome::WriteThrough))
        }
        _ => {
            let message = format!("DAX does not support {operation}; send it to DynamoDB without the dax option");
            return Err(Error::validation(message));
        }
    };
    let state = engine.dax_cluster(cluster)?;
    let outcome = outcome.unwrap_or_else(|| read_outcome(&before, &state.stats));
    state.record(operation, outcome);
    Ok(response)
}

/// How a read was answered, from the counters it moved: a miss if any key or request
/// missed, a hit if any hit, otherwise (a strongly consistent read) a pass-through.
fn read_outcome(before: &CacheStats, after: &CacheStats) -> CacheOutcome {
    if after.item_misses > before.item_misses || after.query_misses > before.query_misses {
        CacheOutcome::Miss
    } else if after.item_hits > before.item_hits || after.query_hits > before.query_hits {
        CacheOutcome::Hit
    } else {
        CacheOutcome::PassThrough
    }
}

/// One key's entry in a cluster's item cache, looked up for an eventually consistent
/// read (a strongly consistent one passes through: nothing is looked up or kept).
pub struct ItemCache<'a> {
    cluster: &'a str,
    key: Option<(Rc<str>, KeyCode)>,
    cached: Option<Option<Rc<Item>>>,
}

impl<'a> ItemCache<'a> {
    /// Looks `key` of `table_name` up, counting a hit or a miss; fails as the read would
    /// when the table does not exist or the key does not match its schema.
    pub fn open(
        engine: &mut Engine,
        cluster: &'a str,
        table_name: &str,
        key: &dyn KeyValues,
        consistent: bool,
    ) -> Result<Self> {
        let item_key = engine.dax_item_key(table_name, key)?;
        if consistent {
            return Ok(ItemCache { cluster, key: None, cached: None });
        }
        let now = engine.now_millis();
        let cached = engine.dax_cluster(cluster)?.item(&item_key.0, &item_key.1, now);
        Ok(ItemCache { cluster, key: Some(item_key), cached })
    }

    /// The cached item (`Some(None)`: cached as not found), or None on a miss.
    pub fn cached(&self) -> Option<Option<&Item>> {
        self.cached.as_ref().map(Option::as_deref)
    }

    /// Keeps what the table answered after a miss.
    pub fn fill(self, engine: &mut Engine, item: Option<Item>) {
        let now = engine.now_millis();
        if let (Some((table_id, key)), Ok(cluster)) = (self.key, engine.dax_cluster(self.cluster)) {
            cluster.put_item(table_id, key, item.map(Rc::new), now);
        }
    }
}

/// A Query or Scan through the cluster: an eventually consistent one is answered from
/// the query cache, keyed by the whole request; a strongly consistent one passes through.
fn query_through(engine: &mut Engine, cluster: &str, operation: &str, body: &str, caller: &Caller) -> Result<String> {
    let request: Value = parse(body)?;
    let table = request.get("TableName").and_then(Value::as_str).and_then(|name| engine.table(name));
    let table_id = table.map(|table| table.meta.id.clone());
    let consistent = request.get("ConsistentRead") == Some(&Value::Bool(true));
    let Some(table_id) = table_id.filter(|_| !consistent) else {
        return run_authorized(engine, operation, body, caller);
    };
    // serde_json's maps are sorted, so the same request in any member order is one key.
    let key = format!("{operation}\n{table_id}\n{}", json::text(&request));
    let now = engine.now_millis();
    if let Some(response) = engine.dax_cluster(cluster)?.query(&key, now) {
        return Ok(without_consumption(response));
    }
    let response = run_authorized(engine, operation, body, caller)?;
    engine.dax_cluster(cluster)?.put_query(key, response.clone(), now);
    Ok(response)
}

/// A cached response as a hit returns it: its ConsumedCapacity, if asked for, counts
/// nothing, since the table was not read.
fn without_consumption(response: String) -> String {
    let Ok(mut body) = serde_json::from_str::<Value>(&response) else { return response };
    match body.get_mut("ConsumedCapacity") {
        Some(consumed) => {
            zero_numbers(consumed);
            json::text(&body)
        }
        None => response,
    }
}

fn zero_numbers(value: &mut Value) {
    match value {
        Value::Number(_) => *value = json!(0.0),
        Value::Object(members) => members.values_mut().for_each(zero_numbers),
        Value::Array(values) => values.iter_mut().for_each(zero_numbers),
        _ => {}
    }
}

crate::api::reader::request! {
    pub struct CreateClusterRequest deny_unknown_fields {
        "ClusterName" => cluster_name: String,
        "ItemTtlMillis" => item_ttl_millis: u64,
        "QueryTtlMillis" => query_ttl_millis: u64,
    }
}

crate::api::reader::request! {
    pub struct ClusterNameRequest deny_unknown_fields {
        "ClusterName" => cluster_name: String,
    }
}

crate::api::reader::request! {
    pub struct DescribeClustersRequest deny_unknown_fields {
        "ClusterNames" => cluster_names: Vec<String>,
    }
}

/// Dynaplay.CreateDaxCluster: an empty cluster with its TTLs.
pub fn create_cluster(engine: &mut Engine, request: CreateClusterRequest) -> Result<String> {
    let name = required(request.cluster_name, "ClusterName")?;
    check_cluster_name(&name)?;
    let item_ttl = ttl(request.item_ttl_millis, "ItemTtlMillis")?;
    let query_ttl = ttl(request.query_ttl_millis, "QueryTtlMillis")?;
    if engine.dax_clusters().contains_key(&name) {
        return Err(Error::new(ErrorKind::ResourceInUse, format!("DAX cluster already exists: {name}")));
    }
    let cluster = DaxCluster::new(name.clone(), item_ttl, query_ttl, engine.now_millis());
    let body = json!({ "Cluster": cluster_json(&cluster, engine.now_millis()) });
    engine.dax_clusters_mut().insert(name, Box::new(cluster));
    Ok(json::text(&body))
}

/// Dynaplay.DescribeDaxClusters: the named clusters, or all of them, with their counters.
pub fn describe_clusters(engine: &mut Engine, request: DescribeClustersRequest) -> Result<String> {
    let now = engine.now_millis();
    let clusters = engine.dax_clusters();
    let described: Vec<Value> = match request.cluster_names {
        Some(names) => names
            .iter()
            .map(|name| {
                clusters.get(name).map(|cluster| cluster_json(cluster, now)).ok_or_else(|| cluster_not_found(name))
            })
            .try_collect_vec()?,
        None => clusters.values().map(|cluster| cluster_json(cluster, now)).collect(),
    };
    render(&json!({ "Clusters": described }))
}

/// Dynaplay.DeleteDaxCluster: the cluster and its caches go.
pub fn delete_cluster(engine: &mut Engine, request: ClusterNameRequest) -> Result<String> {
    let name = required(request.cluster_name, "ClusterName")?;
    let now = engine.now_millis();
    let cluster = engine.dax_clusters_mut().remove(&name).ok_or_else(|| cluster_not_found(&name))?;
    render(&json!({ "Cluster": cluster_json(&cluster, now) }))
}

/// DAX's rules for a cluster name: 1 to 20 letters, digits or hyphens, starting with a
/// letter, not ending with a hyphen nor holding two in a row.
fn check_cluster_name(name: &str) -> Result<()> {
    let allowed = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let starts_with_letter = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let length_ok = name.chars().count() <= MAX_CLUSTER_NAME_CHARS;
    if allowed && starts_with_letter && length_ok && !name.ends_with('-') && !name.contains("--") {
        return Ok(());
    }
    Err(Error::validation(format!(
        "ClusterName must be 1 to {MAX_CLUSTER_NAME_CHARS} letters, digits or hyphens, start with a letter, \
         and neither end with a hyphen nor contain two consecutive hyphens: {name}"
    )))
}

/// A TTL given, between 1 ms and a day, or DAX's default.
fn ttl(value: Option<u64>, name: &str) -> Result<u64> {
    match value {
        None => Ok(DEFAULT_TTL_MILLIS),
        Some(millis) if (1..=MAX_TTL_MILLIS).contains(&millis) => Ok(millis),
        Some(millis) => Err(Error::validation(format!("{name} must be between 1 and {MAX_TTL_MILLIS}, not {millis}"))),
    }
}

fn cluster_json(cluster: &DaxCluster, now: u64) -> Value {
    let stats = &cluster.stats;
    let (items, queries) = cluster.entries(now);
    let last = stats.last.as_ref().map(|(operation, outcome)| {
        json!({ "Operation": operation, "Cache": outcome.wire_name(), "LatencyMicros": outcome.latency_micros() })
    });
    json!({
        "ClusterName": cluster.name,
        "Status": "available",
        "ItemTtlMillis": cluster.item_ttl_millis,
        "QueryTtlMillis": cluster.query_ttl_millis,
        "Statistics": {
            "ItemCacheHits": stats.item_hits, "ItemCacheMisses": stats.item_misses,
            "QueryCacheHits": stats.query_hits, "QueryCacheMisses": stats.query_misses,
            "PassThroughs": stats.pass_throughs, "WriteThroughs": stats.write_throughs,
            "ItemCacheEntries": items, "QueryCacheEntries": queries,
        },
        "LastRequest": last,
    })
}
