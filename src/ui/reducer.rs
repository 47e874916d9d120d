//! A reducer hook that moves its state through the reducer instead of copying it.
//!
//! Yew's `use_reducer` hands the reducer a clone of the state it rendered, and its handle keeps
//! that state too. For the sandbox that clone shares the session's simulation (`Player` keeps
//! it behind an `Rc`), so the reducer's first step copied the whole simulation on every frame of
//! a playing stage, and the old copy was dropped right after: about an eighth of the main
//! thread's busy time on the stress preset (docs/BENCHMARKS.md, "The busy cluster at 2x").
//! Here the page holds only the cell; a render takes its snapshot (`get`) and lets it go when
//! it returns, so when an action arrives the state is usually the cell's alone and is moved
//! into the reducer. If something still holds a snapshot, the reducer gets a copy, as before:
//! the result is the same either way, only the cost differs.
use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

/// The page's way to the state: `get` for a snapshot to render, `dispatcher` to send actions.
/// Cloning it does not hold the state.
pub struct MovingReducer<T, A> {
    cell: Rc<RefCell<Option<Rc<T>>>>,
    dispatch: Callback<A>,
}

impl<T, A> Clone for MovingReducer<T, A> {
    fn clone(&self) -> Self {
        MovingReducer { cell: self.cell.clone(), dispatch: self.dispatch.clone() }
    }
}

impl<T, A> MovingReducer<T, A> {
    /// The state now. Keep it only as long as a render or a handler runs: a snapshot held
    /// when the next action arrives makes the reducer start from a copy.
    pub fn get(&self) -> Rc<T> {
        self.cell.borrow().clone().expect("the state is back in its cell between actions")
    }

    pub fn dispatcher(&self) -> Callback<A> {
        self.dispatch.clone()
    }
}

/// `reduce` takes the state by value and returns the next one; the component renders again
/// after every action for which `renders` says so (an action whose effect is shown by a later
/// one, as the sandbox's `Advance` is by `Publish`, skips its render).
#[hook]
pub fn use_moving_reducer<T, A, F>(init: F, reduce: fn(T, A) -> T, renders: fn(&A) -> bool) -> MovingReducer<T, A>
where
    T: Clone + 'static,
    A: 'static,
    F: FnOnce() -> T,
{
    let cell = use_mut_ref(|| Some(Rc::new(init())));
    let update = use_force_update();
    let dispatch = {
        let cell = cell.clone();
        use_memo((), move |_| {
            Callback::from(move |action: A| {
                // The borrow ends before the render the update asks for, which may run at once.
                let render = renders(&action);
                let taken = cell.borrow_mut().take();
                if let Some(state) = taken {
                    let next = reduce(Rc::try_unwrap(state).unwrap_or_else(|shared| (*shared).clone()), action);
                    *cell.borrow_mut() = Some(Rc::new(next));
                }
                if render {
                    update.force_update();
                }
            })
        })
    };
    MovingReducer { cell, dispatch: (*dispatch).clone() }
}
