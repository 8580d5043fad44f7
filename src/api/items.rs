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
    return_values: Option<String>,
    return_consumed_capacity: Option<String>,
    return_item_collection_metrics: Option<String>,
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
    return_values: Option<String>,
    return_consumed_capacity: Option<String>,
    return_item_collection_metrics: Option<String>,
    #[serde(flatten)]
    later: LaterParameters,
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

pub fn put_item(engine: &mut Engine, request: PutItemRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.table_name(&request.table_name, "tableName");
    violations.not_null(&request.item, "item");
    check_write_options(
        &mut violations,
        &request.return_values,
        &request.return_consumed_capacity,
        &request.return_item_collection_metrics,
    );
    violations.finish()?;
    let (table_name, item) = (required(request.table_name, "tableName")?, required(request.item, "item")?);
    request.later.refuse("PutItem")?;
    let item = item_from_json(&item)?;
    let return_values = write_return_values(request.return_values.as_deref())?;
    let new_size = item_size(&item);
    let old = engine.put_item(&table_name, item)?;
    let sizes = [new_size, old.as_ref().map_or(0, item_size)];
    let detail = Detail::from_wire(request.return_consumed_capacity.as_deref());
    render(&WriteResponse {
        consumed_capacity: capacity::report(detail, &table_name, capacity::write_units(&sizes)),
        attributes: old.filter(|_| return_values == ReturnValues::AllOld),
    })
}

pub fn get_item(engine: &mut Engine, request: GetItemRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.table_name(&request.table_name, "tableName");
    violations.not_null(&request.key, "key");
    violations.one_of(&request.return_consumed_capacity, "returnConsumedCapacity", &Detail::WIRE_NAMES);
    violations.finish()?;
    let (table_name, key) = (required(request.table_name, "tableName")?, required(request.key, "key")?);
    request.later.refuse("GetItem")?;
    let key = item_from_json(&key)?;
    let item = engine.get_item(&table_name, &key)?;
    let consistent = request.consistent_read.unwrap_or(false);
    let units = capacity::read_units(item.as_ref().map_or(0, item_size), consistent);
    let detail = Detail::from_wire(request.return_consumed_capacity.as_deref());
    render(&GetItemResponse { item, consumed_capacity: capacity::report(detail, &table_name, units) })
}

pub fn delete_item(engine: &mut Engine, request: DeleteItemRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.table_name(&request.table_name, "tableName");
    violations.not_null(&request.key, "key");
    check_write_options(
        &mut violations,
        &request.return_values,
        &request.return_consumed_capacity,
        &request.return_item_collection_metrics,
    );
    violations.finish()?;
    let (table_name, key) = (required(request.table_name, "tableName")?, required(request.key, "key")?);
    request.later.refuse("DeleteItem")?;
    let key = item_from_json(&key)?;
    let return_values = write_return_values(request.return_values.as_deref())?;
    let old = engine.delete_item(&table_name, &key)?;
    let units = capacity::write_units(&[old.as_ref().map_or(0, item_size)]);
    let detail = Detail::from_wire(request.return_consumed_capacity.as_deref());
    render(&WriteResponse {
        consumed_capacity: capacity::report(detail, &table_name, units),
        attributes: old.filter(|_| return_values == ReturnValues::AllOld),
    })
}

fn check_write_options(
    violations: &mut Violations,
    return_values: &Option<String>,
    consumed: &Option<String>,
    metrics: &Option<String>,
) {
    violations.one_of(return_values, "returnValues", &RETURN_VALUES);
    violations.one_of(consumed, "returnConsumedCapacity", &Detail::WIRE_NAMES);
    violations.one_of(metrics, "returnItemCollectionMetrics", &ITEM_COLLECTION_METRICS);
}

/// PutItem and DeleteItem accept only NONE and ALL_OLD of the five ReturnValues.
fn write_return_values(name: Option<&str>) -> Result<ReturnValues> {
    match name {
        None | Some("NONE") => Ok(ReturnValues::None),
        Some("ALL_OLD") => Ok(ReturnValues::AllOld),
        Some(_) => Err(crate::validation!("ReturnValues can only be ALL_OLD or NONE")),
    }
}
