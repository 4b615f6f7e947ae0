//! End-to-end tests of the `envspec` binary: each test writes a spec into a
//! temporary directory, runs the real command there and checks its exit code,
//! its output and the files it leaves behind.

#[path = "cli/test.rs"]
mod test;

#[path = "cli/atomic.rs"]
mod atomic;
#[path = "cli/build.rs"]
mod build;
#[path = "cli/chart_schema.rs"]
mod chart_schema;
#[path = "cli/check.rs"]
mod check;
#[path = "cli/color.rs"]
mod color;
#[path = "cli/determinism.rs"]
mod determinism;
#[path = "cli/diagnostics.rs"]
mod diagnostics;
#[path = "cli/diff.rs"]
mod diff;
#[path = "cli/explain.rs"]
mod explain;
#[path = "cli/failures.rs"]
mod failures;
#[path = "cli/hostile_input.rs"]
mod hostile_input;
#[path = "cli/hostile_output.rs"]
mod hostile_output;
#[path = "cli/load.rs"]
mod load;
#[path = "cli/promotion.rs"]
mod promotion;
#[path = "cli/record.rs"]
mod record;
#[path = "cli/stale.rs"]
mod stale;
