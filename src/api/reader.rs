//! The request reader: reads a request body into a request struct declared with
//! `request!`, answering exactly what `#[derive(Deserialize)]` with
//! `serde_json::from_str` answers (the same values, and the same SerializationException
//! texts with their positions), at a fraction of the code size.
//!
//! The derive compiles a visitor per struct and an `Option<T>` and `Vec<T>` reader per
//! field type, each instantiated for serde_json's reader (docs/size.md). Here the parsing
//! stays serde_json's, so its syntax errors and positions are unchanged, but every request
//! struct shares one struct visitor: a struct only describes itself ([`Fields`]: its type
//! name, its members' wire names, and a [`Target`] per member), and the leaf values are
//! read by the standard `String`, `bool`, number, `Vec` and `Value` implementations that
//! the rest of the crate instantiates anyway.
//!
//! Flattened members behave as serde's `#[serde(flatten)]`: the struct is read as
//! a map, the members that are not its own are kept aside as JSON values, and each
//! flattened struct then takes its members from them, so its errors carry the position
//! of the end of the enclosing object, as with the derive. (The derive keeps them aside
//! in serde's own buffer; a JSON value differs from it only inside nested objects of a
//! flattened member: their keys come sorted and a repeated key keeps its last value.)

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// How a struct reads: what the derive would know about it.
pub(crate) struct Schema {
    /// The text after `expected` in a type error: `struct` and the type's name.
    pub(crate) expecting: &'static str,
    /// The wire names of the direct members, in declaration order.
    pub(crate) members: &'static [&'static str],
    /// How many flattened members follow the direct members.
    pub(crate) flattened: usize,
    /// Whether a member the struct does not have is an error (serde's
    /// `deny_unknown_fields`, which Dynaplay's own operations use) rather than ignored.
    pub(crate) deny_unknown: bool,
}

/// A request struct (or a struct nested in one), as `request!` declares it.
pub(crate) trait Fields {
    fn schema(&self) -> &'static Schema;
    /// Where the value of the direct member at this index goes.
    fn member(&mut self, index: usize) -> Option<Target<'_>>;
    /// The flattened member at this index.
    fn flattened(&mut self, index: usize) -> Option<&mut dyn Flatten>;
}

/// A flattened member: it takes its members from the ones its enclosing struct kept aside.
pub(crate) trait Flatten {
    /// Takes (and reads) its members out of `others`, leaving the rest there.
    fn take(&mut self, others: &mut Vec<(String, Value)>) -> Result<(), serde_json::Error>;
}

impl<T: Fields> Flatten for T {
    fn take(&mut self, others: &mut Vec<(String, Value)>) -> Result<(), serde_json::Error> {
        take_flattened(others, self)
    }
}

/// A flattened map takes every member left, a repeated one with its last value.
impl Flatten for Map<String, Value> {
    fn take(&mut self, others: &mut Vec<(String, Value)>) -> Result<(), serde_json::Error> {
        self.extend(others.drain(..));
        Ok(())
    }
}

