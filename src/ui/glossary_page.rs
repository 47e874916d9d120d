use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::glossary::{ENTRIES, SIMPLIFICATIONS};

#[derive(Properties, PartialEq)]
pub struct GlossaryProps {
    /// The entry to open at (from a narration link), if any.
    pub term: Option<String>,
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
    html! {
        <main id="main" class="page glossary">
            <h1>{ "Glossary" }</h1>
            <dl>
                { for ENTRIES.iter().map(|e| html! {
                    <div key={e.id} id={format!("term-{}", e.id)} tabindex="-1"
                         class={classes!("entry", (props.term.as_deref() == Some(e.id)).then_some("current"))}>
                        <dt>{ e.term }</dt>
                        <dd>{ e.text }</dd>
                    </div>
                }) }
            </dl>
            <h2 id="simplifications">{ "Where the simulator simplifies" }</h2>
            <ul>
                { for SIMPLIFICATIONS.iter().enumerate().map(|(i, s)| html! { <li key={i}>{ *s }</li> }) }
            </ul>
        </main>
    }
}
