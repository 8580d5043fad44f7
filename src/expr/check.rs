//! Semantic checks on parsed expressions, in DynamoDB's order, and resolution of
//! placeholders into the trees of [`super::ast`].
//!
//! DynamoDB reports one error per request, and when an expression breaks several
//! rules it picks by rule, not by position: the order here follows dynalite's
//! AWS-recorded behaviour (redundant parentheses, function names, misused functions,
//! reserved words, undefined placeholders, operand counts, distinct operands, operand
//! types for conditions; reserved words, function names, repeated clauses, undefined
//! names, undefined values, overlapping then conflicting paths, operand types for
//! updates).

use super::ast::{self, Cond, DocumentPath, PathElement, UpdateAction, UpdateOperand, UpdateValue};
use super::placeholders::Placeholders;
use super::reserved::is_reserved;
use super::syntax::*;
use crate::json;
use crate::model::{AttributeValue, CompactCollect};

/// A message for the caller to prefix with `Invalid <Parameter>: `.
pub type Check<T> = Result<T, String>;

/// Functions of conditions and their operand counts.
const CONDITION_FUNCTIONS: [(&str, usize); 6] = [
    ("attribute_exists", 1),
    ("attribute_not_exists", 1),
    ("attribute_type", 2),
    ("begins_with", 2),
    ("contains", 2),
    ("size", 1),
];

/// Functions of updates and their operand counts.
const UPDATE_FUNCTIONS: [(&str, usize); 2] = [("if_not_exists", 2), ("list_append", 2)];

/// The type names `attribute_type` accepts, in DynamoDB's message order.
const TYPE_NAMES: [&str; 10] = ["B", "NULL", "SS", "BOOL", "L", "BS", "N", "NS", "S", "M"];

/// The IN operator's most operands.
const MAX_IN_OPERANDS: usize = 100;

/// Where a function call sits.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// Standing as a condition.
    Condition,
    /// Standing as an operand.
    Operand,
}

/// The nodes of a condition that checks look at, in textual order.
enum Node<'t> {
    Cond(&'t CondExpr),
    Call(&'t Call, Place),
    Path(&'t Path),
    Value(&'t str),
}

fn collect_cond<'t>(cond: &'t CondExpr, out: &mut Vec<Node<'t>>) {
    match cond {
        CondExpr::Not(inner) => collect_cond(inner, out),
        CondExpr::And(left, right) | CondExpr::Or(left, right) => {
            collect_cond(left, out);
            collect_cond(right, out);
        }
        CondExpr::Call(call) => {
            out.push(Node::Call(call, Place::Condition));
            call.args.iter().for_each(|arg| collect_operand(arg, out));
        }
        CondExpr::Compare(left, _, right) => {
            out.push(Node::Cond(cond));
            collect_operand(left, out);
            collect_operand(right, out);
        }
        CondExpr::Between(subject, low, high) => {
            out.push(Node::Cond(cond));
            [subject, low, high].into_iter().for_each(|operand| collect_operand(operand, out));
        }
        CondExpr::In(subject, list) => {
            out.push(Node::Cond(cond));
            collect_operand(subject, out);
            list.iter().for_each(|operand| collect_operand(operand, out));
        }
    }
}

fn collect_operand<'t>(operand: &'t Operand, out: &mut Vec<Node<'t>>) {
    match operand {
        Operand::Path(path) => out.push(Node::Path(path)),
        Operand::Value(name) => out.push(Node::Value(name)),
        Operand::Call(call) => {
            out.push(Node::Call(call, Place::Operand));
            call.args.iter().for_each(|arg| collect_operand(arg, out));
        }
    }
}

/// Runs `check` on every node until one fails.
fn each<'t>(nodes: &[Node<'t>], check: impl FnMut(&Node<'t>) -> Check<()>) -> Check<()> {
    nodes.iter().try_for_each(check)
}

/// Resolves names and values against the request's placeholders.
struct Resolver<'p> {
    placeholders: &'p Placeholders,
}

