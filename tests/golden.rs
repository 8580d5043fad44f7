//! Golden request/response files (format: tests/golden_format/mod.rs) run natively:
//! each file against a fresh database with a fixed clock, every step's response
//! compared exactly, and at the end the store reopened must equal memory.

mod common;
mod golden_format;

use common::Harness;
use dynaplay::api::RequestOptions;
use golden_format::{check, parse_steps, Captures, FILES};
use std::path::Path;

fn run_file(name: &str, text: &str) {
    let mut harness = Harness::new();
    let mut captures = Captures::default();
    for step in parse_steps(text) {
        let request = captures.substitute(&step.request);
        let options = RequestOptions {
            principal: step.principal.clone(),
            region: Some(common::named_region(step.region.as_deref())),
            ..RequestOptions::default()
        };
        let outcome = harness.send_with(&step.operation, &request, &options).map_err(|error| {
            match error.cancellation_reasons.is_empty() {
                true => format!("{}: {}", error.kind.short_name(), error.message),
                false => {
                    format!("{}: {}\n{}", error.kind.short_name(), error.message, error.cancellation_reasons_json())
                }
            }
        });
        if let Ok(response) = &outcome {
            captures.record(response);
        }
        check(&step, name, outcome, false);
    }
    harness.assert_memory_equals_store();
}

#[test]
fn golden_files() {
    for (name, text) in FILES {
        run_file(name, text);
    }
}

#[test]
fn every_golden_file_is_listed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/golden exists")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".txt"))
        .collect();
    on_disk.sort();
    let listed: Vec<String> = FILES.iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(listed, on_disk, "tests/golden_format/mod.rs FILES must list every golden file, sorted");
}
