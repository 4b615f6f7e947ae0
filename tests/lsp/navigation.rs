//! Go to definition, find references and rename.

use serde_json::{Value, json};

use crate::client::{Client, position};

/// The single location a definition request answered, as (uri, start).
fn target(response: &Value) -> (String, Value) {
    let locations = response["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{response}"));
    assert_eq!(locations.len(), 1, "{response}");
    (
        locations[0]["uri"].as_str().unwrap().to_string(),
        locations[0]["range"]["start"].clone(),
    )
}

fn definition(
    client: &mut Client,
    file: &str,
    needle: &str,
    nth: usize,
    offset: usize,
) -> (String, Value) {
    target(&client.at(
        "textDocument/definition",
        file,
        needle,
        nth,
        offset,
        json!({}),
    ))
}

/// Where `needle` (the nth) starts in a spec file, with its URI.
fn place(client: &Client, file: &str, needle: &str, nth: usize, offset: usize) -> (String, Value) {
    (
        client.uri(file),
        position(&client.text(file), needle, nth, offset),
    )
}

#[test]
fn definitions_of_every_kind_of_name() {
    let mut client = Client::start();
    client.open("environments/production.env");
    // An app, from a deploy (cursor at the end of the name).
    assert_eq!(
        definition(
            &mut client,
            "environments/production.env",
            "patient-api",
            0,
            11
        ),
        place(&client, "apps/patient.env", "patient-api", 0, 0)
    );
    // An app, from `after`.
    assert_eq!(
        definition(
            &mut client,
            "apps/patient.env",
            "[patient-db-migrate]",
            0,
            3
        ),
        place(&client, "apps/patient.env", "patient-db-migrate :", 0, 0)
    );
    // A template, from an app's parent and from a template's parent.
    assert_eq!(
        definition(&mut client, "apps/patient.env", ": service", 0, 2),
        place(&client, "platform.env", "service {", 0, 0)
    );
    assert_eq!(
        definition(&mut client, "platform.env", ": service", 0, 4),
        place(&client, "platform.env", "service {", 0, 0)
    );
    // A helm repository, from a chart reference.
    assert_eq!(
        definition(&mut client, "platform.env", "stable/web-service", 0, 1),
        place(&client, "platform.env", "stable =", 0, 0)
    );
    // Environments, from a promotion step and a rule scope.
    assert_eq!(
        definition(&mut client, "promotion.env", "inttest ->", 0, 0),
        place(&client, "environments/test.env", "inttest", 0, 0)
    );
    assert_eq!(
        definition(&mut client, "promotion.env", "in prod:", 0, 4),
        place(&client, "environments/production.env", "prod", 0, 0)
    );
    // A secret, from `secret("name", ...)`.
    assert_eq!(
        definition(&mut client, "apps/patient.env", "patient-db\"", 0, 3),
        place(&client, "platform.env", "patient-db {", 0, 0)
    );
}

#[test]
fn no_definition_away_from_names() {
    let mut client = Client::start();
    let response = client.at(
        "textDocument/definition",
        "platform.env",
        "chart_version",
        0,
        2,
        json!({}),
    );
    assert_eq!(response["result"], Value::Null, "{response}");
}

fn locations(response: &Value) -> Vec<(String, Value)> {
    let mut found: Vec<(String, Value)> = response["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{response}"))
        .iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap().to_string(),
                l["range"]["start"].clone(),
            )
        })
        .collect();
    found.sort_by_key(|(uri, start)| (uri.clone(), start.to_string()));
    found
}

#[test]
fn references_across_files_including_rule_strings() {
    let mut client = Client::start();
    let response = client.at(
        "textDocument/references",
        "apps/patient.env",
        "patient-db-migrate :",
        0,
        0,
        json!({"context": {"includeDeclaration": true}}),
    );
    let mut expected = vec![
        place(&client, "apps/patient.env", "patient-db-migrate", 0, 0),
        place(&client, "apps/patient.env", "patient-db-migrate", 1, 0),
        place(
            &client,
            "environments/production.env",
            "patient-db-migrate",
            0,
            0,
        ),
        place(&client, "environments/test.env", "patient-db-migrate", 0, 0),
        place(&client, "promotion.env", "patient-db-migrate", 0, 0),
    ];
    expected.sort_by_key(|(uri, start)| (uri.clone(), start.to_string()));
    assert_eq!(locations(&response), expected);

    let without = client.at(
        "textDocument/references",
        "apps/patient.env",
        "patient-db-migrate :",
        0,
        0,
        json!({"context": {"includeDeclaration": false}}),
    );
    assert_eq!(locations(&without).len(), 4);
}

