//! End-to-end tests of the language server: each test starts the real
//! `envspec lsp` on a copy of the spec in `tests/lsp/spec/`, speaks LSP to it
//! over its standard input and output, and checks what it answers.

#[path = "lsp/client.rs"]
mod client;

#[path = "lsp/completion.rs"]
mod completion;
#[path = "lsp/diagnostics.rs"]
mod diagnostics;
#[path = "lsp/formatting.rs"]
mod formatting;
#[path = "lsp/hover.rs"]
mod hover;
#[path = "lsp/lifecycle.rs"]
mod lifecycle;
#[path = "lsp/navigation.rs"]
mod navigation;
