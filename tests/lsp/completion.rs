//! Completion, in texts that are being typed (and so often do not parse).

use serde_json::{Value, json};

use crate::client::{Client, position};

/// Completion items in `file` with `text` as its unsaved content, at the
/// cursor marked `|` in the text.
fn complete(client: &mut Client, file: &str, text: &str) -> Vec<Value> {
    let cursor = position(text, "|", 0, 0);
    let text = text.replacen('|', "", 1);
    client.open_with(file, &text);
    let response = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": client.uri(file)}, "position": cursor}),
    );
    response["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{response}"))
        .clone()
}

fn labels(items: &[Value]) -> Vec<&str> {
    items.iter().map(|i| i["label"].as_str().unwrap()).collect()
}

#[test]
fn declaration_keywords_at_top_level() {
    let mut client = Client::start();
    let items = complete(&mut client, "apps/new.env", "# new\n|");
    assert_eq!(
        labels(&items),
        [
            "platform",
            "helm_repo",
            "secret",
            "chart",
            "template",
            "app",
            "environment",
            "rule",
            "promotion"
        ]
    );
    assert_eq!(items[0]["kind"], 14, "keyword");
}

#[test]
fn fields_with_their_types_and_docs() {
    let mut client = Client::start();
    let items = complete(
        &mut client,
        "apps/new.env",
        "app new : service {\n  mem|\n}\n",
    );
    let memory = items
        .iter()
        .find(|i| i["label"] == "memory")
        .expect("memory");
    assert_eq!(memory["detail"], "a memory quantity such as `512Mi`");
    assert!(
        memory["documentation"]["value"]
            .as_str()
            .unwrap()
            .contains("Memory request")
    );
    // The edit replaces what was typed.
    assert_eq!(
        memory["textEdit"]["range"]["start"],
        json!({"line": 1, "character": 2})
    );
    assert_eq!(
        memory["textEdit"]["range"]["end"],
        json!({"line": 1, "character": 5})
    );
    let environment = complete(
        &mut client,
        "environments/new.env",
        "environment qa {\n  |\n}\n",
    );
    let names = labels(&environment);
    for expected in ["context", "namespace", "protected", "deploy"] {
        assert!(names.contains(&expected), "{names:?}");
    }
    let overrides = complete(
        &mut client,
        "environments/new.env",
        "environment qa {\n  deploy web-frontend @ \"1.0.0\" { replicas = 2, |",
    );
    assert!(labels(&overrides).contains(&"memory_limit"));
    let platform = complete(&mut client, "platform2.env", "platform p {\n  |\n}");
    assert!(labels(&platform).contains(&"registry"));
}

#[test]
fn app_names_after_deploy_and_in_after() {
    let mut client = Client::start();
    let apps = ["patient-api", "patient-db-migrate", "web-frontend"];
    let deploy = complete(
        &mut client,
        "environments/new.env",
        "environment qa {\n  deploy pa|",
    );
    assert_eq!(labels(&deploy), apps);
    assert_eq!(deploy[0]["textEdit"]["range"]["start"]["character"], 9);
    let after = complete(
        &mut client,
        "apps/new.env",
        "app new : service {\n  after = [web-frontend, |",
    );
    assert_eq!(labels(&after), apps);
}

#[test]
fn template_names_after_a_colon() {
    let mut client = Client::start();
    let items = complete(&mut client, "apps/new.env", "app new : |");
    assert_eq!(labels(&items), ["service", "worker"]);
    assert_eq!(items[1]["detail"], "template : service");
}

#[test]
fn environment_names_in_promotion_steps_and_rule_scopes() {
    let mut client = Client::start();
    let environments = ["inttest", "prod"];
    let from = complete(&mut client, "promotion.env", "promotion {\n  |\n}\n");
    assert_eq!(labels(&from), environments);
    let to = complete(
        &mut client,
        "promotion.env",
        "promotion {\n  inttest -> p|\n}\n",
    );
    assert_eq!(labels(&to), environments);
    let via = complete(
        &mut client,
        "promotion.env",
        "promotion {\n  inttest -> prod via |\n}\n",
    );
    assert_eq!(labels(&via), ["jenkins", "pull_request", "auto"]);
    let settings = complete(
        &mut client,
        "promotion.env",
        "promotion {\n  inttest -> prod via pull_request { |",
    );
    assert_eq!(labels(&settings), ["from", "to"]);
    let scope = complete(&mut client, "rules.env", "rule \"r\" {\n  in prod, |");
    assert_eq!(labels(&scope), environments);
}

#[test]
fn repositories_and_charts_in_chart_references() {
    let mut client = Client::start();
    let repos = complete(&mut client, "apps/new.env", "app new {\n  chart = |");
    assert_eq!(labels(&repos), ["stable"]);
    assert_eq!(
        repos[0]["detail"],
        "helm_repo https://charts.ehealth.example/stable"
    );
    let charts = complete(
        &mut client,
        "apps/new.env",
        "app new {\n  chart = stable/w|",
    );
    assert_eq!(labels(&charts), ["web-service"]);
}

#[test]
fn secret_names_and_keys_in_secret_calls() {
    let mut client = Client::start();
    let names = complete(
        &mut client,
        "apps/new.env",
        "app new : service {\n  env { DB = secret(\"pat|",
    );
    assert_eq!(labels(&names), ["patient-db"]);
    // The edit replaces the string's contents typed so far.
    assert_eq!(names[0]["textEdit"]["range"]["start"]["character"], 21);
    let keys = complete(
        &mut client,
        "apps/new.env",
        "app new : service {\n  env { DB = secret(\"patient-db\", \"|\") }\n}\n",
    );
    assert_eq!(labels(&keys), ["username", "password"]);
}

#[test]
fn booleans_for_boolean_fields() {
    let mut client = Client::start();
    let wait = complete(
        &mut client,
        "apps/new.env",
        "app new : service {\n  wait = |\n}\n",
    );
    assert_eq!(labels(&wait), ["true", "false"]);
    let protected = complete(
        &mut client,
        "environments/new.env",
        "environment qa {\n  protected = t|",
    );
    assert_eq!(labels(&protected), ["true", "false"]);
}

#[test]
fn names_of_a_file_that_does_not_parse_any_more_are_still_offered() {
    let mut client = Client::start();
    client.open("apps/frontend.env");
    // Typing a new app into the file that declares `web-frontend` breaks it.
    let text = format!(
        "{}\napp other : service {{\n  after = [|",
        client.text("apps/frontend.env")
    );
    let items = complete(&mut client, "apps/frontend.env", &text);
    assert!(labels(&items).contains(&"web-frontend"), "{items:?}");
}

#[test]
fn nothing_inside_comments_or_plain_strings() {
    let mut client = Client::start();
    assert_eq!(
        complete(&mut client, "apps/new.env", "# app |"),
        Vec::<Value>::new()
    );
    assert_eq!(
        complete(
            &mut client,
            "apps/new.env",
            "app new : service {\n  image = \"med|"
        ),
        Vec::<Value>::new()
    );
}
