//! DynamoDB's legacy (pre-expression) parameters, translated into the resolved
//! expression types so that they evaluate exactly as their expression equivalents:
//!
//! - Expected (PutItem, DeleteItem, UpdateItem) and QueryFilter / ScanFilter become a
//!   [`Condition`], their entries joined by ConditionalOperator (AND unless OR);
//! - KeyConditions (Query) becomes a [`KeyCondition`];
//! - AttributeUpdates (UpdateItem) becomes an [`Update`].
//!
//! Each `ComparisonOperator` maps onto an expression construct: EQ, NE, LT, LE, GT, GE
//! onto the comparators, NULL / NOT_NULL onto `attribute_not_exists` /
//! `attribute_exists`, CONTAINS / NOT_CONTAINS onto `contains` and its negation,
//! BEGINS_WITH, IN and BETWEEN onto their namesakes.
//!
//! Checks and texts follow DynamoDB as recorded against AWS by dynalite's tests
//! (validations/index.js, actions/query.js, validations/updateItem.js) and, for
//! ConditionalOperator, by ExtendDB's dual-target conformance tests.

use super::ast::{
    order, Cond, Condition, DocumentPath, KeyCondition, Operand, PathElement, SortKeyCondition, Update, UpdateAction,
    UpdateOperand, UpdateValue,
};
use super::syntax::Comparator;
use crate::model::{AttributeValue, CompactCollect, KeySchema};
use crate::{bail_validation, validation, Error, Result};
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// ComparisonOperator's values, in the order DynamoDB's enum message lists them.
pub const COMPARISON_OPERATORS: [&str; 13] = [
    "IN",
    "NULL",
    "BETWEEN",
    "LT",
    "NOT_CONTAINS",
    "EQ",
    "GT",
    "NOT_NULL",
    "NE",
    "LE",
    "BEGINS_WITH",
    "GE",
    "CONTAINS",
];

/// AttributeUpdates' Action values, in the order DynamoDB's enum message lists them.
pub const ATTRIBUTE_ACTIONS: [&str; 3] = ["ADD", "PUT", "DELETE"];

crate::api::reader::request! {
    /// One entry of QueryFilter, ScanFilter or KeyConditions.
    #[cfg_attr(test, derive(Debug))]
    pub struct LegacyCondition {
        "ComparisonOperator" => pub comparison_operator: String,
        "AttributeValueList" => attribute_value_list: Vec<Value>,
    }
}

crate::api::reader::request! {
    /// One entry of Expected: a comparison, or the older Exists / Value form.
    #[cfg_attr(test, derive(Debug))]
    pub struct ExpectedAttribute {
        "ComparisonOperator" => pub comparison_operator: String,
        "AttributeValueList" => attribute_value_list: Vec<Value>,
        "Exists" => exists: bool,
        "Value" => value: Value,
    }
}

crate::api::reader::request! {
    /// One entry of AttributeUpdates; a missing Action is PUT.
    #[cfg_attr(test, derive(Debug))]
    pub struct AttributeUpdate {
        "Action" => pub action: String,
        "Value" => value: Value,
    }
}

/// QueryFilter, ScanFilter or KeyConditions: attribute name to condition.
pub type LegacyConditions = BTreeMap<String, Box<LegacyCondition>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    Eq,
    Ne,
    Le,
    Lt,
    Ge,
    Gt,
    NotNull,
    Null,
    Contains,
    NotContains,
    BeginsWith,
    In,
    Between,
}

/// Each operator's wire name.
const OPERATORS: [(Operator, &str); 13] = [
    (Operator::Eq, "EQ"),
    (Operator::Ne, "NE"),
    (Operator::Le, "LE"),
    (Operator::Lt, "LT"),
    (Operator::Ge, "GE"),
    (Operator::Gt, "GT"),
    (Operator::NotNull, "NOT_NULL"),
    (Operator::Null, "NULL"),
    (Operator::Contains, "CONTAINS"),
    (Operator::NotContains, "NOT_CONTAINS"),
    (Operator::BeginsWith, "BEGINS_WITH"),
    (Operator::In, "IN"),
    (Operator::Between, "BETWEEN"),
];

