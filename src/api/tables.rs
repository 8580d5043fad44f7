//! CreateTable, DescribeTable, ListTables, UpdateTable and DeleteTable on the wire.
//!
//! Requests are checked in DynamoDB's order: the request framework's shape constraints
//! first (every violation at once), then the parameters of features a later Dynaplay
//! release implements (refused, never ignored), then the operation's own rules; the
//! engine last checks what depends on the tables that exist.

use crate::api::encryption::{SseDescription, SseSpecification};
use crate::api::indexes::{self, IndexInput, IndexUpdateInput, IndexUpdatePlan};
use crate::api::tags::{tag_pairs, TagInput};
use crate::api::validate::{required, Violations};
use crate::api::{not_yet, render, render_value, resource_policy};
use crate::clock::seconds;
use crate::engine::{
    table_arn, table_not_found, BillingMode, Engine, IndexKind, Projection, ResourcePolicy, Table, TableClass,
    TableMeta,
};
use crate::error::Result;
use crate::model::{KeyAttribute, KeySchema, ScalarType};
use crate::stream::ViewType;
use serde::Serialize;
use serde_json::Value;
use std::ops::RangeInclusive;
use std::rc::Rc;

const PAY_PER_REQUEST: &str = "PAY_PER_REQUEST";
const BILLING_MODES: [&str; 2] = ["PROVISIONED", PAY_PER_REQUEST];
const KEY_TYPES: [&str; 2] = ["HASH", "RANGE"];
const ATTRIBUTE_TYPES: [&str; 3] = ["B", "N", "S"];
const READ_UNITS_PATH: &str = "provisionedThroughput.readCapacityUnits";
const WRITE_UNITS_PATH: &str = "provisionedThroughput.writeCapacityUnits";
const MAX_ATTRIBUTE_NAME_CHARS: usize = 255;
/// ListTables' page size: its default and its largest Limit.
const MAX_LIST_LIMIT: i64 = 100;

/// UpdateTable's answer to a request that changes nothing. DynamoDB's list names members
/// that its public API does not have; Dynaplay repeats it word for word.
const NOTHING_TO_UPDATE: &str = "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, \
    GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, \
    MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required";

/// TableStatus values. Creating, updating and deleting take no time in Dynaplay, so only
/// the responses to those operations show the transitional states.
const ACTIVE: &str = "ACTIVE";
const CREATING: &str = "CREATING";
const UPDATING: &str = "UPDATING";
const DELETING: &str = "DELETING";

crate::api::reader::request! {
    pub struct CreateTableRequest {
        "TableName" => table_name: String,
        "AttributeDefinitions" => attribute_definitions: Vec<AttributeDefinitionInput>,
        "KeySchema" => key_schema: Vec<KeySchemaElementInput>,
        "BillingMode" => billing_mode: String,
        "ProvisionedThroughput" => provisioned_throughput: ThroughputInput,
        "Tags" => tags: Vec<TagInput>,
        "DeletionProtectionEnabled" => deletion_protection_enabled: bool,
        "TableClass" => table_class: String,
        "SSESpecification" => sse_specification: SseSpecification,
        "LocalSecondaryIndexes" => local_secondary_indexes: Vec<IndexInput>,
        "GlobalSecondaryIndexes" => global_secondary_indexes: Vec<IndexInput>,
        "StreamSpecification" => stream_specification: StreamSpecificationInput,
        "OnDemandThroughput" => on_demand_throughput: Value,
        "WarmThroughput" => warm_throughput: Value,
        "ResourcePolicy" => resource_policy: String,
    }
}

crate::api::reader::request! {
    struct StreamSpecificationInput {
        "StreamEnabled" => stream_enabled: bool,
        "StreamViewType" => stream_view_type: String,
    }
}

impl StreamSpecificationInput {
    fn check_shape(violations: &mut Violations, specification: &Option<StreamSpecificationInput>) {
        let Some(specification) = specification else { return };
        violations.not_null(&specification.stream_enabled, "streamSpecification.streamEnabled");
        violations.one_of(&specification.stream_view_type, "streamSpecification.streamViewType", &ViewType::WIRE_NAMES);
    }

    /// The view type of the stream to enable, or None to have (or leave) none. `enabled`
    /// and `disabled` are DynamoDB's messages for a missing and for a superfluous view type.
    fn view_type(self, enabled: &str, disabled: &str) -> Result<Option<ViewType>> {
        let view_type = self.stream_view_type.as_deref().and_then(ViewType::from_wire);
        match (self.stream_enabled.unwrap_or(false), view_type) {
            (true, None) => crate::bail_validation!("One or more parameter values were invalid: {enabled}"),
            (false, Some(_)) => crate::bail_validation!("One or more parameter values were invalid: {disabled}"),
            (_, view_type) => Ok(view_type),
        }
    }
}

crate::api::reader::request! {
    pub struct DescribeTableRequest {
        "TableName" => table_name: String,
    }
}

crate::api::reader::request! {
    pub struct ListTablesRequest {
        "ExclusiveStartTableName" => exclusive_start_table_name: String,
        "Limit" => limit: i64,
    }
}

