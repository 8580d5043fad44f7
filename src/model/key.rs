//! Primary key schemas, key validation, and the order-preserving key encoding that
//! sorts items the way DynamoDB does (S by UTF-8 bytes, N numerically, B by unsigned bytes).
//!
//! A [`KeyCode`] is the partition key's bytes, escaped (`00` becomes `00 FF`) and closed
//! by `00 01`, followed by the sort key's bytes as they are. The partition part is
//! prefix-free, so all items of a partition share it as a prefix, and within a partition
//! byte order is sort key order. Key bytes are a string's UTF-8, a binary's raw bytes,
//! or [`Number::encode_ordered`](crate::model::Number::encode_ordered).

use crate::model::{AttributeValue, CompactCollect, Item, PackedItem};
use crate::{bail_validation, Result};
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// Longest partition key value, and longest sort key value, in bytes.
const MAX_PARTITION_KEY_BYTES: usize = 2048;
const MAX_SORT_KEY_BYTES: usize = 1024;
/// Room for most encoded keys: growing a buffer took a fifth of encoding a key.
const KEY_CAPACITY: usize = 32;

/// The scalar types a key attribute can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScalarType {
    /// String.
    S,
    /// Number.
    N,
    /// Binary.
    B,
}

impl ScalarType {
    /// Whether `value` is of this type.
    pub fn matches(self, value: &AttributeValue) -> bool {
        matches!(
            (self, value),
            (ScalarType::S, AttributeValue::S(_))
                | (ScalarType::N, AttributeValue::N(_))
                | (ScalarType::B, AttributeValue::B(_))
        )
    }
}

/// A key attribute's name and type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyAttribute {
    pub name: String,
    pub scalar: ScalarType,
}

/// A table's (or index's) primary key: a partition key and an optional sort key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySchema {
    pub partition: KeyAttribute,
    pub sort: Option<KeyAttribute>,
}

/// An encoded primary key. Items of one partition share a prefix, and byte order
/// within a partition is DynamoDB's sort key order.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyCode(Vec<u8>);

impl KeyCode {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The key just past every key of the partition this prefix (from
    /// [`KeySchema::partition_prefix`]) begins: the prefix ends with the terminator
    /// `00 01`, so the same prefix ending in `00 02` sorts above all of the partition's
    /// keys and below every other partition's.
    pub fn partition_end(&self) -> KeyCode {
        let mut end = self.0.clone();
        if let Some(last) = end.last_mut() {
            *last += 1;
        }
        KeyCode(end)
    }

    /// The encoded partition key value: the bytes up to and including the terminator
    /// `00 01` (a zero byte inside the value is escaped as `00 ff`), the same bytes as
    /// [`KeySchema::partition_prefix`] gives for the value.
    pub fn partition_bytes(&self) -> &[u8] {
        let mut position = 0;
        while let Some(pair) = self.0.get(position..position + 2) {
            match pair {
                [0, 1] => return &self.0[..position + 2],
                [0, _] => position += 2,
                _ => position += 1,
            }
        }
        &self.0
    }

    /// Lowercase hex, the form the key takes in storage.
    pub fn to_hex(&self) -> String {
        hex_encode(&self.0)
    }

    /// The key whose [`to_hex`](Self::to_hex) is `text`; `None` if `text` is not hex.
    pub fn from_hex(text: &str) -> Option<KeyCode> {
        hex_decode(text).map(KeyCode)
    }
}

/// Bytes as lowercase hex.
pub fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut hex, byte| {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

/// The bytes whose [`hex_encode`] is `text`; `None` if `text` is not hex.
pub fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |byte: u8| char::from(byte).to_digit(16);
    text.as_bytes().chunks(2).map(|pair| Some((digit(*pair.first()?)? * 16 + digit(*pair.get(1)?)?) as u8)).collect()
}

impl ScalarType {
    /// The type's wire name: S, N or B.
    pub fn name(self) -> &'static str {
        match self {
            ScalarType::S => "S",
            ScalarType::N => "N",
            ScalarType::B => "B",
        }
    }
}

/// A request's key attributes by name: an [`Item`], or a key read without building one
/// (a plain GetItem's, read straight from its text).
pub trait KeyValues {
    /// How many attributes it names.
    fn count(&self) -> usize;
    /// The value of the attribute `name`, if it names it.
    fn value(&self, name: &str) -> Option<&AttributeValue>;
}

