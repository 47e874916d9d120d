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

#[cfg(test)]
mod tests {
    use super::Route;

    #[test]
    fn routes() {
        for (hash, route) in [
            ("", Route::Home),
            ("#", Route::Home),
            ("#/", Route::Home),
            ("#/sandbox", Route::Sandbox(String::new())),
            ("#/sandbox/", Route::Sandbox(String::new())),
            ("#/sandbox?preset=orders", Route::Sandbox("preset=orders".into())),
            ("#/sandbox?preset=failover&seed=1&tape=&sum=00000000", Route::Sandbox("preset=failover&seed=1&tape=&sum=00000000".into())),
            ("#/glossary", Route::Glossary(None)),
            ("#/glossary?term=isr", Route::Glossary(Some("isr".into()))),
            ("#/glossary?x=1&term=hw", Route::Glossary(Some("hw".into()))),
            ("#/glossary?terms=hw", Route::Glossary(None)),
            ("#/lesson/replication", Route::Lesson("replication".into())),
            ("#/lesson/", Route::NotFound("/lesson".into())),
            ("#/crash-test", Route::CrashTest),
            ("#/nowhere", Route::NotFound("/nowhere".into())),
        ] {
            assert_eq!(Route::parse(hash), route, "{hash}");
        }
    }
}
