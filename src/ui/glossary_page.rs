use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::fetch::fetch_then;
use super::router::current_hash;
use crate::app::glossary::{self, Glossary, FILE};

/// The parsed glossary's file, or why there is none (one line, shown on the page).
type Fetched = Result<Rc<Glossary>, String>;

thread_local! {
    /// The glossary's text (`glossary/glossary.txt`, data the page fetches as it does lessons):
    /// `None` until a page asks for it, `Some(None)` while it loads, then the parsed file or why
    /// there is none.
    static LOADED: RefCell<Option<Option<Fetched>>> = const { RefCell::new(None) };
}

/// The glossary, once loaded: narration links take their titles from it.
pub fn loaded() -> Option<Rc<Glossary>> {
    LOADED.with(|l| l.borrow().clone().flatten().and_then(Result::ok))
}

/// Whether the glossary's file has been fetched (and parsed, or found wanting).
pub fn arrived() -> bool {
    LOADED.with(|l| matches!(*l.borrow(), Some(Some(_))))
}

/// Fetches and parses the glossary's file, the first time a page asks; then renders the router
/// again (its hash state set to itself), which shows the page and focuses a linked entry.
pub fn load(rerender: UseStateHandle<String>) {
    let asked = LOADED.with(|l| {
        let mut l = l.borrow_mut();
        let asked = l.is_some();
        l.get_or_insert(None);
        asked
    });
    if asked {
        return;
    }
    fetch_then(
        FILE.into(),
        Box::new(move |got| {
            let got = match got {
                Ok(Some(text)) => glossary::parse(&text).map(Rc::new).map_err(|e| e.to_string()),
                Ok(None) => Err(format!("cannot load {FILE}: the server has no such file")),
                Err(e) => Err(e),
            };
            LOADED.with(|l| *l.borrow_mut() = Some(Some(got)));
            rerender.set(current_hash());
        }),
    );
}

/// The glossary page, as one string (`app::glossary::page_html`): loading, the one-line error,
/// or the entries.
pub fn glossary_page() -> Html {
    let html = LOADED.with(|l| glossary::page_html(l.borrow().as_ref().and_then(Option::as_ref).map(|r| r.as_deref().map_err(String::as_str))));
    Html::from_html_unchecked(AttrValue::from(html))
}
