//! Attribute values in DynamoDB JSON (`{"S": "text"}`), validated as DynamoDB validates them.
//!
//! Parsing runs in DynamoDB's two passes:
//!
//! 1. `check_shapes` plays deserialization: a JSON type that does not fit the
//!    AttributeValue shape, or bad base64, is a SerializationException, and it wins over
//!    any validation error elsewhere in the value. It walks the JSON with an explicit
//!    stack, so depth costs no call stack.
//! 2. `parse_value` validates and builds the value (ValidationExceptions). It refuses
//!    a list or map at DynamoDB's nesting limit before descending into it, so its
//!    recursion stays within 32 levels whatever the input (the wasm stack is 1 MB).
//!
//! Where DynamoDB's text is known (dynalite's AWS-recorded tests, DynamoDB Local) the
//! messages are DynamoDB's to the letter, including its typos and double spaces.

use crate::model::{CompactCollect, Number};
use crate::{bail_validation, validation, Error, Result};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};
use std::hash::Hash;

/// An item: attribute names to values.
pub type Item = BTreeMap<String, AttributeValue>;

/// One DynamoDB attribute value.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeValue {
    /// String (UTF-8).
    S(String),
    /// Number.
    N(Number),
    /// Binary (base64 on the wire).
    B(Vec<u8>),
    /// Boolean.
    Bool(bool),
    /// Null (always `{"NULL": true}` on the wire).
    Null,
    /// Map of named values.
    M(Item),
    /// List of values.
    L(Vec<AttributeValue>),
    /// String set: non-empty, no duplicates.
    Ss(Vec<String>),
    /// Number set: non-empty, no duplicates.
    Ns(Vec<Number>),
    /// Binary set: non-empty, no duplicates.
    Bs(Vec<Vec<u8>>),
}

/// DynamoDB allows 32 levels of nesting: an item's attributes are level 1, and a list
/// or map at level 32 is refused (a scalar there is fine).
pub(crate) const NESTING_LIMIT: usize = 32;

/// Longest attribute name, in UTF-8 bytes.
pub const MAX_NAME_BYTES: usize = 65535;

const NULL_VALUE: &str = "The supplied Item contains a null AttributeValue";

/// An AttributeValue's members, in the order DynamoDB validates them.
const MEMBERS: [(&str, Member); 10] = [
    ("S", Member::S),
    ("SS", Member::Ss),
    ("N", Member::N),
    ("NS", Member::Ns),
    ("B", Member::B),
    ("BS", Member::Bs),
    ("M", Member::M),
    ("L", Member::L),
    ("BOOL", Member::Bool),
    ("NULL", Member::Null),
];

#[derive(Debug, Clone, Copy)]
enum Member {
    S,
    Ss,
    N,
    Ns,
    B,
    Bs,
    M,
    L,
    Bool,
    Null,
}

/// The JSON shape a position in an AttributeValue must have.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Value,
    Str,
    Blob,
    Bool,
    Strs,
    Blobs,
    Values,
    Map,
}

impl Member {
    fn shape(self) -> Shape {
        match self {
            Member::S | Member::N => Shape::Str,
            Member::Ss | Member::Ns => Shape::Strs,
            Member::B => Shape::Blob,
            Member::Bs => Shape::Blobs,
            Member::M => Shape::Map,
            Member::L => Shape::Values,
            Member::Bool | Member::Null => Shape::Bool,
        }
    }
}

impl AttributeValue {
    /// Parses and validates one DynamoDB JSON attribute value.
    pub fn from_json(value: &serde_json::Value) -> Result<AttributeValue> {
        check_shapes([value])?;
        parse_value(value, 1)
    }

    /// The DynamoDB type descriptor: "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS".
    pub fn type_name(&self) -> &'static str {
        match self {
            AttributeValue::S(_) => "S",
            AttributeValue::N(_) => "N",
            AttributeValue::B(_) => "B",
            AttributeValue::Bool(_) => "BOOL",
            AttributeValue::Null => "NULL",
            AttributeValue::M(_) => "M",
            AttributeValue::L(_) => "L",
            AttributeValue::Ss(_) => "SS",
            AttributeValue::Ns(_) => "NS",
            AttributeValue::Bs(_) => "BS",
        }
    }

    /// Bytes this value counts for in an item's size (without its attribute name).
    ///
    /// The Developer Guide's rules ("Item sizes and formats"): strings count their UTF-8
    /// bytes, binaries their raw bytes, numbers [`Number::size`], BOOL and NULL 1 byte;
    /// a list or map 3 bytes plus 1 byte and the size of each element (with its name, for
    /// a map); a set the sum of its elements.
    pub fn size(&self) -> usize {
        match self {
            AttributeValue::S(text) => text.len(),
            AttributeValue::N(number) => number.size(),
            AttributeValue::B(bytes) => bytes.len(),
            AttributeValue::Bool(_) | AttributeValue::Null => 1,
            AttributeValue::M(map) => 3 + map.iter().map(|(name, value)| 1 + name.len() + value.size()).sum::<usize>(),
            AttributeValue::L(list) => 3 + list.iter().map(|value| 1 + value.size()).sum::<usize>(),
            AttributeValue::Ss(strings) => strings.iter().map(String::len).sum(),
            AttributeValue::Ns(numbers) => numbers.iter().map(Number::size).sum(),
            AttributeValue::Bs(binaries) => binaries.iter().map(Vec::len).sum(),
        }
    }
}

