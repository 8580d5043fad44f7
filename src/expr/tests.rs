//! Tests of the public entry points: per construct, per error, round trips and a fuzz.

use super::*;
use crate::fuzz::{self, keep_going, Rng};
use crate::model::{item_from_json, AttributeValue, Item, KeyAttribute, KeySchema, ScalarType};
use serde_json::{json, Value};

fn placeholders(names: Value, values: Value) -> Placeholders {
    let names = names.as_object().filter(|map| !map.is_empty()).cloned();
    let values = values.as_object().filter(|map| !map.is_empty()).cloned();
    Placeholders::new(names.as_ref(), values.as_ref()).unwrap()
}

fn item(json: Value) -> Item {
    item_from_json(json.as_object().unwrap()).unwrap()
}

fn values() -> Value {
    json!({
        ":s": {"S": "abc"}, ":p": {"S": "ab"}, ":n": {"N": "5"}, ":one": {"N": "1"}, ":ten": {"N": "10"},
        ":b": {"B": "AQI="}, ":t": {"S": "N"}, ":ss": {"SS": ["x", "y"]}, ":l": {"L": [{"S": "z"}]},
        ":bool": {"BOOL": true}, ":lo": {"S": "a"}, ":hi": {"S": "b"}
    })
}

fn sample() -> Item {
    item(json!({
        "id": {"S": "k"}, "s": {"S": "abc"}, "n": {"N": "5"}, "b": {"B": "AQID"},
        "ss": {"SS": ["y", "x"]}, "l": {"L": [{"S": "z"}, {"N": "1"}]},
        "m": {"M": {"num": {"N": "5"}, "deep": {"L": [{"M": {"x": {"S": "abc"}}}]}}}
    }))
}

fn matches(text: &str) -> bool {
    let placeholders = placeholders(json!({"#n": "n", "#m": "m"}), values());
    let condition = parse_condition(text, ExpressionKind::Condition, &placeholders)
        .unwrap_or_else(|error| panic!("{text}: {}", error.message));
    condition.matches(&sample())
}

fn condition_error(text: &str) -> String {
    let placeholders = placeholders(json!({"#n": "n"}), values());
    parse_condition(text, ExpressionKind::Condition, &placeholders).unwrap_err().message
}

#[test]
fn comparisons() {
    assert!(matches("s = :s"));
    assert!(matches("#n = :n AND n >= :one AND n <= :n AND n > :one AND n < :ten"));
    assert!(!matches("s = :n"), "different types are unequal");
    assert!(matches("s <> :n"));
    assert!(!matches("s < :n"), "no order across types");
    assert!(!matches("nope = :s"));
    assert!(matches("nope <> :s"));
    assert!(matches("ss = :ss"), "sets compare without order");
    assert!(matches("m.num = :n AND #m.deep[0].x = :s"));
    assert!(matches("(n) = (:n)"));
}

#[test]
fn between_in_not_or() {
    assert!(matches("n BETWEEN :one AND :ten"));
    assert!(!matches("s BETWEEN :one AND :ten"));
    assert!(matches("s IN (:n, :s)"));
    assert!(!matches("s IN (:n, :one)"));
    assert!(matches("NOT s = :n"));
    assert!(matches("s = :n OR s = :s"));
    assert!(!matches("NOT (s = :n OR s = :s)"));
}

#[test]
fn functions() {
    assert!(matches("attribute_exists(s) AND attribute_not_exists(nope)"));
    assert!(matches("attribute_exists(m.deep[0].x)"));
    assert!(!matches("attribute_exists(l[5])"));
    assert!(matches("attribute_type(n, :t)"));
    assert!(matches("begins_with(s, :p)"));
    assert!(!matches("begins_with(n, :p)"));
    assert!(matches("contains(s, :p) AND contains(ss, :s) OR contains(l, :one)"));
    assert!(matches("size(s) = :one OR size(l) < :n"));
    assert!(!matches("size(n) = :one"), "numbers have no size");
    assert!(matches("size(m) > :one"));
}

