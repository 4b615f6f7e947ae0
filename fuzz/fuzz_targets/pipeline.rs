//! Fuzzes the whole pipeline from bytes to output documents, with the checks
//! of `tests/support/pipeline.rs` (shared with the regression tests).

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/outputs.rs"]
mod outputs;
#[path = "../../tests/support/pipeline.rs"]
mod pipeline;

fuzz_target!(|data: &[u8]| pipeline::check(data));
