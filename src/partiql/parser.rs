//! A recursive-descent parser for DynamoDB's PartiQL statements.
//!
//! Precedence, loosest first: `OR`, `AND`, `NOT`, then one predicate (`=`, `<>`, `!=`,
//! `<`, `<=`, `>`, `>=`, `[NOT] BETWEEN`, `[NOT] IN`, `IS [NOT] MISSING|NULL`), then `+`
//! and `-`, then terms (literals, `?`, paths, calls, `[...]`, `{...}`, `<<...>>`,
//! parenthesized expressions). Nesting is limited to [`MAX_DEPTH`] levels so hostile
//! input meets an error instead of overflowing the wasm stack.
//!
//! Errors carry DynamoDB's text: the "wasn't well formed" envelope with the detail its
//! parser gives (`Unexpected term`, `Unexpected keyword`, `Unexpected token after
//! expression`, ...), or for constructs DynamoDB parses but refuses (aliases, LIMIT,
//! joins) the bare message it answers with.

use super::ast::*;
use super::lexer::{tokenize, Token, TokenKind};
use super::SyntaxError;
use crate::expr::syntax::Comparator;

/// The deepest nesting of expressions accepted.
pub const MAX_DEPTH: usize = 50;

/// PartiQL's reserved words (partiql.org, "PartiQL Reserved Keywords", 2019): never a
/// name when written bare (quote it: `"value"`), sorted for a binary search.
const RESERVED: [&str; 248] = [
    "ABSOLUTE",
    "ACTION",
    "ADD",
    "ALL",
    "ALLOCATE",
    "ALTER",
    "AND",
    "ANY",
    "ARE",
    "AS",
    "ASC",
    "ASSERTION",
    "AT",
    "AUTHORIZATION",
    "AVG",
    "BEGIN",
    "BETWEEN",
    "BIT",
    "BIT_LENGTH",
    "BY",
    "CAN_CAST",
    "CAN_LOSSLESS_CAST",
    "CASCADE",
    "CASCADED",
    "CASE",
    "CAST",
    "CATALOG",
    "CHAR",
    "CHARACTER",
    "CHARACTER_LENGTH",
    "CHAR_LENGTH",
    "CHECK",
    "CLOSE",
    "COALESCE",
    "COLLATE",
    "COLLATION",
    "COLUMN",
    "COMMIT",
    "CONFLICT",
    "CONNECT",
    "CONNECTION",
    "CONSTRAINT",
    "CONSTRAINTS",
    "CONTINUE",
    "CONVERT",
    "CORRESPONDING",
    "COUNT",
    "CREATE",
    "CROSS",
    "CURRENT",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "CURRENT_TIMESTAMP",
    "CURRENT_USER",
    "CURSOR",
    "DATE",
    "DATE_ADD",
    "DATE_DIFF",
    "DEALLOCATE",
    "DEC",
    "DECIMAL",
    "DECLARE",
    "DEFAULT",
    "DEFERRABLE",
    "DEFERRED",
    "DELETE",
    "DESC",
    "DESCRIBE",
    "DESCRIPTOR",
    "DIAGNOSTICS",
    "DISCONNECT",
    "DISTINCT",
    "DO",
    "DOMAIN",
    "DOUBLE",
    "DROP",
    "ELSE",
    "END",
    "END_EXEC",
    "ESCAPE",
    "EXCEPT",
    "EXCEPTION",
    "EXCLUDED",
    "EXEC",
    "EXECUTE",
    "EXISTS",
    "EXPLAIN",
    "EXTERNAL",
    "EXTRACT",
    "FALSE",
    "FETCH",
    "FIRST",
    "FLOAT",
    "FOR",
    "FOREIGN",
    "FOUND",
    "FROM",
    "FULL",
    "GET",
    "GLOBAL",
    "GO",
    "GOTO",
    "GRANT",
    "GROUP",
    "HAVING",
    "IDENTITY",
    "IMMEDIATE",
    "IN",
    "INDEX",
    "INDICATOR",
    "INITIALLY",
    "INNER",
    "INPUT",
    "INSENSITIVE",
    "INSERT",
    "INT",
    "INTEGER",
    "INTERSECT",
    "INTERVAL",
    "INTO",
    "IS",
    "ISOLATION",
    "JOIN",
    "KEY",
    "LAG",
    "LANGUAGE",
    "LAST",
    "LATERAL",
    "LEAD",
    "LEFT",
    "LET",
    "LEVEL",
    "LIKE",
    "LIMIT",
    "LOCAL",
    "LOWER",
    "MATCH",
    "MAX",
    "MIN",
    "MISSING",
    "MODIFIED",
    "MODULE",
    "NAMES",
    "NATIONAL",
    "NATURAL",
    "NCHAR",
    "NEW",
    "NEXT",
    "NO",
    "NOT",
    "NOTHING",
    "NULL",
    "NULLIF",
    "NULLS",
    "NUMERIC",
    "OCTET_LENGTH",
    "OF",
    "OFFSET",
    "OLD",
    "ON",
    "ONLY",
    "OPEN",
    "OPTION",
    "OR",
    "ORDER",
    "OUTER",
    "OUTPUT",
    "OVER",
    "OVERLAPS",
    "OVERLAY",
    "PAD",
    "PARTIAL",
    "PARTITION",
    "PIVOT",
    "PLACING",
    "POSITION",
    "PRECISION",
    "PREPARE",
    "PRESERVE",
    "PRIMARY",
    "PRIOR",
    "PRIVILEGES",
    "PROCEDURE",
    "PUBLIC",
    "READ",
    "REAL",
    "REFERENCES",
    "RELATIVE",
    "REMOVE",
    "REPLACE",
    "RESTRICT",
    "RETURNING",
    "REVOKE",
    "RIGHT",
    "ROLLBACK",
    "ROWS",
    "SCHEMA",
    "SCROLL",
    "SECTION",
    "SELECT",
    "SESSION",
    "SESSION_USER",
    "SET",
    "SHORTEST",
    "SIZE",
    "SMALLINT",
    "SOME",
    "SPACE",
    "SQL",
    "SQLCODE",
    "SQLERROR",
    "SQLSTATE",
    "SUBSTRING",
    "SUM",
    "SYSTEM_USER",
    "TABLE",
    "TEMPORARY",
    "THEN",
    "TIME",
    "TIMESTAMP",
    "TO",
    "TRANSACTION",
    "TRANSLATE",
    "TRANSLATION",
    "TRIM",
    "TRUE",
    "UNION",
    "UNIQUE",
    "UNKNOWN",
    "UNPIVOT",
    "UPDATE",
    "UPPER",
    "UPSERT",
    "USAGE",
    "USER",
    "USING",
    "VALUE",
    "VALUES",
    "VARCHAR",
    "VARYING",
    "VIEW",
    "WHEN",
    "WHENEVER",
    "WHERE",
    "WITH",
    "WORK",
    "WRITE",
    "ZONE",
];

