//! DescribeTableReplicaAutoScaling and UpdateTableReplicaAutoScaling: the auto scaling of
//! a global table's replicas, a view of (and a front to) the Application Auto Scaling
//! targets and policies each replica's Region keeps (src/api/autoscaling.rs).

use crate::api::not_yet;
use crate::api::tables::checked_table_name;
use crate::engine::autoscaling::{ScalableResource, ScalableTarget, TargetTracking};
use crate::engine::{Access, BillingMode, Engine, IndexKind, ACCOUNT_ID};
use crate::error::{Error, ErrorKind, Result};
use crate::global::{Regions, Replicate};
use crate::json::{self, json};
use serde_json::Value;

crate::api::reader::request! {
    pub struct DescribeRequest {
        "TableName" => table_name: String,
    }
}

crate::api::reader::request! {
    pub struct UpdateRequest {
        "TableName" => table_name: String,
        "ProvisionedWriteCapacityAutoScalingUpdate" => provisioned_write_capacity_auto_scaling_update: SettingsUpdate,
        "ReplicaUpdates" => replica_updates: Vec<ReplicaUpdate>,
        "GlobalSecondaryIndexUpdates" => global_secondary_index_updates: Value,
    }
}

crate::api::reader::request! {
    struct ReplicaUpdate {
        "RegionName" => region_name: String,
        "ReplicaProvisionedReadCapacityAutoScalingUpdate" => replica_provisioned_read_capacity_auto_scaling_update: SettingsUpdate,
        "ReplicaGlobalSecondaryIndexUpdates" => replica_global_secondary_index_updates: Value,
    }
}

crate::api::reader::request! {
    /// An AutoScalingSettingsUpdate.
    #[derive(Clone)]
    struct SettingsUpdate {
        "MinimumUnits" => minimum_units: u64,
        "MaximumUnits" => maximum_units: u64,
        "AutoScalingDisabled" => auto_scaling_disabled: bool,
        "AutoScalingRoleArn" => _role_arn: String,
        "ScalingPolicyUpdate" => scaling_policy_update: PolicyUpdate,
    }
}

crate::api::reader::request! {
    #[derive(Clone)]
    struct PolicyUpdate {
        "PolicyName" => policy_name: String,
        "TargetTrackingScalingPolicyConfiguration" => target_tracking_scaling_policy_configuration: TrackingConfiguration,
    }
}

crate::api::reader::request! {
    #[derive(Clone)]
    struct TrackingConfiguration {
        "DisableScaleIn" => disable_scale_in: bool,
        "ScaleInCooldown" => scale_in_cooldown: u64,
        "ScaleOutCooldown" => scale_out_cooldown: u64,
        "TargetValue" => target_value: f64,
    }
}

/// Describes the auto scaling of every replica of the global table `TableName`.
pub fn describe(regions: &mut Regions, region: &'static str, request: DescribeRequest) -> Result<String> {
    let name = checked_table_name(request.table_name)?;
    regions.deliver_due();
    describe_table(regions, region, &name)
}

