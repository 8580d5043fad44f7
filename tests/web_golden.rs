//! The golden files (tests/golden/) in headless Chrome against the IndexedDB backend,
//! through the JavaScript API: `wasm-pack test --headless --chrome`. Time and TableIds
//! are real here, so the members that depend on them are not compared.
#![cfg(target_arch = "wasm32")]

mod golden_format;

use dynaplay::wasm::Database;
use golden_format::{check, parse_steps, Captures, Step, FILES};
use js_sys::{Reflect, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn text_of(value: &JsValue, member: &str) -> String {
    Reflect::get(value, &member.into()).ok().and_then(|value| value.as_string()).unwrap_or_default()
}

async fn send(db: &Database, step: &Step, request: &str) -> Result<String, String> {
    let options = js_sys::Object::new();
    if let Some(principal) = &step.principal {
        Reflect::set(&options, &"principal".into(), &principal.into()).expect("an object takes a member");
    }
    if let Some(region) = &step.region {
        Reflect::set(&options, &"region".into(), &region.into()).expect("an object takes a member");
    }
    match JsFuture::from(db.send(&step.operation, JsValue::from_str(request), Some(options))).await {
        Ok(response) => Ok(JSON::stringify(&response).map(String::from).unwrap_or_default()),
        Err(error) => {
            let reasons = Reflect::get(&error, &"CancellationReasons".into()).unwrap_or(JsValue::UNDEFINED);
            let reasons = JSON::stringify(&reasons).ok().and_then(|text| text.as_string());
            // JSON.stringify(undefined) is undefined: no second line without reasons.
            let reasons = reasons.map(|text| format!("\n{text}")).unwrap_or_default();
            Err(format!("{}: {}{reasons}", text_of(&error, "name"), text_of(&error, "message")))
        }
    }
}

#[wasm_bindgen_test]
async fn golden_files_against_indexeddb() {
    for (name, text) in FILES {
        let db_name = format!("golden-{name}-{}", js_sys::Math::random().to_bits());
        let db = Database::open(db_name, None).await.expect("the database opens");
        let mut captures = Captures::default();
        for step in parse_steps(text) {
            let request = captures.substitute(&step.request);
            let outcome = send(&db, &step, &request).await;
            if let Ok(response) = &outcome {
                captures.record(response);
            }
            check(&step, name, outcome, true);
        }
        JsFuture::from(db.close()).await.expect("the database closes");
    }
}
