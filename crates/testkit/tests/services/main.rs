//! The testkit's own tests: each service started and used for real.

mod contracts;
mod dockerd;
mod postgres;
mod prometheus;
mod s3;