crate::api::reader::request! {
    pub struct UpdateTableRequest {
        "TableName" => table_name: String,
        "BillingMode" => billing_mode: String,
        "ProvisionedThroughput" => provisioned_throughput: ThroughputInput,
        "DeletionProtectionEnabled" => deletion_protection_enabled: bool,
        "TableClass" => table_class: String,
        "SSESpecification" => sse_specification: SseSpecification,
        /// Only a new global secondary index uses these; without one DynamoDB ignores them,
        /// and so does Dynaplay once they are well formed.
        "AttributeDefinitions" => attribute_definitions: Vec<AttributeDefinitionInput>,
        "GlobalSecondaryIndexUpdates" => global_secondary_index_updates: Vec<IndexUpdateInput>,
        "StreamSpecification" => stream_specification: StreamSpecificationInput,
        "OnDemandThroughput" => on_demand_throughput: Value,
        "WarmThroughput" => warm_throughput: Value,
        "MultiRegionConsistency" => multi_region_consistency: Value,
        "GlobalTableWitnessUpdates" => global_table_witness_updates: Value,
    }
}

crate::api::reader::request! {
    pub struct DeleteTableRequest {
        "TableName" => table_name: String,
    }
}

crate::api::reader::request! {
    struct AttributeDefinitionInput {
        "AttributeName" => attribute_name: String,
        "AttributeType" => attribute_type: String,
    }
}

crate::api::reader::request! {
    pub(super) struct KeySchemaElementInput {
        "AttributeName" => pub(super) attribute_name: String,
        "KeyType" => pub(super) key_type: String,
    }
}

crate::api::reader::request! {
    pub(super) struct ThroughputInput {
        "ReadCapacityUnits" => read_capacity_units: i64,
        "WriteCapacityUnits" => write_capacity_units: i64,
    }
}

/// The one kind of change an UpdateTable request makes: DynamoDB refuses to combine them,
/// except BillingMode with ProvisionedThroughput.
enum TableChange {
    /// SSESpecification: encrypt with this KMS key, or with an AWS owned key (None).
    Encryption(Option<String>),
    Class(String),
    DeletionProtection(bool),
    Billing {
        on_demand: Option<bool>,
        throughput: Option<ThroughputInput>,
    },
    /// StreamSpecification: enable a stream with this view type, or disable (None).
    Stream(Option<ViewType>),
    /// GlobalSecondaryIndexUpdates, with the request's AttributeDefinitions.
    Indexes {
        updates: Vec<IndexUpdateInput>,
        definitions: Option<Vec<AttributeDefinitionInput>>,
    },
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TableDescription<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    attribute_definitions: Option<Vec<AttributeDefinition<'a>>>,
    table_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_schema: Option<Vec<KeySchemaElement<'a>>>,
    table_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    creation_date_time: Option<f64>,
    provisioned_throughput: ThroughputDescription,
    table_size_bytes: u64,
    item_count: usize,
    table_arn: String,
    table_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    billing_mode_summary: Option<BillingModeSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    table_class_summary: Option<TableClassSummary>,
    deletion_protection_enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    local_secondary_indexes: Option<Vec<IndexDescription<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    global_secondary_indexes: Option<Vec<IndexDescription<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_specification: Option<StreamSpecificationDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest_stream_label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest_stream_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    restore_summary: Option<RestoreSummaryDescription<'a>>,
    #[serde(rename = "SSEDescription", skip_serializing_if = "Option::is_none")]
    sse_description: Option<SseDescription<'a>>,
}

/// The enabled stream's settings; a table without one has no StreamSpecification.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StreamSpecificationDescription {
    stream_enabled: bool,
    stream_view_type: &'static str,
}

/// One secondary index in a table description. Global indexes have a status and
/// throughput; local ones share the table's.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct IndexDescription<'a> {
    index_name: &'a str,
    key_schema: Vec<KeySchemaElement<'a>>,
    projection: ProjectionDescription<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    index_status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backfilling: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provisioned_throughput: Option<ThroughputDescription>,
    index_size_bytes: u64,
    item_count: usize,
    index_arn: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ProjectionDescription<'a> {
    projection_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    non_key_attributes: Option<&'a [String]>,
}

impl<'a> ProjectionDescription<'a> {
    pub(super) fn of(projection: &'a Projection) -> Self {
        ProjectionDescription {
            projection_type: projection.wire_name(),
            non_key_attributes: match projection {
                Projection::Include(names) => Some(names),
                _ => None,
            },
        }
    }
}

