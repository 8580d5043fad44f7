//! Query and Scan on the wire.
//!
//! Both are checked in the order DynamoDB checks them (as dynalite recorded it against
//! AWS, and as DynamoDB Local orders its checks):
//!
//! 1. request shape: each member's constraints, all reported at once ([`Violations`]);
//! 2. expression and legacy parameters not mixed, and placeholder maps only with
//!    expressions; ConditionalOperator only with two or more filter conditions;
//! 3. QueryFilter / ScanFilter checked and translated ([`legacy::filter`]),
//!    AttributesToGet without duplicates, ExclusiveStartKey values valid, Query's key
//!    condition present (KeyConditions checked by [`legacy::key_conditions`]), Scan's
//!    Segment and TotalSegments consistent;
//! 4. the table (ResourceNotFoundException) and the IndexName;
//! 5. the expressions parsed (KeyConditionExpression, FilterExpression,
//!    ProjectionExpression), then every placeholder used; KeyConditions resolved against
//!    the key schema; a Query filter may not read key attributes; then Select;
//! 6. the engine reads one page ([`Engine::query`], [`Engine::scan`]): it checks the
//!    ExclusiveStartKey against the table's key, applies Limit, the 1 MB page size and
//!    the filter;
//! 7. the page is projected and rendered with Count, ScannedCount, LastEvaluatedKey
//!    and the capacity charged on everything read (ceil(total bytes / 4 KB) units,
//!    halved unless ConsistentRead).
//!
//! The legacy parameters (AttributesToGet, KeyConditions, QueryFilter, ScanFilter,
//! ConditionalOperator) become the same resolved types as the expressions, so both
//! evaluate alike.

use crate::api::capacity::{self, Consumed, ConsumedCapacity, Detail};
use crate::api::validate::{check_expression_mix, required, Violations, CONDITIONAL_OPERATORS};
use crate::api::{render, ReadItems};
use crate::engine::{
    no_such_index, starting_key_invalid, Access, Engine, IndexChoice, IndexKind, IndexRead, Page, PageOptions,
    Projection as IndexProjection, QuerySpec, ScanSpec, SecondaryIndex, Segment,
};
use crate::error::{ErrorKind, Result};
use crate::expr::legacy::{self, LegacyConditions, LegacyKeyConditions};
use crate::expr::{self, Condition, ExpressionKind, Placeholders, Projection};
use crate::model::{item_from_json, AttributeValue, Item, KeySchema};
use crate::{bail_validation, validation};
use serde::Serialize;
use serde_json::{Map, Value};

/// Select's values, in the order DynamoDB lists them in its enum message.
const SELECT: [&str; 4] = ["SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"];
/// Most names AttributesToGet may list.
const MAX_ATTRIBUTES_TO_GET: usize = 255;
/// TotalSegments may be at most this; Segment at most one less.
const MAX_TOTAL_SEGMENTS: i64 = 1_000_000;

crate::api::reader::request! {
    /// The parameters Query and Scan share.
    #[cfg_attr(test, derive(Debug))]
    pub struct ReadParameters {
        "TableName" => table_name: String,
        "IndexName" => index_name: String,
        "Select" => select: String,
        "AttributesToGet" => attributes_to_get: Vec<String>,
        "Limit" => limit: i64,
        "ConsistentRead" => consistent_read: bool,
        "ConditionalOperator" => conditional_operator: String,
        "ExclusiveStartKey" => exclusive_start_key: Map<String, Value>,
        "ReturnConsumedCapacity" => return_consumed_capacity: String,
        "ProjectionExpression" => projection_expression: String,
        "FilterExpression" => filter_expression: String,
        "ExpressionAttributeNames" => expression_attribute_names: Map<String, Value>,
        "ExpressionAttributeValues" => expression_attribute_values: Map<String, Value>,
    }
}

crate::api::reader::request! {
    #[cfg_attr(test, derive(Debug))]
    pub struct QueryRequest {
        "KeyConditionExpression" => key_condition_expression: String,
        "KeyConditions" => key_conditions: LegacyConditions,
        "QueryFilter" => query_filter: LegacyConditions,
        "ScanIndexForward" => scan_index_forward: bool,
        flatten read: ReadParameters,
    }
}

