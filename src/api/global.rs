//! Global tables on the wire: which Region's engine serves a request, UpdateTable's
//! ReplicaUpdates, and the GlobalTableVersion and Replicas that DescribeTable,
//! UpdateTable and DeleteTable add to a replica's description. The replication itself
//! is src/global/.

use crate::api::access::{self, Caller};
use crate::api::autoscaling_replicas;
use crate::api::tables::{checked_table_name, updating_table};
use crate::api::validate::Violations;
use crate::api::{self, not_yet, read, RequestOptions};
use crate::engine::{table_not_found, BillingMode, TableClass};
use crate::error::{Error, Result};
use crate::global::{Regions, Replica, Replicate, GLOBAL_TABLE_VERSION};
use crate::json::{self, json};
use crate::region;
use serde_json::{Map, Value};

/// Runs one request that reached the endpoint of the Region its options name (the home
/// Region without one). Principals are account-wide, as IAM is: the home engine keeps
/// them and resolves the caller for every Region.
pub fn dispatch(regions: &mut Regions, operation: &str, body: &str, options: &RequestOptions) -> Result<String> {
    let region = options.region.unwrap_or(region::HOME);
    if is_account_wide(operation) {
        let response = regions.serve(region::HOME, |engine| api::dispatch_with(engine, operation, body, options));
        regions.share_knobs();
        return response;
    }
    let caller = Caller::resolve(regions.home(), options)?;
    // The members of a settings change, read once for the checks around it (a body that
    // is not JSON goes the ordinary way, to be refused there).
    let settings = match operation {
        "UpdateTable" | "UpdateTimeToLive" => serde_json::from_str::<Map<String, Value>>(body).ok(),
        _ => None,
    };
    if is_about_replicas(operation, settings.as_ref()) {
        regions
            .serve(region, |engine| access::authorize(engine, &caller, || access::checks(engine, operation, body)))?;
        return match operation {
            "UpdateTable" => update_replicas(regions, region, read(body)?),
            "DescribeTableReplicaAutoScaling" => autoscaling_replicas::describe(regions, region, read(body)?),
            _ => autoscaling_replicas::update(regions, region, read(body)?),
        };
    }
    if let (Some(request), "UpdateTable") = (&settings, operation) {
        refuse_stream_change(regions, region, request)?;
    }
    let response = regions.serve(region, |engine| api::dispatch_as(engine, operation, body, options, &caller))?;
    if let Some(request) = &settings {
        carry_to_replicas(regions, region, operation, body, request);
    }
    match operation {
        "DescribeTable" | "UpdateTable" | "DeleteTable" => describe_replicas(regions, region, response),
        _ => Ok(response),
    }
}

/// Whether the request works on a global table's replica set: an UpdateTable with
/// ReplicaUpdates (`settings` are its members), or the replica auto scaling operations.
fn is_about_replicas(operation: &str, settings: Option<&Map<String, Value>>) -> bool {
    match operation {
        "UpdateTable" => {
            settings.is_some_and(|members| members.get("ReplicaUpdates").is_some_and(|updates| !updates.is_null()))
        }
        "DescribeTableReplicaAutoScaling" | "UpdateTableReplicaAutoScaling" => true,
        _ => false,
    }
}

/// Operations on what the whole database shares: the clock and the knobs, and the
/// principals (IAM is global).
fn is_account_wide(operation: &str) -> bool {
    matches!(
        operation,
        "Dynaplay.Configure"
            | "Dynaplay.DescribeConfiguration"
            | "Dynaplay.SetClock"
            | "Dynaplay.PutPrincipal"
            | "Dynaplay.GetPrincipal"
            | "Dynaplay.ListPrincipals"
            | "Dynaplay.DeletePrincipal"
            | "Dynaplay.SimulatePrincipalPolicy"
    )
}

