fn main() -> std::process::ExitCode {
    wushe::cli::main()
}