#[test]
fn condition_errors() {
    assert_eq!(condition_error(""), "Invalid ConditionExpression: The expression can not be empty;");
    assert_eq!(
        condition_error(&format!("s = {}", "a".repeat(4093))),
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4097"
    );
    assert_eq!(condition_error("((s = :s))"), "Invalid ConditionExpression: The expression has redundant parentheses;");
    assert_eq!(condition_error("foo(s)"), "Invalid ConditionExpression: Invalid function name; function: foo");
    assert_eq!(
        condition_error("if_not_exists(s, :s) = :s"),
        "Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists"
    );
    assert_eq!(
        condition_error("size(s)"),
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"
    );
    assert_eq!(
        condition_error("attribute_exists(s) = :s"),
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; \
         function: attribute_exists"
    );
    assert_eq!(
        condition_error("status = :s"),
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"
    );
    assert_eq!(
        condition_error("#x = :s"),
        "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; \
         attribute name: #x"
    );
    assert_eq!(
        condition_error("s = :x"),
        "Invalid ConditionExpression: An expression attribute value used in expression is not defined; \
         attribute value: :x"
    );
    assert_eq!(
        condition_error("attribute_exists(s, n)"),
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; \
         operator or function: attribute_exists, number of operands: 2"
    );
    assert_eq!(
        condition_error("a.b = a.b"),
        "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this \
         operator or function; operator: =, first operand: [a, b]"
    );
    assert_eq!(
        condition_error("attribute_exists(:s)"),
        "Invalid ConditionExpression: Operator or function requires a document path; \
         operator or function: attribute_exists"
    );
    assert_eq!(
        condition_error("begins_with(s, :n)"),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; \
         operator or function: begins_with, operand type: N"
    );
    assert_eq!(
        condition_error("size(:n) = :n"),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; \
         operator or function: size, operand type: N"
    );
    assert_eq!(
        condition_error("attribute_type(s, :s)"),
        "Invalid ConditionExpression: Invalid attribute type name found; type: abc, \
         valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
    );
    assert_eq!(
        condition_error("attribute_type(s, :n)"),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; \
         operator or function: attribute_type, operand type: N"
    );
    assert_eq!(
        condition_error("s BETWEEN :n AND :s"),
        "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; \
         lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {S:abc}"
    );
    assert_eq!(
        condition_error("s BETWEEN :hi AND :lo"),
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to \
         lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}"
    );
    let many = vec![":s"; 101].join(", ");
    assert_eq!(
        condition_error(&format!("s IN ({many})")),
        "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101"
    );
    assert_eq!(condition_error("s = "), "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"= \"");
}

#[test]
fn error_order_follows_dynamodb() {
    // Redundant parentheses beat an unknown function, which beats a reserved word.
    assert!(condition_error("((foo(status)))").ends_with("redundant parentheses;"));
    assert!(condition_error("foo(status)").contains("Invalid function name"));
    assert!(condition_error("status = :nope").contains("reserved keyword"));
}

#[test]
fn filter_expression_names_itself() {
    let placeholders = placeholders(json!({}), values());
    let error = parse_condition("list_append(a, :l) = :l", ExpressionKind::Filter, &placeholders).unwrap_err();
    assert_eq!(
        error.message,
        "Invalid FilterExpression: The function is not allowed in a filter expression; function: list_append"
    );
}

fn range_schema() -> KeySchema {
    KeySchema {
        partition: KeyAttribute { name: "pk".into(), scalar: ScalarType::S },
        sort: Some(KeyAttribute { name: "sk".into(), scalar: ScalarType::N }),
    }
}

fn hash_schema() -> KeySchema {
    KeySchema { partition: KeyAttribute { name: "pk".into(), scalar: ScalarType::S }, sort: None }
}

fn key(text: &str, schema: &KeySchema) -> Result<KeyCondition> {
    let placeholders = placeholders(json!({"#k": "pk"}), values());
    parse_key_condition(text, &placeholders, schema)
}

fn key_error(text: &str, schema: &KeySchema) -> String {
    key(text, schema).unwrap_err().message
}

#[test]
fn key_conditions() {
    let condition = key("pk = :s AND sk BETWEEN :one AND :ten", &range_schema()).unwrap();
    assert_eq!(condition.partition_value, AttributeValue::S("abc".into()));
    let Some(SortKeyCondition::Between(..)) = condition.sort else { panic!("{condition:?}") };
    let condition = key(":one < sk AND #k = :s", &range_schema()).unwrap();
    assert!(matches!(condition.sort, Some(SortKeyCondition::Greater(_))));
    let condition = key("#k = :s", &hash_schema()).unwrap();
    assert_eq!(condition.sort, None);
    let schema = KeySchema { sort: Some(KeyAttribute { name: "sk".into(), scalar: ScalarType::S }), ..hash_schema() };
    let condition = key("pk = :s and begins_with(sk, :p)", &schema).unwrap();
    assert_eq!(condition.sort, Some(SortKeyCondition::BeginsWith(AttributeValue::S("ab".into()))));
}

