//! A quick reader for items that are plainly valid, straight from request text.
//!
//! [`item_from_json`](crate::model::item_from_json) validates an item in DynamoDB's two
//! passes over a `serde_json::Value` tree, and building that tree and walking it twice
//! made most of a PutItem's time. [`PlainItem`] reads the text into an [`Item`] at once,
//! but only text that both passes would accept without a word: each value an object with
//! exactly one of the members S, N, BOOL, NULL, M, L, SS and NS, of the JSON type it
//! needs; names of 1 to 65535 bytes, each once per map; numbers that parse; sets that
//! are non-empty and hold no duplicates or nulls; BOOL and NULL as JSON booleans, NULL
//! true; lists and maps within the nesting limit. Anything else (binaries too) is an
//! error without a message: the caller then parses the whole request the usual way,
//! which answers DynamoDB's error, or accepts what this reader left to it.

use crate::model::value::NESTING_LIMIT;
use crate::model::{AttributeValue, Item, Number, MAX_NAME_BYTES};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::HashSet;
use std::fmt;
use std::hash::Hash;

/// An item read by the quick reader (see the module documentation).
pub struct PlainItem(pub Item);

impl<'de> Deserialize<'de> for PlainItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MapSeed { depth: 1 }).map(PlainItem)
    }
}

/// The error that sends the request to the usual parser.
fn not_plain<E: serde::de::Error>() -> E {
    E::custom("not a plain item")
}

/// A map of named values whose values sit at `depth` (an item's attributes at 1).
#[derive(Clone, Copy)]
struct MapSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for MapSeed {
    type Value = Item;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Item, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for MapSeed {
    type Value = Item;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a map of attribute values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
        let mut item = Item::new();
        while let Some(name) = map.next_key::<String>()? {
            if name.is_empty() || name.len() > MAX_NAME_BYTES {
                return Err(not_plain());
            }
            let value = map.next_value_seed(ValueSeed { depth: self.depth })?;
            if item.insert(name, value).is_some() {
                return Err(not_plain());
            }
        }
        Ok(item)
    }
}

/// One attribute value at `depth`.
#[derive(Clone, Copy)]
struct ValueSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = AttributeValue;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<AttributeValue, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = AttributeValue;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an attribute value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AttributeValue, A::Error> {
        let Some(tag) = map.next_key::<&str>()? else { return Err(not_plain()) };
        // A list or map at the nesting limit is refused; its elements sit one level deeper.
        let nested = || match self.depth < NESTING_LIMIT {
            true => Ok(self.depth + 1),
            false => Err(not_plain()),
        };
        let value = match tag {
            "S" => AttributeValue::S(map.next_value()?),
            "N" => AttributeValue::N(number(map.next_value()?)?),
            "BOOL" => AttributeValue::Bool(map.next_value()?),
            "NULL" if map.next_value()? => AttributeValue::Null,
            "M" => AttributeValue::M(map.next_value_seed(MapSeed { depth: nested()? })?),
            "L" => AttributeValue::L(map.next_value_seed(ListSeed { depth: nested()? })?),
            "SS" => AttributeValue::Ss(set(map.next_value::<Vec<String>>()?)?),
            "NS" => {
                let texts: Vec<&str> = map.next_value()?;
                AttributeValue::Ns(set(texts.into_iter().map(number).collect::<Result<_, _>>()?)?)
            }
            _ => return Err(not_plain()),
        };
        match map.next_key::<IgnoredAny>()? {
            Some(_) => Err(not_plain()),
            None => Ok(value),
        }
    }
}

/// The elements of a list, at `depth`.
#[derive(Clone, Copy)]
struct ListSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ListSeed {
    type Value = Vec<AttributeValue>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ListSeed {
    type Value = Vec<AttributeValue>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a list of attribute values")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut values = Vec::new();
        while let Some(value) = seq.next_element_seed(ValueSeed { depth: self.depth })? {
            values.push(value);
        }
        Ok(values)
    }
}

fn number<E: serde::de::Error>(text: &str) -> Result<Number, E> {
    Number::parse(text).map_err(|_| not_plain())
}

/// A set's elements: at least one, none twice.
fn set<T: Hash + Eq, E: serde::de::Error>(elements: Vec<T>) -> Result<Vec<T>, E> {
    let mut seen = HashSet::with_capacity(elements.len());
    match !elements.is_empty() && elements.iter().all(|element| seen.insert(element)) {
        true => Ok(elements),
        false => Err(not_plain()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::item_from_json;

    fn plain(text: &str) -> Option<Item> {
        serde_json::from_str::<PlainItem>(text).ok().map(|item| item.0)
    }

    /// What the usual two passes make of the text.
    fn usual(text: &str) -> crate::Result<Item> {
        item_from_json(&serde_json::from_str(text).expect("test items are JSON objects"))
    }

    #[test]
    fn a_plain_item_reads_as_the_usual_passes_read_it() {
        let text = r#"{"pk":{"S":"a\u00e9\n"},"n":{"N":"-01.50"},"t":{"BOOL":false},"z":{"NULL":true},
            "m":{"M":{"b":{"L":[{"N":"1"},{"SS":["x","y"]},{"M":{}}]},"a":{"NS":["1","2.0"]}}},"e":{"S":""},"l":{"L":[]}}"#;
        assert_eq!(plain(text), Some(usual(text).unwrap()));
    }

    #[test]
    fn anything_the_usual_passes_refuse_or_read_otherwise_is_left_to_them() {
        let deep = format!("{}{{\"N\":\"1\"}}{}", r#"{"L":["#.repeat(32), "]}".repeat(32));
        let refused_or_other = [
            r#"{"a":{"S":"x","N":"1"}}"#,
            r#"{"a":{}}"#,
            r#"{"a":null}"#,
            r#"{"a":{"S":null}}"#,
            r#"{"a":{"S":1}}"#,
            r#"{"a":{"N":"x"}}"#,
            r#"{"a":{"NULL":false}}"#,
            r#"{"a":{"BOOL":"true"}}"#,
            r#"{"a":{"B":"AA=="}}"#,
            r#"{"a":{"SS":[]}}"#,
            r#"{"a":{"SS":["x","x"]}}"#,
            r#"{"a":{"SS":["x",null]}}"#,
            r#"{"a":{"NS":["1","1.0"]}}"#,
            r#"{"a":{"S":"x","foo":1}}"#,
            r#"{"":{"S":"x"}}"#,
            r#"{"a":{"S":"x"},"a":{"S":"y"}}"#,
            r#"{"a":{"L":[null]}}"#,
        ];
        for text in refused_or_other.iter().copied().chain([format!(r#"{{"a":{deep}}}"#).as_str()]) {
            assert_eq!(plain(text), None, "{text}");
        }
        let nested_to_the_limit = format!("{}{{\"N\":\"1\"}}{}", r#"{"L":["#.repeat(31), "]}".repeat(31));
        let text = format!(r#"{{"a":{nested_to_the_limit}}}"#);
        assert_eq!(plain(&text), Some(usual(&text).unwrap()));
    }
}
