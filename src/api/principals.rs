//! Dynaplay's operations on principals (simulated IAM users, docs/access-control.md):
//! PutPrincipal, GetPrincipal, ListPrincipals, DeletePrincipal, and
//! SimulatePrincipalPolicy, which tells for a request which statements allow or deny
//! each action it performs, without running it.

use crate::api::access;
use crate::api::render;
use crate::api::validate::{required, Violations};
use crate::engine::principals::{InlinePolicy, Principal};
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::iam::{self, Decision, Effect, PolicyKind, Source};
use crate::json::{self, json};
use crate::model::CompactCollect;
use serde_json::Value;

/// IAM's user name rule: 1 to 64 characters of `[\w+=,.@-]`.
const MAX_NAME_CHARS: usize = 64;
/// IAM's limit on a user's inline policies, in total characters of their documents.
const MAX_POLICY_CHARS: usize = 2048 * 5;

crate::api::reader::request! {
    pub struct PutPrincipalRequest deny_unknown_fields {
        "Name" => name: String,
        "AccessKeyId" => access_key_id: String,
        "Policies" => policies: Vec<PolicyInput>,
    }
}

crate::api::reader::request! {
    struct PolicyInput deny_unknown_fields {
        "PolicyName" => policy_name: String,
        /// JSON text as IAM takes it, or (for convenience) the document as an object.
        "PolicyDocument" => policy_document: Value,
    }
}

crate::api::reader::request! {
    pub struct NameRequest deny_unknown_fields {
        "Name" => name: String,
    }
}

crate::api::reader::request! {
    pub struct SimulateRequest deny_unknown_fields {
        "PrincipalName" => principal_name: String,
        "Operation" => operation: String,
        /// The request body, as JSON text or an object.
        "Request" => request: Value,
    }
}

/// Creates or replaces a principal and its policies.
pub fn put_principal(engine: &mut Engine, request: PutPrincipalRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.not_null(&request.name, "name");
    violations.length(&request.name, "name", 1, MAX_NAME_CHARS);
    violations.length(&request.access_key_id, "accessKeyId", 16, 128);
    violations.finish()?;
    let name = required(request.name, "name")?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)) {
        return Err(Error::validation(format!(
            "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
        )));
    }
    let access_key_id = request.access_key_id;
    if let Some(other) = access_key_id.as_deref().and_then(|key| engine.principal_by_access_key(key)) {
        if other.name != name {
            return Err(Error::validation(format!("Access key is already used by principal {}", other.name)));
        }
    }
    let policies = request.policies.unwrap_or_default().into_iter().map(inline_policy).try_collect_vec()?;
    let total: usize = policies.iter().map(|policy| policy.policy_document.chars().count()).sum();
    if total > MAX_POLICY_CHARS {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            format!("Maximum policy size of {MAX_POLICY_CHARS} bytes exceeded for user {name}"),
        ));
    }
    let principal = Principal { name, access_key_id, policies };
    let body = principal_json(&principal);
    engine.put_principal(principal);
    render(&json!({ "Principal": body }))
}

/// One named policy, its document validated as an identity policy.
fn inline_policy(input: PolicyInput) -> Result<InlinePolicy> {
    let policy_name = required(input.policy_name, "policies.member.policyName")?;
    let document = match required(input.policy_document, "policies.member.policyDocument")? {
        Value::String(text) => text,
        object @ Value::Object(_) => json::text(&object),
        _ => return Err(malformed("This policy contains invalid Json")),
    };
    iam::parse(&document, PolicyKind::Identity).map_err(|error| malformed(&error.0))?;
    Ok(InlinePolicy { policy_name, policy_document: document })
}

fn malformed(message: &str) -> Error {
    Error::new(ErrorKind::MalformedPolicyDocument, message)
}

fn no_such_principal(name: &str) -> Error {
    Error::new(ErrorKind::NoSuchEntity, format!("The user with name {name} cannot be found."))
}

fn principal_json(principal: &Principal) -> Value {
    let policies: Vec<Value> = principal
        .policies
        .iter()
        .map(|policy| json!({"PolicyName": policy.policy_name, "PolicyDocument": policy.policy_document}))
        .collect();
    let mut body = json!({"Name": principal.name, "Arn": principal.arn(), "Policies": policies});
    if let Some(key) = &principal.access_key_id {
        body["AccessKeyId"] = json!(key);
    }
    body
}

pub fn get_principal(engine: &mut Engine, request: NameRequest) -> Result<String> {
    let name = required(request.name, "name")?;
    let principal = engine.principal(&name).ok_or_else(|| no_such_principal(&name))?;
    render(&json!({ "Principal": principal_json(principal) }))
}

pub fn list_principals(engine: &mut Engine) -> Result<String> {
    let principals: Vec<Value> = engine.principals().map(principal_json).collect();
    render(&json!({ "Principals": principals }))
}

pub fn delete_principal(engine: &mut Engine, request: NameRequest) -> Result<String> {
    let name = required(request.name, "name")?;
    match engine.delete_principal(&name) {
        true => render(&json!({})),
        false => Err(no_such_principal(&name)),
    }
}

/// For each action the request would perform: the decision and the statements that
/// applied, in the shape of IAM's SimulatePrincipalPolicy.
pub fn simulate(engine: &mut Engine, request: SimulateRequest) -> Result<String> {
    let name = required(request.principal_name, "principalName")?;
    let operation = required(request.operation, "operation")?;
    let body = match request.request {
        Some(Value::String(text)) => text,
        Some(value) => json::text(&value),
        None => "{}".to_string(),
    };
    let identity = access::Identity::of(engine.principal(&name).ok_or_else(|| no_such_principal(&name))?);
    let checks = match operation.strip_prefix("DynamoDBStreams_20120810.") {
        Some(stream_operation) => access::stream_checks(stream_operation, &body),
        None => access::checks(engine, &operation, &body),
    };
    let mut evaluator = access::Evaluator::new(engine, &identity);
    let results: Vec<Value> = checks.iter().map(|check| evaluation_json(check, &evaluator.evaluate(check))).collect();
    render(&json!({ "EvaluationResults": results }))
}

fn evaluation_json(check: &access::Check, evaluation: &iam::Evaluation) -> Value {
    let decision = match evaluation.decision {
        Decision::Allowed => "allowed",
        Decision::ImplicitDeny => "implicitDeny",
        Decision::ExplicitDeny => "explicitDeny",
    };
    let statement_json = |matched: &iam::Matched| {
        let (id, kind) = match &matched.source {
            Source::Identity(name) => (name.as_str(), "IAM Policy"),
            Source::Resource => ("ResourcePolicy", "Resource Policy"),
        };
        let effect = if matched.effect == Effect::Allow { "Allow" } else { "Deny" };
        json!({"SourcePolicyId": id, "SourcePolicyType": kind, "StatementIndex": matched.index,
               "Sid": matched.sid, "Effect": effect})
    };
    let context: Vec<Value> = check
        .context
        .entries()
        .map(|(key, values)| json!({"ContextKeyName": key, "ContextKeyValues": values}))
        .collect();
    json!({
        "EvalActionName": check.action,
        "EvalResourceName": check.resource,
        "EvalDecision": decision,
        "DecidingStatement": evaluation.deciding().map(statement_json),
        "MatchedStatements": evaluation.matched.iter().map(statement_json).collect::<Vec<_>>(),
        "ContextEntries": context,
    })
}