impl Serialize for AttributeValue {
    /// DynamoDB JSON: numbers as canonical text, binaries as base64, NULL as `true`.
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        let tag = self.type_name();
        match self {
            AttributeValue::S(text) => map.serialize_entry(tag, text)?,
            AttributeValue::N(number) => map.serialize_entry(tag, &number.to_string())?,
            AttributeValue::B(bytes) => map.serialize_entry(tag, &base64_encode(bytes))?,
            AttributeValue::Bool(value) => map.serialize_entry(tag, value)?,
            AttributeValue::Null => map.serialize_entry(tag, &true)?,
            AttributeValue::M(item) => map.serialize_entry(tag, item)?,
            AttributeValue::L(list) => map.serialize_entry(tag, list)?,
            AttributeValue::Ss(strings) => map.serialize_entry(tag, strings)?,
            AttributeValue::Ns(numbers) => {
                let texts: Vec<String> = numbers.iter().map(Number::to_string).collect();
                map.serialize_entry(tag, &texts)?
            }
            AttributeValue::Bs(binaries) => {
                let texts: Vec<String> = binaries.iter().map(|bytes| base64_encode(bytes)).collect();
                map.serialize_entry(tag, &texts)?
            }
        }
        map.end()
    }
}

/// Parses and validates an item (or a Key) given as a JSON object of attribute values.
pub fn item_from_json(object: &serde_json::Map<String, serde_json::Value>) -> Result<Item> {
    plain_item(object).map_or_else(|| item_from_passes(object), Ok)
}

/// [`item_from_json`] through DynamoDB's two passes: every shape, then every value.
fn item_from_passes(object: &Map<String, Value>) -> Result<Item> {
    check_shapes(object.values())?;
    object.iter().map(|(name, json)| parse_attribute(name, json, 1)).try_collect_map()
}

/// An item of plain string and number values only (what a `Key` holds), read without
/// the two passes, which cost an UpdateItem about 5k instructions for a key of two
/// attributes; None for anything else, which the passes read or refuse as usual.
fn plain_item(object: &Map<String, Value>) -> Option<Item> {
    let mut item = Item::new();
    for (name, json) in object {
        let members = json.as_object().filter(|members| members.len() == 1)?;
        let (member, Value::String(text)) = members.iter().next()? else { return None };
        if name.is_empty() || name.len() > MAX_NAME_BYTES {
            return None;
        }
        let value = match member.as_str() {
            "S" => AttributeValue::S(text.clone()),
            "N" => AttributeValue::N(Number::parse(text).ok()?),
            _ => return None,
        };
        item.insert(name.clone(), value);
    }
    Some(item)
}

/// The item's size as DynamoDB computes it: names plus values.
pub fn item_size(item: &Item) -> usize {
    item.iter().map(|(name, value)| name.len() + value.size()).sum()
}

/// Pass 1: the SerializationExceptions of DynamoDB's deserializer, for attribute values
/// at `roots`. Nulls pass here (they are absent members, or validation errors later).
fn check_shapes<'a>(roots: impl IntoIterator<Item = &'a Value>) -> Result<()> {
    let mut pending: Vec<(&Value, Shape)> = roots.into_iter().map(|json| (json, Shape::Value)).collect();
    pending.reverse();
    while let Some((json, shape)) = pending.pop() {
        if json.is_null() {
            continue;
        }
        let first_child = pending.len();
        match shape {
            Shape::Value => pending.extend(member_shapes(json)?),
            Shape::Str => {
                json_str(json)?;
            }
            Shape::Blob => {
                decode_blob(json)?;
            }
            Shape::Bool => {
                json_bool(json)?;
            }
            Shape::Strs => pending.extend(element_shapes(json, Shape::Str)?),
            Shape::Blobs => pending.extend(element_shapes(json, Shape::Blob)?),
            Shape::Values => pending.extend(element_shapes(json, Shape::Value)?),
            Shape::Map => pending.extend(json_map(json)?.values().map(|value| (value, Shape::Value))),
        }
        // Reversed so the stack visits children in order.
        if let Some(children) = pending.get_mut(first_child..) {
            children.reverse();
        }
    }
    Ok(())
}

/// The members of an AttributeValue object, with the shapes they must have.
fn member_shapes(json: &Value) -> Result<impl Iterator<Item = (&Value, Shape)>> {
    match json {
        Value::Object(object) => Ok(members_of(object).map(|(member, value)| (value, member.shape()))),
        Value::Array(_) => {
            Err(serialization("Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"))
        }
        _ => Err(serialization("Unexpected value type in payload")),
    }
}

