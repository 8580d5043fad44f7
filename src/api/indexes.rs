//! CreateTable's LocalSecondaryIndexes and GlobalSecondaryIndexes: their request shape
//! and DynamoDB's rules for them, in DynamoDB's order (as dynalite recorded it against
//! AWS): the local indexes one by one and then their count, the global indexes likewise,
//! then the projected attribute total and the unused attribute definitions.

use crate::api::not_yet;
use crate::api::tables::{
    check_key_order, check_key_schema, check_throughput_at, key_elements, throughput, KeySchemaElementInput,
    ThroughputInput,
};
use crate::api::validate::{required, Violations};
use crate::engine::{BillingMode, IndexKind, Projection, SecondaryIndex, TableMeta};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{KeyAttribute, KeySchema, ScalarType};
use serde_json::Value;

const PROJECTION_TYPES: [&str; 3] = ["ALL", "INCLUDE", "KEYS_ONLY"];
/// Most local indexes per table.
const MAX_LOCAL_INDEXES: usize = 5;
/// Most global indexes per table (DynamoDB's default quota).
const MAX_GLOBAL_INDEXES: usize = 20;
/// Most NonKeyAttributes over all of a table's indexes; a name projected into two
/// indexes counts twice.
const MAX_PROJECTED_ATTRIBUTES: usize = 100;

crate::api::reader::request! {
    /// One element of LocalSecondaryIndexes or GlobalSecondaryIndexes.
    pub struct IndexInput {
        "IndexName" => index_name: String,
        "KeySchema" => key_schema: Vec<KeySchemaElementInput>,
        "Projection" => projection: ProjectionInput,
        /// Global indexes only.
        "ProvisionedThroughput" => provisioned_throughput: ThroughputInput,
        "OnDemandThroughput" => on_demand_throughput: Value,
        "WarmThroughput" => warm_throughput: Value,
    }
}

crate::api::reader::request! {
    struct ProjectionInput {
        "ProjectionType" => projection_type: String,
        "NonKeyAttributes" => non_key_attributes: Vec<String>,
    }
}

/// The request framework's constraints on a list of indexes at `list` (its path).
pub fn check_shape(violations: &mut Violations, indexes: &Option<Vec<IndexInput>>, list: &str, global: bool) {
    for (position, index) in indexes.iter().flatten().enumerate() {
        let path = format!("{list}.{}.member", position + 1);
        violations.table_name(&index.index_name, &format!("{path}.indexName"));
        check_key_schema(violations, &index.key_schema, &format!("{path}.keySchema"), false);
        match &index.projection {
            None => violations.not_null(&index.projection, &format!("{path}.projection")),
            Some(projection) => {
                let type_path = format!("{path}.projection.projectionType");
                violations.one_of(&projection.projection_type, &type_path, &PROJECTION_TYPES);
                if projection.non_key_attributes.as_ref().is_some_and(Vec::is_empty) {
                    violations.add(
                        "'[]'",
                        &format!("{path}.projection.nonKeyAttributes"),
                        "Member must have length greater than or equal to 1",
                    );
                }
            }
        }
        if global {
            check_throughput_at(violations, &index.provisioned_throughput, &format!("{path}."));
        }
    }
}

/// Index members a later Dynaplay release implements.
pub fn refuse_later(global: &Option<Vec<IndexInput>>) -> Result<()> {
    for index in global.iter().flatten() {
        not_yet(&index.on_demand_throughput, "GlobalSecondaryIndexes OnDemandThroughput", "CreateTable")?;
        not_yet(&index.warm_throughput, "GlobalSecondaryIndexes WarmThroughput", "CreateTable")?;
    }
    Ok(())
}

