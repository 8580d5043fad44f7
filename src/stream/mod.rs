//! DynamoDB Streams: what a table's stream is, the records item changes become, and the
//! log that keeps them for 24 hours.
//!
//! How one write reaches a reader:
//! 1. `Engine::store_item` changes an item; when the table's latest stream is enabled it
//!    builds a [`StreamRecord`] (images chosen by the [`ViewType`]), appends it to the
//!    [`Log`] and hands it to the change log inside the `Change::Item` it records.
//! 2. Storage persists the record with the item; a failed commit reverts the change, and
//!    the revert takes the record back out of the log, so no reader sees it again.
//! 3. `GetShardIterator` turns a position in a [`Shard`] into a [`ShardIterator`] and
//!    `GetRecords` reads the log from it (api/streams.rs).
//! 4. Before each operation the engine trims records older than 24 hours on its clock.
//!
//! A stream's shard is closed and succeeded by a child shard every 4 hours of engine
//! clock while the stream is enabled, as on DynamoDB; a closed shard is listed until its
//! records have expired.

mod log;
mod record;

pub use log::{Log, ReadError};
pub use record::{EventName, ItemEvent, Origin, StreamRecord};

use crate::engine::table_arn;
use serde::{Deserialize, Serialize};

/// How long a stream keeps its records, and a disabled stream stays readable: 24 hours.
pub const RETENTION_MILLIS: u64 = 24 * 60 * 60 * 1000;
/// How long a shard iterator stays valid: 15 minutes.
pub const ITERATOR_LIFETIME_MILLIS: u64 = 15 * 60 * 1000;
/// How long a shard stays open before a child shard succeeds it: 4 hours.
pub const SHARD_LIFETIME_MILLIS: u64 = 4 * 60 * 60 * 1000;

/// What a stream record carries of the item (StreamViewType).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ViewType {
    /// Only the key attributes.
    KeysOnly,
    /// The item as it is after the change.
    NewImage,
    /// The item as it was before the change.
    OldImage,
    /// Both images.
    NewAndOldImages,
}

impl ViewType {
    /// The wire names, in the order DynamoDB's enum constraint message lists them.
    pub const WIRE_NAMES: [&'static str; 4] = ["OLD_IMAGE", "KEYS_ONLY", "NEW_AND_OLD_IMAGES", "NEW_IMAGE"];

    pub fn wire_name(self) -> &'static str {
        match self {
            ViewType::KeysOnly => "KEYS_ONLY",
            ViewType::NewImage => "NEW_IMAGE",
            ViewType::OldImage => "OLD_IMAGE",
            ViewType::NewAndOldImages => "NEW_AND_OLD_IMAGES",
        }
    }

    pub fn from_wire(name: &str) -> Option<ViewType> {
        [ViewType::KeysOnly, ViewType::NewImage, ViewType::OldImage, ViewType::NewAndOldImages]
            .into_iter()
            .find(|view| view.wire_name() == name)
    }

    pub fn has_new_image(self) -> bool {
        matches!(self, ViewType::NewImage | ViewType::NewAndOldImages)
    }

    pub fn has_old_image(self) -> bool {
        matches!(self, ViewType::OldImage | ViewType::NewAndOldImages)
    }
}

/// One stream of a table, as its settings keep it. A table's streams are listed oldest
/// first; only the last can be enabled. Sequence numbers are kept as decimal text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamInfo {
    /// The StreamLabel: the creation time, `2023-11-14T22:13:20.000`.
    pub label: String,
    pub view_type: ViewType,
    pub created_millis: u64,
    /// The StartingSequenceNumber of its first shard, reserved when the stream was created.
    pub first_sequence: String,
    /// The shards that succeeded the first, oldest first: when each opened, and its
    /// StartingSequenceNumber. Absent from streams that never rolled over.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub child_shards: Vec<(u64, String)>,
    /// When the stream was disabled, and the EndingSequenceNumber its last shard closed at.
    pub disabled: Option<(u64, String)>,
}

