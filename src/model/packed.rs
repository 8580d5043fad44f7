//! Items as tables keep them in memory: one contiguous byte buffer per item.
//!
//! An [`Item`] is a BTreeMap with a heap string per name and value; a million small
//! items cost gigabytes that way. A [`PackedItem`] holds the same item in one buffer,
//! with its DynamoDB size cached in front, and renders its DynamoDB JSON straight from
//! the bytes. Callers that need an `Item` unpack one.
//!
//! Rendering is a `Serialize` implementation over the bytes rather than a hand-written
//! JSON writer: it makes the very serializer calls an `Item` makes (so the output is
//! byte-identical by construction, escaping included), and a packed item drops into the
//! response structs that serde renders, with no JSON assembled by hand.
//!
//! The encoding (`varint`: unsigned LEB128; `u32`: little-endian):
//!
//! - item: `u32` size (DynamoDB's [`item_size`](crate::model::item_size)), then a map body;
//! - map body: `varint` entry count, then per entry the name (`varint` length, UTF-8
//!   bytes) and its value, in name order (the `Item`'s order);
//! - value: a tag byte, then for S, N and B a `varint` length and the bytes (a number as
//!   its canonical text, a binary raw); for BOOL and NULL nothing; for M, L, SS, NS and BS
//!   a `u32` body length and the body (a map body; or a `varint` element count then the
//!   elements: values for L, length-prefixed bytes for the sets), so a reader skips any
//!   value without walking it.
//!
//! The encoding of an item is canonical (equal items, equal bytes), so byte equality is
//! item equality.

use crate::model::value::NESTING_LIMIT;
use crate::model::{base64_decode, base64_encode, AttributeValue, CompactCollect, Item, Number, MAX_NAME_BYTES};
use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::io::Write as _;

/// The type tag of each encoded value, one per AttributeValue variant (BOOL has two).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Tag {
    /// String: length-prefixed UTF-8.
    S = 1,
    /// Number: length-prefixed canonical text.
    N,
    /// Binary: length-prefixed raw bytes.
    B,
    /// BOOL true.
    True,
    /// BOOL false.
    False,
    /// NULL.
    Null,
    /// Map: a map body.
    M,
    /// List: a count, then values.
    L,
    /// String set: a count, then length-prefixed UTF-8 strings.
    Ss,
    /// Number set: a count, then length-prefixed canonical texts.
    Ns,
    /// Binary set: a count, then length-prefixed raw binaries.
    Bs,
}

impl Tag {
    /// Every tag, in discriminant order (1 up).
    const ALL: [Tag; 11] =
        [Tag::S, Tag::N, Tag::B, Tag::True, Tag::False, Tag::Null, Tag::M, Tag::L, Tag::Ss, Tag::Ns, Tag::Bs];

    fn from_byte(byte: u8) -> Option<Tag> {
        Tag::ALL.get(usize::from(byte).checked_sub(1)?).copied()
    }

    /// The DynamoDB JSON member name.
    fn wire_name(self) -> &'static str {
        match self {
            Tag::S => "S",
            Tag::N => "N",
            Tag::B => "B",
            Tag::True | Tag::False => "BOOL",
            Tag::Null => "NULL",
            Tag::M => "M",
            Tag::L => "L",
            Tag::Ss => "SS",
            Tag::Ns => "NS",
            Tag::Bs => "BS",
        }
    }
}

/// An item packed into one buffer (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedItem {
    bytes: Box<[u8]>,
}

impl PackedItem {
    /// The item, packed.
    pub fn pack(item: &Item) -> PackedItem {
        // Room for a short item; a longer one grows the buffer. Its size is taken as it is
        // written, in the same walk (a separate walk cost as much as a PutItem's packing).
        let mut out = Vec::with_capacity(64 * item.len() + 4);
        out.extend_from_slice(&[0; 4]);
        let size = write_map(&mut out, item);
        if let Some(slot) = out.first_chunk_mut::<4>() {
            *slot = u32::try_from(size).unwrap_or(u32::MAX).to_le_bytes();
        }
        PackedItem { bytes: out.into_boxed_slice() }
    }

    /// Packs an item's DynamoDB JSON text straight into bytes, building no `Item`: how
    /// stored items load. It takes only text as this engine writes an item (compact, names
    /// in order, one type member per value, numbers in canonical form, only the escapes
    /// serde_json writes) that DynamoDB's rules accept (names of 1 to 65535 bytes,
    /// non-empty sets without duplicates, at most 32 levels); anything else is `None`, and
    /// the caller parses and validates the text the usual way, errors included.
    pub fn from_json_text(text: &str) -> Option<PackedItem> {
        let (item, rest) = Self::read_json(text, Order::Sorted)?;
        rest.is_empty().then_some(item)
    }

    /// An item's DynamoDB JSON at the start of a request's `text`, and the text after
    /// it: [`PackedItem::from_json_text`]'s reading, but with the attributes of each map
    /// in any order (a request's come in the order its sender's object had) and put in
    /// name order. None for anything else, a name given twice included.
    pub fn from_request_json(text: &str) -> Option<(PackedItem, &str)> {
        Self::read_json(text, Order::Any)
    }

    fn read_json(text: &str, order: Order) -> Option<(PackedItem, &str)> {
        // The packed bytes take less room than the text: one allocation.
        let mut out = Vec::with_capacity(text.len());
        out.extend_from_slice(&[0; 4]);
        let mut reader = ItemText { rest: text.as_bytes(), order };
        let (_, size) = reader.map(&mut out, 0)?;
        out.get_mut(..4)?.copy_from_slice(&u32::try_from(size).ok()?.to_le_bytes());
        let rest = text.get(text.len() - reader.rest.len()..)?;
        Some((PackedItem { bytes: out.into_boxed_slice() }, rest))
    }

    /// Appends the item's DynamoDB JSON to `out`: the very text `Serialize` renders with
    /// serde_json, written straight from the bytes. None when the bytes do not decode,
    /// which only bytes that `pack` did not write can do; texts are copied unchecked, so
    /// the caller checks that what it wrote is UTF-8.
    pub fn write_json(&self, out: &mut Vec<u8>) -> Option<()> {
        json::write_map(out, self.body())
    }

    /// The item's DynamoDB JSON as text, [`PackedItem::write_json`] into a new string.
    pub fn to_json_text(&self) -> Option<String> {
        let mut out = Vec::with_capacity(2 * self.size() + 16);
        self.write_json(&mut out)?;
        String::from_utf8(out).ok()
    }

    /// The item, rebuilt.
    pub fn unpack(&self) -> Item {
        // Only `pack` writes the bytes, so they always decode; an empty item is the
        // panic-free answer if they ever did not.
        decode_map(self.body()).unwrap_or_default()
    }

