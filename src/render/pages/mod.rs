//! One file per kind of page.

pub mod calendar;
pub mod element;
pub mod matrix;
pub mod network;
pub mod not_found;
pub mod overview;
pub mod print;
pub mod tree;
