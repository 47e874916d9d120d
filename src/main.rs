//! The browser app's entry point. Trunk builds this binary for wasm32.
#[cfg(target_arch = "wasm32")]
fn main() {
    kafka_flightsim::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("kafka-flightsim is the browser app: run `scripts/serve.sh` (trunk serve). The native runner is `flightsim`.");
    std::process::exit(2);
}

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
