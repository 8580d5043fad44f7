//! PutItem, GetItem, DeleteItem and UpdateItem on the wire.
//!
//! A request is checked in DynamoDB's order (recorded against AWS by dynalite's tests):
//!
//! 1. The request shape: [`Violations`] such as a null `tableName` or a value outside an
//!    enumeration, all reported at once.
//! 2. [`check_expression_mix`]: expression and legacy parameters together, or placeholder maps
//!    without any expression; then ConditionalOperator without two or more Expected
//!    entries to join.
//! 3. The attribute values of `Item` or `Key`; for PutItem also ReturnValues and the item
//!    size.
//! 4. The legacy parameters, translated by [`legacy`] into the expression types
//!    (AttributeUpdates before Expected), so that they evaluate as expressions do.
//! 5. The placeholders, then each expression (UpdateExpression before
//!    ConditionExpression), then placeholders no expression used.
//! 6. Only then the engine: the table, the key, the condition, the write.

use crate::api::capacity::{self, Consumed, ConsumedCapacity, Detail, ItemCollectionMetrics};
use crate::api::validate::{check_expression_mix, required, Violations, CONDITIONAL_OPERATORS};
use crate::api::{dax, plain_request, read, render, render_with_item};
use crate::engine::ops::tags;
use crate::engine::{check_put_size, Access, Engine, Precondition, ReturnValues, Updated};
use crate::error::Result;
use crate::expr::legacy::{self, AttributeUpdate, ExpectedAttribute, ATTRIBUTE_ACTIONS};
use crate::expr::{self, Condition, ExpressionKind, Placeholders, Projection, Update};
use crate::model::plain::PlainItem;
use crate::model::{item_from_json, item_size, AttributeValue, CompactCollect, Item, KeyValues, PackedItem};
use crate::{bail_validation, validation};
use serde::de::{Error as _, MapAccess, Visitor};
use serde::{Deserializer as _, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

const RETURN_VALUES: [&str; 5] = ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"];
pub(super) const ON_CONDITION_CHECK_FAILURE: [&str; 2] = ["ALL_OLD", "NONE"];
/// AttributesToGet holds 1 to 255 names.
const MAX_ATTRIBUTES_TO_GET: usize = 255;

crate::api::reader::request! {
    #[cfg_attr(test, derive(Debug))]
    pub struct PutItemRequest {
        "TableName" => table_name: String,
        "Item" => item: Map<String, Value>,
        flatten options: WriteOptions,
        flatten condition: ConditionMembers,
        // The Item when [`read_put_item`] read it quickly (`item` is then an empty map).
        skip plain_item: Option<Item>,
    }
}

/// PutItem's request. The common request (TableName, a plainly valid Item, and
/// ReturnValues, ReturnConsumedCapacity or ReturnItemCollectionMetrics) is read at once
/// into its [`Item`] ([`PlainItem`]); any other is parsed and validated the usual way,
/// errors included.
pub fn read_put_item(body: &str) -> Result<PutItemRequest> {
    let mut deserializer = serde_json::Deserializer::from_str(body);
    match deserializer.deserialize_map(PlainPut).and_then(|request| deserializer.end().map(|()| request)) {
        Ok(request) => Ok(request),
        Err(_) => super::read(body),
    }
}

/// Reads a PutItem request of only the members [`read_put_item`] takes, each once and a string but
/// the Item; anything else is an error, that sends the request to the usual parser.
struct PlainPut;

impl<'de> Visitor<'de> for PlainPut {
    type Value = PutItemRequest;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a PutItem request")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<PutItemRequest, A::Error> {
        let mut request = PutItemRequest::default();
        while let Some(member) = map.next_key::<&str>()? {
            let slot = match member {
                "Item" if request.plain_item.is_none() => {
                    request.plain_item = Some(map.next_value::<PlainItem>()?.0);
                    request.item = Some(Map::new());
                    continue;
                }
                "TableName" => &mut request.table_name,
                "ReturnValues" => &mut request.options.return_values,
                "ReturnConsumedCapacity" => &mut request.options.return_consumed_capacity,
                "ReturnItemCollectionMetrics" => &mut request.options.return_item_collection_metrics,
                _ => return Err(A::Error::custom("not a plain PutItem")),
            };
            if slot.replace(map.next_value()?).is_some() {
                return Err(A::Error::custom("a member given twice"));
            }
        }
        Ok(request)
    }
}

crate::api::reader::request! {
    #[cfg_attr(test, derive(Debug))]
    pub struct DeleteItemRequest {
        "TableName" => table_name: String,
        "Key" => key: Map<String, Value>,
        flatten options: WriteOptions,
        flatten condition: ConditionMembers,
    }
}

crate::api::reader::request! {
    #[cfg_attr(test, derive(Debug))]
    pub struct UpdateItemRequest {
        "TableName" => table_name: String,
        "Key" => key: Map<String, Value>,
        "UpdateExpression" => update_expression: String,
        "AttributeUpdates" => attribute_updates: BTreeMap<String, Box<AttributeUpdate>>,
        flatten options: WriteOptions,
        flatten condition: ConditionMembers,
    }
}

