use yew::prelude::*;

use super::fetch::fetch_then;
use super::markup;
use crate::app::lesson::{parse_index, Index};

const HERO: &str = r##"<section class="hero"><h1>Fly a Kafka cluster</h1><p class="lead">A real, deterministic simulation of Kafka's brokers, replicas and clients, running in your browser. Kill a broker, watch the controller elect a new leader, and see exactly which records survive.</p><a href="#/sandbox" class="button primary">Open the sandbox</a></section>"##;

/// The course page: the lessons in course order, from `lessons/index.txt` (data the page
/// fetches, as the lessons themselves are; the router holds it: `None` while loading). A plain
/// function, not a component: a component costs about 2 KB of Yew lifecycle code.
pub fn home(index: Option<&Index>) -> Html {
    let course = match index {
        None => html! { <p class="empty-state" role="status">{ "Loading the course\u{2026}" }</p> },
        Some(Err(e)) => html! { <p class="empty-state" role="status">{ e.clone() }</p> },
        Some(Ok(list)) if list.is_empty() => html! { <p class="empty-state" data-testid="course-empty">{ "No lessons are published yet." }</p> },
        Some(Ok(list)) => html! {
            <>
                <p>{ "Start with the first lesson; each builds on the ones before it." }</p>
                <ol class="lesson-list" data-testid="course">
                    { for list.iter().map(|(id, title)| html! {
                        <li><a href={format!("#/lesson/{id}")}>{ title.clone() }</a>{ " " }<span class="lesson-id">{ id.clone() }</span></li>
                    }) }
                </ol>
            </>
        },
    };
    html! {
        <main id="main" class="page home">
            { markup(HERO) }
            <section aria-labelledby="course-heading" class="course">
                <h2 id="course-heading">{ "The course" }</h2>
                { course }
            </section>
        </main>
    }
}

/// Loads the course's index into `index`.
pub fn load_index(index: UseStateHandle<Option<Index>>) {
    fetch_then(
        "lessons/index.txt",
        Box::new(move |got| {
            index.set(Some(match got {
                Ok(Some(t)) => parse_index(&t),
                Ok(None) => Ok(Vec::new()),
                Err(e) => Err(e),
            }))
        }),
    );
}
