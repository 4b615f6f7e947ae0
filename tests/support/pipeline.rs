//! The fuzz target's checks, also run on the inputs it found
//! (`tests/fuzz_regressions.rs`): bytes in, as one or several `.env` files
//! separated by NUL bytes; compiling never panics, emitted files read back as
//! their documents and stay inside the output, and the formatter keeps each
//! file's meaning and is idempotent. Needs `crate::outputs`.

use envspec::diag::Code;
use envspec::source::{FileId, SourceFile, Sources};

use crate::outputs;

/// Separates the files of one input. NUL never occurs in a spec file that
/// parses, so splitting on it loses nothing the fuzzer could find otherwise.
const SEPARATOR: u8 = 0;

/// More files add nothing the pipeline treats differently, only time.
const MAX_FILES: usize = 8;

/// Runs every check on one input; panics on a finding.
pub fn check(data: &[u8]) {
    let mut sources = Sources::new();
    for (i, bytes) in data.split(|&b| b == SEPARATOR).take(MAX_FILES).enumerate() {
        sources.add(SourceFile::from_bytes(format!("f{i}.env"), bytes.to_vec()));
    }
    let (model, _) = envspec::compile(&sources);
    if let Some(model) = model {
        for file in envspec::emit::emit(&model, &[]) {
            assert!(outputs::stays_inside(&file.path), "{}", file.path);
            let read = outputs::read_back(&file.text)
                .unwrap_or_else(|e| panic!("{} does not read back: {e}\n{}", file.path, file.text));
            assert_eq!(
                read,
                file.document.to_json(),
                "{}:\n{}",
                file.path,
                file.text
            );
        }
    }
    for (id, file) in sources.iter() {
        if file.read_problem(id).is_none() {
            format_is_stable(id, &file.text);
        }
    }
}

/// A file the formatter accepts formats to text that means the same and that
/// it leaves as it is.
fn format_is_stable(id: FileId, text: &str) {
    let formatted = match envspec::fmt::format(id, text) {
        Ok(formatted) => formatted,
        // E0105 is the formatter refusing its own result: a formatter bug.
        Err(errors) if errors.iter().any(|e| e.code == Code::E0105) => {
            panic!("the formatter broke the file: {errors:?}")
        }
        Err(_) => return,
    };
    if let Err(e) = envspec::fmt::check_same(id, text, &formatted) {
        panic!("formatting changed the meaning: {}\n{formatted}", e.message);
    }
    match envspec::fmt::format(id, &formatted) {
        Ok(again) => assert_eq!(again, formatted, "formatting is not idempotent"),
        Err(e) => panic!("formatted text does not format: {e:?}\n{formatted}"),
    }
}
