//! The throughput simulation: partitions, token buckets and throttling.
//!
//! DynamoDB spreads a table over partitions by a hash of the partition key. Each
//! partition serves at most 3,000 read and 1,000 write units per second; a provisioned
//! table's units are shared evenly between its partitions, unused units are kept for up
//! to 300 seconds (burst capacity), and adaptive capacity lets a hot partition use what
//! the others leave unused. A request that finds its buckets empty is throttled
//! (ProvisionedThroughputExceededException) even while the table as a whole is under its
//! limit: the hot key learners need to see.
//!
//! Requests are admitted while their buckets hold tokens and then charged what they
//! actually consumed, which may leave a bucket in debt (a Query's cost is known only
//! after it read). Everything runs on the engine's simulated clock. Each table (and each
//! global secondary index, which has throughput of its own) has one [`Throughput`]; it is
//! not stored, and a reopened database starts with full buckets. docs/capacity.md
//! describes the model and where it simplifies.

use crate::engine::autoscaling::ScalingActivity;
use crate::engine::{BillingMode, TableMeta};
use crate::index::IndexKind;
use crate::model::CompactCollect;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// Reads or writes: each has its own buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    fn slot(self) -> usize {
        match self {
            Access::Read => 0,
            Access::Write => 1,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Access::Read => "READ",
            Access::Write => "WRITE",
        }
    }
}

/// Units one partition can serve per second: reads, writes.
pub const PARTITION_LIMIT: [f64; 2] = [3000.0, 1000.0];
/// Seconds of unused provisioned capacity a bucket keeps (burst capacity).
const BURST_SECONDS: f64 = 300.0;
/// What a new on-demand table serves at once: reads, writes (per second).
const ON_DEMAND_INITIAL: [f64; 2] = [12000.0, 4000.0];
/// The default per-table quota of an on-demand table: reads, writes (per second).
const ON_DEMAND_TABLE_QUOTA: [f64; 2] = [40000.0, 40000.0];
/// Partitions of a new on-demand table.
const ON_DEMAND_PARTITIONS: usize = 4;
/// Seconds of consumption history each partition keeps for the metrics.
const HISTORY_SECONDS: usize = 300;
/// Minutes of consumption each table keeps for auto scaling.
const MINUTES_KEPT: u64 = 60;
/// The most partitions a table may have: a page must be able to draw them.
pub const MAX_PARTITIONS: usize = 256;

/// Tokens that refill at `rate` per second up to `capacity`, on the simulated clock.
/// The level may go negative: a request charged more than was left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    updated_millis: u64,
}

impl Bucket {
    /// A full bucket. Its level is full at any time: it was last updated at time zero.
    fn full(rate: f64, capacity: f64) -> Bucket {
        Bucket { rate, capacity, tokens: capacity, updated_millis: 0 }
    }

    pub fn level(&self, now: u64) -> f64 {
        let elapsed = now.saturating_sub(self.updated_millis) as f64 / 1000.0;
        (self.tokens + elapsed * self.rate).min(self.capacity)
    }

    fn take(&mut self, units: f64, now: u64) {
        self.tokens = self.level(now) - units;
        self.updated_millis = now.max(self.updated_millis);
    }

    /// New settings; the tokens kept cannot exceed the new capacity.
    fn resize(&mut self, rate: f64, capacity: f64, now: u64) {
        let level = self.level(now);
        *self = Bucket { rate, capacity, tokens: level.min(capacity), updated_millis: now };
    }
}

/// One partition: the range of partition-key hashes it serves, its buckets and its
/// recent consumption.
#[derive(Debug, Clone)]
pub struct Partition {
    /// The first hash of its range; the range ends where the next partition's begins.
    pub hash_start: u64,
    /// Its even share of the provisioned units (unused with on-demand), by [`Access`].
    share: [Bucket; 2],
    /// What the partition can serve at all, by [`Access`].
    ceiling: [Bucket; 2],
    /// Units consumed per simulated second, newest last: (second, read, write).
    pub history: VecDeque<(u64, f64, f64)>,
    /// The size and count of the items it holds (of a table; an index's stay 0).
    pub bytes: u64,
    pub items: u64,
}

