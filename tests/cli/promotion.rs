//! Promotion end to end: `promote` edits the real example's source, `plan`
//! reports, `verify-promotion` judges changes against a git base or a directory.

use std::path::Path;
use std::process::Command;

use crate::test::Test;

/// The bundled example, copied into a temp dir as `spec/`.
fn example() -> Test {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ehealth");
    let mut test = Test::new();
    for file in ["platform.env", "rules.env", "promotion.env"]
        .into_iter()
        .map(String::from)
        .chain(["booking", "frontend", "notifications", "patient"].map(|a| format!("apps/{a}.env")))
        .chain(["test", "production"].map(|e| format!("environments/{e}.env")))
    {
        let text = std::fs::read_to_string(root.join(&file)).expect("example file");
        test = test.file(&format!("spec/{file}"), text);
    }
    test
}

fn git(test: &Test, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=envspec",
            "-c",
            "user.email=envspec@example.invalid",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(test.path().join("spec"))
        .output()
        .expect("run git");
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

fn committed_example() -> Test {
    let test = example();
    git(&test, &["init", "-q"]);
    git(&test, &["add", "-A"]);
    git(&test, &["commit", "-q", "-m", "base"]);
    test
}

/// Files of the output that differ between two builds, with their changed lines.
fn changed_lines(
    before: &std::collections::BTreeMap<String, Vec<u8>>,
    after: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (path, new) in after {
        let old = before.get(path).cloned().unwrap_or_default();
        if &old == new {
            continue;
        }
        let (old, new) = (
            String::from_utf8(old).unwrap(),
            String::from_utf8(new.clone()).unwrap(),
        );
        for change in similar::TextDiff::from_lines(&old, &new).iter_all_changes() {
            if change.tag() != similar::ChangeTag::Equal {
                out.push(format!(
                    "{path}: {}{}",
                    change.tag(),
                    change.value().trim_end()
                ));
            }
        }
    }
    out
}

#[test]
fn a_release_walks_from_inttest_to_prod() {
    let test = example();
    test.edit(
        "spec/environments/test.env",
        r#"deploy web-frontend        @ "3.2.0"
  deploy patient-api         @ "1.5.0" { env"#,
        r#"deploy web-frontend        @ "3.3.0"
  deploy patient-api         @ "1.5.0" { env"#,
    );
    test.run_with(&["build", "spec"]).status(0);
    let mut before = test.tree("spec/out");
    for (from, to) in [
        ("inttest", "exttest"),
        ("exttest", "preprod"),
        ("preprod", "prod"),
    ] {
        let output = test.run_with(&[
            "promote",
            from,
            to,
            "--app",
            "web-frontend",
            "--dir",
            "spec",
        ]);
        output.status(0).stderr_contains("promoted 1 release");
        insta::assert_snapshot!(format!("promote_web_frontend_{from}_{to}"), output.stdout);
        test.run_with(&["build", "spec"]).status(0);
        let after = test.tree("spec/out");
        assert_eq!(
            changed_lines(&before, &after),
            [
                format!(
                    "{to}/values/web-frontend.yaml: -  tag: {}",
                    if to == "exttest" {
                        "\"3.2.0\""
                    } else {
                        "\"3.1.2\""
                    }
                ),
                format!("{to}/values/web-frontend.yaml: +  tag: \"3.3.0\""),
            ],
            "promoting {from} → {to} changed more than the tag"
        );
        before = after;
    }
}

#[test]
fn promote_refuses_a_step_the_chain_does_not_declare() {
    example()
        .args(["promote", "inttest", "prod", "--dir", "spec"])
        .run()
        .status(2)
        .stderr_contains("E0605")
        .stderr_contains("`inttest -> prod` is not a step of the promotion chain\n")
        .stderr_contains(
            "help: the steps are: inttest -> exttest, exttest -> preprod, preprod -> prod",
        );
}

#[test]
fn promote_dry_run_shows_the_diff_and_writes_nothing() {
    let test = example();
    let before = test.tree("spec");
    test.run_with(&["promote", "exttest", "preprod", "--dry-run", "--dir", "spec"])
        .status(0)
        .stdout_contains("+  deploy patient-api         @ \"1.5.0\" { replicas = 2, memory = 512Mi, memory_limit = 1Gi }")
        .stdout_contains("patient-api           1.4.2 → 1.5.0   2.4.1")
        .stderr_contains("dry run: 1 file not written");
    assert_eq!(test.tree("spec"), before);
}

#[test]
fn promote_adds_a_new_app_aligned_with_the_others() {
    let test = example();
    test.edit(
        "spec/apps/booking.env",
        "app booking-api",
        "app billing : service { image = \"calendra/billing\" }\n\napp booking-api",
    );
    test.edit(
        "spec/environments/test.env",
        "  deploy document-service    @ \"4.0.1\"\n",
        "  deploy document-service    @ \"4.0.1\"\n  deploy billing @ \"0.1.0\"\n",
    );
    test.run_with(&[
        "promote", "inttest", "exttest", "--app", "billing", "--dir", "spec",
    ])
    .status(0);
    assert!(
        test.read("spec/environments/test.env").contains(
            "  deploy document-service    @ \"4.0.0\"\n  deploy billing             @ \"0.1.0\"\n}"
        ),
        "{}",
        test.read("spec/environments/test.env")
    );
}

#[test]
fn promote_carries_a_chart_version_set_in_a_deploy() {
    let test = example();
    test.edit(
        "spec/environments/test.env",
        "deploy booking-api         @ \"2.1.0\" { env",
        "deploy booking-api         @ \"2.1.0\" { chart_version = \"2.5.0\", env",
    );
    test.run_with(&[
        "promote",
        "inttest",
        "exttest",
        "--app",
        "booking-api",
        "--dir",
        "spec",
    ])
    .status(0)
    .stdout_contains("booking-api   2.0.4 → 2.1.0   2.4.1 → 2.5.0");
    assert!(
        test.read("spec/environments/test.env")
            .contains("deploy booking-api         @ \"2.1.0\" { chart_version = \"2.5.0\" }\n")
    );
    test.run_with(&[
        "promote",
        "exttest",
        "preprod",
        "--app",
        "booking-api",
        "--dir",
        "spec",
    ])
    .status(0);
    assert!(test.read("spec/environments/production.env").contains(
        "deploy booking-api         @ \"2.1.0\" { chart_version = \"2.5.0\", replicas = 2 }\n"
    ));
}

#[test]
fn promote_removes_the_hotfix_marker_it_makes_unnecessary() {
    let test = example();
    test.edit(
        "spec/environments/production.env",
        "deploy patient-api         @ \"1.4.2\" { replicas = 3,",
        "deploy patient-api         @ \"1.4.9\" { hotfix = \"INC-7\", replicas = 3,",
    );
    test.run_with(&["build", "spec"])
        .status(0)
        .stderr_contains("W0104");
    test.run_with(&[
        "promote",
        "preprod",
        "prod",
        "--app",
        "patient-api",
        "--dir",
        "spec",
    ])
    .status(0);
    let prod = test.read("spec/environments/production.env");
    assert!(
        prod.contains("deploy patient-api         @ \"1.4.2\" { replicas = 3,"),
        "{prod}"
    );
    test.run_with(&["build", "spec"])
        .status(0)
        .stderr_lacks("W0104");
}

#[test]
fn plan_tells_ci_what_a_step_changes_and_who_may_do_it() {
    let output = example()
        .args([
            "plan", "exttest", "preprod", "--dir", "spec", "--format", "json",
        ])
        .run();
    output.status(0);
    let plan: serde_json::Value = serde_json::from_str(output.stdout.trim()).unwrap();
    assert_eq!(
        plan["via"],
        serde_json::json!({"kind": "pull_request", "sourceBranch": "master", "targetBranch": "prod"})
    );
    let apps: Vec<&str> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["app"].as_str().unwrap())
        .collect();
    assert_eq!(
        apps,
        [
            "notification-worker",
            "patient-api",
            "patient-db-migrate",
            "web-frontend"
        ]
    );
    assert_eq!(
        plan["changes"][1]["tag"],
        serde_json::json!({"from": "1.4.2", "to": "1.5.0"})
    );
    example()
        .args(["plan", "preprod", "prod", "--dir", "spec"])
        .run()
        .status(0)
        .stdout_contains("promotion preprod → prod, via a Jenkins promotion by a user with role `release-manager`");
}

#[test]
fn build_describes_the_chain_for_ci() {
    let test = example();
    test.run_with(&["build", "spec"]).status(0);
    let chain = test.read("spec/out/promotion.yaml");
    assert!(chain.contains("  - from: exttest\n    to: preprod\n    via: pull_request\n    branches:\n      source: master\n      target: prod\n"), "{chain}");
    assert!(
        chain.contains("  prod:\n    protected: true\n    upstream: preprod\n"),
        "{chain}"
    );
}

#[test]
fn verify_promotion_accepts_a_promotion() {
    let test = committed_example();
    test.run_with(&["promote", "exttest", "preprod", "--dir", "spec"])
        .status(0);
    git(&test, &["commit", "-q", "-a", "-m", "promote to preprod"]);
    test.run_with(&["promote", "preprod", "prod", "--dir", "spec"])
        .status(0);
    test.run_with(&["verify-promotion", "--base", "HEAD", "spec"])
        .status(0)
        .stdout_contains(
            "prod/patient-api: image tag 1.4.2 → 1.5.0\n    ok: promotion from `preprod`\n",
        )
        .stderr_contains("all promotion or hotfix");
}

#[test]
fn verify_promotion_accepts_a_release_copied_from_the_upstream_at_head() {
    let test = committed_example();
    test.run_with(&["promote", "exttest", "preprod", "--dir", "spec"])
        .status(0);
    test.run_with(&["promote", "preprod", "prod", "--dir", "spec"])
        .status(0);
    test.run_with(&["verify-promotion", "--base", "HEAD", "spec"])
        .status(0)
        .stdout_contains(
            "prod/web-frontend: image tag 3.1.2 → 3.2.0\n    ok: promotion from `preprod`\n",
        );
}

#[test]
fn verify_promotion_refuses_sneaky_edits() {
    let sneaky = [
        (
            "deploy web-frontend        @ \"3.1.2\" { replicas = 3 }",
            "deploy web-frontend        @ \"3.1.2\" { replicas = 4 }",
            "prod/web-frontend: values.replicaCount: 3 → 4\n    REFUSED: only image tags, chart versions and settings listed in `travels` move",
        ),
        (
            "deploy booking-api         @ \"2.0.4\" { replicas = 3, memory = 512Mi }",
            "deploy booking-api         @ \"2.0.3\" { replicas = 3, memory = 512Mi }",
            "prod/booking-api: image tag 2.0.4 → 2.0.3\n    REFUSED: not the release `preprod` runs",
        ),
        (
            "  deploy document-service    @ \"4.0.0\" { replicas = 2, namespace = \"prod-documents\" }",
            "  deploy document-service    @ \"4.0.0\" { replicas = 2, namespace = \"prod-documents\" }\n  deploy patient-db-migrate2 @ \"1.0.0\"",
            "",
        ),
    ];
    for (from, to, expected) in sneaky {
        let test = committed_example();
        test.edit("spec/environments/production.env", from, to);
        if to.contains("patient-db-migrate2") {
            // A new app must be declared, and prod may not run what preprod does not.
            test.edit(
                "spec/apps/patient.env",
                "# Runs the schema",
                "app patient-db-migrate2 : worker { image = \"medsoft/m2\" }\n\n# Runs the schema",
            );
            test.run_with(&["verify-promotion", "--base", "HEAD", "spec"])
                .status(1)
                .stderr_contains("E0404");
            continue;
        }
        test.run_with(&["verify-promotion", "--base", "HEAD", "spec"])
            .status(1)
            .stdout_contains(expected)
            .stderr_contains("not promotion; refused");
    }
}

#[test]
fn verify_promotion_accepts_a_hotfix_with_a_reason_only() {
    let test = committed_example();
    test.edit(
        "spec/environments/production.env",
        "deploy booking-api         @ \"2.0.4\" { replicas = 3,",
        "deploy booking-api         @ \"2.0.5\" { hotfix = \"INC-4711: TLS\", replicas = 3,",
    );
    test.run_with(&["verify-promotion", "--base", "HEAD", "spec"])
        .status(0)
        .stdout_contains(
            "prod/booking-api: image tag 2.0.4 → 2.0.5\n    ok: hotfix (INC-4711: TLS)\n",
        )
        .stderr_contains("W0104");
    test.edit(
        "spec/environments/production.env",
        "hotfix = \"INC-4711: TLS\"",
        "hotfix = \"\"",
    );
    test.run_with(&["verify-promotion", "--base", "HEAD", "spec"])
        .status(1)
        .stderr_contains("E0407");
}

#[test]
fn verify_promotion_takes_a_directory_as_base() {
    let test = example();
    let base = example();
    for (path, bytes) in base.tree("spec") {
        test.write(&format!("base/{path}"), bytes);
    }
    test.edit(
        "spec/environments/production.env",
        "{ replicas = 3 }",
        "{ replicas = 5 }",
    );
    test.run_with(&["verify-promotion", "--base", "base", "spec"])
        .status(1)
        .stdout_contains("values.replicaCount: 3 → 5");
}

#[test]
fn verify_promotion_names_a_bad_base() {
    committed_example()
        .args(["verify-promotion", "--base", "no-such-rev", "spec"])
        .run()
        .status(2)
        .stderr_contains("`no-such-rev` is neither a directory nor a git revision");
}

#[test]
fn settings_marked_as_travelling_move_with_the_release() {
    let test = committed_example();
    test.edit(
        "spec/apps/patient.env",
        "  after = [patient-db-migrate]",
        "  after = [patient-db-migrate]\n  travels = [\"env.SCHEMA_VERSION\"]",
    );
    test.edit(
        "spec/apps/patient.env",
        "    DB_HOST     =",
        "    SCHEMA_VERSION = \"11\"\n    DB_HOST     =",
    );
    test.edit(
        "spec/environments/test.env",
        "deploy patient-api         @ \"1.5.0\" { env { LOG_LEVEL = \"debug\" } }",
        "deploy patient-api         @ \"1.5.0\" { env { LOG_LEVEL = \"debug\", SCHEMA_VERSION = \"12\" } }",
    );
    test.run_with(&[
        "promote",
        "inttest",
        "exttest",
        "--app",
        "patient-api",
        "--dir",
        "spec",
    ])
    .status(0)
    .stdout_contains("patient-api: env.SCHEMA_VERSION \"11\" → \"12\" (travels with the release)");
    assert!(
        test.read("spec/environments/test.env").contains(
            "deploy patient-api         @ \"1.5.0\" { env { SCHEMA_VERSION = \"12\" } }\n"
        )
    );
    // LOG_LEVEL does not travel: exttest keeps its own (the app's "info").
    test.run_with(&[
        "promote",
        "exttest",
        "preprod",
        "--app",
        "patient-api",
        "--dir",
        "spec",
    ])
    .status(0);
    assert!(test.read("spec/environments/production.env").contains(
        "deploy patient-api         @ \"1.5.0\" { env { SCHEMA_VERSION = \"12\" }, replicas = 2, memory = 512Mi, memory_limit = 1Gi }"
    ));
    git(
        &test,
        &["commit", "-q", "-a", "-m", "schema 12 up to preprod"],
    );
    // A travelling setting changed by hand in prod is refused...
    test.edit(
        "spec/environments/production.env",
        "deploy patient-api         @ \"1.4.2\" { replicas = 3,",
        "deploy patient-api         @ \"1.4.2\" { env { SCHEMA_VERSION = \"13\" }, replicas = 3,",
    );
    test.run_with(&["verify-promotion", "--base", "HEAD", "spec"])
        .status(1)
        .stdout_contains("prod/patient-api: env.SCHEMA_VERSION: \"11\" → \"13\"\n    REFUSED: `env.SCHEMA_VERSION` travels with the release");
    // ...and accepted when promoted.
    git(&test, &["checkout", "-q", "--", "."]);
    test.run_with(&[
        "promote",
        "preprod",
        "prod",
        "--app",
        "patient-api",
        "--dir",
        "spec",
    ])
    .status(0);
    test.run_with(&["verify-promotion", "--base", "HEAD", "spec"])
        .status(0)
        .stdout_contains("prod/patient-api: env.SCHEMA_VERSION: \"11\" → \"12\"\n    ok: promotion from `preprod`");
}