impl KeyValues for Item {
    fn count(&self) -> usize {
        self.len()
    }

    fn value(&self, name: &str) -> Option<&AttributeValue> {
        self.get(name)
    }
}

/// Which part of the primary key an attribute is.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    Partition,
    Sort,
}

impl KeySchema {
    /// The key of an item being written, with PutItem's errors for missing,
    /// mistyped, empty or oversized key attributes.
    pub fn item_key(&self, item: &Item) -> Result<KeyCode> {
        self.encode(|attribute| {
            let name = &attribute.name;
            let Some(value) = item.get(name) else {
                bail_validation!("One or more parameter values were invalid: Missing the key {name} in the item");
            };
            if !attribute.scalar.matches(value) {
                bail_validation!(
                    "One or more parameter values were invalid: Type mismatch for key {name} expected: {} actual: {}",
                    attribute.scalar.name(),
                    value.type_name()
                );
            }
            Ok(value)
        })
    }

    /// The key named by a request's `Key` parameter (GetItem, DeleteItem), which must
    /// hold exactly the key attributes.
    pub fn request_key(&self, key: &dyn KeyValues) -> Result<KeyCode> {
        if key.count() != self.attribute_count() {
            bail_validation!("The provided key element does not match the schema");
        }
        self.encode(|attribute| match key.value(&attribute.name) {
            Some(value) if attribute.scalar.matches(value) => Ok(value),
            _ => bail_validation!("The provided key element does not match the schema"),
        })
    }

    /// The limits on the key values an item or key holds (not empty, not too long), for
    /// the key attributes it holds with the schema's types: missing and mistyped ones are
    /// [`item_key`](Self::item_key)'s and [`request_key`](Self::request_key)'s to report.
    /// A transaction refuses these outright, and cancels on the others.
    pub fn check_key_values(&self, item: &Item) -> Result<()> {
        for (attribute, role) in self.attributes() {
            if let Some(value) = item.get(&attribute.name).filter(|value| attribute.scalar.matches(value)) {
                check_key_value(&attribute.name, role, value)?;
            }
        }
        Ok(())
    }

    /// The key of an item in a secondary index with this schema: `None` when the item
    /// lacks a key attribute, or holds one of another type or an empty value (the item is
    /// then not in the index, which is what makes an index sparse).
    pub fn sparse_key(&self, item: &Item) -> Option<KeyCode> {
        self.encode(|attribute| match item.get(&attribute.name) {
            Some(value) if attribute.scalar.matches(value) => Ok(value),
            _ => bail_validation!("not in the index"),
        })
        .ok()
    }

    /// The key of a stored item from the values of its key attributes, in the order of
    /// [`KeySchema::iter`]: `None` when one is missing or is not a valid key value of its
    /// type, as in no item the engine writes.
    pub fn stored_key(&self, values: &[Option<AttributeValue>]) -> Option<KeyCode> {
        let mut values = values.iter();
        self.encode(|attribute| match values.next() {
            Some(Some(value)) if attribute.scalar.matches(value) => Ok(value),
            _ => bail_validation!("not the item's key"),
        })
        .ok()
    }

    /// The key of a packed item, if it holds valid key attributes ([`KeySchema::stored_key`]).
    pub fn packed_key(&self, item: &PackedItem) -> Option<KeyCode> {
        let names: Vec<&str> = self.iter().map(|attribute| attribute.name.as_str()).collect();
        self.stored_key(&item.attributes(&names))
    }

    /// The item's key attributes alone.
    pub fn key_attributes(&self, item: &Item) -> Item {
        self.attributes()
            .filter_map(|(attribute, _)| item.get_key_value(&attribute.name))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect_map()
    }

    /// The prefix shared by the keys of every item in the partition `value` (for Query);
    /// `None` if `value` is not of the partition key's type.
    pub fn partition_prefix(&self, value: &AttributeValue) -> Option<KeyCode> {
        if !self.partition.scalar.matches(value) {
            return None;
        }
        let mut out = Vec::with_capacity(KEY_CAPACITY);
        push_key_part(value, Role::Partition, &mut out);
        Some(KeyCode(out))
    }

    /// The key attributes, partition key first.
    pub fn iter(&self) -> impl Iterator<Item = &KeyAttribute> {
        std::iter::once(&self.partition).chain(self.sort.as_ref())
    }

