//! The resolved expression trees (placeholders replaced by names and values) and the
//! evaluation of conditions against items.
//!
//! Comparisons follow DynamoDB: operands of different types are simply unequal (never
//! an error), ordering exists on S (UTF-8 bytes), N (numeric) and B (unsigned bytes)
//! only, and a missing attribute makes every comparison false except `<>`.

use super::syntax::Comparator;
use crate::model::{AttributeValue, Item, Number};
use crate::Result;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

/// One step of a resolved document path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum PathElement {
    /// A map key (or, first, a top-level attribute name).
    Attr(String),
    /// A list index.
    Index(u32),
}

/// A resolved document path such as `a.b[2].c`; the first element is always an `Attr`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DocumentPath(pub Vec<PathElement>);

impl DocumentPath {
    /// The value at this path in `item`, if every step exists.
    pub fn get<'a>(&self, item: &'a Item) -> Option<&'a AttributeValue> {
        let (first, rest) = self.0.split_first()?;
        let PathElement::Attr(name) = first else { return None };
        rest.iter().try_fold(item.get(name)?, |value, element| match (value, element) {
            (AttributeValue::M(map), PathElement::Attr(key)) => map.get(key),
            (AttributeValue::L(list), PathElement::Index(index)) => list.get(*index as usize),
            _ => None,
        })
    }

    /// The top-level attribute name.
    pub fn head(&self) -> &str {
        match self.0.first() {
            Some(PathElement::Attr(name)) => name,
            _ => "",
        }
    }
}

impl fmt::Display for DocumentPath {
    /// DynamoDB's form in messages: `[a, b, [2]]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (position, element) in self.0.iter().enumerate() {
            if position > 0 {
                f.write_str(", ")?;
            }
            match element {
                PathElement::Attr(name) => f.write_str(name)?,
                PathElement::Index(index) => write!(f, "[{index}]")?,
            }
        }
        f.write_str("]")
    }
}

/// A resolved condition operand.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    /// The value at a document path (absent if the path is).
    Path(DocumentPath),
    /// A literal from ExpressionAttributeValues.
    Value(AttributeValue),
    /// `size(operand)`.
    Size(Box<Operand>),
}

/// A resolved condition node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cond {
    /// `a < b`
    Compare(Operand, Comparator, Operand),
    /// `a BETWEEN low AND high`
    Between(Operand, Operand, Operand),
    /// `a IN (...)`
    In(Operand, Vec<Operand>),
    /// `attribute_exists(path)`
    Exists(DocumentPath),
    /// `attribute_not_exists(path)`
    NotExists(DocumentPath),
    /// `attribute_type(operand, :type)`, with the type name resolved.
    Type(Operand, String),
    /// `begins_with(a, b)`
    BeginsWith(Operand, Operand),
    /// `contains(a, b)`
    Contains(Operand, Operand),
    /// `NOT c`
    Not(Box<Cond>),
    /// `c AND d`
    And(Box<Cond>, Box<Cond>),
    /// `c OR d`
    Or(Box<Cond>, Box<Cond>),
}

/// A resolved ConditionExpression or FilterExpression.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub(crate) root: Cond,
}

impl Condition {
    /// Whether the item satisfies the condition; a missing item is the empty item.
    pub fn matches(&self, item: &Item) -> bool {
        self.root.matches(item)
    }

    /// The top-level attribute names the condition reads, in first-use order (a Query
    /// filter may not read key attributes).
    pub fn top_level_names(&self) -> Vec<&str> {
        let mut names = Vec::new();
        self.root.collect_names(&mut names);
        names
    }
}

