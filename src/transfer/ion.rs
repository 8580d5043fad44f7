//! Amazon Ion text, as far as DynamoDB's exports and imports use it: items written as
//! Ion (numbers as decimals, sets as lists annotated `$dynamodb_SS`/`NS`/`BS`), and a
//! parser of Ion text values that turns them back into DynamoDB JSON.
//!
//! The parser reads the Ion text grammar DynamoDB's files need (null and typed nulls,
//! bools, integers, decimals, floats, strings and long strings, symbols, blobs, lists,
//! structs, annotations, comments); timestamps, clobs and s-expressions are refused
//! with a message. Nesting is bounded so that hostile input cannot exhaust the stack.

use crate::json::json;
use crate::model::{base64_decode, base64_encode, AttributeValue, CompactCollect, Item, Number};
use serde_json::{Map, Value};
use std::fmt::Write;

/// The version marker each exported line begins with.
pub const VERSION_MARKER: &str = "$ion_1_0";
/// Deepest nesting the parser follows; DynamoDB items nest at most 32 levels.
const MAX_DEPTH: usize = 64;

/// `item` as an Ion struct.
pub fn item_to_ion(item: &Item, out: &mut String) {
    out.push('{');
    for (position, (name, value)) in item.iter().enumerate() {
        if position > 0 {
            out.push(',');
        }
        write_symbol(name, out);
        out.push(':');
        value_to_ion(value, out);
    }
    out.push('}');
}

fn value_to_ion(value: &AttributeValue, out: &mut String) {
    match value {
        AttributeValue::S(text) => write_string(text, out),
        AttributeValue::N(number) => write_decimal(number, out),
        AttributeValue::B(bytes) => write_blob(bytes, out),
        AttributeValue::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        AttributeValue::Null => out.push_str("null"),
        AttributeValue::M(item) => item_to_ion(item, out),
        AttributeValue::L(values) => write_list("", values, out, value_to_ion),
        AttributeValue::Ss(texts) => write_list("$dynamodb_SS::", texts, out, |text, out| write_string(text, out)),
        AttributeValue::Ns(numbers) => write_list("$dynamodb_NS::", numbers, out, write_decimal),
        AttributeValue::Bs(blobs) => write_list("$dynamodb_BS::", blobs, out, |bytes, out| write_blob(bytes, out)),
    }
}

fn write_list<T>(annotation: &str, values: &[T], out: &mut String, write: impl Fn(&T, &mut String)) {
    out.push_str(annotation);
    out.push('[');
    for (position, value) in values.iter().enumerate() {
        if position > 0 {
            out.push(',');
        }
        write(value, out);
    }
    out.push(']');
}

/// A number as DynamoDB writes an Ion decimal: `103.`, `6d2` for 600, `1.5`.
fn write_decimal(number: &Number, out: &mut String) {
    let text = number.to_string();
    if text.contains('.') {
        out.push_str(&text);
        return;
    }
    let significant = text.trim_end_matches('0');
    match text.len() - significant.len() {
        zeros if zeros > 0 && !significant.is_empty() && significant != "-" => {
            let _ = write!(out, "{significant}d{zeros}");
        }
        _ => {
            out.push_str(&text);
            out.push('.');
        }
    }
}

fn write_blob(bytes: &[u8], out: &mut String) {
    let _ = write!(out, "{{{{{}}}}}", base64_encode(bytes));
}

fn write_string(text: &str, out: &mut String) {
    out.push('"');
    escape_into(text, '"', out);
    out.push('"');
}

/// A struct field name: a bare identifier when Ion allows one, else a quoted symbol.
fn write_symbol(name: &str, out: &mut String) {
    let mut chars = name.chars();
    let identifier = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        && !matches!(name, "null" | "true" | "false" | "nan");
    if identifier {
        out.push_str(name);
    } else {
        out.push('\'');
        escape_into(name, '\'', out);
        out.push('\'');
    }
}

