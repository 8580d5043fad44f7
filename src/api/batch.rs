//! BatchGetItem and BatchWriteItem on the wire.
//! (Stub: its owner is writing it now.)

use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct BatchGetItemRequest {}

pub fn batch_get_item(_engine: &mut Engine, _request: BatchGetItemRequest) -> Result<String> {
    Err(Error::new(ErrorKind::UnknownOperation, "not yet"))
}

#[derive(Deserialize)]
pub struct BatchWriteItemRequest {}

pub fn batch_write_item(_engine: &mut Engine, _request: BatchWriteItemRequest) -> Result<String> {
    Err(Error::new(ErrorKind::UnknownOperation, "not yet"))
}

