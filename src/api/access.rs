//! Authorizing a request sent as a principal (docs/access-control.md):
//!
//! 1. [`Caller::resolve`] turns the request options into the account root (no checks)
//!    or a principal.
//! 2. [`checks`] lists what the request does as IAM sees it: one [`Check`] per action
//!    and resource (BatchGetItem per table, TransactWriteItems per item, PartiQL per
//!    statement, an index's ARN for a read of an index), each with the condition keys
//!    the request carries (dynamodb:LeadingKeys, Attributes, Select, ReturnValues,
//!    ReturnConsumedCapacity).
//! 3. [`evaluate`] runs each check through the principal's identity policies and the
//!    table's resource policy (`iam::evaluate`); the first one not allowed fails the
//!    request with AccessDeniedException, before it changes anything.

use crate::api::RequestOptions;
use crate::engine::principals::Principal;
use crate::engine::{table_arn, Engine, ACCOUNT_ID};
use crate::error::{Error, ErrorKind, Result};
use crate::expr::{self, Placeholders};
use crate::iam::{self, Context, Decision, Evaluation, PolicyKind, Source};
use crate::model::{base64_encode, sort_stable_by, AttributeValue, KeySchema};
use crate::region;
use crate::stream::ShardIterator;
use serde_json::{Map, Value};
use std::rc::Rc;

/// Who sends a request.
pub enum Caller {
    /// The account root: everything is allowed, as without access control.
    Root,
    /// A principal, whose policies decide.
    Principal(Identity),
}

impl Caller {
    /// The caller the options name: a principal by name (which must exist), or by access
    /// key id (credentials no principal has stay the root's), else the root.
    pub fn resolve(engine: &Engine, options: &RequestOptions) -> Result<Caller> {
        if let Some(name) = &options.principal {
            return match engine.principal(name) {
                Some(principal) => Ok(Caller::Principal(Identity::of(principal))),
                None => Err(Error::new(
                    ErrorKind::UnrecognizedClient,
                    "The security token included in the request is invalid.",
                )),
            };
        }
        let by_key = options.access_key_id.as_deref().and_then(|key| engine.principal_by_access_key(key));
        Ok(by_key.map_or(Caller::Root, |principal| Caller::Principal(Identity::of(principal))))
    }
}

/// A principal as its requests are authorized: its name, its ARN and its identity
/// policies, parsed (`iam::parse_shared`) once for the whole request rather than for
/// each check.
pub struct Identity {
    name: String,
    arn: String,
    policies: Vec<(Source, Rc<iam::Policy>)>,
}

impl Identity {
    /// The principal's identity; a stored document that no longer parses grants nothing.
    pub fn of(principal: &Principal) -> Identity {
        let policies = principal
            .policies
            .iter()
            .filter_map(|inline| {
                let policy = iam::parse_shared(&inline.policy_document, PolicyKind::Identity).ok()?;
                Some((Source::Identity(inline.policy_name.clone()), policy))
            })
            .collect();
        Identity { name: principal.name.clone(), arn: principal.arn(), policies }
    }
}

/// One action on one resource that a request performs, and its condition keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The IAM action, e.g. `dynamodb:GetItem`.
    pub action: String,
    /// The ARN of the table, index, stream or backup, or `*`.
    pub resource: String,
    pub context: Context,
}

/// Fails the request with AccessDeniedException unless the caller may do all it does
/// (`checks` lists it; the root's requests are not even looked at).
pub fn authorize(engine: &Engine, caller: &Caller, checks: impl FnOnce() -> Vec<Check>) -> Result<()> {
    let Caller::Principal(identity) = caller else { return Ok(()) };
    let mut evaluator = Evaluator::new(engine, identity);
    for check in checks() {
        let evaluation = evaluator.evaluate(&check);
        if evaluation.decision != Decision::Allowed {
            return Err(access_denied(identity, &check, &evaluation));
        }
    }
    Ok(())
}

/// Whether attaching `policy` to the table `arn` would leave the caller unable to
/// change the policy again.
pub fn locks_out(caller: &Caller, arn: &str, policy: &iam::Policy) -> bool {
    let Caller::Principal(identity) = caller else { return false };
    let check =
        Check { action: "dynamodb:PutResourcePolicy".into(), resource: arn.into(), context: Context::default() };
    evaluate_policies(identity, &check, Some(policy)).decision != Decision::Allowed
}

