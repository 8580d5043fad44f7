//! BatchGetItem and BatchWriteItem on the wire.
//!
//! Both check a request in DynamoDB's three stages, which decide which error wins:
//!
//! 1. The request framework's constraints, all reported at once (`N validation errors
//!    detected: ...`): enums, nulls, the RequestItems map's keys (table names) and sizes.
//!    Then the bare size rules AWS now words on their own (an empty map, a table's
//!    Keys outside 1..=100).
//! 2. The operation's own checks: the request's total (100 keys, 25 writes), the shape of
//!    each entry, attribute values, projections, and for BatchGetItem duplicate keys.
//! 3. The tables, in the engine: each must exist and each key match its schema
//!    (`batch_get_items`, `batch_write_item`); a write batch is checked whole, for
//!    duplicates too, and only then applied, so a rejected batch changes nothing.
//!
//! The texts come from AWS's messages as recorded by dynalite's tests, moto, and a
//! dated public conformance suite run against AWS; where AWS echoes the request in a
//! message, the table names and sizes are exact but Java's object hashes cannot be
//! reproduced, so [`java_write_requests`] prints a stable stand-in.

use crate::api::capacity::{self, Consumed, ConsumedCapacity, Detail, ItemCollectionMetrics};
use crate::api::dax::ItemCache;
use crate::api::render;
use crate::api::tables::java_string_hash;
use crate::api::validate::{required, Violations};
use crate::engine::ops::tags::is_table_name;
use crate::engine::{Access, BatchWrite, Engine, TableWrites};
use crate::error::{Error, Result};
use crate::expr::{self, Placeholders, Projection};
use crate::model::{item_from_json, item_size, AttributeValue, CompactCollect, Item, PackedItem};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Keys one BatchGetItem may ask for, per table and in total.
const MAX_GET_KEYS: usize = 100;
/// Writes one BatchWriteItem may hold, per table and in total.
const MAX_WRITES: usize = 25;
/// BatchGetItem answers at most "16 MB" of items. The API Reference's example (100 items
/// of 300 KB give 52) shows the unit: 52 * 300 * 1024 fits in 16,000,000 bytes, 53 do not.
const MAX_GET_RESPONSE_BYTES: usize = 16_000_000;

const TABLE_NAME_RULES: &str = "Map keys must satisfy constraint: [Member must have length less than or equal to 255, \
     Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]";
const WRITE_LIST_RULES: &str = "Map value must satisfy constraint: [Member must have length less than or equal to 25, \
     Member must have length greater than or equal to 1]";
const DUPLICATE_KEYS: &str = "Provided list of item keys contains duplicates";
/// DynamoDB's answer to a WriteRequest with neither or both of PutRequest and
/// DeleteRequest: its attribute-value wording, recorded by dynalite and DynamoDB Local.
const NOT_ONE_REQUEST: &str =
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes";
const MIXED_PROJECTIONS: &str = "Can not use both expression and non-expression parameters in the same request: \
     Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}";

crate::api::reader::request! {
    #[cfg_attr(test, derive(Debug))]
    pub struct BatchGetItemRequest {
        "RequestItems" => request_items: BTreeMap<String, Box<KeysAndAttributes>>,
        "ReturnConsumedCapacity" => return_consumed_capacity: String,
    }
}