crate::api::reader::request! {
    /// GetItem has no ExpressionAttributeValues member: DynamoDB ignores one, as it
    /// ignores every member an operation does not have.
    #[cfg_attr(test, derive(Debug))]
    pub struct GetItemRequest {
        "TableName" => table_name: String,
        "Key" => key: Map<String, Value>,
        "ConsistentRead" => consistent_read: bool,
        "ReturnConsumedCapacity" => return_consumed_capacity: String,
        "AttributesToGet" => attributes_to_get: Vec<String>,
        "ProjectionExpression" => projection_expression: String,
        "ExpressionAttributeNames" => expression_attribute_names: Map<String, Value>,
    }
}

crate::api::reader::request! {
    /// What a write may ask to get back.
    #[cfg_attr(test, derive(Debug))]
    pub struct WriteOptions {
        "ReturnValues" => return_values: String,
        "ReturnConsumedCapacity" => return_consumed_capacity: String,
        "ReturnItemCollectionMetrics" => return_item_collection_metrics: String,
    }
}

crate::api::reader::request! {
    /// The members that make a write conditional, shared by PutItem, DeleteItem and UpdateItem.
    #[cfg_attr(test, derive(Debug))]
    pub struct ConditionMembers {
        "ConditionExpression" => pub(super) condition_expression: String,
        "ExpressionAttributeNames" => pub(super) expression_attribute_names: Map<String, Value>,
        "ExpressionAttributeValues" => pub(super) expression_attribute_values: Map<String, Value>,
        "Expected" => expected: BTreeMap<String, Box<ExpectedAttribute>>,
        "ConditionalOperator" => conditional_operator: String,
        "ReturnValuesOnConditionCheckFailure" => pub(super) return_values_on_condition_check_failure: String,
    }
}

/// A write's parsed expressions.
pub(super) struct Expressions {
    pub(super) update: Option<Update>,
    pub(super) condition: Option<Condition>,
}

impl WriteOptions {
    fn check_capacity(&self, violations: &mut Violations) {
        violations.one_of(&self.return_consumed_capacity, "returnConsumedCapacity", &Detail::WIRE_NAMES);
    }

    fn check_return_values(&self, violations: &mut Violations) {
        violations.one_of(&self.return_values, "returnValues", &RETURN_VALUES);
    }

    fn check_metrics(&self, violations: &mut Violations) {
        violations.one_of(
            &self.return_item_collection_metrics,
            "returnItemCollectionMetrics",
            &capacity::ITEM_COLLECTION_METRICS,
        );
    }

    /// The ReturnValues choice, already checked against the enumeration.
    fn return_values(&self) -> ReturnValues {
        match self.return_values.as_deref() {
            Some("ALL_OLD") => ReturnValues::AllOld,
            Some("UPDATED_OLD") => ReturnValues::UpdatedOld,
            Some("ALL_NEW") => ReturnValues::AllNew,
            Some("UPDATED_NEW") => ReturnValues::UpdatedNew,
            _ => ReturnValues::None,
        }
    }

    /// PutItem and DeleteItem accept only NONE and ALL_OLD of the five.
    fn old_or_none(&self) -> Result<ReturnValues> {
        match self.return_values() {
            choice @ (ReturnValues::None | ReturnValues::AllOld) => Ok(choice),
            _ => Err(validation!("ReturnValues can only be ALL_OLD or NONE")),
        }
    }

    fn detail(&self) -> Detail {
        Detail::from_wire(self.return_consumed_capacity.as_deref())
    }

    /// Whether the write needs its item after it: for the index writes capacity counts
    /// (reported, or charged to the table's indexes), or for the item collection its key
    /// names.
    fn needs_item(&self, engine: &Engine, table_name: &str) -> bool {
        self.detail() != Detail::None
            || self.return_item_collection_metrics.as_deref() == Some("SIZE")
            || capacity::charges_indexes(engine, table_name)
    }

    /// The response: the attributes ReturnValues chose (an empty choice is left out, as
    /// DynamoDB leaves it out), the capacity when asked for (`table_units` for the table,
    /// plus what the write from `old` to `new` cost each index), and the item collection
    /// metrics of `key`'s collection when asked for and the table has a local index.
    fn respond(&self, engine: &mut Engine, table_name: &str, write: WriteOutcome) -> Result<String> {
        let detail = self.detail();
        let mut consumed = Consumed::table(write.table_units);
        if let Some(table) = engine.table(table_name) {
            consumed.add_index_writes(&table.meta, write.old.as_ref(), write.new.as_ref());
        }
        engine.consume(table_name, None, write.partition.as_ref(), Access::Write, consumed.usage());
        let table = engine.table(table_name);
        let asked = self.return_item_collection_metrics.as_deref() == Some("SIZE");
        let metrics =
            table.zip(write.key.as_ref()).and_then(|(table, key)| capacity::item_collection_metrics(asked, table, key));
        render(&WriteResponse {
            attributes: write.attributes.filter(|item| !item.is_empty()),
            consumed_capacity: capacity::report_consumed(detail, table_name, &consumed),
            item_collection_metrics: metrics,
        })
    }
}

