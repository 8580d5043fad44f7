//! The unresolved syntax trees the parser builds: names and values still as the
//! placeholders the text wrote (`#n`, `:v`). Every node prints back as expression text
//! ([`fmt::Display`]), parenthesized only where the tree's shape needs it, so
//! `parse(print(tree)) == tree`.

use std::fmt;

/// One step of a document path as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// A bare attribute name (`a`).
    Attr(String),
    /// An ExpressionAttributeNames placeholder (`#n`).
    Name(String),
    /// A list index (`[2]`).
    Index(u32),
}

/// A document path as written: `a.#b[2].c`. The first step is never an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub steps: Vec<PathStep>,
}

/// A function call: `name(args...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub name: String,
    pub args: Vec<Operand>,
}

/// A value-producing operand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operand {
    /// A document path.
    Path(Path),
    /// An ExpressionAttributeValues placeholder (`:v`).
    Value(String),
    /// A function call used as a value (`size(a)`, `if_not_exists(a, :v)`).
    Call(Call),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// A ConditionExpression, FilterExpression or KeyConditionExpression as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CondExpr {
    /// `a < b`
    Compare(Operand, Comparator, Operand),
    /// `a BETWEEN b AND c`
    Between(Operand, Operand, Operand),
    /// `a IN (b, c, ...)`
    In(Operand, Vec<Operand>),
    /// A function call used as a condition (`begins_with(a, :p)`).
    Call(Call),
    /// `NOT c`
    Not(Box<CondExpr>),
    /// `c AND d`
    And(Box<CondExpr>, Box<CondExpr>),
    /// `c OR d`
    Or(Box<CondExpr>, Box<CondExpr>),
}

/// A ProjectionExpression as written: paths separated by commas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectionExpr {
    pub paths: Vec<Path>,
}

/// The right-hand side of a SET action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetValue {
    /// `operand`
    Operand(Operand),
    /// `operand + operand`
    Plus(Operand, Operand),
    /// `operand - operand`
    Minus(Operand, Operand),
}

/// One action of an update clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `SET path = value`
    Set(Path, SetValue),
    /// `REMOVE path`
    Remove(Path),
    /// `ADD path :value`
    Add(Path, String),
    /// `DELETE path :value`
    Delete(Path, String),
}

/// The four clauses of an UpdateExpression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClauseKind {
    /// `SET`
    Set,
    /// `REMOVE`
    Remove,
    /// `ADD`
    Add,
    /// `DELETE`
    Delete,
}

impl ClauseKind {
    /// The clause keyword, upper case.
    pub fn keyword(self) -> &'static str {
        match self {
            ClauseKind::Set => "SET",
            ClauseKind::Remove => "REMOVE",
            ClauseKind::Add => "ADD",
            ClauseKind::Delete => "DELETE",
        }
    }
}

/// One clause: its keyword and its comma-separated actions (all of that kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub kind: ClauseKind,
    pub actions: Vec<Action>,
}

/// An UpdateExpression as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateExpr {
    pub clauses: Vec<Clause>,
}

impl Comparator {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Eq => "=",
            Comparator::Ne => "<>",
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
        }
    }

    /// The comparator with its operands swapped: `:v < k` is `k > :v`.
    pub fn flipped(self) -> Comparator {
        match self {
            Comparator::Lt => Comparator::Gt,
            Comparator::Le => Comparator::Ge,
            Comparator::Gt => Comparator::Lt,
            Comparator::Ge => Comparator::Le,
            other => other,
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, step) in self.steps.iter().enumerate() {
            match step {
                PathStep::Index(index) => write!(f, "[{index}]")?,
                PathStep::Attr(name) | PathStep::Name(name) if position == 0 => f.write_str(name)?,
                PathStep::Attr(name) | PathStep::Name(name) => write!(f, ".{name}")?,
            }
        }
        Ok(())
    }
}

/// Writes items separated by `, `.
fn comma_list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    for (position, item) in items.iter().enumerate() {
        if position > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name)?;
        comma_list(f, &self.args)?;
        f.write_str(")")
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Path(path) => write!(f, "{path}"),
            Operand::Value(name) => f.write_str(name),
            Operand::Call(call) => write!(f, "{call}"),
        }
    }
}

impl fmt::Display for Comparator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// Binding strength when printing: OR < AND < NOT < everything else.
fn strength(cond: &CondExpr) -> u8 {
    match cond {
        CondExpr::Or(..) => 1,
        CondExpr::And(..) => 2,
        CondExpr::Not(_) => 3,
        _ => 4,
    }
}

/// Writes `cond`, in parentheses if it binds more loosely than `needed`.
fn write_at(f: &mut fmt::Formatter<'_>, cond: &CondExpr, needed: u8) -> fmt::Result {
    if strength(cond) < needed {
        write!(f, "({cond})")
    } else {
        write!(f, "{cond}")
    }
}

impl fmt::Display for CondExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CondExpr::Compare(left, op, right) => write!(f, "{left} {op} {right}"),
            CondExpr::Between(value, low, high) => write!(f, "{value} BETWEEN {low} AND {high}"),
            CondExpr::In(value, list) => {
                write!(f, "{value} IN (")?;
                comma_list(f, list)?;
                f.write_str(")")
            }
            CondExpr::Call(call) => write!(f, "{call}"),
            CondExpr::Not(inner) => {
                f.write_str("NOT ")?;
                write_at(f, inner, 3)
            }
            // The parser builds left-leaning chains, so a right operand of the same
            // operator needs parentheses to keep the tree's shape.
            CondExpr::And(left, right) => {
                write_at(f, left, 2)?;
                f.write_str(" AND ")?;
                write_at(f, right, 3)
            }
            CondExpr::Or(left, right) => {
                write_at(f, left, 1)?;
                f.write_str(" OR ")?;
                write_at(f, right, 2)
            }
        }
    }
}

impl fmt::Display for ProjectionExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        comma_list(f, &self.paths)
    }
}

impl fmt::Display for SetValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetValue::Operand(operand) => write!(f, "{operand}"),
            SetValue::Plus(left, right) => write!(f, "{left} + {right}"),
            SetValue::Minus(left, right) => write!(f, "{left} - {right}"),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Set(path, value) => write!(f, "{path} = {value}"),
            Action::Remove(path) => write!(f, "{path}"),
            Action::Add(path, value) | Action::Delete(path, value) => write!(f, "{path} {value}"),
        }
    }
}

impl fmt::Display for ClauseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.kind)?;
        comma_list(f, &self.actions)
    }
}

impl fmt::Display for UpdateExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, clause) in self.clauses.iter().enumerate() {
            if position > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{clause}")?;
        }
        Ok(())
    }
}
