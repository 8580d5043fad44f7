//! ExecuteTransaction: up to 100 PartiQL statements run as one TransactGetItems or one
//! TransactWriteItems.
//!
//! 1. The request shape (TransactStatements 1 to 100, each Statement 1 to 8192
//!    characters, ClientRequestToken 1 to 36), all violations at once.
//! 2. Each statement parsed and lowered; a statement's error answers
//!    `Validation failed in TransactStatements[i]: <message>` for the first failing one.
//!    Reads and writes may not mix; RETURNING and index reads are refused; a SELECT
//!    names its item's full key; `EXISTS(SELECT ...)` is a ConditionCheck.
//! 3. Reads run as [`Engine::transact_get_items`], writes as
//!    [`Engine::transact_write_items`] (INSERT is a Put on a key not taken, UPDATE an
//!    Update of an item that exists, DELETE a Delete), with its ClientRequestToken.
//!    A cancellation names an INSERT's taken key `DuplicateItem`, as DynamoDB does.

use crate::api::capacity::{self, Consumed, ConsumedCapacity, Detail, TRANSACTION_FACTOR};
use crate::api::partiql::{check_member, insert_value, parameter_values, KeyedRead, DUPLICATE_ITEM};
use crate::api::render;
use crate::api::transact::{admit_writes, check_token, respond_committed, respond_replayed};
use crate::api::validate::{required, Violations};
use crate::engine::ops::transact::cancelled;
use crate::engine::{Access, ClientToken, Engine, TransactAction, TransactOutcome, TransactWrite};
use crate::error::{CancellationReason, Error, ErrorKind, Result};
use crate::model::{item_size, AttributeValue, CompactCollect, Item};
use crate::partiql::ast::Select;
use crate::partiql::lower::{Binder, Guard};
use crate::partiql::{self, Parsed, Statement};
use crate::{bail_validation, validation};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Statements one transaction may hold.
const MAX_STATEMENTS: usize = 100;

crate::api::reader::request! {
    pub struct ExecuteTransactionRequest {
        "TransactStatements" => transact_statements: Vec<ParameterizedStatement>,
        "ClientRequestToken" => client_request_token: String,
        "ReturnConsumedCapacity" => return_consumed_capacity: String,
    }
}

crate::api::reader::request! {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct ParameterizedStatement {
        "Statement" => statement: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        "Parameters" => parameters: Vec<Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        "ReturnValuesOnConditionCheckFailure" => return_values_on_condition_check_failure: String,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ReadTransactionResponse {
    responses: Vec<ItemResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
}

/// One read's answer: `{}` when there is no item.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ItemResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<Item>,
}

/// One statement, parsed, with its parameters.
struct Member<'r> {
    parsed: Parsed,
    parameters: Vec<AttributeValue>,
    request: &'r ParameterizedStatement,
}

pub fn execute_transaction(engine: &mut Engine, request: ExecuteTransactionRequest) -> Result<String> {
    check_shape(&request)?;
    let statements = request.transact_statements.as_deref().unwrap_or_default();
    let members = statements
        .iter()
        .enumerate()
        .map(|(position, statement)| parse_member(statement).map_err(|error| in_statement(position, error)))
        .try_collect_vec()?;
    let reads = members.iter().filter(|member| matches!(member.parsed.statement, Statement::Select(_))).count();
    if reads > 0 && reads < members.len() {
        bail_validation!("ExecuteTransaction API does not support both read and write operations in the same request.");
    }
    let detail = Detail::from_wire(request.return_consumed_capacity.as_deref());
    match reads {
        0 => write_transaction(engine, &members, &request, detail),
        _ => read_transaction(engine, &members, detail),
    }
}