#[test]
fn key_condition_errors() {
    let (hash, range) = (hash_schema(), range_schema());
    assert_eq!(key_error("pk = :s OR pk = :p", &hash), "Invalid operator used in KeyConditionExpression: OR");
    assert_eq!(key_error("NOT pk = :s", &hash), "Invalid operator used in KeyConditionExpression: NOT");
    assert_eq!(key_error("pk <> :s", &hash), "Invalid operator used in KeyConditionExpression: <>");
    assert_eq!(key_error("pk IN (:s)", &hash), "Invalid operator used in KeyConditionExpression: IN");
    assert_eq!(
        key_error("attribute_exists(pk)", &hash),
        "Invalid operator used in KeyConditionExpression: attribute_exists"
    );
    assert_eq!(key_error("pk = size(sk)", &hash), "KeyConditionExpressions cannot contain nested operations");
    assert_eq!(
        key_error(":s BETWEEN :lo AND :hi", &hash),
        "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand"
    );
    assert_eq!(
        key_error("pk = sk", &hash),
        "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"
    );
    assert_eq!(key_error("pk.a = :s", &hash), "KeyConditionExpressions cannot have conditions on nested attributes");
    assert_eq!(key_error(":s = :p", &hash), "Invalid condition in KeyConditionExpression: No key attribute specified");
    assert_eq!(
        key_error("pk = :s AND pk = :p", &hash),
        "KeyConditionExpressions must only contain one condition per key"
    );
    assert_eq!(key_error("sk = :one", &range), "Query condition missed key schema element: pk");
    assert_eq!(key_error("pk = :s AND x = :one", &range), "Query condition missed key schema element: sk");
    assert_eq!(
        key_error("pk = :n", &hash),
        "One or more parameter values were invalid: Condition parameter type does not match schema type"
    );
    assert_eq!(
        key_error("pk = :s AND sk = :s", &range),
        "One or more parameter values were invalid: Condition parameter type does not match schema type"
    );
    assert_eq!(key_error("pk > :s", &hash), "Query key condition not supported");
    assert_eq!(key_error("pk = :s AND x = :s", &hash), "Query key condition not supported");
    assert_eq!(
        key_error("pk = :s AND begins_with(sk, :one)", &range),
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; \
         operator or function: begins_with, operand type: N"
    );
    assert_eq!(
        key_error("pk = if_not_exists(pk, :s)", &hash),
        "Invalid KeyConditionExpression: The function is not allowed in a key condition; function: if_not_exists"
    );
    assert_eq!(key_error("pk = :s AND sk = :one AND x = :one", &range), "Conditions can be of length 1 or 2 only");
}

fn projection(text: &str) -> Result<Projection> {
    let placeholders = placeholders(json!({"#m": "m"}), json!({}));
    parse_projection(text, &placeholders)
}

#[test]
fn projections() {
    let kept = projection("s, #m.num, l[1], l[0], m.deep[0].x, nope, n.x").map(|p| p.apply(&sample()));
    assert_eq!(
        kept.unwrap_or_else(|error| panic!("{}", error.message)),
        item(json!({
            "s": {"S": "abc"}, "l": {"L": [{"S": "z"}, {"N": "1"}]},
            "m": {"M": {"num": {"N": "5"}, "deep": {"L": [{"M": {"x": {"S": "abc"}}}]}}}
        }))
    );
    let kept = projection("l[1]").unwrap().apply(&sample());
    assert_eq!(kept, item(json!({"l": {"L": [{"N": "1"}]}})));
}

#[test]
fn projection_errors() {
    let error = |text: &str| projection(text).unwrap_err().message;
    assert_eq!(error(""), "Invalid ProjectionExpression: The expression can not be empty;");
    assert_eq!(
        error("a, a.b"),
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of \
         these paths; path one: [a], path two: [a, b]"
    );
    assert_eq!(
        error("a.b, a[0]"),
        "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of \
         these paths; path one: [a, b], path two: [a, [0]]"
    );
    assert_eq!(
        error("name"),
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name"
    );
    assert_eq!(
        error("#x"),
        "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; \
         attribute name: #x"
    );
}

