//! On-demand backups on the wire: CreateBackup, DescribeBackup, ListBackups,
//! DeleteBackup and RestoreTableFromBackup, and the restore overrides that
//! RestoreTableToPointInTime shares (api/pitr.rs).

use crate::api::encryption::{SseDescription, SseSpecification};
use crate::api::tables::{key_schema_elements, restored_table, KeySchemaElement, ProjectionDescription};
use crate::api::validate::{required, Violations};
use crate::api::{not_yet, render};
use crate::clock::seconds;
use crate::engine::{
    table_arn, Backup, BackupFilter, BackupType, BillingMode, Engine, IndexKind, SecondaryIndex, TableMeta,
};
use crate::error::Result;
use crate::json::json;
use serde::Serialize;
use serde_json::Value;

/// The longest table name or ARN the backup operations accept.
pub(super) const MAX_TABLE_ARN_CHARS: usize = 1024;
/// BackupArn's length bounds.
const BACKUP_ARN_CHARS: (usize, usize) = (37, 1024);
/// ListBackups' page size: its default and its largest Limit.
const MAX_LIST_LIMIT: i64 = 100;
const BACKUP_TYPES: [&str; 4] = ["USER", "SYSTEM", "AWS_BACKUP", "ALL"];
const BILLING_MODES: [&str; 2] = ["PROVISIONED", "PAY_PER_REQUEST"];

crate::api::reader::request! {
    pub struct CreateBackupRequest {
        "TableName" => table_name: String,
        "BackupName" => backup_name: String,
    }
}

crate::api::reader::request! {
    pub struct BackupArnRequest {
        "BackupArn" => backup_arn: String,
    }
}

crate::api::reader::request! {
    pub struct ListBackupsRequest {
        "TableName" => table_name: String,
        "Limit" => limit: i64,
        "TimeRangeLowerBound" => time_range_lower_bound: f64,
        "TimeRangeUpperBound" => time_range_upper_bound: f64,
        "ExclusiveStartBackupArn" => exclusive_start_backup_arn: String,
        "BackupType" => backup_type: String,
    }
}

crate::api::reader::request! {
    pub struct RestoreTableFromBackupRequest {
        "TargetTableName" => target_table_name: String,
        "BackupArn" => backup_arn: String,
        flatten overrides: Overrides,
    }
}

crate::api::reader::request! {
    /// The overrides both restores accept.
    pub(super) struct Overrides {
        "BillingModeOverride" => billing_mode_override: String,
        "GlobalSecondaryIndexOverride" => global_secondary_index_override: Vec<IndexOverride>,
        "LocalSecondaryIndexOverride" => local_secondary_index_override: Vec<IndexOverride>,
        "ProvisionedThroughputOverride" => provisioned_throughput_override: crate::api::tables::ThroughputInput,
        "OnDemandThroughputOverride" => on_demand_throughput_override: Value,
        "SSESpecificationOverride" => sse_specification_override: SseSpecification,
    }
}

crate::api::reader::request! {
    /// One index of an index override: which of the source's indexes the restored table
    /// keeps, with its capacity for a provisioned table.
    struct IndexOverride {
        "IndexName" => index_name: String,
        "ProvisionedThroughput" => provisioned_throughput: crate::api::tables::ThroughputInput,
    }
}

/// BackupDetails, and the members ListBackups' summaries share with it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BackupDetails<'a> {
    backup_arn: &'a str,
    backup_name: &'a str,
    backup_size_bytes: u64,
    backup_status: &'static str,
    backup_type: &'static str,
    backup_creation_date_time: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    backup_expiry_date_time: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BackupSummary<'a> {
    table_name: &'a str,
    table_id: &'a str,
    table_arn: String,
    #[serde(flatten)]
    details: BackupDetails<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SourceTableDetails<'a> {
    table_name: &'a str,
    table_id: &'a str,
    table_arn: String,
    table_size_bytes: u64,
    key_schema: Vec<KeySchemaElement<'a>>,
    table_creation_date_time: f64,
    provisioned_throughput: Value,
    item_count: usize,
    billing_mode: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct IndexDetails<'a> {
    index_name: &'a str,
    key_schema: Vec<KeySchemaElement<'a>>,
    projection: ProjectionDescription<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provisioned_throughput: Option<Value>,
}

