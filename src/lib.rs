//! Dynaplay: DynamoDB in a browser tab.
//!
//! A request travels through the layers in one direction:
//!
//! 1. `wasm::Database::send` (browser) or [`Database::execute`] (native) receives an
//!    operation name and a DynamoDB JSON request string.
//! 2. [`api::dispatch`] parses and validates the request into engine types and calls the
//!    engine operation; every failure becomes an [`Error`] that `api` renders with
//!    DynamoDB's `__type` and message.
//! 3. The [`engine::Engine`] applies the operation atomically in memory and returns the
//!    [`engine::Change`]s it made: the change log, carrying each old and new image once.
//! 4. [`storage::Database`] queues those changes; the platform leaf (IndexedDB in the
//!    browser) commits them in groups, and a request is acknowledged only once its group
//!    has committed. A failed commit reverts memory to what is on disk.

pub mod api;
pub mod clock;
pub mod engine;
pub mod error;
pub mod expr;
#[cfg(test)]
mod fuzz;
pub mod global;
pub mod iam;
pub mod index;
mod json;
pub mod kinesis;
pub mod model;
pub mod partiql;
pub mod region;
pub mod storage;
pub mod stream;
pub mod transfer;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, ErrorKind, Result, Service};
pub use storage::Database;
