//! Command implementations that need more than a few lines of `main`.

pub mod serve;
