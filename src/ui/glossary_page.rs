use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::glossary::{ENTRIES, SIMPLIFICATIONS};

#[derive(Properties, PartialEq)]
pub struct GlossaryProps {
    /// The entry to open at (from a narration link), if any.
    pub term: Option<String>,
}

/// Text for markup: the glossary is the crate's own text, escaped all the same.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The page as one string: fixed text that never changes while it is shown (see `markup`).
fn page() -> String {
    let mut out = String::from(r#"<main id="main" class="page glossary"><h1>Glossary</h1><dl>"#);
    for e in ENTRIES {
        // Focusable, so a narration link can bring its entry into view (`:focus` marks it).
        out += &format!(r#"<div id="term-{}" tabindex="-1" class="entry"><dt>{}</dt><dd>{}</dd></div>"#, e.id, escape(e.term), escape(e.text));
    }
    out += r#"</dl><h2 id="simplifications">Where the simulator simplifies</h2><ul>"#;
    for s in SIMPLIFICATIONS {
        out += &format!("<li>{}</li>", escape(s));
    }
    out + "</ul></main>"
}

#[function_component(GlossaryPage)]
pub fn glossary_page(props: &GlossaryProps) -> Html {
    // Opened from a narration link: bring the entry into view and give it focus.
    use_effect_with(props.term.clone(), |term| {
        if let Some(el) = term.as_ref().and_then(|t| web_sys::window()?.document()?.get_element_by_id(&format!("term-{t}"))) {
            el.scroll_into_view();
            if let Ok(h) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = h.focus();
            }
        }
    });
    Html::from_html_unchecked(AttrValue::from(page()))
}