crate::api::reader::request! {
    #[cfg_attr(test, derive(Debug))]
    pub struct ScanRequest {
        "Segment" => segment: i64,
        "TotalSegments" => total_segments: i64,
        "ScanFilter" => scan_filter: LegacyConditions,
        flatten read: ReadParameters,
    }
}

/// The response of both operations; Items is absent when Select is COUNT.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ReadResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<ReadItems>,
    count: usize,
    scanned_count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_evaluated_key: Option<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
}

/// Which attributes of the matching items the response carries.
enum Shape {
    /// A ProjectionExpression's paths.
    Projection(Projection),
    /// AttributesToGet's top-level names.
    Names(Vec<String>),
}

/// What the response returns: items (whole, or shaped) or only their count.
enum Output {
    Items(Option<Shape>),
    Count,
}

/// The parsed FilterExpression and ProjectionExpression of a request.
struct Expressions {
    filter: Option<Condition>,
    projection: Option<Projection>,
}

pub fn query(engine: &mut Engine, request: QueryRequest) -> Result<String> {
    let read = &request.read;
    let mut violations = Violations::default();
    read.check_shape(&mut violations);
    violations.comparison_operators(operators(&request.key_conditions), "keyConditions", true);
    violations.comparison_operators(operators(&request.query_filter), "queryFilter", true);
    violations.finish()?;
    let key_expression = request.key_condition_expression.as_deref();
    let expressions = [
        ("ProjectionExpression", read.projection_expression.is_some()),
        ("FilterExpression", read.filter_expression.is_some()),
        ("KeyConditionExpression", key_expression.is_some()),
    ];
    // KeyConditions with a FilterExpression is allowed: only KeyConditionExpression
    // makes KeyConditions a mix.
    let legacy = [
        ("AttributesToGet", read.attributes_to_get.is_some()),
        ("QueryFilter", request.query_filter.is_some()),
        ("ConditionalOperator", read.conditional_operator.is_some()),
        ("KeyConditions", request.key_conditions.is_some() && key_expression.is_some()),
    ];
    read.check_parameter_mix(&expressions, &legacy)?;
    read.check_conditional_operator(&request.query_filter)?;
    let query_filter = read.legacy_filter(&request.query_filter)?;
    read.check_attributes_to_get()?;
    let start = read.exclusive_start_key()?;
    // KeyConditions' own checks (no table needed) come before the table is read.
    let key = match (key_expression, &request.key_conditions) {
        (Some(text), _) => Key::Expression(text),
        (None, Some(conditions)) => Key::Legacy(legacy::key_conditions(conditions)?),
        (None, None) => bail_validation!(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
        ),
    };
    let table_name = required(read.table_name.clone(), "tableName")?;
    let table_schema = engine.key_schema(&table_name)?.clone();
    let index = read.index(engine, &table_name, false)?;
    let schema = index.as_ref().map_or(&table_schema, |index| &index.key_schema).clone();
    let placeholders = read.placeholders()?;
    let key_condition = match key {
        Key::Expression(text) => expr::parse_key_condition(text, &placeholders, &schema)?,
        Key::Legacy(conditions) => conditions.resolve(&schema)?,
    };
    let parsed = read.parse_expressions(&placeholders)?;
    placeholders.check_all_used()?;
    check_filter_keys(parsed.filter.as_ref(), request.query_filter.as_ref(), &schema)?;
    let output = read.output(parsed.projection, index.is_some())?;
    let filter = parsed.filter.as_ref().or(query_filter.as_ref());
    let spec = QuerySpec {
        key_condition: &key_condition,
        forward: request.scan_index_forward.unwrap_or(true),
        exclusive_start_key: start.as_ref(),
        page: read.page_options(filter),
        index: read.index_choice(index.as_ref(), &table_schema, &output, filter),
    };
    let index_name = index.as_ref().map(|index| index.name.as_str());
    engine.admit(&table_name, index_name, Some(&key_condition.partition_value), Access::Read)?;
    let page = engine.query(&table_name, &spec)?;
    read.respond(engine, &table_name, page, output, (index.as_ref(), Some(&key_condition.partition_value)))
}