fn update(text: &str) -> Result<Update> {
    let placeholders = placeholders(json!({"#m": "m"}), values());
    parse_update(text, &placeholders)
}

fn updated(text: &str) -> Result<Item> {
    update(text).unwrap_or_else(|error| panic!("{text}: {}", error.message)).apply(sample())
}

fn update_error(text: &str) -> String {
    update(text).unwrap_err().message
}

#[test]
fn set_actions() {
    let result = updated("SET n = n + :one, x = :s, #m.num = :ten - n, l[1] = :s, l[9] = :n").unwrap();
    assert_eq!(result["n"], AttributeValue::N(crate::model::Number::parse("6").unwrap()));
    assert_eq!(result["x"], AttributeValue::S("abc".into()));
    let AttributeValue::M(map) = &result["m"] else { panic!() };
    assert_eq!(map["num"], AttributeValue::N(crate::model::Number::parse("5").unwrap()));
    let AttributeValue::L(list) = &result["l"] else { panic!() };
    assert_eq!(list.len(), 3, "an index past the end appends");
    let result = updated("SET y = if_not_exists(y, :n), s = if_not_exists(s, :n), l = list_append(l, :l)").unwrap();
    assert_eq!(result["y"], AttributeValue::N(crate::model::Number::parse("5").unwrap()));
    assert_eq!(result["s"], AttributeValue::S("abc".into()));
    let AttributeValue::L(list) = &result["l"] else { panic!() };
    assert_eq!(list.len(), 3);
}

#[test]
fn remove_add_delete() {
    let result = updated("REMOVE l[0], s, nope, m.num").unwrap();
    assert!(!result.contains_key("s"));
    assert_eq!(result["l"], AttributeValue::L(vec![AttributeValue::N(crate::model::Number::parse("1").unwrap())]));
    let result = updated("ADD n :one, ss :ss, newset :ss, cnt :ten DELETE b :ss").unwrap_err();
    assert_eq!(result.message, "An operand in the update expression has an incorrect data type");
    let result = updated("ADD n :one, cnt :ten DELETE ss :ss").unwrap();
    assert_eq!(result["n"], AttributeValue::N(crate::model::Number::parse("6").unwrap()));
    assert!(result.contains_key("cnt"));
    assert!(!result.contains_key("ss"), "an emptied set is removed");
}

#[test]
fn update_runtime_errors() {
    let message = |text: &str| updated(text).unwrap_err().message;
    assert_eq!(message("SET x = s + :one"), "An operand in the update expression has an incorrect data type");
    assert_eq!(message("SET x = list_append(s, :l)"), "An operand in the update expression has an incorrect data type");
    assert_eq!(message("SET a.b = :s"), "The document path provided in the update expression is invalid for update");
    assert_eq!(message("SET s[0] = :s"), "The document path provided in the update expression is invalid for update");
    assert_eq!(
        message("SET x = nope"),
        "The provided expression refers to an attribute that does not exist in the item"
    );
    assert_eq!(message("ADD s :one"), "An operand in the update expression has an incorrect data type");
}

#[test]
fn update_nesting_limit() {
    let mut deep = json!({"S": "x"});
    for _ in 0..31 {
        deep = json!({"L": [deep]});
    }
    let placeholders = Placeholders::new(None, Some(json!({":deep": deep}).as_object().unwrap())).unwrap();
    let update = parse_update("SET a.b = :deep", &placeholders).unwrap();
    let error = update.apply(item(json!({"a": {"M": {}}}))).unwrap_err();
    assert!(error.message.starts_with("Nesting Levels have exceeded"), "{}", error.message);
    assert!(update.apply(Item::new()).is_err());
}

