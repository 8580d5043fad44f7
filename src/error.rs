//! The engine's error type: which DynamoDB exception a failure is, and its message.
//!
//! Messages are DynamoDB's own text, built where the failure is detected; the `api`
//! layer alone turns an [`Error`] into the wire shape (`__type` and `message`).

use crate::model::Item;
use std::fmt;

/// The DynamoDB exceptions Dynaplay can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A parameter is missing, malformed or breaks a rule or limit.
    Validation,
    /// The request body is not the JSON shape the operation expects.
    Serialization,
    /// The operation name is not one Dynaplay implements.
    UnknownOperation,
    /// The named table (or other resource) does not exist.
    ResourceNotFound,
    /// The resource exists or is busy (CreateTable on an existing name).
    ResourceInUse,
    /// A write's condition evaluated to false.
    ConditionalCheckFailed,
    /// A PartiQL INSERT found an item with its primary key already there.
    DuplicateItem,
    /// An account-level quota was exceeded.
    LimitExceeded,
    /// Dynaplay itself failed (storage, a broken invariant).
    InternalServerError,
}

/// A failed request: the exception, its message and, for a failed condition,
/// the item as it was (ReturnValuesOnConditionCheckFailure).
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub item: Option<Item>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), item: None }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Validation, message)
    }

    pub fn serialization(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Serialization, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.message)
    }
}

impl std::error::Error for Error {}

/// `validation!("fmt", args..)` builds a ValidationException error.
#[macro_export]
macro_rules! validation {
    ($($arg:tt)*) => { $crate::error::Error::validation(format!($($arg)*)) };
}

/// `bail_validation!("fmt", args..)` returns a ValidationException error.
#[macro_export]
macro_rules! bail_validation {
    ($($arg:tt)*) => { return Err($crate::validation!($($arg)*)) };
}
