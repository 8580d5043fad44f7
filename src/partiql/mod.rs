//! DynamoDB's PartiQL: the statements of ExecuteStatement, BatchExecuteStatement and
//! ExecuteTransaction.
//!
//! A statement travels:
//!
//! 1. [`lexer::tokenize`] splits the text into tokens with byte spans.
//! 2. [`parse`] builds an [`ast::Statement`] (with spans, printable back as PartiQL), or a
//!    [`SyntaxError`] with DynamoDB's message and the span of the offending token.
//! 3. [`lower::Binder`] binds the `?` parameters and lowers the tree into the expression
//!    engine's types: WHERE clauses become [`crate::expr::Condition`]s, SET and REMOVE an
//!    [`crate::expr::Update`], literals [`crate::model::AttributeValue`]s, so PartiQL is
//!    checked and evaluated by the same code as ConditionExpression and UpdateExpression.
//! 4. `api::partiql` runs the result as a Query, Scan, GetItem, PutItem, UpdateItem or
//!    DeleteItem on the engine.

pub mod ast;
pub mod lexer;
pub mod lower;
pub mod parser;

pub use ast::{Parsed, Statement};
pub use parser::parse;

use std::ops::Range;

/// DynamoDB's envelope for a statement its parser cannot read.
const MALFORMED: &str = "Statement wasn't well formed, can't be processed: ";

/// A statement DynamoDB refuses before looking at any table: its full message, and the
/// bytes of the token it is about (for a console to underline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Range<usize>,
}

impl SyntaxError {
    /// A statement the parser cannot read: the envelope and `detail`.
    pub fn malformed(detail: &str, span: Range<usize>) -> SyntaxError {
        SyntaxError { message: format!("{MALFORMED}{detail}"), span }
    }

    /// A construct DynamoDB reads but refuses, with its own message.
    pub fn refused(message: &str, span: Range<usize>) -> SyntaxError {
        SyntaxError { message: message.to_owned(), span }
    }

    /// The span as UTF-16 offsets into `source`, the units a JavaScript string counts in
    /// (the page underlines the token with them).
    pub fn utf16_span(&self, source: &str) -> Range<usize> {
        let utf16_len = |end: usize| source.get(..end).map_or(0, |prefix| prefix.encode_utf16().count());
        utf16_len(self.span.start)..utf16_len(self.span.end)
    }
}

impl From<SyntaxError> for crate::Error {
    fn from(error: SyntaxError) -> Self {
        crate::Error::validation(error.message)
    }
}

#[cfg(test)]
mod tests;