/// Changes the write auto scaling of every replica and the read auto scaling of the
/// replicas named, then describes them all.
pub fn update(regions: &mut Regions, region: &'static str, request: UpdateRequest) -> Result<String> {
    let name = checked_table_name(request.table_name)?;
    not_yet(&request.global_secondary_index_updates, "GlobalSecondaryIndexUpdates", "UpdateTableReplicaAutoScaling")?;
    let members = replica_regions(regions, region, &name)?;
    let mut changes: Vec<(&'static str, Access, SettingsUpdate)> = Vec::new();
    if let Some(write) = request.provisioned_write_capacity_auto_scaling_update {
        changes.extend(members.iter().map(|member| (*member, Access::Write, write.clone())));
    }
    for update in request.replica_updates.unwrap_or_default() {
        let named = update.region_name.as_deref().unwrap_or_default();
        not_yet(
            &update.replica_global_secondary_index_updates,
            "ReplicaGlobalSecondaryIndexUpdates",
            "ReplicaUpdates",
        )?;
        let member = members.iter().copied().find(|member| *member == named).ok_or_else(|| {
            Error::validation(format!(
                "Failed to update settings for global table with name: \u{2018}{name}\u{2019} because the region \
                 {named} is not a replica of the table."
            ))
        })?;
        if let Some(read) = update.replica_provisioned_read_capacity_auto_scaling_update {
            changes.push((member, Access::Read, read));
        }
    }
    if changes.is_empty() {
        return Err(Error::validation(format!(
            "Failed to update settings for global table with name: \u{2018}{name}\u{2019} because at least one update \
             parameter must be specified."
        )));
    }
    check_provisioned(regions, &name, &members)?;
    for (_, _, settings) in &changes {
        settings.check(&name)?;
    }
    for (member, access, settings) in changes {
        let resource = ScalableResource { table: name.clone(), index: None };
        regions.in_engine(member, Replicate::No, |engine| settings.apply(engine, &resource, access))?;
    }
    describe_table(regions, region, &name)
}

/// The Regions of the replicas of `name`, whose replica `region` holds: a table that is
/// no global table's replica has no replica auto scaling to describe.
fn replica_regions(regions: &Regions, region: &str, name: &str) -> Result<Vec<&'static str>> {
    match regions.replicas(name).filter(|_| regions.is_replica(name, region)) {
        Some(replicas) => Ok(replicas.iter().map(|replica| replica.region).collect()),
        None => Err(Error::new(ErrorKind::ResourceNotFound, format!("Global table with name: {name} does not exist"))),
    }
}

/// DynamoDB scales only provisioned capacity: an on-demand global table has none.
fn check_provisioned(regions: &Regions, name: &str, members: &[&'static str]) -> Result<()> {
    let on_demand: Vec<String> = members
        .iter()
        .filter(|member| {
            regions.engine(member).and_then(|engine| engine.table(name)).map(|table| &table.meta.billing)
                == Some(&BillingMode::PayPerRequest)
        })
        .map(|member| format!("'{member}'"))
        .collect();
    if on_demand.is_empty() {
        return Ok(());
    }
    Err(Error::validation(format!(
        "Failed to update global table with name \u{2018}{name}\u{2018}. Replicas {} BillingMode is PayPerRequest. \
         You must convert table's BillingMode to PROVISIONED to set auto scaling parameters.",
        on_demand.join(", ")
    )))
}

impl SettingsUpdate {
    /// Minimum and maximum are required unless auto scaling is being disabled, and then
    /// they must be left out.
    fn check(&self, name: &str) -> Result<()> {
        let prefix = format!("Failed to update settings for global table with name: \u{2018}{name}\u{2019}:");
        let limits = self.minimum_units.is_some() || self.maximum_units.is_some();
        if self.auto_scaling_disabled == Some(true) {
            if limits {
                crate::bail_validation!(
                    "{prefix} Parameters 'MinimumUnits, MaximumUnits' must be left blank when disabling auto scaling."
                );
            }
            return Ok(());
        }
        let (Some(min), Some(max)) = (self.minimum_units, self.maximum_units) else {
            crate::bail_validation!(
                "{prefix} Parameters 'MinimumUnits, MaximumUnits' are required unless auto scaling is being disabled."
            );
        };
        if min < 1 || min > max {
            crate::bail_validation!("{prefix} MinimumUnits must be at least 1 and at most MaximumUnits.");
        }
        let tracking =
            self.scaling_policy_update.as_ref().and_then(|p| p.target_tracking_scaling_policy_configuration.as_ref());
        if tracking.and_then(|tracking| tracking.target_value).is_some_and(|value| !(20.0..=90.0).contains(&value)) {
            crate::bail_validation!("{prefix} TargetValue for DynamoDB must be between 20 and 90");
        }
        Ok(())
    }

    /// Registers (or deregisters) the target and puts its policy in one Region's engine.
    fn apply(self, engine: &mut Engine, resource: &ScalableResource, access: Access) -> Result<()> {
        if self.auto_scaling_disabled == Some(true) {
            return engine.deregister_scalable_target(resource, access).map(drop);
        }
        let (min, max) = (self.minimum_units.unwrap_or(1), self.maximum_units.unwrap_or(1));
        engine.register_scalable_target(resource, access, min, max)?;
        let Some(policy) = self.scaling_policy_update else { return Ok(()) };
        let tracking = policy.target_tracking_scaling_policy_configuration;
        let policy = TargetTracking {
            name: policy.policy_name.unwrap_or_else(|| format!("DynamoDB{}CapacityUtilization", access_word(access))),
            target_value: tracking.as_ref().and_then(|tracking| tracking.target_value).unwrap_or(70.0),
            disable_scale_in: tracking.as_ref().and_then(|tracking| tracking.disable_scale_in).unwrap_or(false),
            scale_in_cooldown_seconds: tracking.as_ref().and_then(|tracking| tracking.scale_in_cooldown).unwrap_or(0),
            scale_out_cooldown_seconds: tracking.as_ref().and_then(|tracking| tracking.scale_out_cooldown).unwrap_or(0),
            created_millis: 0,
        };
        engine.put_scaling_policy(resource, access, policy).map(drop)
    }
}

fn access_word(access: Access) -> &'static str {
    match access {
        Access::Read => "Read",
        Access::Write => "Write",
    }
}

