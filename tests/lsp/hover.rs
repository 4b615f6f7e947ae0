//! Hover: field documentation, a deployed app's resolved values with where
//! each came from, and what a name is.

use serde_json::{Value, json};

use crate::client::Client;

fn hover(client: &mut Client, file: &str, needle: &str, nth: usize, offset: usize) -> String {
    let response = client.at("textDocument/hover", file, needle, nth, offset, json!({}));
    assert_eq!(
        response["result"]["contents"]["kind"], "markdown",
        "{response}"
    );
    response["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The 1-based line of the first occurrence of `needle` in a spec file.
fn line_of(client: &Client, file: &str, needle: &str) -> usize {
    let text = client.text(file);
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn a_field_key_shows_its_type_and_documentation() {
    let mut client = Client::start();
    let memory = hover(&mut client, "platform.env", "memory ", 0, 3);
    assert!(
        memory.contains("**memory**: a memory quantity such as `512Mi`"),
        "{memory}"
    );
    assert!(memory.contains("Memory request"), "{memory}");
    // In a deploy's overrides: the app field.
    let replicas = hover(&mut client, "environments/production.env", "replicas", 0, 0);
    assert!(
        replicas.contains("**replicas**: a replica count"),
        "{replicas}"
    );
    // An environment field, and a promotion step's setting.
    let protected = hover(
        &mut client,
        "environments/production.env",
        "protected",
        0,
        0,
    );
    assert!(
        protected.contains("Only promotion may change"),
        "{protected}"
    );
    let role = hover(&mut client, "promotion.env", "role", 0, 1);
    assert!(role.contains("The role allowed"), "{role}");
}

#[test]
fn a_deployed_app_shows_its_values_and_where_each_was_set() {
    let mut client = Client::start();
    client.open("environments/production.env");
    let text = hover(
        &mut client,
        "environments/production.env",
        "patient-api",
        0,
        2,
    );
    let production = line_of(&client, "environments/production.env", "deploy patient-api");
    let expected = [
        "app `patient-api` in environment `prod`".to_string(),
        format!(
            "- `replicas` = `3` — environment `prod` (environments/production.env:{production})"
        ),
        format!(
            "- `memory` = `1Gi` — environment `prod` (environments/production.env:{production})"
        ),
        format!(
            "- `cpu` = `100m` — template `service` (platform.env:{})",
            line_of(&client, "platform.env", "cpu ")
        ),
        format!(
            "- `image` = `registry.ehealth.example/medsoft/patient-api` — app `patient-api` (apps/patient.env:{})",
            line_of(&client, "apps/patient.env", "image")
        ),
        format!(
            "- `tag` = `1.5.0` — environment `prod` (environments/production.env:{production})"
        ),
        format!(
            "- `env.DB_PASSWORD` = `secret(\"patient-db\", \"password\")` — app `patient-api` (apps/patient.env:{})",
            line_of(&client, "apps/patient.env", "DB_PASSWORD")
        ),
        format!(
            "- `env.LOG_LEVEL` = `\"info\"` — template `service` (platform.env:{})",
            line_of(&client, "platform.env", "LOG_LEVEL")
        ),
        "- `after` = `[patient-db-migrate]`".to_string(),
    ];
    for line in expected {
        assert!(text.contains(&line), "missing {line:?} in\n{text}");
    }
    // Another environment, other values.
    let inttest = hover(&mut client, "environments/test.env", "patient-api", 0, 0);
    assert!(
        inttest.contains("- `replicas` = `1` — template `service`"),
        "{inttest}"
    );
    assert!(
        inttest.contains("- `env.LOG_LEVEL` = `\"debug\"` — environment `inttest`"),
        "{inttest}"
    );
}

#[test]
fn with_errors_the_merged_settings_are_shown_as_written() {
    let mut client = Client::start();
    client.open("platform.env");
    let broken = client
        .text("platform.env")
        .replace("cpu           = 100m", "cpu           = 2Gi");
    client.change("platform.env", &broken);
    let text = hover(
        &mut client,
        "environments/production.env",
        "patient-api",
        0,
        0,
    );
    assert!(text.contains("the spec has errors"), "{text}");
    assert!(
        text.contains("- `cpu` = `2Gi` — template `service`"),
        "{text}"
    );
    assert!(
        text.contains("- `replicas` = `3` — environment `prod`"),
        "{text}"
    );
    assert!(
        text.contains("- `env.DB_PASSWORD` = `secret(\"patient-db\", \"password\")`"),
        "{text}"
    );
}

#[test]
fn a_name_shows_its_kind_and_declaration() {
    let mut client = Client::start();
    let template = hover(&mut client, "apps/patient.env", ": service", 0, 3);
    assert!(template.starts_with("template `service`"), "{template}");
    let line = line_of(&client, "platform.env", "template service");
    assert!(
        template.contains(&format!("declared at platform.env:{line}")),
        "{template}"
    );
    let repo = hover(&mut client, "platform.env", "stable/", 0, 0);
    assert!(repo.contains("helm repository `stable`"), "{repo}");
    assert!(
        repo.contains("https://charts.ehealth.example/stable"),
        "{repo}"
    );
    let app = hover(&mut client, "apps/frontend.env", "web-frontend", 0, 0);
    assert!(app.contains("deployed in `inttest`, `prod`"), "{app}");
    let environment = hover(&mut client, "promotion.env", "inttest", 0, 0);
    assert!(
        environment.contains("namespace = \"inttest\""),
        "{environment}"
    );
    let secret = hover(&mut client, "apps/patient.env", "patient-db\"", 0, 0);
    assert!(
        secret.contains("keys = [\"username\", \"password\"]"),
        "{secret}"
    );
}

#[test]
fn nothing_to_say_elsewhere() {
    let mut client = Client::start();
    let response = client.at(
        "textDocument/hover",
        "platform.env",
        "# The",
        0,
        0,
        json!({}),
    );
    assert_eq!(response["result"], Value::Null);
}
