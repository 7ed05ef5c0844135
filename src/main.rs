/// mimalloc: builds allocate many small strings from two threads at once,
/// where it is faster than the system allocator (BENCHMARKS.md). Its
/// defaults are kept (v3 gives freed memory back to the system after 1 s).
/// Giving it back after 2 ms no longer lowers the peak, since the big files
/// are written as they are made, and costs 1–4 % of CPU in page faults.
/// Never giving it back was no faster in builds beyond noise, maybe ~9 ms
/// of edit-to-visible in `serve` at 10k, and raised the 100k peak by 20–30
/// MiB (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(mostbook::cli::main());
}
