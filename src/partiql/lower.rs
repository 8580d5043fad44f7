//! Binds a statement's `?` parameters and lowers its PartiQL trees into the types the
//! engine evaluates.
//!
//! Conditions and updates are rebuilt as the expression language's syntax trees, every
//! name and value behind a generated placeholder (so no PartiQL name meets the
//! expression language's reserved words), and then checked and resolved by
//! [`crate::expr`] exactly as a ConditionExpression or UpdateExpression would be. Key
//! equalities are picked out of a WHERE clause's top-level ANDs.

use super::ast::{ArithOp, Assignment, Expr, ExprKind, IsType, Literal, Path, Step};
use crate::expr::syntax::{self, Action, Call, Clause, ClauseKind, Comparator, CondExpr, Operand, PathStep, SetValue};
use crate::expr::{self, Condition, ExpressionKind, KeyCondition, Placeholders, SortKeyCondition, Update};
use crate::model::{AttributeValue, CompactCollect, Item, KeySchema, Number};
use crate::{bail_validation, validation, Result};
use std::collections::BTreeMap;

const NOT_BOOLEAN: &str = "WHERE clause must contain an expression that resolves to a boolean";
const MANDATORY_KEY: &str = "Where clause does not contain a mandatory equality on all key attributes";

/// What a write requires of its item's existence, beside its WHERE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// UPDATE and EXISTS: the item exists (DynamoDB answers ConditionalCheckFailedException
    /// to an UPDATE of a missing item), and the rest of the WHERE holds.
    MustExist,
    /// DELETE: a missing item is fine whatever the rest says; an existing one must meet it.
    MayBeAbsent,
    /// INSERT in a transaction: the key is not taken.
    MustBeAbsent,
}

/// Binds one statement's parameters and collects the placeholders its lowered
/// expressions use.
pub struct Binder<'p> {
    parameters: &'p [AttributeValue],
    placeholders: Placeholders,
    names: BTreeMap<String, String>,
    values: usize,
}

