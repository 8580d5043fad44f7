//! ExecuteStatement and BatchExecuteStatement: PartiQL on the wire.
//!
//! A statement is checked and run in DynamoDB's order:
//!
//! 1. The request shape (Statement 1 to 8192 characters, Limit at least 1, the
//!    enumerations), all violations reported at once; then the Parameters as attribute
//!    values.
//! 2. [`partiql::parse`]: syntax errors and the constructs DynamoDB refuses before
//!    looking at a table (aliases, LIMIT, joins, a DML statement without WHERE).
//! 3. The parameter count, then the table (ResourceNotFoundException) and index.
//! 4. The statement, lowered by [`Binder`] into the engine's types and run as one
//!    engine operation:
//!    - SELECT is a Query when its WHERE fixes the partition key by equality among its
//!      top-level ANDs (with a sort key condition when one is there too), else a Scan;
//!      the whole WHERE filters the items read, so it never lowers the capacity charged.
//!      Pages follow Limit and the 1 MB rule; a NextToken carries the LastEvaluatedKey.
//!    - INSERT puts an item whose key is not taken yet (DuplicateItemException).
//!    - UPDATE and DELETE address the item by the full key their WHERE names by
//!      equality; the rest of the WHERE is the write's condition.
//! 5. The response: `Items`, `NextToken` and `ConsumedCapacity` computed as Query, Scan
//!    and the single-item writes compute them.
//!
//! BatchExecuteStatement runs up to 25 statements, all reads (each a single-item read
//! by full primary key) or all writes, each answering its own result or error.

use crate::api::batch::bare_violation;
use crate::api::capacity::{self, Consumed, ConsumedCapacity, Detail};
use crate::api::items::ON_CONDITION_CHECK_FAILURE;
use crate::api::query::read_consumed;
use crate::api::render;
use crate::api::validate::{required, Violations};
use crate::engine::ops::scan::fnv1a;
use crate::engine::{
    check_put_item_size, Access, Engine, IndexChoice, IndexKind, IndexRead, Page, PageOptions, Precondition, QuerySpec,
    ScanSpec, SecondaryIndex,
};
use crate::error::{Error, ErrorKind, Result};
use crate::expr::{Condition, DocumentPath, ExpressionKind, PathElement};
use crate::model::{
    hex_decode, hex_encode, item_from_json, item_size, AttributeValue, CompactCollect, Item, KeySchema, PackedItem,
};
use crate::partiql::ast::{self, Delete, Insert, Projection, Returning, Select, Step, Update};
use crate::partiql::lower::{Binder, Guard};
use crate::partiql::{self, Parsed, Statement};
use crate::{bail_validation, validation};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Longest statement, in characters.
const MAX_STATEMENT_LENGTH: usize = 8192;
/// Most statements in one BatchExecuteStatement.
const MAX_BATCH_STATEMENTS: usize = 25;
/// What DynamoDB says to an INSERT whose key is taken.
pub(super) const DUPLICATE_ITEM: &str = "Duplicate primary key exists in table";

crate::api::reader::request! {
    pub struct ExecuteStatementRequest {
        "Statement" => statement: String,
        "Parameters" => parameters: Vec<Value>,
        "ConsistentRead" => consistent_read: bool,
        "NextToken" => next_token: String,
        "Limit" => limit: i64,
        "ReturnConsumedCapacity" => return_consumed_capacity: String,
        "ReturnValuesOnConditionCheckFailure" => return_values_on_condition_check_failure: String,
    }
}

crate::api::reader::request! {
    pub struct BatchExecuteStatementRequest {
        "Statements" => statements: Vec<BatchStatementRequest>,
        "ReturnConsumedCapacity" => return_consumed_capacity: String,
    }
}