/// CreateBackup: a snapshot of the table now, AVAILABLE at once.
pub fn create_backup(engine: &mut Engine, request: CreateBackupRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.not_null(&request.table_name, "tableName");
    check_table_arn(&mut violations, &request.table_name, "tableName");
    violations.table_name(&request.backup_name, "backupName");
    violations.finish()?;
    let table = table_name_of(&required(request.table_name, "tableName")?);
    let backup = engine.create_backup(&table, required(request.backup_name, "backupName")?)?;
    render(&json!({ "BackupDetails": details(&backup, "AVAILABLE") }))
}

/// DescribeBackup: the backup, its source table and that table's features.
pub fn describe_backup(engine: &mut Engine, request: BackupArnRequest) -> Result<String> {
    let arn = checked_backup_arn(request.backup_arn)?;
    render(&json!({ "BackupDescription": description(engine.backup(&arn)?, "AVAILABLE") }))
}

/// DeleteBackup: the backup's description as DELETED.
pub fn delete_backup(engine: &mut Engine, request: BackupArnRequest) -> Result<String> {
    let arn = checked_backup_arn(request.backup_arn)?;
    let backup = engine.delete_backup(&arn)?;
    render(&json!({ "BackupDescription": description(&backup, "DELETED") }))
}

/// ListBackups: summaries oldest first, a page at a time; LastEvaluatedBackupArn
/// appears only when more follow the page.
pub fn list_backups(engine: &mut Engine, request: ListBackupsRequest) -> Result<String> {
    let mut violations = Violations::default();
    if let Some(limit) = request.limit {
        crate::api::tables::check_range(&mut violations, limit, "limit", 1..=MAX_LIST_LIMIT);
    }
    check_table_arn(&mut violations, &request.table_name, "tableName");
    let (min, max) = BACKUP_ARN_CHARS;
    violations.length(&request.exclusive_start_backup_arn, "exclusiveStartBackupArn", min, max);
    violations.one_of(&request.backup_type, "backupType", &BACKUP_TYPES);
    violations.finish()?;
    let table = request.table_name.as_deref().map(table_name_of);
    let kind = match request.backup_type.as_deref().unwrap_or("USER") {
        "ALL" => None,
        "SYSTEM" => Some(Some(BackupType::System)),
        "USER" => Some(Some(BackupType::User)),
        // Dynaplay has no AWS Backup: no backup is of that type.
        _ => Some(None),
    };
    let filter = BackupFilter {
        table: table.as_deref(),
        from_millis: request.time_range_lower_bound.map(millis),
        before_millis: request.time_range_upper_bound.map(millis),
        kind: kind.flatten(),
    };
    let backups = match kind {
        Some(None) => Vec::new(),
        _ => engine.list_backups(&filter),
    };
    let start = request.exclusive_start_backup_arn.as_deref();
    let after_start = start.map_or(0, |arn| backups.iter().position(|backup| backup.arn == arn).map_or(0, |at| at + 1));
    let limit = usize::try_from(request.limit.unwrap_or(MAX_LIST_LIMIT)).unwrap_or_default();
    let page: Vec<BackupSummary> = backups.iter().skip(after_start).take(limit).map(|backup| summary(backup)).collect();
    let mut response = json!({ "BackupSummaries": page });
    if backups.len() > after_start + limit {
        if let Some(last) = page.last() {
            response["LastEvaluatedBackupArn"] = Value::String(last.details.backup_arn.to_string());
        }
    }
    render(&response)
}

/// RestoreTableFromBackup: a new table with the backup's items and settings (as
/// overridden).
pub fn restore_table_from_backup(engine: &mut Engine, request: RestoreTableFromBackupRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.table_name(&request.target_table_name, "targetTableName");
    let (min, max) = BACKUP_ARN_CHARS;
    violations.not_null(&request.backup_arn, "backupArn");
    violations.length(&request.backup_arn, "backupArn", min, max);
    request.overrides.check_shape(&mut violations);
    violations.finish()?;
    request.overrides.refuse_later("RestoreTableFromBackup")?;
    let target = required(request.target_table_name, "targetTableName")?;
    let arn = required(request.backup_arn, "backupArn")?;
    let backup = engine.backup(&arn)?;
    let source = backup.table.restored_as(target, Some(arn.clone()), backup.created_millis);
    let meta = request.overrides.apply(source)?;
    restored_table(engine.restore_table_from_backup(&arn, meta)?)
}

