//! Times the stages of the in-process pipeline on a synthetic spec of N apps,
//! and reports the process's peak memory: a quick way to see which stage
//! grows faster than the spec.
//!
//!     cargo bench --bench stages -- N [REPEAT] [--promotion]
//!
//! Stages: `parse` (every file through the parser), `compile` (parse,
//! resolve, check: `envspec::compile`), `emit` (model to YAML text). The
//! fastest of REPEAT runs (default 3) is shown. Run by a plain `cargo bench`
//! (with no N) it does nothing.

mod specgen;

// The allocator the envspec binary uses, so the numbers match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::time::{Duration, Instant};

use envspec::source::{SourceFile, Sources};

fn main() {
    let all: Vec<String> = std::env::args().skip(1).collect();
    let promotion = all.iter().any(|a| a == "--promotion");
    let args: Vec<&String> = all.iter().filter(|a| !a.starts_with("--")).collect();
    let Some(apps) = args.first().and_then(|n| n.parse::<usize>().ok()) else {
        eprintln!(
            "stages: nothing to do; usage: cargo bench --bench stages -- N [REPEAT] [--promotion]"
        );
        return;
    };
    let repeat = args
        .get(1)
        .and_then(|r| r.parse::<usize>().ok())
        .unwrap_or(3)
        .max(1);

    let mut files = specgen::generate_with(apps, specgen::DEFAULT_SEED, promotion);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let bytes = specgen::total_bytes(&files);
    let mut sources = Sources::new();
    for file in files {
        sources.add(SourceFile::new(file.path, file.text));
    }
    let rss_sources = peak_rss_kib();

    let mut parse = Duration::MAX;
    let mut compile = Duration::MAX;
    let mut emit = Duration::MAX;
    let mut output = (0, 0);
    let mut rss_model = 0;
    for _ in 0..repeat {
        let start = Instant::now();
        for (id, file) in sources.iter() {
            black_box(envspec::syntax::parse_file(id, &file.text));
        }
        parse = parse.min(start.elapsed());

        let start = Instant::now();
        let (model, diagnostics) = envspec::compile(&sources);
        compile = compile.min(start.elapsed());
        if let Some(d) = diagnostics.first() {
            eprintln!(
                "stages: the generated spec has {} diagnostics, first {}",
                diagnostics.len(),
                d.code
            );
        }
        let Some(model) = model else {
            eprintln!("stages: the generated spec does not compile");
            std::process::exit(1);
        };
        rss_model = rss_model.max(peak_rss_kib());

        let start = Instant::now();
        let out = envspec::emit::emit_text(&model, &[]);
        emit = emit.min(start.elapsed());
        output = (out.len(), out.iter().map(|f| f.text.len()).sum::<usize>());
        drop(black_box(out));
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("apps            {apps} x 4 environments");
    println!("spec            {} files, {bytes} bytes", sources.len());
    println!("output          {} files, {} bytes", output.0, output.1);
    println!("parse           {:9.1} ms", ms(parse));
    println!(
        "resolve+check   {:9.1} ms  (compile - parse)",
        ms(compile.saturating_sub(parse))
    );
    println!("compile         {:9.1} ms", ms(compile));
    println!("emit            {:9.1} ms", ms(emit));
    println!("compile+emit    {:9.1} ms", ms(compile + emit));
    println!(
        "peak RSS        {:9.1} MiB after loading, {:.1} MiB after compile, {:.1} MiB at the end",
        rss_sources as f64 / 1024.0,
        rss_model as f64 / 1024.0,
        peak_rss_kib() as f64 / 1024.0
    );
}

/// VmHWM of this process, in KiB (0 where /proc is not there).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}