/// The scalar types, the only ones ordering, IN and substring operators accept.
const SCALARS: &[&str] = &["S", "N", "B"];

impl Operator {
    /// The operator named `name`; the request-shape check has already refused others.
    fn parse(name: &str) -> Result<Operator> {
        OPERATORS.iter().find(|(_, wire)| *wire == name).map(|(operator, _)| *operator).ok_or_else(|| {
            let set = COMPARISON_OPERATORS.join(", ");
            validation!("Value '{name}' for ComparisonOperator failed to satisfy constraint: Member must satisfy enum value set: [{set}]")
        })
    }

    fn name(self) -> &'static str {
        OPERATORS.iter().find(|(operator, _)| *operator == self).map_or("", |(_, wire)| wire)
    }

    fn takes(self, count: usize) -> bool {
        match self {
            Operator::Null | Operator::NotNull => count == 0,
            Operator::In => count > 0,
            Operator::Between => count == 2,
            _ => count == 1,
        }
    }

    /// The value types the operator accepts; `None` for all of them (EQ and NE compare
    /// any type, lists and maps included).
    fn types(self) -> Option<&'static [&'static str]> {
        match self {
            Operator::Eq | Operator::Ne | Operator::Null | Operator::NotNull => None,
            Operator::BeginsWith => Some(&["S", "B"]),
            _ => Some(SCALARS),
        }
    }
}

fn invalid(message: &str) -> Error {
    validation!("One or more parameter values were invalid: {message}")
}

fn wrong_count(operator: Operator) -> Error {
    invalid(&format!("Invalid number of argument(s) for the {} ComparisonOperator", operator.name()))
}

/// ConditionalOperator needs two or more conditions to join. `conditions` is how many
/// entries Expected, QueryFilter or ScanFilter has (`None` when absent).
pub fn check_conditional_operator(operator: Option<&str>, conditions: Option<usize>) -> Result<()> {
    match (operator, conditions.unwrap_or(0)) {
        (None, _) => Ok(()),
        (Some(_), 0) => Err(validation!("ConditionalOperator cannot be used without Filter or Expected")),
        (Some(_), 1) => {
            Err(validation!("ConditionalOperator can only be used when Filter or Expected has two or more elements"))
        }
        _ => Ok(()),
    }
}

/// An attribute's comparison, checked: value count, value types, BETWEEN's bounds.
struct Comparison {
    name: String,
    operator: Operator,
    values: Vec<AttributeValue>,
}

impl Comparison {
    /// Validates the values, then the operator's rules in DynamoDB's order.
    fn new(name: &str, operator: Operator, values: &[Value]) -> Result<Comparison> {
        let values = values.iter().map(AttributeValue::from_json).try_collect_vec()?;
        if !operator.takes(values.len()) {
            return Err(wrong_count(operator));
        }
        if let Some(allowed) = operator.types() {
            if let Some(value) = values.iter().find(|value| !allowed.contains(&value.type_name())) {
                let (operator, type_name) = (operator.name(), value.type_name());
                return Err(invalid(&format!(
                    "ComparisonOperator {operator} is not valid for {type_name} AttributeValue type"
                )));
            }
        }
        if values.iter().any(|value| value.type_name() != values[0].type_name()) {
            return Err(invalid("AttributeValues inside AttributeValueList must be of same type"));
        }
        if let (Operator::Between, [low, high]) = (operator, values.as_slice()) {
            if order(low, high) == Some(Ordering::Greater) {
                bail_validation!(
                    "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
                );
            }
        }
        Ok(Comparison { name: name.to_owned(), operator, values })
    }