/// The members an AttributeValue object has, in [`MEMBERS`] order: found from the
/// object's own keys (usually one) rather than by a map lookup per member, which made a
/// tenth of a PutItem's time.
fn members_of(object: &Map<String, Value>) -> impl Iterator<Item = (Member, &Value)> {
    let mut found = [None; MEMBERS.len()];
    for (tag, value) in object {
        let position = MEMBERS.iter().position(|(name, _)| name == tag);
        if let Some(slot) = position.and_then(|position| found.get_mut(position)) {
            *slot = Some(value);
        }
    }
    MEMBERS.iter().zip(found).filter_map(|((_, member), value)| Some((*member, value?)))
}

fn element_shapes(json: &Value, shape: Shape) -> Result<impl Iterator<Item = (&Value, Shape)>> {
    Ok(json_list(json)?.iter().map(move |element| (element, shape)))
}

/// Pass 2: validates an AttributeValue object found at nesting `depth` and builds it.
fn parse_value(json: &Value, depth: usize) -> Result<AttributeValue> {
    // Pass 1 lets only objects and nulls through to here.
    let Some(object) = json.as_object() else { bail_validation!("{NULL_VALUE}") };
    let mut parsed = None;
    let mut count = 0;
    for (member, value) in members_of(object).filter(|(_, value)| !value.is_null()) {
        count += 1;
        parsed = Some(parse_member(member, value, depth)?);
    }
    match (count, parsed) {
        (1, Some(value)) => Ok(value),
        (0, _) => Err(validation!(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        )),
        _ => Err(validation!(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
        )),
    }
}

fn parse_member(member: Member, json: &Value, depth: usize) -> Result<AttributeValue> {
    Ok(match member {
        Member::S => AttributeValue::S(json_str(json)?.to_owned()),
        Member::Ss => AttributeValue::Ss(string_set(json_list(json)?)?),
        Member::N => AttributeValue::N(Number::parse(json_str(json)?)?),
        Member::Ns => AttributeValue::Ns(number_set(json_list(json)?)?),
        Member::B => AttributeValue::B(decode_blob(json)?),
        Member::Bs => AttributeValue::Bs(binary_set(json_list(json)?)?),
        Member::M => AttributeValue::M(parse_map(json_map(json)?, depth)?),
        Member::L => AttributeValue::L(parse_list(json_list(json)?, depth)?),
        Member::Bool => AttributeValue::Bool(json_bool(json)?),
        Member::Null if json_bool(json)? => AttributeValue::Null,
        Member::Null => bail_validation!(
            "One or more parameter values were invalid: Null attribute value types must have the value of true"
        ),
    })
}

fn check_nesting(depth: usize) -> Result<()> {
    if depth >= NESTING_LIMIT {
        bail_validation!(
            "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
        );
    }
    Ok(())
}

/// A map (or list) at `depth` holds values at `depth + 1`.
fn parse_map(object: &Map<String, Value>, depth: usize) -> Result<Item> {
    check_nesting(depth)?;
    object.iter().map(|(name, json)| parse_attribute(name, json, depth + 1)).try_collect_map()
}

fn parse_list(elements: &[Value], depth: usize) -> Result<Vec<AttributeValue>> {
    check_nesting(depth)?;
    elements.iter().map(|json| parse_value(json, depth + 1)).collect()
}

/// One named value of an item or map; the value is validated before its name, as DynamoDB does.
fn parse_attribute(name: &str, json: &Value, depth: usize) -> Result<(String, AttributeValue)> {
    if json.is_null() {
        bail_validation!("{NULL_VALUE}: {name} is null");
    }
    let value = parse_value(json, depth)?;
    if name.is_empty() {
        bail_validation!("Empty attribute name");
    }
    if name.len() > MAX_NAME_BYTES {
        bail_validation!("Attribute name is too large, must be less than 65536 bytes");
    }
    Ok((name.to_owned(), value))
}

fn string_set(elements: &[Value]) -> Result<Vec<String>> {
    if elements.is_empty() {
        bail_validation!("One or more parameter values were invalid: An string set  may not be empty");
    }
    let strings = elements
        .iter()
        .map(|json| if json.is_null() { Ok(None) } else { json_str(json).map(Some) })
        .try_collect_vec()?;
    if has_duplicates(&strings) {
        bail_validation!(
            "One or more parameter values were invalid: Input collection {} contains duplicates.",
            list_text(elements)
        );
    }
    strings
        .into_iter()
        .map(|text| {
            text.map(str::to_owned).ok_or_else(|| {
                validation!(
                    "One or more parameter values were invalid: An string set may not have a null string as a member"
                )
            })
        })
        .collect()
}

fn number_set(elements: &[Value]) -> Result<Vec<Number>> {
    if elements.is_empty() {
        bail_validation!("One or more parameter values were invalid: An number set  may not be empty");
    }
    let numbers = elements
        .iter()
        .map(|json| if json.is_null() { Number::parse("") } else { Number::parse(json_str(json)?) })
        .try_collect_vec()?;
    if has_duplicates(&numbers) {
        bail_validation!("Input collection contains duplicates");
    }
    Ok(numbers)
}

