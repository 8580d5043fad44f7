//! A simulated Amazon Kinesis Data Streams: the data streams a table's Kinesis streaming
//! destination writes to (and users may write to), their shards, and their records.
//!
//! How an item change reaches a Kinesis reader:
//! 1. `Engine::store_item_from` changes an item; when the table has an active Kinesis
//!    destination whose data stream exists, `Engine::publish_to_kinesis` builds the JSON
//!    document DynamoDB writes and appends a [`DataRecord`] to the [`Kinesis`] log,
//!    recording a `Change::DataRecordPut` (so storage keeps it and a revert takes it out).
//!    PutRecord and PutRecords append records the same way.
//! 2. `GetShardIterator` turns a position in a shard into a `ShardIterator` and
//!    `GetRecords` reads the log from it (api/kinesis.rs).
//! 3. Before each operation the engine trims records older than each stream's retention
//!    period (24 hours unless raised, up to 365 days) on its clock.
//!
//! Streams never reshard: a stream keeps the shards it was created with, each owning an
//! equal slice of the 128-bit hash key space that MD5 maps partition keys onto.

use crate::engine::ACCOUNT_ID;
use crate::model::{base64_decode, base64_encode};
use crate::region;
use crate::transfer::md5;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

/// A new stream's retention period, and the shortest allowed: 24 hours.
pub const MIN_RETENTION_HOURS: i64 = 24;
/// The longest retention period: 365 days.
pub const MAX_RETENTION_HOURS: i64 = 8760;
/// The shards an on-demand stream starts with.
pub const ON_DEMAND_SHARDS: u32 = 4;
/// How long a Kinesis shard iterator stays valid: 5 minutes.
pub const ITERATOR_LIFETIME_MILLIS: u64 = 5 * 60 * 1000;
/// Kinesis sequence numbers are 56 decimal digits; these two lead every one Dynaplay makes.
const SEQUENCE_PREFIX: &str = "49";

/// How a stream's capacity is managed (StreamModeDetails.StreamMode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StreamMode {
    /// A fixed number of shards.
    Provisioned,
    /// Kinesis manages the shards.
    OnDemand,
}

impl StreamMode {
    pub fn wire_name(self) -> &'static str {
        match self {
            StreamMode::Provisioned => "PROVISIONED",
            StreamMode::OnDemand => "ON_DEMAND",
        }
    }
}

/// A consumer registered for enhanced fan-out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consumer {
    pub name: String,
    pub created_millis: u64,
}

/// One data stream's settings, as storage keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataStream {
    pub name: String,
    pub created_millis: u64,
    pub mode: StreamMode,
    pub shard_count: u32,
    pub retention_hours: u32,
    /// The registered consumers, oldest first.
    pub consumers: Vec<Consumer>,
}

impl DataStream {
    pub fn arn(&self) -> String {
        stream_arn(&self.name)
    }

    pub fn consumer_arn(&self, consumer: &Consumer) -> String {
        format!("{}/consumer/{}:{}", self.arn(), consumer.name, consumer.created_millis / 1000)
    }

    /// The hash key range a shard owns, inclusive: shard `n` of `count` starts at
    /// 2^128 * n / count, computed without overflowing.
    pub fn hash_range(&self, shard: u32) -> (u128, u128) {
        let count = u128::from(self.shard_count.max(1));
        let (quotient, remainder) = (u128::MAX / count, u128::MAX % count);
        let start = |n: u128| n * quotient + n * (remainder + 1) / count;
        let shard = u128::from(shard);
        let end = if shard + 1 >= count { u128::MAX } else { start(shard + 1) - 1 };
        (start(shard), end)
    }

    /// The shard a record with this partition key (or explicit hash key) goes to.
    pub fn shard_for(&self, hash_key: u128) -> u32 {
        (0..self.shard_count).find(|shard| hash_key <= self.hash_range(*shard).1).unwrap_or(0)
    }
}

/// The ARN of the data stream `name`.
pub fn stream_arn(name: &str) -> String {
    format!("arn:aws:kinesis:{}:{ACCOUNT_ID}:stream/{name}", region::current())
}