/// Evaluates the checks of one request for one principal: its identity policies with the
/// resource policy of the table each resource belongs to, each table's parsed once.
pub struct Evaluator<'a> {
    engine: &'a Engine,
    identity: &'a Identity,
    /// The resource policies read so far, by table name (None: the table has none).
    resource_policies: Vec<(&'a str, Option<Rc<iam::Policy>>)>,
}

impl<'a> Evaluator<'a> {
    pub fn new(engine: &'a Engine, identity: &'a Identity) -> Self {
        Evaluator { engine, identity, resource_policies: Vec::new() }
    }

    /// Evaluates one check.
    pub fn evaluate(&mut self, check: &Check) -> Evaluation {
        let Some(table) = table_of(&check.resource).and_then(|name| self.engine.table(name)) else {
            return evaluate_policies(self.identity, check, None);
        };
        let name = table.meta.name.as_str();
        let position = match self.resource_policies.iter().position(|(parsed, _)| *parsed == name) {
            Some(position) => position,
            None => {
                let policy = table
                    .meta
                    .resource_policy
                    .as_ref()
                    .and_then(|policy| iam::parse_shared(&policy.document, PolicyKind::Resource).ok());
                self.resource_policies.push((name, policy));
                self.resource_policies.len() - 1
            }
        };
        let resource_policy = self.resource_policies.get(position).and_then(|(_, policy)| policy.as_deref());
        evaluate_policies(self.identity, check, resource_policy)
    }
}

/// Evaluates one check for `identity` with the resource policy, if any, of its table (or
/// the one about to replace it).
fn evaluate_policies(identity: &Identity, check: &Check, resource_policy: Option<&iam::Policy>) -> Evaluation {
    let mut policies: Vec<(&Source, &iam::Policy)> =
        identity.policies.iter().map(|(source, policy)| (source, policy.as_ref())).collect();
    policies.extend(resource_policy.map(|policy| (&Source::Resource, policy)));
    let request = iam::Request {
        action: &check.action,
        resource: &check.resource,
        principal_arn: &identity.arn,
        username: &identity.name,
        account: ACCOUNT_ID,
        context: &check.context,
    };
    iam::evaluate(&policies, &request)
}

/// The table a table, index, stream or backup ARN of the local account belongs to.
fn table_of(arn: &str) -> Option<&str> {
    let path = arn.strip_prefix(&table_arn(""))?;
    Some(path.split('/').next().unwrap_or(path))
}

/// AccessDeniedException as IAM words it.
fn access_denied(identity: &Identity, check: &Check, evaluation: &Evaluation) -> Error {
    let (arn, action, resource) = (&identity.arn, &check.action, &check.resource);
    let reason = match evaluation.deciding().map(|matched| &matched.source) {
        Some(Source::Identity(_)) => "with an explicit deny in an identity-based policy".to_string(),
        Some(Source::Resource) => "with an explicit deny in a resource-based policy".to_string(),
        None => format!("because no identity-based policy allows the {action} action"),
    };
    let message = format!("User: {arn} is not authorized to perform: {action} on resource: {resource} {reason}");
    Error::new(ErrorKind::AccessDenied, message)
}

/// What a request does as IAM sees it. A request too malformed to tell is left to the
/// operation's own validation (it fails before it does anything).
pub fn checks(engine: &Engine, operation: &str, body: &str) -> Vec<Check> {
    let Ok(Value::Object(request)) = serde_json::from_str::<Value>(body) else { return Vec::new() };
    let facts = Facts { engine, request: &request };
    match operation {
        "DescribeEndpoints" => Vec::new(),
        "GetItem" | "PutItem" | "UpdateItem" | "DeleteItem" => facts.item_check(operation, &request),
        "Query" | "Scan" => facts.read_check(operation),
        "BatchGetItem" | "BatchWriteItem" => facts.batch_checks(operation),
        "TransactGetItems" | "TransactWriteItems" => facts.transact_checks(),
        "ExecuteStatement" => facts.partiql_checks(std::iter::once(&Value::Object(request.clone()))),
        "BatchExecuteStatement" => facts.partiql_checks(array(&request, "Statements")),
        "ExecuteTransaction" => facts.partiql_checks(array(&request, "TransactStatements")),
        "ListTables" => vec![plain(operation, format!("arn:aws:dynamodb:{}:{ACCOUNT_ID}:table/*", region::current()))],
        _ => vec![plain(operation, resource_named(&request))],
    }
}