/// The item a PutItem or DeleteItem replaced, unpacked only when the response needs it:
/// for the write's index units (`needs_item`) and for ReturnValues ALL_OLD (the second).
fn unpack_old(old: Option<PackedItem>, return_values: ReturnValues, needs_item: bool) -> (Option<Item>, Option<Item>) {
    let wanted = needs_item || return_values == ReturnValues::AllOld;
    let old = old.filter(|_| wanted).map(|old| old.unpack());
    let attributes = old.clone().filter(|_| return_values == ReturnValues::AllOld);
    (old, attributes)
}

/// What a write did, for its response.
struct WriteOutcome {
    /// The attributes ReturnValues chose.
    attributes: Option<Item>,
    /// The table's write units.
    table_units: f64,
    /// The item before and after (only when [`WriteOptions::needs_item`]).
    old: Option<Item>,
    new: Option<Item>,
    /// The item's key attributes (or the whole item), when [`WriteOptions::needs_item`].
    key: Option<Item>,
    /// The item's partition key value, for throttling.
    partition: Option<AttributeValue>,
}

impl ConditionMembers {
    /// ConditionalOperator and each Expected entry's ComparisonOperator.
    fn check_legacy_shape(&self, violations: &mut Violations) {
        violations.one_of(&self.conditional_operator, "conditionalOperator", &CONDITIONAL_OPERATORS);
        let operators = self.expected.iter().flatten().map(|(name, entry)| (name, &entry.comparison_operator));
        violations.comparison_operators(operators, "expected", false);
    }

    fn check_on_failure(&self, violations: &mut Violations) {
        violations.one_of(
            &self.return_values_on_condition_check_failure,
            "returnValuesOnConditionCheckFailure",
            &ON_CONDITION_CHECK_FAILURE,
        );
    }

    /// [`check_expression_mix`] for a write; UpdateItem adds its own pair of parameters in front.
    fn check_mix(&self, update: Option<(bool, bool)>) -> Result<()> {
        let mut expressions = Vec::new();
        let mut legacy = Vec::new();
        if let Some((update_expression, attribute_updates)) = update {
            expressions.push(("UpdateExpression", update_expression));
            legacy.push(("AttributeUpdates", attribute_updates));
        }
        expressions.push(("ConditionExpression", self.condition_expression.is_some()));
        legacy.push(("Expected", self.expected.is_some()));
        legacy.push(("ConditionalOperator", self.conditional_operator.is_some()));
        let values = self.expression_attribute_values.is_some();
        check_expression_mix(&expressions, &legacy, self.expression_attribute_names.is_some(), values)?;
        legacy::check_conditional_operator(
            self.conditional_operator.as_deref(),
            self.expected.as_ref().map(BTreeMap::len),
        )
    }

    /// Expected (joined by ConditionalOperator) as the write's condition, if given.
    fn expected_condition(&self) -> Result<Option<Condition>> {
        let Some(expected) = &self.expected else { return Ok(None) };
        legacy::expected(expected, self.conditional_operator.as_deref())
    }

    /// Resolves the placeholders, parses the UpdateExpression (if any) and then the
    /// ConditionExpression, and refuses placeholders neither used. A request without any
    /// expression member has nothing to parse.
    pub(super) fn parse(&self, update_expression: Option<&str>) -> Result<Expressions> {
        let placeholder_maps = self.expression_attribute_names.is_some() || self.expression_attribute_values.is_some();
        if update_expression.is_none() && self.condition_expression.is_none() && !placeholder_maps {
            return Ok(Expressions { update: None, condition: None });
        }
        let placeholders =
            Placeholders::new(self.expression_attribute_names.as_ref(), self.expression_attribute_values.as_ref())?;
        let update = update_expression.map(|text| expr::parse_update(text, &placeholders)).transpose()?;
        let condition = self.condition_expression.as_deref();
        let condition =
            condition.map(|text| expr::parse_condition(text, ExpressionKind::Condition, &placeholders)).transpose()?;
        placeholders.check_all_used()?;
        Ok(Expressions { update, condition })
    }

    fn precondition<'a>(&self, condition: Option<&'a Condition>) -> Precondition<'a> {
        Precondition { condition, item_on_failure: self.item_on_failure() }
    }

    /// ReturnValuesOnConditionCheckFailure=ALL_OLD.
    pub(super) fn item_on_failure(&self) -> bool {
        self.return_values_on_condition_check_failure.as_deref() == Some("ALL_OLD")
    }
}

/// The response of a write: the attributes asked for, and capacity when asked for.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WriteResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item_collection_metrics: Option<ItemCollectionMetrics>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetItemResponse {
    /// A projected item; an item as the table keeps it is rendered by [`render_with_item`].
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
}

/// The table name and the item or key object (named `member`) after step 1 passed.
fn target(
    table_name: Option<String>,
    object: Option<Map<String, Value>>,
    member: &str,
) -> Result<(String, Map<String, Value>)> {
    Ok((required(table_name, "tableName")?, required(object, member)?))
}