crate::api::reader::request! {
    struct BatchStatementRequest {
        "Statement" => statement: String,
        "Parameters" => parameters: Vec<Value>,
        "ConsistentRead" => consistent_read: bool,
        "ReturnValuesOnConditionCheckFailure" => return_values_on_condition_check_failure: String,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ExecuteStatementResponse {
    items: Vec<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BatchExecuteStatementResponse {
    responses: Vec<BatchStatementResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
}

/// One statement's answer in a batch: its item, or its error.
#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
struct BatchStatementResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<BatchStatementError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    table_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<Item>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BatchStatementError {
    code: &'static str,
    message: String,
}

/// How one statement runs, beyond its text and parameters.
struct Run<'a> {
    consistent: bool,
    item_on_failure: bool,
    limit: Option<usize>,
    next_token: Option<&'a str>,
    /// The statement's text and parameters, which its NextToken is bound to.
    token_seed: String,
    /// In a BatchExecuteStatement: a SELECT reads one item by its full primary key.
    in_batch: bool,
}

/// What one statement did.
struct Outcome {
    table_name: String,
    items: Vec<Item>,
    next_token: Option<String>,
    consumed: Consumed,
}

pub fn execute_statement(engine: &mut Engine, request: ExecuteStatementRequest) -> Result<String> {
    let mut violations = Violations::default();
    check_statement(&request.statement, "statement", &mut violations);
    check_parameters(&request.parameters, "parameters", &mut violations);
    if let Some(limit) = request.limit.filter(|&limit| limit < 1) {
        violations.add(format!("'{limit}'"), "limit", "Member must have value greater than or equal to 1");
    }
    violations.one_of(&request.return_consumed_capacity, "returnConsumedCapacity", &Detail::WIRE_NAMES);
    let on_failure = &request.return_values_on_condition_check_failure;
    violations.one_of(on_failure, "returnValuesOnConditionCheckFailure", &ON_CONDITION_CHECK_FAILURE);
    violations.finish()?;
    let statement = required(request.statement, "statement")?;
    let parameters = parameter_values(request.parameters.as_deref())?;
    let run = Run {
        consistent: request.consistent_read.unwrap_or(false),
        item_on_failure: on_failure.as_deref() == Some("ALL_OLD"),
        // check_statement refused a Limit below 1.
        limit: request.limit.map(|limit| limit as usize),
        next_token: request.next_token.as_deref(),
        token_seed: token_seed(&statement, &parameters),
        in_batch: false,
    };
    let outcome = run_statement(engine, &statement, &parameters, &run)?;
    let detail = Detail::from_wire(request.return_consumed_capacity.as_deref());
    render(&ExecuteStatementResponse {
        items: outcome.items,
        next_token: outcome.next_token,
        consumed_capacity: capacity::report_consumed(detail, &outcome.table_name, &outcome.consumed),
    })
}

pub fn batch_execute_statement(engine: &mut Engine, request: BatchExecuteStatementRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.not_null(&request.statements, "statements");
    for (position, statement) in request.statements.iter().flatten().enumerate() {
        let path = format!("statements.{}.member", position + 1);
        let on_failure = &statement.return_values_on_condition_check_failure;
        check_member(&path, (&statement.statement, &statement.parameters, on_failure), &mut violations);
    }
    violations.one_of(&request.return_consumed_capacity, "returnConsumedCapacity", &Detail::WIRE_NAMES);
    violations.finish()?;
    let statements = request.statements.unwrap_or_default();
    if statements.is_empty() {
        return Err(bare_violation("Statements", "Member must have length greater than or equal to 1"));
    }
    if statements.len() > MAX_BATCH_STATEMENTS {
        return Err(bare_violation("Statements", "Member must have length less than or equal to 25"));
    }
    let parsed: Vec<Result<Parsed>> = statements.iter().map(parse_member).collect();
    check_reads_or_writes(&parsed)?;
    let mut responses = Vec::new();
    // Boxed: maps whose values are one pointer share their compiled code (docs/size.md).
    let mut consumed: BTreeMap<String, Box<Consumed>> = BTreeMap::new();
    for (statement, parsed) in statements.iter().zip(parsed) {
        let (response, outcome) = run_batch_member(engine, statement, parsed);
        if let Some(outcome) = outcome {
            consumed.entry(outcome.table_name).or_default().add(&outcome.consumed);
        }
        responses.push(response);
    }
    let detail = Detail::from_wire(request.return_consumed_capacity.as_deref());
    let consumed_capacity = (detail != Detail::None).then(|| {
        consumed.iter().filter_map(|(table, consumed)| capacity::report_consumed(detail, table, consumed)).collect()
    });
    render(&BatchExecuteStatementResponse { responses, consumed_capacity })
}

/// A batch member's statement, parsed.
fn parse_member(request: &BatchStatementRequest) -> Result<Parsed> {
    Ok(partiql::parse(request.statement.as_deref().unwrap_or_default())?)
}

/// A batch holds reads only or writes only, judged on the statements that parse.
fn check_reads_or_writes(parsed: &[Result<Parsed>]) -> Result<()> {
    let kinds: Vec<bool> = parsed
        .iter()
        .filter_map(|parsed| match &parsed.as_ref().ok()?.statement {
            Statement::Select(_) => Some(true),
            Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_) => Some(false),
            Statement::Exists(_) => None,
        })
        .collect();
    if kinds.windows(2).any(|pair| pair.first() != pair.get(1)) {
        bail_validation!("Read and write requests together in the same batch is not supported.");
    }
    Ok(())
}

/// Runs one batch member: its response, and what it consumed when it ran.
fn run_batch_member(
    engine: &mut Engine,
    request: &BatchStatementRequest,
    parsed: Result<Parsed>,
) -> (BatchStatementResponse, Option<Outcome>) {
    let run = Run {
        consistent: request.consistent_read.unwrap_or(false),
        // A batch member never returns the item of a failed condition.
        item_on_failure: false,
        limit: None,
        next_token: None,
        token_seed: String::new(),
        in_batch: true,
    };
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(error) => return (batch_error(error, None), None),
    };
    let result = parameter_values(request.parameters.as_deref())
        .and_then(|parameters| run_parsed(engine, &parsed, &parameters, &run));
    match result {
        Ok(mut outcome) => {
            let item = outcome.items.pop();
            let response =
                BatchStatementResponse { table_name: Some(outcome.table_name.clone()), item, ..Default::default() };
            (response, Some(outcome))
        }
        Err(error) => (batch_error(error, Some(&parsed.statement)), None),
    }
}

