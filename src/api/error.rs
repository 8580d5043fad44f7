//! How an [`Error`] looks on the wire: DynamoDB's `__type` and message.

use crate::error::{Error, ErrorKind};
use serde_json::{json, Value};

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
            ErrorKind::LimitExceeded => "LimitExceededException",
            ErrorKind::InternalServerError => "InternalServerError",
        }
    }

    /// The full `__type`: DynamoDB's own exceptions live in its service namespace,
    /// while the request framework (Coral) reports validation and parsing failures.
    pub fn type_name(self) -> String {
        let namespace = match self {
            ErrorKind::Validation => "com.amazon.coral.validate",
            ErrorKind::Serialization | ErrorKind::UnknownOperation => "com.amazon.coral.service",
            _ => "com.amazonaws.dynamodb.v20120810",
        };
        format!("{namespace}#{}", self.short_name())
    }
}

impl Error {
    /// The error response body, as DynamoDB sends it.
    pub fn to_json(&self) -> String {
        let mut body = json!({ "__type": self.kind.type_name() });
        // Coral's serialization errors spell the member "Message".
        let message_member = if self.kind == ErrorKind::Serialization { "Message" } else { "message" };
        body[message_member] = Value::String(self.message.clone());
        if let Some(item) = &self.item {
            body["Item"] = serde_json::to_value(item).unwrap_or(Value::Null);
        }
        body.to_string()
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
    fn service_errors_use_dynamodbs_namespace() {
        let error = Error::new(ErrorKind::ResourceNotFound, "Requested resource not found");
        assert!(error.to_json().contains("com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"));
    }
}