    /// How many key attributes there are, one or two (counted without iterating, which
    /// cost a GetItem more than a tenth of encoding its key).
    fn attribute_count(&self) -> usize {
        1 + usize::from(self.sort.is_some())
    }

    fn attributes(&self) -> impl Iterator<Item = (&KeyAttribute, Role)> {
        let sort = self.sort.iter().map(|attribute| (attribute, Role::Sort));
        std::iter::once((&self.partition, Role::Partition)).chain(sort)
    }

    /// Encodes the key values that `lookup` finds (and type-checks) for each key
    /// attribute, after DynamoDB's empty-value and size checks.
    fn encode<'a>(&self, mut lookup: impl FnMut(&KeyAttribute) -> Result<&'a AttributeValue>) -> Result<KeyCode> {
        let mut out = Vec::with_capacity(KEY_CAPACITY);
        for (attribute, role) in self.attributes() {
            let value = lookup(attribute)?;
            check_key_value(&attribute.name, role, value)?;
            push_key_part(value, role, &mut out);
        }
        Ok(KeyCode(out))
    }
}

/// DynamoDB's limits on a key value: not empty, and at most 2048 bytes for a partition
/// key, 1024 for a sort key (numbers are always small enough).
fn check_key_value(name: &str, role: Role, value: &AttributeValue) -> Result<()> {
    let (len, kind) = match value {
        AttributeValue::S(text) => (text.len(), "string"),
        AttributeValue::B(bytes) => (bytes.len(), "binary"),
        _ => return Ok(()),
    };
    if len == 0 {
        bail_validation!(
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty {kind} value. Key: {name}"
        );
    }
    match role {
        Role::Partition if len > MAX_PARTITION_KEY_BYTES => bail_validation!(
            "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"
        ),
        Role::Sort if len > MAX_SORT_KEY_BYTES => bail_validation!(
            "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
        ),
        _ => Ok(()),
    }
}

