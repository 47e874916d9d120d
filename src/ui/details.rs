//! What the learner clicked on, in full, with the faults that apply to it (`app::details`
//! builds both as strings). Every fault button sends the console command it stands for, so
//! the console shows (and teaches) it: one delegated click handler reads `data-command`.
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::app::details::{details_text, fault_buttons, EMPTY};
use crate::app::state::{Action, Selection};
use crate::sim::view::SimView;

fn raw(html: String) -> Html {
    Html::from_html_unchecked(AttrValue::from(html))
}

/// The panel. A plain function, not a component: it shows the view, which changes on every
/// step, so comparing props first would rarely skip a render.
pub fn details(v: &SimView, selected: Option<&Selection>, d: &Callback<Action>) -> Html {
    let Some(sel) = selected else {
        return html! { <section class="details empty" aria-label="Details" data-testid="details">{ super::markup(EMPTY) }</section> };
    };
    let d = d.clone();
    let onclick = Callback::from(move |e: MouseEvent| {
        let button = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|t| t.closest("button").ok().flatten());
        let Some(button) = button else { return };
        if let Some(command) = button.get_attribute("data-command") {
            // The buttons are redrawn when what they offer changes ("Kill" becomes "Restart"):
            // the keyboard's focus goes back to the button in the same place.
            let place = button.parent_element().map_or(0, |g| {
                let all = g.children();
                (0..all.length()).position(|i| all.item(i).as_ref() == Some(&button)).unwrap_or(0)
            });
            d.emit(Action::Line(command));
            gloo_timers::callback::Timeout::new(0, move || {
                let doc = web_sys::window().and_then(|w| w.document());
                let buttons = doc.and_then(|d| d.query_selector_all("[data-testid=details] .actions button").ok());
                if let Some(b) = buttons.filter(|b| b.length() > 0).and_then(|b| b.item((place as u32).min(b.length() - 1))) {
                    if let Ok(b) = b.dyn_into::<web_sys::HtmlElement>() {
                        let _ = b.focus();
                    }
                }
            })
            .forget();
        } else if button.has_attribute("data-close") {
            d.emit(Action::Select(None));
        }
    });
    html! {
        <section class="details" aria-label="Details" data-testid="details" {onclick}>
            { super::markup(r#"<button class="close" data-close="" aria-label="Close details">✕</button>"#) }
            { raw(details_text(v, sel)) }
            { raw(fault_buttons(v, sel)) }
        </section>
    }
}