/// A DynamoDB Streams operation's check: on the stream its request (or shard iterator)
/// names; ListStreams on `*`.
pub fn stream_checks(operation: &str, body: &str) -> Vec<Check> {
    let Ok(Value::Object(request)) = serde_json::from_str::<Value>(body) else { return Vec::new() };
    let stream = match operation {
        "ListStreams" => None,
        "DescribeStream" | "GetShardIterator" => string(&request, "StreamArn").map(str::to_string),
        "GetRecords" => string(&request, "ShardIterator").and_then(ShardIterator::decode).map(|i| i.stream_arn),
        _ => return Vec::new(),
    };
    vec![plain(operation, stream.unwrap_or_else(|| "*".to_string()))]
}

/// A check without condition keys.
fn plain(operation: &str, resource: String) -> Check {
    Check { action: format!("dynamodb:{operation}"), resource, context: Context::default() }
}

/// The resource a control-plane request names, by the first member it has.
fn resource_named(request: &Map<String, Value>) -> String {
    let table = string(request, "TableName").or_else(|| string(request, "TargetTableName")).or_else(|| {
        request.get("TableCreationParameters").and_then(Value::as_object).and_then(|p| string(p, "TableName"))
    });
    if let Some(name) = table {
        return table_arn(name);
    }
    ["ResourceArn", "TableArn", "BackupArn", "ExportArn", "ImportArn", "SourceTableArn"]
        .iter()
        .find_map(|member| string(request, member))
        .unwrap_or("*")
        .to_string()
}

fn string<'a>(object: &'a Map<String, Value>, member: &str) -> Option<&'a str> {
    object.get(member).and_then(Value::as_str)
}

fn object<'a>(object: &'a Map<String, Value>, member: &str) -> Option<&'a Map<String, Value>> {
    object.get(member).and_then(Value::as_object)
}

fn array<'a>(object: &'a Map<String, Value>, member: &str) -> std::slice::Iter<'a, Value> {
    object.get(member).and_then(Value::as_array).map_or([].iter(), |values| values.iter())
}

/// A key attribute value as condition keys compare it: a string, a number's text, or
/// a binary's base64.
fn key_text(value: &Value) -> Option<String> {
    let (_, value) = value.as_object()?.iter().next()?;
    value.as_str().map(str::to_string)
}

/// What the request and the engine know, for building checks.
struct Facts<'a> {
    engine: &'a Engine,
    request: &'a Map<String, Value>,
}