impl Partition {
    fn new(hash_start: u64, shares: [f64; 2]) -> Partition {
        let share = |slot: usize| Bucket::full(shares[slot], shares[slot] * BURST_SECONDS);
        let ceiling = |slot: usize| Bucket::full(PARTITION_LIMIT[slot], PARTITION_LIMIT[slot]);
        let (share, ceiling) = ([share(0), share(1)], [ceiling(0), ceiling(1)]);
        Partition { hash_start, share, ceiling, history: VecDeque::new(), bytes: 0, items: 0 }
    }

    /// Burst tokens left in the partition's share.
    pub fn share_level(&self, access: Access, now: u64) -> f64 {
        self.share[access.slot()].level(now)
    }

    fn record(&mut self, access: Access, units: f64, now: u64) {
        let second = now / 1000;
        if self.history.back().is_none_or(|(last, _, _)| *last != second) {
            self.history.push_back((second, 0.0, 0.0));
        }
        if let Some((_, read, write)) = self.history.back_mut() {
            *[read, write][access.slot()] += units;
        }
        while self.history.front().is_some_and(|(first, _, _)| first + HISTORY_SECONDS as u64 <= second) {
            self.history.pop_front();
        }
    }
}

/// Why a request was throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The partition served all it can per second (3,000 reads / 1,000 writes).
    Partition,
    /// The partition used up its share, and adaptive capacity is off.
    PartitionShare,
    /// The table (or index) used up its provisioned units and burst capacity.
    Provisioned,
    /// An on-demand table went past double its previous peak or its quota.
    OnDemand,
}

/// A throttled request, for the metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct ThrottleEvent {
    pub at_millis: u64,
    /// The global secondary index throttled, or `None` for the table.
    pub index: Option<String>,
    pub access: Access,
    pub limit: Limit,
    /// The partition's position, when one partition was throttled.
    pub partition: Option<usize>,
}

/// The throughput of a table or of one global secondary index.
#[derive(Debug, Clone)]
pub struct Throughput {
    billing: BillingMode,
    /// The whole table's (or index's) units, by [`Access`].
    pool: [Bucket; 2],
    /// Sorted by `hash_start`; the first starts at 0.
    pub partitions: Vec<Partition>,
    /// The most units consumed in one second, by [`Access`] (on-demand scales to twice it).
    peak: [f64; 2],
    /// The consumption of the current second, by [`Access`], for the peak.
    this_second: (u64, [f64; 2]),
    /// Units consumed per simulated minute, newest last: (minute, by [`Access`]), for
    /// auto scaling's alarms.
    minutes: VecDeque<(u64, [f64; 2])>,
}

impl Throughput {
    pub fn new(billing: &BillingMode) -> Throughput {
        let count = partitions_for(billing).min(MAX_PARTITIONS);
        let rates = pool_rates(billing, [0.0; 2]);
        let shares = rates.map(|rate| rate / count as f64);
        Throughput {
            billing: billing.clone(),
            pool: rates.map(|rate| Bucket::full(rate, pool_capacity(billing, rate))),
            partitions: (0..count).map(|i| Partition::new(range_start(i, count), shares)).collect(),
            peak: [0.0; 2],
            this_second: (0, [0.0; 2]),
            minutes: VecDeque::new(),
        }
    }

    /// New billing settings: the pool and shares follow, partitions split as the new
    /// units need (they never merge, as on DynamoDB).
    pub fn reconfigure(&mut self, billing: &BillingMode, now: u64) {
        self.billing = billing.clone();
        while self.partitions.len() < partitions_for(billing).min(MAX_PARTITIONS) {
            self.split_widest();
        }
        let rates = self.pool_rates();
        for slot in [0, 1] {
            self.pool[slot].resize(rates[slot], pool_capacity(billing, rates[slot]), now);
        }
        self.reshare(now);
    }