impl<'p> Binder<'p> {
    /// A binder for a statement with `parameter_count` `?`s. DynamoDB refuses fewer
    /// parameters than that and ignores extra ones.
    pub fn new(parameters: &'p [AttributeValue], parameter_count: usize) -> Result<Binder<'p>> {
        if parameters.len() < parameter_count {
            bail_validation!("Number of parameters in request and statement don't match.");
        }
        Ok(Binder { parameters, placeholders: Placeholders::default(), names: BTreeMap::new(), values: 0 })
    }

    /// The value a literal, parameter, list, tuple or bag stands for.
    pub fn value(&self, expr: &Expr) -> Result<AttributeValue> {
        self.value_at(expr, "root")
    }

    fn value_at(&self, expr: &Expr, at: &str) -> Result<AttributeValue> {
        Ok(match &expr.kind {
            ExprKind::Literal(Literal::Str(text)) => AttributeValue::S(text.clone()),
            ExprKind::Literal(Literal::Number(text)) => {
                AttributeValue::N(Number::parse(text).map_err(|error| validation!("{} under {at}", error.message))?)
            }
            ExprKind::Literal(Literal::Bool(value)) => AttributeValue::Bool(*value),
            ExprKind::Literal(Literal::Null) => AttributeValue::Null,
            ExprKind::Literal(Literal::Missing) => bail_validation!("MISSING must be compared using IS operator"),
            ExprKind::Param(index) => self.parameter(*index)?,
            ExprKind::List(items) => AttributeValue::L(
                items
                    .iter()
                    .enumerate()
                    .map(|(position, item)| self.value_at(item, &format!("{at}[{position}]")))
                    .try_collect_vec()?,
            ),
            ExprKind::Tuple(pairs) => AttributeValue::M(self.tuple(pairs, at)?),
            ExprKind::Bag(items) => bag(items)?,
            _ => bail_validation!("Unsupported data type: {} under key {at}", kind_name(expr)),
        })
    }

    fn parameter(&self, index: usize) -> Result<AttributeValue> {
        self.parameters
            .get(index)
            .cloned()
            .ok_or_else(|| validation!("Number of parameters in request and statement don't match."))
    }

    fn tuple(&self, pairs: &[(Expr, Expr)], at: &str) -> Result<Item> {
        let mut item = Item::new();
        for (key, value) in pairs {
            let key = match self.value_at(key, at)? {
                AttributeValue::S(key) => key,
                other => {
                    bail_validation!("Tuple keys must be of type String. Actual type: {} under {at}", other.type_name())
                }
            };
            if key.is_empty() {
                // The same refusal as an empty name in DynamoDB JSON (no PartiQL text is known).
                bail_validation!("Empty attribute name");
            }
            if item.contains_key(&key) {
                bail_validation!("Duplicate keys in tuple. Key: {key} under {at}");
            }
            let value = self.value_at(value, &format!("{at}.{key}"))?;
            item.insert(key, value);
        }
        Ok(item)
    }

    /// The item an INSERT's VALUE writes: it must be a tuple.
    pub fn item(&self, expr: &Expr) -> Result<Item> {
        match &expr.kind {
            ExprKind::Tuple(pairs) => {
                let item = self.tuple(pairs, "root")?;
                expr::check_nesting(&item)?;
                Ok(item)
            }
            ExprKind::Bag(items) if items.iter().any(|item| matches!(item.kind, ExprKind::Tuple(_))) => {
                bail_validation!(
                    "Unsupported operation: Inserting multiple items in a single statement is not supported, use \"INSERT INTO tableName VALUE item\" instead"
                )
            }
            _ => bail_validation!(
                "Unsupported format in item expression. Please use struct format {{...}} to express item values for insert statement."
            ),
        }
    }

    /// A WHERE clause (or the part of one left beside the key) as a condition.
    pub fn condition(&mut self, parts: &[&Expr], kind: ExpressionKind) -> Result<Option<Condition>> {
        match self.lower_all(parts)? {
            Some(cond) => expr::resolve_condition(cond, kind, &self.placeholders).map(Some),
            None => Ok(None),
        }
    }

    /// The condition a write (or a transaction's EXISTS check) runs under: its `guard` on
    /// the item's existence, with the `rest` of its WHERE beside the key.
    pub fn write_condition(&mut self, rest: &[&Expr], schema: &KeySchema, guard: Guard) -> Result<Option<Condition>> {
        let rest = self.lower_all(rest)?;
        let partition =
            Operand::Path(syntax::Path { steps: vec![PathStep::Name(self.name_key(&schema.partition.name))] });
        let test = |name: &str| CondExpr::Call(Call { name: name.into(), args: vec![partition.clone()] });
        let cond = match (guard, rest) {
            (Guard::MustExist, None) => test("attribute_exists"),
            (Guard::MustExist, Some(rest)) => and(test("attribute_exists"), rest),
            (Guard::MustBeAbsent, _) => test("attribute_not_exists"),
            (Guard::MayBeAbsent, None) => return Ok(None),
            (Guard::MayBeAbsent, Some(rest)) => CondExpr::Or(Box::new(test("attribute_not_exists")), Box::new(rest)),
        };
        expr::resolve_condition(cond, ExpressionKind::Condition, &self.placeholders).map(Some)
    }

    /// The parts lowered and joined by AND; `None` when there are none.
    fn lower_all(&mut self, parts: &[&Expr]) -> Result<Option<CondExpr>> {
        let lowered = parts.iter().map(|part| self.cond(part)).try_collect_vec()?;
        Ok(lowered.into_iter().reduce(and))
    }

    fn cond(&mut self, expr: &Expr) -> Result<CondExpr> {
        let boxed = |cond| Box::new(cond);
        Ok(match &expr.kind {
            ExprKind::And(left, right) => CondExpr::And(boxed(self.cond(left)?), boxed(self.cond(right)?)),
            ExprKind::Or(left, right) => CondExpr::Or(boxed(self.cond(left)?), boxed(self.cond(right)?)),
            ExprKind::Not(inner) => CondExpr::Not(boxed(self.cond(inner)?)),
            ExprKind::Compare(left, op, right) => {
                let (left, right) = (self.operand(left)?, self.operand(right)?);
                self.check_ordering(*op, [&left, &right])?;
                CondExpr::Compare(left, *op, right)
            }
            ExprKind::Between(subject, low, high) => {
                CondExpr::Between(self.operand(subject)?, self.operand(low)?, self.operand(high)?)
            }
            ExprKind::In(_, items) if items.is_empty() => bail_validation!(
                "IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq with at least one member"
            ),
            ExprKind::In(subject, items) => CondExpr::In(
                self.operand(subject)?,
                items.iter().map(|item| self.operand(item)).try_collect_vec()?,
            ),
            ExprKind::Is(subject, tested) => self.is(subject, *tested)?,
            ExprKind::Call(name, args) => CondExpr::Call(self.call(name, args)?),
            _ => bail_validation!("{NOT_BOOLEAN}"),
        })
    }

    /// `IS MISSING` is attribute_not_exists; `IS NULL` holds for NULL and for MISSING,
    /// as in PartiQL.
    fn is(&mut self, subject: &Expr, tested: IsType) -> Result<CondExpr> {
        let ExprKind::Path(path) = &subject.kind else {
            bail_validation!("The left hand side argument to IS must be a Variable Reference, Literal, or Path")
        };
        let path = self.path(path);
        let missing =
            CondExpr::Call(Call { name: "attribute_not_exists".into(), args: vec![Operand::Path(path.clone())] });
        Ok(match tested {
            IsType::Missing => missing,
            IsType::Null => {
                let null = self.placeholder_value(AttributeValue::S("NULL".into()));
                let typed =
                    CondExpr::Call(Call { name: "attribute_type".into(), args: vec![Operand::Path(path), null] });
                CondExpr::Or(Box::new(missing), Box::new(typed))
            }
        })
    }

    /// An ordering comparison needs operands that have an order: S, N or B.
    fn check_ordering(&self, op: Comparator, operands: [&Operand; 2]) -> Result<()> {
        if matches!(op, Comparator::Eq | Comparator::Ne) {
            return Ok(());
        }
        for operand in operands {
            if let Operand::Value(key) = operand {
                let type_name = self.placeholders.value(key).map_or("S", AttributeValue::type_name);
                if !matches!(type_name, "S" | "N" | "B") {
                    bail_validation!(
                        "Incorrect operand type for operator or function; operator or function: {}, operand type: {type_name}",
                        op.symbol()
                    );
                }
            }
        }
        Ok(())
    }

    fn call(&mut self, name: &str, args: &[Expr]) -> Result<Call> {
        let name = name.to_ascii_lowercase();
        const KNOWN: [&str; 8] = [
            "attribute_exists",
            "attribute_not_exists",
            "attribute_type",
            "begins_with",
            "contains",
            "size",
            "list_append",
            "if_not_exists",
        ];
        if !KNOWN.contains(&name.as_str()) {
            bail_validation!("Unrecognized function: {name}");
        }
        let args = args.iter().map(|arg| self.operand(arg)).try_collect_vec()?;
        Ok(Call { name, args })
    }

    fn operand(&mut self, expr: &Expr) -> Result<Operand> {
        Ok(match &expr.kind {
            ExprKind::Path(path) => Operand::Path(self.path(path)),
            ExprKind::Call(name, args) => Operand::Call(self.call(name, args)?),
            ExprKind::Literal(Literal::Missing) => bail_validation!("MISSING must be compared using IS operator"),
            ExprKind::Literal(_) | ExprKind::Param(_) | ExprKind::List(_) | ExprKind::Tuple(_) | ExprKind::Bag(_) => {
                let value = self.value(expr)?;
                self.placeholder_value(value)
            }
            ExprKind::Arith(_, op, _) => {
                let symbol = if *op == ArithOp::Plus { "+" } else { "-" };
                bail_validation!("Unsupported operator in Condition Expression. Operator: {symbol}")
            }
            _ => bail_validation!("{NOT_BOOLEAN}"),
        })
    }

    fn placeholder_value(&mut self, value: AttributeValue) -> Operand {
        Operand::Value(self.value_key(value))
    }

    /// A new value placeholder standing for `value`.
    fn value_key(&mut self, value: AttributeValue) -> String {
        let key = format!(":v{}", self.values);
        self.values += 1;
        self.placeholders.add_value(key.clone(), value);
        key
    }

    /// The path with each name behind a placeholder (one per distinct name).
    fn path(&mut self, path: &Path) -> syntax::Path {
        let steps = path
            .steps
            .iter()
            .map(|step| match step {
                Step::Name(name) => PathStep::Name(self.name_key(name)),
                Step::Index(index) => PathStep::Index(*index),
            })
            .collect();
        syntax::Path { steps }
    }

    fn name_key(&mut self, name: &str) -> String {
        if let Some(key) = self.names.get(name) {
            return key.clone();
        }
        let key = format!("#n{}", self.names.len());
        self.names.insert(name.to_owned(), key.clone());
        self.placeholders.add_name(key.clone(), name.to_owned());
        key
    }

    /// An UPDATE's SET and REMOVE actions as an update: `set_add` and `set_delete`
    /// become ADD and DELETE actions.
    pub fn update(&mut self, assignments: &[Assignment]) -> Result<Update> {
        let mut clauses: Vec<Clause> = Vec::new();
        for assignment in assignments {
            let action = self.action(assignment)?;
            let kind = match action {
                Action::Set(..) => ClauseKind::Set,
                Action::Remove(_) => ClauseKind::Remove,
                Action::Add(..) => ClauseKind::Add,
                Action::Delete(..) => ClauseKind::Delete,
            };
            match clauses.iter_mut().find(|clause| clause.kind == kind) {
                Some(clause) => clause.actions.push(action),
                None => clauses.push(Clause { kind, actions: vec![action] }),
            }
        }
        expr::resolve_update(&syntax::UpdateExpr { clauses }, &self.placeholders)
    }

    fn action(&mut self, assignment: &Assignment) -> Result<Action> {
        let (target, value) = match assignment {
            Assignment::Remove(path) => return Ok(Action::Remove(self.path(path))),
            Assignment::Set(target, value) => (target, value),
        };
        if let ExprKind::Call(name, args) = &value.kind {
            let upper = name.to_ascii_uppercase();
            if upper == "SET_ADD" || upper == "SET_DELETE" {
                return self.set_operation(&upper[4..], target, args);
            }
        }
        let value = match &value.kind {
            ExprKind::Arith(left, op, right) => {
                let (left, right) = (self.set_operand(left)?, self.set_operand(right)?);
                match op {
                    ArithOp::Plus => SetValue::Plus(left, right),
                    ArithOp::Minus => SetValue::Minus(left, right),
                }
            }
            _ => SetValue::Operand(self.set_operand(value)?),
        };
        Ok(Action::Set(self.path(target), value))
    }

    fn set_operand(&mut self, expr: &Expr) -> Result<Operand> {
        match &expr.kind {
            ExprKind::Arith(_, op, _) => {
                let symbol = if *op == ArithOp::Plus { "+" } else { "-" };
                bail_validation!("Unsupported operator in Update Expression. Operator: {symbol}")
            }
            _ => self.operand(expr),
        }
    }

    /// `SET s = set_add(s, <<...>>)` is `ADD s :set`; `set_delete` is `DELETE s :set`.
    fn set_operation(&mut self, operation: &str, target: &Path, args: &[Expr]) -> Result<Action> {
        let [first, second] = args else { bail_validation!("SET_{operation} must have exactly two arguments") };
        if !matches!(&first.kind, ExprKind::Path(path) if path == target) {
            bail_validation!("The first argument to SET_{operation} must equal the assignment value");
        }
        let set = match self.value(second) {
            Ok(set @ (AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_))) => set,
            _ => bail_validation!("The second argument to SET_{operation} must be a value with type SET"),
        };
        let key = self.value_key(set);
        let path = self.path(target);
        Ok(if operation == "ADD" { Action::Add(path, key) } else { Action::Delete(path, key) })
    }

