//! One stream record: what it says about an item change, its wire JSON (GetRecords'
//! `Records` member) and the stored form that brings it back when a database reopens.

use crate::engine::REGION;
use crate::model::{item_from_json, item_size, Item};
use crate::stream::{parse_sequence, sequence_text, ViewType};
use serde_json::{json, Map, Value};
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

/// One change of one item, as a stream shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamRecord {
    /// The ARN of the stream the record belongs to.
    pub stream: Rc<str>,
    pub sequence: u128,
    pub event_id: String,
    pub event: EventName,
    pub origin: Origin,
    pub created_millis: u64,
    pub view_type: ViewType,
    pub keys: Item,
    pub new_image: Option<Item>,
    pub old_image: Option<Item>,
}

impl StreamRecord {
    /// SizeBytes: the size of the keys and images the record carries.
    pub fn size_bytes(&self) -> usize {
        let image = |image: &Option<Item>| image.as_ref().map_or(0, item_size);
        item_size(&self.keys) + image(&self.new_image) + image(&self.old_image)
    }

    /// The record as GetRecords returns it.
    pub fn to_wire(&self) -> Value {
        let mut dynamodb = Map::new();
        dynamodb.insert("ApproximateCreationDateTime".into(), json!((self.created_millis / 1000) as f64));
        dynamodb.insert("Keys".into(), item_json(&self.keys));
        if let Some(image) = &self.new_image {
            dynamodb.insert("NewImage".into(), item_json(image));
        }
        if let Some(image) = &self.old_image {
            dynamodb.insert("OldImage".into(), item_json(image));
        }
        dynamodb.insert("SequenceNumber".into(), json!(sequence_text(self.sequence)));
        dynamodb.insert("SizeBytes".into(), json!(self.size_bytes()));
        dynamodb.insert("StreamViewType".into(), json!(self.view_type.wire_name()));
        let mut record = json!({
            "eventID": self.event_id,
            "eventName": self.event.wire_name(),
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": REGION,
            "dynamodb": dynamodb,
        });
        if self.origin == Origin::TimeToLive {
            record["userIdentity"] = json!({"type": "Service", "principalId": "dynamodb.amazonaws.com"});
        }
        record
    }

    /// The stored form: the wire record and the creation time in milliseconds, which
    /// retention needs and the wire rounds to seconds.
    pub fn to_stored(&self) -> String {
        json!({"CreatedMillis": self.created_millis, "Record": self.to_wire()}).to_string()
    }

    /// A record from its stored form; None when the text is not one.
    pub fn from_stored(stream: Rc<str>, text: &str) -> Option<StreamRecord> {
        let stored: Value = serde_json::from_str(text).ok()?;
        let record = &stored["Record"];
        let dynamodb = &record["dynamodb"];
        let image = |name: &str| dynamodb.get(name).map(|value| value.as_object().and_then(|o| item_from_json(o).ok()));
        Some(StreamRecord {
            stream,
            sequence: parse_sequence(dynamodb["SequenceNumber"].as_str()?)?,
            event_id: record["eventID"].as_str()?.to_string(),
            event: EventName::from_wire(record["eventName"].as_str()?)?,
            origin: if record.get("userIdentity").is_some() { Origin::TimeToLive } else { Origin::Request },
            created_millis: stored["CreatedMillis"].as_u64()?,
            view_type: ViewType::from_wire(dynamodb["StreamViewType"].as_str()?)?,
            keys: image("Keys")??,
            new_image: image("NewImage").map(|image| image.ok_or(())).transpose().ok()?,
            old_image: image("OldImage").map(|image| image.ok_or(())).transpose().ok()?,
        })
    }
}

fn item_json(item: &Item) -> Value {
    serde_json::to_value(item).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AttributeValue;

    fn item(id: &str) -> Item {
        Item::from([("id".to_string(), AttributeValue::S(id.to_string()))])
    }

    #[test]
    fn a_record_survives_its_stored_form() {
        let record = StreamRecord {
            stream: Rc::from("arn"),
            sequence: 170_000_000_000_000_000_001,
            event_id: "e".into(),
            event: EventName::Remove,
            origin: Origin::TimeToLive,
            created_millis: 1_700_000_000_123,
            view_type: ViewType::OldImage,
            keys: item("a"),
            new_image: None,
            old_image: Some(item("a")),
        };
        assert_eq!(StreamRecord::from_stored(Rc::from("arn"), &record.to_stored()), Some(record));
        assert_eq!(StreamRecord::from_stored(Rc::from("arn"), "{}"), None);
    }
}