/// A member's error as a batch reports it: a short code, and the table when the
/// statement got as far as its item.
fn batch_error(error: Error, statement: Option<&Statement>) -> BatchStatementResponse {
    let code = match error.kind {
        ErrorKind::Validation | ErrorKind::Serialization => "ValidationError",
        ErrorKind::ConditionalCheckFailed => "ConditionalCheckFailed",
        ErrorKind::DuplicateItem => "DuplicateItem",
        ErrorKind::ResourceNotFound => "ResourceNotFound",
        ErrorKind::ItemCollectionSizeLimitExceeded => "ItemCollectionSizeLimitExceeded",
        ErrorKind::ProvisionedThroughputExceeded => "ProvisionedThroughputExceeded",
        ErrorKind::Throttling => "ThrottlingError",
        ErrorKind::TransactionConflict => "TransactionConflict",
        _ => "InternalServerError",
    };
    let reached_item = matches!(error.kind, ErrorKind::ConditionalCheckFailed | ErrorKind::DuplicateItem);
    let table_name = statement.filter(|_| reached_item).map(|statement| statement.table().to_owned());
    BatchStatementResponse { error: Some(BatchStatementError { code, message: error.message }), table_name, item: None }
}

/// One statement member's constraints (at `path`, e.g. `statements.1.member`): its
/// Statement, Parameters and ReturnValuesOnConditionCheckFailure.
pub(super) fn check_member(
    path: &str,
    (statement, parameters, on_failure): (&Option<String>, &Option<Vec<Value>>, &Option<String>),
    violations: &mut Violations,
) {
    check_statement(statement, &format!("{path}.statement"), violations);
    check_parameters(parameters, &format!("{path}.parameters"), violations);
    let on_failure_path = format!("{path}.returnValuesOnConditionCheckFailure");
    violations.one_of(on_failure, &on_failure_path, &ON_CONDITION_CHECK_FAILURE);
}

/// A Statement member's constraints: present, 1 to 8192 characters.
fn check_statement(statement: &Option<String>, path: &str, violations: &mut Violations) {
    violations.not_null(statement, path);
    let Some(statement) = statement else { return };
    let length = statement.chars().count();
    if length == 0 {
        violations.add("''", path, "Member must have length greater than or equal to 1");
    }
    if length > MAX_STATEMENT_LENGTH {
        violations.add(format!("'{statement}'"), path, "Member must have length less than or equal to 8192");
    }
}

/// Parameters, when given, hold at least one value.
fn check_parameters(parameters: &Option<Vec<Value>>, path: &str, violations: &mut Violations) {
    if parameters.as_ref().is_some_and(Vec::is_empty) {
        violations.add("'[]'", path, "Member must have length greater than or equal to 1");
    }
}

