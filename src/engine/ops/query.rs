//! Query: read one partition in sort key order, and the paging that Query and Scan share.
//!
//! A page is read the way DynamoDB reads one: items are taken in order until `Limit`
//! items have been read or the items read reach 1 MB, and only then is the
//! FilterExpression applied. So the filter never changes ScannedCount, the capacity
//! charged, or where the next page starts. When reading stopped because of the limit
//! or the size, the page carries a LastEvaluatedKey, even if no item follows (DynamoDB
//! does not look ahead).

use crate::engine::{Engine, IndexRead, SecondaryIndex, Table};
use crate::error::{Error, Result};
use crate::expr::{Condition, KeyCondition};
use crate::model::{item_size, CompactCollect, Item, KeyCode, KeySchema, PackedItem};
use crate::validation;
use std::borrow::Borrow;
use std::cell::Cell;
use std::collections::BTreeSet;

/// DynamoDB's page size limit: reading stops once the items read reach 1 MB.
pub const MAX_PAGE_BYTES: usize = 1024 * 1024;

/// What limits a page and which of its items are returned.
#[derive(Clone, Copy, Default)]
pub struct PageOptions<'a> {
    /// The request's Limit: the most items to read (not to return).
    pub limit: Option<usize>,
    /// The FilterExpression, applied to items after they are read.
    pub filter: Option<&'a Condition>,
}

/// One page of a Query or Scan.
#[derive(Debug, Default, PartialEq)]
pub struct Page {
    /// The items read that passed the filter, whole (projection is the caller's), packed
    /// as the table keeps them.
    pub items: Vec<PackedItem>,
    /// How many items were read (ScannedCount).
    pub scanned_count: usize,
    /// The total size of the items read, before the filter: what capacity is charged on.
    pub scanned_bytes: usize,
    /// The key attributes of the last item read, when reading stopped early.
    pub last_evaluated_key: Option<Item>,
    /// For a local index read that fetched its items whole from the table: the size of
    /// the index entries read (`scanned_bytes` is then the size of the table items).
    pub index_bytes: Option<usize>,
}

/// A Query's key condition, direction and starting point.
pub struct QuerySpec<'a> {
    pub key_condition: &'a KeyCondition,
    /// ScanIndexForward: ascending sort key order unless false.
    pub forward: bool,
    /// ExclusiveStartKey, already parsed as attribute values.
    pub exclusive_start_key: Option<&'a Item>,
    pub page: PageOptions<'a>,
    /// IndexName, and how the index's items are read.
    pub index: Option<IndexChoice<'a>>,
}

/// A Query or Scan through a secondary index.
#[derive(Debug, Clone, Copy)]
pub struct IndexChoice<'a> {
    pub name: &'a str,
    pub read: IndexRead,
}

impl Engine {
    /// The key schema of the table an item read names (for parsing its expressions).
    pub fn key_schema(&self, table_name: &str) -> Result<&KeySchema> {
        Ok(&self.table_for_items(table_name)?.meta.key_schema)
    }

    /// The secondary index `name` of a table an item read names.
    pub fn secondary_index(&self, table_name: &str, name: &str) -> Result<&SecondaryIndex> {
        let table = self.table_for_items(table_name)?;
        table.meta.index(name).map(|(_, index)| index).ok_or_else(|| no_such_index(name))
    }

    /// Reads one page of the partition the key condition names.
    pub fn query(&self, table_name: &str, spec: &QuerySpec) -> Result<Page> {
        let table = self.table_for_items(table_name)?;
        let table_schema = &table.meta.key_schema;
        let (position, schema) = index_position(table, spec.index.map(|choice| choice.name))?;
        let schema = schema.unwrap_or(table_schema);
        let condition = spec.key_condition;
        let prefix = schema.partition_prefix(&condition.partition_value).ok_or_else(|| {
            validation!(
                "One or more parameter values were invalid: Condition parameter type does not match schema type"
            )
        })?;
        // The sort key condition holds on one contiguous run of the partition's order.
        let Some((position, choice)) = position.zip(spec.index) else {
            let start = match spec.exclusive_start_key {
                Some(key) => Some(query_start_key(schema, condition, &prefix, key)?),
                None => None,
            };
            let in_range = |item: &&PackedItem| sort_key_matches(schema, condition, item);
            let items = table
                .partition_items(&prefix, start.as_ref(), spec.forward)
                .skip_while(|item| !in_range(item))
                .take_while(in_range);
            return Ok(read_page(items, &[schema], spec.page));
        };
        let start = match spec.exclusive_start_key {
            Some(key) => Some(index_query_start_key(table_schema, schema, condition, &prefix, key)?),
            None => None,
        };
        let in_range = |item: &std::borrow::Cow<PackedItem>| sort_key_matches(schema, condition, item);
        let entry_bytes = Cell::new(0);
        let items = table
            .index_items(position, Some(&prefix), start.as_ref(), spec.forward, choice.read)
            .skip_while(|item| !in_range(item))
            .take_while(in_range)
            .inspect(|item| count_entry(table, position, choice.read, item, &entry_bytes));
        let mut page = read_page(items, &[schema, table_schema], spec.page);
        page.index_bytes = (choice.read == IndexRead::FetchFromTable).then(|| entry_bytes.get());
        Ok(page)
    }
}

