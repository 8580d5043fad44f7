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
//! 3. The simulated throughput admits every action's partition, then the engine
//!    ([`Engine::transact_write_items`]) checks tables, key values and one action per
//!    item, and evaluates every action against the state before the transaction; a
//!    failure there cancels the transaction with one reason per action.
//!
//! Capacity: a transaction costs twice the units of the same plain reads and writes
//! (indexes included), reported per table with ReadCapacityUnits or WriteCapacityUnits.

use crate::api::capacity::{self, Consumed, ConsumedCapacity, Detail, ItemCollectionMetrics, TRANSACTION_FACTOR};
use crate::api::items::{parse_projection, project, ConditionMembers, ON_CONDITION_CHECK_FAILURE};
use crate::api::reader;
use crate::api::render;
use crate::api::tables::java_string_hash;
use crate::api::validate::{check_expression_mix, required, Violations};
use crate::bail_validation;
use crate::engine::{
    check_put_item_size, Access, ActionOutcome, ClientToken, Engine, TransactAction, TransactOutcome, TransactWrite,
};
use crate::error::{Error, Result};
use crate::expr::Projection;
use crate::json;
use crate::model::{item_from_json, item_size, CompactCollect, Item};
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Actions one transaction may hold.
const MAX_ACTIONS: usize = 100;
/// A ClientRequestToken's length limit.
const MAX_TOKEN_LENGTH: usize = 36;
/// The aggregate size of a transaction's items.
const MAX_TRANSACTION_BYTES: usize = 4 * 1024 * 1024;

crate::api::reader::request! {
    #[cfg_attr(test, derive(Debug))]
    pub struct TransactWriteItemsRequest {
        "TransactItems" => transact_items: Vec<TransactWriteItem>,
        "ClientRequestToken" => client_request_token: String,
        "ReturnConsumedCapacity" => return_consumed_capacity: String,
        "ReturnItemCollectionMetrics" => return_item_collection_metrics: String,
    }
}

crate::api::reader::request! {
    /// One element of TransactItems: exactly one of the four actions.
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    #[cfg_attr(test, derive(Debug))]
    struct TransactWriteItem {
        #[serde(skip_serializing_if = "Option::is_none")]
        "ConditionCheck" => condition_check: Value,
        #[serde(skip_serializing_if = "Option::is_none")]
        "Put" => put: Value,
        #[serde(skip_serializing_if = "Option::is_none")]
        "Delete" => delete: Value,
        #[serde(skip_serializing_if = "Option::is_none")]
        "Update" => update: Value,
    }
}

