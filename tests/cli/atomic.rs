//! A build killed at any moment leaves every environment directory whole:
//! all of its files from the old build, or all from the new one.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::test::{PLATFORM, Test};

const APPS: usize = 400;

/// A spec of `APPS` apps in two environments, every app at `version`.
fn spec(test: &Test, version: &str) {
    let mut apps = String::new();
    let mut deploys = String::new();
    for i in 0..APPS {
        apps.push_str(&format!(
            "app svc{i} : service {{ image = \"shop/svc{i}\" }}\n"
        ));
        deploys.push_str(&format!("  deploy svc{i} @ \"{version}\"\n"));
    }
    test.write("platform.env", PLATFORM);
    test.write("apps.env", apps);
    test.write(
        "environments.env",
        format!(
            "environment staging {{\n  context = \"t\"\n  namespace = \"staging\"\n{deploys}}}\n\
             environment prod {{\n  context = \"p\"\n  namespace = \"prod\"\n{deploys}}}\n"
        ),
    );
}

/// Each environment's files, path → bytes. A killed build's staging
/// directory (hidden, removed by the next build) is not an environment.
fn environments(test: &Test) -> BTreeMap<String, BTreeMap<String, Vec<u8>>> {
    let mut by_env: BTreeMap<String, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
    for (path, bytes) in test.tree("out") {
        let env = path.split('/').next().unwrap_or_default().to_string();
        if env.starts_with('.') {
            continue;
        }
        by_env.entry(env).or_default().insert(path, bytes);
    }
    by_env
}

#[test]
fn a_killed_build_leaves_each_environment_old_or_new() {
    let test = Test::new().args(["build", "-o", "out"]);
    spec(&test, "1.0.0");
    test.run().status(0);
    let old = environments(&test);
    spec(&test, "2.0.0");
    test.run().status(0);
    let new = environments(&test);
    assert_eq!(old.len(), 2);
    assert_ne!(old, new);

    // How long a whole build takes here, to spread the kills over it.
    let started = Instant::now();
    spec(&test, "1.0.0");
    test.run().status(0);
    let full = started.elapsed();

    let mut saw_old = false;
    let mut saw_new = false;
    for step in 0..12u32 {
        let version = if step % 2 == 0 { "2.0.0" } else { "1.0.0" };
        spec(&test, version);
        let mut child = Command::new(env!("CARGO_BIN_EXE_envspec"))
            .args(["build", "-o", "out"])
            .current_dir(test.path())
            .env("XDG_CACHE_HOME", test.cache_path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start envspec");
        std::thread::sleep(full * step / 12);
        let _ = child.kill(); // SIGKILL; it may have finished already
        let _ = child.wait();

        let now = environments(&test);
        assert_eq!(
            now.keys().collect::<Vec<_>>(),
            old.keys().collect::<Vec<_>>(),
            "an environment directory is missing after a kill at step {step}"
        );
        for (env, files) in &now {
            let is_old = *files == old[env];
            let is_new = *files == new[env];
            assert!(
                is_old || is_new,
                "`{env}` is neither the old nor the new tree after a kill at step {step}"
            );
            saw_old |= is_old;
            saw_new |= is_new;
        }
        // The next build finishes the job, and leaves no staging behind.
        test.run().status(0);
        let wanted = if version == "2.0.0" { &new } else { &old };
        assert_eq!(&environments(&test), wanted);
        assert!(
            std::fs::read_dir(test.path().join("out"))
                .expect("read out")
                .flatten()
                .all(|e| !e.file_name().to_string_lossy().starts_with('.')),
            "a staging directory was left behind"
        );
    }
    assert!(saw_old && saw_new, "the kills never interrupted a build");
}