    /// The full primary key a DML statement's WHERE names by equality, and the rest of
    /// its top-level conjuncts (the condition).
    pub fn split_key<'e>(&self, filter: &'e Expr, schema: &KeySchema) -> Result<(Item, Vec<&'e Expr>)> {
        let mut key = Item::new();
        let mut rest = Vec::new();
        for part in conjuncts(filter) {
            let equality = key_equality(part).filter(|(name, _)| schema.iter().any(|key| key.name == *name));
            let Some((name, value)) = equality else {
                rest.push(part);
                continue;
            };
            if key.contains_key(name) {
                bail_validation!(
                    "Multiple conditions on same key {name}. Only single item Update/Insert/Delete are supported"
                );
            }
            key.insert(name.to_owned(), self.value(value)?);
        }
        for attribute in schema.iter() {
            match key.get(&attribute.name) {
                None => bail_validation!("{MANDATORY_KEY}"),
                Some(value) if !attribute.scalar.matches(value) => bail_validation!(
                    "Key attribute's data type should match its data type in table's schema: Key {}",
                    attribute.name
                ),
                Some(_) => {}
            }
        }
        Ok((key, rest))
    }

    /// The key condition a SELECT's WHERE allows: an equality on the partition key among
    /// its top-level conjuncts (of the key's type), and the first usable condition on
    /// the sort key. `None` means the read is a scan.
    pub fn key_condition(&self, filter: Option<&Expr>, schema: &KeySchema) -> Result<Option<KeyCondition>> {
        let Some(filter) = filter else { return Ok(None) };
        let parts = conjuncts(filter);
        let mut partition_value = None;
        for (name, value) in parts.iter().filter_map(|part| key_equality(part)) {
            let value = self.value(value)?;
            if name == schema.partition.name && schema.partition.scalar.matches(&value) {
                partition_value = Some(value);
                break;
            }
        }
        let Some(partition_value) = partition_value else { return Ok(None) };
        let mut sort = None;
        if let Some(attribute) = &schema.sort {
            for part in &parts {
                sort = self.sort_condition(part, &attribute.name)?;
                let typed =
                    sort.as_ref().is_some_and(|sort| sort_values(sort).iter().all(|v| attribute.scalar.matches(v)));
                if typed {
                    break;
                }
                sort = None;
            }
        }
        Ok(Some(KeyCondition { partition_value, sort }))
    }

    fn sort_condition(&self, part: &Expr, name: &str) -> Result<Option<SortKeyCondition>> {
        let named =
            |expr: &Expr| matches!(&expr.kind, ExprKind::Path(path) if path.steps == [Step::Name(name.to_owned())]);
        let bound = |expr: &Expr| is_value(expr).then(|| self.value(expr)).transpose();
        Ok(match &part.kind {
            ExprKind::Compare(left, op, right) => {
                let (op, value) = match (named(left), named(right)) {
                    (true, false) => (*op, right),
                    (false, true) => (op.flipped(), left),
                    _ => return Ok(None),
                };
                let Some(value) = bound(value)? else { return Ok(None) };
                match op {
                    Comparator::Eq => Some(SortKeyCondition::Equal(value)),
                    Comparator::Lt => Some(SortKeyCondition::Less(value)),
                    Comparator::Le => Some(SortKeyCondition::LessOrEqual(value)),
                    Comparator::Gt => Some(SortKeyCondition::Greater(value)),
                    Comparator::Ge => Some(SortKeyCondition::GreaterOrEqual(value)),
                    Comparator::Ne => None,
                }
            }
            ExprKind::Between(subject, low, high) if named(subject) => {
                bound(low)?.zip(bound(high)?).map(|(low, high)| SortKeyCondition::Between(low, high))
            }
            ExprKind::Call(function, args) if function.eq_ignore_ascii_case("begins_with") => match args.as_slice() {
                [subject, prefix] if named(subject) => bound(prefix)?.map(SortKeyCondition::BeginsWith),
                _ => None,
            },
            _ => None,
        })
    }
}