crate::api::reader::request! {
    /// One table's part of a BatchGetItem; echoed in UnprocessedKeys with the keys left.
    #[derive(Serialize, Clone)]
    #[serde(rename_all = "PascalCase")]
    #[cfg_attr(test, derive(Debug))]
    struct KeysAndAttributes {
        #[serde(skip_serializing_if = "Option::is_none")]
        "Keys" => keys: Vec<Map<String, Value>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        "AttributesToGet" => attributes_to_get: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        "ConsistentRead" => consistent_read: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        "ExpressionAttributeNames" => expression_attribute_names: Map<String, Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        "ProjectionExpression" => projection_expression: String,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BatchGetItemResponse {
    responses: BTreeMap<String, Vec<Item>>,
    unprocessed_keys: BTreeMap<String, Box<KeysAndAttributes>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
}

/// Which attributes of each item a table's reads return.
enum Shape {
    Whole,
    /// Legacy AttributesToGet: these top-level attributes.
    Names(Vec<String>),
    Projection(Projection),
}

impl Shape {
    fn apply(&self, item: &Item) -> Item {
        match self {
            Shape::Whole => item.clone(),
            Shape::Names(names) => {
                names.iter().filter_map(|name| Some((name.clone(), item.get(name)?.clone()))).collect_map()
            }
            Shape::Projection(projection) => projection.apply(item),
        }
    }
}

/// One table's reads, checked and parsed.
struct TableRead {
    name: String,
    request: KeysAndAttributes,
    keys: Vec<Item>,
    shape: Shape,
}

/// BatchGetItem, from the tables or through the DAX cluster `dax`, whose item cache
/// answers the eventually consistent reads of the keys it holds: only the other keys are
/// read from (and charged to) their table.
pub fn batch_get_item(engine: &mut Engine, request: BatchGetItemRequest, dax: Option<&str>) -> Result<String> {
    let detail = Detail::from_wire(request.return_consumed_capacity.as_deref());
    let tables = check_get_request(request)?;
    let reads = tables.into_iter().map(|(name, request)| TableRead::parse(name, *request)).try_collect_vec()?;
    let caches = match dax {
        Some(cluster) => reads.iter().map(|read| read.open_caches(engine, cluster)).try_collect_vec()?,
        None => reads.iter().map(|read| read.keys.iter().map(|_| None).collect()).collect(),
    };
    let missed: Vec<Vec<Item>> = reads.iter().zip(&caches).map(|(read, caches)| read.missed_keys(caches)).collect();
    let partitions: Vec<_> =
        reads.iter().zip(&missed).map(|(read, keys)| partitions_of(engine, &read.name, keys.iter())).collect();
    for (read, partitions) in reads.iter().zip(&partitions) {
        admit_all(engine, &read.name, partitions, Access::Read)?;
    }
    let fetched =
        reads.iter().zip(&missed).map(|(read, keys)| engine.batch_get_items(&read.name, keys)).try_collect_vec()?;
    let mut response =
        BatchGetItemResponse { responses: BTreeMap::new(), unprocessed_keys: BTreeMap::new(), consumed_capacity: None };
    let mut budget = ResponseBudget { left: MAX_GET_RESPONSE_BYTES, exhausted: false };
    let mut capacities = Vec::new();
    for (((read, caches), fetched), partitions) in reads.into_iter().zip(caches).zip(fetched).zip(partitions) {
        let name = read.name.clone();
        let found = merge_cached(engine, caches, fetched);
        let units = read.answer(found, &mut budget, &mut response);
        // The units are spread evenly over the keys' partitions.
        let each = units / partitions.len().max(1) as f64;
        for partition in &partitions {
            engine.consume(&name, None, partition.as_ref(), Access::Read, Consumed::table(each).usage());
        }
        capacities.push(capacity::report(detail, &name, units));
    }
    response.consumed_capacity = capacities.into_iter().collect();
    render(&response)
}

/// One key's read: its item, and whether a cache answered it (which costs nothing).
struct KeyRead {
    item: Option<Item>,
    cached: bool,
}

/// Each key's item, in the request's order: a cache's where it had one, otherwise the
/// next one read from the table, which the key's cache (when it has one) keeps.
fn merge_cached(engine: &mut Engine, caches: Vec<Option<ItemCache>>, fetched: Vec<Option<Item>>) -> Vec<KeyRead> {
    let mut fetched = fetched.into_iter();
    let mut found = Vec::with_capacity(caches.len());
    for cache in caches {
        let cached = cache.as_ref().and_then(ItemCache::cached).map(|item| item.cloned());
        let read = match cached {
            Some(item) => KeyRead { item, cached: true },
            None => {
                let item = fetched.next().flatten();
                if let Some(cache) = cache {
                    cache.fill(engine, item.clone());
                }
                KeyRead { item, cached: false }
            }
        };
        found.push(read);
    }
    found
}

/// The partition key values of one table's items (or keys).
fn partitions_of<'a>(
    engine: &Engine,
    table_name: &str,
    items: impl Iterator<Item = &'a Item>,
) -> Vec<Option<AttributeValue>> {
    items.map(|item| capacity::partition_value(engine, table_name, item).cloned()).collect()
}

/// Admits the reads or writes of one table's partitions, or throttles the whole request:
/// Dynaplay does not return throttled keys as unprocessed (docs/capacity.md).
fn admit_all(
    engine: &mut Engine,
    table_name: &str,
    partitions: &[Option<AttributeValue>],
    access: Access,
) -> Result<()> {
    partitions.iter().try_for_each(|partition| engine.admit(table_name, None, partition.as_ref(), access))
}

/// Stage 1 for BatchGetItem, and the request total: the tables and their reads.
fn check_get_request(request: BatchGetItemRequest) -> Result<BTreeMap<String, Box<KeysAndAttributes>>> {
    let mut violations = Violations::default();
    violations.one_of(&request.return_consumed_capacity, "returnConsumedCapacity", &Detail::WIRE_NAMES);
    violations.not_null(&request.request_items, "requestItems");
    let tables = request.request_items.unwrap_or_default();
    if tables.keys().any(|name| !is_table_name(name)) {
        let echo = serde_json::to_string(&tables).unwrap_or_default();
        violations.add(format!("'{echo}'"), "requestItems", TABLE_NAME_RULES);
    }
    for (name, read) in &tables {
        violations.not_null(&read.keys, &format!("requestItems.{name}.member.keys"));
        if read.attributes_to_get.as_ref().is_some_and(Vec::is_empty) {
            let path = format!("requestItems.{name}.member.attributesToGet");
            violations.add("'[]'", &path, "Member must have length greater than or equal to 1");
        }
    }
    violations.finish()?;
    if tables.is_empty() {
        return Err(bare_violation("RequestItems", "Member must have length greater than or equal to 1"));
    }
    for (name, read) in &tables {
        let count = read.keys.as_ref().map_or(0, Vec::len);
        let path = format!("RequestItems.{name}.member.Keys");
        if count == 0 {
            return Err(bare_violation(&path, "Member must have length greater than or equal to 1"));
        }
        if count > MAX_GET_KEYS {
            return Err(bare_violation(
                &path,
                &format!("Member must have length less than or equal to {MAX_GET_KEYS}"),
            ));
        }
    }
    if tables.values().map(|read| read.keys.as_ref().map_or(0, Vec::len)).sum::<usize>() > MAX_GET_KEYS {
        crate::bail_validation!("Too many items requested for the BatchGetItem call");
    }
    // AWS refuses the mix across tables as well as within one.
    let uses = |pick: fn(&KeysAndAttributes) -> bool| tables.values().any(|read| pick(read));
    if uses(|read| read.attributes_to_get.is_some()) && uses(|read| read.projection_expression.is_some()) {
        crate::bail_validation!("{MIXED_PROJECTIONS}");
    }
    Ok(tables)
}

/// A size rule as AWS words it today: without echoing the value.
pub(super) fn bare_violation(path: &str, constraint: &str) -> Error {
    crate::validation!("1 validation error detected: Value at '{path}' failed to satisfy constraint: {constraint}")
}

/// How much of the 16 MB response is left, and whether it ran out (from then on every
/// key is left unprocessed, so the client's retry takes up where this answer stopped).
struct ResponseBudget {
    left: usize,
    exhausted: bool,
}

impl ResponseBudget {
    /// Takes room for an item of `size` bytes, or reports that it does not fit.
    fn take(&mut self, size: usize) -> bool {
        self.exhausted = self.exhausted || size > self.left;
        if !self.exhausted {
            self.left -= size;
        }
        !self.exhausted
    }
}

impl TableRead {
    /// Stage 2 for one table: the projection and its placeholders, and the keys.
    fn parse(name: String, request: KeysAndAttributes) -> Result<TableRead> {
        let shape = shape(&request)?;
        let keys: Vec<Item> = request.keys.iter().flatten().map(item_from_json).try_collect_vec()?;
        if keys.iter().enumerate().any(|(index, key)| keys[..index].contains(key)) {
            crate::bail_validation!("{DUPLICATE_KEYS}");
        }
        Ok(TableRead { name, request, keys, shape })
    }

    /// Each key's entry in the cluster's item cache (all passing through for a strongly
    /// consistent read).
    fn open_caches<'a>(&self, engine: &mut Engine, cluster: &'a str) -> Result<Vec<Option<ItemCache<'a>>>> {
        let consistent = self.request.consistent_read.unwrap_or(false);
        let open = |key: &Item| ItemCache::open(engine, cluster, &self.name, key, consistent).map(Some);
        self.keys.iter().map(open).collect()
    }

    /// The keys no cache answered, to read from the table.
    fn missed_keys(&self, caches: &[Option<ItemCache>]) -> Vec<Item> {
        let missed = |(key, cache): (&Item, &Option<ItemCache>)| match cache.as_ref().and_then(ItemCache::cached) {
            Some(_) => None,
            None => Some(key.clone()),
        };
        self.keys.iter().zip(caches).filter_map(missed).collect()
    }

    /// Adds this table's items to the response, leaving unprocessed the keys that no longer
    /// fit, and returns the capacity units its reads used.
    fn answer(self, reads: Vec<KeyRead>, budget: &mut ResponseBudget, response: &mut BatchGetItemResponse) -> f64 {
        let consistent = self.request.consistent_read.unwrap_or(false);
        let mut returned = Vec::new();
        let mut unprocessed = Vec::new();
        let mut units = 0.0;
        let raw_keys = self.request.keys.iter().flatten();
        for (raw_key, KeyRead { item, cached }) in raw_keys.zip(reads) {
            let shaped = item.as_ref().map(|item| self.shape.apply(item));
            if budget.take(shaped.as_ref().map_or(0, item_size)) {
                if !cached {
                    units += capacity::read_units(item.as_ref().map_or(0, item_size), consistent);
                }
                returned.extend(shaped);
            } else {
                // AWS was observed charging a key it left unprocessed as an empty read.
                units += capacity::read_units(0, consistent);
                unprocessed.push(raw_key.clone());
            }
        }
        if !unprocessed.is_empty() {
            let request = KeysAndAttributes { keys: Some(unprocessed), ..self.request };
            response.unprocessed_keys.insert(self.name.clone(), Box::new(request));
        }
        response.responses.insert(self.name, returned);
        units
    }
}

