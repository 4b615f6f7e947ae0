//! The same spec always gives the same bytes.

use crate::test::{APPS, ENVIRONMENTS, PLATFORM, Test};

#[test]
fn two_builds_give_identical_bytes() {
    let test = Test::with_spec().args(["build", "-o", "one"]);
    test.run().status(0);
    let test = test.args(["build", "-o", "two"]);
    test.run().status(0);
    assert_eq!(test.files("one").len(), 6);
    assert_eq!(test.tree("one"), test.tree("two"));
}

#[test]
fn builds_in_separate_directories_give_identical_bytes() {
    let first = Test::new().spec_in("spec").args(["build", "spec"]);
    first.run().status(0);
    let second = Test::new().spec_in("spec").args(["build", "spec"]);
    second.run().status(0);
    assert_eq!(first.tree("spec/out"), second.tree("spec/out"));
}

#[test]
fn absolute_spec_path_does_not_leak_into_the_output() {
    let test = Test::new()
        .spec_in("spec")
        .args(["build", "spec", "-o", "relative"]);
    test.run().status(0);
    let absolute = test.path().join("spec");
    let test = test.args([
        "build".into(),
        absolute.into_os_string(),
        "-o".into(),
        "absolute".into(),
    ]);
    test.run().status(0);
    assert_eq!(test.tree("relative"), test.tree("absolute"));
    let temp = test.path().to_string_lossy().into_owned();
    for (path, bytes) in test.tree("absolute") {
        assert!(
            !String::from_utf8(bytes).unwrap().contains(&temp),
            "{path} names the temporary directory"
        );
    }
}

/// Splits the minimal spec over many files, written in the given order.
fn spread(order: &[usize]) -> Test {
    let mut pieces: Vec<(String, String)> = Vec::new();
    pieces.push(("spec/zz-platform.env".into(), PLATFORM.into()));
    for (i, app) in APPS.split("\n\n").enumerate() {
        pieces.push((format!("spec/apps/{i}-app.env"), format!("{app}\n")));
    }
    for (i, env) in ENVIRONMENTS.split("\n\n").enumerate() {
        pieces.push((format!("spec/a{i}/environment.env"), format!("{env}\n")));
    }
    pieces.push(("spec/m-extra/empty.env".into(), "# nothing here\n".into()));
    assert_eq!(pieces.len(), order.len());
    let mut test = Test::new();
    for &i in order {
        test = test.file(&pieces[i].0, &pieces[i].1);
    }
    test.args(["build", "spec"])
}

#[test]
fn directory_order_does_not_matter() {
    let forward = spread(&[0, 1, 2, 3, 4, 5]);
    let backward = spread(&[5, 4, 3, 2, 1, 0]);
    let shuffled = spread(&[3, 0, 5, 1, 4, 2]);
    forward.run().status(0);
    backward.run().status(0);
    shuffled.run().status(0);
    let expected = forward.tree("spec/out");
    assert_eq!(expected.len(), 6);
    assert_eq!(backward.tree("spec/out"), expected);
    assert_eq!(shuffled.tree("spec/out"), expected);
}

#[test]
fn splitting_the_spec_over_files_does_not_change_the_output() {
    let spread = spread(&[0, 1, 2, 3, 4, 5]);
    spread.run().status(0);
    let whole = Test::new().spec_in("spec").args(["build", "spec"]);
    whole.run().status(0);
    // Only the header's `# Source:` line, which names the declaring files, differs.
    let without_source = |tree: std::collections::BTreeMap<String, Vec<u8>>| {
        tree.into_iter()
            .map(|(path, bytes)| {
                let text = String::from_utf8(bytes).unwrap();
                let kept: Vec<&str> = text
                    .lines()
                    .filter(|l| !l.starts_with("# Source: "))
                    .collect();
                (path, kept.join("\n"))
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        without_source(spread.tree("spec/out")),
        without_source(whole.tree("spec/out"))
    );
}