/// DescribeTable's RestoreSummary of a restored table.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RestoreSummaryDescription<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    source_backup_arn: Option<&'a str>,
    source_table_arn: &'a str,
    restore_date_time: f64,
    restore_in_progress: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AttributeDefinition<'a> {
    attribute_name: &'a str,
    attribute_type: ScalarType,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct KeySchemaElement<'a> {
    attribute_name: &'a str,
    key_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ThroughputDescription {
    number_of_decreases_today: u64,
    read_capacity_units: u64,
    write_capacity_units: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BillingModeSummary {
    billing_mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_update_to_pay_per_request_date_time: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TableClassSummary {
    table_class: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TableDescriptionResponse<'a> {
    table_description: TableDescription<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeTableResponse<'a> {
    table: TableDescription<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListTablesResponse<'a> {
    table_names: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_evaluated_table_name: Option<&'a str>,
}

/// Creates a table; the response describes it as CREATING, though it is ACTIVE at once.
pub fn create_table(engine: &mut Engine, mut request: CreateTableRequest) -> Result<String> {
    request.check_shape()?;
    request.refuse_later()?;
    let stream = match request.stream_specification.take() {
        Some(specification) => specification.view_type(
            "Table is being created with a stream enabled, UpdateViewType is required",
            "Table is being created with a stream disabled, UpdateViewType should not be specified",
        )?,
        None => None,
    };
    let policy = request.resource_policy.take();
    let policy = policy.map(|document| resource_policy::checked(engine, &document).map(|_| document)).transpose()?;
    let mut meta = request.into_meta()?;
    meta.resource_policy = policy.map(ResourcePolicy::first);
    let table = engine.create_table_with_stream(meta, stream)?;
    // CreateTable answers before DynamoDB records when the table became on-demand.
    let description = TableDescription::of(table, CREATING).without_switch_time();
    render(&TableDescriptionResponse { table_description: description })
}

/// The answer to a restore: the new table as CREATING, its restore in progress, though
/// it is ACTIVE and complete at once.
pub(super) fn restored_table(table: &Table) -> Result<String> {
    render(&TableDescriptionResponse { table_description: TableDescription::of(table, CREATING).without_switch_time() })
}

/// The answer to a change to a table's replicas: the table as UPDATING, as a JSON value
/// that the replicas are added to before it is rendered.
pub(super) fn updating_table(table: &Table) -> Result<Value> {
    render_value(&TableDescriptionResponse { table_description: TableDescription::of(table, UPDATING) })
}

/// Describes a table, with live ItemCount and TableSizeBytes.
pub fn describe_table(engine: &mut Engine, request: DescribeTableRequest) -> Result<String> {
    let name = checked_table_name(request.table_name)?;
    let table = engine.table(&name).ok_or_else(|| table_not_found(&name))?;
    render(&DescribeTableResponse { table: TableDescription::of(table, ACTIVE) })
}

/// Table names in order, a page at a time; LastEvaluatedTableName appears only when more
/// names follow the page.
pub fn list_tables(engine: &mut Engine, request: ListTablesRequest) -> Result<String> {
    let mut violations = Violations::default();
    if let Some(limit) = request.limit {
        check_range(&mut violations, limit, "limit", 1..=MAX_LIST_LIMIT);
    }
    if request.exclusive_start_table_name.is_some() {
        violations.table_name(&request.exclusive_start_table_name, "exclusiveStartTableName");
    }
    violations.finish()?;
    let limit = usize::try_from(request.limit.unwrap_or(MAX_LIST_LIMIT)).unwrap_or_default();
    let start = request.exclusive_start_table_name.unwrap_or_default();
    let mut names = engine.tables().map(|table| table.meta.name.as_str()).filter(|name| *name > start.as_str());
    let table_names: Vec<&str> = names.by_ref().take(limit).collect();
    let last_evaluated_table_name = names.next().and(table_names.last().copied());
    render(&ListTablesResponse { table_names, last_evaluated_table_name })
}

/// Makes the request's one change to a table.
pub fn update_table(engine: &mut Engine, request: UpdateTableRequest) -> Result<String> {
    request.check_shape()?;
    request.refuse_later()?;
    let (name, change) = request.into_change()?;
    let description = match change {
        TableChange::Encryption(kms_key_arn) => {
            let table = engine.table(&name).ok_or_else(|| table_not_found(&name))?;
            if kms_key_arn.is_none() && table.meta.kms_key_arn.is_none() {
                crate::bail_validation!(
                    "One or more parameter values were invalid: Table is already encrypted by default"
                );
            }
            let (old, table) = engine.update_encryption(&name, kms_key_arn)?;
            return render(&TableDescriptionResponse { table_description: encryption_update(&old, table) });
        }
        TableChange::Class(class) => {
            let (_, table) = engine.update_table_class(&name, table_class(&class)?)?;
            TableDescription::of(table, UPDATING)
        }
        // DynamoDB applies deletion protection at once, without an UPDATING phase.
        TableChange::Stream(view_type) => TableDescription::of(engine.update_stream(&name, view_type)?.1, UPDATING),
        TableChange::DeletionProtection(enabled) => {
            TableDescription::of(engine.update_deletion_protection(&name, enabled)?.1, ACTIVE)
        }
        TableChange::Billing { on_demand, throughput: requested } => {
            let (old, table) = engine.update_billing(&name, on_demand, throughput(requested)?)?;
            billing_update(&old, table)
        }
        TableChange::Indexes { updates, definitions } => {
            let table = engine.table(&name).ok_or_else(|| table_not_found(&name))?;
            let definitions = definitions.map(attribute_definitions).transpose()?;
            let (new, plan) =
                indexes::apply_updates(&table.meta, |position| table.index_stats(position), updates, definitions)?;
            let (old, table) = engine.update_global_indexes(new)?;
            let description = index_update(&old, table, &plan);
            return render(&TableDescriptionResponse { table_description: description });
        }
    };
    render(&TableDescriptionResponse { table_description: description })
}

/// Deletes a table and its items; the response describes it as DELETING.
pub fn delete_table(engine: &mut Engine, request: DeleteTableRequest) -> Result<String> {
    let name = checked_table_name(request.table_name)?;
    let table = engine.delete_table(&name)?;
    let description = TableDescription::of(&table, DELETING).without_schema();
    render(&TableDescriptionResponse { table_description: description })
}

/// The settings of the table an ImportTable request creates: its TableCreationParameters
/// are CreateTable's members, checked as CreateTable checks them.
pub(super) fn import_table_meta(request: CreateTableRequest) -> Result<TableMeta> {
    request.check_shape()?;
    request.refuse_later()?;
    request.into_meta()
}

impl CreateTableRequest {
    fn check_shape(&self) -> Result<()> {
        let mut violations = Violations::default();
        violations.not_null(&self.attribute_definitions, "attributeDefinitions");
        check_attribute_definitions(&mut violations, &self.attribute_definitions);
        violations.table_name(&self.table_name, "tableName");
        check_throughput(&mut violations, &self.provisioned_throughput);
        check_key_schema(&mut violations, &self.key_schema, "keySchema", true);
        indexes::check_shape(&mut violations, &self.local_secondary_indexes, "localSecondaryIndexes", false);
        indexes::check_shape(&mut violations, &self.global_secondary_indexes, "globalSecondaryIndexes", true);
        StreamSpecificationInput::check_shape(&mut violations, &self.stream_specification);
        SseSpecification::check_shape(&mut violations, &self.sse_specification, "sSESpecification");
        violations.one_of(&self.billing_mode, "billingMode", &BILLING_MODES);
        violations.finish()
    }

    fn refuse_later(&self) -> Result<()> {
        let operation = "CreateTable";
        indexes::refuse_later(&self.global_secondary_indexes)?;
        not_yet(&self.on_demand_throughput, "OnDemandThroughput", operation)?;
        not_yet(&self.warm_throughput, "WarmThroughput", operation)
    }

    /// The new table's settings; the engine adds its id and times.
    fn into_meta(self) -> Result<TableMeta> {
        let on_demand = self.billing_mode.as_deref() == Some(PAY_PER_REQUEST);
        let billing = BillingMode::for_new_table(on_demand, throughput(self.provisioned_throughput)?)?;
        let table_class = self.table_class.as_deref().map(table_class).transpose()?;
        let kms_key_arn = self.sse_specification.map(SseSpecification::key_arn).transpose()?.flatten();
        let attribute_definitions =
            attribute_definitions(required(self.attribute_definitions, "attributeDefinitions")?)?;
        let keys = key_elements(required(self.key_schema, "keySchema")?)?;
        let has_indexes = self.local_secondary_indexes.is_some() || self.global_secondary_indexes.is_some();
        let key_schema = table_key_schema(&keys, &attribute_definitions, has_indexes)?;
        let indexes = indexes::secondary_indexes(
            self.local_secondary_indexes,
            self.global_secondary_indexes,
            &key_schema,
            &attribute_definitions,
            on_demand,
        )?;
        Ok(TableMeta {
            name: required(self.table_name, "tableName")?,
            id: Rc::from(""),
            key_schema,
            attribute_definitions,
            billing,
            last_pay_per_request_millis: None,
            created_millis: 0,
            tags: tag_pairs(self.tags.unwrap_or_default())?,
            deletion_protection: self.deletion_protection_enabled.unwrap_or(false),
            table_class,
            indexes,
            auto_scaling: Vec::new(),
            streams: Vec::new(),
            time_to_live: None,
            kinesis_destinations: Vec::new(),
            point_in_time_recovery: None,
            restore_summary: None,
            kms_key_arn,
            resource_policy: None,
            contributor_insights: Vec::new(),
        })
    }
}

impl UpdateTableRequest {
    fn check_shape(&self) -> Result<()> {
        let mut violations = Violations::default();
        check_attribute_definitions(&mut violations, &self.attribute_definitions);
        violations.table_name(&self.table_name, "tableName");
        check_throughput(&mut violations, &self.provisioned_throughput);
        indexes::check_update_shape(&mut violations, &self.global_secondary_index_updates);
        StreamSpecificationInput::check_shape(&mut violations, &self.stream_specification);
        SseSpecification::check_shape(&mut violations, &self.sse_specification, "sSESpecification");
        violations.one_of(&self.billing_mode, "billingMode", &BILLING_MODES);
        violations.finish()
    }

    fn refuse_later(&self) -> Result<()> {
        let operation = "UpdateTable";
        indexes::refuse_later_updates(&self.global_secondary_index_updates)?;
        not_yet(&self.on_demand_throughput, "OnDemandThroughput", operation)?;
        not_yet(&self.warm_throughput, "WarmThroughput", operation)?;
        not_yet(&self.multi_region_consistency, "MultiRegionConsistency", operation)?;
        not_yet(&self.global_table_witness_updates, "GlobalTableWitnessUpdates", operation)
    }

    /// The table name and the request's one change. When the request combines kinds,
    /// DynamoDB names the first of encryption, table class and deletion protection.
    fn into_change(self) -> Result<(String, TableChange)> {
        let name = required(self.table_name, "tableName")?;
        let exclusive = [
            (self.sse_specification.is_some(), "Server-Side Encryption"),
            (self.table_class.is_some(), "TableClass"),
            (self.deletion_protection_enabled.is_some(), "DeletionProtection"),
        ];
        let billing = self.billing_mode.is_some() || self.provisioned_throughput.is_some();
        // An empty list of index updates asks for nothing, as on DynamoDB.
        let index_updates = self.global_secondary_index_updates.filter(|updates| !updates.is_empty());
        let stream = self.stream_specification.is_some();
        let kinds = exclusive.iter().filter(|(present, _)| *present).count()
            + usize::from(billing)
            + usize::from(index_updates.is_some())
            + usize::from(stream);
        if kinds == 0 {
            crate::bail_validation!("{NOTHING_TO_UPDATE}");
        }
        if let Some(updates) = &index_updates {
            indexes::check_updates(updates)?;
        }
        if kinds > 1 {
            if let Some((_, kind)) = exclusive.iter().find(|(present, _)| *present) {
                crate::bail_validation!("One or more parameter values were invalid: {kind} modification must be the only operation in the request");
            }
        }
        if stream && kinds > 1 {
            let iops = self.provisioned_throughput.is_some() || self.billing_mode.as_deref() == Some("PROVISIONED");
            check_stream_combination(iops, index_updates.is_some())?;
        }
        if let (Some(updates), true) = (&index_updates, billing) {
            if self.provisioned_throughput.is_some() && indexes::has_online_update(updates) {
                crate::bail_validation!(
                    "One or more parameter values were invalid: You cannot create or delete index while updating table IOPS"
                );
            }
            not_yet(
                &Some(()),
                "GlobalSecondaryIndexUpdates parameter together with BillingMode or the ProvisionedThroughput",
                "UpdateTable",
            )?;
        }
        let change = match (self.sse_specification, self.table_class, self.deletion_protection_enabled) {
            (Some(specification), _, _) => TableChange::Encryption(specification.key_arn()?),
            (_, Some(class), _) => TableChange::Class(class),
            (_, _, Some(enabled)) => TableChange::DeletionProtection(enabled),
            _ if stream => TableChange::Stream(self.stream_specification.map_or(Ok(None), |specification| {
                specification.view_type(
                    "If stream is being enabled then UpdateViewType is required",
                    "If stream is being disabled, then UpdateViewType must not be specified",
                )
            })?),
            _ if index_updates.is_some() => TableChange::Indexes {
                updates: index_updates.unwrap_or_default(),
                definitions: self.attribute_definitions,
            },
            _ => TableChange::Billing {
                on_demand: self.billing_mode.map(|mode| mode == PAY_PER_REQUEST),
                throughput: self.provisioned_throughput,
            },
        };
        Ok((name, change))
    }
}

/// Refuses StreamSpecification with another change: DynamoDB takes it together with
/// BillingMode PAY_PER_REQUEST alone, which Dynaplay does not take yet.
fn check_stream_combination(iops: bool, index_updates: bool) -> Result<()> {
    if iops {
        crate::bail_validation!(
            "One or more parameter values were invalid: You cannot modify stream status while updating table IOPS"
        );
    }
    if index_updates {
        crate::bail_validation!(
            "One or more parameter values were invalid: You cannot create or delete index while changing stream status"
        );
    }
    not_yet(&Some(()), "StreamSpecification parameter together with BillingMode", "UpdateTable")
}

impl<'a> TableDescription<'a> {
    /// The full description, as DescribeTable gives it, with the given status.
    fn of(table: &'a Table, status: &'static str) -> Self {
        let meta = &table.meta;
        TableDescription {
            attribute_definitions: Some(
                meta.attribute_definitions
                    .iter()
                    .map(|(name, scalar)| AttributeDefinition { attribute_name: name, attribute_type: *scalar })
                    .collect(),
            ),
            table_name: &meta.name,
            key_schema: Some(key_schema_elements(&meta.key_schema)),
            table_status: status,
            creation_date_time: Some(seconds(meta.created_millis)),
            provisioned_throughput: ThroughputDescription::of(&meta.billing),
            table_size_bytes: table.size_bytes(),
            item_count: table.item_count(),
            table_arn: table_arn(&meta.name),
            table_id: &meta.id,
            // Tables that were never on-demand have no BillingModeSummary on DynamoDB.
            billing_mode_summary: meta.last_pay_per_request_millis.map(|millis| BillingModeSummary {
                billing_mode: billing_mode_name(&meta.billing),
                last_update_to_pay_per_request_date_time: Some(seconds(millis)),
            }),
            table_class_summary: meta.table_class.map(|class| TableClassSummary { table_class: class.wire_name() }),
            deletion_protection_enabled: meta.deletion_protection,
            local_secondary_indexes: IndexDescription::list(table, IndexKind::Local, status),
            global_secondary_indexes: IndexDescription::list(table, IndexKind::Global, status),
            stream_specification: meta.enabled_stream().map(|stream| StreamSpecificationDescription {
                stream_enabled: true,
                stream_view_type: stream.view_type.wire_name(),
            }),
            latest_stream_label: meta.streams.last().map(|stream| stream.label.as_str()),
            latest_stream_arn: meta.streams.last().map(|stream| stream.arn(&meta.name)),
            restore_summary: meta.restore_summary.as_ref().map(|summary| RestoreSummaryDescription {
                source_backup_arn: summary.source_backup_arn.as_deref(),
                source_table_arn: &summary.source_table_arn,
                restore_date_time: seconds(summary.restore_millis),
                restore_in_progress: status == CREATING,
            }),
            sse_description: SseDescription::of(meta.kms_key_arn.as_deref()),
        }
    }

    /// Leaves out when the table last became on-demand, which responses to CreateTable and
    /// to a billing switch do not carry yet.
    fn without_switch_time(mut self) -> Self {
        if let Some(summary) = &mut self.billing_mode_summary {
            summary.last_update_to_pay_per_request_date_time = None;
        }
        self
    }

    /// DeleteTable's shorter description: no key schema, attributes or creation time.
    fn without_schema(mut self) -> Self {
        self.attribute_definitions = None;
        self.key_schema = None;
        self.creation_date_time = None;
        self
    }
}

impl<'a> IndexDescription<'a> {
    /// The table's indexes of one kind, in CreateTable's order; `None` when it has none.
    /// A global index is CREATING while its table is, and ACTIVE otherwise.
    fn list(table: &'a Table, kind: IndexKind, status: &'static str) -> Option<Vec<IndexDescription<'a>>> {
        let meta = &table.meta;
        let index_status = if status == CREATING { CREATING } else { ACTIVE };
        let descriptions: Vec<IndexDescription> = meta
            .indexes_of(kind)
            .map(|(position, index)| IndexDescription::of(&meta.name, index, table.index_stats(position), index_status))
            .collect();
        (!descriptions.is_empty()).then_some(descriptions)
    }

    /// One index with its (item count, size); `index_status` applies to global ones.
    fn of(
        table_name: &str,
        index: &'a crate::engine::SecondaryIndex,
        (item_count, index_size_bytes): (usize, u64),
        index_status: &'static str,
    ) -> Self {
        let global = index.kind == IndexKind::Global;
        let backfilling = index.backfilling_until_millis.is_some();
        // A backfilling index reports nothing in it yet, as in UpdateTable's answer.
        let (item_count, index_size_bytes) = if backfilling { (0, 0) } else { (item_count, index_size_bytes) };
        let throughput = index
            .throughput
            .map_or(BillingMode::PayPerRequest, |(read, write)| BillingMode::Provisioned { read, write });
        IndexDescription {
            index_name: &index.name,
            key_schema: key_schema_elements(&index.key_schema),
            projection: ProjectionDescription::of(&index.projection),
            index_status: global.then_some(if backfilling { CREATING } else { index_status }),
            backfilling: backfilling.then_some(true),
            provisioned_throughput: global.then(|| ThroughputDescription::of(&throughput)),
            index_size_bytes,
            item_count,
            index_arn: format!("{}/index/{}", table_arn(table_name), index.name),
        }
    }
}

/// UpdateTable's answer to GlobalSecondaryIndexUpdates: the table UPDATING, a new index
/// CREATING and backfilling (empty as yet), a deleted one DELETING in its old place, an
/// updated one UPDATING with its old throughput. Dynaplay's backfill is instant, so the
/// next DescribeTable shows them ACTIVE (or gone).
fn index_update<'a>(old: &'a TableMeta, table: &'a Table, plan: &IndexUpdatePlan) -> TableDescription<'a> {
    let mut description = TableDescription::of(table, UPDATING);
    let mut globals = description.global_secondary_indexes.take().unwrap_or_default();
    for index in &mut globals {
        if plan.created.as_deref() == Some(index.index_name) {
            index.index_status = Some(CREATING);
            index.backfilling = Some(true);
            index.item_count = 0;
            index.index_size_bytes = 0;
        }
        if let Some((_, throughput)) = plan.updated.iter().find(|(name, _)| name == index.index_name) {
            index.index_status = Some(UPDATING);
            let (read, write) = throughput.unwrap_or_default();
            index.provisioned_throughput = Some(ThroughputDescription::of(&BillingMode::Provisioned { read, write }));
        }
    }
    if let Some((position, stats)) = plan.deleted {
        if let Some(index) = old.indexes.get(position) {
            let place = old.indexes[..position].iter().filter(|index| index.kind == IndexKind::Global).count();
            globals.insert(place.min(globals.len()), IndexDescription::of(&old.name, index, stats, DELETING));
        }
    }
    description.global_secondary_indexes = (!globals.is_empty()).then_some(globals);
    description
}

impl ThroughputDescription {
    /// Provisioned capacity as DynamoDB reports it: 0/0 for an on-demand table. Dynaplay
    /// keeps no history of decreases, so it reports none.
    fn of(billing: &BillingMode) -> Self {
        let (read, write) = match *billing {
            BillingMode::Provisioned { read, write } => (read, write),
            BillingMode::PayPerRequest => (0, 0),
        };
        ThroughputDescription { number_of_decreases_today: 0, read_capacity_units: read, write_capacity_units: write }
    }
}

/// UpdateTable's answer to SSESpecification: the table UPDATING, its new key UPDATING,
/// or, back to an AWS owned key, its old key DISABLING. The switch is immediate, so the
/// next DescribeTable shows the new key ENABLED (or no SSEDescription).
fn encryption_update<'a>(old: &'a TableMeta, table: &'a Table) -> TableDescription<'a> {
    let mut description = TableDescription::of(table, UPDATING);
    description.sse_description = match description.sse_description.take() {
        Some(new) => Some(new.with_status(UPDATING)),
        None => SseDescription::of(old.kms_key_arn.as_deref()).map(|old| old.with_status("DISABLING")),
    };
    description
}

/// UpdateTable's answer to a billing change. DynamoDB answers before the change takes
/// effect: the capacity shown is the old one (0/0 when either side is on-demand), and a
/// switch's BillingModeSummary names the new mode without a time yet.
fn billing_update<'a>(old: &TableMeta, table: &'a Table) -> TableDescription<'a> {
    let mut description = TableDescription::of(table, UPDATING);
    if !is_on_demand(&table.meta.billing) {
        description.provisioned_throughput = ThroughputDescription::of(&old.billing);
    }
    if is_on_demand(&old.billing) == is_on_demand(&table.meta.billing) {
        description
    } else {
        description.without_switch_time()
    }
}

