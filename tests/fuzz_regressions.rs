//! Inputs that broke the fuzz target's checks (`fuzz/`), kept so the bug
//! stays fixed: every file in `tests/data/fuzz/` goes through those checks.
//! Most come from the fuzzer; some from tests by hand of the same pipeline,
//! such as the long operator chains that overflowed the stack.

use std::path::Path;

#[path = "support/outputs.rs"]
mod outputs;
#[path = "support/pipeline.rs"]
mod pipeline;

#[test]
fn every_fuzz_finding_stays_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no input in {}", dir.display());
    for input in inputs {
        let data = std::fs::read(&input).expect("read an input");
        let result = std::panic::catch_unwind(|| pipeline::check(&data));
        assert!(result.is_ok(), "{} fails again", input.display());
    }
}
