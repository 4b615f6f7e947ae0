//! Hostile and degenerate specs on the reading side: tabs, huge files, deep
//! nesting, huge strings, names that look like paths and symlinks in the
//! spec tree. Each is either accepted or refused with a diagnostic, quickly,
//! and a refused spec writes nothing.

use std::fs;
use std::os::unix::fs::symlink;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::test::{APPS, ENVIRONMENTS, MINIMAL_OUTPUT, PLATFORM, Test};

/// Far more than any of these runs needs, even in a debug build on a busy
/// machine (a few seconds at most); a run that reads or renders its input
/// quadratically takes hours.
const QUICK: Duration = Duration::from_secs(30);

/// The diagnostics of a `--format json` run.
fn diagnostics(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("a JSON diagnostic"))
        .collect()
}

/// Runs `test` and checks that it ends in time.
fn run_quickly(test: &Test) -> crate::test::Output {
    let start = Instant::now();
    let output = test.run();
    assert!(start.elapsed() < QUICK, "took {:?}", start.elapsed());
    output
}

/// A spec whose third file is `extra` builds to nothing and reports `code`
/// (exit 1), quickly.
fn refused(extra: &str, code: &str) -> Test {
    let test = Test::with_spec()
        .file("extra.env", extra)
        .args(["build", "--color", "never"]);
    run_quickly(&test)
        .status(1)
        .stdout("")
        .stderr_contains(code)
        .stderr_contains("nothing written");
    assert!(!test.exists("out"));
    test
}

#[test]
fn tabs_are_whitespace_like_spaces() {
    let tabs = |text: &str| text.replace("  ", "\t").replace(" = ", "\t=\t");
    let test = Test::transformed_spec(tabs).args(["build", "spec", "-o", "out"]);
    assert!(test.read("spec/apps.env").contains("\timage\t=\t"));
    test.run().status(0).stderr_lacks("E0");
    assert!(
        test.tree("out") == Test::minimal_output(),
        "the outputs differ"
    );
}

/// A sparse file: as large as asked, instantly, without using the disk.
fn sparse(test: &Test, path: &str, size: u64) {
    test.write(path, "");
    fs::File::options()
        .write(true)
        .open(test.path().join(path))
        .and_then(|f| f.set_len(size))
        .expect("make a sparse file");
}

#[test]
fn a_file_over_the_size_limit_is_refused_unread() {
    let test = Test::with_spec().args(["build", "--color", "never"]);
    sparse(&test, "huge.env", 100 << 20);
    run_quickly(&test)
        .status(1)
        .stdout("")
        .stderr_contains("E0107")
        .stderr_contains("`huge.env` is larger than 16 MiB, the most a spec file may hold")
        .stderr_contains("help: split the file")
        .stderr_contains("nothing written");
    assert!(!test.exists("out"));

    let output = test.run_with(&["build", "--format", "json"]);
    output.status(1);
    let found = diagnostics(&output.stdout);
    assert_eq!(found.len(), 1, "{}", output.stdout);
    assert_eq!(found[0]["code"], "E0107");
    assert_eq!(found[0]["file"], "huge.env");
}

/// Refusing a file must not read it: with 256 MiB of address space, the
/// binary could not hold a file of 1 GiB.
#[test]
fn refusing_a_huge_file_needs_little_memory() {
    let test = Test::with_spec().args(["build", "--color", "never"]);
    sparse(&test, "huge.env", 1 << 30);
    let limit = "ulimit -v 262144";
    let start = Instant::now();
    test.run_after(limit)
        .status(1)
        .stderr_contains("E0107")
        .stderr_lacks("memory allocation");
    assert!(start.elapsed() < QUICK, "took {:?}", start.elapsed());
    // The limit leaves room for a normal build.
    test.remove("huge.env");
    test.run_after(limit).status(0);
}

#[test]
fn fmt_refuses_a_file_over_the_size_limit() {
    let test = Test::new().args(["fmt", "--color", "never", "huge.env"]);
    sparse(&test, "huge.env", 17 << 20);
    run_quickly(&test)
        .status(1)
        .stderr_contains("E0107")
        .stderr_contains("`huge.env` is larger than 16 MiB");
    assert_eq!(
        fs::metadata(test.path().join("huge.env")).unwrap().len(),
        17 << 20
    );
}