/// The reserved words that shape a statement: never the name of a function call either
/// (`size(a)` and `count(*)` are calls, `where(a)` is not).
const KEYWORDS: [&str; 40] = [
    "ALL",
    "AND",
    "AS",
    "ASC",
    "BETWEEN",
    "BY",
    "CROSS",
    "DELETE",
    "DESC",
    "EXISTS",
    "FALSE",
    "FROM",
    "FULL",
    "GROUP",
    "HAVING",
    "IN",
    "INNER",
    "INSERT",
    "INTO",
    "IS",
    "JOIN",
    "LEFT",
    "LIKE",
    "LIMIT",
    "MISSING",
    "NOT",
    "NULL",
    "OFFSET",
    "ON",
    "OR",
    "ORDER",
    "REMOVE",
    "RETURNING",
    "RIGHT",
    "SELECT",
    "SET",
    "TRUE",
    "UPDATE",
    "VALUE",
    "WHERE",
];

/// Reserved words that are operators: met where a term should start, DynamoDB says
/// "Unexpected operator" rather than "Unexpected keyword".
const OPERATOR_WORDS: [&str; 6] = ["AND", "OR", "IS", "IN", "BETWEEN", "LIKE"];

/// Words that join a second source to the first.
const JOIN_WORDS: [&str; 6] = ["JOIN", "INNER", "LEFT", "RIGHT", "CROSS", "FULL"];

