use yew::prelude::*;

use crate::app::glossary::{ENTRIES, SIMPLIFICATIONS};

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

/// The glossary page. The router gives a narration link's entry focus (`app.rs`).
pub fn glossary_page() -> Html {
    Html::from_html_unchecked(AttrValue::from(page()))
}
