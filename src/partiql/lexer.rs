//! Splits a PartiQL statement into tokens with byte spans.
//!
//! Names are case-sensitive and keywords are not: a bare word stays a [`TokenKind::Word`]
//! and the parser decides whether it is a keyword. Comments (`--` to the end of the line,
//! `/* ... */`) are skipped. A character no token starts with, an unterminated string,
//! name or comment, and a number whose exponent does not fit 32 bits are refused the way
//! DynamoDB refuses them: the "wasn't well formed" envelope with nothing after it.

use super::SyntaxError;
use std::ops::Range;

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    /// A bare word: a keyword, a function name or an attribute name.
    Word(String),
    /// A name in double quotes (`"my table"`), quotes removed and `""` unescaped.
    Quoted(String),
    /// A string literal in single quotes, quotes removed and `''` unescaped.
    Str(String),
    /// A number literal, as written.
    Number(String),
    /// A `?` parameter.
    Param,
    /// Punctuation or an operator: `( ) [ ] { } , . : ; * + - = <> != < <= > >= << >>`.
    Symbol(&'static str),
    /// The end of the statement.
    End,
}

/// One token and the bytes of the statement it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Range<usize>,
}

/// Symbols, longest first so that `<=` wins over `<`.
const SYMBOLS: [&str; 22] = [
    "<<", ">>", "<>", "!=", "<=", ">=", "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "*", "+", "-", "=", "<", ">",
];

/// The tokens of `source`, ending with [`TokenKind::End`].
pub fn tokenize(source: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut tokens = Vec::new();
    let mut at = 0;
    while let Some(found) = next_token(source, at)? {
        at = found.span.end;
        tokens.push(found);
    }
    tokens.push(Token { kind: TokenKind::End, span: source.len()..source.len() });
    Ok(tokens)
}

/// The token starting at or after `at` (past blanks and comments), if any is left.
fn next_token(source: &str, mut at: usize) -> Result<Option<Token>, SyntaxError> {
    let bytes = source.as_bytes();
    loop {
        let rest = &source[at..];
        if let Some(first) = rest.chars().next().filter(|c| c.is_whitespace()) {
            at += first.len_utf8();
        } else if rest.starts_with("--") {
            at += rest.find('\n').unwrap_or(rest.len());
        } else if let Some(comment) = rest.strip_prefix("/*") {
            let end = comment.find("*/").ok_or_else(|| SyntaxError::malformed("", at..source.len()))?;
            at += end + 4;
        } else {
            break;
        }
    }
    let Some(first) = source[at..].chars().next() else { return Ok(None) };
    let token = |kind, end| Ok(Some(Token { kind, span: at..end }));
    match first {
        '\'' => {
            let (text, end) = quoted(source, at, '\'')?;
            token(TokenKind::Str(text), end)
        }
        '"' => {
            let (text, end) = quoted(source, at, '"')?;
            token(TokenKind::Quoted(text), end)
        }
        '?' => token(TokenKind::Param, at + 1),
        c if c.is_ascii_digit() => {
            let end = number_end(bytes, at).ok_or_else(|| SyntaxError::malformed("", at..at + 1))?;
            token(TokenKind::Number(source[at..end].to_owned()), end)
        }
        c if c.is_ascii_alphabetic() || c == '_' || c == '$' => {
            let end = at + source[at..].find(|c: char| !is_word_char(c)).unwrap_or(source.len() - at);
            token(TokenKind::Word(source[at..end].to_owned()), end)
        }
        _ => match SYMBOLS.iter().find(|symbol| source[at..].starts_with(**symbol)) {
            Some(symbol) => token(TokenKind::Symbol(symbol), at + symbol.len()),
            None => Err(SyntaxError::malformed("", at..at + first.len_utf8())),
        },
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// A quoted string or name starting at `start`: its text (doubled quotes unescaped) and
/// the byte after its closing quote.
fn quoted(source: &str, start: usize, quote: char) -> Result<(String, usize), SyntaxError> {
    let mut text = String::new();
    let mut chars = source[start + 1..].char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        if c != quote {
            text.push(c);
            continue;
        }
        if chars.peek().is_some_and(|(_, next)| *next == quote) {
            chars.next();
            text.push(quote);
            continue;
        }
        return Ok((text, start + 1 + offset + 1));
    }
    Err(SyntaxError::malformed("", start..source.len()))
}

/// The end of the number starting at `start`: digits, an optional fraction and an
/// optional exponent, which must fit a 32-bit integer (`None` when it does not).
fn number_end(bytes: &[u8], start: usize) -> Option<usize> {
    let digits = |from: usize| from + bytes[from..].iter().take_while(|byte| byte.is_ascii_digit()).count();
    let mut end = digits(start);
    if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end = digits(end + 1);
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(end + 1), Some(b'+' | b'-')));
        let exponent_start = end + 1 + sign;
        let exponent_end = digits(exponent_start);
        if exponent_end > exponent_start {
            let exponent = std::str::from_utf8(&bytes[exponent_start..exponent_end]).ok()?;
            exponent.parse::<i32>().ok()?;
            end = exponent_end;
        }
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<TokenKind> {
        tokenize(source).unwrap().into_iter().map(|token| token.kind).collect()
    }

    #[test]
    fn words_names_strings_numbers_and_symbols() {
        assert_eq!(
            kinds(r#"SELECT "a""b" FROM t WHERE x <= 'it''s' AND n = 1.5e3 -- note"#),
            vec![
                TokenKind::Word("SELECT".into()),
                TokenKind::Quoted("a\"b".into()),
                TokenKind::Word("FROM".into()),
                TokenKind::Word("t".into()),
                TokenKind::Word("WHERE".into()),
                TokenKind::Word("x".into()),
                TokenKind::Symbol("<="),
                TokenKind::Str("it's".into()),
                TokenKind::Word("AND".into()),
                TokenKind::Word("n".into()),
                TokenKind::Symbol("="),
                TokenKind::Number("1.5e3".into()),
                TokenKind::End,
            ]
        );
        assert_eq!(
            kinds("<<1>> /* c */ ?"),
            vec![
                TokenKind::Symbol("<<"),
                TokenKind::Number("1".into()),
                TokenKind::Symbol(">>"),
                TokenKind::Param,
                TokenKind::End
            ]
        );
    }

    #[test]
    fn refusals_have_an_empty_detail() {
        for bad in ["'open", "\"open", "/* open", "a # b", "1e2147483648"] {
            let error = tokenize(bad).unwrap_err();
            assert_eq!(error.message, "Statement wasn't well formed, can't be processed: ", "{bad}");
        }
        assert_eq!(tokenize("é").unwrap_err().span, 0..2);
    }
}