    /// Whether a request on the partition of `hash` (`None`: across all partitions, a
    /// Scan) may start now; the limit it hit when not.
    pub fn admit(&self, access: Access, hash: Option<u64>, now: u64, adaptive: bool) -> Result<(), Limit> {
        let slot = access.slot();
        if self.pool[slot].level(now) <= 0.0 {
            return Err(match self.billing {
                BillingMode::Provisioned { .. } => Limit::Provisioned,
                BillingMode::PayPerRequest => Limit::OnDemand,
            });
        }
        let Some(partition) = hash.map(|hash| self.partition_of(hash)) else { return Ok(()) };
        if partition.ceiling[slot].level(now) <= 0.0 {
            return Err(Limit::Partition);
        }
        let provisioned = matches!(self.billing, BillingMode::Provisioned { .. });
        if provisioned && !adaptive && partition.share[slot].level(now) <= 0.0 {
            return Err(Limit::PartitionShare);
        }
        Ok(())
    }

    /// Charges what a request consumed: to its partition, or spread over all of them.
    pub fn charge(&mut self, access: Access, hash: Option<u64>, units: f64, now: u64) {
        let slot = access.slot();
        self.pool[slot].take(units, now);
        self.track_peak(access, units, now);
        self.track_minute(access, units, now);
        // A range, not a list: allocating one took a third of charging a GetItem.
        let charged = match hash {
            Some(hash) => {
                let position = self.position_of(hash);
                position..position + 1
            }
            None => 0..self.partitions.len(),
        };
        let each = units / charged.len().max(1) as f64;
        for position in charged {
            if let Some(partition) = self.partitions.get_mut(position) {
                partition.share[slot].take(each, now);
                partition.ceiling[slot].take(each, now);
                partition.record(access, each, now);
            }
        }
    }

    /// The partition serving `hash`.
    pub fn partition_of(&self, hash: u64) -> &Partition {
        &self.partitions[self.position_of(hash)]
    }

    pub fn position_of(&self, hash: u64) -> usize {
        self.partitions.partition_point(|partition| partition.hash_start <= hash).saturating_sub(1)
    }

    /// The hash range `[start, end]` of the partition at `position`.
    pub fn range_of(&self, position: usize) -> (u64, u64) {
        let start = self.partitions.get(position).map_or(0, |partition| partition.hash_start);
        let end = self.partitions.get(position + 1).map_or(u64::MAX, |next| next.hash_start - 1);
        (start, end)
    }

    /// Splits the partition at `position` in two halves of its hash range (a split for
    /// size); a partition of a single hash cannot split.
    pub fn split(&mut self, position: usize, now: u64) -> bool {
        let (start, end) = self.range_of(position);
        if start == end || self.partitions.len() >= MAX_PARTITIONS {
            return false;
        }
        self.split_at(position, start + (end - start) / 2 + 1);
        self.reshare(now);
        true
    }

    /// The provisioned units (or the on-demand limit) and the units left in the pool.
    pub fn pool_level(&self, access: Access, now: u64) -> (f64, f64) {
        let bucket = &self.pool[access.slot()];
        (bucket.rate, bucket.level(now))
    }

    pub fn billing(&self) -> &BillingMode {
        &self.billing
    }

    fn split_widest(&mut self) {
        let widest = (0..self.partitions.len()).max_by_key(|&position| {
            let (start, end) = self.range_of(position);
            end - start
        });
        if let Some(position) = widest {
            let (start, end) = self.range_of(position);
            if start < end {
                self.split_at(position, start + (end - start) / 2 + 1);
            }
        }
    }