    /// The equivalent expression condition.
    fn into_cond(self) -> Result<Cond> {
        let path = DocumentPath(vec![PathElement::Attr(self.name)]);
        let subject = Operand::Path(path.clone());
        let mut values: Vec<Operand> = self.values.into_iter().map(Operand::Value).collect();
        let compare = |comparator, value| Cond::Compare(subject.clone(), comparator, value);
        Ok(match (self.operator, values.len()) {
            (Operator::Null, 0) => Cond::NotExists(path),
            (Operator::NotNull, 0) => Cond::Exists(path),
            (Operator::In, count) if count > 0 => Cond::In(subject, values),
            (Operator::Between, 2) => {
                let high = values.remove(1);
                Cond::Between(subject, values.remove(0), high)
            }
            (operator, 1) => {
                let value = values.remove(0);
                match operator {
                    Operator::Eq => compare(Comparator::Eq, value),
                    Operator::Ne => compare(Comparator::Ne, value),
                    Operator::Le => compare(Comparator::Le, value),
                    Operator::Lt => compare(Comparator::Lt, value),
                    Operator::Ge => compare(Comparator::Ge, value),
                    Operator::Gt => compare(Comparator::Gt, value),
                    Operator::Contains => Cond::Contains(subject, value),
                    Operator::NotContains => Cond::Not(Box::new(Cond::Contains(subject, value))),
                    Operator::BeginsWith => Cond::BeginsWith(subject, value),
                    _ => return Err(wrong_count(operator)),
                }
            }
            (operator, _) => return Err(wrong_count(operator)),
        })
    }
}

/// The conditions joined by ConditionalOperator (AND unless OR); `None` for none.
fn join(conditions: Vec<Cond>, operator: Option<&str>) -> Option<Condition> {
    let or = operator == Some("OR");
    let root = conditions.into_iter().reduce(|left, right| match or {
        true => Cond::Or(Box::new(left), Box::new(right)),
        false => Cond::And(Box::new(left), Box::new(right)),
    })?;
    Some(Condition { root })
}

fn comparisons(conditions: &LegacyConditions) -> Result<Vec<Comparison>> {
    conditions
        .iter()
        .map(|(name, condition)| {
            let operator = Operator::parse(condition.comparison_operator.as_deref().unwrap_or_default())?;
            Comparison::new(name, operator, condition.attribute_value_list.as_deref().unwrap_or_default())
        })
        .try_collect_vec()
}

/// QueryFilter or ScanFilter as a condition on each item read; `None` when empty.
pub fn filter(conditions: &LegacyConditions, operator: Option<&str>) -> Result<Option<Condition>> {
    let conditions = comparisons(conditions)?.into_iter().map(Comparison::into_cond).try_collect_vec()?;
    Ok(join(conditions, operator))
}

/// The first key attribute (partition key first) that QueryFilter names:
/// `QueryFilter can only contain non-primary key attributes: Primary key attribute: pk`.
pub fn check_query_filter_keys(conditions: &LegacyConditions, schema: &KeySchema) -> Result<()> {
    match schema.iter().find(|key| conditions.contains_key(&key.name)) {
        Some(key) => bail_validation!(
            "QueryFilter can only contain non-primary key attributes: Primary key attribute: {}",
            key.name
        ),
        None => Ok(()),
    }
}

/// Expected as the write's condition; `None` when empty.
pub fn expected(
    expected: &BTreeMap<String, Box<ExpectedAttribute>>,
    operator: Option<&str>,
) -> Result<Option<Condition>> {
    let conditions = expected.iter().map(|(name, entry)| entry.to_cond(name)).try_collect_vec()?;
    Ok(join(conditions, operator))
}