/// The stream name a data stream ARN names, or None when it is not one.
pub fn parse_stream_arn(arn: &str) -> Option<&str> {
    arn.strip_prefix(&stream_arn("")).filter(|name| !name.is_empty() && !name.contains('/'))
}

/// A ShardId: `shardId-` and twelve digits.
pub fn shard_id(shard: u32) -> String {
    format!("shardId-{shard:012}")
}

/// The shard number a ShardId names; None when it is not one.
pub fn parse_shard_id(id: &str) -> Option<u32> {
    let digits = id.strip_prefix("shardId-")?;
    (digits.len() == 12 && digits.bytes().all(|byte| byte.is_ascii_digit())).then(|| digits.parse().ok()).flatten()
}

/// The hash key of a partition key: its MD5 digest as a 128-bit number.
pub fn hash_key(partition_key: &str) -> u128 {
    u128::from_be_bytes(md5::digest(partition_key.as_bytes()))
}

/// A sequence number as Kinesis writes it: 56 decimal digits.
pub fn sequence_text(sequence: u128) -> String {
    format!("{SEQUENCE_PREFIX}{sequence:054}")
}

/// A sequence number from its text; None unless it is one [`sequence_text`] makes.
pub fn parse_sequence(text: &str) -> Option<u128> {
    let digits = text.strip_prefix(SEQUENCE_PREFIX)?;
    (digits.len() == 54 && digits.bytes().all(|byte| byte.is_ascii_digit())).then(|| digits.parse().ok()).flatten()
}

/// One record of a data stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataRecord {
    /// The name of the stream it belongs to.
    pub stream: Rc<str>,
    pub shard: u32,
    pub sequence: u128,
    /// When it arrived, on the engine clock.
    pub arrival_millis: u64,
    pub partition_key: String,
    pub data: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StoredRecord {
    shard: u32,
    arrival_millis: u64,
    partition_key: String,
    data: String,
}

impl DataRecord {
    /// The stored form: everything but the stream and sequence number, which its key holds.
    pub fn to_stored(&self) -> String {
        let stored = StoredRecord {
            shard: self.shard,
            arrival_millis: self.arrival_millis,
            partition_key: self.partition_key.clone(),
            data: base64_encode(&self.data),
        };
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// A record from its stream, sequence number and stored form; None when the text is not one.
    pub fn from_stored(stream: Rc<str>, sequence: u128, text: &str) -> Option<DataRecord> {
        let stored: StoredRecord = serde_json::from_str(text).ok()?;
        Some(DataRecord {
            stream,
            sequence,
            shard: stored.shard,
            arrival_millis: stored.arrival_millis,
            partition_key: stored.partition_key,
            data: base64_decode(&stored.data).ok()?,
        })
    }
}

/// Every data stream and its records.
#[derive(Debug, Default)]
pub struct Kinesis {
    /// Boxed: maps whose values are one pointer share their compiled code (docs/size.md).
    streams: BTreeMap<String, Box<DataStream>>,
    /// Each stream's records in sequence order, all shards together (boxed, as `streams`).
    #[allow(clippy::box_collection)] // the box is the point: one pointer per value
    records: BTreeMap<Rc<str>, Box<VecDeque<Rc<DataRecord>>>>,
    last_sequence: u128,
}

impl Kinesis {
    pub fn stream(&self, name: &str) -> Option<&DataStream> {
        self.streams.get(name).map(Box::as_ref)
    }

    /// The streams in name order.
    pub fn streams(&self) -> impl Iterator<Item = &DataStream> {
        self.streams.values().map(Box::as_ref)
    }

    /// Adds or replaces a stream's settings, returning the old ones.
    pub fn put_stream(&mut self, stream: DataStream) -> Option<DataStream> {
        self.streams.insert(stream.name.clone(), Box::new(stream)).map(|old| *old)
    }

    /// Removes a stream with its records, returned oldest first.
    pub fn remove_stream(&mut self, name: &str) -> (Option<DataStream>, Vec<Rc<DataRecord>>) {
        let records = self.records.remove(name).map(|records| Vec::from(*records)).unwrap_or_default();
        (self.streams.remove(name).map(|old| *old), records)
    }