pub fn put_item(engine: &mut Engine, request: PutItemRequest) -> Result<String> {
    let (options, condition) = (request.options, request.condition);
    let mut violations = Violations::default();
    options.check_capacity(&mut violations);
    violations.table_name(&request.table_name, "tableName");
    violations.not_null(&request.item, "item");
    condition.check_legacy_shape(&mut violations);
    options.check_return_values(&mut violations);
    options.check_metrics(&mut violations);
    condition.check_on_failure(&mut violations);
    violations.finish()?;
    condition.check_mix(None)?;
    let (table_name, item) = target(request.table_name, request.item, "item")?;
    let item = match request.plain_item {
        Some(item) => item,
        None => item_from_json(&item)?,
    };
    let return_values = options.old_or_none()?;
    let new_size = item_size(&item);
    check_put_size(new_size)?;
    let expected = condition.expected_condition()?;
    let expressions = condition.parse(None)?;
    let precondition = condition.precondition(expressions.condition.as_ref().or(expected.as_ref()));
    let partition = capacity::partition_value(engine, &table_name, &item).cloned();
    engine.admit(&table_name, None, partition.as_ref(), Access::Write)?;
    let new = options.needs_item(engine, &table_name).then(|| item.clone());
    let old = engine.put_item_if(&table_name, item, &precondition)?;
    let table_units = capacity::write_units(&[new_size, old.as_ref().map_or(0, PackedItem::size)]);
    let (old, attributes) = unpack_old(old, return_values, new.is_some());
    let key = new.clone();
    options.respond(engine, &table_name, WriteOutcome { attributes, table_units, old, new, key, partition })
}

/// PutItem from its body: a plain request ([`plain_request::read_put`]: a table name and
/// an item, nothing else) to a table without indexes (whose write units need the item's
/// attributes) is stored as it was read, packed ([`Engine::put_packed`]); the rest as
/// [`put_item`] reads them. Both answer the same.
pub fn put_item_text(engine: &mut Engine, body: &str) -> Result<String> {
    let takes =
        |name: &str| tags::is_table_name(name) && engine.table(name).is_some_and(|table| table.meta.indexes.is_empty());
    let plain = plain_request::read_put(body, takes).filter(|(_, item)| check_put_size(item.size()).is_ok());
    let Some((table_name, partition, item)) =
        plain.and_then(|(name, item)| Some((name, partition_of(engine, name, &item)?, item)))
    else {
        return put_item(engine, read_put_item(body)?);
    };
    engine.admit(table_name, None, Some(&partition), Access::Write)?;
    let new_size = item.size();
    let old = engine.put_packed(table_name, item)?;
    let table_units = capacity::write_units(&[new_size, old.as_ref().map_or(0, PackedItem::size)]);
    let write =
        WriteOutcome { attributes: None, table_units, old: None, new: None, key: None, partition: Some(partition) };
    WriteOptions::default().respond(engine, table_name, write)
}

/// The value of a packed item's partition key attribute in its table.
fn partition_of(engine: &Engine, table_name: &str, item: &PackedItem) -> Option<AttributeValue> {
    let table = engine.table(table_name)?;
    item.attribute(&table.meta.key_schema.partition.name)
}

pub fn delete_item(engine: &mut Engine, request: DeleteItemRequest) -> Result<String> {
    let (options, condition) = (request.options, request.condition);
    let mut violations = Violations::default();
    options.check_capacity(&mut violations);
    violations.table_name(&request.table_name, "tableName");
    options.check_return_values(&mut violations);
    options.check_metrics(&mut violations);
    violations.not_null(&request.key, "key");
    condition.check_legacy_shape(&mut violations);
    condition.check_on_failure(&mut violations);
    violations.finish()?;
    condition.check_mix(None)?;
    let (table_name, key) = target(request.table_name, request.key, "key")?;
    let key = item_from_json(&key)?;
    let return_values = options.old_or_none()?;
    let expected = condition.expected_condition()?;
    let expressions = condition.parse(None)?;
    let precondition = condition.precondition(expressions.condition.as_ref().or(expected.as_ref()));
    let partition = capacity::partition_value(engine, &table_name, &key).cloned();
    engine.admit(&table_name, None, partition.as_ref(), Access::Write)?;
    let old = engine.delete_item_if(&table_name, &key, &precondition)?;
    let table_units = capacity::write_units(&[old.as_ref().map_or(0, PackedItem::size)]);
    let key = options.needs_item(engine, &table_name).then_some(key);
    let (old, attributes) = unpack_old(old, return_values, key.is_some());
    options.respond(engine, &table_name, WriteOutcome { attributes, table_units, old, new: None, key, partition })
}

