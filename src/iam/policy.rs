//! IAM policy documents as AWS writes them: parsing and validation into [`Policy`].
//!
//! A document is JSON text with `Version`, optional `Id`, and `Statement` (one object or
//! an array). Each statement has `Effect`, `Action` or `NotAction`, `Resource` or
//! `NotResource` (identity policies), `Principal` (resource policies), an optional
//! `Sid` and an optional `Condition` block `{operator: {key: value or [values]}}`.
//! Anything else is refused with IAM's wording where it is known
//! (docs/compatibility.md lists the unconfirmed ones).

use crate::model::{sort_stable_by, CompactCollect};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// The policy language versions IAM accepts; only 2012-10-17 has policy variables.
pub const CURRENT_VERSION: &str = "2012-10-17";
const LEGACY_VERSION: &str = "2008-10-17";

/// Which kind of policy a document is, which decides whether it names a principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// Attached to a principal: must not name a principal, must name resources.
    Identity,
    /// Attached to a table: must name the principals it applies to.
    Resource,
}

/// A validated policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Whether `${...}` policy variables are expanded (Version 2012-10-17).
    pub variables: bool,
    pub statements: Vec<Statement>,
}

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The statement grants what it matches.
    Allow,
    /// The statement refuses what it matches, whatever else allows it.
    Deny,
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    /// Who a resource policy's statement applies to; None in identity policies.
    pub principal: Option<Principals>,
    pub actions: Patterns,
    /// None when a resource policy's statement names no resource (the one it is on).
    pub resources: Option<Patterns>,
    pub conditions: Vec<Condition>,
}

/// The patterns of `Action`/`Resource`, or of `NotAction`/`NotResource` (`negated`).
#[derive(Debug, Clone, PartialEq)]
pub struct Patterns {
    pub values: Vec<String>,
    pub negated: bool,
}

/// The `Principal` element of a resource policy statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Principals {
    /// `"*"` or `{"AWS": "*"}`: everyone.
    Everyone,
    /// `{"AWS": [...]}`: user ARNs, account ids or account root ARNs.
    Aws(Vec<String>),
}

/// How a condition compares each request value with the policy's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// Exact, case-sensitive match with one of the values.
    StringEquals,
    /// Matches none of the values exactly.
    StringNotEquals,
    /// Case-insensitive match with one of the values.
    StringEqualsIgnoreCase,
    /// Case-insensitively matches none of the values.
    StringNotEqualsIgnoreCase,
    /// Matches one of the values with `*` and `?` wildcards.
    StringLike,
    /// Matches none of the values with wildcards.
    StringNotLike,
}

impl Operator {
    fn from_name(name: &str) -> Option<Operator> {
        Some(match name {
            "StringEquals" => Operator::StringEquals,
            "StringNotEquals" => Operator::StringNotEquals,
            "StringEqualsIgnoreCase" => Operator::StringEqualsIgnoreCase,
            "StringNotEqualsIgnoreCase" => Operator::StringNotEqualsIgnoreCase,
            "StringLike" => Operator::StringLike,
            "StringNotLike" => Operator::StringNotLike,
            _ => return None,
        })
    }

    /// Whether the operator is satisfied by values that match none of the policy's.
    pub fn is_negated(self) -> bool {
        matches!(self, Operator::StringNotEquals | Operator::StringNotEqualsIgnoreCase | Operator::StringNotLike)
    }
}

/// How a condition treats a key with several values in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    /// No qualifier: the key is compared as one value (any of its values may match).
    Single,
    /// `ForAllValues:`: every request value must satisfy the operator (true when there
    /// are none).
    ForAllValues,
    /// `ForAnyValue:`: at least one request value must satisfy the operator.
    ForAnyValue,
}

/// One `operator: {key: values}` entry of a `Condition` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub qualifier: SetQualifier,
    pub operator: Operator,
    /// `...IfExists`: true when the request has no value for the key.
    pub if_exists: bool,
    /// The condition key, as written (keys compare case-insensitively).
    pub key: String,
    pub values: Vec<String>,
}

/// Why a document is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub String);

