//! The lesson player's page: fetches `lessons/<id>.lesson`, then draws the native player's
//! state (`app::lesson`) and turns clicks into its actions. Nothing is decided here.
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::fetch::fetch_then;
use super::lesson_stage::LessonStage;
use crate::app::lesson::{console_html, goals_html, listed, narration_html, order_html, result_html, solution_html, valid_id, LessonAction, LessonState, Load};
use crate::app::progress::{Course, CourseAction};
use crate::lesson::{Item, Narration, PosedKind};
use crate::session::Printed;

pub enum PageAction {
    Loaded(Load),
    Do(LessonAction),
}

impl Reducible for Load {
    type Action = PageAction;

    fn reduce(self: Rc<Self>, action: PageAction) -> Rc<Self> {
        match (action, &*self) {
            (PageAction::Loaded(l), _) => Rc::new(l),
            (PageAction::Do(a), Load::Ready(s)) => Rc::new(Load::Ready(Box::new(LessonState::clone(s).reduce(a)))),
            _ => self,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct LessonProps {
    pub id: String,
    /// Where the visit is recorded (the app root's progress).
    pub course: UseReducerDispatcher<Course>,
}

/// HTML built and escaped natively (`app::lesson`): far less wasm than node by node.
fn raw(html: String) -> Html {
    Html::from_html_unchecked(AttrValue::from(html))
}

fn narration(n: &Narration) -> Html {
    raw(narration_html(n, false))
}

fn console_log(lines: &[Printed], testid: &'static str) -> Html {
    raw(console_html(lines, testid))
}

fn value_of(e: &Event) -> String {
    e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).map(|i| i.value()).unwrap_or_default()
}

/// A click that sends `a`: one closure type for every fixed-action button of the page (each
/// closure of its own is code of its own in the bundle; docs/BENCHMARKS.md).
fn on(act: &Callback<LessonAction>, a: LessonAction) -> Callback<MouseEvent> {
    let act = act.clone();
    Callback::from(move |_: MouseEvent| act.emit(a.clone()))
}

fn quiz_view(s: &LessonState, act: &Callback<LessonAction>) -> Html {
    let posed = match s.posed() {
        Some(Ok(p)) => p,
        Some(Err(e)) => return raw(crate::app::html::error(&e)),
        None => return Html::default(),
    };
    let q = s.quiz();
    let check = {
        let act = act.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            act.emit(LessonAction::Check)
        })
    };
    let try_again = on(act, LessonAction::TryAgain);
    let result = raw(result_html(q, &posed));
    let inputs = match &posed.kind {
        PosedKind::Predict { on_stage, .. } => {
            let oninput = act.reform(|e: InputEvent| LessonAction::Input(value_of(&e)));
            let label = match on_stage {
                None => super::markup(r#"<label for="quiz-answer">Your answer</label> "#),
                Some(k) => raw(format!(r#"<label for="quiz-answer">Click the {} on the stage, or type it</label> "#, k.word())),
            };
            html! {
                    <>
                    <p>{ label }
                       <input id="quiz-answer" type="text" autocomplete="off" value={q.input.clone()} {oninput} data-testid="quiz-answer" /></p>
                    if on_stage.is_some() { <p class="quiz-note" role="status" data-testid="quiz-note">{ q.note.clone().unwrap_or_default() }</p> }
                    </>
            }
        }
        PosedKind::Choice { options } => {
            html! {
                    <fieldset class="choices">
                        { super::markup("<legend>Choose one</legend>") }
                        { for options.iter().enumerate().map(|(i, o)| {
                            let onchange = act.reform(move |_: Event| LessonAction::Select(i));
                            let id = format!("choice-{i}");
                            html! {
                                <div class="choice">
                                    <input type="radio" name="quiz-choice" id={id.clone()} checked={q.selected == Some(i)} {onchange} />
                                    <label for={id}>{ raw(narration_html(&o.label, true)) }</label>
                                </div>
                            }
                        }) }
                    </fieldset>
            }
        }
        PosedKind::Order { .. } => {
            // One handler for every Move button, reading its `data-move` and `data-pos`; once
            // the list is drawn again, focus follows the item to its new place.
            let on_move = {
                let act = act.clone();
                Callback::from(move |e: MouseEvent| {
                    let Some(b) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|t| t.closest("button[data-move]").ok().flatten())
                    else {
                        return;
                    };
                    let (Some(dir), Some(at)) = (b.get_attribute("data-move"), b.get_attribute("data-pos").and_then(|p| p.parse::<usize>().ok())) else {
                        return;
                    };
                    let up = dir == "up";
                    act.emit(if up { LessonAction::MoveUp(at) } else { LessonAction::MoveDown(at) });
                    let to = if up { at.saturating_sub(1) } else { at + 1 };
                    wasm_bindgen_futures::spawn_local(async move {
                        let Some(d) = web_sys::window().and_then(|w| w.document()) else { return };
                        let find = |sel: String| d.query_selector(&sel).ok().flatten();
                        let el = find(format!("button[data-move={dir}][data-pos=\"{to}\"]:not(:disabled)"))
                            .or_else(|| find(format!("button[data-pos=\"{to}\"]:not(:disabled)")));
                        if let Some(h) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                            let _ = h.focus();
                        }
                    });
                })
            };
            html! {
                <fieldset class="choices" onclick={on_move}>
                    { super::markup("<legend>Put them in order, first at the top</legend>") }
                    { raw(order_html(&posed, q)) }
                </fieldset>
            }
        }
    };
    html! {
        <form class="quiz" onsubmit={check} data-testid="quiz">
            <div class="question">{ narration(&posed.question) }</div>
            { inputs }
            <p class="quiz-buttons">
                { super::markup(r#"<button type="submit" data-testid="quiz-check">Check</button>"#) }
                { if q.checked.is_some() { html! { <button type="button" onclick={try_again} data-testid="quiz-again">{ "Try again" }</button> } } else { Html::default() } }
            </p>
            <div role="status" aria-live="polite">{ result }</div>
        </form>
    }
}

fn challenge_view(s: &LessonState, act: &Callback<LessonAction>) -> Html {
    let Some(Item::Challenge(c)) = s.item() else { return Html::default() };
    let st = s.challenge();
    let goals = match s.goals() {
        Some(Ok(g)) => goals_html(&g, "goals"),
        Some(Err(e)) => crate::app::html::error(&e),
        None => String::new(),
    };
    let hint = on(act, LessonAction::Hint);
    let solution = on(act, LessonAction::ShowSolution);
    let onsubmit = {
        let act = act.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(form) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
            if let Some(input) = form.query_selector("input").ok().flatten().and_then(|i| i.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                let line = input.value();
                input.set_value("");
                act.emit(LessonAction::Line(line));
            }
        })
    };
    html! {
        <div class="challenge" data-testid="challenge">
            { raw(format!("<h3>Goal</h3>{goals}{}", s.survive_html())) }
            <p role="status">{ s.verdict() }</p>
            <form class="console-line" {onsubmit}>
                { super::markup(r#"<label for="challenge-line">Command</label><input id="challenge-line" type="text" autocomplete="off" spellcheck="false" placeholder="kafka-topics.sh --bootstrap-server localhost:9092 --list" data-testid="challenge-line" /><button type="submit">Run</button>"#) }
            </form>
            { console_log(&s.typed, "challenge-console") }
            { raw(s.hints_html(c)) }
            <p>
                <button type="button" onclick={hint} disabled={st.hints_shown >= c.hints.len()} data-testid="hint">
                    { format!("Show a hint ({} of {})", st.hints_shown.min(c.hints.len()), c.hints.len()) }
                </button>
                { " " }
                <button type="button" onclick={solution} disabled={st.solution_shown} data-testid="solution">{ "Show solution" }</button>
            </p>
            { if st.solution_shown { raw(solution_html(c)) } else { Html::default() } }
        </div>
    }
}

fn player_view(s: &LessonState, act: &Callback<LessonAction>, real: &UseStateHandle<bool>) -> Html {
    let back = on(act, LessonAction::Back);
    let on_real = {
        let real = real.clone();
        Callback::from(move |_: MouseEvent| real.set(!*real))
    };
    let next = on(act, LessonAction::Next);
    let exercise = match s.item() {
        Some(Item::Quiz(_)) => quiz_view(s, act),
        Some(Item::Challenge(_)) => challenge_view(s, act),
        _ => Html::default(),
    };
    html! {
        <main id="main" class="page lesson" data-testid="lesson">
            { raw(s.header_html()) }
            <nav class="lesson-nav" aria-label="Lesson">
                <button type="button" onclick={back} disabled={!s.can_back()} data-testid="lesson-back">{ "\u{2190} Back" }</button>
                <button type="button" onclick={next} disabled={!s.can_next()} data-testid="lesson-next" class="primary">{ "Next \u{2192}" }</button>
                <button type="button" class="secondary" onclick={on(act, LessonAction::Restart)} disabled={s.page == 0} data-testid="lesson-restart">{ "\u{21ba} Start over" }</button>
                <button type="button" class="secondary" onclick={on_real} aria-expanded={real.to_string()} data-testid="real-cluster-button">{ "Try it on a real cluster" }</button>
            </nav>
            if **real { { raw(crate::app::html::real_cluster_panel(&s.player.script())) } }
            <div class="lesson-body">
                <section class="lesson-text" aria-live="polite" data-testid="lesson-narration">{ raw(s.text_html()) }</section>
                { exercise }
                <div class="lesson-sim">
                    { match s.compared() {
                        // A compare step: the same moment run on under two settings, side by side.
                        Some(sides) => html! {
                            <div class="compare" data-testid="compare">
                                { for sides.into_iter().enumerate().map(|(i, (label, shown))| html! {
                                    <div class="compare-side" key={i} data-testid={if i == 0 { "compare-left" } else { "compare-right" }}>
                                        <h3>{ if i == 0 { "Left: " } else { "Right: " } }{ label.clone() }</h3>
                                        <LessonStage name={format!("The simulation, {} side: {label}", if i == 0 { "left" } else { "right" })} defs={i == 0} narrow=true {shown} revision={s.stage_revision} on_pick={act.reform(LessonAction::Pick)} />
                                    </div>
                                }) }
                            </div>
                        },
                        None => html! { <LessonStage shown={s.shown()} revision={s.stage_revision} on_pick={act.reform(LessonAction::Pick)} /> },
                    } }
                    { raw(s.stage_html()) }
                </div>
            </div>
            { if !s.can_next() { super::markup(r##"<p><a href="#/">Back to the course</a></p>"##) } else { Html::default() } }
        </main>
    }
}

/// A lesson by id: its file fetched, parsed and played natively.
#[function_component(LessonPage)]
pub fn lesson_page(props: &LessonProps) -> Html {
    let load = use_reducer(|| Load::Loading);
    let real = use_state(|| false);
    {
        let load = load.clone();
        let id = props.id.clone();
        use_effect_with((), move |_| {
            // Only a lesson the course's index lists is fetched (two requests, one after the
            // other, through the one fetch future: `fetch_then`).
            fetch_then(
                "lessons/index.txt".into(),
                Box::new(move |got| match got {
                    Ok(Some(index)) if listed(&index, &id) && valid_id(&id) => {
                        let url = format!("lessons/{id}.lesson");
                        fetch_then(url, Box::new(move |got| load.dispatch(PageAction::Loaded(Load::fetched(&id, got)))))
                    }
                    got => load.dispatch(PageAction::Loaded(Load::fetched(&id, got.map(|_| None)))),
                }),
            );
        });
    }
    // What this visit adds to the learner's progress, handed to the app root when it changes.
    {
        let course = props.course.clone();
        let record = match &*load {
            Load::Ready(s) => Some(s.record()),
            _ => None,
        };
        use_effect_with(record, move |r| {
            if let Some(r) = r {
                course.dispatch(CourseAction::Record(r.clone()));
            }
        });
    }
    let act = {
        let load = load.clone();
        Callback::from(move |a: LessonAction| load.dispatch(PageAction::Do(a)))
    };
    match &*load {
        Load::Ready(s) => player_view(s, &act, &real),
        other => raw(other.page_html(&props.id).unwrap_or_default()),
    }
}
