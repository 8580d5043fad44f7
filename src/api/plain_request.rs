//! The plain item requests, read straight from their text, as SDKs and the page send
//! most of them: a GetItem of `{"TableName":"...","Key":{...}}` with each key attribute a
//! string or a number, and a PutItem of `{"TableName":"...","Item":{...}}`, nothing else.
//! Building serde_json maps for the body and then an item from them took a third of such
//! a GetItem's time in wasm, and a PutItem's item tree (read, sized, packed, dropped) two
//! thirds of its.
//!
//! A GetItem's key is not made an [`Item`](crate::model::Item) (a map and a string per
//! name): [`PlainKey`] borrows its names from the text. A PutItem's item is packed as it
//! is read ([`PackedItem::from_request_json`]).
//!
//! Anything else (whitespace, escapes, an empty key or one of more than two attributes,
//! other members, other types, a bad number, a name DynamoDB refuses, a repeated member)
//! is not plain: the readers answer None and the request goes the general way, which
//! gives every error its exact message.

use crate::model::packed::json;
use crate::model::{AttributeValue, KeyValues, Number, PackedItem, MAX_NAME_BYTES};

/// A plain request's key: one or two attributes (a primary key has no more), each a
/// name in the request's text and its value.
#[derive(Debug, PartialEq)]
pub struct PlainKey<'a> {
    first: (&'a str, AttributeValue),
    second: Option<(&'a str, AttributeValue)>,
}

impl<'a> PlainKey<'a> {
    /// The attributes in the request's order.
    fn attributes(&self) -> impl Iterator<Item = &(&'a str, AttributeValue)> {
        std::iter::once(&self.first).chain(&self.second)
    }
}

impl KeyValues for PlainKey<'_> {
    fn count(&self) -> usize {
        1 + usize::from(self.second.is_some())
    }

    fn value(&self, name: &str) -> Option<&AttributeValue> {
        self.attributes().find(|(named, _)| *named == name).map(|(_, value)| value)
    }
}

/// The table name and the key of a plain GetItem request; None when it is not one.
pub fn read_get(body: &str) -> Option<(&str, PlainKey<'_>)> {
    let (mut table_name, mut key) = (None, None);
    read_object(body, |member, text| {
        match member {
            "TableName" if table_name.is_none() => table_name = Some(text.string()?),
            "Key" if key.is_none() => key = Some(text.key()?),
            _ => return None,
        }
        Some(())
    })?;
    Some((table_name?, key?))
}

/// The table name and the item, packed, of a plain PutItem request to a table that
/// `takes` (by name); None when it is not one. A name read before the item spares the
/// item's packing when its table does not take it.
pub fn read_put(body: &str, takes: impl Fn(&str) -> bool) -> Option<(&str, PackedItem)> {
    let (mut table_name, mut item) = (None, None);
    read_object(body, |member, text| {
        match member {
            "TableName" if table_name.is_none() => table_name = Some(text.string().filter(|name| takes(name))?),
            "Item" if item.is_none() => item = Some(text.item()?),
            _ => return None,
        }
        Some(())
    })?;
    Some((table_name?, item?))
}

/// Reads `body`, a JSON object, handing each member's name and the text at its value to
/// `member`, which reads the value or answers None.
fn read_object<'a>(body: &'a str, mut member: impl FnMut(&'a str, &mut Text<'a>) -> Option<()>) -> Option<()> {
    let mut text = Text(body);
    text.expect(b'{')?;
    loop {
        let name = text.string()?;
        text.expect(b':')?;
        member(name, &mut text)?;
        if !text.next_member()? {
            break;
        }
    }
    text.0.is_empty().then_some(())
}

/// What is left to read.
struct Text<'a>(&'a str);

impl<'a> Text<'a> {
    /// Takes the ASCII byte `wanted` off the front.
    fn expect(&mut self, wanted: u8) -> Option<()> {
        if self.0.as_bytes().first() != Some(&wanted) {
            return None;
        }
        self.0 = self.0.get(1..)?;
        Some(())
    }

    /// After an object member: true for `,` (another member follows), false for `}`.
    fn next_member(&mut self) -> Option<bool> {
        match self.expect(b',') {
            Some(()) => Some(true),
            None => self.expect(b'}').map(|()| false),
        }
    }

