//! The one lexer behind all five expression grammars: text in, tokens with byte spans out.
//!
//! Whitespace separates tokens and is dropped. Keywords (`AND`, `SET`, ...) come out as
//! [`Tok::Word`]s; each grammar decides which words are keywords for it. A character no
//! grammar uses becomes a one-character [`Tok::Unknown`] token, so the parser reports
//! it as DynamoDB does: as the syntax error's offending token.

use std::ops::Range;

/// The kinds of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    /// A word: a letter or `_`, then letters, digits and `_` (names, keywords, functions).
    Word,
    /// `#name`, an ExpressionAttributeNames placeholder.
    Name,
    /// `:value`, an ExpressionAttributeValues placeholder.
    Value,
    /// Digits (list indexes).
    Digits,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `,`
    Comma,
    /// `.`
    Dot,
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
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// A character no grammar uses.
    Unknown,
    /// The end of the text.
    Eof,
}

/// A token: its kind and where it sits in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Tok,
    pub span: Range<usize>,
}

impl Token {
    /// The token's text (`<EOF>` at the end, as DynamoDB's messages write it).
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        match self.kind {
            Tok::Eof => "<EOF>",
            _ => &source[self.span.clone()],
        }
    }
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Splits `source` into tokens, always ending with one [`Tok::Eof`].
pub fn tokenize(source: &str) -> Vec<Token> {
    let bytes = source.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte.is_ascii_whitespace() {
            at += 1;
            continue;
        }
        let (kind, len) = match byte {
            b'#' => (Tok::Name, 1 + word_len(&bytes[at + 1..])),
            b':' => (Tok::Value, 1 + word_len(&bytes[at + 1..])),
            b'0'..=b'9' => (Tok::Digits, bytes[at..].iter().take_while(|b| b.is_ascii_digit()).count()),
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => (Tok::Word, word_len(&bytes[at..])),
            b'<' if bytes.get(at + 1) == Some(&b'>') => (Tok::Ne, 2),
            b'<' if bytes.get(at + 1) == Some(&b'=') => (Tok::Le, 2),
            b'>' if bytes.get(at + 1) == Some(&b'=') => (Tok::Ge, 2),
            _ => match punctuation(byte) {
                Some(kind) => (kind, 1),
                // One whole character, so spans stay on UTF-8 boundaries.
                None => (Tok::Unknown, source[at..].chars().next().map_or(1, char::len_utf8)),
            },
        };
        tokens.push(Token { kind, span: at..at + len });
        at += len;
    }
    tokens.push(Token { kind: Tok::Eof, span: source.len()..source.len() });
    tokens
}

fn word_len(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|&&b| is_word_byte(b)).count()
}

fn punctuation(byte: u8) -> Option<Tok> {
    Some(match byte {
        b'(' => Tok::LParen,
        b')' => Tok::RParen,
        b'[' => Tok::LBracket,
        b']' => Tok::RBracket,
        b',' => Tok::Comma,
        b'.' => Tok::Dot,
        b'=' => Tok::Eq,
        b'<' => Tok::Lt,
        b'>' => Tok::Gt,
        b'+' => Tok::Plus,
        b'-' => Tok::Minus,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Tok> {
        tokenize(text).into_iter().map(|token| token.kind).collect()
    }

    #[test]
    fn splits_operators_and_words() {
        use Tok::*;
        assert_eq!(
            kinds("a.b[12] <> :v AND #n>=x_1"),
            vec![Word, Dot, Word, LBracket, Digits, RBracket, Ne, Value, Word, Name, Ge, Word, Eof]
        );
        assert_eq!(kinds("<<=>>=="), vec![Lt, Le, Gt, Ge, Eq, Eof]);
    }

    #[test]
    fn spans_and_texts() {
        let source = "  ab ≠";
        let tokens = tokenize(source);
        assert_eq!(tokens[0].span, 2..4);
        assert_eq!(tokens[1].kind, Tok::Unknown);
        assert_eq!(tokens[1].text(source), "≠");
        assert_eq!(tokens[2].text(source), "<EOF>");
    }

    #[test]
    fn bare_placeholder_marks_are_tokens() {
        assert_eq!(kinds("# :"), vec![Tok::Name, Tok::Value, Tok::Eof]);
    }
}
