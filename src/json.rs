//! `json!`, a smaller drop-in for `serde_json::json!` in response and record building.
//!
//! serde_json's macro expands every object member at the call site into a key allocation,
//! a `to_value(..).unwrap()`, a map insert and the drop of the replaced value, about a
//! hundred bytes of wasm per member, and the crate writes several hundred members. This
//! one only converts each value at the call site and hands the members, as a slice, to
//! one shared function that builds the map (docs/size.md). The JSON built is the same:
//! the map is serde_json's (keys sorted), a repeated key keeps its last value, and values
//! are converted by reference with `serde_json::to_value`, as serde_json's macro does.
//!
//! Accepted input: `null`, `[...]` of values, `{ key: value, ... }` whose keys are string
//! literals or variables holding a `&str` or `String`, and any expression whose type is
//! `Serialize`.
//!
//! `text` writes a value's JSON text without `Value`'s `Display`, for the same reason:
//! code in the wasm that `serde_json::to_string` already has.

use serde::Serialize;
use serde_json::{Map, Value};

/// Builds a JSON value like `serde_json::json!` (see the module doc for the differences
/// in what it accepts).
macro_rules! json {
    // Arrays: [done elements] [tokens of the current element] rest.
    (@array [$($done:expr,)*] [$($current:tt)+] , $($rest:tt)*) => {
        $crate::json::json!(@array [$($done,)* $crate::json::json!($($current)+),] [] $($rest)*)
    };
    (@array [$($done:expr,)*] [$($current:tt)*] $next:tt $($rest:tt)*) => {
        $crate::json::json!(@array [$($done,)*] [$($current)* $next] $($rest)*)
    };
    (@array [$($done:expr,)*] []) => { ::serde_json::Value::Array(::std::vec![$($done),*]) };
    (@array [$($done:expr,)*] [$($current:tt)+]) => {
        ::serde_json::Value::Array(::std::vec![$($done,)* $crate::json::json!($($current)+)])
    };

    // Objects: [done members] rest, then each member's value tokens up to its comma.
    (@object [$($done:tt)*] $key:literal : $($rest:tt)+) => {
        $crate::json::json!(@member [$($done)*] $key [] $($rest)+)
    };
    (@object [$($done:tt)*] $key:ident : $($rest:tt)+) => {
        $crate::json::json!(@member [$($done)*] (&$key[..]) [] $($rest)+)
    };
    (@object [$($done:tt)*]) => { $crate::json::object(&mut [$($done)*]) };
    (@member [$($done:tt)*] $key:tt [$($value:tt)+] , $($rest:tt)*) => {
        $crate::json::json!(@object [$($done)* ($key, $crate::json::json!($($value)+)),] $($rest)*)
    };
    (@member [$($done:tt)*] $key:tt [$($value:tt)*] $next:tt $($rest:tt)*) => {
        $crate::json::json!(@member [$($done)*] $key [$($value)* $next] $($rest)*)
    };
    (@member [$($done:tt)*] $key:tt [$($value:tt)+]) => {
        $crate::json::object(&mut [$($done)* ($key, $crate::json::json!($($value)+))])
    };
    (null) => { ::serde_json::Value::Null };
    ([]) => { ::serde_json::Value::Array(::std::vec::Vec::new()) };
    ([ $($elements:tt)+ ]) => { $crate::json::json!(@array [] [] $($elements)+) };
    ({}) => { ::serde_json::Value::Object(::serde_json::Map::new()) };
    ({ $($members:tt)+ }) => { $crate::json::json!(@object [] $($members)+) };
    ($other:expr) => { $crate::json::to_value(&$other) };
}
pub(crate) use json;

/// One value converted as `serde_json::json!` converts an expression; the types given to
/// it (strings, numbers, and maps with string keys) always convert.
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A value's compact JSON text, the same as its `Display` (`to_string()`, `format!("{value}")`)
/// gives. `Display` writes through a formatter adapter with serializer instances of its
/// own, 3.3 KB of wasm; `serde_json::to_string` reuses the ones every response is rendered
/// with (docs/size.md). Writing a `Value` into a `Vec` cannot fail.
pub fn text(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A JSON object of the members, in the order given (a later repeated key wins); each
/// value is taken out of the slice.
pub fn object(members: &mut [(&str, Value)]) -> Value {
    let mut map = Map::new();
    for (key, value) in members {
        map.insert((*key).to_owned(), std::mem::take(value));
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    /// Both macros on the same input: (ours, serde_json's).
    macro_rules! both {
        ($($input:tt)+) => { (json!($($input)+), serde_json::json!($($input)+)) };
    }

    #[test]
    fn builds_what_serde_json_builds() {
        let name = String::from("Music");
        let key = "Key";
        let count = 3_u64;
        let nested = serde_json::json!({"x": [1, 2]});
        let pairs = [
            both!({
                "TableName": name,
                "Count": count,
                "Nested": { "Inner": nested, "Empty": {}, "List": [], "Null": null },
                "Mixed": [1, "two", { "Three": 3 }, [null], count + 1],
                "Flag": true,
                "Count": count * 2,
                "Call": name.len(),
                key: "variable key",
            }),
            both!(name),
            both!([name, 1]),
            both!([]),
            both!({}),
            both!(null),
        ];
        for (ours, theirs) in pairs {
            assert_eq!(ours, theirs);
            assert_eq!(ours.to_string(), theirs.to_string());
            assert_eq!(super::text(&ours), theirs.to_string());
        }
    }
}
