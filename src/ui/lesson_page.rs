use yew::prelude::*;

/// A lesson by id. Until lessons are published every id is unknown, and the page says which
/// id was asked for and where to go instead. A plain function, not a component: it has no
/// state, and a component costs about 2 KB of Yew lifecycle code in the bundle.
pub fn lesson_page(id: &str) -> Html {
    html! {
        <main id="main" class="page">
            <h1>{ "Lesson not found" }</h1>
            <p role="status">{ format!("There is no lesson called \u{201c}{id}\u{201d}.") }</p>
            <p><a href="#/">{ "See the course" }</a></p>
        </main>
    }
}