    /// Inserts a partition starting at `middle` taken from the one at `position`: it
    /// starts with the same burst tokens, which [`Throughput::reshare`] then caps at the
    /// new, smaller share.
    fn split_at(&mut self, position: usize, middle: u64) {
        let Some(parent) = self.partitions.get(position) else { return };
        let child = Partition { hash_start: middle, history: VecDeque::new(), bytes: 0, items: 0, ..parent.clone() };
        self.partitions.insert(position + 1, child);
    }

    /// Gives every partition its even share of the pool.
    fn reshare(&mut self, now: u64) {
        let count = self.partitions.len() as f64;
        let rates = self.pool_rates();
        for partition in &mut self.partitions {
            for slot in [0, 1] {
                let share = rates[slot] / count;
                partition.share[slot].resize(share, share * BURST_SECONDS, now);
            }
        }
    }

    /// Units per second of the pool now ([`pool_rates`] after this pool's peak).
    fn pool_rates(&self) -> [f64; 2] {
        pool_rates(&self.billing, self.peak)
    }

    fn track_minute(&mut self, access: Access, units: f64, now: u64) {
        let minute = now / 60_000;
        if self.minutes.back().is_none_or(|(last, _)| *last != minute) {
            self.minutes.push_back((minute, [0.0; 2]));
        }
        if let Some((_, consumed)) = self.minutes.back_mut() {
            consumed[access.slot()] += units;
        }
        while self.minutes.front().is_some_and(|(first, _)| first + MINUTES_KEPT <= minute) {
            self.minutes.pop_front();
        }
    }

    /// The units consumed in each of the last `count` finished minutes (before `now`'s),
    /// oldest first; a minute without requests consumed nothing.
    pub fn finished_minutes(&self, access: Access, now: u64, count: usize) -> Vec<f64> {
        let current = now / 60_000;
        let first = current.saturating_sub(count as u64);
        (first..current)
            .map(|minute| {
                let found = self.minutes.iter().find(|(at, _)| *at == minute);
                found.map_or(0.0, |(_, consumed)| consumed[access.slot()])
            })
            .collect()
    }

    fn track_peak(&mut self, access: Access, units: f64, now: u64) {
        let second = now / 1000;
        if self.this_second.0 != second {
            self.this_second = (second, [0.0; 2]);
        }
        let slot = access.slot();
        self.this_second.1[slot] += units;
        if self.this_second.1[slot] > self.peak[slot] {
            self.peak[slot] = self.this_second.1[slot];
            if self.billing == BillingMode::PayPerRequest {
                let rate = self.pool_rates()[slot];
                self.pool[slot].resize(rate, rate, now);
            }
        }
    }
}

/// A table's throughput and each of its global secondary indexes' (local indexes share
/// the table's).
#[derive(Debug, Clone)]
pub struct Traffic {
    pub table: Throughput,
    /// Boxed: maps whose values are one pointer share their compiled code (docs/size.md).
    pub indexes: BTreeMap<String, Box<Throughput>>,
    /// The latest throttled requests, oldest first.
    pub throttles: VecDeque<ThrottleEvent>,
    /// The latest capacity changes auto scaling made, oldest first.
    pub activities: VecDeque<ScalingActivity>,
}

impl Traffic {
    pub fn new(meta: &TableMeta) -> Traffic {
        let indexes = global_indexes(meta)
            .map(|(name, billing)| (name.to_string(), Box::new(Throughput::new(&billing))))
            .collect_map();
        Traffic {
            table: Throughput::new(&meta.billing),
            indexes,
            throttles: VecDeque::new(),
            activities: VecDeque::new(),
        }
    }

    /// Follows new settings: a global index keeps its throughput, gains one when new,
    /// and loses it when deleted. True when the table's partitions split.
    pub fn reconfigure(&mut self, meta: &TableMeta, now: u64) -> bool {
        let partitions = self.table.partitions.len();
        self.table.reconfigure(&meta.billing, now);
        let mut indexes = BTreeMap::new();
        for (name, billing) in global_indexes(meta) {
            let mut throughput = self.indexes.remove(name).unwrap_or_else(|| Box::new(Throughput::new(&billing)));
            throughput.reconfigure(&billing, now);
            indexes.insert(name.to_string(), throughput);
        }
        self.indexes = indexes;
        self.table.partitions.len() != partitions
    }

