use yew::prelude::*;

use super::fetch::fetch_then;
use crate::app::lesson::{home_html, parse_index, Index};

/// The course page: the lessons in course order, from `lessons/index.txt` (data the page
/// fetches, as the lessons themselves are; the router holds it: `None` while loading), as one
/// string (`app::lesson::home_html`). A plain function, not a component.
pub fn home(index: Option<&Index>) -> Html {
    Html::from_html_unchecked(AttrValue::from(home_html(index)))
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
