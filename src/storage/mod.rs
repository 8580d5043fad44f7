//! Persistence and group commit, kept platform independent.
//!
//! The engine applies each operation in memory at once; [`Database`] queues the
//! resulting changes and turns them into [`Batch`]es of [`Write`]s for a backend to
//! commit as one transaction. The backends are thin: [`memory::MemoryStore`] natively
//! and in tests, IndexedDB in the browser (`indexeddb.rs`), and a commit function the
//! JavaScript host provides (`external.rs`, a file in `dynaplay serve`); the last two are
//! the only async code.
//!
//! The protocol a backend driver follows:
//! 1. Load everything into a [`Snapshot`] and call [`Database::open`].
//! 2. For each request call [`Database::execute`]. An [`Outcome::Ready`] answer may be
//!    returned at once; an [`Outcome::Queued`] one only after its batch commits.
//! 3. Whenever no batch is in flight, take the next with [`Database::take_batch`] (all
//!    queued requests go into it: that is the group commit), commit it, then call
//!    [`Database::commit_succeeded`] or [`Database::commit_failed`].
//!
//! Nobody ever sees data that is not on disk: while any change is waiting to commit,
//! every later request (reads too) waits behind it, and a failed commit reverts memory
//! and rejects every waiting request.

mod database;
#[cfg(target_arch = "wasm32")]
pub mod external;
mod global_records;
#[cfg(target_arch = "wasm32")]
pub mod indexeddb;
pub mod memory;
mod records;

pub use database::{Database, Outcome};
pub use records::{pack, unpack, Batch, Snapshot, StoredItem, Write, FORMAT_VERSION};

use std::fmt;

/// Why storage could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageError {
    /// The stored data does not decode; the message says what is wrong.
    Corrupt(String),
    /// The database was written by a newer Dynaplay in a format this one cannot read.
    NewerFormat(u32),
    /// The backend refused (quota exceeded, database closed, blocked by another tab).
    Backend(String),
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::Corrupt(what) => write!(f, "the stored database is corrupt: {what}"),
            StorageError::NewerFormat(version) => write!(
                f,
                "the stored database has format version {version}, newer than this Dynaplay's {FORMAT_VERSION}"
            ),
            StorageError::Backend(reason) => write!(f, "storage failed: {reason}"),
        }
    }
}

impl std::error::Error for StorageError {}

/// Reads a `meta` record's JSON text into its type through a `serde_json::Value`.
///
/// The derived readers of the record types are compiled once per deserializer: for the
/// string reader each carries its whitespace, position and error handling inline, for a
/// `Value` they are smaller, and the request reader has the `Value` instances already
/// (docs/size.md, fifth round: 7.2 KB raw, 2.4 KB gzipped). A `meta` record is read once
/// per open; the records a database may hold by the thousand (point-in-time history,
/// stream and Kinesis records) and a file database's whole snapshot keep the direct
/// reader, which is faster and holds no second copy.
fn parse_record<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_value(serde_json::from_str::<serde_json::Value>(text)?)
}
