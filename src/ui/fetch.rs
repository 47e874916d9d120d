//! Loading the course's data files (`lessons/...`, copied into dist by Trunk) from the page's
//! own origin.
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The file's text; `Ok(None)` when the server has no such file (404).
async fn fetch_text(url: &str) -> Result<Option<String>, String> {
    let failed = |e: wasm_bindgen::JsValue| format!("cannot load {url}: {}", e.as_string().unwrap_or_else(|| "the network request failed".into()));
    let w = web_sys::window().ok_or("no window")?;
    let resp: web_sys::Response = JsFuture::from(w.fetch_with_str(url)).await.map_err(failed)?.dyn_into().map_err(failed)?;
    if resp.status() == 404 {
        return Ok(None);
    }
    if !resp.ok() {
        return Err(format!("cannot load {url}: HTTP {}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(failed)?).await.map_err(failed)?;
    Ok(text.as_string())
}

/// Fetches `url` and hands what came back to `then`. Every page that needs one file loads it
/// through here: one future in the bundle instead of one per caller.
pub fn fetch_then(url: String, then: Box<dyn FnOnce(Result<Option<String>, String>)>) {
    wasm_bindgen_futures::spawn_local(async move { then(fetch_text(&url).await) });
}
