//! PutItem, GetItem and DeleteItem on the wire.

use crate::api::capacity::{self, ConsumedCapacity, Detail};
use crate::api::validate::{required, Violations};
use crate::api::{not_yet, render};
use crate::engine::{Engine, ReturnValues};
use crate::error::Result;
use crate::model::{item_from_json, item_size, Item};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

const RETURN_VALUES: [&str; 5] = ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"];
const ITEM_COLLECTION_METRICS: [&str; 2] = ["SIZE", "NONE"];

/// Parameters that belong to the expression language, which Dynaplay adds later.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct LaterParameters {
    condition_expression: Option<Value>,
    projection_expression: Option<Value>,
    expression_attribute_names: Option<Value>,
    expression_attribute_values: Option<Value>,
    expected: Option<Value>,
    conditional_operator: Option<Value>,
    attributes_to_get: Option<Value>,
    return_values_on_condition_check_failure: Option<Value>,
}

impl LaterParameters {
    fn refuse(&self, operation: &str) -> Result<()> {
        not_yet(&self.condition_expression, "ConditionExpression", operation)?;
        not_yet(&self.projection_expression, "ProjectionExpression", operation)?;
        not_yet(&self.expression_attribute_names, "ExpressionAttributeNames", operation)?;
        not_yet(&self.expression_attribute_values, "ExpressionAttributeValues", operation)?;
        not_yet(&self.expected, "Expected", operation)?;
        not_yet(&self.conditional_operator, "ConditionalOperator", operation)?;
        not_yet(&self.attributes_to_get, "AttributesToGet", operation)?;
        not_yet(&self.return_values_on_condition_check_failure, "ReturnValuesOnConditionCheckFailure", operation)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutItemRequest {
    table_name: Option<String>,
    item: Option<Map<String, Value>>,
    #[serde(flatten)]
    options: WriteOptions,
    #[serde(flatten)]
    later: LaterParameters,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetItemRequest {
    table_name: Option<String>,
    key: Option<Map<String, Value>>,
    consistent_read: Option<bool>,
    return_consumed_capacity: Option<String>,
    #[serde(flatten)]
    later: LaterParameters,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteItemRequest {
    table_name: Option<String>,
    key: Option<Map<String, Value>>,
    #[serde(flatten)]
    options: WriteOptions,
    #[serde(flatten)]
    later: LaterParameters,
}

/// What PutItem and DeleteItem may ask to get back.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WriteOptions {
    return_values: Option<String>,
    return_consumed_capacity: Option<String>,
    return_item_collection_metrics: Option<String>,
}

impl WriteOptions {
    fn check(&self, violations: &mut Violations) {
        violations.one_of(&self.return_values, "returnValues", &RETURN_VALUES);
        violations.one_of(&self.return_consumed_capacity, "returnConsumedCapacity", &Detail::WIRE_NAMES);
        violations.one_of(
            &self.return_item_collection_metrics,
            "returnItemCollectionMetrics",
            &ITEM_COLLECTION_METRICS,
        );
    }

    /// PutItem and DeleteItem accept only NONE and ALL_OLD of the five ReturnValues.
    fn return_values(&self) -> Result<ReturnValues> {
        match self.return_values.as_deref() {
            None | Some("NONE") => Ok(ReturnValues::None),
            Some("ALL_OLD") => Ok(ReturnValues::AllOld),
            Some(_) => Err(crate::validation!("ReturnValues can only be ALL_OLD or NONE")),
        }
    }

    fn respond(&self, table_name: &str, return_values: ReturnValues, old: Option<Item>, units: f64) -> Result<String> {
        let detail = Detail::from_wire(self.return_consumed_capacity.as_deref());
        render(&WriteResponse {
            consumed_capacity: capacity::report(detail, table_name, units),
            attributes: old.filter(|_| return_values == ReturnValues::AllOld),
        })
    }
}

/// The response of a write: the old item when asked for, and capacity when asked for.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WriteResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetItemResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
}

/// Checks the members all item operations share, plus the operation's own (`more`), and
/// returns the table name and the item or key object named `member`.
fn target(
    table_name: Option<String>,
    object: Option<Map<String, Value>>,
    member: &str,
    more: impl FnOnce(&mut Violations),
) -> Result<(String, Map<String, Value>)> {
    let mut violations = Violations::default();
    violations.table_name(&table_name, "tableName");
    violations.not_null(&object, member);
    more(&mut violations);
    violations.finish()?;
    Ok((required(table_name, "tableName")?, required(object, member)?))
}

pub fn put_item(engine: &mut Engine, request: PutItemRequest) -> Result<String> {
    let options = request.options;
    let (table_name, item) = target(request.table_name, request.item, "item", |v| options.check(v))?;
    request.later.refuse("PutItem")?;
    let item = item_from_json(&item)?;
    let return_values = options.return_values()?;
    let new_size = item_size(&item);
    let old = engine.put_item(&table_name, item)?;
    let units = capacity::write_units(&[new_size, old.as_ref().map_or(0, item_size)]);
    options.respond(&table_name, return_values, old, units)
}

pub fn get_item(engine: &mut Engine, request: GetItemRequest) -> Result<String> {
    let consumed = request.return_consumed_capacity;
    let (table_name, key) = target(request.table_name, request.key, "key", |v| {
        v.one_of(&consumed, "returnConsumedCapacity", &Detail::WIRE_NAMES)
    })?;
    request.later.refuse("GetItem")?;
    let key = item_from_json(&key)?;
    let item = engine.get_item(&table_name, &key)?;
    let consistent = request.consistent_read.unwrap_or(false);
    let units = capacity::read_units(item.as_ref().map_or(0, item_size), consistent);
    let detail = Detail::from_wire(consumed.as_deref());
    render(&GetItemResponse { item, consumed_capacity: capacity::report(detail, &table_name, units) })
}

pub fn delete_item(engine: &mut Engine, request: DeleteItemRequest) -> Result<String> {
    let options = request.options;
    let (table_name, key) = target(request.table_name, request.key, "key", |v| options.check(v))?;
    request.later.refuse("DeleteItem")?;
    let key = item_from_json(&key)?;
    let return_values = options.return_values()?;
    let old = engine.delete_item(&table_name, &key)?;
    let units = capacity::write_units(&[old.as_ref().map_or(0, item_size)]);
    options.respond(&table_name, return_values, old, units)
}

#[derive(Deserialize)]
pub struct UpdateItemRequest {}

/// Stub: its owner is writing it now.
pub fn update_item(_engine: &mut Engine, _request: UpdateItemRequest) -> Result<String> {
    Err(crate::error::Error::new(crate::error::ErrorKind::UnknownOperation, "not yet"))
}