type Parsed<T> = Result<T, PolicyError>;

fn refuse<T>(message: &str) -> Parsed<T> {
    Err(PolicyError(message.to_string()))
}

/// Parses and validates a policy document given as JSON text.
pub fn parse(text: &str, kind: PolicyKind) -> Parsed<Policy> {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => from_value(&value, kind),
        Err(_) => refuse("This policy contains invalid Json"),
    }
}

/// How many documents of each kind [`parse_shared`] keeps before it starts afresh.
const KEPT_DOCUMENTS: usize = 64;

/// The documents [`parse_shared`] parsed, by their text: identity and resource policies.
#[derive(Default)]
struct ParsedDocuments {
    identity: HashMap<String, Rc<Policy>>,
    resource: HashMap<String, Rc<Policy>>,
}

impl ParsedDocuments {
    fn of_kind(&mut self, kind: PolicyKind) -> &mut HashMap<String, Rc<Policy>> {
        match kind {
            PolicyKind::Identity => &mut self.identity,
            PolicyKind::Resource => &mut self.resource,
        }
    }
}

thread_local! {
    static PARSED: RefCell<ParsedDocuments> = RefCell::default();
}

/// [`parse`] for the documents every request of a principal reads again (its identity
/// policies and the tables' resource policies), which seldom change: each text is
/// parsed once and shared. A document refused is parsed again each time.
pub fn parse_shared(text: &str, kind: PolicyKind) -> Parsed<Rc<Policy>> {
    if let Some(policy) = PARSED.with(|parsed| parsed.borrow_mut().of_kind(kind).get(text).cloned()) {
        return Ok(policy);
    }
    let policy = Rc::new(parse(text, kind)?);
    PARSED.with(|parsed| {
        let mut parsed = parsed.borrow_mut();
        let documents = parsed.of_kind(kind);
        if documents.len() >= KEPT_DOCUMENTS {
            documents.clear();
        }
        documents.insert(text.to_string(), Rc::clone(&policy));
    });
    Ok(policy)
}

/// Validates a policy document already parsed as JSON.
pub fn from_value(value: &Value, kind: PolicyKind) -> Parsed<Policy> {
    let Some(document) = value.as_object() else { return refuse("This policy contains invalid Json") };
    if document.keys().any(|key| !matches!(key.as_str(), "Version" | "Id" | "Statement")) {
        return refuse("Syntax errors in policy.");
    }
    let variables = match document.get("Version") {
        None => false,
        Some(Value::String(version)) if version == CURRENT_VERSION => true,
        Some(Value::String(version)) if version == LEGACY_VERSION => false,
        Some(_) => return refuse("The policy failed legacy parsing"),
    };
    let statements = match document.get("Statement") {
        Some(Value::Array(statements)) if !statements.is_empty() => statements.iter().collect(),
        Some(statement @ Value::Object(_)) => vec![statement],
        _ => return refuse("Syntax errors in policy."),
    };
    let statements = statements.into_iter().map(|statement| parse_statement(statement, kind)).try_collect_vec()?;
    let mut sids: Vec<&str> = statements.iter().filter_map(|statement| statement.sid.as_deref()).collect();
    // Only to find equal neighbours: the shared stable sort does as well as an unstable one.
    sort_stable_by(&mut sids, Ord::cmp);
    if sids.windows(2).any(|pair| pair[0] == pair[1]) {
        return refuse("Statement IDs (SID) in a single policy must be unique.");
    }
    Ok(Policy { variables, statements })
}