impl Facts<'_> {
    fn key_schema(&self, table: &str, index: Option<&str>) -> Option<KeySchema> {
        let meta = &self.engine.table(table)?.meta;
        match index {
            None => Some(meta.key_schema.clone()),
            Some(index) => meta.indexes.iter().find(|i| i.name == index).map(|i| i.key_schema.clone()),
        }
    }

    /// GetItem, PutItem, UpdateItem, DeleteItem or ConditionCheckItem (alone or in a
    /// transaction, whose member `request` is).
    fn item_check(&self, operation: &str, request: &Map<String, Value>) -> Vec<Check> {
        let Some(table) = string(request, "TableName") else { return Vec::new() };
        let keys: Vec<&Map<String, Value>> =
            object(request, "Key").or_else(|| object(request, "Item")).into_iter().collect();
        let mut context = Context::default();
        self.set_leading_keys(&mut context, table, &keys);
        match operation {
            "GetItem" => set_read_keys(&mut context, request, names_of(&keys)),
            _ => {
                let mut attributes = names_of(&keys);
                attributes.extend(written_names(request));
                set_attributes(&mut context, attributes);
            }
        }
        self.set_request_options(&mut context, request);
        vec![Check { action: format!("dynamodb:{operation}"), resource: table_arn(table), context }]
    }

    /// Query or Scan, of the table or one of its indexes.
    fn read_check(&self, operation: &str) -> Vec<Check> {
        let request = self.request;
        let Some(table) = string(request, "TableName") else { return Vec::new() };
        let index = string(request, "IndexName");
        let resource = match index {
            Some(index) => format!("{}/index/{index}", table_arn(table)),
            None => table_arn(table),
        };
        let mut context = Context::default();
        if operation == "Query" {
            let leading = self.key_schema(table, index).and_then(|schema| query_partition_value(request, &schema));
            context.set("dynamodb:LeadingKeys", leading.into_iter().collect());
        }
        set_read_keys(&mut context, request, Vec::new());
        self.set_request_options(&mut context, request);
        vec![Check { action: format!("dynamodb:{operation}"), resource, context }]
    }

    /// BatchGetItem or BatchWriteItem: one check per table, with every key of that
    /// table's requests.
    fn batch_checks(&self, operation: &str) -> Vec<Check> {
        let Some(tables) = object(self.request, "RequestItems") else { return Vec::new() };
        let mut checks = Vec::new();
        for (table, requests) in tables {
            let mut context = Context::default();
            match requests {
                Value::Object(reads) => {
                    let keys: Vec<&Map<String, Value>> = array(reads, "Keys").filter_map(Value::as_object).collect();
                    self.set_leading_keys(&mut context, table, &keys);
                    set_read_keys(&mut context, reads, names_of(&keys));
                }
                Value::Array(writes) => {
                    let keys: Vec<&Map<String, Value>> = writes.iter().filter_map(write_key).collect();
                    self.set_leading_keys(&mut context, table, &keys);
                    set_attributes(&mut context, names_of(&keys));
                }
                _ => {}
            }
            self.set_request_options(&mut context, self.request);
            checks.push(Check { action: format!("dynamodb:{operation}"), resource: table_arn(table), context });
        }
        checks
    }

    /// dynamodb:LeadingKeys: the partition key values of `keys` (keys or items of `table`).
    fn set_leading_keys(&self, context: &mut Context, table: &str, keys: &[&Map<String, Value>]) {
        if let Some(schema) = self.key_schema(table, None) {
            let values = keys.iter().filter_map(|key| key.get(&schema.partition.name).and_then(key_text));
            context.set("dynamodb:LeadingKeys", dedup(values.collect()));
        }
    }

    /// TransactGetItems or TransactWriteItems: each item's own action.
    fn transact_checks(&self) -> Vec<Check> {
        array(self.request, "TransactItems")
            .filter_map(Value::as_object)
            .flat_map(|item| {
                let (kind, member) = item.iter().next()?;
                let action = match kind.as_str() {
                    "Get" => "GetItem",
                    "Put" => "PutItem",
                    "Update" => "UpdateItem",
                    "Delete" => "DeleteItem",
                    "ConditionCheck" => "ConditionCheckItem",
                    _ => return None,
                };
                Some(self.item_check(action, member.as_object()?))
            })
            .flatten()
            .collect()
    }

    /// PartiQL statements: dynamodb:PartiQLSelect, Insert, Update or Delete on the table
    /// (or the index a SELECT reads).
    fn partiql_checks<'v>(&self, statements: impl Iterator<Item = &'v Value>) -> Vec<Check> {
        use crate::partiql::ast::Statement;
        let parsed =
            statements.filter_map(|statement| crate::partiql::parse(statement.get("Statement")?.as_str()?).ok());
        parsed
            .map(|parsed| {
                let (action, index) = match &parsed.statement {
                    Statement::Select(select) | Statement::Exists(select) => {
                        ("PartiQLSelect", select.source.index.clone())
                    }
                    Statement::Insert(_) => ("PartiQLInsert", None),
                    Statement::Update(_) => ("PartiQLUpdate", None),
                    Statement::Delete(_) => ("PartiQLDelete", None),
                };
                let table = table_arn(parsed.statement.table());
                let resource = index.map_or(table.clone(), |index| format!("{table}/index/{index}"));
                let mut context = Context::default();
                self.set_request_options(&mut context, self.request);
                Check { action: format!("dynamodb:{action}"), resource, context }
            })
            .collect()
    }

    /// dynamodb:ReturnValues (of `request`, which may be one item of a transaction) and
    /// dynamodb:ReturnConsumedCapacity (of the whole request), when set.
    fn set_request_options(&self, context: &mut Context, request: &Map<String, Value>) {
        let return_values =
            string(request, "ReturnValues").or_else(|| string(request, "ReturnValuesOnConditionCheckFailure"));
        if let Some(value) = return_values {
            context.set("dynamodb:ReturnValues", vec![value.to_string()]);
        }
        if let Some(value) = string(self.request, "ReturnConsumedCapacity") {
            context.set("dynamodb:ReturnConsumedCapacity", vec![value.to_string()]);
        }
    }
}

