//! A lesson page's stage: the sandbox's stage drawing the lesson's moment. Coming forward a
//! page (or typing a command on a challenge), it plays what happened since the moment before,
//! then stops where the lesson's moment is (`Action::Show`, `SandboxState::ends_at_head`).
//! A click on the stage is also the answer to a "click the answer" quiz (`on_pick`).
use yew::prelude::*;

use super::reducer::use_moving_reducer;
use super::sandbox::is_narrow;
use super::stage::stage;
use crate::app::layout::Layout;
use crate::app::state::{Action, SandboxState, Selection, Shown};

#[derive(Properties)]
pub struct LessonStageProps {
    pub shown: Shown,
    /// `LessonState::stage_revision`: a new one is a new moment to show.
    pub revision: u64,
    pub on_pick: Callback<Selection>,
    /// The stage's landmark name (two stages side by side need two names).
    #[prop_or(AttrValue::Static("The simulation"))]
    pub name: AttrValue,
    /// Whether this stage defines the message shapes and shows their legend (the second of
    /// two stages does not).
    #[prop_or(true)]
    pub defs: bool,
    /// Laid out as on a phone (brokers one above the other): a stage in half the page's width
    /// stays readable.
    #[prop_or(false)]
    pub narrow: bool,
}

/// Only a new moment renders the stage again: the lesson page renders on every key typed in
/// a quiz's answer, and the moment's `Shown` is a new value each time.
impl PartialEq for LessonStageProps {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
    }
}

#[function_component(LessonStage)]
pub fn lesson_stage(props: &LessonStageProps) -> Html {
    let handle = {
        let shown = props.shown.clone();
        use_moving_reducer(move || SandboxState::lesson_stage(shown), SandboxState::reduce, |a| !matches!(a, Action::Advance(_)))
    };
    {
        let d = handle.dispatcher();
        let shown = props.shown.clone();
        // The first moment is the reducer's start; each later one is shown when it arrives.
        let first = use_mut_ref(|| true);
        use_effect_with(props.revision, move |_| {
            if !std::mem::replace(&mut *first.borrow_mut(), false) {
                d.emit(Action::Show(shown));
            }
        });
    }
    let state = handle.get();
    let layout = {
        let view = state.view.clone();
        let forced = props.narrow;
        use_memo(state.revision, move |_| Layout::new(&view, forced || is_narrow()))
    };
    let dispatch = {
        let d = handle.dispatcher();
        let pick = props.on_pick.clone();
        Callback::from(move |a: Action| {
            if let Action::Select(Some(s)) = &a {
                pick.emit(s.clone());
            }
            d.emit(a)
        })
    };
    let replay = {
        let d = handle.dispatcher();
        let shown = props.shown.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Show(shown.clone())))
    };
    let status = if state.playing { "Playing what this step does\u{2026}".to_string() } else { format!("t = {}", crate::app::clock::human(state.view.now_ms)) };
    html! {
        <section class="lesson-stage" aria-label={props.name.clone()} data-testid="lesson-stage">
            <p class="stage-status">
                <span role="status" data-testid="lesson-stage-status">{ status }</span>
                { " " }
                <button type="button" class="secondary" onclick={replay} disabled={props.shown.from.is_none_or(|f| f >= props.shown.player.elapsed())} data-testid="lesson-replay">{ "\u{21bb} Replay this step" }</button>
            </p>
            { stage(&state, &layout, &dispatch, props.defs) }
        </section>
    }
}
