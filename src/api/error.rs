//! How an [`Error`] looks on the wire: DynamoDB's `__type` and message.

use crate::error::{CancellationReason, Error, ErrorKind, Service};
use crate::json::{self, json};
use serde_json::{Map, Value};

impl ErrorKind {
    /// The exception's short name, as SDKs name their exception classes.
    pub fn short_name(self) -> &'static str {
        match self {
            ErrorKind::Validation => "ValidationException",
            ErrorKind::Serialization => "SerializationException",
            ErrorKind::UnknownOperation => "UnknownOperationException",
            ErrorKind::ResourceNotFound => "ResourceNotFoundException",
            ErrorKind::ResourceInUse => "ResourceInUseException",
            ErrorKind::ConditionalCheckFailed => "ConditionalCheckFailedException",
            ErrorKind::DuplicateItem => "DuplicateItemException",
            ErrorKind::ItemCollectionSizeLimitExceeded => "ItemCollectionSizeLimitExceededException",
            ErrorKind::ObjectNotFound => "ObjectNotFoundException",
            ErrorKind::ProvisionedThroughputExceeded => "ProvisionedThroughputExceededException",
            ErrorKind::Throttling => "ThrottlingException",
            ErrorKind::LimitExceeded => "LimitExceededException",
            ErrorKind::TransactionCanceled => "TransactionCanceledException",
            ErrorKind::IdempotentParameterMismatch => "IdempotentParameterMismatchException",
            ErrorKind::TransactionConflict => "TransactionConflictException",
            ErrorKind::TransactionInProgress => "TransactionInProgressException",
            ErrorKind::ExpiredIterator => "ExpiredIteratorException",
            ErrorKind::TrimmedDataAccess => "TrimmedDataAccessException",
            ErrorKind::InvalidArgument => "InvalidArgumentException",
            ErrorKind::TableNotFound => "TableNotFoundException",
            ErrorKind::TableAlreadyExists => "TableAlreadyExistsException",
            ErrorKind::SourceTableNotFound => "SourceTableNotFoundException",
            ErrorKind::BackupNotFound => "BackupNotFoundException",
            ErrorKind::PointInTimeRecoveryUnavailable => "PointInTimeRecoveryUnavailableException",
            ErrorKind::InvalidRestoreTime => "InvalidRestoreTimeException",
            ErrorKind::ExportConflict => "ExportConflictException",
            ErrorKind::InvalidExportTime => "InvalidExportTimeException",
            ErrorKind::ExportNotFound => "ExportNotFoundException",
            ErrorKind::ImportConflict => "ImportConflictException",
            ErrorKind::ImportNotFound => "ImportNotFoundException",
            ErrorKind::NoSuchKey => "NoSuchKey",
            ErrorKind::AccessDenied => "AccessDeniedException",
            ErrorKind::PolicyNotFound => "PolicyNotFoundException",
            ErrorKind::MalformedPolicyDocument => "MalformedPolicyDocument",
            ErrorKind::NoSuchEntity => "NoSuchEntity",
            ErrorKind::UnrecognizedClient => "UnrecognizedClientException",
            ErrorKind::InternalServerError => "InternalServerError",
        }
    }

    /// The full `__type`: DynamoDB's own exceptions live in its service namespace,
    /// while the request framework (Coral) reports validation and parsing failures.
    pub fn type_name(self) -> String {
        let namespace = match self {
            ErrorKind::Validation => "com.amazon.coral.validate",
            ErrorKind::Serialization | ErrorKind::UnknownOperation | ErrorKind::UnrecognizedClient => {
                "com.amazon.coral.service"
            }
            ErrorKind::Throttling => "com.amazon.coral.availability",
            ErrorKind::ObjectNotFound => "com.amazonaws.applicationautoscaling",
            ErrorKind::NoSuchKey => "com.amazonaws.s3",
            ErrorKind::MalformedPolicyDocument | ErrorKind::NoSuchEntity => "com.amazonaws.iam",
            _ => "com.amazonaws.dynamodb.v20120810",
        };
        format!("{namespace}#{}", self.short_name())
    }
}

impl Error {
    /// The `__type`: Kinesis names its exceptions bare.
    pub fn type_name(&self) -> String {
        match self.service {
            Service::DynamoDb => self.kind.type_name(),
            Service::Kinesis => self.kind.short_name().to_string(),
        }
    }

    /// The error response body, as DynamoDB sends it.
    pub fn to_json(&self) -> String {
        let mut body = json!({ "__type": self.type_name() });
        // Coral's serialization errors and DynamoDB's transaction cancellations spell the
        // member "Message".
        let capitalized = matches!(self.kind, ErrorKind::Serialization | ErrorKind::TransactionCanceled);
        let message_member = if capitalized { "Message" } else { "message" };
        body[message_member] = Value::String(self.message.clone());
        if let Some(item) = &self.item {
            body["Item"] = serde_json::to_value(item).unwrap_or(Value::Null);
        }
        if self.kind == ErrorKind::TransactionCanceled {
            body["CancellationReasons"] = self.cancellation_reasons_json();
        }
        if !self.throttling_reasons.is_empty() {
            body["ThrottlingReasons"] = self.throttling_reasons_json();
        }
        json::text(&body)
    }

    /// The CancellationReasons member: per action `{"Code": ...}`, with `Message` and
    /// `Item` only when there is one.
    pub fn cancellation_reasons_json(&self) -> Value {
        Value::Array(self.cancellation_reasons.iter().map(reason_json).collect())
    }
}

fn reason_json(reason: &CancellationReason) -> Value {
    let mut member = Map::new();
    member.insert("Code".into(), Value::String(reason.code.into()));
    if let Some(message) = &reason.message {
        member.insert("Message".into(), Value::String(message.clone()));
    }
    if let Some(item) = &reason.item {
        member.insert("Item".into(), serde_json::to_value(item).unwrap_or(Value::Null));
    }
    Value::Object(member)
}

impl Error {
    /// ThrottlingReasons as DynamoDB spells them (members in lower case).
    pub fn throttling_reasons_json(&self) -> Value {
        let reasons = self.throttling_reasons.iter();
        Value::Array(reasons.map(|reason| json!({"reason": reason.reason, "resource": reason.resource})).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_use_corals_namespace() {
        let error = Error::validation("bad");
        assert_eq!(error.to_json(), r#"{"__type":"com.amazon.coral.validate#ValidationException","message":"bad"}"#);
    }

    #[test]
    fn kinesis_errors_are_bare() {
        let error = Error::new(ErrorKind::ResourceNotFound, "gone").from_kinesis();
        assert_eq!(error.to_json(), r#"{"__type":"ResourceNotFoundException","message":"gone"}"#);
    }

    #[test]
    fn service_errors_use_dynamodbs_namespace() {
        let error = Error::new(ErrorKind::ResourceNotFound, "Requested resource not found");
        assert!(error.to_json().contains("com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"));
    }
}