/// The key of a BatchWriteItem PutRequest (its item) or DeleteRequest.
fn write_key(write: &Value) -> Option<&Map<String, Value>> {
    let write = write.as_object()?;
    object(write, "PutRequest")
        .and_then(|put| object(put, "Item"))
        .or_else(|| object(write, "DeleteRequest").and_then(|delete| object(delete, "Key")))
}

/// dynamodb:Select: the request's Select, else SPECIFIC_ATTRIBUTES with a projection
/// and ALL_ATTRIBUTES without.
fn select_of(request: &Map<String, Value>, projected: bool) -> String {
    match string(request, "Select") {
        Some(select) => select.to_string(),
        None if projected => "SPECIFIC_ATTRIBUTES".into(),
        None => "ALL_ATTRIBUTES".into(),
    }
}

/// A read's dynamodb:Select and, when it projects, dynamodb:Attributes: the projected
/// names and `key_names` (a read of whole items has no Attributes key).
fn set_read_keys(context: &mut Context, request: &Map<String, Value>, mut key_names: Vec<String>) {
    let projected = projected_names(request);
    context.set("dynamodb:Select", vec![select_of(request, projected.is_some())]);
    if let Some(names) = projected {
        key_names.extend(names);
        set_attributes(context, key_names);
    }
}

/// The attribute names of keys or items.
fn names_of(keys: &[&Map<String, Value>]) -> Vec<String> {
    keys.iter().flat_map(|key| key.keys().cloned()).collect()
}

fn set_attributes(context: &mut Context, names: Vec<String>) {
    context.set("dynamodb:Attributes", dedup(names));
}

fn dedup(mut values: Vec<String>) -> Vec<String> {
    sort_stable_by(&mut values, Ord::cmp);
    values.dedup();
    values
}

fn placeholders(request: &Map<String, Value>) -> Option<Placeholders> {
    Placeholders::new(object(request, "ExpressionAttributeNames"), object(request, "ExpressionAttributeValues")).ok()
}

/// The top-level attributes a read projects (ProjectionExpression or AttributesToGet);
/// None when it reads whole items.
fn projected_names(request: &Map<String, Value>) -> Option<Vec<String>> {
    if let Some(text) = string(request, "ProjectionExpression") {
        let projection = expr::parse_projection(text, &placeholders(request)?).ok()?;
        return Some(projection.paths().iter().map(|path| path.head().to_string()).collect());
    }
    let names = array(request, "AttributesToGet").filter_map(Value::as_str).map(str::to_string).collect::<Vec<_>>();
    (!names.is_empty()).then_some(names)
}

/// The top-level attributes a write writes: a put's item, an update's actions.
fn written_names(request: &Map<String, Value>) -> Vec<String> {
    if let Some(item) = object(request, "Item") {
        return item.keys().cloned().collect();
    }
    if let Some(text) = string(request, "UpdateExpression") {
        let update = placeholders(request).and_then(|placeholders| expr::parse_update(text, &placeholders).ok());
        return update
            .map(|update| update.top_level_names().into_iter().map(str::to_string).collect())
            .unwrap_or_default();
    }
    object(request, "AttributeUpdates").map(|updates| updates.keys().cloned().collect()).unwrap_or_default()
}

/// The partition key value a Query reads, from KeyConditionExpression or KeyConditions.
fn query_partition_value(request: &Map<String, Value>, schema: &KeySchema) -> Option<String> {
    if let Some(text) = string(request, "KeyConditionExpression") {
        let condition = expr::parse_key_condition(text, &placeholders(request)?, schema).ok()?;
        return match condition.partition_value {
            AttributeValue::S(text) => Some(text),
            AttributeValue::N(number) => Some(number.to_string()),
            AttributeValue::B(bytes) => Some(base64_encode(&bytes)),
            _ => None,
        };
    }
    let condition = object(object(request, "KeyConditions")?, &schema.partition.name)?;
    array(condition, "AttributeValueList").next().and_then(key_text)
}
