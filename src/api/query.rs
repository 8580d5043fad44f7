//! Query and Scan on the wire.
//! (Stub: its owner is writing it now.)

use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct QueryRequest {}

pub fn query(_engine: &mut Engine, _request: QueryRequest) -> Result<String> {
    Err(Error::new(ErrorKind::UnknownOperation, "not yet"))
}

#[derive(Deserialize)]
pub struct ScanRequest {}

pub fn scan(_engine: &mut Engine, _request: ScanRequest) -> Result<String> {
    Err(Error::new(ErrorKind::UnknownOperation, "not yet"))
}

