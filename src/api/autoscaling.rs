//! Application Auto Scaling for DynamoDB on the wire: the part of that service's JSON
//! protocol (target prefix `AnyScaleFrontendService`) that DynamoDB auto scaling uses,
//! so that `aws application-autoscaling register-scalable-target ...` and
//! `put-scaling-policy ...` (or the SDK's ApplicationAutoScalingClient) configure target
//! tracking as they do on AWS. The scaling itself is [`crate::engine::autoscaling`].

use crate::api::{read, render};
use crate::clock::seconds;
use crate::engine::autoscaling::{ScalableResource, ScalableTarget, TargetTracking};
use crate::engine::{Access, Engine, ACCOUNT_ID};
use crate::error::{Error, ErrorKind, Result};
use crate::json::{self, json};
use crate::model::sort_stable_by;
use crate::region;
use serde_json::Value;

/// Runs the Application Auto Scaling operation `name`.
pub fn dispatch(engine: &mut Engine, name: &str, body: &str) -> Result<String> {
    match name {
        "RegisterScalableTarget" => register(engine, read(body)?),
        "DeregisterScalableTarget" => deregister(engine, read(body)?),
        "DescribeScalableTargets" => describe_targets(engine, read(body)?),
        "PutScalingPolicy" => put_policy(engine, read(body)?),
        "DeleteScalingPolicy" => delete_policy(engine, read(body)?),
        "DescribeScalingPolicies" => describe_policies(engine, read(body)?),
        "DescribeScalingActivities" => describe_activities(engine, read(body)?),
        _ => Err(Error::new(ErrorKind::UnknownOperation, format!("Unknown operation: AnyScaleFrontendService.{name}"))),
    }
}

crate::api::reader::request! {
    /// The members naming one scalable target, shared by every request.
    pub struct TargetMembers {
        "ServiceNamespace" => service_namespace: String,
        "ResourceId" => resource_id: String,
        "ScalableDimension" => scalable_dimension: String,
    }
}

crate::api::reader::request! {
    pub struct RegisterRequest {
        "MinCapacity" => min_capacity: i64,
        "MaxCapacity" => max_capacity: i64,
        "RoleARN" => _role_arn: String,
        flatten target: TargetMembers,
    }
}

crate::api::reader::request! {
    pub struct PolicyRequest {
        "PolicyName" => policy_name: String,
        "PolicyType" => policy_type: String,
        "TargetTrackingScalingPolicyConfiguration" => target_tracking_scaling_policy_configuration: TrackingConfiguration,
        flatten target: TargetMembers,
    }
}

crate::api::reader::request! {
    pub struct TrackingConfiguration {
        "TargetValue" => target_value: f64,
        "PredefinedMetricSpecification" => predefined_metric_specification: MetricSpecification,
        "ScaleInCooldown" => scale_in_cooldown: u64,
        "ScaleOutCooldown" => scale_out_cooldown: u64,
        "DisableScaleIn" => disable_scale_in: bool,
    }
}

crate::api::reader::request! {
    pub struct MetricSpecification {
        "PredefinedMetricType" => predefined_metric_type: String,
    }
}

crate::api::reader::request! {
    pub struct DescribeRequest {
        "ServiceNamespace" => service_namespace: String,
        "ResourceId" => resource_id: String,
        "ResourceIds" => resource_ids: Vec<String>,
        "ScalableDimension" => scalable_dimension: String,
        "PolicyNames" => policy_names: Vec<String>,
    }
}

/// DynamoDB's scalable dimensions: (wire name, index or table, access).
const DIMENSIONS: [(&str, bool, Access); 4] = [
    ("dynamodb:table:ReadCapacityUnits", false, Access::Read),
    ("dynamodb:table:WriteCapacityUnits", false, Access::Write),
    ("dynamodb:index:ReadCapacityUnits", true, Access::Read),
    ("dynamodb:index:WriteCapacityUnits", true, Access::Write),
];
/// DynamoDB's provisioned units limit a target's capacity.
const MAX_UNITS: i64 = 40_000;