    /// The item's size by DynamoDB's rules, as [`item_size`](crate::model::item_size) computes it.
    pub fn size(&self) -> usize {
        match self.bytes.first_chunk::<4>() {
            Some(size) => u32::from_le_bytes(*size) as usize,
            None => 0,
        }
    }

    /// One top-level attribute, decoded without unpacking the rest.
    pub fn attribute(&self, name: &str) -> Option<AttributeValue> {
        self.entries().find(|(entry_name, _)| *entry_name == name).and_then(|(_, value)| value.decode())
    }

    /// The top-level attributes whose names `keep` accepts, as an item (key attributes,
    /// say), without unpacking the others.
    pub fn select(&self, keep: impl Fn(&str) -> bool) -> Item {
        self.entries()
            .filter(|(name, _)| keep(name))
            .filter_map(|(name, value)| Some((name.to_owned(), value.decode()?)))
            .collect_map()
    }

    /// The top-level attributes `names` names, in that order (None for a missing one),
    /// decoded in one walk that stops once all are found and builds no item: how a cold
    /// open finds a stored item's key attributes.
    pub fn attributes(&self, names: &[&str]) -> Vec<Option<AttributeValue>> {
        let mut found = vec![None; names.len()];
        let mut missing = names.len();
        for (name, value) in self.entries() {
            if missing == 0 {
                break;
            }
            if let Some(slot) = names.iter().position(|wanted| *wanted == name).and_then(|at| found.get_mut(at)) {
                *slot = value.decode();
                missing = missing.saturating_sub(1);
            }
        }
        found
    }

    fn body(&self) -> &[u8] {
        self.bytes.get(4..).unwrap_or_default()
    }

    fn entries(&self) -> Entries<'_> {
        Entries::new(self.body())
    }
}

impl Serialize for PackedItem {
    /// DynamoDB JSON, as the `Item` would serialize.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        MapView(self.body()).serialize(serializer)
    }
}

fn write_varint(out: &mut Vec<u8>, mut value: usize) {
    while value >= 0x80 {
        out.push((value & 0x7f) as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Writes length-prefixed bytes; returns their length.
fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) -> usize {
    write_varint(out, bytes.len());
    out.extend_from_slice(bytes);
    bytes.len()
}

/// Writes a map body; returns its size by DynamoDB's rules, as [`item_size`](crate::model::item_size) counts it.
fn write_map(out: &mut Vec<u8>, map: &Item) -> usize {
    write_varint(out, map.len());
    let mut size = 0;
    for (name, value) in map {
        write_bytes(out, name.as_bytes());
        size += name.len() + write_value(out, value);
    }
    size
}

/// Writes a value; returns its size, as [`AttributeValue::size`] counts it.
fn write_value(out: &mut Vec<u8>, value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(text) => write_scalar(out, Tag::S, text.as_bytes()),
        AttributeValue::N(number) => {
            out.push(Tag::N as u8);
            write_number(out, number)
        }
        AttributeValue::B(bytes) => write_scalar(out, Tag::B, bytes),
        AttributeValue::Bool(true) => write_flag(out, Tag::True),
        AttributeValue::Bool(false) => write_flag(out, Tag::False),
        AttributeValue::Null => write_flag(out, Tag::Null),
        AttributeValue::M(map) => 3 + map.len() + write_container(out, Tag::M, |out| write_map(out, map)),
        AttributeValue::L(list) => {
            let elements = write_container(out, Tag::L, |out| {
                write_varint(out, list.len());
                list.iter().map(|element| write_value(out, element)).sum::<usize>()
            });
            3 + list.len() + elements
        }
        AttributeValue::Ss(strings) => write_set(out, Tag::Ss, strings.iter().map(String::as_bytes)),
        AttributeValue::Ns(numbers) => write_container(out, Tag::Ns, |out| {
            write_varint(out, numbers.len());
            numbers.iter().map(|number| write_number(out, number)).sum()
        }),
        AttributeValue::Bs(binaries) => write_set(out, Tag::Bs, binaries.iter().map(Vec::as_slice)),
    }
}

/// Writes BOOL's or NULL's tag; returns its size.
fn write_flag(out: &mut Vec<u8>, tag: Tag) -> usize {
    out.push(tag as u8);
    1
}

/// Writes a number's canonical text, length-prefixed, formatting it straight into `out`
/// (no `String` per number); returns the number's size.
fn write_number(out: &mut Vec<u8>, number: &Number) -> usize {
    let at = begin_varint(out);
    // Writing into a Vec cannot fail.
    let _ = write!(out, "{number}");
    let length = out.len() - at - 1;
    end_varint(out, at, length);
    number.size()
}

/// Reserves one byte for a varint known only once what follows it is written (a length,
/// a count); returns where it is.
fn begin_varint(out: &mut Vec<u8>) -> usize {
    out.push(0);
    out.len() - 1
}

/// Writes `value` into the byte [`begin_varint`] reserved at `at`, widening it in the
/// rare case the value takes more than one byte (128 or more).
fn end_varint(out: &mut Vec<u8>, at: usize, value: usize) {
    match (u8::try_from(value), out.get_mut(at)) {
        (Ok(short @ 0..0x80), Some(slot)) => *slot = short,
        _ => {
            let mut prefix = Vec::new();
            write_varint(&mut prefix, value);
            out.splice(at..at + 1, prefix);
        }
    }
}

/// Writes a string, number text or binary with its tag; returns its length.
fn write_scalar(out: &mut Vec<u8>, tag: Tag, bytes: &[u8]) -> usize {
    out.push(tag as u8);
    write_bytes(out, bytes)
}

/// Writes the tag, a `u32` length placeholder, the body, then the body's real length;
/// returns what writing the body returned.
fn write_container<T>(out: &mut Vec<u8>, tag: Tag, body: impl FnOnce(&mut Vec<u8>) -> T) -> T {
    let at = begin_container(out, tag);
    let written = body(out);
    end_container(out, at);
    written
}

/// Writes a container's tag and length placeholder; returns where the placeholder is.
fn begin_container(out: &mut Vec<u8>, tag: Tag) -> usize {
    out.push(tag as u8);
    out.extend_from_slice(&[0; 4]);
    out.len() - 4
}

/// Fills in the length placeholder at `at` once the body is written.
fn end_container(out: &mut [u8], at: usize) {
    let length = u32::try_from(out.len() - at - 4).unwrap_or(u32::MAX);
    if let Some(slot) = out.get_mut(at..at + 4) {
        slot.copy_from_slice(&length.to_le_bytes());
    }
}

fn write_set<'a>(out: &mut Vec<u8>, tag: Tag, elements: impl ExactSizeIterator<Item = &'a [u8]>) -> usize {
    write_container(out, tag, |out| {
        write_varint(out, elements.len());
        elements.map(|element| write_bytes(out, element)).sum()
    })
}

