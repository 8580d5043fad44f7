//! Parser tests: statements, DynamoDB's syntax errors, the Display round trip and a fuzz.

use super::*;
use crate::fuzz::{self, keep_going, Rng};

fn parsed(text: &str) -> Statement {
    parse(text).unwrap_or_else(|error| panic!("{text}: {}", error.message)).statement
}

fn error(text: &str) -> String {
    parse(text).expect_err(text).message
}

/// Statements of every construct, for the round trip and the fuzz.
const STATEMENTS: [&str; 12] = [
    "SELECT * FROM t",
    "select a, \"b c\".d[0], e['f'] from \"T\".\"I\" where a = 1 and (b <> 'x' or not c >= -2.5e3)",
    "SELECT a FROM t WHERE k = ? AND s BETWEEN 1 AND 9 ORDER BY s DESC, k",
    "SELECT a FROM t WHERE a IN [1, 'x', [true]] OR b NOT IN (null) OR c NOT BETWEEN 1 AND 2",
    "SELECT a FROM t WHERE a IS MISSING AND b IS NOT MISSING AND c IS NULL AND d IS NOT NULL",
    "SELECT a FROM t WHERE begins_with(a, 'x') AND contains(b, ?) AND attribute_type(c, 'S') AND size(d) > 2",
    "INSERT INTO t VALUE {'k': 'a', 'n': 1.5, 'l': [1, {'m': <<'s', 't'>>}], 'z': NULL, 'b': FALSE}",
    "UPDATE t SET a = a + 1, b = list_append(b, [?]) SET c = set_add(c, <<1>>) REMOVE d.e[2] WHERE k = 'x' RETURNING ALL NEW *",
    "UPDATE t REMOVE a WHERE k = 1 AND a = 2 RETURNING MODIFIED OLD *",
    "DELETE FROM \"t\" WHERE k = 'x' AND s = 2 RETURNING ALL OLD *",
    "EXISTS(SELECT * FROM t WHERE k = 'x' AND a > 1)",
    "SELECT * FROM t WHERE a = 'it''s' -- a comment\n AND /* another */ b = 1;",
];

#[test]
fn statements_parse_into_their_trees() {
    let Statement::Select(select) = parsed(STATEMENTS[2]) else { panic!("a select") };
    assert_eq!(select.order_by.len(), 2);
    assert!(select.order_by[0].descending);
    let Statement::Update(update) = parsed(STATEMENTS[7]) else { panic!("an update") };
    assert_eq!(update.assignments.len(), 4);
    assert_eq!(update.returning, Some(ast::Returning::AllNew));
    assert_eq!(parse(STATEMENTS[1]).unwrap().parameter_count, 0);
    assert_eq!(parse("SELECT * FROM t WHERE a = ? AND b IN [?, ?]").unwrap().parameter_count, 3);
}

#[test]
fn spans_point_at_the_source() {
    let Statement::Select(select) = parsed("SELECT * FROM t WHERE abc = 'x'") else { panic!("a select") };
    let filter = select.filter.expect("a filter");
    assert_eq!(filter.span.0, 22..31);
    assert_eq!(select.source.span.0, 14..15);
    assert_eq!(parse("SELECT * FROM t WHERE a = 1 junk").unwrap_err().span, 28..32);
}