pub fn update_item(engine: &mut Engine, request: UpdateItemRequest) -> Result<String> {
    let (options, condition) = (request.options, request.condition);
    let mut violations = Violations::default();
    options.check_capacity(&mut violations);
    violations.table_name(&request.table_name, "tableName");
    options.check_metrics(&mut violations);
    options.check_return_values(&mut violations);
    violations.not_null(&request.key, "key");
    condition.check_legacy_shape(&mut violations);
    check_actions(&request.attribute_updates, &mut violations);
    condition.check_on_failure(&mut violations);
    violations.finish()?;
    condition.check_mix(Some((request.update_expression.is_some(), request.attribute_updates.is_some())))?;
    let (table_name, key) = target(request.table_name, request.key, "key")?;
    let key = item_from_json(&key)?;
    let attribute_updates = request.attribute_updates.as_ref().map(legacy::attribute_updates).transpose()?;
    let expected = condition.expected_condition()?;
    let expressions = condition.parse(request.update_expression.as_deref())?;
    let update = expressions.update.as_ref().or(attribute_updates.as_ref());
    let precondition = condition.precondition(expressions.condition.as_ref().or(expected.as_ref()));
    let partition = capacity::partition_value(engine, &table_name, &key).cloned();
    engine.admit(&table_name, None, partition.as_ref(), Access::Write)?;
    let needs_item = options.needs_item(engine, &table_name);
    let return_values = options.return_values();
    let keep_old = needs_item || matches!(return_values, ReturnValues::AllOld | ReturnValues::UpdatedOld);
    let updated = engine.update_item(&table_name, &key, update, &precondition, keep_old)?;
    let sizes = updated.sizes;
    let (old, new) = match needs_item {
        true => (updated.old.as_deref().cloned(), Some(Item::clone(&updated.new))),
        false => (None, None),
    };
    let attributes = chosen_attributes(return_values, update, updated);
    let table_units = capacity::write_units(&sizes);
    let outcome = WriteOutcome { attributes, table_units, old, new, key: Some(key), partition };
    options.respond(engine, &table_name, outcome)
}

/// Each AttributeUpdates entry's Action, when given, from the enumeration.
fn check_actions(updates: &Option<BTreeMap<String, Box<AttributeUpdate>>>, violations: &mut Violations) {
    for (name, update) in updates.iter().flatten() {
        violations.one_of(&update.action, &format!("attributeUpdates.{name}.member.action"), &ATTRIBUTE_ACTIONS);
    }
}

/// What UpdateItem's ReturnValues choose: a whole image, or the updated paths of one
/// (none without an UpdateExpression).
fn chosen_attributes(choice: ReturnValues, update: Option<&Update>, updated: Updated) -> Option<Item> {
    let paths = || update.map(Update::updated_paths);
    match choice {
        ReturnValues::None => None,
        ReturnValues::AllOld => updated.old.map(Rc::unwrap_or_clone),
        ReturnValues::AllNew => Some(Rc::unwrap_or_clone(updated.new)),
        ReturnValues::UpdatedOld => paths().zip(updated.old).map(|(paths, old)| paths.apply(&old)),
        ReturnValues::UpdatedNew => paths().map(|paths| paths.apply(&updated.new)),
    }
}

/// GetItem, from the table or through the DAX cluster `dax`, whose item cache answers
/// an eventually consistent read it holds without reading (or charging) the table.
pub fn get_item(engine: &mut Engine, request: GetItemRequest, dax: Option<&str>) -> Result<String> {
    let consumed = request.return_consumed_capacity;
    let mut violations = Violations::default();
    violations.one_of(&consumed, "returnConsumedCapacity", &Detail::WIRE_NAMES);
    check_attributes_to_get(&request.attributes_to_get, &mut violations);
    violations.table_name(&request.table_name, "tableName");
    violations.not_null(&request.key, "key");
    violations.finish()?;
    let projection_given = request.projection_expression.is_some();
    let attributes_given = request.attributes_to_get.is_some();
    let names = request.expression_attribute_names.is_some();
    // GetItem has no ExpressionAttributeValues member, so none can be misplaced.
    let (projection, legacy) = ([("ProjectionExpression", projection_given)], [("AttributesToGet", attributes_given)]);
    check_expression_mix(&projection, &legacy, names, false)?;
    let (table_name, key) = target(request.table_name, request.key, "key")?;
    let key = item_from_json(&key)?;
    refuse_duplicate_names(request.attributes_to_get.as_deref())?;
    let projection =
        parse_projection(request.projection_expression.as_deref(), request.expression_attribute_names.as_ref())?;
    let read = ItemRead {
        table_name: &table_name,
        key: &key,
        projection,
        names: request.attributes_to_get,
        detail: Detail::from_wire(consumed.as_deref()),
        consistent: request.consistent_read.unwrap_or(false),
    };
    read_item(engine, read, dax)
}

/// GetItem from its body: a plain request ([`plain_request::read_get`]: a table name and
/// a key of strings and numbers, nothing else) is read without serde, the rest as
/// [`get_item`] reads them. Both answer the same.
pub fn get_item_text(engine: &mut Engine, body: &str) -> Result<String> {
    let Some((table_name, key)) = plain_request::read_get(body).filter(|(name, _)| tags::is_table_name(name)) else {
        return get_item(engine, read(body)?, None);
    };
    let read =
        ItemRead { table_name, key: &key, projection: None, names: None, detail: Detail::None, consistent: false };
    read_item(engine, read, None)
}

/// A GetItem request once validated.
struct ItemRead<'a> {
    table_name: &'a str,
    key: &'a dyn KeyValues,
    projection: Option<Projection>,
    /// AttributesToGet.
    names: Option<Vec<String>>,
    detail: Detail,
    consistent: bool,
}