/// The position of the named index in the table's indexes and its key schema (both
/// `None` when the read names no index).
pub(super) fn index_position<'a>(
    table: &'a Table,
    name: Option<&str>,
) -> Result<(Option<usize>, Option<&'a KeySchema>)> {
    let Some(name) = name else { return Ok((None, None)) };
    let (position, index) = table.meta.index(name).ok_or_else(|| no_such_index(name))?;
    Ok((Some(position), Some(&index.key_schema)))
}

/// DynamoDB's answer to an IndexName the table does not have.
pub fn no_such_index(name: &str) -> Error {
    validation!("The table does not have the specified index: {name}")
}

/// The key attribute names of a read through an index: the table's and the index's.
pub(super) fn index_read_names<'a>(table_schema: &'a KeySchema, schema: &'a KeySchema) -> BTreeSet<&'a str> {
    schema_names(table_schema).chain(schema_names(schema)).collect_set()
}

/// Checks a Query's ExclusiveStartKey through an index: it holds exactly the table's and
/// the index's key attributes (as dynalite recorded against AWS); the index part obeys
/// the same rules as a table's start key. Encodes it as an index entry.
fn index_query_start_key(
    table_schema: &KeySchema,
    schema: &KeySchema,
    condition: &KeyCondition,
    prefix: &KeyCode,
    key: &Item,
) -> Result<(KeyCode, KeyCode)> {
    let names = index_read_names(table_schema, schema);
    if key.len() != names.len() || !names.iter().all(|name| key.contains_key(*name)) {
        return Err(validation!("The provided starting key is invalid"));
    }
    let index_code = query_start_key(schema, condition, prefix, &schema.key_attributes(key))?;
    let table_code = table_schema.request_key(&table_schema.key_attributes(key)).map_err(starting_key_invalid)?;
    Ok((index_code, table_code))
}

/// Adds the size of the index entry of `item` (read through the index at `position`) to
/// `bytes`, when the read fetches whole items from the table: the index's share of the
/// read's capacity.
pub(super) fn count_entry(table: &Table, position: usize, read: IndexRead, item: &PackedItem, bytes: &Cell<usize>) {
    if read == IndexRead::FetchFromTable {
        if let Some(index) = table.meta.indexes.get(position) {
            bytes.set(bytes.get() + item_size(&index.project(&table.meta.key_schema, &item.unpack())));
        }
    }
}

/// Reads items until the page is full, as described in the module documentation. The
/// LastEvaluatedKey holds the key attributes of every schema given (an index read gives
/// the index's and the table's).
pub fn read_page<I: Borrow<PackedItem>>(
    items: impl Iterator<Item = I>,
    schemas: &[&KeySchema],
    options: PageOptions,
) -> Page {
    let mut page = Page::default();
    // The filter sees only the attributes it reads: the rest stay packed.
    let filter = options.filter.map(|filter| (filter, filter.top_level_names()));
    let passes = |item: &PackedItem| {
        filter.as_ref().is_none_or(|(filter, names)| filter.matches(&item.select(|name| names.contains(&name))))
    };
    for item in items {
        let item = item.borrow();
        page.scanned_count += 1;
        page.scanned_bytes += item.size();
        if passes(item) {
            page.items.push(item.clone());
        }
        let full = options.limit == Some(page.scanned_count) || page.scanned_bytes >= MAX_PAGE_BYTES;
        if full {
            let item = item.unpack();
            page.last_evaluated_key =
                Some(schemas.iter().flat_map(|schema| schema.key_attributes(&item)).collect_map());
            break;
        }
    }
    page
}

