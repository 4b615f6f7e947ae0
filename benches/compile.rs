//! The in-process pipeline on a synthetic spec (see `specgen/mod.rs`):
//! `compile` (parse, resolve, check) and `emit` (model to YAML text), for
//! N = 100 and 1000 apps in four environments. No disk I/O.
//!
//!     cargo bench --bench compile
//!
//! Freeing the results is not timed (`iter_with_large_drop`). Kept short
//! (10 samples, a few seconds per case); for larger N use `scripts/bench.sh`,
//! which times the real command line, or `cargo bench --bench stages -- N`.

mod specgen;

// The allocator the envspec binary uses, so the numbers match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use envspec::source::{SourceFile, Sources};

/// The spec as the command line would load it: files sorted by path.
fn sources(apps: usize) -> (Sources, u64) {
    let mut files = specgen::generate(apps, specgen::DEFAULT_SEED);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let bytes = specgen::total_bytes(&files) as u64;
    let mut sources = Sources::new();
    for file in files {
        sources.add(SourceFile::new(file.path, file.text));
    }
    (sources, bytes)
}

fn pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("pipeline");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for apps in [100, 1000] {
        let (sources, bytes) = sources(apps);
        let (model, diagnostics) = envspec::compile(&sources);
        assert!(
            diagnostics.is_empty(),
            "the generated spec has diagnostics: {:?}",
            diagnostics.first().map(|d| d.code)
        );
        let model = model.expect("the generated spec compiles");
        group.throughput(Throughput::Bytes(bytes));
        group.bench_with_input(BenchmarkId::new("compile", apps), &sources, |b, s| {
            b.iter_with_large_drop(|| envspec::compile(black_box(s)))
        });
        group.bench_with_input(BenchmarkId::new("emit", apps), &model, |b, m| {
            b.iter_with_large_drop(|| envspec::emit::emit_text(black_box(m), &[]))
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