/// What a table's reads return, from its ProjectionExpression or AttributesToGet.
fn shape(request: &KeysAndAttributes) -> Result<Shape> {
    let names = request.expression_attribute_names.as_ref();
    let Some(text) = &request.projection_expression else {
        if names.is_some() {
            crate::bail_validation!("ExpressionAttributeNames can only be specified when using expressions");
        }
        return attributes_to_get(request.attributes_to_get.as_deref());
    };
    let placeholders = Placeholders::new(names, None)?;
    let projection = expr::parse_projection(text, &placeholders)?;
    placeholders.check_all_used()?;
    Ok(Shape::Projection(projection))
}

fn attributes_to_get(names: Option<&[String]>) -> Result<Shape> {
    let Some(names) = names else {
        return Ok(Shape::Whole);
    };
    if let Some(name) = names.iter().enumerate().find_map(|(index, name)| names[..index].contains(name).then_some(name))
    {
        crate::bail_validation!("One or more parameter values were invalid: Duplicate value in attribute name: {name}");
    }
    Ok(Shape::Names(names.to_vec()))
}

crate::api::reader::request! {
    #[cfg_attr(test, derive(Debug))]
    pub struct BatchWriteItemRequest {
        "RequestItems" => request_items: BTreeMap<String, Vec<WriteRequest>>,
        "ReturnConsumedCapacity" => return_consumed_capacity: String,
        "ReturnItemCollectionMetrics" => return_item_collection_metrics: String,
    }
}