impl Resolver<'_> {
    fn path(&self, path: &Path) -> Check<DocumentPath> {
        let elements = path.steps.iter().map(|step| -> Check<PathElement> {
            Ok(match step {
                PathStep::Attr(name) => PathElement::Attr(name.clone()),
                PathStep::Name(key) => PathElement::Attr(self.name(key)?.to_owned()),
                PathStep::Index(index) => PathElement::Index(*index),
            })
        });
        Ok(DocumentPath(elements.try_collect_vec()?))
    }

    fn name(&self, key: &str) -> Check<&str> {
        self.placeholders.name(key).ok_or_else(|| {
            format!("An expression attribute name used in the document path is not defined; attribute name: {key}")
        })
    }

    fn value(&self, key: &str) -> Check<&AttributeValue> {
        self.placeholders.value(key).ok_or_else(|| {
            format!("An expression attribute value used in expression is not defined; attribute value: {key}")
        })
    }

    /// The literal type of an operand, when known before evaluation.
    fn type_of(&self, operand: &Operand) -> Option<&'static str> {
        match operand {
            Operand::Value(key) => self.placeholders.value(key).map(AttributeValue::type_name),
            Operand::Call(call) if call.name == "size" => Some("N"),
            Operand::Call(call) if call.name == "list_append" => Some("L"),
            Operand::Call(call) if CONDITION_FUNCTIONS.iter().any(|(name, _)| *name == call.name) => Some("BOOL"),
            _ => None,
        }
    }
}

/// The first reserved word used as a bare name in `path`.
fn reserved_in(path: &Path) -> Check<()> {
    for step in &path.steps {
        if let PathStep::Attr(name) = step {
            if is_reserved(name) {
                return Err(format!("Attribute name is a reserved keyword; reserved keyword: {name}"));
            }
        }
    }
    Ok(())
}

/// Where a function is refused, as DynamoDB words it for each expression.
#[derive(Clone, Copy)]
pub enum Context {
    /// ConditionExpression.
    Condition,
    /// FilterExpression.
    Filter,
    /// KeyConditionExpression.
    KeyCondition,
}

impl Context {
    fn phrase(self) -> &'static str {
        match self {
            Context::Condition => "a condition expression",
            Context::Filter => "a filter expression",
            Context::KeyCondition => "a key condition",
        }
    }
}

fn arity(functions: &[(&str, usize)], name: &str) -> Option<usize> {
    functions.iter().find(|(known, _)| *known == name).map(|(_, count)| *count)
}

fn operand_type_error(function: &str, type_name: &str) -> String {
    format!(
        "Incorrect operand type for operator or function; operator or function: {function}, operand type: {type_name}"
    )
}

/// Checks a parsed condition and resolves it.
pub fn condition(
    parsed: &super::parser::ParsedCondition,
    context: Context,
    placeholders: &Placeholders,
) -> Check<Cond> {
    if parsed.redundant_parens {
        return Err("The expression has redundant parentheses;".to_owned());
    }
    let mut nodes = Vec::new();
    collect_cond(&parsed.expr, &mut nodes);
    let resolver = Resolver { placeholders };
    each(&nodes, |node| match node {
        Node::Call(call, _) if arity(&CONDITION_FUNCTIONS, &call.name).is_some() => Ok(()),
        Node::Call(call, _) if arity(&UPDATE_FUNCTIONS, &call.name).is_some() => {
            Err(format!("The function is not allowed in {}; function: {}", context.phrase(), call.name))
        }
        Node::Call(call, _) => Err(format!("Invalid function name; function: {}", call.name)),
        _ => Ok(()),
    })?;
    each(&nodes, |node| match node {
        Node::Call(call, place) if (*place == Place::Condition) == (call.name == "size") => {
            Err(format!("The function is not allowed to be used this way in an expression; function: {}", call.name))
        }
        _ => Ok(()),
    })?;
    each(&nodes, |node| match node {
        Node::Path(path) => reserved_in(path),
        _ => Ok(()),
    })?;
    each(&nodes, |node| match node {
        Node::Path(path) => resolver.path(path).map(drop),
        Node::Value(key) => resolver.value(key).map(drop),
        _ => Ok(()),
    })?;
    each(&nodes, |node| match node {
        Node::Call(call, _) => check_arity(call, &CONDITION_FUNCTIONS),
        _ => Ok(()),
    })?;
    each(&nodes, |node| check_distinct(node, &resolver))?;
    each(&nodes, |node| check_condition_types(node, &resolver))?;
    resolve_cond(&parsed.expr, &resolver)
}

