//! Hash routes (`#/sandbox?...`), so the app works from any static host without server
//! rewrites. A few lines of routing instead of a router crate keep the bundle small.

#[derive(Clone, PartialEq, Debug)]
pub enum Route {
    Home,
    Lesson(String),
    /// The query after `#/sandbox?`: a preset or a shared session.
    Sandbox(String),
    /// The glossary, opened at a term.
    Glossary(Option<String>),
    /// Panics on purpose, to show (and test) the error screen.
    CrashTest,
    NotFound(String),
}

impl Route {
    pub fn parse(hash: &str) -> Route {
        let path = hash.strip_prefix('#').unwrap_or(hash);
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let query_field = |name: &str| query.split('&').find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('='))).map(str::to_string);
        match path.trim_end_matches('/') {
            "" => Route::Home,
            "/sandbox" => Route::Sandbox(query.to_string()),
            "/glossary" => Route::Glossary(query_field("term")),
            "/crash-test" => Route::CrashTest,
            p => match p.strip_prefix("/lesson/") {
                Some(id) if !id.is_empty() => Route::Lesson(id.to_string()),
                _ => Route::NotFound(p.to_string()),
            },
        }
    }
}