impl TargetMembers {
    /// The table (or index) and access the members name.
    fn resolve(&self) -> Result<(ScalableResource, Access)> {
        check_namespace(self.service_namespace.as_deref())?;
        let id = self.resource_id.as_deref().ok_or_else(|| missing("ResourceId"))?;
        let dimension = self.scalable_dimension.as_deref().ok_or_else(|| missing("ScalableDimension"))?;
        let resource = parse_resource_id(id)?;
        let Some((_, _, access)) =
            DIMENSIONS.iter().find(|(name, on_index, _)| *name == dimension && *on_index == resource.index.is_some())
        else {
            return Err(Error::validation(format!(
                "Unsupported scalable dimension '{dimension}' for resource ID '{id}'"
            )));
        };
        Ok((resource, *access))
    }
}

fn check_namespace(namespace: Option<&str>) -> Result<()> {
    match namespace {
        Some("dynamodb") => Ok(()),
        Some(other) => {
            Err(Error::validation(format!("Dynaplay simulates the dynamodb service namespace only, not {other}")))
        }
        None => Err(missing("ServiceNamespace")),
    }
}

fn missing(member: &str) -> Error {
    Error::validation(format!(
        "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
        lower_first(member)
    ))
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|first| first.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// `table/T` or `table/T/index/I`.
fn parse_resource_id(id: &str) -> Result<ScalableResource> {
    let parts: Vec<&str> = id.split('/').collect();
    match parts[..] {
        ["table", table] if !table.is_empty() => Ok(ScalableResource { table: table.into(), index: None }),
        ["table", table, "index", index] if !table.is_empty() && !index.is_empty() => {
            Ok(ScalableResource { table: table.into(), index: Some(index.into()) })
        }
        _ => Err(Error::validation(format!("Unsupported resource ID '{id}' for service namespace dynamodb"))),
    }
}

fn resource_id(table: &str, index: Option<&str>) -> String {
    match index {
        Some(index) => format!("table/{table}/index/{index}"),
        None => format!("table/{table}"),
    }
}

fn dimension_name(index: bool, access: Access) -> &'static str {
    DIMENSIONS.iter().find(|(_, on_index, of)| *on_index == index && *of == access).map_or("", |(name, _, _)| name)
}

fn not_found(what: &str, members: &TargetMembers) -> Error {
    let message = format!(
        "No {what} found for service namespace: dynamodb, resource ID: {}, scalable dimension: {}",
        members.resource_id.as_deref().unwrap_or_default(),
        members.scalable_dimension.as_deref().unwrap_or_default()
    );
    Error::new(ErrorKind::ObjectNotFound, message)
}

fn register(engine: &mut Engine, request: RegisterRequest) -> Result<String> {
    let (resource, access) = request.target.resolve()?;
    let (Some(min), Some(max)) = (request.min_capacity, request.max_capacity) else {
        return Err(Error::validation(
            "MinCapacity and MaxCapacity must both be specified when registering a new scalable target",
        ));
    };
    if min < 1 || max > MAX_UNITS || min > max {
        return Err(Error::validation(format!(
            "Invalid capacity range: MinCapacity ({min}) must be at least 1 and at most MaxCapacity ({max}), which must be at most {MAX_UNITS}"
        )));
    }
    engine.register_scalable_target(&resource, access, min as u64, max as u64)?;
    let id = resource_id(&resource.table, resource.index.as_deref());
    let region = region::current();
    let arn = format!(
        "arn:aws:application-autoscaling:{region}:{ACCOUNT_ID}:scalable-target/dynamodb/{id}/{}",
        access.name()
    );
    Ok(json::text(&json!({"ScalableTargetARN": arn})))
}

fn deregister(engine: &mut Engine, request: TargetMembers) -> Result<String> {
    let (resource, access) = request.resolve()?;
    match engine.deregister_scalable_target(&resource, access)? {
        true => Ok("{}".into()),
        false => Err(not_found("scalable target", &request)),
    }
}

