//! Writes a synthetic spec (see `specgen/mod.rs`) to a directory.
//!
//!     cargo bench --bench gen-spec -- N DIR [SEED] [--promotion]
//!
//! `--promotion` adds a promotion chain and protects production.
//! A bench target only so that it needs no binary in the package; run by a
//! plain `cargo bench` (with no N and DIR) it does nothing.

mod specgen;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; keep positional arguments and our flag.
    let all: Vec<String> = std::env::args().skip(1).collect();
    let promotion = all.iter().any(|a| a == "--promotion");
    let args: Vec<&String> = all.iter().filter(|a| !a.starts_with("--")).collect();
    let (n, dir, seed) = match args.as_slice() {
        [] => {
            eprintln!(
                "gen-spec: nothing to do; usage: cargo bench --bench gen-spec -- N DIR [SEED] [--promotion]"
            );
            return ExitCode::SUCCESS;
        }
        [n, dir] => (n, dir, None),
        [n, dir, seed] => (n, dir, Some(seed)),
        _ => return usage(),
    };
    let Ok(n) = n.parse::<usize>() else {
        return usage();
    };
    let seed = match seed.map(|s| s.parse::<u64>()) {
        None => specgen::DEFAULT_SEED,
        Some(Ok(s)) => s,
        Some(Err(_)) => return usage(),
    };
    let dir = PathBuf::from(dir);
    let files = specgen::generate_with(n, seed, promotion);
    if dir.exists() {
        // Never mix two generated specs: replace the spec files we own.
        for sub in ["apps", "environments"] {
            let _ = std::fs::remove_dir_all(dir.join(sub));
        }
        let _ = std::fs::remove_file(dir.join("promotion.env"));
    }
    for file in &files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent()
            && let Err(e) = std::fs::create_dir_all(parent)
        {
            eprintln!("gen-spec: cannot create `{}`: {e}", parent.display());
            return ExitCode::from(2);
        }
        if let Err(e) = std::fs::write(&path, &file.text) {
            eprintln!("gen-spec: cannot write `{}`: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    println!(
        "wrote {} files, {} bytes, {n} apps x {} environments to {}",
        files.len(),
        specgen::total_bytes(&files),
        specgen::ENVIRONMENTS.len(),
        dir.display()
    );
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: cargo bench --bench gen-spec -- N DIR [SEED] [--promotion]");
    ExitCode::from(2)
}
