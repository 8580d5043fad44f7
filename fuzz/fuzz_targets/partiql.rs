//! The PartiQL parser: any text parses or answers a syntax error, and a statement that
//! parses prints back to text that parses to the same statement.
#![no_main]

use dynaplay::partiql::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(parsed) = parse(text) {
        let printed = parsed.statement.to_string();
        let reparsed = parse(&printed).unwrap_or_else(|error| panic!("{printed:?} does not parse again: {error:?}"));
        assert_eq!(reparsed.statement, parsed.statement, "{text:?} printed as {printed:?}");
    }
});