fn put_policy(engine: &mut Engine, request: PolicyRequest) -> Result<String> {
    let (resource, access) = request.target.resolve()?;
    let name = request.policy_name.clone().ok_or_else(|| missing("PolicyName"))?;
    match request.policy_type.as_deref() {
        Some("TargetTrackingScaling") => {}
        _ => return Err(Error::validation("Only TargetTrackingScaling policies are supported for DynamoDB")),
    }
    let configuration = request
        .target_tracking_scaling_policy_configuration
        .as_ref()
        .ok_or_else(|| Error::validation("TargetTrackingScalingPolicyConfiguration is required"))?;
    let metric =
        configuration.predefined_metric_specification.as_ref().and_then(|spec| spec.predefined_metric_type.as_deref());
    let expected = match access {
        Access::Read => "DynamoDBReadCapacityUtilization",
        Access::Write => "DynamoDBWriteCapacityUtilization",
    };
    if metric != Some(expected) {
        return Err(Error::validation(format!(
            "The predefined metric type must be {expected} for this scalable dimension"
        )));
    }
    let target_value = configuration.target_value.ok_or_else(|| missing("TargetValue"))?;
    if !(20.0..=90.0).contains(&target_value) {
        return Err(Error::validation("TargetValue for DynamoDB must be between 20 and 90"));
    }
    let policy = TargetTracking {
        name: name.clone(),
        target_value,
        disable_scale_in: configuration.disable_scale_in.unwrap_or(false),
        scale_in_cooldown_seconds: configuration.scale_in_cooldown.unwrap_or(0),
        scale_out_cooldown_seconds: configuration.scale_out_cooldown.unwrap_or(0),
        created_millis: 0,
    };
    if !engine.put_scaling_policy(&resource, access, policy)? {
        return Err(not_found("scalable target", &request.target));
    }
    let id = resource_id(&resource.table, resource.index.as_deref());
    let region = region::current();
    let policy_arn = format!(
        "arn:aws:autoscaling:{region}:{ACCOUNT_ID}:scalingPolicy:dynaplay:resource/dynamodb/{id}:policyName/{name}"
    );
    let alarm = |level: &str| {
        let alarm_name = format!("TargetTracking-{id}-{level}");
        json!({"AlarmName": alarm_name, "AlarmARN": format!("arn:aws:cloudwatch:{region}:{ACCOUNT_ID}:alarm:{alarm_name}")})
    };
    Ok(json::text(&json!({"PolicyARN": policy_arn, "Alarms": [alarm("AlarmHigh"), alarm("AlarmLow")]})))
}

fn delete_policy(engine: &mut Engine, request: PolicyRequest) -> Result<String> {
    let (resource, access) = request.target.resolve()?;
    let name = request.policy_name.as_deref().ok_or_else(|| missing("PolicyName"))?;
    match engine.delete_scaling_policy(&resource, access, name)? {
        true => Ok("{}".into()),
        false => Err(not_found("scaling policy", &request.target)),
    }
}

/// Every scalable target of every table, with its table, filtered as a Describe asks.
fn targets<'a>(
    engine: &'a Engine,
    request: &'a DescribeRequest,
) -> impl Iterator<Item = (&'a str, &'a ScalableTarget)> + 'a {
    engine
        .tables()
        .flat_map(|table| table.meta.auto_scaling.iter().map(move |target| (table.meta.name.as_str(), target)))
        .filter(move |(table, target)| {
            let id = resource_id(table, target.index.as_deref());
            let dimension = dimension_name(target.index.is_some(), target.access);
            request.resource_id.as_ref().is_none_or(|wanted| *wanted == id)
                && request.resource_ids.as_ref().is_none_or(|wanted| wanted.contains(&id))
                && request.scalable_dimension.as_deref().is_none_or(|wanted| wanted == dimension)
        })
}