impl ExpectedAttribute {
    fn to_cond(&self, name: &str) -> Result<Cond> {
        let for_attribute = |message: &str| invalid(&format!("{message} for Attribute: {name}"));
        if self.attribute_value_list.is_some() && self.value.is_some() {
            return Err(for_attribute("Value and AttributeValueList cannot be used together"));
        }
        let Some(operator) = &self.comparison_operator else {
            return self.exists_form(name);
        };
        let operator = Operator::parse(operator)?;
        if self.exists.is_some() {
            return Err(for_attribute("Exists and ComparisonOperator cannot be used together"));
        }
        let values = match (&self.attribute_value_list, &self.value) {
            (Some(list), _) => list.clone(),
            (None, Some(value)) => vec![value.clone()],
            (None, None) if matches!(operator, Operator::Null | Operator::NotNull) => Vec::new(),
            (None, None) => {
                let message =
                    format!("Value or AttributeValueList must be used with ComparisonOperator: {}", operator.name());
                return Err(for_attribute(&message));
            }
        };
        Comparison::new(name, operator, &values)?.into_cond()
    }

    /// `{"Exists": false}` asks for the attribute's absence; `{"Value": v}` (Exists
    /// absent or true) for its equality with v.
    fn exists_form(&self, name: &str) -> Result<Cond> {
        if self.attribute_value_list.is_some() {
            return Err(invalid(&format!(
                "AttributeValueList can only be used with a ComparisonOperator for Attribute: {name}"
            )));
        }
        match (self.exists, &self.value) {
            (Some(false), None) => Comparison::new(name, Operator::Null, &[])?.into_cond(),
            (Some(false), Some(_)) => {
                Err(invalid(&format!("Value cannot be used when Exists is false for Attribute: {name}")))
            }
            (exists, None) => {
                let shown = exists.map_or("null", |_| "true");
                Err(invalid(&format!("Value must be provided when Exists is {shown} for Attribute: {name}")))
            }
            (_, Some(value)) => Comparison::new(name, Operator::Eq, std::slice::from_ref(value))?.into_cond(),
        }
    }
}

/// KeyConditions after the checks that need no table: each condition valid, and one or
/// two of them.
pub struct LegacyKeyConditions(Vec<Comparison>);

/// Checks KeyConditions' entries and their number.
pub fn key_conditions(conditions: &LegacyConditions) -> Result<LegacyKeyConditions> {
    let comparisons = comparisons(conditions)?;
    if !(1..=2).contains(&comparisons.len()) {
        bail_validation!("Conditions can be of length 1 or 2 only");
    }
    Ok(LegacyKeyConditions(comparisons))
}

impl LegacyKeyConditions {
    /// The key condition for a table or index with this key schema, checked key by key
    /// (partition key first) as DynamoDB checks them.
    pub fn resolve(self, schema: &KeySchema) -> Result<KeyCondition> {
        let unsupported = || validation!("Query key condition not supported");
        let count = self.0.len();
        if schema.sort.is_none() && count > 1 {
            return Err(unsupported());
        }
        for (position, key) in schema.iter().enumerate() {
            let Some(comparison) = self.0.iter().find(|comparison| comparison.name == key.name) else {
                if position == 0 || count > 1 {
                    bail_validation!("Query condition missed key schema element: {}", key.name);
                }
                continue;
            };
            use Operator::*;
            if matches!(comparison.operator, Null | NotNull | Ne | Contains | NotContains | In) {
                bail_validation!("Attempted conditional constraint is not an indexable operation");
            }
            if comparison.values.iter().any(|value| !key.scalar.matches(value)) {
                return Err(invalid("Condition parameter type does not match schema type"));
            }
            if position == 0 && comparison.operator != Eq {
                return Err(unsupported());
            }
        }
        let mut partition_value = None;
        let mut sort = None;
        for comparison in self.0 {
            if comparison.name == schema.partition.name {
                partition_value = comparison.values.into_iter().next();
            } else {
                sort = Some(sort_condition(comparison.operator, comparison.values).ok_or_else(unsupported)?);
            }
        }
        Ok(KeyCondition { partition_value: partition_value.ok_or_else(unsupported)?, sort })
    }
}

