//! CSV records (RFC 4180 with a chosen delimiter): fields may be quoted with `"`, a quote
//! inside a quoted field is doubled, and a quoted field may span lines.

/// The records of `text`, each a list of fields, with the line each starts on (from 1);
/// a record that cannot be read (an unclosed quote, text after a closing quote) is its
/// error message instead. Blank lines are skipped.
pub fn records(text: &str, delimiter: char) -> Vec<(usize, Result<Vec<String>, String>)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let record = record(&mut chars, delimiter, &mut line);
        let blank = matches!(&record, Ok(fields) if fields.len() == 1 && fields[0].is_empty());
        if !blank {
            out.push((start, record));
        }
    }
    out
}

/// Reads one record up to and including its line end.
fn record(
    chars: &mut std::iter::Peekable<std::str::Chars>,
    delimiter: char,
    line: &mut usize,
) -> Result<Vec<String>, String> {
    let mut fields = vec![String::new()];
    let mut error = None;
    let mut quoted_field = false;
    while let Some(c) = chars.next() {
        let field = fields.last_mut().filter(|_| error.is_none());
        match (c, field) {
            ('\n', _) => {
                *line += 1;
                break;
            }
            ('\r', _) if chars.peek() == Some(&'\n') => {}
            (c, _) if c == delimiter => {
                fields.push(String::new());
                quoted_field = false;
            }
            ('"', Some(field)) if field.is_empty() && !quoted_field => {
                quoted_field = true;
                if let Err(message) = quoted(chars, field, line) {
                    error = Some(message);
                }
            }
            (_, Some(_)) if quoted_field => {
                error = Some(format!("unexpected text after a closing quote on line {line}"))
            }
            (c, Some(field)) => field.push(c),
            (_, None) => {}
        }
    }
    match error {
        Some(message) => Err(message),
        None => Ok(fields),
    }
}

/// The rest of a quoted field, after its opening quote.
fn quoted(
    chars: &mut std::iter::Peekable<std::str::Chars>,
    field: &mut String,
    line: &mut usize,
) -> Result<(), String> {
    let opened = *line;
    while let Some(c) = chars.next() {
        match c {
            '"' if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            '"' => return Ok(()),
            c => {
                *line += usize::from(c == '\n');
                field.push(c);
            }
        }
    }
    Err(format!("a quoted field opened on line {opened} is not closed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str, delimiter: char) -> Vec<Result<Vec<String>, String>> {
        records(text, delimiter).into_iter().map(|(_, record)| record).collect()
    }

    #[test]
    fn reads_quotes_delimiters_and_line_ends() {
        let text = "id,name\r\n1,\"a, \"\"b\"\"\"\n\n2,\"two\nlines\",\n3;x";
        let read = records(text, ',');
        let lines: Vec<usize> = read.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [1, 2, 4, 6]);
        assert_eq!(read[1].1, Ok(vec!["1".to_string(), "a, \"b\"".to_string()]));
        assert_eq!(read[2].1, Ok(vec!["2".to_string(), "two\nlines".to_string(), String::new()]));
        assert_eq!(fields("a;b|c", '|'), [Ok(vec!["a;b".to_string(), "c".to_string()])]);
    }

    #[test]
    fn malformed_records_are_errors() {
        let read = fields("1,\"open\n2,ok", ',');
        assert_eq!(read, [Err("a quoted field opened on line 1 is not closed".to_string())]);
        let read = fields("1,\"a\"b\n2,ok", ',');
        assert_eq!(read[0], Err("unexpected text after a closing quote on line 1".to_string()));
        assert_eq!(read[1], Ok(vec!["2".to_string(), "ok".to_string()]));
        assert!(records("", ',').is_empty());
        assert_eq!(fields("\"", ','), [Err("a quoted field opened on line 1 is not closed".to_string())]);
    }
}
