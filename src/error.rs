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
    /// A write would grow an item collection (a table with local secondary indexes)
    /// past its size limit.
    ItemCollectionSizeLimitExceeded,
    /// Application Auto Scaling has no such scalable target or policy.
    ObjectNotFound,
    /// A request exceeded a provisioned table's or index's throughput, or a partition's.
    ProvisionedThroughputExceeded,
    /// A request exceeded what an on-demand table serves at the moment.
    Throttling,
    /// An account-level quota was exceeded.
    LimitExceeded,
    /// A TransactWriteItems or TransactGetItems was cancelled; the reasons say why.
    TransactionCanceled,
    /// A ClientRequestToken was reused with other parameters within its 10 minutes.
    IdempotentParameterMismatch,
    /// A write touched an item that a transaction in flight holds.
    TransactionConflict,
    /// A ClientRequestToken was reused while its transaction is still in flight.
    TransactionInProgress,
    /// A stream's shard iterator is older than 15 minutes.
    ExpiredIterator,
    /// A stream read starts before the oldest record kept: the records were trimmed.
    TrimmedDataAccess,
    /// A Kinesis request's argument is invalid (Kinesis's own validation failure).
    InvalidArgument,
    /// A backup or point-in-time recovery operation names a table that does not exist.
    TableNotFound,
    /// A restore's target table exists already.
    TableAlreadyExists,
    /// RestoreTableToPointInTime names a source table that does not exist.
    SourceTableNotFound,
    /// No backup has the ARN given.
    BackupNotFound,
    /// Point-in-time recovery is not enabled on the table.
    PointInTimeRecoveryUnavailable,
    /// A restore time outside the restorable window.
    InvalidRestoreTime,
    /// An export's ClientToken was reused with other parameters.
    ExportConflict,
    /// An export's time is outside the point-in-time recovery window.
    InvalidExportTime,
    /// DescribeExport names an export that does not exist.
    ExportNotFound,
    /// An import's ClientToken was reused with other parameters.
    ImportConflict,
    /// DescribeImport names an import that does not exist.
    ImportNotFound,
    /// A Dynaplay S3 operation names an object that does not exist.
    NoSuchKey,
    /// The principal's policies (or the table's resource policy) do not allow the request.
    AccessDenied,
    /// The table has no resource-based policy, or not the revision expected.
    PolicyNotFound,
    /// A principal's identity policy document is not valid (Dynaplay.PutPrincipal).
    MalformedPolicyDocument,
    /// A Dynaplay principal operation names a principal that does not exist.
    NoSuchEntity,
    /// The request names a principal (credentials) that does not exist.
    UnrecognizedClient,
    /// Dynaplay itself failed (storage, a broken invariant).
    InternalServerError,
}

/// Which service answered, which decides how the error's `__type` is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// DynamoDB, DynamoDB Streams, Application Auto Scaling: namespaced types.
    DynamoDb,
    /// Kinesis Data Streams: bare exception names.
    Kinesis,
}

/// A failed request: the exception, its message, for a failed condition the item as it
/// was (ReturnValuesOnConditionCheckFailure), for a cancelled transaction one reason per
/// action, and for a throttled request why.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub item: Option<Item>,
    pub cancellation_reasons: Vec<CancellationReason>,
    pub throttling_reasons: Vec<ThrottlingReason>,
    pub service: Service,
}

/// Why one action of a cancelled transaction failed, or `None` when it did not.
#[derive(Debug, Clone, PartialEq)]
pub struct CancellationReason {
    /// DynamoDB's code: `None`, `ConditionalCheckFailed`, `ValidationError`,
    /// `TransactionConflict`.
    pub code: &'static str,
    pub message: Option<String>,
    /// The item as it was, for a failed condition that asked for it.
    pub item: Option<Item>,
}

impl CancellationReason {
    /// The reason of an action that would have succeeded.
    pub fn none() -> Self {
        CancellationReason { code: "None", message: None, item: None }
    }
}

/// Why a request was throttled, as DynamoDB's ThrottlingReasons list it.
#[derive(Debug, Clone, PartialEq)]
pub struct ThrottlingReason {
    /// `Table|Index` + `Read|Write` + the limit, e.g. `TableWriteKeyRangeThroughputExceeded`.
    pub reason: String,
    /// The ARN of the table or index.
    pub resource: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            item: None,
            cancellation_reasons: Vec::new(),
            throttling_reasons: Vec::new(),
            service: Service::DynamoDb,
        }
    }

    /// The same error, answered by Kinesis Data Streams.
    pub fn from_kinesis(self) -> Self {
        Error { service: Service::Kinesis, ..self }
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
