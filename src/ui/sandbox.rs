use yew::prelude::*;

use super::cluster::BrokerCard;
use super::console::Console;
use super::transport::Transport;
use super::state::{Action, SandboxState};

const DEFAULT_SEED: u64 = 42;

#[function_component(SandboxPage)]
pub fn sandbox_page() -> Html {
    let state = use_reducer(|| SandboxState::new(DEFAULT_SEED));
    let on_kill = { let s = state.clone(); Callback::from(move |b| s.dispatch(Action::Kill(b))) };
    let on_stop = { let s = state.clone(); Callback::from(move |b| s.dispatch(Action::Stop(b))) };
    let on_start = { let s = state.clone(); Callback::from(move |b| s.dispatch(Action::Start(b))) };
    let on_submit = { let s = state.clone(); Callback::from(move |line: String| s.dispatch(Action::RunCommand(line))) };
    let on_eof = { let s = state.clone(); Callback::from(move |_| s.dispatch(Action::EndOfInput)) };
    let v = &state.view;
    html! {
        <main id="main" class="page sandbox">
            <h1>{ "Sandbox" }</h1>
            <Transport state={state.clone()} />
            if let Some(err) = &state.error {
                <p class="error" role="alert">{ err }</p>
            }
            <section class="brokers" aria-label="Brokers">
                { for v.brokers.iter().map(|b| html! {
                    <BrokerCard key={b.id} broker={b.clone()} on_kill={on_kill.clone()} on_stop={on_stop.clone()} on_start={on_start.clone()} />
                }) }
            </section>
            <Console lines={state.console.clone()} prompt={state.prompt()} {on_submit} {on_eof} />
            <section class="clients" aria-label="Clients">
                <h2>{ "Clients" }</h2>
                <ul>
                    { for v.clients.iter().map(|c| html! {
                        <li key={c.name.to_string()}>
                            if c.is_producer {
                                { format!("Producer {}: {} acknowledged, {} pending, {} failed", c.name, c.acked, c.pending, c.failed) }
                            } else {
                                { format!("Consumer {}: {} records read", c.name, c.consumed) }
                                if let Some((group, generation)) = &c.group {
                                    { format!(" \u{2014} group {group}, generation {generation}, owns ") }
                                    { if c.positions.is_empty() { "nothing".to_string() } else { c.positions.iter().map(|(tp, _)| tp.to_string()).collect::<Vec<_>>().join(", ") } }
                                }
                            }
                        </li>
                    }) }
                </ul>
            </section>
            <section class="narration" aria-labelledby="narration-heading">
                <h2 id="narration-heading">{ "What just happened" }</h2>
                <ol aria-live="polite" data-testid="narration">
                    { for state.narration.iter().enumerate().map(|(i, line)| html! { <li key={i}>{ line }</li> }) }
                </ol>
            </section>
        </main>
    }
}
