//! Messages in flight, moved once per animation frame outside the virtual DOM. A message's
//! place is a pure function of its virtual send and arrival times and the display clock, so
//! pausing, stepping and seeking can never leave a dot out of step with the simulation.
//!
//! The display clock runs slowly while a visible message is in flight (one network hop takes
//! about a third of a second at 1x) and quickly across quiet gaps, but never past the next
//! event of a gap: the loop asks the reducer to apply events as the clock reaches them, all
//! of a frame's events at once while messages fly.
use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::Action;
use crate::sim::view::SimView;
use crate::sim::{Millis, NodeId};
use crate::stage::{progress, Family};

/// Real milliseconds one network hop takes on screen at 1x.
const HOP_REAL_MS: f64 = 350.0;
/// Virtual milliseconds per real millisecond across quiet gaps at 1x.
const IDLE_RATE: f64 = 12.0;
const SVG_NS: &str = "http://www.w3.org/2000/svg";

#[derive(Properties, PartialEq)]
pub struct FlightsProps {
    pub view: Rc<SimView>,
    pub anchors: Rc<Vec<(NodeId, (f64, f64))>>,
    pub playing: bool,
    pub speed_percent: u32,
    pub show_background: bool,
    pub dispatch: Callback<Action>,
}

struct Dot {
    from: (f64, f64),
    to: (f64, f64),
    sent_ms: Millis,
    arrive_ms: Millis,
    family: Family,
}

/// What the frame loop reads; written when the component renders.
#[derive(Default)]
struct Anim {
    dots: Vec<Dot>,
    /// The display clock, in virtual milliseconds.
    display_ms: f64,
    sim_now: Millis,
    next_event: Option<Millis>,
    latency_ms: f64,
    playing: bool,
    speed: f64,
    /// Set after asking the reducer to advance, until the new view arrives.
    waiting: bool,
    last_real: Option<f64>,
    reduced_motion: bool,
    dispatch: Option<Callback<Action>>,
    pool: Vec<(web_sys::Element, Option<Family>)>,
    layer: Option<web_sys::Element>,
    clock: Option<web_sys::Element>,
    clock_text: u64,
    frame_id: Option<i32>,
}

fn set(el: &web_sys::Element, name: &str, value: &str) {
    let _ = el.set_attribute(name, value);
}

impl Anim {
    /// One frame: moves the clock and the dots; returns the action to send once the borrow
    /// of `self` has ended (the reducer re-renders, which writes here again).
    fn frame(&mut self, now_real: f64) -> Option<(Callback<Action>, Action)> {
        let mut out = None;
        let dt = self.last_real.map_or(0.0, |l| (now_real - l).clamp(0.0, 100.0));
        self.last_real = Some(now_real);
        if self.playing && !self.waiting {
            let flying = self.dots.iter().any(|d| progress(d.sent_ms, d.arrive_ms, self.display_ms) < 1.0);
            let rate = if flying { self.latency_ms / HOP_REAL_MS } else { IDLE_RATE };
            let mut t = self.display_ms + dt * rate * self.speed;
            if let Some(next) = self.next_event {
                // Across a quiet gap, never past the next event: its messages must be seen
                // leaving. While messages fly, every event up to this frame's time is applied
                // at once (a busy cluster has many per frame; one at a time would slow it far
                // below the chosen speed), and new messages start where their send time puts
                // them, at most one frame along their path.
                if !flying {
                    t = t.min(next as f64);
                }
                if t >= next as f64 {
                    self.waiting = true;
                    let to = if flying { (t.floor() as Millis).max(next) } else { next };
                    out = self.dispatch.clone().map(|d| (d, Action::AdvanceTo(to)));
                }
            }
            self.display_ms = t.max(self.display_ms);
        }
        self.draw();
        out
    }