pub fn scan(engine: &mut Engine, request: ScanRequest) -> Result<String> {
    let read = &request.read;
    let mut violations = Violations::default();
    read.check_shape(&mut violations);
    check_segment_ranges(request.segment, request.total_segments, &mut violations);
    violations.comparison_operators(operators(&request.scan_filter), "scanFilter", true);
    violations.finish()?;
    let expressions = [
        ("ProjectionExpression", read.projection_expression.is_some()),
        ("FilterExpression", read.filter_expression.is_some()),
    ];
    let legacy = [
        ("AttributesToGet", read.attributes_to_get.is_some()),
        ("ScanFilter", request.scan_filter.is_some()),
        ("ConditionalOperator", read.conditional_operator.is_some()),
    ];
    read.check_parameter_mix(&expressions, &legacy)?;
    read.check_conditional_operator(&request.scan_filter)?;
    read.check_attributes_to_get()?;
    let scan_filter = read.legacy_filter(&request.scan_filter)?;
    let start = read.exclusive_start_key()?;
    let segment = segment(request.segment, request.total_segments)?;
    let table_name = required(read.table_name.clone(), "tableName")?;
    let table_schema = engine.key_schema(&table_name)?.clone();
    let index = read.index(engine, &table_name, start.is_some())?;
    let parsed = match expressions.iter().any(|(_, present)| *present) {
        true => {
            let placeholders = read.placeholders()?;
            let parsed = read.parse_expressions(&placeholders)?;
            placeholders.check_all_used()?;
            parsed
        }
        false => Expressions { filter: None, projection: None },
    };
    let output = read.output(parsed.projection, index.is_some())?;
    let filter = parsed.filter.as_ref().or(scan_filter.as_ref());
    let spec = ScanSpec {
        segment,
        exclusive_start_key: start.as_ref(),
        page: read.page_options(filter),
        index: read.index_choice(index.as_ref(), &table_schema, &output, filter),
    };
    engine.admit(&table_name, index.as_ref().map(|index| index.name.as_str()), None, Access::Read)?;
    let page = engine.scan(&table_name, &spec)?;
    read.respond(engine, &table_name, page, output, (index.as_ref(), None))
}

impl ReadParameters {
    /// The members' own constraints, as DynamoDB's request framework words them.
    fn check_shape(&self, violations: &mut Violations) {
        violations.table_name(&self.table_name, "tableName");
        if self.index_name.is_some() {
            violations.table_name(&self.index_name, "indexName");
        }
        violations.one_of(&self.select, "select", &SELECT);
        violations.one_of(&self.return_consumed_capacity, "returnConsumedCapacity", &Detail::WIRE_NAMES);
        violations.one_of(&self.conditional_operator, "conditionalOperator", &CONDITIONAL_OPERATORS);
        if let Some(limit) = self.limit.filter(|&limit| limit < 1) {
            violations.add(format!("'{limit}'"), "limit", "Member must have value greater than or equal to 1");
        }
        if let Some(names) = &self.attributes_to_get {
            let value = format!("'[{}]'", names.join(", "));
            if names.is_empty() {
                violations.add(value, "attributesToGet", "Member must have length greater than or equal to 1");
            } else if names.len() > MAX_ATTRIBUTES_TO_GET {
                violations.add(value, "attributesToGet", "Member must have length less than or equal to 255");
            }
        }
    }

    /// [`check_expression_mix`] with this request's placeholder maps.
    fn check_parameter_mix(&self, expressions: &[(&str, bool)], legacy: &[(&str, bool)]) -> Result<()> {
        let (names, values) = (self.expression_attribute_names.is_some(), self.expression_attribute_values.is_some());
        check_expression_mix(expressions, legacy, names, values)
    }