pub(super) fn parameter_values(parameters: Option<&[Value]>) -> Result<Vec<AttributeValue>> {
    parameters.unwrap_or_default().iter().map(AttributeValue::from_json).collect()
}

/// What a NextToken is bound to: the statement's text and parameters.
fn token_seed(statement: &str, parameters: &[AttributeValue]) -> String {
    format!("{statement}\u{0}{}", serde_json::to_string(parameters).unwrap_or_default())
}

fn run_statement(engine: &mut Engine, statement: &str, parameters: &[AttributeValue], run: &Run) -> Result<Outcome> {
    run_parsed(engine, &partiql::parse(statement)?, parameters, run)
}

fn run_parsed(engine: &mut Engine, parsed: &Parsed, parameters: &[AttributeValue], run: &Run) -> Result<Outcome> {
    let mut binder = Binder::new(parameters, parsed.parameter_count)?;
    match &parsed.statement {
        Statement::Select(select) if run.in_batch => select_item(engine, select, &mut binder, run),
        Statement::Select(select) => select_page(engine, select, &mut binder, run),
        Statement::Insert(insert) => insert_item(engine, insert, &binder),
        Statement::Update(update) => update_item(engine, update, &mut binder, run),
        Statement::Delete(delete) => delete_item(engine, delete, &mut binder, run),
        Statement::Exists(_) => Err(validation!("EXISTS can only be used in ExecuteTransaction write requests.")),
    }
}

/// A SELECT's projection: each path's value under its last name (with any list indexes
/// after it), as DynamoDB names projected attributes.
pub(super) struct Shape {
    columns: Vec<(String, DocumentPath)>,
}

impl Shape {
    fn new(projection: &Projection) -> Result<Option<Shape>> {
        let Projection::Paths(paths) = projection else { return Ok(None) };
        let mut columns: Vec<(String, DocumentPath)> = Vec::new();
        for path in paths {
            let name = column_name(path);
            if columns.iter().any(|(known, _)| *known == name) {
                bail_validation!("Duplicate identifiers in select clause: {name}");
            }
            columns.push((name, document_path(path)));
        }
        Ok(Some(Shape { columns }))
    }

    fn apply(&self, item: &Item) -> Item {
        self.columns.iter().filter_map(|(name, path)| Some((name.clone(), path.get(item)?.clone()))).collect_map()
    }

    fn heads(&self) -> Vec<&str> {
        self.columns.iter().map(|(_, path)| path.head()).collect()
    }
}

fn document_path(path: &ast::Path) -> DocumentPath {
    DocumentPath(
        path.steps
            .iter()
            .map(|step| match step {
                Step::Name(name) => PathElement::Attr(name.clone()),
                Step::Index(index) => PathElement::Index(*index),
            })
            .collect(),
    )
}

/// `m.k[1]` is answered as `k[1]`, `l[0]` as `l[0]`.
fn column_name(path: &ast::Path) -> String {
    let last_name = path.steps.iter().rposition(|step| matches!(step, Step::Name(_))).unwrap_or(0);
    path.steps[last_name..]
        .iter()
        .map(|step| match step {
            Step::Name(name) => name.clone(),
            Step::Index(index) => format!("[{index}]"),
        })
        .collect()
}

/// The index a SELECT names, checked as DynamoDB's PartiQL checks it.
fn select_index(engine: &Engine, select: &Select, run: &Run) -> Result<Option<SecondaryIndex>> {
    let Some(name) = &select.source.index else { return Ok(None) };
    let index = engine
        .secondary_index(&select.source.table, name)
        .map_err(|_| validation!("The table does not have the specified index"))?
        .clone();
    if index.kind == IndexKind::Global && run.consistent {
        bail_validation!("Strongly consistent read is not supported on Global Secondary Indexes");
    }
    if index.backfilling_until_millis.is_some() {
        bail_validation!("Cannot read from backfilling global secondary index: {name}");
    }
    Ok(Some(index))
}

