//! ReturnConsumedCapacity: the capacity units an item operation used, as DynamoDB
//! computes them (writes per started 1 KB, reads per started 4 KB, eventually
//! consistent reads at half price).

use crate::engine::{Access, Engine, IndexKind, SecondaryIndex, Table, TableMeta, Usage};
use crate::index::index_write_units;
use crate::model::{AttributeValue, CompactCollect, Item, KeyValues};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the request asked for in ReturnConsumedCapacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// No ConsumedCapacity in the response.
    None,
    /// The total for the table.
    Total,
    /// The total plus the table's and each index's share.
    Indexes,
}

impl Detail {
    pub const WIRE_NAMES: [&'static str; 3] = ["INDEXES", "TOTAL", "NONE"];

    pub fn from_wire(name: Option<&str>) -> Detail {
        match name {
            Some("TOTAL") => Detail::Total,
            Some("INDEXES") => Detail::Indexes,
            _ => Detail::None,
        }
    }
}

/// ReturnItemCollectionMetrics' values. Item collection metrics exist only for tables
/// with local secondary indexes: SIZE reports nothing for any other table.
pub const ITEM_COLLECTION_METRICS: [&str; 2] = ["SIZE", "NONE"];

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConsumedCapacity {
    table_name: String,
    capacity_units: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    read_capacity_units: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    write_capacity_units: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    table: Option<Units>,
    /// Boxed: maps whose values are one pointer share their compiled code (docs/size.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    local_secondary_indexes: Option<BTreeMap<String, Box<Units>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    global_secondary_indexes: Option<BTreeMap<String, Box<Units>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Units {
    capacity_units: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    read_capacity_units: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    write_capacity_units: Option<f64>,
}

impl Units {
    /// Units of `capacity_units`; a transaction (`access` given) also names their kind,
    /// ReadCapacityUnits or WriteCapacityUnits.
    fn of(capacity_units: f64, access: Option<Access>) -> Units {
        let split = |kind: Access| (access == Some(kind)).then_some(capacity_units);
        Units { capacity_units, read_capacity_units: split(Access::Read), write_capacity_units: split(Access::Write) }
    }
}

/// What a transaction costs: twice the units of the plain reads and writes.
pub const TRANSACTION_FACTOR: f64 = 2.0;

/// Write units for writing or deleting items of these sizes (the larger counts).
pub fn write_units(sizes: &[usize]) -> f64 {
    let largest = sizes.iter().copied().max().unwrap_or(0);
    largest.div_ceil(1024).max(1) as f64
}

/// Read units for reading an item of this size (0 when absent).
pub fn read_units(size: usize, consistent: bool) -> f64 {
    let units = size.div_ceil(4096).max(1) as f64;
    if consistent {
        units
    } else {
        units / 2.0
    }
}

/// What a request consumed on one table: the table's own units and each secondary
/// index's (those that consumed anything, in the order of the table's indexes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Consumed {
    pub table: f64,
    pub indexes: Vec<(String, IndexKind, f64)>,
}

impl Consumed {
    /// Units consumed by the table alone.
    pub fn table(units: f64) -> Consumed {
        Consumed { table: units, indexes: Vec::new() }
    }

    /// Adds `units` to the share of the index `index`.
    pub fn add_index(&mut self, index: &SecondaryIndex, units: f64) {
        match self.indexes.iter_mut().find(|(name, _, _)| *name == index.name) {
            Some((_, _, share)) => *share += units,
            None => self.indexes.push((index.name.clone(), index.kind, units)),
        }
    }

    /// Adds what one item write (the item `old` before, `new` after; `None` when absent)
    /// costs the table's indexes, by [`index_write_units`]; an index the write leaves
    /// untouched consumes nothing and is not reported.
    pub fn add_index_writes(&mut self, meta: &TableMeta, old: Option<&Item>, new: Option<&Item>) {
        for index in &meta.indexes {
            let units = index_write_units(index, &meta.key_schema, old, new);
            if units > 0 {
                self.add_index(index, units as f64);
            }
        }
    }

    /// Every share multiplied by `factor` (a transaction's doubling).
    pub fn scaled(mut self, factor: f64) -> Consumed {
        self.table *= factor;
        self.indexes.iter_mut().for_each(|(_, _, units)| *units *= factor);
        self
    }

    /// Adds what another request part consumed on the same table.
    pub fn add(&mut self, other: &Consumed) {
        self.table += other.table;
        for (name, kind, units) in &other.indexes {
            match self.indexes.iter_mut().find(|(known, _, _)| known == name) {
                Some((_, _, share)) => *share += units,
                None => self.indexes.push((name.clone(), *kind, *units)),
            }
        }
    }

