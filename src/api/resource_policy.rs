//! PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy on the wire: a table's
//! resource-based policy (docs/access-control.md), validated as a resource policy and
//! checked so that a principal does not lock itself out by accident.

use crate::api::access::{self, Caller};
use crate::api::render;
use crate::api::validate::{required, Violations};
use crate::engine::{Engine, ACCOUNT_ID};
use crate::error::{Error, ErrorKind, Result};
use crate::iam::policy::Principals;
use crate::iam::{self, PolicyKind};
use crate::json::json;

/// The largest policy document DynamoDB accepts, whitespace included.
const MAX_POLICY_BYTES: usize = 20 * 1024;
/// The longest ResourceArn.
const MAX_ARN_CHARS: usize = 1283;

crate::api::reader::request! {
    pub struct PutResourcePolicyRequest {
        "ResourceArn" => resource_arn: String,
        "Policy" => policy: String,
        "ExpectedRevisionId" => expected_revision_id: String,
        "ConfirmRemoveSelfResourceAccess" => confirm_remove_self_resource_access: bool,
    }
}

crate::api::reader::request! {
    pub struct GetResourcePolicyRequest {
        "ResourceArn" => resource_arn: String,
    }
}

crate::api::reader::request! {
    pub struct DeleteResourcePolicyRequest {
        "ResourceArn" => resource_arn: String,
        "ExpectedRevisionId" => expected_revision_id: String,
    }
}

pub fn put_resource_policy(engine: &mut Engine, request: PutResourcePolicyRequest, caller: &Caller) -> Result<String> {
    let mut violations = Violations::default();
    violations.not_null(&request.resource_arn, "resourceArn");
    violations.length(&request.resource_arn, "resourceArn", 1, MAX_ARN_CHARS);
    violations.not_null(&request.policy, "policy");
    violations.length(&request.expected_revision_id, "expectedRevisionId", 1, 255);
    violations.finish()?;
    let arn = required(request.resource_arn, "resourceArn")?;
    let document = required(request.policy, "policy")?;
    engine.table_for_policy(&arn)?;
    let policy = checked(engine, &document)?;
    let confirmed = request.confirm_remove_self_resource_access.unwrap_or(false);
    if !confirmed && access::locks_out(caller, &arn, &policy) {
        return Err(Error::new(
            ErrorKind::AccessDenied,
            "The new resource policy will not allow you to update the resource policy in the future.",
        ));
    }
    let revision = engine.put_resource_policy(&arn, document, request.expected_revision_id.as_deref())?;
    render(&json!({ "RevisionId": revision }))
}

pub fn get_resource_policy(engine: &mut Engine, request: GetResourcePolicyRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.not_null(&request.resource_arn, "resourceArn");
    violations.length(&request.resource_arn, "resourceArn", 1, MAX_ARN_CHARS);
    violations.finish()?;
    let policy = engine.resource_policy(&required(request.resource_arn, "resourceArn")?)?;
    render(&json!({ "Policy": policy.document, "RevisionId": policy.revision_id }))
}

pub fn delete_resource_policy(engine: &mut Engine, request: DeleteResourcePolicyRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.not_null(&request.resource_arn, "resourceArn");
    violations.length(&request.resource_arn, "resourceArn", 1, MAX_ARN_CHARS);
    violations.length(&request.expected_revision_id, "expectedRevisionId", 1, 255);
    violations.finish()?;
    let arn = required(request.resource_arn, "resourceArn")?;
    let revision = engine.delete_resource_policy(&arn, request.expected_revision_id.as_deref())?;
    render(&json!({ "RevisionId": revision }))
}

/// A resource policy document (of PutResourcePolicy or CreateTable) validated: its size,
/// its statements, its principals.
pub fn checked(engine: &Engine, document: &str) -> Result<iam::Policy> {
    if document.len() > MAX_POLICY_BYTES {
        return Err(Error::new(
            ErrorKind::LimitExceeded,
            format!(
                "Resource-based policy document size {} exceeds the maximum of {MAX_POLICY_BYTES} bytes",
                document.len()
            ),
        ));
    }
    let policy = iam::parse(document, PolicyKind::Resource).map_err(invalid_policy)?;
    check_principals(engine, &policy)?;
    Ok(policy)
}

/// Refuses a policy naming a principal that does not exist: principals are the
/// account (its id or root ARN), its users' ARNs, or `*`.
fn check_principals(engine: &Engine, policy: &iam::Policy) -> Result<()> {
    let account_root = format!("arn:aws:iam::{ACCOUNT_ID}:root");
    let exists = |name: &String| {
        *name == ACCOUNT_ID || *name == account_root || engine.principals().any(|principal| principal.arn() == *name)
    };
    for statement in &policy.statements {
        if let Some(Principals::Aws(names)) = &statement.principal {
            if !names.iter().all(exists) {
                return Err(invalid_policy(iam::PolicyError("Invalid principal in policy document.".into())));
            }
        }
    }
    Ok(())
}

/// A resource policy that is not a valid document, as a ValidationException.
fn invalid_policy(error: iam::PolicyError) -> Error {
    Error::validation(format!("One or more parameter values were invalid: {}", error.0))
}