impl Overrides {
    pub(super) fn check_shape(&self, violations: &mut Violations) {
        violations.one_of(&self.billing_mode_override, "billingModeOverride", &BILLING_MODES);
        crate::api::tables::check_throughput_at(
            violations,
            &self.provisioned_throughput_override,
            "provisionedThroughputOverride.",
        );
        SseSpecification::check_shape(violations, &self.sse_specification_override, "sSESpecificationOverride");
        let lists = [
            (&self.global_secondary_index_override, "globalSecondaryIndexOverride"),
            (&self.local_secondary_index_override, "localSecondaryIndexOverride"),
        ];
        for (list, path) in lists {
            for (position, index) in list.iter().flatten().enumerate() {
                let path = format!("{path}.{}.member.indexName", position + 1);
                violations.not_null(&index.index_name, &path);
                violations.length(&index.index_name, &path, 3, 255);
            }
        }
    }

    pub(super) fn refuse_later(&self, operation: &str) -> Result<()> {
        not_yet(&self.on_demand_throughput_override, "OnDemandThroughputOverride", operation)
    }

    /// The restored table's settings: the source's (already stripped of what a restore
    /// does not carry) with the billing mode, capacity, index choice and encryption
    /// overridden.
    pub(super) fn apply(self, mut meta: TableMeta) -> Result<TableMeta> {
        if let Some(specification) = self.sse_specification_override {
            meta.kms_key_arn = specification.key_arn()?;
        }
        let requested = crate::api::tables::throughput(self.provisioned_throughput_override)?;
        meta.billing = match (self.billing_mode_override.as_deref(), requested, &meta.billing) {
            (Some(mode), requested, _) => BillingMode::for_new_table(mode == "PAY_PER_REQUEST", requested)?,
            (None, Some(_), BillingMode::PayPerRequest) => BillingMode::for_new_table(true, requested)?,
            (None, Some(units), BillingMode::Provisioned { .. }) => BillingMode::for_new_table(false, Some(units))?,
            (None, None, billing) => billing.clone(),
        };
        let mut indexes = Vec::new();
        for (kind, choice) in [
            (IndexKind::Local, self.local_secondary_index_override),
            (IndexKind::Global, self.global_secondary_index_override),
        ] {
            indexes.extend(chosen_indexes(&meta, kind, choice)?);
        }
        let table_units = match meta.billing {
            BillingMode::Provisioned { read, write } => Some((read, write)),
            BillingMode::PayPerRequest => None,
        };
        for index in indexes.iter_mut().filter(|index| index.kind == IndexKind::Global) {
            index.throughput = table_units.and(index.throughput.or(table_units));
        }
        meta.indexes = indexes;
        let used: Vec<String> = meta
            .key_schema
            .iter()
            .chain(meta.indexes.iter().flat_map(|index| index.key_schema.iter()))
            .map(|key| key.name.clone())
            .collect();
        meta.attribute_definitions.retain(|(name, _)| used.contains(name));
        Ok(meta)
    }
}

/// The source's indexes of `kind` that an override keeps (all of them without one),
/// each with the override's capacity.
fn chosen_indexes(
    meta: &TableMeta,
    kind: IndexKind,
    choice: Option<Vec<IndexOverride>>,
) -> Result<Vec<SecondaryIndex>> {
    let source: Vec<&SecondaryIndex> = meta.indexes_of(kind).map(|(_, index)| index).collect();
    let Some(choice) = choice else {
        return Ok(source.into_iter().cloned().collect());
    };
    let mut chosen = Vec::new();
    for input in choice {
        let name = required(input.index_name, "indexName")?;
        let Some(index) = source.iter().find(|index| index.name == name) else {
            crate::bail_validation!(
                "One or more parameter values were invalid: The source table does not have an index named {name}"
            );
        };
        let throughput = crate::api::tables::throughput(input.provisioned_throughput)?;
        chosen.push(SecondaryIndex { throughput: throughput.or(index.throughput), ..SecondaryIndex::clone(index) });
    }
    Ok(chosen)
}

/// A TableName member of the backup operations, which may also be a table's ARN.
pub(super) fn check_table_arn(violations: &mut Violations, name: &Option<String>, path: &str) {
    violations.length(name, path, 1, MAX_TABLE_ARN_CHARS);
}