/// The new table's secondary indexes, checked against its key schema and attribute
/// definitions. Called only when the table's own key schema is valid.
pub fn secondary_indexes(
    local: Option<Vec<IndexInput>>,
    global: Option<Vec<IndexInput>>,
    table: &KeySchema,
    definitions: &[(String, ScalarType)],
    on_demand: bool,
) -> Result<Vec<SecondaryIndex>> {
    let mut indexes: Vec<SecondaryIndex> = Vec::new();
    if let Some(local) = local {
        if local.is_empty() {
            invalid("List of LocalSecondaryIndexes is empty")?;
        }
        if table.sort.is_none() {
            invalid(
                "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex",
            )?;
        }
        let count = local.len();
        for input in local {
            let index = index(input, IndexKind::Local, table, definitions, on_demand, &indexes)?;
            indexes.push(index);
        }
        if count > MAX_LOCAL_INDEXES {
            invalid(&format!("Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LOCAL_INDEXES}"))?;
        }
    }
    if let Some(global) = global {
        if global.is_empty() {
            invalid("List of GlobalSecondaryIndexes is empty")?;
        }
        let count = global.len();
        for input in global {
            let index = index(input, IndexKind::Global, table, definitions, on_demand, &indexes)?;
            indexes.push(index);
        }
        if count > MAX_GLOBAL_INDEXES {
            invalid(&format!("GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GLOBAL_INDEXES}"))?;
        }
    }
    let projected = projected_total(&indexes);
    if projected > MAX_PROJECTED_ATTRIBUTES {
        invalid(&format!("Number of projected attributes in all indexes exceeds limit of {MAX_PROJECTED_ATTRIBUTES}"))?;
    }
    if !indexes.is_empty() {
        check_definitions_used(table, &indexes, definitions)?;
    }
    Ok(indexes)
}

/// One index, with the rules of its kind; `earlier` are the indexes before it.
fn index(
    input: IndexInput,
    kind: IndexKind,
    table: &KeySchema,
    definitions: &[(String, ScalarType)],
    on_demand: bool,
    earlier: &[SecondaryIndex],
) -> Result<SecondaryIndex> {
    let name = required(input.index_name, "indexName")?;
    let keys = key_elements(required(input.key_schema, "keySchema")?)?;
    let names: Vec<&str> = keys.iter().map(|(name, _)| name.as_str()).collect();
    let defined: Vec<&str> = definitions.iter().map(|(name, _)| name.as_str()).collect();
    if names.iter().any(|name| !defined.contains(name)) {
        invalid(&format!(
            "Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
            names.join(", "),
            defined.join(", ")
        ))?;
    }
    check_key_order(&keys)?;
    if kind == IndexKind::Local {
        if keys.len() != 2 {
            invalid(&format!("Index KeySchema does not have a range key for index: {name}"))?;
        }
        if names[0] != table.partition.name {
            invalid(&format!(
                "Index KeySchema does not have the same leading hash key as table KeySchema for index: {name}. index hash key: {}, table hash key: {}",
                names[0], table.partition.name
            ))?;
        }
    }
    let projection = projection(required(input.projection, "projection")?)?;
    let throughput = match kind {
        IndexKind::Local => None,
        IndexKind::Global => match (on_demand, throughput(input.provisioned_throughput)?) {
            (true, Some(_)) => invalid(&format!(
                "ProvisionedThroughput should not be specified for index: {name} when BillingMode is PAY_PER_REQUEST"
            ))?,
            (false, None) => invalid(&format!("ProvisionedThroughput is not specified for index: {name}"))?,
            (_, units) => units,
        },
    };
    if earlier.iter().any(|index| index.name == name) {
        invalid(&format!("Duplicate index name: {name}"))?;
    }
    let attribute = |key: &(String, String)| {
        let scalar = definitions.iter().find(|(defined, _)| *defined == key.0).map_or(ScalarType::S, |(_, s)| *s);
        KeyAttribute { name: key.0.clone(), scalar }
    };
    let key_schema = KeySchema { partition: attribute(&keys[0]), sort: keys.get(1).map(attribute) };
    Ok(SecondaryIndex { name, kind, key_schema, projection, throughput, backfilling_until_millis: None })
}