/// How an index read takes its items: filters and global index projections may only
/// name attributes the index carries; a local index fetches projected attributes it
/// lacks from the table.
fn index_read(
    index: &SecondaryIndex,
    table_schema: &KeySchema,
    shape: Option<&Shape>,
    filter_names: &[&str],
) -> Result<IndexRead> {
    let missing = |names: &[&str]| -> Vec<String> {
        let mut missing: Vec<String> = Vec::new();
        for name in names.iter().filter(|name| !index.projects(table_schema, name)) {
            if !missing.iter().any(|known| known == name) {
                missing.push((*name).to_owned());
            }
        }
        missing
    };
    let unfiltered = missing(filter_names);
    if !unfiltered.is_empty() {
        bail_validation!(
            "One or more parameter values were invalid: Secondary index {} does not project one or more filter attributes: [{}]",
            index.name,
            unfiltered.join(", ")
        );
    }
    let unprojected = missing(&shape.map(Shape::heads).unwrap_or_default());
    match (unprojected.is_empty(), index.kind) {
        (true, _) => Ok(IndexRead::Projected),
        (false, IndexKind::Local) => Ok(IndexRead::FetchFromTable),
        (false, IndexKind::Global) => Err(validation!(
            "One or more parameter values were invalid: Global secondary index {} does not project [{}]",
            index.name,
            unprojected.join(", ")
        )),
    }
}

/// ORDER BY needs a WHERE fixing the partition key, and names key attributes only;
/// whether the sort key runs descending.
fn order_descending(select: &Select, schema: &KeySchema, is_query: bool) -> Result<bool> {
    if select.order_by.is_empty() {
        return Ok(false);
    }
    if select.filter.is_none() {
        bail_validation!("Must have WHERE clause in the statement when using ORDER BY clause.");
    }
    if !is_query {
        bail_validation!(
            "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause."
        );
    }
    let mut descending = false;
    for key in &select.order_by {
        let name = match key.path.steps.as_slice() {
            [Step::Name(name)] if schema.iter().any(|attribute| attribute.name == *name) => name,
            _ => bail_validation!(
                "Variable reference {} in ORDER BY clause must be part of the primary key",
                column_name(&key.path)
            ),
        };
        if schema.sort.as_ref().is_some_and(|sort| sort.name == *name) {
            descending = key.descending;
        }
    }
    Ok(descending)
}

fn select_page(engine: &mut Engine, select: &Select, binder: &mut Binder, run: &Run) -> Result<Outcome> {
    let table_name = select.source.table.clone();
    let table_schema = engine.key_schema(&table_name)?.clone();
    let index = select_index(engine, select, run)?;
    let schema = index.as_ref().map_or(&table_schema, |index| &index.key_schema).clone();
    let shape = Shape::new(&select.projection)?;
    let parts: Vec<&ast::Expr> = select.filter.iter().collect();
    let filter = binder.condition(&parts, ExpressionKind::Filter)?;
    let key_condition = binder.key_condition(select.filter.as_ref(), &schema)?;
    let descending = order_descending(select, &schema, key_condition.is_some())?;
    let read = match &index {
        Some(index) => {
            let names = filter.as_ref().map(|filter| filter.top_level_names()).unwrap_or_default();
            Some(index_read(index, &table_schema, shape.as_ref(), &names)?)
        }
        None => None,
    };
    let start = run.next_token.map(|token| decode_token(token, &run.token_seed)).transpose()?;
    let index_choice = select.source.index.as_deref().zip(read).map(|(name, read)| IndexChoice { name, read });
    let partition = key_condition.as_ref().map(|condition| &condition.partition_value);
    let index_name = select.source.index.as_deref();
    engine.admit(&table_name, index_name, partition, Access::Read)?;
    let page_options = PageOptions { limit: run.limit, filter: filter.as_ref() };
    let page = match &key_condition {
        Some(key_condition) => {
            let spec = QuerySpec {
                key_condition,
                forward: !descending,
                exclusive_start_key: start.as_ref(),
                page: page_options,
                index: index_choice,
            };
            engine.query(&table_name, &spec)?
        }
        None => {
            let spec = ScanSpec {
                segment: None,
                exclusive_start_key: start.as_ref(),
                page: page_options,
                index: index_choice,
            };
            engine.scan(&table_name, &spec)?
        }
    };
    let consumed = read_consumed(&page, run.consistent, index.as_ref());
    engine.consume(&table_name, index_name, partition, Access::Read, consumed.usage());
    let Page { items, last_evaluated_key, .. } = page;
    let items = match &shape {
        Some(shape) => items.iter().map(|item| shape.apply(&item.unpack())).collect(),
        None => items.iter().map(PackedItem::unpack).collect(),
    };
    let next_token = last_evaluated_key.map(|key| encode_token(&key, &run.token_seed));
    Ok(Outcome { table_name, items, next_token, consumed })
}