fn is_on_demand(billing: &BillingMode) -> bool {
    *billing == BillingMode::PayPerRequest
}

fn billing_mode_name(billing: &BillingMode) -> &'static str {
    if is_on_demand(billing) {
        PAY_PER_REQUEST
    } else {
        "PROVISIONED"
    }
}

pub(super) fn key_schema_elements(schema: &KeySchema) -> Vec<KeySchemaElement<'_>> {
    let hash = KeySchemaElement { attribute_name: &schema.partition.name, key_type: "HASH" };
    let range = schema.sort.as_ref().map(|sort| KeySchemaElement { attribute_name: &sort.name, key_type: "RANGE" });
    std::iter::once(hash).chain(range).collect()
}

/// A TableName that DescribeTable and DeleteTable name, checked by the request framework.
pub(super) fn checked_table_name(name: Option<String>) -> Result<String> {
    let mut violations = Violations::default();
    violations.table_name(&name, "tableName");
    violations.finish()?;
    required(name, "tableName")
}

fn table_class(name: &str) -> Result<TableClass> {
    TableClass::from_wire(name).ok_or_else(|| {
        crate::validation!(
            "Invalid table-class parameter provided. Please try again with a valid table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS]."
        )
    })
}

/// The (read, write) capacity of a ProvisionedThroughput already checked to hold both.
pub(super) fn throughput(input: Option<ThroughputInput>) -> Result<Option<(u64, u64)>> {
    let units = |value: Option<i64>, path| required(value, path).map(i64::unsigned_abs);
    input
        .map(|input| {
            Ok((
                units(input.read_capacity_units, READ_UNITS_PATH)?,
                units(input.write_capacity_units, WRITE_UNITS_PATH)?,
            ))
        })
        .transpose()
}

