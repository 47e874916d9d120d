//! The sandbox's keyboard shortcuts: which action a key press stands for, given where the
//! focus is. The page's listener (`ui/transport.rs`) reads the DOM event into a `KeyPress`,
//! prevents the key's default and dispatches the action when there is one.
use super::state::Action;

/// A key press as the shortcuts see it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyPress<'a> {
    /// `KeyboardEvent.key`: `" "`, `"ArrowRight"`, `"?"`...
    pub key: &'a str,
    /// The focused element's tag name, upper case as the DOM gives it (`"INPUT"`).
    pub tag: &'a str,
    /// The focus is on a stage element drawn as `role=button` (it uses Space and Enter).
    pub on_control: bool,
    /// Ctrl, Meta or Alt is held: the browser's or the system's shortcut, not ours.
    pub modifier: bool,
}

/// The action a key press stands for: never while typing in a field (the console has its own
/// keys) or on a control that uses the key itself (a button's Space, the timeline's arrows),
/// except `?` and Escape on a button or link.
pub fn action_for(k: KeyPress) -> Option<Action> {
    let in_field = matches!(k.tag, "INPUT" | "TEXTAREA" | "SELECT");
    if (in_field || matches!(k.tag, "BUTTON" | "A")) && k.key != "?" && k.key != "Escape" || k.modifier {
        return None;
    }
    if k.on_control && (k.key == " " || k.key == "Enter") {
        return None;
    }
    let action = match k.key {
        " " | "k" => Action::TogglePlay,
        "ArrowRight" | "l" => Action::Step,
        "ArrowLeft" | "j" => Action::StepBack,
        "Home" => Action::Seek(0),
        "End" => Action::Seek(u64::MAX),
        "?" => Action::ToggleHelp,
        "Escape" => Action::Escape,
        _ => return None,
    };
    if in_field && k.key == "?" {
        return None;
    }
    Some(action)
}

/// Where the focus goes inside the stage, which is one tab stop: the arrow keys up and down
/// walk its brokers, partition rows, clients and groups in reading order, Home and End jump
/// to the first and last. Left and right stay the timeline's step keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageMove {
    Next,
    Previous,
    First,
    Last,
}

pub fn stage_move(key: &str) -> Option<StageMove> {
    Some(match key {
        "ArrowDown" => StageMove::Next,
        "ArrowUp" => StageMove::Previous,
        "Home" => StageMove::First,
        "End" => StageMove::Last,
        _ => return None,
    })
}

/// The index focused after `m` among `n` items, from `current` (None: the stage itself).
pub fn stage_target(m: StageMove, current: Option<usize>, n: usize) -> Option<usize> {
    let last = n.checked_sub(1)?;
    Some(match (m, current) {
        (StageMove::First, _) | (StageMove::Next, None) => 0,
        (StageMove::Last, _) | (StageMove::Previous, None) => last,
        (StageMove::Next, Some(i)) => (i + 1).min(last),
        (StageMove::Previous, Some(i)) => i.saturating_sub(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(key: &str, tag: &str) -> Option<Action> {
        action_for(KeyPress { key, tag, ..KeyPress::default() })
    }

    #[test]
    fn keys_and_their_actions() {
        for (key, action) in [
            (" ", Action::TogglePlay),
            ("k", Action::TogglePlay),
            ("ArrowRight", Action::Step),
            ("l", Action::Step),
            ("ArrowLeft", Action::StepBack),
            ("j", Action::StepBack),
            ("Home", Action::Seek(0)),
            ("End", Action::Seek(u64::MAX)),
            ("?", Action::ToggleHelp),
            ("Escape", Action::Escape),
        ] {
            assert_eq!(on(key, "BODY"), Some(action), "{key:?}");
        }
        assert_eq!(on("x", "BODY"), None);
        assert_eq!(on("Enter", "BODY"), None);
    }

    #[test]
    fn never_while_typing_or_on_a_control_that_uses_the_key() {
        for tag in ["INPUT", "TEXTAREA", "SELECT"] {
            for key in [" ", "k", "ArrowLeft", "Home", "?"] {
                assert_eq!(on(key, tag), None, "{key:?} in {tag}");
            }
            assert_eq!(on("Escape", tag), Some(Action::Escape), "Escape in {tag}");
        }
        // A focused button or link keeps Space and the arrows, not `?` or Escape.
        for tag in ["BUTTON", "A"] {
            assert_eq!(on(" ", tag), None);
            assert_eq!(on("ArrowRight", tag), None);
            assert_eq!(on("?", tag), Some(Action::ToggleHelp));
            assert_eq!(on("Escape", tag), Some(Action::Escape));
        }
        // A stage element (role=button) selects with Space and Enter; the arrows still step.
        let control = |key| action_for(KeyPress { key, tag: "g", on_control: true, modifier: false });
        assert_eq!(control(" "), None);
        assert_eq!(control("ArrowRight"), Some(Action::Step));
        // Ctrl, Meta or Alt: the browser's shortcut.
        assert_eq!(action_for(KeyPress { key: "l", tag: "BODY", on_control: false, modifier: true }), None);
        assert_eq!(action_for(KeyPress { key: "?", tag: "BODY", on_control: false, modifier: true }), None);
    }

    #[test]
    fn arrows_walk_the_stage_and_stop_at_its_ends() {
        assert_eq!(stage_move("ArrowRight"), None, "left and right stay the step keys");
        assert_eq!(stage_target(StageMove::Next, None, 5), Some(0));
        assert_eq!(stage_target(StageMove::Next, Some(4), 5), Some(4));
        assert_eq!(stage_target(StageMove::Previous, Some(0), 5), Some(0));
        assert_eq!(stage_target(StageMove::Previous, None, 5), Some(4));
        assert_eq!(stage_target(StageMove::Last, Some(1), 5), Some(4));
        assert_eq!(stage_target(StageMove::First, Some(3), 5), Some(0));
        assert_eq!(stage_target(StageMove::Next, None, 0), None);
    }
}
