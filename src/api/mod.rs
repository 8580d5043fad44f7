//! The DynamoDB JSON protocol: operation names, request and response shapes, and the
//! translation between them and the engine.
//!
//! [`dispatch`] takes an operation name (the part after `DynamoDB_20120810.` in the
//! `X-Amz-Target` header) and the request body, and answers the response body or an
//! [`Error`] that [`Error::to_json`] renders as DynamoDB does.

mod account;
mod autoscaling;
mod autoscaling_replicas;
mod backups;
mod batch;
mod buckets;
mod capacity;
mod encryption;
mod error;
pub mod global;
mod indexes;
mod items;
mod kinesis;
mod kinesis_destination;
mod partiql;
mod partiql_transaction;
mod pitr;
mod query;
mod simulation;
mod streams;
mod tables;
mod tags;
mod transact;
mod transfers;
mod ttl;
mod validate;

use crate::engine::Engine;
use crate::region;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Item, PackedItem};
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

/// A single item a read returns, as [`ReadItems`].
#[derive(Serialize)]
#[serde(untagged)]
enum ReadItem<'a> {
    Packed(&'a PackedItem),
    Built(Item),
}

/// Runs one operation against the engine and renders its response body.
pub fn dispatch(engine: &mut Engine, operation: &str, body: &str) -> Result<String> {
    region::within(engine.region(), || dispatch_in_region(engine, operation, body))
}

/// [`dispatch`] once the engine's Region is the current one.
fn dispatch_in_region(engine: &mut Engine, operation: &str, body: &str) -> Result<String> {
    engine.advance_simulation();
    if let Some(name) = operation.strip_prefix("Dynaplay.") {
        return simulation::dispatch(engine, name, body);
    }
    if let Some(name) = operation.strip_prefix("AnyScaleFrontendService.") {
        return autoscaling::dispatch(engine, name, body);
    }
    if let Some(name) = operation.strip_prefix("DynamoDBStreams_20120810.") {
        return streams::dispatch(engine, name, body);
    }
    if let Some(name) = operation.strip_prefix("Kinesis_20131202.") {
        return kinesis::dispatch(engine, name, body).map_err(Error::from_kinesis);
    }
    use kinesis_destination::Action;
    match operation {
        "CreateTable" => tables::create_table(engine, parse(body)?),
        "DescribeTable" => tables::describe_table(engine, parse(body)?),
        "ListTables" => tables::list_tables(engine, parse(body)?),
        "UpdateTable" => tables::update_table(engine, parse(body)?),
        "DeleteTable" => tables::delete_table(engine, parse(body)?),
        "TagResource" => tags::tag_resource(engine, parse(body)?),
        "UntagResource" => tags::untag_resource(engine, parse(body)?),
        "ListTagsOfResource" => tags::list_tags_of_resource(engine, parse(body)?),
        "UpdateTimeToLive" => ttl::update_time_to_live(engine, parse(body)?),
        "DescribeTimeToLive" => ttl::describe_time_to_live(engine, parse(body)?),
        "EnableKinesisStreamingDestination" => {
            kinesis_destination::change_destination(engine, parse(body)?, Action::Enable)
        }
        "DisableKinesisStreamingDestination" => {
            kinesis_destination::change_destination(engine, parse(body)?, Action::Disable)
        }
        "UpdateKinesisStreamingDestination" => {
            kinesis_destination::change_destination(engine, parse(body)?, Action::Update)
        }
        "DescribeKinesisStreamingDestination" => kinesis_destination::describe_destination(engine, parse(body)?),
        "CreateBackup" => backups::create_backup(engine, parse(body)?),
        "DescribeBackup" => backups::describe_backup(engine, parse(body)?),
        "ListBackups" => backups::list_backups(engine, parse(body)?),
        "DeleteBackup" => backups::delete_backup(engine, parse(body)?),
        "RestoreTableFromBackup" => backups::restore_table_from_backup(engine, parse(body)?),
        "UpdateContinuousBackups" => pitr::update_continuous_backups(engine, parse(body)?),
        "DescribeContinuousBackups" => pitr::describe_continuous_backups(engine, parse(body)?),
        "RestoreTableToPointInTime" => pitr::restore_table_to_point_in_time(engine, parse(body)?),
        "DescribeLimits" => account::describe_limits(parse(body)?),
        "DescribeEndpoints" => account::describe_endpoints(parse(body)?),
        "PutItem" => items::put_item(engine, parse(body)?),
        "GetItem" => items::get_item(engine, parse(body)?),
        "DeleteItem" => items::delete_item(engine, parse(body)?),
        "UpdateItem" => items::update_item(engine, parse(body)?),
        "Query" => query::query(engine, parse(body)?),
        "Scan" => query::scan(engine, parse(body)?),
        "BatchGetItem" => batch::batch_get_item(engine, parse(body)?),
        "BatchWriteItem" => batch::batch_write_item(engine, parse(body)?),
        "ExecuteStatement" => partiql::execute_statement(engine, parse(body)?),
        "BatchExecuteStatement" => partiql::batch_execute_statement(engine, parse(body)?),
        "ExecuteTransaction" => partiql_transaction::execute_transaction(engine, parse(body)?),
        "TransactWriteItems" => transact::transact_write_items(engine, parse(body)?, body),
        "TransactGetItems" => transact::transact_get_items(engine, parse(body)?),
        "ExportTableToPointInTime" => transfers::export_table_to_point_in_time(engine, parse(body)?),
        "DescribeExport" => transfers::describe_export(engine, parse(body)?),
        "ListExports" => transfers::list_exports(engine, parse(body)?),
        "ImportTable" => transfers::import_table(engine, parse(body)?, body),
        "DescribeImport" => transfers::describe_import(engine, parse(body)?),
        "ListImports" => transfers::list_imports(engine, parse(body)?),
        _ => Err(Error::new(ErrorKind::UnknownOperation, format!("Unknown operation: {operation}"))),
    }
}

/// Parses a request body; a body that is not the operation's JSON shape is a
/// SerializationException, as on DynamoDB.
fn parse<T: DeserializeOwned>(body: &str) -> Result<T> {
    serde_json::from_str(body).map_err(|error| Error::serialization(error.to_string()))
}

/// Renders a response body.
fn render<T: Serialize>(response: &T) -> Result<String> {
    serde_json::to_string(response).map_err(|error| Error::new(ErrorKind::InternalServerError, error.to_string()))
}

/// Refuses a parameter that a later Dynaplay release implements, rather than ignoring it.
fn not_yet<T>(parameter: &Option<T>, name: &str, operation: &str) -> Result<()> {
    match parameter {
        Some(_) => Err(Error::validation(format!("Dynaplay does not support the {name} parameter of {operation} yet"))),
        None => Ok(()),
    }
}