/// A SELECT that reads one item by its full primary key (in a batch or a transaction):
/// the key, and the rest of its WHERE as a filter on that item.
pub(super) struct KeyedRead {
    pub table_name: String,
    pub key: Item,
    pub filter: Option<Condition>,
    pub shape: Option<Shape>,
    partition: Option<AttributeValue>,
}

impl KeyedRead {
    /// The read, or `refusal` when the SELECT names an index or not the full key.
    pub fn new(engine: &Engine, select: &Select, binder: &mut Binder, refusal: &str) -> Result<KeyedRead> {
        let table_name = select.source.table.clone();
        let schema = engine.key_schema(&table_name)?.clone();
        let (Some(where_clause), None) = (&select.filter, &select.source.index) else { bail_validation!("{refusal}") };
        let (key, rest) = binder.split_key(where_clause, &schema).map_err(|_| validation!("{refusal}"))?;
        let shape = Shape::new(&select.projection)?;
        let filter = binder.condition(&rest, ExpressionKind::Filter)?;
        let partition = key.get(&schema.partition.name).cloned();
        Ok(KeyedRead { table_name, key, filter, shape, partition })
    }

    /// The item as the SELECT returns it, if it passes the filter.
    pub fn answer(&self, item: Option<&Item>) -> Option<Item> {
        let item = item.filter(|item| self.filter.as_ref().is_none_or(|filter| filter.matches(item)))?;
        Some(self.shape.as_ref().map_or_else(|| item.clone(), |shape| shape.apply(item)))
    }
}

/// A batch member's SELECT: one item by its full primary key.
fn select_item(engine: &mut Engine, select: &Select, binder: &mut Binder, run: &Run) -> Result<Outcome> {
    const NOT_BY_KEY: &str =
        "Select statements within BatchExecuteStatement must specify the primary key in the where clause.";
    let read = KeyedRead::new(engine, select, binder, NOT_BY_KEY)?;
    let table_name = read.table_name.clone();
    engine.admit(&table_name, None, read.partition.as_ref(), Access::Read)?;
    let item = engine.get_item(&table_name, &read.key)?.map(PackedItem::unpack);
    let consumed = Consumed::table(capacity::read_units(item.as_ref().map_or(0, item_size), run.consistent));
    let items = read.answer(item.as_ref()).into_iter().collect();
    engine.consume(&table_name, None, read.partition.as_ref(), Access::Read, consumed.usage());
    Ok(Outcome { table_name, items, next_token: None, consumed })
}

/// An INSERT's item, with its key attributes present and of the table's types.
pub(super) fn insert_value(engine: &Engine, insert: &Insert, binder: &Binder) -> Result<(KeySchema, Item)> {
    let schema = engine.key_schema(&insert.target.table)?.clone();
    let item = binder.item(&insert.value)?;
    for attribute in schema.iter() {
        match item.get(&attribute.name) {
            None => bail_validation!("Key attribute should be present in the item: Key {}", attribute.name),
            Some(value) if !attribute.scalar.matches(value) => bail_validation!(
                "Key attribute's data type should match its data type in table's schema: Key {}",
                attribute.name
            ),
            Some(_) => {}
        }
    }
    Ok((schema, item))
}

fn insert_item(engine: &mut Engine, insert: &Insert, binder: &Binder) -> Result<Outcome> {
    let table_name = insert.target.table.clone();
    let (schema, item) = insert_value(engine, insert, binder)?;
    check_put_item_size(&item)?;
    if engine.get_item(&table_name, &schema.key_attributes(&item))?.is_some() {
        return Err(Error::new(ErrorKind::DuplicateItem, DUPLICATE_ITEM));
    }
    let size = item_size(&item);
    let partition = item.get(&schema.partition.name).cloned();
    engine.admit(&table_name, None, partition.as_ref(), Access::Write)?;
    engine.put_item(&table_name, item.clone())?;
    let consumed = write_consumed(engine, &table_name, &[size], (None, Some(&item)), partition.as_ref());
    Ok(Outcome { table_name, items: Vec::new(), next_token: None, consumed })
}