/// Runs a validated GetItem.
fn read_item(engine: &mut Engine, read: ItemRead, dax: Option<&str>) -> Result<String> {
    let ItemRead { table_name, key, projection, names, detail, consistent } = read;
    let names = names.as_deref();
    let cache = match dax {
        Some(cluster) => Some(dax::ItemCache::open(engine, cluster, table_name, key, consistent)?),
        None => None,
    };
    if let Some(cached) = cache.as_ref().and_then(dax::ItemCache::cached) {
        let item = cached.map(|item| project(item, projection.as_ref(), names).into_owned());
        return render(&GetItemResponse { item, consumed_capacity: capacity::report(detail, table_name, 0.0) });
    }
    let partition = capacity::partition_value(engine, table_name, key);
    engine.admit(table_name, None, partition, Access::Read)?;
    // Capacity counts the whole item, whatever the projection keeps.
    let item = engine.get_item(table_name, key)?;
    let units = capacity::read_units(item.map_or(0, PackedItem::size), consistent);
    let fetched = cache.as_ref().map(|_| item.map(PackedItem::unpack));
    let consumed_capacity = capacity::report(detail, table_name, units);
    let response = match (item, &projection, names) {
        (Some(item), None, None) => {
            let rest =
                consumed_capacity.map(|capacity| GetItemResponse { item: None, consumed_capacity: Some(capacity) });
            render_with_item("Item", item, rest.as_ref())?
        }
        (item, projection, names) => {
            let item = item.map(|item| project(&item.unpack(), projection.as_ref(), names).into_owned());
            render(&GetItemResponse { item, consumed_capacity })?
        }
    };
    engine.consume(table_name, None, partition, Access::Read, Consumed::table(units).usage());
    if let (Some(cache), Some(fetched)) = (cache, fetched) {
        cache.fill(engine, fetched);
    }
    Ok(response)
}

/// GetItem's ProjectionExpression with its ExpressionAttributeNames (a request with
/// neither has nothing to parse).
pub(super) fn parse_projection(text: Option<&str>, names: Option<&Map<String, Value>>) -> Result<Option<Projection>> {
    if text.is_none() && names.is_none() {
        return Ok(None);
    }
    let placeholders = Placeholders::new(names, None)?;
    let projection = text.map(|text| expr::parse_projection(text, &placeholders)).transpose()?;
    placeholders.check_all_used()?;
    Ok(projection)
}

/// AttributesToGet's length rule (1 to 255 names), rendered as DynamoDB renders a list.
fn check_attributes_to_get(names: &Option<Vec<String>>, violations: &mut Violations) {
    let Some(names) = names else { return };
    let shown = format!("'[{}]'", names.join(", "));
    if names.is_empty() {
        violations.add(&shown, "attributesToGet", "Member must have length greater than or equal to 1");
    }
    if names.len() > MAX_ATTRIBUTES_TO_GET {
        violations.add(&shown, "attributesToGet", "Member must have length less than or equal to 255");
    }
}

fn refuse_duplicate_names(names: Option<&[String]>) -> Result<()> {
    let names = names.unwrap_or_default();
    match names.iter().enumerate().find(|(index, name)| names[..*index].contains(name)) {
        Some((_, name)) => {
            bail_validation!("One or more parameter values were invalid: Duplicate value in attribute name: {name}")
        }
        None => Ok(()),
    }
}

/// The item as GetItem returns it: whole, or cut to a ProjectionExpression or to
/// AttributesToGet (top-level names). A found item stays in the response even when
/// nothing of it is projected.
pub(super) fn project<'a>(
    item: &'a Item,
    projection: Option<&Projection>,
    attributes_to_get: Option<&[String]>,
) -> Cow<'a, Item> {
    match (projection, attributes_to_get) {
        (Some(projection), _) => Cow::Owned(projection.apply(item)),
        (None, Some(names)) => Cow::Owned(
            item.iter().filter(|(name, _)| names.contains(name)).map(|(n, v)| (n.clone(), v.clone())).collect_map(),
        ),
        (None, None) => Cow::Borrowed(item),
    }
}

#[cfg(test)]
mod tests {
    use crate::api::dispatch;
    use crate::clock::ManualClock;
    use crate::engine::Engine;
    use crate::error::ErrorKind;
    use serde_json::{json, Value};

    /// DynamoDB's item limit, 400 KB.
    const LIMIT: usize = 400 * 1024;