/// Clauses DynamoDB parses after a SELECT and refuses.
const UNSUPPORTED_CLAUSES: [(&str, &str); 4] =
    [("LIMIT", "LIMIT"), ("OFFSET", "OFFSET"), ("GROUP", "GROUP BY"), ("HAVING", "HAVING")];

const MANDATORY_KEY: &str = "Where clause does not contain a mandatory equality on all key attributes";

/// Which statement names a source: they differ in what they allow and how they refuse.
#[derive(Clone, Copy, PartialEq)]
enum SourceOf {
    /// A SELECT: a table or `"table"."index"`, refused aliases.
    Select,
    /// An UPDATE or DELETE: a table alone, refused aliases.
    Write,
    /// An INSERT: a table alone; anything after it but VALUE is a leftover token.
    Insert,
}

fn is_reserved(word: &str) -> bool {
    RESERVED.binary_search(&word.to_ascii_uppercase().as_str()).is_ok()
}

fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|keyword| keyword.eq_ignore_ascii_case(word))
}

/// Parses one statement (optionally ending in `;`).
pub fn parse(source: &str) -> Result<Parsed, SyntaxError> {
    let mut parser = Parser { source, tokens: tokenize(source)?, pos: 0, depth: 0, parameter_count: 0 };
    let statement = parser.statement()?;
    parser.eat_symbol(";");
    if parser.peek().kind != TokenKind::End {
        return Err(parser.leftover());
    }
    Ok(Parsed { statement, parameter_count: parser.parameter_count })
}

struct Parser<'s> {
    source: &'s str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    parameter_count: usize,
}

type Parse<T> = Result<T, SyntaxError>;

