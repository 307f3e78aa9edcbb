fn main() {
    std::process::exit(burnbench::cli::main());
}