fn projection(input: ProjectionInput) -> Result<Projection> {
    let Some(projection_type) = input.projection_type else {
        return invalid("Unknown ProjectionType: null");
    };
    match (projection_type.as_str(), input.non_key_attributes) {
        ("INCLUDE", None) => invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified"),
        ("INCLUDE", Some(names)) => {
            if let Some((_, duplicate)) = names.iter().enumerate().find(|(i, name)| names[..*i].contains(name)) {
                invalid(&format!("Duplicate element in NonKeyAttributes: {duplicate}"))?;
            }
            Ok(Projection::Include(names))
        }
        (other, Some(_)) => invalid(&format!("ProjectionType is {other}, but NonKeyAttributes is specified")),
        ("ALL", None) => Ok(Projection::All),
        (_, None) => Ok(Projection::KeysOnly),
    }
}

/// With secondary indexes, every attribute definition must name a key attribute of the
/// table or of an index (the message AWS users recorded; moto words it alike).
fn check_definitions_used(
    table: &KeySchema,
    indexes: &[SecondaryIndex],
    definitions: &[(String, ScalarType)],
) -> Result<()> {
    let mut used: Vec<&str> = Vec::new();
    let keys = table.iter().chain(indexes.iter().flat_map(|index| index.key_schema.iter()));
    for key in keys {
        if !used.contains(&key.name.as_str()) {
            used.push(&key.name);
        }
    }
    if definitions.iter().all(|(name, _)| used.contains(&name.as_str())) {
        return Ok(());
    }
    let defined: Vec<&str> = definitions.iter().map(|(name, _)| name.as_str()).collect();
    invalid(&format!(
        "Some AttributeDefinitions are not used. AttributeDefinitions: [{}], keys used: [{}]",
        defined.join(", "),
        used.join(", ")
    ))
}

/// A ValidationException under DynamoDB's "One or more parameter values were invalid" prefix.
fn invalid<T>(message: &str) -> Result<T> {
    Err(crate::validation!("One or more parameter values were invalid: {message}"))
}

crate::api::reader::request! {
    /// One element of UpdateTable's GlobalSecondaryIndexUpdates.
    pub struct IndexUpdateInput {
        "Update" => update: UpdateIndexInput,
        "Create" => create: IndexInput,
        "Delete" => delete: DeleteIndexInput,
    }
}

crate::api::reader::request! {
    struct UpdateIndexInput {
        "IndexName" => index_name: String,
        "ProvisionedThroughput" => provisioned_throughput: ThroughputInput,
        "OnDemandThroughput" => on_demand_throughput: Value,
        "WarmThroughput" => warm_throughput: Value,
    }
}

crate::api::reader::request! {
    struct DeleteIndexInput {
        "IndexName" => index_name: String,
    }
}

/// Most provisioned units DynamoDB takes for an index update (as for a table).
const MAX_UNITS: u64 = 1_000_000_000_000;

/// What GlobalSecondaryIndexUpdates did, for UpdateTable's answer.
#[derive(Default)]
pub struct IndexUpdatePlan {
    /// The index created, which the answer shows CREATING and backfilling.
    pub created: Option<String>,
    /// The index deleted, with its position in the old settings' index list and its
    /// (item count, size) before deletion: the answer shows it DELETING.
    pub deleted: Option<(usize, (usize, u64))>,
    /// Indexes whose throughput changed, with their old (read, write): shown UPDATING.
    pub updated: Vec<(String, Option<(u64, u64)>)>,
}

impl IndexUpdateInput {
    fn name(&self) -> Option<&str> {
        let update = self.update.as_ref().and_then(|update| update.index_name.as_deref());
        let create = self.create.as_ref().and_then(|create| create.index_name.as_deref());
        update.or(create).or(self.delete.as_ref().and_then(|delete| delete.index_name.as_deref()))
    }

    /// A Create or a Delete: what DynamoDB calls an online index operation.
    fn is_online(&self) -> bool {
        self.create.is_some() || self.delete.is_some()
    }
}

