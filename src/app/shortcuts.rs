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
