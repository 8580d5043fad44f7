//! Recursive-descent parsers for the three expression shapes (conditions, projections,
//! updates), sharing one token stream and one path/operand parser.
//!
//! Condition precedence, as DynamoDB documents it, highest first:
//!
//! | level | construct                              |
//! |-------|----------------------------------------|
//! | 1     | comparators `=` `<>` `<` `<=` `>` `>=` |
//! | 2     | `IN`                                   |
//! | 3     | `BETWEEN ... AND ...`                  |
//! | 4     | functions `name(args)`                 |
//! | 5     | parentheses                            |
//! | 6     | `NOT`                                  |
//! | 7     | `AND`                                  |
//! | 8     | `OR`                                   |
//!
//! Comparators, `IN` and `BETWEEN` all take operands (paths, values, function calls)
//! and do not chain, so levels 1-4 form one "comparison" rule. A parenthesized group
//! may hold an operand or a condition; which one it was is decided by what follows.
//!
//! Nesting (parentheses, `NOT`, function arguments) is limited to [`MAX_DEPTH`]
//! levels so hostile input is an error, never a stack overflow, and operators to
//! [`MAX_OPERATORS`] (DynamoDB's documented limit).

use super::lexer::{tokenize, Tok, Token};
use super::syntax::*;
use std::ops::Range;

/// Deepest nesting of parentheses, `NOT`s and function calls the parsers accept.
pub const MAX_DEPTH: usize = 50;
/// Most operators and functions an expression may use.
pub const MAX_OPERATORS: usize = 300;

/// A failed parse: DynamoDB's message (without the `Invalid ...Expression: ` prefix)
/// and the span of the offending text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Range<usize>,
}

type Parse<T> = Result<T, ParseError>;

/// A parsed condition, and whether it had doubled parentheses (`((a = b))`), which
/// DynamoDB refuses once the syntax is known to be fine.
#[derive(Debug)]
pub struct ParsedCondition {
    pub expr: CondExpr,
    pub redundant_parens: bool,
}

/// Parses a condition (ConditionExpression, FilterExpression, KeyConditionExpression).
pub fn parse_condition(source: &str) -> Parse<ParsedCondition> {
    let mut parser = Parser::new(source, &["AND", "OR", "NOT", "BETWEEN", "IN"]);
    let node = parser.parse_or()?;
    parser.expect_end()?;
    let expr = parser.require_condition(node.node)?;
    Ok(ParsedCondition { expr, redundant_parens: parser.redundant_parens })
}

/// Parses a ProjectionExpression.
pub fn parse_projection(source: &str) -> Parse<ProjectionExpr> {
    let mut parser = Parser::new(source, &[]);
    let mut paths = vec![parser.parse_path()?];
    while parser.eat(Tok::Comma) {
        paths.push(parser.parse_path()?);
    }
    parser.expect_end()?;
    Ok(ProjectionExpr { paths })
}

/// Parses an UpdateExpression.
pub fn parse_update(source: &str) -> Parse<UpdateExpr> {
    let mut parser = Parser::new(source, &["SET", "REMOVE", "ADD", "DELETE"]);
    let mut clauses = Vec::new();
    loop {
        let Some(kind) = parser.clause_keyword() else {
            return Err(parser.syntax_error());
        };
        parser.pos += 1;
        clauses.push(Clause { kind, actions: parser.parse_actions(kind)? });
        if parser.peek() == Tok::Eof {
            return Ok(UpdateExpr { clauses });
        }
    }
}

/// What a parenthesized group or comparison turned out to be.
enum Node {
    Cond(CondExpr),
    Operand(Operand),
}

/// A node, and whether it was written in parentheses of its own.
struct Parsed {
    node: Node,
    parenthesized: bool,
}

impl Parsed {
    fn bare(node: Node) -> Parsed {
        Parsed { node, parenthesized: false }
    }
}

struct Parser<'a> {
    source: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    /// Words that are this grammar's keywords rather than names.
    keywords: &'static [&'static str],
    depth: usize,
    operators: usize,
    redundant_parens: bool,
}

