use yew::prelude::*;
use yew_router::prelude::*;

use super::glossary_page::GlossaryPage;
use super::home::Home;
use super::lesson_page::LessonPage;
use super::sandbox::SandboxPage;

/// Hash routes, so the app works from any static host without server rewrites.
#[derive(Clone, Routable, PartialEq, Debug)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/lesson/:id")]
    Lesson { id: String },
    #[at("/sandbox")]
    Sandbox,
    #[at("/glossary")]
    Glossary,
    #[not_found]
    #[at("/404")]
    NotFound,
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::Lesson { id } => html! { <LessonPage id={id} /> },
        Route::Sandbox => html! { <SandboxPage /> },
        Route::Glossary => html! { <GlossaryPage /> },
        Route::NotFound => html! {
            <main id="main" class="page">
                <h1>{ "Page not found" }</h1>
                <p>{ "That address does not lead anywhere in the simulator. " }
                   <Link<Route> to={Route::Home}>{ "Back to the course" }</Link<Route>></p>
            </main>
        },
    }
}

#[function_component(App)]
pub fn app() -> Html {
    html! {
        <HashRouter>
            <a class="skip-link" href="#main">{ "Skip to content" }</a>
            <header class="topbar">
                <Link<Route> to={Route::Home} classes="brand">
                    <span class="brand-mark" aria-hidden="true">{ "◆" }</span>
                    { " Kafka Flight Simulator" }
                </Link<Route>>
                <nav aria-label="Main">
                    <Link<Route> to={Route::Home}>{ "Course" }</Link<Route>>
                    <Link<Route> to={Route::Sandbox}>{ "Sandbox" }</Link<Route>>
                    <Link<Route> to={Route::Glossary}>{ "Glossary" }</Link<Route>>
                </nav>
            </header>
            <Switch<Route> render={switch} />
        </HashRouter>
    }
}