fn escape_into(text: &str, quote: char, out: &mut String) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// One Ion value as parsed, with its annotations.
#[derive(Debug, Clone, PartialEq)]
pub struct Ion {
    pub annotations: Vec<String>,
    pub value: IonValue,
}

/// The kinds of Ion value the parser produces.
#[derive(Debug, Clone, PartialEq)]
pub enum IonValue {
    /// `null` or a typed null such as `null.string`.
    Null,
    Bool(bool),
    /// An integer, decimal or float, as DynamoDB number text (`6d2` becomes `6E2`).
    Number(String),
    String(String),
    Symbol(String),
    Blob(Vec<u8>),
    List(Vec<Ion>),
    Struct(Vec<(String, Ion)>),
}

/// Every top-level value of `text`, version markers left out.
pub fn parse(text: &str) -> Result<Vec<Ion>, String> {
    let mut parser = Parser { bytes: text.as_bytes(), at: 0 };
    let mut values = Vec::new();
    loop {
        parser.skip_blank()?;
        if parser.at >= parser.bytes.len() {
            return Ok(values);
        }
        let value = parser.value(0)?;
        let marker = value.annotations.is_empty() && value.value == IonValue::Symbol(VERSION_MARKER.to_string());
        if !marker {
            values.push(value);
        }
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.at + offset).copied()
    }

    fn error(&self, what: &str) -> String {
        format!("{what} at offset {}", self.at)
    }

    fn skip_blank(&mut self) -> Result<(), String> {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c), _) => self.at += 1,
                (Some(b'/'), Some(b'/')) => {
                    while self.peek().is_some_and(|byte| byte != b'\n') {
                        self.at += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    let end = find(self.bytes, self.at + 2, b"*/").ok_or_else(|| self.error("unclosed comment"))?;
                    self.at = end + 2;
                }
                _ => return Ok(()),
            }
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        self.skip_blank()?;
        match self.peek() {
            Some(found) if found == byte => {
                self.at += 1;
                Ok(())
            }
            _ => Err(self.error(&format!("expected '{}'", byte as char))),
        }
    }

    /// A value with its annotations.
    fn value(&mut self, depth: usize) -> Result<Ion, String> {
        if depth > MAX_DEPTH {
            return Err(self.error("values nest too deeply"));
        }
        let mut annotations = Vec::new();
        loop {
            self.skip_blank()?;
            let start = self.at;
            let symbol = match self.peek() {
                Some(b'\'') if self.peek_at(1) != Some(b'\'') || self.peek_at(2) != Some(b'\'') => {
                    Some(self.quoted(b'\'')?)
                }
                Some(byte) if is_identifier_start(byte) => Some(self.identifier()),
                _ => None,
            };
            let Some(symbol) = symbol else { break };
            self.skip_blank()?;
            if self.peek() == Some(b':') && self.peek_at(1) == Some(b':') {
                self.at += 2;
                annotations.push(symbol);
                continue;
            }
            let quoted = self.bytes.get(start) == Some(&b'\'');
            let value = if quoted { IonValue::Symbol(symbol) } else { self.keyword(symbol)? };
            return Ok(Ion { annotations, value });
        }
        let value = self.unannotated(depth)?;
        Ok(Ion { annotations, value })
    }

    /// What a bare identifier means: a keyword or a symbol.
    fn keyword(&mut self, word: String) -> Result<IonValue, String> {
        Ok(match word.as_str() {
            "null" => {
                if self.peek() == Some(b'.') {
                    self.at += 1;
                    self.identifier();
                }
                IonValue::Null
            }
            "true" => IonValue::Bool(true),
            "false" => IonValue::Bool(false),
            "nan" => return Err(self.error("nan is not a DynamoDB number")),
            _ => IonValue::Symbol(word),
        })
    }

    fn unannotated(&mut self, depth: usize) -> Result<IonValue, String> {
        match (self.peek(), self.peek_at(1)) {
            (Some(b'{'), Some(b'{')) => self.blob(),
            (Some(b'{'), _) => self.structure(depth),
            (Some(b'['), _) => self.list(depth),
            (Some(b'"'), _) => Ok(IonValue::String(self.quoted(b'"')?)),
            (Some(b'\''), _) => Ok(IonValue::String(self.long_strings()?)),
            (Some(b'('), _) => Err(self.error("s-expressions are not supported")),
            (Some(b'-' | b'+' | b'0'..=b'9'), _) => self.number(),
            (None, _) => Err(self.error("unexpected end of input")),
            _ => Err(self.error("unexpected character")),
        }
    }

    fn identifier(&mut self) -> String {
        let start = self.at;
        while self.peek().is_some_and(|byte| is_identifier_start(byte) || byte.is_ascii_digit()) {
            self.at += 1;
        }
        String::from_utf8_lossy(self.bytes.get(start..self.at).unwrap_or_default()).into_owned()
    }

    fn number(&mut self) -> Result<IonValue, String> {
        let start = self.at;
        while self.peek().is_some_and(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'+' | b'_'))
        {
            self.at += 1;
        }
        let raw = String::from_utf8_lossy(self.bytes.get(start..self.at).unwrap_or_default()).replace('_', "");
        if raw.contains('T') || raw.matches('-').count() > 1 + usize::from(raw.contains(['d', 'D', 'e', 'E'])) {
            return Err(self.error("timestamps are not supported"));
        }
        let text = raw.replace(['d', 'D'], "E");
        Number::parse(&text).map_err(|_| format!("'{raw}' is not a number at offset {start}"))?;
        Ok(IonValue::Number(text))
    }

    /// A `"` string or `'` symbol, escapes resolved.
    fn quoted(&mut self, quote: u8) -> Result<String, String> {
        self.at += 1;
        let mut text = Vec::new();
        loop {
            match self.peek() {
                None | Some(b'\n') => return Err(self.error("unclosed string")),
                Some(byte) if byte == quote => {
                    self.at += 1;
                    return String::from_utf8(text).map_err(|_| self.error("a string is not UTF-8"));
                }
                Some(b'\\') => self.escape(&mut text)?,
                Some(byte) => {
                    text.push(byte);
                    self.at += 1;
                }
            }
        }
    }

    /// One or more adjacent `'''long strings'''`, concatenated.
    fn long_strings(&mut self) -> Result<String, String> {
        let mut text = Vec::new();
        while self.bytes.get(self.at..self.at + 3) == Some(b"'''") {
            self.at += 3;
            loop {
                match self.peek() {
                    None => return Err(self.error("unclosed long string")),
                    Some(b'\'') if self.bytes.get(self.at..self.at + 3) == Some(b"'''") => {
                        self.at += 3;
                        break;
                    }
                    Some(b'\\') => self.escape(&mut text)?,
                    Some(byte) => {
                        text.push(byte);
                        self.at += 1;
                    }
                }
            }
            self.skip_blank()?;
        }
        String::from_utf8(text).map_err(|_| self.error("a string is not UTF-8"))
    }

    fn escape(&mut self, text: &mut Vec<u8>) -> Result<(), String> {
        let letter = self.peek_at(1).ok_or_else(|| self.error("unfinished escape"))?;
        self.at += 2;
        let simple = match letter {
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'0' => Some(0),
            b'a' => Some(7),
            b'b' => Some(8),
            b'f' => Some(12),
            b'v' => Some(11),
            b'\n' => return Ok(()),
            b'"' | b'\'' | b'\\' | b'/' | b'?' => Some(letter),
            _ => None,
        };
        if let Some(byte) = simple {
            text.push(byte);
            return Ok(());
        }
        let width = match letter {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => return Err(self.error("unknown escape")),
        };
        let digits = self.bytes.get(self.at..self.at + width).ok_or_else(|| self.error("unfinished escape"))?;
        let code = std::str::from_utf8(digits).ok().and_then(|hex| u32::from_str_radix(hex, 16).ok());
        let c = code.and_then(char::from_u32).ok_or_else(|| self.error("bad escape"))?;
        self.at += width;
        let mut buffer = [0u8; 4];
        text.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
        Ok(())
    }

    fn blob(&mut self) -> Result<IonValue, String> {
        self.at += 2;
        let end = find(self.bytes, self.at, b"}}").ok_or_else(|| self.error("unclosed blob"))?;
        let inside = self.bytes.get(self.at..end).unwrap_or_default();
        if inside.iter().any(|&byte| byte == b'"' || byte == b'\'') {
            return Err(self.error("clobs are not supported"));
        }
        let base64: String = String::from_utf8_lossy(inside).chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let bytes = base64_decode(&base64).map_err(|error| self.error(&format!("bad blob: {}", error.message)))?;
        self.at = end + 2;
        Ok(IonValue::Blob(bytes))
    }

    fn list(&mut self, depth: usize) -> Result<IonValue, String> {
        self.at += 1;
        let mut values = Vec::new();
        loop {
            self.skip_blank()?;
            if self.peek() == Some(b']') {
                self.at += 1;
                return Ok(IonValue::List(values));
            }
            values.push(self.value(depth + 1)?);
            self.skip_blank()?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {}
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn structure(&mut self, depth: usize) -> Result<IonValue, String> {
        self.at += 1;
        let mut fields = Vec::new();
        loop {
            self.skip_blank()?;
            let name = match self.peek() {
                Some(b'}') => {
                    self.at += 1;
                    return Ok(IonValue::Struct(fields));
                }
                Some(b'"') => self.quoted(b'"')?,
                Some(b'\'') => self.quoted(b'\'')?,
                Some(byte) if is_identifier_start(byte) => self.identifier(),
                _ => return Err(self.error("expected a field name")),
            };
            self.expect(b':')?;
            fields.push((name, self.value(depth + 1)?));
            self.skip_blank()?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {}
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }
}

fn is_identifier_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_' || byte == b'$'
}

/// Where `needle` next occurs in `bytes` from `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(needle.len()).position(|window| window == needle).map(|at| at + from)
}

