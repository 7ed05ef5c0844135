//! mostbook: check and render social-media strategy playbooks written with
//! the MOST method (Mission, Objectives, Strategies, Tactics).
//!
//! The data flows one way, one module per stage:
//! [`load`] → [`resolve`] → [`check`] → `render` → `write`;
//! [`analyze`] runs the first three, [`cli`] is the command line.

pub mod analyze;
pub mod check;
pub mod cli;
pub mod diag;
pub mod load;
pub mod markdown;
pub mod model;
pub mod pool;
pub mod resolve;
