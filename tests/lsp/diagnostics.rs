//! Diagnostics: published on open and on change for every file of the spec,
//! with the command line's codes, messages, severities and help.

use std::process::Command;

use serde_json::{Value, json};

use crate::client::{Client, position};

const SPEC_FILES: [&str; 6] = [
    "apps/frontend.env",
    "apps/patient.env",
    "environments/production.env",
    "environments/test.env",
    "platform.env",
    "promotion.env",
];

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

#[test]
fn opening_one_file_publishes_for_every_file_of_the_spec() {
    let mut client = Client::start();
    client.open("apps/patient.env");
    for file in SPEC_FILES {
        assert_eq!(client.diagnostics(file), Vec::<Value>::new(), "{file}");
    }
}

/// The production file with a wrong memory quantity after non-ASCII text on
/// the same line.
const BAD_MEMORY: &str = r#"environment prod {
  context   = "ehealth-prod"
  namespace = "prod"
  protected = true
  deploy web-frontend       @ "3.2.0" { replicas = 2 }
  deploy patient-api        @ "1.5.0" { description = "Größe 😀", replicas = 3, memory = 512MB, memory_limit = 2Gi }
  deploy patient-db-migrate @ "1.5.0"
}
"#;

#[test]
fn diagnostics_match_the_command_line() {
    let mut client = Client::start_with(&[("environments/production.env", Some(BAD_MEMORY))]);
    client.open("environments/production.env");
    let diagnostics = client.diagnostics("environments/production.env");
    let output = Command::new(env!("CARGO_BIN_EXE_envspec"))
        .args(["check", "--format", "json"])
        .arg(&client.root)
        .output()
        .unwrap();
    let cli: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(cli.len(), 1, "{cli:?}");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let (lsp, cli) = (&diagnostics[0], &cli[0]);
    assert_eq!(lsp["code"], cli["code"]);
    assert_eq!(lsp["code"], "E0303");
    assert_eq!(lsp["source"], "envspec");
    assert_eq!(lsp["severity"], 1);
    assert_eq!(
        lsp["message"].as_str().unwrap(),
        format!(
            "{}\nhelp: {}",
            cli["message"].as_str().unwrap(),
            cli["help"].as_str().unwrap()
        )
    );
    // UTF-16 columns: `😀` counts two, `ö` one.
    let start = position(BAD_MEMORY, "512MB", 0, 0);
    assert_eq!(lsp["range"]["start"], start);
    assert_eq!(
        lsp["range"]["end"]["character"],
        start["character"].as_u64().unwrap() + 5
    );
    assert_eq!(
        lsp["range"]["start"]["line"],
        cli["line"].as_u64().unwrap() - 1
    );
}

#[test]
fn unsaved_changes_are_checked_and_fixes_clear_diagnostics() {
    let mut client = Client::start();
    client.open("environments/production.env");
    client.change("environments/production.env", BAD_MEMORY);
    assert_eq!(
        codes(&client.diagnostics("environments/production.env")),
        ["E0303"]
    );
    let fixed = BAD_MEMORY.replace("512MB", "512Mi");
    client.change("environments/production.env", &fixed);
    assert_eq!(
        client.diagnostics("environments/production.env"),
        Vec::<Value>::new()
    );
}

#[test]
fn a_label_in_another_file_is_related_information() {
    let copy = "app web-frontend : service {\n  image = \"webfactory/copy\"\n}\n";
    let mut client = Client::start_with(&[("apps/web-copy.env", Some(copy))]);
    client.open("apps/web-copy.env");
    let diagnostics = client.diagnostics("apps/web-copy.env");
    assert_eq!(codes(&diagnostics), ["E0201"], "{diagnostics:?}");
    let related = &diagnostics[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], client.uri("apps/frontend.env"));
    assert_eq!(
        related["location"]["range"]["start"],
        position(&client.text("apps/frontend.env"), "web-frontend", 0, 0)
    );
    assert_eq!(related["message"], "first declared here");
}

