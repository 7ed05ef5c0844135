/// mimalloc: builds allocate many small strings from two threads at once,
/// where it is faster than the system allocator (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(mostbook::cli::main());
}