impl Cond {
    fn collect_names<'a>(&'a self, names: &mut Vec<&'a str>) {
        let mut operands: Vec<&Operand> = Vec::new();
        match self {
            Cond::Compare(left, _, right) | Cond::BeginsWith(left, right) | Cond::Contains(left, right) => {
                operands.extend([left, right])
            }
            Cond::Between(subject, low, high) => operands.extend([subject, low, high]),
            Cond::In(subject, list) => operands.extend(std::iter::once(subject).chain(list)),
            Cond::Exists(path) | Cond::NotExists(path) => push_head(names, path),
            Cond::Type(operand, _) => operands.push(operand),
            Cond::Not(inner) => inner.collect_names(names),
            Cond::And(left, right) | Cond::Or(left, right) => {
                left.collect_names(names);
                right.collect_names(names);
            }
        }
        for operand in operands {
            operand.collect_names(names);
        }
    }

    fn matches(&self, item: &Item) -> bool {
        fn value<'a>(operand: &'a Operand, item: &'a Item) -> Option<Cow<'a, AttributeValue>> {
            operand.evaluate(item)
        }
        let value = |operand| value(operand, item);
        match self {
            Cond::Compare(left, op, right) => compare(value(left).as_deref(), *op, value(right).as_deref()),
            Cond::Between(subject, low, high) => match (value(subject), value(low), value(high)) {
                (Some(subject), Some(low), Some(high)) => between(&subject, &low, &high),
                _ => false,
            },
            Cond::In(subject, list) => value(subject).is_some_and(|subject| {
                list.iter().any(|candidate| value(candidate).is_some_and(|c| equal(&subject, &c)))
            }),
            Cond::Exists(path) => path.get(item).is_some(),
            Cond::NotExists(path) => path.get(item).is_none(),
            Cond::Type(operand, type_name) => value(operand).is_some_and(|v| v.type_name() == type_name),
            Cond::BeginsWith(subject, prefix) => match (value(subject), value(prefix)) {
                (Some(subject), Some(prefix)) => begins_with(&subject, &prefix),
                _ => false,
            },
            Cond::Contains(subject, part) => match (value(subject), value(part)) {
                (Some(subject), Some(part)) => contains(&subject, &part),
                _ => false,
            },
            Cond::Not(inner) => !inner.matches(item),
            Cond::And(left, right) => left.matches(item) && right.matches(item),
            Cond::Or(left, right) => left.matches(item) || right.matches(item),
        }
    }
}

impl Operand {
    fn collect_names<'a>(&'a self, names: &mut Vec<&'a str>) {
        match self {
            Operand::Path(path) => push_head(names, path),
            Operand::Size(inner) => inner.collect_names(names),
            _ => {}
        }
    }

    /// The operand's value in `item`; `None` for a missing path or a size of a type
    /// that has none.
    fn evaluate<'a>(&'a self, item: &'a Item) -> Option<Cow<'a, AttributeValue>> {
        match self {
            Operand::Path(path) => path.get(item).map(Cow::Borrowed),
            Operand::Value(value) => Some(Cow::Borrowed(value)),
            Operand::Size(inner) => {
                let size = size_of(&*inner.evaluate(item)?)?;
                Number::parse(&size.to_string()).ok().map(|number| Cow::Owned(AttributeValue::N(number)))
            }
        }
    }
}

/// Adds the path's top-level name, once.
fn push_head<'a>(names: &mut Vec<&'a str>, path: &'a DocumentPath) {
    if !names.contains(&path.head()) {
        names.push(path.head());
    }
}

/// `size()`: string length in UTF-8 bytes, binary length, element counts of sets,
/// lists and maps; numbers, booleans and nulls have no size.
fn size_of(value: &AttributeValue) -> Option<usize> {
    Some(match value {
        AttributeValue::S(text) => text.len(),
        AttributeValue::B(bytes) => bytes.len(),
        AttributeValue::Ss(set) => set.len(),
        AttributeValue::Ns(set) => set.len(),
        AttributeValue::Bs(set) => set.len(),
        AttributeValue::L(list) => list.len(),
        AttributeValue::M(map) => map.len(),
        AttributeValue::N(_) | AttributeValue::Bool(_) | AttributeValue::Null => return None,
    })
}

fn compare(left: Option<&AttributeValue>, op: Comparator, right: Option<&AttributeValue>) -> bool {
    let (Some(left), Some(right)) = (left, right) else {
        return op == Comparator::Ne;
    };
    match op {
        Comparator::Eq => equal(left, right),
        Comparator::Ne => !equal(left, right),
        Comparator::Lt => order(left, right) == Some(Ordering::Less),
        Comparator::Le => matches!(order(left, right), Some(Ordering::Less | Ordering::Equal)),
        Comparator::Gt => order(left, right) == Some(Ordering::Greater),
        Comparator::Ge => matches!(order(left, right), Some(Ordering::Greater | Ordering::Equal)),
    }
}

fn between(subject: &AttributeValue, low: &AttributeValue, high: &AttributeValue) -> bool {
    matches!(order(subject, low), Some(Ordering::Greater | Ordering::Equal))
        && matches!(order(subject, high), Some(Ordering::Less | Ordering::Equal))
}

/// DynamoDB's equality: same type and value; sets ignore element order.
pub(crate) fn equal(left: &AttributeValue, right: &AttributeValue) -> bool {
    use AttributeValue::*;
    match (left, right) {
        (Ss(a), Ss(b)) => same_set(a, b),
        (Ns(a), Ns(b)) => same_set(a, b),
        (Bs(a), Bs(b)) => same_set(a, b),
        (L(a), L(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| equal(x, y)),
        (M(a), M(b)) => a.len() == b.len() && a.iter().all(|(key, x)| b.get(key).is_some_and(|y| equal(x, y))),
        _ => left == right,
    }
}

/// Sets hold no duplicates, so equal lengths and inclusion mean equality.
fn same_set<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    a.len() == b.len() && a.iter().all(|element| b.contains(element))
}

