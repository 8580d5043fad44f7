//! Scan: read a whole table (or one segment of a parallel scan) a page at a time.
//!
//! Dynaplay scans a table in key order: partitions in the byte order of their encoded
//! partition key values, and each partition in sort key order. DynamoDB promises no
//! order, only that pages resume where the last one stopped.
//!
//! Parallel scan: every item belongs to exactly one of `TotalSegments` segments, chosen
//! by a stable hash (64-bit FNV-1a) of its encoded partition key value scaled into the
//! segment count, so a partition never spans segments, as on DynamoDB.

use crate::engine::ops::query::{
    count_entry, index_position, index_read_names, read_page, schema_names, schema_size, starting_key_invalid,
    IndexChoice, Page, PageOptions,
};
use crate::engine::{Engine, IndexRead};
use crate::error::Result;
use crate::model::{Item, KeyCode, KeySchema, PackedItem};
use crate::validation;
use std::cell::Cell;

/// One segment of a parallel scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Zero-based, below `total`.
    pub index: u32,
    pub total: u32,
}

/// A Scan's segment and starting point.
pub struct ScanSpec<'a> {
    pub segment: Option<Segment>,
    /// ExclusiveStartKey, already parsed as attribute values.
    pub exclusive_start_key: Option<&'a Item>,
    pub page: PageOptions<'a>,
    /// IndexName, and how the index's items are read.
    pub index: Option<IndexChoice<'a>>,
}

impl Engine {
    /// Reads one page of the table, or of one segment of it.
    pub fn scan(&self, table_name: &str, spec: &ScanSpec) -> Result<Page> {
        let table = self.table_for_items(table_name)?;
        let table_schema = &table.meta.key_schema;
        let (position, schema) = index_position(table, spec.index.map(|choice| choice.name))?;
        let schema = schema.unwrap_or(table_schema);
        let in_segment = |item: &PackedItem| {
            spec.segment.is_none_or(|segment| {
                let partition_key = item.select(|name| name == schema.partition.name);
                segment_of(schema, &partition_key, segment.total) == segment.index
            })
        };
        let Some((position, choice)) = position.zip(spec.index) else {
            let start = match spec.exclusive_start_key {
                Some(key) => Some(scan_start_key(schema, spec.segment, key)?),
                None => None,
            };
            let items = table.items_after(start.as_ref()).filter(|item| in_segment(item));
            return Ok(read_page(items, &[schema], spec.page));
        };
        let start = match spec.exclusive_start_key {
            Some(key) => Some(index_scan_start_key(table_schema, schema, spec.segment, key)?),
            None => None,
        };
        let entry_bytes = Cell::new(0);
        let items = table
            .index_items(position, None, start.as_ref(), true, choice.read)
            .filter(|item| in_segment(item))
            .inspect(|item| count_entry(table, position, choice.read, item, &entry_bytes));
        let mut page = read_page(items, &[schema, table_schema], spec.page);
        page.index_bytes = (choice.read == IndexRead::FetchFromTable).then(|| entry_bytes.get());
        Ok(page)
    }
}

/// Checks a Scan's ExclusiveStartKey (a full table key, in the requested segment) and
/// encodes it; the messages are DynamoDB's, as dynalite recorded them.
fn scan_start_key(schema: &KeySchema, segment: Option<Segment>, key: &Item) -> Result<KeyCode> {
    let names_match = key.len() == schema_size(schema) && schema_names(schema).all(|name| key.contains_key(name));
    if !names_match {
        return Err(validation!(
            "The provided starting key is invalid: The provided key element does not match the schema"
        ));
    }
    let code = schema.request_key(key).map_err(starting_key_invalid)?;
    if let Some(segment) = segment.filter(|segment| segment_of(schema, key, segment.total) != segment.index) {
        return Err(validation!(
            "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: {} Segment: {}",
            segment.total,
            segment.index
        ));
    }
    Ok(code)
}

/// Checks a Scan's ExclusiveStartKey through an index: every index key attribute
/// present (else DynamoDB's bare "invalid"), no attribute beyond the index's and the
/// table's keys, each part valid for its schema. Encodes it as an index entry.
fn index_scan_start_key(
    table_schema: &KeySchema,
    schema: &KeySchema,
    segment: Option<Segment>,
    key: &Item,
) -> Result<(KeyCode, KeyCode)> {
    let names = index_read_names(table_schema, schema);
    let index_present = schema_names(schema).all(|name| key.contains_key(name));
    if !index_present || key.len() > names.len() {
        return Err(validation!("The provided starting key is invalid"));
    }
    let index_code = scan_start_key(schema, segment, &schema.key_attributes(key))?;
    let table_code = table_schema.request_key(&table_schema.key_attributes(key)).map_err(starting_key_invalid)?;
    Ok((index_code, table_code))
}

/// The segment, out of `total`, that an item (or key) with a valid partition key is in.
pub fn segment_of(schema: &KeySchema, item: &Item, total: u32) -> u32 {
    let hash = item
        .get(&schema.partition.name)
        .and_then(|value| schema.partition_prefix(value))
        .map_or(FNV_OFFSET, |prefix| fnv1a(prefix.as_bytes()));
    // Scaling the hash keeps segments contiguous hash ranges of near-equal size.
    ((u128::from(hash) * u128::from(total)) >> 64) as u32
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// 64-bit FNV-1a, the stable hash of parallel scan segments and PartiQL NextTokens.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{item_from_json, KeyAttribute, ScalarType};
    use serde_json::json;

    #[test]
    fn segments_are_stable_in_range_and_all_used() {
        let schema = KeySchema { partition: KeyAttribute { name: "id".into(), scalar: ScalarType::N }, sort: None };
        let items: Vec<Item> = (0..500)
            .map(|n| item_from_json(json!({"id": {"N": n.to_string()}}).as_object().unwrap()).unwrap())
            .collect();
        for total in [1, 2, 3, 7, 64, 1_000_000] {
            assert!(items.iter().all(|item| segment_of(&schema, item, total) < total));
        }
        let used: std::collections::BTreeSet<u32> = items.iter().map(|item| segment_of(&schema, item, 4)).collect();
        assert_eq!(used.len(), 4, "500 partitions spread over all 4 segments");
        // The hash is part of the stored behaviour: a page's segment must not move.
        assert_eq!(fnv1a(b""), FNV_OFFSET);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