#[test]
fn a_syntax_error_replaces_the_errors_it_hides_and_is_cleared_when_fixed() {
    let unknown = client_text_with_typo();
    let mut client = Client::start_with(&[("environments/test.env", Some(&unknown))]);
    client.open("environments/test.env");
    let diagnostics = client.diagnostics("environments/test.env");
    assert_eq!(codes(&diagnostics), ["E0202"]);
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `patient-api`?")
    );

    // A syntax error in another file: resolve is skipped, so the unknown app
    // is no longer reported, and its file's diagnostics are cleared.
    let platform = client.text("platform.env");
    client.open("platform.env");
    client.change("platform.env", &format!("{platform}\napp broken {{\n"));
    let syntax = client.diagnostics("platform.env");
    assert_eq!(codes(&syntax), ["E0101"], "{syntax:?}");
    assert!(
        syntax[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("expected")
    );
    assert_eq!(
        client.diagnostics("environments/test.env"),
        Vec::<Value>::new()
    );

    client.change("platform.env", &platform);
    assert_eq!(client.diagnostics("platform.env"), Vec::<Value>::new());
    assert_eq!(
        codes(&client.diagnostics("environments/test.env")),
        ["E0202"]
    );
}

fn client_text_with_typo() -> String {
    std::fs::read_to_string(crate::client::fixture().join("environments/test.env"))
        .unwrap()
        .replace("deploy patient-api ", "deploy patinet-api ")
}

#[test]
fn warnings_are_warnings() {
    let app =
        "app leaky : service {\n  image = \"x/leaky\"\n  env { API_TOKEN = \"hunter2\" }\n}\n";
    let mut client = Client::start_with(&[("apps/leaky.env", Some(app))]);
    client.open("apps/leaky.env");
    let diagnostics = client.diagnostics("apps/leaky.env");
    assert!(!diagnostics.is_empty());
    for diagnostic in &diagnostics {
        assert_eq!(diagnostic["severity"], 2, "{diagnostic}");
        assert!(diagnostic["code"].as_str().unwrap().starts_with('W'));
    }
}

#[test]
fn files_outside_the_spec_get_no_diagnostics() {
    let mut client = Client::start();
    // A dotenv file is never part of a spec, whatever it says.
    client.open_with(".env", "DATABASE_URL=postgres://localhost\n");
    assert_eq!(client.diagnostics(".env"), Vec::<Value>::new());
    let uri = client.uri("platform.env");
    assert_eq!(client.publications(&uri), 0);
    // Nor are requests answered there.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": client.uri(".env")}, "position": {"line": 0, "character": 1}}),
    );
    assert_eq!(hover["result"], Value::Null);
}

#[test]
fn a_file_created_in_the_editor_joins_the_spec_and_leaves_when_closed_unsaved() {
    let mut client = Client::start();
    client.open("platform.env");
    client.open_with(
        "apps/new.env",
        "app web-frontend : service {\n  image = \"x/y\"\n}\n",
    );
    assert_eq!(codes(&client.diagnostics("apps/new.env")), ["E0201"]);
    let uri = client.uri("apps/new.env");
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(client.diagnostics("apps/new.env"), Vec::<Value>::new());
    assert_eq!(client.diagnostics("apps/frontend.env"), Vec::<Value>::new());
}

#[test]
fn the_spec_is_found_by_walking_up_while_directories_hold_spec_files() {
    // The workspace folder holds the spec and, beside it, another spec and
    // a loose file; neither belongs to the spec of a nested file.
    let mut client = Client::start_above(&[
        ("other/platform.env", "platform other {\n  org = \"o\"\n}\n"),
        ("notes/loose.env", "this is not envspec\n"),
    ]);
    client.open("environments/test.env");
    for file in SPEC_FILES {
        assert_eq!(client.diagnostics(file), Vec::<Value>::new(), "{file}");
    }
    let above = client.root.parent().unwrap().to_path_buf();
    for outside in ["other/platform.env", "notes/loose.env"] {
        let uri = client.uri_of(&above.join(outside));
        assert_eq!(client.publications(&uri), 0, "{outside}");
    }
}

#[test]
fn changes_on_disk_are_seen_when_the_client_reports_them() {
    let mut client = Client::start();
    client.open("environments/production.env");
    assert_eq!(client.diagnostics("apps/patient.env"), Vec::<Value>::new());
    let broken = client
        .text("apps/patient.env")
        .replace("wait = true", "wait = yes");
    std::fs::write(client.root.join("apps/patient.env"), broken).unwrap();
    let uri = client.uri("apps/patient.env");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri, "type": 2}]}),
    );
    assert_eq!(codes(&client.diagnostics("apps/patient.env")), ["E0302"]);
}

#[test]
fn diagnostics_are_sent_again_only_when_they_change() {
    let mut client = Client::start();
    client.open("environments/production.env");
    let platform = client.uri("platform.env");
    let production = client.uri("environments/production.env");
    assert_eq!(client.publications(&platform), 1);
    client.change("environments/production.env", BAD_MEMORY);
    assert_eq!(client.publications(&production), 2);
    assert_eq!(client.publications(&platform), 1);
}
