//! The lines of an export's data files: a full export writes each item, an incremental
//! export each item changed in its period, in DynamoDB JSON or Ion text.

use crate::model::{AttributeValue, Item, KeySchema, Number};
use crate::transfer::ion::{item_to_ion, VERSION_MARKER};
use std::collections::BTreeMap;

/// An export's ExportFormat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// DynamoDB JSON lines, files `*.json.gz`.
    DynamoDbJson,
    /// Ion text lines, files `*.ion.gz`.
    Ion,
}

impl Format {
    pub fn wire_name(self) -> &'static str {
        match self {
            Format::DynamoDbJson => "DYNAMODB_JSON",
            Format::Ion => "ION",
        }
    }

    pub fn from_wire(name: &str) -> Option<Format> {
        [Format::DynamoDbJson, Format::Ion].into_iter().find(|format| format.wire_name() == name)
    }

    /// The data files' name suffix.
    pub fn extension(self) -> &'static str {
        match self {
            Format::DynamoDbJson => ".json.gz",
            Format::Ion => ".ion.gz",
        }
    }
}

/// An incremental export's ExportViewType.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewType {
    /// Only the item as it is at the end of the period.
    NewImage,
    /// The item as it was at the start of the period, and as it is at its end.
    NewAndOldImages,
}

/// One committed change of an item, as the change log (point-in-time recovery) has it.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemChange {
    pub keys: Item,
    pub old: Option<Item>,
    pub new: Option<Item>,
    /// When it was written, in epoch milliseconds on the engine clock.
    pub written_millis: u64,
}

/// A full export's line for one item: `{"Item":{...}}` or `$ion_1_0 {Item:{...}}`.
pub fn item_line(item: &Item, format: Format) -> String {
    match format {
        Format::DynamoDbJson => format!("{{\"Item\":{}}}", item_json(item)),
        Format::Ion => {
            let mut line = format!("{VERSION_MARKER} {{Item:");
            item_to_ion(item, &mut line);
            line.push('}');
            line
        }
    }
}

/// An incremental export's lines: per item changed in the period, in key order, the
/// latest write's time, the keys, the image before the period (NEW_AND_OLD_IMAGES) and
/// the image at its end (absent for an item deleted by then). An item that did not
/// exist at either end (created and deleted within the period) has no line.
pub fn incremental_lines(changes: &[ItemChange], schema: &KeySchema, format: Format, view: ViewType) -> Vec<String> {
    let mut net: BTreeMap<Vec<u8>, ItemChange> = BTreeMap::new();
    for change in changes {
        let Ok(code) = schema.request_key(&change.keys) else { continue };
        net.entry(code.as_bytes().to_vec())
            .and_modify(|first| {
                first.new = change.new.clone();
                first.written_millis = first.written_millis.max(change.written_millis);
            })
            .or_insert_with(|| change.clone());
    }
    net.into_values()
        .filter(|change| change.old.is_some() || change.new.is_some())
        .map(|change| incremental_line(&change, format, view))
        .collect()
}

fn incremental_line(change: &ItemChange, format: Format, view: ViewType) -> String {
    let micros = (change.written_millis.saturating_mul(1000)).to_string();
    let metadata =
        Number::parse(&micros).map(|number| Item::from([("WriteTimestampMicros".into(), AttributeValue::N(number))]));
    let mut members = vec![("Metadata", metadata.unwrap_or_default()), ("Keys", change.keys.clone())];
    if let Some(new) = &change.new {
        members.push(("NewImage", new.clone()));
    }
    if let (ViewType::NewAndOldImages, Some(old)) = (view, &change.old) {
        members.push(("OldImage", old.clone()));
    }
    match format {
        Format::DynamoDbJson => {
            let members: Vec<String> =
                members.iter().map(|(name, item)| format!("\"{name}\":{}", item_json(item))).collect();
            format!("{{{}}}", members.join(","))
        }
        Format::Ion => {
            let mut line = format!("{VERSION_MARKER} {{");
            for (position, (name, item)) in members.iter().enumerate() {
                line.push_str(if position == 0 { "" } else { "," });
                line.push_str(name);
                line.push(':');
                item_to_ion(item, &mut line);
            }
            line.push('}');
            line
        }
    }
}

fn item_json(item: &Item) -> String {
    serde_json::to_string(item).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{item_from_json, KeyAttribute, ScalarType};
    use serde_json::json;

    fn item(json: serde_json::Value) -> Item {
        item_from_json(json.as_object().unwrap()).unwrap()
    }

    fn schema() -> KeySchema {
        KeySchema { partition: KeyAttribute { name: "id".into(), scalar: ScalarType::S }, sort: None }
    }

    fn change(id: &str, old: Option<serde_json::Value>, new: Option<serde_json::Value>, at: u64) -> ItemChange {
        ItemChange { keys: item(json!({"id": {"S": id}})), old: old.map(item), new: new.map(item), written_millis: at }
    }

    #[test]
    fn full_export_lines() {
        let item = item(json!({"id": {"S": "a"}, "n": {"N": "600"}}));
        assert_eq!(item_line(&item, Format::DynamoDbJson), r#"{"Item":{"id":{"S":"a"},"n":{"N":"600"}}}"#);
        assert_eq!(item_line(&item, Format::Ion), r#"$ion_1_0 {Item:{id:"a",n:6d2}}"#);
    }

    #[test]
    fn incremental_lines_net_each_item_over_the_period() {
        let a1 = json!({"id": {"S": "a"}, "v": {"N": "1"}});
        let a2 = json!({"id": {"S": "a"}, "v": {"N": "2"}});
        let a3 = json!({"id": {"S": "a"}, "v": {"N": "3"}});
        let b = json!({"id": {"S": "b"}});
        let changes = [
            change("b", Some(json!({"id": {"S": "b"}, "v": {"N": "0"}})), Some(b.clone()), 1_000),
            change("a", Some(a1.clone()), Some(a2.clone()), 2_000),
            change("c", None, Some(json!({"id": {"S": "c"}})), 2_500),
            change("a", Some(a2), Some(a3), 3_000),
            change("b", Some(b.clone()), None, 4_000),
            change("c", Some(json!({"id": {"S": "c"}})), None, 4_500),
        ];
        let lines = incremental_lines(&changes, &schema(), Format::DynamoDbJson, ViewType::NewAndOldImages);
        assert_eq!(
            lines,
            [
                r#"{"Metadata":{"WriteTimestampMicros":{"N":"3000000"}},"Keys":{"id":{"S":"a"}},"NewImage":{"id":{"S":"a"},"v":{"N":"3"}},"OldImage":{"id":{"S":"a"},"v":{"N":"1"}}}"#,
                r#"{"Metadata":{"WriteTimestampMicros":{"N":"4000000"}},"Keys":{"id":{"S":"b"}},"OldImage":{"id":{"S":"b"},"v":{"N":"0"}}}"#,
            ]
        );
        let lines = incremental_lines(&changes, &schema(), Format::Ion, ViewType::NewImage);
        assert_eq!(
            lines,
            [
                r#"$ion_1_0 {Metadata:{WriteTimestampMicros:3d6},Keys:{id:"a"},NewImage:{id:"a",v:3.}}"#,
                r#"$ion_1_0 {Metadata:{WriteTimestampMicros:4d6},Keys:{id:"b"}}"#,
            ]
        );
    }
}