/// Reads encoded bytes from the front; every read is checked, and `None` means the
/// bytes ran out or were not what `pack` writes.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.bytes.split_at_checked(count)?;
        self.bytes = rest;
        Some(taken)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }

    fn varint(&mut self) -> Option<usize> {
        // Most lengths and counts take one byte.
        if let Some((&byte @ 0..0x80, rest)) = self.bytes.split_first() {
            self.bytes = rest;
            return Some(usize::from(byte));
        }
        let mut value = 0usize;
        for shift in (0..usize::BITS).step_by(7) {
            let byte = self.byte()?;
            value |= usize::from(byte & 0x7f).checked_shl(shift)?;
            if byte < 0x80 {
                return Some(value);
            }
        }
        None
    }

    fn prefixed(&mut self) -> Option<&'a [u8]> {
        let length = self.varint()?;
        self.take(length)
    }

    fn text(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.prefixed()?).ok()
    }

    fn value(&mut self) -> Option<ValueView<'a>> {
        let tag = Tag::from_byte(self.byte()?)?;
        let payload = match tag {
            Tag::S | Tag::N | Tag::B => self.prefixed()?,
            Tag::True | Tag::False | Tag::Null => &[],
            _ => {
                let length = u32::from_le_bytes(*self.take(4)?.first_chunk::<4>()?);
                self.take(length as usize)?
            }
        };
        Some(ValueView { tag, payload })
    }
}

/// The entries of a map body, in order, with their values not yet decoded; stops early
/// on bytes that do not decode.
struct Entries<'a> {
    reader: Reader<'a>,
    left: usize,
}

impl<'a> Entries<'a> {
    fn new(body: &'a [u8]) -> Self {
        let mut reader = Reader { bytes: body };
        let left = reader.varint().unwrap_or(0);
        Entries { reader, left }
    }
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a str, ValueView<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.left = self.left.checked_sub(1)?;
        let entry = self.reader.text().zip(self.reader.value());
        if entry.is_none() {
            self.left = 0;
        }
        entry
    }
}

/// The elements of a list or set body: a count, then each element read by `read`.
fn elements<'a, T>(
    body: &'a [u8],
    read: impl Fn(&mut Reader<'a>) -> Option<T> + 'a,
) -> Option<impl Iterator<Item = Option<T>> + 'a> {
    let mut reader = Reader { bytes: body };
    let count = reader.varint()?;
    // A count beyond the body's bytes cannot be true: every element takes a byte.
    (count <= body.len()).then(|| (0..count).map(move |_| read(&mut reader)))
}

fn decode_map(body: &[u8]) -> Option<Item> {
    let mut reader = Reader { bytes: body };
    let count = reader.varint()?;
    let entries = Entries { reader, left: count };
    let mut map = Item::new();
    for (name, value) in entries {
        map.insert(name.to_owned(), value.decode()?);
    }
    (map.len() == count).then_some(map)
}

fn decode_number(text: &[u8]) -> Option<Number> {
    Number::parse(std::str::from_utf8(text).ok()?).ok()
}

/// One encoded value: its tag and payload (see the module documentation).
#[derive(Clone, Copy)]
struct ValueView<'a> {
    tag: Tag,
    payload: &'a [u8],
}

impl ValueView<'_> {
    fn decode(self) -> Option<AttributeValue> {
        let payload = self.payload;
        Some(match self.tag {
            Tag::S => AttributeValue::S(std::str::from_utf8(payload).ok()?.to_owned()),
            Tag::N => AttributeValue::N(decode_number(payload)?),
            Tag::B => AttributeValue::B(payload.to_vec()),
            Tag::True => AttributeValue::Bool(true),
            Tag::False => AttributeValue::Bool(false),
            Tag::Null => AttributeValue::Null,
            Tag::M => AttributeValue::M(decode_map(payload)?),
            Tag::L => AttributeValue::L(elements(payload, |reader| reader.value()?.decode())?.collect::<Option<_>>()?),
            Tag::Ss => AttributeValue::Ss(
                elements(payload, |reader| reader.text().map(str::to_owned))?.collect::<Option<_>>()?,
            ),
            Tag::Ns => AttributeValue::Ns(
                elements(payload, |reader| decode_number(reader.prefixed()?))?.collect::<Option<_>>()?,
            ),
            Tag::Bs => AttributeValue::Bs(
                elements(payload, |reader| reader.prefixed().map(<[u8]>::to_vec))?.collect::<Option<_>>()?,
            ),
        })
    }
}

impl Serialize for ValueView<'_> {
    /// As [`AttributeValue`]'s `Serialize`: a one-member map.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        let tag = self.tag.wire_name();
        let payload = self.payload;
        match self.tag {
            Tag::S | Tag::N => map.serialize_entry(tag, utf8::<S>(payload)?)?,
            Tag::B => map.serialize_entry(tag, &base64_encode(payload))?,
            Tag::True => map.serialize_entry(tag, &true)?,
            Tag::False => map.serialize_entry(tag, &false)?,
            Tag::Null => map.serialize_entry(tag, &true)?,
            Tag::M => map.serialize_entry(tag, &MapView(payload))?,
            Tag::L | Tag::Ss | Tag::Ns | Tag::Bs => map.serialize_entry(tag, &SeqView(self.tag, payload))?,
        }
        map.end()
    }
}

fn utf8<S: Serializer>(bytes: &[u8]) -> Result<&str, S::Error> {
    std::str::from_utf8(bytes).map_err(S::Error::custom)
}

fn undecodable<E: serde::ser::Error>() -> E {
    E::custom("a packed item does not decode")
}

/// A map body, serialized as an `Item`.
struct MapView<'a>(&'a [u8]);

impl Serialize for MapView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut entries = Entries::new(self.0);
        let mut map = serializer.serialize_map(Some(entries.left))?;
        for (name, value) in entries.by_ref() {
            map.serialize_entry(name, &value)?;
        }
        if entries.reader.bytes.is_empty() {
            map.end()
        } else {
            Err(undecodable())
        }
    }
}

/// A list or set body with its tag, serialized as the `Vec` of the AttributeValue.
struct SeqView<'a>(Tag, &'a [u8]);

impl Serialize for SeqView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let SeqView(tag, body) = *self;
        let mut reader = Reader { bytes: body };
        let count = reader.varint().ok_or_else(undecodable)?;
        let mut seq = serializer.serialize_seq(Some(count))?;
        for _ in 0..count {
            match tag {
                Tag::L => seq.serialize_element(&reader.value().ok_or_else(undecodable)?)?,
                Tag::Bs => seq.serialize_element(&base64_encode(reader.prefixed().ok_or_else(undecodable)?))?,
                _ => seq.serialize_element(reader.text().ok_or_else(undecodable)?)?,
            }
        }
        seq.end()
    }
}