fn check_arity(call: &Call, functions: &[(&str, usize)]) -> Check<()> {
    match arity(functions, &call.name) {
        Some(count) if count != call.args.len() => Err(format!(
            "Incorrect number of operands for operator or function; operator or function: {}, number of operands: {}",
            call.name,
            call.args.len()
        )),
        _ => Ok(()),
    }
}

/// Refuses `a = a` and `contains(a, a)`: two operands naming one path.
fn check_distinct(node: &Node, resolver: &Resolver) -> Check<()> {
    let (operator, first, second) = match node {
        Node::Cond(CondExpr::Compare(left, op, right)) => (op.symbol(), left, right),
        Node::Call(call, _) if call.args.len() == 2 => (call.name.as_str(), &call.args[0], &call.args[1]),
        _ => return Ok(()),
    };
    let (Operand::Path(first), Operand::Path(second)) = (first, second) else { return Ok(()) };
    let first = resolver.path(first)?;
    if first == resolver.path(second)? {
        return Err(format!(
            "The first operand must be distinct from the remaining operands for this operator or function; \
             operator: {operator}, first operand: {first}"
        ));
    }
    Ok(())
}

fn check_condition_types(node: &Node, resolver: &Resolver) -> Check<()> {
    match node {
        Node::Call(call, _) => check_function_types(call, resolver),
        Node::Cond(CondExpr::Between(_, low, high)) => check_between(low, high, resolver),
        Node::Cond(CondExpr::In(_, list)) if list.len() > MAX_IN_OPERANDS => {
            Err(format!("The IN operator is provided with too many operands; number of operands: {}", list.len()))
        }
        _ => Ok(()),
    }
}

fn check_function_types(call: &Call, resolver: &Resolver) -> Check<()> {
    let name = call.name.as_str();
    match name {
        "attribute_exists" | "attribute_not_exists" if !matches!(call.args[0], Operand::Path(_)) => {
            Err(format!("Operator or function requires a document path; operator or function: {name}"))
        }
        "begins_with" => call.args.iter().try_for_each(|arg| match resolver.type_of(arg) {
            Some(found) if found != "S" && found != "B" => Err(operand_type_error(name, found)),
            _ => Ok(()),
        }),
        "size" => match resolver.type_of(&call.args[0]) {
            Some(found @ ("N" | "BOOL" | "NULL")) => Err(operand_type_error(name, found)),
            _ => Ok(()),
        },
        "attribute_type" => match (&call.args[1], resolver.type_of(&call.args[1])) {
            (Operand::Value(key), Some("S")) => check_type_name(resolver.value(key)?),
            (_, found) => Err(operand_type_error(name, found.unwrap_or("{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"))),
        },
        _ => Ok(()),
    }
}

fn check_type_name(value: &AttributeValue) -> Check<()> {
    match value {
        AttributeValue::S(text) if TYPE_NAMES.contains(&text.as_str()) => Ok(()),
        AttributeValue::S(text) => {
            Err(format!("Invalid attribute type name found; type: {text}, valid types: {{{}}}", TYPE_NAMES.join(",")))
        }
        _ => Ok(()),
    }
}

/// Literal BETWEEN bounds must share a type and be in order.
fn check_between(low: &Operand, high: &Operand, resolver: &Resolver) -> Check<()> {
    let (Operand::Value(low), Operand::Value(high)) = (low, high) else { return Ok(()) };
    let (low, high) = (resolver.value(low)?, resolver.value(high)?);
    let bounds = format!(
        "lower bound operand: AttributeValue: {}, upper bound operand: AttributeValue: {}",
        brace(low),
        brace(high)
    );
    if low.type_name() != high.type_name() {
        return Err(format!("The BETWEEN operator requires same data type for lower and upper bounds; {bounds}"));
    }
    if ast::order(low, high) == Some(std::cmp::Ordering::Greater) {
        return Err(format!(
            "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; {bounds}"
        ));
    }
    Ok(())
}

