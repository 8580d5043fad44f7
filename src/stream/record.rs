//! One stream record: what it says about an item change, its wire JSON (an element of
//! GetRecords' `Records`) and the stored form that brings it back when a database
//! reopens.
//!
//! A record keeps its images packed, as the table keeps the item (a copy of the bytes,
//! not a tree), and becomes text only when read or stored: serializing two images on
//! every write took longer than the write itself in the engine bench.

use crate::model::{item_from_json, item_size, Item, PackedItem};
use crate::region;
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

    fn from_wire(name: &str) -> Option<EventName> {
        [EventName::Insert, EventName::Modify, EventName::Remove].into_iter().find(|event| event.wire_name() == name)
    }

    /// The event a change from `old` to `new` is.
    pub fn of<T>(old: Option<&T>, new: Option<&T>) -> EventName {
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

/// One item change as a stream describes it, with the item's images as the table keeps them.
pub struct ItemEvent {
    pub event_id: String,
    pub origin: Origin,
    pub view_type: ViewType,
    pub old: Option<PackedItem>,
    pub new: Option<PackedItem>,
    /// The key attributes of the item.
    pub keys: Item,
}

/// One record of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamRecord {
    /// The ARN of the stream the record belongs to.
    pub stream: Rc<str>,
    pub sequence: u128,
    pub created_millis: u64,
    pub event_id: String,
    pub event: EventName,
    pub origin: Origin,
    pub view_type: ViewType,
    pub keys: Item,
    pub new_image: Option<PackedItem>,
    pub old_image: Option<PackedItem>,
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
    new_image: Option<&'a PackedItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    old_image: Option<&'a PackedItem>,
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
    /// The record of `event` with its sequence number, made at `created_millis`: the
    /// images its view type asks for.
    pub fn new(stream: Rc<str>, sequence: u128, created_millis: u64, event: ItemEvent) -> StreamRecord {
        let view_type = event.view_type;
        StreamRecord {
            stream,
            sequence,
            created_millis,
            event: EventName::of(event.old.as_ref(), event.new.as_ref()),
            event_id: event.event_id,
            origin: event.origin,
            view_type,
            keys: event.keys,
            new_image: event.new.filter(|_| view_type.has_new_image()),
            old_image: event.old.filter(|_| view_type.has_old_image()),
        }
    }

    /// The record as GetRecords returns it, as JSON text.
    pub fn wire(&self) -> String {
        let size = |image: Option<&PackedItem>| image.map_or(0, PackedItem::size);
        let (new_image, old_image) = (self.new_image.as_ref(), self.old_image.as_ref());
        let record = WireRecord {
            event_id: &self.event_id,
            event_name: self.event.wire_name(),
            event_version: "1.1",
            event_source: "aws:dynamodb",
            aws_region: region::current(),
            dynamodb: WireChange {
                approximate_creation_date_time: (self.created_millis / 1000) as f64,
                keys: &self.keys,
                new_image,
                old_image,
                sequence_number: sequence_text(self.sequence),
                // DynamoDB's own measure is not documented: the sizes of what the record carries.
                size_bytes: item_size(&self.keys) + size(new_image) + size(old_image),
                stream_view_type: self.view_type.wire_name(),
            },
            user_identity: (self.origin == Origin::TimeToLive)
                .then_some(UserIdentity { kind: "Service", principal_id: "dynamodb.amazonaws.com" }),
        };
        serde_json::to_string(&record).unwrap_or_default()
    }

    /// The stored form: the creation time in milliseconds, which retention needs and the
    /// wire rounds to seconds, and the wire record.
    pub fn to_stored(&self) -> String {
        format!("{{\"CreatedMillis\":{},\"Record\":{}}}", self.created_millis, self.wire())
    }

    /// A record from its stored form; None when the text is not one.
    pub fn from_stored(stream: Rc<str>, text: &str) -> Option<StreamRecord> {
        let stored: Value = serde_json::from_str(text).ok()?;
        let record = &stored["Record"];
        let dynamodb = &record["dynamodb"];
        let image = |name: &str| -> Option<Option<Item>> {
            match dynamodb.get(name) {
                None => Some(None),
                Some(value) => item_from_json(value.as_object()?).ok().map(Some),
            }
        };
        Some(StreamRecord {
            stream,
            sequence: parse_sequence(dynamodb["SequenceNumber"].as_str()?)?,
            created_millis: stored["CreatedMillis"].as_u64()?,
            event_id: record["eventID"].as_str()?.to_string(),
            event: EventName::from_wire(record["eventName"].as_str()?)?,
            origin: if record.get("userIdentity").is_some() { Origin::TimeToLive } else { Origin::Request },
            view_type: ViewType::from_wire(dynamodb["StreamViewType"].as_str()?)?,
            keys: image("Keys")??,
            new_image: image("NewImage")?.as_ref().map(PackedItem::pack),
            old_image: image("OldImage")?.as_ref().map(PackedItem::pack),
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
        let (old, keys) = (Some(PackedItem::pack(&item("a"))), item("a"));
        let event = ItemEvent { event_id: "e".into(), origin, view_type: ViewType::OldImage, old, new: None, keys };
        StreamRecord::new(Rc::from("arn"), 170_000_000_000_000_000_001, 1_700_000_000_123, event)
    }

    #[test]
    fn a_record_says_what_its_view_type_and_origin_ask() {
        let wire: Value = serde_json::from_str(&removal(Origin::TimeToLive).wire()).unwrap();
        assert_eq!(wire["eventName"], "REMOVE");
        assert_eq!(wire["dynamodb"]["OldImage"]["id"]["S"], "a");
        assert_eq!(wire["dynamodb"].get("NewImage"), None);
        assert_eq!(wire["dynamodb"]["SequenceNumber"], "170000000000000000001");
        assert_eq!(wire["dynamodb"]["ApproximateCreationDateTime"], 1_700_000_000.0);
        assert_eq!(wire["userIdentity"]["principalId"], "dynamodb.amazonaws.com");
        let by_request: Value = serde_json::from_str(&removal(Origin::Request).wire()).unwrap();
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