fn check_shape(request: &ExecuteTransactionRequest) -> Result<()> {
    let mut violations = Violations::default();
    violations.not_null(&request.transact_statements, "transactStatements");
    for (position, statement) in request.transact_statements.iter().flatten().enumerate() {
        let path = format!("transactStatements.{}.member", position + 1);
        let on_failure = &statement.return_values_on_condition_check_failure;
        check_member(&path, (&statement.statement, &statement.parameters, on_failure), &mut violations);
    }
    check_token(&request.client_request_token, &mut violations);
    violations.one_of(&request.return_consumed_capacity, "returnConsumedCapacity", &Detail::WIRE_NAMES);
    violations.finish()?;
    let count = request.transact_statements.as_ref().map_or(0, Vec::len);
    if count == 0 {
        return Err(super::batch::bare_violation(
            "TransactStatements",
            "Member must have length greater than or equal to 1",
        ));
    }
    if count > MAX_STATEMENTS {
        let constraint = format!("Member must have length less than or equal to {MAX_STATEMENTS}");
        return Err(super::batch::bare_violation("TransactStatements", &constraint));
    }
    Ok(())
}

fn parse_member(request: &ParameterizedStatement) -> Result<Member<'_>> {
    let parsed = partiql::parse(&required(request.statement.clone(), "statement")?)?;
    let returning = match &parsed.statement {
        Statement::Update(update) => update.returning.is_some(),
        Statement::Delete(delete) => delete.returning.is_some(),
        _ => false,
    };
    if returning {
        bail_validation!("RETURNING clause is not supported in ExecuteTransaction.");
    }
    let parameters = parameter_values(request.parameters.as_deref())?;
    Ok(Member { parsed, parameters, request })
}

/// A statement's validation error as the transaction reports it.
fn in_statement(position: usize, error: Error) -> Error {
    match error.kind {
        ErrorKind::Validation => validation!("Validation failed in TransactStatements[{position}]: {}", error.message),
        _ => error,
    }
}

fn read_transaction(engine: &mut Engine, members: &[Member], detail: Detail) -> Result<String> {
    const NOT_BY_KEY: &str =
        "Select statements within ExecuteTransaction must specify the primary key in the where clause.";
    let mut reads = Vec::with_capacity(members.len());
    for (position, member) in members.iter().enumerate() {
        let Statement::Select(select) = &member.parsed.statement else { continue };
        let read = keyed_read(engine, member, select, NOT_BY_KEY).map_err(|error| in_statement(position, error))?;
        reads.push(read);
    }
    let keys: Vec<(String, Item)> = reads.iter().map(|read| (read.table_name.clone(), read.key.clone())).collect();
    let partitions: Vec<_> =
        keys.iter().map(|(table, key)| capacity::partition_value(engine, table, key).cloned()).collect();
    for ((table, _), partition) in keys.iter().zip(&partitions) {
        engine.admit(table, None, partition.as_ref(), Access::Read)?;
    }
    let items = engine.transact_get_items(&keys)?;
    let units: Vec<f64> = items
        .iter()
        .map(|item| TRANSACTION_FACTOR * capacity::read_units(item.as_ref().map_or(0, item_size), true))
        .collect();
    // Boxed: maps whose values are one pointer share their compiled code (docs/size.md).
    let mut consumed: BTreeMap<&str, Box<Consumed>> = BTreeMap::new();
    for ((table, _), units) in keys.iter().zip(&units) {
        consumed.entry(table.as_str()).or_default().table += units;
    }
    let responses =
        reads.iter().zip(&items).map(|(read, item)| ItemResponse { item: read.answer(item.as_ref()) }).collect();
    let consumed_capacity = consumed
        .iter()
        .map(|(table, units)| capacity::report_transactional(detail, table, units, Access::Read))
        .collect();
    let response = render(&ReadTransactionResponse { responses, consumed_capacity })?;
    for (((table, _), partition), units) in keys.iter().zip(&partitions).zip(units) {
        engine.consume(table, None, partition.as_ref(), Access::Read, Consumed::table(units).usage());
    }
    Ok(response)
}

fn keyed_read(engine: &Engine, member: &Member, select: &Select, refusal: &str) -> Result<KeyedRead> {
    if select.source.index.is_some() {
        bail_validation!("Reads on indices are not supported within transactions.");
    }
    let mut binder = Binder::new(&member.parameters, member.parsed.parameter_count)?;
    KeyedRead::new(engine, select, &mut binder, refusal)
}

