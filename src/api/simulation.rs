//! Dynaplay's own operations, for the playground's simulation controls: the knobs
//! (docs/differences.md), the clock, the simulated S3 (src/api/buckets.rs), the
//! principals requests can run as (src/api/principals.rs), DAX clusters (src/api/dax.rs)
//! and Contributor Insights' report (src/api/insights.rs). Their names start with
//! `Dynaplay.`, which no DynamoDB operation can, and their members are PascalCase like
//! DynamoDB's.

use crate::api::validate::required;
use crate::api::{buckets, dax, insights, principals};
use crate::api::{parse, read, render};
use crate::clock::MAX_CLOCK_RATE;
use crate::engine::knobs::{RegionPairDelay, TEN_GB};
use crate::engine::pricing::{self, Usage};
use crate::engine::throughput::{Limit, Throughput};
use crate::engine::{table_not_found, Access, BillingMode, Engine, Knobs};
use crate::error::{Error, ErrorKind, Result};
use crate::json::{self, json};
use crate::region;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Runs the Dynaplay operation `name` (the part after `Dynaplay.`).
pub fn dispatch(engine: &mut Engine, name: &str, body: &str) -> Result<String> {
    match name {
        "Configure" => configure(engine, parse(body)?),
        "DescribeConfiguration" => describe(engine),
        "SetClock" => set_clock(engine, read(body)?),
        "DescribeMetrics" => describe_metrics(engine, read(body)?),
        "EstimateCost" => estimate_cost(engine, read(body)?),
        "PutObject" => buckets::put_object(engine, read(body)?),
        "GetObject" => buckets::get_object(engine, read(body)?),
        "DeleteObject" => buckets::delete_object(engine, read(body)?),
        "ListObjects" => buckets::list_objects(engine, read(body)?),
        "ListBuckets" => buckets::list_buckets(engine),
        "GetImportErrors" => buckets::get_import_errors(engine, read(body)?),
        "PutPrincipal" => principals::put_principal(engine, read(body)?),
        "GetPrincipal" => principals::get_principal(engine, read(body)?),
        "ListPrincipals" => principals::list_principals(engine),
        "DeletePrincipal" => principals::delete_principal(engine, read(body)?),
        "SimulatePrincipalPolicy" => principals::simulate(engine, read(body)?),
        "CreateDaxCluster" => dax::create_cluster(engine, read(body)?),
        "DescribeDaxClusters" => dax::describe_clusters(engine, read(body)?),
        "DeleteDaxCluster" => dax::delete_cluster(engine, read(body)?),
        "DescribeContributorInsightsReport" => insights::describe_report(engine, read(body)?),
        _ => Err(Error::new(ErrorKind::UnknownOperation, format!("Unknown operation: Dynaplay.{name}"))),
    }
}

/// The knobs a Configure request changes; absent members stay as they are.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ConfigureRequest {
    gsi_propagation_delay_millis: Option<u64>,
    gsi_backfill_millis: Option<u64>,
    item_collection_size_limit_bytes: Option<u64>,
    transaction_duration_millis: Option<u64>,
    partition_size_limit_bytes: Option<u64>,
    adaptive_capacity: Option<bool>,
    throttling: Option<bool>,
    ttl_sweep_delay_millis: Option<u64>,
    replication_delay_millis: Option<u64>,
    /// Replaces the whole list of Region pair delays.
    replication_delays: Option<Vec<RegionPairDelay>>,
}

