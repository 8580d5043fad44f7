//! The DynamoDB JSON protocol: operation names, request and response shapes, and the
//! translation between them and the engine.
//!
//! [`dispatch`] takes an operation name (the part after `DynamoDB_20120810.` in the
//! `X-Amz-Target` header) and the request body, and answers the response body or an
//! [`Error`] that [`Error::to_json`] renders as DynamoDB does. [`dispatch_with`] takes
//! the [`RequestOptions`] that travel beside a request, such as the DAX cluster to send
//! it through.

mod access;
mod account;
mod autoscaling;
mod autoscaling_replicas;
mod backups;
mod batch;
mod buckets;
mod capacity;
mod dax;
mod encryption;
mod error;
pub mod global;
mod indexes;
mod insights;
mod items;
mod kinesis;
mod kinesis_destination;
mod partiql;
mod partiql_transaction;
mod pitr;
mod plain_request;
mod principals;
mod query;
pub(crate) mod reader;
#[cfg(test)]
mod request_oracle;
mod resource_policy;
mod simulation;
mod streams;
mod tables;
mod tags;
mod transact;
mod transfers;
mod ttl;
mod validate;

use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Item, PackedItem};
use crate::region;
use kinesis_destination::Action;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Items a read returns: as the table keeps them (rendered straight from their packed
/// bytes, the fast path), or built (projected).
#[derive(Serialize)]
#[serde(untagged)]
enum ReadItems {
    Packed(Vec<PackedItem>),
    Built(Vec<Item>),
}

/// Per-request settings beside the operation and its body (the JS API's `send` options).
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// Run as the principal of this name (docs/access-control.md); it must exist.
    pub principal: Option<String>,
    /// Run as the principal with this access key id (the AWS SDK's credentials); an
    /// access key no principal has runs as the account root.
    pub access_key_id: Option<String>,
    /// The DAX cluster to send the request through (docs/dax.md); None sends it to the
    /// table.
    pub dax: Option<String>,
    /// The Region whose endpoint the request reaches (docs/global-tables.md); None is the
    /// home Region.
    pub region: Option<&'static str>,
}

/// Runs one operation against the engine as the account root and renders its response body.
pub fn dispatch(engine: &mut Engine, operation: &str, body: &str) -> Result<String> {
    dispatch_with(engine, operation, body, &RequestOptions::default())
}

/// Runs one operation as the caller the options name, through DAX if they name a cluster,
/// in the engine's Region.
pub fn dispatch_with(engine: &mut Engine, operation: &str, body: &str, options: &RequestOptions) -> Result<String> {
    let caller = access::Caller::resolve(engine, options)?;
    dispatch_as(engine, operation, body, options, &caller)
}

/// [`dispatch_with`] for a caller already resolved (by the engine that keeps principals).
pub(crate) fn dispatch_as(
    engine: &mut Engine,
    operation: &str,
    body: &str,
    options: &RequestOptions,
    caller: &access::Caller,
) -> Result<String> {
    let clock = engine.shared_clock();
    clock.at_one_instant(|| {
        region::within(engine.region(), || {
            engine.advance_simulation();
            match &options.dax {
                Some(cluster) => dax::dispatch(engine, cluster, operation, body, caller),
                None => route(engine, operation, body, caller),
            }
        })
    })
}

/// Runs one operation once it is authorized, time having been advanced already.
fn route(engine: &mut Engine, operation: &str, body: &str, caller: &access::Caller) -> Result<String> {
    if let Some(name) = operation.strip_prefix("Dynaplay.") {
        return simulation::dispatch(engine, name, body);
    }
    if let Some(name) = operation.strip_prefix("AnyScaleFrontendService.") {
        return autoscaling::dispatch(engine, name, body);
    }
    if let Some(name) = operation.strip_prefix("DynamoDBStreams_20120810.") {
        access::authorize(engine, caller, || access::stream_checks(name, body))?;
        return streams::dispatch(engine, name, body);
    }
    if let Some(name) = operation.strip_prefix("Kinesis_20131202.") {
        return kinesis::dispatch(engine, name, body).map_err(Error::from_kinesis);
    }
    let handler = handler_of(operation)?;
    access::authorize(engine, caller, || access::checks(engine, operation, body))?;
    handler(engine, body, caller)
}