    /// ConditionalOperator joins two or more QueryFilter or ScanFilter conditions.
    fn check_conditional_operator(&self, filter: &Option<LegacyConditions>) -> Result<()> {
        legacy::check_conditional_operator(self.conditional_operator.as_deref(), filter.as_ref().map(|f| f.len()))
    }

    /// QueryFilter or ScanFilter, joined by ConditionalOperator, as a condition.
    fn legacy_filter(&self, filter: &Option<LegacyConditions>) -> Result<Option<Condition>> {
        let Some(filter) = filter else { return Ok(None) };
        legacy::filter(filter, self.conditional_operator.as_deref())
    }

    /// AttributesToGet may not name an attribute twice.
    fn check_attributes_to_get(&self) -> Result<()> {
        let names = self.attributes_to_get.as_deref().unwrap_or_default();
        let duplicate = names.iter().enumerate().find(|(i, name)| names[..*i].contains(name));
        if let Some((_, name)) = duplicate {
            bail_validation!("One or more parameter values were invalid: Duplicate value in attribute name: {name}");
        }
        Ok(())
    }

    /// The ExclusiveStartKey's values, validated as attribute values.
    fn exclusive_start_key(&self) -> Result<Option<Item>> {
        let Some(key) = &self.exclusive_start_key else {
            return Ok(None);
        };
        item_from_json(key).map(Some).map_err(|error| match error.kind {
            ErrorKind::Validation => starting_key_invalid(error),
            _ => error,
        })
    }

    /// The index IndexName names, if any. A missing index is reported differently by a
    /// Scan with an ExclusiveStartKey (`scan_start_key`). A global index refuses
    /// strongly consistent reads, and whole items when it does not project them all
    /// (dynalite's and AWS-verified conformance suites' messages).
    fn index(&self, engine: &Engine, table_name: &str, scan_start_key: bool) -> Result<Option<SecondaryIndex>> {
        let Some(name) = &self.index_name else { return Ok(None) };
        let index = match engine.secondary_index(table_name, name) {
            Ok(index) => index.clone(),
            Err(_) if scan_start_key => bail_validation!("The provided starting key is invalid"),
            Err(_) => return Err(no_such_index(name)),
        };
        if index.kind == IndexKind::Global {
            if self.consistent_read == Some(true) {
                bail_validation!("Consistent reads are not supported on global secondary indexes");
            }
            if index.backfilling_until_millis.is_some() {
                bail_validation!("Cannot read from backfilling global secondary index: {name}");
            }
            if self.select.as_deref() == Some("ALL_ATTRIBUTES") && index.projection != IndexProjection::All {
                bail_validation!(
                    "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index {name} because its projection type is not ALL"
                );
            }
        }
        Ok(Some(index))
    }