/// A member's value, as its JSON reads: always optional (absent or null is None).
pub(crate) enum Target<'a> {
    String(&'a mut Option<String>),
    Bool(&'a mut Option<bool>),
    I64(&'a mut Option<i64>),
    U64(&'a mut Option<u64>),
    U32(&'a mut Option<u32>),
    Usize(&'a mut Option<usize>),
    F64(&'a mut Option<f64>),
    /// Any JSON, kept as it is.
    Value(&'a mut Option<Value>),
    Strings(&'a mut Option<Vec<String>>),
    Values(&'a mut Option<Vec<Value>>),
    /// A JSON object, kept as it is (an item, a key, a placeholder map).
    Object(&'a mut Option<Map<String, Value>>),
    /// A list of JSON objects.
    Objects(&'a mut Option<Vec<Map<String, Value>>>),
    /// A nested struct.
    Struct(&'a mut dyn OptionalStruct),
    /// A list of nested structs.
    Structs(&'a mut dyn StructList),
    /// A map from names to nested structs (boxed), or to lists of them.
    Entries(&'a mut dyn EntryMap),
}

/// The types a member can have, with where their value goes.
pub(crate) trait Member {
    fn target(slot: &mut Option<Self>) -> Target<'_>
    where
        Self: Sized;
}

/// Implements [`Member`] for a type whose values one [`Target`] variant takes.
macro_rules! member {
    ($($type:ty => $variant:ident),* $(,)?) => {$(
        impl Member for $type {
            fn target(slot: &mut Option<Self>) -> Target<'_> {
                Target::$variant(slot)
            }
        }
    )*};
}

member! {
    String => String, bool => Bool, i64 => I64, u64 => U64, u32 => U32, usize => Usize, f64 => F64,
    Value => Value, Vec<String> => Strings, Vec<Value> => Values,
    Map<String, Value> => Object, Vec<Map<String, Value>> => Objects,
}

impl<T: Fields + Default> Member for T {
    fn target(slot: &mut Option<Self>) -> Target<'_> {
        Target::Struct(slot)
    }
}

impl<T: Fields + Default> Member for Vec<T> {
    fn target(slot: &mut Option<Self>) -> Target<'_> {
        Target::Structs(slot)
    }
}

impl<T: EntryValue + Default> Member for BTreeMap<String, T> {
    fn target(slot: &mut Option<Self>) -> Target<'_> {
        Target::Entries(slot)
    }
}

/// An optional map from names to nested structs (boxed) or lists of them.
pub(crate) trait EntryMap {
    /// Makes the map present and empty.
    fn start(&mut self);
    /// Sets the entry of this name to its default (replacing any earlier one, as the derive's
    /// map does) and answers where its value goes.
    fn entry(&mut self, name: String) -> Option<Entry<'_>>;
}

/// Where an entry's value goes.
pub(crate) enum Entry<'a> {
    /// A nested struct.
    Struct(&'a mut dyn Fields),
    /// A list of nested structs.
    Structs(&'a mut dyn StructList),
}

/// The values an [`EntryMap`] can hold.
pub(crate) trait EntryValue {
    fn entry(&mut self) -> Entry<'_>;
}

/// Structs are boxed: maps whose values are one pointer share their compiled code
/// (docs/size.md).
impl<T: Fields + Default> EntryValue for Box<T> {
    fn entry(&mut self) -> Entry<'_> {
        Entry::Struct(&mut **self)
    }
}

impl<T: Fields + Default> EntryValue for Vec<T> {
    fn entry(&mut self) -> Entry<'_> {
        Entry::Structs(self)
    }
}

impl<T: EntryValue + Default> EntryMap for Option<BTreeMap<String, T>> {
    fn start(&mut self) {
        *self = Some(BTreeMap::new());
    }

    fn entry(&mut self, name: String) -> Option<Entry<'_>> {
        let map = self.as_mut()?;
        let value = map.entry(name).or_default();
        *value = T::default();
        Some(value.entry())
    }
}

/// An optional nested struct, which a present value fills.
pub(crate) trait OptionalStruct {
    /// Sets the struct to its default (every member None) and answers it.
    fn fill(&mut self) -> &mut dyn Fields;
}

impl<T: Fields + Default> OptionalStruct for Option<T> {
    fn fill(&mut self) -> &mut dyn Fields {
        self.insert(T::default())
    }
}

/// An optional list of nested structs.
pub(crate) trait StructList {
    /// Makes the list present and empty.
    fn start(&mut self);
    /// Appends a default struct and answers it.
    fn push(&mut self) -> Option<&mut dyn Fields>;
}

impl<T: Fields + Default> StructList for Option<Vec<T>> {
    fn start(&mut self) {
        *self = Some(Vec::new());
    }

    fn push(&mut self) -> Option<&mut dyn Fields> {
        let list = self.as_mut()?;
        list.push(T::default());
        list.last_mut().map(|last| last as &mut dyn Fields)
    }
}

/// A map entry's list: present from the start.
impl<T: Fields + Default> StructList for Vec<T> {
    fn start(&mut self) {
        self.clear();
    }

    fn push(&mut self) -> Option<&mut dyn Fields> {
        self.push(T::default());
        self.last_mut().map(|last| last as &mut dyn Fields)
    }
}

/// Reads a request body into a request struct; the error is serde_json's, as
/// `serde_json::from_str` would give it for the derived struct.
pub(crate) fn read<T: Fields + Default>(body: &str) -> Result<T, serde_json::Error> {
    let mut request = T::default();
    let mut deserializer = serde_json::Deserializer::from_str(body);
    read_struct(&mut deserializer, &mut request)?;
    deserializer.end()?;
    Ok(request)
}

/// Reads a JSON value into a request struct; the error is serde_json's, as
/// `serde_json::from_value` would give it for the derived struct (without a position).
pub(crate) fn read_json<T: Fields + Default>(value: Value) -> Result<T, serde_json::Error> {
    let mut request = T::default();
    read_struct(value, &mut request)?;
    Ok(request)
}

/// Reads one struct from a deserializer: as the derive does, a struct with flattened
/// members reads as a map only, any other also from a list of its members' values.
fn read_struct<'de, D: Deserializer<'de>>(deserializer: D, fields: &mut dyn Fields) -> Result<(), D::Error> {
    let schema = fields.schema();
    if schema.flattened > 0 {
        deserializer.deserialize_map(StructVisitor(fields))
    } else {
        deserializer.deserialize_struct("", &[], StructVisitor(fields))
    }
}

/// Fills a struct from a JSON object (or a list of its members' values).
struct StructVisitor<'a>(&'a mut dyn Fields);

impl<'de> Visitor<'de> for StructVisitor<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(self.0.schema().expecting)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let schema = self.0.schema();
        let mut seen = vec![false; schema.members.len()];
        let mut others = Vec::new();
        let keep_others = schema.flattened > 0;
        while let Some(key) = map.next_key_seed(KeySeed { schema, keep_others })? {
            match key {
                Key::Member(index) => {
                    mark_seen(&mut seen, index, schema)?;
                    map.next_value_seed(MemberSeed(self.0.member(index)))?;
                }
                Key::Other(name) => others.push((name, map.next_value::<Value>()?)),
                Key::Ignored => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        for index in 0..schema.flattened {
            if let Some(flattened) = self.0.flattened(index) {
                flattened.take(&mut others).map_err(de::Error::custom)?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let schema = self.0.schema();
        for index in 0..schema.members.len() {
            if seq.next_element_seed(MemberSeed(self.0.member(index)))?.is_none() {
                return Err(de::Error::invalid_length(index, &ListOfMembers(schema)));
            }
        }
        Ok(())
    }
}

/// Notes that a member was read, refusing one read before as the derive does.
fn mark_seen<E: de::Error>(seen: &mut [bool], index: usize, schema: &Schema) -> Result<(), E> {
    match seen.get_mut(index) {
        Some(true) => Err(E::duplicate_field(schema.members.get(index).copied().unwrap_or_default())),
        Some(flag) => {
            *flag = true;
            Ok(())
        }
        None => Ok(()),
    }
}

/// Moves the members of a flattened struct out of the ones its enclosing struct kept aside
/// (in the order they came) and reads them.
fn take_flattened<T: Fields>(others: &mut Vec<(String, Value)>, fields: &mut T) -> Result<(), serde_json::Error> {
    let schema = fields.schema();
    let mut seen = vec![false; schema.members.len()];
    let mut kept = Vec::new();
    for (name, value) in std::mem::take(others) {
        match schema.members.iter().position(|member| *member == name) {
            Some(index) => {
                mark_seen(&mut seen, index, schema)?;
                MemberSeed(fields.member(index)).deserialize(value)?;
            }
            None => kept.push((name, value)),
        }
    }
    *others = kept;
    Ok(())
}

/// What the derive's `expected` says when a list has too few members' values.
struct ListOfMembers(&'static Schema);

impl de::Expected for ListOfMembers {
    fn fmt(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        let count = self.0.members.len();
        let plural = if count == 1 { "" } else { "s" };
        write!(formatter, "{} with {count} element{plural}", self.0.expecting)
    }
}

/// An object key, as the struct sees it.
enum Key {
    /// The direct member at this index.
    Member(usize),
    /// Another key, kept with its value for the flattened structs.
    Other(String),
    /// Another key, whose value is skipped.
    Ignored,
}

/// Reads an object key against a struct's members.
struct KeySeed {
    schema: &'static Schema,
    keep_others: bool,
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(match self.schema.members.iter().position(|member| *member == key) {
            Some(index) => Key::Member(index),
            None if self.schema.deny_unknown => return Err(E::unknown_field(key, self.schema.members)),
            None if self.keep_others => Key::Other(key.to_string()),
            None => Key::Ignored,
        })
    }
}

/// Reads a member's value (absent when the struct has no member at that index, which
/// its declaration rules out).
struct MemberSeed<'a>(Option<Target<'a>>);

impl<'de> DeserializeSeed<'de> for MemberSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.0 {
            Some(target) => deserializer.deserialize_option(OptionVisitor(target)),
            None => IgnoredAny::deserialize(deserializer).map(drop),
        }
    }
}

/// Reads an optional value: null leaves the member None.
struct OptionVisitor<'a>(Target<'a>);

impl<'de> Visitor<'de> for OptionVisitor<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("option")
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        read_value(self.0, deserializer)
    }
}

/// Reads a present value into its member.
fn read_value<'de, D: Deserializer<'de>>(target: Target<'_>, deserializer: D) -> Result<(), D::Error> {
    match target {
        Target::String(slot) => *slot = Some(String::deserialize(deserializer)?),
        Target::Bool(slot) => *slot = Some(bool::deserialize(deserializer)?),
        Target::I64(slot) => *slot = Some(i64::deserialize(deserializer)?),
        Target::U64(slot) => *slot = Some(u64::deserialize(deserializer)?),
        Target::U32(slot) => *slot = Some(u32::deserialize(deserializer)?),
        Target::Usize(slot) => *slot = Some(usize::deserialize(deserializer)?),
        Target::F64(slot) => *slot = Some(f64::deserialize(deserializer)?),
        Target::Value(slot) => *slot = Some(Value::deserialize(deserializer)?),
        Target::Strings(slot) => *slot = Some(Vec::deserialize(deserializer)?),
        Target::Values(slot) => *slot = Some(Vec::deserialize(deserializer)?),
        Target::Object(slot) => *slot = Some(Map::deserialize(deserializer)?),
        Target::Objects(slot) => *slot = Some(Vec::deserialize(deserializer)?),
        Target::Struct(slot) => read_struct(deserializer, slot.fill())?,
        Target::Structs(list) => deserializer.deserialize_seq(ListVisitor(list))?,
        Target::Entries(map) => deserializer.deserialize_map(MapVisitor(map))?,
    }
    Ok(())
}

/// Fills a map of nested structs (or lists of them) from a JSON object.
struct MapVisitor<'a>(&'a mut dyn EntryMap);

impl<'de> Visitor<'de> for MapVisitor<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.start();
        while let Some(name) = map.next_key::<String>()? {
            map.next_value_seed(EntrySeed(self.0.entry(name)))?;
        }
        Ok(())
    }
}

