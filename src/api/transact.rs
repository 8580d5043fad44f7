//! TransactWriteItems and TransactGetItems on the wire.
//!
//! A request is checked in DynamoDB's stages:
//!
//! 1. The request framework's constraints, all reported at once: enumerations, the
//!    ClientRequestToken's length, TransactItems' length (1 to 100), and each action's
//!    required members (`transactItems.1.member.put.item`) and table name.
//! 2. Each element holds exactly one action; its attribute values, a Put's item size, its
//!    placeholders and expressions, parsed as the single-item operations parse them
//!    ([`ConditionMembers::parse`]); then the transaction's 4 MB aggregate size.
//! 3. The engine ([`Engine::transact_write_items`]): tables, keys, one action per item,
//!    then every condition against the state before the transaction; any failure there
//!    cancels the transaction with one reason per action.
//!
//! Capacity: a transaction costs twice the units of the same plain reads and writes
//! (indexes included), reported per table with ReadCapacityUnits or WriteCapacityUnits.

use crate::api::capacity::{
    self, Access, Consumed, ConsumedCapacity, Detail, ItemCollectionMetrics, TRANSACTION_FACTOR,
};
use crate::api::items::{parse_projection, project, ConditionMembers, ON_CONDITION_CHECK_FAILURE};
use crate::api::render;
use crate::api::tables::java_string_hash;
use crate::api::validate::{check_expression_mix, required, Violations};
use crate::bail_validation;
use crate::engine::{ActionOutcome, ClientToken, Engine, TransactAction, TransactOutcome, TransactWrite};
use crate::error::{Error, Result};
use crate::expr::Projection;
use crate::model::{item_from_json, item_size, Item};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Actions one transaction may hold.
const MAX_ACTIONS: usize = 100;
/// A ClientRequestToken's length limit.
const MAX_TOKEN_LENGTH: usize = 36;
/// The aggregate size of a transaction's items.
const MAX_TRANSACTION_BYTES: usize = 4 * 1024 * 1024;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransactWriteItemsRequest {
    transact_items: Option<Vec<TransactWriteItem>>,
    client_request_token: Option<String>,
    return_consumed_capacity: Option<String>,
    return_item_collection_metrics: Option<String>,
}

/// One element of TransactItems: exactly one of the four actions.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
struct TransactWriteItem {
    #[serde(skip_serializing_if = "Option::is_none")]
    condition_check: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    put: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delete: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    update: Option<Value>,
}

/// The members of any action; each action reads those it has (DynamoDB ignores the rest).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ActionMembers {
    table_name: Option<String>,
    item: Option<Map<String, Value>>,
    key: Option<Map<String, Value>>,
    update_expression: Option<String>,
    #[serde(flatten)]
    condition: ConditionMembers,
}

/// Which of the four actions an element holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    ConditionCheck,
    Put,
    Delete,
    Update,
}

impl Kind {
    /// The member's name in request paths (`transactItems.1.member.put`).
    fn path_name(self) -> &'static str {
        match self {
            Kind::ConditionCheck => "conditionCheck",
            Kind::Put => "put",
            Kind::Delete => "delete",
            Kind::Update => "update",
        }
    }
}