fn sort_condition(operator: Operator, values: Vec<AttributeValue>) -> Option<SortKeyCondition> {
    let mut values = values.into_iter();
    let first = values.next()?;
    Some(match operator {
        Operator::Eq => SortKeyCondition::Equal(first),
        Operator::Lt => SortKeyCondition::Less(first),
        Operator::Le => SortKeyCondition::LessOrEqual(first),
        Operator::Gt => SortKeyCondition::Greater(first),
        Operator::Ge => SortKeyCondition::GreaterOrEqual(first),
        Operator::BeginsWith => SortKeyCondition::BeginsWith(first),
        Operator::Between => SortKeyCondition::Between(first, values.next()?),
        _ => return None,
    })
}

/// AttributeUpdates as an update: PUT sets, DELETE without a value removes, DELETE
/// with a set removes its elements, ADD adds to a number, a set or (legacy only) a list.
pub fn attribute_updates(updates: &BTreeMap<String, Box<AttributeUpdate>>) -> Result<Update> {
    let actions = updates.iter().map(|(name, update)| update.to_action(name)).try_collect_vec()?;
    Ok(Update { actions, legacy: true })
}

impl AttributeUpdate {
    fn to_action(&self, name: &str) -> Result<UpdateAction> {
        let path = DocumentPath(vec![PathElement::Attr(name.to_owned())]);
        let value = self.value.as_ref().map(AttributeValue::from_json).transpose()?;
        let action = self.action.as_deref().unwrap_or("PUT");
        let Some(value) = value else {
            return match action {
                "DELETE" => Ok(UpdateAction::Remove(path)),
                _ => Err(invalid("Only DELETE action is allowed when no attribute value is specified")),
            };
        };
        let type_name = value.type_name();
        match action {
            "DELETE" if matches!(type_name, "SS" | "NS" | "BS") => Ok(UpdateAction::Delete(path, value)),
            "DELETE" => Err(invalid(&format!("DELETE action with value is not supported for the type {type_name}"))),
            "ADD" if matches!(type_name, "N" | "SS" | "NS" | "BS" | "L") => Ok(UpdateAction::Add(path, value)),
            "ADD" => Err(invalid(&format!("ADD action is not supported for the type {type_name}"))),
            _ => Ok(UpdateAction::Set(path, UpdateValue::Operand(UpdateOperand::Value(value)))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Item;
    use serde_json::json;

    fn conditions(value: Value) -> LegacyConditions {
        let entries = value.as_object().unwrap().iter();
        entries
            .map(|(name, condition)| {
                (name.clone(), Box::new(crate::api::reader::read_json(condition.clone()).unwrap()))
            })
            .collect()
    }

    fn item(value: Value) -> Item {
        crate::model::item_from_json(value.as_object().unwrap()).unwrap()
    }

    #[test]
    fn not_contains_is_true_for_a_missing_attribute() {
        let filter = filter(
            &conditions(json!({"a": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "x"}]}})),
            None,
        )
        .unwrap()
        .unwrap();
        assert!(filter.matches(&item(json!({"b": {"S": "x"}}))));
        assert!(!filter.matches(&item(json!({"a": {"SS": ["x", "y"]}}))));
    }

    #[test]
    fn or_joins_and_and_is_the_default() {
        let both = json!({"a": {"ComparisonOperator": "NULL"}, "b": {"ComparisonOperator": "NOT_NULL"}});
        let only_b = item(json!({"b": {"N": "1"}, "a": {"N": "1"}}));
        assert!(!filter(&conditions(both.clone()), None).unwrap().unwrap().matches(&only_b));
        assert!(filter(&conditions(both), Some("OR")).unwrap().unwrap().matches(&only_b));
    }

    #[test]
    fn conditional_operator_needs_two_conditions() {
        assert!(check_conditional_operator(None, None).is_ok());
        assert!(check_conditional_operator(Some("OR"), Some(2)).is_ok());
        let message = |count| check_conditional_operator(Some("AND"), count).unwrap_err().message;
        assert_eq!(message(Some(0)), "ConditionalOperator cannot be used without Filter or Expected");
        assert_eq!(
            message(Some(1)),
            "ConditionalOperator can only be used when Filter or Expected has two or more elements"
        );
    }
}
