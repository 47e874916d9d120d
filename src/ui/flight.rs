//! The stage's frame loop. Once per animation frame, outside the virtual DOM, it moves the
//! display clock and sends the painter (`static/painter.js`, a worker that owns the canvas over
//! the stage) the messages in flight where they are now (`app::flights`), and with each new view
//! the replicas' log strips (`app::strips`). Painting off the main thread keeps the canvas's
//! per-frame hand-over to the compositor off it too (docs/BENCHMARKS.md, "The busy cluster at
//! 2x"). A message's place is a pure function of its virtual send and arrival times and the
//! display clock, so pausing, stepping and seeking can never leave a dot out of step with the
//! simulation.
//!
//! How fast the display clock runs, and when events are applied, is `app::pace::Pacer`'s
//! decision (native, tested, and measured by `flightsim pace`); this loop only feeds it frames.
use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::app::flights::Dot;
use crate::app::layout::Family;
use crate::app::pace::Pacer;
use crate::app::state::Action;
use crate::sim::view::SimView;
use crate::sim::NodeId;

#[derive(Properties)]
pub struct FlightsProps {
    pub view: Rc<SimView>,
    pub anchors: Rc<Vec<(NodeId, (f64, f64))>>,
    /// The replicas' log strips for the painter (`app::strips`), new with every view.
    pub strips: Rc<Vec<f64>>,
    /// The stage's size in its viewBox units.
    pub stage_width: f64,
    pub stage_height: f64,
    pub playing: bool,
    pub speed_percent: u32,
    /// `SandboxState::headlines`: a new one holds the watch pace (`app::pace`).
    pub headlines: u64,
    pub show_background: bool,
    pub dispatch: Callback<Action>,
}

/// The view by identity: the page makes a new `Rc` for every new view, so comparing pointers is
/// exact, and far cheaper than comparing two simulations' views field by field.
impl PartialEq for FlightsProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.view, &o.view)
            && self.anchors == o.anchors
            && Rc::ptr_eq(&self.strips, &o.strips)
            && (self.stage_width, self.stage_height) == (o.stage_width, o.stage_height)
            && (self.playing, self.speed_percent, self.headlines, self.show_background) == (o.playing, o.speed_percent, o.headlines, o.show_background)
            && self.dispatch == o.dispatch
    }
}

/// How often the canvas's size and the theme's colours are read again: reading them forces a
/// style and layout pass, which on a slow machine made a long frame of its own every second.
const MEASURE_EVERY_REAL_MS: f64 = 5000.0;

/// What the frame loop reads; written when the component renders.
#[derive(Default)]
struct Anim {
    dots: Vec<Dot>,
    pacer: Pacer,
    reduced_motion: bool,
    dispatch: Option<Callback<Action>>,
    canvas: Option<web_sys::HtmlCanvasElement>,
    /// The painter (`static/painter.js`), which owns the canvas's drawing.
    painter: Option<web_sys::Worker>,
    /// The log strips, until they are sent to the painter.
    strips: Option<Rc<Vec<f64>>>,
    /// The canvas's size in pixels, read every few seconds (reading it can force a layout).
    size: (u32, u32),
    /// The stage's width and height in its own units (the SVG's viewBox), which the anchors
    /// are in.
    stage: (f64, f64),
    /// The painter's colours (`read_colors`), read from the page's CSS so the themes stay in
    /// one place, and sent to the painter when they change.
    colors: String,
    /// When the canvas's size and the colours were last read (every few seconds: the system
    /// theme and the window can change).
    measured_real: f64,
    /// Dots drawn in the last frame, published as `data-in-flight` when it changes.
    drawn: usize,
    /// Bumped when the dots or their colours change; with the clock and the canvas size it
    /// tells whether the last drawing is still right (a paused stage is not redrawn).
    version: u64,
    drawn_state: Option<(u64, u64, u32, u32)>,
    clock: Option<web_sys::Element>,
    clock_text: u64,
    frame_id: Option<i32>,
}

impl Anim {
    /// One frame: moves the clock and the dots; returns the action to send once the borrow
    /// of `self` has ended (the reducer re-renders, which writes here again).
    fn frame(&mut self, now_real: f64) -> Option<(Callback<Action>, Action)> {
        let tick = self.pacer.tick(now_real, self.dots.iter().map(|d| (d.sent_ms, d.arrive_ms)));
        self.draw(now_real);
        Some((self.dispatch.clone()?, tick?.action()))
    }