/// An Ion value as a DynamoDB JSON attribute value (`{"S": ...}`), sets recognised by
/// their annotation.
pub fn to_attribute_json(ion: &Ion) -> Result<Value, String> {
    let set = ion.annotations.iter().find_map(|name| name.strip_prefix("$dynamodb_"));
    if let Some(kind) = set {
        let IonValue::List(members) = &ion.value else {
            return Err(format!("a $dynamodb_{kind} annotation needs a list"));
        };
        let members: Vec<Value> = members.iter().map(|member| set_member(kind, member)).try_collect_vec()?;
        return Ok(json!({ kind: members }));
    }
    Ok(match &ion.value {
        IonValue::Null => json!({"NULL": true}),
        IonValue::Bool(flag) => json!({"BOOL": flag}),
        IonValue::Number(text) => json!({"N": text}),
        IonValue::String(text) => json!({"S": text}),
        IonValue::Symbol(symbol) => return Err(format!("the symbol {symbol} is not a DynamoDB value")),
        IonValue::Blob(bytes) => json!({"B": base64_encode(bytes)}),
        IonValue::List(values) => json!({"L": values.iter().map(to_attribute_json).try_collect_vec()?}),
        IonValue::Struct(fields) => json!({"M": struct_to_item_json(fields)?}),
    })
}