crate::api::reader::request! {
    pub struct SetClockRequest deny_unknown_fields {
        /// Simulated milliseconds per real millisecond; 0 pauses.
        "Rate" => rate: u32,
        "AdvanceMillis" => advance_millis: u64,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Configuration<'a> {
    #[serde(flatten)]
    knobs: &'a Knobs,
    clock: ClockState,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ClockState {
    now_millis: u64,
    rate: u32,
}

/// The smallest size limit the knobs accept: smaller would split a table into more
/// partitions than a page can show, or refuse every item.
const MIN_SIZE_LIMIT: u64 = 1024;
/// The longest delay a knob accepts: one day.
const MAX_DELAY_MILLIS: u64 = 24 * 60 * 60 * 1000;
/// The longest time to live sweep delay: a week, beyond the few days DynamoDB may take.
const MAX_TTL_SWEEP_DELAY_MILLIS: u64 = 7 * MAX_DELAY_MILLIS;

fn configure(engine: &mut Engine, request: ConfigureRequest) -> Result<String> {
    let mut knobs = engine.knobs.clone();
    let (duration, size) = (request.transaction_duration_millis, request.partition_size_limit_bytes);
    let delay = request.gsi_propagation_delay_millis;
    set(&mut knobs.gsi_propagation_delay_millis, delay, "GsiPropagationDelayMillis", 0, MAX_DELAY_MILLIS)?;
    let backfill = request.gsi_backfill_millis;
    set(&mut knobs.gsi_backfill_millis, backfill, "GsiBackfillMillis", 0, MAX_DELAY_MILLIS)?;
    set(&mut knobs.transaction_duration_millis, duration, "TransactionDurationMillis", 0, MAX_DELAY_MILLIS)?;
    set(&mut knobs.partition_size_limit_bytes, size, "PartitionSizeLimitBytes", MIN_SIZE_LIMIT, TEN_GB)?;
    let collection = request.item_collection_size_limit_bytes;
    set(
        &mut knobs.item_collection_size_limit_bytes,
        collection,
        "ItemCollectionSizeLimitBytes",
        MIN_SIZE_LIMIT,
        TEN_GB,
    )?;
    let sweep_delay = request.ttl_sweep_delay_millis;
    set(&mut knobs.ttl_sweep_delay_millis, sweep_delay, "TtlSweepDelayMillis", 0, MAX_TTL_SWEEP_DELAY_MILLIS)?;
    let replication = request.replication_delay_millis;
    set(&mut knobs.replication_delay_millis, replication, "ReplicationDelayMillis", 0, MAX_DELAY_MILLIS)?;
    if let Some(pairs) = request.replication_delays {
        pairs.iter().try_for_each(check_pair_delay)?;
        knobs.replication_delays = pairs;
    }
    knobs.adaptive_capacity = request.adaptive_capacity.unwrap_or(knobs.adaptive_capacity);
    knobs.throttling = request.throttling.unwrap_or(knobs.throttling);
    engine.knobs = knobs;
    // A shorter delay (or none) lets the writes already waiting arrive by it.
    engine.propagate_indexes();
    describe(engine)
}

/// Refuses a Region pair delay naming a Region Dynaplay does not simulate, one Region
/// twice, or a delay beyond a day.
fn check_pair_delay(pair: &RegionPairDelay) -> Result<()> {
    for name in [&pair.source_region, &pair.destination_region] {
        if region::named(name).is_none() {
            return Err(Error::validation(format!(
                "ReplicationDelays names {name}, which is not a Region Dynaplay simulates"
            )));
        }
    }
    if pair.source_region == pair.destination_region {
        return Err(Error::validation("ReplicationDelays needs two different Regions in each pair"));
    }
    let mut delay = 0;
    set(&mut delay, Some(pair.delay_millis), "DelayMillis", 0, MAX_DELAY_MILLIS)
}

/// Sets `knob` to `value` when given, refusing values outside `min..=max`.
fn set(knob: &mut u64, value: Option<u64>, name: &str, min: u64, max: u64) -> Result<()> {
    match value {
        Some(value) if !(min..=max).contains(&value) => {
            Err(Error::validation(format!("{name} must be between {min} and {max}, not {value}")))
        }
        Some(value) => {
            *knob = value;
            Ok(())
        }
        None => Ok(()),
    }
}

fn set_clock(engine: &mut Engine, request: SetClockRequest) -> Result<String> {
    if let Some(rate) = request.rate.filter(|rate| *rate > MAX_CLOCK_RATE) {
        return Err(Error::validation(format!("Rate must be between 0 and {MAX_CLOCK_RATE}, not {rate}")));
    }
    if let Some(millis) = request.advance_millis {
        engine.clock().advance(millis);
    }
    if let Some(rate) = request.rate {
        engine.clock().set_rate(rate);
    }
    describe(engine)
}

fn describe(engine: &Engine) -> Result<String> {
    let clock = ClockState { now_millis: engine.now_millis(), rate: engine.clock().rate() };
    render(&Configuration { knobs: &engine.knobs, clock })
}

crate::api::reader::request! {
    pub struct MetricsRequest deny_unknown_fields {
        "TableName" => table_name: String,
    }
}

/// The live throughput picture of a table: its partitions (hash range, items, bytes,
/// burst units left, the last five minutes of consumption per second), each global
/// index's, and the latest throttled requests.
fn describe_metrics(engine: &mut Engine, request: MetricsRequest) -> Result<String> {
    let name = required(request.table_name, "tableName")?;
    let now = engine.now_millis();
    let table = engine.table(&name).ok_or_else(|| table_not_found(&name))?;
    let traffic = &table.traffic;
    let mut indexes = serde_json::Map::new();
    indexes.extend(traffic.indexes.iter().map(|(name, throughput)| (name.clone(), throughput_json(throughput, now))));
    let throttles: Vec<Value> = traffic
        .throttles
        .iter()
        .map(|event| {
            json!({"AtMillis": event.at_millis, "IndexName": event.index, "Access": event.access.name(),
                   "Limit": limit_name(event.limit), "Partition": event.partition})
        })
        .collect();
    let body = json!({"TableName": name, "NowMillis": now, "Table": throughput_json(&traffic.table, now),
                      "GlobalSecondaryIndexes": indexes, "ThrottleEvents": throttles});
    Ok(json::text(&body))
}

fn throughput_json(throughput: &Throughput, now: u64) -> Value {
    let (read_rate, read_left) = throughput.pool_level(Access::Read, now);
    let (write_rate, write_left) = throughput.pool_level(Access::Write, now);
    let partitions: Vec<Value> = (0..throughput.partitions.len())
        .filter_map(|position| {
            let partition = throughput.partitions.get(position)?;
            let (start, end) = throughput.range_of(position);
            let history: Vec<Value> =
                partition.history.iter().map(|(second, read, write)| json!([second, read, write])).collect();
            Some(json!({"HashRangeStart": format!("{start:016x}"), "HashRangeEnd": format!("{end:016x}"),
                        "ItemCount": partition.items, "SizeBytes": partition.bytes,
                        "ReadUnitsAvailable": partition.share_level(Access::Read, now),
                        "WriteUnitsAvailable": partition.share_level(Access::Write, now),
                        "ConsumedPerSecond": history}))
        })
        .collect();
    let billing = match throughput.billing() {
        BillingMode::Provisioned { .. } => "PROVISIONED",
        BillingMode::PayPerRequest => "PAY_PER_REQUEST",
    };
    json!({"BillingMode": billing, "ReadUnitsPerSecond": read_rate, "WriteUnitsPerSecond": write_rate,
           "ReadUnitsAvailable": read_left, "WriteUnitsAvailable": write_left, "Partitions": partitions})
}

fn limit_name(limit: Limit) -> &'static str {
    match limit {
        Limit::Partition => "PARTITION",
        Limit::PartitionShare => "PARTITION_SHARE",
        Limit::Provisioned => "PROVISIONED",
        Limit::OnDemand => "ON_DEMAND",
    }
}

crate::api::reader::request! {
    /// A month of use to price: the table's (when named) size and provisioned units unless
    /// given, and the request units given.
    pub struct CostRequest deny_unknown_fields {
        "TableName" => table_name: String,
        "StorageBytes" => storage_bytes: u64,
        "ReadRequestUnitsPerMonth" => read_request_units_per_month: f64,
        "WriteRequestUnitsPerMonth" => write_request_units_per_month: f64,
        "ReadCapacityUnits" => read_capacity_units: f64,
        "WriteCapacityUnits" => write_capacity_units: f64,
    }
}

fn estimate_cost(engine: &mut Engine, request: CostRequest) -> Result<String> {
    let mut usage = Usage::default();
    if let Some(name) = &request.table_name {
        let table = engine.table(name).ok_or_else(|| table_not_found(name))?;
        let index_bytes: u64 = (0..table.meta.indexes.len()).map(|position| table.index_stats(position).1).sum();
        usage.storage_bytes = table.size_bytes() + index_bytes;
        if let BillingMode::Provisioned { read, write } = table.meta.billing {
            (usage.provisioned_read_units, usage.provisioned_write_units) = (read as f64, write as f64);
        }
    }
    usage.storage_bytes = request.storage_bytes.unwrap_or(usage.storage_bytes);
    usage.read_request_units = request.read_request_units_per_month.unwrap_or(0.0);
    usage.write_request_units = request.write_request_units_per_month.unwrap_or(0.0);
    usage.provisioned_read_units = request.read_capacity_units.unwrap_or(usage.provisioned_read_units);
    usage.provisioned_write_units = request.write_capacity_units.unwrap_or(usage.provisioned_write_units);
    Ok(json::text(&pricing::estimate_json(&usage)))
}