fn sort_key_matches(schema: &KeySchema, condition: &KeyCondition, item: &PackedItem) -> bool {
    match (&condition.sort, &schema.sort) {
        (Some(sort), Some(attribute)) => item.attribute(&attribute.name).is_some_and(|value| sort.matches(&value)),
        _ => true,
    }
}

/// Checks a Query's ExclusiveStartKey against the table's key and the key condition,
/// with DynamoDB's messages (recorded by dynalite against AWS), and encodes it.
fn query_start_key(schema: &KeySchema, condition: &KeyCondition, prefix: &KeyCode, key: &Item) -> Result<KeyCode> {
    let names_match = key.len() == schema_size(schema) && schema_names(schema).all(|name| key.contains_key(name));
    if !names_match {
        return Err(validation!("The provided starting key is invalid"));
    }
    let code = schema.request_key(key).map_err(|error| match is_schema_mismatch(&error) {
        true => error,
        false => starting_key_invalid(error),
    })?;
    let same_partition = code.as_bytes().starts_with(prefix.as_bytes());
    let sort = condition.sort.as_ref().zip(schema.sort.as_ref());
    match sort {
        Some((sort, attribute)) => {
            if !key.get(&attribute.name).is_some_and(|value| sort.matches(value)) {
                return Err(validation!("The provided starting key does not match the range key predicate"));
            }
            if !same_partition {
                return Err(validation!("The query can return at most one row and cannot be restarted"));
            }
        }
        None if !same_partition => {
            return Err(validation!(
                "The provided starting key is outside query boundaries based on provided conditions"
            ))
        }
        None => {}
    }
    Ok(code)
}

/// The names of the schema's key attributes.
pub fn schema_names(schema: &KeySchema) -> impl Iterator<Item = &str> {
    std::iter::once(schema.partition.name.as_str()).chain(schema.sort.iter().map(|sort| sort.name.as_str()))
}

/// How many key attributes the schema has.
pub fn schema_size(schema: &KeySchema) -> usize {
    1 + usize::from(schema.sort.is_some())
}

/// Whether a key error is the type mismatch (rather than an empty or oversized value).
pub fn is_schema_mismatch(error: &Error) -> bool {
    error.message == "The provided key element does not match the schema"
}

/// The error about an ExclusiveStartKey, under DynamoDB's prefix.
pub fn starting_key_invalid(error: Error) -> Error {
    Error { message: format!("The provided starting key is invalid: {}", error.message), ..error }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{item_from_json, KeyAttribute, ScalarType};
    use serde_json::json;

    fn schema() -> KeySchema {
        KeySchema {
            partition: KeyAttribute { name: "id".into(), scalar: ScalarType::S },
            sort: Some(KeyAttribute { name: "n".into(), scalar: ScalarType::N }),
        }
    }

    fn item(id: &str, n: u32, padding: usize) -> PackedItem {
        let json = json!({"id": {"S": id}, "n": {"N": n.to_string()}, "pad": {"S": "x".repeat(padding)}});
        PackedItem::pack(&item_from_json(json.as_object().unwrap()).unwrap())
    }

    #[test]
    fn a_page_ending_exactly_at_the_limit_has_a_last_evaluated_key() {
        let items = [item("a", 1, 0), item("a", 2, 0)];
        let options = PageOptions { limit: Some(2), filter: None };
        let page = read_page(items.iter(), &[&schema()], options);
        assert_eq!(page.scanned_count, 2);
        assert_eq!(page.last_evaluated_key, Some(schema().key_attributes(&items[1].unpack())));
        let unlimited = read_page(items.iter(), &[&schema()], PageOptions::default());
        assert_eq!(unlimited.items.len(), 2);
        assert_eq!(unlimited.last_evaluated_key, None);
    }

    #[test]
    fn the_item_that_reaches_one_megabyte_ends_the_page() {
        let items: Vec<PackedItem> = (0..4).map(|n| item("a", n, 399_000)).collect();
        let page = read_page(items.iter(), &[&schema()], PageOptions::default());
        assert_eq!(page.scanned_count, 3);
        assert!(page.scanned_bytes >= MAX_PAGE_BYTES);
        assert_eq!(page.last_evaluated_key, Some(schema().key_attributes(&items[2].unpack())));
    }
}