    /// Counts an item of `bytes` arriving in or leaving its partition.
    pub fn count_item(&mut self, key_hash: u64, bytes: u64, arriving: bool) {
        let position = self.table.position_of(key_hash);
        if let Some(partition) = self.table.partitions.get_mut(position) {
            if arriving {
                partition.bytes += bytes;
                partition.items += 1;
            } else {
                partition.bytes = partition.bytes.saturating_sub(bytes);
                partition.items = partition.items.saturating_sub(1);
            }
        }
    }

    /// Keeps the latest throttle events.
    pub fn record_throttle(&mut self, event: ThrottleEvent) {
        if self.throttles.len() == MAX_THROTTLE_EVENTS {
            self.throttles.pop_front();
        }
        self.throttles.push_back(event);
    }
}

/// The table's global indexes by name, each with its own billing.
fn global_indexes(meta: &TableMeta) -> impl Iterator<Item = (&str, BillingMode)> {
    meta.indexes.iter().filter(|index| index.kind == IndexKind::Global).map(|index| {
        let billing = match index.throughput {
            Some((read, write)) => BillingMode::Provisioned { read, write },
            None => BillingMode::PayPerRequest,
        };
        (index.name.as_str(), billing)
    })
}

/// How many throttle events a table keeps for the metrics.
const MAX_THROTTLE_EVENTS: usize = 100;

/// Units per second of a pool: provisioned, or what on-demand serves at once after a
/// previous `peak` (twice it, at least the initial level, at most the quota).
fn pool_rates(billing: &BillingMode, peak: [f64; 2]) -> [f64; 2] {
    match billing {
        BillingMode::Provisioned { read, write } => [*read as f64, *write as f64],
        BillingMode::PayPerRequest => {
            [0, 1].map(|slot| (2.0 * peak[slot]).clamp(ON_DEMAND_INITIAL[slot], ON_DEMAND_TABLE_QUOTA[slot]))
        }
    }
}

/// What a pool keeps: 300 seconds of provisioned units, one second of on-demand ones.
fn pool_capacity(billing: &BillingMode, rate: f64) -> f64 {
    match billing {
        BillingMode::Provisioned { .. } => rate * BURST_SECONDS,
        BillingMode::PayPerRequest => rate,
    }
}

/// Partitions needed for the units: one per 3,000 reads plus one per 1,000 writes (the
/// Developer Guide's sizing rule); on-demand tables start with four.
fn partitions_for(billing: &BillingMode) -> usize {
    match billing {
        BillingMode::Provisioned { read, write } => {
            let needed = *read as f64 / PARTITION_LIMIT[0] + *write as f64 / PARTITION_LIMIT[1];
            (needed.ceil() as usize).max(1)
        }
        BillingMode::PayPerRequest => ON_DEMAND_PARTITIONS,
    }
}

/// Where the `i`th of `count` even hash ranges begins.
fn range_start(i: usize, count: usize) -> u64 {
    ((u128::from(u64::MAX) + 1) * i as u128 / count.max(1) as u128) as u64
}