#[test]
fn dynamodb_syntax_errors() {
    let malformed = |detail: &str| format!("Statement wasn't well formed, can't be processed: {detail}");
    assert_eq!(error("SLECT * FROM t"), malformed("Expected data manipulation"));
    assert_eq!(error("SELECT * FROM t WHERE a = 1)"), malformed("Unexpected token after expression"));
    assert_eq!(error("SELECT * FROM t WHERE NOT"), malformed("Unexpected term"));
    assert_eq!(
        error("SELECT * FROM t WHERE a = 1 OR"),
        malformed("Missing right-hand side expression of infix operator")
    );
    assert_eq!(error("SELECT * FROM t WHERE a = LIKE"), malformed("Unexpected operator"));
    assert_eq!(error("DELETE FROM;"), malformed("Expected identifier for simple path"));
    assert_eq!(error("UPDATE t SET a = 1 WHERE k = 1 ORDER BY k"), malformed("Unexpected token after expression"));
    assert_eq!(error("UPDATE t t SET a = 1 WHERE k = 1"), "Aliasing is not supported");
    assert_eq!(error("INSERT INTO t t VALUE {'k': 1}"), malformed("Unexpected token after expression"));
    assert_eq!(error("DELETE FROM t"), "Where clause does not contain a mandatory equality on all key attributes");
    assert_eq!(error("SELECT a FROM t WHERE a[*].b = 1"), "Wildcard path component like a[*].b are not supported");
    assert_eq!(error("SELECT VALUE a FROM t"), "Select projection doesn't support value or pivot keywords");
    assert_eq!(error("SELECT a AS b FROM t"), "Aliasing is not supported");
    assert_eq!(error("SELECT a\n  , count(*) FROM t"), "Unexpected path component at 2:5:5");
    assert!(error("UPDATE t SET a = 1 WHERE k = 1 RETURNING ALL OLD").contains("Expected '*'"));
    // Reserved words are names only when quoted; function names may be reserved.
    assert_eq!(error("SELECT * FROM t WHERE pad = 'none'"), malformed("Unexpected keyword"));
    assert_eq!(error("UPDATE t SET value = 1 WHERE k = 1"), malformed("Unexpected keyword"));
    parsed("SELECT * FROM t WHERE \"pad\" = 'none' AND size(\"value\") > 1 AND data = 1");
}

#[test]
fn hostile_nesting_is_an_error_not_an_overflow() {
    for hostile in [
        format!("SELECT * FROM t WHERE {}a = 1{}", "(".repeat(5000), ")".repeat(5000)),
        format!("SELECT * FROM t WHERE {}a = 1", "NOT ".repeat(5000)),
        format!("INSERT INTO t VALUE {}", "[".repeat(5000)),
        format!("INSERT INTO t VALUE {}", "{'a': ".repeat(5000)),
    ] {
        assert!(error(&hostile).contains("maximum depth of 50"), "{}", &hostile[..40]);
    }
    let deep = format!("SELECT * FROM t WHERE {}a = 1{}", "(".repeat(40), ")".repeat(40));
    parsed(&deep);
    // DynamoDB's 32 levels of item nesting fit under the guard.
    parsed(&format!("INSERT INTO t VALUE {{'k': {}1{}}}", "[".repeat(40), "]".repeat(40)));
}

#[test]
fn display_round_trips() {
    for text in STATEMENTS {
        let tree = parse(text).unwrap_or_else(|error| panic!("{text}: {}", error.message));
        let printed = tree.statement.to_string();
        let again = parse(&printed).unwrap_or_else(|error| panic!("{printed}: {}", error.message));
        assert_eq!(again, tree, "{text}\nprinted: {printed}");
    }
}

const SOUP: [&str; 42] = [
    "SELECT",
    "FROM",
    "WHERE",
    "INSERT",
    "INTO",
    "VALUE",
    "UPDATE",
    "SET",
    "REMOVE",
    "DELETE",
    "RETURNING",
    "ALL",
    "OLD",
    "*",
    "t",
    "\"t\"",
    "a",
    "k",
    "'x'",
    "1",
    "-2.5",
    "?",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "<<",
    ">>",
    ",",
    ".",
    ":",
    "=",
    "<",
    "AND",
    "OR",
    "NOT",
    "IN",
    "BETWEEN",
    "IS",
    "MISSING",
];

/// Random and mutated statements never panic, and whatever parses prints back to an
/// equal tree.
#[test]
fn fuzz_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (started, mut done) = (std::time::Instant::now(), 0u64);
    while keep_going(done, started) {
        done += 1;
        let text = fuzz::input(&mut rng, &SOUP, &STATEMENTS, 16);
        if let Ok(tree) = parse(&text) {
            let printed = tree.statement.to_string();
            assert_eq!(parse(&printed).ok(), Some(tree), "{text}\nprinted: {printed}");
        }
    }
    println!("fuzz: {done} statements in {:.0} s, no panic", started.elapsed().as_secs_f64());
}

#[test]
fn utf16_spans_count_as_javascript_does() {
    // "é" is 2 bytes in UTF-8 and 1 unit in UTF-16; "😀" 4 bytes and 2 units.
    let source = "SELECT * FROM \"é😀\" WHERE a = 1 junk";
    let error = parse(source).unwrap_err();
    assert_eq!(&source[error.span.clone()], "junk");
    let span = error.utf16_span(source);
    let units: Vec<u16> = source.encode_utf16().collect();
    assert_eq!(String::from_utf16_lossy(&units[span]), "junk");
}