fn update_item(engine: &mut Engine, update: &Update, binder: &mut Binder, run: &Run) -> Result<Outcome> {
    let table_name = update.target.table.clone();
    let schema = engine.key_schema(&table_name)?.clone();
    let (key, rest) = binder.split_key(&update.filter, &schema)?;
    let changes = binder.update(&update.assignments)?;
    let condition = binder.write_condition(&rest, &schema, Guard::MustExist)?;
    let precondition = Precondition { condition: condition.as_ref(), item_on_failure: run.item_on_failure };
    let partition = key.get(&schema.partition.name);
    engine.admit(&table_name, None, partition, Access::Write)?;
    let keep_old = matches!(update.returning, Some(Returning::AllOld | Returning::ModifiedOld));
    let updated = engine.update_item(&table_name, &key, Some(&changes), &precondition, keep_old)?;
    let sizes = updated.sizes;
    let images = (updated.old.as_deref(), Some(&*updated.new));
    let consumed = write_consumed(engine, &table_name, &sizes, images, partition);
    let returned = match update.returning {
        None => None,
        Some(Returning::AllOld) => updated.old.map(Rc::unwrap_or_clone),
        Some(Returning::AllNew) => Some(Rc::unwrap_or_clone(updated.new)),
        Some(Returning::ModifiedOld) => updated.old.map(|old| changes.updated_paths().apply(&old)),
        Some(Returning::ModifiedNew) => Some(changes.updated_paths().apply(&updated.new)),
    };
    let items = returned.filter(|item| !item.is_empty()).into_iter().collect();
    Ok(Outcome { table_name, items, next_token: None, consumed })
}

fn delete_item(engine: &mut Engine, delete: &Delete, binder: &mut Binder, run: &Run) -> Result<Outcome> {
    let table_name = delete.target.table.clone();
    let schema = engine.key_schema(&table_name)?.clone();
    let (key, rest) = binder.split_key(&delete.filter, &schema)?;
    let condition = binder.write_condition(&rest, &schema, Guard::MayBeAbsent)?;
    let precondition = Precondition { condition: condition.as_ref(), item_on_failure: run.item_on_failure };
    let partition = key.get(&schema.partition.name);
    engine.admit(&table_name, None, partition, Access::Write)?;
    let old = engine.delete_item_if(&table_name, &key, &precondition)?;
    let sizes = [old.as_ref().map_or(0, PackedItem::size)];
    // Unpacked only to be returned, or for the indexes' share of the capacity.
    let wanted = delete.returning.is_some() || capacity::charges_indexes(engine, &table_name);
    let old = old.filter(|_| wanted).map(|old| old.unpack());
    let consumed = write_consumed(engine, &table_name, &sizes, (old.as_ref(), None), partition);
    let items = old.filter(|_| delete.returning.is_some()).into_iter().collect();
    Ok(Outcome { table_name, items, next_token: None, consumed })
}

/// What a single-item write consumed, charged to the table's throughput: the table's
/// units for the item sizes written, and each index's for the change between the images
/// (old, new) of the item in the partition `partition`.
fn write_consumed(
    engine: &mut Engine,
    table_name: &str,
    sizes: &[usize],
    (old, new): (Option<&Item>, Option<&Item>),
    partition: Option<&AttributeValue>,
) -> Consumed {
    let mut consumed = Consumed::table(capacity::write_units(sizes));
    if let Some(table) = engine.table(table_name) {
        consumed.add_index_writes(&table.meta, old, new);
    }
    engine.consume(table_name, None, partition, Access::Write, consumed.usage());
    consumed
}

/// A NextToken: the hash of the statement and parameters it continues, then the
/// LastEvaluatedKey as JSON, all hex.
fn encode_token(key: &Item, seed: &str) -> String {
    let json = serde_json::to_string(key).unwrap_or_default();
    format!("{:016x}{}", fnv1a(seed.as_bytes()), hex_encode(json.as_bytes()))
}