/// Runs one of DynamoDB's operations already authorized (the DAX cluster authorizes a
/// request before it passes it to the table).
fn run_authorized(engine: &mut Engine, operation: &str, body: &str, caller: &access::Caller) -> Result<String> {
    handler_of(operation)?(engine, body, caller)
}

/// The handler of one of DynamoDB's operations; UnknownOperationException for any other name.
fn handler_of(operation: &str) -> Result<Handler> {
    match OPERATIONS.iter().find(|(name, _)| *name == operation) {
        Some((_, handler)) => Ok(*handler),
        None => Err(Error::new(ErrorKind::UnknownOperation, format!("Unknown operation: {operation}"))),
    }
}

/// How one DynamoDB operation runs: the engine, the request body and who sends it.
type Handler = fn(&mut Engine, &str, &access::Caller) -> Result<String>;

/// DynamoDB's operations, by name; the item operations first, as the most frequent (the
/// table is searched in order).
const OPERATIONS: &[(&str, Handler)] = &[
    ("PutItem", |engine, body, _| items::put_item_text(engine, body)),
    ("GetItem", |engine, body, _| items::get_item_text(engine, body)),
    ("DeleteItem", |engine, body, _| items::delete_item(engine, read(body)?)),
    ("UpdateItem", |engine, body, _| items::update_item(engine, read(body)?)),
    ("Query", |engine, body, _| query::query(engine, read(body)?)),
    ("CreateTable", |engine, body, _| tables::create_table(engine, read(body)?)),
    ("DescribeTable", |engine, body, _| tables::describe_table(engine, read(body)?)),
    ("ListTables", |engine, body, _| tables::list_tables(engine, read(body)?)),
    ("UpdateTable", |engine, body, _| tables::update_table(engine, read(body)?)),
    ("DeleteTable", |engine, body, _| tables::delete_table(engine, read(body)?)),
    ("TagResource", |engine, body, _| tags::tag_resource(engine, read(body)?)),
    ("UntagResource", |engine, body, _| tags::untag_resource(engine, read(body)?)),
    ("ListTagsOfResource", |engine, body, _| tags::list_tags_of_resource(engine, read(body)?)),
    ("UpdateTimeToLive", |engine, body, _| ttl::update_time_to_live(engine, read(body)?)),
    ("DescribeTimeToLive", |engine, body, _| ttl::describe_time_to_live(engine, read(body)?)),
    ("EnableKinesisStreamingDestination", |engine, body, _| {
        kinesis_destination::change_destination(engine, read(body)?, Action::Enable)
    }),
    ("DisableKinesisStreamingDestination", |engine, body, _| {
        kinesis_destination::change_destination(engine, read(body)?, Action::Disable)
    }),
    ("UpdateKinesisStreamingDestination", |engine, body, _| {
        kinesis_destination::change_destination(engine, read(body)?, Action::Update)
    }),
    ("DescribeKinesisStreamingDestination", |engine, body, _| {
        kinesis_destination::describe_destination(engine, read(body)?)
    }),
    ("CreateBackup", |engine, body, _| backups::create_backup(engine, read(body)?)),
    ("DescribeBackup", |engine, body, _| backups::describe_backup(engine, read(body)?)),
    ("ListBackups", |engine, body, _| backups::list_backups(engine, read(body)?)),
    ("DeleteBackup", |engine, body, _| backups::delete_backup(engine, read(body)?)),
    ("RestoreTableFromBackup", |engine, body, _| backups::restore_table_from_backup(engine, read(body)?)),
    ("UpdateContinuousBackups", |engine, body, _| pitr::update_continuous_backups(engine, read(body)?)),
    ("DescribeContinuousBackups", |engine, body, _| pitr::describe_continuous_backups(engine, read(body)?)),
    ("RestoreTableToPointInTime", |engine, body, _| pitr::restore_table_to_point_in_time(engine, read(body)?)),
    ("UpdateContributorInsights", |engine, body, _| insights::update_contributor_insights(engine, read(body)?)),
    ("DescribeContributorInsights", |engine, body, _| insights::describe_contributor_insights(engine, read(body)?)),
    ("ListContributorInsights", |engine, body, _| insights::list_contributor_insights(engine, read(body)?)),
    ("DescribeLimits", |_, body, _| account::describe_limits(read(body)?)),
    ("DescribeEndpoints", |_, body, _| account::describe_endpoints(read(body)?)),
    ("Scan", |engine, body, _| query::scan(engine, read(body)?)),
    ("BatchGetItem", |engine, body, _| batch::batch_get_item(engine, read(body)?, None)),
    ("BatchWriteItem", |engine, body, _| batch::batch_write_item(engine, read(body)?)),
    ("ExecuteStatement", |engine, body, _| partiql::execute_statement(engine, read(body)?)),
    ("BatchExecuteStatement", |engine, body, _| partiql::batch_execute_statement(engine, read(body)?)),
    ("ExecuteTransaction", |engine, body, _| partiql_transaction::execute_transaction(engine, read(body)?)),
    ("TransactWriteItems", |engine, body, _| transact::transact_write_items(engine, read(body)?, body)),
    ("TransactGetItems", |engine, body, _| transact::transact_get_items(engine, read(body)?)),
    ("ExportTableToPointInTime", |engine, body, _| transfers::export_table_to_point_in_time(engine, read(body)?)),
    ("DescribeExport", |engine, body, _| transfers::describe_export(engine, read(body)?)),
    ("ListExports", |engine, body, _| transfers::list_exports(engine, read(body)?)),
    ("ImportTable", |engine, body, _| transfers::import_table(engine, read(body)?, body)),
    ("DescribeImport", |engine, body, _| transfers::describe_import(engine, read(body)?)),
    ("ListImports", |engine, body, _| transfers::list_imports(engine, read(body)?)),
    ("PutResourcePolicy", |engine, body, caller| resource_policy::put_resource_policy(engine, read(body)?, caller)),
    ("GetResourcePolicy", |engine, body, _| resource_policy::get_resource_policy(engine, read(body)?)),
    ("DeleteResourcePolicy", |engine, body, _| resource_policy::delete_resource_policy(engine, read(body)?)),
];