/// A value as DynamoDB's BETWEEN messages print it: `{S:text}`, `{N:1}`.
fn brace(value: &AttributeValue) -> String {
    let tagged = serde_json::to_value(value).unwrap_or_default();
    let inner = tagged.get(value.type_name()).cloned().unwrap_or_default();
    match inner {
        serde_json::Value::String(text) => format!("{{{}:{text}}}", value.type_name()),
        other => format!("{{{}:{}}}", value.type_name(), json::text(&other)),
    }
}

fn resolve_cond(cond: &CondExpr, resolver: &Resolver) -> Check<Cond> {
    let operand = |operand: &Operand| resolve_operand(operand, resolver);
    Ok(match cond {
        CondExpr::Compare(left, op, right) => Cond::Compare(operand(left)?, *op, operand(right)?),
        CondExpr::Between(subject, low, high) => Cond::Between(operand(subject)?, operand(low)?, operand(high)?),
        CondExpr::In(subject, list) => Cond::In(operand(subject)?, list.iter().map(operand).try_collect_vec()?),
        CondExpr::Call(call) => resolve_call(call, resolver)?,
        CondExpr::Not(inner) => Cond::Not(Box::new(resolve_cond(inner, resolver)?)),
        CondExpr::And(left, right) => {
            Cond::And(Box::new(resolve_cond(left, resolver)?), Box::new(resolve_cond(right, resolver)?))
        }
        CondExpr::Or(left, right) => {
            Cond::Or(Box::new(resolve_cond(left, resolver)?), Box::new(resolve_cond(right, resolver)?))
        }
    })
}

/// A checked function call standing as a condition.
fn resolve_call(call: &Call, resolver: &Resolver) -> Check<Cond> {
    let arg = |index: usize| resolve_operand(&call.args[index], resolver);
    let path = || match arg(0)? {
        ast::Operand::Path(path) => Ok(path),
        _ => Err(format!("Operator or function requires a document path; operator or function: {}", call.name)),
    };
    Ok(match call.name.as_str() {
        "attribute_exists" => Cond::Exists(path()?),
        "attribute_not_exists" => Cond::NotExists(path()?),
        "begins_with" => Cond::BeginsWith(arg(0)?, arg(1)?),
        "contains" => Cond::Contains(arg(0)?, arg(1)?),
        "attribute_type" => match arg(1)? {
            ast::Operand::Value(AttributeValue::S(type_name)) => Cond::Type(arg(0)?, type_name),
            _ => return Err(operand_type_error("attribute_type", "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}")),
        },
        other => return Err(format!("Invalid function name; function: {other}")),
    })
}

fn resolve_operand(operand: &Operand, resolver: &Resolver) -> Check<ast::Operand> {
    Ok(match operand {
        Operand::Path(path) => ast::Operand::Path(resolver.path(path)?),
        Operand::Value(key) => ast::Operand::Value(resolver.value(key)?.clone()),
        Operand::Call(call) if call.name == "size" && call.args.len() == 1 => {
            ast::Operand::Size(Box::new(resolve_operand(&call.args[0], resolver)?))
        }
        Operand::Call(call) => {
            return Err(format!(
                "The function is not allowed to be used this way in an expression; function: {}",
                call.name
            ))
        }
    })
}

/// Checks a parsed projection and resolves its paths.
pub fn projection(parsed: &ProjectionExpr, placeholders: &Placeholders) -> Check<Vec<DocumentPath>> {
    parsed.paths.iter().try_for_each(reserved_in)?;
    let resolver = Resolver { placeholders };
    let paths = parsed.paths.iter().map(|path| resolver.path(path)).try_collect_vec()?;
    check_paths(&paths)?;
    Ok(paths)
}

/// Refuses two paths where one contains the other (overlap), or where one steps into
/// a map and the other into a list at the same place (conflict); overlaps first.
fn check_paths(paths: &[DocumentPath]) -> Check<()> {
    let mut conflict = None;
    for (position, second) in paths.iter().enumerate() {
        for first in &paths[..position] {
            match relation(first, second) {
                Relation::Overlap => {
                    return Err(format!(
                        "Two document paths overlap with each other; must remove or rewrite one of these paths; \
                         path one: {first}, path two: {second}"
                    ))
                }
                Relation::Conflict if conflict.is_none() => {
                    conflict = Some(format!(
                        "Two document paths conflict with each other; must remove or rewrite one of these paths; \
                         path one: {first}, path two: {second}"
                    ))
                }
                _ => {}
            }
        }
    }
    conflict.map_or(Ok(()), Err)
}

