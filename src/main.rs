/// mimalloc: builds allocate many small strings from two threads at once,
/// where it is faster than the system allocator (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (the 16th option of its v2 and v3 headers).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    if one_shot() {
        // `build` and `check` exit when done: memory they free is better
        // kept for their next allocations than given back to the system.
        // Given back (after 10 ms by default), it is faulted in again 4 KiB
        // at a time, without huge pages: ~20,000 page faults at 10k
        // elements, ~250,000 at 100k, and 9–12 % of the wall time
        // (BENCHMARKS.md). Long-running `serve` and `watch` keep the default.
        // MIMALLOC_PURGE_DELAY still decides when it is set.
        // SAFETY: a plain setter of mimalloc's, called before any other
        // thread exists (it is not thread-safe).
        unsafe { libmimalloc_sys::mi_option_set_default(MI_OPTION_PURGE_DELAY, -1) };
    }
    std::process::exit(mostbook::cli::main());
}

/// Whether the command is `build` or `check` (its first word that is not an option).
fn one_shot() -> bool {
    std::env::args_os()
        .skip(1)
        .find(|a| !a.to_string_lossy().starts_with('-'))
        .is_some_and(|a| a == "build" || a == "check")
}