/// The compact JSON the `Serialize` implementations above make through serde_json,
/// written straight from the bytes: what a GetItem response holds. serde_json escapes
/// one byte at a time through calls that a size-optimized build does not inline, which
/// made rendering most of a GetItem's time; here a run of bytes that need no escape is
/// found eight at a time and copied whole. Each function mirrors its `Serialize`
/// counterpart (same order, same escapes, same refusal of bytes that do not decode).
/// Texts are copied as bytes, unchecked: the caller checks that the whole output is
/// UTF-8, once.
pub(crate) mod json {
    use super::{base64_encode, Reader, Tag, ValueView};

    /// A map body as a JSON object; None when the bytes do not decode. Names are copied
    /// as bytes like every text (the caller checks the output's UTF-8 once), so they are
    /// read without [`Entries`](super::Entries)' check of each.
    pub(super) fn write_map(out: &mut Vec<u8>, body: &[u8]) -> Option<()> {
        let mut reader = Reader { bytes: body };
        let count = reader.varint()?;
        if count == 0 {
            out.extend_from_slice(b"{}");
        }
        for index in 0..count {
            let open: &[u8] = if index == 0 { b"{\"" } else { b",\"" };
            // The name's closing `":` comes with the value's opening.
            write_text(out, open, reader.prefixed()?, b"");
            write_value(out, reader.value()?, Place::AfterName)?;
        }
        if count > 0 {
            out.push(b'}');
        }
        reader.bytes.is_empty().then_some(())
    }

    /// Where a value is written.
    #[derive(Clone, Copy, PartialEq)]
    enum Place {
        /// After its name in a map, whose closing `":` it writes.
        AfterName,
        /// In a list.
        InList,
    }

    /// A value as its one-member object, as [`ValueView`]'s `Serialize`. Each opening
    /// and closing is written as one piece: a GetItem spends its time in these writes.
    fn write_value(out: &mut Vec<u8>, value: ValueView, place: Place) -> Option<()> {
        let opening = opening(value.tag);
        let open = match place {
            Place::AfterName => opening,
            Place::InList => opening.get(2..)?,
        };
        let payload = value.payload;
        match value.tag {
            Tag::S | Tag::N => write_text(out, open, payload, b"\"}"),
            Tag::B => write_text(out, open, base64_encode(payload).as_bytes(), b"\"}"),
            Tag::True | Tag::False | Tag::Null => out.extend_from_slice(open),
            Tag::M => {
                out.extend_from_slice(open);
                write_map(out, payload)?;
                out.push(b'}');
            }
            Tag::L | Tag::Ss | Tag::Ns | Tag::Bs => {
                out.extend_from_slice(open);
                write_seq(out, value.tag, payload)?;
                out.push(b'}');
            }
        }
        Some(())
    }

    /// What a value of `tag` opens with after its name (`":`, then the value object up
    /// to its payload; the whole object for BOOL and NULL).
    fn opening(tag: Tag) -> &'static [u8] {
        match tag {
            Tag::S => b"\":{\"S\":\"",
            Tag::N => b"\":{\"N\":\"",
            Tag::B => b"\":{\"B\":\"",
            Tag::True => b"\":{\"BOOL\":true}",
            Tag::False => b"\":{\"BOOL\":false}",
            Tag::Null => b"\":{\"NULL\":true}",
            Tag::M => b"\":{\"M\":",
            Tag::L => b"\":{\"L\":",
            Tag::Ss => b"\":{\"SS\":",
            Tag::Ns => b"\":{\"NS\":",
            Tag::Bs => b"\":{\"BS\":",
        }
    }

    /// A list or set body as a JSON array, as `SeqView`'s `Serialize`.
    fn write_seq(out: &mut Vec<u8>, tag: Tag, body: &[u8]) -> Option<()> {
        let mut reader = Reader { bytes: body };
        let count = reader.varint()?;
        if count == 0 {
            out.extend_from_slice(b"[]");
        }
        for index in 0..count {
            if tag == Tag::L {
                out.push(if index == 0 { b'[' } else { b',' });
                write_value(out, reader.value()?, Place::InList)?;
                continue;
            }
            let open: &[u8] = if index == 0 { b"[\"" } else { b",\"" };
            match tag {
                Tag::Bs => write_text(out, open, base64_encode(reader.prefixed()?).as_bytes(), b"\""),
                _ => write_text(out, open, reader.prefixed()?, b"\""),
            }
        }
        if count > 0 {
            out.push(b']');
        }
        Some(())
    }

    /// `open`, then text escaped as serde_json escapes a string's contents, then
    /// `close`: `"` and `\`, the short escapes of backspace, tab, newline, form feed and
    /// carriage return, `\u00xx` (lower-case hex) for the other control characters,
    /// everything else as it is.
    fn write_text(out: &mut Vec<u8>, open: &[u8], mut text: &[u8], close: &[u8]) {
        out.extend_from_slice(open);
        while let Some((run, escaped, rest)) = split_at_escape(text) {
            out.extend_from_slice(run);
            write_escape(out, escaped);
            text = rest;
        }
        out.extend_from_slice(text);
        if !close.is_empty() {
            out.extend_from_slice(close);
        }
    }

    /// The bytes before the first one that needs an escape, that byte, and the bytes
    /// after it; None when no byte does.
    #[inline(always)]
    pub(crate) fn split_at_escape(text: &[u8]) -> Option<(&[u8], u8, &[u8])> {
        let (run, rest) = text.split_at_checked(clean_length(text))?;
        let (&escaped, rest) = rest.split_first()?;
        Some((run, escaped, rest))
    }

    /// How many bytes at the front of `text` need no escape: sixteen at a time where
    /// wasm's SIMD is there, then eight at a time, then the last few padded to eight with
    /// a byte that needs none (most texts are clean, and most are short).
    #[inline(always)]
    fn clean_length(text: &[u8]) -> usize {
        let mut rest = text;
        #[cfg(target_feature = "simd128")]
        while let Some((block, after)) = rest.split_first_chunk::<16>() {
            if let Some(first) = first_needing_escape_of_16(block) {
                return text.len() - rest.len() + first;
            }
            rest = after;
        }
        while let Some((word, after)) = rest.split_first_chunk::<8>() {
            if let Some(first) = first_needing_escape(*word) {
                return text.len() - rest.len() + first;
            }
            rest = after;
        }
        // Filled byte by byte: copy_from_slice would call memcpy for these few bytes.
        let mut padded = [b' '; 8];
        for (slot, &byte) in padded.iter_mut().zip(rest) {
            *slot = byte;
        }
        first_needing_escape(padded).map_or(text.len(), |first| text.len() - rest.len() + first)
    }

    /// The position of the first of eight bytes that needs an escape, found on them at
    /// once: a byte below `limit` in `word` sets its top bit in `(word - limit) & !word`
    /// (the classic "has a byte less than" test), and a byte equal to `"` or `\\` is
    /// one below 1 once XORed with it. The test may also set the top bit of a byte above
    /// one that is below the limit (the borrow runs upward), never of one before it, so
    /// the lowest bit set is exact.
    #[inline(always)]
    fn first_needing_escape(bytes: [u8; 8]) -> Option<usize> {
        const ONES: u64 = u64::from_le_bytes([1; 8]);
        const TOPS: u64 = ONES * 0x80;
        let word = u64::from_le_bytes(bytes);
        let below = |word: u64, limit: u8| word.wrapping_sub(ONES * u64::from(limit)) & !word;
        let found =
            below(word, 0x20) | below(word ^ (ONES * u64::from(b'"')), 1) | below(word ^ (ONES * u64::from(b'\\')), 1);
        let tops = found & TOPS;
        (tops != 0).then(|| tops.trailing_zeros() as usize / 8)
    }

    /// [`first_needing_escape`] for sixteen bytes in one SIMD register.
    #[cfg(target_feature = "simd128")]
    #[inline(always)]
    fn first_needing_escape_of_16(block: &[u8; 16]) -> Option<usize> {
        use core::arch::wasm32::{u64x2, u8x16_bitmask, u8x16_eq, u8x16_lt, u8x16_splat, v128_or};
        // Two 64-bit halves: the compiler loads them as one register, where building it
        // from sixteen bytes would load them one by one.
        let (low, high) = block.split_at(8);
        let half = |bytes: &[u8]| bytes.try_into().map_or(0, u64::from_le_bytes);
        let bytes = u64x2(half(low), half(high));
        let control = u8x16_lt(bytes, u8x16_splat(0x20));
        let quote_or_backslash = v128_or(u8x16_eq(bytes, u8x16_splat(b'"')), u8x16_eq(bytes, u8x16_splat(b'\\')));
        let found = u8x16_bitmask(v128_or(control, quote_or_backslash));
        (found != 0).then(|| found.trailing_zeros() as usize)
    }

    fn write_escape(out: &mut Vec<u8>, byte: u8) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let short = match byte {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x09 => b't',
            0x0a => b'n',
            0x0c => b'f',
            0x0d => b'r',
            _ => {
                let (high, low) = (HEX[usize::from(byte >> 4 & 0xf)], HEX[usize::from(byte & 0xf)]);
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', high, low]);
                return;
            }
        };
        out.extend_from_slice(&[b'\\', short]);
    }
}