#[test]
fn update_parse_errors() {
    assert_eq!(
        update_error("SET a = :s SET b = :s"),
        "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;"
    );
    assert_eq!(
        update_error("SET a = :s, a.b = :s"),
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of \
         these paths; path one: [a], path two: [a, b]"
    );
    assert_eq!(
        update_error("SET a.b = :s REMOVE a[1]"),
        "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of \
         these paths; path one: [a, b], path two: [a, [1]]"
    );
    assert_eq!(
        update_error("ADD a :s"),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"
    );
    assert_eq!(
        update_error("DELETE a :n"),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"
    );
    assert_eq!(
        update_error("SET a = :s + :n"),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"
    );
    assert_eq!(
        update_error("SET a = list_append(:s, a)"),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; \
         operator or function: list_append, operand type: S"
    );
    assert_eq!(
        update_error("SET a = if_not_exists(:s, a)"),
        "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"
    );
    assert_eq!(
        update_error("SET a = if_not_exists(a)"),
        "Invalid UpdateExpression: Incorrect number of operands for operator or function; \
         operator or function: if_not_exists, number of operands: 1"
    );
    assert_eq!(
        update_error("SET a = size(b)"),
        "Invalid UpdateExpression: The function is not allowed in an update expression; function: size"
    );
    assert_eq!(update_error("SET a = foo(b)"), "Invalid UpdateExpression: Invalid function name; function: foo");
    assert_eq!(
        update_error("SET status = :s"),
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"
    );
    assert_eq!(
        update_error("SET #x = :s"),
        "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; \
         attribute name: #x"
    );
    assert_eq!(update_error(""), "Invalid UpdateExpression: The expression can not be empty;");
}

#[test]
fn update_paths() {
    let update = update("SET a = :s, b.c = :s REMOVE a2 ADD b.d :n").unwrap();
    assert_eq!(update.top_level_names(), vec!["a", "b", "a2"]);
    let kept = update.updated_paths().apply(&item(json!({"a": {"S": "x"}, "z": {"S": "y"}})));
    assert_eq!(kept, item(json!({"a": {"S": "x"}})));
}

#[test]
fn syntax_error_spans() {
    let error = syntax_error("a = :v )", ExpressionKind::Filter).unwrap();
    assert_eq!(error.span, 7..8);
    assert_eq!(error.message, "Invalid FilterExpression: Syntax error; token: \")\", near: \":v )\"");
    assert_eq!(syntax_error("a, b", ExpressionKind::Projection), None);
}

/// Every construct of every grammar, for the round trip.
const CONDITIONS: [&str; 8] = [
    "a = :v AND (b <> :w OR NOT c < :x) AND d <= :y",
    "a.b[1].#c >= :v OR a > :w AND b BETWEEN :x AND :y",
    "(a = :v OR b = :v) AND (c = :v OR d = :v)",
    "a = :v OR (b = :v OR c = :v)",
    "a IN (:v, :w, b.c) AND NOT NOT attribute_exists(#n)",
    "begins_with(a, :p) AND contains(b, :c) AND attribute_type(c, :t) AND size(d) > size(e)",
    "NOT (a = :v AND b = :v)",
    "attribute_not_exists(a[0][1]) AND (size(a)) = :v",
];

#[test]
fn printed_trees_parse_back_to_themselves() {
    for text in CONDITIONS {
        let tree = parser::parse_condition(text).unwrap().expr;
        let again = parser::parse_condition(&tree.to_string()).unwrap().expr;
        assert_eq!(again, tree, "{text} printed as {tree}");
    }
    for text in ["a", "a.b[1], #c.d, e[2][3]"] {
        let tree = parser::parse_projection(text).unwrap();
        assert_eq!(parser::parse_projection(&tree.to_string()).unwrap(), tree);
    }
    let text = "SET a = :v, b = c + :n, d = (e - f), g = list_append(if_not_exists(h, :l), :m) REMOVE i[1], #j \
                ADD k :a DELETE l.m :d";
    let tree = parser::parse_update(text).unwrap();
    assert_eq!(parser::parse_update(&tree.to_string()).unwrap(), tree);
}

const SOUP: [&str; 40] = [
    "a",
    "b",
    "#n",
    "#x",
    ":s",
    ":n",
    ":l",
    ":ss",
    ":zz",
    "(",
    ")",
    "(",
    ")",
    "[",
    "]",
    "0",
    "7",
    ",",
    ".",
    "=",
    "<>",
    "<",
    ">=",
    "+",
    "-",
    "AND",
    "OR",
    "NOT",
    "BETWEEN",
    "IN",
    "SET",
    "REMOVE",
    "ADD",
    "DELETE",
    "size",
    "contains",
    "if_not_exists",
    "list_append",
    "status",
    "é",
];