    /// A new sequence number, greater than every one handed out before; they start from
    /// the clock, so that they keep increasing across a reopen.
    pub fn next_sequence(&mut self, now_millis: u64) -> u128 {
        self.last_sequence = self.last_sequence.saturating_add(1).max(u128::from(now_millis) * 100_000_000);
        self.last_sequence
    }

    /// The newest sequence number handed out.
    pub fn last_sequence(&self) -> u128 {
        self.last_sequence
    }

    /// Adds a record: a new one, or one read back from storage or put back by a revert,
    /// wherever its sequence number puts it.
    pub fn insert(&mut self, record: Rc<DataRecord>) {
        self.last_sequence = self.last_sequence.max(record.sequence);
        let records = self.records.entry(record.stream.clone()).or_default();
        let position = records.partition_point(|kept| kept.sequence < record.sequence);
        records.insert(position, record);
    }

    /// Takes a record back out (its change was reverted).
    pub fn remove(&mut self, record: &DataRecord) {
        if let Some(records) = self.records.get_mut(&record.stream) {
            records.retain(|kept| kept.sequence != record.sequence);
        }
    }

    /// Removes the records older than their stream's retention period at `now`.
    pub fn trim(&mut self, now_millis: u64) -> Vec<Rc<DataRecord>> {
        let mut trimmed = Vec::new();
        for (name, records) in &mut self.records {
            let hours = self.streams.get(&**name).map_or(0, |stream| u64::from(stream.retention_hours));
            let retention = hours * 60 * 60 * 1000;
            while records.front().is_some_and(|oldest| oldest.arrival_millis.saturating_add(retention) <= now_millis) {
                trimmed.extend(records.pop_front());
            }
        }
        trimmed
    }

    /// Every record, stream by stream.
    pub fn all_records(&self) -> impl Iterator<Item = &Rc<DataRecord>> {
        self.records.values().flat_map(|records| records.iter())
    }

    /// The records of one shard from sequence number `from` on, oldest first.
    pub fn shard_records<'a>(
        &'a self,
        stream: &str,
        shard: u32,
        from: u128,
    ) -> impl Iterator<Item = &'a Rc<DataRecord>> + 'a {
        let records = self.records.get(stream);
        let start = records.map_or(0, |records| records.partition_point(|record| record.sequence < from));
        records.into_iter().flat_map(move |records| records.range(start..)).filter(move |record| record.shard == shard)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(shard_count: u32) -> DataStream {
        let mode = StreamMode::Provisioned;
        DataStream { name: "s".into(), created_millis: 0, mode, shard_count, retention_hours: 24, consumers: vec![] }
    }

    #[test]
    fn shards_split_the_hash_key_space_evenly() {
        let two = stream(2);
        assert_eq!(two.hash_range(0), (0, (1 << 127) - 1));
        assert_eq!(two.hash_range(1), (1 << 127, u128::MAX));
        assert_eq!(two.shard_for(0), 0);
        assert_eq!(two.shard_for(u128::MAX), 1);
        assert_eq!(stream(1).hash_range(0), (0, u128::MAX));
    }

    #[test]
    fn names_and_numbers_round_trip() {
        assert_eq!(parse_stream_arn(&stream_arn("Orders")), Some("Orders"));
        assert_eq!(parse_stream_arn("arn:aws:kinesis:us-east-1:000000000000:stream/"), None);
        assert_eq!(shard_id(3), "shardId-000000000003");
        assert_eq!(parse_shard_id("shardId-000000000003"), Some(3));
        assert_eq!(parse_shard_id("shardId-3"), None);
        let text = sequence_text(170_000_000_000_000_000_001);
        assert_eq!(text.len(), 56);
        assert_eq!(parse_sequence(&text), Some(170_000_000_000_000_000_001));
        assert_eq!(parse_sequence("12"), None);
    }

    #[test]
    fn a_record_survives_its_stored_form() {
        let record = DataRecord {
            stream: Rc::from("s"),
            shard: 1,
            sequence: 7,
            arrival_millis: 5,
            partition_key: "pk".into(),
            data: b"\x00hello".to_vec(),
        };
        assert_eq!(DataRecord::from_stored(Rc::from("s"), 7, &record.to_stored()), Some(record));
        assert_eq!(DataRecord::from_stored(Rc::from("s"), 7, "{}"), None);
    }
}