enum Relation {
    Independent,
    Overlap,
    Conflict,
}

fn relation(first: &DocumentPath, second: &DocumentPath) -> Relation {
    for (a, b) in first.0.iter().zip(&second.0) {
        match (a, b) {
            (PathElement::Attr(_), PathElement::Index(_)) | (PathElement::Index(_), PathElement::Attr(_)) => {
                return Relation::Conflict
            }
            _ if a != b => return Relation::Independent,
            _ => {}
        }
    }
    Relation::Overlap
}

/// The SET operands of an update, in textual order.
fn collect_set_operands<'t>(value: &'t SetValue, out: &mut Vec<&'t Operand>) {
    fn walk<'t>(operand: &'t Operand, out: &mut Vec<&'t Operand>) {
        out.push(operand);
        if let Operand::Call(call) = operand {
            call.args.iter().for_each(|arg| walk(arg, out));
        }
    }
    match value {
        SetValue::Operand(operand) => walk(operand, out),
        SetValue::Plus(left, right) | SetValue::Minus(left, right) => {
            walk(left, out);
            walk(right, out);
        }
    }
}

/// Checks a parsed update and resolves its actions.
pub fn update(parsed: &UpdateExpr, placeholders: &Placeholders) -> Check<Vec<UpdateAction>> {
    let actions: Vec<&Action> = parsed.clauses.iter().flat_map(|clause| &clause.actions).collect();
    let mut operands = Vec::new();
    for action in &actions {
        if let Action::Set(_, value) = action {
            collect_set_operands(value, &mut operands);
        }
    }
    fn target<'t>(action: &&'t Action) -> &'t Path {
        match action {
            Action::Set(path, _) | Action::Remove(path) | Action::Add(path, _) | Action::Delete(path, _) => path,
        }
    }
    for action in &actions {
        reserved_in(target(action))?;
    }
    for operand in &operands {
        match operand {
            Operand::Path(path) => reserved_in(path)?,
            Operand::Call(call) => check_update_function_name(call)?,
            Operand::Value(_) => {}
        }
    }
    check_clauses_once(parsed)?;
    let resolver = Resolver { placeholders };
    let targets = actions.iter().map(|action| resolver.path(target(action))).try_collect_vec()?;
    for operand in &operands {
        if let Operand::Path(path) = operand {
            resolver.path(path)?;
        }
    }
    for action in &actions {
        match action {
            Action::Add(_, key) | Action::Delete(_, key) => drop(resolver.value(key)?),
            Action::Set(..) | Action::Remove(_) => {}
        }
    }
    for operand in &operands {
        if let Operand::Value(key) = operand {
            resolver.value(key)?;
        }
    }
    check_paths(&targets)?;
    for action in &actions {
        check_add_delete_type(action, &resolver)?;
    }
    for action in &actions {
        if let Action::Set(_, value) = action {
            check_set_value(value, &resolver)?;
        }
    }
    actions.iter().zip(targets).map(|(action, path)| resolve_action(action, path, &resolver)).try_collect_vec()
}

fn check_update_function_name(call: &Call) -> Check<()> {
    if arity(&UPDATE_FUNCTIONS, &call.name).is_some() {
        Ok(())
    } else if arity(&CONDITION_FUNCTIONS, &call.name).is_some() {
        Err(format!("The function is not allowed in an update expression; function: {}", call.name))
    } else {
        Err(format!("Invalid function name; function: {}", call.name))
    }
}

fn check_clauses_once(parsed: &UpdateExpr) -> Check<()> {
    for (position, clause) in parsed.clauses.iter().enumerate() {
        if parsed.clauses[..position].iter().any(|earlier| earlier.kind == clause.kind) {
            return Err(format!("The \"{}\" section can only be used once in an update expression;", clause.kind));
        }
    }
    Ok(())
}