    /// How an index read takes its items: a local index fetches whole items from the
    /// table when the request asks for ALL_ATTRIBUTES or names (in its projection or its
    /// filter) an attribute the index does not carry; otherwise items are read as the
    /// index holds them. A global index never fetches: attributes it does not carry are
    /// simply absent.
    fn index_choice<'a>(
        &'a self,
        index: Option<&SecondaryIndex>,
        table_schema: &KeySchema,
        output: &Output,
        filter: Option<&Condition>,
    ) -> Option<IndexChoice<'a>> {
        let name = self.index_name.as_deref()?;
        let index = index?;
        let mut named: Vec<&str> = filter.map(Condition::top_level_names).unwrap_or_default();
        match output {
            Output::Items(Some(Shape::Projection(projection))) => {
                named.extend(projection.paths().iter().map(|path| path.head()))
            }
            Output::Items(Some(Shape::Names(names))) => named.extend(names.iter().map(String::as_str)),
            _ => {}
        }
        let fetch = index.kind == IndexKind::Local
            && (self.select.as_deref() == Some("ALL_ATTRIBUTES")
                || named.iter().any(|name| !index.projects(table_schema, name)));
        let read = if fetch { IndexRead::FetchFromTable } else { IndexRead::Projected };
        Some(IndexChoice { name, read })
    }

    fn placeholders(&self) -> Result<Placeholders> {
        Placeholders::new(self.expression_attribute_names.as_ref(), self.expression_attribute_values.as_ref())
    }

    fn parse_expressions(&self, placeholders: &Placeholders) -> Result<Expressions> {
        let filter = self.filter_expression.as_deref();
        let projection = self.projection_expression.as_deref();
        Ok(Expressions {
            filter: filter.map(|text| expr::parse_condition(text, ExpressionKind::Filter, placeholders)).transpose()?,
            projection: projection.map(|text| expr::parse_projection(text, placeholders)).transpose()?,
        })
    }

    /// Select against the projection given (ProjectionExpression or AttributesToGet),
    /// with DynamoDB's messages (DynamoDB Local's wording, confirmed against AWS by
    /// conformance suites).
    fn output(&self, projection: Option<Projection>, has_index: bool) -> Result<Output> {
        let named = match (&projection, &self.attributes_to_get) {
            (Some(_), _) => "ProjectionExpression",
            _ => "AttributesToGet",
        };
        let shape = projection.map(Shape::Projection).or_else(|| self.attributes_to_get.clone().map(Shape::Names));
        let cannot = |choice: &str| validation!("Cannot specify the {named} when choosing to get {choice}");
        match (self.select.as_deref(), shape) {
            (None, shape) => Ok(Output::Items(shape)),
            (Some("ALL_ATTRIBUTES"), None) => Ok(Output::Items(None)),
            (Some("ALL_ATTRIBUTES"), Some(_)) => Err(cannot("ALL_ATTRIBUTES")),
            (Some("ALL_PROJECTED_ATTRIBUTES"), Some(_)) => Err(cannot("ALL_PROJECTED_ATTRIBUTES")),
            (Some("ALL_PROJECTED_ATTRIBUTES"), None) if has_index => Ok(Output::Items(None)),
            (Some("COUNT"), None) => Ok(Output::Count),
            (Some("COUNT"), Some(_)) => Err(cannot("only the Count")),
            (Some("SPECIFIC_ATTRIBUTES"), Some(shape)) => Ok(Output::Items(Some(shape))),
            (Some("SPECIFIC_ATTRIBUTES"), None) => Err(validation!(
                "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
            )),
            // ALL_PROJECTED_ATTRIBUTES alone, without an index.
            _ => Err(validation!("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")),
        }
    }

    fn page_options<'a>(&self, filter: Option<&'a Condition>) -> PageOptions<'a> {
        // check_shape has refused a Limit below 1.
        PageOptions { limit: self.limit.map(|limit| limit as usize), filter }
    }

    /// The response, after charging the read to the partition it read (`None`: a Scan
    /// read them all) of the table or the index.
    fn respond(
        &self,
        engine: &mut Engine,
        table_name: &str,
        page: Page,
        output: Output,
        (index, partition): (Option<&SecondaryIndex>, Option<&AttributeValue>),
    ) -> Result<String> {
        let consistent = self.consistent_read.unwrap_or(false);
        let consumed = read_consumed(&page, consistent, index);
        let index_name = index.map(|index| index.name.as_str());
        engine.consume(table_name, index_name, partition, Access::Read, consumed.usage());
        let detail = Detail::from_wire(self.return_consumed_capacity.as_deref());
        let count = page.items.len();
        let items = match output {
            Output::Count => None,
            Output::Items(None) => Some(ReadItems::Packed(page.items)),
            Output::Items(Some(shape)) => {
                Some(ReadItems::Built(page.items.iter().map(|item| shape.apply(&item.unpack())).collect()))
            }
        };
        render(&ReadResponse {
            items,
            count,
            scanned_count: page.scanned_count,
            last_evaluated_key: page.last_evaluated_key,
            consumed_capacity: capacity::report_consumed(detail, table_name, &consumed),
        })
    }
}

