//! Messages in flight, drawn once per animation frame outside the virtual DOM, on a canvas
//! over the stage (200 SVG elements moved per frame cost more than a frame to restyle, paint
//! and rasterise on a 2-core machine; a canvas redraw of them takes well under one). A message's
//! place is a pure function of its virtual send and arrival times and the display clock, so
//! pausing, stepping and seeking can never leave a dot out of step with the simulation.
//!
//! How fast the display clock runs, and when events are applied, is `app::pace::Pacer`'s
//! decision (native, tested, and measured by `flightsim pace`); this loop only feeds it frames.
use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::app::layout::{progress, Family};
use crate::app::pace::Pacer;
use crate::app::state::Action;
use crate::sim::view::SimView;
use crate::sim::{Millis, NodeId};

#[derive(Properties)]
pub struct FlightsProps {
    pub view: Rc<SimView>,
    pub anchors: Rc<Vec<(NodeId, (f64, f64))>>,
    /// The stage's width in its viewBox units.
    pub stage_width: f64,
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
            && self.stage_width == o.stage_width
            && (self.playing, self.speed_percent, self.headlines, self.show_background) == (o.playing, o.speed_percent, o.headlines, o.show_background)
            && self.dispatch == o.dispatch
    }
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
    pacer: Pacer,
    reduced_motion: bool,
    dispatch: Option<Callback<Action>>,
    canvas: Option<web_sys::HtmlCanvasElement>,
    ctx: Option<web_sys::CanvasRenderingContext2d>,
    /// The stage's width in its own units (the SVG's viewBox), which the anchors are in.
    stage_width: f64,
    /// Fill per family (in `Family::ALL` order) and the outline, read from the page's CSS so
    /// that the themes stay in one place; re-read every second (the system theme can change).
    colors: Vec<String>,
    outline: String,
    /// The routes' colour: the legend's (muted) text colour.
    route: String,
    colors_read_real: f64,
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
        let to = self.pacer.frame(now_real, self.dots.iter().map(|d| (d.sent_ms, d.arrive_ms)));
        self.draw(now_real);
        Some((self.dispatch.clone()?, Action::AdvanceTo(to?)))
    }

    fn draw(&mut self, now_real: f64) {
        let (Some(canvas), Some(ctx)) = (self.canvas.clone(), self.ctx.clone()) else { return };
        let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let (w, h) = ((canvas.client_width() as f64 * ratio).round(), (canvas.client_height() as f64 * ratio).round());
        if canvas.width() != w as u32 || canvas.height() != h as u32 {
            canvas.set_width(w as u32);
            canvas.set_height(h as u32);
        }
        if self.colors.is_empty() || now_real - self.colors_read_real > 1000.0 {
            let before = (self.colors.clone(), self.outline.clone());
            self.read_colors();
            self.colors_read_real = now_real;
            if before != (self.colors.clone(), self.outline.clone()) {
                self.version += 1;
            }
        }
        let shown = self.pacer.display_ms as u64;
        if shown != self.clock_text {
            self.clock_text = shown;
            if let Some(c) = &self.clock {
                c.set_text_content(Some(&format!("t = {}", crate::app::clock::human(shown))));
            }
        }
        // With reduced motion the dots stand still between steps: the clock does not redraw.
        let clock = if self.reduced_motion { 0 } else { self.pacer.display_ms.to_bits() };
        let state = (self.version, clock, w as u32, h as u32);
        if self.drawn_state == Some(state) {
            return;
        }
        self.drawn_state = Some(state);
        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, w, h);
        // The canvas has the stage's box, and the stage keeps its viewBox's aspect ratio.
        let scale = if self.stage_width > 0.0 { w / self.stage_width } else { 1.0 };
        let _ = ctx.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0);
        // The path each flying message travels, faint, under the dots: who talks to whom is
        // visible at a glance, and a dot is never seen moving without its route. One stroke.
        if !self.reduced_motion {
            ctx.begin_path();
            for d in self.dots.iter().filter(|d| progress(d.sent_ms, d.arrive_ms, self.pacer.display_ms) < 1.0) {
                ctx.move_to(d.from.0, d.from.1);
                ctx.line_to(d.to.0, d.to.1);
            }
            ctx.set_line_width(1.0);
            ctx.set_global_alpha(0.45);
            ctx.set_stroke_style_str(&self.route);
            ctx.stroke();
            ctx.set_global_alpha(1.0);
        }
        ctx.set_line_width(1.5);
        ctx.set_stroke_style_str(&self.outline);
        let mut drawn = 0;
        // One path per family: five fills and five strokes a frame, whatever the count.
        for (k, family) in Family::ALL.iter().enumerate() {
            ctx.begin_path();
            let mut any = false;
            for d in self.dots.iter().filter(|d| d.family == *family) {
                let p = if self.reduced_motion { 0.5 } else { progress(d.sent_ms, d.arrive_ms, self.pacer.display_ms) };
                if p >= 1.0 && !self.reduced_motion {
                    continue;
                }
                let (x, y) = (d.from.0 + (d.to.0 - d.from.0) * p, d.from.1 + (d.to.1 - d.from.1) * p);
                trace_shape(&ctx, *family, x, y);
                any = true;
                drawn += 1;
            }
            if any {
                ctx.set_fill_style_str(self.colors.get(k).map_or("#64748b", |c| c.as_str()));
                ctx.fill();
                ctx.stroke();
            }
        }
        if drawn != self.drawn || self.drawn == usize::MAX {
            self.drawn = drawn;
            let _ = canvas.set_attribute("data-in-flight", &drawn.to_string());
        }
    }
}

