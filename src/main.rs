/// mimalloc: builds allocate many small strings from two threads at once,
/// where it is faster than the system allocator (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (the 16th option of its v2 and v3 headers).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // Memory mostbook frees is kept for its next allocations, not given back
    // to the system. Given back (after 10 ms by default), it is faulted in
    // again 4 KiB at a time, without huge pages: a build at 10k elements
    // took ~20,000 page faults (100k: ~250,000) and 8–11 % more wall time,
    // and in `serve` each rebuild after a save paid them again (~25 ms of
    // edit-to-visible at 10k). The price: a `serve` session keeps its
    // high-water mark (~110 MiB more at 10k). See BENCHMARKS.md.
    // MIMALLOC_PURGE_DELAY still decides when it is set.
    // SAFETY: a plain setter of mimalloc's, called before any other thread
    // exists (it is not thread-safe).
    unsafe { libmimalloc_sys::mi_option_set_default(MI_OPTION_PURGE_DELAY, -1) };
    std::process::exit(mostbook::cli::main());
}