/// The order of two values of the same scalar type S, N or B.
pub(crate) fn order(left: &AttributeValue, right: &AttributeValue) -> Option<Ordering> {
    use AttributeValue::*;
    match (left, right) {
        (S(a), S(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
        (N(a), N(b)) => Some(a.cmp(b)),
        (B(a), B(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

fn begins_with(subject: &AttributeValue, prefix: &AttributeValue) -> bool {
    match (subject, prefix) {
        (AttributeValue::S(text), AttributeValue::S(start)) => text.starts_with(start.as_str()),
        (AttributeValue::B(bytes), AttributeValue::B(start)) => bytes.starts_with(start),
        _ => false,
    }
}

/// `contains`: a substring of a string, a subsequence of a binary, a member of a set,
/// an element of a list.
fn contains(subject: &AttributeValue, part: &AttributeValue) -> bool {
    use AttributeValue::*;
    match (subject, part) {
        (S(text), S(needle)) => text.contains(needle.as_str()),
        (B(bytes), B(needle)) => needle.is_empty() || bytes.windows(needle.len()).any(|window| window == needle),
        (Ss(set), S(member)) => set.contains(member),
        (Ns(set), N(member)) => set.contains(member),
        (Bs(set), B(member)) => set.contains(member),
        (L(list), _) => list.iter().any(|element| equal(element, part)),
        _ => false,
    }
}

/// A resolved KeyConditionExpression: the partition key value, and optionally a
/// condition on the sort key.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyCondition {
    pub partition_value: AttributeValue,
    pub sort: Option<SortKeyCondition>,
}

/// The conditions DynamoDB allows on a sort key.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKeyCondition {
    /// `sk = :v`
    Equal(AttributeValue),
    /// `sk < :v`
    Less(AttributeValue),
    /// `sk <= :v`
    LessOrEqual(AttributeValue),
    /// `sk > :v`
    Greater(AttributeValue),
    /// `sk >= :v`
    GreaterOrEqual(AttributeValue),
    /// `sk BETWEEN :low AND :high`
    Between(AttributeValue, AttributeValue),
    /// `begins_with(sk, :prefix)`
    BeginsWith(AttributeValue),
}

impl SortKeyCondition {
    /// Whether a sort key value satisfies the condition.
    pub fn matches(&self, value: &AttributeValue) -> bool {
        let is = |bound: &AttributeValue, wanted: &[Ordering]| order(value, bound).is_some_and(|o| wanted.contains(&o));
        match self {
            SortKeyCondition::Equal(bound) => equal(value, bound),
            SortKeyCondition::Less(bound) => is(bound, &[Ordering::Less]),
            SortKeyCondition::LessOrEqual(bound) => is(bound, &[Ordering::Less, Ordering::Equal]),
            SortKeyCondition::Greater(bound) => is(bound, &[Ordering::Greater]),
            SortKeyCondition::GreaterOrEqual(bound) => is(bound, &[Ordering::Greater, Ordering::Equal]),
            SortKeyCondition::Between(low, high) => between(value, low, high),
            SortKeyCondition::BeginsWith(prefix) => begins_with(value, prefix),
        }
    }
}

/// A resolved ProjectionExpression: the document paths to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub(crate) paths: Vec<DocumentPath>,
}

impl Projection {
    /// The item with only the projected paths (nested maps and list elements kept
    /// as DynamoDB keeps them).
    pub fn apply(&self, item: &Item) -> Item {
        super::projection::project(&self.paths, item)
    }

    /// The projected paths, in the expression's order.
    pub fn paths(&self) -> &[DocumentPath] {
        &self.paths
    }
}

/// An operand of a SET action's value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum UpdateOperand {
    /// The value at a path of the item as it was before the update.
    Path(DocumentPath),
    /// A literal from ExpressionAttributeValues.
    Value(AttributeValue),
    /// `if_not_exists(path, operand)`
    IfNotExists(DocumentPath, Box<UpdateOperand>),
    /// `list_append(operand, operand)`
    ListAppend(Box<UpdateOperand>, Box<UpdateOperand>),
}

/// The value a SET action writes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum UpdateValue {
    /// `operand`
    Operand(UpdateOperand),
    /// `operand + operand`
    Plus(UpdateOperand, UpdateOperand),
    /// `operand - operand`
    Minus(UpdateOperand, UpdateOperand),
}

/// One resolved update action.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum UpdateAction {
    /// `SET path = value`
    Set(DocumentPath, UpdateValue),
    /// `REMOVE path`
    Remove(DocumentPath),
    /// `ADD path :value` (a number or a set)
    Add(DocumentPath, AttributeValue),
    /// `DELETE path :set`
    Delete(DocumentPath, AttributeValue),
}