/// The part of a text that what is written must still match, piece by piece: comparing
/// a number's canonical text with the stored one without building it.
struct Unmatched<'a>(&'a str);

impl fmt::Write for Unmatched<'_> {
    fn write_str(&mut self, piece: &str) -> fmt::Result {
        self.0 = self.0.strip_prefix(piece).ok_or(fmt::Error)?;
        Ok(())
    }
}

/// Reads an item's JSON text as this engine writes it ([`PackedItem::from_json_text`]),
/// packing it as it goes; every method answers None for anything else. A hand-written
/// reader rather than serde seeds: a cold open reads every stored item through it, and
/// serde's generic machinery (and a buffer per map to learn its count first) made that
/// three times slower.
struct ItemText<'a> {
    rest: &'a [u8],
    order: Order,
}

/// The order [`ItemText`] takes a map's attributes in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    /// In name order, as the engine writes them: anything else is not its text.
    Sorted,
    /// Any order, each name once: they are sorted as they are packed.
    Any,
}

impl<'a> ItemText<'a> {
    #[inline(always)]
    fn eat(&mut self, byte: u8) -> Option<()> {
        let (&first, rest) = self.rest.split_first()?;
        (first == byte).then(|| self.rest = rest)
    }

    fn eat_word(&mut self, word: &[u8]) -> Option<()> {
        self.rest = self.rest.strip_prefix(word)?;
        Some(())
    }

    /// After an element: true for `,` (another follows), false for `close`.
    fn another(&mut self, close: u8) -> Option<bool> {
        match self.eat(b',') {
            Some(()) => Some(true),
            None => self.eat(close).map(|()| false),
        }
    }

