//! Formatting through the formatter of `envspec fmt`.

use serde_json::{Value, json};

use crate::client::Client;

fn format(client: &mut Client, file: &str) -> Value {
    let response = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": client.uri(file)}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert!(response.get("error").is_none(), "{response}");
    response["result"].clone()
}

#[test]
fn formatting_replaces_the_file_with_its_canonical_layout() {
    let mut client = Client::start();
    let messy = "app   web-frontend:service{\n image=\"webfactory/ehealth-web\"\n      port  =   3000\n  after=[patient-api]}\n";
    client.open_with("apps/frontend.env", messy);
    let edits = format(&mut client, "apps/frontend.env");
    let edits = edits.as_array().unwrap_or_else(|| panic!("{edits}"));
    assert_eq!(edits.len(), 1, "{edits:?}");
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    assert_eq!(edits[0]["range"]["end"], json!({"line": 4, "character": 0}));
    let formatted = edits[0]["newText"].as_str().unwrap().to_string();
    assert_ne!(formatted, messy);
    assert!(
        formatted.contains("app web-frontend : service {"),
        "{formatted}"
    );
    // Formatted text needs no more edits.
    client.change("apps/frontend.env", &formatted);
    assert_eq!(format(&mut client, "apps/frontend.env"), json!([]));
}

#[test]
fn a_file_with_a_syntax_error_is_left_alone() {
    let mut client = Client::start();
    client.open_with("apps/frontend.env", "app web-frontend : service {\n");
    assert_eq!(format(&mut client, "apps/frontend.env"), Value::Null);
}
