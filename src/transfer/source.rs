//! The items of an import's source file: its lines read in the chosen input format and
//! turned into DynamoDB JSON items, each with the line it came from, or why it could
//! not be read.

use crate::json::json;
use crate::model::ScalarType;
use crate::transfer::{csv, ion};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// An import's InputFormat, with its options.
#[derive(Debug, Clone, PartialEq)]
pub enum InputFormat {
    /// Comma (or `delimiter`) separated values, the first line naming the columns
    /// unless `header` names them.
    Csv { delimiter: char, header: Option<Vec<String>> },
    /// One `{"Item": {...}}` per line.
    DynamoDbJson,
    /// One `{Item: {...}}` Ion struct per line (after an optional version marker).
    Ion,
}

/// One item of a source file in DynamoDB JSON, or why its line is not one.
pub type SourceItem = (usize, Result<Map<String, Value>, String>);

/// The items of a source file's text. `key_types` names the attributes CSV columns
/// give a type to (the table's and its indexes' keys); other CSV columns are strings,
/// and an empty CSV field is no attribute.
pub fn items(text: &str, format: &InputFormat, key_types: &BTreeMap<String, ScalarType>) -> Vec<SourceItem> {
    match format {
        InputFormat::Csv { delimiter, header } => csv_items(text, *delimiter, header.as_deref(), key_types),
        InputFormat::DynamoDbJson => line_items(text, json_item),
        InputFormat::Ion => line_items(text, ion_item),
    }
}

/// The non-blank lines of `text`, each read by `read`.
fn line_items(text: &str, read: fn(&str) -> Result<Map<String, Value>, String>) -> Vec<SourceItem> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| (index + 1, read(line)))
        .collect()
}

fn json_item(line: &str) -> Result<Map<String, Value>, String> {
    let value: Value = serde_json::from_str(line).map_err(|error| format!("Invalid JSON: {error}"))?;
    match value.get("Item") {
        Some(Value::Object(item)) => Ok(item.clone()),
        _ => Err("The line has no Item object".to_string()),
    }
}

fn ion_item(line: &str) -> Result<Map<String, Value>, String> {
    let values = ion::parse(line).map_err(|error| format!("Invalid Ion: {error}"))?;
    let [record] = values.as_slice() else {
        return Err("The line does not hold exactly one Ion value".to_string());
    };
    let ion::IonValue::Struct(fields) = &record.value else {
        return Err("The line is not an Ion struct".to_string());
    };
    match fields.iter().find(|(name, _)| name == "Item") {
        Some((_, ion::Ion { value: ion::IonValue::Struct(item), .. })) => ion::struct_to_item_json(item),
        _ => Err("The line has no Item struct".to_string()),
    }
}

fn csv_items(
    text: &str,
    delimiter: char,
    header: Option<&[String]>,
    key_types: &BTreeMap<String, ScalarType>,
) -> Vec<SourceItem> {
    let mut records = csv::records(text, delimiter).into_iter();
    let header: Vec<String> = match header {
        Some(header) => header.to_vec(),
        None => match records.next() {
            Some((_, Ok(fields))) => fields,
            Some((line, Err(message))) => return vec![(line, Err(format!("Invalid header: {message}")))],
            None => return Vec::new(),
        },
    };
    records.map(|(line, record)| (line, record.and_then(|fields| csv_item(&header, fields, key_types)))).collect()
}

fn csv_item(
    header: &[String],
    fields: Vec<String>,
    key_types: &BTreeMap<String, ScalarType>,
) -> Result<Map<String, Value>, String> {
    if fields.len() > header.len() {
        return Err(format!("The line has {} fields but the header names {}", fields.len(), header.len()));
    }
    let mut item = Map::new();
    for (name, field) in header.iter().zip(fields) {
        let value = match key_types.get(name) {
            Some(ScalarType::N) => json!({ "N": field }),
            Some(ScalarType::B) => json!({ "B": field }),
            Some(ScalarType::S) => json!({ "S": field }),
            None if field.is_empty() => continue,
            None => json!({ "S": field }),
        };
        item.insert(name.clone(), value);
    }
    Ok(item)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> BTreeMap<String, ScalarType> {
        BTreeMap::from([("id".to_string(), ScalarType::S), ("n".to_string(), ScalarType::N)])
    }

    #[test]
    fn csv_types_keys_and_leaves_the_rest_strings() {
        let text = "id,n,price,note\na,1,2.5,\nb,x,3,\"q,\"\"uoted\"\"\"\nc,2,1,2,3\n";
        let read = items(text, &InputFormat::Csv { delimiter: ',', header: None }, &keys());
        assert_eq!(
            read[0],
            (2, Ok(json!({"id": {"S": "a"}, "n": {"N": "1"}, "price": {"S": "2.5"}}).as_object().unwrap().clone()))
        );
        assert_eq!(read[1].1.as_ref().unwrap()["note"], json!({"S": "q,\"uoted\""}));
        assert_eq!(read[2], (4, Err("The line has 5 fields but the header names 4".to_string())));
        let given = InputFormat::Csv { delimiter: ';', header: Some(vec!["id".into()]) };
        assert_eq!(items("a\nb", &given, &keys()).len(), 2);
    }

    #[test]
    fn json_and_ion_lines() {
        let text = "{\"Item\":{\"id\":{\"S\":\"a\"}}}\n\n{\"Item\":1}\nnot json\n";
        let read = items(text, &InputFormat::DynamoDbJson, &keys());
        let lines: Vec<usize> = read.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [1, 3, 4]);
        assert!(read[0].1.is_ok() && read[1].1.is_err() && read[2].1.is_err());
        let text = "$ion_1_0 {Item:{id:\"a\",n:1.}}\n{Item:{id:\"b\"}} {Item:{}}\n[1]\n{Other:{}}\n{Item:{";
        let read = items(text, &InputFormat::Ion, &keys());
        assert_eq!(read[0].1, Ok(json!({"id": {"S": "a"}, "n": {"N": "1."}}).as_object().unwrap().clone()));
        assert!(read[1..].iter().all(|(_, item)| item.is_err()), "{read:?}");
    }
}
