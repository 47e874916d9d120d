use yew::prelude::*;

use crate::glossary::{ENTRIES, SIMPLIFICATIONS};

#[function_component(GlossaryPage)]
pub fn glossary_page() -> Html {
    html! {
        <main id="main" class="page glossary">
            <h1>{ "Glossary" }</h1>
            <dl>
                { for ENTRIES.iter().map(|e| html! {
                    <div key={e.id} id={e.id} class="entry">
                        <dt>{ e.term }</dt>
                        <dd>{ e.text }</dd>
                    </div>
                }) }
            </dl>
            <h2 id="simplifications">{ "Where the simulator simplifies" }</h2>
            <ul>
                { for SIMPLIFICATIONS.iter().enumerate().map(|(i, s)| html! { <li key={i}>{ *s }</li> }) }
            </ul>
        </main>
    }
}