fn describe_targets(engine: &mut Engine, request: DescribeRequest) -> Result<String> {
    check_namespace(request.service_namespace.as_deref())?;
    let found: Vec<Value> = targets(engine, &request)
        .map(|(table, target)| {
            json!({"ServiceNamespace": "dynamodb", "ResourceId": resource_id(table, target.index.as_deref()),
                   "ScalableDimension": dimension_name(target.index.is_some(), target.access),
                   "MinCapacity": target.min, "MaxCapacity": target.max,
                   "RoleARN": format!("arn:aws:iam::{ACCOUNT_ID}:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"),
                   "CreationTime": seconds(target.created_millis),
                   "SuspendedState": {"DynamicScalingInSuspended": false, "DynamicScalingOutSuspended": false, "ScheduledScalingSuspended": false}})
        })
        .collect();
    render(&json!({"ScalableTargets": found}))
}

fn describe_policies(engine: &mut Engine, request: DescribeRequest) -> Result<String> {
    check_namespace(request.service_namespace.as_deref())?;
    let found: Vec<Value> = targets(engine, &request)
        .filter_map(|(table, target)| Some((table, target, target.policy.as_ref()?)))
        .filter(|(_, _, policy)| request.policy_names.as_ref().is_none_or(|names| names.contains(&policy.name)))
        .map(|(table, target, policy)| {
            let id = resource_id(table, target.index.as_deref());
            let metric = match target.access {
                Access::Read => "DynamoDBReadCapacityUtilization",
                Access::Write => "DynamoDBWriteCapacityUtilization",
            };
            json!({"PolicyName": policy.name, "ServiceNamespace": "dynamodb", "ResourceId": id,
                   "ScalableDimension": dimension_name(target.index.is_some(), target.access),
                   "PolicyType": "TargetTrackingScaling",
                   "TargetTrackingScalingPolicyConfiguration": {"TargetValue": policy.target_value,
                       "PredefinedMetricSpecification": {"PredefinedMetricType": metric},
                       "ScaleInCooldown": policy.scale_in_cooldown_seconds, "ScaleOutCooldown": policy.scale_out_cooldown_seconds,
                       "DisableScaleIn": policy.disable_scale_in},
                   "CreationTime": seconds(policy.created_millis)})
        })
        .collect();
    render(&json!({"ScalingPolicies": found}))
}

fn describe_activities(engine: &mut Engine, request: DescribeRequest) -> Result<String> {
    check_namespace(request.service_namespace.as_deref())?;
    let mut found: Vec<(u64, Value)> = Vec::new();
    for table in engine.tables() {
        for activity in &table.traffic.activities {
            let id = resource_id(&table.meta.name, activity.index.as_deref());
            let dimension = dimension_name(activity.index.is_some(), activity.access);
            if request.resource_id.as_ref().is_some_and(|wanted| *wanted != id)
                || request.scalable_dimension.as_deref().is_some_and(|wanted| wanted != dimension)
            {
                continue;
            }
            let units = match activity.access {
                Access::Read => "read capacity units",
                Access::Write => "write capacity units",
            };
            found.push((activity.at_millis, json!({
                "ActivityId": format!("{}-{}-{}", id, dimension, activity.at_millis), "ServiceNamespace": "dynamodb",
                "ResourceId": id, "ScalableDimension": dimension,
                "Description": format!("Setting {units} to {}.", activity.to),
                "Cause": format!("{} (from {} to {})", activity.cause, activity.from, activity.to),
                "StartTime": seconds(activity.at_millis), "EndTime": seconds(activity.at_millis),
                "StatusCode": "Successful",
                "StatusMessage": format!("Successfully set {units} to {}. Change successfully fulfilled by dynamodb.", activity.to)})));
        }
    }
    sort_stable_by(&mut found, |(a, _), (b, _)| b.cmp(a));
    render(&json!({"ScalingActivities": found.into_iter().map(|(_, activity)| activity).collect::<Vec<_>>()}))
}