/// What a page read consumed. A read of the table charges the table; a read through an
/// index charges the index for its entries, and (a local index read asking for attributes
/// the index does not project) the table for the items fetched from it, each share
/// rounded up to 4 KB on its own, as dynalite computes it.
pub(super) fn read_consumed(page: &Page, consistent: bool, index: Option<&SecondaryIndex>) -> Consumed {
    let Some(index) = index else { return Consumed::table(capacity::read_units(page.scanned_bytes, consistent)) };
    let (index_bytes, table_units) = match page.index_bytes {
        Some(index_bytes) => {
            let fetched = match page.scanned_count {
                0 => 0.0,
                _ => capacity::read_units(page.scanned_bytes, consistent),
            };
            (index_bytes, fetched)
        }
        None => (page.scanned_bytes, 0.0),
    };
    let mut consumed = Consumed::table(table_units);
    consumed.add_index(index, capacity::read_units(index_bytes, consistent));
    consumed
}

/// Where Query's key condition comes from.
enum Key<'a> {
    Expression(&'a str),
    Legacy(LegacyKeyConditions),
}

/// Each legacy condition's name and ComparisonOperator, for the request-shape check.
fn operators(conditions: &Option<LegacyConditions>) -> impl Iterator<Item = (&String, &Option<String>)> {
    conditions.iter().flatten().map(|(name, condition)| (name, &condition.comparison_operator))
}

/// A Query filter reads only non-key attributes; the partition key is reported first.
fn check_filter_keys(
    filter: Option<&Condition>,
    query_filter: Option<&LegacyConditions>,
    schema: &KeySchema,
) -> Result<()> {
    if let Some(query_filter) = query_filter {
        return legacy::check_query_filter_keys(query_filter, schema);
    }
    let Some(filter) = filter else { return Ok(()) };
    let names = filter.top_level_names();
    let keys = std::iter::once(&schema.partition).chain(&schema.sort);
    match keys.map(|key| &key.name).find(|name| names.contains(&name.as_str())) {
        Some(name) => bail_validation!(
            "Filter Expression can only contain non-primary key attributes: Primary key attribute: {name}"
        ),
        None => Ok(()),
    }
}

impl Shape {
    fn apply(&self, item: &Item) -> Item {
        match self {
            Shape::Projection(projection) => projection.apply(item),
            Shape::Names(names) => {
                item.iter().filter(|(name, _)| names.contains(name)).map(|(n, v)| (n.clone(), v.clone())).collect()
            }
        }
    }
}

/// Segment and TotalSegments' own ranges (Segment 0 to 999999, TotalSegments 1 to 1000000).
fn check_segment_ranges(segment: Option<i64>, total: Option<i64>, violations: &mut Violations) {
    let mut range = |value: Option<i64>, path: &str, low: i64, high: i64| match value {
        Some(value) if value < low => violations.add(
            format!("'{value}'"),
            path,
            &format!("Member must have value greater than or equal to {low}"),
        ),
        Some(value) if value > high => {
            violations.add(format!("'{value}'"), path, &format!("Member must have value less than or equal to {high}"))
        }
        _ => {}
    };
    range(total, "totalSegments", 1, MAX_TOTAL_SEGMENTS);
    range(segment, "segment", 0, MAX_TOTAL_SEGMENTS - 1);
}

/// The parallel scan segment, if any: Segment and TotalSegments come together, and
/// Segment is below TotalSegments (messages recorded by dynalite against AWS).
fn segment(segment: Option<i64>, total: Option<i64>) -> Result<Option<Segment>> {
    match (segment, total) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(validation!(
            "The TotalSegments parameter is required but was not present in the request when Segment parameter is present"
        )),
        (None, Some(_)) => Err(validation!(
            "The Segment parameter is required but was not present in the request when parameter TotalSegments is present"
        )),
        (Some(index), Some(total)) if index >= total => Err(validation!(
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {index} is not less than TotalSegments: {total}"
        )),
        // check_segment_ranges has kept both within u32.
        (Some(index), Some(total)) => Ok(Some(Segment { index: index as u32, total: total as u32 })),
    }
}

#[cfg(test)]
mod tests {
    use crate::api::dispatch;
    use crate::clock::ManualClock;
    use crate::engine::Engine;
    use serde_json::{json, Value};
    use std::collections::BTreeMap;

    fn send(engine: &mut Engine, operation: &str, body: Value) -> Value {
        serde_json::from_str(&dispatch(engine, operation, &body.to_string()).unwrap()).unwrap()
    }