crate::api::reader::request! {
    /// The members of any action; each action reads those it has (DynamoDB ignores the rest).
    #[cfg_attr(test, derive(Debug))]
    pub(super) struct ActionMembers {
        "TableName" => table_name: String,
        "Item" => item: Map<String, Value>,
        "Key" => key: Map<String, Value>,
        "UpdateExpression" => update_expression: String,
        flatten condition: ConditionMembers,
    }
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

pub fn transact_write_items(engine: &mut Engine, request: TransactWriteItemsRequest, body: &str) -> Result<String> {
    let detail = Detail::from_wire(request.return_consumed_capacity.as_deref());
    let metrics_asked = request.return_item_collection_metrics.as_deref() == Some("SIZE");
    let parsed = check_write_request(&request)?;
    let actions = parsed.into_iter().map(|(kind, members)| parse_action(kind, members)).try_collect_vec()?;
    check_aggregate_size(&actions)?;
    let token = request.client_request_token.map(|token| ClientToken { token, fingerprint: fingerprint(body) });
    admit_writes(engine, &actions)?;
    match engine.transact_write_items(&actions, token)? {
        TransactOutcome::Committed(outcomes) => respond_committed(engine, &actions, &outcomes, detail, metrics_asked),
        TransactOutcome::Replayed(items) => respond_replayed(&actions, &items, detail),
    }
}

/// Admits every action's write to its partition, or throttles the whole transaction.
pub(super) fn admit_writes(engine: &mut Engine, actions: &[TransactWrite]) -> Result<()> {
    for action in actions {
        let partition = capacity::partition_value(engine, &action.table, action.named()).cloned();
        engine.admit(&action.table, None, partition.as_ref(), Access::Write)?;
    }
    Ok(())
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
                reader::read_json(value.clone()).map_err(|error| Error::serialization(error.to_string()))?;
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
fn parse_action(kind: Kind, members: ActionMembers) -> Result<TransactWrite> {
    let ActionMembers { table_name, item, key, update_expression, condition } = members;
    let mut expressions = vec![("ConditionExpression", condition.condition_expression.is_some())];
    if kind == Kind::Update {
        expressions.insert(0, ("UpdateExpression", true));
    }
    let (names, values) =
        (condition.expression_attribute_names.is_some(), condition.expression_attribute_values.is_some());
    check_expression_mix(&expressions, &[], names, values)?;
    let table = required(table_name, "tableName")?;
    let named = match kind {
        Kind::Put => item_from_json(&required(item, "item")?)?,
        _ => item_from_json(&required(key, "key")?)?,
    };
    if kind == Kind::Put {
        check_put_item_size(&named)?;
    }
    let parsed = condition.parse(update_expression.as_deref())?;
    let action = match (kind, parsed.update) {
        (Kind::Put, _) => TransactAction::Put(named),
        (Kind::Delete, _) => TransactAction::Delete(named),
        (Kind::ConditionCheck, _) => TransactAction::ConditionCheck(named),
        (Kind::Update, Some(update)) => TransactAction::Update { key: named, update },
        // Stage 1 made sure an Update has its UpdateExpression.
        (Kind::Update, None) => return required(None, "updateExpression"),
    };
    Ok(TransactWrite { table, action, condition: parsed.condition, item_on_failure: condition.item_on_failure() })
}

/// The 4 MB limit on the items a transaction writes and the keys it names.
fn check_aggregate_size(actions: &[TransactWrite]) -> Result<()> {
    if actions.iter().map(|action| item_size(action.named())).sum::<usize>() > MAX_TRANSACTION_BYTES {
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
    request.get("TransactItems").map(json::text).unwrap_or_default()
}

/// The response of a committed transaction: per table, twice the units of each write
/// (a ConditionCheck costs as a write of the item it read), charged to the simulated
/// throughput too, and the item collections touched in tables with local secondary indexes.
pub(super) fn respond_committed(
    engine: &mut Engine,
    actions: &[TransactWrite],
    outcomes: &[ActionOutcome],
    detail: Detail,
    metrics_asked: bool,
) -> Result<String> {
    let charges: Vec<Consumed> =
        actions.iter().zip(outcomes).map(|(action, outcome)| action_units(engine, action, outcome)).collect();
    let mut consumed: BTreeMap<&str, Box<Consumed>> = BTreeMap::new();
    for (action, units) in actions.iter().zip(&charges) {
        let name = action.table.as_str();
        let partition = capacity::partition_value(engine, name, action.named()).cloned();
        engine.consume(name, None, partition.as_ref(), Access::Write, units.usage());
        consumed.entry(name).or_default().add(units);
    }
    render(&TransactWriteItemsResponse {
        consumed_capacity: report(detail, &consumed, Access::Write),
        item_collection_metrics: collection_metrics(engine, actions, metrics_asked),
    })
}

/// What one action costs: twice a plain write of the larger of its two items, indexes
/// included.
fn action_units(engine: &Engine, action: &TransactWrite, outcome: &ActionOutcome) -> Consumed {
    let sizes = [outcome.old.as_ref().map_or(0, item_size), outcome.new.as_ref().map_or(0, item_size)];
    let mut units = Consumed::table(capacity::write_units(&sizes));
    if let Some(table) = engine.table(&action.table) {
        units.add_index_writes(&table.meta, outcome.old.as_ref(), outcome.new.as_ref());
    }
    units.scaled(TRANSACTION_FACTOR)
}

/// ReturnItemCollectionMetrics=SIZE: per table with a local secondary index, the item
/// collections the writes touched, in the order first touched.
fn collection_metrics(
    engine: &Engine,
    actions: &[TransactWrite],
    asked: bool,
) -> Option<BTreeMap<String, Vec<ItemCollectionMetrics>>> {
    let mut metrics: BTreeMap<String, Vec<ItemCollectionMetrics>> = BTreeMap::new();
    for action in actions.iter().filter(|action| !matches!(action.action, TransactAction::ConditionCheck(_))) {
        let name = &action.table;
        let Some(table) = engine.table(name) else { continue };
        if let Some(entry) = capacity::item_collection_metrics(asked, table, action.named()) {
            let collections = metrics.entry(name.clone()).or_default();
            if !collections.contains(&entry) {
                collections.push(entry);
            }
        }
    }
    (!metrics.is_empty()).then_some(metrics)
}

/// The response of a replay: DynamoDB reports the read units of reading the items again.
pub(super) fn respond_replayed(actions: &[TransactWrite], items: &[Option<Item>], detail: Detail) -> Result<String> {
    let mut consumed: BTreeMap<&str, Box<Consumed>> = BTreeMap::new();
    for (action, item) in actions.iter().zip(items) {
        let units = TRANSACTION_FACTOR * capacity::read_units(item.as_ref().map_or(0, item_size), true);
        consumed.entry(action.table.as_str()).or_default().table += units;
    }
    render(&TransactWriteItemsResponse {
        consumed_capacity: report(detail, &consumed, Access::Read),
        item_collection_metrics: None,
    })
}

/// ConsumedCapacity with one entry per table, if asked for. The maps of units per table
/// hold boxed values: maps whose values are one pointer share their compiled code
/// (docs/size.md).
fn report(detail: Detail, consumed: &BTreeMap<&str, Box<Consumed>>, access: Access) -> Option<Vec<ConsumedCapacity>> {
    consumed.iter().map(|(name, units)| capacity::report_transactional(detail, name, units, access)).collect()
}

crate::api::reader::request! {
    #[cfg_attr(test, derive(Debug))]
    pub struct TransactGetItemsRequest {
        "TransactItems" => transact_items: Vec<TransactGetItem>,
        "ReturnConsumedCapacity" => return_consumed_capacity: String,
    }
}

crate::api::reader::request! {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    #[cfg_attr(test, derive(Debug))]
    struct TransactGetItem {
        #[serde(skip_serializing_if = "Option::is_none")]
        "Get" => get: Get,
    }
}

crate::api::reader::request! {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    #[cfg_attr(test, derive(Debug))]
    struct Get {
        "TableName" => table_name: String,
        "Key" => key: Map<String, Value>,
        "ProjectionExpression" => projection_expression: String,
        "ExpressionAttributeNames" => expression_attribute_names: Map<String, Value>,
    }
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
    let partitions: Vec<_> =
        keys.iter().map(|(table, key)| capacity::partition_value(engine, table, key).cloned()).collect();
    for ((table, _), partition) in keys.iter().zip(&partitions) {
        engine.admit(table, None, partition.as_ref(), Access::Read)?;
    }
    let items: Vec<Option<Item>> = engine.transact_get_items(&keys)?;
    // Capacity counts whole items, strongly consistent, whatever the projection keeps.
    let mut consumed: BTreeMap<&str, Box<Consumed>> = BTreeMap::new();
    for (((table, _), partition), item) in keys.iter().zip(&partitions).zip(&items) {
        let units =
            Consumed::table(TRANSACTION_FACTOR * capacity::read_units(item.as_ref().map_or(0, item_size), true));
        engine.consume(table, None, partition.as_ref(), Access::Read, units.usage());
        consumed.entry(table.as_str()).or_default().add(&units);
    }
    let responses = items
        .iter()
        .zip(&projections)
        .map(|(item, projection)| ItemResponse {
            item: item.as_ref().map(|item| project(item, projection.as_ref(), None)),
        })
        .collect();
    let detail = Detail::from_wire(request.return_consumed_capacity.as_deref());
    render(&TransactGetItemsResponse { responses, consumed_capacity: report(detail, &consumed, Access::Read) })
}

#[cfg(test)]
mod tests {
    use crate::api::dispatch;
    use crate::clock::ManualClock;
    use crate::engine::Engine;
    use crate::error::ErrorKind;
    use serde_json::{json, Value};

    fn engine() -> Engine {
        let mut engine = Engine::new(Box::new(ManualClock::new(1_700_000_000_000)));
        let table = json!({"TableName": "Things", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"});
        dispatch(&mut engine, "CreateTable", &table.to_string()).expect("the table is created");
        engine.take_changes();
        engine
    }

    fn puts(count: usize, blob: usize) -> Value {
        let items: Vec<Value> = (0..count)
            .map(|i| json!({"Put": {"TableName": "Things", "Item": {"id": {"S": format!("i{i:03}")}, "b": {"S": "x".repeat(blob)}}}}))
            .collect();
        json!({"TransactItems": items})
    }

    fn send(engine: &mut Engine, operation: &str, request: &Value) -> crate::Result<String> {
        dispatch(engine, operation, &request.to_string())
    }

    #[test]
    fn a_hundred_actions_are_allowed_and_one_more_is_not() {
        let mut engine = engine();
        send(&mut engine, "TransactWriteItems", &puts(100, 1)).expect("100 actions");
        assert_eq!(engine.take_changes().len(), 100);
        let error = send(&mut engine, "TransactWriteItems", &puts(101, 1)).unwrap_err();
        assert!(error
            .message
            .starts_with("1 validation error detected: Value '[com.amazonaws.dynamodb.v20120810.TransactWriteItem@"));
        assert_eq!(error.message.matches("TransactWriteItem@").count(), 101);
        assert!(error.message.ends_with(
            "]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100"
        ));
        let keys: Vec<Value> = (0..101)
            .map(|i| json!({"Get": {"TableName": "Things", "Key": {"id": {"S": format!("i{i:03}")}}}}))
            .collect();
        let error = send(&mut engine, "TransactGetItems", &json!({"TransactItems": keys})).unwrap_err();
        assert!(error.message.contains("com.amazonaws.dynamodb.v20120810.TransactGetItem@"));
        assert!(engine.take_changes().is_empty());
    }

    #[test]
    fn the_items_of_a_transaction_may_total_4_mb() {
        let mut engine = engine();
        // Ten items of exactly 400 KB fit in 4 MB (4,194,304 bytes); eleven do not.
        let error = send(&mut engine, "TransactWriteItems", &puts(11, 400 * 1024 - 7)).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Validation);
        assert!(error.message.contains("4MB limit"), "{}", error.message);
        assert!(engine.take_changes().is_empty());
        send(&mut engine, "TransactWriteItems", &puts(10, 400 * 1024 - 7)).expect("4,096,000 bytes fit");
    }

    #[test]
    fn a_cancelled_transaction_records_no_change_and_renders_its_reasons() {
        let mut engine = engine();
        let request = json!({"TransactItems": [
            {"Put": {"TableName": "Things", "Item": {"id": {"S": "a"}}}},
            {"Delete": {"TableName": "Things", "Key": {"id": {"S": "b"}}, "ConditionExpression": "attribute_exists(id)"}}]});
        let error = send(&mut engine, "TransactWriteItems", &request).unwrap_err();
        assert!(engine.take_changes().is_empty());
        let body: Value = serde_json::from_str(&error.to_json()).expect("an error body is JSON");
        assert_eq!(
            body,
            json!({"__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",
                "CancellationReasons": [{"Code": "None"}, {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}]})
        );
    }
}
