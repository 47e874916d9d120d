use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub fn describe(name: &str, offset: u64) -> String {
    let mut parts: Vec<String> = name.split(',').map(str::to_string).collect();
    parts.sort();
    format!("{} at offset {offset}", parts.join(" "))
}