/// Applies a workspace edit's changes to the spec files on disk.
fn apply(edit: &Value) -> usize {
    let changes = edit["changes"]
        .as_object()
        .unwrap_or_else(|| panic!("{edit}"));
    let mut count = 0;
    for (uri, edits) in changes {
        let path = uri.strip_prefix("file://").unwrap();
        let mut text = std::fs::read_to_string(path).unwrap();
        let mut edits: Vec<&Value> = edits.as_array().unwrap().iter().collect();
        // From the end, so earlier offsets stay valid.
        edits.sort_by_key(|e| {
            let start = &e["range"]["start"];
            std::cmp::Reverse((start["line"].as_u64(), start["character"].as_u64()))
        });
        for edit in edits {
            let start = offset(&text, &edit["range"]["start"]);
            let end = offset(&text, &edit["range"]["end"]);
            text.replace_range(start..end, edit["newText"].as_str().unwrap());
            count += 1;
        }
        std::fs::write(path, text).unwrap();
    }
    count
}

/// The byte offset of an LSP position (UTF-16 columns).
fn offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[line_start..].char_indices() {
        if units >= character {
            return line_start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

#[test]
fn rename_an_app_everywhere_and_the_spec_still_compiles() {
    let mut client = Client::start();
    client.open("apps/patient.env");
    let prepared = client.at(
        "textDocument/prepareRename",
        "environments/test.env",
        "patient-db-migrate",
        0,
        4,
        json!({}),
    );
    assert_eq!(
        prepared["result"]["placeholder"], "patient-db-migrate",
        "{prepared}"
    );
    let response = client.at(
        "textDocument/rename",
        "environments/test.env",
        "patient-db-migrate",
        0,
        4,
        json!({"newName": "db-migrate"}),
    );
    assert_eq!(apply(&response["result"]), 5);
    for (file, renamed) in [
        ("apps/patient.env", "after = [db-migrate]"),
        ("apps/patient.env", "app db-migrate : worker"),
        ("environments/test.env", "deploy db-migrate @"),
        ("environments/production.env", "deploy db-migrate @"),
        ("promotion.env", "app in [\"db-migrate\"]"),
    ] {
        let text = client.text(file);
        assert!(text.contains(renamed), "{renamed:?} in {file}:\n{text}");
    }
    // The image repository only looks like the name.
    assert!(
        client
            .text("apps/patient.env")
            .contains("medsoft/patient-db-migrate")
    );
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_envspec"))
        .arg("check")
        .arg(&client.root)
        .arg("-o")
        .arg(client.root.join("../out"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn rename_environments_repositories_templates_and_secrets() {
    let mut client = Client::start();
    let cases = [
        ("promotion.env", "in prod", 3, "production", 3),
        ("platform.env", "stable/", 0, "charts", 2),
        ("apps/patient.env", ": service", 2, "base", 4),
        (
            "apps/patient.env",
            "\"patient-db\"",
            1,
            "patient-database",
            3,
        ),
    ];
    for (file, needle, offset, new_name, count) in cases {
        let response = client.at(
            "textDocument/rename",
            file,
            needle,
            0,
            offset,
            json!({"newName": new_name}),
        );
        let edits: usize = response["result"]["changes"]
            .as_object()
            .unwrap_or_else(|| panic!("{response}"))
            .values()
            .map(|e| e.as_array().unwrap().len())
            .sum();
        assert_eq!(edits, count, "{new_name}: {response}");
        let new_texts: Vec<&Value> = response["result"]["changes"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|e| e.as_array().unwrap())
            .map(|e| &e["newText"])
            .collect();
        assert!(new_texts.iter().all(|t| *t == new_name));
    }
}

#[test]
fn rename_refuses_invalid_and_taken_names() {
    let mut client = Client::start();
    let invalid = client.at(
        "textDocument/rename",
        "apps/frontend.env",
        "web-frontend",
        0,
        0,
        json!({"newName": "Web_Frontend"}),
    );
    assert_eq!(invalid["error"]["code"], -32602, "{invalid}");
    assert!(
        invalid["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a valid app name")
    );
    let spaces = client.at(
        "textDocument/rename",
        "apps/frontend.env",
        "web-frontend",
        0,
        0,
        json!({"newName": "web frontend"}),
    );
    assert_eq!(spaces["error"]["code"], -32602, "{spaces}");
    let taken = client.at(
        "textDocument/rename",
        "apps/frontend.env",
        "web-frontend",
        0,
        0,
        json!({"newName": "patient-api"}),
    );
    assert_eq!(taken["error"]["code"], -32803, "{taken}");
    assert!(
        taken["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already exists")
    );
    let nothing = client.at(
        "textDocument/prepareRename",
        "apps/frontend.env",
        "image",
        0,
        0,
        json!({}),
    );
    assert!(nothing["error"].is_object(), "{nothing}");
}

#[test]
fn rename_waits_for_syntax_errors_to_be_fixed() {
    let mut client = Client::start();
    let broken = format!("{}\napp {{\n", client.text("apps/frontend.env"));
    client.open_with("apps/frontend.env", &broken);
    let response = client.at(
        "textDocument/rename",
        "apps/patient.env",
        "patient-api",
        0,
        0,
        json!({"newName": "records"}),
    );
    assert_eq!(response["error"]["code"], -32803, "{response}");
    assert!(
        response["error"]["message"]
            .as_str()
            .unwrap()
            .contains("syntax errors")
    );
}