fn check_throughput(violations: &mut Violations, throughput: &Option<ThroughputInput>) {
    check_throughput_at(violations, throughput, "")
}

/// ProvisionedThroughput's shape, its member paths under `prefix` (an index's path).
pub(super) fn check_throughput_at(violations: &mut Violations, throughput: &Option<ThroughputInput>, prefix: &str) {
    let Some(throughput) = throughput else {
        return;
    };
    for (units, path) in
        [(throughput.write_capacity_units, WRITE_UNITS_PATH), (throughput.read_capacity_units, READ_UNITS_PATH)]
    {
        let path = format!("{prefix}{path}");
        violations.not_null(&units, &path);
        if let Some(units) = units {
            check_range(violations, units, &path, 1..=i64::MAX);
        }
    }
}

/// A number's range constraint, worded as the request framework words it.
pub(super) fn check_range(violations: &mut Violations, value: i64, path: &str, range: RangeInclusive<i64>) {
    if value < *range.start() {
        violations.add(
            format!("'{value}'"),
            path,
            &format!("Member must have value greater than or equal to {}", range.start()),
        );
    }
    if value > *range.end() {
        violations.add(
            format!("'{value}'"),
            path,
            &format!("Member must have value less than or equal to {}", range.end()),
        );
    }
}

fn check_attribute_definitions(violations: &mut Violations, definitions: &Option<Vec<AttributeDefinitionInput>>) {
    for (index, definition) in definitions.iter().flatten().enumerate() {
        let path = format!("attributeDefinitions.{}.member", index + 1);
        check_attribute_name(violations, &definition.attribute_name, &format!("{path}.attributeName"));
        check_enum(violations, &definition.attribute_type, &format!("{path}.attributeType"), &ATTRIBUTE_TYPES);
    }
}

