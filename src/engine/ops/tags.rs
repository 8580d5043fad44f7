//! TagResource, UntagResource and ListTagsOfResource: tags on tables, which requests name
//! by table ARN.

use crate::engine::{Engine, Table, ACCOUNT_ID};
use crate::error::{Error, ErrorKind, Result};
use crate::region;

impl Engine {
    /// The most tags one table may carry.
    pub const MAX_TAGS: usize = 50;

    /// The table name in a tagging request's ResourceArn, with DynamoDB's errors for ARNs
    /// that are malformed, name something other than a table, or name another account or
    /// Region.
    pub fn arn_table_name(arn: &str) -> Result<&str> {
        if !arn.starts_with("arn:") {
            return Err(arn_error(arn, ArnProblem::Scheme));
        }
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [_, partition, service, region, account, resource] = parts[..] else {
            return Err(arn_error(arn, ArnProblem::NotDynamoDb));
        };
        let table_path = resource.strip_prefix("table/").filter(|_| service == "dynamodb");
        let Some((name, sub_resource)) = table_path.map(|path| path.split_once('/').unwrap_or((path, ""))) else {
            return Err(arn_error(arn, ArnProblem::NotDynamoDb));
        };
        match sub_resource.split('/').next() {
            Some("") => {}
            Some("index") => return Err(arn_error(arn, ArnProblem::Index)),
            // Tables have no streams yet, so a stream ARN names nothing that exists.
            Some("stream") => return Err(arn_not_found(arn)),
            _ => return Err(arn_error(arn, ArnProblem::NotDynamoDb)),
        }
        if partition != "aws" || region != region::current() || account != ACCOUNT_ID || !is_table_name(name) {
            return Err(arn_error(arn, ArnProblem::Elsewhere));
        }
        Ok(name)
    }

    /// The table a tagging request's ResourceArn names.
    pub fn table_by_arn(&self, arn: &str) -> Result<&Table> {
        let name = Engine::arn_table_name(arn)?;
        self.tables.get(name).ok_or_else(|| arn_not_found(arn))
    }

    /// Adds tags to a table, replacing the values of keys it already has.
    pub fn tag_table(&mut self, arn: &str, tags: Vec<(String, String)>) -> Result<()> {
        let mut meta = self.table_by_arn(arn)?.meta.clone();
        for (key, value) in tags {
            match meta.tags.iter_mut().find(|(existing, _)| *existing == key) {
                Some(tag) => tag.1 = value,
                None => meta.tags.push((key, value)),
            }
        }
        check_tag_count(meta.tags.len())?;
        self.replace_meta(meta).map(drop)
    }

    /// Removes tags from a table by key; keys it does not have are ignored.
    pub fn untag_table(&mut self, arn: &str, keys: &[String]) -> Result<()> {
        check_tag_count(keys.len())?;
        let mut meta = self.table_by_arn(arn)?.meta.clone();
        meta.tags.retain(|(key, _)| !keys.contains(key));
        self.replace_meta(meta).map(drop)
    }
}

/// Refuses more tags (or tag keys) than a table may carry.
pub(super) fn check_tag_count(count: usize) -> Result<()> {
    if count > Engine::MAX_TAGS {
        crate::bail_validation!("Number of Tags exceed the current limit for the provided ResourceArn");
    }
    Ok(())
}

/// What is wrong with a ResourceArn.
enum ArnProblem {
    /// It does not start with `arn:`.
    Scheme,
    /// It is not the ARN of a DynamoDB table (or of something under one).
    NotDynamoDb,
    /// It names an index, which cannot carry tags.
    Index,
    /// It names a table of another partition, Region or account, or an invalid name.
    Elsewhere,
}

fn arn_error(arn: &str, problem: ArnProblem) -> Error {
    let invalid = "One or more parameter values were invalid";
    Error::validation(match problem {
        ArnProblem::Scheme => format!("{invalid}: ARNs must start with 'arn:': {arn}"),
        ArnProblem::NotDynamoDb => format!("{invalid}: Provided Arn is not a DynamoDB resource arn: {arn}"),
        ArnProblem::Index => {
            format!("{invalid}: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: {arn}")
        }
        ArnProblem::Elsewhere => format!("Invalid TableArn: Invalid ResourceArn provided as input {arn}"),
    })
}

fn arn_not_found(arn: &str) -> Error {
    Error::new(ErrorKind::ResourceNotFound, format!("Requested resource not found: ResourceArn: {arn} not found"))
}

/// DynamoDB's table name rule: 3 to 255 characters of `[a-zA-Z0-9_.-]` (what
/// `Violations::table_name` checks, answered without building its messages).
pub(crate) fn is_table_name(name: &str) -> bool {
    (3..=255).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::table_arn;

    fn message(arn: &str) -> String {
        Engine::arn_table_name(arn).unwrap_err().message
    }

    #[test]
    fn a_table_arn_names_its_table() {
        assert_eq!(Engine::arn_table_name(&table_arn("Music")), Ok("Music"));
    }

    #[test]
    fn malformed_arns_are_refused_as_dynamodb_does() {
        assert!(message("Music").contains("ARNs must start with 'arn:': Music"));
        assert!(message("arn:aws:s3:::bucket").contains("not a DynamoDB resource arn"));
        assert!(message(&format!("{}/backup/01", table_arn("Music"))).contains("not a DynamoDB resource arn"));
        assert!(message(&format!("{}/index/byYear", table_arn("Music"))).contains("only table or stream is accepted"));
        assert!(message("arn:aws:dynamodb:eu-west-1:000000000000:table/Music").starts_with("Invalid TableArn"));
        assert!(message(&table_arn("ab")).starts_with("Invalid TableArn"));
    }
}
