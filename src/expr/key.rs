//! KeyConditionExpression: a checked condition reduced to a partition key value and an
//! optional sort key condition, with DynamoDB's errors for conditions a key lookup
//! cannot serve.
//!
//! Two stages, as in DynamoDB: first the condition's shape (only AND, one key
//! attribute per comparison, no nesting; messages without the `Invalid
//! KeyConditionExpression: ` prefix), then the table's schema (missing key, value
//! types, partition key by equality only). Texts from dynalite's AWS-recorded tests.

use super::ast::{Cond, KeyCondition, Operand, PathElement, SortKeyCondition};
use super::syntax::Comparator;
use crate::model::{AttributeValue, KeySchema};
use crate::{bail_validation, validation, Result};

/// One key attribute's condition: the operator and its literal values.
struct KeyTerm {
    name: String,
    op: KeyOp,
    values: Vec<AttributeValue>,
}

#[derive(Clone, Copy, PartialEq)]
enum KeyOp {
    Compare(Comparator),
    Between,
    BeginsWith,
}

/// Reduces a checked condition to a key condition for `schema`.
pub fn reduce(root: Cond, schema: &KeySchema) -> Result<KeyCondition> {
    let mut terms = Vec::new();
    collect(root, &mut terms)?;
    if terms.len() > 2 {
        bail_validation!("Conditions can be of length 1 or 2 only");
    }
    for key in schema.iter() {
        if !terms.iter().any(|term| term.name == key.name) {
            bail_validation!("Query condition missed key schema element: {}", key.name);
        }
        if terms.len() <= 1 {
            break;
        }
    }
    for term in &terms {
        if let Some(key) = schema.iter().find(|key| key.name == term.name) {
            if term.values.iter().any(|value| !key.scalar.matches(value)) {
                bail_validation!(
                    "One or more parameter values were invalid: Condition parameter type does not match schema type"
                );
            }
        }
    }
    let unsupported = || validation!("Query key condition not supported");
    let partition = terms.iter().position(|term| term.name == schema.partition.name).ok_or_else(unsupported)?;
    let partition = terms.remove(partition);
    if partition.op != KeyOp::Compare(Comparator::Eq) {
        return Err(unsupported());
    }
    let sort = match (terms.pop(), &schema.sort) {
        (None, _) => None,
        (Some(term), Some(key)) if term.name == key.name => Some(sort_condition(term).ok_or_else(unsupported)?),
        _ => return Err(unsupported()),
    };
    let partition_value = partition.values.into_iter().next().ok_or_else(unsupported)?;
    Ok(KeyCondition { partition_value, sort })
}

fn sort_condition(term: KeyTerm) -> Option<SortKeyCondition> {
    let mut values = term.values.into_iter();
    let first = values.next()?;
    Some(match term.op {
        KeyOp::Compare(Comparator::Eq) => SortKeyCondition::Equal(first),
        KeyOp::Compare(Comparator::Lt) => SortKeyCondition::Less(first),
        KeyOp::Compare(Comparator::Le) => SortKeyCondition::LessOrEqual(first),
        KeyOp::Compare(Comparator::Gt) => SortKeyCondition::Greater(first),
        KeyOp::Compare(Comparator::Ge) => SortKeyCondition::GreaterOrEqual(first),
        KeyOp::Compare(Comparator::Ne) => return None,
        KeyOp::Between => SortKeyCondition::Between(first, values.next()?),
        KeyOp::BeginsWith => SortKeyCondition::BeginsWith(first),
    })
}

fn invalid_operator(name: &str) -> crate::Error {
    validation!("Invalid operator used in KeyConditionExpression: {name}")
}

/// Walks the condition's AND tree, turning each comparison into a [`KeyTerm`].
fn collect(cond: Cond, terms: &mut Vec<KeyTerm>) -> Result<()> {
    let (op, operands) = match cond {
        Cond::And(left, right) => {
            collect(*left, terms)?;
            return collect(*right, terms);
        }
        Cond::Or(..) => return Err(invalid_operator("OR")),
        Cond::Not(_) => return Err(invalid_operator("NOT")),
        Cond::In(..) => return Err(invalid_operator("IN")),
        Cond::Compare(_, Comparator::Ne, _) => return Err(invalid_operator("<>")),
        Cond::Exists(_) => return Err(invalid_operator("attribute_exists")),
        Cond::NotExists(_) => return Err(invalid_operator("attribute_not_exists")),
        Cond::Type(..) => return Err(invalid_operator("attribute_type")),
        Cond::Contains(..) => return Err(invalid_operator("contains")),
        Cond::Compare(left, op, right) => (KeyOp::Compare(op), vec![left, right]),
        Cond::Between(subject, low, high) => (KeyOp::Between, vec![subject, low, high]),
        Cond::BeginsWith(subject, prefix) => (KeyOp::BeginsWith, vec![subject, prefix]),
    };
    let first_operand_name = match op {
        KeyOp::Between => Some("BETWEEN"),
        KeyOp::BeginsWith => Some("begins_with"),
        KeyOp::Compare(_) => None,
    };
    if let (Some(name), Some(Operand::Value(_) | Operand::Size(_))) = (first_operand_name, operands.first()) {
        bail_validation!(
            "Invalid condition in KeyConditionExpression: {name} operator must have the key attribute as its first operand"
        );
    }
    terms.push(term(op, operands, terms)?);
    Ok(())
}

/// One comparison's key attribute and values; a value written first flips the operator.
fn term(op: KeyOp, operands: Vec<Operand>, terms: &[KeyTerm]) -> Result<KeyTerm> {
    let mut name = None;
    let mut values = Vec::new();
    for (position, operand) in operands.into_iter().enumerate() {
        match operand {
            Operand::Path(path) => {
                if name.is_some() {
                    bail_validation!(
                        "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"
                    );
                }
                let mut elements = path.0.into_iter();
                let (Some(PathElement::Attr(attribute)), None) = (elements.next(), elements.next()) else {
                    bail_validation!("KeyConditionExpressions cannot have conditions on nested attributes");
                };
                name = Some((attribute, position));
            }
            Operand::Size(_) => bail_validation!("KeyConditionExpressions cannot contain nested operations"),
            Operand::Value(value) => values.push(value),
        }
    }
    let Some((name, position)) = name else {
        bail_validation!("Invalid condition in KeyConditionExpression: No key attribute specified");
    };
    if terms.iter().any(|term| term.name == name) {
        bail_validation!("KeyConditionExpressions must only contain one condition per key");
    }
    let op = match (op, position) {
        (KeyOp::Compare(comparator), 1) => KeyOp::Compare(comparator.flipped()),
        _ => op,
    };
    Ok(KeyTerm { name, op, values })
}
