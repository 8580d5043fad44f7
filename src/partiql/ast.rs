//! The trees the parser builds, as written (parameters still `?`, literals still text),
//! and their [`fmt::Display`]: every node prints back as PartiQL that parses to an equal
//! tree. Binary and unary nodes print inside parentheses, names always in double quotes.

use crate::expr::syntax::Comparator;
use std::fmt;
use std::ops::Range;

/// The bytes of the statement a node was parsed from. Spans never take part in
/// equality: two trees are equal when they say the same thing.
#[derive(Debug, Clone, Default)]
pub struct Span(pub Range<usize>);

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

/// A parsed statement and the number of `?` parameters it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub statement: Statement,
    pub parameter_count: usize,
}

/// One PartiQL statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `SELECT ... FROM ...`
    Select(Select),
    /// `INSERT INTO t VALUE {...}`
    Insert(Insert),
    /// `UPDATE t SET ... REMOVE ... WHERE ...`
    Update(Update),
    /// `DELETE FROM t WHERE ...`
    Delete(Delete),
    /// `EXISTS(SELECT ...)`: a condition check, for ExecuteTransaction only.
    Exists(Select),
}

impl Statement {
    /// The table the statement reads or writes.
    pub fn table(&self) -> &str {
        match self {
            Statement::Select(select) | Statement::Exists(select) => &select.source.table,
            Statement::Insert(insert) => &insert.target.table,
            Statement::Update(update) => &update.target.table,
            Statement::Delete(delete) => &delete.target.table,
        }
    }
}

/// A table, or for SELECT a table's index: `"table"."index"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub table: String,
    pub index: Option<String>,
    pub span: Span,
}

/// What a SELECT returns of each item.
#[derive(Debug, Clone, PartialEq)]
pub enum Projection {
    /// `*`: every attribute.
    All,
    /// The listed paths.
    Paths(Vec<Path>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    pub projection: Projection,
    pub source: Source,
    pub filter: Option<Expr>,
    pub order_by: Vec<OrderKey>,
}

/// One `ORDER BY` key.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderKey {
    pub path: Path,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    pub target: Source,
    pub value: Expr,
}

/// One action of an UPDATE.
#[derive(Debug, Clone, PartialEq)]
pub enum Assignment {
    /// `SET path = value`
    Set(Path, Expr),
    /// `REMOVE path`
    Remove(Path),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub target: Source,
    pub assignments: Vec<Assignment>,
    pub filter: Expr,
    pub returning: Option<Returning>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    pub target: Source,
    pub filter: Expr,
    pub returning: Option<Returning>,
}

/// A `RETURNING ... *` clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returning {
    /// `ALL OLD *`: the whole item before the write.
    AllOld,
    /// `MODIFIED OLD *`: the updated attributes before the write.
    ModifiedOld,
    /// `ALL NEW *`: the whole item after the write.
    AllNew,
    /// `MODIFIED NEW *`: the updated attributes after the write.
    ModifiedNew,
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// An attribute or map key name.
    Name(String),
    /// A list index.
    Index(u32),
}

/// A document path such as `a.b[0]."c"`; the first step is always a name.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub steps: Vec<Step>,
    pub span: Span,
}

/// A literal as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `'text'`
    Str(String),
    /// `-1.5e3`, as written.
    Number(String),
    /// `TRUE` or `FALSE`
    Bool(bool),
    /// `NULL`
    Null,
    /// `MISSING`
    Missing,
}

/// An arithmetic operator of an UPDATE's SET value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Plus,
    /// `-`
    Minus,
}

/// What `IS` tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsType {
    /// `IS MISSING`: the attribute is absent.
    Missing,
    /// `IS NULL`: the attribute is NULL or absent.
    Null,
}