/// A stable hash of a partition key's encoded bytes (FNV-1a, then a mixing step so that
/// similar keys land far apart).
pub fn partition_hash(encoded: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in encoded {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^ (hash >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provisioned(read: u64, write: u64) -> BillingMode {
        BillingMode::Provisioned { read, write }
    }

    #[test]
    fn partitions_follow_the_sizing_rule() {
        assert_eq!(Throughput::new(&provisioned(5, 5)).partitions.len(), 1);
        assert_eq!(Throughput::new(&provisioned(3000, 1000)).partitions.len(), 2);
        assert_eq!(Throughput::new(&provisioned(6001, 0)).partitions.len(), 3);
        assert_eq!(Throughput::new(&BillingMode::PayPerRequest).partitions.len(), 4);
    }

    #[test]
    fn partitions_split_for_throughput_and_never_merge() {
        let mut throughput = Throughput::new(&provisioned(5, 5));
        throughput.reconfigure(&provisioned(5, 4000), 1000);
        assert_eq!(throughput.partitions.len(), 5);
        throughput.reconfigure(&provisioned(5, 5), 2000);
        assert_eq!(throughput.partitions.len(), 5);
        let starts: Vec<u64> = throughput.partitions.iter().map(|p| p.hash_start).collect();
        assert!(starts.windows(2).all(|pair| pair[0] < pair[1]) && starts[0] == 0);
    }

    #[test]
    fn a_bucket_bursts_then_refills_at_its_rate() {
        let mut throughput = Throughput::new(&provisioned(10, 10));
        // 300 seconds of 10 units: 3,000 units of burst (plus 20 refilled), then it is empty.
        for (now, units) in [(1_000_000, 1000.0), (1_001_000, 1000.0), (1_002_000, 1020.0)] {
            throughput.charge(Access::Write, Some(7), units, now);
        }
        assert_eq!(throughput.admit(Access::Write, Some(7), 1_002_000, true), Err(Limit::Provisioned));
        assert_eq!(throughput.admit(Access::Read, Some(7), 1_002_000, true), Ok(()));
        assert_eq!(throughput.admit(Access::Write, Some(7), 1_002_100, true), Ok(()));
    }

    #[test]
    fn a_hot_partition_throttles_at_its_ceiling_while_the_table_has_units_left() {
        let mut throughput = Throughput::new(&provisioned(100, 4000));
        let now = 5_000;
        throughput.charge(Access::Write, Some(1), 1000.0, now);
        assert_eq!(throughput.admit(Access::Write, Some(1), now, true), Err(Limit::Partition));
        assert_eq!(throughput.admit(Access::Write, Some(u64::MAX), now, true), Ok(()));
        assert_eq!(throughput.admit(Access::Write, Some(1), now + 1000, true), Ok(()));
    }

    #[test]
    fn without_adaptive_capacity_a_partition_is_held_to_its_share() {
        let mut throughput = Throughput::new(&provisioned(10, 10));
        // Two partitions of 5 units each: 1,500 units of burst in the first one's share.
        assert!(throughput.split(0, 0));
        throughput.charge(Access::Write, Some(1), 760.0, 5_000);
        throughput.charge(Access::Write, Some(1), 760.0, 5_500);
        assert_eq!(throughput.admit(Access::Write, Some(1), 6_000, false), Err(Limit::PartitionShare));
        assert_eq!(throughput.admit(Access::Write, Some(1), 6_000, true), Ok(()));
    }

    #[test]
    fn on_demand_serves_twice_the_previous_peak() {
        let mut throughput = Throughput::new(&BillingMode::PayPerRequest);
        assert_eq!(throughput.pool_level(Access::Write, 0).0, 4000.0);
        throughput.charge(Access::Write, None, 3000.0, 1000);
        assert_eq!(throughput.pool_level(Access::Write, 1000).0, 6000.0);
    }

    #[test]
    fn a_split_halves_a_hash_range() {
        let mut throughput = Throughput::new(&provisioned(5, 5));
        assert!(throughput.split(0, 0));
        assert_eq!(throughput.range_of(0), (0, u64::MAX / 2));
        assert_eq!(throughput.range_of(1), (u64::MAX / 2 + 1, u64::MAX));
        assert_eq!(throughput.position_of(u64::MAX), 1);
    }

    #[test]
    fn hashes_spread_similar_keys_evenly() {
        let mut quarters = [0; 4];
        for i in 0..4000 {
            quarters[(partition_hash(format!("user#{i}").as_bytes()) >> 62) as usize] += 1;
        }
        assert!(quarters.iter().all(|&count| (900..1100).contains(&count)), "{quarters:?}");
    }
}