impl Parser<'_> {
    fn peek(&self) -> &Token {
        self.peek_at(0)
    }

    /// The token `ahead` places on; the end token past the end.
    fn peek_at(&self, ahead: usize) -> &Token {
        let last = self.tokens.len().saturating_sub(1);
        &self.tokens[(self.pos + ahead).min(last)]
    }

    fn advance(&mut self) -> Token {
        let token = self.peek().clone();
        self.pos = (self.pos + 1).min(self.tokens.len().saturating_sub(1));
        token
    }

    /// Where the last token taken ended.
    fn end_of_previous(&self) -> usize {
        self.pos.checked_sub(1).and_then(|at| self.tokens.get(at)).map_or(0, |token| token.span.end)
    }

    fn is_word(&self, keyword: &str) -> bool {
        matches!(&self.peek().kind, TokenKind::Word(word) if word.eq_ignore_ascii_case(keyword))
    }

    fn is_symbol(&self, symbol: &str) -> bool {
        matches!(self.peek().kind, TokenKind::Symbol(found) if found == symbol)
    }

    fn eat_word(&mut self, keyword: &str) -> bool {
        let found = self.is_word(keyword);
        if found {
            self.advance();
        }
        found
    }

    fn eat_symbol(&mut self, symbol: &str) -> bool {
        let found = self.is_symbol(symbol);
        if found {
            self.advance();
        }
        found
    }

    fn malformed(&self, detail: &str) -> SyntaxError {
        SyntaxError::malformed(detail, self.peek().span.clone())
    }

    fn refused(&self, message: &str) -> SyntaxError {
        SyntaxError::refused(message, self.peek().span.clone())
    }

    fn leftover(&self) -> SyntaxError {
        self.malformed("Unexpected token after expression")
    }

    fn expect_word(&mut self, keyword: &str) -> Parse<()> {
        match self.eat_word(keyword) {
            true => Ok(()),
            false => Err(self.malformed(&format!("Expected {keyword}"))),
        }
    }

    fn expect_symbol(&mut self, symbol: &str) -> Parse<()> {
        match self.eat_symbol(symbol) {
            true => Ok(()),
            false => Err(self.malformed(&format!("Expected {symbol}"))),
        }
    }

    /// The error for a token that cannot start a term, in DynamoDB's words.
    fn unexpected_term(&self) -> SyntaxError {
        let detail = match &self.peek().kind {
            TokenKind::Word(word) if OPERATOR_WORDS.iter().any(|op| op.eq_ignore_ascii_case(word)) => {
                "Unexpected operator"
            }
            TokenKind::Word(word) if is_reserved(word) => "Unexpected keyword",
            TokenKind::Symbol("=" | "<>" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "*") => "Unexpected operator",
            _ => "Unexpected term",
        };
        self.malformed(detail)
    }

    /// Enters one nesting level, refusing to go past [`MAX_DEPTH`].
    fn enter(&mut self) -> Parse<()> {
        self.depth += 1;
        match self.depth > MAX_DEPTH {
            true => Err(self.malformed(&format!("Expression nesting exceeds the maximum depth of {MAX_DEPTH}"))),
            false => Ok(()),
        }
    }

    fn statement(&mut self) -> Parse<Statement> {
        if self.eat_word("SELECT") {
            return Ok(Statement::Select(self.select_rest()?));
        }
        if self.eat_word("INSERT") {
            return self.insert();
        }
        if self.eat_word("UPDATE") {
            return self.update();
        }
        if self.eat_word("DELETE") {
            return self.delete();
        }
        if self.eat_word("EXISTS") {
            self.expect_symbol("(")?;
            self.expect_word("SELECT")?;
            let select = self.select_rest()?;
            self.expect_symbol(")")?;
            return Ok(Statement::Exists(select));
        }
        Err(self.malformed("Expected data manipulation"))
    }

    /// A SELECT after its keyword.
    fn select_rest(&mut self) -> Parse<Select> {
        if self.is_word("VALUE") || self.is_word("PIVOT") {
            return Err(self.refused("Select projection doesn't support value or pivot keywords"));
        }
        let projection = self.projection()?;
        self.expect_word("FROM")?;
        let source = self.source(SourceOf::Select)?;
        let filter = match self.eat_word("WHERE") {
            true => Some(self.expr()?),
            false => None,
        };
        let mut order_by = Vec::new();
        if self.eat_word("ORDER") {
            self.expect_word("BY")?;
            loop {
                let path = self.path()?;
                let descending = self.eat_word("DESC");
                if !descending {
                    self.eat_word("ASC");
                }
                order_by.push(OrderKey { path, descending });
                if !self.eat_symbol(",") {
                    break;
                }
            }
        }
        if let Some((_, clause)) = UNSUPPORTED_CLAUSES.iter().find(|(word, _)| self.is_word(word)) {
            return Err(self.refused(&format!("Unsupported clause: {clause}")));
        }
        Ok(Select { projection, source, filter, order_by })
    }

    fn projection(&mut self) -> Parse<Projection> {
        const STAR_AND_OTHERS: &str = "Other attributes should not be present in the projection when '*' is used.";
        if self.eat_symbol("*") {
            return match self.is_symbol(",") {
                true => Err(self.refused(STAR_AND_OTHERS)),
                false => Ok(Projection::All),
            };
        }
        let mut paths = Vec::new();
        loop {
            if self.is_symbol("*") {
                return Err(self.refused(STAR_AND_OTHERS));
            }
            if let (TokenKind::Word(name), TokenKind::Symbol("(")) = (&self.peek().kind, &self.peek_at(1).kind) {
                // Aggregates and other functions: DynamoDB points at the function name.
                let (line, column) = line_and_column(self.source, self.peek().span.start);
                let message = format!("Unexpected path component at {line}:{column}:{}", name.len());
                return Err(self.refused(&message));
            }
            paths.push(self.path()?);
            if self.is_word("AS") || matches!(&self.peek().kind, TokenKind::Word(word) if !is_reserved(word)) {
                return Err(self.refused("Aliasing is not supported"));
            }
            if !self.eat_symbol(",") {
                return Ok(Projection::Paths(paths));
            }
        }
    }

    /// The table (and for a SELECT, optionally its index) a statement names.
    fn source(&mut self, of: SourceOf) -> Parse<Source> {
        let select = of == SourceOf::Select;
        let start = self.peek().span.start;
        let table = self.source_component(select)?;
        let mut index = None;
        if self.eat_symbol(".") {
            if !select {
                return Err(
                    self.refused("FROM clause may only contain a single table name in data manipulation statements")
                );
            }
            index = Some(self.source_component(select)?);
            if self.is_symbol(".") {
                return Err(self.refused("A path may contain at most 2 components in the FROM clause"));
            }
        }
        if self.is_symbol(",") || JOIN_WORDS.iter().any(|word| self.is_word(word)) {
            return Err(self.refused("Only select from a single table or index is supported."));
        }
        let alias = self.is_word("AS") || matches!(&self.peek().kind, TokenKind::Word(word) if !is_reserved(word));
        if alias && of != SourceOf::Insert {
            return Err(self.refused("Aliasing is not supported"));
        }
        Ok(Source { table, index, span: Span(start..self.end_of_previous()) })
    }

    fn source_component(&mut self, select: bool) -> Parse<String> {
        let name = match &self.peek().kind {
            TokenKind::Quoted(name) if name.is_empty() => {
                return Err(self.refused("Path component cannot be an empty string"))
            }
            TokenKind::Quoted(name) => name.clone(),
            TokenKind::Word(word) if !is_reserved(word) => word.clone(),
            _ if select => return Err(self.unexpected_term()),
            _ => return Err(self.malformed("Expected identifier for simple path")),
        };
        self.advance();
        Ok(name)
    }

    fn insert(&mut self) -> Parse<Statement> {
        self.expect_word("INTO")?;
        let target = self.source(SourceOf::Insert)?;
        if !self.eat_word("VALUE") {
            return Err(self.leftover());
        }
        let value = self.expr()?;
        if self.is_word("RETURNING") {
            return Err(self.refused("RETURNING is not supported in INSERT"));
        }
        Ok(Statement::Insert(Insert { target, value }))
    }

    fn update(&mut self) -> Parse<Statement> {
        let target = self.source(SourceOf::Write)?;
        let mut assignments = Vec::new();
        loop {
            if self.eat_word("SET") {
                loop {
                    let path = self.path()?;
                    self.expect_symbol("=")?;
                    assignments.push(Assignment::Set(path, self.expr()?));
                    if !self.eat_symbol(",") {
                        break;
                    }
                }
            } else if self.eat_word("REMOVE") {
                loop {
                    assignments.push(Assignment::Remove(self.path()?));
                    if !self.eat_symbol(",") {
                        break;
                    }
                }
            } else {
                break;
            }
        }
        if assignments.is_empty() {
            return Err(self.unexpected_term());
        }
        let filter = self.required_where()?;
        let returning = self.returning()?;
        Ok(Statement::Update(Update { target, assignments, filter, returning }))
    }

    fn delete(&mut self) -> Parse<Statement> {
        self.expect_word("FROM")?;
        let target = self.source(SourceOf::Write)?;
        let filter = self.required_where()?;
        let returning = self.returning()?;
        if let Some(returning) = returning.filter(|returning| *returning != Returning::AllOld) {
            let message = format!(
                "Invalid returning clause: RETURNING {returning} *. Only RETURNING ALL OLD * is allowed in DELETE statements."
            );
            return Err(self.refused(&message));
        }
        Ok(Statement::Delete(Delete { target, filter, returning }))
    }

    /// The WHERE clause UPDATE and DELETE need to name their item.
    fn required_where(&mut self) -> Parse<Expr> {
        match self.eat_word("WHERE") {
            true => self.expr(),
            false if self.peek().kind == TokenKind::End => Err(self.refused(MANDATORY_KEY)),
            false => Err(self.leftover()),
        }
    }

    fn returning(&mut self) -> Parse<Option<Returning>> {
        if !self.eat_word("RETURNING") {
            return Ok(None);
        }
        let all = match () {
            _ if self.eat_word("ALL") => true,
            _ if self.eat_word("MODIFIED") => false,
            _ => return Err(self.unexpected_term()),
        };
        let old = match () {
            _ if self.eat_word("OLD") => true,
            _ if self.eat_word("NEW") => false,
            _ => return Err(self.unexpected_term()),
        };
        if !self.eat_symbol("*") {
            return Err(self.refused("Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"));
        }
        Ok(Some(match (all, old) {
            (true, true) => Returning::AllOld,
            (false, true) => Returning::ModifiedOld,
            (true, false) => Returning::AllNew,
            (false, false) => Returning::ModifiedNew,
        }))
    }

    /// A document path: a name, then `.name` and `[index]` steps.
    fn path(&mut self) -> Parse<Path> {
        let start = self.peek().span.start;
        let first = match &self.peek().kind {
            TokenKind::Quoted(name) => name.clone(),
            TokenKind::Word(word) if !is_reserved(word) => word.clone(),
            _ => return Err(self.unexpected_term()),
        };
        self.advance();
        let mut steps = vec![Step::Name(first)];
        loop {
            if self.eat_symbol(".") {
                let step = match &self.peek().kind {
                    TokenKind::Quoted(name) | TokenKind::Word(name) => Step::Name(name.clone()),
                    TokenKind::Symbol("*") => {
                        return Err(self.refused("Unpivot path component like a.*.b are not supported"))
                    }
                    _ => return Err(self.unexpected_term()),
                };
                self.advance();
                steps.push(step);
            } else if self.eat_symbol("[") {
                let step = match &self.peek().kind {
                    TokenKind::Number(digits) => Step::Index(digits.parse().map_err(|_| self.unexpected_term())?),
                    TokenKind::Str(name) => Step::Name(name.clone()),
                    TokenKind::Symbol("*") => {
                        return Err(self.refused("Wildcard path component like a[*].b are not supported"))
                    }
                    _ => return Err(self.unexpected_term()),
                };
                self.advance();
                self.expect_symbol("]")?;
                steps.push(step);
            } else {
                return Ok(Path { steps, span: Span(start..self.end_of_previous()) });
            }
        }
    }

    fn expr(&mut self) -> Parse<Expr> {
        self.enter()?;
        let expr = self.or();
        self.depth -= 1;
        expr
    }

    /// Builds a node spanning from `start` to the last token taken.
    fn node(&self, start: usize, kind: ExprKind) -> Expr {
        Expr { kind, span: Span(start..self.end_of_previous()) }
    }

    /// The right operand of an infix operator just taken.
    fn right_operand(&mut self, operand: fn(&mut Self) -> Parse<Expr>) -> Parse<Expr> {
        match self.peek().kind {
            TokenKind::End => Err(self.malformed("Missing right-hand side expression of infix operator")),
            _ => operand(self),
        }
    }

    fn or(&mut self) -> Parse<Expr> {
        let start = self.peek().span.start;
        let mut left = self.and()?;
        while self.eat_word("OR") {
            let right = self.right_operand(Self::and)?;
            left = self.node(start, ExprKind::Or(Box::new(left), Box::new(right)));
        }
        Ok(left)
    }

    fn and(&mut self) -> Parse<Expr> {
        let start = self.peek().span.start;
        let mut left = self.not()?;
        while self.eat_word("AND") {
            let right = self.right_operand(Self::not)?;
            left = self.node(start, ExprKind::And(Box::new(left), Box::new(right)));
        }
        Ok(left)
    }

    fn not(&mut self) -> Parse<Expr> {
        let start = self.peek().span.start;
        if !self.eat_word("NOT") {
            return self.predicate();
        }
        self.enter()?;
        let inner = self.not();
        self.depth -= 1;
        Ok(self.node(start, ExprKind::Not(Box::new(inner?))))
    }

    fn predicate(&mut self) -> Parse<Expr> {
        let start = self.peek().span.start;
        let subject = self.additive()?;
        if let TokenKind::Symbol(symbol) = self.peek().kind {
            if let Some(comparator) = comparator(symbol) {
                self.advance();
                let right = self.right_operand(Self::additive)?;
                return Ok(self.node(start, ExprKind::Compare(Box::new(subject), comparator, Box::new(right))));
            }
        }
        if self.eat_word("IS") {
            let negated = self.eat_word("NOT");
            let tested = match () {
                _ if self.eat_word("MISSING") => IsType::Missing,
                _ if self.eat_word("NULL") => IsType::Null,
                _ => return Err(self.malformed("Expected type name")),
            };
            let test = self.node(start, ExprKind::Is(Box::new(subject), tested));
            return Ok(self.negate_if(negated, start, test));
        }
        let negated =
            self.is_word("NOT") && (self.peek_at(1).kind.is_word("BETWEEN") || self.peek_at(1).kind.is_word("IN"));
        if negated {
            self.advance();
        }
        let test = if self.eat_word("BETWEEN") {
            let low = self.right_operand(Self::additive)?;
            self.expect_word("AND")?;
            let high = self.right_operand(Self::additive)?;
            self.node(start, ExprKind::Between(Box::new(subject), Box::new(low), Box::new(high)))
        } else if self.eat_word("IN") {
            let close = match () {
                _ if self.eat_symbol("[") => "]",
                _ if self.eat_symbol("(") => ")",
                _ => return Err(self.unexpected_term()),
            };
            let items = self.items(close)?;
            self.node(start, ExprKind::In(Box::new(subject), items))
        } else {
            return Ok(subject);
        };
        Ok(self.negate_if(negated, start, test))
    }

    fn negate_if(&self, negated: bool, start: usize, test: Expr) -> Expr {
        match negated {
            true => self.node(start, ExprKind::Not(Box::new(test))),
            false => test,
        }
    }

    fn additive(&mut self) -> Parse<Expr> {
        let start = self.peek().span.start;
        let mut left = self.term()?;
        loop {
            let op = match () {
                _ if self.eat_symbol("+") => ArithOp::Plus,
                _ if self.eat_symbol("-") => ArithOp::Minus,
                _ => return Ok(left),
            };
            let right = self.right_operand(Self::term)?;
            left = self.node(start, ExprKind::Arith(Box::new(left), op, Box::new(right)));
        }
    }

    /// Expressions separated by commas, up to the `close` symbol (taken); each item is
    /// one nesting level down, through [`Self::expr`].
    fn items(&mut self, close: &str) -> Parse<Vec<Expr>> {
        let mut items = Vec::new();
        if self.eat_symbol(close) {
            return Ok(items);
        }
        loop {
            items.push(self.expr()?);
            if self.eat_symbol(close) {
                return Ok(items);
            }
            self.expect_symbol(",")?;
        }
    }

    fn term(&mut self) -> Parse<Expr> {
        let start = self.peek().span.start;
        let literal = |literal| Ok(ExprKind::Literal(literal));
        let kind = match self.peek().kind.clone() {
            TokenKind::Str(text) => {
                self.advance();
                literal(Literal::Str(text))
            }
            TokenKind::Number(digits) => {
                self.advance();
                literal(Literal::Number(digits))
            }
            TokenKind::Symbol("-") if matches!(self.peek_at(1).kind, TokenKind::Number(_)) => {
                self.advance();
                let TokenKind::Number(digits) = self.advance().kind else { return Err(self.unexpected_term()) };
                literal(Literal::Number(format!("-{digits}")))
            }
            TokenKind::Param => {
                self.advance();
                self.parameter_count += 1;
                Ok(ExprKind::Param(self.parameter_count - 1))
            }
            TokenKind::Symbol("(") => {
                self.advance();
                if self.is_word("SELECT") {
                    return Err(self.refused("Unsupported operation: Subqueries are not supported"));
                }
                let inner = self.expr()?;
                self.expect_symbol(")")?;
                return Ok(inner);
            }
            TokenKind::Symbol("[") => {
                self.advance();
                Ok(ExprKind::List(self.items("]")?))
            }
            TokenKind::Symbol("<<") => {
                self.advance();
                Ok(ExprKind::Bag(self.items(">>")?))
            }
            TokenKind::Symbol("{") => {
                self.advance();
                Ok(ExprKind::Tuple(self.tuple_rest()?))
            }
            TokenKind::Word(word) if matches!(self.peek_at(1).kind, TokenKind::Symbol("(")) && !is_keyword(&word) => {
                self.advance();
                self.advance();
                Ok(ExprKind::Call(word, self.items(")")?))
            }
            TokenKind::Word(word) => match word.to_ascii_uppercase().as_str() {
                "TRUE" | "FALSE" | "NULL" | "MISSING" => {
                    self.advance();
                    literal(match word.to_ascii_uppercase().as_str() {
                        "TRUE" => Literal::Bool(true),
                        "FALSE" => Literal::Bool(false),
                        "NULL" => Literal::Null,
                        _ => Literal::Missing,
                    })
                }
                _ => Ok(ExprKind::Path(self.path()?)),
            },
            TokenKind::Quoted(_) => Ok(ExprKind::Path(self.path()?)),
            _ => Err(self.unexpected_term()),
        }?;
        Ok(self.node(start, kind))
    }

    /// The `key: value` pairs of a tuple after its `{`, and the `}`.
    fn tuple_rest(&mut self) -> Parse<Vec<(Expr, Expr)>> {
        let mut pairs = Vec::new();
        if self.eat_symbol("}") {
            return Ok(pairs);
        }
        loop {
            let key = self.expr()?;
            self.expect_symbol(":")?;
            pairs.push((key, self.expr()?));
            if self.eat_symbol("}") {
                return Ok(pairs);
            }
            self.expect_symbol(",")?;
        }
    }
}

impl TokenKind {
    fn is_word(&self, keyword: &str) -> bool {
        matches!(self, TokenKind::Word(word) if word.eq_ignore_ascii_case(keyword))
    }
}

/// The comparator a symbol spells, if it is one.
fn comparator(symbol: &str) -> Option<Comparator> {
    Some(match symbol {
        "=" => Comparator::Eq,
        "<>" | "!=" => Comparator::Ne,
        "<" => Comparator::Lt,
        "<=" => Comparator::Le,
        ">" => Comparator::Gt,
        ">=" => Comparator::Ge,
        _ => return None,
    })
}

/// The 1-based line and column (in characters) of byte `at`.
fn line_and_column(source: &str, at: usize) -> (usize, usize) {
    let before = source.get(..at).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |text| text.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_words_are_sorted_for_the_binary_search() {
        assert!(RESERVED.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(KEYWORDS.iter().all(|keyword| is_reserved(keyword)));
        assert!(is_reserved("pad") && is_reserved("Size") && !is_reserved("data") && !is_reserved("year"));
    }
}