/// Runs one text through every grammar, parsing and evaluating; only panics matter.
fn exercise(text: &str, placeholders: &Placeholders, item: &Item) {
    for kind in [ExpressionKind::Condition, ExpressionKind::Filter] {
        if let Ok(condition) = parse_condition(text, kind, placeholders) {
            condition.matches(item);
            condition.matches(&Item::new());
        }
    }
    let _ = parse_key_condition(text, placeholders, &range_schema());
    if let Ok(projection) = parse_projection(text, placeholders) {
        projection.apply(item);
    }
    if let Ok(update) = parse_update(text, placeholders) {
        let _ = update.apply(item.clone());
        let _ = update.apply(Item::new());
        update.updated_paths().apply(item);
    }
    let _ = syntax_error(text, ExpressionKind::Update);
}

#[test]
fn fuzz_never_panics() {
    let placeholders = placeholders(json!({"#n": "n", "#m": "m"}), values());
    let item = sample();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let seeds: Vec<&str> = CONDITIONS
        .iter()
        .copied()
        .chain(["SET n = n + :one, l[3] = :s REMOVE m.num ADD ss :ss", "s, m.deep[0].x, l[1]"])
        .collect();
    let (started, mut done) = (std::time::Instant::now(), 0u64);
    while keep_going(done, started) {
        done += 1;
        let text = fuzz::input(&mut rng, &SOUP, &seeds, 14);
        exercise(&text, &placeholders, &item);
    }
    for hostile in ["(".repeat(3000), "NOT ".repeat(1000), "a.".repeat(2000) + "a", "a[0]".repeat(1000)] {
        exercise(&hostile, &placeholders, &item);
    }
    println!("fuzz: {done} expressions in {:.0} s, no panic", started.elapsed().as_secs_f64());
}

/// Parses each (text, names, values) as an UpdateExpression and as a ConditionExpression,
/// then checks that every placeholder was used; what each gives, as text.
fn parse_all(requests: &[(&str, Value, Value)]) -> Vec<String> {
    let one = |(text, names, values): &(&str, Value, Value)| {
        let (names, values) = (names.as_object(), values.as_object());
        let placeholders = match Placeholders::new(names, values) {
            Ok(placeholders) => placeholders,
            Err(error) => return format!("{error:?}"),
        };
        let update = parse_update(text, &placeholders).map(|update| format!("{update:?}"));
        let condition = parse_condition(text, ExpressionKind::Condition, &placeholders).map(|c| format!("{c:?}"));
        format!("{update:?} {condition:?} {:?}", placeholders.check_all_used())
    };
    requests.iter().map(one).collect()
}

#[test]
fn kept_syntax_trees_give_what_parsing_afresh_gives() {
    let requests = [
        ("SET #a = :v + :w", json!({"#a": "x"}), json!({":v": {"N": "1"}, ":w": {"N": "2"}})),
        ("SET #a = :v + :w", json!({"#a": "x"}), json!({":v": {"N": "1"}})),
        ("SET #a = :v + :w", json!({"#a": "x", "#b": "y"}), json!({":v": {"N": "1"}, ":w": {"S": "2"}})),
        ("SET #a = :v + :w", json!({}), json!({":v": {"N": "1"}, ":w": {"N": "2"}})),
        ("SET status = :v", json!({}), json!({":v": {"N": "1"}})),
        ("#a = :v AND attribute_exists(#a)", json!({"#a": "x"}), json!({":v": {"N": "1"}})),
        ("#a = :v AND attribute_exists(#a)", json!({"#a": "status"}), json!({":v": {"L": []}})),
        ("#a = :v AND attribute_exists(#a)", json!({}), json!({":v": {"N": "1"}})),
        ("((#a = :v))", json!({"#a": "x"}), json!({":v": {"N": "1"}})),
        ("SET = :v", json!({}), json!({":v": {"N": "1"}})),
    ];
    // Each request in a thread of its own parses with nothing kept; one thread running
    // them all (twice) reuses the trees of the texts it parsed before.
    let afresh: Vec<String> = requests
        .iter()
        .map(|request| {
            let request = (request.0, request.1.clone(), request.2.clone());
            std::thread::spawn(move || parse_all(&[request]).remove(0)).join().unwrap()
        })
        .collect();
    let twice: Vec<_> = requests.iter().chain(&requests).cloned().collect();
    let kept = std::thread::spawn(move || parse_all(&twice)).join().unwrap();
    assert_eq!(kept, [afresh.clone(), afresh].concat());
}