#[test]
fn ten_thousand_nested_blocks_are_refused() {
    let depth = 10_000;
    let values = format!(
        "app deep : service {{\n  image = \"shop/deep\"\n  values {{ {} x = 1 {} }}\n}}\n",
        "a { ".repeat(depth),
        "} ".repeat(depth)
    );
    let test = refused(&values, "E0106");
    let output = test.run_with(&["build", "--format", "json"]);
    let found = diagnostics(&output.stdout);
    assert_eq!(found.len(), 1, "{}", output.stdout);
    assert_eq!(found[0]["code"], "E0106");
    assert_eq!(found[0]["line"], 3);
    assert!(found[0]["help"].as_str().unwrap().contains("flatten"));
    // The formatter parses the same way.
    let output = test.run_with(&["fmt", "--check", "--color", "never", "extra.env"]);
    output.status(1).stderr_contains("E0106");
}

#[test]
fn ten_thousand_nested_lists_and_parentheses_are_refused() {
    let depth = 10_000;
    refused(
        &format!(
            "app deep : service {{\n  image = \"shop/deep\"\n  values {{ x = {}1{} }}\n}}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
        "E0106",
    );
    refused(
        &format!(
            "rule \"deep\" {{\n  {}replicas >= 1{}\n}}\n",
            "(".repeat(depth),
            ")".repeat(depth)
        ),
        "E0106",
    );
}

/// `a or b or c` is `(a or b) or c`: a long chain of operators is a deep
/// tree, which every stage walks recursively. Past the nesting limit it is
/// refused like deep brackets, rather than overflowing the stack.
#[test]
fn long_chains_of_operators_are_refused_as_too_deep() {
    for predicate in [
        vec!["replicas >= 0"; 20_000].join(" or "),
        vec!["replicas >= 0"; 20_000].join(" and "),
        format!("{}replicas < 0", "not ".repeat(20_000)),
    ] {
        let test = refused(&format!("rule \"long\" {{\n  {predicate}\n}}\n"), "E0106");
        test.run()
            .stderr_contains("rule predicate nested more than 100 levels deep")
            .stderr_contains("help: each `and`, `or` and `not` is a level");
    }
    // A chain well within the limit is fine.
    let clause = vec!["replicas >= 0"; 50].join(" or ");
    let test = Test::with_spec()
        .file("rules.env", format!("rule \"fifty\" {{\n  {clause}\n}}\n"))
        .args(["build"]);
    test.run().status(0);
}

#[test]
fn a_one_megabyte_string_compiles_into_the_values() {
    let blob = "x".repeat(1 << 20);
    let test = Test::with_spec()
        .file(
            "big.env",
            format!("app big : service {{\n  image = \"shop/big\"\n  values {{ blob = \"{blob}\" }}\n}}\nenvironment big {{\n  context = \"c\"\n  namespace = \"big\"\n  deploy big @ \"1.0.0\"\n}}\n"),
        )
        .args(["build", "--color", "never"]);
    run_quickly(&test).status(0);
    assert!(
        test.read("out/big/values/big.yaml")
            .contains(&format!("blob: {blob}\n"))
    );
}

/// A diagnostic on a line of a megabyte is rendered in linear time: the
/// message and the help name the value, the snippet shows the line and
/// underlines it (three bytes a character), so about seven bytes out per
/// byte in, and no more.
#[test]
fn a_one_megabyte_string_in_an_error_renders_quickly() {
    let name = "A".repeat(1 << 20);
    let test = refused(
        &format!("app big : service {{\n  image = \"{name}\"\n}}\n"),
        "E0307",
    );
    let output = test.run();
    assert!(
        output.stderr.len() < 8 << 20,
        "{} bytes of diagnostics",
        output.stderr.len()
    );
}

#[test]
fn names_that_are_paths_do_not_parse() {
    for (declaration, code) in [
        (
            "environment ../../etc {\n  context = \"c\"\n  namespace = \"x\"\n}\n",
            "E0101",
        ),
        (
            "environment /etc {\n  context = \"c\"\n  namespace = \"x\"\n}\n",
            "E0101",
        ),
        (
            "environment .. {\n  context = \"c\"\n  namespace = \"x\"\n}\n",
            "E0101",
        ),
        (
            "environment \"../x\" {\n  context = \"c\"\n  namespace = \"x\"\n}\n",
            "E0101",
        ),
        ("app .. : service {\n  image = \"shop/x\"\n}\n", "E0101"),
        (
            "app a/../../b : service {\n  image = \"shop/x\"\n}\n",
            "E0101",
        ),
        (
            "environment x {\n  context = \"c\"\n  namespace = \"x\"\n  deploy ../../api @ \"1.0.0\"\n}\n",
            "E0101",
        ),
    ] {
        let test = refused(declaration, code);
        // Nothing but the spec in the whole directory.
        assert_eq!(
            test.files("."),
            ["apps.env", "environments.env", "extra.env", "platform.env"],
            "{declaration}"
        );
    }
}

#[test]
fn namespaces_that_are_paths_are_invalid_names() {
    for namespace in ["../../etc", "/etc", "..", ".", "a/b"] {
        let test = refused(
            &format!(
                "environment x {{\n  context = \"c\"\n  namespace = \"{namespace}\"\n  deploy api @ \"1.0.0\"\n}}\n"
            ),
            "E0305",
        );
        let output = test.run_with(&["build", "--format", "json"]);
        let found = diagnostics(&output.stdout);
        assert!(
            found.iter().all(|d| d["code"] == "E0305"),
            "{namespace}: {}",
            output.stdout
        );
        assert_eq!(test.files(".").len(), 4, "{namespace}");
    }
}

#[test]
fn symlinked_spec_files_and_directories_are_read() {
    let test = Test::new()
        .file("shared/platform.env", PLATFORM)
        .file("shared/apps/shop.env", APPS)
        .file("spec/environments.env", ENVIRONMENTS)
        .args(["build", "link", "-o", "out"]);
    symlink(
        "../shared/platform.env",
        test.path().join("spec/platform.env"),
    )
    .unwrap();
    symlink("../shared/apps", test.path().join("spec/apps")).unwrap();
    symlink("spec", test.path().join("link")).unwrap();
    test.run().status(0).stderr_lacks("E0");
    assert_eq!(test.files("out"), MINIMAL_OUTPUT);
    let plain = Test::new()
        .file("spec/platform.env", PLATFORM)
        .file("spec/apps/shop.env", APPS)
        .file("spec/environments.env", ENVIRONMENTS)
        .args(["build", "spec", "-o", "out"]);
    plain.run().status(0);
    assert!(test.tree("out") == plain.tree("out"), "the outputs differ");
}

#[test]
fn a_symlink_loop_is_refused() {
    for (link, target, outer) in [
        ("spec/loop", ".", "spec/"),
        ("spec/sub/up", "..", "spec/"),
        ("spec/sub/self", "../sub", "spec/sub"),
    ] {
        let test = Test::new().spec_in("spec").args(["build", "spec"]);
        fs::create_dir_all(test.path().join("spec/sub")).unwrap();
        symlink(target, test.path().join(link)).unwrap();
        run_quickly(&test).status(2).stderr_contains(&format!(
            "`{link}` is a symlink loop: it leads back to `{outer}`, which contains it"
        ));
        assert!(!test.exists("spec/out"), "{link}");
    }
}

#[test]
fn two_links_to_one_directory_add_its_files_once() {
    let test = Test::new()
        .spec_in("spec")
        .file(
            "shared/more.env",
            "app more : service {\n  image = \"shop/more\"\n}\n",
        )
        .args(["build", "spec", "--color", "never"]);
    symlink("../shared", test.path().join("spec/a")).unwrap();
    symlink("../shared", test.path().join("spec/b")).unwrap();
    // Read as `a/more.env` only: no duplicate declaration.
    run_quickly(&test)
        .status(0)
        .stderr_lacks("E0201")
        .stderr_contains("W0102");
}

#[test]
fn a_dangling_symlinked_spec_file_is_an_io_error() {
    let test = Test::with_spec().args(["build"]);
    symlink("gone.env", test.path().join("dangling.env")).unwrap();
    run_quickly(&test)
        .status(2)
        .stderr_contains("cannot read `./dangling.env`: no such file or directory");
    assert!(!test.exists("out"));
    // A dangling link that is not a spec file is none of the spec's business.
    test.remove("dangling.env");
    symlink("gone", test.path().join("notes")).unwrap();
    test.run().status(0);
}
