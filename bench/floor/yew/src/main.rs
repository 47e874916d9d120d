use std::rc::Rc;
use yew::prelude::*;

#[derive(Clone, PartialEq, Default)]
struct State {
    count: u32,
    items: Vec<String>,
}

enum Action {
    Increment,
    Add(String),
}

impl Reducible for State {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Increment => next.count += 1,
            Action::Add(item) => next.items.push(item),
        }
        Rc::new(next)
    }
}

#[derive(Properties, PartialEq)]
struct ItemProps {
    text: String,
}

#[function_component]
fn Item(props: &ItemProps) -> Html {
    html! { <li class="item">{ &props.text }</li> }
}

#[function_component]
fn App() -> Html {
    let state = use_reducer(State::default);
    let increment = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Increment))
    };
    let add = {
        let state = state.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                state.dispatch(Action::Add(input.value()));
            }
        })
    };
    use_effect_with(state.count, |count| {
        web_sys::console::log_1(&(*count).into());
        || ()
    });
    html! {
        <main>
            <button onclick={increment}>{ format!("count {}", state.count) }</button>
            <input onkeydown={add} />
            <ul>{ for state.items.iter().enumerate().map(|(key, text)| html! { <Item {key} text={text.clone()} /> }) }</ul>
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
