//! Where the learner's progress goes outside the page: the browser's localStorage (under
//! `app::progress::KEY`), written whenever the app root's `Course` changes, and files the
//! learner exports and imports. Only text moves here; what it means, and what a failure says,
//! is `app::progress`'s.
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::app::progress::{Course, CourseAction, KEY, MAX_BYTES};

impl Reducible for Course {
    type Action = CourseAction;

    // Written here, once per change: the native reducer stays pure, and no effect has to keep
    // a copy of the progress to notice that it changed.
    fn reduce(self: Rc<Self>, action: CourseAction) -> Rc<Self> {
        let next = Course::clone(&self).reduce(action);
        Rc::new(if next.progress == self.progress { next } else { saved(next) })
    }
}

/// The course as stored, read when the app starts. What could not be read is reset in storage
/// too, at once.
pub fn open() -> Course {
    let stored = load();
    let course = Course::open(stored.clone());
    if course.notice.is_some() {
        // Text this page cannot read (damaged, or written by a newer version of the page in
        // another tab) is kept aside, never simply overwritten.
        if let (Ok(Some(text)), Ok(s)) = (stored, storage()) {
            let _ = s.set_item(&format!("{KEY}.unreadable"), &text);
        }
    }
    saved(course)
}

fn saved(c: Course) -> Course {
    match save(&c.progress.to_text()) {
        Ok(()) => c,
        Err(why) => c.reduce(CourseAction::Unsaved(why)),
    }
}

// Private browsing, blocked site data or a full quota make storage throw (or be missing): the
// page keeps working and says why once (`CourseAction::Unsaved`).
fn storage() -> Result<web_sys::Storage, String> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten()).ok_or_else(|| "the browser does not allow storage for this page".into())
}

/// The stored text (`None`: nothing stored yet), or why storage cannot be read.
pub fn load() -> Result<Option<String>, String> {
    storage()?.get_item(KEY).map_err(|_| "the browser refused to read its storage".into())
}

fn save(text: &str) -> Result<(), String> {
    storage()?.set_item(KEY, text).map_err(|_| "the browser's storage is full or not allowed".into())
}

/// Downloads `text` as the file `name`: a temporary link to the text as a Blob.
pub fn export(text: &str, name: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let Some(url) = web_sys::Blob::new_with_str_sequence(&parts).ok().and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok()) else { return };
    let doc = web_sys::window().and_then(|w| w.document());
    if let Some((a, body)) = doc.as_ref().and_then(|d| Some((d.create_element("a").ok()?, d.body()?))) {
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", name);
        // Some browsers download only from a link in the document.
        let _ = body.append_child(&a);
        if let Ok(a) = a.dyn_into::<web_sys::HtmlElement>() {
            a.click();
            a.remove();
        }
    }
    // Later, not at once: some browsers start reading the Blob only after the click returns.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}

/// The file the learner picked in `input`, read as text and handed to the course as an
/// import. The input is cleared, so picking the same file again imports it again.
pub fn import(input: web_sys::HtmlInputElement, course: UseReducerDispatcher<Course>) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
    input.set_value("");
    let name = file.name();
    if file.size() > MAX_BYTES as f64 {
        course.dispatch(CourseAction::Import(name, Err(format!("it is larger than {} KB", MAX_BYTES / 1024))));
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let text = JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string()).ok_or_else(|| "the browser could not read it".to_string());
        course.dispatch(CourseAction::Import(name, text));
    });
}
