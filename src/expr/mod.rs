//! DynamoDB's expression language: ConditionExpression, FilterExpression,
//! KeyConditionExpression, ProjectionExpression and UpdateExpression.
//!
//! Text goes through lexer -> parser -> AST, placeholders (`#name`, `:value`) are
//! resolved against the request's ExpressionAttributeNames/Values, and the resolved
//! expressions are evaluated against items.
//!
//! The public contract, used by the operations:
//! - [`Placeholders::new`] validates a request's ExpressionAttributeNames/Values once;
//!   every `parse_*` call resolves against it and marks what it used; then
//!   [`Placeholders::check_all_used`] reports placeholders no expression used.
//! - `parse_*` return resolved expressions, or DynamoDB's ValidationException.

//!
//! Inside, one request's expression travels:
//!
//! 1. [`lexer::tokenize`] splits the text into tokens with byte spans.
//! 2. [`parser`] builds an unresolved [`syntax`] tree (placeholders as written), or a
//!    syntax error pointing at the offending token ([`syntax_error`] exposes its span).
//! 3. `check` applies DynamoDB's semantic rules in DynamoDB's order and resolves
//!    placeholders through [`Placeholders`] (marking them used), giving the [`ast`] trees.
//! 4. The trees evaluate: [`Condition::matches`], [`Projection::apply`],
//!    [`Update::apply`] (in `update`), and `key` reduces a key condition.

pub mod ast;
mod check;
mod key;
pub mod legacy;
mod lexer;
pub mod parser;
mod placeholders;
mod projection;
mod reserved;
pub mod syntax;
mod update;

pub use ast::{Condition, DocumentPath, KeyCondition, PathElement, Projection, SortKeyCondition, Update};
pub use placeholders::Placeholders;
pub use reserved::is_reserved;
pub(crate) use update::check_nesting;

use crate::model::KeySchema;
use crate::{validation, Error, Result};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

/// Longest expression, in UTF-8 bytes.
const MAX_EXPRESSION_BYTES: usize = 4096;

/// Which request parameter an expression came from; errors name it
/// (`Invalid ConditionExpression: ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpressionKind {
    /// ConditionExpression (PutItem, UpdateItem, DeleteItem, transactions).
    Condition,
    /// FilterExpression (Query, Scan).
    Filter,
    /// KeyConditionExpression (Query).
    KeyCondition,
    /// ProjectionExpression.
    Projection,
    /// UpdateExpression (UpdateItem).
    Update,
}

impl ExpressionKind {
    /// The request parameter's name, as DynamoDB's messages spell it.
    pub fn parameter_name(self) -> &'static str {
        match self {
            ExpressionKind::Condition => "ConditionExpression",
            ExpressionKind::Filter => "FilterExpression",
            ExpressionKind::KeyCondition => "KeyConditionExpression",
            ExpressionKind::Projection => "ProjectionExpression",
            ExpressionKind::Update => "UpdateExpression",
        }
    }
}

/// `Invalid <Parameter>: <message>`.
fn invalid(kind: ExpressionKind, message: &str) -> Error {
    validation!("Invalid {}: {message}", kind.parameter_name())
}

/// The checks every expression passes before parsing: not empty, not too long.
fn check_text(text: &str, kind: ExpressionKind) -> Result<()> {
    if text.is_empty() {
        return Err(invalid(kind, "The expression can not be empty;"));
    }
    if text.len() > MAX_EXPRESSION_BYTES {
        let message = format!("Expression size has exceeded the maximum allowed size; expression size: {}", text.len());
        return Err(invalid(kind, &message));
    }
    Ok(())
}

/// A syntax error: DynamoDB's full message and the byte span of the offending token,
/// for a console to underline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Range<usize>,
}

/// The syntax error in `text` read as a `kind` expression, if it has one (semantic
/// errors, which need the request's placeholders, are not looked for).
pub fn syntax_error(text: &str, kind: ExpressionKind) -> Option<SyntaxError> {
    let error = match kind {
        ExpressionKind::Condition | ExpressionKind::Filter | ExpressionKind::KeyCondition => {
            parser::parse_condition(text).err()
        }
        ExpressionKind::Projection => parser::parse_projection(text).err(),
        ExpressionKind::Update => parser::parse_update(text).err(),
    }?;
    let message = format!("Invalid {}: {}", kind.parameter_name(), error.message);
    Some(SyntaxError { message, span: error.span })
}

fn parse_error(kind: ExpressionKind) -> impl Fn(parser::ParseError) -> Error {
    move |error| invalid(kind, &error.message)
}

fn check_error(kind: ExpressionKind) -> impl Fn(String) -> Error {
    move |message| invalid(kind, &message)
}