fn parse_statement(value: &Value, kind: PolicyKind) -> Parsed<Statement> {
    let Some(statement) = value.as_object() else { return refuse("Syntax errors in policy.") };
    const MEMBERS: [&str; 9] =
        ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];
    if statement.keys().any(|key| !MEMBERS.contains(&key.as_str())) || statement.contains_key("NotPrincipal") {
        return refuse("Syntax errors in policy.");
    }
    let sid = match statement.get("Sid") {
        None => None,
        Some(Value::String(sid)) if sid.chars().all(|c| c.is_ascii_alphanumeric()) => Some(sid.clone()),
        Some(_) => return refuse("Statement IDs (SID) must be alpha-numeric."),
    };
    let effect = match statement.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(_) => return refuse("Syntax errors in policy."),
        None => return refuse("Missing required field Effect."),
    };
    let principal = match (kind, statement.get("Principal")) {
        (PolicyKind::Identity, Some(_)) => return refuse("Policy document should not specify a principal."),
        (PolicyKind::Identity, None) => None,
        (PolicyKind::Resource, None) => return refuse("Policy statement must contain a principal."),
        (PolicyKind::Resource, Some(principal)) => Some(parse_principal(principal)?),
    };
    let actions = match pair(statement, "Action", "NotAction")? {
        Some(actions) => actions,
        None => return refuse("Policy statement must contain actions."),
    };
    if actions.values.iter().any(|action| action != "*" && !action.contains(':')) {
        return refuse("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
    }
    let resources = pair(statement, "Resource", "NotResource")?;
    if resources.is_none() && kind == PolicyKind::Identity {
        return refuse("Policy statement must contain resources.");
    }
    if let Some(bad) = resources.iter().flat_map(|resources| &resources.values).find(|arn| !is_resource_pattern(arn)) {
        return Err(PolicyError(format!("Resource {bad} must be in ARN format or \"*\".")));
    }
    let conditions = match statement.get("Condition") {
        None => Vec::new(),
        Some(block) => parse_conditions(block)?,
    };
    Ok(Statement { sid, effect, principal, actions, resources, conditions })
}

fn is_resource_pattern(arn: &str) -> bool {
    arn == "*" || (arn.starts_with("arn:") && arn.splitn(6, ':').count() == 6)
}

/// The patterns of `name` or `not_name`, refusing both at once; None when neither.
fn pair(statement: &Map<String, Value>, name: &str, not_name: &str) -> Parsed<Option<Patterns>> {
    match (statement.get(name), statement.get(not_name)) {
        (Some(_), Some(_)) => refuse("Syntax errors in policy."),
        (Some(value), None) => Ok(Some(Patterns { values: strings(value)?, negated: false })),
        (None, Some(value)) => Ok(Some(Patterns { values: strings(value)?, negated: true })),
        (None, None) => Ok(None),
    }
}

/// A string or a non-empty array of strings.
fn strings(value: &Value) -> Parsed<Vec<String>> {
    match value {
        Value::String(text) => Ok(vec![text.clone()]),
        Value::Array(values) if !values.is_empty() => values
            .iter()
            .map(|value| {
                value.as_str().map(str::to_string).ok_or_else(|| PolicyError("Syntax errors in policy.".into()))
            })
            .try_collect_vec(),
        _ => refuse("Syntax errors in policy."),
    }
}

fn parse_principal(value: &Value) -> Parsed<Principals> {
    match value {
        Value::String(star) if star == "*" => Ok(Principals::Everyone),
        Value::Object(members) if members.len() == 1 => match members.get("AWS") {
            Some(Value::String(star)) if star == "*" => Ok(Principals::Everyone),
            Some(aws) => Ok(Principals::Aws(strings(aws)?)),
            None => refuse("Invalid principal in policy document."),
        },
        _ => refuse("Invalid principal in policy document."),
    }
}

