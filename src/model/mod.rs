//! DynamoDB's data model: attribute values with their validation rules, numbers,
//! items and their sizes, primary key schemas and the order-preserving key encoding.

pub mod collect;
pub mod key;
pub mod number;
pub mod packed;
pub mod plain;
pub mod value;

pub use collect::{sort_stable_by, CompactCollect};
pub use key::{hex_decode, hex_encode, KeyAttribute, KeyCode, KeySchema, KeyValues, ScalarType};
pub use number::Number;
pub use packed::PackedItem;
pub use value::{base64_decode, base64_encode, item_from_json, item_size, AttributeValue, Item, MAX_NAME_BYTES};
