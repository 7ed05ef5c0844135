fn main() {
    std::process::exit(mostbook::cli::main());
}