/// An expression and the bytes it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// The expressions of WHERE clauses, SET values and INSERT items.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// The `n`th `?` parameter, from 0.
    Param(usize),
    /// A document path.
    Path(Path),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{'k': v, ...}`
    Tuple(Vec<(Expr, Expr)>),
    /// `<<a, b>>`: a set.
    Bag(Vec<Expr>),
    /// `name(args...)`
    Call(String, Vec<Expr>),
    /// `a < b`
    Compare(Box<Expr>, Comparator, Box<Expr>),
    /// `a BETWEEN low AND high`
    Between(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `a IN [b, c]`
    In(Box<Expr>, Vec<Expr>),
    /// `a IS MISSING`, `a IS NULL`
    Is(Box<Expr>, IsType),
    /// `NOT a`
    Not(Box<Expr>),
    /// `a AND b`
    And(Box<Expr>, Box<Expr>),
    /// `a OR b`
    Or(Box<Expr>, Box<Expr>),
    /// `a + b`, `a - b`
    Arith(Box<Expr>, ArithOp, Box<Expr>),
}

/// `"name"` with inner quotes doubled.
fn quoted_name(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    write!(f, "\"{}\"", name.replace('"', "\"\""))
}

/// Items separated by ", ".
fn list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    for (position, item) in items.iter().enumerate() {
        if position > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, step) in self.steps.iter().enumerate() {
            match step {
                Step::Name(name) => {
                    if position > 0 {
                        f.write_str(".")?;
                    }
                    quoted_name(f, name)?;
                }
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Str(text) => write!(f, "'{}'", text.replace('\'', "''")),
            Literal::Number(text) => f.write_str(text),
            Literal::Bool(true) => f.write_str("TRUE"),
            Literal::Bool(false) => f.write_str("FALSE"),
            Literal::Null => f.write_str("NULL"),
            Literal::Missing => f.write_str("MISSING"),
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Literal(literal) => write!(f, "{literal}"),
            ExprKind::Param(_) => f.write_str("?"),
            ExprKind::Path(path) => write!(f, "{path}"),
            ExprKind::List(items) => {
                f.write_str("[")?;
                list(f, items)?;
                f.write_str("]")
            }
            ExprKind::Tuple(pairs) => {
                f.write_str("{")?;
                for (position, (key, value)) in pairs.iter().enumerate() {
                    let separator = if position > 0 { ", " } else { "" };
                    write!(f, "{separator}{key}: {value}")?;
                }
                f.write_str("}")
            }
            ExprKind::Bag(items) => {
                f.write_str("<<")?;
                list(f, items)?;
                f.write_str(">>")
            }
            ExprKind::Call(name, args) => {
                write!(f, "{name}(")?;
                list(f, args)?;
                f.write_str(")")
            }
            ExprKind::Compare(left, op, right) => write!(f, "({left} {} {right})", op.symbol()),
            ExprKind::Between(subject, low, high) => write!(f, "({subject} BETWEEN {low} AND {high})"),
            ExprKind::In(subject, items) => {
                write!(f, "({subject} IN [")?;
                list(f, items)?;
                f.write_str("])")
            }
            ExprKind::Is(subject, IsType::Missing) => write!(f, "({subject} IS MISSING)"),
            ExprKind::Is(subject, IsType::Null) => write!(f, "({subject} IS NULL)"),
            ExprKind::Not(inner) => write!(f, "(NOT {inner})"),
            ExprKind::And(left, right) => write!(f, "({left} AND {right})"),
            ExprKind::Or(left, right) => write!(f, "({left} OR {right})"),
            ExprKind::Arith(left, ArithOp::Plus, right) => write!(f, "({left} + {right})"),
            ExprKind::Arith(left, ArithOp::Minus, right) => write!(f, "({left} - {right})"),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        quoted_name(f, &self.table)?;
        if let Some(index) = &self.index {
            f.write_str(".")?;
            quoted_name(f, index)?;
        }
        Ok(())
    }
}

impl fmt::Display for Returning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Returning::AllOld => "ALL OLD",
            Returning::ModifiedOld => "MODIFIED OLD",
            Returning::AllNew => "ALL NEW",
            Returning::ModifiedNew => "MODIFIED NEW",
        })
    }
}

impl fmt::Display for Select {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SELECT ")?;
        match &self.projection {
            Projection::All => f.write_str("*")?,
            Projection::Paths(paths) => list(f, paths)?,
        }
        write!(f, " FROM {}", self.source)?;
        if let Some(filter) = &self.filter {
            write!(f, " WHERE {filter}")?;
        }
        for (position, key) in self.order_by.iter().enumerate() {
            f.write_str(if position == 0 { " ORDER BY " } else { ", " })?;
            write!(f, "{}{}", key.path, if key.descending { " DESC" } else { "" })?;
        }
        Ok(())
    }
}

/// ` WHERE filter [RETURNING ... *]`, the tail UPDATE and DELETE share.
fn write_tail(f: &mut fmt::Formatter<'_>, filter: &Expr, returning: Option<Returning>) -> fmt::Result {
    write!(f, " WHERE {filter}")?;
    match returning {
        Some(returning) => write!(f, " RETURNING {returning} *"),
        None => Ok(()),
    }
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Select(select) => write!(f, "{select}"),
            Statement::Exists(select) => write!(f, "EXISTS({select})"),
            Statement::Insert(insert) => write!(f, "INSERT INTO {} VALUE {}", insert.target, insert.value),
            Statement::Update(update) => {
                write!(f, "UPDATE {}", update.target)?;
                for assignment in &update.assignments {
                    match assignment {
                        Assignment::Set(path, value) => write!(f, " SET {path} = {value}")?,
                        Assignment::Remove(path) => write!(f, " REMOVE {path}")?,
                    }
                }
                write_tail(f, &update.filter, update.returning)
            }
            Statement::Delete(delete) => {
                write!(f, "DELETE FROM {}", delete.target)?;
                write_tail(f, &delete.filter, delete.returning)
            }
        }
    }
}