    fn draw(&mut self) {
        let Some(layer) = self.layer.clone() else { return };
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        let mut used = 0;
        for d in &self.dots {
            let p = if self.reduced_motion { 0.5 } else { progress(d.sent_ms, d.arrive_ms, self.display_ms) };
            if p >= 1.0 && !self.reduced_motion {
                continue;
            }
            if used == self.pool.len() {
                let Ok(el) = doc.create_element_ns(Some(SVG_NS), "use") else { return };
                let _ = layer.append_child(&el);
                self.pool.push((el, None));
            }
            let (el, fam) = &mut self.pool[used];
            if *fam != Some(d.family) {
                set(el, "href", &format!("#shape-{}", &d.family.css()[2..]));
                set(el, "class", d.family.css());
                *fam = Some(d.family);
            }
            let x = d.from.0 + (d.to.0 - d.from.0) * p;
            let y = d.from.1 + (d.to.1 - d.from.1) * p;
            set(el, "transform", &format!("translate({x:.1} {y:.1})"));
            set(el, "visibility", "visible");
            used += 1;
        }
        for (el, _) in &self.pool[used..] {
            set(el, "visibility", "hidden");
        }
        let shown = self.display_ms as u64;
        if shown != self.clock_text {
            self.clock_text = shown;
            if let Some(c) = &self.clock {
                c.set_text_content(Some(&format!("t = {shown} ms")));
            }
        }
    }
}

fn request_frame(cb: &Closure<dyn FnMut(f64)>) -> Option<i32> {
    web_sys::window()?.request_animation_frame(cb.as_ref().unchecked_ref()).ok()
}

#[function_component(Flights)]
pub fn flights(props: &FlightsProps) -> Html {
    let layer = use_node_ref();
    let anim = use_mut_ref(Anim::default);
    // Every render brings a new view: refresh what the loop draws.
    {
        let mut a = anim.borrow_mut();
        let v = &props.view;
        let at = |n: NodeId| props.anchors.iter().find(|(m, _)| *m == n).map(|(_, p)| *p);
        a.dots = v
            .in_flight
            .iter()
            .filter_map(|m| {
                let family = Family::of(m.kind, m.from, m.to);
                if family.is_background() && !props.show_background {
                    return None;
                }
                Some(Dot { from: at(m.from)?, to: at(m.to)?, sent_ms: m.sent_ms, arrive_ms: m.arrive_ms, family })
            })
            .collect();
        let now = v.now_ms as f64;
        // Paused, or moved by a command, a step or a seek: the display clock is the sim's.
        if !props.playing || now > a.display_ms || v.now_ms != a.sim_now && now < a.display_ms.floor() {
            a.display_ms = now;
        }
        a.sim_now = v.now_ms;
        a.next_event = v.next_event_ms;
        a.latency_ms = v.latency_ms.max(1) as f64;
        a.playing = props.playing;
        a.speed = props.speed_percent as f64 / 100.0;
        a.waiting = false;
        a.dispatch = Some(props.dispatch.clone());
    }
    {
        let anim = anim.clone();
        let layer = layer.clone();
        use_effect_with((), move |_| {
            {
                let mut a = anim.borrow_mut();
                a.layer = layer.cast::<web_sys::Element>();
                let doc = web_sys::window().and_then(|w| w.document());
                a.clock = doc.as_ref().and_then(|d| d.query_selector("[data-testid=clock]").ok().flatten());
                a.reduced_motion = web_sys::window().and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten()).is_some_and(|m| m.matches());
                a.clock_text = u64::MAX;
            }
            let cb: Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>> = Rc::new(RefCell::new(None));
            let again = cb.clone();
            let looping = anim.clone();
            *cb.borrow_mut() = Some(Closure::new(move |ts: f64| {
                let send = looping.borrow_mut().frame(ts);
                if let Some((dispatch, action)) = send {
                    dispatch.emit(action);
                }
                let id = again.borrow().as_ref().and_then(request_frame);
                looping.borrow_mut().frame_id = id;
            }));
            let first = cb.borrow().as_ref().and_then(request_frame);
            anim.borrow_mut().frame_id = first;
            move || {
                if let (Some(id), Some(w)) = (anim.borrow_mut().frame_id.take(), web_sys::window()) {
                    let _ = w.cancel_animation_frame(id);
                }
                // Drops the closure (and its reference to itself) now that no frame is pending.
                cb.borrow_mut().take();
            }
        });
    }
    html! { <g class="flights" ref={layer} aria-hidden="true"></g> }
}