fn and(left: CondExpr, right: CondExpr) -> CondExpr {
    CondExpr::And(Box::new(left), Box::new(right))
}

/// The values a sort key condition compares with.
fn sort_values(condition: &SortKeyCondition) -> Vec<&AttributeValue> {
    match condition {
        SortKeyCondition::Equal(value)
        | SortKeyCondition::Less(value)
        | SortKeyCondition::LessOrEqual(value)
        | SortKeyCondition::Greater(value)
        | SortKeyCondition::GreaterOrEqual(value)
        | SortKeyCondition::BeginsWith(value) => vec![value],
        SortKeyCondition::Between(low, high) => vec![low, high],
    }
}

/// The top-level conjuncts of a WHERE clause.
fn conjuncts(expr: &Expr) -> Vec<&Expr> {
    let mut parts = Vec::new();
    let mut pending = vec![expr];
    while let Some(expr) = pending.pop() {
        match &expr.kind {
            ExprKind::And(left, right) => pending.extend([right.as_ref(), left.as_ref()]),
            _ => parts.push(expr),
        }
    }
    parts
}

/// Whether an expression is a value (literal, parameter, list, tuple or bag).
fn is_value(expr: &Expr) -> bool {
    matches!(
        expr.kind,
        ExprKind::Literal(_) | ExprKind::Param(_) | ExprKind::List(_) | ExprKind::Tuple(_) | ExprKind::Bag(_)
    )
}

