//! One check of the JSON text the engine writes and reads, shared by the native tests and
//! the browser tests: the wasm build scans text sixteen bytes at a time with SIMD, the
//! native build eight at a time, so both must be run.

use dynaplay::model::{AttributeValue, Item, PackedItem};

/// Every ASCII character and a few others, at each place of a text longer than three of
/// the sixteen-byte blocks scanned at once, as a name and as a value: the packed item
/// writes the text serde_json writes, and reads it back to the same item.
pub fn every_character_is_escaped_as_serde_json_at_every_position() {
    let specials = (0u8..0x80).map(char::from).chain(['é', '\u{2028}', '🦀']);
    for special in specials {
        for at in 0..40 {
            let mut text: String = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN".chars().take(at).collect();
            text.push(special);
            text.push_str("OPQRSTUVWXYZ01234");
            let item: Item = [(text.clone(), AttributeValue::S(text))].into_iter().collect();
            let packed = PackedItem::pack(&item);
            let written = packed.to_json_text().expect("a packed item writes its text");
            assert_eq!(written, serde_json::to_string(&item).expect("serde_json writes the item"), "at {at}");
            assert_eq!(PackedItem::from_json_text(&written).as_ref(), Some(&packed), "{written}");
        }
    }
}