/// Reads one entry's value of a map of nested structs.
struct EntrySeed<'a>(Option<Entry<'a>>);

impl<'de> DeserializeSeed<'de> for EntrySeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.0 {
            Some(Entry::Struct(fields)) => read_struct(deserializer, fields),
            Some(Entry::Structs(list)) => deserializer.deserialize_seq(ListVisitor(list)),
            None => IgnoredAny::deserialize(deserializer).map(drop),
        }
    }
}

/// Fills a list of nested structs from a JSON array.
struct ListVisitor<'a>(&'a mut dyn StructList);

impl<'de> Visitor<'de> for ListVisitor<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.start();
        while seq.next_element_seed(ElementSeed(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

/// Reads one element of a list of nested structs.
struct ElementSeed<'a>(&'a mut dyn StructList);

impl<'de> DeserializeSeed<'de> for ElementSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.0.push() {
            Some(fields) => read_struct(deserializer, fields),
            None => IgnoredAny::deserialize(deserializer).map(drop),
        }
    }
}

/// Declares a request struct (or a struct nested in one) that [`read`] fills, and derives
/// `Default` (every member None). Each member is written `"WireName" => name: T` and
/// declared `name: Option<T>`: absent or null is None, as on DynamoDB. A member written
/// `flatten name: S` is a struct `S` (declared with this macro too) whose members the
/// enclosing JSON object holds; the flattened members come last. A member written
/// `skip name: T` (after them) is not read: it starts as `T::default()` (serde's `skip`).
/// `struct Name deny_unknown_fields` refuses members it does not declare.
macro_rules! request {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident $($deny_unknown:ident)? {
            $( $(#[$member_meta:meta])* $wire:literal => $member_vis:vis $member:ident: $type:ty, )*
            $( flatten $flat_vis:vis $flat:ident: $flat_type:ty, )*
            $( skip $skip_vis:vis $skip:ident: $skip_type:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Default)]
        $vis struct $name {
            $( $(#[$member_meta])* $member_vis $member: Option<$type>, )*
            $( $flat_vis $flat: $flat_type, )*
            $( $skip_vis $skip: $skip_type, )*
        }

        impl $crate::api::reader::Fields for $name {
            fn schema(&self) -> &'static $crate::api::reader::Schema {
                static SCHEMA: $crate::api::reader::Schema = $crate::api::reader::Schema {
                    expecting: concat!("struct ", stringify!($name)),
                    members: &[$($wire),*],
                    flattened: <[&str]>::len(&[$(stringify!($flat)),*]),
                    deny_unknown: !stringify!($($deny_unknown)?).is_empty(),
                };
                &SCHEMA
            }

            fn member(&mut self, index: usize) -> Option<$crate::api::reader::Target<'_>> {
                $(
                    let Some(index) = index.checked_sub(1) else {
                        return Some(<$type as $crate::api::reader::Member>::target(&mut self.$member));
                    };
                )*
                let _ = index;
                None
            }

            fn flattened(&mut self, index: usize) -> Option<&mut dyn $crate::api::reader::Flatten> {
                $(
                    let Some(index) = index.checked_sub(1) else { return Some(&mut self.$flat) };
                )*
                let _ = index;
                None
            }
        }
    };
}

pub(crate) use request;

#[cfg(test)]
pub(super) mod tests {
    //! The oracle: the same structs declared with `#[derive(Deserialize)]` and with
    //! [`request!`], read from a table of bodies and from random mutations of them, must
    //! give the same values and the same error texts.

    use super::{read, read_json};

    /// The structs as the derive reads them; the names match the other module's, so both
    /// print the same with `Debug`.
    #[allow(dead_code)] // the fields are read through Debug only
    mod derived {
        use serde::Deserialize;
        use serde_json::{Map, Value};
        use std::collections::BTreeMap;

        #[derive(Deserialize, Debug)]
        #[serde(rename_all = "PascalCase")]
        pub struct Outer {
            pub name: Option<String>,
            pub flag: Option<bool>,
            pub count: Option<i64>,
            pub size: Option<u64>,
            pub small: Option<u32>,
            pub index: Option<usize>,
            pub ratio: Option<f64>,
            pub any: Option<Value>,
            pub names: Option<Vec<String>>,
            pub values: Option<Vec<Value>>,
            pub inner: Option<Inner>,
            pub inners: Option<Vec<Inner>>,
            #[serde(rename = "SSEType")]
            pub renamed: Option<String>,
            pub object: Option<Map<String, Value>>,
            pub objects: Option<Vec<Map<String, Value>>>,
            pub by_name: Option<BTreeMap<String, Inner>>,
            pub lists_by_name: Option<BTreeMap<String, Vec<Inner>>>,
        }

        #[derive(Deserialize, Debug)]
        #[serde(rename_all = "PascalCase")]
        pub struct Inner {
            pub a: Option<String>,
            pub b: Option<i64>,
        }

        #[derive(Deserialize, Debug)]
        #[serde(rename_all = "PascalCase")]
        pub struct Single {
            pub only: Option<bool>,
        }

        #[derive(Deserialize, Debug)]
        pub struct Empty {}

        #[derive(Deserialize, Debug)]
        #[serde(rename_all = "PascalCase", deny_unknown_fields)]
        pub struct Strict {
            pub name: Option<String>,
            pub count: Option<u64>,
        }

        #[derive(Deserialize, Debug)]
        #[serde(rename_all = "PascalCase")]
        pub struct Flat {
            pub name: Option<String>,
            #[serde(flatten)]
            pub first: Leaves,
            #[serde(flatten)]
            pub second: Single,
            #[serde(skip)]
            pub skipped: Option<String>,
        }

        #[derive(Deserialize, Debug)]
        #[serde(rename_all = "PascalCase")]
        pub struct Leaves {
            pub a: Option<String>,
            pub b: Option<i64>,
            pub names: Option<Vec<String>>,
        }

        #[derive(Deserialize, Debug)]
        #[serde(rename_all = "PascalCase")]
        pub struct Rest {
            pub name: Option<String>,
            #[serde(flatten)]
            pub others: Map<String, Value>,
        }
    }

    /// The same structs, declared with [`request!`].
    #[allow(dead_code)] // the fields are read through Debug only
    mod declared {
        use serde_json::{Map, Value};
        use std::collections::BTreeMap;

        crate::api::reader::request! {
            #[derive(Debug)]
            pub struct Outer {
                "Name" => pub name: String,
                "Flag" => pub flag: bool,
                "Count" => pub count: i64,
                "Size" => pub size: u64,
                "Small" => pub small: u32,
                "Index" => pub index: usize,
                "Ratio" => pub ratio: f64,
                "Any" => pub any: Value,
                "Names" => pub names: Vec<String>,
                "Values" => pub values: Vec<Value>,
                "Inner" => pub inner: Inner,
                "Inners" => pub inners: Vec<Inner>,
                "SSEType" => pub renamed: String,
                "Object" => pub object: Map<String, Value>,
                "Objects" => pub objects: Vec<Map<String, Value>>,
                "ByName" => pub by_name: BTreeMap<String, Box<Inner>>,
                "ListsByName" => pub lists_by_name: BTreeMap<String, Vec<Inner>>,
            }
        }

        crate::api::reader::request! {
            #[derive(Debug)]
            pub struct Inner {
                "A" => pub a: String,
                "B" => pub b: i64,
            }
        }

        crate::api::reader::request! {
            #[derive(Debug)]
            pub struct Single {
                "Only" => pub only: bool,
            }
        }

        crate::api::reader::request! {
            #[derive(Debug)]
            pub struct Empty {}
        }

        crate::api::reader::request! {
            #[derive(Debug)]
            pub struct Strict deny_unknown_fields {
                "Name" => pub name: String,
                "Count" => pub count: u64,
            }
        }

        crate::api::reader::request! {
            #[derive(Debug)]
            pub struct Flat {
                "Name" => pub name: String,
                flatten pub first: Leaves,
                flatten pub second: Single,
                skip pub skipped: Option<String>,
            }
        }

        crate::api::reader::request! {
            #[derive(Debug)]
            pub struct Leaves {
                "A" => pub a: String,
                "B" => pub b: i64,
                "Names" => pub names: Vec<String>,
            }
        }

        crate::api::reader::request! {
            #[derive(Debug)]
            pub struct Rest {
                "Name" => pub name: String,
                flatten pub others: Map<String, Value>,
            }
        }
    }

    /// What reading a body gives, as text: the value's `Debug` or the error's message.
    pub(crate) fn outcome<T: std::fmt::Debug>(result: Result<T, serde_json::Error>) -> String {
        match result {
            Ok(value) => format!("ok {value:?}"),
            Err(error) => format!("error {error}"),
        }
    }

    /// Reads the body both ways as each struct pair, and answers the first difference.
    fn differences(body: &str) -> Option<String> {
        let pairs = [
            (outcome(serde_json::from_str::<derived::Outer>(body)), outcome(read::<declared::Outer>(body))),
            (outcome(serde_json::from_str::<derived::Single>(body)), outcome(read::<declared::Single>(body))),
            (outcome(serde_json::from_str::<derived::Empty>(body)), outcome(read::<declared::Empty>(body))),
            (outcome(serde_json::from_str::<derived::Strict>(body)), outcome(read::<declared::Strict>(body))),
            (outcome(serde_json::from_str::<derived::Flat>(body)), outcome(read::<declared::Flat>(body))),
            (outcome(serde_json::from_str::<derived::Rest>(body)), outcome(read::<declared::Rest>(body))),
        ];
        // A JSON value reads as `serde_json::from_value` reads it (TransactWriteItems' actions).
        let value = serde_json::from_str::<serde_json::Value>(body).ok();
        let from_value = value.iter().flat_map(|value| {
            [
                (
                    outcome(serde_json::from_value::<derived::Outer>(value.clone())),
                    outcome(read_json::<declared::Outer>(value.clone())),
                ),
                (
                    outcome(serde_json::from_value::<derived::Flat>(value.clone())),
                    outcome(read_json::<declared::Flat>(value.clone())),
                ),
                (
                    outcome(serde_json::from_value::<derived::Rest>(value.clone())),
                    outcome(read_json::<declared::Rest>(value.clone())),
                ),
            ]
        });
        pairs
            .into_iter()
            .chain(from_value)
            .find(|(derived, declared)| derived != declared)
            .map(|(derived, declared)| format!("body {body:?}\nderived:  {derived}\ndeclared: {declared}"))
    }

    /// Bodies that reach every kind of member and error.
    const BODIES: &[&str] = &[
        r#"{}"#,
        r#" { } "#,
        r#"{"Name": "x", "Flag": true, "Count": -5, "Size": 7, "Small": 9, "Index": 3, "Ratio": 1.5}"#,
        r#"{"Any": {"b": [1, {"c": null}], "a": 2}, "Names": ["a", "b"], "Values": [1, "x", null, 1e400]}"#,
        r#"{"Inner": {"A": "a", "B": 2, "C": [1]}, "Inners": [{"A": "x"}, {}, {"B": 3}], "SSEType": "KMS"}"#,
        r#"{"Inner": ["a", 2], "Inners": [["a"]], "Only": [true]}"#,
        r#"{"Inner": ["a", 2, 3]}"#,
        r#"{"Inner": []}"#,
        r#"{"Name": null, "Flag": null, "Inner": null, "Inners": null, "Names": null}"#,
        r#"{"Name": 5}"#,
        r#"{"Name": true}"#,
        r#"{"Name": {"a": 1}}"#,
        r#"{"Name": [1]}"#,
        r#"{"Flag": "true"}"#,
        r#"{"Flag": 1}"#,
        r#"{"Count": 1.5}"#,
        r#"{"Count": 9223372036854775808}"#,
        r#"{"Count": -9223372036854775809}"#,
        r#"{"Count": "5"}"#,
        r#"{"Size": -1}"#,
        r#"{"Small": 4294967296}"#,
        r#"{"Small": -1}"#,
        r#"{"Index": 18446744073709551616}"#,
        r#"{"Ratio": 5}"#,
        r#"{"Ratio": -5}"#,
        r#"{"Ratio": "x"}"#,
        r#"{"Names": ["a", 1]}"#,
        r#"{"Names": "a"}"#,
        r#"{"Names": [null]}"#,
        r#"{"Inners": [null]}"#,
        r#"{"Inners": {}}"#,
        r#"{"Inner": "x"}"#,
        r#"{"Inner": {"A": 1}}"#,
        r#"{"Name": "a", "Name": "b"}"#,
        r#"{"Name": "a" , "Name" : "b"}"#,
        r#"{"Inner": {"B": 1, "B": 2}}"#,
        r#"{"Other": "\ud800", "Name": "x"}"#,
        r#"{"Name": "\ud800"}"#,
        r#"{"Nam\u0065": "escaped key"}"#,
        r#"{"A": "a", "B": 1, "Only": true, "Names": ["n"], "X": 1}"#,
        r#"{"A": 1, "Name": 2}"#,
        r#"{"Name": "n", "B": "x"}"#,
        r#"{"B": 1, "B": 2}"#,
        r#"{"Only": 1, "A": 2}"#,
        r#"{"Only": true}  "#,
        r#"{"Only": true} x"#,
        r#"{"Name": "x",}"#,
        r#"{"Name": "x""#,
        r#"{"Name" "x"}"#,
        r#"{"Name": }"#,
        r#"{"Name": tru}"#,
        r#"{"Name": nul}"#,
        r#"{"Count": 01}"#,
        r#"{"Count": -}"#,
        r#"{"Count": 1e}"#,
        r#"{"Count": 1.}"#,
        r#"{1: 2}"#,
        r#"{"Name": "a\qb"}"#,
        "{\"Name\": \"a\u{1}b\"}",
        "{\"Name\":\n\"a\",\n \"Flag\": 5}",
        r#"["x", true, 5]"#,
        r#"["x", true]"#,
        r#"[]"#,
        r#"[true, 1]"#,
        r#"null"#,
        r#"5"#,
        r#""x""#,
        r#""#,
        r#"   "#,
        r#"{"#,
        r#"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["#,
        r#"{"Any": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["#,
        r#"{"Count": 5, "Bogus": 1}"#,
        r#"{"Count": 5, "Bogus": 1, "Name": 3}"#,
        r#"{"Name": "a", "Extra": {"x": [1, 2, {"y": "z"}]}}"#,
        r#"{"Object": {"b": {"S": "x"}, "a": [1]}, "Objects": [{"k": {"N": "1"}}, {}]}"#,
        r#"{"Object": {"a": 1, "a": 2}, "Objects": [{"a": 1, "a": 2}]}"#,
        r#"{"Object": [1], "Objects": {"a": 1}}"#,
        r#"{"Object": "x"}"#,
        r#"{"Objects": [null]}"#,
        r#"{"Objects": ["x"]}"#,
        r#"{"ByName": {"t": {"A": "a", "B": 1}, "u": {}, "t": {"B": 2}}}"#,
        r#"{"ByName": {"t": null}}"#,
        r#"{"ByName": {"t": ["a", 1]}}"#,
        r#"{"ByName": {"t": "x"}}"#,
        r#"{"ByName": [{"A": "a"}]}"#,
        r#"{"ByName": {"t": {"A": 1}}}"#,
        r#"{"ByName": {"t": {"B": 1, "B": 2}}}"#,
        r#"{"ListsByName": {"t": [{"A": "a"}, {"B": 1}], "u": [], "t": [{}]}}"#,
        r#"{"ListsByName": {"t": null}}"#,
        r#"{"ListsByName": {"t": [null]}}"#,
        r#"{"ListsByName": {"t": {"A": "a"}}}"#,
        r#"{"ListsByName": {"t": [{"B": "x"}]}}"#,
        r#"{"ListsByName": "x"}"#,
        r#"{"Name": "a", "Object": {"x": 1}, "ByName": {"t": {"A": "a"}}, "X": {"y": [1]}}"#,
    ];

    #[test]
    fn reads_like_the_derive() {
        let failures: Vec<String> = BODIES.iter().filter_map(|body| differences(body)).collect();
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    }

    /// A tiny deterministic generator (xorshift), so failures repeat.
    struct Random(u64);

    impl Random {
        fn below(&mut self, bound: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % bound as u64) as usize
        }
    }

    /// Pieces a mutation inserts: JSON's punctuation, literals, escapes and member names.
    const PIECES: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        " ",
        "\n",
        "\\",
        "0",
        "1",
        "-",
        ".",
        "e",
        "9",
        "n",
        "null",
        "true",
        "false",
        "\"Name\"",
        "\"Flag\"",
        "\"Count\"",
        "\"Inner\"",
        "\"Inners\"",
        "\"A\"",
        "\"B\"",
        "\"Only\"",
        "\"Names\"",
        "\"Any\"",
        "\"Ratio\"",
        "\"Small\"",
        "\"Object\"",
        "\"Objects\"",
        "\"ByName\"",
        "\"ListsByName\"",
        "\\u0041",
        "\\ud800",
        "1e999",
        "18446744073709551616",
        "-0",
        "1.5",
    ];

    /// `count` random mutations of the bodies (a few insertions, deletions or repeats
    /// each), inserting JSON's own pieces and the given member names.
    pub(crate) fn mutations(bodies: &[&str], names: &[&str], count: usize) -> Vec<String> {
        let mut random = Random(0x2545_f491_4f6c_dd1d);
        let pieces: Vec<&str> = PIECES.iter().chain(names).copied().collect();
        let mut mutated = Vec::new();
        for _ in 0..count {
            let mut body = bodies[random.below(bodies.len())].to_string();
            for _ in 0..=random.below(3) {
                let at = random.below(body.len() + 1);
                let at = (0..=at).rev().find(|at| body.is_char_boundary(*at)).unwrap_or(0);
                match random.below(3) {
                    0 => body.insert_str(at, pieces[random.below(pieces.len())]),
                    1 => {
                        let end = (at + 1..=body.len()).find(|end| body.is_char_boundary(*end)).unwrap_or(at);
                        body.replace_range(at..end, "");
                    }
                    _ => {
                        let piece = body[at..].chars().take(random.below(8)).collect::<String>();
                        body.insert_str(at, &piece);
                    }
                }
            }
            mutated.push(body);
        }
        mutated
    }

    #[test]
    fn reads_mutated_bodies_like_the_derive() {
        let failures: Vec<String> =
            mutations(BODIES, &[], 20_000).iter().filter_map(|body| differences(body)).collect();
        assert!(
            failures.is_empty(),
            "{} differences, first:\n{}",
            failures.len(),
            failures[..failures.len().min(5)].join("\n\n")
        );
    }
}
