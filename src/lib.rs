//! mostbook: check and render social-media strategy playbooks written with
//! the MOST method (Mission, Objectives, Strategies, Tactics).
//!
//! The data flows one way, one module per stage:
//! [`load`] → [`resolve`] → [`check`] → [`render`] → [`write`];
//! [`analyze`] runs the first three, [`build`] all five, [`session`] all five
//! again and again for `watch` and `serve` (reusing what did not change),
//! [`cli`] is the command line.

pub mod analyze;
pub mod build;
pub mod check;
pub mod cli;
pub mod diag;
pub mod generate;
pub mod init;
pub mod load;
pub mod markdown;
pub mod model;
pub mod pool;
pub mod position;
pub mod render;
pub mod resolve;
pub mod serve;
pub mod session;
pub mod theme;
pub mod timings;
pub mod write;