    /// An engine with the table `Things` (partition key `id`, a string), changes taken.
    fn engine() -> Engine {
        let mut engine = Engine::new(Box::new(ManualClock::new(0)));
        let table = json!({"TableName": "Things", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"});
        send(&mut engine, "CreateTable", table);
        engine.take_changes();
        engine
    }

    fn send(engine: &mut Engine, operation: &str, request: Value) -> String {
        dispatch(engine, operation, &request.to_string()).unwrap_or_else(|error| panic!("{operation}: {error}"))
    }

    fn fail(engine: &mut Engine, operation: &str, request: Value) -> crate::Error {
        dispatch(engine, operation, &request.to_string()).expect_err(operation)
    }

    /// An item of `id` whose attribute `b` makes it exactly `size` bytes.
    fn item_of_size(id: &str, size: usize) -> Value {
        json!({"id": {"S": id}, "b": {"S": "x".repeat(size - 2 - id.len() - 1)}})
    }

    #[test]
    fn put_item_size_is_checked_before_the_table() {
        let mut engine = engine();
        let request = json!({"TableName": "missing", "Item": item_of_size("a", LIMIT + 1)});
        let error = fail(&mut engine, "PutItem", request);
        assert_eq!(error.message, "Item size has exceeded the maximum allowed size");
        send(&mut engine, "PutItem", json!({"TableName": "Things", "Item": item_of_size("a", LIMIT)}));
    }

    #[test]
    fn writes_that_change_nothing_record_nothing() {
        let mut engine = engine();
        let key = json!({"id": {"S": "a"}});
        send(&mut engine, "UpdateItem", json!({"TableName": "Things", "Key": key}));
        assert_eq!(engine.take_changes().len(), 1, "the upsert creates the item");
        send(&mut engine, "UpdateItem", json!({"TableName": "Things", "Key": key}));
        send(&mut engine, "PutItem", json!({"TableName": "Things", "Item": key}));
        send(&mut engine, "DeleteItem", json!({"TableName": "Things", "Key": {"id": {"S": "b"}}}));
        assert!(engine.take_changes().is_empty());
    }

    // The tests below need the expression module.

    #[test]
    fn a_failed_condition_returns_the_item_when_asked() {
        let mut engine = engine();
        let item = json!({"id": {"S": "a"}, "n": {"N": "1"}});
        send(&mut engine, "PutItem", json!({"TableName": "Things", "Item": item}));
        engine.take_changes();
        let request = |on_failure: &str| {
            json!({"TableName": "Things", "Key": {"id": {"S": "a"}}, "ConditionExpression": "n = :two",
                "ExpressionAttributeValues": {":two": {"N": "2"}}, "ReturnValuesOnConditionCheckFailure": on_failure})
        };
        let error = fail(&mut engine, "DeleteItem", request("ALL_OLD"));
        assert_eq!(error.kind, ErrorKind::ConditionalCheckFailed);
        let body: Value = serde_json::from_str(&error.to_json()).unwrap();
        assert_eq!(
            body,
            json!({"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
                "message": "The conditional request failed", "Item": item})
        );
        let error = fail(&mut engine, "UpdateItem", request("NONE"));
        assert_eq!(error.item, None);
        assert!(engine.take_changes().is_empty());
        // A missing item has nothing to return.
        let mut missing = request("ALL_OLD");
        missing["Key"] = json!({"id": {"S": "b"}});
        assert_eq!(fail(&mut engine, "DeleteItem", missing).item, None);
    }

    #[test]
    fn an_update_may_not_grow_an_item_past_400_kb() {
        let mut engine = engine();
        send(&mut engine, "PutItem", json!({"TableName": "Things", "Item": item_of_size("a", LIMIT - 1)}));
        engine.take_changes();
        let update = |value: &str| {
            json!({"TableName": "Things", "Key": {"id": {"S": "a"}}, "UpdateExpression": "SET c = :v",
                "ExpressionAttributeValues": {":v": {"S": value}}})
        };
        let error = fail(&mut engine, "UpdateItem", update("xx"));
        assert_eq!(error.message, "Item size to update has exceeded the maximum allowed size");
        assert!(engine.take_changes().is_empty());
        // One byte for the name "c" and none for an empty string: exactly 400 KB.
        send(&mut engine, "UpdateItem", update(""));
    }

    #[test]
    fn a_plain_get_answers_as_the_general_way_answers() {
        let mut engine = engine();
        let pairs = json!({"TableName": "Pairs", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "n", "AttributeType": "N"}]});
        send(&mut engine, "CreateTable", pairs);
        send(&mut engine, "PutItem", json!({"TableName": "Things", "Item": {"id": {"S": "a"}, "x": {"L": []}}}));
        send(&mut engine, "PutItem", json!({"TableName": "Pairs", "Item": {"id": {"S": "a"}, "n": {"N": "1.5"}}}));
        let long = "x".repeat(2049);
        let keys = [
            ("Things", json!({"id": {"S": "a"}})),
            ("Things", json!({"id": {"S": "b"}})),
            ("Things", json!({"id": {"S": ""}})),
            ("Things", json!({"id": {"S": long}})),
            ("Things", json!({"id": {"N": "1"}})),
            ("Things", json!({"other": {"S": "a"}})),
            ("Things", json!({"id": {"S": "a"}, "n": {"N": "1"}})),
            ("Pairs", json!({"id": {"S": "a"}, "n": {"N": "15E-1"}})),
            ("Pairs", json!({"n": {"N": "1.50"}, "id": {"S": "a"}})),
            ("Pairs", json!({"id": {"S": "a"}})),
            ("Pairs", json!({"id": {"S": "a"}, "n": {"S": "1.5"}})),
            ("Pairs", json!({"id": {"S": "a"}, "m": {"N": "1.5"}})),
            ("Missing", json!({"id": {"S": "a"}})),
        ];
        let answer = |result: crate::Result<String>| result.unwrap_or_else(|error| error.to_json());
        for (table_name, key) in keys {
            let body = json!({"TableName": table_name, "Key": key}).to_string();
            assert!(super::plain_request::read_get(&body).is_some(), "{body}");
            let general = super::get_item(&mut engine, crate::api::read(&body).unwrap(), None);
            assert_eq!(answer(super::get_item_text(&mut engine, &body)), answer(general), "{body}");
        }
    }