impl UpdateAction {
    pub(crate) fn path(&self) -> &DocumentPath {
        match self {
            UpdateAction::Set(path, _)
            | UpdateAction::Remove(path)
            | UpdateAction::Add(path, _)
            | UpdateAction::Delete(path, _) => path,
        }
    }
}

/// A resolved UpdateExpression, or the update AttributeUpdates asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub(crate) actions: Vec<UpdateAction>,
    /// From AttributeUpdates: ADD also appends to lists, and a type mismatch has
    /// AttributeUpdates' own message.
    pub(crate) legacy: bool,
}

impl Update {
    /// `item` after the update (empty when none existed), or DynamoDB's error for an
    /// action that cannot apply (type mismatch, overflow, ...). Every action reads the
    /// item as it was before any of them.
    pub fn apply(&self, item: Item) -> Result<Item> {
        super::update::apply(&self.actions, item, self.legacy)
    }

    /// The top-level attribute names the update writes or removes (key attributes
    /// may not be among them).
    pub fn top_level_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for action in &self.actions {
            let name = action.path().head();
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// The paths the update writes or removes, as a projection: what UPDATED_OLD and
    /// UPDATED_NEW return.
    pub fn updated_paths(&self) -> Projection {
        Projection { paths: self.actions.iter().map(|action| action.path().clone()).collect() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.to_owned())
    }

    fn n(text: &str) -> AttributeValue {
        AttributeValue::N(Number::parse(text).unwrap())
    }

    #[test]
    fn equality_ignores_set_order_and_number_spelling() {
        assert!(equal(
            &AttributeValue::Ss(vec!["a".into(), "b".into()]),
            &AttributeValue::Ss(vec!["b".into(), "a".into()])
        ));
        assert!(equal(&n("1.0"), &n("1")));
        assert!(!equal(&n("1"), &s("1")));
        let list = |values: Vec<AttributeValue>| AttributeValue::L(values);
        assert!(!equal(&list(vec![s("a"), s("b")]), &list(vec![s("b"), s("a")])));
    }

    #[test]
    fn ordering_only_on_scalars_of_one_type() {
        assert_eq!(order(&n("10"), &n("9")), Some(Ordering::Greater));
        assert_eq!(order(&s("B"), &s("a")), Some(Ordering::Less));
        assert_eq!(order(&n("1"), &s("1")), None);
        assert_eq!(order(&AttributeValue::Bool(true), &AttributeValue::Bool(true)), None);
    }

    #[test]
    fn sort_key_conditions() {
        assert!(SortKeyCondition::Between(n("1"), n("3")).matches(&n("2")));
        assert!(!SortKeyCondition::Between(n("1"), n("3")).matches(&n("4")));
        assert!(SortKeyCondition::BeginsWith(s("ab")).matches(&s("abc")));
        assert!(!SortKeyCondition::BeginsWith(s("ab")).matches(&n("1")));
        assert!(SortKeyCondition::LessOrEqual(s("b")).matches(&s("b")));
        assert!(!SortKeyCondition::Less(s("b")).matches(&n("1")));
    }

    #[test]
    fn contains_and_sizes() {
        assert!(contains(&s("hello"), &s("ell")));
        assert!(contains(&AttributeValue::B(vec![1, 2, 3]), &AttributeValue::B(vec![2, 3])));
        assert!(contains(&AttributeValue::Ns(vec![Number::parse("1").unwrap()]), &n("1.0")));
        assert!(contains(&AttributeValue::L(vec![s("a"), n("1")]), &n("1")));
        assert!(!contains(&s("1"), &n("1")));
        assert_eq!(size_of(&s("héllo")), Some(6));
        assert_eq!(size_of(&n("1")), None);
    }

    #[test]
    fn path_display_and_lookup() {
        let path =
            DocumentPath(vec![PathElement::Attr("a".into()), PathElement::Index(1), PathElement::Attr("b".into())]);
        assert_eq!(path.to_string(), "[a, [1], b]");
        let mut inner = Item::new();
        inner.insert("b".into(), s("x"));
        let mut item = Item::new();
        item.insert("a".into(), AttributeValue::L(vec![s("zero"), AttributeValue::M(inner)]));
        assert_eq!(path.get(&item), Some(&s("x")));
        let wrong = DocumentPath(vec![PathElement::Attr("a".into()), PathElement::Attr("b".into())]);
        assert_eq!(wrong.get(&item), None);
    }
}
