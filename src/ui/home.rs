use yew::prelude::*;

use super::markup;

/// The course page: fixed text, so one string (see `markup`).
const HOME: &str = r##"<main id="main" class="page home"><section class="hero"><h1>Fly a Kafka cluster</h1><p class="lead">A real, deterministic simulation of Kafka's brokers, replicas and clients, running in your browser. Kill a broker, watch the controller elect a new leader, and see exactly which records survive.</p><a href="#/sandbox" class="button primary">Open the sandbox</a></section><section aria-labelledby="course-heading" class="course"><h2 id="course-heading">The course</h2><p class="empty-state" data-testid="course-empty">No lessons are published yet. The sandbox already runs the full engine: a three-broker cluster with a replicated topic, a producer and a consumer.</p></section></main>"##;

/// The course page. Lessons are data files (see docs/ARCHITECTURE.md); none is published
/// yet, and the page says so rather than listing placeholders.
pub fn home() -> Html {
    markup(HOME)
}