/// `name = value` (either way round) with a top-level attribute name.
fn key_equality(expr: &Expr) -> Option<(&str, &Expr)> {
    let ExprKind::Compare(left, Comparator::Eq, right) = &expr.kind else { return None };
    match (top_name(left), top_name(right)) {
        (Some(name), None) if is_value(right) => Some((name, right)),
        (None, Some(name)) if is_value(left) => Some((name, left)),
        _ => None,
    }
}

/// The attribute name of a path that is a bare top-level name.
fn top_name(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::Path(Path { steps, .. }) => match steps.as_slice() {
            [Step::Name(name)] => Some(name.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// A set from a bag of strings or of numbers.
fn bag(items: &[Expr]) -> Result<AttributeValue> {
    const UNSUPPORTED: &str = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags";
    if items.is_empty() {
        bail_validation!("Empty bags are not supported");
    }
    let texts = || {
        items.iter().map(|item| match &item.kind {
            ExprKind::Literal(Literal::Str(text)) => Some(text.clone()),
            _ => None,
        })
    };
    let set = if let Some(strings) = texts().collect::<Option<Vec<String>>>() {
        let unique = strings.iter().enumerate().all(|(i, text)| !strings[..i].contains(text));
        unique.then_some(AttributeValue::Ss(strings))
    } else {
        let numbers = items.iter().map(|item| match &item.kind {
            ExprKind::Literal(Literal::Number(text)) => Number::parse(text).ok(),
            _ => None,
        });
        let numbers = numbers.collect::<Option<Vec<Number>>>().ok_or_else(|| validation!("{UNSUPPORTED}"))?;
        let unique = numbers.iter().enumerate().all(|(i, number)| !numbers[..i].contains(number));
        unique.then_some(AttributeValue::Ns(numbers))
    };
    set.ok_or_else(|| validation!("Input collection contains duplicates"))
}

/// How DynamoDB names an expression that is not a value, in its messages.
fn kind_name(expr: &Expr) -> &'static str {
    match expr.kind {
        ExprKind::Path(_) => "VariableReference",
        ExprKind::Call(..) => "Call",
        _ => "NAry",
    }
}
