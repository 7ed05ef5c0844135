/// mimalloc: builds allocate many small strings from two threads at once,
/// where it is faster than the system allocator (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (v2 and v3 headers: the 16th option).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // Memory freed by one stage is given back to the system after 2 ms
    // instead of 10: the stages of a build free a lot at once, and the next
    // one's peak then does not stack on it (peak RSS at 10k: ~225 -> ~185 MiB,
    // same speed; `MIMALLOC_PURGE_DELAY` still overrides it).
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a plain integer option of the allocator, before any thread starts.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 2) };
    }
    std::process::exit(mostbook::cli::main());
}
