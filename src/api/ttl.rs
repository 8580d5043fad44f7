//! UpdateTimeToLive and DescribeTimeToLive on the wire.

use crate::api::render;
use crate::api::validate::{required, Violations};
use crate::engine::{table_not_found, Engine};
use crate::error::Result;
use crate::json::json;
use serde::Serialize;

/// The longest attribute name time to live may name.
const MAX_ATTRIBUTE_NAME_CHARS: usize = 255;

crate::api::reader::request! {
    pub struct UpdateTimeToLiveRequest {
        "TableName" => table_name: String,
        "TimeToLiveSpecification" => time_to_live_specification: SpecificationInput,
    }
}

crate::api::reader::request! {
    struct SpecificationInput {
        "Enabled" => enabled: bool,
        "AttributeName" => attribute_name: String,
    }
}

crate::api::reader::request! {
    pub struct DescribeTimeToLiveRequest {
        "TableName" => table_name: String,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Specification<'a> {
    enabled: bool,
    attribute_name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Description<'a> {
    time_to_live_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    attribute_name: Option<&'a str>,
}

/// Turns time to live on or off; the response repeats the specification.
pub fn update_time_to_live(engine: &mut Engine, request: UpdateTimeToLiveRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.table_name(&request.table_name, "tableName");
    violations.not_null(&request.time_to_live_specification, "timeToLiveSpecification");
    if let Some(specification) = &request.time_to_live_specification {
        let name = &specification.attribute_name;
        violations.not_null(name, "timeToLiveSpecification.attributeName");
        violations.length(name, "timeToLiveSpecification.attributeName", 1, MAX_ATTRIBUTE_NAME_CHARS);
        violations.not_null(&specification.enabled, "timeToLiveSpecification.enabled");
    }
    violations.finish()?;
    let name = required(request.table_name, "tableName")?;
    let specification = required(request.time_to_live_specification, "timeToLiveSpecification")?;
    let attribute_name = required(specification.attribute_name, "timeToLiveSpecification.attributeName")?;
    let enabled = required(specification.enabled, "timeToLiveSpecification.enabled")?;
    engine.update_time_to_live(&name, enabled, attribute_name.clone())?;
    let specification = Specification { enabled, attribute_name: &attribute_name };
    render(&json!({ "TimeToLiveSpecification": specification }))
}

/// The table's time to live status, with its attribute while it has one.
pub fn describe_time_to_live(engine: &mut Engine, request: DescribeTimeToLiveRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.table_name(&request.table_name, "tableName");
    violations.finish()?;
    let name = required(request.table_name, "tableName")?;
    let now = engine.now_millis();
    let table = engine.table(&name).ok_or_else(|| table_not_found(&name))?;
    let (status, attribute_name) = table.meta.time_to_live_status(now);
    let description = Description { time_to_live_status: status.wire_name(), attribute_name };
    render(&json!({ "TimeToLiveDescription": description }))
}