/// One shard of a stream, as DescribeStream and the shard iterators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    pub id: String,
    pub parent_id: Option<String>,
    /// Its StartingSequenceNumber.
    pub first: u128,
    /// Its EndingSequenceNumber and when it closed; None while it is open.
    pub end: Option<(u128, u64)>,
}

impl Shard {
    /// Whether the shard is listed at `now`: open, or closed less than 24 hours ago
    /// (while records of it may be kept).
    pub fn is_visible(&self, now: u64) -> bool {
        self.end.is_none_or(|(_, closed)| now < closed.saturating_add(RETENTION_MILLIS))
    }
}

impl StreamInfo {
    pub fn is_enabled(&self) -> bool {
        self.disabled.is_none()
    }

    /// Whether the stream can still be read at `now`: enabled, or disabled less than 24
    /// hours ago.
    pub fn is_visible(&self, now: u64) -> bool {
        self.disabled.as_ref().is_none_or(|(at, _)| now < at.saturating_add(RETENTION_MILLIS))
    }

    pub fn arn(&self, table_name: &str) -> String {
        stream_arn(table_name, &self.label)
    }

    /// When the open (or last) shard opened.
    pub fn last_shard_opened(&self) -> u64 {
        self.child_shards.last().map_or(self.created_millis, |(opened, _)| *opened)
    }

    /// The stream's shards, oldest first. Each ShardId is `shardId-`, the time the shard
    /// opened in 20 digits and 8 hex digits, the shape DynamoDB's shard ids have; a
    /// parent ends just before its child starts.
    pub fn shards(&self, table_name: &str) -> Vec<Shard> {
        let arn = self.arn(table_name);
        let starts = std::iter::once((self.created_millis, &self.first_sequence))
            .chain(self.child_shards.iter().map(|(opened, first)| (*opened, first)));
        let starts: Vec<(u64, u128)> =
            starts.map(|(opened, first)| (opened, parse_sequence(first).unwrap_or_default())).collect();
        let last_end = self.disabled.as_ref().map(|(at, end)| (parse_sequence(end).unwrap_or_default(), *at));
        let mut shards: Vec<Shard> = Vec::with_capacity(starts.len());
        for (position, (opened, first)) in starts.iter().enumerate() {
            let end = match starts.get(position + 1) {
                Some((next_opened, next_first)) => Some((next_first.saturating_sub(1), *next_opened)),
                None => last_end,
            };
            let hash = match position {
                0 => fnv1a(arn.as_bytes()),
                _ => fnv1a(format!("{arn}/{position}").as_bytes()),
            };
            let id = format!("shardId-{opened:020}-{:08x}", hash as u32);
            let parent_id = shards.last().map(|parent| parent.id.clone());
            shards.push(Shard { id, parent_id, first: *first, end });
        }
        shards
    }
}

/// The ARN of the stream with `label` on table `table_name`.
pub fn stream_arn(table_name: &str, label: &str) -> String {
    format!("{}/stream/{label}", table_arn(table_name))
}

/// The table name and label a stream ARN names, or None when it is not one.
pub fn parse_stream_arn(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix(&table_arn(""))?;
    let (table, label) = rest.split_once("/stream/")?;
    Some((table, label))
}

/// A sequence number as DynamoDB writes it: decimal, at least 21 digits.
pub fn sequence_text(sequence: u128) -> String {
    format!("{sequence:021}")
}

/// A sequence number from its text; None unless it is 1 to 40 decimal digits.
pub fn parse_sequence(text: &str) -> Option<u128> {
    let digits = !text.is_empty() && text.len() <= 40 && text.bytes().all(|byte| byte.is_ascii_digit());
    digits.then(|| text.parse().ok()).flatten()
}