/// ADD takes numbers and sets, DELETE sets only.
fn check_add_delete_type(action: &Action, resolver: &Resolver) -> Check<()> {
    let (operator, key) = match action {
        Action::Add(_, key) => ("ADD", key),
        Action::Delete(_, key) => ("DELETE", key),
        Action::Set(..) | Action::Remove(_) => return Ok(()),
    };
    let type_name = match resolver.value(key)? {
        AttributeValue::N(_) if operator == "ADD" => return Ok(()),
        AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_) => return Ok(()),
        AttributeValue::S(_) => "STRING",
        AttributeValue::N(_) => "NUMBER",
        AttributeValue::B(_) => "BINARY",
        AttributeValue::Null => "NULL",
        AttributeValue::Bool(_) => "BOOLEAN",
        AttributeValue::L(_) => "LIST",
        AttributeValue::M(_) => "MAP",
    };
    Err(format!("Incorrect operand type for operator or function; operator: {operator}, operand type: {type_name}"))
}

fn check_set_value(value: &SetValue, resolver: &Resolver) -> Check<()> {
    let (symbol, left, right) = match value {
        SetValue::Operand(operand) => return check_update_operand(operand, resolver),
        SetValue::Plus(left, right) => ("+", left, right),
        SetValue::Minus(left, right) => ("-", left, right),
    };
    check_update_operand(left, resolver)?;
    check_update_operand(right, resolver)?;
    check_literal_types(symbol, &[left, right], "N", resolver)
}

/// Operand values written as literals must have the type the operator needs.
fn check_literal_types(function: &str, operands: &[&Operand], wanted: &str, resolver: &Resolver) -> Check<()> {
    for operand in operands {
        if let Operand::Value(key) = operand {
            let found = resolver.value(key)?.type_name();
            if found != wanted {
                return Err(operand_type_error(function, found));
            }
        }
    }
    Ok(())
}

fn check_update_operand(operand: &Operand, resolver: &Resolver) -> Check<()> {
    let Operand::Call(call) = operand else { return Ok(()) };
    check_arity(call, &UPDATE_FUNCTIONS)?;
    call.args.iter().try_for_each(|arg| check_update_operand(arg, resolver))?;
    match call.name.as_str() {
        "if_not_exists" if !matches!(call.args[0], Operand::Path(_)) => {
            Err("Operator or function requires a document path; operator or function: if_not_exists".to_owned())
        }
        "list_append" => check_literal_types("list_append", &[&call.args[0], &call.args[1]], "L", resolver),
        _ => Ok(()),
    }
}

fn resolve_action(action: &Action, path: DocumentPath, resolver: &Resolver) -> Check<UpdateAction> {
    Ok(match action {
        Action::Set(_, value) => UpdateAction::Set(path, resolve_set_value(value, resolver)?),
        Action::Remove(_) => UpdateAction::Remove(path),
        Action::Add(_, key) => UpdateAction::Add(path, resolver.value(key)?.clone()),
        Action::Delete(_, key) => UpdateAction::Delete(path, resolver.value(key)?.clone()),
    })
}

fn resolve_set_value(value: &SetValue, resolver: &Resolver) -> Check<UpdateValue> {
    let operand = |operand: &Operand| resolve_update_operand(operand, resolver);
    Ok(match value {
        SetValue::Operand(single) => UpdateValue::Operand(operand(single)?),
        SetValue::Plus(left, right) => UpdateValue::Plus(operand(left)?, operand(right)?),
        SetValue::Minus(left, right) => UpdateValue::Minus(operand(left)?, operand(right)?),
    })
}

fn resolve_update_operand(operand: &Operand, resolver: &Resolver) -> Check<UpdateOperand> {
    Ok(match operand {
        Operand::Path(path) => UpdateOperand::Path(resolver.path(path)?),
        Operand::Value(key) => UpdateOperand::Value(resolver.value(key)?.clone()),
        Operand::Call(call) => {
            check_arity(call, &UPDATE_FUNCTIONS)?;
            let arg = |index: usize| resolve_update_operand(&call.args[index], resolver).map(Box::new);
            match (call.name.as_str(), &call.args[0]) {
                ("if_not_exists", Operand::Path(path)) => UpdateOperand::IfNotExists(resolver.path(path)?, arg(1)?),
                ("list_append", _) => UpdateOperand::ListAppend(arg(0)?, arg(1)?),
                _ => {
                    return Err(format!(
                        "Operator or function requires a document path; operator or function: {}",
                        call.name
                    ))
                }
            }
        }
    })
}
