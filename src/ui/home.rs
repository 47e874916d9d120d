use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::fetch::fetch_then;
use super::storage;
use crate::app::lesson::{home_html, parse_index, Index};
use crate::app::progress::Course;

/// The progress's export and import. Fixed markup: its buttons are found by id when a click or a
/// change reaches the page (`home`), and the string never changes, so Yew never replaces it
/// (focus stays on the button or the file picker after an import).
const TOOLS: &str = r#"<section class="progress-tools" aria-labelledby="progress-heading"><h2 id="progress-heading">Your progress</h2><p>Kept in this browser. Export it to a file to keep a copy or to take it to another browser, and import that file there.</p><p class="progress-buttons"><button type="button" id="progress-export" data-testid="progress-export">Export progress</button> <label for="progress-import">Import progress from a file:</label> <input id="progress-import" type="file" accept=".txt,text/plain" data-testid="progress-import"></p></section>"#;

/// The course page: the lessons in course order, from `lessons/index.txt` (data the page
/// fetches, as the lessons themselves are; the router holds it: `None` while loading), with
/// the learner's progress, as one string (`app::lesson::home_html`); then the progress's
/// export and import, and the status line that says what happened to it (a Yew element, so
/// that it stays in place and a screen reader hears it change). A plain function, not a
/// component.
pub fn home(index: Option<&Index>, course: &UseReducerHandle<Course>) -> Html {
    let onclick = {
        let course = course.clone();
        Callback::from(move |e: MouseEvent| {
            if e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|t| t.id() == "progress-export") {
                storage::export(&course.progress.to_text(), crate::app::progress::FILE_NAME);
            }
        })
    };
    let onchange = {
        let course = course.dispatcher();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).filter(|i| i.id() == "progress-import") {
                storage::import(input, course.clone());
            }
        })
    };
    html! {
        <main id="main" class="page home" {onclick} {onchange}>
            { Html::from_html_unchecked(AttrValue::from(home_html(index, &course.progress))) }
            { super::markup(TOOLS) }
            <div role="status" class="progress-notice" data-testid="progress-notice">{ course.notice.clone().unwrap_or_default() }</div>
        </main>
    }
}

/// Loads the course's index into `index`.
pub fn load_index(index: UseStateHandle<Option<Index>>) {
    fetch_then(
        "lessons/index.txt".into(),
        Box::new(move |got| {
            index.set(Some(match got {
                Ok(Some(t)) => parse_index(&t),
                Ok(None) => Ok(Vec::new()),
                Err(e) => Err(e),
            }))
        }),
    );
}