/// Parses a request body; a body that is not the operation's JSON shape is a
/// SerializationException, as on DynamoDB.
fn parse<T: DeserializeOwned>(body: &str) -> Result<T> {
    serde_json::from_str(body).map_err(|error| Error::serialization(error.to_string()))
}

/// Reads a request body into a request struct declared with [`reader::request!`]; a body
/// that is not the struct's JSON shape is a SerializationException with serde_json's text.
fn read<T: reader::Fields + Default>(body: &str) -> Result<T> {
    reader::read(body).map_err(|error| Error::serialization(error.to_string()))
}

/// Renders a response body.
fn render<T: Serialize>(response: &T) -> Result<String> {
    serde_json::to_string(response).map_err(internal_error)
}

/// A response as a JSON value, for a caller that adds members before rendering it.
fn render_value<T: Serialize>(response: &T) -> Result<serde_json::Value> {
    serde_json::to_value(response).map_err(internal_error)
}

fn internal_error(error: serde_json::Error) -> Error {
    Error::new(ErrorKind::InternalServerError, error.to_string())
}

/// Renders `rest` (a response object; None for no other member) with `item` as its
/// first member `name`: the item written straight from its packed bytes, much faster
/// than through serde, which a GetItem spent most of its time in; the other members
/// through serde.
fn render_with_item(name: &str, item: &PackedItem, rest: Option<&impl Serialize>) -> Result<String> {
    let rest = rest.map(render).transpose()?;
    let unreadable = |what: &str| Error::new(ErrorKind::InternalServerError, format!("{what} does not render"));
    let members = match &rest {
        Some(rest) => rest.strip_prefix('{').ok_or_else(|| unreadable("a response"))?,
        None => "}",
    };
    let mut out = Vec::with_capacity(2 * item.size() + members.len() + name.len() + 16);
    for piece in ["{\"", name, "\":"] {
        out.extend_from_slice(piece.as_bytes());
    }
    item.write_json(&mut out).ok_or_else(|| unreadable("a packed item"))?;
    if members != "}" {
        out.push(b',');
    }
    out.extend_from_slice(members.as_bytes());
    String::from_utf8(out).map_err(|_| unreadable("a packed item"))
}

/// Refuses a parameter that a later Dynaplay release implements, rather than ignoring it.
fn not_yet<T>(parameter: &Option<T>, name: &str, operation: &str) -> Result<()> {
    match parameter {
        Some(_) => Err(Error::validation(format!("Dynaplay does not support the {name} parameter of {operation} yet"))),
        None => Ok(()),
    }
}