    /// A JSON string's UTF-8 bytes, borrowed unless it holds escapes.
    fn string(&mut self) -> Option<Cow<'a, [u8]>> {
        self.eat(b'"')?;
        // The bytes a string must escape are the quote that ends it, the backslash that
        // starts an escape and the control characters it may not hold.
        let (plain, special, rest) = json::split_at_escape(self.rest)?;
        self.rest = rest;
        match special {
            b'"' => return Some(Cow::Borrowed(plain)),
            b'\\' => {}
            _ => return None,
        }
        let mut owned = plain.to_vec();
        owned.push(self.escaped()?);
        loop {
            let (&byte, rest) = self.rest.split_first()?;
            self.rest = rest;
            match byte {
                b'"' => return Some(Cow::Owned(owned)),
                b'\\' => owned.push(self.escaped()?),
                0..0x20 => return None,
                _ => owned.push(byte),
            }
        }
    }

    /// The character an escape stands for, after its backslash: the short escapes and
    /// `\u` of an ASCII character (serde_json writes `\u00xx` for control characters).
    fn escaped(&mut self) -> Option<u8> {
        let (&byte, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(match byte {
            b'"' | b'\\' | b'/' => byte,
            b'b' => 0x08,
            b't' => b'\t',
            b'n' => b'\n',
            b'f' => 0x0c,
            b'r' => b'\r',
            b'u' => {
                let (hex, rest) = self.rest.split_at_checked(4)?;
                self.rest = rest;
                let mut digits = hex.iter().map(|&digit| char::from(digit).to_digit(16));
                let code = digits.try_fold(0, |code, digit| Some(code * 16 + digit?))?;
                u8::try_from(code).ok().filter(u8::is_ascii)?
            }
            _ => return None,
        })
    }

    /// A JSON object of attribute values, as a map body (the entry count, then the
    /// entries in name order); the entry count and the sum of the names' and values'
    /// sizes. `depth` is the level of the map's values minus one (0 for an item).
    fn map(&mut self, out: &mut Vec<u8>, depth: usize) -> Option<(usize, usize)> {
        let at = begin_varint(out);
        let (mut count, mut size) = (0, 0);
        self.eat(b'{')?;
        let mut previous: Option<Cow<[u8]>> = None;
        // Where each entry starts, for a map in any order to be sorted (none in Sorted).
        let mut starts = Vec::new();
        let mut sorted = true;
        let mut more = self.eat(b'}').is_none();
        while more {
            let name = self.string()?;
            if name.is_empty() || name.len() > MAX_NAME_BYTES {
                return None;
            }
            if previous.as_ref().is_some_and(|previous| *previous >= name) {
                (self.order == Order::Any).then_some(())?;
                sorted = false;
            }
            if self.order == Order::Any {
                starts.push(out.len());
            }
            write_bytes(out, &name);
            self.eat(b':')?;
            size += name.len() + self.value(out, depth + 1)?;
            count += 1;
            previous = Some(name);
            more = self.another(b'}')?;
        }
        if !sorted {
            sort_entries(out, &starts)?;
        }
        end_varint(out, at, count);
        Some((count, size))
    }

    /// One attribute value object (`{"S":"text"}`) at level `depth`; its size.
    fn value(&mut self, out: &mut Vec<u8>, depth: usize) -> Option<usize> {
        self.eat(b'{')?;
        let member = self.string()?;
        self.eat(b':')?;
        let nested = depth < NESTING_LIMIT;
        let size = match member.as_ref() {
            b"S" => write_scalar(out, Tag::S, &self.string()?),
            b"N" => {
                let (text, size) = self.number()?;
                write_scalar(out, Tag::N, &text);
                size
            }
            b"B" => write_scalar(out, Tag::B, &self.binary()?),
            b"BOOL" => {
                let tag = match self.eat_word(b"true") {
                    Some(()) => Tag::True,
                    None => self.eat_word(b"false").map(|()| Tag::False)?,
                };
                out.push(tag as u8);
                1
            }
            b"NULL" => {
                self.eat_word(b"true")?;
                out.push(Tag::Null as u8);
                1
            }
            b"M" if nested => {
                let at = begin_container(out, Tag::M);
                let (count, size) = self.map(out, depth)?;
                end_container(out, at);
                3 + count + size
            }
            b"L" if nested => {
                let at = begin_container(out, Tag::L);
                let size = self.list(out, depth)?;
                end_container(out, at);
                size
            }
            b"SS" => self.set(out, Tag::Ss)?,
            b"NS" => self.set(out, Tag::Ns)?,
            b"BS" => self.set(out, Tag::Bs)?,
            _ => return None,
        };
        self.eat(b'}')?;
        Some(size)
    }

    /// A number's text as it is packed, in canonical form, and the number's size. Read
    /// off the text when it is as the engine writes numbers; anything else is parsed.
    /// A stored text's numbers must be canonical already (written back to compare: any
    /// other is not the engine's text); a request's are written canonically, as
    /// validation writes them.
    fn number(&mut self) -> Option<(Cow<'a, [u8]>, usize)> {
        let text = self.string()?;
        if let Some(size) = Number::canonical_text_size(&text) {
            return Some((text, size));
        }
        let number = Number::parse(std::str::from_utf8(&text).ok()?).ok()?;
        let canonical = match self.order {
            Order::Sorted => {
                let mut unmatched = Unmatched(std::str::from_utf8(&text).ok()?);
                fmt::Write::write_fmt(&mut unmatched, format_args!("{number}")).ok()?;
                unmatched.0.is_empty().then_some(text)?
            }
            Order::Any => Cow::Owned(number.to_string().into_bytes()),
        };
        Some((canonical, number.size()))
    }

    /// Base64 text, decoded.
    fn binary(&mut self) -> Option<Vec<u8>> {
        base64_decode(std::str::from_utf8(&self.string()?).ok()?).ok()
    }

    /// A list's elements as its body (the count, then the values) at level `depth`; the
    /// list's size.
    fn list(&mut self, out: &mut Vec<u8>, depth: usize) -> Option<usize> {
        let at = begin_varint(out);
        let (mut count, mut size) = (0, 0);
        self.eat(b'[')?;
        let mut more = self.eat(b']').is_none();
        while more {
            size += 1 + self.value(out, depth + 1)?;
            count += 1;
            more = self.another(b']')?;
        }
        end_varint(out, at, count);
        Some(3 + size)
    }

    /// A set (SS, NS or BS, as `tag` says), non-empty and without duplicates, as its
    /// tag and container; the set's size.
    fn set(&mut self, out: &mut Vec<u8>, tag: Tag) -> Option<usize> {
        let container = begin_container(out, tag);
        let at = begin_varint(out);
        let (mut count, mut size) = (0, 0);
        self.eat(b'[')?;
        let mut more = self.eat(b']').is_none();
        while more {
            size += match tag {
                Tag::Bs => {
                    let bytes = self.binary()?;
                    write_bytes(out, &bytes);
                    bytes.len()
                }
                Tag::Ns => {
                    let (text, size) = self.number()?;
                    write_bytes(out, &text);
                    size
                }
                _ => {
                    let text = self.string()?;
                    write_bytes(out, &text);
                    text.len()
                }
            };
            count += 1;
            more = self.another(b']')?;
        }
        // Duplicates, found among the elements as written (canonical number texts are
        // equal exactly when the numbers are).
        let mut reader = Reader { bytes: out.get(at + 1..).unwrap_or_default() };
        let mut elements: Vec<&[u8]> = (0..count).map_while(|_| reader.prefixed()).collect();
        elements.sort_unstable();
        elements.dedup();
        if count == 0 || elements.len() != count {
            return None;
        }
        end_varint(out, at, count);
        end_container(out, container);
        Some(size)
    }
}

