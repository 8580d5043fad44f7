//! DynamoDB's Kinesis streaming destination operations on the wire:
//! EnableKinesisStreamingDestination, DisableKinesisStreamingDestination,
//! DescribeKinesisStreamingDestination and UpdateKinesisStreamingDestination.

use crate::api::backups::table_name_of;
use crate::api::render;
use crate::api::validate::{required, Violations};
use crate::engine::{table_not_found, Engine, TimestampPrecision};
use crate::error::Result;
use serde::Serialize;

/// TableName takes a name or an ARN: 1 to 1024 characters.
const TABLE_NAME_LENGTH: (usize, usize) = (1, 1024);
const STREAM_ARN_LENGTH: (usize, usize) = (37, 1024);

crate::api::reader::request! {
    pub struct DestinationRequest {
        "TableName" => table_name: String,
        "StreamArn" => stream_arn: String,
        "EnableKinesisStreamingConfiguration" => enable_kinesis_streaming_configuration: Configuration,
        "UpdateKinesisStreamingConfiguration" => update_kinesis_streaming_configuration: Configuration,
    }
}

crate::api::reader::request! {
    pub struct DescribeRequest {
        "TableName" => table_name: String,
    }
}

crate::api::reader::request! {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Configuration {
        #[serde(skip_serializing_if = "Option::is_none")]
        "ApproximateCreationDateTimePrecision" => approximate_creation_date_time_precision: String,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DestinationResponse<'a> {
    table_name: &'a str,
    stream_arn: &'a str,
    destination_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_kinesis_streaming_configuration: Option<Configuration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    update_kinesis_streaming_configuration: Option<Configuration>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Destination<'a> {
    stream_arn: &'a str,
    destination_status: &'static str,
    approximate_creation_date_time_precision: &'static str,
}

/// Which destination operation a request is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// EnableKinesisStreamingDestination.
    Enable,
    /// DisableKinesisStreamingDestination.
    Disable,
    /// UpdateKinesisStreamingDestination.
    Update,
}

/// Runs EnableKinesisStreamingDestination, DisableKinesisStreamingDestination or
/// UpdateKinesisStreamingDestination; the response repeats the request with the status
/// the destination is moving to.
pub fn change_destination(engine: &mut Engine, request: DestinationRequest, action: Action) -> Result<String> {
    let (configuration, path) = match action {
        Action::Update => (&request.update_kinesis_streaming_configuration, "updateKinesisStreamingConfiguration"),
        _ => (&request.enable_kinesis_streaming_configuration, "enableKinesisStreamingConfiguration"),
    };
    let mut violations = Violations::default();
    check_table_name(&mut violations, &request.table_name);
    violations.not_null(&request.stream_arn, "streamArn");
    violations.length(&request.stream_arn, "streamArn", STREAM_ARN_LENGTH.0, STREAM_ARN_LENGTH.1);
    let precision_text = configuration.as_ref().and_then(|c| c.approximate_creation_date_time_precision.clone());
    violations.one_of(
        &precision_text,
        &format!("{path}.approximateCreationDateTimePrecision"),
        &TimestampPrecision::WIRE_NAMES,
    );
    violations.finish()?;
    let name = table_name_of(&required(request.table_name, "tableName")?);
    let stream_arn = required(request.stream_arn, "streamArn")?;
    let precision = precision_text.as_deref().and_then(TimestampPrecision::from_wire);
    let status = match action {
        Action::Enable => {
            engine.enable_kinesis_destination(
                &name,
                &stream_arn,
                precision.unwrap_or(TimestampPrecision::Millisecond),
            )?;
            "ENABLING"
        }
        Action::Disable => {
            engine.disable_kinesis_destination(&name, &stream_arn)?;
            "DISABLING"
        }
        Action::Update => {
            let Some(precision) = precision else {
                crate::bail_validation!("The UpdateKinesisStreamingConfiguration must be specified");
            };
            engine.update_kinesis_destination(&name, &stream_arn, precision)?;
            "UPDATING"
        }
    };
    let echoed = Configuration { approximate_creation_date_time_precision: precision_text };
    let (enable_configuration, update_configuration) = match action {
        Action::Update => (None, Some(echoed)),
        _ => (Some(echoed), None),
    };
    let response = DestinationResponse {
        table_name: &name,
        stream_arn: &stream_arn,
        destination_status: status,
        enable_kinesis_streaming_configuration: enable_configuration,
        update_kinesis_streaming_configuration: update_configuration,
    };
    render(&response)
}

/// The table's destinations, disabled ones included.
pub fn describe_destination(engine: &mut Engine, request: DescribeRequest) -> Result<String> {
    let mut violations = Violations::default();
    check_table_name(&mut violations, &request.table_name);
    violations.finish()?;
    let name = table_name_of(&required(request.table_name, "tableName")?);
    let table = engine.table(&name).ok_or_else(|| table_not_found(&name))?;
    let destinations: Vec<Destination> = table
        .meta
        .kinesis_destinations
        .iter()
        .map(|destination| Destination {
            stream_arn: &destination.stream_arn,
            destination_status: if destination.active { "ACTIVE" } else { "DISABLED" },
            approximate_creation_date_time_precision: destination.precision.wire_name(),
        })
        .collect();
    render(&crate::json::json!({ "TableName": name, "KinesisDataStreamDestinations": destinations }))
}

fn check_table_name(violations: &mut Violations, name: &Option<String>) {
    violations.not_null(name, "tableName");
    violations.length(name, "tableName", TABLE_NAME_LENGTH.0, TABLE_NAME_LENGTH.1);
}