/// A KeySchema's shape at `path`. An index's key types have no enum constraint in the
/// request framework (dynalite's record); the table's do.
pub(super) fn check_key_schema(
    violations: &mut Violations,
    key_schema: &Option<Vec<KeySchemaElementInput>>,
    path: &str,
    key_type_enum: bool,
) {
    let list_path = path;
    let Some(elements) = key_schema else {
        return violations.not_null(key_schema, list_path);
    };
    if elements.is_empty() {
        violations.add("'[]'", list_path, "Member must have length greater than or equal to 1");
    }
    if elements.len() > 2 {
        let listed: Vec<String> = elements.iter().map(KeySchemaElementInput::java_display).collect();
        violations.add(
            format!("'[{}]'", listed.join(", ")),
            list_path,
            "Member must have length less than or equal to 2",
        );
    }
    for (index, element) in elements.iter().enumerate() {
        let path = format!("{list_path}.{}.member", index + 1);
        check_attribute_name(violations, &element.attribute_name, &format!("{path}.attributeName"));
        match key_type_enum {
            true => check_enum(violations, &element.key_type, &format!("{path}.keyType"), &KEY_TYPES),
            false => violations.not_null(&element.key_type, &format!("{path}.keyType")),
        }
    }
}

fn check_attribute_name(violations: &mut Violations, name: &Option<String>, path: &str) {
    violations.not_null(name, path);
    let Some(name) = name else {
        return;
    };
    let length = name.chars().count();
    if length == 0 {
        violations.add("''", path, "Member must have length greater than or equal to 1");
    }
    if length > MAX_ATTRIBUTE_NAME_CHARS {
        violations.add(
            format!("'{name}'"),
            path,
            &format!("Member must have length less than or equal to {MAX_ATTRIBUTE_NAME_CHARS}"),
        );
    }
}

