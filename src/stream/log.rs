//! The stream log: every stream's records in sequence order, the sequence numbers handed
//! out, and the 24-hour trim.

use crate::stream::{StreamRecord, RETENTION_MILLIS};
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

/// Sequence numbers start from the clock (milliseconds times 10^8, 21 digits today), so
/// that they keep increasing across a reopen even once every record is trimmed.
const SEQUENCES_PER_MILLI: u128 = 100_000_000;

/// The records of every stream, by stream ARN.
#[derive(Debug, Default)]
pub struct Log {
    /// Boxed: maps whose values are one pointer share their compiled code (docs/size.md).
    shards: BTreeMap<Rc<str>, Box<ShardLog>>,
    last_sequence: u128,
}

/// The records of one stream's shard, oldest first.
#[derive(Debug, Default)]
struct ShardLog {
    records: VecDeque<Rc<StreamRecord>>,
    /// The highest sequence number trimmed away (0: nothing trimmed yet).
    trimmed_through: u128,
}

/// Why a shard cannot be read from a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadError {
    /// The position lies before the oldest record kept: those records were trimmed.
    Trimmed,
}

impl Log {
    /// A new sequence number, greater than every one handed out before.
    pub fn next_sequence(&mut self, now_millis: u64) -> u128 {
        self.last_sequence = self.last_sequence.saturating_add(1).max(u128::from(now_millis) * SEQUENCES_PER_MILLI);
        self.last_sequence
    }

    /// Makes later sequence numbers greater than `sequence` (one read back from storage).
    pub fn observe_sequence(&mut self, sequence: u128) {
        self.last_sequence = self.last_sequence.max(sequence);
    }

    /// Adds the newest record of its stream.
    pub fn append(&mut self, record: Rc<StreamRecord>) {
        self.observe_sequence(record.sequence);
        self.shards.entry(record.stream.clone()).or_default().records.push_back(record);
    }

    /// Adds a record read back from storage, wherever its sequence number puts it.
    pub fn restore(&mut self, record: Rc<StreamRecord>) {
        self.observe_sequence(record.sequence);
        let shard = self.shards.entry(record.stream.clone()).or_default();
        let position = shard.records.partition_point(|kept| kept.sequence < record.sequence);
        shard.records.insert(position, record);
    }

    /// Takes a record back out (its change was reverted).
    pub fn remove(&mut self, record: &StreamRecord) {
        if let Some(shard) = self.shards.get_mut(&record.stream) {
            if let Some(position) = shard.records.iter().rposition(|kept| kept.sequence == record.sequence) {
                shard.records.remove(position);
            }
        }
    }

    /// Removes the records older than 24 hours at `now`, returning them oldest first.
    pub fn trim(&mut self, now_millis: u64) -> Vec<Rc<StreamRecord>> {
        let mut trimmed = Vec::new();
        for shard in self.shards.values_mut() {
            while let Some(oldest) = shard.records.front() {
                if oldest.created_millis.saturating_add(RETENTION_MILLIS) > now_millis {
                    break;
                }
                shard.trimmed_through = shard.trimmed_through.max(oldest.sequence);
                trimmed.extend(shard.records.pop_front());
            }
        }
        trimmed
    }

    /// Puts trimmed records back (the trim's commit failed).
    pub fn untrim(&mut self, records: Vec<Rc<StreamRecord>>) {
        for record in records.into_iter().rev() {
            let shard = self.shards.entry(record.stream.clone()).or_default();
            shard.trimmed_through = shard.trimmed_through.min(record.sequence.saturating_sub(1));
            shard.records.push_front(record);
        }
    }

    /// Whether the stream `arn` ever had a record (kept or trimmed).
    pub fn knows(&self, arn: &str) -> bool {
        self.shards.contains_key(arn)
    }

    /// Every stream's records, stream by stream.
    pub fn all(&self) -> impl Iterator<Item = &Rc<StreamRecord>> {
        self.shards.values().flat_map(|shard| shard.records.iter())
    }

    /// The records of the stream `arn`, oldest first.
    pub fn records(&self, arn: &str) -> impl Iterator<Item = &Rc<StreamRecord>> {
        self.shards.get(arn).into_iter().flat_map(|shard| shard.records.iter())
    }

    /// The first position a TRIM_HORIZON iterator of the stream `arn` reads from.
    pub fn horizon(&self, arn: &str) -> u128 {
        self.shards.get(arn).map_or(0, |shard| shard.trimmed_through).saturating_add(1)
    }

    pub fn last_sequence(&self, arn: &str) -> Option<u128> {
        self.shards.get(arn).and_then(|shard| shard.records.back()).map(|record| record.sequence)
    }

    /// Up to `limit` records of the stream `arn` from sequence number `from` on.
    pub fn read(&self, arn: &str, from: u128, limit: usize) -> Result<Vec<&Rc<StreamRecord>>, ReadError> {
        let Some(shard) = self.shards.get(arn) else { return Ok(Vec::new()) };
        if from <= shard.trimmed_through {
            return Err(ReadError::Trimmed);
        }
        let start = shard.records.partition_point(|record| record.sequence < from);
        Ok(shard.records.range(start..).take(limit).collect())
    }
}
