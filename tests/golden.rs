//! Golden request/response files: every tests/golden/*.txt runs against a fresh database
//! with a fixed clock, each step's response compared with the expected JSON or error,
//! and at the end the store reopened must equal memory.
//!
//! File format, steps separated by a line `===`:
//! ```text
//! # a comment
//! PutItem
//! {"TableName": "t", "Item": {"id": {"S": "a"}}}
//! ---
//! {}
//! ===
//! GetItem
//! {"TableName": "missing", "Key": {"id": {"S": "a"}}}
//! ---
//! ResourceNotFoundException: Requested resource not found
//! ```
//! An expected `ignore` accepts any successful response (for set-up steps).

mod common;

use common::Harness;
use serde_json::Value;
use std::path::Path;

struct Step {
    operation: String,
    request: String,
    expected: String,
    line: usize,
}

fn parse_steps(text: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut line_number = 1;
    for chunk in text.split("\n===\n") {
        let lines: Vec<&str> = chunk.lines().filter(|line| !line.starts_with('#')).collect();
        let body = lines.join("\n");
        let (request_part, expected) =
            body.split_once("\n---\n").unwrap_or_else(|| panic!("step at line {line_number} has no ---"));
        let request_part = request_part.trim();
        let (operation, request) = request_part.split_once('\n').unwrap_or((request_part, "{}"));
        steps.push(Step {
            operation: operation.trim().into(),
            request: request.into(),
            expected: expected.trim().into(),
            line: line_number,
        });
        line_number += chunk.lines().count() + 1;
    }
    steps
}

fn check_step(harness: &mut Harness, step: &Step, file: &str) {
    let place = format!("{file}:{} ({})", step.line, step.operation);
    let result = harness.send(&step.operation, &step.request);
    let actual = match &result {
        Ok(response) => response.clone(),
        Err(error) => format!("{}: {}", error.kind.short_name(), error.message),
    };
    if step.expected == "ignore" {
        assert!(result.is_ok(), "{place}: {actual}");
    } else if step.expected.starts_with('{') {
        let expected: Value =
            serde_json::from_str(&step.expected).unwrap_or_else(|e| panic!("{place}: bad expected JSON: {e}"));
        let actual_json: Value =
            serde_json::from_str(&actual).unwrap_or_else(|_| panic!("{place}: expected a response, got {actual}"));
        assert_eq!(actual_json, expected, "{place}\nactual: {actual}");
    } else {
        assert_eq!(actual, step.expected, "{place}");
    }
}

fn run_file(path: &Path) {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).expect("golden file reads");
    let mut harness = Harness::new();
    for step in parse_steps(&text.replace("\r\n", "\n")) {
        check_step(&mut harness, &step, &file);
    }
    harness.assert_memory_equals_store();
}

#[test]
fn golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut paths: Vec<_> =
        std::fs::read_dir(&dir).expect("tests/golden exists").map(|entry| entry.expect("entry").path()).collect();
    paths.retain(|path| path.extension().is_some_and(|ext| ext == "txt"));
    paths.sort();
    assert!(!paths.is_empty(), "no golden files found");
    for path in paths {
        run_file(&path);
    }
}
