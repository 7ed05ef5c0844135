/// mimalloc: builds allocate many small strings from two threads at once,
/// where it is faster than the system allocator (BENCHMARKS.md). Its
/// defaults are kept: since the big files are written as they are made,
/// returning freed memory sooner (a purge delay of 2 ms instead of 10) no
/// longer lowers the peak, and costs 1–4 % of CPU in page faults.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(mostbook::cli::main());
}