/// The LastEvaluatedKey a NextToken carries, refused when it is not a token or belongs
/// to another statement or other parameters.
fn decode_token(token: &str, seed: &str) -> Result<Item> {
    let invalid = || validation!("Invalid NextToken");
    let (hash, key) = (token.get(..16).ok_or_else(invalid)?, token.get(16..).ok_or_else(invalid)?);
    let json = hex_decode(key).and_then(|bytes| String::from_utf8(bytes).ok()).ok_or_else(invalid)?;
    let key: Map<String, Value> = serde_json::from_str(&json).map_err(|_| invalid())?;
    if u64::from_str_radix(hash, 16).map_err(|_| invalid())? != fnv1a(seed.as_bytes()) {
        bail_validation!("NextToken does not match request");
    }
    item_from_json(&key).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use crate::api::dispatch;
    use crate::clock::ManualClock;
    use crate::engine::Engine;
    use crate::error::ErrorKind;
    use serde_json::{json, Value};

    /// An engine with the table `Tab` (partition key `p`, sort key `s`) and a local index
    /// `ByV` on `v` projecting keys only, holding one item.
    fn engine() -> Engine {
        let mut engine = Engine::new(Box::new(ManualClock::new(0)));
        let table = json!({"TableName": "Tab", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "p", "KeyType": "HASH"}, {"AttributeName": "s", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "p", "AttributeType": "S"},
                {"AttributeName": "s", "AttributeType": "N"}, {"AttributeName": "v", "AttributeType": "S"}],
            "LocalSecondaryIndexes": [{"IndexName": "ByV", "Projection": {"ProjectionType": "KEYS_ONLY"},
                "KeySchema": [{"AttributeName": "p", "KeyType": "HASH"}, {"AttributeName": "v", "KeyType": "RANGE"}]}]});
        send(&mut engine, "CreateTable", table);
        let item = json!({"p": {"S": "a"}, "s": {"N": "1"}, "v": {"S": "x"}, "extra": {"N": "7"}});
        send(&mut engine, "PutItem", json!({"TableName": "Tab", "Item": item}));
        engine.take_changes();
        engine
    }

    fn send(engine: &mut Engine, operation: &str, request: Value) -> Value {
        let response = dispatch(engine, operation, &request.to_string()).unwrap_or_else(|e| panic!("{operation}: {e}"));
        serde_json::from_str(&response).unwrap()
    }

    #[test]
    fn a_failed_condition_carries_the_item_when_asked_and_changes_nothing() {
        let mut engine = engine();
        let request = json!({"Statement": "UPDATE Tab SET v = 'y' WHERE p = 'a' AND s = 1 AND extra = 8",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"});
        let error = dispatch(&mut engine, "ExecuteStatement", &request.to_string()).unwrap_err();
        assert_eq!(error.kind, ErrorKind::ConditionalCheckFailed);
        let item = json!({"p": {"S": "a"}, "s": {"N": "1"}, "v": {"S": "x"}, "extra": {"N": "7"}});
        assert_eq!(serde_json::to_value(error.item).unwrap(), item);
        assert!(engine.take_changes().is_empty());
    }

    #[test]
    fn a_local_index_fetches_unprojected_attributes_from_the_table() {
        let mut engine = engine();
        let request = json!({"Statement": "SELECT extra FROM \"Tab\".\"ByV\" WHERE p = 'a' AND v = 'x'",
            "ReturnConsumedCapacity": "INDEXES", "ConsistentRead": true});
        let response = send(&mut engine, "ExecuteStatement", request);
        assert_eq!(response["Items"], json!([{"extra": {"N": "7"}}]));
        let consumed = &response["ConsumedCapacity"];
        assert_eq!(consumed["Table"]["CapacityUnits"], 1.0, "the fetch reads the table");
        assert_eq!(consumed["LocalSecondaryIndexes"]["ByV"]["CapacityUnits"], 1.0);
    }

    #[test]
    fn pages_of_a_query_follow_their_next_tokens_to_the_end() {
        let mut engine = engine();
        for s in 2..=5 {
            let statement = format!("INSERT INTO Tab VALUE {{'p': 'a', 's': {s}, 'v': 'x{s}'}}");
            send(&mut engine, "ExecuteStatement", json!({"Statement": statement}));
        }
        let mut request = json!({"Statement": "SELECT s FROM Tab WHERE p = ? ORDER BY s DESC",
            "Parameters": [{"S": "a"}], "Limit": 2});
        let mut seen = Vec::new();
        loop {
            let page = send(&mut engine, "ExecuteStatement", request.clone());
            seen.extend(page["Items"].as_array().unwrap().iter().map(|item| item["s"]["N"].clone()));
            match page.get("NextToken") {
                Some(token) => request["NextToken"] = token.clone(),
                None => break,
            }
        }
        assert_eq!(seen, vec![json!("5"), json!("4"), json!("3"), json!("2"), json!("1")]);
    }
}