/// Repeats a settings change made to a replica in the other replicas, as DynamoDB carries
/// UpdateTable's index, throughput, billing, encryption and class changes and
/// UpdateTimeToLive to every replica of a global table (deletion protection stays in its
/// Region). A replica that refuses the change (its own limits) keeps its settings.
/// `request` holds the members of `body`.
fn carry_to_replicas(regions: &mut Regions, region: &str, operation: &str, body: &str, request: &Map<String, Value>) {
    let regional = |member: &str| matches!(member, "TableName" | "DeletionProtectionEnabled");
    if !request.iter().any(|(member, value)| !value.is_null() && !regional(member)) {
        return;
    }
    let Some(replicas) = request.get("TableName").and_then(Value::as_str).and_then(|name| regions.replicas(name))
    else {
        return;
    };
    if !replicas.iter().any(|replica| replica.region == region) {
        return;
    }
    let others: Vec<&'static str> =
        replicas.iter().map(|replica| replica.region).filter(|other| *other != region).collect();
    for other in others {
        // The change stands where it was asked for; a replica that refuses it keeps its own settings.
        let _refused = regions.in_engine(other, Replicate::No, |engine| api::dispatch(engine, operation, body));
    }
}

/// A replica's stream carries replication: DynamoDB refuses to disable it (`request`
/// holds an UpdateTable's members).
fn refuse_stream_change(regions: &Regions, region: &str, request: &Map<String, Value>) -> Result<()> {
    let stream_enabled = request.get("StreamSpecification").and_then(|stream| stream.get("StreamEnabled"));
    let disables = stream_enabled == Some(&Value::Bool(false));
    let table = request.get("TableName").and_then(Value::as_str).unwrap_or_default();
    if disables && regions.is_replica(table, region) {
        crate::bail_validation!(
            "One or more parameter values were invalid: Disabling Stream is not allowed for a Global Table replica."
        );
    }
    Ok(())
}

/// Adds GlobalTableVersion and Replicas (the other Regions' replicas) to the table
/// description in `response` when the table is a replica of a global table.
fn describe_replicas(regions: &Regions, region: &str, response: String) -> Result<String> {
    if regions.groups().next().is_none() {
        return Ok(response);
    }
    let Ok(mut body) = serde_json::from_str::<Map<String, Value>>(&response) else { return Ok(response) };
    let member = if body.contains_key("Table") { "Table" } else { "TableDescription" };
    let Some(Value::Object(table)) = body.get_mut(member) else {
        return Ok(response);
    };
    let Some(replicas) = table.get("TableName").and_then(Value::as_str).and_then(|name| regions.replicas(name)) else {
        return Ok(response);
    };
    if !replicas.iter().any(|replica| replica.region == region) {
        return Ok(response);
    }
    let others: Vec<&Replica> = replicas.iter().filter(|replica| replica.region != region).collect();
    add_replicas(table, &others);
    Ok(json::text(&Value::Object(body)))
}

/// Puts GlobalTableVersion and the description of `replicas` into a table description.
fn add_replicas(table: &mut Map<String, Value>, replicas: &[&Replica]) {
    let described: Vec<Value> = replicas.iter().map(|replica| replica_description(replica)).collect();
    table.insert("GlobalTableVersion".into(), json!(GLOBAL_TABLE_VERSION));
    table.insert("Replicas".into(), Value::Array(described));
}

/// One ReplicaDescription: a replica is ACTIVE as soon as it is created. Settings it
/// inherits from the table are absent, as on DynamoDB.
fn replica_description(replica: &Replica) -> Value {
    let mut description = json!({"RegionName": replica.region, "ReplicaStatus": "ACTIVE"});
    if let Some(units) = replica.read_capacity_override {
        description["ProvisionedThroughputOverride"] = json!({"ReadCapacityUnits": units});
    }
    if let Some(class) = replica.table_class_override {
        description["ReplicaTableClassSummary"] = json!({"TableClass": class.wire_name()});
    }
    description
}

crate::api::reader::request! {
    pub struct ReplicaUpdatesRequest {
        "TableName" => table_name: String,
        "ReplicaUpdates" => replica_updates: Vec<ReplicationGroupUpdate>,
        /// AttributeDefinitions only matter to a new global index; DynamoDB ignores them here.
        "AttributeDefinitions" => _attribute_definitions: Value,
        // Any other member: another kind of change, which ReplicaUpdates cannot accompany.
        flatten others: Map<String, Value>,
    }
}