impl<'a> Parser<'a> {
    fn new(source: &'a str, keywords: &'static [&'static str]) -> Parser<'a> {
        Parser { source, tokens: tokenize(source), pos: 0, keywords, depth: 0, operators: 0, redundant_parens: false }
    }

    fn peek(&self) -> Tok {
        self.tokens[self.pos].kind
    }

    fn peek_at(&self, offset: usize) -> Tok {
        self.tokens.get(self.pos + offset).map_or(Tok::Eof, |token| token.kind)
    }

    fn text(&self) -> &'a str {
        self.tokens[self.pos].text(self.source)
    }

    fn eat(&mut self, kind: Tok) -> bool {
        let found = self.peek() == kind;
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect(&mut self, kind: Tok) -> Parse<()> {
        if self.eat(kind) {
            Ok(())
        } else {
            Err(self.syntax_error())
        }
    }

    fn expect_end(&self) -> Parse<()> {
        match self.peek() {
            Tok::Eof => Ok(()),
            _ => Err(self.syntax_error()),
        }
    }

    /// Whether the current token is the keyword `word` (keywords ignore case).
    fn at_keyword(&self, word: &str) -> bool {
        self.peek() == Tok::Word && self.text().eq_ignore_ascii_case(word)
    }

    fn is_keyword(&self, word: &str) -> bool {
        self.keywords.iter().any(|keyword| keyword.eq_ignore_ascii_case(word))
    }

    /// DynamoDB's syntax error at the current token. `near` is the text from the
    /// previous token to the next one, around the offending token.
    fn syntax_error(&self) -> ParseError {
        let token = &self.tokens[self.pos];
        let start = match self.pos {
            0 => token.span.start,
            _ => self.tokens[self.pos - 1].span.start,
        };
        let end = match token.kind {
            Tok::Eof => self.source.len(),
            _ => self.tokens[self.pos + 1].span.end.max(token.span.end),
        };
        ParseError {
            message: format!(
                "Syntax error; token: \"{}\", near: \"{}\"",
                token.text(self.source),
                &self.source[start..end]
            ),
            span: token.span.clone(),
        }
    }

    fn error_here(&self, message: String) -> ParseError {
        ParseError { message, span: self.tokens[self.pos].span.clone() }
    }

    /// Enters one nesting level, refusing to go past [`MAX_DEPTH`].
    fn descend(&mut self) -> Parse<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(format!(
                "The expression has exceeded the maximum nesting depth; maximum depth: {MAX_DEPTH}"
            )));
        }
        Ok(())
    }

    fn ascend(&mut self) {
        self.depth -= 1;
    }

    /// Counts one operator or function, refusing to go past [`MAX_OPERATORS`].
    fn count_operator(&mut self) -> Parse<()> {
        self.operators += 1;
        if self.operators > MAX_OPERATORS {
            return Err(self.error_here(format!(
                "The expression contains too many operators; operator count: {}",
                self.operators
            )));
        }
        Ok(())
    }

    /// A node where a condition must stand; an operand there is a syntax error at the
    /// current token, except a function call, which the checks judge later.
    fn require_condition(&self, node: Node) -> Parse<CondExpr> {
        match node {
            Node::Cond(cond) => Ok(cond),
            Node::Operand(Operand::Call(call)) => Ok(CondExpr::Call(call)),
            Node::Operand(_) => Err(self.syntax_error()),
        }
    }

    fn parse_or(&mut self) -> Parse<Parsed> {
        let mut left = self.parse_and()?;
        while self.at_keyword("OR") {
            let first = self.require_condition(left.node)?;
            self.pos += 1;
            self.count_operator()?;
            let right = self.parse_and()?;
            let second = self.require_condition(right.node)?;
            left = Parsed::bare(Node::Cond(CondExpr::Or(Box::new(first), Box::new(second))));
        }
        Ok(left)
    }

    fn parse_and(&mut self) -> Parse<Parsed> {
        let mut left = self.parse_not()?;
        while self.at_keyword("AND") {
            let first = self.require_condition(left.node)?;
            self.pos += 1;
            self.count_operator()?;
            let right = self.parse_not()?;
            let second = self.require_condition(right.node)?;
            left = Parsed::bare(Node::Cond(CondExpr::And(Box::new(first), Box::new(second))));
        }
        Ok(left)
    }

    fn parse_not(&mut self) -> Parse<Parsed> {
        if !self.at_keyword("NOT") {
            return self.parse_comparison();
        }
        self.pos += 1;
        self.count_operator()?;
        self.descend()?;
        let inner = self.parse_not()?;
        self.ascend();
        let cond = self.require_condition(inner.node)?;
        Ok(Parsed::bare(Node::Cond(CondExpr::Not(Box::new(cond)))))
    }

    /// A comparison, BETWEEN or IN, or a lone atom (operand or parenthesized group).
    fn parse_comparison(&mut self) -> Parse<Parsed> {
        let atom = self.parse_atom()?;
        let comparator = comparator(self.peek());
        let is_between = self.at_keyword("BETWEEN");
        let is_in = self.at_keyword("IN");
        if comparator.is_none() && !is_between && !is_in {
            return Ok(atom);
        }
        let Node::Operand(left) = atom.node else {
            return Err(self.syntax_error());
        };
        self.pos += 1;
        self.count_operator()?;
        let cond = if let Some(op) = comparator {
            CondExpr::Compare(left, op, self.parse_operand()?)
        } else if is_between {
            let low = self.parse_operand()?;
            if !self.at_keyword("AND") {
                return Err(self.syntax_error());
            }
            self.pos += 1;
            CondExpr::Between(left, low, self.parse_operand()?)
        } else {
            CondExpr::In(left, self.parse_in_list()?)
        };
        Ok(Parsed::bare(Node::Cond(cond)))
    }

    fn parse_in_list(&mut self) -> Parse<Vec<Operand>> {
        self.expect(Tok::LParen)?;
        let list = self.parse_operand_list()?;
        self.expect(Tok::RParen)?;
        Ok(list)
    }

    fn parse_operand_list(&mut self) -> Parse<Vec<Operand>> {
        let mut list = vec![self.parse_operand()?];
        while self.eat(Tok::Comma) {
            list.push(self.parse_operand()?);
        }
        Ok(list)
    }

    /// An operand or a parenthesized group holding a condition or an operand.
    fn parse_atom(&mut self) -> Parse<Parsed> {
        if self.peek() != Tok::LParen {
            return Ok(Parsed::bare(Node::Operand(self.parse_plain_operand()?)));
        }
        self.pos += 1;
        self.descend()?;
        let inner = self.parse_or()?;
        self.ascend();
        self.expect(Tok::RParen)?;
        self.redundant_parens |= inner.parenthesized;
        Ok(Parsed { node: inner.node, parenthesized: true })
    }

    /// An operand, possibly in parentheses.
    fn parse_operand(&mut self) -> Parse<Operand> {
        Ok(self.parse_operand_parens()?.0)
    }

    /// An operand, and whether it sat in parentheses of its own.
    fn parse_operand_parens(&mut self) -> Parse<(Operand, bool)> {
        if !self.eat(Tok::LParen) {
            return Ok((self.parse_plain_operand()?, false));
        }
        self.descend()?;
        let (operand, parenthesized) = self.parse_operand_parens()?;
        self.ascend();
        self.expect(Tok::RParen)?;
        self.redundant_parens |= parenthesized;
        Ok((operand, true))
    }

    /// A path, a value placeholder or a function call.
    fn parse_plain_operand(&mut self) -> Parse<Operand> {
        match self.peek() {
            Tok::Value => {
                let name = self.text().to_owned();
                self.pos += 1;
                Ok(Operand::Value(name))
            }
            Tok::Word if self.peek_at(1) == Tok::LParen && !self.is_keyword(self.text()) => self.parse_call(),
            _ => Ok(Operand::Path(self.parse_path()?)),
        }
    }

    fn parse_call(&mut self) -> Parse<Operand> {
        let name = self.text().to_owned();
        self.count_operator()?;
        self.pos += 2;
        self.descend()?;
        let args = self.parse_operand_list()?;
        self.ascend();
        self.expect(Tok::RParen)?;
        Ok(Operand::Call(Call { name, args }))
    }

    /// A document path: a name, then `.name` and `[index]` steps.
    fn parse_path(&mut self) -> Parse<Path> {
        let mut steps = vec![self.parse_path_name()?];
        loop {
            if self.eat(Tok::Dot) {
                steps.push(self.parse_path_name()?);
            } else if self.eat(Tok::LBracket) {
                let index = match self.peek() {
                    Tok::Digits => self.text().parse::<u32>().map_err(|_| self.syntax_error())?,
                    _ => return Err(self.syntax_error()),
                };
                self.pos += 1;
                self.expect(Tok::RBracket)?;
                steps.push(PathStep::Index(index));
            } else {
                return Ok(Path { steps });
            }
        }
    }

    fn parse_path_name(&mut self) -> Parse<PathStep> {
        let step = match self.peek() {
            Tok::Word if !self.is_keyword(self.text()) => PathStep::Attr(self.text().to_owned()),
            Tok::Name => PathStep::Name(self.text().to_owned()),
            _ => return Err(self.syntax_error()),
        };
        self.pos += 1;
        Ok(step)
    }

    fn clause_keyword(&self) -> Option<ClauseKind> {
        [ClauseKind::Set, ClauseKind::Remove, ClauseKind::Add, ClauseKind::Delete]
            .into_iter()
            .find(|kind| self.at_keyword(kind.keyword()))
    }

    fn parse_actions(&mut self, kind: ClauseKind) -> Parse<Vec<Action>> {
        let mut actions = vec![self.parse_action(kind)?];
        while self.eat(Tok::Comma) {
            actions.push(self.parse_action(kind)?);
        }
        Ok(actions)
    }

    fn parse_action(&mut self, kind: ClauseKind) -> Parse<Action> {
        let path = self.parse_path()?;
        Ok(match kind {
            ClauseKind::Set => {
                self.expect(Tok::Eq)?;
                Action::Set(path, self.parse_set_value()?)
            }
            ClauseKind::Remove => Action::Remove(path),
            ClauseKind::Add => Action::Add(path, self.parse_value_placeholder()?),
            ClauseKind::Delete => Action::Delete(path, self.parse_value_placeholder()?),
        })
    }

    fn parse_value_placeholder(&mut self) -> Parse<String> {
        if self.peek() != Tok::Value {
            return Err(self.syntax_error());
        }
        let name = self.text().to_owned();
        self.pos += 1;
        Ok(name)
    }

    /// `operand`, `operand + operand`, `operand - operand`, or one of them in parentheses.
    fn parse_set_value(&mut self) -> Parse<SetValue> {
        let first = if self.eat(Tok::LParen) {
            self.descend()?;
            let inner = self.parse_set_value()?;
            self.ascend();
            self.expect(Tok::RParen)?;
            match inner {
                SetValue::Operand(operand) => operand,
                compound => return Ok(compound),
            }
        } else {
            self.parse_plain_operand()?
        };
        let plus = match self.peek() {
            Tok::Plus => true,
            Tok::Minus => false,
            _ => return Ok(SetValue::Operand(first)),
        };
        self.pos += 1;
        self.count_operator()?;
        let second = self.parse_operand()?;
        Ok(if plus { SetValue::Plus(first, second) } else { SetValue::Minus(first, second) })
    }
}

