//! The router: the page for the address's hash (`app::route` parses it) and the top bar.
use gloo_events::EventListener;
use yew::prelude::*;

use super::glossary_page::{arrived, glossary_page, load as load_glossary};
use super::home::{home, load_index};
use super::lesson_page::LessonPage;
use super::markup;
use super::sandbox::SandboxPage;
use super::storage;
use crate::app::lesson::not_found_html;
use crate::app::progress::CourseAction;
use crate::app::route::Route;

const TOPBAR: &str = r##"<header class="topbar"><a href="#/" class="brand"><span class="brand-mark" aria-hidden="true">◆</span> Kafka Flight Simulator</a><nav aria-label="Main"><a href="#/">Course</a><a href="#/sandbox">Sandbox</a><a href="#/glossary">Glossary</a></nav></header>"##;

pub fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

fn crash_test() -> Html {
    panic!("a deliberate crash from #/crash-test, to show the error screen");
}

#[function_component(App)]
pub fn app() -> Html {
    let hash = use_state(current_hash);
    // The learner's progress (`ui::storage` reads it here and writes it on every change).
    let course = use_reducer_eq(storage::open);
    {
        let hash = hash.clone();
        let course = course.dispatcher();
        // One effect for the window's listeners (each effect is code of its own in the bundle).
        // Another tab's write of the progress is followed, so this tab's next write does not
        // undo it.
        use_effect_with((), move |_| {
            let listeners = web_sys::window().map(|w| {
                let stored = EventListener::new(&w, "storage", move |_| {
                    if let Ok(Some(text)) = storage::load() {
                        course.dispatch(CourseAction::Stored(text));
                    }
                });
                (EventListener::new(&w, "hashchange", move |_| hash.set(current_hash())), stored)
            });
            move || drop(listeners)
        });
    }
    // The course's index, fetched once (the home page lists it).
    let index = use_state(|| None);
    {
        let index = index.clone();
        use_effect_with((), move |_| load_index(index));
    }
    let route = Route::parse(&hash);
    // The glossary's text is fetched the first time a page needs it: the glossary, and the
    // sandbox (its narration links are titled with their entries); asking again does nothing.
    // Once it is there, a linked entry comes into view and takes focus.
    if matches!(route, Route::Glossary(_) | Route::Sandbox(_)) {
        load_glossary(hash.clone());
    }
    use_effect_with(
        match &route {
            Route::Glossary(term) => (term.clone(), arrived()),
            _ => (None, false),
        },
        |(term, _)| {
            if let Some(el) = term.as_ref().and_then(|t| web_sys::window()?.document()?.get_element_by_id(&format!("term-{t}"))) {
                el.scroll_into_view();
                if let Ok(h) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                    let _ = h.focus();
                }
            }
        },
    );
    let page = match route {
        Route::Home => home(index.as_ref(), &course),
        Route::Lesson(id) => {
            let key = id.clone();
            html! { <LessonPage {key} {id} course={course.dispatcher()} /> }
        }
        // Keyed by the query: pasting another link remounts the sandbox with it.
        Route::Sandbox(query) => {
            let key = query.clone();
            html! { <SandboxPage {key} {query} /> }
        }
        Route::Glossary(_) => glossary_page(),
        Route::CrashTest => crash_test(),
        Route::NotFound(path) => Html::from_html_unchecked(AttrValue::from(not_found_html(&path))),
    };
    html! {
        <>
            <a class="skip-link" href="#main" onclick={Callback::from(|e: MouseEvent| {
                // The hash is the router's: move focus instead of navigating.
                e.prevent_default();
                if let Some(m) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("main")) {
                    let _ = m.set_attribute("tabindex", "-1");
                    if let Ok(h) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(m) {
                        let _ = h.focus();
                    }
                }
            })}>{ "Skip to content" }</a>
            { markup(TOPBAR) }
            { page }
        </>
    }
}