    fn engine_with_table(sort: bool) -> Engine {
        let mut engine = Engine::new(Box::new(ManualClock::new(0)));
        let mut schema = vec![json!({"AttributeName": "p", "KeyType": "HASH"})];
        let mut attributes = vec![json!({"AttributeName": "p", "AttributeType": "S"})];
        if sort {
            schema.push(json!({"AttributeName": "s", "KeyType": "RANGE"}));
            attributes.push(json!({"AttributeName": "s", "AttributeType": "N"}));
        }
        let table = json!({"TableName": "Seg", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": schema, "AttributeDefinitions": attributes});
        send(&mut engine, "CreateTable", table);
        engine
    }

    fn put(engine: &mut Engine, item: Value) {
        send(engine, "PutItem", json!({"TableName": "Seg", "Item": item}));
    }

    /// Items near the 400 KB limit: a page stops at the item that brings what was read
    /// to 1 MB (that item included), with a LastEvaluatedKey.
    #[test]
    fn pages_stop_at_one_megabyte_read() {
        let mut engine = engine_with_table(false);
        for p in 0..4 {
            put(&mut engine, json!({"p": {"S": format!("p{p}")}, "data": {"S": "x".repeat(390_000)}}));
        }
        let first = send(
            &mut engine,
            "Scan",
            json!({"TableName": "Seg", "Select": "COUNT", "ReturnConsumedCapacity": "TOTAL"}),
        );
        assert_eq!(first["ScannedCount"], 3);
        assert_eq!(first["LastEvaluatedKey"], json!({"p": {"S": "p2"}}));
        // 3 × 390,007 bytes = 1,170,021 bytes: 286 blocks of 4 KB, halved.
        assert_eq!(first["ConsumedCapacity"]["CapacityUnits"], 143.0);
        let rest = json!({"TableName": "Seg", "Select": "COUNT", "ExclusiveStartKey": first["LastEvaluatedKey"]});
        let second = send(&mut engine, "Scan", rest);
        assert_eq!(second["ScannedCount"], 1);
        assert_eq!(second.get("LastEvaluatedKey"), None);
    }

    /// Capacity is charged on the sum of the sizes read, rounded once: three items of
    /// about 1.5 KB cost 2 units (1 eventually consistent), not 3.
    #[test]
    fn capacity_rounds_the_total_not_each_item() {
        let mut engine = engine_with_table(false);
        for p in 0..3 {
            put(&mut engine, json!({"p": {"S": format!("p{p}")}, "data": {"S": "x".repeat(1_500)}}));
        }
        let request = json!({"TableName": "Seg", "ReturnConsumedCapacity": "TOTAL", "ConsistentRead": true});
        assert_eq!(send(&mut engine, "Scan", request)["ConsumedCapacity"]["CapacityUnits"], 2.0);
    }

    /// Every segment of a parallel scan, paged to the end with a small Limit, returns
    /// each item exactly once across all segments.
    #[test]
    fn parallel_scan_segments_partition_the_table() {
        let mut engine = engine_with_table(true);
        for p in 0..40 {
            for s in 0..3 {
                put(&mut engine, json!({"p": {"S": format!("p{p}")}, "s": {"N": s.to_string()}}));
            }
        }
        for total in [1, 3, 8] {
            let mut seen = BTreeMap::new();
            for segment in 0..total {
                let mut request = json!({"TableName": "Seg", "Segment": segment, "TotalSegments": total, "Limit": 4});
                loop {
                    let page = send(&mut engine, "Scan", request.clone());
                    for item in page["Items"].as_array().unwrap() {
                        *seen.entry(item.to_string()).or_insert(0) += 1;
                    }
                    match page.get("LastEvaluatedKey") {
                        Some(key) => request["ExclusiveStartKey"] = key.clone(),
                        None => break,
                    }
                }
            }
            assert_eq!(seen.len(), 120, "{total} segments");
            assert!(seen.values().all(|&count| count == 1), "{total} segments");
        }
    }
}