fn write_transaction(
    engine: &mut Engine,
    members: &[Member],
    request: &ExecuteTransactionRequest,
    detail: Detail,
) -> Result<String> {
    let actions = members
        .iter()
        .enumerate()
        .map(|(position, member)| transact_write(engine, member).map_err(|error| in_statement(position, error)))
        .try_collect_vec()?;
    let token = request.client_request_token.clone().map(|token| ClientToken {
        token,
        fingerprint: serde_json::to_string(&request.transact_statements).unwrap_or_default(),
    });
    admit_writes(engine, &actions)?;
    let outcome = engine.transact_write_items(&actions, token).map_err(|error| name_duplicates(error, members))?;
    match outcome {
        TransactOutcome::Committed(outcomes) => respond_committed(engine, &actions, &outcomes, detail, false),
        TransactOutcome::Replayed(items) => respond_replayed(&actions, &items, detail),
    }
}

/// One write statement as a transaction action, with the item or key it names.
fn transact_write(engine: &Engine, member: &Member) -> Result<TransactWrite> {
    let mut binder = Binder::new(&member.parameters, member.parsed.parameter_count)?;
    let (table, action, condition) = match &member.parsed.statement {
        Statement::Insert(insert) => {
            let (schema, item) = insert_value(engine, insert, &binder)?;
            let condition = binder.write_condition(&[], &schema, Guard::MustBeAbsent)?;
            (insert.target.table.clone(), TransactAction::Put(item), condition)
        }
        Statement::Update(update) => {
            let schema = engine.key_schema(&update.target.table)?.clone();
            let (key, rest) = binder.split_key(&update.filter, &schema)?;
            let changes = binder.update(&update.assignments)?;
            let condition = binder.write_condition(&rest, &schema, Guard::MustExist)?;
            (update.target.table.clone(), TransactAction::Update { key, update: changes }, condition)
        }
        Statement::Delete(delete) => {
            let schema = engine.key_schema(&delete.target.table)?.clone();
            let (key, rest) = binder.split_key(&delete.filter, &schema)?;
            let condition = binder.write_condition(&rest, &schema, Guard::MayBeAbsent)?;
            (delete.target.table.clone(), TransactAction::Delete(key), condition)
        }
        Statement::Exists(select) => exists_check(engine, select, &mut binder)?,
        Statement::Select(_) => bail_validation!("Unsupported operation in transaction."),
    };
    let item_on_failure = member.request.return_values_on_condition_check_failure.as_deref() == Some("ALL_OLD");
    Ok(TransactWrite { table, action, condition, item_on_failure })
}

/// `EXISTS(SELECT * FROM t WHERE <key> AND <condition>)`: a ConditionCheck on one item.
fn exists_check(
    engine: &Engine,
    select: &Select,
    binder: &mut Binder,
) -> Result<(String, TransactAction, Option<crate::expr::Condition>)> {
    const SINGLE_ITEM: &str = "EXISTS() must contain a single item read with additional condition";
    if select.source.index.is_some() {
        bail_validation!("Operations on indices are not supported in transactions");
    }
    let schema = engine.key_schema(&select.source.table)?.clone();
    let Some(where_clause) = &select.filter else { bail_validation!("{SINGLE_ITEM}") };
    let (key, rest) = binder.split_key(where_clause, &schema).map_err(|_| validation!("{SINGLE_ITEM}"))?;
    if rest.is_empty() {
        bail_validation!("{SINGLE_ITEM}");
    }
    let condition = binder.write_condition(&rest, &schema, Guard::MustExist)?;
    Ok((select.source.table.clone(), TransactAction::ConditionCheck(key), condition))
}

/// A cancellation where an INSERT's key was taken names that reason DuplicateItem.
fn name_duplicates(error: Error, members: &[Member]) -> Error {
    if error.kind != ErrorKind::TransactionCanceled {
        return error;
    }
    let reasons = error.cancellation_reasons.into_iter().zip(members).map(|(reason, member)| {
        match (reason.code, &member.parsed.statement) {
            ("ConditionalCheckFailed", Statement::Insert(_)) => {
                CancellationReason { code: "DuplicateItem", message: Some(DUPLICATE_ITEM.into()), item: None }
            }
            _ => reason,
        }
    });
    cancelled(reasons.collect())
}
