//! Request-shape validation with the wording of DynamoDB's request framework:
//! `1 validation error detected: Value null at 'tableName' failed to satisfy constraint:
//! Member must not be null`, several violations joined by "; ".

use crate::error::{Error, Result};
use crate::expr::legacy::COMPARISON_OPERATORS;
use std::fmt::Display;

/// ConditionalOperator's values, in the order AWS lists them (captured in us-east-1 and
/// eu-west-2, 2026-10, by the nubo-db/dynamodb-conformance suite).
pub const CONDITIONAL_OPERATORS: [&str; 2] = ["OR", "AND"];

/// Collects every constraint violation of one request, as DynamoDB reports them all at once.
#[derive(Default)]
pub struct Violations {
    messages: Vec<String>,
}

impl Violations {
    /// Records that `value` (already rendered, e.g. `null` or `'x'`) at `path` broke `constraint`.
    pub fn add(&mut self, value: impl Display, path: &str, constraint: &str) {
        self.messages.push(format!("Value {value} at '{path}' failed to satisfy constraint: {constraint}"));
    }

    pub fn not_null<T>(&mut self, value: &Option<T>, path: &str) {
        if value.is_none() {
            self.add("null", path, "Member must not be null");
        }
    }

    /// A table name's rules: 3 to 255 characters of `[a-zA-Z0-9_.-]`.
    pub fn table_name(&mut self, name: &Option<String>, path: &str) {
        let Some(name) = name else {
            return self.not_null(name, path);
        };
        // The pattern ends in `+`: an empty name breaks it as well as the length rule.
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
            self.add(format!("'{name}'"), path, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        }
        let length = name.chars().count();
        if length < 3 {
            self.add(format!("'{name}'"), path, "Member must have length greater than or equal to 3");
        }
        if length > 255 {
            self.add(format!("'{name}'"), path, "Member must have length less than or equal to 255");
        }
    }

    /// A string whose length must lie in `min..=max` characters.
    pub fn length(&mut self, value: &Option<String>, path: &str, min: usize, max: usize) {
        let Some(value) = value else { return };
        let length = value.chars().count();
        if length < min {
            self.add(format!("'{value}'"), path, &format!("Member must have length greater than or equal to {min}"));
        }
        if length > max {
            self.add(format!("'{value}'"), path, &format!("Member must have length less than or equal to {max}"));
        }
    }

    /// A value that must be one of an enumeration's names.
    pub fn one_of(&mut self, value: &Option<String>, path: &str, allowed: &[&str]) {
        if let Some(value) = value {
            if !allowed.contains(&value.as_str()) {
                let set = allowed.join(", ");
                self.add(format!("'{value}'"), path, &format!("Member must satisfy enum value set: [{set}]"));
            }
        }
    }

    /// The ComparisonOperator of each legacy condition in `member` (Expected, QueryFilter,
    /// ScanFilter, KeyConditions): one of the enumeration, and present when `required`.
    pub fn comparison_operators<'a>(
        &mut self,
        operators: impl Iterator<Item = (&'a String, &'a Option<String>)>,
        member: &str,
        required: bool,
    ) {
        for (name, operator) in operators {
            let path = format!("{member}.{name}.member.comparisonOperator");
            if required {
                self.not_null(operator, &path);
            }
            self.one_of(operator, &path, &COMPARISON_OPERATORS);
        }
    }

    /// Fails with every violation recorded, or succeeds when there are none.
    pub fn finish(self) -> Result<()> {
        match self.messages.len() {
            0 => Ok(()),
            1 => Err(Error::validation(format!("1 validation error detected: {}", self.messages[0]))),
            n => Err(Error::validation(format!("{n} validation errors detected: {}", self.messages.join("; ")))),
        }
    }
}

/// The value of a member already checked with [`Violations::not_null`]; should it be
/// missing after all, the error is the one `not_null` reports.
pub fn required<T>(value: Option<T>, path: &str) -> Result<T> {
    value.ok_or_else(|| {
        Error::validation(format!(
            "1 validation error detected: Value null at '{path}' failed to satisfy constraint: Member must not be null"
        ))
    })
}

/// DynamoDB's rules for expression parameters: none together with a legacy parameter,
/// and no placeholder map without an expression that can use it. `expressions` and
/// `legacy` pair each parameter's name with whether the request has it, in the order
/// DynamoDB's messages list them. A ProjectionExpression takes names but no values.
pub fn check_expression_mix<'a>(
    expressions: &[(&'a str, bool)],
    legacy: &[(&'a str, bool)],
    names_given: bool,
    values_given: bool,
) -> Result<()> {
    let present = |parameters: &[(&'a str, bool)]| -> Vec<&'a str> {
        parameters.iter().filter(|(_, given)| *given).map(|(name, _)| *name).collect()
    };
    let (used, used_legacy) = (present(expressions), present(legacy));
    if !used.is_empty() && !used_legacy.is_empty() {
        return Err(Error::validation(format!(
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {{{}}} Expression parameters: {{{}}}",
            used_legacy.join(", "),
            used.join(", ")
        )));
    }
    if names_given && used.is_empty() {
        return Err(Error::validation("ExpressionAttributeNames can only be specified when using expressions"));
    }
    let value_users: Vec<&(&str, bool)> =
        expressions.iter().filter(|(name, _)| *name != "ProjectionExpression").collect();
    if values_given && value_users.iter().all(|(_, given)| !given) {
        let names: Vec<&str> = value_users.iter().map(|(name, _)| *name).collect();
        let verb = if names.len() > 1 { "are" } else { "is" };
        return Err(Error::validation(format!(
            "ExpressionAttributeValues can only be specified when using expressions: {} {verb} null",
            names.join(" and ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_violation_reads_like_dynamodb() {
        let mut violations = Violations::default();
        violations.table_name(&None, "tableName");
        assert_eq!(
            violations.finish().unwrap_err().message,
            "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn several_violations_are_counted_and_joined() {
        let mut violations = Violations::default();
        violations.table_name(&Some("a!".to_string()), "tableName");
        let message = violations.finish().unwrap_err().message;
        assert!(message.starts_with("2 validation errors detected: Value 'a!' at 'tableName'"), "{message}");
        assert!(message.contains("; Value 'a!' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"));
    }
}