crate::api::reader::request! {
    /// One entry of a table's write list. DynamoDB's parser ignores members it does not
    /// know, so there is no way to ask for an update here.
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    #[cfg_attr(test, derive(Debug))]
    struct WriteRequest {
        #[serde(skip_serializing_if = "Option::is_none")]
        "PutRequest" => put_request: PutRequest,
        #[serde(skip_serializing_if = "Option::is_none")]
        "DeleteRequest" => delete_request: DeleteRequest,
    }
}

crate::api::reader::request! {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    #[cfg_attr(test, derive(Debug))]
    struct PutRequest {
        "Item" => item: Map<String, Value>,
    }
}

crate::api::reader::request! {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    #[cfg_attr(test, derive(Debug))]
    struct DeleteRequest {
        "Key" => key: Map<String, Value>,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BatchWriteItemResponse {
    /// Always empty: Dynaplay has no throughput limit that would leave writes undone.
    unprocessed_items: BTreeMap<String, Vec<WriteRequest>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
    /// Per table with a local secondary index, the item collections the writes touched
    /// (ReturnItemCollectionMetrics=SIZE).
    #[serde(skip_serializing_if = "Option::is_none")]
    item_collection_metrics: Option<BTreeMap<String, Vec<ItemCollectionMetrics>>>,
}

pub fn batch_write_item(engine: &mut Engine, request: BatchWriteItemRequest) -> Result<String> {
    let detail = Detail::from_wire(request.return_consumed_capacity.as_deref());
    let metrics_asked = request.return_item_collection_metrics.as_deref() == Some("SIZE");
    let tables = check_write_request(request)?;
    let tables = tables.into_iter().map(table_writes).try_collect_vec()?;
    let new_sizes: Vec<Vec<usize>> = tables.iter().map(|table| table.writes.iter().map(put_size).collect()).collect();
    let names: Vec<String> = tables.iter().map(|table| table.table.clone()).collect();
    // The item each write stores (none for a delete) and the item or key it names, kept
    // for the index capacity (reported or charged) and the item collection metrics.
    let needs_items =
        detail != Detail::None || metrics_asked || names.iter().any(|name| capacity::charges_indexes(engine, name));
    let written: Vec<Vec<(Option<Item>, Item)>> = match needs_items {
        true => tables.iter().map(|table| table.writes.iter().map(written_item).collect()).collect(),
        false => Vec::new(),
    };
    let partitions: Vec<_> = tables
        .iter()
        .map(|table| partitions_of(engine, &table.table, table.writes.iter().map(BatchWrite::named_item)))
        .collect();
    for (name, partitions) in names.iter().zip(&partitions) {
        admit_all(engine, name, partitions, Access::Write)?;
    }
    let old_items = engine.batch_write_item(tables)?;
    let mut capacities = Vec::with_capacity(names.len());
    let mut metrics = BTreeMap::new();
    for (position, ((name, new_sizes), olds)) in names.iter().zip(new_sizes).zip(old_items).enumerate() {
        let (written, partitions) = (written.get(position), partitions.get(position));
        let mut consumed = Consumed::default();
        for (write, (new_size, old)) in new_sizes.iter().zip(&olds).enumerate() {
            let mut one =
                Consumed::table(capacity::write_units(&[*new_size, old.as_ref().map_or(0, PackedItem::size)]));
            if let (Some(table), Some((new, _))) = (engine.table(name), written.and_then(|items| items.get(write))) {
                one.add_index_writes(&table.meta, old.as_ref().map(PackedItem::unpack).as_ref(), new.as_ref());
            }
            let partition = partitions.and_then(|values| values.get(write)).cloned().flatten();
            engine.consume(name, None, partition.as_ref(), Access::Write, one.usage());
            consumed.add(&one);
        }
        if let (Some(table), Some(written)) = (engine.table(name), written) {
            // One entry per item collection the writes touched, in the order first touched.
            let mut collections: Vec<ItemCollectionMetrics> = Vec::new();
            for (_, key) in written {
                if let Some(entry) = capacity::item_collection_metrics(metrics_asked, table, key) {
                    if !collections.contains(&entry) {
                        collections.push(entry);
                    }
                }
            }
            if !collections.is_empty() {
                metrics.insert(name.clone(), collections);
            }
        }
        capacities.push(capacity::report_consumed(detail, name, &consumed));
    }
    render(&BatchWriteItemResponse {
        unprocessed_items: BTreeMap::new(),
        consumed_capacity: capacities.into_iter().collect(),
        item_collection_metrics: (!metrics.is_empty()).then_some(metrics),
    })
}

/// The item a write stores (none for a delete) and the item or key it names.
fn written_item(write: &BatchWrite) -> (Option<Item>, Item) {
    match write {
        BatchWrite::Put(item) => (Some(item.clone()), item.clone()),
        BatchWrite::Delete(key) => (None, key.clone()),
    }
}

/// The size of the item a write stores (0 for a delete).
fn put_size(write: &BatchWrite) -> usize {
    match write {
        BatchWrite::Put(item) => item_size(item),
        BatchWrite::Delete(_) => 0,
    }
}

/// Stage 1 for BatchWriteItem, and the request total: the tables and their write lists.
fn check_write_request(request: BatchWriteItemRequest) -> Result<BTreeMap<String, Vec<WriteRequest>>> {
    let mut violations = Violations::default();
    violations.one_of(&request.return_consumed_capacity, "returnConsumedCapacity", &Detail::WIRE_NAMES);
    violations.one_of(
        &request.return_item_collection_metrics,
        "returnItemCollectionMetrics",
        &capacity::ITEM_COLLECTION_METRICS,
    );
    violations.not_null(&request.request_items, "requestItems");
    let tables = request.request_items.unwrap_or_default();
    if tables.keys().any(|name| !is_table_name(name)) {
        violations.add(format!("'{}'", java_write_requests(&tables)), "requestItems", TABLE_NAME_RULES);
    }
    if tables.values().any(|writes| !(1..=MAX_WRITES).contains(&writes.len())) {
        violations.add(format!("'{}'", java_write_requests(&tables)), "requestItems", WRITE_LIST_RULES);
    }
    for (name, writes) in &tables {
        for (index, write) in writes.iter().enumerate() {
            let path = format!("requestItems.{name}.member.{}.member", index + 1);
            if let Some(delete) = &write.delete_request {
                violations.not_null(&delete.key, &format!("{path}.deleteRequest.key"));
            }
            if let Some(put) = &write.put_request {
                violations.not_null(&put.item, &format!("{path}.putRequest.item"));
            }
        }
    }
    violations.finish()?;
    if tables.is_empty() {
        crate::bail_validation!("The requestItems parameter is required for BatchWriteItem");
    }
    if tables.values().map(Vec::len).sum::<usize>() > MAX_WRITES {
        crate::bail_validation!("Too many items requested for the BatchWriteItem call");
    }
    Ok(tables)
}

/// Stage 2 for one table's writes: exactly one request per entry, valid attribute values.
fn table_writes((table, writes): (String, Vec<WriteRequest>)) -> Result<TableWrites> {
    let writes = writes.into_iter().map(|write| match (write.put_request, write.delete_request) {
        (Some(put), None) => Ok(BatchWrite::Put(item_from_json(&required(put.item, "item")?)?)),
        (None, Some(delete)) => Ok(BatchWrite::Delete(item_from_json(&required(delete.key, "key")?)?)),
        _ => Err(crate::validation!("{NOT_ONE_REQUEST}")),
    });
    Ok(TableWrites { table, writes: writes.try_collect_vec()? })
}

/// The RequestItems map as AWS's Java request framework prints it in a message:
/// `{table=[com.amazonaws.dynamodb.v20120810.WriteRequest@hash, ...]}`. The hash is a
/// stand-in (Java's String hash of the entry's JSON): AWS's own depends on its objects.
fn java_write_requests(tables: &BTreeMap<String, Vec<WriteRequest>>) -> String {
    let element = |write: &WriteRequest| {
        let hash = java_string_hash(&serde_json::to_string(write).unwrap_or_default());
        format!("com.amazonaws.dynamodb.v20120810.WriteRequest@{hash:x}")
    };
    let entries = tables.iter().map(|(name, writes)| {
        let listed: Vec<String> = writes.iter().map(element).collect();
        format!("{name}=[{}]", listed.join(", "))
    });
    format!("{{{}}}", entries.collect::<Vec<_>>().join(", "))
}

#[cfg(test)]
mod tests {
    use crate::api::dispatch;
    use crate::clock::ManualClock;
    use crate::engine::Engine;
    use serde_json::{json, Value};

    /// An engine with a hash-keyed table of each name. Its clock stands still, so 16 MB
    /// of writes would be throttled: these tests are about response sizes.
    fn engine_with(tables: &[&str]) -> Engine {
        let mut engine = Engine::new(Box::new(ManualClock::new(1_700_000_000_000)));
        engine.knobs.throttling = false;
        for name in tables {
            let table = json!({"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]});
            dispatch(&mut engine, "CreateTable", &table.to_string()).expect("the table is created");
        }
        engine
    }

    fn send(engine: &mut Engine, operation: &str, request: Value) -> Result<Value, String> {
        match dispatch(engine, operation, &request.to_string()) {
            Ok(body) => Ok(serde_json::from_str(&body).expect("responses are JSON")),
            Err(error) => Err(error.message),
        }
    }

    /// An item of exactly `size` bytes: `id` = `key`, and a string attribute `blob`.
    fn item_of_size(key: &str, size: usize) -> Value {
        json!({"id": {"S": key}, "blob": {"S": "x".repeat(size - "id".len() - key.len() - "blob".len())}})
    }

    fn put_all(engine: &mut Engine, table: &str, items: Vec<Value>) {
        for chunk in items.chunks(25) {
            let writes: Vec<Value> = chunk.iter().map(|item| json!({"PutRequest": {"Item": item}})).collect();
            send(engine, "BatchWriteItem", json!({"RequestItems": {table: writes}})).expect("the items are written");
        }
    }

    #[test]
    fn a_response_over_16_mb_leaves_the_rest_unprocessed() {
        let mut engine = engine_with(&["Big", "Small"]);
        let big: Vec<Value> = (0..45).map(|i| item_of_size(&format!("k{i:02}"), 400_000)).collect();
        put_all(&mut engine, "Big", big);
        put_all(&mut engine, "Small", vec![json!({"id": {"S": "s"}})]);
        let keys: Vec<Value> = (0..45).map(|i| json!({"id": {"S": format!("k{i:02}")}})).collect();
        let request = json!({"ReturnConsumedCapacity": "TOTAL", "RequestItems": {
            "Big": {"Keys": keys, "ConsistentRead": true},
            "Small": {"Keys": [{"id": {"S": "s"}}], "AttributesToGet": ["id"]}}});
        let response = send(&mut engine, "BatchGetItem", request).expect("a partial answer");

        // 40 items of 400,000 bytes make exactly 16,000,000: the 41st no longer fits.
        assert_eq!(response["Responses"]["Big"].as_array().map(Vec::len), Some(40));
        let unprocessed = &response["UnprocessedKeys"]["Big"];
        let expected_keys: Vec<Value> = (40..45).map(|i| json!({"id": {"S": format!("k{i:02}")}})).collect();
        assert_eq!(unprocessed, &json!({"Keys": expected_keys, "ConsistentRead": true}));
        // Once the response is full, later tables' keys are unprocessed too, with their options.
        assert_eq!(response["Responses"]["Small"], json!([]));
        assert_eq!(
            response["UnprocessedKeys"]["Small"],
            json!({"Keys": [{"id": {"S": "s"}}], "AttributesToGet": ["id"]})
        );
        // 98 consistent units per 400,000-byte item; an unprocessed key costs a minimal read.
        let expected_capacity = json!([
            {"TableName": "Big", "CapacityUnits": 40.0 * 98.0 + 5.0},
            {"TableName": "Small", "CapacityUnits": 0.5}]);
        assert_eq!(response["ConsumedCapacity"], expected_capacity);
    }

    #[test]
    fn more_than_25_writes_for_a_table_break_the_map_value_constraint() {
        let mut engine = engine_with(&["Users"]);
        let writes: Vec<Value> =
            (0..26).map(|i| json!({"PutRequest": {"Item": {"id": {"S": format!("u{i}")}}}})).collect();
        let message = send(&mut engine, "BatchWriteItem", json!({"RequestItems": {"Users": writes}})).unwrap_err();
        assert!(message
            .starts_with("1 validation error detected: Value '{Users=[com.amazonaws.dynamodb.v20120810.WriteRequest@"));
        assert_eq!(message.matches("WriteRequest@").count(), 26);
        assert!(message.ends_with(
            "]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: \
             [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"
        ));
    }

    #[test]
    fn an_oversized_item_rejects_the_whole_batch() {
        let mut engine = engine_with(&["Users"]);
        let writes = json!([
            {"PutRequest": {"Item": {"id": {"S": "small"}}}},
            {"PutRequest": {"Item": item_of_size("big", 400 * 1024 + 1)}}]);
        let refused = send(&mut engine, "BatchWriteItem", json!({"RequestItems": {"Users": writes}}));
        assert_eq!(refused.unwrap_err(), "Item size has exceeded the maximum allowed size");
        let get = json!({"TableName": "Users", "Key": {"id": {"S": "small"}}});
        assert_eq!(send(&mut engine, "GetItem", get), Ok(json!({})));
        assert!(engine.take_changes().iter().all(|change| matches!(change, crate::engine::Change::TableMeta { .. })));
    }

    #[test]
    fn an_item_of_exactly_400_kb_is_accepted() {
        let mut engine = engine_with(&["Users"]);
        let writes = json!([{"PutRequest": {"Item": item_of_size("edge", 400 * 1024)}}]);
        assert_eq!(
            send(&mut engine, "BatchWriteItem", json!({"RequestItems": {"Users": writes}})),
            Ok(json!({"UnprocessedItems": {}}))
        );
    }
}