/// The table a name or table ARN names.
pub(super) fn table_name_of(name_or_arn: &str) -> String {
    let prefix = table_arn("");
    name_or_arn.strip_prefix(&prefix).unwrap_or(name_or_arn).to_string()
}

fn checked_backup_arn(arn: Option<String>) -> Result<String> {
    let mut violations = Violations::default();
    violations.not_null(&arn, "backupArn");
    let (min, max) = BACKUP_ARN_CHARS;
    violations.length(&arn, "backupArn", min, max);
    violations.finish()?;
    required(arn, "backupArn")
}

/// Epoch seconds (with fraction) as epoch milliseconds; before 1970 is 1970.
pub(super) fn millis(seconds: f64) -> u64 {
    (seconds * 1000.0).round().max(0.0) as u64
}

fn details<'a>(backup: &'a Backup, status: &'static str) -> BackupDetails<'a> {
    BackupDetails {
        backup_arn: &backup.arn,
        backup_name: &backup.name,
        backup_size_bytes: backup.size_bytes,
        backup_status: status,
        backup_type: backup.kind.wire_name(),
        backup_creation_date_time: seconds(backup.created_millis),
        backup_expiry_date_time: backup.expiry_millis.map(seconds),
    }
}

fn summary(backup: &Backup) -> BackupSummary<'_> {
    BackupSummary {
        table_name: &backup.table.name,
        table_id: &backup.table.id,
        table_arn: table_arn(&backup.table.name),
        details: details(backup, "AVAILABLE"),
    }
}

/// BackupDescription: the details, the source table then, and its features.
fn description(backup: &Backup, status: &'static str) -> Value {
    let table = &backup.table;
    let source = SourceTableDetails {
        table_name: &table.name,
        table_id: &table.id,
        table_arn: table_arn(&table.name),
        table_size_bytes: backup.size_bytes,
        key_schema: key_schema_elements(&table.key_schema),
        table_creation_date_time: seconds(table.created_millis),
        provisioned_throughput: throughput_json(&table.billing),
        item_count: backup.items.len(),
        billing_mode: match table.billing {
            BillingMode::PayPerRequest => "PAY_PER_REQUEST",
            BillingMode::Provisioned { .. } => "PROVISIONED",
        },
    };
    let mut features = serde_json::Map::new();
    for (kind, member) in [(IndexKind::Local, "LocalSecondaryIndexes"), (IndexKind::Global, "GlobalSecondaryIndexes")] {
        let indexes: Vec<IndexDetails> = table.indexes_of(kind).map(|(_, index)| index_details(index)).collect();
        if !indexes.is_empty() {
            features.insert(member.into(), json!(indexes));
        }
    }
    if let Some(stream) = table.enabled_stream() {
        let stream = json!({"StreamEnabled": true, "StreamViewType": stream.view_type.wire_name()});
        features.insert("StreamDescription".into(), stream);
    }
    let (status_now, attribute) = table.time_to_live_status(backup.created_millis);
    let mut ttl = json!({ "TimeToLiveStatus": status_now.wire_name() });
    if let Some(attribute) = attribute {
        ttl["AttributeName"] = Value::String(attribute.to_string());
    }
    features.insert("TimeToLiveDescription".into(), ttl);
    if let Some(sse) = SseDescription::of(table.kms_key_arn.as_deref()) {
        features.insert("SSEDescription".into(), json!(sse));
    }
    json!({
        "BackupDetails": details(backup, status),
        "SourceTableDetails": source,
        "SourceTableFeatureDetails": features,
    })
}

fn index_details(index: &SecondaryIndex) -> IndexDetails<'_> {
    IndexDetails {
        index_name: &index.name,
        key_schema: key_schema_elements(&index.key_schema),
        projection: ProjectionDescription::of(&index.projection),
        provisioned_throughput: (index.kind == IndexKind::Global).then(|| {
            let billing = index
                .throughput
                .map_or(BillingMode::PayPerRequest, |(read, write)| BillingMode::Provisioned { read, write });
            throughput_json(&billing)
        }),
    }
}

/// A ProvisionedThroughput: 0/0 for on-demand.
fn throughput_json(billing: &BillingMode) -> Value {
    let (read, write) = match *billing {
        BillingMode::Provisioned { read, write } => (read, write),
        BillingMode::PayPerRequest => (0, 0),
    };
    json!({ "ReadCapacityUnits": read, "WriteCapacityUnits": write })
}
