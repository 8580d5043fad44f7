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
use crate::engine::{IndexKind, Projection, SecondaryIndex};
use crate::error::Result;
use crate::model::{KeyAttribute, KeySchema, ScalarType};
use serde::Deserialize;
use serde_json::Value;

const PROJECTION_TYPES: [&str; 3] = ["ALL", "INCLUDE", "KEYS_ONLY"];
/// Most local indexes per table.
const MAX_LOCAL_INDEXES: usize = 5;
/// Most global indexes per table (DynamoDB's default quota).
const MAX_GLOBAL_INDEXES: usize = 20;
/// Most NonKeyAttributes over all of a table's indexes; a name projected into two
/// indexes counts twice.
const MAX_PROJECTED_ATTRIBUTES: usize = 100;

/// One element of LocalSecondaryIndexes or GlobalSecondaryIndexes.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IndexInput {
    index_name: Option<String>,
    key_schema: Option<Vec<KeySchemaElementInput>>,
    projection: Option<ProjectionInput>,
    /// Global indexes only.
    provisioned_throughput: Option<ThroughputInput>,
    on_demand_throughput: Option<Value>,
    warm_throughput: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProjectionInput {
    projection_type: Option<String>,
    non_key_attributes: Option<Vec<String>>,
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
    let projected: usize = indexes
        .iter()
        .map(|index| match &index.projection {
            Projection::Include(names) => names.len(),
            _ => 0,
        })
        .sum();
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
    Ok(SecondaryIndex { name, kind, key_schema, projection, throughput })
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