fn binary_set(elements: &[Value]) -> Result<Vec<Vec<u8>>> {
    if elements.is_empty() {
        bail_validation!("One or more parameter values were invalid: Binary sets should not be empty");
    }
    let binaries = elements
        .iter()
        .map(|json| if json.is_null() { Ok(None) } else { decode_blob(json).map(Some) })
        .try_collect_vec()?;
    if has_duplicates(&binaries) {
        bail_validation!(
            "One or more parameter values were invalid: Input collection {}of type BS contains duplicates.",
            list_text(elements)
        );
    }
    binaries.into_iter().map(|bytes| bytes.ok_or_else(|| validation!("{NULL_VALUE}"))).collect()
}

fn has_duplicates<T: Hash + Eq>(elements: &[T]) -> bool {
    let mut seen = HashSet::with_capacity(elements.len());
    !elements.iter().all(|element| seen.insert(element))
}

/// A set as DynamoDB quotes it in messages: `[a, b, null]`.
fn list_text(elements: &[Value]) -> String {
    let texts: Vec<&str> = elements.iter().map(|json| json.as_str().unwrap_or("null")).collect();
    format!("[{}]", texts.join(", "))
}

fn serialization(message: impl Into<String>) -> Error {
    Error::serialization(message)
}

/// The deserializer's complaint about a non-null JSON value of the wrong type, for a
/// field of Java type `target` (`collection` names that type in list errors).
fn mismatch(json: &Value, target: &str, collection: &str) -> Error {
    let token = match json {
        Value::Bool(true) => "TRUE_VALUE",
        Value::Bool(false) => "FALSE_VALUE",
        Value::Number(number) if number.is_f64() => "DECIMAL_VALUE",
        Value::Number(_) => "NUMBER_VALUE",
        Value::String(_) => "STRING_VALUE",
        Value::Array(_) => return serialization(format!("Unrecognized collection type {collection}")),
        // Callers skip nulls: they are absent members or validation errors.
        Value::Object(_) | Value::Null => return serialization("Start of structure or map found where not expected"),
    };
    serialization(format!("{token} cannot be converted to {target}"))
}

fn json_str(json: &Value) -> Result<&str> {
    json.as_str().ok_or_else(|| mismatch(json, "String", "class java.lang.String"))
}

/// A boolean; DynamoDB's deserializer also takes a few strings for one.
fn json_bool(json: &Value) -> Result<bool> {
    match json {
        Value::Bool(value) => Ok(*value),
        Value::String(text) => match text.to_ascii_uppercase().as_str() {
            "TRUE" | "YES" | "1" => Ok(true),
            "FALSE" | "NO" | "0" => Ok(false),
            _ => Err(serialization("Unexpected token received from parser")),
        },
        other => Err(mismatch(other, "Boolean", "class java.lang.Boolean")),
    }
}

fn json_list(json: &Value) -> Result<&Vec<Value>> {
    match json {
        Value::Array(elements) => Ok(elements),
        Value::Object(_) => Err(serialization("Start of structure or map found where not expected")),
        _ => Err(serialization("Unexpected field type")),
    }
}

fn json_map(json: &Value) -> Result<&Map<String, Value>> {
    match json {
        Value::Object(object) => Ok(object),
        Value::Array(_) => Err(serialization(
            "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>",
        )),
        _ => Err(serialization("Unexpected field type")),
    }
}

fn decode_blob(json: &Value) -> Result<Vec<u8>> {
    match json {
        Value::String(text) => base64_decode(text),
        Value::Array(_) => Err(serialization("Unrecognized collection type class java.nio.ByteBuffer")),
        Value::Object(_) => Err(serialization("Start of structure or map found where not expected")),
        _ => Err(serialization("only base-64-encoded strings are convertible to bytes")),
    }
}