fn check_enum(violations: &mut Violations, value: &Option<String>, path: &str, allowed: &[&str]) {
    violations.not_null(value, path);
    violations.one_of(value, path, allowed);
}

impl KeySchemaElementInput {
    /// How DynamoDB's Java request framework prints an element of a list it reports: the
    /// class name and the hash code, which is one plus the members' string hashes.
    fn java_display(&self) -> String {
        let members = [&self.attribute_name, &self.key_type];
        let hash =
            members.iter().fold(1i32, |sum, member| sum.wrapping_add(member.as_deref().map_or(0, java_string_hash)));
        format!("com.amazonaws.dynamodb.v20120810.KeySchemaElement@{hash:x}")
    }
}

/// Java's `String.hashCode`.
pub(super) fn java_string_hash(text: &str) -> i32 {
    text.encode_utf16().fold(0i32, |hash, unit| hash.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

fn attribute_definitions(inputs: Vec<AttributeDefinitionInput>) -> Result<Vec<(String, ScalarType)>> {
    let definition = |input: AttributeDefinitionInput| {
        let name = required(input.attribute_name, "attributeName")?;
        Ok((name, scalar_type(&required(input.attribute_type, "attributeType")?)?))
    };
    inputs.into_iter().map(definition).collect()
}

fn scalar_type(name: &str) -> Result<ScalarType> {
    match name {
        "S" => Ok(ScalarType::S),
        "N" => Ok(ScalarType::N),
        "B" => Ok(ScalarType::B),
        _ => Err(crate::validation!("Member must satisfy enum value set: [B, N, S]")),
    }
}

/// KeySchema as (attribute name, key type) pairs.
pub(super) fn key_elements(inputs: Vec<KeySchemaElementInput>) -> Result<Vec<(String, String)>> {
    inputs
        .into_iter()
        .map(|input| Ok((required(input.attribute_name, "attributeName")?, required(input.key_type, "keyType")?)))
        .collect()
}

/// The table's key schema, with CreateTable's rules for how KeySchema and
/// AttributeDefinitions agree; with secondary indexes, whether every definition is used
/// is checked after the indexes.
fn table_key_schema(
    keys: &[(String, String)],
    definitions: &[(String, ScalarType)],
    has_indexes: bool,
) -> Result<KeySchema> {
    let names: Vec<&str> = keys.iter().map(|(name, _)| name.as_str()).collect();
    let defined: Vec<&str> = definitions.iter().map(|(name, _)| name.as_str()).collect();
    if names.len() > defined.len() {
        crate::bail_validation!("Invalid KeySchema: Some index key attribute have no definition");
    }
    if let Some(duplicate) =
        defined.iter().enumerate().find(|(index, name)| defined[..*index].contains(name)).map(|(_, name)| name)
    {
        crate::bail_validation!("Attribute Name is duplicated: {duplicate}");
    }
    if names.iter().any(|name| !defined.contains(name)) {
        crate::bail_validation!(
            "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
            names.join(", "),
            defined.join(", ")
        );
    }
    check_key_order(keys)?;
    if !has_indexes && names.len() != defined.len() {
        crate::bail_validation!(
            "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"
        );
    }
    let mut attributes = keys.iter().filter_map(|(name, _)| definitions.iter().find(|(defined, _)| defined == name));
    let mut next_attribute =
        || attributes.next().map(|(name, scalar)| KeyAttribute { name: name.clone(), scalar: *scalar });
    match next_attribute() {
        Some(partition) => Ok(KeySchema { partition, sort: next_attribute() }),
        None => Err(crate::validation!("Invalid KeySchema: Some index key attribute have no definition")),
    }
}

/// A HASH key first, then at most a RANGE key of another name.
pub(super) fn check_key_order(keys: &[(String, String)]) -> Result<()> {
    if let [(hash, _), (range, _)] = keys {
        if hash == range {
            crate::bail_validation!("Both the Hash Key and the Range Key element in the KeySchema have the same name");
        }
    }
    if keys.first().is_some_and(|(_, key_type)| key_type != "HASH") {
        crate::bail_validation!("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    }
    if keys.get(1).is_some_and(|(_, key_type)| key_type != "RANGE") {
        crate::bail_validation!("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(name: Option<&str>, key_type: Option<&str>) -> KeySchemaElementInput {
        KeySchemaElementInput { attribute_name: name.map(String::from), key_type: key_type.map(String::from) }
    }

    #[test]
    fn key_schema_elements_print_with_javas_hash_code() {
        // The values DynamoDB printed for these three elements (recorded by dynalite).
        assert!(element(None, Some("HASH")).java_display().ends_with("@21b90f"));
        assert!(element(Some("a"), None).java_display().ends_with("@62"));
        assert!(element(Some("a"), Some("Woop")).java_display().ends_with("@293b3b"));
    }

    fn keys(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(name, key_type)| (name.to_string(), key_type.to_string())).collect()
    }

    fn strings(names: &[&str]) -> Vec<(String, ScalarType)> {
        names.iter().map(|name| (name.to_string(), ScalarType::S)).collect()
    }

    fn schema_error(pairs: &[(&str, &str)], defined: &[&str]) -> String {
        table_key_schema(&keys(pairs), &strings(defined), false).unwrap_err().message
    }

    #[test]
    fn key_schema_and_definitions_must_agree() {
        assert_eq!(
            schema_error(&[("a", "HASH"), ("a", "HASH")], &["a"]),
            "Invalid KeySchema: Some index key attribute have no definition"
        );
        assert_eq!(schema_error(&[("pk", "HASH")], &["pk", "pk"]), "Attribute Name is duplicated: pk");
        assert!(schema_error(&[("PK", "HASH")], &["pk"]).ends_with("Keys: [PK], AttributeDefinitions: [pk]"));
        assert!(schema_error(&[("a", "HASH")], &["a", "b"]).contains("Number of attributes in KeySchema"));
    }

    #[test]
    fn hash_comes_first_and_range_second() {
        assert!(schema_error(&[("a", "HASH"), ("a", "HASH")], &["a", "b"]).starts_with("Both the Hash Key"));
        assert!(schema_error(&[("a", "RANGE"), ("b", "HASH")], &["a", "b"]).contains("first KeySchemaElement"));
        assert!(schema_error(&[("a", "HASH"), ("b", "HASH")], &["a", "b"]).contains("second KeySchemaElement"));
    }

    #[test]
    fn a_valid_schema_takes_the_defined_types() {
        let definitions = vec![("sk".to_string(), ScalarType::N), ("pk".to_string(), ScalarType::B)];
        let schema = table_key_schema(&keys(&[("pk", "HASH"), ("sk", "RANGE")]), &definitions, false).unwrap();
        assert_eq!(schema.partition, KeyAttribute { name: "pk".into(), scalar: ScalarType::B });
        assert_eq!(schema.sort, Some(KeyAttribute { name: "sk".into(), scalar: ScalarType::N }));
    }
}