    pub fn usage(&self) -> Usage<'_> {
        Usage { table: self.table, indexes: &self.indexes }
    }

    /// The table's units plus every index's: what CapacityUnits reports.
    pub fn total(&self) -> f64 {
        self.table + self.indexes.iter().map(|(_, _, units)| units).sum::<f64>()
    }
}

/// The partition key value of `item` (an item or a key) in the table, which throttling
/// needs to find the item's partition.
pub fn partition_value<'a>(engine: &Engine, table_name: &str, item: &'a dyn KeyValues) -> Option<&'a AttributeValue> {
    let table = engine.table(table_name)?;
    item.value(&table.meta.key_schema.partition.name)
}

/// Whether a write to the table must keep its items to charge the indexes it touches.
pub fn charges_indexes(engine: &Engine, table_name: &str) -> bool {
    engine.table(table_name).is_some_and(|table| !table.meta.indexes.is_empty())
}

/// The ConsumedCapacity member for a single-table operation, if asked for.
pub fn report(detail: Detail, table_name: &str, units: f64) -> Option<ConsumedCapacity> {
    report_consumed(detail, table_name, &Consumed::table(units))
}

/// The ConsumedCapacity member for what a request consumed on one table, if asked for:
/// TOTAL gives the sum; INDEXES adds the table's share and each index's, local and global
/// apart (a kind of index that consumed nothing is left out).
pub fn report_consumed(detail: Detail, table_name: &str, consumed: &Consumed) -> Option<ConsumedCapacity> {
    report_units(detail, table_name, consumed, None)
}

/// [`report_consumed`] for a transaction, which names the kind of units as well.
pub fn report_transactional(
    detail: Detail,
    table_name: &str,
    consumed: &Consumed,
    access: Access,
) -> Option<ConsumedCapacity> {
    report_units(detail, table_name, consumed, Some(access))
}

fn report_units(
    detail: Detail,
    table_name: &str,
    consumed: &Consumed,
    access: Option<Access>,
) -> Option<ConsumedCapacity> {
    if detail == Detail::None {
        return None;
    }
    let total = Units::of(consumed.total(), access);
    let mut report = ConsumedCapacity {
        table_name: table_name.to_string(),
        capacity_units: total.capacity_units,
        read_capacity_units: total.read_capacity_units,
        write_capacity_units: total.write_capacity_units,
        table: None,
        local_secondary_indexes: None,
        global_secondary_indexes: None,
    };
    if detail == Detail::Indexes {
        report.table = Some(Units::of(consumed.table, access));
        let shares = |kind: IndexKind| {
            let shares: BTreeMap<String, Box<Units>> = consumed
                .indexes
                .iter()
                .filter(|(_, index_kind, _)| *index_kind == kind)
                .map(|(name, _, units)| (name.clone(), Box::new(Units::of(*units, access))))
                .collect_map();
            (!shares.is_empty()).then_some(shares)
        };
        report.local_secondary_indexes = shares(IndexKind::Local);
        report.global_secondary_indexes = shares(IndexKind::Global);
    }
    Some(report)
}

/// ItemCollectionMetrics for one item collection (the items sharing a partition key
/// value in a table with local secondary indexes).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ItemCollectionMetrics {
    item_collection_key: Item,
    #[serde(rename = "SizeEstimateRangeGB")]
    size_estimate_range_gb: [f64; 2],
}

/// The item collection metrics of the collection of `key` (an item or a key) in `table`,
/// if the request asked for them (ReturnItemCollectionMetrics=SIZE) and the table has a
/// local secondary index. The size estimate is the whole-gigabyte range holding the
/// collection's size: [0.0, 1.0] below 1 GB.
pub fn item_collection_metrics(asked: bool, table: &Table, key: &Item) -> Option<ItemCollectionMetrics> {
    if !asked || table.meta.indexes_of(IndexKind::Local).next().is_none() {
        return None;
    }
    let partition = &table.meta.key_schema.partition.name;
    let (name, value) = key.get_key_value(partition)?;
    let bytes = table.item_collection_size(value);
    let low = (bytes / GIGABYTE) as f64;
    Some(ItemCollectionMetrics {
        item_collection_key: Item::from([(name.clone(), value.clone())]),
        size_estimate_range_gb: [low, low + 1.0],
    })
}

/// Bytes in the gigabyte of SizeEstimateRangeGB.
const GIGABYTE: u64 = 1 << 30;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_round_up_per_kilobyte() {
        assert_eq!(write_units(&[0]), 1.0);
        assert_eq!(write_units(&[1024]), 1.0);
        assert_eq!(write_units(&[1025, 10]), 2.0);
    }

    #[test]
    fn eventually_consistent_reads_cost_half() {
        assert_eq!(read_units(0, false), 0.5);
        assert_eq!(read_units(4097, false), 1.0);
        assert_eq!(read_units(4097, true), 2.0);
    }
}
