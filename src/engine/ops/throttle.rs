//! Throttling: each item operation asks [`Engine::admit`] before it runs and reports what
//! it consumed to [`Engine::consume`] after, so that the simulated partitions of
//! [`crate::engine::throughput`] see every read and write, and Contributor Insights
//! ([`crate::engine::insights`]) every accessed and throttled partition key.

use crate::engine::insights::KeyEventKind;
use crate::engine::throughput::{partition_hash, Access, Limit, ThrottleEvent, Throughput};
use crate::engine::{table_arn, Engine, Table};
use crate::error::{Error, ErrorKind, Result, ThrottlingReason};
use crate::index::IndexKind;
use crate::model::{AttributeValue, KeySchema};

const TABLE_EXCEEDED: &str = "The level of configured provisioned throughput for the table was exceeded. \
    Consider increasing your provisioning level with the UpdateTable API.";
const INDEX_EXCEEDED: &str = "The level of configured provisioned throughput for one or more global secondary \
    indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned \
    global secondary indexes with the UpdateTable API";
const ON_DEMAND_EXCEEDED: &str = "Throughput exceeds the current capacity of your table or index. DynamoDB is \
    automatically scaling your table or index so please try again shortly. If exceptions persist, check if you \
    have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html";

/// What a request consumed on one table: its own units, and each index's share (name,
/// kind, units).
pub struct Usage<'a> {
    pub table: f64,
    pub indexes: &'a [(String, IndexKind, f64)],
}

impl Engine {
    /// Whether a request may run now: a read or write of the partition `partition` (a
    /// partition key value; `None` for a Scan) of the table, or of its global secondary
    /// index `index`. A write also needs each global index of the table to have write
    /// units left. A throttled request is recorded for the metrics and fails with
    /// DynamoDB's throttling exception. A table that does not exist is the operation's
    /// own error to report, so it passes here.
    pub fn admit(
        &mut self,
        table_name: &str,
        index: Option<&str>,
        partition: Option<&AttributeValue>,
        access: Access,
    ) -> Result<()> {
        let (now, adaptive) = (self.now_millis(), self.knobs.adaptive_capacity);
        let Some(table) = self.tables.get_mut(table_name).filter(|_| self.knobs.throttling) else { return Ok(()) };
        let global = index.filter(|name| table.traffic.indexes.contains_key(*name));
        let hash = partition.and_then(|value| hash_of(read_schema(table, global), value));
        let throughput =
            global.and_then(|name| table.traffic.indexes.get(name)).map_or(&table.traffic.table, Box::as_ref);
        let mut throttled = throughput.admit(access, hash, now, adaptive).err().map(|limit| {
            let position = hash.map(|hash| throughput.position_of(hash)).filter(|_| limit_is_partition(limit));
            (global.map(str::to_string), limit, position)
        });
        if throttled.is_none() && access == Access::Write {
            throttled = table.traffic.indexes.iter().find_map(|(name, throughput)| {
                let limit = throughput.admit(Access::Write, None, now, adaptive).err()?;
                Some((Some(name.clone()), limit, None))
            });
        }
        let Some((index, limit, position)) = throttled else { return Ok(()) };
        if let Some(key) = partition.filter(|_| index.as_deref() == global) {
            table.record_key_event(global, key, KeyEventKind::Throttled, now);
        }
        let event = ThrottleEvent { at_millis: now, index, access, limit, partition: position };
        let error = throttle_error(table_name, &event);
        table.traffic.record_throttle(event);
        Err(error)
    }

    /// Charges what a request consumed: the table's units (and local indexes', which
    /// share the table's throughput) to the table's partition of `partition`, each global
    /// index's to that index (to its partition of `partition` when the request read
    /// through it). A write that leaves its partition over the size limit splits it.
    pub fn consume(
        &mut self,
        table_name: &str,
        index: Option<&str>,
        partition: Option<&AttributeValue>,
        access: Access,
        usage: Usage,
    ) {
        let (now, size_limit) = (self.now_millis(), self.knobs.partition_size_limit_bytes);
        let Some(table) = self.tables.get_mut(table_name) else { return };
        let global = index.filter(|name| table.traffic.indexes.contains_key(*name));
        let table_hash =
            partition.filter(|_| global.is_none()).and_then(|value| hash_of(&table.meta.key_schema, value));
        let mut table_units = usage.table;
        for (name, kind, units) in usage.indexes {
            match (kind, table.traffic.indexes.get_mut(name)) {
                (IndexKind::Global, Some(throughput)) => {
                    let schema = table.meta.index(name).map(|(_, index)| &index.key_schema);
                    let reading_it = global == Some(name.as_str());
                    let hash =
                        partition.filter(|_| reading_it).zip(schema).and_then(|(value, schema)| hash_of(schema, value));
                    throughput.charge(access, hash, *units, now);
                }
                _ => table_units += units,
            }
        }
        table.traffic.table.charge(access, table_hash, table_units, now);
        if let Some(key) = partition {
            table.record_key_event(global, key, KeyEventKind::Accessed, now);
        }
        if let (Access::Write, Some(hash)) = (access, table_hash) {
            split_if_full(table, hash, size_limit, now);
        }
    }
}

/// The key schema a read with `index` goes through.
fn read_schema<'a>(table: &'a Table, global: Option<&str>) -> &'a KeySchema {
    global.and_then(|name| table.meta.index(name)).map_or(&table.meta.key_schema, |(_, index)| &index.key_schema)
}

fn hash_of(schema: &KeySchema, value: &AttributeValue) -> Option<u64> {
    schema.partition_prefix(value).map(|prefix| partition_hash(prefix.as_bytes()))
}

fn limit_is_partition(limit: Limit) -> bool {
    matches!(limit, Limit::Partition | Limit::PartitionShare)
}

/// Splits the partition of `hash` while it holds more than `limit` bytes (one split per
/// write, as a real split takes time).
fn split_if_full(table: &mut Table, hash: u64, limit: u64, now: u64) {
    let throughput: &mut Throughput = &mut table.traffic.table;
    let position = throughput.position_of(hash);
    let full = throughput.partitions.get(position).is_some_and(|partition| partition.bytes > limit);
    if full && throughput.split(position, now) {
        table.recount_partitions();
    }
}

/// DynamoDB's exception for a throttled request, with its ThrottlingReasons.
fn throttle_error(table_name: &str, event: &ThrottleEvent) -> Error {
    let (kind, message) = match (event.limit, &event.index) {
        (Limit::OnDemand, _) => (ErrorKind::Throttling, ON_DEMAND_EXCEEDED),
        (_, Some(_)) => (ErrorKind::ProvisionedThroughputExceeded, INDEX_EXCEEDED),
        (_, None) => (ErrorKind::ProvisionedThroughputExceeded, TABLE_EXCEEDED),
    };
    let resource = match &event.index {
        Some(index) => format!("{}/index/{index}", table_arn(table_name)),
        None => table_arn(table_name),
    };
    let limit = match event.limit {
        Limit::Partition | Limit::PartitionShare => "KeyRangeThroughputExceeded",
        Limit::Provisioned => "ProvisionedThroughputExceeded",
        Limit::OnDemand => "AccountLimitExceeded",
    };
    let resource_type = if event.index.is_some() { "Index" } else { "Table" };
    let access = match event.access {
        Access::Read => "Read",
        Access::Write => "Write",
    };
    let reason = format!("{resource_type}{access}{limit}");
    Error { throttling_reasons: vec![ThrottlingReason { reason, resource }], ..Error::new(kind, message) }
}