/// The request framework's constraints on GlobalSecondaryIndexUpdates (dynalite's record
/// of the member order: Update, then Create's Projection, IndexName, throughput and
/// KeySchema, then Delete).
pub fn check_update_shape(violations: &mut Violations, updates: &Option<Vec<IndexUpdateInput>>) {
    for (position, update) in updates.iter().flatten().enumerate() {
        let path = format!("globalSecondaryIndexUpdates.{}.member", position + 1);
        if let Some(action) = &update.update {
            violations.table_name(&action.index_name, &format!("{path}.update.indexName"));
            check_throughput_at(violations, &action.provisioned_throughput, &format!("{path}.update."));
        }
        if let Some(create) = &update.create {
            let path = format!("{path}.create");
            match &create.projection {
                None => violations.not_null(&create.projection, &format!("{path}.projection")),
                Some(projection) => {
                    violations.one_of(
                        &projection.projection_type,
                        &format!("{path}.projection.projectionType"),
                        &PROJECTION_TYPES,
                    );
                    if projection.non_key_attributes.as_ref().is_some_and(Vec::is_empty) {
                        violations.add(
                            "'[]'",
                            &format!("{path}.projection.nonKeyAttributes"),
                            "Member must have length greater than or equal to 1",
                        );
                    }
                }
            }
            violations.table_name(&create.index_name, &format!("{path}.indexName"));
            check_throughput_at(violations, &create.provisioned_throughput, &format!("{path}."));
            check_key_schema(violations, &create.key_schema, &format!("{path}.keySchema"), false);
        }
        if let Some(delete) = &update.delete {
            violations.table_name(&delete.index_name, &format!("{path}.delete.indexName"));
        }
    }
}

/// Members of index updates that a later Dynaplay release implements.
pub fn refuse_later_updates(updates: &Option<Vec<IndexUpdateInput>>) -> Result<()> {
    let operation = "UpdateTable";
    for update in updates.iter().flatten() {
        if let Some(action) = &update.update {
            not_yet(&action.on_demand_throughput, "GlobalSecondaryIndexUpdates Update OnDemandThroughput", operation)?;
            not_yet(&action.warm_throughput, "GlobalSecondaryIndexUpdates Update WarmThroughput", operation)?;
        }
        if let Some(create) = &update.create {
            not_yet(&create.on_demand_throughput, "GlobalSecondaryIndexUpdates Create OnDemandThroughput", operation)?;
            not_yet(&create.warm_throughput, "GlobalSecondaryIndexUpdates Create WarmThroughput", operation)?;
        }
    }
    Ok(())
}

/// The checks that need no table: one action per element, one element per index.
pub fn check_updates(updates: &[IndexUpdateInput]) -> Result<()> {
    let mut names: Vec<&str> = Vec::new();
    for update in updates {
        let actions = [update.update.is_some(), update.create.is_some(), update.delete.is_some()];
        match actions.iter().filter(|present| **present).count() {
            0 => invalid(
                "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null",
            )?,
            1 => {}
            _ => invalid("Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object")?,
        }
        let name = update.name().unwrap_or_default();
        if names.contains(&name) {
            invalid(&format!(
                "Only one global secondary index update per index is allowed simultaneously. Index: {name}"
            ))?;
        }
        names.push(name);
    }
    Ok(())
}

/// Whether any element creates or deletes an index.
pub fn has_online_update(updates: &[IndexUpdateInput]) -> bool {
    updates.iter().any(IndexUpdateInput::is_online)
}