/// Appends a key value's bytes: escaped and terminated for the partition key, as they
/// are for the sort key (which always comes last).
fn push_key_part(value: &AttributeValue, role: Role, out: &mut Vec<u8>) {
    let mut number = Vec::new();
    let bytes: &[u8] = match value {
        AttributeValue::S(text) => text.as_bytes(),
        AttributeValue::B(bytes) => bytes,
        AttributeValue::N(n) if role == Role::Sort => return n.encode_ordered(out),
        AttributeValue::N(n) => {
            n.encode_ordered(&mut number);
            &number
        }
        // Callers have checked the type.
        _ => &[],
    };
    if role == Role::Sort {
        out.extend_from_slice(bytes);
        return;
    }
    // Each zero byte is written as 0x00 0xff; most values have none and are copied whole.
    if bytes.contains(&0) {
        for &byte in bytes {
            out.push(byte);
            if byte == 0 {
                out.push(0xff);
            }
        }
    } else {
        out.extend_from_slice(bytes);
    }
    out.extend_from_slice(&[0x00, 0x01]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_bytes_end_at_the_terminator() {
        let schema = KeySchema {
            partition: KeyAttribute { name: "pk".into(), scalar: ScalarType::B },
            sort: Some(KeyAttribute { name: "sk".into(), scalar: ScalarType::S }),
        };
        let value = AttributeValue::B(vec![0, 1, 0, 2]);
        let item = Item::from([("pk".to_string(), value.clone()), ("sk".to_string(), AttributeValue::S("x".into()))]);
        let key = schema.item_key(&item).unwrap();
        assert_eq!(key.partition_bytes(), schema.partition_prefix(&value).unwrap().as_bytes());
    }
    use crate::model::{item_from_json, Number};
    use crate::ErrorKind;
    use serde_json::{json, Value};

    fn schema(partition: ScalarType, sort: Option<ScalarType>) -> KeySchema {
        KeySchema {
            partition: KeyAttribute { name: "id".into(), scalar: partition },
            sort: sort.map(|scalar| KeyAttribute { name: "sk".into(), scalar }),
        }
    }

    fn item(json: Value) -> Item {
        item_from_json(json.as_object().unwrap()).unwrap()
    }

    fn item_error(schema: &KeySchema, json: Value) -> String {
        let error = schema.item_key(&item(json)).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Validation);
        error.message
    }

    fn request_error(schema: &KeySchema, json: Value) -> String {
        let error = schema.request_key(&item(json)).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Validation);
        error.message
    }

    fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.into())
    }

    fn n(text: &str) -> AttributeValue {
        AttributeValue::N(Number::parse(text).unwrap())
    }

    fn b(bytes: &[u8]) -> AttributeValue {
        AttributeValue::B(bytes.to_vec())
    }

    fn key(schema: &KeySchema, partition: AttributeValue, sort: Option<AttributeValue>) -> KeyCode {
        let mut item = Item::from([("id".to_string(), partition), ("other".to_string(), s("x"))]);
        if let Some(sort) = sort {
            item.insert("sk".into(), sort);
        }
        schema.item_key(&item).unwrap()
    }

    #[test]
    fn hex_round_trip() {
        let code = KeyCode(vec![0x00, 0x01, 0xab, 0xff, 0x10]);
        assert_eq!(code.to_hex(), "0001abff10");
        assert_eq!(KeyCode::from_hex("0001abff10"), Some(code));
        assert_eq!(KeyCode::from_hex(""), Some(KeyCode(Vec::new())));
        assert_eq!(KeyCode::from_hex("ABff"), Some(KeyCode(vec![0xab, 0xff])));
        assert_eq!(KeyCode::from_hex("abc"), None);
        assert_eq!(KeyCode::from_hex("zz"), None);
        assert_eq!(KeyCode::from_hex("+1"), None);
        assert_eq!(KeyCode::from_hex("éa"), None);
    }

    #[test]
    fn item_key_errors() {
        let table = schema(ScalarType::S, Some(ScalarType::N));
        assert_eq!(
            item_error(&table, json!({"x": {"S": "a"}})),
            "One or more parameter values were invalid: Missing the key id in the item"
        );
        assert_eq!(
            item_error(&table, json!({"id": {"S": "a"}})),
            "One or more parameter values were invalid: Missing the key sk in the item"
        );
        assert_eq!(
            item_error(&table, json!({"id": {"N": "1"}, "sk": {"N": "1"}})),
            "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N"
        );
        assert_eq!(
            item_error(&table, json!({"id": {"S": "a"}, "sk": {"SS": ["1"]}})),
            "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: SS"
        );
        assert_eq!(
            item_error(&table, json!({"id": {"S": ""}, "sk": {"N": "1"}})),
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id"
        );
        let binary = schema(ScalarType::S, Some(ScalarType::B));
        assert_eq!(
            item_error(&binary, json!({"id": {"S": "a"}, "sk": {"B": ""}})),
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: sk"
        );
    }

    #[test]
    fn key_size_limits() {
        let table = schema(ScalarType::S, Some(ScalarType::S));
        let with = |id: String, sk: String| json!({"id": {"S": id}, "sk": {"S": sk}});
        table.item_key(&item(with("a".repeat(2048), "b".repeat(1024)))).unwrap();
        assert_eq!(
            item_error(&table, with("a".repeat(2049), "b".into())),
            "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"
        );
        assert_eq!(
            item_error(&table, with("a".into(), "b".repeat(1025))),
            "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
        );
        // UTF-8 bytes count, not characters: 512 four-byte emoji are 2048 bytes.
        let emoji = "😃".repeat(512);
        table.item_key(&item(with(emoji.clone(), "b".into()))).unwrap();
        assert!(item_error(&table, with(format!("x{emoji}"), "b".into())).contains("Size of hashkey"));
        let binary = schema(ScalarType::B, None);
        let bytes = AttributeValue::B(vec![7; 2049]);
        let error = binary.item_key(&Item::from([("id".to_string(), bytes)])).unwrap_err();
        assert!(error.message.contains("Size of hashkey"));
        // The size check applies to request keys too.
        assert!(request_error(&table, with("a".repeat(2049), "b".into())).contains("Size of hashkey"));
    }

    #[test]
    fn request_key_errors() {
        let mismatch = "The provided key element does not match the schema";
        let table = schema(ScalarType::S, Some(ScalarType::N));
        assert_eq!(request_error(&table, json!({"id": {"S": "a"}})), mismatch);
        assert_eq!(request_error(&table, json!({"id": {"S": "a"}, "sk": {"S": "1"}})), mismatch);
        assert_eq!(request_error(&table, json!({"id": {"S": "a"}, "other": {"N": "1"}})), mismatch);
        assert_eq!(request_error(&table, json!({"id": {"S": "a"}, "sk": {"N": "1"}, "x": {"N": "1"}})), mismatch);
        assert_eq!(
            request_error(&table, json!({"id": {"S": ""}, "sk": {"N": "1"}})),
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id"
        );
        let from_item = table.item_key(&item(json!({"id": {"S": "a"}, "sk": {"N": "1.0"}, "x": {"S": "y"}}))).unwrap();
        let from_request = table.request_key(&item(json!({"id": {"S": "a"}, "sk": {"N": "1"}}))).unwrap();
        assert_eq!(from_item, from_request);
    }

    #[test]
    fn key_attributes_projects_the_key() {
        let table = schema(ScalarType::S, Some(ScalarType::N));
        let full = item(json!({"id": {"S": "a"}, "sk": {"N": "1"}, "x": {"S": "y"}}));
        assert_eq!(table.key_attributes(&full), item(json!({"id": {"S": "a"}, "sk": {"N": "1"}})));
        let hash_only = schema(ScalarType::S, None);
        assert_eq!(hash_only.key_attributes(&full), item(json!({"id": {"S": "a"}})));
    }

    #[test]
    fn partitions_share_a_prefix() {
        let table = schema(ScalarType::S, Some(ScalarType::S));
        let prefix = table.partition_prefix(&s("ab")).unwrap();
        assert!(key(&table, s("ab"), Some(s("x"))).as_bytes().starts_with(prefix.as_bytes()));
        assert!(key(&table, s("ab"), Some(s("\0"))).as_bytes().starts_with(prefix.as_bytes()));
        // Partitions whose values are prefixes of one another, or contain zero bytes,
        // never share prefixes.
        for other in ["a", "abc", "ab\0", "ab\u{1}", "a\0b"] {
            for sort in ["\0", "\u{1}", "x", "\u{ff}"] {
                let code = key(&table, s(other), Some(s(sort)));
                assert!(!code.as_bytes().starts_with(prefix.as_bytes()), "{other:?} {sort:?}");
                assert!(code < prefix || code >= prefix.partition_end(), "{other:?} {sort:?}");
            }
        }
        for sort in ["\0", "x", "\u{ff}\u{ff}"] {
            let code = key(&table, s("ab"), Some(s(sort)));
            assert!(prefix <= code && code < prefix.partition_end(), "{sort:?}");
        }
        assert_eq!(table.partition_prefix(&n("1")), None);
        let hash_only = schema(ScalarType::N, None);
        assert_eq!(hash_only.partition_prefix(&n("1.0")).unwrap(), key(&hash_only, n("1"), None));
    }

    #[test]
    fn string_sort_keys_order_by_utf8_bytes() {
        let table = schema(ScalarType::S, Some(ScalarType::S));
        let sorted = ["\0", "A", "Z", "a", "a\0", "ab", "b", "é", "\u{ffff}", "😃"];
        let codes: Vec<KeyCode> = sorted.iter().map(|text| key(&table, s("p"), Some(s(text)))).collect();
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn number_sort_keys_order_numerically() {
        let table = schema(ScalarType::B, Some(ScalarType::N));
        let sorted =
            ["-1e100", "-10", "-9.5", "-1", "-0.001", "0", "1e-130", "0.5", "1", "2", "10", "10.5", "100", "1e125"];
        let codes: Vec<KeyCode> = sorted.iter().map(|text| key(&table, b(b"\0p"), Some(n(text)))).collect();
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn binary_sort_keys_order_by_unsigned_bytes() {
        let table = schema(ScalarType::N, Some(ScalarType::B));
        let sorted: [&[u8]; 6] = [b"\x00", b"\x00\x00", b"\x01", b"\x7f", b"\x80", b"\xff\xff"];
        let codes: Vec<KeyCode> = sorted.iter().map(|bytes| key(&table, n("-3"), Some(b(bytes)))).collect();
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn partition_zero_bytes_are_escaped() {
        let table = schema(ScalarType::B, None);
        assert_eq!(key(&table, b(b"a\0b"), None).as_bytes(), b"a\x00\xffb\x00\x01");
        assert_eq!(key(&table, b(b"\0"), None).as_bytes(), b"\x00\xff\x00\x01");
    }
}