    fn draw(&mut self, now_real: f64) {
        let shown = self.pacer.display_ms as u64;
        if shown != self.clock_text {
            self.clock_text = shown;
            if let Some(c) = &self.clock {
                c.set_text_content(Some(&format!("t = {}", crate::app::clock::human(shown))));
            }
        }
        let (Some(canvas), Some(painter)) = (&self.canvas, &self.painter) else { return };
        if self.colors.is_empty() || now_real - self.measured_real > MEASURE_EVERY_REAL_MS {
            self.measured_real = now_real;
            let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
            self.size = ((canvas.client_width() as f64 * ratio).round() as u32, (canvas.client_height() as f64 * ratio).round() as u32);
            let colors = read_colors();
            if colors != self.colors {
                let _ = painter.post_message(&colors.as_str().into());
                self.colors = colors;
                self.version += 1;
            }
        }
        if let Some(strips) = self.strips.take() {
            let _ = painter.post_message(&js_sys::Float64Array::from(strips.as_slice()));
        }
        let (w, h) = self.size;
        // With reduced motion the dots stand still between steps: the clock does not redraw.
        let clock = if self.reduced_motion { 0 } else { self.pacer.display_ms.to_bits() };
        let state = (self.version, clock, w, h);
        if self.drawn_state == Some(state) {
            return;
        }
        self.drawn_state = Some(state);
        // The canvas has the stage's box, and the stage keeps its viewBox's aspect ratio.
        let scale = if self.stage.0 > 0.0 { w as f64 / self.stage.0 } else { 1.0 };
        let (frame, drawn) = crate::app::flights::frame(&self.dots, self.pacer.display_ms, self.reduced_motion, (w, h), scale);
        let _ = painter.post_message(&js_sys::Float32Array::from(frame.as_slice()));
        if drawn != self.drawn || self.drawn == usize::MAX {
            self.drawn = drawn;
            let _ = canvas.set_attribute("data-in-flight", &drawn.to_string());
        }
    }
}

/// The families' fills, the outline and the routes' colour, from the legend's swatches (which
/// the stylesheet colours), then the strips' colours, joined with `|` as the painter reads them.
fn read_colors() -> String {
    let Some(win) = web_sys::window() else { return String::new() };
    let Some(doc) = win.document() else { return String::new() };
    let style_of = |selector: &str, property: &str, fallback: &str| -> String {
        let el = doc.query_selector(selector).ok().flatten();
        let v = el.and_then(|el| win.get_computed_style(&el).ok().flatten()).and_then(|s| s.get_property_value(property).ok());
        v.filter(|v| !v.is_empty()).unwrap_or_else(|| fallback.to_string())
    };
    let mut out: Vec<String> = Family::ALL.iter().map(|f| style_of(&format!(".legend .{}", f.css()), "fill", "#64748b")).collect();
    out.push(style_of(".legend .m-produce", "stroke", "#ffffff"));
    out.push(style_of(".legend", "color", "#64748b"));
    // The strips' colours: the theme's own variables, as the stylesheet's rules for the stage use them.
    for var in ["--accent", "--accent-text", "--text", "--border", "--ok", "--muted", "--bg"] {
        out.push(style_of("html", var, "#888888").trim().to_string());
    }
    out.join("|")
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
        a.version += 1;
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
        a.strips = Some(props.strips.clone());
        if a.stage != (props.stage_width, props.stage_height) {
            // The stage changed its size: measure the canvas again at the next frame.
            a.measured_real = f64::NEG_INFINITY;
            a.stage = (props.stage_width, props.stage_height);
        }
        a.pacer.update(v, props.playing, props.speed_percent, props.headlines);
        a.dispatch = Some(props.dispatch.clone());
    }
    {
        let anim = anim.clone();
        let layer = layer.clone();
        use_effect_with((), move |_| {
            {
                let mut a = anim.borrow_mut();
                a.canvas = layer.cast::<web_sys::HtmlCanvasElement>();
                // The canvas is handed to the painter once. Without workers or OffscreenCanvas
                // the stage works without its canvas: no messages in flight and no log strips,
                // but every row, its spoken offsets and the details panel.
                a.painter = a.canvas.as_ref().and_then(|c| {
                    let off = c.transfer_control_to_offscreen().ok()?;
                    let w = web_sys::Worker::new("painter.js").ok()?;
                    w.post_message_with_transfer(&off, &js_sys::Array::of1(&off)).ok()?;
                    Some(w)
                });
                a.drawn = usize::MAX;
                let doc = web_sys::window().and_then(|w| w.document());
                a.clock = doc.as_ref().and_then(|d| d.query_selector("[data-testid=clock]").ok().flatten());
                a.reduced_motion =
                    web_sys::window().and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten()).is_some_and(|m| m.matches());
                a.clock_text = u64::MAX;
            }
            // The frame callback schedules itself again, so it must be able to reach itself.
            type FrameLoop = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;
            let cb: FrameLoop = Rc::new(RefCell::new(None));
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
                if let Some(p) = anim.borrow_mut().painter.take() {
                    p.terminate();
                }
            }
        });
    }
    html! { <canvas class="flights-layer" ref={layer} aria-hidden="true" data-testid="flights"></canvas> }
}