/// A struct's fields as DynamoDB JSON attributes.
pub fn struct_to_item_json(fields: &[(String, Ion)]) -> Result<Map<String, Value>, String> {
    let mut item = Map::new();
    for (name, value) in fields {
        item.insert(name.clone(), to_attribute_json(value)?);
    }
    Ok(item)
}

fn set_member(kind: &str, member: &Ion) -> Result<Value, String> {
    match (kind, &member.value) {
        ("SS", IonValue::String(text)) => Ok(json!(text)),
        ("NS", IonValue::Number(text)) => Ok(json!(text)),
        ("BS", IonValue::Blob(bytes)) => Ok(json!(base64_encode(bytes))),
        _ => Err(format!("a $dynamodb_{kind} list holds a value of another type")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::item_from_json;

    fn item(json: Value) -> Item {
        item_from_json(json.as_object().unwrap()).unwrap()
    }

    #[test]
    fn writes_as_dynamodb_does() {
        let item = item(json!({"Authors": {"SS": ["Author1", "Author2"]}, "Id": {"N": "103"},
            "PageCount": {"N": "600"}, "Price": {"N": "-1.5"}, "z": {"N": "0"}, "InPublication": {"BOOL": false},
            "b": {"B": "AQI="}, "nil": {"NULL": true}, "two words": {"L": [{"S": "a\"\n"}, {"M": {}}]},
            "bs": {"BS": ["AQ=="]}, "ns": {"NS": ["10", "1"]}}));
        let mut out = String::new();
        item_to_ion(&item, &mut out);
        assert_eq!(
            out,
            r#"{Authors:$dynamodb_SS::["Author1","Author2"],Id:103.,InPublication:false,PageCount:6d2,Price:-1.5,b:{{AQI=}},bs:$dynamodb_BS::[{{AQ==}}],nil:null,ns:$dynamodb_NS::[1d1,1.],'two words':["a\"\n",{}],z:0.}"#
        );
    }

    #[test]
    fn parses_what_it_writes() {
        let original = item(json!({"s": {"S": "é\t'x'"}, "n": {"N": "-12.5e3"}, "l": {"L": [{"NULL": true}]},
            "m": {"M": {"in": {"NS": ["1", "2"]}}}, "null": {"BS": ["AQ==", "Ag=="]}, "b": {"B": ""}}));
        let mut out = String::from("$ion_1_0 {Item:");
        item_to_ion(&original, &mut out);
        out.push('}');
        let values = parse(&out).unwrap();
        assert_eq!(values.len(), 1);
        let IonValue::Struct(fields) = &values[0].value else { panic!("{values:?}") };
        let IonValue::Struct(item_fields) = &fields[0].1.value else { panic!() };
        let json = struct_to_item_json(item_fields).unwrap();
        assert_eq!(item_from_json(&json).unwrap(), original);
    }

    #[test]
    fn reads_the_rest_of_the_grammar() {
        let text =
            "/* c */ $ion_1_0 {'a b':null.string, \"c\":'''x''' '''y''', // end\n d:0x1F, e:1_000, f:2.5e0, g:[true]}";
        let values = parse(text);
        assert!(values.is_err(), "hex integers are refused: {values:?}");
        let values = parse(&text.replace("0x1F", "31")).unwrap();
        let IonValue::Struct(fields) = &values[0].value else { panic!() };
        let names: Vec<&str> = fields.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["a b", "c", "d", "e", "f", "g"]);
        assert_eq!(fields[1].1.value, IonValue::String("xy".into()));
        assert_eq!(fields[3].1.value, IonValue::Number("1000".into()));
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        let nested = "[".repeat(10_000);
        let cases = [
            "{",
            "{a",
            "{a:",
            "{a:1",
            "{a:1,",
            "[1 2]",
            "\"open",
            "'''open",
            "{{AQ",
            "{{\"clob\"}}",
            "{{A}}",
            "(sexp)",
            "2023-01-01T",
            "nan",
            "{a::}",
            "\"\\u12\"",
            "\"\\q\"",
            "/* open",
            "}",
            "1.2.3",
            "--1",
            &nested,
            "'\\",
            "{a:$dynamodb_SS::[1]}",
            "\u{0}",
        ];
        for case in cases {
            let parsed = parse(case);
            let converted = parsed.as_ref().map(|values| values.iter().map(to_attribute_json).collect::<Vec<_>>());
            let failed = match &converted {
                Err(_) => true,
                Ok(values) => values.iter().any(|value| value.is_err()),
            };
            assert!(failed, "{case:?} gave {converted:?}");
        }
    }
}