/// The TableAutoScalingDescription of the global table `name`, seen from `region`.
fn describe_table(regions: &Regions, region: &str, name: &str) -> Result<String> {
    let members = replica_regions(regions, region, name)?;
    let replicas: Vec<Value> = members
        .iter()
        .filter_map(|member| {
            let table = regions.engine(member)?.table(name)?;
            let targets = &table.meta.auto_scaling;
            let indexes: Vec<Value> = table
                .meta
                .indexes_of(IndexKind::Global)
                .map(|(_, index)| {
                    json!({"IndexName": index.name, "IndexStatus": "ACTIVE",
                           "ProvisionedReadCapacityAutoScalingSettings": settings(targets, Some(&index.name), Access::Read),
                           "ProvisionedWriteCapacityAutoScalingSettings": settings(targets, Some(&index.name), Access::Write)})
                })
                .collect();
            Some(json!({"RegionName": member, "GlobalSecondaryIndexes": indexes,
                        "ReplicaProvisionedReadCapacityAutoScalingSettings": settings(targets, None, Access::Read),
                        "ReplicaProvisionedWriteCapacityAutoScalingSettings": settings(targets, None, Access::Write),
                        "ReplicaStatus": "ACTIVE"}))
        })
        .collect();
    let description = json!({"TableName": name, "TableStatus": "ACTIVE", "Replicas": replicas});
    Ok(json::text(&json!({"TableAutoScalingDescription": description})))
}

/// One AutoScalingSettingsDescription: a target without a policy reads as disabled, as
/// on DynamoDB.
fn settings(targets: &[ScalableTarget], index: Option<&str>, access: Access) -> Value {
    let target = targets.iter().find(|target| target.index.as_deref() == index && target.access == access);
    let Some((target, policy)) = target.and_then(|target| Some((target, target.policy.as_ref()?))) else {
        return json!({"AutoScalingDisabled": true});
    };
    json!({
        "MinimumUnits": target.min,
        "MaximumUnits": target.max,
        "AutoScalingDisabled": false,
        "AutoScalingRoleArn": format!("arn:aws:iam::{ACCOUNT_ID}:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"),
        "ScalingPolicies": [{
            "PolicyName": policy.name,
            "TargetTrackingScalingPolicyConfiguration": {
                "DisableScaleIn": policy.disable_scale_in,
                "ScaleInCooldown": policy.scale_in_cooldown_seconds,
                "ScaleOutCooldown": policy.scale_out_cooldown_seconds,
                "TargetValue": policy.target_value,
            }
        }],
    })
}
