//! The thread pool every stage runs on.
//!
//! Parsers recurse; a hostile file nesting thousands of levels must hit the
//! parser's own depth budget, not the end of a small thread stack.

/// Stack size of the pipeline's threads.
pub const STACK_SIZE: usize = 64 << 20;

/// Runs `f` on a rayon pool whose threads (and the calling one) have large stacks.
pub fn run<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("mostbook-{i}"))
        .build();
    match pool {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}