fn comparator(kind: Tok) -> Option<Comparator> {
    Some(match kind {
        Tok::Eq => Comparator::Eq,
        Tok::Ne => Comparator::Ne,
        Tok::Lt => Comparator::Lt,
        Tok::Le => Comparator::Le,
        Tok::Gt => Comparator::Gt,
        Tok::Ge => Comparator::Ge,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(text: &str) -> CondExpr {
        parse_condition(text).unwrap_or_else(|error| panic!("{text}: {error:?}")).expr
    }

    fn cond_error(text: &str) -> String {
        match parse_condition(text) {
            Ok(parsed) => panic!("{text} parsed as {}", parsed.expr),
            Err(error) => error.message,
        }
    }

    #[test]
    fn precedence_and_binds_tighter_than_or() {
        assert_eq!(cond("a = :a OR b = :b AND c = :c").to_string(), "a = :a OR b = :b AND c = :c");
        let CondExpr::Or(_, right) = cond("a = :a OR b = :b AND c = :c") else { panic!() };
        assert!(matches!(*right, CondExpr::And(..)));
        let CondExpr::And(left, _) = cond("NOT a = :a AND b = :b") else { panic!() };
        assert!(matches!(*left, CondExpr::Not(_)));
    }

    #[test]
    fn keywords_ignore_case() {
        assert_eq!(cond("a between :a and :b or not b in (:c)").to_string(), "a BETWEEN :a AND :b OR NOT b IN (:c)");
    }

    #[test]
    fn parenthesized_operands_and_conditions() {
        assert_eq!(cond("(a) = (:v)").to_string(), "a = :v");
        assert_eq!(cond("(a = :v)").to_string(), "a = :v");
        assert_eq!(cond("(size(a)) > :v").to_string(), "size(a) > :v");
        assert!(parse_condition("((a = :v))").unwrap().redundant_parens);
        assert!(parse_condition("((a)) = :v").unwrap().redundant_parens);
        assert!(!parse_condition("(a = :v) AND (b = :v)").unwrap().redundant_parens);
    }

    #[test]
    fn paths() {
        assert_eq!(cond("a.#b[2][3].c = :v").to_string(), "a.#b[2][3].c = :v");
        assert_eq!(cond("a . b [ 1 ] = :v").to_string(), "a.b[1] = :v");
    }

    #[test]
    fn syntax_errors_point_at_the_token() {
        assert_eq!(cond_error("foo"), "Syntax error; token: \"<EOF>\", near: \"foo\"");
        assert_eq!(cond_error(":hashId a"), "Syntax error; token: \"a\", near: \":hashId a\"");
        assert_eq!(cond_error("a = :v AND"), "Syntax error; token: \"<EOF>\", near: \"AND\"");
        assert_eq!(cond_error("a == :v"), "Syntax error; token: \"=\", near: \"== :v\"");
        assert_eq!(cond_error("a AND b = :v"), "Syntax error; token: \"AND\", near: \"a AND b\"");
        assert_eq!(cond_error("a = !b"), "Syntax error; token: \"!\", near: \"= !b\"");
        assert_eq!(cond_error("a = :v c"), "Syntax error; token: \"c\", near: \":v c\"");
        assert_eq!(cond_error("a[x] = :v"), "Syntax error; token: \"x\", near: \"[x]\"");
        assert_eq!(cond_error("a = and"), "Syntax error; token: \"and\", near: \"= and\"");
        assert_eq!(cond_error("a = b = c"), "Syntax error; token: \"=\", near: \"b = c\"");
    }

    #[test]
    fn syntax_error_span() {
        let error = parse_condition("a = :v )").unwrap_err();
        assert_eq!(error.span, 7..8);
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}a = :v{}", "(".repeat(60), ")".repeat(60));
        assert!(parse_condition(&deep).unwrap_err().message.contains("nesting depth"));
        let nots = format!("{}a = :v", "NOT ".repeat(1000));
        assert!(parse_condition(&nots).is_err());
        let calls = format!("{}a{}", "size(".repeat(1000), ")".repeat(1000));
        assert!(parse_condition(&calls).is_err());
    }

    #[test]
    fn operators_are_bounded() {
        let many = vec!["a = :v"; 151].join(" AND ");
        assert_eq!(
            parse_condition(&many).unwrap_err().message,
            "The expression contains too many operators; operator count: 301"
        );
        let fine = vec!["a = :v"; 150].join(" AND ");
        assert!(parse_condition(&fine).is_ok());
    }

    #[test]
    fn projections() {
        assert_eq!(parse_projection("a, b.c[1], #d").unwrap().to_string(), "a, b.c[1], #d");
        assert!(parse_projection("a,").is_err());
        assert!(parse_projection("size(a)").is_err());
    }

    #[test]
    fn updates() {
        let text = "set a = :v, b = c + :n remove d[1], e ADD f :s delete g :t";
        assert_eq!(
            parse_update(text).unwrap().to_string(),
            "SET a = :v, b = c + :n REMOVE d[1], e ADD f :s DELETE g :t"
        );
        let text = "SET a = list_append(if_not_exists(a, :e), :l), b = (c - :n), c = (d)";
        assert_eq!(
            parse_update(text).unwrap().to_string(),
            "SET a = list_append(if_not_exists(a, :e), :l), b = c - :n, c = d"
        );
        assert_eq!(
            parse_update("SET path = VALUE 1").unwrap_err().message,
            "Syntax error; token: \"1\", near: \"VALUE 1\""
        );
        assert!(parse_update("a = :v").is_err());
        assert!(parse_update("SET a = (b + c) + d").is_err());
        assert!(parse_update("ADD a b").is_err());
    }
}
