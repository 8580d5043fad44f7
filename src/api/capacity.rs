//! ReturnConsumedCapacity: the capacity units an item operation used, as DynamoDB
//! computes them (writes per started 1 KB, reads per started 4 KB, eventually
//! consistent reads at half price).

use crate::engine::IndexKind;
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
/// with local secondary indexes, so the writes accept SIZE and report nothing yet.
pub const ITEM_COLLECTION_METRICS: [&str; 2] = ["SIZE", "NONE"];

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConsumedCapacity {
    table_name: String,
    capacity_units: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    table: Option<Units>,
    #[serde(skip_serializing_if = "Option::is_none")]
    local_secondary_indexes: Option<BTreeMap<String, Units>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    global_secondary_indexes: Option<BTreeMap<String, Units>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Units {
    capacity_units: f64,
}

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

/// The ConsumedCapacity member for a single-table operation, if asked for.
pub fn report(detail: Detail, table_name: &str, units: f64) -> Option<ConsumedCapacity> {
    let table = (detail == Detail::Indexes).then_some(Units { capacity_units: units });
    (detail != Detail::None).then(|| ConsumedCapacity {
        table_name: table_name.to_string(),
        capacity_units: units,
        table,
        local_secondary_indexes: None,
        global_secondary_indexes: None,
    })
}

/// The ConsumedCapacity member for a read through a secondary index, if asked for: with
/// INDEXES, the whole charge is the index's (Dynaplay does not split off what a local
/// index read fetches from the table).
pub fn report_index(
    detail: Detail,
    table_name: &str,
    units: f64,
    index_name: &str,
    kind: IndexKind,
) -> Option<ConsumedCapacity> {
    let mut report = report(detail, table_name, units)?;
    if detail == Detail::Indexes {
        report.table = None;
        let share = Some(BTreeMap::from([(index_name.to_string(), Units { capacity_units: units })]));
        match kind {
            IndexKind::Local => report.local_secondary_indexes = share,
            IndexKind::Global => report.global_secondary_indexes = share,
        }
    }
    Some(report)
}

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
