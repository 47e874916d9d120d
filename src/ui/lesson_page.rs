use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LessonPageProps {
    pub id: String,
}

/// A lesson by id. Until lessons are published every id is unknown, and the page says which
/// id was asked for and where to go instead.
#[function_component(LessonPage)]
pub fn lesson_page(props: &LessonPageProps) -> Html {
    html! {
        <main id="main" class="page">
            <h1>{ "Lesson not found" }</h1>
            <p role="status">{ format!("There is no lesson called \u{201c}{}\u{201d}.", props.id) }</p>
            <p><a href="#/">{ "See the course" }</a></p>
        </main>
    }
}
