//! PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy: the resource-based
//! policy of a table, with its RevisionId for conditional updates. The document is
//! validated by the api layer; it is evaluated with the principal's identity policies
//! by `api::access`.

use crate::engine::{table_not_found, Engine, ResourcePolicy, Table};
use crate::error::{Error, ErrorKind, Result};

/// The ExpectedRevisionId that asks for no policy to exist yet.
pub const NO_POLICY: &str = "NO_POLICY";

impl Engine {
    /// The table a resource policy request's ResourceArn names; stream ARNs are refused.
    pub fn table_for_policy(&self, arn: &str) -> Result<&Table> {
        if arn.contains("/stream/") {
            crate::bail_validation!("Dynaplay does not support resource-based policies on streams yet");
        }
        let name = Engine::arn_table_name(arn)?;
        self.table(name).ok_or_else(|| table_not_found(name))
    }

    /// The table's policy, or DynamoDB's PolicyNotFoundException.
    pub fn resource_policy(&self, arn: &str) -> Result<&ResourcePolicy> {
        self.table_for_policy(arn)?.meta.resource_policy.as_ref().ok_or_else(|| policy_not_found(arn))
    }

    /// Attaches `document` to the table (replacing its policy); the RevisionId. The same
    /// document again keeps its revision and changes nothing.
    pub fn put_resource_policy(&mut self, arn: &str, document: String, expected: Option<&str>) -> Result<String> {
        let table = self.table_for_policy(arn)?;
        let current = table.meta.resource_policy.as_ref();
        check_expected(&table.meta.name, arn, current, expected, true)?;
        if let Some(current) = current.filter(|current| current.document == document) {
            return Ok(current.revision_id.clone());
        }
        let revision = next_revision(current);
        let mut meta = table.meta.clone();
        meta.resource_policy = Some(ResourcePolicy { document, revision_id: revision.clone() });
        self.replace_meta(meta)?;
        Ok(revision)
    }

    /// Removes the table's policy; the RevisionId it had.
    pub fn delete_resource_policy(&mut self, arn: &str, expected: Option<&str>) -> Result<String> {
        let table = self.table_for_policy(arn)?;
        let current = table.meta.resource_policy.as_ref();
        check_expected(&table.meta.name, arn, current, expected, false)?;
        let revision = current.ok_or_else(|| policy_not_found(arn))?.revision_id.clone();
        let mut meta = table.meta.clone();
        meta.resource_policy = None;
        self.replace_meta(meta)?;
        Ok(revision)
    }
}

impl ResourcePolicy {
    /// A table's first policy (given to CreateTable).
    pub fn first(document: String) -> ResourcePolicy {
        ResourcePolicy { document, revision_id: next_revision(None) }
    }
}

/// The RevisionId after `current`'s: a counter rather than AWS's timestamp-like number,
/// so that the same requests give the same revisions on any clock (docs/differences.md).
fn next_revision(current: Option<&ResourcePolicy>) -> String {
    let previous = current.and_then(|current| current.revision_id.parse::<u64>().ok());
    previous.map_or(1, |revision| revision + 1).to_string()
}

/// Refuses a mutation whose ExpectedRevisionId is not the current policy's revision
/// (`NO_POLICY`, for a put, asks that there be none).
fn check_expected(
    table: &str,
    arn: &str,
    current: Option<&ResourcePolicy>,
    expected: Option<&str>,
    put: bool,
) -> Result<()> {
    let prefix = "Resource-based policy not found for the provided ResourceArn";
    match (expected, current) {
        (None, _) => Ok(()),
        (Some(NO_POLICY), None) if put => Ok(()),
        (Some(NO_POLICY), Some(current)) if put => Err(Error::new(
            ErrorKind::PolicyNotFound,
            format!(
                "{prefix}: Requested policy update expecting none to be present for table {table}, but a policy exists with revision id {}.",
                current.revision_id
            ),
        )),
        (Some(expected), Some(current)) if expected == current.revision_id => Ok(()),
        (Some(expected), Some(current)) => Err(Error::new(
            ErrorKind::PolicyNotFound,
            format!(
                "{prefix}: Requested update for policy with revision id {expected}, but the policy associated to target table {table} has revision id {}.",
                current.revision_id
            ),
        )),
        (Some(_), None) => Err(policy_not_found(arn)),
    }
}

/// PolicyNotFoundException for a resource without a policy.
pub fn policy_not_found(arn: &str) -> Error {
    Error::new(
        ErrorKind::PolicyNotFound,
        format!("Resource-based policy not found for the provided ResourceArn: {arn}"),
    )
}
