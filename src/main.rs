// The spec compiles into many small allocations (names, spans, YAML nodes)
// freed all at once at the end; mimalloc halves the time glibc's allocator
// spends on them (see the Performance section of the README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    envspec::cli::main()
}