/// The table's settings after the index updates, checked against the table as it is;
/// `definitions` are the request's AttributeDefinitions.
pub fn apply_updates(
    meta: &TableMeta,
    stats: impl Fn(usize) -> (usize, u64),
    updates: Vec<IndexUpdateInput>,
    definitions: Option<Vec<(String, ScalarType)>>,
) -> Result<(TableMeta, IndexUpdatePlan)> {
    if updates.iter().filter(|update| update.is_online()).count() > 1 {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table",
        ));
    }
    let mut new = meta.clone();
    let mut plan = IndexUpdatePlan::default();
    let on_demand = meta.billing == BillingMode::PayPerRequest;
    let not_found = |name: &str| {
        Error::new(
            ErrorKind::ResourceNotFound,
            format!("Requested resource not found: Index {name} for table {}", meta.name),
        )
    };
    for update in updates {
        if let Some(create) = update.create {
            let name = create.index_name.clone().unwrap_or_default();
            if meta.index(&name).is_some() {
                crate::bail_validation!("Attempting to create an index which already exists");
            }
            let Some(definitions) = &definitions else {
                return invalid(&format!("AttributeDefinitions is not specified for index: {name}"));
            };
            let index = index(create, IndexKind::Global, &meta.key_schema, definitions, on_demand, &[])?;
            for key in index.key_schema.iter() {
                let known = new.attribute_definitions.iter().find(|(defined, _)| *defined == key.name);
                match known {
                    Some((_, scalar)) if *scalar != key.scalar => not_yet(
                        &Some(()),
                        "AttributeDefinitions that change an existing attribute's type in",
                        "UpdateTable",
                    )?,
                    Some(_) => {}
                    None => new.attribute_definitions.push((key.name.clone(), key.scalar)),
                }
            }
            if new.indexes_of(IndexKind::Global).count() >= MAX_GLOBAL_INDEXES {
                return Err(Error::new(
                    ErrorKind::LimitExceeded,
                    format!("One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GLOBAL_INDEXES}"),
                ));
            }
            new.indexes.push(index);
            if projected_total(&new.indexes) > MAX_PROJECTED_ATTRIBUTES {
                invalid(&format!(
                    "Number of projected attributes in all indexes exceeds limit of {MAX_PROJECTED_ATTRIBUTES}"
                ))?;
            }
            plan.created = Some(name);
        } else if let Some(delete) = update.delete {
            let name = delete.index_name.unwrap_or_default();
            let (position, index) = meta.index(&name).ok_or_else(|| not_found(&name))?;
            if index.kind != IndexKind::Global {
                crate::bail_validation!("Cannot delete an index that is not a GlobalSecondaryIndex: {name}");
            }
            new.indexes.retain(|index| index.name != name);
            // Its Contributor Insights rules go with it, as on AWS.
            new.contributor_insights.retain(|setting| setting.index.as_deref() != Some(name.as_str()));
            // The definitions only the deleted index used go with it.
            let used = |attribute: &str| {
                new.key_schema
                    .iter()
                    .chain(new.indexes.iter().flat_map(|index| index.key_schema.iter()))
                    .any(|key| key.name == attribute)
            };
            new.attribute_definitions.retain(|(attribute, _)| used(attribute));
            plan.deleted = Some((position, stats(position)));
        } else if let Some(action) = update.update {
            let name = action.index_name.unwrap_or_default();
            let requested = throughput(action.provisioned_throughput)?;
            if requested.is_some_and(|(read, write)| read > MAX_UNITS || write > MAX_UNITS) {
                crate::bail_validation!(
                    "This operation cannot be performed with given input values. Please contact DynamoDB service team for more info: Action Blocked: IndexUpdate"
                );
            }
            let (_, index) = meta.index(&name).ok_or_else(|| not_found(&name))?;
            if index.kind != IndexKind::Global {
                crate::bail_validation!("Cannot update an index that is not a GlobalSecondaryIndex: {name}");
            }
            if on_demand {
                invalid(&format!(
                    "The only Updates for index: {name} when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput"
                ))?;
            }
            let Some((read, write)) = requested else {
                return invalid(&format!("ProvisionedThroughput is not specified for index: {name}"));
            };
            let (old_read, old_write) = index.throughput.unwrap_or_default();
            if (old_read, old_write) == (read, write) {
                crate::bail_validation!(
                    "The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: {old_read}. Requested ReadCapacityUnits: {read}. Current WriteCapacityUnits provisioned for the table: {old_write}. Requested WriteCapacityUnits: {write}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
                );
            }
            if let Some(index) = new.indexes.iter_mut().find(|index| index.name == name) {
                index.throughput = Some((read, write));
            }
            plan.updated.push((name, index.throughput));
        }
    }
    Ok((new, plan))
}

fn projected_total(indexes: &[SecondaryIndex]) -> usize {
    indexes
        .iter()
        .map(|index| match &index.projection {
            Projection::Include(names) => names.len(),
            _ => 0,
        })
        .sum()
}