/// Epoch milliseconds as DynamoDB's stream labels show them: `2023-11-14T22:13:20.000`.
pub fn iso_millis(millis: u64) -> String {
    let (days, in_day) = (millis / 86_400_000, millis % 86_400_000);
    let (year, month, day) = civil_from_days(days as i64);
    let (hours, minutes) = (in_day / 3_600_000, in_day / 60_000 % 60);
    let (seconds, milliseconds) = (in_day / 1000 % 60, in_day % 1000);
    format!("{year:04}-{month:02}-{day:02}T{hours:02}:{minutes:02}:{seconds:02}.{milliseconds:03}")
}

/// The calendar date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x100_0000_01b3))
}

/// A position in a shard, handed out by GetShardIterator and GetRecords as opaque text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardIterator {
    pub stream_arn: String,
    pub shard_id: String,
    /// The first sequence number a read from here may return.
    pub from: u128,
    /// When the iterator was handed out, on the engine clock.
    pub issued_millis: u64,
}

impl ShardIterator {
    /// The iterator's opaque text: its fields, hex encoded so that nobody edits them.
    pub fn encode(&self) -> String {
        let plain = format!("{}|{}|{}|{}", self.stream_arn, self.shard_id, self.from, self.issued_millis);
        plain.bytes().map(|byte| format!("{byte:02x}")).collect()
    }

    /// The iterator an opaque text stands for; None when it is not one.
    pub fn decode(text: &str) -> Option<ShardIterator> {
        if !text.len().is_multiple_of(2) || !text.is_ascii() {
            return None;
        }
        let bytes: Option<Vec<u8>> =
            (0..text.len()).step_by(2).map(|at| u8::from_str_radix(&text[at..at + 2], 16).ok()).collect();
        let plain = String::from_utf8(bytes?).ok()?;
        let mut fields = plain.split('|');
        let (arn, shard, from, issued) = (fields.next()?, fields.next()?, fields.next()?, fields.next()?);
        if fields.next().is_some() {
            return None;
        }
        Some(ShardIterator {
            stream_arn: arn.to_string(),
            shard_id: shard.to_string(),
            from: from.parse().ok()?,
            issued_millis: issued.parse().ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_utc_with_milliseconds() {
        assert_eq!(iso_millis(1_700_000_000_000), "2023-11-14T22:13:20.000");
        assert_eq!(iso_millis(951_782_400_123), "2000-02-29T00:00:00.123");
        assert_eq!(iso_millis(0), "1970-01-01T00:00:00.000");
    }

    #[test]
    fn stream_arns_round_trip() {
        let arn = stream_arn("Music", "2023-11-14T22:13:20.000");
        assert_eq!(arn, "arn:aws:dynamodb:us-east-1:000000000000:table/Music/stream/2023-11-14T22:13:20.000");
        assert_eq!(parse_stream_arn(&arn), Some(("Music", "2023-11-14T22:13:20.000")));
        assert_eq!(parse_stream_arn("arn:aws:dynamodb:us-east-1:000000000000:table/Music"), None);
    }

    #[test]
    fn iterators_round_trip_and_garbage_is_refused() {
        let iterator = ShardIterator {
            stream_arn: stream_arn("t", "x"),
            shard_id: "shardId-1".into(),
            from: 170_000_000_000_000_000_000,
            issued_millis: 5,
        };
        assert_eq!(ShardIterator::decode(&iterator.encode()), Some(iterator));
        for garbage in ["", "zz", "abc", "7c7c", "é1"] {
            assert_eq!(ShardIterator::decode(garbage), None, "{garbage}");
        }
    }

    #[test]
    fn sequence_numbers_are_decimal_text() {
        assert_eq!(sequence_text(1), "000000000000000000001");
        assert_eq!(parse_sequence("000000000000000000001"), Some(1));
        assert_eq!(parse_sequence("12a"), None);
        assert_eq!(parse_sequence(&"9".repeat(41)), None);
        assert_eq!(parse_sequence(&"9".repeat(40)), None);
    }
}