    #[test]
    fn a_packed_put_answers_and_stores_as_the_general_way_does() {
        let setup = || {
            let mut engine = engine();
            let with = |name: &str, extra: Value| {
                let mut table = json!({"TableName": name, "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"});
                table.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
                table
            };
            let index = json!({"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"},
                {"AttributeName": "g", "AttributeType": "S"}], "GlobalSecondaryIndexes": [{"IndexName": "ByG",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}]});
            send(&mut engine, "CreateTable", with("Indexed", index));
            let stream =
                json!({"StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"}});
            send(&mut engine, "CreateTable", with("Streamed", stream));
            engine.take_changes();
            engine
        };
        let (mut packed, mut general) = (setup(), setup());
        let long = "x".repeat(2049);
        let big = "x".repeat(LIMIT);
        let items = [
            json!({"id": {"S": "a"}}),
            json!({"z": {"N": "-1.5"}, "id": {"S": "a"}, "m": {"M": {"y": {"NULL": true}, "x": {"SS": ["q", "p"]}}}}),
            json!({"b": {"B": "AQI="}, "l": {"L": [{"M": {"b": {"BOOL": false}, "a": {"NS": ["2", "1"]}}}]}, "id": {"S": "é"}}),
            json!({"id": {"S": "a"}, "g": {"S": "one"}}),
            json!({"id": {"N": "1"}}),
            json!({"id": {"S": ""}}),
            json!({"id": {"S": long}}),
            json!({"other": {"S": "a"}}),
            json!({"id": {"S": "a"}, "b": {"S": big}}),
            json!({"id": {"S": "a"}, "n": {"N": "1.50"}}),
            json!({"id": {"S": "a"}, "x": {"S": "1"}, "x": {"S": "2"}}),
        ];
        let answer = |result: crate::Result<String>| result.unwrap_or_else(|error| error.to_json());
        for table_name in ["Things", "Indexed", "Streamed", "Missing"] {
            for item in &items {
                let body = json!({"TableName": table_name, "Item": item}).to_string();
                let usual = super::put_item(&mut general, super::read_put_item(&body).unwrap());
                assert_eq!(answer(super::put_item_text(&mut packed, &body)), answer(usual), "{body}");
                let changes = |engine: &mut Engine| format!("{:?}", engine.take_changes());
                assert_eq!(changes(&mut packed), changes(&mut general), "{body}");
            }
            let Some(table) = general.table(table_name) else { continue };
            let stored: Vec<_> = table.packed_items().collect();
            assert_eq!(packed.table(table_name).unwrap().packed_items().collect::<Vec<_>>(), stored);
            assert_eq!(packed.table(table_name).unwrap().size_bytes(), table.size_bytes());
        }
        // Tables without indexes take their plain requests packed.
        let takes = |name: &str| name != "Indexed";
        for (table_name, taken) in [("Things", true), ("Streamed", true), ("Indexed", false)] {
            let body = json!({"TableName": table_name, "Item": items[1]}).to_string();
            assert_eq!(super::plain_request::read_put(&body, takes).is_some(), taken, "{body}");
        }
    }

    #[test]
    fn only_a_plain_put_is_read_quickly_and_it_reads_as_the_usual_parser_reads_it() {
        let item = json!({"id": {"S": "a"}, "n": {"N": "1.50"}, "m": {"M": {"l": {"L": [{"BOOL": true}]}}}});
        let plain = json!({"TableName": "Things", "Item": item, "ReturnValues": "ALL_OLD"}).to_string();
        let request = super::read_put_item(&plain).unwrap();
        let usual: super::PutItemRequest = crate::api::read(&plain).unwrap();
        let usual_item = crate::model::item_from_json(&usual.item.unwrap()).unwrap();
        assert_eq!(request.plain_item, Some(usual_item));
        assert_eq!(
            (request.table_name, request.options.return_values),
            (usual.table_name, usual.options.return_values)
        );
        let others = [
            json!({"TableName": "Things", "Item": item, "ConditionExpression": "attribute_not_exists(id)"}),
            json!({"TableName": "Things", "Item": {"id": {"S": "a", "N": "1"}}}),
            json!({"TableName": null, "Item": item}),
            json!({"TableName": "Things", "Item": item, "Unknown": 1}),
        ];
        for body in others {
            let request = super::read_put_item(&body.to_string()).unwrap();
            assert!(request.plain_item.is_none() && request.item.is_some(), "{body}");
        }
        let twice = format!(r#"{{"TableName":"Things","TableName":"Things","Item":{item}}}"#);
        assert!(super::read_put_item(&twice).is_err(), "a repeated member is the usual parser's error");
    }
}