fn parse_conditions(block: &Value) -> Parsed<Vec<Condition>> {
    let Some(operators) = block.as_object() else { return refuse("Syntax errors in policy.") };
    let mut conditions = Vec::new();
    for (name, keys) in operators {
        let (qualifier, rest) = match name.split_once(':') {
            Some(("ForAllValues", rest)) => (SetQualifier::ForAllValues, rest),
            Some(("ForAnyValue", rest)) => (SetQualifier::ForAnyValue, rest),
            Some(_) => return refuse("Syntax errors in policy."),
            None => (SetQualifier::Single, name.as_str()),
        };
        let (rest, if_exists) = match rest.strip_suffix("IfExists") {
            Some(rest) => (rest, true),
            None => (rest, false),
        };
        let Some(operator) = Operator::from_name(rest) else { return refuse("Syntax errors in policy.") };
        let Some(keys) = keys.as_object() else { return refuse("Syntax errors in policy.") };
        for (key, values) in keys {
            if !key.contains(':') {
                return refuse("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
            }
            let values = condition_values(values)?;
            conditions.push(Condition { qualifier, operator, if_exists, key: key.clone(), values });
        }
    }
    Ok(conditions)
}

/// A condition's values: strings, numbers or booleans, alone or in an array.
fn condition_values(value: &Value) -> Parsed<Vec<String>> {
    let scalar = |value: &Value| match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        _ => refuse("Syntax errors in policy."),
    };
    match value {
        Value::Array(values) if !values.is_empty() => values.iter().map(scalar).try_collect_vec(),
        Value::Array(_) => refuse("Syntax errors in policy."),
        value => Ok(vec![scalar(value)?]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str, kind: PolicyKind) -> String {
        parse(text, kind).expect_err("refused").0
    }

    #[test]
    fn statements_may_be_one_object_or_an_array() {
        let one =
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}}"#;
        let policy = parse(one, PolicyKind::Identity).unwrap();
        assert!(policy.variables);
        assert_eq!(policy.statements[0].actions.values, vec!["dynamodb:GetItem"]);
        let many = r#"{"Statement":[{"Sid":"A","Effect":"Deny","NotAction":["dynamodb:Get*"],"NotResource":"*",
            "Condition":{"ForAllValues:StringLikeIfExists":{"dynamodb:Attributes":["a","b"]}}}]}"#;
        let statement = &parse(many, PolicyKind::Identity).unwrap().statements[0];
        assert!(statement.actions.negated && statement.resources.as_ref().unwrap().negated);
        let condition = &statement.conditions[0];
        assert_eq!(
            (condition.qualifier, condition.operator, condition.if_exists),
            (SetQualifier::ForAllValues, Operator::StringLike, true)
        );
    }

    #[test]
    fn a_document_parsed_again_is_shared() {
        let text = r#"{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}}"#;
        let first = parse_shared(text, PolicyKind::Identity).unwrap();
        let again = parse_shared(text, PolicyKind::Identity).unwrap();
        assert!(Rc::ptr_eq(&first, &again));
        assert_eq!(*first, parse(text, PolicyKind::Identity).unwrap());
        let refused = parse_shared(text, PolicyKind::Resource).expect_err("a resource policy names a principal");
        assert_eq!(refused.0, "Policy statement must contain a principal.");
    }

    #[test]
    fn malformed_documents_are_refused() {
        let identity = PolicyKind::Identity;
        assert_eq!(error("not json", identity), "This policy contains invalid Json");
        assert_eq!(error(r#"{"Statement":[]}"#, identity), "Syntax errors in policy.");
        assert_eq!(error(r#"{"Version":"2020-01-01","Statement":{}}"#, identity), "The policy failed legacy parsing");
        let no_effect = r#"{"Statement":{"Action":"dynamodb:*","Resource":"*"}}"#;
        assert_eq!(error(no_effect, identity), "Missing required field Effect.");
        let principal = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"dynamodb:*","Resource":"*"}}"#;
        assert_eq!(error(principal, identity), "Policy document should not specify a principal.");
        let no_vendor = r#"{"Statement":{"Effect":"Allow","Action":"GetItem","Resource":"*"}}"#;
        assert!(error(no_vendor, identity).starts_with("Actions/Conditions must be prefaced by a vendor"));
        let no_resource = r#"{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem"}}"#;
        assert_eq!(error(no_resource, identity), "Policy statement must contain resources.");
        let bad_operator = r#"{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*",
            "Condition":{"NumericEquals":{"dynamodb:Select":"1"}}}}"#;
        assert_eq!(error(bad_operator, identity), "Syntax errors in policy.");
        let twice = r#"{"Statement":[{"Sid":"A","Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"},
            {"Sid":"A","Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}]}"#;
        assert_eq!(error(twice, identity), "Statement IDs (SID) in a single policy must be unique.");
        let no_principal = r#"{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem"}}"#;
        assert_eq!(error(no_principal, PolicyKind::Resource), "Policy statement must contain a principal.");
    }
}