crate::api::reader::request! {
    struct ReplicationGroupUpdate {
        "Create" => create: ReplicaAction,
        "Update" => update: ReplicaAction,
        "Delete" => delete: ReplicaAction,
    }
}

crate::api::reader::request! {
    /// The members of a Create, Update or Delete replica action (a Delete has only its
    /// RegionName).
    struct ReplicaAction {
        "RegionName" => region_name: String,
        "ProvisionedThroughputOverride" => provisioned_throughput_override: ThroughputOverride,
        "TableClassOverride" => table_class_override: String,
        "KMSMasterKeyId" => kms_master_key_id: Value,
        "OnDemandThroughputOverride" => on_demand_throughput_override: Value,
        "GlobalSecondaryIndexes" => global_secondary_indexes: Value,
    }
}

crate::api::reader::request! {
    struct ThroughputOverride {
        "ReadCapacityUnits" => read_capacity_units: i64,
    }
}

/// What one element of ReplicaUpdates does.
enum ReplicaChange {
    /// A new replica in this Region, with its overrides.
    Create(&'static str, Overrides),
    /// New overrides for the replica in this Region.
    Update(&'static str, Overrides),
    /// Removes the replica in this Region.
    Delete(&'static str),
}

/// A replica's own settings, where they differ from the table's.
#[derive(Default)]
struct Overrides {
    read_capacity_units: Option<u64>,
    table_class: Option<TableClass>,
}

const NOT_ONLY: &str =
    "One or more parameter values were invalid: ReplicaUpdates must be the only operation in the request";
const NO_ACTIONS: &str = "There are no actions specified in the Replica Update Action of the request.";
const MIXED_ACTIONS: &str = "Update table operation with more than one type of replica actions not allowed.";
const SEVERAL_CREATES_OR_DELETES: &str =
    "Update table operation with more than one create or delete replica actions not allowed";
const LOCAL_REGION: &str = "Cannot add or delete the local region through ReplicaUpdates. \
    Use CreateTable, DeleteTable, or UpdateTable as required.";
const TABLE_CLASSES: [&str; 2] = ["STANDARD", "STANDARD_INFREQUENT_ACCESS"];

/// UpdateTable with ReplicaUpdates: adds, changes or removes replicas of the table in
/// `region`. The answer describes the table UPDATING with the replicas it had before,
/// as DynamoDB's does, although the change is complete at once (a new replica's entry
/// appears in DescribeTable only).
fn update_replicas(regions: &mut Regions, region: &'static str, request: ReplicaUpdatesRequest) -> Result<String> {
    let (name, changes) = request.into_changes(region)?;
    let table = regions.engine(region).and_then(|engine| engine.table(&name)).ok_or_else(|| table_not_found(&name))?;
    let billing = table.meta.billing.clone();
    let before: Vec<Replica> = regions.replicas(&name).unwrap_or_default().to_vec();
    for change in &changes {
        check_change(regions, &name, region, &billing, change)?;
    }
    regions.deliver_due();
    for change in changes {
        apply_change(regions, &name, region, change)?;
    }
    let table = regions.engine(region).and_then(|engine| engine.table(&name)).ok_or_else(|| table_not_found(&name))?;
    let mut response = region::within(region, || updating_table(table))?;
    let others: Vec<&Replica> = before.iter().filter(|replica| replica.region != region).collect();
    if let Some(Value::Object(table)) = response.get_mut("TableDescription") {
        add_replicas(table, &others);
    }
    Ok(json::text(&response))
}

impl ReplicaUpdatesRequest {
    /// The table named and the changes asked, checked as DynamoDB checks them before it
    /// looks at any table.
    fn into_changes(self, local: &'static str) -> Result<(String, Vec<ReplicaChange>)> {
        let mut violations = Violations::default();
        violations.table_name(&self.table_name, "tableName");
        let updates = self.replica_updates.unwrap_or_default();
        if updates.is_empty() {
            violations.add("'[]'", "replicaUpdates", "Member must have length greater than or equal to 1");
        }
        for (position, update) in updates.iter().enumerate() {
            update.check_shape(&mut violations, position + 1);
        }
        violations.finish()?;
        let name = checked_table_name(self.table_name)?;
        if self.others.values().any(|value| !value.is_null()) {
            return Err(Error::validation(NOT_ONLY));
        }
        let mut changes: Vec<ReplicaChange> = Vec::new();
        for update in updates {
            let change = update.into_change(local)?;
            let duplicate = changes.iter().any(|earlier| match (earlier, &change) {
                (ReplicaChange::Create(a, _), ReplicaChange::Create(b, _)) => a == b,
                (ReplicaChange::Delete(a), ReplicaChange::Delete(b)) => a == b,
                _ => false,
            });
            if !duplicate {
                changes.push(change);
            }
        }
        let creates_or_deletes = changes.iter().filter(|change| !matches!(change, ReplicaChange::Update(..))).count();
        if creates_or_deletes > 1 {
            return Err(Error::validation(SEVERAL_CREATES_OR_DELETES));
        }
        Ok((name, changes))
    }
}

impl ReplicationGroupUpdate {
    fn check_shape(&self, violations: &mut Violations, position: usize) {
        let actions = [("create", &self.create), ("update", &self.update), ("delete", &self.delete)];
        for (kind, action) in actions {
            let Some(action) = action else { continue };
            let path = format!("replicaUpdates.{position}.member.{kind}");
            violations.not_null(&action.region_name, &format!("{path}.regionName"));
            violations.one_of(&action.table_class_override, &format!("{path}.tableClassOverride"), &TABLE_CLASSES);
        }
    }

    fn into_change(self, local: &'static str) -> Result<ReplicaChange> {
        let (kind, action) = match (self.create, self.update, self.delete) {
            (None, None, None) => return Err(Error::validation(NO_ACTIONS)),
            (Some(create), None, None) => (Kind::Create, create),
            (None, Some(update), None) => (Kind::Update, update),
            (None, None, Some(delete)) => (Kind::Delete, delete),
            _ => return Err(Error::validation(MIXED_ACTIONS)),
        };
        let name = action.region_name.clone().unwrap_or_default();
        let Some(target) = region::named(&name) else {
            return Err(Error::validation(format!(
                "Region {name} is not supported. The latest version of global tables are only supported in the \
                 following regions: [{}].",
                region::REGIONS.join(", ")
            )));
        };
        if target == local && kind != Kind::Update {
            return Err(Error::validation(LOCAL_REGION));
        }
        not_yet(&action.kms_master_key_id, "KMSMasterKeyId", "ReplicaUpdates")?;
        not_yet(&action.on_demand_throughput_override, "OnDemandThroughputOverride", "ReplicaUpdates")?;
        not_yet(&action.global_secondary_indexes, "GlobalSecondaryIndexes", "ReplicaUpdates")?;
        let overrides = action.overrides()?;
        Ok(match kind {
            Kind::Create => ReplicaChange::Create(target, overrides),
            Kind::Update if overrides.read_capacity_units.is_none() && overrides.table_class.is_none() => {
                return Err(Error::validation(NO_ACTIONS))
            }
            Kind::Update => ReplicaChange::Update(target, overrides),
            Kind::Delete => ReplicaChange::Delete(target),
        })
    }
}

/// Which of the three actions an element of ReplicaUpdates holds.
#[derive(PartialEq, Eq)]
enum Kind {
    Create,
    Update,
    Delete,
}

impl ReplicaAction {
    fn overrides(&self) -> Result<Overrides> {
        let read = self.provisioned_throughput_override.as_ref().and_then(|throughput| throughput.read_capacity_units);
        let read_capacity_units = match read {
            Some(units) if units < 1 => crate::bail_validation!(
                "One or more parameter values were invalid: ReadCapacityUnits must be greater than 0"
            ),
            units => units.map(|units| units as u64),
        };
        let table_class = self.table_class_override.as_deref().and_then(TableClass::from_wire);
        Ok(Overrides { read_capacity_units, table_class })
    }
}

/// Refuses a change the tables as they are do not allow.
fn check_change(
    regions: &Regions,
    name: &str,
    local: &str,
    billing: &BillingMode,
    change: &ReplicaChange,
) -> Result<()> {
    match change {
        ReplicaChange::Create(target, _) => {
            let exists = regions.engine(target).is_some_and(|engine| engine.table(name).is_some());
            if exists || regions.is_replica(name, target) {
                crate::bail_validation!(
                    "Failed to create a the new replica of table with name: \u{2018}{name}\u{2019} because one or \
                     more replicas already existed as tables."
                );
            }
            check_write_scaling(regions, name, local, billing)
        }
        ReplicaChange::Update(target, overrides) => {
            check_member(regions, name, target)?;
            if overrides.read_capacity_units.is_some() && *billing == BillingMode::PayPerRequest {
                crate::bail_validation!(
                    "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
                );
            }
            Ok(())
        }
        ReplicaChange::Delete(target) => {
            check_member(regions, name, target)?;
            let protected = regions
                .engine(target)
                .and_then(|engine| engine.table(name))
                .is_some_and(|table| table.meta.deletion_protection);
            if protected {
                crate::bail_validation!(
                    "Cannot delete table {name} in region {target} because it has deletion protection enabled. \
                     Disable deletion protection first."
                );
            }
            Ok(())
        }
    }
}

/// A replica of a provisioned table needs the writes of the table and of each global
/// index under auto scaling (a target with a policy), as DynamoDB requires.
fn check_write_scaling(regions: &Regions, name: &str, local: &str, billing: &BillingMode) -> Result<()> {
    if *billing == BillingMode::PayPerRequest {
        return Ok(());
    }
    let Some(table) = regions.engine(local).and_then(|engine| engine.table(name)) else { return Ok(()) };
    let scaled = |index: Option<&str>| {
        table.meta.auto_scaling.iter().any(|target| {
            target.index.as_deref() == index && target.access == crate::engine::Access::Write && target.policy.is_some()
        })
    };
    if !scaled(None) {
        crate::bail_validation!("Table write capacity should either be Pay-Per-Request or AutoScaled.");
    }
    let global = table.meta.indexes_of(crate::engine::IndexKind::Global);
    if global.into_iter().any(|(_, index)| !scaled(Some(&index.name))) {
        crate::bail_validation!("GSI write capacity should either be Pay-Per-Request or AutoScaled.");
    }
    Ok(())
}

/// Refuses to change or remove a replica the table does not have.
fn check_member(regions: &Regions, name: &str, target: &str) -> Result<()> {
    match regions.is_replica(name, target) {
        true => Ok(()),
        false => crate::bail_validation!(
            "Update global table operation failed because one or more replicas were not part of the global table. \
             Please retry the request without these replicas: [{target}]."
        ),
    }
}

fn apply_change(regions: &mut Regions, name: &str, local: &'static str, change: ReplicaChange) -> Result<()> {
    match change {
        ReplicaChange::Create(target, overrides) => {
            regions.add_replica(name, local, target)?;
            apply_overrides(regions, name, target, overrides)
        }
        ReplicaChange::Update(target, overrides) => apply_overrides(regions, name, target, overrides),
        ReplicaChange::Delete(target) => {
            regions.in_engine(target, Replicate::No, |engine| engine.delete_table(name).map(drop))
        }
    }
}

/// Gives the replica in `target` its own read capacity and class.
fn apply_overrides(regions: &mut Regions, name: &str, target: &'static str, overrides: Overrides) -> Result<()> {
    if let Some(class) = overrides.table_class {
        regions.in_engine(target, Replicate::No, |engine| engine.update_table_class(name, class).map(drop))?;
    }
    if let Some(read) = overrides.read_capacity_units {
        regions.in_engine(target, Replicate::No, |engine| {
            let write = match engine.table(name).map(|table| &table.meta.billing) {
                Some(BillingMode::Provisioned { write, .. }) => *write,
                _ => return Ok(()),
            };
            engine.update_billing(name, None, Some((read, write))).map(drop)
        })?;
    }
    regions.set_overrides(name, target, overrides.read_capacity_units, overrides.table_class);
    Ok(())
}
