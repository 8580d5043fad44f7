//! One stream record: its wire JSON (an element of GetRecords' `Records`), written once
//! when the change is made, and the stored form that brings it back when a database
//! reopens.
//!
//! A record is kept as text rather than as item images: a stream keeps 24 hours of
//! records, and one string per record costs the allocator far less than thousands of
//! retained attribute maps (measured: a NEW_AND_OLD_IMAGES UpdateItem took twice as long
//! with images kept as maps). Storage and GetRecords then use the text as it is.

use crate::engine::REGION;
use crate::model::{item_size, Item};
use crate::stream::{parse_sequence, sequence_text, ViewType};
use serde::Serialize;
use serde_json::Value;
use std::rc::Rc;

/// What happened to the item (eventName).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventName {
    /// A new item was written.
    Insert,
    /// An existing item was replaced or updated.
    Modify,
    /// An item was deleted.
    Remove,
}

impl EventName {
    pub fn wire_name(self) -> &'static str {
        match self {
            EventName::Insert => "INSERT",
            EventName::Modify => "MODIFY",
            EventName::Remove => "REMOVE",
        }
    }

    /// The event a change from `old` to `new` is.
    pub fn of(old: Option<&Item>, new: Option<&Item>) -> EventName {
        match (old, new) {
            (None, _) => EventName::Insert,
            (Some(_), Some(_)) => EventName::Modify,
            (Some(_), None) => EventName::Remove,
        }
    }
}

/// Who made a change: the record's userIdentity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A request (the record has no userIdentity).
    Request,
    /// Time to live deleted an expired item.
    TimeToLive,
}

/// One item change as a stream describes it, borrowing the images from the change.
pub struct ItemEvent<'a> {
    pub event_id: String,
    pub origin: Origin,
    pub view_type: ViewType,
    pub old: Option<&'a Item>,
    pub new: Option<&'a Item>,
    /// The key attributes of the item.
    pub keys: Item,
}

/// One record of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRecord {
    /// The ARN of the stream the record belongs to.
    pub stream: Rc<str>,
    pub sequence: u128,
    pub created_millis: u64,
    /// The record as GetRecords returns it, as JSON text.
    pub wire: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireRecord<'a> {
    #[serde(rename = "eventID")]
    event_id: &'a str,
    event_name: &'static str,
    event_version: &'static str,
    event_source: &'static str,
    aws_region: &'static str,
    dynamodb: WireChange<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_identity: Option<UserIdentity>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WireChange<'a> {
    approximate_creation_date_time: f64,
    keys: &'a Item,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_image: Option<&'a Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    old_image: Option<&'a Item>,
    sequence_number: String,
    size_bytes: usize,
    stream_view_type: &'static str,
}

#[derive(Serialize)]
struct UserIdentity {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "principalId")]
    principal_id: &'static str,
}

impl StreamRecord {
    /// The record of `event` with its sequence number, made at `created_millis`.
    pub fn new(stream: Rc<str>, sequence: u128, created_millis: u64, event: ItemEvent) -> StreamRecord {
        let view_type = event.view_type;
        let new_image = event.new.filter(|_| view_type.has_new_image());
        let old_image = event.old.filter(|_| view_type.has_old_image());
        let size = |image: Option<&Item>| image.map_or(0, item_size);
        let record = WireRecord {
            event_id: &event.event_id,
            event_name: EventName::of(event.old, event.new).wire_name(),
            event_version: "1.1",
            event_source: "aws:dynamodb",
            aws_region: REGION,
            dynamodb: WireChange {
                approximate_creation_date_time: (created_millis / 1000) as f64,
                keys: &event.keys,
                new_image,
                old_image,
                sequence_number: sequence_text(sequence),
                // DynamoDB's own measure is not documented: the sizes of what the record carries.
                size_bytes: item_size(&event.keys) + size(new_image) + size(old_image),
                stream_view_type: view_type.wire_name(),
            },
            user_identity: (event.origin == Origin::TimeToLive)
                .then_some(UserIdentity { kind: "Service", principal_id: "dynamodb.amazonaws.com" }),
        };
        let wire = serde_json::to_string(&record).unwrap_or_default();
        StreamRecord { stream, sequence, created_millis, wire }
    }

    /// The stored form: the creation time in milliseconds, which retention needs and the
    /// wire rounds to seconds, and the wire record.
    pub fn to_stored(&self) -> String {
        format!("{{\"CreatedMillis\":{},\"Record\":{}}}", self.created_millis, self.wire)
    }

    /// A record from its stored form (as [`StreamRecord::to_stored`] writes it, the
    /// wire text kept byte for byte); None when the text is not one.
    pub fn from_stored(stream: Rc<str>, text: &str) -> Option<StreamRecord> {
        let (created, wire) = text.strip_prefix("{\"CreatedMillis\":")?.split_once(",\"Record\":")?;
        let wire = wire.strip_suffix('}')?;
        let record: Value = serde_json::from_str(wire).ok()?;
        Some(StreamRecord {
            stream,
            sequence: parse_sequence(record["dynamodb"]["SequenceNumber"].as_str()?)?,
            created_millis: created.parse().ok()?,
            wire: wire.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AttributeValue;

    fn item(id: &str) -> Item {
        Item::from([("id".to_string(), AttributeValue::S(id.to_string()))])
    }

    fn removal(origin: Origin) -> StreamRecord {
        let (old, keys) = (item("a"), item("a"));
        let event =
            ItemEvent { event_id: "e".into(), origin, view_type: ViewType::OldImage, old: Some(&old), new: None, keys };
        StreamRecord::new(Rc::from("arn"), 170_000_000_000_000_000_001, 1_700_000_000_123, event)
    }

    #[test]
    fn a_record_says_what_its_view_type_and_origin_ask() {
        let wire: Value = serde_json::from_str(&removal(Origin::TimeToLive).wire).unwrap();
        assert_eq!(wire["eventName"], "REMOVE");
        assert_eq!(wire["dynamodb"]["OldImage"]["id"]["S"], "a");
        assert_eq!(wire["dynamodb"].get("NewImage"), None);
        assert_eq!(wire["dynamodb"]["SequenceNumber"], "170000000000000000001");
        assert_eq!(wire["dynamodb"]["ApproximateCreationDateTime"], 1_700_000_000.0);
        assert_eq!(wire["userIdentity"]["principalId"], "dynamodb.amazonaws.com");
        let by_request: Value = serde_json::from_str(&removal(Origin::Request).wire).unwrap();
        assert_eq!(by_request.get("userIdentity"), None);
    }

    #[test]
    fn a_record_survives_its_stored_form() {
        let record = removal(Origin::TimeToLive);
        assert_eq!(StreamRecord::from_stored(Rc::from("arn"), &record.to_stored()), Some(record));
        for broken in ["{}", "{\"CreatedMillis\":1,\"Record\":{}}", "{\"CreatedMillis\":x,\"Record\":{\"a\":1}}"] {
            assert_eq!(StreamRecord::from_stored(Rc::from("arn"), broken), None, "{broken}");
        }
    }
}