impl TransactWriteItem {
    /// The actions present, in the order DynamoDB lists their violations.
    fn actions(&self) -> Vec<(Kind, &Value)> {
        let members =
            [(Kind::ConditionCheck, &self.condition_check), (Kind::Delete, &self.delete), (Kind::Put, &self.put)];
        let members = members.into_iter().chain([(Kind::Update, &self.update)]);
        members.filter_map(|(kind, member)| member.as_ref().map(|value| (kind, value))).collect()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TransactWriteItemsResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item_collection_metrics: Option<BTreeMap<String, Vec<ItemCollectionMetrics>>>,
}

/// A parsed action and what its response needs: its table and the item or key it names.
pub(super) struct ParsedAction {
    pub(super) write: TransactWrite,
    pub(super) named: Item,
}

pub fn transact_write_items(engine: &mut Engine, request: TransactWriteItemsRequest, body: &str) -> Result<String> {
    let detail = Detail::from_wire(request.return_consumed_capacity.as_deref());
    let metrics_asked = request.return_item_collection_metrics.as_deref() == Some("SIZE");
    let parsed = check_write_request(&request)?;
    let actions = parsed.into_iter().map(|(kind, members)| parse_action(kind, members)).collect::<Result<Vec<_>>>()?;
    check_aggregate_size(&actions)?;
    let token = request.client_request_token.map(|token| ClientToken { token, fingerprint: fingerprint(body) });
    let writes: Vec<TransactWrite> = actions.iter().map(|action| action.write.clone()).collect();
    match engine.transact_write_items(&writes, token)? {
        TransactOutcome::Committed(outcomes) => respond_committed(engine, &actions, &outcomes, detail, metrics_asked),
        TransactOutcome::Replayed(items) => respond_replayed(&actions, &items, detail),
    }
}

/// Stage 1, and the elements' single actions with their members.
fn check_write_request(request: &TransactWriteItemsRequest) -> Result<Vec<(Kind, ActionMembers)>> {
    let mut violations = Violations::default();
    violations.one_of(&request.return_consumed_capacity, "returnConsumedCapacity", &Detail::WIRE_NAMES);
    violations.one_of(
        &request.return_item_collection_metrics,
        "returnItemCollectionMetrics",
        &capacity::ITEM_COLLECTION_METRICS,
    );
    check_token(&request.client_request_token, &mut violations);
    let elements = request.transact_items.as_deref();
    check_action_count(elements, &mut violations, "TransactWriteItem");
    let mut elements_actions = Vec::new();
    for (index, element) in elements.unwrap_or_default().iter().enumerate() {
        let mut actions = Vec::new();
        for (kind, value) in element.actions() {
            let members: ActionMembers =
                serde_json::from_value(value.clone()).map_err(|error| Error::serialization(error.to_string()))?;
            let path = format!("transactItems.{}.member.{}", index + 1, kind.path_name());
            check_action_members(kind, &members, &path, &mut violations);
            actions.push((kind, members));
        }
        elements_actions.push(actions);
    }
    violations.finish()?;
    elements_actions.into_iter().map(single_action).collect()
}

/// The one action of an element.
fn single_action(actions: Vec<(Kind, ActionMembers)>) -> Result<(Kind, ActionMembers)> {
    if actions.len() > 1 {
        bail_validation!("TransactItems can only contain one of Check, Put, Update or Delete");
    }
    match actions.into_iter().next() {
        Some(action) => Ok(action),
        None => {
            bail_validation!("The action or operation requested is invalid. Verify that the action is typed correctly.")
        }
    }
}

/// ClientRequestToken: 1 to 36 characters.
pub(super) fn check_token(token: &Option<String>, violations: &mut Violations) {
    let Some(token) = token else { return };
    let length = token.chars().count();
    if length < 1 {
        violations.add(
            format!("'{token}'"),
            "clientRequestToken",
            "Member must have length greater than or equal to 1",
        );
    }
    if length > MAX_TOKEN_LENGTH {
        let constraint = format!("Member must have length less than or equal to {MAX_TOKEN_LENGTH}");
        violations.add(format!("'{token}'"), "clientRequestToken", &constraint);
    }
}

/// TransactItems: present, 1 to 100 elements, echoed as Java prints the list (`class`
/// names the element type; the hashes are stand-ins, as for BatchWriteItem).
fn check_action_count<T: Serialize>(elements: Option<&[T]>, violations: &mut Violations, class: &str) {
    let Some(elements) = elements else {
        return violations.not_null(&None::<()>, "transactItems");
    };
    let echo = || {
        let element = |element: &T| {
            let hash = java_string_hash(&serde_json::to_string(element).unwrap_or_default());
            format!("com.amazonaws.dynamodb.v20120810.{class}@{hash:x}")
        };
        format!("'[{}]'", elements.iter().map(element).collect::<Vec<_>>().join(", "))
    };
    if elements.is_empty() {
        violations.add(echo(), "transactItems", "Member must have length greater than or equal to 1");
    }
    if elements.len() > MAX_ACTIONS {
        let constraint = format!("Member must have length less than or equal to {MAX_ACTIONS}");
        violations.add(echo(), "transactItems", &constraint);
    }
}

/// An action's required members and table name.
fn check_action_members(kind: Kind, members: &ActionMembers, path: &str, violations: &mut Violations) {
    match kind {
        Kind::Put => violations.not_null(&members.item, &format!("{path}.item")),
        _ => violations.not_null(&members.key, &format!("{path}.key")),
    }
    violations.table_name(&members.table_name, &format!("{path}.tableName"));
    match kind {
        Kind::ConditionCheck => {
            violations.not_null(&members.condition.condition_expression, &format!("{path}.conditionExpression"))
        }
        Kind::Update => violations.not_null(&members.update_expression, &format!("{path}.updateExpression")),
        Kind::Put | Kind::Delete => {}
    }
    violations.one_of(
        &members.condition.return_values_on_condition_check_failure,
        &format!("{path}.returnValuesOnConditionCheckFailure"),
        &ON_CONDITION_CHECK_FAILURE,
    );
}

/// Stage 2 for one action: attribute values, item size, placeholders and expressions.
fn parse_action(kind: Kind, members: ActionMembers) -> Result<ParsedAction> {
    let condition = &members.condition;
    let mut expressions = vec![("ConditionExpression", condition.condition_expression.is_some())];
    if kind == Kind::Update {
        expressions.insert(0, ("UpdateExpression", true));
    }
    let (names, values) =
        (condition.expression_attribute_names.is_some(), condition.expression_attribute_values.is_some());
    check_expression_mix(&expressions, &[], names, values)?;
    let table = required(members.table_name.clone(), "tableName")?;
    let named = match kind {
        Kind::Put => item_from_json(&required(members.item.clone(), "item")?)?,
        _ => item_from_json(&required(members.key.clone(), "key")?)?,
    };
    if kind == Kind::Put {
        crate::engine::check_put_item_size(&named)?;
    }
    let parsed = condition.parse(members.update_expression.as_deref())?;
    let action = match (kind, parsed.update) {
        (Kind::Put, _) => TransactAction::Put(named.clone()),
        (Kind::Delete, _) => TransactAction::Delete(named.clone()),
        (Kind::ConditionCheck, _) => TransactAction::ConditionCheck(named.clone()),
        (Kind::Update, Some(update)) => TransactAction::Update { key: named.clone(), update },
        // Stage 1 made sure an Update has its UpdateExpression.
        (Kind::Update, None) => return required(None, "updateExpression"),
    };
    let write =
        TransactWrite { table, action, condition: parsed.condition, item_on_failure: condition.item_on_failure() };
    Ok(ParsedAction { write, named })
}

/// The 4 MB limit on the items a transaction writes and the keys it names.
fn check_aggregate_size(actions: &[ParsedAction]) -> Result<()> {
    if actions.iter().map(|action| item_size(&action.named)).sum::<usize>() > MAX_TRANSACTION_BYTES {
        bail_validation!(
            "Collection size of items exceeded, which can also be caused by the aggregate size of the items in the transaction exceeding the 4MB limit"
        );
    }
    Ok(())
}

/// The request's TransactItems in a canonical form (members sorted), so that a retry
/// with the same token is recognised whatever its member order.
fn fingerprint(body: &str) -> String {
    let request: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    request.get("TransactItems").map(Value::to_string).unwrap_or_default()
}

/// The response of a committed transaction: per table, twice the units of each write
/// (a ConditionCheck costs as a write of the item it read), and the item collections
/// touched in tables with local secondary indexes.
pub(super) fn respond_committed(
    engine: &Engine,
    actions: &[ParsedAction],
    outcomes: &[ActionOutcome],
    detail: Detail,
    metrics_asked: bool,
) -> Result<String> {
    let mut consumed: BTreeMap<&str, Consumed> = BTreeMap::new();
    let mut metrics: BTreeMap<String, Vec<ItemCollectionMetrics>> = BTreeMap::new();
    for (action, outcome) in actions.iter().zip(outcomes) {
        let name = action.write.table.as_str();
        let Some(table) = engine.table(name) else { continue };
        let sizes = [outcome.old.as_ref().map_or(0, item_size), outcome.new.as_ref().map_or(0, item_size)];
        let mut units = Consumed::table(capacity::write_units(&sizes));
        units.add_index_writes(&table.meta, outcome.old.as_ref(), outcome.new.as_ref());
        merge(consumed.entry(name).or_default(), units.scaled(TRANSACTION_FACTOR));
        let writes = !matches!(action.write.action, TransactAction::ConditionCheck(_));
        if let Some(entry) = capacity::item_collection_metrics(metrics_asked && writes, table, &action.named) {
            let collections = metrics.entry(name.to_string()).or_default();
            if !collections.contains(&entry) {
                collections.push(entry);
            }
        }
    }
    render(&TransactWriteItemsResponse {
        consumed_capacity: report(detail, &consumed, Access::Write),
        item_collection_metrics: (!metrics.is_empty()).then_some(metrics),
    })
}

/// The response of a replay: DynamoDB reports the read units of reading the items again.
pub(super) fn respond_replayed(actions: &[ParsedAction], items: &[Option<Item>], detail: Detail) -> Result<String> {
    let mut consumed: BTreeMap<&str, Consumed> = BTreeMap::new();
    for (action, item) in actions.iter().zip(items) {
        let units = TRANSACTION_FACTOR * capacity::read_units(item.as_ref().map_or(0, item_size), true);
        consumed.entry(action.write.table.as_str()).or_default().table += units;
    }
    render(&TransactWriteItemsResponse {
        consumed_capacity: report(detail, &consumed, Access::Read),
        item_collection_metrics: None,
    })
}

/// Adds one action's units to its table's.
fn merge(total: &mut Consumed, units: Consumed) {
    total.table += units.table;
    for (name, kind, share) in units.indexes {
        match total.indexes.iter_mut().find(|(existing, _, _)| *existing == name) {
            Some((_, _, existing)) => *existing += share,
            None => total.indexes.push((name, kind, share)),
        }
    }
}

/// ConsumedCapacity with one entry per table, if asked for.
fn report(detail: Detail, consumed: &BTreeMap<&str, Consumed>, access: Access) -> Option<Vec<ConsumedCapacity>> {
    consumed.iter().map(|(name, units)| capacity::report_transactional(detail, name, units, access)).collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransactGetItemsRequest {
    transact_items: Option<Vec<TransactGetItem>>,
    return_consumed_capacity: Option<String>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
struct TransactGetItem {
    #[serde(skip_serializing_if = "Option::is_none")]
    get: Option<Get>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Get {
    table_name: Option<String>,
    key: Option<Map<String, Value>>,
    projection_expression: Option<String>,
    expression_attribute_names: Option<Map<String, Value>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TransactGetItemsResponse<'a> {
    responses: Vec<ItemResponse<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
}

/// One Get's answer: `{}` when there is no item.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ItemResponse<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<Cow<'a, Item>>,
}

pub fn transact_get_items(engine: &mut Engine, request: TransactGetItemsRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.one_of(&request.return_consumed_capacity, "returnConsumedCapacity", &Detail::WIRE_NAMES);
    check_action_count(request.transact_items.as_deref(), &mut violations, "TransactGetItem");
    let elements = request.transact_items.unwrap_or_default();
    for (index, element) in elements.iter().enumerate() {
        let path = format!("transactItems.{}.member.get", index + 1);
        violations.not_null(&element.get, &path);
        if let Some(get) = &element.get {
            violations.not_null(&get.key, &format!("{path}.key"));
            violations.table_name(&get.table_name, &format!("{path}.tableName"));
        }
    }
    violations.finish()?;
    let mut keys = Vec::with_capacity(elements.len());
    let mut projections: Vec<Option<Projection>> = Vec::with_capacity(elements.len());
    for get in elements.into_iter().filter_map(|element| element.get) {
        let key = item_from_json(&required(get.key, "key")?)?;
        projections
            .push(parse_projection(get.projection_expression.as_deref(), get.expression_attribute_names.as_ref())?);
        keys.push((required(get.table_name, "tableName")?, key));
    }
    let items = engine.transact_get_items(&keys)?;
    // Capacity counts whole items, strongly consistent, whatever the projection keeps.
    let mut consumed: BTreeMap<&str, Consumed> = BTreeMap::new();
    for ((table, _), item) in keys.iter().zip(&items) {
        let units = TRANSACTION_FACTOR * capacity::read_units(item.map_or(0, item_size), true);
        consumed.entry(table.as_str()).or_default().table += units;
    }
    let responses = items
        .iter()
        .zip(&projections)
        .map(|(item, projection)| ItemResponse { item: item.map(|item| project(item, projection.as_ref(), None)) })
        .collect();
    let detail = Detail::from_wire(request.return_consumed_capacity.as_deref());
    render(&TransactGetItemsResponse { responses, consumed_capacity: report(detail, &consumed, Access::Read) })
}
