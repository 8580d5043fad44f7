//! Server-side encryption settings on the wire: the SSESpecification of CreateTable and
//! UpdateTable (and ImportTable's TableCreationParameters), the SSESpecificationOverride
//! of the restores, and the SSEDescription of table and backup descriptions.
//!
//! Dynaplay has no KMS: the keys are simulated names, and nothing is encrypted by them.
//! A table without a KMS key is encrypted with an AWS owned key, which DynamoDB does not
//! describe.

use crate::api::validate::Violations;
use crate::engine::ops::scan::fnv1a;
use crate::engine::ACCOUNT_ID;
use crate::error::Result;
use crate::region;
use serde::Serialize;

const SSE_TYPES: [&str; 2] = ["AES256", "KMS"];
/// The alias of the AWS managed key for DynamoDB.
const MANAGED_KEY_ALIAS: &str = "alias/aws/dynamodb";
/// The id of the simulated AWS managed key: one fixed key, as the one account and Region
/// of every Dynaplay database have one AWS managed key for DynamoDB.
const MANAGED_KEY_ID: &str = "5a7e3b1c-0d2f-4e6a-9b8c-7d1e2f3a4b5c";

crate::api::reader::request! {
    /// An SSESpecification or SSESpecificationOverride as the request gives it.
    pub(super) struct SseSpecification {
        "Enabled" => enabled: bool,
        "SSEType" => sse_type: String,
        "KMSMasterKeyId" => kms_master_key_id: String,
    }
}

/// The SSEDescription of a table encrypted with a KMS key.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct SseDescription<'a> {
    status: &'static str,
    #[serde(rename = "SSEType")]
    sse_type: &'static str,
    #[serde(rename = "KMSMasterKeyArn")]
    kms_master_key_arn: &'a str,
}

impl<'a> SseDescription<'a> {
    /// The description of a table whose KMS key is `key_arn`, if it has one.
    pub(super) fn of(key_arn: Option<&'a str>) -> Option<Self> {
        key_arn.map(|kms_master_key_arn| SseDescription { status: "ENABLED", sse_type: "KMS", kms_master_key_arn })
    }

    /// The same with another status (UPDATING or DISABLING in UpdateTable's answer).
    pub(super) fn with_status(self, status: &'static str) -> Self {
        SseDescription { status, ..self }
    }
}

impl SseSpecification {
    /// The request framework's enum check of SSEType, at `path` (the member's path).
    pub(super) fn check_shape(violations: &mut Violations, specification: &Option<SseSpecification>, path: &str) {
        if let Some(specification) = specification {
            violations.one_of(&specification.sse_type, &format!("{path}.sSEType"), &SSE_TYPES);
        }
    }

    /// The KMS key ARN the table is to be encrypted with, or None for an AWS owned key.
    pub(super) fn key_arn(self) -> Result<Option<String>> {
        if self.enabled != Some(true) {
            if self.sse_type.is_some() {
                crate::bail_validation!(
                    "One or more parameter values were invalid: SSEType can not be specified if Enabled is false"
                );
            }
            if self.kms_master_key_id.is_some() {
                crate::bail_validation!(
                    "One or more parameter values were invalid: KMSMasterKeyId can not be specified if Enabled is false"
                );
            }
            return Ok(None);
        }
        if self.sse_type.as_deref() == Some("AES256") {
            crate::bail_validation!("One or more parameter values were invalid: SSEType AES256 is not supported");
        }
        if self.kms_master_key_id.is_some() && self.sse_type.is_none() {
            crate::bail_validation!(
                "One or more parameter values were invalid: SSEType KMS is required if KMSMasterKeyId is specified"
            );
        }
        Ok(Some(resolve_key(self.kms_master_key_id.as_deref().unwrap_or(MANAGED_KEY_ALIAS))))
    }
}

/// The key ARN of a key id, key ARN, alias name or alias ARN. With no KMS to ask, an
/// alias names a simulated key whose id is a hash of the alias name, so the same alias
/// always resolves to the same key; the AWS managed key's alias resolves to its key.
fn resolve_key(key: &str) -> String {
    let alias_arn_prefix = format!("arn:aws:kms:{}:{ACCOUNT_ID}:", region::current());
    let alias = key.strip_prefix(&alias_arn_prefix).filter(|rest| rest.starts_with("alias/")).unwrap_or(key);
    let key_id = match alias {
        MANAGED_KEY_ALIAS => MANAGED_KEY_ID.to_string(),
        arn if arn.starts_with("arn:") => return arn.to_string(),
        alias if alias.starts_with("alias/") => simulated_key_id(alias),
        key_id => key_id.to_string(),
    };
    format!("arn:aws:kms:{}:{ACCOUNT_ID}:key/{key_id}", region::current())
}

/// A UUID-shaped key id derived from an alias name.
fn simulated_key_id(alias: &str) -> String {
    let high = fnv1a(alias.as_bytes());
    let low = fnv1a(format!("{alias}#key").as_bytes());
    let hex = format!("{high:016x}{low:016x}");
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_arn(enabled: Option<bool>, sse_type: Option<&str>, key: Option<&str>) -> Result<Option<String>> {
        SseSpecification { enabled, sse_type: sse_type.map(String::from), kms_master_key_id: key.map(String::from) }
            .key_arn()
    }

    #[test]
    fn keys_resolve_to_key_arns_in_the_local_account() {
        let managed = format!("arn:aws:kms:us-east-1:000000000000:key/{MANAGED_KEY_ID}");
        assert_eq!(key_arn(Some(true), None, None).unwrap(), Some(managed.clone()));
        assert_eq!(key_arn(Some(true), Some("KMS"), Some("alias/aws/dynamodb")).unwrap(), Some(managed));
        assert_eq!(
            key_arn(Some(true), Some("KMS"), Some("1234abcd-12ab-34cd-56ef-1234567890ab")).unwrap().unwrap(),
            "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        );
        let given = "arn:aws:kms:eu-west-1:111122223333:key/k";
        assert_eq!(key_arn(Some(true), Some("KMS"), Some(given)).unwrap().unwrap(), given);
        let by_name = key_arn(Some(true), Some("KMS"), Some("alias/mine")).unwrap().unwrap();
        let by_arn = key_arn(Some(true), Some("KMS"), Some("arn:aws:kms:us-east-1:000000000000:alias/mine")).unwrap();
        assert_eq!(Some(by_name.clone()), by_arn);
        assert_eq!(by_name.len(), "arn:aws:kms:us-east-1:000000000000:key/".len() + 36);
        assert_ne!(by_name, key_arn(Some(true), Some("KMS"), Some("alias/other")).unwrap().unwrap());
    }

    #[test]
    fn disabled_encryption_takes_no_key_or_type() {
        assert_eq!(key_arn(None, None, None).unwrap(), None);
        assert_eq!(key_arn(Some(false), None, None).unwrap(), None);
        assert!(key_arn(Some(false), Some("KMS"), None).unwrap_err().message.contains("SSEType can not"));
        assert!(key_arn(None, None, Some("k")).unwrap_err().message.contains("KMSMasterKeyId can not"));
        assert!(key_arn(Some(true), Some("AES256"), None).unwrap_err().message.contains("AES256 is not supported"));
        assert!(key_arn(Some(true), None, Some("k")).unwrap_err().message.contains("SSEType KMS is required"));
    }
}