const BASE64_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk.iter().enumerate().fold(0u32, |acc, (i, &byte)| acc | u32::from(byte) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64_ALPHABET[(group >> (18 - 6 * i) & 0x3f) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Strict standard base64: padded to a multiple of 4, and canonical (the bits after the
/// last byte are zero), as DynamoDB's deserializer requires.
pub fn base64_decode(text: &str) -> Result<Vec<u8>> {
    const BAD_END: &str = "Invalid last non-pad Base64 character dectected";
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return Err(serialization(format!(
            "Base64 encoded length is expected a multiple of 4 bytes but found: {}",
            bytes.len()
        )));
    }
    if let Some(bad) = text.chars().find(|&c| !c.is_ascii_alphanumeric() && !matches!(c, '+' | '/' | '=')) {
        return Err(serialization(format!("Invalid Base64 character: '{bad}'")));
    }
    let padding = bytes.iter().rev().take_while(|&&byte| byte == b'=').count().min(2);
    let body = &bytes[..bytes.len() - padding];
    if body.contains(&b'=') {
        return Err(serialization(BAD_END));
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut bits, mut count) = (0u32, 0u32);
    for &byte in body {
        bits = bits << 6 | base64_sextet(byte);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    if bits != 0 {
        return Err(serialization(BAD_END));
    }
    Ok(out)
}

/// The 6-bit value of a base64 alphabet character (already checked).
fn base64_sextet(byte: u8) -> u32 {
    u32::from(match byte {
        b'A'..=b'Z' => byte - b'A',
        b'a'..=b'z' => byte - b'a' + 26,
        b'0'..=b'9' => byte - b'0' + 52,
        b'+' => 62,
        _ => 63,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use serde_json::json;

    #[test]
    fn a_plain_item_reads_as_the_two_passes_read_it() {
        let long = "n".repeat(MAX_NAME_BYTES + 1);
        let cases = [
            json!({"pk": {"S": "user#1"}, "sk": {"N": "-0.50E+3"}}),
            json!({"pk": {"S": ""}, "é 日本": {"S": "🦀"}}),
            json!({}),
            json!({"": {"S": "a"}}),
            json!({long: {"S": "a"}}),
            json!({"id": {"N": "x"}}),
            json!({"id": {"N": "1e999"}}),
            json!({"id": {"N": ""}}),
            json!({"id": {"S": 1}}),
            json!({"id": {"N": 1}}),
            json!({"id": {"S": "a", "N": "1"}}),
            json!({"id": {"S": "a", "N": null}}),
            json!({"id": {"B": "AAAA"}}),
            json!({"id": {"s": "a"}}),
            json!({"id": {}}),
            json!({"id": null}),
            json!({"id": "a"}),
            json!({"id": [{"S": "a"}]}),
        ];
        // The first three are plain; the others go the general way.
        for (index, case) in cases.iter().enumerate() {
            let object = case.as_object().unwrap();
            let general = item_from_passes(object).map_err(|error| (error.kind, error.message));
            let plain = plain_item(object);
            assert_eq!(plain.is_some(), index < 3, "{case}");
            if let Some(item) = plain {
                assert_eq!(Ok(item), general, "{case}");
            }
            let through = item_from_json(object).map_err(|error| (error.kind, error.message));
            assert_eq!(through, general, "{case}");
        }
    }

    fn parse(json: Value) -> AttributeValue {
        AttributeValue::from_json(&json).unwrap_or_else(|error| panic!("{json}: {error}"))
    }

    fn fails(json: Value) -> Error {
        AttributeValue::from_json(&json).expect_err(&json.to_string())
    }

    fn invalid(json: Value) -> String {
        let error = fails(json);
        assert_eq!(error.kind, ErrorKind::Validation, "{}", error.message);
        error.message
    }

    fn unserializable(json: Value) -> String {
        let error = fails(json);
        assert_eq!(error.kind, ErrorKind::Serialization, "{}", error.message);
        error.message
    }

    fn item(json: Value) -> Result<Item> {
        item_from_json(json.as_object().expect("object"))
    }

    fn num(text: &str) -> Number {
        Number::parse(text).unwrap()
    }

    /// `{tag: inner}`, built by moving `inner` (`json!` would copy it recursively).
    fn wrap(tag: &str, inner: Value) -> Value {
        Value::Object(Map::from_iter([(tag.to_owned(), inner)]))
    }

    /// `{"M": {"n": ... {"S": "leaf"}}}` with `levels` maps around the leaf.
    fn nested_maps(levels: usize) -> Value {
        (0..levels).fold(json!({"S": "leaf"}), |inner, _| wrap("M", wrap("n", inner)))
    }

    /// `{"L": [ ... {"N": "1"}]}` with `levels` lists around the leaf.
    fn nested_lists(levels: usize, leaf: Value) -> Value {
        (0..levels).fold(leaf, |inner, _| wrap("L", Value::Array(vec![inner])))
    }

    #[test]
    fn parses_every_type() {
        assert_eq!(parse(json!({"S": "hi"})), AttributeValue::S("hi".into()));
        assert_eq!(parse(json!({"S": ""})), AttributeValue::S(String::new()));
        assert_eq!(parse(json!({"N": "-0012.50e+3"})), AttributeValue::N(num("-12500")));
        assert_eq!(parse(json!({"B": "aGk="})), AttributeValue::B(b"hi".to_vec()));
        assert_eq!(parse(json!({"B": ""})), AttributeValue::B(Vec::new()));
        assert_eq!(parse(json!({"BOOL": false})), AttributeValue::Bool(false));
        assert_eq!(parse(json!({"NULL": true})), AttributeValue::Null);
        assert_eq!(parse(json!({"SS": ["a", ""]})), AttributeValue::Ss(vec!["a".into(), String::new()]));
        assert_eq!(parse(json!({"NS": ["1", "2.5"]})), AttributeValue::Ns(vec![num("1"), num("2.5")]));
        assert_eq!(parse(json!({"BS": ["YQ==", ""]})), AttributeValue::Bs(vec![b"a".to_vec(), Vec::new()]));
        assert_eq!(
            parse(json!({"L": [{"S": "a"}, {"M": {}}, {"L": []}]})),
            AttributeValue::L(vec![
                AttributeValue::S("a".into()),
                AttributeValue::M(Item::new()),
                AttributeValue::L(Vec::new()),
            ])
        );
        let map = parse(json!({"M": {"x": {"N": "1"}, "y": {"NULL": true}}}));
        let expected = Item::from([("x".into(), AttributeValue::N(num("1"))), ("y".into(), AttributeValue::Null)]);
        assert_eq!(map, AttributeValue::M(expected));
    }

    #[test]
    fn unknown_members_and_null_members_are_ignored() {
        assert_eq!(parse(json!({"S": "a", "X": 5})), AttributeValue::S("a".into()));
        assert_eq!(parse(json!({"S": "a", "N": null})), AttributeValue::S("a".into()));
        let empty = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
        assert_eq!(invalid(json!({})), empty);
        assert_eq!(invalid(json!({"a": ""})), empty);
        assert_eq!(invalid(json!({"S": null})), empty);
        assert_eq!(invalid(json!({"L": [{"a": {}}]})), empty);
    }

    #[test]
    fn several_types() {
        let several = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes";
        assert_eq!(invalid(json!({"S": "a", "N": "1"})), several);
        assert_eq!(invalid(json!({"BOOL": true, "NULL": true})), several);
        // Each member is validated before the count is.
        assert_eq!(invalid(json!({"S": "a", "N": "b"})), "The parameter cannot be converted to a numeric value: b");
        assert_eq!(invalid(json!({"S": "", "N": ""})), "The parameter cannot be converted to a numeric value");
        assert_eq!(
            invalid(json!({"S": "a", "NULL": false})),
            "One or more parameter values were invalid: Null attribute value types must have the value of true"
        );
    }

    #[test]
    fn null_must_be_true() {
        let message =
            "One or more parameter values were invalid: Null attribute value types must have the value of true";
        assert_eq!(invalid(json!({"NULL": false})), message);
        // DynamoDB's deserializer reads "no" as false.
        assert_eq!(invalid(json!({"NULL": "no"})), message);
        assert_eq!(parse(json!({"BOOL": "TRUE"})), AttributeValue::Bool(true));
        assert_eq!(parse(json!({"BOOL": "0"})), AttributeValue::Bool(false));
    }

    #[test]
    fn set_rules() {
        assert_eq!(
            invalid(json!({"SS": []})),
            "One or more parameter values were invalid: An string set  may not be empty"
        );
        assert_eq!(
            invalid(json!({"NS": []})),
            "One or more parameter values were invalid: An number set  may not be empty"
        );
        assert_eq!(
            invalid(json!({"BS": []})),
            "One or more parameter values were invalid: Binary sets should not be empty"
        );
        assert_eq!(
            invalid(json!({"SS": ["a", "a"]})),
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates."
        );
        assert_eq!(invalid(json!({"NS": ["1", "1"]})), "Input collection contains duplicates");
        assert_eq!(invalid(json!({"NS": ["1", "1.0"]})), "Input collection contains duplicates");
        assert_eq!(invalid(json!({"NS": ["10E-1", "1"]})), "Input collection contains duplicates");
        assert_eq!(
            invalid(json!({"BS": ["Yg==", "Yg=="]})),
            "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates."
        );
        assert_eq!(
            invalid(json!({"SS": ["a", null]})),
            "One or more parameter values were invalid: An string set may not have a null string as a member"
        );
        assert_eq!(invalid(json!({"BS": ["Yg==", null]})), NULL_VALUE);
        assert_eq!(invalid(json!({"NS": ["1", ""]})), "The parameter cannot be converted to a numeric value");
        assert_eq!(invalid(json!({"NS": ["1", null]})), "The parameter cannot be converted to a numeric value");
        assert_eq!(invalid(json!({"NS": ["1", "b", "a"]})), "The parameter cannot be converted to a numeric value: b");
        // Numbers are checked before duplicates.
        assert_eq!(invalid(json!({"NS": ["1", "1", "x"]})), "The parameter cannot be converted to a numeric value: x");
    }

    #[test]
    fn number_errors_pass_through() {
        assert_eq!(
            invalid(json!({"N": "1e126"})),
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        );
        assert_eq!(
            invalid(json!({"L": [{"N": "1e-131"}]})),
            "Number underflow. Attempting to store a number with magnitude smaller than supported range"
        );
        assert_eq!(
            invalid(json!({"M": {"a": {"NS": ["123456789012345678901234567890123456789"]}}})),
            "Attempting to store more than 38 significant digits in a Number"
        );
    }

    #[test]
    fn nesting_limit() {
        let message = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";
        // An attribute is level 1: 31 maps put the leaf at level 32, which is allowed.
        parse(nested_maps(31));
        assert_eq!(invalid(nested_maps(32)), message);
        parse(nested_lists(31, json!({"N": "1"})));
        assert_eq!(invalid(nested_lists(32, json!({"N": "1"}))), message);
        let mixed = (0..32).fold(json!({"M": {}}), |inner, i| match i % 2 {
            0 => wrap("L", Value::Array(vec![inner])),
            _ => wrap("M", wrap("k", inner)),
        });
        assert_eq!(invalid(mixed), message);
        let in_item = item(json!({"deep": nested_maps(32)})).unwrap_err();
        assert_eq!(in_item.message, message);
        item(json!({"deep": nested_maps(31)})).unwrap();
    }

    #[test]
    fn hostile_nesting_is_refused_without_recursion() {
        // Far deeper than serde_json parses (it stops at 128), so built by hand; dropping
        // such a value recurses, so it is leaked: this test is about our traversals only.
        let deep: &'static Value = Box::leak(Box::new(nested_lists(100_000, json!({"S": "x"}))));
        let error = AttributeValue::from_json(deep).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Validation);
        assert!(error.message.starts_with("Nesting Levels have exceeded"));
        let bad_leaf: &'static Value = Box::leak(Box::new(nested_lists(100_000, json!({"S": 5}))));
        assert_eq!(
            AttributeValue::from_json(bad_leaf).unwrap_err().message,
            "NUMBER_VALUE cannot be converted to String"
        );
    }

    #[test]
    fn wrong_json_types_are_serialization_errors() {
        assert_eq!(unserializable(json!({"S": 5})), "NUMBER_VALUE cannot be converted to String");
        assert_eq!(unserializable(json!({"S": 5.5})), "DECIMAL_VALUE cannot be converted to String");
        assert_eq!(unserializable(json!({"S": true})), "TRUE_VALUE cannot be converted to String");
        assert_eq!(unserializable(json!({"N": false})), "FALSE_VALUE cannot be converted to String");
        assert_eq!(unserializable(json!({"N": 5})), "NUMBER_VALUE cannot be converted to String");
        assert_eq!(unserializable(json!({"S": []})), "Unrecognized collection type class java.lang.String");
        assert_eq!(unserializable(json!({"S": {}})), "Start of structure or map found where not expected");
        assert_eq!(unserializable(json!({"SS": [1]})), "NUMBER_VALUE cannot be converted to String");
        assert_eq!(unserializable(json!({"BOOL": 1})), "NUMBER_VALUE cannot be converted to Boolean");
        assert_eq!(unserializable(json!({"NULL": 1.5})), "DECIMAL_VALUE cannot be converted to Boolean");
        assert_eq!(unserializable(json!({"BOOL": "23"})), "Unexpected token received from parser");
        assert_eq!(unserializable(json!({"BOOL": []})), "Unrecognized collection type class java.lang.Boolean");
        assert_eq!(unserializable(json!({"BOOL": {}})), "Start of structure or map found where not expected");
        assert_eq!(unserializable(json!({"L": {}})), "Start of structure or map found where not expected");
        assert_eq!(unserializable(json!({"L": "a"})), "Unexpected field type");
        assert_eq!(unserializable(json!({"SS": 1})), "Unexpected field type");
        assert_eq!(unserializable(json!({"M": 1})), "Unexpected field type");
        assert_eq!(
            unserializable(json!({"M": []})),
            "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"
        );
        assert_eq!(unserializable(json!({"L": ["a"]})), "Unexpected value type in payload");
        assert_eq!(unserializable(json!({"M": {"a": 1}})), "Unexpected value type in payload");
        assert_eq!(unserializable(json!("a")), "Unexpected value type in payload");
        assert_eq!(
            unserializable(json!({"L": [[]]})),
            "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"
        );
        assert_eq!(unserializable(json!({"B": 1})), "only base-64-encoded strings are convertible to bytes");
        assert_eq!(unserializable(json!({"BS": [true]})), "only base-64-encoded strings are convertible to bytes");
        assert_eq!(unserializable(json!({"B": []})), "Unrecognized collection type class java.nio.ByteBuffer");
    }

    #[test]
    fn serialization_errors_win_over_validation_errors() {
        // The validation error comes first in document order, the type error later.
        assert_eq!(
            unserializable(json!({"L": [{"NULL": false}, {"S": 1}]})),
            "NUMBER_VALUE cannot be converted to String"
        );
        assert_eq!(
            unserializable(json!({"S": "a", "N": "1", "B": "abc"})),
            "Base64 encoded length is expected a multiple of 4 bytes but found: 3"
        );
        let error = item(json!({"a": {"N": "x"}, "b": {"M": {"c": {"BOOL": 2}}}})).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Serialization);
        assert_eq!(error.message, "NUMBER_VALUE cannot be converted to Boolean");
    }

    #[test]
    fn base64() {
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar", &[0, 255, 254, 1, 128]] {
            let text = base64_encode(bytes);
            assert_eq!(base64_decode(&text).unwrap(), bytes, "{text}");
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fooba"), "Zm9vYmE=");
        assert_eq!(base64_encode(b"foob"), "Zm9vYg==");
        assert_eq!(base64_encode(&[0xfb, 0xff]), "+/8=");
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(base64_decode(&base64_encode(&all)).unwrap(), all);
        let message = |text: &str| base64_decode(text).unwrap_err().message;
        assert_eq!(message("23456"), "Base64 encoded length is expected a multiple of 4 bytes but found: 5");
        assert_eq!(message("abc"), "Base64 encoded length is expected a multiple of 4 bytes but found: 3");
        assert_eq!(message("=+/="), "Invalid last non-pad Base64 character dectected");
        assert_eq!(message("+/+="), "Invalid last non-pad Base64 character dectected");
        assert_eq!(message("YR=="), "Invalid last non-pad Base64 character dectected");
        assert_eq!(message("Y==="), "Invalid last non-pad Base64 character dectected");
        assert_eq!(message("===="), "Invalid last non-pad Base64 character dectected");
        assert_eq!(message("ab!d"), "Invalid Base64 character: '!'");
        assert_eq!(message("a-_b"), "Invalid Base64 character: '-'");
    }

    #[test]
    fn null_attribute_values() {
        assert_eq!(invalid(json!(null)), NULL_VALUE);
        assert_eq!(invalid(json!({"L": [{"S": "a"}, null]})), NULL_VALUE);
        assert_eq!(invalid(json!({"M": {"b": null}})), format!("{NULL_VALUE}: b is null"));
        assert_eq!(item(json!({"a": null})).unwrap_err().message, format!("{NULL_VALUE}: a is null"));
    }

    #[test]
    fn attribute_names() {
        let parsed = item(json!({"id": {"S": "1"}, "n": {"N": "5"}})).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(item(json!({"": {"S": "a"}})).unwrap_err().message, "Empty attribute name");
        assert_eq!(invalid(json!({"M": {"": {"S": "a"}}})), "Empty attribute name");
        // The value is validated before its name.
        assert_eq!(
            item(json!({"": {"N": "x"}})).unwrap_err().message,
            "The parameter cannot be converted to a numeric value: x"
        );
        let longest = "a".repeat(65535);
        item(json!({ longest.clone(): {"S": "a"} })).unwrap();
        let too_long = format!("{longest}a");
        assert_eq!(
            item(json!({ too_long: {"S": "a"} })).unwrap_err().message,
            "Attribute name is too large, must be less than 65536 bytes"
        );
        assert!(item(json!({})).unwrap().is_empty());
    }

    #[test]
    fn type_names() {
        let cases = [
            (json!({"S": "a"}), "S"),
            (json!({"N": "1"}), "N"),
            (json!({"B": "YQ=="}), "B"),
            (json!({"BOOL": true}), "BOOL"),
            (json!({"NULL": true}), "NULL"),
            (json!({"M": {}}), "M"),
            (json!({"L": []}), "L"),
            (json!({"SS": ["a"]}), "SS"),
            (json!({"NS": ["1"]}), "NS"),
            (json!({"BS": ["YQ=="]}), "BS"),
        ];
        for (json, name) in cases {
            assert_eq!(parse(json).type_name(), name);
        }
    }

    #[test]
    fn sizes() {
        let size = |json: Value| parse(json).size();
        assert_eq!(size(json!({"S": "héllo"})), 6);
        assert_eq!(size(json!({"S": ""})), 0);
        assert_eq!(size(json!({"N": "123"})), 3);
        assert_eq!(size(json!({"B": "aGk="})), 2);
        assert_eq!(size(json!({"BOOL": true})), 1);
        assert_eq!(size(json!({"NULL": true})), 1);
        assert_eq!(size(json!({"L": []})), 3);
        assert_eq!(size(json!({"M": {}})), 3);
        // 3 + (1 + 1) + (1 + 2)
        assert_eq!(size(json!({"L": [{"S": "a"}, {"N": "1"}]})), 8);
        // 3 + (1 + "ab" + "xyz") + (1 + "é" + BOOL)
        assert_eq!(size(json!({"M": {"ab": {"S": "xyz"}, "é": {"BOOL": true}}})), 3 + 6 + 4);
        assert_eq!(size(json!({"SS": ["ab", "c"]})), 3);
        assert_eq!(size(json!({"NS": ["1", "-1"]})), 5);
        assert_eq!(size(json!({"BS": ["YQ==", "YWI="]})), 3);
        let parsed = item(json!({"id": {"S": "abc"}, "n": {"N": "12345"}, "ok": {"BOOL": false}})).unwrap();
        // (2 + 3) + (1 + 4) + (2 + 1)
        assert_eq!(item_size(&parsed), 13);
    }

    #[test]
    fn serializes_dynamodb_json() {
        let input = json!({
            "s": {"S": "x"},
            "n": {"N": "-0012.50e+3"},
            "b": {"B": "aGk="},
            "t": {"BOOL": true},
            "z": {"NULL": true},
            "m": {"M": {"k": {"NS": ["1.0", "2"]}}},
            "l": {"L": [{"SS": ["a"]}, {"BS": ["YQ=="]}, {"B": ""}]}
        });
        let parsed = item(input).unwrap();
        let output = serde_json::to_value(&parsed).unwrap();
        let expected = json!({
            "s": {"S": "x"},
            "n": {"N": "-12500"},
            "b": {"B": "aGk="},
            "t": {"BOOL": true},
            "z": {"NULL": true},
            "m": {"M": {"k": {"NS": ["1", "2"]}}},
            "l": {"L": [{"SS": ["a"]}, {"BS": ["YQ=="]}, {"B": ""}]}
        });
        assert_eq!(output, expected);
        assert_eq!(item(output).unwrap(), parsed);
    }
}