impl Anim {
    /// The families' colours from the legend's swatches, which the stylesheet colours.
    fn read_colors(&mut self) {
        let Some(win) = web_sys::window() else { return };
        let Some(doc) = win.document() else { return };
        let style_of = |selector: &str, property: &str| -> Option<String> {
            let el = doc.query_selector(selector).ok().flatten()?;
            let v = win.get_computed_style(&el).ok().flatten()?.get_property_value(property).ok()?;
            (!v.is_empty()).then_some(v)
        };
        self.colors = Family::ALL.iter().map(|f| style_of(&format!(".legend .{}", f.css()), "fill").unwrap_or_else(|| "#64748b".into())).collect();
        self.outline = style_of(".legend .m-produce", "stroke").unwrap_or_else(|| "#ffffff".into());
        self.route = style_of(".legend", "color").unwrap_or_else(|| "#64748b".into());
    }
}

/// Adds one message's shape at (x, y) to the current path: the same shapes as the legend's
/// (`#shape-*` in the stage's defs), so that colour is never the only signal.
fn trace_shape(ctx: &web_sys::CanvasRenderingContext2d, family: Family, x: f64, y: f64) {
    match family {
        Family::Produce => {
            ctx.move_to(x + 6.0, y);
            let _ = ctx.arc(x, y, 6.0, 0.0, std::f64::consts::TAU);
        }
        Family::Replication => ctx.rect(x - 5.5, y - 5.5, 11.0, 11.0),
        Family::Consume => {
            ctx.move_to(x, y - 7.0);
            ctx.line_to(x + 6.5, y + 5.0);
            ctx.line_to(x - 6.5, y + 5.0);
            ctx.close_path();
        }
        Family::Group => {
            ctx.move_to(x, y - 7.0);
            ctx.line_to(x + 7.0, y);
            ctx.line_to(x, y + 7.0);
            ctx.line_to(x - 7.0, y);
            ctx.close_path();
        }
        Family::Control => {
            ctx.move_to(x + 3.5, y);
            let _ = ctx.arc(x, y, 3.5, 0.0, std::f64::consts::TAU);
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
        a.pacer.update(v, props.playing, props.speed_percent, props.headlines);
        a.dispatch = Some(props.dispatch.clone());
        a.stage_width = props.stage_width;
    }
    {
        let anim = anim.clone();
        let layer = layer.clone();
        use_effect_with((), move |_| {
            {
                let mut a = anim.borrow_mut();
                a.canvas = layer.cast::<web_sys::HtmlCanvasElement>();
                a.ctx = a.canvas.as_ref().and_then(|c| c.get_context("2d").ok().flatten()).and_then(|c| c.dyn_into().ok());
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
            }
        });
    }
    html! { <canvas class="flights-layer" ref={layer} aria-hidden="true" data-testid="flights"></canvas> }
}