/// Puts the entries starting at `starts` (the last one runs to the end of `out`) in name
/// order; None when two have the same name.
fn sort_entries(out: &mut Vec<u8>, starts: &[usize]) -> Option<()> {
    let first = *starts.first()?;
    let ends = starts.iter().skip(1).copied().chain([out.len()]);
    let mut entries: Vec<(&[u8], &[u8])> = Vec::with_capacity(starts.len());
    for (&start, end) in starts.iter().zip(ends) {
        let entry = out.get(start..end)?;
        entries.push((Reader { bytes: entry }.prefixed()?, entry));
    }
    entries.sort_unstable_by_key(|(name, _)| *name);
    if entries.windows(2).any(|pair| pair[0].0 == pair[1].0) {
        return None;
    }
    let mut sorted = Vec::with_capacity(out.len() - first);
    entries.iter().for_each(|(_, entry)| sorted.extend_from_slice(entry));
    out.truncate(first);
    out.extend_from_slice(&sorted);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzz::Rng;
    use crate::model::{item_from_json, item_size};
    use serde_json::json;

    /// Texts that exercise JSON escaping: quotes, backslashes, control characters,
    /// non-ASCII and astral characters, and the empty string.
    const TEXTS: [&str; 10] = [
        "",
        "a",
        "quote \" and \\ back",
        "\u{0}\u{1}\u{1f}\u{7f}",
        "tab\tnew\nline\r",
        "é ü 日本",
        "🦀 \u{10FFFF}",
        "</script>",
        "\u{2028}\u{2029}",
        "long text of several words",
    ];
    const NUMBERS: [&str; 12] = [
        "0",
        "-0",
        "1",
        "-1",
        "12345678901234567890123456789012345678",
        "1E+125",
        "-9.9E-130",
        "0.001",
        "100",
        "3.14159",
        "-42.5e3",
        "9.9999999999999999999999999999999999999E+125",
    ];

    fn text(rng: &mut Rng) -> String {
        let mut text = TEXTS[rng.below(TEXTS.len())].to_string();
        if rng.below(3) == 0 {
            text.push(char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('x'));
        }
        text
    }

    fn number(rng: &mut Rng) -> Number {
        let text = match rng.below(2) {
            0 => NUMBERS[rng.below(NUMBERS.len())].to_string(),
            _ => format!("{}.{}E{}", rng.below(1_000_000) as i64 - 500_000, rng.below(1000), rng.below(40) as i64 - 20),
        };
        Number::parse(&text).unwrap_or_else(|_| Number::parse("7").unwrap())
    }

    fn binary(rng: &mut Rng) -> Vec<u8> {
        (0..rng.below(9)).map(|_| rng.below(256) as u8).collect()
    }

    /// Sets without duplicates, as DynamoDB requires (the packing does not care).
    fn set<T: PartialEq>(rng: &mut Rng, element: impl Fn(&mut Rng) -> T) -> Vec<T> {
        let mut set = Vec::new();
        for _ in 0..=rng.below(4) {
            let value = element(rng);
            if !set.contains(&value) {
                set.push(value);
            }
        }
        set
    }

    fn value(rng: &mut Rng, depth: usize) -> AttributeValue {
        let kinds = if depth >= 4 { 8 } else { 10 };
        match rng.below(kinds) {
            0 => AttributeValue::S(text(rng)),
            1 => AttributeValue::N(number(rng)),
            2 => AttributeValue::B(binary(rng)),
            3 => AttributeValue::Bool(rng.below(2) == 0),
            4 => AttributeValue::Null,
            5 => AttributeValue::Ss(set(rng, text)),
            6 => AttributeValue::Ns(set(rng, number)),
            7 => AttributeValue::Bs(set(rng, binary)),
            8 => AttributeValue::M(item(rng, depth + 1)),
            _ => AttributeValue::L((0..rng.below(5)).map(|_| value(rng, depth + 1)).collect()),
        }
    }

    fn item(rng: &mut Rng, depth: usize) -> Item {
        (0..rng.below(8)).map(|_| (text(rng), value(rng, depth))).collect()
    }

    #[test]
    fn random_items_round_trip_with_their_size_and_json() {
        let mut rng = Rng(0x5eed_1234_abcd_0001);
        for _ in 0..5_000 {
            let item = item(&mut rng, 1);
            let packed = PackedItem::pack(&item);
            assert_eq!(packed.unpack(), item);
            assert_eq!(packed.size(), item_size(&item));
            assert_eq!(serde_json::to_string(&packed).unwrap(), serde_json::to_string(&item).unwrap());
            assert_eq!(serde_json::to_string_pretty(&packed).unwrap(), serde_json::to_string_pretty(&item).unwrap());
            assert_eq!(packed.to_json_text(), Some(serde_json::to_string(&item).unwrap()));
            for (name, value) in &item {
                assert_eq!(packed.attribute(name).as_ref(), Some(value));
            }
            let names: Vec<&str> = item.keys().rev().map(String::as_str).chain(["\u{0}absent"]).collect();
            let wanted: Vec<Option<AttributeValue>> = names.iter().map(|name| item.get(*name).cloned()).collect();
            assert_eq!(packed.attributes(&names), wanted);
            assert_eq!(packed.attribute("\u{0}absent"), None);
            // Packing from the text takes exactly the items validation takes (the
            // generator makes some that it does not, with empty names).
            let text = serde_json::to_string(&item).unwrap();
            let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
            let valid = item_from_json(parsed.as_object().unwrap()).is_ok();
            assert_eq!(PackedItem::from_json_text(&text).as_ref(), valid.then_some(&packed), "{text}");
            let first = item.keys().next().cloned();
            let selected = packed.select(|name| Some(name) == first.as_deref());
            assert_eq!(selected, item.iter().take(1).map(|(n, v)| (n.clone(), v.clone())).collect::<Item>());
        }
    }

    /// `item`'s DynamoDB JSON with the attributes of every map in a random order.
    fn shuffled_json(item: &Item, rng: &mut Rng) -> String {
        let mut entries: Vec<(&String, &AttributeValue)> = item.iter().collect();
        for at in (1..entries.len()).rev() {
            entries.swap(at, rng.below(at + 1));
        }
        let members: Vec<String> = entries
            .into_iter()
            .map(|(name, value)| {
                let value = match value {
                    AttributeValue::M(map) => format!(r#"{{"M":{}}}"#, shuffled_json(map, rng)),
                    AttributeValue::L(values) => {
                        let values: Vec<String> = values
                            .iter()
                            .map(|value| match value {
                                AttributeValue::M(map) => format!(r#"{{"M":{}}}"#, shuffled_json(map, rng)),
                                other => serde_json::to_string(other).unwrap(),
                            })
                            .collect();
                        format!(r#"{{"L":[{}]}}"#, values.join(","))
                    }
                    other => serde_json::to_string(other).unwrap(),
                };
                format!("{}:{value}", serde_json::to_string(name).unwrap())
            })
            .collect();
        format!("{{{}}}", members.join(","))
    }

    #[test]
    fn a_request_item_in_any_order_packs_as_its_item_does() {
        let mut rng = Rng(0x5eed_1234_abcd_0002);
        for _ in 0..5_000 {
            let item = item(&mut rng, 1);
            let text = shuffled_json(&item, &mut rng);
            let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
            let valid = item_from_json(parsed.as_object().unwrap()).is_ok();
            let request = format!("{text},\"TableName\":\"T\"}}");
            let read = PackedItem::from_request_json(&request);
            let wanted = valid.then(|| (PackedItem::pack(&item), r#","TableName":"T"}"#));
            assert_eq!(read, wanted, "{text}");
        }
    }

    #[test]
    fn a_request_item_numbers_are_packed_canonically() {
        let text = r#"{"n":{"N":"13.40"},"s":{"NS":["-0.50E+1","7","+2"]},"z":{"N":"-0"}}"#;
        let parsed: serde_json::Value = serde_json::from_str(text).unwrap();
        let item = item_from_json(parsed.as_object().unwrap()).unwrap();
        assert_eq!(PackedItem::from_request_json(text), Some((PackedItem::pack(&item), "")));
        assert_eq!(PackedItem::from_json_text(text), None);
        // Equal numbers written apart are the duplicates validation refuses.
        assert_eq!(PackedItem::from_request_json(r#"{"s":{"NS":["1.0","1"]}}"#), None);
    }

    #[test]
    fn a_request_item_names_each_attribute_once() {
        for text in [
            r#"{"a":{"S":"x"},"a":{"S":"y"}}"#,
            r#"{"b":{"S":"x"},"a":{"S":"y"},"b":{"N":"1"}}"#,
            r#"{"a":{"M":{"y":{"S":"x"},"x":{"S":"y"},"y":{"S":"z"}}}}"#,
        ] {
            assert_eq!(PackedItem::from_request_json(text), None, "{text}");
        }
    }

    #[test]
    fn numbers_of_128_bytes_and_more_round_trip() {
        // 1E-130 is "0." then 129 zeros then "1": a two-byte length prefix.
        let tiny = Number::parse("1E-130").unwrap();
        let huge = Number::parse("-9.9E+125").unwrap();
        assert!(tiny.to_string().len() >= 128 && huge.to_string().len() < 128);
        let item: Item = [
            ("n".to_string(), AttributeValue::N(tiny.clone())),
            ("s".to_string(), AttributeValue::Ns(vec![huge, tiny])),
        ]
        .into_iter()
        .collect();
        let packed = PackedItem::pack(&item);
        assert_eq!(packed.unpack(), item);
        let text = serde_json::to_string(&item).unwrap();
        assert_eq!(PackedItem::from_json_text(&text).as_ref(), Some(&packed));
    }

    #[test]
    fn text_not_as_the_engine_writes_it_is_left_to_validation() {
        let nested = |levels: usize| "{\"L\":[".repeat(levels) + &"]}".repeat(levels);
        let refused = [
            r#"{"b":{"S":"x"},"a":{"S":"y"}}"#.to_string(),
            r#"{"a":{"S":"x"},"a":{"S":"y"}}"#.into(),
            r#"{"":{"S":"x"}}"#.into(),
            r#"{"a":{"N":"1.0"}}"#.into(),
            r#"{"a":{"N":"x"}}"#.into(),
            r#"{"a":{"S":"x","N":"1"}}"#.into(),
            r#"{"a":{"S":null,"N":"1"}}"#.into(),
            r#"{"a":{}}"#.into(),
            r#"{"a":{"NULL":false}}"#.into(),
            r#"{"a":{"BOOL":"true"}}"#.into(),
            r#"{"a":{"B":"AB"}}"#.into(),
            r#"{"a":{"SS":[]}}"#.into(),
            r#"{"a":{"SS":["x","x"]}}"#.into(),
            r#"{"a":{"NS":["1","2","1"]}}"#.into(),
            r#"{"a":{"BS":["AQ==","AQ=="]}}"#.into(),
            r#"{"a":{"X":"x"}}"#.into(),
            r#"{"a":{"S":"x"}} trailing"#.into(),
            r#"{"a": {"S":"x"}}"#.into(),
            r#"{"a":{"S":"\u00e9"}}"#.into(),
            r#"{"a":{"S":"\x"}}"#.into(),
            format!(r#"{{"a":{}}}"#, nested(32)),
        ];
        for text in refused {
            assert_eq!(PackedItem::from_json_text(&text), None, "{text}");
        }
        let deepest = format!(r#"{{"a":{}}}"#, nested(31));
        let parsed: serde_json::Value = serde_json::from_str(&deepest).unwrap();
        let item = item_from_json(parsed.as_object().unwrap()).unwrap();
        assert_eq!(PackedItem::from_json_text(&deepest), Some(PackedItem::pack(&item)));
    }

    #[test]
    fn the_first_byte_needing_an_escape_is_found_at_any_place() {
        let needs_escape = |byte: &u8| *byte < 0x20 || *byte == b'"' || *byte == b'\\';
        // Bytes around each limit, and above 0x7f (UTF-8), where a borrow could mislead.
        let bytes = [0, 0x1f, 0x20, 0x21, b'"' - 1, b'"', b'"' + 1, b'\\' - 1, b'\\', b'\\' + 1, 0x7f, 0x80, 0xff];
        let mut rng = Rng(7);
        for _ in 0..20_000 {
            let length = rng.below(20);
            let text: Vec<u8> = (0..length).map(|_| bytes[rng.below(bytes.len())]).collect();
            let expected = text.iter().position(needs_escape);
            let found = json::split_at_escape(&text).map(|(run, byte, rest)| (run.len(), byte, rest.len()));
            let wanted = expected.map(|at| (at, text[at], length - at - 1));
            assert_eq!(found, wanted, "{text:?}");
        }
    }

    #[test]
    fn counts_of_128_and_more_pack_from_text() {
        // Each count's varint is reserved as one byte and widened once it is known.
        let many = |count: usize| (0..count).map(|n| format!("e{n:03}")).collect::<Vec<_>>();
        let mut item: Item = many(200).into_iter().map(|name| (name, AttributeValue::Null)).collect();
        item.insert("list".into(), AttributeValue::L(many(150).into_iter().map(AttributeValue::S).collect()));
        item.insert("set".into(), AttributeValue::Ss(many(130)));
        item.insert(
            "numbers".into(),
            AttributeValue::Ns((0..129).map(|n| Number::parse(&n.to_string()).unwrap()).collect()),
        );
        let text = serde_json::to_string(&item).unwrap();
        assert_eq!(PackedItem::from_json_text(&text), Some(PackedItem::pack(&item)));
    }

    #[test]
    fn equal_items_pack_to_equal_bytes() {
        let one = json!({"n": {"N": "1.0"}, "a": {"L": [{"S": "x"}, {"NS": ["10E-1", "2"]}]}});
        let other = json!({"a": {"L": [{"S": "x"}, {"NS": ["1", "2.00"]}]}, "n": {"N": "1"}});
        let pack = |json: serde_json::Value| PackedItem::pack(&item_from_json(json.as_object().unwrap()).unwrap());
        assert_eq!(pack(one), pack(other));
    }

    #[test]
    fn an_empty_item_packs() {
        let packed = PackedItem::pack(&Item::new());
        assert_eq!(
            (packed.size(), packed.unpack(), serde_json::to_string(&packed).unwrap()),
            (0, Item::new(), "{}".into())
        );
    }

    #[test]
    fn bytes_cut_short_decode_to_nothing_rather_than_panic() {
        let mut rng = Rng(99);
        for _ in 0..500 {
            let packed = PackedItem::pack(&item(&mut rng, 1));
            for end in 0..packed.bytes.len() {
                let cut = PackedItem { bytes: packed.bytes[..end].into() };
                let _ = (cut.unpack(), cut.size(), cut.attribute("a"), serde_json::to_string(&cut));
            }
        }
    }
}