/// Syntax trees of the expression texts parsed lately, one map per grammar: requests
/// mostly repeat their expressions, and parsing one took a sixth of an UpdateItem with a
/// condition. Only the syntax is kept, which depends on the text alone; each request
/// still resolves its placeholders and passes every rule, so it gets what parsing its
/// text gives, errors included (a text that does not parse is not kept).
#[derive(Default)]
struct ParsedTexts {
    conditions: HashMap<String, Rc<parser::ParsedCondition>>,
    updates: HashMap<String, Rc<syntax::UpdateExpr>>,
}

/// The most texts kept per grammar; all are dropped when it is reached.
const KEPT_TEXTS: usize = 64;

thread_local! {
    static PARSED: RefCell<ParsedTexts> = RefCell::default();
}

/// The syntax tree of `text` by `parse`, kept in the map `trees` picks (see [`ParsedTexts`]).
fn parse_shared<T>(
    text: &str,
    trees: fn(&mut ParsedTexts) -> &mut HashMap<String, Rc<T>>,
    parse: fn(&str) -> std::result::Result<T, parser::ParseError>,
) -> std::result::Result<Rc<T>, parser::ParseError> {
    if let Some(tree) = PARSED.with(|parsed| trees(&mut parsed.borrow_mut()).get(text).cloned()) {
        return Ok(tree);
    }
    let tree = Rc::new(parse(text)?);
    PARSED.with(|parsed| {
        let mut parsed = parsed.borrow_mut();
        let kept = trees(&mut parsed);
        if kept.len() >= KEPT_TEXTS {
            kept.clear();
        }
        kept.insert(text.to_owned(), Rc::clone(&tree));
    });
    Ok(tree)
}

fn parse_checked_condition(text: &str, kind: ExpressionKind, placeholders: &Placeholders) -> Result<ast::Cond> {
    check_text(text, kind)?;
    let parsed =
        parse_shared(text, |parsed| &mut parsed.conditions, parser::parse_condition).map_err(parse_error(kind))?;
    let context = match kind {
        ExpressionKind::Filter => check::Context::Filter,
        ExpressionKind::KeyCondition => check::Context::KeyCondition,
        _ => check::Context::Condition,
    };
    check::condition(&parsed, context, placeholders).map_err(check_error(kind))
}

/// Parses a ConditionExpression or FilterExpression (`kind` says which).
pub fn parse_condition(text: &str, kind: ExpressionKind, placeholders: &Placeholders) -> Result<Condition> {
    Ok(Condition { root: parse_checked_condition(text, kind, placeholders)? })
}

/// Parses a KeyConditionExpression for a table or index with this key schema, with
/// DynamoDB's errors for conditions a key lookup cannot serve.
pub fn parse_key_condition(text: &str, placeholders: &Placeholders, schema: &KeySchema) -> Result<KeyCondition> {
    let root = parse_checked_condition(text, ExpressionKind::KeyCondition, placeholders)?;
    key::reduce(root, schema)
}

/// Parses a ProjectionExpression.
pub fn parse_projection(text: &str, placeholders: &Placeholders) -> Result<Projection> {
    let kind = ExpressionKind::Projection;
    check_text(text, kind)?;
    let parsed = parser::parse_projection(text).map_err(parse_error(kind))?;
    let paths = check::projection(&parsed, placeholders).map_err(check_error(kind))?;
    Ok(Projection { paths })
}

/// Checks and resolves a condition that another front end (PartiQL) built as a syntax
/// tree, with the rules of a `kind` expression; messages come without the
/// `Invalid <Parameter>: ` prefix, as PartiQL words them.
pub(crate) fn resolve_condition(
    expr: syntax::CondExpr,
    kind: ExpressionKind,
    placeholders: &Placeholders,
) -> Result<Condition> {
    let context = match kind {
        ExpressionKind::Filter => check::Context::Filter,
        _ => check::Context::Condition,
    };
    let parsed = parser::ParsedCondition { expr, redundant_parens: false };
    let root = check::condition(&parsed, context, placeholders).map_err(Error::validation)?;
    Ok(Condition { root })
}

/// Checks and resolves an update another front end (PartiQL) built as a syntax tree;
/// messages come without a prefix.
pub(crate) fn resolve_update(expr: &syntax::UpdateExpr, placeholders: &Placeholders) -> Result<Update> {
    let actions = check::update(expr, placeholders).map_err(Error::validation)?;
    Ok(Update { actions, legacy: false })
}

/// Parses an UpdateExpression.
pub fn parse_update(text: &str, placeholders: &Placeholders) -> Result<Update> {
    let kind = ExpressionKind::Update;
    check_text(text, kind)?;
    let parsed = parse_shared(text, |parsed| &mut parsed.updates, parser::parse_update).map_err(parse_error(kind))?;
    let actions = check::update(&parsed, placeholders).map_err(check_error(kind))?;
    Ok(Update { actions, legacy: false })
}

#[cfg(test)]
mod tests;