    /// A JSON string without escapes or control characters.
    fn string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        // The first byte a string must escape ends a plain one only when it is its quote.
        let (plain, b'"', _) = json::split_at_escape(self.0.as_bytes())? else { return None };
        let (string, rest) = self.0.split_at_checked(plain.len())?;
        self.0 = rest.get(1..)?;
        Some(string)
    }

    /// An item, packed as it is read.
    fn item(&mut self) -> Option<PackedItem> {
        let (item, rest) = PackedItem::from_request_json(self.0)?;
        self.0 = rest;
        Some(item)
    }

    /// A key: an object of one or two `{"S": text}` and `{"N": number}` attribute values
    /// of different names.
    fn key(&mut self) -> Option<PlainKey<'a>> {
        self.expect(b'{')?;
        let first = self.attribute()?;
        let second = match self.next_member()? {
            true => self.attribute().filter(|(name, _)| *name != first.0)?,
            false => return Some(PlainKey { first, second: None }),
        };
        // A third attribute cannot match a key schema: the general way says so.
        (!self.next_member()?).then_some(())?;
        Some(PlainKey { first, second: Some(second) })
    }

    /// A key attribute: its name, then `{"S": text}` or `{"N": number}`.
    fn attribute(&mut self) -> Option<(&'a str, AttributeValue)> {
        let name = self.string().filter(|name| (1..=MAX_NAME_BYTES).contains(&name.len()))?;
        self.expect(b':')?;
        self.expect(b'{')?;
        let tag = self.string()?;
        self.expect(b':')?;
        let value = match (tag, self.string()?) {
            ("S", text) => AttributeValue::S(text.to_string()),
            ("N", text) => AttributeValue::N(Number::parse(text).ok()?),
            _ => return None,
        };
        self.expect(b'}')?;
        Some((name, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{item_from_json, Item};

    /// The key as the general way reads it.
    fn general(body: &str) -> (String, Item) {
        let request: serde_json::Value = serde_json::from_str(body).unwrap();
        let key = item_from_json(request["Key"].as_object().unwrap()).unwrap();
        (request["TableName"].as_str().unwrap().to_string(), key)
    }

    /// The plain reading, its key made an item.
    fn plain(body: &str) -> Option<(String, Item)> {
        let (table_name, key) = read_get(body)?;
        let item = key.attributes().map(|(name, value)| (name.to_string(), value.clone())).collect();
        Some((table_name.to_string(), item))
    }

    #[test]
    fn a_plain_request_reads_as_the_general_way_reads_it() {
        for body in [
            r#"{"TableName":"Music","Key":{"Artist":{"S":"Acme"},"Year":{"N":"1999"}}}"#,
            r#"{"Key":{"id":{"N":"-0.50E+3"}},"TableName":"T-1.x"}"#,
            r#"{"TableName":"Music","Key":{"Artist":{"S":""}}}"#,
            r#"{"TableName":"Music","Key":{"é 日本":{"S":"🦀"}}}"#,
        ] {
            assert_eq!(plain(body), Some(general(body)), "{body}");
        }
    }

    #[test]
    fn a_plain_key_names_what_its_item_names() {
        let body = r#"{"TableName":"Music","Key":{"Year":{"N":"1999"},"Artist":{"S":"Acme"}}}"#;
        let (_, key) = read_get(body).unwrap();
        let (_, item) = general(body);
        assert_eq!(key.count(), item.count());
        for name in ["Artist", "Year", "Title", "", "artist"] {
            assert_eq!(key.value(name), item.value(name), "{name}");
        }
    }

    #[test]
    fn anything_else_goes_the_general_way() {
        for body in [
            "",
            "{}",
            r#"{"TableName":"Music"}"#,
            r#"{"TableName":"Music","Key":{}}"#,
            r#"{"Key":{"id":{"S":"a"}}}"#,
            r#"{ "TableName":"Music","Key":{"id":{"S":"a"}}}"#,
            r#"{"TableName":"Music","Key":{"id":{"S":"a\"b"}}}"#,
            r#"{"TableName":"Music","Key":{"id":{"S":"a\nb"}}}"#,
            r#"{"TableName":"Mu\u0073ic","Key":{"id":{"S":"a"}}}"#,
            r#"{"TableName":"Music","Key":{"id":{"B":"AAAA"}}}"#,
            r#"{"TableName":"Music","Key":{"id":{"N":"1e999"}}}"#,
            r#"{"TableName":"Music","Key":{"id":{"N":"x"}}}"#,
            r#"{"TableName":"Music","Key":{"":{"S":"a"}}}"#,
            r#"{"TableName":"Music","Key":{"id":{"S":"a"},"id":{"S":"b"}}}"#,
            r#"{"TableName":"Music","Key":{"a":{"S":"a"},"b":{"S":"b"},"c":{"S":"c"}}}"#,
            r#"{"TableName":"Music","Key":{"a":{"S":"a"},"b":{"S":"b"},"a":{"S":"c"}}}"#,
            r#"{"TableName":"Music","TableName":"Music","Key":{"id":{"S":"a"}}}"#,
            r#"{"TableName":"Music","Key":{"id":{"S":"a","N":"1"}}}"#,
            r#"{"TableName":"Music","Key":{"id":{"S":"a"}},"ConsistentRead":true}"#,
            r#"{"TableName":"Music","Key":{"id":{"S":"a"}}}x"#,
            r#"{"TableName":null,"Key":{"id":{"S":"a"}}}"#,
            r#"{"TableName":"Music","Key":{"id":{"S":"a"}}"#,
        ] {
            assert_eq!(read_get(body), None, "{body}");
        }
    }
}
