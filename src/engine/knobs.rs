//! Simulation knobs: the deliberate, switchable differences from DynamoDB that let the
//! playground show mechanics AWS hides (a stale GSI read, a transaction conflict, a hot partition throttled,
//! a partition splitting, an item collection outgrowing its limit, an expired item waiting
//! for its deletion). Every default behaves as DynamoDB does, or as close
//! as a single browser tab can; docs/differences.md describes each knob.

use serde::{Deserialize, Serialize};

/// The knobs of one database. They live in memory only: a reopened database starts
/// from the defaults. They serialize as `Dynaplay.DescribeConfiguration` answers them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Knobs {
    /// How long a write takes to reach global secondary indexes, in milliseconds on the
    /// engine clock (0: at once, so ordinary use reads exact indexes).
    pub gsi_propagation_delay_millis: u64,
    /// How long a global index added by UpdateTable stays CREATING (backfilling, not
    /// readable), in milliseconds on the engine clock (0: it is ACTIVE at once).
    pub gsi_backfill_millis: u64,
    /// The size an item collection (the items sharing a partition key value in a table
    /// with local secondary indexes, with their index entries) may reach, in bytes
    /// (DynamoDB: 10 GB).
    pub item_collection_size_limit_bytes: u64,
    /// How long a transaction stays in flight holding its items, in milliseconds (0: it
    /// completes at once and can never conflict).
    pub transaction_duration_millis: u64,
    /// The size at which a partition splits, in bytes (DynamoDB: 10 GB).
    pub partition_size_limit_bytes: u64,
    /// Whether a hot partition may borrow the table's unused throughput (DynamoDB's
    /// adaptive capacity, always on since 2019).
    pub adaptive_capacity: bool,
    /// Whether requests are throttled at all when they exceed throughput.
    pub throttling: bool,
    /// How long after an item's time to live passes the sweeper deletes it, in
    /// milliseconds on the engine clock (0: within a second; DynamoDB takes up to a few
    /// days).
    pub ttl_sweep_delay_millis: u64,
    /// How long a write to a global table takes to reach its replicas in the other
    /// Regions, in milliseconds on the engine clock (DynamoDB: typically within a second).
    pub replication_delay_millis: u64,
    /// The delays of particular Region pairs, which replace `replication_delay_millis`
    /// from their source to their destination.
    pub replication_delays: Vec<RegionPairDelay>,
}

/// The replication delay from one Region to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RegionPairDelay {
    pub source_region: String,
    pub destination_region: String,
    pub delay_millis: u64,
}

impl Knobs {
    /// How long a write made in `source` takes to reach `destination`.
    pub fn replication_delay(&self, source: &str, destination: &str) -> u64 {
        self.replication_delays
            .iter()
            .find(|pair| pair.source_region == source && pair.destination_region == destination)
            .map_or(self.replication_delay_millis, |pair| pair.delay_millis)
    }
}

/// Ten gigabytes: DynamoDB's partition and item collection size limits.
pub const TEN_GB: u64 = 10 * (1 << 30);

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            gsi_propagation_delay_millis: 0,
            gsi_backfill_millis: 0,
            item_collection_size_limit_bytes: TEN_GB,
            transaction_duration_millis: 0,
            partition_size_limit_bytes: TEN_GB,
            adaptive_capacity: true,
            throttling: true,
            ttl_sweep_delay_millis: 0,
            replication_delay_millis: 1000,
            replication_delays: Vec::new(),
        }
    }
}
