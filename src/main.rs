fn main() -> std::process::ExitCode {
    envspec::cli::main()
}
